"""Many cash-flow streams on one shared time grid: the input of every vectorized valuation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType

import numpy as np
import numpy.typing as npt
import pandas as pd

from ldi.cashflows.indexation import Indexation
from ldi.cashflows.stacked import StackedCashflows
from ldi.cashflows.tranches import Stream, streams_of
from ldi.lazy import lazy_module
from ldi.typing import FloatArray

sparse = lazy_module("scipy.sparse")  # imported at the first matrix built


@dataclass(frozen=True, eq=False)
class Block:
    """Amounts of many streams (rows) at the distinct payment ``times`` after 0 (columns).

    Treat ``amounts`` as read-only: weighted sums may cache a dense copy of it.
    """

    times: FloatArray
    amounts: sparse.csr_array

    def weighted_sums(self, factors: FloatArray) -> FloatArray:
        """``amounts @ factors.T`` for (scenarios x times) ``factors``: (streams x scenarios).

        A matrix full enough for BLAS to win is multiplied as a dense array, densified once
        and kept (see ``_DENSE_MIN_FILL``).
        """
        if self._dense is not None:
            return self._dense @ factors.T
        return np.asarray(self.amounts @ factors.T)

    @cached_property
    def _dense(self) -> FloatArray | None:
        return _densified(self.amounts)


@dataclass(frozen=True, eq=False)
class CashflowMatrix:
    """Streams as sparse rows: a block of fixed amounts, and linked blocks by indexation.

    ``fixed`` holds nominal amounts; ``linked`` one block of real (inflation-linked) amounts
    per indexation rule. Flows at t <= 0 are dropped: they are not part of any PV.
    """

    ids: pd.Index
    fixed: Block
    linked: Mapping[Indexation, Block]

    @classmethod
    def from_cashflows(cls, streams: Mapping[str, Stream]) -> CashflowMatrix:
        """Stack ``streams`` (id -> Cashflows or Tranches) in mapping order.

        A stream in tranches is one row whose real amounts sit in the block of each part's
        indexation.
        """
        ids = pd.Index(list(streams), name="id")
        parts = [streams_of(flows) for flows in streams.values()]
        flat = StackedCashflows.of([part for stream in parts for part in stream])
        ends = flat.starts[1:]
        if len(flat) > len(parts):  # some streams in tranches: a stream ends with its last part
            ends = ends[np.cumsum([len(stream) for stream in parts]) - 1]
        return cls._of_parts(ids, flat, np.concatenate([[0], ends]).astype(np.intp))

    @classmethod
    def from_stacked(cls, ids: pd.Index, streams: StackedCashflows) -> CashflowMatrix:
        """One row per stream of ``streams``, labelled ``ids``: ``from_cashflows`` of them."""
        return cls._of_parts(ids, streams, streams.starts)

    @classmethod
    def _of_parts(
        cls, ids: pd.Index, parts: StackedCashflows, starts: npt.NDArray[np.intp]
    ) -> CashflowMatrix:
        """Row i holds the flows of ``parts`` at positions starts[i]:starts[i + 1]."""
        fixed = _block(parts.times, parts.amounts, starts)
        real = parts.inflation_linked
        # Rules are compared by identity first: hashing a frozen rule per part is slow.
        rules = zip(map(id, parts.indexation), parts.indexation, strict=True)
        by_object = dict(rules) if real.any() else {}  # no real amounts: no linked block
        distinct = list(dict.fromkeys(by_object.values()))
        linked = {}
        for indexation in distinct:
            amounts = real
            if len(distinct) > 1:  # keep only the flows of parts under this rule
                same = {key for key, rule in by_object.items() if rule == indexation}
                mine = np.fromiter((id(rule) in same for rule in parts.indexation), bool)
                amounts = np.where(np.repeat(mine, parts.sizes), real, 0.0)
            block = _block(parts.times, amounts, starts)
            if block.amounts.nnz:
                linked[indexation] = block
        return cls(ids=ids, fixed=fixed, linked=MappingProxyType(linked))

    @property
    def times(self) -> FloatArray:
        """Payment times of the fixed amounts."""
        return self.fixed.times

    @property
    def has_linked(self) -> bool:
        """True when any stream has an inflation-linked flow after 0."""
        return bool(self.linked)


def _block(times: FloatArray, amounts: FloatArray, starts: npt.NDArray[np.intp]) -> Block:
    """The non-zero flows after 0 of concatenated streams (stream i at starts[i]:starts[i+1])."""
    kept = np.flatnonzero((times > 0) & (amounts != 0))
    grid, columns = _grid(times[kept])
    # Streams arrive grouped and in order, so the CSR arrays can be laid out directly;
    # sum_duplicates then gives the canonical form (sorted columns, repeats summed).
    indptr = np.searchsorted(kept, starts)
    shape = (starts.size - 1, grid.size)
    csr = sparse.csr_array((amounts[kept], columns, indptr), shape=shape)
    csr.sum_duplicates()
    return Block(times=grid, amounts=csr)


# A matrix of at least _DENSE_MIN_CELLS and at most _DENSE_MAX_CELLS cells, at least
# _DENSE_MIN_FILL of them non-zero, is multiplied as a dense array: BLAS then beats the sparse
# product by more than the cost of densifying (measured crossover: 10-25% full). A bond book
# on a shared coupon calendar is typically 20-30% full; a mix of unrelated liability streams
# is far sparser. Small matrices (single streams, a handful of instruments) stay sparse, where
# each stream's sum runs over its own flows in order, whatever else is in the matrix.
_DENSE_MIN_FILL = 0.15
_DENSE_MIN_CELLS = 1 << 16
_DENSE_MAX_CELLS = 1 << 21


def _densified(amounts: sparse.csr_array) -> FloatArray | None:
    """``amounts`` as a read-only dense array if it multiplies faster that way, else None."""
    cells = amounts.shape[0] * amounts.shape[1]
    if not _DENSE_MIN_CELLS <= cells <= _DENSE_MAX_CELLS or amounts.nnz < _DENSE_MIN_FILL * cells:
        return None
    dense = amounts.toarray()
    dense.setflags(write=False)
    return dense


def _grid(times: FloatArray) -> tuple[FloatArray, npt.NDArray[np.int32]]:
    """Sorted distinct ``times`` and each time's column on that grid.

    Hashing (pandas.factorize) then sorting only the distinct values is several times faster
    than np.unique's full sort when many streams share payment dates. Columns are int32, the
    index type scipy keeps for any matrix that fits in memory.
    """
    codes, distinct = pd.factorize(times)
    order = np.argsort(distinct)
    column = np.empty(order.size, dtype=np.int32)
    column[order] = np.arange(order.size, dtype=np.int32)
    return np.asarray(distinct[order], dtype=float), column[codes]
