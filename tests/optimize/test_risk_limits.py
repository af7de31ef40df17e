"""Risk-limit terms: turnover, surplus volatility and expected surplus return rows by hand."""

import numpy as np
import pytest

from ldi.optimize.model import Model, ObjectiveItem
from ldi.optimize.solve import solve
from ldi.optimize.terms.allocation import Budget
from ldi.optimize.terms.objectives import Turnover
from ldi.optimize.terms.risk_limits import MaxTurnover, MinSurplusReturn, SurplusVolatility
from ldi.risk.factors import RiskModel
from tests.optimize.conftest import (
    CAPITAL,
    DATA,
    HOLDINGS,
    IDS,
    L_IE01,
    L_PV,
    L_PV01,
    LIABILITIES,
    LOADINGS,
    NO_LONG_ONLY,
    RETURN,
    ROLES,
    SPECIFIC,
    X,
    expect,
    table,
)


def test_max_turnover_is_the_amount_traded_as_a_fraction_of_capital():
    traded = np.abs(X - DATA.holdings.to_numpy())
    frame = table([MaxTurnover(max=0.5), NO_LONG_ONLY])
    assert not expect(frame, "max_turnover", "<=", traded.sum() / CAPITAL, 0.5)
    frame = table([MaxTurnover(max=0.5, roles=("physical",)), NO_LONG_ONLY])
    physical = np.array(ROLES) == "physical"
    assert expect(frame, "max_turnover", "<=", traded[physical].sum() / CAPITAL, 0.5)


def test_surplus_volatility_matches_the_factor_covariance_by_hand():
    sigma = RiskModel().covariance[:4, :4]  # LOADINGS load 0 on bond_swap
    liability = np.array([-L_PV01, L_IE01, 0.0, 0.0])
    exposure = LOADINGS.T @ X - liability
    volatility = np.sqrt(exposure @ sigma @ exposure + np.sum((SPECIFIC * X) ** 2))
    frame = table([SurplusVolatility(max=0.05), NO_LONG_ONLY])
    assert not expect(frame, "surplus_volatility", "<=", volatility / L_PV, 0.05)
    frame = table([SurplusVolatility(max=0.2), NO_LONG_ONLY])
    assert expect(frame, "surplus_volatility", "<=", volatility / L_PV, 0.2)


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
