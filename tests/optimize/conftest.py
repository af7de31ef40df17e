"""Synthetic exposure tables for optimizer tests, and helpers that read constraint rows.

Every number is chosen by the test.
"""

import numpy as np
import pytest

from ldi.optimize.data import ModelData
from ldi.optimize.model import Model, ObjectiveItem
from ldi.optimize.result import evaluate, row_table
from ldi.optimize.terms.allocation import LongOnly
from ldi.optimize.terms.objectives import Cost

make_data = ModelData.from_arrays

# An eight-instrument universe, per unit: gilt, credit and linker (physical), rates and
# inflation swaps (overlays), repo (financing), equity and cash; two keys, 5y and 20y.
IDS = ["GILT", "CREDIT", "LINKER", "SWAP", "ISWAP", "REPO", "EQUITY", "CASH"]
ROLES = ["physical"] * 3 + ["overlay"] * 2 + ["financing"] + ["physical"] * 2
KINDS = "bond bond index_linked_bond interest_rate_swap inflation_swap repo return_seeking cash"
PV = np.array([1.0, 1.0, 1.0, 0.0, 0.0, -1.0, 1.0, 1.0])
KEY_PV01 = np.array([[4e-4, 6e-4, 2e-4, 3e-4, 0, 0, 0, 0], [8e-4, 2e-4, 1.3e-3, 7e-4, 0, 0, 0, 0]])
KEY_IE01 = np.array([[0, 0, 4e-4, 0, 3e-4, 0, 0, 0], [0, 0, 1.0e-3, 0, 6e-4, 0, 0, 0]])
PV01, IE01 = KEY_PV01.sum(axis=0), KEY_IE01.sum(axis=0)
CS01 = np.array([0, 7e-4, 0, 0, 0, 0, 0, 0])
RETURN = np.array([0.045, 0.055, 0.04, 0, 0, -0.05, 0.07, 0.04])

# Clarabel options for comparisons finer than its default tolerances.
TIGHT = {"tol_gap_abs": 1e-12, "tol_gap_rel": 1e-12, "tol_feas": 1e-12, "tol_ktratio": 1e-10}


def universe(**tables: object) -> ModelData:
    """The eight-instrument universe with ``tables`` (liabilities, holdings, ...) added."""
    return make_data(
        IDS,
        roles=ROLES,
        kinds=KINDS.split(),
        pv=PV,
        pv01=PV01,
        ie01=IE01,
        cs01=CS01,
        keys=(5.0, 20.0),
        key_pv01=KEY_PV01,
        key_ie01=KEY_IE01,
        expected_return=RETURN,
        **tables,
    )


# Positions (money) at which term tests evaluate rows and values by hand.
X = np.array([350.0, 100.0, 300.0, 400.0, -200.0, 150.0, 250.0, 50.0])


@pytest.fixture
def two_bonds() -> ModelData:
    """Two physical bonds (PV01 5e-4 and 2e-3 per unit) against liabilities of PV 100."""
    return make_data(
        ["SHORT", "LONG"],
        pv01=[5e-4, 2e-3],
        curvature=[30.0, 450.0],
        liabilities={"pv": 100.0, "pv01": 0.12, "curvature": 2.0e4},
        holdings={"SHORT": 60.0, "LONG": 40.0},
    )


# Constraint truth tables: rows evaluated with NumpyOps at hand-chosen positions are compared
# with the value, bound and slack computed by hand in money from the raw per-unit exposures
# (never from the scaled arrays the terms use).
CURVATURE = np.array([20.0, 10.0, 30.0, 15.0, 0, 0, 0, 0])
LOADINGS = np.column_stack([-PV01, IE01, -CS01, [0, 0, 0, 0, 0, 0, 1.2, 0]])
SPECIFIC = np.array([0, 0, 0, 0, 0, 0, 0.08, 0])
LIABILITIES = {"pv": 1000.0, "pv01": 1.5, "ie01": 0.9, "curvature": 3.0e4, "expected_return": 45}
L_PV, L_PV01, L_IE01, L_CURVATURE = (LIABILITIES[k] for k in ("pv", "pv01", "ie01", "curvature"))
L_KEY_PV01, L_KEY_IE01 = np.array([0.5, 1.0]), np.array([0.3, 0.6])
HOLDINGS = {"GILT": 300.0, "CREDIT": 100.0, "LINKER": 200.0, "EQUITY": 250.0, "CASH": 50.0}
CAPITAL = 900.0  # value of the holdings
GROUPS = {"matching": ("GILT", "LINKER")}
TABLES = {
    "curvature": CURVATURE,
    "loadings": LOADINGS,
    "specific": SPECIFIC,
    "liabilities": LIABILITIES,
    "liability_key_pv01": L_KEY_PV01,
    "liability_key_ie01": L_KEY_IE01,
    "holdings": HOLDINGS,
    "groups": GROUPS,
}
DATA = universe(**TABLES)
NO_LONG_ONLY = LongOnly(roles=())


def table(constraints, x=X, data=DATA):
    """The reported constraint table of positions ``x`` (money), without solving."""
    model = Model(data, [ObjectiveItem(Cost())], list(constraints))
    _, rows = evaluate(model, np.asarray(x, dtype=float) / model.scales.money, {})
    return row_table([(term, row, []) for term, row in rows], model.scales.money)


def expect(frame, row, sense, value, bound):
    """Value and bound as computed by hand; slack and whether the row holds follow."""
    got = frame.loc[row]
    assert got["sense"] == sense
    assert got["value"] == pytest.approx(value, rel=1e-10, abs=1e-12)
    assert got["bound"] == pytest.approx(bound, rel=1e-10, abs=1e-12)
    slack = {"<=": bound - value, ">=": value - bound, "==": -abs(value - bound)}[sense]
    assert got["slack"] == pytest.approx(slack, rel=1e-8, abs=1e-9)
    return bool(slack >= -1e-9)
