"""``ldi liabilities project``: a membership's benefit table, printed or written as CSV.

Reference: ``ldi.members.projection.project`` on the same members and basis built in
Python (whose payments tests/members checks by hand), split into ``fixed`` and
``inflation_linked`` by the basis's fixed tranches: equal to the CSV's printed precision
(pandas writes floats with 17 significant digits, so 1e-15 relative).
"""

import io
from contextlib import redirect_stderr, redirect_stdout

import numpy as np
import pandas as pd
import pytest

from ldi.cli.main import main
from ldi.members import SULT, Improvement, Mortality
from ldi.members.projection import Basis, project
from tests.io.test_members_file import MEMBERS

BASIS = """valuation_date: 2026-06-30
mortality:
  male: {law: sult, base_year: 2012, improvement: {rate: 0.015}}
  female: {law: sult, base_year: 2012, improvement: {rate: 0.01}}
proportion_married: 0.8
commutation: 0.2
commutation_factor: 16
fixed: [fixed_part]
"""


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main([*map(str, args)])
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def files(tmp_path):
    MEMBERS.to_csv(tmp_path / "members.csv", index=False)
    (tmp_path / "basis.yaml").write_text(BASIS)
    return tmp_path


def expected_rows():
    law = SULT.table(0, 130)
    basis = Basis(
        {
            "male": Mortality(law, 2012, Improvement(0.015)),
            "female": Mortality(law, 2012, Improvement(0.01)),
        },
        proportion_married=0.8,
        commutation=0.2,
        commutation_factor=16.0,
    )
    rows = project(MEMBERS, basis, 2026).reset_index(drop=True)
    fixed = rows["tranche"] == "fixed_part"
    return rows.assign(
        fixed=np.where(fixed, rows["amount"], 0.0),
        inflation_linked=np.where(fixed, 0.0, rows["amount"]),
    )


def test_the_printed_and_written_tables_are_the_projection(files):
    code, out, _ = run(
        "liabilities", "project", files / "members.csv", "--basis", files / "basis.yaml"
    )
    assert code == 0
    printed = pd.read_csv(io.StringIO(out))
    assert list(printed.columns) == [
        "time",
        "status",
        "tranche",
        "fixed",
        "inflation_linked",
        "deferred_until",
    ]
    expected = expected_rows()
    for column in ("time", "fixed", "inflation_linked"):
        np.testing.assert_allclose(printed[column], expected[column], rtol=1e-15)
    assert printed["status"].tolist() == expected["status"].tolist()
    out_file = files / "flows.csv"
    code, _, err = run(
        "liabilities",
        "project",
        files / "members.csv",
        "--basis",
        files / "basis.yaml",
        "--out",
        out_file,
    )
    assert code == 0
    assert "flows.csv" in err
    assert out_file.read_text() == out


def test_a_bad_member_row_is_invalid_input(files):
    MEMBERS.assign(sex=["M", "X", "M", "F"]).to_csv(files / "members.csv", index=False)
    code, out, err = run(
        "liabilities", "project", files / "members.csv", "--basis", files / "basis.yaml"
    )
    assert (code, out) == (2, "")
    assert "members.csv row 2 (id 'D1'): sex got 'X'; expected M, F, male or female" in err


@pytest.mark.parametrize(
    ("q", "complaint"),
    [
        (
            [0.01, 0.02],
            "got ages [60.0, 62.0]; expected whole ages rising by 1 (60 is followed by 62, not 61)",
        ),
        ([0.01, "abc"], "row 2: q got 'abc'; expected a number"),
        ([0.01, None], "row 2: q got a blank cell; expected a number"),
    ],
)
def test_a_bad_table_file_is_named_at_its_key(files, q, complaint):
    """The basis key comes first, then the file's own complaint."""
    ages = [60, 62] if q == [0.01, 0.02] else [60, 61]
    pd.DataFrame({"age": ages, "q": q}).to_csv(files / "gap.csv", index=False)
    basis = BASIS.replace("male: {law: sult,", "male: {table: gap.csv,", 1)
    (files / "basis.yaml").write_text(basis)
    code, out, err = run(
        "liabilities", "project", files / "members.csv", "--basis", files / "basis.yaml"
    )
    assert (code, out) == (2, "")
    colon = ": " if complaint.startswith("got") else " "
    assert f"basis.yaml.mortality.male.table: gap.csv{colon}{complaint}" in err
