"""Single-curve par swap bootstrap and par rates.

A par swap of tenor n with fixed-leg frequency f satisfies s_n Σ_i τ_i DF(t_i) = 1 − DF(n),
with payment dates rolled back from n (a short first period when n is off the grid).
Pillars are solved one at a time (:func:`ldi.roots.bracketed_root`, from the par rate as
first guess); payment dates between two pillars are discounted with the
curve's own interpolation, so the finished curve reprices every input swap exactly.
"""

from functools import partial

import numpy as np

from ldi.curves.base import RateCurve
from ldi.curves.interpolation import Interpolation, interpolate_zero
from ldi.errors import DataError
from ldi.roots import bracketed_root
from ldi.scheduling.schedule import Schedule, check_frequency, fixed_leg
from ldi.typing import ArrayLike, FloatArray
from ldi.units import Compounding
from ldi.validation import enum_choice, finite_vector, same_length, tenor_vector

E_NO_ROOT = (
    "par_rates[{i}]: {rate!r} at tenor {tenor!r} cannot be bootstrapped: no zero rate in "
    "[{low}, {high}] reprices it given the shorter swaps"
)
_SEARCH = (-0.05, 1.0)  # zero rates searched for each pillar
_BOUND_MARGIN = 1e-12  # keeps the lowest rate searched strictly above the DF > 0 bound


def par_rate(curve: RateCurve, tenor: float, frequency: int = 1) -> float:
    """Fixed rate that gives a spot-starting swap of ``tenor`` years zero value on ``curve``."""
    return float(ParSwapStrip([tenor], frequency).rates(curve)[0])


def bootstrap_par_swaps(
    tenors: ArrayLike,
    par_rates: ArrayLike,
    frequency: int = 1,
    compounding: Compounding | str = Compounding.ANNUAL,
    interpolation: Interpolation | str = Interpolation.LINEAR_ZERO,
) -> tuple[FloatArray, FloatArray]:
    """(pillars, zero rates): the swap ``tenors`` and the zero rates that reprice every swap."""
    tenors = tenor_vector(tenors, "from_par_swaps.tenors")
    quotes = finite_vector(par_rates, "from_par_swaps.par_rates")
    same_length(tenors, quotes, "from_par_swaps", ("tenors", "par_rates"))
    frequency = check_frequency(frequency, "from_par_swaps")
    compounding = enum_choice(Compounding, compounding, "from_par_swaps.compounding")
    interpolation = enum_choice(Interpolation, interpolation, "from_par_swaps.interpolation")

    zeros = np.zeros_like(tenors)
    for i, (tenor, quote) in enumerate(zip(tenors, quotes, strict=True)):
        mispricing = partial(
            _swap_value,
            quote=float(quote),
            leg=fixed_leg(float(tenor), frequency, start=0.0, where="from_par_swaps"),
            pillars=tenors[: i + 1],
            solved=zeros[:i].copy(),
            compounding=compounding,
            interpolation=interpolation,
        )
        # Simple compounding has no DF at rates <= -1/tenor, which can be above _SEARCH[0].
        low = max(_SEARCH[0], float(compounding.lowest_rate(tenor)) + _BOUND_MARGIN)
        high = _SEARCH[1]
        if not mispricing(low) > 0 > mispricing(high):
            raise DataError(
                E_NO_ROOT.format(i=i, rate=float(quote), tenor=float(tenor), low=low, high=high)
            )
        zeros[i] = bracketed_root(mispricing, low, high, guess=float(quote))
    return tenors, zeros


def _swap_value(
    rate: float,
    *,
    quote: float,
    leg: Schedule,
    pillars: FloatArray,
    solved: FloatArray,
    compounding: Compounding,
    interpolation: Interpolation,
) -> float:
    """Value of a receive-fixed par swap per unit notional when the newest pillar is ``rate``.

    It falls as ``rate`` rises, so each pillar has at most one root.
    """
    zeros = interpolate_zero(
        leg.times, pillars, np.append(solved, rate), compounding, interpolation
    )
    discount = compounding.discount(zeros, leg.times)
    return quote * float(leg.accruals @ discount) + float(discount[-1]) - 1.0


def par_rates(curve: RateCurve, tenors: ArrayLike, frequency: int = 1) -> FloatArray:
    """:func:`par_rate` at each of ``tenors``; see :class:`ParSwapStrip` to reprice often."""
    return ParSwapStrip(tenors, frequency).rates(curve)


class ParSwapStrip:
    """Spot-starting par swaps of several tenors, their schedules laid out once.

    ``rates(curve)`` is (1 − DF(n)) / Σ τ_i DF(t_i) for every tenor n from one discount-factor
    evaluation on the union of payment dates: cheap enough to call inside a curve fit.
    """

    def __init__(self, tenors: ArrayLike, frequency: int = 1) -> None:
        legs = [
            fixed_leg(float(t), frequency, start=0.0, where="par_rates")
            for t in np.atleast_1d(tenors)
        ]
        self.times, columns = np.unique(
            np.concatenate([leg.times for leg in legs]), return_inverse=True
        )
        self.accruals = np.zeros((len(legs), self.times.size))
        rows = np.repeat(np.arange(len(legs)), [leg.times.size for leg in legs])
        self.accruals[rows, columns] = np.concatenate([leg.accruals for leg in legs])
        self.maturity_columns = np.searchsorted(self.times, [leg.times[-1] for leg in legs])

    def rates(self, curve: RateCurve) -> FloatArray:
        """Par rate of each swap on ``curve``."""
        discount = curve.discount(self.times)
        return (1.0 - discount[self.maturity_columns]) / (self.accruals @ discount)
