"""Bond, ZeroCouponBond and IndexLinkedBond: prices, spreads and per-unit risk.

QuantLib reference (fixed-rate bonds): a ql.FixedRateBond on 30/360 (bond basis), no calendar,
unadjusted dates and no settlement lag, so every coupon date is a whole number of 30/360
months from today and our year fractions are the same numbers. The discount curve is either a
ql.FlatForward with annual compounding or a ql.ZeroCurve whose pillars are the bond's payment
dates at our curve's zero rates; either way both sides discount at the same rates and
QuantLib's interpolation never enters. Spreads go through ql.ZeroSpreadedTermStructure with
annual compounding, which adds the spread to the annually compounded zero rate: the same
mechanism as our spread and our 1bp bumps.

Linkers and zero-coupon bonds are checked against closed forms written out here.

Rounding in a 1bp central difference: each PV is good to a few eps x PV and PV01 ~ PV x h x t,
so PV01 carries a relative error of about eps / (h t) (2e-12 at 1y); rel 1e-9 leaves room.
"""

import re
import sys

import numpy as np
import pytest
import QuantLib as ql
from hypothesis import given, settings
from hypothesis import strategies as st

import ldi
from ldi import BreakevenCurve, DataError, Market, ZeroCurve
from ldi.instruments import Bond, IndexLinkedBond, ZeroCouponBond, instrument_risk
from tests.quantlib_helpers import THIRTY_360, backward_schedule, ql_pillar_curve

H = 1e-4  # the 1bp bump behind every sensitivity
EPS = sys.float_info.epsilon
KEYS = [1.0, 2.0, 5.0, 10.0, 20.0, 30.0]
CURVE = ZeroCurve(
    [1, 2, 5, 10, 20, 30], [0.041, 0.039, 0.040, 0.043, 0.046, 0.044], compounding="annual"
)


def market(curve=CURVE, breakeven=None):
    curves = {"gilts": curve} if breakeven is None else {"gilts": curve, "rpi": breakeven}
    return Market(curves=curves, nominal="gilts", inflation=None if breakeven is None else "rpi")


def row(instrument, mkt, keys=KEYS):
    """(exposures row, terms row) of one instrument."""
    risk = instrument_risk([instrument], mkt, keys)
    return risk.exposures.loc[instrument.id], risk.terms.loc[instrument.id]


# --- QuantLib set-up --------------------------------------------------------------------------


def ql_bond(today, effective, maturity, frequency, coupon):
    """The QuantLib bond and its future payment dates."""
    schedule = backward_schedule(effective, maturity, frequency)
    bond = ql.FixedRateBond(0, 100.0, schedule, [coupon], THIRTY_360, ql.Unadjusted)
    dates = sorted({cf.date() for cf in bond.cashflows() if cf.date() > today})
    return bond, dates


class SpreadedEngine:
    """A bond priced on ``base`` + a spread in annual compounding that can be moved."""

    def __init__(self, bond, base):
        self.bond, self.quote = bond, ql.SimpleQuote(0.0)
        spreaded = ql.ZeroSpreadedTermStructure(
            ql.YieldTermStructureHandle(base),
            ql.QuoteHandle(self.quote),
            ql.Compounded,
            ql.Annual,
            THIRTY_360,
        )
        bond.setPricingEngine(ql.DiscountingBondEngine(ql.YieldTermStructureHandle(spreaded)))

    def npv(self, spread):
        self.quote.setValue(spread)
        return self.bond.NPV()

    def pv01(self, spread):
        pv01 = (self.npv(spread - H) - self.npv(spread + H)) / 2
        self.npv(spread)  # leave the bond priced at ``spread``
        return pv01


# (issue date, maturity date) of seasoned bonds: 9.5y (today is a semiannual coupon date),
# 9y4m (2 months into a semiannual period) and 36y8m to maturity.
DATES = {
    "9.5y": (ql.Date(15, 7, 2019), ql.Date(15, 7, 2034)),
    "9y4m": (ql.Date(15, 5, 2019), ql.Date(15, 5, 2034)),
    "36y8m": (ql.Date(15, 9, 2019), ql.Date(15, 9, 2061)),
}


# --- fixed-rate bond vs QuantLib --------------------------------------------------------------


