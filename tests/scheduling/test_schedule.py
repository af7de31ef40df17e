"""fixed_leg: regular dates rolled back from maturity, full periods and short first periods."""

import re

import numpy as np
import pytest
import QuantLib as ql
from hypothesis import given, settings
from hypothesis import strategies as st

from ldi import DataError
from ldi.scheduling import fixed_leg
from ldi.scheduling.schedule import FREQUENCIES, plain_legs, seasoned_legs
from tests.quantlib_helpers import backward_schedule

THIRTY_360 = ql.Thirty360(ql.Thirty360.BondBasis)
# Times below are sums of multiples of 1/frequency: rounding stays within a few ulps of 50y.
ATOL = 1e-12


def assert_leg(leg, times, accruals, accrual_start):
    np.testing.assert_allclose(leg.times, times, rtol=0, atol=ATOL)
    np.testing.assert_allclose(leg.accruals, accruals, rtol=0, atol=ATOL)
    assert leg.accrual_start == pytest.approx(accrual_start, abs=ATOL)


def test_on_a_coupon_date_all_periods_are_full():
    leg = fixed_leg(10.0, 2)
    assert_leg(leg, np.arange(1, 21) / 2, np.full(20, 0.5), 0.0)


def test_seasoned_leg_rolls_back_from_maturity():
    # Maturity 1.25y, semiannual: dates 1.25, 0.75, 0.25; the current period began at -0.25.
    assert_leg(fixed_leg(1.25, 2), [0.25, 0.75, 1.25], [0.5, 0.5, 0.5], -0.25)
    assert_leg(fixed_leg(2.6, 1), [0.6, 1.6, 2.6], [1.0, 1.0, 1.0], -0.4)


def test_start_inside_the_current_period_gives_a_short_first_period():
    # Regular dates 0.3, 0.8, 1.3 (previous one -0.2); issued at -0.05, so 0.35 accrues first.
    assert_leg(fixed_leg(1.3, 2, start=-0.05), [0.3, 0.8, 1.3], [0.35, 0.5, 0.5], -0.05)


def test_forward_start_lists_dates_after_the_start_only():
    # Annual from 0.4 to 3: dates 1, 2, 3; the first period 0.4 -> 1 is short.
    assert_leg(fixed_leg(3.0, 1, start=0.4), [1.0, 2.0, 3.0], [0.6, 1.0, 1.0], 0.4)


def test_start_on_a_regular_date_or_before_the_current_period_changes_nothing():
    assert_leg(fixed_leg(2.0, 2, start=0.5), [1.0, 1.5, 2.0], [0.5, 0.5, 0.5], 0.5)
    assert_leg(fixed_leg(5.0, 1, start=0.0), [1, 2, 3, 4, 5], np.ones(5), 0.0)
    # Issued long ago (a first stub already paid): the current period is a full one.
    assert_leg(fixed_leg(1.25, 2, start=-3.1), [0.25, 0.75, 1.25], [0.5, 0.5, 0.5], -0.25)


def test_maturity_within_the_grid_tolerance_of_the_start_still_pays_at_maturity():
    # Regression: this used to build an empty leg and fail with an IndexError.
    leg = fixed_leg(5e-10, 2)
    assert_leg(leg, [5e-10], [0.5], 5e-10 - 0.5)


def year_fraction(start, end):
    return THIRTY_360.yearFraction(start, end)


@pytest.mark.parametrize("frequency", [1, 2, 4, 12])
@pytest.mark.parametrize("valuation", [ql.Date(10, 3, 2025), ql.Date(15, 8, 2025)])
@pytest.mark.parametrize(
    "maturity", [ql.Date(15, 11, 2025), ql.Date(15, 8, 2035), ql.Date(15, 2, 2075)]
)
@pytest.mark.parametrize("issue", [None, ql.Date(1, 3, 2025)])
def test_dates_match_a_quantlib_backward_schedule(frequency, valuation, maturity, issue):
    """On the 15th of the month 30/360 year fractions are exact, so the grids must agree."""
    effective = ql.Date(15, 2, 2000) if issue is None else issue
    schedule = backward_schedule(effective, maturity, frequency)
    dates = list(schedule)
    future = [d for d in dates if d > valuation]
    current_start = max(d for d in dates if d <= valuation)
    start = None if issue is None else year_fraction(valuation, issue)
    leg = fixed_leg(year_fraction(valuation, maturity), frequency, start=start)
    ends = [current_start, *future]
    assert_leg(
        leg,
        [year_fraction(valuation, d) for d in future],
        [year_fraction(a, b) for a, b in zip(ends[:-1], ends[1:], strict=True)],
        year_fraction(valuation, current_start),
    )


