"""An optimization model: terms compiled once into a cvxpy problem with Parameters.

Every number taken from the data or from a tunable option (the instruments' exposures per
unit, the liabilities', holdings, limits) is a Parameter, and the problem is checked DPP, so
``update`` only assigns new values: cvxpy reuses its compiled form and the solver is called
again straight away, on new limits or on a whole new state of the same instruments.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

import numpy as np

from ldi.errors import ModelError, SpecError
from ldi.lazy import lazy_module
from ldi.optimize.context import CvxOps, Scaled, Scales, TrialOps
from ldi.optimize.data import ModelData
from ldi.optimize.solvers import check_options
from ldi.optimize.terms.allocation import LongOnly
from ldi.optimize.terms.base import (
    ConstraintTerm,
    Nonneg,
    ObjectiveTerm,
    Row,
    Sense,
    Term,
    Values,
    plain_values,
)
from ldi.optimize.terms.funding import RepoCollateral
from ldi.scenarios.pnl import OutcomeSettings
from ldi.typing import FloatArray

cp = lazy_module("cvxpy")  # imported at the first solve

TermT = TypeVar("TermT", ObjectiveTerm, ConstraintTerm)
OPEN = 1e6  # the cap on an elastic slack free to move (in the row's units)
WEIGHT_MIN, WEIGHT_MAX = 1e-6, 1e6  # the range of an objective term's weight
E_WEIGHT_NEED = (
    "expected a weight between 1e-06 and 1e+06 (a ratio of money-equivalent units; rescale "
    "the other weights instead)"
)
E_WEIGHT = "{path}: got {value!r}; " + E_WEIGHT_NEED
E_NOT_CONVEX = "{term}: its {part} is not {need} (DCP) with parameters (DPP); cannot compile it"
E_NAME_TAKEN = "{path}: name {name!r} is already used by {first}; expected a unique name"
DEFAULT_TERM = "the {name} constraint added by default (list {name} to set it)"
MIN_TRADE_FRACTION = 1e-4  # of the capital: GBP 129,000 on the default scheme's GBP 1.29bn
E_MIN_TRADE = "{path}: got {value!r}; expected a number >= 0 (0: keep every trade)"
E_MIN_TRADE_TWICE = (
    "solver.min_trade: expected at most one of min_trade and min_trade_fraction "
    "(the smallest trade in money, or as a fraction of the capital)"
)
E_EMPTY = "objective: no terms; expected at least one objective term to minimize or maximize"
E_LIMIT = "resolve: no term named {name!r}; expected one of {names}"
E_SHAPE = "resolve: {term}.{key} would change shape ({old} -> {new}); build a new model"
E_KEYS = (
    "resolve: {term}: parameters {keys} would appear or disappear; a change of structure "
    "needs a new model (e.g. setting a limit that was not set when it was built)"
)
E_NEGATIVE = (
    "resolve: {term}.{key} has negative entries; expected numbers >= 0 (it multiplies a "
    "convex expression)"
)
E_DATA = (
    "update: the new data's {what} differ from the model's ({old} -> {new}); expected the "
    "same instruments in the same order with the same structure (build a new model)"
)
E_NO_OPTION = (
    "resolve: {term}: no option {options}; expected options of the term, {known}, of which "
    "a re-solve may change {tunable}"
)
E_FIXED = (
    "resolve: {term}: options {options} are built into the compiled problem; expected only "
    "{tunable} (build a new model to change the others)"
)


@dataclass(frozen=True)
class ObjectiveItem:
    """One objective term, its weight, and whether it is maximized.

    The weight lies in [WEIGHT_MIN, WEIGHT_MAX]: a ratio of money-equivalent units, beyond
    which the objective's terms differ by more than a solver's precision can carry.
    """

    term: ObjectiveTerm
    weight: float = 1.0
    maximize: bool = False

    def __post_init__(self) -> None:
        if not WEIGHT_MIN <= self.weight <= WEIGHT_MAX:
            path = f"{self.term.name}.weight"
            raise SpecError(E_WEIGHT.format(path=path, value=self.weight), path=path)

    @property
    def sign(self) -> float:
        """+weight when minimized, −weight when maximized."""
        return -self.weight if self.maximize else self.weight


@dataclass(frozen=True)
class SolverOptions:
    """Solver order (``name`` first, then ``fallback``; default by problem type) and options.

    Options a solver refuses (name, type or value) are a SpecError at
    ``solver.options.<SOLVER>.<key>`` (``check_options``). A verified answer's trades
    smaller than ``min_trade`` (money), or ``min_trade_fraction`` of the capital (default
    MIN_TRADE_FRACTION; 0 turns it off), are held by a clean-up re-solve
    (``ldi.optimize.solve``).
    """

    name: str | None = None
    fallback: tuple[str, ...] | None = None
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    min_trade: float | None = None
    min_trade_fraction: float | None = None

    def __post_init__(self) -> None:
        check_options(self.options)
        for key in ("min_trade", "min_trade_fraction"):
            value = getattr(self, key)
            if value is not None and not (np.isfinite(value) and value >= 0):
                path = f"solver.{key}"
                raise SpecError(E_MIN_TRADE.format(path=path, value=value), path=path)
        if self.min_trade is not None and self.min_trade_fraction is not None:
            raise SpecError(E_MIN_TRADE_TWICE, path="solver.min_trade")

    def min_trade_of(self, capital: float) -> float:
        """The smallest trade a solve proposes (money), given the capital."""
        if self.min_trade is not None:
            return self.min_trade
        fraction = self.min_trade_fraction
        return (MIN_TRADE_FRACTION if fraction is None else fraction) * abs(capital)

    def order(self, default: Sequence[str]) -> list[str]:
        """Solvers to try, in order."""
        if self.name is None:
            return list(default if self.fallback is None else self.fallback)
        rest = [s for s in default if s != self.name] if self.fallback is None else self.fallback
        return [self.name, *rest]


@dataclass(frozen=True)
class ExecutionOptions:
    """Integer execution's stopping rules: relative ``mip_gap``, ``time_limit`` in seconds."""

    mip_gap: float = 0.001
    time_limit: float = 60.0


