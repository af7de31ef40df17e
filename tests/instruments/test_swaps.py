"""InterestRateSwap and InflationSwap: par rates, values and per-notional risk.

QuantLib reference (interest-rate swaps): a single-curve bootstrap of spot-starting par swaps
with SwapRateHelpers on a 30/360 (bond basis) fixed leg, no calendar, no settlement lag and
unadjusted dates, interpolated linearly in the continuous zero rate (ql.PiecewiseLinearZero),
which is our ``from_par_swaps(..., compounding="continuous")``. The swaps are ql.VanillaSwaps
on that curve whose floating leg fixes on the same curve, so the floating leg is worth par.
Coupon dates are whole 30/360 months from today, so our year fractions are the same numbers.
Bumps go through ql.ZeroSpreadedTermStructure in continuous compounding: our curve's own.

Inflation swaps are checked against closed forms written out here.
"""

import re

import numpy as np
import pytest
import QuantLib as ql

from ldi import BreakevenCurve, DataError, Market, ZeroCurve
from ldi.curves.spread import DEFAULT_KEYS
from ldi.instruments import InflationSwap, InterestRateSwap, instrument_risk
from tests.quantlib_helpers import QL_FREQUENCY, backward_schedule, ql_index
from tests.reference import triangle

H = 1e-4
THIRTY_360 = ql.Thirty360(ql.Thirty360.BondBasis)
PILLARS = [1, 2, 3, 5, 7, 10, 15, 20, 30, 40, 50]
KEYS = [2.0, 5.0, 10.0, 20.0, 30.0]
# QuantLib's bootstrap run to 1e-14: its DFs match ours to ~5e-13 (tests/curves).
QL_ACCURACY = 1e-14


def par_quotes(t):
    """A humped par curve: 3% plus a 1.2% hump near 8y."""
    t = np.asarray(t, dtype=float)
    return 0.03 + 0.012 * (t / 8) * np.exp(1 - t / 8)


def market(curve, breakeven=None):
    curves = {"sonia": curve} if breakeven is None else {"sonia": curve, "rpi": breakeven}
    return Market(curves=curves, nominal="sonia", inflation=None if breakeven is None else "rpi")


def row(instrument, mkt, keys=KEYS):
    risk = instrument_risk([instrument], mkt, keys)
    return risk.exposures.loc[instrument.id], risk.terms.loc[instrument.id]


def hand_annuity(curve, tenor, frequency):
    """Σ τ_i DF(t_i) over the fixed leg rolled back from ``tenor``, first period from 0."""
    period = 1.0 / frequency
    count = int(np.ceil(tenor * frequency - 1e-9))
    times = tenor - period * np.arange(count - 1, -1, -1)
    accruals = np.full(count, period)
    accruals[0] = times[0]
    return float(np.sum(accruals * curve.discount(times)))


# --- QuantLib ----------------------------------------------------------------------------------


def ql_bootstrap(today, frequency):
    helpers = [
        ql.SwapRateHelper(
            ql.QuoteHandle(ql.SimpleQuote(float(quote))),
            ql.Period(tenor, ql.Years),
            ql.NullCalendar(),
            QL_FREQUENCY[frequency],
            ql.Unadjusted,
            THIRTY_360,
            ql_index(frequency, THIRTY_360),
            ql.QuoteHandle(),
            ql.Period(0, ql.Days),
            ql.YieldTermStructureHandle(),
            0,
        )
        for tenor, quote in zip(PILLARS, par_quotes(PILLARS), strict=True)
    ]
    return ql.PiecewiseLinearZero(today, helpers, THIRTY_360, ql.IterativeBootstrap(QL_ACCURACY))


class QuantLibSwap:
    """A receiver swap on a bumpable single curve (continuous zero spread)."""

    def __init__(self, today, curve, months, frequency, fixed_rate):
        self.quote = ql.SimpleQuote(0.0)
        handle = ql.YieldTermStructureHandle(
            ql.ZeroSpreadedTermStructure(
                ql.YieldTermStructureHandle(curve),
                ql.QuoteHandle(self.quote),
                ql.Continuous,
                ql.NoFrequency,
                THIRTY_360,
            )
        )
        end = today + ql.Period(months, ql.Months)
        self.tenor = THIRTY_360.yearFraction(today, end)

        def schedule():
            return backward_schedule(today, end, frequency)

        self.swap = ql.VanillaSwap(
            ql.VanillaSwap.Receiver,
            1.0,
            schedule(),
            fixed_rate,
            THIRTY_360,
            schedule(),
            ql_index(frequency, THIRTY_360, handle),
            0.0,
            THIRTY_360,
        )
        self.swap.setPricingEngine(ql.DiscountingSwapEngine(handle))

    def npv(self, bump=0.0):
        self.quote.setValue(bump)
        value = self.swap.NPV()
        self.quote.setValue(0.0)
        return value

    def pv01(self):
        return (self.npv(-H) - self.npv(H)) / 2


