"""Published monthly price-index fixings (RPI, CPI) and the lagged reference index of a linker.

An inflation-linked instrument is indexed to a monthly index I with a lag of L months. On
day d of month m, a month of D_m days, its reference index is

- interpolated: Ref(d) = I(m − L) + (d − 1)/D_m × (I(m − L + 1) − I(m − L)), moving daily
  from the index of L months before to that of L − 1 months before (index-linked gilts first
  issued from 2005: L = 3);
- flat: Ref(d) = I(m − L) (index-linked gilts first issued before 2005: L = 8).

A seasoned linker's uplift from its base date is the index ratio Ref(settlement)/Ref(base).
Values are unrounded.
"""

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from os import PathLike
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd

from ldi.errors import DataError
from ldi.scheduling.dates import E_DATE, ISO_DATE, ISO_FORM, parse_date, shown
from ldi.storage.files import MAX_DATA_BYTES, read_text
from ldi.typing import ArrayLike, FloatArray
from ldi.validation import plain

E_READ = "{where}: cannot be read ({reason}); expected a CSV file of month and index columns"
E_EMPTY = "{where}: got no {what}; expected at least one month of fixings"
E_NO_MONTH = "{where}: got columns {columns}; expected a 'month' column (YYYY-MM)"
E_NO_INDEX = "{where}: got no index column; expected one column per index beside 'month'"
E_REPEATED = "{where}: column {name!r} appears {count} times; expected each column once"
E_MONTH = "{where}[{i}]: got {value}; expected a month such as 2024-01 (YYYY-MM)"
E_ONE_MONTH = "{where}: got {value}; expected a month such as 2024-01 (YYYY-MM)"
E_MONTHS = "{where}: got {value!r}; expected a pandas PeriodIndex of months (freq 'M')"
E_ORDER = "{where}[{i}]: got {value} after {previous}; expected increasing months"
E_GAP = "{where}[{i}]: got {value} after {previous}; expected consecutive months ({missing})"
E_LENGTH = "{where}: got {n} values for {m} months; expected one value per month"
E_LEVEL = "{where}[{i}] ({month}): got {value}; expected a positive index level"
E_NAME = "{where}: got index name {value!r}; expected a non-empty name such as 'rpi'"
E_INDEX = "{where}: got index {value!r}; expected one of {names}"
E_NO_FIXING = "{where}.{index}: got month {month}; expected a month from {first} to {last}"
E_LAG = "{where}.lag_months: got {value!r}; expected a whole number of months >= 0"
E_PAST = (
    "{where}: {index} reference for {date} with a {lag}-month lag needs the {month} fixing; "
    "the {end} is {bound}"
)

MONTH = re.compile(r"(?!0000)[0-9]{4}-(0[1-9]|1[0-2])")


