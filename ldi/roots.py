"""Root of a smooth monotone scalar function inside a bracket, found without scipy's import.

Safeguarded Newton's method ("rtsafe", Press et al., *Numerical Recipes*, §9.4): the
step x ← x − f(x)/f'(x), with f' the forward difference (f(x + h) − f(x))/h, is taken only
while it stays inside the bracket and at most halves the step before it; otherwise the
bracket is bisected. Each point evaluated replaces the bracket end of its sign. A Newton
step lands half a tolerance past the root it predicts, so the next evaluation brackets the
root within the tolerance, which is what ends the search. A search not ended after STEPS
points (a root where f is flat) is finished by ``scipy.optimize.brentq`` on the bracket
reached. It serves root-finds on start-up paths (the par swap bootstrap), where importing
``scipy.optimize`` would cost more than the whole command.
"""

import math
from collections.abc import Callable

import numpy as np

from ldi.lazy import lazy_module

optimize = lazy_module("scipy.optimize")  # imported only for a search Newton cannot end

EPS = float(np.finfo(float).eps)
SLOPE_STEP = 1e-7  # relative step of the forward difference that stands in for f'
STEPS = 60  # points evaluated before Brent's method takes over


def bracketed_root(
    f: Callable[[float], float],
    low: float,
    high: float,
    *,
    guess: float | None = None,
    xtol: float = 1e-16,
    rtol: float = 4 * EPS,
) -> float:
    """The x in [low, high] with f(x) = 0, for f(low) and f(high) of opposite signs.

    The root is bracketed within 2·(xtol + rtol·|x|), ``brentq``'s own bound.
    """
    f_low = f(low)
    if f_low == 0.0:
        return low
    rising = f_low < 0.0
    estimate = x = guess if guess is not None and low < guess < high else 0.5 * (low + high)
    step = high - low
    for _ in range(STEPS):
        fx = f(x)
        if fx == 0.0:
            return x
        if (fx < 0.0) == rising:
            low = x
        else:
            high = x
        tolerance = xtol + rtol * abs(estimate)
        if high - low <= 2.0 * tolerance:
            return estimate if low <= estimate <= high else 0.5 * (low + high)
        h = SLOPE_STEP * max(1.0, abs(x))
        rise = f(x + h) - fx
        newton = x - fx * h / rise if rise else x  # x is now a bracket end: bisects
        if low < newton < high and 2.0 * abs(newton - x) <= abs(step):
            step, estimate = newton - x, newton
            past = newton + math.copysign(0.5 * tolerance, step)
            x = past if low < past < high else newton
        else:
            step = 0.5 * (high - low)
            estimate = x = low + step
    return float(optimize.brentq(f, low, high, xtol=xtol, rtol=rtol))
