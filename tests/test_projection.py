"""``ldi.funding_projection`` of the default problem: today's figures, policies and errors.

The projection's arithmetic is checked against closed forms in
tests/scenarios/test_projection.py; here the problem supplies it. Year 0 must be today's
balance sheet, which ``stress_test`` reports for the same positions (itself checked against
an independent revaluation in tests/test_stress.py): 1e-12 relative. With every volatility
zero, year 1's surplus change must be the solve's expected surplus return (the
``expected_surplus_return`` term evaluated on the solved positions, and the expected
surplus change of its one-year outcomes): one model of time for both, 1e-9 relative (sums
of the same money in another order). Paths are seeded, so runs repeat exactly.
"""

from dataclasses import replace

import numpy as np
import pytest

import ldi
from ldi.errors import DataError, SpecError
from ldi.projection import funding_projection
from ldi.risk.factors import FACTORS, RiskModel
from ldi.scenarios.pnl import OutcomeSummary
from ldi.scenarios.projection import project_funding
from ldi.scenarios.simulation import CurveFactors, ScenarioModel
from ldi.stress import stress_test
from tests.reference import DEFAULT_PROBLEM, raw_problem

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


@pytest.mark.parametrize("scenarios", [0, -5, 2.5, True])
def test_a_count_of_paths_that_is_not_positive_is_refused(problem, scenarios):
    with pytest.raises(DataError, match=r"^scenarios: got .*; expected a positive whole number"):
        funding_projection(problem, years=1, scenarios=scenarios)


def test_unknown_instruments_are_refused(problem):
    with pytest.raises(DataError, match=r"positions: unknown instrument ids \['NOPE'\]"):
        funding_projection(problem, {"NOPE": 1.0}, years=1, scenarios=100)


def test_year_one_without_volatility_is_the_solves_expected_surplus_return(problem):
    result = problem.solve()
    data = problem.model.data
    engine = data.simulation
    calm = ScenarioModel(
        risk=RiskModel(volatility=dict.fromkeys(FACTORS, 0.0)),
        curve=CurveFactors(np.array([1.0, 50.0]), np.array([[1.0, 1.0]]), np.array([0.0])),
        growth_volatility=dict.fromkeys(engine.model.growth_volatility, 0.0),
    )
    still = replace(engine, model=calm)
    x = problem.position_vector(result.positions)
    size = float(data.liabilities["pv"]) / engine.liability_value
    projection = project_funding(still, x, years=1, count=3, liability_size=size)
    surplus = projection.assets - projection.liabilities
    expected = result.objective.loc["expected_surplus_return", "value"]
    np.testing.assert_allclose(surplus[:, 1] - surplus[:, 0], expected, rtol=1e-9)
    outcomes = OutcomeSummary(still, size, 3, 0, 0.95, x, None)
    change = outcomes.table.loc["expected_surplus_change", "before"]
    assert change == pytest.approx(expected, rel=1e-9)


# --- the resolve rule -------------------------------------------------------------------------

TENORS = [1.0, 5.0, 10.0, 20.0, 30.0, 50.0]
RATES = [0.030, 0.034, 0.038, 0.043, 0.045, 0.042]


def matched_problem() -> dict:
    """A strip held against one benefit of the same amount, re-solved at a 100% rates hedge.

    The hedge ratio (one strip's PV01 against the benefit's) and the budget (the rest in
    cash: nothing, on a matched path) fix the optimum by two equalities, which an interior
    point meets to its feasibility tolerance (set tight here).
    """
    return {
        "ldi": 1,
        "name": "matched strip",
        "curves": {"gilts": {"tenors": TENORS, "rates": RATES}},
        "liabilities": {"discount_curve": "gilts", "cashflows": [{"time": 25, "fixed": 7.0e7}]},
        "instruments": [
            {"id": "STRIP", "kind": "zero_coupon_bond", "maturity": 25.0},
            {"id": "CASH", "kind": "cash", "rate": 0.03},
        ],
        "holdings": {"STRIP": 7.0e7 * (1.0 + np.interp(25.0, TENORS, RATES)) ** -25},
        "objective": {"minimize": ["turnover"]},
        "constraints": ["budget", {"hedge_ratio": {"risk": "rates", "min": 1.0, "max": 1.0}}],
        "solver": {
            "name": "CLARABEL",
            "options": {
                "CLARABEL": {"tol_gap_abs": 1e-13, "tol_gap_rel": 1e-13, "tol_feas": 1e-13}
            },
        },
    }


