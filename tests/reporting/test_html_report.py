"""The HTML report: its figures are the result's, it is self-contained, and it renders.

The key figures are checked against the result (funding ratio, hedge ratios, every binding
row highlighted with its shadow price), printed as the report prints them (0.1% for
ratios, 6 significant figures for rows). Rendering: headless Chromium (Debian's
``chromium``, installed by ``make test`` when missing) loads the file with the network
off, takes a screenshot that must not be blank, and dumps the DOM, which must hold the same
figures. Without Chromium the rendering tests are skipped, saying why.
"""

import base64
import html
import json
import re
import shutil
import subprocess
from functools import partial

import numpy as np
import pytest

import ldi
from ldi.display import figure as plain
from ldi.errors import LDIWarning
from ldi.io.record import DecisionRecord
from ldi.io.result_file import read_result
from ldi.reporting import SolveSummary
from ldi.reporting.charts import record_charts
from ldi.reporting.html_report import html_report
from ldi.reporting.record import decision_record
from tests.optimize.test_verify import corrupting
from tests.reference import (
    DEFAULT_PROBLEM,
    MONEY_RTOL,
    PROBLEMS,
    book_scale,
    raw_problem,
    reference,
    scenarios_of,
    variation_margin,
)
from tests.reporting.report_tables import headings, items, table
from tests.reporting.test_risk_report import assert_printed, number

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="headless Chromium is not installed (make test installs it)"
)


@pytest.fixture(scope="module")
def solved():
    problem = ldi.load_problem(DEFAULT_PROBLEM)
    result = problem.solve()
    record = decision_record(problem, result)
    return result, html_report(record, record_charts(record))


HEDGE_ROWS = {  # the decision's row labels, by the result's hedge-ratio keys
    "rates": "Rates hedge",
    "inflation": "Inflation hedge",
    "rates@sonia": "Rates hedge (sonia)",
    "inflation@sonia": "Inflation hedge (sonia)",
    "inflation:cpi": "Inflation hedge, cpi",
    "inflation:rpi": "Inflation hedge, rpi",
}


def key_figures(result) -> list[str]:
    """The funding ratio and hedge ratios before and after, as printed."""
    figures = [result.funding_ratio, *result.hedge_ratios.values()]
    figures += [result.before[k] for k in ("funding_ratio", "rates", "inflation")]
    return [f"{v:.1%}" for v in figures]


def test_the_report_opens_with_the_decision(solved):
    _, page = solved
    assert headings(page)[:3] == ["Decision", "Problem", "Funding position"]
    assert headings(page, "h3")[:4] == [
        "Trades",
        "Funding and hedging",
        "Limits that bind",
        "Collateral",
    ]


def test_the_decisions_ratios_are_the_results_before_and_after(solved):
    """Read by row label and column: swapping Before and After, or two rows, fails."""
    result, page = solved
    shown = table(page, "Funding and hedging")
    assert list(shown.columns) == ["Before", "After"]
    assert shown.loc["Funding ratio", "Before"] == f"{result.before['funding_ratio']:.1%}"
    assert shown.loc["Funding ratio", "After"] == f"{result.funding_ratio:.1%}"
    assert set(shown.index) == {"Funding ratio", *(HEDGE_ROWS[k] for k in result.hedge_ratios)}
    for key, ratio in result.hedge_ratios.items():
        assert shown.loc[HEDGE_ROWS[key], "After"] == f"{ratio:.1%}"
        assert shown.loc[HEDGE_ROWS[key], "Before"] == f"{result.before[key]:.1%}"


def test_the_decisions_trades_are_the_tickets(solved):
    """Securities at the cash they settle for, swaps at notional, repo at the cash borrowed."""
    result, page = solved
    shown = table(page, "Trades")
    tickets = result.tickets
    assert set(shown.index) == set(tickets.index)
    for name, ticket in tickets.iterrows():
        swap = ticket["kind"] in ("interest_rate_swap", "inflation_swap")
        money = ticket["nominal"] if swap or ticket["kind"] == "repo" else ticket["consideration"]
        assert shown.loc[name, "Action"] == ticket["side"]
        expected = f"GBP {abs(money) / 1e6:,.1f}m" + (" notional" if swap else "")
        assert shown.loc[name, "Amount (GBP)"] == expected
    assert shown.loc["UKT_3T_2052", "Category"] == "Gilts"
    assert shown.loc["UKTI_0T_2045", "Category"] == "Index-linked gilts"
    assert shown.loc["GLOBAL_EQUITY", "Category"] == "Growth assets"


