"""Projection benchmark: the default policy's funding ratio over 10 years, by rule and by size.

What it measures
----------------
1. Scaling against a bare numpy pass: ``ldi.funding_projection`` of the default problem's
   solved policy under the default rule (``restrike``) for 1,000, 5,000, 20,000 and 50,000
   paths x 10 years, against a reference written here that does the same job directly on
   numpy arrays taken once from the problem (below). Both sides draw the paths with the
   problem's scenario model (``annual_moves``, the one call the projection makes: the draws
   are the same job for both, so the reference calls it inside its timing) and both keep
   their per-year plans (which flows are alive, their curves' base rates and weights) from
   a warm-up: ldi's ledger caches them per problem, the reference builds them once. Timed
   interleaved, best of 3 runs (2 at 20,000 and 50,000 paths), garbage collection off while
   timing; the draws alone are timed beside them. Reported per size: both times, their
   ratio, and the growth exponents (least-squares slope of log time on log paths) of both.
2. ``ldi.funding_projection`` under the other fixed rules (``hedge``, ``constant_mix``) on
   5,000 paths, best of 3 after a warm-up (``restrike`` is the scaling axis's 5,000 row).
3. The ``resolve`` rule on 500 paths x 10 years: the problem's own optimization solved
   again on each path at each year-end (5,000 solves on one compiled problem), serially and
   on a Dask LocalCluster of 2 workers (``ldi.sweep.local_cluster``), where each worker
   builds the problem again and projects whole blocks of the same draws. The cluster's
   start-up and shut-down are timed apart. The two runs must give the same paths, to the
   bit.

Every timing runs with BLAS on one thread (``threadpoolctl``; the machine record's
``blas_threads`` is the library's default): two BLAS threads on this busy 2-core machine
slow the reference's small matrix products several times, and ldi's projection is the same
on one thread or two.

The reference
-------------
The model of ``ldi.scenarios.carry`` and the ``restrike`` rule of
``ldi.scenarios.projection``, written out on arrays: the flows of every position and of the
liabilities' tranches (times, fixed and real amounts, row, spread, credit beta, curve,
index), ordered by row and time; each discount curve's pillars (annual zero rates, linear,
flat outside, plus its spread) and its move per unit of bonds against swaps; each index's
breakeven pillars (CPI as RPI less the average forward wedge W(t)) and LPI collar
(floor, cap, normal caplet volatilities); the floating legs; the growth assets' settled
values, expected returns and stated durations. No ldi object is touched in the loop over
years, which runs over blocks of 500 paths (its fastest), in numpy with scipy's normal
CDF and sparse product:

- rates at y on today's forwards, z_y(τ) = ((1 + z(y + τ) + s)^(y+τ) / (1 + z(y) + s)^y)^(1/τ)
  − 1, plus the path's moves (nominal, β x credit, bonds against swaps) at the knots, one
  product with the knots' tent weights; DF = (1 + r)^−τ, values by row (``np.add.reduceat``)
  and key-rate PV01s BP Σ a τ DF / (1 + r) by row and key (the keys' tent weights, one
  sparse product);
- uprating: realised uplift to the year-end (each year 1 + b_{y−1}(1) + e_y(1), clipped
  for LPI), then (1 + b_y(τ))^τ, or LPI's g_1 ⋯ g_⌊τ⌋ g_⌊τ⌋+1^(τ−⌊τ⌋) with g_n = 1 +
  floor + C(f_n, floor) − C(f_n, cap), C the normal call on the forward year-on-year rate
  f_n; IE01 the one-sided 1bp rise of every breakeven;
- the year's flows and floating legs carried to the year-end on the money market at y − 1;
  growth assets 1 + μ + (1 + stated)(1 + g) − 1;
- the re-strike: per path the least-squares scales δ of the hedge book's key-rate PV01s and
  IE01 to the policy's ratios, with the capital and risk-moved penalties and scales >= 0 by
  ldi's own active set (``nonnegative_solve``, a few numpy solves on (paths, 4, 4) systems,
  already bare), the rest of the assets in growth and cash.

Agreement is enforced at every size (the script exits with status 1 otherwise): funding
ratios to 1e-10 relative, assets and benefits to 1e-10 of the path's liabilities, and
liabilities to 1e-10 relative. They agree to about 1e-13: the IE01 is a difference of two
upratings of about 1, so its last bits carry into the re-strike's scales.

Targets (reported, not enforced): the projection within 1.2x of the reference at 5,000 and
50,000 paths; the re-strike projection of 5,000 paths at most 2 s (set before LPI was priced
year by year); the Dask resolve at least 1.7x faster than serial (on the running cluster),
with identical results.

How to run
----------
``make bench`` or ``.venv/bin/python benchmarks/bench_projection.py`` from the repository
root (about 12 minutes: 4 for the scaling axis, 7 for the resolve runs). Results go to
``benchmarks/results/bench_projection.json`` and ``.md``.
"""

import datetime as dt
import gc
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from bench_risk import agreement_lines, finish, machine_info, verdict
from scipy import sparse
from scipy.special import ndtr
from threadpoolctl import threadpool_limits

import ldi
from ldi.cashflows.tranches import streams_of
from ldi.curves import ZeroCurve
from ldi.curves.inflation import WedgeCurve
from ldi.curves.inflation_volatility import CapletVolatility, VolatilityModel
from ldi.instruments import Role, value_all
from ldi.scenarios.projection import (
    NEGLIGIBLE,
    SPREAD_WEIGHT,
    VALUE_WEIGHT,
    nonnegative_solve,  # the re-strike's active set: already bare numpy
)
from ldi.sweep import local_cluster
from ldi.units import Compounding

