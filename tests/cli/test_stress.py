"""``ldi stress``: exit codes, the printed report and the JSON file, against the reference.

Every number is recomputed by tests/reference.py (no ``ldi`` import there): each position's
unit stream revalued on curves moved by the scenario's nominal and breakeven zero-rate moves
(piecewise linear between knots, flat outside; flows on the swap curve less the bond-swap
move; bond-yield moves requoted at the market's bond convention), credit bonds also by the
credit widening, growth assets by their stated durations and the growth return; the
liabilities' LPI flows on gilts + 50bp likewise; collateral from the problem file's
``collateral`` section (EMIR haircuts by residual maturity, days to eligibility, repo
top-ups and the pledged bond taken out of the pool, initial margin); the resilience rises
by brentq on full revaluations.
Positions are the file's holdings, or those of a result written by ``ldi solve --json``.

Tolerances. Both sides are float64 full revaluations of the same formulas, so they differ by
rounding: a money amount (values, changes, collateral) is held to MONEY_RTOL (1e-12) of the
gross book, |liabilities| + UNIT_SCALE x sum |x| (~5e-2 GBP on this book), in the JSON file,
which holds the unrounded numbers. The report prints money in whole units, so a printed
amount must be the reference rounded, within one unit either side (the brief's allowance);
funding ratios print to 0.1%. Rises in bp are root-finds (ldi to 1e-9bp, the reference to
1e-12bp) of amounts that agree to the money tolerance, so they agree to 1e-6bp; they print
in whole bp.
"""

import io
import json
import re
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from ldi.cli import main
from tests.documented import assert_json_shows, assert_shows, shown
from tests.reference import (
    DEFAULT_PROBLEM,
    MONEY_RTOL,
    PROBLEMS,
    UNIT_SCALE,
    absorbable_rise,
    bp_to_zero_nav,
    catalogue,
    liability_value,
    positions_of,
    raw_problem,
    reference,
    reference_from_raw,
    scenarios_of,
    shock,
    stress_step,
    unit_values,
    variation_margin,
    waterfall,
)
from tests.reporting.test_risk_report import assert_printed, money_decimals, number, percent

BP_ATOL = 1e-6
PROBLEM_FILES = sorted(PROBLEMS.glob("*.yaml"))
RISES = ("nominal", "real")
MONEY_COLUMNS = {  # printed header -> step column
    "Assets chg": "asset_change",
    "Liabs chg": "liability_change",
    "Surplus chg": "surplus_change",
    "Coll. called": "collateral_needed",
    "Coll. avail": "collateral_available",
    "Headroom": "headroom",
}
HEADERS = [
    "Assets chg",
    "Liabs chg",
    "Surplus chg",
    "FR before",
    "FR after",
    "Coll. called",
    "Coll. avail",
    "Headroom",
]
RESILIENCE = {  # in bond-yield bp, as the reference's rises
    "absorbable": "Yield rise absorbed before collateral runs out (bond-yield bp)",
    "zero_nav": "Basis points to zero NAV (LDI mandate; bond-yield bp)",
}
SCENARIOS = list(catalogue("GBP"))  # the default problem is in GBP


@dataclass
class Run:
    """One ``ldi`` call: exit code, what it printed and the JSON it wrote (None: none)."""

    code: int
    out: str
    err: str
    data: dict | None
    json_file: Path | None


def run_cli(*args: str, json_file: Path | None = None) -> Run:
    """Run ``ldi ARGS [--json json_file]`` in this process and capture what it does."""
    out, err = io.StringIO(), io.StringIO()
    extra = [] if json_file is None else ["--json", str(json_file)]
    with redirect_stdout(out), redirect_stderr(err):
        code = main([*map(str, args), *extra])
    data = None
    if json_file is not None and json_file.exists():
        data = json.loads(json_file.read_text(), parse_constant=reject)  # standard JSON only
    return Run(code, out.getvalue(), err.getvalue(), data, json_file)


def reject(constant):
    raise ValueError(f"not JSON: {constant}")


# --- the reference of one portfolio ------------------------------------------------------------


