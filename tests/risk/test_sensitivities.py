"""PV, PV01, duration, convexity, key-rate PV01 and IE01 against independent references.

References: closed forms written out here, a plain-numpy revaluation with the conventions of
docs/conventions.md (``tests.reference.triangle`` for key-rate weights), and QuantLib for
key-rate bumps (ql.PiecewiseZeroSpreadedTermStructure: a spread linear between key dates and
flat outside them, which is the triangle weight of docs/conventions.md).

Rounding in a 1bp central difference: the two PVs are each good to a few eps x PV, and
their difference is PV01 ~ PV x h x t, so PV01 carries a relative error of about
eps / (h t) (2e-12 at 1y). The second difference behind convexity carries eps / (h t)^2.
"""

import re
import sys

import numpy as np
import pandas as pd
import pytest
import QuantLib as ql
from hypothesis import given, settings
from hypothesis import strategies as st

import ldi
from ldi import BreakevenCurve, Cashflows, DataError, ZeroCurve
from tests.quantlib_helpers import backward_schedule
from tests.reference import triangle

H = 1e-4  # 1bp, the bump of every measure
EPS = sys.float_info.epsilon
FAST = settings(max_examples=50, deadline=None)


# --- closed forms: present values ----------------------------------------------------------


@pytest.mark.parametrize(
    ("compounding", "discount"),
    [
        ("continuous", lambda r, t: np.exp(-r * t)),
        ("annual", lambda r, t: (1 + r) ** -t),
        ("semiannual", lambda r, t: (1 + r / 2) ** (-2 * t)),
        ("quarterly", lambda r, t: (1 + r / 4) ** (-4 * t)),
        ("monthly", lambda r, t: (1 + r / 12) ** (-12 * t)),
        ("simple", lambda r, t: 1 / (1 + r * t)),
    ],
)
@pytest.mark.parametrize("t", [0.25, 1.0, 7.5, 50.0])
def test_zero_coupon_pv(compounding, discount, t):
    r, amount = 0.0425, 1e6
    pv = ldi.pv(Cashflows([t], [amount]), ZeroCurve.flat(r, compounding=compounding))
    # One power or exponential on each side: a few ulps apart.
    assert pv == pytest.approx(amount * discount(r, t), rel=1e-13)


@pytest.mark.parametrize(("r", "n", "f"), [(0.03, 10, 1), (0.051, 30, 1), (0.02, 50, 2)])
def test_annuity_pv(r, n, f):
    """Coupon c, f times a year for n years, on a flat curve compounded f times a year."""
    c, periods = 2.5, n * f
    flows = Cashflows(np.arange(1, periods + 1) / f, np.full(periods, c))
    curve = ZeroCurve.flat(r, compounding={1: "annual", 2: "semiannual"}[f])
    closed = c * (1 - (1 + r / f) ** -periods) / (r / f)
    # A sum of up to 100 positive terms against the geometric-series formula.
    assert ldi.pv(flows, curve) == pytest.approx(closed, rel=1e-12)


def test_pv_between_pillars_is_linear_in_the_zero_rate_and_flat_outside():
    curve = ZeroCurve([2, 10], [0.02, 0.04], compounding="annual")
    flows = Cashflows([1, 4, 30], [1, 1, 1])
    # z(1) = 2% (flat before 2y), z(4) = 2% + 2/8 x 2% = 2.5%, z(30) = 4% (flat after 10y).
    expected = 1.02**-1 + 1.025**-4 + 1.04**-30
    assert ldi.pv(flows, curve) == pytest.approx(expected, rel=1e-13)


def test_flows_at_or_before_zero_are_excluded():
    curve = ZeroCurve.flat(0.03, compounding="annual")
    breakeven = BreakevenCurve.flat(0.025)
    flows = Cashflows([-1.0, 0.0, 2.0], [100.0, 100.0, 5.0], inflation_linked=[50.0, 50.0, 0.0])
    assert ldi.pv(flows, curve, breakeven) == pytest.approx(5 * 1.03**-2, rel=1e-14)
    pv01 = 5 * (1.0299**-2 - 1.0301**-2) / 2
    assert ldi.pv01(flows, curve, breakeven) == pytest.approx(pv01, rel=1e-10)
    assert ldi.ie01(flows, curve, breakeven) == 0.0
    # Past inflation-linked flows are not valued, so they need no breakeven curve.
    assert ldi.pv(flows, curve) == pytest.approx(5 * 1.03**-2, rel=1e-14)