ROOT = Path(__file__).resolve().parents[1]
PATHS, YEARS, SEED = 5_000, 10, 0
SIZES = (1_000, 5_000, 20_000, 50_000)
REPEATS = {1_000: 3, 5_000: 3, 20_000: 2, 50_000: 2}
TARGET_SIZES = (5_000, 50_000)
RATIO_TARGET = 1.2
TOLERANCE = 1e-10
BLOCK = 500  # paths the reference projects at a time
RESOLVE_PATHS = 500
BP = 1e-4
SHORT_TENOR = 1e-6  # years: a forward breakeven at tenor 0 is read just after it
GROWTH_KINDS = ("return_seeking", "cash")  # outside the hedge book
ROOT_2PI = np.sqrt(2.0 * np.pi)


# --- the reference: inputs as arrays ---------------------------------------------------------


def tent(knots: np.ndarray, t: np.ndarray) -> np.ndarray:
    """(K, len t): each knot's weight at t, linear between knots and flat outside."""
    return np.stack([np.interp(t, knots, unit) for unit in np.eye(knots.size)])


@dataclass(frozen=True)
class Curve:
    """An annually compounded zero curve z(t) = linear(tenors, rates) + linear(spread)."""

    tenors: np.ndarray
    rates: np.ndarray
    spread: tuple[np.ndarray, np.ndarray]
    bond_swap: float  # its move per unit of bonds against swaps

    def zero(self, t: np.ndarray) -> np.ndarray:
        """z(t), spread included."""
        return np.interp(t, self.tenors, self.rates) + np.interp(t, *self.spread)

    def base(self, year: int, t: np.ndarray, spread: np.ndarray) -> np.ndarray:
        """Rates seen at y for flows at t: ((1 + z(t) + s)^t / (1 + z(y) + s)^y)^(1/τ) − 1."""
        if year == 0:
            return self.zero(t) + spread
        grown = t * np.log1p(self.zero(t) + spread)
        start = year * np.log1p(self.zero(np.full_like(t, float(year))) + spread)
        return np.expm1((grown - start) / (t - year))


@dataclass(frozen=True)
class Index:
    """An index rule on its breakeven curve b(t) = linear(tenors, rates) + s(t) − W(t) + s'(t).

    W is the average forward wedge to t (CPI as RPI less a wedge; 0 otherwise). LPI (a
    floor or cap) prices each year as a collar on normal caplet volatilities d(T) =
    √(σ²(T) T), σ²T linear between expiries and σ flat outside.
    """

    tenors: np.ndarray
    rates: np.ndarray
    base_spread: tuple[np.ndarray, np.ndarray]
    starts: np.ndarray
    wedges: np.ndarray
    spread: tuple[np.ndarray, np.ndarray]
    lag: float
    floor: float | None
    cap: float | None
    expiries: np.ndarray
    volatilities: np.ndarray

    @property
    def limited(self) -> bool:
        """True for LPI (a floor or a cap)."""
        return self.floor is not None or self.cap is not None

    def rate(self, t: np.ndarray) -> np.ndarray:
        """b(t), W(t) = (1/t) ∫_0^t w: the forward wedge w steps at ``starts``."""
        ends = np.append(self.starts[1:], np.inf)
        area = np.clip(t[:, None] - self.starts, 0.0, ends - self.starts) @ self.wedges
        wedge = np.where(t > 0, area / np.where(t > 0, t, 1.0), self.wedges[0])
        base = np.interp(t, self.tenors, self.rates) + np.interp(t, *self.base_spread)
        return base - wedge + np.interp(t, *self.spread)

    def base(self, year: int, tau: np.ndarray) -> np.ndarray:
        """Breakevens seen at ``year``: (I(y + τ) / I(y))^(1/τ) − 1, I(t) = (1 + b(t))^t."""
        if year == 0:
            return self.rate(tau)
        tau = np.maximum(tau, SHORT_TENOR)
        start = float(year) * np.log1p(self.rate(np.array([float(year)])))
        return np.expm1(((year + tau) * np.log1p(self.rate(year + tau)) - start) / tau)

    def deviation(self, expiry: np.ndarray) -> np.ndarray:
        """d(T) = √(σ²T), σ²T linear between expiries, σ flat outside them."""
        knots, vols = self.expiries, self.volatilities
        variance = np.interp(expiry, knots, vols**2 * knots)
        variance = np.where(expiry < knots[0], vols[0] ** 2 * expiry, variance)
        variance = np.where(expiry > knots[-1], vols[-1] ** 2 * expiry, variance)
        return np.sqrt(variance)


@dataclass(frozen=True)
class Book:
    """The projection's inputs as arrays, taken once from the problem.

    Rows are the instruments, then the liabilities. Flows (F,), ordered by row then time:
    ``t``, ``fixed``, ``real``, ``row``, ``spread``, ``beta``, ``curve`` (into ``curves``),
    ``index`` (into ``indices``, −1 for none). ``legs``: (row, notional, curve, start, end,
    margin) of each floating leg. ``value`` is the liabilities' value in the problem.
    """

    x: np.ndarray
    value: float
    keys: np.ndarray
    ids: list[str]
    t: np.ndarray
    fixed: np.ndarray
    real: np.ndarray
    row: np.ndarray
    spread: np.ndarray
    beta: np.ndarray
    curve: np.ndarray
    index: np.ndarray
    curves: list[Curve]
    indices: list[Index]
    money_market: int
    legs: list[tuple[int, float, int, float, float, float]]
    settled: np.ndarray
    growth: np.ndarray
    expected: np.ndarray
    durations: np.ndarray
    nominal_bond_swap: float
    hedge: np.ndarray
    tie: np.ndarray

    @property
    def rows(self) -> int:
        """Instruments and the liabilities."""
        return len(self.ids) + 1


