"""The limits and sizes of terms' options, checked at validation.

The terms (``ldi.optimize.terms``) check their options' types and signs when they are
built; here each option of ``OPTION_RANGES`` is checked for size (``ldi.plausible``), a
``cashflow_matching`` ledger for its number of periods, and the limits of ``bounds`` for
order (min <= max) and, on positions that ``long_only`` keeps from going negative, for
sign: a negative limit there is a slip (infeasible as a maximum, void as a minimum).
"""

from collections.abc import Mapping, Sequence
from typing import Any

from ldi.instruments import KINDS
from ldi.plausible import (
    FRACTION,
    HEDGE_RATIO,
    IMPACT,
    LEVERAGE,
    LIMIT_BP,
    MAX_PERIODS,
    MONEY,
    PERIOD,
    SURPLUS_VOLATILITY,
    TRADE_VOLUME,
    TURNOVER,
    YEARS,
    Plausible,
)

LIMITS: Mapping[str, Plausible] = {
    "min": MONEY,
    "max": MONEY,
    "min_fraction": FRACTION,
    "max_fraction": FRACTION,
}
COLLATERAL_MOVES: Mapping[str, Plausible] = {
    "yield_rise_bp": LIMIT_BP,
    "operational_bp": LIMIT_BP,
    "breakeven_fall_bp": LIMIT_BP,
}
OPTION_RANGES: Mapping[str, Mapping[str, Plausible]] = {
    "cashflow_matching": {"horizon": YEARS, "period": PERIOD, "borrowing_limit": MONEY},
    "hedge_ratio": {"min": HEDGE_RATIO, "max": HEDGE_RATIO},
    "leverage": {"max": LEVERAGE},
    "turnover": {"max": TURNOVER},
    "budget": {"capital": MONEY, "contribution": MONEY},
    "transaction_costs": {"impact": IMPACT, "impact_volume": TRADE_VOLUME},
    "surplus_volatility": {"max": SURPLUS_VOLATILITY},
    "collateral_buffer": COLLATERAL_MOVES,
    "liquidity_coverage": COLLATERAL_MOVES,
}
"""By term name, the plausible range of each option that has one (``bounds``: ``LIMITS``)."""
E_PERIODS = (
    "expected at most {most} periods (horizon / period), got {count:.0f}; a longer period or "
    "a shorter horizon"
)
PAIRS = (("min", "max"), ("min_fraction", "max_fraction"))
LONG_ONLY_ROLES = ("physical", "financing")  # LongOnly.roles (the optimizer imports cvxpy)
E_ORDER = "above {upper} {bound!r}; expected {lower} <= {upper}"
E_SIGN = (
    "expected a limit >= 0: {ids} cannot be negative under long_only (exclude {them} from "
    "long_only to allow a negative position)"
)

Problem = tuple[tuple[int | str, ...], Any, str]
"""Where a limit is (index in ``constraints``, ``bounds``, key), its value, what is wrong."""


def option_problems(entries: Sequence[Any]) -> list[Problem]:
    """Every option of ``entries`` (terms) outside its range in ``OPTION_RANGES``.

    Also a ``cashflow_matching`` ledger of more than ``MAX_PERIODS`` periods. Malformed
    entries and options are left to the term registry.
    """
    problems: list[Problem] = []
    for i, entry in enumerate(entries):
        kind, options = _term(entry)
        ranges = OPTION_RANGES.get(kind or "", {})
        if options is None or not ranges:
            continue
        numbers = {k: _number(v) for k, v in options.items() if k in ranges}
        numbers = {k: v for k, v in numbers.items() if v is not None}
        wrong = {k: v for k, v in numbers.items() if v not in ranges[k]}
        problems += [((i, kind, k), v, ranges[k].expected(v)) for k, v in wrong.items()]
        if kind == "cashflow_matching" and not wrong and "horizon" in numbers:
            count = numbers["horizon"] / numbers.get("period", 1.0)
            if count > MAX_PERIODS:
                message = E_PERIODS.format(most=MAX_PERIODS, count=count)
                problems.append(((i, kind, "period"), numbers.get("period", 1.0), message))
    return problems


def bounds_problems(
    constraints: Sequence[Any], instruments: Sequence[Any], groups: Mapping[str, Sequence[str]]
) -> list[Problem]:
    """Every implausible limit of the ``bounds`` entries of ``constraints``.

    ``instruments`` are the validated instrument specs (``id`` and ``kind``); ``groups`` the
    user groups. Entries that are malformed, or name unknown ids or groups, are left to the
    term registry, which reports them with their paths.
    """
    short_ok = _may_be_negative(constraints, instruments)
    problems: list[Problem] = []
    for i, entry in enumerate(constraints):
        kind, options = _term(entry)
        if kind != "bounds" or options is None:
            continue
        limits = {k: _number(v) for k, v in options.items() if k in LIMITS}
        limits = {k: v for k, v in limits.items() if v is not None}
        for key, value in limits.items():
            if value not in LIMITS[key]:
                problems.append(((i, kind, key), value, LIMITS[key].expected(value)))
        for lower, upper in PAIRS:
            if lower in limits and upper in limits and limits[lower] > limits[upper]:
                message = E_ORDER.format(lower=lower, upper=upper, bound=limits[upper])
                problems.append(((i, kind, lower), limits[lower], message))
        targets = _targets(options, instruments, groups)
        if targets and not any(short_ok[t] for t in targets):
            them = "it" if len(targets) == 1 else "them"
            message = E_SIGN.format(ids=", ".join(targets), them=them)
            reported = {loc[2] for loc, _, _ in problems if loc[0] == i}
            problems += [
                ((i, kind, k), v, message) for k, v in limits.items() if v < 0 and k not in reported
            ]
    return problems


def _term(entry: Any) -> tuple[str | None, Mapping[str, Any] | None]:
    """(name, options) of a constraint entry: ``name`` or ``{name: {options}}``."""
    if isinstance(entry, str):
        return entry, {}
    if isinstance(entry, Mapping) and len(entry) == 1:
        name, options = next(iter(entry.items()))
        options = {} if options is None else options
        return str(name), options if isinstance(options, Mapping) else None
    return None, None


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
