"""Simulated one-year value changes of every instrument and of the liabilities.

The scenario model's moves (``ldi.scenarios.simulation``) are applied to today's positions
and liabilities by full revaluation; the changes are per unit of position (instruments) and
in money (liabilities). Carry (a year's expected return) is left to the caller, which knows
each position's expected return. Sets of changes are cached by (count, seed), so compiling,
re-solving and reporting a scenario term revalue once.
"""

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from ldi.liabilities import Liabilities
from ldi.scenarios.apply import Revaluation, liability_values
from ldi.scenarios.scenario import Move
from ldi.scenarios.simulation import ScenarioModel
from ldi.typing import FloatArray


def tail_mean(losses: FloatArray, confidence: float) -> float:
    """Exact CVaR: the mean of the worst (1 − confidence) share of ``losses``.

    With S losses the tail holds (1 − α) S of them, the last one fractionally, which is the
    value the Rockafellar–Uryasev minimum takes.
    """
    ordered = np.sort(np.asarray(losses, dtype=float))[::-1]
    size = (1.0 - confidence) * ordered.size
    whole = int(np.floor(size))
    partial = ordered[whole] if whole < ordered.size else 0.0
    return float((ordered[:whole].sum() + (size - whole) * partial) / size)


CACHED_SETS = 2


@dataclass(frozen=True, eq=False)
class ScenarioEngine:
    """Value changes under ``model``'s one-year moves of ``revaluation``'s instruments."""

    revaluation: Revaluation
    liabilities: Liabilities
    model: ScenarioModel
    _cache: dict[tuple[int, int], tuple[FloatArray, FloatArray]] = field(
        default_factory=dict, init=False, repr=False
    )

    @cached_property
    def liability_value(self) -> float:
        """The liabilities' value today (money; computed once, read by every re-solve)."""
        return float(liability_values(self.liabilities, [Move()])[0])

    def changes(self, count: int, seed: int) -> tuple[FloatArray, FloatArray]:
        """(per-unit value changes (count x instruments), liability value changes (count,))."""
        key = (int(count), int(seed))
        if key not in self._cache:
            (moves,) = self.model.simulate(count, seed)
            assets = self.revaluation.values(moves) - self.revaluation.base[:, None]
            liabilities = liability_values(self.liabilities, moves) - self.liability_value
            # Two sets at most (10,000 x 200 changes are 16 MB): a CVaR term's and the
            # reported outcomes', when a problem sets both, without revaluing each solve.
            while len(self._cache) >= CACHED_SETS:
                del self._cache[next(iter(self._cache))]  # the oldest
            self._cache[key] = (np.ascontiguousarray(assets.T), liabilities)
        return self._cache[key]


@dataclass(frozen=True)
class OutcomeSettings:
    """Which simulated one-year outcomes a solve reports, and a monitored VaR limit.

    ``surplus_var``: the most a year's surplus loss may reach at ``confidence`` (its VaR),
    as a fraction of the liabilities' PV. It is monitored, not optimized (VaR is not
    convex): reports compare it with the VaR before and after. A ``cvar`` limit at the same
    level enforces it, since CVaR >= VaR.
    """

    scenarios: int = 10_000
    seed: int = 0
    confidence: float = 0.95
    surplus_var: float | None = None


OUTCOME_ROWS = (
    "expected_surplus_change",
    "surplus_volatility",
    "value_at_risk",
    "cvar",
    "probability_below_100",
    "probability_below_90",
    "funding_ratio_p5",
    "funding_ratio_p50",
    "funding_ratio_p95",
)


@dataclass(frozen=True, eq=False)
class OutcomeSummary:
    """Simulated one-year outcomes of positions before and after a solve.

    Per scenario, surplus change = P x − ℓ (value changes plus a year of ``carry`` per unit,
    less the liabilities' change plus ``liability_growth``) and funding ratio = (A + P x) /
    (L + ℓ), A and L today's values. ``after`` is None when the solve has no positions.
    ``var_limit`` (money) is a monitored limit on ``value_at_risk`` (see ``OutcomeSettings``).
    """

    engine: ScenarioEngine
    carry: FloatArray
    liability_growth: float
    liability_size: float
    count: int
    seed: int
    confidence: float
    before: FloatArray
    after: FloatArray | None
    var_limit: float | None = None

    def _outcomes(self, x: FloatArray) -> dict[str, float]:
        changes, liability_changes = self.engine.changes(self.count, self.seed)
        gains = (changes + self.carry[None, :]) @ x
        liability = liability_changes * self.liability_size + self.liability_growth
        surplus = gains - liability
        assets = float(self.engine.revaluation.base @ x)
        liabilities = self.engine.liability_value * self.liability_size
        ratio = (assets + gains) / (liabilities + liability)
        losses = -surplus
        return {
            "expected_surplus_change": float(surplus.mean()),
            "surplus_volatility": float(surplus.std(ddof=1)),
            "value_at_risk": float(np.quantile(losses, self.confidence)),
            "cvar": tail_mean(losses, self.confidence),
            "probability_below_100": float(np.mean(ratio < 1.0)),
            "probability_below_90": float(np.mean(ratio < 0.9)),
            "funding_ratio_p5": float(np.quantile(ratio, 0.05)),
            "funding_ratio_p50": float(np.quantile(ratio, 0.50)),
            "funding_ratio_p95": float(np.quantile(ratio, 0.95)),
        }

    @cached_property
    def table(self) -> pd.DataFrame:
        """Index: OUTCOME_ROWS (money, probabilities, ratios); columns before, after."""
        columns = {"before": self._outcomes(self.before)}
        if self.after is not None:
            columns["after"] = self._outcomes(self.after)
        return pd.DataFrame(columns).reindex(list(OUTCOME_ROWS)).rename_axis("measure")

    @property
    def var_breached(self) -> dict[str, bool]:
        """Per column (before, after): whether the VaR exceeds ``var_limit`` (none: empty)."""
        if self.var_limit is None:
            return {}
        var = self.table.loc["value_at_risk"]
        return {column: bool(var[column] > self.var_limit) for column in var.index}

    def to_dict(self) -> dict[str, object]:
        """The table as records with the simulation's settings and the VaR limit's state."""
        return {
            "scenarios": self.count,
            "seed": self.seed,
            "confidence": self.confidence,
            "surplus_var_limit": self.var_limit,
            "var_breached": self.var_breached,
            "outcomes": self.table.reset_index().to_dict(orient="records"),
        }
