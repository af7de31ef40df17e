"""Moves and scenarios: sizes in bp become decimals, validation, labels and cache keys.

References: hand values (1bp = 1e-4) and ``np.interp`` of the (tenors, bp) knots, which is
the documented shape of a move: linear between knots, flat outside them. Moves built from
bp are products of one multiplication by 1e-4, so they are compared to 1e-15 absolute.
"""

import re

import numpy as np
import pytest

from ldi.curves.spread import RateSpread
from ldi.errors import DataError
from ldi.scenarios import Move, Scenario, path

T = np.array([0.0, 0.5, 2.0, 6.0, 10.0, 20.0, 30.0, 45.0, 100.0])
TWIST = ((2.0, 10.0, 30.0), (-50.0, 0.0, 50.0))


# --- Move.of ---------------------------------------------------------------------------------


def test_parallel_move_in_bp_is_a_decimal_at_every_tenor():
    move = Move.of(nominal_bp=100, breakeven_bp=-25)
    np.testing.assert_allclose(move.nominal(T), np.full(T.size, 0.01), rtol=0, atol=1e-15)
    np.testing.assert_allclose(move.breakeven(T), np.full(T.size, -0.0025), rtol=0, atol=1e-15)


def test_term_structure_move_is_linear_between_knots_and_flat_outside():
    move = Move.of(nominal_bp=TWIST)
    # Hand values: -50bp up to 2y, -25bp at 6y (half way to 10y), 0 at 10y, +25bp at 20y,
    # +50bp from 30y on.
    expected = np.array([-50, -50, -50, -25, 0, 25, 50, 50, 50]) * 1e-4
    np.testing.assert_allclose(move.nominal(T), expected, rtol=0, atol=1e-15)
    np.testing.assert_allclose(
        move.nominal(T), np.interp(T, TWIST[0], np.array(TWIST[1]) * 1e-4), rtol=0, atol=1e-15
    )
    np.testing.assert_array_equal(move.breakeven(T), np.zeros(T.size))
    np.testing.assert_array_equal(move.knots, [0.0, 2.0, 10.0, 30.0])


def test_credit_spread_bp_is_a_decimal_and_defaults_move_nothing():
    assert Move.of(credit_spread_bp=130).credit_spread == pytest.approx(0.013, abs=1e-16)
    still = Move()
    assert still.credit_spread == 0.0
    assert still.growth == 0.0
    assert dict(still.returns) == {}
    np.testing.assert_array_equal(still.nominal(T), np.zeros(T.size))
    np.testing.assert_array_equal(still.breakeven(T), np.zeros(T.size))


# --- validation ------------------------------------------------------------------------------


EXPECTED_RETURN = "expected a finite return above -1 such as -0.25"
EXPECTED_MORTALITY = (
    "expected a factor on the mortality rates above 0 and at most 10, such as 0.9 for rates "
    "10% lower"
)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"growth": -1.0}, f"growth: got -1.0; {EXPECTED_RETURN}"),
        ({"growth": -2.5}, f"growth: got -2.5; {EXPECTED_RETURN}"),
        ({"growth": float("nan")}, f"growth: got nan; {EXPECTED_RETURN}"),
        ({"growth": True}, f"growth: got True; {EXPECTED_RETURN}"),
        ({"returns": {"EQUITY": -1.0}}, f"returns.EQUITY: got -1.0; {EXPECTED_RETURN}"),
        ({"returns": {"EQUITY": float("nan")}}, f"returns.EQUITY: got nan; {EXPECTED_RETURN}"),
        ({"credit_spread": float("inf")}, "credit_spread: got inf; expected a finite number"),
        ({"mortality_scale": 0.0}, f"mortality_scale: got 0.0; {EXPECTED_MORTALITY}"),
        ({"mortality_scale": 10.5}, f"mortality_scale: got 10.5; {EXPECTED_MORTALITY}"),
        ({"mortality_scale": float("nan")}, f"mortality_scale: got nan; {EXPECTED_MORTALITY}"),
    ],
)
def test_bad_returns_and_spreads_raise_naming_the_field(kwargs, message):
    with pytest.raises(DataError, match=f"^{re.escape(message)}$"):
        Move(**kwargs)


def test_move_of_checks_growth_too():
    with pytest.raises(DataError, match=r"^growth: got -1\.0; "):
        Move.of(growth=-1.0)


def test_a_return_just_above_minus_one_is_allowed():
    assert Move(growth=-0.999).growth == -0.999


