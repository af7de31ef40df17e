"""The frontier report (FrontierReport): the table ``ldi frontier`` prints and its chart.

The table is checked against the frontier docs/optimization.md shows for the default problem
(six points) and, for missing numbers, against a frontier written out by hand; the chart is
read back as a PNG file.
"""

import numpy as np
import pandas as pd
import pytest

import ldi
from ldi.optimize.frontier import Frontier, RiskMeasure, efficient_frontier
from ldi.reporting import FrontierReport
from tests.documented import assert_shows, shown
from tests.reference import DEFAULT_PROBLEM


@pytest.fixture(scope="module")
def default_frontier():
    return efficient_frontier(ldi.load_problem(DEFAULT_PROBLEM), points=6)


def test_plot(default_frontier, tmp_path):
    path = tmp_path / "frontier.png"
    FrontierReport(default_frontier).plot(str(path))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_documented_frontier_is_what_it_prints(default_frontier):
    """docs/optimization.md shows the default problem's six-point frontier."""
    block = shown("docs/optimization.md", "efficient frontier")
    assert_shows(block, FrontierReport(default_frontier).as_text())


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
