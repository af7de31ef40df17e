"""The frontier report (FrontierReport): the table ``ldi frontier`` prints and its chart.

The table is checked against the frontier docs/optimization.md shows for the default problem
(six points) and, for missing numbers, against a frontier written out by hand; the chart is
read back as a PNG file and from its axes. The portfolios marked beside the frontier are
checked against the default problem's solve, whose objective reports the same two measures
(tracking error as the surplus volatility, expected surplus return), and the holdings'
volatility against the factor model written out: sqrt((B'x - l)' C (B'x - l) + sum (d x)^2)
with C the factor covariance. Tolerance 1e-9 relative: the same sums taken in scaled units
and in money, and through a Cholesky root of C rather than C.
"""

import numpy as np
import pandas as pd
import pytest

import ldi
from ldi.optimize.frontier import Frontier, RiskMeasure, efficient_frontier
from ldi.reporting import FrontierReport
from ldi.reporting.frontier_report import portfolio_marks
from tests.documented import assert_shows, shown
from tests.reference import DEFAULT_PROBLEM

RTOL = 1e-9


@pytest.fixture(scope="module")
def problem():
    return ldi.load_problem(DEFAULT_PROBLEM)


@pytest.fixture(scope="module")
def default_frontier(problem):
    return efficient_frontier(problem, points=6)


@pytest.fixture(scope="module")
def solved(problem):
    result = problem.solve()
    result.raise_for_status()
    return result


@pytest.fixture(scope="module")
def marks(problem, default_frontier, solved):
    portfolios = {"Current holdings": problem.holdings, "Chosen portfolio": solved.positions}
    return portfolio_marks(problem, default_frontier, portfolios)


def test_plot(default_frontier, tmp_path):
    path = tmp_path / "frontier.png"
    FrontierReport(default_frontier).plot(str(path))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_documented_frontier_is_what_it_prints(default_frontier):
    """docs/optimization.md shows the default problem's six-point frontier.

    Point 0 holds the risk at its least, where the expected return is fixed only to the
    solver's tolerance (1e-6 relative moves it by £4): numbers may differ by 1e-5.
    """
    block = shown("docs/optimization.md", "efficient frontier")
    assert_shows(block, FrontierReport(default_frontier).as_text(), noise=1e-5)


def test_a_missing_number_prints_a_dash():
    """As in the other reports, a missing number prints '-', never 'nan'.

    No inflation hedge ratio (no inflation in the liabilities), no return or risk (a point
    that did not solve).
    """
    points = pd.DataFrame(
        {
            "risk_limit": [1.0e6, 2.0e6],
            "expected_return": [-5.0e5, np.nan],
            "risk": [1.0e6, np.nan],
            "rates_hedge": [0.95, np.nan],
            "inflation_hedge": [np.nan, np.nan],
            "status": ["optimal", "infeasible"],
        }
    ).rename_axis("point")
    text = FrontierReport(Frontier("Book", "GBP", RiskMeasure.VOLATILITY, points)).as_text()
    assert "nan" not in text.lower()
    rows = [line.split() for line in text.splitlines() if line[:1] in ("0", "1")]
    assert rows == [
        ["0", "1,000,000", "-500,000", "95.0%", "-", "optimal"],
        ["1", "-", "-", "-", "-", "infeasible"],
    ]


def test_the_chosen_portfolio_is_measured_as_its_solve_reports_it(marks, solved):
    objective = solved.objective["value"]
    chosen = marks.loc["Chosen portfolio"]
    np.testing.assert_allclose(chosen["risk"], objective["tracking_error"], rtol=RTOL)
    np.testing.assert_allclose(
        chosen["expected_return"], objective["expected_surplus_return"], rtol=RTOL
    )


def test_the_holdings_volatility_is_the_factor_models(problem, marks):
    data = problem.model.data
    x = problem.holdings.reindex(data.ids, fill_value=0.0).to_numpy(dtype=float)
    gap = data.loadings.to_numpy().T @ x - data.liability_loadings.to_numpy()
    variance = gap @ data.risk_model.covariance @ gap + np.sum((data.specific.to_numpy() * x) ** 2)
    np.testing.assert_allclose(marks.loc["Current holdings", "risk"], np.sqrt(variance), rtol=RTOL)


def test_expected_return_is_affine_in_the_positions(problem, default_frontier, solved, marks):
    """Half the holdings plus half the solve earns the mean of the two.

    Σ r_i x_i − r_L is affine: the liabilities' growth counts once in each.
    """
    half = problem.holdings.reindex(solved.positions.index, fill_value=0.0) / 2
    middle = portfolio_marks(problem, default_frontier, {"half": half + solved.positions / 2})
    np.testing.assert_allclose(
        middle.loc["half", "expected_return"], marks["expected_return"].mean(), rtol=RTOL
    )


def test_the_chart_marks_the_current_and_the_chosen_portfolio(default_frontier, marks):
    figure = FrontierReport(default_frontier, marks).figure()
    (axes,) = figure.axes
    lines = {line.get_label(): line for line in axes.lines}
    assert list(lines) == ["Efficient frontier", "Current holdings", "Chosen portfolio"]
    points = default_frontier.points
    np.testing.assert_allclose(lines["Efficient frontier"].get_xdata(), points["risk"] / 1e6)
    np.testing.assert_allclose(
        lines["Efficient frontier"].get_ydata(), points["expected_return"] / 1e6
    )
    for label in ("Current holdings", "Chosen portfolio"):
        np.testing.assert_allclose(lines[label].get_xdata(), [marks.loc[label, "risk"] / 1e6])
        np.testing.assert_allclose(
            lines[label].get_ydata(), [marks.loc[label, "expected_return"] / 1e6]
        )
    assert [text.get_text() for text in axes.get_legend().get_texts()] == list(lines)