def test_resolve_keeps_a_matched_book_fully_funded_on_every_path():
    problem = ldi.load_problem(matched_problem())
    projection = funding_projection(problem, years=6, scenarios=20, seed=3, rebalance="resolve")
    assert projection.fallbacks == 0
    np.testing.assert_allclose(projection.funding_ratio, 1.0, rtol=0, atol=1e-9)


def test_each_resolve_is_a_fresh_solve_of_the_paths_data(problem, solved):
    from ldi.optimize.model import Model
    from ldi.optimize.paths import PathResolve, path_data, solved_positions
    from ldi.scenarios.projection import Policy, Rebalance

    data = problem.model.data
    engine = data.simulation
    pv = float(data.liabilities["pv"])
    size = pv / engine.liability_value
    x = problem.position_vector(solved)
    decision = problem.decision
    rule = PathResolve(
        Model(data, decision.objective, decision.constraints, decision.solver),
        engine.ledger,
        x,
        size,
    )
    annual = engine.model.annual_moves(3, 1, 2)
    units = np.tile(x, (3, 1))
    for end in engine.ledger.walk(annual, risk=True):
        held = np.einsum("si,si->s", units, end.money[:, :-1])
        held -= (end.money[:, -1] - end.value[:, -1]) * size
        units_before = units
        units = rule.rebalance(end, units, held)
        standing = engine.ledger.standing(end)
        for path in range(3):
            holdings = units_before[path].copy()
            cash = list(data.ids).index("CASH")
            worth = holdings @ end.value[path, :-1]
            holdings[cash] += held[path] - worth
            fresh = Model(
                path_data(data, engine.ledger, end, standing, path, holdings, size),
                decision.objective,
                decision.constraints,
                decision.solver,
            )
            expected = solved_positions(fresh)
            assert expected is not None
            optimum = fresh.compiled.problem.objective.value
            # The same optimum: the fresh build's objective at the re-solved positions. Both
            # agree to the solver's accuracy, which is loosest along directions the objective
            # barely tells apart (one SONIA swap tenor or growth asset for another): on seed
            # 1's first path at year 2, Clarabel's answer on the fresh build lies 1.6e-5 of
            # the PV from the optimum both builds reach with tolerances of 1e-13 (where they
            # agree to 5e-13 of the PV), and its objective 2.4e-5 from the re-solve's.
            fresh.compiled.z.value = units[path] / fresh.scales.money
            assert fresh.compiled.problem.objective.value == pytest.approx(optimum, rel=5e-5)
            np.testing.assert_allclose(
                units[path], expected, rtol=1e-6, atol=5e-5 * data.liabilities["pv"]
            )
            # The budget holds: the re-solved positions are worth the path's assets.
            assert units[path] @ end.value[path, :-1] == pytest.approx(held[path], rel=1e-7)
    assert rule.fallbacks == 0
    hedge = Policy.of(engine.ledger, x, Rebalance.HEDGE, size)
    assert hedge.rule is Rebalance.HEDGE


def test_resolve_refuses_simulated_scenario_terms():
    raw = matched_problem()
    raw["objective"] = {"minimize": [{"cvar": {"scenarios": 200}}]}
    problem = ldi.load_problem(raw)
    with pytest.raises(SpecError, match=r"^rebalance: resolve cannot re-solve terms \['cvar'\]"):
        funding_projection(problem, years=1, scenarios=10, rebalance="resolve")


