"""BondSchedule: coupon flows, accrued interest and prices, checked by hand and with QuantLib.

QuantLib reference: a ql.FixedRateBond on 30/360 (bond basis), no calendar, unadjusted dates
and no settlement lag, priced from a periodically compounded yield. Our side prices the bond's
flows on a flat zero curve with the same compounding, with times measured in 30/360 years,
so both sides discount the same flows at the same times.
"""

import re
import sys

import numpy as np
import pytest
import QuantLib as ql

import ldi
import ldi.cashflows.bonds as bonds_module
from ldi import BondSchedule, DataError
from tests.quantlib_helpers import QL_FREQUENCY, backward_schedule

THIRTY_360 = ql.Thirty360(ql.Thirty360.BondBasis)
COMPOUNDING = {1: "annual", 2: "semiannual", 4: "quarterly"}
H = 1e-4  # the 1bp bump behind ldi.duration and ldi.convexity
EPS = sys.float_info.epsilon


@pytest.fixture
def evaluation_date():
    """Set QuantLib's global evaluation date for one test and put the old one back."""
    settings = ql.Settings.instance()
    saved = settings.evaluationDate

    def set_to(day):
        settings.evaluationDate = day
        return day

    yield set_to
    settings.evaluationDate = saved


def ql_bond(effective, maturity, frequency, coupon):
    schedule = backward_schedule(effective, maturity, frequency)
    return ql.FixedRateBond(0, 100.0, schedule, [coupon], THIRTY_360, ql.Unadjusted)


def ql_yield_args(y, frequency):
    return (y, THIRTY_360, ql.Compounded, QL_FREQUENCY[frequency])


# --- by hand -------------------------------------------------------------------------------


def test_coupon_amounts_of_a_bond_on_a_coupon_date():
    # 5% semiannual on 1000 face: 25 every half year, face back with the last coupon.
    flows = BondSchedule(coupon=0.05, maturity=3.0, frequency=2, face=1000.0).cashflows()
    np.testing.assert_allclose(flows.times, [0.5, 1, 1.5, 2, 2.5, 3], rtol=0, atol=1e-15)
    np.testing.assert_allclose(flows.amounts, [25, 25, 25, 25, 25, 1025], rtol=1e-15)
    assert not flows.has_inflation_linked
    assert BondSchedule(coupon=0.05, maturity=3.0, frequency=2).accrued_interest == 0.0


def test_seasoned_bond_pays_full_coupons_and_has_accrued_interest():
    # 4% quarterly, 1.1y to maturity: dates 0.1, 0.35, ..., 1.1; the period began at -0.15.
    bond = BondSchedule(coupon=0.04, maturity=1.1, frequency=4)
    flows = bond.cashflows()
    np.testing.assert_allclose(flows.times, [0.1, 0.35, 0.6, 0.85, 1.1], rtol=1e-14)
    np.testing.assert_allclose(flows.amounts, [1, 1, 1, 1, 101], rtol=1e-14)
    assert bond.accrued_interest == pytest.approx(100 * 0.04 * 0.15, rel=1e-13)


def test_bond_issued_inside_the_current_period_pays_a_short_first_coupon():
    # Semiannual, regular dates 0.3, 0.8, 1.3; issued at -0.05: first coupon 5% x 0.35.
    bond = BondSchedule(coupon=0.05, maturity=1.3, frequency=2, issue=-0.05)
    flows = bond.cashflows()
    np.testing.assert_allclose(flows.times, [0.3, 0.8, 1.3], rtol=1e-14)
    np.testing.assert_allclose(flows.amounts, [1.75, 2.5, 102.5], rtol=1e-13)
    assert bond.accrued_interest == pytest.approx(100 * 0.05 * 0.05, rel=1e-12)


def test_bond_issued_today_accrues_nothing():
    # 6% on 100 semiannual: 3 per full period, 6 x 0.25 = 1.5 for the stub from 0 to 0.25.
    bond = BondSchedule(coupon=0.06, maturity=1.25, frequency=2, issue=0.0)
    np.testing.assert_allclose(bond.cashflows().amounts, [1.5, 3.0, 103.0], rtol=1e-14)
    assert bond.accrued_interest == 0.0


