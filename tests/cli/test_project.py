"""``ldi project``: the printed table, the JSON and the fan chart, policies and exit codes.

The numbers come from ``ldi.funding_projection`` (checked in tests/test_projection.py and
tests/scenarios/test_projection.py); here the command must print and write the same figures
for the same seed: percentages as printed (0.1%), the JSON unrounded (1e-12 relative).
"""

import json

import pytest
import yaml

import ldi
from ldi.cli import main
from ldi.projection import funding_projection
from ldi.scenarios.external import E_BEYOND, write_scenarios
from ldi.scenarios.projection import Rebalance
from ldi.scenarios.simulation import ScenarioModel
from tests.documented import assert_shows, shown
from tests.reference import DEFAULT_PROBLEM, raw_problem

ARGS = ["--years", "3", "--scenarios", "300", "--seed", "5"]


@pytest.fixture(scope="module")
def problem():
    return ldi.load_problem(DEFAULT_PROBLEM)


def rows(text: str) -> dict[int, list[str]]:
    """The printed table's rows by year."""
    table = {}
    for line in text.splitlines():
        cells = line.split()
        if cells and cells[0].isdigit() and len(cells) == 8:
            table[int(cells[0])] = cells[1:]
    return table


def test_prints_writes_json_and_plots_the_holdings(problem, tmp_path, capsys):
    out, plot = tmp_path / "projection.json", tmp_path / "fan.png"
    code = main(["project", str(DEFAULT_PROBLEM), *ARGS, "--json", str(out), "--plot", str(plot)])
    captured = capsys.readouterr()
    assert code == 0
    expected = funding_projection(problem, years=3, scenarios=300, seed=5).table
    printed = rows(captured.out)
    assert sorted(printed) == [0, 1, 2, 3]
    for year, cells in printed.items():
        assert cells[0] == f"{expected.loc[year, 'p50']:.1%}"
        assert cells[3] == f"{expected.loc[year, 'below_100']:.1%}"
    data = json.loads(out.read_text())
    assert data["scenarios"] == 300
    assert data["seed"] == 5
    assert data["years"][3]["p95"] == pytest.approx(expected.loc[3, "p95"], rel=1e-12)
    assert plot.stat().st_size > 10_000
    assert f"wrote {plot}" in captured.err


def test_solved_policy_by_solving_or_from_a_result_file(problem, tmp_path, capsys):
    result = tmp_path / "result.json"
    assert main(["solve", str(DEFAULT_PROBLEM), "--json", str(result)]) == 0
    capsys.readouterr()
    assert main(["project", str(DEFAULT_PROBLEM), *ARGS, "--positions", str(result)]) == 0
    from_file = rows(capsys.readouterr().out)
    assert main(["project", str(DEFAULT_PROBLEM), *ARGS, "--solve"]) == 0
    solved = rows(capsys.readouterr().out)
    assert from_file == solved
    holdings = funding_projection(problem, years=3, scenarios=300, seed=5).table
    assert solved[3][0] != f"{holdings.loc[3, 'p50']:.1%}"  # a different policy


def test_bad_years_exit_2_and_write_nothing(tmp_path, capsys):
    out = tmp_path / "projection.json"
    with pytest.raises(SystemExit) as stop:  # argparse refuses the number
        main(["project", str(DEFAULT_PROBLEM), "--years", "0", "--json", str(out)])
    assert stop.value.code == 2
    assert "--years: got '0'; expected a whole number from 1 to 50" in capsys.readouterr().err
    assert not out.exists()


def test_solve_and_positions_are_exclusive(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["project", str(DEFAULT_PROBLEM), "--solve", "--positions", "r.json"])
    assert stop.value.code == 2


def test_solve_without_a_verified_optimum_projects_nothing_and_exits_as_solve_does(
    tmp_path, capsys
):
    # A benefit of 1e12 beside 95m of assets: the hedge limits cannot be met (exit 3).
    raw = yaml.safe_load(shown("docs/problem-files.md", "name: Example DB scheme", "yaml"))
    raw["liabilities"]["cashflows"][0]["fixed"] = 1.0e12
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(raw))
    out = tmp_path / "projection.json"
    assert main(["project", str(path), *ARGS, "--solve", "--json", str(out)]) == 3
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"error: {path}: the solve ended infeasible: ")
    assert "hedge_ratio[rates]" in captured.err
    assert not out.exists()


def test_the_documented_projection_is_what_the_command_prints(capsys):
    """docs/scenarios.md shows ``ldi project`` of the default problem's solved policy."""
    assert main(["project", str(DEFAULT_PROBLEM), "--solve"]) == 0
    assert_shows(shown("docs/scenarios.md", "funding ratio over 10 years"), capsys.readouterr().out)


def test_rebalance_rule_is_chosen_and_said(problem, capsys):
    assert main(["project", str(DEFAULT_PROBLEM), *ARGS, "--rebalance", "constant_mix"]) == 0
    printed = capsys.readouterr().out
    expected = funding_projection(
        problem, years=3, scenarios=300, seed=5, rebalance="constant_mix"
    ).table
    assert rows(printed)[3][0] == f"{expected.loc[3, 'p50']:.1%}"
    assert "every position is held as a constant share of the assets" in " ".join(printed.split())


def test_hedge_rebalancing_is_chosen_by_name(problem, capsys):
    assert main(["project", str(DEFAULT_PROBLEM), *ARGS, "--rebalance", "hedge"]) == 0
    printed = capsys.readouterr().out
    expected = funding_projection(problem, years=3, scenarios=300, seed=5, rebalance="hedge")
    assert rows(printed)[3][0] == f"{expected.table.loc[3, 'p50']:.1%}"
    assert "kept at the policy's PV01 hedge ratio" in " ".join(printed.split())


def test_the_default_rule_is_restrike(problem, tmp_path):
    out = tmp_path / "projection.json"
    assert main(["project", str(DEFAULT_PROBLEM), *ARGS, "--json", str(out)]) == 0
    assert json.loads(out.read_text())["rebalance"] == Rebalance.RESTRIKE.value


def test_the_rule_choices_are_the_rebalance_rules(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["project", str(DEFAULT_PROBLEM), "--rebalance", "quarterly"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    choices = ", ".join(repr(rule.value) for rule in Rebalance)
    assert f"argument --rebalance: invalid choice: 'quarterly' (choose from {choices})" in err


def test_a_scenario_file_gives_the_paths(tmp_path, capsys):
    """With ``simulation.scenario_file`` every path is the file's, whatever --scenarios says."""
    moves = ScenarioModel().annual_moves(120, 3, 4)
    write_scenarios(tmp_path / "esg.csv", moves, 0.04, 0.03)
    raw = raw_problem()
    raw["simulation"] = {"scenario_file": "esg.csv"}
    file = tmp_path / "scheme.yaml"
    file.write_text(yaml.safe_dump(raw))
    out = tmp_path / "projection.json"
    assert main(["project", str(file), *ARGS, "--json", str(out)]) == 0
    assert json.loads(out.read_text())["scenarios"] == 120
    capsys.readouterr()
    assert main(["project", str(file), "--years", "5"]) == 2
    expected = E_BEYOND.format(file=tmp_path / "esg.csv", value=5, last=4)
    assert expected in capsys.readouterr().err
