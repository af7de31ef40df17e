"""ModelData: the exposure tables the optimizer sees, against the domain layer and references.

- Per-unit exposures are ``problem.instrument_risk(keys)`` unchanged (exact); curvature is
  convexity x value per unit (x 1 per unit of notional for overlays); the liabilities' row
  is ``problem.liabilities.risk(keys)``'s total.
- Expected returns are a year of the model of time with no market move (forwards): the
  column is the scenario engine's (exact), and on plain bonds built independently with
  ql.FixedRateBond on 30/360, unadjusted dates from the valuation date (so every coupon
  time is an exact multiple of the period on both sides) it is, per unit,
  Σ_{t≤1} a_t D(t)/D(1) + Σ_{t>1} a_t D_σ(t)/D_σ(1) − 1: QuantLib's flows over the dirty
  price, the coupons of the year carried to its end on the curve and the rest rolled onto
  the forwards of the curve plus the spread σ that reprices the bond (solved here by
  brentq on QuantLib's flows), to 1e-10; a priced zero-coupon bond earns z(1) + σ exactly.
  By kind on the default problem: growth assets and cash their stated return, par swaps
  nothing, repo the one-year rate of its curve on its value (1e-12). A bond's flows per unit
  of market value are QuantLib's cash flows divided by its dirty price (1e-12). A physical
  instrument's row of flows is its valuation's ``money_flows`` summed by time (1e-15), cash's
  1 today, every other row empty.
- ``Flows.bucketed`` against sums written out by hand; the liabilities' flows against the
  CSV (fixed amounts to the cent; inflation-linked amounts projected with the reference
  implementation of LPI in ``tests/reference.py``, 1e-10).
- ``with_holdings``, ``with_liability_scale`` and the errors for bad ids and group names.
"""

import dataclasses
import re

import numpy as np
import pandas as pd
import pytest
import QuantLib as ql
from scipy import sparse
from scipy.optimize import brentq

import ldi
from ldi.errors import DataError
from ldi.instruments import Role
from ldi.instruments.pricing import money_flows
from ldi.optimize.data import E_GROUP_NAME, Flows, model_data
from ldi.risk.factors import RiskModel
from tests.quantlib_helpers import backward_schedule
from tests.reference import (
    DEFAULT_PROBLEM,
    PROBLEMS,
    liability_book,
    raw_problem,
)

EXAMPLES = sorted(PROBLEMS.glob("*.yaml"))
THIRTY_360 = ql.Thirty360(ql.Thirty360.BondBasis)


@pytest.fixture(scope="module", params=EXAMPLES, ids=lambda p: p.stem)
def example(request):
    problem = ldi.load_problem(request.param)
    d = problem.decision
    return problem, model_data(problem, d.keys, d.risk_model, d.groups)


@pytest.fixture(scope="module")
def default():
    problem = ldi.load_problem(DEFAULT_PROBLEM)
    d = problem.decision
    return problem, model_data(problem, d.keys, d.risk_model, d.groups)


# --- exposures ------------------------------------------------------------------------------


def test_per_unit_exposures_are_the_instrument_risk_table(example):
    problem, data = example
    risk = problem.instrument_risk(problem.decision.keys)
    columns = [c for c in risk.exposures.columns if c not in ("duration", "convexity")]
    pd.testing.assert_frame_equal(data.assets[columns], risk.exposures[columns])
    pd.testing.assert_series_equal(data.assets["role"], risk.terms["role"])
    pd.testing.assert_series_equal(data.assets["kind"], risk.terms["kind"])
    np.testing.assert_array_equal(data.keys, problem.decision.keys)


def test_curvature_is_convexity_times_value_per_unit(example):
    problem, data = example
    risk = problem.instrument_risk(problem.decision.keys)
    table, roles = risk.exposures, risk.terms["role"]
    for i in data.ids:
        convexity = table.loc[i, "convexity"]
        convexity = 0.0 if np.isnan(convexity) else convexity
        basis = 1.0 if roles[i] == "overlay" else table.loc[i, "pv"]
        assert data.assets.loc[i, "curvature"] == convexity * basis, i


