"""Mean-reverting dynamics and Student-t innovations of ``ScenarioModel`` against references.

References, written out here from the documented model (ldi/scenarios/simulation.py):

- the random walk with normal innovations is unchanged: its draws for a fixed seed are the
  values printed by the code before these options existed, to 1e-12 relative (the same
  draws; only the last bits of the covariance root's linear algebra may differ between
  numpy builds);
- mean reversion: each state X (curve factor score, breakeven, credit; bp from today,
  X_0 = 0) follows X_y = X_{y-1} + (1 - e^{-κ}) (θ - X_{y-1}) + ε_y, with ε_y the random
  walk's own annual move for the same seed, recomputed here in numpy. With φ = e^{-κ}:
  E[X_y] = θ (1 - φ^y), cov(X_iy, X_jy) = Σ_ij (1 - (φ_i φ_j)^y) / (1 - φ_i φ_j) (so
  var X_y → σ² / (1 - φ²)) and corr(X_{y-1}, X_y) = φ √(var X_{y-1} / var X_y);
- calibration: κ = -ln(φ̂) x rows a year (365.25 / the median gap in days) from OLS with an
  intercept of the level scores on their lag, θ = mean score - last score, checked exactly
  on noise-free geometric scores and within sampling error on simulated AR(1) scores;
- Student-t: every innovation of a scenario-year is the normal draw times √((ν - 2) / W),
  W ~ χ²_ν drawn after the year's normal draws (replayed here from the seed); each margin
  scaled by √(ν / (ν - 2)) / σ is t_ν, of excess kurtosis 6 / (ν - 4); the probability
  that two independent-normal-driven factors are both beyond 3σ is
  E_W[(2 Φ(-3 √(W / (ν - 2))))²] (a one-dimensional integral, by scipy quad), against
  (2 Φ(-3))² under the normal.

Tolerances:

- recursion and replays: 1e-12 relative to the largest value compared (floating point of
  a few additions and the least-squares recovery of factor scores); exactness (``==``)
  where the model must reproduce the same draws (κ = 0, year 1 with θ = 0, growth);
- moments: 4 standard errors with n = 40,000 draws: a mean σ/√n, a variance σ² √(2/(n-1)),
  a correlation (1 - ρ²)/√n. Under t_ν innovations (n = 10⁶ pooled scenario-years, the
  years of a random walk being independent) the variance's standard error is
  σ² √((2 + k)/n) and a correlation's (1 - ρ²) √((1 + k/3)/n), k = 6/(ν - 4) the excess
  kurtosis (elliptical distributions);
- excess kurtosis at ν = 8 (1.5): the sample kurtosis has no standard error there (the
  8th moment is infinite); across 200 seeds of 10⁶ t_8 draws, 99% of estimates lay in
  [1.41, 1.82] and all in [1.40, 2.31], so the bound is [1.3, 2.0] (a normal gives 0 ± 0.01);
- the marginal t_ν: Kolmogorov-Smirnov p-value above 0.001 on 10⁶ draws;
- joint 3σ exceedances: a count within 4 binomial standard errors √(n p) of n p;
- calibration: κ̂ within |bias| + 4 se with se(φ̂) = √((1 - φ²)/m) on m rows,
  se(κ̂) = rows a year x se(φ̂)/φ and the OLS bias -(1 + 3φ)/m of φ̂ (≈ √(2κ/T) and 4/T
  in κ over T years); θ̂ within 4 standard errors of the AR(1) sample mean,
  σ_e / ((1 - φ) √m) for per-row innovations σ_e. A random walk's κ̂ is below 21/T:
  m (φ̂ - 1) of a random walk fitted with an intercept has the Dickey-Fuller
  distribution, whose 1% quantile is about -20.7.
"""

import re

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats

from ldi.errors import DataError
from ldi.scenarios.simulation import (
    DEFAULT_LOADINGS,
    E_AUTOREGRESSION,
    E_CALIBRATION_TENORS,
    E_DEGREES,
    E_NUMBER,
    E_REVERSION_FACTORS,
    E_REVERSION_TYPE,
    E_SPEED,
    CurveFactors,
    Dynamics,
    Innovations,
    MeanReversion,
    ScenarioModel,
)
from tests.scenarios.test_simulation import arrays

