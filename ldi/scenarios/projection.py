"""Funding-ratio projection: the funding ratio year by year over simulated multi-year paths.

Each path is a sequence of independent annual moves (``ScenarioModel.annual_moves``).

- **Liabilities age.** At year-end y the benefits due in (y − 1, y] are paid, and the
  liabilities are the benefits due after y valued at y: today's curves, moved by the
  path's cumulative move to y, with discount factors taken forward from y (D(t) / D(y)).
  Benefits are paid in money: inflation-linked ones carry the path's uprating, and each is
  accrued to the year-end on the same curves.
- **Assets follow the policy as a constant mix**, rebalanced each year-end: the positions
  scale with the fund's net assets, and each unit earns a year of its expected return
  (carry) plus its value change under that year's move, as today's instrument (rolled to
  keep its maturity). Benefits are paid out of assets. A path whose assets run out holds
  nothing from then on.

Funding ratio = assets / liabilities, year 0 being today's.
"""

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from ldi.cashflows import Cashflows
from ldi.errors import DataError
from ldi.io.json_safe import json_safe
from ldi.risk.matrix import CashflowMatrix
from ldi.scenarios.apply import liability_streams
from ldi.scenarios.pnl import ScenarioEngine
from ldi.typing import FloatArray

E_NET_ASSETS = "positions: net assets of {value:,.0f}; expected positive assets to project"
E_LENGTH = "{name}: got {got} values for {want} instruments; expected one per instrument"
E_PROJECTION_YEARS = "years: got {value!r}; expected a whole number from 1 to 50"
PERCENTILES = (5, 25, 50, 75, 95)
FLOORS = (1.0, 0.9)


@dataclass(frozen=True, eq=False)
class FundingProjection:
    """Simulated paths (scenarios x years 0..Y) of assets, liabilities and funding ratio.

    ``benefits`` (scenarios x years 1..Y) are the benefits paid in each year, in money.
    """

    name: str
    currency: str
    assets: FloatArray
    liabilities: FloatArray
    benefits: FloatArray
    seed: int

    @property
    def years(self) -> int:
        """Years projected Y."""
        return self.assets.shape[1] - 1

    @property
    def count(self) -> int:
        """Paths simulated."""
        return self.assets.shape[0]

    @cached_property
    def funding_ratio(self) -> FloatArray:
        """Assets / liabilities per path and year."""
        return self.assets / self.liabilities

    @cached_property
    def table(self) -> pd.DataFrame:
        """Per year (index 0..Y): funding-ratio mean and percentiles, P(FR < 100% / 90%).

        Also the median assets, liabilities and benefits paid (money).
        """
        ratio = self.funding_ratio
        columns: dict[str, Any] = {"mean": ratio.mean(axis=0)}
        for q, values in zip(PERCENTILES, np.percentile(ratio, PERCENTILES, axis=0), strict=True):
            columns[f"p{q}"] = values
        for floor in FLOORS:
            columns[f"below_{floor:.0%}".rstrip("%")] = np.mean(ratio < floor, axis=0)
        columns["assets_p50"] = np.median(self.assets, axis=0)
        columns["liabilities_p50"] = np.median(self.liabilities, axis=0)
        columns["benefits_p50"] = np.concatenate([[0.0], np.median(self.benefits, axis=0)])
        return pd.DataFrame(columns, index=pd.RangeIndex(self.years + 1, name="year"))

    def to_dict(self) -> dict[str, Any]:
        """The table as records with the projection's settings (JSON-safe)."""
        return json_safe(
            {
                "name": self.name,
                "currency": self.currency,
                "scenarios": self.count,
                "seed": self.seed,
                "years": self.table.reset_index().to_dict(orient="records"),
            }
        )

    def as_text(self) -> str:
        """The projection as a table for a terminal."""
        table = self.table
        shown = pd.DataFrame(
            {
                "Median": table["p50"].map("{:.1%}".format),
                "5th pct": table["p5"].map("{:.1%}".format),
                "95th pct": table["p95"].map("{:.1%}".format),
                "P(FR<100%)": table["below_100"].map("{:.1%}".format),
                "P(FR<90%)": table["below_90"].map("{:.1%}".format),
                f"Liabilities ({self.currency}m)": (table["liabilities_p50"] / 1e6).map(
                    "{:,.0f}".format
                ),
                f"Benefits ({self.currency}m)": (table["benefits_p50"] / 1e6).map("{:,.0f}".format),
            }
        )
        return "\n".join(
            [
                f"{self.name}: funding ratio over {self.years} years ({self.count:,} paths, "
                f"seed {self.seed})",
                "",
                shown.rename_axis("Year").to_string(),
                "",
                "The policy is held as a constant mix, rebalanced each year-end; benefits are",
                "paid from assets; liabilities are the benefits still due, valued each year on",
                "the simulated curves. Money columns are medians.",
            ]
        )

    def plot(self, path: str) -> None:
        """Write the fan chart as a PNG: 5-95% and 25-75% bands, the median, 100% funded."""
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        table = self.table * 100.0
        years = table.index.to_numpy()
        figure, axes = plt.subplots(figsize=(8, 4.5))
        colour = "tab:blue"
        axes.fill_between(
            years, table["p5"], table["p95"], color=colour, alpha=0.15, label="5th-95th pct"
        )
        axes.fill_between(
            years, table["p25"], table["p75"], color=colour, alpha=0.3, label="25th-75th pct"
        )
        axes.plot(years, table["p50"], color=colour, marker="o", label="median")
        axes.axhline(100.0, color="black", linewidth=0.8, linestyle="--", label="fully funded")
        axes.set_xlabel("Year")
        axes.set_ylabel("Funding ratio (%)")
        axes.set_title(f"{self.name}: funding ratio projection")
        axes.set_xticks(years)
        axes.grid(True, alpha=0.3)
        axes.legend(loc="upper left")
        figure.tight_layout()
        figure.savefig(path, dpi=120)
        plt.close(figure)


