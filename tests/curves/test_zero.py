"""ZeroCurve: discount factors, conversions, forwards, interpolation and bumps.

Expected values are closed forms written out below or QuantLib curves built from the same
pillars; ldi's own output is only ever compared, never used as the reference.
"""

import dataclasses
import math
import re

import numpy as np
import pytest
import QuantLib as ql
from hypothesis import given, settings
from hypothesis import strategies as st

from ldi import DataError, ZeroCurve

FAST = settings(max_examples=60, deadline=None)

# A three-pillar curve whose linear interpolation is easy to do by hand.
TENORS = [1.0, 5.0, 10.0]
RATES = [0.02, 0.03, 0.035]
# t -> zero rate by hand: flat before 1y and after 10y, linear in between.
HAND_ZERO = {
    0.25: 0.02,
    1.0: 0.02,
    3.0: 0.025,
    5.0: 0.03,
    6.0: 0.031,
    7.5: 0.0325,
    10.0: 0.035,
    30.0: 0.035,
}
T_HAND = np.array(list(HAND_ZERO))
Z_HAND = np.array(list(HAND_ZERO.values()))

COMPOUNDINGS = ["annual", "semiannual", "quarterly", "monthly", "continuous", "simple"]


def closed_form_df(compounding: str, r, t):
    """DF(t) for zero rate r, written out per convention (docs/conventions.md, Zero curves)."""
    r, t = np.asarray(r, dtype=float), np.asarray(t, dtype=float)
    if compounding == "continuous":
        return np.exp(-r * t)
    if compounding == "simple":
        return 1.0 / (1.0 + r * t)
    m = {"annual": 1, "semiannual": 2, "quarterly": 4, "monthly": 12}[compounding]
    return (1.0 + r / m) ** (-m * t)


def closed_form_rate(compounding: str, df, t):
    """The zero rate with discount factor ``df`` at ``t``: the inverse of closed_form_df."""
    df, t = np.asarray(df, dtype=float), np.asarray(t, dtype=float)
    if compounding == "continuous":
        return -np.log(df) / t
    if compounding == "simple":
        return (1.0 / df - 1.0) / t
    m = {"annual": 1, "semiannual": 2, "quarterly": 4, "monthly": 12}[compounding]
    return m * (df ** (-1.0 / (m * t)) - 1.0)


def triangle(t, keys, j):
    """Key-rate weight w_j(t) of docs/conventions.md (Key-rate weights), branch by branch."""
    out = []
    for x in np.atleast_1d(t):
        k = keys[j]
        if x <= k:
            if j == 0:
                out.append(1.0)
            elif x <= keys[j - 1]:
                out.append(0.0)
            else:
                out.append((x - keys[j - 1]) / (k - keys[j - 1]))
        elif j == len(keys) - 1:
            out.append(1.0)
        elif x >= keys[j + 1]:
            out.append(0.0)
        else:
            out.append((keys[j + 1] - x) / (keys[j + 1] - k))
    return np.array(out)


# --- closed forms -------------------------------------------------------------------------


@pytest.mark.parametrize("compounding", COMPOUNDINGS)
def test_discount_matches_the_closed_form_of_each_compounding(compounding):
    curve = ZeroCurve(TENORS, RATES, compounding=compounding)
    # A power or exp of a few-ulp exponent: relative error stays within ~1e-15 up to 30y.
    np.testing.assert_allclose(
        curve.discount(T_HAND), closed_form_df(compounding, Z_HAND, T_HAND), rtol=1e-13
    )


def test_named_closed_forms_at_a_single_point():
    # 4% for 7 years, spelled out for each convention.
    t, r = 7.0, 0.04
    cases = {
        "annual": 1.04**-7,
        "semiannual": 1.02**-14,
        "continuous": math.exp(-0.28),
        "simple": 1 / 1.28,
    }
    for compounding, expected in cases.items():
        df = ZeroCurve.flat(r, compounding=compounding).discount(t)
        # One closed-form evaluation each: agreement to a few ulps.
        assert float(df) == pytest.approx(expected, rel=1e-14), compounding


