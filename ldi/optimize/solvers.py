"""Choosing a solver, falling back to the next when one fails, and recording every attempt.

HiGHS solves pure LPs (dedication, bounds, hedge ratios with linear costs) several times
faster than the interior-point cone solvers; Clarabel solves QPs and SOCPs; OSQP (QPs) and
SCS are fall-backs. An infeasible or unbounded verdict is an answer, not a failure; an
inaccurate one sends the problem to the next solver and is kept only if none does better.
"""

import logging
import os
import sys
import time
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from types import MappingProxyType
from typing import Any

import cvxpy as cp

from ldi.errors import SpecError

log = logging.getLogger(__name__)

SOLVERS = ("HIGHS", "CLARABEL", "OSQP", "SCS")
E_SOLVER = "{where}: got {value!r}; expected one of {choices}"
# Options that keep each solver quiet and precise enough for money amounts in scaled units.
QUIET: Mapping[str, Mapping[str, Any]] = MappingProxyType(
    {
        "HIGHS": {"output_flag": False, "log_to_console": False},
        "CLARABEL": {},
        "OSQP": {"eps_abs": 1e-9, "eps_rel": 1e-9, "max_iter": 200_000, "polishing": True},
        "SCS": {"eps_abs": 1e-9, "eps_rel": 1e-9, "max_iters": 200_000},
    }
)


class Status(StrEnum):
    """Outcome of a solve."""

    OPTIMAL = "optimal"
    INACCURATE = "optimal_inaccurate"
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    ERROR = "error"


@dataclass(frozen=True)
class Attempt:
    """One solver call: which solver, its raw status, seconds taken and any error."""

    solver: str
    status: str
    time_s: float
    error: str = ""


@dataclass(frozen=True)
class SolverInfo:
    """The solver that produced the result, its status and time, and every attempt made."""

    name: str
    status: str
    time_s: float
    attempts: tuple[Attempt, ...] = ()
    cvxpy_version: str = field(default=cp.__version__)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {
            "name": self.name,
            "status": self.status,
            "time_s": self.time_s,
            "cvxpy_version": self.cvxpy_version,
            "attempts": [vars(a) for a in self.attempts],
        }


@cache
def installed_solvers() -> frozenset[str]:
    """Solvers cvxpy can call here (asked once: cvxpy imports each solver to check)."""
    return frozenset(cp.installed_solvers())


def check_solver(name: str, where: str) -> str:
    """``name`` upper-cased, or a SpecError listing the solvers."""
    upper = str(name).upper()
    if upper not in SOLVERS:
        raise SpecError(E_SOLVER.format(where=where, value=name, choices=list(SOLVERS)), path=where)
    return upper


def default_order(problem: cp.Problem) -> list[str]:
    """HiGHS first for LPs, Clarabel first otherwise; OSQP only for QPs."""
    if is_linear(problem):
        return ["HIGHS", "CLARABEL", "SCS"]
    if problem.is_qp():
        return ["CLARABEL", "OSQP", "SCS"]
    return ["CLARABEL", "SCS"]


def is_linear(problem: cp.Problem) -> bool:
    """True when the objective and every constraint are piecewise linear (an LP)."""
    pieces = [problem.objective.expr, *(c.expr for c in problem.constraints)]
    return all(piece.is_pwl() for piece in pieces)


def status_of(raw: str | None) -> Status:
    """The cvxpy status as a Status."""
    if raw == cp.OPTIMAL:
        return Status.OPTIMAL
    if raw == cp.OPTIMAL_INACCURATE:
        return Status.INACCURATE
    if raw in (cp.INFEASIBLE, cp.INFEASIBLE_INACCURATE):
        return Status.INFEASIBLE
    if raw in (cp.UNBOUNDED, cp.UNBOUNDED_INACCURATE):
        return Status.UNBOUNDED
    return Status.ERROR


def run(
    problem: cp.Problem,
    order: Sequence[str],
    options: Mapping[str, Mapping[str, Any]] = MappingProxyType({}),
) -> tuple[Status, SolverInfo]:
    """Solve with each solver of ``order`` until one gives a definite answer."""
    attempts: list[Attempt] = []
    closest: Attempt | None = None
    installed = installed_solvers()
    for name in order:
        if name not in installed:
            attempts.append(Attempt(name, "not installed", 0.0))
            continue
        attempt = _attempt(problem, name, options)
        attempts.append(attempt)
        status = status_of(attempt.status)
        if status is not Status.ERROR:
            log.info("%s: %s in %.3fs", name, attempt.status, attempt.time_s)
        else:
            log.warning(
                "%s failed (%s); trying the next solver", name, attempt.error or attempt.status
            )
        if status in (Status.OPTIMAL, Status.INFEASIBLE, Status.UNBOUNDED):
            return status, SolverInfo(name, attempt.status, attempt.time_s, tuple(attempts))
        if status is Status.INACCURATE and closest is None:
            closest = attempt
    if closest is not None:
        # Re-solve with the solver that came closest, so the variables hold its answer.
        again = _attempt(problem, closest.solver, options)
        return status_of(again.status), SolverInfo(
            again.solver, again.status, closest.time_s, tuple(attempts)
        )
    last = attempts[-1] if attempts else Attempt("none", "no solver", 0.0)
    return Status.ERROR, SolverInfo(last.solver, last.status, last.time_s, tuple(attempts))


def _attempt(problem: cp.Problem, name: str, options: Mapping[str, Mapping[str, Any]]) -> Attempt:
    """One call of solver ``name``; cvxpy's warnings are captured as the attempt's error."""
    start = time.perf_counter()
    try:
        with warnings.catch_warnings(record=True) as caught, _silenced(name):
            warnings.simplefilter("always")
            # No warm start: a solve's answer depends on its own data only, whatever was
            # solved before (a path's re-solve equals a fresh build's, on any worker).
            settings = {"warm_start": False, **QUIET[name], **options.get(name, {})}
            problem.solve(solver=name, **settings)
        raw = str(problem.status)
        error = "; ".join(str(w.message) for w in caught)
    except (cp.SolverError, ValueError) as failure:
        # cvxpy raises ValueError when a solver ends without a usable answer (HiGHS's
        # "unknown" status: "Cannot unpack invalid solution"); it is a failed attempt too.
        raw, error = "solver_error", str(failure)
    return Attempt(name, raw, time.perf_counter() - start, error)


def _silenced(name: str) -> AbstractContextManager[None]:
    """Send the process's stdout to /dev/null while HiGHS runs.

    HiGHS prints a banner whenever it starts, whatever its options, and library code must
    not print.
    """
    return _stdout_to_devnull() if name == "HIGHS" else nullcontext()


@contextmanager
def _stdout_to_devnull() -> Iterator[None]:
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
