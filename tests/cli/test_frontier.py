"""`ldi frontier`'s exit codes when an end of the frontier does not solve.

1 when it is unbounded (the positions that run away named), 3 when the problem is infeasible
(the diagnosis as `ldi solve` prints it).
"""

import pytest
import yaml

from ldi.cli import main
from tests.reference import DEFAULT_PROBLEM, PROBLEMS, raw_problem

NO_BUDGET = PROBLEMS / "insurer_annuity_book.yaml"  # its cost term is what sizes it


@pytest.mark.parametrize("options", [[], ["--risk", "cvar", "--scenarios", "200"]])
def test_an_unbounded_end_exits_1_naming_what_runs_away(options, capsys, tmp_path):
    out = tmp_path / "frontier.json"
    code = main(["frontier", str(NO_BUDGET), "--points", "3", "--json", str(out), *options])
    captured = capsys.readouterr()
    assert code == 1, captured.err
    assert captured.err.startswith("error: frontier: the ")
    assert " portfolio is unbounded; Unbounded: " in captured.err
    assert " (long)" in captured.err
    assert "grow without limit" in captured.err
    assert "KeyError" not in captured.err
    assert not out.exists()


def test_an_infeasible_problem_exits_3_with_the_diagnosis(capsys, tmp_path):
    raw = raw_problem(DEFAULT_PROBLEM)
    assert raw["constraints"][3] == {"leverage": {"max": 1.5}}
    raw["constraints"][3] = {"leverage": {"max": 0}}
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    code = main(["frontier", str(path), "--points", "3"])
    captured = capsys.readouterr()
    assert code == 3, captured.err
    assert captured.err.startswith(
        "error: frontier: the least-risk portfolio is infeasible; Infeasible: leverage <= 0 "
        "conflicts with "
    )
    assert "leverage would need " in captured.err
    table = captured.err.splitlines()[2:]
    assert table[0].split()[:3] == ["term", "sense", "bound"]
    assert any(line.split()[:2] == ["leverage", "leverage"] for line in table)
