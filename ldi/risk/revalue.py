"""Full revaluation of a cash-flow matrix under many shifted curves in one pass.

Each scenario's value is Σ_t F[i,t] DF_s(t) + Σ_t R[i,t] U_s(t) DF_s(t), with F the fixed
amounts, R the real amounts and U_s the uprating of their indexation under scenario s's
breakevens: a few matrix products against dense (time x scenario) matrices, so thousands of
streams and dozens of bumps cost a few milliseconds.
"""

import numpy as np

from ldi.curves.base import RateCurve
from ldi.curves.inflation import BreakevenCurve
from ldi.errors import DataError
from ldi.risk.matrix import CashflowMatrix
from ldi.risk.shifts import Shifts
from ldi.typing import FloatArray

E_NEEDS_BREAKEVEN = (
    "inflation-linked cash flows of {ids} need a breakeven curve; pass breakeven=BreakevenCurve"
)


def revalue(
    matrix: CashflowMatrix,
    curve: RateCurve,
    breakeven: BreakevenCurve | None,
    shifts: Shifts,
) -> FloatArray:
    """Values (streams x scenarios) of every stream under every scenario of ``shifts``."""
    values = matrix.fixed.weighted_sums(_discount(curve, shifts, matrix.times))
    for indexation, block in matrix.linked.items():
        if breakeven is None:
            linked_ids = matrix.ids[np.unique(block.amounts.nonzero()[0])].tolist()
            raise DataError(E_NEEDS_BREAKEVEN.format(ids=linked_ids))

        def rates(t: FloatArray, base: BreakevenCurve = breakeven) -> FloatArray:
            return base.rate(t) + shifts.breakeven_at(t)

        uprating = indexation.ratio(rates, block.times)
        values = values + block.weighted_sums(uprating * _discount(curve, shifts, block.times))
    return values


def _discount(curve: RateCurve, shifts: Shifts, t: FloatArray) -> FloatArray:
    """Discount factors (S, len(t)) of the shifted curves."""
    return curve.compounding.discount(curve.zero_rate(t) + shifts.nominal_at(t), t)
