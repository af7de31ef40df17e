"""Model: compile once with Parameters, re-solve after parameter changes, and build checks.

References: a re-solve after new holdings, new limits or a new liability size is compared
with a fresh build of the edited problem file (a new Problem, a new Model, a new cvxpy
compilation), objective and positions within 1e-6 relative; after new limits the optimum is
flat between the long gilt and the diversified growth fund to the solver's tolerance (moving
3,000 of 1.8e8 between them changes the objective by 2e-7), so positions there are held to
5e-5 of the liabilities' PV. Reuse of the compiled problem is
checked on the objects themselves (the same ``Compiled`` and the same cvxpy parametrized
program, which cvxpy rebuilds whenever it has to recompile). Scaling a problem's
liabilities and holdings by c must scale the optimal positions by c exactly (every term is
homogeneous of degree one in money), checked at c = 1e6 and 1e-6 against the unscaled
solve. A change the compiled problem cannot take (a new parameter shape, a limit added or
dropped, an option compiled as a constant) must raise ModelError and leave the model as it
was, or give the fresh build's answer. Build checks (names, LongOnly, convexity) use
hand-built models on ``two_bonds``, whose optimum is worked out in closed form in the test.
"""

import copy
import re

import numpy as np
import pandas as pd
import pytest

import ldi
from ldi.errors import ModelError, SpecError
from ldi.optimize.data import model_data
from ldi.optimize.model import Model, ObjectiveItem
from ldi.optimize.solve import solve
from ldi.optimize.solvers import Status
from ldi.optimize.terms.allocation import Budget, LongOnly
from ldi.optimize.terms.base import TERMS
from ldi.optimize.terms.funding import RepoCollateral
from ldi.optimize.terms.hedging import HedgeRatio
from ldi.optimize.terms.objectives import Cost, TrackingError, Turnover
from ldi.optimize.terms.risk_limits import MaxTurnover
from tests.optimize.conftest import TIGHT
from tests.reference import DEFAULT_PROBLEM, PROBLEMS, raw_problem

RTOL = 1e-6  # re-solve against fresh build: both solved by the same interior-point solver
FLAT_RTOL = 5e-5  # positions along a direction the objective barely changes (see above)
EXAMPLES = sorted(PROBLEMS.glob("*.yaml"))


def scaled(raw: dict, liabilities: float = 1.0, holdings: float = 1.0) -> dict:
    """``raw`` with its liability cash flows (inline rows) and holdings multiplied."""
    raw = copy.deepcopy(raw)
    rows = pd.read_csv(raw["liabilities"]["cashflows"])
    rows["fixed"] *= liabilities
    rows["inflation_linked"] *= liabilities
    raw["liabilities"]["cashflows"] = rows.to_dict(orient="records")
    raw["holdings"] = {i: float(v) * holdings for i, v in raw["holdings"].items()}
    return raw


def assert_same_solution(
    got, expected, scale: float, rtol: float = RTOL, positions_rtol: float | None = None
) -> None:
    """Same status, objective within ``rtol`` and positions within ``positions_rtol`` x ``scale``.

    ``positions_rtol`` defaults to ``rtol``.
    """
    assert got.status is Status.OPTIMAL
    assert expected.status is Status.OPTIMAL
    assert got.objective_value == pytest.approx(expected.objective_value, rel=rtol)
    tolerance = rtol if positions_rtol is None else positions_rtol
    np.testing.assert_allclose(
        got.positions.to_numpy(),
        expected.positions.to_numpy(),
        rtol=tolerance,
        atol=tolerance * scale,
    )


@pytest.fixture
def raw() -> dict:
    return raw_problem(DEFAULT_PROBLEM)


def liability_pv(problem) -> float:
    return float(problem.liabilities.risk(problem.decision.keys).loc["total", "pv"])


# --- re-solves against fresh builds ----------------------------------------------------------