def book_of(problem, x: np.ndarray) -> Book:
    """The default problem's projection inputs as arrays (see ``Book``)."""
    ledger = problem.model.data.simulation.ledger
    market, liabilities = ledger.market, ledger.liabilities
    instruments = list(ledger.instruments)
    valuations = ledger.valuations or value_all(instruments, market)
    names = {id(c): n for n, c in market.curves.items()}
    names[id(liabilities.discount_curve)] = liabilities.curve
    curves: list[Curve] = []
    codes: dict[int, int] = {}
    indices: list[Index] = []
    index_codes: dict[tuple, int] = {}

    def curve_code(curve) -> int:
        if id(curve) not in codes:
            assert isinstance(curve, ZeroCurve)
            assert curve.compounding is Compounding.ANNUAL
            assert curve.interpolation.value == "linear_zero"
            weight = market.bond_swap_weight(names[id(curve)]) if id(curve) in names else 0.0
            codes[id(curve)] = len(curves)
            spread = (curve.spread.tenors, curve.spread.values)
            curves.append(Curve(curve.tenors, curve.rates, spread, float(weight or 0.0)))
        return codes[id(curve)]

    def index_code(rule, curve) -> int:
        if (rule, id(curve)) not in index_codes:
            assert rule.revaluation is None
            base, starts, wedges = curve, np.zeros(1), np.zeros(1)
            own = (np.zeros(1), np.zeros(1))  # a wedge curve's spread on top of its base's
            if isinstance(curve, WedgeCurve):
                base, starts, wedges = curve.base, curve.starts, curve.wedges
                own = (curve.spread.tenors, curve.spread.values)
            expiries = volatilities = np.zeros(0)
            if rule.is_limited:
                volatility = rule.pricing_volatility
                assert isinstance(volatility, CapletVolatility)
                assert volatility.model is VolatilityModel.NORMAL
                expiries = np.array(volatility.expiries)
                volatilities = np.array(volatility.volatilities)
            index_codes[rule, id(curve)] = len(indices)
            indices.append(
                Index(
                    base.tenors,
                    base.rates,
                    (base.spread.tenors, base.spread.values),
                    starts,
                    wedges,
                    own,
                    rule.lag,
                    rule.floor,
                    rule.cap,
                    expiries,
                    volatilities,
                )
            )
        return index_codes[rule, id(curve)]

    streams = [
        (row, v.stream, v.curve, v.spread, v.breakeven, 1.0 if v.credit else 0.0)
        for row, v in enumerate(valuations)
    ]
    inflation = liabilities.inflation_curve
    for part in streams_of(liabilities.cashflows):
        breakeven = None
        if inflation is not None and part.has_inflation_linked:
            breakeven = inflation.for_index(part.indexation.index)
        beta = liabilities.credit_spread_beta
        streams.append((len(instruments), part, liabilities.discount_curve, 0.0, breakeven, beta))
    columns: list[list[np.ndarray]] = [[] for _ in range(8)]
    for row, stream, curve, spread, breakeven, beta in streams:
        keep = stream.times > 0
        if curve is None or not keep.any():
            continue
        real = stream.inflation_linked[keep]
        index = index_code(stream.indexation, breakeven) if real.any() else -1
        n = int(keep.sum())
        values = (stream.times[keep], stream.amounts[keep], real, np.full(n, row))
        values += (np.full(n, spread), np.full(n, beta), np.full(n, curve_code(curve)))
        for column, value in zip(columns, (*values, np.full(n, index)), strict=True):
            column.append(value)
    t, fixed, real, row, spread, beta, curve, index = (np.concatenate(c) for c in columns)
    order = np.lexsort((t, row))
    legs = [
        (r, f.notional, curve_code(f.curve), f.start, f.end, f.margin)
        for r, v in enumerate(valuations)
        if (f := v.floating) is not None
    ]
    ids = [i.id for i in instruments]
    tie = np.arange(len(ids))
    for r, instrument in enumerate(instruments):
        collateral = getattr(instrument, "collateral", None)
        if type(instrument).role is Role.FINANCING and collateral in ids:
            tie[r] = ids.index(collateral)
    durations = [
        [getattr(v.stated, name) for v in valuations] + [0.0]
        for name in ("rates_duration", "inflation_duration", "spread_duration")
    ]
    return Book(
        x=np.asarray(x, dtype=float),
        value=float(problem.model.data.liabilities["pv"]),
        keys=np.asarray(ledger.keys, dtype=float),
        ids=ids,
        t=t[order],
        fixed=fixed[order],
        real=real[order],
        row=row[order].astype(int),
        spread=spread[order],
        beta=beta[order],
        curve=curve[order].astype(int),
        index=index[order].astype(int),
        curves=curves,
        indices=indices,
        money_market=curve_code(market.swap_curve()),
        legs=legs,
        settled=np.array([v.settled for v in valuations] + [0.0]),
        growth=np.array([v.floating is None and v.settled != 0 for v in valuations] + [False]),
        expected=np.array([v.expected_return for v in valuations] + [0.0]),
        durations=np.array(durations),
        nominal_bond_swap=float(market.bond_swap_weight(market.nominal) or 0.0),
        hedge=np.array([type(i).kind not in GROWTH_KINDS for i in instruments]),
        tie=tie,
    )


# --- the reference: what each year needs, built once -----------------------------------------


@dataclass(frozen=True)
class Linked:
    """One index's linked points among a year's points, and what uprates them.

    ``fixing``: where the realised uplift is read; ``tenors``: the uprating still ahead,
    max(τ − lag, 0). LPI reads its forwards at whole ``years`` 1..N, the plain index at
    ``tenors``: ``base`` (and ``bumped``, 1bp up) are the breakevens there, ``weights`` the
    knots' weights there.
    """

    index: int
    columns: np.ndarray
    real: np.ndarray
    fixing: np.ndarray
    tenors: np.ndarray
    years: np.ndarray
    base: np.ndarray
    bumped: np.ndarray
    weights: np.ndarray
    deviation: np.ndarray
    whole: np.ndarray
    last: np.ndarray
    fraction: np.ndarray


