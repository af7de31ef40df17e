"""The stress report: outcomes per scenario, crisis paths day by day, collateral waterfalls.

Text for terminals (``ldi stress``) and the ``StressResult``'s dictionary for JSON; every
number comes from ``ldi.stress``.
"""

from dataclasses import dataclass
from typing import Any

import pandas as pd

from ldi.liquidity.buffer import SEARCH_BP
from ldi.reporting.tables import percent, render, rise_bp
from ldi.stress import StressResult

OUTCOME_HEADERS = {
    "asset_change": "Assets chg",
    "liability_change": "Liabs chg",
    "surplus_change": "Surplus chg",
    "funding_ratio_before": "FR before",
    "funding_ratio_after": "FR after",
    "collateral_needed": "Coll. called",
    "collateral_available": "Coll. avail",
    "headroom": "Headroom",
}
MONEY = ("Assets chg", "Liabs chg", "Surplus chg", "Coll. called", "Coll. avail", "Headroom")
COMPARED_MONEY = ("Surplus chg (base)", "Surplus chg", "Headroom (base)", "Headroom")
WATERFALL_HEADERS = {
    "days": "Days",
    "available": "Available",
    "variation_margin": "Var. margin",
    "other": "Other calls",
    "used": "Used",
    "left": "Left",
}
LEGEND = (
    "Money in {ccy}; every move is a full revaluation of positions and liabilities. FR =\n"
    "funding ratio (assets / liabilities). Coll. called: variation margin on swaps, repo\n"
    "top-ups and initial margin; Coll. avail: collateral eligible within {days:g} days after\n"
    "haircuts (net of bonds pledged to repo); Headroom = available - called, and no more\n"
    "than the cash left once the swaps' variation margin is paid in cash (cash, money-market\n"
    "funds, same-day repo of government bonds). Waterfall: Var. margin pays the swaps' calls,\n"
    "Other calls repo top-ups and initial margin. Rises: nominal = nominal and real yields\n"
    "up together; real = index-linked real yields up alone."
)
STRESSED = (
    "Every test on stressed collateral terms (collateral.stressed), at least: haircuts\n"
    "x{haircut:g} and initial margin x{margin:g}."
)


@dataclass(frozen=True, eq=False)
class StressReport:
    """One portfolio's stress test arranged for reading.

    ``baseline``, when given, is the same stress test of another portfolio (the current
    holdings, when ``result`` stresses optimized positions); a comparison table then sets
    the two side by side.
    """

    result: StressResult
    baseline: StressResult | None = None

    def comparison(self) -> pd.DataFrame | None:
        """Per scenario: surplus change, funding ratio after and headroom of both portfolios."""
        if self.baseline is None:
            return None
        before, after = (
            self.baseline.outcomes,
            self.result.outcomes.reindex(self.baseline.outcomes.index),
        )
        table = pd.DataFrame(
            {
                "Surplus chg (base)": before["surplus_change"],
                "Surplus chg": after["surplus_change"],
                "FR after (base)": before["funding_ratio_after"].map(percent),
                "FR after": after["funding_ratio_after"].map(percent),
                "Headroom (base)": before["headroom"],
                "Headroom": after["headroom"],
            }
        )
        return table.rename_axis("Scenario")

    def outcomes(self) -> pd.DataFrame:
        """The final step of each scenario, with report headers."""
        return _shown(self.result.outcomes.rename_axis("Scenario"))

    def path(self, name: str) -> pd.DataFrame:
        """Every step of scenario ``name`` (e.g. day by day), with report headers."""
        return _shown(self.result.steps.loc[name].rename_axis("Step"))

    def resilience_lines(self) -> list[str]:
        """The absorbable rise and bp to zero NAV, exact and first order."""
        table = self.result.resilience
        lines = []
        for column, label in (
            ("absorbable", "Yield rise absorbed before collateral runs out (bond-yield bp)"),
            ("zero_nav", "Basis points to zero NAV (LDI mandate; bond-yield bp)"),
        ):
            parts = [
                f"{rise} {rise_bp(table.loc[rise, f'{column}_bp'], SEARCH_BP)}"
                f" (first order {rise_bp(table.loc[rise, f'{column}_first_order_bp'], SEARCH_BP)})"
                for rise in table.index
            ]
            lines.append(f"{label}: {'; '.join(parts)}")
        return lines

    def as_text(self) -> str:
        """Plain-text report for a terminal."""
        r = self.result
        lines = [f"{r.name}: stress test of {r.portfolio}", ""]
        lines += [*self.resilience_lines(), ""]
        lines += ["Outcomes", _render(self.outcomes()), ""]
        comparison = self.comparison()
        if comparison is not None:
            assert self.baseline is not None
            lines += [
                f"Compared with {self.baseline.portfolio} (base)",
                render(comparison, money=COMPARED_MONEY, fixed={}),
                "",
            ]
        for name, scenario in r.scenarios.items():
            if len(scenario) > 1:
                lines += [f"{name}: {scenario.description}", _render(self.path(name)), ""]
        for name, waterfall in r.waterfalls.items():
            if len(r.scenarios[name]) > 1 or "shortfall" in waterfall.index:
                lines += [
                    f"Collateral waterfall, {name} (final step)",
                    render(
                        waterfall.rename(columns=WATERFALL_HEADERS).rename_axis("Pool"),
                        money=("Available", "Var. margin", "Other calls", "Used", "Left"),
                        fixed={"Days": 0},
                    ),
                    "",
                ]
        lines.append(LEGEND.format(ccy=r.currency, days=r.within_days))
        terms = r.stressed
        if (terms.haircut_scale, terms.margin_scale) != (1.0, 1.0):
            lines.append(STRESSED.format(haircut=terms.haircut_scale, margin=terms.margin_scale))
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The result's JSON-safe dictionary (what ``ldi stress --json`` writes).

        With a baseline, its own dictionary is under ``baseline``.
        """
        data = self.result.to_dict()
        if self.baseline is not None:
            data["baseline"] = self.baseline.to_dict()
        return data


def _shown(frame: pd.DataFrame) -> pd.DataFrame:
    table = frame[list(OUTCOME_HEADERS)].rename(columns=OUTCOME_HEADERS)
    for column in ("FR before", "FR after"):
        table[column] = table[column].map(percent)
    return table


def _render(frame: pd.DataFrame) -> str:
    return render(frame, money=MONEY, fixed={})
