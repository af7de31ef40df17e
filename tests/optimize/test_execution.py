"""Integer execution: trades in whole lots, each zero or at least a minimum ticket.

Each is checked against an independent reference:
- a textbook dedication with lots (three zero-coupon bonds and a coupon bond against three
  years of benefits, 1m-face lots, 2m minimum tickets): the cheapest covering portfolio by
  brute-force enumeration of the lot counts, and by ``scipy.optimize.milp`` on the same
  problem written by hand; the optimum agrees to HiGHS's MIP gap;
- on the default scheme with lots and minimum tickets, exact invariants: every trade is a
  whole number of lots (or sells a line out), zero or at least its minimum ticket; every
  hard limit holds (the answer is verified); the integer objective is never below the
  continuous one, and within the stated gap of it.
"""

import copy
import itertools
import re

import numpy as np
import pytest
import yaml
from scipy.optimize import Bounds, LinearConstraint, milp

from ldi.errors import SpecError
from ldi.io.load import load_problem
from ldi.optimize.solvers import Status
from ldi.reporting.solve_report import SolveSummary
from tests.documented import assert_shows, shown
from tests.reference import PROBLEMS, raw_problem, reference

RATE = 0.04  # the flat annual zero rate of the textbook case
LOT, TICKET = 1e6, 2e6  # face
TICKET_INSURER = 5e6
BENEFITS = {1.0: 10.3e6, 2.0: 12.6e6, 3.0: 15.2e6}
COUPON = 0.06  # the coupon bond's, paid yearly to year 3


def textbook(**execution) -> dict:
    """Three zeros (1, 2, 3 years) and a 3-year 6% annual bond against three benefits."""
    return {
        "ldi": 1,
        "name": "Textbook dedication",
        "currency": "GBP",
        "curves": {
            "flat": {
                "kind": "zero",
                "tenors": [1, 5],
                "rates": [RATE, RATE],
                "compounding": "annual",
            }
        },
        "liabilities": {
            "discount_curve": "flat",
            "cashflows": [{"time": t, "fixed": a} for t, a in BENEFITS.items()],
        },
        "instruments": [
            {"id": "Z1", "kind": "zero_coupon_bond", "maturity": 1},
            {"id": "Z2", "kind": "zero_coupon_bond", "maturity": 2},
            {"id": "Z3", "kind": "zero_coupon_bond", "maturity": 3},
            {"id": "C3", "kind": "bond", "coupon": COUPON, "maturity": 3, "frequency": 1},
        ],
        "objective": {"minimize": ["cost"]},
        "constraints": [{"cashflow_matching": {"horizon": 3}}],
        "execution": {
            "lots": {"zero_coupon_bond": LOT, "bond": LOT},
            "min_tickets": {"zero_coupon_bond": TICKET, "bond": TICKET},
            **execution,
        },
    }


def hand_data() -> tuple[np.ndarray, np.ndarray]:
    """Cost of one lot of each bond, and each lot's payment per year (years x bonds)."""
    df = (1.0 + RATE) ** -np.arange(1.0, 4.0)
    pays = np.zeros((3, 4))
    pays[0, 0] = pays[1, 1] = pays[2, 2] = LOT
    pays[:, 3] = LOT * COUPON
    pays[2, 3] += LOT
    return df @ pays, pays


def enumerated(fee: float = 0.0) -> float:
    """The cheapest cover over lot counts 0-19 (each 0 or at least a ticket), plus fees."""
    cost, pays = hand_data()
    need = np.cumsum(list(BENEFITS.values()))
    best = np.inf
    for counts in itertools.product(*(range(0, 20) for _ in range(4))):
        k = np.array(counts, dtype=float)
        if any(0 < c < TICKET / LOT for c in counts):
            continue  # zero or at least the minimum ticket
        if np.all(np.cumsum(pays @ k) >= need - 1e-6):
            best = min(best, float(cost @ k) + fee * np.count_nonzero(k))
    return best


