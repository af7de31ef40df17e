"""The example liability books against their recipes, the published table and their targets.

The reference figures of the first tests are the computed [C] values of the shared domain facts
("Representative UK DB cash-flow profile"), quoted there to the digits used below. The sizing
curves are re-typed here from the problem set's illustrative curves, not taken from the
generator, so the generator's own ``SIZING_CURVES`` are checked too.

The committed cash flows are ``ldi``'s projection of the committed memberships (an
invariant: rebuilt, they are the files to the cent); the recipe's closed form (Gompertz
survival multiplied out by hand over whole ages, ``generator.project``) is the independent
reference they equal, every amount rounded to the cent.
"""

import importlib.util

import numpy as np
import pandas as pd
import pytest
import yaml

import ldi
from tests.reference import PROBLEMS

spec = importlib.util.spec_from_file_location(
    "generate_liabilities", PROBLEMS / "generate_liabilities.py"
)
generator = importlib.util.module_from_spec(spec)
spec.loader.exec_module(generator)

GILT_TENORS = [1, 2, 3, 5, 7, 10, 15, 20, 25, 30, 40, 50]
GILTS = ldi.ZeroCurve(
    GILT_TENORS,
    [0.0385, 0.0378, 0.0382, 0.0395, 0.0415, 0.0448, 0.0495, 0.0525, 0.053, 0.0525, 0.0505, 0.048],
    compounding="annual",
)
RPI = ldi.BreakevenCurve(
    GILT_TENORS,
    [0.033, 0.0315, 0.031, 0.0315, 0.032, 0.033, 0.034, 0.0345, 0.034, 0.0335, 0.0325, 0.0315],
)
US_AA = ldi.ZeroCurve(
    [0.5, 1, 2, 3, 5, 7, 10, 15, 20, 30, 50],
    [0.0440, 0.0445, 0.0452, 0.0462, 0.0485, 0.0505, 0.0530, 0.0552, 0.0562, 0.0560, 0.0545],
    compounding="semiannual",
)
ESTR = ldi.ZeroCurve(
    [1, 2, 3, 5, 7, 10, 12, 15, 20, 25, 30, 40, 50],
    np.array([1.95, 2.02, 2.08, 2.24, 2.40, 2.60, 2.70, 2.80, 2.88, 2.87, 2.82, 2.68, 2.52]) / 100,
    compounding="annual",
)


# --- the published recipe -------------------------------------------------------------------


@pytest.fixture(scope="module")
def domain_facts() -> pd.DataFrame:
    """Published recipe, statuses summed: columns time, fixed, inflation_linked."""
    flows = generator.project(generator.DOMAIN_FACTS)
    return flows.groupby("time", as_index=False)[["fixed", "inflation_linked"]].sum()


def nominal(flows: pd.DataFrame) -> np.ndarray:
    """Nominal payments at 3% inflation: fixed + real x 1.03^t, in GBP m."""
    return (flows["fixed"] + flows["inflation_linked"] * 1.03 ** flows["time"]).to_numpy() / 1e6


def test_payment_profile(domain_facts):
    total = nominal(domain_facts)
    # Table values are rounded to 0.01m; our amounts are rounded to pence per status.
    np.testing.assert_allclose(total[:5], [29.44, 29.69, 30.09, 30.65, 31.39], atol=0.005)
    assert int(domain_facts["time"][np.argmax(total)]) == 22
    assert total[:60].sum() == pytest.approx(1727, abs=1)
    assert total[60:].sum() == pytest.approx(0.33, abs=0.005)
    fixed = domain_facts.set_index("time")["fixed"] / 1e6
    expected = {1: 7.197, 10: 7.555, 20: 8.232, 30: 5.367, 40: 1.879, 50: 0.260}
    for year, amount in expected.items():
        assert fixed[year] == pytest.approx(amount, abs=0.0005)


@pytest.mark.parametrize(
    ("rate", "pv_m", "modified_duration", "pv01_m"),
    [
        (0.02, 1146.4, 19.00, 2.178),
        (0.035, 875.5, 16.98, 1.487),
        (0.045, 743.4, 15.75, 1.171),
        (0.05, 688.1, 15.16, 1.043),
    ],
)
def test_flat_rate_valuation_matches_the_published_table(
    domain_facts, rate, pv_m, modified_duration, pv01_m
):
    cf = ldi.Cashflows(
        domain_facts["time"], domain_facts["fixed"], domain_facts["inflation_linked"]
    )
    curve = ldi.ZeroCurve.flat(rate, compounding="annual")
    breakeven = ldi.BreakevenCurve.flat(0.03)
    # Tolerances are half a unit of the table's last digit; the effective duration of a
    # 1bp central difference equals the modified duration far inside that.
    assert ldi.pv(cf, curve, breakeven) / 1e6 == pytest.approx(pv_m, abs=0.05)
    assert ldi.duration(cf, curve, breakeven) == pytest.approx(modified_duration, abs=0.005)
    assert ldi.pv01(cf, curve, breakeven) / 1e6 == pytest.approx(pv01_m, abs=0.0005)


