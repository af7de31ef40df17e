"""The collateral of a solve: the buffer's constraint rows and the summary's Collateral block.

The default problem (problems/uk_db_scheme.yaml) asks for collateral to cover a 250bp rise
on top of a 100bp operational buffer, tested as a nominal rise (nominal and real yields
+350bp, in bond-yield bp: each zero rate moves as a semiannual gilt yield would) and a real
rise (index-linked real yields +350bp, breakevens -350bp). Every number
is recomputed by tests/reference.py (no ``ldi`` import there) at the solve's positions and at
the file's holdings: unit streams revalued on the moved curves, collateral from the file's
``collateral`` section, rises by brentq.

Tolerances. Both sides are float64 full revaluations of the same formulas at the same
positions, so money (headroom, called, available) agrees to MONEY_RTOL (1e-12) of the gross
book, |liabilities| + UNIT_SCALE x sum |x| (~5e-2 GBP here); the summary prints whole units,
so a printed amount must be the reference rounded, within one unit either side. Rises are
root-finds (ldi to 1e-9bp, the reference to 1e-12bp) of amounts that agree that closely:
1e-6bp, printed in whole bp. A binding row meets its bound to the interior-point solver's
accuracy, 1e-7 of the liabilities' value.
"""

import json

import numpy as np
import pandas as pd
import pytest

import ldi
from ldi.reporting.solve_report import SolveSummary
from tests.reference import (
    DEFAULT_PROBLEM,
    MONEY_RTOL,
    UNIT_SCALE,
    absorbable_rise,
    bp_to_zero_nav,
    collateral_after,
    liability_value,
    positions_of,
    raw_problem,
    reference,
    reference_from_raw,
    rise_shock,
)
from tests.reporting.test_risk_report import assert_printed, number

BP_ATOL = 1e-6
SOLVER_RTOL = 1e-7
RISES = ("nominal", "real")
TITLE = (
    "collateral_buffer: 350bp rise (250bp + 100bp operational, bond-yield bp), collateral "
    "eligible within 5 days"
)


def buffer_bp(raw: dict, kind: str = "collateral_buffer") -> float:
    """The rise a buffer constraint of the problem tests: market stress + operational (bp)."""
    (options,) = [c[kind] for c in raw["constraints"] if isinstance(c, dict) and kind in c]
    operational = 100.0 if kind == "collateral_buffer" else 0.0
    return float(options.get("yield_rise_bp", 250.0) + options.get("operational_bp", operational))


def money_tolerance(ref, *portfolios: pd.Series) -> float:
    gross = max(float(x.abs().sum()) for x in portfolios)
    return MONEY_RTOL * (abs(ref.liabilities.loc["total", "pv"]) + UNIT_SCALE * gross)


def bp_text(value: float) -> str:
    return f"{value:,.0f}bp" if np.isfinite(value) else "> 2,000bp"


def assert_bp_printed(printed: str, value: float, where: str) -> None:
    if np.isfinite(value):
        assert_printed(printed, value, BP_ATOL, bp_text, where)
    else:
        assert printed == bp_text(value), where


def assert_money_printed(printed: str, value: float, where: str) -> None:
    assert_printed(printed, value, 1.0, lambda v: number(v, 0), where)


@pytest.fixture(scope="module")
def ref():
    return reference(DEFAULT_PROBLEM)


@pytest.fixture(scope="module")
def result():
    result = ldi.load_problem(DEFAULT_PROBLEM).solve()
    assert result.ok, result.status
    return result


@pytest.fixture(scope="module")
def portfolios(ref, result) -> dict[str, pd.Series]:
    return {"before": positions_of(ref), "after": positions_of(ref, result.positions)}


@pytest.fixture(scope="module")
def expected(ref, portfolios) -> dict[str, dict]:
    """The reference per portfolio: collateral after each tested rise, then resilience."""
    shock_bp = buffer_bp(ref.raw)
    out = {}
    for label, x in portfolios.items():
        rows = {rise: collateral_after(ref, x, rise_shock(rise, shock_bp)) for rise in RISES}
        for rise in RISES:
            rows[rise]["absorbable"] = absorbable_rise(ref, x, rise)[0]
            rows[rise]["zero_nav"] = bp_to_zero_nav(ref, x, rise)[0]
        out[label] = rows
    return out


def test_the_buffer_tests_a_nominal_and_a_real_rise_of_350bp(ref, result):
    assert buffer_bp(ref.raw) == 350.0
    assert result.collateral is not None
    assert result.collateral.title == TITLE
    assert list(result.collateral.moves) == list(RISES)


