"""Caplet volatilities calibrated to zero-coupon LPI swaps, against independent references.

The references, all written here and not through ``Indexation`` or ``VolatilityModel``:
- ``lpi_rates``: the par rates K(T) = (Π_{n≤T} (1 + E[min(max(y_n, floor), cap)]))^(1/T) − 1,
  year by year, with E[clip] by partial expectations rather than as a collar of calls:
  normal y ~ N(f, d²) (``scipy.stats.norm``): floor Φ(α) + cap (1 − Φ(γ)) + f (Φ(γ) − Φ(α))
  − d (φ(γ) − φ(α)), α = (floor − f)/d, γ = (cap − f)/d; lognormal 1 + y = (1 + f) e^(dZ − d²/2):
  A Φ(−d2(A)) + C Φ(d2(C)) + (1 + f)(Φ(−d1(C)) − Φ(−d1(A))) − 1 with A, C = 1 + floor,
  1 + cap and Black's d1, d2 = (ln((1 + f)/K) ± d²/2)/d. The forward f_n is
  (1 + b(n))^n / (1 + b(n − 1))^(n − 1) − 1 from ``np.interp`` of the breakeven pillars, and
  d_n = √v(n) with the caplet surface's stated rule (``deviation``: v = σ_1² n up to the first
  expiry, σ_i²T_i linearly interpolated between expiries, σ_last² n beyond).
- Repricing: every quote to 1e-10 in rate (the calibration solves to machine precision;
  the two pricers agree to ~1e-16).
- Round trip: quotes priced by ``lpi_rates`` on a surface with expiries at the quote
  maturities give back its volatilities to 1e-8 (the sensitivity dK/dσ is at least 2e-3
  here, so 1e-16 in rate is ~1e-13 in σ).
- Monte Carlo: independent y_n simulated from the calibrated surface, clipped and compounded,
  averaged over 100,000 seeded paths, within 4 standard errors of (1 + K)^T.
- Error messages in full; the rates a no-root message names are ``lpi_rates`` at σ = 0 and
  0.2, or at the interior minimum located on a fine grid with a parabola through the three
  points around its lowest (to ~1e-10 in rate, shown to 6 significant figures).
"""

import doctest
import math
import re

import numpy as np
import pytest
from scipy.stats import norm

from ldi import BreakevenCurve, DataError
from ldi.cashflows import lpi_calibration
from ldi.cashflows.lpi_calibration import calibrate_lpi
from ldi.curves.inflation_volatility import CapletVolatility

# Forwards from 4.5% down to about 3%: nearer a 5% cap than a 0% floor, above a 2.5% cap.
TENORS = [1.0, 5.0, 10.0, 20.0, 30.0]
RATES = [0.045, 0.038, 0.034, 0.033, 0.035]
CURVE = BreakevenCurve(np.array(TENORS), np.array(RATES))
MATURITIES = [1, 2, 3, 5, 7, 10, 15, 20, 25, 30]
# A surface unlike the calibrated one: expiries off the quote maturities.
SOURCE = {
    "normal": ((1.0, 4.0, 12.0, 30.0), (0.015, 0.012, 0.010, 0.009)),
    "lognormal": ((1.0, 4.0, 12.0, 30.0), (0.017, 0.014, 0.011, 0.010)),
}
# Known volatilities at the quote maturities, for the round trip.
KNOWN = {
    "normal": (0.014, 0.0135, 0.013, 0.012, 0.0115, 0.011, 0.0102, 0.0096, 0.0093, 0.009),
    "lognormal": (0.016, 0.0152, 0.0147, 0.0138, 0.013, 0.0121, 0.0113, 0.0107, 0.0103, 0.01),
}
BOUNDS = [(0.0, 0.05), (0.0, 0.025), (None, 0.05), (0.0, None)]
MODELS = ["normal", "lognormal"]


def pillar(t: float, tenors=TENORS, rates=RATES) -> float:
    """b(t): linear between the pillars, flat outside."""
    return float(np.interp(t, tenors, rates))


def forward(n: int, tenors=TENORS, rates=RATES) -> float:
    """f_n = (1 + b(n))^n / (1 + b(n − 1))^(n − 1) − 1."""
    return (1 + pillar(n, tenors, rates)) ** n / (1 + pillar(n - 1, tenors, rates)) ** (n - 1) - 1


