"""The collateral_buffer and liquidity_coverage constraints on a small scheme, by hand.

The scheme: a flat 4% annual zero curve, 40 yearly benefits of 10, a 30y 4% annual gilt, a
30y par receiver swap, 3-month repo against the gilt (4% haircut), equity (not collateral
within the window) and cash; it maximizes expected surplus return under a hedge ratio band
and a leverage limit. References: closed-form prices on the moved flat curve (bond, swap,
repo), an independent scipy ``linprog`` of the same LP, and hand sums of the benefits due.
Rises are in zero-rate bp (``units: zero``), the unit of the closed forms.
Tolerances: positions and objective to 1e-6 of the capital (HiGHS's default feasibility
tolerance is 1e-7 on O(1) scaled rows); closed-form headrooms to 1e-9 of the capital (the
same float64 formulas in another order).
"""

import copy

import numpy as np
import pytest
from scipy.optimize import linprog

import ldi
from ldi.errors import SpecError
from ldi.optimize.data import ModelData
from ldi.optimize.model import Model, ObjectiveItem
from ldi.optimize.terms.allocation import Budget
from ldi.optimize.terms.liquidity import CollateralBuffer, LiquidityCoverage
from ldi.optimize.terms.objectives import ExpectedSurplusReturn
from ldi.reporting import SolveSummary

Z = 0.04  # flat annual zero rate
CAPITAL = 200.0
H_REPO, H_GILT = 0.04, 0.04  # repo haircut; EMIR haircut of a gilt over 5 years
TERM = 0.25
IDS = ["GILT_30", "SWAP_30", "REPO", "EQUITY", "CASH"]
RAW = {
    "ldi": 1,
    "name": "collateral scheme",
    "currency": "GBP",
    "curves": {
        "gilts": {"kind": "zero", "tenors": [1, 50], "rates": [Z, Z], "compounding": "annual"}
    },
    "liabilities": {
        "discount_curve": "gilts",
        "cashflows": [{"time": float(t), "fixed": 10.0} for t in range(1, 41)],
    },
    "instruments": [
        {"id": "GILT_30", "kind": "bond", "coupon": 0.04, "maturity": 30, "frequency": 1},
        {"id": "SWAP_30", "kind": "interest_rate_swap", "tenor": 30},
        {"id": "REPO", "kind": "repo", "collateral": "GILT_30", "term": TERM, "haircut": H_REPO},
        {"id": "EQUITY", "kind": "return_seeking", "expected_return": 0.07, "volatility": 0.16},
        {"id": "CASH", "kind": "cash", "rate": 0.04},
    ],
    "holdings": {"EQUITY": 100.0, "CASH": 50.0, "GILT_30": 50.0},
    "objective": {"maximize": ["expected_surplus_return"]},
    "constraints": [
        "budget",
        {"hedge_ratio": {"risk": "rates", "min": 0.9, "max": 1.0}},
        {"leverage": {"max": 2.0}},
        {
            "collateral_buffer": {
                "yield_rise_bp": 200,
                "operational_bp": 50,
                "real": False,
                "units": "zero",
            }
        },
    ],
    "collateral": {"days": {"equity": 7}},
}
POSITIONS_ATOL = 1e-6 * CAPITAL
EXACT = 1e-9 * CAPITAL


def df(t, shift=0.0):
    return (1.0 + Z + shift) ** -np.asarray(t, dtype=float)


def gilt_value(shift):
    """Per unit of value: the 30y 4% annual bond's price ratio after a parallel move."""
    t = np.arange(1, 31)
    flows = np.full(30, 4.0)
    flows[-1] += 100.0
    return float(flows @ df(t, shift)) / float(flows @ df(t))


def swap_value(shift):
    """Per unit of notional: receive the par fixed rate for 30 years, annual payments."""
    t = np.arange(1, 31)
    par = (1 - df(30)) / df(t).sum()
    return float(par * df(t, shift).sum() + df(30, shift) - 1.0)


def repo_rate():
    return (1 / float(df(TERM)) - 1) / TERM


