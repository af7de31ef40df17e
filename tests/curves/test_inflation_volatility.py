"""Year-on-year inflation volatility: option values, deviations and errors, against references.

The references:
- QuantLib's year-on-year cap, floor and collar instruments (``ql.YoYInflationCap``,
  ``ql.YoYInflationFloor``, ``ql.YoYInflationCollar`` on a ``ql.yoyInflationLeg`` of
  ``ql.YYUKRPI``, forecast by a ``ql.YoYInflationCurve``), priced optionlet by optionlet
  (``optionletPrices()``) by ``ql.YoYInflationBachelierCapFloorEngine`` (normal) and
  ``ql.YoYInflationUnitDisplacedBlackCapFloorEngine`` (lognormal: Black on 1 + y), on a
  ``ql.ConstantYoYOptionletVolatility`` and on an
  ``ql.InterpolatedYoYInflationOptionletVolatilityCurve`` with a volatility per year.
  The engines value optionlet i as notional x gearing x P(0, pay_i) x τ_i x
  formula(K, f_i, d_i); a unit notional, a 0% nominal curve and annual 30/360 periods make
  the factor exactly 1, so each optionlet is the undiscounted E[(y − K)^+] (caplet) or
  E[(K − y)^+] (floorlet). The forward f_i and the deviation d_i are read back from
  QuantLib's own objects: f_i = the curve's ``yoyRate(fixing, 0 days)`` and
  d_i² = the surface's ``totalVariance(fixing, K, 0 days)``, as the engines ask for them.
  The set-up is chosen so that these are the curve's nodes and σ_i²·n exactly: a 3-month
  observation lag puts year n's fixing 3 months before the n-th anniversary, on the first
  of a month (the monthly index's period start), and the surface measures time from its base
  date (the month of today − lag) in 30/360, which is n years exactly.
  Tolerances: caplets 1e-12 relative or 1e-15 absolute (same closed forms; QuantLib's
  cumulative normal is its own erf, good to ~eps absolute in the tails); floorlets, taken
  from our calls by put-call parity C − (f − K), and collars, 1e-15 absolute only (the
  parity subtraction cancels, so tiny out-of-the-money floorlets have no relative accuracy).
- ``CapletVolatility.deviation``: a scalar hand computation of its stated rule (total
  variance σ²T linear between expiries, σ flat outside), to 1e-15 relative; and at
  QuantLib's interpolated surface's nodes, QuantLib's total variance (between nodes
  QuantLib interpolates the volatility, not the variance, so only the nodes are compared).
- Closed forms of the limits: floor = cap, zero deviation, a collar symmetric about the
  forward under the normal model, and the at-the-money calls d/√(2π) (normal) and
  (1 + f)(2N(d/2) − 1) (lognormal), whose ratio is 1 − d²/24 + d⁴/640 − ⋯.
"""

import math
import re

import numpy as np
import pytest
import QuantLib as ql

from ldi import DataError
from ldi.curves.inflation_volatility import (
    DEFAULT_LPI_VOLATILITY,
    CapletVolatility,
    VolatilityModel,
    YearlyVolatility,
)

NORMAL, LOGNORMAL = VolatilityModel.NORMAL, VolatilityModel.LOGNORMAL

# --- year-on-year caps, floors and collars against QuantLib ---------------------------------

TODAY = ql.Date(1, ql.February, 2025)
LAG = ql.Period(3, ql.Months)
NO_LAG = ql.Period(0, ql.Days)  # how the engines ask for forwards and variances at a fixing
THIRTY_360 = ql.Thirty360(ql.Thirty360.BondBasis)
YEARS = 30
# Year-on-year forwards of years 0 (the curve's base) to 30: between -0.5% and 5.5%, so
# strikes sit in, at and out of the money, and some forwards are below zero.
FORWARDS = [0.025 + 0.03 * math.sin(1.3 * n) for n in range(YEARS + 1)]
# Caplet volatilities per year for the interpolated surface (decimal; normal: 0.0148 is
# 148bp), falling with the horizon, as year-on-year cap surfaces often do.
YEARLY_VOLS = [0.015 - 0.0002 * n for n in range(1, YEARS + 1)]
FLAT_VOL = 0.012
STRIKES = [-0.01, 0.0, 0.025, 0.05]
COLLARS = [(0.0, 0.05), (0.0, 0.025), (-0.01, 0.03)]
ENGINES = {
    NORMAL: ql.YoYInflationBachelierCapFloorEngine,
    LOGNORMAL: ql.YoYInflationUnitDisplacedBlackCapFloorEngine,
}


