"""Full revaluation under moves (``Revaluation``, ``liability_values``) against closed forms.

References, written out here in numpy on flat curves (annual compounding, DF = (1 + z)^-t,
a move Δ(t) added to the zero rate: ``np.interp`` of its knots, flat outside):

- bonds per unit of market value: Σ a_i DF'(t_i) / Σ a_i DF(t_i) over coupons rolled back
  from maturity every 1/frequency years (a z-spread s is added to z on both sides);
- a receive-fixed swap per unit notional: K Σ τ_i DF'(t_i) + DF'(T) − 1 (single curve);
- a zero-coupon inflation swap: ((1 + b + Δb)^T − (1 + K)^T) DF'(T);
- an index-linked bond: real flows a_i uprated by (1 + b + Δb)^t_i, per unit of value;
- a growth asset with stated durations: (1 − D_r Δn + D_i Δb − D_s Δc)(1 + g);
- repo per unit borrowed: −(1 + r x term) DF'(term);
- PV01, IE01, CS01 of ``ldi.instrument_risk`` (its own bump grid) by central differences of
  the values at ±1bp of each factor.

Tolerances: values are ratios of sums of at most ~40 discounted flows, so ldi and numpy
differ by rounding: 1e-12 relative (1e-14 absolute near 0). Central differences of values
near 1 carry ~1e-16 / 1e-4 relative error on a PV01 of ~1e-3: 1e-9 relative, as briefed.
"""

import numpy as np
import pytest

import ldi
from ldi import (
    Bond,
    BreakevenCurve,
    Cash,
    Cashflows,
    IndexLinkedBond,
    InflationSwap,
    InterestRateSwap,
    Market,
    Repo,
    ReturnSeeking,
    ZeroCouponBond,
    ZeroCurve,
)
from ldi.curves.spread import RateSpread
from ldi.instruments import value_all
from ldi.liabilities import Liabilities
from ldi.scenarios import Move, Revaluation, liability_values
from tests.reference import DEFAULT_PROBLEM, PROBLEMS

R, B = 0.04, 0.03  # flat nominal zero rate and breakeven (annual)
RTOL, ATOL = 1e-12, 1e-14
UP_100 = Move.of(nominal_bp=100)
# Knots after 0: a key-rate style hump peaking at 10y, and a twist.
HUMP = ((5.0, 10.0, 20.0), (0.0, 25.0, 0.0))
TWIST = ((1.0, 5.0, 10.0), (10.0, 40.0, -20.0))

NO_MARKET = Market({})  # liabilities that name no market curve


@pytest.fixture(scope="module")
def market():
    curves = {"gilts": ZeroCurve.flat(R), "rpi": BreakevenCurve.flat(B)}
    return Market(curves=curves, nominal="gilts", inflation="rpi")


def bp(shape):
    """A move's zero-rate change as a function of t, from a size or (tenors, bp)."""
    if isinstance(shape, tuple):
        tenors, sizes = shape
        return lambda t: np.interp(t, tenors, np.asarray(sizes) * 1e-4)
    return lambda t: np.full(np.shape(t), shape * 1e-4)


def df(t, shift=0.0, spread=0.0):
    t = np.asarray(t, dtype=float)
    return (1.0 + R + spread + shift) ** -t


def coupon_flows(coupon, maturity, frequency):
    """Coupon times rolled back from maturity, and the amounts per 100 face."""
    times = np.sort(maturity - np.arange(0, maturity * frequency + 1) / frequency)
    times = times[times > 1e-9]
    amounts = np.full(times.size, 100.0 * coupon / frequency)
    amounts[-1] += 100.0
    return times, amounts


def per_unit(times, amounts, dz, spread=0.0):
    """Value per unit of market value after the zero-rate move ``dz(t)``."""
    return float(amounts @ df(times, dz(times), spread) / (amounts @ df(times, 0.0, spread)))


def value(instrument, market, move):
    return float(Revaluation([instrument], market).values([move])[0, 0])


# --- bonds -----------------------------------------------------------------------------------


