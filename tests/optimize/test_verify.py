"""Every answer is checked before it is called optimal.

Two checks, neither taking the solver's word: every hard row of the problem evaluated in
numpy at the positions (relative to the row's scale), and optimality from the solver's own
primal and dual vectors, its KKT residuals recomputed in numpy on the conic problem cvxpy
gave it. The problems come from the documentation's complete example with the edits that
once made a solver say "optimal" while breaking the budget and ``long_only``. The KKT
residuals are checked on a QP solved by hand: minimize (x1 − 2)² + (x2 + 1)² subject to
x1 <= 1 and x1 + x2 == 0.5 has the optimum x = (1, −0.5), where the bound's multiplier is
1 and the equality's 1 (stationarity: 2(x − (2, −1)) + (1, 0) + 1·(1, 1) = 0).
"""

import copy
import json

import cvxpy as cp
import numpy as np
import pytest
import yaml

import ldi
from ldi.errors import LDIWarning, SolveError
from ldi.optimize import solvers, verify
from ldi.optimize.context import Scales
from ldi.optimize.model import SolverOptions
from ldi.optimize.paths import solved_positions
from ldi.optimize.result import row_labels
from ldi.optimize.solvers import Status, run
from ldi.optimize.verify import TOLERANCE, optimality, verified
from ldi.reporting import SolveSummary
from tests.documented import shown
from tests.reference import PROBLEMS, raw_problem

EXAMPLE = yaml.safe_load(shown("docs/problem-files.md", "name: Example DB scheme", "yaml"))
EXAMPLES = sorted(PROBLEMS.glob("*.yaml"))
OPTIMALITY = ["stationarity", "complementarity", "duality_gap", "primal_cones", "dual_cones"]
INSTALLED = sorted(set(cp.installed_solvers()) & set(solvers.SOLVERS))


def example() -> dict:
    return copy.deepcopy(EXAMPLE)


def with_first_benefit(amount: float) -> dict:
    raw = example()
    raw["liabilities"]["cashflows"][0]["fixed"] = amount
    return raw


def hand_qp() -> tuple[cp.Problem, cp.Variable]:
    x = cp.Variable(2)
    objective = cp.Minimize(cp.sum_squares(x - np.array([2.0, -1.0])))
    return cp.Problem(objective, [x[0] <= 1, cp.sum(x) == 0.5]), x


# --- the cases that were called optimal ------------------------------------------------------


@pytest.mark.parametrize("benefit", [5e11, 1e12, 1e13])
def test_a_trillion_beside_a_95m_budget_is_infeasible_not_optimal(benefit):
    # A rates hedge of at least 85% of liabilities worth hundreds of billions from 95m of
    # assets at leverage 1: no portfolio can do it.
    result = ldi.load_problem(with_first_benefit(benefit)).solve()
    assert result.status is Status.INFEASIBLE
    assert not result.ok
    assert "hedge_ratio[rates]" in result.diagnosis.message
    assert result.positions.isna().all()


def test_liabilities_of_a_trillion_beside_95m_of_assets_solve_within_every_limit():
    # Money of 1e12 beside 1e6 (the liabilities x 1e4, the assets as they are): feasible once
    # the hedge limits go, and every limit holds at the solution to 1e-6 of the budget.
    raw = example()
    for flow in raw["liabilities"]["cashflows"]:
        flow["fixed"], flow["inflation_linked"] = (
            float(flow[k]) * 1e4 for k in ("fixed", "inflation_linked")
        )
    raw["constraints"] = [c for c in raw["constraints"] if "hedge_ratio" not in c]
    problem = ldi.load_problem(raw)
    result = problem.solve()
    assert result.status is Status.OPTIMAL
    budget = float(sum(float(v) for v in raw["holdings"].values()))
    pv = problem.model.data.assets["pv"]
    assert float(pv @ result.positions) == pytest.approx(budget, rel=1e-6)
    physical = result.instruments["role"].isin(["physical", "financing"])
    assert (result.positions[physical] >= -1e-6 * budget).all()


@pytest.mark.parametrize("weight", [1e15, 1e20])
def test_an_absurd_weight_is_refused_before_any_solve(weight):
    raw = example()
    raw["objective"]["minimize"][1] = {"tracking_error": {"weight": weight}}
    with pytest.raises(ldi.SpecError) as caught:
        ldi.load_problem(raw)
    assert caught.value.path == "objective.minimize[1].tracking_error.weight"
    assert "between 1e-06 and 1e+06" in str(caught.value)