def surface(kind: str) -> ql.YoYOptionletVolatilitySurface:
    """QuantLib's year-on-year volatility: ``flat`` FLAT_VOL or ``yearly`` YEARLY_VOLS."""
    common = (0, ql.NullCalendar(), ql.Unadjusted, THIRTY_360, LAG, ql.Monthly, False)
    if kind == "flat":
        return ql.ConstantYoYOptionletVolatility(FLAT_VOL, *common, -1.0, 100.0)
    fixings = [TODAY - LAG + ql.Period(n, ql.Years) for n in range(1, YEARS + 1)]
    return ql.InterpolatedYoYInflationOptionletVolatilityCurve(
        *common, fixings, YEARLY_VOLS, -1.0, 100.0
    )


@pytest.fixture(scope="module")
def quantlib():
    """Per optionlet: QuantLib's prices, and the forward, time and deviation it used.

    Every value is computed while the evaluation date is TODAY and kept as plain numbers,
    so the global evaluation date is restored before any test runs.
    """
    settings = ql.Settings.instance()
    saved = settings.evaluationDate
    settings.evaluationDate = TODAY
    try:
        nodes = [TODAY - LAG + ql.Period(n, ql.Years) for n in range(YEARS + 1)]
        curve = ql.YoYInflationCurve(TODAY, nodes, FORWARDS, ql.Monthly, THIRTY_360)
        index = ql.YYUKRPI(ql.YoYInflationTermStructureHandle(curve))
        schedule = ql.Schedule(
            TODAY,
            TODAY + ql.Period(YEARS, ql.Years),
            ql.Period(1, ql.Years),
            ql.NullCalendar(),
            ql.Unadjusted,
            ql.Unadjusted,
            ql.DateGeneration.Forward,
            False,
        )
        leg = ql.yoyInflationLeg(
            schedule, ql.NullCalendar(), index, LAG, ql.CPI.Flat, [1.0], THIRTY_360, ql.Unadjusted
        )
        coupons = [ql.as_yoy_inflation_coupon(flow) for flow in leg]
        fixings = [coupon.fixingDate() for coupon in coupons]
        discount = ql.YieldTermStructureHandle(ql.FlatForward(TODAY, 0.0, THIRTY_360))
        result = {
            "forward": np.array([curve.yoyRate(d, NO_LAG) for d in fixings]),
            "accrual": np.array([coupon.accrualPeriod() for coupon in coupons]),
            "discount": np.array([discount.discount(coupon.date()) for coupon in coupons]),
        }
        for kind in ("flat", "yearly"):
            vol = surface(kind)
            handle = ql.YoYOptionletVolatilitySurfaceHandle(vol)
            result[kind, "expiry"] = np.array([vol.timeFromBase(d, NO_LAG) for d in fixings])
            # The surfaces here have no smile: one total variance for every strike.
            result[kind, "deviation"] = np.sqrt(
                [vol.totalVariance(d, 0.0, NO_LAG) for d in fixings]
            )
            for model, engine_type in ENGINES.items():
                engine = engine_type(index, handle, discount)

                def optionlets(instrument, engine=engine):
                    instrument.setPricingEngine(engine)
                    return np.array(instrument.optionletPrices())

                for k in STRIKES:
                    result[kind, model, "cap", k] = optionlets(ql.YoYInflationCap(leg, [k]))
                    result[kind, model, "floor", k] = optionlets(ql.YoYInflationFloor(leg, [k]))
                for low, high in COLLARS:
                    collar = ql.YoYInflationCollar(leg, [high], [low])
                    result[kind, model, "collar", low, high] = optionlets(collar)
        return result
    finally:
        settings.evaluationDate = saved


