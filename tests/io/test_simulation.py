"""The ``simulation:`` section: the scenario model's options, a scenario file and the carry.

Each case edits the default problem (problems/uk_db_scheme.yaml, its CSV path made absolute
by ``tests.reference.raw_problem``) and loads it. References: a setting reaches the engine
when ``problem.scenario_engine()`` holds it, and its moves are exactly those of a
``ScenarioModel`` built here with the same options (same seed, same draws); a calibration
equals ``MeanReversion.from_csv`` on the same history; a scenario file's P&L equals the P&L
of the moves written to it (a round trip through levels loses ~1e-17 of a rate, so 1e-9 of
a unit's P&L is ample). Bad input must raise a SpecError whose message starts with the exact
YAML path; the texts are asserted.
"""

import copy

import numpy as np
import pytest
import yaml

import ldi
from ldi.cli import main
from ldi.errors import DataError, SpecError
from ldi.io.liquidity import E_FILE_AND_MODEL, E_RETURN_KIND
from ldi.io.load import parse_spec
from ldi.reporting import SolveSummary
from ldi.scenarios.carry import CarryConvention
from ldi.scenarios.external import E_UNKNOWN_ID, ScenarioFile, write_scenarios
from ldi.scenarios.pnl import ScenarioEngine
from ldi.scenarios.setup import SimulationSetup
from ldi.scenarios.simulation import (
    CurveFactors,
    Dynamics,
    Innovations,
    MeanReversion,
    ScenarioModel,
    growth_volatilities,
)
from tests.io.test_liquidity import curve_history
from tests.reference import raw_problem

RAW = raw_problem()
COUNT = 150  # scenarios in a written file: not the 10,000 any setting asks for
YEARS = 3


@pytest.fixture(autouse=True)
def in_a_test_folder(tmp_path, monkeypatch):
    """A dict names files inside the working folder: the test's own (the data root holds RAW's)."""
    monkeypatch.chdir(tmp_path)


def load(**simulation):
    raw = copy.deepcopy(RAW)
    raw["simulation"] = simulation
    return ldi.load_problem(raw)


def failure(**simulation):
    with pytest.raises(SpecError) as caught:
        load(**simulation)
    return caught.value


def check(error, path, message):
    assert error.path == path
    assert str(error) == f"{path}: {message}"


def same_moves(first, second):
    assert len(first) == len(second)
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a.nominal, b.nominal)
        np.testing.assert_array_equal(a.breakeven, b.breakeven)
        np.testing.assert_array_equal(a.credit_spread, b.credit_spread)
        np.testing.assert_array_equal(a.growth, b.growth)
        assert a.returns.keys() == b.returns.keys()
        for name in a.returns:
            np.testing.assert_array_equal(a.returns[name], b.returns[name])


def model_of(problem, **options):
    """The ScenarioModel the problem's engine should hold, built here from its parts."""
    instruments = list(problem.instruments.values())
    growth = growth_volatilities(
        [i.id for i in instruments],
        [type(i).kind for i in instruments],
        [getattr(i, "volatility", 0.0) for i in instruments],
    )
    return ScenarioModel(problem.decision.risk_model, None, growth, **options)


def write_file(path, returns=("GLOBAL_EQUITY",), count=COUNT, years=YEARS):
    """An ESG file of ldi's own moves (seed 11), growth assets ``returns`` given their own.

    Their total returns are written: the model's shocks plus the expected return of each
    (the default problem's for its growth assets, 0 for any other id).
    """
    moves = ScenarioModel(growth_volatility=dict.fromkeys(returns, 0.15)).annual_moves(
        count, 11, years
    )
    stated = {i["id"]: i.get("expected_return", 0.0) for i in RAW["instruments"]}
    expected = {name: stated.get(name, 0.0) for name in returns}
    write_scenarios(path, moves, 0.04, 0.03, 0.01, expected_returns=expected)
    return moves


# --- the built-in model's options -------------------------------------------------------------


def test_without_the_keys_the_engine_is_todays_default():
    problem = ldi.load_problem(RAW)
    setup = problem.simulation
    assert setup.curve_factors is None
    assert setup.mean_reversion is None
    assert setup.scenario_file is None
    engine = problem.scenario_engine()
    assert engine.carry is CarryConvention.FORWARDS
    assert engine.model.dynamics is Dynamics.RANDOM_WALK
    assert engine.model.innovations is Innovations.NORMAL
    same_moves(engine.model.annual_moves(40, 3, 2), model_of(problem).annual_moves(40, 3, 2))


