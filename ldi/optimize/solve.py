"""Solve a model and turn the solver's answer into an ``LDIResult`` (every outcome returns).

An answer is optimal only when it passes its checks (``ldi.optimize.verify``): every hard
row in numpy, and the KKT residuals of the solver's own vectors. One that fails sends the
problem to the next solver; when none passes, the status is inaccurate and the diagnosis
names the failing checks. An infeasible verdict is diagnosed, and when the elastic re-solve
meets every limit the verdict is refuted and the next solvers are tried. An unbounded
problem is solved again with boxed positions to name the ones that run away. A verified
answer is then cleaned up (``_cleaned``): re-solved with its dust trades held and its
positions near a limit on it; its trades become tickets (``ldi.optimize.tickets``).
"""

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from ldi.errors import LDIWarning
from ldi.liquidity.summary import CollateralSummary
from ldi.optimize.clean_up import new_pins
from ldi.optimize.diagnosis import diagnose, runaway
from ldi.optimize.execution import ExecutionError, executed, unexecutable
from ldi.optimize.model import ExecutionOptions, Model
from ldi.optimize.result import (
    CleanUp,
    Diagnosis,
    LDIResult,
    bucket_table,
    evaluate,
    exposure_table,
    headline,
    index_ratios,
    ledgers,
    row_table,
    shadow_prices,
)
from ldi.optimize.solvers import (
    Run,
    SolverInfo,
    Status,
    check_solver,
    default_order,
    run,
)
from ldi.optimize.terms.base import ConstraintTerm, Row
from ldi.optimize.tickets import COLUMNS as TICKET_COLUMNS
from ldi.optimize.tickets import ticket_table
from ldi.optimize.verify import Verdict, verified
from ldi.scenarios.pnl import OutcomeSummary
from ldi.typing import BoolArray, FloatArray

E_INACCURATE = (
    "{name}: no solver's answer passed its checks (the closest was {solver}'s: {message}); "
    "try another solver (--solver / solver.name) or tighter solver options"
)
E_REFUTED = (
    "{solver} said infeasible, but an elastic re-solve meets every limit, and no later "
    "solver's answer passed its checks"
)
NOT_VERIFIED = "Not verified"
SOLVER_FAILURE = "Solver failure"
E_KEPT = "holding the trades below the smallest trade is {status} ({solver}); they are kept"
E_UNEXECUTABLE = (
    "no trades in whole lots, each zero or at least its minimum ticket, meet every limit "
    "({why}); the continuous optimum trades between the executable trades shown: loosen "
    "a limit that binds, or give smaller lots or minimum tickets"
)
E_SOLVER_FAILURE = "no solver gave an answer ({tried}); try another solver (--solver / solver.name)"


def solve(
    model: Model, solver: str | None = None, *, name: str = "", clean_up: bool = True
) -> LDIResult:
    """Solve ``model`` (``solver`` first if given, then the fall-backs) and report.

    With ``clean_up`` (and a smallest trade above 0, ``SolverOptions.min_trade_of``), a
    verified answer's smaller trades are held by re-solves (``_cleaned``).
    """
    options = model.solver
    if solver is not None:
        options = replace(options, name=check_solver(solver, "solver"))
    order = options.order(default_order(model.compiled.problem))
    outcome, diagnosis = _answer(model, order, options.options)
    threshold = options.min_trade_of(model.scaled.capital * model.scales.money)
    optimal = outcome.status is Status.OPTIMAL
    if clean_up and optimal and model.execution is None and threshold > 0:
        read = _read(model)
        first = _Continuous(outcome, read, _answer_of(model, read.x), name)
        return _cleaned(model, first, threshold, order, options.options)
    result = _result(model, outcome, diagnosis, name, order, options.options)
    if clean_up and optimal and model.execution is not None:
        return _executed(model, model.execution, result, threshold, order, options.options)
    return result


