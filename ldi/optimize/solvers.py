"""Choosing a solver, falling back to the next when one fails, and recording every attempt.

HiGHS solves pure LPs (dedication, bounds, hedge ratios with linear costs) several times
faster than the interior-point cone solvers; Clarabel solves QPs and SOCPs; OSQP (QPs) and
SCS are fall-backs. An infeasible or unbounded verdict is an answer, not a failure. An
answer with positions is checked (``check``, e.g. ``ldi.optimize.verify``) before it is
called optimal: one that fails, or that its solver calls inaccurate without a check, sends
the problem to the next solver and is kept only if none does better.

Each call keeps the solver's own output and the data cvxpy gave it (``Answer``), so a check
can recompute the solver's residuals. Solver options are checked when they are given
(``check_options``): each one is tried on a one-variable problem, so a name or a type the
solver refuses is a SpecError naming its key, not a failure in the middle of a solve.
"""

from __future__ import annotations

import logging
import os
import sys
import time
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cache
from importlib.metadata import version
from types import MappingProxyType
from typing import Any, NamedTuple, Protocol

from ldi.errors import SpecError
from ldi.lazy import lazy_module

cp = lazy_module("cvxpy")  # imported at the first solve

log = logging.getLogger(__name__)

SOLVERS = ("HIGHS", "CLARABEL", "OSQP", "SCS")
# Options ldi sets on every call: solvers stay quiet (library code never prints) and start
# cold (an answer depends on its own data only).
RESERVED = ("verbose", "warm_start")
E_SOLVER = "{where}: got {value!r}; expected one of {choices}"
E_OPTION = "{path}: got {value!r}; {solver} refuses it ({reason})"
E_RESERVED = "{path}: ldi sets it on every call (solvers stay quiet and start cold); remove it"
E_UNVERIFIED = "not verified: {message}"
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
    """Outcome of a solve: ``inaccurate`` when no answer passed its checks."""

    OPTIMAL = "optimal"
    INACCURATE = "inaccurate"
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    ERROR = "error"


# Tolerances about a hundred times tighter than each solver's own (QUIET's for OSQP and
# SCS): an answer that fails its checks is sought once more with them before the next
# solver is tried, as a misconverged answer usually passes when its solver goes further.
TIGHTER: Mapping[str, Mapping[str, Any]] = MappingProxyType(
    {
        "HIGHS": {"primal_feasibility_tolerance": 1e-9, "dual_feasibility_tolerance": 1e-9},
        "CLARABEL": {"tol_gap_abs": 1e-10, "tol_gap_rel": 1e-10, "tol_feas": 1e-10},
        "OSQP": {"eps_abs": 1e-11, "eps_rel": 1e-11},
        "SCS": {"eps_abs": 1e-11, "eps_rel": 1e-11},
    }
)
E_RETRY = "{solver} again with tighter tolerances"


SOLVED = (Status.OPTIMAL, Status.INACCURATE)  # the statuses that come with positions


@dataclass(frozen=True)
class Attempt:
    """One solver call: which solver, its raw status, seconds taken and any error."""

    solver: str
    status: str
    time_s: float
    error: str = ""


@dataclass(frozen=True, eq=False)
class Answer:
    """One solver call's own output, with the problem data it was given.

    ``raw`` is the solver's result object, ``data`` cvxpy's problem data for that solver,
    ``offset`` the objective's constant (the solver minimizes the rest).
    """

    solver: str
    status: Status
    data: Mapping[str, Any]
    raw: Any
    offset: float


class Verdict(Protocol):
    """What a check says of an answer: passed or not, why, and the worst relative residual."""

    @property
    def passed(self) -> bool:
        """True when every check passed."""
        ...

    @property
    def message(self) -> str:
        """The checks that failed, in one sentence."""
        ...

    @property
    def worst(self) -> float:
        """The largest residual as a multiple of its tolerance."""
        ...


Check = Callable[[Answer], Verdict]


@dataclass(frozen=True)
class SolverInfo:
    """The solver that produced the result, its status and time, and every attempt made."""

    name: str
    status: str
    time_s: float
    attempts: tuple[Attempt, ...] = ()
    cvxpy_version: str = field(default_factory=lambda: version("cvxpy"))

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


