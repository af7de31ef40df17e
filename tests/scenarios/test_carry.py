"""The model of time (``Ledger``) against valuations written out here in numpy.

References, from the documented model (ldi/scenarios/carry.py), with curves read by
np.interp on their pillars and discount factors (1 + r)^-t (annual compounding):

- today: ``Ledger.today`` is the revaluation every stress uses (``Revaluation.base``) and
  the liabilities' value (1e-12 relative);
- no market move, ``forwards``: a stream of fixed flows on the money-market curve without
  a spread, and a receiver swap with its floating leg, grow at the forwards: money at y =
  value at y − 1 x D(y − 1) / D(y); cash earns its rate plus the change of the forward
  one-year rate (closed forms);
- no market move, ``unchanged``: a strip of maturity T is worth D_0(T − y) / D_0(T) per unit
  at y (the curve keeps its shape by tenor: roll-down);
- level moves on flat curves (nominal R, breakeven B), a path's cumulative move Δ_y at every
  tenor and breakeven move e_y: a flow at t > y is worth (1 + R + Δ_y)^-(t − y), a flow of
  the year is carried to its end by (1 + R + Δ_{y−1})^(y − t); the index realised over year
  n is 1 + B + e_n, interpolated geometrically within a year, and expected to grow at
  1 + B + e_y after y; LPI clips each realised year to [1 + floor, 1 + cap] and values the
  years ahead by Black (scipy.stats.norm here) with volatility σ √(years to fixing);
  cash earns 1 + rate + Δ_{y−1}, a receiver swap its fixed flows less (1 + R + Δ_{y−1}), a
  fair repo −(1 + R + Δ_{y−1}), a growth asset 1 + μ + (1 − D δ)(1 + g) − 1;
- key-rate PV01 against a central difference of the same valuation with the key-rate
  weight bumped ±1bp (1e-6 relative: the derivative and the difference differ by the
  curvature of DF over a bp), IE01 against a one-sided 1bp bump of the breakevens; at a
  year-end (``standing``) key-rate IE01 against the central difference (1e-10), curvature
  against a second difference of ±1bp (1e-5: the difference's own error), and a year more
  without a move against growth at 1 + R + Δ_y (flat curves roll onto themselves);
- liabilities in tranches: their key-rate PV01s are those of each tranche on a ledger of
  its own, summed;
- ``revalue``: an instantaneous move from a path's markets at a year-end, e.g. a strip
  worth its value x ((1 + R + Δ_y) / (1 + R + Δ_y + 2.5%))^τ after +250bp;
- the instruments' valuations given as columns, as units or not at all: the same numbers
  (exact); each row of a universe on several curves, spreads and indices ages as it does
  in a ledger of its own (1e-12).

Tolerances: sums of at most a few hundred discounted flows in float64, 1e-12 relative.
"""

import re

import numpy as np
import pytest
from scipy.stats import norm

import ldi
from ldi import BreakevenCurve, Cash, Cashflows, Market, ZeroCurve
from ldi.cashflows.indexation import Indexation
from ldi.cashflows.tranches import Tranches
from ldi.curves.inflation_volatility import CapletVolatility
from ldi.errors import DataError
from ldi.instruments import (
    Bond,
    IndexLinkedBond,
    InterestRateSwap,
    Repo,
    ReturnSeeking,
    Valuation,
    ZeroCouponBond,
)
from ldi.liabilities import Liabilities
from ldi.risk.factors import FACTORS, RiskModel
from ldi.scenarios import Revaluation, liability_values
from ldi.scenarios.carry import (
    E_CONVENTION,
    E_NO_BREAKEVEN,
    CarryConvention,
    Ledger,
    carry_convention,
)
from ldi.scenarios.pnl import ScenarioEngine
from ldi.scenarios.scenario import Move, MoveSet
from ldi.scenarios.simulation import CurveFactors, ScenarioModel
from tests.reference import PROBLEMS

R, B, BP = 0.04, 0.03, 1e-4
RTOL = 1e-12
TENORS = np.array([1.0, 5.0, 10.0, 20.0, 30.0, 50.0])
RATES = np.array([0.030, 0.034, 0.038, 0.043, 0.045, 0.042])  # a sloped gilt curve


def black(sigma: float) -> CapletVolatility:
    """A flat lognormal caplet volatility σ: year n's gross inflation has log-sd σ√n."""
    return CapletVolatility.flat(sigma, "lognormal")