def repo_value(shift):
    return -(1 + repo_rate() * TERM) * float(df(TERM, shift))


def pv01(value):
    return (value(-1e-4) - value(1e-4)) / 2


def liability_pv(shift=0.0):
    return float(10.0 * df(np.arange(1, 41), shift).sum())


def headroom_coefficients(shock_bp, haircut_scale=1.0):
    """Collateral available − needed per unit (GILT, SWAP, REPO, EQUITY, CASH) after a rise.

    ``haircut_scale`` widens the gilt's haircut (the repo runs past the window: its own
    haircut stays as agreed).
    """
    s = shock_bp * 1e-4
    gilt_return = gilt_value(s) - 1.0
    h_gilt = haircut_scale * H_GILT
    return np.array(
        [
            (1 - h_gilt) * gilt_value(s),
            swap_value(s),  # −(variation margin posted) = the swap's value change
            -(1 - h_gilt) * (1 + gilt_return) / (1 - H_REPO) + gilt_return / (1 - H_REPO),
            0.0,
            1.0,
        ]
    )


def cash_coefficients(shock_bp):
    """Cash less the swap's variation margin, and the gilt's same-day repo value, per unit.

    After a rise: the repo value after haircut, less what the repo has already pledged.
    """
    s = shock_bp * 1e-4
    gilt = (1 - H_GILT) * gilt_value(s)
    pledged = -(1 - H_GILT) * gilt_value(s) / (1 - H_REPO)
    cash = np.array([0.0, swap_value(s), 0.0, 0.0, 1.0])  # cash less the call
    repo = np.array([gilt, 0.0, pledged, 0.0, 0.0])
    return cash, repo


def reference_lp(shock_bp, due=0.0, hedge=(0.9, 1.0), leverage=2.0, capacity=None, cash_rate=0.04):
    """The same LP by scipy: maximize Σ r_i x_i under the problem's rows (swap notional ≥ 0).

    ``due``: benefits the headroom must cover too (liquidity coverage). The swap's variation
    margin is paid in cash: cash + the gilt's repo value (at most ``capacity``) − call ≥ due.
    """
    returns = np.array([Z, 0.0, -repo_rate(), 0.07, cash_rate])
    exposures = np.array([pv01(gilt_value), pv01(swap_value), pv01(repo_value), 0.0, 0.0])
    liability01 = pv01(liability_pv)
    value = np.array([1.0, 0.0, -1.0, 1.0, 1.0])
    a_ub = [
        exposures,
        -exposures,
        [-leverage, 1.0, 1.0 + 2 * leverage, -leverage, -leverage],  # |swap| + repo ≤ L·net
        -headroom_coefficients(shock_bp),
        [-1.0, 0.0, 1 / (1 - H_REPO), 0.0, 0.0],  # pledged ≤ held
        -(cash_coefficients(shock_bp)[0] + cash_coefficients(shock_bp)[1]),
    ]
    b_ub = [hedge[1] * liability01, -hedge[0] * liability01, 0.0, -due, 0.0, -due]
    if capacity is not None:
        a_ub.append(-cash_coefficients(shock_bp)[0])
        b_ub.append(capacity - due)
    solved = linprog(
        -returns, A_ub=a_ub, b_ub=b_ub, A_eq=[value], b_eq=[CAPITAL], bounds=[(0, None)] * 5
    )
    assert solved.status == 0
    return solved.x, -solved.fun


def solve(raw):
    problem = ldi.load_problem(raw)
    return problem, problem.solve()


def positions(result):
    return result.positions.reindex(IDS).to_numpy()


# --- the optimum against an independent LP ---------------------------------------------------


@pytest.mark.parametrize("shock_bp", [100.0, 250.0, 400.0])
def test_optimum_matches_an_independent_lp(shock_bp):
    raw = copy.deepcopy(RAW)
    raw["constraints"][3] = {
        "collateral_buffer": {
            "yield_rise_bp": shock_bp,
            "operational_bp": 0,
            "real": False,
            "units": "zero",
        }
    }
    _, result = solve(raw)
    expected, objective = reference_lp(shock_bp)
    np.testing.assert_allclose(positions(result), expected, atol=POSITIONS_ATOL)
    liability_growth = Z * liability_pv()  # a flat curve: the liabilities grow at Z
    assert result.objective_value == pytest.approx(-(objective - liability_growth), abs=1e-6)


