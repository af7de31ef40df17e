"""Vectorized risk: present values and rate/inflation sensitivities of cash-flow streams."""

from ldi.risk.by_curve import curve_exposures
from ldi.risk.matrix import CashflowMatrix
from ldi.risk.revalue import revalue
from ldi.risk.sensitivities import (
    SUMMARY_COLUMNS,
    convexity,
    duration,
    exposures,
    ie01,
    key_rate_column,
    key_rate_pv01,
    pv,
    pv01,
)

__all__ = [
    "SUMMARY_COLUMNS",
    "CashflowMatrix",
    "convexity",
    "curve_exposures",
    "duration",
    "exposures",
    "ie01",
    "key_rate_column",
    "key_rate_pv01",
    "pv",
    "pv01",
    "revalue",
]
