"""BreakevenCurve: index ratios (1 + b)^t, real discount factors and the Fisher relation.

A real amount a at t pays a × I(t)/I(0) in money (docs/conventions.md, Inflation), so
today's value of one real unit at t, the real discount factor, is DF_nominal(t) × I(t)/I(0);
with flat annual nominal n and breakeven b the real zero rate is (1 + n)/(1 + b) − 1.
"""

import dataclasses
import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ldi import BreakevenCurve, DataError, ZeroCurve
from ldi.curves import index_ratio
from ldi.curves.inflation import WedgeCurve

FAST = settings(max_examples=60, deadline=None)

# b(t) by hand for pillars 5y: 3%, 30y: 3.5%: flat outside, +2bp per year in between.
BE_TENORS = [5.0, 30.0]
BE_RATES = [0.03, 0.035]
HAND_B = {0.0: 0.03, 1.0: 0.03, 5.0: 0.03, 10.0: 0.031, 17.5: 0.0325, 30.0: 0.035, 45.0: 0.035}
T = np.array(list(HAND_B))
B = np.array(list(HAND_B.values()))


def test_index_ratio_is_one_plus_breakeven_to_the_t():
    curve = BreakevenCurve(BE_TENORS, BE_RATES)
    # A power of a few-ulp base: relative error ~1e-15 up to 45y.
    np.testing.assert_allclose(curve.index_ratio(T), (1 + B) ** T, rtol=1e-14)
    np.testing.assert_allclose(curve.rate(T), B, rtol=0, atol=1e-16)
    assert float(curve.index_ratio(0.0)) == 1.0
    assert float(curve.index_ratio(5.0)) == pytest.approx(1.03**5, rel=1e-14)


def test_flat_curve_and_the_module_function():
    curve = BreakevenCurve.flat(0.025)
    t = np.array([0.5, 1.0, 12.0, 60.0])
    np.testing.assert_allclose(curve.index_ratio(t), 1.025**t, rtol=1e-14)
    np.testing.assert_allclose(index_ratio(0.025, t), 1.025**t, rtol=1e-14)
    np.testing.assert_allclose(
        index_ratio([0.01, 0.02], [2.0, 3.0]), [1.01**2, 1.02**3], rtol=1e-14
    )


def test_real_discount_is_nominal_discount_times_index_ratio():
    nominal = ZeroCurve([2, 20], [0.04, 0.045], compounding="annual")
    breakeven = BreakevenCurve(BE_TENORS, BE_RATES)
    t = np.array([1.0, 5.0, 10.0, 17.5, 30.0])
    n = np.array([0.04, 0.04 + 0.005 * 3 / 18, 0.04 + 0.005 * 8 / 18, 0.04 + 0.005 * 15.5 / 18])
    n = np.append(n, 0.045)
    b = np.array([HAND_B[x] for x in t])
    expected = (1 + n) ** -t * (1 + b) ** t
    # Product of two closed-form powers: a few ulps each.
    np.testing.assert_allclose(breakeven.real_discount(nominal, t), expected, rtol=1e-13)


@FAST
@given(
    n=st.floats(-0.01, 0.10),
    b=st.floats(-0.01, 0.08),
    t=st.floats(0.0, 60.0),
)
def test_real_rate_obeys_fisher_for_flat_annual_curves(n, b, t):
    nominal = ZeroCurve.flat(n, compounding="annual")
    breakeven = BreakevenCurve.flat(b)
    real = float(breakeven.real_zero_rate(nominal, t))
    # log1p / expm1 round trip of rates near a few percent: ~1e-16 absolute.
    assert real == pytest.approx((1 + n) / (1 + b) - 1, rel=1e-12, abs=1e-15)
    cont = float(breakeven.real_zero_rate(nominal, t, compounding="continuous"))
    assert cont == pytest.approx(math.log(1 + n) - math.log(1 + b), rel=1e-12, abs=1e-15)
    df = float(breakeven.real_discount(nominal, t))
    assert df == pytest.approx(((1 + b) / (1 + n)) ** t, rel=1e-12)