@dataclass
class Expected:
    """The reference's steps, waterfalls and resilience of one portfolio."""

    steps: dict[tuple[str, str], dict[str, float]]
    waterfalls: dict[str, pd.DataFrame]
    resilience: dict[str, dict[str, float]]
    money_tolerance: float
    labels: dict[str, list[str]]
    margins: dict[str, float]  # the swaps' variation margin of each scenario's last step


def expected_for(ref, positions: pd.Series) -> Expected:
    scenarios = scenarios_of(ref)
    steps = {
        (name, label): stress_step(ref, positions, move)
        for name, path in scenarios.items()
        for label, move in path
    }
    resilience = {}
    for rise in RISES:
        absorbs, first_absorbs = absorbable_rise(ref, positions, rise)
        zero, first_zero = bp_to_zero_nav(ref, positions, rise)
        resilience[rise] = {
            "absorbable_bp": absorbs,
            "absorbable_first_order_bp": first_absorbs,
            "zero_nav_bp": zero,
            "zero_nav_first_order_bp": first_zero,
        }
    scale = abs(ref.liabilities.loc["total", "pv"]) + UNIT_SCALE * positions.abs().sum()
    return Expected(
        steps=steps,
        waterfalls={name: waterfall(ref, positions, p[-1][1]) for name, p in scenarios.items()},
        resilience=resilience,
        money_tolerance=MONEY_RTOL * scale,
        labels={name: [label for label, _ in path] for name, path in scenarios.items()},
        margins={name: variation_margin(ref, positions, p[-1][1]) for name, p in scenarios.items()},
    )


@pytest.fixture(scope="module")
def ref():
    return reference(DEFAULT_PROBLEM)


@pytest.fixture(scope="module")
def solved(tmp_path_factory):
    """The JSON result of ``ldi solve`` on the default problem."""
    result = tmp_path_factory.mktemp("solve") / "result.json"
    run = run_cli("solve", DEFAULT_PROBLEM, json_file=result)
    assert run.code == 0, run.err
    return result


@dataclass
class Case:
    run: Run
    portfolio: str
    positions: pd.Series
    expected: Expected


@pytest.fixture(scope="module", params=["holdings", "optimized"])
def case(request, ref, solved, tmp_path_factory):
    """``ldi stress`` of the default problem's holdings, or of the solve's positions."""
    out_file = tmp_path_factory.mktemp("stress") / "stress.json"
    if request.param == "holdings":
        run = run_cli("stress", DEFAULT_PROBLEM, json_file=out_file)
        positions, portfolio = positions_of(ref), "current holdings"
    else:
        run = run_cli("stress", DEFAULT_PROBLEM, "--positions", solved, json_file=out_file)
        solution = json.loads(solved.read_text())["positions"]
        positions, portfolio = positions_of(ref, solution), f"optimized positions ({solved})"
    return Case(run, portfolio, positions, expected_for(ref, positions))


# --- parsing the report ----------------------------------------------------------------------


def block(out: str, title: str) -> tuple[list[str], dict[str, list[str]]]:
    """(header cells, {row label: cells}) of the table under the line ``title``.

    Row labels may hold spaces ("day 1"): a label is what comes before the first cell, the
    cells being the last len(header) words of the line.
    """
    lines = out.splitlines()
    start = lines.index(title)
    header = header_cells(lines[start + 1])
    end = lines.index("", start)
    rows = {}
    for line in lines[start + 3 : end]:
        words = line.split()
        rows[" ".join(words[: -len(header)])] = words[-len(header) :]
    return header, rows


def header_cells(line: str) -> list[str]:
    """The known column headers, in the order the line prints them."""
    found = sorted((line.index(h), h) for h in HEADERS if h in line)
    return [h for _, h in found]


def read_money(cell: str) -> float:
    """A printed amount ('1,234' or '-') as a number ('-': 0)."""
    return 0.0 if cell == "-" else float(cell.replace(",", ""))


def money_cell(cell: str, value: float, decimals: int, where: str) -> None:
    """``cell`` is ``value`` in the report's format, within one unit either side."""
    assert_printed(cell, value, 1.0, lambda v: number(v, decimals), where)


