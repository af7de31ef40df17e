"""Sweeps: many variants of one problem solved serially, on local processes, or on Dask.

A variant is a set of edits to the problem file's mapping, each a dotted path (the YAML
keys, list positions as numbers: ``constraints.1.hedge_ratio.min``) and a value. Every
variant is loaded and solved on its own, so the results do not depend on where or in what
order they run: serially, on a local process pool, or on a Dask cluster (an existing one
by address, or a LocalCluster started for the sweep). A variant that fails is reported
with its error and the others are kept. Progress goes to standard error on a terminal.
"""

import copy
import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ldi.errors import DataError, LDIError
from ldi.io.json_safe import json_safe
from ldi.io.load import read_yaml
from ldi.progress import progress_bar

if TYPE_CHECKING:
    from distributed import LocalCluster

E_VARY = "--vary: got {value!r}; expected PATH=START:STOP:COUNT or PATH=V1,V2,... such as {example}"
E_PATH = (
    "{path}: no such key in the problem file; expected a path like constraints.1.hedge_ratio.min"
)
E_SCHEDULER = (
    "scheduler: got {value!r}; expected serial, processes, local (a Dask LocalCluster) or a "
    "Dask scheduler address such as tcp://host:8786"
)
EXAMPLE = "constraints.1.hedge_ratio.min=0.9:1.0:11"
E_NO_DASK = "scheduler: Dask is not installed; install ldi[dask] (dask[distributed])"
# Dask settings for the LocalCluster a sweep starts (measured on 2 cores, 20 CVaR variants):
# - one BLAS/OpenMP thread per worker: two workers of two OpenBLAS threads each make a
#   matrix product 5-40x slower (Dask's default too, made explicit here);
# - no MALLOC_TRIM_THRESHOLD_ (Dask's default sets it): it fixes glibc's mmap threshold at
#   128 KiB, so every large numpy temporary is mapped and unmapped afresh; the page faults
#   took 10x the system time and made the sweep slower on 2 workers than serially (one in
#   this process's environment, where a default Dask cluster leaves it, still gets through);
# - no statistical profiler: sampling cvxpy's deep stacks every 10 ms cost about 14% of
#   each solve, for a profile no one reads (the cluster has no dashboard);
# - event-loop ticks every second, not 20 ms: they only time the loop for Dask's "event loop
#   unresponsive" warning, and took two thirds of an idle cluster's CPU (0.11 of a core).
# (Dotted keys: each setting replaces one entry, the rest of Dask's worker environment stays.)
SPAWN_ENVIRON = "distributed.nanny.pre-spawn-environ"
LOCAL_CLUSTER_CONFIG: Mapping[str, Any] = {
    f"{SPAWN_ENVIRON}.MALLOC_TRIM_THRESHOLD_": None,  # None: unset
    **{f"{SPAWN_ENVIRON}.{name}_NUM_THREADS": 1 for name in ("OMP", "OPENBLAS", "MKL")},
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
}

Edits = Mapping[str, Any]


def parse_vary(specs: Sequence[str]) -> list[dict[str, Any]]:
    """The grid of variants of ``--vary`` specs (their product, in order)."""
    axes = []
    for spec in specs:
        path, sep, values = spec.partition("=")
        if not sep or not path:
            raise DataError(E_VARY.format(value=spec, example=EXAMPLE))
        try:
            if ":" in values:
                start, stop, count = values.split(":")
                grid = np.linspace(float(start), float(stop), int(count)).tolist()
            else:
                grid = [float(v) for v in values.split(",")]
        except ValueError:
            raise DataError(E_VARY.format(value=spec, example=EXAMPLE)) from None
        axes.append([(path, v) for v in grid])
    return [dict(combination) for combination in itertools.product(*axes)]


def apply_edits(raw: Mapping[str, Any], edits: Edits) -> dict[str, Any]:
    """A copy of ``raw`` with each dotted path set to its value."""
    raw = copy.deepcopy(dict(raw))
    for dotted, value in edits.items():
        *parents, last = [int(k) if k.isdigit() else k for k in dotted.split(".")]
        node: Any = raw
        try:
            for key in parents:
                node = node[key]
            if isinstance(node, list):
                node[last]  # noqa: B018 (an index past the end is an error, not an append)
            node[last] = value
        except (KeyError, IndexError, TypeError):
            raise DataError(E_PATH.format(path=dotted)) from None
    return raw


def solve_variant(raw: Mapping[str, Any], base_dir: str, edits: Edits) -> dict[str, Any]:
    """Load and solve one variant; a summary of its result (JSON-safe)."""
    from ldi.io.load import build_problem, parse_spec

    problem = build_problem(parse_spec(apply_edits(raw, edits)), Path(base_dir))
    result = problem.solve()
    return json_safe(
        {
            "status": result.status.value,
            "objective": result.objective_value if result.ok else None,
            "funding_ratio": result.funding_ratio,
            "rates_hedge": result.hedge_ratios["rates"],
            "inflation_hedge": result.hedge_ratios["inflation"],
            "positions": result.positions.to_dict(),
        }
    )


