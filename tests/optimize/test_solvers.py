"""Solver choice, fall-back and cross-solver agreement.

Default order: the problem class is set by hand in each test (a pure LP, a QP, an SOCP), and
the first solver must be HiGHS, Clarabel and Clarabel. Fall-back: a first solver that cannot
answer (SCS or OSQP stopped after one iteration, a solver that is not installed) must be
recorded in ``result.solver.attempts`` with its reason, and the result must be the next
solver's, equal to that solver's own solve. HiGHS writes a banner to the process's stdout
unless silenced: ``capfd`` reads file descriptor 1 itself.

Cross-solver (the reference is Clarabel, an interior-point solver run to its default 1e-8
tolerances): SCS (eps 1e-9), HiGHS (LPs and QPs) and OSQP (QPs, eps 1e-9) must agree on every
example problem within objective 1e-4 relative, hedge and funding ratios 1e-4 absolute and
positions 1e-4 of the liabilities' PV. These tolerances are loose on purpose: first-order
solvers (SCS, OSQP) stop at 1e-9 residuals in scaled units but their objective can still
move by more near a flat optimum.
"""

import copy
import warnings

import cvxpy as cp
import numpy as np
import pytest

import ldi
from ldi.errors import SpecError
from ldi.optimize import solvers
from ldi.optimize.data import model_data
from ldi.optimize.model import Model, SolverOptions
from ldi.optimize.solve import solve
from ldi.optimize.solvers import Status, default_order, is_linear, run, status_of
from tests.reference import DEFAULT_PROBLEM, PROBLEMS, raw_problem

EXAMPLES = sorted(PROBLEMS.glob("*.yaml"))
INSTALLED = set(cp.installed_solvers())
OBJECTIVE_RTOL = 1e-4
RATIO_ATOL = 1e-4
POSITION_RTOL = 1e-4  # of the liabilities' PV


def needs(*solvers: str) -> None:
    missing = [s for s in solvers if s not in INSTALLED]
    if missing:
        pytest.skip(f"solver(s) {missing} not installed")


def rebuilt(problem, options: SolverOptions) -> Model:
    """The problem's model with other solver options."""
    d = problem.decision
    data = model_data(problem, d.keys, d.risk_model, d.groups)
    return Model(data, d.objective, d.constraints, options, d.paths)


# --- default order ---------------------------------------------------------------------------


def test_default_order_by_problem_class_on_hand_built_problems():
    x = cp.Variable(3)
    lp = cp.Problem(cp.Minimize(cp.sum(x) + cp.norm1(x)), [x >= -1, cp.sum(x) == 1])
    qp = cp.Problem(cp.Minimize(cp.sum_squares(x) + cp.sum(x)), [x >= 0])
    socp = cp.Problem(cp.Minimize(cp.sum(x)), [cp.norm2(x - 1) <= 0.5])
    assert is_linear(lp)
    assert not is_linear(qp)
    assert not is_linear(socp)
    assert default_order(lp) == ["HIGHS", "CLARABEL", "SCS"]
    assert default_order(qp) == ["CLARABEL", "OSQP", "SCS"]
    assert default_order(socp) == ["CLARABEL", "SCS"]


def test_lp_example_is_solved_by_highs_first():
    needs("HIGHS")
    problem = ldi.load_problem(raw_problem(PROBLEMS / "insurer_annuity_book.yaml"))
    result = problem.solve()
    assert is_linear(problem.model.compiled.problem)
    assert result.solver.name == "HIGHS"
    assert [a.solver for a in result.solver.attempts] == ["HIGHS"]


def test_qp_example_is_solved_by_clarabel_first():
    needs("CLARABEL")
    problem = ldi.load_problem(raw_problem(DEFAULT_PROBLEM))
    result = problem.solve()
    assert problem.model.compiled.problem.is_qp()
    assert result.solver.name == "CLARABEL"
    assert [a.solver for a in result.solver.attempts] == ["CLARABEL"]


def test_socp_with_surplus_volatility_is_solved_by_clarabel_first():
    needs("CLARABEL")
    raw = raw_problem(DEFAULT_PROBLEM)
    raw["constraints"].append({"surplus_volatility": {"max": 0.2}})
    problem = ldi.load_problem(raw)
    result = problem.solve()
    compiled = problem.model.compiled.problem
    assert not compiled.is_qp()
    assert default_order(compiled) == ["CLARABEL", "SCS"]
    assert result.status is Status.OPTIMAL
    assert result.solver.name == "CLARABEL"


