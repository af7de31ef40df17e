"""Additive zero-rate spreads: the single mechanism behind parallel and key-rate bumps.

A spread is piecewise linear in t between its knots and flat outside them. A curve with a
spread has zero rate z(t) + s(t), in the curve's own compounding, so a bumped curve is a new
curve and the original never changes.
"""

from dataclasses import dataclass, replace
from typing import Self

import numpy as np

from ldi.errors import DataError
from ldi.typing import ArrayLike, FloatArray
from ldi.units import BP
from ldi.validation import E_EMPTY, finite_vector, same_length, strictly_increasing, tenor_vector

E_KNOT_NEGATIVE = "{where}[0]: got {value!r}; expected a time of 0 or more years"
E_KEY_INDEX = "key_rate.j: got {j!r}; expected an integer key index from 0 to {last} for {n} keys"

DEFAULT_KEYS: tuple[float, ...] = (1, 2, 3, 5, 7, 10, 15, 20, 25, 30, 40, 50)


@dataclass(frozen=True, eq=False)
class RateSpread:
    """Spread s(t) added to a curve's zero rates: linear between ``tenors``, flat outside.

    ``values`` are decimals (1bp = 1e-4). Knots start at 0 or above and strictly increase.
    """

    tenors: FloatArray
    values: FloatArray

    def __post_init__(self) -> None:
        tenors = finite_vector(self.tenors, "RateSpread.tenors")
        values = finite_vector(self.values, "RateSpread.values")
        same_length(tenors, values, "RateSpread", ("tenors", "values"))
        check_knots(tenors, "RateSpread.tenors")
        object.__setattr__(self, "tenors", tenors)
        object.__setattr__(self, "values", values)

    @classmethod
    def parallel(cls, size: float) -> "RateSpread":
        """The same spread ``size`` (decimal) at every t."""
        return cls(np.array([0.0]), np.array([float(size)]))

    @classmethod
    def key_rate(cls, keys: ArrayLike, j: int, size: float) -> "RateSpread":
        """``size`` times the key-rate weight w_j (the triangle peaking at keys[j])."""
        keys = tenor_vector(keys, "keys")
        if isinstance(j, bool) or not isinstance(j, int | np.integer) or not 0 <= j < keys.size:
            raise DataError(E_KEY_INDEX.format(j=j, n=keys.size, last=keys.size - 1))
        return cls(keys, np.where(np.arange(keys.size) == j, float(size), 0.0))

    def __call__(self, t: ArrayLike) -> FloatArray:
        """s(t) at year fraction(s) ``t``."""
        return np.interp(np.asarray(t, dtype=float), self.tenors, self.values)

    def __add__(self, other: "RateSpread") -> "RateSpread":
        knots = np.union1d(self.tenors, other.tenors)
        return RateSpread(knots, self(knots) + other(knots))

    @property
    def is_zero(self) -> bool:
        """True when the spread is 0 everywhere."""
        return not np.any(self.values)


def check_knots(tenors: FloatArray, where: str) -> None:
    """Spread knots: at least one, the first at 0 or later, strictly increasing."""
    if tenors.size == 0:
        raise DataError(E_EMPTY.format(where=where))
    if tenors[0] < 0:
        raise DataError(E_KNOT_NEGATIVE.format(where=where, value=float(tenors[0])))
    strictly_increasing(tenors, where)


NO_SPREAD = RateSpread(np.array([0.0]), np.array([0.0]))


def key_rate_weights(keys: ArrayLike, t: ArrayLike) -> FloatArray:
    """Key-rate weights w_j(t) as a (len(keys), len(t)) matrix; every column sums to 1.

    w_j is 1 at keys[j] and 0 at its neighbours, linear between; the first key's weight is
    1 for t <= keys[0] and the last key's is 1 for t >= keys[-1].
    """
    return tent_weights(tenor_vector(keys, "keys"), t)


def tent_weights(knots: FloatArray, t: ArrayLike) -> FloatArray:
    """The weights of ``key_rate_weights`` on knots already checked (0 is allowed)."""
    t = np.asarray(t, dtype=float)
    return np.stack([np.interp(t, knots, unit) for unit in np.eye(knots.size)])


class Bumpable:
    """Parallel and key-rate bumps for any frozen dataclass with a ``spread`` field."""

    spread: RateSpread

    def with_spread(self, spread: RateSpread) -> Self:
        """A new curve with ``spread`` added to this curve's rates."""
        return replace(self, spread=self.spread + spread)

    def shifted(self, bp: float) -> Self:
        """A new curve with every zero rate moved by ``bp`` basis points."""
        return self.with_spread(RateSpread.parallel(bp * BP))

    def key_rate_bumped(self, keys: ArrayLike, j: int, bp: float = 1.0) -> Self:
        """A new curve with ``bp`` basis points times the key-rate weight w_j added."""
        return self.with_spread(RateSpread.key_rate(keys, j, bp * BP))
