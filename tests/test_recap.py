"""A book's recapitalisation plan, against an independent LP of the same plan.

Reference: a small book on a flat 4% semiannual curve — cash, a 20-year zero-coupon gilt, a
30-year receiver swap and an equity fund, with a sponsor's facility — valued in closed form
(gilt (1 + z/2)^-40; swap K Σ DF_i + DF_30 − 1), its headroom rows and per-unit raises
written out by hand from the module's formulas, and solved by ``scipy.optimize.linprog``.
Costs agree to 1e-9 of the plan's size; amounts used to 1e-6 of the largest amount.
Stress: the catalogue's ``parallel_up_100`` (zero-rate bp), then a further rise of the target
in the same units. Cases: repo without limit, and a repo capacity of 0 (the swaps' margin
must then come from cash alone: a hand-computed cash-only row).
"""

from dataclasses import replace
from typing import Any, NamedTuple

import numpy as np
import pytest
from scipy.optimize import linprog

import ldi
from ldi.errors import DataError
from ldi.liquidity import ActionTerms
from ldi.recap import recapitalise
from tests import reference as ref_module
from tests.reference import (
    DEFAULT_PROBLEM,
    Shock,
    catalogue,
    collateral_coefficients,
    collateral_terms,
    positions_of,
    repaid_in_cash,
    stressed_scales,
    unit_values,
    variation_margin,
)

RATE, K, TARGET, DEADLINE = 0.04, 0.045, 350.0, 3
HOLDINGS = {"CASH": 30e6, "GILT": 60e6, "SWAP": 400e6, "EQUITY": 100e6}
SPONSOR = {"amount": 20e6, "days": 1, "cost": 0.05}
COST_BP = {"bond": 3.0, "interest_rate_swap": 0.25, "return_seeking": 10.0}


def book(repo_capacity=None, **recap):
    collateral = {} if repo_capacity is None else {"repo_capacity": repo_capacity}
    return ldi.load_problem(
        {
            "ldi": 1,
            "name": "Recap case",
            "currency": "GBP",
            "curves": {
                "gilts": {"tenors": [1, 50], "rates": [RATE, RATE], "compounding": "semiannual"}
            },
            "liabilities": {"discount_curve": "gilts", "cashflows": [{"time": 20, "fixed": 300e6}]},
            "instruments": [
                {"id": "CASH", "kind": "cash", "rate": 0.03},
                {"id": "GILT", "kind": "bond", "coupon": 0.0, "maturity": 20, "frequency": 2},
                {
                    "id": "SWAP",
                    "kind": "interest_rate_swap",
                    "tenor": 30,
                    "frequency": 1,
                    "fixed_rate": K,
                },
                {
                    "id": "EQUITY",
                    "kind": "return_seeking",
                    "expected_return": 0.07,
                    "volatility": 0.15,
                },
            ],
            "holdings": HOLDINGS,
            "collateral": collateral,
            "recapitalisation": {
                "sponsor": SPONSOR,
                "cost_bp": COST_BP,
                "actions": {"EQUITY": {"days": 2}},
                **recap,
            },
        }
    )


def df(t, move_bp=0.0):
    return (1.0 + (RATE + move_bp * 1e-4) / 2.0) ** (-2.0 * np.asarray(t, dtype=float))


def gilt(move_bp):
    """Value per unit of today's market value."""
    return df(20, move_bp) / df(20)


def swap(move_bp):
    """Receiver swap per unit notional: K Σ DF(i) + DF(30) − 1."""
    return K * df(np.arange(1, 31), move_bp).sum() + df(30, move_bp) - 1.0


