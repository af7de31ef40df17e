"""Transaction costs as dealers quote them: yield bp x DV01, tenor buckets, price ticks.

Each is checked against the independent valuation of ``tests.reference``: a yield quote
costs bp x the PV01 per unit (IE01 for an inflation swap), so a longer trade costs more for
the same bp; a tick quote costs ticks x tick x index ratio / dirty price per unit of value;
both to 1e-12 relative (the same products in another order).
"""

import copy
import re

import pytest

from ldi.errors import SpecError
from ldi.io.load import load_problem
from ldi.optimize.terms.objectives import TransactionCosts
from tests.reference import ROOT, raw_problem, reference

RAW = raw_problem()


@pytest.fixture(scope="module")
def setting():
    problem = load_problem(copy.deepcopy(RAW))
    return problem.model.scaled, reference()


def per_unit(term, scaled):
    return dict(zip(scaled.ids, term.per_unit(scaled), strict=True))


def test_a_yield_quote_costs_its_bp_times_the_pv01_and_grows_with_maturity(setting):
    scaled, ref = setting
    costs = per_unit(TransactionCosts(yield_bp={"bond": 0.5, "inflation_swap": 1.0}), scaled)
    for gilt in ("UKT_4Q_2036", "UKT_4_2063"):
        expected = 0.5 * abs(ref.instruments.loc[gilt, "pv01"])
        assert costs[gilt] == pytest.approx(expected, rel=1e-12)
    assert costs["UKT_4_2063"] > 2 * costs["UKT_4Q_2036"]  # 38 years against 10
    expected = 1.0 * abs(ref.instruments.loc["RPI_ZC_30Y", "ie01"])
    assert costs["RPI_ZC_30Y"] == pytest.approx(expected, rel=1e-12)


def test_tenor_buckets_price_each_bond_by_its_maturity(setting):
    scaled, ref = setting
    buckets = {12: 0.3, 30: 0.6, 50: 1.0}
    costs = per_unit(TransactionCosts(yield_bp={"bond": buckets}), scaled)
    for gilt, bp in (("UKT_4Q_2036", 0.3), ("UKT_4H_2042", 0.6), ("UKT_3T_2052", 0.6)):
        assert costs[gilt] == pytest.approx(bp * abs(ref.instruments.loc[gilt, "pv01"]), 1e-12)
    assert costs["UKT_4_2063"] == pytest.approx(
        1.0 * abs(ref.instruments.loc["UKT_4_2063", "pv01"])
    )


def test_a_tick_quote_costs_its_ticks_over_the_dirty_price(setting):
    scaled, ref = setting
    term = TransactionCosts(ticks={"index_linked_bond": 2, "UKT_4Q_2036": 1}, tick_size=0.01)
    costs = per_unit(term, scaled)
    assert costs["UKT_4Q_2036"] == pytest.approx(
        0.01 / ref.terms.loc["UKT_4Q_2036", "dirty_price"], rel=1e-12
    )
    ratio = float(next(i for i in RAW["instruments"] if i["id"] == "UKTI_0Q_2068")["index_ratio"])
    dirty = ref.terms.loc["UKTI_0Q_2068", "dirty_price"]
    assert costs["UKTI_0Q_2068"] == pytest.approx(2 * 0.01 * ratio / dirty, rel=1e-12)


def test_an_id_quote_wins_over_its_kinds_in_any_unit(setting):
    scaled, _ = setting
    term = TransactionCosts(yield_bp={"bond": 0.5}, cost_bp={"UKT_4Q_2036": 7.0})
    assert per_unit(term, scaled)["UKT_4Q_2036"] == pytest.approx(7e-4, rel=1e-12)


def test_the_default_solve_with_dealer_quotes_solves():
    raw = copy.deepcopy(RAW)
    raw["objective"]["minimize"][0] = {
        "transaction_costs": {"weight": 5, "yield_bp": {"bond": {15: 0.3, 50: 0.6}}}
    }
    assert load_problem(raw).solve().ok


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"yield_bp": {"bond": 0.5}, "cost_bp": {"bond": 3}},
            "names not already quoted in cost_bp",
        ),
        ({"yield_bp": {"bond": {0: 0.5}}}, "expected for 'bond': bp >= 0, or tenor buckets"),
        ({"yield_bp": {"bond": -1}}, "expected for 'bond': bp >= 0"),
        ({"ticks": {"interest_rate_swap": 1}}, "expected bonds, not 'interest_rate_swap'"),
        ({"yield_bp": {"return_seeking": 3}}, "with a PV01 or IE01 (bonds, swaps), not"),
        ({"tick_size": 2}, "tick_size: got 2; expected a finite number in (0, 1]"),
        ({"ticks": {"gilts": 1}}, "ticks: got"),
    ],
)
def test_a_bad_quote_is_refused_naming_it(setting, options, message):
    scaled, _ = setting
    with pytest.raises(SpecError, match=re.escape(message)):
        TransactionCosts(**options).per_unit(scaled)


def test_the_documented_costs_per_10000_are_the_yield_quotes(setting):
    """docs/optimization.md quotes 0.5bp of yield on the 2036 and 2063 gilts per £10,000."""
    scaled, _ = setting
    costs = per_unit(TransactionCosts(yield_bp={"bond": 0.5}), scaled)
    assert round(costs["UKT_4Q_2036"] * 1e4, 1) == 3.9
    assert round(costs["UKT_4_2063"] * 1e4, 1) == 8.4
    assert "£3.9 per £10,000 of the 2036 gilt and £8.4 of the 2063 one" in " ".join(
        (ROOT / "docs" / "optimization.md").read_text().split()
    )
