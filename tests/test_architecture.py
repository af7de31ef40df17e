"""docs/architecture.md's worked example: a new term is its class and nothing else.

The page's ``py`` block is run as written; the term it defines is then used from a problem
mapping like any other. Reference: the liabilities' PV from ``Liabilities.risk`` (the
valuation the optimizer's scaling does not touch) and the solved cash positions.
"""

import re

import pytest

import ldi
from ldi.optimize.terms.base import TERMS
from ldi.optimize.terms.registry import CONSTRAINT_TERMS
from tests.reference import ROOT, raw_problem

PAGE = (ROOT / "docs" / "architecture.md").read_text()
(EXAMPLE,) = re.findall(r"^```py\n(.*?)^```", PAGE.split("## Adding a term")[1], re.S | re.M)


@pytest.fixture
def cash_floor():
    """The page's class, defined as written, and taken out of the registry afterwards."""
    namespace: dict = {"__name__": "docs_example"}
    exec(compile(EXAMPLE, "docs/architecture.md", "exec"), namespace)
    try:
        yield namespace["CashFloor"]
    finally:
        del TERMS["constraint"]["cash_floor"]


def _with_floor(minimum):
    raw = raw_problem()
    raw["constraints"] = [*raw["constraints"], {"cash_floor": {"min": minimum}}]
    return ldi.load_problem(raw)


def test_the_example_term_registers_itself(cash_floor):
    assert CONSTRAINT_TERMS["cash_floor"] is cash_floor


def test_the_example_term_holds_its_floor_in_a_solve(cash_floor):
    problem = _with_floor(0.05)
    result = problem.solve()
    assert result.ok
    liabilities = float(problem.liabilities.risk().loc["total", "pv"])
    cash = sum(
        result.positions[i] for i, inst in problem.instruments.items() if inst.kind == "cash"
    )
    assert cash >= 0.05 * liabilities * (1 - 1e-7)
    row = result.constraints.loc["cash_floor"]
    assert row["kind"] == "cash_floor"
    assert row["binding"]  # the default problem holds less cash than 5% of its liabilities
    assert cash == pytest.approx(0.05 * liabilities, rel=1e-6)


def test_the_example_term_refuses_a_floor_outside_its_range(cash_floor):
    with pytest.raises(ldi.SpecError, match=r"constraints\[\d+\]\.cash_floor\.min: got 1\.5"):
        _with_floor(1.5)


def test_an_unknown_key_lists_the_example_term(cash_floor):
    raw = raw_problem()
    raw["constraints"] = [*raw["constraints"], {"cash_flor": None}]
    with pytest.raises(ldi.SpecError, match="'cash_floor'"):
        ldi.load_problem(raw)


def test_the_example_and_the_notebook_cells_are_the_only_py_blocks_of_the_docs():
    """``py`` blocks run: the term example here, the Python API's as one notebook.

    The Python API's cells run in order in tests/test_python_api_doc.py.
    """
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    found = {page.name: page.read_text().count("\n```py\n") for page in pages}
    found = {name: count for name, count in found.items() if count}
    assert set(found) == {"architecture.md", "python-api.md"}
    assert found["architecture.md"] == 1
