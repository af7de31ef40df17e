"""A stream of dated payments: fixed nominal amounts and inflation-linked real amounts."""

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from ldi.cashflows.indexation import PLAIN, Indexation
from ldi.errors import DataError, LDIWarning
from ldi.plausible import BENEFIT, MONEY
from ldi.scheduling.dates import DateLike, to_timestamp, year_fractions
from ldi.typing import ArrayLike, FloatArray
from ldi.validation import MAX_YEARS, check_max_years, finite_vector, plain, same_length

AMOUNT_COLUMNS = ("fixed", "inflation_linked")
E_COLUMNS = (
    "{where}: columns {columns}; expected 'time' (or 'date' with a valuation date) and "
    "at least one of 'fixed', 'amount', 'inflation_linked'"
)
E_UNKNOWN_COLUMNS = "{where}: unknown columns {unknown}; expected only {allowed}"
E_DUPLICATE_COLUMNS = "{where}: columns {duplicated} appear more than once; expected each once"
E_DATES_NEED_VALUATION = "{where}: has a 'date' column; pass valuation_date to convert it"
E_CELL = "{where}[{i}]: got {value!r}; expected a finite number"
E_READ = "{where}: cannot read the file ({reason})"
E_PAST = (
    "{where}[{row}]: got {value}, on or before the valuation date{date} ({count} such "
    "{rows}); expected payments after it (t > 0), or liabilities.past_flows: drop to leave "
    "past flows out"
)
E_FAR_DATE = (
    "{where}[{row}]: got {value}, {years:.1f} years after the valuation date {date}; "
    "expected a date at most {max:g} years after it"
)
W_DROPPED = (
    "{where}: left out {count} past {flows} (on or before the valuation date; "
    "liabilities.past_flows: drop): {fixed:,.0f} fixed and {linked:,.0f} inflation-linked (real)"
)
E_FACTOR = "Cashflows.scaled: got factor {factor!r}; expected a finite number"
E_MIXED_INDEXATION = (
    "Cashflows: cannot add streams indexed differently ({first} and {second}); "
    "expected the same indexation, or keep them as separate streams"
)


