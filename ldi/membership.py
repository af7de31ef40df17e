"""A membership's projection shared out between processes or a Dask cluster.

``ldi.members.projection.project`` sums expected payments over members, so a membership
split into parts projects part by part and the parts' rows add up to the whole's (summed
by time, status, tranche and deferment). A membership too big for one process is sent
once to each worker of ``ldi.sweep``'s machinery (processes, a Dask LocalCluster or a
cluster's address) and each job projects one slice of rows.
"""

from contextlib import closing
from typing import Any

import numpy as np
import pandas as pd

from ldi.errors import DataError
from ldi.members.projection import Basis, check_ids, project
from ldi.sweep import check_workers, run_jobs

JOBS_PER_WORKER = 2  # slices per worker: some balance, little overhead
SLICE = 100_000  # members projected at once in a serial run (about 1 GB of arrays)
KEY = ["tranche", "status", "deferred_until", "time"]
E_PART = "members {start} to {stop} failed on a worker: {error}"


def project_members(
    members: pd.DataFrame,
    basis: Basis,
    year: int,
    years: int | None = None,
    *,
    where: str = "members",
    scheduler: str = "serial",
    workers: int = 2,
) -> pd.DataFrame:
    """``project``'s rows, the membership's slices projected on ``scheduler``'s workers.

    ``scheduler``: serial (in this process, SLICE members at a time), processes, local or a
    Dask scheduler's address, as ``ldi sweep``.
    """
    if scheduler == "serial" and len(members) <= SLICE:  # one projection checks it all
        return project(members, basis, year, years, where=where)
    check_ids(members, where)  # across slices: each checks only its own
    if scheduler == "serial":  # slice by slice, so memory stays that of a slice
        cuts = range(0, len(members), SLICE)
        parts = [project(members.iloc[a : a + SLICE], basis, year, years, where) for a in cuts]
        return _summed(parts)
    count = check_workers(workers) * JOBS_PER_WORKER
    edges = np.linspace(0, len(members), min(count, max(len(members), 1)) + 1).astype(int)
    pairs = zip(edges[:-1].tolist(), edges[1:].tolist(), strict=True)
    # Each job carries its own slice: a worker receives only the members it projects.
    jobs = [
        (i, {"rows": (a, b), "members": members.iloc[a:b]})
        for i, (a, b) in enumerate(pairs)
        if b > a
    ]
    shared = {"basis": basis, "year": year, "years": years, "where": where}
    parts = []
    with closing(run_jobs(_project_slice, shared, ".", jobs, scheduler, workers)) as outcomes:
        for index, rows, error in outcomes:
            if error is not None:
                start, stop = jobs[index][1]["rows"]
                raise DataError(E_PART.format(start=start, stop=stop, error=error))
            parts.append(rows)
    return _summed(parts)


def _project_slice(shared: dict[str, Any], _folder: str, job: dict[str, Any]) -> pd.DataFrame:
    """One job: its slice of the membership, projected (serially, SLICE at a time)."""
    return project_members(
        job["members"], shared["basis"], shared["year"], shared["years"], where=shared["where"]
    )


def _summed(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The parts' rows summed by key, in ``project``'s order (blank deferment first)."""
    rows = pd.concat(parts, ignore_index=True)
    rows["deferred_until"] = rows["deferred_until"].fillna(0.0)
    total = rows.groupby(KEY, sort=True, as_index=False)["amount"].sum()
    total["deferred_until"] = total["deferred_until"].replace(0.0, np.nan)
    return total[["time", "status", "tranche", "amount", "deferred_until"]]
