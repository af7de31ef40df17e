"""Full revaluation of a cash-flow matrix under many shifted curves in one pass.

Each scenario's value is Σ_t F[i,t] DF_s(t) + Σ_t R[i,t] U_s(t) DF_s(t), with F the fixed
amounts, R the real amounts and U_s the uprating of their indexation under scenario s's
breakevens: a few matrix products against dense (time x scenario) matrices, so thousands of
streams and dozens of bumps cost a few milliseconds.

Streams may each have their own spread σ_i over the curve (a bond's z-spread): then DF
depends on the stream too, DF_s(t, σ_i) = D(z(t) + shift_s(t) + σ_i, t), and it is evaluated
per flow instead of per time; a scenario that leaves z(t) as it is (a key-rate bump away from
its key) takes the flow's factor at shift 0.
"""

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ldi.curves.base import RateCurve
from ldi.curves.inflation import BreakevenCurve, Breakevens
from ldi.errors import DataError
from ldi.risk.matrix import Block, CashflowMatrix
from ldi.risk.shifts import Shifts
from ldi.typing import FloatArray, IntArray
from ldi.units import Compounding
from ldi.validation import finite_vector

E_NEEDS_BREAKEVEN = (
    "inflation-linked cash flows of {ids} need a breakeven curve; pass breakeven=BreakevenCurve"
)


CHUNK_FLOWS = 1 << 14  # flows revalued at a time with per-stream spreads
REUSE_CHUNK_FLOWS = 1 << 16  # the same when base factors are reused (``_Runs``)
REUSE_BELOW = 0.5  # share of (scenario, time) rates moved below which base factors are reused
MAX_RUNS = 64  # at most this many runs of times moved alike, or base factors are not reused
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
    zero = curve.zero_rate(t)
    rates = shifts.nominal_rates(zero, t, curve.compounding, quote)  # (S, T)
    if spreads is None:
        discount = curve.compounding.discount(rates, t)
        return block.weighted_sums(discount if factor is None else factor * discount)
    runs = _Runs.of(rates, zero)
    amounts = block.amounts
    indptr = amounts.indptr
    sums = np.zeros((rates.shape[0], amounts.shape[0]))
    # Streams in chunks of whole streams: the (scenarios x flows) arrays stay in cache.
    starting = np.arange(0, amounts.nnz, CHUNK_FLOWS if runs is None else REUSE_CHUNK_FLOWS)
    edges = [*np.unique(np.searchsorted(indptr, starting, "right") - 1), amounts.shape[0]]
    for first, last in zip(edges[:-1], edges[1:], strict=True):
        rows = slice(indptr[first], indptr[last])
        columns = amounts.indices[rows]
        counts = np.diff(indptr[first : last + 1])
        spread = np.repeat(spreads[first:last], counts)
        if runs is None:
            moved = rates[:, columns]
            moved += spread
            flows = curve.compounding.discount(moved, t[columns])
            flows *= amounts.data[rows]
        else:
            flows = runs.worths(
                rates, zero, t, columns, spread, amounts.data[rows], curve.compounding
            )
        if factor is not None:
            flows *= factor[:, columns]
        # A stream's flows are contiguous (CSR order): sum each, empty streams staying 0.
        held = counts > 0
        starts = indptr[first:last][held] - indptr[first]
        sums[:, first:last][:, held] = np.add.reduceat(flows, starts, axis=1)
    return sums.T


@dataclass(frozen=True, eq=False)
class _Runs:
    """Runs of adjacent times at which the same scenarios move the rate from the base.

    Time j is in run ``run[j]``; run r's rates differ from the base in scenarios
    ``moves[r]`` only (a column, to index rows against a row of flows). A scenario that
    leaves a rate as it is (a key-rate bump away from its key) discounts at the base factor,
    so the factor of a flow at a spread is found once, and again only for the scenarios
    that move its rate: the same numbers as evaluating every scenario.
    """

    run: npt.NDArray[np.int16]
    moves: list[IntArray]

    @classmethod
    def of(cls, rates: FloatArray, zero: FloatArray) -> "_Runs | None":
        """The runs of ``rates`` (S, T) against ``zero`` (T,), if few and rates mostly unmoved.

        Otherwise None: every scenario is evaluated.
        """
        moved = rates != zero
        if not np.count_nonzero(moved) < REUSE_BELOW * moved.size:
            return None
        change = np.any(moved[:, 1:] != moved[:, :-1], axis=0)
        first = np.concatenate([[0], np.flatnonzero(change) + 1])
        if first.size > MAX_RUNS:
            return None
        run = np.cumsum(np.concatenate([[0], change]), dtype=np.int16)
        return cls(run, [np.flatnonzero(moved[:, j])[:, None] for j in first])

    def worths(
        self,
        rates: FloatArray,
        zero: FloatArray,
        t: FloatArray,
        columns: IntArray,
        spread: FloatArray,
        amount: FloatArray,
        compounding: Compounding,
    ) -> FloatArray:
        """(S, flows) amount x DF(rate + spread, t) of flows at grid ``columns``."""
        when = t[columns]
        flows = np.empty((rates.shape[0], columns.size))
        flows[:] = compounding.discount(zero[columns] + spread, when) * amount
        run = self.run[columns]
        order = np.argsort(run, kind="stable")  # flows grouped by run
        ends = np.cumsum(np.bincount(run, minlength=len(self.moves)))
        # Scenario s of flow f sits at s * width + f of the flattened arrays.
        every_rate, every_flow = rates.reshape(-1), flows.reshape(-1)
        for moves, mine in zip(self.moves, np.split(order, ends[:-1]), strict=True):
            if moves.size and mine.size:
                moved = every_rate.take(moves * rates.shape[1] + columns[mine])
                moved += spread[mine]
                worth = compounding.discount(moved, when[mine])
                worth *= amount[mine]
                every_flow[moves * columns.size + mine] = worth
        return flows