def deviation(n: float, expiries, vols) -> float:
    """d_n: total variance σ_1²n before the first expiry, linear in σ²T between, σ_last²n after."""
    if n <= expiries[0]:
        return vols[0] * math.sqrt(n)
    if n >= expiries[-1]:
        return vols[-1] * math.sqrt(n)
    k = next(i for i, t in enumerate(expiries) if t >= n)
    w = (n - expiries[k - 1]) / (expiries[k] - expiries[k - 1])
    return math.sqrt((1 - w) * vols[k - 1] ** 2 * expiries[k - 1] + w * vols[k] ** 2 * expiries[k])


def clipped_mean(model: str, f: float, d, floor, cap):
    """E[min(max(y, floor), cap)] by partial expectations, vectorized over ``d`` > 0."""
    d = np.asarray(d, dtype=float)
    if model == "normal":
        lo = -np.inf if floor is None else (floor - f) / d
        hi = np.inf if cap is None else (cap - f) / d
        value = f * (norm.cdf(hi) - norm.cdf(lo)) - d * (norm.pdf(hi) - norm.pdf(lo))
        if floor is not None:
            value = value + floor * norm.cdf(lo)
        if cap is not None:
            value = value + cap * norm.sf(hi)
        return value
    gross = 1 + f

    def d1(bound):
        return (np.log(gross / (1 + bound)) + d**2 / 2) / d

    below_cap = 1.0 if cap is None else norm.cdf(-d1(cap))
    below_floor = 0.0 if floor is None else norm.cdf(-d1(floor))
    value = gross * (below_cap - below_floor) - 1
    if floor is not None:
        value = value + (1 + floor) * norm.cdf(-(d1(floor) - d))
    if cap is not None:
        value = value + (1 + cap) * norm.cdf(d1(cap) - d)
    return value


def year_growth(model, n, expiries, vols, floor, cap, tenors=TENORS, rates=RATES) -> float:
    """1 + E[clip(y_n)] for year n on the surface (expiries, vols); σ = 0 clips the forward."""
    f = forward(n, tenors, rates)
    d = deviation(n, expiries, vols)
    if d == 0:
        low = -np.inf if floor is None else floor
        high = np.inf if cap is None else cap
        return 1 + min(max(f, low), high)
    return 1 + float(clipped_mean(model, f, d, floor, cap))


def lpi_rates(model, maturities, expiries, vols, floor, cap, tenors=TENORS, rates=RATES):
    """K(T) = U(T)^(1/T) − 1, U(T) the product of the years' expected growths."""
    years = range(1, max(maturities) + 1)
    growths = [year_growth(model, n, expiries, vols, floor, cap, tenors, rates) for n in years]
    return np.array([math.prod(growths[:t]) ** (1 / t) - 1 for t in maturities])


def source_quotes(model, floor, cap):
    """Quotes from ``SOURCE``: a surface with other expiries than the quote maturities."""
    return lpi_rates(model, MATURITIES, *SOURCE[model], floor, cap)


# --- repricing and round trip ------------------------------------------------------------------


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize(("floor", "cap"), BOUNDS)
def test_calibrated_surface_reprices_every_quote(model, floor, cap):
    quotes = source_quotes(model, floor, cap)
    surface = calibrate_lpi(MATURITIES, quotes, CURVE, floor, cap, model)
    assert surface.expiries == tuple(float(t) for t in MATURITIES)
    assert surface.model == model
    repriced = lpi_rates(model, MATURITIES, surface.expiries, surface.volatilities, floor, cap)
    np.testing.assert_allclose(repriced, quotes, rtol=0, atol=1e-10)
    # Not a trivial fit: the calibrated surface is not the one that made the quotes.
    moved = [deviation(n, surface.expiries, surface.volatilities) for n in (3, 8)]
    source = [deviation(n, *SOURCE[model]) for n in (3, 8)]
    assert not np.allclose(moved, source, rtol=1e-4)


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize(("floor", "cap"), BOUNDS)
def test_round_trip_recovers_the_volatilities_that_made_the_quotes(model, floor, cap):
    quotes = lpi_rates(model, MATURITIES, MATURITIES, KNOWN[model], floor, cap)
    surface = calibrate_lpi(MATURITIES, quotes, CURVE, floor, cap, model)
    np.testing.assert_allclose(surface.volatilities, KNOWN[model], rtol=0, atol=1e-8)


def test_quotes_are_bootstrapped_one_maturity_at_a_time():
    quotes = source_quotes("normal", 0.0, 0.05)
    whole = calibrate_lpi(MATURITIES, quotes, CURVE, 0.0, 0.05)
    short = calibrate_lpi(MATURITIES[:4], quotes[:4], CURVE, 0.0, 0.05)
    assert whole.volatilities[:4] == short.volatilities


# --- Monte Carlo ------------------------------------------------------------------------------

PATHS = 100_000


