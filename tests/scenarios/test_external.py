"""Scenario files from an external ESG (``ldi.scenarios.external``): reading, writing, errors.

References, written out here:

- data/esg_small.csv (two scenarios, years 0..2, rows out of order): each annual move is
  the level at year y less the level at year y - 1, typed below as those differences; the
  nominal curve (tenors 1 and 10) is read at the 5-year knot of the breakevens by the
  straight line between them, m(5) = m(1) + 4/9 (m(10) - m(1)), and the single breakeven
  tenor is flat at every knot;
- interpolation onto the union of tenors: linear between a curve's tenors and flat outside
  them, typed out knot by knot;
- the round trip: ``ScenarioModel().annual_moves`` (``RiskModel`` defaults, one growth
  asset) written as levels and read back, against the moves themselves;
- CSV against Parquet: the same rows give the same arrays;
- every error against its message constant, formatted here with the values it must name.

Tolerances: moves of the hand-written file are differences of decimals of a few digits and
one linear interpolation, so they agree to 1e-15 absolute. A round trip sums moves onto
levels of ~0.05 and differences them again, which loses a few ulps of the level (~1e-17),
so it agrees to 1e-12 absolute, as asked of it; returns are written and read as they are.
CSV and Parquet hold the same floats, so they agree exactly.
"""

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ldi.errors import DataError
from ldi.risk.factors import RiskModel
from ldi.scenarios.external import (
    ALLOWED,
    E_BEYOND,
    E_BOND_SWAP_SHAPE,
    E_CELL,
    E_COUNTS,
    E_EMPTY,
    E_EXPECTED,
    E_GAP,
    E_HORIZON,
    E_IDS,
    E_LEVELS,
    E_MISSING_COLUMN,
    E_MOVES,
    E_MOVES_DIFFER,
    E_NO_MOVES,
    E_NO_START,
    E_NO_YEARS,
    E_READ,
    E_REPEATED_COLUMN,
    E_REPEATED_ROW,
    E_RETURN,
    E_SCENARIO_ID,
    E_SUFFIX,
    E_TENOR_LABEL,
    E_TENOR_NEGATIVE,
    E_TENOR_REPEATED,
    E_UNKNOWN_COLUMN,
    E_UNKNOWN_ID,
    E_YEAR,
    ScenarioFile,
    read_scenarios,
    scenario_frame,
    write_scenarios,
)
from ldi.scenarios.scenario import MoveSet
from ldi.scenarios.simulation import E_YEARS, ScenarioModel, cumulated

SMALL = Path(__file__).parent / "data" / "esg_small.csv"
SEED = 20_250_101
EXACT = {"rtol": 0, "atol": 1e-15}
ROUND_TRIP = {"rtol": 0, "atol": 1e-12}

# A minimal valid file: two scenarios, years 0 and 1.
HEADER = "scenario,year,nominal_1,nominal_10,growth"
ROWS = ["1,0,0.03,0.04,", "1,1,0.031,0.041,0.05", "2,0,0.03,0.04,", "2,1,0.029,0.039,-0.05"]


