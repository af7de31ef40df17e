"""IndexLinkedBond from a problem file against QuantLib's CPIBond on UK RPI fixings.

Reference: QuantLib 1.44's ``ql.CPIBond`` (not growth-only: real coupon x index ratio and
100 x index ratio at maturity; the redemption is not floored at par, checked under
deflation) on a ``ql.UKRPI`` holding the shipped fixings (problems/data/uk_index_history.csv),
3-month observation lag with linear (daily) interpolation and its base CPI
``ql.CPI.laggedFixing`` at the bond's base date; forecast fixings from a
``ql.ZeroInflationCurve``; discounted by a ``ql.DiscountingBondEngine`` on a nominal curve
with annual compounding. Our side: a problem file with ``valuation_date``,
``market.index_history`` (a copy of the CSV), a breakeven curve quoted on the 3-month-lagged
index (``lag_months: 3``) and the linker with ``base_date`` and ``lag_months: 3`` (relative
indexation lag 0). Compared: the index ratio with QuantLib's lagged fixing at the valuation
date over the base CPI; each payment; the dirty price per 100 real nominal with the NPV per
100; the clean price (ours real, QuantLib's in money) and the accrued interest.

Where the conventions meet exactly:
- Dates: valuation, coupon and maturity dates fall on the 1st of a month, with no calendar,
  unadjusted, no settlement or ex-coupon days, and the day count is 30/360 (bond basis), so
  every time is a whole number of months over 12 on both sides.
- Reference index: on the 1st of month m the 3-month reference is the fixing I(m − 3) itself.
  Our breakeven curve projects the reference index from its value on the valuation date,
  Ref(today) = I(m0 − 3): a flow at t pays real x Ref(today)/Ref(base) x (1 + b(t))^t.
  QuantLib's zero inflation curve starts on the 1st of a month with a published fixing and
  forecasts I(M) = I(base) x (1 + z)^(30/360 years from base to M); with base month m0 − 3
  and z = b that is the same number for every flow. QuantLib holds the fixings it takes as
  published on the valuation date (through m0 − 2); no flow tested here fixes on one after
  m0 − 3, so every fixing after the base month comes from the curve on both sides.
- Discounting: a flat annual rate (``ql.FlatForward``, compounded annually) or a zero curve
  whose pillars are the payment dates at our zero rates; in the sloped case QuantLib's
  inflation pillars are the fixing months themselves at our b(t), so QuantLib's
  interpolation never enters.
Mid-month valuation dates are not comparable exactly: our projection starts from the
reference interpolated within the month and grows it geometrically, QuantLib's from a
month's fixing, interpolating linearly between forecast fixings.

A linker lagged beyond its curve's quotes (an 8-month gilt on 3-month quotes, a 3-month gilt
on 2-month swap quotes) is priced as QuantLib does: flows fixing after today grow from the
curve's reference today, I(m0 − 3) or I(m0 − 2), over the bond's base (``uplift``), and a
coupon whose fixing is already published (the 8-month gilt's next) pays its known ratio
(``fixed_ratios``).

Tolerances: index ratio 1e-12 relative (the same linear formula in days; only the order of
floating-point operations differs). Payments and prices 1e-12 relative: QuantLib keeps a
flat annual rate as a continuous one and converts back (a few ulps per discount factor),
raises the forecast fixing to a power rather than exp(t log1p(b)), and sums up to 44
positive terms in another order; they agree to a few 1e-15.
"""

import shutil
from datetime import date
from pathlib import Path

import numpy as np
import pytest
import QuantLib as ql
import yaml

from ldi.instruments.pricing import money_flows
from ldi.io.load import load_problem
from tests.quantlib_helpers import THIRTY_360, backward_schedule, ql_pillar_curve
from tests.reference import ROOT

HISTORY = ROOT / "problems" / "data" / "uk_index_history.csv"
REL = 1e-12
LAGS = {3: ql.CPI.Linear, 8: ql.CPI.Flat}  # index-linked gilts from 2005; earlier ones


def ql_date(iso: str) -> ql.Date:
    day = date.fromisoformat(iso)
    return ql.Date(day.day, day.month, day.year)


