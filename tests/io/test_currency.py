"""A currency code is read in any case, as ISO 4217 writes it (eur is EUR)."""

import pytest

from ldi.errors import SpecError
from ldi.io.load import load_problem
from tests.reference import raw_problem


@pytest.mark.parametrize("given", ["eur", "Eur", "EUR"])
def test_a_currency_code_in_any_case_is_read_in_capitals(given):
    raw = raw_problem()
    raw["currency"] = given
    del raw["recapitalisation"]  # it starts from a gilt scenario, not in the EUR catalogue
    assert load_problem(raw).currency == "EUR"


def test_a_code_that_is_not_three_letters_is_still_refused():
    raw = raw_problem()
    raw["currency"] = "euro"
    with pytest.raises(SpecError, match="currency: got 'EURO'; expected a 3-letter"):
        load_problem(raw)
