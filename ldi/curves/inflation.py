"""Zero-coupon breakeven inflation curves: index ratios and real discount factors."""

from dataclasses import dataclass, field

import numpy as np

from ldi.curves.base import RateCurve
from ldi.curves.interpolation import checked_term_structure
from ldi.curves.spread import NO_SPREAD, Bumpable, RateSpread
from ldi.typing import ArrayLike, FloatArray
from ldi.units import Compounding
from ldi.validation import enum_choice


def index_ratio(breakeven: ArrayLike, t: ArrayLike) -> FloatArray:
    """I(t)/I(0) = (1 + b)^t for zero-coupon breakeven ``breakeven`` to time ``t``."""
    b, t = np.asarray(breakeven, dtype=float), np.asarray(t, dtype=float)
    return np.exp(t * np.log1p(b))


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
