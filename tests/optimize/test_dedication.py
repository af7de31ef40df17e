"""Cash-flow matching (dedication) against independent linear programs.

The textbook case is the classic bond-portfolio cash-matching LP of investment-science and
optimization-in-finance courses: buy the cheapest set of bonds whose coupons and redemptions,
with any surplus carried forward at a reinvestment rate, pay a schedule of yearly
liabilities. The bonds, prices and liabilities below are made up for these tests.

Each case is solved twice:

- by ldi, through ``make_data`` (positions are market values, so a bond's flows per unit of
  position are its cash flows per 100 face divided by its price), the ``Cost`` objective and
  a ``CashflowMatching`` constraint;
- by ``scipy.optimize.linprog(method="highs")`` on the same LP written directly in numbers of
  bonds, with explicit surplus (and borrowing) variables per period. Its rows read
  flows·n − s_p + g s_{p−1} + b_p − h b_{p−1} = L_p (g, h the reinvestment and borrowing
  growth over one period; a period ``today`` holds what is paid at t = 0), so its equality
  marginals are d cost / d L_p, the shadow price ldi reports for period p's balance row.

Compared: the optimal cost, positions (numbers of bonds x price), the LP's surplus and
borrowing, the ledger, and the balance rows' shadow prices. Shadow prices are also checked
against exact LP properties (complementary slackness, dual feasibility of the surplus
columns) and against finite differences of the optimal cost. The example problem
``problems/insurer_annuity_book.yaml`` is checked against its own liability CSV.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy.optimize import linprog

import ldi
from ldi.errors import SpecError
from ldi.optimize.model import Model, ObjectiveItem
from ldi.optimize.problem import OptimizationProblem
from ldi.optimize.result import LDIResult
from ldi.optimize.solve import solve
from ldi.optimize.terms.dedication import CashflowMatching
from ldi.optimize.terms.objectives import Cost
from tests.optimize.conftest import make_data

PROBLEMS = Path(__file__).resolve().parents[2] / "problems"
INSURER = PROBLEMS / "insurer_annuity_book.yaml"
INSURER_FLOWS = PROBLEMS / "data" / "insurer_annuity_book_cashflows.csv"

# The textbook market: annual-coupon bonds (price per 100 face) and six yearly liabilities.
IDS = ("A_1Y", "B_2Y", "C_3Y", "D_4Y", "E_5Y", "F_6Y", "G_6Y_STRIP")
COUPONS = np.array([0.05, 0.035, 0.06, 0.045, 0.07, 0.04, 0.0])
MATURITIES = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 6.0])
PRICES = np.array([101.2, 102.0, 104.1, 100.3, 110.2, 97.8, 78.0])
YEARS = np.arange(1.0, 7.0)
LIABILITIES = np.array([5000.0, 6000.0, 5500.0, 7000.0, 4000.0, 9000.0])
REINVESTMENT = 0.02
# With the 2-year bond cheap, borrowing at 5% from year 1 into year 2 beats buying the
# 1-year bond (the bonds' forward rate from 1 to 2 is above 5%), so a limit of 1500 binds.
BORROWING_PRICES = np.array([101.2, 98.0, 104.1, 100.3, 110.2, 97.8, 78.0])
BORROWING_RATE = 0.05
BORROWING_LIMIT = 1500.0

COST_RTOL = 1e-8  # HiGHS returns a basic solution of both LPs: equal up to rounding
PRICE_ATOL = 1e-6  # shadow prices are O(1): money today per unit of money paid in a period
BALANCE = "cashflow_matching.balance["
LIMIT = "cashflow_matching.borrowing["


def bond_flows(
    coupons: np.ndarray, maturities: np.ndarray, times: np.ndarray, frequency: int = 1
) -> np.ndarray:
    """(bonds, times) cash flows per 100 face; ``times`` is the coupon grid."""
    t, m = np.asarray(times)[None, :], np.asarray(maturities)[:, None]
    alive = (t > 0) & (t <= m + 1e-12)
    coupon = 100.0 * np.asarray(coupons)[:, None] / frequency
    return np.where(alive, coupon, 0.0) + np.where(np.isclose(t, m), 100.0, 0.0)


def period_index(times: np.ndarray, period: float) -> np.ndarray:
    """0 (today) for t <= 0, else p with (p−1)Δ < t <= pΔ."""
    times = np.asarray(times, dtype=float)
    later = np.ceil(times / period - 1e-9).astype(int)
    return np.where(times <= 0.0, 0, later)


def bucket(amounts: np.ndarray, times: np.ndarray, period: float, count: int) -> np.ndarray:
    """(count, rows) sums of ``amounts`` (rows, times) per period; later periods dropped."""
    amounts = np.atleast_2d(np.asarray(amounts, dtype=float))
    result = np.zeros((count, amounts.shape[0]))
    for column, p in enumerate(period_index(times, period)):
        if p < count:
            result[p] += amounts[:, column]
    return result


@dataclass(frozen=True)
class Reference:
    """The dedication LP solved by linprog, in numbers of bonds and money per period."""

    cost: float
    numbers: np.ndarray
    surplus: np.ndarray
    borrowing: np.ndarray
    balance_prices: np.ndarray  # d cost / d L_p, one per period (today first)
    limit_prices: np.ndarray | None  # d cost / d (limit in period p)
    inflow: np.ndarray  # (periods, bonds) money per bond
    outgo: np.ndarray
    growth: float


def reference_lp(
    flows: np.ndarray,
    times: np.ndarray,
    prices: np.ndarray,
    liability_times: np.ndarray,
    liabilities: np.ndarray,
    *,
    reinvestment_rate: float = 0.0,
    period: float = 1.0,
    horizon: float | None = None,
    borrowing_rate: float | None = None,
    borrowing_limit: float | None = None,
) -> Reference:
    """Min Σ price·n s.t. inflow·n − s_p + g s_{p−1} + b_p − h b_{p−1} = L_p, n, s, b ≥ 0.

    Debt must be repaid by the last period (b_last = 0): dedicated assets, not a loan left
    outstanding at the horizon, pay the liabilities.
    """
    prices = np.asarray(prices, dtype=float)
    n = prices.size
    last = horizon if horizon is not None else float(np.max(liability_times))
    count = 1 + int(np.ceil(last / period - 1e-9))
    inflow = bucket(flows, times, period, count)
    outgo = bucket(liabilities, liability_times, period, count)[:, 0]
    growth = (1.0 + reinvestment_rate) ** period
    carry = np.eye(count, k=-1)  # row p reads variable p − 1
    blocks = [inflow, -np.eye(count) + growth * carry]
    cost = [prices, np.zeros(count)]
    bounds = [(0.0, None)] * (n + count)
    if borrowing_rate is not None:
        owe = (1.0 + borrowing_rate) ** period
        blocks.append(np.eye(count) - owe * carry)
        cost.append(np.zeros(count))
        bounds += [(0.0, None)] * (count - 1) + [(0.0, 0.0)]
    a_eq = np.hstack(blocks)
    a_ub = b_ub = None
    if borrowing_limit is not None:
        a_ub = np.hstack([np.zeros((count, n + count)), np.eye(count)])
        b_ub = np.full(count, borrowing_limit)
    res = linprog(
        np.concatenate(cost),
        A_ub=a_ub,
        b_ub=b_ub,
        A_eq=a_eq,
        b_eq=outgo,
        bounds=bounds,
        method="highs",
    )
    assert res.status == 0, res.message
    x = res.x
    return Reference(
        cost=float(res.fun),
        numbers=x[:n],
        surplus=x[n : n + count],
        borrowing=x[n + count :] if borrowing_rate is not None else np.zeros(count),
        balance_prices=np.asarray(res.eqlin.marginals),
        limit_prices=None if borrowing_limit is None else np.asarray(res.ineqlin.marginals),
        inflow=inflow,
        outgo=outgo,
        growth=growth,
    )


def dedication_model(
    flows: np.ndarray,
    times: np.ndarray,
    prices: np.ndarray,
    liability_times: np.ndarray,
    liabilities: np.ndarray,
    *,
    ids: tuple[str, ...] = IDS,
    kinds: list[str] | None = None,
    scale: float | None = None,
    **options: float,
) -> Model:
    """Minimum cost subject to cash-flow matching, positions in market value."""
    per_unit = np.asarray(flows, dtype=float) / np.asarray(prices, dtype=float)[:, None]
    data = make_data(
        list(ids),
        kinds=kinds,
        flow_times=times,
        flows=per_unit,
        liability_flow_times=liability_times,
        liability_flows=liabilities,
        liabilities={"pv": scale if scale is not None else float(np.sum(liabilities))},
    )
    return Model(data, [ObjectiveItem(Cost())], [CashflowMatching(**options)])


def textbook_case(
    prices: np.ndarray = PRICES, *, scale: float | None = None, **options: float
) -> tuple[Model, Reference]:
    """The textbook market solved both ways (options go to both LPs)."""
    flows = bond_flows(COUPONS, MATURITIES, YEARS)
    options = {"reinvestment_rate": REINVESTMENT, **options}
    model = dedication_model(flows, YEARS, prices, YEARS, LIABILITIES, scale=scale, **options)
    return model, reference_lp(flows, YEARS, prices, YEARS, LIABILITIES, **options)


def balance_rows(result: LDIResult) -> pd.DataFrame:
    """The balance rows of the constraint table, today first."""
    table = result.constraints
    return table[table.index.str.startswith(BALANCE)]


def limit_rows(result: LDIResult) -> pd.DataFrame:
    """The borrowing-limit rows of the constraint table."""
    table = result.constraints
    return table[table.index.str.startswith(LIMIT)]


def lp_variables(model: Model, name: str) -> np.ndarray:
    """The solved auxiliary variable ``cashflow_matching.<name>`` in money."""
    variable = model.compiled.ops.variables[f"cashflow_matching.{name}"]
    return np.asarray(variable.value, dtype=float) * model.scales.money


def assert_matches(result: LDIResult, reference: Reference, prices: np.ndarray) -> None:
    """Cost, positions and period shadow prices of ldi equal linprog's."""
    assert result.status == "optimal"
    assert result.objective_value == pytest.approx(reference.cost, rel=COST_RTOL)
    np.testing.assert_allclose(
        result.positions.to_numpy(),
        reference.numbers * prices,
        rtol=0,
        atol=COST_RTOL * reference.cost,
    )
    shadow = balance_rows(result)["shadow_price"].to_numpy()
    assert shadow.size == reference.balance_prices.size
    # Periods 1.. have unique prices; today's is not unique when nothing is paid or bought
    # then (only the surplus column s_0 meets that row, and it only bounds it from below).
    np.testing.assert_allclose(shadow[1:], reference.balance_prices[1:], rtol=0, atol=PRICE_ATOL)


