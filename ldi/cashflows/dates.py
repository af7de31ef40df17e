"""Dates to year fractions from the valuation date, ACT/365F."""

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd

from ldi.errors import DataError
from ldi.typing import FloatArray
from ldi.units import DAYS_PER_YEAR
from ldi.validation import plain

E_DATE = "{where}[{i}]: got {value!r}; expected a date such as 2035-06-30"
E_VALUATION_DATE = "{where}: got {value!r}; expected a date such as 2025-12-31"

DateLike = date | str | np.datetime64 | pd.Timestamp


def _is_number(value: object) -> bool:
    """True for bare numbers, which pandas would read as nanoseconds since 1970, not dates."""
    return isinstance(value, int | float | np.number | np.bool_)


def to_timestamp(value: DateLike, where: str = "valuation_date") -> pd.Timestamp:
    """One date as a pandas Timestamp (time of day dropped), or a DataError naming ``where``."""
    if _is_number(value):
        raise DataError(E_VALUATION_DATE.format(where=where, value=value))
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
    # A number such as 20350630 would otherwise become a 1970 date and its flow be dropped.
    numbers = np.array([_is_number(v) for v in values], dtype=bool)
    dates_only = [None if n else v for v, n in zip(values, numbers, strict=True)]
    stamps = pd.to_datetime(pd.Series(dates_only, dtype=object), errors="coerce")
    bad = np.flatnonzero(stamps.isna().to_numpy() | numbers)
    if bad.size:
        i = int(bad[0])
        raise DataError(E_DATE.format(where=where, i=i, value=plain(values[i])))
    days = (stamps.dt.normalize() - origin).dt.days.to_numpy(dtype=float)
    return days / DAYS_PER_YEAR
