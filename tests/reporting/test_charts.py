"""The report's charts drawn from decision records (ldi.reporting.charts).

References: the records of the example problems (the UK scheme with overlays and repo, the
nominal-only insurer and EUR fund, the USD plan), read back from their JSON; every number a
chart should show is computed here by hand from the record's rows (category sums over its
instruments, the materiality of each key-rate bucket, which stresses move anything) and
compared with the bars and points read back from the matplotlib figures. Tolerance 1e-12
relative (RTOL), as in test_plots: the charts divide the same float64 sums by the same
constants; a sum of a category's positions may add in another order, a few ulps.
"""

import numpy as np
import pytest

import ldi
from ldi.io.record import DecisionRecord
from ldi.reporting import charts
from ldi.reporting.record import decision_record
from tests.reference import PROBLEMS

RTOL = 1e-12
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# The categories' labels as a GBP and a USD committee reads them, written out here.
GBP_LABELS = {
    "government": "Gilts",
    "index_linked": "Index-linked gilts",
    "credit": "Credit",
    "growth": "Growth assets",
    "cash": "Cash",
    "rates_swap": "Interest rate swaps",
    "inflation_swap": "Inflation swaps",
    "repo": "Repo",
}
USD_LABELS = {**GBP_LABELS, "government": "Treasuries", "index_linked": "TIPS"}
PANELS = {
    "assets": ("government", "index_linked", "credit", "growth", "cash"),
    "overlays": ("rates_swap", "inflation_swap"),
    "financing": ("repo",),
}


@pytest.fixture(scope="module")
def records():
    """Each example problem's decision record, through its JSON (as ``ldi report`` reads it)."""
    found = {}
    for name in ("uk_db_scheme", "insurer_annuity_book", "nl_pension_fund", "us_corporate_plan"):
        problem = ldi.load_problem(PROBLEMS / f"{name}.yaml")
        record = decision_record(problem, problem.solve())
        found[name] = DecisionRecord.model_validate(record.to_dict())
    return found


def close(actual, expected):
    np.testing.assert_allclose(actual, np.asarray(expected, dtype=float), rtol=RTOL, atol=0)


def widths(container):
    return np.array([bar.get_width() for bar in container])


def tick_labels(axes):
    return [label.get_text() for label in axes.get_yticklabels()]


def by_category(record, side):
    """``side`` (holdings or positions) summed by category in millions, by hand."""
    sums = {}
    for row in record.instruments:
        sums[row.category] = sums.get(row.category, 0.0) + getattr(record, side)[row.id] / 1e6
    return sums


def test_record_charts_keep_the_report_sections_as_png(records):
    drawn = charts.record_charts(records["uk_db_scheme"])
    sections = ["liabilities", "allocation", "hedging", "stress", "recapitalisation"]
    assert list(drawn) == sections  # the file plans a recapitalisation, with steps
    assert [len(figures) for figures in drawn.values()] == [1, 1, 2, 3, 1]
    assert all(png.startswith(PNG_SIGNATURE) for f in drawn.values() for png in f.values())
    insurer = charts.record_charts(records["insurer_annuity_book"])
    assert [len(figures) for figures in insurer.values()] == [1, 1, 1, 1]


@pytest.mark.parametrize(
    ("name", "labels"),
    [("uk_db_scheme", GBP_LABELS), ("us_corporate_plan", USD_LABELS)],
)
def test_allocation_sums_market_value_notional_and_borrowing_by_category(records, name, labels):
    record = records[name]
    ((caption, figure),) = charts.allocation_figures(record).items()
    assert caption.startswith("Allocation by asset category before and after the trades")
    before, after = by_category(record, "holdings"), by_category(record, "positions")
    panels = {group: [c for c in categories if c in after] for group, categories in PANELS.items()}
    panels = {group: categories for group, categories in panels.items() if categories}
    assert len(figure.axes) == len(panels)
    for axes, (group, categories) in zip(figure.axes, panels.items(), strict=True):
        assert tick_labels(axes) == [labels[c] for c in categories]
        sign = -1.0 if group == "financing" else 1.0  # borrowing drawn as a liability
        held, solved, traded = (widths(container) for container in axes.containers)
        close(held, [sign * before[c] for c in categories])
        close(solved, [sign * after[c] for c in categories])
        close(traded, [sign * (after[c] - before[c]) for c in categories])


