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
each year's inflation clipped to [floor, cap]. Year n's year-on-year rate y_n = I(n)/I(n−1)
− 1 has the forward f_n = (1 + b(n))^n / (1 + b(n−1))^(n−1) − 1 (no convexity adjustment)
and the standard deviation d_n of an ``InflationVolatility`` (a caplet surface, or a yearly
volatility; ``DEFAULT_LPI_VOLATILITY`` when none is given), independently across years.
Then each year's expected growth is a collar of year-on-year options,

    g_n = 1 + E[min(max(y_n, floor), cap)] = 1 + floor + C(f_n, floor) − C(f_n, cap),

with C the undiscounted call of the volatility's model (normal or lognormal), and
U(τ) = g_1 ⋯ g_⌊τ⌋ x g_⌊τ⌋+1^(τ − ⌊τ⌋). Because U depends on the breakeven curve through
option values, the IE01 of LPI flows is the option delta: below the plain index's.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast

import numpy as np

from ldi.curves.inflation import BreakevenCurve, index_ratio
from ldi.curves.inflation_volatility import (
    DEFAULT_LPI_VOLATILITY,
    InflationVolatility,
    VolatilityModel,
)
from ldi.errors import DataError
from ldi.typing import FloatArray
from ldi.validation import is_finite_number, plain

E_LAG = "{where}.lag: got {value!r}; expected a finite number of years >= 0"
E_BOUND = "{where}.{field}: got {value!r}; expected a finite annual rate above -1 or none"
E_VOLATILITY = (
    "{where}.volatility: got {value!r}; expected an inflation volatility such as "
    "CapletVolatility((1, 10), (0.012, 0.01)) or YearlyVolatility(0.015), or None"
)
E_ORDER = "{where}: floor {floor!r} is above cap {cap!r}; expected floor <= cap"

BreakevenRates = Callable[[FloatArray], FloatArray]
"""Breakeven rates b(t) at times t, one row per scenario: (S, len(t))."""


E_UNTIL = "{where}.until: got {value!r}; expected a finite number of years >= 0"


@dataclass(frozen=True)
class Revaluation:
    """Revaluation in deferment to ``until`` (years), clipped cumulatively.

    A deferred pension grows by the index over the deferment, R = I(T)/I(0) at T = ``until``,
    kept within (1 + ``floor``)^T and (1 + ``cap``)^T: e.g. CPI capped at 5% a year
    compounded over the whole deferment. After T it increases as a pension in payment.
    """

    until: float
    floor: float | None = None
    cap: float | None = None
    where: str = field(default="revaluation", compare=False, repr=False)

    def __post_init__(self) -> None:
        if not is_finite_number(self.until) or self.until < 0:
            raise DataError(E_UNTIL.format(where=self.where, value=plain(self.until)))
        _check_bounds(self.floor, self.cap, self.where)
        for name in ("until", "floor", "cap"):
            value = getattr(self, name)
            object.__setattr__(self, name, None if value is None else float(value))

    def describe(self) -> str:
        """In words, e.g. 'revalued in deferment capped at 5% a year'."""
        bounds = [
            f"{word} at {100 * value:g}% a year"
            for word, value in (("floored", self.floor), ("capped", self.cap))
            if value is not None
        ]
        return " ".join(["revalued in deferment", " and ".join(bounds)]).strip()


