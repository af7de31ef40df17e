"""Objective terms against independent references.

Key-rate matching is checked against numpy.linalg.lstsq, tracking error against the KKT
system of the equality-constrained QP built from the factor covariance (not its root),
linear terms and transaction costs against hand computations in money, and every term's
reported value against the value cvxpy gives its own piece of the solved problem.
"""

import functools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ldi.errors import SpecError
from ldi.optimize.model import Model, ObjectiveItem
from ldi.optimize.result import evaluate
from ldi.optimize.solve import solve
from ldi.optimize.terms.allocation import Bounds, Budget, LongOnly
from ldi.optimize.terms.funding import Leverage
from ldi.optimize.terms.hedging import HedgeRatio
from ldi.optimize.terms.objectives import (
    Cost,
    ExpectedSurplusReturn,
    KeyRateMismatch,
    TrackingError,
    TransactionCosts,
    Turnover,
)
from ldi.risk.factors import RiskModel
from tests.optimize.conftest import (
    CS01,
    IDS,
    IE01,
    PV,
    PV01,
    RETURN,
    ROLES,
    X,
    make_data,
    universe,
)

LIABILITIES = {"pv": 1000.0, "pv01": 1.5, "ie01": 0.9, "expected_return": 45.0}
HOLDINGS = np.array([300.0, 100.0, 200.0, 0, 0, 0, 250.0, 50.0])
CAPITAL = PV @ HOLDINGS
BOOK = universe(
    loadings=np.column_stack([-PV01, IE01, -CS01, [0, 0, 0, 0, 0, 0, 1.2, 0]]),
    specific=[0, 0.004, 0, 0, 0, 0, 0.08, 0],
    liabilities=LIABILITIES,
    liability_key_pv01=[0.5, 1.0],
    liability_key_ie01=[0.3, 0.6],
    holdings=dict(zip(IDS, HOLDINGS, strict=True)),
)
POLICY = [
    Budget(),
    HedgeRatio(min=0.9, max=1.1),
    HedgeRatio(risk="inflation", min=0.5),
    Leverage(max=2.0),
    Bounds(group="return_seeking", max_fraction=0.4),
]


def reported(term, x=X, data=BOOK, **item):
    """The objective table row of ``term`` at positions ``x`` (money), without solving."""
    model = Model(data, [ObjectiveItem(term, **item)], [LongOnly(roles=())])
    table, _ = evaluate(model, np.asarray(x, dtype=float) / model.scales.money, {})
    return table.loc[term.name]


@pytest.mark.parametrize(
    "items",
    [
        pytest.param([ObjectiveItem(Cost())], id="cost"),
        pytest.param(
            [ObjectiveItem(KeyRateMismatch(inflation_hedge_ratio=0.8, weights={20.0: 3.0}))],
            id="key_rate",
        ),
        pytest.param([ObjectiveItem(TrackingError())], id="tracking"),
        pytest.param([ObjectiveItem(ExpectedSurplusReturn(), maximize=True)], id="return"),
        pytest.param([ObjectiveItem(TransactionCosts(cost_bp={"bond": 4.0}))], id="costs"),
        pytest.param([ObjectiveItem(Turnover(roles=("physical", "overlay")))], id="turnover"),
        pytest.param(
            [
                ObjectiveItem(KeyRateMismatch(), 2.0),
                ObjectiveItem(TrackingError(), 0.5),
                ObjectiveItem(TransactionCosts(), 3.0),
                ObjectiveItem(Turnover(), 0.01),
                ObjectiveItem(ExpectedSurplusReturn(), 0.2, maximize=True),
            ],
            id="together",
        ),
        pytest.param(
            [ObjectiveItem(KeyRateMismatch()), ObjectiveItem(TransactionCosts(impact=0.02))],
            id="impact-1.5",
        ),
        pytest.param(
            [ObjectiveItem(TransactionCosts(impact=0.01, impact_power=2.0))],
            id="impact-2",
        ),
    ],
)
def test_reported_terms_equal_the_solved_cvxpy_pieces(items):
    model = Model(BOOK, items, POLICY)
    result = solve(model)
    assert result.ok
    money = model.scales.money
    for item in items:
        piece = model.compiled.pieces[item.term.name].value
        row = result.objective.loc[item.term.name]
        assert row["contribution"] == pytest.approx(item.sign * piece * money, rel=1e-7, abs=1e-9)
        assert row["value"] == pytest.approx(item.term.natural(piece, model.scaled), rel=1e-7)
        assert row["weight"] == item.weight
    total = model.compiled.problem.value * money
    assert result.objective_value == pytest.approx(total, rel=1e-7, abs=1e-9)


