"""Coupon schedules in year fractions: regular periods rolled back from maturity."""

from dataclasses import dataclass

import numpy as np

from ldi.errors import DataError
from ldi.typing import FloatArray, IntArray
from ldi.validation import MAX_YEARS, check_max_years

FREQUENCIES = (1, 2, 4, 12)
E_FREQUENCY = "{where}.frequency: got {value!r}; expected one of {choices}"
E_MATURITY = "{where}.maturity: got {value!r}; expected a finite time after the start {start!r}"

# Maturities within this many years of a coupon date are treated as on it (float noise).
_GRID_TOLERANCE = 1e-9


@dataclass(frozen=True, eq=False)
class Schedule:
    """Payment times (ascending, after the start) and the year fraction each one accrues.

    ``accrual_start`` is the start of the first listed period: the previous regular coupon
    date for a seasoned bond (at or before 0), or the start/issue time when that is later
    (then the first period is short).
    """

    times: FloatArray
    accruals: FloatArray
    accrual_start: float


def check_frequency(frequency: object, where: str) -> int:
    """``frequency`` as an int in FREQUENCIES, or a DataError naming ``where``."""
    if isinstance(frequency, bool) or frequency not in FREQUENCIES:
        raise DataError(E_FREQUENCY.format(where=where, value=frequency, choices=FREQUENCIES))
    return int(frequency)


def fixed_leg(
    maturity: float, frequency: int, start: float | None = None, where: str = "schedule"
) -> Schedule:
    """Regular coupon dates every 1/frequency years rolled back from ``maturity``.

    With ``start`` None the leg is seasoned: dates after 0, full periods, and the current
    period started at the last regular date at or before 0. With a ``start`` (issue or
    effective time), the first period runs from ``start`` and is short when ``start`` is
    after the regular date. Only dates after max(0, start) are listed.
    """
    frequency = check_frequency(frequency, where)
    lower = 0.0 if start is None else max(float(start), 0.0)
    if not np.isfinite(maturity) or maturity <= lower:
        raise DataError(E_MATURITY.format(where=where, value=maturity, start=lower))
    check_max_years(maturity, f"{where}.maturity")
    period = 1.0 / frequency
    # At least the maturity itself, even when it is within the grid tolerance of the start.
    count = max(1, int(np.ceil((maturity - lower) * frequency - _GRID_TOLERANCE)))
    times = maturity - period * np.arange(count - 1, -1, -1, dtype=float)
    regular_start = float(times[0] - period)
    accrual_start = regular_start if start is None else max(regular_start, float(start))
    accruals = np.full(count, period)
    accruals[0] = times[0] - accrual_start
    return Schedule(times=times, accruals=accruals, accrual_start=accrual_start)


@dataclass(frozen=True, eq=False)
class Legs:
    """Seasoned legs stacked in order: leg k's dates are rows ``starts[k]:starts[k + 1]``.

    ``times`` and ``accruals`` as ``Schedule``'s, leg after leg; ``accrual_start`` one per leg.
    """

    times: FloatArray
    accruals: FloatArray
    accrual_start: FloatArray
    starts: IntArray

    def slices(self) -> list[slice]:
        """Each leg's rows."""
        return [slice(a, b) for a, b in zip(self.starts[:-1], self.starts[1:], strict=True)]


def plain_legs(maturities: FloatArray, frequencies: IntArray) -> bool:
    """True when ``seasoned_legs`` may take these terms: no check of ``fixed_leg`` would fail."""
    return bool(
        np.all(np.isin(frequencies, FREQUENCIES))
        and np.all(np.isfinite(maturities))
        and np.all((maturities > 0) & (maturities <= MAX_YEARS))
    )


def seasoned_legs(maturities: FloatArray, frequencies: IntArray) -> Legs:
    """``fixed_leg(maturity, frequency)`` of every pair at once, the same numbers stacked.

    Terms must pass ``plain_legs`` (checked by the caller, which falls back to ``fixed_leg``
    one by one to name a bad one). Leg k has n_k = max(1, ⌈T_k f_k − 1e-9⌉) dates
    T_k − (n_k − 1 − j) / f_k, j = 0..n_k − 1, and starts accruing a period before its first.
    """
    period = 1.0 / frequencies
    count = np.maximum(1, np.ceil(maturities * frequencies - _GRID_TOLERANCE).astype(np.intp))
    ends = np.cumsum(count)
    first = ends - count
    owner = np.repeat(np.arange(count.size), count)
    back = (ends - 1)[owner] - np.arange(owner.size)  # n_k − 1 − j
    times = maturities[owner] - period[owner] * back.astype(float)
    accrual_start = times[first] - period
    accruals = period[owner]
    accruals[first] = times[first] - accrual_start
    return Legs(times, accruals, accrual_start, np.concatenate([first, ends[-1:]]))
