"""Benefits in tranches valued part by part, each on the curve of its own index.

References and tolerances:

- a stream in tranches is one row of a risk table worth the sum of its parts valued one by
  one (``ldi.pv``, ``ldi.ie01``, the key-rate PV01 and IE01 columns of
  ``ldi.risk.exposures``): PV to 1e-12 relative, and each sensitivity to 1e-12 x PV in
  money (a sensitivity is a difference of revalued PVs, so it carries a PV's rounding).
  The row and the parts sum the same discounted flows but group them differently (the row
  merges flows of every part paid at the same time and adds one block per indexation), so
  the two differ only by the rounding of float64 sums of a few dozen terms, about 1e-16
  of PV;
- a part indexed to CPI, CPI being RPI less a step wedge (``WedgeCurve``), against numpy
  written out here: the wedge averaged by hand, W(t) = 0.95% to the step at 4.09 years and
  (0.95% x 4.09 + 0.05% x (t − 4.09)) / t after, the index ratio (1 + b(τ) − W(τ))^τ at the
  fixing τ = max(t − lag, 0), b read by np.interp on the pillars, and discount factors
  (1 + z(t))^−t with z by np.interp (annual compounding, flat outside): 1e-12 relative
  (a few powers and a sum of a dozen terms);
- ``money_flows`` of tranches is the concatenation of each part's (the same arithmetic:
  exact), and a CPI part's money is fixed + real x (1 + c(τ))^τ by hand (1e-14 relative);
- IE01 against central differences of 1bp written by hand, PV(b + 1bp) and PV(b − 1bp)
  summed in numpy: 1e-9 relative (a difference of two sums of size PV taken to IE01,
  about 1e-3 of PV, loses three digits of the 1e-12 of each sum).
"""

import re

import numpy as np
import pytest

import ldi
from ldi import BreakevenCurve, Cashflows, DataError, Indexation, YearlyVolatility, ZeroCurve
from ldi.cashflows.tranches import Tranches
from ldi.curves.inflation import IndexCurves, WedgeCurve
from ldi.instruments.pricing import money_flows
from ldi.risk import exposures
from ldi.risk.sensitivities import inflation_key_rate_column, key_rate_column

BP = 1e-4
RTOL = 1e-12
KEYS = (1.0, 2.0, 5.0, 10.0, 20.0, 30.0)
GILT_TENORS, GILT_RATES = [1.0, 10.0, 30.0], [0.04, 0.045, 0.05]
RPI_TENORS, RPI_RATES = [1.0, 30.0], [0.034, 0.031]
STEP = 4.09  # RPI is aligned with CPIH from February 2030: about 4.09y after 2025-12-31
WEDGES = (0.0095, 0.0005)

GILTS = ZeroCurve(GILT_TENORS, GILT_RATES, compounding="annual")
RPI = BreakevenCurve(RPI_TENORS, RPI_RATES)
CPI = WedgeCurve.over(RPI, starts=(0.0, STEP), wedges=WEDGES)
CURVES = IndexCurves({"rpi": RPI, "cpi": CPI}, default="rpi")

FIXED = Cashflows([1.0, 5.0, 10.0, 17.5], [10.0, 12.0, 9.0, 4.0])
FULL = Cashflows([2.0, 7.5, 20.0], [0.0, 1.0, 0.0], [5.0, 6.0, 7.0])
LPI = Cashflows(
    [1.5, 6.0, 12.0, 31.0],
    [0.0, 0.0, 2.0, 0.0],
    [8.0, 9.0, 7.0, 5.0],
    Indexation(floor=0.0, cap=0.05, volatility=YearlyVolatility(0.012, "normal")),
)
LAGGED = Cashflows(
    [0.2, 3.0, 12.0, 45.0], [0.0, 1.0, 0.0, 0.0], [3.0, 8.0, 9.0, 4.0], Indexation(lag=0.25)
)
CPI_PART = Cashflows(
    [0.5, 3.0, STEP, 7.25, 20.0, 45.0],
    [1.0, 0.0, 0.0, 2.0, 0.0, 0.0],
    [4.0, 6.0, 5.0, 7.0, 8.0, 3.0],
    Indexation(lag=0.25, index="cpi"),
)
CPI_LPI = Cashflows(
    [2.0, 9.0, 26.0],
    [0.0, 0.0, 0.0],
    [6.0, 5.0, 4.0],
    Indexation(floor=0.0, cap=0.025, volatility=YearlyVolatility(0.01), index="cpi"),
)
PARTS = {"fixed": FIXED, "full": FULL, "lpi_5": LPI, "lagged": LAGGED}


