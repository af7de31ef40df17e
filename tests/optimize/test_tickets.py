"""Trade tickets: the trades in nominal, with prices, settlement and risk.

Each is checked against an independent reference:
- the independent valuation of ``tests.reference`` (dirty prices from the problem file's
  quotes and curves, PV01 and IE01 per unit by bumping): tickets reconcile with the
  positions, nominal x dirty price / 100 = the market value traded to a penny (the nominal
  is to a penny of face, so within a penny x max(1, dirty / 100));
- accrued interest by hand: coupon / frequency x 100 x the part of the current period that
  has passed (ldi's schedules run in year fractions back from maturity);
- the budget as an exact invariant: what the tickets pay is what cash gives, to the
  solver's tolerance (1e-6 of the liabilities' PV);
- a calendar by hand: 31 December 2025 is a Wednesday and 1 January is closed, so T+1 is
  Friday 2 January, T+2 Monday 5 January;
- published ISINs whose check digits are known: US0378331005, GB0002634946, AU0000XVGZA3.
"""

import copy
import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest

from ldi.errors import SpecError
from ldi.instruments.isin import check_digit, isin_problem
from ldi.io.load import load_problem
from ldi.optimize.tickets import ticket_table
from tests.reference import raw_problem, reference

RAW = raw_problem()
TOL = 1e-6  # of the liabilities' PV: the solver's verified tolerance
PENNY = 0.01
BONDS = ("bond", "zero_coupon_bond", "index_linked_bond")


@pytest.fixture(scope="module")
def solved():
    return load_problem(copy.deepcopy(RAW)).solve()


@pytest.fixture(scope="module")
def ref():
    return reference()


def test_every_trade_but_cash_has_one_ticket(solved):
    traded = solved.trades[(solved.trades != 0.0) & (solved.instruments["kind"] != "cash")]
    assert list(solved.tickets.index) == list(traded.index)


def test_a_bond_ticket_is_its_trade_in_nominal_at_the_reference_dirty_price(solved, ref):
    tickets = solved.tickets[solved.tickets["kind"].isin(BONDS)]
    assert not tickets.empty
    dirty = ref.terms.loc[tickets.index, "dirty_price"]
    traded = solved.trades[tickets.index].abs()
    value = tickets["nominal"] * dirty / 100.0
    within = PENNY * np.maximum(1.0, dirty / 100.0) + 1e-9 * traded
    assert ((value - traded).abs() <= within).all(), value - traded
    # consideration is the nominal at the dirty price, to the penny, signed as the trade
    paid = np.sign(solved.trades[tickets.index]) * value
    assert ((tickets["consideration"] - paid).abs() <= PENNY / 2 + 1e-9 * traded).all()


def test_a_bond_ticket_shows_the_quoted_clean_price_and_the_accrued_by_hand(solved, ref):
    bonds = {i["id"]: i for i in RAW["instruments"] if i["kind"] in ("bond", "index_linked_bond")}
    tickets = solved.tickets.loc[[i for i in solved.tickets.index if i in bonds]]
    for instrument, ticket in tickets.iterrows():
        spec = bonds[instrument]
        frequency = spec.get("frequency", 2)
        periods = float(spec["maturity"]) * frequency
        passed = 1.0 - (periods - np.floor(periods))
        accrued = float(spec["coupon"]) * 100.0 / frequency * passed
        assert ticket["accrued"] == pytest.approx(accrued, abs=1e-8), instrument
        clean = ref.terms.loc[instrument, "clean_price"]
        assert ticket["clean_price"] == pytest.approx(clean, abs=1e-8), instrument
        if spec["kind"] == "index_linked_bond":
            ratio = float(spec["index_ratio"])
            assert ticket["index_ratio"] == ratio
            dirty = (ticket["clean_price"] + ticket["accrued"]) * ratio
            assert dirty == pytest.approx(ref.terms.loc[instrument, "dirty_price"], rel=1e-9)


def test_swap_tickets_carry_notional_tenor_rate_and_the_reference_pv01(solved, ref):
    swaps = solved.tickets[solved.tickets["kind"].isin(["interest_rate_swap", "inflation_swap"])]
    kinds = {i["id"]: i["kind"] for i in RAW["instruments"]}
    overlays = [i for i, kind in kinds.items() if kind.endswith("_swap")]
    traded = solved.trades[overlays]
    assert sorted(swaps.index) == sorted(traded.index[traded.abs() > PENNY])  # one per trade
    assert len(swaps) >= 2
    trades = solved.trades[swaps.index]
    assert (swaps["nominal"] - trades.abs()).abs().max() <= PENNY / 2
    per_unit = ref.instruments.loc[swaps.index]
    scale = float(solved.exposures.loc["pv", "liabilities"])
    for measure in ("pv01", "ie01"):
        expected = trades * per_unit[measure]
        assert (swaps[measure] - expected).abs().max() <= 1e-6 * scale * 1e-4 + PENNY
    specs = {i["id"]: i for i in RAW["instruments"]}
    for instrument, ticket in swaps.iterrows():
        spec = specs[instrument]
        assert ticket["maturity"] == pytest.approx(float(spec.get("tenor", spec.get("maturity"))))
        assert ticket["fixed_rate"] == pytest.approx(ref.terms.loc[instrument, "fixed_rate"])
    sides = dict(zip(swaps.index, swaps["side"], strict=True))
    assert sides["SONIA_20Y"] == ("receive fixed" if trades["SONIA_20Y"] > 0 else "pay fixed")
    assert sides["RPI_ZC_20Y"] == (
        "receive inflation" if trades["RPI_ZC_20Y"] > 0 else "pay inflation"
    )