@pytest.mark.parametrize("frequency", [1, 2, 4])
@pytest.mark.parametrize("dates", list(DATES))
@pytest.mark.parametrize(("coupon", "rate"), [(0.04, 0.043), (0.0125, 0.002), (0.0, 0.051)])
def test_price_and_pv01_on_a_flat_curve_match_quantlib(ql_today, frequency, dates, coupon, rate):
    effective, maturity = DATES[dates]
    bond, _ = ql_bond(ql_today, effective, maturity, frequency, coupon)
    base = ql.FlatForward(ql_today, rate, THIRTY_360, ql.Compounded, ql.Annual)
    engine = SpreadedEngine(bond, base)
    ql_dirty, ql_pv01 = engine.npv(0.0), engine.pv01(0.0)

    ours = Bond(
        id="B",
        coupon=coupon,
        maturity=THIRTY_360.yearFraction(ql_today, maturity),
        frequency=frequency,
    )
    exposures, terms = row(ours, market(ZeroCurve.flat(rate, compounding="annual")))
    # QuantLib stores the flat rate as a continuous one and converts back: a few ulps per DF.
    assert terms["dirty_price"] == pytest.approx(ql_dirty, rel=1e-12)
    assert terms["clean_price"] == pytest.approx(bond.cleanPrice(), rel=1e-12)
    assert terms["dirty_price"] - terms["clean_price"] == pytest.approx(
        bond.accruedAmount(), abs=1e-12
    )
    assert terms["priced_from"] == "curve"
    assert terms["spread_bp"] == 0.0
    # Per unit of market value: PV 1; PV01 per 100 face is the per-unit PV01 x dirty price.
    assert exposures["pv"] == pytest.approx(1.0, abs=1e-14)
    assert exposures["pv01"] * terms["dirty_price"] == pytest.approx(ql_pv01, rel=1e-9)
    assert exposures["duration"] == pytest.approx(ql_pv01 / ql_dirty / H, rel=1e-9)


@pytest.mark.parametrize("dates", list(DATES))
@pytest.mark.parametrize("spread", [0.0, 0.0085, -0.0031])
def test_price_and_pv01_on_a_sloped_curve_with_a_spread_match_quantlib(ql_today, dates, spread):
    effective, maturity = DATES[dates]
    bond, dates = ql_bond(ql_today, effective, maturity, 2, 0.0375)
    engine = SpreadedEngine(bond, ql_pillar_curve(ql_today, CURVE, dates))
    ql_dirty, ql_pv01 = engine.npv(spread), engine.pv01(spread)

    ours = Bond(
        id="B",
        coupon=0.0375,
        maturity=THIRTY_360.yearFraction(ql_today, maturity),
        spread=spread,
    )
    exposures, terms = row(ours, market())
    # Same rates at the same times: only rounding in the DFs and the sum.
    assert terms["dirty_price"] == pytest.approx(ql_dirty, rel=1e-12)
    assert terms["spread_bp"] == pytest.approx(spread / H, rel=1e-15)
    assert exposures["pv01"] * terms["dirty_price"] == pytest.approx(ql_pv01, rel=1e-9)
    # A government bond's spread is not a risk factor.
    assert exposures["cs01"] == 0.0
    assert exposures["ie01"] == 0.0


@pytest.mark.parametrize("dates", list(DATES))
@pytest.mark.parametrize("price", [84.0, 97.5, 100.0, 112.25])
def test_implied_spread_matches_quantlib_zspread(ql_today, dates, price):
    effective, maturity = DATES[dates]
    bond, dates = ql_bond(ql_today, effective, maturity, 2, 0.0375)
    base = ql_pillar_curve(ql_today, CURVE, dates)
    ql_spread = ql.BondFunctions.zSpread(
        bond,
        ql.BondPrice(price, ql.BondPrice.Clean),
        base,
        THIRTY_360,
        ql.Compounded,
        ql.Annual,
        ql_today,
        1e-15,
        200,
        0.0,
    )
    ours = Bond(
        id="B",
        coupon=0.0375,
        maturity=THIRTY_360.yearFraction(ql_today, maturity),
        price=price,
    )
    exposures, terms = row(ours, market())
    # Both root-finders stop within 1e-15 of the root; the PVs they solve agree to 1e-12
    # relative, which moves the root by 1e-12 x price / (duration x price) < 1e-13.
    assert terms["spread_bp"] * H == pytest.approx(ql_spread, abs=1e-13)
    assert terms["priced_from"] == "market"
    assert terms["clean_price"] == pytest.approx(price, rel=1e-15)
    assert terms["dirty_price"] == pytest.approx(price + bond.accruedAmount(), rel=1e-13)
    # Risk is taken at the implied spread: QuantLib's PV01 there, per unit of market value.
    engine = SpreadedEngine(bond, base)
    assert exposures["pv01"] * terms["dirty_price"] == pytest.approx(
        engine.pv01(ql_spread), rel=1e-9
    )
    assert exposures["pv"] == pytest.approx(1.0, abs=1e-13)