@pytest.mark.parametrize("capacity", [0.0, 5.0])
def test_a_repo_capacity_limits_the_swaps_margin_as_an_independent_lp(capacity):
    """Cleared swaps pay variation margin in cash, raised by same-day repo of the gilts.

    With cash at 2% the scheme holds none: the swap's call after 250bp is met by gilt repo,
    exactly. A repo capacity caps that cash, so the hedge moves from the swap into gilts
    held on repo (which call no variation margin), as the independent LP does.
    """
    raw = copy.deepcopy(RAW)
    raw["instruments"][4] = {"id": "CASH", "kind": "cash", "rate": 0.02}
    raw["collateral"]["repo_capacity"] = capacity
    _, result = solve(raw)
    expected, _ = reference_lp(250.0, capacity=capacity, cash_rate=0.02)
    np.testing.assert_allclose(positions(result), expected, atol=POSITIONS_ATOL)
    assert result.constraints.loc["collateral_buffer.repo_capacity[nominal]", "binding"]
    free, _ = reference_lp(250.0, cash_rate=0.02)
    swap = IDS.index("SWAP_30")
    assert expected[swap] < free[swap] - 80.0  # less swap, more gilts on repo
    cash, _ = cash_coefficients(250.0)  # cash - call + capacity = 0: the row met exactly
    assert cash @ positions(result) + capacity == pytest.approx(0.0, abs=POSITIONS_ATOL)


def test_headroom_row_is_the_closed_form_headroom_and_binds():
    _, result = solve(RAW)
    row = result.constraints.loc["collateral_buffer[nominal]"]
    expected = headroom_coefficients(250.0) @ positions(result)
    assert row["value"] == pytest.approx(expected, abs=EXACT)
    assert row["bound"] == 0.0
    assert row["binding"]
    assert row["vector"] == "collateral_buffer"
    assert row["entry"] == "nominal"
    pledged = result.constraints.loc["repo_collateral[GILT_30]", "value"]
    x = positions(result)
    assert pledged == pytest.approx(x[0] - x[2] / (1 - H_REPO), abs=EXACT)


# --- the trade-off as the shock grows --------------------------------------------------------


def test_a_larger_shock_moves_capital_from_growth_into_collateral():
    problem = ldi.load_problem(RAW)
    problem.solve()
    equity, collateral, objective = [], [], []
    for shock in (0.0, 50.0, 100.0, 200.0, 300.0, 400.0, 600.0):
        result = problem.resolve(limits={"collateral_buffer": {"yield_rise_bp": shock}})
        assert result.constraints.loc["collateral_buffer[nominal]", "binding"], shock
        x = positions(result)
        equity.append(x[3])
        collateral.append(x[4] + (1 - H_GILT) * (x[0] - x[2] / (1 - H_REPO)))
        objective.append(result.objective_value)
    tolerance = POSITIONS_ATOL
    assert np.all(np.diff(equity) <= tolerance)  # monotone: growth assets only fall
    assert np.all(np.diff(collateral) >= -tolerance)  # and eligible collateral only grows
    assert np.all(np.diff(objective) >= -1e-9)  # a tighter buffer never helps
    assert equity[-1] < equity[0] - 0.2 * CAPITAL  # and the move is material


def test_resolve_with_a_new_shock_equals_a_fresh_build():
    problem = ldi.load_problem(RAW)
    problem.solve()
    again = problem.resolve(limits={"collateral_buffer": {"yield_rise_bp": 350.0}})
    raw = copy.deepcopy(RAW)
    raw["constraints"][3]["collateral_buffer"]["yield_rise_bp"] = 350.0
    fresh = ldi.load_problem(raw).solve()
    np.testing.assert_allclose(positions(again), positions(fresh), atol=POSITIONS_ATOL)


