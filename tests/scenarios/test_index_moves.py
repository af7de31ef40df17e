"""Moves of one index: the CPI–RPI wedge moved alone, and RPI moving CPI built on it.

On the default problem (CPI = RPI − wedge; an RPI LPI tranche and a CPI LPI tranche; RPI
linkers and swaps), a move ``curves_bp: {cpi: m}`` moves CPI breakevens only, ``{rpi: m}``
moves both. References: each tranche valued alone with ``ldi.pv`` on its own curve bumped
(``shifted``, a different path from the stress's shifts), 1e-10 relative to the
liabilities' PV; the carry ledger's instantaneous revaluation a year on against the first
order IE01 x move of the CPI tranche there (the ledger's own central difference: a check
that the wedge move reaches the path's flows linearly), to 3% (convexity).
"""

import numpy as np
import pytest

import ldi
from ldi.curves.inflation import WedgeCurve
from ldi.scenarios.apply import Revaluation, liability_values
from ldi.scenarios.carry import Ledger
from ldi.scenarios.scenario import Move, MoveSet
from tests.reference import DEFAULT_PROBLEM

PROBLEM = ldi.load_problem(DEFAULT_PROBLEM)


def tranche_value(name: str, rpi_bp: float = 0.0, wedge_bp: float = 0.0) -> float:
    """A tranche's PV with RPI moved ``rpi_bp`` and CPI's wedge ``wedge_bp`` (by curve bumps)."""
    owed, market = PROBLEM.liabilities, PROBLEM.market
    rpi = market.curves["rpi"].shifted(rpi_bp)
    cpi_market = market.curves["cpi"]
    cpi = WedgeCurve.over(rpi, cpi_market.starts, cpi_market.wedges).shifted(wedge_bp)
    part = owed.tranches[name]
    curves = ldi.curves.IndexCurves({"rpi": rpi, "cpi": cpi}, "rpi")
    return ldi.pv(part, owed.discount_curve, curves)


def test_a_wedge_move_moves_only_the_cpi_tranche():
    moves = [Move(), Move.of(curves_bp={"cpi": -30.0}), Move.of(curves_bp={"rpi": 10.0})]
    values = liability_values(PROBLEM.liabilities, moves, PROBLEM.market)
    total = values[0]
    wedge = tranche_value("cpi_2_5", wedge_bp=-30.0) - tranche_value("cpi_2_5")
    both = sum(tranche_value(n, rpi_bp=10.0) - tranche_value(n) for n in ("rpi_lpi_5", "cpi_2_5"))
    assert wedge < 0
    assert values[1] - total == pytest.approx(wedge, rel=0, abs=1e-10 * total)
    assert values[2] - total == pytest.approx(both, rel=0, abs=1e-10 * total)


def test_rpi_instruments_do_not_see_a_wedge_move_but_see_an_rpi_move():
    instruments = list(PROBLEM.instruments.values())
    revaluation = Revaluation(instruments, PROBLEM.market)
    moves = [Move(), Move.of(curves_bp={"cpi": -30.0}), Move.of(breakeven_bp=10.0)]
    values = revaluation.values(moves)
    np.testing.assert_array_equal(values[:, 1], values[:, 0])
    linked = [i for i, ins in enumerate(instruments) if ins.kind == "inflation_swap"]
    assert np.all(values[linked, 2] > values[linked, 0])


def test_the_ledger_moves_the_wedge_on_a_path_a_year_on():
    instruments = list(PROBLEM.instruments.values())
    ledger = Ledger(instruments, PROBLEM.market, PROBLEM.liabilities)
    still = MoveSet.of([Move()])
    end = next(ledger.walk([still], risk=True))
    shocked = ledger.revalue(end, 0, MoveSet.of([Move(), Move.of(curves_bp={"cpi": -30.0})]))
    change = shocked[1] - shocked[0]
    assert np.all(change[:-1] == 0.0)  # no instrument is linked to CPI
    # First order: the CPI tranche's IE01 a year on (its value's change per bp of CPI).
    at = ledger.revalue(end, 0, MoveSet.of([Move.of(curves_bp={"cpi": h}) for h in (1, -1)]))
    ie01 = (at[0, -1] - at[1, -1]) / 2
    assert change[-1] < 0  # CPI 30bp lower: the CPI tranche is worth less
    assert change[-1] == pytest.approx(-30.0 * ie01, rel=0.03)
