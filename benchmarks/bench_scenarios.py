"""Scenario benchmark: simulated revaluation, the CVaR LP against highspy, and Dask sweeps.

What it measures
----------------
1. Revaluation of 200 instruments (180 gilts with annual coupons and maturities to 50
   years, 20 par swaps) and a liability under 10,000 and 50,000 simulated one-year moves
   (``ScenarioEngine.pnl``: simulation plus a year of the model of time, chunked).
2. The CVaR LP: 50 instruments (45 gilts, 5 growth assets), minimum CVaR 95% of a year's
   surplus loss under a budget, at 10,000 and 50,000 scenarios. ``ldi`` (build, compile,
   HiGHS, result) against the same Rockafellar–Uryasev LP passed to ``highspy`` directly
   (the same scenario P&L, simulated once for both). Each side is timed from scratch, a
   new model or a new HiGHS instance, the best of 3 runs at 10,000 scenarios and one at
   50,000. Agreement enforced to 1e-6.
3. A sweep of 100 variants of the default problem with a CVaR limit on 10,000 scenarios
   (the limit from 6% to 10% of the liabilities; each variant simulates, revalues and solves on
   its own), serially and on a Dask LocalCluster of 2 workers (``ldi.sweep.local_cluster``,
   the cluster ``scheduler="local"`` starts). The cluster's start-up (workers spawned, ldi
   imported in each) and shut-down are timed apart from the sweep on it, and the speed-up is
   given both without and with them.

The funding-ratio projection has a benchmark of its own (bench_projection.py).

Targets (reported, not enforced): the CVaR solve at most 1.2x the direct highspy call; the
Dask sweep at least 1.7x faster than serial (on the running cluster).

How to run
----------
``make bench`` or ``.venv/bin/python benchmarks/bench_scenarios.py`` from the repository
root (a few minutes). Results go to ``benchmarks/results/bench_scenarios.json`` and ``.md``.
"""

import datetime as dt
import shutil
import sys
import tempfile
import time
from pathlib import Path

import highspy
import numpy as np
import yaml
from bench_risk import finish, machine_info, verdict
from scipy import sparse

import ldi
from ldi.optimize.model import Model
from ldi.optimize.solve import solve
from ldi.sweep import SweepResult, local_cluster, parse_vary, sweep

ROOT = Path(__file__).resolve().parents[1]
ALPHA = 0.95
SEED = 5


def universe(gilts: int, swaps: int, growth: int, rng: np.random.Generator) -> dict:
    """A problem mapping: flat-ish curves, 40 years of benefits, the instruments given."""
    instruments = [
        {
            "id": f"G{i:03d}",
            "kind": "bond",
            "coupon": round(float(rng.uniform(0.01, 0.06)), 4),
            "maturity": round(float(rng.uniform(1, 50)), 2),
            "frequency": 1,
        }
        for i in range(gilts)
    ]
    instruments += [
        {"id": f"S{i:02d}", "kind": "interest_rate_swap", "tenor": int(rng.integers(5, 51))}
        for i in range(swaps)
    ]
    instruments += [
        {
            "id": f"E{i:02d}",
            "kind": "return_seeking",
            "expected_return": 0.06,
            "volatility": round(float(rng.uniform(0.1, 0.2)), 3),
        }
        for i in range(growth)
    ]
    instruments.append({"id": "CASH", "kind": "cash", "rate": 0.04})
    return {
        "ldi": 1,
        "name": "scenario benchmark",
        "curves": {
            "gilts": {
                "kind": "zero",
                "tenors": [1, 5, 10, 20, 30, 50],
                "rates": [0.04, 0.041, 0.044, 0.048, 0.047, 0.045],
            }
        },
        "liabilities": {
            "discount_curve": "gilts",
            "cashflows": [{"time": float(t), "fixed": 1e6 * np.exp(-t / 25)} for t in range(1, 61)],
        },
        "instruments": instruments,
        "holdings": {"CASH": 2.0e7},
    }


def timed(call):
    start = time.perf_counter()
    value = call()
    return value, time.perf_counter() - start


