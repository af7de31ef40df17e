"""Scenario moves of the nominal zero curve and the breakeven curve, as functions of time.

A set of S scenarios is given at knot tenors (0 or later, increasing): row s moves zero
rates by ``nominal[s]`` and breakevens by ``breakeven[s]`` at the knots, linearly in between
and flat outside (docs/conventions.md, Key-rate weights). Parallel, key-rate and curve-shape
stresses all fit this form, and a valuation can evaluate them at whatever times it needs
(payment times, fixing times of lagged or capped indexation).
"""

from dataclasses import dataclass

import numpy as np

from ldi.curves.spread import check_knots, tent_weights
from ldi.errors import DataError
from ldi.typing import ArrayLike, FloatArray
from ldi.validation import finite_vector

E_SHAPE = "Shifts.{name}: got shape {shape}; expected (scenarios, knots) = (S, {knots})"
E_ROWS = "Shifts.breakeven: got {got} scenarios; expected {want}, one per row of Shifts.nominal"


@dataclass(frozen=True, eq=False)
class Shifts:
    """S scenarios of additive zero-rate and breakeven moves (decimals) at ``knots`` (years)."""

    knots: FloatArray
    nominal: FloatArray
    breakeven: FloatArray

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

    def breakeven_at(self, t: ArrayLike) -> FloatArray:
        """Breakeven moves at times ``t``: (S, len(t))."""
        return self.breakeven @ tent_weights(self.knots, t)