# --- the scales --------------------------------------------------------------------------------


def test_the_money_scale_stays_within_a_factor_100_of_the_capital():
    problem = ldi.load_problem(with_first_benefit(1e12))
    scales = problem.model.scales
    assert scales.money == pytest.approx(100 * 95e6)
    # Exposure scales no smaller than 1e-4 of the money scale (a duration of a year).
    assert scales.ie01 >= 1e-4 * scales.money
    assert scales.pv01 >= 1e-4 * scales.money


def test_a_usual_scheme_keeps_the_liabilities_as_its_scales():
    problem = ldi.load_problem(example())
    liabilities = problem.model.data.liabilities
    assert problem.model.scales == Scales(
        money=float(liabilities["pv"]),
        pv01=float(liabilities["pv01"]),
        ie01=float(liabilities["ie01"]),
        curvature=float(liabilities["curvature"]),
    )


# --- the checks on the example problems --------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_the_example_optima_pass_every_check(path):
    result = ldi.load_problem(raw_problem(path)).solve()
    assert result.status is Status.OPTIMAL
    table = result.verification
    assert set(OPTIMALITY) <= set(table.index)
    assert "rows" in table.index
    assert table["passed"].all()
    assert (table["residual"] <= TOLERANCE).all()
    assert result.to_dict()["verification"][0]["check"] in table.index


def test_a_solution_moved_off_its_budget_fails_the_row_check():
    problem = ldi.load_problem(example())
    model = problem.model
    result = problem.solve()
    assert result.ok
    compiled = model.compiled
    compiled.z.value = compiled.z.value * (1 + 1e-3)  # every position 0.1% larger
    verdict = verified(model)
    assert not verdict.passed
    failed = verdict.table[~verdict.table["passed"]]
    assert "budget" in failed.index
    assert failed.loc["budget", "kind"] == "row"
    assert failed.loc["budget", "residual"] == pytest.approx(1e-3 * 95e6 / model.scales.money)
    assert "budget" in verdict.message


# --- KKT residuals on a QP solved by hand ------------------------------------------------------


@pytest.mark.parametrize("solver", INSTALLED)
def test_each_solver_s_answer_to_the_hand_qp_has_small_kkt_residuals(solver):
    problem, x = hand_qp()
    answer = solvers.call(problem, solver, {})
    np.testing.assert_allclose(x.value, [1.0, -0.5], atol=1e-5)
    residuals = optimality(answer, objective=float(np.sum((x.value - [2.0, -1.0]) ** 2)))
    assert set(OPTIMALITY + ["objective"]) <= set(residuals)
    assert max(residuals.values()) <= TOLERANCE


@pytest.mark.parametrize("solver", INSTALLED)
def test_wrong_duals_fail_stationarity(solver):
    problem, _ = hand_qp()
    answer = solvers.call(problem, solver, {})
    wrong = verify.conic_form(answer)
    wrong = wrong.with_duals(2.0 * wrong.y + 0.5)
    residuals = verify.residuals(wrong)
    assert residuals["stationarity"] > 1e-2


@pytest.mark.parametrize("solver", INSTALLED)
def test_a_claimed_objective_away_from_the_optimum_fails(solver):
    problem, _ = hand_qp()
    answer = solvers.call(problem, solver, {})
    optimum = 1.0 + 0.25  # (1 − 2)² + (−0.5 + 1)²
    assert optimality(answer, objective=optimum)["objective"] <= TOLERANCE
    assert optimality(answer, objective=optimum + 1e-3)["objective"] > TOLERANCE


@pytest.mark.parametrize("solver", [s for s in ("CLARABEL", "SCS") if s in INSTALLED])
def test_a_second_order_cone_answer_has_small_kkt_residuals(solver):
    # minimize x1 + x2 subject to ‖x‖ <= 1: x = −(1, 1)/√2, the optimum −√2.
    x = cp.Variable(2)
    problem = cp.Problem(cp.Minimize(cp.sum(x)), [cp.norm2(x) <= 1])
    answer = solvers.call(problem, solver, {})
    assert verify.conic_form(answer).soc
    residuals = optimality(answer, objective=-np.sqrt(2.0))
    assert max(residuals.values()) <= TOLERANCE