@pytest.fixture(scope="module")
def normals():
    """Standard normals, one per path and year, from a fixed seed."""
    return np.random.default_rng(20250219).standard_normal((PATHS, MATURITIES[-1]))


@pytest.mark.parametrize("model", MODELS)
def test_monte_carlo_of_the_calibrated_surface_gives_each_quoted_uplift(normals, model):
    floor, cap = 0.0, 0.05
    quotes = source_quotes(model, floor, cap)
    surface = calibrate_lpi(MATURITIES, quotes, CURVE, floor, cap, model)
    n = np.arange(1, MATURITIES[-1] + 1)
    f = np.array([forward(k) for k in n])
    d = np.array([deviation(k, surface.expiries, surface.volatilities) for k in n])
    lognormal = (1 + f) * np.exp(d * normals - d**2 / 2) - 1
    y = f + d * normals if model == "normal" else lognormal
    uplift = np.cumprod(1 + np.clip(y, floor, cap), axis=1)[:, np.array(MATURITIES) - 1]
    mean = uplift.mean(axis=0)
    standard_error = uplift.std(axis=0, ddof=1) / math.sqrt(PATHS)
    fixed = (1 + quotes) ** np.array(MATURITIES)
    intrinsic = np.cumprod(1 + np.clip(f, floor, cap))[np.array(MATURITIES) - 1]
    for t, m, se, u, i in zip(MATURITIES, mean, standard_error, fixed, intrinsic, strict=True):
        # Fixed seed: a 4-standard-error band (a 6e-5 chance of a false alarm per check).
        assert abs(m - u) <= 4 * se, f"{t}y: Monte Carlo {m} ± {se}, quote's {u}"
        if t >= 5:
            # The check has teeth: volatility moves the uplift by far more than the noise.
            assert abs(i - m) > 10 * se, f"{t}y: clipped forwards {i}, Monte Carlo {m} ± {se}"


# --- a rate not monotone in the volatility -------------------------------------------------

# Forwards 0.2% for four years, then rising to 2.7%: under LPI(0%, 3%) volatility raises
# the early years' growth (nearer the floor) and lowers the later years' (nearer the cap),
# so the 10y rate first falls, then rises with the 10y volatility.
BUMPY = ([1.0, 4.0, 10.0], [0.002, 0.002, 0.012])
BUMPY_CURVE = BreakevenCurve(np.array(BUMPY[0]), np.array(BUMPY[1]))


def bumpy_10y(sigma_1: float, sigma_10):
    """The 10y LPI(0%, 3%) rate of the normal model, vectorized over the 10y volatility."""
    sigma_10 = np.atleast_1d(np.asarray(sigma_10, dtype=float))
    product = np.ones_like(sigma_10)
    for n in range(1, 11):  # σ_10 = 0 leaves year 10 with d = 0: clipped, not divided by
        f = forward(n, *BUMPY)
        if n == 1:
            d = np.full_like(sigma_10, sigma_1)
        else:
            w = (n - 1) / 9
            d = np.sqrt((1 - w) * sigma_1**2 + w * sigma_10**2 * 10)
        with np.errstate(divide="ignore", invalid="ignore"):
            priced = clipped_mean("normal", f, d, 0.0, 0.03)
        clipped = np.where(d > 0, priced, np.clip(f, 0.0, 0.03))
        product = product * (1 + clipped)
    return product ** (1 / 10) - 1


def bumpy_minimum(sigma_1: float) -> tuple[float, float]:
    """(σ, rate) at the 10y rate's lowest: a grid of 1e-5, then a parabola through three."""
    grid = np.linspace(0.0, 0.2, 20_001)
    values = bumpy_10y(sigma_1, grid)
    j = int(np.argmin(values))
    a, b, c = values[j - 1 : j + 2]
    h = grid[1] - grid[0]
    shift = 0.5 * h * (a - c) / (a - 2 * b + c)
    return grid[j] + shift, b - 0.25 * (a - c) * shift / h


def bumpy_quotes(rate_10y: float) -> list[float]:
    """The 1y quote of a 1% normal volatility, and ``rate_10y``."""
    return [lpi_rates("normal", [1], (1.0,), (0.01,), 0.0, 0.03, *BUMPY)[0], rate_10y]