# 1. The textbook LP against linprog -------------------------------------------------------


def test_textbook_reference_lp_has_a_unique_solution_and_unique_period_prices():
    _, reference = textbook_case()
    positive = np.count_nonzero(reference.numbers > 1e-9)
    positive += np.count_nonzero(reference.surplus[1:] > 1e-9)
    # Primal nondegenerate (as many positive variables as rows 1..T): unique shadow prices.
    assert positive == LIABILITIES.size
    # Dual nondegenerate (every unused variable strictly more expensive): unique solution.
    y = reference.balance_prices[1:]
    bond_reduced = PRICES - reference.inflow[1:].T @ y
    unused = reference.numbers <= 1e-9
    assert np.all(bond_reduced[unused] > 1e-4)
    surplus_reduced = y[:-1] - reference.growth * y[1:]
    assert np.all(surplus_reduced[reference.surplus[1:-1] <= 1e-9] > 1e-4)
    # The solution is a genuine mix: five bonds bought and surplus carried from year 1.
    assert unused.tolist() == [False, True, False, False, False, False, True]
    assert reference.surplus[1] > 1000.0


@pytest.mark.parametrize("scale", [None, 1.0], ids=["scale=liabilities", "scale=1"])
def test_textbook_dedication_matches_linprog(scale):
    model, reference = textbook_case(scale=scale)
    result = solve(model)
    assert result.solver.name == "HIGHS"
    assert_matches(result, reference, PRICES)


