"""The solve summary (SolveSummary): headline, allocation, binding limits and their renderings.

Ratios are checked against the independent reference valuation (tests/reference.py) of the
file's holdings and of the result's positions; the allocation against the problem file's
holdings and kinds, summed independently (physical assets less repo cost the capital);
binding rows against the limits recomputed from the positions with the reference's
exposures and the file's bounds. Markdown tables are parsed back cell by cell; HTML is
checked for the escaping of names.
"""

import dataclasses
import functools
import html
import re

import numpy as np
import pytest

import ldi
from ldi.balance_sheet import balance_sheet
from ldi.reporting import SolveSummary
from tests.io.edits import edited
from tests.reference import (
    DEFAULT_PROBLEM,
    PROBLEMS,
    ROLES,
    index_ie01,
    raw_problem,
    reference,
)
from tests.reporting.test_escaping import commonmark_shows
from tests.reporting.test_risk_report import assert_printed, number, percent

RAW = raw_problem()
LABELS = {
    "Funding ratio": "funding_ratio",
    "Rates hedge": "rates",
    "Rates hedge (sonia)": "rates@sonia",  # the default scheme's hedging basis
    "Inflation hedge": "inflation",
    "Inflation hedge (sonia)": "inflation@sonia",
    "Inflation hedge, cpi": "inflation:cpi",  # its two indices: CPI as RPI less a wedge
    "Inflation hedge, rpi": "inflation:rpi",
}
SOLVER_RTOL = 1e-7  # rows are met to ~1e-8 of the liabilities' PV by the interior-point solver
BINDS = 1e-6  # a limit within this (relative) of its bound binds; others are >= 1e-2 away
RESIDUE = 1e-7  # positions below RESIDUE x S are shown as 0 (interior-point residues)
WHOLE = functools.partial(number, decimals=0)  # money to whole units


@pytest.fixture(scope="module")
def ref():
    return reference(DEFAULT_PROBLEM)


@pytest.fixture(scope="module")
def result():
    return ldi.load_problem(RAW).solve()


@pytest.fixture(scope="module")
def summary(result):
    return SolveSummary.of(result)


def test_a_summary_renders_a_record_and_a_result_through_of(result):
    with pytest.raises(TypeError, match=r"got LDIResult; .* SolveSummary\.of\(result\)"):
        SolveSummary(result)
    assert SolveSummary.of(result).record.name == result.name


def exposures(ref):
    ids = list(ref.instruments.index)
    return ids, {c: ref.instruments[c].to_numpy() for c in ("pv", "pv01", "ie01")}


def positions_of(result, ids):
    return result.positions.reindex(ids).to_numpy(dtype=float)


def holdings(raw, ids):
    return np.array([raw["holdings"].get(i, 0.0) for i in ids], dtype=float)


def roles(raw, ids):
    kinds = {item["id"]: item["kind"] for item in raw["instruments"]}
    return np.array([ROLES[kinds[i]] for i in ids])


# --- Headline ------------------------------------------------------------------------------------


def test_headline_shows_the_results_ratios_as_percentages(summary, result):
    table = summary.headline()
    assert list(table.index) == [*LABELS, "Assets (GBP)", "Surplus (GBP)"]
    assert list(table.columns) == ["Before", "After"]
    after = {"funding_ratio": result.funding_ratio, **result.hedge_ratios}
    for label, key in LABELS.items():
        assert_printed(table.loc[label, "Before"], result.before[key], 1e-12, percent, label)
        assert_printed(table.loc[label, "After"], after[key], 1e-12, percent, label)