@pytest.mark.parametrize("maturity", [3.0, 7.0, 10.0, 15.0, 25.0])
@pytest.mark.parametrize("shape", [100, -100, HUMP, TWIST])
def test_zero_coupon_bond_per_unit_of_value(market, maturity, shape):
    move = Move.of(nominal_bp=shape)
    expected = (1.0 + R) ** maturity * df(maturity, bp(shape)(maturity))
    got = value(ZeroCouponBond(id="Z", maturity=maturity), market, move)
    assert got == pytest.approx(expected, rel=RTOL)


def test_zero_coupon_bond_under_100bp_by_hand(market):
    got = value(ZeroCouponBond(id="Z", maturity=10.0), market, UP_100)
    assert got == pytest.approx((1.04 / 1.05) ** 10, rel=RTOL)


@pytest.mark.parametrize("shape", [100, HUMP, TWIST])
@pytest.mark.parametrize("spread", [0.0, 0.002])
def test_coupon_bond_per_unit_of_value(market, shape, spread):
    # Maturity off the coupon grid: a short first period and accrued interest.
    bond = Bond(id="B", coupon=0.05, maturity=9.8, frequency=2, spread=spread)
    times, amounts = coupon_flows(0.05, 9.8, 2)
    assert times[0] == pytest.approx(0.3)
    expected = per_unit(times, amounts, bp(shape), spread)
    assert value(bond, market, Move.of(nominal_bp=shape)) == pytest.approx(expected, rel=RTOL)


def test_credit_bonds_see_the_credit_widening_and_gilts_do_not(market):
    move = Move.of(nominal_bp=50, credit_spread_bp=100)
    gilt = ZeroCouponBond(id="GILT", maturity=10.0)
    credit = ZeroCouponBond(id="CREDIT", maturity=10.0, spread=0.01, credit=True)
    coupon = Bond(id="CREDIT_B", coupon=0.05, maturity=9.8, frequency=2, credit=True)
    got = Revaluation([gilt, credit, coupon], market).values([move])[:, 0]
    times, amounts = coupon_flows(0.05, 9.8, 2)
    expected = [
        (1.04 / 1.045) ** 10,  # nominal +50bp only
        (1.05 / 1.065) ** 10,  # curve + 100bp spread, then +50bp nominal +100bp credit
        per_unit(times, amounts, bp(150)),
    ]
    np.testing.assert_allclose(got, expected, rtol=RTOL)


def test_index_linked_bond_under_a_breakeven_move(market):
    linker = IndexLinkedBond(id="IL", coupon=0.005, maturity=10.0, frequency=2)
    times, real = coupon_flows(0.005, 10.0, 2)
    nominal = df(times)

    def expected(db, dn=0.0):
        moved = real * (1.0 + B + db) ** times
        return float(moved @ df(times, dn) / (real * (1.0 + B) ** times @ nominal))

    moves = [Move.of(breakeven_bp=50), Move.of(breakeven_bp=-100), Move.of(nominal_bp=100)]
    got = Revaluation([linker], market).values(moves)[0]
    np.testing.assert_allclose(got, [expected(0.005), expected(-0.01), expected(0, 0.01)], RTOL)
    assert got[0] > 1.0 > got[1]


# --- overlays and financing ------------------------------------------------------------------


@pytest.mark.parametrize("shape", [0, 100, -100, HUMP, TWIST])
def test_par_swap_per_unit_notional(market, shape):
    times = np.arange(1.0, 11.0)  # annual fixed leg, 10 years
    par = (1.0 - df(10.0)) / df(times).sum()
    assert par == pytest.approx(R, rel=1e-14)  # flat annual curve: the par rate is the rate
    moved = df(times, bp(shape)(times))
    expected = par * moved.sum() + moved[-1] - 1.0
    got = value(InterestRateSwap(id="S", tenor=10.0), market, Move.of(nominal_bp=shape))
    assert got == pytest.approx(expected, rel=RTOL, abs=ATOL)


