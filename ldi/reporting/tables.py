"""Plain-text table formatting shared by the reports: money, percentages, NaN as '-'."""

from collections.abc import Callable

import numpy as np
import pandas as pd

MATERIAL = 0.01
"""A key tenor whose liability exposure is below this share of the largest key tenor's has no
hedge ratio shown: a ratio to almost nothing says nothing (and stretches a chart's axis)."""


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


def number(decimals: int) -> Callable[[float], str]:
    """Formatter with thousands separators and ``decimals`` decimals; NaN as '-'."""

    def formatted(value: float) -> str:
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return "-"
        return f"{round(value, decimals) + 0.0:,.{decimals}f}"  # + 0.0: no "-0"

    return formatted


def amount(value: float, currency: str) -> str:
    """Money with its currency and unit: GBP 1.29bn, GBP 331.4m, GBP 25,800; NaN as '-'.

    Billions to two decimals from 1bn, millions to one decimal from 1m, else whole units.
    """
    if np.isnan(value):
        return "-"
    size = abs(value)
    if size >= 1e9:
        return f"{currency} {round(value / 1e9, 2) + 0.0:,.2f}bn"
    if round(size / 1e6, 1) >= 1:
        return f"{currency} {round(value / 1e6, 1) + 0.0:,.1f}m"
    return f"{currency} {round(value) + 0:,.0f}"