def test_the_binding_limits_are_named_with_their_bounds_and_gains(solved):
    """Each binding row but long-only ones, its bound in its unit, gain = |shadow| x step."""
    result, page = solved
    lines = items(page, "Limits that bind")
    rows = result.binding[result.binding["kind"] != "long_only"]
    assert [line.split(":")[0] for line in lines] == list(rows.index)
    by_row = dict(zip(rows.index, lines, strict=True))
    rates = result.constraints.loc["hedge_ratio[rates].max"]
    gain = abs(rates["shadow_price"]) * 0.01  # one percentage point of the hedge ratio
    assert by_row["hedge_ratio[rates].max"] == (
        f"hedge_ratio[rates].max: at its maximum of {rates['bound']:.1%}; 1 percentage point "
        f"more would lower the objective by GBP {gain:,.0f}."
    )
    budget = result.constraints.loc["budget"]
    assert by_row["budget"].startswith(f"budget: held at GBP {budget['bound'] / 1e9:.2f}bn; ")


def test_key_tenor_ratios_are_read_by_their_columns(solved):
    """Rates, inflation and rates on the SONIA basis, each the result's bucket ratio."""
    result, page = solved
    shown = table(page, "Hedge ratios by key tenor")
    assert list(shown.columns) == ["Rates", "Inflation", "Rates (sonia)"]
    for key, row in result.buckets.iterrows():
        for column, label in (("rates", "Rates"), ("inflation", "Inflation")):
            risk = "pv01" if column == "rates" else "ie01"
            exposure = result.exposures["liabilities"].filter(regex=rf"^{risk}_").abs()
            material = abs(result.exposures.loc[f"{risk}_{key:g}y", "liabilities"])
            expected = f"{row[column]:.1%}" if material >= 0.01 * exposure.max() else "–"
            assert shown.loc[f"{key:g}y", label] == expected


def test_binding_rows_are_highlighted_at_their_bounds_with_their_shadow_prices(solved):
    """A binding row reads as met: value = bound and slack 0 (the residue is the solver's).

    Long-only rows are one line naming the positions held at zero.
    """
    result, page = solved
    highlighted = re.findall(r'<tr class="binding"><td>([^<]+)</td>(.*?)</tr>', page)
    binding = result.binding[result.binding["kind"] != "long_only"]
    assert [name for name, _ in highlighted] == list(binding.index)
    shown = table(page, "Constraints")
    assert not shown.index.str.startswith("long_only").any()
    for name, row in binding.iterrows():
        assert shown.loc[name, "shadow_price"] == plain(row["shadow_price"])
        # ratios (hedge ratios, fractions of capital) in %, money in whole units
        ratio = row["kind"] == "hedge_ratio" or name.endswith("fraction")
        bound = f"{row['bound']:.1%}" if ratio else f"{row['bound']:,.0f}"
        assert shown.loc[name, "value"] == shown.loc[name, "bound"] == bound
        assert shown.loc[name, "slack"] == ("0.0%" if ratio else "0")
    leverage = result.constraints.loc["leverage"]  # not binding: its own value and slack
    assert shown.loc["leverage", "value"] == f"{leverage['value']:.1%}"
    assert shown.loc["leverage", "slack"] == f"{leverage['slack']:.1%}"
    at_zero = result.binding.loc[result.binding["kind"] == "long_only", "entry"]
    count = int((result.constraints["kind"] == "long_only").sum())
    line = f"Long only: {count} positions at zero or above; at zero: {', '.join(at_zero)}."
    assert f"<p>{line}</p>" in page


def test_the_page_is_self_contained(solved):
    _, page = solved
    assert not re.search(r"""(src|href)=["'](?!data:)""", page)
    assert "http://" not in page
    assert "https://" not in page


def test_the_charts_are_embedded_as_png(solved):
    _, page = solved
    images = re.findall(r'<img alt="([^"]+)" src="data:image/png;base64,([^"]+)">', page)
    assert [alt.split(":")[0].split(",")[0] for alt, _ in images] == [
        "Liability cash flows by year",
        "Allocation by asset category before and after the trades",
        "Key-rate PV01",
        "Key-rate IE01",
        "Stress scenarios",
        "Collateral called and available",
        "Collateral waterfall of the tightest stress (parallel_up_250)",
        "Recapitalisation plan",
    ]
    for _, data in images:
        assert base64.b64decode(data).startswith(b"\x89PNG\r\n\x1a\n")