def check_row(cells, expected: dict, decimals: dict, where: str) -> None:
    """One printed row of the Outcomes table (or of a path) against the reference's step."""
    assert len(cells) == len(HEADERS), f"{where}: {cells}"
    for header, cell in zip(HEADERS, cells, strict=True):
        if header in MONEY_COLUMNS:
            column = MONEY_COLUMNS[header]
            money_cell(cell, expected[column], decimals[column], f"{where}.{header}")
        else:
            column = "funding_ratio_before" if header == "FR before" else "funding_ratio_after"
            assert_printed(cell, expected[column], 1e-9, percent, f"{where}.{header}")


def column_decimals(steps: list[dict]) -> dict[str, int]:
    """Decimals of each money column: whole units unless its largest amount is below 1,000."""
    return {c: money_decimals([s[c] for s in steps]) for c in MONEY_COLUMNS.values()}


def bp_text(value: float) -> str:
    return f"{value:,.0f}bp" if np.isfinite(value) else "> 2,000bp"


def resilience_line(out: str, label: str) -> dict[str, tuple[str, str]]:
    """{rise: (exact, first order)} as printed on the line starting with ``label``."""
    (line,) = [ln for ln in out.splitlines() if ln.startswith(f"{label}: ")]
    parts = line.removeprefix(f"{label}: ").split("; ")
    found = {}
    for part in parts:
        match = re.fullmatch(r"(\w+) (.+) \(first order (.+)\)", part)
        assert match, part
        found[match[1]] = (match[2], match[3])
    return found


def assert_bp_printed(printed: str, value: float, where: str) -> None:
    if np.isfinite(value):
        assert_printed(printed, value, BP_ATOL, bp_text, where)
    else:
        assert printed == bp_text(value), where


def assert_bp(actual, value: float, where: str) -> None:
    """A JSON rise: null for infinity, else the reference to BP_ATOL."""
    if np.isfinite(value):
        assert actual == pytest.approx(value, abs=BP_ATOL), where
    else:
        assert actual is None, where


# --- current holdings and optimized positions ------------------------------------------------


def test_reference_values_today_are_its_own_present_values(ref):
    """The moved-value reference without a move is the risk reference's PV (same streams)."""
    today = unit_values(ref)
    assert list(today.index) == list(ref.instruments.index)
    np.testing.assert_allclose(today, ref.instruments["pv"], rtol=0, atol=MONEY_RTOL * UNIT_SCALE)
    assert liability_value(ref) == pytest.approx(ref.liabilities.loc["total", "pv"], rel=1e-14)
    # 1bp either way: the PV01 column (bonds, swaps, repo, and stated durations).
    up, down = unit_values(ref, shock(nominal_bp=1.0)), unit_values(ref, shock(nominal_bp=-1.0))
    np.testing.assert_allclose((down - up) / 2, ref.instruments["pv01"], rtol=0, atol=1e-15)


def test_stress_exits_0_names_the_portfolio_and_writes_the_json(case, ref):
    run = case.run
    assert run.code == 0, run.err
    assert run.err == f"wrote {run.json_file}\n"
    assert run.out.splitlines()[0] == f"{ref.name}: stress test of {case.portfolio}"
    assert run.data["portfolio"] == case.portfolio
    assert run.data["name"] == ref.name
    assert run.data["currency"] == ref.currency
    assert run.data["within_days"] == 5.0
    assert run.data["positions"] == pytest.approx(case.positions.to_dict(), abs=0.0)


def test_outcomes_table_has_every_scenario_in_order(case, ref):
    header, rows = block(case.run.out, "Outcomes")
    assert header == HEADERS
    assert list(rows) == list(scenarios_of(ref))


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_printed_outcome_is_the_reference(case, scenario):
    expected = case.expected
    _, rows = block(case.run.out, "Outcomes")
    finals = [expected.steps[(name, labels[-1])] for name, labels in expected.labels.items()]
    final = expected.steps[(scenario, expected.labels[scenario][-1])]
    check_row(rows[scenario], final, column_decimals(finals), f"Outcomes.{scenario}")


