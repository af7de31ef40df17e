"""The recapitalisation plan: the cheapest ordered actions that restore a collateral buffer.

When a shock has eaten the buffer, the question on the day is what to do, in which order,
by which day and at what cost. Given the collateral the buffer needs by each day (money,
from day 0 to the deadline D) and the actions that raise eligible collateral (sell growth
assets, raise repo, draw on a money-market fund, call on the sponsor), each with the most
it can raise, the days until its cash arrives, what each unit raises and a cost per unit,
the plan is the LP

    minimize Σ_a c_a u_a   subject to   0 ≤ u_a ≤ A_a   and, for each test k and day t = 0..D,
    Σ_{a: d_a ≤ t} r_ka u_a ≥ N_kt

(u_a the amount of action a used; what it raises arrives on day d_a; r_ka = 1 − h_a, the
haircut, unless the action says what it raises for test k). One test is the usual case;
a book whose swaps' variation margin is paid in cash has two, the buffer and the cash,
and an action may raise one more than the other (the initial margin a smaller hedge
frees counts in the buffer, not in the cash). Solved on HiGHS through cvxpy; the answer
is checked against every row before it is called optimal. When no plan meets the need,
the diagnosis names the first day and test short, the actions that have run out by then
and what the actions can raise by the deadline.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd

from ldi.errors import DataError, SolveError
from ldi.optimize.solvers import QUIET, Status, silenced
from ldi.typing import ArrayLike

CHECK_TOLERANCE = 1e-7  # of the largest amount in the plan: rows an answer must meet
DUST = 1e-6  # of the largest amount in the plan: a use this small is a solver's residue
E_DEADLINE = "deadline: got {value!r}; expected a whole number of days of at least 1"
E_NEEDED = "{where}: got {count} days; expected one amount for each day 0..{deadline} ({days})"
E_NUMBER = "{where}[{day}]: got {value!r}; expected a finite amount of money"
E_TESTS = "needed: got no tests; expected amounts by day, or named tests of amounts by day"
E_RAISES = "actions[{i}].raises: got {value!r}; expected finite amounts per unit for tests {tests}"
E_ACTION = "actions[{i}].{field}: got {value!r}; expected {expected}"
E_NAMES = "actions[{i}].name: got {value!r} again; expected each action once"
E_CONFLICT = (
    "each test can be met alone, but not all together: the actions that raise one lower "
    "another ({names})"
)
E_SHORT = (
    "day {day} needs {needed:,.0f}{test} but the actions that pay by then raise at most "
    "{reachable:,.0f} ({spent} used in full); by the deadline they raise at most "
    "{total:,.0f} against {target:,.0f}"
)


@dataclass(frozen=True)
class Action:
    """A way to raise collateral: up to ``amount`` (money), paying ``days`` later.

    Each unit used raises 1 − ``haircut`` of eligible collateral and costs ``cost`` (money
    per unit: bid-offer, the expected return given up, a sponsor's charge). ``raises``
    gives, by test, what a unit raises when it is not 1 − ``haircut`` (it may be negative:
    a sale for cash lowers a buffer that counted the asset).
    """

    name: str
    amount: float
    days: int
    haircut: float = 0.0
    cost: float = 0.0
    raises: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))

    def raised(self, test: str) -> float:
        """What one unit raises for ``test``."""
        return float(self.raises.get(test, 1.0 - self.haircut))


@dataclass(frozen=True)
class Plan:
    """A recapitalisation plan (``recapitalisation_plan``).

    ``actions`` (index: action, in the order to act): day, used, raised (for the first
    test) and cost; ``days`` (index: test, day 0..D): raised that day, raised so far,
    needed and the surplus; ``cost`` the plan's total. Infeasible: no actions used, and
    ``diagnosis`` says why, with ``reachable`` what the actions can raise by each day.
    """

    status: Status
    actions: pd.DataFrame
    days: pd.DataFrame
    cost: float
    diagnosis: str = ""

    @property
    def tests(self) -> list[str]:
        """The tests the plan meets, in the order given."""
        return list(self.days.index.unique(level="test"))

    def by_day(self, test: str | None = None) -> pd.DataFrame:
        """One test's table by day (default: the first test)."""
        return self.days.xs(test or self.tests[0], level="test")


ONE_TEST = "collateral"  # the test's name when the need is given as one amount per day
Needed = ArrayLike | Mapping[str, ArrayLike]


def recapitalisation_plan(actions: Sequence[Action], needed: Needed, deadline: int) -> Plan:
    """The cheapest plan raising ``needed[t]`` of collateral by each day t = 0..``deadline``.

    ``needed``: amounts by day for one test, or a mapping of named tests to amounts by day.
    """
    need = _needed(needed, deadline)
    tests = list(need)
    _check(actions, deadline, tests)
    amount, days, cost = (
        np.array([getattr(a, key) for a in actions], dtype=float)
        for key in ("amount", "days", "cost")
    )
    per_unit = np.array([[a.raised(k) for a in actions] for k in tests]).reshape(len(tests), -1)
    paid = days[None, :] <= np.arange(deadline + 1)[:, None]  # (day, action): paid by then
    rows = paid[None, :, :] * per_unit[:, None, :]  # (test, day, action): raised per unit
    needs = np.array([need[k] for k in tests])  # (test, day)
    reach = (np.clip(rows, 0.0, None) * amount).sum(axis=2)  # the most each row can reach
    tolerance = CHECK_TOLERANCE * _size(needs, amount)
    short = np.argwhere(reach < needs - tolerance)
    if short.size:
        k, day = (int(i) for i in short[np.lexsort((short[:, 0], short[:, 1]))[0]])
        return _infeasible(actions, tests, needs, reach, paid, k, day)
    flat_rows, flat_needs = rows.reshape(-1, len(actions)), needs.reshape(-1)
    used = _solve(flat_rows, flat_needs, amount, cost) if len(actions) else np.zeros(0)
    if used is None:
        return _conflict(actions, tests, needs, reach, per_unit)
    dust = (used > 0) & (used < DUST * _size(needs, amount))
    if dust.any():  # solve again without them: a plan's step is a trade a desk can do
        cleaned = _solve(flat_rows, flat_needs, np.where(dust, 0.0, amount), cost)
        used = used if cleaned is None else cleaned
    _verify(used, flat_rows, flat_needs, amount)
    return _plan(actions, used, tests, per_unit, cost, needs)


def _solve(
    rows: np.ndarray, need: np.ndarray, amount: np.ndarray, cost: np.ndarray
) -> np.ndarray | None:
    """The LP's amounts used (None: infeasible), in units of the largest amount for HiGHS."""
    import cvxpy as cp

    scale = _size(need, amount)
    u = cp.Variable(len(amount), nonneg=True)
    problem = cp.Problem(cp.Minimize(cost @ u), [u <= amount / scale, rows @ u >= need / scale])
    with silenced("HIGHS"):
        problem.solve(solver="HIGHS", **QUIET["HIGHS"])
    if problem.status in (cp.INFEASIBLE, cp.INFEASIBLE_INACCURATE):
        return None
    if problem.status != cp.OPTIMAL or u.value is None:
        raise SolveError(f"recapitalisation plan: HiGHS ended {problem.status!r}")
    return np.clip(np.asarray(u.value, dtype=float), 0.0, None) * scale


def _verify(used: np.ndarray, rows: np.ndarray, need: np.ndarray, amount: np.ndarray) -> None:
    """Every row met to CHECK_TOLERANCE of the plan's size (else a SolveError naming it)."""
    slack = max(CHECK_TOLERANCE * _size(need, amount), 1e-9)
    over = np.flatnonzero(used > amount + slack)
    late = np.flatnonzero(rows @ used < need - slack)
    if over.size or late.size:
        where = f"action {int(over[0])}" if over.size else f"row {int(late[0])}"
        raise SolveError(f"recapitalisation plan: the solver's answer misses {where}")


def _plan(
    actions: Sequence[Action],
    used: np.ndarray,
    tests: list[str],
    per_unit: np.ndarray,
    cost: np.ndarray,
    needs: np.ndarray,
) -> Plan:
    """The plan's tables: actions in the order to act (by day, cheapest raise first)."""
    names = [a.name for a in actions]
    days = np.array([a.days for a in actions], dtype=int)
    raised = used * per_unit  # (test, action)
    table = pd.DataFrame(
        {"day": days, "used": used, "raised": raised[0], "cost": used * cost}, index=names
    ).rename_axis("action")
    first = per_unit[0]
    per_raise = np.divide(cost, first, out=np.full_like(cost, np.inf), where=first > 0)
    order = np.lexsort((per_raise, days))
    table = table.iloc[order]
    table = table[table["used"] > 0]
    span = needs.shape[1]
    arriving = np.stack([np.bincount(days, weights=r, minlength=span) for r in raised])
    so_far = np.cumsum(arriving, axis=1)
    by_day = _by_day(
        tests,
        {"raised": arriving, "raised_so_far": so_far, "needed": needs, "surplus": so_far - needs},
    )
    return Plan(Status.OPTIMAL, table, by_day, float(used @ cost))


def _by_day(tests: list[str], columns: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """A (test, day) table from (test, day) arrays."""
    span = next(iter(columns.values())).shape[1]
    index = pd.MultiIndex.from_product([tests, range(span)], names=["test", "day"])
    return pd.DataFrame({name: values.reshape(-1) for name, values in columns.items()}, index)


def _no_plan(tests: list[str], needs: np.ndarray, reach: np.ndarray, diagnosis: str) -> Plan:
    columns = ["day", "used", "raised", "cost"]
    by_day = _by_day(tests, {"reachable": reach, "needed": needs, "surplus": reach - needs})
    empty = pd.DataFrame(columns=columns, index=pd.Index([], name="action"))
    return Plan(Status.INFEASIBLE, empty, by_day, float("nan"), diagnosis)


def _infeasible(
    actions: Sequence[Action],
    tests: list[str],
    needs: np.ndarray,
    reach: np.ndarray,
    paid: np.ndarray,
    k: int,
    day: int,
) -> Plan:
    """No plan: the first day and test short, the actions spent by then, what is reachable."""
    spent = [a.name for a, by in zip(actions, paid[day], strict=True) if by] or ["none"]
    message = E_SHORT.format(
        day=day,
        needed=needs[k, day],
        test="" if tests == [ONE_TEST] else f" for {tests[k]}",
        reachable=reach[k, day],
        spent=", ".join(spent),
        total=reach[k, -1],
        target=needs[k, -1],
    )
    return _no_plan(tests, needs, reach, message)


def _conflict(
    actions: Sequence[Action],
    tests: list[str],
    needs: np.ndarray,
    reach: np.ndarray,
    per_unit: np.ndarray,
) -> Plan:
    """No plan although each row alone is reachable: name the actions that cut a test."""
    cutting = [a.name for a, r in zip(actions, per_unit.min(axis=0), strict=True) if r < 0]
    return _no_plan(tests, needs, reach, E_CONFLICT.format(names=", ".join(cutting)))


def _needed(needed: Needed, deadline: int) -> dict[str, np.ndarray]:
    """The need by test and day as floats, one per day 0..deadline (named errors otherwise)."""
    if isinstance(deadline, bool) or not isinstance(deadline, int | np.integer) or deadline < 1:
        raise DataError(E_DEADLINE.format(value=deadline))
    named = needed if isinstance(needed, Mapping) else {ONE_TEST: needed}
    if not named:
        raise DataError(E_TESTS)
    return {
        test: _amounts(values, deadline, "needed" if test == ONE_TEST else f"needed[{test!r}]")
        for test, values in named.items()
    }


def _amounts(values: ArrayLike, deadline: int, where: str) -> np.ndarray:
    need = np.atleast_1d(np.asarray(values, dtype=float))
    if need.shape != (deadline + 1,):
        days = f"{deadline + 1} amounts"
        raise DataError(E_NEEDED.format(where=where, count=need.size, deadline=deadline, days=days))
    bad = np.flatnonzero(~np.isfinite(need))
    if bad.size:
        raise DataError(E_NUMBER.format(where=where, day=int(bad[0]), value=float(need[bad[0]])))
    return need


def _check(actions: Sequence[Action], deadline: int, tests: list[str]) -> None:
    """Each action's fields in range, each name once (DataError naming the first wrong)."""
    seen: set[str] = set()
    for i, action in enumerate(actions):
        whole = isinstance(action.days, int | np.integer) and not isinstance(action.days, bool)
        checks = {
            "amount": ("a finite amount >= 0", _finite(action.amount) and action.amount >= 0),
            "haircut": ("a haircut in [0, 1)", _finite(action.haircut) and 0 <= action.haircut < 1),
            "cost": ("a finite cost >= 0 per unit", _finite(action.cost) and action.cost >= 0),
            "days": (
                f"whole days from 0 to the deadline, {deadline}",
                whole and 0 <= action.days <= deadline,
            ),
        }
        for name, (expected, ok) in checks.items():
            if not ok:
                value = getattr(action, name)
                raise DataError(E_ACTION.format(i=i, field=name, value=value, expected=expected))
        raises = action.raises
        if set(raises) - set(tests) or not all(_finite(v) for v in raises.values()):
            raise DataError(E_RAISES.format(i=i, value=dict(raises), tests=tests))
        if action.name in seen:
            raise DataError(E_NAMES.format(i=i, value=action.name))
        seen.add(action.name)


def _finite(value: float) -> bool:
    return isinstance(value, int | float) and bool(np.isfinite(value))


def _size(need: np.ndarray, amount: np.ndarray) -> float:
    """The plan's money scale: its largest need or amount (at least 1)."""
    return float(max(np.max(np.abs(need), initial=0.0), np.max(amount, initial=0.0), 1.0))