BP = 1e-4
N = 40_000
SEED = 20_250_301
GROWTH_ASSETS = {"EQ": 0.20, "DGF": 0.08}
# Annual innovation volatilities (bp) of the default states: level (the risk model's rates),
# slope, curvature, breakeven, credit; correlations of level, breakeven and credit.
SIGMA = np.array([90.0, 35.0, 20.0, 50.0, 60.0])
CORRELATION = {(0, 3): 0.3, (0, 4): -0.2, (3, 4): 0.0}
REVERSION = MeanReversion(
    curve_speed=[0.5, 0.3, 1.0],
    curve_long_run_bp=[50.0, -20.0, 10.0],
    breakeven_speed=0.4,
    breakeven_long_run_bp=30.0,
    credit_speed=0.8,
    credit_long_run_bp=-25.0,
)
KAPPA = np.array([0.5, 0.3, 1.0, 0.4, 0.8])  # REVERSION, written out
THETA = np.array([50.0, -20.0, 10.0, 30.0, -25.0])


def states(moves, loadings):
    """(count, F + 2) states of a set in bp: factor scores (least squares), breakeven, credit."""
    loadings = np.asarray(loadings)
    found = np.linalg.lstsq(loadings.T, moves.nominal.T / BP, rcond=None)[0].T
    np.testing.assert_allclose(found @ loadings, moves.nominal / BP, rtol=0, atol=1e-9)
    return np.column_stack([found, moves.breakeven[:, 0] / BP, moves.credit_spread / BP])


def assert_same(a, b):
    a, b = arrays(a), arrays(b)
    assert a.keys() == b.keys()
    for name, values in a.items():
        np.testing.assert_array_equal(values, b[name], err_msg=name)


def assert_close(got, expected, rtol=1e-12):
    scale = np.max(np.abs(expected))
    np.testing.assert_allclose(got, expected, rtol=0, atol=rtol * scale)


# --- the random walk with normal innovations is unchanged -----------------------------------

# ScenarioModel(growth_volatility=GROWTH_ASSETS).annual_moves(3, seed=3, years=2), printed
# by the code before dynamics and innovations: nominal at 1, 10 and 50
# years, breakeven, credit, growth and the two assets' returns, per year.
PINNED = [
    {
        "nominal": [
            [0.0034956667736498193, 0.000373412502571453, 0.0013930455773685769],
            [0.007818355948534446, 0.002874765892165627, 0.00035414189465166664],
            [0.005359186562550852, 0.0062826238812898295, 0.008685093560783681],
        ],
        "breakeven": [0.011807539127197899, 0.0040984616925205065, -0.014246123877842303],
        "credit_spread": [-0.005625051538156676, 0.010733360835444525, 0.0009068496472241796],
        "growth": [0.37989049155774995, -0.21120840868355842, -0.15468106005308221],
        "EQ": [0.5108722709724327, -0.25502780555511306, -0.17190129270804888],
        "DGF": [0.22485533620302486, -0.07603530481191043, -0.08722440503920167],
    },
    {
        "nominal": [
            [0.00992240110330313, 0.003292014845350218, -0.009670473681103192],
            [0.009918077636072291, 0.0012197374802446924, 0.002866840348884105],
            [-0.007171771689359708, -0.00396246789791816, -0.005096542395642832],
        ],
        "breakeven": [-0.004435318348169132, -0.002660823860043437, -0.003988427460560744],
        "credit_spread": [-0.010933613601003532, 0.005288601777754699, 0.0012605645597495855],
        "growth": [0.13795097072514573, -0.11624815636720914, 0.07599783409608897],
        "EQ": [0.11642091421184972, -0.2246180614978387, 0.08777507354393359],
        "DGF": [0.06023857533691958, -0.003296787478052364, 0.060262032439380844],
    },
]


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"dynamics": "random_walk", "innovations": "normal"},
        # Unused options leave the stream alone: ν only matters to t innovations and the
        # reversion only to mean-reverting dynamics.
        {"degrees_of_freedom": 12.0, "mean_reversion": REVERSION},
    ],
)
def test_the_random_walk_with_normal_innovations_draws_what_it_drew_before(options):
    model = ScenarioModel(growth_volatility=GROWTH_ASSETS, **options)
    assert model.dynamics is Dynamics.RANDOM_WALK
    assert model.innovations is Innovations.NORMAL

    def same(got, pinned):
        np.testing.assert_allclose(got, pinned, rtol=1e-12, atol=1e-18)

    for move, pinned in zip(model.annual_moves(3, 3, years=2), PINNED, strict=True):
        same(move.nominal[:, [0, 3, 6]], pinned["nominal"])
        same(move.breakeven[:, 0], pinned["breakeven"])
        same(move.credit_spread, pinned["credit_spread"])
        same(move.growth, pinned["growth"])
        for name in GROWTH_ASSETS:
            same(move.returns[name], pinned[name])


