"""The inflation volatility of a problem file: caplet volatilities, or LPI swaps to calibrate.

References: LPI swap par rates written by hand from the default problem's RPI curve and its
caplet surface (year by year, scipy's normal distribution), and the surface calibrated to
them reprices each to 1e-10 in rate; named errors with their paths.
"""

import numpy as np
import pytest
from scipy.stats import norm

from ldi.errors import SpecError
from ldi.io.load import load_problem
from tests.reference import raw_problem

MATURITIES = [2, 5, 10, 20, 30]


def lpi_rate(raw: dict, years: int, floor: float, cap: float) -> float:
    """(Π_n E[1 + clip(y_n, floor, cap)])^(1/T) − 1, y_n ~ N(f_n, d_n²), by hand."""
    curve = raw["curves"]["rpi"]
    spec = raw["market"]["inflation_volatility"]["rpi"]
    expiries, vols = np.array(spec["expiries"], float), np.array(spec["volatilities"], float)

    def rate(t: float) -> float:
        return float(np.interp(t, curve["tenors"], curve["rates"]))

    growth = 1.0
    for n in range(1, years + 1):
        f = (1 + rate(n)) ** n / (1 + rate(n - 1)) ** (n - 1) - 1
        if n <= expiries[0]:
            variance = vols[0] ** 2 * n
        elif n >= expiries[-1]:
            variance = vols[-1] ** 2 * n
        else:
            variance = np.interp(n, expiries, vols**2 * expiries)
        d = np.sqrt(variance)
        a, b = (floor - f) / d, (cap - f) / d
        inside = f * (norm.cdf(b) - norm.cdf(a)) - d * (norm.pdf(b) - norm.pdf(a))
        growth *= 1 + floor * norm.cdf(a) + cap * norm.sf(b) + inside
    return growth ** (1 / years) - 1


def test_lpi_swap_quotes_calibrate_a_surface_that_reprices_them():
    raw = raw_problem()
    quotes = [lpi_rate(raw, t, 0.0, 0.05) for t in MATURITIES]
    raw["market"]["inflation_volatility"]["rpi"] = {
        "model": "normal",
        "lpi_swaps": {"floor": 0.0, "cap": 0.05, "maturities": MATURITIES, "rates": quotes},
    }
    problem = load_problem(raw)
    surface = problem.market.inflation_volatility["rpi"]
    assert surface.expiries == tuple(float(t) for t in MATURITIES)
    assert surface.origin == "calibrated to 5 LPI(0%, 5%) swaps"
    assert "calibrated to 5 LPI(0%, 5%) swaps" in problem.liability_basis
    raw["market"]["inflation_volatility"]["rpi"] = {
        "model": "normal",
        "expiries": list(surface.expiries),
        "volatilities": list(surface.volatilities),
    }
    repriced = [lpi_rate(raw, t, 0.0, 0.05) for t in MATURITIES]
    np.testing.assert_allclose(repriced, quotes, rtol=0, atol=1e-10)


def test_a_quote_no_volatility_reaches_is_refused_with_the_range():
    raw = raw_problem()
    raw["market"]["inflation_volatility"]["rpi"] = {
        "lpi_swaps": {"floor": 0.0, "cap": 0.05, "maturities": [5], "rates": [0.041]}
    }
    with pytest.raises(SpecError) as caught:
        load_problem(raw)
    message = str(caught.value)
    assert caught.value.path.startswith("market.inflation_volatility.rpi.lpi_swaps")
    assert "rates[0]: got 0.041 at 5y; expected an LPI(0%, 5%) rate the model reaches" in message


def test_a_volatility_surface_with_a_negative_value_is_refused_naming_it():
    raw = raw_problem()
    raw["market"]["inflation_volatility"]["rpi"]["volatilities"][2] = -0.01
    with pytest.raises(SpecError) as caught:
        load_problem(raw)
    assert caught.value.path == "market.inflation_volatility.rpi.volatilities[2]"
    assert str(caught.value) == (
        "market.inflation_volatility.rpi.volatilities[2]: got -0.01; expected a number >= 0"
    )


def test_an_inflation_volatility_of_an_unknown_curve_is_refused():
    raw = raw_problem()
    spec = raw["market"]["inflation_volatility"].pop("rpi")
    raw["market"]["inflation_volatility"]["rpix"] = spec
    with pytest.raises(SpecError) as caught:
        load_problem(raw)
    assert caught.value.path == "market.inflation_volatility.rpix"
    assert "expected the name of a breakeven curve, one of ['cpi', 'rpi']" in str(caught.value)
