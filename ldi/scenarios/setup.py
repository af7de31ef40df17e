"""A problem's simulation settings: the scenario model, or an external file, and the carry.

One frozen value holds what a problem file's ``simulation`` section says about where the
simulated moves come from and how positions age: the built-in model's options
(``ldi.scenarios.simulation``: curve factors, dynamics, mean reversion, innovations), or
an external generator's scenarios (``ldi.scenarios.external``), and the model of time's
carry convention (``ldi.scenarios.carry``). ``SimulationSetup()`` is the built-in model's
defaults: level, slope and curvature factors, random walks, normal innovations, carry
onto today's forwards.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from ldi.errors import DataError
from ldi.risk.factors import RiskModel
from ldi.scenarios.carry import CarryConvention, carry_convention
from ldi.scenarios.external import ScenarioFile
from ldi.scenarios.simulation import (
    DEFAULT_DEGREES_OF_FREEDOM,
    CurveFactors,
    Dynamics,
    Innovations,
    MeanReversion,
    ScenarioModel,
)

E_FILE_TYPE = "SimulationSetup.scenario_file: got {value!r}; expected a ScenarioFile or None"
E_FILE_AND_MODEL = (
    "SimulationSetup.scenario_file: given with the model settings {names}; expected a "
    "scenario file alone (its scenarios replace the model, so the settings would not apply)"
)


@dataclass(frozen=True, eq=False)
class SimulationSetup:
    """Where a problem's simulated moves come from, and the carry convention.

    ``curve_factors`` (None: level, slope and curvature at the risk model's rates
    volatility), ``dynamics``, ``mean_reversion`` (None: the documented defaults),
    ``innovations`` and ``degrees_of_freedom`` are ``ScenarioModel``'s options;
    ``scenario_file``, when given, replaces that model (every one of its options must then
    be left at its default). ``carry`` is the model of time's convention for both.
    """

    curve_factors: CurveFactors | None = None
    dynamics: Dynamics = Dynamics.RANDOM_WALK
    mean_reversion: MeanReversion | None = None
    innovations: Innovations = Innovations.NORMAL
    degrees_of_freedom: float = DEFAULT_DEGREES_OF_FREEDOM
    scenario_file: ScenarioFile | None = None
    carry: CarryConvention = CarryConvention.FORWARDS

    def __post_init__(self) -> None:
        # The model checks its own options (choices, ν > 2, one speed per curve factor).
        model = ScenarioModel(
            curve=self.curve_factors,
            dynamics=self.dynamics,
            mean_reversion=self.mean_reversion,
            innovations=self.innovations,
            degrees_of_freedom=self.degrees_of_freedom,
        )
        object.__setattr__(self, "dynamics", model.dynamics)
        object.__setattr__(self, "innovations", model.innovations)
        object.__setattr__(self, "degrees_of_freedom", model.degrees_of_freedom)
        object.__setattr__(self, "carry", carry_convention(self.carry))
        if self.scenario_file is None:
            return
        if not isinstance(self.scenario_file, ScenarioFile):
            raise DataError(E_FILE_TYPE.format(value=self.scenario_file))
        defaults = {
            "curve_factors": None,
            "dynamics": Dynamics.RANDOM_WALK,
            "mean_reversion": None,
            "innovations": Innovations.NORMAL,
            "degrees_of_freedom": DEFAULT_DEGREES_OF_FREEDOM,
        }
        names = [name for name, value in defaults.items() if getattr(self, name) != value]
        if names:
            raise DataError(E_FILE_AND_MODEL.format(names=names))

    def model(
        self,
        risk: RiskModel | None = None,
        growth_volatility: Mapping[str, float] | None = None,
    ) -> ScenarioModel | ScenarioFile:
        """The source of annual moves: the scenario file, else the model with every option.

        ``risk`` (default: ``RiskModel()``) and ``growth_volatility`` (total volatility by
        growth asset id) are the model's; a file's moves do not use them.
        """
        if self.scenario_file is not None:
            return self.scenario_file
        return ScenarioModel(
            risk if risk is not None else RiskModel(),
            self.curve_factors,
            MappingProxyType(dict(growth_volatility or {})),
            dynamics=self.dynamics,
            mean_reversion=self.mean_reversion,
            innovations=self.innovations,
            degrees_of_freedom=self.degrees_of_freedom,
        )
