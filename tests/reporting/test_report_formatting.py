"""Every number of every example problem's reports as a reader reads it.

Renders the HTML report and the solve summary (text, Markdown, HTML) of every example
problem and fails on a number in scientific notation, on `nan`, `None` or `inf`, and on a
table with no rows. ``figure`` is checked against numbers written out by hand.
"""

import html
import re

import pytest

import ldi
from ldi.display import figure
from ldi.reporting.html_report import html_report
from ldi.reporting.record import decision_record
from ldi.reporting.solve_report import SolveSummary
from tests.reference import PROBLEMS

SCIENTIFIC = re.compile(r"\d(?:\.\d+)?e[+-]?\d+", re.IGNORECASE)
MISSING = re.compile(r"\b(?:nan|None|inf)\b", re.IGNORECASE)
EMPTY_TABLE = re.compile(r"<tbody>\s*</tbody>")


def shown_text(page: str) -> str:
    """The text a reader sees: no style, no tags, entities decoded."""
    page = re.sub(r"<(style|script)[^>]*>.*?</\1>", "", page, flags=re.DOTALL)
    page = re.sub(r"<img[^>]*>", "", page)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.fixture(scope="module", params=sorted(p.name for p in PROBLEMS.glob("*.yaml")))
def reports(request):
    problem = ldi.load_problem(PROBLEMS / request.param)
    result = problem.solve()
    summary = SolveSummary.of(result)
    page = html_report(decision_record(problem, result))
    return {
        "html report": (shown_text(page), page),
        "summary text": (summary.as_text(), ""),
        "summary markdown": (summary.as_markdown(), ""),
        "summary html": (shown_text(summary._repr_html_()), summary._repr_html_()),
    }


def test_no_number_is_in_scientific_notation_and_none_is_missing(reports):
    for name, (text, page) in reports.items():
        assert not SCIENTIFIC.findall(text), (name, SCIENTIFIC.findall(text)[:5])
        assert not MISSING.findall(text), (name, MISSING.findall(text)[:5])
        assert not EMPTY_TABLE.search(page), name


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (1.29e9, "1,290,000,000"),
        (1.6e10, "16,000,000,000"),
        (-2456740.4, "-2,456,740"),
        (1063050.2, "1,063,050"),
        (0.0224793, "0.0224793"),
        (1.13191, "1.13191"),
        (-0.00355168, "-0.00355168"),
        (5.14456e-09, "0"),
        (999.4, "999.4"),
        (float("nan"), "-"),
    ],
)
def test_figure_writes_numbers_in_plain_notation(value, shown):
    assert figure(value) == shown
