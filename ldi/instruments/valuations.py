"""A universe's valuations held as columns, so that thousands of units cost a few arrays.

Risk tables read the columns directly; a unit's own ``Valuation`` is made only when asked
for (by index or iteration), all of them at once.
"""

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Self

import numpy as np

from ldi.cashflows.stacked import StackedCashflows
from ldi.instruments.base import StatedRisk, Valuation
from ldi.typing import BoolArray, FloatArray, IntArray, ObjectArray


@dataclass(frozen=True, eq=False)
class Quotes:
    """Market terms of many units by key: unit k gives ``values[key][k]`` if ``given[key][k]``."""

    values: Mapping[str, np.ndarray]
    given: Mapping[str, BoolArray]
    size: int

    @classmethod
    def of(cls, quotes: Sequence[Mapping[str, object]]) -> Self:
        """The columns of ``quotes``, one mapping per unit; keys in order of first use."""
        keys = list(dict.fromkeys(key for quote in quotes for key in quote))
        return cls(
            {key: objects([quote.get(key) for quote in quotes]) for key in keys},
            {key: np.array([key in quote for quote in quotes], dtype=bool) for key in keys},
            len(quotes),
        )

    @classmethod
    def full(cls, values: Mapping[str, np.ndarray], size: int) -> Self:
        """Every unit quoting every key of ``values`` (arrays of ``size``)."""
        return cls(values, {key: np.ones(size, dtype=bool) for key in values}, size)

    @classmethod
    def concat(cls, parts: Sequence["Quotes"]) -> Self:
        """The units of ``parts``, part after part; a key a part lacks is not given there."""
        keys = list(dict.fromkeys(key for part in parts for key in part.values))
        values, given = {}, {}
        for key in keys:
            values[key] = np.concatenate(
                [part.values.get(key, np.full(part.size, np.nan)) for part in parts]
            )
            given[key] = np.concatenate(
                [part.given.get(key, np.zeros(part.size, dtype=bool)) for part in parts]
            )
        return cls(values, given, sum(part.size for part in parts))

    def take(self, order: IntArray) -> Self:
        """Units ``order[0]``, ``order[1]``, ... in that order; keys in order of first use."""
        given = {key: column[order] for key, column in self.given.items()}
        first = {
            key: int(np.argmax(column)) if column.any() else order.size
            for key, column in given.items()
        }
        keys = sorted(given, key=first.__getitem__)
        return type(self)(
            {key: self.values[key][order] for key in keys},
            {key: given[key] for key in keys},
            order.size,
        )

    def columns(self) -> dict[str, np.ndarray]:
        """Each key's values, NaN for units that do not quote it (a table's columns)."""
        columns = {}
        for key, column in self.values.items():
            given = self.given[key]
            if not given.all():
                column = column.copy() if column.dtype == object else column.astype(float)
                column[~given] = np.nan
            columns[key] = column
        return columns

    def rows(self) -> list[dict[str, object]]:
        """Each unit's quote: the keys it gives, with their values."""
        rows: list[dict[str, object]] = [{} for _ in range(self.size)]
        for key, column in self.values.items():
            values = column.tolist()
            for k in np.flatnonzero(self.given[key]).tolist():
                rows[k][key] = values[k]
        return rows


@dataclass(frozen=True, eq=False)
class Valuations(Sequence[Valuation]):
    """Units valued on one market, as columns: item k is unit k's ``Valuation``.

    ``streams`` holds the units' streams and ``quotes`` their market terms; every other
    field holds, unit by unit, the ``Valuation`` field of its name (``stated``: the
    durations of ``StatedRisk``, (units, 3), in its order).
    """

    streams: StackedCashflows
    curve: ObjectArray
    spread: FloatArray
    breakeven: ObjectArray
    settled: FloatArray
    credit: BoolArray
    stated: FloatArray
    floating: ObjectArray
    expected_return: FloatArray
    quotes: Quotes

    @classmethod
    def of(cls, valuations: Sequence[Valuation]) -> Self:
        """The columns of ``valuations``, in order."""
        stated = [
            (v.stated.rates_duration, v.stated.inflation_duration, v.stated.spread_duration)
            for v in valuations
        ]
        return cls(
            streams=StackedCashflows.of([v.stream for v in valuations]),
            curve=objects([v.curve for v in valuations]),
            spread=np.array([v.spread for v in valuations], dtype=float),
            breakeven=objects([v.breakeven for v in valuations]),
            settled=np.array([v.settled for v in valuations], dtype=float),
            credit=np.array([v.credit for v in valuations], dtype=bool),
            stated=np.array(stated, dtype=float).reshape(len(valuations), 3),
            floating=objects([v.floating for v in valuations]),
            expected_return=np.array([v.expected_return for v in valuations], dtype=float),
            quotes=Quotes.of([v.quote for v in valuations]),
        )

    @classmethod
    def concat(cls, parts: Sequence["Valuations"]) -> Self:
        """The units of ``parts``, part after part."""
        return cls(
            streams=StackedCashflows.concat([part.streams for part in parts]),
            quotes=Quotes.concat([part.quotes for part in parts]),
            **{
                name: np.concatenate([getattr(part, name) for part in parts])
                for name in _UNIT_COLUMNS
            },
        )

    def take(self, order: IntArray) -> Self:
        """Units ``order[0]``, ``order[1]``, ... in that order."""
        return type(self)(
            streams=self.streams.take(order),
            quotes=self.quotes.take(order),
            **{name: getattr(self, name)[order] for name in _UNIT_COLUMNS},
        )

    def __len__(self) -> int:
        return len(self.streams)

    def __getitem__(self, k: int) -> Valuation:
        return self._units[k]

    def __iter__(self) -> Iterator[Valuation]:
        return iter(self._units)

    @cached_property
    def _units(self) -> tuple[Valuation, ...]:
        """Every unit's ``Valuation``, made once."""
        columns = zip(
            self.streams,
            self.curve.tolist(),
            self.spread.tolist(),
            self.breakeven.tolist(),
            self.settled.tolist(),
            self.credit.tolist(),
            self.stated.tolist(),
            self.floating.tolist(),
            self.expected_return.tolist(),
            self.quotes.rows(),
            strict=True,
        )
        return tuple(
            Valuation(
                stream=stream,
                curve=curve,
                spread=spread,
                breakeven=breakeven,
                settled=settled,
                credit=credit,
                stated=StatedRisk(*stated),
                floating=floating,
                expected_return=expected_return,
                quote=quote,
            )
            for (
                stream,
                curve,
                spread,
                breakeven,
                settled,
                credit,
                stated,
                floating,
                expected_return,
                quote,
            ) in columns
        )


_UNIT_COLUMNS = (
    "curve",
    "spread",
    "breakeven",
    "settled",
    "credit",
    "stated",
    "floating",
    "expected_return",
)


def objects(values: Sequence[object]) -> ObjectArray:
    """``values`` as a 1-D object array (sequences among them stay elements)."""
    return np.fromiter(values, dtype=object, count=len(values))
