"""The liabilities' benefit table: read, split by tranche and member status, indexed.

Rows are payments (``time`` or ``date``, ``fixed``, ``inflation_linked``), optionally with a
``status`` (pensioner, deferred, …) and a ``tranche`` naming one of ``liabilities.tranches``,
whose indexation uprates that row's real amount. Without tranches, ``liabilities.indexation``
uprates every real amount. A ``deferred_until`` (years, blank for a pension in payment)
revalues a deferred pension to then by its tranche's ``revaluation`` (the index, clipped
cumulatively), after which it increases as a pension in payment.
"""

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ldi.cashflows.cashflows import Cashflows, row_names, without_past_flows
from ldi.cashflows.indexation import Indexation, Revaluation
from ldi.cashflows.tranches import Stream, Tranches
from ldi.errors import DataError, LDIWarning, SpecError
from ldi.io.errors import located
from ldi.io.members import Membership, membership, projected
from ldi.io.schema import LiabilitiesSpec, PastFlows, ProblemSpec
from ldi.io.tables import read_table
from ldi.members.projection import PENSION, pension_columns
from ldi.storage.files import confined
from ldi.validation import plain

E_LABEL = "{where}: got {value}; expected {what} on every row"
RESERVED = ("fixed", "inflation_linked", "total")  # the other rows of liability risk
E_RESERVED = (
    "{where}: {column} {names} is the name of a liability risk row; expected a {noun} such "
    "as {example}"
)
E_NO_ROWS = "{where}: got no rows; expected at least one payment"
E_UNKNOWN_TRANCHE = (
    "{where}: got {value!r}; expected a tranche of liabilities.tranches, one of {names}"
)
E_TRANCHE_COLUMN = (
    "{where}: has no 'tranche' column; expected one naming one of liabilities.tranches {names} "
    "on every row"
)
E_UNDECLARED = (
    "{where}: has a 'tranche' column but liabilities.tranches is empty; expected "
    "liabilities.tranches to declare each tranche's indexation"
)
E_UNUSED_TRANCHE = "liabilities.tranches.{name}: no row of {where} names it; expected some rows"
E_BOTH = (
    "liabilities.indexation: given with liabilities.tranches; expected the indexation of each "
    "tranche in liabilities.tranches instead"
)
E_DEFERRED_NEEDS_TRANCHES = (
    "{where}: has a 'deferred_until' column without liabilities.tranches; expected tranches "
    "(each with its revaluation in deferment) for deferred pensions"
)
E_DEFERRED = "{where}: got {value!r}; expected years >= 0, or a blank cell"
E_DEFERRED_AFTER = (
    "{where}: got {value!r}, after the payment at {time!r}; expected the end of the deferment "
    "on or before the first payment"
)
E_MEMBERS_DATE = (
    "valuation_date: got none; expected a date (YYYY-MM-DD) with liabilities.members, whose "
    "mortality improves to the valuation's year"
)
E_PENSION_COLUMN = (
    "liabilities.members.file: {where} has column {column!r}; expected pension:<tranche> "
    "columns naming tranches of liabilities.tranches {names}"
)
E_FIXED_INDEXED = (
    "liabilities.members.basis.fixed: got {value!r}, a tranche with an index, floor or cap; "
    "expected only tranches whose pensions do not increase"
)
W_FULL_INDEX = (
    "liabilities.members: tranche {name!r} has no floor or cap and is not in basis.fixed, so "
    "its pensions are projected as increasing by the full index; list it in basis.fixed if "
    "they do not increase"
)
E_SHARED_NAME = (
    "liabilities.tranches: {names} also name a member status; expected tranche and status "
    "names apart (each is a row of the liability risk)"
)
LABELS = {  # column: (what every row needs, the noun, examples)
    "status": ("a member status such as 'pensioner'", "member status", "'pensioner' or 'deferred'"),
    "tranche": ("a tranche name", "tranche name", "'pre_1997' or 'lpi_5'"),
}


def read_membership(
    section: LiabilitiesSpec, spec: ProblemSpec, base_dir: Path
) -> Membership | None:
    """The members of ``liabilities.members`` with their basis, read once (None: a table).

    Their pension columns must name declared tranches (``_check_member_tranches``).
    """
    members = section.members
    if members is None:
        return None
    if spec.valuation_date is None:
        raise SpecError(E_MEMBERS_DATE, path="valuation_date")
    where = Path(members.file).name
    with located("liabilities.members"):
        people = read_table(confined(members.file, base_dir, "liabilities.members.file"), where)
        _check_member_tranches(section, people, where)
        basis = "liabilities.members.basis"
        return membership(people, where, members.basis, spec.valuation_date, base_dir, basis)