def test_the_quantlib_set_up_is_undiscounted_with_whole_year_expiries(quantlib):
    n = np.arange(1, YEARS + 1)
    # Unit notional, 0% curve, whole 30/360 years: the engines' factor is exactly 1.
    np.testing.assert_array_equal(quantlib["accrual"], 1.0)
    np.testing.assert_array_equal(quantlib["discount"], 1.0)
    # Year n fixes on a node of the curve (node rates returned as given: exact) and
    # n years after the surfaces' base date.
    np.testing.assert_array_equal(quantlib["forward"], FORWARDS[1:])
    for kind, vols in (("flat", FLAT_VOL), ("yearly", np.array(YEARLY_VOLS))):
        np.testing.assert_array_equal(quantlib[kind, "expiry"], n)
        # σ² · n then a square root: a couple of ulps.
        np.testing.assert_allclose(quantlib[kind, "deviation"], vols * np.sqrt(n), rtol=1e-15)
    # The strikes and collars meet forwards on either side.
    assert quantlib["forward"].min() < 0 < 0.05 < quantlib["forward"].max()


@pytest.mark.parametrize("kind", ["flat", "yearly"])
@pytest.mark.parametrize("model", [NORMAL, LOGNORMAL])
@pytest.mark.parametrize("strike", STRIKES)
def test_calls_match_quantlib_caplets(quantlib, kind, model, strike):
    forward, deviation = quantlib["forward"], quantlib[kind, "deviation"]
    got = model.call(forward, strike, deviation)
    expected = quantlib[kind, model, "cap", strike]
    # Same closed form; QuantLib's erf-based N(x) keeps ~eps absolute accuracy in the tails.
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)
    # Time value everywhere: no caplet is priced at its intrinsic value.
    assert np.all(got > np.maximum(forward - strike, 0.0))


@pytest.mark.parametrize("kind", ["flat", "yearly"])
@pytest.mark.parametrize("model", [NORMAL, LOGNORMAL])
@pytest.mark.parametrize("strike", STRIKES)
def test_put_call_parity_gives_quantlib_floorlets(quantlib, kind, model, strike):
    forward, deviation = quantlib["forward"], quantlib[kind, "deviation"]
    # E[(K − y)^+] = E[(y − K)^+] − (f − K): the subtraction cancels, so absolute only.
    got = model.call(forward, strike, deviation) - (forward - strike)
    np.testing.assert_allclose(got, quantlib[kind, model, "floor", strike], rtol=0, atol=1e-15)


@pytest.mark.parametrize("kind", ["flat", "yearly"])
@pytest.mark.parametrize("model", [NORMAL, LOGNORMAL])
@pytest.mark.parametrize(("floor", "cap"), COLLARS)
def test_collar_is_the_forward_less_quantlib_collarlet(quantlib, kind, model, floor, cap):
    forward, deviation = quantlib["forward"], quantlib[kind, "deviation"]
    # QuantLib's collar is long a cap at ``cap`` and short a floor at ``floor``, so
    # E[min(max(y, floor), cap)] = f − (caplet − floorlet).
    expected = forward - quantlib[kind, model, "collar", floor, cap]
    got = model.collar(forward, floor, cap, deviation)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-15)
    assert np.all((floor < got) & (got < cap))


def test_caplet_volatility_deviation_matches_quantlib_total_variance_at_its_nodes(quantlib):
    expiries = quantlib["yearly", "expiry"]
    caplets = CapletVolatility(tuple(expiries), tuple(YEARLY_VOLS), NORMAL)
    # Both √(σ_n² T_n) at the nodes: rounding only.
    np.testing.assert_allclose(
        caplets.deviation(expiries), quantlib["yearly", "deviation"], rtol=1e-15
    )
    flat = CapletVolatility.flat(FLAT_VOL)
    np.testing.assert_allclose(flat.deviation(expiries), quantlib["flat", "deviation"], rtol=1e-15)


# --- deviations by hand -------------------------------------------------------------------

EXPIRIES = (1.0, 2.0, 5.0, 10.0, 30.0)
VOLS = (0.014, 0.0125, 0.011, 0.0095, 0.008)


