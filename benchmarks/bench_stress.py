"""Stress benchmark: full revaluation under scenarios, and the collateral figures built on it.

What it measures
----------------
1. A universe of 2,000 gilts (annual coupons 1-6%, maturities 1-50 years), 200 par swaps
   and 20 repos on one zero curve, revalued under every move of the GBP stress catalogue in one
   vectorized pass (``ldi.scenarios.Revaluation.values``), against a plain loop that prices
   every instrument on every moved curve with ``ldi.pv`` (one valuation at a time, as a
   spreadsheet or a scenario loop over a pricing library would). Agreement is enforced to
   1e-12 relative.
2. The collateral model of that universe: per-unit collateral available and called under
   the buffer's two rises (``CollateralModel.coefficients``, what a buffer constraint costs
   to build), the headroom of a portfolio, and the absorbable rise / bp to zero NAV root-finds.
3. ``ldi stress`` on the default problem (problems/uk_db_scheme.yaml): every catalogue
   scenario with its steps, the waterfalls and the resilience figures (``stress_test``).

Timings are the best of five runs (``time.perf_counter``). No target is set by the issue;
the loop is the reference for speed and for the numbers.

How to run
----------
``make bench`` or ``.venv/bin/python benchmarks/bench_stress.py`` from the repository root
(about half a minute). Results go to ``benchmarks/results/bench_stress.json`` and ``.md``.
"""

import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np
from bench_risk import finish, machine_info, verdict

import ldi
from ldi.curves.market import Market
from ldi.liquidity import (
    CollateralModel,
    CollateralPolicy,
    Rise,
    absorbable_rise,
    bp_to_zero_nav,
    collateral_table,
    rise,
)
from ldi.liquidity.buffer import GRID_STEP_BP, SEARCH_BP
from ldi.scenarios import Revaluation, catalogue
from ldi.stress import stress_test

ROOT = Path(__file__).resolve().parents[1]
REPEATS = 5
SEED = 11


def universe(rng: np.random.Generator) -> list:
    """2,000 gilts, 200 par receiver swaps and 20 repos against the first 20 gilts."""
    gilts = [
        ldi.Bond(
            id=f"G{i:04d}",
            coupon=float(rng.uniform(0.01, 0.06)),
            maturity=float(rng.uniform(1.0, 50.0)),
            frequency=1,
        )
        for i in range(2000)
    ]
    swaps = [
        ldi.InterestRateSwap(id=f"S{i:03d}", tenor=float(rng.integers(5, 51))) for i in range(200)
    ]
    repos = [
        ldi.Repo(id=f"R{i:02d}", collateral=f"G{i:04d}", term=0.25, haircut=0.02) for i in range(20)
    ]
    return [*gilts, *swaps, *repos]


def loop_values(instruments: list, market: Market, curve, moves: list) -> np.ndarray:
    """Per-unit values by pricing each instrument alone on each moved curve."""
    values = np.empty((len(instruments), len(moves)))
    for j, move in enumerate(moves):
        moved = curve.with_spread(move.nominal)
        for i, instrument in enumerate(instruments):
            valuation = instrument.value(market)
            stream_curve = moved.with_spread(
                ldi.curves.spread.RateSpread.parallel(valuation.spread)
            )
            values[i, j] = valuation.settled + ldi.pv(valuation.stream, stream_curve)
    return values


def best(call, repeats: int = REPEATS) -> tuple[object, float]:
    """(value, seconds) of the fastest of ``repeats`` calls."""
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        value = call()
        timings.append(time.perf_counter() - start)
    return value, min(timings)


