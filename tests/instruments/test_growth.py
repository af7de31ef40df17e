"""ReturnSeeking: stated durations become per-unit PV01, IE01 and CS01.

A stated duration D (years) is PV01 = D x 1e-4 per unit of market value, placed on the
key-rate buckets as a zero-coupon payment at D years would be: by the triangle weights of
docs/conventions.md at tenor D (``tests.reference.triangle``, written independently of ldi).
"""

import re

import numpy as np
import pytest

from ldi import DataError, Market, ZeroCurve
from ldi.instruments import ReturnSeeking, instrument_risk
from tests.reference import triangle

H = 1e-4
KEYS = [2.0, 5.0, 10.0, 20.0, 30.0]
MARKET = Market(curves={"gilts": ZeroCurve.flat(0.04)}, nominal="gilts")


def row(instrument, keys=KEYS):
    risk = instrument_risk([instrument], MARKET, keys)
    return risk.exposures.loc[instrument.id], risk.terms.loc[instrument.id]


# Below the first key, on a key, between keys, past the last key, and none.
DURATIONS = [0.0, 1.5, 2.0, 3.5, 10.0, 17.0, 30.0, 45.0]


@pytest.mark.parametrize("duration", DURATIONS)
def test_rates_duration_is_pv01_on_the_keys_around_it(duration):
    growth = ReturnSeeking(
        id="PROPERTY", expected_return=0.055, volatility=0.12, rates_duration=duration
    )
    exposures, _ = row(growth)
    assert exposures["pv"] == 1.0
    assert exposures["pv01"] == pytest.approx(duration * H, rel=1e-15)
    weights = [triangle(np.array([duration]), KEYS, j)[0] for j in range(len(KEYS))]
    for key, weight in zip(KEYS, weights, strict=True):
        # A product and a linear interpolation: a few ulps.
        assert exposures[f"pv01_{key:g}y"] == pytest.approx(weight * duration * H, abs=1e-18)
    assert exposures["duration"] == pytest.approx(duration, rel=1e-15)
    assert exposures["convexity"] == 0.0
    assert exposures["ie01"] == 0.0
    assert exposures["cs01"] == 0.0
    assert (exposures[[f"ie01_{k:g}y" for k in KEYS]] == 0).all()


@pytest.mark.parametrize("duration", DURATIONS)
def test_inflation_duration_is_ie01_on_the_keys_around_it(duration):
    growth = ReturnSeeking(
        id="INFRA", expected_return=0.06, volatility=0.1, inflation_duration=duration
    )
    exposures, _ = row(growth)
    assert exposures["ie01"] == pytest.approx(duration * H, rel=1e-15)
    for j, key in enumerate(KEYS):
        weight = triangle(np.array([duration]), KEYS, j)[0]
        assert exposures[f"ie01_{key:g}y"] == pytest.approx(weight * duration * H, abs=1e-18)
    assert exposures["pv01"] == 0.0


@pytest.mark.parametrize("duration", [0.0, 4.2])
def test_spread_duration_is_cs01(duration):
    growth = ReturnSeeking(
        id="CREDIT_FUND", expected_return=0.05, volatility=0.07, spread_duration=duration
    )
    exposures, _ = row(growth)
    assert exposures["cs01"] == pytest.approx(duration * H, rel=1e-15)
    assert exposures["pv01"] == 0.0


def test_all_three_durations_together():
    growth = ReturnSeeking(
        id="DGF",
        expected_return=0.05,
        volatility=0.09,
        rates_duration=3.0,
        inflation_duration=8.0,
        spread_duration=1.5,
    )
    exposures, terms = row(growth)
    # 3y between 2y and 5y keys: weights 2/3 and 1/3; 8y between 5y and 10y: 0.4 and 0.6.
    assert exposures["pv01_2y"] == pytest.approx(2 / 3 * 3e-4, rel=1e-14)
    assert exposures["pv01_5y"] == pytest.approx(1 / 3 * 3e-4, rel=1e-14)
    assert exposures["ie01_5y"] == pytest.approx(0.4 * 8e-4, rel=1e-14)
    assert exposures["ie01_10y"] == pytest.approx(0.6 * 8e-4, rel=1e-14)
    assert exposures["cs01"] == pytest.approx(1.5e-4, rel=1e-15)
    assert terms["kind"] == "return_seeking"
    assert terms["role"] == "physical"
    assert terms["expected_return"] == 0.05
    assert terms["volatility"] == 0.09


@pytest.mark.parametrize(
    ("field", "value", "need"),
    [
        ("expected_return", np.nan, "a finite annual return such as 0.06"),
        ("expected_return", np.inf, "a finite annual return such as 0.06"),
        ("volatility", -0.1, "a finite volatility >= 0 such as 0.15"),
        ("volatility", np.nan, "a finite volatility >= 0 such as 0.15"),
        ("rates_duration", np.nan, "a finite number of years"),
        ("inflation_duration", np.inf, "a finite number of years"),
        ("spread_duration", -np.inf, "a finite number of years"),
    ],
)
def test_bad_numbers_name_the_field(field, value, need):
    kwargs = {"id": "G", "expected_return": 0.06, "volatility": 0.15, field: value}
    message = f"instrument 'G'.{field}: got {value!r}; expected {need}"
    with pytest.raises(DataError, match=re.escape(message)):
        ReturnSeeking(**kwargs)


def test_negative_duration_gains_when_rates_rise():
    market = Market({"gilts": ZeroCurve.flat(0.04)}, nominal="gilts")
    risk = instrument_risk(
        [ReturnSeeking(id="G", expected_return=0.06, volatility=0.15, rates_duration=-5.0)],
        market,
        [2, 5, 10],
    )
    row = risk.exposures.loc["G"]
    # PV01 = −5 x 1e-4 per unit, all on the 5y key (|D| = 5 is a key).
    assert row["pv01"] == pytest.approx(-5e-4, rel=1e-15)
    assert row["pv01_5y"] == pytest.approx(-5e-4, rel=1e-15)
    assert row["pv01_2y"] == row["pv01_10y"] == 0.0


def test_negative_expected_return_is_allowed():
    growth = ReturnSeeking(id="G", expected_return=-0.02, volatility=0.2)
    assert row(growth)[1]["expected_return"] == -0.02
