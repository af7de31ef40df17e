"""Bond pricing shared by every kind: from a curve plus spread, or from a market price.

A bond quoted at a market price gets the spread s that reprices it: the constant added to
the curve's zero rates (in the curve's compounding, the same mechanism as every bump) with
PV(curve + s) = dirty price. It is found by Brent's method on a bracket, as PV falls
monotonically in s for positive flows.
"""

import numpy as np

from ldi.cashflows.cashflows import Cashflows
from ldi.cashflows.tranches import Stream, streams_of
from ldi.curves.base import RateCurve
from ldi.curves.inflation import BreakevenCurve, Breakevens
from ldi.errors import DataError
from ldi.instruments.base import Valuation
from ldi.lazy import lazy_module
from ldi.typing import FloatArray
from ldi.units import BP
from ldi.validation import plain

optimize = lazy_module("scipy.optimize")  # imported at the first root-find

SPREAD_SEARCH = (-0.05, 1.0)  # implied spreads searched from -500bp to +10,000bp
E_NEEDS_BREAKEVEN = "{where}: inflation-linked flows need a breakeven curve"
E_PRICE = "{where}.price: got {price!r}; expected a positive clean price per 100 nominal"
E_NOT_POSITIVE = "{where}: dirty price {dirty!r}; expected a positive value"
E_NO_SPREAD = (
    "{where}.price: {price!r} (dirty {dirty:.6g}) implies a spread outside "
    "[{low:+.0f}bp, {high:+.0f}bp]; expected a price the curve can reach"
)


def money_flows(
    flows: Stream, breakeven: Breakevens | None, where: str
) -> tuple[FloatArray, FloatArray]:
    """Times after 0 and the money each pays: fixed plus real x projected uprating.

    Tranches are taken part after part, each real amount on its own index's curve.
    """
    times, money = [], []
    for part in streams_of(flows):
        future = part.times > 0
        t = part.times[future]
        amounts = part.amounts[future].copy()
        linked = part.inflation_linked[future]
        if np.any(linked):
            if breakeven is None:
                raise DataError(E_NEEDS_BREAKEVEN.format(where=where))
            index = breakeven.for_index(part.indexation.index)
            amounts += linked * part.indexation.expected(index, t)
        times.append(t)
        money.append(amounts)
    return np.concatenate(times), np.concatenate(money)


def implied_spread(
    flows: Cashflows,
    curve: RateCurve,
    breakeven: BreakevenCurve | None,
    dirty: float,
    where: str,
    price: float,
) -> float:
    """Spread s (decimal) with PV of ``flows`` on ``curve`` + s equal to ``dirty``."""
    t, amounts = money_flows(flows, breakeven, where)
    zero = curve.zero_rate(t)

    def excess(spread: float) -> float:
        return float(amounts @ curve.compounding.discount(zero + spread, t)) - dirty

    low, high = SPREAD_SEARCH
    if not excess(low) > 0 > excess(high):
        raise DataError(
            E_NO_SPREAD.format(where=where, price=price, dirty=dirty, low=low / BP, high=high / BP)
        )
    return float(optimize.brentq(excess, low, high, xtol=1e-15, rtol=4 * np.finfo(float).eps))


def priced_bond(
    flows: Cashflows,
    curve: RateCurve,
    breakeven: BreakevenCurve | None,
    *,
    spread: float | None,
    clean_price: float | None,
    accrued: float,
    settlement_factor: float = 1.0,
    credit: bool,
    where: str,
) -> Valuation:
    """Valuation per unit of market value of a bond whose ``flows`` are per 100 face.

    With ``clean_price`` (per 100) the spread is implied from the dirty price
    (clean + ``accrued``) x ``settlement_factor`` (the index ratio of a real-quoted linker);
    otherwise the bond is priced on ``curve`` + ``spread`` (0 when None). The quote holds
    the clean and dirty prices, the accrued interest (per 100, real for a linker), the
    index ratio (``settlement_factor``), the spread (bp) and where the price came from.
    """
    if clean_price is not None:
        if not (np.isfinite(clean_price) and clean_price > 0):
            raise DataError(E_PRICE.format(where=where, price=plain(clean_price)))
        dirty = (clean_price + accrued) * settlement_factor
        spread = implied_spread(flows, curve, breakeven, dirty, where, clean_price)
        source = "market"
    else:
        spread = spread or 0.0
        t, amounts = money_flows(flows, breakeven, where)
        dirty = float(amounts @ curve.compounding.discount(curve.zero_rate(t) + spread, t))
        source = "curve"
    if not dirty > 0:
        raise DataError(E_NOT_POSITIVE.format(where=where, dirty=dirty))
    clean = dirty / settlement_factor - accrued
    return Valuation(
        stream=flows.scaled(1.0 / dirty),
        curve=curve,
        spread=spread,
        breakeven=breakeven,
        credit=credit,
        quote={
            "clean_price": clean,
            "dirty_price": dirty,
            "accrued": accrued,
            "index_ratio": settlement_factor,
            "spread_bp": spread / BP,
            "priced_from": source,
        },
    )
