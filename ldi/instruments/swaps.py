"""Swap overlays, valued per unit of notional under the single-curve convention.

A positive notional receives fixed (interest-rate swap) or receives inflation (zero-coupon
inflation swap). Without a ``fixed_rate`` a swap is struck at par on the valuation date, so
its value is 0.
"""

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ldi.cashflows.cashflows import Cashflows
from ldi.cashflows.indexation import Indexation
from ldi.curves.market import Market
from ldi.errors import DataError
from ldi.instruments.base import FloatingLeg, Instrument, Role, Valuation
from ldi.instruments.conventions import KIND_DEFAULTS
from ldi.scheduling.schedule import fixed_leg
from ldi.validation import plain

E_YEARS = "{where}.{field}: got {value!r}; expected a positive number of years"


@dataclass(frozen=True, kw_only=True)
class InterestRateSwap(Instrument):
    """Spot-starting swap of ``tenor`` years; fixed leg paid ``frequency`` times a year.

    Single curve: the floating leg with its notional exchanged is worth par, so receiving
    fixed is a fixed-rate bond (coupons plus notional at maturity) less 1 paid today:
    PV = r Σ τ_i DF(t_i) + DF(T) − 1, and the par rate is (1 − DF(T)) / Σ τ_i DF(t_i).
    Over time the −1 is a floating leg reset each year at the curve's rate until T.
    """

    kind: ClassVar[str] = "interest_rate_swap"
    role: ClassVar[Role] = Role.OVERLAY
    tenor: float
    frequency: int = KIND_DEFAULTS["interest_rate_swap"]["frequency"]
    fixed_rate: float | None = None
    curve: str | None = None

    def value(self, market: Market) -> Valuation:
        """Value and risk of one unit of position (see ``Instrument.value``)."""
        _check_years(self.tenor, "tenor", self.where)
        curve = market.swap_curve(self.curve, f"{self.where}.curve")
        leg = fixed_leg(self.tenor, self.frequency, start=0.0, where=self.where)
        discount = curve.discount(leg.times)
        par = (1.0 - discount[-1]) / float(leg.accruals @ discount)
        rate = par if self.fixed_rate is None else self.fixed_rate
        amounts = rate * leg.accruals
        amounts[-1] += 1.0
        return Valuation(
            stream=Cashflows(leg.times, amounts),
            curve=curve,
            settled=-1.0,
            floating=FloatingLeg(-1.0, curve, end=float(leg.times[-1])),
            quote={"fixed_rate": rate, "par_rate": par},
        )


@dataclass(frozen=True, kw_only=True)
class InflationSwap(Instrument):
    """Zero-coupon inflation swap to ``maturity``: receive the index uplift U(T), pay (1 + K)^T.

    U follows the breakeven curve, which is quoted on the swap market's lagged index, so at
    the default ``indexation_lag`` 0 (relative to the curve) the par rate K is b(T).
    """

    kind: ClassVar[str] = "inflation_swap"
    role: ClassVar[Role] = Role.OVERLAY
    maturity: float
    fixed_rate: float | None = None
    indexation_lag: float = KIND_DEFAULTS["inflation_swap"]["indexation_lag"]
    curve: str | None = None
    inflation_curve: str | None = None

    def value(self, market: Market) -> Valuation:
        """Value and risk of one unit of position (see ``Instrument.value``)."""
        _check_years(self.maturity, "maturity", self.where)
        curve = market.swap_curve(self.curve, f"{self.where}.curve")
        breakeven = market.breakeven_curve(self.inflation_curve, f"{self.where}.inflation_curve")
        indexation = Indexation(lag=self.indexation_lag, where=f"{self.where}.indexation")
        t = np.array([float(self.maturity)])
        uplift = float(indexation.expected(breakeven, t)[0])
        par = uplift ** (1.0 / t[0]) - 1.0
        rate = par if self.fixed_rate is None else self.fixed_rate
        return Valuation(
            stream=Cashflows(t, [-((1.0 + rate) ** t[0])], [1.0], indexation),
            curve=curve,
            breakeven=breakeven,
            quote={"fixed_rate": rate, "par_rate": par},
        )


def _check_years(value: float, field: str, where: str) -> None:
    if not (np.isfinite(value) and value > 0):
        raise DataError(E_YEARS.format(where=where, field=field, value=plain(value)))
