"""RiskModel: the five-factor covariance, its root, overrides, validation and growth loadings.

References: the covariance is rebuilt by hand as diag(vol) @ R @ diag(vol) from the
volatilities and pairwise correlations (exact up to one rounding per entry, 1e-15), the
root must satisfy G G^T = covariance to 1e-12 of its largest entry, and positive
semi-definiteness is checked with numpy's eigenvalues. A growth asset of volatility sigma
with correlation rho to the growth factor has beta = rho sigma / sigma_growth and specific
volatility sigma sqrt(1 - rho^2): its total variance beta^2 sigma_growth^2 + specific^2 is
sigma^2 (checked as an identity to 1e-15).
"""

import re

import numpy as np
import pytest

from ldi.errors import DataError
from ldi.risk.factors import (
    DEFAULT_CORRELATION,
    DEFAULT_VOLATILITY,
    E_CORRELATION,
    E_GROWTH_CORRELATION,
    E_NOT_PSD,
    E_PAIR,
    E_VOLATILITY,
    FACTORS,
    RiskModel,
    pair_name,
)


def by_hand(volatility: dict, correlation: dict) -> tuple[np.ndarray, np.ndarray]:
    """(R, D R D) in FACTORS order from a volatility and a pairwise correlation mapping."""
    r = np.eye(len(FACTORS))
    for (i, a), (j, b) in ((x, y) for x in enumerate(FACTORS) for y in enumerate(FACTORS)):
        if i < j:
            r[i, j] = r[j, i] = correlation[f"{a}_{b}"]
    d = np.diag([volatility[f] for f in FACTORS])
    return r, d @ r @ d


def test_factors_and_defaults():
    assert FACTORS == ("rates", "inflation", "credit", "growth", "bond_swap")
    model = RiskModel()
    assert dict(model.volatility) == dict(DEFAULT_VOLATILITY)
    assert dict(model.correlation) == dict(DEFAULT_CORRELATION)
    assert model.growth_correlation == 0.9
    # every pair of distinct factors has a default correlation, named in FACTORS order
    pairs = {pair_name(a, b) for a in FACTORS for b in FACTORS if a != b}
    assert pairs == set(DEFAULT_CORRELATION)
    assert pair_name("growth", "rates") == pair_name("rates", "growth") == "rates_growth"


def test_default_covariance_is_d_r_d():
    model = RiskModel()
    r, covariance = by_hand(DEFAULT_VOLATILITY, DEFAULT_CORRELATION)
    np.testing.assert_array_equal(model.correlation_matrix, r)
    np.testing.assert_allclose(model.covariance, covariance, rtol=1e-15, atol=0)
    # units: bp^2 for rates (90bp a year), decimal^2 for growth (16%)
    assert model.covariance[0, 0] == pytest.approx(90.0**2, rel=1e-15)
    assert model.covariance[3, 3] == pytest.approx(0.16**2, rel=1e-15)
    np.testing.assert_array_equal(model.covariance, model.covariance.T)


@pytest.mark.parametrize(
    ("volatility", "correlation"),
    [
        ({}, {}),
        ({"rates": 120.0, "growth": 0.2}, {"rates_growth": -0.4}),
        ({"credit": 0.0}, {}),  # a factor without risk: a singular covariance
        (
            {},
            {
                "rates_inflation": 1.0,
                "rates_credit": 0.0,
                "inflation_credit": 0.0,
                "rates_growth": 0.0,
                "inflation_growth": 0.0,
                "credit_growth": 0.0,
                "rates_bond_swap": 0.0,
            },
        ),
    ],
    ids=["defaults", "overrides", "zero_volatility", "perfect_correlation"],
)
def test_root_times_its_transpose_is_the_covariance(volatility, correlation):
    model = RiskModel(volatility=volatility, correlation=correlation)
    root = model.root
    covariance = model.covariance
    assert root.shape == (len(FACTORS), len(FACTORS))
    np.testing.assert_allclose(
        root @ root.T, covariance, rtol=0, atol=1e-12 * np.abs(covariance).max()
    )


def test_overrides_merge_with_the_defaults():
    model = RiskModel(volatility={"rates": 120.0}, correlation={"rates_growth": -0.4})
    assert model.volatility["rates"] == 120.0
    assert model.volatility["inflation"] == DEFAULT_VOLATILITY["inflation"]
    assert model.correlation["rates_growth"] == -0.4
    assert model.correlation["rates_inflation"] == DEFAULT_CORRELATION["rates_inflation"]
    expected_volatility = {**DEFAULT_VOLATILITY, "rates": 120.0}
    expected_correlation = {**DEFAULT_CORRELATION, "rates_growth": -0.4}
    _, covariance = by_hand(expected_volatility, expected_correlation)
    np.testing.assert_allclose(model.covariance, covariance, rtol=1e-15, atol=0)
    # rates_growth sits at (rates, growth) and (growth, rates)
    assert model.covariance[0, 3] == model.covariance[3, 0] == pytest.approx(-0.4 * 120.0 * 0.16)


