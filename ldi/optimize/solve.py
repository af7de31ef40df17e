"""Solve a model and turn the solver's answer into an ``LDIResult`` (every outcome returns).

An answer is optimal only when it passes its checks (``ldi.optimize.verify``): every hard
row in numpy, and the KKT residuals of the solver's own vectors. One that fails sends the
problem to the next solver; when none passes, the status is inaccurate and the diagnosis
names the failing checks. An infeasible verdict is diagnosed, and when the elastic re-solve
meets every limit the verdict is refuted and the next solvers are tried. An unbounded
problem is solved again with boxed positions to name the ones that run away.
"""

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from ldi.errors import LDIWarning
from ldi.liquidity.summary import CollateralSummary
from ldi.optimize.diagnosis import diagnose, runaway
from ldi.optimize.model import Model
from ldi.optimize.result import (
    Diagnosis,
    LDIResult,
    bucket_table,
    evaluate,
    exposure_table,
    headline,
    index_ratios,
    ledgers,
    row_table,
)
from ldi.optimize.solvers import (
    Answer,
    Run,
    SolverInfo,
    Status,
    check_solver,
    default_order,
    run,
)
from ldi.optimize.verify import Verdict, verified
from ldi.scenarios.pnl import OutcomeSummary

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
E_SOLVER_FAILURE = "no solver gave an answer ({tried}); try another solver (--solver / solver.name)"


def solve(model: Model, solver: str | None = None, *, name: str = "") -> LDIResult:
    """Solve ``model`` (``solver`` first if given, then the fall-backs) and report."""
    compiled = model.compiled
    options = model.solver
    if solver is not None:
        options = replace(options, name=check_solver(solver, "solver"))
    order = options.order(default_order(compiled.problem))
    (status, info, verdict), diagnosis = _answer(model, order, options.options)
    scaled = model.scaled
    money = scaled.scales.money
    holdings = scaled.data.holdings.rename("holding")
    positions = pd.Series(np.nan, index=scaled.ids, name="position")
    objective, constraints, cash_ledgers = pd.DataFrame(), pd.DataFrame(), {}
    if status is Status.OPTIMAL:
        z = np.asarray(compiled.z.value, dtype=float)
        for term in model.constraints:  # held positions are the holdings, not within tolerance
            index = term.held(scaled)
            z[index] = scaled.holdings[index]
        variables = {key: var.value for key, var in compiled.ops.variables.items()}
        objective, rows = evaluate(model, z, variables)
        built = {row.name: constraints for _, row, constraints in compiled.rows}
        constraints = row_table([(t, r, built[r.name]) for t, r in rows], money)
        positions = pd.Series(z * money, index=scaled.ids, name="position")
        cash_ledgers = ledgers(model, z, constraints)
    elif status is Status.UNBOUNDED:
        diagnosis = runaway(model, order, options.options)
    elif status is Status.ERROR:
        diagnosis = _solver_failure(info)
    elif status is Status.INACCURATE and diagnosis is None and verdict is not None:
        diagnosis = Diagnosis(_failed(verdict), verdict.message, NOT_VERIFIED)
    if status is Status.INACCURATE:
        message = diagnosis.message if diagnosis is not None else "no checks"
        warning = E_INACCURATE.format(name=name or "solve", solver=info.name, message=message)
        warnings.warn(warning, LDIWarning, stacklevel=2)
    exposures = exposure_table(scaled, positions)
    bases = scaled.data.liability_bases
    after = headline(exposures, "assets", bases) | index_ratios(scaled.data, positions)
    return LDIResult(
        name=name,
        currency=scaled.data.currency,
        status=status,
        instruments=scaled.data.assets[["kind", "role"]],
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
    )


def _answer(
    model: Model, order: Sequence[str], options: Mapping[str, Mapping[str, Any]]
) -> tuple[Run, Diagnosis | None]:
    """Every solver's answer checked in full; an infeasible verdict diagnosed, or refuted.

    When the elastic re-solve meets every limit, the solvers after the one that said
    infeasible are tried; without a verified answer from them the status is inaccurate.
    """
    problem = model.compiled.problem

    def check(answer: Answer) -> Verdict:
        return verified(model, answer)

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