# --- mean reversion --------------------------------------------------------------------------


def history_curve():
    """Curve factors (2 principal components) of a weekly random-walk history, 20 years."""
    rng = np.random.default_rng(11)
    shapes = np.array([np.ones(5), [-0.75, -0.5, -0.125, 0.375, 1.0]])
    steps = rng.standard_normal((1043, 2)) * [80.0, 30.0] / np.sqrt(365.25 / 7.0)
    rates = 0.03 + np.vstack([np.zeros(5), np.cumsum(steps @ shapes, axis=0)]) * BP
    frame = pd.DataFrame(rates, columns=["2", "5", "10", "20", "30"])
    frame.insert(0, "date", pd.date_range("2005-01-07", periods=1044, freq="7D"))
    return frame, CurveFactors.from_history(frame, components=2)


def recursion(innovations, kappa, theta):
    """Levels X_y from X_0 = 0 by the AR(1) step, one (count, states) array per year."""
    phi = np.exp(-np.asarray(kappa))
    level, levels = np.zeros_like(innovations[0]), []
    for epsilon in innovations:
        level = level + (1.0 - phi) * (theta - level) + epsilon
        levels.append(level)
    return levels


@pytest.mark.parametrize("innovations", ["normal", "student_t"])
@pytest.mark.parametrize("curve", ["default", "history"])
def test_levels_follow_the_ar1_recursion_of_the_random_walks_moves(innovations, curve):
    if curve == "default":
        factors, reversion, kappa, theta = None, REVERSION, KAPPA, THETA
        loadings = np.array(DEFAULT_LOADINGS)
    else:
        frame, factors = history_curve()
        reversion = MeanReversion.from_history(frame, factors)
        kappa, theta = reversion.for_factors(2)
        loadings = factors.loadings
    options = {"curve": factors, "growth_volatility": GROWTH_ASSETS, "innovations": innovations}
    walk = ScenarioModel(**options).annual_moves(500, SEED, years=6)
    model = ScenarioModel(**options, dynamics="mean_reverting", mean_reversion=reversion)
    annual, cumulative = model.annual_moves(500, SEED, years=6), model.simulate(500, SEED, 6)
    expected = recursion([states(m, loadings) for m in walk], kappa, theta)
    for y in range(6):
        assert_close(states(cumulative[y], loadings), expected[y])
        previous = expected[y - 1] if y else 0.0
        assert_close(states(annual[y], loadings), expected[y] - previous)
        # Growth returns are the random walk's, independent from year to year.
        np.testing.assert_array_equal(annual[y].growth, walk[y].growth)
        for name in GROWTH_ASSETS:
            np.testing.assert_array_equal(annual[y].returns[name], walk[y].returns[name])


def test_speed_zero_is_the_random_walk_exactly():
    still = MeanReversion(
        curve_speed=[0.0, 0.0, 0.0],
        curve_long_run_bp=[40.0, -10.0, 5.0],
        breakeven_speed=0.0,
        breakeven_long_run_bp=15.0,
        credit_speed=0.0,
        credit_long_run_bp=-30.0,
    )
    for innovations in Innovations:
        options = {"growth_volatility": GROWTH_ASSETS, "innovations": innovations}
        walk = ScenarioModel(**options).annual_moves(200, 5, years=4)
        model = ScenarioModel(**options, dynamics="mean_reverting", mean_reversion=still)
        assert_same(model.annual_moves(200, 5, years=4), walk)


def test_year_one_is_the_random_walks_when_the_long_run_levels_are_today():
    walk = ScenarioModel(growth_volatility=GROWTH_ASSETS).annual_moves(200, 8, years=2)
    model = ScenarioModel(growth_volatility=GROWTH_ASSETS, dynamics=Dynamics.MEAN_REVERTING)
    reverting = model.annual_moves(200, 8, years=2)
    assert_same(reverting[:1], walk[:1])  # MeanReversion(): θ = 0 everywhere
    assert model.simulate(200, 8)[0].nominal.tobytes() == walk[0].nominal.tobytes()
    assert not np.any(reverting[1].nominal == walk[1].nominal)  # the pull starts in year 2


@pytest.fixture(scope="module")
def reverting_levels():
    model = ScenarioModel(dynamics="mean_reverting", mean_reversion=REVERSION)
    return [states(s, DEFAULT_LOADINGS) for s in model.simulate(N, SEED, years=10)]