@pytest.mark.parametrize("price", [62.0, 99.0, 100.0, 131.5])
def test_price_spread_price_round_trip(price):
    quoted = Bond(id="B", coupon=0.045, maturity=17.3, price=price)
    _, terms = row(quoted, market())
    spread = terms["spread_bp"] * H
    _, repriced = row(Bond(id="B", coupon=0.045, maturity=17.3, spread=spread), market())
    # The root is within a few ulps of the spread; dPrice/ds ~ duration x price ~ 1e3.
    assert repriced["clean_price"] == pytest.approx(price, abs=1e-11)
    assert repriced["dirty_price"] == pytest.approx(terms["dirty_price"], abs=1e-11)


@settings(max_examples=60, deadline=None)
@given(
    coupon=st.floats(0.0, 0.08),
    maturity=st.floats(0.3, 50.0),
    frequency=st.sampled_from([1, 2, 4]),
    spread=st.floats(-0.02, 0.05),
)
def test_spread_price_spread_round_trip(coupon, maturity, frequency, spread):
    priced = Bond(id="B", coupon=coupon, maturity=maturity, frequency=frequency, spread=spread)
    clean = priced.value(market()).quote["clean_price"]
    quoted = Bond(id="B", coupon=coupon, maturity=maturity, frequency=frequency, price=clean)
    implied = quoted.value(market()).spread
    # Brent stops within ~1e-15; the price rounds to eps x 100, i.e. 2e-14 / (duration x
    # price) in the spread, at most ~1e-14 for a 0.3y bond.
    assert implied == pytest.approx(spread, abs=1e-13)


def test_higher_price_means_lower_spread():
    spreads = [
        Bond(id="B", coupon=0.04, maturity=12.0, price=p).value(market()).spread
        for p in (80.0, 95.0, 100.0, 120.0)
    ]
    assert spreads == sorted(spreads, reverse=True)


# --- credit -----------------------------------------------------------------------------------


def test_credit_bond_cs01_is_its_pv01_and_government_cs01_is_zero(ql_today):
    effective, maturity = DATES["9y4m"]
    t = THIRTY_360.yearFraction(ql_today, maturity)
    bonds = [
        Bond(id="CORP", coupon=0.055, maturity=t, price=96.0, credit=True),
        Bond(id="GILT", coupon=0.055, maturity=t, price=96.0),
        ZeroCouponBond(id="CORP_ZERO", maturity=12.0, spread=0.012, credit=True),
    ]
    risk = instrument_risk(bonds, market(), KEYS)
    table = risk.exposures
    # The spread moves the discount rate exactly as a parallel bump does: same number.
    assert table.loc["CORP", "cs01"] == table.loc["CORP", "pv01"]
    assert table.loc["CORP_ZERO", "cs01"] == table.loc["CORP_ZERO", "pv01"]
    assert table.loc["GILT", "cs01"] == 0.0
    assert table.loc["CORP", "cs01"] > 0
    # Credit or not, a bond at a given price has the same rates risk.
    assert table.loc["CORP", "pv01"] == table.loc["GILT", "pv01"]
    # QuantLib: value gained when the spread falls 1bp, per unit of market value.
    bond, dates = ql_bond(ql_today, effective, maturity, 2, 0.055)
    engine = SpreadedEngine(bond, ql_pillar_curve(ql_today, CURVE, dates))
    spread = risk.terms.loc["CORP", "spread_bp"] * H
    expected = engine.pv01(spread) / risk.terms.loc["CORP", "dirty_price"]
    assert table.loc["CORP", "cs01"] == pytest.approx(expected, rel=1e-9)


# --- zero-coupon bond -------------------------------------------------------------------------