@dataclass(frozen=True, eq=False)
class IndexHistory:
    """Monthly fixings of one or more price indices, with no month missing.

    ``months`` are consecutive monthly periods; ``values`` maps each index name (e.g.
    ``rpi``) to its positive levels, one per month. Every index has a fixing for every month.

    Examples
    --------
    >>> history = IndexHistory(
    ...     pd.period_range("2023-12", periods=2, freq="M"), {"rpi": [379.0, 378.0]}
    ... )
    >>> round(float(history.reference("rpi", "2024-03-15", 3)), 6)  # 379 + 14/31 × (378 − 379)
    378.548387
    """

    months: pd.PeriodIndex
    values: Mapping[str, FloatArray]
    where: str = field(default="IndexHistory", compare=False, repr=False)

    def __post_init__(self) -> None:
        months = _checked_months(self.months, f"{self.where}.months")
        if not self.values:
            raise DataError(E_NO_INDEX.format(where=self.where))
        checked = {}
        for name, levels in self.values.items():
            if not isinstance(name, str) or not name:
                raise DataError(E_NAME.format(where=self.where, value=name))
            checked[name] = _checked_levels(levels, months, f"{self.where}.{name}")
        object.__setattr__(self, "months", months)
        object.__setattr__(self, "values", MappingProxyType(checked))

    @classmethod
    def from_csv(cls, path: str | PathLike[str]) -> "IndexHistory":
        """Read a CSV of a ``month`` column (YYYY-MM) and one column of levels per index."""
        where = Path(path).name
        text = read_text(path, MAX_DATA_BYTES)
        try:
            header = next(csv.reader(io.StringIO(text, newline="")), [])
            frame = pd.read_csv(
                io.StringIO(text), dtype={"month": str}, keep_default_na=False, na_values=[""]
            )
        except pd.errors.EmptyDataError:
            raise DataError(E_EMPTY.format(where=where, what="rows")) from None
        except (csv.Error, ValueError) as error:  # ValueError: pandas' parser errors
            raise DataError(E_READ.format(where=where, reason=error)) from None
        for name in header:
            if header.count(name) > 1:  # pandas would rename the second 'rpi' to 'rpi.1'
                raise DataError(E_REPEATED.format(where=where, name=name, count=header.count(name)))
        return cls.from_frame(frame, where=where)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, where: str = "IndexHistory") -> "IndexHistory":
        """The history in ``frame``: a ``month`` column and one column per index, in rows.

        Errors name ``where`` (e.g. the file), the column, the row and its month.
        """
        columns = [str(c) for c in frame.columns]
        if "month" not in columns:
            raise DataError(E_NO_MONTH.format(where=where, columns=columns))
        if frame.empty:
            raise DataError(E_EMPTY.format(where=where, what="rows"))
        months = _checked_months(_parse_months(frame["month"], f"{where}.month"), f"{where}.month")
        values = {}
        for name in frame.columns:
            if str(name) == "month":
                continue
            cells = frame[name]
            numbers = pd.to_numeric(cells, errors="coerce").to_numpy(dtype=float)
            _check_positive(numbers, months, f"{where}.{name}", cells.to_numpy(dtype=object))
            values[str(name)] = numbers
        return cls(months, values, where=where)

    @property
    def names(self) -> tuple[str, ...]:
        """The index names, in order."""
        return tuple(self.values)

    def fixing(self, index: str, month: str | pd.Period) -> float:
        """The level of ``index`` for ``month`` (a ``YYYY-MM`` text or a monthly Period)."""
        levels = self._levels(index)
        period = _one_month(month, f"{self.where}.{index}.month")
        position = period.ordinal - self.months[0].ordinal
        if not 0 <= position < len(self.months):
            raise DataError(
                E_NO_FIXING.format(
                    where=self.where,
                    index=index,
                    month=period,
                    first=self.months[0],
                    last=self.months[-1],
                )
            )
        return float(levels[position])

    def last(self, index: str) -> pd.Period:
        """The last month with a fixing of ``index``."""
        self._levels(index)
        return self.months[-1]

    def reference(
        self, index: str, dates: ArrayLike, lag_months: int, interpolate: bool = True
    ) -> FloatArray:
        """Reference index at calendar ``dates`` with a lag of ``lag_months`` (L) months.

        On day d of month m (D_m days): I(m − L) + (d − 1)/D_m × (I(m − L + 1) − I(m − L))
        with ``interpolate``, else I(m − L). ``dates`` are ISO texts (YYYY-MM-DD), numpy
        datetime64 or pandas Timestamps; the result has their shape. On the first of a month
        the interpolated value is I(m − L), and I(m − L + 1) is not needed.
        """
        levels = self._levels(index)
        lag = _lag(lag_months, self.where)
        shape = np.shape(dates)
        stamps = _timestamps(dates, f"{self.where}.{index}.dates")
        weight = (
            (stamps.day.to_numpy() - 1.0) / stamps.days_in_month.to_numpy()
            if interpolate
            else np.zeros(len(stamps))
        )
        lower = stamps.to_period("M").asi8 - lag - self.months[0].ordinal
        upper = lower + (weight > 0)
        self._check_reach(index, stamps, lag, lower, upper)
        # The upper month carries weight 0 where it is not needed (and may not be published).
        top = len(self.months) - 1
        base = levels[lower]
        reference = base + weight * (levels[np.minimum(lower + 1, top)] - base)
        return reference.reshape(shape)

    def index_ratio(
        self,
        index: str,
        settlement: ArrayLike,
        base: ArrayLike,
        lag_months: int,
        interpolate: bool = True,
    ) -> FloatArray:
        """Uplift of a linker from its ``base`` date to ``settlement``: Ref(settlement)/Ref(base).

        Both reference values as :meth:`reference` gives them, with the same lag.
        """
        return self.reference(index, settlement, lag_months, interpolate) / self.reference(
            index, base, lag_months, interpolate
        )

    def _levels(self, index: str) -> FloatArray:
        if index not in self.values:
            raise DataError(E_INDEX.format(where=self.where, value=index, names=list(self.values)))
        return self.values[index]

    def _check_reach(
        self,
        index: str,
        stamps: pd.DatetimeIndex,
        lag: int,
        lower: np.ndarray,
        upper: np.ndarray,
    ) -> None:
        """Raise a DataError for the first date whose lagged months have no fixing."""
        for needed, bad, end, bound in (
            (lower, lower < 0, "first", self.months[0]),
            (upper, upper >= len(self.months), "last", self.months[-1]),
        ):
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                raise DataError(
                    E_PAST.format(
                        where=self.where,
                        index=index,
                        date=stamps[i].date(),
                        lag=lag,
                        month=self.months[0] + int(needed[i]),
                        end=end,
                        bound=bound,
                    )
                )


def _checked_months(months: object, where: str) -> pd.PeriodIndex:
    """``months`` as given when they are consecutive monthly periods, else a DataError."""
    if not isinstance(months, pd.PeriodIndex) or months.freqstr != "M":
        raise DataError(E_MONTHS.format(where=where, value=months))
    if len(months) == 0:
        raise DataError(E_EMPTY.format(where=where, what="months"))
    steps = np.diff(months.asi8)
    bad = np.flatnonzero(steps != 1)
    if bad.size:
        i = int(bad[0]) + 1
        value, previous = months[i], months[i - 1]
        if steps[i - 1] <= 0:
            raise DataError(E_ORDER.format(where=where, i=i, value=value, previous=previous))
        first, last = previous + 1, value - 1
        missing = f"{first} is missing" if first == last else f"{first} to {last} are missing"
        raise DataError(
            E_GAP.format(where=where, i=i, value=value, previous=previous, missing=missing)
        )
    return months


