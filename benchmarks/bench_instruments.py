"""Instrument benchmark: implied z-spreads and per-unit key-rate PV01s of 1,000 bonds, vs QuantLib.

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

- ``ldi.instrument_risk(bonds, market, keys)``, whole, and its parts: ``Bond.value`` for
  every bond priced from its market price (schedule, z-spread solve by ``brentq``, per-unit
  scaling) and again from a given spread (no solve: the difference is the solve's cost); the
  schedules alone (``BondSchedule`` cash flows and accrued); and the vectorized exposures
  pass ``ldi.exposures(streams, curve, keys=..., spreads=...)``, whole and split into
  stacking the 1,000 streams into a ``CashflowMatrix`` and revaluing the prebuilt matrix.
  What is left of ``instrument_risk`` (labels, tables) is found by difference.
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
No speed target is set; the parts table shows where ``ldi``'s time goes.

How to run
----------
``make bench`` or ``.venv/bin/python benchmarks/bench_instruments.py`` from the repository
root (about 40 s). Results go to ``benchmarks/results/bench_instruments.json`` and
``bench_instruments.md``, each written to a temporary file and renamed into place.
"""

import datetime as dt
import os
import sys
from dataclasses import dataclass

import numpy as np
import QuantLib as ql
from bench_risk import finish, machine_info, max_relative, print_agreement, time_runs, verdict

import ldi
from ldi.instruments import InstrumentRisk
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


# --- report ----------------------------------------------------------------------------------

LDI_PARTS = (
    # (key, label, indent); keys ending in _diff are derived by difference.
    ("ldi_instrument_risk", "ldi.instrument_risk, whole", 0),
    ("ldi_value_from_price", "valuation: Bond.value from the market price", 1),
    ("ldi_schedules", "schedules: BondSchedule cash flows and accrued", 2),
    ("zspread_solve_diff", "z-spread solve (brentq): from price - from spread", 2),
    ("valuation_rest_diff", "rest of valuation (one PV, per-unit scaling): by difference", 2),
    ("ldi_exposures_from_cashflows", "exposures pass: ldi.exposures from Cashflows", 1),
    ("ldi_stacking", "stacking 1,000 streams into a CashflowMatrix", 2),
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
    info = ("ldi_value_from_spread", "(info) valuation: Bond.value from a given spread", 1)
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
    lines += [
        "",
        "Machine: " + ", ".join(f"{k} {v}" for k, v in m.items()) + ".",
        "",
    ]
    return "\n".join(lines)


def agreement_checks(ours: InstrumentRisk, lines: list[Line], ql_pillar, ql_node) -> dict:
    """Max differences of ldi against QuantLib (and QuantLib's two curves against each other)."""
    ids = [line.id for line in lines]
    exposures = ours.exposures.loc[ids]
    kr_columns = [key_rate_column(k) for k in KEYS]
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
        "pv_per_unit": (
            "PV per unit of market value, ldi vs QuantLib",
            np.max(np.abs(exposures["pv"].to_numpy() - ql_pillar["pv"])),
            PV_TOL,
        ),
        "pv01_per_unit": (
            "PV01 per unit, ldi vs QuantLib (relative)",
            max_relative(exposures["pv01"].to_numpy(), ql_pillar["pv01"], pv01_scale),
            RISK_TOL,
        ),
        "key_rate_pv01_per_unit": (
            "key-rate PV01 per unit, ldi vs QuantLib (relative to the bond's PV01)",
            max_relative(exposures[kr_columns].to_numpy(), ql_pillar["key_rate"], pv01_scale),
            RISK_TOL,
        ),
        "quantlib_curves": (
            "QuantLib node curve vs 12-pillar curve: spreads (bp) and key-rate PV01s (rel.)",
            max(
                np.max(np.abs(ql_node["spread"] - ql_pillar["spread"])) / BP,
                max_relative(ql_node["key_rate"], ql_pillar["key_rate"], pv01_scale),
            ),
            RISK_TOL,
        ),
    }
    report = {}
    for key, (what, worst, tol) in checks.items():
        report[key] = {"what": what, "max": float(worst), "tol": tol, "ok": bool(worst <= tol)}
    return report


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
    valuations = {bond.id: bond.value(market) for bond in bonds}
    at_spread = [
        ldi.Bond(id=b.id, coupon=b.coupon, maturity=b.maturity, spread=valuations[b.id].spread)
        for b in bonds
    ]
    streams = {name: v.stream for name, v in valuations.items()}
    spreads = np.array([v.spread for v in valuations.values()])
    matrix = CashflowMatrix.from_cashflows(streams)

    def schedules() -> list:
        out = []
        for bond in bonds:
            schedule = ldi.BondSchedule(coupon=bond.coupon, maturity=bond.maturity, frequency=2)
            out.append((schedule.cashflows(), schedule.accrued_interest))
        return out

    print("timing ldi and its parts ...", flush=True)
    fast = time_runs(
        {
            "ldi_instrument_risk": lambda: ldi.instrument_risk(bonds, market, KEYS),
            "ldi_value_from_price": lambda: [bond.value(market) for bond in bonds],
            "ldi_value_from_spread": lambda: [bond.value(market) for bond in at_spread],
            "ldi_schedules": schedules,
            "ldi_exposures_from_cashflows": lambda: ldi.exposures(
                streams, curve, keys=KEYS, spreads=spreads
            ),
            "ldi_stacking": lambda: CashflowMatrix.from_cashflows(streams),
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
    machine["load_average_1m_end"] = round(os.getloadavg()[0], 2)
    samples = {**slow, **fast}
    timings = {name: float(np.min(times)) * 1e3 for name, times in samples.items()}
    medians = {name: float(np.median(times)) * 1e3 for name, times in samples.items()}
    parts = ldi_parts({k: v for k, v in timings.items() if k.startswith("ldi_")})

    # Results for the agreement checks (outside the timings).
    ours = ldi.instrument_risk(bonds, market, KEYS)
    ql_pillar = quantlib.risk(ql_market)
    ql_node = quantlib.risk(ql_nodes)
    agreement = agreement_checks(ours, lines, ql_pillar, ql_node)
    agreement_ok = all(item["ok"] for item in agreement.values())

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
    flows = sum(len(v.stream) for v in valuations.values())
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

    return finish("bench_instruments", report, markdown(report), agreement_ok)


if __name__ == "__main__":
    sys.exit(main())