@pytest.mark.parametrize(("db", "dn"), [(50, 0), (-50, 0), (30, 100)])
def test_zero_coupon_inflation_swap_under_a_breakeven_move(market, db, dn):
    T, K = 10.0, B  # par: K = b(T) on a flat breakeven curve without lag
    expected = ((1 + B + db * 1e-4) ** T - (1 + K) ** T) * df(T, dn * 1e-4)
    got = value(InflationSwap(id="ZC", maturity=T), market, Move.of(breakeven_bp=db, nominal_bp=dn))
    assert got == pytest.approx(expected, rel=RTOL, abs=ATOL)


@pytest.mark.parametrize("shape", [0, 100, -250])
def test_repo_repays_on_the_moved_curve(market, shape):
    repo = Repo(id="R", collateral="B", term=0.5, haircut=0.02, rate=0.05)
    expected = -(1.0 + 0.05 * 0.5) * df(0.5, shape * 1e-4)
    assert value(repo, market, Move.of(nominal_bp=shape)) == pytest.approx(expected, rel=RTOL)


def test_fair_repo_is_worth_minus_one_today(market):
    revaluation = Revaluation([Repo(id="R", collateral="B", term=0.25, haircut=0.02)], market)
    assert revaluation.base[0] == pytest.approx(-1.0, rel=RTOL)


# --- cash and growth assets ------------------------------------------------------------------


def test_cash_never_moves(market):
    moves = [UP_100, Move.of(breakeven_bp=-100, credit_spread_bp=300, growth=-0.5)]
    np.testing.assert_array_equal(Revaluation([Cash(id="C")], market).values(moves), [[1, 1]])


def test_growth_asset_moves_by_its_stated_durations_then_its_return(market):
    asset = ReturnSeeking(
        id="EQ",
        expected_return=0.07,
        volatility=0.16,
        rates_duration=3.0,
        inflation_duration=2.0,
        spread_duration=1.5,
    )
    move = Move.of(nominal_bp=100, breakeven_bp=50, credit_spread_bp=80, growth=-0.2)
    expected = (1 - 3.0 * 0.01 + 2.0 * 0.005 - 1.5 * 0.008) * (1 - 0.2)
    assert value(asset, market, move) == pytest.approx(expected, rel=RTOL)


def test_a_stated_duration_reads_a_curve_move_at_its_own_tenor(market):
    # StatedRisk places a duration D as a zero-coupon payment at |D| years would be.
    asset = ReturnSeeking(id="P", expected_return=0.06, volatility=0.12, rates_duration=15.0)
    move = Move.of(nominal_bp=((2.0, 10.0, 30.0), (-50.0, 0.0, 50.0)))
    assert value(asset, market, move) == pytest.approx(1 - 15.0 * 0.00125, rel=RTOL)


def test_returns_override_growth_and_reach_any_instrument(market):
    equity = ReturnSeeking(id="EQ", expected_return=0.07, volatility=0.16)
    other = ReturnSeeking(id="DGF", expected_return=0.05, volatility=0.09)
    gilt = ZeroCouponBond(id="GILT", maturity=10.0)
    cash = Cash(id="CASH")
    move = Move.of(nominal_bp=100, growth=-0.25, returns={"EQ": -0.4, "GILT": -0.1})
    got = Revaluation([equity, other, gilt, cash], market).values([move])[:, 0]
    np.testing.assert_allclose(got, [0.6, 0.75, (1.04 / 1.05) ** 10 * 0.9, 1.0], rtol=RTOL)


# --- the whole table -------------------------------------------------------------------------


def universe():
    return [
        ZeroCouponBond(id="ZCB", maturity=12.0),
        Bond(id="GILT", coupon=0.05, maturity=9.8, frequency=2, spread=0.002),
        Bond(id="CREDIT", coupon=0.045, maturity=14.3, frequency=2, spread=0.01, credit=True),
        IndexLinkedBond(id="LINKER", coupon=0.005, maturity=20.0, frequency=2),
        InterestRateSwap(id="SWAP", tenor=30.0),
        InflationSwap(id="ZCIS", maturity=20.0),
        Repo(id="REPO", collateral="GILT", term=0.25, haircut=0.02),
        ReturnSeeking(
            id="PROPERTY",
            expected_return=0.06,
            volatility=0.12,
            rates_duration=4.0,
            inflation_duration=3.0,
            spread_duration=2.0,
        ),
        Cash(id="CASH"),
    ]


