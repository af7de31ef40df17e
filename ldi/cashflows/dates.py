"""Dates to year fractions from the valuation date, ACT/365F."""

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd

from ldi.errors import DataError
from ldi.typing import FloatArray
from ldi.units import DAYS_PER_YEAR

E_DATE = "{where}[{i}]: got {value!r}; expected a date such as 2035-06-30"
E_VALUATION_DATE = "{where}: got {value!r}; expected a date such as 2025-12-31"

DateLike = date | str | np.datetime64 | pd.Timestamp


def to_timestamp(value: DateLike, where: str = "valuation_date") -> pd.Timestamp:
    """One date as a pandas Timestamp (time of day dropped), or a DataError naming ``where``."""
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise DataError(E_VALUATION_DATE.format(where=where, value=value)) from None
    if pd.isna(stamp):
        raise DataError(E_VALUATION_DATE.format(where=where, value=value))
    return stamp.normalize()


def year_fractions(
    dates: Sequence[DateLike] | pd.Series | pd.Index,
    valuation_date: DateLike,
    where: str = "dates",
) -> FloatArray:
    """ACT/365F year fractions from ``valuation_date`` to each of ``dates`` (negative before)."""
    origin = to_timestamp(valuation_date)
    values = list(dates)
    stamps = pd.to_datetime(pd.Series(values, dtype=object), errors="coerce")
    bad = np.flatnonzero(stamps.isna().to_numpy())
    if bad.size:
        i = int(bad[0])
        raise DataError(E_DATE.format(where=where, i=i, value=values[i]))
    days = (stamps.dt.normalize() - origin).dt.days.to_numpy(dtype=float)
    return days / DAYS_PER_YEAR