def test_an_infeasible_solve_reports_its_diagnosis():
    problem = ldi.load_problem(DEFAULT_PROBLEM)
    result = problem.resolve(limits={"leverage": {"max": 0.1}})
    page = html_report(decision_record(problem, result))
    assert '<span class="status infeasible">infeasible</span>' in page
    assert html.escape(result.diagnosis.message) in page
    assert "<h2>Why the problem is infeasible</h2>" in page


def test_an_unverified_solve_reports_its_failed_checks_and_no_allocation(monkeypatch):
    corrupting("CLARABEL", monkeypatch)  # every position 1% off: the budget fails
    raw = raw_problem(DEFAULT_PROBLEM)
    raw["solver"] = {"name": "CLARABEL", "fallback": []}
    problem = ldi.load_problem(raw)
    with pytest.warns(LDIWarning):
        result = problem.solve()
    page = html_report(decision_record(problem, result))
    assert '<span class="status ">inaccurate</span>' in page
    assert "<h2>Why no answer is verified</h2>" in page
    assert html.escape(result.diagnosis.message) in page
    assert "<h2>Allocation and trades</h2>" not in page
    assert "<h2>Decision</h2>" not in page
    assert "Stress scenarios" not in page


def test_an_unbounded_solve_names_what_runs_away():
    raw = raw_problem(DEFAULT_PROBLEM)
    raw["objective"] = {"maximize": ["expected_surplus_return"]}
    raw["constraints"] = []
    problem = ldi.load_problem(raw)
    result = problem.solve()
    page = html_report(decision_record(problem, result))
    assert "<h2>Why the problem is unbounded</h2>" in page
    assert html.escape(result.diagnosis.message) in page
    assert "GLOBAL_EQUITY" in page


def render(path, *arguments, tmp_path):
    """Run headless Chromium on the file ``path``; its standard output."""
    command = [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *arguments]
    done = subprocess.run(
        [*command, path.as_uri()], capture_output=True, text=True, timeout=120, check=True
    )
    return done.stdout


def shown_in_chromium(page: str, size: tuple[int, int], tmp_path) -> tuple[np.ndarray, str]:
    """The screenshot (pixels) of ``page`` in a window of ``size`` and its rendered DOM."""
    from matplotlib import image

    path = tmp_path / "report.html"
    path.write_text(page)
    shot = tmp_path / "report.png"
    render(path, f"--screenshot={shot}", f"--window-size={size[0]},{size[1]}", tmp_path=tmp_path)
    return image.imread(str(shot)), render(path, "--dump-dom", tmp_path=tmp_path)


@needs_chromium
def test_chromium_renders_the_report_with_its_figures(solved, tmp_path):
    result, page = solved
    pixels, dom = shown_in_chromium(page, (1200, 1600), tmp_path)
    assert pixels.shape[:2] == (1600, 1200)
    assert np.std(pixels[..., :3]) > 0.05  # text and tables drawn, not a blank page
    for figure in key_figures(result):
        assert figure in dom
    assert "Constraints" in dom


def test_the_balance_sheet_is_the_results_exposures(solved):
    result, page = solved
    shown = table(page, "Funding position")
    for measure, label in (("pv", "value"), ("pv01", "PV01 (per bp)"), ("ie01", "IE01 (per bp)")):
        row = result.exposures.loc[measure]
        for side, assets in (("Before", row["assets_before"]), ("After", row["assets"])):
            assert shown.loc[f"Assets, {label}", side] == _whole(assets)
            assert shown.loc[f"Liabilities, {label}", side] == _whole(row["liabilities"])
            assert shown.loc[f"Surplus, {label}", side] == _whole(assets - row["liabilities"])


def section_rows(page: str, heading: str) -> dict[str, list[str]]:
    """{row label: other cells} of the first table under a heading starting with heading."""
    return {label: list(cells) for label, cells in table(page, heading).iterrows()}


