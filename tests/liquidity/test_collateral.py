"""Collateral terms, margin calls, headroom and the collateral waterfall.

References, written out here from the module docstrings, docs/conventions.md and
docs/market-facts.md §4:

- haircuts: the EMIR RTS 2016/2251 Annex II schedule (credit quality step 1) by residual
  maturity, typed in as numbers: government 0.5% / 2% / 4% (<= 1y, 1-5y, > 5y), corporate
  1% / 4% / 8%, main-index equity 15%, cash 0;
- prices: closed forms on a flat annual curve, DF(t) = (1 + y)^-t, moved by +s to
  (1 + y + s)^-t (a parallel move in the curve's compounding); a par receive-fixed swap is
  worth r A + DF(T) - 1 with A = Σ DF(t_i) over its annual fixed leg and r = (1 - DF(T)) / A;
- margin: a swap posts -(V' - V) per unit of notional; repo borrowing B against a bond whose
  price goes from P to P' tops up B / (1 - h) (1 - P'/P) and encumbers collateral worth
  (1 - h_c) (P'/P) / (1 - h) per unit borrowed; an eligible asset offers (1 - h) V'.

Tolerances: both sides evaluate the same closed forms in float64 in a different order
(``log1p`` and ``exp`` against ``**``), so values per unit agree to a few 1e-16 and sums to
1e-12 of the gross money involved (``MONEY``). The full-revaluation-vs-PV01 test is a
Taylor bracket with its remainders bounded by closed-form derivatives (see that test).
"""

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from ldi import (
    Bond,
    BreakevenCurve,
    Cash,
    IndexLinkedBond,
    InflationSwap,
    InterestRateSwap,
    Market,
    Repo,
    ReturnSeeking,
    ZeroCouponBond,
    ZeroCurve,
)
from ldi.errors import DataError
from ldi.instruments import Role
from ldi.instruments.conventions import scheduled
from ldi.liquidity import (
    DEFAULT_DAYS,
    AssetClass,
    CollateralModel,
    CollateralPolicy,
    InstrumentCollateral,
    StressedTerms,
    benefits_due,
    collateral_table,
)
from ldi.scenarios import Move, Revaluation

Y = 0.04
BP = 1e-4
MARKET = Market(
    curves={"gilts": ZeroCurve.flat(Y, compounding="annual"), "rpi": BreakevenCurve.flat(0.03)},
    nominal="gilts",
    inflation="rpi",
)
MONEY = 1e-12  # relative to the gross money of the positions involved

# A problem that counts credit within 2 days and equities within 3 (a credit repo line, an
# equity sale at T+2): by default neither counts.
STATED = CollateralPolicy(days={**DEFAULT_DAYS, AssetClass.CORPORATE: 2.0, AssetClass.EQUITY: 3.0})


def build(instruments, policy=None, within_days=5.0):
    """A CollateralModel of ``instruments`` on MARKET, as ldi.Problem builds one."""
    table = collateral_table(instruments, policy or STATED)
    revaluation = Revaluation(instruments, MARKET)
    # Variation margin in any eligible collateral (a bilateral CSA), as the closed forms here
    # assume; cash-only margin (cleared swaps) has tests of its own.
    return CollateralModel(
        table, revaluation.values, revaluation.base, within_days, cash_variation_margin=False
    )


def up(bp, **kwargs):
    return Move.of(nominal_bp=bp, **kwargs)


def df(t, y=Y):
    return (1.0 + y) ** -np.asarray(t, dtype=float)


def swap_value(tenor, y, rate=None):
    """Receive-fixed annual swap per unit notional at flat annual y; par at Y by default."""
    t = np.arange(1, tenor + 1)
    rate = (1 - df(tenor)) / df(t).sum() if rate is None else rate
    return rate * df(t, y).sum() + df(tenor, y) - 1.0


def zero_ratio(maturity, bp):
    """P'/P of a zero-coupon bond under a parallel move of ``bp``."""
    return ((1 + Y) / (1 + Y + bp * BP)) ** maturity


def instruments_of_every_kind():
    return [
        Cash(id="CASH"),
        Bond(id="GILT", coupon=0.04, maturity=10),
        ZeroCouponBond(id="STRIP", maturity=20),
        IndexLinkedBond(id="LINKER", coupon=0.005, maturity=15),
        Bond(id="CORP", coupon=0.05, maturity=7, credit=True),
        ReturnSeeking(id="EQUITY", expected_return=0.06, volatility=0.15),
        InterestRateSwap(id="IRS", tenor=30),
        InflationSwap(id="ZCIS", maturity=20),
        Repo(id="REPO", collateral="GILT", term=0.25, haircut=0.02),
    ]


# --- collateral_table -------------------------------------------------------------------------


def test_default_classes_and_roles():
    table = collateral_table(instruments_of_every_kind(), CollateralPolicy())
    assert table.index.name == "id"
    assert table["asset_class"].to_dict() == {
        "CASH": "cash",
        "GILT": "government",
        "STRIP": "government",
        "LINKER": "government",
        "CORP": "corporate",
        "EQUITY": "equity",
        "IRS": "",
        "ZCIS": "",
        "REPO": "",
    }
    roles = table["role"].to_dict()
    assert {k for k, v in roles.items() if v == "overlay"} == {"IRS", "ZCIS"}
    assert roles["REPO"] == "financing"
    assert table.loc["REPO", "pledge"] == "GILT"
    assert table.loc["REPO", "repo_haircut"] == 0.02
    # Overlays and repo carry no haircut or days of their own.
    assert table.loc[["IRS", "ZCIS", "REPO"], ["haircut", "days"]].isna().all().all()


