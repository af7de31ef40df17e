"""Hedging terms: hedge-ratio, key-rate, duration and Redington rows by hand.

Redington is checked against the 2x2 linear system of PV and PV01 matching, soft rows (on a
hedge ratio) against a hand-computed trade-off.
"""

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ldi.errors import SpecError
from ldi.optimize.data import ModelData
from ldi.optimize.model import Model, ObjectiveItem
from ldi.optimize.solve import solve
from ldi.optimize.terms.allocation import Budget
from ldi.optimize.terms.hedging import DurationMatch, HedgeRatio, KeyRateTolerance, Redington
from ldi.optimize.terms.objectives import Cost, KeyRateMismatch, TransactionCosts, Turnover
from tests.optimize.conftest import (
    CURVATURE,
    DATA,
    IE01,
    KEY_IE01,
    KEY_PV01,
    L_CURVATURE,
    L_IE01,
    L_KEY_IE01,
    L_KEY_PV01,
    L_PV,
    L_PV01,
    NO_LONG_ONLY,
    PV,
    PV01,
    X,
    expect,
    make_data,
    table,
)


@pytest.mark.parametrize(
    ("term", "value", "holds"),
    [
        (HedgeRatio(min=0.85, max=0.95), PV01 @ X / L_PV01, {".min": True, ".max": True}),
        (HedgeRatio(min=0.95), PV01 @ X / L_PV01, {".min": False}),
        (HedgeRatio(max=0.2, risk="inflation"), IE01 @ X / L_IE01, {".max": False}),
        (HedgeRatio(min=0.5, bucket=(20.0,)), KEY_PV01[1] @ X / 1.0, {".min": True}),
        (HedgeRatio(max=0.8, bucket=(5.0, 20.0)), PV01 @ X / L_PV01, {".max": False}),
        (
            HedgeRatio(min=0.5, risk="inflation", bucket=(5.0,)),
            KEY_IE01[0] @ X / 0.3,
            {".min": False},
        ),
    ],
)
def test_hedge_ratio_rows_report_the_ratio_of_asset_to_liability_pv01(term, value, holds):
    frame = table([term, NO_LONG_ONLY])
    assert len(frame) == len(holds)
    for part, ok in holds.items():
        sense, bound = (">=", term.min) if part == ".min" else ("<=", term.max)
        assert expect(frame, term.name + part, sense, value, bound) is ok


def test_hedge_ratio_default_names_carry_risk_and_bucket():
    assert HedgeRatio(min=1.0).name == "hedge_ratio[rates]"
    assert HedgeRatio(min=1.0, risk="inflation", bucket=(5.0, 20.0)).name == (
        "hedge_ratio[inflation,5y,20y]"
    )


@pytest.mark.parametrize(
    ("term", "tolerance"),
    [
        (KeyRateTolerance(max=0.1), np.array([0.1, 0.1])),
        (KeyRateTolerance(fraction=0.2, hedge_ratio=0.9), 0.2 * 0.9 * L_KEY_PV01),
        (KeyRateTolerance(risk="inflation", max=0.05), np.array([0.05, 0.05])),
    ],
)
def test_key_rate_tolerance_rows_are_gaps_per_key_in_money_per_bp(term, tolerance):
    risk = "rates" if term.risk == "rates" else "inflation"
    keys, target = (KEY_PV01, L_KEY_PV01) if risk == "rates" else (KEY_IE01, L_KEY_IE01)
    gap = keys @ X - term.hedge_ratio * target
    frame = table([term, NO_LONG_ONLY])
    for i, key in enumerate(("5y", "20y")):
        upper = expect(frame, f"{term.name}.upper[{key}]", "<=", gap[i], tolerance[i])
        lower = expect(frame, f"{term.name}.lower[{key}]", ">=", gap[i], -tolerance[i])
        assert (upper and lower) == bool(abs(gap[i]) <= tolerance[i])


def test_duration_match_rows_compare_asset_and_liability_durations_in_years():
    x = X * np.array([1, 1, 1, 0.5, 1, 1, 1, 1])  # half the swap: asset duration falls
    asset = PV01 @ x / (PV @ x * 1e-4)
    liability = L_PV01 / (L_PV * 1e-4)
    frame = table([DurationMatch(tolerance=1.0), NO_LONG_ONLY], x)
    assert not expect(frame, "duration_match.min", ">=", asset, liability - 1.0)
    assert expect(frame, "duration_match.max", "<=", asset, liability + 1.0)
    assert asset == pytest.approx(115 / 9, rel=1e-12)  # 1.15 / (900 x 1e-4), by hand