def test_headline_ratios_match_the_reference_valuation(result, ref):
    ids, unit = exposures(ref)
    liabilities = ref.liabilities.loc["total"]
    before, after = holdings(RAW, ids), positions_of(result, ids)
    # Per-unit exposures agree to ~1e-11 of a unit; positions are ~1e9: 1e-8 of a ratio.
    for key, measure in (("funding_ratio", "pv"), ("rates", "pv01"), ("inflation", "ie01")):
        ratio_before = unit[measure] @ before / liabilities[measure]
        ratio_after = unit[measure] @ after / liabilities[measure]
        assert result.before[key] == pytest.approx(ratio_before, abs=1e-8), key
        reported = result.funding_ratio if key == "funding_ratio" else result.hedge_ratios[key]
        assert reported == pytest.approx(ratio_after, abs=1e-8), key
    # Each index's hedge before: the holdings' over the liabilities' IE01 a move of it reaches.
    for index in ("cpi", "rpi"):
        owed, held = index_ie01(ref, index)
        assert result.before[f"inflation:{index}"] == pytest.approx(held / owed, abs=1e-8)


def test_headline_money_rows_match_the_reference_valuation(summary, result, ref):
    ids, unit = exposures(ref)
    liability = ref.liabilities.loc["total", "pv"]
    table = summary.headline()
    # Positions are met to SOLVER_RTOL of the liabilities' PV; per-unit values to ~1e-11.
    tolerance = SOLVER_RTOL * liability
    for column, positions in (
        ("Before", holdings(RAW, ids)),
        ("After", positions_of(result, ids)),
    ):
        assets = unit["pv"] @ positions
        assert_printed(table.loc["Assets (GBP)", column], assets, tolerance, WHOLE, column)
        surplus = assets - liability
        assert_printed(table.loc["Surplus (GBP)", column], surplus, tolerance, WHOLE, column)


# --- Allocation ----------------------------------------------------------------------------------


def test_allocation_lists_every_instrument_held_before_or_after(summary, result, ref):
    ids, _ = exposures(ref)
    scale = ref.liabilities.loc["total", "pv"]
    assert result.scale == pytest.approx(scale, rel=1e-12)
    small = RESIDUE * scale
    before, after = holdings(RAW, ids), positions_of(result, ids)
    trade = after - before
    shown = (np.abs(before) > small) | (np.abs(after) > small)
    table = summary.allocation()
    assert table.index.name == "Instrument"
    assert list(table.columns) == ["Kind", "Before", "After", "Trade"]
    assert list(table.index) == [i for i, keep in zip(ids, shown, strict=True) if keep]
    kinds = {item["id"]: item["kind"] for item in RAW["instruments"]}
    for i, b, a, t in zip(ids, before, after, trade, strict=True):
        if i not in table.index:
            continue
        row = table.loc[i]
        assert row["Kind"] == kinds[i]
        assert row["Before"] == b
        assert row["After"] == (a if abs(a) > small else 0.0), i
        # The trade is what the table shows bought or sold; residues hide at most 2 x small.
        assert row["Trade"] == row["After"] - row["Before"], i
        assert abs(row["Trade"] - t) <= 2 * small, i


def test_allocation_of_physical_assets_less_repo_is_the_capital(summary, ref):
    ids, unit = exposures(ref)
    role = roles(RAW, ids)
    assert np.abs(unit["pv"][role == "overlay"]).max() < 1e-12  # swaps at par cost nothing
    capital = (
        holdings(RAW, ids)[role == "physical"].sum() - holdings(RAW, ids)[role == "financing"].sum()
    )
    after = summary.allocation()["After"].reindex(ids, fill_value=0.0).to_numpy()
    invested = after[role == "physical"].sum() - after[role == "financing"].sum()
    scale = ref.liabilities.loc["total", "pv"]
    # Each position shown as 0 may hide up to RESIDUE x S.
    tolerance = len(ids) * RESIDUE * scale + SOLVER_RTOL * scale
    assert invested == pytest.approx(capital, abs=tolerance)


# --- Binding limits ------------------------------------------------------------------------------


