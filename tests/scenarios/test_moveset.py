"""Moves as arrays (``MoveSet``) and their full revaluation, chunked, against moves one by one.

References, written out here:

- ``MoveSet.of``: each ``Move``'s spreads evaluated at the union of the knots (``np.interp``
  of the (tenors, bp) shape, flat outside, the documented form of a move), and NaN returns
  where a move gives none;
- ``Revaluation.values`` / ``liability_values`` of a MoveSet: the same call on the list of
  ``Move`` built from the same rows (a path tested against closed forms in test_apply.py),
  and closed forms on flat annual curves (DF = (1 + z)^-t) for a zero-coupon bond, a credit
  bond, a growth asset with stated durations, cash and fixed liability flows;
- chunking (``ldi.scenarios.apply.CHUNK``): the unchunked result.

Tolerances: a MoveSet and its list of moves reach the same arrays, so they agree to 1e-14
absolute (values ~1); closed forms agree to 1e-12 relative (rounding in ratios of a few
discounted flows); knot values built from bp agree to 1e-15 absolute.
"""

import numpy as np
import pytest

import ldi.scenarios.apply as apply
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
from ldi.liabilities import Liabilities
from ldi.scenarios import Move, Revaluation, liability_values
from ldi.scenarios.scenario import MoveSet
from ldi.scenarios.simulation import ScenarioModel

R, B = 0.04, 0.03  # flat nominal zero rate and breakeven (annual)
ATOL, RTOL = 1e-14, 1e-12
TWIST = ((2.0, 10.0, 30.0), (-50.0, 0.0, 50.0))
HUMP = ((5.0, 10.0, 20.0), (0.0, 25.0, 0.0))
KNOTS = np.array([0.0, 2.0, 10.0, 30.0])

NO_MARKET = Market({})  # liabilities that name no market curve


@pytest.fixture(scope="module")
def market():
    curves = {"gilts": ZeroCurve.flat(R), "rpi": BreakevenCurve.flat(B)}
    return Market(curves=curves, nominal="gilts", inflation="rpi")