@pytest.mark.parametrize(
    ("credit", "maturity", "expected"),
    [
        (False, 0.5, 0.005),
        (False, 1.0, 0.005),  # "<= 1y"
        (False, 3.0, 0.02),
        (False, 5.0, 0.02),  # "1-5y" includes 5y
        (False, 5.5, 0.04),
        (False, 30.0, 0.04),
        (True, 0.5, 0.01),
        (True, 3.0, 0.04),
        (True, 10.0, 0.08),
    ],
)
def test_emir_haircut_by_residual_maturity(credit, maturity, expected):
    bond = ZeroCouponBond(id="B", maturity=maturity, credit=credit)
    table = collateral_table([bond], CollateralPolicy())
    assert table.loc["B", "haircut"] == pytest.approx(expected, abs=1e-15)


def test_default_haircuts_and_days_by_class():
    """Cash and government bonds count at once; credit and equity never, unless stated."""
    table = collateral_table(instruments_of_every_kind(), CollateralPolicy())
    assert table.loc["CASH", ["haircut", "days"]].tolist() == [0.0, 0.0]
    assert table.loc["GILT", ["haircut", "days"]].tolist() == [0.04, 0.0]
    assert table.loc["LINKER", ["haircut", "days"]].tolist() == [0.04, 0.0]
    assert table.loc["CORP", "haircut"] == 0.08
    assert table.loc["EQUITY", "haircut"] == 0.15
    assert np.isnan(table.loc["CORP", "days"])
    assert np.isnan(table.loc["EQUITY", "days"])
    stated = collateral_table(instruments_of_every_kind(), STATED)
    assert stated.loc["CORP", ["haircut", "days"]].tolist() == [0.08, 2.0]
    assert stated.loc["EQUITY", ["haircut", "days"]].tolist() == [0.15, 3.0]


def test_a_money_market_fund_counts_at_once_without_a_haircut():
    cash = Cash(id="MMF", rate=0.04)
    policy = CollateralPolicy(
        instruments={"MMF": InstrumentCollateral(asset_class=AssetClass.MONEY_MARKET)}
    )
    table = collateral_table([cash], policy)
    assert table.loc["MMF", ["asset_class", "haircut", "days"]].tolist() == [
        "money_market",
        0.0,
        0.0,
    ]
    assert bool(table.loc["MMF", "mandate"])  # part of the LDI buffer, as cash is


def test_instrument_overrides():
    policy = CollateralPolicy(
        days=STATED.days,
        instruments={
            "GILT": InstrumentCollateral(asset_class=AssetClass.CORPORATE),
            "STRIP": InstrumentCollateral(haircut=0.1, days=1.0),
            "EQUITY": InstrumentCollateral(asset_class=AssetClass.ILLIQUID, days=0.0),
            "CORP": InstrumentCollateral(haircut=0.0, days=0.0),
            "IRS": InstrumentCollateral(initial_margin=0.07),
            "CASH": InstrumentCollateral(initial_margin=0.5),
        },
    )
    table = collateral_table(instruments_of_every_kind(), policy)
    # A 10y bond treated as corporate: the corporate schedule beyond 5y and corporate days.
    assert table.loc["GILT", ["asset_class", "haircut", "days"]].tolist() == [
        "corporate",
        0.08,
        2.0,
    ]
    assert table.loc["STRIP", ["asset_class", "haircut", "days"]].tolist() == [
        "government",
        0.1,
        1.0,
    ]
    # Zero overrides are kept, not mistaken for "not given".
    assert table.loc["CORP", ["haircut", "days"]].tolist() == [0.0, 0.0]
    # Illiquid is never eligible, whatever days are stated.
    assert table.loc["EQUITY", "asset_class"] == "illiquid"
    assert math.isnan(table.loc["EQUITY", "days"])
    assert table.loc["IRS", "initial_margin"] == 0.07
    # Initial margin applies to overlays only.
    assert table.loc["CASH", "initial_margin"] == 0.0


def test_initial_margin_by_overlay_kind():
    policy = CollateralPolicy(initial_margin={"interest_rate_swap": 0.05, "inflation_swap": 0.03})
    instruments = instruments_of_every_kind()
    table = collateral_table(instruments, policy)
    expected = {"IRS": 0.05, "ZCIS": 0.03}
    assert table["initial_margin"].to_dict() == {i.id: expected.get(i.id, 0.0) for i in instruments}
    model = build(instruments, policy)
    np.testing.assert_array_equal(
        model.initial_margin, [expected.get(i.id, 0.0) for i in instruments]
    )


def test_mandate_default_and_explicit():
    instruments = instruments_of_every_kind()
    table = collateral_table(instruments, CollateralPolicy())
    # Government bonds, cash, overlays and repo; not credit or growth assets.
    assert set(table.index[table["mandate"]]) == {
        "CASH",
        "GILT",
        "STRIP",
        "LINKER",
        "IRS",
        "ZCIS",
        "REPO",
    }
    explicit = collateral_table(instruments, CollateralPolicy(mandate=("GILT", "REPO", "CORP")))
    assert set(explicit.index[explicit["mandate"]]) == {"GILT", "REPO", "CORP"}
    assert explicit["mandate"].dtype == bool