@dataclass(frozen=True)
class Sums:
    """Sums of a year's points by row: ``np.add.reduceat`` over each row's run of points."""

    starts: np.ndarray
    rows: np.ndarray
    size: int

    @classmethod
    def of(cls, rows: np.ndarray, size: int) -> "Sums":
        """The runs of ``rows`` (each point's row, grouped), ``size`` rows in all."""
        starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]]) if rows.size else rows
        return cls(starts, rows[starts], size)

    def __call__(self, values: np.ndarray) -> np.ndarray:
        """(S, size): the sums of ``values`` (S, points)."""
        out = np.zeros((values.shape[0], self.size))
        if self.starts.size:
            out[:, self.rows] = np.add.reduceat(values, self.starts, axis=1)
        return out


@dataclass(frozen=True)
class Year:
    """Year y's plan: the flows after it (valued at y), and within it (carried to y).

    Points after y: ``tau``, base rates, ``weights`` (2K, points: the knots' weights, then
    those times the curve's bonds-against-swaps move), key weights (the keys at or below τ
    and above it). Within: the money market at the due flows, at 1 year, then the legs'
    points p0, p1 (on the leg's curve) and p1, start (on the money market).
    """

    tau: np.ndarray
    bp_tau: np.ndarray
    base: np.ndarray
    weights: np.ndarray
    beta: np.ndarray | None
    fixed: np.ndarray
    rows: Sums
    keys: sparse.csr_matrix  # (rows x keys, points): each point's two key weights
    linked: list[Linked]
    linked_columns: np.ndarray
    linked_order: np.ndarray
    linked_rows: Sums
    within_tau: np.ndarray
    within_base: np.ndarray
    within_weights: np.ndarray
    due: int
    within_fixed: np.ndarray
    within_rows: Sums
    within_linked: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]]
    legs: tuple[np.ndarray, ...]
    opens: np.ndarray
    legs_value: np.ndarray
    start_breakeven: np.ndarray
    one_year: np.ndarray


def year_plan(book: Book, knots: np.ndarray, year: int) -> Year:
    """Everything of year ``year`` that does not depend on the paths."""
    keys, rows = book.keys, book.rows
    swap = np.array([c.bond_swap for c in book.curves])
    alive = np.flatnonzero(book.t > year)
    t, codes, row = book.t[alive], book.curve[alive], book.row[alive]
    tau = t - year
    base = np.zeros(t.size)
    for code, curve in enumerate(book.curves):
        mine = codes == code
        base[mine] = curve.base(year, t[mine], book.spread[alive][mine])
    nominal = tent(knots, tau)
    low = np.clip(np.searchsorted(keys, tau, side="right") - 1, 0, keys.size - 1)
    high = np.minimum(low + 1, keys.size - 1)
    key_weights = tent(keys, tau)
    points = np.arange(tau.size)
    linked = []
    for code, rule in enumerate(book.indices):
        columns = np.flatnonzero(book.index[alive] == code)
        if not columns.size:
            continue
        tenors = np.maximum(tau[columns] - rule.lag, 0.0)
        years = np.arange(1.0, np.ceil(tenors.max()) + 1.0)
        at = years if rule.limited else tenors
        whole = np.floor(tenors).astype(int)
        linked.append(
            Linked(
                code,
                columns,
                book.real[alive][columns],
                np.minimum(np.maximum(t[columns] - rule.lag, 0.0), year),
                tenors,
                years,
                rule.base(year, at),
                rule.base(year, at) + BP,
                tent(knots, at),
                rule.deviation(years) if rule.limited else np.zeros(0),
                whole,
                np.minimum(whole, max(at.size - 1, 0)),
                tenors - whole,
            )
        )
    linked_columns = np.concatenate([item.columns for item in linked]) if linked else alive[:0]
    linked_order = np.argsort(linked_columns, kind="stable")
    # Within the year: the money market at the due flows, at 1 year, then the floating legs.
    start = year - 1
    due = np.flatnonzero((book.t > start) & (book.t <= year))
    market = book.money_market
    times, on = [*book.t[due], float(year)], [market] * (due.size + 1)
    legs = []
    for row_, notional, code, begin, end, margin in book.legs:
        if begin <= year and end > start:
            p0, p1 = max(begin, start), min(end, year)
            first, opening = len(times), -1
            times += [p0, p1, p1]
            on += [code, code, market]
            if begin > start:
                opening = len(times)
                times.append(begin)
                on.append(market)
            legs.append((row_, notional, margin, first, opening, p1 - p0))
    within_t, on = np.array(times), np.array(on)
    within_base = np.zeros(within_t.size)
    for code, curve in enumerate(book.curves):
        mine = (on == code) & (within_t > start)
        within_base[mine] = curve.base(start, within_t[mine], np.zeros(mine.sum()))
    within_nominal = tent(knots, within_t - start)
    within_linked = []
    for code, rule in enumerate(book.indices):
        columns = np.flatnonzero(book.index[due] == code)
        if columns.size:
            fixing = np.minimum(np.maximum(book.t[due][columns] - rule.lag, 0.0), year)
            within_linked.append((code, columns, book.real[due][columns], fixing))
    table = np.array(legs, dtype=float).reshape(-1, 6)
    legs_value = np.zeros(rows)
    for row_, notional, _, begin, end, _ in book.legs:
        legs_value[row_] = notional if begin <= year < end else 0.0
    return Year(
        tau=tau,
        bp_tau=BP * tau,
        base=base,
        weights=np.vstack([nominal, nominal * swap[codes]]),
        beta=book.beta[alive] if np.any(book.beta[alive]) else None,
        fixed=book.fixed[alive],
        rows=Sums.of(row, rows),
        keys=sparse.csr_matrix(
            (
                np.r_[
                    key_weights[low, points], np.where(high != low, key_weights[high, points], 0)
                ],
                (np.r_[row * keys.size + low, row * keys.size + high], np.r_[points, points]),
            ),
            (rows * keys.size, points.size),
        ),
        linked=linked,
        linked_columns=linked_columns[linked_order],
        linked_order=linked_order,
        linked_rows=Sums.of(row[linked_columns[linked_order]], rows),
        within_tau=within_t - start,
        within_base=within_base,
        within_weights=np.vstack([within_nominal, within_nominal * swap[on]]),
        due=due.size,
        within_fixed=book.fixed[due],
        within_rows=Sums.of(book.row[due], rows),
        within_linked=within_linked,
        legs=tuple(table.T),
        opens=np.flatnonzero(table[:, 4] >= 0),
        legs_value=legs_value,
        start_breakeven=np.array([rule.base(start, np.ones(1))[0] for rule in book.indices]),
        one_year=tent(knots, np.ones(1))[:, 0],
    )


