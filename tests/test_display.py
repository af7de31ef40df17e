"""Results delegate their reports to the ones ldi.reporting registers for their types."""

import pandas as pd
import pytest

import ldi
from ldi.display import REPORTS, register, report_of
from ldi.optimize.frontier import COLUMNS, Frontier, RiskMeasure
from ldi.optimize.result import LDIResult
from ldi.reporting import FrontierReport, ProjectionReport, SolveSummary
from ldi.scenarios.projection import FundingProjection
from tests.reference import DEFAULT_PROBLEM


def test_each_result_type_has_its_report_registered():
    assert REPORTS[LDIResult] == SolveSummary.of
    assert REPORTS[Frontier] is FrontierReport
    assert REPORTS[FundingProjection] is ProjectionReport


def test_a_solve_shows_its_summary_in_a_notebook():
    result = ldi.load_problem(DEFAULT_PROBLEM).solve()
    summary = result.report()
    assert isinstance(summary, SolveSummary)
    assert summary.as_text() == SolveSummary.of(result).as_text()
    assert result._repr_html_() == SolveSummary.of(result)._repr_html_()


def test_a_frontier_delegates_to_its_report():
    row = dict.fromkeys(COLUMNS, 1.0) | {"status": "optimal"}
    frontier = Frontier("Book", "GBP", RiskMeasure.VOLATILITY, pd.DataFrame([row]))
    assert frontier.report().as_text() == FrontierReport(frontier).as_text()


def test_a_subclass_takes_its_parents_report_and_an_unregistered_type_is_refused():
    class Special(Frontier):
        pass

    special = Special("Book", "GBP", RiskMeasure.VOLATILITY, pd.DataFrame(columns=COLUMNS))
    assert isinstance(report_of(special), FrontierReport)

    class Plain:
        pass

    with pytest.raises(LookupError, match="^Plain: no report is registered for it"):
        report_of(Plain())
    register(Plain, str)
    try:
        assert report_of(Plain()).startswith("<")
    finally:
        del REPORTS[Plain]