def test_buffer_rows_are_the_headroom_per_tested_rise(ref, result, portfolios, expected):
    table = result.constraints
    rows = table[table["vector"] == "collateral_buffer"]
    assert list(rows.index) == ["collateral_buffer[nominal]", "collateral_buffer[real]"]
    assert list(rows["entry"]) == list(RISES)
    assert set(rows["kind"]) == {"collateral_buffer"}
    assert set(rows["sense"]) == {">="}
    assert list(rows["bound"]) == [0.0, 0.0]
    tolerance = money_tolerance(ref, *portfolios.values())
    for rise in RISES:
        row = rows.loc[f"collateral_buffer[{rise}]"]
        value = expected["after"][rise]["headroom"]
        assert row["value"] == pytest.approx(value, rel=0, abs=tolerance), rise
        assert row["slack"] == pytest.approx(row["value"] - row["bound"], abs=tolerance)


def test_binds_line_lists_exactly_the_binding_liquidity_rows(result):
    binding = result.binding
    kinds = ["collateral_buffer", "liquidity_coverage", "repo_collateral"]
    names = list(binding.index[binding["kind"].isin(kinds)])
    assert "repo_collateral[UKT_3T_2052]" in names  # the repo is as large as its gilt allows
    lines = SolveSummary.of(result).as_text().splitlines()
    start = lines.index(f"Collateral ({TITLE})")
    block_end = next(i for i in range(start, len(lines)) if lines[i].startswith(("Binds", "The")))
    expected = f"Binds: {', '.join(names)}" if names else "The liquidity limits do not bind."
    assert lines[block_end] == expected


def test_collateral_table_is_the_reference(ref, result, expected):
    table = SolveSummary.of(result).collateral()
    labels = [
        f"{measure} [{rise}]" for rise in RISES for measure in ("Called", "Available", "Headroom")
    ] + [f"{measure} [{rise}]" for rise in RISES for measure in ("Rise absorbed", "To zero NAV")]
    assert list(table.index) == labels
    assert list(table.columns) == ["Before", "After"]
    for column, portfolio in (("Before", "before"), ("After", "after")):
        for rise in RISES:
            numbers = expected[portfolio][rise]
            for measure, key in (("Called", "called"), ("Available", "available")):
                where = f"{measure} [{rise}] {column}"
                assert_money_printed(table.loc[f"{measure} [{rise}]", column], numbers[key], where)
            where = f"Headroom [{rise}] {column}"
            cell = table.loc[f"Headroom [{rise}]", column]
            assert_money_printed(cell, numbers["headroom"], where)
            for measure, key in (("Rise absorbed", "absorbable"), ("To zero NAV", "zero_nav")):
                cell = table.loc[f"{measure} [{rise}]", column]
                assert_bp_printed(cell, numbers[key], f"{measure} [{rise}] {column}")


def test_collateral_block_is_printed_with_its_title(result):
    text = SolveSummary.of(result).as_text()
    lines = text.splitlines()
    start = lines.index(f"Collateral ({TITLE})")
    assert lines[start + 1].split() == ["Before", "After"]
    printed = SolveSummary.of(result).collateral().to_string().splitlines()
    assert lines[start + 1 : start + 1 + len(printed)] == printed


def test_unrounded_summary_tables_are_the_reference(ref, result, portfolios, expected):
    summary = result.collateral
    tolerance = money_tolerance(ref, *portfolios.values())
    assert list(summary.table.index) == list(RISES)
    for label in ("before", "after"):
        for rise in RISES:
            numbers = expected[label][rise]
            for key in ("called", "available", "headroom"):
                actual = summary.table.loc[rise, f"{key}_{label}"]
                assert actual == pytest.approx(numbers[key], rel=0, abs=tolerance), (label, key)
            for key in ("absorbable", "zero_nav"):
                actual = summary.resilience.loc[rise, f"{key}_bp_{label}"]
                if np.isfinite(numbers[key]):
                    assert actual == pytest.approx(numbers[key], abs=BP_ATOL), (label, rise, key)
                else:
                    assert actual == np.inf, (label, rise, key)


def test_to_dict_collateral_is_standard_json(result):
    data = result.to_dict()["collateral"]
    text = json.dumps(data, allow_nan=False)  # no NaN or infinity may reach the file
    back = json.loads(text)
    assert back["title"] == TITLE
    summary = result.collateral
    assert [row["rise"] for row in back["headroom"]] == list(RISES)
    for row in back["headroom"]:
        for column in summary.table.columns:
            assert row[column] == summary.table.loc[row["rise"], column]
    assert [row["rise"] for row in back["resilience"]] == list(RISES)
    for row in back["resilience"]:
        for column in summary.resilience.columns:
            value = summary.resilience.loc[row["rise"], column]
            assert row[column] == (value if np.isfinite(value) else None), (row["rise"], column)


def test_whole_result_to_dict_is_standard_json(result):
    json.dumps(result.to_dict(), allow_nan=False)


# --- variants of the constraint ------------------------------------------------------------


