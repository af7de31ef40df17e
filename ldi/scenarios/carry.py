"""The model of time: how every position and the liabilities age from one year-end to the next.

One model serves the solve's expected returns, its simulated one-year outcomes and CVaR,
and every year of a funding projection. Between year-ends y − 1 and y, on a path whose
markets have moved by the cumulative move M_y (zero rates, breakevens, credit spreads):

- **Cash flows are paid on their dates.** A flow a at t in (y − 1, y] (coupon, redemption,
  a swap's fixed leg, a repo repayment, a benefit) is carried to the year-end at the
  money-market rate fixed at y − 1: a x D_{y−1}(t − y + 1) / D_{y−1}(1), with D_s the
  market's money-market (swap) curve seen at s on the path. Inflation-linked amounts are
  uprated by the index realised on the path.
- **What is left is valued at y** on the path's curves: each flow at t > y at
  DF = D(z_y(t − y) + m_y(t − y) + β c_y, t − y), with z_y the base zero rate seen at y
  (the carry convention, below), m_y the nominal move at that tenor, c_y the credit
  spread move and β the position's credit beta (1 for credit bonds, the liabilities'
  ``credit_spread_beta``), in the curve's own compounding.
- **Floating legs reset each year** (``ldi.instruments.FloatingLeg``): a leg of notional φ
  held through a period [p0, p1] of the year grows by D_{y−1}(p0 − y + 1) / D_{y−1}(p1 − y + 1)
  on its curve, plus its margin x (p1 − p0); it is worth φ at each year-end while alive.
  Cash is such a leg (+1), as are a swap's funding leg (−1 to maturity) and a rolled repo
  (−1 from its maturity, which brings +1 of cash then).
- **Growth assets** earn their expected return μ plus the year's simulated return g and
  the first-order effect of the year's own move through their stated durations:
  1 + μ + (1 + stated)(1 + g) − 1 per unit of value.

**Carry conventions** (what "markets did not move" means):

- ``forwards`` (the default): curves roll onto today's forwards. The base zero rate seen at
  y for tenor τ is that of D_0^σ(y + τ) / D_0^σ(y), D_0^σ being today's curve with the
  position's spread σ; breakevens likewise, (1 + b_y(τ))^τ = I_0(y + τ) / I_0(y). Every
  position then earns its own curve's one-year forward rate, so a matched book and its
  liabilities earn the same.
- ``unchanged``: curves keep today's shape by tenor, z_y(τ) = z_0(τ) + σ and b_y(τ) =
  b_0(τ): positions roll down the curve and earn carry and roll-down.

**Inflation.** The index realised over year n is 1 + b_{n−1}(1) + e_n(1): the one-year
breakeven at the start of the year on the path, plus the year's breakeven move at one
year (the surprise). Realised uplift U is kept per path at year-ends (LPI: each year's
realised inflation clipped to [floor, cap]) and interpolated geometrically within a year.
A real amount with fixing time f = t − lag pays U(min(f, y)) x R_y(t − y), R_y being the
indexation's expected uprating from y on the path's breakevens (LPI: its Black model).

At y = 0 with no move every value equals today's valuation (``Revaluation.base``), so the
zero-move year-1 change of a unit is its expected return and that of the liabilities their
expected growth; both sides age by this one model.
"""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from enum import StrEnum
from functools import cached_property
from typing import Any

import numpy as np

from ldi.cashflows.indexation import Indexation
from ldi.cashflows.stacked import StackedCashflows
from ldi.cashflows.tranches import streams_of
from ldi.curves.base import RateCurve
from ldi.curves.inflation import BreakevenCurve
from ldi.curves.market import Market
from ldi.curves.spread import DEFAULT_KEYS, tent_weights
from ldi.errors import DataError
from ldi.instruments import FloatingLeg, Instrument, Valuation, Valuations
from ldi.instruments.universe import valued_columns
from ldi.instruments.valuations import objects
from ldi.lazy import lazy_module
from ldi.liabilities import Liabilities
from ldi.risk.shifts import moved_rates
from ldi.scenarios.scenario import MoveSet, added
from ldi.typing import FloatArray, IntArray, ObjectArray
from ldi.units import BP, Compounding
from ldi.validation import tenor_vector

LIABILITIES = "liabilities"
SHORT_TENOR = 1e-6  # years: the forward breakeven at a zero tenor is read just after it
ONE_YEAR = np.ones(1)  # the tenor of a year's realised inflation
E_CONVENTION = "carry: got {value!r}; expected one of {choices}"
E_KNOTS = "moves: year {year} moves at other knots than year 1; expected one set of knots"
E_NO_BREAKEVEN = "{row}: inflation-linked flows need a breakeven curve; expected one named"
sparse = lazy_module("scipy.sparse")  # the sums' matrices, imported with a ledger's first plan


class CarryConvention(StrEnum):
    """What a year of unmoved markets does to curves (see the module docstring)."""

    FORWARDS = "forwards"
    UNCHANGED = "unchanged"


def carry_convention(value: "CarryConvention | str") -> CarryConvention:
    """``value`` as a CarryConvention, or a DataError naming the choices."""
    try:
        return CarryConvention(value)
    except ValueError:
        choices = [c.value for c in CarryConvention]
        raise DataError(E_CONVENTION.format(value=value, choices=choices)) from None


@dataclass(frozen=True, eq=False)
class YearEnd:
    """One year-end on S paths, per unit of each row (instruments, then the liabilities).

    ``money`` (S, rows): what a unit held from the previous year-end is worth now, its cash
    flows of the year carried to now included. ``value`` (S, rows): what a unit held on
    from now is worth now. ``key_pv01`` (S, rows, keys) and ``ie01`` (S, rows), when asked
    for: PV01 per key (money per bp, from the zero-rate slope of each remaining flow) and
    IE01 (one-sided 1bp rise of breakevens) of a unit held on. ``short`` (S,): the year's
    money-market growth 1 / D_{y−1}(1), what cash held outside the positions earns.
    ``state`` and ``knots`` are the paths' markets there (for ``Ledger.standing`` and
    ``Ledger.revalue``).
    """

    year: int
    money: FloatArray
    value: FloatArray
    short: FloatArray
    state: "_Path" = field(repr=False)
    knots: FloatArray = field(repr=False)
    key_pv01: FloatArray | None = None
    ie01: FloatArray | None = None


