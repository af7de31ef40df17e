"""Membership projection benchmark: 100,000 members' benefit payments over 100 years.

What it measures
----------------
``ldi.members.projection.project`` on a synthetic membership of 100,000 members, drawn
with a seed: a quarter each active, deferred, pensioner and dependant; half men, half
women; actives and deferreds aged 25 to 64 retiring at 65, pensioners 65 to 95,
dependants 60 to 100; pensions of 1,000 to 20,000 a year split over three tranches; a
spouse's proportion of 50%. The basis: the SOA's Standard Ultimate Life Table improved by
1.5% a year from 2012 for both sexes, 80% married, wives 3 years younger, 20% commuted at
16. Projected from 2026 over 100 years (members x years = 10 million cells a tranche).

Timed: the projection, best of three after a warm-up (``time_runs`` of
``bench_risk.py``). Target: under 2 s on this machine.

Then 1,000,000 members drawn the same way (another seed), projected by
``ldi.membership.project_members`` once serially (100,000 members at a time) and once on a
Dask LocalCluster of 2 workers (one per core), started once and timed on its own; the
speed-up is the serial time over the cluster's, with and without its start. Both give
the same rows to 1e-9 relative (checked).

Check (enforced; the script exits with status 1 if it fails): the membership projected in
four parts gives the same rows as projected whole (the rows are sums over members, so
the parts' rows summed by key must equal the whole's to rounding, 1e-9 relative). This is
an invariant, not a reference: the payments themselves are checked against a hand
computation in tests/members/test_projection.py.

How to run
----------
``make bench`` or ``.venv/bin/python benchmarks/bench_members.py`` from the repository root.
Results go to ``benchmarks/results/bench_members.json`` and ``.md``.
"""

import datetime as dt
import sys
import time
import warnings

import numpy as np
import pandas as pd
from bench_risk import finish, machine_info, time_runs, verdict

from ldi.errors import LDIWarning
from ldi.members import SULT, Improvement, Mortality
from ldi.members.projection import Basis, project
from ldi.membership import SLICE, project_members
from ldi.sweep import local_cluster

MEMBERS, YEARS, YEAR, SEED = 100_000, 100, 2026, 20261207
REPEATS, PARTS, LIMIT_S = 3, 4, 2.0
LARGE, WORKERS = 1_000_000, 2
KEY = ["tranche", "status", "deferred_until", "time"]


def membership(count: int, seed: int) -> pd.DataFrame:
    """The synthetic membership described in the module."""
    rng = np.random.default_rng(seed)
    status = rng.choice(["active", "deferred", "pensioner", "dependant"], count)
    low = np.select([status == "pensioner", status == "dependant"], [65.0, 60.0], 25.0)
    high = np.select([status == "pensioner", status == "dependant"], [95.0, 100.0], 64.0)
    pension = rng.uniform(1_000.0, 20_000.0, count)
    shares = rng.dirichlet(np.ones(3), count)
    return pd.DataFrame(
        {
            "id": [f"M{i:06d}" for i in range(count)],
            "status": status,
            "sex": rng.choice(["M", "F"], count),
            "age": rng.uniform(low, high),
            "retirement_age": np.where(np.isin(status, ["active", "deferred"]), 65.0, np.nan),
            "spouse_proportion": 0.5,
            **{f"pension:t{k}": pension * shares[:, k] for k in range(3)},
        }
    )


def basis() -> Basis:
    mortality = Mortality(SULT.table(20, 130), 2012, Improvement(0.015))
    return Basis(
        {"male": mortality, "female": mortality},
        proportion_married=0.8,
        age_difference=3.0,
        commutation=0.2,
        commutation_factor=16.0,
    )


def parts_agree(members: pd.DataFrame, whole: pd.DataFrame) -> float:
    """The largest relative gap between the whole's rows and its parts' rows summed."""
    bounds = np.linspace(0, len(members), PARTS + 1).astype(int)
    parts = [
        project(members.iloc[start:end], basis(), YEAR, YEARS)
        for start, end in zip(bounds[:-1], bounds[1:], strict=True)
    ]
    summed = pd.concat(parts).fillna({"deferred_until": 0.0}).groupby(KEY)["amount"].sum()
    alone = whole.fillna({"deferred_until": 0.0}).set_index(KEY)["amount"]
    summed = summed.reindex(alone.index.union(summed.index), fill_value=0.0)
    alone = alone.reindex(summed.index, fill_value=0.0)
    return float(np.max(np.abs(summed - alone)) / np.max(np.abs(alone)))


