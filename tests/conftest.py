"""Fixtures shared by the whole suite."""

from pathlib import Path

import pytest
import QuantLib as ql

from tests.reference import DEFAULT_PROBLEM

QL_VALUATION = ql.Date(15, 1, 2025)


@pytest.fixture
def default_problem_path() -> Path:
    return DEFAULT_PROBLEM


@pytest.fixture
def ql_today() -> ql.Date:
    """Set QuantLib's evaluation date to QL_VALUATION for one test and restore it afterwards."""
    settings = ql.Settings.instance()
    saved = settings.evaluationDate
    settings.evaluationDate = QL_VALUATION
    yield QL_VALUATION
    settings.evaluationDate = saved
