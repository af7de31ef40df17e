"""A problem with its decision: the inputs and what to optimize, solved on one cached model.

``ldi.io.load.load_problem`` returns one; ``solve`` and ``resolve`` reuse its compiled model.
"""

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ldi.curves.spread import DEFAULT_KEYS
from ldi.errors import SpecError
from ldi.optimize.data import ModelData, model_data
from ldi.optimize.decision import Decision
from ldi.optimize.model import Model
from ldi.optimize.result import LDIResult
from ldi.optimize.solve import solve
from ldi.problem import Problem
from ldi.risk.factors import RiskModel
from ldi.scenarios.pnl import ScenarioEngine
from ldi.typing import ArrayLike
from ldi.validation import ExtrapolationWarning

E_NO_OBJECTIVE = (
    "objective: missing; expected e.g. 'objective: {minimize: [key_rate_mismatch]}' to solve"
)


@dataclass(frozen=True, eq=False, repr=False)
class OptimizationProblem(Problem):
    """A problem's inputs with its ``decision``: objective, constraints, solver options.

    The decision's factor model and key tenors are the defaults of ``scenario_engine``.
    """

    decision: Decision | None = None

    def scenario_engine(
        self, risk_model: RiskModel | None = None, keys: ArrayLike | None = None
    ) -> ScenarioEngine:
        """``Problem.scenario_engine`` with the decision's factor model and key tenors."""
        decision = self.decision
        if risk_model is None and decision is not None:
            risk_model = decision.risk_model
        if keys is None:
            keys = decision.keys if decision is not None else DEFAULT_KEYS
        return super().scenario_engine(risk_model, keys)

    @cached_property
    def model(self) -> Model:
        """The optimization model, built once and reused by ``solve`` and ``resolve``."""
        decision = self._decision()
        return self.model_on(model_data(self, decision.keys, decision.risk_model, decision.groups))

    def model_on(self, data: ModelData) -> Model:
        """A new optimization model of the decision's terms on ``data`` (compiled on use)."""
        decision = self._decision()
        return Model(
            data,
            decision.objective,
            decision.constraints,
            decision.solver,
            decision.paths,
            decision.outcomes,
            decision.execution,
        )

    def check(self) -> None:
        """Check the model's terms against the data, if the problem has an objective.

        Terms check the ids, groups and key tenors they name against the data only when
        built, so this builds them in numbers (``Model.check``, without cvxpy) and finds
        every error ``solve`` would report as invalid input. Flows that run
        past the last tenor of a curve extrapolated flat (``extrapolated``) are warned of
        (``ExtrapolationWarning``).
        """
        for note in self.extrapolated():
            warnings.warn(note, ExtrapolationWarning, stacklevel=2)
        if self.decision is not None and self.decision.objective:
            self.model.check()

    def solve(self, solver: str | None = None) -> LDIResult:
        """Optimize positions; the result reports every outcome (see ``LDIResult.status``)."""
        return solve(self.model, solver, name=self.name)

    def resolve(
        self,
        *,
        holdings: Mapping[str, float] | None = None,
        liability_scale: float | None = None,
        limits: Mapping[str, Mapping[str, Any]] | None = None,
        solver: str | None = None,
    ) -> LDIResult:
        """Solve with changed parameters only (no recompilation); the problem stays as it was.

        ``holdings``: positions by id; ``liability_scale``: a factor on the original
        liabilities; ``limits``: ``{term name: {option: value}}``. The changes hold for this
        solve alone: each resolve starts from the problem as built, and a later ``solve``
        gives the answer it gave before.
        """
        model = self.model
        before = model.state()
        model.update(holdings=holdings, liability_scale=liability_scale, limits=limits)
        try:
            return self.solve(solver)
        finally:
            model.restore(before)

    def _decision(self) -> Decision:
        """The decision, which must have an objective to be optimized."""
        decision = self.decision
        if decision is None or not decision.objective:
            raise SpecError(E_NO_OBJECTIVE, path="objective")
        return decision
