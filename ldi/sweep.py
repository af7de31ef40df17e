"""Sweeps: many variants of one problem solved serially, on local processes, or on Dask.

A variant is a set of edits to the problem file, each an address and a value. A term's
option is addressed by the term's name, as reports and ``resolve`` give it, and the option:
``hedge_ratio[rates].min``, ``issuer_limit.max_fraction``, ``tracking_error.weight`` (split
at the last dot: a name may hold dots, commas and brackets). Any other key is its dotted
path in the file, list positions as numbers: ``liabilities.spread``, ``holdings.CASH``.
The problem is loaded once to find the terms' places in the file; a term by its place
(``constraints.1.hedge_ratio.min``) is refused with its name. Every variant is then the
file's mapping with the edits made, loaded and solved on its own, so the results do not
depend on where or in what order they run: serially, on a local process pool, or on a
Dask cluster (an existing one by address, or a LocalCluster started for the sweep). A
variant that fails is reported with its error and the others are kept, also when the
process solving it dies. Stopping (closing the results, or Ctrl-C) cancels the work not
done and ends the workers at once. Progress goes to standard error on a terminal.
"""

import copy
import itertools
import math
import multiprocessing
import os
import re
import signal
import threading
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ldi.errors import DataError, LDIError
from ldi.io.reading import read_yaml
from ldi.progress import progress_bar
from ldi.storage.json_safe import json_safe

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

    from distributed import LocalCluster

    from ldi.optimize.problem import OptimizationProblem
    from ldi.optimize.result import LDIResult

MAX_VARIANTS = 10_000  # one --vary's COUNT, and every --vary's product: hours of solves
MAX_WORKERS = 256  # local worker processes
E_VARY = "--vary: got {value!r}; expected PATH=START:STOP:COUNT or PATH=V1,V2,... such as {example}"
E_COUNT = "--vary {spec}: got COUNT {count}; expected a whole number from 2 to {most:,}"
E_NOT_FINITE = "--vary {spec}: got {value}; expected finite numbers"
E_VARIANTS = "--vary: {count:,} variants; expected at most {most:,} (the product of the counts)"
E_NO_VARIANTS = "variants: got none; expected at least one"
E_TWICE = (
    "--vary {path}: given twice; expected each path once (several paths give every combination)"
)
E_WORKERS = "workers: got {value!r}; expected a whole number from 1 to {most}"
E_DIED = "worker died: {cause}"
E_NOT_RUN = "not run: the process pool broke before it started ({cause})"
PROCESS_DIED = (
    "its process ended while running it (a crash, or the system ended it, e.g. for memory)"
)
E_PATH = (
    "{path}: no such key in the problem file; expected a key of the file such as "
    "liabilities.spread, or a term's option such as hedge_ratio[rates].min"
)
E_UNKNOWN_KEY = "--vary {path}: {detail}"
E_BY_NAME = "--vary {path}: terms are addressed by name; expected {address}"
E_NO_TERM = (
    "--vary {path}: no term named {name!r} and no key {key!r} in the file; expected {names}, "
    "or a key of the file such as liabilities.spread"
)
E_NO_OPTION = "--vary {path}: the term {name!r} has no option {option!r}; expected one of {options}"
E_TERM_ALONE = (
    "--vary {path}: a term, not one of its options; expected {path}.OPTION with OPTION one of "
    "{options}"
)
NAMES = "NAME.OPTION with NAME one of {names}"
TERM_LISTS = ("constraints", "objective")  # the file's keys that hold terms, addressed by name
PLACE = re.compile(r"(?P<list>[\w.]+)\[(?P<index>\d+)\]\.(?P<kind>\w+)")  # constraints[1].budget
E_SCHEDULER = (
    "scheduler: got {value!r}; expected serial, processes, local (a Dask LocalCluster) or a "
    "Dask scheduler address such as tcp://host:8786"
)
EXAMPLE = "hedge_ratio[rates].min=0.9:1.0:11"
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
#   unresponsive" warning, and took two thirds of an idle cluster's CPU (0.11 of a core);
# - one queued task at a time on each one-thread worker, not two (saturation 1.1 rounds
#   up): Dask counts a worker's death against every task it holds, so fewer variants die
#   beside one that ends its worker (and need running again alone, see _dask);
# - a task whose worker dies is tried once more, not three times: on one machine a crash
#   or an out-of-memory kill comes back, and each try costs a worker's restart.
# (Dotted keys: each setting replaces one entry, the rest of Dask's worker environment stays.)
SPAWN_ENVIRON = "distributed.nanny.pre-spawn-environ"
LOCAL_CLUSTER_CONFIG: Mapping[str, Any] = {
    f"{SPAWN_ENVIRON}.MALLOC_TRIM_THRESHOLD_": None,  # None: unset
    **{f"{SPAWN_ENVIRON}.{name}_NUM_THREADS": 1 for name in ("OMP", "OPENBLAS", "MKL")},
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.scheduler.worker-saturation": 1.0,
    "distributed.scheduler.allowed-failures": 1,
}