@dataclass(frozen=True, eq=False)
class SweepResult:
    """Each variant's edits and summary (``results``), and ``failures`` by variant index."""

    variants: list[dict[str, Any]]
    results: dict[int, dict[str, Any]]
    failures: dict[int, str]

    def table(self) -> pd.DataFrame:
        """One row per variant: its edits, then status, objective and ratios (failures: error)."""
        rows = []
        for i, edits in enumerate(self.variants):
            row: dict[str, Any] = {"variant": i, **edits}
            if i in self.results:
                summary = self.results[i]
                row.update({k: v for k, v in summary.items() if k != "positions"})
            else:
                row.update({"status": "failed", "error": self.failures[i]})
            rows.append(row)
        return pd.DataFrame(rows).set_index("variant")

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: variants with their summaries, and the failures."""
        return json_safe(
            {
                "variants": [
                    {"edits": edits, "result": self.results.get(i), "error": self.failures.get(i)}
                    for i, edits in enumerate(self.variants)
                ]
            }
        )


def sweep(
    source: str | Path,
    variants: Sequence[Edits],
    scheduler: str = "serial",
    workers: int = 2,
    progress: bool = True,
    task: Callable[..., dict[str, Any]] = solve_variant,
) -> SweepResult:
    """Solve every variant of the problem file ``source`` on ``scheduler``.

    ``scheduler``: ``serial``; ``processes`` (a local pool of ``workers``); ``local`` (a Dask
    LocalCluster of ``workers``); or the address of a running Dask scheduler.
    """
    path = Path(source)
    raw, folder = read_yaml(path), str(path.parent.resolve())
    for edits in variants:  # a path the file lacks fails every variant: say so at once
        apply_edits(raw, edits)
    jobs = [(i, dict(edits)) for i, edits in enumerate(variants)]
    results: dict[int, dict[str, Any]] = {}
    failures: dict[int, str] = {}
    bar = progress_bar(len(jobs), "variants", progress)
    for index, outcome, error in run_jobs(task, raw, folder, jobs, scheduler, workers):
        if error is None:
            results[index] = outcome
        else:
            failures[index] = error
        bar.update(1)
    bar.close()
    return SweepResult([dict(v) for v in variants], results, failures)


def _guarded(task: Callable[..., Any], raw: Any, folder: str, index: int, edits: Edits) -> Any:
    """(index, result, None), or (index, None, error text) when the variant fails."""
    try:
        return index, task(raw, folder, edits), None
    except LDIError as error:
        return index, None, str(error)
    except Exception as error:  # a variant's failure is reported, never lost with the rest
        return index, None, f"{type(error).__name__}: {error}"


def run_jobs(
    task: Callable[..., Any],
    raw: Any,
    folder: str,
    jobs: list[tuple[int, dict[str, Any]]],
    scheduler: str,
    workers: int,
) -> Iterable[tuple[int, Any, str | None]]:
    """(index, result, None) or (index, None, error) of ``task(raw, folder, job)`` per job.

    ``scheduler``: serial, processes, local (a Dask LocalCluster) or a scheduler's address;
    results come as they finish. ``raw`` is sent to each worker once.
    """
    if scheduler == "serial":
        for index, edits in jobs:
            yield _guarded(task, raw, folder, index, edits)
    elif scheduler == "processes":
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(_guarded, task, raw, folder, i, e) for i, e in jobs]
            for future in as_completed(futures):
                yield future.result()
    elif scheduler == "local" or scheduler.startswith(("tcp://", "tls://", "inproc://")):
        yield from _dask(task, raw, folder, jobs, scheduler, workers)
    else:
        raise DataError(E_SCHEDULER.format(value=scheduler))


def local_cluster(workers: int = 2) -> "LocalCluster":
    """A Dask LocalCluster of ``workers`` one-thread processes, set up for solving.

    The cluster ``scheduler="local"`` starts; started on its own (a context manager), it
    serves several sweeps by its ``scheduler_address``. See LOCAL_CLUSTER_CONFIG for why.
    """
    try:
        import dask
        from distributed import LocalCluster
    except ImportError:
        raise DataError(E_NO_DASK) from None
    with dask.config.set(LOCAL_CLUSTER_CONFIG):  # the nannies read it as they start
        return LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )


def _dask(
    task: Callable[..., Any],
    raw: Any,
    folder: str,
    jobs: list[tuple[int, dict[str, Any]]],
    scheduler: str,
    workers: int,
) -> Iterable[tuple[int, Any, str | None]]:
    try:
        from distributed import Client
        from distributed import as_completed as completed
    except ImportError:
        raise DataError(E_NO_DASK) from None
    cluster = local_cluster(workers) if scheduler == "local" else None
    try:
        with Client(cluster if cluster is not None else scheduler) as client:
            shared = client.scatter(raw, broadcast=True)
            futures = [
                client.submit(_guarded, task, shared, folder, i, e, pure=False) for i, e in jobs
            ]
            for future in completed(futures):
                yield future.result()
    finally:
        if cluster is not None:
            cluster.close()