def sloped() -> ZeroCurve:
    return ZeroCurve(TENORS, RATES)


def zero(t):
    """The sloped curve's zero rate at t, read independently."""
    return np.interp(t, TENORS, RATES)


def discount(t):
    return (1.0 + zero(t)) ** -np.asarray(t, dtype=float)


def level_model(rates_bp: float, breakeven_bp: float = 0.0, growth=None) -> ScenarioModel:
    """Level-only nominal moves (every tenor alike) and parallel breakeven moves."""
    volatility = {f: 0.0 for f in FACTORS} | {"rates": rates_bp, "inflation": breakeven_bp}
    if growth:
        volatility["growth"] = 0.16
    curve = CurveFactors(np.array([1.0, 50.0]), np.array([[1.0, 1.0]]), np.array([rates_bp]))
    return ScenarioModel(
        risk=RiskModel(volatility=volatility), curve=curve, growth_volatility=growth or {}
    )


def still(years: int) -> list[MoveSet]:
    return level_model(0.0).annual_moves(1, 0, years)


def paths(model: ScenarioModel, count: int, years: int, seed: int = 11):
    """(annual moves, Δ (years + 1, S), e (years + 1, S)) with year 0 at zero."""
    annual = model.annual_moves(count, seed, years)
    level = np.vstack([np.zeros(count), np.cumsum([m.nominal[:, 0] for m in annual], axis=0)])
    inflation = np.vstack([np.zeros(count), np.cumsum([m.breakeven[:, 0] for m in annual], axis=0)])
    return annual, level, inflation


def flat_market() -> Market:
    curves = {"gilts": ZeroCurve.flat(R), "rpi": BreakevenCurve.flat(B)}
    return Market(curves=curves, nominal="gilts", inflation="rpi")


def no_liabilities(market: Market) -> Liabilities:
    return Liabilities(Cashflows([1.0], [0.0]), market.nominal_curve())


# --- today -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(PROBLEMS.glob("*.yaml")), ids=lambda p: p.stem)
def test_today_is_the_revaluation_every_stress_uses(path):
    problem = ldi.load_problem(path)
    instruments = list(problem.instruments.values())
    ledger = Ledger(instruments, problem.market, problem.liabilities)
    base = Revaluation(instruments, problem.market).base
    np.testing.assert_allclose(ledger.today[:-1], base, rtol=RTOL, atol=RTOL)
    liabilities = liability_values(problem.liabilities, [Move()], problem.market)[0]
    assert ledger.today[-1] == pytest.approx(liabilities, rel=RTOL)


# --- no market move ----------------------------------------------------------------------


def test_on_forwards_fixed_streams_grow_at_the_forward_rates():
    market = Market(curves={"gilts": sloped()}, nominal="gilts")
    instruments = [
        ZeroCouponBond(id="STRIP", maturity=12.0),
        Bond(id="GILT", coupon=0.05, maturity=8.0, frequency=2),
        InterestRateSwap(id="SWAP", tenor=15.0),
        Cash(id="CASH", rate=0.036),
    ]
    ledger = Ledger(instruments, market, no_liabilities(market))
    value = ledger.today
    for end in ledger.walk(still(10)):
        y = end.year
        growth = discount(y - 1) / discount(y)
        np.testing.assert_allclose(end.money[0, :3], value[:3] * growth, rtol=RTOL, atol=1e-15)
        short = 1.0 / (discount(1.0)) - 1.0
        assert end.money[0, 3] == pytest.approx(1.0 + 0.036 + (growth - 1.0 - short), rel=RTOL)
        assert end.short[0] == pytest.approx(growth, rel=RTOL)
        value = end.value[0]
    assert value[0] == pytest.approx(discount(12.0) / discount(10.0) / discount(12.0), rel=RTOL)


def test_on_unchanged_curves_a_strip_rolls_down_the_curve():
    market = Market(curves={"gilts": sloped()}, nominal="gilts")
    ledger = Ledger(
        [ZeroCouponBond(id="STRIP", maturity=20.0)],
        market,
        no_liabilities(market),
        CarryConvention.UNCHANGED,
    )
    for end in ledger.walk(still(8)):
        expected = discount(20.0 - end.year) / discount(20.0)
        assert end.value[0, 0] == pytest.approx(expected, rel=RTOL)
        assert end.money[0, 0] == pytest.approx(expected, rel=RTOL)