def default_rows(result, ref):
    """{row: (sense, value, bound)} of the default scheme's limits, from the reference."""
    ids, unit = exposures(ref)
    x = positions_of(result, ids)
    role = roles(RAW, ids)
    liabilities = ref.liabilities.loc["total"]
    capital = unit["pv"] @ holdings(RAW, ids)
    physical, repo = x[role == "physical"].sum(), x[role == "financing"].sum()
    leverage = (np.abs(x[role == "overlay"]).sum() + repo) / (physical - repo)

    def share(members):
        return x[np.isin(ids, members)].sum() / capital

    rows = {"budget": ("==", unit["pv"] @ x, capital)}
    for risk, measure in (("rates", "pv01"), ("inflation", "ie01")):
        ratio = unit[measure] @ x / liabilities[measure]
        (entry,) = [
            c["hedge_ratio"]
            for c in RAW["constraints"]
            if isinstance(c, dict) and c.get("hedge_ratio", {}).get("risk") == risk
        ]
        rows[f"hedge_ratio[{risk}].min"] = (">=", ratio, entry["min"])
        rows[f"hedge_ratio[{risk}].max"] = ("<=", ratio, entry["max"])
    rows["leverage"] = ("<=", leverage, RAW["constraints"][3]["leverage"]["max"])
    for constraint in RAW["constraints"][4:]:
        if "bounds" not in constraint:
            continue
        limits = constraint["bounds"]
        target = limits.get("group") or limits.get("instrument")
        members = RAW["groups"].get(target, [target])
        for limit, sense in (("min_fraction", ">="), ("max_fraction", "<=")):
            if limit in limits:
                rows[f"bounds[{target}].{limit}"] = (sense, share(members), limits[limit])
    return rows


def pledge_rows(result):
    """{row: (sense, value, bound)} of repo_collateral: the bond held less the value pledged."""
    x, rows = result.positions, {}
    for item in RAW["instruments"]:
        if item["kind"] == "repo":
            bond = item["collateral"]
            haircut = result_haircut(item, bond)
            free = rows.get(bond, x[bond]) - x[item["id"]] / (1 - haircut)
            rows[bond] = free
    return {f"repo_collateral[{bond}]": (">=", free, 0.0) for bond, free in rows.items()}


def result_haircut(item, bond):
    """The repo's haircut, or EMIR's for its gilt (government, over 5 years: 4%)."""
    maturity = next(i["maturity"] for i in RAW["instruments"] if i["id"] == bond)
    return item.get("haircut", 0.04 if maturity > 5 else 0.02)


def binds(value, bound):
    return abs(value - bound) <= BINDS * max(1.0, abs(bound))


def test_binding_lists_the_limits_met_with_equality(summary, result, ref):
    rows = default_rows(result, ref)
    pledges = pledge_rows(result)
    rows.update(pledges)
    # Collateral rows have their own reference (test_solve_collateral.py).
    checked = ~result.constraints["kind"].isin(["long_only", "collateral_buffer"])
    assert set(rows) == set(result.constraints.index[checked])
    # A money row binds within a millionth of the liabilities' PV (BINDING_TOLERANCE, scaled).
    scale = ref.liabilities.loc["total", "pv"]

    def tight(name, value, bound):
        return abs(value - bound) <= 1e-6 * scale if name in pledges else binds(value, bound)

    expected = [name for name, (_, value, bound) in rows.items() if tight(name, value, bound)]
    expected = [name for name in result.constraints.index if name in expected]  # table order
    assert {"budget", "repo_collateral[UKT_3T_2052]"} <= set(expected)  # capital; repo cap
    table = summary.binding()
    assert table.index.name == "Constraint"
    assert list(table.columns) == ["sense", "value", "bound", "shadow_price"]
    assert [n for n in table.index if not n.startswith("collateral_buffer")] == expected
    for name in expected:
        sense, value, bound = rows[name]
        tolerance = 1e-9 * scale if name in pledges else 1e-8  # a money row, or a ratio
        assert table.loc[name, "sense"] == sense
        assert table.loc[name, "bound"] == pytest.approx(bound, rel=1e-12)
        assert table.loc[name, "value"] == pytest.approx(value, rel=1e-8, abs=tolerance)
        assert table.loc[name, "shadow_price"] == result.constraints.loc[name, "shadow_price"]


