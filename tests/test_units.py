"""Discount-factor derivatives in every compounding against central differences.

Reference: ∂DF/∂r and ∂²DF/∂r² by central differences of ``Compounding.discount``, at
rates from -1% to 8% and times from a month to 60 years. A difference's error is about
(h t)² / 6 relative (the next derivatives are t times larger each): with h = 1e-6 for the
slope that is 6e-10 at 60 years (rounding adds about 1e-10), held to 1e-7 as simple
compounding's 1 / (1 + rt) magnifies it (2e-8 at 60 years and -1%); for the curvature a
step h = 1e-4 / t keeps both the truncation ((h t)² / 12, times 6 for simple compounding at
its extreme) and the rounding (eps / (h t)²) below 1e-6, held to 1e-5.
"""

import numpy as np
import pytest

from ldi.units import Compounding

RATES = np.array([-0.01, 0.0, 0.03, 0.08])
TIMES = np.array([1 / 12, 1.0, 7.5, 30.0, 60.0])


@pytest.mark.parametrize("compounding", list(Compounding))
def test_slope_and_curvature_are_the_discount_factors_differences(compounding):
    r, t = np.meshgrid(RATES, TIMES)
    mid = compounding.discount(r, t)
    h = 1e-6
    slope = (compounding.discount(r + h, t) - compounding.discount(r - h, t)) / (2 * h)
    h = 1e-4 / t
    up, down = compounding.discount(r + h, t), compounding.discount(r - h, t)
    curvature = (up - 2 * mid + down) / h**2
    np.testing.assert_allclose(compounding.discount_slope(r, t), slope, rtol=1e-7)
    np.testing.assert_allclose(compounding.discount_curvature(r, t), curvature, rtol=1e-5)
    together = compounding.discount_derivatives(r, t, 3)
    np.testing.assert_allclose(together[0], mid, rtol=1e-15)
    np.testing.assert_allclose(together[1], compounding.discount_slope(r, t), rtol=1e-14)
    np.testing.assert_allclose(together[2], compounding.discount_curvature(r, t), rtol=1e-14)
    assert len(compounding.discount_derivatives(r, t, 1)) == 1