def load_benefits(
    section: LiabilitiesSpec,
    spec: ProblemSpec,
    rules: Mapping[str, Indexation],
    base_dir: Path,
    members: Membership | None = None,
) -> tuple[Stream, dict[str, Stream]]:
    """The benefits, and the same benefits by member status when the table has a status.

    ``rules`` gives the indexation of each tranche (``liabilities.tranches``), or of every
    flow under the one key ``""`` when there are no tranches. ``members``: the membership
    of ``liabilities.members`` (``read_membership``), projected here.
    """
    path = "liabilities.members" if section.members is not None else "liabilities.cashflows"
    if section.tranches and section.indexation is not None:
        raise SpecError(E_BOTH, path="liabilities.indexation")
    with located(path):
        frame, where, cell, blank = _frame(section, spec, base_dir, members)
        status = _labels(frame, "status", (cell, blank), where)
        tranche = _labels(frame, "tranche", (cell, blank), where)
        _check_tranches(tranche, rules, where, cell)
        until = _deferment(frame, tranche, where, cell)

        def flows(part: pd.DataFrame, rule: Indexation) -> Cashflows:
            cf = Cashflows.from_frame(
                part, spec.valuation_date, where=where, allow_negative=section.allow_negative
            )
            _check_paid_after_deferment(cf, rule, row_names(part.index), cell)
            return Cashflows(cf.times, cf.amounts, cf.inflation_linked, rule).aggregate()

        def tranche_stream(rows: pd.DataFrame, rule: Indexation) -> Stream:
            """A tranche's rows: in payment, then each deferment's cohort revalued to its end."""
            ends = until.loc[rows.index]
            if not ends.any():
                return flows(rows, _revalued(rule, 0.0))
            cohorts = {
                _cohort(end): flows(rows[ends == end], _revalued(rule, float(end)))
                for end in sorted(ends.unique())
            }
            return Tranches(cohorts)

        def stream(rows: pd.DataFrame) -> Stream:
            if tranche is None:
                return flows(rows, rules[""])
            mine = tranche.loc[rows.index]
            parts = {name: rows[mine == name] for name in rules}
            return Tranches(
                {name: tranche_stream(p, rules[name]) for name, p in parts.items() if len(p)}
            )

        total = stream(frame)
        if status is None:
            return total, {}
        if tranche is not None and set(status) & set(tranche):
            raise SpecError(
                E_SHARED_NAME.format(names=sorted(set(status) & set(tranche))),
                path="liabilities.tranches",
            )
        groups = frame.groupby(status, sort=False)
        return total, {str(key): stream(part) for key, part in groups}


def rebuilt_benefits(
    section: LiabilitiesSpec,
    spec: ProblemSpec,
    rules: Mapping[str, Indexation],
    base_dir: Path,
    members: Membership,
    factors: Mapping[str, float],
) -> Stream:
    """The members' benefits with each sex's rates times ``factors[sex]`` (``Longevity``)."""
    return load_benefits(section, spec, rules, base_dir, members.scaled(factors))[0]


def _frame(
    section: LiabilitiesSpec,
    spec: ProblemSpec,
    base_dir: Path,
    members: Membership | None,
) -> tuple[pd.DataFrame, str, str, str]:
    """The benefit table, its name in messages, how a label cell and a blank one are named."""
    path = "liabilities.cashflows"
    if section.members is not None:
        assert members is not None, "read_membership gives the members"
        where = members.name
        frame = projected(members, "liabilities.members.basis")
        cell, blank = f"{where} (projected).{{column}}[{{i}}]", "a blank cell"
    elif isinstance(section.cashflows, str):
        where = Path(section.cashflows).name
        frame = read_table(confined(section.cashflows, base_dir, path), where)
        cell, blank = f"{where}.{{column}}[{{i}}]", "a blank cell"
    else:
        where = path
        rows = [row.model_dump(exclude_none=True) for row in section.cashflows]
        frame = pd.DataFrame(rows).reindex(columns=_row_columns(rows))
        cell, blank = f"{path}[{{i}}].{{column}}", "no {column}"
    if section.past_flows is PastFlows.DROP:
        frame = without_past_flows(frame, spec.valuation_date, where)
    if frame.empty:
        raise DataError(E_NO_ROWS.format(where=where))
    return frame, where, cell, blank


def _check_member_tranches(section: LiabilitiesSpec, people: pd.DataFrame, where: str) -> None:
    """Pension columns name declared tranches; ``fixed`` names only tranches without increases.

    A declared tranche with no index, floor or cap that ``fixed`` leaves out is projected
    as increasing by the full index: a warning says so, as it is seldom what a scheme pays.
    """
    assert section.members is not None
    declared = section.tranches
    columns = pension_columns(people)
    for column in columns:
        if column.removeprefix(PENSION) not in declared:
            raise SpecError(
                E_PENSION_COLUMN.format(where=where, column=column, names=sorted(declared)),
                path="liabilities.members.file",
            )
    fixed = section.members.basis.fixed
    # A tranche with an index, a floor or a cap increases; one with none is fixed or full.
    bare = {
        name: rule.floor is None and rule.cap is None and rule.index is None
        for name, rule in declared.items()
    }
    for name in fixed:
        if not bare.get(name, True):
            raise SpecError(
                E_FIXED_INDEXED.format(value=name), path="liabilities.members.basis.fixed"
            )
    for name, open_ended in bare.items():
        if open_ended and name not in fixed and f"{PENSION}{name}" in columns:
            warnings.warn(W_FULL_INDEX.format(name=name), LDIWarning, stacklevel=3)


