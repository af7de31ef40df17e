"""Seeded scenario simulation (``ScenarioModel``, ``CurveFactors``) against its calibration.

References, written out here from the documented inputs:

- the risk model (ldi/risk/factors.py): volatilities 90bp rates, 50bp breakevens, 60bp
  credit and 16% growth a year, and the DEFAULT_CORRELATION pairs (hand-copied below);
- the default curve factors: level, slope and curvature shapes DEFAULT_LOADINGS at
  DEFAULT_TENORS with volatilities [rates, 35, 20]bp; factor scores are recovered from the
  nominal moves by least squares on the loadings (3 independent shapes at 7 tenors: exact),
  and the move at tenor k has variance Σ_f vol_f² L_fk²;
- a growth asset of total volatility σ returns β g + s ε with β = ρ σ / σ_g and
  s = σ √(1 − ρ²): total volatility σ, correlation ρ with the growth factor, ρ² with another
  growth asset and ρ x corr(growth, credit) with credit;
- multi-year sets: random walks (variance y x the annual one at year y, uncorrelated
  increments) and compounded growth, (1 + G_y) = (1 + G_{y-1})(1 + g_y), so the ratio
  increment g_y is independent of the past;
- ``CurveFactors.from_history``: histories built here from known shapes and volatilities,
  annualised as documented (rows per year = 365.25 / the median gap in days).

Tolerances: sampling error at 4 standard errors. With n = 40,000 draws a sample variance
has standard error σ² √(2/(n − 1)), a correlation about (1 − ρ²)/√n and a mean σ/√n. Seeds
are fixed, so the tests are deterministic; the bounds say how far a correct model may land.
Loadings from 599 monthly changes of a rank-2 history are within 0.05 (the eigenvectors
rotate by about the sample score correlation x the volatility ratio, ~0.01); histories
built with exactly orthogonal scores are recovered to 1e-9 relative.
"""

import re

import numpy as np
import pandas as pd
import pytest

from ldi.errors import DataError
from ldi.risk.factors import RiskModel
from ldi.scenarios.simulation import (
    DEFAULT_LOADINGS,
    DEFAULT_TENORS,
    E_COMPONENTS,
    E_COUNT,
    E_YEARS,
    CurveFactors,
    ScenarioModel,
    growth_volatilities,
)

BP = 1e-4
N = 40_000
SEED = 20_240_601
VOL = {"rates": 90.0, "inflation": 50.0, "credit": 60.0, "growth": 0.16}
CORRELATION = {
    ("rates", "inflation"): 0.3,
    ("rates", "credit"): -0.2,
    ("rates", "growth"): 0.2,
    ("inflation", "credit"): 0.0,
    ("inflation", "growth"): 0.1,
    ("credit", "growth"): -0.6,
}
SHAPE_VOL = (35.0, 20.0)  # slope, curvature
GROWTH_ASSETS = {"EQ": 0.20, "DGF": 0.08}


def assert_variance(x, sigma):
    se = sigma**2 * np.sqrt(2.0 / (x.size - 1))
    assert abs(np.var(x, ddof=1) - sigma**2) <= 4 * se, (np.std(x, ddof=1), sigma)


def assert_correlation(x, y, rho):
    se = (1.0 - rho**2) / np.sqrt(x.size)
    got = np.corrcoef(x, y)[0, 1]
    assert abs(got - rho) <= 4 * se, (got, rho)


def assert_mean_zero(x, sigma):
    assert abs(np.mean(x)) <= 4 * sigma / np.sqrt(x.size), (np.mean(x), sigma)


def scores(moves, loadings):
    """Factor scores (bp) of nominal moves: least squares on the loadings, checked exact."""
    loadings = np.asarray(loadings)
    found = np.linalg.lstsq(loadings.T, moves.nominal.T / BP, rcond=None)[0].T
    np.testing.assert_allclose(found @ loadings, moves.nominal / BP, rtol=0, atol=1e-9)
    return found


def factors(moves):
    """The four risk-model factors of a set: level (bp), breakeven (bp), credit (bp), growth."""
    return {
        "rates": scores(moves, DEFAULT_LOADINGS)[:, 0],
        "inflation": moves.breakeven[:, 0] / BP,
        "credit": moves.credit_spread / BP,
        "growth": moves.growth,
    }


