"""``ldi.funding_projection`` of the default problem: today's figures, policies and errors.

The projection's arithmetic is checked against closed forms in
tests/scenarios/test_projection.py; here the problem supplies it. Year 0 must be today's
balance sheet, which ``stress_test`` reports for the same positions (itself checked against
an independent revaluation in tests/test_stress.py): 1e-12 relative. Paths are seeded, so
runs repeat exactly.
"""

import numpy as np
import pytest

import ldi
from ldi.errors import DataError
from ldi.projection import funding_projection
from ldi.stress import stress_test
from tests.reference import DEFAULT_PROBLEM

RTOL = 1e-12


@pytest.fixture(scope="module")
def problem():
    return ldi.load_problem(DEFAULT_PROBLEM)


@pytest.fixture(scope="module")
def solved(problem):
    return problem.solve().positions


@pytest.mark.parametrize("policy", ["holdings", "solved"])
def test_year_zero_is_todays_balance_sheet(problem, solved, policy):
    positions = None if policy == "holdings" else solved
    projection = funding_projection(problem, positions, years=2, scenarios=200)
    today = stress_test(problem, positions, ["parallel_up_100"]).steps.iloc[0]
    np.testing.assert_allclose(projection.assets[:, 0], today["assets_before"], rtol=RTOL)
    np.testing.assert_allclose(projection.liabilities[:, 0], today["liabilities_before"], rtol=RTOL)
    assert projection.table.loc[0, "p50"] == pytest.approx(today["funding_ratio_before"], rel=RTOL)


def test_ten_years_of_the_solved_policy(problem, solved):
    projection = funding_projection(problem, solved, years=10, scenarios=1000, seed=3)
    again = funding_projection(problem, solved, years=10, scenarios=1000, seed=3)
    np.testing.assert_array_equal(projection.funding_ratio, again.funding_ratio)
    table = projection.table
    assert list(table.index) == list(range(11))
    assert np.all(np.isfinite(projection.funding_ratio))
    # Benefits are paid every year and the liabilities still due stay positive.
    assert np.all(projection.benefits > 0)
    assert np.all(projection.liabilities > 0)
    # Uncertainty widens with the horizon.
    width = (table["p95"] - table["p5"]).to_numpy()
    assert np.all(np.diff(width) > 0)


def test_unknown_instruments_are_refused(problem):
    with pytest.raises(DataError, match=r"positions: unknown instrument ids \['NOPE'\]"):
        funding_projection(problem, {"NOPE": 1.0}, years=1, scenarios=100)