def test_resolve_with_new_holdings_matches_a_fresh_build(raw):
    problem = ldi.load_problem(raw)
    problem.solve()
    holdings = {i: float(v) for i, v in raw["holdings"].items()}
    holdings.update(GLOBAL_EQUITY=450.0e6, CASH=30.0e6, SONIA_30Y=150.0e6)
    again = problem.resolve(holdings=holdings)

    fresh = ldi.load_problem({**raw, "holdings": holdings}).solve()
    assert_same_solution(again, fresh, liability_pv(problem))
    np.testing.assert_allclose(again.holdings.to_numpy(), fresh.holdings.to_numpy(), rtol=0)


def test_resolve_with_new_limits_matches_a_fresh_build(raw):
    problem = ldi.load_problem(raw)
    problem.solve()
    again = problem.resolve(
        limits={
            "leverage": {"max": 0.7},
            "hedge_ratio[rates]": {"min": 0.97},
            "bounds[growth]": {"max_fraction": 0.40},
            "collateral_buffer": {"yield_rise_bp": 300.0},
        }
    )

    edited = copy.deepcopy(raw)
    edited["constraints"][1] = {"hedge_ratio": {"risk": "rates", "min": 0.97, "max": 1.00}}
    edited["constraints"][3] = {"leverage": {"max": 0.7}}
    edited["constraints"][4] = {
        "bounds": {"group": "growth", "min_fraction": 0.35, "max_fraction": 0.40}
    }
    edited["constraints"][7] = {"collateral_buffer": {"yield_rise_bp": 300, "operational_bp": 100}}
    fresh = ldi.load_problem(edited).solve()
    assert_same_solution(again, fresh, liability_pv(problem), positions_rtol=FLAT_RTOL)
    # The new leverage limit is the one reported, and it binds (the old one did not).
    assert again.constraints.loc["leverage", "bound"] == 0.7
    assert again.constraints.loc["leverage", "value"] == pytest.approx(0.7, rel=1e-5)  # solver tol


def test_resolve_with_a_liability_scale_matches_a_fresh_build(raw):
    # A fresh build of larger liabilities has other scales, so the solver walks another path;
    # the growth assets' split is weakly curved, so it is solved to 1e-12 to compare at RTOL.
    raw["solver"] = {"name": "CLARABEL", "options": {"CLARABEL": TIGHT}}
    problem = ldi.load_problem(raw)
    problem.solve()
    again = problem.resolve(liability_scale=1.1)

    fresh_problem = ldi.load_problem(scaled(raw, liabilities=1.1))
    fresh = fresh_problem.solve()
    assert again.funding_ratio == pytest.approx(fresh.funding_ratio, rel=1e-9)
    assert_same_solution(again, fresh, liability_pv(fresh_problem))


def test_resolve_with_a_liability_scale_weighs_soft_limits_and_impact_as_a_fresh_build(raw):
    # A soft inflation hedge floor that the optimum violates, and a 3/2-power impact cost
    # whose trade size defaults to the liabilities' PV: both depend on the money scale.
    raw["solver"] = {"name": "CLARABEL", "options": {"CLARABEL": TIGHT}}
    raw["constraints"][2] = {
        "hedge_ratio": {"risk": "inflation", "min": 0.95, "max": 1.0, "soft": 0.002}
    }
    raw["objective"]["minimize"][0] = {"transaction_costs": {"weight": 5, "impact": 0.002}}
    problem = ldi.load_problem(raw)
    problem.solve()
    again = problem.resolve(liability_scale=1.1)

    fresh_problem = ldi.load_problem(scaled(raw, liabilities=1.1))
    fresh = fresh_problem.solve()
    assert fresh.hedge_ratios["inflation"] < 0.9  # the soft floor is violated
    pd.testing.assert_frame_equal(
        again.objective[["value", "contribution"]],
        fresh.objective[["value", "contribution"]],
        rtol=RTOL,
    )
    assert_same_solution(again, fresh, liability_pv(fresh_problem))