def test_conventions_are_named_and_checked():
    assert carry_convention("unchanged") is CarryConvention.UNCHANGED
    with pytest.raises(DataError) as error:
        carry_convention("roll")
    assert str(error.value) == E_CONVENTION.format(value="roll", choices=["forwards", "unchanged"])


# --- level moves on flat curves -----------------------------------------------------------

BENEFIT_TIMES = np.arange(0.5, 12.0, 1.0)  # mid-year benefits: carried to each year-end
FIXED = np.linspace(30.0, 10.0, BENEFIT_TIMES.size)
LINKED = np.linspace(10.0, 20.0, BENEFIT_TIMES.size)


def flat_book(indexation: Indexation | None = None):
    market = flat_market()
    instruments = [
        ZeroCouponBond(id="STRIP", maturity=9.0),
        Bond(id="GILT", coupon=0.06, maturity=7.0, frequency=1),
        IndexLinkedBond(id="LINKER", coupon=0.01, maturity=6.0, frequency=1),
    ]
    cashflows = Cashflows(BENEFIT_TIMES, FIXED, LINKED, indexation or Indexation())
    liabilities = Liabilities(cashflows, market.nominal_curve(), market.breakeven_curve())
    return Ledger(instruments, market, liabilities), instruments


def uplift_history(inflation, floor=None, cap=None):
    """Realised uplift at year-ends 0..Y (Y + 1, S): Π (1 + B + e_n), clipped for LPI."""
    gross = 1.0 + B + inflation[1:]
    if floor is not None or cap is not None:
        gross = np.clip(gross, 1.0 + floor, 1.0 + cap)
    return np.vstack([np.ones(gross.shape[1]), np.cumprod(gross, axis=0)])


def realised(history, fixing):
    """Geometric interpolation of year-end uplifts at fixings (S, len fixing)."""
    whole = np.floor(fixing).astype(int)
    upper = np.minimum(whole + 1, history.shape[0] - 1)
    return history[whole].T * (history[upper].T / history[whole].T) ** (fixing - whole)


def test_bonds_and_benefits_age_on_level_moves_as_written_by_hand():
    ledger, instruments = flat_book()
    years, count = 8, 40
    annual, level, inflation = paths(level_model(90.0, 50.0), count, years)
    history = uplift_history(inflation)
    prices = ledger.today
    strip_face = 1.0 / (100.0 * (1.0 + R) ** -9.0)
    gilt_flows = np.array([6.0] * 6 + [106.0]) / (100.0 * prices[1] / prices[1])
    gilt_times = np.arange(1.0, 8.0)
    gilt_unit = 1.0 / (gilt_flows @ (1.0 + R) ** -gilt_times)
    linker_times = np.arange(1.0, 7.0)
    linker_real = np.array([1.0] * 5 + [101.0])
    today_linker = linker_real @ ((1.0 + B) / (1.0 + R)) ** linker_times
    for end in ledger.walk(annual):
        y = end.year
        d_now, d_before = level[y], level[y - 1]

        def df(t, d=d_now, year=y):
            return (1.0 + R + d[:, None]) ** -(t - year)

        def carried(t, d=d_before, year=y):
            return (1.0 + R + d[:, None]) ** (year - t)

        strip = np.where(y < 9.0, 100.0 * df(np.array([9.0]))[:, 0], 0.0) * strip_face
        np.testing.assert_allclose(end.value[:, 0], strip, rtol=RTOL)
        np.testing.assert_allclose(end.money[:, 0], strip + (y == 9) * 100 * strip_face)
        due, ahead = (gilt_times > y - 1) & (gilt_times <= y), gilt_times > y
        gilt = (df(gilt_times[ahead]) @ gilt_flows[ahead]) * gilt_unit
        paid = (carried(gilt_times[due]) @ gilt_flows[due]) * gilt_unit
        np.testing.assert_allclose(end.value[:, 1], gilt, rtol=RTOL)
        np.testing.assert_allclose(end.money[:, 1], gilt + paid, rtol=RTOL)
        now = history[y][:, None]
        expected = now * (1.0 + B + inflation[y][:, None]) ** (linker_times - y)
        amounts = np.where(linker_times > y, expected, realised(history, linker_times))
        ahead, due = linker_times > y, (linker_times > y - 1) & (linker_times <= y)
        linker = (amounts[:, ahead] * df(linker_times[ahead])) @ linker_real[ahead]
        coupons = (amounts[:, due] * carried(linker_times[due])) @ linker_real[due]
        np.testing.assert_allclose(end.value[:, 2], linker / today_linker, rtol=RTOL)
        np.testing.assert_allclose(end.money[:, 2], (linker + coupons) / today_linker, rtol=RTOL)
        t = BENEFIT_TIMES
        ahead, due = t > y, (t > y - 1) & (t <= y)
        expected = now * (1.0 + B + inflation[y][:, None]) ** (t - y)
        money = FIXED + LINKED * np.where(ahead, expected, realised(history, np.minimum(t, y)))
        value = (money[:, ahead] * df(t[ahead])).sum(axis=1)
        benefits = (money[:, due] * carried(t[due])).sum(axis=1)
        np.testing.assert_allclose(end.value[:, -1], value, rtol=RTOL)
        np.testing.assert_allclose(end.money[:, -1], value + benefits, rtol=RTOL)


