"""Indexation (lag, LPI floor and cap) against independent references.

The references:
- QuantLib's ``ql.blackFormula`` (undiscounted Black call) for the lognormal model's call
  on gross inflation (``black_call``: ``VolatilityModel.LOGNORMAL`` on the rates F − 1 and
  K − 1) and for every hand-written LPI closed form below (``lpi_ratio``,
  ``yearly_lpi_ratio``): g_n = E[min(max(Y_n, 1 + floor), 1 + cap)] = K1 + C(F_n, K1) −
  C(F_n, K2) with F_n = (1 + b(n))^n / (1 + b(n−1))^(n−1) from ``np.interp`` of the
  breakeven pillars, and U(τ) = g_1 ⋯ g_k x g_(k+1)^(τ − k).
- Vectorized Monte Carlos of independent yearly inflations, clipped to [floor, cap] and
  multiplied over the years, checking the model itself (independence, one option per year)
  at whole years to 4 sample standard errors: lognormal gross inflations Y_n (mean F_n,
  log-sd σ√n: a flat lognormal caplet volatility; or log-sd σ every year: the yearly
  random-walk volatility), and normal rates y_n ~ N(F_n − 1, d_n²) with d_n from a
  caplet surface that varies with the expiry, computed by hand. The fractional last year
  (g_(k+1)^frac of the *expected* growth) is a model choice, so fractional times are
  checked against the closed form only.
- The default volatility: LPI given none prices as on ``DEFAULT_LPI_VOLATILITY`` (1.5% a
  year, lognormal), exactly, and as the closed form with log-sd 0.015 every year.
- Limits in closed form: σ = 0 (intrinsic: Π clip(F_n)), floor = cap (fixed growth),
  unbounded-in-practice bounds (the plain index ratio (1 + b(t))^t), lag (fixing at
  max(t − lag, 0)).
- IE01 of an LPI flow: a central difference of the closed form written here, and the
  analytic option delta dU/db = U Σ_n (N(d1(K1)) − N(d1(K2))) / g_n on a flat curve.
"""

import math
import re

import numpy as np
import pytest
import QuantLib as ql
from scipy.stats import norm

import ldi
from ldi import BreakevenCurve, Cashflows, DataError, ZeroCurve
from ldi.cashflows.indexation import PLAIN, Indexation
from ldi.curves.inflation_volatility import (
    DEFAULT_LPI_VOLATILITY,
    CapletVolatility,
    VolatilityModel,
    YearlyVolatility,
)
from ldi.risk.matrix import CashflowMatrix

H = 1e-4  # 1bp, the bump of every measure
EPS = np.finfo(float).eps

# A non-flat breakeven curve: forwards well above a 2.5% cap early, near 3% later.
TENORS = [1.0, 5.0, 15.0, 40.0]
RATES = [0.045, 0.036, 0.031, 0.034]


def black(sigma: float) -> CapletVolatility:
    """A flat lognormal caplet volatility σ: year n's gross inflation has log-sd σ√n."""
    return CapletVolatility.flat(sigma, "lognormal")


def rate(t: float) -> float:
    """b(t): linear between the pillars, flat outside."""
    return float(np.interp(t, TENORS, RATES))


def breakeven(t):
    """The (S, len(t)) = (1, len(t)) breakeven function ``Indexation.ratio`` expects."""
    return np.interp(np.asarray(t, dtype=float), TENORS, RATES)[None, :]


def forward(n: int, rate_fn=rate) -> float:
    """F_n = (1 + b(n))^n / (1 + b(n − 1))^(n − 1): the expected gross inflation of year n."""
    return (1 + rate_fn(n)) ** n / (1 + rate_fn(n - 1)) ** (n - 1)


def call(fwd: float, strike: float, deviation: float) -> float:
    """QuantLib's undiscounted Black call E[(Y − K)^+], Y lognormal with mean ``fwd``."""
    return ql.blackFormula(ql.Option.Call, strike, fwd, deviation)


def black_call(fwd, strike, deviation):
    """The lognormal model's call on gross inflation: Black(F, K, d) = C(F − 1, K − 1, d)."""
    rates = (np.asarray(x, dtype=float) - 1.0 for x in (fwd, strike))
    return VolatilityModel.LOGNORMAL.call(*rates, deviation)