@dataclass(frozen=True, eq=False)
class Standing:
    """Per-unit exposures of every row at a year-end on S paths: what a solve there sees.

    ``value`` (S, rows); ``key_pv01`` and ``key_ie01`` (S, rows, keys): money per bp, PV01
    from the slope of each remaining flow's discount factor and IE01 by a central
    difference of breakevens bumped ±1bp by the key weight; ``curvature`` (S, rows):
    Σ a ∂²DF/∂rate² (money per unit of rate squared); ``expected`` (S, rows): what a unit
    earns over the next year if markets do not move (its expected return). A growth
    asset's stated durations are risks of its value, added by whoever tabulates them.
    """

    value: FloatArray
    key_pv01: FloatArray
    key_ie01: FloatArray
    curvature: FloatArray
    expected: FloatArray


@dataclass(frozen=True, eq=False)
class _Flows:
    """Every row's cash flows after 0, concatenated row by row (the ledger's table)."""

    t: FloatArray
    fixed: FloatArray
    real: FloatArray
    row: IntArray
    spread: FloatArray
    beta: FloatArray
    curve: IntArray  # code into _Table.curves
    linked: IntArray  # code into _Table.indices, −1 for none

    @classmethod
    def concat(cls, parts: Sequence["_Flows"]) -> "_Flows":
        """The flows of ``parts``, part after part."""
        names = [column.name for column in fields(cls)]
        return cls(*(np.concatenate([getattr(part, name) for part in parts]) for name in names))


@dataclass(frozen=True, eq=False)
class _Index:
    """One indexation rule on one breakeven curve, as its linked flows use it."""

    rule: Indexation
    curve: BreakevenCurve


@dataclass(frozen=True, eq=False)
class _Table:
    flows: _Flows
    curves: list[RateCurve]
    indices: list[_Index]


@dataclass(frozen=True, eq=False)
class _Points:
    """Discount factors wanted at one year-end s: per point its curve, tenor and base rate.

    The base rate is the zero rate seen at s by the carry convention; a path adds its
    nominal move at the tenor (``weights``, knots x points) and β x its credit move.
    """

    tau: FloatArray
    base: FloatArray
    weights: FloatArray
    beta: FloatArray
    groups: list[tuple[RateCurve, IntArray]]

    def discount(
        self,
        nominal: FloatArray,
        credit: FloatArray,
        duration: bool = False,
        apart: "_Apart | None" = None,
    ) -> tuple[FloatArray, FloatArray | None]:
        """DF (S, points) on the paths, and −(∂DF/∂rate) / DF when ``duration``."""
        rates = self.rates(nominal, credit, apart)
        parts = [
            (columns, compounding.discount(moved, tau))
            + ((compounding.duration_factor(moved, tau),) if duration else ())
            for compounding, columns, moved, tau in self._by_compounding(rates)
        ]
        discount, *factor = _joined(parts, rates.shape)
        return discount, factor[0] if factor else None

    def derivatives(
        self, nominal: FloatArray, credit: FloatArray, order: int, apart: "_Apart | None" = None
    ) -> list[FloatArray]:
        """DF and, up to ``order`` − 1, its first and second derivatives in the rate.

        ``apart`` moves curves apart on top of the paths' nominal state (``Ledger._apart``).
        """
        rates = self.rates(nominal, credit, apart)
        parts = [
            (columns, *compounding.discount_derivatives(moved, tau, order))
            for compounding, columns, moved, tau in self._by_compounding(rates)
        ]
        return _joined(parts, rates.shape)

    def _by_compounding(
        self, rates: FloatArray
    ) -> Iterator[tuple[Compounding, IntArray | None, FloatArray, FloatArray]]:
        """(compounding, its columns (None: all), their rates, their tenors) per compounding."""
        for compounding, columns in self.compoundings:
            if columns is None:
                yield compounding, None, rates, self.tau
            else:
                yield compounding, columns, rates[:, columns], self.tau[columns]

    def rates(
        self, nominal: FloatArray, credit: FloatArray, apart: "_Apart | None" = None
    ) -> FloatArray:
        """Zero rates (S, points) on the paths, each in its curve's compounding."""
        rates = self.base[None, :] + _product(nominal, self.weights)
        if np.any(self.beta):
            rates += credit[:, None] * self.beta[None, :]
        if apart is not None:
            for curve, columns in self.groups:
                if not apart.moves(curve):
                    continue
                if columns.size == self.tau.size:  # the one curve of every point
                    rates = apart.moved(rates, curve, self.weights, self.tau)
                    continue
                weights, tau = self.weights[:, columns], self.tau[columns]
                rates[:, columns] = apart.moved(rates[:, columns], curve, weights, tau)
        return rates

    @cached_property
    def compoundings(self) -> list[tuple[Compounding, IntArray | None]]:
        """Each compounding of the points' curves with its columns (None: every point)."""
        by: dict[Compounding, list[IntArray]] = {}
        for curve, columns in self.groups:
            by.setdefault(curve.compounding, []).append(columns)
        if len(by) == 1:
            return [(next(iter(by)), None)]
        return [(c, np.sort(np.concatenate(parts))) for c, parts in by.items()]


def _joined(parts: list[tuple], shape: tuple[int, ...]) -> list[FloatArray]:
    """Arrays of ``shape`` from (columns, *values) parts; a part of all columns is the whole."""
    if len(parts) == 1 and parts[0][0] is None:
        return list(parts[0][1:])
    joined = [np.empty(shape) for _ in parts[0][1:]]
    for columns, *values in parts:
        for whole, value in zip(joined, values, strict=True):
            whole[:, columns] = value
    return joined


@dataclass(frozen=True, eq=False)
class _Apart:
    """Moves on top of a path's nominal state: (S, K) zero-rate moves at the knots, per curve.

    ``nominal`` moves every curve (an instantaneous stress, ``Ledger.revalue``); ``curves``
    adds, by curve object id, the move of that curve against the others (the path's bonds
    against swaps so far, and a stress's ``MoveSet.curve_moves``); rows marked by
    ``in_yield`` move each rate as a bond yield quoted in ``quote`` would
    (``ldi.risk.shifts.moved_rates``).
    """

    nominal: FloatArray | float
    curves: dict[int, FloatArray]
    in_yield: FloatArray | None
    quote: Compounding
    indices: dict[int, FloatArray] = field(default_factory=dict)
    """By breakeven curve object id, a stress's move of that index alone (its wedge)."""

    def moves(self, curve: RateCurve) -> bool:
        """True when ``curve`` moves (a nominal move, or one of its own)."""
        return np.ndim(self.nominal) > 0 or id(curve) in self.curves

    def moved(
        self, rates: FloatArray, curve: RateCurve, weights: FloatArray, tau: FloatArray
    ) -> FloatArray:
        """The rates (S, points) of points on ``curve`` after the move."""
        knots = self.nominal + self.curves.get(id(curve), 0.0)
        if np.ndim(knots) == 0:  # moves of other curves only
            return rates
        move = _product(knots, weights)
        return moved_rates(rates, move, tau, curve.compounding, self.quote, self.in_yield)


