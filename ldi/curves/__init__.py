"""Nominal zero curves, regulatory (UFR) curves, breakeven curves and the bumps that move them."""

from ldi.curves.base import RateCurve
from ldi.curves.bootstrap import par_rate, par_rates
from ldi.curves.index_history import IndexHistory
from ldi.curves.inflation import BreakevenCurve, IndexCurves, WedgeCurve, index_ratio
from ldi.curves.inflation_volatility import (
    DEFAULT_LPI_VOLATILITY,
    CapletVolatility,
    InflationVolatility,
    VolatilityModel,
    YearlyVolatility,
)
from ldi.curves.nss import NelsonSiegelSvensson, NSSFit, QuoteKind, fit_nss
from ldi.curves.spread import DEFAULT_KEYS, RateSpread, key_rate_weights
from ldi.curves.ufr import ConstantForwardCurve, SmithWilsonCurve
from ldi.curves.zero import Interpolation, ZeroCurve

__all__ = [
    "DEFAULT_KEYS",
    "DEFAULT_LPI_VOLATILITY",
    "BreakevenCurve",
    "CapletVolatility",
    "IndexCurves",
    "IndexHistory",
    "InflationVolatility",
    "ConstantForwardCurve",
    "Interpolation",
    "NSSFit",
    "NelsonSiegelSvensson",
    "QuoteKind",
    "RateCurve",
    "RateSpread",
    "SmithWilsonCurve",
    "VolatilityModel",
    "WedgeCurve",
    "YearlyVolatility",
    "ZeroCurve",
    "fit_nss",
    "index_ratio",
    "key_rate_weights",
    "par_rate",
    "par_rates",
]