def test_cost_turnover_and_expected_surplus_return_by_hand():
    assert reported(Cost())["value"] == pytest.approx(PV @ X, rel=1e-12)
    traded = np.abs(X - HOLDINGS)
    assert reported(Turnover())["value"] == pytest.approx(traded.sum(), rel=1e-12)
    physical = np.array(ROLES) == "physical"
    turnover = reported(Turnover(roles=("physical",)), weight=2.0)
    assert turnover["value"] == pytest.approx(traded[physical].sum(), rel=1e-12)
    assert turnover["contribution"] == pytest.approx(2 * traded[physical].sum(), rel=1e-12)
    gain = RETURN @ X - LIABILITIES["expected_return"]
    row = reported(ExpectedSurplusReturn(), weight=0.5, maximize=True)
    assert row["value"] == pytest.approx(gain, rel=1e-12)
    assert row["contribution"] == pytest.approx(-0.5 * gain, rel=1e-12)


def test_maximizing_expected_surplus_return_fills_the_best_asset_to_its_limit():
    # Long-only with a fixed budget and no repo: the equity cap binds, the rest goes to
    # the credit bond (the next best yield); overlays and cash earn nothing more.
    constraints = [
        Budget(),
        Bounds(group="return_seeking", max_fraction=0.3),
        Bounds(group="financing", max=0.0),
    ]
    model = Model(BOOK, [ObjectiveItem(ExpectedSurplusReturn(), maximize=True)], constraints)
    result = solve(model)
    positions = result.positions
    assert positions["EQUITY"] == pytest.approx(0.3 * CAPITAL, rel=1e-9)
    assert positions["CREDIT"] == pytest.approx(0.7 * CAPITAL, rel=1e-9)
    expected = 0.07 * 0.3 * CAPITAL + 0.055 * 0.7 * CAPITAL - LIABILITIES["expected_return"]
    row = result.objective.loc["expected_surplus_return"]
    assert row["value"] == pytest.approx(expected, rel=1e-9)


def spread_per_unit(overrides):
    """Half bid/offer per unit traded, by hand: bp of the amount; for swaps, bp of rate."""
    bp = {"GILT": 3.0, "CREDIT": 25.0, "LINKER": 8.0, "SWAP": 0.25, "ISWAP": 1.0}
    bp = {**bp, "REPO": 0.0, "EQUITY": 10.0, "CASH": 0.0, **overrides}
    per_bp = {"SWAP": PV01[3], "ISWAP": IE01[4]}  # a swap moves PV01 (IE01) per bp of rate
    return np.array([bp[i] * per_bp[i] if i in per_bp else bp[i] * 1e-4 for i in IDS])


@pytest.mark.parametrize(
    ("cost_bp", "by_hand"),
    [
        ({}, {}),
        ({"bond": 5.0, "GILT": 2.0}, {"GILT": 2.0}),  # the id wins; CREDIT is a credit bond
        ({"credit_bond": 40.0, "interest_rate_swap": 0.5}, {"CREDIT": 40.0, "SWAP": 0.5}),
        ({"ISWAP": 2.0, "return_seeking": 0.0}, {"ISWAP": 2.0, "EQUITY": 0.0}),
    ],
)
def test_linear_transaction_costs_by_kind_and_id(cost_bp, by_hand):
    expected = spread_per_unit(by_hand) @ np.abs(X - HOLDINGS)
    assert reported(TransactionCosts(cost_bp=cost_bp))["value"] == pytest.approx(expected, 1e-12)