def _executed(
    model: Model,
    execution: ExecutionOptions,
    result: LDIResult,
    threshold: float,
    order: Sequence[str],
    options: Mapping[str, Mapping[str, Any]],
) -> LDIResult:
    """``result`` in whole lots and minimum tickets (``ldi.optimize.execution``).

    Each round's continuous re-solve, with the MILP's trades pinned, is checked in full;
    its shadow prices are the continuous optimum's. Without an executable rounding, the
    result is infeasible and its diagnosis names each ticketed trade's nearest lots.
    """
    prices = result.constraints["shadow_price"]

    check = partial(verified, model)  # every answer checked in full

    def pinned(at: FloatArray) -> LDIResult | None:
        model.pin(at)
        try:
            outcome = run(model.compiled.problem, order, options, check)
        finally:
            model.pin(None)
        if outcome.status is not Status.OPTIMAL:
            return None
        return _result(model, outcome, None, result.name, order, options, _read(model, at, prices))

    try:
        best, rounding = executed(model, result, execution, threshold, pinned)
    except ExecutionError as error:
        table = unexecutable(model, result, threshold)
        diagnosis = Diagnosis(table, E_UNEXECUTABLE.format(why=error))
        run_ = Run(Status.INFEASIBLE, result.solver, None)
        return _result(model, run_, diagnosis, result.name, order, options)
    return replace(best, solver=result.solver, rounding=rounding)


@dataclass(frozen=True)
class _Read:
    """An optimal answer as read from the compiled problem, kept past later solves.

    ``x``: positions (money); ``objective``: the objective table; ``rows``: each constraint
    term's numeric rows with their cvxpy constraints; ``prices``: shadow prices by row.
    """

    x: FloatArray
    objective: pd.DataFrame
    rows: list[tuple[ConstraintTerm, Row, list[Any]]]
    prices: pd.Series


def _read(
    model: Model, pinned_at: FloatArray | None = None, prices: pd.Series | None = None
) -> _Read:
    """The model's current answer, its positions pinned at ``pinned_at`` exactly.

    ``pinned_at``: money, NaN where free (``Model.pin``). Shadow prices are ``prices`` by row
    when given, else the constraints' duals now.
    """
    compiled = model.compiled
    money = model.scaled.scales.money
    x = np.asarray(compiled.z.value, dtype=float) * money
    if pinned_at is not None:
        x = np.where(np.isnan(pinned_at), x, pinned_at)
    variables = {key: var.value for key, var in compiled.ops.variables.items()}
    objective, numeric = evaluate(model, x / money, variables)
    built = {row.name: constraints for _, row, constraints in compiled.rows}
    rows = [(term, row, built[row.name]) for term, row in numeric]
    return _Read(x, objective, rows, shadow_prices(rows, money) if prices is None else prices)


@dataclass(frozen=True)
class _Continuous:
    """The verified continuous answer a clean-up starts from, read before it re-solves.

    Its full result is built only when it is the one reported (``_cleaned``).
    """

    outcome: Run
    read: _Read
    answer: pd.DataFrame  # position and trade (money) by instrument
    name: str


def _answer_of(model: Model, x: FloatArray) -> pd.DataFrame:
    """Positions ``x`` (money) and their trades from the holdings, by instrument."""
    positions = pd.Series(x, index=model.scaled.ids)
    return pd.DataFrame({"position": positions, "trade": positions - model.scaled.data.holdings})


def _result(
    model: Model,
    outcome: Run,
    diagnosis: Diagnosis | None,
    name: str,
    order: Sequence[str],
    options: Mapping[str, Mapping[str, Any]],
    read: _Read | None = None,
) -> LDIResult:
    """The result of ``read``, by default the model's current answer (``_read``)."""
    status, info, verdict = outcome
    scaled = model.scaled
    money = scaled.scales.money
    holdings = scaled.data.holdings.rename("holding")
    positions = pd.Series(np.nan, index=scaled.ids, name="position")
    objective, constraints, cash_ledgers = pd.DataFrame(), pd.DataFrame(), {}
    tickets = pd.DataFrame(columns=TICKET_COLUMNS)
    if status is Status.OPTIMAL:
        read = read or _read(model)
        objective = read.objective
        constraints = row_table(read.rows, money, read.prices)
        positions = pd.Series(read.x, index=scaled.ids, name="position")
        cash_ledgers = ledgers(model, read.x / money, constraints)
        data = scaled.data
        tickets = ticket_table(positions - holdings, data.assets, data.terms, data.valuation_date)
    elif status is Status.UNBOUNDED:
        diagnosis = runaway(model, order, options)
    elif status is Status.ERROR:
        diagnosis = _solver_failure(info)
    elif status is Status.INACCURATE and diagnosis is None and verdict is not None:
        diagnosis = Diagnosis(_failed(verdict), verdict.message, NOT_VERIFIED)
    if status is Status.INACCURATE:
        message = diagnosis.message if diagnosis is not None else "no checks"
        warning = E_INACCURATE.format(name=name or "solve", solver=info.name, message=message)
        warnings.warn(warning, LDIWarning, stacklevel=3)
    exposures = exposure_table(scaled, positions)
    bases = scaled.data.liability_bases
    after = headline(exposures, "assets", bases) | index_ratios(scaled.data, positions)
    return LDIResult(
        name=name,
        currency=scaled.data.currency,
        status=status,
        instruments=scaled.data.assets[["kind", "role", "category"]],
        positions=positions,
        holdings=holdings,
        trades=(positions - holdings).rename("trade"),
        objective=objective,
        constraints=constraints,
        exposures=exposures,
        hedge_ratios={k: v for k, v in after.items() if k != "funding_ratio"},
        buckets=bucket_table(scaled, exposures),
        funding_ratio=after["funding_ratio"],
        solver=info,
        scale=money,
        ledgers=cash_ledgers,
        diagnosis=diagnosis,
        before=headline(exposures, "assets_before", bases)
        | index_ratios(scaled.data, scaled.data.holdings),
        collateral=_collateral(model, positions),
        outcomes=_outcomes(model, positions),
        verification=None if verdict is None else verdict.table,
        tickets=tickets,
    )


