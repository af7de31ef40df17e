"""instrument_risk: the per-unit exposure table and the terms table the optimizer reads.

References: each instrument valued on its own (the table groups instruments by curve and
revalues each group in one vectorized pass, so a row must not depend on its neighbours), and
position-level risk written out here in numpy on a flat annual curve.
"""

import re

import numpy as np
import pandas as pd
import pytest

from ldi import BondSchedule, BreakevenCurve, DataError, Market, ZeroCurve
from ldi.instruments import (
    Bond,
    Cash,
    IndexLinkedBond,
    InflationSwap,
    InterestRateSwap,
    Repo,
    ReturnSeeking,
    ZeroCouponBond,
    exposure_columns,
    instrument_risk,
)

H = 1e-4
KEYS = [1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 50.0]
GILTS = ZeroCurve([1, 5, 10, 30], [0.041, 0.042, 0.045, 0.044], compounding="annual")
SONIA = ZeroCurve.from_par_swaps([1, 2, 5, 10, 30, 50], [0.046, 0.044, 0.041, 0.040, 0.038, 0.036])
RPI = BreakevenCurve([2, 10, 30], [0.036, 0.034, 0.031])
CPI = BreakevenCurve([2, 10, 30], [0.027, 0.026, 0.024])
MARKET = Market(
    curves={"gilts": GILTS, "sonia": SONIA, "rpi": RPI, "cpi": CPI},
    nominal="gilts",
    inflation="rpi",
)
UNIVERSE = [
    Bond(id="UKT_2035", coupon=0.04, maturity=10.4, price=98.5),
    Bond(id="CORP_2031", coupon=0.055, maturity=6.2, spread=0.011, credit=True),
    ZeroCouponBond(id="STRIP_2055", maturity=30.0, curve="sonia"),
    IndexLinkedBond(id="UKTI_2045", coupon=0.00125, maturity=20.3, index_ratio=1.42, price=97.0),
    IndexLinkedBond(id="CPI_LINKER", coupon=0.01, maturity=15.0, inflation_curve="cpi"),
    InterestRateSwap(id="SONIA_30Y", tenor=30.0, curve="sonia"),
    InterestRateSwap(id="GILT_SWAP_10Y", tenor=10.0, fixed_rate=0.05),
    InflationSwap(id="RPI_ZC_20Y", maturity=20.0, fixed_rate=0.033, curve="sonia"),
    InflationSwap(id="CPI_ZC_25Y", maturity=25.0, inflation_curve="cpi"),
    Repo(id="REPO_3M", collateral="UKT_2035", term=0.25, haircut=0.02),
    ReturnSeeking(
        id="GROWTH", expected_return=0.065, volatility=0.16, rates_duration=2.5, spread_duration=1
    ),
    Cash(id="CASH", rate=0.04),
]


def test_rows_do_not_depend_on_the_other_instruments():
    together = instrument_risk(UNIVERSE, MARKET, KEYS)
    assert list(together.exposures.index) == [i.id for i in UNIVERSE]
    assert together.exposures.index.name == "id"
    for instrument in UNIVERSE:
        alone = instrument_risk([instrument], MARKET, KEYS)
        # Grouped instruments share one revaluation in a different summation order, and
        # bonds with and without spreads take different code paths: rounding only.
        np.testing.assert_allclose(
            together.exposures.loc[instrument.id].to_numpy(),
            alone.exposures.loc[instrument.id].to_numpy(),
            rtol=1e-12,
            atol=1e-18,
            err_msg=instrument.id,
        )
        expected = alone.terms.loc[instrument.id].dropna()
        pd.testing.assert_series_equal(
            together.terms.loc[instrument.id, expected.index], expected, check_dtype=False
        )


def test_instruments_follow_their_own_curves():
    risk = instrument_risk(UNIVERSE, MARKET, KEYS).exposures
    # The same 30y zero on gilts and on SONIA differ in value and duration.
    gilt_strip = instrument_risk([ZeroCouponBond(id="S", maturity=30.0)], MARKET, KEYS)
    assert gilt_strip.terms.loc["S", "dirty_price"] == pytest.approx(100 * 1.044**-30, rel=1e-13)
    sonia = float(SONIA.zero_rate(30.0))
    # T / (1 + z) up to the central difference's (T + 1)(T + 2) h^2 / 6 = 1.7e-6.
    bound = 1.01 * 31 * 32 * H**2 / 6
    assert risk.loc["STRIP_2055", "duration"] == pytest.approx(30 / (1 + sonia), rel=bound)
    # The CPI linker's IE01 is on the CPI curve: as if the RPI curve were CPI's.
    as_rpi = Market(curves={"gilts": GILTS, "rpi": CPI}, nominal="gilts", inflation="rpi")
    cpi_linker = IndexLinkedBond(id="CPI_LINKER", coupon=0.01, maturity=15.0)
    alone = instrument_risk([cpi_linker], as_rpi, KEYS).exposures.loc["CPI_LINKER"]
    np.testing.assert_allclose(
        risk.loc["CPI_LINKER"].to_numpy(), alone.to_numpy(), rtol=1e-12, atol=1e-18
    )


