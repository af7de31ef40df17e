"""The command line: exit codes, what it prints and what it writes.

The numbers are checked against the independent reference (tests/reference.py) with its
tolerances; tests/reporting/test_risk_report.py checks every cell of the report, so here the
headline lines and the JSON file's shape and key numbers are enough.
"""

import json
import os

import pytest

from ldi.cli import main
from tests.reference import DEFAULT_PROBLEM, MONEY_RTOL, PROBLEMS, book_scale, reference
from tests.reporting.test_risk_report import (
    SPLITS,
    assert_printed,
    funding_block,
    funding_tolerance,
    percent,
)

PROBLEM_FILES = sorted(PROBLEMS.glob("*.yaml"))
JSON_KEYS = {
    "name",
    "currency",
    "valuation_date",
    "liability_basis",
    "funding",
    "liabilities",
    "holdings",
    "instruments",
    "key_rates",
    "bases",
    "basis_key_rates",
    "curves",
    "index_key_rates",
    "longevity",
}


def test_risk_prints_the_report_with_funding_and_hedge_ratios(capsys, default_problem_path):
    assert main(["risk", str(default_problem_path)]) == 0
    captured = capsys.readouterr()
    out = captured.out
    assert captured.err == ""
    assert out.splitlines()[0].endswith("risk report (GBP, valued 2025-12-31)")
    ref = reference(default_problem_path)
    f = ref.funding()
    block = funding_block(out)
    for label, key in (
        ("Funding ratio", "funding_ratio"),
        ("Rates hedge", "rates_hedge_ratio"),
        ("Inflation hedge", "inflation_hedge_ratio"),
    ):
        assert_printed(block[label][0], f[key], funding_tolerance(ref, key), percent, label)
    titles = [title for title, _ in SPLITS.values()]  # the default scheme has all three
    for title in (*titles, "Holdings", "Key-rate hedging (per 1bp)"):
        assert f"\n{title}\n" in out
    assert "\nInstruments (prices per 100 nominal; linkers real clean)\n" in out


def test_risk_custom_keys_and_json(tmp_path, capsys, default_problem_path):
    out_file = tmp_path / "out" / "risk.json"
    args = ["risk", str(default_problem_path), "--keys", "5", "20", "--json", str(out_file)]
    assert main(args) == 0
    assert f"wrote {out_file}" in capsys.readouterr().err
    data = json.loads(out_file.read_text())
    assert set(data) == JSON_KEYS
    ref = reference(default_problem_path, (5.0, 20.0))
    atol = MONEY_RTOL * book_scale(ref)
    total = ref.liabilities.loc["total"]
    liabilities = data["liabilities"]["total"]
    for column in ("pv", "pv01", "ie01", "pv01_5y", "pv01_20y", "ie01_5y", "ie01_20y"):
        assert liabilities[column] == pytest.approx(total[column], abs=atol), column
    assert list(data["key_rates"]) == ["5.0", "20.0"]
    buckets = ref.buckets()
    for key, row in data["key_rates"].items():
        for column in ("liability_pv01", "asset_pv01", "liability_ie01", "asset_ie01"):
            assert row[column] == pytest.approx(buckets.loc[float(key), column], abs=atol)
    f = ref.funding()
    for key in ("assets", "liabilities", "surplus"):
        assert data["funding"][key] == pytest.approx(f[key], abs=atol), key
    for key in ("funding_ratio", "rates_hedge_ratio", "inflation_hedge_ratio"):
        assert data["funding"][key] == pytest.approx(f[key], abs=funding_tolerance(ref, key))
    assert set(data["holdings"]) == {*ref.holdings.index, "total"}
    assert set(data["instruments"]["exposures"]) == set(ref.instruments.index)
    assert list(out_file.parent.iterdir()) == [out_file]  # no temporary file left behind


def test_risk_json_file_is_standard_json(tmp_path, default_problem_path):
    out_file = tmp_path / "risk.json"
    assert main(["risk", str(default_problem_path), "--json", str(out_file)]) == 0

    def reject(constant):
        raise ValueError(f"not JSON: {constant}")

    json.loads(out_file.read_text(), parse_constant=reject)


@pytest.mark.parametrize("problem", PROBLEM_FILES, ids=lambda p: p.name)
def test_risk_runs_on_every_shipped_problem(problem, tmp_path, capsys):
    out_file = tmp_path / "risk.json"
    assert main(["risk", str(problem), "--json", str(out_file)]) == 0
    out = capsys.readouterr().out
    assert ": risk report (" in out.splitlines()[0]
    assert "Funding ratio" in out
    assert "Rates hedge" in out
    assert set(json.loads(out_file.read_text())) == JSON_KEYS


@pytest.mark.parametrize("problem", PROBLEM_FILES, ids=lambda p: p.name)
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
    with pytest.raises(SystemExit) as stop:  # argparse refuses the tenors
        main(["risk", str(default_problem_path), "--keys", "10", "5", "--json", str(out_file)])
    assert stop.value.code == 2
    assert "argument --keys: keys[1]" in capsys.readouterr().err
    assert not out_file.exists()


def test_bad_keys_keep_an_existing_output_file(tmp_path, capsys, default_problem_path):
    out_file = tmp_path / "risk.json"
    out_file.write_text("old")
    with pytest.raises(SystemExit) as stop:
        main(["risk", str(default_problem_path), "--keys", "10", "5", "--json", str(out_file)])
    assert stop.value.code == 2
    assert out_file.read_text() == "old"


def test_write_failure_exits_1_keeps_the_old_file_and_leaves_no_temporary(
    tmp_path, capsys, monkeypatch, default_problem_path
):
    out_file = tmp_path / "risk.json"
    out_file.write_text("old")

    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    assert main(["risk", str(default_problem_path), "--json", str(out_file)]) == 1
    assert "disk full" in capsys.readouterr().err
    assert out_file.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["risk.json"]


def test_risk_reports_a_solves_positions_with_their_hedge_ratios_on_every_basis(tmp_path, capsys):
    """``ldi risk --positions``: the solve's own ratios, funding and SONIA, rates and inflation.

    Reference: the result's hedge ratios (computed from the positions by the optimizer's
    exposure tables), printed to the report's precision (0.1%).
    """
    result = tmp_path / "result.json"
    assert main(["solve", str(DEFAULT_PROBLEM), "--json", str(result)]) == 0
    capsys.readouterr()
    ratios = json.loads(result.read_text())["hedge_ratios"]
    assert main(["risk", str(DEFAULT_PROBLEM), "--positions", str(result)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[1] == f"Positions: optimized positions ({result})"
    rows = {cells[0]: cells for cells in map(str.split, out.splitlines()) if len(cells) == 6}
    funding, sonia = rows["funding"], rows["sonia"]  # the "Hedge ratios by basis" table
    assert funding[3] == f"{100 * ratios['rates']:.1f}"
    assert funding[5] == f"{100 * ratios['inflation']:.1f}"
    assert sonia[3] == f"{100 * ratios['rates@sonia']:.1f}"
    assert sonia[5] == f"{100 * ratios['inflation@sonia']:.1f}"


def test_risk_refuses_positions_of_unknown_instruments(tmp_path, capsys):
    result = tmp_path / "result.json"
    result.write_text(json.dumps({"status": "optimal", "positions": {"NOPE": 1.0}}))
    assert main(["risk", str(DEFAULT_PROBLEM), "--positions", str(result)]) == 2
    assert "unknown instrument ids ['NOPE']" in capsys.readouterr().err