# --- closed forms: PV01, duration, convexity on a flat continuous curve ---------------------

FLOW_TIMES = np.array([1.0, 2.5, 5.0, 12.0, 20.0])
FLOW_AMOUNTS = np.array([3.0, 3.0, 103.0, 40.0, 250.0])


def test_pv01_of_a_flat_continuous_curve_is_sum_of_time_weighted_pvs():
    r = 0.037
    curve = ZeroCurve.flat(r, compounding="continuous")
    flows = Cashflows(FLOW_TIMES, FLOW_AMOUNTS)
    pv01 = ldi.pv01(flows, curve)
    # Analytic dPV/dr x 1bp. The central difference is a e^{-rt} sinh(h t)
    # = a e^{-rt} h t (1 + (h t)^2 / 6 + ...): relative gap <= (1e-4 x 20)^2 / 6 = 6.7e-7.
    analytic = np.sum(FLOW_AMOUNTS * FLOW_TIMES * np.exp(-r * FLOW_TIMES)) * H
    assert pv01 == pytest.approx(analytic, rel=1e-6)
    # The central difference itself, exactly: only rounding, eps / (h t) with t >= 1.
    exact = np.sum(FLOW_AMOUNTS * np.exp(-r * FLOW_TIMES) * np.sinh(H * FLOW_TIMES))
    assert pv01 == pytest.approx(exact, rel=1e-11)


@pytest.mark.parametrize(("r", "t"), [(0.03, 1.0), (0.05, 5.0), (0.0, 12.5), (-0.005, 30.0)])
def test_pv01_of_a_bullet_on_an_annual_curve(r, t):
    curve = ZeroCurve.flat(r, compounding="annual")
    pv01 = ldi.pv01(Cashflows([t], [1e6]), curve)
    # The bump is in the curve's own (annual) compounding; rounding only (eps / (h t)).
    expected = 1e6 * ((1 + r - H) ** -t - (1 + r + H) ** -t) / 2
    assert pv01 == pytest.approx(expected, rel=1e-10)


@pytest.mark.parametrize("t", [1.0, 5.0, 30.0, 50.0])
def test_duration_and_convexity_of_a_zero_coupon_bond(t):
    curve = ZeroCurve.flat(0.041, compounding="continuous")
    flows = Cashflows([t], [100.0])
    duration, convexity = ldi.duration(flows, curve), ldi.convexity(flows, curve)
    # Analytic values t and t^2; the central differences are sinh(h t) / h and
    # 2 (cosh(h t) - 1) / h^2, larger by (h t)^2 / 6 and (h t)^2 / 12 (+ higher orders).
    assert 0 <= duration / t - 1 <= 1.001 * (H * t) ** 2 / 6 + 1e-11
    rounding = 8 * EPS / (H * t) ** 2
    assert -rounding <= convexity / t**2 - 1 <= 1.001 * (H * t) ** 2 / 12 + rounding
    assert duration == pytest.approx(np.sinh(H * t) / H, rel=4 * EPS / (H * t))
    assert convexity == pytest.approx(2 * (np.cosh(H * t) - 1) / H**2, rel=rounding)


# --- inflation-linked flows -----------------------------------------------------------------


def test_ie01_of_one_linked_flow():
    n, b, t, a = 0.045, 0.031, 17.0, 250.0
    curve, breakeven = ZeroCurve.flat(n), BreakevenCurve.flat(b)
    flows = Cashflows([t], [0.0], inflation_linked=[a])
    df = (1 + n) ** -t
    expected = a * df * ((1 + b + H) ** t - (1 + b - H) ** t) / 2
    # Both sides are a 1bp difference of index ratios: rounding eps / (h t) relative.
    assert ldi.ie01(flows, curve, breakeven) == pytest.approx(expected, rel=1e-10)
    assert ldi.ie01(Cashflows([t], [a]), curve, breakeven) == 0.0