def check_options(options: Mapping[str, Mapping[str, Any]], where: str = "solver.options") -> None:
    """Raise a SpecError naming the first option its solver refuses (name, type or value).

    Each option is tried alone on a one-variable problem (once per solver, name and value);
    solvers that are not installed, or not among SOLVERS, are left to the solve to report.
    """
    for solver, settings in options.items():
        for key, value in settings.items():
            path = f"{where}.{solver}.{key}"
            if key in RESERVED:
                raise SpecError(E_RESERVED.format(path=path), path=path)
            if solver not in SOLVERS or solver not in installed_solvers():
                continue
            reason = _refusal(solver, key, repr(value), value)
            if reason:
                message = E_OPTION.format(path=path, value=value, solver=solver, reason=reason)
                raise SpecError(message, path=path)


_REFUSALS: dict[tuple[str, str, str], str] = {}


def _refusal(solver: str, key: str, text: str, value: Any) -> str:
    """The first line of the error ``solver`` raises when given ``key=value`` ("" if none).

    Only an error raised on the way in counts: an option that merely stops the solver early
    (an iteration or time limit) gives a status, not an error.
    """
    known = _REFUSALS.get((solver, key, text))
    if known is None:
        x = cp.Variable()
        trial = cp.Problem(cp.Minimize(x), [x >= 0])
        try:
            with warnings.catch_warnings(), silenced(solver):
                warnings.simplefilter("ignore")
                _solved(trial, solver, {**QUIET[solver], key: value})
            known = ""
        except (cp.SolverError, ArithmeticError, ValueError, TypeError, AttributeError) as error:
            lines = str(error).strip().splitlines() or [type(error).__name__]
            known = lines[0][:160]
        _REFUSALS[(solver, key, text)] = known
    return known


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


class Run(NamedTuple):
    """The outcome of ``run``: status, the solver's report, and the check of the answer kept."""

    status: Status
    info: SolverInfo
    verdict: Verdict | None = None


def run(
    problem: cp.Problem,
    order: Sequence[str],
    options: Mapping[str, Mapping[str, Any]] = MappingProxyType({}),
    check: Check | None = None,
) -> Run:
    """Solve with each solver of ``order`` until one gives a definite answer.

    With ``check``, an answer with positions (optimal or inaccurate by its solver's word) is
    optimal when its check passes; one that fails is recorded (the attempt's error says why),
    sought once more from the same solver with ``TIGHTER`` tolerances, and then the next
    solver is tried. When no answer passes, the status is inaccurate with the
    verdict of the answer that came closest (the smallest worst residual). Without a check
    the solver's word is taken, and an inaccurate answer is kept only when no later solver
    does better.
    """
    attempts: list[Attempt] = []
    closest: tuple[Attempt, Verdict | None] | None = None
    installed = installed_solvers()
    for name in order:
        if name not in installed:
            attempts.append(Attempt(name, "not installed", 0.0))
            continue
        attempt, status, verdict = _checked(problem, name, options, check)
        if verdict is not None and not verdict.passed:
            attempts.append(attempt)
            tighter = {**options, name: {**options.get(name, {}), **TIGHTER[name]}}
            attempt, status, verdict = _checked(problem, name, tighter, check)
            attempt = replace(attempt, error=_joined(E_RETRY.format(solver=name), attempt.error))
        attempts.append(attempt)
        if status is Status.ERROR or (verdict is not None and not verdict.passed):
            log.warning(
                "%s failed (%s); trying the next solver", name, attempt.error or attempt.status
            )
        else:
            log.info("%s: %s in %.3fs", name, attempt.status, attempt.time_s)
        if status in (Status.OPTIMAL, Status.INFEASIBLE, Status.UNBOUNDED):
            info = SolverInfo(name, attempt.status, attempt.time_s, tuple(attempts))
            return Run(status, info, verdict)
        if status is Status.INACCURATE and _closer(verdict, closest):
            closest = (attempt, verdict)
    if closest is not None:
        attempt, verdict = closest
        if verdict is not None:
            info = SolverInfo(attempt.solver, attempt.status, attempt.time_s, tuple(attempts))
            return Run(Status.INACCURATE, info, verdict)
        # Re-solve with the solver that came closest, so the variables hold its answer.
        again, answer = _attempt(problem, attempt.solver, options)
        info = SolverInfo(again.solver, again.status, attempt.time_s, tuple(attempts))
        return Run(Status.ERROR if answer is None else answer.status, info)
    last = attempts[-1] if attempts else Attempt("none", "no solver", 0.0)
    return Run(Status.ERROR, SolverInfo(last.solver, last.status, last.time_s, tuple(attempts)))