Edits = Mapping[str, Any]
Job = tuple[int, dict[str, Any]]
Outcome = tuple[int, Any, str | None]


def parse_vary(specs: Sequence[str]) -> list[dict[str, Any]]:
    """The grid of variants of ``--vary`` specs (their product, in order).

    At most MAX_VARIANTS variants, counted before any is made.
    """
    axes = [_axis(spec) for spec in specs]
    paths = [axis[0][0] for axis in axes]
    for path in paths:
        if paths.count(path) > 1:  # a second set of values would silently replace the first
            raise DataError(E_TWICE.format(path=path))
    count = math.prod(len(axis) for axis in axes)
    if count > MAX_VARIANTS:
        raise DataError(E_VARIANTS.format(count=count, most=MAX_VARIANTS))
    return [dict(combination) for combination in itertools.product(*axes)]


def _number(text: str) -> float:
    """A listed value: a whole number stays whole (``1`` for a count), others are floats."""
    text = text.strip()
    return int(text) if text.lstrip("+-").isdigit() else float(text)


def _axis(spec: str) -> list[tuple[str, float]]:
    """One ``--vary`` spec's (path, value) pairs: finite values, 2 to MAX_VARIANTS of a range."""
    path, sep, values = spec.partition("=")
    if not sep or not path:
        raise DataError(E_VARY.format(value=spec, example=EXAMPLE))
    count = None
    try:
        if ":" in values:
            start, stop, count_text = values.split(":")
            numbers, count = [float(start), float(stop)], int(count_text)
        else:
            numbers = [_number(v) for v in values.split(",")]
    except ValueError:
        raise DataError(E_VARY.format(value=spec, example=EXAMPLE)) from None
    bad = [v for v in numbers if not math.isfinite(v)]
    if bad:
        raise DataError(E_NOT_FINITE.format(spec=spec, value=bad[0]))
    if count is not None:
        if not 2 <= count <= MAX_VARIANTS:
            raise DataError(E_COUNT.format(spec=spec, count=count, most=MAX_VARIANTS))
        numbers = np.linspace(numbers[0], numbers[1], count).tolist()
    return [(path, v) for v in numbers]


def check_workers(workers: object) -> int:
    """``workers`` when it is a whole number from 1 to MAX_WORKERS; a DataError otherwise."""
    if isinstance(workers, bool) or not isinstance(workers, int) or not 0 < workers <= MAX_WORKERS:
        raise DataError(E_WORKERS.format(value=workers, most=MAX_WORKERS))
    return workers


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


@dataclass(frozen=True)
class _Entry:
    """Where a term is in the problem file: its list and position, its key, its options."""

    at: tuple[str | int, ...]  # ("constraints", 1) or ("objective", "minimize", 0)
    kind: str
    options: tuple[str, ...]


def edit_paths(
    raw: Mapping[str, Any], folder: str, paths: Iterable[str]
) -> tuple[dict[str, Any], dict[str, str]]:
    """A copy of ``raw`` ready for edits, and the dotted path in it of each ``--vary`` path.

    A path whose first key is a section of a problem file, apart from its terms' lists
    (constraints, objective), stays as it is (``liabilities.spread``). Any other is ``NAME.OPTION``,
    split at the last dot: a term's name and one of its options (or an objective term's
    ``weight``); the problem is loaded from ``raw`` (files read from ``folder``) once, to
    find the terms. A term written as its key alone becomes ``{key: {}}`` in the copy,
    which loads the same. DataError for a term by its list position, or an unknown name
    or option.
    """
    from ldi.io.schema import ProblemSpec

    sections = {field.alias or key for key, field in ProblemSpec.model_fields.items()}
    raw = copy.deepcopy(dict(raw))
    places: dict[str, str] = {}
    terms: dict[str, _Entry] | None = None
    for path in paths:
        first = path.split(".")[0]
        if (first in sections or first in raw) and first not in TERM_LISTS:
            places[path] = path
            continue
        if terms is None:
            terms = _terms(raw, folder)
        places[path] = _place(raw, path, terms)
    return raw, places