def _cleaned(
    model: Model,
    first: _Continuous,
    threshold: float,
    order: Sequence[str],
    options: Mapping[str, Mapping[str, Any]],
) -> LDIResult:
    """The ``first`` answer re-solved with its dust held and its near-limit positions on the limits.

    Dust is a trade t_i with 0 < |t_i| < threshold (market value, notional or cash
    borrowed), held at the holding; a position within tolerance of a single-position limit
    is put on it (``ldi.optimize.clean_up``). When holding the dust is not optimal (it
    breaks a limit), the dust is kept, ``CleanUp.kept`` says why, and only the positions
    near their limits are put on them; when that fails too, or nothing needs pinning, the
    continuous answer is reported.
    """
    attempt = _pinned_rounds(model, first, threshold, order, options)
    kept = None
    if attempt.status is not Status.OPTIMAL:
        kept = E_KEPT.format(status=attempt.status.value, solver=attempt.solver)
        limits = _pinned_rounds(model, first, 0.0, order, options)
        if limits.status is Status.OPTIMAL:
            attempt = replace(limits, held=attempt.held, seconds=attempt.seconds + limits.seconds)
    if attempt.status is Status.OPTIMAL and attempt.result is not None:
        cleaned = attempt.result
    else:
        cleaned = _result(model, first.outcome, None, first.name, order, options, first.read)
    record = CleanUp(
        threshold,
        first.answer["trade"][attempt.held],
        float(first.read.objective["contribution"].sum()),
        cleaned.objective_value,
        attempt.solver,
        attempt.seconds,
        kept,
    )
    return replace(cleaned, solver=first.outcome.info, clean_up=record)


@dataclass(frozen=True)
class _Rounds:
    """Re-solves with pins: the last answer's position and trade, status and result.

    ``held``: the dust held so far; ``result``: the last re-solve's (None before the first).
    """

    answer: pd.DataFrame
    status: Status
    held: BoolArray
    result: LDIResult | None = None
    solver: str = ""
    seconds: float = 0.0


def _pinned_rounds(
    model: Model,
    first: _Continuous,
    threshold: float,
    order: Sequence[str],
    options: Mapping[str, Mapping[str, Any]],
) -> _Rounds:
    """Rounds of re-solves from ``first``, each pinning what is new (``Model.pin``) until none is.

    Each round solves the same compiled problem again; the pinned set grows, so this ends.
    The pins are released afterwards.
    """
    at = np.full(model.scaled.n, np.nan)
    rounds = _Rounds(first.answer, Status.OPTIMAL, np.zeros(model.scaled.n, dtype=bool))

    check = partial(verified, model)  # every answer checked in full

    try:
        while rounds.status is Status.OPTIMAL:
            pins, small = new_pins(model, rounds.answer, threshold, at)
            if np.array_equal(np.isnan(pins), np.isnan(at)):
                break
            held, at = rounds.held | small, pins
            model.pin(at)
            outcome = run(model.compiled.problem, order, options, check)
            answer, result = rounds.answer, rounds.result
            if outcome.status is Status.OPTIMAL:
                read = _read(model, at, first.read.prices)
                result = _result(model, outcome, None, first.name, order, options, read)
                answer = _answer_of(model, read.x)
            seconds = rounds.seconds + outcome.info.time_s
            rounds = _Rounds(answer, outcome.status, held, result, outcome.info.name, seconds)
    finally:
        model.pin(None)
    return rounds


