"""Liabilities: benefit cash flows valued on their own discount basis."""

from dataclasses import dataclass

import pandas as pd

from ldi.cashflows.cashflows import Cashflows
from ldi.curves.base import RateCurve
from ldi.curves.inflation import BreakevenCurve
from ldi.curves.spread import DEFAULT_KEYS
from ldi.risk.sensitivities import exposures
from ldi.typing import ArrayLike


@dataclass(frozen=True, eq=False)
class Liabilities:
    """Benefit ``cashflows`` discounted on ``discount_curve`` (its spread is the basis spread).

    Inflation-linked benefits are projected with ``inflation_curve``.
    """

    cashflows: Cashflows
    discount_curve: RateCurve
    inflation_curve: BreakevenCurve | None = None

    def components(self) -> dict[str, Cashflows]:
        """The fixed part, the inflation-linked part and the total, as separate streams."""
        cf = self.cashflows
        zeros = 0.0 * cf.amounts
        return {
            "fixed": Cashflows(cf.times, cf.amounts, zeros),
            "inflation_linked": Cashflows(cf.times, zeros, cf.inflation_linked),
            "total": cf,
        }

    def risk(self, keys: ArrayLike = DEFAULT_KEYS) -> pd.DataFrame:
        """Exposures table (see ``ldi.risk.exposures``) with rows fixed, inflation_linked, total."""
        return exposures(self.components(), self.discount_curve, self.inflation_curve, keys)