@dataclass(frozen=True)
class Indexation:
    """Uprating rule for real amounts: ``lag`` in years, LPI ``floor``/``cap`` per year.

    ``floor`` and ``cap`` are annual decimals (None: unbounded); ``volatility`` prices them
    (None: ``DEFAULT_LPI_VOLATILITY``, see ``rests_on_default``). ``index`` names the
    breakeven curve of the index (e.g. 'cpi'; None: the curve the stream is valued with).
    ``revaluation`` revalues a deferred pension up to its ``until``, from which the floor and
    cap apply year by year.

    Examples
    --------
    >>> flat = lambda t: np.full((1, np.size(t)), 0.03)
    >>> float(Indexation().ratio(flat, np.array([2.0]))[0, 0]) == 1.03**2
    True
    >>> from ldi.curves.inflation_volatility import YearlyVolatility
    >>> still = YearlyVolatility(0.0)
    >>> float(Indexation(floor=0.0, cap=0.025, volatility=still).ratio(flat, np.array([2.0]))[0, 0])
    1.050625
    """

    lag: float = 0.0
    floor: float | None = None
    cap: float | None = None
    volatility: InflationVolatility | None = None
    index: str | None = None
    revaluation: Revaluation | None = None
    where: str = field(default="indexation", compare=False, repr=False)

    def __post_init__(self) -> None:
        if not is_finite_number(self.lag) or self.lag < 0:
            raise DataError(E_LAG.format(where=self.where, value=plain(self.lag)))
        _check_bounds(self.floor, self.cap, self.where)
        if self.volatility is not None and not hasattr(self.volatility, "deviation"):
            raise DataError(E_VOLATILITY.format(where=self.where, value=self.volatility))
        # Plain numbers, so equal rules compare and print equal; without a floor or cap the
        # volatility plays no part, so it is dropped and such a rule equals full indexation.
        for name in ("lag", "floor", "cap"):
            value = getattr(self, name)
            object.__setattr__(self, name, None if value is None else float(value))
        if not (self.is_limited or self._revaluation_limited):
            object.__setattr__(self, "volatility", None)

    @property
    def is_limited(self) -> bool:
        """True when a floor or a cap applies (LPI)."""
        return self.floor is not None or self.cap is not None

    @property
    def _revaluation_limited(self) -> bool:
        revaluation = self.revaluation
        return revaluation is not None and (revaluation.floor, revaluation.cap) != (None, None)

    def describe(self, volatility: bool = True) -> str:
        """In words, e.g. 'cpi LPI(0%, 5%) on normal caplet volatilities 1% (1y), lag 0.25y'.

        Without ``volatility``, LPI's volatility is left out (see ``describe_volatility``).
        """
        words = "full indexation"
        if self.is_limited:
            words = lpi_label(self.floor, self.cap)
            if volatility:
                words += f" on {self.describe_volatility()}"
        if self.index is not None:
            words = f"{self.index} {words}"
        if self.revaluation is not None:
            words = f"{words}, {self.revaluation.describe()}"
        return f"{words}, lag {self.lag:g}y" if self.lag else words

    def describe_volatility(self) -> str:
        """The volatility LPI is priced on, in words, saying when it is the default."""
        default = " (the default; LPI deltas rest on it)" if self.rests_on_default else ""
        return f"{self.pricing_volatility.describe()}{default}"

    @property
    def rests_on_default(self) -> bool:
        """True for LPI priced on ``DEFAULT_LPI_VOLATILITY`` because no volatility was given."""
        return (self.is_limited or self._revaluation_limited) and self.volatility is None

    @property
    def pricing_volatility(self) -> InflationVolatility:
        """The volatility that prices the floor and cap (the default when none was given)."""
        return DEFAULT_LPI_VOLATILITY if self.volatility is None else self.volatility

    def ratio(self, breakeven: BreakevenRates, t: FloatArray) -> FloatArray:
        """Expected uprating factor U(t), (S, len(t)), of real amounts paid at ``t``.

        With a revaluation to T: U(τ) = E[R(min(τ, T))] x P(τ) / P(min(τ, T)), P the uprating
        in payment (the index, or LPI year by year) and R the clipped cumulative index.
        """
        t = np.asarray(t, dtype=float)
        fixing = np.maximum(t - self.lag, 0.0)
        if self.revaluation is None:
            return self._in_payment(breakeven, fixing)
        end = np.minimum(fixing, self.revaluation.until)
        # P at the fixings and at the deferments' ends from one pass over the years.
        paid, paid_from = np.split(self._in_payment(breakeven, np.concatenate([fixing, end])), 2, 1)
        return self._revalued(breakeven, end) * paid / paid_from

    def _in_payment(self, breakeven: BreakevenRates, fixing: FloatArray) -> FloatArray:
        """P(τ): the index ratio, or with a floor or cap g_1 ⋯ g_⌊τ⌋ x g_(⌊τ⌋+1)^(τ − ⌊τ⌋)."""
        if not self.is_limited:
            return index_ratio(breakeven(fixing), fixing)
        years = np.arange(1.0, np.ceil(fixing.max(initial=0.0)) + 1.0)
        if years.size == 0:
            return np.ones((breakeven(fixing).shape[0], fixing.size))
        growth = self.expected_growth(self._forwards(breakeven, years), years)
        uprated = np.concatenate([np.ones_like(growth[:, :1]), np.cumprod(growth, axis=1)], axis=1)
        whole = np.floor(fixing).astype(int)
        partial = growth[:, np.minimum(whole, years.size - 1)] ** (fixing - whole)
        return uprated[:, whole] * partial

    @staticmethod
    def _forwards(breakeven: BreakevenRates, years: FloatArray) -> FloatArray:
        """1 + f_n = (1 + b(n))^n / (1 + b(n − 1))^(n − 1) for n = ``years`` (1, 2, ...)."""
        cumulative = index_ratio(breakeven(years), years)
        forward = cumulative.copy()
        forward[:, 1:] /= cumulative[:, :-1]
        return forward

    def _revalued(self, breakeven: BreakevenRates, end: FloatArray) -> FloatArray:
        """E[min(max(X, (1 + floor)^T), (1 + cap)^T)] for X = I(T)/I(0), T = ``end``.

        X is lognormal with mean (1 + b(T))^T and log-variance V(T), the sum of each year's
        (the fractional last year pro rata): d_n² (lognormal model) or ln(1 + d_n²/(1 + f_n)²)
        (normal model, matching the year's variance), so its log-sd is √V(T).
        """
        revaluation = cast(Revaluation, self.revaluation)
        mean = index_ratio(breakeven(end), end)
        years = np.arange(1.0, np.ceil(end.max(initial=0.0)) + 1.0)
        if not self._revaluation_limited or years.size == 0:
            return mean  # the index; or no deferment left, where R = 1
        volatility = self.pricing_volatility
        deviation = volatility.deviation(years)
        variance = np.broadcast_to(deviation**2, (mean.shape[0], years.size))
        if volatility.model is VolatilityModel.NORMAL:
            variance = np.log1p(variance / self._forwards(breakeven, years) ** 2)
        summed = np.concatenate([np.zeros_like(variance[:, :1]), np.cumsum(variance, axis=1)], 1)
        whole = np.floor(end).astype(int)
        last = variance[:, np.minimum(whole, years.size - 1)]
        log_sd = np.sqrt(summed[:, whole] + (end - whole) * last)
        value = np.asarray(mean)
        lognormal = VolatilityModel.LOGNORMAL
        if revaluation.floor is not None:
            low = (1.0 + revaluation.floor) ** end
            value = low + lognormal.call(mean - 1.0, low - 1.0, log_sd)
        if revaluation.cap is not None:
            high = (1.0 + revaluation.cap) ** end
            value = value - lognormal.call(mean - 1.0, high - 1.0, log_sd)
        return value

    def expected(self, breakeven: BreakevenCurve, t: FloatArray) -> FloatArray:
        """U(t) on the unshifted ``breakeven`` curve, one value per time."""
        return self.ratio(lambda u: breakeven.rate(u)[None, :], t)[0]

    def expected_growth(self, forward: FloatArray, years: FloatArray) -> FloatArray:
        """g_n = 1 + E[min(max(y_n, floor), cap)] for gross forwards ``forward`` = 1 + f_n.

        Year n = ``years`` (broadcast against ``forward``) fixes at n with the standard
        deviation of ``pricing_volatility``.
        """
        volatility = self.pricing_volatility
        deviation = volatility.deviation(years)
        rate = np.asarray(forward, dtype=float) - 1.0
        growth = volatility.model.collar(rate, self.floor, self.cap, deviation)
        growth += 1.0  # an array of its own (or ``rate``, made here)
        return growth


def _check_bounds(floor: float | None, cap: float | None, where: str) -> None:
    """Floor and cap: finite annual rates above −1 (or None), the floor not above the cap."""
    for bound, value in (("floor", floor), ("cap", cap)):
        if value is not None and not (is_finite_number(value) and value > -1):
            raise DataError(E_BOUND.format(where=where, field=bound, value=plain(value)))
    if floor is not None and cap is not None and floor > cap:
        raise DataError(E_ORDER.format(where=where, floor=plain(floor), cap=plain(cap)))


def lpi_label(floor: float | None, cap: float | None) -> str:
    """LPI(floor, cap) in percent, e.g. 'LPI(0%, 5%)'; '-' for a missing bound."""
    return "LPI({})".format(", ".join("-" if b is None else f"{100 * b:g}%" for b in (floor, cap)))


PLAIN = Indexation()
"""Full indexation with no lag: U(t) = I(t)/I(0)."""
