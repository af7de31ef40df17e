"""Simulated one-year value changes of every instrument and of the liabilities.

The scenario model's moves (``ldi.scenarios.simulation``) are applied to today's positions
and liabilities by full revaluation; the changes are per unit of position (instruments) and
in money (liabilities). Carry (a year's expected return) is left to the caller, which knows
each position's expected return. Sets of changes are cached by (count, seed), so compiling,
re-solving and reporting a scenario term revalue once.
"""

from dataclasses import dataclass, field

import numpy as np

from ldi.liabilities import Liabilities
from ldi.scenarios.apply import Revaluation, liability_values
from ldi.scenarios.scenario import Move
from ldi.scenarios.simulation import ScenarioModel
from ldi.typing import FloatArray


@dataclass(frozen=True, eq=False)
class ScenarioEngine:
    """Value changes under ``model``'s one-year moves of ``revaluation``'s instruments."""

    revaluation: Revaluation
    liabilities: Liabilities
    model: ScenarioModel
    _cache: dict[tuple[int, int], tuple[FloatArray, FloatArray]] = field(
        default_factory=dict, init=False, repr=False
    )

    @property
    def liability_value(self) -> float:
        """The liabilities' value today (money)."""
        return float(liability_values(self.liabilities, [Move()])[0])

    def changes(self, count: int, seed: int) -> tuple[FloatArray, FloatArray]:
        """(per-unit value changes (count x instruments), liability value changes (count,))."""
        key = (int(count), int(seed))
        if key not in self._cache:
            (moves,) = self.model.simulate(count, seed)
            assets = self.revaluation.values(moves) - self.revaluation.base[:, None]
            liabilities = liability_values(self.liabilities, moves) - self.liability_value
            self._cache.clear()  # one set at a time: 10,000 x 200 changes are 16 MB
            self._cache[key] = (np.ascontiguousarray(assets.T), liabilities)
        return self._cache[key]
