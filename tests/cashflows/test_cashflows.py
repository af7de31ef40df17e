"""Cashflows: construction from lists, frames, CSV files and dates; merging; bad inputs."""

import re
import warnings
from datetime import date

import numpy as np
import pandas as pd
import pytest

from ldi import Cashflows, DataError, year_fractions
from ldi.cashflows.cashflows import without_past_flows
from ldi.errors import LDIWarning


def assert_flows(cf, times, fixed, linked=None):
    """Exact comparison: every expected number here is a literal or one IEEE division."""
    np.testing.assert_array_equal(cf.times, times)
    np.testing.assert_array_equal(cf.amounts, fixed)
    np.testing.assert_array_equal(
        cf.inflation_linked, np.zeros(len(times)) if linked is None else linked
    )


# --- construction --------------------------------------------------------------------------


def test_from_lists_gives_float_arrays_and_zero_linked_amounts():
    cf = Cashflows([1, 2.5, 30], [5, 5, 105])
    assert len(cf) == 3
    assert cf.times.dtype == np.float64
    assert cf.amounts.dtype == np.float64
    assert_flows(cf, [1.0, 2.5, 30.0], [5.0, 5.0, 105.0])
    assert not cf.has_inflation_linked


def test_inflation_linked_amounts_are_kept_separately():
    cf = Cashflows([1, 2], [0, 10], inflation_linked=[3, 0])
    assert_flows(cf, [1.0, 2.0], [0.0, 10.0], [3.0, 0.0])
    assert cf.has_inflation_linked


def test_arrays_are_read_only_copies_of_the_input():
    times, amounts = np.array([1.0, 2.0]), np.array([5.0, 105.0])
    cf = Cashflows(times, amounts)
    times[0], amounts[0] = 99.0, 99.0  # the caller's arrays stay theirs
    assert_flows(cf, [1.0, 2.0], [5.0, 105.0])
    for array in (cf.times, cf.amounts, cf.inflation_linked):
        assert not array.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 1.0


def test_from_frame_reads_time_fixed_and_inflation_linked():
    frame = pd.DataFrame(
        {"time": [1, 2, 3], "fixed": [10.0, 20.0, 30.0], "inflation_linked": [0, 1.5, 2.5]}
    )
    assert_flows(Cashflows.from_frame(frame), [1, 2, 3], [10, 20, 30], [0, 1.5, 2.5])


def test_from_frame_missing_amount_column_means_zeros():
    only_linked = pd.DataFrame({"time": [1, 2], "inflation_linked": [4.0, 5.0]})
    assert_flows(Cashflows.from_frame(only_linked), [1, 2], [0, 0], [4, 5])
    only_fixed = pd.DataFrame({"time": [1, 2], "fixed": [4.0, 5.0]})
    assert_flows(Cashflows.from_frame(only_fixed), [1, 2], [4, 5], [0, 0])


def test_amount_is_an_alias_for_fixed():
    frame = pd.DataFrame({"time": [0.5, 1.5], "amount": [7.0, 8.0]})
    assert_flows(Cashflows.from_frame(frame), [0.5, 1.5], [7, 8])


def test_header_whitespace_is_ignored():
    frame = pd.DataFrame({" time": [1.0], "fixed ": [2.0]})
    assert_flows(Cashflows.from_frame(frame), [1.0], [2.0])


def test_from_csv(tmp_path):
    path = tmp_path / "flows.csv"
    path.write_text("time,fixed,inflation_linked\n1,100,0\n2.5,50,25\n40,0,12.5\n")
    assert_flows(Cashflows.from_csv(path), [1, 2.5, 40], [100, 50, 0], [0, 25, 12.5])


def test_from_dates_is_act_365f_from_the_valuation_date():
    # Day counts from 2025-12-31, counted by hand: to 2026-12-31 is 365 days; to 2028-02-29
    # is 365 + 365 + 31 (Jan) + 29 (Feb, leap year) = 790; 2025-06-30 is the days of
    # Jul..Dec before it: 31 + 31 + 30 + 31 + 30 + 31 = 184.
    expected = [365 / 365, 790 / 365, -184 / 365]
    dates = [date(2026, 12, 31), pd.Timestamp("2028-02-29"), "2025-06-30"]
    cf = Cashflows.from_dates(dates, [1.0, 2.0, 3.0], valuation_date="2025-12-31")
    assert_flows(cf, expected, [1, 2, 3])
    np.testing.assert_array_equal(year_fractions(dates, date(2025, 12, 31)), expected)


