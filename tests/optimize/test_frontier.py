"""Efficient frontiers: monotone, bounded by their limits, and equal to independent solves.

Volatility frontiers are checked for their shape on the default problem (more risk allowed
never lowers the expected return; each point's risk is within its limit; the ends are the
least-risk and most-return portfolios). CVaR frontiers on the small scheme of
test_liquidity are checked point by point against the Rockafellar–Uryasev LP written in
scipy (tests/optimize/test_scenario_risk.py), to 1e-7 relative in the expected return.
"""

import json

import numpy as np
import pytest

import ldi
from ldi.cli.main import main
from ldi.errors import DataError, InfeasibleError, SolveError, SpecError
from ldi.optimize.frontier import SCENARIOS_MIN, RiskMeasure, efficient_frontier
from ldi.optimize.terms.scenario_risk import CVaR
from tests.optimize.test_scenario_risk import SCENARIOS, SEED, reference, scheme
from tests.reference import DEFAULT_PROBLEM, PROBLEMS, raw_problem


@pytest.fixture(scope="module")
def default_frontier():
    return efficient_frontier(ldi.load_problem(DEFAULT_PROBLEM), points=6)


def test_more_risk_never_buys_less_return(default_frontier):
    points = default_frontier.points
    assert list(points["status"]) == ["optimal"] * 6
    assert np.all(
        np.diff(points["expected_return"]) >= -1e-6 * points["expected_return"].abs().max()
    )
    assert points["expected_return"].iloc[-1] > points["expected_return"].iloc[0]
    # every point's risk is within its limit (the limit is swept, the first the least risk)
    assert np.all(points["risk"] <= points["risk_limit"] * (1 + 1e-6))
    assert np.all(np.diff(points["risk_limit"]) > 0)


def test_ends_are_the_least_risk_and_the_most_return_portfolios(default_frontier):
    problem = ldi.load_problem(DEFAULT_PROBLEM)
    raw_least = ldi.load_problem({**_raw(), "objective": {"minimize": ["tracking_error"]}}).solve()
    most = ldi.load_problem(
        {**_raw(), "objective": {"maximize": ["expected_surplus_return"]}}
    ).solve()
    points = default_frontier.points
    least_risk = raw_least.objective.loc["tracking_error", "value"]
    assert points["risk"].iloc[0] == pytest.approx(least_risk, rel=1e-4)
    # The last point solves with its risk limit at the most-return portfolio's risk: a
    # second-order cone met to the interior-point solver's accuracy (~1e-6 relative).
    assert points["expected_return"].iloc[-1] == pytest.approx(-most.objective_value, rel=5e-6)
    assert problem.name == default_frontier.name


def _raw():

    return raw_problem(DEFAULT_PROBLEM)


def test_cvar_frontier_points_equal_the_independent_lp():
    raw = scheme(
        {"minimize": ["cost"]},
        ["budget", {"hedge_ratio": {"risk": "rates", "min": 0.5, "max": 1.0}}],
    )
    problem = ldi.load_problem(raw)
    frontier = efficient_frontier(
        problem, RiskMeasure.CVAR, points=4, scenarios=SCENARIOS, seed=SEED
    )
    pv = float(problem.model.data.liabilities["pv"])
    growth = float(problem.model.data.liabilities["expected_return"])  # surplus: less this
    for _, point in frontier.points.iterrows():
        cap = point["risk_limit"] * (1 + 1e-9) / pv
        _, optimum, _, _ = reference(
            problem, returns_weight=1.0, cvar_weight=0.0, cvar_max=cap, hedge=(0.5, 1.0)
        )
        assert point["expected_return"] == pytest.approx(-optimum - growth, rel=1e-7, abs=1e-6)


def test_points_must_be_a_sensible_count():
    problem = ldi.load_problem(DEFAULT_PROBLEM)
    for bad in (1, 201, True, 2.5):
        with pytest.raises(DataError, match=r"^points: got .*; expected a whole number from 2"):
            efficient_frontier(problem, points=bad)