def test_a_named_solver_goes_first_and_the_rest_follow_the_default():
    assert SolverOptions("SCS").order(["CLARABEL", "OSQP", "SCS"]) == ["SCS", "CLARABEL", "OSQP"]
    assert SolverOptions("SCS", ("OSQP",)).order(["CLARABEL", "SCS"]) == ["SCS", "OSQP"]
    assert SolverOptions(None, ("OSQP",)).order(["CLARABEL", "SCS"]) == ["OSQP"]
    assert SolverOptions().order(["HIGHS", "CLARABEL"]) == ["HIGHS", "CLARABEL"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("optimal", Status.OPTIMAL),
        ("optimal_inaccurate", Status.INACCURATE),
        ("infeasible", Status.INFEASIBLE),
        ("infeasible_inaccurate", Status.INFEASIBLE),
        ("unbounded", Status.UNBOUNDED),
        ("unbounded_inaccurate", Status.UNBOUNDED),
        ("user_limit", Status.ERROR),
        ("solver_error", Status.ERROR),
        (None, Status.ERROR),
    ],
)
def test_status_of_cvxpy_statuses(raw, expected):
    assert status_of(raw) is expected


# --- fall-back ---------------------------------------------------------------------------


def test_scs_stopped_after_one_iteration_falls_back_to_clarabel():
    needs("SCS", "CLARABEL")
    raw = raw_problem(DEFAULT_PROBLEM)
    reference = ldi.load_problem(raw).solve("CLARABEL")
    edited = copy.deepcopy(raw)
    edited["solver"] = {"name": "SCS", "options": {"SCS": {"max_iters": 1}}}
    result = ldi.load_problem(edited).solve()

    first, again, second = result.solver.attempts  # SCS, SCS with tighter tolerances
    assert first.solver == again.solver == "SCS"
    assert status_of(first.status) not in (Status.OPTIMAL, Status.INFEASIBLE, Status.UNBOUNDED)
    assert "inaccurate" in first.error.lower()  # the reason is kept
    assert again.error.startswith("SCS again with tighter tolerances")
    assert (second.solver, second.status) == ("CLARABEL", "optimal")
    assert result.solver.name == "CLARABEL"
    assert result.status is Status.OPTIMAL
    # The answer is Clarabel's own, not SCS's first iterate.
    np.testing.assert_allclose(result.positions, reference.positions, rtol=1e-9, atol=1e-3)
    assert result.objective_value == pytest.approx(reference.objective_value, rel=1e-12)


def test_osqp_stopped_after_one_iteration_falls_back_with_its_reason():
    needs("OSQP", "CLARABEL")
    problem = ldi.load_problem(raw_problem(DEFAULT_PROBLEM))
    options = SolverOptions("OSQP", ("CLARABEL",), {"OSQP": {"max_iter": 1}})
    result = solve(rebuilt(problem, options))
    first, second = result.solver.attempts  # no answer to check: no retry
    assert (first.solver, first.status) == ("OSQP", "user_limit")
    assert first.error  # cvxpy's warning is recorded as the reason
    assert (second.solver, second.status) == ("CLARABEL", "optimal")
    assert result.solver.name == "CLARABEL"
    assert result.ok


def test_a_solver_that_is_not_installed_is_recorded_and_skipped():
    needs("CLARABEL")
    assert "NOT_A_SOLVER" not in INSTALLED
    problem = ldi.load_problem(raw_problem(DEFAULT_PROBLEM))
    result = solve(rebuilt(problem, SolverOptions("NOT_A_SOLVER", ("CLARABEL",))))
    first, second = result.solver.attempts
    assert (first.solver, first.status, first.time_s) == ("NOT_A_SOLVER", "not installed", 0.0)
    assert second.solver == "CLARABEL"
    assert result.solver.name == "CLARABEL"
    assert result.ok


def inaccurate_run():
    """SCS stopped after two iterations on a tiny QP: an inaccurate answer and nothing else."""
    needs("SCS")
    x = cp.Variable(2)
    problem = cp.Problem(cp.Minimize(cp.sum_squares(x - np.array([1.0, 2.0]))), [x >= 0])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        status, info, _ = run(problem, ["SCS"], {"SCS": {"max_iters": 2}})
    if info.attempts[0].status != "optimal_inaccurate":
        pytest.skip(f"SCS stopped with {info.attempts[0].status} on this build")
    return x, status, info, caught


