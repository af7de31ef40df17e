"""Paths given on the command line: checked before anything is computed.

Blank input paths are refused, and so are outputs that would replace an input or a folder
that cannot be replaced; a write that fails names its option and path.
"""

import io
import shutil
from contextlib import redirect_stderr, redirect_stdout

import pytest
import yaml

import ldi.optimize.problem
from ldi.cli import main
from ldi.reporting.outputs import FILE_NAMES
from tests.reference import DEFAULT_PROBLEM
from tests.reporting.test_outputs import FILES

PROJECT = ["project", str(DEFAULT_PROBLEM), "--years", "2", "--scenarios", "200"]


def run(argv):
    """``main(argv)``: exit code, standard output and standard error."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def refused(argv, capsys):
    """The message of a command the parser refuses (exit 2)."""
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    return capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [["stress", str(DEFAULT_PROBLEM)], PROJECT],
)
@pytest.mark.parametrize("blank", ["", " "])
def test_a_blank_positions_file_is_refused(argv, blank, capsys):
    err = refused([*argv, "--positions", blank], capsys)
    assert "argument --positions: got an empty path; expected a file to read" in err


@pytest.fixture
def never_solved(monkeypatch):
    """Fail the test if a problem is solved."""

    def never(*args, **kwargs):
        raise AssertionError("solved before the output paths were checked")

    monkeypatch.setattr(ldi.optimize.problem.OptimizationProblem, "solve", never)


def copied_problem(folder):
    """The default problem and its cash-flow file, copied into ``folder``; the problem's path."""
    raw = yaml.safe_load(DEFAULT_PROBLEM.read_text())
    cashflows = raw["liabilities"]["cashflows"]
    target = folder / "run" / "positions.csv"
    target.parent.mkdir(parents=True)
    shutil.copy(DEFAULT_PROBLEM.parent / cashflows, target)
    raw["liabilities"]["cashflows"] = "run/positions.csv"
    path = folder / "scheme.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


@pytest.mark.parametrize("option", ["--json", "--report"])
def test_an_output_file_that_is_the_problem_file_is_refused(option, tmp_path, never_solved):
    problem = copied_problem(tmp_path)
    before = problem.read_bytes()
    code, _, err = run(["solve", str(problem), option, str(problem)])
    assert code == 2, err
    assert f"error: {option} {problem}: " in err
    assert "an input of this run" in err
    assert problem.read_bytes() == before


def test_an_output_file_that_is_a_file_the_problem_names_is_refused(tmp_path, never_solved):
    problem = copied_problem(tmp_path)
    cashflows = tmp_path / "run" / "positions.csv"
    code, _, err = run(["solve", str(problem), "--json", str(cashflows)])
    assert code == 2, err
    assert f"error: --json {cashflows}: " in err


def test_an_out_folder_holding_an_input_is_refused_before_solving(tmp_path, never_solved):
    problem = copied_problem(tmp_path)
    cashflows = tmp_path / "run" / "positions.csv"
    before = cashflows.read_bytes()  # alone in its folder, by a name --out writes
    code, _, err = run(["solve", str(problem), "--out", str(tmp_path / "run")])
    assert code == 2, err
    assert f"error: --out {tmp_path / 'run'}: " in err
    assert "positions.csv" in err
    assert cashflows.read_bytes() == before
    code, _, err = run(["solve", str(problem), "--out", str(tmp_path)])
    assert code == 2, err
    assert f"error: --out {tmp_path}: " in err


def test_an_out_folder_holding_its_own_problem_is_refused_before_solving(tmp_path, never_solved):
    """A problem saved as sf/summary.md, its cash flows as sf/positions.csv: names --out writes."""
    folder = tmp_path / "sf"
    folder.mkdir()
    raw = yaml.safe_load(DEFAULT_PROBLEM.read_text())
    shutil.copy(DEFAULT_PROBLEM.parent / raw["liabilities"]["cashflows"], folder / "positions.csv")
    raw["liabilities"]["cashflows"] = "positions.csv"
    problem = folder / "summary.md"
    problem.write_text(yaml.safe_dump(raw))
    before = problem.read_bytes()
    code, _, err = run(["solve", str(problem), "--out", str(folder)])
    assert code == 2, err
    assert f"error: --out {folder}: " in err
    assert problem.read_bytes() == before


@pytest.mark.parametrize("kind", ["file", "foreign", "working"])
def test_an_out_folder_that_cannot_be_replaced_is_refused_before_solving(
    kind, tmp_path, monkeypatch, never_solved
):
    target = tmp_path / "out"
    if kind == "file":
        target.write_text("keep")
        expected = "not a folder"
    elif kind == "foreign":
        target.mkdir()
        (target / "notes.txt").write_text("keep")
        expected = "notes.txt"
    else:
        monkeypatch.chdir(tmp_path)
        target = tmp_path
        expected = "the working folder"
    code, _, err = run(["solve", str(DEFAULT_PROBLEM), "--out", str(target)])
    assert code == 2, err
    assert expected in err
    if kind != "working":
        assert "out" in err


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["solve", str(DEFAULT_PROBLEM)], "--json"),
        (["risk", str(DEFAULT_PROBLEM)], "--json"),
        ([*PROJECT], "--plot"),
    ],
)
@pytest.mark.parametrize("where", ["under_a_file", "a_folder"])
def test_an_output_path_that_cannot_be_written_names_its_option(argv, option, where, tmp_path):
    blocker = tmp_path / "o_file"
    blocker.write_text("keep")
    folder = tmp_path / "o_folder.png"
    folder.mkdir()
    path = blocker / "x.png" if where == "under_a_file" else folder
    code, out, err = run([*argv, option, str(path)])
    assert code == 2, err
    assert out  # the report, printed before the write
    (line,) = [line for line in err.splitlines() if line.startswith("error:")]
    assert line.startswith(f"error: {option} {path}: cannot write")
    assert "Error" not in line  # no exception class
    assert blocker.read_text() == "keep"
    assert list(folder.iterdir()) == []


def test_the_out_file_names_checked_first_are_those_written():
    assert set(FILE_NAMES) == FILES


@pytest.mark.parametrize("command", ["risk", "sweep", "report"])
def test_other_commands_refuse_to_replace_their_input(command, tmp_path):
    problem = copied_problem(tmp_path)
    before = problem.read_bytes()
    argv = {
        "risk": ["risk", str(problem), "--json", str(problem)],
        "sweep": ["sweep", str(problem), "--vary", "leverage.max=1,2"] + ["--json", str(problem)],
        "report": ["report", str(problem), "--out", str(problem)],
    }[command]
    code, _, err = run(argv)
    assert code == 2, err
    option = "--out" if command == "report" else "--json"
    assert f"error: {option} {problem}: is {problem}, an input of this run" in err
    assert problem.read_bytes() == before
