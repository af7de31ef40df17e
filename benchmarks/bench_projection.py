"""Projection benchmark: the default policy's funding ratio over 10 years, by rule.

What it measures
----------------
1. ``ldi.funding_projection`` of the default problem's solved policy, 5,000 paths x 10
   years, under each fixed rule (``restrike``, the default; ``hedge``; ``constant_mix``):
   the scenario draws, the model of time on every path (every position and the
   liabilities aged and valued each year) and the rebalance (``restrike``: a least-squares
   re-strike per path and year, all paths at once). Best of 3, after one warm-up run (the
   ledger's per-year plans are built once per problem).
2. The ``resolve`` rule on 500 paths x 10 years: the problem's own optimization solved
   again on each path at each year-end (5,000 solves on one compiled problem), serially and
   on a Dask LocalCluster of 2 workers (``ldi.sweep.local_cluster``), where each worker
   builds the problem again and projects whole blocks of the same draws. The cluster's
   start-up and shut-down are timed apart. The two runs must give the same paths, to the
   bit.

Targets (reported, not enforced): the re-strike projection at most 2 s; the Dask resolve
at least 1.7x faster than serial (on the running cluster), with identical results.

How to run
----------
``make bench`` or ``.venv/bin/python benchmarks/bench_projection.py`` from the repository
root (a few minutes). Results go to ``benchmarks/results/bench_projection.json`` and ``.md``.
"""

import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np
from bench_risk import finish, machine_info, verdict

import ldi
from ldi.sweep import local_cluster

ROOT = Path(__file__).resolve().parents[1]
PATHS, YEARS = 5_000, 10
RESOLVE_PATHS = 500


def timed(call):
    start = time.perf_counter()
    value = call()
    return value, time.perf_counter() - start


def import_ldi() -> None:
    """Import ldi (and with it cvxpy and the solvers): run on each worker at start-up."""
    import ldi  # noqa: F401


def main() -> int:
    machine = machine_info()
    problem = ldi.load_problem(ROOT / "problems" / "uk_db_scheme.yaml")
    policy = problem.solve().positions
    rules = {}
    for rule in ("restrike", "hedge", "constant_mix"):
        ldi.funding_projection(problem, policy, years=YEARS, scenarios=100, rebalance=rule)
        seconds = min(
            timed(
                lambda r=rule: ldi.funding_projection(
                    problem, policy, years=YEARS, scenarios=PATHS, rebalance=r
                )
            )[1]
            for _ in range(3)
        )
        rules[rule] = seconds
        print(f"{rule}: {PATHS:,} paths x {YEARS} years in {seconds:.2f} s", flush=True)

    settings = {"years": YEARS, "scenarios": RESOLVE_PATHS, "rebalance": "resolve"}
    serial, t_serial = timed(lambda: ldi.funding_projection(problem, policy, **settings))
    print(f"resolve, serial: {t_serial:.1f} s ({serial.fallbacks} fallbacks)", flush=True)
    from distributed import Client

    cluster, startup = timed(lambda: local_cluster(2))
    try:
        with Client(cluster) as client:
            _, warm = timed(lambda: client.run(import_ldi))
        shared, t_dask = timed(
            lambda: ldi.funding_projection(
                problem, policy, scheduler=cluster.scheduler_address, **settings
            )
        )
    finally:
        _, shutdown = timed(cluster.close)
    same = bool(
        np.array_equal(serial.assets, shared.assets)
        and np.array_equal(serial.liabilities, shared.liabilities)
        and serial.fallbacks == shared.fallbacks
    )
    speedup = t_serial / t_dask
    with_startup = t_serial / (t_dask + startup + warm + shutdown)
    report = {
        "run": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine,
        "projection": {"paths": PATHS, "years": YEARS, "seconds": rules},
        "resolve": {
            "paths": RESOLVE_PATHS,
            "years": YEARS,
            "serial_s": t_serial,
            "dask_s": t_dask,
            "startup_s": startup + warm,
            "shutdown_s": shutdown,
            "speedup": speedup,
            "speedup_with_startup": with_startup,
            "same": same,
            "fallbacks": serial.fallbacks,
            "median_funding_ratio_year_10": float(serial.table.loc[YEARS, "p50"]),
        },
    }
    lines = [
        "# Projection benchmark",
        "",
        f"Run {report['run']} on {machine['cpu']} ({machine['cpu_count']} cores), "
        f"Python {machine['python']}.",
        "",
        f"## The default policy, {PATHS:,} paths x {YEARS} years",
        "",
        "| rule | seconds (best of 3) |",
        "|---|---|",
        *(f"| {rule} | {seconds:.2f} s |" for rule, seconds in rules.items()),
        "",
        f"## Re-solving on every path: {RESOLVE_PATHS} paths x {YEARS} years",
        "",
        "| serial | Dask, 2 workers | speed-up | Dask start-up + shut-down "
        "| speed-up with them | same paths | fallbacks |",
        "|---|---|---|---|---|---|---|",
        f"| {t_serial:.1f} s | {t_dask:.1f} s | {speedup:.2f}x "
        f"| {startup + warm:.1f} s + {shutdown:.1f} s | {with_startup:.2f}x | {verdict(same)} "
        f"| {serial.fallbacks} |",
        "",
        f"Targets: re-strike projection <= 2 s: {verdict(rules['restrike'] <= 2.0)}; Dask "
        f"resolve >= 1.7x serial: {verdict(speedup >= 1.7)} on the running cluster, "
        f"{verdict(with_startup >= 1.7)} with its start-up and shut-down.",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    return finish("bench_projection", report, text, same)


if __name__ == "__main__":
    sys.exit(main())
