"""``ldi solve --out``: the automation outputs and their manifest, read back.

The files must hold the result's own numbers: CSV tables read back with pandas equal the
result's frames exactly (floats are written with round-trip precision), the JSON equals
``LDIResult.to_dict`` and the Markdown ``as_markdown``. The manifest's hashes are SHA-256 of
the bytes on disk (hashlib), its versions those importlib.metadata reports.
"""

import csv
import datetime as dt
import errno
import hashlib
import io
import json
import os
import re
from importlib import metadata
from pathlib import Path

import pandas as pd
import pytest

import ldi
from ldi.cli import main
from ldi.errors import DataError
from ldi.reporting.outputs import solve_files, write_outputs
from ldi.reporting.record import decision_record, result_record
from ldi.reporting.solve_report import SolveSummary
from tests.reference import DEFAULT_PROBLEM, raw_problem
from tests.reporting.test_escaping import commonmark_shows
from tests.storage.test_atomic import failing_on

FILES = {
    "result.json",
    "positions.csv",
    "tickets.csv",
    "exposures.csv",
    "constraints.csv",
    "summary.md",
    "manifest.json",
}


@pytest.fixture(scope="module")
def result():
    return ldi.load_problem(DEFAULT_PROBLEM).solve()


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    folder = tmp_path_factory.mktemp("out")
    argv = ["solve", str(DEFAULT_PROBLEM), "--out", str(folder)]
    assert main(argv) == 0
    return folder, argv


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_folder_holds_every_output_and_nothing_else(written):
    folder, _ = written
    assert {p.name for p in folder.iterdir()} == FILES


def test_tables_read_back_as_the_results_numbers(written, result):
    folder, _ = written
    positions = pd.read_csv(folder / "positions.csv", index_col="id")
    assert list(positions.columns) == ["kind", "role", "category", "holding", "position", "trade"]
    pd.testing.assert_series_equal(positions["position"], result.positions, check_names=False)
    pd.testing.assert_series_equal(positions["trade"], result.trades, check_names=False)
    pd.testing.assert_series_equal(positions["holding"], result.holdings, check_names=False)
    assert positions["kind"].to_dict() == result.instruments["kind"].to_dict()
    tickets = pd.read_csv(folder / "tickets.csv", index_col="instrument")
    expected_tickets = result.tickets.rename_axis("instrument")
    assert list(tickets.columns) == list(expected_tickets.columns)
    for column in ("nominal", "consideration", "pv01", "ie01", "clean_price", "accrued"):
        pd.testing.assert_series_equal(
            tickets[column], expected_tickets[column].astype(float), check_names=False
        )
    dates = pd.to_datetime(tickets["settlement_date"])
    assert (dates == expected_tickets["settlement_date"]).all()
    assert tickets["side"].to_dict() == expected_tickets["side"].to_dict()
    exposures = pd.read_csv(folder / "exposures.csv", index_col="measure")
    pd.testing.assert_frame_equal(exposures, result.exposures, check_names=False)
    constraints = pd.read_csv(folder / "constraints.csv", index_col="row")
    assert list(constraints.index) == list(result.constraints.index)
    for column in ("value", "bound", "slack", "shadow_price"):
        pd.testing.assert_series_equal(
            constraints[column], result.constraints[column], check_names=False
        )
    saved = json.loads((folder / "result.json").read_text())
    expected = decision_record(ldi.load_problem(DEFAULT_PROBLEM), result).to_dict()
    assert saved.pop("solver")["status"] == expected.pop("solver")["status"]  # times differ
    assert saved["clean_up"].pop("time_s") >= 0.0
    expected["clean_up"].pop("time_s")
    assert saved == json.loads(json.dumps(expected))
    summary = (folder / "summary.md").read_text()
    expected_summary = SolveSummary.of(result).as_markdown()
    solver_line = re.compile(r"^Solver: .*$", re.MULTILINE)  # the solve's time differs
    assert solver_line.sub("", summary) == solver_line.sub("", expected_summary)


def test_the_manifest_names_inputs_versions_solver_times_and_outputs(written):
    folder, argv = written
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["command"] == ["ldi", *argv]
    cashflows = DEFAULT_PROBLEM.parent / "data" / "uk_db_scheme_cashflows.csv"
    assert manifest["inputs"] == {
        str(DEFAULT_PROBLEM): sha256(DEFAULT_PROBLEM),
        str(cashflows): sha256(cashflows),
    }
    for name in ("ldi", "cvxpy", "highspy", "numpy", "pandas"):
        assert manifest["packages"][name] == metadata.version(name)
    assert manifest["solver"]["status"] == "optimal"
    started = dt.datetime.fromisoformat(manifest["started"])
    finished = dt.datetime.fromisoformat(manifest["finished"])
    assert started.tzinfo is not None
    assert started <= finished
    outputs = FILES - {"manifest.json"}
    assert manifest["outputs"] == {name: sha256(folder / name) for name in outputs}


def old_set(folder, files):
    """An earlier run's set in ``folder``: every file of ``files`` with other text."""
    write_outputs(folder, {name: f"old {name}\n" for name in files})
    return {p.name: p.read_bytes() for p in folder.iterdir()}


@pytest.mark.parametrize("count", [1, 3, 5])
def test_a_write_failing_midway_leaves_the_old_set_whole_and_no_temporaries(
    result, tmp_path, monkeypatch, count
):
    files = solve_files(result, result_record(result))
    folder = tmp_path / "out"
    before = old_set(folder, files)
    full = OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(os, "fsync", failing_on(os.fsync, count, full))
    with pytest.raises(OSError, match="No space left on device") as caught:
        write_outputs(folder, files)
    name = list(files)[count - 1]  # each file is written and synced in turn
    assert str(folder / name) in str(caught.value)  # the file asked for, not a temporary
    assert ".tmp" not in str(caught.value)
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