def test_real_rate_on_interpolated_curves_and_other_compoundings():
    nominal = ZeroCurve([5, 30], [0.04, 0.045], compounding="annual")
    breakeven = BreakevenCurve(BE_TENORS, BE_RATES)
    t = np.array([2.0, 10.0, 17.5, 40.0])
    n = np.array([0.04, 0.041, 0.0425, 0.045])  # linear between 5y and 30y, by hand
    b = np.array([0.03, 0.031, 0.0325, 0.035])
    np.testing.assert_allclose(
        breakeven.real_zero_rate(nominal, t), (1 + n) / (1 + b) - 1, rtol=1e-12
    )
    semi = breakeven.real_zero_rate(nominal, t, compounding="semiannual")
    np.testing.assert_allclose(semi, 2 * (np.sqrt((1 + n) / (1 + b)) - 1), rtol=1e-12)
    # A semiannual nominal curve: its annual equivalent is (1 + n/2)^2 - 1.
    semi_nominal = ZeroCurve.flat(0.04, compounding="semiannual")
    real = breakeven.real_zero_rate(semi_nominal, 2.0)
    assert float(real) == pytest.approx(1.02**2 / 1.03 - 1, rel=1e-12)


def test_breakeven_bumps_move_the_index_ratio():
    curve = BreakevenCurve(BE_TENORS, BE_RATES)
    up = curve.shifted(1)
    np.testing.assert_allclose(up.index_ratio(T), (1 + B + 1e-4) ** T, rtol=1e-14)
    down = curve.shifted(-1)
    np.testing.assert_allclose(down.rate(T), B - 1e-4, rtol=0, atol=1e-16)
    # The original is untouched and the bumped curves are new objects.
    assert up is not curve
    assert curve.spread.is_zero
    np.testing.assert_allclose(curve.rate(T), B, rtol=0, atol=1e-16)
    with pytest.raises(dataclasses.FrozenInstanceError):
        curve.rates = np.array([0.0, 0.0])
    # Real discount factors rise with breakevens when the nominal curve is held.
    nominal = ZeroCurve.flat(0.04)
    assert np.all(up.real_discount(nominal, T[1:]) > curve.real_discount(nominal, T[1:]))


def test_breakeven_key_rate_bump_is_the_triangle():
    curve = BreakevenCurve(BE_TENORS, BE_RATES)
    keys = [5.0, 10.0, 20.0]
    t = np.array([1.0, 5.0, 7.5, 10.0, 15.0, 20.0, 40.0])
    expected_w = {
        0: [1.0, 1.0, 0.5, 0.0, 0.0, 0.0, 0.0],
        1: [0.0, 0.0, 0.5, 1.0, 0.5, 0.0, 0.0],
        2: [0.0, 0.0, 0.0, 0.0, 0.5, 1.0, 1.0],
    }
    for j, w in expected_w.items():
        added = curve.key_rate_bumped(keys, j).rate(t) - curve.rate(t)
        # Difference of rates near 3%: a few ulps.
        np.testing.assert_allclose(added, 1e-4 * np.array(w), rtol=0, atol=1e-16)


@pytest.mark.parametrize(
    ("tenors", "rates", "message"),
    [
        (
            [5, 2],
            [0.03, 0.03],
            "BreakevenCurve.tenors[1]: got 2.0 after 5.0; expected strictly increasing",
        ),
        ([5, 10], [0.03, float("nan")], "BreakevenCurve.rates[1]: got nan; expected a finite"),
        ([5, 10], [0.03], "BreakevenCurve: 2 tenors but 1 rates; expected the same length"),
        ([5], [-1.0], "BreakevenCurve.rates[0]: -1.0 gives a non-positive"),
    ],
)
def test_bad_breakeven_inputs_name_the_field(tenors, rates, message):
    with pytest.raises(DataError, match=re.escape(message)):
        BreakevenCurve(tenors, rates)


