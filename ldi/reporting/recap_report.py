"""The recapitalisation plan arranged for reading: steps, days, cost, and a waterfall chart.

It renders the plan's record (``ldi.io.record.RecapRecord``), so ``ldi recap``, a notebook
and the HTML report of a solve (``ldi report``, from the file alone) show the same plan.
"""

from dataclasses import dataclass
from typing import Any

import pandas as pd

from ldi.io.record import RecapRecord
from ldi.recap import Recapitalisation
from ldi.reporting.solve_report import rows_frame
from ldi.reporting.stress_report import WATERFALL_HEADERS
from ldi.reporting.tables import MATERIAL, amount, percent, render
from ldi.storage.json_safe import json_safe

STEP_HEADERS = {
    "day": "Day",
    "kind": "Action",
    "instrument": "Instrument",
    "category": "Category",
    "bucket": "Bucket",
    "amount": "Amount",
    "trading_cost": "Cost",
}
TEST_HEADERS = {
    "cash_in": "Cash in",
    "nominal": "Buffer (nominal)",
    "real": "Buffer (real)",
    "calls": "Calls met",
}
BUCKET_HEADERS = {"pv01_given_up": "PV01 given up", "hedge_ratio_change": "Hedge ratio chg"}
CALLS_TITLE = "{scenario}'s calls, due on day 1, met from collateral in hand"
CALLS_NOTE = (
    "The swaps' variation margin comes first, from cash, money-market funds and same-day "
    "repo of government bonds (a government pool's share is the repo to raise), the other "
    "calls (repo top-ups, initial margin) from what is left."
)
LEGEND = (
    "Amounts in {ccy}: sales at market value after the stress, unwinds in notional, "
    "repo repaid in cash borrowed. The "
    "buffer is the collateral left after a further {target:g}bp rise, as the collateral "
    "policy counts it; 'Calls met' is the collateral in hand left after the stress's own "
    "calls, due on day 1. A column is the smaller of its tests (total, and cash for the "
    "swaps' variation margin)."
)