def test_liability_scale_applies_to_the_original_liabilities_not_the_last_ones(raw):
    problem = ldi.load_problem(raw)
    model = problem.model
    original = model.data.liabilities.copy()
    model.update(liability_scale=2.0)
    model.update(liability_scale=2.0)
    pd.testing.assert_series_equal(model.data.liabilities, original * 2.0)
    model.update(liability_scale=1.0)
    pd.testing.assert_series_equal(model.data.liabilities, original)


# --- compile once ----------------------------------------------------------------------------


def test_resolve_reuses_the_compiled_problem_without_recompiling(raw):
    problem = ldi.load_problem(raw)
    problem.solve()
    compiled = problem.model.compiled
    program = compiled.problem._cache.param_prog
    assert program is not None  # cvxpy kept a parametrized program to reuse

    problem.resolve(holdings={"CASH": 1.2e9})
    problem.resolve(limits={"leverage": {"max": 1.3}, "hedge_ratio[inflation]": {"max": 0.95}})
    problem.resolve(liability_scale=0.9)

    assert problem.model.compiled is compiled
    assert compiled.problem._cache.param_prog is program


def test_compiled_problem_is_dpp_and_carries_the_changing_numbers_as_parameters(raw):
    model = ldi.load_problem(raw).model
    problem = model.compiled.problem
    assert problem.is_dcp(dpp=True)
    assert model.elastic.problem.is_dcp(dpp=True)
    names = {parameter.name() for parameter in problem.parameters()}
    # Liabilities, holdings, limits and the exposures per unit live in parameters, so a
    # re-solve only assigns them.
    for name in (
        "hedge_ratio[rates].low",
        "hedge_ratio[rates].high",
        "hedge_ratio[rates].exposure",
        "leverage.coefficients",
        "budget.capital",
        "budget.pv",
        "transaction_costs.holdings",
        "transaction_costs.per_unit",
        "tracking_error.liability",
        "tracking_error.loadings",
        "tracking_error.specific",
        "key_rate_mismatch.rates_keys",
        "expected_surplus_return.expected_return",
        "collateral_buffer.headroom",
        "bounds[growth].held",
    ):
        assert name in names
    # A cost per unit multiplies |trade|: DPP needs its sign.
    assert model.compiled.parameters["transaction_costs"]["per_unit"].is_nonneg()


def test_update_assigns_new_parameter_values(raw):
    model = ldi.load_problem(raw).model
    parameters = model.compiled.parameters
    low = float(parameters["hedge_ratio[rates]"]["low"].value)
    model.update(liability_scale=1.5, limits={"leverage": {"max": 1.25}})
    # The limit multiplies each physical asset's value per unit in the row's coefficients.
    physical = (model.data.assets["role"] == "physical").to_numpy()
    np.testing.assert_allclose(
        parameters["leverage"]["coefficients"].value[physical],
        -1.25 * model.data.assets["pv"].to_numpy()[physical],
        rtol=1e-15,
    )
    # The bound min x L is in units fixed at compile time: it scales with the liabilities.
    assert float(parameters["hedge_ratio[rates]"]["low"].value) == pytest.approx(
        1.5 * low, rel=1e-14
    )


# --- changes a compiled problem cannot take --------------------------------------------------


def parameter_values(model) -> dict[str, np.ndarray]:
    return {
        f"{term}.{key}": np.array(parameter.value)
        for term, parameters in model.compiled.parameters.items()
        for key, parameter in parameters.items()
    }


@pytest.mark.parametrize(
    ("path", "limits"),
    [
        # the period count, so the shape of the liability outgo, changes
        (PROBLEMS / "insurer_annuity_book.yaml", {"cashflow_matching": {"horizon": 30}}),
        # a limit that was not set when the problem was built
        (DEFAULT_PROBLEM, {"bounds[CASH]": {"max_fraction": 0.5}}),
        # a limit removed
        (DEFAULT_PROBLEM, {"hedge_ratio[rates]": {"max": None}}),
    ],
    ids=["new_shape", "new_limit", "dropped_limit"],
)
def test_structural_change_raises_model_error_and_leaves_the_model_as_it_was(path, limits):
    problem = ldi.load_problem(raw_problem(path))
    before = problem.solve()
    model = problem.model
    terms, values = model.terms, parameter_values(model)

    with pytest.raises(ModelError, match="new model"):
        problem.resolve(limits=limits)

    assert model.terms == terms
    assert_as_it_was(problem, values, before)