@pytest.fixture(scope="module")
def paths():
    return ScenarioModel(growth_volatility=GROWTH_ASSETS).simulate(N, SEED, years=3)


@pytest.fixture(scope="module")
def year1(paths):
    return paths[0]


# --- reproducibility -------------------------------------------------------------------------


def arrays(sets):
    """Every array of every set, by name."""
    out = {}
    for y, s in enumerate(sets):
        out |= {
            f"{y}.nominal": s.nominal,
            f"{y}.breakeven": s.breakeven,
            f"{y}.credit_spread": s.credit_spread,
            f"{y}.growth": s.growth,
            f"{y}.knots": s.knots,
        }
        out |= {f"{y}.returns.{k}": v for k, v in s.returns.items()}
        if s.bond_swap is not None:
            out[f"{y}.bond_swap"] = s.bond_swap
    return out


def test_the_same_seed_reproduces_every_array():
    model = ScenarioModel(growth_volatility=GROWTH_ASSETS)
    first, again = arrays(model.simulate(50, 3, years=2)), arrays(model.simulate(50, 3, years=2))
    assert first.keys() == again.keys()
    assert len(first) == 2 * 8  # six arrays and two growth assets a year
    for name, values in first.items():
        np.testing.assert_array_equal(values, again[name], err_msg=name)


def test_different_seeds_give_different_moves():
    model = ScenarioModel(growth_volatility=GROWTH_ASSETS)
    a, b = arrays(model.simulate(50, 3)), arrays(model.simulate(50, 4))
    for name, values in a.items():
        if name != "0.knots":
            assert not np.any(values == b[name]), name


def test_the_first_of_three_years_is_the_one_year_set():
    # Not stated in the docstring in so many words ("the first set is the one-year horizon"):
    # it holds because each year's draws come from the generator in turn.
    model = ScenarioModel(growth_volatility=GROWTH_ASSETS)
    three, one = model.simulate(50, 9, years=3), model.simulate(50, 9)
    assert len(three) == 3
    assert len(one) == 1
    first, single = arrays(three[:1]), arrays(one)
    assert first.keys() == single.keys()
    for name, values in first.items():
        np.testing.assert_array_equal(values, single[name], err_msg=name)


# --- one-year moments against the calibration -----------------------------------------------


def test_moves_are_zero_mean_shocks(year1):
    for name, x in factors(year1).items():
        assert_mean_zero(x, VOL[name])
    for name, sigma in GROWTH_ASSETS.items():
        assert_mean_zero(year1.returns[name], sigma)


def test_level_breakeven_credit_and_growth_have_the_risk_model_covariance(year1):
    f = factors(year1)
    for name, sigma in VOL.items():
        assert_variance(f[name], sigma)
    for (a, b), rho in CORRELATION.items():
        assert_correlation(f[a], f[b], rho)


def test_bonds_against_swaps_have_their_volatility_and_correlations(year1):
    """Bonds against swaps: parallel, 20bp a year, uncorrelated by default.

    With correlations to the level and to credit, those correlations. 4 standard errors at
    40,000 draws.
    """
    move = year1.bond_swap / BP
    np.testing.assert_array_equal(move, np.repeat(move[:, :1], move.shape[1], axis=1))
    assert_mean_zero(move[:, 0], 20.0)
    assert_variance(move[:, 0], 20.0)
    for x in factors(year1).values():
        assert_correlation(move[:, 0], x, 0.0)
    risk = RiskModel(correlation={"rates_bond_swap": 0.5, "credit_bond_swap": -0.3})
    (tilted,) = ScenarioModel(risk=risk).simulate(N, SEED)
    f = factors(tilted)
    assert_correlation(tilted.bond_swap[:, 0] / BP, f["rates"], 0.5)
    assert_correlation(tilted.bond_swap[:, 0] / BP, f["credit"], -0.3)
    assert_variance(tilted.bond_swap[:, 0] / BP, 20.0)


def test_adding_bonds_against_swaps_left_the_other_draws_of_a_seed_alone():
    """The factor is drawn from a stream of its own.

    Without it, every other array of a seed is the same (the level, breakevens, credit,
    growth and returns, over three years).
    """
    with_it = ScenarioModel(growth_volatility=GROWTH_ASSETS).simulate(50, 3, years=3)
    risk = RiskModel(volatility={"bond_swap": 0.0})
    without = ScenarioModel(risk=risk, growth_volatility=GROWTH_ASSETS).simulate(50, 3, years=3)
    assert all(s.bond_swap is None for s in without)
    first, second = arrays(with_it), arrays(without)
    for name, values in second.items():
        np.testing.assert_array_equal(values, first[name], err_msg=name)


