"""Sweeps: the same results serially, on local processes and on a Dask LocalCluster.

Each variant is also solved on its own with ldi.load_problem (the reference); failures are
kept with their message while the other variants' results stay. Terms are varied by name
(``hedge_ratio[rates].min``); the reference edits the file's mapping at the term's place.
"""

import copy
import json

import numpy as np
import pytest

import ldi
from ldi.cli.main import main
from ldi.errors import DataError, LDIWarning
from ldi.sweep import (
    MAX_VARIANTS,
    MAX_WORKERS,
    SweepResult,
    apply_edits,
    edit_paths,
    local_cluster,
    parse_vary,
    run_jobs,
    sweep,
)
from tests.optimize.test_verify import corrupting
from tests.reference import DEFAULT_PROBLEM, PROBLEMS, raw_problem

RATES, INFLATION = "hedge_ratio[rates].min", "hedge_ratio[inflation].min"
VARY = [f"{RATES}=0.9:0.96:4", f"{INFLATION}=0.8,0.85"]
PLACES = {RATES: "constraints.1.hedge_ratio.min", INFLATION: "constraints.2.hedge_ratio.min"}


@pytest.fixture(scope="module")
def variants():
    return parse_vary(VARY)


@pytest.fixture(scope="module")
def serial(variants):
    return sweep(DEFAULT_PROBLEM, variants, "serial", progress=False)


def test_vary_specs_make_the_grid_of_every_combination(variants):
    assert len(variants) == 8
    assert variants[0] == {RATES: 0.9, INFLATION: 0.8}
    assert variants[1][INFLATION] == 0.85
    assert [v[RATES] for v in variants[::2]] == pytest.approx([0.9, 0.92, 0.94, 0.96])
    for bad in ("hedge_ratio[rates].min", "x=1:2", "x=a,b", "=1"):
        with pytest.raises(DataError, match="^--vary: got"):
            parse_vary([bad])


def test_listed_whole_numbers_stay_whole_so_counts_can_be_varied():
    assert parse_vary(["simulation.scenarios=1000,2000,-3"]) == [
        {"simulation.scenarios": 1000},
        {"simulation.scenarios": 2000},
        {"simulation.scenarios": -3},
    ]
    assert all(
        isinstance(v["simulation.scenarios"], int) for v in parse_vary(["simulation.scenarios=5,6"])
    )
    assert parse_vary(["a=1.0,2e3"]) == [{"a": 1.0}, {"a": 2000.0}]
    assert isinstance(parse_vary(["a=1.0,2"])[0]["a"], float)


def test_edits_set_keys_and_refuse_paths_the_file_lacks():
    raw = raw_problem(DEFAULT_PROBLEM)
    edited = apply_edits(raw, {"constraints.3.leverage.max": 2.0})
    assert edited["constraints"][3]["leverage"]["max"] == 2.0
    assert raw["constraints"][3]["leverage"]["max"] == 1.5  # the original is untouched
    for path in ("constraints.20.leverage.max", "nope.x", "name.x"):
        with pytest.raises(DataError, match=rf"^{path}: no such key"):
            apply_edits(raw, {path: 1})


def test_serial_results_are_the_variants_solved_one_by_one(serial, variants):
    assert not serial.failures
    raw = raw_problem(DEFAULT_PROBLEM)
    for i in (0, 5):
        edits = {PLACES[address]: value for address, value in variants[i].items()}
        result = ldi.load_problem(apply_edits(raw, edits)).solve()
        assert serial.results[i]["objective"] == pytest.approx(result.objective_value, rel=1e-12)
        got = serial.results[i]["positions"]
        np.testing.assert_allclose([got[k] for k in result.positions.index], result.positions)


@pytest.mark.parametrize("scheduler", ["processes", "local"])
def test_processes_and_a_dask_cluster_give_the_serial_results(serial, variants, scheduler):
    other = sweep(DEFAULT_PROBLEM, variants, scheduler, workers=2, progress=False)
    assert other.results == serial.results  # identical numbers, whatever ran them
    assert not other.failures