def assert_as_it_was(problem, values: dict[str, np.ndarray], before) -> None:
    """The problem's model has its parameter ``values`` and solves as ``before`` did."""
    after = parameter_values(problem.model)
    assert after.keys() == values.keys()
    for key, value in values.items():
        np.testing.assert_array_equal(after[key], value, err_msg=key)
    again = problem.solve()
    assert again.objective_value == pytest.approx(before.objective_value, rel=1e-12)


@pytest.mark.parametrize(
    ("limits", "entry", "replacement"),
    [
        (
            {"key_rate_mismatch": {"weights": {30: 10.0}}},
            ("minimize", 2),
            {
                "key_rate_mismatch": {
                    "hedge_ratio": 0.975,
                    "inflation_hedge_ratio": 0.85,
                    "weight": 0.2,
                    "weights": {30: 10.0},
                }
            },
        ),
        (
            {"transaction_costs": {"cost_bp": {"bond": 30.0}}},
            ("minimize", 0),
            {"transaction_costs": {"weight": 5, "cost_bp": {"bond": 30.0}}},
        ),
    ],
    ids=["key_rate_weights", "cost_bp"],
)
def test_changing_a_compiled_constant_raises_or_matches_a_fresh_build(
    raw, limits, entry, replacement
):
    # Options built into the compiled problem as constants must not be silently ignored.
    problem = ldi.load_problem(raw)
    problem.solve()
    try:
        again = problem.resolve(limits=limits)
    except ModelError as error:
        again, refusal = None, str(error)
    if again is None:
        assert "new model" in refusal
        return
    edited = copy.deepcopy(raw)
    edited["objective"][entry[0]][entry[1]] = replacement
    fresh = ldi.load_problem(edited).solve()
    assert_same_solution(again, fresh, liability_pv(problem))


def test_unknown_term_name_in_limits_raises_spec_error_listing_the_names(raw):
    problem = ldi.load_problem(raw)
    with pytest.raises(
        SpecError, match=r"resolve: no term named 'leverage_limit'; expected one of \["
    ) as error:
        problem.resolve(limits={"leverage_limit": {"max": 2.0}})
    assert "'leverage'" in str(error.value)
    assert "'hedge_ratio[rates]'" in str(error.value)
    assert error.value.path == "leverage_limit"


def test_invalid_limit_value_raises_spec_error_naming_the_option(raw):
    problem = ldi.load_problem(raw)
    need = "max: got -1.0; expected a leverage (notional per unit of capital) in [0, 100]"
    with pytest.raises(SpecError, match=re.escape(need)):
        problem.resolve(limits={"leverage": {"max": -1.0}})


# --- scaling -----------------------------------------------------------------------------


@pytest.mark.parametrize("factor", [1e6, 1e-6])
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_scaling_liabilities_and_holdings_scales_the_positions(path, factor):
    raw = raw_problem(path)
    # Up to 1e6 times, keeping every holding within the 1e15 limit of money amounts.
    factor = min(factor, 1e14 / max(abs(float(v)) for v in raw["holdings"].values()))
    base_problem = ldi.load_problem(scaled(raw))
    base = base_problem.solve()
    big = ldi.load_problem(scaled(raw, liabilities=factor, holdings=factor)).solve()

    # Well conditioned: the first solver answers, with the same precision at any size.
    assert big.status is Status.OPTIMAL
    assert len(big.solver.attempts) == 1
    assert big.objective_value == pytest.approx(factor * base.objective_value, rel=1e-8)
    scale = liability_pv(base_problem)
    np.testing.assert_allclose(
        big.positions.to_numpy() / factor, base.positions.to_numpy(), rtol=1e-8, atol=1e-8 * scale
    )
    assert big.funding_ratio == pytest.approx(base.funding_ratio, rel=1e-10)
    assert big.hedge_ratios["rates"] == pytest.approx(base.hedge_ratios["rates"], rel=1e-8)