def clipped_growth(fwd: float, floor, cap, deviation: float) -> float:
    """E[min(max(Y, 1 + floor), 1 + cap)], Y lognormal with mean ``fwd``; None = no bound."""
    value = fwd if floor is None else 1 + floor + call(fwd, 1 + floor, deviation)
    if cap is not None:
        value -= call(fwd, 1 + cap, deviation)
    return value


def growth(fwd: float, n: int, floor, cap, sigma: float) -> float:
    """E[min(max(Y_n, 1 + floor), 1 + cap)] for year n (log-sd σ√n); None = no bound."""
    return clipped_growth(fwd, floor, cap, sigma * math.sqrt(n))


def lpi_ratio(fixing: float, floor, cap, sigma: float, rate_fn=rate) -> float:
    """U(τ) = g_1 ⋯ g_k x g_(k+1)^(τ − k), k = ⌊τ⌋, written out year by year."""
    k = math.floor(fixing)
    gs = [growth(forward(n, rate_fn), n, floor, cap, sigma) for n in range(1, k + 2)]
    return math.prod(gs[:k]) * gs[k] ** (fixing - k)


def yearly_lpi_ratio(fixing: float, floor, cap, sigma: float) -> float:
    """U(τ) as ``lpi_ratio`` when every year's gross inflation has log-sd σ, whatever n."""
    k = math.floor(fixing)
    gs = [clipped_growth(forward(n), floor, cap, sigma) for n in range(1, k + 2)]
    return math.prod(gs[:k]) * gs[k] ** (fixing - k)


def ratio(indexation: Indexation, t) -> np.ndarray:
    """The uprating ldi computes at times ``t`` on the module's breakeven curve, 1-D."""
    return indexation.ratio(breakeven, np.asarray(t, dtype=float))[0]


# --- Black call against QuantLib ------------------------------------------------------------


@pytest.mark.parametrize("fwd", [0.9, 1.0, 1.03, 1.2])
@pytest.mark.parametrize("strike", [0.01, 1.0, 1.025, 1.05, 11.0])
@pytest.mark.parametrize("deviation", [0.0, 1e-8, 1e-3, 0.01, 0.05, 0.3])
def test_black_call_matches_quantlib(fwd, strike, deviation):
    got = float(black_call(np.array(fwd), strike, np.array(deviation)))
    # Same formula; QuantLib's N(x) = (1 + erf(x / √2)) / 2 keeps only absolute accuracy
    # (~eps) far in the tails, so out-of-the-money values agree to 1e-15 absolute rather
    # than relative. Elsewhere 1e-12 relative.
    assert got == pytest.approx(call(fwd, strike, deviation), rel=1e-12, abs=1e-15)


def test_black_call_at_zero_deviation_is_intrinsic_and_vectorizes():
    forwards = np.array([[0.95, 1.0, 1.04], [1.06, 1.05, 1.2]])
    got = black_call(forwards, 1.05, 0.0)
    np.testing.assert_array_equal(got, np.maximum(forwards - 1.05, 0.0))
    # A deviation per column broadcasts against the forwards, element by element.
    deviation = np.array([0.0, 0.01, 0.2])
    got = black_call(forwards, 1.0, deviation)
    expected = [[call(f, 1.0, s) for f, s in zip(row, deviation, strict=True)] for row in forwards]
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)


# --- LPI against Monte Carlo ----------------------------------------------------------------

PATHS = 200_000
YEARS = 40
MC_TIMES = [1, 5, 20, 40]
BOUNDS = [(0.0, 0.05), (0.0, 0.025), (0.0, None), (None, 0.05)]


@pytest.fixture(scope="module")
def normals():
    """Standard normals, one per path and year, from a fixed seed."""
    return np.random.default_rng(20240611).standard_normal((PATHS, YEARS))


