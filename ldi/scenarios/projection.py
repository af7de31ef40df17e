"""Funding-ratio projection: the funding ratio year by year over simulated multi-year paths.

Each path is a sequence of independent annual moves (``ScenarioModel.annual_moves``).

- **Liabilities age.** At year-end y the benefits due in (y − 1, y] are paid, and the
  liabilities are the benefits due after y valued at y: today's curves, moved by the
  path's cumulative move to y, with discount factors taken forward from y (D(t) / D(y)).
  Benefits are paid in money: inflation-linked ones carry the path's uprating, and each is
  accrued to the year-end on the same curves.
- **Assets follow the policy**, rebalanced at each year-end; each unit earns a year of its
  expected return (carry) plus its value change under that year's move, as today's
  instrument (rolled to keep its maturity). Benefits are paid out of assets. Two rules:
  ``hedge`` (the default, as LDI mandates run) keeps the hedge book (bonds, swaps, repo:
  every position but growth assets and cash) at the policy's hedge of the liabilities'
  PV01, scaling it by their PV01 against today's, and invests what the assets have left
  in the growth assets and cash pro rata; a fund whose assets cannot pay for the hedge
  holds what they pay for. ``constant_mix`` scales every position with the net assets.
  Either rule holds a constant mix when the hedge book or the rest has no positive value,
  and a path whose assets run out holds nothing from then on.

Funding ratio = assets / liabilities, year 0 being today's.
"""

import textwrap
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ldi.cashflows import Cashflows
from ldi.errors import DataError
from ldi.io.json_safe import json_safe
from ldi.progress import progress
from ldi.risk.matrix import CashflowMatrix
from ldi.scenarios.apply import liability_streams
from ldi.scenarios.pnl import ScenarioEngine
from ldi.scenarios.scenario import MoveSet
from ldi.scenarios.simulation import cumulated
from ldi.typing import FloatArray
from ldi.units import BP

if TYPE_CHECKING:
    from matplotlib.figure import Figure

E_NET_ASSETS = "positions: net assets of {value:,.0f}; expected positive assets to project"
E_LENGTH = "{name}: got {got} values for {want} instruments; expected one per instrument"
E_PROJECTION_YEARS = "years: got {value!r}; expected a whole number from 1 to 50"
E_REBALANCE = "rebalance: got {value!r}; expected hedge or constant_mix"
PERCENTILES = (5, 25, 50, 75, 95)
FLOORS = (1.0, 0.9)
GROWTH_KINDS = ("return_seeking", "cash")  # outside the hedge book


class Rebalance(StrEnum):
    """How the policy is rebalanced at each year-end (see the module docstring)."""

    HEDGE = "hedge"
    CONSTANT_MIX = "constant_mix"


RULES = {
    Rebalance.HEDGE: "the hedge book is kept at the policy's share of the liabilities' PV01 "
    "and the rest of the assets held in growth and cash",
    Rebalance.CONSTANT_MIX: "every position is held as a constant share of the assets",
}


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
    rebalance: Rebalance = Rebalance.HEDGE

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
                "rebalance": self.rebalance.value,
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
                *textwrap.wrap(
                    f"Rebalanced each year-end: {RULES[self.rebalance]}. Benefits are paid "
                    "from assets; liabilities are the benefits still due, valued each year "
                    "on the simulated curves. Money columns are medians.",
                    88,
                ),
            ]
        )

    def figure(self) -> "Figure":
        """The fan chart: 5-95% and 25-75% bands, the median, 100% funded (percent)."""
        from ldi.reporting.plots import PERCENT, STYLE, new_figure  # matplotlib only when drawn

        figure, (axes,) = new_figure()
        table = self.table * PERCENT
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
        figure.suptitle(f"{self.name}: funding ratio projection")
        return figure

    def plot(self, path: str) -> None:
        """Write the fan chart as a PNG (atomically)."""
        from ldi.reporting.plots import save_png

        save_png(self.figure(), path)