# Months to maturity: off-grid (short first period) and on-grid, short and long.
MONTHS = [33, 54, 84, 150, 300, 444]


@pytest.mark.parametrize("frequency", [1, 2])
@pytest.mark.parametrize("months", MONTHS)
@pytest.mark.parametrize("fixed_rate", [None, 0.05, 0.012])
def test_par_rate_value_and_pv01_match_quantlib(ql_today, frequency, months, fixed_rate):
    reference = ql_bootstrap(ql_today, frequency)
    ours = ZeroCurve.from_par_swaps(
        PILLARS, par_quotes(PILLARS), frequency, compounding="continuous"
    )
    probe = QuantLibSwap(ql_today, reference, months, frequency, 0.0)
    ql_par = probe.swap.fairRate()
    strike = ql_par if fixed_rate is None else fixed_rate
    swap_ql = QuantLibSwap(ql_today, reference, months, frequency, strike)

    swap = InterestRateSwap(id="S", tenor=swap_ql.tenor, frequency=frequency, fixed_rate=fixed_rate)
    exposures, terms = row(swap, market(ours))
    # The two bootstraps' DFs agree to ~5e-13, so rates and values per unit notional agree
    # to ~1e-12 (annuities are >= 2.5).
    assert terms["par_rate"] == pytest.approx(ql_par, abs=1e-12)
    assert terms["fixed_rate"] == pytest.approx(strike, abs=1e-12)
    assert exposures["pv"] == pytest.approx(swap_ql.npv(), abs=1e-12)
    # Same central difference of the same value: rounding (eps / (h t)) and the DF gap.
    assert exposures["pv01"] == pytest.approx(swap_ql.pv01(), rel=1e-9)
    # Overlays quote duration per unit of notional.
    assert exposures["duration"] == pytest.approx(swap_ql.pv01() / H, rel=1e-9)


@pytest.mark.parametrize("frequency", [1, 2, 4])
def test_par_swaps_are_worth_zero_on_their_own_curve(frequency):
    quotes = par_quotes(PILLARS)
    curve = ZeroCurve.from_par_swaps(PILLARS, quotes, frequency)  # annual, linear zero
    mkt = market(curve)
    for tenor, quote in zip(PILLARS, quotes, strict=True):
        quoted = InterestRateSwap(id="S", tenor=tenor, frequency=frequency, fixed_rate=quote)
        exposures, terms = row(quoted, mkt)
        # The bootstrap reprices each swap to 1e-12 in the rate (tests/curves).
        assert terms["par_rate"] == pytest.approx(quote, abs=1e-12)
        assert exposures["pv"] == pytest.approx(0.0, abs=1e-12 * tenor)
        # Struck at par by default: worth 0 up to rounding of 1 - DF(T) - par x annuity.
        at_par, par_terms = row(InterestRateSwap(id="S", tenor=tenor, frequency=frequency), mkt)
        assert par_terms["fixed_rate"] == par_terms["par_rate"]
        assert at_par["pv"] == pytest.approx(0.0, abs=1e-15)
        assert at_par["pv01"] > 0


@pytest.mark.parametrize("frequency", [1, 2])
@pytest.mark.parametrize("tenor", [2.75, 10.0, 23.5])
@pytest.mark.parametrize("fixed_rate", [0.0, 0.025, 0.06])
def test_off_market_value_is_rate_gap_times_annuity(frequency, tenor, fixed_rate):
    curve = ZeroCurve.from_par_swaps(PILLARS, par_quotes(PILLARS), frequency)
    annuity = hand_annuity(curve, tenor, frequency)
    par = (1 - float(curve.discount(tenor))) / annuity
    swap = InterestRateSwap(id="S", tenor=tenor, frequency=frequency, fixed_rate=fixed_rate)
    exposures, terms = row(swap, market(curve))
    assert terms["par_rate"] == pytest.approx(par, rel=1e-14)
    # K A + DF(T) - 1 = (K - par) A: the cancellation in 1 - DF(T) costs eps / (1 - DF).
    assert exposures["pv"] == pytest.approx((fixed_rate - par) * annuity, abs=1e-15)


