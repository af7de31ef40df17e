"""Funding-ratio projection (``project_funding``) against independent numpy valuations.

References, written out here from the documented model (ldi/scenarios/carry.py and
ldi/scenarios/projection.py):

- **Matched books stay matched.** A strip held against one benefit of the same amount, a
  coupon bond against benefits equal to its coupons and redemption, and an index-linked
  bond against inflation-linked benefits equal to its real flows, all on one sloped curve
  with no spread: the funding ratio is 1 on every path in every year (1e-9), under every
  rebalancing rule, with the default scenario model, a mean-reverting model with Student-t
  innovations and an external scenario file. The liabilities of the nominal books are also
  valued independently at each year-end: every flow after y discounted at the forward zero
  rate seen at y, ((D(y) / D(y + τ))^(1/τ) − 1), plus the path's move at tenor τ (np.interp
  on the moves' knots), (1e-10 relative).
- **The rules on flat curves** (nominal R = 4%, breakeven B = 3%, a level-only curve factor,
  so each path's cumulative move is one parallel shift Δ_y, and parallel breakeven moves
  e_y): liabilities L_y = Σ_{t>y} c_t (1 + R + Δ_y)^-(t − y) and benefits of the year
  Σ c_t (1 + R + Δ_{y−1})^(y − t), c_t = F_t + I_t U_t with the index realised on the path
  (Π (1 + B + e_n), geometric within a year) and expected at 1 + B + e_y after y; a book
  of cash (rate R: earns 1 + R + Δ_{y−1}), a growth asset (1 + μ + g_y) and a 20-year strip
  (worth (1 + R)^20 (1 + R + Δ_y)^-(20 − y) per unit). With A⁺ = max(A, 0):
  - ``constant_mix``: units x (A⁺_y / A_0) v_i(0) / v_i(y);
  - ``hedge``: the strip at k x its units today, k = h PV01_L(y) / PV01_strip(y) (h today's
    ratio; PV01 the slope of DF over a bp), capped so it costs at most A⁺; cash and growth
    hold the rest in their shares of today (3 : 4).
  Both sides are float64 sums of ~60 discounted flows and ten steps: 1e-11 relative.
- ``restrike`` against ``hedge`` on the default problem's solved policy: its key-rate PV01s
  stay nearer the policy's ratios (the mean bucket gap over the liabilities' PV01 is
  smaller in every year).
"""

import numpy as np
import pytest

import ldi
from ldi import BreakevenCurve, Cash, Cashflows, Market, ReturnSeeking, ZeroCouponBond, ZeroCurve
from ldi.errors import DataError
from ldi.instruments import Bond, IndexLinkedBond
from ldi.liabilities import Liabilities
from ldi.reporting import ProjectionReport
from ldi.risk.factors import FACTORS, RiskModel
from ldi.scenarios import Revaluation
from ldi.scenarios.external import read_scenarios, write_scenarios
from ldi.scenarios.pnl import ScenarioEngine
from ldi.scenarios.projection import (
    E_LENGTH,
    E_NET_ASSETS,
    E_PROJECTION_YEARS,
    E_REBALANCE,
    Policy,
    Rebalance,
    project_funding,
)
from ldi.scenarios.simulation import CurveFactors, ScenarioModel
from tests.reference import DEFAULT_PROBLEM

R, B, BP = 0.04, 0.03, 1e-4
RTOL = 1e-11
MATCHED = 1e-9
RULES = ["restrike", "hedge", "constant_mix"]  # resolve: tests/test_projection.py
TENORS = np.array([1.0, 5.0, 10.0, 20.0, 30.0, 50.0])
RATES = np.array([0.030, 0.034, 0.038, 0.043, 0.045, 0.042])
BREAKEVENS = np.array([0.032, 0.031, 0.033, 0.034, 0.033, 0.031])

# --- matched books --------------------------------------------------------------------------


def sloped_market() -> Market:
    curves = {"gilts": ZeroCurve(TENORS, RATES), "rpi": BreakevenCurve(TENORS, BREAKEVENS)}
    return Market(curves=curves, nominal="gilts", inflation="rpi")