# A universe with an instrument of every kind, bonds whose residual maturity lands on the
# schedule's band limits (1y, 5y) at some ages, repos rolled once past their term, and
# overrides of every term, including ones that mean nothing for the role (kept out).
REFERENCE_UNIVERSE = [
    *instruments_of_every_kind(),
    ZeroCouponBond(id="Z1", maturity=1.0),
    ZeroCouponBond(id="Z5", maturity=5.5),
    ZeroCouponBond(id="ZC4", maturity=4.2, credit=True),
    Bond(id="CORP2", coupon=0.05, maturity=13.7, credit=True),
    Cash(id="MMF", rate=0.04),
    ReturnSeeking(id="PROPERTY", expected_return=0.05, volatility=0.1),
    InterestRateSwap(id="IRS2", tenor=10),
    Repo(id="REPO2", collateral="Z5", term=0.3, haircut=0.05),
]
REFERENCE_POLICY = CollateralPolicy(
    days={**DEFAULT_DAYS, AssetClass.EQUITY: 3.0},  # corporate: never, unless overridden
    initial_margin={"interest_rate_swap": 0.05},  # inflation swaps: none
    instruments={
        "GILT": InstrumentCollateral(asset_class=AssetClass.CORPORATE),
        "STRIP": InstrumentCollateral(haircut=0.1, days=1.0),
        "CORP2": InstrumentCollateral(days=2.0),
        "ZC4": InstrumentCollateral(asset_class=AssetClass.GOVERNMENT, haircut=0.0),
        "MMF": InstrumentCollateral(asset_class=AssetClass.MONEY_MARKET),
        "PROPERTY": InstrumentCollateral(asset_class=AssetClass.ILLIQUID, days=1.0),
        "EQUITY": InstrumentCollateral(days=5.0),
        "IRS": InstrumentCollateral(initial_margin=0.07),
        "ZCIS": InstrumentCollateral(haircut=0.3, days=0.0),  # an overlay: not its terms
        "CASH": InstrumentCollateral(initial_margin=0.5),  # a physical asset: no margin
        "NOT_HELD": InstrumentCollateral(haircut=0.9),
    },
)


def reference_row(instrument, policy, age):
    """One instrument's collateral terms, term by term as ``collateral_table`` defines them."""
    role = type(instrument).role
    override = policy.instruments.get(instrument.id, InstrumentCollateral())
    if override.asset_class is not None:
        asset_class = override.asset_class.value
    elif role is not Role.PHYSICAL:
        asset_class = ""
    elif isinstance(instrument, Cash):
        asset_class = "cash"
    elif isinstance(instrument, ReturnSeeking):
        asset_class = "equity"
    else:
        asset_class = "corporate" if getattr(instrument, "credit", False) else "government"
    row = {
        "role": role.value,
        "asset_class": asset_class,
        "haircut": math.nan,
        "days": math.nan,
        "initial_margin": 0.0,
        "pledge": "",
        "repo_haircut": math.nan,
        "repo_term": math.nan,
    }
    if role is Role.PHYSICAL:
        left = max(getattr(instrument, "maturity", 0.0) - age, 0.0)
        schedule = policy.haircuts.get(AssetClass(asset_class), ((math.inf, 1.0),))
        row["haircut"] = scheduled(schedule, left) if override.haircut is None else override.haircut
        days = policy.days.get(AssetClass(asset_class)) if override.days is None else override.days
        if days is not None and asset_class != "illiquid":
            row["days"] = days
    elif role is Role.OVERLAY:
        margin = policy.initial_margin.get(type(instrument).kind, 0.0)
        row["initial_margin"] = (
            margin if override.initial_margin is None else override.initial_margin
        )
    else:
        left = instrument.term - age  # rolled at its end, then every year
        row["repo_term"] = left if left > 0 else 1.0 - math.fmod(age - instrument.term, 1.0)
        row["pledge"], row["repo_haircut"] = instrument.collateral, instrument.haircut
    return row


@pytest.mark.parametrize("age", [0.0, 0.5, 1.0, 3.7, 12.0])
@pytest.mark.parametrize("mandate", [None, ("GILT", "IRS", "REPO2", "PROPERTY", "NOT_HELD")])
def test_collateral_table_matches_its_definition_instrument_by_instrument(age, mandate):
    policy = replace(REFERENCE_POLICY, mandate=mandate)
    rows = {i.id: reference_row(i, policy, age) for i in REFERENCE_UNIVERSE}
    expected = pd.DataFrame.from_dict(rows, orient="index")
    expected.index.name = "id"
    if mandate is None:  # government bonds, cash, money-market funds, overlays and repo
        in_mandate = (expected["role"] != "physical") | expected["asset_class"].isin(
            ["government", "cash", "money_market"]
        )
    else:
        in_mandate = expected.index.isin(mandate)
    expected["mandate"] = np.asarray(in_mandate, dtype=bool)
    table = collateral_table(REFERENCE_UNIVERSE, policy, age)
    pd.testing.assert_frame_equal(table, expected, check_exact=True)


# --- margin calls -----------------------------------------------------------------------------


@pytest.mark.parametrize("tenor", [5, 10, 30])
@pytest.mark.parametrize("bp", [100.0, -100.0])
@pytest.mark.parametrize("notional", [100.0, -250.0])
def test_swap_variation_margin_is_minus_its_value_change(tenor, bp, notional):
    model = build([InterestRateSwap(id="S", tenor=tenor)])
    moved = swap_value(tenor, Y + bp * BP)  # par today, so the change is the value
    need = model.needed(np.array([notional]), [up(bp)])[0]
    assert need == pytest.approx(-notional * moved, abs=MONEY * abs(notional))
    # Receiving fixed loses when rates rise: it posts; a payer (negative notional) receives.
    assert np.sign(need) == np.sign(notional * bp)


