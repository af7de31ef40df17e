"""Plausible ranges: membership, the documented interval, and the slip a value suggests."""

import re

import numpy as np
import pytest

from ldi.errors import DataError
from ldi.plausible import (
    BENEFIT,
    COUPON,
    INDEX_RATIO,
    INDEXATION_LAG,
    RATE,
    SPREAD,
    STRESS_RETURN,
    YEARS,
)
from ldi.validation import MAX_YEARS, check_max_years, date_slip


@pytest.mark.parametrize(
    ("plausible", "inside", "outside"),
    [
        (YEARS, [1e-6, 30.0, MAX_YEARS], [0.0, -1.0, 150.01, 20301231.0]),
        (RATE, [-0.2, 0.0, 0.045, 0.5], [-0.21, 0.51, 4.5]),
        (SPREAD, [-0.05, 0.005, 0.3], [-0.06, 0.31, 50.0, -2.0]),
        (COUPON, [0.0, 0.0425, 0.5], [-0.01, 4.25]),
        (STRESS_RETURN, [-0.99, 0.0, 1.0], [-1.0, 1.01, 30.0]),
    ],
)
def test_membership_follows_the_interval(plausible, inside, outside):
    assert all(value in plausible for value in inside)
    assert not any(value in plausible for value in outside)


def test_intervals_are_written_as_the_documentation_writes_them():
    assert YEARS.interval == "(0, 150]"
    assert RATE.interval == "[-0.2, 0.5]"
    assert BENEFIT.interval == "[0, 1e+15]"


@pytest.mark.parametrize(
    ("plausible", "value", "slip"),
    [
        (SPREAD, 50.0, "bp typed as a decimal?"),  # 50bp
        (SPREAD, -2.0, "bp typed as a decimal?"),  # -2bp
        (RATE, 4.5, "a percentage typed as a decimal?"),  # 4.5%
        (RATE, 45.0, "a percentage typed as a decimal?"),  # 45% (or 45bp): percent first
        (RATE, 8000.0, ""),  # neither 80 nor 0.8 is a rate
        (COUPON, 4.25, "a percentage typed as a decimal?"),
        (STRESS_RETURN, 30.0, "a percentage typed as a decimal?"),
        (YEARS, 20301231.0, "a date typed as a number of years?"),
        (YEARS, 2035.0, "a calendar year typed as a number of years?"),
        (YEARS, 360.0, "months typed as years?"),
        (YEARS, 1.0e6, ""),
        (INDEXATION_LAG, 8.0, "months typed as years?"),
        (INDEX_RATIO, 380.2, "an index level typed as a ratio?"),
        (BENEFIT, -5.0, "a negative benefit needs liabilities.allow_negative: true"),
    ],
)
def test_the_slip_a_value_suggests(plausible, value, slip):
    assert plausible.slip(value).startswith(slip)
    if slip:
        assert plausible.expected(value).endswith(plausible.slip(value))


def test_expected_names_the_quantity_the_range_and_an_example():
    assert SPREAD.expected(50.0) == (
        "expected a spread as a decimal in [-0.05, 0.3], such as 0.005 for 50bp; "
        "bp typed as a decimal?"
    )


def test_check_each_names_the_first_value_out_of_range_by_position_or_label():
    values = np.array([0.01, 0.02, 3.0, 4.0])
    message = "rates[2]: got 3.0; expected a rate as a decimal in [-0.2, 0.5]"
    with pytest.raises(DataError, match=re.escape(message)):
        RATE.check_each(values, "rates")
    with pytest.raises(DataError, match=re.escape("rates[7]: got 3.0")):
        RATE.check_each(values, "rates", labels=[5, 6, 7, 8])
    RATE.check_each(values[:2], "rates")  # in range: no error


def test_max_years_names_the_first_time_beyond_it_and_the_slip():
    check_max_years(np.array([-5.0, 0.0, MAX_YEARS]), "t")  # past times are not its business
    with pytest.raises(
        DataError,
        match=re.escape(
            "t[1]: got 20301231.0; expected at most 150 years; a date typed as a number of years?"
        ),
    ):
        check_max_years(np.array([1.0, 20301231.0]), "t")


def test_a_number_looks_like_a_date_only_with_a_month_and_a_day():
    assert date_slip(20301231.0).startswith("a date")
    assert date_slip(20301399.0) == ""  # no 13th month
    assert date_slip(20301231.5) == ""  # not a whole number
    assert date_slip(5.0e7) == ""