@pytest.mark.parametrize("tenor", [7.0, 12.5, 30.0, 45.0])
def test_key_rate_pv01s_sum_to_pv01(tenor):
    curve = ZeroCurve.from_par_swaps(PILLARS, par_quotes(PILLARS), 1)
    exposures, _ = row(InterestRateSwap(id="S", tenor=tenor), market(curve), DEFAULT_KEYS)
    keys = exposures[[c for c in exposures.index if c.startswith("pv01_")]]
    # First-order terms agree exactly (weights sum to 1); splitting the bump only loses
    # third-order terms, relatively at most (h (T + 2))^2 / 6 (2.4e-6 at 45y).
    gap = (exposures["pv01"] - keys.sum()) / exposures["pv01"]
    assert -1e-11 <= gap <= (H * (tenor + 2)) ** 2 / 6
    assert (keys >= 0).all()


def test_key_rate_pv01s_of_a_swap_on_a_flat_curve_closed_form():
    # 10y annual swap on a flat annual curve; keys at 2, 5, 10 years. Coupon i (t = i) is
    # bumped by w_j(i) of 1bp: each key's PV01 is Σ_i a_i w_j(i) t_i (1 + r)^-(t_i + 1) h to
    # first order (third-order gap (h T)^2 / 6 relative).
    r, tenor, keys = 0.04, 10.0, [2.0, 5.0, 10.0]
    curve = ZeroCurve.flat(r, compounding="annual")
    exposures, terms = row(InterestRateSwap(id="S", tenor=tenor), market(curve), keys)
    times = np.arange(1.0, 11.0)
    amounts = np.full(10, terms["fixed_rate"])
    amounts[-1] += 1
    for j, key in enumerate(keys):
        w = triangle(times, keys, j)
        expected = np.sum(amounts * w * times * (1 + r) ** -(times + 1)) * H
        assert exposures[f"pv01_{key:g}y"] == pytest.approx(expected, rel=(H * 12) ** 2 / 6)
    # The par rate of a flat annual curve with annual coupons is the curve's rate.
    assert terms["par_rate"] == pytest.approx(r, rel=1e-13)


def test_receive_fixed_gains_when_rates_fall():
    curve = ZeroCurve.from_par_swaps(PILLARS, par_quotes(PILLARS), 1)
    _, terms = row(InterestRateSwap(id="S", tenor=20), market(curve))
    struck = InterestRateSwap(id="S", tenor=20, fixed_rate=terms["par_rate"])
    exposures, _ = row(struck, market(curve))
    lower, _ = row(struck, market(curve.shifted(-10)))
    higher, _ = row(struck, market(curve.shifted(10)))
    assert exposures["pv01"] > 0
    assert lower["pv"] > 0 > higher["pv"]
    # To first order a 10bp move is worth 10 PV01s (second order: convexity, < 1%).
    assert lower["pv"] == pytest.approx(10 * exposures["pv01"], rel=0.01)


@pytest.mark.parametrize("tenor", [0.0, -1.0, np.nan])
def test_bad_tenor_names_the_tenor_field(tenor):
    curve = ZeroCurve.flat(0.04)
    with pytest.raises(DataError, match=re.escape(f"instrument 'S'.tenor: got {tenor!r}")):
        InterestRateSwap(id="S", tenor=tenor).value(market(curve))


def test_bad_swap_frequency_names_the_swap():
    message = "instrument 'S'.frequency: got 3; expected one of (1, 2, 4, 12)"
    with pytest.raises(DataError, match=re.escape(message)):
        InterestRateSwap(id="S", tenor=10, frequency=3).value(market(ZeroCurve.flat(0.04)))


# --- inflation swaps ---------------------------------------------------------------------------

N, B = 0.042, 0.031
FLAT = market(ZeroCurve.flat(N, compounding="annual"), BreakevenCurve.flat(B))


@pytest.mark.parametrize("maturity", [0.5, 1.0, 7.0, 20.0, 50.0])
def test_inflation_par_rate_is_the_breakeven_at_maturity(maturity):
    _, terms = row(InflationSwap(id="I", maturity=maturity), FLAT)
    # ((1 + b)^T)^(1/T) - 1: a power and a root.
    assert terms["par_rate"] == pytest.approx(B, rel=1e-13)
    sloped = BreakevenCurve([2, 10, 30], [0.036, 0.033, 0.030])
    mkt = market(ZeroCurve.flat(N), sloped)
    _, terms = row(InflationSwap(id="I", maturity=maturity), mkt)
    expected = float(np.interp(maturity, [2, 10, 30], [0.036, 0.033, 0.030]))
    assert terms["par_rate"] == pytest.approx(expected, rel=1e-13)
    assert terms["fixed_rate"] == terms["par_rate"]


