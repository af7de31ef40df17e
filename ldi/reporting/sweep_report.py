"""The sweep report: one row per variant, every number written as the other reports write it.

What ``ldi sweep`` prints; every number comes from the ``SweepResult`` (``ldi.sweep``).
Edits and the objective are ``figure``s (whole units with separators from 1,000, plain
notation below), ratios percentages; a missing number is '-', no error a blank.
"""

from dataclasses import dataclass
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

from ldi.display import figure
from ldi.reporting.tables import percent, render
from ldi.sweep import SweepResult

HEADERS = {
    "status": "Status",
    "objective": "Objective",
    "funding_ratio": "Funding ratio",
    "rates_hedge": "Rates hedge",
    "inflation_hedge": "Inflation hedge",
}
RATIOS = ("funding_ratio", "rates_hedge", "inflation_hedge")
ERROR = "Error"
LEGEND = (
    "Edits as given to --vary. Objective in money-equivalent units; funding ratio = assets /\n"
    "liabilities; rates (inflation) hedge = assets' PV01 (IE01) / liabilities'. '-': no\n"
    "value; Error: why a variant failed (blank when it was solved to an optimum)."
)


@dataclass(frozen=True, eq=False)
class SweepReport:
    """Renders a sweep: its variants' edits and results as a table of formatted cells."""

    sweep: SweepResult

    def cells(self) -> pd.DataFrame:
        """The sweep's table as text: edits, status, objective, ratios, then the error."""
        table = self.sweep.table()
        cells = pd.DataFrame(index=table.index.rename("Variant"))
        for column in table.columns.drop("error", errors="ignore"):
            shown = percent_or_dash if column in RATIOS else figure_or_text
            cells[HEADERS.get(column, column)] = table[column].map(shown)
        if "error" in table:
            cells[ERROR] = table["error"].map(lambda e: "" if _missing(e) else str(e))
        return cells

    def as_text(self) -> str:
        """The table (the error column left-aligned, last), then the legend."""
        cells = self.cells()
        if ERROR in cells:
            width = max(len(ERROR), *cells[ERROR].str.len())
            padded = ERROR.ljust(width)  # a header as wide as its cells stays over them
            cells = cells.rename(columns={ERROR: padded})
            cells[padded] = cells[padded].str.ljust(width)
        text = render(cells, money=(), fixed={})
        return "\n".join([*(line.rstrip() for line in text.splitlines()), "", LEGEND])


def figure_or_text(value: Any) -> str:
    """A number as a ``figure``, a missing one as '-', anything else as its text."""
    if _missing(value):
        return "-"
    if isinstance(value, Real) and not isinstance(value, bool):
        return figure(float(value))
    return str(value)


def percent_or_dash(value: Any) -> str:
    """A ratio as a percentage, a missing one as '-'."""
    return "-" if _missing(value) else percent(float(value))


def _missing(value: object) -> bool:
    """None or NaN: a number the variant does not have."""
    return value is None or (isinstance(value, float) and np.isnan(value))