# --- the four example books -----------------------------------------------------------------

RECIPES = {recipe.name: recipe for recipe in generator.RECIPES}


def test_the_four_books_are_written():
    assert list(RECIPES) == [
        "uk_db_scheme",
        "us_corporate_plan",
        "insurer_annuity_book",
        "nl_pension_fund",
    ]
    for recipe in generator.RECIPES:
        assert recipe.csv_path == PROBLEMS / "data" / f"{recipe.name}_cashflows.csv"


@pytest.fixture(scope="module", params=list(RECIPES))
def book(request) -> tuple[object, pd.DataFrame]:
    """(recipe, its committed CSV)."""
    recipe = RECIPES[request.param]
    return recipe, pd.read_csv(recipe.csv_path)


def test_committed_csv_is_what_the_recipe_generates(book):
    recipe, flows = book
    pd.testing.assert_frame_equal(flows, generator.project(recipe), check_exact=True)


def test_committed_csv_is_the_projection_of_the_committed_membership(book):
    """``python problems/generate_liabilities.py`` rebuilds each table from its members."""
    recipe, flows = book
    rebuilt = generator.rebuild(recipe)
    pd.testing.assert_frame_equal(flows, rebuilt, check_exact=False, rtol=0, atol=1e-9)


# Members in each committed membership, as docs/mortality.md quotes them.
MEMBER_COUNTS = {
    "uk_db_scheme": 5_999,
    "us_corporate_plan": 7_002,
    "insurer_annuity_book": 5_000,
    "nl_pension_fund": 11_996,
}


def test_committed_membership_is_the_seeded_recipe(book):
    recipe, _ = book
    committed = pd.read_csv(recipe.members_path)
    assert len(committed) == MEMBER_COUNTS[recipe.name]
    drawn = generator.membership(recipe)
    pd.testing.assert_frame_equal(committed, drawn, check_dtype=False)
    basis = yaml.safe_load(recipe.basis_path.read_text())
    assert basis == generator.basis(recipe)
    pd.testing.assert_frame_equal(pd.read_csv(recipe.table_path), generator.table(recipe))


def test_membership_pensions_add_up_to_the_recipe_age_by_age(book):
    """Σ pensions of a status, age and tranche = total x weight x share, to 1e-12."""
    recipe, _ = book
    members = pd.read_csv(recipe.members_path)
    shares = {t.name: t.share for t in recipe.tranches} or {"level": 1.0}
    for group in recipe.groups:
        mine = members[members["status"] == group.status.value]
        ages = group.ages
        weights = np.exp(-0.5 * ((ages - group.centre_age) / group.width) ** 2)
        for name, share in shares.items():
            summed = mine.groupby("age")[f"pension:{name}"].sum().reindex(ages, fill_value=0)
            expected = group.total_pension * share * weights / weights.sum()
            np.testing.assert_allclose(summed, expected, rtol=1e-12)
        assert set(mine["sex"]) == {"M", "F"}
        waiting = group.status.value != "pensioner"
        retiring = mine["retirement_age"]
        assert (retiring == group.paid_from_age).all() if waiting else retiring.isna().all()


@pytest.mark.parametrize("name", ["us_corporate_plan", "insurer_annuity_book", "nl_pension_fund"])
def test_a_problem_on_its_membership_values_as_on_its_table(name, monkeypatch):
    """Level pensions: ``liabilities.members`` values as the committed table (in cents)."""
    monkeypatch.chdir(PROBLEMS)
    raw = yaml.safe_load((PROBLEMS / f"{name}.yaml").read_text())
    table = ldi.load_problem(raw).liabilities.risk().loc["total"]
    recipe = RECIPES[name]
    basis = generator.basis(recipe)
    for sex in basis["mortality"].values():
        sex["table"] = f"data/{sex['table']}"
    del basis["valuation_date"]
    liabilities = {key: value for key, value in raw["liabilities"].items() if key != "cashflows"}
    liabilities["tranches"] = {"level": {}}
    liabilities["members"] = {"file": f"data/{recipe.members_path.name}", "basis": basis}
    problem = ldi.load_problem({**raw, "liabilities": liabilities})
    members = problem.liabilities.risk().loc["total"]
    for column in ("pv", "pv01"):
        assert members[column] == pytest.approx(table[column], rel=1e-9), column
    assert "mortality_down_10" in problem.scenarios


# name: (discount curve, breakeven, PV range in ccy m, duration range in years, linked share).
# PV targets carry a ±2% tolerance; duration and linked-share ranges are the books' targets,
# except the insurer book's duration: a book of level annuities to pensioners aged 60-95
# centred on 72 measures about 7 years at gilts + 100bp (a single annuity from 60 has 9.4).
# The Dutch fund's targets: about EUR 10bn and a duration of 20-25 years on €STR.
TARGETS = {
    "uk_db_scheme": (GILTS.shifted(50), RPI, (1470, 1530), (17, 19), (0.70, 0.75)),
    "us_corporate_plan": (US_AA, None, (1176, 1224), (12, 13), (0, 0)),
    "insurer_annuity_book": (GILTS.shifted(100), RPI, (784, 816), (6.5, 7.5), (0, 0)),
    "nl_pension_fund": (ESTR, None, (9800, 10200), (20, 25), (0, 0)),
}


