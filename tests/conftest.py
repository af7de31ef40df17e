"""Fixtures shared by the whole suite."""

from pathlib import Path

import pytest

from tests.reference import DEFAULT_PROBLEM


@pytest.fixture
def default_problem_path() -> Path:
    return DEFAULT_PROBLEM