def write(tmp_path: Path, text: str, name: str = "s.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def csv_text(header: str = HEADER, rows: list[str] = ROWS) -> str:
    return "\n".join([header, *rows]) + "\n"


def raises(message: str):
    return pytest.raises(DataError, match=f"^{re.escape(message)}$")


def simulated(count: int = 200, years: int = 5) -> list[MoveSet]:
    model = ScenarioModel(RiskModel(), growth_volatility={"EQ": 0.18})
    return model.annual_moves(count, SEED, years)


def assert_same_moves(got: list[MoveSet], want: list[MoveSet], tol: dict) -> None:
    assert len(got) == len(want)
    for a, b in zip(got, want, strict=True):
        np.testing.assert_array_equal(a.knots, b.knots)
        for field in ("nominal", "breakeven", "credit_spread", "growth"):
            np.testing.assert_allclose(getattr(a, field), getattr(b, field), **tol)
        assert (a.bond_swap is None) == (b.bond_swap is None)
        if a.bond_swap is not None:
            np.testing.assert_allclose(a.bond_swap, b.bond_swap, **tol)
        assert sorted(a.returns) == sorted(b.returns)
        for name in a.returns:
            np.testing.assert_allclose(a.returns[name], b.returns[name], **tol)


# --- reading ---------------------------------------------------------------------------------


def test_moves_of_a_hand_written_file_are_its_level_differences():
    scenarios = read_scenarios(SMALL)
    assert isinstance(scenarios, ScenarioFile)
    assert ScenarioFile.read(str(SMALL)).path == SMALL
    assert scenarios.path == SMALL
    assert (scenarios.count, scenarios.years) == (2, 2)
    assert scenarios.scenario_ids == ("A", "B")
    assert scenarios.return_ids == ("EQ",)
    np.testing.assert_array_equal(scenarios.knots, [1.0, 5.0, 10.0])

    def nominal(m1: float, m10: float) -> list[float]:
        return [m1, m1 + 4 / 9 * (m10 - m1), m10]

    year1, year2 = scenarios.annual_moves(0, 0, 2)
    # Scenario A: years 0 -> 1 -> 2 (its rows are out of order in the file); B below it.
    want = {
        "nominal": (
            [nominal(0.035 - 0.030, 0.042 - 0.040), nominal(0.020 - 0.030, 0.037 - 0.040)],
            [nominal(0.031 - 0.035, 0.045 - 0.042), nominal(0.025 - 0.020, 0.036 - 0.037)],
        ),
        "breakeven": (
            [[0.032 - 0.030] * 3, [0.025 - 0.030] * 3],
            [[0.029 - 0.032] * 3, [0.027 - 0.025] * 3],
        ),
        "credit_spread": ([0.012 - 0.010, 0.020 - 0.010], [0.009 - 0.012, 0.015 - 0.020]),
        "growth": ([0.05, -0.20], [-0.10, 0.10]),
    }
    for field, (first, second) in want.items():
        np.testing.assert_allclose(getattr(year1, field), first, **EXACT)
        np.testing.assert_allclose(getattr(year2, field), second, **EXACT)
    np.testing.assert_allclose(year1.returns["EQ"], [0.07, -0.30], **EXACT)
    np.testing.assert_allclose(year2.returns["EQ"], [-0.15, 0.12], **EXACT)


def test_csv_and_parquet_give_identical_moves(tmp_path):
    parquet = tmp_path / "small.parquet"
    pd.read_csv(SMALL, dtype={"scenario": str}).to_parquet(parquet, index=False)
    from_csv, from_parquet = read_scenarios(SMALL), read_scenarios(parquet)
    assert from_parquet.scenario_ids == from_csv.scenario_ids
    exactly = {"rtol": 0, "atol": 0}
    assert_same_moves(from_parquet.annual_moves(1, 1, 2), from_csv.annual_moves(1, 1, 2), exactly)
    pq = tmp_path / "small.pq"  # the short suffix
    parquet.rename(pq)
    assert_same_moves(read_scenarios(pq).moves, from_csv.moves, exactly)


def test_curves_are_interpolated_onto_the_union_of_tenors_flat_outside(tmp_path):
    text = csv_text(
        "scenario,year,nominal_2,nominal_10,breakeven_0,breakeven_5,breakeven_30",
        ["s,0,0.01,0.02,0.03,0.03,0.03", "s,1,0.02,0.06,0.02,0.04,0.01"],
    )
    (move,) = read_scenarios(write(tmp_path, text)).annual_moves(1, 0, 1)
    np.testing.assert_array_equal(move.knots, [0.0, 2.0, 5.0, 10.0, 30.0])
    # nominal moves 0.01 at 2y and 0.04 at 10y: flat before 2, 3/8 of the way at 5, flat after 10
    np.testing.assert_allclose(
        move.nominal, [[0.01, 0.01, 0.01 + 3 / 8 * 0.03, 0.04, 0.04]], **EXACT
    )
    # breakeven moves -0.01 at 0, 0.01 at 5, -0.02 at 30: 2y is 2/5 and 10y 5/25 of the way
    breakeven = [-0.01, -0.01 + 2 / 5 * 0.02, 0.01, 0.01 - 5 / 25 * 0.03, -0.02]
    np.testing.assert_allclose(move.breakeven, [breakeven], **EXACT)


def test_absent_columns_give_zero_moves_and_no_returns(tmp_path):
    text = csv_text("scenario,year,nominal_10", ["1,0,0.04", "1,1,0.05", "1,2,0.03"])
    scenarios = read_scenarios(write(tmp_path, text))
    for move in scenarios.moves:
        np.testing.assert_array_equal(move.knots, [10.0])
        np.testing.assert_array_equal(move.breakeven, [[0.0]])
        np.testing.assert_array_equal(move.credit_spread, [0.0])
        np.testing.assert_array_equal(move.growth, [0.0])
        assert dict(move.returns) == {}
    np.testing.assert_allclose(scenarios.moves[1].nominal, [[0.03 - 0.05]], **EXACT)


def test_scenario_ids_are_integers_only_when_every_one_is_a_plain_integer(tmp_path):
    rows = ["7,0,0.03", "7,1,0.04", "-3,0,0.03", "-3,1,0.02"]
    text = csv_text("scenario,year,nominal_10", rows)
    assert read_scenarios(write(tmp_path, text)).scenario_ids == (7, -3)
    text = csv_text("scenario,year,nominal_10", [*rows, "007,0,0.03", "007,1,0.03"])
    assert read_scenarios(write(tmp_path, text)).scenario_ids == ("7", "-3", "007")


def test_a_nan_return_at_year_0_is_ignored(tmp_path):
    rows = ["1,0,0.03,0.04,nan", "1,1,0.031,0.041,0.05"]
    scenarios = read_scenarios(write(tmp_path, csv_text(rows=rows)))
    np.testing.assert_array_equal(scenarios.moves[0].growth, [0.05])


# --- the ScenarioModel interface -------------------------------------------------------------


def test_annual_moves_return_every_scenario_whatever_count_and_seed(tmp_path):
    scenarios = read_scenarios(SMALL)
    first = scenarios.annual_moves(1, 1, 1)
    assert [m.count for m in first] == [2]
    assert_same_moves(scenarios.annual_moves(10_000, 99, 1), first, {"rtol": 0, "atol": 0})
    assert len(scenarios.annual_moves(2, 0, 2)) == 2


def test_annual_moves_are_copies_and_the_file_is_read_only():
    scenarios = read_scenarios(SMALL)
    (move,) = scenarios.annual_moves(2, 0, 1)
    move.nominal[:] = 1.0
    assert np.all(scenarios.moves[0].nominal < 0.1)
    with pytest.raises(ValueError, match="read-only"):
        scenarios.moves[0].nominal[0, 0] = 1.0


def test_simulate_cumulates_the_annual_moves_as_scenario_model_does():
    scenarios = read_scenarios(SMALL)
    exactly = {"rtol": 0, "atol": 0}
    assert_same_moves(
        scenarios.simulate(2, 0, 2), cumulated(scenarios.annual_moves(2, 0, 2)), exactly
    )


def test_years_beyond_the_file_are_named():
    scenarios = read_scenarios(SMALL)
    with raises(E_BEYOND.format(file=SMALL, value=3, last=2)):
        scenarios.annual_moves(2, 0, 3)
    with raises(E_YEARS.format(value=0)):
        scenarios.annual_moves(2, 0, 0)


def test_check_ids_names_return_columns_of_unknown_instruments():
    scenarios = read_scenarios(SMALL)
    scenarios.check_ids(["EQ", "GILT"])
    with raises(E_UNKNOWN_ID.format(file=SMALL, columns=["return_EQ"], ids=["DGF", "GILT"])):
        scenarios.check_ids(["GILT", "DGF"])


# --- writing ---------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_simulated_moves_round_trip_through_a_file(tmp_path, suffix):
    moves = simulated()
    levels0 = np.linspace(0.03, 0.045, moves[0].knots.size)
    path = write_scenarios(tmp_path / f"esg{suffix}", moves, levels0, 0.035, 0.01)
    scenarios = read_scenarios(path)
    assert (scenarios.count, scenarios.years) == (200, 5)
    assert scenarios.scenario_ids == tuple(range(1, 201))
    assert_same_moves(scenarios.annual_moves(200, SEED, 5), moves, ROUND_TRIP)


def test_written_levels_are_the_start_plus_cumulative_moves():
    moves = simulated(count=3, years=2)
    frame = scenario_frame(moves, 0.04, scenario_ids=["a", "b", "c"])
    assert list(frame["scenario"]) == ["a"] * 3 + ["b"] * 3 + ["c"] * 3
    assert list(frame["year"]) == [0, 1, 2] * 3
    ten = list(moves[0].knots).index(10.0)
    levels = frame["nominal_10"].to_numpy().reshape(3, 3)
    annual = np.column_stack([np.zeros(3), *(m.nominal[:, ten] for m in moves)])
    want = 0.04 + np.cumsum(annual, axis=1)
    np.testing.assert_allclose(levels, want, **EXACT)
    growth = frame["growth"].to_numpy().reshape(3, 3)
    assert np.all(np.isnan(growth[:, 0]))
    np.testing.assert_array_equal(growth[:, 1:], np.column_stack([m.growth for m in moves]))


def test_bonds_against_swaps_are_one_level_a_year_from_zero(tmp_path):
    """The simulated moves' bond_swap (the same at every tenor) as a ``bond_swap`` column.

    Levels from 0, moves read back as their differences at every knot (1e-15 absolute).
    """
    moves = simulated(count=3, years=2)
    frame = scenario_frame(moves, 0.04)
    levels = frame["bond_swap"].to_numpy().reshape(3, 3)
    annual = np.column_stack([np.zeros(3), *(m.bond_swap[:, 0] for m in moves)])
    np.testing.assert_allclose(levels, np.cumsum(annual, axis=1), **EXACT)
    read = read_scenarios(write_scenarios(tmp_path / "b.csv", moves, 0.04)).moves
    for got, want in zip(read, moves, strict=True):
        np.testing.assert_allclose(got.bond_swap, want.bond_swap, rtol=0, atol=1e-15)
    tilted = simulated(count=2, years=1)
    tilted[0].bond_swap[:, 0] += 1e-4  # one tenor moved apart from the others
    with raises(E_BOND_SWAP_SHAPE.format(year=0)):
        scenario_frame(tilted, 0.04)


def test_moves_on_different_knots_are_written_on_their_union(tmp_path):
    def move(knots: list[float], nominal: list[float]) -> MoveSet:
        one = np.zeros(1)
        return MoveSet(np.array(knots), np.array([nominal]), np.zeros((1, len(knots))), one, one)

    moves = [move([2.0, 10.0], [0.01, 0.03]), move([5.0], [-0.02])]
    scenarios = read_scenarios(write_scenarios(tmp_path / "u.csv", moves, 0.04))
    np.testing.assert_array_equal(scenarios.knots, [2.0, 5.0, 10.0])
    year1, year2 = scenarios.moves
    np.testing.assert_allclose(year1.nominal, [[0.01, 0.01 + 3 / 8 * 0.02, 0.03]], **EXACT)
    np.testing.assert_allclose(year2.nominal, [[-0.02, -0.02, -0.02]], **EXACT)


def test_a_failed_write_leaves_the_old_file_whole(tmp_path):
    path = write_scenarios(tmp_path / "w.csv", simulated(count=2, years=1), 0.04)
    before = path.read_text()
    bad = simulated(count=2, years=1)
    bad[0].returns["EQ"][1] = np.nan  # "the default": not writable
    message = E_CELL.format(
        file=path, scenario=2, year=1, column="return_EQ", value="an empty cell"
    )
    with raises(message):
        write_scenarios(path, bad, 0.04)
    assert path.read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.csv"]


def test_writer_errors_are_named(tmp_path):
    moves = simulated(count=3, years=2)
    with raises(E_SUFFIX.format(file=tmp_path / "x.xlsx", suffix=".xlsx")):
        write_scenarios(tmp_path / "x.xlsx", moves, 0.04)
    with raises(E_NO_MOVES):
        scenario_frame([], 0.04)
    with raises(E_COUNTS.format(year=2, got=2, want=3)):
        scenario_frame([moves[0], moves[1].chunk(0, 2)], 0.04)
    with raises(E_LEVELS.format(name="nominal_levels0", shape=(2,), knots=7, shape_sk=(3, 7))):
        scenario_frame(moves, [0.03, 0.04])
    with raises(E_IDS.format(got=3, unique=2, want=3)):
        scenario_frame(moves, 0.04, scenario_ids=[1, 2, 1])
    assert list(tmp_path.iterdir()) == []


# --- bad files -------------------------------------------------------------------------------


def test_a_missing_or_unreadable_file_is_named(tmp_path):
    missing = tmp_path / "missing.csv"
    with raises(E_READ.format(file=missing, reason="No such file or directory")):
        read_scenarios(missing)
    garbage = write(tmp_path, "not parquet", "g.parquet")
    with pytest.raises(
        DataError, match=f"^{re.escape(f'{garbage}: cannot read the scenario file (')}"
    ):
        read_scenarios(garbage)
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"scenario,year\n\xff\xfe,1\n")
    with pytest.raises(
        DataError, match=f"^{re.escape(f'{binary}: cannot read the scenario file (')}"
    ):
        read_scenarios(binary)


