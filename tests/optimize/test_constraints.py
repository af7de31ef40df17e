"""Constraint terms: truth tables, solved rows, Redington, soft rows and validation messages.

Truth tables evaluate each term's rows with NumpyOps on hand-chosen positions and compare
the reported value, bound and slack with the same quantities computed by hand in money from
the raw per-unit exposures (never from the scaled arrays the terms use). Solved problems
are checked row by row (violation < 1e-7 in the row's units); Redington against the 2x2
linear system of PV and PV01 matching; soft rows against a hand-computed trade-off.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ldi.errors import SpecError
from ldi.optimize.context import NumpyOps
from ldi.optimize.model import Model, ObjectiveItem
from ldi.optimize.result import evaluate, row_table
from ldi.optimize.solve import solve
from ldi.optimize.terms.base import violation
from ldi.optimize.terms.constraints import (
    Bounds,
    Budget,
    DurationMatch,
    ExpectedReturn,
    HedgeRatio,
    KeyRateTolerance,
    Leverage,
    LongOnly,
    MaxTurnover,
    MinSurplusReturn,
    Redington,
    RepoCollateral,
    SurplusVolatility,
)
from ldi.optimize.terms.objectives import Cost, KeyRateMismatch, TransactionCosts, Turnover
from ldi.risk.factors import RiskModel
from tests.optimize.conftest import (
    CS01,
    IDS,
    IE01,
    KEY_IE01,
    KEY_PV01,
    PV,
    PV01,
    RETURN,
    ROLES,
    X,
    make_data,
    universe,
)

CURVATURE = np.array([20.0, 10.0, 30.0, 15.0, 0, 0, 0, 0])
LOADINGS = np.column_stack([-PV01, IE01, -CS01, [0, 0, 0, 0, 0, 0, 1.2, 0]])
SPECIFIC = np.array([0, 0, 0, 0, 0, 0, 0.08, 0])
LIABILITIES = {"pv": 1000.0, "pv01": 1.5, "ie01": 0.9, "curvature": 3.0e4, "expected_return": 45}
L_PV, L_PV01, L_IE01, L_CURVATURE = (LIABILITIES[k] for k in ("pv", "pv01", "ie01", "curvature"))
L_KEY_PV01, L_KEY_IE01 = np.array([0.5, 1.0]), np.array([0.3, 0.6])
HOLDINGS = {"GILT": 300.0, "CREDIT": 100.0, "LINKER": 200.0, "EQUITY": 250.0, "CASH": 50.0}
CAPITAL = 900.0  # value of the holdings
GROUPS = {"matching": ("GILT", "LINKER")}
TABLES = {
    "curvature": CURVATURE,
    "loadings": LOADINGS,
    "specific": SPECIFIC,
    "liabilities": LIABILITIES,
    "liability_key_pv01": L_KEY_PV01,
    "liability_key_ie01": L_KEY_IE01,
    "holdings": HOLDINGS,
    "groups": GROUPS,
}
DATA = universe(**TABLES)
SHORTS = np.array([100.0, -10.0, 0.0, -100.0, 50.0, -5.0, 0.0, 0.0])
NO_LONG_ONLY = LongOnly(roles=())


def table(constraints, x=X, data=DATA):
    """The reported constraint table of positions ``x`` (money), without solving."""
    model = Model(data, [ObjectiveItem(Cost())], list(constraints))
    _, rows = evaluate(model, np.asarray(x, dtype=float) / model.scales.money, {})
    return row_table([(term, row, []) for term, row in rows], model.scales.money)


def expect(frame, row, sense, value, bound):
    """Value and bound as computed by hand; slack and whether the row holds follow."""
    got = frame.loc[row]
    assert got["sense"] == sense
    assert got["value"] == pytest.approx(value, rel=1e-10, abs=1e-12)
    assert got["bound"] == pytest.approx(bound, rel=1e-10, abs=1e-12)
    slack = {"<=": bound - value, ">=": value - bound, "==": -abs(value - bound)}[sense]
    assert got["slack"] == pytest.approx(slack, rel=1e-8, abs=1e-9)
    return bool(slack >= -1e-9)


def test_budget_row_is_the_value_of_the_positions_against_the_capital():
    assert expect(table([Budget(), NO_LONG_ONLY]), "budget", "==", PV @ X, CAPITAL)
    frame = table([Budget(capital=800.0, contribution=50.0), NO_LONG_ONLY])
    assert not expect(frame, "budget", "==", PV @ X, 850.0)


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


@pytest.mark.parametrize(
    ("term", "rows"),
    [
        (Bounds(instrument="GILT", max=300.0), {".max": ("<=", 350.0, 300.0)}),
        (Bounds(instrument="GILT", min_fraction=0.3), {".min_fraction": (">=", 350 / 900, 0.3)}),
        (Bounds(group="bond", max_fraction=0.45), {".max_fraction": ("<=", 450 / 900, 0.45)}),
        (Bounds(group="overlay", min=250.0), {".min": (">=", 200.0, 250.0)}),
        (Bounds(group="financing", max=150.0), {".max": ("<=", 150.0, 150.0)}),
        (Bounds(group="matching", min=600.0, max=700.0), {".min": (">=", 650.0, 600.0)}),
        (
            Bounds(instruments=("GILT", "LINKER"), max=320.0),
            {".max[GILT]": ("<=", 350.0, 320.0), ".max[LINKER]": ("<=", 300.0, 320.0)},
        ),
    ],
)
def test_bounds_rows_in_money_and_fractions_of_capital(term, rows):
    frame = table([term, NO_LONG_ONLY])
    for part, (sense, value, bound) in rows.items():
        holds = value <= bound if sense == "<=" else value >= bound
        assert expect(frame, term.name + part, sense, value, bound) is holds


@pytest.mark.parametrize(
    ("term", "covered", "short"),
    [
        (LongOnly(), ["GILT", "CREDIT", "LINKER", "REPO", "EQUITY", "CASH"], {"CREDIT", "REPO"}),
        (LongOnly(exclude=("CREDIT",)), ["GILT", "LINKER", "REPO", "EQUITY", "CASH"], {"REPO"}),
        (LongOnly(roles=("overlay",)), ["SWAP", "ISWAP"], {"SWAP"}),
    ],
)
def test_long_only_covers_roles_minus_exclusions(term, covered, short):
    frame = table([term], SHORTS)
    assert list(frame.index) == [f"long_only[{i}]" for i in covered]
    for i in covered:
        value = SHORTS[IDS.index(i)]
        assert expect(frame, f"long_only[{i}]", ">=", value, 0.0) is (i not in short)
    assert table([NO_LONG_ONLY], SHORTS).empty


def test_leverage_is_gross_overlays_plus_repo_over_physical_net_of_repo():
    leverage = (400 + 200 + 150) / (350 + 100 + 300 + 250 + 50 - 150)
    assert expect(table([Leverage(max=1.0), NO_LONG_ONLY]), "leverage", "<=", leverage, 1.0)
    assert not expect(table([Leverage(max=0.8), NO_LONG_ONLY]), "leverage", "<=", leverage, 0.8)


def test_repo_collateral_holds_the_bond_pledged_at_its_value_after_haircut():
    # REPO borrows 150 against GILT at a 4% haircut: the lender holds 150 / 0.96 = 156.25 of
    # it, so 350 - 156.25 of GILT is free; at a 60% haircut 375 is pledged and 350 fall short.
    terms = DATA.terms.assign(collateral=[None] * 5 + ["GILT", None, None], haircut=0.0)
    for haircut, holds in ((0.04, True), (0.6, False)):
        data = universe(**TABLES, terms=terms.assign(haircut=[0.0] * 5 + [haircut, 0.0, 0.0]))
        frame = table([RepoCollateral(), NO_LONG_ONLY], data=data)
        free = 350.0 - 150.0 / (1 - haircut)
        assert expect(frame, "repo_collateral[GILT]", ">=", free, 0.0) is holds
    # Without the repo's collateral in its terms (tables given as arrays) nothing is pledged.
    assert "repo_collateral" not in set(table([RepoCollateral(), NO_LONG_ONLY])["term"])


def test_max_turnover_is_the_amount_traded_as_a_fraction_of_capital():
    traded = np.abs(X - DATA.holdings.to_numpy())
    frame = table([MaxTurnover(max=0.5), NO_LONG_ONLY])
    assert not expect(frame, "max_turnover", "<=", traded.sum() / CAPITAL, 0.5)
    frame = table([MaxTurnover(max=0.5, roles=("physical",)), NO_LONG_ONLY])
    physical = np.array(ROLES) == "physical"
    assert expect(frame, "max_turnover", "<=", traded[physical].sum() / CAPITAL, 0.5)


def test_surplus_volatility_matches_the_factor_covariance_by_hand():
    sigma = RiskModel().covariance
    liability = np.array([-L_PV01, L_IE01, 0.0, 0.0])
    exposure = LOADINGS.T @ X - liability
    volatility = np.sqrt(exposure @ sigma @ exposure + np.sum((SPECIFIC * X) ** 2))
    frame = table([SurplusVolatility(max=0.05), NO_LONG_ONLY])
    assert not expect(frame, "surplus_volatility", "<=", volatility / L_PV, 0.05)
    frame = table([SurplusVolatility(max=0.2), NO_LONG_ONLY])
    assert expect(frame, "surplus_volatility", "<=", volatility / L_PV, 0.2)


def test_expected_return_is_money_return_over_capital():
    value = RETURN @ X / CAPITAL  # the repo's rate counts as a cost
    assert expect(
        table([ExpectedReturn(min=0.05), NO_LONG_ONLY]), "expected_return", ">=", value, 0.05
    )
    assert not expect(
        table([ExpectedReturn(min=0.06), NO_LONG_ONLY]), "expected_return", ">=", value, 0.06
    )


KITCHEN_SINK = [
    Budget(),
    HedgeRatio(min=0.9, max=1.0),
    HedgeRatio(risk="inflation", min=0.6),
    KeyRateTolerance(fraction=0.3),
    Bounds(group="return_seeking", max_fraction=0.3),
    Bounds(instrument="CASH", min=20.0),
    Leverage(max=1.5),
    MaxTurnover(max=2.0),
    SurplusVolatility(max=0.1),
    ExpectedReturn(min=0.03),
    DurationMatch(tolerance=5.0),
]


def test_every_hard_row_of_a_solved_problem_holds_to_1e_7_in_its_units():
    objective = [ObjectiveItem(KeyRateMismatch()), ObjectiveItem(TransactionCosts())]
    model = Model(DATA, objective, KITCHEN_SINK)
    result = solve(model)
    assert result.ok
    z = result.positions.to_numpy() / model.scales.money
    _, rows = evaluate(model, z, {})
    assert {term.kind for term, _ in rows} >= {t.kind for t in KITCHEN_SINK} | {"long_only"}
    for _, row in rows:
        assert np.max(violation(NumpyOps(), row)) < 1e-7, row.name
    for _, row, built in model.compiled.rows:
        for constraint in built:
            assert np.max(constraint.violation()) < 1e-7, row.name
    assert (result.constraints["slack"] / result.constraints["bound"].abs().clip(1)).min() > -1e-7


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


@pytest.mark.parametrize(
    ("cls", "options", "message"),
    [
        (HedgeRatio, {"min": 1.2, "max": 1.0}, "max: got 1.0; expected a number >= min (1.2)"),
        (HedgeRatio, {}, "max: got None; expected min or max (or both)"),
        (HedgeRatio, {"min": -0.1}, "min: got -0.1; expected a finite number >= 0"),
        (HedgeRatio, {"min": 1, "risk": "fx"}, "risk: got 'fx'; expected one of ['rates', 'in"),
        (KeyRateTolerance, {"max": 1.0, "fraction": 0.1}, "max: got 1.0; expected either max"),
        (KeyRateTolerance, {}, "max: got None; expected either max (money per bp) or fraction"),
        (Bounds, {"min": 1.0}, "instrument: got None; expected exactly one of instrument, in"),
        (Bounds, {"instrument": "A", "group": "bond", "max": 1}, "instrument: got 'A'; expected"),
        (Bounds, {"instrument": "A"}, "max: got None; expected at least one of min, max, min_"),
        (Budget, {"soft": -1.0}, "soft: got -1.0; expected a finite number >= 0"),
        (Leverage, {"max": float("nan")}, "max: got nan; expected a finite number >= 0"),
        (ExpectedReturn, {"min": 2.0}, "min: got 2.0; expected a finite number in [-1, 1]"),
        (LongOnly, {"roles": ("growth",)}, "roles: got ('growth',); expected a list of roles"),
    ],
)
def test_constraint_options_are_validated_with_field_value_and_expectation(cls, options, message):
    with pytest.raises(SpecError) as error:
        cls(**options)
    assert str(error.value).startswith(f"{cls.kind}.{message}")
    assert error.value.path == message.split(":")[0]


@pytest.mark.parametrize(
    ("term", "message"),
    [
        (HedgeRatio(min=1.0, bucket=(7.0,)), "bucket: got (7.0,); expected key tenors among [5.0,"),
        (Bounds(instrument="NOPE", max=1.0), "instrument: got 'NOPE'; expected instrument ids"),
        (Bounds(group="nope", max=1.0), "group: got 'nope'; expected a group, kind or role among"),
        (LongOnly(exclude=("NOPE",)), "exclude: got ('NOPE',); expected instrument ids among"),
    ],
)
def test_options_checked_against_the_data_name_the_term_path(term, message):
    model = Model(DATA, [ObjectiveItem(Cost())], [term], paths={term.name: "constraints[3]"})
    with pytest.raises(SpecError) as error:
        _ = model.compiled
    assert str(error.value).startswith(f"constraints[3].{message}")
    assert error.value.path == "constraints[3]." + message.split(":")[0]


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


def test_expected_surplus_return_floor_is_money_surplus_growth_over_the_liabilities():
    value = (RETURN @ X - LIABILITIES["expected_return"]) / L_PV
    row = "min_expected_surplus_return"
    floor = MinSurplusReturn(min=0.0)
    assert expect(table([floor, NO_LONG_ONLY]), row, ">=", value, 0.0)
    assert not expect(
        table([MinSurplusReturn(min=value + 0.01), NO_LONG_ONLY]), row, ">=", value, value + 0.01
    )


def test_expected_surplus_return_floor_binds_at_the_least_trading():
    """The floor 1 (money) above the holdings' surplus return, at least turnover.

    By hand: the best return per unit traded is selling cash or the linker (4%) for equity
    (7%): 0.03 per unit bought, two units traded. So 1 / 0.03 units each way, turnover
    2 / 0.03, and the row binds (gilt to equity gains 0.025, repo-funded equity 0.02 for
    two units of trade, credit to equity 0.015: all dearer).
    """
    holdings = np.array([HOLDINGS.get(i, 0.0) for i in IDS])
    base = (RETURN @ holdings - LIABILITIES["expected_return"]) / L_PV
    floor = base + 1.0 / L_PV
    model = Model(DATA, [ObjectiveItem(Turnover())], [Budget(), MinSurplusReturn(min=floor)])
    result = solve(model)
    assert result.ok
    assert result.objective_value == pytest.approx(2.0 / 0.03, rel=1e-7)
    row = result.constraints.loc["min_expected_surplus_return"]
    assert row["value"] == pytest.approx(floor, rel=1e-9)
    assert row["bound"] == pytest.approx(floor, rel=1e-12)