def test_the_textbook_optimum_is_the_enumerated_and_the_scipy_milp_one():
    cost, pays = hand_data()
    need = np.cumsum(list(BENEFITS.values()))
    best = enumerated()
    # scipy.optimize.milp: lots k_i integer; k_i = 0 or k_i >= 2 with binaries b_i.
    n = 4
    c = np.concatenate([cost, np.zeros(n)])
    cover = LinearConstraint(np.hstack([np.cumsum(pays, axis=0), np.zeros((3, n))]), need, np.inf)
    upper = LinearConstraint(np.hstack([np.eye(n), -50.0 * np.eye(n)]), -np.inf, 0.0)
    lower = LinearConstraint(np.hstack([np.eye(n), -2.0 * np.eye(n)]), 0.0, np.inf)
    found = milp(
        c,
        constraints=[cover, upper, lower],
        integrality=np.ones(2 * n),
        bounds=Bounds(np.zeros(2 * n), np.concatenate([np.full(n, 50.0), np.ones(n)])),
    )
    assert found.success
    assert found.fun == pytest.approx(best, rel=1e-9)
    result = load_problem(textbook(mip_gap=1e-6)).solve()
    assert result.ok, result.diagnosis
    assert result.objective_value == pytest.approx(best, rel=1e-6)
    assert result.rounding.status == "optimal"
    lots = result.tickets["nominal"] / LOT
    assert np.allclose(lots, np.round(lots), atol=1e-9)
    assert (result.tickets["nominal"] >= TICKET - 1e-6).all()


def test_without_lots_the_textbook_dedication_is_dearer_only_by_rounding():
    raw = textbook()
    raw.pop("execution")
    continuous = load_problem(raw).solve()
    executed = load_problem(textbook()).solve()
    assert executed.objective_value >= continuous.objective_value - 1e-6
    assert executed.rounding.continuous == pytest.approx(continuous.objective_value, rel=1e-9)
    assert executed.rounding.cost == pytest.approx(
        executed.objective_value - continuous.objective_value, rel=1e-9, abs=1e-6
    )


EXECUTION = yaml.safe_load(shown("docs/problem-files.md", "execution:", "yaml"))["execution"]
LOTS, TICKETS = EXECUTION["lots"], EXECUTION["min_tickets"]


@pytest.fixture(scope="module")
def default_with_lots():
    raw = raw_problem()
    raw["execution"] = EXECUTION
    problem = load_problem(raw)
    return problem.solve(), raw


def test_the_documented_rounding_line_is_what_the_summary_prints(default_with_lots):
    result, _ = default_with_lots
    text = SolveSummary.of(result).as_text()
    assert_shows(shown("docs/optimization.md", "Whole lots and minimum tickets (HiGHS)"), text)


def test_default_trades_are_whole_lots_or_sell_a_line_out(default_with_lots):
    result, raw = default_with_lots
    assert result.ok
    kinds = result.instruments["kind"]
    tickets = result.tickets
    for instrument, ticket in tickets.iterrows():
        lot = LOTS[kinds[instrument]]
        lots = ticket["nominal"] / lot
        sold_out = result.positions[instrument] == 0.0
        assert sold_out or abs(lots - round(lots)) < 1e-6, (instrument, lots)
        least = TICKETS.get(kinds[instrument], 0.0)
        assert sold_out or ticket["nominal"] >= least - 1e-6, instrument


def test_default_rounding_costs_at_least_nothing_and_at_most_the_gap(default_with_lots):
    result, _ = default_with_lots
    rounding = result.rounding
    assert result.verification["passed"].all()
    assert rounding.integer == pytest.approx(result.objective_value, rel=1e-12)
    scale = float(result.exposures.loc["pv", "liabilities"])
    assert rounding.cost >= -1e-6 * scale
    assert rounding.gap <= rounding.mip_gap
    assert rounding.gap == pytest.approx(
        (rounding.integer - rounding.bound) / abs(rounding.integer), rel=1e-9
    )
    # no dust: no trade below the smallest trade but a whole line sold out
    small = result.trades[(result.trades != 0) & (result.trades.abs() < 1e-4 * 1.29e9)]
    assert (result.positions[small.index] == 0.0).all()