def test_highs_bound_multipliers_enter_stationarity():
    # minimize −x with 0 <= x <= 2 as a variable bound (HiGHS takes it as a column bound):
    # x = 2, where the bound's multiplier is 1 (the reduced cost −1).
    if "HIGHS" not in INSTALLED:
        pytest.skip("HIGHS is not installed")
    x = cp.Variable(bounds=[0.0, 2.0])
    problem = cp.Problem(cp.Minimize(-x), [x <= 5])
    answer = solvers.call(problem, "HIGHS", {})
    conic = verify.conic_form(answer)
    assert conic.A.shape[0] == 3  # x <= 5, then x <= 2 and −x <= 0 from the bounds
    np.testing.assert_allclose(conic.y, [0.0, 1.0, 0.0], atol=1e-9)
    assert max(optimality(answer, objective=-2.0).values()) <= TOLERANCE


# --- what happens when no answer passes --------------------------------------------------------


def corrupting(solver_name: str, monkeypatch) -> None:
    """Make ``solver_name``'s answers 1% off in every position (as if it had misconverged)."""
    honest = solvers.call

    def call(problem, name, settings):
        answer = honest(problem, name, settings)
        if name == solver_name:
            for variable in problem.variables():
                if variable.name() == "positions" and variable.value is not None:
                    variable.value = variable.value * 1.01
        return answer

    monkeypatch.setattr(solvers, "call", call)


def test_an_answer_that_fails_its_checks_sends_the_problem_to_the_next_solver(monkeypatch):
    corrupting("CLARABEL", monkeypatch)
    raw = example()
    raw["solver"] = {"name": "CLARABEL", "fallback": ["OSQP"], "min_trade_fraction": 0}
    result = ldi.load_problem(raw).solve()
    first, tighter, second = result.solver.attempts
    assert (first.solver, first.status) == ("CLARABEL", "optimal")
    assert "not verified" in first.error
    assert "budget" in first.error
    assert (tighter.solver, tighter.status) == ("CLARABEL", "optimal")
    assert tighter.error.startswith("CLARABEL again with tighter tolerances; not verified")
    assert (second.solver, result.solver.name) == ("OSQP", "OSQP")
    assert result.status is Status.OPTIMAL
    assert result.verification["passed"].all()


def test_an_answer_that_fails_its_checks_is_sought_again_with_tighter_tolerances(monkeypatch):
    honest, calls = solvers.call, []

    def misconverged_once(problem, name, settings):  # the first answer 1% off, then honest
        answer = honest(problem, name, settings)
        calls.append(dict(settings))
        if len(calls) == 1:
            for variable in problem.variables():
                if variable.name() == "positions" and variable.value is not None:
                    variable.value = variable.value * 1.01
        return answer

    monkeypatch.setattr(solvers, "call", misconverged_once)
    raw = example()
    raw["solver"] = {"name": "CLARABEL", "fallback": ["OSQP"], "min_trade_fraction": 0}
    result = ldi.load_problem(raw).solve()
    first, again = result.solver.attempts
    assert "not verified" in first.error
    assert (again.solver, again.error) == ("CLARABEL", "CLARABEL again with tighter tolerances")
    assert calls[1].items() >= solvers.TIGHTER["CLARABEL"].items()
    assert result.status is Status.OPTIMAL
    assert result.verification["passed"].all()


@pytest.mark.parametrize("name", sorted(solvers.TIGHTER))
def test_every_solver_takes_its_tighter_tolerances(name):
    x = cp.Variable(2)
    problem = cp.Problem(cp.Minimize(cp.sum(x)), [x >= 1, x <= 3])
    answer = solvers.call(problem, name, {**solvers.QUIET[name], **solvers.TIGHTER[name]})
    assert answer.status is Status.OPTIMAL
    np.testing.assert_allclose(x.value, [1.0, 1.0], atol=1e-8)


