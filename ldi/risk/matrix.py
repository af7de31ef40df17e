"""Many cash-flow streams on one shared time grid: the input of every vectorized valuation."""

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from ldi.cashflows.cashflows import Cashflows
from ldi.typing import FloatArray


@dataclass(frozen=True, eq=False)
class CashflowMatrix:
    """Streams as sparse rows over the distinct payment times after 0 (columns).

    ``fixed`` holds nominal amounts and ``linked`` real (inflation-linked) amounts, both
    (len(ids) x len(times)). Flows at t <= 0 are dropped: they are not part of any PV.
    """

    ids: pd.Index
    times: FloatArray
    fixed: sparse.csr_array
    linked: sparse.csr_array

    @classmethod
    def from_cashflows(cls, streams: Mapping[str, Cashflows]) -> "CashflowMatrix":
        """Stack ``streams`` (id -> Cashflows) in mapping order."""
        ids = pd.Index(list(streams), name="id")
        sizes = [len(cf) for cf in streams.values()]
        rows = np.repeat(np.arange(len(sizes)), sizes)
        times = _concat([cf.times for cf in streams.values()])
        fixed = _concat([cf.amounts for cf in streams.values()])
        linked = _concat([cf.inflation_linked for cf in streams.values()])
        future = times > 0
        grid, columns = np.unique(times[future], return_inverse=True)
        shape = (len(ids), grid.size)

        def matrix(amounts: FloatArray) -> sparse.csr_array:
            keep = future & (amounts != 0)
            cols = columns[keep[future]]
            return sparse.csr_array((amounts[keep], (rows[keep], cols)), shape=shape)

        return cls(ids=ids, times=grid, fixed=matrix(fixed), linked=matrix(linked))

    @property
    def has_linked(self) -> bool:
        """True when any stream has an inflation-linked flow after 0."""
        return self.linked.nnz > 0


def _concat(arrays: list[FloatArray]) -> FloatArray:
    return np.concatenate(arrays) if arrays else np.zeros(0)