def test_returns_are_read_only_copies():
    given = {"EQUITY": -0.3}
    move = Move.of(returns=given)
    given["EQUITY"] = 0.5
    assert move.returns["EQUITY"] == -0.3
    with pytest.raises(TypeError):
        move.returns["EQUITY"] = 0.0  # type: ignore[index]


# --- return_of -------------------------------------------------------------------------------


def test_return_of_growth_assets_and_overrides():
    move = Move.of(growth=-0.25, returns={"PROPERTY": -0.4, "GILT": 0.01})
    assert move.return_of("EQUITY", growth_asset=True) == -0.25
    assert move.return_of("PROPERTY", growth_asset=True) == -0.4  # returns replace growth
    assert move.return_of("GILT", growth_asset=False) == 0.01  # any id can be given one
    assert move.return_of("CASH", growth_asset=False) == 0.0  # no growth for other assets


# --- key -------------------------------------------------------------------------------------


def test_equal_moves_have_equal_keys():
    a = Move.of(nominal_bp=TWIST, credit_spread_bp=10, growth=-0.1, returns={"A": 0.1, "B": 0.2})
    b = Move.of(nominal_bp=TWIST, credit_spread_bp=10, growth=-0.1, returns={"B": 0.2, "A": 0.1})
    assert a.key() == b.key()
    assert hash(a.key()) == hash(b.key())
    assert Move.of(nominal_bp=100).key() == Move(nominal=RateSpread.parallel(0.01)).key()


BASE = {
    "nominal_bp": TWIST,
    "breakeven_bp": 10,
    "credit_spread_bp": 10,
    "growth": -0.1,
    "returns": {"A": 0.1},
}


@pytest.mark.parametrize(
    "change",
    [
        {"nominal_bp": ((2.0, 10.0, 30.0), (-50.0, 0.0, 51.0))},  # one knot's size
        {"nominal_bp": ((2.0, 11.0, 30.0), (-50.0, 0.0, 50.0))},  # one knot's tenor
        {"nominal_bp": 0, "breakeven_bp": TWIST},  # the same shape on the other curve
        {"breakeven_bp": 11},
        {"credit_spread_bp": 11},
        {"growth": -0.11},
        {"returns": {"A": 0.11}},
        {"returns": {"B": 0.1}},
        {"returns": {}},
        {"mortality_scale": 0.9},
    ],
)
def test_moves_that_differ_in_one_number_have_different_keys(change):
    assert Move.of(**BASE).key() != Move.of(**{**BASE, **change}).key()


# --- Scenario and path -----------------------------------------------------------------------


def test_one_step_scenario_has_an_empty_label():
    move = Move.of(nominal_bp=100)
    scenario = Scenario.single("up", move, "rates up")
    assert scenario.labels == ("",)
    assert scenario.steps == (move,)
    assert scenario.final is move
    assert len(scenario) == 1
    assert scenario.description == "rates up"


def test_path_scenario_labels_default_to_step_numbers():
    moves = [Move.of(nominal_bp=bp) for bp in (10, 20, 30)]
    scenario = Scenario("climb", moves)
    assert scenario.labels == ("step 1", "step 2", "step 3")
    assert scenario.steps == tuple(moves)
    assert scenario.final is moves[-1]
    assert len(scenario) == 3


@pytest.mark.parametrize(("steps", "labels"), [(2, ("a",)), (1, ("a", "b")), (3, ("a", "b"))])
def test_label_count_mismatch_raises(steps, labels):
    message = f"scenario 'x': {len(labels)} step labels for {steps} steps; expected one per step"
    with pytest.raises(DataError, match=f"^{re.escape(message)}$"):
        Scenario("x", tuple(Move() for _ in range(steps)), labels=labels)


def test_a_scenario_without_steps_raises():
    message = "scenario 'empty': got no steps; expected at least one move"
    with pytest.raises(DataError, match=f"^{re.escape(message)}$"):
        Scenario("empty", ())


def test_path_labels_each_day():
    day1, day2 = Move.of(nominal_bp=30), Move.of(nominal_bp=75)
    scenario = path("crisis", "two bad days", [("day 1", day1), ("day 2", day2)])
    assert scenario.name == "crisis"
    assert scenario.description == "two bad days"
    assert scenario.labels == ("day 1", "day 2")
    assert scenario.steps == (day1, day2)
    assert scenario.final is day2
