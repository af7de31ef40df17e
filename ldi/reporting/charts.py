"""The HTML report's charts, drawn from a decision record (``ldi.io.record``).

Each chart is drawn when its data is there and says something, as PNG bytes by caption,
grouped by the report section it illustrates: the allocation by asset category (assets,
overlays and financing in panels of their own), key-rate exposures (inflation only when
there is inflation exposure), the stresses of the holdings beside those of the solved
positions (scenarios that move neither left out, and named in the caption) and the
collateral charts only when some stress calls collateral. Importing it loads matplotlib.
"""

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ldi.io.record import DecisionRecord
from ldi.reporting import plots
from ldi.reporting.categories import GROUPS, ORDER, category_label
from ldi.reporting.decision import calls_collateral, moving_scenarios
from ldi.reporting.recap_report import RecapReport
from ldi.reporting.solve_report import has_inflation, instrument_categories, rows_frame
from ldi.reporting.tables import MATERIAL

PORTFOLIOS = "holdings before the trades beside the solved positions"


def record_charts(record: DecisionRecord) -> dict[str, dict[str, bytes]]:
    """The report's charts as PNG by caption, by section, each drawn when its data is there.

    Sections: liabilities, allocation, hedging, stress and recapitalisation (a section
    without a chart is left out).
    """
    sections = {
        "liabilities": liability_figures(record),
        "allocation": allocation_figures(record),
        "hedging": hedging_figures(record),
        "stress": stress_figures(record),
        "recapitalisation": recapitalisation_figures(record),
    }
    return {
        section: {caption: plots.png_bytes(figure) for caption, figure in figures.items()}
        for section, figures in sections.items()
        if figures
    }


def liability_figures(record: DecisionRecord) -> dict[str, Figure]:
    """The liabilities' cash flows by year, fixed and inflation-linked stacked."""
    if not record.liability_cashflows:
        return {}
    flows = rows_frame(record.liability_cashflows, "year").reset_index()
    kinds = "fixed and inflation-linked" if has_inflation(record) else "fixed"
    caption = f"Liability cash flows by year, {kinds} ({record.currency} m)"
    return {
        caption: plots.cashflow_profile(
            flows["year"], flows["fixed"], flows["inflation_linked"], record.currency
        )
    }


def allocation_figures(record: DecisionRecord) -> dict[str, Figure]:
    """Money by asset category before and after the trades (a solved record only).

    A record without its instruments (a result alone) is drawn by instrument instead.
    """
    if record.objective_value is None:
        return {}
    currency = record.currency
    if not record.instruments:
        caption = "Positions by instrument before and after, and trades"
        return {
            caption: plots.allocation_chart(
                pd.Series(record.positions, dtype=float),
                pd.Series(record.holdings, dtype=float),
                currency,
            )
        }
    table = category_table(record)
    panels = {
        "assets": "physical assets at market value",
        "overlays": "swaps at notional (+ receives fixed or inflation)",
        "financing": "repo as cash borrowed (negative: owed by the fund)",
    }
    shown = "; ".join(text for group, text in panels.items() if (table["group"] == group).any())
    caption = f"Allocation by asset category before and after the trades, and the trades: {shown}"
    return {caption: plots.category_allocation(table, currency)}


def category_table(record: DecisionRecord) -> pd.DataFrame:
    """Money by category (index: its label in the record's currency, in ``ORDER``).

    Columns group (``GROUPS``), before (holdings) and after (positions): each the sum over
    the category's instruments, financing (cash borrowed) negated, as a liability of the
    fund. Every category the record's instruments have is a row, held or not; one this
    version does not know is drawn last, among the assets.
    """
    category = instrument_categories(record)
    sides = {
        side: pd.Series(values, dtype=float).reindex(category.index, fill_value=0.0)
        for side, values in (("before", record.holdings), ("after", record.positions))
    }
    frame = pd.DataFrame(sides).groupby(category, sort=False).sum()
    rank = {name: i for i, name in enumerate(ORDER)}
    frame = frame.loc[sorted(frame.index, key=lambda c: rank.get(c, len(ORDER)))]
    groups = [GROUPS.get(c, "assets") for c in frame.index]  # a category unknown: an asset
    sign = np.where(np.array(groups) == "financing", -1.0, 1.0)
    frame = frame.mul(sign, axis=0).assign(group=groups)
    frame.index = [category_label(c, record.currency) for c in frame.index]
    return frame[["group", "before", "after"]]


def hedging_figures(record: DecisionRecord) -> dict[str, Figure]:
    """Key-rate PV01 and, when there is inflation exposure, IE01 with hedge ratios."""
    exposures = rows_frame(record.exposures, "measure")
    note = (
        "liabilities and assets (after; before as outlines) per key tenor, with the hedge "
        f"ratio where the liabilities have at least {MATERIAL:.0%} of their "
        "largest bucket's exposure"
    )
    figures = {
        f"Key-rate PV01: {note}": plots.key_rate_profile(exposures, "rates", record.currency)
    }
    if has_inflation(record):
        figures[f"Key-rate IE01: {note}"] = plots.key_rate_profile(
            exposures, "inflation", record.currency
        )
    return figures


def stress_figures(record: DecisionRecord) -> dict[str, Figure]:
    """The stresses of the holdings beside the solved positions', and the collateral charts.

    Records written without the holdings' stresses draw the solved positions' alone. The
    collateral headroom (of the scenarios the stress chart shows) only when some stress
    calls collateral, and the waterfall only when its stress uses some pool.
    """
    if not record.stress:
        return {}
    currency = record.currency
    after = rows_frame(record.stress, "scenario")
    before = rows_frame(record.stress_before or [], "scenario").reindex(after.index)
    moved = moving_scenarios(before, after) if record.stress_before else list(after.index)
    figures: dict[str, Figure] = {}
    if record.stress_before:
        caption = (
            f"Stress scenarios, {PORTFOLIOS}: surplus change and funding ratio after each stress"
        )
        still = [name for name in after.index if name not in moved]
        if still:
            caption += f"; left out, as they move neither: {', '.join(still)}"
        if moved:
            figures[caption] = plots.stress_comparison(
                before.loc[moved], after.loc[moved], currency
            )
    else:
        caption = "Stress scenarios, solved positions: changes and funding ratio"
        figures[caption] = plots.stress_impacts(after, currency)
    if not calls_collateral(after):
        return figures
    caption = "Collateral called and available, and the headroom left, under each stress"
    figures[caption] = plots.collateral_headroom(after.loc[moved], currency)
    waterfall = record.waterfall
    pools = rows_frame(waterfall.pools if waterfall else [], "pool")
    if waterfall is not None and (pools["used"].astype(float) > 0).any():
        caption = (
            f"Collateral waterfall of the tightest stress ({waterfall.scenario}): the pools "
            "used to meet its calls, in the order drawn"
        )
        figures[caption] = plots.collateral_waterfall(pools, waterfall.scenario, currency)
    return figures


def recapitalisation_figures(record: DecisionRecord) -> dict[str, Figure]:
    """The waterfall of the plan restoring the solved positions' buffer, when it has steps."""
    plan = record.recapitalisation
    if plan is None or not plan.steps:
        return {}
    caption = (
        "Recapitalisation plan: the nominal buffer's headroom before the plan, what each "
        "step adds, in the order to act, and the headroom after"
    )
    return {caption: RecapReport(plan).figure()}
