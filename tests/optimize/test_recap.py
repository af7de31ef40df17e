"""The recapitalisation plan: the cheapest actions that restore a buffer by each day.

References: a case solved by hand (the cheapest collateral per unit raised first, day by
day), ``scipy.optimize.linprog`` on the same LP for seeded random books (costs to 1e-9 of
the plan's size, every row checked), and messages written out by hand.
"""

import numpy as np
import pytest
from scipy.optimize import linprog

from ldi.errors import DataError
from ldi.optimize.recap import Action, recapitalisation_plan
from ldi.optimize.solvers import Status

BOOK = [
    Action("MMF", amount=30.0, days=0, cost=0.0001),
    Action("GILT_REPO", amount=100.0, days=0, haircut=0.04, cost=0.002),
    Action("SPONSOR", amount=1000.0, days=1, cost=0.05),
    Action("EQUITY", amount=200.0, days=2, cost=0.01),
]
NEEDED = [0.0, 50.0, 100.0]  # by the end of days 0, 1 and 2


def test_a_plan_solved_by_hand():
    """Per unit raised: MMF 0.0001, gilt repo 0.002 / 0.96, equity 0.01, sponsor 0.05.

    Day 1 needs 50: the fund's 30 of MMF, then 20 raised by gilt repo; day 2 needs 50 more,
    and gilt repo (76 left to raise) is still cheaper than equity: 70 raised in all, from
    70 / 0.96 of gilts.
    """
    plan = recapitalisation_plan(BOOK, NEEDED, deadline=2)
    assert plan.status is Status.OPTIMAL
    assert list(plan.actions.index) == ["MMF", "GILT_REPO"]  # day 0, cheapest raise first
    used = plan.actions["used"]
    assert used["MMF"] == pytest.approx(30.0, rel=1e-9)
    assert used["GILT_REPO"] == pytest.approx(70.0 / 0.96, rel=1e-9)
    assert plan.actions.loc["GILT_REPO", "raised"] == pytest.approx(70.0, rel=1e-9)
    assert plan.cost == pytest.approx(30.0 * 0.0001 + 70.0 / 0.96 * 0.002, rel=1e-9)
    days = plan.by_day()
    assert days.loc[0, "raised"] == pytest.approx(100.0, rel=1e-9)  # all of it on day 0
    assert days["raised_so_far"].tolist() == pytest.approx([100.0, 100.0, 100.0], rel=1e-9)
    assert days["surplus"].tolist() == pytest.approx([100.0, 50.0, 0.0], abs=1e-7)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_the_plan_is_the_lp_optimum_by_scipy(seed):
    rng = np.random.default_rng(seed)
    deadline, count = 10, 12
    actions = [
        Action(
            f"A{i}",
            amount=float(rng.uniform(10, 100)),
            days=int(rng.integers(0, deadline + 1)),
            haircut=float(rng.uniform(0, 0.2)),
            cost=float(rng.uniform(0, 0.05)),
        )
        for i in range(count)
    ]
    amount = np.array([a.amount for a in actions])
    raise_ = np.array([1 - a.haircut for a in actions])
    paid = np.array([[a.days <= t for a in actions] for t in range(deadline + 1)], dtype=float)
    # A need within what can be raised by each day, so the plan exists and must be chosen.
    needed = (paid * raise_) @ amount * rng.uniform(0.3, 0.9, deadline + 1)
    plan = recapitalisation_plan(actions, needed, deadline)
    reference = linprog(
        [a.cost for a in actions],
        A_ub=-(paid * raise_),
        b_ub=-needed,
        bounds=list(zip(np.zeros(count), amount, strict=True)),
    )
    assert reference.status == 0
    assert plan.status is Status.OPTIMAL
    assert plan.cost == pytest.approx(reference.fun, rel=1e-9, abs=1e-9 * needed.max())
    used = plan.actions["used"].reindex([a.name for a in actions], fill_value=0.0).to_numpy()
    assert np.all(used <= amount * (1 + 1e-9))
    assert np.all((paid * raise_) @ used >= needed - 1e-7 * needed.max())
    assert len(plan.actions) >= 2  # a real choice among actions, not one alone


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_two_tests_the_plan_is_the_lp_optimum_by_scipy(seed):
    """A buffer and a cash test: some actions raise one more than the other, or lower it."""
    rng = np.random.default_rng(100 + seed)
    deadline, count = 6, 10
    raises = {"buffer": rng.uniform(0.5, 1.0, count), "cash": rng.uniform(-0.3, 1.0, count)}
    actions = [
        Action(
            f"A{i}",
            amount=float(rng.uniform(10, 100)),
            days=int(rng.integers(0, deadline + 1)),
            cost=float(rng.uniform(0, 0.05)),
            raises={k: float(v[i]) for k, v in raises.items()},
        )
        for i in range(count)
    ]
    amount = np.array([a.amount for a in actions])
    paid = np.array([[a.days <= t for a in actions] for t in range(deadline + 1)], dtype=float)
    rows = np.vstack([paid * raises["buffer"], paid * raises["cash"]])
    # Within what the whole book raises on every row, so the plan exists.
    needed = np.clip(rows, 0, None) @ amount * rng.uniform(0.1, 0.5, rows.shape[0])
    tests = {"buffer": needed[: deadline + 1], "cash": needed[deadline + 1 :]}
    plan = recapitalisation_plan(actions, tests, deadline)
    reference = linprog(
        [a.cost for a in actions],
        A_ub=-rows,
        b_ub=-needed,
        bounds=list(zip(np.zeros(count), amount, strict=True)),
    )
    assert reference.status == 0
    assert plan.status is Status.OPTIMAL
    assert plan.tests == ["buffer", "cash"]
    assert plan.cost == pytest.approx(reference.fun, rel=1e-9, abs=1e-9 * needed.max())
    used = plan.actions["used"].reindex([a.name for a in actions], fill_value=0.0).to_numpy()
    assert np.all(rows @ used >= needed - 1e-7 * needed.max())
    cash = plan.by_day("cash")
    assert cash["raised_so_far"].to_numpy() == pytest.approx(paid * raises["cash"] @ used)
    assert cash["needed"].to_numpy() == pytest.approx(tests["cash"])