@dataclass(frozen=True, eq=False)
class _Linked:
    """The linked flows among some points: which, their index, fixings and tenors ahead."""

    columns: IntArray
    index: IntArray
    fixing: FloatArray
    ahead: FloatArray


@dataclass(frozen=True, eq=False)
class _Segments:
    """Points grouped by row, each row's points next to each other: sums by row.

    Sums add each row's points in order (``np.add.reduceat``), so they do not depend on
    how a BLAS library splits a product between threads: a path's numbers are the same on
    any machine's thread count.
    """

    starts: IntArray
    rows: IntArray
    size: int

    @classmethod
    def of(cls, rows: IntArray, size: int) -> "_Segments":
        """Segments of ``rows`` (each point's row, grouped), for ``size`` rows in all."""
        starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]]) if rows.size else rows
        return cls(starts, rows[starts], size)

    def sums(self, values: FloatArray) -> FloatArray:
        """(S, rows): each row's sum of ``values`` (S, points)."""
        out = np.zeros((values.shape[0], self.size))
        if self.starts.size:
            out[:, self.rows] = np.add.reduceat(values, self.starts, axis=1)
        return out


@dataclass(frozen=True, eq=False)
class _KeySums:
    """Sums by row and key of values times their key-rate weights: one sparse product.

    A point at tenor τ weighs on the key at or below τ and on the next (the triangle
    weights of ``tent_weights``). ``matrix`` (rows x keys, points) is in CSR form: each sum
    adds its points in their order in scipy's own loop, whatever the order of a row's
    points (a row in tranches holds a stream per tranche), and does not depend on how a
    BLAS library splits a product between threads.
    """

    matrix: Any  # scipy.sparse.csr_matrix
    keys: int

    @classmethod
    def of(cls, rows: IntArray, size: int, keys: FloatArray, tau: FloatArray) -> "_KeySums":
        """For points of ``rows`` at tenors ``tau``, ``size`` rows in all."""
        weights = tent_weights(keys, tau)  # (keys, points), two non-zero at most
        low = np.clip(np.searchsorted(keys, tau, side="right") - 1, 0, keys.size - 1)
        high = np.minimum(low + 1, keys.size - 1)
        points = np.arange(tau.size)
        data = np.r_[weights[low, points], np.where(high != low, weights[high, points], 0.0)]
        at = (np.r_[rows * keys.size + low, rows * keys.size + high], np.r_[points, points])
        return cls(sparse.csr_matrix((data, at), (size * keys.size, tau.size)), keys.size)

    def sums(self, values: FloatArray) -> FloatArray:
        """(S, rows, keys): each row's sum of ``values`` (S, points) by key."""
        total = np.ascontiguousarray((self.matrix @ values.T).T)
        return total.reshape(values.shape[0], -1, self.keys)


@dataclass(frozen=True, eq=False)
class _Remaining:
    """Year-end plan for the flows after it: where they are and how they sum by row."""

    alive: IntArray
    points: _Points
    rows: _Segments
    keys: _KeySums
    linked: _Linked
    linked_rows: _Segments


@dataclass(frozen=True, eq=False)
class _Legs:
    """The floating legs alive in a year, as arrays, one entry per leg.

    Its row, notional, margin and period p1 − p0, and its columns among the year's points:
    D(p0), D(p1), the money market's carry of p1, and (legs ``opens``) of its start.
    """

    rows: IntArray
    notional: FloatArray
    margin: FloatArray
    period: FloatArray
    p0: IntArray
    p1: IntArray
    carry: IntArray
    opens: IntArray
    opening: IntArray


@dataclass(frozen=True, eq=False)
class _Within:
    """Year plan for what happens within it, on the curves of its start (y − 1).

    ``points``: the money market at the due flows' tenors, then at 1 year, then the
    floating legs' tenors (``legs``).
    """

    due: IntArray
    points: _Points
    rows: _Segments
    linked: _Linked
    legs: _Legs


@dataclass(eq=False)
class _Path:
    """The state a walk carries from year to year for S paths."""

    nominal: FloatArray  # (S, K) cumulative moves at the knots
    breakeven: FloatArray
    credit: FloatArray  # (S,)
    uplift: list[FloatArray]  # per index: realised uplift at year-ends 0..y, (S, y + 1)
    bond_swap: FloatArray | None = None  # (S, K) bonds against swaps so far; None: none
    stress: _Apart | None = None  # an instantaneous move on top (Ledger.revalue)