def test_balance_rows_read_in_money_with_the_liability_as_bound():
    model, reference = textbook_case()
    rows = balance_rows(solve(model))
    labels = ["today", *(f"({a}, {a + 1}]y" for a in range(6))]
    assert rows.index.tolist() == [f"{BALANCE}{label}]" for label in labels]
    np.testing.assert_allclose(rows["bound"], reference.outgo, rtol=1e-12, atol=0)
    np.testing.assert_allclose(rows["value"], reference.outgo, rtol=1e-9, atol=1e-9)
    assert rows["sense"].eq("==").all()
    assert rows["binding"].all()


def test_todays_shadow_price_is_dual_feasible_for_the_surplus_carried_from_today():
    model, reference = textbook_case()
    shadow = balance_rows(solve(model))["shadow_price"].to_numpy()
    # Column s_0 (cost 0): −y_today + g y_1 <= 0.
    assert shadow[0] >= reference.growth * shadow[1] - PRICE_ATOL


def test_shadow_prices_price_every_bond_bought_and_the_surplus_carried():
    """Complementary slackness, from ldi's own numbers: an exact property of the optimum."""
    model, _ = textbook_case()
    result = solve(model)
    y = balance_rows(result)["shadow_price"].to_numpy()[1:]
    flows = bond_flows(COUPONS, MATURITIES, YEARS)
    value = flows @ y  # money today per bond at the period prices
    bought = result.positions.to_numpy() > 1e-6
    np.testing.assert_allclose(value[bought], PRICES[bought], rtol=0, atol=1e-6 * 100)
    assert np.all(value[~bought] <= PRICES[~bought] + 1e-6)
    surplus = result.ledgers["cashflow_matching"]["surplus"].to_numpy()[1:]
    growth = 1.0 + REINVESTMENT
    carried = surplus[:-1] > 1e-6
    np.testing.assert_allclose(y[:-1][carried], growth * y[1:][carried], rtol=0, atol=1e-9)
    assert np.all(y[:-1] >= growth * y[1:] - 1e-9)