def test_printed_gilt_crisis_path_is_the_reference(case):
    expected = case.expected
    title = next(ln for ln in case.run.out.splitlines() if ln.startswith("gilt_crisis_2022: "))
    assert title.startswith("gilt_crisis_2022: Sep 2022 gilt crisis, stylised")
    header, rows = block(case.run.out, title)
    assert header == HEADERS
    labels = expected.labels["gilt_crisis_2022"]
    assert list(rows) == labels == ["day 1", "day 2", "day 3", "day 4"]
    steps = [expected.steps[("gilt_crisis_2022", label)] for label in labels]
    for label, step in zip(labels, steps, strict=True):
        check_row(rows[label], step, column_decimals(steps), f"gilt_crisis_2022.{label}")


def test_printed_boe_path_and_waterfalls(case):
    """The other path, and the waterfall of both paths' final calls (whole units)."""
    expected, out = case.expected, case.run.out
    title = next(ln for ln in out.splitlines() if ln.startswith("boe_swes_2023: "))
    _, rows = block(out, title)
    labels = expected.labels["boe_swes_2023"]
    assert list(rows) == labels == ["day 1", "day 10"]
    steps = [expected.steps[("boe_swes_2023", label)] for label in labels]
    for label, step in zip(labels, steps, strict=True):
        check_row(rows[label], step, column_decimals(steps), f"boe_swes_2023.{label}")
    for name in ("gilt_crisis_2022", "boe_swes_2023"):
        lines = out.splitlines()
        start = lines.index(f"Collateral waterfall, {name} (final step)")
        end = lines.index("", start)
        header = ["Days", "Available", "Var.", "margin", "Other", "calls", "Used", "Left"]
        assert lines[start + 1].split() == header
        table = expected.waterfalls[name]
        printed = {ln.split()[0]: ln.split()[1:] for ln in lines[start + 3 : end]}
        assert list(printed) == list(table.index)
        margin = 0.0
        for pool, cells in printed.items():
            days, available, paid, other, used, left = cells
            assert days == number(table.loc[pool, "days"], 0)
            for cell, column in ((available, "available"), (used, "used"), (left, "left")):
                decimals = money_decimals(table[column])
                money_cell(cell, table.loc[pool, column], decimals, f"{name}.{pool}.{column}")
            # each pool's use split between the swaps' cash margin and the other calls
            assert abs(read_money(paid) + read_money(other) - read_money(used)) <= 1.0
            if pool not in ("cash", "money_market", "government"):
                assert read_money(paid) == 0  # only cash and gilt repo pay variation margin
            margin += read_money(paid)
        assert margin == pytest.approx(max(expected.margins[name], 0.0), abs=len(printed))


def test_printed_resilience_lines_are_the_reference(case):
    for column, label in RESILIENCE.items():
        printed = resilience_line(case.run.out, label)
        assert list(printed) == list(RISES)
        for rise, (exact, first) in printed.items():
            reference_rise = case.expected.resilience[rise]
            where = f"{label} [{rise}]"
            assert_bp_printed(exact, reference_rise[f"{column}_bp"], where)
            assert_bp_printed(first, reference_rise[f"{column}_first_order_bp"], where)


COMPARED = [
    ("Surplus chg (base)", "surplus_change", "base"),
    ("Surplus chg", "surplus_change", "optimized"),
    ("FR after (base)", "funding_ratio_after", "base"),
    ("FR after", "funding_ratio_after", "optimized"),
    ("Headroom (base)", "headroom", "base"),
    ("Headroom", "headroom", "optimized"),
]


