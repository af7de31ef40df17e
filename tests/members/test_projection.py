"""A small membership's projection against a hand computation, member by member."""

import numpy as np
import pandas as pd
import pytest

from ldi.errors import DataError, LDIWarning
from ldi.members import Improvement, Mortality, Table
from ldi.members.projection import Basis, project

YEAR = 2026
YEARS = 121 - 50  # until every life has ended: the tables close at 120, the youngest is 50
Q = {"male": 0.02, "female": 0.015}  # constant rates: ₜp = (1 − q)ᵗ by hand
MARRIED, DIFFERENCE, COMMUTED, FACTOR = 0.8, 3.0, 0.2, 16.0


def basis(**changes):
    mortality = {
        sex: Mortality(Table(np.full(121, q), 0, f"{sex} constant"), 2020) for sex, q in Q.items()
    }
    terms = {
        "proportion_married": MARRIED,
        "age_difference": DIFFERENCE,
        "commutation": COMMUTED,
        "commutation_factor": FACTOR,
    }
    return Basis(mortality, **{**terms, **changes})


MEMBERS = pd.DataFrame(
    {
        "id": ["P1", "D1", "A1", "W1"],
        "status": ["pensioner", "deferred", "active", "dependant"],
        "sex": ["M", "F", "M", "F"],
        "age": [70.0, 50.0, 61.5, 80.0],
        "retirement_age": [np.nan, 65.0, 65.0, np.nan],
        "spouse_proportion": [0.5, 0.6, 0.5, 0.0],
        "pension:pre97": [10_000.0, 4_000.0, 2_000.0, 3_000.0],
        "pension:post97": [0.0, 1_000.0, 6_000.0, 0.0],
    }
)


def lived(age: float, years: int, p: float) -> float:
    """ₜp on a constant table to 120: pᵗ, or 0 once a year starts past 120."""
    return p**years if int(age) + years - 1 <= 120 else 0.0


def by_hand(member: pd.Series, tranche: str) -> dict[tuple[float, float], float]:
    """{(time, deferred_until): amount} of one member, from the module's formulas."""
    sex = "male" if member["sex"] == "M" else "female"
    other = "female" if sex == "male" else "male"
    p, p_spouse = 1 - Q[sex], 1 - Q[other]
    pension = member[f"pension:{tranche}"]
    waiting = member["status"] in ("active", "deferred")
    to_retire = member["retirement_age"] - member["age"]
    r = int(np.ceil(to_retire)) if waiting else 0
    start = max(r, 1)  # the lump sum, at retirement
    first = int(np.floor(to_retire)) + 1 if waiting else 1  # the pension, a year in arrears
    kept = 1 - COMMUTED if waiting else 1.0
    married = 0.0 if member["status"] == "dependant" else MARRIED * member["spouse_proportion"]
    rows: dict[tuple[float, float], float] = {}
    spouse_age = member["age"] + (-DIFFERENCE if sex == "male" else DIFFERENCE)
    for t in range(1, YEARS + 1):
        alive, spouse = lived(member["age"], t, p), lived(spouse_age, t, p_spouse)
        amount = 0.0
        if t >= first:
            amount += pension * kept * alive
        if t == start and waiting:
            amount += COMMUTED * FACTOR * pension * alive
        amount += married * pension * (kept if t >= start else 1.0) * (1 - alive) * spouse
        rows[(float(t), float(min(r, t)))] = amount
    return rows


def test_each_members_payments_are_the_hand_computation():
    rows = project(MEMBERS, basis(), YEAR, YEARS)
    for tranche in ("pre97", "post97"):
        for _, member in MEMBERS.iterrows():
            if member[f"pension:{tranche}"] == 0:
                continue
            mine = rows[(rows["tranche"] == tranche) & (rows["status"] == member["status"])]
            until = mine["deferred_until"].fillna(0.0)
            got = dict(zip(zip(mine["time"], until, strict=True), mine["amount"], strict=True))
            expected = by_hand(member, tranche)
            assert set(got) == {k for k, v in expected.items() if v != 0}
            for key, value in expected.items():
                assert got.get(key, 0.0) == pytest.approx(value, rel=1e-12), (member["id"], key)


def test_the_deferred_lump_sum_is_paid_at_retirement_and_the_pension_a_year_on():
    """D1 retires at 65 in 15 years: a lump sum then, the pension from year 16.

    20% of 5,000 is commuted for a lump sum (factor 16) in year 15, and 4,000 a year is paid
    in arrears from year 16, as a pensioner of 65 today is paid from year 1.
    """
    rows = project(MEMBERS.iloc[[1]], basis(proportion_married=0.0), YEAR, YEARS)
    total = rows.groupby("time")["amount"].sum()
    p = 1 - Q["female"]
    assert total[15.0] == pytest.approx(p**15 * 0.2 * 16 * 5_000, rel=1e-12)
    assert total[16.0] == pytest.approx(p**16 * 0.8 * 5_000, rel=1e-12)
    assert total.index.min() == 15.0  # nothing before retirement without a spouse
    assert (rows["deferred_until"] == 15.0).all()


def test_a_deferred_member_a_year_from_retirement_is_paid_as_a_new_pensioner_a_year_on():
    """A deferred of 64 retiring at 65 is paid from year 2, the pensioner of 65 from year 1.

    The same payments a year apart, each the year after retiring (no commutation).
    """
    terms = basis(proportion_married=0.0, commutation=0.0)
    deferred = MEMBERS.iloc[[1]].assign(age=64.0)
    pensioner = MEMBERS.iloc[[1]].assign(status="pensioner", age=65.0, retirement_age=np.nan)
    later = project(deferred, terms, YEAR, YEARS).groupby("time")["amount"].sum()
    now = project(pensioner, terms, YEAR, YEARS).groupby("time")["amount"].sum()
    assert later.index.min() == 2.0
    p = 1 - Q["female"]
    np.testing.assert_allclose(later.loc[2.0:].to_numpy(), p * now.loc[: YEARS - 1].to_numpy())


