"""Key-rate weights (docs/conventions.md triangles) and additive rate spreads."""

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.interpolate import interp1d

from ldi import DEFAULT_KEYS, DataError, ZeroCurve
from ldi.curves import RateSpread, key_rate_weights

FAST = settings(max_examples=60, deadline=None)
KEYS = [1.0, 2.0, 5.0, 10.0, 30.0]

key_sets = st.lists(st.floats(0.1, 60.0), min_size=1, max_size=12, unique=True).map(sorted)
times = st.lists(st.floats(0.0, 80.0), min_size=1, max_size=40)


def hand_weight(x, keys, j):
    """w_j(x) of docs/conventions.md: 1 at keys[j], 0 at its neighbours, 1 beyond the end keys."""
    k = keys[j]
    if x == k:
        return 1.0
    if x < k:
        if j == 0:
            return 1.0
        lo = keys[j - 1]
        return 0.0 if x <= lo else (x - lo) / (k - lo)
    if j == len(keys) - 1:
        return 1.0
    hi = keys[j + 1]
    return 0.0 if x >= hi else (hi - x) / (hi - k)


def reference_spread(knots, values):
    """A piecewise-linear spread, flat outside its knots, built with scipy."""
    if len(knots) == 1:
        return lambda t: np.full_like(np.asarray(t, dtype=float), values[0])
    return interp1d(knots, values, bounds_error=False, fill_value=(values[0], values[-1]))


# --- key-rate weights ----------------------------------------------------------------------


def test_weights_at_hand_picked_points():
    t = np.array([0.0, 0.5, 1.0, 1.5, 2.0, 3.5, 5.0, 7.5, 10.0, 20.0, 30.0, 45.0])
    weights = key_rate_weights(KEYS, t)
    assert weights.shape == (len(KEYS), t.size)
    expected = np.array([[hand_weight(x, KEYS, j) for x in t] for j in range(len(KEYS))])
    # Linear interpolation of 0/1: rounding only.
    np.testing.assert_allclose(weights, expected, rtol=0, atol=1e-15)
    # Spelled out: 1.5y is half 1y and half 2y; 7.5y half 5y, half 10y; 20y is half 10y/30y.
    np.testing.assert_allclose(weights[:, 3], [0.5, 0.5, 0, 0, 0], atol=1e-15)
    np.testing.assert_allclose(weights[:, 7], [0, 0, 0.5, 0.5, 0], atol=1e-15)
    np.testing.assert_allclose(weights[:, 9], [0, 0, 0, 0.5, 0.5], atol=1e-15)


@FAST
@given(keys=key_sets, t=times)
def test_weights_are_triangles_that_sum_to_one(keys, t):
    weights = key_rate_weights(keys, t)
    t = np.array(t)
    # Each column is a partition of unity: sum of at most two interpolated weights.
    np.testing.assert_allclose(weights.sum(axis=0), 1.0, rtol=0, atol=1e-12)
    assert np.all(weights >= 0)
    assert np.all(weights <= 1)
    assert np.all((weights > 0).sum(axis=0) <= 2)
    np.testing.assert_array_equal(weights[0, t <= keys[0]], 1.0)
    np.testing.assert_array_equal(weights[-1, t >= keys[-1]], 1.0)
    expected = np.array([[hand_weight(x, keys, j) for x in t] for j in range(len(keys))])
    np.testing.assert_allclose(weights, expected, rtol=0, atol=1e-12)


def test_single_key_takes_all_the_weight():
    np.testing.assert_array_equal(key_rate_weights([10.0], [0.0, 5.0, 10.0, 50.0]), [[1, 1, 1, 1]])


def test_default_keys_increase():
    assert list(DEFAULT_KEYS) == sorted(set(DEFAULT_KEYS))
    assert DEFAULT_KEYS[0] > 0


def test_key_rate_bumps_add_up_to_a_parallel_bump():
    curve = ZeroCurve([1, 10, 30], [0.03, 0.035, 0.04])
    t = np.linspace(0.0, 60.0, 241)
    total = RateSpread.parallel(0.0)
    for j in range(len(DEFAULT_KEYS)):
        total = total + RateSpread.key_rate(DEFAULT_KEYS, j, 1e-4)
    # Partition of unity times 1bp.
    np.testing.assert_allclose(total(t), 1e-4, rtol=0, atol=1e-18)
    summed = curve.with_spread(total).zero_rate(t) - curve.zero_rate(t)
    parallel = curve.shifted(1).zero_rate(t) - curve.zero_rate(t)
    np.testing.assert_allclose(summed, parallel, rtol=0, atol=1e-16)