def test_off_market_swap_posts_the_change_not_the_value():
    model = build([InterestRateSwap(id="S", tenor=10, fixed_rate=0.05)])
    x = np.array([100.0])
    assert model.needed(x, [Move()])[0] == pytest.approx(0.0, abs=MONEY * 100)
    expected = -100 * (swap_value(10, Y + 0.01, 0.05) - swap_value(10, Y, 0.05))
    assert model.needed(x, [up(100)])[0] == pytest.approx(expected, abs=MONEY * 100)


@pytest.mark.parametrize("bp", [100.0, 250.0, -50.0])
def test_repo_top_up_and_encumbered_collateral(bp):
    borrowed, h, maturity = 50.0, 0.02, 10.0
    instruments = [
        ZeroCouponBond(id="Z", maturity=maturity),
        Repo(id="R", collateral="Z", term=0.25, haircut=h),
    ]
    model = build(instruments)
    available, need = model.coefficients([up(bp)])
    ratio = zero_ratio(maturity, bp)
    h_c = 0.04  # government > 5y
    assert need[0, 0] == 0.0  # the bond itself posts nothing
    assert need[0, 1] == pytest.approx((1 - ratio) / (1 - h), rel=1e-12)
    assert available[0, 0] == pytest.approx((1 - h_c) * ratio, rel=1e-13)
    assert available[0, 1] == pytest.approx(-(1 - h_c) * ratio / (1 - h), rel=1e-13)
    x = np.array([borrowed / (1 - h) + 10.0, borrowed])
    assert model.needed(x, [up(bp)])[0] == pytest.approx(
        borrowed / (1 - h) * (1 - ratio), rel=1e-12
    )
    # Only the unpledged 10 of bonds is left to pledge.
    assert x @ available[0] == pytest.approx((1 - h_c) * ratio * 10.0, rel=1e-11)


@pytest.mark.parametrize("scale", [1.0, 2.0, 5.0, 20.0])
def test_a_stressed_state_widens_every_haircut_to_at_most_all(scale):
    """H = min(1, s h0): a zero gilt (4%), an equity fund (15%), the bond a repo pledges."""
    bp, h, maturity = 100.0, 0.02, 10.0
    instruments = [
        ZeroCouponBond(id="Z", maturity=maturity),
        Repo(id="R", collateral="Z", term=0.25, haircut=h),
        ReturnSeeking(id="EQUITY", expected_return=0.06, volatility=0.15),
    ]
    model = build(instruments)
    available, need = model.coefficients([up(bp, haircut_scale=scale)])
    ratio, gilt, equity = zero_ratio(maturity, bp), min(1.0, 0.04 * scale), min(1.0, 0.15 * scale)
    assert available[0, 0] == pytest.approx((1 - gilt) * ratio, rel=1e-13, abs=1e-15)
    assert available[0, 1] == pytest.approx(-(1 - gilt) * ratio / (1 - h), rel=1e-13, abs=1e-15)
    assert available[0, 2] == pytest.approx(1 - equity, abs=1e-15)  # growth 0: value 1
    assert need[0, 1] == pytest.approx((1 - ratio) / (1 - h), rel=1e-12)  # calls unchanged
    today, _ = model.coefficients([up(bp)])  # a separate batch: cached apart
    assert today[0, 0] == pytest.approx(0.96 * ratio, rel=1e-13)


@pytest.mark.parametrize("scale", [1.0, 3.0, 20.0])
@pytest.mark.parametrize("days", [1.0, 5.0])
def test_a_repo_ending_in_the_window_is_rolled_at_the_stressed_haircut(scale, days):
    """The ladder: a repo ending within the window pledges 1/(1 - s h) - P'/P/(1 - h) more.

    A repo that runs past the window keeps its agreed haircut (a term repo's is fixed), and
    one whose stressed haircut reaches 100% finds no lender: it repays 1 per unit borrowed
    in cash and takes its bond back. The window is in business days, the repo's term in
    years: 5 business days are 7 calendar days (7/365 years).
    """
    bp, h, maturity = 100.0, 0.06, 10.0
    ends = days * 7.0 / 5.0 / 365.0
    instruments = [
        ZeroCouponBond(id="Z", maturity=maturity),
        Repo(id="SHORT", collateral="Z", term=ends, haircut=h),  # ends on the window's day
        Repo(id="LONG", collateral="Z", term=ends + 1.0 / 365.0, haircut=h),  # a day later
    ]
    model = build(instruments, within_days=days)
    available, need = model.coefficients([up(bp, haircut_scale=scale)])
    ratio, h_c = zero_ratio(maturity, bp), min(1.0, 0.04 * scale)
    rolled = min(1.0, h * scale)
    assert need[0, 2] == pytest.approx((1 - ratio) / (1 - h), rel=1e-12)  # agreed haircut
    assert available[0, 2] == pytest.approx(-(1 - h_c) * ratio / (1 - h), rel=1e-13, abs=1e-15)
    if rolled < 1:
        assert need[0, 1] == pytest.approx(1 / (1 - rolled) - ratio / (1 - h), rel=1e-12)
        assert available[0, 1] == pytest.approx(available[0, 2], rel=1e-15, abs=1e-15)
    else:  # 6% x 20 = 120%: no lender
        assert need[0, 1] == 1.0
        assert available[0, 1] == 0.0