def _labels(
    frame: pd.DataFrame, column: str, names: tuple[str, str], where: str
) -> pd.Series | None:
    """Column ``column`` popped from ``frame``, stripped; every row must have a label.

    ``names`` are the formats naming a cell of the column and a blank one.
    """
    cell, blank = names
    if column not in frame.columns:
        return None
    values = frame.pop(column)
    what, noun, example = LABELS[column]
    for i, value in zip(row_names(values.index), values, strict=True):
        if not isinstance(value, str) or not value.strip():
            shown = blank.format(column=column) if pd.isna(value) else repr(value)
            where = cell.format(column=column, i=i)
            raise DataError(E_LABEL.format(where=where, value=shown, what=what))
    labels = values.str.strip()
    reserved = sorted(set(labels) & set(RESERVED))
    if reserved:
        raise DataError(
            E_RESERVED.format(
                where=where, column=column, names=reserved, noun=noun, example=example
            )
        )
    return labels


def _check_tranches(
    tranche: pd.Series | None, rules: Mapping[str, Indexation], where: str, cell: str
) -> None:
    """Every row names a declared tranche, and every declared tranche has rows.

    A row is named as written (its label in ``tranche``'s index), with the ``cell`` format.
    """
    declared = [name for name in rules if name]
    if tranche is None:
        if declared:
            raise DataError(E_TRANCHE_COLUMN.format(where=where, names=declared))
        return
    if not declared:
        raise DataError(E_UNDECLARED.format(where=where))
    unknown = ~tranche.isin(declared)
    if unknown.any():
        i = int(unknown.to_numpy().argmax())
        row = row_names(tranche.index)[i]
        raise DataError(
            E_UNKNOWN_TRANCHE.format(
                where=cell.format(column="tranche", i=row), value=tranche.iloc[i], names=declared
            )
        )
    unused = [name for name in declared if not (tranche == name).any()]
    if unused:
        raise SpecError(
            E_UNUSED_TRANCHE.format(name=unused[0], where=where),
            path=f"liabilities.tranches.{unused[0]}",
        )


def _deferment(frame: pd.DataFrame, tranche: pd.Series | None, where: str, cell: str) -> pd.Series:
    """Column ``deferred_until`` popped from ``frame``: years >= 0, 0 for a blank cell."""
    if "deferred_until" not in frame.columns:
        return pd.Series(0.0, index=frame.index)
    if tranche is None:
        raise DataError(E_DEFERRED_NEEDS_TRANCHES.format(where=where))
    raw = frame.pop("deferred_until")
    values = pd.to_numeric(raw, errors="coerce")
    bad = (raw.notna() & ~np.isfinite(values)) | (values < 0)
    if bad.any():
        i = int(bad.to_numpy().argmax())
        row = row_names(raw.index)[i]
        place = cell.format(column="deferred_until", i=row)
        raise DataError(E_DEFERRED.format(where=place, value=plain(raw.iloc[i])))
    return values.fillna(0.0)


def _check_paid_after_deferment(
    flows: Cashflows, rule: Indexation, rows: Sequence[object], cell: str
) -> None:
    """A deferred pension is paid from the end of its deferment, not before."""
    until = 0.0 if rule.revaluation is None else rule.revaluation.until
    early = np.flatnonzero(flows.times < until)
    if early.size:
        i = int(early[0])
        where = cell.format(column="deferred_until", i=rows[i])
        message = E_DEFERRED_AFTER.format(where=where, value=until, time=float(flows.times[i]))
        raise DataError(message)


def _revalued(rule: Indexation, until: float) -> Indexation:
    """``rule`` with its revaluation in deferment ending at ``until`` (the index if none).

    At ``until`` 0 (a pension in payment) there is no revaluation.
    """
    if until == 0:
        return replace(rule, revaluation=None)
    template = rule.revaluation or Revaluation(0.0)
    ending = Revaluation(until, template.floor, template.cap, where=f"{rule.where}.revaluation")
    return replace(rule, revaluation=ending)


def _cohort(until: float) -> str:
    """A deferment cohort's name: 'in payment', or e.g. 'deferred to 12y'."""
    return "in payment" if until == 0 else f"deferred to {until:g}y"


def _row_columns(rows: list[dict[str, Any]]) -> list[str]:
    """Columns of inline rows in schema order; the optional ones when some row has them."""
    columns = ["time", "fixed", "inflation_linked"]
    optional = ("status", "tranche", "deferred_until")
    return columns + [c for c in optional if any(c in row for row in rows)]