def test_base_values_per_unit(market):
    revaluation = Revaluation(universe(), market)
    assert list(revaluation.ids) == [i.id for i in universe()]
    # Physical assets are worth 1 per unit of value, par swaps 0, fair repo -1.
    expected = [1, 1, 1, 1, 0, 0, -1, 1, 1]
    np.testing.assert_allclose(revaluation.base, expected, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize(
    ("column", "down", "up"),
    [
        ("pv01", Move.of(nominal_bp=-1), Move.of(nominal_bp=1)),
        ("ie01", Move.of(breakeven_bp=1), Move.of(breakeven_bp=-1)),
        ("cs01", Move.of(credit_spread_bp=-1), Move.of(credit_spread_bp=1)),
    ],
)
def test_central_differences_equal_instrument_risk(market, column, down, up):
    values = Revaluation(universe(), market).values([down, up])
    central = (values[:, 0] - values[:, 1]) / 2
    exposures = ldi.instrument_risk(universe(), market).exposures[column]
    np.testing.assert_allclose(central, exposures.to_numpy(), rtol=1e-9, atol=1e-15)
    assert np.count_nonzero(np.abs(central) > 1e-6) >= 2  # not a table of zeros


def test_each_row_revalues_in_a_mixed_universe_as_it_does_alone(market):
    """Rows on other curves, indices or credit alongside, interleaved, change nothing of a row."""
    credit = ZeroCurve.flat(R + 0.01)
    mixed = Market(curves={**market.curves, "credit": credit}, nominal="gilts", inflation="rpi")
    instruments = [
        *universe(),
        Bond(id="ON_CREDIT", coupon=0.04, maturity=8.0, frequency=2, curve="credit"),
        Bond(id="CREDIT_2", coupon=0.03, maturity=6.0, frequency=1, spread=0.02, credit=True),
        Bond(id="GILT_2", coupon=0.02, maturity=25.0, frequency=2),
    ]
    moves = [UP_100, Move.of(nominal_bp=HUMP, breakeven_bp=TWIST, credit_spread_bp=40)]
    together = Revaluation(instruments, mixed).values(moves)
    alone = np.vstack([Revaluation([i], mixed).values(moves) for i in instruments])
    np.testing.assert_allclose(together, alone, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("path", sorted(PROBLEMS.glob("*.yaml")), ids=lambda p: p.stem)
def test_valuations_as_columns_as_units_or_valued_here_revalue_alike(path):
    problem = ldi.load_problem(path)
    instruments = list(problem.instruments.values())
    units = list(problem.valuations)
    moves = problem.scenario_engine().model.annual_moves(50, 3)[0]
    first, *others = [
        Revaluation(instruments, problem.market, given)
        for given in (problem.valuations, units, None)
    ]
    expected = first.values(moves)
    for other in others:
        np.testing.assert_array_equal(other.values(moves), expected)
        np.testing.assert_array_equal(other.base, first.base)
    assert all(ours is theirs for ours, theirs in zip(first.valuations, units, strict=True))
    assert problem.scenario_engine().ledger.valuations is problem.valuations  # not rebuilt


def test_valuations_of_other_instruments_are_refused(market):
    valued = value_all(universe()[:3], market)
    message = "^valued: got 3 valuations for 9 instruments; expected one per instrument"
    with pytest.raises(ldi.DataError, match=message):
        Revaluation(universe(), market, valued).values([Move()])


# --- liabilities -----------------------------------------------------------------------------


def test_liability_values_are_the_pv_of_fixed_flows_on_the_moved_basis():
    tenors, rates = [1.0, 10.0, 30.0], [0.035, 0.04, 0.045]
    times = np.arange(1.0, 41.0)
    flows = 1e6 * np.exp(-times / 20.0)
    basis = ZeroCurve(tenors, rates).shifted(50)  # the basis spread: +50bp
    liabilities = Liabilities(Cashflows(times, flows), basis)
    shapes = [0, 100, -100, HUMP, TWIST]
    got = liability_values(liabilities, [Move.of(nominal_bp=s) for s in shapes], NO_MARKET)
    zero = np.interp(times, tenors, rates) + 0.005
    expected = [float(flows @ (1.0 + zero + bp(s)(times)) ** -times) for s in shapes]
    np.testing.assert_allclose(got, expected, rtol=RTOL)


def test_liability_values_of_the_default_scheme_equal_pv_on_moved_curves():
    problem = ldi.load_problem(DEFAULT_PROBLEM)
    cf = problem.liabilities.cashflows
    curve, rpi = problem.liabilities.discount_curve, problem.liabilities.inflation_curve
    twist = RateSpread(np.array([2.0, 10.0, 30.0]), np.array([-50.0, 0.0, 50.0]) * 1e-4)
    moves = [
        Move(),
        Move.of(nominal_bp=100),
        Move.of(breakeven_bp=50),
        Move.of(nominal_bp=((2.0, 10.0, 30.0), (-50.0, 0.0, 50.0))),
        Move.of(credit_spread_bp=100, growth=-0.25),  # neither moves the liabilities
    ]
    expected = [
        ldi.pv(cf, curve, rpi),
        ldi.pv(cf, curve.shifted(100), rpi),
        ldi.pv(cf, curve, rpi.shifted(50)),
        ldi.pv(cf, curve.with_spread(twist), rpi),
        ldi.pv(cf, curve, rpi),
    ]
    np.testing.assert_allclose(
        liability_values(problem.liabilities, moves, problem.market), expected, rtol=RTOL
    )


# --- moves with a knot at 0 ------------------------------------------------------------------

# A move is linear from its value at 0 to its first positive knot, as RateSpread is.


def test_a_move_rising_from_zero_moves_short_flows_by_its_value_at_their_time(market):
    move = Move.of(nominal_bp=((0.0, 10.0), (0.0, 100.0)))  # 5bp at 0.5y
    assert move.nominal(0.5) == pytest.approx(0.0005)
    got = value(ZeroCouponBond(id="Z", maturity=0.5), market, move)
    assert got == pytest.approx((1.04 / 1.0405) ** 0.5, rel=RTOL)


def test_liability_flows_before_the_first_positive_knot_follow_the_move():
    liabilities = Liabilities(Cashflows([0.5], [100.0]), ZeroCurve.flat(R))
    move = Move.of(nominal_bp=((0.0, 10.0), (0.0, 100.0)))
    got = liability_values(liabilities, [move], NO_MARKET)[0]
    assert got == pytest.approx(100.0 * 1.0405**-0.5, rel=RTOL)


def test_a_return_for_an_unknown_id_names_it(market):
    move = Move.of(returns={"NOPE": -0.1})
    with pytest.raises(ldi.DataError, match=r"^Move.returns: unknown instrument id 'NOPE'"):
        Revaluation([Cash(id="CASH")], market).values([move])


@pytest.mark.parametrize("beta", [0.0, 0.5, 1.0])
def test_liabilities_move_with_credit_spreads_by_their_beta(beta):
    # 100 due in 10 years on a flat annual curve: the widening moves the rate by beta x 80bp.
    liabilities = Liabilities(
        Cashflows([10.0], [100.0]), ZeroCurve.flat(R, compounding="annual"), None, {}, beta
    )
    move = Move.of(nominal_bp=20, credit_spread_bp=80)
    got = liability_values(liabilities, [move], NO_MARKET)[0]
    assert got == pytest.approx(100.0 * (1 + R + 20e-4 + beta * 80e-4) ** -10, rel=1e-14)