def hand_deviation(t: float, expiries=EXPIRIES, vols=VOLS) -> float:
    """d(t) = √(total variance at t), written out expiry by expiry.

    σ_0²t before the first expiry, σ_last²t after the last, and between T_i and T_(i+1) the
    straight line from σ_i²T_i to σ_(i+1)²T_(i+1).
    """
    if t <= expiries[0]:
        return vols[0] * math.sqrt(t)
    if t >= expiries[-1]:
        return vols[-1] * math.sqrt(t)
    i = max(j for j, expiry in enumerate(expiries) if expiry <= t)
    left, right = vols[i] ** 2 * expiries[i], vols[i + 1] ** 2 * expiries[i + 1]
    weight = (t - expiries[i]) / (expiries[i + 1] - expiries[i])
    return math.sqrt(left + weight * (right - left))


TIMES = [0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 4.99, 5.0, 7.5, 10.0, 17.0, 29.0, 30.0, 31.0, 60.0]


@pytest.mark.parametrize("model", [NORMAL, LOGNORMAL])
def test_caplet_deviation_is_linear_total_variance_with_flat_volatility_outside(model):
    caplets = CapletVolatility(EXPIRIES, VOLS, model)
    got = caplets.deviation(np.array(TIMES))
    expected = [hand_deviation(t) for t in TIMES]
    # The same arithmetic in another order: an ulp or two.
    np.testing.assert_allclose(got, expected, rtol=1e-15, atol=0)
    # At the expiries, d = σ√T exactly as quoted; before the first and after the last the
    # volatility d/√T is the first and last quote.
    np.testing.assert_allclose(
        caplets.deviation(np.array(EXPIRIES)), np.array(VOLS) * np.sqrt(EXPIRIES), rtol=1e-15
    )
    early, late = np.array([0.1, 0.5, 0.9]), np.array([31.0, 45.0, 100.0])
    np.testing.assert_allclose(caplets.deviation(early) / np.sqrt(early), VOLS[0], rtol=1e-15)
    np.testing.assert_allclose(caplets.deviation(late) / np.sqrt(late), VOLS[-1], rtol=1e-15)
    assert float(caplets.deviation(0.0)) == 0.0


def test_caplet_deviation_keeps_the_shape_of_its_input():
    caplets = CapletVolatility(EXPIRIES, VOLS)
    grid = np.array([[0.5, 3.0, 12.0], [1.0, 30.0, 40.0]])
    got = caplets.deviation(grid)
    assert got.shape == (2, 3)
    expected = [[hand_deviation(t) for t in row] for row in grid]
    np.testing.assert_allclose(got, expected, rtol=1e-15)
    assert np.shape(caplets.deviation(7.5)) == ()


def test_flat_caplet_volatility_grows_with_the_square_root_of_time():
    flat = CapletVolatility.flat(0.01, "lognormal")
    assert flat == CapletVolatility((1.0,), (0.01,), LOGNORMAL)
    times = np.array([0.25, 1.0, 4.0, 30.0])
    np.testing.assert_allclose(flat.deviation(times), 0.01 * np.sqrt(times), rtol=1e-15)


def test_yearly_volatility_is_the_same_for_every_year():
    yearly = YearlyVolatility(0.015)
    assert yearly.model is LOGNORMAL
    times = np.array([[0.5, 1.0, 2.0], [10.0, 30.0, 100.0]])
    got = yearly.deviation(times)
    assert got.shape == (2, 3)
    np.testing.assert_array_equal(got, 0.015)
    assert np.shape(yearly.deviation(3.0)) == ()
    assert float(yearly.deviation(3.0)) == 0.015
    assert YearlyVolatility(0.01, "normal").model is NORMAL
    # The default for LPI with no market data: 1.5% a year, lognormal.
    assert YearlyVolatility(0.015, LOGNORMAL) == DEFAULT_LPI_VOLATILITY


def test_descriptions_name_the_model_and_the_volatilities():
    caplets = CapletVolatility((1.0, 30.0), (0.014, 0.009), NORMAL)
    assert caplets.describe() == "normal caplet volatilities 1.4% (1y) to 0.9% (30y)"
    assert CapletVolatility.flat(0.01).describe() == "normal caplet volatilities 1% (1y)"
    assert DEFAULT_LPI_VOLATILITY.describe() == "lognormal 1.5% a year"


# --- errors ---------------------------------------------------------------------------------