@pytest.mark.parametrize("scale", [1.0, 3.0, 20.0])
def test_a_repo_no_lender_rolls_is_repaid_from_the_cash_rows(scale):
    """No lender at min(1, s h) = 1: the repo pays 1 in cash, a call the cash rows count.

    The repo borrowed 50 against 50/(1 - h) of the zero; the fund holds 10 more and 80 in
    cash. Rolled (a lender at s h < 1), the top-up is a call on any collateral and the
    bond stays pledged; repaid, every bond counts at its own stressed haircut and the cash
    pays 50. A repo running past the window is rolled as agreed whatever the scale.
    """
    bp, h, maturity, borrowed = 100.0, 0.06, 10.0, 50.0
    instruments = [
        ZeroCouponBond(id="Z", maturity=maturity),
        Repo(id="SHORT", collateral="Z", term=1.0 / 365.0, haircut=h),
        Repo(id="LONG", collateral="Z", term=0.5, haircut=h),
        Cash(id="CASH"),
    ]
    cleared = replace(build(instruments), cash_variation_margin=True)
    move = up(bp, haircut_scale=scale)
    ratio, h_c = zero_ratio(maturity, bp), min(1.0, 0.04 * scale)
    lender = h * scale < 1.0  # 6% x 20 = 120%: no lender
    np.testing.assert_array_equal(
        cleared.repaid_in_cash([move]), [[False, not lender, False, False]]
    )
    x = np.array([borrowed / (1 - h) + 10.0, borrowed, 0.0, 80.0])
    if lender:
        top_up = 1 / (1 - h * scale) - ratio / (1 - h)
        total = 80.0 + (1 - h_c) * ratio * 10.0 - borrowed * top_up
        cash = 80.0 + (1 - h_c) * ratio * 10.0  # only the unpledged bonds can be repo'd
    else:
        total = cash = 80.0 + (1 - h_c) * ratio * (borrowed / (1 - h) + 10.0) - borrowed
    assert cleared.cash_headroom(x, [move])[0] == pytest.approx(cash, rel=1e-12, abs=1e-9)
    assert cleared.headroom(x, [move])[0] == pytest.approx(min(total, cash), rel=1e-12)


def test_a_stressed_roll_at_todays_haircut_is_the_plain_top_up():
    """At scale 1 a rolled repo pledges 1/(1 - h) - P'/P/(1 - h) = (1 - P'/P)/(1 - h)."""
    h = 0.03
    instruments = [
        ZeroCouponBond(id="Z", maturity=20.0),
        Repo(id="R", collateral="Z", term=1.0 / 365.0, haircut=h),
    ]
    model = build(instruments)
    need = model.coefficients([up(150.0)])[1]
    assert need[0, 1] == pytest.approx((1 - zero_ratio(20.0, 150.0)) / (1 - h), rel=1e-12)


def test_repo_terms_are_aged_to_the_next_roll():
    """A repo's term left: term - age, and once past it, the time to its next yearly roll."""
    repo = Repo(id="R", collateral="Z", term=0.5, haircut=0.02)
    instruments = [ZeroCouponBond(id="Z", maturity=20.0), repo]
    for age, left in [(0.0, 0.5), (0.25, 0.25), (0.75, 0.75), (1.5, 1.0), (2.0, 0.5)]:
        table = collateral_table(instruments, STATED, age=age)
        assert table.loc["R", "repo_term"] == pytest.approx(left, abs=1e-15)
        assert np.isnan(table.loc["Z", "repo_term"])


def test_stressed_terms_are_a_floor_under_every_moves_own_scales():
    """Haircuts min(1, max(s_move, s_policy) h0); initial margin x max(m_move, m_policy)."""
    im = 0.02
    policy = CollateralPolicy(
        initial_margin={"interest_rate_swap": im},
        days=STATED.days,
        stressed=StressedTerms(haircut_scale=1.5, margin_scale=1.65),
    )
    instruments = [
        ZeroCouponBond(id="Z", maturity=10.0),
        ReturnSeeking(id="EQUITY", expected_return=0.06, volatility=0.15),
        InterestRateSwap(id="S", tenor=10),
    ]
    table = collateral_table(instruments, policy)
    revaluation = Revaluation(instruments, MARKET)
    model = CollateralModel(
        table,
        revaluation.values,
        revaluation.base,
        cash_variation_margin=False,
        stressed=policy.stressed,
    )
    moves = [up(100), up(100, haircut_scale=3.0, margin_scale=2.0)]
    available, _ = model.coefficients(moves)
    ratio = zero_ratio(10.0, 100.0)
    np.testing.assert_allclose(available[:, 0], [(1 - 0.06) * ratio, (1 - 0.12) * ratio])
    np.testing.assert_allclose(available[:, 1], [1 - 0.225, 1 - 0.45])
    np.testing.assert_allclose(model.margins(moves)[:, 2], [im * 1.65, im * 2.0], rtol=1e-15)
    x = np.array([0.0, 0.0, 100.0])
    calls = -100 * swap_value(10, Y + 0.01)
    np.testing.assert_allclose(
        model.needed(x, moves), [calls + 100 * im * 1.65, calls + 100 * im * 2.0], rtol=1e-12
    )


@pytest.mark.parametrize("name", ["haircut_scale", "margin_scale"])
@pytest.mark.parametrize("value", [0.5, 21.0, math.nan])
def test_a_scale_outside_one_to_twenty_is_refused(name, value):
    expected = rf"^{name}: got {value!r}; expected a finite number from 1 to 20$"
    with pytest.raises(DataError, match=expected):
        Move(**{name: value})
    with pytest.raises(DataError, match=expected):
        StressedTerms(**{name: value})


