"""Risk benchmark: key-rate PV01s of a 2,000-gilt book and a liability, against QuantLib.

What it measures
----------------
One risk run: base PV and 20 key-rate PV01s (1bp central differences, the triangle weights
of docs/conventions.md) of 2,000 semiannual fixed-coupon bonds (maturities up to 50y, coupons
0.5-6%, all paying on 7 June / 7 December so payment dates coincide across bonds, some already
seasoned) plus a 100-flow annual pension liability with a humped profile, on a continuously
compounded zero curve (17 pillars, linear in the zero rate).

The same cash flows are valued three ways, five timings in all (best of several runs,
``time.perf_counter``, garbage collection off while timing, as ``timeit`` does):

- QuantLib: ``FixedRateBond``s (NullCalendar, Unadjusted, no settlement lag, ACT/ACT ICMA so
  each coupon is c/2 x face) priced by a ``DiscountingBondEngine`` on a
  ``PiecewiseZeroSpreadedTermStructure`` over the ``ZeroCurve``: one ``SimpleQuote`` spread
  per key date (linear between keys, flat outside, which is the triangle weight), each set
  to -1bp and +1bp in turn and every instrument repriced. The liability is a leg of
  ``SimpleCashFlow``s valued with ``CashFlows.npv``. Pricing the bonds' legs with
  ``CashFlows.npv`` instead was slower, so the engine loop is the baseline. About 90% of
  its time is QuantLib's C++ pricing; quote notifications and Python calls are the rest.
- ``ldi.exposures(streams, curve, keys=...)`` from the mapping of ``ldi.Cashflows`` (stacking
  the 2,001 streams into a matrix is part of the time), and again from a prebuilt
  ``CashflowMatrix`` (the like-for-like comparison with the bare pass below).
- A bare numpy pass on a prebuilt cash-flow matrix (dense, and sparse CSR): one discount
  matrix exp(-(z + w_j h) t) for the base and 40 bumped curves, one matrix product. ``ldi``
  additionally returns parallel PV01, duration, convexity and IE01 in a labelled table.

A sixth timing spreads the same streams over four nominal curves of one ``ldi.Market``:
``gilts`` (the curve above), ``sonia`` (its own zero curve, declared over gilts), ``credit``
(gilts plus a spread curve, declared over gilts) and ``eur`` (independent); every fourth bond
on each, the liability on ``credit``. ``ldi.risk.curve_exposures`` from the mapping of
``Cashflows`` gives each stream's exposures on its own curve and each curve's PV01 ladder:
a curve's ladder sums the streams on every curve built on it, so on ``sonia`` and ``credit``
it is the exposure to their spread over gilts. It runs interleaved with the single-curve
``ldi.exposures`` from ``Cashflows`` above, which it is compared with.

A stacking axis times the whole path from ``ldi.Cashflows`` at 2,000 and 20,000 bond-like
streams on one coupon calendar: ``ldi.exposures(streams, curve, keys=...)`` against a numpy
floor doing the same from the streams' arrays (concatenate, ``np.unique`` onto the grid, a
CSR matrix, one bare pass), with agreement to 1e-10 enforced (target: within 2.5x).

Both libraries value identical flows: the dates and amounts are read off the QuantLib legs
and turned into ACT/365F times for ``ldi``. The curve pillars span every flow (first pillar
at 1 month, before the first payment; last at 101y, after the last), so extrapolation
conventions never matter.

Targets (reported, not enforced): ``ldi`` at least 80x faster than the QuantLib loop and
within 2x of the fastest bare numpy pass; ``curve_exposures`` on four curves within 2x of the
single-curve ``ldi.exposures``. Agreement with QuantLib is enforced: PVs to 1e-8 relative,
key-rate and parallel PV01s to 1e-8 of each stream's total PV01 (so near-zero buckets do not
blow up the ratio). So is the multi-curve ladder, to 1e-10 of each curve's total PV01: per
curve, the parallel and key-rate PV01s of the bare numpy pass (each stream on its own curve's
zero rates, written out here) summed over the streams whose curve's lineage, also written
out here, contains that curve. The script exits with status 1 if any check fails.

How to run
----------
``make bench`` or ``.venv/bin/python benchmarks/bench_risk.py`` from the repository root
(about 10 s). Results go to ``benchmarks/results/bench_risk.json`` and ``bench_risk.md``,
each written to a temporary file and renamed into place.
"""

import datetime as dt
import gc
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import QuantLib as ql
import scipy
from scipy import sparse
from threadpoolctl import threadpool_info

import ldi
from ldi.curves import RateSpread
from ldi.risk import CashflowMatrix, curve_exposures, key_rate_column
from ldi.risk.sensitivities import key_label
from ldi.storage.atomic import write_text_atomic

