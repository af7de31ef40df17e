"""Mortality against closed forms, numerical integration and published tables.

Published references: the SOA's SULT values, and the US Social Security Administration's
period life table for men in 2017 (the historical tables of the 2020 Trustees Report,
``ssa_period_2017_male.csv``: q(x) to 6 decimals and life expectancy e(x) to 2, ages 60 to
119; a US government work, in the public domain).
"""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.integrate import quad

from ldi.errors import DataError
from ldi.members import (
    SULT,
    Improvement,
    Makeham,
    Mortality,
    Table,
    annuity_due,
    life_expectancy,
    longevity_scale,
    survival,
)

# The Society of Actuaries' Standard Ultimate Life Table (exam LTAM tables, 5% interest):
# q_x to 6 decimals, l_x to 1 decimal (radix 100,000 at 20) and the annuity-due to 4.
SULT_PUBLISHED = {  # age: (l_x, q_x, ä_x at 5%)
    45: (None, None, 17.8162),
    60: (None, 0.003398, 14.9041),
    65: (94579.7, 0.005915, 13.5498),
}
SULT_LAST = 150  # the law's survival is below 1e-30 by then


def test_makeham_survival_is_the_integral_of_its_force():
    """ₜpₓ = exp(−∫₀ᵗ μ_{x+s} ds), μ = A + B cˣ: scipy's quadrature as the reference."""
    law = Makeham(0.0005, 3e-5, 1.1)
    for age, years in [(20.0, 1.0), (65.0, 10.0), (80.5, 7.25)]:
        force, _ = quad(lambda s, x=age: law.a + law.b * law.c ** (x + s), 0.0, years)
        assert law.survival(age, years) == pytest.approx(math.exp(-force), rel=1e-12)


@pytest.mark.parametrize("age", sorted(SULT_PUBLISHED))
def test_the_sult_law_gives_the_published_table(age):
    """SULT rates, survivors and annuities at 5% to the published decimals."""
    survivors, rate, annuity = SULT_PUBLISHED[age]
    table = SULT.table(20, SULT_LAST)
    if rate is not None:
        assert table.rates(age) == pytest.approx(rate, abs=5e-7)
    if survivors is not None:
        assert 1e5 * SULT.survival(20, age - 20) == pytest.approx(survivors, abs=0.05)
    path = Mortality(table, 2000).paths([age], 2000, SULT_LAST - age)
    assert annuity_due(path, 0.05)[0] == pytest.approx(annuity, abs=5e-5)


def test_a_constant_rate_gives_geometric_annuities_and_expectations():
    """Constant q: ₜp = pᵗ, ä = (1 − (vp)ⁿ)/(1 − vp), e̊ = (1 + p)/2 (1 − pⁿ)/(1 − p)."""
    q, years, rate = 0.03, 60, 0.04
    p, v = 1 - q, 1 / (1 + rate)
    table = Table(np.full(120, q), 0, "constant")
    path = Mortality(table, 2020).paths([40.0, 55.0], 2020, years)
    np.testing.assert_allclose(survival(path)[:, -1], p**years, rtol=1e-13)
    expected = (1 - (v * p) ** years) / (1 - v * p)
    np.testing.assert_allclose(annuity_due(path, rate), expected, rtol=1e-13)
    np.testing.assert_allclose(
        life_expectancy(path), (1 + p) / 2 * (1 - p**years) / (1 - p), rtol=1e-13
    )


def test_life_expectancies_are_the_published_period_table():
    """e̊ from the SSA's published q is its published e, to the 2 decimals it gives.

    Ages 60 to 110: the table's rates end at 119, where the SSA's own closing differs.
    """
    published = pd.read_csv(Path(__file__).with_name("ssa_period_2017_male.csv"))
    table = Table.of(published.set_index("age")["q"], "SSA 2017 male period")
    mortality = Mortality(table, 2017)  # no improvement: the period table itself
    ages = published["age"].to_numpy(dtype=float)
    got = np.array([mortality.expectation(age, 2017) for age in ages])
    upto = ages <= 110
    np.testing.assert_allclose(got[upto], published["e"][upto], rtol=0, atol=0.005 + 1e-9)


def test_a_constant_improvement_scales_each_year_by_one_less_the_rate():
    """q(x, y) = q_B(x) (1 − r)^(y − B), and no change in or before the base year."""
    table = Table(np.linspace(0.01, 0.2, 41), 60, "rising")
    mortality = Mortality(table, 2012, Improvement(0.015))
    ages, years = np.array([60, 70, 100]), np.array([2011, 2012, 2030])
    expected = table.rates(ages) * (1 - 0.015) ** np.maximum(years - 2012, 0)
    np.testing.assert_allclose(mortality.rates(ages, years), expected, rtol=1e-14)


def test_a_scale_of_improvements_multiplies_year_by_year():
    """By hand: a 2-age, 3-year scale, held at its last year's rates after it ends."""
    scale = pd.DataFrame([[0.01, 0.02, 0.03], [0.00, -0.01, 0.02]], index=[70, 71])
    scale.columns = [2013, 2014, 2015]
    improvement = Improvement(scale=scale)
    # Age 70 from 2012 to 2016: (1 − .01)(1 − .02)(1 − .03)(1 − .03).
    assert improvement.factor(70, 2016, 2012) == pytest.approx(0.99 * 0.98 * 0.97 * 0.97)
    # Age 71 to 2014: (1 − 0)(1 + .01); an age above the scale takes its oldest age's rates.
    assert improvement.factor(71, 2014, 2012) == pytest.approx(1.01)
    assert improvement.factor(90, 2014, 2012) == pytest.approx(1.01)
    # Before the scale's first year, its first year's rates: 2012 to 2013 from a 2010 base.
    assert improvement.factor(70, 2013, 2010) == pytest.approx(0.99**3)
    assert improvement.factor(70, 2012, 2012) == 1.0