def _checked(
    problem: cp.Problem,
    name: str,
    options: Mapping[str, Mapping[str, Any]],
    check: Check | None,
) -> tuple[Attempt, Status, Verdict | None]:
    """One attempt of solver ``name``, its status, and its answer's verdict under ``check``.

    An answer with positions is optimal when its check passes and inaccurate when it fails
    (the attempt's error then says why); without a check the solver's word is taken.
    """
    attempt, answer = _attempt(problem, name, options)
    status = Status.ERROR if answer is None else answer.status
    if answer is None or check is None or status not in SOLVED:
        return attempt, status, None
    verdict = check(answer)
    if verdict.passed:
        return attempt, Status.OPTIMAL, verdict
    error = E_UNVERIFIED.format(message=verdict.message)
    return replace(attempt, error=_joined(attempt.error, error)), Status.INACCURATE, verdict


def _joined(*parts: str) -> str:
    return "; ".join(filter(None, parts))


def _closer(verdict: Verdict | None, closest: tuple[Attempt, Verdict | None] | None) -> bool:
    """True when ``verdict`` is the first inaccurate answer, or nearer passing than the kept."""
    if closest is None:
        return True
    kept = closest[1]
    return verdict is not None and kept is not None and verdict.worst < kept.worst


def _attempt(
    problem: cp.Problem, name: str, options: Mapping[str, Mapping[str, Any]]
) -> tuple[Attempt, Answer | None]:
    """One call of solver ``name``; cvxpy's warnings are captured as the attempt's error.

    The answer is None when the call failed (the attempt's status is then solver_error).
    """
    start = time.perf_counter()
    answer = None
    try:
        with warnings.catch_warnings(record=True) as caught, silenced(name):
            warnings.simplefilter("always")
            answer = call(problem, name, {**QUIET[name], **options.get(name, {})})
        raw = str(problem.status)
        error = "; ".join(str(w.message) for w in caught)
    except (cp.SolverError, ArithmeticError, ValueError, TypeError) as failure:
        # cvxpy raises ValueError when a solver ends without a usable answer (HiGHS's
        # "unknown" status: "Cannot unpack invalid solution"), and a solver raises TypeError
        # or ValueError (OverflowError for an out-of-range integer) on an option it refuses:
        # each is a failed attempt too.
        raw, error = "solver_error", str(failure)
    return Attempt(name, raw, time.perf_counter() - start, error), answer


def call(problem: cp.Problem, name: str, settings: Mapping[str, Any]) -> Answer:
    """Solve ``problem`` with solver ``name`` as ``problem.solve`` does, keeping its output.

    No warm start: a solve's answer depends on its own data only, whatever was solved
    before (a path's re-solve equals a fresh build's, on any worker).
    """
    data, raw, chain, inverse = _solved(problem, name, settings)
    problem.unpack_results(raw, chain, inverse)
    status = status_of(problem.status)
    return Answer(name, status, data, raw, float(inverse[-1][cp.settings.OFFSET]))


def _solved(problem: cp.Problem, name: str, settings: Mapping[str, Any]) -> tuple[Any, ...]:
    """The data cvxpy gives solver ``name``, the solver's raw result, the chain, its inverse."""
    data, chain, inverse = problem.get_problem_data(name, solver_opts=dict(settings))
    raw = chain.solve_via_data(problem, data, False, False, dict(settings))
    return data, raw, chain, inverse


def silenced(name: str) -> AbstractContextManager[None]:
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