def test_shadow_price_is_the_derivative_of_cost_in_each_liability():
    """The derivative d cost / d L_p, re-solving with one liability moved (same basis)."""
    model, _ = textbook_case()
    shadow = balance_rows(solve(model))["shadow_price"].to_numpy()[1:]
    flows = bond_flows(COUPONS, MATURITIES, YEARS)
    step = 10.0
    for p in range(YEARS.size):
        costs = []
        for sign in (1.0, -1.0):
            moved = LIABILITIES.copy()
            moved[p] += sign * step
            costs.append(reference_lp(flows, YEARS, PRICES, YEARS, moved, **_reinvest()).cost)
        derivative = (costs[0] - costs[1]) / (2 * step)
        assert shadow[p] == pytest.approx(derivative, abs=PRICE_ATOL)


def _reinvest() -> dict[str, float]:
    return {"reinvestment_rate": REINVESTMENT}


# 2. The ledger ----------------------------------------------------------------------------


def test_ledger_columns_and_surplus_recursion_by_hand():
    model, reference = textbook_case()
    result = solve(model)
    ledger = result.ledgers["cashflow_matching"]
    assert ledger.columns.tolist() == [
        "asset_inflow",
        "liability_outgo",
        "surplus",
        "borrowing",
        "shadow_price",
    ]
    assert ledger.index.tolist() == [
        label.removeprefix(BALANCE)[:-1] for label in balance_rows(result).index
    ]
    numbers = result.positions.to_numpy() / PRICES
    np.testing.assert_allclose(ledger["asset_inflow"], reference.inflow @ numbers, atol=1e-6)
    np.testing.assert_allclose(ledger["liability_outgo"], reference.outgo, rtol=1e-12)
    surplus = ledger["surplus"].to_numpy()
    assert np.all(surplus >= 0.0)
    np.testing.assert_allclose(ledger["borrowing"], 0.0, atol=1e-6)
    expected = np.zeros(surplus.size)
    for p in range(surplus.size):
        carried = (1.0 + REINVESTMENT) * expected[p - 1] if p else 0.0
        expected[p] = carried + ledger["asset_inflow"].iloc[p] - ledger["liability_outgo"].iloc[p]
    np.testing.assert_allclose(surplus, expected, rtol=0, atol=1e-6)
    np.testing.assert_allclose(
        ledger["shadow_price"], balance_rows(result)["shadow_price"], rtol=0, atol=0
    )


def test_ledger_surplus_equals_the_lp_surplus_variables_and_linprogs():
    model, reference = textbook_case()
    ledger = solve(model).ledgers["cashflow_matching"]
    atol = 1e-9 * LIABILITIES.sum()
    np.testing.assert_allclose(ledger["surplus"], lp_variables(model, "surplus"), atol=atol)
    np.testing.assert_allclose(ledger["surplus"], reference.surplus, atol=atol)


# 3. Borrowing -----------------------------------------------------------------------------


def borrowing_case(**options: float) -> tuple[Model, Reference]:
    """The market with a cheap 2-year bond, borrowing at 5% up to 1500 a period."""
    options = {"borrowing_rate": BORROWING_RATE, "borrowing_limit": BORROWING_LIMIT, **options}
    return textbook_case(BORROWING_PRICES, **options)


