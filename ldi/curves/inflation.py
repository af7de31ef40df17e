"""Zero-coupon breakeven inflation curves: index ratios and real discount factors."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import cast

import numpy as np

from ldi.curves.base import RateCurve
from ldi.curves.interpolation import checked_term_structure
from ldi.curves.spread import NO_SPREAD, Bumpable, RateSpread
from ldi.errors import DataError
from ldi.typing import ArrayLike, FloatArray
from ldi.units import Compounding
from ldi.validation import enum_choice, finite_vector


def index_ratio(breakeven: ArrayLike, t: ArrayLike) -> FloatArray:
    """I(t)/I(0) = (1 + b)^t for zero-coupon breakeven ``breakeven`` to time ``t``."""
    b, t = np.asarray(breakeven, dtype=float), np.asarray(t, dtype=float)
    log = np.log1p(b)
    if log.ndim and np.broadcast_shapes(log.shape, t.shape) == log.shape:
        log *= t  # in place on the largest array (a path's breakevens: scenarios x times)
        return np.exp(log, out=log)
    return np.exp(t * log)


@dataclass(frozen=True, eq=False)
class BreakevenCurve(Bumpable):
    """Zero-coupon breakeven inflation b(t): linear between ``tenors``, flat outside.

    ``rates`` are annual decimals. The index ratio is I(t)/I(0) = (1 + b(t))^t, and an
    inflation-linked real amount a at t pays a x I(t)/I(0). Bumps move b(t) like a zero rate.

    Examples
    --------
    >>> curve = BreakevenCurve([5, 30], [0.03, 0.035])
    >>> round(float(curve.index_ratio(5)), 10) == round(1.03**5, 10)
    True
    """

    tenors: FloatArray
    rates: FloatArray
    spread: RateSpread = field(default=NO_SPREAD)

    def __post_init__(self) -> None:
        tenors, rates = checked_term_structure(
            self.tenors, self.rates, Compounding.ANNUAL, "BreakevenCurve"
        )
        object.__setattr__(self, "tenors", tenors)
        object.__setattr__(self, "rates", rates)

    @classmethod
    def flat(cls, rate: float) -> "BreakevenCurve":
        """The same breakeven ``rate`` at every maturity."""
        return cls(np.array([1.0]), np.array([rate]))

    def for_index(self, index: str | None) -> "BreakevenCurve":
        """The curve of index ``index``: this one curve serves every index."""
        return self

    def rate(self, t: ArrayLike) -> FloatArray:
        """Breakeven b(t) (annual decimal), spread included."""
        t = np.asarray(t, dtype=float)
        return np.interp(t, self.tenors, self.rates) + self.spread(t)

    def index_ratio(self, t: ArrayLike) -> FloatArray:
        """Expected I(t)/I(0) = (1 + b(t))^t."""
        return index_ratio(self.rate(t), t)

    def real_discount(self, nominal: RateCurve, t: ArrayLike) -> FloatArray:
        """Real discount factor DF_real(t) = DF_nominal(t) x I(t)/I(0).

        It is today's value of one real unit paid at t (which pays I(t)/I(0) in money), so
        with flat annual n and b the real rate is (1 + n)/(1 + b) − 1 (Fisher).
        """
        return nominal.discount(t) * self.index_ratio(t)

    def real_zero_rate(
        self, nominal: RateCurve, t: ArrayLike, compounding: Compounding | str = "annual"
    ) -> FloatArray:
        """Real zero rate implied by ``nominal`` and this curve, quoted in ``compounding``."""
        quote = enum_choice(Compounding, compounding, "real_zero_rate.compounding")
        t = np.asarray(t, dtype=float)
        # -log(DF_real)/t without forming DF_real: exact at t = 0 and free of cancellation.
        continuous = nominal.zero_rate(t, Compounding.CONTINUOUS) - np.log1p(self.rate(t))
        return quote.from_continuous(continuous, t)


E_WEDGE_STARTS = "{where}.starts: got {value!r}; expected times starting at 0, increasing"
E_WEDGE_BASE = "{where}.base: got {value!r}; expected the breakeven curve it is built on"
E_WEDGE_LENGTHS = "{where}: {n} starts and {m} wedges; expected one wedge per start"


@dataclass(frozen=True, eq=False)
class WedgeCurve(BreakevenCurve):
    """One index as another less a wedge: c(t) = b(t) − W(t), e.g. CPI as RPI less the wedge.

    The forward wedge is ``wedges[i]`` from ``starts[i]`` (years; the first is 0) to the next
    start, so a step such as RPI's alignment with CPIH is a start of its own. W(t) is the
    forward wedge's average over [0, t] (its value at 0 as t → 0). Moving the ``base`` moves
    this curve by as much; a bump of this curve moves its wedge.

    Examples
    --------
    >>> rpi = BreakevenCurve.flat(0.033)
    >>> cpi = WedgeCurve.over(rpi, starts=(0.0, 4.0), wedges=(0.01, 0.0))
    >>> [round(float(x), 12) for x in cpi.rate([2.0, 8.0])]
    [0.023, 0.028]
    """

    base: BreakevenCurve | None = None
    starts: FloatArray = field(default_factory=lambda: np.zeros(1))
    wedges: FloatArray = field(default_factory=lambda: np.zeros(1))
    where: str = "WedgeCurve"

    def __post_init__(self) -> None:
        super().__post_init__()
        if not isinstance(self.base, BreakevenCurve):
            raise DataError(E_WEDGE_BASE.format(where=self.where, value=self.base))
        starts = finite_vector(self.starts, f"{self.where}.starts")
        wedges = finite_vector(self.wedges, f"{self.where}.wedges")
        if starts.size != wedges.size or starts.size == 0:
            raise DataError(E_WEDGE_LENGTHS.format(where=self.where, n=starts.size, m=wedges.size))
        if starts[0] != 0 or np.any(np.diff(starts) <= 0):
            raise DataError(E_WEDGE_STARTS.format(where=self.where, value=starts.tolist()))
        object.__setattr__(self, "starts", starts)
        object.__setattr__(self, "wedges", wedges)

    @classmethod
    def over(
        cls, base: BreakevenCurve, starts: ArrayLike, wedges: ArrayLike, where: str = "WedgeCurve"
    ) -> "WedgeCurve":
        """``base`` less the forward wedge ``wedges`` from each of ``starts``."""
        return cls(base.tenors, base.rates, base=base, starts=starts, wedges=wedges, where=where)

    def wedge(self, t: ArrayLike) -> FloatArray:
        """W(t) = (1/t) ∫_0^t w(s) ds for the step forward wedge w (w(0) at t = 0)."""
        t = np.asarray(t, dtype=float)
        ends = np.append(self.starts[1:], np.inf)
        covered = np.clip(t[..., None] - self.starts, 0.0, ends - self.starts)
        area = covered @ self.wedges
        safe = np.where(t > 0, t, 1.0)
        return np.where(t > 0, area / safe, self.wedges[0])

    def rate(self, t: ArrayLike) -> FloatArray:
        """c(t) = b(t) − W(t), this curve's spread included."""
        t = np.asarray(t, dtype=float)
        return cast(BreakevenCurve, self.base).rate(t) - self.wedge(t) + self.spread(t)


E_INDEX = "{where}: got index {value!r}; expected one of {names}"


@dataclass(frozen=True, eq=False)
class IndexCurves:
    """Breakeven ``curves`` by index name, for streams whose parts follow different indices.

    ``default`` is the curve of parts that name no index (None: every part names one).
    """

    curves: Mapping[str, BreakevenCurve]
    default: str | None = None
    where: str = "inflation_curve"

    def __post_init__(self) -> None:
        object.__setattr__(self, "curves", MappingProxyType(dict(self.curves)))
        if self.default is not None:
            self.for_index(self.default)

    def shifted(self, bp: float) -> "IndexCurves":
        """Every index's breakevens moved by ``bp`` basis points (a move of all breakevens)."""
        curves = {name: curve.shifted(bp) for name, curve in self.curves.items()}
        return IndexCurves(curves, self.default, self.where)

    def for_index(self, index: str | None) -> BreakevenCurve:
        """The breakeven curve of ``index`` (None: the default)."""
        name = self.default if index is None else index
        if name not in self.curves:
            raise DataError(E_INDEX.format(where=self.where, value=name, names=sorted(self.curves)))
        return self.curves[name]


Breakevens = BreakevenCurve | IndexCurves
"""One breakeven curve for every index, or a curve per index."""