@pytest.mark.parametrize(("floor", "cap"), BOUNDS)
@pytest.mark.parametrize("sigma", [0.01, 0.02])
def test_lpi_ratio_matches_monte_carlo_at_whole_years(normals, floor, cap, sigma):
    n = np.arange(1, YEARS + 1)
    forwards = np.array([forward(k) for k in n])
    deviation = sigma * np.sqrt(n)
    # Y_n = F_n exp(σ√n Z − σ²n/2): lognormal with mean F_n, independent across years.
    paths = forwards * np.exp(deviation * normals - deviation**2 / 2)
    assert_matches_monte_carlo(paths, floor, cap, black(sigma))


@pytest.mark.parametrize(("floor", "cap"), BOUNDS)
@pytest.mark.parametrize("sigma", [0.01, 0.02])
def test_lpi_ratio_matches_the_closed_form_at_whole_and_fractional_times(floor, cap, sigma):
    times = [0.5, 1.0, 7.25, 19.9, 20.0, 39.5, 40.0, 47.3]
    got = ratio(Indexation(floor=floor, cap=cap, volatility=black(sigma)), times)
    expected = [lpi_ratio(t, floor, cap, sigma) for t in times]
    # Products of up to 48 factors g_n, each good to ~1e-15 (QuantLib's tails): 1e-12.
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_ratio_keeps_one_row_per_breakeven_scenario():
    lpi = Indexation(floor=0.0, cap=0.05, volatility=black(0.015))
    times = np.array([0.3, 2.0, 12.5])
    low, high = [r - 0.01 for r in RATES], [r + 0.02 for r in RATES]

    def two_scenarios(t):
        return np.stack([np.interp(t, TENORS, low), np.interp(t, TENORS, high)])

    got = lpi.ratio(two_scenarios, times)
    assert got.shape == (2, 3)
    for row, rates in zip(got, (low, high), strict=True):
        expected = [
            lpi_ratio(t, 0.0, 0.05, 0.015, lambda s, r=rates: float(np.interp(s, TENORS, r)))
            for t in times
        ]
        np.testing.assert_allclose(row, expected, rtol=1e-12)


# A normal caplet surface falling with the expiry (decimals: 0.014 is 140bp a year).
SURFACE_EXPIRIES = (1.0, 5.0, 10.0, 30.0)
SURFACE_VOLS = (0.014, 0.012, 0.010, 0.009)
NORMAL_SURFACE = CapletVolatility(SURFACE_EXPIRIES, SURFACE_VOLS, "normal")


def surface_deviation(n: int) -> float:
    """d_n of NORMAL_SURFACE by hand: σ² x T linear between the expiries, σ flat outside."""
    variances = [v * v * t for t, v in zip(SURFACE_EXPIRIES, SURFACE_VOLS, strict=True)]
    if n <= SURFACE_EXPIRIES[0]:
        return SURFACE_VOLS[0] * math.sqrt(n)
    if n >= SURFACE_EXPIRIES[-1]:
        return SURFACE_VOLS[-1] * math.sqrt(n)
    i = sum(t <= n for t in SURFACE_EXPIRIES) - 1
    t0, t1 = SURFACE_EXPIRIES[i], SURFACE_EXPIRIES[i + 1]
    share = (n - t0) / (t1 - t0)
    return math.sqrt(variances[i] * (1 - share) + variances[i + 1] * share)


def assert_matches_monte_carlo(growths: np.ndarray, floor, cap, volatility) -> None:
    """Clip the simulated yearly growths 1 + y_n, compound them, and compare with ldi.

    At whole years within 4 standard errors (fixed seed: a 6e-5 chance of a false alarm per
    check), and, from 20 years on, more than 10 away from the value at zero volatility: the
    check has teeth, volatility moves the value by far more than the noise.
    """
    low = -np.inf if floor is None else 1 + floor
    high = np.inf if cap is None else 1 + cap
    np.clip(growths, low, high, out=growths)
    np.cumprod(growths, axis=1, out=growths)
    sample = growths[:, np.array(MC_TIMES) - 1]
    mean = sample.mean(axis=0)
    standard_error = sample.std(axis=0, ddof=1) / math.sqrt(PATHS)
    got = ratio(Indexation(floor=floor, cap=cap, volatility=volatility), MC_TIMES)
    intrinsic = ratio(Indexation(floor=floor, cap=cap, volatility=black(0.0)), MC_TIMES)
    for t, g, m, se, i in zip(MC_TIMES, got, mean, standard_error, intrinsic, strict=True):
        assert abs(g - m) <= 4 * se, f"t={t}: ldi {g}, Monte Carlo {m} ± {se}"
        if t >= 20:
            assert abs(i - m) > 10 * se, f"t={t}: intrinsic {i} vs Monte Carlo {m} ± {se}"


