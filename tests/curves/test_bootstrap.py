"""ZeroCurve.from_par_swaps: every input swap reprices to par, and QuantLib agrees.

QuantLib reference: a single-curve bootstrap with SwapRateHelpers on a 30/360 (bond basis)
fixed leg, no calendar, no settlement lag and unadjusted dates, so each coupon accrues
exactly 1/frequency and every date sits at t = k/frequency years on the curve's 30/360 clock.
"""

import re

import numpy as np
import pytest
import QuantLib as ql
from hypothesis import given, settings
from hypothesis import strategies as st

from ldi import DataError, ZeroCurve, par_rate
from tests.quantlib_helpers import QL_FREQUENCY, backward_schedule, ql_index

GAPPED = [1, 2, 3, 5, 7, 10, 15, 20, 30, 40, 50]
FREQUENCIES = [1, 2, 4]
INTERPOLATIONS = ["linear_zero", "log_linear_discount"]
THIRTY_360 = ql.Thirty360(ql.Thirty360.BondBasis)
# QuantLib's bootstrap is run to accuracy 1e-14 (its default 1e-12 applies to the zero rate
# for PiecewiseLinearZero, i.e. up to ~2e-12 on a 50y DF); measured gaps are <= 3e-14.
QL_ACCURACY = 1e-14
QL_ATOL = 5e-13
# Our pillars are solved to a few ulps, so a repriced swap is at par to well inside 1e-12.
PAR_ATOL = 1e-12


def par_curve(t, level, slope, hump):
    """A smooth par curve: level, a slope that saturates by ~15y and a hump near 8y."""
    t = np.asarray(t, dtype=float)
    return level + slope * (1 - np.exp(-t / 4)) + hump * (t / 8) * np.exp(1 - t / 8)


SHAPES = {
    "upward": (0.02, 0.025, 0.0),
    "downward": (0.05, -0.02, 0.0),
    "humped": (0.03, 0.0, 0.012),
    "inverted_hump": (0.035, 0.005, -0.01),
}


def hand_par_rate(discount, tenor, frequency):
    """Par rate from DFs on the schedule rolled back from ``tenor``, written out here."""
    period = 1.0 / frequency
    count = int(np.ceil(tenor * frequency - 1e-9))
    times = tenor - period * np.arange(count - 1, -1, -1)
    accruals = np.full(count, period)
    accruals[0] = times[0]  # the first period starts at 0 (short when off the grid)
    annuity = float(np.sum(accruals * discount(times)))
    return (1.0 - float(discount(tenor))) / annuity


# --- repricing -----------------------------------------------------------------------------


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("frequency", FREQUENCIES)
@pytest.mark.parametrize("interpolation", INTERPOLATIONS)
def test_every_input_swap_reprices_to_par(shape, frequency, interpolation):
    quotes = par_curve(GAPPED, *SHAPES[shape])
    curve = ZeroCurve.from_par_swaps(GAPPED, quotes, frequency, interpolation=interpolation)
    np.testing.assert_array_equal(curve.tenors, GAPPED)
    for tenor, quote in zip(GAPPED, quotes, strict=True):
        assert par_rate(curve, tenor, frequency) == pytest.approx(quote, abs=PAR_ATOL)
        assert hand_par_rate(curve.discount, tenor, frequency) == pytest.approx(quote, abs=PAR_ATOL)


# Long-end par rates up to ~7%. Much higher, steeper long ends (e.g. 8.4% at 20y rising to
# 9.1% at 50y) make the zero rates diverge across 10y gaps until no zero rate reprices the
# 50y swap; from_par_swaps rightly reports that, so such curves are left out here.
@settings(max_examples=40, deadline=None)
@given(
    level=st.floats(0.005, 0.05),
    slope=st.floats(-0.02, 0.02),
    hump=st.floats(-0.01, 0.01),
    frequency=st.sampled_from(FREQUENCIES),
    interpolation=st.sampled_from(INTERPOLATIONS),
    compounding=st.sampled_from(["annual", "semiannual", "continuous"]),
)
def test_random_par_curves_reprice(level, slope, hump, frequency, interpolation, compounding):
    quotes = par_curve(GAPPED, level, slope, hump)
    curve = ZeroCurve.from_par_swaps(
        GAPPED, quotes, frequency, compounding=compounding, interpolation=interpolation
    )
    repriced = [par_rate(curve, tenor, frequency) for tenor in GAPPED]
    np.testing.assert_allclose(repriced, quotes, rtol=0, atol=PAR_ATOL)