def test_repo_is_drawn_as_minus_the_cash_borrowed(records):
    record = records["uk_db_scheme"]
    ((_, figure),) = charts.allocation_figures(record).items()
    assets, overlays, financing = figure.axes
    assert financing.get_xlabel() == "Cash borrowed, shown negative (GBP m)"
    assert overlays.get_xlabel() == "Notional (GBP m)"
    held, solved, _ = (widths(container) for container in financing.containers)
    repo = ["REPO_3M", "REPO_1W"]  # one category: every repo together
    close(solved, [-sum(record.positions[i] for i in repo) / 1e6])
    close(held, [-sum(record.holdings[i] for i in repo) / 1e6])
    assert solved[0] < 0
    assert "Repo" not in tick_labels(assets)


def material_ratios(record, measure):
    """Each key tenor's hedge ratio where its liabilities have >= 1% of the largest's."""
    rows = [r for r in record.exposures if r.measure.startswith(f"{measure}_")]
    largest = max(abs(r.liabilities) for r in rows)
    return {
        i: r.hedge_ratio
        for i, r in enumerate(rows)
        if largest > 0 and abs(r.liabilities) >= 0.01 * largest and r.hedge_ratio is not None
    }


def test_hedge_ratio_axis_leaves_out_small_buckets_and_stays_within_the_clip(records):
    record = records["uk_db_scheme"]
    figures = charts.hedging_figures(record)
    assert [caption.split(":")[0] for caption in figures] == ["Key-rate PV01", "Key-rate IE01"]
    for (_, figure), measure in zip(figures.items(), ("pv01", "ie01"), strict=True):
        _, ratio = figure.axes
        shown = material_ratios(record, measure)
        (points,) = [line for line in ratio.lines if line.get_label() == "Hedge ratio"]
        close(points.get_xdata(), list(shown))
        close(points.get_ydata(), [100 * v for v in shown.values()])
        low, high = ratio.get_ylim()
        assert -50 - 12.5 <= low < min(100, *points.get_ydata())  # a margin of 5% of 250 at most
        assert max(100, *points.get_ydata()) < high <= 200 + 12.5
    rates = material_ratios(record, "pv01")
    assert 0 not in rates  # the 1y bucket: 0.9% of the largest, its ratio about -110%


def test_a_ratio_beyond_200_percent_is_written_at_the_edge(records):
    """The EUR fund's 7y bucket is hedged about 235%: drawn at 200% with its value."""
    record = records["nl_pension_fund"]
    ((_, figure),) = charts.hedging_figures(record).items()
    _, ratio = figure.axes
    shown = material_ratios(record, "pv01")
    beyond = {i: v for i, v in shown.items() if v > 2.0}
    assert beyond  # the case this test is about
    (edge,) = [line for line in ratio.lines if line.get_marker() == "^"]
    close(edge.get_xdata(), list(beyond))
    close(edge.get_ydata(), [200.0] * len(beyond))
    assert [t.get_text() for t in ratio.texts] == [f"{v:.0%}" for v in beyond.values()]
    assert ratio.get_ylim()[1] <= 200 + 0.05 * 250


@pytest.mark.parametrize("name", ["insurer_annuity_book", "nl_pension_fund"])
def test_nominal_only_problems_have_no_inflation_chart(records, name):
    record = records[name]
    ie01 = [r for r in record.exposures if r.measure.startswith("ie01")]
    assert all(r.liabilities == r.assets == r.assets_before == 0.0 for r in ie01)
    assert [caption.split(":")[0] for caption in charts.hedging_figures(record)] == [
        "Key-rate PV01"
    ]


def moves(row):
    changes = (row.asset_change, row.liability_change, row.surplus_change, row.collateral_needed)
    return any(abs(v or 0.0) >= 1.0 for v in changes)


@pytest.mark.parametrize("name", ["uk_db_scheme", "insurer_annuity_book"])
def test_stress_bars_are_the_record_rows_before_and_after(records, name):
    record = records[name]
    figures = charts.stress_figures(record)
    caption, figure = next(iter(figures.items()))
    before = {row.scenario: row for row in record.stress_before}
    kept = [r.scenario for r in record.stress if moves(r) or moves(before[r.scenario])]
    still = [r.scenario for r in record.stress if r.scenario not in kept]
    if still:
        assert caption.endswith(f"left out, as they move neither: {', '.join(still)}")
    else:
        assert "left out" not in caption
    money, ratio = figure.axes
    assert tick_labels(money) == kept
    after = {row.scenario: row for row in record.stress}
    held, solved = (widths(container) for container in money.containers)
    close(held, [before[s].surplus_change / 1e6 for s in kept])
    close(solved, [after[s].surplus_change / 1e6 for s in kept])
    first, second = [line for line in ratio.lines if line.get_marker() == "o"]
    close(first.get_xdata(), [before[s].funding_ratio_after * 100 for s in kept])
    close(second.get_xdata(), [after[s].funding_ratio_after * 100 for s in kept])


