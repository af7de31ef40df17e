"""Revaluation in deferment: the index over the deferment clipped cumulatively, then LPI.

A deferred pension paid at t, deferred to T, pays R x P(t)/P(T): R = min(max(I(T)/I(0),
(1 + floor)^T), (1 + cap)^T) and P the in-payment uprating (LPI year by year). References:
- the yearly lognormal model (each year's gross inflation lognormal with log-sd σ, years
  independent) makes I(T)/I(0) exactly lognormal, so E[R] is a closed form, written here
  with scipy's normal cdf as an integral split at the two bounds (not as calls), 1e-12;
- a Monte Carlo of the same independent years, R clipped path by path and the later years
  clipped to the LPI band, within 4 standard errors; under the normal model this also
  measures ldi's lognormal approximation of the cumulative index (variance matched per
  year), which stays inside the Monte Carlo's noise at these volatilities;
- limits: no floor or cap (R is the index: the flow is a plainly indexed one until T), zero
  volatility (R is the clipped forward, exactly), a revaluation ending at 0 (no effect).
"""

import math
import re

import numpy as np
import pytest
from scipy.stats import norm

from ldi import DataError
from ldi.cashflows.indexation import Indexation, Revaluation
from ldi.curves.inflation_volatility import CapletVolatility, YearlyVolatility

TENORS, RATES = [1.0, 30.0], [0.045, 0.032]  # high early inflation: the caps bite


def breakeven(t):
    return np.interp(np.asarray(t, dtype=float), TENORS, RATES)[None, :]


def forward_index(t: float) -> float:
    """(1 + b(t))^t by hand."""
    return (1 + float(np.interp(t, TENORS, RATES))) ** t


def lognormal_clip(mean: float, sd: float, low: float, high: float) -> float:
    """E[min(max(X, low), high)], X lognormal with mean ``mean`` and log-sd ``sd``.

    low P(X < low) + high P(X > high) + E[X; low < X < high], the last from the lognormal
    partial expectation mean (N(d(high)) − N(d(low))), d(k) = (ln(k/mean) + sd²/2)/sd...
    written as the difference of the cdf of the size-biased law.
    """
    mu = math.log(mean) - sd**2 / 2
    z_low, z_high = (math.log(low) - mu) / sd, (math.log(high) - mu) / sd
    inside = mean * (norm.cdf(z_high - sd) - norm.cdf(z_low - sd))
    return low * norm.cdf(z_low) + high * norm.sf(z_high) + inside


@pytest.mark.parametrize("until", [1.0, 7.0, 10.0, 12.5])
@pytest.mark.parametrize("sigma", [0.01, 0.03])
def test_the_revaluation_of_the_yearly_lognormal_model_is_its_closed_form(until, sigma):
    rule = Indexation(
        volatility=YearlyVolatility(sigma), revaluation=Revaluation(until, floor=0.0, cap=0.04)
    )
    got = float(rule.ratio(breakeven, np.array([until]))[0, 0])
    mean = forward_index(until)
    expected = lognormal_clip(mean, sigma * math.sqrt(until), 1.0, 1.04**until)
    assert got == pytest.approx(expected, rel=1e-12)


PATHS = 300_000


@pytest.mark.parametrize(
    "volatility",
    [YearlyVolatility(0.02), CapletVolatility((1.0, 10.0, 30.0), (0.02, 0.015, 0.012))],
    ids=["yearly-lognormal", "caplet-normal"],
)
def test_a_deferred_lpi_pension_against_a_monte_carlo_of_independent_years(volatility):
    until, years = 10, 20
    rule = Indexation(
        floor=0.0,
        cap=0.05,
        volatility=volatility,
        revaluation=Revaluation(float(until), floor=0.0, cap=0.05),
    )
    n = np.arange(1, years + 1, dtype=float)
    cumulative = np.array([forward_index(x) for x in n])
    forward = cumulative / np.concatenate([[1.0], cumulative[:-1]])
    deviation = volatility.deviation(n)
    rng = np.random.default_rng(19)
    z = rng.standard_normal((PATHS, years))
    if volatility.model == "lognormal":
        gross = forward * np.exp(deviation * z - deviation**2 / 2)
    else:
        gross = forward + deviation * z
    revalued = np.clip(np.prod(gross[:, :until], axis=1), 1.0, 1.05**until)
    for t in (5, 10, 11, 15, 20):
        end = min(t, until)
        deferred = np.clip(np.prod(gross[:, :end], axis=1), 1.0, 1.05**end)
        paid = np.prod(np.clip(gross[:, end:t], 1.0, 1.05), axis=1)
        sample = (deferred if t <= until else revalued) * paid
        error = sample.std() / math.sqrt(PATHS)
        got = float(rule.ratio(breakeven, np.array([float(t)]))[0, 0])
        assert abs(got - sample.mean()) < 4 * error, (t, got, sample.mean(), error)


def test_without_a_floor_or_cap_a_deferred_pension_follows_the_index_until_it_is_paid():
    lpi = Indexation(floor=0.0, cap=0.05, volatility=YearlyVolatility(0.02))
    deferred = Indexation(
        floor=0.0, cap=0.05, volatility=YearlyVolatility(0.02), revaluation=Revaluation(8.0)
    )
    t = np.array([3.0, 8.0, 9.0, 20.0])
    got = deferred.ratio(breakeven, t)[0]
    index = np.array([forward_index(min(x, 8.0)) for x in t])
    in_payment = lpi.ratio(breakeven, t)[0] / lpi.ratio(breakeven, np.minimum(t, 8.0))[0]
    np.testing.assert_allclose(got, index * in_payment, rtol=1e-13)


def test_at_zero_volatility_the_revaluation_clips_the_forward_index():
    still = YearlyVolatility(0.0)
    rule = Indexation(volatility=still, revaluation=Revaluation(10.0, cap=0.04))
    got = float(rule.ratio(breakeven, np.array([10.0]))[0, 0])
    assert got == pytest.approx(min(forward_index(10.0), 1.04**10), rel=1e-13)


def test_a_revaluation_that_ends_today_changes_nothing():
    lpi = Indexation(floor=0.0, cap=0.05)
    ended = Indexation(floor=0.0, cap=0.05, revaluation=Revaluation(0.0, floor=0.0, cap=0.03))
    t = np.array([1.0, 5.5, 30.0])
    np.testing.assert_allclose(ended.ratio(breakeven, t), lpi.ratio(breakeven, t), rtol=1e-14)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"until": -1.0}, "revaluation.until: got -1.0; expected a finite number of years >= 0"),
        (
            {"until": 5.0, "floor": 0.05, "cap": 0.0},
            "revaluation: floor 0.05 is above cap 0.0; expected floor <= cap",
        ),
        (
            {"until": 5.0, "cap": -1.5},
            "revaluation.cap: got -1.5; expected a finite annual rate above -1 or none",
        ),
    ],
)
def test_a_bad_revaluation_is_a_data_error_naming_the_field(kwargs, message):
    with pytest.raises(DataError, match=f"^{re.escape(message)}$"):
        Revaluation(**kwargs)


def test_a_revaluation_is_described_in_words():
    rule = Indexation(floor=0.0, cap=0.05, revaluation=Revaluation(9.0, floor=0.0, cap=0.025))
    assert rule.describe(volatility=False) == (
        "LPI(0%, 5%), revalued in deferment floored at 0% a year and capped at 2.5% a year"
    )
