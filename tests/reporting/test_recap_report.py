"""The recapitalisation report: its waterfall chart and its tables, against scipy's LP.

Reference: tests/test_recap.py's LP of the default problem after the 2022 gilt crisis
(rows and raises from tests/reference.py, solved by ``scipy.optimize.linprog``). The chart
draws money in millions: bars are held to 1e-6 of the plan's size (the LP's tolerance).
"""

import dataclasses

import matplotlib.pyplot as plt
import numpy as np
import pytest

import ldi
from ldi.liquidity import ActionTerms, RecapitalisationPolicy
from ldi.recap import recapitalise
from ldi.reporting.charts import record_charts
from ldi.reporting.html_report import html_report
from ldi.reporting.recap_report import RecapReport
from ldi.reporting.record import decision_record
from ldi.reporting.tables import MATERIAL
from tests.reference import DEFAULT_PROBLEM
from tests.test_recap import default_reference_lp

MILLION = 1e6


@pytest.fixture(scope="module", params=[5, 10])
def planned(request):
    days = request.param
    problem = ldi.load_problem(DEFAULT_PROBLEM)
    recap = recapitalise(problem, scenario="gilt_crisis_2022", target_bp=700, days=days)
    return recap, default_reference_lp(recap, days)


def bars(figure) -> dict[str, tuple[float, float]]:
    """(left, width) of each bar in money, by its row's label."""
    (axes,) = figure.axes
    labels = {
        tick: label.get_text()
        for tick, label in zip(axes.get_yticks(), axes.get_yticklabels(), strict=True)
    }
    return {
        labels[round(bar.get_y() + bar.get_height() / 2)]: (
            bar.get_x() * MILLION,
            bar.get_width() * MILLION,
        )
        for bar in axes.patches
    }


def test_the_waterfall_runs_from_the_headroom_before_through_each_step(planned):
    """Before: the nominal headroom; each step: what scipy's plan raises; after: their sum."""
    recap, ref = planned
    figure = RecapReport.of(recap).figure()
    drawn = bars(figure)
    plt.close(figure)
    tolerance = 1e-6 * ref.size
    start = ref.headroom["nominal"]
    assert drawn["Before"][0] == 0.0
    assert drawn["Before"][1] == pytest.approx(start, abs=tolerance)
    raised = dict(zip(recap.candidates.index, ref.solved.x * ref.per_unit["nominal"], strict=True))
    steps = [label for label in drawn if label not in ("Before", "After")]
    assert steps == [f"day {d}: {a}" for a, d in recap.steps["day"].items()]
    total = start
    for label in steps:
        left, width = drawn[label]
        action = label.split(": ", 1)[1]
        assert left == pytest.approx(total, abs=tolerance)
        assert width == pytest.approx(raised[action], abs=tolerance)
        total += raised[action]
    assert drawn["After"] == pytest.approx((0.0, total), abs=tolerance)
    assert total >= -tolerance  # the nominal buffer is restored


def test_the_printed_steps_are_the_plans_in_whole_units(planned):
    recap, ref = planned
    report = RecapReport.of(recap)
    text = report.as_text()
    steps = report.steps()
    assert list(steps.index) == list(range(1, len(recap.steps) + 1))
    used = dict(zip(recap.candidates.index, ref.solved.x, strict=True))
    for (action, step), (_, row) in zip(recap.steps.iterrows(), steps.iterrows(), strict=True):
        assert row["Amount"] == pytest.approx(used[action], abs=1e-6 * ref.size)
        assert f"{row['Amount']:,.0f}" in text
        assert row["Instrument"] == step["instrument"]
    hedge = recap.hedge.loc["rates"]
    lost = ref.solved.x @ recap.candidates["pv01"].to_numpy()
    assert hedge["change"] == pytest.approx(-lost / recap.liability_risk["pv01"], abs=1e-9)


def test_a_plan_that_cannot_reach_its_target_says_so_on_its_chart():
    """Every position held back: after the 2022 crisis nothing restores a 700bp buffer."""
    problem = ldi.load_problem(DEFAULT_PROBLEM)
    held = {i: ActionTerms(amount=0.0) for i in problem.instruments}
    policy = RecapitalisationPolicy(actions=held)
    recap = recapitalise(
        dataclasses.replace(problem, recapitalisation=policy),
        scenario="gilt_crisis_2022",
        target_bp=700,
        days=1,
    )
    assert not recap.ok
    figure = RecapReport.of(recap).figure()
    assert figure._suptitle.get_text().endswith("within 1 day: no plan reaches it")
    plt.close(figure)


def test_the_hedge_table_keeps_the_tenors_where_the_liabilities_are_material(planned):
    """Tenors with PV01 given up, where the liabilities hold MATERIAL of their largest."""
    recap, _ = planned
    liabilities = ldi.load_problem(DEFAULT_PROBLEM).liabilities.risk().loc["total"]
    pv01 = liabilities.filter(regex=r"^pv01_").abs()
    given_up = recap.hedge_by_bucket["pv01_given_up"]
    expected = [
        key.removeprefix("pv01_")
        for key, value in pv01.items()
        if value >= MATERIAL * pv01.max() and given_up[key.removeprefix("pv01_")] != 0
    ]
    assert list(RecapReport.of(recap).buckets().index) == expected


def test_a_book_that_holds_its_buffer_needs_no_step():
    problem = ldi.load_problem(DEFAULT_PROBLEM)
    recap = recapitalise(problem, target_bp=350, days=5)
    assert recap.headroom.min() > 0
    text = RecapReport.of(recap).as_text()
    assert "The buffer holds: no action is needed." in text
    assert "Steps" not in text
    assert np.all(recap.used == 0)


def test_a_solve_records_the_plan_for_its_positions_and_the_html_report_shows_it():
    """The default problem's section: after the 2022 crisis, 350bp within 5 days.

    The record's plan is ``recapitalise`` on the solved positions (checked against scipy
    above); the HTML report, drawn from the record alone, prints each step and the chart.
    """
    problem = ldi.load_problem(DEFAULT_PROBLEM)
    result = problem.solve()
    record = decision_record(problem, result)
    plan = recapitalise(problem, result.positions)
    assert record.recapitalisation is not None
    assert record.recapitalisation.scenario == "gilt_crisis_2022"
    steps = record.recapitalisation.steps
    assert [s.action for s in steps] == list(plan.steps.index)
    assert [s.amount for s in steps] == pytest.approx(plan.steps["amount"].tolist(), rel=1e-12)
    page = html_report(record, record_charts(record))
    assert "<h2>Recapitalisation plan</h2>" in page
    for step in steps:
        assert f"<td>{step.amount:,.0f}</td>" in page
    assert "Recapitalisation plan: the nominal buffer" in page  # the waterfall's caption


def test_without_a_section_a_solve_records_no_plan():
    problem = ldi.load_problem(DEFAULT_PROBLEM)
    plain = dataclasses.replace(problem, recapitalisation=None)
    record = decision_record(plain, plain.solve())
    assert record.recapitalisation is None
    assert "Recapitalisation plan" not in html_report(record)
