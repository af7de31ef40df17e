"""The default problem's liability cash flows against the published recipe and its oracles.

The reference figures are the computed [C] values of the shared domain facts
("Representative UK DB cash-flow profile"), quoted there to the digits used below.
"""

import importlib.util

import numpy as np
import pandas as pd
import pytest

import ldi
from tests.reference import PROBLEMS

spec = importlib.util.spec_from_file_location(
    "generate_uk_db_scheme", PROBLEMS / "generate_uk_db_scheme.py"
)
generator = importlib.util.module_from_spec(spec)
spec.loader.exec_module(generator)


@pytest.fixture(scope="module")
def flows() -> pd.DataFrame:
    return pd.read_csv(generator.CSV_PATH)


def test_committed_csv_is_what_the_recipe_generates(flows):
    pd.testing.assert_frame_equal(flows, generator.liability_cashflows(), check_exact=False)


def nominal(flows: pd.DataFrame) -> np.ndarray:
    """Nominal payments at 3% inflation: fixed + real x 1.03^t, in GBP m."""
    return (flows["fixed"] + flows["inflation_linked"] * 1.03 ** flows["time"]).to_numpy() / 1e6


def test_payment_profile(flows):
    total = nominal(flows)
    # Table values are rounded to 0.01m; our amounts are rounded to pence.
    np.testing.assert_allclose(total[:5], [29.44, 29.69, 30.09, 30.65, 31.39], atol=0.005)
    assert int(flows["time"][np.argmax(total)]) == 22
    assert total[:60].sum() == pytest.approx(1727, abs=1)
    assert total[60:].sum() == pytest.approx(0.33, abs=0.005)
    fixed = flows.set_index("time")["fixed"] / 1e6
    expected = {1: 7.197, 10: 7.555, 20: 8.232, 30: 5.367, 40: 1.879, 50: 0.260}
    for year, amount in expected.items():
        assert fixed[year] == pytest.approx(amount, abs=0.0005)


@pytest.mark.parametrize(
    ("rate", "pv_m", "modified_duration", "pv01_m"),
    [
        (0.02, 1146.4, 19.00, 2.178),
        (0.035, 875.5, 16.98, 1.487),
        (0.045, 743.4, 15.75, 1.171),
        (0.05, 688.1, 15.16, 1.043),
    ],
)
def test_flat_rate_valuation_matches_the_published_table(
    flows, rate, pv_m, modified_duration, pv01_m
):
    cf = ldi.Cashflows(flows["time"], flows["fixed"], flows["inflation_linked"])
    curve = ldi.ZeroCurve.flat(rate, compounding="annual")
    breakeven = ldi.BreakevenCurve.flat(0.03)
    # Tolerances are half a unit of the table's last digit; the effective duration of a
    # 1bp central difference equals the modified duration far inside that.
    assert ldi.pv(cf, curve, breakeven) / 1e6 == pytest.approx(pv_m, abs=0.05)
    assert ldi.duration(cf, curve, breakeven) == pytest.approx(modified_duration, abs=0.005)
    assert ldi.pv01(cf, curve, breakeven) / 1e6 == pytest.approx(pv01_m, abs=0.0005)
