"""The command line with files it should refuse: bad problem files and bad result files.

Each refusal exits 2 with one line on standard error that starts with ``error: `` and the
file's name, writes nothing and prints nothing on standard output. References: the exit
codes and messages of docs/cli.md, and the messages of ``ldi.io.reading`` and
``ldi.io.result_file``.
"""

import io
import json
import os
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from ldi.cli import main
from ldi.io.result_file import E_RESULT
from ldi.storage.files import DATA_ROOT
from tests.reference import DEFAULT_PROBLEM

SECRET = "s3cr3t-line-of-the-file"


def run(*args):
    """(exit code, standard output, standard error) of ``ldi ARGS`` run in this process."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


def refused(*args, names):
    code, out, err = run(*args)
    assert code == 2, err
    assert out == ""
    assert err.startswith(f"error: {names}: ")
    assert err.count("\n") == 1
    assert SECRET not in err
    return err


# --- problem files -------------------------------------------------------------------------------


def bomb():
    lines = ["ldi: 1", "a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(bomb(), id="alias-bomb"),
        pytest.param("ldi: 1\nname: &a [*a]\n", id="recursive-anchor"),
        pytest.param("ldi: 1\nname: " + "[" * 1000 + "]" * 1000 + "\n", id="1000-deep"),
        pytest.param(f"ldi: 1\nname: {SECRET} Caf\xe9\n".encode("latin-1"), id="latin-1"),
        pytest.param(f"ldi: 1\nname: [{SECRET}\n", id="yaml-error"),
    ],
)
def test_a_hostile_problem_file_exits_2_naming_it(tmp_path, content):
    path = tmp_path / "p.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    refused("validate", path, names=path)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no zero device here")
def test_the_zero_device_as_a_problem_file_exits_2():
    err = refused("validate", "/dev/zero", names="/dev/zero")
    assert "a character device; expected a regular file" in err


def test_a_cashflows_file_outside_the_problems_folder_exits_2(tmp_path, monkeypatch):
    monkeypatch.delenv(DATA_ROOT, raising=False)
    (tmp_path / "secret.csv").write_text(f"{SECRET}\n1\n")
    folder = tmp_path / "scheme"
    folder.mkdir()
    text = DEFAULT_PROBLEM.read_text().replace("data/uk_db_scheme_cashflows.csv", "../secret.csv")
    assert "../secret.csv" in text
    (folder / "p.yaml").write_text(text)
    err = refused("validate", folder / "p.yaml", names="liabilities.cashflows")
    assert "outside the problem's folder" in err
    monkeypatch.setenv(DATA_ROOT, os.fspath(tmp_path))  # the documented opt-in
    code, _, err = run("validate", folder / "p.yaml")
    assert code == 2
    assert err.startswith("error: liabilities.cashflows: ")
    assert "outside" not in err  # read, and refused for what it holds


# --- result files --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    """The decision record of the default problem, as ``ldi solve --json`` writes it."""
    file = tmp_path_factory.mktemp("solved") / "result.json"
    code, _, err = run("solve", DEFAULT_PROBLEM, "--json", file)
    assert code == 0, err
    return json.loads(file.read_text())


def test_report_of_a_good_result_writes_the_page(tmp_path, result):
    file = tmp_path / "r.json"
    file.write_text(json.dumps(result))
    code, _, err = run("report", file, "--out", tmp_path / "r.html")
    assert code == 0, err
    assert (tmp_path / "r.html").read_text().startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        pytest.param(lambda r: r.pop("exposures"), "exposures: missing", id="no-exposures"),
        pytest.param(
            lambda r: r["exposures"][0].pop("measure"),
            "exposures[0].measure: missing",
            id="no-measure",
        ),
        pytest.param(
            lambda r: r.__setitem__("solver", SECRET),
            "solver: got text, not a mapping",
            id="solver",
        ),
        pytest.param(
            lambda r: r["buckets"][0].__setitem__("key", None),
            "buckets[0].key: got null, not a number",
            id="bucket-key",
        ),
        pytest.param(
            lambda r: r["stress"][0].__setitem__("headroom", SECRET),
            "stress[0].headroom: got text, not a number",
            id="stress",
        ),
    ],
)
def test_report_of_a_malformed_result_exits_2_naming_the_key(tmp_path, result, edit, problem):
    record = json.loads(json.dumps(result))
    edit(record)
    file = tmp_path / "r.json"
    file.write_text(json.dumps(record))
    err = refused("report", file, "--out", tmp_path / "r.html", names=file)
    assert err == f"error: {E_RESULT.format(file=file, problem=problem)}\n"
    assert not (tmp_path / "r.html").exists()


def test_report_of_json_that_is_not_a_record_exits_2(tmp_path):
    file = tmp_path / "r.json"
    file.write_text('{"a": ' * 5000 + "1" + "}" * 5000)
    err = refused("report", file, "--out", tmp_path / "r.html", names=file)
    assert "not JSON (nested too deeply)" in err


def test_stress_of_nan_positions_exits_2_naming_the_id(tmp_path, result):
    text = json.dumps(result).replace(
        f'"CASH": {json.dumps(result["positions"]["CASH"])}', '"CASH": NaN', 1
    )
    file = tmp_path / "r.json"
    file.write_text(text)
    err = refused("stress", DEFAULT_PROBLEM, "--positions", file, names=file)
    assert "positions.CASH: got NaN, not a finite number" in err


def test_project_of_infinite_positions_exits_2_naming_the_id(tmp_path):
    file = tmp_path / "r.json"
    file.write_text('{"positions": {"CASH": 1e6, "GLOBAL_EQUITY": Infinity}}')
    err = refused("project", DEFAULT_PROBLEM, "--positions", file, names=file)
    assert "positions.GLOBAL_EQUITY: got Infinity, not a finite number" in err