def test_borrowing_reference_borrows_up_to_the_limit():
    _, reference = borrowing_case()
    assert np.max(reference.borrowing) == pytest.approx(BORROWING_LIMIT, rel=1e-12)
    assert reference.limit_prices is not None
    assert np.min(reference.limit_prices) < -1e-3  # a binding limit costs money
    # Without a limit it borrows more, and without borrowing it costs more.
    unlimited = borrowing_case(borrowing_limit=None)[1]
    plain = textbook_case(BORROWING_PRICES)[1]
    assert np.max(unlimited.borrowing) > BORROWING_LIMIT
    assert unlimited.cost < reference.cost < plain.cost


def test_borrowing_with_a_binding_limit_matches_linprog():
    model, reference = borrowing_case()
    result = solve(model)
    assert_matches(result, reference, BORROWING_PRICES)
    # The LP's borrowing per period, and the limit rows' shadow prices (d cost / d limit).
    borrowing = lp_variables(model, "borrowing")
    np.testing.assert_allclose(borrowing[: reference.borrowing.size - 1], reference.borrowing[:-1])
    rows = limit_rows(result)
    assert reference.limit_prices is not None
    periods = balance_rows(result).index.str.removeprefix(BALANCE)
    expected = pd.Series(reference.limit_prices, index=periods)
    for label, row in rows.iterrows():
        period = label.removeprefix(LIMIT)
        assert row["shadow_price"] == pytest.approx(expected[period], abs=PRICE_ATOL)
    binding = rows.index[rows["binding"]].str.removeprefix(LIMIT)
    assert sorted(binding) == sorted(periods[np.isclose(reference.borrowing, BORROWING_LIMIT)])
    ledger = result.ledgers["cashflow_matching"]
    assert ledger["borrowing"].iloc[-1] == pytest.approx(0.0, abs=1e-6)


def test_unlimited_borrowing_does_not_fund_the_liabilities_for_free():
    model, reference = borrowing_case(borrowing_limit=None)
    result = solve(model)
    # Every bond yields less than 5%, so the liabilities discounted at 5% bound the cost.
    floor = float(LIABILITIES @ (1.0 + BORROWING_RATE) ** -YEARS)
    assert reference.cost > floor
    assert result.objective_value == pytest.approx(reference.cost, rel=COST_RTOL)


def test_borrowing_limit_rows_report_the_lp_borrowing_against_the_limit():
    model, _ = borrowing_case()
    result = solve(model)
    rows = limit_rows(result)
    periods = balance_rows(result).index.str.removeprefix(BALANCE)
    assert set(rows.index.str.removeprefix(LIMIT)) <= set(periods)
    borrowing = pd.Series(lp_variables(model, "borrowing"), index=periods)
    values = borrowing[rows.index.str.removeprefix(LIMIT)].to_numpy()
    np.testing.assert_allclose(rows["value"], values, rtol=0, atol=1e-6)
    np.testing.assert_allclose(rows["bound"], BORROWING_LIMIT, rtol=1e-12)
    np.testing.assert_allclose(rows["slack"], BORROWING_LIMIT - values, rtol=0, atol=1e-6)
    assert rows["sense"].eq("<=").all()
    at_limit = np.isclose(values, BORROWING_LIMIT, rtol=0, atol=1e-6)
    assert rows["binding"].to_numpy().tolist() == at_limit.tolist()
    assert at_limit.any()
    assert np.all(rows["shadow_price"] <= PRICE_ATOL)  # more room to borrow never costs more


def test_borrowing_limit_shadow_prices_sum_to_the_derivative_of_cost():
    """One limit bounds every period, so d cost / d limit is the sum over the rows."""
    model, _ = borrowing_case()
    total = limit_rows(solve(model))["shadow_price"].sum()
    step = 1.0
    costs = []
    for limit in (BORROWING_LIMIT + step, BORROWING_LIMIT - step):
        model.update(limits={"cashflow_matching": {"borrowing_limit": limit}})
        costs.append(solve(model).objective_value)
    assert total < -1e-3
    assert total == pytest.approx((costs[0] - costs[1]) / (2 * step), abs=PRICE_ATOL)