# --- building --------------------------------------------------------------------------------


def test_duplicate_term_names_are_rejected(two_bonds):
    taken = "constraints[1].budget: name 'budget' is already used by constraints[0].budget"
    with pytest.raises(SpecError, match=re.escape(taken)) as caught:
        Model(two_bonds, [ObjectiveItem(Cost())], [Budget(), Budget()])
    assert caught.value.path == "constraints[1].budget"
    # An objective term and a constraint with the same name clash too ...
    taken = "constraints[0].turnover: name 'limit' is already used by objective.minimize[0]"
    with pytest.raises(SpecError, match=re.escape(taken)):
        Model(
            two_bonds, [ObjectiveItem(Turnover(name="limit"))], [MaxTurnover(max=0.5, name="limit")]
        )
    # ... and names that differ are fine.
    model = Model(two_bonds, [ObjectiveItem(Turnover())], [MaxTurnover(max=0.5, name="cap")])
    names = [t.name for t in model.terms]
    assert len(names) == len(set(names))


def test_model_needs_an_objective(two_bonds):
    with pytest.raises(SpecError, match=re.escape("objective: no terms")):
        Model(two_bonds, [], [Budget()])


def test_long_only_and_repo_collateral_are_added_by_default_and_not_twice(two_bonds):
    model = Model(two_bonds, [ObjectiveItem(Cost())], [Budget()])
    assert [type(c) for c in model.constraints] == [Budget, LongOnly, RepoCollateral]
    given = LongOnly(exclude=("SHORT",))
    pledges = RepoCollateral(soft=10.0)
    model = Model(two_bonds, [ObjectiveItem(Cost())], [given, Budget(), pledges])
    assert model.constraints == (given, Budget(), pledges)


def test_default_long_only_binds_and_exclude_lets_a_position_go_short(two_bonds):
    # Budget x_S + x_L = 100 and PV01 5e-4 x_S + 2e-3 x_L >= 2 x 0.12: long only, the best
    # is x_L = 100 (PV01 0.2 < 0.24), infeasible. With SHORT allowed short, the hedge needs
    # 0.05 + 1.5e-3 x_L >= 0.24, x_L >= 126.67; the least turnover |x_S - 60| + |x_L - 40|
    # = 2 (x_L - 40) is at that bound: x_L = 380/3, x_S = -80/3.
    objective = [ObjectiveItem(Turnover())]
    hedge = HedgeRatio(min=2.0)
    assert solve(Model(two_bonds, objective, [Budget(), hedge])).status is Status.INFEASIBLE

    result = solve(Model(two_bonds, objective, [Budget(), hedge, LongOnly(exclude=("SHORT",))]))
    assert result.status is Status.OPTIMAL
    np.testing.assert_allclose(result.positions.to_numpy(), [-80 / 3, 380 / 3], rtol=1e-7)
    assert result.objective_value == pytest.approx(2 * (380 / 3 - 40), rel=1e-7)


def test_a_maximized_convex_term_is_rejected_as_not_concave(two_bonds):
    with pytest.raises(ModelError, match=re.escape("objective is not concave (DCP)")):
        _ = Model(two_bonds, [ObjectiveItem(TrackingError(), maximize=True)]).compiled


def test_model_from_a_problem_uses_its_decision(raw):
    problem = ldi.load_problem(raw)
    model = problem.model
    decision = problem.decision
    assert model is problem.model  # built once
    assert [item.term for item in model.objective] == [item.term for item in decision.objective]
    assert model.constraints[: len(decision.constraints)] == decision.constraints
    assert [type(c) for c in model.constraints[len(decision.constraints) :]] == [
        LongOnly,
        RepoCollateral,
    ]
    expected = model_data(problem, decision.keys, decision.risk_model, decision.groups)
    pd.testing.assert_frame_equal(model.data.assets, expected.assets)
    assert model.paths["leverage"] == "constraints[3].leverage"