@pytest.mark.parametrize("compounding", COMPOUNDINGS)
def test_discount_at_time_zero_is_one(compounding):
    assert float(ZeroCurve(TENORS, RATES, compounding=compounding).discount(0.0)) == 1.0


def test_linear_interpolation_and_flat_extrapolation_of_the_zero_rate():
    curve = ZeroCurve(TENORS, RATES)
    # Linear interpolation of decimals: rounding only.
    np.testing.assert_allclose(curve.zero_rate(T_HAND), Z_HAND, rtol=0, atol=1e-16)
    far = np.array([10.0, 12.0, 50.0, 100.0])
    np.testing.assert_allclose(curve.zero_rate(far), 0.035, rtol=0, atol=1e-16)
    near = np.array([1e-6, 0.1, 0.5, 1.0])
    np.testing.assert_allclose(curve.zero_rate(near), 0.02, rtol=0, atol=1e-16)


def test_flat_curve_has_one_rate_everywhere():
    curve = ZeroCurve.flat(0.04, compounding="continuous")
    t = np.array([0.1, 1.0, 7.3, 50.0])
    np.testing.assert_allclose(curve.zero_rate(t), 0.04, rtol=0, atol=0)
    np.testing.assert_allclose(curve.discount(t), np.exp(-0.04 * t), rtol=1e-15)


@pytest.mark.parametrize("source", COMPOUNDINGS)
@pytest.mark.parametrize("target", COMPOUNDINGS)
def test_zero_rate_in_another_compounding_has_the_same_discount_factor(source, target):
    curve = ZeroCurve(TENORS, RATES, compounding=source)
    df = closed_form_df(source, Z_HAND, T_HAND)
    expected = closed_form_rate(target, df, T_HAND)
    # Conversions go through log/exp: ~1e-15 relative on rates of a few percent.
    np.testing.assert_allclose(curve.zero_rate(T_HAND, compounding=target), expected, rtol=1e-12)


def test_named_conversions_of_an_annual_rate():
    curve = ZeroCurve.flat(0.05, compounding="annual")
    t = 4.0
    assert float(curve.zero_rate(t, "continuous")) == pytest.approx(math.log(1.05), rel=1e-14)
    assert float(curve.zero_rate(t, "semiannual")) == pytest.approx(
        2 * (math.sqrt(1.05) - 1), rel=1e-14
    )
    assert float(curve.zero_rate(t, "simple")) == pytest.approx((1.05**4 - 1) / 4, rel=1e-14)
    assert float(curve.zero_rate(t, "annual")) == 0.05


@FAST
@given(
    rate=st.floats(-0.01, 0.15),
    t=st.floats(0.01, 60.0),
    source=st.sampled_from(COMPOUNDINGS),
    target=st.sampled_from(COMPOUNDINGS),
)
def test_conversion_round_trips(rate, t, source, target):
    there = float(ZeroCurve([t], [rate], compounding=source).zero_rate(t, compounding=target))
    back = ZeroCurve([t], [there], compounding=target).zero_rate(t, compounding=source)
    # Two log/exp conversions: relative error of a few ulps of the continuous rate times t.
    assert float(back) == pytest.approx(rate, rel=1e-10, abs=1e-15)


@pytest.mark.parametrize("compounding", ["annual", "semiannual", "continuous", "simple"])
def test_forward_rate_from_closed_form_discount_factors(compounding):
    curve = ZeroCurve(TENORS, RATES, compounding="annual")
    t1, t2 = np.array([0.25, 1.0, 3.0, 6.0, 10.0]), np.array([1.0, 3.0, 7.5, 30.0, 30.0])
    z1 = np.array([HAND_ZERO[x] for x in t1])
    z2 = np.array([HAND_ZERO[x] for x in t2])
    growth = (1 + z1) ** -t1 / (1 + z2) ** -t2
    tau = t2 - t1
    expected = {
        "annual": growth ** (1 / tau) - 1,
        "semiannual": 2 * (growth ** (1 / (2 * tau)) - 1),
        "continuous": np.log(growth) / tau,
        "simple": (growth - 1) / tau,
    }[compounding]
    # Ratio of two closed-form DFs, then a root: ~1e-15 relative.
    np.testing.assert_allclose(curve.forward(t1, t2, compounding), expected, rtol=1e-12)