def test_the_problem_summary_is_the_problems(solved):
    result, page = solved
    rows = section_rows(page, "Problem")
    assert rows["Valued"] == ["2025-12-31"]
    ref = reference(DEFAULT_PROBLEM)  # independent valuation of the YAML and CSV
    total, tolerance = ref.liabilities.loc["total"], MONEY_RTOL * book_scale(ref)
    whole = partial(number, decimals=0)
    (value,) = rows["Liabilities, value"]
    assert_printed(value, total["pv"], tolerance, whole, "liabilities' PV")
    pv01, ie01 = rows["Liabilities, PV01 / IE01 (per bp)"][0].split(" / ")
    assert_printed(pv01, total["pv01"], tolerance, whole, "liabilities' PV01")
    assert_printed(ie01, total["ie01"], tolerance, whole, "liabilities' IE01")
    assert rows["Instruments"] == [str(len(result.instruments))]
    for term, row in result.objective.iterrows():
        assert f"{row['sense']} {term} (weight {row['weight']:g})" in rows["Objective"][0]
    assert rows["Constraints"] == [", ".join(sorted(set(result.constraints["term"])))]
    # The benefits run to 76 years, the gilt and RPI curves to 50: both named
    assert rows["Beyond the curves"] == [
        "liabilities: flows run to 76.0y, beyond the last tenor of curve 'gilts' (50.0y); rates "
        "beyond are extrapolated flat; liabilities: flows run to 76.0y, beyond the last tenor "
        "of curve 'rpi' (50.0y); rates beyond are extrapolated flat"
    ]


def test_the_allocation_is_the_summarys_in_three_measures(solved):
    """Assets at market value, overlays at notional, repo as cash borrowed: one table each."""
    result, page = solved
    allocation = SolveSummary.of(result).allocation()
    kinds = allocation["Kind"]
    groups = {
        "Assets (market value)": ~kinds.isin(["interest_rate_swap", "inflation_swap", "repo"]),
        "Overlays": kinds.isin(["interest_rate_swap", "inflation_swap"]),
        "Financing": kinds == "repo",
    }
    for heading, members in groups.items():
        shown = table(page, heading)
        assert list(shown.index) == list(allocation.index[members])
        for column in ("Before", "After", "Trade"):
            assert list(shown[column]) == [_whole(v) for v in allocation.loc[members, column]]
    shown = section_rows(page, "Objective")
    for term, row in result.objective.iterrows():
        assert shown[term][-1] == plain(row["contribution"])


def test_assets_by_category_add_up_and_net_off_the_repo(solved):
    """Market value per category summed by hand from the problem's instruments."""
    result, page = solved
    problem = ldi.load_problem(DEFAULT_PROBLEM)
    label = {"bond": "Gilts", "index_linked_bond": "Index-linked gilts", "cash": "Cash"}
    label |= {"return_seeking": "Growth assets", "zero_coupon_bond": "Gilts"}
    category = {
        i.id: "Credit" if getattr(i, "credit", False) else label.get(i.kind)
        for i in problem.instruments.values()
    }
    shown = table(page, "Assets by category")
    for side, positions in (("Before", result.holdings), ("After", result.positions)):
        values = positions.groupby(positions.index.map(category)).sum()
        for name, value in values.items():
            assert shown.loc[name, side] == _whole(value)
        repo = positions[["REPO_3M", "REPO_1W"]].sum()
        total = positions[[i for i in positions.index if category[i]]].sum()
        assert shown.loc["Total assets", side] == _whole(total)
        assert shown.loc["Less repo borrowing", side] == _whole(-repo)
        assert shown.loc["Net of repo", side] == _whole(total - repo)


def test_the_trade_tickets_are_the_results(solved):
    """One row per ticket: side, nominal and consideration as the result holds them."""
    result, page = solved
    rows = section_rows(page, "Trade tickets")
    tickets = result.tickets
    assert list(rows) == list(tickets.index)
    columns = SolveSummary.of(result).tickets().columns
    for name, ticket in tickets.iterrows():
        cells = dict(zip(columns, rows[name], strict=True))
        assert cells["Side"] == ticket["side"]
        assert cells["Nominal"] == _whole(ticket["nominal"])
        assert cells["Consideration"] == _whole(ticket["consideration"])
        assert cells["Settles"] == f"{ticket['settlement_date']:%Y-%m-%d}"


def test_the_collateral_block_is_the_solve_summarys(solved):
    """From the record (rises beyond the search written as null) as the summary prints it."""
    result, page = solved
    expected = SolveSummary.of(result).collateral()
    assert f"<h2>Collateral ({html.escape(result.collateral.title)})</h2>" in page
    rows = section_rows(page, "Collateral (")
    assert rows == {label: list(cells) for label, cells in expected.iterrows()}
    assert rows["Rise absorbed [real]"] == ["> 2,000bp", "> 2,000bp"]
    binds = "collateral_buffer[nominal], repo_collateral[UKT_3T_2052], repo_collateral[UKT_4H_2042]"
    assert f"<p>Binds: {binds}</p>" in page


