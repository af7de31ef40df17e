"""Dates in cash-flow tables: ISO dates (YYYY-MM-DD) only, every other cell refused by its row.

References: day counts by hand (2035-06-01 is 3,439 days after 2025-12-31: 9 years of 365
days, 2 leap days (2028, 2032) and 151 days of 2035 before 1 June (31+28+31+30+31)).
"""

import re
import warnings
from datetime import date

import numpy as np
import pandas as pd
import pytest

from ldi import Cashflows, DataError, year_fractions

VALUED = "2025-12-31"


def read(tmp_path, text, name="flows.csv"):
    """The cash flows of a CSV holding ``text``, read with every warning an error."""
    path = tmp_path / name
    path.write_text(text)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return Cashflows.from_csv(path, valuation_date=VALUED)


def refused(tmp_path, text, where, value):
    """Reading ``text`` fails at ``where`` (file, column, row) naming ``value`` and the form."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no pandas warning may leak
        with pytest.raises(DataError) as caught:
            read(tmp_path, text)
    message = str(caught.value)
    assert message.startswith(f"{where}: got {value!r}; ")
    assert "expected a date such as 2035-06-30 (YYYY-MM-DD)" in message
    return message


def test_iso_dates_are_read():
    times = year_fractions(["2035-06-01", " 2035-06-01 "], VALUED)
    np.testing.assert_array_equal(times, [3439 / 365, 3439 / 365])


@pytest.mark.parametrize(
    ("text", "row", "value"),
    [
        ("date,fixed\n01/06/2035,1000000\n", 0, "01/06/2035"),  # 1 June or 6 January?
        ("date,fixed\n2035-06-30,1\n01/06/2035,1000000\n", 1, "01/06/2035"),
        ("date,fixed\n2035-06-30,1\n13/06/2036,1\n01/06/2035,1000000\n", 1, "13/06/2036"),
        ("date,fixed\n2035-06-30,1\n01/06/2035,1000000\n13/06/2036,1\n", 1, "01/06/2035"),
    ],
)
def test_day_month_dates_are_refused_whatever_the_row_order(tmp_path, text, row, value):
    refused(tmp_path, text, f"flows.csv.date[{row}]", value)


def test_the_first_bad_row_is_named_in_a_day_first_file(tmp_path):
    # A day-first 13/06/2036 first used to make pandas read the whole file day-first.
    refused(tmp_path, "date,fixed\n13/06/2036,1\n01/06/2035,1\n", "flows.csv.date[0]", "13/06/2036")


def test_a_compact_date_is_named_by_its_own_row(tmp_path):
    # pandas inferred %Y%m%d from row 0 and blamed row 1, the first ISO date.
    text = "date,fixed\n20301231,1\n2035-12-31,1\n2036-12-31,1\n"
    refused(tmp_path, text, "flows.csv.date[0]", "20301231")


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ("2035-02-30", "2035-02-30"),  # no such day
        ("2035-6-30", "2035-6-30"),  # not zero-padded
        ("30 June 2035", "30 June 2035"),
        ("2035-06-30T12:00", "2035-06-30T12:00"),  # a time of day: a date is expected
        ("'2035-06-30'", "'2035-06-30'"),
    ],
)
def test_anything_but_a_calendar_date_in_iso_form_is_refused(tmp_path, cell, shown):
    refused(tmp_path, f"date,fixed\n2035-06-30,1\n{cell},1\n", "flows.csv.date[1]", shown)


def test_a_blank_date_is_refused(tmp_path):
    with pytest.raises(DataError, match=re.escape("flows.csv.date[1]: got a blank cell; expected")):
        read(tmp_path, "date,fixed\n2035-06-30,1\n,1\n")


def test_rows_keep_their_names_when_past_rows_are_left_out():
    frame = pd.DataFrame({"date": ["2035-06-30", "2035-13-01"], "fixed": [1.0, 1.0]}, index=[3, 7])
    with pytest.raises(DataError, match=re.escape("cashflows.date[7]: got '2035-13-01'")):
        Cashflows.from_frame(frame, valuation_date=VALUED)


def test_date_objects_are_dates_whatever_their_time_of_day():
    stamps = [date(2035, 6, 1), pd.Timestamp("2035-06-01 23:59"), np.datetime64("2035-06-01")]
    np.testing.assert_array_equal(year_fractions(stamps, VALUED), [3439 / 365] * 3)


def test_a_valuation_date_in_another_form_is_refused():
    with pytest.raises(DataError, match=re.escape("valuation_date: got '31/12/2025'; expected")):
        year_fractions(["2035-06-01"], "31/12/2025")