def test_pv01_of_linked_flows_holds_breakevens():
    n, b, t, a = 0.045, 0.031, 17.0, 250.0
    curve, breakeven = ZeroCurve.flat(n), BreakevenCurve.flat(b)
    flows = Cashflows([t], [0.0], inflation_linked=[a])
    # Only the nominal rate moves; the index ratio (1 + b)^t stays put.
    expected = a * (1 + b) ** t * ((1 + n - H) ** -t - (1 + n + H) ** -t) / 2
    assert ldi.pv01(flows, curve, breakeven) == pytest.approx(expected, rel=1e-10)


RATES = st.floats(-0.005, 0.08)
POSITIVE_AMOUNTS = st.floats(0.01, 1e6)


@st.composite
def positive_flows(draw, max_size=8):
    """Positive nominal and real amounts at times in (0, 50], sometimes repeated."""
    times = draw(st.lists(st.floats(0.05, 50.0), min_size=1, max_size=max_size))
    times += draw(st.lists(st.sampled_from(times), max_size=2))  # duplicate times
    fixed = draw(st.lists(POSITIVE_AMOUNTS, min_size=len(times), max_size=len(times)))
    linked = draw(st.lists(POSITIVE_AMOUNTS, min_size=len(times), max_size=len(times)))
    return np.array(times), np.array(fixed), np.array(linked)


@FAST
@given(positive_flows(), RATES, RATES)
def test_linked_pv_on_flat_annual_curves(flows, n, b):
    times, fixed, linked = flows
    curve, breakeven = ZeroCurve.flat(n), BreakevenCurve.flat(b)
    expected = np.sum(fixed * (1 + n) ** -times) + np.sum(linked * ((1 + b) / (1 + n)) ** times)
    pv = ldi.pv(Cashflows(times, fixed, linked), curve, breakeven)
    # Sums of at most 10 positive terms, each a couple of powers: a few ulps each.
    assert pv == pytest.approx(expected, rel=1e-12)


# --- properties -----------------------------------------------------------------------------


@st.composite
def curves(draw):
    """A zero curve with 1 to 6 pillars in (0, 60] years, in one of three compoundings."""
    tenors = sorted(draw(st.sets(st.integers(1, 60), min_size=1, max_size=6)))
    rates = draw(st.lists(RATES, min_size=len(tenors), max_size=len(tenors)))
    compounding = draw(st.sampled_from(["continuous", "annual", "semiannual"]))
    return ZeroCurve(tenors, rates, compounding=compounding)


@FAST
@given(positive_flows(), curves(), st.floats(1e-4, 0.03))
def test_pv_falls_when_rates_rise(flows, curve, rise):
    times, fixed, _ = flows
    cf = Cashflows(times, fixed)
    higher = ZeroCurve(curve.tenors, curve.rates + rise, compounding=curve.compounding)
    assert ldi.pv(cf, higher) < ldi.pv(cf, curve)
    assert ldi.pv01(cf, curve) > 0


@FAST
@given(
    positive_flows(),
    curves(),
    st.sets(st.integers(1, 50), min_size=1, max_size=8),
)
def test_key_rate_pv01s_sum_to_the_parallel_pv01(flows, curve, keys):
    times, fixed, _ = flows
    cf = Cashflows(times, fixed)
    parallel = ldi.pv01(cf, curve)
    total = ldi.key_rate_pv01(cf, curve, sorted(keys)).sum()
    # The weights sum to 1, so the first-order terms agree exactly. The central difference
    # of a flow is an odd series in the bump with positive coefficients, so splitting the
    # bump into pieces w_j h only loses third-order terms: 0 <= gap <= (h (t + 2))^2 / 6
    # per flow (t + 2 covers periodic compounding; min rate -0.5% adds 1%). At most 4.6e-6.
    bound = 1.01 * (H * (times.max() + 2)) ** 2 / 6
    assert -1e-11 <= (parallel - total) / parallel <= bound


# --- key-rate PV01 against QuantLib ---------------------------------------------------------


@pytest.fixture
def today():
    """QuantLib's global evaluation date, set for one test and restored afterwards."""
    settings = ql.Settings.instance()
    saved = settings.evaluationDate
    settings.evaluationDate = ql.Date(31, 12, 2025)
    yield settings.evaluationDate
    settings.evaluationDate = saved


def years(today, date):
    """ACT/365F: whole days over 365, as both ldi and QuantLib's Actual365Fixed compute it."""
    return (date - today) / 365


