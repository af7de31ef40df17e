"""Cash and gilt repo: the fund's liquidity and the way it borrows to lever up."""

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ldi.cashflows.cashflows import Cashflows
from ldi.curves.market import Market
from ldi.curves.zero import ZeroCurve
from ldi.errors import DataError
from ldi.instruments.base import FloatingLeg, Instrument, Role, Valuation

NO_RATES = ZeroCurve.flat(0.0)  # a market without nominal curves: cash earns its rate alone

E_TERM = "{where}.term: got {value!r}; expected a positive number of years"
E_HAIRCUT = "{where}.haircut: got {value!r}; expected a decimal in [0, 1) such as 0.02"


@dataclass(frozen=True, kw_only=True)
class Cash(Instrument):
    """Cash or a money-market fund: worth its face, no rate or inflation risk.

    ``rate`` is the expected return over the next year (decimal). Over time cash earns the
    market's money-market rate (its swap curve's one-year rate, reset each year) plus the
    margin that makes the first year's return ``rate``.
    """

    kind: ClassVar[str] = "cash"
    role: ClassVar[Role] = Role.PHYSICAL
    rate: float = 0.0

    def value(self, market: Market) -> Valuation:
        """Value and risk of one unit of position (see ``Instrument.value``)."""
        try:
            curve = market.swap_curve()
        except DataError:
            curve = NO_RATES
        short = 1.0 / float(curve.discount(1.0)) - 1.0
        return Valuation(
            settled=1.0,
            floating=FloatingLeg(1.0, curve, margin=self.rate - short),
            quote={"expected_return": self.rate},
        )


@dataclass(frozen=True, kw_only=True)
class Repo(Instrument):
    """Cash borrowed for ``term`` years against the bond ``collateral``, repaid with interest.

    One unit borrowed repays 1 + rate x term at ``term`` (simple interest); without a
    ``rate`` the repo is struck at the curve's fair rate (1/DF(term) − 1)/term, worth −1.
    It discounts on the market's swap curve unless it names one (repo trades near OIS).
    The lender holds collateral worth 1/(1 − ``haircut``) per unit borrowed. Over time the
    fund rolls it: from ``term`` on it borrows at the curve's fair rate, reset each year.
    """

    kind: ClassVar[str] = "repo"
    role: ClassVar[Role] = Role.FINANCING
    collateral: str
    term: float
    haircut: float
    rate: float | None = None
    curve: str | None = None

    def __post_init__(self) -> None:
        if not (np.isfinite(self.term) and self.term > 0):
            raise DataError(E_TERM.format(where=self.where, value=self.term))
        if not (np.isfinite(self.haircut) and 0 <= self.haircut < 1):
            raise DataError(E_HAIRCUT.format(where=self.where, value=self.haircut))

    @property
    def collateral_per_unit(self) -> float:
        """Market value of collateral pledged per unit of cash borrowed."""
        return 1.0 / (1.0 - self.haircut)

    def value(self, market: Market) -> Valuation:
        """Value and risk of one unit of position (see ``Instrument.value``)."""
        curve = market.swap_curve(self.curve, f"{self.where}.curve")
        fair = (1.0 / float(curve.discount(self.term)) - 1.0) / self.term
        rate = fair if self.rate is None else self.rate
        return Valuation(
            stream=Cashflows([self.term], [-(1.0 + rate * self.term)]),
            curve=curve,
            floating=FloatingLeg(-1.0, curve, start=self.term),
            quote={
                "rate": rate,
                "fair_rate": fair,
                "haircut": self.haircut,
                "collateral": self.collateral,
            },
        )
