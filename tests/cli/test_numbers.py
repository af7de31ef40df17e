"""Numbers on the command line: each option refuses what it cannot use, before any work.

A bad number is an argparse error: exit 2 and one message naming the option, the value
given and what is expected. The ranges are the library's own (a frontier's points, a
projection's years, the problem file's cap on simulated scenarios), so the command line
refuses exactly what the library would.
"""

import pytest

from ldi.cli import main
from ldi.errors import DataError
from ldi.io.schema import SimulationSpec
from ldi.projection import funding_projection
from ldi.sweep import MAX_WORKERS
from tests.reference import DEFAULT_PROBLEM

SCENARIOS_CAP = SimulationSpec.model_json_schema()["properties"]["scenarios"]["maximum"]
PROBLEM = str(DEFAULT_PROBLEM)
CASES = [
    (["frontier", "--seed", "-1"], "--seed: got '-1'; expected a whole number of 0 or more"),
    (["project", "--seed", "x"], "--seed: got 'x'; expected a whole number of 0 or more"),
    (["frontier", "--points", "1"], "--points: got '1'; expected a whole number from 2 to 200"),
    (["frontier", "--points", "201"], "--points: got '201'; expected a whole number from 2 to"),
    (["project", "--scenarios", "0"], "--scenarios: got '0'; expected a whole number from 1 "),
    (["frontier", "--scenarios", "99"], "--scenarios: got '99'; expected a whole number from 100"),
    (
        ["frontier", "--scenarios", str(SCENARIOS_CAP + 1)],
        f"--scenarios: got '{SCENARIOS_CAP + 1}'; expected a whole number from 100 to "
        f"{SCENARIOS_CAP:,}",
    ),
    (["project", "--scenarios", "10000000000"], "--scenarios: got '10000000000'; expected"),
    (["project", "--years", "0"], "--years: got '0'; expected a whole number from 1 to 50"),
    (["project", "--years", "51"], "--years: got '51'; expected a whole number from 1 to 50"),
    (["project", "--years", "2.5"], "--years: got '2.5'; expected a whole number from 1 to 50"),
    (["project", "--workers", "0"], "--workers: got '0'; expected a whole number from 1 to"),
    (["sweep", "--vary", "a=1", "--workers", "0"], "--workers: got '0'; expected a whole"),
    (
        ["sweep", "--vary", "a=1", "--workers", str(MAX_WORKERS + 1)],
        f"--workers: got '{MAX_WORKERS + 1}'; expected a whole number from 1 to {MAX_WORKERS}",
    ),
    (["recap", "--days", "0"], "--days: got '0'; expected a whole number from 1 to 250"),
    (["recap", "--days", "251"], "--days: got '251'; expected a whole number from 1 to 250"),
    (["recap", "--target-bp", "-5"], "--target-bp: got '-5'; expected a number from 0 to 2,000"),
    (["recap", "--target-bp", "2001"], "--target-bp: got '2001'; expected a number from 0 to"),
    (["recap", "--target-bp", "nan"], "--target-bp: got 'nan'; expected a number from 0 to"),
    (["risk", "--keys", "10", "5"], "--keys: keys[1]: got 5.0 after 10.0; expected strictly"),
    (["risk", "--keys", "0", "5"], "--keys: keys[0]: got 0.0; expected a positive number"),
    (["risk", "--keys", "5", "nan"], "--keys: keys[1]: got nan; expected a finite number"),
    (["risk", "--keys", "inf"], "--keys: keys[0]: got inf; expected a finite number"),
]


@pytest.mark.parametrize(("argv", "message"), CASES, ids=[" ".join(argv) for argv, _ in CASES])
def test_a_bad_number_exits_2_naming_the_option_value_and_range(argv, message, capsys):
    command, *options = argv
    with pytest.raises(SystemExit) as stop:
        main([command, PROBLEM, *options])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert f"ldi {command}: error: argument {message}" in err


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("a=0.8:0.9:0", "--vary a=0.8:0.9:0: got COUNT 0; expected a whole number from 2 to"),
        ("a=0:1:1000000000000", "--vary a=0:1:1000000000000: got COUNT 1000000000000; expected"),
    ],
)
def test_a_bad_vary_count_exits_2_before_any_work(spec, message, capsys, tmp_path):
    out = tmp_path / "sweep.json"
    assert main(["sweep", PROBLEM, "--vary", spec, "--json", str(out)]) == 2
    assert f"error: {message}" in capsys.readouterr().err
    assert not out.exists()


def test_the_ranges_are_the_librarys_own():
    """The command line's ranges are the library's: just past them, the library refuses too."""
    import ldi
    from ldi.optimize.frontier import efficient_frontier
    from ldi.recap import recapitalise

    problem = ldi.load_problem(DEFAULT_PROBLEM)
    with pytest.raises(DataError, match=r"^points: got 201; expected a whole number from 2 to 200"):
        efficient_frontier(problem, points=201)
    with pytest.raises(DataError, match=r"^scenarios: got 99; expected a whole number of 100 or"):
        efficient_frontier(problem, "cvar", points=2, scenarios=99)
    with pytest.raises(DataError, match=r"^years: got 51; expected a whole number from 1 to 50"):
        funding_projection(problem, years=51, scenarios=1)
    with pytest.raises(DataError, match=r"^years: got 0; expected a whole number from 1 to 50"):
        funding_projection(problem, years=0, scenarios=1)
    with pytest.raises(DataError, match=r"^days: got 251; expected a whole number of days from"):
        recapitalise(problem, days=251)
    with pytest.raises(DataError, match=r"^target_bp: got 2001; expected a rise of 0 to 2000"):
        recapitalise(problem, target_bp=2001)
