"""No dust and no false breaches: the clean-up re-solve and limits met within tolerance.

Each is checked against an independent reference:
- invariants that must hold exactly: after the clean-up every trade is zero or at least
  the threshold; a held position equals its holding; a position pinned by ``bounds`` with
  min = max is reported at that amount;
- an independent solve of the same problem with the dust positions pinned by ``bounds``
  (min = max = holding): the clean-up's optimum agrees with it to the solver's tolerance
  (1e-6 of the liabilities' PV, in money-equivalent units);
- a minimization cannot improve when positions are pinned: the cleaned objective is never
  below the continuous one (less a solver's tolerance).
"""

import copy

import numpy as np
import pytest

from ldi.errors import SpecError
from ldi.io.load import load_problem
from ldi.optimize.model import SolverOptions
from tests.reference import raw_problem

RAW = raw_problem()
TOL = 1e-6  # of the liabilities' PV: the solvers' verified tolerance
CAPITAL = 1.29e9  # physical holdings of GBP 1.39bn less GBP 0.1bn of repo


def solved(*constraints: dict, solver: dict | None = None, raw: dict | None = None):
    raw = copy.deepcopy(raw or RAW)
    raw["constraints"] = [*raw["constraints"], *constraints]
    raw["solver"] = {**raw.get("solver", {}), **(solver or {})}
    return load_problem(raw).solve()


def test_the_capital_is_the_value_of_the_holdings():
    kinds = {i["id"]: i["kind"] for i in RAW["instruments"]}
    swaps = ("interest_rate_swap", "inflation_swap")
    held = {k: float(v) for k, v in RAW["holdings"].items() if kinds[k] not in swaps}
    repo = held["REPO_3M"] + held["REPO_1W"]  # cash borrowed: held in the assets, owed back
    assert sum(held.values()) - 2 * repo == pytest.approx(CAPITAL, rel=1e-15)


def test_the_default_solve_proposes_no_trade_below_the_threshold():
    # Before the clean-up the default solve proposed -GBP 2 of credit, +GBP 91 of property
    # and a -GBP 13,970 50-year swap: dust no dealer would execute.
    result = solved()
    threshold = 1e-4 * CAPITAL
    moved = result.trades[result.trades != 0.0].abs()
    assert result.ok
    assert (moved >= threshold).all(), moved[moved < threshold]
    assert result.clean_up is not None
    assert result.clean_up.threshold == pytest.approx(threshold, rel=1e-12)


def test_without_the_clean_up_the_dust_comes_back():
    raw = solved(solver={"min_trade_fraction": 0.0})
    small = raw.trades[(raw.trades != 0.0) & (raw.trades.abs() < 1e-4 * CAPITAL)]
    assert not small.empty  # the dust the clean-up removes
    assert raw.clean_up is None


def test_the_clean_up_is_the_solve_with_the_dust_held_and_costs_at_most_a_little():
    raw = solved(solver={"min_trade_fraction": 0.0})
    cleaned = solved()
    held = list(cleaned.clean_up.trades.index)
    dust = raw.trades[(raw.trades != 0.0) & (raw.trades.abs() < 1e-4 * CAPITAL)]
    assert (cleaned.trades[dust.index] == 0.0).all()  # held, or a zero position kept long
    np.testing.assert_allclose(cleaned.clean_up.trades, dust[held], rtol=0, atol=1.0)
    pinned = solved(
        *(
            {"bounds": {"instrument": i, "min": float(RAW["holdings"].get(i, 0.0)),
                        "max": float(RAW["holdings"].get(i, 0.0))}}
            for i in held
        ),
        solver={"min_trade_fraction": 0.0},
    )  # fmt: skip
    scale = float(pinned.exposures.loc["pv", "liabilities"])
    assert cleaned.objective_value == pytest.approx(pinned.objective_value, abs=TOL * scale)
    assert cleaned.objective_value >= raw.objective_value - TOL * scale
    assert cleaned.clean_up.before == pytest.approx(raw.objective_value, abs=TOL * scale)
    assert cleaned.clean_up.after == pytest.approx(cleaned.objective_value, rel=1e-12)
    assert (cleaned.trades[held] == 0.0).all()