def test_redington_rows_compare_pv_pv01_and_money_convexity():
    frame = table([Redington(), NO_LONG_ONLY])
    assert not expect(frame, "redington.pv", "==", PV @ X, L_PV)
    assert not expect(frame, "redington.pv01", "==", PV01 @ X, L_PV01)
    assert not expect(frame, "redington.convexity", ">=", CURVATURE @ X, L_CURVATURE)
    assert list(table([Redington(match_pv=False), NO_LONG_ONLY]).index) == [
        "redington.pv01",
        "redington.convexity",
    ]


def test_redington_two_bonds_solve_the_pv_and_pv01_linear_system(two_bonds):
    # x1 + x2 = PV_L and 5e-4 x1 + 2e-3 x2 = PV01_L have one solution; the convexity
    # condition 30 x1 + 450 x2 >= 2e4 must hold at it for the problem to be feasible.
    exact = np.linalg.solve([[1.0, 1.0], [5e-4, 2e-3]], [100.0, 0.12])
    assert np.all(exact > 0)
    assert np.array([30.0, 450.0]) @ exact >= 2.0e4
    model = Model(two_bonds, [ObjectiveItem(Turnover())], [Redington()])
    result = solve(model)
    np.testing.assert_allclose(result.positions.to_numpy(), exact, rtol=1e-6)
    budget = Model(two_bonds, [ObjectiveItem(Turnover())], [Budget(), Redington(match_pv=False)])
    np.testing.assert_allclose(solve(budget).positions.to_numpy(), exact, rtol=1e-6)
    rows = result.constraints
    assert rows.loc["redington.convexity", "value"] == pytest.approx(
        np.array([30.0, 450.0]) @ exact, rel=1e-6
    )


def test_redington_is_infeasible_when_the_liabilities_are_more_convex(two_bonds):
    exact = np.linalg.solve([[1.0, 1.0], [5e-4, 2e-3]], [100.0, 0.12])
    convex = make_data(
        ["SHORT", "LONG"],
        pv01=[5e-4, 2e-3],
        curvature=[30.0, 450.0],
        liabilities={"pv": 100.0, "pv01": 0.12, "curvature": 1.01 * (np.array([30, 450]) @ exact)},
    )
    assert solve(Model(convex, [ObjectiveItem(Cost())], [Redington()])).status == "infeasible"


# Moving money from SHORT to LONG (budget fixed) raises the hedge ratio by 1.5e-3 / 0.12 =
# 0.0125 per unit moved and costs 2 units of turnover; the soft penalty saves soft x 0.0125
# x S (S = 100) in money-equivalent units, so the trade pays when soft > 1.6.
HOLD_RATIO = (60 * 5e-4 + 40 * 2e-3) / 0.12
HARD = np.array([60.0, 40.0]) + (1.0 - HOLD_RATIO) / 0.0125 * np.array([-1.0, 1.0])


@pytest.mark.parametrize("solver", [None, "CLARABEL"])  # None: HiGHS, the LP default
@pytest.mark.parametrize("soft", [1.0, 1.5])
def test_a_cheap_soft_row_is_violated_and_its_penalty_reported(two_bonds, soft, solver):
    term = HedgeRatio(min=1.0, soft=soft)
    model = Model(two_bonds, [ObjectiveItem(Turnover())], [Budget(), term])
    result = solve(model, solver)
    np.testing.assert_allclose(result.positions.to_numpy(), [60.0, 40.0], rtol=1e-6)
    violated = 1.0 - HOLD_RATIO  # in hedge-ratio units
    penalty = result.objective.loc["hedge_ratio[rates].min"]
    assert penalty["value"] == pytest.approx(violated, rel=1e-6)
    assert penalty["contribution"] == pytest.approx(soft * violated * 100.0, rel=1e-6)
    row = result.constraints.loc["hedge_ratio[rates].min"]
    assert row["soft"]
    assert not row["binding"]
    assert row["slack"] == pytest.approx(-violated, rel=1e-6)
    assert result.objective_value == pytest.approx(soft * violated * 100.0, rel=1e-6)


@pytest.mark.parametrize("solver", [None, "CLARABEL"])
@pytest.mark.parametrize("soft", [2.0, 1e4])
def test_a_dear_soft_row_reproduces_the_hard_solution(two_bonds, soft, solver):
    hard = Model(two_bonds, [ObjectiveItem(Turnover())], [Budget(), HedgeRatio(min=1.0)])
    np.testing.assert_allclose(solve(hard, solver).positions.to_numpy(), HARD, rtol=1e-6)
    model = Model(
        two_bonds, [ObjectiveItem(Turnover())], [Budget(), HedgeRatio(min=1.0, soft=soft)]
    )
    result = solve(model, solver)
    np.testing.assert_allclose(result.positions.to_numpy(), HARD, rtol=1e-6)
    assert result.objective.loc["hedge_ratio[rates].min", "value"] == pytest.approx(0, abs=1e-7)
    assert result.objective_value == pytest.approx(2 * abs(HARD[0] - 60.0), rel=1e-6)