def test_optimized_positions_are_compared_with_the_current_holdings(case, ref):
    title = "Compared with current holdings (base)"
    if case.portfolio == "current holdings":
        assert title not in case.run.out.splitlines()
        assert "baseline" not in case.run.data
        return
    lines = case.run.out.splitlines()
    start = lines.index(title)
    headers = [h for h, _, _ in COMPARED]
    assert lines[start + 1].split("  ")[0] == ""  # the header line starts with the index
    assert [h for h in headers if h in lines[start + 1]] == headers
    base = expected_for(ref, positions_of(ref))
    portfolios = {"base": base, "optimized": case.expected}
    for line in lines[start + 3 : lines.index("", start)]:
        words = line.split()
        name, cells = words[0], words[1:]
        assert len(cells) == len(COMPARED), line
        for cell, (header, column, which) in zip(cells, COMPARED, strict=True):
            expected = portfolios[which]
            finals = [expected.steps[(n, labels[-1])] for n, labels in expected.labels.items()]
            value = expected.steps[(name, expected.labels[name][-1])][column]
            where = f"{title}.{name}.{header}"
            if column == "funding_ratio_after":
                assert_printed(cell, value, 1e-9, percent, where)
            else:
                decimals = money_decimals([f[column] for f in finals])
                assert_printed(cell, value, 1.0, lambda v, d=decimals: number(v, d), where)
    assert case.run.data["baseline"]["portfolio"] == "current holdings"
    baseline = case.run.data["baseline"]["scenarios"]["gilt_crisis_2022"]["steps"][-1]
    expected = base.steps[("gilt_crisis_2022", "day 4")]
    assert baseline["headroom"] == pytest.approx(expected["headroom"], abs=base.money_tolerance)


def test_json_holds_every_scenario_and_step(case, ref):
    data = case.run.data
    scenarios = scenarios_of(ref)
    assert list(data["scenarios"]) == list(scenarios)
    for name, path in scenarios.items():
        written = data["scenarios"][name]
        assert [s["step"] for s in written["steps"]] == [label for label, _ in path]
        assert set(written) == {"description", "steps", "waterfall"}
    assert data["scenarios"]["parallel_up_100"]["description"] == "Nominal and real yields +100bp"
    assert data["scenarios"]["steepener"]["description"] == "2y -50bp, 10y unchanged, 30y +50bp"


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_json_steps_and_waterfall_are_the_reference(case, scenario):
    """Unrounded: money to MONEY_RTOL of the gross book, ratios that over the liabilities."""
    expected = case.expected
    tolerance = expected.money_tolerance
    written = case.run.data["scenarios"][scenario]
    for step in written["steps"]:
        reference_step = expected.steps[(scenario, step["step"])]
        for column, value in reference_step.items():
            atol = tolerance
            if column.startswith("funding_ratio"):
                atol = tolerance / abs(reference_step["liabilities_after"]) * (1 + abs(value))
            assert step[column] == pytest.approx(value, rel=0, abs=atol), (step["step"], column)
    table = expected.waterfalls[scenario]
    assert [row["pool"] for row in written["waterfall"]] == list(table.index)
    for row in written["waterfall"]:
        for column in ("available", "used", "left"):
            value = table.loc[row["pool"], column]
            assert row[column] == pytest.approx(value, rel=0, abs=tolerance), (row, column)


def test_json_resilience_is_the_reference(case):
    written = {row["rise"]: row for row in case.run.data["resilience"]}
    assert list(written) == list(RISES)
    for rise, row in written.items():
        for column, value in case.expected.resilience[rise].items():
            assert_bp(row[column], value, f"{rise}.{column}")


@pytest.mark.parametrize("problem", PROBLEM_FILES, ids=lambda p: p.name)
def test_every_shipped_problem_stresses_to_the_reference(problem, tmp_path):
    """Every step of every scenario and the resilience of each shipped problem's holdings."""
    run = run_cli("stress", problem, json_file=tmp_path / "s.json")
    assert run.code == 0, run.err
    ref = reference(problem)
    expected = expected_for(ref, positions_of(ref))
    assert list(run.data["scenarios"]) == list(expected.labels)
    for name, written in run.data["scenarios"].items():
        assert [s["step"] for s in written["steps"]] == expected.labels[name]
        for step in written["steps"]:
            reference_step = expected.steps[(name, step["step"])]
            for column in MONEY_COLUMNS.values():
                value = reference_step[column]
                assert step[column] == pytest.approx(value, rel=0, abs=expected.money_tolerance), (
                    name,
                    step["step"],
                    column,
                )
    for row in run.data["resilience"]:
        for column, value in expected.resilience[row["rise"]].items():
            assert_bp(row[column], value, f"{row['rise']}.{column}")