@pytest.mark.parametrize(("floor", "cap"), BOUNDS)
def test_lpi_ratio_on_a_normal_caplet_surface_matches_monte_carlo(normals, floor, cap):
    n = np.arange(1, YEARS + 1)
    forwards = np.array([forward(k) for k in n]) - 1
    deviation = np.array([surface_deviation(k) for k in n])
    # The surface varies: the volatility d_n/√n falls from 140bp to 90bp over the years.
    np.testing.assert_allclose(
        deviation[[0, 29, 39]] / np.sqrt([1, 30, 40]), [0.014, 0.009, 0.009], rtol=1e-15
    )
    # y_n = f_n + d_n Z: normal with mean f_n, independent across years.
    rates = forwards + deviation * normals
    standard_error = rates.std(axis=0, ddof=1) / math.sqrt(PATHS)
    assert np.all(np.abs(rates.mean(axis=0) - forwards) <= 4 * standard_error)
    assert_matches_monte_carlo(1 + rates, floor, cap, NORMAL_SURFACE)


@pytest.mark.parametrize(("floor", "cap"), BOUNDS)
@pytest.mark.parametrize("sigma", [0.015, 0.03])
def test_lpi_ratio_on_a_yearly_volatility_matches_monte_carlo(normals, floor, cap, sigma):
    n = np.arange(1, YEARS + 1)
    forwards = np.array([forward(k) for k in n])
    # Y_n = F_n exp(σZ − σ²/2): a random walk of log I with σ a year, so the same log-sd
    # every year, and mean F_n: E[1 + y_n] = 1 + f_n, which the sample confirms.
    gross = forwards * np.exp(sigma * normals - sigma**2 / 2)
    standard_error = gross.std(axis=0, ddof=1) / math.sqrt(PATHS)
    assert np.all(np.abs(gross.mean(axis=0) - forwards) <= 4 * standard_error)
    assert_matches_monte_carlo(gross, floor, cap, YearlyVolatility(sigma))


# --- the default volatility -----------------------------------------------------------------


@pytest.mark.parametrize(("floor", "cap"), BOUNDS)
def test_lpi_without_a_volatility_prices_on_the_default(floor, cap):
    bare = Indexation(floor=floor, cap=cap)
    explicit = Indexation(floor=floor, cap=cap, volatility=DEFAULT_LPI_VOLATILITY)
    assert bare.rests_on_default
    assert not explicit.rests_on_default
    assert bare.pricing_volatility is DEFAULT_LPI_VOLATILITY
    times = [0.5, 1.0, 7.25, 20.0, 39.5, 47.3]
    # The same volatility object prices both: the same numbers, bit for bit.
    np.testing.assert_array_equal(ratio(bare, times), ratio(explicit, times))
    # The default is lognormal with log-sd 1.5% every year: the closed form, as above.
    expected = [yearly_lpi_ratio(t, floor, cap, 0.015) for t in times]
    np.testing.assert_allclose(ratio(bare, times), expected, rtol=1e-12)


def test_unbounded_indexation_rests_on_no_volatility():
    assert not PLAIN.rests_on_default
    assert not Indexation(lag=0.25).rests_on_default
    # Without a floor or cap the volatility plays no part and is dropped.
    full = Indexation(volatility=DEFAULT_LPI_VOLATILITY)
    assert full == PLAIN
    assert full.volatility is None
    assert not full.rests_on_default


# --- limits ---------------------------------------------------------------------------------

LIMIT_TIMES = [0.4, 1.0, 3.0, 6.5, 25.0, 40.0]