def black_growth(forward, floor, cap, deviation):
    """E[min(max(Y, 1 + floor), 1 + cap)], Y lognormal with mean ``forward`` (scipy)."""

    def call(strike):
        d1 = (np.log(forward / strike) + 0.5 * deviation**2) / deviation
        return forward * norm.cdf(d1) - strike * norm.cdf(d1 - deviation)

    return 1.0 + floor + call(1.0 + floor) - call(1.0 + cap)


def test_lpi_clips_the_realised_years_and_prices_the_rest_by_black():
    floor, cap, sigma = 0.0, 0.05, 0.012
    ledger, _ = flat_book(Indexation(floor=floor, cap=cap, volatility=black(sigma)))
    years, count = 6, 60
    annual, level, inflation = paths(level_model(80.0, 300.0), count, years, seed=5)
    history = uplift_history(inflation, floor, cap)
    assert np.any(history[1:] / history[:-1] == 1.0 + cap)  # some years hit the cap
    assert np.any(history[1:] / history[:-1] == 1.0 + floor)  # and some the floor
    t = BENEFIT_TIMES
    for end in ledger.walk(annual):
        y = end.year
        ahead = t > y
        forward = 1.0 + B + inflation[y][:, None]
        tau = t[ahead] - y
        periods = np.arange(1, int(np.ceil(tau.max())) + 1)
        growth = black_growth(forward, floor, cap, sigma * np.sqrt(periods)[None, :])
        whole = np.floor(tau).astype(int)
        cumulative = np.hstack([np.ones((count, 1)), np.cumprod(growth, axis=1)])
        expected = cumulative[:, whole] * growth[:, np.minimum(whole, periods.size - 1)] ** (
            tau - whole
        )
        money = FIXED[ahead] + LINKED[ahead] * history[y][:, None] * expected
        value = (money * (1.0 + R + level[y][:, None]) ** -tau).sum(axis=1)
        np.testing.assert_allclose(end.value[:, -1], value, rtol=RTOL)


def test_floating_legs_cash_swap_and_repo_as_written_by_hand():
    market = flat_market()
    instruments = [
        Cash(id="CASH", rate=0.05),
        InterestRateSwap(id="SWAP", tenor=3.0),
        Repo(id="REPO", collateral="STRIP", term=0.25, haircut=0.02),
        ZeroCouponBond(id="STRIP", maturity=10.0),
    ]
    ledger = Ledger(instruments, market, no_liabilities(market))
    annual, level, _ = paths(level_model(90.0), 30, 5)
    for end in ledger.walk(annual):
        y = end.year
        short = 1.0 + R + level[y - 1]
        np.testing.assert_allclose(end.money[:, 0], short + 0.05 - R, rtol=RTOL)
        np.testing.assert_allclose(end.value[:, 0], 1.0)
        fixed_times = np.arange(1.0, 4.0)
        flows = np.array([R, R, 1.0 + R])
        ahead, due = fixed_times > y, fixed_times == y
        value = ((1.0 + R + level[y][:, None]) ** -(fixed_times[ahead] - y)) @ flows[ahead]
        alive = y <= 3
        swap = value + flows[due].sum() - (short if alive else 0.0)
        np.testing.assert_allclose(end.money[:, 1], swap, rtol=RTOL, atol=1e-15)
        np.testing.assert_allclose(end.value[:, 1], value - (1.0 if y < 3 else 0.0), atol=1e-15)
        np.testing.assert_allclose(end.money[:, 2], -short, rtol=RTOL)
        np.testing.assert_allclose(end.value[:, 2], -1.0)
        np.testing.assert_allclose(end.short, short, rtol=RTOL)


