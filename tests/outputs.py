"""The recorded outputs of every command on every example problem: a regression guard.

The fixture in ``tests/fixtures/outputs/`` holds what ``ldi risk``, ``ldi solve``, ``ldi stress``
(current holdings and the solved positions), ``ldi frontier`` and ``ldi project`` wrote as JSON
for the example problems in ``problems/``, and what ``make demo`` printed. It was written by this
module before the package was reorganised, and ``tests/test_outputs.py`` holds every later
version to it. It is not a reference: it checks that the code still gives its own earlier
numbers, not that they are right (the reference tests do that).

Record it again, only when a change of numbers is intended and explained in its commit::

    python -m tests.outputs
"""

import contextlib
import io
import json
import math
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from ldi.cli import main
from tests.reference import PROBLEMS

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "outputs"
EXAMPLES = ("uk_db_scheme", "us_corporate_plan", "insurer_annuity_book", "nl_pension_fund")
RESULT = "{problem}.solve.json"
# Each run: its name, the command line (after ``ldi``) and what it writes. ``{out}`` is the JSON
# written; ``{problem}`` the example's YAML; ``{result}`` that example's ``solve`` JSON.
RUNS = (
    ("risk", ["risk", "{problem}", "--json", "{out}"]),
    ("solve", ["solve", "{problem}", "--json", "{out}"]),
    ("stress", ["stress", "{problem}", "--json", "{out}"]),
    ("stress_solved", ["stress", "{problem}", "--positions", "{result}", "--json", "{out}"]),
    ("frontier", ["frontier", "{problem}", "--json", "{out}"]),
    ("project", ["project", "{problem}", "--json", "{out}"]),
)
DEMO = (
    ["solve", "uk_db_scheme", "--json", "{result}"],
    ["stress", "uk_db_scheme", "--positions", "{result}", "--scenario", "gilt_crisis_2022"]
    + ["boe_swes_2023", "parallel_up_250"],
)

# Volatile fields: how long a solve took and which cvxpy ran it; and which solver re-solved
# the clean-up ('' for none): a re-solve runs when the answer has a position within
# tolerance of a limit but not on it, which a solver build's last digits decide.
VOLATILE_KEYS = frozenset({"time_s", "cvxpy_version"})
VOLATILE_PATHS = frozenset({"/clean_up/solver"})
# What is printed with a solve's time, e.g. "(CLARABEL, 0.098s)", and where files were written.
VOLATILE_TEXT = (
    (re.compile(r"(\([A-Z]+, )\d+\.\d+s\)"), r"\1<time>s)"),
    (re.compile(r"^wrote .*$", re.MULTILINE), "wrote <file>"),
)
# Same code and same inputs give the same floats on one machine, but a fresh install's
# libraries move their last digits: BLAS sums in another order (a finite-difference
# convexity moves by 1e-9 relative) and a solver build stops at another point within its
# 1e-8 tolerances, or at another point of an optimum that is not unique (the least-risk end
# of a frontier, whose expected return the objective does not pin, moved by 2e-6). 1e-5
# relative leaves room for that and for nothing a change of model would do. Numbers that
# are zero up to rounding (a residual, a position the solver left at 1e-12, a money change
# of 2e-7 on a book of billions) are held to ABS_TOL instead.
REL_TOL = 1e-5
ABS_TOL = 1e-6
# The least-risk end of a frontier is where the frontier stands vertical: the expected
# return grows as the square root of the risk above its least, so a solver's 1e-8 in the
# risk moves it by about 1e-4 relative (the US plan's moved by 5e-5 when bond spreads moved
# in their last digits). Its return is held to that; its risk to REL_TOL.
LOOSE = {"/points[0]/expected_return": 1e-3}


def run(argv: list[str]) -> tuple[int, str, str]:
    """Run ``ldi`` in this process; return its exit code, standard output and error."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def outputs(problem: str, folder: Path) -> Iterator[tuple[str, dict]]:
    """Each run's name and what it recorded: its JSON, or its exit code and error."""
    result = RESULT.format(problem=problem)
    for name, argv in RUNS:
        out = f"{problem}.{name}.json"
        fields = {"problem": str(PROBLEMS / f"{problem}.yaml"), "out": out, "result": result}
        with contextlib.chdir(folder):  # outputs name files relative to the folder
            code, _, err = run([arg.format(**fields) for arg in argv])
        if code == 0:
            yield name, json.loads((folder / out).read_text())
        else:
            yield name, {"exit_code": code, "error": err.splitlines()[0]}


def demo(folder: Path) -> str:
    """What ``make demo``'s solve and stress print, volatile parts masked."""
    printed = []
    for argv in DEMO:
        fields = {"result": "demo.result.json"}
        args = [str(PROBLEMS / f"{a}.yaml") if a in EXAMPLES else a.format(**fields) for a in argv]
        with contextlib.chdir(folder):
            code, out, err = run(args)
        printed.append(f"$ ldi {' '.join(argv)}\n(exit {code})\n{out}{err}")
    text = "\n".join(printed)
    for pattern, mask in VOLATILE_TEXT:
        text = pattern.sub(mask, text)
    return text


def differences(recorded, now, path: str = "") -> Iterator[str]:
    """Where ``now`` differs from ``recorded``: one line per field, named by its path."""
    if isinstance(recorded, dict) and isinstance(now, dict):
        if recorded.keys() != now.keys():
            yield f"{path}: keys {sorted(recorded)} became {sorted(now)}"
            return
        for key in recorded:
            if key not in VOLATILE_KEYS and f"{path}/{key}" not in VOLATILE_PATHS:
                yield from differences(recorded[key], now[key], f"{path}/{key}")
    elif isinstance(recorded, list) and isinstance(now, list):
        if len(recorded) != len(now):
            yield f"{path}: {len(recorded)} items became {len(now)}"
            return
        for i, (a, b) in enumerate(zip(recorded, now, strict=True)):
            yield from differences(a, b, f"{path}[{i}]")
    elif _is_number(recorded) and _is_number(now):
        if not math.isclose(recorded, now, rel_tol=LOOSE.get(path, REL_TOL), abs_tol=ABS_TOL):
            yield f"{path}: {recorded!r} became {now!r}"
    elif recorded != now:
        yield f"{path}: {recorded!r} became {now!r}"


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def record(folder: Path) -> None:
    """Write the fixture anew: every example's outputs and the demo's text."""
    FIXTURE.mkdir(parents=True, exist_ok=True)
    for problem in EXAMPLES:
        for name, output in outputs(problem, folder):
            target = FIXTURE / f"{problem}.{name}.json"
            target.write_text(json.dumps(output, indent=1, sort_keys=True) + "\n")
    (FIXTURE / "demo.txt").write_text(demo(folder))


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        record(Path(scratch))
    sys.exit(0)