# --- choosing scenarios and exit codes --------------------------------------------------------


def test_chosen_scenarios_only_in_the_order_given(tmp_path, ref):
    chosen = ["growth_down_25", "gilt_crisis_2022", "parallel_up_100"]
    run = run_cli("stress", DEFAULT_PROBLEM, "--scenario", *chosen, json_file=tmp_path / "s.json")
    assert run.code == 0, run.err
    assert list(run.data["scenarios"]) == chosen
    _, rows = block(run.out, "Outcomes")
    assert list(rows) == chosen
    x = positions_of(ref)
    for name in chosen:
        move = scenarios_of(ref)[name][-1][1]
        assert run.data["scenarios"][name]["steps"][-1]["headroom"] == pytest.approx(
            stress_step(ref, x, move)["headroom"], rel=1e-12
        )
    assert "boe_swes_2023" not in run.out


def test_unknown_scenario_exits_2_and_writes_nothing(tmp_path):
    out_file = tmp_path / "s.json"
    run = run_cli("stress", DEFAULT_PROBLEM, "--scenario", "no_such_stress", json_file=out_file)
    assert run.code == 2
    assert run.out == ""
    assert run.err.startswith("error: scenario: got 'no_such_stress'; expected one of [")
    assert "'gilt_crisis_2022'" in run.err
    assert not out_file.exists()


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "No such file or directory"),
        ("{not json", "not JSON ("),
        ("[1, 2]", "no positions"),
        ('{"status": "optimal"}', "no positions"),
        ('{"positions": {}}', "no positions"),
        ('{"positions": "CASH"}', "no positions"),
        (
            '{"status": "infeasible", "positions": {"CASH": null, "UKT_4Q_2036": 1.0}}',
            "no position for ['CASH'] (the solve ended 'infeasible')",
        ),
    ],
    ids=["missing", "invalid", "list", "no-key", "empty", "not-a-mapping", "null-position"],
)
def test_bad_result_file_exits_2_naming_it(tmp_path, content, problem):
    result = tmp_path / "result.json"
    if content is not None:
        write(result, content)
    out_file = tmp_path / "s.json"
    run = run_cli("stress", DEFAULT_PROBLEM, "--positions", result, json_file=out_file)
    assert run.code == 2
    assert run.out == ""
    assert run.err.startswith(f"error: {result}: ")
    assert problem in run.err
    assert run.err.rstrip().endswith("expected a result written by 'ldi solve --json'")
    assert not out_file.exists()


def test_result_with_unknown_ids_exits_2(tmp_path):
    result = write(tmp_path / "result.json", '{"positions": {"CASH": 1.0, "NOT_HELD": 2.0}}')
    run = run_cli("stress", DEFAULT_PROBLEM, "--positions", result)
    assert run.code == 2
    assert run.err.startswith("error: positions: unknown instrument ids ['NOT_HELD']")


def test_partial_positions_hold_nothing_else(tmp_path, ref):
    """Ids a result leaves out are held at 0: cash alone moves with nothing but growth."""
    result = write(tmp_path / "result.json", '{"positions": {"CASH": 1000000.0}}')
    run = run_cli("stress", DEFAULT_PROBLEM, "--positions", result, json_file=tmp_path / "s.json")
    assert run.code == 0, run.err
    assert run.data["positions"]["CASH"] == 1e6
    assert sum(abs(v) for v in run.data["positions"].values()) == 1e6
    outcomes = {n: s["steps"][-1] for n, s in run.data["scenarios"].items()}
    for name, step in outcomes.items():
        assert step["assets_before"] == step["assets_after"] == 1e6, name
        assert step["collateral_needed"] == 0.0
        assert step["headroom"] == pytest.approx(1e6, rel=1e-15)
    for row in run.data["resilience"]:
        assert row["absorbable_bp"] is None  # cash never runs out
        assert row["zero_nav_bp"] is None