def test_growth_assets_earn_their_return_their_shock_and_their_stated_durations():
    market = flat_market()
    instruments = [
        ReturnSeeking(id="EQ", expected_return=0.07, volatility=0.18),
        ReturnSeeking(id="PROP", expected_return=0.05, volatility=0.1, rates_duration=3.0),
    ]
    ledger = Ledger(instruments, market, no_liabilities(market))
    model = level_model(90.0, growth={"EQ": 0.18, "PROP": 0.1})
    annual = model.annual_moves(50, 4, 3)
    for end, move in zip(ledger.walk(annual), annual, strict=True):
        equity, prop = move.returns["EQ"], move.returns["PROP"]
        delta = move.nominal[:, 0]
        np.testing.assert_allclose(end.money[:, 0], 1.07 + equity, rtol=RTOL)
        expected = 1.0 + 0.05 + (1.0 - 3.0 * delta) * (1.0 + prop) - 1.0
        np.testing.assert_allclose(end.money[:, 1], expected, rtol=RTOL)
        np.testing.assert_allclose(end.value[:, :2], 1.0)


def test_key_rate_pv01_and_ie01_are_the_bumped_valuations():
    ledger, _ = flat_book()
    keys = ledger.keys
    annual, level, inflation = paths(level_model(90.0, 50.0), 5, 3)
    history = uplift_history(inflation)
    t = BENEFIT_TIMES
    for end in ledger.walk(annual, risk=True):
        y = end.year
        ahead = t > y
        tau = t[ahead] - y
        weights = np.stack([np.interp(tau, keys, unit) for unit in np.eye(keys.size)])
        uplift = history[y][:, None] * (1.0 + B + inflation[y][:, None]) ** tau
        money = FIXED[ahead] + LINKED[ahead] * uplift
        rate = R + level[y][:, None]

        def value(shift, money=money, rate=rate, tau=tau):
            return (money * (1.0 + rate + shift) ** -tau).sum(axis=1)

        for k in range(keys.size):
            central = (value(-BP * weights[k]) - value(BP * weights[k])) / 2
            np.testing.assert_allclose(end.key_pv01[:, -1, k], central, rtol=1e-6, atol=1e-9)
        up = history[y][:, None] * (1.0 + B + BP + inflation[y][:, None]) ** tau
        ie01 = ((up - uplift) * LINKED[ahead] * (1.0 + rate) ** -tau).sum(axis=1)
        np.testing.assert_allclose(end.ie01[:, -1], ie01, rtol=1e-10)


def test_liabilities_in_tranches_have_the_key_rate_pv01s_of_their_tranches_together():
    """The key-rate PV01s of liabilities in tranches: every tranche's, summed.

    Each tranche's flows run from the first year to the last, so the row's points are not
    in time order: the key-rate sums must not take them to be.
    """
    market = flat_market()
    parts = {
        "fixed": Cashflows(BENEFIT_TIMES, FIXED),
        "linked": Cashflows(BENEFIT_TIMES, np.zeros_like(FIXED), LINKED),
    }

    def ledger(cashflows) -> Ledger:
        curves = (market.nominal_curve(), market.breakeven_curve())
        return Ledger([], market, Liabilities(cashflows, *curves))

    whole, apart = ledger(Tranches(parts)), [ledger(part) for part in parts.values()]
    together = sum(part.today_risk[0][-1] for part in apart)
    np.testing.assert_allclose(whole.today_risk[0][-1], together, rtol=RTOL)
    annual, _, _ = paths(level_model(90.0, 50.0), 5, 3)
    walks = [whole.walk(annual, risk=True)] + [part.walk(annual, risk=True) for part in apart]
    for end, *ends in zip(*walks, strict=True):
        together = sum(part.key_pv01[:, -1] for part in ends)
        np.testing.assert_allclose(end.key_pv01[:, -1], together, rtol=RTOL)


def test_one_year_pnl_is_the_first_year_less_today_and_no_move_the_expected_return():
    ledger, instruments = flat_book()
    revaluation = Revaluation(instruments, ledger.market)
    engine = ScenarioEngine(revaluation, ledger.liabilities, level_model(90.0, 50.0))
    pnl, liability = engine.pnl(300, 2)
    (moves,) = engine.model.annual_moves(300, 2)
    money = ledger.first_year(moves)
    np.testing.assert_allclose(pnl, money[:, :-1] - ledger.today[:-1], rtol=RTOL, atol=1e-15)
    np.testing.assert_allclose(liability, money[:, -1] - ledger.today[-1], rtol=RTOL)
    expected, growth = engine.expected
    calm = ledger.first_year(still(1)[0])[0] - ledger.today
    np.testing.assert_allclose(expected, calm[:-1], rtol=RTOL, atol=1e-15)
    assert growth == pytest.approx(calm[-1], rel=RTOL)