def matched(book: str):
    """(instrument, liability cash flows) whose flows are the same money."""
    if book == "strip":
        return ZeroCouponBond(id="STRIP", maturity=25.0), Cashflows([25.0], [7.0e7])
    if book == "coupon bond":
        bond = Bond(id="GILT", coupon=0.045, maturity=20.0, frequency=2)
        times = np.arange(0.5, 20.01, 0.5)
        amounts = np.full(times.size, 2.25e6)
        amounts[-1] += 1.0e8
        return bond, Cashflows(times, amounts)
    linker = IndexLinkedBond(id="LINKER", coupon=0.005, maturity=15.0, frequency=2)
    times = np.arange(0.5, 15.01, 0.5)
    real = np.full(times.size, 0.25e6)
    real[-1] += 1.0e8
    return linker, Cashflows(times, np.zeros(times.size), real)


def scenario_model(kind: str, tmp_path) -> ScenarioModel:
    growth = RiskModel().volatility
    if kind == "default":
        return ScenarioModel(risk=RiskModel(volatility=growth))
    if kind == "mean reverting, t":
        return ScenarioModel(dynamics="mean_reverting", innovations="student_t")
    moves = ScenarioModel().annual_moves(150, 17, 10)
    path = tmp_path / "esg.parquet"
    write_scenarios(path, moves, np.interp(moves[0].knots, TENORS, RATES))
    return read_scenarios(path)


def independent_liabilities(cashflows: Cashflows, engine: ScenarioEngine, count, seed, years):
    """L_y of nominal benefits: forward zero rates seen at y plus the path's move (numpy)."""
    annual = engine.model.annual_moves(count, seed, years)
    knots = annual[0].knots
    cumulative = np.cumsum([m.nominal for m in annual], axis=0)  # (years, S, K)
    values = []
    for y in range(1, years + 1):
        t = cashflows.times[cashflows.times > y]
        tau = t - y
        start = (1.0 + np.interp(y, TENORS, RATES)) ** -y
        end = (1.0 + np.interp(t, TENORS, RATES)) ** -t
        forward = (start / end) ** (1.0 / tau) - 1.0
        move = np.stack([np.interp(tau, knots, row) for row in cumulative[y - 1]])
        amounts = cashflows.amounts[cashflows.times > y]
        values.append(((1.0 + forward + move) ** -tau) @ amounts)
    return np.array(values).T


@pytest.mark.parametrize("book", ["strip", "coupon bond", "linker"])
@pytest.mark.parametrize("kind", ["default", "mean reverting, t", "scenario file"])
def test_a_matched_book_stays_fully_funded_on_every_path_under_every_rule(book, kind, tmp_path):
    market = sloped_market()
    instrument, cashflows = matched(book)
    liabilities = Liabilities(cashflows, market.nominal_curve(), market.breakeven_curve())
    model = scenario_model(kind, tmp_path)
    engine = ScenarioEngine(Revaluation([instrument], market), liabilities, model)
    units = np.array([engine.liability_value / engine.ledger.today[0]])
    assert engine.ledger.today[0] == pytest.approx(1.0, rel=1e-12)
    for rule in RULES:
        projection = project_funding(engine, units, years=10, count=150, seed=17, rebalance=rule)
        np.testing.assert_allclose(projection.funding_ratio, 1.0, rtol=0, atol=MATCHED)
        assert np.all(projection.table["below_100"] == 0.0)  # fully funded, to rounding
        assert projection.count == 150
        if kind == "scenario file":
            assert projection.source == "150 paths from esg.parquet"
            assert projection.to_dict()["seed"] is None
        if book != "linker":
            reference = independent_liabilities(cashflows, engine, 150, 17, 10)
            np.testing.assert_allclose(projection.liabilities[:, 1:], reference, rtol=1e-10)


# --- the rules on flat curves ----------------------------------------------------------------

TIMES = np.arange(0.5, 30.0, 1.0)  # mid-year benefits: carried to each year-end
FIXED = np.linspace(40.0, 10.0, TIMES.size)
LINKED = np.linspace(20.0, 30.0, TIMES.size)
CASH, EQUITY, GILT = 300.0, 400.0, 300.0
POSITIONS = np.array([CASH, EQUITY, GILT])