SEED = 20250930
N_BONDS = 2000
VALUATION = ql.Date(30, ql.September, 2025)
ACT365F = ql.Actual365Fixed()
H = 1e-4  # 1bp
# 20 keys in whole years, so each key date is VALUATION + 365k days: key time exactly k.
KEYS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15, 20, 25, 30, 35, 40, 45, 50, 60)
# Gilt-like continuously compounded zero curve: dip at 2-3y, hump at 25y, falling tail.
PILLARS = (
    (ql.Period(1, ql.Months), 0.0402),
    (ql.Period(3, ql.Months), 0.0400),
    (ql.Period(6, ql.Months), 0.0395),
    (ql.Period(1, ql.Years), 0.0385),
    (ql.Period(2, ql.Years), 0.0378),
    (ql.Period(3, ql.Years), 0.0380),
    (ql.Period(5, ql.Years), 0.0395),
    (ql.Period(7, ql.Years), 0.0410),
    (ql.Period(10, ql.Years), 0.0440),
    (ql.Period(15, ql.Years), 0.0475),
    (ql.Period(20, ql.Years), 0.0492),
    (ql.Period(25, ql.Years), 0.0498),
    (ql.Period(30, ql.Years), 0.0495),
    (ql.Period(40, ql.Years), 0.0475),
    (ql.Period(50, ql.Years), 0.0455),
    (ql.Period(70, ql.Years), 0.0440),
    (ql.Period(101, ql.Years), 0.0430),
)
LIABILITY_YEARS = 100
LIABILITY_ID = "liability"

# Multi-curve case. Each curve's lineage (the curve, its base, the base's base) is written
# out, so the reference does not depend on ldi's Market; the Market's bases follow from it.
LINEAGES = {
    "gilts": ("gilts",),
    "sonia": ("sonia", "gilts"),
    "credit": ("credit", "gilts"),
    "eur": ("eur",),
}
BASES = {name: lineage[1] for name, lineage in LINEAGES.items() if len(lineage) > 1}
LIABILITY_CURVE = "credit"
# SONIA zero rates below the gilt curve's, by this much at each pillar's tenor (linear).
SONIA_GAP = ((0.0, 0.0010), (10.0, 0.0045), (30.0, 0.0070), (101.0, 0.0060))
# AA credit spread over gilts: knots (years) and spreads, linear between, flat outside.
CREDIT_SPREAD = ((0.0, 0.0060), (5.0, 0.0085), (10.0, 0.0105), (30.0, 0.0125))
# Euro swap-like zero rates (continuous), one per pillar of PILLARS.
EUR_RATES = (
    0.0195, 0.0192, 0.0190, 0.0188, 0.0193, 0.0200, 0.0216, 0.0231, 0.0252, 0.0275,
    0.0286, 0.0288, 0.0285, 0.0272, 0.0260, 0.0250, 0.0245,
)  # fmt: skip

FAST_REPEATS = 50
QUANTLIB_REPEATS = 3
AGREEMENT_TOL = 1e-8
TARGET_SPEEDUP = 80.0  # ldi vs the QuantLib loop, at least
TARGET_NUMPY_RATIO = 2.0  # ldi vs the bare numpy pass, at most
TARGET_CURVES_RATIO = 2.0  # curve_exposures on 4 curves vs single-curve exposures, at most
LADDER_TOL = 1e-10
# Stacking axis: bond-like streams on one coupon calendar, from Cashflows to exposures.
STACKING_SIZES = (2_000, 20_000)
STACKING_REPEATS = 7
TARGET_STACKING_RATIO = 2.5  # ldi.exposures from Cashflows vs the numpy floor from arrays
STACKING_TOL = 1e-10
FIRST_COUPON_DAYS = 68  # 30 Sep to 7 Dec; coupons every half of a 365-day year after

RESULTS = Path(__file__).resolve().parent / "results"


# --- instruments and curves ------------------------------------------------------------------


def build_bonds(rng: np.random.Generator) -> list[ql.FixedRateBond]:
    """Semiannual gilts maturing on 7 Jun / 7 Dec up to 50y, some issued up to 20y ago."""
    bonds = []
    for _ in range(N_BONDS):
        # Maturities 7 Jun 2026 to 7 Dec 2075 (8 months to 50.2 years).
        month = ql.June if rng.random() < 0.5 else ql.December
        maturity = ql.Date(7, month, int(rng.integers(2026, 2076)))
        # Issued on a coupon date up to 20y before the valuation date (the last is 7 Jun 2025).
        issue = ql.Date(7, ql.June, 2025) - ql.Period(int(rng.integers(0, 40)) * 6, ql.Months)
        schedule = ql.Schedule(
            issue,
            maturity,
            ql.Period(ql.Semiannual),
            ql.NullCalendar(),
            ql.Unadjusted,
            ql.Unadjusted,
            ql.DateGeneration.Backward,
            False,
        )
        coupon = round(rng.uniform(0.005, 0.06) * 800) / 800  # eighths of a percent
        day_count = ql.ActualActual(ql.ActualActual.ISMA, schedule)
        bonds.append(
            ql.FixedRateBond(
                0,
                100.0,
                schedule,
                [coupon],
                day_count,
                ql.Unadjusted,
                100.0,
                issue,
                ql.NullCalendar(),
            )
        )
    return bonds


def build_liability() -> list[ql.CashFlow]:
    """100 annual benefit payments peaking at 40m around year 24, then running off."""
    years = np.arange(1, LIABILITY_YEARS + 1)
    amounts = 40e6 * (years / 24.0) ** 3 * np.exp(3.0 - years / 8.0)
    return [
        ql.SimpleCashFlow(float(a), VALUATION + ql.Period(int(k), ql.Years))
        for k, a in zip(years, amounts, strict=True)
    ]


def check_coupons(bonds: list[ql.FixedRateBond]) -> None:
    """Every coupon accrues exactly half a year, so it pays c/2 x face."""
    for bond in bonds:
        for flow in bond.cashflows():
            coupon = ql.as_fixed_rate_coupon(flow)
            if coupon is not None and coupon.accrualPeriod() != 0.5:
                raise RuntimeError(f"coupon accrual {coupon.accrualPeriod()} on {flow.date()}")