@dataclass(frozen=True)
class Plans:
    """The year plans, today's values and risk per unit, and the policy's constants."""

    years: list[Year]
    knots: np.ndarray
    today: np.ndarray
    key_today: np.ndarray
    ie01_today: np.ndarray
    size: float
    shares: np.ndarray
    ratios: np.ndarray
    pv01_ratio: float
    ie01_ratio: float
    tied: np.ndarray
    stated: np.ndarray  # (3, K, rows): the knots' weights at each row's stated durations


@dataclass
class State:
    """The paths' markets at a year-end: cumulative moves and realised uplift per index."""

    moves: np.ndarray  # (S, 2K): nominal, then bonds against swaps
    breakeven: np.ndarray
    credit: np.ndarray
    uplift: list[np.ndarray]


def plans_of(book: Book, knots: np.ndarray, years: int) -> Plans:
    """Year plans 0..``years`` and the policy of ``book.x`` today.

    Policy: key-rate hedge ratios h_k = Σ_hedge x_j PV01_jk / PV01_Lk (the total ratio
    where the liabilities have under NEGLIGIBLE of their PV01), PV01 and IE01 ratios, the
    growth and cash shares of their value.
    """
    plans = [year_plan(book, knots, y) for y in range(years + 1)]
    k, n = knots.size, book.x.size
    uplift = [np.ones((1, 1)) for _ in book.indices]
    start = State(np.zeros((1, 2 * k)), np.zeros((1, k)), np.zeros(1), uplift)
    value, key, ie01 = remaining(book, plans[0], start)
    today, key, ie01 = value[0] + book.settled, key[0], ie01[0]
    hedge, x = book.hedge, book.x
    rest = np.where(hedge, 0.0, x * today[:n])
    assets_keys = np.where(hedge, x, 0.0) @ key[:n]
    liability_keys = key[n]
    pv01_ratio = float(assets_keys.sum()) / float(liability_keys.sum())
    reached = np.abs(liability_keys) > NEGLIGIBLE * np.abs(liability_keys).sum()
    ratios = np.where(reached, assets_keys / np.where(reached, liability_keys, 1.0), pv01_ratio)
    assert pv01_ratio > 0
    assert ie01[n] != 0
    heads = np.flatnonzero(hedge & (book.tie == np.arange(n)))
    return Plans(
        years=plans,
        knots=knots,
        today=today,
        key_today=key,
        ie01_today=ie01,
        size=book.value / today[n],
        shares=rest / rest.sum(),
        ratios=ratios,
        pv01_ratio=pv01_ratio,
        ie01_ratio=float(np.where(hedge, x, 0.0) @ ie01[:n]) / float(ie01[n]),
        tied=(book.tie[:, None] == heads[None, :]).astype(float),
        stated=np.stack([tent(knots, np.abs(d)).reshape(k, -1) for d in book.durations]),
    )


# --- the reference: a year on the paths --------------------------------------------------------


def realised(history: np.ndarray, fixing: np.ndarray) -> np.ndarray:
    """Realised uplift at ``fixing``: geometric between the year-ends of ``history``."""
    last = history.shape[1] - 1
    whole = np.minimum(np.floor(fixing).astype(int), last)
    low = history[:, whole]
    part = fixing - whole
    if not part.any():
        return low
    return low * (history[:, np.minimum(whole + 1, last)] / low) ** part


def normal_call(rate: np.ndarray, strike: float, deviation: np.ndarray) -> np.ndarray:
    """E[(y − K)^+] for y ~ N(f, d²): (f − K) N(z) + d n(z), z = (f − K) / d."""
    gap = rate - strike
    z = gap / deviation
    density = z * z
    density *= -0.5
    np.exp(density, out=density)
    density *= deviation / ROOT_2PI
    gap *= ndtr(z)
    gap += density
    return gap


def upratings(rule: Index, item: Linked, breakeven: np.ndarray, risk: bool) -> list:
    """Expected uprating to each point's fixing (S, points), and with breakevens 1bp up.

    Plain index: (1 + b(τ))^τ. LPI: g_1 ⋯ g_⌊τ⌋ g_⌊τ⌋+1^(τ−⌊τ⌋), g_n = 1 + floor + C(f_n,
    floor) − C(f_n, cap) on the forwards 1 + f_n = (1 + b(n))^n / (1 + b(n−1))^(n−1).
    """
    moved = breakeven @ item.weights
    results = []
    for base in (item.base, item.bumped)[: 1 + risk]:
        b = base + moved
        if not rule.limited:
            results.append(np.exp(item.tenors * np.log1p(b)))
            continue
        cumulative = np.exp(item.years * np.log1p(b))
        rate = cumulative.copy()
        rate[:, 1:] /= cumulative[:, :-1]
        rate -= 1.0
        growth = normal_call(rate, rule.floor, item.deviation)
        growth -= normal_call(rate, rule.cap, item.deviation)
        growth += 1.0 + rule.floor
        uprated = np.concatenate([np.ones((b.shape[0], 1)), np.cumprod(growth, axis=1)], axis=1)
        results.append(uprated[:, item.whole] * growth[:, item.last] ** item.fraction)
    return results


