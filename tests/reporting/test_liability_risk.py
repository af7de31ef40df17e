"""The liability risk report against an independent numpy valuation of the default problem."""

import json

import numpy as np
import pytest

from ldi.curves.spread import DEFAULT_KEYS
from ldi.io.load import load_problem
from ldi.reporting.liability_risk import liability_risk
from tests.reference import reference_liability_risk

KEYS = list(DEFAULT_KEYS)
# Same formulas in floating point: PVs agree to rounding; 1bp differences lose ~8 digits
# of the PV to cancellation, so sensitivities are compared to 1e-7 relative.
PV_RTOL, SENS_RTOL = 1e-12, 1e-7


@pytest.fixture(scope="module")
def report():
    return liability_risk(load_problem("problems/uk_db_scheme.yaml"), KEYS)


@pytest.fixture(scope="module")
def reference():
    return reference_liability_risk(KEYS)


@pytest.mark.parametrize("component", ["fixed", "inflation_linked", "total"])
def test_summary_matches_reference(report, reference, component):
    row, ref = report.summary.loc[component], reference[component]
    assert row["pv"] == pytest.approx(ref["pv"], rel=PV_RTOL)
    for column in ("pv01", "duration", "convexity"):
        assert row[column] == pytest.approx(ref[column], rel=SENS_RTOL)
    assert row["ie01"] == pytest.approx(ref["ie01"], rel=SENS_RTOL, abs=1e-6)


@pytest.mark.parametrize("component", ["fixed", "inflation_linked", "total"])
def test_ladder_matches_reference(report, reference, component):
    expected = [reference[component][f"kr_{k:g}"] for k in KEYS]
    np.testing.assert_allclose(report.ladder[component], expected, rtol=SENS_RTOL)


def test_share_is_key_pv01_over_total_pv01(report, reference):
    total = reference["total"]
    expected = [100 * total[f"kr_{k:g}"] / total["pv01"] for k in KEYS]
    np.testing.assert_allclose(report.ladder["share_pct"], expected, rtol=SENS_RTOL)


def test_fixed_part_has_no_inflation_sensitivity(report):
    assert report.summary.loc["fixed", "ie01"] == 0.0


def test_text_prints_the_reference_figures(report, reference):
    text = report.as_text()
    total = reference["total"]
    assert f"{total['pv']:,.0f}" in text
    assert f"{total['pv01']:,.0f}" in text
    assert f"{total['duration']:,.2f}" in text
    assert f"{total['ie01']:,.0f}" in text
    assert f"{total['kr_20']:,.0f}" in text
    assert "Discount basis: gilts +50bp; inflation rpi" in text


def test_to_dict_is_json_safe_and_complete(report, reference):
    data = json.loads(json.dumps(report.to_dict()))
    assert data["summary"]["total"]["pv"] == pytest.approx(reference["total"]["pv"], rel=PV_RTOL)
    assert set(data["key_rate_pv01"]) == {str(float(k)) for k in KEYS}
    assert data["valuation_date"] == "2025-12-31"


def test_small_amounts_stay_readable():
    raw = {
        "ldi": 1,
        "name": "small book",
        "curves": {"flat": {"tenors": [1], "rates": [0.04], "compounding": "annual"}},
        "liabilities": {
            "discount_curve": "flat",
            "cashflows": [{"time": t, "fixed": 100.0} for t in (1, 2.5, 40)],
        },
    }
    text = liability_risk(load_problem(raw), [2, 10, 30]).as_text()
    t = np.array([1, 2.5, 40])
    # Closed form on a flat 4% annual curve: PV = Σ 100 x 1.04^-t, PV01 by 1bp central difference.
    pv = float(np.sum(100 * 1.04**-t))
    pv01 = float(np.sum(100 * (1.0399**-t - 1.0401**-t)) / 2)
    assert f"{pv:,.2f}" in text
    assert f"{pv01:,.4f}" in text
    linked_row = next(line for line in text.splitlines() if line.startswith("inflation_linked"))
    assert linked_row.split()[3:5] == ["-", "-"]  # no inflation-linked flows: no duration
