"""Every command's numbers on the example problems are what they were: a regression guard.

Compares what the commands write now with ``tests/fixtures/outputs/`` (see ``tests/outputs.py``
for how it was recorded and the tolerances): a change in any number, key or message fails here
with the path of each field that moved.
"""

import json

import pytest

from tests.outputs import EXAMPLES, FIXTURE, RUNS, demo, differences, outputs


@pytest.fixture(scope="module", params=EXAMPLES)
def written(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(request.param)
    return request.param, dict(outputs(request.param, folder))


@pytest.mark.parametrize("name", [name for name, _ in RUNS])
def test_every_output_is_what_was_recorded(written, name):
    problem, now = written
    recorded = json.loads((FIXTURE / f"{problem}.{name}.json").read_text())
    moved = list(differences(recorded, now[name]))
    assert not moved, f"{problem} {name}: " + "\n".join(moved[:20])


def test_the_demo_prints_what_it_printed(tmp_path):
    assert demo(tmp_path) == (FIXTURE / "demo.txt").read_text()


def test_a_moved_number_is_named_by_its_path():
    recorded = {"a": [{"b": 1.0, "time_s": 3.0}], "c": "x"}
    now = {"a": [{"b": 1.0 + 1e-4, "time_s": 9.0}], "c": "x"}
    assert list(differences(recorded, now)) == ["/a[0]/b: 1.0 became 1.0001"]
    assert list(differences(recorded, recorded)) == []