def money_close(got, expected, pv):
    """Every column (PV and sensitivities, in money) within RTOL x ``pv`` of the reference."""
    np.testing.assert_allclose(got, expected, rtol=0, atol=RTOL * abs(pv))


# --- a row in tranches is the sum of its parts ---------------------------------------------


@pytest.mark.parametrize(
    ("parts", "breakeven"),
    [
        pytest.param(PARTS, RPI, id="rpi"),
        pytest.param({**PARTS, "cpi": CPI_PART, "cpi_lpi": CPI_LPI}, CURVES, id="rpi-and-cpi"),
    ],
)
def test_a_row_in_tranches_is_worth_the_sum_of_its_parts(parts, breakeven):
    flows = Tranches(parts)
    total = ldi.pv(flows, GILTS, breakeven)
    one_by_one = [ldi.pv(part, GILTS, breakeven) for part in parts.values()]
    assert total == pytest.approx(sum(one_by_one), rel=RTOL)
    ie01 = ldi.ie01(flows, GILTS, breakeven)
    assert ie01 > 0
    assert ie01 == pytest.approx(
        sum(ldi.ie01(part, GILTS, breakeven) for part in parts.values()), abs=RTOL * total
    )


@pytest.mark.parametrize(
    ("parts", "breakeven"),
    [
        pytest.param(PARTS, RPI, id="rpi"),
        pytest.param({**PARTS, "cpi": CPI_PART, "cpi_lpi": CPI_LPI}, CURVES, id="rpi-and-cpi"),
    ],
)
def test_the_exposures_of_a_row_in_tranches_are_the_sums_of_its_parts(parts, breakeven):
    table = exposures({"total": Tranches(parts), **parts}, GILTS, breakeven, KEYS)
    columns = [
        "pv",
        "pv01",
        "ie01",
        *(key_rate_column(k) for k in KEYS),
        *(inflation_key_rate_column(k) for k in KEYS),
    ]
    got = table.loc[["total"], columns].to_numpy()
    expected = table.loc[list(parts), columns].to_numpy().sum(axis=0, keepdims=True)
    money_close(got, expected, table.loc["total", "pv"])
    # Each part alone gives the same row as in the shared table.
    for name, part in parts.items():
        alone = exposures({name: part}, GILTS, breakeven, KEYS).loc[[name], columns]
        money_close(alone.to_numpy(), table.loc[[name], columns].to_numpy(), alone.iloc[0, 0])


def test_a_stream_in_tranches_beside_others_keeps_to_its_row():
    """Another stream under one of the tranches' indexations does not leak into the row."""
    flows = Tranches({"fixed": FIXED, "cpi": CPI_PART})
    other = Cashflows([4.0, 8.0], [0.0, 0.0], [3.0, 3.0], CPI_PART.indexation)
    table = exposures({"a": other, "tranches": flows, "b": LPI}, GILTS, CURVES, KEYS)
    expected = ldi.pv(FIXED, GILTS, CURVES) + ldi.pv(CPI_PART, GILTS, CURVES)
    assert table.loc["tranches", "pv"] == pytest.approx(expected, rel=RTOL)
    assert table.loc["a", "pv"] == pytest.approx(ldi.pv(other, GILTS, CURVES), rel=RTOL)
    assert table.loc["b", "pv"] == pytest.approx(ldi.pv(LPI, GILTS, CURVES), rel=RTOL)


# --- a part on the curve of its index ------------------------------------------------------


def hand_wedge(t):
    """W(t): 0.95% a year to the step, 0.05% after, averaged over [0, t] (by hand)."""
    t = np.asarray(t, dtype=float)
    after = (WEDGES[0] * STEP + WEDGES[1] * (t - STEP)) / np.where(t > 0, t, 1.0)
    return np.where(t <= STEP, WEDGES[0], after)