@pytest.mark.parametrize("maturity", [0.5, 3.0, 12.0, 30.0, 50.0])
@pytest.mark.parametrize("spread", [0.0, 0.007])
def test_zero_coupon_bond_price_and_duration_closed_form(maturity, spread):
    z = 0.043
    mkt = market(ZeroCurve.flat(z, compounding="annual"))
    exposures, terms = row(ZeroCouponBond(id="Z", maturity=maturity, spread=spread), mkt)
    y = z + spread
    # One power each side.
    assert terms["dirty_price"] == pytest.approx(100 * (1 + y) ** -maturity, rel=1e-13)
    assert terms["clean_price"] == terms["dirty_price"]
    # The central difference of (1 + y)^-T, relative to the analytic T / (1 + y), is
    # 1 + (T+1)(T+2) h^2 / (6 (1+y)^2) + higher even orders, all positive; plus rounding
    # eps / (h T) <= 5e-12.
    analytic = maturity / (1 + y)
    bound = 1.01 * (maturity + 1) * (maturity + 2) * H**2 / (6 * (1 + y) ** 2)
    assert -1e-10 <= exposures["duration"] / analytic - 1 <= bound + 1e-10
    exact = ((1 + y - H) ** -maturity - (1 + y + H) ** -maturity) / 2 / (1 + y) ** -maturity
    assert exposures["pv01"] == pytest.approx(exact, rel=1e-10)
    # Convexity: T (T + 1) / (1 + y)^2 up to h^2 terms of relative size ~ (T + 3)^2 h^2 / 12.
    convexity = maturity * (maturity + 1) / (1 + y) ** 2
    rounding = 8 * EPS / (H * maturity) ** 2
    assert exposures["convexity"] == pytest.approx(
        convexity, rel=(maturity + 3) ** 2 * H**2 / 12 + rounding
    )


def test_zero_coupon_bond_on_a_sloped_curve_and_its_key_rates():
    # z(12) by linear interpolation between 10y (4.3%) and 20y (4.6%): 4.36%.
    exposures, terms = row(ZeroCouponBond(id="Z", maturity=12.0), market())
    assert terms["dirty_price"] == pytest.approx(100 * 1.0436**-12, rel=1e-13)
    # One flow at 12y sits between the 10y and 20y keys with weights 0.8 and 0.2.
    one_bp = (1.0435**-12 - 1.0437**-12) / 2 / 1.0436**-12
    expected = {"pv01_10y": 0.8, "pv01_20y": 0.2}
    for column in (c for c in exposures.index if c.startswith("pv01_")):
        weight = expected.get(column, 0.0)
        # A bump of w x 1bp: the first-order term is w x PV01; the third-order one is
        # relatively (T h)^2 / 6 (1 - w^2) ~ 2.4e-6 smaller.
        assert exposures[column] == pytest.approx(weight * one_bp, rel=3e-6, abs=1e-15)


@pytest.mark.parametrize("price", [35.0, 71.3, 103.0])
def test_zero_coupon_bond_implied_spread_closed_form(price):
    z, maturity = 0.038, 14.5
    mkt = market(ZeroCurve.flat(z, compounding="annual"))
    _, terms = row(ZeroCouponBond(id="Z", maturity=maturity, price=price), mkt)
    # 100 (1 + z + s)^-T = price  =>  s = (100 / price)^(1/T) - 1 - z.
    expected = (100 / price) ** (1 / maturity) - 1 - z
    assert terms["spread_bp"] * H == pytest.approx(expected, abs=1e-14)
    assert terms["dirty_price"] == price


# --- index-linked bond ------------------------------------------------------------------------

N, B, COUPON, RATIO = 0.041, 0.032, 0.0125, 1.37


def linker_flows(maturity, frequency, coupon=COUPON):
    """Real flows per 100 face, rolled back from maturity, and the real accrued interest."""
    period = 1 / frequency
    times = maturity - period * np.arange(int(np.ceil(maturity * frequency - 1e-9)))[::-1]
    real = np.full(times.size, 100 * coupon * period)
    real[-1] += 100
    accrued = 100 * coupon * (period - times[0])
    return times, real, accrued


def linker_value(maturity, frequency, lag, n=N, b=B, ratio=RATIO, spread=0.0):
    """Closed form: Σ R0 a_i (1 + b)^max(t_i − lag, 0) (1 + n + s)^−t_i."""
    t, real, _ = linker_flows(maturity, frequency)
    return float(np.sum(ratio * real * (1 + b) ** np.maximum(t - lag, 0) * (1 + n + spread) ** -t))


def linker_market(n=N, b=B):
    return market(ZeroCurve.flat(n, compounding="annual"), BreakevenCurve.flat(b))