def test_forward_on_a_flat_curve_is_the_flat_rate():
    # 1.03 growth per year at every horizon, so every annual forward is 3%.
    curve = ZeroCurve.flat(0.03, compounding="annual")
    forward = curve.forward(np.array([0.0, 2.0, 10.0]), np.array([1.0, 7.0, 40.0]))
    np.testing.assert_allclose(forward, 0.03, rtol=1e-13)
    # Continuous forward of a flat 3% annual curve: log(1.03).
    cont = curve.forward(3.0, 9.0, compounding="continuous")
    assert float(cont) == pytest.approx(math.log(1.03), rel=1e-13)


# --- QuantLib references -------------------------------------------------------------------

DAYS = [91, 365, 730, 1095, 1826, 2557, 3652, 5479, 7305, 10957]
DAY_RATES = [0.041, 0.039, 0.036, 0.035, 0.036, 0.038, 0.040, 0.042, 0.041, 0.039]
ACT365 = ql.Actual365Fixed()


def ql_zero_curve(today: ql.Date) -> ql.ZeroCurve:
    """QuantLib's linear-in-zero continuous curve on DAYS/DAY_RATES.

    It starts at the reference date; giving it the first rate there makes its linear
    interpolation flat before the first pillar, like ours.
    """
    return ql.ZeroCurve(
        [today] + [today + d for d in DAYS],
        [DAY_RATES[0], *DAY_RATES],
        ACT365,
        ql.NullCalendar(),
        ql.Linear(),
        ql.Continuous,
        ql.Annual,
    )


def test_linear_zero_continuous_matches_quantlib_zero_curve(ql_today):
    times = np.array(DAYS) / 365.0
    curve = ZeroCurve(times, DAY_RATES, compounding="continuous")
    reference = ql_zero_curve(ql_today)
    days = np.arange(1, DAYS[-1] + 1)
    expected = np.array([reference.discount(ql_today + int(d)) for d in days])
    # Same times (days/365), same linear formula: DFs agree to rounding.
    np.testing.assert_allclose(curve.discount(days / 365.0), expected, rtol=1e-13)


def test_forward_matches_quantlib_forward_rate(ql_today):
    times = np.array(DAYS) / 365.0
    curve = ZeroCurve(times, DAY_RATES, compounding="continuous")
    reference = ql_zero_curve(ql_today)
    pairs = [(0, 30), (10, 400), (91, 365), (200, 3000), (1826, 2557), (5000, 10957)]
    for d1, d2 in pairs:
        expected = reference.forwardRate(ql_today + d1, ql_today + d2, ACT365, ql.Continuous)
        ours = curve.forward(d1 / 365.0, d2 / 365.0, compounding="continuous")
        # log of a DF ratio over >= 30 days: DF rounding (1e-16) / tau (0.08y) < 1e-14.
        assert float(ours) == pytest.approx(expected.rate(), abs=1e-13), (d1, d2)


def test_log_linear_discount_matches_quantlib_discount_curve(ql_today):
    times = np.array(DAYS) / 365.0
    curve = ZeroCurve(times, DAY_RATES, compounding="annual", interpolation="log_linear_discount")
    pillar_dfs = [(1 + r) ** -(d / 365.0) for r, d in zip(DAY_RATES, DAYS, strict=True)]
    # QuantLib interpolates log DF linearly from DF(0) = 1: before the first pillar that is a
    # flat continuous (hence flat annual) zero rate, the same as ours.
    reference = ql.DiscountCurve(
        [ql_today] + [ql_today + d for d in DAYS], [1.0, *pillar_dfs], ACT365
    )
    days = np.arange(1, DAYS[-1] + 1)
    expected = np.array([reference.discount(ql_today + int(d)) for d in days])
    # exp of an interpolated log: rounding only.
    np.testing.assert_allclose(curve.discount(days / 365.0), expected, rtol=1e-13)


