"""A stream of dated payments: fixed nominal amounts and inflation-linked real amounts."""

from collections.abc import Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from ldi.cashflows.dates import DateLike, year_fractions
from ldi.cashflows.indexation import PLAIN, Indexation
from ldi.errors import DataError
from ldi.typing import ArrayLike, FloatArray
from ldi.validation import finite_vector, plain, same_length

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
E_MIXED_INDEXATION = (
    "Cashflows: cannot add streams indexed differently ({first} and {second}); "
    "expected the same indexation, or keep them as separate streams"
)


@dataclass(frozen=True, eq=False)
class Cashflows:
    """Payments at year fractions ``times``: ``amounts`` fixed nominal, ``inflation_linked`` real.

    A real amount a at time t pays a x U(t) in money, where U is the uprating of
    ``indexation`` (by default the index ratio I(t)/I(0) of ``BreakevenCurve``). Flows at
    t <= 0 are kept but excluded from present values. Arrays are read-only.

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
                E_MIXED_INDEXATION.format(first=self.indexation, second=other.indexation)
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
        """Every amount multiplied by ``factor``."""
        return Cashflows(
            self.times, self.amounts * factor, self.inflation_linked * factor, self.indexation
        )

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
    ) -> "Cashflows":
        """From columns ``time`` (or ``date``), ``fixed`` (or ``amount``), ``inflation_linked``.

        A missing amount column means zeros; at least one must be present. Unknown columns are
        errors, so a misspelt header is caught rather than read as zero.
        """
        columns = [str(c).strip() for c in frame.columns]
        duplicated = sorted({c for c in columns if columns.count(c) > 1})
        if duplicated:
            raise DataError(E_DUPLICATE_COLUMNS.format(where=where, duplicated=duplicated))
        frame = frame.set_axis(columns, axis=1)
        allowed = ["time", "date", "fixed", "amount", "inflation_linked"]
        unknown = [c for c in columns if c not in allowed]
        if unknown:
            raise DataError(E_UNKNOWN_COLUMNS.format(where=where, unknown=unknown, allowed=allowed))
        fixed_column = "amount" if "amount" in columns else "fixed"
        has_time = ("time" in columns) != ("date" in columns)
        has_amount = fixed_column in columns or "inflation_linked" in columns
        if not has_time or not has_amount or {"amount", "fixed"} <= set(columns):
            raise DataError(E_COLUMNS.format(where=where, columns=columns))
        if "date" in columns:
            if valuation_date is None:
                raise DataError(E_DATES_NEED_VALUATION.format(where=where))
            times = year_fractions(frame["date"], valuation_date, where=f"{where}.date")
        else:
            times = _column(frame, "time", where)
        zeros = np.zeros(len(frame))
        fixed = _column(frame, fixed_column, where) if fixed_column in columns else zeros
        linked = (
            _column(frame, "inflation_linked", where) if "inflation_linked" in columns else zeros
        )
        return cls(times, fixed, linked)

    @classmethod
    def from_csv(
        cls, path: str | PathLike[str], valuation_date: DateLike | None = None
    ) -> "Cashflows":
        """Read a CSV with the columns :meth:`from_frame` accepts."""
        where = Path(path).name
        try:
            frame = pd.read_csv(path)
        except (OSError, ValueError) as error:
            raise DataError(E_READ.format(where=where, reason=error)) from None
        return cls.from_frame(frame, valuation_date, where=where)


def _column(frame: pd.DataFrame, name: str, where: str) -> FloatArray:
    """A numeric column; a blank or non-numeric cell is reported by its row number."""
    raw = frame[name]
    values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
    bad = np.flatnonzero(np.isnan(values))
    if bad.size:
        i = int(bad[0])
        raise DataError(E_CELL.format(where=f"{where}.{name}", i=i, value=plain(raw.iloc[i])))
    return finite_vector(values, f"{where}.{name}")
