"""Synthetic exposure tables for optimizer tests: every number chosen by the test."""

import pytest

from ldi.optimize.data import ModelData

make_data = ModelData.from_arrays


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
