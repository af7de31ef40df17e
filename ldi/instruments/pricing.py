"""Bond pricing shared by every kind: from a curve plus spread, or from a market price.

A bond quoted at a market price gets the spread s that reprices it: the constant added to
the curve's zero rates (in the curve's compounding, the same mechanism as every bump) with
PV(curve + s) = dirty price. Every priced bond's spread is solved at once by Newton's
method on the bonds' stacked flows: PV falls and is convex in s for positive flows, so the
iterates rise to the root from its first step on. A bond whose slope vanishes, or that has
not converged, is finished by Brent's method on the search bracket.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ldi.cashflows.cashflows import Cashflows
from ldi.cashflows.tranches import Stream, streams_of
from ldi.curves.base import RateCurve
from ldi.curves.inflation import BreakevenCurve, Breakevens
from ldi.errors import DataError
from ldi.instruments.base import Valuation
from ldi.lazy import lazy_module
from ldi.typing import FloatArray, IntArray
from ldi.units import BP
from ldi.validation import plain

optimize = lazy_module("scipy.optimize")  # imported only when a bond needs Brent's method

SPREAD_SEARCH = (-0.05, 1.0)  # implied spreads searched from -500bp to +10,000bp
NEWTON_STEPS = 30  # Newton steps before Brent's method takes over
ROUNDING = 8 * np.finfo(float).eps  # a residual within this share of the PV is solved
SPREAD_TOLERANCE = 1e-15  # a Newton step this small (decimal) ends a bond's search
E_NEEDS_BREAKEVEN = "{where}: inflation-linked flows need a breakeven curve"
E_PRICE = "{where}.price: got {price!r}; expected a positive clean price per 100 nominal"
E_NOT_POSITIVE = "{where}: dirty price {dirty!r}; expected a positive value"
E_NO_SPREAD = (
    "{where}.price: {price!r} (dirty {dirty:.6g}) implies a spread outside "
    "[{low:+.0f}bp, {high:+.0f}bp]; expected a price the curve can reach"
)


@dataclass(frozen=True, eq=False)
class BondQuote:
    """A bond to price: ``flows`` per 100 face on ``curve`` (+ ``breakeven``), and its quote.

    Either ``clean_price`` (per 100; the spread is implied from the dirty price (clean +
    ``accrued``) x ``settlement_factor``, the index ratio of a real-quoted linker) or
    ``spread`` (decimal; None is 0). ``credit`` marks the spread as a risk factor.
    """

    flows: Cashflows
    curve: RateCurve
    breakeven: BreakevenCurve | None
    spread: float | None
    clean_price: float | None
    accrued: float
    credit: bool
    where: str
    settlement_factor: float = 1.0


def money_flows(
    flows: Stream, breakeven: Breakevens | None, where: str
) -> tuple[FloatArray, FloatArray]:
    """Times after 0 and the money each pays: fixed plus real x projected uprating.

    Tranches are taken part after part, each real amount on its own index's curve.
    """
    t, money, _ = stacked_money_flows([flows], [breakeven], [where])
    return t, money


def price_bonds(quotes: Sequence[BondQuote]) -> list[Valuation]:
    """Valuations per unit of market value of bonds whose flows are per 100 face, in order.

    The quote of each holds the clean and dirty prices, the accrued interest (per 100, real
    for a linker), the index ratio (``settlement_factor``), the spread (bp) and where the
    price came from.
    """
    for quote in quotes:
        price = quote.clean_price
        if price is not None and not (np.isfinite(price) and price > 0):
            raise DataError(E_PRICE.format(where=quote.where, price=plain(price)))
    t, money, owner = stacked_money_flows(
        [q.flows for q in quotes], [q.breakeven for q in quotes], [q.where for q in quotes]
    )
    spreads = np.array([q.spread or 0.0 for q in quotes])
    dirty = np.array(
        [
            np.nan if q.clean_price is None else (q.clean_price + q.accrued) * q.settlement_factor
            for q in quotes
        ]
    )
    groups: dict[int, list[int]] = {}
    for k, quote in enumerate(quotes):
        groups.setdefault(id(quote.curve), []).append(k)
    for members in groups.values():
        rows = np.array(members)
        local = np.full(len(quotes), -1)
        local[rows] = np.arange(rows.size)
        mine = local[owner] >= 0
        curve = quotes[members[0]].curve
        stacked = _Stacked.of(t[mine], money[mine], local[owner[mine]], rows.size, curve)
        market = ~np.isnan(dirty[rows])
        if market.any():
            spreads[rows[market]] = stacked.implied(dirty[rows], market, quotes, rows)
        if not market.all():
            dirty[rows[~market]] = stacked.values(spreads[rows])[~market]
    return [
        _valuation(q, float(s), float(d)) for q, s, d in zip(quotes, spreads, dirty, strict=True)
    ]


def stacked_money_flows(
    flows: Sequence[Stream], breakevens: Sequence[Breakevens | None], wheres: Sequence[str]
) -> tuple[FloatArray, FloatArray, IntArray]:
    """Every stream's ``money_flows``, stacked: times, money, and the stream each flow is of.

    The same numbers as ``money_flows`` stream by stream: fixed amounts as they are, real
    amounts uprated on their index's breakeven curve (a part of tranches at a time).
    """
    parts = [(k, part) for k, stream in enumerate(flows) for part in streams_of(stream)]
    if not parts:
        return np.zeros(0), np.zeros(0), np.zeros(0, dtype=np.intp)
    sizes = np.array([len(part) for _, part in parts])
    starts = np.concatenate([[0], np.cumsum(sizes)])
    owner = np.repeat([k for k, _ in parts], sizes)
    t = np.concatenate([part.times for _, part in parts])
    money = np.concatenate([part.amounts for _, part in parts])
    linked = np.concatenate([part.inflation_linked for _, part in parts])
    future = t > 0
    part_of = np.repeat(np.arange(len(parts)), sizes)
    for p in np.unique(part_of[(linked != 0) & future]):
        k, part = parts[p]
        if breakevens[k] is None:
            raise DataError(E_NEEDS_BREAKEVEN.format(where=wheres[k]))
        rows = np.arange(starts[p], starts[p + 1])[future[starts[p] : starts[p + 1]]]
        index = breakevens[k].for_index(part.indexation.index)
        money[rows] += linked[rows] * part.indexation.expected(index, t[rows])
    return t[future], money[future], owner[future]


def priced_bond(quote: BondQuote) -> Valuation:
    """One bond's valuation (see ``price_bonds``)."""
    return price_bonds([quote])[0]


