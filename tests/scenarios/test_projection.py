"""Funding-ratio projection (``project_funding``) against closed forms and a numpy recursion.

References, written out here on flat annual curves (nominal R = 4%, breakeven B = 3%, a
move added to the zero rate, so a discount factor is (1 + R + Δ)^-t and an uprating
(1 + B + Δb)^t) with a level-only curve factor, so each path's cumulative move is one
parallel shift Δ_y (the sum of its annual level moves δ_y):

- liabilities at year y: L_y(Δ) = Σ_{t>y} c_t (1 + R + Δ)^-(t - y), with
  c_t = F_t + I_t (1 + B + Δb_y)^t, at Δ = Δ_y; PV01_y = L_y(Δ_y) − L_y(Δ_y + 1bp);
- benefits paid in year y: Σ_{y-1<t<=y} c_t (1 + R + Δ_y)^(y - t) (accrued to the year-end);
- the book: cash (carry 4%), a growth asset (carry 6% plus that year's return g_y) and a
  20-year zero-coupon gilt rolled at constant maturity (carry R; value change per unit
  ((1 + R) / (1 + R + δ_y))^20 − 1). With A⁺ = max(A_{y-1}, 0):
  - ``constant_mix``: A_y = A_{y-1} + A⁺ / A_0 x (gain of the whole book) − B_y;
  - ``hedge``: the gilt (the hedge book, worth H_0 today) is scaled by
    h = min(PV01_{y-1} / PV01_0, A⁺ / H_0) and cash and growth (worth G_0) by
    (A⁺ − h H_0) / G_0: A_y = A_{y-1} + h x gilt gain + that x their gain − B_y.

With every volatility zero the moves vanish and the paths are the closed forms at Δ = 0.

Tolerances: both sides are float64 sums of at most ~60 discounted flows and ten steps of a
recursion, so they differ by rounding only: 1e-11 relative (PV01s are differences of
values ~1e-3 of them apart, which costs three digits: the scale factor is held to 1e-11
through the assets it multiplies, where it enters at 1e-3 weight).
"""

import numpy as np
import pytest

from ldi import BreakevenCurve, Cash, Cashflows, Market, ReturnSeeking, ZeroCouponBond, ZeroCurve
from ldi.errors import DataError
from ldi.liabilities import Liabilities
from ldi.risk.factors import FACTORS, RiskModel
from ldi.scenarios import Revaluation
from ldi.scenarios.pnl import ScenarioEngine
from ldi.scenarios.projection import (
    E_LENGTH,
    E_NET_ASSETS,
    E_PROJECTION_YEARS,
    E_REBALANCE,
    project_funding,
)
from ldi.scenarios.simulation import CurveFactors, ScenarioModel

R, B, BP = 0.04, 0.03, 1e-4
RTOL = 1e-11
TIMES = np.arange(0.5, 30.0, 1.0)  # mid-year benefits: accrued to each year-end
FIXED = np.linspace(40.0, 10.0, TIMES.size)
LINKED = np.linspace(20.0, 30.0, TIMES.size)
CASH, EQUITY, GILT = 300.0, 400.0, 300.0
POSITIONS = np.array([CASH, EQUITY, GILT])
CARRY = np.array([0.04, 0.06, R])  # a year's expected return per unit


