"""Market moves and scenarios: what a stress does to rates, inflation, spreads and growth.

A ``Move`` is one state of the markets relative to today: additive moves of every nominal
zero curve and every breakeven curve (piecewise linear in t between knots, flat outside:
the mechanism of every bump, ``RateSpread``), moves of named curves against the others and
of government bonds against swaps, a widening of credit spreads, and returns on growth
assets. Real yields move by the nominal move less the breakeven move. Rate moves are in
zero-rate units, or in bond-yield units (``RateUnits``). A ``Scenario`` is one move, or a
path of cumulative moves (e.g. day by day), so the collateral path of a crisis can be
followed step by step.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import reduce
from types import MappingProxyType

import numpy as np

from ldi.curves.market import Market
from ldi.curves.spread import RateSpread
from ldi.errors import DataError
from ldi.members.mortality import MOST_SCALE as MOST_MORTALITY_SCALE
from ldi.risk.shifts import Shifts
from ldi.typing import ArrayLike, FloatArray
from ldi.units import BP
from ldi.validation import enum_choice, finite_vector, is_finite_number

E_SCALE = "{name}: got {value!r}; expected a finite number from 1 to {most:g}"
MOST_SCALE = 20.0  # a stress multiplies haircuts or initial margin by at most this
E_MORTALITY = (
    "mortality_scale: got {value!r}; expected a factor on the mortality rates above 0 and at "
    "most {most:g}, such as 0.9 for rates 10% lower"
)
E_RETURN = "{where}: got {value!r}; expected a finite return above -1 such as -0.25"
E_NO_STEPS = "scenario {name!r}: got no steps; expected at least one move"
E_LABELS = "scenario {name!r}: {labels} step labels for {steps} steps; expected one per step"
E_MARKET = "scenario {name!r}: markets: got {value!r}; expected ISO currency codes such as 'GBP'"
CURRENCY = re.compile(r"[A-Z]{3}")

ZERO = RateSpread.parallel(0.0)


class RateUnits(StrEnum):
    """What a rate move of ``b`` bp moves.

    ``zero``: every zero rate, in its curve's compounding, by b. ``yield``: every zero rate
    as a bond yield would be quoted (the market's bond coupon frequency, e.g. semiannual for
    gilts) by b: z' = Y⁻¹(Y(z) + b), the unit of a gross-redemption-yield shock.
    """

    ZERO = "zero"
    YIELD = "yield"


BpShape = float | tuple[ArrayLike, ArrayLike]


def spread_bp(shape: BpShape) -> RateSpread:
    """A zero-rate move from a parallel size in bp, or from (tenors, bp at each tenor)."""
    if isinstance(shape, tuple):
        tenors, bp = shape
        return RateSpread(finite_vector(tenors, "tenors"), finite_vector(bp, "bp") * BP)
    return RateSpread.parallel(float(shape) * BP)


@dataclass(frozen=True, eq=False)
class Move:
    """Changes from today's markets; every field defaults to no change.

    ``nominal`` and ``breakeven``: additive zero-rate moves (decimals) of every nominal curve
    and every breakeven curve; ``curves``: further moves of named nominal curves (a curve's
    move reaches every curve built on it; a curve with a base moves its spread over that
    base); ``bond_swap``: government bond yields against swap rates (+: bonds cheapen, so
    the swap curve moves by ``nominal`` − ``bond_swap``); ``credit_spread``: decimal
    widening of the spread of credit instruments (bonds marked ``credit``, stated spread
    durations); ``growth``: the return (decimal) of every growth (return-seeking) asset;
    ``returns``: returns by instrument id, which replace ``growth`` for those ids;
    ``units``: what the rate moves are quoted in; ``haircut_scale``: every collateral
    haircut multiplied by this in this state of the markets, capped at 100% (haircuts widen
    in a stress; 1: today's); ``margin_scale``: every initial margin multiplied by this (a
    clearing house's margin model rises with volatility). Both from 1 to 20.
    """

    nominal: RateSpread = ZERO
    breakeven: RateSpread = ZERO
    credit_spread: float = 0.0
    growth: float = 0.0
    returns: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    curves: Mapping[str, RateSpread] = field(default_factory=lambda: MappingProxyType({}))
    bond_swap: RateSpread = ZERO
    units: RateUnits = RateUnits.ZERO
    haircut_scale: float = 1.0
    margin_scale: float = 1.0
    mortality_scale: float = 1.0

    def __post_init__(self) -> None:
        if not is_finite_number(self.credit_spread):
            raise DataError(f"credit_spread: got {self.credit_spread!r}; expected a finite number")
        check_scale("haircut_scale", self.haircut_scale)
        check_scale("margin_scale", self.margin_scale)
        scale = self.mortality_scale
        if not (is_finite_number(scale) and 0.0 < scale <= MOST_MORTALITY_SCALE):
            raise DataError(E_MORTALITY.format(value=scale, most=MOST_MORTALITY_SCALE))
        _check_return(self.growth, "growth")
        for name, value in self.returns.items():
            _check_return(value, f"returns.{name}")
        object.__setattr__(self, "returns", MappingProxyType(dict(self.returns)))
        object.__setattr__(self, "curves", MappingProxyType(dict(self.curves)))
        object.__setattr__(self, "units", enum_choice(RateUnits, self.units, "units"))

    @classmethod
    def of(
        cls,
        *,
        nominal_bp: BpShape = 0.0,
        breakeven_bp: BpShape = 0.0,
        credit_spread_bp: float = 0.0,
        growth: float = 0.0,
        returns: Mapping[str, float] | None = None,
        curves_bp: Mapping[str, BpShape] | None = None,
        bond_swap_bp: BpShape = 0.0,
        units: RateUnits | str = RateUnits.ZERO,
        haircut_scale: float = 1.0,
        margin_scale: float = 1.0,
        mortality_scale: float = 1.0,
    ) -> "Move":
        """A move given in basis points: parallel sizes, or (tenors, bp) term structures."""
        return cls(
            nominal=spread_bp(nominal_bp),
            breakeven=spread_bp(breakeven_bp),
            credit_spread=float(credit_spread_bp) * BP,
            growth=growth,
            returns=returns or {},
            curves={name: spread_bp(bp) for name, bp in (curves_bp or {}).items()},
            bond_swap=spread_bp(bond_swap_bp),
            units=units,
            haircut_scale=haircut_scale,
            margin_scale=margin_scale,
            mortality_scale=mortality_scale,
        )

    @property
    def knots(self) -> FloatArray:
        """The tenors where the rate moves change slope."""
        rates = [self.nominal, self.breakeven, self.bond_swap, *self.curves.values()]
        return reduce(np.union1d, [move.tenors for move in rates])

    def return_of(self, instrument_id: str, growth_asset: bool) -> float:
        """The return this move gives ``instrument_id`` beyond its rate and spread moves."""
        default = self.growth if growth_asset else 0.0
        return float(self.returns.get(instrument_id, default))

    def key(self) -> tuple[object, ...]:
        """A hashable summary of every number, so revaluations can be cached per move."""
        return (
            tuple(self.nominal.tenors),
            tuple(self.nominal.values),
            tuple(self.breakeven.tenors),
            tuple(self.breakeven.values),
            self.credit_spread,
            self.growth,
            tuple(sorted(self.returns.items())),
            tuple((n, tuple(m.tenors), tuple(m.values)) for n, m in sorted(self.curves.items())),
            tuple(self.bond_swap.tenors),
            tuple(self.bond_swap.values),
            self.units.value,
            self.haircut_scale,
            self.margin_scale,
            self.mortality_scale,
        )


@dataclass(frozen=True, eq=False)
class MoveSet:
    """S moves as arrays, the form full revaluation takes (and simulation produces).

    ``nominal`` and ``breakeven`` (S, K) are zero-rate and breakeven moves (decimals) at
    ``knots`` (years, 0 or later, increasing), linear between and flat outside;
    ``credit_spread`` and ``growth`` (S,) as in ``Move``; ``returns`` maps instrument ids to
    (S,) returns that replace the default for them (NaN: the default of that move).
    ``total_returns``: the returns over a year are totals (an economic scenario generator's),
    not shocks around the assets' expected returns (the built-in model's). ``curves`` (by
    curve name) and ``bond_swap`` are (S, K) as in ``Move`` (absent: no such moves);
    ``in_yield`` (S,) marks the moves quoted in bond-yield units.
    """

    knots: FloatArray
    nominal: FloatArray
    breakeven: FloatArray
    credit_spread: FloatArray
    growth: FloatArray
    returns: Mapping[str, FloatArray] = field(default_factory=lambda: MappingProxyType({}))
    total_returns: bool = False
    curves: Mapping[str, FloatArray] = field(default_factory=lambda: MappingProxyType({}))
    bond_swap: FloatArray | None = None
    in_yield: FloatArray | None = None

    @classmethod
    def of(cls, moves: Sequence[Move]) -> "MoveSet":
        """The moves stacked on the union of their knots."""
        if not moves:
            raise DataError("moves: got none; expected at least one move")
        knots = np.union1d(np.concatenate([m.knots for m in moves]), [])
        names = sorted({name for m in moves for name in m.returns})
        curves = sorted({name for m in moves for name in m.curves})
        swapped = any(not m.bond_swap.is_zero for m in moves)
        in_yield = np.array([m.units is RateUnits.YIELD for m in moves])
        return cls(
            knots=knots,
            nominal=np.stack([m.nominal(knots) for m in moves]),
            breakeven=np.stack([m.breakeven(knots) for m in moves]),
            credit_spread=np.array([m.credit_spread for m in moves]),
            growth=np.array([m.growth for m in moves]),
            returns={n: np.array([m.returns.get(n, np.nan) for m in moves]) for n in names},
            curves={n: np.stack([m.curves.get(n, ZERO)(knots) for m in moves]) for n in curves},
            bond_swap=np.stack([m.bond_swap(knots) for m in moves]) if swapped else None,
            in_yield=in_yield if in_yield.any() else None,
        )

    @property
    def count(self) -> int:
        """Number of moves S."""
        return self.nominal.shape[0]

    def shifts(
        self,
        credit: float = 0.0,
        curve: FloatArray | None = None,
        indices: Mapping[str | None, FloatArray | None] | None = None,
    ) -> Shifts:
        """The rate moves, nominal plus ``credit`` x the credit widening plus ``curve``.

        ``curve`` (S, K) is one curve's move against the others (:meth:`curve_moves`);
        ``indices`` the breakeven moves of single indices (:meth:`index_moves`).
        """
        nominal = self.nominal + credit * self.credit_spread[:, None]
        if curve is not None:
            nominal = nominal + curve
        own = {name: move for name, move in (indices or {}).items() if move is not None}
        return Shifts(self.knots, nominal, self.breakeven, self.in_yield, own)

    def market_shifts(self, market: Market) -> Shifts:
        """The moves of the market's default curves, their own named moves included.

        What stated durations move with: the bond curve's rates (``curve_moves``) and the
        breakeven curve's breakevens (``index_moves``).
        """
        index = {None: self.index_moves(market, market.inflation)}
        return self.shifts(0.0, self.curve_moves(market, market.nominal), index).for_index(None)

    def index_moves(self, market: Market, index: str | None) -> FloatArray | None:
        """(S, K) breakeven moves of index ``index`` beyond ``breakeven``; None when none.

        Σ over the breakeven curves in its lineage of ``curves``: CPI over RPI moves with a
        move named ``rpi`` and with one named ``cpi`` (its wedge).
        """
        if index is None:
            return None
        moves = [self.curves[name] for name in market.lineage(index) if name in self.curves]
        return sum(moves[1:], moves[0]) if moves else None

    def curve_moves(self, market: Market, curve: str | None) -> FloatArray | None:
        """(S, K) moves of curve ``curve`` of ``market`` beyond ``nominal``; None when none.

        m(c) = Σ over the curves a in c's lineage of ``curves[a]``, plus
        ``Market.bond_swap_weight(c)`` x ``bond_swap``: bonds keep the nominal move and
        swaps move by nominal − bond_swap.
        """
        if curve is None:
            return None
        total = np.zeros_like(self.nominal)
        for name in market.lineage(curve):
            if name in self.curves:
                total += self.curves[name]
        if self.bond_swap is not None:
            total += market.bond_swap_weight(curve) * self.bond_swap
        return total if np.any(total) else None

    def chunk(self, start: int, stop: int) -> "MoveSet":
        """Moves ``start`` to ``stop`` (exclusive)."""

        def rows(values: FloatArray | None) -> FloatArray | None:
            return None if values is None else values[start:stop]

        return MoveSet(
            self.knots,
            self.nominal[start:stop],
            self.breakeven[start:stop],
            self.credit_spread[start:stop],
            self.growth[start:stop],
            {name: r[start:stop] for name, r in self.returns.items()},
            self.total_returns,
            {name: m[start:stop] for name, m in self.curves.items()},
            rows(self.bond_swap),
            rows(self.in_yield),
        )


def added(a: FloatArray | None, b: FloatArray | None) -> FloatArray | None:
    """The sum of two moves, either of which may be absent (None: no move)."""
    if a is None or b is None:
        return b if a is None else a
    return a + b


def check_scale(name: str, value: float) -> None:
    """A stress's scale of haircuts or initial margin: a finite number in [1, MOST_SCALE]."""
    if not is_finite_number(value) or not 1.0 <= value <= MOST_SCALE:
        raise DataError(E_SCALE.format(name=name, value=value, most=MOST_SCALE))


def _check_return(value: float, where: str) -> None:
    if not (is_finite_number(value) and value > -1.0):
        raise DataError(E_RETURN.format(where=where, value=value))


@dataclass(frozen=True, eq=False)
class Scenario:
    """A named stress: one move, or cumulative ``steps`` labelled by ``labels`` (days).

    The last step is the scenario's outcome; earlier steps show the path to it. ``markets``
    are the currencies (ISO codes such as "GBP") whose problems the scenario is meant for;
    empty: every market.
    """

    name: str
    steps: tuple[Move, ...]
    description: str = ""
    labels: tuple[str, ...] = ()
    markets: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if not self.steps:
            raise DataError(E_NO_STEPS.format(name=self.name))
        labels = self.labels or (
            ("",) if len(self.steps) == 1 else tuple(f"step {i + 1}" for i in range(len(self)))
        )
        if len(labels) != len(self.steps):
            raise DataError(
                E_LABELS.format(name=self.name, labels=len(labels), steps=len(self.steps))
            )
        markets = (self.markets,) if isinstance(self.markets, str) else tuple(self.markets)
        for market in markets:
            if not (isinstance(market, str) and CURRENCY.fullmatch(market)):
                raise DataError(E_MARKET.format(name=self.name, value=market))
        object.__setattr__(self, "steps", tuple(self.steps))
        object.__setattr__(self, "labels", tuple(labels))
        object.__setattr__(self, "markets", frozenset(markets))

    def __len__(self) -> int:
        return len(self.steps)

    @property
    def final(self) -> Move:
        """The scenario's outcome: its last step."""
        return self.steps[-1]

    def applies_to(self, currency: str | None) -> bool:
        """Whether the scenario is meant for a problem in ``currency`` (None: any market)."""
        return currency is None or not self.markets or currency in self.markets

    @classmethod
    def single(
        cls, name: str, move: Move, description: str = "", markets: Iterable[str] = ()
    ) -> "Scenario":
        """A one-step scenario for ``markets`` (currency codes; none: every market)."""
        codes = frozenset({markets} if isinstance(markets, str) else markets)
        return cls(name, (move,), description, markets=codes)


def path(
    name: str, description: str, days: Sequence[tuple[str, Move]], markets: Iterable[str] = ()
) -> Scenario:
    """A scenario of cumulative daily moves, each labelled (e.g. "day 1"), for ``markets``."""
    moves, labels = tuple(m for _, m in days), tuple(d for d, _ in days)
    return Scenario(name, moves, description, labels, frozenset(markets))