def to_cashflows(flows: list[ql.CashFlow]) -> ldi.Cashflows:
    """The same payments as ldi Cashflows: ACT/365F times from the valuation date."""
    times = [ACT365F.yearFraction(VALUATION, flow.date()) for flow in flows]
    return ldi.Cashflows(times, [flow.amount() for flow in flows])


def build_curves() -> tuple[ldi.ZeroCurve, ql.ZeroCurve]:
    """The same zero curve in both libraries; QuantLib's starts with a node at t = 0."""
    dates = [VALUATION + period for period, _ in PILLARS]
    rates = [rate for _, rate in PILLARS]
    tenors = [ACT365F.yearFraction(VALUATION, d) for d in dates]
    ours = ldi.ZeroCurve(tenors, rates, compounding="continuous")
    # Node at t = 0 with the first pillar's rate: flat before the first pillar, like ldi.
    theirs = ql.ZeroCurve(
        [VALUATION, *dates],
        [rates[0], *rates],
        ACT365F,
        ql.NullCalendar(),
        ql.Linear(),
        ql.Continuous,
    )
    return ours, theirs


def build_market(gilts: ldi.ZeroCurve) -> tuple[ldi.Market, dict[str, np.ndarray]]:
    """The four curves of the multi-curve case, and each one's zero-rate pillars for numpy.

    The pillars dict holds, per curve, the continuously compounded zero rates at the gilt
    pillar tenors (credit: the gilt rates; its spread is added separately).
    """
    tenors = gilts.tenors
    gap_t, gap = (np.array(column) for column in zip(*SONIA_GAP, strict=True))
    knots, spreads = (np.array(column) for column in zip(*CREDIT_SPREAD, strict=True))
    pillars = {
        "gilts": gilts.rates,
        "sonia": gilts.rates - np.interp(tenors, gap_t, gap),
        "credit": gilts.rates,
        "eur": np.array(EUR_RATES),
    }
    curves = {
        "gilts": gilts,
        "sonia": ldi.ZeroCurve(tenors, pillars["sonia"], compounding="continuous"),
        "credit": gilts.with_spread(RateSpread(knots, spreads)),
        "eur": ldi.ZeroCurve(tenors, pillars["eur"], compounding="continuous"),
    }
    return ldi.Market(curves, nominal="gilts", swap="sonia", bases=BASES), pillars


def assign_curves(ids: list[str]) -> dict[str, str]:
    """Every fourth bond on each curve, in the order of LINEAGES; the liability on its curve."""
    names = list(LINEAGES)
    bonds = [i for i in ids if i != LIABILITY_ID]
    curves = {bond: names[k % len(names)] for k, bond in enumerate(bonds)}
    curves[LIABILITY_ID] = LIABILITY_CURVE
    return {i: curves[i] for i in ids}


# --- the three ways to compute key-rate PV01s ------------------------------------------------


class QuantLibBumper:
    """Key-rate bump-and-reprice with QuantLib: spread quotes at the key dates."""

    def __init__(self, base: ql.YieldTermStructure, bonds, liability) -> None:
        self.base = ql.RelinkableYieldTermStructureHandle(base)
        self.quotes = [ql.SimpleQuote(0.0) for _ in KEYS]
        # Spread knots at the key dates plus one at the base curve's end that shares the last
        # key's quote: flat past the last key (its weight is 1 there) without relying on
        # extrapolation, since the spreaded curve ends at its last knot.
        dates = [VALUATION + 365 * k for k in KEYS] + [base.maxDate()]
        handles = [ql.QuoteHandle(q) for q in [*self.quotes, self.quotes[-1]]]
        self.curve = ql.PiecewiseZeroSpreadedTermStructure(self.base, handles, dates)
        engine = ql.DiscountingBondEngine(ql.YieldTermStructureHandle(self.curve))
        for bond in bonds:
            bond.setPricingEngine(engine)
        self.bonds = bonds
        self.liability = ql.Leg(liability)

    def values(self) -> np.ndarray:
        """NPVs of the bonds then the liability (one column)."""
        out = [bond.NPV() for bond in self.bonds]
        out.append(ql.CashFlows.npv(self.liability, self.curve, False, VALUATION, VALUATION))
        return np.array(out)

    def key_rates(self) -> np.ndarray:
        """(instruments x 1 + 2 keys): base, then key j bumped -1bp and +1bp."""
        columns = [self.values()]
        for quote in self.quotes:
            quote.setValue(-H)
            columns.append(self.values())
            quote.setValue(H)
            columns.append(self.values())
            quote.setValue(0.0)
        return np.column_stack(columns)

    def parallel_pv01(self) -> np.ndarray:
        """(PV(-1bp) - PV(+1bp)) / 2 with every key spread moved: a flat spread."""
        down_up = []
        for size in (-H, H):
            for quote in self.quotes:
                quote.setValue(size)
            down_up.append(self.values())
        for quote in self.quotes:
            quote.setValue(0.0)
        return (down_up[0] - down_up[1]) / 2


