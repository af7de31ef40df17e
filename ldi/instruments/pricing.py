"""Bond pricing shared by every kind: from a curve plus spread, or from a market price.

A bond quoted at a market price gets the spread s that reprices it: the constant added to
the curve's zero rates (in the curve's compounding, the same mechanism as every bump) with
PV(curve + s) = dirty price. Every priced bond's spread is solved at once by Newton's
method on the bonds' stacked flows: PV falls and is convex in s for positive flows, so the
iterates rise to the root from its first step on. A bond whose slope vanishes, or that has
not converged, is finished by Brent's method on the search bracket.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Self

import numpy as np
import pandas as pd

from ldi.cashflows.cashflows import Cashflows
from ldi.cashflows.stacked import StackedCashflows
from ldi.cashflows.tranches import Stream, streams_of
from ldi.curves.base import RateCurve
from ldi.curves.inflation import BreakevenCurve, Breakevens
from ldi.errors import DataError
from ldi.instruments.base import Valuation
from ldi.instruments.valuations import Quotes, Valuations, objects
from ldi.lazy import lazy_module
from ldi.typing import BoolArray, FloatArray, IntArray, ObjectArray
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


@dataclass(frozen=True, eq=False)
class BondQuotes(Sequence[BondQuote]):
    """Many bonds to price, as columns: item k is bond k's ``BondQuote``.

    ``flows`` holds every bond's flows per 100 face; the other fields hold, bond by bond, the
    ``BondQuote`` field of their name: ``clean_price`` NaN and ``priced`` False where no
    price is given, ``spread`` 0 where no spread is.
    """

    flows: StackedCashflows
    curve: ObjectArray
    breakeven: ObjectArray
    spread: FloatArray
    clean_price: FloatArray
    priced: BoolArray
    accrued: FloatArray
    credit: BoolArray
    where: ObjectArray
    settlement_factor: FloatArray

    @classmethod
    def of(cls, quotes: Sequence[BondQuote]) -> Self:
        """The columns of ``quotes``, in order."""
        return cls(
            flows=StackedCashflows.of([q.flows for q in quotes]),
            curve=objects([q.curve for q in quotes]),
            breakeven=objects([q.breakeven for q in quotes]),
            **quoted([q.spread for q in quotes], [q.clean_price for q in quotes]),
            accrued=np.array([q.accrued for q in quotes], dtype=float),
            credit=np.array([q.credit for q in quotes], dtype=bool),
            where=objects([q.where for q in quotes]),
            settlement_factor=np.array([q.settlement_factor for q in quotes], dtype=float),
        )

    @classmethod
    def concat(cls, parts: Sequence["BondQuotes"]) -> Self:
        """The bonds of ``parts``, part after part."""
        columns = {
            name: np.concatenate([getattr(part, name) for part in parts]) for name in _QUOTE_COLUMNS
        }
        return cls(flows=StackedCashflows.concat([part.flows for part in parts]), **columns)

    def __len__(self) -> int:
        return len(self.flows)

    def __getitem__(self, k: int) -> BondQuote:
        return BondQuote(
            self.flows[k],
            self.curve[k],
            self.breakeven[k],
            spread=float(self.spread[k]),
            clean_price=float(self.clean_price[k]) if self.priced[k] else None,
            accrued=float(self.accrued[k]),
            credit=bool(self.credit[k]),
            where=self.where[k],
            settlement_factor=float(self.settlement_factor[k]),
        )

    def __iter__(self) -> Iterator[BondQuote]:
        return (self[k] for k in range(len(self)))


def quoted(
    spreads: Sequence[float | None], prices: Sequence[float | None]
) -> dict[str, np.ndarray]:
    """``BondQuotes``' columns spread, clean_price and priced, of values given or None."""
    return {
        "spread": np.array([spread or 0.0 for spread in spreads], dtype=float),
        "clean_price": np.array(
            [np.nan if price is None else price for price in prices], dtype=float
        ),
        "priced": np.array([price is not None for price in prices], dtype=bool),
    }


_QUOTE_COLUMNS = (
    "curve",
    "breakeven",
    "spread",
    "clean_price",
    "priced",
    "accrued",
    "credit",
    "where",
    "settlement_factor",
)


