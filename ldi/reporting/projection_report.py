"""The funding-ratio projection report: its yearly table for a terminal and its fan chart.

What ``ldi project`` prints and plots; every number comes from the ``FundingProjection``
(``ldi.scenarios.projection``). Matplotlib is loaded only when a chart is drawn.
"""

import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ldi.scenarios.projection import CARRY_TEXT, RULES, FundingProjection, Rebalance

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# The yearly rebalance of each rule, as a chart's title names the policy.
REBALANCED = {
    Rebalance.RESTRIKE: "key-rate hedge re-struck yearly",
    Rebalance.HEDGE: "hedge ratio restored yearly",
    Rebalance.CONSTANT_MIX: "constant mix, rebalanced yearly",
    Rebalance.RESOLVE: "re-optimized yearly",
}


@dataclass(frozen=True, eq=False)
class ProjectionReport:
    """Renders a projection: funding-ratio percentiles per year and a fan chart of them.

    ``portfolio`` names the positions projected (e.g. "optimized positions"), as the chart's
    title states the policy; None when the caller does not say.
    """

    projection: FundingProjection
    portfolio: str | None = None

    @property
    def policy(self) -> str:
        """The policy projected: its positions (when named) and how they are rebalanced."""
        rule = REBALANCED[self.projection.rebalance]
        return f"{self.portfolio}, {rule}" if self.portfolio else rule

    def as_text(self) -> str:
        """The projection as a table for a terminal."""
        p = self.projection
        table = p.table

        def percent(column: str) -> pd.Series:
            return table[column].map(lambda v: "–" if np.isnan(v) else f"{v:.1%}")

        shown = pd.DataFrame(
            {
                "Median": percent("p50"),
                "5th pct": percent("p5"),
                "95th pct": percent("p95"),
                "P(FR<100%)": percent("below_100"),
                "P(FR<90%)": percent("below_90"),
                f"Liabilities ({p.currency}m)": (table["liabilities_p50"] / 1e6).map(
                    "{:,.0f}".format
                ),
                f"Benefits ({p.currency}m)": (table["benefits_p50"] / 1e6).map("{:,.0f}".format),
            }
        )
        return "\n".join(
            [
                f"{p.name}: funding ratio over {p.years} years ({p.source})",
                "",
                shown.rename_axis("Year").to_string(),
                "",
                *textwrap.wrap(
                    f"Rebalanced each year-end: {RULES[p.rebalance]}. Positions and "
                    "liabilities age: their cash flows are paid on their dates and what is "
                    "left is valued each year on the simulated curves, which roll "
                    f"{CARRY_TEXT[p.carry]}. Benefits are paid from assets. Money columns "
                    "are medians."
                    + (f" Scenarios: {p.scenario_model}." if p.scenario_model else "")
                    + (
                        f" In {p.fallbacks:,} path-years the re-solve was not optimal and "
                        "the hedge rule's positions were kept."
                        if p.fallbacks
                        else ""
                    ),
                    88,
                ),
            ]
        )

    def figure(self) -> "Figure":
        """The fan chart: 5-95% and 25-75% bands, the median, 100% funded (percent).

        Titled with the projection's name and, beneath, its policy and paths.
        """
        from ldi.reporting.plots import LITERAL, PERCENT, STYLE, new_figure  # when drawn

        figure, (axes,) = new_figure()
        table = self.projection.table * PERCENT
        years = table.index.to_numpy()
        colour = STYLE.colours["assets"]
        axes.fill_between(
            years, table["p5"], table["p95"], color=colour, alpha=0.15, label="5th-95th pct"
        )
        axes.fill_between(
            years, table["p25"], table["p75"], color=colour, alpha=0.3, label="25th-75th pct"
        )
        axes.plot(years, table["p50"], color=colour, marker="o", label="median")
        axes.axhline(PERCENT, color="black", linewidth=0.8, linestyle="--", label="fully funded")
        axes.set_xlabel("Year")
        axes.set_ylabel("Funding ratio (%)")
        axes.set_xticks(years)
        axes.legend(loc="upper left")
        figure.suptitle(f"{self.projection.name}: funding ratio projection", **LITERAL)
        axes.set_title(
            f"Policy: {self.policy} ({self.projection.source})", fontsize="small", **LITERAL
        )
        return figure

    def plot(self, path: str) -> None:
        """Write the fan chart, PNG, PDF or SVG by the extension (atomically)."""
        from ldi.reporting.plots import save_figure

        save_figure(self.figure(), path)

    def to_dict(self) -> dict[str, Any]:
        """The projection's JSON-safe dictionary (what ``ldi project --json`` writes)."""
        return self.projection.to_dict()
