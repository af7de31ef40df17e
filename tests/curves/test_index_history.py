"""Monthly index fixings and lagged reference indices, against independent references.

The references:
- QuantLib 1.44's ``ql.CPI.laggedFixing(index, date, lag, ql.CPI.Linear / ql.CPI.Flat)`` on a
  ``ql.UKRPI`` (and a generic monthly ``ql.ZeroInflationIndex`` for CPI) holding the shipped
  fixings, each added on the first of its month: every calendar day over the file's span,
  3-month interpolated (index-linked gilts since 2005), 8-month flat (earlier gilts) and
  2-month lags both ways. Tolerance 1e-12 relative (the same linear formula in days; only
  the order of floating-point operations differs).
- Hand computations from the file's values, written below as literals: the reference RPI on
  15 March 2024 with a 3-month lag, RPI(2023-12) + 14/31 × (RPI(2024-01) − RPI(2023-12)); the
  published worked example for a September 2025 gilt coupon, 9/30 × 404.5 + 21/30 × 406.2 =
  405.69 (cited in ``problems/data/uk_index_history.md``); an 8-month flat reference, and an
  index ratio. Tolerance 1e-12 relative.
- The shipped file: its span (1988-01 to 2026-07, 463 months, none missing) as its note states,
  and the published ONS 12-month RPI rate for December 2022, 13.4%, to 0.05 percentage point
  (ONS computes RPI rates from the published one-decimal indices).
- Each refused input raises a DataError whose whole message is given.
"""

import doctest
import re
from datetime import date

import numpy as np
import pandas as pd
import pytest
import QuantLib as ql

from ldi import DataError
from ldi.curves import index_history
from ldi.curves.index_history import IndexHistory
from tests.reference import ROOT

SHIPPED = ROOT / "problems" / "data" / "uk_index_history.csv"
REL = 1e-12


@pytest.fixture(scope="module")
def history():
    return IndexHistory.from_csv(SHIPPED)


def _raises(message: str):
    """pytest.raises for a DataError whose message is exactly ``message``."""
    return pytest.raises(DataError, match="^" + re.escape(message) + "$")


# --- against QuantLib --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ql_indices(history):
    """QuantLib's UK RPI and a monthly CPI index holding the file's fixings; removed after."""
    settings = ql.Settings.instance()
    saved = settings.evaluationDate
    settings.evaluationDate = ql.Date(20, ql.August, 2026)  # after the July 2026 release
    rpi = ql.UKRPI()
    cpi = ql.ZeroInflationIndex(
        "UK CPI file",
        ql.CustomRegion("United Kingdom", "UK"),
        False,
        ql.Monthly,
        ql.Period(1, ql.Months),
        ql.GBPCurrency(),
    )
    indices = {"rpi": rpi, "cpi": cpi}
    for name, index in indices.items():
        for month, value in zip(history.months, history.values[name], strict=True):
            index.addFixing(ql.Date(1, month.month, month.year), float(value))
    try:
        yield indices
    finally:
        for index in indices.values():
            index.clearFixings()
        settings.evaluationDate = saved


def _every_day(lag: int, interpolate: bool) -> pd.DatetimeIndex:
    """Every date whose reference the file covers: lagged months from 1988-01 to 2026-07."""
    first = pd.Timestamp("1988-01-01") + pd.DateOffset(months=lag)
    last_month = pd.Timestamp("2026-07-01") + pd.DateOffset(months=lag)
    # Interpolated, a month's later days need the next fixing: only its first day is covered.
    last = last_month if interpolate else last_month + pd.offsets.MonthEnd(0)
    return pd.date_range(first, last, freq="D")


@pytest.mark.parametrize(
    ("name", "lag", "interpolate"),
    [
        ("rpi", 3, True),
        ("rpi", 8, False),
        ("rpi", 2, True),
        ("rpi", 2, False),
        ("cpi", 3, True),
        ("cpi", 8, False),
    ],
)
def test_reference_matches_quantlib_on_every_day(history, ql_indices, name, lag, interpolate):
    """ql.CPI.laggedFixing on every calendar day of the span, to 1e-12 relative."""
    days = _every_day(lag, interpolate)
    kind = ql.CPI.Linear if interpolate else ql.CPI.Flat
    period = ql.Period(lag, ql.Months)
    expected = np.array(
        [
            ql.CPI.laggedFixing(ql_indices[name], ql.Date(d.day, d.month, d.year), period, kind)
            for d in days
        ]
    )
    ours = history.reference(name, days.to_numpy(), lag, interpolate=interpolate)
    np.testing.assert_allclose(ours, expected, rtol=REL, atol=0)


