"""Resilience metrics: basis points to zero NAV, the absorbable rise and their root finding.

References, written out here with numpy and scipy (no ldi pricing):

- a 30y 4% annual-coupon gilt on a flat annual curve y: P(y) = Σ 4 (1 + y)^-t + 100 (1 + y)^-30;
  a linker pays real amounts uprated by (1 + b)^t and discounts at (1 + z)^-t;
- repo struck at the fair rate repays 1 / DF(τ) per unit borrowed at τ, worth
  -(1 + y)^τ (1 + y + s)^-τ after a parallel rise s;
- a par receive-fixed annual swap is worth r A(y') + DF_y'(T) - 1 after the move to y';
- the levered mandate's NAV is L x 100 P(y + s)/P(y) - (L - 1) x 100 x repo repayment
  discounted at y + s, and its root in s is found by scipy's brentq to 1e-12bp;
- first order: NAV / PV01_net, with PV01_net = (NAV(-1bp) - NAV(+1bp)) / 2
  (docs/market-facts.md §3);
- docs/market-facts.md §3: the 30y 4% gilt at 4.5% is priced 91.86, modified duration 16.69, and
  loses 31.7% for +250bp, so leverage 1/0.317 has about 250bp to zero NAV.

Tolerances: ldi brackets on a 25bp grid and refines with brentq to xtol 1e-9bp, so roots
are held to 1e-6bp; first-order figures are ratios of 1bp central differences of money
amounts good to ~1e-14 relative, held to rel 1e-9.
"""

import math

import numpy as np
import pytest
from scipy.optimize import brentq

from ldi import (
    Bond,
    BreakevenCurve,
    Cash,
    IndexLinkedBond,
    InterestRateSwap,
    Market,
    Repo,
    ReturnSeeking,
    ZeroCouponBond,
    ZeroCurve,
)
from ldi.liquidity import (
    DEFAULT_DAYS,
    AssetClass,
    Buffer,
    CollateralModel,
    CollateralPolicy,
    Rise,
    absorbable_rise,
    bp_to_zero_nav,
    collateral_table,
    rise,
    root_bp,
)
from ldi.liquidity.buffer import SEARCH_BP
from ldi.scenarios import Revaluation
from ldi.scenarios.scenario import RateUnits
from ldi.units import Compounding

Y = 0.045
B = 0.03  # flat breakeven
BP = 1e-4
TAU = 1 / 365  # overnight-ish repo
ROOT_ATOL_BP = 1e-6
# Bonds here pay annual coupons and yields are quoted annually, so a rise in bond-yield bp
# (the resilience figures' unit) is the same rise of the flat annual zero curve.
MARKET = Market(
    curves={"gilts": ZeroCurve.flat(Y, compounding="annual"), "rpi": BreakevenCurve.flat(B)},
    nominal="gilts",
    inflation="rpi",
    yield_compounding=Compounding.ANNUAL,
)
T = np.arange(1.0, 31.0)
GILT_FLOWS = np.r_[np.full(29, 4.0), 104.0]
LINKER_FLOWS = np.r_[np.full(29, 0.125), 100.125]

# A problem that counts credit within 2 days and equities within 3 (a credit repo line, an
# equity sale at T+2): by default neither counts.
STATED = CollateralPolicy(days={**DEFAULT_DAYS, AssetClass.CORPORATE: 2.0, AssetClass.EQUITY: 3.0})


def build(instruments, policy=None):
    table = collateral_table(instruments, policy or STATED)
    revaluation = Revaluation(instruments, MARKET)
    # Variation margin in any eligible collateral (a bilateral CSA), as the closed forms here
    # assume.
    return CollateralModel(table, revaluation.values, revaluation.base, cash_variation_margin=False)


def gilt_price(y):
    return float(GILT_FLOWS @ (1 + y) ** -T)


def linker_price(z, b):
    return float(LINKER_FLOWS @ ((1 + b) / (1 + z)) ** T)


def repo_value(s):
    """One unit borrowed at the fair rate, after a nominal rise of s (decimal)."""
    return -(((1 + Y) / (1 + Y + s)) ** TAU)


def levered_gilt(leverage, extra=()):
    """NAV 100: L x 100 of the 30y gilt, (L - 1) x 100 borrowed by repo against it."""
    instruments = [
        Bond(id="G", coupon=0.04, maturity=30, frequency=1),
        Repo(id="R", collateral="G", term=TAU, haircut=0.005),
        Cash(id="C"),
        *(i for i, _ in extra),
    ]
    x = np.array([leverage * 100.0, (leverage - 1) * 100.0, 0.0, *(v for _, v in extra)])
    return build(instruments), x


def gilt_nav(leverage, s_bp):
    s = s_bp * BP
    return 100 * (leverage * gilt_price(Y + s) / gilt_price(Y) + (leverage - 1) * repo_value(s))