def test_carry_reaches_the_engine():
    assert load(carry="unchanged").scenario_engine().carry is CarryConvention.UNCHANGED
    assert load(carry="forwards").scenario_engine().carry is CarryConvention.FORWARDS


def test_mean_reverting_dynamics_reach_the_model_with_the_default_speeds():
    problem = load(dynamics="mean_reverting")
    model = problem.scenario_engine().model
    assert model.dynamics is Dynamics.MEAN_REVERTING
    assert model.mean_reversion is None  # the documented defaults
    expected = model_of(problem, dynamics="mean_reverting").annual_moves(40, 3, 3)
    same_moves(model.annual_moves(40, 3, 3), expected)


def test_mean_reversion_speeds_and_levels_are_the_files():
    problem = load(
        dynamics="mean_reverting",
        mean_reversion={
            "curve": [{"speed": 0.05, "long_run_bp": 40}, {"long_run_bp": -10}, {"speed": 0.0}],
            "breakeven": {"speed": 0.3},
            "credit": {"speed": 0.6, "long_run_bp": 25},
        },
    )
    reversion = problem.scenario_engine().model.mean_reversion
    # A curve factor without a speed takes the default of its position (slope: 0.25).
    np.testing.assert_array_equal(reversion.curve_speed, [0.05, 0.25, 0.0])
    np.testing.assert_array_equal(reversion.curve_long_run_bp, [40.0, -10.0, 0.0])
    assert (reversion.breakeven_speed, reversion.breakeven_long_run_bp) == (0.3, 0.0)
    assert (reversion.credit_speed, reversion.credit_long_run_bp) == (0.6, 25.0)


def test_breakeven_alone_keeps_the_other_defaults():
    reversion = load(
        dynamics="mean_reverting", mean_reversion={"breakeven": {"long_run_bp": 15}}
    ).simulation.mean_reversion
    assert reversion.curve_speed is None
    assert reversion.curve_long_run_bp is None
    assert (reversion.breakeven_speed, reversion.breakeven_long_run_bp) == (0.2, 15.0)
    assert (reversion.credit_speed, reversion.credit_long_run_bp) == (0.35, 0.0)


def test_student_t_innovations_reach_the_model():
    problem = load(innovations="student_t", degrees_of_freedom=7)
    model = problem.scenario_engine().model
    assert model.innovations is Innovations.STUDENT_T
    assert model.degrees_of_freedom == 7.0
    expected = model_of(problem, innovations="student_t", degrees_of_freedom=7.0)
    same_moves(model.annual_moves(40, 3, 2), expected.annual_moves(40, 3, 2))
    assert load(innovations="student_t").simulation.degrees_of_freedom == 5.0


def test_mean_reversion_is_calibrated_from_the_curve_history_when_asked(tmp_path):
    path = tmp_path / "history.csv"
    curve_history(path)
    problem = load(curve_history=str(path), components=2, dynamics="mean_reverting")
    factors = CurveFactors.from_csv(str(path), components=2)
    expected = MeanReversion.from_csv(str(path), factors)
    reversion = problem.scenario_engine().model.mean_reversion
    np.testing.assert_array_equal(reversion.curve_speed, expected.curve_speed)
    np.testing.assert_array_equal(reversion.curve_long_run_bp, expected.curve_long_run_bp)
    assert (reversion.breakeven_speed, reversion.credit_speed) == (0.2, 0.35)


def test_calibrated_curve_reversion_keeps_a_given_credit_reversion(tmp_path):
    path = tmp_path / "history.csv"
    curve_history(path)
    simulation = {"curve_history": str(path), "components": 2, "dynamics": "mean_reverting"}
    problem = load(**simulation, mean_reversion={"credit": {"speed": 0.5, "long_run_bp": 30}})
    expected = MeanReversion.from_csv(str(path), CurveFactors.from_csv(str(path), 2))
    reversion = problem.simulation.mean_reversion
    np.testing.assert_array_equal(reversion.curve_speed, expected.curve_speed)
    assert (reversion.credit_speed, reversion.credit_long_run_bp) == (0.5, 30.0)


def test_a_given_curve_reversion_is_not_calibrated(tmp_path):
    path = tmp_path / "history.csv"
    curve_history(path)
    curve = [{"speed": 0.1}, {"speed": 0.2}]
    problem = load(
        curve_history=str(path),
        components=2,
        dynamics="mean_reverting",
        mean_reversion={"curve": curve},
    )
    np.testing.assert_array_equal(problem.simulation.mean_reversion.curve_speed, [0.1, 0.2])