def test_the_horizon_runs_until_every_life_has_ended_and_a_shorter_one_warns():
    """Left out, ``years`` runs until every life has ended; a shorter horizon warns.

    The tables' closing age (120) + 1 less the youngest life (D1, 50): every payment is then
    in the rows; ten years leave P1 (70) 80% likely alive at 81.
    """
    rows = project(MEMBERS, basis(), YEAR)
    assert rows["time"].max() == YEARS
    assert rows.equals(project(MEMBERS, basis(), YEAR, YEARS))
    alive = (1 - Q["male"]) ** 11
    message = f"ends after 10 years while row 1 \\(id 'P1'\\) or a spouse is {alive:.2%} likely"
    with pytest.warns(LDIWarning, match=message):
        project(MEMBERS, basis(), YEAR, 10)


def test_improvements_lower_the_rates_year_by_year():
    """1% a year from 2020: a pensioner's survival is Π (1 − q 0.99^(y − 2020))."""
    improved = {
        sex: Mortality(Table(np.full(121, q), 0, sex), 2020, Improvement(0.01))
        for sex, q in Q.items()
    }
    with pytest.warns(LDIWarning, match="ends after 10 years while row 1"):
        rows = project(MEMBERS.iloc[[0]], Basis(improved), YEAR, 10)
    alive = np.cumprod([1 - Q["male"] * 0.99 ** (YEAR + k - 2020) for k in range(10)])
    np.testing.assert_allclose(rows["amount"], 10_000.0 * alive, rtol=1e-12)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"pension:pre97": [10_000.0, -1.0, 2_000.0, 3_000.0]},
            "members row 2 (id 'D1'): pension:pre97 got -1.0; expected a pension >= 0 a year",
        ),
        (
            {"status": ["pensioner", "retired", "active", "dependant"]},
            "members row 2 (id 'D1'): status got 'retired'; expected one of ['active', "
            "'deferred', 'pensioner', 'dependant']",
        ),
        (
            {"retirement_age": [np.nan, 45.0, 65.0, np.nan]},
            "members row 2 (id 'D1'): retirement_age got 45.0; expected an age at least the "
            "member's age, 50, for a deferred member",
        ),
        (
            {"id": ["P1", "D1", "A1", "D1"]},
            "members row 4 (id 'D1'): id got 'D1'; expected an id of one row only (row 2 has it)",
        ),
        (
            {"age": [70.0, 50.0, 61.5, 125.0]},
            "members row 4 (id 'W1'): age got 125.0; expected an age the female table "
            "'female constant' covers, 0 to 120",
        ),
    ],
)
def test_bad_rows_are_named_with_their_row_and_id(change, message):
    frame = MEMBERS.assign(**change)
    with pytest.raises(DataError) as caught:
        project(frame, basis(), YEAR, YEARS)
    assert str(caught.value) == message


def test_a_missing_column_is_named():
    with pytest.raises(DataError, match="members: has no 'sex' column; expected columns"):
        project(MEMBERS.drop(columns="sex"), basis(), YEAR, YEARS)
    message = "members: has no 'retirement_age' column; expected one, as row 2 \\(id 'D1'\\) is"
    with pytest.raises(DataError, match=message):
        project(MEMBERS.drop(columns="retirement_age"), basis(), YEAR, YEARS)


def test_pensioners_and_dependants_need_no_retirement_age_column():
    in_payment = MEMBERS.iloc[[0, 3]]
    rows = project(in_payment.drop(columns="retirement_age"), basis(), YEAR, YEARS)
    assert rows.equals(project(in_payment, basis(), YEAR, YEARS))


@pytest.mark.parametrize(
    ("age", "early", "late", "factor", "start", "first"),
    [
        (62.0, 0.04, 0.0, 1 - 3 * 0.04, 12, 13),  # three years early: 12% less, retired at 12
        (67.0, 0.0, 0.06, 1 + 2 * 0.06, 17, 18),  # two years late: 12% more, retired at 17
        (45.0, 0.04, 0.0, 1 - 15 * 0.04, 1, 1),  # a basis age she is past: retired now, at 50
    ],
)
def test_a_basis_retirement_age_moves_the_start_and_scales_the_pension(
    age, early, late, factor, start, first
):
    """D1 (50, her own age 65), retired at the basis's age: a = 1 − e (65 − A) + l (A − 65).

    The lump sum in the year she retires (year 1 when she retires now), the pension from the
    year after, or from year 1.
    """
    terms = basis(
        proportion_married=0.0, retirement_age=age, early_reduction=early, late_increase=late
    )
    rows = project(MEMBERS.iloc[[1]], terms, YEAR, YEARS)
    total = rows.groupby("time")["amount"].sum()
    p = 1 - Q["female"]
    pension = 5_000.0 * factor
    assert total.index.min() == float(start)
    lump = p**start * pension * COMMUTED * FACTOR
    kept = (1 - COMMUTED) * pension
    assert total[float(start)] == pytest.approx(lump + (first == start) * p**start * kept)
    assert total[float(first)] == pytest.approx(
        (first == start) * lump + p**first * kept, rel=1e-12
    )
    assert total[float(first + 1)] == pytest.approx(p ** (first + 1) * kept, rel=1e-12)


def test_a_bad_basis_is_named():
    with pytest.raises(DataError, match="basis.early_reduction: got 0.5; expected a yearly share"):
        basis(early_reduction=0.5)
    with pytest.raises(DataError, match="basis.retirement_age: got 30.0; expected an age from 40"):
        basis(retirement_age=30.0)