def test_a_correlation_matrix_that_is_not_psd_is_rejected_with_its_eigenvalue():
    correlation = {"rates_inflation": 0.95, "rates_credit": 0.95, "inflation_credit": -0.95}
    r, _ = by_hand(DEFAULT_VOLATILITY, {**DEFAULT_CORRELATION, **correlation})
    lowest = float(np.linalg.eigvalsh(r).min())
    assert lowest < 0
    with pytest.raises(DataError, match=re.escape(E_NOT_PSD.format(value=lowest))):
        RiskModel(correlation=correlation)


def test_a_psd_matrix_at_the_edge_is_accepted():
    # rates and inflation move together exactly; the others are independent: singular, PSD.
    model = RiskModel(
        correlation={
            "rates_inflation": 1.0,
            "rates_credit": 0.0,
            "rates_growth": 0.0,
            "inflation_credit": 0.0,
            "inflation_growth": 0.0,
            "credit_growth": 0.0,
        }
    )
    assert np.linalg.eigvalsh(model.correlation_matrix).min() == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("value", [1.5, -1.01, float("nan"), float("inf"), "0.5", None])
def test_invalid_correlation_values_are_named(value):
    message = E_CORRELATION.format(pair="rates_growth", value=value)
    with pytest.raises(DataError, match=re.escape(message)) as error:
        RiskModel(correlation={"rates_growth": value})
    assert f"got {value!r}" in str(error.value)
    assert "risk_model.correlation.rates_growth" in str(error.value)


def test_unknown_correlation_pair_is_named_with_examples():
    message = E_PAIR.format(pair="growth_rates", examples=list(DEFAULT_CORRELATION))
    with pytest.raises(DataError, match=re.escape(message)):
        RiskModel(correlation={"growth_rates": 0.1})


@pytest.mark.parametrize("value", [-1.0, float("nan"), float("inf"), "90", None])
def test_invalid_volatilities_are_named(value):
    message = E_VOLATILITY.format(factor="rates", value=value)
    with pytest.raises(DataError, match=re.escape(message)) as error:
        RiskModel(volatility={"rates": value})
    assert "risk_model.volatility.rates" in str(error.value)
    assert "expected a finite number >= 0" in str(error.value)


def test_unknown_volatility_factor_is_named_under_volatility():
    with pytest.raises(DataError, match=re.escape("risk_model.volatility.equity")):
        RiskModel(volatility={"equity": 0.2})


@pytest.mark.parametrize("value", [1.2, -0.1, float("nan"), "0.9"])
def test_invalid_growth_correlation(value):
    with pytest.raises(DataError, match=re.escape(E_GROWTH_CORRELATION.format(value=value))):
        RiskModel(growth_correlation=value)


def test_models_are_frozen_and_compare_by_value():
    assert RiskModel() == RiskModel(volatility=dict(DEFAULT_VOLATILITY))
    with pytest.raises(AttributeError):
        RiskModel().growth_correlation = 0.5


# --- growth loadings --------------------------------------------------------------------------


@pytest.mark.parametrize("rho", [0.0, 0.5, 0.9, 1.0])
def test_growth_beta_and_specific_volatility(rho):
    model = RiskModel(growth_correlation=rho)
    sigma = np.array([0.16, 0.09, 0.12, 0.0, 0.30])
    beta, specific = model.growth_loading(sigma)
    market = DEFAULT_VOLATILITY["growth"]
    np.testing.assert_allclose(beta, rho * sigma / market, rtol=1e-15, atol=0)
    np.testing.assert_allclose(specific, sigma * np.sqrt(1 - rho**2), rtol=1e-15, atol=0)
    # the factor and specific parts add up to the asset's own variance
    np.testing.assert_allclose((beta * market) ** 2 + specific**2, sigma**2, rtol=1e-14, atol=1e-18)


def test_growth_loading_of_a_market_without_volatility_is_all_specific():
    beta, specific = RiskModel(volatility={"growth": 0.0}).growth_loading(np.array([0.1, 0.2]))
    np.testing.assert_array_equal(beta, [0.0, 0.0])
    np.testing.assert_array_equal(specific, [0.1, 0.2])


def test_growth_loading_reads_missing_volatility_as_zero():
    beta, specific = RiskModel().growth_loading(np.array([np.nan, 0.16]))
    assert beta[0] == 0.0
    assert specific[0] == 0.0
    assert beta[1] == pytest.approx(0.9)
    assert specific[1] == pytest.approx(0.16 * np.sqrt(1 - 0.81), rel=1e-15)
