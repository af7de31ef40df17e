"""Infeasibility diagnosis: which limits conflict, and how far each would have to move.

The elastic problem gives every hard row a slack in the row's own units and minimizes their
sum. The rows it relaxes, and the rows holding firm against them (those whose multipliers
are not zero in the elastic solution), are the limits in conflict. Each of them is then
relaxed alone (the others held) to find the single change that would restore feasibility;
a vector row (``long_only``, one entry per instrument) is relaxed entry by entry, or as a
whole when more than MAX_ALONE of its entries conflict (its ``needed_alone`` values are
then what its entries would need together).

No other row can restore feasibility alone: the elastic multipliers are a Farkas
certificate of infeasibility, and a row entry they leave out (multiplier zero) can be
removed without breaking it. An elastic solve that relaxes nothing refutes the verdict: the
diagnosis is then ``feasible``.

An unbounded problem is solved again with every position boxed, |z_i| <= BOX and then
10 BOX (in units of S), and a cost of INDIFFERENT per unit of |z_i| (so that a position the
objective is indifferent to stays at 0): the positions that grow with the box (at least
GROWTH times, to at least RUNAWAY of the larger box) are the ones that run away.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ldi.display import figure
from ldi.lazy import lazy_module
from ldi.optimize.context import NumpyOps
from ldi.optimize.model import OPEN, Compiled, Model
from ldi.optimize.result import Diagnosis, row_labels, row_numbers
from ldi.optimize.solvers import Status, run

cp = lazy_module("cvxpy")  # imported at the first solve

RELAXED = 1e-7  # a slack above this (in the row's units) counts as a relaxation
ACTIVE = 1e-6  # a multiplier above this fraction of the largest marks a conflicting row
# A vector row with more conflicting entries than this is relaxed as a whole (one solve):
# a menu of hundreds of single short positions costs a solve each and helps nobody.
MAX_ALONE = 20
COLUMNS = ["term", "sense", "bound", "needed", "relaxation", "needed_alone"]
BOX = 1e3  # the first box on every |position| / S that finds what runs away; then 10 x
GROWTH = 5.0  # a position growing this many times from one box to the next runs away
RUNAWAY = 1e-3  # ... and reaches at least this fraction of the larger box
INDIFFERENT = 1e-6  # a gain per unit of position / S below this does not make it run away
NAMED = 5  # runaway positions the message names
RUNAWAY_COLUMNS = ["direction"]
E_FEASIBLE = (
    "the solver said infeasible, but an elastic re-solve meets every limit (no row needs "
    "relaxing): the verdict is wrong"
)
E_RUNAWAY = (
    "{names} grow without limit while the objective improves (each reaches the bound of "
    "+/-{box:,.0f} put on every position to find them); limit them, e.g. with budget, bounds "
    "or leverage"
)
E_NO_RUNAWAY = (
    "the positions that run away could not be named: with every position within "
    "+/-{box:,.0f} the problem is {status}"
)


def diagnose(
    model: Model, order: Sequence[str], options: Mapping[str, Mapping[str, Any]]
) -> Diagnosis:
    """Diagnose an infeasible model (see the module docstring)."""
    elastic = model.elastic
    _open(elastic)
    status, _, _ = run(elastic.problem, order, options)
    if status is not Status.OPTIMAL:
        return Diagnosis(pd.DataFrame(columns=COLUMNS), f"the elastic problem is {status.value}")
    joint = _needed(model, elastic)
    relaxed = joint["relaxation"] > RELAXED
    if not relaxed.any():
        return Diagnosis(pd.DataFrame(columns=COLUMNS), E_FEASIBLE, feasible=True)
    firm = _holding_firm(elastic)
    moved = set(joint.index[relaxed]) | set(firm)
    conflict = joint[joint.index.isin(moved)]
    rows = conflict.groupby("row_name", sort=False).groups
    together = {name for name, entries in rows.items() if len(entries) > MAX_ALONE}
    # One relaxation per entry, or per vector row when it has too many entries to try each.
    trials: list[list[str]] = []
    for name, entries in rows.items():
        labels = [str(label) for label in entries]
        trials += [labels] if name in together else [[label] for label in labels]
    alone: dict[str, float] = {}
    for labels in trials:
        _open(elastic, set(labels))
        status, _, _ = run(elastic.problem, order, options)
        if status is Status.OPTIMAL:
            single = _needed(model, elastic).loc[labels]
            moved_alone = single[single["relaxation"] > RELAXED]
            alone.update(moved_alone["needed"].astype(float).to_dict())
    _open(elastic)
    table = conflict.copy()
    table.loc[table["relaxation"] <= RELAXED, ["needed", "relaxation"]] = np.nan
    table["needed_alone"] = [alone.get(label, np.nan) for label in table.index]
    table = table.sort_values("relaxation", ascending=False, na_position="last")
    return Diagnosis(table[COLUMNS], message(table, together))


def runaway(
    model: Model, order: Sequence[str], options: Mapping[str, Mapping[str, Any]]
) -> Diagnosis:
    """The positions of an unbounded model that run away (see the module docstring)."""
    compiled = model.compiled
    z, problem = compiled.z, compiled.problem
    money = model.scales.money
    found = []
    # A position the objective is indifferent to would land anywhere in the box: a small
    # cost per unit keeps it at 0, so only the positions that improve the objective move.
    objective = cp.Minimize(problem.objective.expr + INDIFFERENT * cp.norm1(z))
    for box in (BOX, 10 * BOX):
        boxed = cp.Problem(objective, [*problem.constraints, z <= box, z >= -box])
        status, _, _ = run(boxed, order, options)
        if status not in (Status.OPTIMAL, Status.INACCURATE) or z.value is None:
            message = E_NO_RUNAWAY.format(box=box * money, status=status.value)
            return Diagnosis(pd.DataFrame(columns=RUNAWAY_COLUMNS), message, "Unbounded")
        found.append(np.asarray(z.value, dtype=float))
    small, large = (np.abs(v) for v in found)
    runs = (large >= GROWTH * small) & (large >= RUNAWAY * 10 * BOX)
    ids = model.scaled.ids[runs]
    directions = np.where(found[1][runs] > 0, "long", "short")
    table = pd.DataFrame({"direction": directions}, index=pd.Index(ids, name="instrument"))
    if table.empty:
        message = E_NO_RUNAWAY.format(box=10 * BOX * money, status="bounded by other limits")
        return Diagnosis(table, message, "Unbounded")
    named = [f"{i} ({d})" for i, d in table["direction"].items()]
    more = len(named) - NAMED
    names = _listed(named) if more <= 0 else f"{', '.join(named[:NAMED])} and {more} more"
    return Diagnosis(table, E_RUNAWAY.format(names=names, box=10 * BOX * money), "Unbounded")


def _open(elastic: Compiled, labels: set[str] | None = None) -> None:
    """Let every slack move (``labels`` None), or only those of the row entries ``labels``."""
    for _, row, _ in elastic.rows:
        cap = elastic.caps[row.name]
        shut = [labels is not None and entry not in labels for entry in row_labels(row)]
        cap.value = np.where(np.reshape(shut, cap.shape), 0.0, OPEN)


def _holding_firm(elastic: Compiled) -> list[str]:
    """Row entries whose elastic constraints carry a multiplier: they resist the relaxation."""
    strength: dict[str, float] = {}
    for _, row, built in elastic.rows:
        labels = row_labels(row)
        duals = np.zeros(len(labels))
        for constraint in built[1:]:  # built[0] caps the slack; the rest hold the row
            if constraint.dual_value is not None:
                duals = np.maximum(duals, np.abs(np.atleast_1d(constraint.dual_value)))
        strength.update(zip(labels, duals, strict=True))
    largest = max(strength.values(), default=0.0)
    if largest <= 0:
        return []
    return [label for label, dual in strength.items() if dual > ACTIVE * largest]


def _needed(model: Model, elastic: Compiled) -> pd.DataFrame:
    """Per row entry of the elastic solution: bound, value reached and slack used."""
    z = elastic.z.value
    ops = NumpyOps({k: v.value for k, v in elastic.ops.variables.items()})
    records = []
    for term in model.constraints:
        if term.soft is not None:
            continue
        for row in term.rows(ops, model.scaled, z, model.values(term)):
            value, bound, _ = row_numbers(row)
            slack = np.atleast_1d(elastic.slacks[row.name].value)
            for i, label in enumerate(row_labels(row)):
                records.append(
                    {
                        "row": label,
                        "row_name": row.name,
                        "term": term.name,
                        "sense": row.sense.value,
                        "bound": float(bound[i]),
                        "needed": float(value[i]),
                        "relaxation": float(slack[i]),
                    }
                )
    return pd.DataFrame(records).set_index("row")


def message(table: pd.DataFrame, together: Collection[str] = ()) -> str:
    """One sentence naming the conflicting limits and what each would need.

    For example ``leverage <= 0.1 conflicts with hedge_ratio[rates].min >= 0.95, budget ==
    1.29e+09 and long_only (10 entries): leverage would need 0.1229, or
    hedge_ratio[rates].min would need 0.9227, or long_only[UKTI_0Q_2036] would need
    -5.003e+07 (or another of 10 entries; see the table)``. Of a vector row with more than
    two entries, only the entry that would move least alone is spelled out; of a vector row
    in ``together`` (relaxed as a whole), how many entries would move together. ``table`` is
    the diagnosis table with a ``row_name`` column (entries of one vector row share it).
    """
    if table.empty:
        return "no single set of limits could be relaxed to restore feasibility"
    names, options = [], []
    for row_name, entries in table.groupby("row_name", sort=False):
        many = len(entries) > 2
        if many:
            names.append(f"{row_name} ({len(entries)} entries)")
        else:
            names += [f"{row} {r.sense} {figure(r.bound)}" for row, r in entries.iterrows()]
        alone = entries[np.isfinite(entries["needed_alone"])]
        if row_name in together and len(alone) > 1:
            options.append(
                f"{row_name} would need {len(alone)} entries moved together (see the table)"
            )
            continue
        if many and len(alone) > 1:
            least = (alone["needed_alone"] - alone["bound"]).abs().idxmin()
            options.append(
                f"{least} would need {figure(alone.loc[least, 'needed_alone'])} "
                f"(or another of {len(alone)} entries; see the table)"
            )
            continue
        for row, r in entries.iterrows():
            if np.isfinite(r.needed_alone):
                options.append(f"{row} would need {figure(r.needed_alone)}")
            elif np.isfinite(r.needed):
                options.append(f"{row} would need {figure(r.needed)} (with the others relaxed too)")
    conflict = (
        f"{names[0]} conflicts with {_listed(names[1:])}"
        if len(names) > 1
        else f"{names[0]} cannot be met"
    )
    return f"{conflict}: {', or '.join(options)}" if options else conflict


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
