"""Deferred pensions in a problem file: ``deferred_until`` and a tranche's ``revaluation``.

A row with ``deferred_until`` T is revalued to T by its tranche's revaluation (the index
clipped cumulatively) and increases as a pension in payment after T. References: the same
payments valued one cohort at a time with ``ldi.pv`` on an ``Indexation`` built by hand
(the revaluation's own formula is checked against closed forms and a Monte Carlo in
tests/cashflows/test_revaluation.py), 1e-12 relative; the carry ledger against the stress
revaluation to 1e-12.
"""

import copy
import re

import pytest

import ldi
from ldi.cashflows.indexation import Indexation, Revaluation
from ldi.cashflows.tranches import Tranches
from ldi.curves.inflation_volatility import YearlyVolatility
from ldi.errors import SpecError
from ldi.io.load import load_problem
from ldi.scenarios.apply import liability_values
from ldi.scenarios.carry import Ledger
from ldi.scenarios.scenario import Move

VOLATILITY = YearlyVolatility(0.015)
RAW = {
    "ldi": 1,
    "name": "deferred pensions",
    "curves": {
        "gilts": {"tenors": [1, 10, 30], "rates": [0.04, 0.045, 0.05]},
        "cpi": {"kind": "breakeven", "tenors": [1, 30], "rates": [0.035, 0.026]},
    },
    "market": {"inflation_volatility": {"cpi": {"model": "lognormal", "yearly": 0.015}}},
    "liabilities": {
        "discount_curve": "gilts",
        "inflation_curve": "cpi",
        "tranches": {
            "cpi_5": {"floor": 0.0, "cap": 0.05, "revaluation": {"floor": 0.0, "cap": 0.05}},
            "cpi_25": {"floor": 0.0, "cap": 0.025, "revaluation": {"cap": 0.025}},
        },
        "cashflows": [
            {"time": 3, "inflation_linked": 10.0, "tranche": "cpi_5", "status": "pensioner"},
            {"time": 12, "inflation_linked": 8.0, "tranche": "cpi_5", "deferred_until": 10},
            {"time": 13, "inflation_linked": 8.0, "tranche": "cpi_5", "deferred_until": 10},
            {"time": 20, "inflation_linked": 6.0, "tranche": "cpi_25", "deferred_until": 15},
            {"time": 25, "inflation_linked": 6.0, "tranche": "cpi_25", "deferred_until": 15},
        ],
    },
}
for row in RAW["liabilities"]["cashflows"][1:]:
    row["status"] = "deferred"


def raw() -> dict:
    return copy.deepcopy(RAW)


def test_deferred_rows_are_revalued_to_their_end_then_paid_as_lpi():
    problem = load_problem(raw())
    owed = problem.liabilities
    curve, cpi = owed.discount_curve, problem.market.curves["cpi"]
    cohorts = owed.tranches["cpi_5"]
    assert isinstance(cohorts, Tranches)
    assert list(cohorts.parts) == ["in payment", "deferred to 10y"]

    def by_hand(times, amounts, rule):
        return ldi.pv(ldi.Cashflows(times, [0.0] * len(times), amounts, rule), curve, cpi)

    lpi_5 = Indexation(floor=0.0, cap=0.05, volatility=VOLATILITY)
    expected = (
        by_hand([3.0], [10.0], lpi_5)
        + by_hand(
            [12.0, 13.0],
            [8.0, 8.0],
            Indexation(
                floor=0.0,
                cap=0.05,
                volatility=VOLATILITY,
                revaluation=Revaluation(10.0, floor=0.0, cap=0.05),
            ),
        )
        + by_hand(
            [20.0, 25.0],
            [6.0, 6.0],
            Indexation(
                floor=0.0,
                cap=0.025,
                volatility=VOLATILITY,
                revaluation=Revaluation(15.0, cap=0.025),
            ),
        )
    )
    risk = owed.risk()
    assert risk.loc["total", "pv"] == pytest.approx(expected, rel=1e-12)
    plain = by_hand([12.0, 13.0], [8.0, 8.0], lpi_5)
    assert risk.loc["cpi_25", "pv"] < by_hand(
        [20.0, 25.0], [6.0, 6.0], Indexation(volatility=VOLATILITY, revaluation=Revaluation(15.0))
    )
    assert plain != pytest.approx(risk.loc["cpi_5", "pv"] - by_hand([3.0], [10.0], lpi_5))
    assert risk.loc["deferred", "pv"] + risk.loc["pensioner", "pv"] == pytest.approx(
        risk.loc["total", "pv"], rel=1e-12
    )


def test_the_carry_ledger_values_deferred_cohorts_as_the_stress_revaluation():
    problem = load_problem(raw())
    ledger = Ledger(list(problem.instruments.values()), problem.market, problem.liabilities)
    expected = liability_values(problem.liabilities, [Move()], problem.market)[0]
    assert ledger.today[-1] == pytest.approx(expected, rel=1e-12)


def test_the_basis_names_the_revaluation():
    basis = load_problem(raw()).liability_basis
    assert "cpi_5 LPI(0%, 5%), revalued in deferment floored at 0% a year and capped at 5%" in basis


def test_a_bad_deferment_is_refused_naming_its_row():
    source = raw()
    source["liabilities"]["cashflows"][2]["deferred_until"] = -2
    message = (
        "liabilities.cashflows[2].deferred_until: got -2.0; expected years >= 0, or a blank cell"
    )
    with pytest.raises(SpecError, match=f"^{re.escape(message)}$"):
        load_problem(source)


def test_deferred_pensions_need_tranches():
    source = raw()
    section = source["liabilities"]
    section.pop("tranches")
    section["indexation"] = {"floor": 0.0, "cap": 0.05}
    for row in section["cashflows"]:
        row.pop("tranche")
    message = (
        "liabilities.cashflows: has a 'deferred_until' column without liabilities.tranches; "
        "expected tranches (each with its revaluation in deferment) for deferred pensions"
    )
    with pytest.raises(SpecError, match=f"^{re.escape(message)}$"):
        load_problem(source)


def test_a_deferment_ending_after_its_payment_is_refused():
    source = raw()
    source["liabilities"]["cashflows"][1]["deferred_until"] = 30
    message = (
        "liabilities.cashflows[1].deferred_until: got 30.0, after the payment at 12.0; expected "
        "the end of the deferment on or before the first payment"
    )
    with pytest.raises(SpecError, match=f"^{re.escape(message)}$"):
        load_problem(source)
