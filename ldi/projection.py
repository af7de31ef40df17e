"""The funding-ratio projection of a problem's policy: its holdings or any positions.

The model is ``ldi.scenarios.projection``'s; this module supplies a problem's simulation
engine (the decision's risk model and the file's simulation settings: the scenario model or
an external scenario file, and the carry convention) and the liabilities' size, and the
``resolve`` rule, which re-solves the problem's own optimization on every path at every
year-end (``ldi.optimize.paths``). Its paths can be shared out between processes or a Dask
cluster (the ``ldi sweep`` machinery): each worker receives the problem's inputs and projects
whole blocks of the same draws, on one BLAS thread as a serial run does, so the results
are the serial run's to the bit.
"""

from collections.abc import Mapping
from contextlib import closing
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ldi.errors import DataError
from ldi.optimize.data import ModelData, model_data
from ldi.optimize.paths import PathResolve
from ldi.optimize.problem import OptimizationProblem
from ldi.scenarios.projection import FundingProjection, Rebalance, chunk_size, project_funding
from ldi.storage.pickling import pickle_read_only_mappings
from ldi.sweep import check_workers, run_jobs

E_PART = "projection: paths {start} to {stop} failed on a worker: {error}"
E_SCENARIOS = "scenarios: got {value!r}; expected a positive whole number of paths"
JOBS_PER_WORKER = 2  # each job builds the problem again: few jobs, yet some balance
E_SHARED = (
    "scheduler: got {value!r} with rebalance {rule}; expected serial (only resolve shares "
    "its paths out: the other rules project 5,000 paths in seconds)"
)


def funding_projection(
    problem: OptimizationProblem,
    positions: Mapping[str, float] | pd.Series | None = None,
    *,
    years: int = 10,
    scenarios: int = 5_000,
    seed: int = 0,
    rebalance: Rebalance | str = Rebalance.RESTRIKE,
    scheduler: str = "serial",
    workers: int = 2,
) -> FundingProjection:
    """Project the funding ratio of ``positions`` (default: the current holdings).

    ``rebalance``: ``restrike`` keeps the key-rate hedge ratios, ``hedge`` the PV01 hedge
    ratio, ``constant_mix`` every position at its share of the assets, ``resolve``
    re-solves the problem's optimization (see ``ldi.scenarios.projection``). ``scheduler``
    (serial, processes, local or a Dask scheduler's address, as ``ldi.sweep``) shares a
    ``resolve`` projection's paths out between ``workers``.
    """
    whole = isinstance(scenarios, int) and not isinstance(scenarios, bool)
    if not (whole and scenarios > 0):
        raise DataError(E_SCENARIOS.format(value=scenarios))
    x = problem.position_vector(positions)
    if scheduler == "serial":
        return _projected(problem, x, years, scenarios, seed, rebalance, None)
    if rebalance != Rebalance.RESOLVE:
        raise DataError(E_SHARED.format(value=scheduler, rule=rebalance))
    check_workers(workers)
    # The draws' count is the file's when the scenarios come from one. Shares are whole
    # blocks of paths, computed as a serial run computes them: the same numbers to the bit.
    count = _engine(problem)[0].model.annual_moves(scenarios, seed, 1)[0].count
    block = chunk_size(rebalance)
    blocks = -(-count // block)
    cuts = np.linspace(0, blocks, min(JOBS_PER_WORKER * workers, blocks) + 1).round()
    edges = np.minimum(cuts.astype(int) * block, count)
    settings = {"x": x.tolist(), "years": years, "scenarios": scenarios, "seed": seed}
    settings["rebalance"] = str(rebalance)
    jobs = [
        (i, {**settings, "paths": (int(a), int(b))})
        for i, (a, b) in enumerate(zip(edges[:-1], edges[1:], strict=True))
        if b > a
    ]
    parts: dict[int, FundingProjection] = {}
    pickle_read_only_mappings()  # the problem travels whole, its tables read-only views
    outcomes = run_jobs(_project_part, problem, str(Path.cwd()), jobs, scheduler, workers)
    with closing(outcomes):  # a failed share cancels the others at once
        for index, part, error in outcomes:
            if error is not None:
                start, stop = jobs[index][1]["paths"]
                raise DataError(E_PART.format(start=start, stop=stop, error=error))
            parts[index] = part
    return FundingProjection.joined([parts[i] for i in sorted(parts)])


def _project_part(
    problem: OptimizationProblem, _folder: str, job: dict[str, Any]
) -> FundingProjection:
    """A worker's share: the problem's paths ``job["paths"]`` projected.

    The problem arrives as its inputs (``Problem.__getstate__``), its files already read:
    the worker builds its models again and needs no folder.
    """
    x = np.asarray(job["x"], dtype=float)
    return _projected(
        problem,
        x,
        job["years"],
        job["scenarios"],
        job["seed"],
        job["rebalance"],
        tuple(job["paths"]),
    )


def _engine(problem: OptimizationProblem) -> tuple[Any, ModelData]:
    """(the problem's scenario engine, its model data)."""
    decision = problem.decision
    if decision is not None and decision.objective:
        data = problem.model.data
    else:
        data = model_data(problem, risk_model=decision.risk_model if decision else None)
    engine = data.simulation
    assert engine is not None  # model_data always builds one
    return engine, data


def _projected(
    problem: OptimizationProblem,
    x: np.ndarray,
    years: int,
    scenarios: int,
    seed: int,
    rebalance: Rebalance | str,
    paths: tuple[int, int] | None,
) -> FundingProjection:
    engine, data = _engine(problem)
    size = float(data.liabilities["pv"]) / engine.liability_value
    rebalancer = None
    if rebalance == Rebalance.RESOLVE:
        rebalancer = _resolve(problem, engine, data, x, size)
    return project_funding(
        engine,
        x,
        years=years,
        count=scenarios,
        seed=seed,
        rebalance=rebalance,
        liability_size=size,
        name=problem.name,
        currency=data.currency,
        rebalancer=rebalancer,
        paths=paths,
    )


def _resolve(
    problem: OptimizationProblem, engine: Any, data: Any, x: np.ndarray, size: float
) -> Any:
    """The ``resolve`` rule on a model of its own (the problem's stays as it is)."""
    return PathResolve(problem.model_on(data), engine.ledger, x, size, problem.collateral)
