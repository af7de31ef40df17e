"""Nelson–Siegel–Svensson: closed-form values, and fits that recover an exact NSS curve."""

import math
import re

import numpy as np
import pandas as pd
import pytest

from ldi import DataError, NelsonSiegelSvensson, fit_nss

PARAMS = (0.04, -0.015, -0.01, 0.02, 1.8, 9.0)
TENORS = np.array([0.5, 1, 2, 3, 4, 5, 7, 10, 12, 15, 20, 25, 30, 40, 50], dtype=float)
GRID = np.linspace(0.0, 50.0, 201)
# Exact NSS quotes: the fit reaches rounding (~1e-11bp measured). 1e-4bp RMS and 1e-3bp on
# zero rates leave many orders of headroom but still catch a fit stuck in a local minimum.
RMSE_BP = 1e-4
ZERO_BP = 1e-3


def nss_zero(params, t):
    """The NSS zero rate written out: β0 + β1 S(t/τ1) + β2 H(t/τ1) + β3 H(t/τ2)."""
    b0, b1, b2, b3, tau1, tau2 = params
    t = np.atleast_1d(np.asarray(t, dtype=float))
    out = np.empty_like(t)
    for i, x in enumerate(t):
        if x == 0:
            out[i] = b0 + b1  # S(0) = 1, H(0) = 0
            continue
        e1, e2 = math.exp(-x / tau1), math.exp(-x / tau2)
        s1, s2 = (1 - e1) / (x / tau1), (1 - e2) / (x / tau2)
        out[i] = b0 + b1 * s1 + b2 * (s1 - e1) + b3 * (s2 - e2)
    return out


def hand_par_rates(params, tenors, compounding):
    """Annual-coupon par rates on the exact NSS curve (DFs from the written-out formula)."""
    rates = []
    for n in tenors:
        count = math.ceil(n - 1e-9)
        times = n - np.arange(count - 1, -1, -1, dtype=float)
        accruals = np.ones(count)
        accruals[0] = times[0]  # short first period from 0 when n is off the grid
        z = nss_zero(params, times)
        df = np.exp(-z * times) if compounding == "continuous" else (1 + z) ** -times
        rates.append((1 - df[-1]) / np.sum(accruals * df))
    return np.array(rates)


# --- closed forms -------------------------------------------------------------------------


def test_short_end_is_beta0_plus_beta1():
    curve = NelsonSiegelSvensson(*PARAMS)
    assert float(curve.zero_rate(0.0)) == pytest.approx(0.04 - 0.015, abs=1e-17)
    # S(x) = 1 - x/2 + O(x^2) and H(x) = O(x): at 1e-9y the rate is within ~1e-11 of z(0).
    assert float(curve.zero_rate(1e-9)) == pytest.approx(0.025, abs=1e-11)
    assert float(curve.discount(0.0)) == 1.0


def test_long_end_tends_to_beta0():
    b0, b1, b2, b3, tau1, tau2 = PARAMS
    curve = NelsonSiegelSvensson(*PARAMS)
    for t in (1e3, 1e4, 1e6):
        # 0 <= S(x), H(x) <= 1/x, so |z(t) - β0| <= (|β1| + |β2|) τ1/t + |β3| τ2/t.
        bound = (abs(b1) + abs(b2)) * tau1 / t + abs(b3) * tau2 / t
        assert abs(float(curve.zero_rate(t)) - b0) <= bound


def test_value_at_five_years_by_hand():
    # β = (4%, -2%, 1%, 1.5%), τ = (1.5, 8), t = 5: x1 = 10/3, x2 = 0.625. Evaluated to 40
    # digits with decimal: z = 0.0398750863343286..., DF = e^(-5z) = 0.8192422660965938...
    curve = NelsonSiegelSvensson(0.04, -0.02, 0.01, 0.015, 1.5, 8.0)
    # A handful of exp and divisions: a few ulps.
    assert float(curve.zero_rate(5.0)) == pytest.approx(0.03987508633432861, rel=1e-14)
    assert float(curve.discount(5.0)) == pytest.approx(0.8192422660965938, rel=1e-14)
    annual = NelsonSiegelSvensson(0.04, -0.02, 0.01, 0.015, 1.5, 8.0, compounding="annual")
    assert float(annual.discount(5.0)) == pytest.approx(1.03987508633432861**-5, rel=1e-14)


def test_zero_rates_match_the_written_out_formula_everywhere():
    curve = NelsonSiegelSvensson(*PARAMS)
    # Same formula, different operation order (expm1 vs 1 - exp): ~1e-16.
    np.testing.assert_allclose(curve.zero_rate(GRID), nss_zero(PARAMS, GRID), rtol=0, atol=1e-15)
    np.testing.assert_allclose(
        curve.discount(GRID), np.exp(-nss_zero(PARAMS, GRID) * GRID), rtol=1e-14
    )


