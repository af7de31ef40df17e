"""Synthetic exposure tables for optimizer tests: every number chosen by the test."""

import numpy as np
import pytest

from ldi.optimize.data import ModelData

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
