"""Scenario moves of the nominal zero curve and the breakeven curve, as functions of time.

A set of S scenarios is given at knot tenors (0 or later, increasing): row s moves zero
rates by ``nominal[s]`` and breakevens by ``breakeven[s]`` at the knots, linearly in between
and flat outside (docs/conventions.md, Key-rate weights). Parallel, key-rate and curve-shape
stresses all fit this form, and a valuation can evaluate them at whatever times it needs
(payment times, fixing times of lagged or capped indexation).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from ldi.curves.spread import check_knots, tent_weights
from ldi.errors import DataError
from ldi.typing import ArrayLike, FloatArray
from ldi.units import Compounding
from ldi.validation import finite_vector

E_SHAPE = "Shifts.{name}: got shape {shape}; expected (scenarios, knots) = (S, {knots})"
E_ROWS = "Shifts.breakeven: got {got} scenarios; expected {want}, one per row of Shifts.nominal"


@dataclass(frozen=True, eq=False)
class Shifts:
    """S scenarios of additive zero-rate and breakeven moves (decimals) at ``knots`` (years).

    Rows marked by ``in_yield`` (S,) move nominal rates in bond-yield units instead
    (:meth:`nominal_rates`). ``indices`` adds, per index name (None: a stream's own), a
    breakeven move (S, K) of that index alone, e.g. a move of the CPI–RPI wedge.
    """

    knots: FloatArray
    nominal: FloatArray
    breakeven: FloatArray
    in_yield: FloatArray | None = None
    indices: Mapping[str | None, FloatArray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        knots = finite_vector(self.knots, "Shifts.knots")
        check_knots(knots, "Shifts.knots")
        object.__setattr__(self, "knots", knots)
        for name in ("nominal", "breakeven"):
            values = np.asarray(getattr(self, name), dtype=float)
            if values.ndim != 2 or values.shape[1] != knots.size:
                raise DataError(E_SHAPE.format(name=name, shape=values.shape, knots=knots.size))
            object.__setattr__(self, name, values)
        if self.nominal.shape != self.breakeven.shape:
            raise DataError(E_ROWS.format(got=self.breakeven.shape[0], want=self.nominal.shape[0]))
        if self.in_yield is not None:
            object.__setattr__(self, "in_yield", np.asarray(self.in_yield, dtype=bool))

    @classmethod
    def none(cls) -> "Shifts":
        """One scenario that moves nothing: the base valuation."""
        return cls(np.array([1.0]), np.zeros((1, 1)), np.zeros((1, 1)))

    @property
    def count(self) -> int:
        """Number of scenarios S."""
        return self.nominal.shape[0]

    def nominal_at(self, t: ArrayLike) -> FloatArray:
        """Zero-rate moves at times ``t``: (S, len(t))."""
        return self.nominal @ tent_weights(self.knots, t)

    def nominal_rates(
        self, zero: FloatArray, t: FloatArray, compounding: Compounding, quote: Compounding
    ) -> FloatArray:
        """Moved zero rates (S, len(t)) from base ``zero`` rates at ``t`` in ``compounding``.

        Zero-unit rows add the move; yield-unit rows move the rate as quoted in ``quote``
        (the bond yield's compounding): see :func:`moved_rates`.
        """
        move = self.nominal_at(t)
        return moved_rates(
            np.broadcast_to(zero, move.shape), move, t, compounding, quote, self.in_yield
        )

    def breakeven_at(self, t: ArrayLike) -> FloatArray:
        """Breakeven moves at times ``t``: (S, len(t))."""
        return self.breakeven @ tent_weights(self.knots, t)

    def for_index(self, index: str | None) -> "Shifts":
        """These shifts with index ``index``'s own breakeven move added to every index's."""
        own = self.indices.get(index)
        if own is None:
            return self
        return replace(self, breakeven=self.breakeven + own, indices={})


def moved_rates(
    rates: FloatArray,
    move: FloatArray,
    t: FloatArray,
    compounding: Compounding,
    quote: Compounding,
    in_yield: FloatArray | None,
) -> FloatArray:
    """Zero rates (S, len(t)) in ``compounding`` after ``move`` (S, len(t)).

    Rows not marked by ``in_yield`` add the move; marked rows move the rate as a bond
    yield quoted in ``quote``: z' = C(Q⁻¹(Q(z) + m)) with Q, C the conversions from
    continuous rates (the same discount factor quoted two ways).
    """
    moved = rates + move
    if in_yield is None or not np.any(in_yield):
        return moved
    rows = np.asarray(in_yield, dtype=bool)
    quoted = quote.from_continuous(compounding.to_continuous(rates[rows], t), t) + move[rows]
    moved[rows] = compounding.from_continuous(quote.to_continuous(quoted, t), t)
    return moved