@pytest.mark.parametrize("compounding", ["simple", "annual", "semiannual", "monthly", "continuous"])
def test_every_compounding_bootstraps_to_fifty_years(compounding):
    # Simple compounding has no DF below -1/t (-2% at 50y); the search must respect that.
    quotes = par_curve(GAPPED, *SHAPES["upward"])
    curve = ZeroCurve.from_par_swaps(GAPPED, quotes, 2, compounding=compounding)
    repriced = [hand_par_rate(curve.discount, tenor, 2) for tenor in GAPPED]
    np.testing.assert_allclose(repriced, quotes, rtol=0, atol=PAR_ATOL)


def test_off_grid_tenors_reprice_with_a_short_first_period():
    tenors = [0.5, 1.25, 2.75, 4.0, 6.5, 12.25]
    quotes = par_curve(tenors, *SHAPES["humped"])
    for frequency in (1, 2):
        curve = ZeroCurve.from_par_swaps(tenors, quotes, frequency)
        for tenor, quote in zip(tenors, quotes, strict=True):
            hand = hand_par_rate(curve.discount, tenor, frequency)
            assert hand == pytest.approx(quote, abs=PAR_ATOL), (frequency, tenor)


def test_flat_annual_par_curve_bootstraps_to_the_flat_zero_curve():
    # With annual coupons, a flat 4% par curve is the flat 4% annual zero curve: DF = 1.04^-t.
    tenors = np.arange(1, 31)
    curve = ZeroCurve.from_par_swaps(tenors, np.full(30, 0.04), 1)
    np.testing.assert_allclose(curve.rates, 0.04, rtol=0, atol=1e-14)
    np.testing.assert_allclose(curve.discount(tenors), 1.04**-tenors, rtol=1e-13)


# --- QuantLib ------------------------------------------------------------------------------


def ql_bootstrap(today, tenors, quotes, frequency, curve_class):
    """QuantLib's single-curve bootstrap of spot-starting par swaps."""
    index = ql_index(frequency, THIRTY_360)
    helpers = [
        ql.SwapRateHelper(
            ql.QuoteHandle(ql.SimpleQuote(float(quote))),
            ql.Period(int(tenor), ql.Years),
            ql.NullCalendar(),
            QL_FREQUENCY[frequency],
            ql.Unadjusted,
            THIRTY_360,
            index,
            ql.QuoteHandle(),
            ql.Period(0, ql.Days),
            ql.YieldTermStructureHandle(),
            0,
        )
        for tenor, quote in zip(tenors, quotes, strict=True)
    ]
    return curve_class(today, helpers, THIRTY_360, ql.IterativeBootstrap(QL_ACCURACY))


def coupon_grid(today, last, frequency):
    """(t, date) for every coupon date k/frequency up to ``last`` years: 30/360 makes t exact."""
    months = 12 // frequency
    return [
        (k / frequency, today + ql.Period(k * months, ql.Months))
        for k in range(1, last * frequency + 1)
    ]


@pytest.mark.parametrize("frequency", FREQUENCIES)
@pytest.mark.parametrize("shape", ["upward", "downward", "humped"])
def test_log_linear_bootstrap_matches_quantlib(ql_today, frequency, shape):
    quotes = par_curve(GAPPED, *SHAPES[shape])
    reference = ql_bootstrap(ql_today, GAPPED, quotes, frequency, ql.PiecewiseLogLinearDiscount)
    ours = ZeroCurve.from_par_swaps(GAPPED, quotes, frequency, interpolation="log_linear_discount")
    grid = coupon_grid(ql_today, GAPPED[-1], frequency)
    for t, date in grid:
        assert THIRTY_360.yearFraction(ql_today, date) == t
    times = np.array([t for t, _ in grid])
    expected = np.array([reference.discount(date) for _, date in grid])
    # Pillars and the coupon dates between them (both interpolate log DF linearly).
    np.testing.assert_allclose(ours.discount(times), expected, rtol=0, atol=QL_ATOL)


@pytest.mark.parametrize("frequency", FREQUENCIES)
def test_linear_continuous_zero_bootstrap_matches_quantlib(ql_today, frequency):
    # QuantLib's PiecewiseLinearZero interpolates continuous zero rates linearly and holds
    # the first pillar's rate back to t = 0: our default interpolation in continuous terms.
    quotes = par_curve(GAPPED, *SHAPES["humped"])
    reference = ql_bootstrap(ql_today, GAPPED, quotes, frequency, ql.PiecewiseLinearZero)
    ours = ZeroCurve.from_par_swaps(GAPPED, quotes, frequency, compounding="continuous")
    grid = coupon_grid(ql_today, GAPPED[-1], frequency)
    times = np.array([t for t, _ in grid])
    expected = np.array([reference.discount(date) for _, date in grid])
    np.testing.assert_allclose(ours.discount(times), expected, rtol=0, atol=QL_ATOL)


