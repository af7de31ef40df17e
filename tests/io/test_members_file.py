"""Problem files with ``liabilities.members``: a membership projected on a basis from files.

References and tolerances:

- the liabilities of a file with ``members`` are those of the same file whose
  ``cashflows`` are ``ldi.members.projection.project``'s rows written out by hand (fixed
  tranches as ``fixed``, the others as ``inflation_linked``): PV, PV01 and IE01 to 1e-12
  relative (the same flows, valued once each);
- a table and a scale read from CSV files give the rates of the same ``Table`` and
  ``Improvement`` built in Python, exactly;
- refusals: the key's path and the message.
"""

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ldi.errors import DataError, LDIWarning, SpecError
from ldi.io.load import load_problem
from ldi.members import SULT, Improvement, Mortality, Table
from ldi.members.projection import Basis, project
from ldi.reporting.risk_report import risk_report
from ldi.scenarios import Move, liability_values
from ldi.stress import stress_test
from tests.members.test_projection import MEMBERS as PROJECTED

MEMBERS = PROJECTED.rename(  # the hand-checked membership, its tranches renamed
    columns={"pension:pre97": "pension:fixed_part", "pension:post97": "pension:linked"}
)
SCALE = pd.DataFrame({"age": [60, 61], "2020": [0.02, 0.01], "2021": [0.015, 0.0]})
FEMALE = pd.DataFrame({"age": np.arange(40, 121), "q": np.linspace(0.001, 0.6, 81)})
YEARS = 80


def basis_section(**changes):
    section = {
        "mortality": {
            "male": {"law": "sult", "base_year": 2012, "improvement": {"rate": 0.015}},
            "female": {
                "table": "female.csv",
                "base_year": 2019,
                "improvement": {"scale": "scale.csv"},
            },
        },
        "proportion_married": 0.8,
        "commutation": 0.2,
        "commutation_factor": 16.0,
        "fixed": ["fixed_part"],
        "years": YEARS,
    }
    return {**section, **changes}


def raw(liabilities):
    return {
        "ldi": 1,
        "name": "members",
        "valuation_date": "2026-06-30",
        "curves": {
            "gilts": {"tenors": [1, 10, 30], "rates": [0.04, 0.045, 0.05]},
            "rpi": {"kind": "breakeven", "tenors": [1, 30], "rates": [0.034, 0.031]},
        },
        "liabilities": {
            "discount_curve": "gilts",
            "inflation_curve": "rpi",
            "tranches": {"fixed_part": {}, "linked": {"floor": 0.0, "cap": 0.05}},
            **liabilities,
        },
        "instruments": [{"id": "CASH", "kind": "cash"}],
        "holdings": {"CASH": 1e6},
    }