def test_when_no_answer_passes_the_status_is_inaccurate_and_the_failing_rows_are_named(
    monkeypatch,
):
    corrupting("CLARABEL", monkeypatch)
    raw = example()
    raw["solver"] = {"name": "CLARABEL", "fallback": []}
    with pytest.warns(LDIWarning, match="no solver's answer passed"):
        result = ldi.load_problem(raw).solve()
    assert result.status is Status.INACCURATE
    assert result.status.value == "inaccurate"
    assert not result.ok
    assert result.positions.isna().all()
    assert result.diagnosis is not None
    assert result.diagnosis.title == "Not verified"
    assert "budget" in result.diagnosis.table.index
    assert "budget" in result.diagnosis.message
    text = SolveSummary.of(result).as_text()
    assert "Not verified: " in text
    assert "budget" in text
    record = result.to_dict()
    assert record["status"] == "inaccurate"
    assert record["objective_value"] is None
    assert "budget" in [row["check"] for row in record["verification"]]
    with pytest.raises(SolveError, match="budget"):
        result.raise_for_status()


def test_a_false_infeasible_verdict_is_refuted_and_the_next_solver_answers(monkeypatch):
    exact = solvers.status_of
    said = []

    def infeasible_once(raw):
        status = exact(raw)
        if not said and status is Status.OPTIMAL:
            said.append(raw)
            return Status.INFEASIBLE
        return status

    monkeypatch.setattr(solvers, "status_of", infeasible_once)
    raw = example()
    raw["solver"] = {"name": "CLARABEL", "fallback": ["OSQP"], "min_trade_fraction": 0}
    result = ldi.load_problem(raw).solve()
    assert said  # the first answer was turned into "infeasible"
    assert result.status is Status.OPTIMAL
    assert result.solver.name == "OSQP"
    assert [a.solver for a in result.solver.attempts] == ["CLARABEL", "OSQP"]


# --- the paths' cheap check ----------------------------------------------------------------------


def test_the_row_check_is_relative_to_each_row_s_scale():
    problem = ldi.load_problem(example())
    model = problem.model
    assert problem.solve().ok
    verdict = verified(model)
    assert list(verdict.table.index) == ["rows"]
    assert verdict.passed
    labels = [label for term in model.constraints for label in _labels(model, term)]
    assert "budget" in labels


def _labels(model, term) -> list[str]:
    from ldi.optimize.context import NumpyOps

    ops = NumpyOps({k: v.value for k, v in model.compiled.ops.variables.items()})
    rows = term.rows(ops, model.scaled, model.compiled.z.value, model.values(term))
    return [label for row in rows for label in row_labels(row)]


def test_a_path_re_solve_whose_answer_breaks_a_row_goes_to_the_next_solver(monkeypatch):
    raw = example()
    raw["solver"] = {"min_trade_fraction": 0}  # a path's re-solve holds no dust
    problem = ldi.load_problem(raw)
    model = problem.model
    assert problem.solve("OSQP").ok  # the solver's own positions, not the result's snapped ones
    reference = model.compiled.z.value * model.scales.money
    corrupting("CLARABEL", monkeypatch)
    model.solver = SolverOptions("CLARABEL", ("OSQP",))
    np.testing.assert_allclose(solved_positions(model), reference, rtol=1e-9, atol=1e-3)
    model.solver = SolverOptions("CLARABEL", ())
    assert solved_positions(model) is None


def test_run_without_a_check_keeps_the_solver_s_word():
    problem, x = hand_qp()
    outcome = run(problem, ["CLARABEL"])
    assert outcome.status is Status.OPTIMAL
    assert outcome.verdict is None
    np.testing.assert_allclose(x.value, [1.0, -0.5], atol=1e-6)


def test_when_every_solver_fails_the_result_says_why(monkeypatch):
    def broken(problem, name, settings):
        raise cp.SolverError(f"{name} stopped")

    monkeypatch.setattr(solvers, "call", broken)
    raw = example()
    raw["solver"] = {"name": "CLARABEL", "fallback": ["SCS"]}
    result = ldi.load_problem(raw).solve()
    assert result.status is Status.ERROR
    assert result.diagnosis.title == "Solver failure"
    assert list(result.diagnosis.table.index) == ["CLARABEL", "SCS"]
    assert "CLARABEL: CLARABEL stopped; SCS: SCS stopped" in result.diagnosis.message
    assert "Solver failure: no solver gave an answer" in SolveSummary.of(result).as_text()
    record = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert record["diagnosis"]["title"] == "Solver failure"
    assert [row["row"] for row in record["diagnosis"]["rows"]] == ["CLARABEL", "SCS"]