def reference(repo_capacity):
    """The plan's LP written out by hand: (costs, amounts, days, rows, needs, names)."""
    s, m = 100.0, 100.0 + TARGET
    x_c, x_g, x_s, x_e = (HOLDINGS[k] for k in ("CASH", "GILT", "SWAP", "EQUITY"))
    haircut = 0.04  # government bonds over 5 years
    c_g, c_s, c_e = 3e-4, 0.25, 1e-3  # bid/offer: money, bp of rate, money
    pv01 = (swap(-1) - swap(1)) / 2.0
    gilt_pv01 = (gilt(-1) - gilt(1)) / 2.0

    # Headroom rows: total = cash + (1 − h) gilt + swap's value change; cash: the same here
    # (cash, money-market and same-day repo of gilts); capped: cash + capacity − margin.
    def total(move):
        return x_c + (1 - haircut) * gilt(move) * x_g + (swap(move) - swap(0)) * x_s

    def capped(move):
        return x_c + repo_capacity + (swap(move) - swap(0)) * x_s

    rows_at = {"nominal": m, "calls": s}
    measures = ["total", "cash"] + ([] if repo_capacity is None else ["capped"])
    headroom = {
        (test, measure): (capped(move) if measure == "capped" else total(move))
        for test, move in rows_at.items()
        for measure in measures
    }
    names = ["sell GILT", "unwind SWAP", "sell EQUITY", "SPONSOR"]
    days = np.array([1, 0, 2, 1])  # gilt T+1; unwind at once; equity as stated; sponsor
    amounts = np.array([x_g * gilt(s), x_s, x_e, SPONSOR["amount"]])
    costs = np.array(
        [
            c_g + TARGET * gilt_pv01 / gilt(s),  # the hedge given up, per money sold
            c_s * pv01 + TARGET * pv01,
            c_e + (0.07 - 0.03) * 1.0,  # a year of expected return over cash
            SPONSOR["cost"],
        ]
    )

    def raises(test, measure):
        move = rows_at[test]
        kept = 0.0 if measure == "capped" else (1 - haircut) * gilt(move) / gilt(s)
        return np.array([(1 - c_g) - kept, swap(s) - swap(move), 1 - c_e, 1.0])

    rows, needs = [], []
    for test, measure in headroom:
        due = 1 if test == "calls" else DEADLINE
        for day in range(DEADLINE + 1):
            h = headroom[(test, measure)]
            rows.append(raises(test, measure) * (days <= day))
            needs.append(-h if day >= due else min(-h, 0.0))
    return costs, amounts, np.array(rows), np.array(needs), names, headroom, days


@pytest.mark.parametrize("repo_capacity", [None, 0.0])
def test_the_plan_is_the_independent_lp_optimum(repo_capacity):
    recap = recapitalise(
        book(repo_capacity), scenario="parallel_up_100", target_bp=TARGET, days=DEADLINE
    )
    costs, amounts, rows, needs, names, headroom, days = reference(repo_capacity or 0.0)
    if repo_capacity is None:
        rows, needs = _without_capped(rows, needs, headroom)
    assert recap.headroom["nominal"] == pytest.approx(headroom[("nominal", "total")], rel=1e-9)
    assert recap.headroom["calls"] == pytest.approx(headroom[("calls", "total")], rel=1e-9)
    assert recap.headroom["nominal"] < 0  # the case must need a plan
    assert recap.candidates.loc[names, "day"].tolist() == days.tolist()
    solved = linprog(
        costs, A_ub=-rows, b_ub=-needs, bounds=list(zip(0 * amounts, amounts, strict=True))
    )
    assert solved.status == 0
    size = max(amounts.max(), np.abs(needs).max())
    assert recap.ok
    assert recap.plan.cost == pytest.approx(solved.fun, abs=1e-9 * size)
    used = recap.used.reindex(names).to_numpy()
    assert used == pytest.approx(solved.x, abs=1e-6 * size)
    assert recap.by_day.loc[DEADLINE, "nominal"] >= -1e-6 * size


def _without_capped(rows, needs, headroom):
    """Without a capacity the capped rows do not exist."""
    keys = list(headroom)
    span = DEADLINE + 1
    keep = np.concatenate(
        [np.arange(i * span, (i + 1) * span) for i, k in enumerate(keys) if k[1] != "capped"]
    )
    return rows[keep], needs[keep]


def then(move: Shock, nominal_bp: float = 0.0, breakeven_bp: float = 0.0) -> Shock:
    """``move`` followed by parallel moves (decimals from bp), in the move's own units."""
    return replace(
        move,
        nominal=lambda t: move.nominal(t) + nominal_bp * 1e-4,
        breakeven=lambda t: move.breakeven(t) + breakeven_bp * 1e-4,
    )


