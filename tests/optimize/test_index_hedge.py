"""Inflation hedge ratios by index: a CPI tranche against RPI and CPI hedges.

CPI is declared as RPI less a wedge, so a move of RPI moves CPI-linked flows too, and a move
of CPI (its wedge) moves only them. ``hedge_ratio`` with ``index: cpi`` counts on both sides
only the IE01 a CPI move reaches; with ``index: rpi`` everything linked to RPI or to CPI.

References: each instrument's IE01 per unit from ``instrument_risk`` and each tranche's IE01
from ``ldi.ie01`` on its own curve (the tranche valued alone, not through the problem's
ladders), combined by hand; tolerances are the solver's (1e-6 of the ratio).
"""

import copy

import numpy as np
import pytest

import ldi
from ldi.cashflows.tranches import streams_of
from ldi.errors import SpecError
from ldi.io.load import load_problem

RAW = {
    "ldi": 1,
    "name": "CPI and RPI tranches",
    "curves": {
        "gilts": {"tenors": [1, 10, 30], "rates": [0.04, 0.045, 0.05]},
        "rpi": {"kind": "breakeven", "tenors": [1, 30], "rates": [0.033, 0.034]},
        "cpi": {"kind": "wedge", "base": "rpi", "starts": [0, 4], "wedges": [0.01, 0.0]},
    },
    "market": {"inflation_curve": "rpi"},
    "liabilities": {
        "discount_curve": "gilts",
        "inflation_curve": "rpi",
        "tranches": {"rpi_full": {}, "cpi_full": {"index": "cpi"}},
        "cashflows": [
            {"time": 10, "inflation_linked": 40.0e6, "tranche": "rpi_full"},
            {"time": 20, "inflation_linked": 30.0e6, "tranche": "rpi_full"},
            {"time": 15, "inflation_linked": 50.0e6, "tranche": "cpi_full"},
        ],
    },
    "instruments": [
        {"id": "RPI_20Y", "kind": "inflation_swap", "maturity": 20},
        {"id": "CPI_15Y", "kind": "inflation_swap", "maturity": 15, "inflation_curve": "cpi"},
        {"id": "CASH", "kind": "cash"},
    ],
    "holdings": {"CASH": 100.0e6},
    "objective": {"minimize": [{"transaction_costs": {}}]},
    "constraints": [
        {"budget": {}},
        {"hedge_ratio": {"risk": "inflation", "index": "rpi", "min": 0.9}},
        {"hedge_ratio": {"risk": "inflation", "index": "cpi", "min": 0.6}},
    ],
}


def tranche_ie01(problem, name: str, curve: str) -> float:
    part = problem.liabilities.tranches[name]
    return ldi.ie01(part, problem.liabilities.discount_curve, problem.market.curves[curve])


def test_index_hedge_ratios_count_what_each_index_reaches():
    problem = load_problem(copy.deepcopy(RAW))
    result = problem.solve()
    assert result.ok
    risk = problem.instrument_risk()
    ie01 = risk.exposures["ie01"] * result.positions.reindex(risk.exposures.index)
    owed_cpi = tranche_ie01(problem, "cpi_full", "cpi")
    owed_rpi = tranche_ie01(problem, "rpi_full", "rpi") + owed_cpi
    cpi_ratio = ie01["CPI_15Y"] / owed_cpi
    rpi_ratio = (ie01["CPI_15Y"] + ie01["RPI_20Y"]) / owed_rpi
    assert result.hedge_ratios["inflation:cpi"] == pytest.approx(cpi_ratio, rel=1e-9)
    assert result.hedge_ratios["inflation:rpi"] == pytest.approx(rpi_ratio, rel=1e-9)
    # Costs keep both at their minimum: the CPI swap covers 60% of the CPI tranche, the RPI
    # swap the rest of the 90% of everything.
    assert cpi_ratio == pytest.approx(0.6, rel=1e-6)
    assert rpi_ratio == pytest.approx(0.9, rel=1e-6)
    assert result.hedge_ratios["inflation"] == pytest.approx(rpi_ratio, rel=1e-9)


def test_an_rpi_hedge_leaves_the_cpi_wedge_unhedged():
    raw = copy.deepcopy(RAW)
    raw["instruments"] = [i for i in raw["instruments"] if i["id"] != "CPI_15Y"]
    raw["constraints"] = raw["constraints"][:2]
    result = load_problem(raw).solve()
    assert result.hedge_ratios["inflation:rpi"] == pytest.approx(0.9, rel=1e-6)
    assert result.hedge_ratios["inflation:cpi"] == 0.0
    text = result.report().as_text()
    assert "Inflation hedge, cpi" in text


def test_an_index_that_is_no_breakeven_curve_is_named():
    raw = copy.deepcopy(RAW)
    raw["constraints"][2]["hedge_ratio"]["index"] = "cpih"
    with pytest.raises(SpecError, match=r"index: got 'cpih'; expected a breakeven curve of the"):
        load_problem(raw).solve()


def test_an_index_on_rates_risk_is_refused():
    raw = copy.deepcopy(RAW)
    raw["constraints"][2]["hedge_ratio"] = {"risk": "rates", "index": "cpi", "min": 0.5}
    with pytest.raises(SpecError, match=r"index: got 'cpi'; expected an index only with risk"):
        load_problem(raw)


def test_the_tranches_are_each_on_their_own_index():
    problem = load_problem(copy.deepcopy(RAW))
    indices = [part.indexation.index for part in streams_of(problem.liabilities.cashflows)]
    assert indices == [None, "cpi"]


def test_a_liability_scale_scales_the_index_and_basis_targets_as_a_fresh_solve():
    """A re-solve with the liabilities doubled is a fresh solve of doubled cash flows (1e-6)."""
    raw = copy.deepcopy(RAW)
    raw["curves"]["sonia"] = {"tenors": [1, 10, 30], "rates": [0.039, 0.043, 0.047]}
    raw["liabilities"]["hedging_bases"] = {"sonia": {"curve": "sonia"}}
    raw["instruments"].append({"id": "G30", "kind": "bond", "coupon": 0.045, "maturity": 30})
    raw["constraints"].append({"hedge_ratio": {"basis": "sonia", "min": 0.5}})
    again = load_problem(copy.deepcopy(raw)).resolve(liability_scale=2.0)
    for row in raw["liabilities"]["cashflows"]:
        row["inflation_linked"] *= 2.0
    fresh = load_problem(raw).solve()
    np.testing.assert_allclose(again.positions, fresh.positions, rtol=1e-6, atol=1.0)
    for key in ("inflation:cpi", "inflation:rpi", "rates@sonia"):
        assert again.hedge_ratios[key] == pytest.approx(fresh.hedge_ratios[key], rel=1e-6)