def test_slope_and_curvature_have_their_volatilities_and_are_independent(year1):
    found = scores(year1, DEFAULT_LOADINGS)
    others = [*factors(year1).values(), found[:, 1]]
    for k, sigma in enumerate(SHAPE_VOL, start=1):
        assert_variance(found[:, k], sigma)
        for other in others[: 4 + k - 1]:  # the four factors, and slope for curvature
            assert_correlation(found[:, k], other, 0.0)


def test_nominal_move_at_each_default_tenor_has_the_factor_variance(year1):
    np.testing.assert_array_equal(year1.knots, [1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 50.0])
    vol = np.array([VOL["rates"], *SHAPE_VOL])
    loadings = np.array(DEFAULT_LOADINGS)
    for k in range(year1.knots.size):
        sigma = np.sqrt(np.sum(vol**2 * loadings[:, k] ** 2))
        assert_variance(year1.nominal[:, k] / BP, sigma)


def test_breakeven_moves_are_parallel(year1):
    np.testing.assert_array_equal(year1.breakeven, year1.breakeven[:, :1] * np.ones((1, 7)))


def test_growth_assets_have_their_volatility_and_beta(year1):
    rho = 0.9  # RiskModel.growth_correlation
    growth, credit = year1.growth, year1.credit_spread
    assert sorted(year1.returns) == ["DGF", "EQ"]
    for name, sigma in GROWTH_ASSETS.items():
        r = year1.returns[name]
        assert_variance(r, sigma)
        assert_correlation(r, growth, rho)
        assert_correlation(r, credit, rho * CORRELATION[("credit", "growth")])
    assert_correlation(year1.returns["EQ"], year1.returns["DGF"], rho**2)


def test_a_custom_risk_model_is_honoured():
    risk = RiskModel(
        volatility={"rates": 120.0, "credit": 30.0, "growth": 0.25},
        correlation={"rates_credit": 0.5, "credit_growth": -0.3},
        growth_correlation=0.6,
    )
    moves = ScenarioModel(risk, growth_volatility={"EQ": 0.3}).simulate(N, SEED + 1)[0]
    f = factors(moves)
    for name, sigma in {"rates": 120.0, "inflation": 50.0, "credit": 30.0, "growth": 0.25}.items():
        assert_variance(f[name], sigma)
    assert_correlation(f["rates"], f["credit"], 0.5)
    assert_correlation(f["credit"], f["growth"], -0.3)
    assert_correlation(f["rates"], f["inflation"], 0.3)  # a default pair, kept
    assert_variance(moves.returns["EQ"], 0.3)
    assert_correlation(moves.returns["EQ"], f["growth"], 0.6)


# --- multi-year ------------------------------------------------------------------------------


def test_rates_and_spreads_are_random_walks(paths):
    years = [factors(s) for s in paths]
    for name in ("rates", "inflation", "credit"):
        level = [f[name] for f in years]
        for y, x in enumerate(level, start=1):
            assert_variance(x, np.sqrt(y) * VOL[name])
        steps = [level[0], level[1] - level[0], level[2] - level[1]]
        for step in steps[1:]:
            assert_variance(step, VOL[name])
        assert_correlation(steps[0], steps[1], 0.0)
        assert_correlation(steps[1], steps[2], 0.0)
        assert_correlation(steps[0], steps[2], 0.0)
    # Each year's increments are correlated as the risk model says.
    increment = {n: years[2][n] - years[1][n] for n in ("rates", "inflation", "credit")}
    assert_correlation(increment["rates"], increment["inflation"], 0.3)
    assert_correlation(increment["rates"], increment["credit"], -0.2)