def test_ledger_with_borrowing_follows_the_lp_and_its_recursion():
    model, _ = borrowing_case()
    result = solve(model)
    ledger = result.ledgers["cashflow_matching"]
    surplus, borrowing = ledger["surplus"].to_numpy(), ledger["borrowing"].to_numpy()
    assert np.all(surplus >= 0.0)
    assert np.all(borrowing >= 0.0)
    assert np.all(np.minimum(surplus, borrowing) <= 1e-6)  # never both
    assert borrowing.max() > 1.0
    grow, owe = 1.0 + REINVESTMENT, 1.0 + BORROWING_RATE
    net = surplus - borrowing
    inflow, outgo = ledger["asset_inflow"].to_numpy(), ledger["liability_outgo"].to_numpy()
    for p in range(net.size):
        before = grow * surplus[p - 1] - owe * borrowing[p - 1] if p else 0.0
        assert net[p] == pytest.approx(before + inflow[p] - outgo[p], abs=1e-6)
    lp_net = lp_variables(model, "surplus") - lp_variables(model, "borrowing")
    np.testing.assert_allclose(net, lp_net, rtol=0, atol=1e-6)


def test_zero_borrowing_limit_gives_the_plain_dedication():
    model, _ = borrowing_case(borrowing_limit=0.0)
    _, plain = textbook_case(BORROWING_PRICES)
    result = solve(model)
    assert_matches(result, plain, BORROWING_PRICES)
    np.testing.assert_allclose(lp_variables(model, "borrowing"), 0.0, atol=1e-6)


# 4. Horizon, period length, cash today ----------------------------------------------------


def test_horizon_ignores_later_periods_and_later_flows():
    years = np.arange(1.0, 9.0)
    liabilities = np.array([5000.0, 6000, 5500, 7000, 4000, 9000, 3000, 8000])
    coupons, maturities = np.append(COUPONS, 0.05), np.append(MATURITIES, 8.0)
    prices = np.append(PRICES, 99.0)
    ids = (*IDS, "H_8Y")
    flows = bond_flows(coupons, maturities, years)
    options = {"reinvestment_rate": REINVESTMENT, "horizon": 5.0}
    model = dedication_model(flows, years, prices, years, liabilities, ids=ids, **options)
    reference = reference_lp(flows, years, prices, years, liabilities, **options)
    result = solve(model)
    assert_matches(result, reference, prices)
    ledger = result.ledgers["cashflow_matching"]
    assert ledger.index.tolist() == ["today", *(f"({a}, {a + 1}]y" for a in range(5))]
    np.testing.assert_allclose(ledger["liability_outgo"].to_numpy()[1:], liabilities[:5])
    # Only flows up to year 5 count: the same LP on data cut at year 5 has the same cost.
    cut = reference_lp(flows[:, :5], years[:5], prices, years[:5], liabilities[:5], **_reinvest())
    assert result.objective_value == pytest.approx(cut.cost, rel=COST_RTOL)
    # Bonds maturing after the horizon pay full price for the coupons inside it: unused.
    assert result.positions[["F_6Y", "G_6Y_STRIP", "H_8Y"]].abs().max() < 1e-6


@pytest.mark.parametrize("period", [0.5, 2.0])
def test_periods_other_than_one_year_match_linprog(period):
    frequency = 2 if period == 0.5 else 1
    times = np.arange(1, 6 * frequency + 1) / frequency
    flows = bond_flows(COUPONS, MATURITIES, times, frequency)
    # Liabilities at every coupon date; with 2-year periods two years share a row.
    liabilities = np.resize(LIABILITIES / frequency, times.size)
    options = {"reinvestment_rate": 0.03, "period": period}
    model = dedication_model(flows, times, PRICES, times, liabilities, **options)
    reference = reference_lp(flows, times, PRICES, times, liabilities, **options)
    result = solve(model)
    assert_matches(result, reference, PRICES)
    ledger = result.ledgers["cashflow_matching"]
    edges = period * np.arange(ledger.index.size)
    assert ledger.index.tolist() == [
        "today",
        *(f"({a:g}, {b:g}]y" for a, b in zip(edges[:-1], edges[1:], strict=True)),
    ]
    np.testing.assert_allclose(ledger["liability_outgo"], reference.outgo, rtol=1e-12)
    np.testing.assert_allclose(
        ledger["surplus"], lp_variables(model, "surplus"), atol=1e-9 * LIABILITIES.sum()
    )
    # The surplus grows at (1 + r)^period from one period to the next.
    surplus = ledger["surplus"].to_numpy()
    growth = 1.03**period
    for p in range(1, surplus.size):
        expected = growth * surplus[p - 1] + ledger["asset_inflow"].iloc[p]
        assert surplus[p] == pytest.approx(expected - ledger["liability_outgo"].iloc[p], abs=1e-6)


