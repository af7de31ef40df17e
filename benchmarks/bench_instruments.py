"""Instrument benchmark: implied z-spreads and per-unit key-rate PV01s of bonds, vs QuantLib.

Two parts: 1,000 bonds against a QuantLib loop, then a scaling axis from 200 to 20,000
bonds against a bare numpy reference.

What it measures
----------------
One ``ldi.instrument_risk`` run over a universe of 1,000 semiannual fixed-coupon bonds
(maturities 1-50y, coupons 1-6% in eighths, all seasoned) quoted at clean market prices, on
an annually compounded zero curve with the 12 pillars of the default problem (linear in the
annual zero rate, flat outside the pillars). For each bond: the z-spread implied by its price
(added to the zero rate in annual compounding), then PV, PV01 and 12 key-rate PV01s (1bp
central differences, the triangle weights of docs/conventions.md) per unit of market value.

The prices are made by QuantLib, not by ``ldi``: ``BondFunctions.cleanPrice`` of each
``FixedRateBond`` on the QuantLib curve plus a random z-spread from -10bp to +200bp.

Timings (best of several interleaved runs, ``time.perf_counter``, garbage collection off
while timing, as ``timeit`` does; helpers shared with ``bench_risk.py``):

- ``ldi.instrument_risk(bonds, market, keys)``, whole, and its parts: ``value_universe``
  of the bonds priced from their market prices (schedules, every z-spread solved together
  by Newton's method, per-unit scaling, all as columns) and again from given spreads (no
  solve: the difference is the solve's cost); the schedules and quotes alone
  (``Bond.bond_quotes``: every bond's cash flows and accrued in one pass); and the
  vectorized exposures pass ``ldi.exposures(matrix, curve, keys=..., spreads=...)``, whole
  and split into stacking the 1,000 valued streams into a ``CashflowMatrix``
  (``from_stacked``) and revaluing the prebuilt matrix. What is left of
  ``instrument_risk`` (labels, tables) is found by difference.
- QuantLib, one bond at a time: ``BondFunctions.zSpread`` (annual compounding, accuracy
  1e-12) on the base curve, then the bond's leg priced by ``CashFlows.npv`` on a
  ``PiecewiseZeroSpreadedTermStructure`` over the base curve whose 12 key quotes (plus a far
  knot sharing the last) all hold the z-spread: each key moved to z -/+ 1bp in turn (linear
  between keys, flat outside: the triangle weight) and every quote together for the
  parallel PV01. 27 prices per bond after the solve. Pricing through the bond's
  ``DiscountingBondEngine`` instead took about as long in trials, and leaves every bond
  observing the curve. The loop runs on two QuantLib renderings of the same curve (below);
  the faster is the baseline. The z-spread solves alone are timed as well.

Conventions, so that both libraries value identical flows at identical discount factors:

- Time is measured in 30/360 (bond basis) years on the QuantLib side, with the valuation date
  and every payment date on days 1-28 of a month: then each coupon period is exactly half a
  year and pays c/2 x 100 (ACT/365F cannot do that, since half its year is 182.5 days), and a
  date d years of 360 days away is at time d exactly. ``ldi.Bond`` gets ``maturity`` = 30/360
  days / 360 and rolls its coupon times back from it by 0.5y, so its times, coupons and
  accrued interest equal QuantLib's (to rounding). No calendar, no adjustment, no settlement
  lag; the bonds are seasoned (the first coupon period is a full, regular one).
- The curve in ``ldi`` is ``ZeroCurve(pillars, rates, compounding="annual")``. QuantLib's
  ``ZeroCurve`` with ``Compounded, Annual`` converts the rates to continuous ones and
  interpolates those (0.03bp off ldi's rate between pillars), so it is not used. Instead:
  (a) the "12-pillar curve": a 0% annually compounded ``FlatForward`` plus a
  ``PiecewiseZeroSpreadedTermStructure`` of the 12 pillar rates in ``Compounded, Annual``,
  which is exactly linear in the annual zero rate and flat outside; the prices are made on
  it. (b) The "node curve": a ``ZeroCurve`` (continuous, linear) with a node at every payment
  date, its rates read off (a); one spreaded layer less, so faster, but it needs the payment
  dates up front. Both discount every flow alike (checked).
- z-spreads and bumps are added to the annual zero rate on both sides (``ZeroSpreaded`` and
  ``PiecewiseZeroSpreadedTermStructure`` with ``Compounded, Annual``).

Agreement with QuantLib is enforced (the script exits with status 1 if any check fails):
implied spreads to 1e-6bp (QuantLib's solver stops at 1e-12 = 1e-8bp; ``ldi``'s at 1e-15);
dirty prices to 1e-12 relative; PV per unit of market value to 1e-9 (the spread tolerance
times duration); PV01 per unit to 1e-8 relative and key-rate PV01s per unit to 1e-8 of the
bond's PV01 (a 1bp central difference carries about eps / (1bp x duration) of rounding).
The parts table shows where ``ldi``'s time goes.

Scaling
-------
``ldi.instrument_risk`` on universes of 200, 1,000, 5,000 and 20,000 bonds, each drawn with
numpy (seeded per size) as above: 30/360 days to maturity 360-18,000 (redrawn on days 29-31
of a month) / 360, coupons 1-6% in eighths, spreads -10 to +200bp. Their clean prices are
made by the reference below at the drawn spreads, so no input comes from ``ldi``. Timed,
interleaved, best of a few runs (fewer at 20,000): ``ldi.instrument_risk(bonds, market,
keys)`` on prebuilt ``ldi.Bond`` objects, and a vectorized numpy reference from the arrays
(maturity, coupon, clean), written here independently of ``ldi``'s code:

- schedules of all bonds in one pass (``np.repeat``): count = max(1, ceil(2T - 1e-9)),
  t_j = T - 0.5 (count - 1 - j), coupons 100 c / 2, the last also 100, accrued
  100 c max(0, 0.5 - t_0); dirty = clean + accrued;
- every z-spread at once by Newton's method from 0 on the stacked flows, PV(s) =
  Σ a (1 + z(t) + s)^(-t) with z linear in the annual zero rate between pillars, flat
  outside (``np.interp``), bond sums by ``np.add.reduceat``;
- one 27-scenario pass (base, parallel -/+1bp, each of the 12 keys -/+1bp times its triangle
  weight), in chunks of whole bonds: pv, pv01 = (down - up) / 2 and the 12 key-rate PV01s,
  per unit of market value (divided by the dirty price).

Reported per size: flows, both best times, their ratio and the time per bond; the growth
exponents log(t_20000 / t_1000) / log 20 and the least-squares slope of log t on log n over
all sizes, for both. Targets (reported, not enforced): ``ldi.instrument_risk`` on 1,000 bonds
at least 50x the QuantLib loop (the speed-up above), within 2x of the reference at 1,000 and
20,000 bonds, with a growth exponent from 1,000 to 20,000 of at most 1.05. Agreement is
enforced at every size (exit status 1 otherwise): ``ldi``'s implied spreads against the
drawn spreads and the reference's (and the reference's against the drawn), to 1e-6bp; PV
per unit to 1e-9, PV01 per unit to 1e-8 relative, key-rate PV01s per unit to 1e-8 of the
bond's PV01, against the reference.

How to run
----------
``make bench`` or ``.venv/bin/python benchmarks/bench_instruments.py`` from the repository
root (about 2 minutes). Results go to ``benchmarks/results/bench_instruments.json`` and
``bench_instruments.md``, each written to a temporary file and renamed into place.
"""