@pytest.fixture
def ql_rpi():
    """A function of today giving a UK RPI index that holds the fixings published by then.

    Published, as QuantLib's UK RPI takes it (a month's fixing is out a month later): every
    month up to the one two months before today's. Its forecast curve is linked through
    ``index.curve``. Sets QuantLib's evaluation date to today; the fixings and the date are
    undone after.
    """
    settings = ql.Settings.instance()
    saved = settings.evaluationDate
    handle = ql.RelinkableZeroInflationTermStructureHandle()
    index = ql.UKRPI(handle)
    index.curve = handle

    def make(today: ql.Date) -> ql.UKRPI:
        settings.evaluationDate = today
        last = ql.Date(1, today.month(), today.year()) - ql.Period(2, ql.Months)
        index.clearFixings()
        for line in HISTORY.read_text().splitlines()[1:]:
            month, rpi, _ = line.split(",")
            first = ql_date(f"{month}-01")
            if first <= last:
                index.addFixing(first, float(rpi))
        return index

    yield make
    index.clearFixings()
    settings.evaluationDate = saved


def ldi_linker(tmp_path: Path, valuation: str, bond: dict, gilts: dict, rpi: dict, lag=3):
    """(linker, market) of a problem file beside a copy of the shipped fixings."""
    shutil.copy(HISTORY, tmp_path / "uk_index_history.csv")
    source = {
        "ldi": 1,
        "name": "linker against QuantLib",
        "valuation_date": valuation,
        "curves": {"gilts": gilts, "rpi": {"kind": "breakeven", **rpi}},
        "market": {"index_history": "uk_index_history.csv"},
        "liabilities": {
            "discount_curve": "gilts",
            "inflation_curve": "rpi",
            "cashflows": [{"time": 10, "inflation_linked": 1.0e6}],
        },
        "instruments": [{"id": "IL", "kind": "index_linked_bond", "lag_months": lag, **bond}],
    }
    path = tmp_path / "problem.yaml"
    path.write_text(yaml.safe_dump(source))
    problem = load_problem(path)
    return problem.instruments["IL"], problem.market


def ql_linker(index, base: ql.Date, maturity: ql.Date, frequency: int, coupon: float, lag=3):
    """A CPIBond paying real ``coupon`` and 100 at ``maturity``, each x I(lagged)/I(base).

    Its dates roll back from ``maturity`` to a year before today, so the current period is
    a whole one.
    """
    observation = ql.Period(lag, ql.Months)
    base_cpi = ql.CPI.laggedFixing(index, base, observation, LAGS[lag])
    issue = ql.Settings.instance().evaluationDate - ql.Period(1, ql.Years)
    schedule = backward_schedule(issue, maturity, frequency)
    bond = ql.CPIBond(
        0,
        100.0,
        False,  # not growth-only: the redemption is 100 x the index ratio
        base_cpi,
        observation,
        index,
        LAGS[lag],
        schedule,
        [coupon],
        THIRTY_360,
        ql.Unadjusted,
    )
    return bond, base_cpi


def flat_inflation(today: ql.Date, base: ql.Date, rate: float) -> ql.ZeroInflationCurve:
    """A flat zero inflation curve starting at the fixing month ``base``."""
    dates = [base, base + ql.Period(80, ql.Years)]
    return ql.ZeroInflationCurve(today, dates, [rate, rate], ql.Monthly, THIRTY_360)


def priced(bond, discount: ql.YieldTermStructure) -> float:
    bond.setPricingEngine(ql.DiscountingBondEngine(ql.YieldTermStructureHandle(discount)))
    return bond.NPV()


def future_flows(bond, today: ql.Date) -> tuple[list[ql.Date], np.ndarray]:
    """QuantLib's payment dates after today and the amount paid on each (coupon + principal)."""
    amounts: dict[ql.Date, float] = {}
    for flow in bond.cashflows():
        if flow.date() > today:
            amounts[flow.date()] = amounts.get(flow.date(), 0.0) + flow.amount()
    dates = sorted(amounts)
    return dates, np.array([amounts[d] for d in dates])


def our_flows(linker, market) -> tuple[np.ndarray, np.ndarray, float]:
    """Our payment times, money per 100 paid at each and the dirty price per 100."""
    valuation = linker.value(market)
    dirty = valuation.quote["dirty_price"]
    times, money = money_flows(valuation.stream, valuation.breakeven, "IL")
    return times, money * dirty, dirty


# --- the index ratio -------------------------------------------------------------------------