def bare_matrix(streams: dict[str, ldi.Cashflows]) -> tuple[np.ndarray, np.ndarray]:
    """Hand-built dense (streams x distinct times after 0) amounts and the time grid."""
    sizes = [len(cf) for cf in streams.values()]
    rows = np.repeat(np.arange(len(sizes)), sizes)
    times = np.concatenate([cf.times for cf in streams.values()])
    amounts = np.concatenate([cf.amounts for cf in streams.values()])
    future = times > 0
    grid, columns = np.unique(times[future], return_inverse=True)
    dense = np.zeros((len(sizes), grid.size))
    np.add.at(dense, (rows[future], columns), amounts[future])
    return dense, grid


def bare_ladders(dense, t, weights, stream_curves, pillars, tenors) -> tuple[np.ndarray, dict]:
    """Reference for the multi-curve case: per-stream and per-curve PV01s, by bare numpy.

    Each stream is valued on its own curve's zero rates z(t) (interpolated pillars; credit
    adds its spread), bumped by -/+1bp in parallel and by -/+1bp x w_j(t): PV01s
    (PV(-h) - PV(+h)) / 2 as (streams x (1 + keys)). A curve's ladder sums the PV01s of the
    streams on every curve whose lineage (LINEAGES) contains it.
    """
    knots, spreads = (np.array(column) for column in zip(*CREDIT_SPREAD, strict=True))
    units = np.concatenate([np.ones((1, t.size)), weights])  # parallel, then each key
    curve_of = np.array([stream_curves[i] for i in stream_curves])
    pv01 = np.zeros((len(curve_of), units.shape[0]))
    for name in LINEAGES:
        z = np.interp(t, tenors, pillars[name])
        if name == "credit":
            z = z + np.interp(t, knots, spreads)
        rows = np.flatnonzero(curve_of == name)
        down = dense[rows] @ np.exp(-(z - H * units) * t).T
        up = dense[rows] @ np.exp(-(z + H * units) * t).T
        pv01[rows] = (down - up) / 2
    ladders = {
        curve: pv01[np.isin(curve_of, [n for n, lin in LINEAGES.items() if curve in lin])].sum(0)
        for curve in LINEAGES
    }
    return pv01, ladders


def bare_pass(amounts, t, weights, tenors, rates) -> tuple[np.ndarray, np.ndarray]:
    """PV and key-rate PV01s: one discount matrix for 1 + 2m curves, one product."""
    m = weights.shape[0]
    z = np.interp(t, tenors, rates)
    shifts = np.concatenate([np.zeros((1, t.size)), -H * weights, H * weights])
    values = amounts @ np.exp(-(z + shifts) * t).T
    return values[:, 0], (values[:, 1 : m + 1] - values[:, m + 1 :]) / 2


def calendar_streams(count: int, rng: np.random.Generator) -> dict[str, ldi.Cashflows]:
    """``count`` semiannual bond streams on one coupon calendar (1 to 100 coupons, 0.5-6%).

    Coupon k of every bond is paid FIRST_COUPON_DAYS + round(182.5 k) days from today
    (ACT/365F), so payment times coincide across bonds as they do on a gilt calendar.
    """
    sizes = rng.integers(1, 101, count)
    coupons = rng.uniform(0.005, 0.06, count)
    times = (FIRST_COUPON_DAYS + np.round(182.5 * np.arange(sizes.max()))) / 365.0
    streams = {}
    for i, (size, coupon) in enumerate(zip(sizes, coupons, strict=True)):
        amounts = np.full(size, 50.0 * coupon)
        amounts[-1] += 100.0
        streams[f"S{i:05d}"] = ldi.Cashflows(times[:size], amounts)
    return streams


def floor_from_arrays(streams: dict[str, ldi.Cashflows], tenors, rates) -> tuple:
    """The same job in bare numpy: stack the streams' arrays into a CSR matrix, one pass.

    Concatenate times and amounts, put the times after 0 on their sorted distinct grid
    (np.unique), build the matrix, then ``bare_pass`` with the key weights on that grid.
    """
    flows = list(streams.values())
    sizes = [cf.times.size for cf in flows]
    rows = np.repeat(np.arange(len(flows)), sizes)
    times = np.concatenate([cf.times for cf in flows])
    amounts = np.concatenate([cf.amounts for cf in flows])
    future = times > 0
    grid, columns = np.unique(times[future], return_inverse=True)
    matrix = sparse.csr_array(
        (amounts[future], (rows[future], columns)), shape=(len(flows), grid.size)
    )
    keys = np.array(KEYS, dtype=float)
    weights = np.stack([np.interp(grid, keys, unit) for unit in np.eye(keys.size)])
    return bare_pass(matrix, grid, weights, tenors, rates)


