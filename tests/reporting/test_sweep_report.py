"""The sweep report: every number through the report formatters, read back by row and column.

The table is read back by its header: a right-aligned column ends where its header ends,
the left-aligned Error column (the last) starts where its header starts. Each cell is
compared with the number it shows, formatted as the other reports do: edits and the
objective by ``figure`` (whole units with separators from 1,000, else six significant
digits in plain notation), ratios as percentages to 0.1, a missing value as '-', no error
as a blank.
"""

import re

import pytest

from ldi.reporting.sweep_report import SweepReport
from ldi.sweep import SweepResult

RESULTS = ["Status", "Objective", "Funding ratio", "Rates hedge", "Inflation hedge", "Error"]
NOT_PLAIN = re.compile(r"\d[eE][+-]?\d|\bnan\b|\binf\b|\bNone\b", re.IGNORECASE)


def read_table(text: str, headers: list[str]) -> dict[str, dict[str, str]]:
    """{variant: {header: cell}} of the table at the top of ``text``, ``headers`` in order."""
    lines = text.splitlines()
    assert " ".join(lines[0].split()) == " ".join(headers)
    assert lines[1].split() == ["Variant"]
    starts, at = [], 0
    for header in headers:
        at = lines[0].index(header, at)
        starts.append(at)
        at += len(header)
    ends = [start + len(header) for start, header in zip(starts, headers, strict=True)]
    rows = {}
    for line in lines[2 : lines.index("", 2)]:
        label, cells = line.split()[0], {}
        for i, header in enumerate(headers[:-1]):
            cell = line[ends[i - 1] if i else len(label) : ends[i]]
            cells[header] = cell.strip()
        cells[headers[-1]] = line[starts[-1] :].strip()
        rows[label] = cells
    return rows


@pytest.fixture
def mixed() -> SweepResult:
    """A solved variant, one solved without an optimum, one that failed: by hand."""
    edits = {"a": 1e-5, "holdings.CASH": 5e7}
    solved = {
        "status": "optimal",
        "error": None,
        "objective": 12_345_678.9,
        "funding_ratio": 0.94841,
        "rates_hedge": 1.0,
        "inflation_hedge": 2.5e-7,
        "positions": {"CASH": 5e7},
    }
    inaccurate = solved | {"status": "inaccurate", "error": "inaccurate: budget", "objective": None}
    return SweepResult(
        [edits, edits | {"a": 0.92000000000000002}, edits | {"a": 1.2}],
        {0: solved, 1: inaccurate},
        {1: "inaccurate: budget", 2: "constraints[1].hedge_ratio.max: got 1.0"},
    )


def test_every_cell_is_formatted_and_read_back_by_its_row_and_column(mixed):
    text = SweepReport(mixed).as_text()
    assert not NOT_PLAIN.search(text)
    rows = read_table(text, ["a", "holdings.CASH", *RESULTS])
    assert list(rows) == ["0", "1", "2"]
    assert rows["0"] == {
        "a": "0.00001",
        "holdings.CASH": "50,000,000",
        "Status": "optimal",
        "Objective": "12,345,679",
        "Funding ratio": "94.8%",
        "Rates hedge": "100.0%",
        "Inflation hedge": "0.0%",
        "Error": "",
    }
    assert rows["1"]["a"] == "0.92"
    assert rows["1"]["Objective"] == "-"
    assert rows["1"]["Error"] == "inaccurate: budget"
    assert rows["2"] == {
        "a": "1.2",
        "holdings.CASH": "50,000,000",
        "Status": "failed",
        **dict.fromkeys(RESULTS[1:-1], "-"),
        "Error": "constraints[1].hedge_ratio.max: got 1.0",
    }


def test_a_sweep_without_failures_has_a_blank_error_column():
    result = SweepResult([{"x": 1}], {0: {"status": "optimal", "objective": 0.5}}, {})
    rows = read_table(SweepReport(result).as_text(), ["x", "Status", "Objective"])
    assert rows == {"0": {"x": "1", "Status": "optimal", "Objective": "0.5"}}