def test_index_ratio_matches_quantlib(history, ql_indices):
    """Ref(settlement)/Ref(base) from two QuantLib lagged fixings, to 1e-12 relative."""
    rpi, lag = ql_indices["rpi"], ql.Period(3, ql.Months)
    base = ql.CPI.laggedFixing(rpi, ql.Date(22, ql.September, 2005), lag, ql.CPI.Linear)
    settle = [ql.Date(15, ql.March, 2024), ql.Date(29, ql.February, 2024), ql.Date(31, 7, 2026)]
    expected = [ql.CPI.laggedFixing(rpi, d, lag, ql.CPI.Linear) / base for d in settle]
    ours = history.index_ratio("rpi", ["2024-03-15", "2024-02-29", "2026-07-31"], "2005-09-22", 3)
    np.testing.assert_allclose(ours, expected, rtol=REL, atol=0)


# --- against hand computations from the file's values ------------------------------------------


def test_reference_rpi_mid_march_2024(history):
    """RPI(2023-12) = 379.0, RPI(2024-01) = 378.0: 379.0 + 14/31 × (378.0 − 379.0)."""
    expected = 379.0 + 14 / 31 * (378.0 - 379.0)
    assert float(history.reference("rpi", "2024-03-15", 3)) == pytest.approx(expected, rel=REL)
    assert history.fixing("rpi", "2023-12") == 379.0
    assert history.fixing("rpi", pd.Period("2024-01", freq="M")) == 378.0


def test_reference_rpi_of_the_published_september_2025_example(history):
    """9/30 × RPI(2025-06) + 21/30 × RPI(2025-07) = 9/30 × 404.5 + 21/30 × 406.2 = 405.69.

    Day 22 of September (30 days): (22 − 1)/30 = 21/30 of the way from June to July.
    """
    assert float(history.reference("rpi", "2025-09-22", 3)) == pytest.approx(405.69, rel=REL)


def test_eight_month_flat_reference_is_the_rpi_eight_months_before(history):
    """Any day of January 2026, 8-month lag, flat: RPI(2025-05) = 402.9 exactly."""
    days = ["2026-01-01", "2026-01-15", "2026-01-31"]
    assert history.reference("rpi", days, 8, interpolate=False).tolist() == [402.9] * 3


def test_index_ratio_by_hand(history):
    """Ref(2024-03-15)/Ref(2022-10-20), 3-month lag, from the file's values, to 1e-12.

    Ref(2024-03-15) = 379.0 + 14/31 × (378.0 − 379.0); Ref(2022-10-20) = RPI(2022-07) +
    19/31 × (RPI(2022-08) − RPI(2022-07)) = 343.2 + 19/31 × (345.2 − 343.2).
    """
    expected = (379.0 + 14 / 31 * (378.0 - 379.0)) / (343.2 + 19 / 31 * (345.2 - 343.2))
    ratio = history.index_ratio("rpi", "2024-03-15", "2022-10-20", 3)
    assert float(ratio) == pytest.approx(expected, rel=REL)


def test_first_of_the_month_needs_only_the_lagged_month(history):
    """On the 1st the weight is 0: 2026-10-01 with a 3-month lag is RPI(2026-07) = 419.1."""
    assert float(history.reference("rpi", "2026-10-01", 3)) == 419.1


def test_dates_in_every_form_give_the_same_values_in_their_shape(history):
    """ISO texts, datetime64, Timestamps and dates agree exactly; the result keeps the shape."""
    texts = np.array([["2024-03-15", "2024-02-29"], ["2010-12-31", "2005-01-01"]])
    expected = history.reference("rpi", texts, 3)
    assert expected.shape == (2, 2)
    forms = [
        texts.astype("datetime64[D]"),
        [[pd.Timestamp(t) for t in row] for row in texts],
        [[date.fromisoformat(t) for t in row] for row in texts],
        [["2024-03-15", pd.Timestamp("2024-02-29")], [date(2010, 12, 31), "2005-01-01"]],
    ]
    for form in forms:
        np.testing.assert_array_equal(history.reference("rpi", form, 3), expected)
    assert history.reference("rpi", pd.Timestamp("2024-03-15 17:45"), 3).shape == ()
    assert float(history.reference("rpi", pd.Timestamp("2024-03-15 17:45"), 3)) == (expected[0, 0])


# --- the shipped file --------------------------------------------------------------------------