def test_log_linear_discount_closed_form_and_flat_extrapolation():
    curve = ZeroCurve(TENORS, RATES, interpolation="log_linear_discount")
    # Midway between 1y and 5y: the geometric mean of the two pillar DFs.
    assert float(curve.discount(3.0)) == pytest.approx(math.sqrt(1.02**-1 * 1.03**-5), rel=1e-14)
    # Outside the pillars the zero rate is flat, as for linear interpolation.
    assert float(curve.discount(0.5)) == pytest.approx(1.02**-0.5, rel=1e-14)
    assert float(curve.discount(40.0)) == pytest.approx(1.035**-40, rel=1e-13)


# --- bumps ---------------------------------------------------------------------------------


def test_shift_moves_every_zero_rate_in_the_curves_own_compounding():
    for compounding in ("annual", "continuous"):
        curve = ZeroCurve(TENORS, RATES, compounding=compounding)
        up = curve.shifted(25)
        np.testing.assert_allclose(up.zero_rate(T_HAND), Z_HAND + 0.0025, rtol=0, atol=1e-16)
        expected = closed_form_df(compounding, Z_HAND + 0.0025, T_HAND)
        # Closed-form DFs at shifted rates: rounding only.
        np.testing.assert_allclose(up.discount(T_HAND), expected, rtol=1e-13)


@FAST
@given(
    bp=st.floats(-300.0, 300.0),
    interpolation=st.sampled_from(["linear_zero", "log_linear_discount"]),
    compounding=st.sampled_from(["annual", "semiannual", "continuous"]),
)
def test_shift_then_unshift_gives_back_the_curve(bp, interpolation, compounding):
    curve = ZeroCurve(TENORS, RATES, compounding=compounding, interpolation=interpolation)
    back = curve.shifted(bp).shifted(-bp)
    t = np.linspace(0.0, 60.0, 241)
    # The two spreads cancel exactly in floating point; allow an ulp anyway.
    np.testing.assert_allclose(back.discount(t), curve.discount(t), rtol=1e-15, atol=0)
    np.testing.assert_allclose(back.zero_rate(t), curve.zero_rate(t), rtol=0, atol=1e-17)


def test_bumped_curves_are_new_objects_and_the_original_is_unchanged():
    curve = ZeroCurve(TENORS, RATES)
    before = curve.discount(T_HAND).copy()
    bumped = [curve.shifted(10), curve.key_rate_bumped([1, 5, 10], 1), curve.shifted(-3)]
    for other in bumped:
        assert other is not curve
        assert other.spread is not curve.spread
    assert curve.spread.is_zero
    np.testing.assert_array_equal(curve.tenors, TENORS)
    np.testing.assert_array_equal(curve.rates, RATES)
    np.testing.assert_array_equal(curve.discount(T_HAND), before)
    # The bumped curve keeps the unbumped pillars; the bump lives in its spread.
    np.testing.assert_array_equal(bumped[0].rates, RATES)
    with pytest.raises(dataclasses.FrozenInstanceError):
        curve.rates = np.array([0.05, 0.05, 0.05])
    assert not curve.rates.flags.writeable


def test_key_rate_bump_adds_one_bp_times_the_triangle_weight():
    keys = [1.0, 2.0, 5.0, 10.0, 30.0]
    curve = ZeroCurve(TENORS, RATES, compounding="continuous")
    t = np.linspace(0.0, 45.0, 181)
    for j in range(len(keys)):
        bumped = curve.key_rate_bumped(keys, j)
        added = bumped.zero_rate(t) - curve.zero_rate(t)
        # Difference of two rates near 3%: a few ulps (~1e-17).
        np.testing.assert_allclose(added, 1e-4 * triangle(t, keys, j), rtol=0, atol=1e-16)
        expected_df = np.exp(-(curve.zero_rate(t) + 1e-4 * triangle(t, keys, j)) * t)
        np.testing.assert_allclose(bumped.discount(t), expected_df, rtol=1e-14)
    # A bump of another size scales the triangle.
    big = curve.key_rate_bumped(keys, 2, bp=-7.5).zero_rate(t) - curve.zero_rate(t)
    np.testing.assert_allclose(big, -7.5e-4 * triangle(t, keys, 2), rtol=0, atol=1e-16)