def test_a_tighter_window_leaves_the_problem_infeasible_with_the_buffer_named():
    raw = copy.deepcopy(RAW)
    raw["constraints"][3]["collateral_buffer"]["within_days"] = 0.0
    raw["collateral"] = {"days": {"equity": 7, "cash": 1, "government": 1}}
    # Half the capital stays in equity, so gilts alone cannot hedge: swaps must post margin.
    raw["constraints"].append({"bounds": {"instrument": "EQUITY", "min_fraction": 0.5}})
    _, result = solve(raw)
    assert result.status.value == "infeasible"
    assert "collateral_buffer[nominal]" in result.diagnosis.table.index


def test_named_scenarios_are_tested_step_by_step():
    raw = copy.deepcopy(RAW)
    raw["stress"] = {
        "scenarios": [
            {"name": "two_days", "steps": [{"label": "d1", "nominal_bp": 150}, {"nominal_bp": 300}]}
        ]
    }
    raw["constraints"][3]["collateral_buffer"]["scenarios"] = ["parallel_up_100", "two_days"]
    _, result = solve(raw)
    rows = result.constraints[result.constraints["vector"] == "collateral_buffer"]
    assert list(rows["entry"]) == ["nominal", "parallel_up_100", "two_days:d1", "two_days:step 2"]
    x = positions(result)
    for entry, shock in (("nominal", 250), ("parallel_up_100", 100), ("two_days:step 2", 300)):
        value = rows.loc[f"collateral_buffer[{entry}]", "value"]
        assert value == pytest.approx(headroom_coefficients(shock) @ x, abs=EXACT), entry
    assert rows.loc["collateral_buffer[two_days:step 2]", "binding"]  # the largest rise binds
    expected, _ = reference_lp(300.0)
    np.testing.assert_allclose(x, expected, atol=POSITIONS_ATOL)
    assert "; and parallel_up_100, two_days" in result.collateral.title


def test_an_unknown_scenario_is_named_with_the_known_ones():
    raw = copy.deepcopy(RAW)
    raw["constraints"][3]["collateral_buffer"]["scenarios"] = ["nope"]
    with pytest.raises(SpecError, match=r"^constraints\[3\]\.collateral_buffer\.scenarios: "):
        ldi.load_problem(raw).solve()


# --- options: rises tested, initial margin, benefits ----------------------------------------


def test_rises_tested_are_labelled_nominal_real_and_breakeven():
    term = CollateralBuffer(yield_rise_bp=250, operational_bp=100, breakeven_fall_bp=50)
    moves = term.moves()
    assert list(moves) == ["nominal", "real", "breakeven"]
    assert moves["nominal"].nominal(30.0) == pytest.approx(350e-4)
    assert moves["nominal"].breakeven(30.0) == 0.0
    assert moves["real"].nominal(30.0) == 0.0
    assert moves["real"].breakeven(30.0) == pytest.approx(-350e-4)
    assert moves["breakeven"].nominal(30.0) == pytest.approx(-50e-4)
    assert moves["breakeven"].breakeven(30.0) == pytest.approx(-50e-4)
    assert list(CollateralBuffer(real=False).moves()) == ["nominal"]
    assert CollateralBuffer().shock_bp == 350.0


def test_initial_margin_is_a_fraction_of_gross_notional_in_the_headroom():
    raw = copy.deepcopy(RAW)
    raw["collateral"] = {"days": {"equity": 7}, "initial_margin": {"interest_rate_swap": 0.05}}
    _, result = solve(raw)
    x = positions(result)
    expected = headroom_coefficients(250.0) @ x - 0.05 * abs(x[1])
    value = result.constraints.loc["collateral_buffer[nominal]", "value"]
    assert value == pytest.approx(expected, abs=EXACT)
    assert value == pytest.approx(0.0, abs=POSITIONS_ATOL)  # it still binds