def highspy_cvar(pnl: np.ndarray, liability: np.ndarray, pv: np.ndarray, capital: float):
    """(optimum, seconds): min η + Σu/((1−α)S) s.t. P x + η + u ≥ ℓ, pv·x = capital, x ≥ 0."""
    start = time.perf_counter()
    s, n = pnl.shape
    scale = 1.0 / ((1 - ALPHA) * s)
    tail = sparse.hstack(
        [sparse.csr_array(pnl), sparse.csr_array(np.ones((s, 1))), sparse.eye_array(s)]
    )
    budget = sparse.csr_array(np.concatenate([pv, np.zeros(s + 1)])[None, :])
    a = sparse.vstack([tail, budget]).tocsc()
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n + 1 + s, s + 1
    lp.col_cost_ = np.concatenate([np.zeros(n), [1.0], np.full(s, scale)])
    lower = np.zeros(n + 1 + s)
    lower[n] = -highspy.kHighsInf
    lp.col_lower_, lp.col_upper_ = lower, np.full(n + 1 + s, highspy.kHighsInf)
    lp.row_lower_ = np.concatenate([liability, [capital]])
    lp.row_upper_ = np.concatenate([np.full(s, highspy.kHighsInf), [capital]])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = a.indptr, a.indices, a.data
    solver = highspy.Highs()
    solver.setOptionValue("output_flag", False)
    solver.passModel(lp)
    solver.run()
    return solver.getInfo().objective_function_value, time.perf_counter() - start


def cvar_case(scenarios: int) -> dict:
    rng = np.random.default_rng(SEED)
    raw = universe(45, 0, 5, rng)
    raw["objective"] = {"minimize": [{"cvar": {"scenarios": scenarios, "seed": SEED}}]}
    raw["constraints"] = ["budget"]
    problem = ldi.load_problem(raw)
    data = problem.model.data
    _, t_changes = timed(lambda: data.simulation.pnl(scenarios, SEED))  # cached for both
    repeats = 3 if scenarios <= 10_000 else 1
    model = problem.model
    result, t_ldi = min(
        (
            timed(lambda: solve(Model(data, model.objective, model.constraints, model.solver)))
            for _ in range(repeats)
        ),
        key=lambda pair: pair[1],
    )
    pnl, liability = data.simulation.pnl(scenarios, SEED)
    optimum, t_direct = min(
        (highspy_cvar(pnl, liability, data.assets["pv"].to_numpy(), 2.0e7) for _ in range(repeats)),
        key=lambda pair: pair[1],
    )
    agreement = abs(result.objective_value - optimum) / abs(optimum)
    return {
        "scenarios": scenarios,
        "simulate_and_revalue_s": t_changes,
        "ldi_solve_s": t_ldi,
        "highspy_direct_s": t_direct,
        "ratio": t_ldi / t_direct,
        "agreement": agreement,
        "agrees": agreement < 1e-6,
    }


def cvar_problem(folder: Path) -> Path:
    """The default problem with a CVaR limit on 10,000 scenarios, written to ``folder``."""
    default = ROOT / "problems" / "uk_db_scheme.yaml"
    raw = yaml.safe_load(default.read_text())
    flows = raw["liabilities"]["cashflows"]  # a file a problem names sits in its folder
    (folder / flows).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(default.parent / flows, folder / flows)
    raw["constraints"].append({"cvar": {"max": 0.08, "scenarios": 10_000}})
    path = folder / "uk_db_scheme_cvar.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return path


def import_ldi() -> None:
    """Import ldi (and with it cvxpy and the solvers): run on each worker at start-up."""
    import ldi  # noqa: F401


def dask_sweep(problem: Path, variants: list[dict]) -> tuple[SweepResult, dict[str, float]]:
    """The sweep on a LocalCluster of 2 workers; seconds of start-up, sweep and shut-down."""
    from distributed import Client

    cluster, startup = timed(lambda: local_cluster(2))
    try:
        with Client(cluster) as client:
            _, warm = timed(lambda: client.run(import_ldi))
        result, seconds = timed(
            lambda: sweep(problem, variants, cluster.scheduler_address, progress=False)
        )
    finally:
        _, shutdown = timed(cluster.close)
    return result, {"startup_s": startup + warm, "sweep_s": seconds, "shutdown_s": shutdown}