def test_contiguous_annual_tenors_match_quantlib_with_the_default_interpolation(ql_today):
    # Annual swaps at every year 1..30 only need DFs at pillars: no interpolation involved.
    tenors = list(range(1, 31))
    quotes = par_curve(tenors, *SHAPES["inverted_hump"])
    reference = ql_bootstrap(ql_today, tenors, quotes, 1, ql.PiecewiseLogLinearDiscount)
    ours = ZeroCurve.from_par_swaps(tenors, quotes, 1)
    expected = [reference.discount(ql_today + ql.Period(n, ql.Years)) for n in tenors]
    np.testing.assert_allclose(ours.discount(np.array(tenors)), expected, rtol=0, atol=QL_ATOL)


def ql_fair_rate(today, handle, tenor, frequency):
    """Fair fixed rate of a spot-starting single-curve swap priced by QuantLib on ``handle``."""
    index = ql_index(frequency, THIRTY_360, handle)
    end = today + ql.Period(int(tenor), ql.Years)

    def schedule():
        return backward_schedule(today, end, frequency)

    swap = ql.VanillaSwap(
        ql.VanillaSwap.Payer, 1.0, schedule(), 0.0, THIRTY_360, schedule(), index, 0.0, THIRTY_360
    )
    swap.setPricingEngine(ql.DiscountingSwapEngine(handle))
    return swap.fairRate()


@pytest.mark.parametrize("frequency", FREQUENCIES)
@pytest.mark.parametrize("interpolation", INTERPOLATIONS)
def test_quantlib_prices_our_curve_at_the_input_par_rates(ql_today, frequency, interpolation):
    quotes = par_curve(GAPPED, *SHAPES["downward"])
    dates = [ql_today] + [ql_today + ql.Period(n, ql.Years) for n in GAPPED]
    if interpolation == "log_linear_discount":
        ours = ZeroCurve.from_par_swaps(GAPPED, quotes, frequency, interpolation=interpolation)
        # A QuantLib log-linear discount curve through our pillar DFs is our curve exactly.
        dfs = [1.0, *ours.discount(np.array(GAPPED, dtype=float))]
        curve = ql.DiscountCurve(dates, dfs, THIRTY_360)
    else:
        ours = ZeroCurve.from_par_swaps(GAPPED, quotes, frequency, compounding="continuous")
        # Linear continuous zero rates, flat back to t = 0: again our curve exactly.
        zeros = [float(ours.rates[0]), *ours.rates]
        curve = ql.ZeroCurve(
            dates, zeros, THIRTY_360, ql.NullCalendar(), ql.Linear(), ql.Continuous, ql.Annual
        )
    handle = ql.YieldTermStructureHandle(curve)
    for tenor, quote in zip(GAPPED, quotes, strict=True):
        fair = ql_fair_rate(ql_today, handle, tenor, frequency)
        # Same curve, QuantLib's own cash flows: agreement to rounding.
        assert fair == pytest.approx(quote, abs=PAR_ATOL), tenor


# --- bad inputs ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tenors", "quotes", "kwargs", "message"),
    [
        (
            [1, 2, 3],
            [0.03, 0.03, 0.03],
            {"frequency": 3},
            "from_par_swaps.frequency: got 3; expected one of (1, 2, 4, 12)",
        ),
        (
            [1, 2, 3],
            [0.03, 0.03, 0.03],
            {"frequency": True},
            "from_par_swaps.frequency: got True; expected one of (1, 2, 4, 12)",
        ),
        (
            [1, 2, 3],
            [0.03, 2.0, 0.03],
            {},
            "par_rates[1]: 2.0 at tenor 2.0 cannot be bootstrapped: no zero rate in "
            "[-0.05, 1.0] reprices it given the shorter swaps",
        ),
        (
            [1, 2, 3],
            [0.03, 0.03, 0.03],
            {"interpolation": "cubic"},
            "from_par_swaps.interpolation: got 'cubic'; expected one of ['linear_zero', "
            "'log_linear_discount']",
        ),
        (
            [1, 2, 3],
            [0.03, 0.03, 0.03],
            {"compounding": "daily"},
            "from_par_swaps.compounding: got 'daily'",
        ),
        (
            [1, 5, 3],
            [0.03, 0.03, 0.03],
            {},
            "from_par_swaps.tenors[2]: got 3.0 after 5.0; expected strictly increasing",
        ),
        (
            [1, 2, 3],
            [0.03, float("nan"), 0.03],
            {},
            "from_par_swaps.par_rates[1]: got nan; expected a finite number",
        ),
        (
            [1, 2, 3],
            [0.03, 0.03],
            {},
            "from_par_swaps: 3 tenors but 2 par_rates; expected the same length",
        ),
    ],
)
def test_bad_bootstrap_inputs_name_the_field_and_value(tenors, quotes, kwargs, message):
    with pytest.raises(DataError, match=re.escape(message)):
        ZeroCurve.from_par_swaps(tenors, quotes, **kwargs)
