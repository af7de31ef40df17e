"""ldi: liability-driven investment risk and portfolio optimization.

The public interface (see the README): curves, cash flows, risk measures and problem files.
"""

from ldi.cashflows import BondSchedule, Cashflows, year_fractions
from ldi.curves import (
    DEFAULT_KEYS,
    BreakevenCurve,
    Interpolation,
    NelsonSiegelSvensson,
    ZeroCurve,
    fit_nss,
    par_rate,
)
from ldi.errors import DataError, LDIError, SpecError
from ldi.io.load import load_problem
from ldi.risk import convexity, duration, exposures, ie01, key_rate_pv01, pv, pv01
from ldi.units import BP, Compounding

__all__ = [
    "BP",
    "DEFAULT_KEYS",
    "BondSchedule",
    "BreakevenCurve",
    "Cashflows",
    "Compounding",
    "DataError",
    "Interpolation",
    "LDIError",
    "NelsonSiegelSvensson",
    "SpecError",
    "ZeroCurve",
    "convexity",
    "duration",
    "exposures",
    "fit_nss",
    "ie01",
    "key_rate_pv01",
    "load_problem",
    "par_rate",
    "pv",
    "pv01",
    "year_fractions",
]