def quantlib_key_rate_pv01(today, bond, base, key_dates, compounding, frequency):
    """(NPV(-1bp) - NPV(+1bp)) / 2 per key, bumping through a piecewise-linear zero spread."""
    quotes = [ql.SimpleQuote(0.0) for _ in key_dates]
    handles = [ql.QuoteHandle(q) for q in quotes]
    # Repeat the last spread far out so the bumped curve reaches every flow (flat after it).
    far = today + ql.Period(150, ql.Years)
    bumped = ql.PiecewiseZeroSpreadedTermStructure(
        ql.YieldTermStructureHandle(base),
        [*handles, handles[-1]],
        [*key_dates, far],
        compounding,
        frequency,
        ql.Actual365Fixed(),
    )
    bond.setPricingEngine(ql.DiscountingBondEngine(ql.YieldTermStructureHandle(bumped)))
    result = []
    for quote in quotes:
        quote.setValue(-H)
        down = bond.NPV()
        quote.setValue(H)
        up = bond.NPV()
        quote.setValue(0.0)
        result.append((down - up) / 2)
    return np.array(result), bond.NPV()


def quantlib_bond(today, months, coupon):
    maturity = today + ql.Period(months, ql.Months)
    schedule = backward_schedule(today - ql.Period(4, ql.Months), maturity, 2)
    day_count = ql.Thirty360(ql.Thirty360.BondBasis)
    return ql.FixedRateBond(0, 100.0, schedule, [coupon], day_count, ql.Unadjusted)


def bond_flows(today, bond):
    """The QuantLib bond's future flows as ldi Cashflows (ACT/365F times)."""
    future = [cf for cf in bond.cashflows() if cf.date() > today]
    return Cashflows([years(today, cf.date()) for cf in future], [cf.amount() for cf in future])


KEY_SETS = [[2, 5, 10, 30], [1, 3, 7, 15, 20, 25, 40], [10]]
# Months to maturity: inside the keys, past the last key, before the first key.
BONDS = [(18, 0.02), (12 * 12 + 5, 0.045), (12 * 37 + 2, 0.0375), (12 * 48, 0.01)]


@pytest.mark.parametrize("key_years", KEY_SETS)
@pytest.mark.parametrize(("months", "coupon"), BONDS)
def test_key_rate_pv01_matches_quantlib_on_a_continuous_curve(today, key_years, months, coupon):
    pillars = [1, 2, 5, 10, 20, 30, 50]
    rates = [0.035, 0.037, 0.039, 0.041, 0.044, 0.043, 0.040]
    pillar_dates = [today + ql.Period(y, ql.Years) for y in pillars]
    # QuantLib's ZeroCurve starts at today and extrapolates with a flat forward, so pin the
    # first rate at today and the last far out: then both curves are flat outside the pillars
    # and linear in the continuous zero rate between them.
    base = ql.ZeroCurve(
        [today, *pillar_dates, today + ql.Period(150, ql.Years)],
        [rates[0], *rates, rates[-1]],
        ql.Actual365Fixed(),
        ql.NullCalendar(),
        ql.Linear(),
        ql.Continuous,
    )
    curve = ZeroCurve([years(today, d) for d in pillar_dates], rates, compounding="continuous")
    key_dates = [today + ql.Period(y, ql.Years) for y in key_years]
    keys = [years(today, d) for d in key_dates]

    bond = quantlib_bond(today, months, coupon)
    expected, npv = quantlib_key_rate_pv01(
        today, bond, base, key_dates, ql.Continuous, ql.NoFrequency
    )
    flows = bond_flows(today, bond)
    assert ldi.pv(flows, curve) == pytest.approx(npv, rel=1e-13)  # same flows, same DFs
    got = ldi.key_rate_pv01(flows, curve, keys)
    assert list(got.index) == keys
    # Same central difference on both sides: only rounding, eps / (h t) relative to each
    # key's PV01, or of the bond's PV for keys the bond barely touches.
    np.testing.assert_allclose(got.to_numpy(), expected, rtol=1e-9, atol=1e-12 * npv)