def test_the_insurer_leaves_out_breakevens_and_collateral(records):
    record = records["insurer_annuity_book"]
    figures = charts.stress_figures(record)
    (caption,) = figures  # no collateral headroom or waterfall: nothing is ever called
    assert all((row.collateral_needed or 0.0) == 0.0 for row in record.stress)
    for scenario in ("breakeven_up_50", "breakeven_down_50", "real_yields_up_100"):
        assert scenario in caption.split("left out")[1]


def test_collateral_headroom_is_drawn_when_a_stress_calls_collateral(records):
    record = records["uk_db_scheme"]
    captions = list(charts.stress_figures(record))
    assert captions[1].startswith("Collateral called and available")
    figure = charts.stress_figures(record)[captions[1]]
    called, available, headroom = figure.axes[0].containers
    close(widths(called), [row.collateral_needed / 1e6 for row in record.stress])
    close(widths(available), [row.collateral_available / 1e6 for row in record.stress])
    assert max(row.collateral_needed for row in record.stress) > 0
    worst = min(record.stress, key=lambda row: row.headroom).scenario
    assert captions[2].startswith(f"Collateral waterfall of the tightest stress ({worst})")


def test_a_record_without_the_holdings_stresses_draws_the_solved_ones(records):
    record = records["uk_db_scheme"].model_copy(update={"stress_before": None})
    caption, figure = next(iter(charts.stress_figures(record).items()))
    assert caption == "Stress scenarios, solved positions: changes and funding ratio"
    surplus = figure.axes[0].containers[2]
    close(widths(surplus), [row.surplus_change / 1e6 for row in record.stress])


def test_the_collateral_chart_shows_the_stress_charts_scenarios(records):
    """The EUR fund: the breakeven and real-yield shocks move nothing there, in either chart."""
    record = records["nl_pension_fund"]
    figures = charts.stress_figures(record)
    stress, collateral = (figures[c] for c in list(figures)[:2])
    assert tick_labels(collateral.axes[0]) == tick_labels(stress.axes[0])
    assert "breakeven_up_50" not in tick_labels(collateral.axes[0])


def test_no_waterfall_is_drawn_when_its_stress_uses_no_pool(records):
    record = records["uk_db_scheme"]
    assert record.waterfall is not None
    pools = [row.model_copy(update={"used": 0.0}) for row in record.waterfall.pools]
    unused = record.model_copy(
        update={"waterfall": record.waterfall.model_copy(update={"pools": pools})}
    )
    captions = list(charts.stress_figures(unused))
    assert not any(caption.startswith("Collateral waterfall") for caption in captions)


def test_a_nominal_cash_flow_chart_names_only_fixed_flows(records):
    """The insurer's benefits are all fixed: one series of bars, the legend says so."""
    record = records["insurer_annuity_book"]
    ((caption, figure),) = charts.liability_figures(record).items()
    assert caption == "Liability cash flows by year, fixed (GBP m)"
    (bars,) = figure.axes[0].containers
    close(
        [bar.get_height() for bar in bars], [row.fixed / 1e6 for row in record.liability_cashflows]
    )
    labels = [text.get_text() for legend in figure.legends for text in legend.get_texts()]
    assert labels == ["Fixed"]


def test_the_waterfall_splits_each_pools_use_between_cash_margin_and_other_calls(records):
    """Bars: the swaps' cash margin, then the other calls, then what is left, per pool."""
    record = records["uk_db_scheme"]
    captions = list(charts.stress_figures(record))
    (caption,) = [c for c in captions if c.startswith("Collateral waterfall")]
    figure = charts.stress_figures(record)[caption]
    margin, other, left = figure.axes[0].containers
    pools = record.waterfall.pools
    close(widths(margin), [row.model_extra["variation_margin"] / 1e6 for row in pools])
    close(widths(other), [row.model_extra["other"] / 1e6 for row in pools])
    close(widths(left), [row.left / 1e6 for row in pools])
    close(widths(margin) + widths(other), [row.used / 1e6 for row in pools])