def test_initial_margin_is_subtracted_from_headroom():
    im = 0.05
    policy = CollateralPolicy(initial_margin={"interest_rate_swap": im})
    instruments = [
        Cash(id="C"),
        InterestRateSwap(id="R", tenor=10),
        InterestRateSwap(id="P", tenor=5),
    ]
    with_im, without = build(instruments, policy), build(instruments)
    x = np.array([30.0, 100.0, -40.0])
    move = [up(100)]
    gross = im * (100.0 + 40.0)
    assert with_im.headroom(x, move)[0] == pytest.approx(
        without.headroom(x, move)[0] - gross, rel=1e-14
    )
    calls = -100 * swap_value(10, Y + 0.01) + 40 * swap_value(5, Y + 0.01)
    assert with_im.needed(x, move)[0] == pytest.approx(calls + gross, abs=MONEY * 200)
    assert with_im.headroom(x, move)[0] == pytest.approx(30.0 - calls - gross, abs=MONEY * 200)


def test_initial_margin_from_a_shock_is_the_larger_swap_value_change():
    # A receiver loses more when rates rise than it gains when they fall (convexity), so
    # the larger change per unit notional of +/-50bp is |value at +50bp| (a par swap).
    instruments = [
        Cash(id="C"),
        InterestRateSwap(id="R", tenor=30),
        Bond(id="G", coupon=0.04, maturity=10),
    ]
    table = collateral_table(
        instruments, CollateralPolicy(initial_margin={"interest_rate_swap": 0.01})
    )
    revaluation = Revaluation(instruments, MARKET)
    model = CollateralModel(table, revaluation.values, revaluation.base, 5.0, 50.0)
    expected = max(abs(swap_value(30, Y + 0.005)), abs(swap_value(30, Y - 0.005)))
    np.testing.assert_allclose(model.initial_margin, [0.0, 0.01 + expected, 0.0], atol=1e-13)
    x = np.array([10.0, -200.0, 0.0])
    assert model.needed(x, [Move()])[0] == pytest.approx(200 * (0.01 + expected), abs=1e-10)


def test_headroom_is_available_less_needed():
    instruments = [
        Cash(id="C"),
        ZeroCouponBond(id="Z", maturity=3),
        ReturnSeeking(id="EQ", expected_return=0.06, volatility=0.15),
        InterestRateSwap(id="S", tenor=10),
    ]
    model = build(instruments)
    x = np.array([10.0, 40.0, 20.0, 200.0])
    move = up(150, growth=-0.2)
    available = 10.0 + (1 - 0.02) * 40.0 * zero_ratio(3, 150) + (1 - 0.15) * 20.0 * 0.8
    needed = -200.0 * swap_value(10, Y + 0.015)
    assert model.needed(x, [move])[0] == pytest.approx(needed, abs=MONEY * 300)
    assert model.headroom(x, [move])[0] == pytest.approx(available - needed, abs=MONEY * 300)


def test_credit_bonds_also_see_the_spread_widening():
    instruments = [
        ZeroCouponBond(id="G", maturity=4),
        ZeroCouponBond(id="C", maturity=4, credit=True),
    ]
    available = build(instruments).coefficients([up(100, credit_spread_bp=50)])[0][0]
    assert available[0] == pytest.approx((1 - 0.02) * zero_ratio(4, 100), rel=1e-13)
    assert available[1] == pytest.approx((1 - 0.04) * zero_ratio(4, 150), rel=1e-13)


@pytest.mark.parametrize(("window", "counts"), [(5.0, True), (2.0, True), (1.0, False)])
def test_eligibility_window(window, counts):
    model = build([ZeroCouponBond(id="C", maturity=3, credit=True)])  # corporate: 2 days
    expected = (1 - 0.04) * zero_ratio(3, 100) if counts else 0.0
    available = model.coefficients([up(100)], within_days=window)[0][0, 0]
    assert available == pytest.approx(expected, rel=1e-13)
    assert model.eligible(window)[0] == float(counts)


def test_window_defaults_to_the_models():
    instruments = [ZeroCouponBond(id="C", maturity=3, credit=True)]
    assert build(instruments, within_days=1.0).coefficients([up(100)])[0][0, 0] == 0.0
    assert build(instruments, within_days=5.0).coefficients([up(100)])[0][0, 0] > 0.0


def test_illiquid_never_counts():
    policy = CollateralPolicy(
        instruments={"P": InstrumentCollateral(asset_class=AssetClass.ILLIQUID, days=0.0)}
    )
    model = build([ReturnSeeking(id="P", expected_return=0.05, volatility=0.1)], policy)
    assert model.eligible(1e9)[0] == 0.0
    assert model.headroom(np.array([100.0]), [Move()], within_days=1e9)[0] == 0.0


# --- waterfall --------------------------------------------------------------------------------


def waterfall_book(swap_notional):
    """Pools listed out of waterfall order, a receiver swap that posts under a rise."""
    instruments = [
        ReturnSeeking(id="EQ", expected_return=0.06, volatility=0.15),
        ZeroCouponBond(id="CORP", maturity=3, credit=True),
        Cash(id="C"),
        ZeroCouponBond(id="G", maturity=10),
        InterestRateSwap(id="S", tenor=10),
    ]
    x = np.array([30.0, 20.0, 10.0, 50.0, swap_notional])
    pools = {
        "cash": 10.0,
        "government": (1 - 0.04) * 50.0 * zero_ratio(10, 100),
        "corporate": (1 - 0.04) * 20.0 * zero_ratio(3, 100),
        "equity": (1 - 0.15) * 30.0,
    }
    need = -swap_notional * swap_value(10, Y + 0.01)
    return build(instruments), x, pools, need


