"""The limits of ``bounds`` terms against the instruments, checked at validation.

The terms (``ldi.optimize.terms``) check their own options, ranges, plausible sizes and
order (min <= max) included; here the limits of ``bounds`` are checked for size
(``ldi.plausible``) and, on positions that ``long_only`` keeps from going negative, for
sign: a negative limit there is a slip (infeasible as a maximum, void as a minimum).
"""

from collections.abc import Mapping, Sequence
from dataclasses import fields
from typing import Any

from ldi.instruments import KINDS
from ldi.plausible import FRACTION, MONEY, Plausible

LIMITS: Mapping[str, Plausible] = {
    "min": MONEY,
    "max": MONEY,
    "min_fraction": FRACTION,
    "max_fraction": FRACTION,
}
LONG_ONLY_ROLES = ("physical", "financing")  # LongOnly.roles (the optimizer imports cvxpy)
E_SIGN = (
    "expected a limit >= 0: {ids} cannot be negative under long_only (exclude {them} from "
    "long_only to allow a negative position)"
)

Problem = tuple[tuple[int | str, ...], Any, str]
"""Where a limit is (index in ``constraints``, ``bounds``, key), its value, what is wrong."""


def bounds_problems(
    constraints: Sequence[Any], instruments: Sequence[Any], groups: Mapping[str, Sequence[str]]
) -> list[Problem]:
    """Every implausible limit of the ``bounds`` entries of ``constraints``.

    ``instruments`` are the validated instrument specs (``id`` and ``kind``); ``groups`` the
    user groups; ``constraints`` the validated entries. Entries that name unknown ids or
    groups are left to the terms, which report them with their paths when the model is built.
    """
    short_ok = _may_be_negative(constraints, instruments)
    problems: list[Problem] = []
    for i, entry in enumerate(constraints):
        kind, options = _term(entry)
        if kind != "bounds":
            continue
        limits = {k: _number(v) for k, v in options.items() if k in LIMITS}
        limits = {k: v for k, v in limits.items() if v is not None}
        for key, value in limits.items():
            if value not in LIMITS[key]:
                problems.append(((i, kind, key), value, LIMITS[key].expected(value)))
        targets = _targets(options, instruments, groups)
        if targets and not any(short_ok[t] for t in targets):
            them = "it" if len(targets) == 1 else "them"
            message = E_SIGN.format(ids=", ".join(targets), them=them)
            reported = {loc[2] for loc, _, _ in problems if loc[0] == i}
            problems += [
                ((i, kind, k), v, message) for k, v in limits.items() if v < 0 and k not in reported
            ]
    return problems


def _term(entry: Any) -> tuple[str, dict[str, Any]]:
    """(key, options) of a validated constraint entry (``TermEntry``)."""
    term = entry.term
    return entry.kind, {f.name: getattr(term, f.name) for f in fields(term) if f.init}


def _number(value: Any) -> float | None:
    """A finite number, or numeric text (YAML 1.1 reads 40.0e6 as text), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if abs(number) < float("inf") else None


def _may_be_negative(constraints: Sequence[Any], instruments: Sequence[Any]) -> dict[str, bool]:
    """By id: True unless a ``long_only`` term (listed, or the default) covers the position."""
    listed = [options for kind, options in map(_term, constraints) if kind == "long_only"]
    rules = listed or [{}]
    may = {}
    for item in instruments:
        role = KINDS[item.kind].role.value
        covered = False
        for options in rules:
            roles = (options or {}).get("roles", LONG_ONLY_ROLES)
            exclude = (options or {}).get("exclude", ())
            if not isinstance(roles, list | tuple) or not isinstance(exclude, list | tuple):
                return {i.id: True for i in instruments}  # malformed: the term reports it
            covered = covered or (role in roles and item.id not in exclude)
        may[item.id] = not covered
    return may


def _targets(
    options: Mapping[str, Any], instruments: Sequence[Any], groups: Mapping[str, Sequence[str]]
) -> list[str]:
    """The ids a ``bounds`` entry limits; empty when it names an unknown id or group."""
    ids = {item.id for item in instruments}
    if isinstance(options.get("instrument"), str):
        named = [options["instrument"]]
    elif isinstance(options.get("instruments"), list | tuple):
        named = list(options["instruments"])
    elif isinstance(options.get("group"), str):
        group = options["group"]
        if group in groups:
            named = list(groups[group])
        else:
            named = [
                item.id for item in instruments if group in (item.kind, KINDS[item.kind].role.value)
            ]
    else:
        return []
    return named if named and all(isinstance(n, str) and n in ids for n in named) else []