@pytest.mark.parametrize("lag", [3, 8])
@pytest.mark.parametrize(
    ("valuation", "base"),
    [
        ("2025-07-01", "2024-03-15"),
        ("2025-12-31", "2011-09-22"),
        ("2024-02-29", "2013-11-01"),
        ("2026-03-17", "1992-07-16"),
    ],
)
def test_index_ratio_is_quantlibs_lagged_fixing_ratio(tmp_path, ql_rpi, lag, valuation, base):
    today = ql_date(valuation)
    index = ql_rpi(today)
    gilts = {"tenors": [1, 30], "rates": [0.04, 0.04]}
    rpi = {"tenors": [1, 30], "rates": [0.03, 0.03], "lag_months": 3}
    bond = {"coupon": 0.0125, "maturity": 10.0, "base_date": base}
    linker, _ = ldi_linker(tmp_path, valuation, bond, gilts, rpi, lag=lag)
    observation = ql.Period(lag, ql.Months)
    expected = ql.CPI.laggedFixing(index, today, observation, LAGS[lag]) / ql.CPI.laggedFixing(
        index, ql_date(base), observation, LAGS[lag]
    )
    assert linker.index_ratio == pytest.approx(expected, rel=REL)
    assert linker.indexation_lag == (lag - 3) / 12


# --- pricing against CPIBond -----------------------------------------------------------------

# (valuation, maturity, frequency, real coupon, base date, nominal rate, breakeven): on a
# coupon date; 2 months into a semiannual period (accrued interest, first flow in 4 months);
# annual coupons over 43 years; and deflation that takes the redemption below par.
FLAT_CASES = {
    "on a coupon date": ("2025-07-01", "2035-01-01", 2, 0.0125, "2024-03-15", 0.041, 0.032),
    "inside a period": ("2025-07-01", "2034-11-01", 2, 0.00125, "2011-09-22", 0.045, 0.034),
    "annual, 43 years": ("2024-02-01", "2067-02-01", 1, 0.00625, "2016-08-10", 0.047, 0.036),
    "deflation": ("2026-03-01", "2036-03-01", 2, 0.02, "2025-06-01", 0.038, -0.03),
}


def on_flat_curves(tmp_path, ql_rpi, case: tuple, lag=3, curve_lag=3):
    """Our linker and market, QuantLib's bond and index, for one ``case`` on flat curves.

    The breakeven curve is quoted on the index ``curve_lag`` months back; QuantLib's starts
    at that fixing month, the reference on the 1st of today's month at the curve's lag.
    """
    valuation, maturity, frequency, coupon, base, nominal, breakeven = case
    today = ql_date(valuation)
    index = ql_rpi(today)
    curve_base = today - ql.Period(curve_lag, ql.Months)
    index.curve.linkTo(flat_inflation(today, curve_base, breakeven))
    bond, base_cpi = ql_linker(index, ql_date(base), ql_date(maturity), frequency, coupon, lag)
    priced(bond, ql.FlatForward(today, nominal, THIRTY_360, ql.Compounded, ql.Annual))

    years = THIRTY_360.yearFraction(today, ql_date(maturity))
    linker, market = ldi_linker(
        tmp_path,
        valuation,
        {"coupon": coupon, "maturity": years, "frequency": frequency, "base_date": base},
        {"tenors": [1, 30], "rates": [nominal, nominal]},
        {"tenors": [1, 30], "rates": [breakeven, breakeven], "lag_months": curve_lag},
        lag=lag,
    )
    return linker, market, bond, index, base_cpi


