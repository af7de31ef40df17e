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
from ldi.errors import LDIWarning
from ldi.io.record import DecisionRecord
from ldi.io.result_file import read_result
from ldi.reporting import SolveSummary
from ldi.reporting.html_report import html_report, record_charts
from ldi.reporting.record import decision_record
from ldi.reporting.tables import figure as plain
from tests.optimize.test_verify import corrupting
from tests.reference import DEFAULT_PROBLEM, MONEY_RTOL, book_scale, raw_problem, reference
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


def key_figures(result) -> list[str]:
    """The funding ratio and hedge ratios before and after, as printed."""
    figures = [result.funding_ratio, *result.hedge_ratios.values()]
    figures += [result.before[k] for k in ("funding_ratio", "rates", "inflation")]
    return [f"{v:.1%}" for v in figures]


def test_the_key_figures_are_the_results(solved):
    result, page = solved
    funding = re.search(r"<h2>Funding position</h2>\s*<table>(.*?)</table>", page, re.DOTALL)
    for figure in key_figures(result):
        assert f"<td>{figure}</td>" in funding.group(1)


def test_binding_rows_are_highlighted_with_their_shadow_prices(solved):
    result, page = solved
    highlighted = re.findall(r'<tr class="binding"><td>([^<]+)</td>(.*?)</tr>', page)
    assert [name for name, _ in highlighted] == list(result.binding.index)
    for name, cells in highlighted:
        shadow = result.constraints.loc[name, "shadow_price"]
        assert f"<td>{plain(shadow)}</td>" in cells  # plain notation (test_report_formatting)


def test_the_page_is_self_contained(solved):
    _, page = solved
    assert not re.search(r"""(src|href)=["'](?!data:)""", page)
    assert "http://" not in page
    assert "https://" not in page


def test_the_charts_are_embedded_as_png(solved):
    _, page = solved
    images = re.findall(r'<img alt="([^"]+)" src="data:image/png;base64,([^"]+)">', page)
    assert [alt for alt, _ in images] == [
        "Liability cash flows by year",
        "Allocation before and after, and trades",
        "Key-rate rates exposure and hedge ratio per bucket",
        "Key-rate inflation exposure and hedge ratio per bucket",
        "Stress scenarios: changes and funding ratio",
        "Collateral called and available under each stress",
        "Collateral waterfall of the tightest stress (parallel_up_250)",
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
    assert "<h2>Stress scenarios (optimized positions)</h2>" not in page


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


@needs_chromium
def test_chromium_renders_the_report_with_its_figures(solved, tmp_path):
    from matplotlib import image

    result, page = solved
    path = tmp_path / "report.html"
    path.write_text(page)
    shot = tmp_path / "report.png"
    render(path, f"--screenshot={shot}", "--window-size=1200,1600", tmp_path=tmp_path)
    pixels = image.imread(str(shot))
    assert pixels.shape[:2] == (1600, 1200)
    assert np.std(pixels[..., :3]) > 0.05  # text and tables drawn, not a blank page
    dom = render(path, "--dump-dom", tmp_path=tmp_path)
    for figure in key_figures(result):
        assert figure in dom
    assert "Constraints" in dom


def test_the_balance_sheet_is_the_results_exposures(solved):
    result, page = solved
    table = re.search(r"<td>Assets, value</td>.*?</table>", page, re.DOTALL).group(0)
    pv = result.exposures.loc["pv"]
    for value in (pv["assets_before"], pv["assets"], pv["liabilities"]):
        assert f"<td>{value:,.0f}</td>" in table
    assert f"<td>{pv['assets'] - pv['liabilities']:,.0f}</td>" in table
    pv01 = result.exposures.loc["pv01"]
    assert f"<td>{pv01['liabilities']:,.0f}</td>" in table


def section_rows(page: str, heading: str) -> dict[str, list[str]]:
    """{first cell: other cells} of the first table after the <h2> that starts with heading."""
    section = page.split(f"<h2>{heading}", 1)[1]
    table = re.search(r"<tbody>(.*?)</tbody>", section, re.DOTALL).group(1)
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.DOTALL):
        cells = [html.unescape(cell) for cell in re.findall(r"<td>(.*?)</td>", row)]
        rows[cells[0]] = cells[1:]
    return rows


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


def test_the_allocation_and_objective_are_the_summarys(solved):
    result, page = solved
    summary = SolveSummary.of(result)
    rows = section_rows(page, "Allocation and trades")
    allocation = summary.allocation()
    assert list(rows) == list(allocation.index)
    for name, row in allocation.iterrows():
        money = [_whole(row[c]) for c in ("Before", "After", "Trade")]
        assert rows[name] == [row["Kind"], *money]
    rows = section_rows(page, "Objective")
    for term, row in result.objective.iterrows():
        assert rows[term][-1] == plain(row["contribution"])


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
    assert "<p>Binds: repo_collateral[UKT_3T_2052]</p>" in page


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
    for heading, table in (
        ("Funding position", summary.headline()),
        ("Allocation and trades", summary.allocation().map(_whole)),
        ("Collateral (", summary.collateral()),
    ):
        rows = section_rows(page, heading)
        assert rows == {label: list(map(str, cells)) for label, cells in table.iterrows()}


def _whole(cell):
    """Money as the page prints it: whole units, and no sign on a rounded 0."""
    if isinstance(cell, str):
        return cell
    text = f"{cell:,.0f}"
    return "0" if text == "-0" else text
