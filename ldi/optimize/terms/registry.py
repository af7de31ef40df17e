"""Terms by their YAML key, and building them from problem-file entries with paths in errors.

Every module of ``ldi.optimize.terms`` is imported here, and each term class registers
itself by its ``kind`` (``Term.__init_subclass__``): a new term is found without an edit here.

An entry is a term's key alone (``cost``) or a one-key mapping to its options
(``{hedge_ratio: {risk: rates, min: 0.95}}``). Objective entries may carry ``weight`` (in
[1e-6, 1e6]); constraint entries may carry ``soft`` (a penalty per unit of violation).
"""

import importlib
import pkgutil
import types
import typing
from collections.abc import Mapping
from typing import Any

import ldi.optimize.terms as package
from ldi.errors import SpecError
from ldi.optimize.model import E_WEIGHT as E_WEIGHT_RANGE
from ldi.optimize.model import WEIGHT_MAX, WEIGHT_MIN, ObjectiveItem
from ldi.optimize.terms.base import TERMS, ConstraintTerm, ObjectiveTerm, Term
from ldi.optimize.terms.measures import Measure, MeasureLimit, MeasureObjective
from ldi.validation import is_finite_number, plain

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


E_ENTRY = "{path}: got {value!r}; expected a term name or a one-key mapping {{name: {{options}}}}"
E_UNKNOWN = "{path}: unknown {what} {value!r}; expected one of {known}"
E_OPTIONS = "{path}: got {value!r}; expected a mapping of options"
E_OPTION = "{path}.{key}: unknown option; expected only {known}"
E_WEIGHT = "{path}: got {value!r}; expected a finite number > 0"
E_SHAPE = "{path}: got {value!r}; expected {need}"


def objective_items(section: Mapping[str, Any] | None) -> list[tuple[str, ObjectiveItem]]:
    """(path, item) of each term in ``objective: {minimize: [...], maximize: [...]}``."""
    items = []
    for sense in ("minimize", "maximize"):
        for i, entry in enumerate((section or {}).get(sense) or []):
            path = f"objective.{sense}[{i}]"
            kind, options = _entry(entry, path, OBJECTIVE_TERMS, "objective term")
            weight = _converted(options.pop("weight", 1.0), float)
            where = f"{path}.{kind}.weight"
            if not (is_finite_number(weight) and weight > 0):
                raise SpecError(E_WEIGHT.format(path=where, value=weight), path=where)
            if not WEIGHT_MIN <= weight <= WEIGHT_MAX:
                raise SpecError(E_WEIGHT_RANGE.format(path=where, value=weight), path=where)
            term = build(OBJECTIVE_TERMS[kind], options, f"{path}.{kind}")
            item = ObjectiveItem(term, float(weight), maximize=sense == "maximize")
            items.append((f"{path}.{kind}", item))
    return items


def constraint_terms(entries: list[Any] | None) -> list[tuple[str, ConstraintTerm]]:
    """(path, term) of each entry of ``constraints: [...]``."""
    terms = []
    for i, entry in enumerate(entries or []):
        path = f"constraints[{i}]"
        kind, options = _entry(entry, path, CONSTRAINT_TERMS, "constraint")
        terms.append((f"{path}.{kind}", build(CONSTRAINT_TERMS[kind], options, f"{path}.{kind}")))
    return terms


def _entry(
    entry: Any, path: str, registry: Mapping[str, type[Term]], what: str
) -> tuple[str, dict[str, Any]]:
    if isinstance(entry, str):
        kind, options = entry, {}
    elif isinstance(entry, dict) and len(entry) == 1:
        kind, options = next(iter(entry.items()))
        if options is None:
            options = {}
        if not isinstance(options, dict):
            where = f"{path}.{kind}"
            raise SpecError(E_OPTIONS.format(path=where, value=options), path=where)
    else:
        raise SpecError(E_ENTRY.format(path=path, value=entry), path=path)
    if kind not in registry:
        raise SpecError(
            E_UNKNOWN.format(path=path, what=what, value=kind, known=sorted(registry)), path=path
        )
    return str(kind), dict(options)


def build(cls: type[Term], options: dict[str, Any], path: str) -> Term:
    """A term of class ``cls`` from YAML ``options``; errors carry ``path``."""
    known = cls.options()
    for key in options:
        if key not in known:
            raise SpecError(E_OPTION.format(path=path, key=key, known=known), path=f"{path}.{key}")
    hints = typing.get_type_hints(cls)
    converted = {key: _converted(value, hints[key]) for key, value in options.items()}
    for key, value in converted.items():
        need = _shape(hints[key])
        if need is not None and not _fits(value, hints[key]):
            raise SpecError(
                E_SHAPE.format(path=f"{path}.{key}", value=plain(options[key]), need=need),
                path=f"{path}.{key}",
            )
    try:
        return cls(**converted)
    except SpecError as error:
        field = error.path or ""
        message = str(error)
        prefix = f"{cls.kind}."
        if message.startswith(prefix):
            message = message.removeprefix(prefix)
        full = f"{path}.{field}" if field else path
        raise SpecError(f"{path}.{message}", path=full) from None


def _converted(value: Any, hint: Any) -> Any:
    """``value`` read as the type ``hint`` asks for, where YAML gives another form.

    YAML lists become tuples where a term takes a tuple, and a lone value a 1-tuple. PyYAML
    reads ``40.0e6`` (YAML 1.1) as text, so numeric text becomes a number wherever the type
    has one: an option, a weight, the items of a tuple, the keys and values of a mapping.
    Anything else is left as it is, for the term to report.
    """
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        given = [arg for arg in args if arg is not type(None)]
        return _converted(value, given[0]) if value is not None and len(given) == 1 else value
    if hint is float:
        return _number(value)
    if origin is tuple and value is not None:
        items = value if isinstance(value, list | tuple) else (value,)
        return tuple(_converted(item, args[0]) for item in items)
    if origin is Mapping and isinstance(value, dict):
        key, item = args
        return {_converted(k, key): _converted(v, item) for k, v in value.items()}
    return value


def _shape(hint: Any) -> str | None:
    """What a list, mapping or flag option must look like; None for a plain value.

    Plain numbers and names, and lists of names, are checked by the term itself, with their
    ranges and choices.
    """
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        given = [arg for arg in args if arg is not type(None)]
        return _shape(given[0]) if len(given) == 1 else None
    if hint is bool:
        return "true or false"
    if origin is tuple and args[0] is float:
        return "a list of numbers"
    if origin is Mapping:
        return f"a mapping of {_NOUNS[args[0]]}s to {_NOUNS[args[1]]}s"
    return None


_NOUNS = {float: "number", str: "name"}


def _fits(value: Any, hint: Any) -> bool:
    """True when ``value`` (after ``_converted``) has the form of type ``hint``."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        return any(_fits(value, arg) for arg in args)
    if hint is type(None):
        return value is None
    if hint is bool:
        return isinstance(value, bool)
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is str:
        return isinstance(value, str)
    if origin is tuple:
        return isinstance(value, tuple) and all(_fits(item, args[0]) for item in value)
    if origin is Mapping:
        key, item = args
        return isinstance(value, dict) and all(
            _fits(k, key) and _fits(v, item) for k, v in value.items()
        )
    return True


def _number(value: Any) -> Any:
    """Numeric text as a float; any other value unchanged."""
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    return value