def stationary_covariance(years):
    """cov(X_y) = Σ_ij (1 - (φ_i φ_j)^y) / (1 - φ_i φ_j) of the default states."""
    correlation = np.eye(5)
    for (i, j), rho in CORRELATION.items():
        correlation[i, j] = correlation[j, i] = rho
    sigma = SIGMA[:, None] * correlation * SIGMA[None, :]
    product = np.outer(np.exp(-KAPPA), np.exp(-KAPPA))
    return sigma * (1.0 - product**years) / (1.0 - product)


@pytest.mark.parametrize("year", [1, 2, 5, 10])
def test_the_mean_path_is_theta_times_one_minus_phi_to_the_y(reverting_levels, year):
    x = reverting_levels[year - 1]
    mean = THETA * (1.0 - np.exp(-KAPPA * year))
    sd = np.sqrt(np.diag(stationary_covariance(year)))
    assert np.all(np.abs(x.mean(axis=0) - mean) <= 4 * sd / np.sqrt(N)), (x.mean(axis=0), mean)


@pytest.mark.parametrize("year", [1, 2, 5, 10])
def test_the_covariance_of_the_levels_is_the_ar1s(reverting_levels, year):
    x = reverting_levels[year - 1]
    covariance = stationary_covariance(year)
    variance = np.diag(covariance)
    got = np.var(x, axis=0, ddof=1)
    assert np.all(np.abs(got - variance) <= 4 * variance * np.sqrt(2.0 / (N - 1))), got
    for i, j in CORRELATION:
        rho = covariance[i, j] / np.sqrt(variance[i] * variance[j])
        found = np.corrcoef(x[:, i], x[:, j])[0, 1]
        assert abs(found - rho) <= 4 * (1.0 - rho**2) / np.sqrt(N), (i, j, found, rho)


def test_the_variance_tends_to_sigma_squared_over_one_minus_phi_squared(reverting_levels):
    # After 10 years (φ^20 <= e^-6 = 0.0025 here) the variance is the stationary one to well
    # within the 1.4% standard error.
    stationary = SIGMA**2 / (1.0 - np.exp(-2.0 * KAPPA))
    got = np.var(reverting_levels[9], axis=0, ddof=1)
    assert np.all(np.abs(got - stationary) <= 4 * stationary * np.sqrt(2.0 / (N - 1))), got


def test_successive_levels_are_correlated_by_phi(reverting_levels):
    last, this = reverting_levels[8], reverting_levels[9]
    variance = np.diag(stationary_covariance(9)), np.diag(stationary_covariance(10))
    rho = np.exp(-KAPPA) * np.sqrt(variance[0] / variance[1])
    for k in range(5):
        found = np.corrcoef(last[:, k], this[:, k])[0, 1]
        assert abs(found - rho[k]) <= 4 * (1.0 - rho[k] ** 2) / np.sqrt(N), (k, found, rho[k])


def test_default_speeds_follow_the_curve_factors_by_position():
    speed, level = MeanReversion().for_factors(3)
    np.testing.assert_array_equal(speed, [0.10, 0.25, 0.50, 0.20, 0.35])
    np.testing.assert_array_equal(level, np.zeros(5))
    np.testing.assert_array_equal(MeanReversion().for_factors(1)[0], [0.10, 0.20, 0.35])
    np.testing.assert_array_equal(
        MeanReversion().for_factors(5)[0], [0.10, 0.25, 0.50, 0.50, 0.50, 0.20, 0.35]
    )
    # A half-life of ln 2 / κ, as the module docstring tabulates.
    np.testing.assert_allclose(np.log(2.0) / speed, [6.93, 2.77, 1.39, 3.47, 1.98], atol=0.005)


def test_a_one_factor_curve_reverts_with_the_default_level_speed():
    curve = CurveFactors(np.array([1.0, 50.0]), np.array([[1.0, 1.0]]), np.array([80.0]))
    options = {"curve": curve, "dynamics": "mean_reverting"}
    model = ScenarioModel(**options, mean_reversion=MeanReversion(curve_long_run_bp=[20.0]))
    walk = ScenarioModel(curve=curve).annual_moves(100, 4, years=3)
    expected = recursion([states(m, [[1.0, 1.0]]) for m in walk], [0.1, 0.2, 0.35], [20, 0, 0])
    for got, want in zip(model.simulate(100, 4, years=3), expected, strict=True):
        assert_close(states(got, [[1.0, 1.0]]), want)


# --- calibration from a history --------------------------------------------------------------