def on_dask(members: pd.DataFrame, terms: Basis) -> dict:
    """The large membership serially and on a LocalCluster: times, speed-up, agreement."""
    start = time.perf_counter()
    serial = project_members(members, terms, YEAR, YEARS)
    serial_s = time.perf_counter() - start
    start = time.perf_counter()
    with local_cluster(WORKERS) as cluster:
        started_s = time.perf_counter() - start
        start = time.perf_counter()
        address = cluster.scheduler_address
        shared = project_members(members, terms, YEAR, YEARS, scheduler=address)
        dask_s = time.perf_counter() - start
    same = serial[KEY[:2] + ["time"]].equals(shared[KEY[:2] + ["time"]])
    gap = float(np.max(np.abs(serial["amount"] - shared["amount"])) / serial["amount"].abs().max())
    return {
        "members": len(members),
        "workers": WORKERS,
        "serial_s": serial_s,
        "cluster_start_s": started_s,
        "dask_s": dask_s,
        "speed_up": serial_s / dask_s,
        "speed_up_with_start": serial_s / (started_s + dask_s),
        "gap": gap,
        "same_rows": bool(same and gap < 1e-9),
    }


def main() -> int:
    # The horizon is the fixed 100 years timed; a few of the youngest outlive it.
    warnings.filterwarnings("ignore", message=".*the projection ends after", category=LDIWarning)
    machine = machine_info()
    members, terms = membership(MEMBERS, SEED), basis()
    result: dict[str, pd.DataFrame] = {}

    def run() -> None:
        result["rows"] = project(members, terms, YEAR, YEARS)

    seconds = float(time_runs({"project": run}, REPEATS)["project"].min())
    rows = result["rows"]
    gap = parts_agree(members, rows)
    large = on_dask(membership(LARGE, SEED + 1), terms)
    ok = gap < 1e-9 and large["same_rows"]
    report = {
        "run": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine,
        "members": MEMBERS,
        "years": YEARS,
        "tranches": 3,
        "rows": len(rows),
        "total_expected_payments": float(rows["amount"].sum()),
        "seconds": seconds,
        "limit_s": LIMIT_S,
        "parts": PARTS,
        "parts_relative_gap": gap,
        "parts_agree": gap < 1e-9,
        "large": large,
    }
    text = "\n".join(
        [
            "# Membership projection benchmark",
            "",
            f"Run {report['run']} on {machine['cpu']} ({machine['cpu_count']} cores), "
            f"Python {machine['python']}, numpy {machine['numpy']}.",
            "",
            f"{MEMBERS:,} members, 3 tranches, {YEARS} years from {YEAR}: {len(rows):,} rows "
            f"by time, status, tranche and deferment.",
            "",
            "| projection (best of 3) | under 2 s | parts summed = whole (relative gap) |",
            "|---|---|---|",
            f"| {seconds * 1e3:,.0f} ms | {verdict(seconds < LIMIT_S)} | {verdict(ok)} "
            f"({gap:.1e}) |",
            "",
            f"{LARGE:,} members, serially ({SLICE:,} at a time) and on a Dask LocalCluster "
            f"of {WORKERS} workers, started once:",
            "",
            "| serial | cluster start | on the cluster | speed-up (with its start) "
            "| same rows (relative gap) |",
            "|---|---|---|---|---|",
            f"| {large['serial_s']:,.1f} s | {large['cluster_start_s']:,.1f} s | "
            f"{large['dask_s']:,.1f} s | {large['speed_up']:.2f}x "
            f"({large['speed_up_with_start']:.2f}x) | {verdict(large['same_rows'])} "
            f"({large['gap']:.1e}) |",
            "",
        ]
    )
    print(text)
    return finish("bench_members", report, text, ok)


if __name__ == "__main__":
    sys.exit(main())