@pytest.mark.parametrize("lag", [0.0, 0.25, 8 / 12])
@pytest.mark.parametrize(("maturity", "frequency"), [(10.1, 2), (23.6, 2), (7.0, 1)])
def test_linker_value_and_risk_closed_form(lag, maturity, frequency):
    linker = IndexLinkedBond(
        id="IL",
        coupon=COUPON,
        maturity=maturity,
        frequency=frequency,
        indexation_lag=lag,
        index_ratio=RATIO,
    )
    exposures, terms = row(linker, linker_market())
    dirty = linker_value(maturity, frequency, lag)
    _, _, accrued = linker_flows(maturity, frequency)
    # Sums of up to 48 positive terms in another order.
    assert terms["dirty_price"] == pytest.approx(dirty, rel=1e-13)
    assert terms["clean_price"] == pytest.approx(dirty / RATIO - accrued, rel=1e-13)
    assert exposures["pv"] == pytest.approx(1.0, abs=1e-14)
    # IE01 and PV01 per unit of market value, as central differences computed here: the same
    # function differenced the same way, so only rounding (eps / (h t)) separates them.
    ie01 = (
        linker_value(maturity, frequency, lag, b=B + H)
        - linker_value(maturity, frequency, lag, b=B - H)
    ) / 2
    pv01 = (
        linker_value(maturity, frequency, lag, n=N - H)
        - linker_value(maturity, frequency, lag, n=N + H)
    ) / 2
    assert exposures["ie01"] == pytest.approx(ie01 / dirty, rel=1e-10)
    assert exposures["pv01"] == pytest.approx(pv01 / dirty, rel=1e-10)
    assert exposures["cs01"] == 0.0
    # Key-rate IE01s add up to the IE01 like key-rate PV01s do (third-order terms only).
    key_ie01 = exposures[[c for c in exposures.index if c.startswith("ie01_")]].sum()
    assert key_ie01 == pytest.approx(exposures["ie01"], rel=(H * (maturity + 2)) ** 2 / 6)


def test_linker_flows_fixed_before_the_lag_do_not_move_with_breakevens():
    # 0.1y to maturity with an 8-month lag: the only flow fixes before today, ratio 1.
    linker = IndexLinkedBond(
        id="IL", coupon=COUPON, maturity=0.1, indexation_lag=8 / 12, index_ratio=RATIO
    )
    exposures, terms = row(linker, linker_market())
    assert terms["dirty_price"] == pytest.approx(RATIO * 100.625 * (1 + N) ** -0.1, rel=1e-14)
    assert exposures["ie01"] == 0.0


def test_a_lag_lowers_the_value_by_the_inflation_over_the_lag():
    # Every fixing moves back by the lag: (1 + b)^(t - lag) instead of (1 + b)^t.
    kwargs = {"id": "IL", "coupon": 0.0, "maturity": 20.0, "index_ratio": 1.0}
    no_lag = IndexLinkedBond(**kwargs).value(linker_market()).quote["dirty_price"]
    lagged = IndexLinkedBond(**kwargs, indexation_lag=0.25).value(linker_market())
    assert no_lag / lagged.quote["dirty_price"] == pytest.approx((1 + B) ** 0.25, rel=1e-14)


@pytest.mark.parametrize("lag", [0.0, 0.25])
@pytest.mark.parametrize("price", [88.0, 101.3, 140.0])
def test_linker_real_clean_price_round_trip(lag, price):
    kwargs = {
        "id": "IL",
        "coupon": COUPON,
        "maturity": 23.6,
        "indexation_lag": lag,
        "index_ratio": RATIO,
    }
    _, quoted = row(IndexLinkedBond(**kwargs, price=price), linker_market())
    _, _, accrued = linker_flows(23.6, 2)
    # Settlement = (real clean + real accrued) x index ratio.
    assert quoted["dirty_price"] == pytest.approx((price + accrued) * RATIO, rel=1e-15)
    assert quoted["clean_price"] == pytest.approx(price, rel=1e-15)
    spread = quoted["spread_bp"] * H
    # The implied spread reprices the closed form at the settlement price.
    repriced = linker_value(23.6, 2, lag, spread=spread)
    assert repriced == pytest.approx(quoted["dirty_price"], rel=1e-13)
    _, back = row(IndexLinkedBond(**kwargs, spread=spread), linker_market())
    assert back["clean_price"] == pytest.approx(price, abs=1e-11)


def test_linker_needs_a_breakeven_curve():
    message = (
        "instrument 'IL'.inflation_curve: no breakeven curve named and the market has no "
        "default; name one of []"
    )
    with pytest.raises(DataError, match=re.escape(message)):
        IndexLinkedBond(id="IL", coupon=COUPON, maturity=10.0).value(market())