def test_key_rate_columns_add_up_to_the_totals():
    table = instrument_risk(UNIVERSE, MARKET, KEYS).exposures
    pv01_keys = table[[f"pv01_{k:g}y" for k in KEYS]].sum(axis=1)
    ie01_keys = table[[f"ie01_{k:g}y" for k in KEYS]].sum(axis=1)
    # Splitting a bump only loses third-order terms: (h (T + 2))^2 / 6 <= 6.5e-6 at 49y;
    # stated durations are split exactly. A par inflation swap's PV01 is rounding (~1e-16).
    np.testing.assert_allclose(pv01_keys, table["pv01"], rtol=7e-6, atol=1e-15)
    np.testing.assert_allclose(ie01_keys, table["ie01"], rtol=7e-6, atol=1e-15)


def test_table_columns_and_labels():
    keys = [0.5, 2.0, 7.25]
    risk = instrument_risk(UNIVERSE[:2], MARKET, keys)
    expected = [
        "pv",
        "pv01",
        "duration",
        "convexity",
        "ie01",
        "cs01",
        "pv01_0.5y",
        "pv01_2y",
        "pv01_7.25y",
        "ie01_0.5y",
        "ie01_2y",
        "ie01_7.25y",
    ]
    assert list(risk.exposures.columns) == expected
    assert exposure_columns(np.array(keys)) == expected


def test_terms_table():
    terms = instrument_risk(UNIVERSE, MARKET, KEYS).terms
    assert list(terms.columns) == [
        "kind",
        "role",
        "category",
        "maturity",
        "clean_price",
        "dirty_price",
        "accrued",
        "index_ratio",
        "spread_bp",
        "priced_from",
        "fixed_rate",
        "par_rate",
        "rate",
        "fair_rate",
        "haircut",
        "collateral",
        "expected_return",
        "volatility",
    ]
    filled = {
        "bond": {"maturity", "clean_price", "dirty_price", "accrued", "index_ratio"}
        | {"spread_bp", "priced_from"},
        "zero_coupon_bond": {"maturity", "clean_price", "dirty_price", "accrued", "index_ratio"}
        | {"spread_bp", "priced_from"},
        "index_linked_bond": {"maturity", "clean_price", "dirty_price", "accrued", "index_ratio"}
        | {"spread_bp", "priced_from"},
        "interest_rate_swap": {"maturity", "fixed_rate", "par_rate"},
        "inflation_swap": {"maturity", "fixed_rate", "par_rate"},
        "repo": {"maturity", "rate", "fair_rate", "haircut", "collateral"},
        "return_seeking": {"expected_return", "volatility"},
        "cash": {"expected_return"},
    }
    roles = {
        "interest_rate_swap": "overlay",
        "inflation_swap": "overlay",
        "repo": "financing",
    }
    for name, record in terms.iterrows():
        kind = record["kind"]
        assert set(record.drop(["kind", "role", "category"]).dropna().index) == filled[kind], name
        assert record["role"] == roles.get(kind, "physical"), name
    assert terms.loc["UKT_2035", "priced_from"] == "market"
    assert terms.loc["CORP_2031", "priced_from"] == "curve"
    assert terms.loc["CORP_2031", "spread_bp"] == pytest.approx(110.0, rel=1e-14)
    assert terms.loc["GILT_SWAP_10Y", "fixed_rate"] == 0.05
    assert terms.loc["REPO_3M", "collateral"] == "UKT_2035"


def test_empty_universe():
    risk = instrument_risk([], MARKET, KEYS)
    assert risk.exposures.empty
    assert list(risk.exposures.columns) == exposure_columns(np.array(KEYS))
    assert list(risk.terms.columns) == ["kind", "role", "category"]


def test_repeated_ids_are_a_data_error():
    bonds = [
        Bond(id="UKT", coupon=0.04, maturity=10.0),
        Bond(id="UKT", coupon=0.02, maturity=5.0),
    ]
    message = "instruments: ids ['UKT'] appear more than once; expected each id once"
    with pytest.raises(DataError, match=re.escape(message)):
        instrument_risk(bonds, MARKET, KEYS)


# --- positions: per-unit rows x position, against position-level risk by hand ------------------

Z = 0.04
FLAT = Market(
    curves={"gilts": ZeroCurve.flat(Z, compounding="annual"), "rpi": BreakevenCurve.flat(0.03)},
    nominal="gilts",
    inflation="rpi",
)


def stream_value(times, amounts, shift=0.0):
    """Σ a (1 + z + shift)^-t on the flat annual curve."""
    return float(np.sum(amounts * (1 + Z + shift) ** -times))


def central(times, amounts, spread=0.0):
    value = stream_value(times, amounts, spread)
    down = stream_value(times, amounts, spread - H)
    up = stream_value(times, amounts, spread + H)
    return value, (down - up) / 2, (down + up - 2 * value) / H**2