@pytest.mark.parametrize("case", list(FLAT_CASES))
def test_linker_on_flat_curves_matches_cpibond(tmp_path, ql_rpi, case):
    linker, market, bond, index, base_cpi = on_flat_curves(tmp_path, ql_rpi, FLAT_CASES[case])
    today = ql.Settings.instance().evaluationDate
    dates, ql_money = future_flows(bond, today)
    ratio = ql.CPI.laggedFixing(index, today, ql.Period(3, ql.Months), ql.CPI.Linear) / base_cpi
    assert linker.index_ratio == pytest.approx(ratio, rel=REL)
    assert linker.indexation_lag == 0.0

    times, money, dirty = our_flows(linker, market)
    # The same dates: whole months over 12 (our times roll back from the maturity).
    np.testing.assert_allclose(
        times, [THIRTY_360.yearFraction(today, d) for d in dates], rtol=0, atol=1e-13
    )
    np.testing.assert_allclose(money, ql_money, rtol=REL)
    assert dirty == pytest.approx(bond.NPV(), rel=REL)
    # Our clean price is real (as linkers are quoted); QuantLib's is in money, its accrued
    # interest the real accrued x the index ratio on the settlement date, as ours.
    clean = linker.value(market).quote["clean_price"]
    assert clean * ratio == pytest.approx(bond.cleanPrice(), rel=REL)
    # dirty − clean cancels to the accrued: a few ulps of a price near 100, 1e-12 absolute.
    assert dirty - clean * ratio == pytest.approx(bond.accruedAmount(), rel=0, abs=1e-12)
    if case == "deflation":  # neither side floors the redemption at par
        redemption = bond.redemptions()[-1].amount()
        assert redemption < 100.0
        # The last payment is the coupon and the principal, both x the same ratio.
        coupon, frequency = linker.coupon, linker.frequency
        principal = money[-1] * 100 / (100 + 100 * coupon / frequency)
        assert principal == pytest.approx(redemption, rel=REL)


# A linker lagged beyond the curve's quotes: an 8-month gilt against 3-month quotes (its next
# coupon fixes on a published month), and a 3-month gilt against 2-month swap quotes.
LONGER_LAGS = {
    "8 months on 3": (("2025-07-01", "2035-01-01", 2, 0.025, "2004-03-15", 0.041, 0.032), 8, 3),
    "3 months on 2": (("2025-06-01", "2035-06-01", 2, 0.0125, "2024-03-15", 0.041, 0.032), 3, 2),
}


@pytest.mark.parametrize("case", list(LONGER_LAGS))
def test_linker_lagged_beyond_the_curves_quotes_matches_cpibond(tmp_path, ql_rpi, case):
    """Flows grow from the curve's reference today; a flow fixed on a published month is known.

    The inflation published between the curve's reference and the bond's own is included;
    the 8-month gilt's next coupon, fixed on a published month, pays its known ratio.
    """
    terms, lag, curve_lag = LONGER_LAGS[case]
    linker, market, bond, _, _ = on_flat_curves(tmp_path, ql_rpi, terms, lag, curve_lag)
    assert linker.indexation_lag == (lag - curve_lag) / 12
    _, _, dirty = our_flows(linker, market)
    assert dirty == pytest.approx(bond.NPV(), rel=REL)


def test_linker_on_sloped_curves_matches_cpibond_with_pillars_at_the_fixing_months(
    tmp_path, ql_rpi
):
    valuation, maturity, base, coupon = "2025-07-01", "2041-01-01", "2014-05-08", 0.0075
    gilts = {"tenors": [1, 2, 5, 10, 20, 30], "rates": [0.041, 0.039, 0.04, 0.043, 0.046, 0.044]}
    rpi = {"tenors": [1, 5, 10, 30], "rates": [0.029, 0.033, 0.036, 0.031], "lag_months": 3}
    today = ql_date(valuation)
    years = THIRTY_360.yearFraction(today, ql_date(maturity))
    bond_terms = {"coupon": coupon, "maturity": years, "base_date": base}
    linker, market = ldi_linker(tmp_path, valuation, bond_terms, gilts, rpi)
    curve, breakeven = market.nominal_curve(), market.breakeven_curve()

    curve_base = today - ql.Period(3, ql.Months)
    index = ql_rpi(today)
    bond, _ = ql_linker(index, ql_date(base), ql_date(maturity), 2, coupon)
    dates = sorted({flow.date() for flow in bond.cashflows() if flow.date() > today})
    t = np.array([THIRTY_360.yearFraction(today, d) for d in dates])
    # Each payment's fixing month, 3 months back, carries our b(t) at the payment time t.
    fixings = [d - ql.Period(3, ql.Months) for d in dates]
    b = [float(r) for r in breakeven.rate(t)]
    index.curve.linkTo(
        ql.ZeroInflationCurve(today, [curve_base, *fixings], [b[0], *b], ql.Monthly, THIRTY_360)
    )
    discount = ql_pillar_curve(today, curve, dates)
    ql_dirty = priced(bond, discount)
    _, ql_money = future_flows(bond, today)

    _, money, dirty = our_flows(linker, market)
    np.testing.assert_allclose(money, ql_money, rtol=REL)
    assert dirty == pytest.approx(ql_dirty, rel=REL)
