"""Model.update(data=...): a new state of the same instruments, solved without recompiling.

Every number a term takes from the data is a cvxpy Parameter, so one compiled problem
serves another state of the book (a projection's year-end on each path). References:

- the problem cvxpy hands the solver: after ``update(data=B')``, a model compiled on A must
  give the matrices and vectors (``get_problem_data``) of a model built on B' directly with
  A's scales, on a problem holding every term kind (soft and hard rows, initial margin,
  CVaR, cash-flow matching), and likewise its elastic form (infeasibility diagnosis). A
  per-unit number left in a formula as a constant keeps A's value there, so this finds it
  without a solver. B' is B with every per-unit number of every instrument (exposures,
  loadings, specific risk, flows, collateral values, the repo's haircut) multiplied by its
  own random factor in [0.9, 1.1]: in a state built from a problem file a unit of a
  physical asset is worth 1, so only aged (here: perturbed) data moves the value per unit.
  The two differ only by the rounding of the same parameter products: 1e-12 of each
  matrix's largest entry;
- a re-solve after ``update(data=B)`` against a fresh build on B (a new Problem from the
  same YAML, a new Model, a new cvxpy compilation), on every example problem: objective
  within 1e-6 relative and positions within 1e-6 of the liabilities' PV. Both are solved by
  Clarabel to 1e-12 (``TIGHT``): at its default tolerances the optimum of the default
  problem is flat enough along the growth assets' split for the two solves, which start
  from other scales, to end 3e-6 of the liabilities' PV apart;
- reuse: the same ``Compiled`` and the same cvxpy parametrized program (cvxpy rebuilds it
  whenever it has to recompile);
- data of other instruments, keys or groups raises a ModelError naming the difference and
  leaves the model as it was (its data, base and every parameter value).

B is the same YAML with every curve rate 50bp higher and every price given 3% lower (so
every instrument's sensitivities, expected return, flows per unit of value, collateral
coefficients and simulated P&L move, and the liabilities' numbers with them) and other
holdings.
"""

import copy
from dataclasses import replace

import cvxpy as cp
import numpy as np
import pandas as pd
import pytest
from scipy import sparse

import ldi
from ldi.errors import ModelError, SpecError
from ldi.liquidity.collateral import CollateralModel
from ldi.optimize.data import Flows, ModelData
from ldi.optimize.model import Model
from ldi.optimize.solvers import Status
from ldi.scenarios import Move
from tests.optimize.conftest import TIGHT
from tests.optimize.test_model import assert_as_it_was
from tests.optimize.test_model import parameter_values as model_parameters
from tests.reference import DEFAULT_PROBLEM, PROBLEMS, raw_problem

EXAMPLES = sorted(PROBLEMS.glob("*.yaml"))
RTOL = 1e-6  # re-solve against a fresh build, both solved to 1e-12
SAME = 1e-12  # the same parameter products, rounded alike (of the largest entry)

# Every term kind, on the default scheme; whether the problem is feasible does not matter
# to the comparison of problem data.
EVERY_TERM = {
    "minimize": [
        {"transaction_costs": {"weight": 5, "impact": 0.001}},
        "tracking_error",
        {"key_rate_mismatch": {"hedge_ratio": 0.975, "weights": {30: 2.0}}},
        {"turnover": {"weight": 0.001, "roles": ["physical"]}},
        {"cost": {"weight": 0.01}},
        {"cvar": {"scenarios": 200, "weight": 0.1}},
    ],
    "maximize": [{"expected_surplus_return": {"weight": 0.5}}],
}
EVERY_CONSTRAINT = [
    "budget",
    {"hedge_ratio": {"risk": "rates", "min": 0.95, "max": 1.00}},
    {"hedge_ratio": {"risk": "inflation", "bucket": [20, 30], "min": 0.5, "soft": 0.1}},
    {"key_rate_tolerance": {"risk": "rates", "max": 400000}},
    {"key_rate_tolerance": {"risk": "inflation", "fraction": 0.5, "soft": 0.01}},
    {"duration_match": {"tolerance": 3.0, "soft": 0.01}},
    {"redington": {"match_pv": False, "soft": 0.01}},
    {
        "cashflow_matching": {
            "reinvestment_rate": 0.02,
            "borrowing_rate": 0.06,
            "borrowing_limit": 5.0e7,
            "horizon": 10,
            "soft": 0.01,
        }
    },
    {"bounds": {"group": "growth", "min_fraction": 0.35, "max_fraction": 0.45}},
    {"bounds": {"instrument": "CASH", "min_fraction": 0.02, "max": 2.0e8}},
    {"bounds": {"instruments": ["CREDIT_AA_2035", "CREDIT_A_2040"], "max_fraction": 0.1}},
    {"leverage": {"max": 1.5}},
    {"turnover": {"max": 0.5}},
    {"surplus_volatility": {"max": 0.2}},
    {"expected_return": {"min": 0.01}},
    {"expected_surplus_return": {"min": -0.05}},
    {"collateral_buffer": {"yield_rise_bp": 250, "operational_bp": 100}},
    {"liquidity_coverage": {"months": 12, "yield_rise_bp": 250, "soft": 0.01}},
    {"cvar": {"max": 0.5, "scenarios": 200}},
    {"repo_collateral": {"soft": 0.5}},
]


