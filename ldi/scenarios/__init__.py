"""Scenarios: market moves, the stress catalogue and full revaluation under them."""

from ldi.scenarios.apply import Revaluation, liability_values, revaluation_of
from ldi.scenarios.library import catalogue
from ldi.scenarios.scenario import Move, Scenario, path, spread_bp

__all__ = [
    "Move",
    "Revaluation",
    "Scenario",
    "catalogue",
    "liability_values",
    "path",
    "revaluation_of",
    "spread_bp",
]
