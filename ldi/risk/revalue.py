"""Full revaluation of a cash-flow matrix under many shifted curves in one pass.

Each scenario's value is Σ_t F[i,t] DF_s(t) + Σ_t R[i,t] U_s(t) DF_s(t), with F the fixed
amounts, R the real amounts and U_s the uprating of their indexation under scenario s's
breakevens: a few matrix products against dense (time x scenario) matrices, so thousands of
streams and dozens of bumps cost a few milliseconds.

Streams may each have their own spread σ_i over the curve (a bond's z-spread): then DF
depends on the stream too, DF_s(t, σ_i) = D(z(t) + shift_s(t) + σ_i, t), and it is evaluated
once per flow and scenario instead of once per time and scenario.
"""

import numpy as np

from ldi.curves.base import RateCurve
from ldi.curves.inflation import BreakevenCurve, Breakevens
from ldi.errors import DataError
from ldi.risk.matrix import Block, CashflowMatrix
from ldi.risk.shifts import Shifts
from ldi.typing import FloatArray
from ldi.units import Compounding
from ldi.validation import finite_vector

E_NEEDS_BREAKEVEN = (
    "inflation-linked cash flows of {ids} need a breakeven curve; pass breakeven=BreakevenCurve"
)


CHUNK_FLOWS = 1 << 14  # flows revalued at a time with per-stream spreads
E_SPREADS = "spreads: got {n} values for {m} streams; expected one per stream"


def revalue(
    matrix: CashflowMatrix,
    curve: RateCurve,
    breakeven: Breakevens | None,
    shifts: Shifts,
    spreads: FloatArray | None = None,
    quote: Compounding = Compounding.SEMIANNUAL,
) -> FloatArray:
    """Values (streams x scenarios) of every stream under every scenario of ``shifts``.

    ``spreads`` (decimals, one per stream, default none) are added to the zero rates of
    ``curve`` for that stream only, in the curve's compounding. Real amounts follow the
    curve of their indexation's index (``breakeven.for_index``). ``quote`` is the bond-yield
    compounding of shifts given in yield units.
    """
    if spreads is not None:
        spreads = finite_vector(spreads, "spreads")
        if spreads.size != matrix.ids.size:
            raise DataError(E_SPREADS.format(n=spreads.size, m=matrix.ids.size))
        if not np.any(spreads):
            spreads = None
    values = _sums(matrix.fixed, curve, shifts, spreads, quote)
    for indexation, block in matrix.linked.items():
        if breakeven is None:
            linked_ids = matrix.ids[np.unique(block.amounts.nonzero()[0])].tolist()
            raise DataError(E_NEEDS_BREAKEVEN.format(ids=linked_ids))

        index = breakeven.for_index(indexation.index)
        moved = shifts.for_index(indexation.index)

        def rates(t: FloatArray, base: BreakevenCurve = index, moved: Shifts = moved) -> FloatArray:
            return base.rate(t) + moved.breakeven_at(t)

        uprating = indexation.ratio(rates, block.times)
        values = values + _sums(block, curve, shifts, spreads, quote, uprating)
    return values


def _sums(
    block: Block,
    curve: RateCurve,
    shifts: Shifts,
    spreads: FloatArray | None,
    quote: Compounding,
    factor: FloatArray | None = None,
) -> FloatArray:
    """Σ_t amount x factor x DF for every stream and scenario: (streams x scenarios)."""
    t = block.times
    rates = shifts.nominal_rates(curve.zero_rate(t), t, curve.compounding, quote)  # (S, T)
    if spreads is None:
        discount = curve.compounding.discount(rates, t)
        return block.weighted_sums(discount if factor is None else factor * discount)
    amounts = block.amounts
    indptr = amounts.indptr
    sums = np.zeros((rates.shape[0], amounts.shape[0]))
    # Streams in chunks of about CHUNK_FLOWS flows: the (scenarios x flows) arrays stay in cache.
    starting = np.arange(0, amounts.nnz, CHUNK_FLOWS)  # flows that start a chunk
    edges = [*np.unique(np.searchsorted(indptr, starting, "right") - 1), amounts.shape[0]]
    for first, last in zip(edges[:-1], edges[1:], strict=True):
        rows = slice(indptr[first], indptr[last])
        columns = amounts.indices[rows]
        counts = np.diff(indptr[first : last + 1])
        moved = rates[:, columns]
        moved += np.repeat(spreads[first:last], counts)
        flows = curve.compounding.discount(moved, t[columns])
        flows *= amounts.data[rows]
        if factor is not None:
            flows *= factor[:, columns]
        # A stream's flows are contiguous (CSR order): sum each, empty streams staying 0.
        held = counts > 0
        starts = indptr[first:last][held] - indptr[first]
        sums[:, first:last][:, held] = np.add.reduceat(flows, starts, axis=1)
    return sums.T