def test_stress_results_sit_before_and_after_side_by_side(solved):
    """Holdings and optimized positions per scenario, each read by its column header."""
    result, page = solved
    problem = ldi.load_problem(DEFAULT_PROBLEM)
    shown = table(page, "Stress scenarios")
    sides = {
        "holdings": ldi.stress_test(problem).outcomes,  # the current holdings, by default
        "optimized": ldi.stress_test(problem, result.positions).outcomes,
    }
    for side, outcomes in sides.items():
        for scenario in shown.index:
            row = outcomes.loc[scenario]
            assert row["surplus_change"] == pytest.approx(
                row["asset_change"] - row["liability_change"], abs=1e-6 * abs(row["asset_change"])
            )
            assert shown.loc[scenario, "Liability change"] == _whole(row["liability_change"])
            assert shown.loc[scenario, f"Asset change, {side}"] == _whole(row["asset_change"])
            assert shown.loc[scenario, f"Surplus change, {side}"] == _whole(row["surplus_change"])
            assert shown.loc[scenario, f"Funding ratio after, {side}"] == (
                f"{row['funding_ratio_after']:.1%}"
            )
            assert shown.loc[scenario, f"Headroom, {side}"] == _whole(row["headroom"])


def test_simulated_outcomes_are_the_solve_summarys(tmp_path):
    raw = raw_problem()
    raw["simulation"] = {"outcomes": True, "scenarios": 2000, "seed": 3, "surplus_var": 0.06}
    problem = ldi.load_problem(raw)
    result = problem.solve()
    written = json.loads(json.dumps(decision_record(problem, result).to_dict()))
    page = html_report(DecisionRecord.model_validate(written))
    assert "<h2>Simulated one-year outcomes (2,000 scenarios, seed 3)</h2>" in page
    expected = SolveSummary.of(result).outcomes()
    rows = section_rows(page, "Simulated one-year outcomes")
    assert rows == {label: list(cells) for label, cells in expected.iterrows()}
    assert "VaR 95% limit" in rows


def test_the_summary_and_the_report_render_one_record(tmp_path):
    """The text summary and the HTML report read the same record, fresh or read from --json."""
    problem = ldi.load_problem(DEFAULT_PROBLEM)
    result = problem.solve()
    record = decision_record(problem, result)
    path = tmp_path / "result.json"
    path.write_text(json.dumps(record.to_dict(), indent=2) + "\n")
    back = read_result(path)
    assert isinstance(back, DecisionRecord)
    assert back == record
    summary = SolveSummary(record)
    assert SolveSummary(back).as_text() == summary.as_text() == SolveSummary.of(result).as_text()
    assert SolveSummary(back).as_markdown() == summary.as_markdown()
    assert SolveSummary(back)._repr_html_() == summary._repr_html_()
    page = html_report(record)
    assert html_report(back) == page
    rows = section_rows(page, "Collateral (")
    assert rows == {
        label: list(map(str, cells)) for label, cells in summary.collateral().iterrows()
    }


def _whole(cell):
    """Money as the page prints it: whole units, and no sign on a rounded 0."""
    if isinstance(cell, str):
        return cell
    text = f"{cell:,.0f}"
    return "0" if text == "-0" else text


@pytest.fixture(scope="module")
def insurer():
    """The annuity book: nominal cash flows dedicated, no swaps, repo or collateral limits."""
    problem = ldi.load_problem(PROBLEMS / "insurer_annuity_book.yaml")
    result = problem.solve()
    return problem, result, html_report(decision_record(problem, result))


def test_a_nominal_dedication_shows_no_inflation_and_its_ledger(insurer):
    problem, result, page = insurer
    assert "IE01" not in page
    assert "Inflation" not in page
    assert "reakeven" not in page
    ledger = table(page, "Cash-flow ledger")
    expected = result.ledgers["cashflow_matching"]
    assert list(ledger.index) == list(expected.index)
    for period, row in expected.iterrows():  # money in whole units, residues as 0
        assert ledger.loc[period, "Liability outgo"] == _whole(row["liability_outgo"])
        assert ledger.loc[period, "Shadow price"] == f"{row['shadow_price']:.4f}"
    assert "Headroom" not in table(page, "Stress scenarios").columns  # nothing is called