TENORS = ["2", "5", "10", "20", "30"]
SHAPES = np.array([np.ones(5), [-0.75, -0.5, -0.125, 0.375, 1.0]])  # orthogonal


def curve_history(scores_bp, dates):
    """Zero rates 3% + Σ_f score_f x shape_f (bp), one row per date."""
    frame = pd.DataFrame(0.03 + scores_bp @ SHAPES * BP, columns=TENORS)
    frame.insert(0, "date", dates)
    return frame


def known_curve():
    return CurveFactors(np.array([2.0, 5.0, 10.0, 20.0, 30.0]), SHAPES, np.array([80.0, 30.0]))


def test_calibration_recovers_geometric_scores_exactly():
    # Noise-free s_t = μ + (s_0 - μ) φ^t: OLS fits φ exactly. Month ends are 28 to 31 days
    # apart; the median gap is 31 days, so a year holds 365.25 / 31 rows (not 12).
    t = np.arange(240)[:, None]
    mu, start, phi = np.array([40.0, -15.0]), np.array([-60.0, 5.0]), np.array([0.98, 1.01])
    scores = mu + (start - mu) * phi**t
    frame = curve_history(scores, pd.date_range("2000-01-31", periods=240, freq="ME"))
    found = MeanReversion.from_history(frame, known_curve())
    expected = -np.log(0.98) * 365.25 / 31.0
    assert found.curve_speed[0] == pytest.approx(expected, rel=1e-9)
    assert found.curve_speed[1] == 0.0  # φ > 1: no reversion
    theta = scores.mean(axis=0) - scores[-1]
    np.testing.assert_allclose(found.curve_long_run_bp, theta, rtol=1e-9)
    # Breakeven and credit have no history: the defaults.
    assert (found.breakeven_speed, found.credit_speed) == (0.20, 0.35)
    assert (found.breakeven_long_run_bp, found.credit_long_run_bp) == (0.0, 0.0)


def ar1_history(kappa, mu, sigma, years=500, seed=17):
    """Weekly scores s_t = μ + φ (s_{t-1} - μ) + e_t, φ = e^{-κ/n}, e of sd σ/√n (n rows/yr)."""
    rng = np.random.default_rng(seed)
    rows = int(years * 365.25 / 7.0)
    n = 365.25 / 7.0
    phi, noise = np.exp(-np.asarray(kappa) / n), np.asarray(sigma) / np.sqrt(n)
    scores = np.empty((rows, len(kappa)))
    scores[0] = mu
    for t in range(1, rows):
        scores[t] = mu + phi * (scores[t - 1] - mu) + noise * rng.standard_normal(len(kappa))
    return scores, pd.date_range("1705-01-04", periods=rows, freq="7D"), phi, noise


def test_calibration_recovers_the_speed_and_long_run_level_of_ar1_scores():
    kappa, mu, sigma = np.array([0.5, 2.0]), np.array([30.0, -40.0]), np.array([80.0, 30.0])
    scores, dates, phi, noise = ar1_history(kappa, mu, sigma)
    found = MeanReversion.from_history(curve_history(scores, dates), known_curve())
    m, n = len(scores) - 1, 365.25 / 7.0
    se = n * np.sqrt((1.0 - phi**2) / m) / phi
    bias = n * (1.0 + 3.0 * phi) / m / phi
    assert np.all(np.abs(found.curve_speed - kappa) <= bias + 4 * se), (found.curve_speed, se)
    # θ̂ is the definition applied to the scores, and near μ - last within sampling error.
    np.testing.assert_allclose(
        found.curve_long_run_bp, scores.mean(axis=0) - scores[-1], rtol=1e-9, atol=1e-9
    )
    se_mean = noise / ((1.0 - phi) * np.sqrt(m))
    theta = mu - scores[-1]
    assert np.all(np.abs(found.curve_long_run_bp - theta) <= 4 * se_mean), found.curve_long_run_bp


def test_a_random_walk_history_calibrates_to_no_reversion():
    rng = np.random.default_rng(23)
    years, n = 500, 365.25 / 7.0
    rows = int(years * n)
    steps = rng.standard_normal((rows - 1, 2)) * [80.0, 30.0] / np.sqrt(n)
    scores = np.vstack([np.zeros(2), np.cumsum(steps, axis=0)])
    dates = pd.date_range("1705-01-04", periods=rows, freq="7D")
    found = MeanReversion.from_history(curve_history(scores, dates), known_curve())
    assert np.all(found.curve_speed <= 21.0 / years), found.curve_speed


