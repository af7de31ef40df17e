"""The command line: exit codes, what it prints and what it writes."""

import json

import pytest

from ldi.cli import main
from tests.reference import PROBLEMS, reference_liability_risk


def test_risk_prints_the_liability_table(capsys, default_problem_path):
    assert main(["risk", str(default_problem_path)]) == 0
    out = capsys.readouterr().out
    reference = reference_liability_risk([1, 2, 3, 5, 7, 10, 15, 20, 25, 30, 40, 50])["total"]
    assert "liability risk (GBP, valued 2025-12-31)" in out
    assert f"{reference['pv']:,.0f}" in out
    assert f"{reference['pv01']:,.0f}" in out
    assert f"{reference['duration']:,.2f}" in out


def test_risk_custom_keys_and_json(tmp_path, capsys, default_problem_path):
    out_file = tmp_path / "out" / "risk.json"
    assert (
        main(["risk", str(default_problem_path), "--keys", "5", "20", "--json", str(out_file)]) == 0
    )
    data = json.loads(out_file.read_text())
    reference = reference_liability_risk([5.0, 20.0])["total"]
    assert data["summary"]["total"]["pv01"] == pytest.approx(reference["pv01"], rel=1e-7)
    assert data["key_rate_pv01"]["5.0"]["total"] == pytest.approx(reference["kr_5"], rel=1e-7)
    assert data["key_rate_pv01"]["20.0"]["total"] == pytest.approx(reference["kr_20"], rel=1e-7)
    assert list(out_file.parent.iterdir()) == [out_file]  # no temporary file left behind


@pytest.mark.parametrize("problem", sorted(PROBLEMS.glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_problem_validates(problem, capsys):
    assert main(["validate", str(problem)]) == 0
    assert "valid" in capsys.readouterr().out


def test_invalid_input_exits_2_naming_the_field(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("ldi: 1\nname: x\ncurves: {g: {tenors: [1, 2], rates: [0.03]}}\n")
    assert main(["risk", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "liabilities" in err
    assert "required" in err.lower()


def test_missing_file_exits_2(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nope.yaml")]) == 2
    assert "nope.yaml" in capsys.readouterr().err


def test_bad_keys_exit_2_and_write_nothing(tmp_path, capsys, default_problem_path):
    out_file = tmp_path / "risk.json"
    code = main(["risk", str(default_problem_path), "--keys", "10", "5", "--json", str(out_file)])
    assert code == 2
    assert "keys[1]" in capsys.readouterr().err
    assert not out_file.exists()
