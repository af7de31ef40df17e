"""Fixtures shared by the whole suite."""

from pathlib import Path

import pytest
import QuantLib as ql

from ldi.storage.files import DATA_ROOT
from tests.reference import DEFAULT_PROBLEM, PROBLEMS

QL_VALUATION = ql.Date(15, 1, 2025)


@pytest.fixture(autouse=True, scope="session")
def repository_data_root():
    """Problems a test writes to its own folder may name the repository's data files.

    ``tests.reference.raw_problem`` makes the example's CSV path absolute; a problem file is
    confined to its folder unless the data root (``LDI_DATA_ROOT``) holds the file too. Set
    for the session, so module fixtures that solve such problems have it as well.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(DATA_ROOT, str(PROBLEMS))
        yield


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