def test_a_money_threshold_holds_every_trade_below_it():
    result = solved(solver={"min_trade": 60e6})
    moved = result.trades[result.trades != 0.0].abs()
    assert result.ok
    assert (moved >= 60e6).all(), moved[moved < 60e6]
    assert result.clean_up.threshold == 60e6


@pytest.mark.parametrize(
    ("instrument", "amount"),
    [("UKT_4_2063", 1e8), ("UKT_3T_2052", 4e8), ("UKTI_0T_2045", 2e8), ("GLOBAL_EQUITY", 3e8)],
)
def test_a_position_pinned_by_bounds_is_its_bound_and_no_row_reads_as_breached(instrument, amount):
    # An interior-point solver returned 100,000,000.15 against max 100,000,000: a breach
    # to the reader, though within the solver's tolerance.
    result = solved({"bounds": {"instrument": instrument, "min": amount, "max": amount}})
    assert result.ok
    # amount / (value per unit, 1 to rounding): within a millionth of a penny
    assert result.positions[instrument] == pytest.approx(amount, rel=0, abs=1e-6)
    hard = result.constraints[~result.constraints["soft"]]
    assert (hard["slack"] >= 0.0).all(), hard[hard["slack"] < 0.0]


def test_long_only_positions_are_never_reported_below_zero():
    result = solved()
    physical = result.instruments.index[result.instruments["role"] == "physical"]
    assert (result.positions[physical] >= 0.0).all()


def test_a_clean_up_that_cannot_hold_the_dust_keeps_it_and_still_meets_the_limits():
    # Everything held but equity and cash, and equity pinned GBP 5,000 below its holding:
    # the GBP 5,000 trades are dust, and holding them would break the pin.
    keep = ("GLOBAL_EQUITY", "CASH")
    held = [i["id"] for i in RAW["instruments"] if i["id"] not in keep]
    equity = float(RAW["holdings"]["GLOBAL_EQUITY"]) - 5_000.0
    raw = copy.deepcopy(RAW)
    raw["constraints"] = ["budget"]
    result = solved(
        {"no_trade": {"instruments": held}},
        {"bounds": {"instrument": "GLOBAL_EQUITY", "min": equity, "max": equity}},
        raw=raw,
    )
    assert result.ok
    assert result.clean_up.kept is not None
    assert "infeasible" in result.clean_up.kept
    # the dust is kept, and the pinned position is still put on its limit exactly
    assert result.trades["GLOBAL_EQUITY"] == -5_000.0
    assert set(result.clean_up.trades.index) == {"GLOBAL_EQUITY", "CASH"}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"min_trade_fraction": -0.1}, "solver.min_trade_fraction: got -0.1; expected"),
        ({"min_trade": -1.0}, "solver.min_trade: got -1.0; expected"),
        (
            {"min_trade": 1e5, "min_trade_fraction": 1e-4},
            "solver: expected at most one of min_trade and min_trade_fraction",
        ),
    ],
)
def test_a_bad_threshold_is_refused_naming_the_option(options, message):
    with pytest.raises(SpecError, match=message):
        solved(solver=options)


def test_solver_options_built_in_python_refuse_a_bad_threshold_the_same_way():
    with pytest.raises(SpecError, match=r"solver.min_trade: got -1.0; expected a number >= 0"):
        SolverOptions(min_trade=-1.0)
    with pytest.raises(SpecError, match="expected at most one of min_trade and min_trade_f"):
        SolverOptions(min_trade=1.0, min_trade_fraction=0.1)
    assert SolverOptions().min_trade_of(-2e9) == pytest.approx(2e5)
