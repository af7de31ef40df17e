"""Objective and constraint terms: small named pieces that build one formula two ways.

A term stores its options (validated in ``__post_init__``), gives every number it takes
from the data through ``values`` (they become cvxpy Parameters, so a re-solve with new
exposures, holdings, liabilities or limits does not recompile), and writes its formula once
against ``Ops`` (cvxpy for the problem, numpy for the report). Only structure is read from
the data inside a formula: roles, groups, key tenors, labels and shapes.

Formulas see scaled numbers (``ldi.optimize.context``): positions z = x / S (S = the
liabilities' PV), PV01s in units of the liabilities' PV01 P.

Under DPP a parameter may multiply an expression free of parameters, not one that already
holds a parameter: a product of two such numbers (a limit times a per-unit exposure) is
formed inside ``values`` and given as one parameter.
"""

from collections.abc import Iterable
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any, ClassVar

import pandas as pd

from ldi.errors import SpecError
from ldi.optimize.context import Ops, Scaled
from ldi.scenarios.pnl import OutcomeSettings
from ldi.typing import FloatArray
from ldi.validation import is_finite_number, plain

E_FIELD = "{name}.{field}: got {value!r}; expected {need}"
E_OPTION = "{name}: unknown option {field!r}; expected only {known}"
E_TWICE = "{family} term {kind!r}: {new} and {old} both claim it; expected one class per key"

# Every objective and constraint term class by its YAML key: filled as the classes are
# defined (Term.__init_subclass__); ``ldi.optimize.terms.registry`` imports them all.
TERMS: dict[str, dict[str, type["Term"]]] = {"objective": {}, "constraint": {}}

Values = dict[str, Any]


@dataclass(frozen=True)
class Nonneg:
    """A value of ``Term.values`` whose parameter is declared nonnegative.

    DPP needs the sign of a parameter that multiplies a convex expression (a cost per unit
    times |trade|): wrap such a value, e.g. ``{"per_unit": Nonneg(costs)}``. The model
    unwraps it everywhere else, so formulas see the plain number.
    """

    value: Any


def plain_values(values: Values) -> Values:
    """``values`` with every ``Nonneg`` unwrapped (what formulas are evaluated on)."""
    return {k: v.value if isinstance(v, Nonneg) else v for k, v in values.items()}


class Sense(StrEnum):
    """How a row compares its left side with its bound."""

    LE = "<="
    GE = ">="
    EQ = "=="


@dataclass(frozen=True)
class Row:
    """One named constraint row ``lhs <sense> rhs`` in scaled units (may be a vector).

    ``unit`` (> 0; a number, or a parameter of the state) turns lhs − rhs into the
    constraint's own units (a hedge ratio, a leverage multiple, a fraction of the
    liabilities' PV): soft penalties and infeasibility diagnosis measure violations in them.
    Reports show ``lhs / unit x display`` (e.g. money rather than a fraction) against
    ``rhs / unit x display``, or ``measure`` against ``limit`` when the row's value is not
    that (e.g. a ratio of two sums of positions); then ``sensitivity`` is ∂(lhs − rhs)/∂limit
    at the solution, for the shadow price. ``labels`` name the entries of a vector row.
    """

    name: str
    lhs: Any
    sense: Sense
    rhs: Any
    unit: Any = 1.0
    display: float = 1.0
    measure: Any = None
    labels: tuple[str, ...] | None = None
    limit: Any = None
    sensitivity: Any = None


