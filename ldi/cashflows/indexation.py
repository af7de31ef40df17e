"""How inflation-linked real amounts are uprated: an indexation lag and LPI floors and caps.

A real amount a paid at t pays a x U(t) in money. With no floor or cap, U(t) is the
projected index ratio (1 + b(τ))^τ at the fixing time τ = max(t − lag, 0) (a fixing at or
before today is taken as known, ratio 1).

A breakeven curve is read as quoted on the index as the market references it (zero-coupon
inflation swaps fix with a lag of a few months): (1 + b(t))^t is the expected growth of
that lagged index from its latest known value. ``lag`` is therefore the fixing lag of a
flow *relative to the curve's quotes*: 0 when they match (the default), e.g. 5/12 for an
old-style 8-month-lag linker against 3-month-lag quotes. Known uplift to date is carried
separately (a bond's index ratio).

Limited price indexation (LPI, e.g. RPI floored at 0% and capped at 5% a year) uprates by
each year's inflation clipped to [floor, cap]. Year n's gross inflation Y_n = I(n)/I(n−1)
is modelled as lognormal with mean the forward F_n = (1 + b(n))^n / (1 + b(n−1))^(n−1) and
log-volatility σ√n (σ = ``volatility``, growing with time to fixing as in the market's Black
model for year-on-year caplets), independently across years. Then

    g_n = E[min(max(Y_n, 1 + floor), 1 + cap)] = K1 + C(F_n, K1) − C(F_n, K2),

with K1 = 1 + floor, K2 = 1 + cap and C the undiscounted Black call, and
U(τ) = g_1 ⋯ g_⌊τ⌋ x g_⌊τ⌋+1^(τ − ⌊τ⌋). Because U depends on the breakeven curve through
option values, the IE01 of LPI flows is the option delta: below the plain index's.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.special import ndtr

from ldi.curves.inflation import BreakevenCurve, index_ratio
from ldi.errors import DataError
from ldi.typing import FloatArray
from ldi.validation import is_finite_number, plain

E_LAG = "{where}.lag: got {value!r}; expected a finite number of years >= 0"
E_BOUND = "{where}.{field}: got {value!r}; expected a finite annual rate above -1 or none"
E_ORDER = "{where}: floor {floor!r} is above cap {cap!r}; expected floor <= cap"
E_VOLATILITY = "{where}.volatility: got {value!r}; expected a finite volatility >= 0"

BreakevenRates = Callable[[FloatArray], FloatArray]
"""Breakeven rates b(t) at times t, one row per scenario: (S, len(t))."""


@dataclass(frozen=True)
class Indexation:
    """Uprating rule for real amounts: ``lag`` in years, LPI ``floor``/``cap`` per year.

    ``floor`` and ``cap`` are annual decimals (None: unbounded); ``volatility`` is the
    annualised lognormal volatility of yearly gross inflation used to value them.

    Examples
    --------
    >>> flat = lambda t: np.full((1, np.size(t)), 0.03)
    >>> float(Indexation().ratio(flat, np.array([2.0]))[0, 0]) == 1.03**2
    True
    >>> float(Indexation(floor=0.0, cap=0.025).ratio(flat, np.array([2.0]))[0, 0])
    1.050625
    """

    lag: float = 0.0
    floor: float | None = None
    cap: float | None = None
    volatility: float = 0.0
    where: str = field(default="indexation", compare=False, repr=False)

    def __post_init__(self) -> None:
        if not is_finite_number(self.lag) or self.lag < 0:
            raise DataError(E_LAG.format(where=self.where, value=plain(self.lag)))
        for bound in ("floor", "cap"):
            value = getattr(self, bound)
            if value is not None and not (is_finite_number(value) and value > -1):
                raise DataError(E_BOUND.format(where=self.where, field=bound, value=plain(value)))
        if self.floor is not None and self.cap is not None and self.floor > self.cap:
            floor, cap = plain(self.floor), plain(self.cap)
            raise DataError(E_ORDER.format(where=self.where, floor=floor, cap=cap))
        if not is_finite_number(self.volatility) or self.volatility < 0:
            raise DataError(E_VOLATILITY.format(where=self.where, value=plain(self.volatility)))
        # Plain numbers, so equal rules compare and print equal; without a floor or cap the
        # volatility plays no part, so it is dropped and such a rule equals full indexation.
        for name in ("lag", "floor", "cap", "volatility"):
            value = getattr(self, name)
            object.__setattr__(self, name, None if value is None else float(value))
        if not self.is_limited:
            object.__setattr__(self, "volatility", 0.0)

    @property
    def is_limited(self) -> bool:
        """True when a floor or a cap applies (LPI)."""
        return self.floor is not None or self.cap is not None

    def ratio(self, breakeven: BreakevenRates, t: FloatArray) -> FloatArray:
        """Expected uprating factor U(t), (S, len(t)), of real amounts paid at ``t``."""
        t = np.asarray(t, dtype=float)
        fixing = np.maximum(t - self.lag, 0.0)
        if not self.is_limited:
            return index_ratio(breakeven(fixing), fixing)
        years = np.arange(1.0, np.ceil(fixing.max(initial=0.0)) + 1.0)
        if years.size == 0:
            return np.ones((breakeven(fixing).shape[0], t.size))
        cumulative = index_ratio(breakeven(years), years)
        previous = np.concatenate([np.ones_like(cumulative[:, :1]), cumulative[:, :-1]], axis=1)
        growth = self.expected_growth(cumulative / previous, years)
        uprated = np.concatenate([np.ones_like(growth[:, :1]), np.cumprod(growth, axis=1)], axis=1)
        whole = np.floor(fixing).astype(int)
        partial = growth[:, np.minimum(whole, years.size - 1)] ** (fixing - whole)
        return uprated[:, whole] * partial

    def expected(self, breakeven: BreakevenCurve, t: FloatArray) -> FloatArray:
        """U(t) on the unshifted ``breakeven`` curve, one value per time."""
        return self.ratio(lambda u: breakeven.rate(u)[None, :], t)[0]

    def expected_growth(self, forward: FloatArray, years: FloatArray) -> FloatArray:
        """E[min(max(Y, 1 + floor), 1 + cap)] for lognormal Y with mean ``forward``.

        Y's log-volatility is σ√n for year n = ``years`` (broadcast against ``forward``).
        """
        deviation = self.volatility * np.sqrt(years)
        if self.floor is None:
            value = np.asarray(forward, dtype=float)
        else:
            low = 1.0 + self.floor
            value = low + black_call(forward, low, deviation)
        if self.cap is not None:
            value = value - black_call(forward, 1.0 + self.cap, deviation)
        return value


def black_call(forward: FloatArray, strike: float, deviation: FloatArray) -> FloatArray:
    """Undiscounted Black call E[(Y − K)^+] for lognormal Y: mean ``forward``, log-sd ``deviation``.

    At zero deviation it is the intrinsic value max(F − K, 0).
    """
    forward = np.asarray(forward, dtype=float)
    deviation = np.broadcast_to(deviation, forward.shape)
    intrinsic = np.maximum(forward - strike, 0.0)
    random = deviation > 0
    safe = np.where(random, deviation, 1.0)
    d1 = (np.log(forward / strike) + 0.5 * safe**2) / safe
    option = forward * ndtr(d1) - strike * ndtr(d1 - safe)
    return np.where(random, option, intrinsic)


PLAIN = Indexation()
"""Full indexation with no lag: U(t) = I(t)/I(0)."""
