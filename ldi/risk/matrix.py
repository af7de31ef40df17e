"""Many cash-flow streams on one shared time grid: the input of every vectorized valuation."""

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import sparse

from ldi.cashflows.cashflows import Cashflows
from ldi.typing import FloatArray


@dataclass(frozen=True, eq=False)
class CashflowMatrix:
    """Streams as sparse rows over the distinct payment times after 0 (columns).

    ``fixed`` holds nominal amounts and ``linked`` real (inflation-linked) amounts, both
    (len(ids) x len(times)). Flows at t <= 0 are dropped: they are not part of any PV.
    Treat the arrays as read-only: revaluation may cache a dense copy of them.
    """

    ids: pd.Index
    times: FloatArray
    fixed: sparse.csr_array
    linked: sparse.csr_array

    @classmethod
    def from_cashflows(cls, streams: Mapping[str, Cashflows]) -> "CashflowMatrix":
        """Stack ``streams`` (id -> Cashflows) in mapping order."""
        ids = pd.Index(list(streams), name="id")
        flows = list(streams.values())
        times_list = [cf.times for cf in flows]
        times = _concat(times_list)
        fixed = _concat([cf.amounts for cf in flows])
        linked = _concat([cf.inflation_linked for cf in flows])
        # Stream i's flows are positions starts[i]:starts[i + 1] of the concatenated arrays.
        starts = np.zeros(len(flows) + 1, dtype=np.intp)
        np.cumsum([t.size for t in times_list], out=starts[1:])
        future = times > 0
        grid, columns = _grid(times)
        shape = (len(ids), grid.size)

        def matrix(amounts: FloatArray) -> sparse.csr_array:
            # Streams arrive grouped and in order, so the CSR arrays can be laid out directly;
            # sum_duplicates then gives the canonical form (sorted columns, repeats summed).
            kept = np.flatnonzero(future & (amounts != 0))
            indptr = np.searchsorted(kept, starts)
            csr = sparse.csr_array((amounts[kept], columns[kept], indptr), shape=shape)
            csr.sum_duplicates()
            return csr

        return cls(ids=ids, times=grid, fixed=matrix(fixed), linked=matrix(linked))

    @property
    def has_linked(self) -> bool:
        """True when any stream has an inflation-linked flow after 0."""
        return self.linked.nnz > 0

    def weighted_sums(self, factors: FloatArray, linked: bool = False) -> FloatArray:
        """``fixed @ factors.T`` (``linked`` when asked) for (scenarios x times) ``factors``.

        A matrix full enough for BLAS to win is multiplied as a dense array, densified once
        and kept (see ``_DENSE_MIN_FILL``); the result is (streams x scenarios) either way.
        """
        amounts = self.linked if linked else self.fixed
        dense = self._dense_linked if linked else self._dense_fixed
        if dense is not None:
            return dense @ factors.T
        return np.asarray(amounts @ factors.T)

    @cached_property
    def _dense_fixed(self) -> FloatArray | None:
        return _densified(self.fixed)

    @cached_property
    def _dense_linked(self) -> FloatArray | None:
        return _densified(self.linked)


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


def _concat(arrays: list[FloatArray]) -> FloatArray:
    return np.concatenate(arrays) if arrays else np.zeros(0)


def _grid(times: FloatArray) -> tuple[FloatArray, npt.NDArray[np.int32]]:
    """Sorted distinct ``times`` after 0 and each time's column on that grid (< 0 if t <= 0).

    Hashing (pandas.factorize) then sorting only the distinct values is several times faster
    than np.unique's full sort when many streams share payment dates. Columns are int32, the
    index type scipy keeps for any matrix that fits in memory.
    """
    codes, distinct = pd.factorize(times)
    order = np.argsort(distinct)
    past = int(np.searchsorted(distinct[order], 0.0, side="right"))
    column = np.empty(order.size, dtype=np.int32)
    column[order] = np.arange(-past, order.size - past, dtype=np.int32)
    return np.asarray(distinct[order][past:], dtype=float), column[codes]