@pytest.mark.parametrize("ratio", [0.0, -1.2, np.nan])
def test_linker_index_ratio_must_be_positive(ratio):
    message = f"instrument 'IL'.index_ratio: got {ratio!r}; expected a positive ratio such as 1.0"
    linker = IndexLinkedBond(id="IL", coupon=COUPON, maturity=10.0, index_ratio=ratio)
    with pytest.raises(DataError, match=re.escape(message)):
        linker.value(linker_market())


def test_linker_price_needs_its_index_ratio():
    message = (
        "instrument 'IL'.index_ratio: missing, but a real clean price 95.0 is given; "
        "expected the uplift accrued so far"
    )
    linker = IndexLinkedBond(id="IL", coupon=COUPON, maturity=10.0, price=95.0)
    with pytest.raises(DataError, match=re.escape(message)):
        linker.value(linker_market())


# --- bad quotes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bond",
    [
        Bond(id="A", coupon=0.04, maturity=9.5, spread=0.001, price=99.0),
        ZeroCouponBond(id="A", maturity=9.5, spread=0.001, price=99.0),
        IndexLinkedBond(id="A", coupon=0.01, maturity=9.5, spread=0.001, price=99.0),
    ],
)
def test_spread_and_price_together_are_rejected(bond):
    message = (
        "instrument 'A': got both spread 0.001 and price 99.0; expected one of them "
        "(a price implies the spread)"
    )
    with pytest.raises(DataError, match=re.escape(message)):
        bond.value(linker_market())


@pytest.mark.parametrize(("price", "dirty"), [(1000.0, "1000"), (0.5, "0.5")])
def test_unreachable_price_names_the_price_and_the_search_range(price, dirty):
    # On a coupon date: no accrued, so the dirty price is the clean price.
    bond = Bond(id="A", coupon=0.04, maturity=9.5, price=price)
    message = (
        f"instrument 'A'.price: {price!r} (dirty {dirty}) implies a spread outside "
        "[-500bp, +10000bp]; expected a price the curve can reach"
    )
    with pytest.raises(DataError, match=re.escape(message)):
        bond.value(market())


def test_unreachable_linker_price_shows_the_settlement_price():
    linker = IndexLinkedBond(id="IL", coupon=0.0, maturity=10.0, index_ratio=1.5, price=900.0)
    message = "instrument 'IL'.price: 900.0 (dirty 1350) implies a spread outside"
    with pytest.raises(DataError, match=re.escape(message)):
        linker.value(linker_market())


@pytest.mark.parametrize("price", [0.0, -5.0])
def test_non_positive_price_is_rejected(price):
    message = f"instrument 'A'.price: got {price!r}; expected a positive clean price per 100"
    with pytest.raises(DataError, match=re.escape(message)):
        Bond(id="A", coupon=0.04, maturity=9.5, price=price).value(market())


@pytest.mark.parametrize("maturity", [0.0, -1.0, np.inf, np.nan])
def test_bond_maturity_must_be_in_the_future(maturity):
    message = f"instrument 'A'.maturity: got {maturity!r}; expected a finite time after the start"
    with pytest.raises(DataError, match=re.escape(message)):
        Bond(id="A", coupon=0.04, maturity=maturity).value(market())
    with pytest.raises(DataError, match=re.escape(message)):
        ZeroCouponBond(id="A", maturity=maturity).value(market())


def test_bond_on_a_curve_the_market_lacks():
    message = "instrument 'A'.curve: got 'sonia'; expected the name of a nominal curve, one of"
    with pytest.raises(DataError, match=re.escape(message)):
        Bond(id="A", coupon=0.04, maturity=9.5, curve="sonia").value(market())


def test_per_unit_pv01_is_the_pv01_of_the_flows_over_the_dirty_price():
    # The per-unit PV01 is the PV01 of the bond's own flows divided by its dirty price.
    bond = ldi.BondSchedule(coupon=0.04, maturity=9.3)
    exposures, terms = row(Bond(id="A", coupon=0.04, maturity=9.3), market())
    flows = bond.cashflows()
    assert terms["dirty_price"] == pytest.approx(ldi.pv(flows, CURVE), rel=1e-14)
    assert exposures["pv01"] == pytest.approx(
        ldi.pv01(flows, CURVE) / terms["dirty_price"], rel=1e-12
    )