def _valuation(quote: BondQuote, spread: float, dirty: float) -> Valuation:
    if not dirty > 0:
        raise DataError(E_NOT_POSITIVE.format(where=quote.where, dirty=dirty))
    return Valuation(
        stream=quote.flows.scaled(1.0 / dirty),
        curve=quote.curve,
        spread=spread,
        breakeven=quote.breakeven,
        credit=quote.credit,
        quote={
            "clean_price": dirty / quote.settlement_factor - quote.accrued,
            "dirty_price": dirty,
            "accrued": quote.accrued,
            "index_ratio": quote.settlement_factor,
            "spread_bp": spread / BP,
            "priced_from": "curve" if quote.clean_price is None else "market",
        },
    )


@dataclass(frozen=True, eq=False)
class _Stacked:
    """Bonds' money flows on one curve, stacked: ``owner`` is each flow's bond (0..n-1)."""

    curve: RateCurve
    t: FloatArray
    money: FloatArray
    zero: FloatArray
    owner: IntArray
    n: int

    @classmethod
    def of(
        cls, t: FloatArray, money: FloatArray, owner: IntArray, n: int, curve: RateCurve
    ) -> "_Stacked":
        """Flows ``t``, ``money`` of ``n`` bonds (``owner``: 0..n-1) on ``curve``."""
        return cls(curve, t, money, curve.zero_rate(t), owner, n)

    def _sum(self, per_flow: FloatArray) -> FloatArray:
        return np.bincount(self.owner, per_flow, minlength=self.n)

    def values(self, spreads: FloatArray) -> FloatArray:
        """PV(s) = Σ aᵢ DF(zᵢ + s, tᵢ) of each bond at its spread."""
        return self._sum(
            self.money * self.curve.compounding.discount(self.zero + spreads[self.owner], self.t)
        )

    def implied(
        self, dirty: FloatArray, market: np.ndarray, quotes: Sequence[BondQuote], rows: IntArray
    ) -> FloatArray:
        """Spreads, in order, of the bonds ``market`` marks: PV(s) = ``dirty``.

        Newton's method from 0, all bonds at once, each bond until its residual is within
        rounding of its PV or its step below SPREAD_TOLERANCE; a bond whose slope vanishes,
        or that has not converged in NEWTON_STEPS, gets Brent's method.
        """
        low, high = SPREAD_SEARCH
        target = np.where(market, dirty, 0.0)
        reach_low = self.values(np.full(self.n, low)) - target
        reach_high = self.values(np.full(self.n, high)) - target
        for k in np.flatnonzero(market & ~((reach_low > 0) & (reach_high < 0))):
            quote = quotes[rows[k]]
            message = E_NO_SPREAD.format(
                where=quote.where,
                price=quote.clean_price,
                dirty=dirty[k],
                low=low / BP,
                high=high / BP,
            )
            raise DataError(message)
        compounding = self.curve.compounding
        spread = np.zeros(self.n)
        open_ = market.copy()
        for _ in range(NEWTON_STEPS):
            flows = open_[self.owner]  # only the flows of bonds still open
            if not flows.any():
                break
            owner, t, money = self.owner[flows], self.t[flows], self.money[flows]
            discount, slope = compounding.discount_derivatives(
                self.zero[flows] + spread[owner], t, 2
            )
            worth = money * discount
            excess = np.bincount(owner, worth, self.n) - target
            rate = np.bincount(owner, money * slope, self.n)
            rounding = ROUNDING * np.bincount(owner, np.abs(worth), self.n)
            with np.errstate(divide="ignore", invalid="ignore"):
                step = np.where(rate < 0, excess / rate, np.nan)
            moving = open_ & ~(np.abs(excess) <= rounding)
            # From below the root the iterates rise to it; a step past the bracket's lower
            # end (a first step from 0 to a negative root) restarts there, where PV > dirty.
            spread[moving] = np.clip(spread - step, low, high)[moving]
            open_ = moving & ~(np.abs(step) <= SPREAD_TOLERANCE) & ~np.isnan(spread)
        spread[open_] = np.nan
        for k in np.flatnonzero(market & np.isnan(spread)):
            spread[k] = self._brent(k, target[k])
        return spread[market]

    def _brent(self, k: int, dirty: float) -> float:
        """Bond ``k``'s spread by Brent's method on the search bracket."""
        mine = self.owner == k
        t, money, zero = self.t[mine], self.money[mine], self.zero[mine]
        compounding = self.curve.compounding

        def excess(spread: float) -> float:
            return float(money @ compounding.discount(zero + spread, t)) - dirty

        low, high = SPREAD_SEARCH
        return float(optimize.brentq(excess, low, high, xtol=1e-15, rtol=4 * np.finfo(float).eps))
