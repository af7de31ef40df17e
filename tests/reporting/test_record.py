"""The decision record: the result's dictionary plus cash flows by year and stresses.

References: the liabilities' money flows by year from tests/reference.py (its own reading
of the YAML and CSV, LPI uprating U(t) on the breakeven curve: fixed + real x U(t), summed
over the flows paid in each year), to 1e-12 relative; the stress outcomes are
``stress_test``'s of the solved positions (checked against the reference in
tests/test_stress.py), equal exactly.
"""

import json

import numpy as np
import pytest

import ldi
from ldi.reporting.record import decision_record
from tests.reference import DEFAULT_PROBLEM, raw_problem, reference


@pytest.fixture(scope="module")
def solved():
    problem = ldi.load_problem(DEFAULT_PROBLEM)
    result = problem.solve()
    return problem, result, decision_record(problem, result).to_dict()


def test_the_record_is_the_results_dictionary_and_more(solved):
    _, result, record = solved
    expected = json.loads(json.dumps(result.to_dict()))
    extra = {"valuation_date", "instruments", "liability_cashflows", "stress", "waterfall"}
    extra |= {"stress_before", "extrapolated", "recapitalisation"}
    assert set(record) == set(expected) | extra
    for key in set(expected) - {"solver"}:
        assert record[key] == expected[key], key
    assert record["valuation_date"] == raw_problem()["valuation_date"].isoformat()
    kinds = {row["id"]: row["kind"] for row in record["instruments"]}
    assert kinds == result.instruments["kind"].to_dict()
    categories = {row["id"]: row["category"] for row in record["instruments"]}
    assert categories["CREDIT_AA_2035"] == "credit"  # a bond marked credit in the file
    assert categories["UKT_3T_2052"] == "government"
    assert categories["UKTI_0T_2045"] == "index_linked"
    json.dumps(record, allow_nan=False)  # standard JSON


def test_liability_cashflows_by_year_are_the_reference_money_flows(solved):
    _, _, record = solved
    stream = reference(DEFAULT_PROBLEM).liability_stream  # each tranche on its own index
    uprated = stream.uprated()
    years = np.ceil(stream.t).astype(int)
    table = {row["year"]: row for row in record["liability_cashflows"]}
    assert sorted(table) == sorted(set(years))
    for year in table:
        mine = years == year
        assert table[year]["fixed"] == pytest.approx(stream.fixed[mine].sum(), rel=1e-12)
        linked = uprated[mine].sum()
        assert table[year]["inflation_linked"] == pytest.approx(linked, rel=1e-12)


def test_the_waterfall_is_the_tightest_stress(solved):
    problem, result, record = solved
    stress = ldi.stress_test(problem, result.positions)
    worst = stress.outcomes["headroom"].idxmin()
    assert record["waterfall"]["scenario"] == worst
    pools = stress.waterfalls[worst]
    assert [row["pool"] for row in record["waterfall"]["pools"]] == list(pools.index)
    for row in record["waterfall"]["pools"]:
        for column in ("used", "left", "available"):
            assert row[column] == pytest.approx(pools.loc[row["pool"], column], rel=1e-12)


def test_stress_outcomes_are_the_solved_positions(solved):
    problem, result, record = solved
    outcomes = ldi.stress_test(problem, result.positions).outcomes
    assert [row["scenario"] for row in record["stress"]] == list(outcomes.index)
    for row in record["stress"]:
        for column, value in outcomes.loc[row["scenario"]].items():
            assert row[column] == pytest.approx(value, rel=1e-12, abs=1e-6), column


def test_holdings_stresses_are_the_current_holdings(solved):
    """The same scenarios on the holdings: what ``stress_test`` gives by default."""
    problem, _, record = solved
    outcomes = ldi.stress_test(problem).outcomes
    assert [row["scenario"] for row in record["stress_before"]] == list(outcomes.index)
    for row in record["stress_before"]:
        for column in ("surplus_change", "funding_ratio_after", "headroom"):
            assert row[column] == pytest.approx(outcomes.loc[row["scenario"], column], rel=1e-12)
