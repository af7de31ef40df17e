"""Objective and constraint terms: small named pieces that build one formula two ways.

A term stores its options (typed fields of a pydantic dataclass, ``term``: each checked by
its type, ``ldi.optimize.terms.options``; checks across options in ``__post_init__``),
gives every number it takes from the data through ``values`` (they become cvxpy Parameters,
so a re-solve with new exposures, holdings, liabilities or limits does not recompile), and
writes its formula once against ``Ops`` (cvxpy for the problem, numpy for the report). Only
structure is read from the data inside a formula: roles, groups, key tenors, labels and
shapes.

Formulas see scaled numbers (``ldi.optimize.context``): positions z = x / S (S = the
liabilities' PV), PV01s in units of the liabilities' PV01 P.

Under DPP a parameter may multiply an expression free of parameters, not one that already
holds a parameter: a product of two such numbers (a limit times a per-unit exposure) is
formed inside ``values`` and given as one parameter.
"""

from collections.abc import Iterable
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Annotated, Any, ClassVar, TypeVar, dataclass_transform

import numpy as np
import pandas as pd
from pydantic import ConfigDict, ValidationError, model_validator
from pydantic.dataclasses import dataclass as pydantic_dataclass
from pydantic_core import ArgsKwargs, InitErrorDetails, PydanticCustomError

from ldi.errors import OptionError, SpecError
from ldi.optimize.context import Ops, Scaled
from ldi.optimize.terms.options import E_UNKNOWN_OPTION, UNKNOWN_OPTION, Need, Range, problems
from ldi.scenarios.pnl import OutcomeSettings
from ldi.typing import FloatArray, IntArray
from ldi.validation import plain

E_TUNABLE = "{kind}: tunable {wrong} are not options of the term; expected names among {known}"
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


T = TypeVar("T", bound=type)
OPTIONS = ConfigDict(extra="forbid", allow_inf_nan=False, defer_build=True)


@dataclass_transform(kw_only_default=True, frozen_default=True)
def term(cls: T) -> T:
    """Make ``cls`` a term class: a frozen pydantic dataclass whose fields are its options.

    Each option is checked by its type (``ldi.optimize.terms.options``) whenever a term is
    built: from a problem file, in Python, or by ``dataclasses.replace`` in a re-solve.
    """
    return pydantic_dataclass(frozen=True, kw_only=True, config=OPTIONS)(cls)


class TermType(type):
    """The metaclass of terms: a term built in Python with a refused option is a SpecError.

    The message is ``<kind>.<option>: got VALUE; expected WHAT`` (one line per refusal),
    its path the first option's. Validated as part of a problem file, the schema reports
    the same refusals at their paths in the file instead (``ldi.io.errors``).
    """

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        """A new term of class ``cls``; a refused option is a SpecError naming it."""
        try:
            return super().__call__(*args, **kwargs)
        except ValidationError as error:
            kind = getattr(cls, "kind", cls.__name__)
            lines = problems(error, cls.options())  # type: ignore[attr-defined]
            message = "\n".join(f"{kind}.{path}: {text}" for path, _, text in lines)
            raise SpecError(message, path=lines[0][0]) from None