def hand_pv(flows, wedge):
    """Σ (fixed + real x (1 + b(τ) − W(τ))^τ) x (1 + z(t))^−t over t > 0, τ = max(t − lag, 0)."""
    t = flows.times
    tau = np.maximum(t - flows.indexation.lag, 0.0)
    ratio = (1.0 + np.interp(tau, RPI_TENORS, RPI_RATES) - wedge(tau)) ** tau
    discount = (1.0 + np.interp(t, GILT_TENORS, GILT_RATES)) ** -t
    money = flows.amounts + flows.inflation_linked * ratio
    return float(np.sum((money * discount)[t > 0]))


def no_wedge(t):
    return np.zeros_like(np.asarray(t, dtype=float))


def test_a_cpi_part_is_valued_on_the_cpi_curve():
    expected = hand_pv(CPI_PART, hand_wedge)
    assert ldi.pv(CPI_PART, GILTS, CURVES) == pytest.approx(expected, rel=RTOL)
    # The same flows indexed to RPI are worth more: the wedge lowers CPI's index.
    rpi_flows = Cashflows(
        CPI_PART.times, CPI_PART.amounts, CPI_PART.inflation_linked, Indexation(lag=0.25)
    )
    on_rpi = ldi.pv(rpi_flows, GILTS, CURVES)
    assert on_rpi == pytest.approx(hand_pv(rpi_flows, no_wedge), rel=RTOL)
    assert on_rpi > expected


def test_tranches_on_rpi_and_cpi_are_valued_each_on_its_curve():
    flows = Tranches({"fixed": FIXED, "rpi": LAGGED, "cpi": CPI_PART})
    expected = hand_pv(FIXED, no_wedge) + hand_pv(LAGGED, no_wedge) + hand_pv(CPI_PART, hand_wedge)
    assert ldi.pv(flows, GILTS, CURVES) == pytest.approx(expected, rel=RTOL)


def test_an_unknown_index_is_a_data_error_naming_it():
    flows = Tranches(
        {"fixed": FIXED, "cpih": Cashflows([5.0], [0.0], [1.0], Indexation(index="cpih"))}
    )
    message = "inflation_curve: got index 'cpih'; expected one of ['cpi', 'rpi']"
    with pytest.raises(DataError, match=f"^{re.escape(message)}$"):
        ldi.pv(flows, GILTS, CURVES)
    with pytest.raises(DataError, match=f"^{re.escape(message)}$"):
        money_flows(flows, CURVES, "liabilities")


def test_index_curves_refuse_a_default_they_do_not_hold():
    message = "inflation_curve: got index 'rpix'; expected one of ['cpi', 'rpi']"
    with pytest.raises(DataError, match=f"^{re.escape(message)}$"):
        IndexCurves({"rpi": RPI, "cpi": CPI}, default="rpix")


def test_without_a_default_a_part_naming_no_index_is_refused():
    message = "inflation_curve: got index None; expected one of ['cpi']"
    with pytest.raises(DataError, match=f"^{re.escape(message)}$"):
        ldi.pv(FULL, GILTS, IndexCurves({"cpi": CPI}))


def test_one_breakeven_curve_serves_every_index():
    """A part naming an index valued on a single curve: that curve, whatever the name."""
    renamed = Cashflows(
        CPI_PART.times, CPI_PART.amounts, CPI_PART.inflation_linked, Indexation(lag=0.25)
    )
    assert ldi.pv(CPI_PART, GILTS, RPI) == ldi.pv(renamed, GILTS, RPI)
    assert ldi.pv(CPI_PART, GILTS, RPI) == pytest.approx(hand_pv(CPI_PART, no_wedge), rel=RTOL)
    assert RPI.for_index("cpi") is RPI
    assert RPI.for_index(None) is RPI


# --- money flows ---------------------------------------------------------------------------


def test_money_flows_of_tranches_are_each_parts_money_flows_in_turn():
    parts = {"fixed": FIXED, "lpi_5": LPI, "lagged": LAGGED, "cpi": CPI_PART, "cpi_lpi": CPI_LPI}
    t, money = money_flows(Tranches(parts), CURVES, "liabilities")
    pieces = [money_flows(part, CURVES, "liabilities") for part in parts.values()]
    np.testing.assert_array_equal(t, np.concatenate([p[0] for p in pieces]))
    np.testing.assert_array_equal(money, np.concatenate([p[1] for p in pieces]))


