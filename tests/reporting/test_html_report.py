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
import re
import shutil
import subprocess

import numpy as np
import pytest

import ldi
from ldi.reporting.html_report import html_report, record_charts
from ldi.reporting.record import decision_record
from tests.reference import DEFAULT_PROBLEM

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
        assert f"<td>{shadow:,.6g}</td>" in cells


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
        "Key-rate rates exposure and hedge ratio per bucket",
        "Key-rate inflation exposure and hedge ratio per bucket",
        "Allocation before and after, and trades",
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
