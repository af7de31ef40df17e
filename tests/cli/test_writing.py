"""What the commands write: output paths checked first, the report printed before any write.

The hostile problem (tests/reporting/test_outputs.py) has formulas for ids, HTML and a line
break in its name and TeX in a stress scenario's name; every file it asks for must be
written. A write that fails must name the path asked for and keep the printed report.
"""

import errno
import hashlib
import io
import json
import os
import shutil
from contextlib import redirect_stderr, redirect_stdout

import pytest
import yaml

import ldi.projection
from ldi.cli import main
from tests.reference import DEFAULT_PROBLEM
from tests.reporting.test_outputs import FILES, HOSTILE_IDS, hostile_problem

PROJECT = ["project", str(DEFAULT_PROBLEM), "--years", "2", "--scenarios", "200"]
SIGNATURES = {"png": b"\x89PNG\r\n\x1a\n", "pdf": b"%PDF-", "svg": b"<?xml"}


def run(argv):
    """``main(argv)``: exit code, standard output and standard error."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """``ldi solve`` of the hostile problem with --json, --report and --out."""
    folder = tmp_path_factory.mktemp("hostile")
    raw = hostile_problem()
    flows = folder / "cashflows.csv"
    shutil.copy(raw["liabilities"]["cashflows"], flows)
    raw["liabilities"]["cashflows"] = flows.name
    problem = folder / "problem.yaml"
    problem.write_text(yaml.safe_dump(raw, sort_keys=False))
    paths = {"json": folder / "result.json", "report": folder / "report.html"}
    paths["out"] = folder / "out"
    options = [item for key, path in paths.items() for item in (f"--{key}", str(path))]
    return run(["solve", str(problem), *options]), paths


def test_a_hostile_problem_prints_and_writes_every_file(hostile):
    (code, out, err), paths = hostile
    assert code == 0, err
    assert out.startswith("Scheme <img src=x onerror=alert(1)>\nsecond line: optimal")
    record = json.loads(paths["json"].read_text())
    assert set(HOSTILE_IDS.values()) <= set(record["positions"])
    page = paths["report"].read_text()
    assert "$\\foo$ &amp; &lt;b&gt;" in page
    assert {p.name for p in paths["out"].iterdir()} == FILES
    manifest = json.loads((paths["out"] / "manifest.json").read_text())
    for name, digest in manifest["outputs"].items():
        assert hashlib.sha256((paths["out"] / name).read_bytes()).hexdigest() == digest


@pytest.mark.parametrize("command", ["solve", "risk"])
def test_a_failed_write_keeps_the_printed_report_and_names_the_path(command, tmp_path, monkeypatch):
    target = tmp_path / "new" / "result.json"

    def full(*args):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / ".x.tmp"))

    monkeypatch.setattr(os, "replace", full)
    code, out, err = run([command, str(DEFAULT_PROBLEM), "--json", str(target)])
    assert code == 1
    assert "Funding ratio" in out  # printed before the write
    assert f"No space left on device: '{target}'" in err
    assert ".tmp" not in err
    assert list((tmp_path / "new").iterdir()) == []


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["solve", str(DEFAULT_PROBLEM), "--json", ""], "--json"),
        (["solve", str(DEFAULT_PROBLEM), "--report", " "], "--report"),
        (["solve", str(DEFAULT_PROBLEM), "--out", ""], "--out"),
        (["risk", str(DEFAULT_PROBLEM), "--json", ""], "--json"),
        (["stress", str(DEFAULT_PROBLEM), "--json", ""], "--json"),
        (["report", "result.json", "--out", ""], "--out"),
        ([*PROJECT, "--plot", ""], "--plot"),
        ([*PROJECT, "--json", ""], "--json"),
        (["frontier", str(DEFAULT_PROBLEM), "--json", ""], "--json"),
        (["sweep", str(DEFAULT_PROBLEM), "--vary", "a=1,2", "--json", ""], "--json"),
    ],
)
def test_an_empty_output_path_is_refused(argv, option, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # were a blank path taken, its file would land here
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {option}: got an empty path; expected a name to write to" in err
    assert list(tmp_path.iterdir()) == []


def test_plot_writes_the_format_its_extension_names(tmp_path):
    plot = tmp_path / "fan.pdf"
    code, _, err = run([*PROJECT, "--plot", str(plot)])
    assert code == 0, err
    assert plot.read_bytes().startswith(SIGNATURES["pdf"])
    assert [p.name for p in tmp_path.iterdir()] == ["fan.pdf"]


@pytest.mark.parametrize("name", ["fan.xyz", "fan", "fan.png.txt"])
def test_plot_with_an_unknown_extension_is_refused_before_computing(
    name, tmp_path, monkeypatch, capsys
):
    def never(*args, **kwargs):
        raise AssertionError("computed before the option was checked")

    monkeypatch.setattr(ldi.projection, "funding_projection", never)
    with pytest.raises(SystemExit) as caught:
        main([*PROJECT, "--plot", str(tmp_path / name)])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert f"argument --plot: {tmp_path / name}: cannot write a chart as" in err
    assert "expected .png, .pdf or .svg" in err
    assert list(tmp_path.iterdir()) == []
