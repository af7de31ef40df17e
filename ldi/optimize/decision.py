"""A problem's decision: what to optimize, under which limits, solved how, on which keys."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ldi.curves.spread import DEFAULT_KEYS
from ldi.optimize.model import ExecutionOptions, ObjectiveItem, SolverOptions
from ldi.optimize.terms.base import ConstraintTerm
from ldi.risk.factors import RiskModel
from ldi.scenarios.pnl import OutcomeSettings


@dataclass(frozen=True)
class Decision:
    """Objective items and constraint terms with the solver, factor model, groups and keys.

    ``paths`` maps each term's name to where the problem file defines it, for errors.
    ``outcomes``: the simulated outcomes every solve reports (None: only with a CVaR term).
    ``execution``: trade in whole lots and minimum tickets (None: continuous trades).
    """

    objective: tuple[ObjectiveItem, ...] = ()
    constraints: tuple[ConstraintTerm, ...] = ()
    solver: SolverOptions = field(default_factory=SolverOptions)
    risk_model: RiskModel = field(default_factory=RiskModel)
    groups: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    keys: tuple[float, ...] = DEFAULT_KEYS
    paths: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    outcomes: OutcomeSettings | None = None
    execution: ExecutionOptions | None = None