def test_a_hedge_ratio_on_liabilities_without_that_risk_is_rejected(two_bonds):
    model = Model(two_bonds, [ObjectiveItem(Cost())], [HedgeRatio(risk="inflation", min=1.0)])
    with pytest.raises(SpecError, match=r"^hedge_ratio\[inflation\]\.risk: got 'inflation'; "):
        _ = model.compiled


BAND_DATA = make_data(
    ["SHORT", "MID", "LONG"],
    pv01=[3e-4, 1.0e-3, 2.2e-3],
    keys=(5.0, 10.0, 30.0),
    key_pv01=np.array([[3e-4, 2e-4, 1e-4], [0, 8e-4, 5e-4], [0, 0, 1.6e-3]]),
    liabilities={"pv": 100.0, "pv01": 0.13},
    liability_key_pv01=[0.02, 0.04, 0.07],
    holdings={"SHORT": 50.0, "MID": 30.0, "LONG": 20.0},
)


def banded_optimum(low, high):
    objective = [ObjectiveItem(KeyRateMismatch()), ObjectiveItem(TransactionCosts())]
    model = Model(BAND_DATA, objective, [Budget(), HedgeRatio(min=low, max=high)])
    result = solve(model)
    assert result.ok
    return result.objective_value


@settings(max_examples=12, deadline=None)
@given(st.floats(0.3, 1.2), st.floats(0.0, 0.5), st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_tightening_a_hedge_ratio_band_never_lowers_the_optimum(low, width, cut_low, cut_high):
    high = low + width
    inner_low = low + cut_low * width / 2
    inner_high = high - cut_high * width / 2
    loose, tight = banded_optimum(low, high), banded_optimum(inner_low, inner_high)
    assert tight >= loose - 1e-7 * max(1.0, abs(loose))


# --- a hedging basis other than the funding basis ----------------------------------------------

# The liabilities on a second basis (say SONIA): more PV01, spread differently across keys.
SONIA_KEY_PV01 = np.array([0.6, 1.4])
BASES = pd.DataFrame(
    {"pv": [L_PV, 1300.0], "pv01": [L_PV01, SONIA_KEY_PV01.sum()], "ie01": [L_IE01, L_IE01]}
    | {
        "pv01_5y": [0.5, 0.6],
        "pv01_20y": [1.0, 1.4],
        "ie01_5y": [0.3, 0.3],
        "ie01_20y": [0.6, 0.6],
    },
    index=pd.Index(["funding", "sonia"], name="basis"),
)
ON_BASES = dataclasses.replace(DATA, liability_bases=BASES)


def test_a_hedge_ratio_on_a_basis_divides_by_the_liabilities_pv01_on_it():
    term = HedgeRatio(min=0.9, basis="sonia")
    frame = table([term, NO_LONG_ONLY], data=ON_BASES)
    assert term.name == "hedge_ratio[rates@sonia]"
    expect(frame, f"{term.name}.min", ">=", PV01 @ X / SONIA_KEY_PV01.sum(), 0.9)
    bucket = HedgeRatio(max=1.0, basis="sonia", bucket=(20.0,))
    frame = table([bucket, NO_LONG_ONLY], data=ON_BASES)
    expect(frame, f"{bucket.name}.max", "<=", KEY_PV01[1] @ X / 1.4, 1.0)


def test_key_rate_tolerance_on_a_basis_targets_its_key_rates():
    term = KeyRateTolerance(max=0.1, basis="sonia")
    gap = KEY_PV01 @ X - SONIA_KEY_PV01
    frame = table([term, NO_LONG_ONLY], data=ON_BASES)
    for i, key in enumerate(("5y", "20y")):
        expect(frame, f"{term.name}.upper[{key}]", "<=", gap[i], 0.1)


def test_key_rate_mismatch_on_a_basis_is_least_squares_to_its_key_rates():
    overlay = ModelData.from_arrays(
        ["A", "B"], roles=["overlay"] * 2, keys=(5.0, 20.0), key_pv01=[[1e-3, 2e-4], [1e-4, 2e-3]]
    )
    bases = BASES.loc[["funding", "sonia"]]
    data = dataclasses.replace(overlay, liability_bases=bases)
    term = KeyRateMismatch(risks=("rates",), basis="sonia")
    result = solve(Model(data, [ObjectiveItem(term)]))
    x = np.linalg.solve(np.array([[1e-3, 2e-4], [1e-4, 2e-3]]), SONIA_KEY_PV01)
    np.testing.assert_allclose(result.positions.to_numpy(), x, rtol=1e-6)


def test_an_unknown_basis_is_named_with_the_known_ones():
    with pytest.raises(SpecError, match=r"basis: got 'soina'; expected a hedging basis of the "):
        table([HedgeRatio(min=0.9, basis="soina"), NO_LONG_ONLY], data=ON_BASES)