@pytest.mark.parametrize(("floor", "cap"), [*BOUNDS, (-0.01, 0.03)])
def test_zero_volatility_clips_each_forward(floor, cap):
    # Breakevens from -2% to 6%: some forwards fall below the floor, some rise above the cap.
    tenors, rates = [1.0, 4.0, 10.0, 30.0], [0.06, -0.02, 0.01, 0.045]

    def rate_at(t):
        return float(np.interp(t, tenors, rates))

    low = -np.inf if floor is None else 1 + floor
    high = np.inf if cap is None else 1 + cap
    expected = []
    for t in LIMIT_TIMES:
        k = math.floor(t)
        clipped = [float(np.clip(forward(n, rate_at), low, high)) for n in range(1, k + 2)]
        expected.append(math.prod(clipped[:k]) * clipped[k] ** (t - k))
    got = Indexation(floor=floor, cap=cap, volatility=black(0.0)).ratio(
        lambda t: np.interp(t, tenors, rates)[None, :], np.array(LIMIT_TIMES)
    )[0]
    # Same clipped factors multiplied in the same order: a few ulps.
    np.testing.assert_allclose(got, expected, rtol=1e-13)


def test_floor_equal_to_cap_is_fixed_growth():
    fixed = Indexation(floor=0.03, cap=0.03, volatility=black(0.02))
    # g_n = K + C(F, K) − C(F, K) = 1.03 whatever the forward: U(t) = 1.03^t.
    np.testing.assert_allclose(ratio(fixed, LIMIT_TIMES), 1.03 ** np.array(LIMIT_TIMES), rtol=1e-13)


def test_bounds_far_away_give_the_plain_index_ratio():
    wide = Indexation(floor=-0.99, cap=10.0, volatility=black(0.01))
    whole = np.array([1.0, 2.0, 5.0, 17.0, 40.0, 55.0])
    # The floor call is all intrinsic and the cap call worthless (d ≈ ±70 and below),
    # so g_n = F_n, and the product telescopes to (1 + b(N))^N: rounding of ~55 factors.
    plain = (1 + np.interp(whole, TENORS, RATES)) ** whole
    np.testing.assert_allclose(ratio(wide, whole), plain, rtol=1e-13)
    # Between whole years the last factor is F_(k+1)^frac, which is (1 + b)^frac on a
    # flat curve (on a sloped one the interpolated b(t) differs: the model's choice).
    times = np.array([0.25, 3.7, 12.5])
    flat = wide.ratio(lambda t: np.full((1, np.size(t)), 0.028), times)[0]
    np.testing.assert_allclose(flat, 1.028**times, rtol=1e-13)


def test_floor_only_raises_and_cap_only_lowers_the_plain_ratio():
    whole = np.array([1.0, 5.0, 20.0, 40.0])
    plain = (1 + np.interp(whole, TENORS, RATES)) ** whole
    floored = ratio(Indexation(floor=0.0, volatility=black(0.02)), whole)
    capped = ratio(Indexation(cap=0.05, volatility=black(0.02)), whole)
    # E[max(Y, K)] > E[Y] > E[min(Y, K)] for a lognormal Y.
    assert np.all(floored > plain)
    assert np.all(capped < plain)
    np.testing.assert_allclose(floored, [lpi_ratio(t, 0.0, None, 0.02) for t in whole], rtol=1e-12)
    np.testing.assert_allclose(capped, [lpi_ratio(t, None, 0.05, 0.02) for t in whole], rtol=1e-12)


@pytest.mark.parametrize("lag", [0.25, 8 / 12, 3.0])
def test_lag_fixes_the_index_at_t_minus_lag(lag):
    times = np.array([0.1, 0.25, 8 / 12, 2.0, 3.0, 10.75, 41.0])
    fixing = np.maximum(times - lag, 0.0)
    plain = (1 + np.interp(fixing, TENORS, RATES)) ** fixing
    np.testing.assert_allclose(ratio(Indexation(lag=lag), times), plain, rtol=1e-13)
    lpi = ratio(Indexation(lag=lag, floor=0.0, cap=0.05, volatility=black(0.01)), times)
    expected = [lpi_ratio(f, 0.0, 0.05, 0.01) for f in fixing]
    np.testing.assert_allclose(lpi, expected, rtol=1e-12)
    # A payment inside the lag window has already fixed: ratio exactly 1.
    inside = times <= lag
    assert inside.any()
    assert np.all(lpi[inside] == 1.0)
    assert np.all(ratio(Indexation(lag=lag), times)[inside] == 1.0)