def _terms(raw: Mapping[str, Any], folder: str) -> dict[str, _Entry]:
    """Every term of the problem ``raw`` by name, in the file's order."""
    decision = _problem(raw, folder).decision
    if decision is None:
        return {}
    options = {item.term.name: [*item.term.options(), "weight"] for item in decision.objective}
    options.update({term.name: term.options() for term in decision.constraints})
    terms = {}
    for name, place in decision.paths.items():  # e.g. constraints[1].hedge_ratio
        match = PLACE.fullmatch(place)
        if match is None:
            raise ValueError(f"{place}: not a term's place in the file")
        at = (*match["list"].split("."), int(match["index"]))
        terms[name] = _Entry(at, match["kind"], tuple(options[name]))
    return terms


def _place(raw: dict[str, Any], path: str, terms: Mapping[str, _Entry]) -> str:
    """The dotted path in ``raw`` of the term option ``path`` (its entry made a mapping)."""
    name, _, option = path.rpartition(".")
    entry = terms.get(name)
    if entry is not None:
        if option not in entry.options:
            raise DataError(
                E_NO_OPTION.format(path=path, name=name, option=option, options=list(entry.options))
            )
        *lists, index = entry.at
        node: Any = raw
        for key in lists:
            node = node[key]
        if not isinstance(node[index], dict) or node[index][entry.kind] is None:
            node[index] = {entry.kind: {}}  # was the key alone, or the key with no options
        return ".".join(str(key) for key in (*entry.at, entry.kind, option))
    if path in terms:
        raise DataError(E_TERM_ALONE.format(path=path, options=list(terms[path].options)))
    names = NAMES.format(names=list(terms))
    dotted = re.sub(r"\[(\d+)\]", r".\1", path)  # constraints[1].x, as errors print it
    first = dotted.split(".")[0]
    if first in TERM_LISTS:
        raise DataError(E_BY_NAME.format(path=path, address=_by_name(dotted, terms) or names))
    raise DataError(E_NO_TERM.format(path=path, name=name or path, key=first, names=names))


def _by_name(path: str, terms: Mapping[str, _Entry]) -> str | None:
    """``hedge_ratio[rates].min`` for ``constraints.1.hedge_ratio.min`` (a term by its place).

    None when no term of that key is at that place; ``NAME.OPTION`` and the options when
    the option is missing or not the term's.
    """
    parts = path.split(".")
    width = 2 if parts[0] == "objective" else 1  # objective.minimize.<i>, constraints.<i>
    lists, rest = parts[:width], parts[width:]
    if len(rest) < 2 or not rest[0].isdigit():
        return None
    at = (*lists, int(rest[0]))
    for name, entry in terms.items():
        if entry.at == at and entry.kind == rest[1]:
            if len(rest) > 2 and rest[2] in entry.options:
                return f"{name}.{rest[2]}"
            return f"{name}.OPTION with OPTION one of {list(entry.options)}"
    return None


def _problem(raw: Mapping[str, Any], folder: str) -> "OptimizationProblem":
    """The problem of the file mapping ``raw``, its files read from ``folder``."""
    from ldi.io.build import build_problem
    from ldi.io.load import parse_spec

    return build_problem(parse_spec(raw), Path(folder))