def money_flows(
    flows: Stream, breakeven: Breakevens | None, where: str
) -> tuple[FloatArray, FloatArray]:
    """Times after 0 and the money each pays: fixed plus real x projected uprating.

    Tranches are taken part after part, each real amount on its own index's curve.
    """
    t, money, _ = stacked_money_flows([flows], [breakeven], [where])
    return t, money


def price_bonds(quotes: BondQuotes) -> Valuations:
    """Valuations per unit of market value of bonds whose flows are per 100 face, in order.

    The quote of each holds the clean and dirty prices, the accrued interest (per 100, real
    for a linker), the index ratio (``settlement_factor``), the spread (bp) and where the
    price came from.
    """
    clean = quotes.clean_price
    bad = np.flatnonzero(quotes.priced & ~(np.isfinite(clean) & (clean > 0)))
    if bad.size:
        k = bad[0]
        raise DataError(E_PRICE.format(where=quotes.where[k], price=plain(clean[k])))
    t, money, owner = _money_flows(quotes.flows, quotes.breakeven, quotes.where)
    spreads = quotes.spread.copy()
    dirty = np.where(quotes.priced, (clean + quotes.accrued) * quotes.settlement_factor, np.nan)
    # Bonds on one curve (the very object) are solved together, curves in order of first use.
    codes, _ = pd.factorize(np.fromiter(map(id, quotes.curve), np.int64, len(quotes)))
    for code in range(codes.max(initial=-1) + 1):
        rows = np.flatnonzero(codes == code)
        curve = quotes.curve[rows[0]]
        if rows.size == len(quotes):  # every bond on this curve
            stacked = _Stacked.of(t, money, owner, rows.size, curve)
        else:
            local = np.full(len(quotes), -1)
            local[rows] = np.arange(rows.size)
            mine = local[owner] >= 0
            stacked = _Stacked.of(t[mine], money[mine], local[owner[mine]], rows.size, curve)
        market = quotes.priced[rows]
        if market.any():
            spreads[rows[market]] = stacked.implied(dirty[rows], market, quotes, rows)
        if not market.all():
            dirty[rows[~market]] = stacked.values(spreads[rows])[~market]
    bad = np.flatnonzero(~(dirty > 0))
    if bad.size:
        k = bad[0]
        raise DataError(E_NOT_POSITIVE.format(where=quotes.where[k], dirty=plain(dirty[k])))
    n = len(quotes)
    terms = {
        "clean_price": dirty / quotes.settlement_factor - quotes.accrued,
        "dirty_price": dirty,
        "accrued": quotes.accrued,
        "index_ratio": quotes.settlement_factor,
        "spread_bp": spreads / BP,
        "priced_from": np.where(quotes.priced, "market", "curve").astype(object),
    }
    return Valuations(
        streams=quotes.flows.scaled(1.0 / dirty),
        curve=quotes.curve,
        spread=spreads,
        breakeven=quotes.breakeven,
        settled=np.zeros(n),
        credit=quotes.credit,
        stated=np.zeros((n, 3)),
        floating=np.full(n, None, dtype=object),
        expected_return=np.zeros(n),
        quotes=Quotes.full(terms, n),
    )


def stacked_money_flows(
    flows: Sequence[Stream] | StackedCashflows,
    breakevens: Sequence[Breakevens | None],
    wheres: Sequence[str],
) -> tuple[FloatArray, FloatArray, IntArray]:
    """Every stream's ``money_flows``, stacked: times, money, and the stream each flow is of.

    The same numbers as ``money_flows`` stream by stream: fixed amounts as they are, real
    amounts uprated on their index's breakeven curve (a part of tranches at a time).
    ``StackedCashflows`` (streams of one part) are read as they are.
    """
    if isinstance(flows, StackedCashflows):
        return _money_flows(flows, breakevens, wheres)
    parts = [(k, part) for k, stream in enumerate(flows) for part in streams_of(stream)]
    stream = np.array([k for k, _ in parts], dtype=np.intp)
    t, money, part = _money_flows(
        StackedCashflows.of([part for _, part in parts]),
        [breakevens[k] for k, _ in parts],
        [wheres[k] for k, _ in parts],
    )
    return t, money, stream[part]