def solved_variant(constraint: dict | None):
    """Solve the default problem with its collateral_buffer replaced (None: dropped)."""
    raw = raw_problem()
    kept = [c for c in raw["constraints"] if not (isinstance(c, dict) and "collateral_buffer" in c)]
    raw["constraints"] = kept + ([] if constraint is None else [constraint])
    result = ldi.load_problem(raw).solve()
    assert result.ok, result.status
    return raw, result


def test_without_a_buffer_there_is_no_collateral_block():
    _, result = solved_variant(None)
    assert result.collateral is None
    assert SolveSummary.of(result).collateral() is None
    assert "\nCollateral (" not in SolveSummary.of(result).as_text()
    assert result.to_dict()["collateral"] is None


def test_buffer_with_a_breakeven_fall_and_a_shorter_window():
    constraint = {
        "collateral_buffer": {
            "yield_rise_bp": 200,
            "operational_bp": 50,
            "breakeven_fall_bp": 120,
            "within_days": 0,
        }
    }
    raw, result = solved_variant(constraint)
    ref = reference_from_raw(raw, DEFAULT_PROBLEM.parent)
    x = positions_of(ref, result.positions)
    assert result.collateral.title == (
        "collateral_buffer: 250bp rise (200bp + 50bp operational, bond-yield bp), collateral "
        "eligible within 0 days; breakevens -120bp"
    )
    rows = result.constraints[result.constraints["vector"] == "collateral_buffer"]
    assert list(rows["entry"]) == ["nominal", "real", "breakeven"]
    tolerance = money_tolerance(ref, x, positions_of(ref))
    for rise, bp in (("nominal", 250.0), ("real", 250.0), ("breakeven", 120.0)):
        value = collateral_after(ref, x, rise_shock(rise, bp), within_days=0)["headroom"]
        actual = rows.loc[f"collateral_buffer[{rise}]", "value"]
        assert actual == pytest.approx(value, rel=0, abs=tolerance), rise
        assert actual >= -SOLVER_RTOL * abs(liability_value(ref))
    table = result.collateral.table
    for rise, bp in (("nominal", 250.0), ("real", 250.0), ("breakeven", 120.0)):
        before = collateral_after(ref, positions_of(ref), rise_shock(rise, bp), within_days=0)
        for key in ("called", "available", "headroom"):
            assert table.loc[rise, f"{key}_before"] == pytest.approx(
                before[key], rel=0, abs=tolerance
            ), (rise, key)


def test_liquidity_coverage_rows_hold_the_benefits_due():
    constraint = {"liquidity_coverage": {"yield_rise_bp": 150, "months": 12}}
    raw, result = solved_variant(constraint)
    ref = reference_from_raw(raw, DEFAULT_PROBLEM.parent)
    stream = ref.liability_stream
    due = float(np.sum(stream.money()[(stream.t > 0) & (stream.t <= 1.0)]))
    assert due > 0
    rows = result.constraints[result.constraints["vector"] == "liquidity_coverage"]
    assert list(rows["entry"]) == list(RISES)
    scale = abs(liability_value(ref))
    x = positions_of(ref, result.positions)
    tolerance = money_tolerance(ref, x)
    for rise in RISES:
        row = rows.loc[f"liquidity_coverage[{rise}]"]
        assert row["bound"] == pytest.approx(due, rel=1e-12)
        value = collateral_after(ref, x, rise_shock(rise, buffer_bp(raw, "liquidity_coverage")))
        assert row["value"] == pytest.approx(value["headroom"], rel=0, abs=tolerance)
        assert row["value"] >= due - SOLVER_RTOL * scale
    assert result.collateral.title.endswith("; plus 12 months of benefits")


def test_the_buffer_binds_when_it_tests_a_500bp_rise():
    """A 400bp + 100bp buffer: the optimizer spends the nominal rise's headroom to 0."""
    raw, result = solved_variant({"collateral_buffer": {"yield_rise_bp": 400}})
    ref = reference_from_raw(raw, DEFAULT_PROBLEM.parent)
    x = positions_of(ref, result.positions)
    scale = abs(liability_value(ref))
    headroom = collateral_after(ref, x, rise_shock("nominal", 500.0))["headroom"]
    assert abs(headroom) <= SOLVER_RTOL * scale
    assert result.constraints.loc["collateral_buffer[nominal]", "binding"]
    assert not result.constraints.loc["collateral_buffer[real]", "binding"]
    text = SolveSummary.of(result).as_text()
    (line,) = [ln for ln in text.splitlines() if ln.startswith("Binds: ")]
    names = line.removeprefix("Binds: ").split(", ")
    assert "collateral_buffer[nominal]" in names
    assert "collateral_buffer[real]" not in names
    # The rise absorbed is then the rise tested (to the solver's accuracy over the fall per
    # bp, a few hundred thousand GBP here).
    absorbs = absorbable_rise(ref, x, "nominal")[0]
    assert absorbs == pytest.approx(500.0, abs=1e-3)
    assert SolveSummary.of(result).collateral().loc["Rise absorbed [nominal]", "After"] == "500bp"