def test_the_stressed_terms_widen_haircuts_and_scale_initial_margin_in_the_buffer():
    """Haircuts x2 and initial margin x1.5 in every rise: the row the solve holds at 0.

    Without the repo, the hedge takes the swap, so its initial margin is in the row.
    """
    raw = copy.deepcopy(RAW)
    raw["instruments"] = [item for item in raw["instruments"] if item["id"] != "REPO"]
    raw["collateral"] = {
        "days": {"equity": 7},
        "initial_margin": {"interest_rate_swap": 0.05},
        "stressed": {"haircut_scale": 2.0, "margin_scale": 1.5},
    }
    _, result = solve(raw)
    x = np.nan_to_num(positions(result))  # no repo: 0
    assert x[1] > 0.1 * CAPITAL  # the swap carries the hedge
    expected = headroom_coefficients(250.0, haircut_scale=2.0) @ x - 1.5 * 0.05 * abs(x[1])
    value = result.constraints.loc["collateral_buffer[nominal]", "value"]
    assert value == pytest.approx(expected, abs=EXACT)
    assert value == pytest.approx(0.0, abs=POSITIONS_ATOL)  # it binds


@pytest.mark.parametrize(("months", "due"), [(12.0, 10.0), (18.0, 10.0), (24.0, 20.0)])
def test_liquidity_coverage_holds_liquid_assets_for_benefits_and_calls(months, due):
    raw = copy.deepcopy(RAW)
    raw["constraints"][3] = {
        "liquidity_coverage": {
            "yield_rise_bp": 250,
            "months": months,
            "real": False,
            "units": "zero",
        }
    }
    _, result = solve(raw)
    row = result.constraints.loc["liquidity_coverage[nominal]"]
    assert row["bound"] == pytest.approx(due, abs=EXACT)  # benefits of 10 a year
    assert row["value"] == pytest.approx(headroom_coefficients(250.0) @ positions(result))
    assert row["binding"]
    expected, _ = reference_lp(250.0, due)
    np.testing.assert_allclose(positions(result), expected, atol=POSITIONS_ATOL)


def test_summary_names_the_binding_buffer_and_shows_headroom():
    _, result = solve(RAW)
    text = SolveSummary.of(result).as_text()
    assert (
        "Collateral (collateral_buffer: 250bp rise (200bp + 50bp operational, zero-rate bp)" in text
    )
    assert "Binds: collateral_buffer[nominal]" in text
    table = SolveSummary.of(result).collateral()
    assert list(table.columns) == ["Before", "After"]
    assert table.loc["Headroom [nominal]", "After"] in ("0", "-0")
    before = headroom_coefficients(250.0) @ np.array([50.0, 0.0, 0.0, 100.0, 50.0])
    assert table.loc["Headroom [nominal]", "Before"] == f"{before:,.0f}"


# --- bad options ---------------------------------------------------------------------------


MOVE = "expected a move in bp in [0, 2000], 0 or at least 1 in size, such as 250"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"yield_rise_bp": -1}, f"yield_rise_bp: got -1.0; {MOVE}"),
        (
            {"operational_bp": 3000},
            f"operational_bp: got 3000.0; {MOVE}",
        ),
        ({"within_days": -2}, "within_days: got -2; expected a finite number >= 0"),
        ({"breakeven_fall_bp": float("nan")}, "breakeven_fall_bp: got nan; expected a finite"),
    ],
)
def test_bad_options_name_the_field(options, message):
    with pytest.raises(SpecError, match="^collateral_buffer." + message.replace("[", r"\[")):
        CollateralBuffer(**options)


def test_liquidity_coverage_months_are_bounded():
    with pytest.raises(SpecError, match=r"^liquidity_coverage.months: got 200; expected"):
        LiquidityCoverage(months=200)


def test_a_model_without_collateral_data_names_the_term():
    data = ModelData.from_arrays(["CASH"], kinds=["cash"], liabilities={"pv": 1.0})
    model = Model(
        data,
        [ObjectiveItem(ExpectedSurplusReturn(), maximize=True)],
        [Budget(), CollateralBuffer()],
    )
    with pytest.raises(SpecError, match="collateral_buffer.kind: .*no collateral data"):
        model.compile()