def test_bond_position_risk_is_market_value_times_the_row():
    market_value, spread = 2.5e8, 0.0042
    risk = instrument_risk([Bond(id="B", coupon=0.035, maturity=12.3, spread=spread)], FLAT, KEYS)
    row, terms = risk.exposures.loc["B"], risk.terms.loc["B"]
    flows = BondSchedule(coupon=0.035, maturity=12.3).cashflows()
    dirty, pv01, curvature = central(flows.times, flows.amounts, spread)
    assert terms["dirty_price"] == pytest.approx(dirty, rel=1e-14)
    units = market_value / dirty  # bonds of 100 face
    assert market_value * row["pv"] == pytest.approx(units * dirty, rel=1e-14)
    assert market_value * row["pv01"] == pytest.approx(units * pv01, rel=1e-10)
    # Duration and convexity do not scale with the position.
    assert row["duration"] == pytest.approx(pv01 / dirty / H, rel=1e-10)
    assert row["convexity"] == pytest.approx(curvature / dirty, rel=1e-6)


def test_swap_position_risk_is_notional_times_the_row():
    notional, tenor, strike = -3e8, 15.0, 0.045  # pay fixed
    risk = instrument_risk([InterestRateSwap(id="S", tenor=tenor, fixed_rate=strike)], FLAT, KEYS)
    row = risk.exposures.loc["S"]
    times = np.arange(1.0, tenor + 1)
    amounts = np.full(times.size, strike)
    amounts[-1] += 1
    value, pv01, curvature = central(times, amounts)
    assert notional * row["pv"] == pytest.approx(notional * (value - 1), rel=1e-12)
    assert notional * row["pv01"] == pytest.approx(notional * pv01, rel=1e-10)
    assert notional * row["pv01"] < 0  # paying fixed loses when rates fall
    # Overlays: duration and convexity per unit of notional, not per unit of (tiny) value.
    assert row["duration"] == pytest.approx(pv01 / H, rel=1e-10)
    assert row["convexity"] == pytest.approx(curvature, rel=1e-6)


def test_repo_position_risk_is_cash_borrowed_times_the_row():
    borrowed, term = 4e7, 0.5
    row = instrument_risk([Repo(id="R", collateral="B", term=term, haircut=0.01)], FLAT, KEYS)
    row = row.exposures.loc["R"]
    repay = (1 + Z) ** term  # fair rate: repays 1 / DF per unit borrowed
    value, pv01, _ = central(np.array([term]), np.array([-repay]))
    assert borrowed * row["pv"] == pytest.approx(-borrowed, rel=1e-14)
    assert borrowed * row["pv01"] == pytest.approx(borrowed * pv01, rel=1e-10)
    assert row["duration"] == pytest.approx(pv01 / value / H, rel=1e-10)


def test_overlay_duration_is_per_unit_of_notional():
    instruments = [
        InterestRateSwap(id="PAR", tenor=20.0),
        InflationSwap(id="ZC", maturity=20.0, fixed_rate=0.02),
        Bond(id="BOND", coupon=0.04, maturity=20.0, frequency=1),
    ]
    table = instrument_risk(instruments, FLAT, KEYS).exposures
    # A par swap is worth ~0: its duration is still a finite PV01 per notional / 1bp.
    assert abs(table.loc["PAR", "pv"]) < 1e-15
    assert table.loc["PAR", "duration"] == pytest.approx(table.loc["PAR", "pv01"] / H, rel=1e-15)
    assert table.loc["ZC", "duration"] == pytest.approx(table.loc["ZC", "pv01"] / H, rel=1e-15)
    # A physical bond: per unit of value, and its value per unit is 1.
    assert table.loc["BOND", "duration"] == pytest.approx(
        table.loc["BOND", "pv01"] / table.loc["BOND", "pv"] / H, rel=1e-15
    )
    # On a flat 4% annual curve the annual par swap rate is 4%: the swap is the annual 4%
    # bond (at par, dirty 100) less 1 paid today, so per unit their PV01s are equal.
    assert table.loc["PAR", "pv01"] == pytest.approx(table.loc["BOND", "pv01"], rel=1e-12)


def test_swaps_and_repo_default_to_the_markets_swap_curve():
    gilts, sonia = ZeroCurve.flat(0.045), ZeroCurve.flat(0.04)
    curves = {"gilts": gilts, "sonia": sonia}
    default = Market(curves, nominal="gilts", swap="sonia")
    named = Market(curves, nominal="gilts")
    universe = [
        InterestRateSwap(id="S", tenor=30),
        Repo(id="R", collateral="X", term=0.5, haircut=0),
    ]
    explicit = [
        InterestRateSwap(id="S", tenor=30, curve="sonia"),
        Repo(id="R", collateral="X", term=0.5, haircut=0, curve="sonia"),
    ]
    pd.testing.assert_frame_equal(
        instrument_risk(universe, default, KEYS).exposures,
        instrument_risk(explicit, named, KEYS).exposures,
    )
    # Bonds still use the nominal default: the fair repo rate is SONIA's, not the gilts'.
    assert instrument_risk(universe, default, KEYS).terms.loc["R", "fair_rate"] == pytest.approx(
        (1.04**0.5 - 1) / 0.5, rel=1e-14
    )
