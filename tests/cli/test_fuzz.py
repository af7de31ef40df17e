"""Hostile problem files: the command line's contract holds whatever a file says.

The complete example of docs/problem-files.md is mutated (a value replaced by a hostile
one, a number scaled, a key dropped, an unknown key added, a list item repeated) and
``ldi solve`` run on it, writing every output. Whatever the file, the command ends in one
of the documented ways:

- exit 0, a solution that the independent check of the hard rows passes;
- exit 1, a solve that says why it has no usable optimum (inaccurate, unbounded, error);
- exit 2, an error whose message starts with the offending key's path or the file;
- exit 3, an infeasibility diagnosis;

and never with a traceback, an unexpected exception's bare name, or a hang. The default run
is short and derandomised (the same files every time); ``pytest -m slow`` runs many more.
"""

import contextlib
import datetime as dt
import hashlib
import io
import json
import re
import signal
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ldi.cli import main
from tests.documented import shown

EXAMPLE = yaml.safe_load(shown("docs/problem-files.md", "name: Example DB scheme", "yaml"))
SECONDS = 120  # far above any solve of the example: only a hang reaches it
MONEY_KINDS = ("budget", "long_only", "repo_collateral", "collateral_buffer")
HARD_TOLERANCE = 1e-6  # a hard row's violation, relative to its scale, that fails "optimal"
TOP_KEYS = tuple(EXAMPLE)
UNEXPECTED = re.compile(r"^error: [A-Z]\w*(Error|Exception|Interrupt)\b", re.MULTILINE)
PATH_FIRST = re.compile(r"^error: (?P<where>[^\s:]+)")


def _at(node: Any, path: tuple) -> Any:
    for step in path:
        node = node[step]
    return node


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _paths(node: Any, where: tuple = ()) -> list[tuple]:
    """Every key path of ``node``, parents before children."""
    found = [where] if where else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*where, key))
    elif isinstance(node, list):
        for k, value in enumerate(node):
            found += _paths(value, (*where, k))
    return found


PATHS = _paths(EXAMPLE)
NUMBERS = [p for p in PATHS if _is_number(_at(EXAMPLE, p))]
FACTORS = st.sampled_from([-1.0, 0.0, 1e-9, 1e-3, 0.5, 2.0, 1e3, 1e6, 1e9, 1e12]) | st.floats(
    -1e3, 1e3
)

HOSTILE_NUMBERS = st.sampled_from(
    [0, -1, 1e-300, -5, 50, -2, 1e6, 1e12, 1e15, 1e20, 1e308, 20301231, 2**63, -(2**63)]
) | st.floats(allow_nan=False, allow_infinity=False, width=64)
HOSTILE_TEXT = st.sampled_from(
    [
        "",
        '=HYPERLINK("http://x","y")',
        "+cmd|' /C calc'!A0",
        "@SUM(1+1)",
        "$\\foo$",
        "a\nb",
        "<img src=x onerror=alert(1)>",
        "../../../../etc/passwd",
        "/dev/zero",
        "nan",
        "1e400",
        "Ünïcode ✓",
    ]
) | st.text(max_size=12)
HOSTILE = st.one_of(
    HOSTILE_NUMBERS,
    HOSTILE_TEXT,
    st.none(),
    st.booleans(),
    st.just([]),
    st.just({}),
    st.just(dt.date(1999, 1, 1)),
    st.lists(HOSTILE_NUMBERS, max_size=4),
    st.dictionaries(st.sampled_from(["min", "max", "weight", "x"]), HOSTILE_NUMBERS, max_size=2),
)


@st.composite
def mutations(draw) -> list[tuple[str, tuple, Any]]:
    """One to three edits of the example: replace, scale, drop, add a key, or repeat an item.

    Scaling a number (by a factor such as -1, 1e-9 or 1e12) keeps its type, so the file
    often passes the schema and reaches the solver.
    """
    edits = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["replace", "scale", "scale", "drop", "add", "repeat"]))
        if kind == "scale":
            edits.append((kind, draw(st.sampled_from(NUMBERS)), draw(FACTORS)))
        else:
            edits.append((kind, draw(st.sampled_from(PATHS)), draw(HOSTILE)))
    return edits


def _mutated(edits: list[tuple[str, tuple, Any]]) -> dict:
    problem = yaml.safe_load(yaml.safe_dump(EXAMPLE))
    for kind, path, value in edits:
        parent = problem
        for step in path[:-1]:
            try:
                parent = parent[step]
            except (KeyError, IndexError, TypeError):
                break
        else:
            _edit(parent, path[-1], kind, value)
    return problem