def test_time_of_day_is_dropped():
    # 2026-01-10 is 10 days after 2025-12-31 whatever the clock says.
    times = year_fractions([pd.Timestamp("2026-01-10 23:59")], pd.Timestamp("2025-12-31 18:00"))
    np.testing.assert_array_equal(times, [10 / 365])


def test_from_frame_and_csv_with_dates(tmp_path):
    # 2026-06-30 is 181 days after 2025-12-31 (31+28+31+30+31+30); 2030-12-31 is
    # 5 x 365 + 1 (29 Feb 2028) = 1826 days.
    expected = [181 / 365, 1826 / 365]
    frame = pd.DataFrame({"date": ["2026-06-30", "2030-12-31"], "fixed": [1.0, 2.0]})
    assert_flows(Cashflows.from_frame(frame, valuation_date=date(2025, 12, 31)), expected, [1, 2])
    path = tmp_path / "dated.csv"
    path.write_text("date,amount\n2026-06-30,1\n2030-12-31,2\n")
    assert_flows(Cashflows.from_csv(path, valuation_date="2025-12-31"), expected, [1, 2])


# --- combining -----------------------------------------------------------------------------


def test_aggregate_sums_payments_at_the_same_time_in_time_order():
    cf = Cashflows([2, 1, 2, 3], [1, 2, 3, 0], inflation_linked=[0.5, 0, 0.25, 4])
    assert_flows(cf.aggregate(), [1, 2, 3], [2, 4, 0], [0, 0.75, 4])


def test_adding_streams_merges_them():
    a = Cashflows([1, 5], [10, 20])
    b = Cashflows([5, 3], [1, 2], inflation_linked=[7, 0])
    assert_flows(a + b, [1, 3, 5], [10, 2, 21], [0, 0, 7])
    assert_flows(b + a, [1, 3, 5], [10, 2, 21], [0, 0, 7])


def test_scaled_multiplies_both_amount_kinds():
    cf = Cashflows([1, 2], [4, -6], inflation_linked=[1, 0.5]).scaled(2.5)
    assert_flows(cf, [1, 2], [10, -15], [2.5, 1.25])


def test_to_frame_round_trips(tmp_path):
    cf = Cashflows([0.25, 1, 7.5], [1.125, -3, 0], inflation_linked=[0, 2, 9.75])
    frame = cf.to_frame()
    assert list(frame.columns) == ["time", "fixed", "inflation_linked"]
    again = Cashflows.from_frame(frame, allow_negative=True)
    assert_flows(again, cf.times, cf.amounts, cf.inflation_linked)
    path = tmp_path / "round.csv"
    frame.to_csv(path, index=False)
    # Through text: repr of these binary fractions is exact, so equality is exact too.
    again = Cashflows.from_csv(path, allow_negative=True)
    assert_flows(again, cf.times, cf.amounts, cf.inflation_linked)


# --- bad inputs ----------------------------------------------------------------------------


def test_length_mismatch():
    with pytest.raises(DataError, match=r"Cashflows: 2 times but 3 amounts; expected the same"):
        Cashflows([1, 2], [1, 2, 3])
    with pytest.raises(DataError, match=r"2 times but 1 inflation_linked"):
        Cashflows([1, 2], [1, 2], inflation_linked=[1])


@pytest.mark.parametrize(
    ("times", "amounts", "message"),
    [
        ([1, 2], [1.0, np.nan], r"Cashflows\.amounts\[1\]: got nan; expected a finite number"),
        ([1, np.inf], [1.0, 2.0], r"Cashflows\.times\[1\]: got inf; expected a finite number"),
        ([[1, 2]], [[1, 2]], r"Cashflows\.times: expected a 1-D list of numbers"),
    ],
)
def test_non_finite_or_non_vector_values(times, amounts, message):
    with pytest.raises(DataError, match=message):
        Cashflows(times, amounts)


def test_csv_with_unknown_column(tmp_path):
    path = tmp_path / "flows.csv"
    path.write_text("time,amout\n1,100\n")
    with pytest.raises(DataError, match=re.escape("flows.csv: unknown columns ['amout']")):
        Cashflows.from_csv(path)


def test_csv_with_non_numeric_cell_names_the_row(tmp_path):
    path = tmp_path / "flows.csv"
    path.write_text("time,fixed\n1,100\n2,1O0\n3,100\n")
    with pytest.raises(DataError, match=re.escape("flows.csv.fixed[1]: got '1O0'; expected")):
        Cashflows.from_csv(path)


def test_csv_with_blank_cell_names_the_row(tmp_path):
    path = tmp_path / "flows.csv"
    path.write_text("time,fixed\n1,100\n2,100\n,100\n")
    with pytest.raises(DataError, match=re.escape("flows.csv.time[2]: got nan")):
        Cashflows.from_csv(path)


