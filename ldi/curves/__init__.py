"""Nominal zero curves, regulatory (UFR) curves, breakeven curves and the bumps that move them."""

from ldi.curves.base import RateCurve
from ldi.curves.bootstrap import par_rate, par_rates
from ldi.curves.inflation import BreakevenCurve, index_ratio
from ldi.curves.nss import NelsonSiegelSvensson, NSSFit, QuoteKind, fit_nss
from ldi.curves.spread import DEFAULT_KEYS, RateSpread, key_rate_weights
from ldi.curves.ufr import ConstantForwardCurve, SmithWilsonCurve
from ldi.curves.zero import Interpolation, ZeroCurve

__all__ = [
    "DEFAULT_KEYS",
    "BreakevenCurve",
    "ConstantForwardCurve",
    "Interpolation",
    "NSSFit",
    "NelsonSiegelSvensson",
    "QuoteKind",
    "RateCurve",
    "RateSpread",
    "SmithWilsonCurve",
    "ZeroCurve",
    "fit_nss",
    "index_ratio",
    "key_rate_weights",
    "par_rate",
    "par_rates",
]