@pytest.mark.parametrize("power", [1.5, 2.0])
@pytest.mark.parametrize("volume", [None, 2.5e8])
def test_impact_costs_grow_with_the_trade_size_relative_to_a_volume(power, volume):
    # The reference volume V defaults to the liabilities' PV.
    traded = np.abs(X - HOLDINGS)
    reference = volume or float(BOOK.liabilities["pv"])
    impact = 0.05 * np.sum(traded**power) / reference ** (power - 1)
    expected = spread_per_unit({}) @ traded + impact
    term = TransactionCosts(impact=0.05, impact_power=power, impact_volume=volume)
    assert reported(term)["value"] == pytest.approx(expected, rel=1e-12)


def test_unknown_cost_keys_are_rejected_with_the_choices():
    term = TransactionCosts(cost_bp={"gilt": 1.0})
    model = Model(BOOK, [ObjectiveItem(term)], paths={term.name: "objective.minimize[0]"})
    with pytest.raises(SpecError) as error:
        _ = model.compiled
    message = str(error.value)
    assert message.startswith("objective.minimize[0].cost_bp: got {'gilt': 1.0}; expected kinds")
    assert "'credit_bond'" in message
    assert "or instrument ids" in message


OVERLAYS = ["SWAP5", "SWAP10", "SWAP30"]
KEYS = (2.0, 5.0, 10.0, 20.0, 30.0)
SWAP_KEYS = np.array(
    [[1e-4, 1e-4, 0], [4e-4, 2e-4, 1e-4], [0, 6e-4, 3e-4], [0, 0, 9e-4], [0, 0, 8e-4]]
)
INFLATION_KEYS = np.array([[0, 0, 0.5e-4], [0, 0, 2e-4], [0, 0, 4e-4], [0, 0, 7e-4], [0, 0, 6e-4]])
L_KEYS, L_INFLATION = np.array([0.1, 0.3, 0.5, 0.7, 0.4]), np.array([0.05, 0.1, 0.2, 0.3, 0.2])


def overlays(inflation=False):
    """Three receiver swaps (the last inflation-linked too) against a liability profile."""
    return make_data(
        OVERLAYS,
        roles=["overlay"] * 3,
        kinds=["interest_rate_swap"] * 3,
        pv=[0.0, 0.0, 0.0],
        pv01=SWAP_KEYS.sum(axis=0),
        ie01=INFLATION_KEYS.sum(axis=0) if inflation else None,
        keys=KEYS,
        key_pv01=SWAP_KEYS,
        key_ie01=INFLATION_KEYS if inflation else None,
        liabilities={"pv": 500.0, "pv01": L_KEYS.sum(), "ie01": L_INFLATION.sum()},
        liability_key_pv01=L_KEYS,
        liability_key_ie01=L_INFLATION,
    )


@pytest.mark.parametrize(
    ("hedge_ratio", "weights"), [(1.0, {}), (0.8, {2.0: 0.0, 30.0: 4.0}), (1.3, {10.0: 2.5})]
)
def test_key_rate_mismatch_is_weighted_least_squares(hedge_ratio, weights):
    term = KeyRateMismatch(hedge_ratio=hedge_ratio, weights=weights, risks=("rates",))
    result = solve(Model(overlays(), [ObjectiveItem(term)]))
    root = np.sqrt([weights.get(k, 1.0) for k in KEYS])
    x, *_ = np.linalg.lstsq(root[:, None] * SWAP_KEYS, root * hedge_ratio * L_KEYS, rcond=None)
    np.testing.assert_allclose(result.positions.to_numpy(), x, rtol=1e-6)
    gap = SWAP_KEYS @ x - hedge_ratio * L_KEYS
    rms = np.sqrt(np.sum(root**2 * gap**2) / len(KEYS))  # money per bp
    assert result.objective.loc["key_rate_mismatch", "value"] == pytest.approx(rms, rel=1e-6)