@dataclass(frozen=True, kw_only=True)
class Term:
    """Base of every term: ``name`` (default: the YAML key ``kind``) labels it in reports.

    A class that sets ``kind`` registers itself under that key in ``TERMS[family]``, so a
    new term needs no edit elsewhere. What a term adds to the solve's report beyond its rows
    it declares itself: ``outcome_settings`` (the simulated outcomes section), and for
    constraints ``liquidity``, ``collateral_order`` and ``ledger``.
    """

    kind: ClassVar[str]
    family: ClassVar[str] = ""  # "objective" or "constraint": which registry
    tunable: ClassVar[frozenset[str]] = frozenset()  # options a re-solve may change
    name: str = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "kind" not in vars(cls):  # a base of terms, such as ScenarioLoss
            return
        registry = TERMS[cls.family]
        old = registry.get(cls.kind)
        if old is not None and old.__qualname__ != cls.__qualname__:
            raise TypeError(
                E_TWICE.format(
                    family=cls.family, kind=cls.kind, new=cls.__qualname__, old=old.__qualname__
                )
            )
        registry[cls.kind] = cls

    def __post_init__(self) -> None:
        if not self.name:
            object.__setattr__(self, "name", self.default_name())

    def default_name(self) -> str:
        """The report label when none is given (e.g. ``hedge_ratio[rates]``)."""
        return self.kind

    def values(self, data: Scaled) -> Values:
        """Every number the term takes from the data or its options, by key (Parameters).

        A value wrapped in ``Nonneg`` becomes a nonnegative parameter.
        """
        return {}

    def outcome_settings(self) -> OutcomeSettings | None:
        """The simulated outcomes the report shows when the file asks for none (None: none)."""
        return None

    def check(self, field: str, need: str, ok: bool) -> None:
        """Raise a SpecError naming this term's ``field`` unless ``ok``."""
        if not ok:
            value = plain(getattr(self, field))
            raise SpecError(
                E_FIELD.format(name=self.kind, field=field, value=value, need=need),
                path=field,
            )

    def check_ids(self, field: str, ids: Iterable[str], data: Scaled) -> None:
        """Every id in ``ids`` is an instrument of ``data`` (the list is built only to fail)."""
        if any(i not in data.ids for i in ids):
            self.check(field, f"instrument ids among {list(data.ids)}", False)

    def check_number(
        self, field: str, *, low: float | None = None, high: float | None = None
    ) -> None:
        """``field`` is a finite number within [low, high] (either end optional)."""
        value = getattr(self, field)
        if value is None:
            return
        need = "a finite number" + (
            f" in [{low:g}, {high:g}]"
            if low is not None and high is not None
            else f" >= {low:g}"
            if low is not None
            else f" <= {high:g}"
            if high is not None
            else ""
        )
        ok = is_finite_number(value)
        ok = ok and (low is None or value >= low) and (high is None or value <= high)
        self.check(field, need, ok)

    @classmethod
    def options(cls) -> list[str]:
        """The keyword options of this term (its YAML keys)."""
        return [f.name for f in fields(cls) if f.init]


@dataclass(frozen=True, kw_only=True)
class ObjectiveTerm(Term):
    """A convex piece of the objective (minimized; concave when listed under maximize).

    ``unit`` names the units of ``natural``, the value reports show.
    """

    family: ClassVar[str] = "objective"
    unit: ClassVar[str] = ""

    def formula(self, ops: Ops, data: Scaled, z: Any, p: Values) -> Any:
        """The term's value in scaled units (money terms per S)."""
        raise NotImplementedError

    def natural(self, value: float, data: Scaled) -> float:
        """The scaled ``value`` in the units of ``unit`` (default money: value x S)."""
        return value * data.scales.money


@dataclass(frozen=True, kw_only=True)
class ConstraintTerm(Term):
    """A policy limit given as named rows; ``soft`` makes it a penalty instead.

    A soft term adds ``soft`` x Σ violation (in each row's own units) to the objective.
    ``liquidity``: the report's collateral section names the term's rows when they bind.
    ``collateral_order``: a term with one shows its stress moves in that section, the
    first of least order when several do (it then has ``moves``, ``within_days`` and
    ``describe``, as ``ldi.optimize.terms.liquidity.CollateralBuffer``).
    """

    family: ClassVar[str] = "constraint"
    liquidity: ClassVar[bool] = False
    collateral_order: ClassVar[int | None] = None
    soft: float | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        self.check_number("soft", low=0.0)

    def rows(self, ops: Ops, data: Scaled, z: Any, p: Values) -> list[Row]:
        """The term's rows, named ``<name>`` or ``<name>.<part>``."""
        raise NotImplementedError

    def ledger(self, data: Scaled, z: FloatArray) -> pd.DataFrame | None:
        """A period-by-period cash ledger of positions ``z`` for the report (None: none)."""
        return None


def violation(ops: Ops, row: Row) -> Any:
    """How far a row is violated, in its own units (0 when it holds)."""
    difference = row.lhs - row.rhs
    if row.sense is Sense.EQ:
        return ops.abs(difference) / row.unit
    return ops.pos(difference if row.sense is Sense.LE else -difference) / row.unit