def test_calibration_from_csv_reads_the_same_history(tmp_path):
    frame, factors = history_curve()
    path = tmp_path / "curves.csv"
    frame.to_csv(path, index=False)
    got, expected = (
        MeanReversion.from_csv(str(path), factors),
        MeanReversion.from_history(frame, factors),
    )
    np.testing.assert_allclose(got.curve_speed, expected.curve_speed, rtol=1e-10)
    np.testing.assert_allclose(got.curve_long_run_bp, expected.curve_long_run_bp, rtol=1e-10)


def test_calibration_needs_the_curve_factors_tenors():
    frame, _ = history_curve()
    message = E_CALIBRATION_TENORS.format(
        got=[2.0, 5.0, 10.0, 20.0, 30.0], need=[1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 50.0]
    )
    assert message.startswith("history.columns: got tenors [2.0, 5.0, 10.0, 20.0, 30.0]; expected")
    with pytest.raises(DataError, match=f"^{re.escape(message)}$"):
        MeanReversion.from_history(frame, CurveFactors.default(90.0))


def test_a_score_that_flips_sign_every_row_is_a_data_error():
    t = np.arange(60)
    scores = np.column_stack([20.0 * 0.9**t, 5.0 * (-0.5) ** t])  # slope: φ = -0.5
    frame = curve_history(scores, pd.date_range("2001-01-05", periods=60, freq="7D"))
    with pytest.raises(DataError) as raised:
        MeanReversion.from_history(frame, known_curve())
    pattern = re.escape(E_AUTOREGRESSION.format(factor=1, value=0.0)).replace("0\\.0", "(.+)", 1)
    found = re.fullmatch(pattern, str(raised.value))
    assert found, str(raised.value)
    assert str(raised.value).startswith("history: the score of curve factor 1 (0 is the level)")
    assert float(found.group(1)) == pytest.approx(-0.5, abs=1e-9)


def test_a_score_that_never_moves_has_no_reversion():
    t = np.arange(60)
    scores = np.column_stack([20.0 * 0.9**t, np.full(60, 7.0)])
    frame = curve_history(scores, pd.date_range("2001-01-05", periods=60, freq="7D"))
    found = MeanReversion.from_history(frame, known_curve())
    assert found.curve_speed[1] == 0.0
    assert found.curve_long_run_bp[1] == pytest.approx(0.0, abs=1e-9)


# --- Student-t innovations -------------------------------------------------------------------

NU = 8.0
BIG, YEARS = 200_000, 5  # 10⁶ scenario-years


def pooled(sets):
    """Every scenario-year's states and growth figures, the years stacked."""
    x = np.vstack([states(s, DEFAULT_LOADINGS) for s in sets])
    growth = np.concatenate([s.growth for s in sets])
    returns = {k: np.concatenate([s.returns[k] for s in sets]) for k in GROWTH_ASSETS}
    return x, growth, returns


@pytest.fixture(scope="module")
def fat():
    model = ScenarioModel(
        growth_volatility=GROWTH_ASSETS, innovations="student_t", degrees_of_freedom=NU
    )
    return pooled(model.annual_moves(BIG, SEED, YEARS))


@pytest.fixture(scope="module")
def thin():
    return pooled(ScenarioModel(growth_volatility=GROWTH_ASSETS).annual_moves(BIG, SEED, YEARS))


def replayed_normals(replay, count):
    """A year's normal draws in their documented order: (count, 8) inputs of its moves."""
    joint = replay.standard_normal((count, 4))  # level, breakeven, credit, growth
    shapes = replay.standard_normal((count, 2))  # slope, curvature
    specific = replay.standard_normal((len(GROWTH_ASSETS), count))  # growth assets
    return np.column_stack([joint, shapes, specific.T])


def outputs(move):
    """A set's figures side by side: nominal, breakeven, credit, growth, asset returns."""
    returns = [move.returns[name] for name in GROWTH_ASSETS]
    columns = [move.breakeven[:, 0], move.credit_spread, move.growth, *returns]
    return np.column_stack([move.nominal, *columns])