@term
class Term(metaclass=TermType):
    """Base of every term: ``name`` (default: the YAML key ``kind``) labels it in reports.

    A class that sets ``kind`` registers itself under that key in ``TERMS[family]``, so a
    new term needs no edit elsewhere. What a term adds to the solve's report beyond its rows
    it declares itself: ``outcome_settings`` (the simulated outcomes section), and for
    constraints ``liquidity``, ``collateral_order`` and ``ledger``.
    """

    kind: ClassVar[str]
    family: ClassVar[str] = ""  # "objective" or "constraint": which registry
    tunable: ClassVar[frozenset[str]] = frozenset()  # options a re-solve may change
    name: Annotated[str, Need("a name")] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "kind" not in vars(cls):  # a base of terms, such as ScenarioLoss
            return
        declared = {name for c in cls.__mro__ for name in vars(c).get("__annotations__", {})}
        if not cls.tunable <= declared:
            wrong = sorted(cls.tunable - declared)
            raise TypeError(E_TUNABLE.format(kind=cls.kind, wrong=wrong, known=sorted(declared)))
        registry = TERMS[cls.family]
        old = registry.get(cls.kind)
        if old is not None and old.__qualname__ != cls.__qualname__:
            raise TypeError(
                E_TWICE.format(
                    family=cls.family, kind=cls.kind, new=cls.__qualname__, old=old.__qualname__
                )
            )
        registry[cls.kind] = cls

    @model_validator(mode="before")
    @classmethod
    def _known_options(cls, data: Any) -> Any:
        """Refuse keys that are not options, each at its own path, naming the known ones."""
        given = data.kwargs or {} if isinstance(data, ArgsKwargs) else data
        if isinstance(given, dict):
            known = cls.options()
            unknown = [key for key in given if key not in known]
            if unknown:
                message = E_UNKNOWN_OPTION.format(known=known)
                raise ValidationError.from_exception_data(
                    cls.__name__,
                    [
                        InitErrorDetails(
                            type=PydanticCustomError(UNKNOWN_OPTION, message),
                            loc=(str(key),),
                            input=given[key],
                        )
                        for key in unknown
                    ],
                )
        return data

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
        """Raise an OptionError (a SpecError) naming this term's ``field`` unless ``ok``.

        Called in ``__post_init__`` (checks across options) or on the data (ids, keys).
        """
        if not ok:
            raise OptionError(self.kind, field, plain(getattr(self, field)), need)

    def check_ids(self, field: str, ids: Iterable[str], data: Scaled) -> None:
        """Every id in ``ids`` is an instrument of ``data`` (the list is built only to fail)."""
        if any(i not in data.ids for i in ids):
            self.check(field, f"instrument ids among {list(data.ids)}", False)

    @classmethod
    def options(cls) -> list[str]:
        """The keyword options of this term (its YAML keys)."""
        return [f.name for f in fields(cls) if f.init]


@term
class ObjectiveTerm(Term):
    """A convex piece of the objective, minimized; an ``affine`` one may be maximized too.

    ``unit`` names the units of ``natural``, the value reports show.
    """

    family: ClassVar[str] = "objective"
    unit: ClassVar[str] = ""
    affine: ClassVar[bool] = False  # linear in the positions: may be maximized too

    def formula(self, ops: Ops, data: Scaled, z: Any, p: Values) -> Any:
        """The term's value in scaled units (money terms per S)."""
        raise NotImplementedError

    def natural(self, value: float, data: Scaled) -> float:
        """The scaled ``value`` in the units of ``unit`` (default money: value x S)."""
        return value * data.scales.money


@term
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
    soft: Annotated[float | None, Range(low=0.0)] = None

    def rows(self, ops: Ops, data: Scaled, z: Any, p: Values) -> list[Row]:
        """The term's rows, named ``<name>`` or ``<name>.<part>``."""
        raise NotImplementedError

    def ledger(self, data: Scaled, z: FloatArray) -> pd.DataFrame | None:
        """A period-by-period cash ledger of positions ``z`` for the report (None: none)."""
        return None

    def box(self, data: Scaled) -> "Box":
        """Limits this term sets on single positions (``ldi.optimize.clean_up`` meets them)."""
        return Box.empty()


@dataclass(frozen=True)
class Box:
    """Limits on single positions: low <= x[index] <= high (money; ±inf: no limit).

    An interior-point answer meets a limit within its tolerance (100,000,000.15 against a
    maximum of 100,000,000): the clean-up re-solve holds a position that close on its
    limit, so a position pinned at an amount is reported at that amount exactly.
    """

    index: IntArray
    low: FloatArray
    high: FloatArray

    @classmethod
    def empty(cls) -> "Box":
        """No limit."""
        return cls(np.zeros(0, dtype=np.intp), np.zeros(0), np.zeros(0))

    @classmethod
    def of(cls, index: IntArray, low: Any = -np.inf, high: Any = np.inf) -> "Box":
        """Limits ``low`` and ``high`` (numbers or arrays) on the positions ``index``."""
        shape = np.shape(index)
        return cls(
            np.asarray(index, dtype=np.intp),
            np.broadcast_to(np.asarray(low, dtype=float), shape).copy(),
            np.broadcast_to(np.asarray(high, dtype=float), shape).copy(),
        )


def violation(ops: Ops, row: Row) -> Any:
    """How far a row is violated, in its own units (0 when it holds)."""
    difference = row.lhs - row.rhs
    if row.sense is Sense.EQ:
        return ops.abs(difference) / row.unit
    return ops.pos(difference if row.sense is Sense.LE else -difference) / row.unit
