"""Funding-ratio projection (``project_funding``) against closed forms and a numpy recursion.

References, written out here on flat annual curves (nominal R = 4%, breakeven B = 3%, a
move added to the zero rate, so a discount factor is (1 + R + Δ)^-t and an uprating
(1 + B + Δb)^t) with a level-only curve factor, so each path's cumulative move is one
parallel shift Δ_y (the sum of its annual level moves):

- liabilities at year y: Σ_{t>y} c_t (1 + R + Δ_y)^-(t - y), c_t = F_t + L_t (1 + B + Δb_y)^t;
- benefits paid in year y: Σ_{y-1<t<=y} c_t (1 + R + Δ_y)^(y - t) (accrued to the year-end);
- assets, a constant mix of cash (carry c) and a growth asset (carry g, that year's
  return r_y): A_y = A_{y-1} + max(A_{y-1}, 0) / A_0 x (a c + e (g + r_y)) - B_y.

With every volatility zero the moves vanish and the paths are the closed forms at Δ = 0.

Tolerances: both sides are float64 sums of at most ~60 discounted flows and ten steps of a
recursion, so they differ by rounding only: 1e-11 relative.
"""

import numpy as np
import pytest

from ldi import BreakevenCurve, Cash, Cashflows, Market, ReturnSeeking, ZeroCurve
from ldi.errors import DataError
from ldi.liabilities import Liabilities
from ldi.risk.factors import FACTORS, RiskModel
from ldi.scenarios import Revaluation
from ldi.scenarios.pnl import ScenarioEngine
from ldi.scenarios.projection import (
    E_LENGTH,
    E_NET_ASSETS,
    E_PROJECTION_YEARS,
    project_funding,
)
from ldi.scenarios.simulation import CurveFactors, ScenarioModel

R, B = 0.04, 0.03
RTOL = 1e-11
TIMES = np.arange(0.5, 30.0, 1.0)  # mid-year benefits: accrued to each year-end
FIXED = np.linspace(40.0, 10.0, TIMES.size)
LINKED = np.linspace(20.0, 30.0, TIMES.size)
CASH, EQUITY = 600.0, 400.0
CARRY = np.array([0.04, 0.06])  # cash, equity: a year's expected return per unit


def engine(volatility: float) -> ScenarioEngine:
    """Cash and one growth asset; level-only curve moves of ``volatility`` bp a year."""
    curves = {"gilts": ZeroCurve.flat(R), "rpi": BreakevenCurve.flat(B)}
    market = Market(curves=curves, nominal="gilts", inflation="rpi")
    instruments = [
        Cash(id="CASH", rate=0.04),
        ReturnSeeking(id="EQ", expected_return=0.06, volatility=0.18 if volatility else 0.0),
    ]
    liabilities = Liabilities(Cashflows(TIMES, FIXED, LINKED), curves["gilts"], curves["rpi"])
    growth = 0.16 if volatility else 0.0
    risk = RiskModel(
        volatility={f: volatility for f in FACTORS if f != "growth"} | {"growth": growth}
    )
    curve = CurveFactors(np.array([1.0, 50.0]), np.array([[1.0, 1.0]]), np.array([volatility]))
    model = ScenarioModel(
        risk=risk, curve=curve, growth_volatility={"EQ": 0.18 if volatility else 0.0}
    )
    return ScenarioEngine(Revaluation(instruments, market), liabilities, model)


def reference(engine: ScenarioEngine, count: int, seed: int, years: int):
    """(assets, liabilities, benefits) of the closed forms in the module docstring."""
    annual = engine.model.annual_moves(count, seed, years)
    level = np.cumsum([m.nominal[:, 0] for m in annual], axis=0)  # (years, count)
    breakeven = np.cumsum([m.breakeven[:, 0] for m in annual], axis=0)
    t = TIMES[None, :]
    start = CASH + EQUITY
    assets = [np.full(count, start)]
    liabilities = [np.sum((FIXED + LINKED * (1 + B) ** TIMES) * (1 + R) ** -TIMES) * np.ones(count)]
    benefits = []
    for y in range(1, years + 1):
        d, b = level[y - 1][:, None], breakeven[y - 1][:, None]
        flows = FIXED + LINKED * (1 + B + b) ** t
        due = np.where(t > y, flows * (1 + R + d) ** -(t - y), 0.0).sum(axis=1)
        paid = np.where((t > y - 1) & (t <= y), flows * (1 + R + d) ** (y - t), 0.0).sum(axis=1)
        growth = annual[y - 1].returns["EQ"]
        scale = np.clip(assets[-1], 0.0, None) / start
        gain = CASH * CARRY[0] + EQUITY * (CARRY[1] + growth)
        assets.append(assets[-1] + scale * gain - paid)
        liabilities.append(due)
        benefits.append(paid)
    return np.array(assets).T, np.array(liabilities).T, np.array(benefits).T


