"""Dates in a problem file: only ``valuation_date`` is a date, written YYYY-MM-DD.

YAML 1.1 reads a plain ``2025-02-30`` as a timestamp and builds it while loading, so an
impossible date anywhere used to stop the load with a bare ValueError (exit 1). Dates are read
as text and checked where a date is expected; elsewhere a value that looks like a date is text.
"""

from datetime import date, datetime

import pytest

import ldi.io.reading as reading
from ldi.io.load import load_problem
from tests.io.test_load import check, minimal
from tests.io.test_reading import LOADERS

HEAD = "ldi: 1\nname: s\n"
REST = (
    "curves: {g: {tenors: [1], rates: [0.04]}}\n"
    "liabilities: {discount_curve: g, cashflows: [{time: 1, fixed: 100}]}\n"
)
EXPECTED = "expected a date such as 2025-12-31 (YYYY-MM-DD)"


@pytest.fixture(params=LOADERS)
def loader(request, monkeypatch):
    """Each case with the C loader (the default when PyYAML has it) and the pure-Python one."""
    monkeypatch.setattr(reading, "YAML_LOADER", request.param)


def write(tmp_path, text):
    path = tmp_path / "p.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("2025-02-30", "'2025-02-30'"),  # no such day
        ("2025-12-31T25:00:00", "'2025-12-31T25:00:00'"),  # no such hour
        ("2025-12-31T12:00:00", "'2025-12-31T12:00:00'"),  # a time of day
        ("2025-12-31 00:00:00", "'2025-12-31 00:00:00'"),
        ("20251231", "20251231"),  # a number
        ("1767139200", "1767139200"),  # seconds since 1970: 2025-12-31 to pydantic
        ("'31/12/2025'", "'31/12/2025'"),
    ],
)
def test_a_valuation_date_that_is_no_date_is_named(tmp_path, loader, written, shown):
    path = write(tmp_path, f"{HEAD}valuation_date: {written}\n{REST}")
    check(path, "valuation_date", f"valuation_date: got {shown}; {EXPECTED}")


def test_an_iso_valuation_date_is_a_date(tmp_path, loader):
    problem = load_problem(write(tmp_path, f"{HEAD}valuation_date: 2025-12-31\n{REST}"))
    assert problem.valuation_date.isoformat() == "2025-12-31"


def test_a_date_object_from_python_is_a_date_but_a_datetime_is_not():
    assert load_problem(minimal(valuation_date=date(2025, 12, 31))).valuation_date == date(
        2025, 12, 31
    )
    check(
        minimal(valuation_date=datetime(2025, 12, 31, 12)),
        "valuation_date",
        "got datetime.datetime(2025, 12, 31, 12, 0)",
        EXPECTED,
    )


def test_a_date_in_free_text_stays_text(tmp_path, loader):
    text = (
        f"{HEAD}{REST}"
        "stress:\n"
        "  catalogue: false\n"
        "  scenarios:\n"
        "    - {name: x, description: 2025-02-30, nominal_bp: 10}\n"
        "    - {name: y, description: 2025-12-31T25:00:00, nominal_bp: 10}\n"
        "    - {name: z, description: 2025-12-31, nominal_bp: 10}\n"
    )
    problem = load_problem(write(tmp_path, text))
    descriptions = [problem.scenarios[name].description for name in "xyz"]
    assert descriptions == ["2025-02-30", "2025-12-31T25:00:00", "2025-12-31"]


def test_an_explicit_timestamp_tag_is_text_too(tmp_path, loader):
    path = write(tmp_path, f"{HEAD}valuation_date: !!timestamp 2025-02-30\n{REST}")
    check(path, "valuation_date", f"got '2025-02-30'; {EXPECTED}")