def test_paths_shared_out_between_processes_give_the_serial_paths(problem, solved):
    """Three blocks of 25 paths re-solved on two processes."""
    settings = {"years": 1, "scenarios": 55, "seed": 2, "rebalance": "resolve"}
    serial = funding_projection(problem, solved, **settings)
    shared = funding_projection(problem, solved, scheduler="processes", **settings)
    np.testing.assert_array_equal(shared.assets, serial.assets)
    np.testing.assert_array_equal(shared.liabilities, serial.liabilities)
    assert shared.fallbacks == serial.fallbacks


def _first_share_fails(spec, folder, job):
    """A worker's share: the first fails at once, the others would run for a minute."""
    import time

    if job["paths"][0] == 0:
        raise ValueError("no paths today")
    time.sleep(60)


def test_a_share_that_fails_stops_the_others_at_once(problem, solved, monkeypatch):
    import multiprocessing
    import time

    monkeypatch.setattr("ldi.projection._project_part", _first_share_fails)
    began = time.monotonic()
    with pytest.raises(DataError, match=r"^projection: paths 0 to 25 failed on a worker: Value"):
        funding_projection(
            problem, solved, years=1, scenarios=100, rebalance="resolve", scheduler="processes"
        )
    assert time.monotonic() - began < 10
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("workers", [0, 257, 2.0])
def test_workers_are_a_whole_number_from_1_to_256(problem, workers):
    with pytest.raises(
        DataError, match=rf"^workers: got {workers!r}; expected a whole number from 1 to 256$"
    ):
        funding_projection(
            problem,
            years=1,
            scenarios=10,
            rebalance="resolve",
            scheduler="processes",
            workers=workers,
        )


def test_only_resolve_shares_its_paths_out(problem):
    with pytest.raises(DataError, match=r"^scheduler: got 'local' with rebalance restrike"):
        funding_projection(problem, years=1, scenarios=10, scheduler="local")


@pytest.mark.parametrize("carry", ["forwards", "unchanged"])
def test_restriking_on_still_markets_keeps_the_overlays_and_the_funding_near_one_scale(carry):
    """No market move, the solved policy: re-striking must not lever overlays up.

    Against the ``hedge`` rule's one scale, each year: gross overlay notional at most 1.5
    times, and the funding ratio within 2 points (offsetting swaps that fit the buckets
    while earning carry under unchanged curves once made money out of nothing).
    """
    from ldi.scenarios.projection import Policy, Rebalance

    raw = raw_problem(DEFAULT_PROBLEM)
    raw["simulation"] = {"carry": carry}
    problem = ldi.load_problem(raw)
    x = problem.position_vector(problem.solve().positions)
    data = problem.model.data
    still = replace(
        data.simulation,
        model=ScenarioModel(
            risk=RiskModel(volatility=dict.fromkeys(FACTORS, 0.0)),
            curve=CurveFactors(np.array([1.0, 50.0]), np.array([[1.0, 1.0]]), np.array([0.0])),
            growth_volatility=dict.fromkeys(data.simulation.model.growth_volatility, 0.0),
        ),
    )
    size = float(data.liabilities["pv"]) / still.liability_value
    overlay = (data.assets["role"] == "overlay").to_numpy()
    paths = {}
    for rule in (Rebalance.RESTRIKE, Rebalance.HEDGE):
        policy = Policy.of(still.ledger, x, rule, size)
        units, spare, gross, ratio = np.tile(x, (1, 1)), np.zeros(1), [], []
        for end in still.ledger.walk(still.model.annual_moves(1, 0, 10), risk=True):
            paid = (end.money[:, -1] - end.value[:, -1]) * size
            assets = np.einsum("si,si->s", units, end.money[:, :-1]) + spare * end.short - paid
            ratio.append(assets[0] / (end.value[0, -1] * size))
            units, spare = policy.rebalance(end, units, np.clip(assets, 0.0, None))
            gross.append(np.abs(units[0, overlay]).sum())
        paths[rule] = np.array(gross), np.array(ratio)
    (restruck, restruck_ratio), (one_scale, one_scale_ratio) = paths.values()
    assert np.all(restruck <= 1.5 * one_scale)
    np.testing.assert_allclose(restruck_ratio, one_scale_ratio, rtol=0, atol=0.02)