def fill(pools, need):
    """Use each pool in turn until ``need`` is met."""
    used = {}
    for name, amount in pools.items():
        used[name] = min(amount, max(need, 0.0))
        need -= used[name]
    return used, need


@pytest.mark.parametrize("notional", [100.0, 300.0, 900.0, 1200.0])
def test_waterfall_uses_pools_in_order(notional):
    model, x, pools, need = waterfall_book(notional)
    table = model.waterfall(x, up(100))
    used, short = fill(pools, need)
    assert short <= 0  # the pools cover these calls
    assert table.index.tolist() == ["cash", "government", "corporate", "equity"]
    assert table["days"].tolist() == [0.0, 0.0, 2.0, 3.0]
    np.testing.assert_allclose(table["available"], list(pools.values()), rtol=1e-13)
    np.testing.assert_allclose(table["used"], list(used.values()), rtol=1e-12, atol=1e-11)
    np.testing.assert_allclose(table["left"], table["available"] - table["used"], rtol=1e-15)
    assert table["used"].sum() == pytest.approx(need, rel=1e-12)


def test_waterfall_shortfall_row():
    model, x, pools, need = waterfall_book(3000.0)
    table = model.waterfall(x, up(100))
    short = need - sum(pools.values())
    assert short > 0
    assert table.index.tolist() == ["cash", "government", "corporate", "equity", "shortfall"]
    np.testing.assert_allclose(table["used"].iloc[:-1], list(pools.values()), rtol=1e-13)
    shortfall = table.loc["shortfall"]
    assert math.isnan(shortfall["days"])
    assert shortfall["available"] == 0.0
    assert shortfall["used"] == pytest.approx(short, rel=1e-11)
    assert shortfall["left"] == pytest.approx(-short, rel=1e-11)


def test_waterfall_window_drops_slow_pools():
    model, x, pools, need = waterfall_book(300.0)
    table = model.waterfall(x, up(100), within_days=1.0)
    assert table.index.tolist() == ["cash", "government"]
    used, _ = fill({k: pools[k] for k in ("cash", "government")}, need)
    np.testing.assert_allclose(table["used"], list(used.values()), rtol=1e-12)


def test_waterfall_repo_encumbrance_reduces_government_pool():
    h, borrowed = 0.02, 50.0
    instruments = [
        Cash(id="C"),
        ZeroCouponBond(id="G", maturity=10),
        Repo(id="R", collateral="G", term=0.25, haircut=h),
        InterestRateSwap(id="S", tenor=10),
    ]
    x = np.array([5.0, 100.0, borrowed, 300.0])
    table = build(instruments).waterfall(x, up(100))
    ratio = zero_ratio(10, 100)
    government = (1 - 0.04) * ratio * (100.0 - borrowed / (1 - h))
    need = -300.0 * swap_value(10, Y + 0.01) + borrowed / (1 - h) * (1 - ratio)
    assert table.index.tolist() == ["cash", "government"]
    assert table.loc["government", "available"] == pytest.approx(government, rel=1e-12)
    assert table.loc["cash", "used"] == 5.0
    assert table.loc["government", "used"] == pytest.approx(need - 5.0, rel=1e-11)


# --- benefits due -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("months", "expected"),
    [(0.0, 0.0), (3.0, 2.0), (6.0, 2.0 + 4.0), (7.0, 2.0 + 4.0 + 8.0), (12.0, 30.0)],
)
def test_benefits_due_in_the_next_months(months, expected):
    times = np.array([0.0, 0.25, 0.5, 0.5001, 1.0, 1.5])
    amounts = np.array([1.0, 2.0, 4.0, 8.0, 16.0, 32.0])
    # The flow at 0 is already paid; the window (0, months / 12] includes its end.
    assert benefits_due(times, amounts, months) == expected


# --- full revaluation against the PV01 estimate -----------------------------------------------


def derivatives(times, amounts, y):
    """P and its first four derivatives in y of Σ a (1 + y)^-t."""
    out = []
    factor = np.ones_like(times)
    for k in range(5):
        out.append(float((-1) ** k * np.sum(amounts * factor * (1 + y) ** -(times + k))))
        factor = factor * (times + k)
    return out


