"""Many cash-flow streams end to end: a universe's flows as a few long arrays."""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Self

import numpy as np

from ldi.cashflows.cashflows import Cashflows
from ldi.typing import FloatArray, IntArray, ObjectArray


@dataclass(frozen=True, eq=False)
class StackedCashflows(Sequence[Cashflows]):
    """Streams end to end: stream k is rows ``starts[k]:starts[k + 1]`` of the flow arrays.

    ``times``, ``amounts`` and ``inflation_linked`` are ``Cashflows``' arrays, stream after
    stream; ``indexation`` holds each stream's rule. Item k is stream k as ``Cashflows``
    (read-only views of these arrays).
    """

    times: FloatArray
    amounts: FloatArray
    inflation_linked: FloatArray
    starts: IntArray
    indexation: ObjectArray

    @classmethod
    def of(cls, streams: Sequence[Cashflows]) -> Self:
        """``streams`` stacked in order."""
        sizes = np.fromiter((len(cf) for cf in streams), np.intp, len(streams))
        return cls(
            _concat([cf.times for cf in streams]),
            _concat([cf.amounts for cf in streams]),
            _concat([cf.inflation_linked for cf in streams]),
            np.concatenate([[0], np.cumsum(sizes)]).astype(np.intp),
            np.fromiter((cf.indexation for cf in streams), dtype=object, count=len(streams)),
        )

    @classmethod
    def concat(cls, parts: Sequence["StackedCashflows"]) -> Self:
        """The streams of ``parts``, part after part."""
        offsets = np.cumsum([0, *(part.times.size for part in parts[:-1])])
        return cls(
            _concat([part.times for part in parts]),
            _concat([part.amounts for part in parts]),
            _concat([part.inflation_linked for part in parts]),
            np.concatenate(
                [[0], *(part.starts[1:] + at for part, at in zip(parts, offsets, strict=True))]
            ).astype(np.intp),
            np.concatenate([np.empty(0, dtype=object), *(part.indexation for part in parts)]),
        )

    def __len__(self) -> int:
        return int(self.starts.size - 1)

    def __getitem__(self, k: int) -> Cashflows:
        rows = slice(self.starts[k], self.starts[k + 1])
        return Cashflows.of_checked(
            self.times[rows],
            self.amounts[rows],
            self.inflation_linked[rows],
            self.indexation[k],
        )

    def __iter__(self) -> Iterator[Cashflows]:
        return (self[k] for k in range(len(self)))

    @property
    def sizes(self) -> IntArray:
        """Flows per stream."""
        return np.diff(self.starts)

    @cached_property
    def owner(self) -> IntArray:
        """The stream of each flow."""
        return np.repeat(np.arange(len(self)), self.sizes)

    def scaled(self, factors: FloatArray) -> Self:
        """Stream k's amounts times ``factors[k]``, as ``Cashflows.scaled`` each."""
        per_flow = factors[self.owner]
        return type(self)(
            self.times,
            self.amounts * per_flow,
            self.inflation_linked * per_flow,
            self.starts,
            self.indexation,
        )

    def take(self, order: IntArray) -> Self:
        """Streams ``order[0]``, ``order[1]``, ... in that order."""
        sizes = self.sizes[order]
        starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.intp)
        rows = np.arange(starts[-1]) + np.repeat(self.starts[order] - starts[:-1], sizes)
        return type(self)(
            self.times[rows],
            self.amounts[rows],
            self.inflation_linked[rows],
            starts,
            self.indexation[order],
        )


def _concat(arrays: list[FloatArray]) -> FloatArray:
    return np.concatenate(arrays) if arrays else np.zeros(0)