def test_a_random_walk_does_not_calibrate(tmp_path):
    path = tmp_path / "history.csv"
    curve_history(path)
    assert load(curve_history=str(path)).simulation.mean_reversion is None


# --- a scenario file -----------------------------------------------------------------------------


def test_a_scenario_file_replaces_the_model(tmp_path):
    file = tmp_path / "esg.csv"
    moves = write_file(file)
    problem = load(scenario_file=str(file), carry="unchanged")
    engine = problem.scenario_engine()
    assert isinstance(engine.model, ScenarioFile)
    assert engine.model.count == COUNT
    assert engine.model.years == YEARS
    assert engine.carry is CarryConvention.UNCHANGED
    pnl, liabilities = engine.pnl(10_000, 0)  # a file's scenarios, whatever is asked
    assert pnl.shape == (COUNT, len(problem.instruments))
    assert liabilities.shape == (COUNT,)

    class Written:
        """The moves written to the file, as a move source of their own."""

        def annual_moves(self, count, seed, years=1):
            return moves[:years]

    written = ScenarioEngine(
        problem.revaluation, problem.liabilities, Written(), engine.carry, engine.keys
    )
    expected, expected_liabilities = written.pnl(COUNT, 0)
    # A file's returns are totals: the growth assets it gives no return column of their
    # own earn its growth column alone, not their expected return on top.
    for name, instrument in problem.instruments.items():
        if type(instrument).kind == "return_seeking" and name != "GLOBAL_EQUITY":
            column = list(problem.instruments).index(name)
            expected[:, column] -= instrument.expected_return
    np.testing.assert_allclose(pnl, expected, rtol=0, atol=1e-9)
    scale = engine.liability_value  # money: P&L per unit of the liabilities' value
    np.testing.assert_allclose(liabilities, expected_liabilities, rtol=0, atol=1e-9 * scale)


def test_a_scenario_file_is_read_relative_to_the_problem_file(tmp_path):
    write_file(tmp_path / "esg.parquet")
    raw = copy.deepcopy(RAW)
    raw["simulation"] = {"scenario_file": "esg.parquet", "outcomes": True}
    (tmp_path / "scheme.yaml").write_text(yaml.safe_dump(raw))
    problem = ldi.load_problem(tmp_path / "scheme.yaml")
    assert problem.simulation.scenario_file.path == tmp_path / "esg.parquet"
    assert problem.scenario_engine().pnl(100, 7)[0].shape[0] == COUNT


def test_solve_outcomes_count_the_files_scenarios_and_name_it(tmp_path):
    write_file(tmp_path / "esg.csv")
    problem = load(scenario_file=str(tmp_path / "esg.csv"), outcomes=True, seed=4)
    result = problem.solve()
    assert result.ok
    summary = result.outcomes
    assert summary.count == COUNT
    assert summary.source == f"{COUNT} scenarios from esg.csv"
    record = summary.to_dict()
    assert (record["scenarios"], record["seed"], record["scenario_file"]) == (
        COUNT,
        None,
        "esg.csv",
    )
    assert f"Simulated one-year outcomes ({COUNT} scenarios from esg.csv)" in (
        SolveSummary.of(result).as_text()
    )


def test_simulated_outcomes_still_name_their_seed():
    summary = load(outcomes=True, scenarios=500, seed=4).solve().outcomes
    assert summary.source == "500 scenarios, seed 4"
    record = summary.to_dict()
    assert (record["scenarios"], record["seed"], record["scenario_file"]) == (500, 4, None)


# --- errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "keys"),
    [
        pytest.param({"curve_history": "history.csv"}, "['curve_history']", id="curve_history"),
        pytest.param({"components": 2}, "['components']", id="components"),
        pytest.param({"dynamics": "mean_reverting"}, "['dynamics']", id="dynamics"),
        pytest.param(
            {"mean_reversion": {"credit": {"speed": 0.4}}}, "['mean_reversion']", id="reversion"
        ),
        pytest.param({"innovations": "student_t"}, "['innovations']", id="innovations"),
        pytest.param({"degrees_of_freedom": 4}, "['degrees_of_freedom']", id="degrees"),
        pytest.param(
            {"dynamics": "mean_reverting", "innovations": "student_t"},
            "['dynamics', 'innovations']",
            id="two",
        ),
    ],
)
def test_a_scenario_file_takes_none_of_the_models_settings(setting, keys, tmp_path):
    # The file does not exist: the settings are checked before anything is read.
    error = failure(scenario_file=str(tmp_path / "missing.csv"), **setting)
    check(error, "simulation.scenario_file", E_FILE_AND_MODEL.format(keys=keys).split(": ", 1)[1])