def test_clean_is_dirty_less_accrued():
    bond = BondSchedule(coupon=0.04, maturity=1.25, frequency=2)  # accrued = 4 x 0.25 = 1
    assert bond.clean_price(101.5) == pytest.approx(100.5, abs=1e-13)
    assert bond.dirty_price(100.5) == pytest.approx(101.5, abs=1e-13)


# --- QuantLib: on a coupon date ------------------------------------------------------------


@pytest.mark.parametrize("frequency", [1, 2, 4])
@pytest.mark.parametrize("years", [1, 7, 30, 50])
@pytest.mark.parametrize(("coupon", "y"), [(0.0, 0.043), (0.0125, 0.002), (0.05, 0.071)])
def test_price_duration_convexity_match_quantlib_on_a_coupon_date(
    evaluation_date, frequency, years, coupon, y
):
    today = evaluation_date(ql.Date(15, 1, 2025))
    bond = ql_bond(today, today + ql.Period(years, ql.Years), frequency, coupon)
    args = ql_yield_args(y, frequency)
    ql_dirty = ql.BondFunctions.cleanPrice(bond, *args, today) + ql.BondFunctions.accruedAmount(
        bond, today
    )
    ql_duration = ql.BondFunctions.duration(bond, *args, ql.Duration.Modified, today)
    ql_convexity = ql.BondFunctions.convexity(bond, *args, today)

    flows = BondSchedule(coupon=coupon, maturity=float(years), frequency=frequency).cashflows()
    curve = ldi.ZeroCurve.flat(y, compounding=COMPOUNDING[frequency])

    # QuantLib multiplies one discount factor per period, we raise to a power: a few ulps per
    # period over at most 200 periods.
    assert ldi.pv(flows, curve) == pytest.approx(ql_dirty, rel=1e-12)

    # QuantLib's numbers are analytic derivatives in y; ours are 1bp central differences.
    # With P(y) = sum a (1 + y/f)^(-f t):  (P(y-h) - P(y+h)) / (2h P) = D (1 + h^2/6 P'''/P')
    # and P'''/P' is an average of (t + 1/f)(t + 2/f) / (1 + y/f)^2, in [0, (T + 2/f)^2].
    # So the relative gap lies in [0, h^2 (T + 2/f)^2 / 6] (at most 4.5e-6 at 50y), less
    # rounding of eps / (h D) in the PV difference.
    gap = ldi.duration(flows, curve) / ql_duration - 1
    assert -1e-10 <= gap <= H**2 * (years + 2 / frequency) ** 2 / 6

    # Likewise the second difference is P''/P (1 + h^2/12 P''''/P'') with P''''/P'' an
    # average of (t + 2/f)(t + 3/f) / (1 + y/f)^2; rounding in the numerator is a few
    # eps x P, i.e. relative 4 eps / (h^2 C) (about 1e-8 for a 1y bond).
    gap = ldi.convexity(flows, curve) / ql_convexity - 1
    rounding = 4 * EPS / (H**2 * ql_convexity)
    assert -rounding <= gap <= H**2 * (years + 3 / frequency) ** 2 / 12 + rounding


# --- QuantLib: between coupon dates --------------------------------------------------------