def _refuse_unknown_keys(edited: Mapping[str, Any], edits: Edits) -> None:
    """DataError if an edit sets a key the problem-file schema does not have at its place.

    Values are left to each variant (one may fail alone); a key the schema lacks would fail
    every variant, so it is refused before any runs.
    """
    from pydantic import ValidationError

    from ldi.io.schema import ProblemSpec, UnknownKeysError

    try:
        ProblemSpec.model_validate(dict(edited))
    except ValidationError as error:
        for problem in error.errors():
            unknown = problem.get("ctx", {}).get("error")
            if isinstance(unknown, UnknownKeysError):
                section = ".".join(str(part) for part in problem["loc"])
                for key in unknown.keys:
                    place = f"{section}.{key}" if section else key
                    if place in edits:
                        detail = unknown.describe(key)
                        raise DataError(E_UNKNOWN_KEY.format(path=place, detail=detail)) from None


def solve_variant(raw: Mapping[str, Any], base_dir: str, edits: Edits) -> dict[str, Any]:
    """Load and solve one variant; a summary of its result (JSON-safe)."""
    problem = _problem(apply_edits(raw, edits), base_dir)
    result = problem.solve()
    return json_safe(
        {
            "status": result.status.value,
            "error": None if result.ok else failure_reason(result),
            "objective": result.objective_value if result.ok else None,
            "funding_ratio": result.funding_ratio,
            "rates_hedge": result.hedge_ratios["rates"],
            "inflation_hedge": result.hedge_ratios["inflation"],
            "positions": result.positions.to_dict(),
        }
    )


def failure_reason(result: "LDIResult") -> str:
    """Why ``result`` is not a verified optimum: its status, then its diagnosis or solver's word."""
    if result.diagnosis is not None:
        return f"{result.status.value}: {result.diagnosis.message}"
    return f"{result.status.value} ({result.solver.status})"


