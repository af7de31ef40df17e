"""Dates to year fractions from the valuation date, ACT/365F.

A date written as text must be an ISO date, YYYY-MM-DD: ``01/06/2035`` is 1 June to some and
6 January to others, and pandas would guess one reading from the first rows of a column.
Date objects (``datetime.date``, ``pandas.Timestamp``, ``numpy.datetime64``) are taken as they
are, their time of day dropped. Anything else (a number, a blank, another form) is refused.
"""

import re
from collections.abc import Sequence
from datetime import date, datetime

import numpy as np
import pandas as pd

from ldi.errors import DataError
from ldi.typing import FloatArray
from ldi.units import DAYS_PER_YEAR
from ldi.validation import plain

ISO_FORM = "YYYY-MM-DD"
E_DATE = "{where}[{i}]: got {value}; expected a date such as 2035-06-30 ({form})"
E_VALUATION_DATE = "{where}: got {value}; expected a date such as 2025-12-31 ({form})"
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

DateLike = date | str | np.datetime64 | pd.Timestamp


def parse_date(value: object) -> pd.Timestamp | None:
    """``value`` as a Timestamp at midnight, or None when it is no date in an accepted form."""
    if isinstance(value, str):
        text = value.strip()
        if not ISO_DATE.fullmatch(text):
            return None
        try:
            value = date.fromisoformat(text)
        except ValueError:  # no such day, such as 2035-02-30
            return None
    if not isinstance(value, date | np.datetime64):  # pd.Timestamp is a date too
        return None
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, OverflowError):  # beyond pandas' years 1677-2262
        return None
    return None if pd.isna(stamp) else stamp.normalize()


def iso_date(value: object) -> date:
    """A date, or text in ISO form as one; else a ValueError saying what is expected.

    For a schema's field: unlike pydantic's own dates, no number (seconds since 1970), no
    time of day and no other form of text is read as a date.
    """
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    stamp = parse_date(value) if isinstance(value, str) else None
    if stamp is None:
        raise ValueError(f"expected a date such as 2025-12-31 ({ISO_FORM})")
    return stamp.date()


def shown(value: object) -> str:
    """A cell as messages show it: its repr, or 'a blank cell' for a missing value."""
    value = plain(value)
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "a blank cell"
    return repr(value)


def to_timestamp(value: DateLike, where: str = "valuation_date") -> pd.Timestamp:
    """One date as a pandas Timestamp (time of day dropped), or a DataError naming ``where``."""
    stamp = parse_date(value)
    if stamp is None:
        raise DataError(E_VALUATION_DATE.format(where=where, value=shown(value), form=ISO_FORM))
    return stamp


def year_fractions(
    dates: Sequence[DateLike] | pd.Series | pd.Index,
    valuation_date: DateLike,
    where: str = "dates",
    rows: Sequence[object] | None = None,
) -> FloatArray:
    """ACT/365F year fractions from ``valuation_date`` to each of ``dates`` (negative before).

    t = (date - valuation_date in days) / 365. A date that is not one is reported by its
    name in ``rows`` (its row in a file), else by its position.
    """
    origin = to_timestamp(valuation_date)
    values = list(dates)
    stamps = [parse_date(value) for value in values]
    for i, stamp in enumerate(stamps):
        if stamp is None:
            row = i if rows is None else rows[i]
            raise DataError(
                E_DATE.format(where=where, i=row, value=shown(values[i]), form=ISO_FORM)
            )
    days = np.array([(stamp - origin).days for stamp in stamps], dtype=float)
    return days / DAYS_PER_YEAR