@pytest.mark.parametrize("count", [1, 2])
def test_a_swap_failing_leaves_the_old_set_whole_and_no_temporaries(
    result, tmp_path, monkeypatch, count
):
    files = solve_files(result, result_record(result))
    folder = tmp_path / "out"
    before = old_set(folder, files)
    denied = PermissionError(errno.EACCES, "Permission denied", "x.tmp")
    monkeypatch.setattr(os, "rename", failing_on(os.rename, count, denied))
    with pytest.raises(PermissionError, match="Permission denied") as caught:
        write_outputs(folder, files)
    assert str(folder) in str(caught.value)
    assert ".tmp" not in str(caught.value)
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_a_new_set_replaces_the_old_one_and_its_manifest_whole(result, tmp_path):
    files = solve_files(result, result_record(result))
    old_set(tmp_path / "out", files)
    write_outputs(tmp_path / "out", files)
    written = {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()}
    assert written == {name: text.encode() for name, text in files.items()}
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_folder_holding_other_files_is_refused_and_kept(result, tmp_path):
    files = solve_files(result, result_record(result))
    folder = tmp_path / "out"
    before = old_set(folder, files)
    (folder / "notes.txt").write_text("mine")
    with pytest.raises(DataError, match=r"out: holds \['notes.txt'\]"):
        write_outputs(folder, files)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == {**before, "notes.txt": b"mine"}


# --- Untrusted text ------------------------------------------------------------------------------

HOSTILE_IDS = {
    "GLOBAL_EQUITY": '=HYPERLINK("http://x","y")',
    "DIVERSIFIED_GROWTH": "+cmd|' /C calc'!A0",
    "CASH": "@SUM(A1)",
    "UK_PROPERTY": "-2+3",
    "CREDIT_AA_2035": "\tTAB",
    "CREDIT_A_2040": "\rCR",
}
HOSTILE_NAME = "Scheme <img src=x onerror=alert(1)>\nsecond line"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_FILES = ("positions.csv", "tickets.csv", "exposures.csv", "constraints.csv")


def renamed(node, old, new):
    """``node`` with every key and text equal to ``old`` replaced by ``new``."""
    if isinstance(node, dict):
        return {(new if k == old else k): renamed(v, old, new) for k, v in node.items()}
    if isinstance(node, list):
        return [renamed(v, old, new) for v in node]
    return new if node == old else node


def hostile_problem():
    """The default problem with formulas for ids, HTML in its name and TeX in a scenario's."""
    raw = raw_problem()
    for old, new in HOSTILE_IDS.items():
        raw = renamed(raw, old, new)
    raw["name"] = HOSTILE_NAME
    raw["stress"] = {"scenarios": [{"name": "$\\foo$ & <b>", "nominal_bp": 30}]}
    return raw


@pytest.fixture(scope="module")
def hostile():
    result = ldi.load_problem(hostile_problem()).solve()
    return result, solve_files(result, result_record(result))


def is_number(cell):
    try:
        float(cell)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("name", CSV_FILES)
def test_no_text_cell_starts_a_formula(hostile, name):
    _, files = hostile
    cells = [cell for row in csv.reader(io.StringIO(files[name])) for cell in row]
    starting = [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    assert [cell for cell in starting if not is_number(cell)] == []
    assert any(cell.startswith("-") for cell in starting)  # negative numbers stay numbers


def test_formula_ids_are_written_as_quoted_text_and_their_numbers_as_numbers(hostile):
    result, files = hostile
    positions = pd.read_csv(io.StringIO(files["positions.csv"]), index_col="id")
    for instrument in HOSTILE_IDS.values():
        written = positions.loc["'" + instrument]
        assert written["trade"] == result.trades[instrument]
        assert written["position"] == result.positions[instrument]
    assert positions["trade"].dtype == float
    assert (positions["trade"] < 0).any()
    constraints = pd.read_csv(io.StringIO(files["constraints.csv"]), index_col="row")
    assert constraints.loc["budget", "sense"] == "'=="
    assert constraints.loc["long_only[@SUM(A1)]", "entry"] == "'@SUM(A1)"


def test_summary_shows_names_as_text_on_one_line(hostile):
    result, files = hostile
    summary = files["summary.md"]
    assert "<img" not in summary
    assert commonmark_shows(summary.splitlines()[0]) == (
        "## Scheme <img src=x onerror=alert(1)> second line: optimal"
    )
    allocation = [line for line in summary.splitlines() if "return\\_seeking" in line]
    shown = {commonmark_shows(line.split(" | ")[0].removeprefix("| ")) for line in allocation}
    assert shown == {HOSTILE_IDS[i] for i in ("GLOBAL_EQUITY", "DIVERSIFIED_GROWTH", "UK_PROPERTY")}


def test_the_manifest_lists_a_scenario_file_among_the_inputs(tmp_path, monkeypatch):
    from ldi.io.manifest import input_files
    from tests.io.test_simulation import load, write_file

    monkeypatch.chdir(tmp_path)  # a dict's files are read from the working folder
    write_file(tmp_path / "esg.csv")
    files = input_files(DEFAULT_PROBLEM, load(scenario_file="esg.csv"))
    assert (files[0], files[-1]) == (DEFAULT_PROBLEM, Path.cwd() / "esg.csv")