def test_non_monotone_rate_is_calibrated_at_the_lower_of_two_volatilities():
    sigma_1 = 0.01
    low_at, lowest = bumpy_minimum(sigma_1)
    highest = float(bumpy_10y(sigma_1, 0.2)[0])
    # Between the minimum and the rate at σ = 0 the quote has two roots, one either side.
    start = float(bumpy_10y(sigma_1, 0.0)[0])
    assert lowest < start < highest
    quote = 0.5 * (lowest + start)
    quotes = bumpy_quotes(quote)
    surface = calibrate_lpi([1, 10], quotes, BUMPY_CURVE, 0.0, 0.03)
    assert surface.volatilities[0] == pytest.approx(sigma_1, abs=1e-12)
    sigma = surface.volatilities[1]
    assert float(bumpy_10y(sigma_1, sigma)[0]) == pytest.approx(quote, abs=1e-10)
    assert sigma < low_at
    # No lower volatility reprices it: the rate stays above the quote from 0 to σ.
    below = np.linspace(0.0, sigma, 2001)[:-1]
    assert np.all(bumpy_10y(sigma_1, below) > quote)


def test_quote_reached_only_between_grid_points_is_calibrated():
    # The minimum lies between two of the volatilities scanned (0.5% apart), and the rates
    # there are above the quote: only locating the minimum finds the roots around it.
    sigma_1 = 0.01
    low_at, lowest = bumpy_minimum(sigma_1)
    scanned = lpi_calibration.SEARCH
    nearest = scanned[np.abs(scanned - low_at).argmin()]
    quote = lowest + 0.25 * (float(bumpy_10y(sigma_1, nearest)[0]) - lowest)
    assert np.all(bumpy_10y(sigma_1, scanned) > quote)
    quotes = bumpy_quotes(quote)
    surface = calibrate_lpi([1, 10], quotes, BUMPY_CURVE, 0.0, 0.03)
    sigma = surface.volatilities[1]
    assert sigma < low_at
    assert float(bumpy_10y(sigma_1, sigma)[0]) == pytest.approx(quote, abs=1e-10)


def test_no_root_names_an_interior_lowest_rate_and_its_volatility():
    sigma_1 = 0.01
    low_at, lowest = bumpy_minimum(sigma_1)
    highest = float(bumpy_10y(sigma_1, 0.2)[0])
    quotes = bumpy_quotes(0.0124)
    message = (
        "lpi_swaps.rates[1]: got 0.0124 at 10y; expected an LPI(0%, 3%) rate the model reaches "
        "given the shorter maturities' volatilities, "
        f"between {lowest:.6g} (volatility {low_at:.3g}) and {highest:.6g} (volatility 0.2)"
    )
    with pytest.raises(DataError, match=f"^{re.escape(message)}$"):
        calibrate_lpi([1, 10], quotes, BUMPY_CURVE, 0.0, 0.03)


# --- errors ------------------------------------------------------------------------------------


def no_root_message(i, quote, floor, cap, model, given, vols):
    """The no-root message for quote i, its rates at σ = 0.2 and 0 priced by ``lpi_rates``."""
    t = MATURITIES[i]
    expiries = MATURITIES[: i + 1]
    at = [lpi_rates(model, [t], expiries, (*vols, s), floor, cap)[0] for s in (0.2, 0.0)]
    low, high = min(at), max(at)
    labels = ["volatility 0.2", "no volatility"]
    low_at, high_at = labels[at.index(low)], labels[at.index(high)]
    bounds = ", ".join("-" if b is None else f"{100 * b:g}%" for b in (floor, cap))
    return (
        f"lpi_swaps.rates[{i}]: got {quote!r} at {t}y; expected an LPI({bounds}) rate the "
        f"model reaches{given}, between {low:.6g} ({low_at}) and {high:.6g} ({high_at})"
    )


@pytest.mark.parametrize(
    ("floor", "cap", "model", "quote"),
    [
        (0.0, 0.05, "normal", 0.06),  # above every LPI(0, 5) rate
        (0.0, 0.05, "normal", 0.01),  # below what even 20% volatility gives
        (0.0, 0.025, "lognormal", 0.03),
        (0.0, None, "normal", 0.02),  # below the forward: a floor only adds value
    ],
)
def test_unreachable_first_quote_names_the_rates_the_model_reaches(floor, cap, model, quote):
    message = no_root_message(0, quote, floor, cap, model, "", ())
    with pytest.raises(DataError, match=f"^{re.escape(message)}$"):
        calibrate_lpi(MATURITIES[:1], [quote], CURVE, floor, cap, model)


def test_unreachable_later_quote_names_the_rates_given_the_shorter_volatilities():
    quotes = list(
        lpi_rates("normal", MATURITIES[:5], MATURITIES[:5], KNOWN["normal"][:5], 0.0, 0.05)
    )
    quotes += [0.041]
    given = " given the shorter maturities' volatilities"
    message = no_root_message(5, 0.041, 0.0, 0.05, "normal", given, KNOWN["normal"][:5])
    assert message.startswith("lpi_swaps.rates[5]: got 0.041 at 10y; expected an LPI(0%, 5%)")
    assert message.endswith("(no volatility)")  # volatility lowers an LPI(0, 5) rate here
    with pytest.raises(DataError, match=f"^{re.escape(message)}$"):
        calibrate_lpi(MATURITIES[:6], quotes, CURVE, 0.0, 0.05)