def remaining(book: Book, plan: Year, state: State):
    """(value (S, rows), key-rate PV01s (S, rows, keys), IE01 (S, rows)) of the flows ahead."""
    count, rows, keys = state.credit.size, book.rows, book.keys.size
    rate = plan.base + state.moves @ plan.weights
    if plan.beta is not None:
        rate += state.credit[:, None] * plan.beta
    discount = np.exp(-plan.tau * np.log1p(rate))
    amounts = np.tile(plan.fixed, (count, 1))
    changes = []
    for item in plan.linked:
        known = realised(state.uplift[item.index], item.fixing)
        uprated, bumped = upratings(book.indices[item.index], item, state.breakeven, True)
        amounts[:, item.columns] += item.real * known * uprated
        changes.append(item.real * known * (bumped - uprated))
    present = amounts * discount
    value = plan.rows(present)
    weighted = present * plan.bp_tau / (1.0 + rate)
    key = (plan.keys @ weighted.T).T
    ie01 = np.zeros((count, rows))
    if changes:
        change = np.concatenate(changes, axis=1)[:, plan.linked_order]
        change *= discount[:, plan.linked_columns]
        ie01 = plan.linked_rows(change)
    return value, key.reshape(count, rows, keys), ie01


def within(plan: Year, before: State, after: State, rows: int):
    """(money (S, rows) from the year's flows and floating legs, the money market's growth)."""
    count = before.credit.size
    rate = plan.within_base + before.moves @ plan.within_weights
    discount = np.exp(-plan.within_tau * np.log1p(rate))
    due = plan.due
    one_year = discount[:, due][:, None]
    money = np.zeros((count, rows))
    if due:
        amounts = np.tile(plan.within_fixed, (count, 1))
        for code, columns, real, fixing in plan.within_linked:
            amounts[:, columns] += real * realised(after.uplift[code], fixing)
        money += plan.within_rows(amounts * discount[:, :due] / one_year)
    if plan.legs[0].size:
        row, notional, margin, first, opening, period = plan.legs
        row, first, opening = row.astype(int), first.astype(int), opening.astype(int)
        growth = discount[:, first] / discount[:, first + 1] + margin * period
        money[:, row] += notional * growth * discount[:, first + 2] / one_year
        opens = plan.opens
        money[:, row[opens]] -= notional[opens] * discount[:, opening[opens]] / one_year
    return money, 1.0 / one_year[:, 0]


def restrike(book: Book, plans: Plans, value, key, ie01, held):
    """(units, spare assets) after the re-strike of assets ``held`` (>= 0).

    Scales s = k + δ of the hedge book: k the one scale keeping the PV01 ratio, δ the
    least squares of the key-rate and IE01 gaps G δ = g with VALUE_WEIGHT (v·δ)² and
    SPREAD_WEIGHT Σ (p_j δ_j)² (p_j the risk a unit of scale moves), repo tied to its
    collateral, s >= 0; cut to what ``held`` pays for; the rest in growth and cash by their
    shares today (spare when none is alive).
    """
    n, size = book.x.size, plans.size
    x = np.where(book.hedge, book.x, 0.0)
    pv01_unit = abs(float(plans.key_today[n].sum())) * size
    ie01_unit = abs(float(plans.ie01_today[n])) * size
    value_unit = abs(float(plans.today[n])) * size
    columns = np.concatenate(
        [
            x[None, None, :] * np.transpose(key[:, :n], (0, 2, 1)) / pv01_unit,
            (x[None, :] * ie01[:, :n] / ie01_unit)[:, None, :],
        ],
        axis=1,
    )
    target = np.concatenate(
        [
            plans.ratios[None, :] * key[:, n] * size / pv01_unit,
            (plans.ie01_ratio * ie01[:, n] * size / ie01_unit)[:, None],
        ],
        axis=1,
    )
    assets = key[:, :n].sum(axis=2) @ x
    aim = plans.pv01_ratio * key[:, n].sum(axis=1) * size
    one = np.where(assets > 0, aim / np.where(assets > 0, assets, 1.0), 1.0)[:, None]
    gap = target - one * columns.sum(axis=2)
    tied = plans.tied
    grouped = columns @ tied
    spread = np.abs(grouped).sum(axis=1)
    capital = (x[None, :] * value[:, :n] / value_unit) @ tied
    normal = np.matmul(np.transpose(grouped, (0, 2, 1)), grouped)
    normal += VALUE_WEIGHT * capital[:, :, None] * capital[:, None, :]
    penalty = SPREAD_WEIGHT * spread[:, :, None] ** 2 + np.finfo(float).tiny
    normal += np.eye(tied.shape[1])[None] * penalty
    right = np.matmul(gap[:, None, :], grouped)[:, 0, :]
    change = nonnegative_solve(normal, right, -one[:, 0])
    kept = x * np.clip(one + change @ tied.T, 0.0, None)
    worth = np.einsum("si,si->s", kept, value[:, :n])
    over = (worth > held) & (worth > 0)
    kept = np.where(over[:, None], kept * (held / np.where(over, worth, 1.0))[:, None], kept)
    rest = held - np.einsum("si,si->s", kept, value[:, :n])
    alive = value[:, :n] > 0
    weights = np.where(alive, plans.shares, 0.0)
    total = weights.sum(axis=1)
    share = np.where(total[:, None] > 0, weights / np.where(total > 0, total, 1.0)[:, None], 0.0)
    units = kept + rest[:, None] * share / np.where(alive, value[:, :n], 1.0)
    spare = np.where(total > 0, 0.0, rest)
    return np.where(held[:, None] > 0, units, 0.0), np.where(held > 0, spare, 0.0)