def test_an_unsupported_suffix_is_named(tmp_path):
    path = write(tmp_path, csv_text(), "s.xlsx")
    with raises(E_SUFFIX.format(file=path, suffix=".xlsx")):
        read_scenarios(path)


@pytest.mark.parametrize("text", ["", HEADER + "\n"])
def test_an_empty_file_is_named(tmp_path, text):
    path = write(tmp_path, text)
    with raises(E_EMPTY.format(file=path)):
        read_scenarios(path)


def test_an_empty_parquet_file_is_named(tmp_path):
    path = tmp_path / "e.parquet"
    pd.DataFrame({"scenario": pd.Series([], dtype=str), "year": [], "nominal_1": []}).to_parquet(
        path
    )
    with raises(E_EMPTY.format(file=path)):
        read_scenarios(path)


def test_a_repeated_parquet_column_is_named(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "r.parquet"
    table = pa.table(
        [[1, 1], [0, 1], [0.03, 0.04], [0.03, 0.04]],
        names=["scenario", "year", "nominal_1", "nominal_1"],
    )
    pq.write_table(table, path)
    with raises(E_REPEATED_COLUMN.format(file=path, column="nominal_1", times=2)):
        read_scenarios(path)


COLUMN_ERRORS = [
    ("year,nominal_1", E_MISSING_COLUMN, {"columns": ["scenario"]}),
    ("scenario,nominal_1", E_MISSING_COLUMN, {"columns": ["year"]}),
    ("scenario,year,growth", E_MISSING_COLUMN, {"columns": ["nominal_<tenor>"]}),
    ("nominal_1", E_MISSING_COLUMN, {"columns": ["scenario", "year"]}),
    (
        "scenario,year,nominal_1,spread,return_",
        E_UNKNOWN_COLUMN,
        {"columns": ["spread", "return_"]},
    ),
    ("scenario,year,nominal_1,real_5", E_UNKNOWN_COLUMN, {"columns": ["real_5"]}),
    (
        "scenario,year,nominal_1,nominal_1",
        E_REPEATED_COLUMN,
        {"column": "nominal_1", "times": 2},
    ),
    (
        "scenario,year,nominal_ten",
        E_TENOR_LABEL,
        {"column": "nominal_ten", "label": "ten", "family": "nominal"},
    ),
    (
        "scenario,year,nominal_1,breakeven_1_0",
        E_TENOR_LABEL,
        {"column": "breakeven_1_0", "label": "1_0", "family": "breakeven"},
    ),
    (
        "scenario,year,nominal_inf",
        E_TENOR_LABEL,
        {"column": "nominal_inf", "label": "inf", "family": "nominal"},
    ),
    ("scenario,year,nominal_-1", E_TENOR_NEGATIVE, {"column": "nominal_-1", "value": -1.0}),
    (
        "scenario,year,nominal_10,nominal_10.0",
        E_TENOR_REPEATED,
        {"first": "nominal_10", "second": "nominal_10.0", "value": 10.0},
    ),
    (
        "scenario,year,nominal_1,breakeven_0.5,breakeven_5e-1",
        E_TENOR_REPEATED,
        {"first": "breakeven_0.5", "second": "breakeven_5e-1", "value": 0.5},
    ),
]


@pytest.mark.parametrize(("header", "message", "values"), COLUMN_ERRORS)
def test_bad_columns_are_named(tmp_path, header, message, values):
    width = header.count(",") + 1
    path = write(tmp_path, csv_text(header, [",".join(["1"] * width)]))
    with raises(message.format(file=path, **values)):
        read_scenarios(path)


def test_the_unknown_column_message_lists_the_allowed_patterns(tmp_path):
    path = write(tmp_path, csv_text("scenario,year,nominal_1,x", ["1,0,0.03,1"]))
    with raises(f"{path}: unknown column(s) ['x']; expected only {ALLOWED}"):
        read_scenarios(path)
    assert "return_<instrument id>" in ALLOWED


ROW_ERRORS = [
    # (rows replacing ROWS, message, values to name)
    (["1,0,0.03,0.04,", ",1,0.031,0.041,0.05"], E_SCENARIO_ID, {"row": 2}),
    (["1,0,0.03,0.04,", "1,1.5,0.031,0.041,0.05"], E_YEAR, {"row": 2, "value": "1.5"}),
    (["1,0,0.03,0.04,", "1,one,0.031,0.041,0.05"], E_YEAR, {"row": 2, "value": "'one'"}),
    (["1,-1,0.03,0.04,", "1,0,0.031,0.041,0.05"], E_YEAR, {"row": 1, "value": "-1"}),
    (["1,0,0.03,0.04,", "1,,0.031,0.041,0.05"], E_YEAR, {"row": 2, "value": "an empty cell"}),
    (
        [*ROWS, "2,1,0.029,0.039,-0.05"],
        E_REPEATED_ROW,
        {"scenario": 2, "year": 1, "first": 4, "second": 5},
    ),
    (["1,1,0.03,0.04,0.0", "1,2,0.031,0.041,0.05"], E_NO_START, {"scenario": 1, "year": 1}),
    (
        [*ROWS[:2], "1,3,0.03,0.04,0.01", "2,0,0.03,0.04,", "2,1,0.03,0.04,0.0"],
        E_GAP,
        {"scenario": 1, "year": 2, "last": 3},
    ),
    (["1,0,0.03,0.04,", "2,0,0.03,0.04,"], E_NO_YEARS, {"scenario": 1}),
    (
        [*ROWS, "2,2,0.03,0.04,0.01"],
        E_HORIZON,
        {"scenario": 2, "last": 2, "first": 1, "expected": 1},
    ),
    (
        ["1,0,0.03,,", "1,1,0.031,0.041,0.05"],
        E_CELL,
        {"scenario": 1, "year": 0, "column": "nominal_10", "value": "an empty cell"},
    ),
    (
        ["1,0,0.03,0.04,", "1,1,nan,0.041,0.05"],
        E_CELL,
        {"scenario": 1, "year": 1, "column": "nominal_1", "value": "'nan'"},
    ),
    (
        ["1,0,0.03,0.04,", "1,1,0.031,inf,0.05"],
        E_CELL,
        {"scenario": 1, "year": 1, "column": "nominal_10", "value": "inf"},
    ),
    (
        ["1,0,0.03,0.04,", "1,1,0.031,4%,0.05"],
        E_CELL,
        {"scenario": 1, "year": 1, "column": "nominal_10", "value": "'4%'"},
    ),
    (
        [*ROWS[:3], "2,1,0.029,0.039,"],
        E_CELL,
        {"scenario": 2, "year": 1, "column": "growth", "value": "an empty cell"},
    ),
    (
        [*ROWS[:3], "2,1,0.029,0.039,-1"],
        E_RETURN,
        {"scenario": 2, "year": 1, "column": "growth", "value": -1.0},
    ),
]


@pytest.mark.parametrize(("rows", "message", "values"), ROW_ERRORS)
def test_bad_rows_and_cells_are_named(tmp_path, rows, message, values):
    path = write(tmp_path, csv_text(rows=rows))
    with raises(message.format(file=path, **values)):
        read_scenarios(path)


def test_a_return_column_at_or_below_minus_one_is_named(tmp_path):
    header = HEADER + ",return_EQ"
    rows = ["1,0,0.03,0.04,,", "1,1,0.031,0.041,0.05,-1.5"]
    path = write(tmp_path, csv_text(header, rows))
    message = E_RETURN.format(file=path, scenario=1, year=1, column="return_EQ", value=-1.5)
    with raises(message):
        read_scenarios(path)


def test_the_first_bad_cell_in_file_order_is_named(tmp_path):
    rows = ["1,0,0.03,0.04,", "1,1,0.031,x,0.05", "2,0,y,0.04,", "2,1,0.029,0.039,-0.05"]
    path = write(tmp_path, csv_text(rows=rows))
    message = E_CELL.format(file=path, scenario=1, year=1, column="nominal_10", value="'x'")
    with raises(message):
        read_scenarios(path)


def test_a_scenario_file_built_directly_is_checked():
    moves = simulated(count=3, years=2)
    with raises(E_MOVES.format(file="x.csv", ids=2, unique=2, years=2, counts=[3])):
        ScenarioFile(Path("x.csv"), (1, 2), tuple(moves))
    with raises(E_MOVES.format(file="x.csv", ids=3, unique=2, years=2, counts=[3])):
        ScenarioFile(Path("x.csv"), (1, 2, 2), tuple(moves))
    other = MoveSet(
        moves[1].knots[:-1],
        moves[1].nominal[:, :-1],
        moves[1].breakeven[:, :-1],
        moves[1].credit_spread,
        moves[1].growth,
        moves[1].returns,
    )
    with raises(E_MOVES_DIFFER.format(file="x.csv", index=1)):
        ScenarioFile(Path("x.csv"), (1, 2, 3), (moves[0], other))
    built = ScenarioFile(Path("x.csv"), (1, 2, 3), tuple(moves))
    moves[0].nominal[:] = 9.0  # the caller's arrays stay theirs
    assert np.all(built.moves[0].nominal < 1.0)


def test_a_file_holds_total_returns_and_shocks_are_written_with_their_expected_return(
    tmp_path,
):
    moves = ScenarioModel(growth_volatility={"EQ": 0.18}).annual_moves(30, 2, 2)
    path = tmp_path / "totals.csv"
    write_scenarios(path, moves, 0.04, expected_returns={"EQ": 0.06})
    read = read_scenarios(path).annual_moves(30, 0, 2)
    assert all(move.total_returns for move in read)
    for written, back in zip(moves, read, strict=True):
        np.testing.assert_allclose(back.returns["EQ"], written.returns["EQ"] + 0.06, atol=1e-12)
    with pytest.raises(DataError) as error:
        write_scenarios(tmp_path / "other.csv", moves, 0.04, expected_returns={"OTHER": 0.06})
    assert str(error.value) == E_EXPECTED.format(name="EQ", names=["OTHER"])
    # Totals read back are written as they are: no expected return is added twice.
    again = tmp_path / "again.csv"
    write_scenarios(again, read, 0.04, expected_returns={"EQ": 0.06})
    for first, second in zip(read, read_scenarios(again).annual_moves(30, 0, 2), strict=True):
        np.testing.assert_allclose(second.returns["EQ"], first.returns["EQ"], atol=1e-12)