def root(f):
    return brentq(f, 0.0, SEARCH_BP, xtol=1e-12)


# --- bp to zero NAV ---------------------------------------------------------------------------


@pytest.mark.parametrize("leverage", [2.0, 3.0])
def test_bp_to_zero_nav_of_a_levered_gilt_mandate(leverage):
    model, x = levered_gilt(leverage)
    buffer = bp_to_zero_nav(model, x)
    assert gilt_nav(leverage, 0.0) == pytest.approx(100.0, rel=1e-15)
    assert buffer.exact == pytest.approx(root(lambda s: gilt_nav(leverage, s)), abs=ROOT_ATOL_BP)
    pv01_net = (gilt_nav(leverage, -1.0) - gilt_nav(leverage, 1.0)) / 2
    assert buffer.first_order == pytest.approx(100.0 / pv01_net, rel=1e-9)
    # Convexity: the long bond loses less than its PV01 says, so the exact buffer is larger.
    assert buffer.exact > buffer.first_order


def test_domain_facts_leverage_for_250bp():
    price = gilt_price(Y)
    modified = float(T * GILT_FLOWS @ (1 + Y) ** -(T + 1)) / price
    loss = 1 - gilt_price(Y + 0.025) / price
    assert price == pytest.approx(91.86, abs=0.005)
    assert modified == pytest.approx(16.69, abs=0.005)
    assert loss == pytest.approx(0.317, abs=5e-4)
    leverage = 1 / 0.317
    buffer = bp_to_zero_nav(*levered_gilt(leverage))
    # 0.317 is rounded and the repo gains a little as rates rise: a few bp at most.
    assert buffer.exact == pytest.approx(250.0, abs=3.0)
    # First order 10,000 / (L D): the table's L_max of 2.40x at 250bp.
    assert buffer.first_order == pytest.approx(1e4 / (leverage * 16.69), rel=2e-3)
    assert 2.40 * 250 / leverage == pytest.approx(buffer.first_order, rel=3e-3)


def test_unlevered_gilt_never_reaches_zero():
    buffer = bp_to_zero_nav(*levered_gilt(1.0))
    assert buffer.exact == math.inf
    pv01 = (gilt_price(Y - BP) - gilt_price(Y + BP)) / 2 / gilt_price(Y)
    assert buffer.first_order == pytest.approx(1.0 / pv01, rel=1e-9)
    assert buffer.to_dict() == {"exact": None, "first_order": buffer.first_order}


def test_bp_to_zero_nav_counts_only_the_mandate():
    outside = [
        (Bond(id="CORP", coupon=0.05, maturity=10, frequency=1, credit=True), 50.0),
        (ReturnSeeking(id="EQ", expected_return=0.06, volatility=0.15, rates_duration=5), 50.0),
    ]
    buffer = bp_to_zero_nav(*levered_gilt(3.0, outside))
    assert buffer.exact == pytest.approx(root(lambda s: gilt_nav(3.0, s)), abs=ROOT_ATOL_BP)
    pv01_net = (gilt_nav(3.0, -1.0) - gilt_nav(3.0, 1.0)) / 2
    assert buffer.first_order == pytest.approx(100.0 / pv01_net, rel=1e-9)


def test_real_rise_does_not_move_a_nominal_mandate():
    assert bp_to_zero_nav(*levered_gilt(3.0), kind=Rise.REAL) == Buffer(math.inf, math.inf)


@pytest.mark.parametrize("kind", [Rise.NOMINAL, Rise.REAL])
def test_bp_to_zero_nav_of_a_levered_linker_mandate(kind):
    leverage = 2.5
    instruments = [
        IndexLinkedBond(id="L", coupon=0.00125, maturity=30, frequency=1),
        Repo(id="R", collateral="L", term=TAU, haircut=0.005),
    ]
    x = np.array([leverage * 100.0, (leverage - 1) * 100.0])
    base = linker_price(Y, B)

    def nav(s_bp):
        s = s_bp * BP
        if kind is Rise.NOMINAL:  # breakevens held: nominal and real yields up by s
            ratio, repo = linker_price(Y + s, B) / base, repo_value(s)
        else:  # nominal held, breakevens down by s: real yields up by s
            ratio, repo = linker_price(Y, B - s) / base, repo_value(0.0)
        return 100 * (leverage * ratio + (leverage - 1) * repo)

    buffer = bp_to_zero_nav(build(instruments), x, kind)
    assert buffer.exact == pytest.approx(root(nav), abs=ROOT_ATOL_BP)
    assert buffer.first_order == pytest.approx(100 / ((nav(-1) - nav(1)) / 2), rel=1e-9)


# --- absorbable rise --------------------------------------------------------------------------


