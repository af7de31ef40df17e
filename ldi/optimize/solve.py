"""Solve a model and turn the solver's answer into an ``LDIResult`` (every outcome returns)."""

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ldi.errors import LDIWarning
from ldi.liquidity.summary import CollateralSummary
from ldi.optimize.diagnosis import diagnose
from ldi.optimize.model import Model
from ldi.optimize.result import (
    LDIResult,
    bucket_table,
    evaluate,
    exposure_table,
    headline,
    ledgers,
    row_table,
)
from ldi.optimize.solvers import Status, check_solver, default_order, run
from ldi.optimize.terms.liquidity import CollateralBuffer, LiquidityCoverage
from ldi.optimize.terms.scenario_risk import ScenarioLoss
from ldi.scenarios.pnl import OutcomeSettings, OutcomeSummary

E_INACCURATE = (
    "{solver} reports an inaccurate optimum: check the constraint table's slacks, or try "
    "another solver (--solver / solver.name) or tighter solver options"
)


def solve(model: Model, solver: str | None = None, *, name: str = "") -> LDIResult:
    """Solve ``model`` (``solver`` first if given, then the fall-backs) and report."""
    compiled = model.compiled
    options = model.solver
    if solver is not None:
        options = type(options)(check_solver(solver, "solver"), options.fallback, options.options)
    order = options.order(default_order(compiled.problem))
    status, info = run(compiled.problem, order, options.options)
    scaled = model.scaled
    money = scaled.scales.money
    holdings = scaled.data.holdings.rename("holding")
    if status is Status.INACCURATE:
        warnings.warn(E_INACCURATE.format(solver=info.name), LDIWarning, stacklevel=2)
    positions = pd.Series(np.nan, index=scaled.ids, name="position")
    objective, constraints, cash_ledgers, diagnosis = pd.DataFrame(), pd.DataFrame(), {}, None
    if status in (Status.OPTIMAL, Status.INACCURATE):
        z = np.asarray(compiled.z.value, dtype=float)
        variables = {key: var.value for key, var in compiled.ops.variables.items()}
        objective, rows = evaluate(model, z, variables)
        built = {row.name: constraints for _, row, constraints in compiled.rows}
        constraints = row_table([(t, r, built[r.name]) for t, r in rows], money)
        positions = pd.Series(z * money, index=scaled.ids, name="position")
        cash_ledgers = ledgers(model, z, constraints)
    elif status is Status.INFEASIBLE:
        diagnosis = diagnose(model, _elastic_order(order), options.options)
    exposures = exposure_table(scaled, positions)
    after = headline(exposures, "assets")
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
        hedge_ratios={"rates": after["rates"], "inflation": after["inflation"]},
        buckets=bucket_table(scaled, exposures),
        funding_ratio=after["funding_ratio"],
        solver=info,
        scale=money,
        ledgers=cash_ledgers,
        diagnosis=diagnosis,
        before=headline(exposures, "assets_before"),
        collateral=_collateral(model, positions),
        outcomes=_outcomes(model, positions),
    )


def _collateral(model: Model, positions: pd.Series) -> CollateralSummary | None:
    """Collateral before and after under the model's first buffer term, if it has one."""
    collateral = model.data.collateral
    terms = [t for t in model.constraints if isinstance(t, CollateralBuffer)]
    if collateral is None or not terms:
        return None
    term = min(terms, key=lambda t: isinstance(t, LiquidityCoverage))  # a buffer first
    after = positions.to_numpy(dtype=float)
    return CollateralSummary(
        model=collateral,
        moves=term.moves(model.data.scenarios),
        before=model.data.holdings.to_numpy(dtype=float),
        after=after if np.all(np.isfinite(after)) else None,
        within_days=term.within_days,
        title=term.describe(collateral.within_days),
    )


def _outcomes(model: Model, positions: pd.Series) -> OutcomeSummary | None:
    """Simulated outcomes before and after: the model's settings, else its first CVaR term's.

    A scenario file's outcomes are on all its scenarios, whatever the settings' count and seed.
    """
    from ldi.scenarios.external import ScenarioFile  # local: this module's one use of it

    engine, data = model.data.simulation, model.data
    settings = model.outcomes
    if settings is None:
        terms = [t for t in model.terms if isinstance(t, ScenarioLoss)]
        if not terms:
            return None
        settings = OutcomeSettings(terms[0].scenarios, terms[0].seed, terms[0].confidence)
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