@dataclass(frozen=True, eq=False)
class Ledger:
    """The flows of ``instruments`` on ``market`` and of ``liabilities``, aged year by year.

    Rows are the instruments in order, then the liabilities (``rows``). ``keys`` are the
    key tenors of ``YearEnd.key_pv01``; ``valuations`` the instruments' own, if already
    made (else they are valued here): ``Valuations`` are read as columns, units gathered
    into them.
    """

    instruments: Sequence[Instrument]
    market: Market
    liabilities: Liabilities
    convention: CarryConvention = CarryConvention.FORWARDS
    keys: FloatArray = field(default_factory=lambda: np.array(DEFAULT_KEYS, dtype=float))
    valuations: Sequence[Valuation] | None = None
    _plans: dict[tuple, object] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "convention", carry_convention(self.convention))
        object.__setattr__(self, "keys", tenor_vector(self.keys, "keys"))

    @cached_property
    def rows(self) -> list[str]:
        """Row names: instrument ids, then ``liabilities``."""
        return [i.id for i in self.instruments] + [LIABILITIES]

    @cached_property
    def _valuations(self) -> Valuations:
        """The instruments' valuations as columns: those given, else valued here."""
        return valued_columns(self.instruments, self.market, self.valuations)

    @cached_property
    def _money_market(self) -> RateCurve:
        """The curve cash earns and flows are carried on within a year: the swap curve."""
        return self.market.swap_curve()

    @cached_property
    def _table(self) -> _Table:
        """The instruments' flows row by row, then the liabilities' tranche by tranche."""
        curves: list[RateCurve] = []
        indices: list[_Index] = []
        # The liabilities are the last row; each tranche is a part of it on its own index.
        liabilities = self.liabilities
        tranches = streams_of(liabilities.cashflows)
        index = liabilities.inflation_curve
        breakevens = [
            index.for_index(part.indexation.index)
            if index is not None and part.has_inflation_linked
            else None
            for part in tranches
        ]
        valuations = self._valuations
        units = len(valuations)
        instruments = self._stream_flows(
            valuations.streams,
            np.arange(units),
            valuations.curve,
            valuations.spread,
            valuations.breakeven,
            valuations.credit.astype(float),
            curves,
            indices,
        )
        count = len(tranches)
        owed = self._stream_flows(
            StackedCashflows.of(tranches),
            np.full(count, units),
            objects([liabilities.discount_curve] * count),
            np.zeros(count),
            objects(breakevens),
            np.full(count, liabilities.credit_spread_beta, dtype=float),
            curves,
            indices,
        )
        return _Table(_Flows.concat([instruments, owed]), curves, indices)

    def _stream_flows(
        self,
        streams: StackedCashflows,
        rows: IntArray,
        curve: ObjectArray,
        spread: FloatArray,
        breakeven: ObjectArray,
        beta: FloatArray,
        curves: list[RateCurve],
        indices: list[_Index],
    ) -> _Flows:
        """The flows after 0 of ``streams``, stream k of row ``rows[k]`` on ``curve[k]`` etc.

        A stream without a curve or a flow after 0 has none. Codes are positions in
        ``curves`` (the very object) and ``indices`` (an equal rule on the very breakeven
        curve), which gain what they lack in order of first use.
        """
        size = len(streams)
        owner = streams.owner
        after = streams.times > 0
        kept = (np.bincount(owner[after], minlength=size) > 0) & np.not_equal(curve, None)
        real = after & (streams.inflation_linked != 0)
        linked = kept & (np.bincount(owner[real], minlength=size) > 0)
        missing = np.flatnonzero(linked & np.equal(breakeven, None))
        if missing.size:
            raise DataError(E_NO_BREAKEVEN.format(row=self.rows[rows[missing[0]]]))
        curve_code = np.full(size, -1)
        at = np.flatnonzero(kept)
        first, distinct = _first_uses(_ids(curve[at])[:, None])
        codes = [_code(curves, c, lambda k, c=c: k is c) for c in curve[at[first]].tolist()]
        curve_code[at] = np.array(codes, dtype=int)[distinct]
        index_code = np.full(size, -1)
        at = np.flatnonzero(linked)
        rules = streams.indexation[at]
        first, distinct = _first_uses(np.column_stack([_ids(rules), _ids(breakeven[at])]))
        new = [_Index(rules[k], breakeven[at[k]]) for k in first.tolist()]
        codes = [
            _code(indices, i, lambda k, i=i: k.rule == i.rule and k.curve is i.curve) for i in new
        ]
        index_code[at] = np.array(codes, dtype=int)[distinct]
        flows = after & kept[owner]
        of = owner[flows]
        return _Flows(
            streams.times[flows],
            streams.amounts[flows],
            streams.inflation_linked[flows],
            rows[of],
            spread[of],
            beta[of],
            curve_code[of],
            index_code[of],
        )

    @cached_property
    def _settled(self) -> FloatArray:
        """Settled value per unit today, by row (0 for the liabilities)."""
        return np.append(self._valuations.settled, 0.0)

    @cached_property
    def _growth(self) -> tuple[FloatArray, FloatArray, FloatArray]:
        """(expected return, mask, stated durations (3, rows)) of settled values that grow.

        A settled value without a floating leg (a growth asset's) earns its expected return,
        the move's growth return and its stated durations' effect.
        """
        valuations = self._valuations
        durations = np.append(valuations.stated.T, np.zeros((3, 1)), axis=1)
        growth = np.equal(valuations.floating, None) & (valuations.settled != 0)
        expected = np.append(valuations.expected_return, 0.0)
        return expected, np.append(growth, False), durations

    @cached_property
    def _legs(self) -> list[tuple[int, FloatingLeg]]:
        """(row, leg) of each instrument with a floating leg."""
        floating = self._valuations.floating
        return [
            (row, floating[row]) for row in np.flatnonzero(np.not_equal(floating, None)).tolist()
        ]

    @cached_property
    def today(self) -> FloatArray:
        """Value per unit of each row today (rows,): the same sums as every year-end."""
        return self._now[0]

    @cached_property
    def today_risk(self) -> tuple[FloatArray, FloatArray]:
        """(key PV01s (rows, keys), IE01 (rows,)) per unit today, as ``YearEnd`` gives them."""
        return self._now[1], self._now[2]

    @cached_property
    def _now(self) -> tuple[FloatArray, FloatArray, FloatArray]:
        knots = np.zeros(1)
        path = self._start(knots, 1)
        value, key_pv01, ie01 = self._remaining(0, path, knots, risk=True)
        return value[0] + self._settled, key_pv01[0], ie01[0]

    # -- the walk ------------------------------------------------------------------------

    def walk(
        self, annual: Sequence[MoveSet], *, risk: bool = False, ie01: bool = True
    ) -> Iterator[YearEnd]:
        """Year-ends 1..Y of the paths whose own annual moves are ``annual`` (Y sets of S).

        ``risk``: also each unit's key-rate PV01s at each year-end, and its IE01 with ``ie01``.
        """
        if not annual:
            return
        knots = annual[0].knots
        path = self._start(knots, annual[0].count)
        for year, move in enumerate(annual, start=1):
            if move.knots.shape != knots.shape or np.any(move.knots != knots):
                raise DataError(E_KNOTS.format(year=year))
            before = path
            path = _Path(
                before.nominal + move.nominal,
                before.breakeven + move.breakeven,
                before.credit + move.credit_spread,
                self._realise(year, before, move, knots),
                added(before.bond_swap, move.bond_swap),
            )
            yield self._year_end(year, before, path, move, knots, risk, ie01)

    def first_year(self, moves: MoveSet) -> FloatArray:
        """Money at year 1 per unit of each row (S, rows) when markets move by ``moves``."""
        return next(self.walk([moves])).money

    # -- pieces ----------------------------------------------------------------------------

    def _start(self, knots: FloatArray, count: int) -> _Path:
        k = knots.size
        uplift = [np.ones((count, 1)) for _ in self._table.indices]
        return _Path(np.zeros((count, k)), np.zeros((count, k)), np.zeros(count), uplift)

    def _realise(
        self, year: int, before: _Path, move: MoveSet, knots: FloatArray
    ) -> list[FloatArray]:
        """Each index's realised uplift with ``year``'s added (see the module docstring)."""
        uplift = []
        surprise = None
        for index, history in zip(self._table.indices, before.uplift, strict=True):
            start, one_year = self._breakeven_plan(index, year - 1, knots, ONE_YEAR, 0.0, None)
            if surprise is None:
                surprise = _product(before.breakeven + move.breakeven, one_year)[:, 0]
            gross = 1.0 + start[0] + surprise
            rule = index.rule
            if rule.is_limited:
                low = -np.inf if rule.floor is None else 1.0 + rule.floor
                high = np.inf if rule.cap is None else 1.0 + rule.cap
                gross = np.clip(gross, low, high)
            uplift.append(np.column_stack([history, history[:, -1] * gross]))
        return uplift

    def _year_end(
        self,
        year: int,
        before: _Path,
        after: _Path,
        move: MoveSet,
        knots: FloatArray,
        risk: bool,
        inflation: bool = True,
    ) -> YearEnd:
        value, key_pv01, ie01 = self._remaining(year, after, knots, risk=risk, inflation=inflation)
        within, short = self._within(year, before, after, knots)
        money = value + within
        value = value + self._legs_value(year)[None, :]
        expected, growth, durations = self._growth
        settled = np.where(growth, self._settled, 0.0)
        if np.any(settled):
            returns = self._returns(move, growth)
            stated = self._stated(move, durations)
            carry = 0.0 if move.total_returns else expected  # a file's returns are totals
            money += settled * (carry + (1.0 + stated) * (1.0 + returns))
            value = value + settled
        return YearEnd(year, money, value, short, after, knots, key_pv01, ie01)

    def standing(self, end: YearEnd) -> Standing:
        """Every row's per-unit exposures at ``end`` (a year-end of ``walk``), path by path."""
        year, path, knots = end.year, end.state, end.knots
        plan = self._remaining_plan(year, knots)
        flows = self._table.flows
        count, rows, keys = path.credit.size, len(self.rows), self.keys.size
        key_pv01 = np.zeros((count, rows, keys))
        key_ie01 = np.zeros((count, rows, keys))
        curvature = np.zeros((count, rows))
        if plan.alive.size:
            discount, slope, second = plan.points.derivatives(
                path.nominal, path.credit, 3, self._apart(path)
            )
            amounts = np.broadcast_to(flows.fixed[plan.alive], discount.shape).copy()
            linked = plan.linked
            real = flows.real[plan.alive][linked.columns]
            if linked.columns.size:
                uprated = self._uprating(year, path, knots, linked)
                amounts[:, linked.columns] += real * uprated
                for k in range(keys):
                    up, down = self._upratings(year, path, knots, linked, (BP, -BP), key=k)
                    change = real * (up - down) / 2.0 * discount[:, linked.columns]
                    key_ie01[:, :, k] = plan.linked_rows.sums(change)
            key_pv01 = plan.keys.sums(-BP * amounts * slope)
            curvature = plan.rows.sums(amounts * second)
        still = MoveSet(
            knots,
            np.zeros(path.nominal.shape),
            np.zeros(path.breakeven.shape),
            np.zeros(count),
            np.zeros(count),
        )
        ahead = _Path(path.nominal, path.breakeven, path.credit, [], path.bond_swap)
        ahead.uplift.extend(self._realise(year + 1, path, still, knots))
        following = self._year_end(year + 1, path, ahead, still, knots, False)
        return Standing(end.value, key_pv01, key_ie01, curvature, following.money - end.value)

    def revalue(self, end: YearEnd, path: int, moves: MoveSet) -> FloatArray:
        """Values per unit (moves, rows) at ``end`` on path ``path``, after each of ``moves``.

        An instantaneous move from the path's markets at the year-end (a stress, a margin
        test): flows are valued again on the moved curves, growth assets move by their
        stated durations and the move's returns (as ``Revaluation.values`` does today).
        """
        state, year = end.state, end.year
        knots = np.union1d(end.knots, moves.knots)
        here = tent_weights(end.knots, knots)  # a path's move is linear between its knots
        there = tent_weights(moves.knots, knots)
        count = moves.count
        shocked = _Path(
            np.repeat(_product(state.nominal[path : path + 1], here), count, axis=0),
            _product(state.breakeven[path : path + 1], here) + _product(moves.breakeven, there),
            state.credit[path] + moves.credit_spread,
            [np.repeat(history[path : path + 1], count, axis=0) for history in state.uplift],
            None
            if state.bond_swap is None
            else np.repeat(_product(state.bond_swap[path : path + 1], here), count, axis=0),
            self._stress(moves, there),
        )
        value, _, _ = self._remaining(year, shocked, knots, risk=False)
        value += self._legs_value(year)[None, :]
        _, growth, durations = self._growth
        settled = np.where(growth, self._settled, 0.0)
        if np.any(settled):
            stated = self._stated(moves, durations)
            value += settled * (1.0 + stated) * (1.0 + self._returns(moves, growth))
        return value

    def _stress(self, moves: MoveSet, there: FloatArray) -> _Apart:
        """``moves`` at the knots of ``there`` (their tent weights), per curve of the ledger."""
        curves = {}
        for curve_id, name in self._curve_names.items():
            extra = moves.curve_moves(self.market, name)
            if extra is not None:
                curves[curve_id] = _product(extra, there)
        nominal = _product(moves.nominal, there)
        indices = {}
        for name in self.market.names(BreakevenCurve):
            own = moves.index_moves(self.market, name)
            if own is not None:
                indices[id(self.market.curves[name])] = _product(own, there)
        return _Apart(nominal, curves, moves.in_yield, self.market.yield_compounding, indices)

    @cached_property
    def _curve_names(self) -> dict[int, str | None]:
        """The market name of each discount curve the ledger uses, by object id.

        The market's curves, the table's (a curve no market holds has no name) and the
        liabilities' basis, a shifted copy of the curve it names (``curve``).
        """
        names: dict[int, str | None] = {id(curve): None for curve in self._table.curves}
        names |= {id(curve): name for name, curve in self.market.curves.items()}
        names[id(self.liabilities.discount_curve)] = self.liabilities.curve
        return names

    @cached_property
    def _bond_swap_weights(self) -> dict[int, float]:
        """Each curve's move per bp of bonds against swaps (``Market.bond_swap_weight``), if any."""
        weights = {i: self.market.bond_swap_weight(name) for i, name in self._curve_names.items()}
        return {i: w for i, w in weights.items() if w}

    def _apart(self, path: _Path) -> _Apart | None:
        """What moves the path's curves apart: its bonds against swaps so far, and its stress.

        Each curve moves by ``Market.bond_swap_weight`` x the path's bond_swap.
        """
        curves = {}
        if path.bond_swap is not None:
            for curve_id, weight in self._bond_swap_weights.items():
                curves[curve_id] = weight * path.bond_swap
        stress = path.stress
        if stress is None:
            return _Apart(0.0, curves, None, self.market.yield_compounding) if curves else None
        for curve_id, move in stress.curves.items():
            curves[curve_id] = curves.get(curve_id, 0.0) + move
        return _Apart(stress.nominal, curves, stress.in_yield, stress.quote, stress.indices)

    @cached_property
    def rows_with_flows(self) -> FloatArray:
        """True for the rows that have cash flows after today (bool, rows)."""
        mask = np.zeros(len(self.rows), dtype=bool)
        mask[self._table.flows.row] = True
        return mask

    def flows_at(self, end: YearEnd, path: int) -> tuple[FloatArray, FloatArray]:
        """(times after the year-end, money (rows, times)) of every row's flows still due.

        Times are years from the year-end; inflation-linked amounts are uprated as the path
        expects at the year-end (realised so far, its breakevens after).
        """
        plan = self._remaining_plan(end.year, end.knots)
        flows = self._table.flows
        state = end.state
        single = _Path(
            state.nominal[path : path + 1],
            state.breakeven[path : path + 1],
            state.credit[path : path + 1],
            [history[path : path + 1] for history in state.uplift],
        )
        amounts = flows.fixed[plan.alive].copy()
        linked = plan.linked
        if linked.columns.size:
            uprated = self._uprating(end.year, single, end.knots, linked)[0]
            amounts[linked.columns] += flows.real[plan.alive][linked.columns] * uprated
        times, column = np.unique(flows.t[plan.alive] - end.year, return_inverse=True)
        money = np.zeros((len(self.rows), times.size))
        np.add.at(money, (flows.row[plan.alive], column), amounts)
        return times, money

    def _legs_value(self, year: int) -> FloatArray:
        """What the floating legs are worth at ``year`` per unit, by row."""
        rows, notional, start, end = self._leg_terms
        alive = (start <= year) & (year < end)
        value = np.zeros(len(self.rows))
        value[rows[alive]] = notional[alive]
        return value

    @cached_property
    def _leg_terms(self) -> tuple[IntArray, FloatArray, FloatArray, FloatArray]:
        """(row, notional, start, end) of each floating leg."""
        terms = [(row, leg.notional, leg.start, leg.end) for row, leg in self._legs]
        rows, notional, start, end = np.array(terms, dtype=float).reshape(-1, 4).T
        return rows.astype(int), notional, start, end

    def _returns(self, move: MoveSet, growth: FloatArray) -> FloatArray:
        """The year's simulated return of each row's settled value (S, rows)."""
        returns = np.where(growth[None, :], move.growth[:, None], 0.0)
        named = [(self._row_of[n], given) for n, given in move.returns.items() if n in self._row_of]
        if named:
            rows = np.array([row for row, _ in named])
            given = np.column_stack([values for _, values in named])
            returns[:, rows] = np.where(np.isnan(given), returns[:, rows], given)
        return returns

    @cached_property
    def _row_of(self) -> dict[str, int]:
        """Each row's position by name."""
        return {name: row for row, name in enumerate(self.rows)}

    def _stated(self, move: MoveSet, durations: FloatArray) -> FloatArray:
        """First-order relative change (S, rows) of settled values from stated durations.

        Stated rate durations move with the market's bond curve, its own moves included;
        stated inflation durations with its breakeven curve, its own moves included.
        """
        rates, inflation, spread = durations
        if not (np.any(rates) or np.any(inflation) or np.any(spread)):
            return np.zeros((move.count, rates.size))
        shifts = move.market_shifts(self.market)
        return (
            -rates[None, :] * shifts.nominal_at(np.abs(rates))
            + inflation[None, :] * shifts.breakeven_at(np.abs(inflation))
            - spread[None, :] * move.credit_spread[:, None]
        )

    # -- curves seen at a year-end ---------------------------------------------------------

    def _base_rates(
        self, curve: RateCurve, year: int, t: FloatArray, spread: FloatArray
    ) -> FloatArray:
        """Zero rates (curve compounding) seen at ``year`` for flows at absolute ``t`` > year."""
        tau = t - year
        if self.convention is CarryConvention.UNCHANGED:
            return curve.zero_rate(tau) + spread
        if year == 0:
            return curve.zero_rate(t) + spread
        compounding = curve.compounding
        log_t = np.log(compounding.discount(curve.zero_rate(t) + spread, t))
        start = np.full_like(t, float(year))
        log_y = np.log(compounding.discount(curve.zero_rate(start) + spread, start))
        return compounding.from_continuous((log_y - log_t) / tau, tau)

    def _base_breakeven(self, curve: BreakevenCurve, year: int, tau: FloatArray) -> FloatArray:
        """Breakevens seen at ``year`` for tenors ``tau`` (annual decimals)."""
        if self.convention is CarryConvention.UNCHANGED or year == 0:
            return curve.rate(tau)
        tau = np.maximum(tau, SHORT_TENOR)
        growth = curve.index_ratio(year + tau) / curve.index_ratio(float(year))
        return np.exp(np.log(growth) / tau) - 1.0

    def _points(
        self,
        year: int,
        knots: FloatArray,
        curves: Sequence[RateCurve],
        codes: IntArray,
        t: FloatArray,
        spread: FloatArray,
        beta: FloatArray,
    ) -> _Points:
        """Points at absolute times ``t`` >= ``year``, point j on ``curves[codes[j]]``."""
        base = np.empty(t.size)
        same: dict[int, list[int]] = {}  # codes of each distinct curve
        for code, curve in enumerate(curves):
            same.setdefault(id(curve), []).append(code)
        grouped = [
            (curves[held[0]], columns)
            for held in same.values()
            if (columns := np.flatnonzero(np.isin(codes, held))).size
        ]
        for curve, columns in grouped:
            ahead = columns[t[columns] > year]  # a point at the year-end itself has DF 1
            base[columns] = 0.0
            base[ahead] = self._base_rates(curve, year, t[ahead], spread[ahead])
        return _Points(t - year, base, tent_weights(knots, t - year), beta, grouped)

    def _linked(self, year: int, columns: IntArray, t: FloatArray, codes: IntArray) -> _Linked:
        linked = codes[columns] >= 0
        mine = columns[linked]
        lag_of = np.array([index.rule.lag for index in self._table.indices], dtype=float)
        lags = lag_of[codes[mine]]
        fixing = np.maximum(t[linked] - lags, 0.0) if mine.size else np.zeros(0)
        return _Linked(np.flatnonzero(linked), codes[mine], fixing, t[linked] - year)

    def _remaining_plan(self, year: int, knots: FloatArray) -> _Remaining:
        key = ("remaining", year, tuple(knots))
        if key not in self._plans:
            table = self._table
            flows = table.flows
            alive = np.flatnonzero(flows.t > year)
            t = flows.t[alive]
            points = self._points(
                year,
                knots,
                table.curves,
                flows.curve[alive],
                t,
                flows.spread[alive],
                flows.beta[alive],
            )
            rows = flows.row[alive]
            linked = self._linked(year, np.arange(alive.size), t, flows.linked[alive])
            self._plans[key] = _Remaining(
                alive,
                points,
                _Segments.of(rows, len(self.rows)),
                _KeySums.of(rows, len(self.rows), self.keys, t - year),
                linked,
                _Segments.of(rows[linked.columns], len(self.rows)),
            )
        return self._plans[key]

    def _within_plan(self, year: int, knots: FloatArray) -> _Within:
        key = ("within", year, tuple(knots))
        if key not in self._plans:
            table = self._table
            flows = table.flows
            start = year - 1
            due = np.flatnonzero((flows.t > start) & (flows.t <= year))
            market = self._money_market
            times = [*flows.t[due], float(year)]
            curves = [market]  # the points' curves; each point's code: 0 is the money market
            codes = [0] * len(times)
            legs = []
            for row, leg in self._legs:
                if not (leg.start <= year and leg.end > start):
                    continue
                p0, p1 = max(leg.start, start), min(leg.end, year)
                first = len(times)
                times += [p0, p1, p1]
                curves.append(leg.curve)
                codes += [len(curves) - 1, len(curves) - 1, 0]
                opening = -1
                if leg.start > start:
                    opening = len(times)
                    times.append(leg.start)
                    codes.append(0)
                legs.append((row, leg.notional, leg.margin, first, opening))
            t = np.array(times, dtype=float)
            zeros = np.zeros(t.size)
            points = self._points(start, knots, curves, np.array(codes), t, zeros, zeros)
            rows = _Segments.of(flows.row[due], len(self.rows))
            linked = self._linked(year, np.arange(due.size), flows.t[due], flows.linked[due])
            self._plans[key] = _Within(due, points, rows, linked, _leg_table(legs, points.tau))
        return self._plans[key]

    # -- inflation ------------------------------------------------------------------------------

    def _breakevens(
        self,
        index: _Index,
        year: int,
        path: _Path,
        knots: FloatArray,
        bumps: tuple[float, ...],
        key: int | None = None,
    ) -> list[Callable[[FloatArray], FloatArray]]:
        """b_y(τ) on the paths for each of ``bumps``, as ``Indexation.ratio`` reads them.

        Each gives (S, len τ); a bump is added at every tenor, or times the key-rate weight
        of key ``key``. The paths' moves at a set of tenors are found once for every bump.
        """
        own = None if path.stress is None else path.stress.indices.get(id(index.curve))
        moves = path.breakeven if own is None else path.breakeven + own
        moved: dict[bytes, FloatArray] = {}

        def rates_for(bump: float) -> Callable[[FloatArray], FloatArray]:
            def rates(tau: FloatArray) -> FloatArray:
                tau = np.asarray(tau, dtype=float)
                base, weights = self._breakeven_plan(index, year, knots, tau, bump, key)
                at = tau.tobytes()
                if at not in moved:
                    moved[at] = _product(moves, weights)
                return base[None, :] + moved[at]

            return rates

        return [rates_for(bump) for bump in bumps]

    def _breakeven_plan(
        self,
        index: _Index,
        year: int,
        knots: FloatArray,
        tau: FloatArray,
        bump: float,
        key: int | None,
    ) -> tuple[FloatArray, FloatArray]:
        """(b_y(τ) bumped, the knots' weights at τ): what ``_breakevens`` reads, kept."""
        plan = ("breakevens", id(index.curve), year, tuple(knots), tau.tobytes(), bump, key)
        if plan not in self._plans:
            shift = bump if key is None else bump * tent_weights(self.keys, tau)[key]
            base = self._base_breakeven(index.curve, year, tau) + shift
            self._plans[plan] = (base, tent_weights(knots, tau))
        return self._plans[plan]

    @staticmethod
    def _realised(history: FloatArray, fixing: FloatArray) -> FloatArray:
        """Realised uplift (S, len fixing) at fixings up to the last year-end of ``history``."""
        last = history.shape[1] - 1
        whole = np.minimum(np.floor(fixing).astype(int), last)
        low = history[:, whole]
        part = fixing - whole
        if not np.any(part):  # fixings at year-ends
            return low
        upper = np.minimum(whole + 1, last)
        return low * (history[:, upper] / low) ** part

    def _uprating(
        self,
        year: int,
        path: _Path,
        knots: FloatArray,
        linked: _Linked,
        bump: float = 0.0,
        key: int | None = None,
    ) -> FloatArray:
        """Money per unit of real amount (S, linked points) of flows seen at ``year``."""
        return self._upratings(year, path, knots, linked, (bump,), key)[0]

    def _upratings(
        self,
        year: int,
        path: _Path,
        knots: FloatArray,
        linked: _Linked,
        bumps: tuple[float, ...],
        key: int | None = None,
    ) -> list[FloatArray]:
        """``_uprating`` for each of ``bumps`` of the breakevens, the realised part once."""
        results = [np.empty((path.credit.size, linked.columns.size)) for _ in bumps]
        for k, index in enumerate(self._table.indices):  # every linked point has an index
            mine = np.flatnonzero(linked.index == k)
            if not mine.size:
                continue
            known = self._realised(path.uplift[k], np.minimum(linked.fixing[mine], year))
            ahead = linked.ahead[mine]
            future = ahead > 0
            rates = self._breakevens(index, year, path, knots, bumps, key)
            for result, breakevens in zip(results, rates, strict=True):
                if future.all():
                    result[:, _run(mine)] = known * index.rule.ratio(breakevens, ahead)
                    continue
                result[:, _run(mine)] = known
                if future.any():
                    result[:, mine[future]] *= index.rule.ratio(breakevens, ahead[future])
        return results

    # -- the sums ---------------------------------------------------------------------------

    def _remaining(
        self, year: int, path: _Path, knots: FloatArray, *, risk: bool, inflation: bool = True
    ) -> tuple[FloatArray, FloatArray | None, FloatArray | None]:
        """Value at ``year`` of each row's flows after it, its key PV01s and IE01.

        Key PV01s with ``risk``, IE01 with ``risk`` and ``inflation`` (None otherwise).
        """
        plan = self._remaining_plan(year, knots)
        flows = self._table.flows
        count, rows = path.credit.size, len(self.rows)
        if not plan.alive.size:
            zero = np.zeros((count, rows))
            return (
                zero,
                np.zeros((count, rows, self.keys.size)) if risk else None,
                (zero.copy() if risk and inflation else None),
            )
        discount, duration = plan.points.discount(
            path.nominal, path.credit, risk, self._apart(path)
        )
        amounts = np.broadcast_to(flows.fixed[plan.alive], discount.shape).copy()
        linked = plan.linked
        real = flows.real[plan.alive][linked.columns]
        uprated = bumped = None
        if linked.columns.size:
            uprated, *rest = self._upratings(
                year, path, knots, linked, (0.0, BP) if risk and inflation else (0.0,)
            )
            bumped = rest[0] if rest else None
            amounts[:, linked.columns] += real * uprated
        present = amounts * discount
        value = plan.rows.sums(present)
        if duration is None:
            return value, None, None
        present *= duration  # −a ∂DF/∂rate: the key-rate PV01 per unit of rate
        key_pv01 = plan.keys.sums(present)
        key_pv01 *= BP
        if not inflation:
            return value, key_pv01, None
        ie01 = np.zeros((count, rows))
        if uprated is not None and bumped is not None:
            ie01 = plan.linked_rows.sums(real * (bumped - uprated) * discount[:, linked.columns])
        return value, key_pv01, ie01

    def _within(
        self, year: int, before: _Path, after: _Path, knots: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        """(money from the year's flows and floating legs, the money market's growth).

        Flows due in the year are carried to its end at the money market fixed at its start;
        floating legs grow as ``FloatingLeg`` says.
        """
        plan = self._within_plan(year, knots)
        flows = self._table.flows
        count, rows = after.credit.size, len(self.rows)
        discount, _ = plan.points.discount(before.nominal, before.credit, apart=self._apart(before))
        due = plan.due.size
        one_year = discount[:, due]
        money = np.zeros((count, rows))
        if due:
            amounts = np.broadcast_to(flows.fixed[plan.due], (count, due)).copy()
            linked = plan.linked
            if linked.columns.size:
                real = flows.real[plan.due][linked.columns]
                amounts[:, linked.columns] += real * self._uprating(year, after, knots, linked)
            money += plan.rows.sums(amounts * discount[:, :due] / one_year[:, None])
        legs = plan.legs
        if legs.rows.size:
            growth = discount[:, legs.p0] / discount[:, legs.p1] + legs.margin * legs.period
            carried = legs.notional * growth * discount[:, legs.carry] / one_year[:, None]
            money[:, legs.rows] += carried
            # A leg that starts in the year: its notional comes in.
            opens = legs.opens
            inflow = legs.notional[opens] * discount[:, legs.opening] / one_year[:, None]
            money[:, legs.rows[opens]] -= inflow
        return money, 1.0 / one_year


def _leg_table(legs: list[tuple[int, float, float, int, int]], tau: FloatArray) -> _Legs:
    """Legs (row, notional, margin, column of p0, of the start or −1) at points ``tau``."""
    table = np.array(legs, dtype=float).reshape(-1, 5)
    first, opening = table[:, 3].astype(int), table[:, 4].astype(int)
    opens = np.flatnonzero(opening >= 0)
    return _Legs(
        table[:, 0].astype(int),
        table[:, 1],
        table[:, 2],
        tau[first + 1] - tau[first],
        first,
        first + 1,
        first + 2,
        opens,
        opening[opens],
    )


def _run(columns: IntArray) -> IntArray | slice:
    """``columns`` (increasing) as a slice when they run without a gap."""
    if columns[-1] - columns[0] + 1 == columns.size:
        return slice(int(columns[0]), int(columns[-1]) + 1)
    return columns


def _product(a: FloatArray, b: FloatArray) -> FloatArray:
    """The product a @ b for a short inner dimension, by numpy's loops (not threaded BLAS)."""
    return np.einsum("ik,kj->ij", a, b)


def _code(items: list, item: object, same: Callable[[object], bool]) -> int:
    """The position of the first of ``items`` that is ``same``, appending ``item`` if none."""
    for k, known in enumerate(items):
        if same(known):
            return k
    items.append(item)
    return len(items) - 1


def _ids(items: ObjectArray) -> IntArray:
    """The identity of each of ``items``."""
    return np.fromiter(map(id, items), np.int64, items.size)


def _first_uses(keys: IntArray) -> tuple[IntArray, IntArray]:
    """(where each distinct row of ``keys`` is first, in order; each row's place in that order)."""
    _, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    order = np.argsort(first)
    place = np.empty_like(order)
    place[order] = np.arange(order.size)
    return first[order], place[inverse.reshape(-1)]