@dataclass(frozen=True, eq=False)
class RecapReport:
    """One recapitalisation plan's record for a terminal, HTML, JSON or a chart."""

    record: RecapRecord

    @classmethod
    def of(cls, recap: Recapitalisation) -> "RecapReport":
        """The report of a plan (``ldi.recap.recapitalise``)."""
        return cls(RecapRecord.model_validate(json_safe(recap.to_dict())))

    @property
    def ok(self) -> bool:
        """True when a plan meets every test."""
        return self.record.status == "optimal"

    def heading(self) -> str:
        """What was planned: the stress, the target and the deadline."""
        r = self.record
        after = f"after {r.scenario}" if r.scenario else "for the book as it stands"
        return (
            f"{r.name}: recapitalisation plan {after}, restoring a {r.target_bp:g}bp buffer "
            f"within {_days(r.deadline_days)}"
        )

    def summary_lines(self) -> list[str]:
        """The plan's cost in bid/offer, expected return and hedge ratios, in words."""
        r = self.record
        if not self.ok:
            return [f"No plan restores the buffer: {r.diagnosis}."]
        if not r.steps:
            return ["The buffer holds: no action is needed."]
        lines = [
            f"{len(r.steps)} step{'s' if len(r.steps) > 1 else ''}; "
            f"bid/offer and fees {amount(r.trading_cost, r.currency)}, expected return "
            f"given up {amount(r.expected_return_given_up, r.currency)} a year.",
        ]
        for row in r.hedge:
            if abs(row.change) > 0:
                lines.append(
                    f"Hedge ratio ({row.risk}, on today's market): {percent(row.before)} "
                    f"before, {percent(row.after)} after."
                )
        lines.append(
            f"Hedge given up is charged as its loss in a {r.hedge_charge_bp:g}bp move; "
            "the plan cuts the hedge only where other actions cost more."
        )
        return lines

    def headroom(self) -> pd.DataFrame:
        """Each test's headroom before the plan (money)."""
        before = pd.Series(self.record.headroom_before, name="Headroom", dtype=float)
        return before.rename_axis("Test").to_frame()

    def steps(self) -> pd.DataFrame:
        """The steps in the order to act, with report headers."""
        table = rows_frame(self.record.steps, "action")[list(STEP_HEADERS)]
        table = table.rename(columns=STEP_HEADERS).reset_index(drop=True)
        return table.rename_axis("Step").rename(lambda i: i + 1)

    def days(self) -> pd.DataFrame:
        """Day by day: cash in, and the headroom of each test after the steps so far."""
        return rows_frame(self.record.days, "day").rename(columns=TEST_HEADERS).rename_axis("Day")

    def buckets(self) -> pd.DataFrame:
        """The rates hedge given up by key tenor, where the liabilities have material risk.

        Material: at least MATERIAL of the liabilities' largest key-tenor PV01.
        """
        table = rows_frame(self.record.buckets, "bucket")
        if table.empty:
            return table
        liability = table["liability_pv01"].abs()
        shown = (table["pv01_given_up"] != 0) & (liability >= MATERIAL * liability.max())
        return (
            table.loc[shown, list(BUCKET_HEADERS)]
            .rename(columns=BUCKET_HEADERS)
            .rename_axis("Bucket")
        )

    def calls_met(self) -> pd.DataFrame:
        """How collateral in hand meets the stress's own calls, pool by pool (empty: none).

        A government pool's variation margin is the same-day repo to raise; a
        money-market fund's, the redemption.
        """
        table = rows_frame(self.record.calls_met, "pool")
        if table.empty or not (table["used"] > 0).any():
            return pd.DataFrame()
        shown = [c for c in WATERFALL_HEADERS if c != "days"]
        return table[shown].rename(columns=WATERFALL_HEADERS).rename_axis("Pool")

    def late(self) -> str | None:
        """The positions whose cash would come after the deadline, in words (None: none)."""
        late = self.record.late
        if not late:
            return None
        return "Not in time for the deadline: " + ", ".join(
            f"{i} ({_days(d)})" for i, d in late.items()
        )

    def legend(self) -> str:
        """What the amounts and columns mean."""
        return LEGEND.format(ccy=self.record.currency, target=self.record.target_bp)

    def as_text(self) -> str:
        """Plain-text report for a terminal."""
        lines = [self.heading(), "", *self.summary_lines(), ""]
        before = self.headroom()
        lines += ["Headroom before the plan", render(before, money=("Headroom",), fixed={}), ""]
        calls = self.calls_met()
        if not calls.empty:
            title = CALLS_TITLE.format(scenario=self.record.scenario)
            table = render(calls, money=tuple(calls.columns), fixed={})
            lines += [title, table, CALLS_NOTE, ""]
        if self.ok and self.record.steps:
            lines += ["Steps", render(self.steps(), money=("Amount", "Cost"), fixed={}), ""]
            money = tuple(TEST_HEADERS.values())
            lines += ["By day", render(self.days(), money=money, fixed={}), ""]
            buckets = self.buckets()
            if not buckets.empty:
                change = BUCKET_HEADERS["hedge_ratio_change"]
                buckets = buckets.assign(**{change: buckets[change].map(percent)})
                lines += ["Rates hedge given up", render(buckets, ("PV01 given up",), {}), ""]
        late = self.late()
        if late:
            lines += [f"{late}.", ""]
        lines.append(self.legend())
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The plan's JSON-safe dictionary (what ``ldi recap --json`` writes)."""
        return self.record.model_dump(mode="json")

    def figure(self) -> Any:
        """The waterfall of the nominal buffer: before, each step's raise, after."""
        from ldi.reporting.plots import recapitalisation_waterfall

        r = self.record
        labels = [f"day {step.day}: {step.action}" for step in r.steps]
        raised = pd.Series([step.raised for step in r.steps], index=labels, dtype=float)
        after = f"after {r.scenario}" if r.scenario else "the book as it stands"
        outcome = "" if self.ok else ": no plan reaches it"
        title = (
            f"Recapitalisation plan, {after}\n{r.target_bp:g}bp buffer (nominal) within "
            f"{_days(r.deadline_days)}{outcome}"
        )
        before = next(iter(r.headroom_before.values()))
        return recapitalisation_waterfall(before, raised, r.currency, title)

    def plot(self, path: str) -> None:
        """Write the waterfall chart, PNG, PDF or SVG by the extension (atomically)."""
        from ldi.reporting.plots import save_figure

        save_figure(self.figure(), path)


def _days(count: float) -> str:
    return f"{count:g} day{'' if count == 1 else 's'}"
