"""Rates and tenors of scenario files and curve histories lie in the problem file's ranges.

Before, an ESG file or a curve history with rates in percent (4.725 for 4.725%) solved with
exit 0 and garbage outcome statistics, and a tenor of 200 years passed; now each is refused
naming the file or history, the row and the column, with the slip the value suggests.
"""

import numpy as np
import pandas as pd
import pytest

from ldi.errors import DataError
from ldi.scenarios.external import read_scenarios
from ldi.scenarios.simulation import CurveFactors

PERCENT_SLIP = "a percentage typed as a decimal?"


def esg(tmp_path, header, rows):
    path = tmp_path / "esg.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


GOOD_ROWS = ["1,0,0.040,0.030", "1,1,0.041,0.031", "2,0,0.040,0.030", "2,1,0.039,0.029"]


def test_a_sound_file_still_reads(tmp_path):
    file = read_scenarios(esg(tmp_path, "scenario,year,nominal_10,breakeven_10", GOOD_ROWS))
    np.testing.assert_allclose(file.moves[0].nominal[:, 0], [0.001, -0.001])


@pytest.mark.parametrize(
    ("header", "rows", "fragments"),
    [
        pytest.param(
            "scenario,year,nominal_10,breakeven_10",
            ["1,0,0.04,0.03", "1,1,4.725,0.031", "2,0,0.04,0.03", "2,1,0.039,0.029"],
            [
                "row 2 (scenario 1, year 1), column nominal_10: got 4.725",
                "expected a rate as a decimal in [-1, 1]",
                PERCENT_SLIP,
            ],
            id="nominal-in-percent",
        ),
        pytest.param(
            "scenario,year,nominal_10,breakeven_10",
            ["1,0,0.04,0.03", "1,1,0.041,0.031", "2,0,0.04,3.1", "2,1,0.039,0.029"],
            ["row 3 (scenario 2, year 0), column breakeven_10: got 3.1", PERCENT_SLIP],
            id="breakeven-in-percent",
        ),
        pytest.param(
            "scenario,year,nominal_10,credit_spread",
            ["1,0,0.04,0.01", "1,1,0.041,0.01", "2,0,0.04,0.01", "2,1,0.039,80"],
            [
                "row 4 (scenario 2, year 1), column credit_spread: got 80.0",
                "expected a spread as a decimal in [-1, 1]",
                "bp typed as a decimal?",
            ],
            id="credit-spread-in-bp",
        ),
        pytest.param(
            "scenario,year,nominal_10,nominal_200",
            GOOD_ROWS,
            ["column 'nominal_200': tenor 200.0 is beyond 150 years", "months typed as years?"],
            id="tenor-beyond-150",
        ),
    ],
)
def test_an_implausible_scenario_file_is_refused_naming_file_row_and_column(
    tmp_path, header, rows, fragments
):
    path = esg(tmp_path, header, rows)
    with pytest.raises(DataError) as caught:
        read_scenarios(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    for fragment in fragments:
        assert fragment in message, (fragment, message)


def history(**columns):
    rng = np.random.default_rng(3)
    dates = pd.date_range("2020-01-31", periods=12, freq="ME")
    level = np.cumsum(rng.normal(0, 5e-4, dates.size))
    frame = pd.DataFrame({"date": dates})
    for name, base in columns.items():
        frame[name] = base + level * (1 + float(name) / 30)
    return frame


def test_a_history_in_percent_is_refused_at_its_date_and_column():
    frame = history(**{"5": 0.03, "10": 0.035, "30": 0.04})
    frame.loc[4, "10"] = 4.725
    with pytest.raises(DataError) as caught:
        CurveFactors.from_history(frame, 2)
    message = str(caught.value)
    assert message.startswith("history[2020-05-31 00:00:00][10]: got 4.725; ")
    assert PERCENT_SLIP in message


def test_a_history_tenor_beyond_150_years_is_refused():
    with pytest.raises(DataError, match=r"history.columns\[300\]: got 300.0; .*\(0, 150\]"):
        CurveFactors.from_history(history(**{"5": 0.03, "10": 0.035, "300": 0.04}), 2)


def test_a_sound_history_still_calibrates():
    factors = CurveFactors.from_history(history(**{"5": 0.03, "10": 0.035, "30": 0.04}), 2)
    np.testing.assert_array_equal(factors.tenors, [5.0, 10.0, 30.0])