def test_liability_row_is_the_total_of_the_liability_risk_table(example):
    problem, data = example
    total = problem.liabilities.risk(problem.decision.keys).loc["total"]
    for column in total.index.drop(["duration", "convexity"]):
        assert data.liabilities[column] == total[column], column
    assert data.liabilities["cs01"] == 0.0
    assert data.liabilities["curvature"] == pytest.approx(
        total["convexity"] * total["pv"], rel=1e-15
    )


def test_factor_loadings_follow_the_exposures(example):
    problem, data = example
    risk_model = problem.decision.risk_model
    assets = data.assets
    np.testing.assert_array_equal(data.loadings["rates"], -assets["pv01"])
    np.testing.assert_array_equal(data.loadings["inflation"], assets["ie01"])
    np.testing.assert_array_equal(data.loadings["credit"], -assets["cs01"])
    terms = problem.instrument_risk(problem.decision.keys).terms
    rho, market = risk_model.growth_correlation, risk_model.volatility["growth"]
    for i in data.ids:
        if terms.loc[i, "kind"] == "return_seeking":
            sigma = terms.loc[i, "volatility"]
            assert data.loadings.loc[i, "growth"] == pytest.approx(
                rho * sigma / market * assets.loc[i, "pv"], rel=1e-15
            )
            assert data.specific[i] == pytest.approx(
                sigma * np.sqrt(1 - rho**2) * assets.loc[i, "pv"], rel=1e-15
            )
        else:
            assert data.loadings.loc[i, "growth"] == 0.0
            assert data.specific[i] == 0.0
    # Bonds against swaps: what the swap curve discounts gains its PV01 per bp the swap
    # curve falls (as named in the file: swaps and repo default to the swap curve).
    market = problem.market
    swap = market.swap if market.swap not in (None, market.nominal) else None
    for i, instrument in problem.instruments.items():
        named = getattr(instrument, "curve", None)
        defaults_to_swap = type(instrument).kind in ("interest_rate_swap", "inflation_swap", "repo")
        on_swap = swap is not None and (named == swap or (named is None and defaults_to_swap))
        expected = assets.loc[i, "pv01"] if on_swap else 0.0
        assert data.loadings.loc[i, "bond_swap"] == pytest.approx(expected, rel=1e-15, abs=0), i
    on_swap = swap is not None and problem.liabilities.curve == swap
    owed = data.liabilities["pv01"] if on_swap else 0.0
    expected = [-data.liabilities["pv01"], data.liabilities["ie01"], 0.0, 0.0, owed]
    np.testing.assert_array_equal(data.liability_loadings.to_numpy(), expected)


def test_expected_returns_are_the_engines_year_without_moves(example):
    problem, data = example
    expected, growth = data.simulation.expected
    np.testing.assert_array_equal(data.assets["expected_return"], expected)
    assert data.liabilities["expected_return"] == growth


def test_stated_returns_and_financing_costs(default):
    problem, data = default
    terms = problem.instrument_risk(problem.decision.keys).terms
    er, pv = data.assets["expected_return"], data.assets["pv"]
    sonia = problem.market.swap_curve()
    for i in data.ids:
        kind, role = terms.loc[i, "kind"], terms.loc[i, "role"]
        if kind in ("return_seeking", "cash"):
            assert er[i] == pytest.approx(terms.loc[i, "expected_return"] * pv[i], rel=1e-12), i
        elif role == "overlay":
            assert er[i] == pytest.approx(0.0, abs=1e-12), i
        elif role == "financing":
            one_year = 1.0 / float(sonia.discount(1.0)) - 1.0
            assert er[i] == pytest.approx(pv[i] * one_year, rel=1e-12), i


# --- yields and flows against QuantLib ----------------------------------------------------------