@pytest.mark.parametrize("rate", [0.045, -0.002])
def test_key_rate_pv01_matches_quantlib_on_a_flat_annual_curve(today, rate):
    """Annual bumps: QuantLib adds the spread to the annually compounded zero rate too."""
    base = ql.FlatForward(today, rate, ql.Actual365Fixed(), ql.Compounded, ql.Annual)
    key_years = [2, 5, 10, 30]
    key_dates = [today + ql.Period(y, ql.Years) for y in key_years]
    bond = quantlib_bond(today, 12 * 33 + 1, 0.04)
    expected, npv = quantlib_key_rate_pv01(today, bond, base, key_dates, ql.Compounded, ql.Annual)
    flows = bond_flows(today, bond)
    curve = ZeroCurve.flat(rate, compounding="annual")
    # QuantLib stores the flat rate as a continuous one and converts back: a few ulps.
    assert ldi.pv(flows, curve) == pytest.approx(npv, rel=1e-12)
    got = ldi.key_rate_pv01(flows, curve, [years(today, d) for d in key_dates])
    np.testing.assert_allclose(got.to_numpy(), expected, rtol=1e-9, atol=1e-12 * npv)


# --- exposures table ------------------------------------------------------------------------

NOMINAL = {"tenors": [1.0, 5.0, 10.0, 30.0], "rates": [0.041, 0.043, 0.046, 0.044]}
INFLATION = {"tenors": [2.0, 20.0], "rates": [0.034, 0.031]}
KEYS = [2.0, 5.0, 10.0, 20.0, 30.0]


def streams():
    coupons = np.arange(1, 13) / 2 - 0.2  # a seasoned 6y semiannual 4% bond
    return {
        "gilt": Cashflows(coupons, np.r_[np.full(11, 2.0), 102.0]),
        "liabilities": Cashflows(
            [-0.5, 0.5, 3, 8, 15, 25, 45, 60],
            [9, 10, 10, 9, 8, 6, 3, 1],
            inflation_linked=[5, 6, 6, 6, 5, 4, 2, 1],
        ),
        "linker": Cashflows([4.5, 12.0], [0.0, 0.0], inflation_linked=[0.5, 100.5]),
        "strip": Cashflows([22.0], [100.0]),
        "matured": Cashflows([-1.0, 0.0], [100.0, 100.0]),
    }


def reference_row(cf):
    """Every column of one stream by plain-numpy revaluation (docs/conventions.md)."""
    t = cf.times[cf.times > 0]
    fixed, linked = cf.amounts[cf.times > 0], cf.inflation_linked[cf.times > 0]
    zero = np.interp(t, NOMINAL["tenors"], NOMINAL["rates"])
    breakeven = np.interp(t, INFLATION["tenors"], INFLATION["rates"])

    def value(dz=0.0, db=0.0):
        df = (1 + zero + dz) ** -t
        return float(np.sum(fixed * df + linked * (1 + breakeven + db) ** t * df))

    pv, down, up = value(), value(-H), value(H)
    row = {
        "pv": pv,
        "pv01": (down - up) / 2,
        "duration": (down - up) / 2 / pv / H if pv else np.nan,
        "convexity": (down + up - 2 * pv) / pv / H**2 if pv else np.nan,
        "ie01": (value(db=H) - value(db=-H)) / 2,
    }
    for j, key in enumerate(KEYS):
        weight = triangle(t, KEYS, j)
        row[f"pv01_{key:g}y"] = (value(-H * weight) - value(H * weight)) / 2
    for j, key in enumerate(KEYS):
        weight = triangle(t, KEYS, j)
        row[f"ie01_{key:g}y"] = (value(db=H * weight) - value(db=-H * weight)) / 2
    return row


def test_exposures_table_shape_and_values():
    flows = streams()
    table = ldi.exposures(flows, ZeroCurve(**NOMINAL), BreakevenCurve(**INFLATION), keys=KEYS)
    key_columns = [f"{risk}_{key}y" for risk in ("pv01", "ie01") for key in (2, 5, 10, 20, 30)]
    assert list(table.index) == list(flows)
    assert list(table.columns) == ["pv", "pv01", "duration", "convexity", "ie01", *key_columns]
    reference = pd.DataFrame({name: reference_row(cf) for name, cf in flows.items()}).T
    reference = reference[table.columns]
    # PV: same sums in another order. Differences (PV01, IE01, key rates): rounding
    # eps / (h t), so 1e-10 relative to the stream's PV01 scale. Convexity: eps / (h t)^2.
    pv01_scale = reference["pv"].abs().to_numpy(dtype=float) * H
    for column in table.columns:
        got, want = table[column].to_numpy(), reference[column].to_numpy(dtype=float)
        rtol = {"pv": 1e-13, "convexity": 1e-6}.get(column, 1e-10)
        atol = 0.0 if column in ("pv", "duration", "convexity") else 1e-10 * pv01_scale
        close = np.isclose(got, want, rtol=rtol, atol=atol, equal_nan=True)
        assert close.all(), f"{column}: got {got}, expected {want}"
    matured = table.loc["matured"]
    assert (matured["pv"], matured["pv01"], matured["ie01"]) == (0, 0, 0)
    assert np.isnan(matured[["duration", "convexity"]].to_numpy(dtype=float)).all()


