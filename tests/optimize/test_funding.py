"""Funding terms: leverage and repo collateral rows by hand."""

from ldi.optimize.terms.funding import Leverage, RepoCollateral
from tests.optimize.conftest import DATA, NO_LONG_ONLY, TABLES, expect, table, universe


def test_leverage_is_gross_overlays_plus_repo_over_physical_net_of_repo():
    leverage = (400 + 200 + 150) / (350 + 100 + 300 + 250 + 50 - 150)
    assert expect(table([Leverage(max=1.0), NO_LONG_ONLY]), "leverage", "<=", leverage, 1.0)
    assert not expect(table([Leverage(max=0.8), NO_LONG_ONLY]), "leverage", "<=", leverage, 0.8)


def test_repo_collateral_holds_the_bond_pledged_at_its_value_after_haircut():
    # REPO borrows 150 against GILT at a 4% haircut: the lender holds 150 / 0.96 = 156.25 of
    # it, so 350 - 156.25 of GILT is free; at a 60% haircut 375 is pledged and 350 fall short.
    terms = DATA.terms.assign(collateral=[None] * 5 + ["GILT", None, None], haircut=0.0)
    for haircut, holds in ((0.04, True), (0.6, False)):
        data = universe(**TABLES, terms=terms.assign(haircut=[0.0] * 5 + [haircut, 0.0, 0.0]))
        frame = table([RepoCollateral(), NO_LONG_ONLY], data=data)
        free = 350.0 - 150.0 / (1 - haircut)
        assert expect(frame, "repo_collateral[GILT]", ">=", free, 0.0) is holds
    # Without the repo's collateral in its terms (tables given as arrays) nothing is pledged.
    assert "repo_collateral" not in set(table([RepoCollateral(), NO_LONG_ONLY])["term"])
