"""Problem files: loading, path resolution and the errors bad files get."""

import os

import numpy as np
import pytest

from ldi.curves.inflation import BreakevenCurve
from ldi.curves.zero import ZeroCurve
from ldi.errors import SpecError
from ldi.io.load import load_problem


def minimal(**overrides):
    raw = {
        "ldi": 1,
        "name": "test scheme",
        "curves": {
            "gilts": {"tenors": [1, 10, 30], "rates": [0.04, 0.045, 0.05]},
            "rpi": {"kind": "breakeven", "tenors": [1, 30], "rates": [0.03, 0.035]},
        },
        "liabilities": {
            "discount_curve": "gilts",
            "inflation_curve": "rpi",
            "cashflows": [{"time": 1, "fixed": 10.0}, {"time": 2, "inflation_linked": 20.0}],
        },
    }
    raw.update(overrides)
    return raw


def test_default_problem_builds_its_curves_and_basis(default_problem_path):
    problem = load_problem(default_problem_path)
    assert isinstance(problem.curves["gilts"], ZeroCurve)
    assert isinstance(problem.curves["rpi"], BreakevenCurve)
    t = np.array([0.5, 7.3, 60.0])
    gilts = np.interp(t, problem.curves["gilts"].tenors, problem.curves["gilts"].rates)
    # The discount basis is the gilt zero rate plus the 50bp spread, on the annual basis.
    np.testing.assert_allclose(problem.liabilities.discount_curve.zero_rate(t), gilts + 0.005)
    assert len(problem.liabilities.cashflows) == 76  # years 1..76 of the committed CSV


def test_inline_cashflows_from_a_dict():
    liabilities = load_problem(minimal()).liabilities
    assert liabilities.cashflows.times.tolist() == [1.0, 2.0]
    assert liabilities.cashflows.amounts.tolist() == [10.0, 0.0]
    assert liabilities.cashflows.inflation_linked.tolist() == [0.0, 20.0]


def test_par_swap_curves_are_bootstrapped():
    curves = {"swaps": {"kind": "par_swap", "tenors": [1, 2, 3], "rates": [0.03] * 3}}
    liabilities = {"discount_curve": "swaps", "cashflows": [{"time": 1, "fixed": 1.0}]}
    problem = load_problem(minimal(curves=curves, liabilities=liabilities))
    # A flat 3% annual par curve is a flat 3% annual zero curve.
    np.testing.assert_allclose(problem.curves["swaps"].rates, 0.03, atol=1e-14)


def test_csv_path_resolves_against_the_yaml_folder(tmp_path, monkeypatch):
    folder = tmp_path / "scheme"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "flows.csv").write_text("date,fixed\n2026-12-31,100\n")
    (folder / "p.yaml").write_text(
        "ldi: 1\nname: s\nvaluation_date: 2025-12-31\n"
        "curves: {g: {tenors: [1], rates: [0.04]}}\n"
        "liabilities: {discount_curve: g, cashflows: data/flows.csv}\n"
    )
    monkeypatch.chdir(tmp_path)
    problem = load_problem(os.path.join("scheme", "p.yaml"))
    assert problem.liabilities.cashflows.times.tolist() == [365 / 365]


def check(raw, path, *fragments):
    with pytest.raises(SpecError) as caught:
        load_problem(raw)
    assert caught.value.path == path
    message = str(caught.value)
    assert message.startswith(path)
    for fragment in fragments:
        assert fragment in message
    return message


def test_missing_schema_version():
    raw = minimal()
    del raw["ldi"]
    check(raw, "ldi", "got None", "schema version 1")


def test_wrong_schema_version():
    check(minimal(ldi=2), "ldi", "got 2", "schema version 1")


def test_unknown_top_level_key_lists_the_known_ones():
    check(minimal(curvez={}), "", "(top level)", "curvez", "'curves'", "'liabilities'")


def test_unknown_curve_key():
    raw = minimal()
    raw["curves"]["gilts"]["compunding"] = "annual"
    check(raw, "curves.gilts", "compunding", "'compounding'")


def test_unknown_curve_kind():
    raw = minimal()
    raw["curves"]["gilts"]["kind"] = "spline"
    check(raw, "curves.gilts", "'spline'", "zero, par_swap or breakeven")


def test_non_numeric_rate():
    raw = minimal()
    raw["curves"]["gilts"]["rates"][1] = "4.5%"
    check(raw, "curves.gilts.rates[1]", "'4.5%'", "valid number")


def test_unknown_compounding():
    raw = minimal()
    raw["curves"]["gilts"]["compounding"] = "annually"
    check(raw, "curves.gilts.compounding", "'annually'", "'annual'")


def test_decreasing_tenors():
    raw = minimal()
    raw["curves"]["gilts"]["tenors"] = [1, 30, 10]
    check(raw, "curves.gilts", "tenors[2]", "got 10.0 after 30.0", "strictly increasing")


def test_discount_curve_must_exist():
    raw = minimal()
    raw["liabilities"]["discount_curve"] = "gilt"
    check(raw, "liabilities.discount_curve", "'gilt'", "['gilts']")


def test_inflation_curve_must_be_a_breakeven_curve():
    raw = minimal()
    raw["liabilities"]["inflation_curve"] = "gilts"
    check(raw, "liabilities.inflation_curve", "'gilts'", "breakeven", "['rpi']")


def test_linked_flows_need_an_inflation_curve():
    raw = minimal()
    del raw["liabilities"]["inflation_curve"]
    check(raw, "liabilities.inflation_curve", "inflation-linked", "['rpi']")


def test_missing_csv(tmp_path):
    raw = minimal()
    raw["liabilities"]["cashflows"] = str(tmp_path / "missing.csv")
    check(raw, "liabilities.cashflows", "missing.csv", "cannot read")


def test_csv_with_a_misspelt_column(tmp_path):
    (tmp_path / "flows.csv").write_text("time,fixd\n1,100\n")
    raw = minimal()
    raw["liabilities"]["cashflows"] = str(tmp_path / "flows.csv")
    check(raw, "liabilities.cashflows", "fixd")


def test_par_swap_frequency_must_be_1_2_or_4():
    raw = minimal()
    raw["curves"]["gilts"] = {"kind": "par_swap", "tenors": [1], "rates": [0.03], "frequency": 3}
    check(raw, "curves.gilts.frequency", "got 3")


def test_invalid_yaml(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("ldi: 1\nname: [unclosed\n")
    with pytest.raises(SpecError, match="not valid YAML"):
        load_problem(path)


def test_top_level_must_be_a_mapping(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("- 1\n- 2\n")
    with pytest.raises(SpecError, match="expected a mapping of keys.*got list"):
        load_problem(path)


def test_python_tags_are_refused(tmp_path):
    # safe_load only: a file cannot make the loader build arbitrary Python objects.
    path = tmp_path / "p.yaml"
    path.write_text("ldi: !!python/object/apply:os.getcwd []\n")
    with pytest.raises(SpecError, match="not valid YAML"):
        load_problem(path)