def test_money_flows_of_a_cpi_part_by_hand_and_past_flows_left_out():
    past = Cashflows([0.0, 3.0], [5.0, 0.0], [7.0, 2.0], Indexation(index="cpi"))
    t, money = money_flows(Tranches({"past": past, "cpi": CPI_PART}), CURVES, "liabilities")
    tau = np.maximum(CPI_PART.times - 0.25, 0.0)
    ratio = (1.0 + np.interp(tau, RPI_TENORS, RPI_RATES) - hand_wedge(tau)) ** tau
    ratio_3 = (1.0 + np.interp(3.0, RPI_TENORS, RPI_RATES) - WEDGES[0]) ** 3.0
    np.testing.assert_array_equal(t, [3.0, *CPI_PART.times])
    expected = [2.0 * ratio_3, *(CPI_PART.amounts + CPI_PART.inflation_linked * ratio)]
    np.testing.assert_allclose(money, expected, rtol=1e-14)


def test_money_flows_of_linked_tranches_need_a_breakeven_curve():
    message = "liabilities: inflation-linked flows need a breakeven curve"
    with pytest.raises(DataError, match=f"^{re.escape(message)}$"):
        money_flows(Tranches({"fixed": FIXED, "cpi": CPI_PART}), None, "liabilities")
    t, money = money_flows(Tranches({"fixed": FIXED}), None, "liabilities")
    np.testing.assert_array_equal(money, FIXED.amounts)


# --- IE01: a breakeven move reaches CPI as it reaches RPI ----------------------------------

CONSTANT_WEDGE = 0.008
TIMES = np.array([1.0, 4.5, 10.0, 22.0, 35.0])
REAL = np.array([6.0, 5.0, 8.0, 7.0, 3.0])


def hand_ie01(wedge):
    """(PV(b + 1bp) − PV(b − 1bp)) / 2 of REAL at TIMES, indexed to b − ``wedge``."""
    b = np.interp(TIMES, RPI_TENORS, RPI_RATES) - wedge
    discount = (1.0 + np.interp(TIMES, GILT_TENORS, GILT_RATES)) ** -TIMES

    def pv(bump):
        return float(np.sum(REAL * (1.0 + b + bump) ** TIMES * discount))

    return (pv(BP) - pv(-BP)) / 2


def test_a_breakeven_bump_moves_a_cpi_part_as_it_moves_an_rpi_part():
    """With a constant wedge w, c = b − w: a 1bp move of b is a 1bp move of c.

    So the CPI part's IE01 is the central difference of its PV with c ± 1bp, and equals the
    IE01 of the same real flows on RPI were RPI's breakevens lower by w.
    """
    cpi = WedgeCurve.over(RPI, starts=(0.0,), wedges=(CONSTANT_WEDGE,))
    curves = IndexCurves({"rpi": RPI, "cpi": cpi}, default="rpi")
    on_rpi = Cashflows(TIMES, np.zeros(TIMES.size), REAL)
    on_cpi = Cashflows(TIMES, np.zeros(TIMES.size), REAL, Indexation(index="cpi"))
    table = exposures(
        {"rpi": on_rpi, "cpi": on_cpi, "both": Tranches({"rpi": on_rpi, "cpi": on_cpi})},
        GILTS,
        curves,
        KEYS,
    )
    assert table.loc["rpi", "ie01"] == pytest.approx(hand_ie01(0.0), rel=1e-9)
    assert table.loc["cpi", "ie01"] == pytest.approx(hand_ie01(CONSTANT_WEDGE), rel=1e-9)
    assert table.loc["both", "ie01"] == pytest.approx(
        hand_ie01(0.0) + hand_ie01(CONSTANT_WEDGE), rel=1e-9
    )
    lower = BreakevenCurve(RPI_TENORS, np.array(RPI_RATES) - CONSTANT_WEDGE)
    moved_as_rpi = exposures({"rpi": on_rpi}, GILTS, lower, KEYS).loc["rpi"]
    ie01_columns = ["ie01", *(inflation_key_rate_column(k) for k in KEYS)]
    got = table.loc[["cpi"], ie01_columns].to_numpy()
    money_close(got, moved_as_rpi[ie01_columns].to_numpy()[None, :], moved_as_rpi["pv"])
    assert table.loc["cpi", "pv"] == pytest.approx(moved_as_rpi["pv"], rel=RTOL)