@dataclass(frozen=True, eq=False)
class Cashflows:
    """Payments at year fractions ``times``: ``amounts`` fixed nominal, ``inflation_linked`` real.

    A real amount a at time t pays a x U(t) in money, where U is the uprating of
    ``indexation`` (by default the index ratio I(t)/I(0) of ``BreakevenCurve``). Flows at
    t <= 0 are kept but excluded from present values; times beyond ``MAX_YEARS`` (150) are
    refused. Arrays are read-only.

    Examples
    --------
    >>> cf = Cashflows([1, 2], [5.0, 105.0])
    >>> float(cf.amounts.sum())
    110.0
    """

    times: FloatArray
    amounts: FloatArray
    inflation_linked: FloatArray | None = None
    indexation: Indexation = PLAIN

    def __post_init__(self) -> None:
        times = finite_vector(self.times, "Cashflows.times")
        check_max_years(times, "Cashflows.times")
        amounts = finite_vector(self.amounts, "Cashflows.amounts")
        same_length(times, amounts, "Cashflows", ("times", "amounts"))
        if self.inflation_linked is None:
            linked = np.zeros_like(times)
            linked.setflags(write=False)
        else:
            linked = finite_vector(self.inflation_linked, "Cashflows.inflation_linked")
            same_length(times, linked, "Cashflows", ("times", "inflation_linked"))
        object.__setattr__(self, "times", times)
        object.__setattr__(self, "amounts", amounts)
        object.__setattr__(self, "inflation_linked", linked)

    def __len__(self) -> int:
        return int(self.times.size)

    def __add__(self, other: "Cashflows") -> "Cashflows":
        """Both streams together, payments at the same time summed (same indexation only)."""
        both_linked = self.has_inflation_linked and other.has_inflation_linked
        if both_linked and self.indexation != other.indexation:
            raise DataError(
                E_MIXED_INDEXATION.format(
                    first=self.indexation.describe(), second=other.indexation.describe()
                )
            )
        # The indexation of whichever stream has linked amounts (this one's when neither has).
        linked_other = other.has_inflation_linked and not self.has_inflation_linked
        indexation = other.indexation if linked_other else self.indexation
        return Cashflows(
            np.concatenate([self.times, other.times]),
            np.concatenate([self.amounts, other.amounts]),
            np.concatenate([self.inflation_linked, other.inflation_linked]),
            indexation,
        ).aggregate()

    @property
    def has_inflation_linked(self) -> bool:
        """True when any real (inflation-linked) amount is non-zero."""
        return bool(np.any(self.inflation_linked))

    def aggregate(self) -> "Cashflows":
        """One payment per distinct time, in time order, amounts summed."""
        times, index = np.unique(self.times, return_inverse=True)
        fixed = np.bincount(index, weights=self.amounts, minlength=times.size)
        linked = np.bincount(index, weights=self.inflation_linked, minlength=times.size)
        return Cashflows(times, fixed, linked, self.indexation)

    def scaled(self, factor: float) -> "Cashflows":
        """Every amount multiplied by ``factor`` (the times, checked once, are shared)."""
        if not np.isfinite(factor):
            raise DataError(E_FACTOR.format(factor=plain(factor)))
        return Cashflows.of_checked(
            self.times,
            self.amounts * factor,
            self.inflation_linked * factor,
            self.indexation,
        )

    @classmethod
    def of_checked(
        cls,
        times: FloatArray,
        amounts: FloatArray,
        inflation_linked: FloatArray | None = None,
        indexation: Indexation = PLAIN,
    ) -> "Cashflows":
        """Flows from arrays taken as they are, made read-only: no check is repeated.

        The caller vouches for what ``__init__`` checks: 1-D float arrays of one length,
        finite, times within MAX_YEARS (e.g. slices of a checked schedule).
        """
        linked = np.zeros(times.size) if inflation_linked is None else inflation_linked
        for array in (times, amounts, linked):
            array.setflags(write=False)
        flows = object.__new__(cls)
        vars(flows).update(
            times=times, amounts=amounts, inflation_linked=linked, indexation=indexation
        )
        return flows

    def to_frame(self) -> pd.DataFrame:
        """Columns time, fixed, inflation_linked (the CSV layout)."""
        return pd.DataFrame(
            {"time": self.times, "fixed": self.amounts, "inflation_linked": self.inflation_linked}
        )

    @classmethod
    def from_dates(
        cls,
        dates: Sequence[DateLike],
        amounts: ArrayLike,
        valuation_date: DateLike,
        inflation_linked: ArrayLike | None = None,
    ) -> "Cashflows":
        """Payments on calendar ``dates``, timed ACT/365F from ``valuation_date``."""
        return cls(year_fractions(dates, valuation_date), amounts, inflation_linked)

    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        valuation_date: DateLike | None = None,
        where: str = "cashflows",
        *,
        allow_negative: bool = False,
    ) -> "Cashflows":
        """A benefit table: ``time`` (or ``date``), ``fixed`` (or ``amount``), ``inflation_linked``.

        A missing amount column means zeros; at least one must be present. Unknown columns are
        errors, so a misspelt header is caught rather than read as zero. Every payment must
        fall after the valuation date (leave past ones out with :func:`without_past_flows`)
        and within ``MAX_YEARS`` of it; amounts must be plausible benefits (``BENEFIT``), or
        any plausible money (``MONEY``) when ``allow_negative``. Errors name the row by the
        frame's integer index (its row in the file), else by position.
        """
        table = _Table.read(frame, valuation_date, where)
        table.check_future()
        amounts = MONEY if allow_negative else BENEFIT
        for column, values in (
            (table.fixed_column, table.fixed),
            ("inflation_linked", table.linked),
        ):
            amounts.check_each(values, f"{where}.{column}", table.rows)
        return cls(table.times, table.fixed, table.linked)

    @classmethod
    def from_csv(
        cls,
        path: str | PathLike[str],
        valuation_date: DateLike | None = None,
        *,
        allow_negative: bool = False,
    ) -> "Cashflows":
        """Read a CSV with the columns :meth:`from_frame` accepts."""
        where = Path(path).name
        try:
            frame = pd.read_csv(path)
        except (OSError, ValueError) as error:
            raise DataError(E_READ.format(where=where, reason=error)) from None
        return cls.from_frame(frame, valuation_date, where=where, allow_negative=allow_negative)


def without_past_flows(
    frame: pd.DataFrame, valuation_date: DateLike | None = None, where: str = "cashflows"
) -> pd.DataFrame:
    """The rows of a benefit table paid after the valuation date (t > 0), other columns kept.

    The opt-in of ``liabilities.past_flows: drop``: a past benefit is no liability, but
    leaving one out silently would hide a typo, so an ``LDIWarning`` says how many rows were
    left out and their fixed and real amounts. Rows keep their index (their row in a file).
    Columns other than those :meth:`Cashflows.from_frame` reads (e.g. ``status``) are kept.
    """
    table = _Table.read(frame, valuation_date, where, extra_columns=True)
    past = table.times <= 0
    if not past.any():
        return frame
    count = int(past.sum())
    warnings.warn(
        W_DROPPED.format(
            where=where,
            count=count,
            flows="flow" if count == 1 else "flows",
            fixed=float(table.fixed[past].sum()),
            linked=float(table.linked[past].sum()),
        ),
        LDIWarning,
        stacklevel=2,
    )
    return frame[~past]