def stacking_axis(curve: ldi.ZeroCurve, rng: np.random.Generator) -> list[dict]:
    """Per size: ``ldi.exposures`` from Cashflows against ``floor_from_arrays``, and agreement."""
    rows = []
    keys = np.array(KEYS, dtype=float)
    kr_columns = [key_rate_column(k) for k in keys]
    for count in STACKING_SIZES:
        print(f"  stacking {count:,} streams ...", flush=True)
        streams = calendar_streams(count, rng)
        samples = time_runs(
            {
                "ldi_from_cashflows": lambda s=streams: ldi.exposures(s, curve, keys=KEYS),
                "ldi_stacking": lambda s=streams: CashflowMatrix.from_cashflows(s),
                "numpy_floor": lambda s=streams: floor_from_arrays(s, curve.tenors, curve.rates),
            },
            STACKING_REPEATS,
        )
        best = {name: float(np.min(times)) * 1e3 for name, times in samples.items()}
        ours = ldi.exposures(streams, curve, keys=KEYS)
        pv, kr = floor_from_arrays(streams, curve.tenors, curve.rates)
        scale = np.abs(kr.sum(axis=1))
        rows.append(
            {
                "streams": count,
                "flows": int(sum(cf.times.size for cf in streams.values())),
                "best_ms": best,
                "ratio": best["ldi_from_cashflows"] / best["numpy_floor"],
                "pv_vs_floor": max_relative(ours["pv"].to_numpy(), pv, np.abs(pv)),
                "key_rate_vs_floor": max_relative(ours[kr_columns].to_numpy(), kr, scale),
            }
        )
    return rows


def stacking_markdown(rows: list[dict]) -> list[str]:
    """The stacking axis as a Markdown section."""
    lines = [
        "",
        "## From Cashflows to exposures, against the numpy floor",
        "",
        "Bond-like streams on one coupon calendar (1-100 semiannual coupons). The floor does "
        "the same job in bare numpy from the streams' arrays: concatenate, np.unique onto "
        "the time grid, a CSR matrix, one pass for the base and the bumped curves. "
        f"Best of {STACKING_REPEATS} runs.",
        "",
        "| streams | flows | ldi.exposures from Cashflows [ms] | of which stacking [ms] "
        "| numpy floor [ms] | ratio | PV vs floor | key-rate PV01 vs floor |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        best = row["best_ms"]
        lines.append(
            f"| {row['streams']:,} | {row['flows']:,} | {best['ldi_from_cashflows']:.1f} "
            f"| {best['ldi_stacking']:.1f} | {best['numpy_floor']:.1f} | {row['ratio']:.2f}x "
            f"| {row['pv_vs_floor']:.1e} | {row['key_rate_vs_floor']:.1e} |"
        )
    met = all(row["ratio"] <= TARGET_STACKING_RATIO for row in rows)
    lines += [
        "",
        f"Target: within {TARGET_STACKING_RATIO:g}x of the floor at every size: {verdict(met)}. "
        f"Agreement (enforced, {STACKING_TOL:.0e}): PV relative, key-rate PV01s relative to "
        "the stream's total key-rate PV01.",
    ]
    return lines


# --- timing and agreement --------------------------------------------------------------------


def time_runs(runs: dict[str, Callable[[], object]], repeats: int) -> dict[str, np.ndarray]:
    """Wall times (s) of each callable over ``repeats`` rounds, after one warm-up call each.

    The callables run interleaved, round by round, so they share the machine's conditions.
    """
    for run in runs.values():
        run()
    samples = {name: np.empty(repeats) for name in runs}
    enabled = gc.isenabled()
    gc.disable()
    try:
        for i in range(repeats):
            for name, run in runs.items():
                start = time.perf_counter()
                run()
                samples[name][i] = time.perf_counter() - start
    finally:
        if enabled:
            gc.enable()
    return samples


def max_relative(got: np.ndarray, want: np.ndarray, scale: np.ndarray) -> float:
    """Largest |got - want| / scale; the rows of a 2-D array share their row's scale."""
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    scale = np.asarray(scale, dtype=float)
    if got.ndim == 2:
        scale = scale[:, None]
    return float(np.max(np.abs(got - want) / scale))


def machine_info() -> dict[str, object]:
    """CPU, load, OS, library versions and BLAS threads, for reading the timings.

    ``blas_threads``: the threads each loaded BLAS library runs matrix products on (two
    BLAS threads on a busy 2-core machine can slow a dense product several times).
    """
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if "model name" in line)
    except (OSError, StopIteration):
        pass
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        blas = f"{blas.get('name')} {blas.get('version')}"
    except Exception:  # informational only: any layout change just says unknown
        blas = "unknown"
    return {
        "cpu": cpu,
        "cpu_count": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numpy_blas": blas,
        "blas_threads": {
            info["internal_api"]: info["num_threads"]
            for info in threadpool_info()
            if info.get("user_api") == "blas"
        },
        "scipy": scipy.__version__,
        "pandas": pd.__version__,
        "quantlib": ql.__version__,
    }