WHERE = "market.inflation_volatility.rpi"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ((1.0, 5.0, 10.0), (0.01, 0.012, -0.01)),
            "inflation_volatility.volatilities[2]: got -0.01 at expiry 10.0; "
            "expected a volatility >= 0",
        ),
        (
            ((1.0, 5.0), (0.01,)),
            "inflation_volatility: 2 expiries and 1 volatilities; "
            "expected one volatility per expiry",
        ),
        (
            ((), ()),
            "inflation_volatility: 0 expiries and 0 volatilities; "
            "expected one volatility per expiry",
        ),
        (
            ((1.0, 5.0, 5.0), (0.01, 0.01, 0.01)),
            "inflation_volatility.expiries[2]: got 5.0 after 5.0; expected strictly increasing",
        ),
        (
            ((2.0, 1.0), (0.01, 0.01)),
            "inflation_volatility.expiries[1]: got 1.0 after 2.0; expected strictly increasing",
        ),
        (
            ((0.0, 5.0), (0.01, 0.01)),
            "inflation_volatility.expiries: got 0.0; expected expiries in years > 0",
        ),
        (
            ((-1.0, 5.0), (0.01, 0.01)),
            "inflation_volatility.expiries: got -1.0; expected expiries in years > 0",
        ),
        (
            ((1.0, math.nan), (0.01, 0.01)),
            "inflation_volatility.expiries[1]: got nan; expected a finite number",
        ),
        (
            ((1.0, 2.0), (0.01, math.inf)),
            "inflation_volatility.volatilities[1]: got inf; expected a finite number",
        ),
        (
            ((1.0,), (0.01,), "black"),
            "inflation_volatility.model: got 'black'; expected one of ['normal', 'lognormal']",
        ),
    ],
)
def test_invalid_caplet_volatility_is_a_data_error_naming_the_field(args, message):
    with pytest.raises(DataError, match=f"^{re.escape(message)}$"):
        CapletVolatility(*args)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((-0.01,), "inflation_volatility.volatility: got -0.01 at every year; "),
        ((math.nan,), "inflation_volatility.volatility: got nan at every year; "),
        (("0.01",), "inflation_volatility.volatility: got '0.01' at every year; "),
        ((None,), "inflation_volatility.volatility: got None at every year; "),
    ],
)
def test_invalid_yearly_volatility_is_a_data_error_naming_the_field(args, message):
    with pytest.raises(DataError, match=f"^{re.escape(message)}expected a volatility >= 0$"):
        YearlyVolatility(*args)


def test_unknown_yearly_model_is_a_data_error_listing_the_models():
    message = "inflation_volatility.model: got 'sabr'; expected one of ['normal', 'lognormal']"
    with pytest.raises(DataError, match=f"^{re.escape(message)}$"):
        YearlyVolatility(0.01, "sabr")


def test_error_messages_use_the_given_location():
    with pytest.raises(DataError, match=f"^{re.escape(WHERE)}.volatilities\\[0\\]: got -0.02 "):
        CapletVolatility((1.0,), (-0.02,), where=WHERE)
    with pytest.raises(DataError, match=f"^{re.escape(WHERE)}.volatility: got -0.02 "):
        YearlyVolatility(-0.02, where=WHERE)
    with pytest.raises(DataError, match=f"^{re.escape(WHERE)}.model: got 'x';"):
        CapletVolatility((1.0,), (0.01,), "x", where=WHERE)
    # The location is not part of the volatility: equal inputs from anywhere are equal.
    assert CapletVolatility((1.0,), (0.01,), where=WHERE) == CapletVolatility((1.0,), (0.01,))
    assert YearlyVolatility(0.01, where=WHERE) == YearlyVolatility(0.01)


# --- closed-form limits ---------------------------------------------------------------------

ULP = 1e-16  # rounding of sums of rates below 0.2: an ulp of the largest term or two


@pytest.mark.parametrize("model", [NORMAL, LOGNORMAL])
def test_floor_equal_to_cap_is_fixed_growth(model):
    forwards = np.array([-0.01, 0.0, 0.02, 0.03, 0.045, 0.08])
    deviation = np.array([0.0, 0.005, 0.01, 0.02, 0.05, 0.1])
    # K + C(K) − C(K) = K whatever the forward and deviation.
    got = model.collar(forwards, 0.03, 0.03, deviation)
    np.testing.assert_allclose(got, 0.03, rtol=0, atol=ULP)