def plain_problem(instruments):
    return ldi.load_problem(
        {
            "ldi": 1,
            "name": "plain bonds",
            "curves": {"gilts": {"tenors": [1, 10, 30], "rates": [0.04, 0.045, 0.05]}},
            "liabilities": {"discount_curve": "gilts", "cashflows": [{"time": 5, "fixed": 100.0}]},
            "instruments": instruments,
            "holdings": {instruments[0]["id"]: 100.0},
        }
    )


@pytest.mark.parametrize(
    ("coupon", "months", "frequency", "price"),
    [
        (0.05, 123, 2, 97.25),  # 10y3m semiannual: 1.25 accrued today
        (0.03, 84, 1, 91.50),  # 7y annual, on a coupon date
        (0.0425, 245, 2, 103.10),  # 20y5m above par
    ],
)
def test_bond_expected_return_and_flows_match_quantlib(ql_today, coupon, months, frequency, price):
    today = ql_today
    step = 12 // frequency
    first = months % step or step
    effective = today + ql.Period(first - step, ql.Months)  # the last coupon date (or today)
    schedule = backward_schedule(effective, today + ql.Period(months, ql.Months), frequency)
    bond = ql.FixedRateBond(0, 100.0, schedule, [coupon], THIRTY_360, ql.Unadjusted)
    dirty = price + ql.BondFunctions.accruedAmount(bond, today)
    flows = [
        (THIRTY_360.yearFraction(today, cf.date()), cf.amount() / dirty)
        for cf in bond.cashflows()
        if cf.date() > today
    ]
    times, amounts = np.array(flows).T

    instrument = {
        "id": "B",
        "kind": "bond",
        "coupon": coupon,
        "maturity": months / 12,
        "frequency": frequency,
        "price": price,
    }
    problem = plain_problem([instrument])
    data = model_data(problem)
    curve = problem.market.nominal_curve()
    zero = curve.zero_rate(times)

    def discount(spread, t=times, z=zero):
        return (1.0 + z + spread) ** -t

    spread = brentq(lambda s: amounts @ discount(s) - 1.0, -0.05, 0.5, xtol=1e-15)
    one_year = (1.0 + curve.zero_rate(1.0) + spread) ** -1.0
    paid = times <= 1.0
    carried = amounts[paid] @ (discount(0.0)[paid] / float(curve.discount(1.0)))
    rolled = amounts[~paid] @ (discount(spread)[~paid] / one_year)
    pv = data.assets.loc["B", "pv"]
    assert pv == pytest.approx(1.0, rel=1e-12)
    assert data.assets.loc["B", "expected_return"] == pytest.approx(
        carried + rolled - 1.0, abs=1e-10
    )

    expected = {}
    for cf in bond.cashflows():
        if cf.date() > today:
            t = THIRTY_360.yearFraction(today, cf.date())
            expected[t] = expected.get(t, 0.0) + cf.amount() / dirty
    row = data.flows.amounts.toarray()[0]
    paid = row != 0
    np.testing.assert_allclose(data.flows.times[paid], sorted(expected), rtol=0, atol=1e-12)
    np.testing.assert_allclose(row[paid], [expected[t] for t in sorted(expected)], rtol=1e-12)


def test_a_priced_zero_coupon_bond_earns_its_curves_one_year_rate_plus_its_spread():
    problem = plain_problem(
        [{"id": "Z", "kind": "zero_coupon_bond", "maturity": 12.0, "price": 55.0}]
    )
    data = model_data(problem)
    zero = 0.045 + 0.005 * 2.0 / 20.0  # the curve at 12 years: linear from 10y to 30y
    spread = (100.0 / 55.0) ** (1 / 12) - 1 - zero
    assert data.assets.loc["Z", "expected_return"] / data.assets.loc["Z", "pv"] == pytest.approx(
        0.04 + spread, abs=1e-12
    )