@pytest.mark.parametrize("name", list(TARGETS))
def test_pv_duration_and_linked_share_on_the_sizing_curves(name):
    curve, breakeven, pv_m, duration, linked_share = TARGETS[name]
    flows = pd.read_csv(RECIPES[name].csv_path)
    t, linked = flows["time"], flows["inflation_linked"]
    cf = ldi.Cashflows(t, flows["fixed"], linked)
    pv = ldi.pv(cf, curve, breakeven)
    linked_pv = ldi.pv(ldi.Cashflows(t, np.zeros(len(t)), linked), curve, breakeven)
    assert pv_m[0] <= pv / 1e6 <= pv_m[1]
    assert duration[0] <= ldi.duration(cf, curve, breakeven) <= duration[1]
    assert linked_share[0] <= linked_pv / pv <= linked_share[1]
    # The generator's own sizing curves and measure agree with these.
    measured = generator.measure(RECIPES[name], flows)
    assert measured["pv"] == pytest.approx(pv, rel=1e-12)
    assert measured["linked_share"] == pytest.approx(linked_pv / pv, abs=1e-12)


# name: (statuses present, all fixed nominal, years in which payments peak).
SHAPES = {
    "uk_db_scheme": ({"pensioner", "deferred"}, False, range(20, 29)),
    "us_corporate_plan": ({"pensioner", "deferred"}, True, range(15, 23)),
    "insurer_annuity_book": ({"pensioner"}, True, range(1, 2)),
    "nl_pension_fund": ({"pensioner", "deferred", "active"}, True, range(25, 35)),
}


@pytest.mark.parametrize("name", list(SHAPES))
def test_shape(name):
    statuses, all_fixed, peak_years = SHAPES[name]
    recipe = RECIPES[name]
    flows = pd.read_csv(recipe.csv_path)
    tranches = [t.name for t in recipe.tranches]
    assert list(flows.columns) == (generator.TRANCHE_COLUMNS if tranches else generator.COLUMNS)
    years = np.unique(flows["time"])
    np.testing.assert_array_equal(years, np.arange(1, len(years) + 1))
    assert 40 <= len(years) < RECIPES[name].horizon_years  # runs off inside the horizon
    assert flows["time"].is_monotonic_increasing
    assert not flows.duplicated(["time", "status", *(["tranche"] if tranches else [])]).any()
    assert set(flows["status"]) == statuses
    if tranches:  # every payment in each tranche, fixed or linked as the tranche is
        assert (
            flows.groupby(["time", "status"])["tranche"]
            .apply(list)
            .map(sorted)
            .map(lambda names: names == sorted(tranches))
            .all()
        )
        for tranche in recipe.tranches:
            mine = flows[flows["tranche"] == tranche.name]
            assert (mine["fixed" if tranche.linked else "inflation_linked"] == 0).all()
    amounts = flows[["fixed", "inflation_linked"]]
    assert (amounts >= 0).all().all()
    assert (amounts.sum(axis=1) > 0).all()
    assert (flows["inflation_linked"] == 0).all() == all_fixed
    total = amounts.sum(axis=1).groupby(flows["time"]).sum()
    assert total.idxmax() in peak_years


def test_deferreds_are_paid_from_their_retirement_age():
    # Youngest deferred of the UK book is 30 and oldest 64, paid from 65: first at t = 2.
    flows = pd.read_csv(RECIPES["uk_db_scheme"].csv_path)
    assert flows.loc[flows["status"] == "deferred", "time"].min() == 2


def test_the_dutch_book_pays_for_more_than_seventy_years():
    # Actives from 25 are paid from 68 (t = 43 for the youngest) until the Gompertz q_x
    # reaches 1 near 105: payments run past year 70, a few percent of them beyond 50 years.
    flows = pd.read_csv(RECIPES["nl_pension_fund"].csv_path)
    last = flows.groupby("status")["time"].max()
    assert last["active"] > 70
    assert last["pensioner"] < last["active"]
    first = flows.groupby("status")["time"].min()
    assert (first["deferred"], first["active"]) == (2, 2)  # the oldest are 67, paid from 68
    total = flows.groupby("time")["fixed"].sum()
    assert 0.02 < total[total.index > 50].sum() / total.sum() < 0.06


def test_lighter_mortality_raises_the_value():
    heavier = generator.Recipe(
        **{**vars(RECIPES["insurer_annuity_book"]), "mortality_multiplier": 1}
    )
    assert (
        generator.measure(heavier)["pv"] < generator.measure(RECIPES["insurer_annuity_book"])["pv"]
    )