def test_the_shipped_file_spans_1988_to_july_2026_without_a_gap(history):
    assert history.names == ("rpi", "cpi")
    expected = pd.period_range("1988-01", "2026-07", freq="M")
    assert len(expected) == 463
    assert history.months.equals(expected)
    assert history.last("rpi") == history.last("cpi") == pd.Period("2026-07", freq="M")


def test_the_shipped_rpi_gives_the_published_december_2022_rate(history):
    """ONS: RPI 12-month rate December 2022 13.4%; from the file 360.4/317.7 − 1, to 0.05pp."""
    rate = history.fixing("rpi", "2022-12") / history.fixing("rpi", "2021-12") - 1
    assert rate == pytest.approx(0.134, abs=0.0005)


def test_values_are_read_only(history):
    with pytest.raises(ValueError, match="read-only"):
        history.values["rpi"][0] = 1.0
    with pytest.raises(TypeError):
        history.values["rpi"] = np.ones(463)  # type: ignore[index]


def test_docstring_examples_hold():
    result = doctest.testmod(index_history, raise_on_error=False, verbose=False)
    assert result.attempted > 0
    assert result.failed == 0


# --- refused files -----------------------------------------------------------------------------


def _write(tmp_path, text: str, name: str = "uk_index_history.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def _rows(months, rpi) -> str:
    return "month,rpi\n" + "".join(f"{m},{v}\n" for m, v in zip(months, rpi, strict=True))


def test_a_missing_month_in_the_shipped_file_is_a_gap(tmp_path):
    lines = SHIPPED.read_text().splitlines(keepends=True)
    path = _write(tmp_path, "".join(line for line in lines if not line.startswith("2021-05")))
    with _raises(
        "uk_index_history.csv.month[400]: got 2021-06 after 2021-04; "
        "expected consecutive months (2021-05 is missing)"
    ):
        IndexHistory.from_csv(path)


def test_several_missing_months_are_named(tmp_path):
    path = _write(tmp_path, _rows(["2024-01", "2024-02", "2024-06"], [1, 2, 3]))
    with _raises(
        "uk_index_history.csv.month[2]: got 2024-06 after 2024-02; "
        "expected consecutive months (2024-03 to 2024-05 are missing)"
    ):
        IndexHistory.from_csv(path)


def test_months_out_of_order_are_refused(tmp_path):
    path = _write(tmp_path, _rows(["2024-01", "2024-02", "2024-02"], [1, 2, 3]))
    with _raises(
        "uk_index_history.csv.month[2]: got 2024-02 after 2024-02; expected increasing months"
    ):
        IndexHistory.from_csv(path)


def test_a_negative_level_is_refused(tmp_path):
    months = [str(m) for m in pd.period_range("2023-01", "2024-01", freq="M")]
    levels = [360.0 + i for i in range(12)] + [-3.0]
    with _raises(
        "uk_index_history.csv.rpi[12] (2024-01): got -3.0; expected a positive index level"
    ):
        IndexHistory.from_csv(_write(tmp_path, _rows(months, levels)))


@pytest.mark.parametrize(
    ("cell", "shown"),
    [("0", "0.0"), ("inf", "inf"), ("", "a blank cell"), ("n/a", "'n/a'")],
)
def test_a_level_that_is_no_positive_number_is_refused(tmp_path, cell, shown):
    path = _write(tmp_path, _rows(["2024-01", "2024-02"], ["378.0", cell]))
    with _raises(
        f"uk_index_history.csv.rpi[1] (2024-02): got {shown}; expected a positive index level"
    ):
        IndexHistory.from_csv(path)


@pytest.mark.parametrize(
    ("month", "shown"),
    [("2024-13", "'2024-13'"), ("2024-1", "'2024-1'"), ("2024-01-01", "'2024-01-01'")],
)
def test_a_malformed_month_is_refused(tmp_path, month, shown):
    path = _write(tmp_path, _rows(["2023-12", month], [379.0, 378.0]))
    with _raises(
        f"uk_index_history.csv.month[1]: got {shown}; expected a month such as 2024-01 (YYYY-MM)"
    ):
        IndexHistory.from_csv(path)


def test_a_blank_month_is_refused(tmp_path):
    path = _write(tmp_path, _rows(["2023-12", ""], [379.0, 378.0]))
    with _raises(
        "uk_index_history.csv.month[1]: got a blank cell; "
        "expected a month such as 2024-01 (YYYY-MM)"
    ):
        IndexHistory.from_csv(path)


def test_a_file_without_a_month_column_is_refused(tmp_path):
    path = _write(tmp_path, "date,rpi\n2024-01,378.0\n")
    with _raises(
        "uk_index_history.csv: got columns ['date', 'rpi']; expected a 'month' column (YYYY-MM)"
    ):
        IndexHistory.from_csv(path)


def test_a_file_with_only_months_is_refused(tmp_path):
    path = _write(tmp_path, "month\n2024-01\n")
    with _raises(
        "uk_index_history.csv: got no index column; expected one column per index beside 'month'"
    ):
        IndexHistory.from_csv(path)


@pytest.mark.parametrize("text", ["", "month,rpi\n"])
def test_an_empty_file_is_refused(tmp_path, text):
    with _raises("uk_index_history.csv: got no rows; expected at least one month of fixings"):
        IndexHistory.from_csv(_write(tmp_path, text))


def test_a_repeated_column_is_refused(tmp_path):
    path = _write(tmp_path, "month,rpi,rpi\n2024-01,378.0,378.0\n")
    with _raises("uk_index_history.csv: column 'rpi' appears 2 times; expected each column once"):
        IndexHistory.from_csv(path)


# --- refused values and requests ---------------------------------------------------------------


def test_months_that_are_not_a_monthly_period_index_are_refused():
    with _raises(
        "IndexHistory.months: got ['2024-01']; expected a pandas PeriodIndex of months (freq 'M')"
    ):
        IndexHistory(["2024-01"], {"rpi": [378.0]})  # type: ignore[arg-type]


def test_levels_of_the_wrong_length_are_refused():
    months = pd.period_range("2024-01", periods=2, freq="M")
    with _raises("IndexHistory.rpi: got 3 values for 2 months; expected one value per month"):
        IndexHistory(months, {"rpi": [1.0, 2.0, 3.0]})


def test_a_level_given_as_nan_is_refused():
    months = pd.period_range("2024-01", periods=2, freq="M")
    with _raises("IndexHistory.rpi[1] (2024-02): got nan; expected a positive index level"):
        IndexHistory(months, {"rpi": [1.0, np.nan]})


def test_a_reference_past_the_last_fixing_is_refused(history):
    with _raises(
        "uk_index_history.csv: rpi reference for 2026-12-15 with a 3-month lag needs the "
        "2026-10 fixing; the last is 2026-07"
    ):
        history.reference("rpi", ["2026-09-01", "2026-12-15"], 3)
    with _raises(
        "uk_index_history.csv: rpi reference for 2026-10-02 with a 3-month lag needs the "
        "2026-08 fixing; the last is 2026-07"
    ):
        history.index_ratio("rpi", "2026-10-02", "2020-01-01", 3)


def test_a_reference_before_the_first_fixing_is_refused(history):
    with _raises(
        "uk_index_history.csv: cpi reference for 1988-08-31 with a 8-month lag needs the "
        "1987-12 fixing; the first is 1988-01"
    ):
        history.reference("cpi", "1988-08-31", 8, interpolate=False)


@pytest.mark.parametrize(
    ("dates", "shown"),
    [
        (["2024-03-15", "15/03/2024"], "'15/03/2024'"),
        (["2024-02-30"], "'2024-02-30'"),
        (np.array(["2024-03-15", "NaT"], dtype="datetime64[D]")[::-1], "NaT"),
        ([20240315], "20240315"),
    ],
)
def test_a_date_that_is_not_one_is_refused(history, dates, shown):
    i = 1 if shown == "'15/03/2024'" else 0
    with _raises(
        f"uk_index_history.csv.rpi.dates[{i}]: got {shown}; "
        "expected a date such as 2035-06-30 (YYYY-MM-DD)"
    ):
        history.reference("rpi", dates, 3)


@pytest.mark.parametrize("lag", [-1, 3.0, True])
def test_a_lag_that_is_no_whole_number_of_months_is_refused(history, lag):
    with _raises(
        f"uk_index_history.csv.lag_months: got {lag!r}; expected a whole number of months >= 0"
    ):
        history.reference("rpi", "2024-03-15", lag)


def test_an_unknown_index_is_refused(history):
    with _raises("uk_index_history.csv: got index 'cpih'; expected one of ['rpi', 'cpi']"):
        history.reference("cpih", "2024-03-15", 3)


def test_a_fixing_outside_the_history_is_refused(history):
    with _raises(
        "uk_index_history.csv.rpi: got month 2026-08; expected a month from 1988-01 to 2026-07"
    ):
        history.fixing("rpi", "2026-08")
    with _raises(
        "uk_index_history.csv.rpi.month: got '2024-13'; expected a month such as 2024-01 (YYYY-MM)"
    ):
        history.fixing("rpi", "2024-13")