def _edit(parent: Any, step: Any, kind: str, value: Any) -> None:
    if isinstance(parent, dict) and (step in parent or kind == "add"):
        if kind == "drop":
            del parent[step]
        elif kind == "add":
            parent[f"{step}_unknown"] = value
        elif kind == "scale":
            parent[step] = _scaled(parent[step], value)
        else:
            parent[step] = value
    elif isinstance(parent, list) and isinstance(step, int) and step < len(parent):
        if kind == "drop":
            del parent[step]
        elif kind == "repeat":
            parent.append(parent[step])
        elif kind == "scale":
            parent[step] = _scaled(parent[step], value)
        else:
            parent[step] = value


def _scaled(value: Any, factor: float) -> Any:
    """``value`` times ``factor`` when it is still a number (an earlier edit may differ)."""
    return value * factor if _is_number(value) else value


@contextlib.contextmanager
def _time_limit(seconds: int):
    """A hang becomes a failure instead of a stuck suite."""

    def _raise(signum, frame):
        raise TimeoutError(f"ldi solve ran past {seconds} s")

    previous = signal.signal(signal.SIGALRM, _raise)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _run(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with _time_limit(SECONDS), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    return code, out.getvalue(), err.getvalue()


def _check_contract(file: Path, keys: tuple) -> None:
    """``ldi solve`` on ``file`` ends in a documented way; ``keys``: the file's top keys.

    The solve writes every output (``--json``, ``--out``, ``--report``), so names and
    labels from the file reach the CSV, Markdown, chart and HTML writers too.
    """
    folder = file.parent
    json_file, out_dir, page = folder / "result.json", folder / "out", folder / "report.html"
    args = ["solve", str(file), "--json", str(json_file), "--out", str(out_dir)]
    code, out, err = _run([*args, "--report", str(page)])
    assert "Traceback" not in out + err
    assert not UNEXPECTED.search(err), err
    if code == 0:
        _check_solution(json_file)
        _check_outputs(out_dir)
        assert page.stat().st_size > 0
    elif code == 1:
        assert re.search(r"inaccurate|unbounded|error|failed", out + err), out + err
    elif code == 2:
        where = PATH_FIRST.match(err)
        assert where, err
        head = re.split(r"[.\[]", where["where"])[0]
        assert head in (*keys, *TOP_KEYS) or file.name in where["where"], err
    else:
        assert code == 3, (code, out, err)
        assert "infeasible" in (out + err).lower()


def _check_solution(json_file: Path) -> None:
    """An exit-0 solve: finite positions and no hard row broken beyond the tolerance.

    A row's violation is its negative slack (|slack| for an equality), relative to the
    larger of its bound, its value and its unit: 1 for ratios and fractions, the record's
    money scale S for the example's rows in money (a violation of a millionth of S).
    """
    record = json.loads(json_file.read_text())
    positions = np.array(list(record["positions"].values()), dtype=float)
    assert np.all(np.isfinite(positions)), record["positions"]
    for row in record["constraints"]:
        if row["soft"]:
            continue
        slack = float(row["slack"])
        violation = abs(slack) if row["sense"] == "==" else max(-slack, 0.0)
        unit = record["scale"] if _in_money(row) else 1.0
        scale = max(abs(float(row["bound"])), abs(float(row["value"])), unit)
        assert violation <= HARD_TOLERANCE * scale, row


def _check_outputs(out_dir: Path) -> None:
    """The ``--out`` set is whole: each output's SHA-256 is the one its manifest states."""
    manifest = json.loads((out_dir / "manifest.json").read_text())
    for name, digest in manifest["outputs"].items():
        assert hashlib.sha256((out_dir / name).read_bytes()).hexdigest() == digest, name


def _in_money(row: dict) -> bool:
    """Whether the example's constraint row is in money (not a ratio or a fraction)."""
    by_fraction = row["kind"] == "bounds" and row["row"].endswith("_fraction")
    return row["kind"] in MONEY_KINDS or (row["kind"] == "bounds" and not by_fraction)


def _solve_mutated(edits: list[tuple[str, tuple, Any]], folder: Path) -> None:
    file = folder / "problem.yaml"
    problem = _mutated(edits)
    file.write_text(yaml.safe_dump(problem, sort_keys=False))
    _check_contract(file, tuple(problem))


FUZZ = settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(edits=mutations())
def test_a_hostile_problem_file_ends_in_a_documented_way(edits, tmp_path):
    _solve_mutated(edits, tmp_path)


@pytest.mark.slow
@settings(FUZZ, max_examples=500, derandomize=False)
@given(edits=mutations())
def test_many_hostile_problem_files_end_in_a_documented_way(edits, tmp_path):
    _solve_mutated(edits, tmp_path)