@pytest.mark.parametrize(
    ("edit", "path", "message"),
    [
        (
            {"execution": {"lots": {"bond": -1.0}}},
            "execution.lots.bond",
            "expected a number > 0",
        ),
        (
            {"execution": {"lots": {"bond": 1e6}, "min_tickets": {"bond": 5e5}}},
            "execution.min_tickets.bond",
            "got 500000.0, below one lot (1000000.0); expected 0 or at least one lot",
        ),
        (
            {"instruments": {0: {"lot": 1e4}}},
            "instruments[0].lot",
            "but the problem has no execution section",
        ),
        (
            {"execution": {}, "instruments": {"all": {"tradable": False}}},
            "execution",
            "no instrument can trade",
        ),
    ],
)
def test_bad_execution_inputs_are_refused_at_their_place(edit, path, message):
    raw = copy.deepcopy(textbook())
    raw.pop("execution")
    if "execution" in edit:
        raw["execution"] = edit["execution"]
    for index, change in edit.get("instruments", {}).items():
        items = raw["instruments"] if index == "all" else [raw["instruments"][index]]
        for item in items:
            item.update(change)
    with pytest.raises(SpecError, match=re.escape(message)) as error:
        load_problem(raw)
    assert error.value.path == path


def test_a_problem_with_no_executable_rounding_gets_a_diagnosis():
    # Benefits of 0.5m a year cost about 1.4m of zeros; at most 1.5m may be spent on them,
    # and a ticket of 2m face, the least that covers year 1, costs 1.92m.
    raw = textbook()
    raw["liabilities"]["cashflows"] = [{"time": t, "fixed": 0.5e6} for t in (1.0, 2.0, 3.0)]
    raw["constraints"].append({"bounds": {"group": "zero_coupon_bond", "max": 1.5e6}})
    raw["constraints"].append({"bounds": {"instrument": "C3", "max": 0.0}})
    result = load_problem(raw).solve()
    assert result.status is Status.INFEASIBLE
    assert "no trades in whole lots" in result.diagnosis.message
    table = result.diagnosis.table
    assert {"trade", "lot", "min_ticket", "below", "above"} <= set(table.columns)