def _money_flows(
    flows: StackedCashflows,
    breakevens: Sequence[Breakevens | None],
    wheres: Sequence[str],
) -> tuple[FloatArray, FloatArray, IntArray]:
    """Times after 0, money (fixed + real x U(t) of its stream's rule), and each flow's stream."""
    t, linked, starts = flows.times, flows.inflation_linked, flows.starts
    money = flows.amounts.copy()
    future = t > 0
    for k in np.unique(flows.owner[(linked != 0) & future]).tolist():
        if breakevens[k] is None:
            raise DataError(E_NEEDS_BREAKEVEN.format(where=wheres[k]))
        rows = np.arange(starts[k], starts[k + 1])[future[starts[k] : starts[k + 1]]]
        rule = flows.indexation[k]
        money[rows] += linked[rows] * rule.expected(breakevens[k].for_index(rule.index), t[rows])
    return t[future], money[future], flows.owner[future]


def priced_bond(quote: BondQuote) -> Valuation:
    """One bond's valuation (see ``price_bonds``)."""
    return price_bonds(BondQuotes.of([quote]))[0]


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
        self, dirty: FloatArray, market: BoolArray, quotes: BondQuotes, rows: IntArray
    ) -> FloatArray:
        """Spreads, in order, of the bonds ``market`` marks: PV(s) = ``dirty``.

        Newton's method from 0, all bonds at once, each bond until its residual is within
        rounding of its PV or its step below SPREAD_TOLERANCE; a bond whose slope vanishes,
        or that has not converged in NEWTON_STEPS, gets Brent's method. A price no spread in
        SPREAD_SEARCH reaches leaves Newton's iterates at the bracket's end or unsolved: only
        those bonds are checked against the bracket.
        """
        low, high = SPREAD_SEARCH
        target = np.where(market, dirty, 0.0)
        compounding = self.curve.compounding
        spread = np.zeros(self.n)
        open_ = market.copy()
        # Σ|aᵢ DFᵢ| is the PV itself when no amount is negative (a bond's are not).
        positive = bool((self.money >= 0).all())
        for _ in range(NEWTON_STEPS):
            flows = open_[self.owner]  # the flows of bonds still open
            if not flows.any():
                break
            owner, t, money, zero = self.owner, self.t, self.money, self.zero
            # Mostly open: all flows (a closed bond's sums go unused), rather than copies.
            if np.count_nonzero(flows) < flows.size // 2:
                owner, t, money, zero = owner[flows], t[flows], money[flows], zero[flows]
            discount, slope = compounding.discount_derivatives(zero + spread[owner], t, 2)
            worth = money * discount
            value = np.bincount(owner, worth, self.n)
            excess = value - target
            rate = np.bincount(owner, money * slope, self.n)
            size = value if positive else np.bincount(owner, np.abs(worth), self.n)
            rounding = ROUNDING * size
            with np.errstate(divide="ignore", invalid="ignore"):
                step = np.where(rate < 0, excess / rate, np.nan)
            moving = open_ & ~(np.abs(excess) <= rounding)
            # From below the root the iterates rise to it; a step past the bracket's lower
            # end (a first step from 0 to a negative root) restarts there, where PV > dirty.
            spread[moving] = np.clip(spread - step, low, high)[moving]
            open_ = moving & ~(np.abs(step) <= SPREAD_TOLERANCE) & ~np.isnan(spread)
        spread[open_] = np.nan
        unsure = market & (np.isnan(spread) | (spread == low) | (spread == high))
        if unsure.any():
            reach_low = self.values(np.full(self.n, low)) - target
            reach_high = self.values(np.full(self.n, high)) - target
            for k in np.flatnonzero(unsure & ~((reach_low > 0) & (reach_high < 0))):
                message = E_NO_SPREAD.format(
                    where=quotes.where[rows[k]],
                    price=plain(quotes.clean_price[rows[k]]),
                    dirty=dirty[k],
                    low=low / BP,
                    high=high / BP,
                )
                raise DataError(message)
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