def test_params_and_shift():
    curve = NelsonSiegelSvensson(*PARAMS)
    assert curve.params == PARAMS
    up = curve.shifted(10)
    np.testing.assert_allclose(
        up.zero_rate(GRID), nss_zero(PARAMS, GRID) + 0.001, rtol=0, atol=1e-15
    )
    assert curve.spread.is_zero


# --- fits ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        PARAMS,
        (0.035, 0.01, 0.02, -0.015, 0.8, 6.0),
        (0.045, -0.03, 0.0, 0.01, 2.5, 12.0),
        (0.03, 0.02, -0.02, 0.03, 1.0, 4.0),
    ],
)
@pytest.mark.parametrize("compounding", ["continuous", "annual"])
def test_fit_to_zero_quotes_recovers_the_curve(params, compounding):
    quotes = nss_zero(params, TENORS)
    fit = fit_nss(TENORS, quotes, kind="zero", compounding=compounding)
    assert fit.rmse_bp < RMSE_BP
    gap_bp = (fit.curve.zero_rate(GRID) - nss_zero(params, GRID)) / 1e-4
    assert np.max(np.abs(gap_bp)) < ZERO_BP
    assert fit.curve.compounding.value == compounding


@pytest.mark.parametrize(
    ("params", "compounding"),
    [(PARAMS, "continuous"), ((0.03, 0.02, -0.02, 0.03, 1.0, 4.0), "annual")],
)
def test_fit_to_par_quotes_recovers_the_curve(params, compounding):
    quotes = hand_par_rates(params, TENORS, compounding)
    fit = fit_nss(TENORS, quotes, kind="par", frequency=1, compounding=compounding)
    assert fit.rmse_bp < RMSE_BP
    gap_bp = (fit.curve.zero_rate(GRID) - nss_zero(params, GRID)) / 1e-4
    assert np.max(np.abs(gap_bp)) < ZERO_BP


def test_residuals_are_model_minus_quote_in_bp_indexed_by_tenor():
    rng = np.random.default_rng(7)
    quotes = nss_zero(PARAMS, TENORS) + rng.normal(0.0, 2e-4, TENORS.size)  # ~2bp noise
    fit = fit_nss(TENORS, quotes)
    assert isinstance(fit.residuals_bp, pd.Series)
    np.testing.assert_array_equal(fit.residuals_bp.index.to_numpy(), TENORS)
    assert fit.residuals_bp.index.name == "tenor"
    expected = (nss_zero(fit.curve.params, TENORS) - quotes) / 1e-4
    # Formula vs implementation at the fitted parameters: rounding, scaled by 1e4.
    np.testing.assert_allclose(fit.residuals_bp.to_numpy(), expected, rtol=0, atol=1e-10)
    assert fit.rmse_bp == pytest.approx(math.sqrt(np.mean(expected**2)), rel=1e-10)
    # A least-squares optimum is at least as good as the parameters that made the data.
    true_rmse = math.sqrt(np.mean(((nss_zero(PARAMS, TENORS) - quotes) / 1e-4) ** 2))
    assert fit.rmse_bp <= true_rmse + 1e-9


# --- bad inputs ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"tau1": -1.0},
            "NelsonSiegelSvensson.tau1: got -1.0; expected a positive decay time in years",
        ),
        (
            {"tau2": 0.0},
            "NelsonSiegelSvensson.tau2: got 0.0; expected a positive decay time in years",
        ),
        (
            {"tau1": float("nan")},
            "NelsonSiegelSvensson.tau1: got nan; expected a positive decay time in years",
        ),
        ({"compounding": "daily"}, "NelsonSiegelSvensson.compounding: got 'daily'"),
    ],
)
def test_bad_nss_parameters_name_the_field(kwargs, message):
    params = dict(zip(["beta0", "beta1", "beta2", "beta3", "tau1", "tau2"], PARAMS, strict=True))
    with pytest.raises(DataError, match=re.escape(message)):
        NelsonSiegelSvensson(**(params | kwargs))


def test_fit_needs_six_quotes():
    with pytest.raises(
        DataError, match=re.escape("fit_nss: got 5 quotes; expected at least 6 to fit 6 parameters")
    ):
        fit_nss([1, 2, 5, 10, 30], [0.03, 0.032, 0.035, 0.037, 0.038])


def test_fit_rejects_unknown_kind_and_bad_quotes():
    tenors = TENORS[:8]
    quotes = nss_zero(PARAMS, tenors)
    with pytest.raises(DataError, match=re.escape("fit_nss.kind: got 'forward'")):
        fit_nss(tenors, quotes, kind="forward")
    with pytest.raises(DataError, match=re.escape("fit_nss.rates[2]: got nan")):
        fit_nss(tenors, np.where(np.arange(8) == 2, np.nan, quotes))
    with pytest.raises(DataError, match=re.escape("fit_nss: 8 tenors but 7 rates")):
        fit_nss(tenors, quotes[:7])
    with pytest.raises(DataError, match=re.escape("fit_nss.frequency: got 3; expected one of")):
        fit_nss(tenors, quotes, kind="par", frequency=3)