def _checked_levels(levels: ArrayLike, months: pd.PeriodIndex, where: str) -> FloatArray:
    """Positive finite levels, one per month, as a read-only float array."""
    try:
        array = np.array(levels, dtype=float, ndmin=1)
    except (TypeError, ValueError):
        raise DataError(E_LENGTH.format(where=where, n="non-numeric", m=len(months))) from None
    if array.ndim != 1 or array.size != len(months):
        raise DataError(E_LENGTH.format(where=where, n=array.size, m=len(months)))
    _check_positive(array, months, where)
    array.setflags(write=False)
    return array


def _check_positive(
    numbers: FloatArray, months: pd.PeriodIndex, where: str, cells: np.ndarray | None = None
) -> None:
    """Raise a DataError naming the first level that is not a positive finite number.

    ``cells`` are the values as written in a file, shown in place of the number (a text as
    itself, a missing value as a blank cell).
    """
    bad = np.flatnonzero(~(np.isfinite(numbers) & (numbers > 0)))
    if bad.size:
        i = int(bad[0])
        value = repr(float(numbers[i])) if cells is None else shown(cells[i])
        raise DataError(E_LEVEL.format(where=where, i=i, month=months[i], value=value))


def _parse_months(cells: pd.Series, where: str) -> pd.PeriodIndex:
    """Texts ``YYYY-MM`` as monthly periods; a DataError names the first that is not one."""
    if isinstance(cells.dtype, pd.PeriodDtype) and cells.dtype.freq.freqstr == "M":
        return pd.PeriodIndex(cells)
    if pd.api.types.is_string_dtype(cells.dtype):  # a cell that is no text matches nothing
        ok = cells.str.fullmatch(MONTH.pattern).to_numpy(dtype=bool, na_value=False)
    else:
        ok = np.zeros(len(cells), dtype=bool)
    if not ok.all():
        i = int(np.flatnonzero(~ok)[0])
        raise DataError(E_MONTH.format(where=where, i=i, value=shown(cells.iloc[i])))
    text = cells.astype(str)
    years = text.str.slice(0, 4).astype(int).to_numpy()
    numbers = text.str.slice(5, 7).astype(int).to_numpy()
    return pd.PeriodIndex.from_ordinals((years - 1970) * 12 + numbers - 1, freq="M")


def _one_month(value: object, where: str) -> pd.Period:
    """A month given as ``YYYY-MM`` text or as a monthly Period."""
    if isinstance(value, pd.Period) and value.freqstr == "M":
        return value
    if isinstance(value, str) and MONTH.fullmatch(value.strip()):
        return pd.Period(value.strip(), freq="M")
    raise DataError(E_ONE_MONTH.format(where=where, value=shown(value)))


def _lag(value: object, where: str) -> int:
    """A lag in whole months, at least 0."""
    whole = isinstance(value, int | np.integer) and not isinstance(value, bool)
    if not whole or int(value) < 0:  # type: ignore[call-overload]
        raise DataError(E_LAG.format(where=where, value=plain(value)))
    return int(value)  # type: ignore[call-overload]


def _timestamps(dates: ArrayLike, where: str) -> pd.DatetimeIndex:
    """Calendar dates as a DatetimeIndex at midnight; a DataError names the first that is not.

    Texts must be ISO dates (YYYY-MM-DD); datetime64 arrays, Timestamps and dates are read
    as they are. Arrays of one kind are converted at once; mixed ones date by date.
    """
    flat = np.ravel(np.asarray(dates))
    kind = pd.api.types.infer_dtype(flat, skipna=False)
    if kind == "string":
        valid = pd.Series(flat, dtype=object).str.fullmatch(ISO_DATE.pattern).to_numpy(dtype=bool)
        stamps = pd.DatetimeIndex(
            pd.to_datetime(np.where(valid, flat, ""), format="%Y-%m-%d", errors="coerce")
        )
    elif kind in ("datetime64", "datetime", "date"):
        stamps = pd.DatetimeIndex(pd.to_datetime(flat, errors="coerce"))
        if stamps.tz is not None:
            stamps = stamps.tz_localize(None)
    else:
        parsed = [parse_date(value) for value in flat]
        stamps = pd.DatetimeIndex([pd.NaT if p is None else p for p in parsed])
    missing = np.flatnonzero(stamps.isna())
    if missing.size:
        i = int(missing[0])
        value = flat[i]
        shown_value = str(value) if isinstance(value, np.datetime64 | date) else shown(value)
        raise DataError(E_DATE.format(where=where, i=i, value=shown_value, form=ISO_FORM))
    return stamps.normalize()
