"""What a recapitalisation plan may do: the sponsor's facility and each position's terms.

The plan itself (``ldi.recap``) sells positions, unwinds overlays and calls on the sponsor
to restore a collateral buffer by a deadline; this policy says what it may use and at what
cost, beside the problem's collateral policy.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

HORIZON_YEARS = 1.0  # the expected return a sale gives up is counted over a year
DEADLINE_DAYS = (1, 250)  # a plan's deadline in business days: a day to a year
TARGET_BP = (0.0, 2000.0)  # the rises a restored buffer may be asked to absorb


@dataclass(frozen=True)
class SponsorFacility:
    """Cash the sponsor can pay in: up to ``amount`` (money), ``days`` after the call.

    ``cost`` per unit paid (0: the scheme pays nothing for it; a positive cost ranks it
    behind sales that cost less).
    """

    amount: float
    days: int = 1
    cost: float = 0.0


@dataclass(frozen=True)
class ActionTerms:
    """One position's terms in a plan: days until its cash arrives, its cost, its limit.

    ``days`` replaces the collateral days or settlement convention; ``cost_bp`` the bid/offer
    (bp of money sold; swaps: bp of rate); ``amount`` the most the plan may sell or unwind
    (money or notional; 0: the plan must not touch it).
    """

    days: int | None = None
    cost_bp: float | None = None
    amount: float | None = None


@dataclass(frozen=True)
class RecapitalisationPolicy:
    """A plan's target, deadline and costs; None takes the default named in ``ldi.recap``.

    ``scenario``: the stress the plan starts from (None: the book as it stands);
    ``target_bp``: the rise (bond-yield bp) the buffer must absorb after the plan;
    ``days``: the deadline in business days; ``horizon_years``: how long the expected return
    a sale gives up is counted; ``hedge_charge_bp``: what a unit of PV01 (or IE01) given up
    costs, as the loss in a move of that size; ``cost_bp``: bid/offer by kind or id;
    ``sponsor``: the sponsor's facility; ``actions``: terms by instrument id.
    """

    scenario: str | None = None
    target_bp: float | None = None
    days: int | None = None
    horizon_years: float = HORIZON_YEARS
    hedge_charge_bp: float | None = None
    cost_bp: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    sponsor: SponsorFacility | None = None
    actions: Mapping[str, ActionTerms] = field(default_factory=lambda: MappingProxyType({}))