@dataclass(frozen=True, eq=False)
class SweepResult:
    """Each variant's edits and summary (``results``), and ``failures`` by variant index.

    A variant fails when it raises, its worker dies, or its solve ends other than optimal
    (its summary has an ``error``): then it is in ``failures`` too, with the reason.
    """

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
    LocalCluster of ``workers``); or the address of a running Dask scheduler. A variant
    whose worker dies fails alone (see ``run_jobs``).
    """
    if not variants:
        raise DataError(E_NO_VARIANTS)
    check_workers(workers)
    path = Path(source)
    raw, folder = read_yaml(path), str(path.parent.resolve())
    raw, places = edit_paths(raw, folder, dict.fromkeys(k for edits in variants for k in edits))
    jobs = [(i, {places[k]: v for k, v in edits.items()}) for i, edits in enumerate(variants)]
    checked: set[frozenset[str]] = set()
    for _, edits in jobs:  # a path the file lacks fails every variant: say so at once
        edited = apply_edits(raw, edits)
        if frozenset(edits) not in checked:
            checked.add(frozenset(edits))
            _refuse_unknown_keys(edited, edits)
    results: dict[int, dict[str, Any]] = {}
    failures: dict[int, str] = {}
    outcomes = run_jobs(task, raw, folder, jobs, scheduler, workers)
    with progress_bar(len(jobs), "variants", progress) as bar, closing(outcomes):
        for index, outcome, error in outcomes:
            if error is None:
                results[index] = outcome
                if outcome.get("error"):  # solved, but not to a verified optimum
                    failures[index] = outcome["error"]
            else:
                failures[index] = error
            bar.update(1)
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
    jobs: list[Job],
    scheduler: str,
    workers: int,
) -> Iterator[Outcome]:
    """(index, result, None) or (index, None, error) of ``task(raw, folder, job)`` per job.

    ``scheduler``: serial, processes, local (a Dask LocalCluster) or a scheduler's address;
    results come as they finish. ``raw`` is sent to each worker once. A job whose worker
    dies fails alone (error ``worker died: ...``), the others run on. Closing the iterator,
    or an exception such as KeyboardInterrupt while it waits, cancels the jobs not done and
    ends the workers (a remote Dask cluster's running jobs end on their own).
    """
    if scheduler == "serial":
        for index, edits in jobs:
            yield _guarded(task, raw, folder, index, edits)
    elif scheduler == "processes":
        yield from _on_processes(task, raw, folder, jobs, check_workers(workers))
    elif scheduler == "local" or scheduler.startswith(("tcp://", "tls://", "inproc://")):
        yield from _dask(task, raw, folder, jobs, scheduler, workers)
    else:
        raise DataError(E_SCHEDULER.format(value=scheduler))


def _on_processes(
    task: Callable[..., Any], raw: Any, folder: str, jobs: list[Job], workers: int
) -> Iterator[Outcome]:
    """``run_jobs`` on local process pools, where a worker that dies fails its job alone.

    A dead worker breaks its pool and loses the jobs it held: those not yet started run on a
    new pool; one that was running alone died with its worker and fails; several that were
    running together run again one at a time, to tell which one it was.
    """
    waiting, suspects = list(jobs), []
    while waiting or suspects:
        if suspects:
            batch, width = [suspects.pop(0)], 1
        else:
            batch, width, waiting = waiting, workers, []
        lost = yield from _pool_round(task, raw, folder, batch, width)
        if lost is None:
            continue
        running, not_started = lost
        if len(running) == 1:
            yield running[0][0], None, E_DIED.format(cause=PROCESS_DIED)
        elif running:
            suspects.extend(running)
        else:  # the pool broke with no job running: running them again could loop
            cause = "no job was running when it broke"
            yield from ((i, None, E_NOT_RUN.format(cause=cause)) for i, _ in not_started)
            not_started = []
        waiting = not_started + waiting


def _pool_round(
    task: Callable[..., Any], raw: Any, folder: str, batch: list[Job], workers: int
) -> Generator[Outcome, None, tuple[list[Job], list[Job]] | None]:
    """Run ``batch`` on a new pool of ``workers``, yielding outcomes as they finish.

    Returns None when every job ended, else the jobs lost when a worker died: (those that
    had started, those that had not).
    """
    context = multiprocessing.get_context()
    board = _Board(context, len(batch), min(workers, len(batch)))
    pool = ProcessPoolExecutor(
        board.width, mp_context=context, initializer=_sign_in, initargs=(board,)
    )
    futures: dict[Future[Outcome], int] = {}  # future -> its job's position in the batch
    ended: set[int] = set()
    broken = False
    try:
        try:
            for position, (index, edits) in enumerate(batch):
                future = pool.submit(_marked, task, raw, folder, index, edits, position)
                futures[future] = position
        except BrokenProcessPool:  # a worker died already: the rest are not started
            broken = True
        for future in as_completed(futures):
            error = future.exception()
            if isinstance(error, BrokenProcessPool):
                broken = True
                continue
            position = futures[future]
            ended.add(position)
            if error is None:
                yield future.result()
            else:  # e.g. a result that cannot be sent back: this job's failure alone
                yield batch[position][0], None, f"{type(error).__name__}: {error}"
    finally:
        board.stop(pool, futures)
    if not broken:
        return None
    lost = [p for p in range(len(batch)) if p not in ended]
    started = [batch[p] for p in lost if board.started[p]]
    return started, [batch[p] for p in lost if not board.started[p]]


class _Board:
    """Shared memory a pool's workers write: their process ids, and which jobs they started.

    It tells the parent which job a dead worker held, and which processes to end when the
    work is cancelled.
    """

    def __init__(self, context: "BaseContext", jobs: int, workers: int) -> None:
        self.width = workers
        self.started = context.Array("b", jobs, lock=False)  # 1 once a worker took the job
        self.workers = context.Array("q", workers)  # the workers' process ids (0: none yet)

    def stop(self, pool: ProcessPoolExecutor, futures: Iterable[Future[Outcome]]) -> None:
        """Shut ``pool`` down, ending its workers first while a job is unfinished.

        The workers ignore Ctrl-C (it is left to the parent). Ending them breaks the pool,
        which fails every job not done with BrokenProcessPool; a pool whose jobs all ended
        shuts down as usual. No job is cancelled: on Python 3.11 the pool's manager thread
        raises InvalidStateError for a cancelled job when it finds the pool broken
        (CPython gh-107219). A second Ctrl-C cannot cut this short and leave workers running.
        """
        with _ignoring_interrupts():
            if not all(f.done() for f in futures):
                ids = set(self.workers[:]) - {0}
                for process in multiprocessing.active_children():
                    if process.pid in ids:
                        process.terminate()
            pool.shutdown(wait=True)


_WORKER: dict[str, _Board] = {}  # in a pool's worker process: the board it writes


def _sign_in(board: _Board) -> None:
    """A pool worker's start: it leaves Ctrl-C to the parent and writes its process id."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with board.workers.get_lock():
        slot = board.workers[:].index(0)
        board.workers[slot] = os.getpid()
    _WORKER["board"] = board


def _marked(
    task: Callable[..., Any], raw: Any, folder: str, index: int, edits: Edits, position: int
) -> Outcome:
    """``_guarded`` in a pool's worker, once the job is marked as started on the board."""
    _WORKER["board"].started[position] = 1
    return _guarded(task, raw, folder, index, edits)


def local_cluster(workers: int = 2) -> "LocalCluster":
    """A Dask LocalCluster of ``workers`` one-thread processes, set up for solving.

    The cluster ``scheduler="local"`` starts; started on its own (a context manager), it
    serves several sweeps by its ``scheduler_address``. See LOCAL_CLUSTER_CONFIG for why.
    Its workers ignore Ctrl-C: a terminal sends it to them too, and the parent ends them.
    """
    try:
        import dask
        from distributed import LocalCluster
    except ImportError:
        raise DataError(E_NO_DASK) from None
    # The nannies read the settings as they start; the workers are new processes (spawned),
    # which keep an ignored Ctrl-C (a worker a nanny restarts later does not). A Ctrl-C
    # while the cluster starts (a few seconds) is lost.
    with dask.config.set(LOCAL_CLUSTER_CONFIG), _ignoring_interrupts():
        return LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )


