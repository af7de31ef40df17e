"""Efficient frontiers: the most expected surplus return for each level of surplus risk.

One DPP problem is built and solved many times: maximize the expected surplus return under
the problem's own constraints plus a limit on surplus risk, the limit swept from the least
risk the constraints allow to the risk of the return-maximizing portfolio. Risk is the
factor model's surplus volatility (``surplus_volatility``) or the CVaR of a year's surplus
loss on simulated scenarios (``cvar``). Each point re-solves with a new limit only.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from ldi.display import report_of
from ldi.errors import DataError, InfeasibleError, SolveError
from ldi.optimize.context import NumpyOps
from ldi.optimize.model import Model, ObjectiveItem
from ldi.optimize.problem import OptimizationProblem
from ldi.optimize.result import LDIResult
from ldi.optimize.solve import solve
from ldi.optimize.solvers import Status
from ldi.optimize.terms.measures import Measure, SurplusGrowth, SurplusRisk
from ldi.optimize.terms.registry import terms_of
from ldi.optimize.terms.scenario_risk import ScenarioLoss
from ldi.progress import progress
from ldi.storage.json_safe import json_safe

POINTS = (2, 200)  # the fewest and most points of a frontier
SCENARIOS_MIN = 100  # the fewest simulated scenarios a CVaR term takes (ScenarioLoss)
E_POINTS = "points: got {{value!r}}; expected a whole number from {} to {}".format(*POINTS)
E_SCENARIOS = f"scenarios: got {{value!r}}; expected a whole number of {SCENARIOS_MIN} or more"
E_END = "frontier: the {end} portfolio is {status}; {diagnosis}"
E_NO_DIAGNOSIS = "no diagnosis ({solver}: {solver_status}); check the problem's limits"
COLUMNS = ["risk_limit", "expected_return", "risk", "rates_hedge", "inflation_hedge", "status"]


class RiskMeasure(StrEnum):
    """How a frontier measures surplus risk."""

    VOLATILITY = "volatility"  # one standard deviation a year, factor model
    CVAR = "cvar"  # mean of the worst 5% of a year's simulated losses


# The measure each risk names: the frontier minimizes it, then limits it, by its own terms.
MEASURES: dict[RiskMeasure, type[Measure]] = {
    RiskMeasure.VOLATILITY: SurplusRisk,
    RiskMeasure.CVAR: ScenarioLoss,
}


@dataclass(frozen=True, eq=False)
class Frontier:
    """An efficient frontier's points, money in the problem's currency.

    ``points`` (index: point): risk_limit, expected_return (a year), risk (reached),
    rates_hedge, inflation_hedge and status.
    """

    name: str
    currency: str
    risk: RiskMeasure
    points: pd.DataFrame

    @property
    def label(self) -> str:
        """The risk measure's name in reports."""
        return "surplus volatility" if self.risk is RiskMeasure.VOLATILITY else "CVaR 95%"

    def report(self) -> Any:
        """The frontier's report (``ldi.reporting.FrontierReport``): a table and a chart."""
        return report_of(self)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary (NaN as null)."""
        records = self.points.reset_index().to_dict(orient="records")
        return json_safe(
            {
                "name": self.name,
                "currency": self.currency,
                "risk": self.risk.value,
                "points": records,
            }
        )


def efficient_frontier(
    problem: OptimizationProblem,
    risk: RiskMeasure | str = RiskMeasure.VOLATILITY,
    points: int = 11,
    scenarios: int = 10_000,
    seed: int = 0,
) -> Frontier:
    """The frontier of ``problem`` (its constraints kept, its objective replaced)."""
    risk = RiskMeasure(risk)
    whole = isinstance(points, int) and not isinstance(points, bool)
    if not (whole and POINTS[0] <= points <= POINTS[1]):
        raise DataError(E_POINTS.format(value=points))
    whole = isinstance(scenarios, int) and not isinstance(scenarios, bool)
    if risk is RiskMeasure.CVAR and not (whole and scenarios >= SCENARIOS_MIN):
        raise DataError(E_SCENARIOS.format(value=scenarios))
    base = problem.model
    data, constraints = base.data, list(base.constraints)
    pv = float(data.liabilities["pv"])
    objective, limiting = terms_of(MEASURES[risk])
    drawn = {"scenarios": scenarios, "seed": seed}  # a simulated measure's draws
    options = {key: value for key, value in drawn.items() if key in objective.options()}
    least = objective(name="frontier_risk", **options)
    limit = limiting(max=1.0, name="frontier_limit", **options)
    returns = ObjectiveItem(terms_of(SurplusGrowth)[0](name="frontier_return"), maximize=True)
    low = _end(Model(data, [ObjectiveItem(least)], constraints, base.solver), least, "least-risk")
    high = _end(Model(data, [returns], constraints, base.solver), least, "most-return")
    sweep = Model(data, [returns], [*constraints, limit], base.solver)
    rows = []
    for level in progress(np.linspace(low, max(high, low), points), points, "frontier points"):
        sweep.update(limits={"frontier_limit": {"max": level / pv * (1 + 1e-9)}})
        result = solve(sweep, name=problem.name, clean_up=False)  # no trades are shown
        ok = result.ok
        rows.append(
            {
                "risk_limit": level,
                "expected_return": -result.objective_value if ok else np.nan,
                "risk": result.constraints.loc["frontier_limit", "value"] * pv if ok else np.nan,
                "rates_hedge": result.hedge_ratios["rates"],
                "inflation_hedge": result.hedge_ratios["inflation"],
                "status": result.status.value,
            }
        )
    table = pd.DataFrame(rows, columns=COLUMNS).rename_axis("point")
    return Frontier(problem.name, data.currency, risk, table)


def _end(model: Model, measure: Any, which: str) -> float:
    """The risk (money) of one end of the frontier, by the term ``measure`` the sweep limits."""
    result = solve(model, clean_up=False)
    if not result.ok:
        raise _end_error(result, which)
    # the measure alone, on the positions: the constraints' auxiliary variables not needed
    z = result.positions.to_numpy(dtype=float) / model.scales.money
    value = measure.formula(NumpyOps(), model.scaled, z, model.values(measure))
    return float(measure.natural(value, model.scaled))


def _end_error(result: LDIResult, which: str) -> SolveError:
    """The error of an end that did not solve: InfeasibleError or SolveError, diagnosed.

    The message ends with the diagnosis as ``ldi solve`` prints it: its title and message,
    then its table (the limits an infeasible problem must relax, or the positions of an
    unbounded one that run away).
    """
    diagnosis = result.diagnosis
    if diagnosis is None:
        text = E_NO_DIAGNOSIS.format(solver=result.solver.name, solver_status=result.solver.status)
    else:
        text = f"{diagnosis.title}: {diagnosis.message}"
        if not diagnosis.table.empty:
            text += "\n\n" + diagnosis.table.to_string(float_format=_figure, na_rep="-")
    message = E_END.format(end=which, status=result.status.value, diagnosis=text)
    return InfeasibleError(message) if result.status is Status.INFEASIBLE else SolveError(message)


def _figure(value: float) -> str:
    """A diagnosis table's number: thousands separators, four decimals."""
    return f"{value:,.4f}"