def test_missing_csv_file(tmp_path):
    with pytest.raises(DataError, match=r"nowhere\.csv: cannot read the file"):
        Cashflows.from_csv(tmp_path / "nowhere.csv")


def test_date_column_needs_a_valuation_date():
    frame = pd.DataFrame({"date": ["2030-01-01"], "fixed": [1.0]})
    with pytest.raises(DataError, match="has a 'date' column; pass valuation_date"):
        Cashflows.from_frame(frame)


def test_unparseable_date_names_the_row():
    frame = pd.DataFrame({"date": ["2030-01-01", "31st of never"], "fixed": [1.0, 2.0]})
    with pytest.raises(DataError, match=re.escape("cashflows.date[1]: got '31st of never'")):
        Cashflows.from_frame(frame, valuation_date="2025-12-31")


def test_numbers_are_not_dates():
    # pandas would read 20350630 as nanoseconds after 1970: a flow silently in the past.
    with pytest.raises(DataError, match=re.escape("dates[0]: got 20350630; expected a date")):
        year_fractions([20350630], "2025-12-31")
    with pytest.raises(DataError, match=re.escape("valuation_date: got 20251231; expected")):
        Cashflows.from_dates(["2030-01-01"], [1.0], valuation_date=20251231)
    frame = pd.DataFrame({"date": ["2030-01-01", 20350630], "fixed": [1.0, 2.0]})
    with pytest.raises(DataError, match=re.escape("cashflows.date[1]: got 20350630")):
        Cashflows.from_frame(frame, valuation_date="2025-12-31")


def test_bad_valuation_date():
    with pytest.raises(DataError, match=re.escape("valuation_date: got 'soon'; expected a date")):
        year_fractions(["2030-01-01"], "soon")


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        (["fixed"], "expected 'time'"),  # no time column
        (["time"], "at least one of 'fixed'"),  # no amount column
        (["time", "date", "fixed"], "expected 'time' \\(or 'date'"),  # both time kinds
        (["time", "fixed", "amount"], "at least one of"),  # an alias and its target
    ],
)
def test_frame_without_the_needed_columns(columns, message):
    frame = pd.DataFrame({c: [1.0] for c in columns})
    with pytest.raises(DataError, match=message):
        Cashflows.from_frame(frame, valuation_date="2025-12-31")


def test_columns_duplicated_after_trimming(tmp_path):
    path = tmp_path / "flows.csv"
    path.write_text("time,fixed, fixed\n1,2,3\n")
    with pytest.raises(DataError, match=re.escape("columns ['fixed'] appear more than once")):
        Cashflows.from_csv(path)


# --- plausible benefit tables --------------------------------------------------------------


def test_times_beyond_150_years_are_refused_and_a_date_is_named():
    # At t = 20301231 year-by-year LPI uprating would allocate 20 million years per scenario.
    message = "Cashflows.times[1]: got 20301231.0; expected at most 150 years; a date typed"
    with pytest.raises(DataError, match=re.escape(message)):
        Cashflows([1.0, 20301231.0], [5.0, 5.0])
    with pytest.raises(DataError, match=re.escape("Cashflows.times[0]: got 1000000.0")):
        Cashflows([1.0e6], [5.0])
    assert Cashflows([-5.0, 150.0], [1.0, 1.0]).times.tolist() == [-5.0, 150.0]