@pytest.mark.parametrize("maturity", [3.0, 15.5, 40.0])
@pytest.mark.parametrize("fixed_rate", [0.02, 0.031, 0.045])
def test_off_market_inflation_swap_value_closed_form(maturity, fixed_rate):
    exposures, _ = row(InflationSwap(id="I", maturity=maturity, fixed_rate=fixed_rate), FLAT)
    df = (1 + N) ** -maturity
    expected = df * ((1 + B) ** maturity - (1 + fixed_rate) ** maturity)
    # Two powers and a difference of numbers ~ 3: absolute rounding a few eps.
    assert exposures["pv"] == pytest.approx(expected, abs=1e-14)
    # Nominal rates move the DF only: PV01 = [U - (1 + K)^T] x central difference of DF.
    bump = ((1 + N - H) ** -maturity - (1 + N + H) ** -maturity) / 2
    gap = (1 + B) ** maturity - (1 + fixed_rate) ** maturity
    # The gap itself rounds to eps x (1 + K)^T, which is all that is left when K = b.
    rounding = 4e-16 * (1 + fixed_rate) ** maturity
    assert exposures["pv01"] == pytest.approx(gap * bump, rel=1e-9, abs=rounding)


@pytest.mark.parametrize("maturity", [2.0, 10.0, 20.0, 50.0])
def test_inflation_swap_ie01_closed_form(maturity):
    exposures, _ = row(InflationSwap(id="I", maturity=maturity), FLAT)
    df = (1 + N) ** -maturity
    analytic = maturity * (1 + B) ** (maturity - 1) * df * H
    # The central difference of (1 + b)^T is T (1 + b)^(T-1) h (1 + (T-1)(T-2) h^2 /
    # (6 (1+b)^2) + ...), higher terms positive for T >= 2: gap in [0, 1.01 x that] (at
    # most 3.8e-6 at 50y), plus rounding eps / (h T).
    bound = 1.01 * (maturity - 1) * (maturity - 2) * H**2 / (6 * (1 + B) ** 2)
    gap = exposures["ie01"] / analytic - 1
    assert -1e-11 <= gap <= bound + 1e-11
    exact = df * ((1 + B + H) ** maturity - (1 + B - H) ** maturity) / 2
    assert exposures["ie01"] == pytest.approx(exact, rel=1e-10)


def test_inflation_swap_ie01_sits_on_the_keys_around_its_maturity():
    exposures, _ = row(InflationSwap(id="I", maturity=14.0), FLAT)
    # 14y between the 10y and 20y keys: weights 0.6 and 0.4 (to third order in the bump).
    assert exposures["ie01_10y"] == pytest.approx(0.6 * exposures["ie01"], rel=1e-6)
    assert exposures["ie01_20y"] == pytest.approx(0.4 * exposures["ie01"], rel=1e-6)
    others = [c for c in exposures.index if c.startswith("ie01_") and c[5:] not in {"10y", "20y"}]
    assert (exposures[others] == 0).all()


@pytest.mark.parametrize("maturity", [1.0, 10.0, 30.0])
def test_par_inflation_swap_has_no_rates_risk(maturity):
    exposures, _ = row(InflationSwap(id="I", maturity=maturity), FLAT)
    # At par U(T) = (1 + K)^T, so every nominal scenario is worth DF x (rounding of U): a few
    # eps x U. Convexity divides a second difference of those by h^2.
    scale = (1 + B) ** maturity * 1e-15
    assert exposures["pv"] == pytest.approx(0.0, abs=scale)
    assert exposures["pv01"] == pytest.approx(0.0, abs=scale)
    assert exposures["duration"] == pytest.approx(0.0, abs=scale / H)
    assert exposures["convexity"] == pytest.approx(0.0, abs=scale / H**2)
    assert exposures["ie01"] > 0


@pytest.mark.parametrize("lag", [0.25, 2 / 12])
def test_lagged_inflation_swap_par_rate_spreads_the_lagged_uplift_over_the_term(lag):
    # Documented convention: receive I(T - lag)/I(-lag), projected as (1 + b)^(T - lag) from
    # today's index, against (1 + K)^T: the par rate is ((1 + b)^(T - lag))^(1/T) - 1.
    maturity = 10.0
    _, terms = row(InflationSwap(id="I", maturity=maturity, indexation_lag=lag), FLAT)
    expected = (1 + B) ** ((maturity - lag) / maturity) - 1
    assert terms["par_rate"] == pytest.approx(expected, rel=1e-13)


@pytest.mark.parametrize("maturity", [0.0, -2.0, np.inf, np.nan])
def test_inflation_swap_maturity_must_be_positive(maturity):
    message = f"instrument 'I'.maturity: got {maturity!r}; expected a positive number of years"
    with pytest.raises(DataError, match=re.escape(message)):
        InflationSwap(id="I", maturity=maturity).value(FLAT)


def test_inflation_swap_needs_a_breakeven_curve():
    message = "instrument 'I'.inflation_curve: no breakeven curve named and the market has no"
    with pytest.raises(DataError, match=re.escape(message)):
        InflationSwap(id="I", maturity=10.0).value(market(ZeroCurve.flat(N)))