def test_standing_exposures_and_next_years_carry_are_the_bumped_valuations():
    ledger, _ = flat_book()
    keys = ledger.keys
    annual, level, inflation = paths(level_model(90.0, 50.0), 4, 3)
    history = uplift_history(inflation)
    t = BENEFIT_TIMES
    for end in ledger.walk(annual):
        standing = ledger.standing(end)
        y = end.year
        ahead = t > y
        tau = t[ahead] - y
        weights = np.stack([np.interp(tau, keys, unit) for unit in np.eye(keys.size)])
        rate = R + level[y][:, None]

        def value(nominal=0.0, breakeven=0.0, tau=tau, rate=rate, y=y, ahead=ahead):
            uplift = history[y][:, None] * (1.0 + B + inflation[y][:, None] + breakeven) ** tau
            money = FIXED[ahead] + LINKED[ahead] * uplift
            return (money * (1.0 + rate + nominal) ** -tau).sum(axis=1)

        for k in range(keys.size):
            bump = BP * weights[k]
            central = (value(breakeven=bump) - value(breakeven=-bump)) / 2
            np.testing.assert_allclose(standing.key_ie01[:, -1, k], central, rtol=1e-10)
        h = 1e-4
        second = (value(nominal=h) + value(nominal=-h) - 2 * value()) / h**2
        np.testing.assert_allclose(standing.curvature[:, -1], second, rtol=1e-5)
        # A year more without a move: every flow grows at 1 + R + Δ_y, and the index at
        # 1 + B + e_y (flat curves roll onto themselves).
        strip_next = end.value[:, 0] * (1.0 + R + level[y])
        np.testing.assert_allclose(standing.expected[:, 0], strip_next - end.value[:, 0])
        benefits_next = end.value[:, -1] * (1.0 + R + level[y])
        np.testing.assert_allclose(
            standing.expected[:, -1], benefits_next - end.value[:, -1], rtol=1e-10
        )


def test_a_paths_markets_revalue_under_an_instantaneous_move():
    ledger, _ = flat_book()
    annual, level, inflation = paths(level_model(90.0, 50.0), 6, 2)
    moves = MoveSet.of(
        [Move.of(nominal_bp=250.0), Move.of(breakeven_bp=-100.0), Move.of(nominal_bp=0.0)]
    )
    history = uplift_history(inflation)
    t = BENEFIT_TIMES
    for end in ledger.walk(annual):
        y = end.year
        for path in (0, 3):
            values = ledger.revalue(end, path, moves)
            np.testing.assert_allclose(values[2], end.value[path], rtol=RTOL)
            tau = 9.0 - y
            expected = (
                end.value[path, 0]
                * ((1 + R + level[y][path]) / (1 + R + 0.025 + level[y][path])) ** tau
            )
            assert values[0, 0] == pytest.approx(expected, rel=RTOL)
            ahead = t > y
            uplift = history[y][path] * (1 + B - 0.01 + inflation[y][path]) ** (t[ahead] - y)
            money = FIXED[ahead] + LINKED[ahead] * uplift
            liabilities = money @ (1 + R + level[y][path]) ** -(t[ahead] - y)
            assert values[1, -1] == pytest.approx(liabilities, rel=RTOL)