def test_long_only_rows_at_zero_are_named_in_one_line(summary, result, ref):
    ids, _ = exposures(ref)
    x = positions_of(result, ids)
    role = roles(RAW, ids)
    scale = ref.liabilities.loc["total", "pv"]
    covered = np.isin(role, ["physical", "financing"])
    at_zero = [i for i, v, c in zip(ids, x, covered, strict=True) if c and abs(v) <= BINDS * scale]
    assert at_zero  # the default scheme sells out of at least one gilt
    assert not any(name.startswith("long_only") for name in summary.binding().index)
    (line,) = [ln for ln in summary.as_text().splitlines() if ln.startswith("At zero")]
    assert line == f"At zero (long only): {', '.join(at_zero)}"


def test_vector_rows_with_many_binding_entries_are_counted_not_listed():
    path = PROBLEMS / "insurer_annuity_book.yaml"
    raw = raw_problem(path)
    result = ldi.load_problem(raw).solve()
    summary = SolveSummary.of(result)
    table = summary.binding()
    (matching,) = [c["cashflow_matching"] for c in raw["constraints"] if "cashflow_matching" in c]
    periods = 1 + int(np.ceil(matching["horizon"] / matching.get("period", 1.0)))  # and today
    balance = [n for n in result.binding.index if n.startswith("cashflow_matching.balance[")]
    assert len(balance) == periods  # equalities: every period binds
    assert not set(balance) & set(table.index)
    assert f"\ncashflow_matching.balance: {periods} entries bind (see the constraint table)" in (
        summary.as_text()
    )
    # The issuer limit binds at 10% of the capital for a few issuers: few enough to list.
    (issuer,) = [c["bounds"] for c in raw["constraints"] if "instruments" in c.get("bounds", {})]
    assert list(raw["holdings"]) == ["CASH"]
    capital = float(raw["holdings"]["CASH"])  # YAML 1.1 reads 820.0e6 as a string
    positions = result.positions
    at_limit = [
        i
        for i in issuer["instruments"]
        if abs(positions[i] - issuer["max_fraction"] * capital) <= BINDS * capital
    ]
    assert 0 < len(at_limit) <= 3
    listed = [n for n in table.index if n.startswith(f"{issuer['name']}.")]
    assert listed == [f"{issuer['name']}.max_fraction[{i}]" for i in at_limit]


def test_binding_lists_scalar_rows_of_many_terms_of_one_kind():
    fixed = [
        {"bounds": {"instrument": "CREDIT_AA_2035", "min": 80.0e6, "max": 80.0e6}},
        {"bounds": {"instrument": "CREDIT_A_2040", "min": 70.0e6, "max": 70.0e6}},
    ]
    result = ldi.load_problem(edited(RAW, {"constraints": [*RAW["constraints"], *fixed]})).solve()
    for instrument, amount in (("CREDIT_AA_2035", 80.0e6), ("CREDIT_A_2040", 70.0e6)):
        assert result.positions[instrument] == pytest.approx(amount, rel=SOLVER_RTOL)
    binding = result.binding
    scalar = list(binding.index[binding["kind"] != "long_only"])  # no vector rows here
    assert "bounds[CREDIT_A_2040].max" in scalar
    assert list(SolveSummary.of(result).binding().index) == scalar


# --- Renderings ----------------------------------------------------------------------------------

CELL_SPLIT = re.compile(r"(?<!\\)\|")