def test_flows_inside_the_lag_window_carry_no_inflation_risk():
    curve, breakeven_curve = ZeroCurve.flat(0.04), BreakevenCurve.flat(0.03)
    lpi = Indexation(lag=0.25, floor=0.0, cap=0.05, volatility=black(0.01))
    cf = Cashflows([0.2], [0.0], inflation_linked=[100.0], indexation=lpi)
    assert ldi.pv(cf, curve, breakeven_curve) == pytest.approx(100 * 1.04**-0.2, rel=1e-14)
    assert ldi.ie01(cf, curve, breakeven_curve) == 0.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"lag": -0.5}, "indexation.lag: got -0.5; expected a finite number of years >= 0"),
        ({"lag": math.inf}, "indexation.lag: got inf; expected a finite number of years >= 0"),
        (
            {"floor": 0.05, "cap": 0.0},
            "indexation: floor 0.05 is above cap 0.0; expected floor <= cap",
        ),
        (
            {"cap": -1.0},
            "indexation.cap: got -1.0; expected a finite annual rate above -1 or none",
        ),
        (
            {"floor": -1.5},
            "indexation.floor: got -1.5; expected a finite annual rate above -1 or none",
        ),
        (
            {"floor": math.nan},
            "indexation.floor: got nan; expected a finite annual rate above -1 or none",
        ),
        (
            {"cap": 0.05, "volatility": 0.01},
            "indexation.volatility: got 0.01; expected an inflation volatility such as "
            "CapletVolatility((1, 10), (0.012, 0.01)) or YearlyVolatility(0.015), or None",
        ),
    ],
)
def test_invalid_indexation_is_a_data_error_naming_the_field(kwargs, message):
    with pytest.raises(DataError, match=f"^{re.escape(message)}$"):
        Indexation(**kwargs)


def test_error_messages_use_the_given_location():
    where = "liabilities.pensions.indexation"
    with pytest.raises(DataError, match=f"^{re.escape(where)}.cap: got -2.0;"):
        Indexation(cap=-2.0, where=where)
    # The location is not part of the rule: equal rules from different places are equal.
    assert Indexation(cap=0.05, where=where) == Indexation(cap=0.05)
    assert hash(Indexation(cap=0.05, where=where)) == hash(Indexation(cap=0.05))


# --- IE01 of LPI flows is the option delta --------------------------------------------------

NOMINAL_RATE, T, AMOUNT, SIGMA = 0.04, 20, 100.0, 0.01
LPI_0_5 = Indexation(floor=0.0, cap=0.05, volatility=black(SIGMA))


def flat_lpi_ratio(b: float) -> float:
    """U(T) of LPI(0, 5) on a flat breakeven b: every forward is 1 + b."""
    return lpi_ratio(T, 0.0, 0.05, SIGMA, lambda t: b)


def lpi_delta(b: float) -> float:
    """dU/db = U Σ_n (N(d1(K1)) − N(d1(K2))) / g_n: the Black deltas, flat breakeven b."""
    total = 0.0
    for n in range(1, T + 1):
        deviation = SIGMA * math.sqrt(n)
        d1 = [(math.log((1 + b) / k) + deviation**2 / 2) / deviation for k in (1.0, 1.05)]
        total += (norm.cdf(d1[0]) - norm.cdf(d1[1])) / growth(1 + b, n, 0.0, 0.05, SIGMA)
    return flat_lpi_ratio(b) * total


BREAKEVENS = [0.0, 0.01, 0.025, 0.035, 0.045, 0.05, 0.06, 0.08, 0.10]


