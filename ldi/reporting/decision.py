"""The decision a committee takes from a solve, in its words: trades, hedging, limits, headroom.

Read from a decision record (``ldi.io.record.DecisionRecord``): the trades from its tickets
(securities at the cash they settle for, swaps at notional, repo at cash borrowed), the
funding and hedge ratios before and after on each basis, the limits that bind with what
loosening each would gain, and the collateral headroom. What the problem does not have
(inflation, collateral limits) is left out: ``has_inflation`` tells.
"""

from collections.abc import Callable

import numpy as np
import pandas as pd

from ldi.display import figure
from ldi.io.record import DecisionRecord
from ldi.reporting.categories import ORDER, category_label
from ldi.reporting.solve_report import (
    SolveSummary,
    constraint_frame,
    has_inflation,
    instrument_categories,
    rows_frame,
)
from ldi.reporting.tables import amount, number, percent

SHOWN_TRADES = 15  # the largest trades listed one by one; two or more beyond in one line
NOTIONAL = ("interest_rate_swap", "inflation_swap")  # measured at notional, not at cash
# A stress that moves no change column of either portfolio by as much as one unit of the
# currency changes nothing the committee could see: left out of the stress table and chart.
STRESS_CHANGES = ("asset_change", "liability_change", "surplus_change", "collateral_needed")
NEGLIGIBLE_MONEY = 1.0
MANY = 3  # a vector row with more binding entries reads as one line


def trades_table(record: DecisionRecord) -> pd.DataFrame:
    """One row per ticket, largest first within each category: action, category and amount.

    Amount: the cash a security settles for, a swap's notional, the cash a repo borrows or
    repays (money). Beyond ``SHOWN_TRADES`` the smaller trades share one row.
    """
    tickets = rows_frame(record.tickets or [], "instrument")
    if tickets.empty:
        return pd.DataFrame(columns=["Action", "Category", f"Amount ({record.currency})"])
    categories = instrument_categories(record)
    money = tickets["consideration"].abs().where(tickets["kind"] != "repo", tickets["nominal"])
    money = money.where(~tickets["kind"].isin(NOTIONAL), tickets["nominal"])
    category = categories.reindex(tickets.index).fillna(tickets["kind"])
    frame = pd.DataFrame(
        {
            "Action": tickets["side"],
            "category": category,
            "money": money.astype(float),
            "notional": tickets["kind"].isin(NOTIONAL),
        }
    )
    rank = {c: i for i, c in enumerate(ORDER)}
    frame = frame.assign(rank=frame["category"].map(rank).fillna(len(rank)))
    frame = frame.sort_values(["money"], ascending=False)
    cut = SHOWN_TRADES if len(frame) > SHOWN_TRADES + 1 else len(frame)
    shown, rest = frame.iloc[:cut], frame.iloc[cut:]
    shown = shown.sort_values(["rank", "money"], ascending=[True, False], kind="stable")
    currency = record.currency
    table = pd.DataFrame(
        {
            "Action": shown["Action"],
            "Category": [category_label(c, currency) for c in shown["category"]],
            f"Amount ({currency})": [
                amount(m, currency) + (" notional" if n else "")
                for m, n in zip(shown["money"], shown["notional"], strict=True)
            ],
        }
    ).rename_axis("Instrument")
    if len(rest):
        table.loc[f"{len(rest)} smaller trades"] = ["", "", amount(rest["money"].sum(), currency)]
    return table


def hedging_table(record: DecisionRecord) -> pd.DataFrame:
    """Funding ratio and hedge ratios on each basis, before and after (inflation when held).

    The summary's headline without its money rows.
    """
    headline = SolveSummary(record).headline()
    ratios = ~headline.index.str.startswith(("Assets", "Surplus"))
    return headline[ratios].rename_axis("Measure")


def binding_lines(record: DecisionRecord) -> list[str]:
    """Each binding limit in words: where it holds the answer and what loosening it gains.

    Long-only rows are left out (the allocation shows positions at zero). The gain is the
    shadow price times a step in the limit's unit (``ROW_UNITS``), in money-equivalent
    units of the objective.
    """
    table = constraint_frame(record)
    binding = table[table["binding"] & (table["kind"] != "long_only")]
    vector = binding["vector"].where(binding["vector"].notna(), binding.index.to_series())
    lines = []
    for name, rows in binding.groupby(vector, sort=False):
        if len(rows) > MANY:
            lines.append(_vector_line(str(name), rows, record.currency))
        else:
            lines += [
                _binding_line(str(row), limit, record.currency) for row, limit in rows.iterrows()
            ]
    return lines