def shifted(raw: dict, bp: float = 50.0) -> dict:
    """``raw`` with every rate of every curve ``bp`` higher (a wedge curve moves with its base)."""
    raw = copy.deepcopy(raw)
    for curve in raw["curves"].values():
        if "rates" in curve:
            curve["rates"] = [rate + bp * 1e-4 for rate in curve["rates"]]
    return raw


def other_state(raw: dict) -> dict:
    """Curves 50bp higher, prices 3% lower, other holdings (the first halved, the rest +10%).

    A bond with a price keeps its yield when only the curves move (its spread takes the
    move), so its prices move too.
    """
    other = shifted(raw)
    for instrument in other["instruments"]:
        if "price" in instrument:
            instrument["price"] *= 0.97
    first = next(iter(raw["holdings"]))
    other["holdings"] = {
        i: float(v) * (0.5 if i == first else 1.1) for i, v in raw["holdings"].items()
    }
    return other


def tight(raw: dict) -> dict:
    raw = copy.deepcopy(raw)
    raw["solver"] = {"name": "CLARABEL", "options": {"CLARABEL": TIGHT}}
    return raw


def every_term() -> dict:
    raw = raw_problem(DEFAULT_PROBLEM)
    raw["objective"] = copy.deepcopy(EVERY_TERM)
    raw["constraints"] = copy.deepcopy(EVERY_CONSTRAINT)
    raw["collateral"]["initial_margin"] = {"interest_rate_swap": 0.02}
    raw["collateral"]["initial_margin_shock_bp"] = 100
    return raw


def perturbed(data: ModelData, seed: int = 1) -> ModelData:
    """``data`` with every per-unit number of each instrument times a factor in [0.9, 1.1].

    Exposure columns, loadings and specific risk each get their own factors; the flows and
    collateral values of one instrument share one (they are one revaluation).
    """
    rng = np.random.default_rng(seed)

    def factors(shape: tuple[int, ...]) -> np.ndarray:
        return rng.uniform(0.9, 1.1, shape)

    assets = data.assets.copy()
    numeric = list(assets.columns.drop(["role", "kind", "category"]))
    assets[numeric] = assets[numeric].to_numpy(dtype=float) * factors((len(assets), len(numeric)))
    unit = factors((len(data.ids),))
    collateral = data.collateral
    assert collateral is not None
    values = collateral.values
    moved = CollateralModel(
        collateral.table,
        lambda moves: values(moves) * unit[:, None],
        np.asarray(collateral.base) * unit,
        collateral.within_days,
        collateral.initial_margin_shock_bp,
    )
    terms = data.terms.copy()
    terms.loc[terms["role"] == "financing", "haircut"] = 0.07
    return replace(
        data,
        assets=assets,
        loadings=data.loadings * factors(data.loadings.shape),
        specific=data.specific * factors(data.specific.shape),
        flows=Flows(
            data.flows.times, sparse.csr_array(sparse.diags_array(unit) @ data.flows.amounts)
        ),
        collateral=moved,
        terms=terms,
    )


def parameter_values(model: Model) -> dict[str, np.ndarray]:
    return {
        parameter.name(): np.array(parameter.value)
        for parameter in model.compiled.problem.parameters()
    }


def liability_pv(problem) -> float:
    return float(problem.model.data.liabilities["pv"])


# --- every number is a parameter -------------------------------------------------------------