@pytest.mark.parametrize("b", BREAKEVENS)
def test_lpi_ie01_is_the_central_difference_of_the_closed_form(b):
    curve, breakeven_curve = ZeroCurve.flat(NOMINAL_RATE), BreakevenCurve.flat(b)
    lpi = Cashflows([T], [0.0], inflation_linked=[AMOUNT], indexation=LPI_0_5)
    plain = Cashflows([T], [0.0], inflation_linked=[AMOUNT])
    discount = (1 + NOMINAL_RATE) ** -T
    got = ldi.ie01(lpi, curve, breakeven_curve)
    expected = AMOUNT * discount * (flat_lpi_ratio(b + H) - flat_lpi_ratio(b - H)) / 2
    # Both are 1bp differences of U = Π g_n, each factor good to ~eps (QuantLib's tails):
    # relative error ~2 eps / (h Δ) for a mean yearly delta Δ ≥ 2% here, so 1e-9.
    assert got == pytest.approx(expected, rel=1e-9)
    # And the analytic option delta x 1bp, up to the O(h²) of a central difference
    # (h² U''' / (6 U'), Black gammas ~ 1 / (F σ√n) near a strike): 1e-5 relative.
    assert got == pytest.approx(AMOUNT * discount * lpi_delta(b) * H, rel=1e-5)
    plain_ie01 = AMOUNT * discount * ((1 + b + H) ** T - (1 + b - H) ** T) / 2
    assert ldi.ie01(plain, curve, breakeven_curve) == pytest.approx(plain_ie01, rel=1e-10)
    assert 0 < got < plain_ie01


def test_lpi_ie01_falls_as_breakeven_rises_through_the_cap():
    curve = ZeroCurve.flat(NOMINAL_RATE)
    lpi = Cashflows([T], [0.0], inflation_linked=[AMOUNT], indexation=LPI_0_5)
    plain = Cashflows([T], [0.0], inflation_linked=[AMOUNT])
    rising = [0.035, 0.045, 0.05, 0.06, 0.08, 0.10]
    got = np.array([ldi.ie01(lpi, curve, BreakevenCurve.flat(b)) for b in rising])
    whole = np.array([ldi.ie01(plain, curve, BreakevenCurve.flat(b)) for b in rising])
    expected = [AMOUNT * (1 + NOMINAL_RATE) ** -T * lpi_delta(b) * H for b in rising]
    np.testing.assert_allclose(got, expected, rtol=1e-5)  # O(h²), as above
    assert np.all(np.diff(got) < 0)
    assert np.all(np.diff(got / whole) < 0)
    # At 10% breakeven the cap is deep in the money for most years: under 3% of the plain
    # index's sensitivity (the closed-form delta says 2.7%).
    assert got[-1] / whole[-1] < 0.03


@pytest.mark.parametrize("b", [0.0, 0.03, 0.07])
def test_lpi_pv01_with_breakevens_held_is_that_of_a_fixed_flow(b):
    curve, breakeven_curve = ZeroCurve.flat(NOMINAL_RATE), BreakevenCurve.flat(b)
    lpi = Cashflows([T], [0.0], inflation_linked=[AMOUNT], indexation=LPI_0_5)
    nominal_value = AMOUNT * flat_lpi_ratio(b)
    # Only the discount factor moves: a U ((1 + n − h)^−T − (1 + n + h)^−T) / 2.
    df_down, df_up = (1 + NOMINAL_RATE - H) ** -T, (1 + NOMINAL_RATE + H) ** -T
    expected = nominal_value * (df_down - df_up) / 2
    got = ldi.pv01(lpi, curve, breakeven_curve)
    assert got == pytest.approx(expected, rel=1e-10)  # rounding: eps / (h T)
    assert got == pytest.approx(ldi.pv01(Cashflows([T], [nominal_value]), curve), rel=1e-12)
    pv = ldi.pv(lpi, curve, breakeven_curve)
    assert pv == pytest.approx(nominal_value * (1 + NOMINAL_RATE) ** -T, rel=1e-12)


# --- Cashflows with an indexation -----------------------------------------------------------

LPI = Indexation(floor=0.0, cap=0.05, volatility=black(0.01))
LAGGED_LPI = Indexation(lag=0.25, floor=0.0, cap=0.025, volatility=black(0.02))


def test_adding_streams_indexed_differently_is_a_data_error():
    lpi = Cashflows([1.0, 2.0], [0.0, 0.0], inflation_linked=[1.0, 1.0], indexation=LPI)
    rpi = Cashflows([2.0], [0.0], inflation_linked=[1.0])
    message = (
        "Cashflows: cannot add streams indexed differently "
        "(LPI(0%, 5%) on lognormal caplet volatilities 1% (1y) and full indexation); "
        "expected the same indexation, or keep them as separate streams"
    )
    with pytest.raises(DataError, match=f"^{re.escape(message)}$"):
        lpi + rpi
    with pytest.raises(DataError, match="cannot add streams indexed differently"):
        rpi + lpi