def test_exposures_rows_equal_the_single_stream_functions():
    curve, breakeven = ZeroCurve(**NOMINAL), BreakevenCurve(**INFLATION)
    flows = streams()
    table = ldi.exposures(flows, curve, breakeven, keys=KEYS)
    for name, cf in flows.items():
        row = table.loc[name]
        # The same revaluation on another grid: equal to rounding (1e-12, or 1e-8 for the
        # convexity's second difference).
        singles = {
            "pv": ldi.pv(cf, curve, breakeven),
            "pv01": ldi.pv01(cf, curve, breakeven),
            "duration": ldi.duration(cf, curve, breakeven),
            "convexity": ldi.convexity(cf, curve, breakeven),
            "ie01": ldi.ie01(cf, curve, breakeven),
        }
        for column, value in singles.items():
            rel = 1e-8 if column == "convexity" else 1e-12
            assert value == pytest.approx(row[column], rel=rel, abs=1e-12, nan_ok=True), column
        key_rates = ldi.key_rate_pv01(cf, curve, KEYS, breakeven=breakeven)
        assert list(key_rates.index) == KEYS
        np.testing.assert_allclose(
            key_rates.to_numpy(), row[[f"pv01_{k:g}y" for k in KEYS]].to_numpy(), rtol=1e-12
        )


def test_duration_is_nan_where_pv_is_zero():
    # At a zero rate every discount factor is exactly 1: +1 at 1y and -1 at 2y is worth 0,
    # yet the stream has rate risk: PV(s) = e^{-s} - e^{-2s}, PV01 = sinh(h) - sinh(2h).
    curve = ZeroCurve.flat(0.0, compounding="continuous")
    hedge = Cashflows([1.0, 2.0], [1.0, -1.0])
    assert ldi.pv(hedge, curve) == 0.0
    assert ldi.pv01(hedge, curve) == pytest.approx(np.sinh(H) - np.sinh(2 * H), rel=1e-10)
    assert np.isnan(ldi.duration(hedge, curve))
    assert np.isnan(ldi.convexity(hedge, curve))
    table = ldi.exposures({"hedge": hedge, "bullet": Cashflows([2.0], [1.0])}, curve)
    assert np.isnan(table.loc["hedge", "duration"])
    assert table.loc["bullet", "duration"] == pytest.approx(np.sinh(2 * H) / H, rel=1e-10)


# --- bad inputs -----------------------------------------------------------------------------


def test_linked_flows_without_a_breakeven_curve_name_the_stream():
    curve = ZeroCurve.flat(0.04)
    flows = {
        "gilt": Cashflows([1.0, 2.0], [4.0, 104.0]),
        "pensioners": Cashflows([1.0, 2.0], [0.0, 0.0], inflation_linked=[1.0, 1.0]),
    }
    message = re.escape("inflation-linked cash flows of ['pensioners'] need a breakeven curve")
    with pytest.raises(DataError, match=message):
        ldi.exposures(flows, curve)
    with pytest.raises(DataError, match="need a breakeven curve"):
        ldi.pv(flows["pensioners"], curve)


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        ([5, 2], r"keys\[1\]: got 2\.0 after 5\.0; expected strictly increasing"),
        ([0, 5], r"keys\[0\]: got 0\.0; expected a positive number of years"),
        ([], r"keys: got no values"),
        ([2, np.nan], r"keys\[1\]: got nan; expected a finite number"),
    ],
)
def test_bad_keys(keys, message):
    with pytest.raises(DataError, match=message):
        ldi.key_rate_pv01(Cashflows([1.0], [1.0]), ZeroCurve.flat(0.04), keys)