def project(book: Book, plans: Plans, annual: list) -> tuple[np.ndarray, ...]:
    """(assets, liabilities (paths x years 0..Y), benefits (paths x 1..Y)) under restrike.

    Each year: A_y = Σ units x money + spare x 1/D(1) − benefits (a path whose assets ran
    out keeps them), L_y the liabilities' value, then the re-strike of max(A_y, 0).
    """
    k, n, size = plans.knots.size, book.x.size, plans.size
    count, years = annual[0].count, len(annual)
    growth = np.flatnonzero(book.growth)
    names = [book.ids[g] for g in growth]
    # The draws as arrays (years, paths, ...): the moves of each year, and growth returns.
    nominal = np.stack([m.nominal for m in annual])
    swap = np.stack([m.bond_swap if m.bond_swap is not None else 0 * m.nominal for m in annual])
    moves = np.concatenate([nominal, swap], axis=2)
    breakeven = np.stack([m.breakeven for m in annual])
    credit = np.stack([m.credit_spread for m in annual])
    returns = np.stack([np.column_stack([m.returns[i] for i in names]) for m in annual])
    stated_nominal = nominal + book.nominal_bond_swap * swap
    settled, expected = book.settled[growth], book.expected[growth]
    rates, inflation, spreads = book.durations[:, growth]
    w_rates, w_inflation, _ = plans.stated[:, :, growth]
    assets = np.empty((count, years + 1))
    liabilities = np.empty((count, years + 1))
    benefits = np.empty((count, years))
    assets[:, 0] = plans.today[:n] @ book.x
    liabilities[:, 0] = plans.today[n] * size
    for first in range(0, count, BLOCK):
        part = slice(first, min(first + BLOCK, count))
        paths = part.stop - first
        uplift = [np.ones((paths, 1)) for _ in book.indices]
        state = State(np.zeros((paths, 2 * k)), np.zeros((paths, k)), np.zeros(paths), uplift)
        units, spare = np.tile(book.x, (paths, 1)), np.zeros(paths)
        for y in range(1, years + 1):
            plan = plans.years[y]
            surprise = (state.breakeven + breakeven[y - 1, part]) @ plan.one_year
            uplift = []
            for code, rule in enumerate(book.indices):
                gross = 1.0 + plan.start_breakeven[code] + surprise
                if rule.limited:
                    low = -np.inf if rule.floor is None else 1.0 + rule.floor
                    high = np.inf if rule.cap is None else 1.0 + rule.cap
                    gross = np.clip(gross, low, high)
                history = state.uplift[code]
                uplift.append(np.column_stack([history, history[:, -1] * gross]))
            after = State(
                state.moves + moves[y - 1, part],
                state.breakeven + breakeven[y - 1, part],
                state.credit + credit[y - 1, part],
                uplift,
            )
            value, key, ie01 = remaining(book, plan, after)
            carried, short = within(plan, state, after, book.rows)
            money = value + carried
            value = value + plan.legs_value
            stated = (
                -rates * (stated_nominal[y - 1, part] @ w_rates)
                + inflation * (breakeven[y - 1, part] @ w_inflation)
                - spreads * credit[y - 1, part][:, None]
            )
            money[:, growth] += settled * (expected + (1.0 + stated) * (1.0 + returns[y - 1, part]))
            value[:, growth] += settled
            paid = (money[:, n] - value[:, n]) * size
            before = assets[part, y - 1]
            grown = np.einsum("si,si->s", units, money[:, :n]) + spare * short
            assets[part, y] = np.where(before > 0, grown, before) - paid
            liabilities[part, y] = value[:, n] * size
            benefits[part, y - 1] = paid
            units, spare = restrike(
                book, plans, value, key, ie01, np.clip(assets[part, y], 0, None)
            )
            state = after
    return assets, liabilities, benefits


# --- timings and agreement ---------------------------------------------------------------------


def timed(call: Callable[[], object]) -> tuple[object, float]:
    start = time.perf_counter()
    value = call()
    return value, time.perf_counter() - start


def best_of(runs: dict[str, Callable[[], object]], repeats: int) -> tuple[dict, dict]:
    """(best wall time (s), last value) of each callable, run interleaved ``repeats`` times."""
    best = {name: np.inf for name in runs}
    values = {}
    enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeats):
            for name, run in runs.items():
                values[name] = None  # let the last run's arrays go before the next
                values[name], seconds = timed(run)
                best[name] = min(best[name], seconds)
    finally:
        if enabled:
            gc.enable()
    return best, values


def agreement(projection, reference: tuple[np.ndarray, ...]) -> dict[str, dict]:
    """Largest differences of ldi's paths from the reference's, each with its tolerance."""
    assets, liabilities, benefits = reference
    scale = np.abs(liabilities)
    ratio = assets / liabilities
    checks = {
        "funding_ratio": (
            "funding ratio, relative",
            np.abs(projection.funding_ratio - ratio) / np.abs(ratio),
        ),
        "assets": ("assets / the path's liabilities", np.abs(projection.assets - assets) / scale),
        "liabilities": (
            "liabilities, relative",
            np.abs(projection.liabilities - liabilities) / scale,
        ),
        "benefits": (
            "benefits / the path's liabilities",
            np.abs(projection.benefits - benefits) / scale[:, 1:],
        ),
    }
    return {
        key: {
            "what": what,
            "max": float(gap.max()),
            "tol": TOLERANCE,
            "ok": bool(gap.max() <= TOLERANCE),
        }
        for key, (what, gap) in checks.items()
    }