def _worker_settings():
    """The settings a worker runs with (read inside it)."""
    import os

    import dask

    names = ("MALLOC_TRIM_THRESHOLD_", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")
    environment = {name: os.environ.get(name) for name in names}
    return environment, dask.config.get("distributed.worker.profile.enabled")


def test_the_local_cluster_workers_are_set_up_for_solving():
    """One BLAS thread, glibc's own trim threshold, no profiler (see LOCAL_CLUSTER_CONFIG)."""
    from distributed import Client

    with local_cluster(1) as cluster, Client(cluster) as client:
        ((environment, profiling),) = client.run(_worker_settings).values()
    assert environment == {
        "MALLOC_TRIM_THRESHOLD_": None,
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
    }
    assert profiling is False


def test_a_failing_variant_is_reported_and_the_others_kept(variants):
    bad = {LEVERAGE: -1.0}
    result = sweep(DEFAULT_PROBLEM, [variants[0], bad, variants[1]], progress=False)
    assert sorted(result.results) == [0, 2]
    assert list(result.failures) == [1]
    assert result.failures[1].startswith("constraints[3].leverage.max: got -1.0; expected ")
    table = result.table()
    assert list(table["status"]) == ["optimal", "failed", "optimal"]
    assert json.loads(json.dumps(result.to_dict(), allow_nan=False))["variants"][1]["error"]


def test_a_variant_without_a_verified_answer_is_not_counted_as_solved(variants, monkeypatch):
    corrupting("CLARABEL", monkeypatch)  # every position 1% off: the budget fails
    edits = {**variants[0], "solver": {"name": "CLARABEL", "fallback": []}}
    with pytest.warns(LDIWarning, match="no solver's answer passed"):
        result = sweep(DEFAULT_PROBLEM, [edits], progress=False)
    assert list(result.failures) == [0]
    assert result.failures[0].startswith("inaccurate: ")  # the checks that failed follow
    row = result.table().iloc[0]
    assert row["status"] == "inaccurate"
    assert row["error"] == result.failures[0]
    assert row["objective"] is None
    assert all(v is None for v in result.results[0]["positions"].values())


def test_unknown_scheduler_and_paths_are_refused_before_solving(variants):
    with pytest.raises(DataError, match="^scheduler: got 'cloud'"):
        sweep(DEFAULT_PROBLEM, variants[:1], "cloud", progress=False)
    with pytest.raises(DataError, match=r"^name\.x: no such key"):
        sweep(DEFAULT_PROBLEM, [{"name.x": 1}], progress=False)


def test_cli_prints_the_table_and_writes_json(tmp_path, capsys):
    out = tmp_path / "sweep.json"
    code = main(["sweep", str(DEFAULT_PROBLEM), "--vary", VARY[0], "--json", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert RATES in captured.out
    variants = json.loads(out.read_text())["variants"]
    assert [v["edits"] for v in variants] == [{RATES: x} for x in (0.9, 0.92, 0.94, 0.96)]
    code = main(["sweep", str(DEFAULT_PROBLEM), "--vary", f"{LEVERAGE}=-1,1.5"])
    captured = capsys.readouterr()
    assert code == 1
    assert "variant 0 failed: constraints[3].leverage.max: got -1.0" in captured.err


def test_cli_prints_every_number_formatted_and_a_failure_without_nan(tmp_path, capsys):
    """``ldi sweep`` of the default problem, one variant solved and one refused by the file.

    Read back by row label and header (tests/reporting/test_sweep_report.py): no scientific
    notation, nan or None anywhere; the solved row's objective is the JSON's to the whole
    unit, its funding ratio the JSON's as a percentage to 0.1; the failed row shows '-' for
    every number and its reason as the error.
    """
    from tests.reporting.test_sweep_report import NOT_PLAIN, RESULTS, read_table

    out = tmp_path / "sweep.json"
    code = main(["sweep", str(DEFAULT_PROBLEM), "--vary", f"{RATES}=0.9,1.2", "--json", str(out)])
    captured = capsys.readouterr()
    assert code == 1  # the second variant fails
    assert not NOT_PLAIN.search(captured.out)
    rows = read_table(captured.out, [RATES, *RESULTS])
    solved, failed = (v["result"] or {} for v in json.loads(out.read_text())["variants"])
    assert rows["0"][RATES] == "0.9"
    assert float(rows["0"]["Objective"].replace(",", "")) == round(solved["objective"])
    assert float(rows["0"]["Funding ratio"].rstrip("%")) == pytest.approx(
        100 * solved["funding_ratio"], abs=0.05
    )
    assert rows["0"]["Error"] == ""
    assert failed == {}
    assert rows["1"]["Status"] == "failed"
    assert [rows["1"][h] for h in RESULTS[1:-1]] == ["-"] * 4
    assert rows["1"]["Error"].startswith("constraints[1].hedge_ratio.max: got 1.0; expected")


LEVERAGE = "leverage.max"
DIES = 1.6  # the variant whose worker dies
SLEEPS = 1.7  # a variant that would run for a minute
NAPS = 1.8  # a variant still running on another worker when DIES ends its own


def _dies_or_echoes(raw, folder, edits):
    """A task whose variant ``DIES`` ends its own process; the others return their value."""
    import os
    import time

    (value,) = edits.values()  # the file's path for LEVERAGE (constraints.3.leverage.max)
    if value == DIES:
        time.sleep(0.2)  # NAPS has started
        os._exit(7)
    time.sleep({SLEEPS: 60, NAPS: 1}.get(value, 0))
    return {"status": "optimal", "value": value}


def _leverages(*values):
    return [{LEVERAGE: value} for value in values]


def test_a_worker_that_dies_fails_its_variant_and_the_others_are_kept():
    """One variant ends its process: it fails with the reason, every other one is solved.

    NAPS is running on the other worker when it dies, and ends with the broken pool: both
    run again, one at a time, and only DIES fails.
    """
    values = (NAPS, DIES, 1.4, 1.3, 1.2, 1.1)
    result = sweep(
        DEFAULT_PROBLEM,
        _leverages(*values),
        "processes",
        workers=2,
        progress=False,
        task=_dies_or_echoes,
    )
    assert set(result.failures) == {1}
    assert result.failures[1].startswith("worker died:")
    assert {i: r["value"] for i, r in result.results.items()} == {
        i: v for i, v in enumerate(values) if v != DIES
    }
    assert list(result.table()["status"]) == ["optimal", "failed", *["optimal"] * 4]


@pytest.mark.slow
def test_a_dask_worker_that_dies_fails_its_variant_and_the_others_are_kept():
    values = (NAPS, DIES, 1.4, 1.3)
    result = sweep(
        DEFAULT_PROBLEM,
        _leverages(*values),
        "local",
        workers=2,
        progress=False,
        task=_dies_or_echoes,
    )
    assert set(result.failures) == {1}
    assert result.failures[1].startswith("worker died:")
    assert sorted(result.results) == [0, 2, 3]


@pytest.mark.parametrize("stop", ["close", "interrupt"])
@pytest.mark.parametrize("scheduler", ["processes", pytest.param("local", marks=pytest.mark.slow)])
def test_stopping_a_sweep_cancels_its_work_and_ends_its_workers(scheduler, stop):
    """Closing the jobs (or Ctrl-C while waiting) ends at once, not after the pending work."""
    import multiprocessing
    import time

    jobs = list(enumerate(_leverages(1.5, SLEEPS, SLEEPS, SLEEPS, SLEEPS)))
    results = run_jobs(_dies_or_echoes, {}, ".", jobs, scheduler, 2)
    assert next(results)[1] == {"status": "optimal", "value": 1.5}
    began = time.monotonic()
    if stop == "close":
        results.close()
    else:
        with pytest.raises(KeyboardInterrupt):
            results.throw(KeyboardInterrupt)
    assert time.monotonic() - began < 10  # a sleeping variant would take a minute
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("a=0.8:0.9:0", "--vary a=0.8:0.9:0: got COUNT 0; expected a whole number from 2 to"),
        ("a=0.8:0.9:1", "--vary a=0.8:0.9:1: got COUNT 1; expected a whole number from 2 to"),
        ("a=0:1:1000000000000", "--vary a=0:1:1000000000000: got COUNT 1000000000000; expected"),
        ("a=0:nan:3", "--vary a=0:nan:3: got nan; expected finite numbers"),
        ("a=1,inf", "--vary a=1,inf: got inf; expected finite numbers"),
    ],
)
def test_vary_counts_and_values_are_bounded(spec, message):
    with pytest.raises(DataError) as error:
        parse_vary([spec])
    assert str(error.value).startswith(message)


def test_the_variants_of_several_vary_are_bounded_before_they_are_made():
    axis = "a=0:1:1000"
    assert len(parse_vary([axis, "b=1,2,3,4,5,6,7,8,9,10"])) == MAX_VARIANTS
    with pytest.raises(DataError, match=r"^--vary: 1,000,000 variants; expected at most 10,000"):
        parse_vary([axis, "b=0:1:1000"])


def test_a_sweep_needs_variants_and_workers():
    with pytest.raises(DataError, match=r"^variants: got none; expected at least one"):
        sweep(DEFAULT_PROBLEM, [], progress=False)
    for workers in (0, MAX_WORKERS + 1, 1.5):
        with pytest.raises(DataError, match=rf"^workers: got {workers!r}; expected a whole"):
            sweep(DEFAULT_PROBLEM, _leverages(1.5), "processes", workers, progress=False)


def test_cli_prints_the_table_before_a_json_write_that_fails(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    code = main(
        ["sweep", str(DEFAULT_PROBLEM), "--vary", f"{LEVERAGE}=1.5,1.4"]
        + [
            "--json",
            str(blocker / "sweep.json"),
        ]
    )
    captured = capsys.readouterr()
    assert code == 2  # a file where a folder is needed: the path asked for is wrong
    assert LEVERAGE in captured.out  # the table, kept
    assert f"error: --json {blocker / 'sweep.json'}: cannot write" in captured.err


def test_cli_counts_a_variant_without_an_optimum_as_failed_with_its_reason(tmp_path, capsys):
    """An infeasible variant fails (exit 1): its table row and JSON give the diagnosis."""
    raw = raw_problem(DEFAULT_PROBLEM)
    reference = ldi.load_problem(apply_edits(raw, {"constraints.3.leverage.max": 0.01}))
    diagnosis = reference.solve().diagnosis.message
    out = tmp_path / "sweep.json"
    code = main(
        ["sweep", str(DEFAULT_PROBLEM), "--vary", f"{LEVERAGE}=1.5,0.01"] + ["--json", str(out)]
    )
    captured = capsys.readouterr()
    assert code == 1
    assert f"variant 1 failed: infeasible: {diagnosis}" in captured.err
    assert "variant 0 failed" not in captured.err
    variants = json.loads(out.read_text())["variants"]
    assert variants[0]["error"] is None
    assert variants[1]["result"]["status"] == "infeasible"
    assert variants[1]["error"] == f"infeasible: {diagnosis}"


def _recorded(monkeypatch):
    """The variants ``ldi sweep`` would solve, recorded instead of solved."""
    import importlib

    cli = importlib.import_module("ldi.cli.main")  # the module (ldi.cli.main is also a function)
    seen = []

    def recording(source, variants, *args, **kwargs):
        seen.extend(variants)
        return SweepResult(
            list(variants), {i: {"status": "optimal"} for i in range(len(variants))}, {}
        )

    monkeypatch.setattr(cli, "sweep", recording)
    return seen


def test_cli_several_vary_options_give_every_combination(monkeypatch, capsys):
    seen = _recorded(monkeypatch)
    a, b = RATES, INFLATION
    argv = ["sweep", str(DEFAULT_PROBLEM), "--vary", f"{a}=0.9:0.96:3", "--vary", f"{b}=0.8:0.9:3"]
    assert main(argv) == 0, capsys.readouterr().err
    assert len(seen) == 9
    pairs = sorted((v[a], v[b]) for v in seen)
    np.testing.assert_allclose(pairs, [(x, y) for x in (0.9, 0.93, 0.96) for y in (0.8, 0.85, 0.9)])


@pytest.mark.parametrize("separate", [False, True])
def test_a_path_varied_twice_is_refused(separate, monkeypatch, capsys):
    seen = _recorded(monkeypatch)
    path = LEVERAGE
    specs = [f"{path}=1,2", "--vary", f"{path}=3,4"] if separate else [f"{path}=1,2", f"{path}=3,4"]
    assert main(["sweep", str(DEFAULT_PROBLEM), "--vary", *specs]) == 2
    assert f"error: --vary {path}: given twice; expected each path once" in capsys.readouterr().err
    assert seen == []
    with pytest.raises(DataError, match=rf"^--vary {path}: given twice"):
        parse_vary([f"{path}=1,2", f"{path}=3"])


# --- Terms by name: the names reports and ``resolve`` use, translated to the file's places.

INSURER = PROBLEMS / "insurer_annuity_book.yaml"


def _by_hand(raw, edits):
    """``raw`` edited at the places the loader reads, written out here (not by the sweep)."""
    raw = copy.deepcopy(raw)
    for (*parents, last), value in edits:
        node = raw
        for key in parents:
            node = node[key]
        node[last] = value
    return raw


def _same_solution(summary, problem):
    result = problem.solve()
    assert summary["status"] == result.status.value == "optimal"
    assert summary["objective"] == pytest.approx(result.objective_value, rel=1e-12)
    got = summary["positions"]
    np.testing.assert_allclose([got[k] for k in result.positions.index], result.positions)


def test_a_term_option_by_name_gives_the_results_of_its_place_in_the_file():
    """Constraints, an objective weight, and a term written as its key alone (no options)."""
    variants = [
        {"hedge_ratio[rates].min": 0.93, "leverage.max": 1.4, "tracking_error.weight": 2.0},
        {"hedge_ratio[inflation].max": 0.88, "expected_surplus_return.weight": 0.25},
    ]
    by_hand = [
        [
            (("constraints", 1, "hedge_ratio", "min"), 0.93),
            (("constraints", 3, "leverage", "max"), 1.4),
            (("objective", "minimize", 1), {"tracking_error": {"weight": 2.0}}),
        ],
        [
            (("constraints", 2, "hedge_ratio", "max"), 0.88),
            (("objective", "maximize", 0, "expected_surplus_return", "weight"), 0.25),
        ],
    ]
    result = sweep(DEFAULT_PROBLEM, variants, progress=False)
    assert not result.failures
    raw = raw_problem(DEFAULT_PROBLEM)
    for i, edits in enumerate(by_hand):
        _same_solution(result.results[i], ldi.load_problem(_by_hand(raw, edits)))
    assert list(result.table().columns[:3]) == list(variants[0])  # labelled by the addresses


def test_names_given_in_the_file_and_names_with_brackets_address_their_terms():
    variants = [{"issuer_limit.max_fraction": 0.08, "bounds[credit].max_fraction": 0.5}]
    result = sweep(INSURER, variants, progress=False)
    assert not result.failures
    edits = [
        (("constraints", 2, "bounds", "max_fraction"), 0.08),
        (("constraints", 1, "bounds", "max_fraction"), 0.5),
    ]
    _same_solution(result.results[0], ldi.load_problem(_by_hand(raw_problem(INSURER), edits)))


def test_a_name_is_split_at_its_last_dot_and_matched_whole():
    """A key-rate bucket's name holds a comma and a dot: hedge_ratio[rates,2.5y,30y]."""
    raw = raw_problem(DEFAULT_PROBLEM)
    raw["constraints"][1]["hedge_ratio"]["bucket"] = [2.5, 30]
    raw["constraints"].append("long_only")
    names = ["hedge_ratio[rates,2.5y,30y].min", "long_only.soft", "tracking_error.weight"]
    edited, places = edit_paths(raw, str(DEFAULT_PROBLEM.parent), names)
    assert places == {
        "hedge_ratio[rates,2.5y,30y].min": "constraints.1.hedge_ratio.min",
        "long_only.soft": "constraints.8.long_only.soft",
        "tracking_error.weight": "objective.minimize.1.tracking_error.weight",
    }
    # Terms written as their key alone become one-key mappings, which load the same.
    assert edited["constraints"][8] == {"long_only": {}}
    assert edited["objective"]["minimize"][1] == {"tracking_error": {}}
    assert raw["constraints"][8] == "long_only"  # the original is untouched
    with pytest.raises(DataError, match=r"no term named 'hedge_ratio\[rates,2\.5y\]'"):
        edit_paths(raw, str(DEFAULT_PROBLEM.parent), ["hedge_ratio[rates,2.5y].min"])


def test_keys_that_are_not_terms_keep_their_dotted_form():
    variants = [{"liabilities.spread": 0.004, "holdings.CASH": 20.0e6}]
    result = sweep(DEFAULT_PROBLEM, variants, progress=False)
    assert not result.failures
    raw = raw_problem(DEFAULT_PROBLEM)
    edits = [(("liabilities", "spread"), 0.004), (("holdings", "CASH"), 20.0e6)]
    _same_solution(result.results[0], ldi.load_problem(_by_hand(raw, edits)))
    _, places = edit_paths(raw, str(DEFAULT_PROBLEM.parent), ["liabilities.spread"])
    assert places == {"liabilities.spread": "liabilities.spread"}


# the options of hedge_ratio
RATIO = "['name', 'soft', 'risk', 'min', 'max', 'bucket', 'basis', 'index']"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("constraints.1.hedge_ratio.min", "hedge_ratio[rates].min"),
        ("constraints.3.leverage.max", "leverage.max"),
        ("constraints.1.hedge_ratio", f"hedge_ratio[rates].OPTION with OPTION one of {RATIO}"),
        (
            "constraints.1.hedge_ratio.minimum",
            f"hedge_ratio[rates].OPTION with OPTION one of {RATIO}",
        ),
        ("objective.minimize.1.tracking_error.weight", "tracking_error.weight"),
        ("objective.maximize.0.expected_surplus_return.weight", "expected_surplus_return.weight"),
        ("constraints[1].hedge_ratio.min", "hedge_ratio[rates].min"),  # as errors print it
        ("objective.minimize[1].tracking_error.weight", "tracking_error.weight"),
    ],
)
def test_a_term_by_its_place_in_the_file_is_refused_with_its_name(old, new, capsys):
    message = f"--vary {old}: terms are addressed by name; expected {new}"
    with pytest.raises(DataError) as error:
        sweep(DEFAULT_PROBLEM, [{old: 0.9}], progress=False)
    assert str(error.value) == message
    assert main(["sweep", str(DEFAULT_PROBLEM), "--vary", f"{old}=0.9,1"]) == 2
    assert capsys.readouterr().err == f"error: {message}\n"