def test_a_repo_ticket_has_its_cash_term_haircut_and_collateral(solved):
    repo = solved.tickets.loc["REPO_3M"]
    trade = solved.trades["REPO_3M"]
    assert repo["side"] == ("borrow" if trade > 0 else "repay")
    assert repo["nominal"] == pytest.approx(abs(trade), abs=PENNY / 2)
    assert repo["consideration"] == pytest.approx(-trade, abs=PENNY / 2)  # borrowed: received
    assert (repo["maturity"], repo["haircut"], repo["collateral"]) == (0.25, 0.04, "UKT_3T_2052")


def test_what_the_tickets_pay_is_what_cash_gives(solved):
    scale = float(solved.exposures.loc["pv", "liabilities"])
    paid = solved.tickets["consideration"].sum()
    assert paid + solved.trades["CASH"] == pytest.approx(0.0, abs=TOL * scale)


def test_settlement_runs_in_business_days_from_the_valuation_date(solved):
    dates = solved.tickets["settlement_date"]
    kinds = solved.tickets["kind"]
    expected = {
        "bond": "2026-01-02",  # gilts T+1; 1 January closed
        "index_linked_bond": "2026-01-02",
        "interest_rate_swap": "2026-01-05",  # spot T+2, over the weekend
        "inflation_swap": "2026-01-05",
        "repo": "2025-12-31",  # same day
        "return_seeking": "2026-01-05",
    }
    for instrument, kind in kinds.items():
        assert dates[instrument] == pd.Timestamp(expected[kind]), instrument


def test_credit_bonds_settle_t_plus_2_and_an_instrument_may_say_its_own_days():
    raw = copy.deepcopy(RAW)
    specs = {i["id"]: i for i in raw["instruments"]}
    specs["UKT_4Q_2036"]["settlement_days"] = 3
    trades = pd.Series({"UKT_4Q_2036": 1e6, "CREDIT_AA_2035": 1e6, "UKT_4H_2042": 1e6})
    data = load_problem(raw).model.data
    tickets = ticket_table(trades, data.assets, data.terms, dt.date(2026, 3, 6))  # a Friday
    dates = tickets["settlement_date"]
    assert dates["UKT_4H_2042"] == pd.Timestamp("2026-03-09")  # T+1: Monday
    assert dates["CREDIT_AA_2035"] == pd.Timestamp("2026-03-10")  # T+2
    assert dates["UKT_4Q_2036"] == pd.Timestamp("2026-03-11")  # its own T+3


def test_without_a_valuation_date_settlement_is_blank():
    data = load_problem(copy.deepcopy(RAW)).model.data
    tickets = ticket_table(pd.Series({"UKT_4H_2042": -5e6}), data.assets, data.terms, None)
    assert tickets["settlement_date"].isna().all()
    assert tickets.loc["UKT_4H_2042", "side"] == "sell"


def test_an_isin_given_goes_on_the_ticket():
    raw = copy.deepcopy(RAW)
    raw["instruments"][2]["isin"] = "GB0002634946"
    result = load_problem(raw).solve()
    assert result.tickets.loc[raw["instruments"][2]["id"], "isin"] == "GB0002634946"


@pytest.mark.parametrize("isin", ["US0378331005", "GB0002634946", "AU0000XVGZA3"])
def test_published_isins_pass_their_check_digit(isin):
    assert check_digit(isin[:11]) == int(isin[11])
    assert isin_problem(isin) is None


@pytest.mark.parametrize(
    ("isin", "message"),
    [
        ("US0378331004", "its check digit is 5, not 4"),
        ("us0378331005", "expected an ISIN"),
        ("US037833100", "expected an ISIN"),
    ],
)
def test_a_malformed_isin_is_named(isin, message):
    assert message in isin_problem(isin)


@pytest.mark.parametrize(
    ("edits", "path", "message"),
    [
        (
            {0: {"isin": "US0378331005"}, 3: {"isin": "US0378331005"}},
            "instruments[3].isin",
            "already the ISIN of instruments[0] (UKT_4Q_2036); expected each ISIN on one",
        ),
        ({1: {"isin": "GB0002634947"}}, "instruments[1].isin", "its check digit is 6, not 7"),
        ({1: {"settlement_days": -1}}, "instruments[1].settlement_days", "expected a number"),
    ],
)
def test_bad_ticket_keys_are_refused_at_their_place(edits, path, message):
    raw = copy.deepcopy(RAW)
    for index, edit in edits.items():
        raw["instruments"][index].update(edit)
    with pytest.raises(SpecError, match=re.escape(message)) as error:
        load_problem(raw)
    assert error.value.path == path