def test_a_dedication_without_a_budget_says_what_new_money_it_needs(insurer):
    """The cheapest matching portfolio costs more than the premium held: the decision says so.

    The amount is the assets' value after less before (net of repo), from the result.
    """
    _, result, page = insurer
    pv = result.exposures.loc["pv"]
    needed = pv["assets"] - pv["assets_before"]
    assert needed > 1e6
    line = f"The trades cost GBP {needed / 1e6:.1f}m more than the assets held: new money"
    decision = page.split("<h2>Decision</h2>", 1)[1].split("<h2>", 1)[0]
    assert line in html.unescape(decision)


def test_key_tenors_without_liabilities_show_a_dash(insurer):
    """Flows end at 25 years: the liabilities' 40y and 50y key-rate PV01 is 0, no ratio."""
    problem, result, page = insurer
    shown = table(page, "Hedge ratios by key tenor")
    liabilities = result.exposures["liabilities"]
    largest = max(abs(liabilities[f"pv01_{k}"]) for k in shown.index)
    for key in shown.index:
        material = abs(liabilities[f"pv01_{key}"]) >= 0.01 * largest
        ratio = result.buckets.loc[float(key.removesuffix("y")), "rates"]
        assert shown.loc[key, "Rates"] == (f"{ratio:.1%}" if material else "–")
    assert shown.loc["40y", "Rates"] == shown.loc["50y", "Rates"] == "–"


@pytest.fixture(scope="module", params=sorted(p.name for p in PROBLEMS.glob("*.yaml")))
def example(request):
    """Each example problem's result and report."""
    problem = ldi.load_problem(PROBLEMS / request.param)
    result = problem.solve()
    return result, html_report(decision_record(problem, result))


def test_every_example_report_opens_with_the_decision(example):
    _, page = example
    assert headings(page)[0] == "Decision"
    assert headings(page, "h3")[:3] == ["Trades", "Funding and hedging", "Limits that bind"]


@needs_chromium
def test_chromium_shows_every_example_reports_decision_first(example, tmp_path):
    """The first screen is drawn; the rendered page opens with the decision and its trades."""
    result, page = example
    pixels, dom = shown_in_chromium(page, (1200, 900), tmp_path)
    assert np.std(pixels[..., :3]) > 0.05  # text and tables drawn, not a blank page
    assert headings(dom)[0] == "Decision"
    trades = table(dom, "Trades")
    assert set(trades.index) == set(result.tickets.index)


def test_the_least_stress_headroom_is_stated_without_a_collateral_limit():
    """Swaps and repo call collateral under stress whether or not a limit tests it."""
    raw = raw_problem(DEFAULT_PROBLEM)
    raw["constraints"] = [c for c in raw["constraints"] if "collateral_buffer" not in c]
    problem = ldi.load_problem(raw)
    result = problem.solve()
    page = html_report(decision_record(problem, result))
    outcomes = ldi.stress_test(problem, result.positions).outcomes
    worst = outcomes["headroom"].idxmin()
    least = outcomes.loc[worst, "headroom"]
    assert result.collateral is None
    assert items(page, "Collateral") == [
        f"Least headroom under the stress scenarios: GBP {least / 1e6:,.1f}m ({worst})."
    ]


def test_the_waterfall_says_which_pools_meet_the_swaps_cash_margin(solved):
    """Read by its columns: each pool's use is the swaps' cash margin plus the other calls.

    The margin is the swaps' call by the independent reference; only cash and gilts pay it.
    """
    result, page = solved
    problem = ldi.load_problem(DEFAULT_PROBLEM)
    worst = ldi.stress_test(problem, result.positions).outcomes["headroom"].idxmin()
    assert f"tightest stress ({worst})" in page
    shown = table(page, "Collateral waterfall").map(lambda c: float(c.replace(",", "")))
    assert list(shown.columns) == [
        "Days",
        "Available",
        "Swaps' margin (cash)",
        "Other calls",
        "Used",
        "Left",
    ]
    assert list(shown.index) == ["cash", "government"]  # credit and growth do not count
    paid, other = shown["Swaps' margin (cash)"], shown["Other calls"]
    assert ((paid + other - shown["Used"]).abs() <= 1.0).all()  # whole units, rounded
    assert ((shown["Available"] - shown["Used"] - shown["Left"]).abs() <= 1.0).all()
    ref = reference(DEFAULT_PROBLEM)
    _, move = scenarios_of(ref)[worst][-1]  # its last step
    margin = variation_margin(ref, result.positions, move)
    assert paid.sum() == pytest.approx(margin, abs=len(shown))  # met in full, in cash