@dataclass(frozen=True)
class _Table:
    """The columns of a benefit table read as numbers, with the row names errors use."""

    frame: pd.DataFrame
    where: str
    valuation_date: DateLike | None
    times: FloatArray
    fixed: FloatArray
    linked: FloatArray
    fixed_column: str
    rows: Sequence[object]

    @classmethod
    def read(
        cls,
        frame: pd.DataFrame,
        valuation_date: DateLike | None,
        where: str,
        extra_columns: bool = False,
    ) -> "_Table":
        """Check the columns (others allowed when ``extra_columns``) and read their numbers."""
        columns = [str(c).strip() for c in frame.columns]
        duplicated = sorted({c for c in columns if columns.count(c) > 1})
        if duplicated:
            raise DataError(E_DUPLICATE_COLUMNS.format(where=where, duplicated=duplicated))
        frame = frame.set_axis(columns, axis=1)
        allowed = ["time", "date", "fixed", "amount", "inflation_linked"]
        unknown = [c for c in columns if c not in allowed]
        if unknown and not extra_columns:
            raise DataError(E_UNKNOWN_COLUMNS.format(where=where, unknown=unknown, allowed=allowed))
        fixed_column = "amount" if "amount" in columns else "fixed"
        has_time = ("time" in columns) != ("date" in columns)
        has_amount = fixed_column in columns or "inflation_linked" in columns
        if not has_time or not has_amount or {"amount", "fixed"} <= set(columns):
            known = [c for c in columns if c in allowed]
            raise DataError(E_COLUMNS.format(where=where, columns=known))
        rows = row_names(frame.index)
        if "date" in columns:
            if valuation_date is None:
                raise DataError(E_DATES_NEED_VALUATION.format(where=where))
            times = year_fractions(frame["date"], valuation_date, f"{where}.date", rows)
        else:
            times = _column(frame, "time", where, rows)
        zeros = np.zeros(len(frame))
        fixed = _column(frame, fixed_column, where, rows) if fixed_column in columns else zeros
        linked = (
            _column(frame, "inflation_linked", where, rows)
            if "inflation_linked" in columns
            else zeros
        )
        return cls(frame, where, valuation_date, times, fixed, linked, fixed_column, rows)

    def check_future(self) -> None:
        """Raise a DataError naming the first payment at t <= 0 or beyond MAX_YEARS."""
        dated = "date" in self.frame.columns
        column = f"{self.where}.{'date' if dated else 'time'}"
        past = np.flatnonzero(self.times <= 0)
        if past.size:
            i, count = int(past[0]), int(past.size)
            raise DataError(
                E_PAST.format(
                    where=column,
                    row=self.rows[i],
                    value=self._cell(i) if dated else repr(float(self.times[i])),
                    date=f" {self._valuation()}" if dated else "",
                    count=count,
                    rows="row" if count == 1 else "rows",
                )
            )
        if not dated:
            check_max_years(self.times, column, self.rows)
            return
        far = np.flatnonzero(self.times > MAX_YEARS)
        if far.size:
            i = int(far[0])
            raise DataError(
                E_FAR_DATE.format(
                    where=column,
                    row=self.rows[i],
                    value=self._cell(i),
                    years=float(self.times[i]),
                    date=self._valuation(),
                    max=MAX_YEARS,
                )
            )

    def _cell(self, i: int) -> str:
        """The date of row ``i`` in ISO form (2035-06-30)."""
        return to_timestamp(self.frame["date"].iloc[i], f"{self.where}.date").date().isoformat()

    def _valuation(self) -> str:
        """The valuation date in ISO form (only dated tables have one to show)."""
        return (
            ""
            if self.valuation_date is None
            else to_timestamp(self.valuation_date).date().isoformat()
        )


def row_names(index: pd.Index) -> Sequence[object]:
    """Rows by their integer index (a file's row numbers survive dropped rows), else position."""
    if pd.api.types.is_integer_dtype(index):
        return [int(label) for label in index]
    return range(len(index))


def _column(frame: pd.DataFrame, name: str, where: str, rows: Sequence[object]) -> FloatArray:
    """A numeric column; a blank or non-numeric cell is reported by its row."""
    raw = frame[name]
    values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        i = int(bad[0])
        raise DataError(E_CELL.format(where=f"{where}.{name}", i=rows[i], value=plain(raw.iloc[i])))
    return values