def main() -> int:
    machine = machine_info()
    rng = np.random.default_rng(SEED)
    revaluation = []
    for scenarios in (10_000, 50_000):
        problem = ldi.load_problem(universe(180, 20, 0, rng))
        engine = problem.scenario_engine()
        engine.pnl(100, 1)  # price every instrument once
        _, seconds = timed(lambda s=scenarios, e=engine: e.pnl(s, SEED))
        revaluation.append({"scenarios": scenarios, "instruments": 200, "seconds": seconds})
        print(f"revaluation of 200 instruments x {scenarios:,}: {seconds:.2f} s", flush=True)
    cvar = [cvar_case(s) for s in (10_000, 50_000)]
    for case in cvar:
        print(case, flush=True)
    with tempfile.TemporaryDirectory() as folder:
        problem = cvar_problem(Path(folder))
        variants = parse_vary(["max_cvar.max=0.06:0.10:100"])
        serial, t_serial = timed(lambda: sweep(problem, variants, "serial", progress=False))
        dask, t_dask = dask_sweep(problem, variants)
    same = serial.results == dask.results
    warm_speedup = t_serial / t_dask["sweep_s"]
    total_speedup = t_serial / sum(t_dask.values())
    ok = all(c["agrees"] for c in cvar) and same
    report = {
        "run": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine,
        "revaluation": revaluation,
        "cvar": cvar,
        "sweep": {
            "variants": len(variants),
            "serial_s": t_serial,
            "dask": t_dask,
            "speedup": warm_speedup,
            "speedup_with_startup": total_speedup,
            "same": same,
        },
    }
    lines = [
        "# Scenario benchmark",
        "",
        f"Run {report['run']} on {machine['cpu']} ({machine['cpu_count']} cores), "
        f"Python {machine['python']}.",
        "",
        "## Simulated revaluation (200 instruments and the liabilities)",
        "",
        "| scenarios | simulate + revalue |",
        "|---|---|",
        *(f"| {r['scenarios']:,} | {r['seconds']:.2f} s |" for r in revaluation),
        "",
        "## Minimum CVaR 95% (50 instruments), ldi vs highspy on the same LP",
        "",
        "| scenarios | ldi solve | highspy direct | ldi / direct | agrees |",
        "|---|---|---|---|---|",
        *(
            f"| {c['scenarios']:,} | {c['ldi_solve_s']:.2f} s | {c['highspy_direct_s']:.2f} s "
            f"| {c['ratio']:.2f}x | {verdict(c['agrees'])} ({c['agreement']:.1e}) |"
            for c in cvar
        ),
        "",
        f"## Sweep of {len(variants)} CVaR-limited variants of the default problem",
        "",
        "| serial | Dask, 2 workers: sweep | speed-up | Dask start-up + shut-down "
        "| speed-up with them | same results |",
        "|---|---|---|---|---|---|",
        f"| {t_serial:.1f} s | {t_dask['sweep_s']:.1f} s | {warm_speedup:.2f}x "
        f"| {t_dask['startup_s']:.1f} s + {t_dask['shutdown_s']:.1f} s | {total_speedup:.2f}x "
        f"| {verdict(same)} |",
        "",
        "Targets: CVaR solve <= 1.2x direct highspy: "
        + ", ".join(f"{c['scenarios']:,} {verdict(c['ratio'] <= 1.2)}" for c in cvar)
        + f"; Dask sweep >= 1.7x serial: {verdict(warm_speedup >= 1.7)} on the running cluster, "
        + f"{verdict(total_speedup >= 1.7)} with its start-up and shut-down.",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    return finish("bench_scenarios", report, text, ok)


if __name__ == "__main__":
    sys.exit(main())