@settings(max_examples=50, deadline=None)
@given(
    maturity=st.floats(0.01, 60.0),
    frequency=st.sampled_from([1, 2, 4, 12]),
    start_share=st.none() | st.floats(-1.0, 0.99),
)
def test_leg_properties(maturity, frequency, start_share):
    start = None if start_share is None else start_share * maturity
    leg = fixed_leg(maturity, frequency, start=start)
    period, lower = 1.0 / frequency, max(0.0, start or 0.0)
    # Regular spacing ending at maturity, every date after the start, and none missing:
    # the date before the first listed one is at or before the start (1e-9 grid tolerance).
    assert leg.times[-1] == maturity
    np.testing.assert_allclose(np.diff(leg.times), period, rtol=0, atol=1e-9)
    assert leg.times[0] > lower
    assert leg.times[0] - period <= lower + 1e-9
    # Accruals tile [accrual_start, maturity]; only the first may be short.
    assert np.sum(leg.accruals) == pytest.approx(maturity - leg.accrual_start, abs=1e-9)
    np.testing.assert_allclose(leg.accruals[1:], period, rtol=0, atol=1e-9)
    assert 0 < leg.accruals[0] <= period + 1e-9
    if start is not None:
        assert leg.accrual_start >= start


@pytest.mark.parametrize("frequency", [0, 3, 2.5, 6, "2", None, True])
def test_bad_frequency(frequency):
    message = f"swap.frequency: got {frequency!r}; expected one of (1, 2, 4, 12)"
    with pytest.raises(DataError, match=re.escape(message)):
        fixed_leg(10.0, frequency, where="swap")


@pytest.mark.parametrize(
    ("maturity", "start", "shown"),
    [(0.0, None, "0.0"), (-1.0, None, "-1.0"), (np.nan, None, "nan"), (2.0, 3.0, "2.0")],
)
def test_bad_maturity(maturity, start, shown):
    with pytest.raises(DataError, match=rf"leg\.maturity: got {shown}; expected a finite time"):
        fixed_leg(maturity, 2, start=start, where="leg")


def test_a_leg_beyond_150_years_is_refused_before_its_dates_are_laid_out():
    # A maturity of 1e9 years would lay out two billion coupon dates (16 GB).
    message = "swap.maturity: got 1000000.0; expected at most 150 years"
    with pytest.raises(DataError, match=re.escape(message)):
        fixed_leg(1.0e6, 2, where="swap")
    assert fixed_leg(150.0, 1).times.size == 150


# --- seasoned_legs: many legs in one pass -----------------------------------------------------


def test_seasoned_legs_are_fixed_leg_one_by_one_to_the_bit():
    """Same arithmetic stacked: every time, accrual and accrual start equal, bit for bit."""
    rng = np.random.default_rng(11)
    maturities = np.concatenate(
        [rng.uniform(0.01, 150.0, 400), np.arange(1, 41) * 0.25, [1e-10, 0.5 + 1e-10]]
    )
    frequencies = rng.choice(FREQUENCIES, maturities.size)
    legs = seasoned_legs(maturities, frequencies)
    assert plain_legs(maturities, frequencies)
    for k, rows in enumerate(legs.slices()):
        one = fixed_leg(maturities[k], int(frequencies[k]))
        assert np.array_equal(legs.times[rows], one.times)
        assert np.array_equal(legs.accruals[rows], one.accruals)
        assert legs.accrual_start[k] == one.accrual_start


@pytest.mark.parametrize(
    ("maturities", "frequencies"),
    [([5.0, 0.0], [2, 2]), ([5.0, np.nan], [2, 2]), ([5.0, 151.0], [2, 2]), ([5.0, 5.0], [2, 3])],
)
def test_terms_fixed_leg_refuses_are_not_plain(maturities, frequencies):
    assert not plain_legs(np.array(maturities), np.array(frequencies))