def test_when_every_solver_is_inaccurate_the_closest_answer_is_kept():
    x, status, info, _ = inaccurate_run()
    assert status is Status.INACCURATE
    assert info.name == "SCS"
    assert info.attempts[0].error  # cvxpy's warning is recorded on the attempt
    assert x.value is not None


def test_an_inaccurate_answer_lets_no_raw_cvxpy_warning_escape():
    *_, caught = inaccurate_run()
    raw = [w for w in caught if "Solution may be inaccurate" in str(w.message)]
    assert raw == []


def test_nothing_to_try_is_an_error_not_an_exception():
    x = cp.Variable()
    status, info, _ = run(cp.Problem(cp.Minimize(x), [x >= 1]), ["NOT_A_SOLVER"])
    assert status is Status.ERROR
    assert info.attempts[0].status == "not installed"


def test_infeasible_is_an_answer_and_stops_the_fallback():
    needs("CLARABEL", "SCS")
    x = cp.Variable()
    status, info, _ = run(cp.Problem(cp.Minimize(x), [x >= 1, x <= 0]), ["CLARABEL", "SCS"])
    assert status is Status.INFEASIBLE
    assert [a.solver for a in info.attempts] == ["CLARABEL"]


# --- HiGHS is silent -------------------------------------------------------------------------


def test_highs_prints_nothing_to_stdout(capfd):
    needs("HIGHS")
    problem = ldi.load_problem(raw_problem(PROBLEMS / "insurer_annuity_book.yaml"))
    capfd.readouterr()
    result = problem.solve()
    assert result.solver.name == "HIGHS"
    again = problem.resolve(limits={"bounds[credit]": {"max_fraction": 0.3}})
    assert again.solver.name == "HIGHS"
    out, _ = capfd.readouterr()
    assert out == ""


def test_highs_on_a_qp_prints_nothing_to_stdout(capfd):
    needs("HIGHS")
    problem = ldi.load_problem(raw_problem(DEFAULT_PROBLEM))
    capfd.readouterr()
    result = problem.solve("HIGHS")
    out, _ = capfd.readouterr()
    assert out == ""
    assert result.solver.attempts[0].solver == "HIGHS"


def test_stdout_still_works_after_a_highs_solve(capfd):
    needs("HIGHS")
    ldi.load_problem(raw_problem(PROBLEMS / "insurer_annuity_book.yaml")).solve()
    capfd.readouterr()
    print("after")
    out, _ = capfd.readouterr()
    assert out == "after\n"


# --- cross-solver agreement ------------------------------------------------------------------


@pytest.fixture(scope="module")
def clarabel_answers():
    """Reference results (Clarabel) of every example problem, by file stem."""
    if "CLARABEL" not in INSTALLED:
        pytest.skip("CLARABEL (the reference solver) is not installed")
    answers = {}
    for path in EXAMPLES:
        problem = ldi.load_problem(raw_problem(path))
        answers[path.stem] = (problem, problem.solve("CLARABEL"))
    return answers


def applicable(problem, solver: str) -> bool:
    compiled = problem.model.compiled.problem
    if solver == "HIGHS":
        return is_linear(compiled) or compiled.is_qp()
    if solver == "OSQP":
        return compiled.is_qp()
    return True


@pytest.mark.parametrize("solver", ["SCS", "HIGHS", "OSQP"])
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_solvers_agree_with_clarabel_on_every_example(clarabel_answers, path, solver):
    needs(solver)
    reference_problem, reference = clarabel_answers[path.stem]
    if not applicable(reference_problem, solver):
        pytest.skip(f"{solver} does not take {path.stem}'s problem class")
    assert reference.status is Status.OPTIMAL
    assert reference.solver.name == "CLARABEL"

    result = ldi.load_problem(raw_problem(path)).solve(solver)
    assert result.solver.name == solver  # no fall-back: this is the solver's own answer
    assert result.status is Status.OPTIMAL
    assert result.objective_value == pytest.approx(reference.objective_value, rel=OBJECTIVE_RTOL)
    for risk, value in reference.hedge_ratios.items():
        if np.isnan(value):
            assert np.isnan(result.hedge_ratios[risk])
        else:
            assert result.hedge_ratios[risk] == pytest.approx(value, abs=RATIO_ATOL)
    assert result.funding_ratio == pytest.approx(reference.funding_ratio, abs=RATIO_ATOL)
    pv = float(
        reference_problem.liabilities.risk(reference_problem.decision.keys).loc["total", "pv"]
    )
    np.testing.assert_allclose(
        result.positions.to_numpy(), reference.positions.to_numpy(), rtol=0, atol=POSITION_RTOL * pv
    )


