"""Units and the compounding conventions that turn a zero rate into a discount factor.

Rates are decimals (0.04 is 4%). A basis point is ``BP``. Time is in years from the
valuation date.
"""

from enum import StrEnum

import numpy as np

from ldi.typing import ArrayLike, FloatArray

BP = 1e-4
DAYS_PER_YEAR = 365.0  # ACT/365F

_PERIODS_PER_YEAR = {"annual": 1, "semiannual": 2, "quarterly": 4, "monthly": 12}


class Compounding(StrEnum):
    """How a zero rate ``r`` quoted for time ``t`` gives the discount factor DF(t).

    continuous: e^(-rt); simple: 1/(1+rt); annual, semiannual, quarterly, monthly:
    (1+r/m)^(-mt) with m periods per year.
    """

    CONTINUOUS = "continuous"
    SIMPLE = "simple"
    ANNUAL = "annual"
    SEMIANNUAL = "semiannual"
    QUARTERLY = "quarterly"
    MONTHLY = "monthly"

    @property
    def periods_per_year(self) -> int | None:
        """Periods per year m of periodic compounding; None for continuous and simple."""
        return _PERIODS_PER_YEAR.get(self.value)

    def discount(self, rate: ArrayLike, t: ArrayLike) -> FloatArray:
        """Discount factor DF(t) for zero rate(s) ``rate`` quoted in this compounding."""
        r, t = np.asarray(rate, dtype=float), np.asarray(t, dtype=float)
        if self is Compounding.CONTINUOUS:
            return np.exp(-r * t)
        if self is Compounding.SIMPLE:
            return 1.0 / (1.0 + r * t)
        m = self.periods_per_year
        # exp(−m t log(1 + r/m)), in place on the largest array (a risk pass: scenarios x flows)
        log = np.log1p(r / m if m != 1 else r)
        scale = -m * t
        if log.ndim and np.broadcast_shapes(log.shape, scale.shape) == log.shape:
            log *= scale
            return np.exp(log, out=log)
        return np.exp(scale * log)

    def discount_derivatives(self, rate: ArrayLike, t: ArrayLike, order: int) -> list[FloatArray]:
        """[DF, ∂DF/∂rate, ∂²DF/∂rate²][:order], DF computed once."""
        r, t = np.asarray(rate, dtype=float), np.asarray(t, dtype=float)
        discount = self.discount(r, t)
        results = [discount]
        if order > 1:
            results.append(-self.duration_factor(r, t) * discount)
        if order > 2:
            results.append(self.discount_curvature(r, t))
        return results

    def duration_factor(self, rate: ArrayLike, t: ArrayLike) -> FloatArray:
        """−(∂DF/∂rate) / DF: t, t / (1 + rt), or t / (1 + r/m) (periodic)."""
        r, t = np.asarray(rate, dtype=float), np.asarray(t, dtype=float)
        if self is Compounding.CONTINUOUS:
            return np.broadcast_to(t, np.broadcast_shapes(r.shape, t.shape))
        if self is Compounding.SIMPLE:
            return t / (1.0 + r * t)
        m = self.periods_per_year
        return t / (1.0 + (r / m if m != 1 else r))

    def discount_slope(self, rate: ArrayLike, t: ArrayLike) -> FloatArray:
        """∂DF(t)/∂rate: −t e^(−rt), −t / (1 + rt)², or −t DF(t) / (1 + r/m) (periodic)."""
        r, t = np.asarray(rate, dtype=float), np.asarray(t, dtype=float)
        if self is Compounding.CONTINUOUS:
            return -t * np.exp(-r * t)
        if self is Compounding.SIMPLE:
            return -t / (1.0 + r * t) ** 2
        m = self.periods_per_year
        return -t * self.discount(r, t) / (1.0 + r / m)

    def discount_curvature(self, rate: ArrayLike, t: ArrayLike) -> FloatArray:
        """∂²DF(t)/∂rate²: t² e^(−rt), 2t² / (1 + rt)³, or t (t + 1/m) DF(t) / (1 + r/m)²."""
        r, t = np.asarray(rate, dtype=float), np.asarray(t, dtype=float)
        if self is Compounding.CONTINUOUS:
            return t**2 * np.exp(-r * t)
        if self is Compounding.SIMPLE:
            return 2.0 * t**2 / (1.0 + r * t) ** 3
        m = self.periods_per_year
        return t * (t + 1.0 / m) * self.discount(r, t) / (1.0 + r / m) ** 2

    def to_continuous(self, rate: ArrayLike, t: ArrayLike) -> FloatArray:
        """The continuously compounded rate with the same DF(t) (the t -> 0 limit at t = 0)."""
        r, t = np.asarray(rate, dtype=float), np.asarray(t, dtype=float)
        if self is Compounding.CONTINUOUS:
            return r + 0.0 * t
        if self is Compounding.SIMPLE:
            safe_t = np.where(t > 0, t, 1.0)
            return np.where(t > 0, np.log1p(r * safe_t) / safe_t, r)
        m = self.periods_per_year
        return m * np.log1p(r / m) + 0.0 * t

    def from_continuous(self, rate: ArrayLike, t: ArrayLike) -> FloatArray:
        """Inverse of :meth:`to_continuous`: quote a continuous rate in this compounding."""
        rc, t = np.asarray(rate, dtype=float), np.asarray(t, dtype=float)
        if self is Compounding.CONTINUOUS:
            return rc + 0.0 * t
        if self is Compounding.SIMPLE:
            safe_t = np.where(t > 0, t, 1.0)
            return np.where(t > 0, np.expm1(rc * safe_t) / safe_t, rc)
        m = self.periods_per_year
        return m * np.expm1(rc / m) + 0.0 * t

    def lowest_rate(self, t: ArrayLike) -> FloatArray:
        """Rates at or below this bound give a non-positive or undefined DF(t)."""
        t = np.asarray(t, dtype=float)
        if self is Compounding.CONTINUOUS:
            return np.full_like(t, -np.inf)
        if self is Compounding.SIMPLE:
            return np.where(t > 0, -1.0 / np.where(t > 0, t, 1.0), -np.inf)
        return np.full_like(t, -float(self.periods_per_year))