# --- bad inputs ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tenors", "rates", "kwargs", "message"),
    [
        (
            [1, 3, 2],
            [0.01, 0.02, 0.03],
            {},
            "ZeroCurve.tenors[2]: got 2.0 after 3.0; expected strictly increasing",
        ),
        (
            [1, 1, 2],
            [0.01, 0.02, 0.03],
            {},
            "ZeroCurve.tenors[1]: got 1.0 after 1.0; expected strictly increasing",
        ),
        (
            [-1, 2],
            [0.01, 0.02],
            {},
            "ZeroCurve.tenors[0]: got -1.0; expected a positive number of years",
        ),
        (
            [0, 2],
            [0.01, 0.02],
            {},
            "ZeroCurve.tenors[0]: got 0.0; expected a positive number of years",
        ),
        (
            [1, 2],
            [0.01, float("nan")],
            {},
            "ZeroCurve.rates[1]: got nan; expected a finite number",
        ),
        (
            [1, float("inf")],
            [0.01, 0.02],
            {},
            "ZeroCurve.tenors[1]: got inf; expected a finite number",
        ),
        (
            [1, 2, 3],
            [0.01, 0.02],
            {},
            "ZeroCurve: 3 tenors but 2 rates; expected the same length",
        ),
        ([], [], {}, "ZeroCurve.tenors: got no values; expected at least one"),
        (
            [1, 2],
            [-1.5, 0.02],
            {"compounding": "annual"},
            "ZeroCurve.rates[0]: -1.5 gives a non-positive discount factor at t=1.0 with "
            "annual compounding; expected a rate above -1.0",
        ),
        (
            [1, 10],
            [0.01, -0.1],
            {"compounding": "simple"},
            "ZeroCurve.rates[1]: -0.1 gives a non-positive discount factor at t=10.0 with "
            "simple compounding; expected a rate above -0.1",
        ),
        (
            [1, 2],
            [0.01, 0.02],
            {"compounding": "daily"},
            "ZeroCurve.compounding: got 'daily'; expected one of ['continuous', 'simple', "
            "'annual', 'semiannual', 'quarterly', 'monthly']",
        ),
        (
            [1, 2],
            [0.01, 0.02],
            {"interpolation": "cubic"},
            "ZeroCurve.interpolation: got 'cubic'; expected one of ['linear_zero', "
            "'log_linear_discount']",
        ),
        ([[1, 2]], [[0.01, 0.02]], {}, "ZeroCurve.tenors: expected a 1-D list of numbers"),
    ],
)
def test_bad_curve_inputs_name_the_field_and_value(tenors, rates, kwargs, message):
    with pytest.raises(DataError, match=re.escape(message)):
        ZeroCurve(tenors, rates, **kwargs)


@pytest.mark.parametrize(
    ("t1", "t2", "message"),
    [
        (5.0, 5.0, "forward: need 0 <= t1 < t2, got t1=5.0, t2=5.0"),
        (5.0, 2.0, "forward: need 0 <= t1 < t2, got t1=5.0, t2=2.0"),
        (-1.0, 2.0, "forward: need 0 <= t1 < t2, got t1=-1.0, t2=2.0"),
        ([1.0, 3.0], [2.0, 3.0], "forward: need 0 <= t1 < t2, got t1=[1.0, 3.0], t2=[2.0, 3.0]"),
    ],
)
def test_forward_needs_increasing_times(t1, t2, message):
    with pytest.raises(DataError, match=re.escape(message)):
        ZeroCurve(TENORS, RATES).forward(t1, t2)


def test_unknown_compounding_in_conversions_is_a_data_error():
    curve = ZeroCurve(TENORS, RATES)
    with pytest.raises(DataError, match=re.escape("zero_rate.compounding: got 'weekly'")):
        curve.zero_rate(2.0, compounding="weekly")
    with pytest.raises(DataError, match=re.escape("forward.compounding: got 'weekly'")):
        curve.forward(1.0, 2.0, compounding="weekly")