def test_the_state_moves_every_kind_of_number():
    # The reference state B is a real change: every exposure column of every instrument that
    # has it, the liabilities', the loadings, the collateral and the simulated P&L.
    raw = every_term()
    a = ldi.load_problem(raw).model.data
    b = ldi.load_problem(other_state(raw)).model.data
    physical_bonds = a.assets["kind"].isin(["bond", "zero_coupon_bond", "index_linked_bond"])
    # pv stays 1 per unit of value (``perturbed`` moves it); cs01 is 0 but for credit.
    for column in a.assets.columns.drop(["role", "kind", "category", "pv", "cs01"]):
        moved = a.assets[column] != b.assets[column]
        nonzero = a.assets[column] != 0
        assert moved[physical_bonds & nonzero].all(), column
    for column in ("pv", "pv01", "ie01", "curvature", "expected_return", "pv01_30y"):
        assert a.liabilities[column] != b.liabilities[column], column
    assert not np.allclose(a.loadings["rates"], b.loadings["rates"])
    assert not np.array_equal(a.holdings, b.holdings)
    moves = [Move.of(nominal_bp=300.0)]
    assert not np.allclose(a.collateral.coefficients(moves)[0], b.collateral.coefficients(moves)[0])
    assert not np.allclose(a.collateral.initial_margin, b.collateral.initial_margin)
    assert not np.allclose(a.simulation.pnl(200, 0)[0], b.simulation.pnl(200, 0)[0])
    assert not np.allclose(
        a.flows.bucketed(np.arange(-1.0, 11.0)), b.flows.bucketed(np.arange(-1.0, 11.0))
    )


def problem_data(problem: cp.Problem) -> dict[str, np.ndarray]:
    data, _, _ = problem.get_problem_data(cp.CLARABEL)
    arrays = {"A": data["A"].toarray(), "b": data["b"], "c": data["c"]}
    if "P" in data:
        arrays["P"] = data["P"].toarray()
    return arrays


def test_after_update_cvxpy_hands_the_solver_the_problem_of_the_new_state():
    raw = every_term()
    model = ldi.load_problem(raw).model
    compiled, elastic = model.compiled, model.elastic
    for problem in (compiled.problem, elastic.problem):
        problem_data(problem)  # compiled for Clarabel: later calls reuse the program
    programs = [p._cache.param_prog for p in (compiled.problem, elastic.problem)]
    state = perturbed(ldi.load_problem(other_state(raw)).model.data)
    model.update(data=state)

    # The fresh model on B', built with A's scales (the scales a compiled model keeps).
    other = Model(state, model.objective, model.constraints, model.solver)
    other.scales = model.scales
    assert model.compiled is compiled
    assert model.elastic is elastic
    for mine, fresh, program in zip(
        (compiled, elastic), (other.compiled, other.elastic), programs, strict=True
    ):
        got, expected = problem_data(mine.problem), problem_data(fresh.problem)
        assert mine.problem._cache.param_prog is program
        assert got.keys() == expected.keys()
        for key, value in expected.items():
            assert got[key].shape == value.shape, key
            size = max(float(np.max(np.abs(value))), 1.0)
            np.testing.assert_allclose(got[key], value, rtol=0, atol=SAME * size, err_msg=key)
    # and the data really changed: the problem of state A is another problem.
    before = problem_data(ldi.load_problem(raw).model.compiled.problem)
    after = problem_data(compiled.problem)
    assert not np.allclose(before["A"], after["A"], rtol=0, atol=1e-6)


def test_every_term_of_the_problem_is_dpp_after_an_update():
    model = ldi.load_problem(every_term()).model
    model.update(data=ldi.load_problem(other_state(every_term())).model.data)
    assert model.compiled.problem.is_dcp(dpp=True)
    assert model.elastic.problem.is_dcp(dpp=True)


# --- re-solves against fresh builds ----------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_resolve_on_a_new_state_matches_a_fresh_build(path):
    raw = tight(raw_problem(path))
    problem = ldi.load_problem(raw)
    problem.solve()
    compiled = problem.model.compiled
    program = compiled.problem._cache.param_prog
    assert program is not None

    other = other_state(raw)
    problem.model.update(data=ldi.load_problem(other).model.data)
    again = problem.solve()
    fresh_problem = ldi.load_problem(other)
    fresh = fresh_problem.solve()

    assert problem.model.compiled is compiled
    assert compiled.problem._cache.param_prog is program
    assert again.status is Status.OPTIMAL
    assert fresh.status is Status.OPTIMAL
    assert again.objective_value == pytest.approx(fresh.objective_value, rel=RTOL)
    scale = liability_pv(fresh_problem)
    np.testing.assert_allclose(
        again.positions.to_numpy(), fresh.positions.to_numpy(), rtol=0, atol=RTOL * scale
    )
    np.testing.assert_array_equal(again.holdings.to_numpy(), fresh.holdings.to_numpy())
    assert again.funding_ratio == pytest.approx(fresh.funding_ratio, rel=1e-12)