def _answer(
    model: Model, order: Sequence[str], options: Mapping[str, Mapping[str, Any]]
) -> tuple[Run, Diagnosis | None]:
    """Every solver's answer checked in full; an infeasible verdict diagnosed, or refuted.

    When the elastic re-solve meets every limit, the solvers after the one that said
    infeasible are tried; without a verified answer from them the status is inaccurate.
    """
    problem = model.compiled.problem

    check = partial(verified, model)  # every answer checked in full

    outcome = run(problem, order, options, check)
    if outcome.status is not Status.INFEASIBLE:
        return outcome, None
    diagnosis = diagnose(model, _elastic_order(order), options)
    if not diagnosis.feasible:
        return outcome, diagnosis
    rest = list(order[order.index(outcome.info.name) + 1 :])
    again = run(problem, rest, options, check)
    attempts = outcome.info.attempts + again.info.attempts
    if again.status is Status.OPTIMAL:
        return Run(again.status, replace(again.info, attempts=attempts), again.verdict), None
    message = E_REFUTED.format(solver=outcome.info.name)
    table = pd.DataFrame() if again.verdict is None else _failed(again.verdict)
    refuted = Diagnosis(table, message, NOT_VERIFIED)
    return Run(Status.INACCURATE, replace(outcome.info, attempts=attempts), again.verdict), refuted


def _solver_failure(info: SolverInfo) -> Diagnosis:
    """Why no solver gave an answer: each attempt's status and error."""
    table = pd.DataFrame(
        {"status": [a.status for a in info.attempts], "error": [a.error for a in info.attempts]},
        index=pd.Index([a.solver for a in info.attempts], name="solver"),
    )
    tried = "; ".join(f"{a.solver}: {a.error or a.status}" for a in info.attempts)
    return Diagnosis(table, E_SOLVER_FAILURE.format(tried=tried or "no solver"), SOLVER_FAILURE)


def _failed(verdict: Verdict) -> pd.DataFrame:
    """The checks an answer failed (the summary line ``rows`` left out), as a diagnosis."""
    failures = verdict.failures
    return failures[failures.index != "rows"][["kind", "value", "bound", "residual"]]


def _collateral(model: Model, positions: pd.Series) -> CollateralSummary | None:
    """Collateral before and after under the model's first buffer term, if it has one."""
    collateral = model.data.collateral
    terms = [t for t in model.constraints if t.collateral_order is not None]
    if collateral is None or not terms:
        return None
    term: Any = min(terms, key=lambda t: t.collateral_order)  # the first of least order
    after = positions.to_numpy(dtype=float)
    return CollateralSummary(
        model=collateral,
        moves=term.moves(model.data.scenarios),
        before=model.data.holdings.to_numpy(dtype=float),
        after=after if np.all(np.isfinite(after)) else None,
        within_days=term.within_days,
        title=term.describe(collateral.within_days),
        units=term.units,
    )


def _outcomes(model: Model, positions: pd.Series) -> OutcomeSummary | None:
    """Simulated outcomes before and after: the model's settings, else its first CVaR term's.

    A scenario file's outcomes are on all its scenarios, whatever the settings' count and seed.
    """
    from ldi.scenarios.external import ScenarioFile  # local: this module's one use of it

    engine, data = model.data.simulation, model.data
    settings = model.outcomes
    if settings is None:
        asked = [s for s in (t.outcome_settings() for t in model.terms) if s is not None]
        if not asked:
            return None
        settings = asked[0]
    if engine is None:
        return None
    pv = float(data.liabilities["pv"])
    after = positions.to_numpy(dtype=float)
    file = engine.model if isinstance(engine.model, ScenarioFile) else None
    return OutcomeSummary(
        engine=engine,
        liability_size=pv / engine.liability_value,
        count=settings.scenarios if file is None else file.count,
        seed=settings.seed,
        confidence=settings.confidence,
        before=data.holdings.to_numpy(dtype=float),
        after=after if np.all(np.isfinite(after)) else None,
        var_limit=None if settings.surplus_var is None else settings.surplus_var * pv,
        scenario_file=None if file is None else file.path.name,
    )


def _elastic_order(order: Sequence[str]) -> list[str]:
    """The elastic problem keeps the model's cones; HiGHS cannot take a QP's SOC rows."""
    return list(dict.fromkeys([*order, "CLARABEL", "SCS"]))