def engine(volatility: float) -> ScenarioEngine:
    """The book above; level-only curve moves of ``volatility`` bp a year."""
    curves = {"gilts": ZeroCurve.flat(R), "rpi": BreakevenCurve.flat(B)}
    market = Market(curves=curves, nominal="gilts", inflation="rpi")
    instruments = [
        Cash(id="CASH", rate=R),
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


def liability(y: int, level, before, history, breakeven):
    """(L_y, benefits of year y, PV01_y) on flat curves: see the module docstring."""
    t = TIMES[None, :]
    d, b = level[:, None], breakeven[:, None]
    whole = np.minimum(np.floor(TIMES).astype(int), y)
    upper = np.minimum(whole + 1, y)
    fraction = np.where(y > TIMES, TIMES - whole, 0.0)
    realised = history[whole].T * (history[upper].T / history[whole].T) ** fraction
    uplift = np.where(t > y, history[y][:, None] * (1 + B + b) ** (t - y), realised)
    flows = FIXED + LINKED * uplift
    discount = (1 + R + d) ** -(t - y)
    due = np.where(t > y, flows * discount, 0.0).sum(axis=1)
    pv01 = np.where(t > y, flows * (t - y) * discount / (1 + R + d), 0.0).sum(axis=1) * BP
    carried = flows * (1 + R + before[:, None]) ** (y - t)
    paid = np.where((t > y - 1) & (t <= y), carried, 0.0).sum(axis=1)
    return due, paid, pv01


def reference(engine: ScenarioEngine, count: int, seed: int, years: int, rule: str):
    """(assets, liabilities, benefits) of the recursions in the module docstring."""
    annual = engine.model.annual_moves(count, seed, years)
    level = np.vstack([np.zeros(count), np.cumsum([m.nominal[:, 0] for m in annual], axis=0)])
    breakeven = np.vstack([np.zeros(count), np.cumsum([m.breakeven[:, 0] for m in annual], axis=0)])
    history = np.vstack([np.ones(count), np.cumprod(1 + B + breakeven[1:], axis=0)])
    strip = [(1 + R) ** 20 * (1 + R + level[y]) ** -(20 - y) for y in range(years + 1)]
    strip_pv01 = [(20 - y) * strip[y] / (1 + R + level[y]) * BP for y in range(years + 1)]
    today, _, pv01_today = liability(0, level[0], level[0], history, breakeven[0])
    ratio = GILT * strip_pv01[0][0] / pv01_today[0]
    start = CASH + EQUITY + GILT
    units = np.tile(POSITIONS, (count, 1))
    assets, liabilities, benefits = [np.full(count, start)], [today], []
    for y in range(1, years + 1):
        due, paid, pv01 = liability(y, level[y], level[y - 1], history, breakeven[y])
        money = np.column_stack(
            [1 + R + level[y - 1], 1.06 + annual[y - 1].returns["EQ"], strip[y]]
        )
        grown = np.where(assets[-1] > 0, (units * money).sum(axis=1), assets[-1])
        total = grown - paid
        held = np.clip(total, 0.0, None)
        value = np.column_stack([np.ones(count), np.ones(count), strip[y]])
        if rule == "constant_mix":
            units = POSITIONS * (held / start)[:, None] * np.array([1.0, 1.0, 1.0]) / value
        else:
            k = ratio * pv01 / (GILT * strip_pv01[y])
            cost = k * GILT * strip[y]
            k = np.where(cost > held, k * held / cost, k)
            rest = held - k * GILT * strip[y]
            units = np.column_stack([rest * 3 / 7, rest * 4 / 7, k * GILT])
        assets.append(total)
        liabilities.append(due)
        benefits.append(paid)
    return np.array(assets).T, np.array(liabilities).T, np.array(benefits).T


def project(engine: ScenarioEngine, count=400, seed=7, years=10, rebalance="hedge"):
    return project_funding(
        engine, POSITIONS, years=years, count=count, seed=seed, rebalance=rebalance
    )


@pytest.mark.parametrize("rule", ["hedge", "constant_mix"])
@pytest.mark.parametrize("volatility", [0.0, 90.0])
def test_the_rules_are_the_recursions_written_by_hand(rule, volatility):
    book = engine(volatility)
    projection = project(book, rebalance=rule)
    assets, liabilities, benefits = reference(book, 400, 7, 10, rule)
    np.testing.assert_allclose(projection.liabilities, liabilities, rtol=RTOL)
    np.testing.assert_allclose(projection.benefits, benefits, rtol=RTOL)
    np.testing.assert_allclose(projection.assets, assets, rtol=RTOL)
    np.testing.assert_allclose(projection.funding_ratio, assets / liabilities, rtol=RTOL)
    assert projection.to_dict()["rebalance"] == rule
    if not volatility:
        table = projection.table
        np.testing.assert_allclose(table["p5"], table["p95"], rtol=RTOL)


def test_the_rules_agree_in_the_first_year_and_then_part():
    moving = engine(90.0)
    hedge, mix = project(moving), project(moving, rebalance="constant_mix")
    np.testing.assert_allclose(hedge.assets[:, 1], mix.assets[:, 1], rtol=RTOL)
    assert not np.allclose(hedge.assets[:, 2:], mix.assets[:, 2:])


@pytest.fixture(scope="module")
def default_policy():
    problem = ldi.load_problem(DEFAULT_PROBLEM)
    positions = problem.position_vector(problem.solve().positions)
    data = problem.model.data
    return (
        data.simulation,
        positions,
        float(data.liabilities["pv"]) / data.simulation.liability_value,
    )


def test_restriking_keeps_the_key_rate_hedge_nearer_the_policy_than_one_scale(default_policy):
    engine, x, size = default_policy
    annual = engine.model.annual_moves(200, 4, 10)
    n = x.size
    gaps = {}
    for rule in (Rebalance.HEDGE, Rebalance.RESTRIKE):
        policy = Policy.of(engine.ledger, x, rule, size)
        mean = []
        for end in engine.ledger.walk(annual, risk=True):
            if rule is Rebalance.RESTRIKE:
                scale = policy.key_rate_scales(end)
            else:
                scale = np.repeat(policy.one_scale(end), n, axis=1)
            held = np.where(policy.hedge, x * scale, 0.0)
            assets = np.einsum("si,sik->sk", held, end.key_pv01[:, :n])
            liabilities = end.key_pv01[:, n] * size
            gap = np.abs(assets - policy.ratios * liabilities).sum(axis=1)
            mean.append(np.mean(gap / liabilities.sum(axis=1)))
        gaps[rule] = np.array(mean)
    assert np.all(gaps[Rebalance.RESTRIKE] < gaps[Rebalance.HEDGE])


# --- the table, text and JSON ------------------------------------------------------------------


def test_once_every_benefit_is_paid_the_funding_ratio_is_undefined(recwarn):
    market = sloped_market()
    strip = ZeroCouponBond(id="STRIP", maturity=5.0)
    liabilities = Liabilities(Cashflows([5.0], [1.0e7]), market.nominal_curve())
    engine = ScenarioEngine(Revaluation([strip], market), liabilities, ScenarioModel())
    units = np.array([engine.liability_value])
    projection = project_funding(engine, units, years=8, count=50, seed=1)
    ratio = projection.funding_ratio
    np.testing.assert_allclose(ratio[:, :5], 1.0, rtol=0, atol=MATCHED)
    assert np.all(np.isnan(ratio[:, 5:]))
    table = projection.table
    assert table.loc[5:, ["p50", "below_100", "below_90"]].isna().all().all()
    assert np.all(table.loc[:4, "below_100"] == 0.0)
    text = ProjectionReport(projection).as_text()
    (row,) = [line.split() for line in text.splitlines() if line.startswith("6 ")]
    assert row[1:6] == ["–"] * 5
    assert projection.to_dict()["years"][6]["p50"] is None
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


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


def test_json_has_the_table_and_the_settings():
    """The text and the fan chart: tests/reporting/test_projection_report.py."""
    projection = project(engine(90.0), years=3, rebalance="restrike")
    data = projection.to_dict()
    assert data["scenario_model"] == "1 curve factor, random walks, normal innovations"
    assert [row["year"] for row in data["years"]] == [0, 1, 2, 3]
    assert data["years"][3]["p50"] == pytest.approx(projection.table.loc[3, "p50"], rel=RTOL)
    assert (data["rebalance"], data["carry"]) == ("restrike", "forwards")


@pytest.mark.parametrize("years", [0, 51, 2.5, True])
def test_years_out_of_range_are_refused(years):
    with pytest.raises(DataError) as error:
        project(engine(0.0), years=years)
    assert str(error.value) == E_PROJECTION_YEARS.format(value=years)


def test_positions_rule_and_net_assets_are_checked():
    calm = engine(0.0)
    with pytest.raises(DataError) as error:
        project_funding(calm, np.array([1.0]))
    assert str(error.value) == E_LENGTH.format(name="positions", got=1, want=3)
    with pytest.raises(DataError) as error:
        project_funding(calm, np.zeros(3))
    assert str(error.value) == E_NET_ASSETS.format(value=0.0)
    with pytest.raises(DataError) as error:
        project(calm, rebalance="monthly")
    choices = [rule.value for rule in Rebalance]
    assert str(error.value) == E_REBALANCE.format(value="monthly", choices=choices)
