"""Convention tables: defaults per kind and currency, and the standard haircut schedule.

Haircut reference: EU EMIR RTS 2016/2251, Annex II, Table 2, credit quality step 1, written
out here: debt of central governments and similar issuers 0.5% (residual maturity <= 1y),
2% (> 1y and <= 5y), 4% (> 5y); other debt (credit) 1%, 4%, 8%.
"""

import dataclasses

import numpy as np
import pytest

from ldi.instruments import KINDS, Bond, IndexLinkedBond, InflationSwap, InterestRateSwap
from ldi.instruments.conventions import CURRENCY_DEFAULTS, KIND_DEFAULTS, defaults, haircut

EMIR_CQS1 = {
    "government": [(1.0, 0.005), (5.0, 0.02), (np.inf, 0.04)],
    "credit": [(1.0, 0.01), (5.0, 0.04), (np.inf, 0.08)],
}


@pytest.mark.parametrize(
    ("kind", "currency", "expected"),
    [
        ("bond", "GBP", {"frequency": 2}),
        ("bond", "USD", {"frequency": 2}),
        ("bond", "EUR", {"frequency": 1}),
        ("index_linked_bond", "GBP", {"frequency": 2, "indexation_lag": 0.0}),
        ("index_linked_bond", "EUR", {"frequency": 1, "indexation_lag": 0.0}),
        ("interest_rate_swap", "GBP", {"frequency": 1}),
        ("interest_rate_swap", "EUR", {"frequency": 1}),
        ("inflation_swap", "GBP", {"indexation_lag": 0.0}),
        ("zero_coupon_bond", "EUR", {}),
        ("repo", "GBP", {}),
        ("return_seeking", "GBP", {}),
        ("cash", "EUR", {}),
    ],
)
def test_defaults_by_kind_and_currency(kind, currency, expected):
    assert defaults(kind, currency) == expected


def test_defaults_return_a_fresh_dict():
    first = defaults("bond", "EUR")
    first["frequency"] = 12
    assert defaults("bond", "EUR") == {"frequency": 1}
    assert KIND_DEFAULTS["bond"] == {"frequency": 2}


def test_every_kind_has_defaults_and_overrides_name_known_kinds():
    assert set(KIND_DEFAULTS) == set(KINDS)
    assert {kind for _, kind in CURRENCY_DEFAULTS} <= set(KINDS)


@pytest.mark.parametrize("cls", [Bond, IndexLinkedBond, InterestRateSwap, InflationSwap])
def test_class_defaults_are_the_kind_defaults(cls):
    fields = {f.name: f.default for f in dataclasses.fields(cls)}
    for name, value in KIND_DEFAULTS[cls.kind].items():
        assert fields[name] == value, (cls.kind, name)


def emir(credit, maturity):
    schedule = EMIR_CQS1["credit" if credit else "government"]
    return next(cut for limit, cut in schedule if maturity <= limit)


# Inside each band and on its boundaries ("<= 1 year", "> 1 and <= 5 years", "> 5 years").
MATURITIES = [0.0, 0.25, 1.0, np.nextafter(1.0, 2.0), 3.0, 5.0, np.nextafter(5.0, 6.0), 30.0]


@pytest.mark.parametrize("maturity", MATURITIES)
@pytest.mark.parametrize("credit", [False, True])
def test_haircut_schedule_matches_emir(credit, maturity):
    assert haircut(credit, maturity) == emir(credit, maturity)


@pytest.mark.parametrize(
    ("credit", "maturity", "expected"),
    [
        (False, 1.0, 0.005),
        (False, 1.01, 0.02),
        (False, 5.0, 0.02),
        (False, 5.01, 0.04),
        (False, 50.0, 0.04),
        (True, 1.0, 0.01),
        (True, 1.01, 0.04),
        (True, 5.0, 0.04),
        (True, 5.01, 0.08),
        (True, 50.0, 0.08),
    ],
)
def test_haircut_boundaries(credit, maturity, expected):
    assert haircut(credit, maturity) == expected


def test_credit_haircuts_are_higher():
    for maturity in MATURITIES:
        assert haircut(True, maturity) > haircut(False, maturity)