def test_a_path_follows_each_lifes_diagonal():
    """Rates along q(x₀ + t, Y₀ + t), and survival as their running product, by loop."""
    table = Table(np.linspace(0.005, 0.4, 60), 50, "rising")
    scale = pd.DataFrame(
        0.01 + 0.001 * np.arange(60)[:, None] * np.ones((1, 5)), index=range(50, 110)
    )
    scale.columns = range(2020, 2025)
    mortality = Mortality(table, 2019, Improvement(scale=scale))
    start = np.array([52.0, 67.4, 80.0])
    paths = mortality.paths(start, 2021, 12)
    for i, age in enumerate(start):
        alive = 1.0
        for t in range(12):
            q = table.rates(age + t)
            for year in range(2020, 2021 + t + 1):
                q *= 1 - scale.loc[min(int(age) + t, 109), min(year, 2024)]
            assert paths[i, t] == pytest.approx(q, rel=1e-13)
            alive *= 1 - q
        assert survival(paths)[i, -1] == pytest.approx(alive, rel=1e-12)


def test_past_the_last_age_a_life_dies_within_the_year():
    table = Table(np.array([0.1, 0.2]), 100, "short")
    np.testing.assert_array_equal(table.rates([100, 101, 102, 140]), [0.1, 0.2, 1.0, 1.0])


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Table(np.array([0.1, 1.2]), 60, "T"), "T: got 1.2 at age 61; expected a death"),
        (lambda: Table(np.array([0.1, np.nan]), 60, "T"), "T: got nan at age 61"),
        (
            lambda: Table.of(pd.Series([0.1, 0.2], index=[60, 62]), "T"),
            "T: got ages [60.0, 62.0]; expected whole ages rising by 1 (60 is followed by 62, "
            "not 61)",
        ),
        (lambda: Makeham(0.0, 1e-5, 0.9, name="L"), "L: got c=0.9; expected a growth factor > 1"),
        (lambda: Improvement(0.2), "improvement: got 0.2; expected a yearly rate between"),
        (
            lambda: Improvement(scale=pd.DataFrame({2020: [0.01, 0.2]}, index=[60, 61])),
            "improvement.scale: got 0.2 at age 61 in 2020; expected a yearly rate between -10% "
            "and 10%",
        ),
        (
            lambda: Improvement(scale=pd.DataFrame({2020: [0.01, 0.02]}, index=[60, 70])),
            "improvement.scale: got ages [60.0, 70.0]; expected whole ages rising by 1 (60 is "
            "followed by 70, not 61)",
        ),
        (
            lambda: Improvement(scale=pd.DataFrame({2021: [0.01], 2020: [0.02]}, index=[60])),
            "improvement.scale: got years [2021, 2020]; expected calendar years rising",
        ),
    ],
)
def test_bad_tables_laws_and_rates_are_named(build, message):
    with pytest.raises(DataError) as caught:
        build()
    assert message in str(caught.value)


def test_a_life_outside_the_table_is_named_with_the_tables_ages():
    table = Table(np.full(71, 0.01), 50, "Pri-2012 retiree")
    with pytest.raises(DataError) as caught:
        table.check_covers([55, 121.5, 130])
    assert str(caught.value) == (
        "Pri-2012 retiree: got age 121; expected ages the table covers, 50 to 120 (a life "
        "older than the table's last age cannot be projected)"
    )
    with pytest.raises(DataError, match="got age 49"):
        table.rates([49.9])


def test_a_year_more_life_on_a_constant_rate_is_the_closed_form_scale():
    """Constant q: e̊ = (2 − q)/(2q) (deaths mid-year, no closing age within the horizon).

    e̊ + 1 needs q' = 2/(2 e̊ + 3), so k = q'/q: at q = 0.2, e̊ = 4.5 and k = 5/6.
    """
    q = 0.2
    mortality = Mortality(Table(np.full(400, q), 0, "constant"), 2020)
    expectation = (2 - q) / (2 * q)
    assert mortality.expectation(65.0, 2026) == pytest.approx(expectation, rel=1e-12)
    k = longevity_scale(mortality, 1.0, 65.0, 2026)
    assert k == pytest.approx(2 / (2 * expectation + 3) / q, rel=1e-10)
    assert mortality.scaled(k).expectation(65.0, 2026) == pytest.approx(expectation + 1, rel=1e-10)


def test_scaled_rates_are_the_rates_times_the_factor_at_most_one():
    mortality = Mortality(SULT.table(20, 130), 2012, Improvement(0.015))
    ages, years = np.array([30, 65, 100, 130]), np.array([2020, 2026, 2040, 2026])
    lower = mortality.scaled(0.9)
    np.testing.assert_allclose(lower.rates(ages, years), 0.9 * mortality.rates(ages, years))
    assert mortality.scaled(5.0).rates(130, 2026) == 1.0


def test_longevity_beyond_reach_and_bad_scales_are_named():
    mortality = Mortality(SULT.table(20, 130), 2012)
    with pytest.raises(DataError, match=r"SULT: got 500.0 more years; expected more than 0"):
        longevity_scale(mortality, 500.0, 65.0, 2026)
    with pytest.raises(DataError, match="SULT: scale got 0.0; expected a factor on the rates"):
        Mortality(SULT.table(20, 130), 2012, scale=0.0)