def universe():
    return [
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


def built(count, seed=7):
    """``count`` moves at KNOTS from a seeded generator, with returns given for some moves."""
    rng = np.random.default_rng(seed)
    gilt = rng.normal(0.0, 0.05, count)
    gilt[::2] = np.nan  # GILT's return given in odd moves only
    prop = rng.normal(0.0, 0.1, count)
    prop[1::3] = np.nan
    return MoveSet(
        knots=KNOTS,
        nominal=rng.normal(0.0, 0.01, (count, KNOTS.size)),
        breakeven=rng.normal(0.0, 0.005, (count, KNOTS.size)),
        credit_spread=rng.normal(0.0, 0.006, count),
        growth=rng.normal(0.0, 0.15, count),
        returns={"GILT": gilt, "PROPERTY": prop},
    )


def simulated(count):
    model = ScenarioModel(growth_volatility={"PROPERTY": 0.12})
    return model.simulate(count, seed=11)[0]


def moves_of(moves):
    """The list of ``Move`` a MoveSet's rows describe (NaN returns left out)."""
    return [
        Move(
            nominal=RateSpread(moves.knots, moves.nominal[s]),
            breakeven=RateSpread(moves.knots, moves.breakeven[s]),
            credit_spread=float(moves.credit_spread[s]),
            growth=float(moves.growth[s]),
            returns={n: float(r[s]) for n, r in moves.returns.items() if not np.isnan(r[s])},
        )
        for s in range(moves.count)
    ]


def interp_bp(shape, t):
    """A (tenors, bp) or parallel bp shape at ``t``, in decimals."""
    if isinstance(shape, tuple):
        return np.interp(t, shape[0], np.asarray(shape[1]) * 1e-4)
    return np.full(np.shape(t), shape * 1e-4)


# --- MoveSet.of, count, chunk, shifts --------------------------------------------------------

SHAPES = [  # (nominal_bp, breakeven_bp, credit_spread_bp, growth, returns)
    (TWIST, 0.0, 0.0, 0.0, {}),
    (0.0, HUMP, 30.0, -0.2, {"EQ": -0.35}),
    (100.0, -25.0, 130.0, 0.1, {"GILT": -0.05, "EQ": 0.02}),
]


@pytest.fixture
def stacked():
    moves = [
        Move.of(nominal_bp=n, breakeven_bp=b, credit_spread_bp=c, growth=g, returns=r)
        for n, b, c, g, r in SHAPES
    ]
    return MoveSet.of(moves)


def test_of_stacks_moves_on_the_union_of_their_knots(stacked):
    # Parallel moves have the single knot 0; the union with TWIST and HUMP by hand:
    knots = np.array([0.0, 2.0, 5.0, 10.0, 20.0, 30.0])
    np.testing.assert_array_equal(stacked.knots, knots)
    nominal = np.stack([interp_bp(n, knots) for n, *_ in SHAPES])
    breakeven = np.stack([interp_bp(b, knots) for _, b, *_ in SHAPES])
    np.testing.assert_allclose(stacked.nominal, nominal, rtol=0, atol=1e-15)
    np.testing.assert_allclose(stacked.breakeven, breakeven, rtol=0, atol=1e-15)
    np.testing.assert_allclose(stacked.credit_spread, [0.0, 0.003, 0.013], rtol=0, atol=1e-15)
    np.testing.assert_array_equal(stacked.growth, [0.0, -0.2, 0.1])
    assert stacked.count == 3


def test_of_gives_nan_returns_where_a_move_gives_none(stacked):
    assert sorted(stacked.returns) == ["EQ", "GILT"]
    np.testing.assert_array_equal(stacked.returns["EQ"], [np.nan, -0.35, 0.02])
    np.testing.assert_array_equal(stacked.returns["GILT"], [np.nan, np.nan, -0.05])


def test_chunk_slices_every_array(stacked):
    part = stacked.chunk(1, 3)
    assert part.count == 2
    np.testing.assert_array_equal(part.knots, stacked.knots)
    np.testing.assert_array_equal(part.nominal, stacked.nominal[[1, 2]])
    np.testing.assert_array_equal(part.breakeven, stacked.breakeven[[1, 2]])
    np.testing.assert_array_equal(part.credit_spread, stacked.credit_spread[[1, 2]])
    np.testing.assert_array_equal(part.growth, [-0.2, 0.1])
    np.testing.assert_array_equal(part.returns["EQ"], [-0.35, 0.02])
    np.testing.assert_array_equal(part.returns["GILT"], [np.nan, -0.05])
    assert stacked.chunk(3, 6).count == 0  # past the end: empty, as slicing is


@pytest.mark.parametrize("credit", [0.0, 0.5, 1.0])
def test_shifts_add_credit_times_the_widening_to_nominal_rates(stacked, credit):
    shifts = stacked.shifts(credit)
    widening = np.array([0.0, 0.003, 0.013])[:, None]
    np.testing.assert_array_equal(shifts.knots, stacked.knots)
    np.testing.assert_allclose(
        shifts.nominal, stacked.nominal + credit * widening, rtol=0, atol=1e-15
    )
    np.testing.assert_array_equal(shifts.breakeven, stacked.breakeven)
    t = np.array([1.0, 7.0, 40.0])  # between and beyond knots: linear, then flat
    expected = np.stack([interp_bp(n, t) for n, *_ in SHAPES]) + credit * widening
    np.testing.assert_allclose(shifts.nominal_at(t), expected, rtol=0, atol=1e-15)


# --- Revaluation.values of a MoveSet ---------------------------------------------------------


@pytest.mark.parametrize("source", ["built", "simulated"])
def test_values_of_a_moveset_equal_values_of_its_moves(market, source):
    moves = built(12) if source == "built" else simulated(12)
    revaluation = Revaluation(universe(), market)
    got = revaluation.values(moves)
    expected = Revaluation(universe(), market).values(moves_of(moves))
    assert got.shape == (8, 12)
    np.testing.assert_allclose(got, expected, rtol=0, atol=ATOL)
    assert np.ptp(got[:4], axis=1).min() > 1e-4  # the moves do move every priced asset


def test_values_of_a_moveset_are_the_closed_forms_on_a_flat_curve(market):
    moves = built(6)
    instruments = [
        ZeroCouponBond(id="GILT", maturity=12.0),  # given an explicit return in odd moves
        ZeroCouponBond(id="CREDIT", maturity=12.0, spread=0.01, credit=True),
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
    got = Revaluation(instruments, market).values(moves)
    dn = np.array([np.interp(t, KNOTS, row) for row in moves.nominal for t in (12.0, 4.0)])
    dn12, dn4 = dn[0::2], dn[1::2]
    db3 = np.array([np.interp(3.0, KNOTS, row) for row in moves.breakeven])
    c, g = moves.credit_spread, moves.growth
    prop = np.where(np.isnan(moves.returns["PROPERTY"]), g, moves.returns["PROPERTY"])
    expected = [
        ((1 + R) / (1 + R + dn12)) ** 12 * (1 + np.nan_to_num(moves.returns["GILT"])),
        ((1 + R + 0.01) / (1 + R + 0.01 + dn12 + c)) ** 12,
        (1 - 4.0 * dn4 + 3.0 * db3 - 2.0 * c) * (1 + prop),
        np.ones(moves.count),
    ]
    np.testing.assert_allclose(got, expected, rtol=RTOL)


def test_a_return_given_in_one_move_applies_to_that_move_only(market):
    eq = ReturnSeeking(id="EQ", expected_return=0.07, volatility=0.16)
    gilt = ZeroCouponBond(id="GILT", maturity=10.0)
    moves = MoveSet.of(
        [
            Move.of(growth=0.1),
            Move.of(growth=0.2, returns={"GILT": -0.1, "EQ": -0.3}),
            Move.of(growth=-0.05),
        ]
    )
    got = Revaluation([eq, gilt, Cash(id="CASH")], market).values(moves)
    # NaN elsewhere: the growth return for EQ, nothing for GILT and cash.
    expected = [[1.1, 0.7, 0.95], [1.0, 0.9, 1.0], [1.0, 1.0, 1.0]]
    np.testing.assert_allclose(got, expected, rtol=RTOL)


def test_chunked_values_equal_unchunked(market, monkeypatch):
    moves = built(10)
    flows = Cashflows(np.arange(1.0, 31.0), np.full(30, 100.0))
    liabilities = Liabilities(flows, ZeroCurve.flat(R))
    whole = Revaluation(universe(), market).values(moves)
    whole_liabilities = liability_values(liabilities, moves, NO_MARKET)
    calls = []
    chunk = MoveSet.chunk

    def spy(self, start, stop):
        calls.append((start, stop))
        return chunk(self, start, stop)

    monkeypatch.setattr(apply, "CHUNK", 3)
    monkeypatch.setattr(MoveSet, "chunk", spy)
    got = Revaluation(universe(), market).values(moves)
    assert calls == [(0, 3), (3, 6), (6, 9), (9, 12)]
    got_liabilities = liability_values(liabilities, moves, NO_MARKET)
    assert calls[4:] == [(0, 3), (3, 6), (6, 9), (9, 12)]
    np.testing.assert_allclose(got, whole, rtol=0, atol=ATOL)
    np.testing.assert_allclose(got_liabilities, whole_liabilities, rtol=1e-14)


# --- liability_values of a MoveSet ------------------------------------------------------------


@pytest.mark.parametrize("beta", [0.0, 0.5])
def test_liability_values_of_a_moveset_are_pv_on_the_moved_flat_curve(beta):
    times = np.arange(1.0, 41.0)
    flows = 1e6 * np.exp(-times / 20.0)
    liabilities = Liabilities(Cashflows(times, flows), ZeroCurve.flat(R), None, {}, beta)
    moves = built(7)
    got = liability_values(liabilities, moves, NO_MARKET)
    expected = [
        flows @ (1 + R + np.interp(times, KNOTS, row) + beta * c) ** -times
        for row, c in zip(moves.nominal, moves.credit_spread, strict=True)
    ]
    np.testing.assert_allclose(got, expected, rtol=RTOL)
    np.testing.assert_allclose(
        got, liability_values(liabilities, moves_of(moves), NO_MARKET), rtol=1e-14
    )