def project_funding(
    engine: ScenarioEngine,
    positions: FloatArray,
    carry: FloatArray,
    *,
    years: int = 10,
    count: int = 5_000,
    seed: int = 0,
    rebalance: Rebalance | str = Rebalance.HEDGE,
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
    try:
        rule = Rebalance(rebalance)
    except ValueError:
        raise DataError(E_REBALANCE.format(value=rebalance)) from None
    revaluation = engine.revaluation
    x = _per_instrument(positions, "positions", len(revaluation.ids))
    carry = _per_instrument(carry, "carry", len(revaluation.ids))
    start = float(revaluation.base @ x)
    if not start > 0:
        raise DataError(E_NET_ASSETS.format(value=start))
    hedge = np.array([type(i).kind not in GROWTH_KINDS for i in revaluation.instruments])
    books = [float(revaluation.base[part] @ x[part]) for part in (hedge, ~hedge)]
    annual = engine.model.annual_moves(count, seed, years)
    cumulative = cumulated(annual)  # the same draws, summed: each path's moves to year-end
    assets = np.empty((count, years + 1))
    values = np.empty((count, years + 1))
    benefits = np.empty((count, years))
    pv01 = np.empty((count, years + 1))
    assets[:, 0] = start
    values[:, 0], _, pv01[:, 0] = _aged(engine, 0, _still(cumulative[0]))
    for y in progress(range(1, years + 1), years, "projected years"):
        values[:, y], benefits[:, y - 1], pv01[:, y] = _aged(engine, y, cumulative[y - 1])
        gains = (revaluation.values(annual[y - 1]) - revaluation.base[:, None]) + carry[:, None]
        held = np.clip(assets[:, y - 1], 0.0, None)
        if rule is Rebalance.HEDGE and min(books) > 0:
            hedged = np.minimum(pv01[:, y - 1] / pv01[:, 0], held / books[0])
            rest = (held - hedged * books[0]) / books[1]
            growth = hedged * (gains[hedge].T @ x[hedge]) + rest * (gains[~hedge].T @ x[~hedge])
        else:
            growth = held / start * (gains.T @ x)
        assets[:, y] = assets[:, y - 1] + growth - benefits[:, y - 1]
    values *= liability_size
    benefits *= liability_size
    return FundingProjection(name, currency, assets, values, benefits, seed, rule)


def _still(moves: MoveSet) -> MoveSet:
    """One zero move on the knots of ``moves``: today's market."""
    flat, zero = np.zeros((1, moves.knots.size)), np.zeros(1)
    return MoveSet(moves.knots, flat, flat, zero, zero)


def _aged(engine: ScenarioEngine, year: int, moves: MoveSet) -> tuple[FloatArray, ...]:
    """(liabilities, benefits paid in the year, PV01) at ``year`` after each cumulative move.

    Values are at ``year``: the benefits due after it and those of the year before it, each
    discounted (or accrued) to it on the moved curves; PV01 is the fall in the first for a
    1bp rise of nominal rates.
    """
    cashflows = engine.liabilities.cashflows
    times = cashflows.times
    streams = {
        "due_after": _part(cashflows, times > year),
        "paid": _part(cashflows, (times > year - 1) & (times <= year)),
    }
    if year:
        streams["unit"] = Cashflows([float(year)], [1.0])
    matrix = CashflowMatrix.from_cashflows(streams)
    bumped = MoveSet(
        moves.knots,
        moves.nominal + BP,
        moves.breakeven,
        moves.credit_spread,
        moves.growth,
    )
    base = liability_streams(engine.liabilities, matrix, moves)
    up = liability_streams(engine.liabilities, matrix, bumped)
    unit = (base[2], up[2]) if year else (1.0, 1.0)
    due, paid = base[0] / unit[0], base[1] / unit[0]
    return due, paid, due - up[0] / unit[1]


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