def test_every_innovation_of_a_scenario_year_is_scaled_by_one_chi_square_draw():
    # A year's moves are linear in its normal draws: the map is fitted on the normal model's
    # first year (exact: 8 inputs, 300 scenarios) and checked on its later years. Student-t
    # years are that map of the replayed normals times √((ν - 2) / W), W drawn after them.
    options = {"growth_volatility": GROWTH_ASSETS}
    normal = ScenarioModel(**options).annual_moves(300, 9, years=3)
    fat = ScenarioModel(**options, innovations="student_t", degrees_of_freedom=6.5)
    replay = np.random.default_rng(9)
    inputs = [replayed_normals(replay, 300) for _ in range(3)]
    linear = np.linalg.lstsq(inputs[0], outputs(normal[0]), rcond=None)[0]
    for z, move in zip(inputs, normal, strict=True):
        assert_close(z @ linear, outputs(move))
    replay = np.random.default_rng(9)
    for move in fat.annual_moves(300, 9, years=3):
        z = replayed_normals(replay, 300)
        scale = np.sqrt((6.5 - 2.0) / replay.chisquare(6.5, 300))
        assert_close(outputs(move), z @ linear * scale[:, None])


def test_student_t_keeps_the_covariance(fat):
    x, growth, returns = fat
    n, k = x.shape[0], 6.0 / (NU - 4.0)
    for j, sigma in enumerate(SIGMA):
        got = np.var(x[:, j], ddof=1)
        assert abs(got - sigma**2) <= 4 * sigma**2 * np.sqrt((2 + k) / n), (j, got)
    for (i, j), rho in CORRELATION.items():
        found = np.corrcoef(x[:, i], x[:, j])[0, 1]
        assert abs(found - rho) <= 4 * (1 - rho**2) * np.sqrt((1 + k / 3) / n), (i, j, found)
    for name, sigma in {"growth": 0.16, **GROWTH_ASSETS}.items():
        r = growth if name == "growth" else returns[name]
        assert abs(np.var(r, ddof=1) - sigma**2) <= 4 * sigma**2 * np.sqrt((2 + k) / n), name
    rho = 0.9  # RiskModel.growth_correlation
    found = np.corrcoef(returns["EQ"], growth)[0, 1]
    assert abs(found - rho) <= 4 * (1 - rho**2) * np.sqrt((1 + k / 3) / n), found


def test_student_t_margins_have_the_excess_kurtosis_of_t_nu(fat, thin):
    x, growth, returns = fat
    margins = [*x.T, growth, *returns.values()]
    kurtosis = [stats.kurtosis(m) for m in margins]
    assert all(1.3 <= k <= 2.0 for k in kurtosis), (6.0 / (NU - 4.0), kurtosis)
    normal = [stats.kurtosis(m) for m in [*thin[0].T, thin[1]]]
    assert all(abs(k) <= 4 * np.sqrt(24.0 / thin[1].size) for k in normal), normal


def test_a_student_t_margin_is_t_nu(fat):
    level = fat[0][:, 0] / SIGMA[0] * np.sqrt(NU / (NU - 2.0))
    assert stats.kstest(level, stats.t(NU).cdf).pvalue > 1e-3


def joint_tail_probability(nu):
    """P(|X| > 3σ and |Y| > 3σ) for uncorrelated X, Y sharing one χ²_ν draw."""

    def integrand(w):
        return (2.0 * stats.norm.cdf(-3.0 * np.sqrt(w / (nu - 2.0)))) ** 2 * stats.chi2.pdf(w, nu)

    return integrate.quad(integrand, 0.0, np.inf)[0]


def test_student_t_extremes_come_together(fat, thin):
    # Slope and curvature are uncorrelated under both; with one W per scenario-year they
    # are both beyond 3σ some 85 times as often as under the normal.
    def both(x, i, j):
        return int(np.sum((np.abs(x[:, i]) > 3 * SIGMA[i]) & (np.abs(x[:, j]) > 3 * SIGMA[j])))

    n = fat[0].shape[0]
    expected_t, expected_normal = n * joint_tail_probability(NU), n * (2 * stats.norm.cdf(-3)) ** 2
    assert abs(both(fat[0], 1, 2) - expected_t) <= 4 * np.sqrt(expected_t), both(fat[0], 1, 2)
    assert abs(both(thin[0], 1, 2) - expected_normal) <= 4 * np.sqrt(expected_normal)
    assert expected_t > 50 * expected_normal
    # Correlated pairs too: level with breakeven (0.3) and credit (-0.2).
    for j in (3, 4):
        t, z = both(fat[0], 0, j), both(thin[0], 0, j)
        assert t > z + 4 * np.sqrt(z + t), (j, t, z)


