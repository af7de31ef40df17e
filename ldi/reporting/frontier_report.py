"""The efficient frontier report: its points as a table for a terminal and as a chart.

What ``ldi frontier`` prints and plots; every number comes from the ``Frontier``
(``ldi.optimize.frontier``), and the chart can mark portfolios beside it (the current
holdings, the chosen portfolio) measured by the frontier's own two measures
(``portfolio_marks``). Matplotlib is loaded only when a chart is drawn.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import cycle
from typing import TYPE_CHECKING, Any

import pandas as pd

from ldi.optimize.context import NumpyOps
from ldi.optimize.frontier import MEASURES, Frontier
from ldi.optimize.model import Model
from ldi.optimize.problem import OptimizationProblem
from ldi.optimize.solvers import Status
from ldi.optimize.terms.measures import SurplusGrowth
from ldi.optimize.terms.registry import terms_of
from ldi.reporting.tables import number, percent

if TYPE_CHECKING:
    from matplotlib.figure import Figure

MARKERS = ("s", "*", "^", "P")  # the marked portfolios' markers, in turn


@dataclass(frozen=True, eq=False)
class FrontierReport:
    """Renders a frontier: a table of its points (NaN as '-') and a risk-return chart.

    ``marks`` (index: a portfolio's label; columns risk and expected_return, money, as
    ``portfolio_marks`` gives them) are drawn on the chart beside the frontier.
    """

    frontier: Frontier
    marks: pd.DataFrame | None = None

    def as_text(self) -> str:
        """The frontier as a table for a terminal."""
        f = self.frontier
        label = f.label
        money = number(0)
        table = pd.DataFrame(
            {
                f"{label[0].upper()}{label[1:]} ({f.currency})": f.points["risk"].map(money),
                f"Expected return ({f.currency}/y)": f.points["expected_return"].map(money),
                "Rates hedge": f.points["rates_hedge"].map(percent),
                "Inflation hedge": f.points["inflation_hedge"].map(percent),
                "Status": f.points["status"],
            }
        )
        lines = [
            f"{f.name}: efficient frontier ({label} against expected surplus return)",
            "",
            table.rename_axis("Point").to_string(),
            "",
            "Each point maximizes the expected surplus return (a year, money) under the",
            f"problem's constraints and a limit on {label}; the first point is the least risk",
            "the constraints allow, the last the risk of the most expected return.",
        ]
        return "\n".join(lines)

    def figure(self) -> "Figure":
        """The frontier as a chart: risk across, expected return up (money in millions).

        The ``marks`` are drawn as points of their own, named in the legend.
        """
        from ldi.reporting.plots import LITERAL, MILLION, new_figure  # matplotlib when drawn

        f = self.frontier
        figure, (axes,) = new_figure()
        solved = f.points[f.points["status"] == Status.OPTIMAL.value]
        axes.plot(
            solved["risk"] / MILLION,
            solved["expected_return"] / MILLION,
            marker="o",
            label="Efficient frontier",
        )
        marks = self.marks if self.marks is not None else pd.DataFrame()
        for (label, mark), marker in zip(marks.iterrows(), cycle(MARKERS), strict=False):
            axes.plot(
                mark["risk"] / MILLION,
                mark["expected_return"] / MILLION,
                linestyle="none",
                marker=marker,
                markersize=11,
                label=label,
            )
        axes.set_xlabel(f"{f.label[0].upper()}{f.label[1:]} ({f.currency} m)")
        axes.set_ylabel(f"Expected surplus return ({f.currency} m a year)")
        axes.legend(loc="lower right", fontsize="small")
        figure.suptitle(f"{f.name}: efficient frontier", **LITERAL)
        return figure

    def plot(self, path: str) -> None:
        """Write the frontier's chart, PNG, PDF or SVG by the extension (atomically)."""
        from ldi.reporting.plots import save_figure

        save_figure(self.figure(), path)

    def to_dict(self) -> dict[str, Any]:
        """The frontier's JSON-safe dictionary (what ``ldi frontier --json`` writes)."""
        return self.frontier.to_dict()


def portfolio_marks(
    problem: OptimizationProblem,
    frontier: Frontier,
    portfolios: Mapping[str, Mapping[str, float] | pd.Series],
    *,
    scenarios: int = 10_000,
    seed: int = 0,
) -> pd.DataFrame:
    """Each portfolio's risk and expected surplus return, as the frontier measures its points.

    ``portfolios``: positions by id (money) by label, e.g. the current holdings and a solve's
    positions. risk: the frontier's risk measure (``MEASURES``; a CVaR drawn with the
    frontier's ``scenarios`` and ``seed``), expected_return: Σ_i r_i x_i − r_L
    (``SurplusGrowth``), both in money a year on ``problem``'s data, each by its term's own
    formula (as ``ldi.optimize.frontier`` measures the frontier's ends).
    """
    model = problem.model
    risk = terms_of(MEASURES[frontier.risk])[0]
    drawn = {"scenarios": scenarios, "seed": seed}
    measures = {
        "risk": risk(
            name="frontier_risk", **{k: v for k, v in drawn.items() if k in risk.options()}
        ),
        "expected_return": terms_of(SurplusGrowth)[0](name="frontier_return"),
    }
    ids = list(problem.instruments)
    rows = {}
    for label, positions in portfolios.items():
        money = pd.Series(problem.position_vector(positions), index=ids)
        z = money.reindex(model.data.ids).to_numpy(dtype=float) / model.scales.money
        rows[label] = {column: _measured(model, term, z) for column, term in measures.items()}
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(measures))


def _measured(model: Model, term: Any, z: Any) -> float:
    """``term``'s value in its natural units (money a year) at scaled positions ``z``."""
    value = term.formula(NumpyOps(), model.scaled, z, model.values(term))
    return float(term.natural(value, model.scaled))