def test_json(default_frontier):
    data = json.loads(json.dumps(default_frontier.to_dict(), allow_nan=False))
    assert data["risk"] == "volatility"
    assert len(data["points"]) == 6
    assert data["points"][0]["expected_return"] == pytest.approx(
        default_frontier.points["expected_return"].iloc[0]
    )


def test_cli_prints_plots_and_writes_json(tmp_path, capsys):
    plot, out = tmp_path / "f.png", tmp_path / "f.json"
    code = main(
        ["frontier", str(DEFAULT_PROBLEM), "--points", "3", "--plot", str(plot), "--json", str(out)]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "efficient frontier (surplus volatility against expected surplus return)" in captured.out
    assert plot.read_bytes()[:4] == b"\x89PNG"
    assert len(json.loads(out.read_text())["points"]) == 3
    assert f"wrote {out}" in captured.err


SHIPPED = sorted(PROBLEMS.glob("*.yaml"))
NO_BUDGET = PROBLEMS / "insurer_annuity_book.yaml"  # dedication: its cost term sizes it


def _with_budget(path):
    """The problem with a budget: the examples that have none get one of more than they cost."""
    raw = raw_problem(path)
    if not any(c == "budget" or "budget" in c for c in raw["constraints"]):
        raw["constraints"].append({"budget": {"capital": 900.0e6}})
    return ldi.load_problem(raw)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.stem)
@pytest.mark.parametrize("risk", list(RiskMeasure))
def test_every_shipped_example_with_a_budget_has_a_frontier(path, risk):
    """Every kind of constraint can stay in the frontier's problem.

    The ends' risk is measured without the constraints' auxiliary variables (cash-flow
    matching's surplus).
    """
    frontier = efficient_frontier(_with_budget(path), risk, points=3, scenarios=200)
    points = frontier.points
    assert list(points["status"]) == ["optimal"] * 3
    assert np.all(np.isfinite(points[["risk", "expected_return"]].to_numpy()))
    assert np.all(points["risk"] <= points["risk_limit"] * (1 + 1e-6) + 1e-6)
    assert points["expected_return"].iloc[-1] >= points["expected_return"].iloc[0]


@pytest.mark.parametrize(
    ("risk", "end"), [(RiskMeasure.VOLATILITY, "most-return"), (RiskMeasure.CVAR, "least-risk")]
)
def test_an_unbounded_end_names_the_positions_that_run_away(risk, end):
    """A truly unbounded end names the positions that grow without limit.

    Without a budget more bonds always earn more (and, in the scenarios, lose less).
    """
    problem = ldi.load_problem(NO_BUDGET)
    with pytest.raises(SolveError) as raised:
        efficient_frontier(problem, risk, points=3, scenarios=200)
    assert not isinstance(raised.value, InfeasibleError)
    message = str(raised.value)
    assert message.startswith(f"frontier: the {end} portfolio is unbounded; Unbounded: ")
    assert " (long)" in message
    assert "grow without limit" in message


def test_an_infeasible_end_gives_the_diagnosis():
    raw = raw_problem(DEFAULT_PROBLEM)
    assert raw["constraints"][3] == {"leverage": {"max": 1.5}}
    raw["constraints"][3] = {"leverage": {"max": 0}}
    with pytest.raises(InfeasibleError) as raised:
        efficient_frontier(ldi.load_problem(raw), points=3)
    message = str(raised.value)
    assert message.startswith("frontier: the least-risk portfolio is infeasible; Infeasible: ")
    assert "leverage <= 0 conflicts with " in message
    assert "leverage would need " in message
    assert "\nleverage " in message  # the diagnosis table, a row per relaxed limit


def test_cvar_needs_the_terms_least_scenarios():
    problem = ldi.load_problem(DEFAULT_PROBLEM)
    message = f"^scenarios: got 99; expected a whole number of {SCENARIOS_MIN} or more"
    with pytest.raises(DataError, match=message):
        efficient_frontier(problem, RiskMeasure.CVAR, points=2, scenarios=SCENARIOS_MIN - 1)
    with pytest.raises(SpecError):  # the library's own minimum, which the frontier's follows
        CVaR(scenarios=SCENARIOS_MIN - 1)
    CVaR(scenarios=SCENARIOS_MIN)
