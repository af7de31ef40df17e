"""The liability risk report: summary measures by component and the key-rate PV01 ladder."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ldi.curves.spread import DEFAULT_KEYS
from ldi.problem import Problem
from ldi.risk.sensitivities import SUMMARY_COLUMNS, key_label, key_rate_column
from ldi.typing import ArrayLike
from ldi.units import BP
from ldi.validation import tenor_vector

SUMMARY_HEADERS = {
    "pv": "PV",
    "pv01": "PV01",
    "duration": "Duration",
    "convexity": "Convexity",
    "ie01": "IE01",
}
LADDER_HEADERS = {
    "fixed": "Fixed",
    "inflation_linked": "Inflation-linked",
    "total": "Total",
    "share_pct": "Share %",
}
LEGEND = (
    "PV and PV01/IE01 in {ccy} (PV01, IE01 per 1bp); duration in years; convexity in years^2.\n"
    "PV01 = (PV(-1bp) - PV(+1bp))/2 on the discount basis, breakevens held; "
    "IE01 = (PV(b+1bp) - PV(b-1bp))/2."
)


@dataclass(frozen=True, eq=False)
class LiabilityRiskReport:
    """Liability risk of one problem.

    ``summary``: rows fixed, inflation_linked, total; columns pv, pv01, duration, convexity,
    ie01. ``ladder``: rows key tenor (years); columns fixed, inflation_linked, total (PV01 per
    bp) and share_pct (the key's share of the total PV01, %).
    """

    name: str
    currency: str
    valuation_date: str | None
    discount_basis: str
    summary: pd.DataFrame
    ladder: pd.DataFrame

    def as_text(self) -> str:
        """Plain-text tables for a terminal."""
        date = f", valued {self.valuation_date}" if self.valuation_date else ""
        summary = _render(
            self.summary.rename(columns=SUMMARY_HEADERS),
            money=("PV", "PV01", "IE01"),
            fixed={"Duration": 2, "Convexity": 1},
        )
        ladder = _render(
            self.ladder.rename(index=key_label, columns=LADDER_HEADERS).rename_axis("Key"),
            money=("Fixed", "Inflation-linked", "Total"),
            fixed={"Share %": 1},
        )
        return "\n".join(
            [
                f"{self.name}: liability risk ({self.currency}{date})",
                f"Discount basis: {self.discount_basis}",
                "",
                summary,
                "",
                "Key-rate PV01 ladder (per 1bp)",
                ladder,
                "",
                LEGEND.format(ccy=self.currency),
            ]
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe summary (what ``ldi risk --json`` writes)."""
        return {
            "name": self.name,
            "currency": self.currency,
            "valuation_date": self.valuation_date,
            "discount_basis": self.discount_basis,
            "summary": _records(self.summary),
            "key_rate_pv01": _records(self.ladder.set_axis(self.ladder.index.astype(str))),
        }


def liability_risk(problem: Problem, keys: ArrayLike = DEFAULT_KEYS) -> LiabilityRiskReport:
    """Value the problem's liabilities and arrange the result for reading."""
    keys = tenor_vector(keys, "keys")
    table = problem.liabilities.risk(keys)
    ladder = table[[key_rate_column(k) for k in keys]].T.set_axis(pd.Index(keys, name="key"))
    ladder.columns.name = None
    total = table.loc["total", "pv01"]
    ladder["share_pct"] = 100.0 * ladder["total"] / total if total else np.nan
    section = problem.spec.liabilities
    basis = section.discount_curve
    if section.spread:
        basis += f" {section.spread / BP:+g}bp"
    if section.inflation_curve:
        basis += f"; inflation {section.inflation_curve}"
    date = problem.spec.valuation_date
    return LiabilityRiskReport(
        name=problem.name,
        currency=problem.spec.currency,
        valuation_date=date.isoformat() if date else None,
        discount_basis=basis,
        summary=table[list(SUMMARY_COLUMNS)].rename_axis("component"),
        ladder=ladder,
    )


def _render(frame: pd.DataFrame, money: tuple[str, ...], fixed: dict[str, int]) -> str:
    """``frame`` as text; money to whole units, other columns to ``fixed`` decimals, NaN as '-'.

    Money columns whose largest amount is below 1,000 get more decimals so they stay readable.
    """
    formatters = {column: _number(decimals) for column, decimals in fixed.items()}
    for column in money:
        largest = float(np.nanmax(np.abs(frame[column]), initial=0.0))
        formatters[column] = _number(0 if largest >= 1000 else 2 if largest >= 1 else 4)
    return frame.to_string(formatters=formatters, na_rep="-")


def _number(decimals: int) -> Callable[[float], str]:
    """Formatter with thousands separators and ``decimals`` decimals."""
    return f"{{:,.{decimals}f}}".format


def _records(frame: pd.DataFrame) -> dict[str, dict[str, float | None]]:
    """{row: {column: value}} with NaN as null."""
    clean = frame.astype(float).replace({np.nan: None})
    return {str(row): dict(values) for row, values in clean.to_dict(orient="index").items()}