@pytest.mark.parametrize(("rates", "inflation"), [(1.0, None), (0.9, 0.6)])
def test_rates_and_inflation_key_rate_targets_are_least_squares_on_their_own_scales(
    rates, inflation
):
    # Rate gaps are measured per liability PV01 (P), inflation gaps per liability IE01 (I).
    term = KeyRateMismatch(hedge_ratio=rates, inflation_hedge_ratio=inflation)
    model = Model(overlays(inflation=True), [ObjectiveItem(term)])
    result = solve(model)
    p, i = L_KEYS.sum(), L_INFLATION.sum()
    h_inflation = rates if inflation is None else inflation
    matrix = np.vstack([SWAP_KEYS / p, INFLATION_KEYS / i])
    target = np.concatenate([rates * L_KEYS / p, h_inflation * L_INFLATION / i])
    x, *_ = np.linalg.lstsq(matrix, target, rcond=None)
    np.testing.assert_allclose(result.positions.to_numpy(), x, rtol=1e-6)
    piece = model.compiled.pieces["key_rate_mismatch"].value
    assert piece == pytest.approx(np.sum((matrix @ x - target) ** 2), rel=1e-6, abs=1e-12)


RISK_IDS = ["GILT", "LINKER", "CREDIT", "EQUITY"]
RISK_LOADINGS = np.array(
    [  # money per unit: rates (−PV01), inflation (IE01), credit (−CS01), growth (β)
        [-1.6e-3, 0.0, 0.0, 0.0],
        [-1.9e-3, 1.7e-3, 0.0, 0.0],
        [-0.9e-3, 0.0, -0.8e-3, 0.0],
        [0.0, 0.0, 0.0, 1.1],
    ]
)
RISK_SPECIFIC = np.array([0.001, 0.002, 0.01, 0.07])
RISK_LIABILITY = np.array([-1.8, 0.9, 0.0, 0.0])


@pytest.mark.parametrize(
    "risk_model",
    [RiskModel(), RiskModel(volatility={"rates": 70.0}, correlation={"rates_inflation": 0.6})],
)
def test_tracking_error_with_a_budget_solves_its_kkt_system(risk_model):
    data = make_data(
        RISK_IDS,
        kinds=["bond", "index_linked_bond", "bond", "return_seeking"],
        pv01=-RISK_LOADINGS[:, 0],
        loadings=RISK_LOADINGS,
        specific=RISK_SPECIFIC,
        liabilities={"pv": 1000.0, "pv01": 1.8, "ie01": 0.9},
        liability_loadings=RISK_LIABILITY,
        holdings={"GILT": 400.0, "EQUITY": 500.0},
        risk_model=risk_model,
    )
    model = Model(data, [ObjectiveItem(TrackingError())], [Budget(), LongOnly(roles=())])
    result = solve(model)
    sigma = risk_model.covariance[:4, :4]  # the loadings on bond_swap are 0
    q = RISK_LOADINGS @ sigma @ RISK_LOADINGS.T + np.diag(RISK_SPECIFIC**2)
    a = np.ones(len(RISK_IDS))
    kkt = np.block([[2 * q, a[:, None]], [a[None, :], np.zeros((1, 1))]])
    rhs = np.concatenate([2 * RISK_LOADINGS @ sigma @ RISK_LIABILITY, [900.0]])
    x = np.linalg.solve(kkt, rhs)[:-1]
    np.testing.assert_allclose(result.positions.to_numpy(), x, rtol=1e-5)
    variance = x @ q @ x - 2 * x @ RISK_LOADINGS @ sigma @ RISK_LIABILITY
    variance += RISK_LIABILITY @ sigma @ RISK_LIABILITY
    volatility = result.objective.loc["tracking_error", "value"]
    assert volatility == pytest.approx(np.sqrt(variance), rel=1e-6)