def test_growth_compounds_by_independent_annual_returns(paths):
    # (1 + G2) = (1 + G1)(1 + g2): the ratio increment g2 is a fresh annual return, with the
    # growth volatility, independent of G1 and correlated -0.6 with the credit increment.
    # Additive growth (G2 = G1 + g2) would give ratio increments g2 / (1 + G1), whose square
    # falls with G1: corr(ratio², G1) ≈ -√2 σ ≈ -0.23, some 45 standard errors away.
    g1, g2 = paths[0].growth, paths[1].growth
    step = (1.0 + g2) / (1.0 + g1) - 1.0
    assert_variance(step, VOL["growth"])
    assert_correlation(step, g1, 0.0)
    assert_correlation(step**2, g1, 0.0)
    assert_correlation(step, (paths[1].credit_spread - paths[0].credit_spread) / BP, -0.6)
    for name, sigma in GROWTH_ASSETS.items():
        a1, a2 = paths[0].returns[name], paths[1].returns[name]
        asset_step = (1.0 + a2) / (1.0 + a1) - 1.0
        assert_variance(asset_step, sigma)
        assert_correlation(asset_step, step, 0.9)
        assert_correlation(asset_step**2, a1, 0.0)


# --- curve factors ---------------------------------------------------------------------------

TENORS = np.array([2.0, 5.0, 10.0, 20.0, 30.0])
LEVEL = np.ones(5)
SLOPE = np.array([-0.75, -0.5, -0.125, 0.375, 1.0])  # sums to 0: orthogonal to the level
SHAPES = np.vstack([LEVEL, SLOPE])
SHAPE_VOLS = np.array([80.0, 30.0])  # bp a year at loading 1


def history(dates, increments_bp, columns=None):
    """Zero rates from 3% moved by cumulative increments (bp), one row per date."""
    rates = 0.03 + np.vstack([np.zeros(TENORS.size), np.cumsum(increments_bp, axis=0)]) * BP
    frame = pd.DataFrame(rates, columns=columns or [f"{t:g}" for t in TENORS])
    frame.insert(0, "date", dates)
    return frame


def monthly_history(seed=5, months=600):
    """Month ends, independent normal monthly scores of sd vol / √12 on the two shapes."""
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((months - 1, 2)) * SHAPE_VOLS / np.sqrt(12.0)
    dates = pd.date_range("1975-01-31", periods=months, freq="ME")
    return history(dates, z @ SHAPES)


def exact_history(weeks=400, seed=6):
    """Weekly dates and scores with sample covariance exactly diag(vol² x 7 / 365.25)."""
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((weeks - 1, 2))
    q = np.linalg.qr(z - z.mean(axis=0))[0]  # orthonormal, zero-mean columns
    z = q * np.sqrt(weeks - 2) * SHAPE_VOLS / np.sqrt(365.25 / 7.0)
    dates = pd.date_range("2000-01-07", periods=weeks, freq="7D")
    return history(dates, z @ SHAPES)


def test_from_history_recovers_the_shapes_and_the_level_volatility():
    found = CurveFactors.from_history(monthly_history(), components=2)
    np.testing.assert_array_equal(found.tenors, TENORS)
    assert found.loadings.shape == (2, 5)
    np.testing.assert_allclose(found.loadings, SHAPES, rtol=0, atol=0.05)
    assert np.max(np.abs(found.loadings), axis=1) == pytest.approx([1.0, 1.0], abs=1e-15)
    # Month ends are 28 to 31 days apart; the median gap is 31 days, so the documented
    # annualisation uses 365.25 / 31 = 11.78 rows a year, not 12.
    level = SHAPE_VOLS[0] * np.sqrt(365.25 / 31.0 / 12.0)
    se = level / np.sqrt(2.0 * (599 - 1))
    assert abs(found.volatility_bp[0] - level) <= 4 * se


def test_from_history_recovers_exactly_built_shapes():
    found = CurveFactors.from_history(exact_history(), components=2)
    np.testing.assert_allclose(found.loadings, SHAPES, rtol=0, atol=1e-9)
    assert found.volatility_bp[0] == pytest.approx(SHAPE_VOLS[0], rel=1e-9)


@pytest.mark.parametrize("build", ["monthly", "exact"])
def test_from_history_recovers_the_volatility_of_a_non_level_shape(build):
    if build == "monthly":
        found = CurveFactors.from_history(monthly_history(), components=2)
        expected = SHAPE_VOLS[1] * np.sqrt(365.25 / 31.0 / 12.0)
        tolerance = 4 * expected / np.sqrt(2.0 * (599 - 1))
    else:
        found = CurveFactors.from_history(exact_history(), components=2)
        expected, tolerance = SHAPE_VOLS[1], 1e-9 * SHAPE_VOLS[1]
    assert abs(found.volatility_bp[1] - expected) <= tolerance, found.volatility_bp