def test_cash_pays_its_unit_today_and_overlays_have_no_flows(default):
    problem, data = default
    matrix = data.flows.amounts.toarray()
    rows = dict(zip(data.ids, matrix, strict=True))
    today = data.flows.times == 0
    np.testing.assert_array_equal(rows["CASH"], np.where(today, 1.0, 0.0))
    for i in data.ids:
        if (
            data.assets.loc[i, "role"] != "physical"
            or data.assets.loc[i, "kind"] == "return_seeking"
        ):
            assert not np.any(rows[i]), i


def test_each_physical_instruments_flows_are_its_own_money_flows(example):
    """A row with flows is its valuation's ``money_flows`` summed by time; others are empty."""
    problem, data = example
    matrix = data.flows.amounts.toarray()
    column = {t: k for k, t in enumerate(data.flows.times.tolist())}
    for row, (i, valuation) in enumerate(zip(problem.instruments, problem.valuations, strict=True)):
        instrument = problem.instruments[i]
        physical = type(instrument).role is Role.PHYSICAL
        expected = np.zeros(data.flows.times.size)
        if physical and len(valuation.stream):
            t, money = money_flows(valuation.stream, valuation.breakeven, instrument.where)
            np.add.at(expected, [column[time] for time in t.tolist()], money)
        elif physical and instrument.kind == "cash":
            expected[column[0.0]] = 1.0
        np.testing.assert_allclose(matrix[row], expected, rtol=1e-15, atol=0, err_msg=i)


# --- Flows.bucketed ---------------------------------------------------------------------------


