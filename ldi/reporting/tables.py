"""Plain-text table formatting shared by the reports: money, percentages, NaN as '-'."""

from collections.abc import Callable

import numpy as np
import pandas as pd


def percent(value: float) -> str:
    """A ratio as a percentage with one decimal; NaN as '-'."""
    return "-" if np.isnan(value) else f"{round(value, 3) + 0.0:.1%}"  # + 0.0: no "-0.0%"


def render(frame: pd.DataFrame, money: tuple[str, ...], fixed: dict[str, int]) -> str:
    """``frame`` as text; money to whole units, other columns to ``fixed`` decimals, NaN as '-'.

    Money columns whose largest amount is below 1,000 get more decimals so they stay readable.
    """
    formatters = {column: number(decimals) for column, decimals in fixed.items()}
    for column in (c for c in money if c in frame):
        largest = float(np.nanmax(np.abs(frame[column].astype(float)), initial=0.0))
        small = 2 if largest >= 1 else 4
        formatters[column] = number(0 if largest >= 1000 or largest == 0 else small)
    return frame.to_string(formatters=formatters, na_rep="-")


def rise_bp(value: float, search_bp: float) -> str:
    """A rise in whole bp; beyond ``search_bp`` (inf: never within it) as "> 2,000bp"."""
    if np.isnan(value):
        return "-"
    return f"{value:,.0f}bp" if np.isfinite(value) else f"> {search_bp:,.0f}bp"


RESIDUE = 1e-6  # below the tolerance answers are checked to: a solver's residue, shown as 0


def figure(value: float) -> str:
    """A number as a reader reads it, never in scientific notation; NaN as '-'.

    Whole units with thousands separators from 1,000 on; below, six significant digits in
    plain notation (0.0224793); a residue below RESIDUE as 0.
    """
    value = float(value)
    if not np.isfinite(value):
        return "-"
    if abs(value) >= 1000:
        return f"{round(value) + 0:,.0f}"
    if abs(value) < RESIDUE:
        return "0"
    return np.format_float_positional(value, precision=6, unique=False, fractional=False, trim="-")


def number(decimals: int) -> Callable[[float], str]:
    """Formatter with thousands separators and ``decimals`` decimals; NaN as '-'."""

    def formatted(value: float) -> str:
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return "-"
        return f"{round(value, decimals) + 0.0:,.{decimals}f}"  # + 0.0: no "-0"

    return formatted