def main() -> int:
    machine = machine_info()
    rng = np.random.default_rng(SEED)
    curve = ldi.ZeroCurve(
        [1, 2, 5, 10, 20, 30, 50],
        [0.038, 0.038, 0.040, 0.045, 0.052, 0.052, 0.048],
        compounding="annual",
    )
    market = Market({"gilts": curve}, nominal="gilts")
    instruments = universe(rng)
    scenarios = catalogue("GBP")  # the default problem's market
    moves = [m for s in scenarios.values() for m in s.steps]

    print(f"revaluing {len(instruments)} instruments under {len(moves)} moves ...", flush=True)
    fresh = Revaluation(instruments, market)
    fresh.values(moves[:1])  # price every instrument once (what a loaded problem has done)
    vectorized, t_vector = best(lambda: fresh.values(moves))
    looped, t_loop = best(lambda: loop_values(instruments, market, curve, moves), repeats=1)
    scale = np.maximum(np.abs(looped), 1.0)
    agreement = float(np.max(np.abs(vectorized - looped) / scale))

    table = collateral_table(instruments, CollateralPolicy())
    # A levered LDI book: 4bn of gilts, 8bn of receiver swaps, repo against 20 of the gilts.
    positions = np.concatenate(
        [rng.uniform(1e6, 3e6, 2000), rng.uniform(2e7, 6e7, 200), np.full(20, 1e6)]
    )

    def coefficients():
        model = CollateralModel(table, fresh.values, fresh.base)  # a fresh cache each time
        return model.coefficients([rise(Rise.NOMINAL, 350), rise(Rise.REAL, 350)])

    _, t_coefficients = best(coefficients)

    def model():
        return CollateralModel(table, fresh.values, fresh.base)  # nothing cached

    absorbs, t_absorb = best(lambda: absorbable_rise(model(), positions))
    zero_nav, t_zero = best(lambda: bp_to_zero_nav(model(), positions))

    problem = ldi.load_problem(ROOT / "problems" / "uk_db_scheme.yaml")
    _, t_stress = best(lambda: stress_test(problem))

    ok = agreement < 1e-12
    report = {
        "run": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine,
        "universe": {"gilts": 2000, "swaps": 200, "repos": 20, "moves": len(moves)},
        "revaluation_s": {"vectorized": t_vector, "loop": t_loop},
        "agreement_max_rel": agreement,
        "collateral_coefficients_s": t_coefficients,
        "absorbable_rise": {"bp": absorbs.exact, "seconds": t_absorb},
        "bp_to_zero_nav": {"bp": zero_nav.exact, "seconds": t_zero},
        "default_problem_stress_test_s": t_stress,
    }
    text = "\n".join(
        [
            "# Stress benchmark",
            "",
            f"Run {report['run']} on {machine['cpu']} ({machine['cpu_count']} cores), "
            f"Python {machine['python']}, numpy {machine['numpy']}.",
            "",
            f"## Full revaluation: 2,220 instruments x {len(moves)} catalogue moves",
            "",
            "| ldi vectorized | loop of ldi.pv per instrument and move | speed-up | agrees |",
            "|---|---|---|---|",
            f"| {t_vector * 1e3:.1f} ms | {t_loop * 1e3:,.0f} ms | {t_loop / t_vector:,.0f}x "
            f"| {verdict(ok)} ({agreement:.1e}) |",
            "",
            "## Collateral figures on that universe",
            "",
            "| buffer coefficients (2 rises) | absorbable rise (root-find) | bp to zero NAV |",
            "|---|---|---|",
            f"| {t_coefficients * 1e3:.1f} ms | {t_absorb * 1e3:.1f} ms "
            f"({absorbs.exact:,.0f}bp) | {t_zero * 1e3:.1f} ms ({zero_nav.exact:,.0f}bp) |",
            "",
            "The book: 4bn of gilts, 8bn of receiver swaps and repo against 20 gilts. The",
            f"root-finds revalue a grid of rises (every {GRID_STEP_BP:g}bp to "
            f"{SEARCH_BP:,.0f}bp) in one pass, then refine by Brent's method; bp to zero NAV",
            "values the whole book, the headroom only its swaps, repo and eligible collateral.",
            "",
            "## `ldi stress` on the default problem",
            "",
            f"stress_test (17 scenarios, {len(moves)} steps, waterfalls, resilience): "
            f"{t_stress * 1e3:.0f} ms.",
            "",
        ]
    )
    print(text)
    return finish("bench_stress", report, text, ok)


if __name__ == "__main__":
    sys.exit(main())