def reference_rows(ref, x, stress: Shock, target: float, repaid=()):
    """Headroom (money) and raise per unit of position sold or unwound, for each row.

    Rows as the module states them, from the independent reference's collateral:
    total = (available − need)·x; cash = cash pools + gilts' same-day repo (+ collateral a
    repo counterparty returns) − the swaps' margin and the cash repaying a repo. Sales
    raise (1 − c) − k(M)/s, unwinds sgn·(k(S) − k(M)). ``repaid``: repo repaid, not rolled.
    """
    window = 5.0  # the file's collateral window
    moves = {
        "nominal": (then(stress, nominal_bp=target), window),
        "real": (then(stress, breakeven_bp=-target), window),
        "calls": (stress, 0.0),
    }
    rows = {}
    terms = collateral_terms(ref, window)
    for test, (move, days) in moves.items():
        for measure in ("total", "cash"):
            margin = stressed_scales(ref, move)[1] * terms["initial_margin"]
            rows[f"{test}/{measure}" if measure == "cash" else test] = {
                "at": _row(ref, move, days, measure, repaid),
                "stress": _row(ref, stress, days, measure, repaid),
                "margin": margin if measure == "total" else 0.0 * margin,
            }
    return rows


def _row(ref, move, days, measure, repaid=()):
    available, need = collateral_coefficients(ref, move, days, repaid)
    if measure == "total":
        return available - need
    terms = collateral_terms(ref, days)
    financing = terms["role"] == "financing"
    pool = terms["asset_class"].where(~financing, terms["pledge"].map(terms["asset_class"]))
    cash = available.where(pool.isin(["cash", "money_market"]), 0.0)
    gilts = available.where(pool == "government", 0.0)
    returned = (-need).where(financing & (pool == "government") & (need < 0), 0.0)
    paid = (terms["role"] == "overlay") | repaid_in_cash(ref, move, days, repaid)
    return cash + gilts + returned - need.where(paid, 0.0)


class ReferencePlan(NamedTuple):
    """scipy's answer, each row's headroom before and raise per unit, price changes, size."""

    solved: Any
    headroom: dict[str, float]
    per_unit: dict[str, np.ndarray]
    scale: Any
    size: float


def default_reference_lp(recap, days: int, target: float = 700.0) -> ReferencePlan:
    """The default problem's plan after the 2022 gilt crisis as an LP solved by scipy.

    The rows and raises come from tests/reference.py (no ldi import there); the actions'
    days, amounts and costs are the plan's own ``candidates`` (checked by hand for growth
    assets in the test below).
    """
    ref = ref_module.reference()
    x = positions_of(ref)
    stress = catalogue("GBP")["gilt_crisis_2022"][-1][1]
    rows = reference_rows(ref, x, stress, target)
    candidates = recap.candidates
    repays = candidates.loc[candidates["kind"] == "repay", "instrument"].tolist()
    instead = reference_rows(ref, x, stress, target, repaid=repays)  # repaid, not rolled
    scale = unit_values(ref, stress) / unit_values(ref)
    costs = candidates["cost_per_unit"].tolist()
    amounts = candidates["amount"].tolist()
    matrix, needs, raises = [], [], {}
    for name, row in rows.items():
        per_unit = []
        for _, item in candidates.iterrows():
            i = item["instrument"]
            if item["kind"] == "sponsor":  # cash in every row
                per_unit.append(1.0)
            elif item["kind"] == "sell":
                per_unit.append(item["cash_per_unit"] - row["at"][i] / scale[i])
            elif item["kind"] == "repay":
                per_unit.append(instead[name]["at"][i] - row["at"][i])
            else:
                sign = np.sign(x[i])
                per_unit.append(sign * (row["stress"][i] - row["at"][i]) + row["margin"][i])
        raises[name] = np.array(per_unit)
        headroom = float(row["at"] @ x - row["margin"] @ x.abs())
        due = 1 if name.startswith("calls") else days
        for day in range(days + 1):
            paid = candidates["day"].to_numpy() <= day
            matrix.append(np.array(per_unit) * paid)
            needs.append(-headroom if day >= due else min(-headroom, 0.0))
    matrix, needs, amounts = np.array(matrix), np.array(needs), np.array(amounts)
    bounds = list(zip(0 * amounts, amounts, strict=True))
    solved = linprog(costs, A_ub=-matrix, b_ub=-needs, bounds=bounds)
    assert solved.status == 0
    size = max(amounts.max(), np.abs(needs).max())
    headroom = {name: float(row["at"] @ x - row["margin"] @ x.abs()) for name, row in rows.items()}
    return ReferencePlan(solved, headroom, raises, scale, size)


