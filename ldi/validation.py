"""Input checks shared by curves and cash flows; each error names the field, value and need."""

from collections.abc import Sequence
from enum import StrEnum
from typing import TypeVar

import numpy as np

from ldi.errors import DataError
from ldi.typing import ArrayLike, FloatArray

E_NOT_VECTOR = "{where}: expected a 1-D list of numbers, got {value!r}"
E_NOT_FINITE = "{where}[{i}]: got {value!r}; expected a finite number"
E_EMPTY = "{where}: got no values; expected at least one"
E_LENGTHS = "{where}: {n_a} {a} but {n_b} {b}; expected the same length"
E_NOT_POSITIVE = "{where}[{i}]: got {value!r}; expected a positive number of years"
E_CHOICE = "{where}: got {value!r}; expected one of {choices}"
E_NOT_INCREASING = "{where}[{i}]: got {value!r} after {previous!r}; expected strictly increasing"


def finite_vector(values: ArrayLike, where: str) -> FloatArray:
    """A read-only 1-D float array of finite numbers, or a DataError naming ``where``."""
    try:
        array = np.array(values, dtype=float, ndmin=1)
    except (TypeError, ValueError):
        raise DataError(E_NOT_VECTOR.format(where=where, value=values)) from None
    if array.ndim != 1:
        raise DataError(E_NOT_VECTOR.format(where=where, value=values))
    finite = np.isfinite(array)
    if not finite.all():
        i = int(np.flatnonzero(~finite)[0])
        raise DataError(E_NOT_FINITE.format(where=where, i=i, value=float(array[i])))
    array.setflags(write=False)
    return array


def same_length(a: FloatArray, b: FloatArray, where: str, names: tuple[str, str]) -> None:
    """Raise a DataError unless ``a`` and ``b`` have the same length."""
    if a.size != b.size:
        raise DataError(
            E_LENGTHS.format(where=where, n_a=a.size, a=names[0], n_b=b.size, b=names[1])
        )


def tenor_vector(values: ArrayLike, where: str) -> FloatArray:
    """Finite, positive, strictly increasing year fractions (curve pillars, key tenors)."""
    tenors = finite_vector(values, where)
    if tenors.size == 0:
        raise DataError(E_EMPTY.format(where=where))
    bad = np.flatnonzero(tenors <= 0)
    if bad.size:
        i = int(bad[0])
        raise DataError(E_NOT_POSITIVE.format(where=where, i=i, value=float(tenors[i])))
    strictly_increasing(tenors, where)
    return tenors


E = TypeVar("E", bound=StrEnum)


def enum_choice(enum: type[E], value: object, where: str) -> E:
    """``value`` as a member of ``enum``, or a DataError listing the valid choices."""
    try:
        return enum(value)
    except ValueError:
        choices = [member.value for member in enum]
        raise DataError(E_CHOICE.format(where=where, value=value, choices=choices)) from None


def strictly_increasing(values: FloatArray, where: str) -> None:
    """Raise a DataError naming the first value not above its predecessor."""
    bad = np.flatnonzero(np.diff(values) <= 0)
    if bad.size:
        i = int(bad[0]) + 1
        raise DataError(
            E_NOT_INCREASING.format(
                where=where, i=i, value=float(values[i]), previous=float(values[i - 1])
            )
        )


def is_finite_number(value: object) -> bool:
    """True for a finite real number; a bool, string or None is not one."""
    number = isinstance(value, int | float | np.integer | np.floating)
    return number and not isinstance(value, bool) and bool(np.isfinite(value))


def finite_numbers(values: Sequence[object]) -> bool:
    """True when every value is a finite real number (``is_finite_number`` of each, at once)."""
    numbers = all(
        issubclass(kind, int | float | np.integer | np.floating) and not issubclass(kind, bool)
        for kind in set(map(type, values))
    )
    return numbers and bool(np.isfinite(np.array(values, dtype=float)).all())


def plain(value: object) -> object:
    """A numpy scalar as the Python value, so messages show nan rather than np.float64(nan)."""
    return value.item() if isinstance(value, np.generic) else value


MAX_YEARS = 150.0
"""The longest time an input may name, in years: three times the longest gilt's 50 years."""
E_TOO_LONG = "{where}: got {value!r}; expected at most {max:g} years{slip}"


def date_slip(years: float) -> str:
    """The slip a number of years beyond MAX_YEARS suggests: a date, a year or months."""
    whole = float(years).is_integer()
    if whole and 19_000_101 <= years <= 22_001_231:
        month, day = divmod(int(years) % 10_000, 100)
        if 1 <= month <= 12 and 1 <= day <= 31:
            return "a date typed as a number of years? (write years from the valuation date)"
        return ""
    if whole and 1_900 <= years <= 2_200:
        return "a calendar year typed as a number of years? (write years from the valuation date)"
    if MAX_YEARS < years <= 12 * MAX_YEARS:
        return "months typed as years?"
    return ""


def check_max_years(values: ArrayLike, where: str, labels: Sequence[object] | None = None) -> None:
    """Raise a DataError naming the first of ``values`` beyond MAX_YEARS, with its slip.

    Longer times are typing slips, and would make year-by-year uprating (LPI) or coupon
    schedules allocate arrays as long as the time. An array's values are named ``where[i]``
    (``labels[i]`` in place of i when given: rows of a file), a single value ``where``.
    """
    array = np.asarray(values, dtype=float)
    beyond = array > MAX_YEARS
    if beyond.any():
        i = int(np.flatnonzero(beyond)[0])
        value = float(array.flat[i])
        slip = date_slip(value)
        name = where if array.ndim == 0 else f"{where}[{i if labels is None else labels[i]}]"
        raise DataError(
            E_TOO_LONG.format(
                where=name, value=value, max=MAX_YEARS, slip=f"; {slip}" if slip else ""
            )
        )


EXTRAPOLATION_TOLERANCE = 1.0
"""Years a flow may run past a curve's last tenor unreported (a bond settling past a pillar)."""
W_EXTRAPOLATED = (
    "{what}: flows run to {end:.1f}y, beyond the last tenor of curve {curve!r} ({last:.1f}y); "
    "rates beyond are extrapolated flat"
)


class ExtrapolationWarning(UserWarning):
    """Flows run past the last tenor of a curve that holds its last rate beyond it.

    Not an ``LDIWarning``: the numbers are as the curve defines them, only resting on rates
    no market quoted.
    """


def beyond_last_tenor(
    what: str, end: float, curve: str, last: float, tolerance: float = EXTRAPOLATION_TOLERANCE
) -> str | None:
    """The ``W_EXTRAPOLATED`` note when flows ending at ``end`` pass ``last`` + ``tolerance``."""
    if end <= last + tolerance:
        return None
    return W_EXTRAPOLATED.format(what=what, end=end, curve=curve, last=last)
