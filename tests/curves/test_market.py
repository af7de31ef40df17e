"""Market: named curves, the nominal and inflation defaults, and the errors for bad names."""

import re

import pytest

from ldi import BreakevenCurve, DataError, Market, NelsonSiegelSvensson, ZeroCurve
from ldi.curves.base import RateCurve

GILTS = ZeroCurve.flat(0.04)
SONIA = ZeroCurve.flat(0.045, compounding="continuous")
RPI = BreakevenCurve.flat(0.033)
CPI = BreakevenCurve.flat(0.026)
CURVES = {"sonia": SONIA, "gilts": GILTS, "rpi": RPI, "cpi": CPI}
MARKET = Market(curves=CURVES, nominal="gilts", inflation="rpi")


def test_defaults_and_named_curves_are_the_stored_objects():
    assert MARKET.nominal_curve() is GILTS
    assert MARKET.nominal_curve("sonia") is SONIA
    assert MARKET.breakeven_curve() is RPI
    assert MARKET.breakeven_curve("cpi") is CPI


def test_swap_curve_defaults_to_the_swap_then_the_nominal_curve():
    assert MARKET.swap_curve() is GILTS  # no swap default: the nominal default
    with_swaps = Market(curves=CURVES, nominal="gilts", inflation="rpi", swap="sonia")
    assert with_swaps.swap_curve() is SONIA
    assert with_swaps.swap_curve("gilts") is GILTS
    assert with_swaps.nominal_curve() is GILTS


def test_names_by_kind_are_sorted():
    assert MARKET.names(RateCurve) == ["gilts", "sonia"]
    assert MARKET.names(BreakevenCurve) == ["cpi", "rpi"]


def test_any_rate_curve_is_a_nominal_curve():
    nss = NelsonSiegelSvensson(0.04, -0.01, 0.01, 0.0, 2.0, 10.0)
    market = Market(curves={"fitted": nss, "gilts": GILTS, "rpi": RPI}, nominal="fitted")
    assert market.nominal_curve() is nss
    assert market.names(RateCurve) == ["fitted", "gilts"]
    assert market.names(ZeroCurve) == ["gilts"]


def test_unknown_nominal_name():
    message = (
        "instrument 'X'.curve: got 'ois'; expected the name of a nominal curve, "
        "one of ['gilts', 'sonia']"
    )
    with pytest.raises(DataError, match=re.escape(message)):
        MARKET.nominal_curve("ois", "instrument 'X'.curve")


def test_unknown_breakeven_name_uses_the_default_where():
    message = "inflation_curve: got 'hicp'; expected the name of a breakeven curve, one of "
    message += "['cpi', 'rpi']"
    with pytest.raises(DataError, match=re.escape(message)):
        MARKET.breakeven_curve("hicp")


def test_a_breakeven_curve_is_not_a_nominal_curve():
    message = "curve: got 'rpi'; expected the name of a nominal curve, one of ['gilts', 'sonia']"
    with pytest.raises(DataError, match=re.escape(message)):
        MARKET.nominal_curve("rpi")


def test_a_nominal_curve_is_not_a_breakeven_curve():
    message = (
        "linker.inflation_curve: got 'gilts'; expected the name of a breakeven curve, "
        "one of ['cpi', 'rpi']"
    )
    with pytest.raises(DataError, match=re.escape(message)):
        MARKET.breakeven_curve("gilts", "linker.inflation_curve")


def test_no_default_nominal_curve():
    market = Market(curves=CURVES)
    message = (
        "swap.curve: no nominal curve named and the market has no default; "
        "name one of ['gilts', 'sonia']"
    )
    with pytest.raises(DataError, match=re.escape(message)):
        market.nominal_curve(where="swap.curve")
    assert market.nominal_curve("sonia") is SONIA


def test_no_default_breakeven_curve():
    market = Market(curves={"gilts": GILTS}, nominal="gilts")
    message = (
        "inflation_curve: no breakeven curve named and the market has no default; name one of []"
    )
    with pytest.raises(DataError, match=re.escape(message)):
        market.breakeven_curve()


def test_a_default_that_names_a_missing_curve_fails_on_use():
    market = Market(curves={"gilts": GILTS}, nominal="sonia")
    message = "curve: got 'sonia'; expected the name of a nominal curve, one of ['gilts']"
    with pytest.raises(DataError, match=re.escape(message)):
        market.nominal_curve()
    assert market.nominal_curve("gilts") is GILTS


def test_an_empty_market():
    market = Market(curves={})
    assert market.names(ZeroCurve) == []
    with pytest.raises(DataError, match=re.escape("name one of []")):
        market.nominal_curve()