def headroom_lines(record: DecisionRecord) -> list[str]:
    """The collateral headroom after (and before) the rebalance under each tested rise.

    Then the least headroom under the stress scenarios, when any of them calls collateral.
    """
    lines = []
    collateral = record.collateral
    if collateral is not None:
        lines.append(f"Test: {collateral.title}.")
        inflation = has_inflation(record)
        for row in collateral.headroom:
            extra = row.model_extra or {}
            after, before = extra.get("headroom_after"), extra.get("headroom_before")
            if after is None or (row.rise == "real" and not inflation):
                continue
            line = f"Headroom after the rebalance ({row.rise} yields rise): "
            line += amount(after, record.currency)
            if before is not None:
                line += f" (before: {amount(before, record.currency)})"
            lines.append(line + ".")
    stress = rows_frame(record.stress or [], "scenario")
    if not stress.empty and calls_collateral(stress):
        worst = stress["headroom"].astype(float).idxmin()
        least = amount(float(stress.loc[worst, "headroom"]), record.currency)
        lines.append(f"Least headroom under the stress scenarios: {least} ({worst}).")
    return lines


# How a row's value reads, by its term's kind: (formatter of a value, a step, its words).
Unit = tuple[Callable[[float, str], str], float, str]
PERCENT: Unit = (lambda v, _: percent(v), 0.01, "1 percentage point")
MONEY: Unit = (amount, 1e6, "1m")
PER_BP: Unit = (lambda v, c: f"{amount(v, c)} per bp", 1e3, "1,000 per bp")
ROW_UNITS = {
    "budget": MONEY,
    "hedge_ratio": PERCENT,
    "leverage": PERCENT,
    "expected_return": PERCENT,
    "collateral_buffer": MONEY,
    "liquidity_coverage": MONEY,
    "repo_collateral": MONEY,
    "cashflow_matching": MONEY,
    "turnover": MONEY,
    "no_trade": MONEY,
    "key_rate_tolerance": PER_BP,
}
SENSES = {"<=": "at its maximum of", ">=": "at its minimum of", "==": "held at"}


def _binding_line(row: str, limit: pd.Series, currency: str) -> str:
    """'hedge_ratio[rates].max: at its maximum of 100.0%; 1 percentage point more gains ...'."""
    shown, step, words = _unit(row, str(limit["kind"]))
    sense = str(limit["sense"])
    text = f"{row}: {SENSES.get(sense, sense)} {shown(float(limit['bound']), currency)}"
    shadow = float(limit["shadow_price"])
    if np.isnan(shadow):
        return text + "."
    gain_text = amount(abs(shadow) * step, currency)
    if sense == "==":
        more = "lowers" if shadow < 0 else "raises"
        return f"{text}; {words} more {more} the objective by {gain_text}."
    looser = "more" if sense == "<=" else "less"
    return f"{text}; {words} {looser} would lower the objective by {gain_text}."


def _vector_line(name: str, rows: pd.DataFrame, currency: str) -> str:
    """'cashflow_matching.balance: 26 entries bind; 1m more at one moves ... by X to Y'."""
    _, step, words = _unit(name, str(rows["kind"].iloc[0]))
    gains = (rows["shadow_price"].abs() * step).dropna()
    text = f"{name}: {len(rows)} entries bind (see the constraint table)"
    if gains.empty:
        return text + "."
    low, high = (amount(g, currency) for g in (gains.min(), gains.max()))
    return f"{text}; {words} more at one of them moves the objective by {low} to {high}."


def row_figure(row: str, kind: str) -> Callable[[float], str]:
    """How a constraint row's value, bound and slack read: ratios in %, money whole."""
    unit = _unit(row, kind)
    if unit is PERCENT:
        return percent
    return number(0) if unit in (MONEY, PER_BP) else figure


def _unit(row: str, kind: str) -> Unit:
    """The unit a row reads in: percent for fractions of capital, else by its kind."""
    if kind == "bounds":
        return PERCENT if "fraction" in row else MONEY
    return ROW_UNITS.get(kind, (lambda v, _: figure(v), 1.0, "1 unit"))


def moving_scenarios(before: pd.DataFrame, after: pd.DataFrame) -> list[str]:
    """The scenarios (the index both share) where some ``STRESS_CHANGES`` column of either moves.

    A move is at least ``NEGLIGIBLE_MONEY`` in size; a missing number moves nothing.
    """
    before_moves, after_moves = (
        (table[list(STRESS_CHANGES)].astype(float).abs() >= NEGLIGIBLE_MONEY).any(axis=1)
        for table in (before, after)
    )
    return [str(name) for name in after.index[before_moves | after_moves]]


def calls_collateral(stress: pd.DataFrame) -> bool:
    """True when some scenario calls at least ``NEGLIGIBLE_MONEY`` of collateral."""
    called = stress["collateral_needed"].astype(float).to_numpy()
    return bool((np.nan_to_num(called) >= NEGLIGIBLE_MONEY).any())