def test_a_stress_at_a_year_end_moves_curves_apart_and_in_bond_yield_units():
    """Strips on gilts and on SONIA (SONIA declared over gilts) at projected year-ends.

    Reference: closed forms on the path's flat curves (each rate R_c + Δ_y, annual): a
    strip paying at 9 is worth its value times ((1 + z) / (1 + z'))^τ, with z' = z + m in
    zero-rate bp and z' = (1 + (Y(z) + m)/2)^2 − 1 in bond-yield bp, Y(z) = 2((1 + z)^½ − 1)
    the semiannual yield; gilts +10bp against SONIA (``bond_swap_bp``) and SONIA's spread
    −20bp (``curves_bp``) move SONIA by −10bp and −20bp. RTOL.
    """
    rates = {"gilts": R, "sonia": R - 0.004}
    curves = {name: ZeroCurve.flat(rate) for name, rate in rates.items()}
    market = Market(curves, nominal="gilts", swap="sonia", bases={"sonia": "gilts"})
    instruments = [ZeroCouponBond(id=n, maturity=9.0, curve=n) for n in rates]
    ledger = Ledger(instruments, market, Liabilities(Cashflows([1.0], [0.0]), curves["gilts"]))
    annual, level, _ = paths(level_model(90.0), 4, 2)
    moves = MoveSet.of(
        [
            Move.of(nominal_bp=250.0, units="yield"),
            Move.of(nominal_bp=10.0, bond_swap_bp=10.0),
            Move.of(curves_bp={"sonia": -20.0}),
        ]
    )
    for end in ledger.walk(annual):
        tau = 9.0 - end.year
        for path in range(4):
            values = ledger.revalue(end, path, moves)
            for column, name in enumerate(rates):
                z = rates[name] + level[end.year][path]
                semiannual = 2 * ((1 + z) ** 0.5 - 1)
                moved = {
                    0: (1 + (semiannual + 0.025) / 2) ** 2 - 1,
                    1: z + (0.001 if name == "gilts" else 0.0),
                    2: z - (0.002 if name == "sonia" else 0.0),
                }
                for row, after in moved.items():
                    expected = end.value[path, column] * ((1 + z) / (1 + after)) ** tau
                    assert values[row, column] == pytest.approx(expected, rel=RTOL), (row, name)


def test_paths_move_bonds_against_swaps_year_by_year():
    """Strips on gilts and on SONIA (the swap curve) as the paths' bonds-against-swaps move.

    Reference: on flat annual curves a unit of a strip paying at 9 is worth
    (1 + R_c)^9 (1 + z)^-(9 - y) at year-end y, with z = R_c + Δ_y on gilts and
    R_c + Δ_y − b_y on SONIA (Δ_y, b_y: the path's level and bonds-against-swaps moves so
    far, read from the simulated sets); RTOL.
    """
    rates = {"gilts": R, "sonia": R - 0.004}
    curves = {name: ZeroCurve.flat(rate) for name, rate in rates.items()}
    market = Market(curves, nominal="gilts", swap="sonia")
    instruments = [ZeroCouponBond(id=n, maturity=9.0, curve=n) for n in rates]
    ledger = Ledger(instruments, market, Liabilities(Cashflows([1.0], [0.0]), curves["gilts"]))
    volatility = {f: 0.0 for f in FACTORS} | {"rates": 90.0, "bond_swap": 20.0}
    curve = CurveFactors(np.array([1.0, 50.0]), np.array([[1.0, 1.0]]), np.array([90.0]))
    model = ScenarioModel(risk=RiskModel(volatility=volatility), curve=curve)
    annual = model.annual_moves(5, 4, 3)
    level = np.cumsum([m.nominal[:, 0] for m in annual], axis=0)
    basis = np.cumsum([m.bond_swap[:, 0] for m in annual], axis=0)
    assert np.all(np.abs(basis) > 0)
    for end in ledger.walk(annual):
        y = end.year
        for column, name in enumerate(rates):
            z = rates[name] + level[y - 1] - (basis[y - 1] if name == "sonia" else 0.0)
            expected = (1 + rates[name]) ** 9 * (1 + z) ** -(9.0 - y)
            np.testing.assert_allclose(end.value[:, column], expected, rtol=RTOL, err_msg=name)


def test_a_scenario_files_total_returns_are_not_added_to_the_expected_return():
    market = flat_market()
    instruments = [ReturnSeeking(id="EQ", expected_return=0.07, volatility=0.18)]
    ledger = Ledger(instruments, market, no_liabilities(market))
    (move,) = level_model(0.0, growth={"EQ": 0.18}).annual_moves(20, 4, 1)
    total = MoveSet(
        move.knots,
        move.nominal,
        move.breakeven,
        move.credit_spread,
        move.growth,
        {"EQ": move.returns["EQ"] + 0.07},
        total_returns=True,
    )
    shock = ledger.first_year(move)[:, 0]
    np.testing.assert_allclose(ledger.first_year(total)[:, 0], shock, rtol=RTOL)
    np.testing.assert_allclose(shock, 1.07 + move.returns["EQ"], rtol=RTOL)


