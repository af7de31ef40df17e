"""Full revaluation of a cash-flow matrix under many shifted curves in one pass.

A shift is an addition to the zero rates (nominal curve, in its own compounding) and to the
breakeven rates at every grid time. Each scenario's value is Σ_t F[i,t] DF_s(t) +
Σ_t R[i,t] (I_s(t)/I(0)) DF_s(t): two matrix products against dense (time x scenario)
matrices, so thousands of streams and dozens of bumps cost a few milliseconds.
"""

import numpy as np

from ldi.curves.base import RateCurve
from ldi.curves.inflation import BreakevenCurve, index_ratio
from ldi.errors import DataError
from ldi.risk.matrix import CashflowMatrix
from ldi.typing import FloatArray

E_NEEDS_BREAKEVEN = (
    "inflation-linked cash flows of {ids} need a breakeven curve; pass breakeven=BreakevenCurve"
)


def revalue(
    matrix: CashflowMatrix,
    curve: RateCurve,
    breakeven: BreakevenCurve | None,
    nominal_shifts: FloatArray,
    breakeven_shifts: FloatArray,
) -> FloatArray:
    """Values (streams x scenarios) for zero-rate and breakeven shifts of shape (S, T)."""
    t = matrix.times
    discount = curve.compounding.discount(curve.zero_rate(t) + nominal_shifts, t)
    values = matrix.weighted_sums(discount)
    if matrix.has_linked:
        if breakeven is None:
            linked_ids = matrix.ids[np.unique(matrix.linked.nonzero()[0])].tolist()
            raise DataError(E_NEEDS_BREAKEVEN.format(ids=linked_ids))
        ratio = index_ratio(breakeven.rate(t) + breakeven_shifts, t)
        values = values + matrix.weighted_sums(ratio * discount, linked=True)
    return values