def test_curve_factors_from_history_reproduce_its_covariance():
    # CurveFactors' docstring: zero rates move by Σ_f score_f x loading_f with score_f of
    # sd volatility_bp[f], so Σ_f vol_f² L_f L_fᵀ is the (annualised) history covariance
    # when the components span it (rank 2 here).
    frame = exact_history()
    found = CurveFactors.from_history(frame, components=2)
    changes = np.diff(frame[[f"{t:g}" for t in TENORS]].to_numpy(), axis=0) / BP
    covariance = np.cov(changes, rowvar=False) * 365.25 / 7.0
    model = (found.loadings.T * found.volatility_bp**2) @ found.loadings
    np.testing.assert_allclose(model, covariance, rtol=1e-9, atol=1e-9 * covariance.max())


def test_from_csv_reads_the_same_history(tmp_path):
    frame = monthly_history()
    path = tmp_path / "curves.csv"
    frame.to_csv(path, index=False)
    got, expected = CurveFactors.from_csv(str(path), 2), CurveFactors.from_history(frame, 2)
    np.testing.assert_array_equal(got.tenors, expected.tenors)
    np.testing.assert_allclose(got.loadings, expected.loadings, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(got.volatility_bp, expected.volatility_bp, rtol=1e-12)


def test_from_csv_of_a_missing_file_is_a_data_error(tmp_path):
    path = str(tmp_path / "missing.csv")
    with pytest.raises(DataError, match=rf"^{re.escape(path)}: cannot read the curve history"):
        CurveFactors.from_csv(path)


def test_default_curve_factors_are_level_slope_and_curvature():
    curve = CurveFactors.default(75.0)
    np.testing.assert_array_equal(curve.tenors, [1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 50.0])
    np.testing.assert_array_equal(curve.tenors, DEFAULT_TENORS)
    np.testing.assert_array_equal(curve.loadings, DEFAULT_LOADINGS)
    np.testing.assert_array_equal(curve.loadings[0], np.ones(7))  # the level
    np.testing.assert_array_equal(curve.volatility_bp, [75.0, 35.0, 20.0])
    np.testing.assert_array_equal(ScenarioModel().curve_factors.volatility_bp, [90.0, 35, 20])
    model = ScenarioModel(RiskModel(volatility={"rates": 70.0}))
    np.testing.assert_array_equal(model.curve_factors.volatility_bp, [70.0, 35.0, 20.0])


def test_a_given_curve_replaces_the_default_and_its_level_volatility():
    tenors, loadings = np.array([2.0, 10.0, 30.0]), np.array([[1.0, 1.0, 1.0], [-1.0, 0.0, 1.0]])
    curve = CurveFactors(tenors, loadings, np.array([70.0, 25.0]))
    model = ScenarioModel(curve=curve)
    assert model.curve_factors is curve
    moves = model.simulate(N, SEED + 2)[0]
    np.testing.assert_array_equal(moves.knots, tenors)
    found = scores(moves, loadings)
    assert_variance(found[:, 0], 70.0)  # not the risk model's 90bp
    assert_variance(found[:, 1], 25.0)
    assert_correlation(found[:, 0], moves.breakeven[:, 0], 0.3)  # level is the rates factor
    assert_correlation(found[:, 1], moves.breakeven[:, 0], 0.0)
    assert_variance(moves.breakeven[:, 0] / BP, 50.0)


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [0, -5, 2.5, "10", None])
def test_count_must_be_a_positive_whole_number(count):
    message = "count: got " + repr(count) + "; expected a positive whole number of scenarios"
    assert E_COUNT.format(value=count) == message
    with pytest.raises(DataError, match=f"^{re.escape(message)}$"):
        ScenarioModel().simulate(count, seed=1)


@pytest.mark.parametrize("years", [0, -1, 1.5])
def test_years_must_be_a_positive_whole_number(years):
    message = "years: got " + repr(years) + "; expected a positive whole number of years"
    assert E_YEARS.format(value=years) == message
    with pytest.raises(DataError, match=f"^{re.escape(message)}$"):
        ScenarioModel().simulate(10, seed=1, years=years)


def test_a_bool_is_not_a_count():
    with pytest.raises(DataError, match="^count: got True"):
        ScenarioModel().simulate(True, seed=1)