def test_a_scenario_file_with_the_models_defaults_written_out_loads(tmp_path):
    # What a dumped spec holds: every key, at its default.
    write_file(tmp_path / "esg.csv")
    problem = load(
        scenario_file=str(tmp_path / "esg.csv"),
        curve_history=None,
        components=3,
        dynamics="random_walk",
        innovations="normal",
        degrees_of_freedom=5,
    )
    assert problem.simulation.scenario_file.count == COUNT


def test_a_spec_with_a_scenario_file_round_trips(tmp_path):
    write_file(tmp_path / "esg.csv")
    raw = copy.deepcopy(RAW)
    raw["simulation"] = {"scenario_file": str(tmp_path / "esg.csv")}
    again = ldi.load_problem(parse_spec(raw).model_dump(mode="json"))
    assert again.simulation.scenario_file.count == COUNT


def test_a_missing_scenario_file_names_the_key(tmp_path):
    missing = tmp_path / "missing.csv"
    error = failure(scenario_file=str(missing))
    assert error.path == "simulation.scenario_file"
    assert str(error).startswith(f"simulation.scenario_file: {missing}: cannot read the scenario")


def test_a_return_column_for_an_unknown_id_names_the_key(tmp_path):
    file = tmp_path / "esg.csv"
    write_file(file, returns=("GLOBAL_EQUITY", "NOT_HELD"))
    error = failure(scenario_file=str(file))
    growth = ["DIVERSIFIED_GROWTH", "GLOBAL_EQUITY", "UK_PROPERTY"]  # what a column may name
    expected = E_UNKNOWN_ID.format(file=file, columns=["return_NOT_HELD"], ids=growth)
    check(error, "simulation.scenario_file", expected)


def test_a_return_column_for_a_bond_names_the_key(tmp_path):
    file = tmp_path / "esg.csv"
    write_file(file, returns=("GLOBAL_EQUITY", "UKT_4Q_2036"))
    error = failure(scenario_file=str(file))
    growth = ["DIVERSIFIED_GROWTH", "GLOBAL_EQUITY", "UK_PROPERTY"]
    expected = E_RETURN_KIND.format(
        file=file, columns=["return_UKT_4Q_2036"], kinds="UKT_4Q_2036: bond", ids=growth
    )
    assert expected.startswith("simulation.scenario_file: ")
    assert error.path == "simulation.scenario_file"
    assert str(error) == expected


def test_a_file_in_an_unknown_format_names_the_key(tmp_path):
    error = failure(scenario_file=str(tmp_path / "esg.xlsx"))
    assert error.path == "simulation.scenario_file"
    assert "unsupported file type '.xlsx'; expected .csv, .parquet or .pq" in str(error)


@pytest.mark.parametrize(
    ("simulation", "path", "message"),
    [
        pytest.param(
            {"degrees_of_freedom": 2},
            "simulation.degrees_of_freedom",
            "got 2; expected a number > 2",
            id="two-degrees",
        ),
        pytest.param(
            {"degrees_of_freedom": 1.5},
            "simulation.degrees_of_freedom",
            "got 1.5; expected a number > 2",
            id="few-degrees",
        ),
        pytest.param(
            {"degrees_of_freedom": float("inf")},
            "simulation.degrees_of_freedom",
            "got .inf; expected a finite number",
            id="infinite-degrees",
        ),
        pytest.param(
            {"degrees_of_freedom": True},
            "simulation.degrees_of_freedom",
            "got True; expected a number, not true or false",
            id="boolean-degrees",
        ),
        pytest.param(
            {"mean_reversion": {"curve": [{"speed": 0.1}, {"speed": -0.2}, {}]}},
            "simulation.mean_reversion.curve[1].speed",
            "got -0.2; expected a number >= 0",
            id="negative-curve-speed",
        ),
        pytest.param(
            {"mean_reversion": {"breakeven": {"speed": -0.1}}},
            "simulation.mean_reversion.breakeven.speed",
            "got -0.1; expected a number >= 0",
            id="negative-breakeven-speed",
        ),
        pytest.param(
            {"mean_reversion": {"credit": {"speed": float("nan")}}},
            "simulation.mean_reversion.credit.speed",
            "got .nan; expected a finite number",
            id="nan-credit-speed",
        ),
        pytest.param(
            {"mean_reversion": {"credit": {"long_run_bp": float("inf")}}},
            "simulation.mean_reversion.credit.long_run_bp",
            "got .inf; expected a finite number",
            id="infinite-level",
        ),
        pytest.param(
            {"mean_reversion": {"curve": [{"speed": 0.1}, {"speed": 0.2}]}},
            "simulation.mean_reversion.curve",
            "got 2 item(s) for 3 curve factors; expected one per curve factor, in the "
            "curve's order (level first)",
            id="too-few-curve-factors",
        ),
        pytest.param(
            {"mean_reversion": {"curve": []}},
            "simulation.mean_reversion.curve",
            "got []; expected at least 1 item(s)",
            id="no-curve-factors",
        ),
        pytest.param(
            {"mean_reversion": {"equity": {"speed": 0.1}}},
            "simulation.mean_reversion.equity",
            "unknown key; expected only ['curve', 'breakeven', 'credit']",
            id="unknown-state",
        ),
        pytest.param(
            {"mean_reversion": {"credit": {"sped": 0.1}}},
            "simulation.mean_reversion.credit.sped",
            "unknown key; did you mean 'speed'? expected only ['speed', 'long_run_bp']",
            id="typo-in-a-state",
        ),
        pytest.param(
            {"dynamics": "ar1"},
            "simulation.dynamics",
            "got 'ar1'; expected 'random_walk' or 'mean_reverting'",
            id="unknown-dynamics",
        ),
        pytest.param(
            {"innovations": "cauchy"},
            "simulation.innovations",
            "got 'cauchy'; expected 'normal' or 'student_t'",
            id="unknown-innovations",
        ),
        pytest.param(
            {"carry": "rolldown"},
            "simulation.carry",
            "got 'rolldown'; expected 'forwards' or 'unchanged'",
            id="unknown-carry",
        ),
        pytest.param(
            {"scenario_file": ""},
            "simulation.scenario_file",
            "got ''; expected a non-empty string",
            id="empty-file-name",
        ),
    ],
)
def test_a_bad_setting_names_its_path(simulation, path, message):
    check(failure(**simulation), path, message)