def test_bucketed_sums_flows_per_period_by_hand():
    times = np.array([0.0, 0.5, 1.0, 1.5, 2.0, 3.5])
    amounts = sparse.csr_array(
        np.array(
            [
                [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
                [0.0, 10.0, 0.0, 20.0, 0.0, 30.0],
            ]
        )
    )
    edges = np.array([-1.0, 0.0, 1.0, 2.0])  # (-1, 0], (0, 1], (1, 2]; 3.5 is past the end
    got = Flows(times, amounts).bucketed(edges)
    expected = np.array(
        [
            [1.0, 0.0],  # t = 0
            [2.0 + 3.0, 10.0],  # t = 0.5, 1.0 (right end included)
            [4.0 + 5.0, 20.0],  # t = 1.5, 2.0
        ]
    )
    np.testing.assert_array_equal(got, expected)


def test_bucketed_with_no_flows_is_zero():
    got = Flows(np.zeros(0), sparse.csr_array((3, 0))).bucketed(np.array([-1.0, 0.0, 1.0]))
    np.testing.assert_array_equal(got, np.zeros((2, 3)))


# --- liability flows --------------------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_liability_flows_are_the_csv_with_linked_amounts_projected(path):
    """One flow per payment time: fixed plus real amounts uprated, summed by time.

    Each row's real amount is uprated by its tranche's rule on its index. Reference:
    ``tests.reference.liability_book`` (its own indexation and wedge-curve formulas, from the
    YAML and CSV); 1e-10 relative, and exact (1e-15) for books without linked amounts.
    """
    raw = raw_problem(path)
    data = model_data(ldi.load_problem(raw))
    book = liability_book(raw)
    frame = pd.DataFrame({"time": book.t, "fixed": book.fixed, "inflation_linked": book.linked})
    frame["money"] = book.money()
    frame = frame.groupby("time")[["fixed", "inflation_linked", "money"]].sum()
    frame = frame[frame.index > 0]
    t = frame.index.to_numpy(dtype=float)
    projected = frame["money"].to_numpy()
    np.testing.assert_array_equal(data.liability_flows.times, t)
    assert data.liability_flows.amounts.shape == (1, t.size)
    np.testing.assert_allclose(data.liability_flows.amounts.toarray()[0], projected, rtol=1e-10)
    if not frame["inflation_linked"].any():
        np.testing.assert_allclose(
            data.liability_flows.amounts.toarray()[0], frame["fixed"], rtol=1e-15
        )


# --- with_holdings and with_liability_scale -----------------------------------------------------


def test_with_holdings_aligns_to_the_ids_and_fills_zero(default):
    _, data = default
    other = data.with_holdings({"CASH": 5.0, "SONIA_30Y": -2.0})
    assert list(other.holdings.index) == list(data.ids)
    expected = pd.Series(0.0, index=data.ids)
    expected[["CASH", "SONIA_30Y"]] = [5.0, -2.0]
    np.testing.assert_array_equal(other.holdings.to_numpy(), expected.to_numpy())
    assert other.assets is data.assets  # nothing else changes
    assert data.holdings["CASH"] == 80.0e6  # the original is untouched


def test_with_holdings_rejects_unknown_ids(default):
    _, data = default
    with pytest.raises(DataError, match=re.escape("holdings: unknown instrument ids ['NOPE']")):
        data.with_holdings({"CASH": 1.0, "NOPE": 2.0})


def test_problem_holdings_with_unknown_ids_are_rejected():
    problem = plain_problem([{"id": "B", "kind": "bond", "coupon": 0.04, "maturity": 5.0}])
    bad = dataclasses.replace(problem, holdings=pd.Series({"B": 1.0, "GHOST": 2.0}))
    with pytest.raises(DataError, match=re.escape("holdings: unknown instrument ids ['GHOST']")):
        model_data(bad)


def test_with_liability_scale_scales_every_liability_money_amount(default):
    _, data = default
    scaled = data.with_liability_scale(1.25)
    pd.testing.assert_series_equal(scaled.liabilities, data.liabilities * 1.25)
    pd.testing.assert_series_equal(scaled.liability_loadings, data.liability_loadings * 1.25)
    np.testing.assert_array_equal(scaled.liability_flows.times, data.liability_flows.times)
    np.testing.assert_allclose(
        scaled.liability_flows.amounts.toarray(),
        1.25 * data.liability_flows.amounts.toarray(),
        rtol=1e-15,
    )
    # The liabilities' duration and convexity per unit of value do not change.
    assert scaled.liabilities["pv01"] / scaled.liabilities["pv"] == pytest.approx(
        data.liabilities["pv01"] / data.liabilities["pv"], rel=1e-15
    )
    assert scaled.assets is data.assets
    pd.testing.assert_series_equal(scaled.holdings, data.holdings)


# --- groups ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["bond", "return_seeking", "physical", "overlay"])
def test_groups_named_like_a_kind_or_role_are_rejected(default, name):
    problem, _ = default
    with pytest.raises(DataError, match=re.escape(E_GROUP_NAME.format(name=name))):
        model_data(problem, groups={name: ["CASH"]})


def test_group_with_an_unknown_member_is_rejected(default):
    problem, _ = default
    with pytest.raises(DataError, match=re.escape("groups.liquid: unknown instrument id 'GILT'")):
        model_data(problem, groups={"liquid": ["CASH", "GILT"]})


def test_groups_kinds_and_roles_are_all_groups(default):
    problem, _ = default
    data = model_data(problem, groups={"liquid": ["CASH", "UKT_4Q_2036"]})
    groups = data.all_groups()
    assert groups["liquid"] == ("CASH", "UKT_4Q_2036")
    kinds = data.assets["kind"]
    assert set(groups["bond"]) == set(kinds.index[kinds == "bond"])
    assert set(groups["overlay"]) == {
        "SONIA_20Y",
        "SONIA_30Y",
        "SONIA_50Y",
        "RPI_ZC_20Y",
        "RPI_ZC_30Y",
    }
    np.testing.assert_array_equal(
        data.group_mask("liquid"), data.ids.isin(["CASH", "UKT_4Q_2036"]).astype(float)
    )


def test_risk_model_defaults_when_none_is_given(default):
    problem, _ = default
    assert model_data(problem).risk_model == RiskModel()