# --- spreads -------------------------------------------------------------------------------


def test_parallel_spread_is_constant():
    spread = RateSpread.parallel(0.0025)
    np.testing.assert_array_equal(spread([0.0, 1.0, 100.0]), 0.0025)
    assert not spread.is_zero
    assert RateSpread.parallel(0.0).is_zero


def test_key_rate_spread_is_size_times_weight():
    t = np.array([0.0, 1.5, 5.0, 20.0, 40.0])
    spread = RateSpread.key_rate(KEYS, 3, -2.5e-4)
    expected = [-2.5e-4 * hand_weight(x, KEYS, 3) for x in t]
    np.testing.assert_allclose(spread(t), expected, rtol=0, atol=1e-19)


# Subnormal knots (5e-324 years) overflow the interpolation's slopes: not a tenor anyone
# quotes, so the lists are of normal floats.
knot_lists = st.lists(
    st.floats(0.0, 60.0, allow_subnormal=False), min_size=1, max_size=8, unique=True
).map(sorted)


@FAST
@given(
    a_knots=knot_lists,
    b_knots=knot_lists,
    data=st.data(),
    t=times,
)
def test_spread_addition_is_pointwise(a_knots, b_knots, data, t):
    value = st.floats(-0.01, 0.01)
    a_values = data.draw(st.lists(value, min_size=len(a_knots), max_size=len(a_knots)))
    b_values = data.draw(st.lists(value, min_size=len(b_knots), max_size=len(b_knots)))
    total = RateSpread(a_knots, a_values) + RateSpread(b_knots, b_values)
    expected = reference_spread(a_knots, a_values)(t) + reference_spread(b_knots, b_values)(t)
    # Sum of two piecewise-linear functions re-sampled on the union of knots: rounding of
    # values up to 1e-2 through an interpolation (a few ulps of 1e-2).
    np.testing.assert_allclose(total(t), expected, rtol=0, atol=1e-15)


def test_with_spread_adds_to_the_existing_spread():
    curve = ZeroCurve.flat(0.03).with_spread(RateSpread([0.0, 10.0], [0.0, 0.001]))
    both = curve.with_spread(RateSpread.parallel(0.0005))
    np.testing.assert_allclose(
        both.zero_rate([0.0, 5.0, 10.0, 20.0]),
        [0.0305, 0.031, 0.0315, 0.0315],
        rtol=0,
        atol=1e-16,
    )


# --- bad inputs ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tenors", "values", "message"),
    [
        ([], [], "RateSpread.tenors: got no values; expected at least one"),
        ([-1.0], [0.01], "RateSpread.tenors[0]: got -1.0; expected a time of 0 or more years"),
        (
            [0.0, 2.0, 1.0],
            [0.0, 0.0, 0.0],
            "RateSpread.tenors[2]: got 1.0 after 2.0; expected strictly increasing",
        ),
        ([0.0, 1.0], [0.0], "RateSpread: 2 tenors but 1 values; expected the same length"),
        ([0.0, 1.0], [0.0, float("inf")], "RateSpread.values[1]: got inf; expected a finite"),
    ],
)
def test_bad_spreads_name_the_field(tenors, values, message):
    with pytest.raises(DataError, match=re.escape(message)):
        RateSpread(tenors, values)


def test_bad_keys_name_the_field():
    with pytest.raises(DataError, match=re.escape("keys[1]: got 1.0 after 2.0")):
        key_rate_weights([2.0, 1.0], [1.0])
    with pytest.raises(DataError, match=re.escape("keys: got no values")):
        key_rate_weights([], [1.0])
    with pytest.raises(DataError, match=re.escape("keys[0]: got 0.0; expected a positive")):
        key_rate_weights([0.0, 1.0], [1.0])


@pytest.mark.parametrize("j", [3, -1, 1.0, True])
def test_key_index_out_of_range_is_an_error(j):
    message = f"key_rate.j: got {j!r}; expected an integer key index from 0 to 2 for 3 keys"
    with pytest.raises(DataError, match=re.escape(message)):
        ZeroCurve.flat(0.03).key_rate_bumped([1.0, 5.0, 10.0], j)
