"""A loaded problem: its validated spec echoed, plus the domain objects built from it."""

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from ldi.curves.market import Market
from ldi.curves.spread import DEFAULT_KEYS
from ldi.instruments import Instrument, InstrumentRisk, instrument_risk
from ldi.io.schema import ProblemSpec
from ldi.liabilities import Liabilities
from ldi.typing import ArrayLike


@dataclass(frozen=True, eq=False)
class Problem:
    """One decision's inputs: the market, the liabilities, the universe and current holdings.

    ``holdings`` are positions by instrument id: market value for physical assets, notional
    for overlays, cash borrowed for repo (see ``ldi.instruments.Role``).
    """

    spec: ProblemSpec
    market: Market
    liabilities: Liabilities
    instruments: Mapping[str, Instrument]
    holdings: pd.Series

    @property
    def name(self) -> str:
        """The problem's display name."""
        return self.spec.name

    @property
    def curves(self) -> Mapping[str, object]:
        """Curves by name."""
        return self.market.curves

    def instrument_risk(self, keys: ArrayLike = DEFAULT_KEYS) -> InstrumentRisk:
        """Per-unit exposures and market terms of every instrument."""
        return instrument_risk(list(self.instruments.values()), self.market, keys)