def project(engine: ScenarioEngine, count: int = 400, seed: int = 7, years: int = 10):
    return project_funding(
        engine, np.array([CASH, EQUITY]), CARRY, years=years, count=count, seed=seed
    )


def test_without_moves_the_paths_are_the_closed_forms():
    calm = engine(0.0)
    projection = project(calm, count=5)
    assets, liabilities, benefits = reference(calm, 5, 7, 10)
    np.testing.assert_allclose(projection.liabilities, liabilities, rtol=RTOL)
    np.testing.assert_allclose(projection.benefits, benefits, rtol=RTOL)
    np.testing.assert_allclose(projection.assets, assets, rtol=RTOL)
    table = projection.table
    np.testing.assert_allclose(table["p5"], table["p95"], rtol=RTOL)
    np.testing.assert_allclose(table["p50"], assets[0] / liabilities[0], rtol=RTOL)


def test_simulated_paths_equal_the_numpy_recursion():
    moving = engine(90.0)
    projection = project(moving)
    assets, liabilities, benefits = reference(moving, 400, 7, 10)
    np.testing.assert_allclose(projection.liabilities, liabilities, rtol=RTOL)
    np.testing.assert_allclose(projection.benefits, benefits, rtol=RTOL)
    np.testing.assert_allclose(projection.assets, assets, rtol=RTOL)
    np.testing.assert_allclose(projection.funding_ratio, assets / liabilities, rtol=RTOL)


def test_table_summarises_the_paths():
    projection = project(engine(90.0))
    ratio = projection.assets / projection.liabilities
    table = projection.table
    assert list(table.index) == list(range(11))
    np.testing.assert_allclose(table["p50"], np.median(ratio, axis=0), rtol=RTOL)
    np.testing.assert_allclose(table["below_90"], np.mean(ratio < 0.9, axis=0), rtol=RTOL)
    np.testing.assert_allclose(table["below_100"], np.mean(ratio < 1.0, axis=0), rtol=RTOL)
    ordered = table[["p5", "p25", "p50", "p75", "p95"]].to_numpy()
    assert np.all(np.diff(ordered, axis=1) >= 0)
    assert np.all(table["below_90"] <= table["below_100"])
    assert table.loc[0, "benefits_p50"] == 0.0
    spread = (table["p95"] - table["p5"]).to_numpy()
    assert spread[0] == pytest.approx(0.0, abs=1e-12)
    assert np.all(np.diff(spread) > 0)


def test_a_seed_reproduces_its_paths_and_another_does_not():
    moving = engine(90.0)
    first, again, other = project(moving), project(moving), project(moving, seed=8)
    np.testing.assert_array_equal(first.funding_ratio, again.funding_ratio)
    assert not np.allclose(first.funding_ratio[:, 1:], other.funding_ratio[:, 1:])


def test_text_json_and_fan_chart(tmp_path):
    projection = project(engine(90.0), years=3)
    text = projection.as_text()
    assert "funding ratio over 3 years (400 paths, seed 7)" in text
    median = projection.table.loc[3, "p50"]
    assert f"{median:.1%}" in text.splitlines()[-5]
    data = projection.to_dict()
    assert [row["year"] for row in data["years"]] == [0, 1, 2, 3]
    assert data["years"][3]["p50"] == pytest.approx(median, rel=RTOL)
    path = tmp_path / "fan.png"
    projection.plot(str(path))
    from matplotlib import image

    pixels = image.imread(str(path))
    assert pixels.shape[0] > 100
    assert pixels.std() > 0.05


@pytest.mark.parametrize("years", [0, 51, 2.5, True])
def test_years_out_of_range_are_refused(years):
    with pytest.raises(DataError, match="years: got"):
        project(engine(0.0), years=years)
    assert E_PROJECTION_YEARS.startswith("years:")


def test_positions_must_fit_and_hold_net_assets():
    calm = engine(0.0)
    with pytest.raises(DataError) as error:
        project_funding(calm, np.array([1.0]), CARRY)
    assert str(error.value) == E_LENGTH.format(name="positions", got=1, want=2)
    with pytest.raises(DataError) as error:
        project_funding(calm, np.array([0.0, 0.0]), CARRY)
    assert str(error.value) == E_NET_ASSETS.format(value=0.0)