def test_adding_streams_with_the_same_indexation_aggregates():
    a = Cashflows([2.0, 1.0], [5.0, 0.0], inflation_linked=[1.0, 2.0], indexation=LPI)
    b = Cashflows([2.0, 3.0], [0.0, 1.0], inflation_linked=[4.0, 8.0], indexation=LPI)
    total = a + b
    assert total.indexation == LPI
    np.testing.assert_array_equal(total.times, [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(total.amounts, [0.0, 5.0, 1.0])
    np.testing.assert_array_equal(total.inflation_linked, [2.0, 5.0, 8.0])
    # A nominal-only stream joins any indexation, on either side.
    nominal = Cashflows([4.0], [7.0])
    assert (a + nominal).indexation == LPI
    assert (nominal + a).indexation == LPI
    np.testing.assert_array_equal((nominal + a).inflation_linked, [2.0, 1.0, 0.0])
    assert a.aggregate().indexation == LPI


def test_scaled_keeps_the_indexation():
    cf = Cashflows([3.0, 10.0], [1.0, 0.0], inflation_linked=[2.0, 5.0], indexation=LAGGED_LPI)
    doubled = cf.scaled(2.0)
    assert doubled.indexation == LAGGED_LPI
    np.testing.assert_array_equal(doubled.inflation_linked, [4.0, 10.0])
    curve, breakeven_curve = ZeroCurve.flat(0.04), BreakevenCurve(TENORS, RATES)
    uprating = [lpi_ratio(t - 0.25, 0.0, 0.025, 0.02) for t in (3.0, 10.0)]
    expected = 2 * (1.04**-3 + 2 * uprating[0] * 1.04**-3 + 5 * uprating[1] * 1.04**-10)
    assert ldi.pv(doubled, curve, breakeven_curve) == pytest.approx(expected, rel=1e-12)


def test_exposures_of_streams_indexed_differently_equal_each_stream_alone():
    streams = {
        "rpi": Cashflows([1.5, 7.0, 30.0], [2.0, 0.0, 0.0], inflation_linked=[1.0, 3.0, 40.0]),
        "lpi": Cashflows([1.0, 7.0, 25.5], [0.0, 1.0, 0.0], [5.0, 5.0, 60.0], LPI),
        "lagged": Cashflows([0.1, 7.0, 44.0], [0.0, 0.0, 0.0], [9.0, 2.0, 30.0], LAGGED_LPI),
        "gilt": Cashflows([0.5, 1.0, 7.0], [2.0, 2.0, 102.0]),
    }
    curve = ZeroCurve([1.0, 10.0, 30.0], [0.041, 0.045, 0.043])
    breakeven_curve = BreakevenCurve(TENORS, RATES)
    keys = [2.0, 5.0, 10.0, 30.0]
    matrix = CashflowMatrix.from_cashflows(streams)
    assert set(matrix.linked) == {PLAIN, LPI, LAGGED_LPI}
    together = ldi.exposures(streams, curve, breakeven_curve, keys)
    for name, cf in streams.items():
        alone = ldi.exposures({name: cf}, curve, breakeven_curve, keys).loc[name]
        # Same flows, same scenarios; only the shared time grid differs: a few ulps.
        np.testing.assert_allclose(
            together.loc[name].to_numpy(), alone.to_numpy(), rtol=1e-12, atol=1e-14
        )
    # And the present values against the closed forms (curve: linear zero, annual).
    lpi = streams["lpi"]
    df = (1 + np.interp(lpi.times, [1.0, 10.0, 30.0], [0.041, 0.045, 0.043])) ** -lpi.times
    uprating = np.array([lpi_ratio(t, 0.0, 0.05, 0.01) for t in lpi.times])
    expected = np.sum((lpi.amounts + lpi.inflation_linked * uprating) * df)
    assert together.loc["lpi", "pv"] == pytest.approx(expected, rel=1e-12)
    assert together.loc["gilt", "ie01"] == 0.0