def test_bump_does_not_change_the_curve():
    curve = ZeroCurve([1.0, 10.0], [0.03, 0.04])
    rates = curve.rates.copy()
    ldi.exposures({"a": Cashflows([3.0], [1.0])}, curve)
    np.testing.assert_array_equal(curve.rates, rates)


def test_close_keys_get_distinct_columns():
    cf = ldi.Cashflows([1.0, 2.0, 3.0], [5.0, 5.0, 105.0])
    keys = [0.5, 2.0, 2.0000001, 5.0]
    table = ldi.exposures({"bond": cf}, ldi.ZeroCurve.flat(0.04), keys=keys)
    assert list(table.columns[5:9]) == ["pv01_0.5y", "pv01_2y", "pv01_2.0000001y", "pv01_5y"]
    # Relative gap bounded by (h t_max)^2 / 6 for a central difference; see the property test.
    assert table.iloc[0, 5:9].sum() == pytest.approx(table.loc["bond", "pv01"], rel=1e-6)


def test_per_stream_spreads_equal_each_stream_on_its_spread_curve():
    curve, breakeven = ZeroCurve(**NOMINAL), BreakevenCurve(**INFLATION)
    flows = streams()
    spreads = np.linspace(-0.002, 0.015, len(flows))
    table = ldi.exposures(flows, curve, breakeven, keys=KEYS, spreads=spreads)
    for (name, cf), spread in zip(flows.items(), spreads, strict=True):
        alone = ldi.exposures({name: cf}, curve.shifted(spread / H), breakeven, keys=KEYS)
        # One D(z + s, t) per flow against D of the spread curve: PVs equal to rounding; the
        # 1bp differences carry eps / h of the PV, so 1e-10 of the stream's PV01 scale
        # (convexity's second difference 1e-8).
        scale = abs(alone.loc[name, "pv"]) * H + 1e-300
        for column in table.columns:
            got, want = table.loc[name, column], alone.loc[name, column]
            if column == "convexity":
                assert got == pytest.approx(want, rel=1e-8, nan_ok=True)
            elif column == "duration":
                assert got == pytest.approx(want, rel=1e-10, nan_ok=True)
            else:
                assert got == pytest.approx(want, rel=1e-12, abs=1e-10 * scale), column


def test_spreads_must_match_the_streams():
    flows = streams()
    with pytest.raises(DataError, match=re.escape("spreads: got 2 values for 5 streams")):
        ldi.exposures(flows, ZeroCurve(**NOMINAL), BreakevenCurve(**INFLATION), spreads=[0, 0])


@pytest.mark.parametrize("chunk", [1, 3, 7, 1 << 14])
def test_streams_revalued_in_chunks_sum_as_in_one(chunk, monkeypatch):
    """Any chunk size of a revaluation with per-stream spreads gives the same sums.

    Each stream's flows are summed in the same order whatever the chunk; empty streams are 0.
    """
    curve = ZeroCurve([1, 5, 10, 30], [0.04, 0.041, 0.043, 0.045], compounding="annual")
    streams = {
        "empty": Cashflows([], []),
        "a": Cashflows([0.5, 1.0, 7.5], [2.0, 2.0, 102.0]),
        "past": Cashflows([-0.5], [3.0]),
        "b": Cashflows([3.25], [100.0]),
        "c": Cashflows(np.arange(1, 31) * 0.5, np.full(30, 1.5)),
        "last": Cashflows([], []),
    }
    spreads = [0.0, 0.01, 0.0, -0.002, 0.03, 0.0]
    whole = ldi.exposures(streams, curve, spreads=spreads)
    monkeypatch.setattr(sys.modules["ldi.risk.revalue"], "CHUNK_FLOWS", chunk)
    chunked = ldi.exposures(streams, curve, spreads=spreads)
    pd.testing.assert_frame_equal(chunked, whole, rtol=1e-15, atol=0.0)
    # z(3.25) = 0.04 + 2.25 / 4 x 0.001, less the stream's 20bp.
    assert chunked.loc["b", "pv"] == pytest.approx(100.0 * 1.0385625**-3.25, rel=1e-14)
    assert chunked.loc["empty", "pv"] == 0.0