def markdown(report: dict) -> str:
    """The results as a short Markdown page."""
    t, p, m = report["timings_ms"], report["problem"], report["machine"]
    speed, agree = report["speed"], report["agreement"]
    rows = [
        ("QuantLib bump-and-reprice loop", t["quantlib_loop"]),
        ("ldi.exposures from Cashflows", t["ldi_from_cashflows"]),
        ("ldi.exposures from a prebuilt CashflowMatrix", t["ldi_prebuilt_matrix"]),
        ("ldi curve_exposures, 4 curves, from Cashflows", t["ldi_curve_exposures"]),
        ("bare numpy pass, dense matrix", t["numpy_dense"]),
        ("bare numpy pass, sparse CSR matrix", t["numpy_sparse"]),
    ]
    fastest_numpy = min(t["numpy_dense"], t["numpy_sparse"])
    lines = [
        "# Risk benchmark: key-rate PV01s, ldi vs QuantLib",
        "",
        f"Run {report['date']} by `benchmarks/bench_risk.py` (`make bench`).",
        "",
        f"{p['streams']} streams ({p['bonds']} semiannual bonds to 50y + a {p['liability_flows']}"
        f"-flow annual liability), {p['flows_after_valuation']} flows after the valuation date "
        f"on {p['grid_times']} distinct dates; {p['keys']} keys; {p['pillars']} curve pillars; "
        f"base + {2 * p['keys']} bumped curves.",
        "",
        "Multi-curve case: the same streams on "
        + ", ".join(
            f"`{name}` ({c['streams']} streams"
            + (f", over {' over '.join(c['lineage'][1:])})" if len(c["lineage"]) > 1 else ")")
            for name, c in p["curves"].items()
        )
        + ", in one `ldi.Market`; `curve_exposures` gives exposures by stream and each "
        "curve's PV01 ladder.",
        "",
        "| method | best time [ms] | speed-up vs QuantLib | ratio to fastest bare numpy |",
        "|---|---:|---:|---:|",
    ]
    for name, ms in rows:
        lines.append(
            f"| {name} | {ms:.2f} | {t['quantlib_loop'] / ms:,.0f}x | {ms / fastest_numpy:.2f} |"
        )
    lines += [
        "",
        f"Best of {report['repeats']['fast']} interleaved runs "
        f"({report['repeats']['quantlib']} for QuantLib), garbage collection off while timing; "
        "medians are in the JSON file. Absolute times move with machine load (1-minute load "
        f"average at the start: {m['load_average_1m']}); the ratios come from one run.",
        "",
        "| target | measured | met |",
        "|---|---:|:---:|",
        f"| ldi (from Cashflows) >= {TARGET_SPEEDUP:g}x faster than QuantLib "
        f"| {speed['speedup_vs_quantlib']:,.0f}x | {verdict(speed['speedup_met'])} |",
        f"| ldi (prebuilt matrix) within {TARGET_NUMPY_RATIO:g}x of bare numpy "
        f"| {speed['ratio_vs_numpy_prebuilt']:.2f}x | {verdict(speed['numpy_ratio_met'])} |",
        f"| ldi (from Cashflows, incl. stacking) vs bare numpy (matrix prebuilt) "
        f"| {speed['ratio_vs_numpy_from_cashflows']:.2f}x | (info) |",
        f"| curve_exposures on 4 curves within {TARGET_CURVES_RATIO:g}x of single-curve "
        f"ldi.exposures (both from Cashflows) "
        f"| {speed['curves_ratio_vs_single_curve']:.2f}x | {verdict(speed['curves_ratio_met'])} |",
        "",
        "| agreement | max difference | tolerance | ok |",
        "|---|---:|---:|:---:|",
    ]
    for item in agree.values():
        tol = "-" if item["tol"] is None else f"{item['tol']:.0e}"
        lines.append(f"| {item['what']} | {item['max']:.2e} | {tol} | {verdict(item['ok'])} |")
    lines += [
        "",
        "Machine: " + ", ".join(f"{k} {v}" for k, v in m.items()) + ".",
        "",
    ]
    return "\n".join(lines)


def write_result(path: Path, text: str) -> None:
    """Write atomically (temporary file in the same folder, then os.replace), readable by all.

    The temporary file is created private (0600); give the result the usual umask mode.
    """
    write_text_atomic(path, text)
    umask = os.umask(0)
    os.umask(umask)
    path.chmod(0o666 & ~umask)


def verdict(flag: bool | None) -> str:
    """A check's outcome for the results table: yes, **no**, or - when not checked."""
    return "-" if flag is None else ("yes" if flag else "**no**")


def agreement_lines(rows: list[dict], headers: list[str], digits: int) -> list[str]:
    """A table of the worst disagreement per check (rows) at each size (``headers``).

    Each of ``rows`` has ``agreement``: {key: {"what", "max", "tol", "ok"}}, the same keys.
    """
    lines = [
        "| agreement | " + " | ".join(headers) + " | tolerance | ok |",
        "|---|" + "---:|" * len(headers) + "---:|:---:|",
    ]
    for key, item in rows[0]["agreement"].items():
        worst = " | ".join(f"{row['agreement'][key]['max']:.{digits}e}" for row in rows)
        ok = all(row["agreement"][key]["ok"] for row in rows)
        lines.append(f"| {item['what']} | {worst} | {item['tol']:.0e} | {verdict(ok)} |")
    return lines


