"""Zero curves given by pillar tenors and zero rates (docs/conventions.md, Zero curves)."""

from dataclasses import dataclass, field

import numpy as np

from ldi.curves.base import RateCurve
from ldi.curves.bootstrap import bootstrap_par_swaps
from ldi.curves.interpolation import Interpolation, checked_term_structure, interpolate_zero
from ldi.curves.spread import NO_SPREAD, RateSpread
from ldi.typing import ArrayLike, FloatArray
from ldi.units import Compounding
from ldi.validation import enum_choice


@dataclass(frozen=True, eq=False)
class ZeroCurve(RateCurve):
    """Zero curve from pillar ``tenors`` (years) and zero ``rates`` (decimals) in ``compounding``.

    Default interpolation is linear in the zero rate; the zero rate is flat before the first
    and after the last tenor. ``spread`` (default none) is added to every zero rate; bumped
    curves are built that way, so the pillars always show the unbumped market.

    Examples
    --------
    >>> curve = ZeroCurve([1, 10], [0.03, 0.04], compounding="annual")
    >>> round(float(curve.zero_rate(5.5)), 6)
    0.035
    >>> round(float(curve.discount(1)), 10) == round(1 / 1.03, 10)
    True
    """

    tenors: FloatArray
    rates: FloatArray
    compounding: Compounding = Compounding.ANNUAL
    interpolation: Interpolation = Interpolation.LINEAR_ZERO
    spread: RateSpread = field(default=NO_SPREAD)

    def __post_init__(self) -> None:
        compounding = enum_choice(Compounding, self.compounding, "ZeroCurve.compounding")
        interpolation = enum_choice(Interpolation, self.interpolation, "ZeroCurve.interpolation")
        tenors, rates = checked_term_structure(self.tenors, self.rates, compounding, "ZeroCurve")
        object.__setattr__(self, "compounding", compounding)
        object.__setattr__(self, "interpolation", interpolation)
        object.__setattr__(self, "tenors", tenors)
        object.__setattr__(self, "rates", rates)

    @classmethod
    def flat(cls, rate: float, compounding: Compounding | str = Compounding.ANNUAL) -> "ZeroCurve":
        """A curve with the same zero ``rate`` at every maturity."""
        return cls(np.array([1.0]), np.array([rate]), compounding=compounding)

    @classmethod
    def from_par_swaps(
        cls,
        tenors: ArrayLike,
        par_rates: ArrayLike,
        frequency: int = 1,
        compounding: Compounding | str = Compounding.ANNUAL,
        interpolation: Interpolation | str = Interpolation.LINEAR_ZERO,
    ) -> "ZeroCurve":
        """Bootstrap a curve on which every par swap reprices exactly (see ``bootstrap``)."""
        pillars, zeros = bootstrap_par_swaps(
            tenors, par_rates, frequency, compounding, interpolation
        )
        return cls(pillars, zeros, compounding=compounding, interpolation=interpolation)

    def _model_rate(self, t: FloatArray) -> FloatArray:
        return interpolate_zero(t, self.tenors, self.rates, self.compounding, self.interpolation)

    def __repr__(self) -> str:
        extra = "" if self.spread.is_zero else ", spread=..."
        return (
            f"ZeroCurve(tenors={self.tenors.tolist()}, rates={self.rates.tolist()}, "
            f"compounding={self.compounding.value!r}, "
            f"interpolation={self.interpolation.value!r}{extra})"
        )