def test_a_resolve_that_would_put_a_minimum_above_its_maximum_is_refused(raw):
    problem = ldi.load_problem(raw)
    before = problem.solve()
    with pytest.raises(SpecError, match=r"max_fraction.*got 0\.3.*max_fraction >= min_fraction"):
        problem.resolve(limits={"bounds[growth]": {"max_fraction": 0.3}})  # its min is 0.35
    again = problem.resolve()
    np.testing.assert_allclose(again.positions, before.positions, rtol=1e-9, atol=1e-3)


def test_an_option_the_term_does_not_have_is_named_apart_from_one_it_cannot_change(raw):
    problem = ldi.load_problem(raw)
    with pytest.raises(SpecError) as error:
        problem.resolve(limits={"hedge_ratio[rates]": {"minimum": 0.9}})
    assert str(error.value) == (
        "resolve: hedge_ratio[rates]: no option ['minimum']; expected options of the term, "
        "['name', 'soft', 'risk', 'min', 'max', 'bucket', 'basis', 'index'], of which a re-solve "
        "may change ['max', 'min']"
    )
    assert error.value.path == "hedge_ratio[rates].minimum"


def test_a_refused_new_limit_is_named_by_its_term_and_leaves_the_model_as_it_was(raw):
    problem = ldi.load_problem(raw)
    before = problem.solve()
    with pytest.raises(SpecError) as error:
        problem.resolve(limits={"hedge_ratio[rates]": {"min": -1.0}})
    assert str(error.value).startswith("resolve: hedge_ratio[rates].min: got -1.0; expected ")
    assert error.value.path == "hedge_ratio[rates].min"
    after = problem.solve()
    assert after.objective_value == pytest.approx(before.objective_value, rel=1e-9)


# --- checking without compiling ---------------------------------------------------------------


def outcome(call) -> str:
    """What ``call`` raises, as type and message ("ok" if nothing)."""
    try:
        call()
    except (ModelError, SpecError) as error:
        return f"{type(error).__name__}: {error}"
    return "ok"


@pytest.mark.parametrize("kind", sorted(TERMS["objective"]))
@pytest.mark.parametrize("maximize", [False, True])
def test_each_objective_term_checks_its_sense_as_compiling_does(raw, kind, maximize):
    """Only affine terms (cost, expected surplus return) may be maximized, in both paths.

    Reference: cvxpy's DCP analysis in ``compile``, which ``check`` does not run; CVaR's
    auxiliary variables would pass it maximized, so both refuse it by its declaration.
    """
    data = ldi.load_problem(raw).model.data
    term = TERMS["objective"][kind]()

    def model():
        return Model(data, [ObjectiveItem(term, maximize=maximize)], ())

    checked, compiled = outcome(model().check), outcome(model().compile)
    assert checked == compiled
    assert (checked == "ok") == (not maximize or term.affine)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            {"constraints": [{"long_only": {"exclude": ["NOPE"]}}]},
            r"^constraints\[0\]\.long_only\.exclude: got \('NOPE',\); expected instrument ids",
        ),
        (
            {"constraints": [{"hedge_ratio": {"risk": "rates", "min": 0.9, "bucket": [7.5]}}]},
            r"^constraints\[0\]\.hedge_ratio\.bucket: got \(7\.5,\); expected key tenors among",
        ),
        (
            {"constraints": [{"collateral_buffer": {"scenarios": ["no_such_scenario"]}}]},
            r"^constraints\[0\]\.collateral_buffer\.scenarios: .*expected scenario names among",
        ),
    ],
)
def test_a_term_naming_what_the_data_lacks_fails_the_check_as_it_fails_compiling(
    raw, edit, message
):
    """``ldi validate`` builds terms in numbers (no cvxpy): the same errors as compiling."""
    problem = ldi.load_problem({**raw, **edit})
    checked = outcome(problem.model.check)
    assert checked == outcome(ldi.load_problem({**raw, **edit}).model.compile)
    assert re.search(message, checked.removeprefix("SpecError: "))
