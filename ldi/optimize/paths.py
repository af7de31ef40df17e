"""Re-solving a problem on a projection's paths: each path's exposure tables, and the rule.

Every instrument has aged on the path (its flows of the past years paid, the rest valued on
the path's curves) and the liabilities with it (``ldi.scenarios.carry``). A path's
``ModelData`` has the same instruments, in the same order, as the problem's, so one
compiled optimization serves every path (``Model.update(data=...)``):

- per unit of today's position: its value, key-rate PV01s and IE01s, CS01 (credit bonds:
  their PV01, the spread moving their discount rate), curvature and expected return over
  the next year (``Ledger.standing``); positions without flows (growth assets, cash) keep
  today's exposures per unit, which come from their stated durations alone;
- the factor loadings from those (rates −PV01, inflation IE01, credit −CS01, growth β x
  value, bonds against swaps −PV01 x today's move per bp), specific risk per unit of value
  as today;
- the flows still to come, uprated by the path's realised inflation;
- collateral by full revaluation of the aged positions under each tested move from the
  path's markets (``Ledger.revalue``), with the haircuts of their residual maturities
  there (``table``: ``collateral_table`` aged by the year) and today's eligibility;
- the liabilities' numbers likewise, times ``liability_size``; the holdings given.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from ldi.errors import SpecError
from ldi.lazy import lazy_module
from ldi.liquidity.collateral import CollateralModel, CollateralPolicy, collateral_table
from ldi.optimize.data import Flows, ModelData, bond_swap_moves, factor_loadings
from ldi.optimize.model import Model
from ldi.optimize.solvers import Answer, Status, default_order, run
from ldi.optimize.terms.scenario_risk import ScenarioLoss
from ldi.optimize.verify import Verdict, unsolved, verified
from ldi.risk.sensitivities import inflation_key_rate_column, key_rate_column
from ldi.scenarios.carry import Ledger, Standing, YearEnd
from ldi.scenarios.projection import Policy, Rebalance
from ldi.scenarios.scenario import Move, MoveSet
from ldi.typing import FloatArray

sparse = lazy_module("scipy.sparse")  # imported at the first matrix built

UNSOLVED = unsolved("the solver called its answer inaccurate")
E_SCENARIO_TERMS = (
    "rebalance: resolve cannot re-solve terms {names} on paths (each path would need its own "
    "simulated scenarios); expected a problem without cvar terms, or rebalance: restrike"
)


def path_data(
    base: ModelData,
    ledger: Ledger,
    end: YearEnd,
    standing: Standing,
    path: int,
    holdings: FloatArray,
    liability_size: float = 1.0,
    table: pd.DataFrame | None = None,
) -> ModelData:
    """The exposure tables of path ``path`` at ``end`` (see the module docstring).

    ``base`` is the problem's own data (today), ``holdings`` the units held, in its order;
    ``table`` the collateral terms at the year-end (default: today's).
    """
    n = len(base.ids)
    flowing = ledger.rows_with_flows[:n]
    value = standing.value[path]
    key_pv01 = standing.key_pv01[path]
    key_ie01 = standing.key_ie01[path]
    pv01_columns = [key_rate_column(k) for k in base.keys]
    ie01_columns = [inflation_key_rate_column(k) for k in base.keys]
    today = base.assets
    assets = today.copy()
    assets.loc[flowing, "pv"] = value[:n][flowing]
    assets.loc[flowing, pv01_columns] = key_pv01[:n][flowing]
    assets.loc[flowing, ie01_columns] = key_ie01[:n][flowing]
    assets.loc[flowing, "pv01"] = key_pv01[:n][flowing].sum(axis=1)
    assets.loc[flowing, "ie01"] = key_ie01[:n][flowing].sum(axis=1)
    credit = flowing & (today["cs01"].to_numpy() != 0)
    assets.loc[credit, "cs01"] = assets.loc[credit, "pv01"]
    assets.loc[flowing, "curvature"] = standing.curvature[path, :n][flowing]
    assets["expected_return"] = standing.expected[path, :n]

    liabilities = base.liabilities.copy()
    liabilities["pv"] = value[n] * liability_size
    liabilities[pv01_columns] = key_pv01[n] * liability_size
    liabilities[ie01_columns] = key_ie01[n] * liability_size
    liabilities["pv01"] = key_pv01[n].sum() * liability_size
    liabilities["ie01"] = key_ie01[n].sum() * liability_size
    liabilities["curvature"] = standing.curvature[path, n] * liability_size
    liabilities["expected_return"] = standing.expected[path, n] * liability_size

    pv, pv_today = assets["pv"].to_numpy(dtype=float), today["pv"].to_numpy(dtype=float)
    growth = base.loadings["growth"].to_numpy(dtype=float)
    beta = np.divide(growth, pv_today, out=np.zeros(n), where=pv_today != 0)
    loadings, liability_loadings = factor_loadings(
        assets, beta * pv, liabilities, bond_swap_moves(base)
    )
    times, amounts = ledger.flows_at(end, path)
    now = base.flows.times == 0  # cash pays its unit at once, wherever it is held
    cash = base.flows.amounts.toarray()[:, now]
    instrument_flows = np.hstack([cash, amounts[:n] * _physical(base)[:, None]])
    instrument_times = np.concatenate([np.zeros(cash.shape[1]), times])
    return replace(
        base,
        assets=assets,
        liabilities=liabilities,
        holdings=pd.Series(holdings, index=base.ids, name="holding"),
        loadings=loadings,
        liability_loadings=liability_loadings,
        flows=_flows(instrument_times, instrument_flows),
        liability_flows=_flows(times, amounts[n:] * liability_size),
        collateral=_collateral(base.collateral, table, ledger, end, path, n),
        simulation=None,
    )


def _physical(base: ModelData) -> FloatArray:
    """1.0 for physical instruments: only their flows count towards dedicated cash flows."""
    return (base.assets["role"] == "physical").to_numpy(dtype=float)


def _flows(times: FloatArray, amounts: FloatArray) -> Flows:
    return Flows(times, sparse.csr_array(amounts))


def _collateral(
    model: CollateralModel | None,
    table: pd.DataFrame | None,
    ledger: Ledger,
    end: YearEnd,
    path: int,
    n: int,
) -> CollateralModel | None:
    """The collateral model of the aged positions on the path (``table``'s terms)."""
    if model is None:
        return None

    def values(moves: list[Move] | MoveSet) -> FloatArray:
        moves = moves if isinstance(moves, MoveSet) else MoveSet.of(list(moves))
        return ledger.revalue(end, path, moves)[:, :n].T

    return CollateralModel(
        model.table if table is None else table,
        values,
        end.value[path, :n],
        model.within_days,
        model.initial_margin_shock_bp,
        model.cash_variation_margin,
        model.repo_capacity,
        model.stressed,
    )


class PathResolve:
    """The ``resolve`` rule: the problem's own optimization solved again on each path.

    At each year-end every path's data (``path_data``: its aged positions and liabilities on
    its markets, the units held, the cash the year brought in added to the first ``cash``
    instrument) goes into ``model``, compiled once, by ``Model.update(data=...)``, and the
    solver is called again. Positions count as solved when the solver says optimal and
    every hard row holds (``solved_positions``); otherwise the path keeps the ``hedge``
    rule's units for that year and ``fallbacks`` counts it. ``policy`` (the problem's
    collateral policy) gives the haircuts of the instruments' residual maturities each
    year (default: today's terms). Paths whose
    assets have run out hold nothing. Problems with simulated-scenario terms (``cvar``)
    cannot be re-solved on paths: each path would need its own simulation.
    """

    def __init__(
        self,
        model: Model,
        ledger: Ledger,
        x: FloatArray,
        liability_size: float,
        policy: CollateralPolicy | None = None,
    ) -> None:
        scenario = [t.name for t in model.terms if isinstance(t, ScenarioLoss)]
        if scenario:
            raise SpecError(E_SCENARIO_TERMS.format(names=scenario), path="rebalance")
        self.model, self.ledger, self.size = model, ledger, liability_size
        self.base = model.base
        self.fallback = Policy.of(ledger, x, Rebalance.HEDGE, liability_size)
        kinds = self.base.assets["kind"].to_numpy()
        cash = np.flatnonzero(kinds == "cash")
        self.cash = int(cash[0]) if cash.size else None
        self.policy = policy
        self.fallbacks = 0

    def rebalance(self, end: YearEnd, units: FloatArray, held: FloatArray) -> FloatArray:
        """Units from ``end`` on: each path's optimum, else the ``hedge`` rule's."""
        n = units.shape[1]
        standing = self.ledger.standing(end)
        kept, _ = self.fallback.rebalance(end, units, held)
        table = None
        if self.policy is not None:
            instruments = self.ledger.instruments
            table = collateral_table(instruments, self.policy, float(end.year))
        for path in np.flatnonzero(held > 0):
            holdings = units[path].copy()
            if self.cash is not None:  # the year's net cash is held as cash until traded
                worth = holdings @ end.value[path, :n]
                holdings[self.cash] += (held[path] - worth) / end.value[path, self.cash]
            data = path_data(
                self.base, self.ledger, end, standing, path, holdings, self.size, table
            )
            self.model.update(data=data)
            solved = solved_positions(self.model)
            if solved is None:
                self.fallbacks += 1
            else:
                kept[path] = solved
        kept[held <= 0] = 0.0
        return kept


def solved_positions(model: Model) -> FloatArray | None:
    """The model's optimal positions (money units), or None when not solved and checked.

    Solved: the solver reports optimal and every hard row holds to ``verify.TOLERANCE`` of
    its scale (the rows of ``ldi.optimize.verify``: the cheap half of a solve's checks).
    A solver whose answer fails hands the problem to the next one.
    """
    compiled = model.compiled
    options = model.solver

    def check(answer: Answer) -> Verdict:
        if answer.status is not Status.OPTIMAL:
            return UNSOLVED
        return verified(model)

    order = options.order(default_order(compiled.problem))
    status, _, _ = run(compiled.problem, order, options.options, check)
    if status is not Status.OPTIMAL:
        return None
    return np.asarray(compiled.z.value, dtype=float) * model.scales.money