@pytest.mark.parametrize("model", [NORMAL, LOGNORMAL])
@pytest.mark.parametrize(("floor", "cap"), [(0.0, 0.05), (0.0, None), (None, 0.05), (-0.01, 0.03)])
def test_zero_deviation_clips_the_forward(model, floor, cap):
    forwards = np.array([-0.03, -0.01, 0.0, 0.01, 0.029, 0.05, 0.07])
    low = -np.inf if floor is None else floor
    high = np.inf if cap is None else cap
    got = model.collar(forwards, floor, cap, 0.0)
    np.testing.assert_allclose(got, np.clip(forwards, low, high), rtol=0, atol=ULP)
    # And each call at zero deviation is its intrinsic value, exactly.
    np.testing.assert_array_equal(model.call(forwards, 0.01, 0.0), np.maximum(forwards - 0.01, 0.0))


@pytest.mark.parametrize("model", [NORMAL, LOGNORMAL])
def test_no_bounds_leave_the_forward(model):
    forwards = np.array([-0.01, 0.02, 0.06])
    np.testing.assert_array_equal(model.collar(forwards, None, None, 0.02), forwards)


@pytest.mark.parametrize("deviation", [0.001, 0.01, 0.03, 0.1])
def test_normal_collar_symmetric_about_the_forward_is_the_forward(deviation):
    # y − f is symmetric, so clipping it to [−w, w] leaves its mean at zero.
    for f in (-0.01, 0.0, 0.025, 0.04):
        collar = NORMAL.collar(f, f - 0.02, f + 0.02, deviation)
        assert float(collar) == pytest.approx(f, abs=ULP)


@pytest.mark.parametrize("forward", [-0.01, 0.0, 0.03])
@pytest.mark.parametrize("deviation", [0.001, 0.01, 0.03, 0.1])
def test_at_the_money_calls_and_how_the_models_differ(forward, deviation):
    # Normal ATM: d/√(2π). Lognormal (Black on 1 + y, strike 1 + f): (1 + f) erf(d/(2√2)).
    normal = float(NORMAL.call(forward, forward, (1 + forward) * deviation))
    lognormal = float(LOGNORMAL.call(forward, forward, deviation))
    # Rounding: the normal one a few ulps; the lognormal one is N(d/2) − N(−d/2) times 1 + f,
    # a difference of two numbers near 1/2, so good to ~eps/d relative.
    exact_normal = (1 + forward) * deviation / math.sqrt(2 * math.pi)
    exact_lognormal = (1 + forward) * math.erf(deviation / 2 / math.sqrt(2))
    assert normal == pytest.approx(exact_normal, rel=1e-15, abs=0)
    assert lognormal == pytest.approx(exact_lognormal, rel=1e-15 / deviation, abs=0)
    # With the normal deviation matched to (1 + f)d, the ratio is erf(z)√(2π)/d with
    # z = d/(2√2): 1 − d²/24 + d⁴/640 − d⁶/21504 + ⋯, alternating with falling terms, so the
    # first neglected term bounds the error, plus the lognormal call's rounding.
    ratio = lognormal / normal
    series = 1 - deviation**2 / 24 + deviation**4 / 640
    assert abs(ratio - series) <= deviation**6 / 21504 + 1e-15 / deviation
    # The O(d²) term is what separates the models here: far above that bound.
    assert 1 - ratio > 100 * (deviation**6 / 21504 + 1e-15 / deviation)


def test_collar_broadcasts_forwards_against_deviations():
    forwards = np.array([[0.0], [0.03], [0.06]])
    deviation = np.array([0.0, 0.01, 0.04])
    for model in (NORMAL, LOGNORMAL):
        got = model.collar(forwards, 0.0, 0.05, deviation)
        assert got.shape == (3, 3)
        for i, f in enumerate(forwards[:, 0]):
            for j, d in enumerate(deviation):
                assert got[i, j] == float(model.collar(f, 0.0, 0.05, d))