@pytest.mark.parametrize(
    ("maturities", "rates", "floor", "cap", "model", "message"),
    [
        ([], [], 0.0, 0.05, "normal", "lpi_swaps.maturities: got no values; expected at least one"),
        (
            [0, 5],
            [0.03, 0.03],
            0.0,
            0.05,
            "normal",
            "lpi_swaps.maturities[0]: got 0.0; expected a positive number of years",
        ),
        (
            [5, 3],
            [0.03, 0.03],
            0.0,
            0.05,
            "normal",
            "lpi_swaps.maturities[1]: got 3.0 after 5.0; expected strictly increasing",
        ),
        (
            [1, 2.5],
            [0.03, 0.03],
            0.0,
            0.05,
            "normal",
            "lpi_swaps.maturities[1]: got 2.5; expected a whole number of years "
            "(LPI fixes once a year)",
        ),
        (
            [1, 2030],
            [0.03, 0.03],
            0.0,
            0.05,
            "normal",
            "lpi_swaps.maturities[1]: got 2030.0; expected at most 150 years; a calendar year "
            "typed as a number of years? (write years from the valuation date)",
        ),
        (
            [1, math.nan],
            [0.03, 0.03],
            0.0,
            0.05,
            "normal",
            "lpi_swaps.maturities[1]: got nan; expected a finite number",
        ),
        (
            [1, 5, 10],
            [0.03, 0.03],
            0.0,
            0.05,
            "normal",
            "lpi_swaps: 3 maturities but 2 rates; expected the same length",
        ),
        (
            [1, 5],
            [0.03, math.inf],
            0.0,
            0.05,
            "normal",
            "lpi_swaps.rates[1]: got inf; expected a finite number",
        ),
        (
            [1],
            [0.03],
            None,
            None,
            "normal",
            "lpi_swaps: no floor and no cap; expected an LPI floor, cap or both (full indexation "
            "does not depend on the volatility)",
        ),
        (
            [1],
            [0.03],
            0.05,
            0.0,
            "normal",
            "lpi_swaps: floor 0.05 is not below cap 0.0; expected floor < cap (at floor = cap "
            "the LPI rate does not depend on the volatility)",
        ),
        (
            [1],
            [0.03],
            0.03,
            0.03,
            "normal",
            "lpi_swaps: floor 0.03 is not below cap 0.03; expected floor < cap (at floor = cap "
            "the LPI rate does not depend on the volatility)",
        ),
        (
            [1],
            [0.03],
            math.nan,
            0.05,
            "normal",
            "lpi_swaps.floor: got nan; expected a finite annual rate above -1 or none",
        ),
        (
            [1],
            [0.03],
            0.0,
            -1.0,
            "normal",
            "lpi_swaps.cap: got -1.0; expected a finite annual rate above -1 or none",
        ),
        (
            [1],
            [0.03],
            0.0,
            0.05,
            "black",
            "lpi_swaps.model: got 'black'; expected one of ['normal', 'lognormal']",
        ),
    ],
)
def test_invalid_quotes_are_data_errors_naming_the_field(
    maturities, rates, floor, cap, model, message
):
    with pytest.raises(DataError, match=f"^{re.escape(message)}$"):
        calibrate_lpi(maturities, rates, CURVE, floor, cap, model)


def test_error_messages_use_the_given_location():
    where = "market.inflation_volatility.lpi_swaps"
    with pytest.raises(DataError, match=f"^{re.escape(where)}.rates\\[0\\]: got 0.06 at 1y; "):
        calibrate_lpi([1], [0.06], CURVE, 0.0, 0.05, where=where)
    with pytest.raises(DataError, match=f"^{re.escape(where)}.maturities\\[0\\]: got 1.5; "):
        calibrate_lpi([1.5], [0.03], CURVE, 0.0, 0.05, where=where)


def test_docstring_examples_hold():
    result = doctest.testmod(lpi_calibration, raise_on_error=False, verbose=False)
    assert result.attempted > 0
    assert result.failed == 0


def test_result_is_a_caplet_volatility():
    surface = calibrate_lpi([1], [0.04], CURVE, 0.0, 0.05)
    assert isinstance(surface, CapletVolatility)
    assert surface.expiries == (1.0,)