@pytest.mark.parametrize("days", [5, 10])
def test_the_default_problems_plan_is_the_reference_lp(days):
    """After the 2022 gilt crisis, a 700bp buffer: the UK scheme's plan against scipy."""
    problem = ldi.load_problem(DEFAULT_PROBLEM)
    recap = recapitalise(problem, scenario="gilt_crisis_2022", target_bp=700, days=days)
    solved, headroom, _, scale, size = default_reference_lp(recap, days)
    for name, value in headroom.items():
        assert recap.headroom[name] == pytest.approx(value, rel=1e-9)
    assert recap.ok
    assert recap.plan.cost == pytest.approx(solved.fun, abs=1e-9 * size)
    assert recap.used.to_numpy() == pytest.approx(solved.x, abs=1e-6 * size)
    candidates = recap.candidates
    growth = candidates[candidates["category"] == "growth"]
    assert (growth["day"] == 7).all()  # the file: growth takes 7 days to turn into cash
    # The one-week repo ends within the window: 0.01 years, 3.65 calendar days, business
    # day 3. Repaying the GBP 20m rather than rolling it at haircuts x1.21 is used at 5 days.
    repay = candidates.loc["repay REPO_1W"]
    assert (repay["day"], repay["amount"], repay["cash_per_unit"]) == (3, 20e6, -1.0)
    assert (recap.used["repay REPO_1W"] > 0) == (days == 5)
    equity = candidates.loc["sell GLOBAL_EQUITY"] if days >= 7 else None
    if equity is not None:  # 10bp bid/offer and a year of 7% over the 3.8% cash rate
        assert equity["cost_per_unit"] == pytest.approx(10e-4 + 0.070 - 0.038, rel=1e-12)
        assert equity["amount"] == pytest.approx(400e6 * scale["GLOBAL_EQUITY"], rel=1e-12)


def test_the_calls_are_met_from_collateral_in_hand_as_the_reference_waterfall():
    """After the 2022 crisis, the pools meeting its calls: the reference's waterfall, 0 days.

    The reference uses the pools in order for all the calls; ldi splits the swaps'
    variation margin (from cash first) from the other calls, so only their sum is compared
    with the reference's ``used``. Without repo capacity the two orders use each pool alike.
    """
    problem = ldi.load_problem(DEFAULT_PROBLEM)
    recap = recapitalise(problem, scenario="gilt_crisis_2022", target_bp=700)
    ref = ref_module.reference()
    stress = catalogue("GBP")["gilt_crisis_2022"][-1][1]
    expected = ref_module.waterfall(ref, positions_of(ref), stress, within_days=0.0)
    table = recap.calls_met
    assert table.index.tolist() == expected.index.tolist() == ["cash", "government"]
    for column in ("available", "used", "left"):
        np.testing.assert_allclose(table[column], expected[column], rtol=1e-9)
    np.testing.assert_allclose(
        table["variation_margin"] + table["other"], expected["used"], rtol=1e-9
    )
    margin = variation_margin(ref, positions_of(ref), stress, within_days=0.0)
    assert table["variation_margin"].sum() == pytest.approx(margin, rel=1e-9)
    # What the report shows: the calls met, the government pool's share of the margin
    # being the same-day repo to raise.
    text = recap.report().as_text()
    assert "gilt_crisis_2022's calls, due on day 1, met from collateral in hand" in text