@pytest.mark.parametrize(
    ("frame", "fragments"),
    [
        pytest.param(
            pd.DataFrame({"time": [1.0, -5.0, 0.0], "fixed": [1.0, 2.0, 3.0]}),
            [
                "flows.csv.time[1]: got -5.0, on or before the valuation date (2 such rows)",
                "expected payments after it (t > 0)",
                "liabilities.past_flows: drop",
            ],
            id="past-time",
        ),
        pytest.param(
            pd.DataFrame({"date": ["2026-06-30", "2020-06-30"], "fixed": [1.0, 2.0]}),
            [
                "flows.csv.date[1]: got 2020-06-30, on or before the valuation date 2025-12-31 "
                "(1 such row)",
                "liabilities.past_flows: drop",
            ],
            id="past-date",
        ),
        pytest.param(
            pd.DataFrame({"time": [1.0, 20301231.0], "fixed": [1.0, 2.0]}),
            ["flows.csv.time[1]: got 20301231.0; expected at most 150 years; a date typed"],
            id="date-typed-as-years",
        ),
        pytest.param(
            pd.DataFrame({"date": ["2026-06-30", "2200-06-30"], "fixed": [1.0, 2.0]}),
            [
                "flows.csv.date[1]: got 2200-06-30, 174.6 years after the valuation date "
                "2025-12-31; expected a date at most 150 years after it"
            ],
            id="date-too-far",
        ),
        pytest.param(
            pd.DataFrame({"time": [1.0, 2.0], "fixed": [1.0, -2.0]}),
            [
                "flows.csv.fixed[1]: got -2.0; expected a benefit amount in [0, 1e+15]",
                "a negative benefit needs liabilities.allow_negative: true",
            ],
            id="negative-fixed",
        ),
        pytest.param(
            pd.DataFrame({"time": [1.0], "inflation_linked": [1.0e16]}),
            ["flows.csv.inflation_linked[0]: got 1e+16; expected a benefit amount in [0, 1e+15]"],
            id="huge-linked",
        ),
    ],
)
def test_implausible_benefit_tables_name_the_file_column_and_row(frame, fragments):
    with pytest.raises(DataError) as caught:
        Cashflows.from_frame(frame, valuation_date="2025-12-31", where="flows.csv")
    for fragment in fragments:
        assert fragment in str(caught.value)


def test_negative_benefits_need_allow_negative():
    frame = pd.DataFrame({"time": [1.0, 2.0], "fixed": [5.0, -2.0], "inflation_linked": [0, -1]})
    cf = Cashflows.from_frame(frame, allow_negative=True)
    assert_flows(cf, [1, 2], [5, -2], [0, -1])
    with pytest.raises(DataError, match=re.escape("amount of money in [-1e+15, 1e+15]")):
        Cashflows.from_frame(frame.assign(fixed=[5.0, -2.0e15]), allow_negative=True)


def test_dropping_past_flows_reports_how_many_and_how_much():
    frame = pd.DataFrame(
        {
            "time": [-5.0, 1.0, 0.0, 2.0],
            "fixed": [1.5e6, 10.0, 2.0e6, 20.0],
            "inflation_linked": [0.0, 1.0, 0.25e6, 2.0],
            "status": ["pensioner", "pensioner", "deferred", "deferred"],
        }
    )
    message = (
        "flows.csv: left out 2 past flows (on or before the valuation date; "
        "liabilities.past_flows: drop): 3,500,000 fixed and 250,000 inflation-linked (real)"
    )
    with pytest.warns(LDIWarning, match=re.escape(message)):
        kept = without_past_flows(frame, where="flows.csv")
    # The rows kept keep their numbers in the file (and their other columns).
    assert kept.index.tolist() == [1, 3]
    assert kept["status"].tolist() == ["pensioner", "deferred"]
    assert_flows(Cashflows.from_frame(kept.drop(columns="status")), [1, 2], [10, 20], [1, 2])


def test_dropping_past_dates_counts_from_the_valuation_date():
    frame = pd.DataFrame({"date": ["2025-12-31", "2026-12-31"], "amount": [7.0, 8.0]})
    with pytest.warns(LDIWarning, match=re.escape("left out 1 past flow (")):
        kept = without_past_flows(frame, valuation_date="2025-12-31")
    assert kept["amount"].tolist() == [8.0]


def test_nothing_to_drop_leaves_the_table_as_it_is_without_a_warning():
    frame = pd.DataFrame({"time": [1.0, 2.0], "fixed": [1.0, 2.0]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert without_past_flows(frame).equals(frame)


def test_rows_kept_after_dropping_are_named_by_their_row_in_the_file():
    frame = pd.DataFrame({"time": [-1.0, -2.0, 1.0, 2.0], "fixed": [1.0, 1.0, 1.0, -3.0]})
    with pytest.warns(LDIWarning):
        kept = without_past_flows(frame, where="flows.csv")
    with pytest.raises(DataError, match=re.escape("flows.csv.fixed[3]: got -3.0")):
        Cashflows.from_frame(kept, where="flows.csv")


def test_scaled_shares_the_checked_times_and_stays_read_only():
    flows = Cashflows([1.0, 2.0], [5.0, 105.0], [1.0, 0.0])
    half = flows.scaled(0.5)
    assert half.times is flows.times
    np.testing.assert_array_equal(half.amounts, [2.5, 52.5])
    np.testing.assert_array_equal(half.inflation_linked, [0.5, 0.0])
    assert not half.amounts.flags.writeable
    assert not half.inflation_linked.flags.writeable
    with pytest.raises(DataError, match=r"^Cashflows.scaled: got factor inf; expected a finite"):
        flows.scaled(float("inf"))