# --- a problem with its own collateral policy and scenarios ---------------------------------

VARIANT_COLLATERAL = {
    "within_days": 3,
    "haircuts": {"government": [0.01, 0.03, 0.06], "equity": 0.25, "corporate": 0.1},
    "days": {"corporate": 2, "equity": 7, "cash": 1},
    "initial_margin": {"interest_rate_swap": 0.03, "inflation_swap": 0.05},
    "instruments": {
        "UK_PROPERTY": {"asset_class": "illiquid"},
        "GLOBAL_EQUITY": {"days": 2, "haircut": 0.2},
        "SONIA_50Y": {"initial_margin": 0.1},
        "CREDIT_A_2040": {"asset_class": "government"},
        "DIVERSIFIED_GROWTH": {"asset_class": "corporate", "days": 3},
    },
    "mandate": ["UKT_3T_2052", "UKT_4_2063", "SONIA_30Y", "SONIA_50Y", "REPO_3M", "CASH"],
}
VARIANT_SCENARIOS = [
    {
        "name": "real_and_credit",
        "description": "real yields up, credit wider, property down",
        "nominal_bp": {"tenors": [2, 10, 30], "bp": [10, 50, 120]},
        "real_bp": {"tenors": [5, 40], "bp": [80, 160]},
        "credit_spread_bp": 60,
        "growth": -0.1,
        "returns": {"UK_PROPERTY": -0.3, "CREDIT_AA_2035": -0.02},
    },
    {
        "name": "two_days",
        "steps": [
            {"label": "d1", "nominal_bp": 40, "breakeven_bp": -10},
            {"nominal_bp": 90, "breakeven_bp": {"tenors": [10, 30], "bp": [-20, -50]}},
        ],
    },
    {  # linear from 0 at t = 0 to +100bp at 2y (a knot at 0 must not be flattened below 1y)
        "name": "short_end_taper",
        "nominal_bp": {"tenors": [0, 2], "bp": [0, 100]},
    },
]


@pytest.fixture(scope="module")
def variant(tmp_path_factory):
    """(run, reference, expected) of the default problem with its own policy and scenarios.

    Added: a second repo (on a linker, default haircut), a private-equity holding with
    stated durations and a payer swap (so the initial margin sees a short notional).
    """
    raw = raw_problem()
    raw["instruments"] += [
        {"id": "REPO_IL", "kind": "repo", "collateral": "UKTI_0T_2045", "term": 0.5},
        {
            "id": "PRIVATE_EQUITY",
            "kind": "return_seeking",
            "expected_return": 0.08,
            "volatility": 0.2,
            "rates_duration": 4,
            "inflation_duration": 2,
            "spread_duration": 3,
        },
    ]
    raw["holdings"].update(REPO_IL=50e6, PRIVATE_EQUITY=30e6, SONIA_20Y=-40e6)
    raw["collateral"] = VARIANT_COLLATERAL
    raw["stress"] = {"scenarios": VARIANT_SCENARIOS}
    folder = tmp_path_factory.mktemp("variant")
    path = write(folder / "variant.yaml", yaml.safe_dump(raw, sort_keys=False))
    run = run_cli("stress", path, json_file=folder / "stress.json")
    ref = reference_from_raw(raw, DEFAULT_PROBLEM.parent)
    x = positions_of(ref)
    return run, ref, expected_for(ref, x)


def test_variant_runs_every_scenario_with_its_window(variant):
    run, ref, expected = variant
    assert run.code == 0, run.err
    assert run.data["within_days"] == 3
    names = [*catalogue("GBP"), "real_and_credit", "two_days", "short_end_taper"]
    assert list(run.data["scenarios"]) == names == list(expected.labels)
    assert [s["step"] for s in run.data["scenarios"]["two_days"]["steps"]] == ["d1", "step 2"]
    assert "eligible within 3 days" in run.out