@pytest.mark.parametrize(
    ("bond", "times", "amounts"),
    [
        (ZeroCouponBond(id="B", maturity=30), np.array([30.0]), np.array([100.0])),
        (
            Bond(id="B", coupon=0.04, maturity=30, frequency=1),
            np.arange(1.0, 31.0),
            np.r_[np.full(29, 4.0), 104.0],
        ),
    ],
    ids=["zero", "coupon"],
)
def test_full_revaluation_differs_from_pv01_by_the_convexity_term(bond, times, amounts):
    """PV01 x s - exact loss = C s^2 / 2 - T3 + R4 for a rise s (Taylor in y).

    T3 = -P3 s^3 / (6P) > 0 is the third-order term (P3, P4: third and fourth derivatives in
    y) and the Lagrange remainder R4 lies in [0, P4 s^4 / (24P)], as P4 > 0 falls in y for
    positive flows. So the gap between the PV01 estimate and the exact loss is the convexity
    term less T3, to within that bound.
    """
    shock = 0.025
    p, d1, d2, d3, d4 = derivatives(times, amounts, Y)
    pv01 = -d1 / p * BP  # per unit of value
    convexity = d2 / p
    if bond.kind == "zero_coupon_bond":
        assert pv01 == pytest.approx(30 / (1 + Y) * BP, rel=1e-14)
        assert convexity == pytest.approx(30 * 31 / (1 + Y) ** 2, rel=1e-14)
    # The same by central differences on the closed-form price (docs/conventions.md),
    # whose truncation error is h^2 (T + 2)(T + 3) / 6 ~ 2e-6 relative at 30y.
    price = lambda y: float(amounts @ (1 + y) ** -times)  # noqa: E731
    assert pv01 == pytest.approx((price(Y - BP) - price(Y + BP)) / 2 / p, rel=1e-5)
    assert convexity == pytest.approx(
        (price(Y - BP) + price(Y + BP) - 2 * p) / (p * BP**2), rel=1e-5
    )

    model = build([bond])
    exact_loss = 1 - model.values([up(shock / BP)])[0, 0] / model.base[0]
    assert exact_loss == pytest.approx(1 - price(Y + shock) / p, rel=1e-13)
    # The pledgeable value follows the full revaluation, not the PV01 estimate.
    available = model.coefficients([up(shock / BP)])[0][0, 0]
    assert available == pytest.approx((1 - 0.04) * (1 - exact_loss), rel=1e-13)

    gap = pv01 * shock / BP - exact_loss
    half_convexity = convexity * shock**2 / 2
    third = -d3 / p * shock**3 / 6
    fourth = d4 / p * shock**4 / 24
    assert 0 < third < half_convexity / 3  # a small correction to the convexity term
    assert half_convexity - third <= gap <= half_convexity - third + fourth
    assert gap > 0  # convexity: a long bond loses less than PV01 x shock


# --- cash variation margin (cleared swaps) ---------------------------------------------------
#
# A receiver swap of notional N calls N x (V(Y) - V(Y + 1%)) under a 100bp rise, payable in
# cash: from cash, money-market funds and same-day repo of gilts (at most the repo
# capacity). The gilt (a 10y zero, 4% haircut) raises 0.96 x its value after the move.


def cleared_book(capacity=None):
    """Cash, a money-market fund, gilt and credit strips and a receiver swap (cleared)."""
    instruments = [
        Cash(id="CASH"),
        Cash(id="MMF"),
        ZeroCouponBond(id="GILT", maturity=10),
        ZeroCouponBond(id="CORP", maturity=3, credit=True),
        InterestRateSwap(id="IRS", tenor=30),
    ]
    policy = CollateralPolicy(
        days=STATED.days,
        instruments={"MMF": InstrumentCollateral(asset_class=AssetClass.MONEY_MARKET)},
    )
    table = collateral_table(instruments, policy)
    revaluation = Revaluation(instruments, MARKET)
    model = CollateralModel(table, revaluation.values, revaluation.base, repo_capacity=capacity)
    return model, np.array([10.0, 5.0, 100.0, 150.0, 1000.0])


def by_hand():
    """Cash, money-market, gilt repo value, credit value and the swap's call after +100bp."""
    gilt = 0.96 * 100.0 * zero_ratio(10, 100)
    corp = (1 - 0.04) * 150.0 * zero_ratio(3, 100)
    call = 1000.0 * (swap_value(30, Y) - swap_value(30, Y + 0.01))
    return 10.0, 5.0, gilt, corp, call


def test_cash_headroom_is_cash_and_gilt_repo_less_the_swaps_call():
    cash, fund, gilt, corp, call = by_hand()
    assert call > cash + fund  # the swap's call needs the gilt repo
    model, x = cleared_book()
    assert model.cash_headroom(x, [up(100)])[0] == pytest.approx(
        cash + fund + gilt - call, rel=1e-12
    )
    # Credit counts for the total (within 2 days) but cannot pay variation margin.
    total = cash + fund + gilt + corp - call
    assert model.headroom(x, [up(100)])[0] == pytest.approx(
        min(total, cash + fund + gilt - call), rel=1e-12
    )


def test_repo_capacity_caps_what_gilts_raise_for_the_call():
    cash, fund, gilt, corp, call = by_hand()
    model, x = cleared_book(capacity=20.0)
    expected = cash + fund + 20.0 - call
    assert expected < 0  # short of cash, though the credit could cover the total
    assert model.headroom(x, [up(100)])[0] == pytest.approx(expected, rel=1e-12)
    table = model.waterfall(x, up(100))
    assert table.index.tolist() == ["cash", "money_market", "government", "corporate", "shortfall"]
    np.testing.assert_allclose(table["variation_margin"].iloc[:3], [cash, fund, 20.0], rtol=1e-12)
    assert table.loc["corporate", "variation_margin"] == 0.0  # credit cannot pay it
    assert table.loc["shortfall", "variation_margin"] == pytest.approx(-expected, rel=1e-12)
    assert table.loc["shortfall", "used"] == pytest.approx(-expected, rel=1e-12)


def test_margin_in_any_collateral_uses_every_pool():
    cash, fund, gilt, corp, call = by_hand()
    model, x = cleared_book(capacity=20.0)
    anything = replace(model, cash_variation_margin=False)
    assert np.isinf(anything.cash_headroom(x, [up(100)])[0])
    total = cash + fund + gilt + corp - call
    assert total > 0  # the credit covers what cash and gilts do not
    assert anything.headroom(x, [up(100)])[0] == pytest.approx(total, rel=1e-12)
    table = anything.waterfall(x, up(100))
    assert "shortfall" not in table.index
    assert (table["variation_margin"] == 0.0).all()
    assert table["other"].sum() == pytest.approx(call, rel=1e-12)