def main() -> int:
    machine = machine_info()  # before the run loads the machine
    ql.Settings.instance().evaluationDate = VALUATION
    rng = np.random.default_rng(SEED)

    print("building instruments ...", flush=True)
    bonds = build_bonds(rng)
    check_coupons(bonds)
    liability = build_liability()
    streams = {f"B{i:04d}": to_cashflows(list(b.cashflows())) for i, b in enumerate(bonds)}
    streams[LIABILITY_ID] = to_cashflows(liability)
    curve, ql_curve = build_curves()
    market, pillars = build_market(curve)
    stream_curves = assign_curves(list(streams))

    matrix = CashflowMatrix.from_cashflows(streams)
    t = matrix.times
    if not (curve.tenors[0] <= t[0] and t[-1] <= curve.tenors[-1]):
        raise RuntimeError(f"pillars {curve.tenors[[0, -1]]} do not span flows {t[[0, -1]]}")

    dense, grid = bare_matrix(streams)
    if not np.array_equal(grid, t):
        raise RuntimeError("the bare matrix and ldi's CashflowMatrix disagree on the time grid")
    csr = sparse.csr_array(dense)
    keys = np.array(KEYS, dtype=float)
    weights = np.stack([np.interp(t, keys, unit) for unit in np.eye(keys.size)])
    tenors, rates = curve.tenors, curve.rates
    bumper = QuantLibBumper(ql_curve, bonds, liability)

    print("timing ldi and bare numpy ...", flush=True)
    fast = time_runs(
        {
            "numpy_dense": lambda: bare_pass(dense, t, weights, tenors, rates),
            "numpy_sparse": lambda: bare_pass(csr, t, weights, tenors, rates),
            "ldi_prebuilt_matrix": lambda: ldi.exposures(matrix, curve, keys=KEYS),
            "ldi_from_cashflows": lambda: ldi.exposures(streams, curve, keys=KEYS),
            "ldi_curve_exposures": lambda: curve_exposures(streams, stream_curves, market, KEYS),
        },
        FAST_REPEATS,
    )
    print("timing the QuantLib loop ...", flush=True)
    slow = time_runs({"quantlib_loop": bumper.key_rates}, QUANTLIB_REPEATS)
    stacking = stacking_axis(curve, rng)
    samples = {**slow, **fast}
    timings = {name: float(np.min(times)) * 1e3 for name, times in samples.items()}
    medians = {name: float(np.median(times)) * 1e3 for name, times in samples.items()}

    # Results for the agreement checks (outside the timings).
    ours = ldi.exposures(streams, curve, keys=KEYS)
    ql_values = bumper.key_rates()
    ql_pv = ql_values[:, 0]
    ql_kr = (ql_values[:, 1::2] - ql_values[:, 2::2]) / 2
    ql_pv01 = bumper.parallel_pv01()
    np_pv, np_kr = bare_pass(dense, t, weights, tenors, rates)
    kr_columns = [key_rate_column(k) for k in keys]
    our_kr = ours[kr_columns].to_numpy()
    our_pv = ours["pv"].to_numpy()
    pv01_scale = np.abs(ql_pv01)
    by_stream, by_curve = curve_exposures(streams, stream_curves, market, KEYS)
    ref_pv01, ref_ladders = bare_ladders(dense, t, weights, stream_curves, pillars, tenors)
    ladder_columns = ["total", *(key_label(k) for k in keys)]
    nominal = by_curve[by_curve["risk"] == "pv01"]
    our_ladders = nominal.loc[list(LINEAGES), ladder_columns].to_numpy(dtype=float)
    want_ladders = np.array([ref_ladders[name] for name in LINEAGES])

    agreement = {
        "pv_vs_quantlib": {
            "what": "PV, ldi vs QuantLib (relative)",
            "max": max_relative(our_pv, ql_pv, np.abs(ql_pv)),
            "tol": AGREEMENT_TOL,
        },
        "key_rate_pv01_vs_quantlib": {
            "what": "key-rate PV01, ldi vs QuantLib (relative to the stream's PV01)",
            "max": max_relative(our_kr, ql_kr, pv01_scale),
            "tol": AGREEMENT_TOL,
        },
        "pv01_vs_quantlib": {
            "what": "parallel PV01, ldi vs QuantLib (relative)",
            "max": max_relative(ours["pv01"].to_numpy(), ql_pv01, pv01_scale),
            "tol": AGREEMENT_TOL,
        },
        "pv_vs_numpy": {
            "what": "PV, ldi vs bare numpy (relative)",
            "max": max_relative(our_pv, np_pv, np.abs(np_pv)),
            "tol": None,
        },
        "key_rate_pv01_vs_numpy": {
            "what": "key-rate PV01, ldi vs bare numpy (relative to the stream's PV01)",
            "max": max_relative(our_kr, np_kr, pv01_scale),
            "tol": None,
        },
        "curve_ladders_vs_numpy": {
            "what": "4 curves: PV01 ladder by curve, curve_exposures vs bare numpy sums "
            "over the streams each curve reaches (relative to the curve's PV01)",
            "max": max_relative(our_ladders, want_ladders, np.abs(want_ladders[:, 0])),
            "tol": LADDER_TOL,
        },
        "curve_streams_vs_numpy": {
            "what": "4 curves: PV01 and key-rate PV01s by stream, curve_exposures vs bare "
            "numpy on the stream's curve (relative to the stream's PV01)",
            "max": max_relative(
                by_stream[["pv01", *kr_columns]].to_numpy(),
                ref_pv01,
                np.abs(ref_pv01[:, 0]),
            ),
            "tol": None,
        },
    }
    for row in stacking:
        for key in ("pv_vs_floor", "key_rate_vs_floor"):
            agreement[f"stacking_{row['streams']}_{key}"] = {
                "what": f"{row['streams']:,} streams: {key.replace('_', ' ')}, ldi vs numpy floor",
                "max": row[key],
                "tol": STACKING_TOL,
            }
    for item in agreement.values():
        item["ok"] = None if item["tol"] is None else bool(item["max"] <= item["tol"])
    agreement_ok = all(item["ok"] is not False for item in agreement.values())

    fastest_numpy = min(timings["numpy_dense"], timings["numpy_sparse"])
    speedup = timings["quantlib_loop"] / timings["ldi_from_cashflows"]
    ratio = timings["ldi_prebuilt_matrix"] / fastest_numpy
    curves_ratio = timings["ldi_curve_exposures"] / timings["ldi_from_cashflows"]
    speed = {
        "speedup_vs_quantlib": speedup,
        "speedup_vs_quantlib_prebuilt": timings["quantlib_loop"] / timings["ldi_prebuilt_matrix"],
        "ratio_vs_numpy_prebuilt": ratio,
        "ratio_vs_numpy_from_cashflows": timings["ldi_from_cashflows"] / fastest_numpy,
        "fastest_numpy": "dense" if timings["numpy_dense"] <= timings["numpy_sparse"] else "sparse",
        "target_speedup": TARGET_SPEEDUP,
        "target_numpy_ratio": TARGET_NUMPY_RATIO,
        "speedup_met": bool(speedup >= TARGET_SPEEDUP),
        "numpy_ratio_met": bool(ratio <= TARGET_NUMPY_RATIO),
        "curves_ratio_vs_single_curve": curves_ratio,
        "target_curves_ratio": TARGET_CURVES_RATIO,
        "curves_ratio_met": bool(curves_ratio <= TARGET_CURVES_RATIO),
    }
    report = {
        "benchmark": "bench_risk",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine,
        "problem": {
            "seed": SEED,
            "valuation_date": VALUATION.ISO(),
            "bonds": N_BONDS,
            "liability_flows": LIABILITY_YEARS,
            "streams": len(streams),
            "flows": int(sum(len(cf) for cf in streams.values())),
            "flows_after_valuation": int(
                sum(np.count_nonzero(cf.times > 0) for cf in streams.values())
            ),
            "grid_times": int(t.size),
            "keys": len(KEYS),
            "key_tenors": list(KEYS),
            "pillars": len(PILLARS),
            "pillar_tenors": [round(float(x), 6) for x in curve.tenors],
            "curves": {
                name: {
                    "lineage": list(lineage),
                    "streams": sum(c == name for c in stream_curves.values()),
                }
                for name, lineage in LINEAGES.items()
            },
        },
        "repeats": {"fast": FAST_REPEATS, "quantlib": QUANTLIB_REPEATS},
        "timings_ms": timings,
        "median_timings_ms": medians,
        "speed": speed,
        "stacking": stacking,
        "agreement": agreement,
        "agreement_ok": agreement_ok,
    }

    print()
    print(f"{'method':<46}{'best [ms]':>11}{'vs QuantLib':>13}{'vs numpy':>10}")
    for name, label in [
        ("quantlib_loop", "QuantLib bump-and-reprice loop"),
        ("ldi_from_cashflows", "ldi.exposures from Cashflows"),
        ("ldi_prebuilt_matrix", "ldi.exposures from prebuilt CashflowMatrix"),
        ("ldi_curve_exposures", "ldi curve_exposures, 4 curves, from Cashflows"),
        ("numpy_dense", "bare numpy, dense matrix"),
        ("numpy_sparse", "bare numpy, sparse CSR matrix"),
    ]:
        ms = timings[name]
        vs_ql = timings["quantlib_loop"] / ms
        print(f"{label:<46}{ms:>11.2f}{vs_ql:>12,.0f}x{ms / fastest_numpy:>9.2f}x")
    print()
    print(
        f"speed-up vs QuantLib {speedup:,.0f}x (target >= {TARGET_SPEEDUP:g}x: "
        f"{'met' if speed['speedup_met'] else 'MISSED'}); prebuilt ldi / bare numpy "
        f"{ratio:.2f}x (target <= {TARGET_NUMPY_RATIO:g}x: "
        f"{'met' if speed['numpy_ratio_met'] else 'MISSED'})"
    )
    print(
        f"curve_exposures on 4 curves / single-curve exposures {curves_ratio:.2f}x "
        f"(target <= {TARGET_CURVES_RATIO:g}x: "
        f"{'met' if speed['curves_ratio_met'] else 'MISSED'})"
    )
    for row in stacking:
        best = row["best_ms"]
        print(
            f"{row['streams']:>7,} streams: ldi.exposures from Cashflows "
            f"{best['ldi_from_cashflows']:.1f} ms (stacking {best['ldi_stacking']:.1f}), "
            f"numpy floor {best['numpy_floor']:.1f} ms: {row['ratio']:.2f}x "
            f"(target <= {TARGET_STACKING_RATIO:g}x)"
        )
    print_agreement(agreement, 66)

    text = markdown(report) + "\n".join(stacking_markdown(stacking)) + "\n"
    return finish("bench_risk", report, text, agreement_ok)


def print_agreement(agreement: dict, width: int) -> None:
    """One line per check: what, the largest difference, its tolerance and the outcome."""
    for item in agreement.values():
        status = "" if item["ok"] is None else ("  ok" if item["ok"] else "  FAILED")
        tol = "" if item["tol"] is None else f" (tol {item['tol']:.0e})"
        print(f"{item['what']:<{width}}{item['max']:>10.2e}{tol}{status}")


def finish(name: str, report: dict, text: str, agreement_ok: bool) -> int:
    """Write ``name``.json and ``name``.md to the results folder; exit status 1 on disagreement."""
    write_result(RESULTS / f"{name}.json", json.dumps(report, indent=2) + "\n")
    write_result(RESULTS / f"{name}.md", text)
    print(f"\nwrote {RESULTS / f'{name}.json'} and {RESULTS / f'{name}.md'}")
    if not agreement_ok:
        print("agreement with the reference FAILED", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
