"""A loaded problem: its validated spec echoed, plus the domain objects built from it."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ldi.curves.market import Market
from ldi.curves.spread import DEFAULT_KEYS
from ldi.errors import DataError, SpecError
from ldi.instruments import Instrument, InstrumentRisk, instrument_risk
from ldi.io.schema import ProblemSpec
from ldi.liabilities import Liabilities
from ldi.liquidity.collateral import CollateralModel, CollateralPolicy, collateral_table
from ldi.scenarios import Revaluation, Scenario, catalogue, revaluation_of
from ldi.scenarios.setup import SimulationSetup
from ldi.typing import ArrayLike

if TYPE_CHECKING:  # the optimizer imports cvxpy; domain code loads it only to solve
    from ldi.optimize.data import ModelData
    from ldi.optimize.decision import Decision
    from ldi.optimize.model import Model
    from ldi.optimize.result import LDIResult
    from ldi.risk.factors import RiskModel
    from ldi.scenarios.pnl import ScenarioEngine

E_POSITIONS = "positions: unknown instrument ids {ids}; expected ids from {known}"
E_NO_OBJECTIVE = (
    "objective: missing; expected e.g. 'objective: {minimize: [key_rate_mismatch]}' to solve"
)


@dataclass(frozen=True, eq=False)
class Problem:
    """One decision's inputs: the market, the liabilities, the universe and current holdings.

    ``holdings`` are positions by instrument id: market value for physical assets, notional
    for overlays, cash borrowed for repo (see ``ldi.instruments.Role``). ``decision`` holds
    the objective, constraints and solver options of the problem file. ``collateral`` is the
    collateral policy (haircuts, eligibility, initial margin); ``scenarios`` the stress
    scenarios by name (the catalogue's and the file's own); ``simulation`` where simulated
    moves come from (the scenario model's options, or an external scenario file) and how
    positions and liabilities age when markets do not move (``ldi.scenarios.setup``).
    ``folder`` is where the files the spec names are read from (the problem file's), so
    the problem can be built again elsewhere (``ldi.io.load.build_problem``).
    """

    spec: ProblemSpec
    market: Market
    liabilities: Liabilities
    instruments: Mapping[str, Instrument]
    holdings: pd.Series
    decision: "Decision | None" = None
    collateral: CollateralPolicy = field(default_factory=CollateralPolicy)
    scenarios: Mapping[str, Scenario] = field(default_factory=catalogue)
    simulation: SimulationSetup = field(default_factory=SimulationSetup)
    folder: Path | None = None

    @property
    def name(self) -> str:
        """The problem's display name."""
        return self.spec.name

    @property
    def curves(self) -> Mapping[str, object]:
        """Curves by name."""
        return self.market.curves

    def instrument_risk(self, keys: ArrayLike = DEFAULT_KEYS) -> InstrumentRisk:
        """Per-unit exposures and market terms of every instrument."""
        return instrument_risk(list(self.instruments.values()), self.market, keys)

    @cached_property
    def revaluation(self) -> Revaluation:
        """Full revaluation of the instruments under moves, shared by collateral and scenarios.

        Built once, so every instrument is priced once for both.
        """
        return revaluation_of(self.instruments, self.market)

    def position_vector(
        self, positions: Mapping[str, float] | pd.Series | None = None
    ) -> np.ndarray:
        """Positions by id (default: the holdings) as a vector in the instruments' order.

        Instruments not named hold nothing; an id that is not an instrument is an error.
        """
        series = self.holdings if positions is None else pd.Series(positions, dtype=float)
        ids = list(self.instruments)
        unknown = sorted(set(series.index) - set(ids))
        if unknown:
            raise DataError(E_POSITIONS.format(ids=unknown, known=ids))
        return series.reindex(ids, fill_value=0.0).to_numpy(dtype=float)

    def collateral_model(self) -> CollateralModel:
        """Collateral available and needed per unit of each instrument, by full revaluation."""
        instruments = list(self.instruments.values())
        revaluation = self.revaluation
        return CollateralModel(
            collateral_table(instruments, self.collateral),
            revaluation.values,
            revaluation.base,
            self.collateral.within_days,
            self.collateral.initial_margin_shock_bp,
        )

    def scenario_engine(self, risk_model: "RiskModel | None" = None) -> "ScenarioEngine":
        """Simulated P&L of the instruments and the liabilities, aged by the model of time.

        The moves are the scenario file's when ``simulation`` has one, else the scenario
        model's with every option of ``simulation``, ``risk_model`` (default: the
        decision's, else the defaults) and each growth asset's stated volatility. Positions
        age by ``simulation.carry``; hedges are re-struck at the decision's key tenors.
        """
        from ldi.risk.factors import RiskModel
        from ldi.scenarios.pnl import ScenarioEngine
        from ldi.scenarios.simulation import growth_volatilities

        if risk_model is None:
            risk_model = self.decision.risk_model if self.decision else RiskModel()
        instruments = list(self.instruments.values())
        growth = growth_volatilities(
            [i.id for i in instruments],
            [type(i).kind for i in instruments],
            [getattr(i, "volatility", 0.0) for i in instruments],
        )
        model = self.simulation.model(risk_model, growth)
        keys = self.decision.keys if self.decision else DEFAULT_KEYS
        carry = self.simulation.carry
        return ScenarioEngine(self.revaluation, self.liabilities, model, carry, keys)

    @cached_property
    def model(self) -> "Model":
        """The optimization model, built once and reused by ``solve`` and ``resolve``."""
        from ldi.optimize.data import model_data

        decision = self.decision
        if decision is None or not decision.objective:
            raise SpecError(E_NO_OBJECTIVE, path="objective")
        return self.model_on(model_data(self, decision.keys, decision.risk_model, decision.groups))

    def model_on(self, data: "ModelData") -> "Model":
        """A new optimization model of the decision's terms on ``data`` (compiled on use)."""
        from ldi.optimize.model import Model

        decision = self.decision
        if decision is None or not decision.objective:
            raise SpecError(E_NO_OBJECTIVE, path="objective")
        return Model(
            data,
            decision.objective,
            decision.constraints,
            decision.solver,
            decision.paths,
            decision.outcomes,
        )

    def check(self) -> None:
        """Build the optimization model, if the problem has an objective, without solving.

        Terms check the ids, groups and key tenors they name against the data only then,
        so this finds every error ``solve`` would report as invalid input.
        """
        if self.decision is not None and self.decision.objective:
            self.model.compile()

    def solve(self, solver: str | None = None) -> "LDIResult":
        """Optimize positions; the result reports every outcome (see ``LDIResult.status``)."""
        from ldi.optimize.solve import solve

        return solve(self.model, solver, name=self.name)

    def resolve(
        self,
        *,
        holdings: Mapping[str, float] | None = None,
        liability_scale: float | None = None,
        limits: Mapping[str, Mapping[str, Any]] | None = None,
        solver: str | None = None,
    ) -> "LDIResult":
        """Solve again after changing parameters only: no recompilation.

        ``holdings``: positions by id; ``liability_scale``: a factor on the original
        liabilities; ``limits``: ``{term name: {option: value}}``.
        """
        self.model.update(holdings=holdings, liability_scale=liability_scale, limits=limits)
        return self.solve(solver)