@dataclass(eq=False)
class Compiled:
    """A cvxpy problem built from terms, with its parameters, rows and pieces by name."""

    problem: cp.Problem
    z: cp.Variable
    ops: CvxOps
    parameters: dict[str, dict[str, cp.Parameter]]
    rows: list[tuple[ConstraintTerm, Row, list[cp.Constraint]]]
    pieces: dict[str, cp.Expression]
    money_ratio: cp.Parameter
    pins: tuple[cp.Parameter, cp.Parameter]  # (pin, pinned_at): ``Model.pin``
    slacks: dict[str, cp.Variable] = field(default_factory=dict)
    caps: dict[str, cp.Parameter] = field(default_factory=dict)


@dataclass(frozen=True)
class ModelState:
    """A model's data (current and base), terms and their values (``Model.state``)."""

    data: ModelData
    base: ModelData
    scaled: Scaled
    objective: tuple[ObjectiveItem, ...]
    constraints: tuple[ConstraintTerm, ...]
    values: Mapping[int, tuple[Term, Values]]  # by id(term)


class Model:
    """Objective items and constraint terms over one problem's exposure tables.

    ``long_only`` and ``repo_collateral`` are added unless such terms are given. Building
    checks names, convexity and DPP; ``compiled`` is built once and reused by every solve.
    ``outcomes``: the simulated outcomes solves report (None: a CVaR term's, if any).
    ``execution``: trade in whole lots and minimum tickets (``ldi.optimize.execution``).
    ``execution``: trade in whole lots and minimum tickets (``ldi.optimize.execution``).
    """

    def __init__(
        self,
        data: ModelData,
        objective: Sequence[ObjectiveItem],
        constraints: Sequence[ConstraintTerm] = (),
        solver: SolverOptions | None = None,
        paths: Mapping[str, str] | None = None,
        outcomes: OutcomeSettings | None = None,
        execution: ExecutionOptions | None = None,
    ) -> None:
        if not objective:
            raise SpecError(E_EMPTY, path="objective")
        constraints = list(constraints)
        added = [
            default()
            for default in (LongOnly, RepoCollateral)
            if not any(isinstance(c, default) for c in constraints)
        ]
        _check_names(objective, constraints, added)
        constraints += added
        self.data = data
        self.base = data
        self.scales = Scales.of(data)
        self.objective = tuple(objective)
        self.constraints = tuple(constraints)
        self.solver = solver or SolverOptions()
        self.paths = dict(paths or {})
        self.outcomes = outcomes
        self.execution = execution
        self._compiled: Compiled | None = None
        self._elastic: Compiled | None = None
        self._scaled: Scaled | None = None
        self._term_values: dict[int, tuple[Term, Values]] = {}  # of the state ``_scaled``

    @property
    def scaled(self) -> Scaled:
        """The current data in scaled units (one per state: its arrays are computed once)."""
        known = self._scaled
        if known is None or known.data is not self.data or known.scales is not self.scales:
            self._scaled = known = Scaled(self.data, self.scales)
            self._term_values = {}
        return known

    @property
    def terms(self) -> tuple[Term, ...]:
        """Every term, objective first."""
        return tuple(item.term for item in self.objective) + self.constraints

    @property
    def compiled(self) -> Compiled:
        """The problem as built for solving (compiled on first use)."""
        return self.compile()

    def check(self) -> None:
        """Every check compiling makes on the terms and the data, without cvxpy.

        Each term is built in numbers at zero positions (``TrialOps``), so the ids, groups,
        key tenors and scenarios it names meet the data as they would in ``compile``; an
        objective term may be maximized only if it is affine (``ObjectiveTerm.affine``).
        Compiling checks the curvature of everything built again (DCP).
        """
        scaled = self.scaled
        ops, z = TrialOps(), np.zeros(scaled.n)
        for item in self.objective:
            values = plain_values(self._values(item.term, scaled))
            with self.located(item.term):
                item.term.formula(ops, scaled, z, values)
            _check_sense(item)
        for term in self.constraints:
            values = plain_values(self._values(term, scaled))
            with self.located(term):
                term.rows(ops, scaled, z, values)

    def compile(self) -> Compiled:
        """Build the cvxpy problem once (checks every term); later calls return it."""
        if self._compiled is None:
            self._compiled = self._compile(elastic=False)
        return self._compiled

    @property
    def elastic(self) -> Compiled:
        """Every hard row relaxed by a slack in its own units; minimizes the total slack.

        Each entry's slack has its own cap (``caps``, OPEN by default), so a diagnosis can
        let one entry move alone. Soft rows are penalties, not limits: they are left out.
        """
        if self._elastic is None:
            self._elastic = self._compile(elastic=True)
        return self._elastic

    def update(
        self,
        *,
        data: ModelData | None = None,
        holdings: Mapping[str, float] | None = None,
        liability_scale: float | None = None,
        limits: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        """A new state of the same instruments, new holdings or liabilities, or new options.

        ``data`` replaces every table (exposures per unit, liabilities, holdings, collateral
        and scenario data) by one of the same instruments: same ids in the same order, same
        roles, kinds, key tenors, groups and columns, and the same shapes of every term's
        parameters (a ModelError names what differs). It becomes the base that
        ``liability_scale`` scales; ``holdings`` and ``liability_scale`` apply on top of it.
        The compiled scales are kept (terms carry the ratios to the new state's).
        ``limits`` maps a term name to options to change (``{"leverage": {"max": 2.0}}``).
        Only parameter values change, so no recompilation happens.
        """
        objective, constraints = self._replaced_terms(limits or {})
        base = self.base
        current = self.data
        if data is not None:
            _check_same_structure(self.data, data)
            base = current = data
        if holdings is not None:
            current = current.with_holdings(holdings)
        if liability_scale is not None:
            current = replace(
                current,
                liabilities=base.liabilities,
                liability_loadings=base.liability_loadings,
                liability_flows=base.liability_flows,
            ).with_liability_scale(liability_scale)
        # Every new value is computed and checked before anything changes, so a rejected
        # update leaves the model as it was.
        terms = tuple(item.term for item in objective) + constraints
        scaled = self.scaled.moved(current)
        compiled = [c for c in (self._compiled, self._elastic) if c is not None]
        found = {id(term): (term, self._values(term, scaled)) for term in terms}
        assignments = _assignments(compiled, found.values()) if compiled else []
        for problem in compiled:
            assignments.append((problem.money_ratio, np.asarray(scaled.money_ratio)))
        self.data, self.base, self._scaled = current, base, scaled
        self._term_values = {key: (term, plain_values(v)) for key, (term, v) in found.items()}
        self.objective, self.constraints = objective, constraints
        _assign(assignments)

    def state(self) -> ModelState:
        """The current data and terms with their values, to go back to (``restore``)."""
        values = {id(term): (term, self.values(term)) for term in self.terms}
        return ModelState(
            self.data, self.base, self.scaled, self.objective, self.constraints, values
        )

    def restore(self, state: ModelState) -> None:
        """Back to ``state``: its data, terms and every compiled parameter, recomputing nothing."""
        compiled = [c for c in (self._compiled, self._elastic) if c is not None]
        assignments = _assignments(compiled, state.values.values()) if compiled else []
        for problem in compiled:
            assignments.append((problem.money_ratio, np.asarray(state.scaled.money_ratio)))
        self.data, self.base, self._scaled = state.data, state.base, state.scaled
        self.objective, self.constraints = state.objective, state.constraints
        self._term_values = dict(state.values)
        _assign(assignments)

    def pin(self, at: FloatArray | None) -> None:
        """Hold positions at ``at`` (money; NaN: free) in the next solves (None: none pinned).

        The clean-up re-solve of ``ldi.optimize.solve`` pins this way: parameters change,
        the compiled problem does not.
        """
        amounts = np.full(self.scaled.n, np.nan) if at is None else np.asarray(at, dtype=float)
        held = np.isfinite(amounts)
        pin, pinned_at = self.compiled.pins
        pin.value = held.astype(float)
        pinned_at.value = np.where(held, amounts, 0.0) / self.scales.money

    def values(self, term: Term) -> dict[str, Any]:
        """The term's parameter values on the current data (plain numbers), once per state.

        Every check and result of a solve evaluates the terms on these; callers read them
        and leave them as they are.
        """
        scaled = self.scaled
        known = self._term_values.get(id(term))
        if known is None or known[0] is not term:
            known = (term, plain_values(self._values(term, scaled)))
            self._term_values[id(term)] = known
        return known[1]

    def _values(self, term: Term, scaled: Scaled) -> Values:
        """The term's values as it gives them (``Nonneg`` marks kept), errors located."""
        with self.located(term):
            return term.values(scaled)

    @contextmanager
    def located(self, term: Term) -> Iterator[None]:
        """Re-raise a term's SpecError at the problem-file path of the term."""
        try:
            yield
        except SpecError as error:
            path = self.paths.get(term.name, term.name)
            message = str(error).removeprefix(f"{term.kind}.")
            raise SpecError(f"{path}.{message}", path=f"{path}.{error.path}") from None

    def _replaced_terms(
        self, limits: Mapping[str, Mapping[str, Any]]
    ) -> tuple[tuple[ObjectiveItem, ...], tuple[ConstraintTerm, ...]]:
        """Objective items and constraints with ``limits`` applied (validated, not kept)."""
        names = {term.name: term for term in self.terms}
        for name, changes in limits.items():
            if name not in names:
                raise SpecError(E_LIMIT.format(name=name, names=sorted(names)), path=name)
            term = names[name]
            unknown = sorted(set(changes) - set(term.options()))
            if unknown:
                known, tunable = term.options(), sorted(term.tunable)
                message = E_NO_OPTION.format(
                    term=name, options=unknown, known=known, tunable=tunable
                )
                raise SpecError(message, path=f"{name}.{unknown[0]}")
            fixed = sorted(set(changes) - term.tunable)
            if fixed:
                raise ModelError(
                    E_FIXED.format(term=name, options=fixed, tunable=sorted(term.tunable))
                )
        objective = tuple(
            replace(item, term=_replaced(item.term, limits.get(item.term.name, {})))
            for item in self.objective
        )
        constraints = tuple(
            _replaced(term, limits[term.name]) if term.name in limits else term
            for term in self.constraints
        )
        return objective, constraints

    def _compile(self, *, elastic: bool) -> Compiled:
        scaled = self.scaled
        z = cp.Variable(scaled.n, name="positions")
        ops = CvxOps()
        parameters = {
            term.name: {
                key: _parameter(f"{term.name}.{key}", value)
                for key, value in self._values(term, scaled).items()
            }
            for term in self.terms
        }
        pieces: dict[str, cp.Expression] = {}
        # S now / S compiled: soft penalties cost penalty x violation x S in money, so they
        # are weighted by it against the money terms (scaled by the compiled S).
        money_ratio = cp.Parameter(nonneg=True, name="money_ratio", value=scaled.money_ratio)
        total: Any = 0.0
        if not elastic:
            for item in self.objective:
                _check_sense(item)
                with self.located(item.term):
                    expr = item.term.formula(ops, scaled, z, parameters[item.term.name])
                _check(item.term, expr, "objective", concave=item.maximize)
                pieces[item.term.name] = expr
                total = total + item.sign * expr
        rows, slacks, caps, constraints = [], {}, {}, []
        for term in self.constraints:
            with self.located(term):
                built_rows = term.rows(ops, scaled, z, parameters[term.name])
            for row in built_rows:
                if term.soft is not None and elastic:
                    continue
                if term.soft is not None:
                    violation, held = _violation(row)
                    for constraint in held:
                        _check(term, constraint, f"row {row.name}", concave=False)
                    constraints += held
                    pieces[row.name] = penalty = cp.sum(violation)
                    total = total + term.soft * money_ratio * penalty
                    rows.append((term, row, []))
                    continue
                if elastic:
                    built, slack, cap = _relaxed(row)
                    slacks[row.name], caps[row.name] = slack, cap
                    total = total + cp.sum(slack)
                else:
                    built = [_hard(row)]
                for constraint in built:
                    _check(term, constraint, f"row {row.name}", concave=False)
                constraints += built
                rows.append((term, row, built))
        # pin_i x z_i = pinned_at_i: positions a clean-up re-solve holds (``pin``); 0 = 0 else
        pins = (
            cp.Parameter(scaled.n, nonneg=True, name="pin", value=np.zeros(scaled.n)),
            cp.Parameter(scaled.n, name="pinned_at", value=np.zeros(scaled.n)),
        )
        constraints.append(cp.multiply(pins[0], z) == pins[1])
        problem = cp.Problem(cp.Minimize(total), constraints + ops.constraints)
        if not problem.is_dcp(dpp=True):
            raise ModelError(E_NOT_CONVEX.format(term="problem", part="whole", need="convex"))
        return Compiled(problem, z, ops, parameters, rows, pieces, money_ratio, pins, slacks, caps)


def _parameter(name: str, value: Any) -> cp.Parameter:
    """A parameter holding ``value``; nonnegative when the value is wrapped in ``Nonneg``."""
    nonneg = isinstance(value, Nonneg)
    array = np.asarray(value.value if nonneg else value, dtype=float)
    return cp.Parameter(array.shape, name=name, value=array, nonneg=nonneg)


def _assignments(
    compiled: Sequence[Compiled], found: Iterable[tuple[Term, Values]]
) -> list[tuple[cp.Parameter, np.ndarray]]:
    """(parameter, new value) for every parameter of ``compiled``, keys, shapes and signs checked.

    ``found`` holds each term with its new values, which go to every compiled problem.
    """
    pairs = []
    for term, values in found:
        for problem in compiled:
            parameters = problem.parameters[term.name]
            if set(values) != set(parameters):
                keys = sorted(set(values) ^ set(parameters))
                raise ModelError(E_KEYS.format(term=term.name, keys=keys))
            for key, value in values.items():
                nonneg = isinstance(value, Nonneg)
                array = np.asarray(value.value if nonneg else value, dtype=float)
                if array.shape != parameters[key].shape:
                    old, new = parameters[key].shape, array.shape
                    raise ModelError(E_SHAPE.format(term=term.name, key=key, old=old, new=new))
                if parameters[key].is_nonneg() and np.any(array < 0):
                    raise ModelError(E_NEGATIVE.format(term=term.name, key=key))
                pairs.append((parameters[key], array))
    return pairs


def _assign(assignments: Iterable[tuple[cp.Parameter, np.ndarray]]) -> None:
    """Give each parameter its new value, unless it holds those very bits already.

    cvxpy checks every value it is given against the parameter's attributes; most of a
    re-solve's values (the per-unit exposures under new holdings) are the ones it has.
    """
    for parameter, value in assignments:
        held = parameter.value
        if held is None or np.asarray(held, dtype=float).tobytes() != value.tobytes():
            parameter.value = value


def _check_same_structure(old: ModelData, new: ModelData) -> None:
    """Raise a ModelError naming the first structural difference between two data states.

    Structure is what formulas read as constants (roles, kinds, groups, key tenors) and
    what orders or labels the parameters (ids, columns, factors); parameter shapes are
    checked with the values. Collateral and simulation data may come or go: a term that
    needs them says so when its values are computed (a state on a projection's path has no
    simulation of its own, and needs none without a scenario term).
    """
    checks = [
        ("ids", old.ids.tolist(), new.ids.tolist()),
        ("key tenors", old.key_tenors, new.key_tenors),
        ("exposure columns", old.assets.columns.tolist(), new.assets.columns.tolist()),
        ("roles", old.assets["role"].tolist(), new.assets["role"].tolist()),
        ("kinds", old.assets["kind"].tolist(), new.assets["kind"].tolist()),
        ("groups", old.all_groups(), new.all_groups()),
        ("liability entries", old.liabilities.index.tolist(), new.liabilities.index.tolist()),
        ("factors", old.loadings.columns.tolist(), new.loadings.columns.tolist()),
        ("loading ids", old.loadings.index.tolist(), new.loadings.index.tolist()),
        ("specific risk ids", old.specific.index.tolist(), new.specific.index.tolist()),
        ("holding ids", old.holdings.index.tolist(), new.holdings.index.tolist()),
    ]
    if old.collateral is not None and new.collateral is not None:
        checks.append(("collateral ids", old.collateral.ids.tolist(), new.collateral.ids.tolist()))
    for what, before, after in checks:
        if before != after:
            old_text, new_text = _difference(before, after)
            raise ModelError(E_DATA.format(what=what, old=old_text, new=new_text))


def _difference(before: Any, after: Any) -> tuple[str, str]:
    """Short texts of two differing values: of lists of one length, the entries that differ."""
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
        before = {i: before[i] for i in changed}
        after = {i: after[i] for i in changed}
    return _cut(repr(before)), _cut(repr(after))


def _cut(text: str, size: int = 160) -> str:
    return text if len(text) <= size else f"{text[: size - 3]}..."


def _hard(row: Row) -> cp.Constraint:
    if row.sense is Sense.EQ:
        return row.lhs == row.rhs
    return row.lhs <= row.rhs if row.sense is Sense.LE else row.lhs >= row.rhs


def _violation(row: Row, name: str = "violation") -> tuple[cp.Variable, list[cp.Constraint]]:
    """A variable v >= 0 bounding the row's violation in its own units, and its rows.

    Written as lhs − rhs <= unit x v (not v >= (lhs − rhs) / unit): the unit may be a
    parameter of the state, and a parameter may multiply a variable but not divide an
    expression under DPP.
    """
    slack = cp.Variable(row.lhs.shape, nonneg=True, name=f"{row.name}.{name}")
    difference = row.lhs - row.rhs
    held = []
    if row.sense in (Sense.LE, Sense.EQ):
        held.append(difference <= row.unit * slack)
    if row.sense in (Sense.GE, Sense.EQ):
        held.append(-difference <= row.unit * slack)
    return slack, held


def _relaxed(row: Row) -> tuple[list[cp.Constraint], cp.Variable, cp.Parameter]:
    """Lhs − rhs within a slack (in the row's units) whose entries cap parameters can shut."""
    slack, held = _violation(row, "slack")
    cap = cp.Parameter(slack.shape, nonneg=True, name=f"{row.name}.cap")
    cap.value = np.full(slack.shape, OPEN)
    return [slack <= cap, *held], slack, cap


def _check_names(
    objective: Sequence[ObjectiveItem],
    constraints: Sequence[ConstraintTerm],
    added: Sequence[ConstraintTerm],
) -> None:
    """Each term's name is unique: names label terms in reports and in re-solves.

    A term is located where a problem file defines it (``term_places``). A term the model
    adds by default (``added``) takes its name first.
    """
    first = {term.name: DEFAULT_TERM.format(name=term.name) for term in added}
    for path, term in term_places(objective, constraints):
        if term.name in first:
            message = E_NAME_TAKEN.format(path=path, name=term.name, first=first[term.name])
            raise SpecError(message, path=path)
        first[term.name] = path


def term_places(
    objective: Sequence[ObjectiveItem], constraints: Sequence[ConstraintTerm]
) -> list[tuple[str, Term]]:
    """(where a problem file defines it, term) of each term, the objective's first.

    ``objective.minimize[0].cost``, ``objective.maximize[0].expected_surplus_return``,
    ``constraints[3].leverage``: positions in the lists, which keep the file's order.
    """
    counts = {"minimize": 0, "maximize": 0}
    places: list[tuple[str, Term]] = []
    for item in objective:
        sense = "maximize" if item.maximize else "minimize"
        places.append((f"objective.{sense}[{counts[sense]}].{item.term.kind}", item.term))
        counts[sense] += 1
    places += [(f"constraints[{i}].{term.kind}", term) for i, term in enumerate(constraints)]
    return places


def _check_sense(item: ObjectiveItem) -> None:
    """Refuse a maximized term unless it is affine (``ObjectiveTerm.affine``).

    A convex term maximized is not concave; one built on auxiliary variables (CVaR's) would
    even pass cvxpy's check and mean nothing.
    """
    if item.maximize and not item.term.affine:
        message = E_NOT_CONVEX.format(term=repr(item.term), part="objective", need="concave")
        raise ModelError(message)


def _check(term: Term, expr: Any, part: str, *, concave: bool) -> None:
    if isinstance(expr, cp.Constraint):
        ok = expr.is_dcp(dpp=True)
        need = "convex"
    else:
        ok = (expr.is_concave() if concave else expr.is_convex()) and expr.is_dcp(dpp=True)
        need = "concave" if concave else "convex"
    if not ok:
        raise ModelError(E_NOT_CONVEX.format(term=repr(term), part=part, need=need))


def _replaced(term: TermT, changes: Mapping[str, Any]) -> TermT:
    """``term`` with ``changes``; a refused option is named by the term's name, for resolve."""
    if not changes:
        return term
    try:
        return replace(term, **changes)
    except SpecError as error:
        lines = [line.removeprefix(f"{term.kind}.") for line in str(error).splitlines()]
        message = "\n".join(f"resolve: {term.name}.{line}" for line in lines)
        raise SpecError(message, path=f"{term.name}.{error.path}") from None