@pytest.mark.parametrize(
    ("term", "message"),
    [
        (lambda: KeyRateMismatch(hedge_ratio=6), "key_rate_mismatch.hedge_ratio: got 6; expec"),
        (lambda: KeyRateMismatch(risks=()), "key_rate_mismatch.risks: got (); expected a non-em"),
        (lambda: KeyRateMismatch(risks=("fx",)), "risks: got ('fx',); expected a non-empty list"),
        (lambda: KeyRateMismatch(weights={5: -1}), "weights: got {5: -1}; expected a mapping"),
        (lambda: TransactionCosts(impact_power=3), "impact_power: got 3; expected 1.5 or 2"),
        (
            lambda: TransactionCosts(impact=-1.0),
            "impact: got -1.0; expected a market impact as a fraction of the amount traded",
        ),
        (lambda: TransactionCosts(cost_bp={"bond": -1}), "cost_bp: got {'bond': -1}; expected a"),
        (lambda: Turnover(roles=("cash",)), "turnover.roles: got ('cash',); expected a list of"),
    ],
)
def test_objective_options_are_validated_with_field_value_and_expectation(term, message):
    with pytest.raises(SpecError) as error:
        term()
    assert message in str(error.value)


def test_key_rate_weights_must_name_the_model_keys():
    term = KeyRateMismatch(weights={7.0: 1.0})
    with pytest.raises(SpecError, match=r"^key_rate_mismatch\.weights: got \{7\.0: 1\.0\}; "):
        _ = Model(overlays(), [ObjectiveItem(term)]).compiled


SCALE_KEYS = np.array([[6e-4, 2e-4, 1e-4], [1e-4, 7e-4, 3e-4], [0, 1e-4, 1.4e-3]])
SCALE_LIABILITIES = {"pv": 100.0, "pv01": 0.14}
SCALE_HOLDINGS = {"SHORT": 30.0, "MID": 30.0, "LONG": 40.0}


def scaled_data(c):
    return make_data(
        ["SHORT", "MID", "LONG"],
        pv01=SCALE_KEYS.sum(axis=0),
        keys=(5.0, 10.0, 30.0),
        key_pv01=SCALE_KEYS,
        liabilities={k: c * v for k, v in SCALE_LIABILITIES.items()},
        liability_key_pv01=c * np.array([0.03, 0.05, 0.06]),
        holdings={k: c * v for k, v in SCALE_HOLDINGS.items()},
    )


def scaled_model(c):
    objective = [ObjectiveItem(KeyRateMismatch(hedge_ratio=0.95))]
    return Model(scaled_data(c), objective, [Budget(), HedgeRatio(min=0.97, max=1.05)])


@functools.cache
def base_positions():
    return solve(scaled_model(1.0)).positions.to_numpy()


@settings(max_examples=8, deadline=None)
@given(st.floats(0.01, 100.0))
def test_scaling_liabilities_and_holdings_scales_the_optimal_positions(c):
    scaled = solve(scaled_model(c)).positions.to_numpy()
    np.testing.assert_allclose(scaled, c * base_positions(), rtol=1e-6)


@settings(max_examples=8, deadline=None)
@given(st.floats(0.5, 2.0))
def test_a_resolve_with_scaled_liabilities_and_holdings_scales_the_positions(c):
    # The re-solve keeps the first compile's scales: an equivalent problem with O(c) data.
    model = scaled_model(1.0)
    model.update(liability_scale=c, holdings={k: c * v for k, v in SCALE_HOLDINGS.items()})
    np.testing.assert_allclose(solve(model).positions.to_numpy(), c * base_positions(), rtol=1e-5)
