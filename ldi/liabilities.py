"""Liabilities: benefit cash flows valued on their own discount basis."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import pandas as pd

from ldi.cashflows.cashflows import Cashflows
from ldi.curves.base import RateCurve
from ldi.curves.inflation import BreakevenCurve
from ldi.curves.spread import DEFAULT_KEYS
from ldi.risk.sensitivities import basis_exposures, exposures
from ldi.typing import ArrayLike

FUNDING = "funding"


@dataclass(frozen=True, eq=False)
class Liabilities:
    """Benefit ``cashflows`` discounted on ``discount_curve`` (its spread is the basis spread).

    Inflation-linked benefits are uprated by the cash flows' indexation (e.g. LPI) projected
    on ``inflation_curve``. ``by_status`` optionally splits the same flows by member status
    (e.g. pensioner, deferred); the parts add up to ``cashflows``. ``credit_spread_beta`` is
    the share of a credit-spread move that moves the discount rate in a stress (1 for an AA
    corporate basis such as ASC 715 or IAS 19, 0 for gilts or swaps). ``curve`` names the
    market curve the discount basis is built on (so moves of that curve reach it);
    ``bases`` are the discount curves of other hedging bases by name (``FUNDING`` is the
    discount basis itself).
    """

    cashflows: Cashflows
    discount_curve: RateCurve
    inflation_curve: BreakevenCurve | None = None
    by_status: Mapping[str, Cashflows] = field(default_factory=lambda: MappingProxyType({}))
    credit_spread_beta: float = 0.0
    curve: str | None = None
    bases: Mapping[str, RateCurve] = field(default_factory=lambda: MappingProxyType({}))

    def components(self) -> dict[str, Cashflows]:
        """The fixed part, the inflation-linked part, each member status and the total."""
        cf = self.cashflows
        zeros = 0.0 * cf.amounts
        return {
            "fixed": Cashflows(cf.times, cf.amounts, zeros),
            "inflation_linked": Cashflows(cf.times, zeros, cf.inflation_linked, cf.indexation),
            **self.by_status,
            "total": cf,
        }

    def risk(self, keys: ArrayLike = DEFAULT_KEYS) -> pd.DataFrame:
        """Exposures table (see ``ldi.risk.exposures``), one row per component."""
        return exposures(self.components(), self.discount_curve, self.inflation_curve, keys)

    def basis_risk(self, keys: ArrayLike = DEFAULT_KEYS) -> pd.DataFrame:
        """Exposures of the total on each basis: ``FUNDING`` first, then ``bases``.

        A regulatory curve (one that re-extrapolates from market inputs) is bumped through
        its inputs, so its PV01s are those the regulator's curve would show.
        """
        curves = {FUNDING: self.discount_curve, **self.bases}
        rows = [
            basis_exposures(self.cashflows, curve, self.inflation_curve, keys)
            for curve in curves.values()
        ]
        return pd.DataFrame(rows, index=pd.Index(list(curves), name="basis"))