import datetime as dt
import os
import sys
from dataclasses import dataclass

import numpy as np
import pandas as pd
import QuantLib as ql
from bench_risk import (
    agreement_lines,
    finish,
    machine_info,
    max_relative,
    print_agreement,
    time_runs,
    verdict,
)

import ldi
from ldi.instruments import InstrumentRisk, value_universe
from ldi.risk import CashflowMatrix, key_rate_column

SEED = 20251215
N_BONDS = 1000
# Day 15: every payment date falls on days 1-28, where 30/360 times are exact (see above).
VALUATION = ql.Date(15, ql.December, 2025)
DAY_COUNT = ql.Thirty360(ql.Thirty360.BondBasis)
DAYS_PER_YEAR = 360
H = 1e-4  # 1bp
BP = 1e-4
# The default problem's gilt curve (problems/uk_db_scheme.yaml): annual zero rates.
CURVE = (
    (1, 0.0385),
    (2, 0.0378),
    (3, 0.0382),
    (5, 0.0395),
    (7, 0.0415),
    (10, 0.0448),
    (15, 0.0495),
    (20, 0.0525),
    (25, 0.0530),
    (30, 0.0525),
    (40, 0.0505),
    (50, 0.0480),
)
PILLARS = tuple(years for years, _ in CURVE)
RATES = tuple(rate for _, rate in CURVE)
KEYS = PILLARS  # ldi's default keys
FAR_YEARS = 101  # past every flow: spread knots end here, flat after the last key
MATURITY_DAYS = (360, 50 * 360)  # 30/360 days to maturity: 1y to 50y
COUPONS = (0.01, 0.06)
SPREADS_BP = (-10.0, 200.0)
ZSPREAD_ACCURACY = 1e-12
ZSPREAD_MAX_ITERATIONS = 100
# Scaling: universe sizes, timed runs per size, and the numpy reference's settings.
SIZES = (200, 1_000, 5_000, 20_000)
SCALING_REPEATS = {200: 10, 1_000: 10, 5_000: 5, 20_000: 3}
EXPONENT_SPAN = (1_000, 20_000)  # the pairwise growth exponent is taken between these
SCENARIOS = 3 + 2 * len(KEYS)  # base, parallel -/+, each key -/+
NEWTON_LIMIT = 50
NEWTON_TOLERANCE = 1e-15  # a Newton step this small (decimal) ends a bond's search
NEWTON_ROUNDING = 8 * np.finfo(float).eps  # a residual within this share of PV is solved
RISK_CHUNK_FLOWS = 1 << 14  # flows per chunk of the reference's 27-scenario pass
SPEEDUP_TARGET = 50.0
RATIO_TARGET = 2.0
EXPONENT_TARGET = 1.05

LDI_REPEATS = 10
QUANTLIB_REPEATS = 3
SPREAD_TOL_BP = 1e-6
PRICE_TOL = 1e-12
PV_TOL = 1e-9
RISK_TOL = 1e-8


# --- the universe, priced by QuantLib --------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One bond of the universe: its terms, the QuantLib bond and its market price."""

    id: str
    coupon: float  # decimal a year
    days: int  # 30/360 days from the valuation date to maturity
    bond: ql.FixedRateBond
    spread: float  # decimal; the z-spread the price was made at
    clean: float  # clean price per 100 face, from QuantLib

    @property
    def maturity(self) -> float:
        """Years to maturity, as ``ldi.Bond`` takes it."""
        return self.days / DAYS_PER_YEAR


def years_date(years: int) -> ql.Date:
    """The date ``years`` whole years after the valuation date: 30/360 time ``years``."""
    return VALUATION + ql.Period(years, ql.Years)


def market_curve() -> ql.YieldTermStructure:
    """The 12-pillar curve: annual zero rates linear between pillars, flat outside.

    A 0% annually compounded curve plus a piecewise-linear zero spread of the pillar rates
    (flat outside its knots), the spread added in annual compounding.
    """
    zero = ql.FlatForward(VALUATION, 0.0, DAY_COUNT, ql.Compounded, ql.Annual)
    handles = [ql.QuoteHandle(ql.SimpleQuote(rate)) for rate in RATES]
    curve = ql.PiecewiseZeroSpreadedTermStructure(
        ql.YieldTermStructureHandle(zero),
        [*handles, handles[-1]],
        [*(years_date(p) for p in PILLARS), years_date(FAR_YEARS)],
        ql.Compounded,
        ql.Annual,
        DAY_COUNT,
    )
    curve.enableExtrapolation()
    return curve


def node_curve(market: ql.YieldTermStructure, lines: list[Line]) -> tuple[ql.ZeroCurve, int]:
    """A ZeroCurve with a node at every payment date (and pillar), rates read off ``market``.

    Continuous zero rates, so the node values reproduce ``market``'s discount factors.
    Returns the curve and its number of nodes after the valuation date.
    """
    payments = {flow.date() for line in lines for flow in line.bond.cashflows()}
    pillars = {years_date(p) for p in (*PILLARS, FAR_YEARS)}
    dates = sorted(d for d in payments | pillars if d > VALUATION)
    rates = [market.zeroRate(d, DAY_COUNT, ql.Continuous, ql.NoFrequency).rate() for d in dates]
    # At t = 0 the continuous equivalent of the first pillar's rate: flat before it.
    first = float(np.log1p(RATES[0]))
    curve = ql.ZeroCurve(
        [VALUATION, *dates],
        [first, *rates],
        DAY_COUNT,
        ql.NullCalendar(),
        ql.Linear(),
        ql.Continuous,
    )
    return curve, len(dates)


