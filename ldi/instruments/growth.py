"""Return-seeking assets: equities, property, diversified growth funds, private markets."""

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ldi.curves.market import Market
from ldi.errors import DataError
from ldi.instruments.base import Instrument, Role, StatedRisk, Valuation

E_NUMBER = "{where}.{field}: got {value!r}; expected {need}"


@dataclass(frozen=True, kw_only=True)
class ReturnSeeking(Instrument):
    """A growth asset described by its return and risk rather than by cash flows.

    ``expected_return`` and ``volatility`` are annual decimals. The optional durations
    (years) state its sensitivity to nominal rates, breakeven inflation and credit spreads
    per unit of market value, e.g. 3 for property whose rents track interest rates; a
    negative duration (an asset that gains when rates rise) is allowed.
    """

    kind: ClassVar[str] = "return_seeking"
    role: ClassVar[Role] = Role.PHYSICAL
    expected_return: float
    volatility: float
    rates_duration: float = 0.0
    inflation_duration: float = 0.0
    spread_duration: float = 0.0

    def __post_init__(self) -> None:
        checks = {
            "expected_return": "a finite annual return such as 0.06",
            "volatility": "a finite volatility >= 0 such as 0.15",
            "rates_duration": "a finite number of years",
            "inflation_duration": "a finite number of years",
            "spread_duration": "a finite number of years",
        }
        for field, need in checks.items():
            value = getattr(self, field)
            if not np.isfinite(value) or (field == "volatility" and value < 0):
                message = E_NUMBER.format(where=self.where, field=field, value=value, need=need)
                raise DataError(message)

    def value(self, market: Market) -> Valuation:
        """Value and risk of one unit of position (see ``Instrument.value``)."""
        return Valuation(
            settled=1.0,
            stated=StatedRisk(self.rates_duration, self.inflation_duration, self.spread_duration),
            expected_return=self.expected_return,
            quote={"expected_return": self.expected_return, "volatility": self.volatility},
        )