def scaling(problem, policy) -> dict:
    """The restrike projection against the reference at each of ``SIZES`` paths."""
    engine = problem.model.data.simulation
    book = book_of(problem, problem.position_vector(policy))
    plans = plans_of(book, engine.model.annual_moves(1, SEED, 1)[0].knots, YEARS)
    ldi.funding_projection(problem, policy, years=YEARS, scenarios=100, seed=SEED)
    rows = []
    for size in SIZES:
        runs = {
            "ldi": lambda n=size: ldi.funding_projection(
                problem, policy, years=YEARS, scenarios=n, seed=SEED
            ),
            "reference": lambda n=size: project(
                book, plans, engine.model.annual_moves(n, SEED, YEARS)
            ),
            "draws": lambda n=size: engine.model.annual_moves(n, SEED, YEARS),
        }
        best, values = best_of(runs, REPEATS[size])
        agreed = agreement(values["ldi"], values["reference"])
        rows.append(
            {
                "paths": size,
                "repeats": REPEATS[size],
                "ldi_s": best["ldi"],
                "reference_s": best["reference"],
                "draws_s": best["draws"],
                "ratio_ldi_to_reference": best["ldi"] / best["reference"],
                "agreement": agreed,
                "agreement_ok": all(item["ok"] for item in agreed.values()),
            }
        )
        print(
            f"{size:,} paths: ldi {best['ldi']:.2f} s, reference {best['reference']:.2f} s "
            f"({best['ldi'] / best['reference']:.2f}x), draws {best['draws']:.2f} s; "
            f"funding ratios agree to {agreed['funding_ratio']['max']:.1e}",
            flush=True,
        )
    paths = np.log([row["paths"] for row in rows])
    exponents = {
        name: float(np.polyfit(paths, np.log([row[f"{name}_s"] for row in rows]), 1)[0])
        for name in ("ldi", "reference")
    }
    at = {row["paths"]: row["ratio_ldi_to_reference"] for row in rows}
    targets = {size: bool(at[size] <= RATIO_TARGET) for size in TARGET_SIZES}
    return {"rows": rows, "exponents": exponents, "targets": targets}


def scaling_markdown(axis: dict) -> list[str]:
    """The scaling section: times per size, ratio, growth exponents, agreement."""
    rows, exponents = axis["rows"], axis["exponents"]
    lines = [
        f"## The default rule (restrike) against a bare numpy pass, paths x {YEARS} years",
        "",
        "Both sides draw the paths with the problem's scenario model inside their timing "
        "(the draws alone: last column). Best of "
        + ", ".join(str(row["repeats"]) for row in rows)
        + " interleaved runs; BLAS on one thread.",
        "",
        "| paths | ldi | reference | ldi / reference | draws |",
        "|---:|---:|---:|---:|---:|",
        *(
            f"| {row['paths']:,} | {row['ldi_s']:.2f} s | {row['reference_s']:.2f} s "
            f"| {row['ratio_ldi_to_reference']:.2f}x | {row['draws_s']:.2f} s |"
            for row in rows
        ),
        "",
        f"Growth exponents (least-squares slope of log time on log paths, {SIZES[0]:,} to "
        f"{SIZES[-1]:,}): ldi {exponents['ldi']:.3f}, reference {exponents['reference']:.3f}.",
        "",
        "Target: within "
        + f"{RATIO_TARGET:g}x of the reference at "
        + " and ".join(f"{size:,} paths: {verdict(met)}" for size, met in axis["targets"].items())
        + ".",
        "",
    ]
    lines += agreement_lines(rows, [f"{row['paths']:,}" for row in rows], 1)
    return lines


def import_ldi() -> None:
    """Import ldi (and with it cvxpy and the solvers): run on each worker at start-up."""
    import ldi  # noqa: F401


def main() -> int:
    machine = machine_info()
    problem = ldi.load_problem(ROOT / "problems" / "uk_db_scheme.yaml")
    policy = problem.solve().positions
    with threadpool_limits(1, user_api="blas"):
        axis = scaling(problem, policy)
        rules = {"restrike": next(r["ldi_s"] for r in axis["rows"] if r["paths"] == PATHS)}
        for rule in ("hedge", "constant_mix"):
            ldi.funding_projection(problem, policy, years=YEARS, scenarios=100, rebalance=rule)
            best, _ = best_of(
                {
                    rule: lambda r=rule: ldi.funding_projection(
                        problem, policy, years=YEARS, scenarios=PATHS, rebalance=r
                    )
                },
                3,
            )
            rules[rule] = best[rule]
            print(f"{rule}: {PATHS:,} paths x {YEARS} years in {best[rule]:.2f} s", flush=True)

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
        "blas_threads_timed": 1,
        "scaling": {"years": YEARS, "rule": "restrike", **axis},
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
        f"Python {machine['python']}; BLAS on one thread.",
        "",
        *scaling_markdown(axis),
        "",
        f"## The default policy, {PATHS:,} paths x {YEARS} years, by rule",
        "",
        "| rule | seconds (best of 3) |",
        "|---|---|",
        *(f"| {rule} | {seconds:.2f} s |" for rule, seconds in rules.items()),
        "",
        f"Target: re-strike projection <= 2 s: {verdict(rules['restrike'] <= 2.0)}.",
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
        f"Target: Dask resolve >= 1.7x serial: {verdict(speedup >= 1.7)} on the running "
        f"cluster, {verdict(with_startup >= 1.7)} with its start-up and shut-down.",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    agreed = same and all(row["agreement_ok"] for row in axis["rows"])
    return finish("bench_projection", report, text, agreed)


if __name__ == "__main__":
    sys.exit(main())