@pytest.fixture
def folder(tmp_path, monkeypatch):
    MEMBERS.to_csv(tmp_path / "members.csv", index=False)
    FEMALE.to_csv(tmp_path / "female.csv", index=False)
    SCALE.to_csv(tmp_path / "scale.csv", index=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def python_basis():
    scale = SCALE.set_index("age")
    scale.columns = [2020, 2021]
    female = Table.of(FEMALE.set_index("age")["q"], "female")
    return Basis(
        {
            "male": Mortality(SULT.table(0, 130), 2012, Improvement(0.015)),
            "female": Mortality(female, 2019, Improvement(scale=scale)),
        },
        proportion_married=0.8,
        commutation=0.2,
        commutation_factor=16.0,
    )


def test_members_value_as_their_projected_rows_written_out(folder):
    members = load_problem(raw({"members": {"file": "members.csv", "basis": basis_section()}}))
    rows = project(MEMBERS, python_basis(), 2026, YEARS)
    fixed = rows["tranche"] == "fixed_part"
    table = rows.assign(
        fixed=np.where(fixed, rows["amount"], 0.0),
        inflation_linked=np.where(fixed, 0.0, rows["amount"]),
    ).drop(columns="amount")
    table.to_csv(folder / "flows.csv", index=False)
    written = load_problem(raw({"cashflows": "flows.csv"}))
    got = members.liabilities.risk()
    expected = written.liabilities.risk()
    for column in ("pv", "pv01", "ie01"):
        np.testing.assert_allclose(got[column], expected.loc[got.index, column], rtol=1e-12)
    assert got.loc["fixed_part", "ie01"] == 0.0  # a fixed tranche has no inflation risk
    assert got.loc["linked", "ie01"] > 0.0


def test_a_table_and_a_scale_from_files_are_the_python_ones(folder):
    from ldi.io.members import basis_of
    from ldi.io.schema import MembersBasisSpec

    basis = basis_of(MembersBasisSpec(**basis_section()), folder, "basis")
    expected = python_basis()
    ages, years = np.array([40, 60, 61, 90, 120]), np.array([2026, 2020, 2030, 2026, 2019])
    for sex in ("male", "female"):
        np.testing.assert_array_equal(
            basis.mortality[sex].rates(ages, years), expected.mortality[sex].rates(ages, years)
        )


@pytest.mark.parametrize(
    ("liabilities", "path", "message"),
    [
        (
            {
                "members": {
                    "file": "members.csv",
                    "basis": basis_section(fixed=["fixed_part", "pre_97"]),
                }
            },
            "liabilities.members.basis.fixed",
            "liabilities.members.basis.fixed: got 'pre_97'; expected a tranche of the members' "
            "pension columns ['fixed_part', 'linked']",
        ),
        (
            {"members": {"file": "bad.csv", "basis": basis_section()}},
            "liabilities.members",
            "liabilities.members: bad.csv row 2 (id 'D1'): retirement_age got 45.0; expected "
            "an age at least the member's age, 50, for a deferred member",
        ),
        (
            {
                "members": {
                    "file": "members.csv",
                    "basis": basis_section(
                        mortality={
                            "male": {"table": "members.csv", "base_year": 2012},
                            "female": {"law": "sult", "base_year": 2012},
                        }
                    ),
                }
            },
            "liabilities.members.basis.mortality.male.table",
            "members.csv: got columns ['id', 'status', 'sex', 'age', 'retirement_age', "
            "'spouse_proportion', 'pension:fixed_part', 'pension:linked']; expected columns "
            "age and q",
        ),
    ],
)
def test_bad_members_sections_are_named(folder, liabilities, path, message):
    MEMBERS.assign(retirement_age=[np.nan, 45.0, 65.0, np.nan]).to_csv("bad.csv", index=False)
    with pytest.raises(SpecError) as caught:
        load_problem(raw(liabilities))
    assert caught.value.path == path
    assert message in str(caught.value)


def test_cashflows_and_members_together_or_neither_are_refused(folder):
    both = {"cashflows": [{"time": 1, "fixed": 1.0}]}
    both["members"] = {"file": "members.csv", "basis": basis_section()}
    for liabilities in (both, {}):
        with pytest.raises(SpecError, match="expected exactly one of cashflows"):
            load_problem(raw(liabilities))


def test_members_need_a_valuation_date(folder):
    problem = raw({"members": {"file": "members.csv", "basis": basis_section()}})
    del problem["valuation_date"]
    with pytest.raises(SpecError, match="valuation_date: got none; expected a date"):
        load_problem(problem)


def test_dates_of_birth_stand_for_ages_to_the_valuation_date(folder):
    """An age is the days lived to the valuation date over 365.25 (ACT/365.25)."""
    born = ["1956-02-29", "1976-06-30", "1964-12-31", "1946-07-01"]
    days = (pd.Timestamp("2026-06-30") - pd.to_datetime(born)).days.to_numpy()
    dated = MEMBERS.drop(columns="age").assign(date_of_birth=born)
    dated.to_csv(folder / "dated.csv", index=False)
    problem = load_problem(raw({"members": {"file": "dated.csv", "basis": basis_section()}}))
    MEMBERS.assign(age=days / 365.25).to_csv(folder / "aged.csv", index=False)
    aged = load_problem(raw({"members": {"file": "aged.csv", "basis": basis_section()}}))
    got, expected = problem.liabilities.risk(), aged.liabilities.risk()
    np.testing.assert_allclose(got["pv"], expected.loc[got.index, "pv"], rtol=1e-12)
    dated.assign(date_of_birth=[born[0], "2027-01-01", born[2], born[3]]).to_csv(
        folder / "dated.csv", index=False
    )
    with pytest.raises(SpecError, match="dated.csv row 2: date_of_birth got '2027-01-01'"):
        load_problem(raw({"members": {"file": "dated.csv", "basis": basis_section()}}))


def one_pensioner(stress=None):
    """One male pensioner of 65, 10,000 a year fixed, on a constant rate q = 0.2 (150 years)."""
    pd.DataFrame({"age": np.arange(0, 400), "q": 0.2}).to_csv("flat.csv", index=False)
    one = MEMBERS.iloc[[0]].drop(columns="pension:linked").assign(age=65.0, spouse_proportion=0.0)
    one.to_csv("one.csv", index=False)
    flat = {"table": "flat.csv", "base_year": 2026}
    basis = basis_section(mortality={"male": flat, "female": flat}, years=150)
    spec = raw({"members": {"file": "one.csv", "basis": basis}})
    del spec["liabilities"]["tranches"]["linked"]
    if stress is not None:
        spec["stress"] = stress
    return load_problem(spec)


def annuity_pv(q, discount_curve):
    """PV = Σ P pᵗ df(t), P = 10,000, p = 1 − q, t = 1..150."""
    t = np.arange(1, 151)
    return float(10_000.0 * np.sum((1 - q) ** t * discount_curve.discount(t)))


def test_longevity_stresses_move_the_pv_as_a_hand_computation(folder):
    """``one_pensioner``'s stresses: PV = Σ P pᵗ df(t), to 1e-10.

    A year longer at 65: e̊ = (2 − q)/(2q) = 4.5 becomes 5.5, so q' = 2/(2 · 5.5 + 1) = 1/6
    (k = 5/6); mortality 10% lower: q' = 0.18.
    """
    problem = one_pensioner()
    for name in ("one.csv", "flat.csv"):  # read once: the stresses rebuild from memory
        Path(name).unlink()
    table = problem.liabilities.longevity_risk()

    def pv(q):
        return annuity_pv(q, problem.liabilities.discount_curve)

    base = pv(0.2)
    assert problem.liabilities.risk().loc["total", "pv"] == pytest.approx(base, rel=1e-10)
    longer = table.loc["life_65_plus_1y"]
    assert longer["factor_male"] == pytest.approx(5 / 6, rel=1e-9)
    assert longer["pv"] == pytest.approx(pv(1 / 6), rel=1e-9)
    assert longer["pv_change"] == pytest.approx(pv(1 / 6) - base, rel=1e-8)
    lower = table.loc["mortality_minus_10pct"]
    assert lower["pv"] == pytest.approx(pv(0.18), rel=1e-10)
    assert lower["pv_change_pct"] == pytest.approx(pv(0.18) / base - 1, rel=1e-9)
    report = risk_report(problem)  # what ldi risk prints and writes
    assert "Longevity: the liabilities again with mortality rates scaled" in report.as_text()
    written = report.to_dict()["longevity"]["mortality_minus_10pct"]["pv"]
    assert written == pytest.approx(pv(0.18), rel=1e-10)


def test_stresses_scale_mortality_as_a_hand_computation(folder):
    """Stresses that scale mortality: Σ P pᵗ df(t) for ``one_pensioner``, to 1e-10.

    The catalogue's ``mortality_down_10`` (q' = 0.18), and a file's move of rates −100bp
    with mortality 20% lower (q' = 0.16 on the curve shifted down).
    """
    move = {"name": "rates_down_lives_longer", "nominal_bp": -100, "mortality_scale": 0.8}
    problem = one_pensioner({"scenarios": [move]})
    assert list(problem.scenarios)[-2:] == ["mortality_down_10", "rates_down_lives_longer"]
    outcomes = stress_test(problem).outcomes
    curve = problem.liabilities.discount_curve
    assert outcomes.loc["mortality_down_10", "liabilities_before"] == pytest.approx(
        annuity_pv(0.2, curve), rel=1e-10
    )
    expected = {
        "mortality_down_10": annuity_pv(0.18, curve),
        "rates_down_lives_longer": annuity_pv(0.16, curve.shifted(-100)),
        "parallel_down_100": annuity_pv(0.2, curve.shifted(-100)),
    }
    for name, value in expected.items():
        assert outcomes.loc[name, "liabilities_after"] == pytest.approx(value, rel=1e-10), name
    assert outcomes.loc["mortality_down_10", "asset_change"] == 0.0


def test_a_mortality_move_is_refused_for_a_benefit_table(folder):
    """Mortality moves only liabilities projected from members: a table's move is refused."""
    rows = [{"time": 1, "fixed": 1.0, "tranche": "fixed_part"}]
    rows.append({"time": 1, "inflation_linked": 1.0, "tranche": "linked"})
    spec = raw({"cashflows": rows})
    spec["stress"] = {"scenarios": [{"name": "s", "steps": [{}, {"mortality_scale": 0.9}]}]}
    message = "stress.scenarios[0].steps[1].mortality_scale: got 0.9 for liabilities read as a"
    with pytest.raises(SpecError, match=re.escape(message)) as caught:
        load_problem(spec)
    assert caught.value.path == "stress.scenarios[0].steps[1].mortality_scale"
    spec["stress"] = {}
    problem = load_problem(spec)
    assert "mortality_down_10" not in problem.scenarios
    with pytest.raises(DataError, match="^mortality_scale: got 0.9 for liabilities read as"):
        liability_values(problem.liabilities, [Move(mortality_scale=0.9)], problem.market)
    with pytest.raises(DataError, match=r"\(a longevity stress needs liabilities projected"):
        stress_test(problem, scenarios=["mortality_down_10"])


def test_a_benefit_table_read_as_it_is_has_no_longevity(folder):
    rows = [{"time": 1, "fixed": 1.0, "tranche": "fixed_part"}]
    rows.append({"time": 1, "inflation_linked": 1.0, "tranche": "linked"})
    problem = load_problem(raw({"cashflows": rows}))
    assert problem.liabilities.longevity is None
    assert problem.liabilities.longevity_risk().empty


def test_tranches_of_the_pension_columns_and_of_fixed_are_checked(folder):
    """A column naming no tranche, and ``fixed`` naming an indexed tranche, are refused."""
    MEMBERS.rename(columns={"pension:linked": "pension:linkd"}).to_csv("typo.csv", index=False)
    with pytest.raises(SpecError, match="typo.csv has column 'pension:linkd'; expected"):
        load_problem(raw({"members": {"file": "typo.csv", "basis": basis_section()}}))
    both = basis_section(fixed=["fixed_part", "linked"])
    with pytest.raises(SpecError, match="got 'linked', a tranche with an index, floor or cap"):
        load_problem(raw({"members": {"file": "members.csv", "basis": both}}))


def test_a_tranche_without_floor_or_cap_left_out_of_fixed_is_warned_about(folder):
    with pytest.warns(LDIWarning, match="tranche 'fixed_part' has no floor or cap"):
        load_problem(raw({"members": {"file": "members.csv", "basis": basis_section(fixed=[])}}))


def test_the_longevity_table_shows_the_ie01_change_of_linked_pensions(folder):
    """The change in IE01 is the IE01 of the liabilities rebuilt at each factor less today's."""
    problem = load_problem(raw({"members": {"file": "members.csv", "basis": basis_section()}}))
    table = problem.liabilities.longevity_risk()
    today = problem.liabilities.risk().loc["total", "ie01"]
    for name, row in table.iterrows():
        factors = {sex: row[f"factor_{sex}"] for sex in ("male", "female")}
        rebuilt = problem.liabilities.with_mortality(factors).risk().loc["total", "ie01"]
        assert row["ie01_change"] == pytest.approx(rebuilt - today, rel=1e-12), name
        assert row["ie01_change"] > 0  # longer lives, more linked payments
    assert "IE01 change" in risk_report(problem).as_text()
