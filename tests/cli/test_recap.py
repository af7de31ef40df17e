"""``ldi recap``: the printed plan and the JSON file against scipy's LP, exit codes, errors.

Reference: tests/test_recap.py's LP of the default problem after the 2022 gilt crisis (rows
and raises from tests/reference.py, solved by ``scipy.optimize.linprog``). The JSON file
holds the unrounded numbers, held to 1e-6 of the plan's size (the LP's own tolerance); the
report prints money in whole units, within one unit of the JSON's amount.
"""

import pytest
import yaml

import ldi
from ldi.recap import recapitalise
from tests.cli.test_stress import read_money, run_cli
from tests.documented import assert_shows, shown
from tests.reference import DEFAULT_PROBLEM, raw_problem
from tests.test_recap import default_reference_lp

PLAN = ("--scenario", "gilt_crisis_2022", "--target-bp", "700", "--days", "5")


@pytest.fixture(scope="module")
def reference_plan():
    problem = ldi.load_problem(DEFAULT_PROBLEM)
    recap = recapitalise(problem, scenario="gilt_crisis_2022", target_bp=700, days=5)
    return recap.candidates, default_reference_lp(recap, 5)


def test_the_documented_plan_is_what_it_prints():
    """docs/stress-testing.md: the file's own stress and deadline, with a 700bp target."""
    run = run_cli("recap", DEFAULT_PROBLEM, "--target-bp", "700")
    assert run.code == 0, run.err
    assert_shows(shown("docs/stress-testing.md", "recapitalisation plan after gilt_"), run.out)


def test_the_files_own_target_needs_no_action():
    run = run_cli("recap", DEFAULT_PROBLEM)
    assert run.code == 0, run.err
    assert run.out.startswith(
        "Representative UK DB scheme: recapitalisation plan after gilt_crisis_2022, restoring "
        "a 350bp buffer within 5 days\n\nThe buffer holds: no action is needed.\n"
    )


def test_the_written_and_printed_plan_is_scipys(tmp_path, reference_plan):
    candidates, ref = reference_plan
    run = run_cli("recap", DEFAULT_PROBLEM, *PLAN, json_file=tmp_path / "plan.json")
    assert run.code == 0, run.err
    data = run.data
    assert data["status"] == "optimal"
    assert (data["target_bp"], data["deadline_days"]) == (700.0, 5)
    for test, value in ref.headroom.items():
        assert data["headroom_before"][test] == pytest.approx(value, rel=1e-9)
    used = dict(zip(candidates.index, ref.solved.x, strict=True))
    steps = {step["action"]: step for step in data["steps"]}
    expected = {a: u for a, u in used.items() if u > 1e-6 * ref.size}
    assert set(steps) == set(expected)
    for action, step in steps.items():
        assert step["amount"] == pytest.approx(expected[action], abs=1e-6 * ref.size)
        assert step["day"] == candidates.loc[action, "day"]
        label = f" {step['instrument'] or step['kind']} "
        printed = [line for line in run.out.splitlines() if label in line]
        assert abs(read_money(printed[0].split()[-2]) - step["amount"]) <= 1.0
    x = ref.solved.x
    cost = candidates["trading_cost_per_unit"].to_numpy() @ x
    assert data["trading_cost"] == pytest.approx(cost, abs=1e-6 * ref.size)
    last = data["days"][-1]
    for test in ("nominal", "real", "calls"):  # a test's buffer: the smaller of its rows
        rows = [row for row in ref.headroom if row.split("/")[0] == test]
        after = min(ref.headroom[row] + ref.per_unit[row] @ x for row in rows)
        assert last[test] == pytest.approx(after, abs=1e-6 * ref.size)
    assert last["nominal"] >= -0.01  # the buffer is restored, to the cent


def test_a_plan_it_cannot_reach_exits_3_with_the_reachable_buffer(tmp_path, reference_plan):
    """Every position but one 2036 gilt held back: what that gilt raises is all there is."""
    candidates, ref = reference_plan
    kept = "UKT_4Q_2036"
    instruments = raw_problem()["instruments"]  # cash is never an action
    ids = [i["id"] for i in instruments if i["id"] != kept and i["kind"] != "cash"]
    path = _problem_with(tmp_path, {"actions": {i: {"amount": 0} for i in ids}})
    run = run_cli("recap", path, *PLAN, json_file=tmp_path / "plan.json")
    assert run.code == 3, run.err
    sale = list(candidates.index).index(f"sell {kept}")
    reach = candidates.loc[f"sell {kept}", "amount"] * ref.per_unit["nominal"][sale]
    short = -ref.headroom["nominal"]
    assert 0 < reach < short
    diagnosis = (
        f"day 5 needs {short:,.0f} for nominal but the actions that pay by then raise at "
        f"most {reach:,.0f} (sell {kept} used in full)"
    )
    assert f"No plan restores the buffer: {diagnosis}" in run.out
    assert run.data["status"] == "infeasible"
    assert run.data["diagnosis"].startswith(diagnosis)
    assert run.data["steps"] == []


def test_the_waterfall_is_drawn(tmp_path):
    chart = tmp_path / "plan.png"
    run = run_cli("recap", DEFAULT_PROBLEM, *PLAN, "--plot", chart)
    assert run.code == 0, run.err
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_an_unknown_scenario_exits_2_naming_the_choices(tmp_path):
    run = run_cli("recap", DEFAULT_PROBLEM, "--scenario", "nope", json_file=tmp_path / "p.json")
    assert run.code == 2
    assert "scenario: got 'nope'; expected one of [" in run.err
    assert "gilt_crisis_2022" in run.err
    assert not (tmp_path / "p.json").exists()


@pytest.mark.parametrize(
    ("section", "message"),
    [
        (
            {"days": 5, "actions": {"DIVERSIFIED_GROWTH": {"days": 7}}},
            "recapitalisation.actions.DIVERSIFIED_GROWTH.days: got 7; expected days up to the "
            "deadline, 5 (or a later deadline)",
        ),
        (
            {"sponsor": {"amount": 1e6, "days": 9}},
            "recapitalisation.sponsor.days: got 9; expected days up to the deadline, 5",
        ),
        (
            {"actions": {"UKT_2099": {"amount": 0}}},
            "recapitalisation.actions.UKT_2099: got 'UKT_2099'; expected an instrument id",
        ),
        ({"days": 0}, "recapitalisation.days: got 0; expected a number >= 1"),
        (
            {"actions": {"CASH": {"days": 1}}},
            "recapitalisation.actions.CASH: got 'CASH', cash; expected a position a plan sells, "
            "unwinds or repays (cash and money-market funds count as they stand)",
        ),
        (
            {"actions": {"REPO_1W": {"days": 1}}},
            "recapitalisation.actions.REPO_1W: got {'days': 1}; expected only amount for a "
            "repo (the cash a plan may repay rather than roll",
        ),
        ({"target_bp": 5000}, "recapitalisation.target_bp: got 5000; expected a rise in bp in "),
        (
            {"scenario": "crash"},
            "recapitalisation.scenario: got 'crash'; expected a stress scenario of the problem",
        ),
    ],
)
def test_a_bad_recapitalisation_section_exits_2_naming_the_key(section, message, tmp_path):
    path = _problem_with(tmp_path, section)
    run = run_cli("recap", path, json_file=tmp_path / "p.json")
    assert run.code == 2
    assert message in run.err
    assert not (tmp_path / "p.json").exists()


def _problem_with(folder, section):
    """The default problem with a ``recapitalisation`` section, written to ``folder``."""
    raw = raw_problem()
    raw["recapitalisation"] = section
    path = folder / "problem.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return path
