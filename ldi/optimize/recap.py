"""The recapitalisation plan: the cheapest ordered actions that restore a collateral buffer.

When a shock has eaten the buffer, the question on the day is what to do, in which order,
by which day and at what cost. Given the collateral the buffer needs by each day (money,
from day 0 to the deadline D) and the actions that raise eligible collateral (sell growth
assets, raise repo, draw on a money-market fund, call on the sponsor), each with the most
it can raise, the days until its cash arrives, a haircut and a cost per unit, the plan is
the LP

    minimize Σ_a c_a u_a   subject to   0 ≤ u_a ≤ A_a   and, for each day t = 0..D,
    Σ_{a: d_a ≤ t} (1 − h_a) u_a ≥ N_t

(u_a the amount of action a used; what it raises arrives on day d_a), solved on HiGHS
through cvxpy. The answer is checked against those rows before it is called optimal. When
no plan meets the need, the diagnosis names the first day short, the actions that have run
out by then and what the actions can raise by the deadline.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ldi.errors import DataError, SolveError
from ldi.optimize.solvers import QUIET, Status, silenced
from ldi.typing import ArrayLike

CHECK_TOLERANCE = 1e-7  # of the largest amount in the plan: rows an answer must meet
E_DEADLINE = "deadline: got {value!r}; expected a whole number of days of at least 1"
E_NEEDED = "needed: got {count} days; expected one amount for each day 0..{deadline} ({days})"
E_NUMBER = "needed[{day}]: got {value!r}; expected a finite amount of money"
E_ACTION = "actions[{i}].{field}: got {value!r}; expected {expected}"
E_NAMES = "actions[{i}].name: got {value!r} again; expected each action once"
E_SHORT = (
    "day {day} needs {needed:,.0f} but the actions that pay by then raise at most "
    "{reachable:,.0f} ({spent} used in full); by the deadline they raise at most "
    "{total:,.0f} against {target:,.0f}"
)


@dataclass(frozen=True)
class Action:
    """A way to raise collateral: up to ``amount`` (money), paying ``days`` later.

    Each unit used raises 1 − ``haircut`` of eligible collateral and costs ``cost`` (money
    per unit: bid-offer, the expected return given up, a sponsor's charge).
    """

    name: str
    amount: float
    days: int
    haircut: float = 0.0
    cost: float = 0.0


@dataclass(frozen=True)
class Plan:
    """A recapitalisation plan (``recapitalisation_plan``).

    ``actions`` (index: action, in the order to act): day, used, raised and cost; ``days``
    (index: day 0..D): raised that day, raised so far, needed and the surplus; ``cost`` the
    plan's total. Infeasible: no actions used, and ``diagnosis`` says why, with
    ``reachable`` what the actions can raise by each day.
    """

    status: Status
    actions: pd.DataFrame
    days: pd.DataFrame
    cost: float
    diagnosis: str = ""


def recapitalisation_plan(actions: Sequence[Action], needed: ArrayLike, deadline: int) -> Plan:
    """The cheapest plan raising ``needed[t]`` of collateral by each day t = 0..``deadline``."""
    need = _needed(needed, deadline)
    _check(actions, deadline)
    amount, days, haircut, cost = (
        np.array([getattr(a, key) for a in actions], dtype=float)
        for key in ("amount", "days", "haircut", "cost")
    )
    paid = days[None, :] <= np.arange(deadline + 1)[:, None]  # (day, action): paid by then
    rows = paid * (1.0 - haircut)  # collateral raised by each day per unit of each action
    reach = (rows * amount).sum(axis=1)
    short = np.flatnonzero(reach < need - CHECK_TOLERANCE * _size(need, amount))
    if short.size:
        return _infeasible(actions, need, reach, paid, int(short[0]))
    used = _solve(rows, need, amount, cost) if len(actions) else np.zeros(0)
    _verify(used, rows, need, amount)
    return _plan(actions, used, 1.0 - haircut, cost, need)


def _solve(rows: np.ndarray, need: np.ndarray, amount: np.ndarray, cost: np.ndarray) -> np.ndarray:
    """The LP's amounts used, in units of the largest amount so HiGHS sees numbers near 1."""
    import cvxpy as cp

    scale = _size(need, amount)
    u = cp.Variable(len(amount), nonneg=True)
    problem = cp.Problem(cp.Minimize(cost @ u), [u <= amount / scale, rows @ u >= need / scale])
    with silenced("HIGHS"):
        problem.solve(solver="HIGHS", **QUIET["HIGHS"])
    if problem.status != cp.OPTIMAL or u.value is None:
        raise SolveError(f"recapitalisation plan: HiGHS ended {problem.status!r}")
    return np.clip(np.asarray(u.value, dtype=float), 0.0, None) * scale


def _verify(used: np.ndarray, rows: np.ndarray, need: np.ndarray, amount: np.ndarray) -> None:
    """Every row met to CHECK_TOLERANCE of the plan's size (else a SolveError naming it)."""
    slack = max(CHECK_TOLERANCE * _size(need, amount), 1e-9)
    over = np.flatnonzero(used > amount + slack)
    late = np.flatnonzero(rows @ used < need - slack)
    if over.size or late.size:
        where = f"action {int(over[0])}" if over.size else f"day {int(late[0])}"
        raise SolveError(f"recapitalisation plan: the solver's answer misses {where}")


def _plan(
    actions: Sequence[Action],
    used: np.ndarray,
    raised_per_unit: np.ndarray,
    cost: np.ndarray,
    need: np.ndarray,
) -> Plan:
    """The plan's tables: actions in the order to act (by day, cheapest raise first)."""
    names = [a.name for a in actions]
    days = np.array([a.days for a in actions])
    raised = used * raised_per_unit
    table = pd.DataFrame(
        {"day": days, "used": used, "raised": raised, "cost": used * cost}, index=names
    ).rename_axis("action")
    per_raise = np.divide(
        cost, raised_per_unit, out=np.full_like(cost, np.inf), where=raised_per_unit > 0
    )
    order = np.lexsort((per_raise, days))
    table = table.iloc[order]
    table = table[table["used"] > 0]
    arriving = np.array([raised[days == t].sum() for t in range(len(need))])
    so_far = np.cumsum(arriving)
    by_day = pd.DataFrame(
        {"raised": arriving, "raised_so_far": so_far, "needed": need, "surplus": so_far - need},
        index=pd.RangeIndex(len(need), name="day"),
    )
    return Plan(Status.OPTIMAL, table, by_day, float(used @ cost))


def _infeasible(
    actions: Sequence[Action], need: np.ndarray, reach: np.ndarray, paid: np.ndarray, day: int
) -> Plan:
    """No plan: the first day short, the actions spent by then, what is reachable."""
    spent = [a.name for a, by in zip(actions, paid[day], strict=True) if by] or ["none"]
    message = E_SHORT.format(
        day=day,
        needed=need[day],
        reachable=reach[day],
        spent=", ".join(spent),
        total=reach[-1],
        target=need[-1],
    )
    columns = ["day", "used", "raised", "cost"]
    by_day = pd.DataFrame(
        {"reachable": reach, "needed": need, "surplus": reach - need},
        index=pd.RangeIndex(len(need), name="day"),
    )
    empty = pd.DataFrame(columns=columns, index=pd.Index([], name="action"))
    return Plan(Status.INFEASIBLE, empty, by_day, float("nan"), message)


def _needed(needed: ArrayLike, deadline: int) -> np.ndarray:
    """The need by day as floats, one per day 0..deadline (named errors otherwise)."""
    if isinstance(deadline, bool) or not isinstance(deadline, int | np.integer) or deadline < 1:
        raise DataError(E_DEADLINE.format(value=deadline))
    need = np.atleast_1d(np.asarray(needed, dtype=float))
    if need.shape != (deadline + 1,):
        days = f"{deadline + 1} amounts"
        raise DataError(E_NEEDED.format(count=need.size, deadline=deadline, days=days))
    bad = np.flatnonzero(~np.isfinite(need))
    if bad.size:
        raise DataError(E_NUMBER.format(day=int(bad[0]), value=float(need[bad[0]])))
    return need


def _check(actions: Sequence[Action], deadline: int) -> None:
    """Each action's fields in range, each name once (DataError naming the first wrong)."""
    seen: set[str] = set()
    for i, action in enumerate(actions):
        whole = isinstance(action.days, int | np.integer) and not isinstance(action.days, bool)
        tests = {
            "amount": ("a finite amount >= 0", _finite(action.amount) and action.amount >= 0),
            "haircut": ("a haircut in [0, 1)", _finite(action.haircut) and 0 <= action.haircut < 1),
            "cost": ("a finite cost >= 0 per unit", _finite(action.cost) and action.cost >= 0),
            "days": (
                f"whole days from 0 to the deadline, {deadline}",
                whole and 0 <= action.days <= deadline,
            ),
        }
        for field, (expected, ok) in tests.items():
            if not ok:
                value = getattr(action, field)
                raise DataError(E_ACTION.format(i=i, field=field, value=value, expected=expected))
        if action.name in seen:
            raise DataError(E_NAMES.format(i=i, value=action.name))
        seen.add(action.name)


def _finite(value: float) -> bool:
    return isinstance(value, int | float) and bool(np.isfinite(value))


def _size(need: np.ndarray, amount: np.ndarray) -> float:
    """The plan's money scale: its largest need or amount (at least 1)."""
    return float(max(np.max(np.abs(need), initial=0.0), np.max(amount, initial=0.0), 1.0))