def engine(volatility: float) -> ScenarioEngine:
    """The book above; level-only curve moves of ``volatility`` bp a year."""
    curves = {"gilts": ZeroCurve.flat(R), "rpi": BreakevenCurve.flat(B)}
    market = Market(curves=curves, nominal="gilts", inflation="rpi")
    instruments = [
        Cash(id="CASH", rate=0.04),
        ReturnSeeking(id="EQ", expected_return=0.06, volatility=0.18),
        ZeroCouponBond(id="STRIP_20", maturity=20.0),
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


def liability(y: int, level, breakeven):
    """(L_y, benefits paid in year y) on flat curves moved by level and breakeven (count,)."""
    t = TIMES[None, :]
    d, b = np.asarray(level)[:, None], np.asarray(breakeven)[:, None]
    flows = FIXED + LINKED * (1 + B + b) ** t
    due = np.where(t > y, flows * (1 + R + d) ** -(t - y), 0.0).sum(axis=1)
    paid = np.where((t > y - 1) & (t <= y), flows * (1 + R + d) ** (y - t), 0.0).sum(axis=1)
    return due, paid


def reference(engine: ScenarioEngine, count: int, seed: int, years: int, rule: str):
    """(assets, liabilities, benefits) of the closed forms in the module docstring."""
    annual = engine.model.annual_moves(count, seed, years)
    steps = np.array([m.nominal[:, 0] for m in annual])  # (years, count)
    level = np.vstack([np.zeros(count), np.cumsum(steps, axis=0)])
    breakeven = np.vstack([np.zeros(count), np.cumsum([m.breakeven[:, 0] for m in annual], axis=0)])
    start, hedge_book, rest_book = CASH + EQUITY + GILT, GILT, CASH + EQUITY
    pv01 = [
        liability(y, level[y], breakeven[y])[0] - liability(y, level[y] + BP, breakeven[y])[0]
        for y in range(years + 1)
    ]
    assets = [np.full(count, start)]
    liabilities = [liability(0, level[0], breakeven[0])[0]]
    benefits = []
    for y in range(1, years + 1):
        due, paid = liability(y, level[y], breakeven[y])
        gilt = GILT * (((1 + R) / (1 + R + steps[y - 1])) ** 20 - 1 + CARRY[2])
        rest = CASH * CARRY[0] + EQUITY * (CARRY[1] + annual[y - 1].returns["EQ"])
        held = np.clip(assets[-1], 0.0, None)
        if rule == "hedge":
            hedged = np.minimum(pv01[y - 1] / pv01[0], held / hedge_book)
            gain = hedged * gilt + (held - hedged * hedge_book) / rest_book * rest
        else:
            gain = held / start * (gilt + rest)
        assets.append(assets[-1] + gain - paid)
        liabilities.append(due)
        benefits.append(paid)
    return np.array(assets).T, np.array(liabilities).T, np.array(benefits).T


def project(engine: ScenarioEngine, count=400, seed=7, years=10, rebalance="hedge"):
    return project_funding(
        engine, POSITIONS, CARRY, years=years, count=count, seed=seed, rebalance=rebalance
    )


@pytest.mark.parametrize("rule", ["hedge", "constant_mix"])
def test_without_moves_the_paths_are_the_closed_forms(rule):
    calm = engine(0.0)
    projection = project(calm, count=5, rebalance=rule)
    assets, liabilities, benefits = reference(calm, 5, 7, 10, rule)
    np.testing.assert_allclose(projection.liabilities, liabilities, rtol=RTOL)
    np.testing.assert_allclose(projection.benefits, benefits, rtol=RTOL)
    np.testing.assert_allclose(projection.assets, assets, rtol=RTOL)
    table = projection.table
    np.testing.assert_allclose(table["p5"], table["p95"], rtol=RTOL)
    np.testing.assert_allclose(table["p50"], assets[0] / liabilities[0], rtol=RTOL)


@pytest.mark.parametrize("rule", ["hedge", "constant_mix"])
def test_simulated_paths_equal_the_numpy_recursion(rule):
    moving = engine(90.0)
    projection = project(moving, rebalance=rule)
    assets, liabilities, benefits = reference(moving, 400, 7, 10, rule)
    np.testing.assert_allclose(projection.liabilities, liabilities, rtol=RTOL)
    np.testing.assert_allclose(projection.benefits, benefits, rtol=RTOL)
    np.testing.assert_allclose(projection.assets, assets, rtol=RTOL)
    np.testing.assert_allclose(projection.funding_ratio, assets / liabilities, rtol=RTOL)
    assert projection.to_dict()["rebalance"] == rule


def test_the_rules_agree_in_the_first_year_and_then_part():
    moving = engine(90.0)
    hedge, mix = project(moving), project(moving, rebalance="constant_mix")
    np.testing.assert_allclose(hedge.assets[:, 1], mix.assets[:, 1], rtol=RTOL)
    assert not np.allclose(hedge.assets[:, 2:], mix.assets[:, 2:])


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
    words = " ".join(text.split())
    assert "the hedge book is kept at the policy's share of the liabilities' PV01" in words
    (row,) = [line.split() for line in text.splitlines() if line.startswith("3 ")]
    assert row[1] == f"{projection.table.loc[3, 'p50']:.1%}"
    data = projection.to_dict()
    assert [row["year"] for row in data["years"]] == [0, 1, 2, 3]
    assert data["years"][3]["p50"] == pytest.approx(projection.table.loc[3, "p50"], rel=RTOL)
    path = tmp_path / "fan.png"
    projection.plot(str(path))
    from matplotlib import image

    pixels = image.imread(str(path))
    assert pixels.shape[0] > 100
    assert pixels.std() > 0.05  # drawn, not blank


@pytest.mark.parametrize("years", [0, 51, 2.5, True])
def test_years_out_of_range_are_refused(years):
    with pytest.raises(DataError) as error:
        project(engine(0.0), years=years)
    assert str(error.value) == E_PROJECTION_YEARS.format(value=years)


def test_positions_rule_and_net_assets_are_checked():
    calm = engine(0.0)
    with pytest.raises(DataError) as error:
        project_funding(calm, np.array([1.0]), CARRY)
    assert str(error.value) == E_LENGTH.format(name="positions", got=1, want=3)
    with pytest.raises(DataError) as error:
        project_funding(calm, np.zeros(3), CARRY)
    assert str(error.value) == E_NET_ASSETS.format(value=0.0)
    with pytest.raises(DataError) as error:
        project(calm, rebalance="monthly")
    assert str(error.value) == E_REBALANCE.format(value="monthly")