def pipe_tables(markdown):
    """Every pipe table of ``markdown`` as a list of rows of cells (header, rule, rows)."""
    tables, current = [], []
    for line in [*markdown.splitlines(), ""]:
        if line.startswith("|"):
            assert line.endswith("|"), line
            current.append([cell.strip() for cell in CELL_SPLIT.split(line)[1:-1]])
        elif current:
            tables.append(current)
            current = []
    return tables


def assert_valid_pipe_table(rows):
    header, rule, *body = rows
    assert all(re.fullmatch(r":?-{3,}:?", cell) for cell in rule), rule
    assert len(rule) == len(header)
    for row in body:
        assert len(row) == len(header), row


def number(cell):
    return float(cell.replace(",", ""))


def test_markdown_tables_are_valid_and_hold_the_summarys_cells(summary, result):
    text = summary.as_markdown()
    lines = text.splitlines()
    assert lines[0] == f"## {result.name}: optimal"
    assert lines[2].startswith(f"Solver: {result.solver.name}, ")
    tables = pipe_tables(text)
    assert len(tables) == 5
    for rows in tables:
        assert_valid_pipe_table(rows)
    ratios, allocation, tickets, binding, collateral = tables
    frame = summary.tickets()
    assert [commonmark_shows(c) for c in tickets[0]] == ["Instrument", *frame.columns]
    assert [commonmark_shows(row[0]) for row in tickets[2:]] == list(frame.index)
    for row in tickets[2:]:
        instrument = commonmark_shows(row[0])
        for cell, column in zip(row[1:], frame.columns, strict=True):
            if column in ("Nominal", "Consideration"):  # money to the cent
                assert number(cell) == pytest.approx(frame.loc[instrument, column], abs=0.005)
    assert collateral[0] == ["Measure", "Before", "After"]
    assert {commonmark_shows(row[0]): row[1:] for row in collateral[2:]} == {
        label: list(cells) for label, cells in summary.collateral().iterrows()
    }
    last = summary.as_text().split("\n\nMoney in")[0].splitlines()[-1]
    assert commonmark_shows(text.rstrip().splitlines()[-1]) == last
    assert ratios[0] == ["Measure", "Before", "After"]
    assert {row[0]: row[1:] for row in ratios[2:]} == {
        label: list(cells) for label, cells in summary.headline().iterrows()
    }
    frame = summary.allocation()
    assert allocation[0] == ["Instrument", "Kind", "Before", "After", "Trade"]
    assert [commonmark_shows(row[0]) for row in allocation[2:]] == list(frame.index)
    for row in allocation[2:]:
        instrument = commonmark_shows(row[0])
        assert commonmark_shows(row[1]) == frame.loc[instrument, "Kind"]
        for cell, column in zip(row[2:], ["Before", "After", "Trade"], strict=True):
            # Money to the cent, with thousands separators.
            assert re.fullmatch(r"-?\d{1,3}(,\d{3})*\.\d\d", cell), cell
            assert number(cell) == pytest.approx(frame.loc[instrument, column], abs=0.005), cell
    frame = summary.binding()
    assert [commonmark_shows(cell) for cell in binding[0]] == [
        "Constraint",
        "sense",
        "value",
        "bound",
        "shadow_price",
    ]
    assert [commonmark_shows(row[0]) for row in binding[2:]] == list(frame.index)
    for row in binding[2:]:
        constraint = commonmark_shows(row[0])
        assert commonmark_shows(row[1]) == frame.loc[constraint, "sense"]
        for cell, column in zip(row[2:], ["value", "bound", "shadow_price"], strict=True):
            # as ``figure`` writes it: whole units from 1,000, six significant digits below
            value = frame.loc[constraint, column]
            assert number(cell) == pytest.approx(value, rel=5e-6, abs=0.5 * (abs(value) >= 1000))


def test_markdown_money_is_written_in_full_not_to_six_digits():
    raw = edited(RAW, {"holdings.CASH": 26_953_912.35})
    markdown = SolveSummary.of(ldi.load_problem(raw).solve()).as_markdown()
    (row,) = [line for line in markdown.splitlines() if line.startswith("| CASH |")]
    assert "| 26,953,912.35 |" in row
    assert "e+" not in markdown