def test_the_insurer_dedication_with_lots_is_the_scipy_milp_optimum():
    """The annuity book's dedication in 1m-face lots, 5m tickets, written again by hand.

    From the independent valuation: each bond's payments per unit of value and its dirty
    price, the benefits; per period (today, then years to the 25-year horizon) the surplus
    carried at 2% may never go negative; credit at most 60% of the 820m premium and 10% per
    issuer. Cash is continuous.
    """
    path = PROBLEMS / "insurer_annuity_book.yaml"
    raw = raw_problem(path)
    raw["execution"] = {
        "lots": {"bond": 1e6, "zero_coupon_bond": 1e6},
        "min_tickets": {"bond": 5e6, "zero_coupon_bond": 5e6},
        "mip_gap": 1e-7,
    }
    result = load_problem(raw).solve()
    assert result.ok, result.diagnosis
    ref = reference(path)
    bonds = [i["id"] for i in raw["instruments"] if i["kind"] != "cash"]
    edges = np.concatenate([[-1.0], np.arange(0.0, 26.0)])
    value = LOT * ref.terms.loc[bonds, "dirty_price"].to_numpy(float) / 100.0  # per lot
    flows = np.zeros((edges.size - 1, len(bonds) + 1))
    for j, bond in enumerate(bonds):
        stream = ref.units[bond].stream
        flows[:, j] = bucketed(stream.t, stream.money() * value[j], edges)
    flows[0, -1] = 1.0  # cash, paid today
    benefits = ref.liability_stream
    outgo = bucketed(benefits.t, benefits.money(), edges)
    ends = edges[1:]  # today (0), then each year-end: s_p = 1.02^(e_p - e_q) s_q + ...
    later = ends[:, None] >= ends[None, :]
    carried = np.where(later, 1.02 ** np.where(later, ends[:, None] - ends[None, :], 0.0), 0.0)
    n = len(bonds)
    cost = np.concatenate([value, [1.0], np.zeros(n)])
    balance = carried @ np.hstack([flows, np.zeros((26, n))])
    credit = np.array([bool(i.get("credit")) for i in raw["instruments"] if i["kind"] != "cash"])
    group = np.concatenate([value * credit, [0.0], np.zeros(n)])
    each = np.hstack([np.diag(value * credit), np.zeros((n, 1)), np.zeros((n, n))])
    top, tickets = 2000.0, TICKET_INSURER / LOT
    found = milp(
        cost,
        constraints=[
            LinearConstraint(balance, carried @ outgo, np.inf),
            LinearConstraint(group[None, :], -np.inf, 0.60 * 820e6),
            LinearConstraint(each, -np.inf, 0.10 * 820e6),
            LinearConstraint(
                np.hstack([np.eye(n), np.zeros((n, 1)), -top * np.eye(n)]), -np.inf, 0
            ),
            LinearConstraint(
                np.hstack([np.eye(n), np.zeros((n, 1)), -tickets * np.eye(n)]), 0, np.inf
            ),
        ],
        integrality=np.concatenate([np.ones(n), [0], np.ones(n)]),
        bounds=Bounds(np.zeros(2 * n + 1), np.concatenate([np.full(n, top), [np.inf], np.ones(n)])),
        options={"mip_rel_gap": 1e-9},
    )
    assert found.success
    assert result.objective_value == pytest.approx(found.fun, rel=1e-6)
    assert result.rounding.status == "optimal"


def bucketed(times: np.ndarray, amounts: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Amounts summed per period (edges[p], edges[p+1]]: a payment at a year-end is that year's."""
    period = np.searchsorted(edges, times, side="left") - 1
    inside = (period >= 0) & (period < edges.size - 1)
    return np.bincount(period[inside], weights=amounts[inside], minlength=edges.size - 1)


def test_a_ticket_cost_is_charged_once_per_ticket_and_can_make_a_ticket_not_worth_it():
    """Enumeration again: the cheapest cover now weighs cost + tickets x fee."""
    fee = 5e5
    best = enumerated(fee)
    raw = textbook(mip_gap=1e-6, ticket_costs={"zero_coupon_bond": fee, "bond": fee})
    result = load_problem(raw).solve()
    assert result.ok, result.diagnosis
    assert result.objective_value == pytest.approx(best, rel=1e-6)
    charged = result.objective.loc["ticket_costs", "contribution"]
    assert charged == pytest.approx(fee * len(result.tickets), rel=1e-12)
    assert len(result.tickets) < len(load_problem(textbook(mip_gap=1e-6)).solve().tickets)


def test_the_bound_proved_never_exceeds_an_answer_found():
    """Ticket costs and an instrument's own lot take a second, whole-MILP round."""
    raw = raw_problem()
    execution = copy.deepcopy(EXECUTION)
    execution["min_tickets"]["return_seeking"] = 1e6
    execution["ticket_costs"] = {"bond": 250, "index_linked_bond": 250, "return_seeking": 100}
    raw["execution"] = execution
    gilt = next(i for i in raw["instruments"] if i["id"] == "UKT_4_2063")
    gilt.update({"lot": 1e5, "min_ticket": 2e6, "ticket_cost": 500})
    result = load_problem(raw).solve()
    rounding = result.rounding
    scale = float(result.exposures.loc["pv", "liabilities"])
    assert result.ok
    assert rounding.continuous - 1e-6 * scale <= rounding.bound <= rounding.integer
    assert rounding.integer == pytest.approx(result.objective_value, rel=1e-12)