def test_cash_held_today_counts_in_period_today():
    # Cash (a flow of 1 at t = 0 per unit) pays a liability due today; at 4% it also beats
    # the 1-year bond (3.75%), so some is carried into year 1.
    times = np.concatenate([[0.0], YEARS])
    flows = np.vstack(
        [np.hstack([np.zeros((7, 1)), bond_flows(COUPONS, MATURITIES, YEARS)]), [1.0] + [0] * 6]
    )
    prices = np.append(PRICES, 1.0)
    liabilities = np.concatenate([[1000.0], LIABILITIES])
    ids, kinds = (*IDS, "CASH"), ["bond"] * 7 + ["cash"]
    options = {"reinvestment_rate": 0.04}
    model = dedication_model(
        flows, times, prices, times, liabilities, ids=ids, kinds=kinds, **options
    )
    reference = reference_lp(flows, times, prices, times, liabilities, **options)
    result = solve(model)
    assert_matches(result, reference, prices)
    ledger = result.ledgers["cashflow_matching"]
    cash = result.positions["CASH"]
    assert cash > 1000.0 + 1.0
    assert ledger["asset_inflow"].iloc[0] == pytest.approx(cash, rel=1e-12)
    assert ledger["liability_outgo"].iloc[0] == pytest.approx(1000.0, rel=1e-12)
    assert ledger["surplus"].iloc[0] == pytest.approx(cash - 1000.0, rel=1e-9)
    # Cash is bought at 1, so a unit paid today costs exactly 1 (unique here, = linprog's).
    shadow = balance_rows(result)["shadow_price"].to_numpy()
    assert shadow[0] == pytest.approx(1.0, abs=PRICE_ATOL)
    assert shadow[0] == pytest.approx(reference.balance_prices[0], abs=PRICE_ATOL)
    assert shadow[1] == pytest.approx(1.0 / 1.04, abs=PRICE_ATOL)  # surplus carried at 4%


# 5. The insurer's annuity book ------------------------------------------------------------


@pytest.fixture(scope="module")
def insurer() -> tuple[OptimizationProblem, LDIResult]:
    problem = ldi.load_problem(INSURER)
    return problem, problem.solve()


def insurer_horizon() -> float:
    spec = yaml.safe_load(INSURER.read_text())
    options = next(c["cashflow_matching"] for c in spec["constraints"] if "cashflow_matching" in c)
    return float(options["horizon"])


def test_insurer_book_is_solved_optimally_by_highs(insurer):
    _, result = insurer
    assert result.status == "optimal"
    assert result.solver.name == "HIGHS"
    assert "cashflow_matching" in result.ledgers


def test_insurer_ledger_never_runs_short(insurer):
    _, result = insurer
    ledger = result.ledgers["cashflow_matching"]
    tolerance = 1e-9 * result.scale
    assert np.all(ledger["surplus"] >= -tolerance)
    assert np.all(ledger["borrowing"] <= tolerance)  # no borrowing allowed: no shortfall


def test_insurer_liability_outgo_equals_the_csv_summed_per_year(insurer):
    _, result = insurer
    table = pd.read_csv(INSURER_FLOWS)
    assert (table["inflation_linked"] == 0).all()  # all fixed nominal: no projection needed
    horizon = insurer_horizon()
    count = 1 + int(np.ceil(horizon))
    per_period = np.zeros(count)
    amounts = (table["fixed"] + table["inflation_linked"]).to_numpy()
    for p, amount in zip(period_index(table["time"].to_numpy(), 1.0), amounts, strict=True):
        if p < count:
            per_period[p] += amount
    ledger = result.ledgers["cashflow_matching"]
    assert ledger.index.size == count
    np.testing.assert_allclose(ledger["liability_outgo"], per_period, rtol=1e-12, atol=1e-6)


