"""Liquidity: collateral pools and haircuts, margin calls, buffers and resilience metrics."""

from ldi.liquidity.buffer import Buffer, Rise, absorbable_rise, bp_to_zero_nav, rise, root_bp
from ldi.liquidity.collateral import (
    DEFAULT_DAYS,
    AssetClass,
    CollateralModel,
    CollateralPolicy,
    InstrumentCollateral,
    StressedTerms,
    benefits_due,
    collateral_table,
)
from ldi.liquidity.recapitalisation import ActionTerms, RecapitalisationPolicy, SponsorFacility

__all__ = [
    "DEFAULT_DAYS",
    "ActionTerms",
    "AssetClass",
    "Buffer",
    "CollateralModel",
    "CollateralPolicy",
    "InstrumentCollateral",
    "RecapitalisationPolicy",
    "Rise",
    "SponsorFacility",
    "StressedTerms",
    "absorbable_rise",
    "benefits_due",
    "bp_to_zero_nav",
    "collateral_table",
    "rise",
    "root_bp",
]