def maturity_date(days: int) -> ql.Date | None:
    """The date ``days`` 30/360 days after the valuation date, or None if on day 29-31."""
    offset = VALUATION.dayOfMonth() - 1 + days
    day = offset % 30 + 1
    if day > 28:
        return None
    month = VALUATION + ql.Period(offset // 30, ql.Months)
    return ql.Date(day, month.month(), month.year())


def build_universe(rng: np.random.Generator, market: ql.YieldTermStructure) -> list[Line]:
    """Seasoned semiannual bonds priced by QuantLib on ``market`` + a random z-spread."""
    lines: list[Line] = []
    while len(lines) < N_BONDS:
        days = int(rng.integers(MATURITY_DAYS[0], MATURITY_DAYS[1] + 1))
        maturity = maturity_date(days)
        if maturity is None:  # 30/360 maps days 29-31 ambiguously; draw again
            continue
        if DAY_COUNT.dayCount(VALUATION, maturity) != days:
            raise RuntimeError(f"30/360 days to {maturity} are not {days}")
        # Effective on the last regular coupon date at or before the valuation date.
        periods = -(-days // 180)
        effective = maturity - ql.Period(6 * periods, ql.Months)
        schedule = ql.Schedule(
            effective,
            maturity,
            ql.Period(ql.Semiannual),
            ql.NullCalendar(),
            ql.Unadjusted,
            ql.Unadjusted,
            ql.DateGeneration.Backward,
            False,
        )
        coupon = round(rng.uniform(*COUPONS) * 800) / 800  # eighths of a percent
        bond = ql.FixedRateBond(
            0, 100.0, schedule, [coupon], DAY_COUNT, ql.Unadjusted, 100.0, effective
        )
        spread = float(rng.uniform(*SPREADS_BP)) * BP
        clean = ql.BondFunctions.cleanPrice(
            bond, market, spread, DAY_COUNT, ql.Compounded, ql.Annual, VALUATION
        )
        lines.append(Line(f"B{len(lines):04d}", coupon, days, bond, spread, clean))
    return lines


def check_coupons(lines: list[Line]) -> None:
    """Every coupon accrues exactly half a year, so it pays c/2 x face."""
    for line in lines:
        for flow in line.bond.cashflows():
            coupon = ql.as_fixed_rate_coupon(flow)
            if coupon is not None and coupon.accrualPeriod() != 0.5:
                raise RuntimeError(f"{line.id}: coupon accrual {coupon.accrualPeriod()}")


# --- QuantLib: z-spread, then bump and reprice, bond by bond ----------------------------------


class QuantLibRisk:
    """Implied z-spread and per-unit PV, PV01 and key-rate PV01s, one bond at a time."""

    def __init__(self, lines: list[Line]) -> None:
        self.lines = lines
        self.base = ql.RelinkableYieldTermStructureHandle()
        self.quotes = [ql.SimpleQuote(0.0) for _ in KEYS]
        handles = [ql.QuoteHandle(q) for q in self.quotes]
        # The far knot shares the last key's quote: flat past the last key (weight 1 there)
        # within the spreaded curve's range, which ends at its last knot.
        self.curve = ql.PiecewiseZeroSpreadedTermStructure(
            self.base,
            [*handles, handles[-1]],
            [*(years_date(k) for k in KEYS), years_date(FAR_YEARS)],
            ql.Compounded,
            ql.Annual,
            DAY_COUNT,
        )

    def z_spread(self, base: ql.YieldTermStructure, line: Line) -> float:
        """The z-spread (decimal, annual compounding) that reprices ``line`` on ``base``."""
        return ql.BondFunctions.zSpread(
            line.bond,
            ql.BondPrice(line.clean, ql.BondPrice.Clean),
            base,
            DAY_COUNT,
            ql.Compounded,
            ql.Annual,
            VALUATION,
            ZSPREAD_ACCURACY,
            ZSPREAD_MAX_ITERATIONS,
            0.0,
        )

    def spreads(self, base: ql.YieldTermStructure) -> np.ndarray:
        """The z-spread solves alone."""
        return np.array([self.z_spread(base, line) for line in self.lines])

    def risk(self, base: ql.YieldTermStructure) -> dict[str, np.ndarray]:
        """Spreads (decimal), dirty prices, and PV, PV01, key-rate PV01s per unit of value."""
        self.base.linkTo(base)
        n, m = len(self.lines), len(KEYS)
        spread, dirty, pv, pv01 = np.empty(n), np.empty(n), np.empty(n), np.empty(n)
        key_rate = np.empty((n, m))
        for i, line in enumerate(self.lines):
            s = self.z_spread(base, line)
            leg = ql.Leg(line.bond.cashflows())
            spread[i] = s
            dirty[i] = line.clean + line.bond.accruedAmount(VALUATION)
            pv[i] = self._npv(leg, s)
            down, up = self._npv(leg, s - H), self._npv(leg, s + H)
            pv01[i] = (down - up) / 2
            self._set_all(s)
            for j, quote in enumerate(self.quotes):
                quote.setValue(s - H)
                down = ql.CashFlows.npv(leg, self.curve, False, VALUATION, VALUATION)
                quote.setValue(s + H)
                up = ql.CashFlows.npv(leg, self.curve, False, VALUATION, VALUATION)
                quote.setValue(s)
                key_rate[i, j] = (down - up) / 2
        return {
            "spread": spread,
            "dirty": dirty,
            "pv": pv / dirty,
            "pv01": pv01 / dirty,
            "key_rate": key_rate / dirty[:, None],
        }

    def _set_all(self, spread: float) -> None:
        for quote in self.quotes:
            quote.setValue(spread)

    def _npv(self, leg: ql.Leg, spread: float) -> float:
        """NPV of ``leg`` with every key quote at ``spread``: the base curve + a flat spread."""
        self._set_all(spread)
        return ql.CashFlows.npv(leg, self.curve, False, VALUATION, VALUATION)


# --- scaling: ldi against a bare numpy reference, 200 to 20,000 bonds ------------------------


@dataclass(frozen=True)
class Legs:
    """Every bond's flows stacked bond after bond; bond i's flows start at ``starts[i]``."""

    t: np.ndarray  # years to each payment
    amount: np.ndarray  # per 100 face
    owner: np.ndarray  # each flow's bond
    starts: np.ndarray
    accrued: np.ndarray  # per 100 face, one per bond

    def sums(self, per_flow: np.ndarray) -> np.ndarray:
        """Σ over each bond's flows, along the last axis: one value per bond (and row)."""
        return np.add.reduceat(per_flow, self.starts, axis=-1)


def draw_universe(rng: np.random.Generator, n: int) -> tuple[np.ndarray, ...]:
    """Maturities (years), coupons and z-spreads (decimal) of ``n`` bonds, drawn as above.

    30/360 days to maturity uniform on MATURITY_DAYS, redrawn when they land on days 29-31
    of a month (as ``build_universe`` does), divided by 360; coupons uniform on COUPONS
    rounded to eighths of a percent; spreads uniform on SPREADS_BP.
    """
    days = np.empty(0, dtype=np.int64)
    while days.size < n:
        drawn = rng.integers(MATURITY_DAYS[0], MATURITY_DAYS[1] + 1, size=n)
        day = (VALUATION.dayOfMonth() - 1 + drawn) % 30 + 1
        days = np.concatenate([days, drawn[day <= 28]])
    maturity = days[:n] / DAYS_PER_YEAR
    coupon = np.round(rng.uniform(*COUPONS, size=n) * 800) / 800
    spread = rng.uniform(*SPREADS_BP, size=n) * BP
    return maturity, coupon, spread


def reference_legs(maturity: np.ndarray, coupon: np.ndarray) -> Legs:
    """Seasoned semiannual legs of all bonds in one pass.

    count = max(1, ceil(2T - 1e-9)); t_j = T - 0.5 (count - 1 - j), j = 0..count-1; each
    coupon pays 100 c x 0.5 (the first 100 c (t_0 - (t_0 - 0.5)), as ldi rounds it), the
    last also 100; accrued = 100 c max(0, -(t_0 - 0.5)).
    """
    count = np.maximum(1, np.ceil(maturity * 2 - 1e-9).astype(np.int64))
    owner = np.repeat(np.arange(maturity.size), count)
    starts = np.cumsum(count) - count
    back = (count - 1)[owner] - (np.arange(owner.size) - starts[owner])
    t = maturity[owner] - 0.5 * back
    first = t[starts]
    accrual_start = first - 0.5
    face_coupon = 100.0 * coupon
    amount = face_coupon[owner] * 0.5
    amount[starts] = face_coupon * (first - accrual_start)
    amount[starts + count - 1] += 100.0
    accrued = face_coupon * np.maximum(0.0, -accrual_start)
    return Legs(t, amount, owner, starts, accrued)


def reference_zero(t: np.ndarray) -> np.ndarray:
    """The annual zero rate z(t): linear between PILLARS, flat outside."""
    return np.interp(t, PILLARS, RATES)


def reference_discount(rate: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Annual compounding: DF = (1 + rate)^(-t) = exp(-t log(1 + rate))."""
    return np.exp(-t * np.log1p(rate))


def reference_values(legs: Legs, zero: np.ndarray, spread: np.ndarray) -> np.ndarray:
    """Dirty prices PV_i(s_i) = Σ_j a_ij (1 + z(t_ij) + s_i)^(-t_ij)."""
    return legs.sums(legs.amount * reference_discount(zero + spread[legs.owner], legs.t))


def reference_spreads(legs: Legs, zero: np.ndarray, dirty: np.ndarray) -> np.ndarray:
    """Every z-spread at once by Newton's method from 0: s <- s - (PV(s) - dirty) / PV'(s).

    PV'(s) = -Σ a t (1 + z + s)^(-t-1). A bond stops when its residual is within rounding
    of its PV (8 eps Σ|a DF|) or its step is below 1e-15.
    """
    spread = np.zeros(dirty.size)
    open_ = np.ones(dirty.size, dtype=bool)
    for _ in range(NEWTON_LIMIT):
        rate = zero + spread[legs.owner]
        worth = legs.amount * reference_discount(rate, legs.t)
        excess = legs.sums(worth) - dirty
        slope = legs.sums(-legs.t * worth / (1.0 + rate))
        step = excess / slope
        moving = open_ & ~(np.abs(excess) <= NEWTON_ROUNDING * legs.sums(np.abs(worth)))
        spread[moving] -= step[moving]
        open_ = moving & ~(np.abs(step) <= NEWTON_TOLERANCE)
        if not open_.any():
            return spread
    raise RuntimeError(f"reference Newton: {int(open_.sum())} spreads open")


def scenario_shifts(t: np.ndarray) -> np.ndarray:
    """(27, flows) zero-rate shifts: base, parallel -/+1bp, then key k -/+1bp x w_k(t).

    w_k is the triangle on KEYS peaking at key k, flat beyond the first and last key.
    """
    weights = np.stack([np.interp(t, KEYS, unit) for unit in np.eye(len(KEYS))])
    shifts = np.empty((SCENARIOS, t.size))
    shifts[0] = 0.0
    shifts[1] = -H
    shifts[2] = H
    shifts[3::2] = -H * weights
    shifts[4::2] = H * weights
    return shifts


def reference_risk_pass(legs: Legs, zero: np.ndarray, spread: np.ndarray) -> np.ndarray:
    """(27, bonds) PVs Σ_j a_ij (1 + z(t_ij) + s_i + shift(t_ij))^(-t_ij), every scenario.

    Chunks of whole bonds of about RISK_CHUNK_FLOWS flows keep the (27, flows) arrays small.
    """
    n, total = legs.starts.size, legs.t.size
    edges = np.unique(np.searchsorted(legs.starts, np.arange(0, total, RISK_CHUNK_FLOWS)))
    bonds = np.append(edges, n)
    values = np.empty((SCENARIOS, n))
    for b0, b1 in zip(bonds[:-1], bonds[1:], strict=True):
        f0 = legs.starts[b0]
        f1 = legs.starts[b1] if b1 < n else total
        t = legs.t[f0:f1]
        rate = scenario_shifts(t)
        rate += zero[f0:f1] + spread[legs.owner[f0:f1]]
        np.log1p(rate, out=rate)
        rate *= -t
        np.exp(rate, out=rate)
        rate *= legs.amount[f0:f1]
        values[:, b0:b1] = np.add.reduceat(rate, legs.starts[b0:b1] - f0, axis=1)
    return values


def reference_risk(maturity: np.ndarray, coupon: np.ndarray, clean: np.ndarray) -> dict:
    """Spreads, dirty prices, and PV, PV01, key-rate PV01s per unit of market value.

    dirty = clean + accrued; s solves PV(s) = dirty; then over the 27 scenarios V:
    pv = V_base / dirty, pv01 = (V_down - V_up) / 2 / dirty, and the same per key.
    """
    legs = reference_legs(maturity, coupon)
    zero = reference_zero(legs.t)
    dirty = clean + legs.accrued
    spread = reference_spreads(legs, zero, dirty)
    values = reference_risk_pass(legs, zero, spread) / dirty
    return {
        "spread": spread,
        "dirty": dirty,
        "pv": values[0],
        "pv01": (values[1] - values[2]) / 2,
        "key_rate": ((values[3::2] - values[4::2]) / 2).T,
        "flows": legs.t.size,
    }


def scaling_universe(size: int) -> tuple[np.ndarray, ...]:
    """A seeded universe of ``size`` bonds and its clean prices made by the reference."""
    maturity, coupon, spread = draw_universe(np.random.default_rng((SEED, size)), size)
    legs = reference_legs(maturity, coupon)
    clean = reference_values(legs, reference_zero(legs.t), spread) - legs.accrued
    return maturity, coupon, spread, clean


def scaling_checks(ours: InstrumentRisk, ids: list[str], ref: dict, made_at: np.ndarray) -> dict:
    """Max differences of ldi against the reference (and both against the drawn spreads)."""
    our_spread = ours.terms.loc[ids, "spread_bp"].to_numpy(dtype=float) * BP
    checks = {
        "spread_vs_drawn": (
            "implied z-spread, ldi vs the drawn spread (bp)",
            np.max(np.abs(our_spread - made_at)) / BP,
            SPREAD_TOL_BP,
        ),
        "spread_vs_reference": (
            "implied z-spread, ldi vs the reference's Newton (bp)",
            np.max(np.abs(our_spread - ref["spread"])) / BP,
            SPREAD_TOL_BP,
        ),
        "reference_spread_vs_drawn": (
            "implied z-spread, reference vs the drawn spread (bp)",
            np.max(np.abs(ref["spread"] - made_at)) / BP,
            SPREAD_TOL_BP,
        ),
        **per_unit_checks(ours, ids, ref, "reference"),
    }
    return tabulated(checks)


def per_unit_checks(ours: InstrumentRisk, ids: list[str], ref: dict, name: str) -> dict:
    """PV, PV01 and key-rate PV01s per unit of ldi's ``ours`` against ``ref`` (named ``name``).

    ``ref`` holds "pv", "pv01" and "key_rate" (bonds x keys) in the order of ``ids``; PV01s
    are compared relative to the reference bond's PV01.
    """
    exposures = ours.exposures.loc[ids]
    kr_columns = [key_rate_column(k) for k in KEYS]
    pv01_scale = np.abs(ref["pv01"])
    return {
        "pv_per_unit": (
            f"PV per unit of market value, ldi vs {name}",
            np.max(np.abs(exposures["pv"].to_numpy() - ref["pv"])),
            PV_TOL,
        ),
        "pv01_per_unit": (
            f"PV01 per unit, ldi vs {name} (relative)",
            max_relative(exposures["pv01"].to_numpy(), ref["pv01"], pv01_scale),
            RISK_TOL,
        ),
        "key_rate_pv01_per_unit": (
            f"key-rate PV01 per unit, ldi vs {name} (relative to the bond's PV01)",
            max_relative(exposures[kr_columns].to_numpy(), ref["key_rate"], pv01_scale),
            RISK_TOL,
        ),
    }


def tabulated(checks: dict) -> dict:
    """Checks {key: (what, largest difference, tolerance)} as report rows with their verdict."""
    return {
        key: {"what": what, "max": float(worst), "tol": tol, "ok": bool(worst <= tol)}
        for key, (what, worst, tol) in checks.items()
    }


def run_scaling(market: ldi.Market) -> list[dict]:
    """Per size: best and median times of ldi.instrument_risk and the reference, agreement."""
    rows = []
    for size in SIZES:
        print(f"  {size:,} bonds ...", flush=True)
        maturity, coupon, made_at, clean = scaling_universe(size)
        ids = [f"S{i:05d}" for i in range(size)]
        bonds = [
            ldi.Bond(id=i, coupon=float(c), maturity=float(m), price=float(p))
            for i, c, m, p in zip(ids, coupon, maturity, clean, strict=True)
        ]
        samples = time_runs(
            {
                "ldi": lambda bonds=bonds: ldi.instrument_risk(bonds, market, KEYS),
                "reference": lambda m=maturity, c=coupon, p=clean: reference_risk(m, c, p),
            },
            SCALING_REPEATS[size],
        )
        ref = reference_risk(maturity, coupon, clean)
        agreement = scaling_checks(ldi.instrument_risk(bonds, market, KEYS), ids, ref, made_at)
        best = {name: float(np.min(times)) * 1e3 for name, times in samples.items()}
        rows.append(
            {
                "bonds": size,
                "flows": int(ref["flows"]),
                "repeats": SCALING_REPEATS[size],
                "ldi_ms": best["ldi"],
                "reference_ms": best["reference"],
                "ldi_median_ms": float(np.median(samples["ldi"])) * 1e3,
                "reference_median_ms": float(np.median(samples["reference"])) * 1e3,
                "ratio_ldi_to_reference": best["ldi"] / best["reference"],
                "ldi_per_bond_us": 1e3 * best["ldi"] / size,
                "reference_per_bond_us": 1e3 * best["reference"] / size,
                "agreement": agreement,
                "agreement_ok": all(item["ok"] for item in agreement.values()),
            }
        )
    return rows


def growth_exponents(sizes: np.ndarray, ms: np.ndarray) -> dict[str, float]:
    """log(t_20000 / t_1000) / log 20, and the least-squares slope of log t on log n."""
    at = dict(zip(sizes.tolist(), ms.tolist(), strict=True))
    low, high = EXPONENT_SPAN
    return {
        "pairwise": float(np.log(at[high] / at[low]) / np.log(high / low)),
        "least_squares": float(np.polyfit(np.log(sizes), np.log(ms), 1)[0]),
    }


def scaling_report(rows: list[dict], speedup_vs_quantlib: float) -> dict:
    """The scaling rows, both growth exponents and the targets met or missed."""
    sizes = np.array([row["bonds"] for row in rows], dtype=float)
    exponents = {
        name: growth_exponents(sizes, np.array([row[f"{name}_ms"] for row in rows]))
        for name in ("ldi", "reference")
    }
    at = {row["bonds"]: row for row in rows}
    low, high = EXPONENT_SPAN
    targets = {
        "speedup_vs_quantlib_at_1000": (
            f"ldi.instrument_risk >= {SPEEDUP_TARGET:g}x the QuantLib loop at {N_BONDS:,} bonds",
            speedup_vs_quantlib,
            ">=",
            SPEEDUP_TARGET,
        ),
        **{
            f"ratio_to_reference_at_{size}": (
                f"ldi / reference <= {RATIO_TARGET:g} at {size:,} bonds",
                at[size]["ratio_ldi_to_reference"],
                "<=",
                RATIO_TARGET,
            )
            for size in EXPONENT_SPAN
        },
        "ldi_exponent": (
            f"ldi growth exponent {low:,} -> {high:,} bonds <= {EXPONENT_TARGET:g}",
            exponents["ldi"]["pairwise"],
            "<=",
            EXPONENT_TARGET,
        ),
    }
    return {
        "sizes": [int(size) for size in sizes],
        "exponent_span": list(EXPONENT_SPAN),
        "rows": rows,
        "exponents": exponents,
        "targets": {
            key: {
                "what": what,
                "value": float(value),
                "op": op,
                "target": target,
                "met": bool(value >= target if op == ">=" else value <= target),
            }
            for key, (what, value, op, target) in targets.items()
        },
        "agreement_ok": all(row["agreement_ok"] for row in rows),
    }


# --- report ----------------------------------------------------------------------------------

LDI_PARTS = (
    # (key, label, indent); keys ending in _diff are derived by difference.
    ("ldi_instrument_risk", "ldi.instrument_risk, whole", 0),
    ("ldi_value_from_price", "valuation: value_universe from the market prices", 1),
    ("ldi_schedules", "schedules and quotes: Bond.bond_quotes, all bonds in one pass", 2),
    ("zspread_solve_diff", "z-spread solve (Newton, all at once): from price - from spread", 2),
    ("valuation_rest_diff", "rest of valuation (PVs, per-unit scaling): by difference", 2),
    ("ldi_exposures_from_cashflows", "exposures pass: ldi.exposures of the valued streams", 1),
    ("ldi_stacking", "stacking the 1,000 valued streams into a CashflowMatrix", 2),
    ("ldi_exposures_prebuilt", "revaluation of the prebuilt matrix (27 scenarios)", 2),
    ("instrument_risk_rest_diff", "rest of instrument_risk (tables): by difference", 1),
)

# The parts that add up to the whole, roughly (best times of separate runs); the others
# are sums of these.
LEAF_PARTS = (
    "ldi_schedules",
    "zspread_solve_diff",
    "valuation_rest_diff",
    "ldi_stacking",
    "ldi_exposures_prebuilt",
    "instrument_risk_rest_diff",
)


def ldi_parts(t: dict[str, float]) -> dict[str, float]:
    """Timed parts plus those found by difference (ms)."""
    return {
        **t,
        "zspread_solve_diff": t["ldi_value_from_price"] - t["ldi_value_from_spread"],
        "valuation_rest_diff": t["ldi_value_from_spread"] - t["ldi_schedules"],
        "instrument_risk_rest_diff": t["ldi_instrument_risk"]
        - t["ldi_value_from_price"]
        - t["ldi_exposures_from_cashflows"],
    }


def markdown(report: dict) -> str:
    """The results as a short Markdown page."""
    t, p, m = report["timings_ms"], report["problem"], report["machine"]
    parts, speed = report["ldi_parts_ms"], report["speed"]
    baseline = t[speed["quantlib_baseline"]]
    rows = [
        ("quantlib_loop_pillar_curve", "QuantLib loop, 12-pillar spreaded curve"),
        ("quantlib_loop_node_curve", "QuantLib loop, node curve"),
        ("ldi_instrument_risk", "ldi.instrument_risk"),
    ]
    lines = [
        "# Instrument benchmark: implied z-spreads and key-rate PV01s, ldi vs QuantLib",
        "",
        f"Run {report['date']} by `benchmarks/bench_instruments.py` (`make bench`).",
        "",
        f"{p['bonds']:,} seasoned semiannual bonds (maturities {p['maturity_years'][0]:g}-"
        f"{p['maturity_years'][1]:g}y, coupons {100 * p['coupons'][0]:g}-"
        f"{100 * p['coupons'][1]:g}%), {p['flows']:,} flows on {p['payment_dates']:,} distinct "
        f"dates ({p['ldi_grid_times']:,} distinct times in ldi's cash-flow matrix: times rolled "
        "back from different maturities differ in their last bits), clean prices made by "
        f"QuantLib at z-spreads {p['spreads_bp'][0]:g} to "
        f"+{p['spreads_bp'][1]:g}bp over an annually compounded zero curve of {p['pillars']} "
        f"pillars. Per bond: the implied z-spread, then PV, PV01 and {p['keys']} key-rate "
        "PV01s per unit of market value (1bp central differences).",
        "",
        "| method | best time [ms] | median [ms] | per bond [us] | speed-up vs QuantLib |",
        "|---|---:|---:|---:|---:|",
    ]
    for key, name in rows:
        ms, median = t[key], report["median_timings_ms"][key]
        lines.append(
            f"| {name} | {ms:,.1f} | {median:,.1f} | {1e3 * ms / p['bonds']:,.0f} "
            f"| {baseline / ms:.2f}x |"
        )
    lines += [
        f"| (info) QuantLib z-spread solves alone, node curve | {t['quantlib_zspread_only']:,.1f} "
        f"| {report['median_timings_ms']['quantlib_zspread_only']:,.1f} "
        f"| {1e3 * t['quantlib_zspread_only'] / p['bonds']:,.0f} | - |",
        "",
        f"Speed-up is against the faster QuantLib loop ({speed['quantlib_baseline_label']}). "
        f"Best of {report['repeats']['ldi']} interleaved runs ({report['repeats']['quantlib']} "
        "for QuantLib), garbage collection off while timing. Absolute times move with machine "
        f"load (1-minute load average {m['load_average_1m']} at the start, "
        f"{m['load_average_1m_end']} at the end, on {m['cpu_count']} cores).",
        "",
        "Where `ldi`'s time goes (best times; rows marked 'by difference' subtract best times "
        "of other rows, so they carry the noise of both):",
        "",
        "| part | best time [ms] | share of instrument_risk | per bond [us] |",
        "|---|---:|---:|---:|",
    ]
    total = parts["ldi_instrument_risk"]
    info = ("ldi_value_from_spread", "(info) valuation: value_universe from given spreads", 1)
    for key, label, indent in (*LDI_PARTS, info):
        ms = parts[key]
        name = f"**{label}**" if indent == 0 else "↳ " * (indent - 1) + label
        lines.append(
            f"| {name} | {ms:,.1f} | {100 * ms / total:.0f}% | {1e3 * ms / p['bonds']:,.0f} |"
        )
    key, label, _ = max(
        (part for part in LDI_PARTS if part[0] in LEAF_PARTS), key=lambda part: parts[part[0]]
    )
    lines += [
        "",
        f"Largest part: {label} ({100 * parts[key] / total:.0f}% of instrument_risk).",
        "",
        "| agreement | max difference | tolerance | ok |",
        "|---|---:|---:|:---:|",
    ]
    for item in report["agreement"].values():
        tol = "-" if item["tol"] is None else f"{item['tol']:.0e}"
        lines.append(f"| {item['what']} | {item['max']:.2e} | {tol} | {verdict(item['ok'])} |")
    lines += scaling_markdown(report["scaling"])
    lines += [
        "",
        "Machine: " + ", ".join(f"{k} {v}" for k, v in m.items()) + ".",
        "",
    ]
    return "\n".join(lines)


def scaling_markdown(scaling: dict) -> list[str]:
    """The scaling section: times per size, growth exponents, targets, agreement."""
    rows, exponents = scaling["rows"], scaling["exponents"]
    low, high = scaling["exponent_span"]
    lines = [
        "",
        "## Scaling: ldi.instrument_risk against a bare numpy reference",
        "",
        "Universes of each size drawn as above (seeded numpy), clean prices made by the numpy "
        "reference at the drawn spreads. The reference does the same job from the arrays "
        "(maturity, coupon, clean): every schedule in one pass, every z-spread by one stacked "
        "Newton solve, then one 27-scenario pass. Bond objects are built outside the timings. "
        "Best of " + ", ".join(f"{r['repeats']}" for r in rows) + " interleaved runs.",
        "",
        "| bonds | flows | ldi best [ms] | reference best [ms] | ldi / reference "
        "| ldi per bond [us] | reference per bond [us] |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['bonds']:,} | {r['flows']:,} | {r['ldi_ms']:,.1f} | {r['reference_ms']:,.1f} "
            f"| {r['ratio_ldi_to_reference']:.2f}x | {r['ldi_per_bond_us']:,.0f} "
            f"| {r['reference_per_bond_us']:,.0f} |"
        )
    lines += [
        "",
        f"Growth exponents (time ~ bonds^k): ldi {exponents['ldi']['pairwise']:.3f} from "
        f"{low:,} to {high:,} bonds ({exponents['ldi']['least_squares']:.3f} least squares over "
        f"all sizes); reference {exponents['reference']['pairwise']:.3f} "
        f"({exponents['reference']['least_squares']:.3f}).",
        "",
        "| target | value | met |",
        "|---|---:|:---:|",
    ]
    for item in scaling["targets"].values():
        lines.append(f"| {item['what']} | {item['value']:.3g} | {verdict(item['met'])} |")
    sizes = [r["bonds"] for r in rows]
    lines += ["", *agreement_lines(rows, [f"{n:,} bonds" for n in sizes], 2)]
    return lines


def print_scaling(scaling: dict) -> None:
    """The scaling table, exponents, targets and agreement on stdout."""
    print(f"{'bonds':>8}{'flows':>11}{'ldi [ms]':>11}{'reference [ms]':>16}{'ratio':>8}")
    for r in scaling["rows"]:
        print(
            f"{r['bonds']:>8,}{r['flows']:>11,}{r['ldi_ms']:>11.1f}{r['reference_ms']:>16.1f}"
            f"{r['ratio_ldi_to_reference']:>7.2f}x"
        )
    for name, exponent in scaling["exponents"].items():
        print(
            f"growth exponent, {name}: {exponent['pairwise']:.3f} "
            f"({exponent['least_squares']:.3f} least squares)"
        )
    for item in scaling["targets"].values():
        print(f"{item['what']:<60}{item['value']:>10.3g}  {'met' if item['met'] else 'MISSED'}")
    for r in scaling["rows"]:
        failed = [item["what"] for item in r["agreement"].values() if not item["ok"]]
        worst = max(item["max"] / item["tol"] for item in r["agreement"].values())
        status = "ok" if not failed else "FAILED: " + "; ".join(failed)
        print(f"agreement at {r['bonds']:,} bonds (worst {worst:.1e} of tolerance): {status}")


def agreement_checks(ours: InstrumentRisk, lines: list[Line], ql_pillar, ql_node) -> dict:
    """Max differences of ldi against QuantLib (and QuantLib's two curves against each other)."""
    ids = [line.id for line in lines]
    our_spread = ours.terms.loc[ids, "spread_bp"].to_numpy(dtype=float) * BP
    our_dirty = ours.terms.loc[ids, "dirty_price"].to_numpy(dtype=float)
    made_at = np.array([line.spread for line in lines])
    pv01_scale = np.abs(ql_pillar["pv01"])
    checks = {
        "spread_vs_quantlib": (
            "implied z-spread, ldi vs QuantLib zSpread (bp)",
            np.max(np.abs(our_spread - ql_pillar["spread"])) / BP,
            SPREAD_TOL_BP,
        ),
        "spread_vs_generating": (
            "implied z-spread, ldi vs the spread the price was made at (bp)",
            np.max(np.abs(our_spread - made_at)) / BP,
            SPREAD_TOL_BP,
        ),
        "dirty_price": (
            "dirty price, ldi vs QuantLib (relative)",
            max_relative(our_dirty, ql_pillar["dirty"], ql_pillar["dirty"]),
            PRICE_TOL,
        ),
        **per_unit_checks(ours, ids, ql_pillar, "QuantLib"),
        "quantlib_curves": (
            "QuantLib node curve vs 12-pillar curve: spreads (bp) and key-rate PV01s (rel.)",
            max(
                np.max(np.abs(ql_node["spread"] - ql_pillar["spread"])) / BP,
                max_relative(ql_node["key_rate"], ql_pillar["key_rate"], pv01_scale),
            ),
            RISK_TOL,
        ),
    }
    return tabulated(checks)


def main() -> int:
    machine = machine_info()  # before the run loads the machine
    ql.Settings.instance().evaluationDate = VALUATION
    rng = np.random.default_rng(SEED)

    print("building and pricing the universe with QuantLib ...", flush=True)
    ql_market = market_curve()
    lines = build_universe(rng, ql_market)
    check_coupons(lines)
    ql_nodes, nodes = node_curve(ql_market, lines)
    quantlib = QuantLibRisk(lines)

    curve = ldi.ZeroCurve(PILLARS, RATES, compounding="annual")
    market = ldi.Market({"gilts": curve}, nominal="gilts")
    bonds = [
        ldi.Bond(id=line.id, coupon=line.coupon, maturity=line.maturity, price=line.clean)
        for line in lines
    ]
    valued = value_universe(bonds, market)
    at_spread = [
        ldi.Bond(id=b.id, coupon=b.coupon, maturity=b.maturity, spread=spread)
        for b, spread in zip(bonds, valued.spread.tolist(), strict=True)
    ]
    ids = pd.Index([b.id for b in bonds], name="id")
    streams, spreads = valued.streams, valued.spread
    matrix = CashflowMatrix.from_stacked(ids, streams)

    print("timing ldi and its parts ...", flush=True)
    fast = time_runs(
        {
            "ldi_instrument_risk": lambda: ldi.instrument_risk(bonds, market, KEYS),
            "ldi_value_from_price": lambda: value_universe(bonds, market),
            "ldi_value_from_spread": lambda: value_universe(at_spread, market),
            "ldi_schedules": lambda: ldi.Bond.bond_quotes(bonds, market),
            "ldi_exposures_from_cashflows": lambda: ldi.exposures(
                CashflowMatrix.from_stacked(ids, streams), curve, keys=KEYS, spreads=spreads
            ),
            "ldi_stacking": lambda: CashflowMatrix.from_stacked(ids, streams),
            "ldi_exposures_prebuilt": lambda: ldi.exposures(
                matrix, curve, keys=KEYS, spreads=spreads
            ),
        },
        LDI_REPEATS,
    )
    print("timing the QuantLib loops ...", flush=True)
    slow = time_runs(
        {
            "quantlib_loop_pillar_curve": lambda: quantlib.risk(ql_market),
            "quantlib_loop_node_curve": lambda: quantlib.risk(ql_nodes),
            "quantlib_zspread_only": lambda: quantlib.spreads(ql_nodes),
        },
        QUANTLIB_REPEATS,
    )
    samples = {**slow, **fast}
    timings = {name: float(np.min(times)) * 1e3 for name, times in samples.items()}
    medians = {name: float(np.median(times)) * 1e3 for name, times in samples.items()}
    parts = ldi_parts({k: v for k, v in timings.items() if k.startswith("ldi_")})

    # Results for the agreement checks (outside the timings).
    ours = ldi.instrument_risk(bonds, market, KEYS)
    ql_pillar = quantlib.risk(ql_market)
    ql_node = quantlib.risk(ql_nodes)
    agreement = agreement_checks(ours, lines, ql_pillar, ql_node)

    print("timing the scaling axis (ldi and the numpy reference) ...", flush=True)
    scaling_rows = run_scaling(market)
    machine["load_average_1m_end"] = round(os.getloadavg()[0], 2)

    loops = {
        "quantlib_loop_pillar_curve": "12-pillar spreaded curve",
        "quantlib_loop_node_curve": "node curve",
    }
    baseline = min(loops, key=timings.__getitem__)
    total = timings["ldi_instrument_risk"]
    speed = {
        "quantlib_baseline": baseline,
        "quantlib_baseline_label": loops[baseline],
        "speedup_vs_quantlib": timings[baseline] / total,
        "speedup_vs_quantlib_pillar_curve": timings["quantlib_loop_pillar_curve"] / total,
        "speedup_vs_quantlib_node_curve": timings["quantlib_loop_node_curve"] / total,
        "zspread_solve_share_of_ldi": parts["zspread_solve_diff"] / total,
        "valuation_share_of_ldi": parts["ldi_value_from_price"] / total,
        "exposures_pass_share_of_ldi": parts["ldi_exposures_from_cashflows"] / total,
        "zspread_solve_vs_quantlib": parts["zspread_solve_diff"] / timings["quantlib_zspread_only"],
    }
    scaling = scaling_report(scaling_rows, speed["speedup_vs_quantlib"])
    agreement_ok = all(item["ok"] for item in agreement.values()) and scaling["agreement_ok"]
    flows = streams.times.size
    report = {
        "benchmark": "bench_instruments",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine,
        "problem": {
            "seed": SEED,
            "valuation_date": VALUATION.ISO(),
            "day_count": "30/360 bond basis (QuantLib); years of 360 days for ldi",
            "bonds": N_BONDS,
            "frequency": 2,
            "maturity_years": [MATURITY_DAYS[0] / DAYS_PER_YEAR, MATURITY_DAYS[1] / DAYS_PER_YEAR],
            "maturity_years_drawn": [
                min(line.maturity for line in lines),
                max(line.maturity for line in lines),
            ],
            "coupons": list(COUPONS),
            "spreads_bp": list(SPREADS_BP),
            "flows": int(flows),
            "payment_dates": len(
                {f.date() for line in lines for f in line.bond.cashflows() if f.date() > VALUATION}
            ),
            "ldi_grid_times": int(matrix.fixed.times.size),
            "node_curve_nodes": nodes,
            "keys": len(KEYS),
            "key_tenors": list(KEYS),
            "pillars": len(PILLARS),
            "pillar_tenors": list(PILLARS),
            "pillar_rates_annual": list(RATES),
            "zspread_accuracy": ZSPREAD_ACCURACY,
        },
        "repeats": {"ldi": LDI_REPEATS, "quantlib": QUANTLIB_REPEATS},
        "timings_ms": timings,
        "median_timings_ms": medians,
        "ldi_parts_ms": parts,
        "speed": speed,
        "agreement": agreement,
        "scaling": scaling,
        "agreement_ok": agreement_ok,
    }

    print()
    print(f"{'method':<52}{'best [ms]':>11}{'per bond [us]':>15}{'vs QuantLib':>13}")
    for name in (*loops, "quantlib_zspread_only", "ldi_instrument_risk"):
        ms = timings[name]
        per_bond = 1e3 * ms / N_BONDS
        print(f"{name:<52}{ms:>11.1f}{per_bond:>15.0f}{timings[baseline] / ms:>12.2f}x")
    print()
    for key, label, indent in LDI_PARTS:
        ms = parts[key]
        print(f"{'  ' * indent + label:<72}{ms:>9.1f} ms {100 * ms / total:>4.0f}%")
    print()
    print_agreement(agreement, 82)
    print()
    print_scaling(scaling)

    return finish("bench_instruments", report, markdown(report), agreement_ok)


if __name__ == "__main__":
    sys.exit(main())
