"""Terms by their YAML key, and the problem file's entries of them as a typed union.

Every module of ``ldi.optimize.terms`` is imported here, and each term class registers
itself by its ``kind`` (``Term.__init_subclass__``): a new term is found without an edit here.

An entry is a term's key alone (``cost``) or a one-key mapping to its options
(``{hedge_ratio: {risk: rates, min: 0.95}}``). Objective entries may carry ``weight`` (in
[1e-6, 1e6]) among their options; constraint entries may carry ``soft`` (a penalty per unit
of violation) and every entry ``name``. ``entries`` validates a list of them: a union of one
model per registered term, told apart by the entry's key, built anew when a term registers.
"""

import importlib
import pkgutil
import types
import typing
from collections.abc import Mapping
from dataclasses import fields
from typing import Annotated, Any, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    TypeAdapter,
    create_model,
    model_validator,
)
from pydantic_core import PydanticCustomError

import ldi.optimize.terms as package
from ldi.optimize.model import E_WEIGHT_NEED, WEIGHT_MAX, WEIGHT_MIN, ObjectiveItem
from ldi.optimize.terms.base import TERMS, ConstraintTerm, ObjectiveTerm, Term, term
from ldi.optimize.terms.measures import Measure, MeasureLimit, MeasureObjective
from ldi.optimize.terms.options import OPTION_ERROR, SHOWN, Range

for _module in pkgutil.iter_modules(package.__path__):  # each term registers itself
    importlib.import_module(f"{package.__name__}.{_module.name}")

OBJECTIVE_TERMS: Mapping[str, type[ObjectiveTerm]] = types.MappingProxyType(
    typing.cast(dict[str, type[ObjectiveTerm]], TERMS["objective"])
)
CONSTRAINT_TERMS: Mapping[str, type[ConstraintTerm]] = types.MappingProxyType(
    typing.cast(dict[str, type[ConstraintTerm]], TERMS["constraint"])
)


def terms_of(measure: type[Measure]) -> tuple[type[MeasureObjective], type[MeasureLimit]]:
    """The registered objective and limit terms of ``measure`` (exactly one of each)."""
    (objective,) = [c for c in OBJECTIVE_TERMS.values() if issubclass(c, measure)]
    (limit,) = [c for c in CONSTRAINT_TERMS.values() if issubclass(c, measure)]
    assert issubclass(objective, MeasureObjective)
    assert issubclass(limit, MeasureLimit)
    return objective, limit


TAG_PREFIX = "kind="  # marks union tags in pydantic error locations; not part of the YAML path
ENTRY_ERROR = "term_entry"  # the pydantic error type of an entry of the wrong form
E_ENTRY = "expected a term name or a one-key mapping {name: {options}}"
WHAT = {"objective": "objective term", "constraint": "constraint"}


def _weight_range(value: float) -> float:
    if not WEIGHT_MIN <= value <= WEIGHT_MAX:
        raise PydanticCustomError(OPTION_ERROR, E_WEIGHT_NEED, {SHOWN: value})
    return value


Weight = Annotated[float, Range(above=0.0), AfterValidator(_weight_range)]
"""An objective term's weight: > 0, within [WEIGHT_MIN, WEIGHT_MAX]."""


class TermEntry(BaseModel):
    """One entry of a term list: a single key, the term's, mapping to its options.

    ``budget`` and ``{budget: }`` are ``{budget: {}}``. Subclasses (one per term, built by
    ``entries``) have the one field.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    @model_validator(mode="before")
    @classmethod
    def _one_key(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {data: {}}
        if isinstance(data, dict) and len(data) == 1:
            ((kind, options),) = data.items()
            return {kind: {} if options is None else options}
        return data

    @property
    def kind(self) -> str:
        """The term's YAML key."""
        (kind,) = type(self).model_fields
        return kind

    @property
    def term(self) -> Term:
        """The term as its class builds it (an objective term without its weight)."""
        built = getattr(self, self.kind)
        cls = TERMS[built.family][self.kind]
        if type(built) is cls:
            return built
        return cls(**{f.name: getattr(built, f.name) for f in fields(cls) if f.init})

    def item(self, maximize: bool) -> ObjectiveItem:
        """An objective entry as an item: its term, weight and sense."""
        term = self.term
        assert isinstance(term, ObjectiveTerm)
        return ObjectiveItem(term, getattr(self, self.kind).weight, maximize=maximize)


def _nullable(schema: dict[str, Any]) -> None:
    """An entry's options may be left empty (``{budget: }``)."""
    options = dict(schema)
    schema.clear()
    schema["anyOf"] = [options, {"type": "null"}]


def _weighted(cls: type[ObjectiveTerm]) -> type[ObjectiveTerm]:
    """``cls`` with a ``weight`` option: what an objective entry's options are."""
    namespace = {
        "__annotations__": {"weight": Weight},
        "weight": 1.0,
        "__module__": cls.__module__,
        "__qualname__": cls.__qualname__,
        "__doc__": cls.__doc__,
    }
    return term(types.new_class(cls.__name__, (cls,), {}, lambda ns: ns.update(namespace)))


def _entry(family: str, kind: str, cls: type[Term]) -> type[TermEntry]:
    options = _weighted(cls) if family == "objective" else cls  # type: ignore[arg-type]
    field = Field(json_schema_extra=_nullable, description=(cls.__doc__ or "").split("\n")[0])
    return create_model(f"{cls.__name__}Entry", __base__=TermEntry, **{kind: (options, field)})


def _tag(registry: Mapping[str, type[Term]]) -> Any:
    """Discriminator callable: the entry's one key (None: not an entry, or no such term)."""

    def tag(value: Any) -> str | None:
        if isinstance(value, TermEntry):
            return f"{TAG_PREFIX}{value.kind}"
        if isinstance(value, str):
            kind = value
        elif isinstance(value, dict) and len(value) == 1:
            kind = next(iter(value))
        else:
            return None
        return f"{TAG_PREFIX}{kind}" if kind in registry else None

    return tag


_ADAPTERS: dict[str, tuple[tuple[Any, ...], TypeAdapter[Any]]] = {}


def entries(family: str) -> TypeAdapter[Any]:
    """A validator of a list of ``family``'s entries, for the terms registered now.

    An entry of the wrong form, or naming no term, is an error of type ``term_entry`` whose
    context names the family (``what``): ``ldi.io.errors`` words it, listing the known keys.
    """
    registry = TERMS[family]
    key = tuple(registry.items())
    known = _ADAPTERS.get(family)
    if known is None or known[0] != key:  # one per family: a term taken out is let go
        members = tuple(
            Annotated[_entry(family, kind, cls), Tag(f"{TAG_PREFIX}{kind}")]
            for kind, cls in registry.items()
        )
        union = Annotated[
            Union[members],  # noqa: UP007 (a union built from a tuple needs the subscript form)
            Discriminator(
                _tag(registry),
                custom_error_type=ENTRY_ERROR,
                custom_error_message=E_ENTRY,
                custom_error_context={"what": WHAT[family]},
            ),
        ]
        _ADAPTERS[family] = known = key, TypeAdapter(list[union])
    return known[1]
