"""bracketed_root: safeguarded Newton's method inside a bracket.

References: closed-form roots (cube root, logarithm), and ``scipy.optimize.brentq`` on the
same functions with the same tolerances. Tolerance: 2(xtol + rtol·|x|), brentq's own bound,
plus a few ulps for the closed form's rounding.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq

from ldi.roots import EPS, bracketed_root

XTOL, RTOL = 1e-16, 4 * EPS


def bound(x: float) -> float:
    return 2 * (XTOL + RTOL * abs(x)) + 4 * EPS * abs(x)


@pytest.mark.parametrize(
    ("f", "low", "high", "root"),
    [
        (lambda x: x**3 - 2.0, 0.0, 3.0, 2.0 ** (1 / 3)),  # rising
        (lambda x: math.exp(-x) - 0.5, -1.0, 5.0, math.log(2.0)),  # falling
        (lambda x: math.atan(x - 0.3), -50.0, 40.0, 0.3),  # Newton alone overshoots
        (lambda x: (x - 1e-3) ** 3, -1.0, 1.0, 1e-3),  # triple root: no slope there
    ],
)
def test_matches_the_closed_form_root(f, low, high, root):
    assert bracketed_root(f, low, high) == pytest.approx(root, abs=bound(root) + 1e-15)


def test_a_bracket_end_that_is_a_root_is_returned():
    assert bracketed_root(lambda x: x - 1.0, 1.0, 2.0) == 1.0


def test_a_guess_outside_the_bracket_is_ignored():
    assert bracketed_root(lambda x: x - 0.5, 0.0, 1.0, guess=7.0) == pytest.approx(0.5)


def test_a_good_guess_needs_few_evaluations():
    calls = []

    def swap_like(rate: float) -> float:
        calls.append(rate)
        times = np.arange(1.0, 31.0)
        discount = (1.0 + rate) ** -times
        return 0.04 * discount.sum() + discount[-1] - 1.0

    root = bracketed_root(swap_like, -0.05, 1.0, guess=0.04)
    assert root == pytest.approx(0.04, abs=bound(0.04))
    assert len(calls) <= 12  # two per Newton step, quadratic from a par-rate guess


@settings(max_examples=300, deadline=None)
@given(
    root=st.floats(-0.04, 0.9),
    linear=st.floats(1e-3, 50.0),
    cubic=st.floats(0.0, 100.0),
    sign=st.sampled_from([-1.0, 1.0]),
    guess=st.one_of(st.none(), st.floats(-0.05, 1.0)),
)
def test_agrees_with_brentq_on_monotone_functions(root, linear, cubic, sign, guess):
    def f(x: float) -> float:
        return sign * (linear * (x - root) + cubic * (x - root) ** 3)

    ours = bracketed_root(f, -0.05, 1.0, guess=guess)
    theirs = brentq(f, -0.05, 1.0, xtol=XTOL, rtol=RTOL)
    assert abs(ours - theirs) <= bound(theirs) + 4 * EPS / linear
    assert abs(ours - root) <= bound(root) + 4 * EPS / linear
