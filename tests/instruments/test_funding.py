"""Repo and Cash: flows, values and risk per unit, against closed forms written out here.

A repo borrows 1 today and repays 1 + r x term at term (simple interest); its fair rate is
(1/DF(term) - 1) / term, at which it is worth -1. On a flat annual curve at z its PV01 is
-(1 + r term) [(1 + z - h)^-term - (1 + z + h)^-term] / 2: borrowing at a fixed rate gains
when rates rise.
"""

import re

import numpy as np
import pytest

from ldi import DataError, Market, ZeroCurve
from ldi.instruments import Cash, Repo, exposure_columns, instrument_risk

H = 1e-4
Z = 0.0435
KEYS = [1.0, 2.0, 5.0, 10.0]
FLAT = Market(curves={"sonia": ZeroCurve.flat(Z, compounding="annual")}, nominal="sonia")


def row(instrument, mkt=FLAT, keys=KEYS):
    risk = instrument_risk([instrument], mkt, keys)
    return risk.exposures.loc[instrument.id], risk.terms.loc[instrument.id]


@pytest.mark.parametrize("term", [1 / 12, 0.25, 1.0, 3.0])
@pytest.mark.parametrize("rate", [None, 0.0, 0.05])
def test_repo_cash_flows_value_and_pv01(term, rate):
    repo = Repo(id="R", collateral="UKT_2035", term=term, haircut=0.02, rate=rate)
    valuation = repo.value(FLAT)
    df = (1 + Z) ** -term
    fair = (1 / df - 1) / term
    # A power and a division each side.
    assert valuation.quote["fair_rate"] == pytest.approx(fair, rel=1e-13)
    r = fair if rate is None else rate
    np.testing.assert_array_equal(valuation.stream.times, [term])
    np.testing.assert_allclose(valuation.stream.amounts, [-(1 + r * term)], rtol=1e-15)
    assert valuation.settled == 0.0

    exposures, terms = row(repo)
    assert terms["rate"] == pytest.approx(r, rel=1e-15)
    assert exposures["pv"] == pytest.approx(-(1 + r * term) * df, rel=1e-14)
    if rate is None:
        assert exposures["pv"] == pytest.approx(-1.0, abs=1e-15)
    # Same central difference written out: rounding eps / (h term) <= 3e-11 at one month.
    pv01 = -(1 + r * term) * ((1 + Z - H) ** -term - (1 + Z + H) ** -term) / 2
    assert exposures["pv01"] == pytest.approx(pv01, rel=1e-10)
    assert exposures["pv01"] < 0
    # Duration per unit of value (-1 and all): term / (1 + z) to second order in h.
    assert exposures["duration"] == pytest.approx(term / (1 + Z), rel=(H * (term + 2)) ** 2)
    # All of it on the first key (term <= 1y), where the bump is the parallel one, or split
    # between the 2y and 5y keys (3y), losing third-order terms: (h (term + 2))^2 / 6.
    keys = exposures[[c for c in exposures.index if c.startswith("pv01_")]]
    assert keys.sum() == pytest.approx(exposures["pv01"], rel=(H * (term + 2)) ** 2 / 6 + 1e-12)
    if term <= KEYS[0]:
        assert keys["pv01_1y"] == exposures["pv01"]
    assert exposures["ie01"] == 0.0
    assert exposures["cs01"] == 0.0


def test_repo_fair_rate_on_a_sloped_curve():
    curve = ZeroCurve([0.25, 1.0, 5.0], [0.045, 0.042, 0.039], compounding="continuous")
    mkt = Market(curves={"sonia": curve}, nominal="sonia")
    # z(0.5) = 4.5% - (0.25 / 0.75) x 0.3% = 4.4% continuous.
    _, terms = row(Repo(id="R", collateral="G", term=0.5, haircut=0.0), mkt)
    assert terms["fair_rate"] == pytest.approx(np.expm1(0.044 * 0.5) / 0.5, rel=1e-13)


def test_repo_terms_report_the_collateral_and_haircut():
    _, terms = row(Repo(id="R", collateral="UKT_2035", term=0.25, haircut=0.02, rate=0.041))
    assert terms["kind"] == "repo"
    assert terms["role"] == "financing"
    assert terms["collateral"] == "UKT_2035"
    assert terms["haircut"] == 0.02
    assert terms["rate"] == 0.041


@pytest.mark.parametrize("haircut", [0.0, 0.02, 0.1, 0.5, 0.99])
def test_collateral_per_unit_borrowed(haircut):
    repo = Repo(id="R", collateral="G", term=0.25, haircut=haircut)
    # Collateral worth C lends C (1 - h): one unit borrowed needs 1 / (1 - h).
    assert repo.collateral_per_unit == pytest.approx(1 / (1 - haircut), rel=1e-15)
    assert repo.collateral_per_unit * (1 - haircut) == pytest.approx(1.0, rel=1e-15)


@pytest.mark.parametrize("haircut", [-0.01, 1.0, 1.5, np.nan, np.inf])
def test_haircut_must_be_in_zero_one(haircut):
    message = f"instrument 'R'.haircut: got {haircut!r}; expected a decimal in [0, 1) such as 0.02"
    with pytest.raises(DataError, match=re.escape(message)):
        Repo(id="R", collateral="G", term=0.25, haircut=haircut)


@pytest.mark.parametrize("term", [0.0, -0.25, np.nan, np.inf])
def test_term_must_be_positive(term):
    message = f"instrument 'R'.term: got {term!r}; expected a positive number of years"
    with pytest.raises(DataError, match=re.escape(message)):
        Repo(id="R", collateral="G", term=term, haircut=0.02)


def test_repo_on_a_curve_the_market_lacks():
    repo = Repo(id="R", collateral="G", term=0.25, haircut=0.02, curve="gilts")
    message = "instrument 'R'.curve: got 'gilts'; expected the name of a nominal curve"
    with pytest.raises(DataError, match=re.escape(message)):
        repo.value(FLAT)


@pytest.mark.parametrize("rate", [0.0, 0.045])
def test_cash_is_worth_its_face_with_no_risk(rate):
    exposures, terms = row(Cash(id="CASH", rate=rate))
    assert list(exposures.index) == exposure_columns(np.array(KEYS))
    assert exposures["pv"] == 1.0
    assert (exposures.drop("pv") == 0.0).all()
    assert terms["kind"] == "cash"
    assert terms["role"] == "physical"
    assert terms["expected_return"] == rate


def test_cash_needs_no_curve():
    risk = instrument_risk([Cash(id="CASH")], Market(curves={}), KEYS)
    assert risk.exposures.loc["CASH", "pv"] == 1.0