@contextmanager
def _ignoring_interrupts() -> Iterator[None]:
    """Ctrl-C ignored (in the main thread, where Python handles it) until the block ends."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _dask(
    task: Callable[..., Any], raw: Any, folder: str, jobs: list[Job], scheduler: str, workers: int
) -> Iterator[Outcome]:
    """``run_jobs`` on Dask, where a job whose worker dies (KilledWorker) fails alone.

    Dask counts a worker's death against every job the worker held, so when several jobs
    end with KilledWorker, each runs again alone (the next once it is done), to tell the
    one that ends its worker from those that died beside it.
    """
    try:
        from distributed import Client
        from distributed import as_completed as completed
    except ImportError:
        raise DataError(E_NO_DASK) from None
    cluster = local_cluster(check_workers(workers)) if scheduler == "local" else None
    try:
        with Client(cluster if cluster is not None else scheduler) as client:
            # A task, not scattered data: a worker that dies loses only a copy Dask can make
            # again (scattered data would be gone, and a dict is scattered key by key).
            shared = client.submit(_same, raw, pure=False)
            futures: dict[Any, Job] = {}

            def submit(job: Job, priority: int = 0) -> Any:
                index, edits = job
                future = client.submit(
                    _guarded, task, shared, folder, index, edits, pure=False, priority=priority
                )
                futures[future] = job
                return future

            try:
                killed = []
                # Higher priorities first: the jobs start in their order.
                for future in completed([submit(j, len(jobs) - n) for n, j in enumerate(jobs)]):
                    if _killed(future):
                        killed.append(future)
                    else:
                        yield _dask_outcome(future, futures[future][0])
                for future in killed:
                    again = submit(futures[future]) if len(killed) > 1 else future
                    yield _dask_outcome(again, futures[again][0])
            finally:
                pending = [f for f in futures if not f.done()]
                if pending:
                    client.cancel(pending)
    finally:
        if cluster is not None:
            with _ignoring_interrupts():  # a second Ctrl-C cannot leave its workers running
                cluster.close()


def _same(value: Any) -> Any:
    """``value`` itself: the task that holds a problem's data on a Dask cluster."""
    return value


def _killed(future: Any) -> bool:
    """Whether Dask gave up a finished job because the workers running it died."""
    from distributed import KilledWorker

    return future.status == "error" and isinstance(future.exception(), KilledWorker)


def _dask_outcome(future: Any, index: int) -> Outcome:
    """A Dask future's outcome; when Dask lost the job (its worker died), the reason."""
    from distributed import KilledWorker

    try:
        return future.result()
    except KilledWorker as error:
        sentence = str(error).split(". ")[0]  # the rest points to Dask's documentation
        return index, None, E_DIED.format(cause=f"{type(error).__name__}: {sentence}")
    except Exception as error:  # the job is lost (e.g. the scheduler went away), not the rest
        return index, None, f"{type(error).__name__}: {error}"