def test_a_solver_ending_without_an_answer_is_a_failed_attempt_and_falls_back(monkeypatch):
    # HiGHS can end with status "unknown" (e.g. when it cannot compute an infeasible LP's
    # dual ray); cvxpy then raises ValueError("Cannot unpack invalid solution ...").
    needs("HIGHS", "CLARABEL")
    x = cp.Variable()
    problem = cp.Problem(cp.Minimize(x), [x >= 1])
    call = solvers.call

    def unknown_under_highs(problem, name, settings):
        if name == "HIGHS":
            raise ValueError("Cannot unpack invalid solution: Solution(status=UNKNOWN)")
        return call(problem, name, settings)

    monkeypatch.setattr(solvers, "call", unknown_under_highs)
    status, info, _ = run(problem, ["HIGHS", "CLARABEL"])
    assert status is Status.OPTIMAL
    first, second = info.attempts
    assert (first.solver, first.status) == ("HIGHS", "solver_error")
    assert "Cannot unpack invalid solution" in first.error
    assert (second.solver, info.name) == ("CLARABEL", "CLARABEL")
    assert x.value == pytest.approx(1.0, abs=1e-7)


# --- solver options ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("solver", "options", "key"),
    [
        ("CLARABEL", {"max_itr": 500}, "max_itr"),
        ("CLARABEL", {"max_iter": "many"}, "max_iter"),
        ("CLARABEL", {"max_iter": -1}, "max_iter"),  # OverflowError in its binding
        ("OSQP", {"max_iter": 1.5}, "max_iter"),
        ("OSQP", {"eps_abs": 1e-9, "polishing": "yes"}, "polishing"),
        ("SCS", {"max_iters": "many"}, "max_iters"),
        ("HIGHS", {"no_such_option": 1}, "no_such_option"),
    ],
)
def test_an_option_the_solver_refuses_is_a_spec_error_naming_its_key(solver, options, key):
    needs(solver)
    with pytest.raises(SpecError) as caught:
        SolverOptions(options={solver: options})
    assert caught.value.path == f"solver.options.{solver}.{key}"
    value = options[key]
    assert str(caught.value).startswith(
        f"solver.options.{solver}.{key}: got {value!r}; {solver} refuses it ("
    )


@pytest.mark.parametrize("key", ["verbose", "warm_start"])
def test_options_that_ldi_sets_itself_are_refused(key):
    with pytest.raises(SpecError) as caught:
        SolverOptions(options={"CLARABEL": {key: True}})
    assert caught.value.path == f"solver.options.CLARABEL.{key}"
    assert "ldi sets it" in str(caught.value)


def test_options_each_solver_takes_are_accepted():
    options = {
        "CLARABEL": {"max_iter": 500, "tol_feas": 1e-9},
        "OSQP": {"max_iter": 1000, "polishing": True},
        "SCS": {"max_iters": 1000, "eps_abs": 1e-8},
        "HIGHS": {"time_limit": 10.0, "presolve": "on"},
    }
    installed = {name: o for name, o in options.items() if name in INSTALLED}
    assert SolverOptions(options=installed).options == installed


def test_wrong_options_in_a_problem_file_are_refused_when_it_is_loaded():
    raw = raw_problem(DEFAULT_PROBLEM)
    raw["solver"] = {"name": "CLARABEL", "options": {"clarabel": {"max_itr": 5}}}
    with pytest.raises(SpecError) as caught:
        ldi.load_problem(raw)
    assert caught.value.path == "solver.options.CLARABEL.max_itr"


def test_an_option_that_fails_when_solving_is_a_failed_attempt_and_the_next_solver_runs():
    # Options given to run() directly are not checked beforehand: the solver's own error
    # (a TypeError from Clarabel) is the attempt's, and the next solver answers.
    needs("CLARABEL", "SCS")
    x = cp.Variable()
    problem = cp.Problem(cp.Minimize(x), [x >= 1])
    status, info, _ = run(problem, ["CLARABEL", "SCS"], {"CLARABEL": {"max_itr": 5}})
    assert status is Status.OPTIMAL
    first, second = info.attempts
    assert (first.solver, first.status) == ("CLARABEL", "solver_error")
    assert "max_itr" in first.error
    assert (second.solver, info.name) == ("SCS", "SCS")
    assert x.value == pytest.approx(1.0, abs=1e-6)