def project_funding(
    engine: ScenarioEngine,
    positions: FloatArray,
    carry: FloatArray,
    *,
    years: int = 10,
    count: int = 5_000,
    seed: int = 0,
    liability_size: float = 1.0,
    name: str = "",
    currency: str = "GBP",
) -> FundingProjection:
    """Project the funding ratio of ``positions`` (units per instrument, engine order).

    ``carry``: a year's expected return per unit (money); ``liability_size`` scales the
    engine's liabilities (a rescaled problem's). See the module docstring for the model.
    """
    whole = isinstance(years, int) and not isinstance(years, bool)
    if not (whole and 1 <= years <= 50):
        raise DataError(E_PROJECTION_YEARS.format(value=years))
    revaluation = engine.revaluation
    x = _per_instrument(positions, "positions", len(revaluation.ids))
    carry = _per_instrument(carry, "carry", len(revaluation.ids))
    start = float(revaluation.base @ x)
    if not start > 0:
        raise DataError(E_NET_ASSETS.format(value=start))
    annual = engine.model.annual_moves(count, seed, years)
    cumulative = engine.model.simulate(count, seed, years)
    liabilities = engine.liabilities
    cashflows = liabilities.cashflows
    assets = np.empty((count, years + 1))
    values = np.empty((count, years + 1))
    benefits = np.empty((count, years))
    assets[:, 0] = start
    values[:, 0] = engine.liability_value * liability_size
    for y in range(1, years + 1):
        matrix = CashflowMatrix.from_cashflows(
            {
                "due_after": _part(cashflows, cashflows.times > y),
                "paid": _part(cashflows, (cashflows.times > y - 1) & (cashflows.times <= y)),
                "unit": Cashflows([float(y)], [1.0]),
            }
        )
        after, paid, unit = liability_streams(liabilities, matrix, cumulative[y - 1])
        values[:, y] = after / unit * liability_size
        benefits[:, y - 1] = paid / unit * liability_size
        changes = revaluation.values(annual[y - 1]) - revaluation.base[:, None]
        scale = np.clip(assets[:, y - 1], 0.0, None) / start
        assets[:, y] = assets[:, y - 1] + scale * ((changes + carry[:, None]).T @ x)
        assets[:, y] -= benefits[:, y - 1]
    return FundingProjection(name, currency, assets, values, benefits, seed)


def _part(cashflows: Cashflows, keep: FloatArray) -> Cashflows:
    """The flows of ``cashflows`` where ``keep``, the others zero."""
    return Cashflows(
        cashflows.times,
        np.where(keep, cashflows.amounts, 0.0),
        np.where(keep, cashflows.inflation_linked, 0.0),
        cashflows.indexation,
    )


def _per_instrument(values: FloatArray, name: str, size: int) -> FloatArray:
    """``values`` as a float vector of one value per instrument."""
    vector = np.asarray(values, dtype=float).ravel()
    if vector.size != size:
        raise DataError(E_LENGTH.format(name=name, got=vector.size, want=size))
    return vector