@pytest.mark.parametrize(
    "scenario",
    [
        *("parallel_up_250", "key_rate_5y_up_25", "breakeven_down_50", "real_yields_up_100"),
        *("credit_spreads_up_100", "growth_down_25", "gilt_crisis_2022", "boe_swes_2023"),
        *("real_and_credit", "two_days", "short_end_taper"),
    ],
)
def test_variant_steps_and_waterfall_are_the_reference(variant, scenario):
    run, _, expected = variant
    written = run.data["scenarios"][scenario]
    tolerance = expected.money_tolerance
    for step in written["steps"]:
        reference_step = expected.steps[(scenario, step["step"])]
        for column in ("asset_change", "liability_change", "collateral_needed", "headroom"):
            assert step[column] == pytest.approx(reference_step[column], rel=0, abs=tolerance), (
                step["step"],
                column,
            )
        assert step["collateral_available"] == pytest.approx(
            reference_step["collateral_available"], rel=0, abs=tolerance
        )
    table = expected.waterfalls[scenario]
    assert [row["pool"] for row in written["waterfall"]] == list(table.index)
    for row in written["waterfall"]:
        assert row["days"] == table.loc[row["pool"], "days"]
        for column in ("available", "used", "left"):
            value = table.loc[row["pool"], column]
            assert row[column] == pytest.approx(value, rel=0, abs=tolerance), (row, column)


def test_variant_resilience_is_the_reference(variant):
    run, _, expected = variant
    written = {row["rise"]: row for row in run.data["resilience"]}
    for rise in RISES:
        for column, value in expected.resilience[rise].items():
            assert_bp(written[rise][column], value, f"{rise}.{column}")
    for column, label in RESILIENCE.items():
        for rise, (exact, first) in resilience_line(run.out, label).items():
            assert_bp_printed(exact, expected.resilience[rise][f"{column}_bp"], label)
            assert_bp_printed(first, expected.resilience[rise][f"{column}_first_order_bp"], label)


def test_the_documented_crisis_path_is_what_it_prints(tmp_path, monkeypatch, capsys):
    """docs/stress-testing.md shows the optimized positions under gilt_crisis_2022."""
    monkeypatch.chdir(tmp_path)
    assert main(["solve", str(DEFAULT_PROBLEM), "--json", "result.json"]) == 0
    capsys.readouterr()
    argv = ["stress", str(DEFAULT_PROBLEM), "--positions", "result.json"]
    assert main([*argv, "--scenario", "gilt_crisis_2022"]) == 0
    block = shown("docs/stress-testing.md", "stress test of optimized positions (result.json)")
    assert_shows(block, capsys.readouterr().out)


def test_the_documented_current_holdings_excerpt_is_what_it_prints():
    """docs/stress-testing.md shows an excerpt of the default problem's current holdings."""
    run = run_cli("stress", DEFAULT_PROBLEM)
    assert run.code == 0, run.err
    assert_shows(shown("docs/stress-testing.md", "stress test of current holdings"), run.out)


def test_the_documented_scenarios_of_your_own_are_what_it_prints(tmp_path):
    """docs/stress-testing.md adds its example scenarios to the default problem and runs them."""
    document = (PROBLEMS.parent / "docs" / "stress-testing.md").read_text()
    (example,) = [
        block
        for block in re.findall(r"```yaml\n(.*?)```", document, re.DOTALL)
        if "long_end_selloff" in block
    ]
    raw = raw_problem()
    raw["stress"] = yaml.safe_load(example)["stress"]
    path = write(tmp_path / "own.yaml", yaml.safe_dump(raw, sort_keys=False))
    run = run_cli("stress", path, "--scenario", "linker_selloff", "long_end_selloff")
    assert run.code == 0, run.err
    assert_shows(shown("docs/stress-testing.md", "linker_selloff    "), run.out)


def test_the_documented_json_is_what_it_writes(tmp_path):
    """docs/stress-testing.md shows an excerpt of the current holdings' JSON, rounded."""
    example = shown("docs/stress-testing.md", '"within_days"', kind="json")
    run = run_cli("stress", DEFAULT_PROBLEM, json_file=tmp_path / "stress.json")
    assert run.code == 0, run.err
    assert_json_shows(json.loads(example), run.data)