# --- the instruments' valuations ------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(PROBLEMS.glob("*.yaml")), ids=lambda p: p.stem)
def test_valuations_as_columns_as_units_or_valued_here_age_alike(path):
    problem = ldi.load_problem(path)
    instruments = list(problem.instruments.values())
    ledgers = [
        Ledger(instruments, problem.market, problem.liabilities, valuations=given)
        for given in (problem.valuations, list(problem.valuations), None)
    ]
    annual = problem.scenario_engine().model.annual_moves(20, 3, 2)
    first, *others = ledgers
    for other in others:
        np.testing.assert_array_equal(other.today, first.today)
        for ours, theirs in zip(other.today_risk, first.today_risk, strict=True):
            np.testing.assert_array_equal(ours, theirs)
        walks = zip(other.walk(annual, risk=True), first.walk(annual, risk=True), strict=True)
        for ours, theirs in walks:
            for name in ("money", "value", "key_pv01", "ie01"):
                np.testing.assert_array_equal(getattr(ours, name), getattr(theirs, name))


def test_each_row_ages_in_a_universe_as_it_ages_alone():
    """Rows on other curves, spreads and indices alongside change nothing of a row."""
    gilts, credit = sloped(), ZeroCurve(TENORS, RATES + 0.012, compounding="continuous")
    rpi, cpi = BreakevenCurve.flat(B), BreakevenCurve.flat(B - 0.008)
    market = Market(
        curves={"gilts": gilts, "credit": credit, "rpi": rpi, "cpi": cpi},
        nominal="gilts",
        inflation="rpi",
    )
    instruments = [
        Cash(id="CASH", rate=0.036),
        IndexLinkedBond(id="LINKER", coupon=0.01, maturity=12.0, frequency=2),
        Bond(id="CORP", coupon=0.05, maturity=9.0, curve="credit", credit=True, spread=0.004),
        ReturnSeeking(id="GROWTH", expected_return=0.06, volatility=0.15, rates_duration=3.0),
        IndexLinkedBond(id="CPI_LINKER", coupon=0.005, maturity=20.0, inflation_curve="cpi"),
        InterestRateSwap(id="SWAP", tenor=15.0),
        Repo(id="REPO", collateral="LINKER", term=0.5, haircut=0.02),
        ZeroCouponBond(id="STRIP", maturity=25.0, spread=0.002),
    ]
    tranches = {
        "fixed": Cashflows(BENEFIT_TIMES, FIXED),
        "lpi": Cashflows(
            BENEFIT_TIMES,
            np.zeros_like(FIXED),
            LINKED,
            Indexation(floor=0.0, cap=0.05, volatility=black(0.01)),
        ),
    }
    liabilities = Liabilities(Tranches(tranches), gilts, rpi, credit_spread_beta=0.5)
    annual, _, _ = paths(level_model(90.0, 50.0, {"GROWTH": 0.15}), 6, 3)
    whole = Ledger(instruments, market, liabilities)
    for row, instrument in enumerate(instruments):
        alone = Ledger([instrument], market, liabilities)
        np.testing.assert_allclose(alone.today[0], whole.today[row], rtol=RTOL, atol=1e-15)
        walks = zip(alone.walk(annual, risk=True), whole.walk(annual, risk=True), strict=True)
        for ours, theirs in walks:
            for name in ("money", "value", "ie01"):
                np.testing.assert_allclose(
                    getattr(ours, name)[:, 0],
                    getattr(theirs, name)[:, row],
                    rtol=RTOL,
                    atol=1e-15,
                    err_msg=f"{instrument.id} {name}",
                )
            np.testing.assert_allclose(
                ours.key_pv01[:, 0], theirs.key_pv01[:, row], rtol=RTOL, atol=1e-15
            )


def test_linked_flows_without_a_breakeven_curve_name_their_row():
    market = flat_market()
    curve = market.nominal_curve()
    valuations = [
        Valuation(stream=Cashflows([1.0, 2.0], [1.0, 1.0]), curve=curve),
        Valuation(stream=Cashflows([1.0, 2.0], [0.0, 0.0], [1.0, 1.0]), curve=curve),
    ]
    instruments = [
        ZeroCouponBond(id="NOMINAL", maturity=2.0),
        ZeroCouponBond(id="REAL", maturity=2.0),
    ]
    ledger = Ledger(instruments, market, no_liabilities(market), valuations=valuations)
    with pytest.raises(DataError, match=f"^{re.escape(E_NO_BREAKEVEN.format(row='REAL'))}$"):
        ledger.first_year(still(1)[0])
