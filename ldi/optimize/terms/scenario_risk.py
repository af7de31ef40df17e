"""Scenario risk terms: the conditional value at risk (CVaR) of a year's surplus loss.

Each simulated scenario s gives a year's surplus change of positions x:
P_s·x − ℓ_s, with P_s,i the instrument's P&L per unit over the year and ℓ_s the
liabilities', both by the model of time (``ldi.scenarios.carry``, ``ldi.scenarios.pnl``):
with no move they are the expected returns of ``expected_surplus_return``. The loss is
its negative. CVaR at confidence α is the
mean of the worst (1 − α) of losses, written in the Rockafellar–Uryasev form
min_η η + Σ_s max(loss_s − η, 0) / ((1 − α) S): linear with S auxiliary terms, so HiGHS
solves it as an LP. Reports evaluate the exact tail mean of the solved positions' losses.
"""

from typing import Annotated, Any, ClassVar

from pydantic import Field, Strict

from ldi.optimize.context import Ops, Scaled
from ldi.optimize.terms.base import Values, term
from ldi.optimize.terms.measures import Measure, MeasureLimit, MeasureObjective
from ldi.optimize.terms.options import Need, Range
from ldi.scenarios.pnl import OutcomeSettings, ScenarioEngine, tail_mean
from ldi.typing import FloatArray

E_NO_SIMULATION = (
    "{kind}: the model has no simulated scenarios; expected a model built from a problem "
    "(ldi.load_problem) or ModelData with simulation=ScenarioEngine(...)"
)


@term
class ScenarioLoss(Measure):
    """CVaR at ``confidence`` α of a year's surplus loss over ``scenarios`` S moves (``seed``).

    Money: the mean of the worst (1 − α) of simulated losses (see the module docstring).
    """

    unit: ClassVar[str] = "money (1y tail mean)"

    confidence: Annotated[float, Range(low=0.5, high=0.999)] = 0.95
    scenarios: Annotated[int, Strict(), Field(ge=100), Need("a whole number >= 100")] = 10_000
    seed: Annotated[int, Strict(), Field(ge=0), Need("a whole number >= 0")] = 0

    def outcome_settings(self) -> OutcomeSettings:
        """The term's own draws: the report's outcomes are those it was optimized on."""
        return OutcomeSettings(self.scenarios, self.seed, self.confidence)

    def engine(self, data: Scaled) -> ScenarioEngine:
        """The model's simulation engine (a SpecError naming the term when it has none)."""
        engine = data.data.simulation
        self.check("kind", E_NO_SIMULATION.format(kind=self.kind), engine is not None)
        assert engine is not None
        return engine

    def pnl(self, data: Scaled) -> FloatArray:
        """P (S x n): each unit's P&L over the year (scaled money per scaled unit)."""
        pnl, _ = self.engine(data).pnl(self.scenarios, self.seed)
        return pnl

    def liability_pnl(self, data: Scaled) -> FloatArray:
        """ℓ (S,): the liabilities' P&L over the year (scaled money, state)."""
        engine = self.engine(data)
        _, pnl = engine.pnl(self.scenarios, self.seed)
        size = float(data.data.liabilities["pv"]) / engine.liability_value  # a rescaled one
        return pnl * size / data.scales.money

    def measure_values(self, data: Scaled) -> Values:
        """The simulated P&L per unit (S x n) and the liabilities' (S,)."""
        return {"pnl": self.pnl(data), "liability": self.liability_pnl(data)}

    def measure(self, ops: Ops, data: Scaled, z: Any, p: Values) -> Any:
        """CVaR of the loss −(P z − ℓ): Rockafellar–Uryasev, or the exact tail when numeric."""
        loss = p["liability"] - p["pnl"] @ z
        if ops.numeric:
            return tail_mean(loss, self.confidence)
        threshold = ops.variable(f"{self.name}.var", 1)[0]
        tail = ops.sum(ops.excess(f"{self.name}.excess", loss - threshold))
        return threshold + tail / ((1.0 - self.confidence) * loss.shape[0])


@term
class CVaR(ScenarioLoss, MeasureObjective):
    r"""CVaR at ``confidence`` of a year's surplus loss over ``scenarios`` simulated moves.

    Convex (linear with auxiliary terms). YAML: ``cvar`` under ``objective.minimize``.
    """

    kind: ClassVar[str] = "cvar"


@term
class MaxCVaR(ScenarioLoss, MeasureLimit):
    r"""CVaR of a year's surplus loss ≤ ``max`` x the liabilities' PV.

    The same CVaR as the ``cvar`` objective; the row is in fractions of the liabilities' PV.
    Linear with auxiliary terms. Row ``max_cvar``. YAML: ``cvar`` under ``constraints``.
    """

    kind: ClassVar[str] = "cvar"
    tunable: ClassVar[frozenset[str]] = frozenset({"max"})
    max: Annotated[float, Range(low=0.0)] = 0.1