def swap_value(y, tenor=30):
    """Par (at Y) receive-fixed annual swap per unit notional, on a flat annual curve y."""
    t = np.arange(1.0, tenor + 1)
    rate = (1 - (1 + Y) ** -tenor) / np.sum((1 + Y) ** -t)
    return rate * np.sum((1 + y) ** -t) + (1 + y) ** -tenor - 1


def swap_book(cash, notional, policy=None):
    instruments = [Cash(id="C"), InterestRateSwap(id="S", tenor=30)]
    return build(instruments, policy), np.array([cash, notional])


def test_absorbable_rise_of_a_receiver_swap_with_cash():
    cash, notional = 10.0, 100.0
    buffer = absorbable_rise(*swap_book(cash, notional))

    def headroom(s_bp):  # cash x (1 - 0) less the variation margin called
        return cash + notional * (swap_value(Y + s_bp * BP) - swap_value(Y))

    assert buffer.exact == pytest.approx(root(headroom), abs=ROOT_ATOL_BP)
    fall = (headroom(-1) - headroom(1)) / 2
    assert buffer.first_order == pytest.approx(cash / fall, rel=1e-9)
    assert buffer.exact > buffer.first_order  # the receiver's loss is convex in the rise


def test_absorbable_rise_net_of_initial_margin():
    cash, notional, im = 10.0, 100.0, 0.03
    policy = CollateralPolicy(initial_margin={"interest_rate_swap": im})
    buffer = absorbable_rise(*swap_book(cash, notional, policy))

    def headroom(s_bp):  # the initial margin is posted on top of the variation margin
        return cash - im * notional + notional * (swap_value(Y + s_bp * BP) - swap_value(Y))

    expected = root(headroom)
    assert buffer.exact == pytest.approx(expected, abs=ROOT_ATOL_BP)


@pytest.mark.parametrize(("window", "corporate_counts"), [(5.0, True), (1.0, False)])
def test_absorbable_rise_within_the_window(window, corporate_counts):
    instruments = [
        Cash(id="C"),
        ZeroCouponBond(id="CORP", maturity=3, credit=True),  # 4% haircut, 2 days
        InterestRateSwap(id="S", tenor=30),
    ]
    cash, corporate, notional = 5.0, 20.0, 100.0
    x = np.array([cash, corporate, notional])
    buffer = absorbable_rise(build(instruments), x, within_days=window)

    def headroom(s_bp):
        s = s_bp * BP
        pledged = (1 - 0.04) * corporate * ((1 + Y) / (1 + Y + s)) ** 3 if corporate_counts else 0
        return cash + pledged + notional * swap_value(Y + s)

    assert buffer.exact == pytest.approx(root(headroom), abs=ROOT_ATOL_BP)


def test_absorbable_rise_to_a_real_rise_of_a_nominal_book_is_unbounded():
    buffer = absorbable_rise(*swap_book(10.0, 100.0), kind=Rise.REAL)
    assert buffer == Buffer(math.inf, math.inf)
    assert buffer.to_dict() == {"exact": None, "first_order": None}


@pytest.mark.parametrize("cash", [0.0, 2.0])
def test_absorbable_rise_without_headroom_today_is_zero(cash):
    policy = CollateralPolicy(initial_margin={"interest_rate_swap": 0.02})
    assert absorbable_rise(*swap_book(cash, 100.0, policy)) == Buffer(0.0, 0.0)


# --- root_bp ----------------------------------------------------------------------------------


@pytest.mark.parametrize("today", [0.0, -5.0])
def test_root_bp_not_positive_today(today):
    assert root_bp(lambda s: today - 0.1 * s) == Buffer(0.0, 0.0)


def test_root_bp_linear_amount():
    buffer = root_bp(lambda s: 100.0 - 0.4 * s)
    assert buffer.exact == pytest.approx(250.0, abs=ROOT_ATOL_BP)
    assert buffer.first_order == pytest.approx(250.0, rel=1e-12)


@pytest.mark.parametrize("zero_at", [1.0, 100.0, 1000.0 / 3, SEARCH_BP])
def test_root_bp_finds_roots_inside_and_on_the_grid(zero_at):
    buffer = root_bp(lambda s: zero_at - s)
    assert buffer.exact == pytest.approx(zero_at, abs=ROOT_ATOL_BP)


def test_root_bp_convex_amount():
    # 100 e^(-s/100) - 10: root 100 ln 10; fall per bp 100 sinh(0.01).
    buffer = root_bp(lambda s: 100.0 * np.exp(-s / 100.0) - 10.0)
    assert buffer.exact == pytest.approx(100.0 * math.log(10.0), abs=ROOT_ATOL_BP)
    assert buffer.first_order == pytest.approx(90.0 / (100.0 * math.sinh(0.01)), rel=1e-9)