def test_markdown_escapes_a_pipe_in_a_name():
    raw = edited(RAW, {"constraints.6.bounds.name": "cash | floor"})
    summary = SolveSummary.of(ldi.load_problem(raw).solve())
    assert "cash | floor.min_fraction" in summary.binding().index
    for rows in pipe_tables(summary.as_markdown()):
        assert_valid_pipe_table(rows)


def test_html_escapes_the_problem_and_term_names():
    raw = edited(RAW, {"name": "A & B <x>", "constraints.6.bounds.name": "<cash> & floor"})
    result = ldi.load_problem(raw).solve()
    page = SolveSummary.of(result)._repr_html_()
    assert page.startswith("<h3>A &amp; B &lt;x&gt;: optimal</h3>")
    assert "&lt;cash&gt; &amp; floor.min_fraction" in page
    assert "<x>" not in page
    assert "<cash>" not in page
    for title in ("Allocation", "Binding constraints"):
        assert f"<h4>{title}</h4>" in page
    assert f"<h4>Collateral ({result.collateral.title})</h4>" in page
    for table in (SolveSummary.of(result).headline(), SolveSummary.of(result).collateral()):
        for cells in table.itertuples(index=False):
            for cell in cells:
                assert f"<td>{html.escape(cell)}</td>" in page


# --- Infeasible ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def infeasible():
    raw = edited(RAW, {"constraints.3.leverage.max": 0.01})
    return ldi.load_problem(raw).solve()


def test_infeasible_summaries_show_the_diagnosis(infeasible, ref):
    assert infeasible.status == "infeasible"
    message = infeasible.diagnosis.message
    assert message.startswith("leverage <= 0.01 conflicts with ")
    summary = SolveSummary.of(infeasible)
    text = summary.as_text()
    assert f"\nInfeasible: {message}\n" in text
    for row in infeasible.diagnosis.table.index:
        assert re.search(rf"^{re.escape(row)}\s", text, re.MULTILINE), row
    assert "\nAllocation" not in text
    assert "\nBinding constraints" not in text
    headline = summary.headline()
    assert (headline["After"] == "-").all()
    ids, unit = exposures(ref)
    ratio = unit["pv01"] @ holdings(RAW, ids) / ref.liabilities.loc["total", "pv01"]
    assert_printed(headline.loc["Rates hedge", "Before"], ratio, 1e-8, percent, "before")
    markdown = summary.as_markdown()
    (line,) = [line for line in markdown.splitlines() if line.startswith("**Infeasible:** ")]
    assert commonmark_shows(line) == f"**Infeasible:** {message}"
    assert "<=" not in markdown
    assert "### Allocation" not in markdown
    for rows in pipe_tables(markdown):
        assert_valid_pipe_table(rows)
    page = summary._repr_html_()
    assert f"<p><b>Infeasible:</b> {html.escape(message)}</p>" in page
    assert "&lt;= 0.01" in page
    assert "<= 0.01" not in page
    assert "<h4>Allocation</h4>" not in page


def test_buckets_carry_the_rates_hedge_on_each_hedging_basis(result):
    """``rates@sonia`` per key: the solved positions' ratios on the SONIA basis.

    Reference: the balance sheet of the solved positions (its basis ladders are checked
    against independent valuations in tests/test_balance_sheet.py), 1e-9 relative.
    """
    problem = ldi.load_problem(DEFAULT_PROBLEM)
    held = result.positions[result.positions != 0]
    sheet = balance_sheet(dataclasses.replace(problem, holdings=held))
    expected = sheet.basis_buckets()["sonia"].to_numpy()
    np.testing.assert_allclose(result.buckets["rates@sonia"].to_numpy(), expected, rtol=1e-9)
