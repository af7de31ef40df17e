"""Instruments (bonds, linkers, swaps, repo, growth assets, cash) and their exposures."""

from collections.abc import Mapping
from types import MappingProxyType

from ldi.instruments.base import FloatingLeg, Instrument, Role, StatedRisk, Valuation
from ldi.instruments.bonds import Bond, IndexLinkedBond, ZeroCouponBond
from ldi.instruments.exposures import InstrumentRisk, exposure_columns, instrument_risk
from ldi.instruments.funding import Cash, Repo
from ldi.instruments.growth import ReturnSeeking
from ldi.instruments.swaps import InflationSwap, InterestRateSwap
from ldi.instruments.universe import value_all, value_universe
from ldi.instruments.valuations import Valuations

KINDS: Mapping[str, type[Instrument]] = MappingProxyType(
    {
        cls.kind: cls
        for cls in (
            Bond,
            ZeroCouponBond,
            IndexLinkedBond,
            InterestRateSwap,
            InflationSwap,
            Repo,
            ReturnSeeking,
            Cash,
        )
    }
)
"""Instrument classes by their problem-file ``kind``."""

__all__ = [
    "KINDS",
    "Bond",
    "Cash",
    "FloatingLeg",
    "IndexLinkedBond",
    "InflationSwap",
    "Instrument",
    "InstrumentRisk",
    "InterestRateSwap",
    "Repo",
    "ReturnSeeking",
    "Role",
    "StatedRisk",
    "Valuation",
    "Valuations",
    "ZeroCouponBond",
    "exposure_columns",
    "instrument_risk",
    "value_all",
    "value_universe",
]
