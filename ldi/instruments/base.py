"""What every instrument offers: the value and risk of one unit of position on a market.

The unit depends on the instrument's role: market value for physical assets, notional for
overlays (unfunded derivatives), cash borrowed for financing (repo).
"""

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import ClassVar

from ldi.cashflows.cashflows import Cashflows
from ldi.curves.base import RateCurve
from ldi.curves.inflation import BreakevenCurve
from ldi.curves.market import Market

NO_FLOWS = Cashflows([], [])


class Role(StrEnum):
    """How a position is measured and funded."""

    PHYSICAL = "physical"  # position = market value; bought with the fund's capital
    OVERLAY = "overlay"  # position = notional; unfunded derivative
    FINANCING = "financing"  # position = cash borrowed against collateral


CATEGORIES: Mapping[str, str] = MappingProxyType(
    {
        "bond": "government",  # nominal bonds without credit risk: gilts, treasuries, bunds
        "zero_coupon_bond": "government",
        "index_linked_bond": "index_linked",
        "return_seeking": "growth",
        "cash": "cash",
        "interest_rate_swap": "rates_swap",
        "inflation_swap": "inflation_swap",
        "repo": "repo",
    }
)
"""Asset category by instrument kind; a nominal bond marked ``credit`` is in "credit"."""


@dataclass(frozen=True)
class StatedRisk:
    """Sensitivities given rather than computed, per unit of market value.

    Durations are in years: PV01 = duration x 1e-4 per unit, placed on the key-rate
    buckets as a zero-coupon payment at |duration| years would be.
    """

    rates_duration: float = 0.0
    inflation_duration: float = 0.0
    spread_duration: float = 0.0


@dataclass(frozen=True, eq=False)
class FloatingLeg:
    """A floating-rate leg with its notional, as the carry model ages it (``ldi.scenarios.carry``).

    Worth ``notional`` per unit from ``start`` until ``end`` (years): at ``start`` the fund
    receives −``notional`` in cash (e.g. 1 borrowed by a rolled repo), and the leg resets to
    par each year-end, paying the interest of ``curve``'s rate for the period plus ``margin``
    (annual decimal, simple) and, at ``end``, the notional. Cash is +1 from today with no
    end; a receiver swap's funding leg is −1 until its maturity; a repo rolled at its fair
    rate is −1 from its maturity on.
    """

    notional: float
    curve: RateCurve
    start: float = 0.0
    end: float = float("inf")
    margin: float = 0.0


@dataclass(frozen=True, eq=False)
class Valuation:
    """One unit of a position valued on a market.

    Its value is ``settled`` (already fixed today, e.g. the −1 of a swap's floating leg)
    plus the PV of ``stream`` on ``curve`` + ``spread`` (decimal, added to the zero rates in
    the curve's compounding) with ``breakeven``. ``credit`` marks spread risk: the spread
    moves the discount rate, so CS01 equals the PV01.
    ``quote`` holds the market terms for reports (prices, spreads, rates).
    How a unit earns over time beyond its flows: ``floating`` (a floating leg whose value
    today is ``settled``) or, without one, ``expected_return`` (decimal a year) on
    ``settled``, e.g. a growth asset's.
    """

    stream: Cashflows = NO_FLOWS
    curve: RateCurve | None = None
    spread: float = 0.0
    breakeven: BreakevenCurve | None = None
    settled: float = 0.0
    credit: bool = False
    stated: StatedRisk = StatedRisk()
    floating: FloatingLeg | None = None
    expected_return: float = 0.0
    quote: Mapping[str, float | str | None] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, kw_only=True)
class Instrument(ABC):
    """A tradable position: ``id`` is its name in problem files, holdings and results.

    ``isin``: its market identifier, for trade tickets. ``settlement_days``: business days
    from trade to settlement (None: the convention of its kind, ``settlement_days`` of
    ``ldi.instruments.conventions``). ``lot`` and ``min_ticket``: the nominal step of a
    trade and the smallest nominal traded, and ``ticket_cost`` the fixed cost of a ticket
    (money), for integer execution (None: none).
    """

    id: str
    kind: ClassVar[str]
    role: ClassVar[Role]
    isin: str | None = None
    settlement_days: int | None = None
    lot: float | None = None
    min_ticket: float | None = None
    ticket_cost: float | None = None

    @abstractmethod
    def value(self, market: Market) -> Valuation:
        """Value and risk of one unit of position on ``market``."""

    @property
    def where(self) -> str:
        """How error messages name this instrument."""
        return f"instrument {self.id!r}"

    @property
    def category(self) -> str:
        """Its asset category in allocation reports (``CATEGORIES``, by kind)."""
        return CATEGORIES[type(self).kind]
