"""What a clean-up re-solve holds: dust trades at the holdings, near-limit positions on it.

A verified answer may propose trades no dealer executes (dust: 0 < |t_i| < the smallest
trade m) and meet a limit on one position only to the solver's tolerance (a bond sold to
£0.76, or bought to 100,000,000.15 against a maximum of 100,000,000). ``ldi.optimize.solve``
re-solves with both held: the dust at the holdings, and a position within the tolerance of a
single-position limit (a term's ``box``) on that limit. Its answer is then exact on them.
"""

import numpy as np
import pandas as pd

from ldi.optimize.model import Model
from ldi.optimize.result import TOLERANCE
from ldi.typing import BoolArray, FloatArray


def new_pins(
    model: Model, answer: pd.DataFrame, threshold: float, at: FloatArray
) -> tuple[FloatArray, BoolArray]:
    """``at`` (money; NaN: free) with this answer's dust and near-limit positions pinned.

    ``answer`` has the answer's ``position`` and ``trade`` columns by instrument. Dust is
    held at the holding (returned as the second item, the dust pinned now), unless the
    holding is the limit it is near (a ``no_trade`` position, a zero one kept long): that
    is a limit met, not dust. Other positions near a limit go on it.
    """
    free = np.isnan(at)
    limit = np.where(free, near_limits(model, answer["position"].to_numpy()), np.nan)
    holdings = model.scaled.data.holdings.to_numpy(dtype=float)
    small = dust(answer["trade"], threshold) & free & ~(limit == holdings)
    return np.where(small, holdings, np.where(np.isfinite(limit), limit, at)), small


def dust(trades: pd.Series, threshold: float) -> BoolArray:
    """Trades with 0 < |t| < ``threshold``."""
    size = np.abs(trades.to_numpy(dtype=float))
    return (size > 0.0) & (size < threshold)


def near_limits(model: Model, x: FloatArray) -> FloatArray:
    """For each position x_i (money), the single-position limit within tolerance of it, or NaN.

    Limits: the hard terms' boxes (``ConstraintTerm.box``). Within tolerance: as its row is
    checked, TOLERANCE x max(S, |x_i|), on either side; a position exactly on it has none.
    """
    scaled = model.scaled
    low, high = np.full(scaled.n, -np.inf), np.full(scaled.n, np.inf)
    for term in model.constraints:
        if term.soft is None:
            box = term.box(scaled)
            np.maximum.at(low, box.index, box.low)
            np.minimum.at(high, box.index, box.high)
    tolerance = TOLERANCE * np.maximum(scaled.scales.money, np.abs(x))
    usable = low <= high
    on_high = usable & (np.abs(x - high) <= tolerance) & (x != high)
    on_low = usable & (np.abs(x - low) <= tolerance) & (x != low)
    return np.where(on_high, high, np.where(on_low, low, np.nan))