def test_a_repo_the_policy_keeps_is_always_rolled():
    """``amount: 0`` for a repo: no repay action; the plan finds its money elsewhere."""
    problem = ldi.load_problem(DEFAULT_PROBLEM)
    policy = replace(problem.recapitalisation, actions={"REPO_1W": ActionTerms(amount=0.0)})
    kept = replace(problem, recapitalisation=policy)
    recap = recapitalise(kept, scenario="gilt_crisis_2022", target_bp=700, days=5)
    free = recapitalise(problem, scenario="gilt_crisis_2022", target_bp=700, days=5)
    assert "repay REPO_1W" not in recap.candidates.index
    assert recap.ok
    assert recap.plan.cost > free.plan.cost  # repaying was the cheaper way


def test_cash_only_margin_binds_when_repo_is_capped():
    """Capacity 0: the swaps' call after the stress must be met in cash, by hand."""
    recap = recapitalise(book(0.0), scenario="parallel_up_100", target_bp=TARGET, days=DEADLINE)
    margin = -(swap(100 + TARGET) - swap(0)) * HOLDINGS["SWAP"]
    assert recap.headroom["nominal/capped"] == pytest.approx(HOLDINGS["CASH"] - margin, rel=1e-9)


def test_an_unreachable_target_is_diagnosed():
    """Without the hedge to cut, the equity and the sponsor cannot cover a 2,000bp buffer."""
    frozen = {"SWAP": {"amount": 0}, "GILT": {"amount": 0}, "EQUITY": {"days": 2}}
    recap = recapitalise(book(actions=frozen), target_bp=2000, days=2)
    assert not recap.ok
    short = -recap.headroom["nominal"]
    assert recap.plan.diagnosis == (
        f"day 2 needs {short:,.0f} for nominal but the actions that pay by then raise at most "
        f"{0.999 * 100e6 + 20e6:,.0f} (sell EQUITY, SPONSOR used in full); by the deadline "
        f"they raise at most {0.999 * 100e6 + 20e6:,.0f} against {short:,.0f}"
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"days": 0}, "days: got 0; expected a whole number of days from 1 to 250"),
        ({"target_bp": -5.0}, "target_bp: got -5.0; expected a rise of 0 to 2000 bp"),
        (
            {"scenario": "nope"},
            "scenario: got 'nope'; expected one of ",
        ),
    ],
)
def test_bad_inputs_are_named(options, message):
    with pytest.raises(DataError) as caught:
        recapitalise(book(), **options)
    assert str(caught.value).startswith(message)


def test_a_file_whose_days_pass_its_own_deadline_is_refused_on_loading():
    with pytest.raises(ldi.errors.SpecError) as caught:
        book(days=1)  # the equity fund's cash takes 2 days
    assert str(caught.value) == (
        "recapitalisation.actions.EQUITY.days: got 2; expected days up to the deadline, 1 "
        "(or a later deadline)"
    )


def test_a_shorter_deadline_asked_of_the_plan_lists_what_comes_too_late():
    recap = recapitalise(book(), days=1)
    assert recap.late.to_dict() == {"EQUITY": 2.0}
    assert "sell EQUITY" not in recap.candidates.index
    recap = recapitalise(book(sponsor={**SPONSOR, "days": 2}), days=1)
    assert recap.late.to_dict() == {"EQUITY": 2.0, "SPONSOR": 2.0}
    assert "SPONSOR" not in recap.candidates.index


def test_an_actions_own_cost_replaces_the_quotes_by_kind():
    """Bid/offer by id in ``actions`` before ``cost_bp`` by id or kind (10bp for growth)."""
    plain = recapitalise(book()).candidates.loc["sell EQUITY"]
    assert plain["trading_cost_per_unit"] == pytest.approx(10e-4, rel=1e-12)
    own = book(actions={"EQUITY": {"days": 2, "cost_bp": 50}})
    candidate = recapitalise(own).candidates.loc["sell EQUITY"]
    assert candidate["trading_cost_per_unit"] == pytest.approx(50e-4, rel=1e-12)
    assert candidate["cost_per_unit"] - plain["cost_per_unit"] == pytest.approx(40e-4, rel=1e-9)


def test_an_action_naming_an_unknown_instrument_is_refused():
    with pytest.raises(ldi.errors.SpecError) as caught:
        book(actions={"NOPE": {"days": 1}})
    assert str(caught.value).startswith(
        "recapitalisation.actions.NOPE: got 'NOPE'; expected an instrument id, one of "
    )
