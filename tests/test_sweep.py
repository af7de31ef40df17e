"""Sweeps: the same results serially, on local processes and on a Dask LocalCluster.

Each variant is also solved on its own with ldi.load_problem (the reference); failures are
kept with their message while the other variants' results stay.
"""

import json

import numpy as np
import pytest

import ldi
from ldi.cli.main import main
from ldi.errors import DataError
from ldi.sweep import apply_edits, local_cluster, parse_vary, sweep
from tests.reference import DEFAULT_PROBLEM, raw_problem

VARY = ["constraints.1.hedge_ratio.min=0.9:0.96:4", "constraints.2.hedge_ratio.min=0.8,0.85"]


@pytest.fixture(scope="module")
def variants():
    return parse_vary(VARY)


@pytest.fixture(scope="module")
def serial(variants):
    return sweep(DEFAULT_PROBLEM, variants, "serial", progress=False)


def test_vary_specs_make_the_grid_of_every_combination(variants):
    assert len(variants) == 8
    assert variants[0] == {
        "constraints.1.hedge_ratio.min": 0.9,
        "constraints.2.hedge_ratio.min": 0.8,
    }
    assert variants[1]["constraints.2.hedge_ratio.min"] == 0.85
    assert [v["constraints.1.hedge_ratio.min"] for v in variants[::2]] == pytest.approx(
        [0.9, 0.92, 0.94, 0.96]
    )
    for bad in ("constraints.1.min", "x=1:2", "x=a,b", "=1"):
        with pytest.raises(DataError, match="^--vary: got"):
            parse_vary([bad])


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
        result = ldi.load_problem(apply_edits(raw, variants[i])).solve()
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
    bad = {"constraints.3.leverage.max": -1.0}
    result = sweep(DEFAULT_PROBLEM, [variants[0], bad, variants[1]], progress=False)
    assert sorted(result.results) == [0, 2]
    assert result.failures == {
        1: "constraints[3].leverage.max: got -1.0; expected a finite number >= 0"
    }
    table = result.table()
    assert list(table["status"]) == ["optimal", "failed", "optimal"]
    assert json.loads(json.dumps(result.to_dict(), allow_nan=False))["variants"][1]["error"]


def test_unknown_scheduler_and_paths_are_refused_before_solving(variants):
    with pytest.raises(DataError, match="^scheduler: got 'cloud'"):
        sweep(DEFAULT_PROBLEM, variants[:1], "cloud", progress=False)
    with pytest.raises(DataError, match=r"^constraints\.9\.x: no such key"):
        sweep(DEFAULT_PROBLEM, [{"constraints.9.x": 1}], progress=False)


def test_cli_prints_the_table_and_writes_json(tmp_path, capsys):
    out = tmp_path / "sweep.json"
    code = main(["sweep", str(DEFAULT_PROBLEM), "--vary", VARY[0], "--json", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "constraints.1.hedge_ratio.min" in captured.out
    assert len(json.loads(out.read_text())["variants"]) == 4
    code = main(["sweep", str(DEFAULT_PROBLEM), "--vary", "constraints.3.leverage.max=-1,1.5"])
    captured = capsys.readouterr()
    assert code == 1
    assert "variant 0 failed: constraints[3].leverage.max: got -1.0" in captured.err
