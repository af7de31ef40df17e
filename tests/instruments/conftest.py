"""Fixtures for the instrument tests: a pinned QuantLib evaluation date."""

import pytest
import QuantLib as ql

VALUATION = ql.Date(15, 1, 2025)


@pytest.fixture
def ql_today() -> ql.Date:
    """Set QuantLib's evaluation date to VALUATION for one test and restore it afterwards."""
    settings = ql.Settings.instance()
    saved = settings.evaluationDate
    settings.evaluationDate = VALUATION
    yield VALUATION
    settings.evaluationDate = saved