def test_unknown_real_rate_compounding_is_a_data_error():
    curve = BreakevenCurve.flat(0.03)
    with pytest.raises(DataError, match=re.escape("real_zero_rate.compounding: got 'yearly'")):
        curve.real_zero_rate(ZeroCurve.flat(0.04), 5.0, compounding="yearly")


# --- one index as another less a wedge (CPI = RPI − wedge) --------------------------------

RPI = BreakevenCurve([1.0, 30.0], [0.034, 0.031])
STEP = 4.09  # RPI is aligned with CPIH from February 2030: about 4.09y after 2025-12-31
CPI = WedgeCurve.over(RPI, starts=(0.0, STEP), wedges=(0.0095, 0.0005))


def hand_wedge(t: float) -> float:
    """W(t): 0.95% a year to the step, 0.05% after, averaged over [0, t] (written by hand)."""
    if t <= STEP:
        return 0.0095
    return (0.0095 * STEP + 0.0005 * (t - STEP)) / t


@pytest.mark.parametrize("t", [0.0, 0.5, 1.0, 4.0, STEP, 4.5, 10.0, 30.0, 60.0])
def test_a_wedge_curve_is_its_base_less_the_average_forward_wedge(t):
    """Reference: the step wedge averaged by hand; 1e-15 absolute (one float subtraction)."""
    assert float(CPI.wedge(t)) == pytest.approx(hand_wedge(t), abs=1e-15)
    assert float(CPI.rate(t)) == pytest.approx(float(RPI.rate(t)) - hand_wedge(t), abs=1e-15)


def test_a_wedge_curve_compounds_its_forward_wedge_into_the_index():
    """The CPI index ratio is (1 + c(t))^t with c = b − W (closed form, 1e-14 relative)."""
    t = np.array([2.0, 10.0, 40.0])
    expected = (1 + RPI.rate(t) - np.array([hand_wedge(x) for x in t])) ** t
    np.testing.assert_allclose(CPI.index_ratio(t), expected, rtol=1e-14)


def test_moving_the_base_moves_the_wedge_curve_by_as_much_and_a_bump_moves_the_wedge():
    t = np.array([1.0, 5.0, 25.0])
    moved = WedgeCurve.over(RPI.shifted(10.0), CPI.starts, CPI.wedges)
    np.testing.assert_allclose(moved.rate(t) - CPI.rate(t), 10e-4, rtol=1e-12)
    np.testing.assert_allclose(CPI.shifted(-20.0).rate(t) - CPI.rate(t), -20e-4, rtol=1e-12)
    np.testing.assert_allclose(CPI.shifted(-20.0).wedge(t), CPI.wedge(t), rtol=0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"starts": (1.0, 5.0), "wedges": (0.01, 0.0)},
            "curves.cpi.starts: got [1.0, 5.0]; expected times starting at 0, increasing",
        ),
        (
            {"starts": (0.0, 5.0, 5.0), "wedges": (0.01, 0.0, 0.0)},
            "curves.cpi.starts: got [0.0, 5.0, 5.0]; expected times starting at 0, increasing",
        ),
        (
            {"starts": (0.0, 5.0), "wedges": (0.01,)},
            "curves.cpi: 2 starts and 1 wedges; expected one wedge per start",
        ),
    ],
)
def test_a_bad_wedge_is_a_data_error_naming_the_field(kwargs, message):
    with pytest.raises(DataError, match=f"^{re.escape(message)}$"):
        WedgeCurve.over(RPI, where="curves.cpi", **kwargs)


def test_a_wedge_curve_needs_a_breakeven_base():
    message = "curves.cpi.base: got None; expected the breakeven curve it is built on"
    with pytest.raises(DataError, match=f"^{re.escape(message)}$"):
        WedgeCurve(RPI.tenors, RPI.rates, where="curves.cpi")