def test_tests_each_reachable_alone_but_not_together_name_the_actions_that_cut():
    """SELL raises cash 1 but lowers the buffer by 0.5; the buffer's own action is small."""
    actions = [
        Action("SELL", amount=100.0, days=0, raises={"buffer": -0.5, "cash": 1.0}),
        Action("SPONSOR", amount=20.0, days=0, raises={"buffer": 1.0, "cash": 1.0}),
    ]
    plan = recapitalisation_plan(actions, {"buffer": [10.0, 10.0], "cash": [90.0, 90.0]}, 1)
    # cash needs SELL >= 70 with the sponsor in full; the buffer then falls to 20 - 35 < 10.
    assert plan.status is Status.INFEASIBLE
    assert plan.diagnosis == (
        "each test can be met alone, but not all together: the actions that raise one lower "
        "another (SELL)"
    )
    assert plan.by_day("cash")["reachable"].tolist() == [120.0, 120.0]


def test_a_need_that_cannot_be_met_says_which_day_and_what_is_reachable():
    plan = recapitalisation_plan(BOOK[:2], [0.0, 50.0, 200.0], deadline=2)
    assert plan.status is Status.INFEASIBLE
    assert plan.actions.empty
    assert plan.diagnosis == (
        "day 2 needs 200 but the actions that pay by then raise at most 126 (MMF, GILT_REPO "
        "used in full); by the deadline they raise at most 126 against 200"
    )
    assert plan.by_day()["reachable"].tolist() == pytest.approx([126.0] * 3, rel=1e-12)


@pytest.mark.parametrize(
    ("actions", "needed", "deadline", "message"),
    [
        (BOOK, NEEDED, 0, "deadline: got 0; expected a whole number of days of at least 1"),
        (
            BOOK,
            [0.0, 50.0],
            2,
            "needed: got 2 days; expected one amount for each day 0..2 (3 amounts)",
        ),
        (
            [Action("MMF", amount=30.0, days=0, haircut=-0.1)],
            NEEDED,
            2,
            "actions[0].haircut: got -0.1; expected a haircut in [0, 1)",
        ),
        (
            [Action("EQUITY", amount=30.0, days=5)],
            NEEDED,
            2,
            "actions[0].days: got 5; expected whole days from 0 to the deadline, 2",
        ),
        (
            [BOOK[0], BOOK[0]],
            NEEDED,
            2,
            "actions[1].name: got 'MMF' again; expected each action once",
        ),
        (BOOK, [0.0, np.nan, 1.0], 2, "needed[1]: got nan; expected a finite amount of money"),
        (
            BOOK,
            {"cash": [0.0, 1.0]},
            2,
            "needed['cash']: got 2 days; expected one amount for each day 0..2 (3 amounts)",
        ),
        (
            BOOK,
            {},
            2,
            "needed: got no tests; expected amounts by day, or named tests of amounts by day",
        ),
        (
            [Action("MMF", amount=30.0, days=0, raises={"buffer": 1.0})],
            {"cash": NEEDED},
            2,
            "actions[0].raises: got {'buffer': 1.0}; expected finite amounts per unit for tests "
            "['cash']",
        ),
    ],
)
def test_bad_inputs_are_named(actions, needed, deadline, message):
    with pytest.raises(DataError) as caught:
        recapitalisation_plan(actions, needed, deadline)
    assert str(caught.value) == message