NAMES = (
    "['transaction_costs', 'tracking_error', 'key_rate_mismatch', 'expected_surplus_return', "
    "'budget', 'hedge_ratio[rates]', 'hedge_ratio[inflation]', 'leverage', 'bounds[growth]', "
    "'bounds[credit]', 'bounds[CASH]', 'collateral_buffer']"
)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (
            "constraints.9.leverage.max",
            f"terms are addressed by name; expected NAME.OPTION with NAME one of {NAMES}",
        ),
        (
            "constraints.1.leverage.max",  # the term there is another kind
            f"terms are addressed by name; expected NAME.OPTION with NAME one of {NAMES}",
        ),
        (
            "objective.minimize",
            f"terms are addressed by name; expected NAME.OPTION with NAME one of {NAMES}",
        ),
        (
            "hedge_ratio[rate].min",
            "no term named 'hedge_ratio[rate]' and no key 'hedge_ratio[rate]' in the file; "
            f"expected NAME.OPTION with NAME one of {NAMES}, or a key of the file such as "
            "liabilities.spread",
        ),
        (
            "hedge_ratio[rates].minimum",
            f"the term 'hedge_ratio[rates]' has no option 'minimum'; expected one of {RATIO}",
        ),
        (
            "tracking_error.soft",
            "the term 'tracking_error' has no option 'soft'; expected one of ['name', 'weight']",
        ),
        (
            "leverage",
            "a term, not one of its options; expected leverage.OPTION with OPTION one of "
            "['name', 'soft', 'max']",
        ),
    ],
)
def test_an_unknown_term_or_option_is_refused_with_the_known_ones(path, message):
    with pytest.raises(DataError) as error:
        sweep(DEFAULT_PROBLEM, [{path: 1.0}], progress=False)
    assert str(error.value) == f"--vary {path}: {message}"


def test_a_key_the_schema_lacks_is_refused_before_any_variant_runs(capsys):
    message = (
        "--vary liabilities.spreed: unknown key; did you mean 'spread'? expected only "
        "['discount_curve', 'spread', 'hedging_bases', 'credit_spread_beta', 'inflation_curve', "
        "'indexation', 'tranches', 'past_flows', 'allow_negative', 'cashflows', 'members']"
    )
    with pytest.raises(DataError) as error:
        sweep(DEFAULT_PROBLEM, [{"liabilities.spreed": 0.004}], progress=False)
    assert str(error.value) == message
    assert main(["sweep", str(DEFAULT_PROBLEM), "--vary", "liabilities.spreed=0.004,0.005"]) == 2
    assert capsys.readouterr().err == f"error: {message}\n"


def test_a_key_the_file_lacks_but_the_schema_has_is_swept():
    swept = sweep(DEFAULT_PROBLEM, [{"liabilities.credit_spread_beta": 0.5}], progress=False)
    assert not swept.failures