def test_insurer_shadow_prices_are_decreasing_discount_factors(insurer):
    _, result = insurer
    shadow = result.ledgers["cashflow_matching"]["shadow_price"].to_numpy()
    assert np.all(shadow > 0.0)
    assert np.all(shadow <= 1.0 + PRICE_ATOL)
    # Dual feasibility of the surplus carried at 2%: y_{p+1} (1.02) <= y_p, so y falls.
    assert np.all(1.02 * shadow[1:] <= shadow[:-1] + PRICE_ATOL)
    # Cash (price 1, paid today) is bought, so a unit paid today costs exactly 1.
    assert result.positions["CASH"] > 0.0
    assert shadow[0] == pytest.approx(1.0, abs=PRICE_ATOL)


def test_insurer_shadow_prices_price_the_gilts_and_cash_bought(insurer):
    """Complementary slackness for instruments in no other row (not credit-limited)."""
    problem, result = insurer
    data = problem.model.data
    ledger = result.ledgers["cashflow_matching"]
    flows = data.flows.amounts.toarray()  # per unit of position
    per_period = bucket(flows, data.flows.times, 1.0, ledger.index.size)
    value = per_period.T @ ledger["shadow_price"].to_numpy()
    cost = data.assets["pv"].to_numpy()
    spec = yaml.safe_load(INSURER.read_text())
    credit = set(spec["groups"]["credit"])
    free = ~data.ids.isin(list(credit))
    bought = result.positions.to_numpy() > 1e-6 * result.scale
    assert (free & bought).sum() >= 5
    np.testing.assert_allclose(value[free & bought], cost[free & bought], rtol=0, atol=PRICE_ATOL)
    assert np.all(value[free & ~bought] <= cost[free & ~bought] + PRICE_ATOL)


# 6. Clarabel against HiGHS ----------------------------------------------------------------


def test_clarabel_agrees_with_highs_on_the_textbook_lp():
    model, reference = textbook_case()
    highs = solve(model, "HIGHS")
    clarabel = solve(model, "CLARABEL")
    assert highs.solver.name == "HIGHS"
    assert clarabel.solver.name == "CLARABEL"
    assert clarabel.status == "optimal"
    assert clarabel.objective_value == pytest.approx(highs.objective_value, rel=1e-6)
    np.testing.assert_allclose(
        clarabel.positions, highs.positions, rtol=0, atol=1e-6 * reference.cost
    )
    np.testing.assert_allclose(
        balance_rows(clarabel)["shadow_price"].to_numpy()[1:],
        balance_rows(highs)["shadow_price"].to_numpy()[1:],
        rtol=0,
        atol=1e-6,
    )


# 7. Option validation ---------------------------------------------------------------------


PERIOD = "expected a period in years in [0.00273973, 10], such as 1, or 0.25 for quarters"


@pytest.mark.parametrize(
    ("options", "field", "message"),
    [
        (
            {"horizon": -1.0},
            "horizon",
            "cashflow_matching.horizon: got -1.0; expected a time in years in (0, 150], such as "
            "10.5",
        ),
        (
            {"horizon": 0.5},
            "horizon",
            "cashflow_matching.horizon: got 0.5; expected a horizon of at least one period",
        ),
        (
            {"borrowing_limit": 1000.0},
            "borrowing_rate",
            "cashflow_matching.borrowing_rate: got None; "
            "expected a rate when borrowing_limit is given",
        ),
        (
            {"period": 0},
            "period",
            f"cashflow_matching.period: got 0.0; {PERIOD}",
        ),
        (
            {"period": -1.0},
            "period",
            f"cashflow_matching.period: got -1.0; {PERIOD}",
        ),
        (
            {"borrowing_rate": 0.05, "borrowing_limit": -1.0},
            "borrowing_limit",
            "cashflow_matching.borrowing_limit: got -1.0; expected a finite number >= 0",
        ),
    ],
)
def test_invalid_options_raise_spec_errors_naming_the_field(options, field, message):
    with pytest.raises(SpecError, match=f"^{re.escape(message)}$") as caught:
        CashflowMatching(**options)
    assert caught.value.path == field


def test_invalid_option_in_a_problem_file_names_its_yaml_path():
    spec = yaml.safe_load(INSURER.read_text())
    spec["liabilities"]["cashflows"] = str(INSURER_FLOWS)
    spec["constraints"][0] = {"cashflow_matching": {"borrowing_limit": 1.0e6}}
    path = "constraints[0].cashflow_matching.borrowing_rate"
    message = f"{path}: got None; expected a rate when borrowing_limit is given"
    with pytest.raises(SpecError, match=f"^{re.escape(message)}$") as caught:
        ldi.load_problem(spec)
    assert caught.value.path == path
