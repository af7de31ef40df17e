"""A membership projected in slices on workers: the serial projection's rows.

Reference: ``ldi.members.projection.project`` of the whole membership in this process
(its payments checked by hand in tests/members). The slices' rows, summed by key, equal
it to 1e-12 relative (sums of the same amounts in another order).
"""

import numpy as np
import pandas as pd
import pytest

from ldi.errors import DataError
from ldi.members.projection import project
from ldi.membership import project_members
from tests.members.test_projection import MEMBERS, YEAR, basis

MANY = pd.concat(
    [MEMBERS.assign(age=MEMBERS["age"] + k % 4, id=MEMBERS["id"] + f"-{k}") for k in range(40)],
    ignore_index=True,
)


@pytest.mark.parametrize("workers", [1, 2])
def test_slices_on_processes_add_up_to_the_serial_rows(workers):
    serial = project(MANY, basis(), YEAR)
    shared = project_members(MANY, basis(), YEAR, scheduler="processes", workers=workers)
    assert shared[["time", "status", "tranche"]].equals(serial[["time", "status", "tranche"]])
    np.testing.assert_array_equal(shared["deferred_until"].isna(), serial["deferred_until"].isna())
    np.testing.assert_allclose(shared["amount"], serial["amount"], rtol=1e-12)


def test_serial_is_one_projection_and_a_bad_scheduler_is_named():
    rows = project_members(MEMBERS, basis(), YEAR)
    assert rows.equals(project(MEMBERS, basis(), YEAR))
    with pytest.raises(DataError, match="scheduler: got 'threads'"):
        project_members(MEMBERS, basis(), YEAR, scheduler="threads")


@pytest.mark.parametrize("scheduler", ["serial", "processes"])
def test_a_member_twice_in_different_slices_is_named(scheduler, monkeypatch):
    monkeypatch.setattr("ldi.membership.SLICE", 40)
    twice = MANY.copy()
    twice.loc[150, "id"] = twice.loc[3, "id"]
    with pytest.raises(DataError, match=r"members row 151 \(id 'W1-0'\): id got 'W1-0'; expected"):
        project_members(twice, basis(), YEAR, scheduler=scheduler, workers=2)


def test_a_serial_run_in_slices_adds_up_to_one_projection(monkeypatch):
    monkeypatch.setattr("ldi.membership.SLICE", 37)
    sliced = project_members(MANY, basis(), YEAR)
    whole = project(MANY, basis(), YEAR)
    assert sliced[["time", "status", "tranche"]].equals(whole[["time", "status", "tranche"]])
    np.testing.assert_allclose(sliced["amount"], whole["amount"], rtol=1e-12)