def test_student_t_draws_are_reproduced_by_their_seed():
    options = {"growth_volatility": GROWTH_ASSETS, "innovations": "student_t"}
    model = ScenarioModel(**options, dynamics="mean_reverting")
    assert_same(model.annual_moves(50, 3, years=3), model.annual_moves(50, 3, years=3))
    a, b = arrays(model.annual_moves(50, 3)), arrays(model.annual_moves(50, 4))
    for name, values in a.items():
        if name != "0.knots":
            assert not np.any(values == b[name]), name


# --- bad options -----------------------------------------------------------------------------


@pytest.mark.parametrize("nu", [2, 2.0, 1.5, -3.0, np.inf, np.nan, "5", None, True])
def test_degrees_of_freedom_must_be_a_finite_number_above_two(nu):
    message = (
        f"ScenarioModel.degrees_of_freedom: got {nu!r}; "
        "expected a finite number above 2 (a Student-t has a variance only for ν > 2)"
    )
    assert E_DEGREES.format(value=nu) == message
    with pytest.raises(DataError, match=f"^{re.escape(message)}$"):
        ScenarioModel(innovations="student_t", degrees_of_freedom=nu)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"dynamics": "mean_revert"},
            "ScenarioModel.dynamics: got 'mean_revert'; "
            "expected one of ['random_walk', 'mean_reverting']",
        ),
        (
            {"innovations": "cauchy"},
            "ScenarioModel.innovations: got 'cauchy'; expected one of ['normal', 'student_t']",
        ),
        (
            {"mean_reversion": {"credit_speed": 0.3}},
            E_REVERSION_TYPE.format(value={"credit_speed": 0.3}),
        ),
        (
            {"mean_reversion": MeanReversion(curve_speed=[0.1, 0.2])},
            "MeanReversion.curve_speed: got 2 values for 3 curve factors; "
            "expected one per curve factor, in the curve's order",
        ),
        (
            {"mean_reversion": MeanReversion(curve_long_run_bp=[0.0] * 4)},
            E_REVERSION_FACTORS.format(name="curve_long_run_bp", got=4, factors=3),
        ),
    ],
)
def test_bad_model_options_are_data_errors_naming_the_field(options, message):
    with pytest.raises(DataError, match=f"^{re.escape(message)}$"):
        ScenarioModel(**options)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"curve_speed": [0.1, -0.2, 0.5]},
            "MeanReversion.curve_speed[1]: got -0.2; "
            "expected a speed >= 0 a year (0: no mean reversion)",
        ),
        (
            {"curve_speed": [0.1, np.nan, 0.5]},
            "MeanReversion.curve_speed[1]: got nan; expected a finite number",
        ),
        (
            {"curve_long_run_bp": [0.0, np.inf]},
            "MeanReversion.curve_long_run_bp[1]: got inf; expected a finite number",
        ),
        (
            {"curve_speed": [0.1, 0.2], "curve_long_run_bp": [0.0, 1.0, 2.0]},
            "MeanReversion: 2 curve_speed but 3 curve_long_run_bp; expected the same length",
        ),
        (
            {"breakeven_speed": -0.1},
            E_SPEED.format(where="MeanReversion.breakeven_speed", value=-0.1),
        ),
        (
            {"credit_speed": np.nan},
            E_NUMBER.format(where="MeanReversion.credit_speed", value=np.nan),
        ),
        (
            {"credit_long_run_bp": "10"},
            "MeanReversion.credit_long_run_bp: got '10'; expected a finite number",
        ),
        (
            {"breakeven_long_run_bp": True},
            "MeanReversion.breakeven_long_run_bp: got True; expected a finite number",
        ),
    ],
)
def test_bad_mean_reversion_fields_are_data_errors_naming_the_field(fields, message):
    with pytest.raises(DataError, match=f"^{re.escape(message)}$"):
        MeanReversion(**fields)


def test_options_accept_their_enum_members_and_strings():
    model = ScenarioModel(dynamics=Dynamics.MEAN_REVERTING, innovations="student_t")
    assert model.dynamics is Dynamics.MEAN_REVERTING
    assert model.innovations is Innovations.STUDENT_T
    assert model.degrees_of_freedom == 5.0  # the default ν
    assert isinstance(model.reversion, MeanReversion)


def test_the_model_says_what_it_is():
    assert (
        ScenarioModel().description
        == "level, slope and curvature, random walks, normal innovations"
    )
    model = ScenarioModel(dynamics="mean_reverting", innovations="student_t", degrees_of_freedom=7)
    expected = "level, slope and curvature, mean reversion, Student-t innovations (ν = 7)"
    assert model.description == expected
    _, curve = history_curve()
    assert ScenarioModel(curve=curve).description.startswith("2 curve factors, random walks")
