"""Stress tests: every scenario's effect on assets, liabilities, funding and collateral.

Each step of each scenario is a full revaluation of the positions and the liabilities
(``ldi.scenarios``), and of the collateral available and called (``ldi.liquidity``), so
asset change − liability change = surplus change exactly. Resilience figures (the rise the
collateral absorbs, basis points to zero NAV) come with each run.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ldi.errors import DataError
from ldi.liquidity.buffer import Rise, absorbable_rise, bp_to_zero_nav
from ldi.liquidity.collateral import CollateralModel, StressedTerms
from ldi.problem import Problem
from ldi.scenarios import Move, Scenario, catalogue, liability_values
from ldi.storage.json_safe import json_safe

E_SCENARIO = "scenario: got {value!r}; expected one of {names}"
E_NEEDS_MEMBERS = " (a longevity stress needs liabilities projected from liabilities.members)"
STEP_COLUMNS = [
    "assets_before",
    "assets_after",
    "asset_change",
    "liabilities_before",
    "liabilities_after",
    "liability_change",
    "surplus_change",
    "funding_ratio_before",
    "funding_ratio_after",
    "collateral_needed",
    "collateral_available",
    "headroom",
]


@dataclass(frozen=True, eq=False)
class StressResult:
    """Stress outcomes of one portfolio (money in the problem's currency).

    ``steps`` (index: scenario, step): the STEP_COLUMNS; a scenario's last step is its
    outcome, in ``outcomes``. ``waterfalls``: per scenario, the collateral pools used to
    meet its final calls (``CollateralModel.waterfall``). ``resilience`` (index: nominal,
    real): absorbable rise and bp to zero NAV, exact and first order, in bond-yield bp
    (``ldi.liquidity.buffer.BUFFER_UNITS``) for nominal rises. ``stressed``: the least
    haircut and initial-margin scales every test ran on (the policy's).
    """

    name: str
    currency: str
    portfolio: str
    positions: pd.Series
    scenarios: Mapping[str, Scenario]
    steps: pd.DataFrame
    waterfalls: Mapping[str, pd.DataFrame]
    resilience: pd.DataFrame
    within_days: float
    stressed: StressedTerms = StressedTerms()

    @property
    def outcomes(self) -> pd.DataFrame:
        """The final step of every scenario, indexed by scenario."""
        return self.steps.groupby(level="scenario", sort=False).tail(1).droplevel("step")

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary of everything above (NaN and infinities become null)."""
        return json_safe(
            {
                "name": self.name,
                "currency": self.currency,
                "portfolio": self.portfolio,
                "within_days": self.within_days,
                "stressed": vars(self.stressed),
                "positions": self.positions.to_dict(),
                "scenarios": {
                    name: {
                        "description": scenario.description,
                        "steps": self.steps.loc[name].reset_index().to_dict(orient="records"),
                        "waterfall": self.waterfalls[name].reset_index().to_dict(orient="records"),
                    }
                    for name, scenario in self.scenarios.items()
                },
                "resilience": self.resilience.reset_index().to_dict(orient="records"),
            }
        )


def stress_test(
    problem: Problem,
    positions: Mapping[str, float] | pd.Series | None = None,
    scenarios: Sequence[str] | None = None,
    *,
    portfolio: str = "current holdings",
) -> StressResult:
    """Stress ``positions`` (default: the current holdings) under the problem's scenarios.

    ``scenarios`` picks scenario names (default: all of the problem's, in order).
    """
    chosen = _chosen(problem, scenarios)
    model = problem.collateral_model()
    x = problem.position_vector(positions)
    moves = [move for scenario in chosen.values() for move in scenario.steps]
    values = model.values(moves).T @ x
    today, *after = liability_values(problem.liabilities, [Move(), *moves], problem.market)
    liabilities = np.array(after)
    assets_today, liabilities_today = float(model.base @ x), float(today)
    needed = model.needed(x, moves)
    headroom = model.headroom(x, moves)
    index = pd.MultiIndex.from_tuples(
        [(name, label) for name, s in chosen.items() for label in s.labels],
        names=["scenario", "step"],
    )
    steps = pd.DataFrame(
        {
            "assets_before": assets_today,
            "assets_after": values,
            "asset_change": values - assets_today,
            "liabilities_before": liabilities_today,
            "liabilities_after": liabilities,
            "liability_change": liabilities - liabilities_today,
            "surplus_change": (values - assets_today) - (liabilities - liabilities_today),
            "funding_ratio_before": assets_today / liabilities_today,
            "funding_ratio_after": values / liabilities,
            "collateral_needed": needed,
            "collateral_available": model.available(x, moves),
            "headroom": headroom,
        },
        index=index,
    )[STEP_COLUMNS]
    return StressResult(
        name=problem.name,
        currency=problem.currency,
        portfolio=portfolio,
        positions=pd.Series(x, index=model.ids, name="position"),
        scenarios=chosen,
        steps=steps,
        waterfalls={name: model.waterfall(x, s.final) for name, s in chosen.items()},
        resilience=resilience(model, x),
        within_days=model.within_days,
        stressed=model.stressed,
    )


def resilience(model: CollateralModel, positions: np.ndarray) -> pd.DataFrame:
    """Absorbable rise and bp to zero NAV (exact and first order) for each kind of rise."""
    rows = {}
    for kind in (Rise.NOMINAL, Rise.REAL):
        absorbs = absorbable_rise(model, positions, kind)
        zero_nav = bp_to_zero_nav(model, positions, kind)
        rows[kind.value] = {
            "absorbable_bp": absorbs.exact,
            "absorbable_first_order_bp": absorbs.first_order,
            "zero_nav_bp": zero_nav.exact,
            "zero_nav_first_order_bp": zero_nav.first_order,
        }
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("rise")


def _chosen(problem: Problem, names: Sequence[str] | None) -> dict[str, Scenario]:
    if names is None:
        return dict(problem.scenarios)
    for name in names:
        if name not in problem.scenarios:
            longevity = set(catalogue(members=True)) - set(catalogue())
            hint = E_NEEDS_MEMBERS if name in longevity else ""
            message = E_SCENARIO.format(value=name, names=list(problem.scenarios))
            raise DataError(message + hint)
    return {name: problem.scenarios[name] for name in names}
