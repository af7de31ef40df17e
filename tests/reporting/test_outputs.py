"""``ldi solve --out``: the automation outputs and their manifest, read back.

The files must hold the result's own numbers: CSV tables read back with pandas equal the
result's frames exactly (floats are written with round-trip precision), the JSON equals
``LDIResult.to_dict`` and the Markdown ``as_markdown``. The manifest's hashes are SHA-256 of
the bytes on disk (hashlib), its versions those importlib.metadata reports.
"""

import datetime as dt
import hashlib
import json
import re
from importlib import metadata

import pandas as pd
import pytest

import ldi
from ldi.cli import main
from ldi.reporting.outputs import solve_files, write_outputs
from ldi.reporting.record import decision_record
from tests.reference import DEFAULT_PROBLEM

FILES = {
    "result.json",
    "positions.csv",
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
    assert list(positions.columns) == ["kind", "role", "holding", "position", "trade"]
    pd.testing.assert_series_equal(positions["position"], result.positions, check_names=False)
    pd.testing.assert_series_equal(positions["trade"], result.trades, check_names=False)
    pd.testing.assert_series_equal(positions["holding"], result.holdings, check_names=False)
    assert positions["kind"].to_dict() == result.instruments["kind"].to_dict()
    exposures = pd.read_csv(folder / "exposures.csv", index_col="measure")
    pd.testing.assert_frame_equal(exposures, result.exposures, check_names=False)
    constraints = pd.read_csv(folder / "constraints.csv", index_col="row")
    assert list(constraints.index) == list(result.constraints.index)
    for column in ("value", "bound", "slack", "shadow_price"):
        pd.testing.assert_series_equal(
            constraints[column], result.constraints[column], check_names=False
        )
    saved = json.loads((folder / "result.json").read_text())
    expected = decision_record(ldi.load_problem(DEFAULT_PROBLEM), result)
    assert saved.pop("solver")["status"] == expected.pop("solver")["status"]  # times differ
    assert saved == json.loads(json.dumps(expected))
    summary, expected_summary = (folder / "summary.md").read_text(), result.summary().as_markdown()
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


def test_a_failed_write_leaves_no_partial_files(result, tmp_path):
    files = solve_files(result, result.to_dict())
    blocked = tmp_path / "out"
    blocked.mkdir()
    (blocked / "summary.md").mkdir()  # a folder where a file must go: that write fails
    with pytest.raises(IsADirectoryError):
        write_outputs(blocked, files)
    left = {p.name for p in blocked.iterdir()}
    assert left <= {*files, "summary.md"}
    assert not [p for p in blocked.iterdir() if p.name.startswith(".")]  # no temporaries
    for name in left - {"summary.md"}:
        assert (blocked / name).read_text() == files[name]  # each file whole


def test_the_manifest_lists_a_scenario_file_among_the_inputs(tmp_path):
    from ldi.io.load import parse_spec, read_yaml
    from ldi.io.manifest import input_files

    raw = read_yaml(DEFAULT_PROBLEM)
    raw["simulation"] = {"scenario_file": "esg.parquet"}
    files = input_files(DEFAULT_PROBLEM, parse_spec(raw))
    assert files[-1] == DEFAULT_PROBLEM.parent / "esg.parquet"
    assert DEFAULT_PROBLEM in files
