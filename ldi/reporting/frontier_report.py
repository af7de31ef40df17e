"""The efficient frontier report: its points as a table for a terminal and as a chart.

What ``ldi frontier`` prints and plots; every number comes from the ``Frontier``
(``ldi.optimize.frontier``). Matplotlib is loaded only when a chart is drawn.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from ldi.optimize.frontier import Frontier
from ldi.optimize.solvers import Status
from ldi.reporting.tables import number, percent

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@dataclass(frozen=True, eq=False)
class FrontierReport:
    """Renders a frontier: a table of its points (NaN as '-') and a risk-return chart."""

    frontier: Frontier

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
        """The frontier as a chart: risk across, expected return up (money in millions)."""
        from ldi.reporting.plots import LITERAL, MILLION, new_figure  # matplotlib when drawn

        f = self.frontier
        figure, (axes,) = new_figure()
        solved = f.points[f.points["status"] == Status.OPTIMAL.value]
        axes.plot(solved["risk"] / MILLION, solved["expected_return"] / MILLION, marker="o")
        axes.set_xlabel(f"{f.label[0].upper()}{f.label[1:]} ({f.currency} m)")
        axes.set_ylabel(f"Expected surplus return ({f.currency} m a year)")
        figure.suptitle(f"{f.name}: efficient frontier", **LITERAL)
        return figure

    def plot(self, path: str) -> None:
        """Write the frontier's chart, PNG, PDF or SVG by the extension (atomically)."""
        from ldi.reporting.plots import save_figure

        save_figure(self.figure(), path)

    def to_dict(self) -> dict[str, Any]:
        """The frontier's JSON-safe dictionary (what ``ldi frontier --json`` writes)."""
        return self.frontier.to_dict()
