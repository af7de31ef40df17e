"""Resilience metrics: the yield rise a portfolio absorbs, and basis points to zero NAV.

Both are found by full revaluation: the root in s (bp) of the headroom (collateral
available − needed) or of the leveraged mandate's NAV under a parallel rise of s, bracketed
on a grid of rises revalued in one pass, then refined by Brent's method. The first-order
estimate divides today's amount by its fall per bp (NAV / PV01_net); convexity makes the
exact figure larger for long bonds.

Two rises are measured, as buffers are tested on the worse of them: ``nominal`` (nominal
and real yields rise together, breakevens held) and ``real`` (index-linked real yields rise,
nominal yields held, so breakevens fall). ``breakeven`` falls (real yields held) can be
added to the buffer constraint.

Nominal rises are in gilt-yield basis points by default (``BUFFER_UNITS``), the unit The
Pensions Regulator and the Bank of England quote buffers in: each zero rate moves as a bond
yield quoted in the market's convention would (``ldi.scenarios.RateUnits``). A real rise
moves the breakeven curve's zero-coupon rates.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from ldi.lazy import lazy_module
from ldi.liquidity.collateral import CollateralModel
from ldi.scenarios.scenario import Move, RateUnits
from ldi.typing import FloatArray

optimize = lazy_module("scipy.optimize")  # imported at the first root-find

SEARCH_BP = 2000.0  # rises are searched up to 20 percentage points (the options' cap)
GRID_STEP_BP = 25.0
BUFFER_UNITS = RateUnits.YIELD  # TPR's 250bp is a rise in gilt yields
# A fall per bp below this share of the amount is the rounding of sums of large values
# (an amount that no rise of this kind moves), not a fall: it would put the rise past 1e12bp.
ROUNDING = 1e-12


class Rise(StrEnum):
    """The parallel moves a buffer is tested on."""

    NOMINAL = "nominal"
    REAL = "real"
    BREAKEVEN = "breakeven"


def rise(kind: Rise, bp: float, units: RateUnits = BUFFER_UNITS) -> Move:
    """A parallel move of ``bp`` of kind ``kind`` (a breakeven move is a fall of ``bp``).

    ``units`` is what the nominal moves are quoted in (a real rise moves breakevens only).
    """
    if kind is Rise.NOMINAL:
        return Move.of(nominal_bp=bp, units=units)
    if kind is Rise.REAL:
        return Move.of(breakeven_bp=-bp)
    return Move.of(nominal_bp=-bp, breakeven_bp=-bp, units=units)


@dataclass(frozen=True)
class Buffer:
    """A resilience figure in bp: ``exact`` by full revaluation, ``first_order`` estimate.

    ``inf`` when the amount does not reach 0 within SEARCH_BP (or never falls), 0 when it
    is not positive today.
    """

    exact: float
    first_order: float

    def to_dict(self) -> dict[str, float | None]:
        """JSON-safe: infinities become None."""
        return {k: (v if math.isfinite(v) else None) for k, v in vars(self).items()}


def root_bp(amount: Callable[[FloatArray], FloatArray]) -> Buffer:
    """The smallest rise s ≥ 0 (bp) with ``amount``(s) = 0, and its first-order estimate.

    ``amount`` maps rises in bp (a vector) to amounts (money), one per rise. The first-order
    estimate is today / fall with fall = (amount(−1) − amount(+1)) / 2, infinite when the
    fall is not above ``ROUNDING`` × |amount|.
    """
    today, down, up = amount(np.array([0.0, -1.0, 1.0]))
    if today <= 0:
        return Buffer(0.0, 0.0)
    fall = (down - up) / 2.0
    first = today / fall if fall > ROUNDING * max(abs(down), abs(up)) else math.inf
    grid = np.arange(0.0, SEARCH_BP + GRID_STEP_BP, GRID_STEP_BP)
    values = amount(grid)
    below = np.flatnonzero(values <= 0)
    if below.size == 0:
        return Buffer(math.inf, first)
    j = int(below[0])

    def scalar(bp: float) -> float:
        return float(amount(np.array([bp]))[0])

    exact = optimize.brentq(scalar, grid[j - 1], grid[j], xtol=1e-9)
    return Buffer(float(exact), float(first))


def absorbable_rise(
    model: CollateralModel,
    positions: FloatArray,
    kind: Rise = Rise.NOMINAL,
    within_days: float | None = None,
    units: RateUnits = BUFFER_UNITS,
) -> Buffer:
    """The rise (bp in ``units``) the portfolio absorbs before collateral runs out."""
    return root_bp(
        lambda bp: model.headroom(positions, [rise(kind, s, units) for s in bp], within_days)
    )


def bp_to_zero_nav(
    model: CollateralModel,
    positions: FloatArray,
    kind: Rise = Rise.NOMINAL,
    units: RateUnits = BUFFER_UNITS,
) -> Buffer:
    """The rise (bp in ``units``) that takes the leveraged LDI mandate's NAV to 0."""
    mandate = model.table["mandate"].to_numpy(dtype=bool)
    x = np.where(mandate, np.asarray(positions, dtype=float), 0.0)
    return root_bp(lambda bp: x @ model.values([rise(kind, s, units) for s in bp]))