@pytest.mark.parametrize("frequency", [1, 2, 4])
@pytest.mark.parametrize(
    ("effective", "issued"),
    [
        (ql.Date(15, 8, 2020), False),  # seasoned: the current period is a full one
        (ql.Date(1, 3, 2025), True),  # issued 9 days ago, inside the current period
    ],
)
def test_flows_accrued_and_clean_price_match_quantlib_between_coupon_dates(
    evaluation_date, frequency, effective, issued
):
    today = evaluation_date(ql.Date(10, 3, 2025))
    maturity, coupon, y = ql.Date(15, 8, 2035), 0.0375, 0.041
    bond = ql_bond(effective, maturity, frequency, coupon)

    # Times are 30/360 year fractions from today, so accrual fractions are the same.
    ours = BondSchedule(
        coupon=coupon,
        maturity=THIRTY_360.yearFraction(today, maturity),
        frequency=frequency,
        issue=THIRTY_360.yearFraction(today, effective) if issued else None,
    )
    flows = ours.cashflows()
    expected = {}  # QuantLib lists the redemption apart from the last coupon: add them up
    for cf in bond.cashflows():
        if cf.date() > today:
            t = THIRTY_360.yearFraction(today, cf.date())
            expected[t] = expected.get(t, 0.0) + cf.amount()
    # 30/360 fractions here are multiples of 1/360: exact up to subtraction rounding.
    np.testing.assert_allclose(flows.times, sorted(expected), rtol=0, atol=1e-13)
    np.testing.assert_allclose(flows.amounts, [expected[t] for t in sorted(expected)], rtol=1e-13)

    # accrued: both are 100 x coupon x (30/360 days since the period began) / 360.
    ql_accrued = ql.BondFunctions.accruedAmount(bond, today)
    assert ours.accrued_interest == pytest.approx(ql_accrued, rel=1e-12)

    # Clean price from a yield: same discounting as on a coupon date (see above), 1e-12.
    ql_clean = ql.BondFunctions.cleanPrice(bond, *ql_yield_args(y, frequency), today)
    dirty = ldi.pv(flows, ldi.ZeroCurve.flat(y, compounding=COMPOUNDING[frequency]))
    assert ours.clean_price(dirty) == pytest.approx(ql_clean, rel=1e-12)
    assert ours.dirty_price(ql_clean) == pytest.approx(dirty, rel=1e-12)


# --- bad inputs ----------------------------------------------------------------------------


@pytest.mark.parametrize("issue", [0.25, np.nan])
def test_issue_after_the_valuation_date(issue):
    message = f"UKT_2035.issue: got {issue!r}; expected a time at or before the valuation date"
    with pytest.raises(DataError, match=re.escape(message)):
        BondSchedule(coupon=0.04, maturity=10.0, issue=issue, where="UKT_2035")


@pytest.mark.parametrize("face", [0.0, -100.0, np.inf, np.nan, "100"])
def test_face_must_be_positive(face):
    with pytest.raises(DataError, match=re.escape(f"bond.face: got {face!r}; expected a positive")):
        BondSchedule(coupon=0.04, maturity=10.0, face=face)


@pytest.mark.parametrize("frequency", [3, 0, 2.5])
def test_bad_frequency_names_the_bond(frequency):
    message = f"UKT_2035.frequency: got {frequency!r}; expected one of (1, 2, 4, 12)"
    with pytest.raises(DataError, match=re.escape(message)):
        BondSchedule(coupon=0.04, maturity=10.0, frequency=frequency, where="UKT_2035")


def test_maturity_must_be_after_the_valuation_date():
    with pytest.raises(DataError, match=r"UKT\.maturity: got -1\.0; expected a finite time"):
        BondSchedule(coupon=0.04, maturity=-1.0, where="UKT")


@pytest.mark.parametrize("coupon", [np.nan, None, "4%"])
def test_coupon_must_be_a_finite_number(coupon):
    message = f"UKT.coupon: got {coupon!r}; expected a finite decimal rate"
    with pytest.raises(DataError, match=re.escape(message)):
        BondSchedule(coupon=coupon, maturity=10.0, where="UKT")


def test_the_coupon_schedule_is_built_once_per_bond(monkeypatch):
    """Checking, the flows and the accrued interest share one schedule."""
    calls = []
    build = bonds_module.fixed_leg

    def counted(*args, **kwargs):
        calls.append(args)
        return build(*args, **kwargs)

    monkeypatch.setattr(bonds_module, "fixed_leg", counted)
    bond = BondSchedule(coupon=0.04, maturity=10.3, frequency=2)
    bond.cashflows()
    bond.cashflows()
    _ = bond.accrued_interest
    assert len(calls) == 1
