"""Market conventions as data: defaults per instrument kind and currency, and haircuts.

Changing a convention means editing a table here, never adding a branch to pricing code.
"""

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import numpy as np

KIND_DEFAULTS: Mapping[str, Mapping[str, Any]] = MappingProxyType(
    {
        "bond": {"frequency": 2},  # gilts, Treasuries: semiannual coupons
        "zero_coupon_bond": {},
        "index_linked_bond": {"frequency": 2, "indexation_lag": 0.0},
        "interest_rate_swap": {"frequency": 1},  # SONIA / SOFR OIS: annual fixed leg
        "inflation_swap": {"indexation_lag": 0.0},
        "repo": {},
        "return_seeking": {},
        "cash": {},
    }
)
"""Defaults that hold unless the instrument or its currency says otherwise."""

CURRENCY_DEFAULTS: Mapping[tuple[str, str], Mapping[str, Any]] = MappingProxyType(
    {
        ("EUR", "bond"): {"frequency": 1},  # euro government bonds pay annual coupons
        ("EUR", "index_linked_bond"): {"frequency": 1},
    }
)
"""Overrides of ``KIND_DEFAULTS`` for one (currency, kind)."""

SETTLEMENT_DAYS: Mapping[str, int] = MappingProxyType(
    {
        # Business days from trade to settlement: gilts settle T+1 in CREST, other bonds
        # and listed securities T+2 in the EU and UK (EU CSDR Article 5(2); ICMA rules);
        # swaps start spot (T+2); repo and cash the same day.
        "bond": 1,
        "zero_coupon_bond": 1,
        "index_linked_bond": 1,
        "credit_bond": 2,  # a bond with ``credit``
        "interest_rate_swap": 2,
        "inflation_swap": 2,
        "repo": 0,
        "return_seeking": 2,
        "cash": 0,
    }
)
"""Settlement days of a trade by kind, unless its currency says otherwise."""

CURRENCY_SETTLEMENT_DAYS: Mapping[tuple[str, str], int] = MappingProxyType(
    {
        ("EUR", "bond"): 2,  # euro government bonds: T+2
        ("EUR", "zero_coupon_bond"): 2,
        ("EUR", "index_linked_bond"): 2,
        ("USD", "credit_bond"): 1,  # US securities: T+1 since 28 May 2024 (SEC Rule 15c6-1)
        ("USD", "return_seeking"): 1,
    }
)
"""Overrides of ``SETTLEMENT_DAYS`` for one (currency, kind)."""

HAIRCUTS: Mapping[str, tuple[tuple[float, float], ...]] = MappingProxyType(
    {
        # (residual maturity up to, haircut): EU EMIR RTS 2016/2251 Annex II, credit
        # quality step 1, same currency: the standard minimum haircut on collateral for
        # uncleared derivatives. It is the default for repo that states none (repo haircuts
        # are agreed bilaterally; give them per repo where known) and for collateral pools.
        "government": ((1.0, 0.005), (5.0, 0.02), (np.inf, 0.04)),
        "corporate": ((1.0, 0.01), (5.0, 0.04), (np.inf, 0.08)),
        "equity": ((np.inf, 0.15),),  # main-index equities
        "cash": ((np.inf, 0.0),),  # cash variation margin
        # A money-market fund redeems at its (stable) NAV into cash the same day: no haircut
        # by default; give one for a variable-NAV fund.
        "money_market": ((np.inf, 0.0),),
    }
)
"""Haircut schedules by collateral class."""


def defaults(kind: str, currency: str) -> dict[str, Any]:
    """Convention defaults of ``kind`` in ``currency``."""
    return {**KIND_DEFAULTS[kind], **CURRENCY_DEFAULTS.get((currency, kind), {})}


def haircut(credit: bool, maturity: float) -> float:
    """Standard haircut (decimal) of a bond with ``maturity`` years left."""
    return scheduled(HAIRCUTS["corporate" if credit else "government"], maturity)


def scheduled(schedule: tuple[tuple[float, float], ...], maturity: float) -> float:
    """The haircut of a schedule of (maturity up to, haircut) for ``maturity`` years left."""
    return next(cut for limit, cut in schedule if maturity <= limit)


def settlement_days(kind: str, currency: str, credit: bool = False) -> int:
    """Business days from trade to settlement of ``kind`` (a credit bond's) in ``currency``."""
    kind = "credit_bond" if credit else kind
    return CURRENCY_SETTLEMENT_DAYS.get((currency, kind), SETTLEMENT_DAYS[kind])