def test_a_curve_list_counts_the_historys_components(tmp_path):
    path = tmp_path / "history.csv"
    curve_history(path)
    error = failure(
        curve_history=str(path),
        components=2,
        dynamics="mean_reverting",
        mean_reversion={"curve": [{"speed": 0.1}] * 3},
    )
    check(
        error,
        "simulation.mean_reversion.curve",
        "got 3 item(s) for 2 curve factors; expected one per curve factor, in the curve's "
        "order (level first)",
    )


def test_a_history_that_does_not_calibrate_names_the_history(tmp_path):
    # A score that flips sign every month has an autoregression coefficient below 0.
    path = tmp_path / "history.csv"
    frame = curve_history(path)
    flip = np.where(np.arange(len(frame)) % 2 == 0, 0.01, -0.01)
    for column in ("5", "10", "30"):
        frame[column] = 0.04 + flip
    frame.to_csv(path, index=False)
    error = failure(curve_history=str(path), components=1, dynamics="mean_reverting")
    assert error.path == "simulation.curve_history"
    message = str(error)
    assert message.startswith("simulation.curve_history: history: the score of curve factor 0")
    assert message.endswith(
        "(calibrating the mean reversion of the curve factors; expected a history that "
        "calibrates, or speeds in simulation.mean_reversion.curve)"
    )


def test_the_cli_reports_a_bad_simulation_as_invalid_input(tmp_path, capsys):
    raw = copy.deepcopy(RAW)
    raw["simulation"] = {"scenario_file": "esg.csv", "innovations": "student_t"}
    file = tmp_path / "scheme.yaml"
    file.write_text(yaml.safe_dump(raw))
    assert main(["validate", str(file)]) == 2
    assert "simulation.scenario_file: got a scenario file" in capsys.readouterr().err


# --- the setup object itself ----------------------------------------------------------------------


def test_the_setup_refuses_a_file_with_model_settings(tmp_path):
    write_file(tmp_path / "esg.csv")
    scenarios = load(scenario_file=str(tmp_path / "esg.csv")).simulation.scenario_file
    with pytest.raises(DataError, match=r"SimulationSetup.scenario_file: given with the model"):
        SimulationSetup(scenario_file=scenarios, dynamics="mean_reverting")
    with pytest.raises(DataError, match="ScenarioModel.degrees_of_freedom: got 2"):
        SimulationSetup(degrees_of_freedom=2)
    assert SimulationSetup(scenario_file=scenarios).model() is scenarios


def test_problem_has_no_separate_curve_factors_or_carry():
    problem = ldi.load_problem(RAW)
    assert not hasattr(problem, "curve_factors")
    assert not hasattr(problem, "carry")
    assert isinstance(problem.simulation, SimulationSetup)
