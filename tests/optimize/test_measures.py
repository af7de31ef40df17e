"""Measures: one formula per quantity, the same number as an objective and as a limit.

Reference: the objective term's value in its natural units and the limit's row, both
evaluated on the same positions of the synthetic universe, agree to rounding; the side and
sense of each limit follow from whether higher is better.
"""

import numpy as np
import pytest

from ldi.optimize.context import NumpyOps
from ldi.optimize.model import Model, ObjectiveItem
from ldi.optimize.terms.base import Sense, plain_values
from ldi.optimize.terms.measures import Basis, SurplusGrowth, SurplusRisk, TradedAmount
from ldi.optimize.terms.objectives import Cost, ExpectedSurplusReturn, TrackingError, Turnover
from ldi.optimize.terms.registry import terms_of
from ldi.optimize.terms.risk_limits import MaxTurnover, MinSurplusReturn, SurplusVolatility
from ldi.optimize.terms.scenario_risk import CVaR, MaxCVaR, ScenarioLoss
from tests.optimize.conftest import CAPITAL, DATA, X

PAIRS = [
    (TradedAmount, Turnover, MaxTurnover),
    (SurplusRisk, TrackingError, SurplusVolatility),
    (SurplusGrowth, ExpectedSurplusReturn, MinSurplusReturn),
    (ScenarioLoss, CVaR, MaxCVaR),
]


@pytest.mark.parametrize(("measure", "objective", "limit"), PAIRS, ids=lambda c: c.__name__)
def test_each_measure_has_one_objective_and_one_limit(measure, objective, limit):
    assert terms_of(measure) == (objective, limit)


@pytest.mark.parametrize(("measure", "objective", "limit"), PAIRS[:3], ids=lambda c: c.__name__)
def test_the_objective_and_the_limit_measure_the_same_money(measure, objective, limit):
    model = Model(DATA, [ObjectiveItem(Cost())], [])
    scaled, ops = model.scaled, NumpyOps()
    z = X / model.scales.money
    term = objective()
    value = term.formula(ops, scaled, z, plain_values(term.values(scaled)))
    bounded = limit(**{limit.side(): 0.1})
    (row,) = bounded.rows(ops, scaled, z, plain_values(bounded.values(scaled)))
    money = float(np.squeeze(row.lhs)) * model.scales.money
    assert term.natural(value, scaled) == pytest.approx(money, rel=1e-12)


def test_a_limit_is_a_floor_when_higher_is_better_and_a_ceiling_else():
    assert (MinSurplusReturn.side(), MaxTurnover.side(), SurplusVolatility.side()) == (
        "min",
        "max",
        "max",
    )
    model = Model(DATA, [ObjectiveItem(Cost())], [])
    scaled, ops, z = model.scaled, NumpyOps(), X / model.scales.money
    floor = MinSurplusReturn(min=0.01)
    (row,) = floor.rows(ops, scaled, z, plain_values(floor.values(scaled)))
    assert row.sense is Sense.GE
    assert row.rhs / row.unit == pytest.approx(0.01)
    cap = MaxTurnover(max=0.3)
    (row,) = cap.rows(ops, scaled, z, plain_values(cap.values(scaled)))
    assert row.sense is Sense.LE
    assert MaxTurnover.basis is Basis.CAPITAL
    assert row.unit * model.scales.money == pytest.approx(CAPITAL, rel=1e-12)


def test_a_limit_sharing_its_key_with_an_objective_is_named_apart():
    assert MaxTurnover().name == "max_turnover"
    assert MinSurplusReturn().name == "min_expected_surplus_return"
    assert MaxCVaR().name == "max_cvar"
    assert SurplusVolatility().name == "surplus_volatility"