def two_tenor_history(rows=20):
    rng = np.random.default_rng(1)
    dates = pd.date_range("2001-01-31", periods=rows, freq="ME")
    frame = pd.DataFrame(0.03 + 1e-3 * rng.standard_normal((rows, 2)), columns=["5", "10"])
    frame.insert(0, "date", dates)
    return frame


def non_numeric_tenor():
    return two_tenor_history().rename(columns={"10": "ten"})


def too_few_rows():
    return two_tenor_history(3)


def unsorted_dates():
    frame = two_tenor_history()
    frame.loc[[4, 5], "date"] = frame.loc[[5, 4], "date"].to_numpy()
    return frame


def duplicate_dates():
    frame = two_tenor_history()
    frame.loc[5, "date"] = frame.loc[4, "date"]
    return frame


def with_nan():
    frame = two_tenor_history()
    frame.loc[7, "5"] = np.nan
    return frame


def unreadable_dates():
    frame = two_tenor_history()
    frame["date"] = frame["date"].astype(str)
    frame.loc[3, "date"] = "not a date"
    return frame


def day_first_dates():
    """01/06/2000 is 1 June or 6 January: only YYYY-MM-DD is read."""
    frame = two_tenor_history()
    frame["date"] = frame["date"].astype(str)
    frame.loc[0, "date"] = "01/06/2000"
    return frame


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            non_numeric_tenor,
            "history.columns: got ['5', 'ten']; expected a date column, then tenors in years",
        ),
        (
            too_few_rows,
            "history: 3 rows; expected rates on more dates than tenors (2 + 2 at least)",
        ),
        (unsorted_dates, "history: dates out of order; expected increasing dates"),
        (duplicate_dates, "history: dates out of order; expected increasing dates"),
        # A NaN is reported at its date and tenor.
        (with_nan, "history[2001-08-31 00:00:00][5]: got nan; expected a finite zero rate"),
        (
            unreadable_dates,
            "history.date[3]: got 'not a date'; expected a date such as 2035-06-30 (YYYY-MM-DD)",
        ),
        (
            day_first_dates,
            "history.date[0]: got '01/06/2000'; expected a date such as 2035-06-30 (YYYY-MM-DD)",
        ),
    ],
)
def test_a_bad_history_is_a_data_error_naming_the_problem(build, message):
    with pytest.raises(DataError, match=f"^{re.escape(message)}"):
        CurveFactors.from_history(build())


@pytest.mark.parametrize("components", [0, 3, -1, 1.5])
def test_components_must_be_between_one_and_the_number_of_tenors(components):
    message = f"components: got {components!r}; expected 1 to 2 (the history's tenors)"
    assert E_COMPONENTS.format(value=components, most=2) == message
    with pytest.raises(DataError, match=f"^{re.escape(message)}$"):
        CurveFactors.from_history(two_tenor_history(), components)


@pytest.mark.parametrize(
    ("loadings", "volatility", "message"),
    [
        (np.ones((2, 3)), [1.0, 2.0, 3.0], "CurveFactors.loadings: got shape (2, 3)"),
        (np.ones((3, 2)), [1.0, 2.0, 3.0], "CurveFactors.loadings: got shape (3, 2)"),
        ([[1.0, np.nan, 1.0]], [1.0], "CurveFactors.loadings: got shape (1, 3); expected finite"),
        (np.ones((2, 3)), [1.0, -2.0], "CurveFactors.volatility_bp: expected volatilities >= 0"),
    ],
)
def test_curve_factors_check_their_shapes_and_volatilities(loadings, volatility, message):
    with pytest.raises(DataError, match=f"^{re.escape(message)}"):
        CurveFactors(np.array([2.0, 10.0, 30.0]), np.asarray(loadings), np.array(volatility))


def test_growth_volatilities_pick_return_seeking_ids_only():
    ids = ["GILT", "EQ", "SWAP", "DGF", "CASH"]
    kinds = ["bond", "return_seeking", "interest_rate_swap", "return_seeking", "cash"]
    got = growth_volatilities(ids, kinds, [0.0, 0.16, 0.0, 0.09, 0.0])
    assert got == {"EQ": 0.16, "DGF": 0.09}
    assert list(got) == ["EQ", "DGF"]  # instrument order
    assert growth_volatilities(["GILT"], ["bond"], [0.0]) == {}