def test_a_liability_scale_after_new_data_scales_the_new_liabilities():
    raw = raw_problem(DEFAULT_PROBLEM)
    model = ldi.load_problem(raw).model
    other = ldi.load_problem(other_state(raw)).model.data
    model.update(data=other)
    assert model.base is other
    model.update(liability_scale=2.0)
    pd.testing.assert_series_equal(model.data.liabilities, other.liabilities * 2.0)
    pd.testing.assert_series_equal(model.data.holdings, other.holdings)
    model.update(liability_scale=1.0)
    pd.testing.assert_series_equal(model.data.liabilities, other.liabilities)


def test_holdings_given_with_new_data_replace_its_holdings():
    raw = raw_problem(DEFAULT_PROBLEM)
    model = ldi.load_problem(raw).model
    other = ldi.load_problem(other_state(raw)).model.data
    model.update(data=other, holdings={"CASH": 1.0e9})
    expected = pd.Series(0.0, index=other.ids)
    expected["CASH"] = 1.0e9
    np.testing.assert_array_equal(model.data.holdings.to_numpy(), expected.to_numpy())
    pd.testing.assert_frame_equal(model.data.assets, other.assets)


# --- data of other instruments ---------------------------------------------------------------


def renamed(raw: dict) -> dict:
    raw = copy.deepcopy(raw)
    raw["instruments"][-1]["id"] = "CASH_GBP"
    raw["holdings"]["CASH_GBP"] = raw["holdings"].pop("CASH")
    raw["constraints"][6] = {"bounds": {"instrument": "CASH_GBP", "min_fraction": 0.02}}
    return raw


def reordered(raw: dict) -> dict:
    raw = copy.deepcopy(raw)
    raw["instruments"] = raw["instruments"][::-1]
    return raw


def fewer(raw: dict) -> dict:
    raw = copy.deepcopy(raw)
    raw["instruments"] = [i for i in raw["instruments"] if i["id"] != "SONIA_20Y"]
    return raw


def other_keys(raw: dict) -> dict:
    raw = copy.deepcopy(raw)
    raw["keys"] = [2, 5, 10, 20, 30, 50]
    return raw


def other_groups(raw: dict) -> dict:
    raw = copy.deepcopy(raw)
    raw["groups"]["growth"] = ["GLOBAL_EQUITY", "DIVERSIFIED_GROWTH"]
    return raw


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (renamed, r"ids differ .*\{20: 'CASH'\} -> \{20: 'CASH_GBP'\}"),
        (reordered, "ids differ"),
        (fewer, "ids differ"),
        (other_keys, "key tenors differ"),
        (other_groups, "groups differ"),
    ],
    ids=["renamed", "reordered", "fewer", "keys", "groups"],
)
def test_data_of_other_instruments_raises_and_leaves_the_model_as_it_was(edit, message):
    raw = raw_problem(DEFAULT_PROBLEM)
    problem = ldi.load_problem(raw)
    before = problem.solve()
    model = problem.model
    data, base, values = model.data, model.base, model_parameters(model)
    other = ldi.load_problem(edit(shifted(raw))).model.data

    with pytest.raises(ModelError, match=message) as error:
        model.update(data=other)
    assert "build a new model" in str(error.value)

    assert model.data is data
    assert model.base is base
    assert_as_it_was(problem, values, before)


def test_data_without_a_simulation_serves_a_model_without_scenario_terms():
    # A projection's path has no simulation of its own: only scenario terms need one.
    raw = raw_problem(DEFAULT_PROBLEM)
    model = ldi.load_problem(raw).model
    model.compile()
    other = replace(ldi.load_problem(other_state(raw)).model.data, simulation=None)
    model.update(data=other)
    assert model.data is other

    raw = every_term()
    model = ldi.load_problem(raw).model
    data, values = model.data, parameter_values(model)
    other = replace(ldi.load_problem(other_state(raw)).model.data, simulation=None)
    with pytest.raises(SpecError, match=r"objective\.minimize\[5\]\.cvar.*no simulated scenarios"):
        model.update(data=other)
    assert model.data is data
    for key, value in parameter_values(model).items():
        np.testing.assert_array_equal(value, values[key], err_msg=key)