def test_root_bp_rounding_is_no_fall():
    # A headroom no rise moves, computed as a difference of large sums: its "fall" of a few
    # units in the last place must not become a finite first-order rise (here 1.5e16bp).
    big = 3.0e9
    noise = {-1.0: 4 * np.spacing(big), 0.0: 0.0, 1.0: 0.0}
    buffer = root_bp(lambda s: np.array([big + noise.get(float(x), 0.0) for x in s]) - 2.9e9)
    assert buffer == Buffer(math.inf, math.inf)


def test_root_bp_beyond_the_search_is_infinite():
    buffer = root_bp(lambda s: 100.0 - 100.0 / (SEARCH_BP + 500.0) * s)
    assert buffer.exact == math.inf
    assert buffer.first_order == pytest.approx(SEARCH_BP + 500.0, rel=1e-12)


def test_root_bp_amount_that_rises():
    assert root_bp(lambda s: 100.0 + s) == Buffer(math.inf, math.inf)


def test_buffer_to_dict():
    assert Buffer(math.inf, 12.5).to_dict() == {"exact": None, "first_order": 12.5}
    assert Buffer(300.0, 250.0).to_dict() == {"exact": 300.0, "first_order": 250.0}


# --- rise -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "nominal", "breakeven"),
    [(Rise.NOMINAL, 1.0, 0.0), (Rise.REAL, 0.0, -1.0), (Rise.BREAKEVEN, -1.0, -1.0)],
)
@pytest.mark.parametrize("bp", [250.0, -40.0])
def test_rise_moves(kind, nominal, breakeven, bp):
    move = rise(kind, bp)
    t = np.array([0.0, 0.5, 5.0, 30.0, 80.0])
    np.testing.assert_allclose(move.nominal(t), nominal * bp * BP, rtol=1e-15, atol=0)
    np.testing.assert_allclose(move.breakeven(t), breakeven * bp * BP, rtol=1e-15, atol=0)
    real = move.nominal(t) - move.breakeven(t)
    np.testing.assert_allclose(real, 0.0 if kind is Rise.BREAKEVEN else bp * BP, atol=1e-18)
    assert (move.credit_spread, move.growth, dict(move.returns)) == (0.0, 0.0, {})


# --- rises in bond-yield and in zero-rate basis points ------------------------------------------


def test_bp_to_zero_nav_of_a_semiannual_gilt_mandate_is_a_rise_of_its_redemption_yield():
    """A 2x levered 30y 4% semiannual gilt on a flat curve, yields quoted semiannually.

    Reference: the gilt at gross redemption yield g = 2((1 + Y)^½ − 1) is Σ c (1 + g/2)^-2t,
    and after a rise of s bp of yield Σ c (1 + (g + s)/2)^-2t; the repo, struck at the fair
    rate, repays (1 + Y)^τ per unit and is worth that discounted at g + s likewise. The root
    is brentq's (1e-12bp); held to 1e-6bp. In zero-rate bp the same NAV lasts longer: a
    rise of s in the annual zero rate moves the semiannual yield to 2((1 + Y + s)^½ − 1),
    by s / (1 + g/2) to first order (2% less), so the zero-rate root is about 3.5% larger
    at these sizes; it is the root of the same NAV at that yield, held to 1e-6bp.
    """
    market = Market(curves={"gilts": ZeroCurve.flat(Y)}, nominal="gilts")
    gilt = Bond(id="G", coupon=0.04, maturity=30, frequency=2)
    repo = Repo(id="R", collateral="G", term=TAU, haircut=0.005)
    instruments = [gilt, repo, Cash(id="C")]
    revaluation = Revaluation(instruments, market)
    model = CollateralModel(
        collateral_table(instruments, CollateralPolicy()), revaluation.values, revaluation.base
    )
    x = np.array([200.0, 100.0, 0.0])
    g = 2 * ((1 + Y) ** 0.5 - 1)
    t = np.arange(0.5, 30.01, 0.5)
    flows = np.r_[np.full(59, 2.0), 102.0]

    def nav(s_bp, zero=False):
        y = 2 * ((1 + Y + s_bp * BP) ** 0.5 - 1) if zero else g + s_bp * BP
        gilt_value = flows @ (1 + y / 2) ** (-2 * t) / (flows @ (1 + g / 2) ** (-2 * t))
        repo_value = -((1 + Y) ** TAU) * (1 + y / 2) ** (-2 * TAU)
        return 200.0 * gilt_value + 100.0 * repo_value

    in_yield = bp_to_zero_nav(model, x)  # bond-yield bp, the default
    in_zero = bp_to_zero_nav(model, x, units=RateUnits.ZERO)
    assert in_yield.exact == pytest.approx(root(nav), abs=ROOT_ATOL_BP)
    assert in_zero.exact == pytest.approx(root(lambda s: nav(s, zero=True)), abs=ROOT_ATOL_BP)
    assert in_zero.exact / in_yield.exact == pytest.approx(1.035, abs=0.002)
