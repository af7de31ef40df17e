"""Pillar term structures: checking tenors and rates, and interpolating zero rates.

Between pillars the zero rate is linear in t (``linear_zero``) or the log discount factor is
(``log_linear_discount``); before the first and after the last pillar the zero rate is flat.
"""

from enum import StrEnum

import numpy as np

from ldi.errors import DataError
from ldi.typing import ArrayLike, FloatArray
from ldi.units import Compounding
from ldi.validation import finite_vector, same_length, tenor_vector

E_DISCOUNT = (
    "{where}.rates[{i}]: {value!r} gives a non-positive discount factor at t={t!r} with "
    "{compounding} compounding; expected a rate above {bound!r}"
)


class Interpolation(StrEnum):
    """How rates between pillars are found; both extrapolate the zero rate flat."""

    LINEAR_ZERO = "linear_zero"
    LOG_LINEAR_DISCOUNT = "log_linear_discount"


def checked_term_structure(
    tenors: ArrayLike, rates: ArrayLike, compounding: Compounding, where: str
) -> tuple[FloatArray, FloatArray]:
    """Validated pillars and rates: same length, finite, positive increasing tenors, DF > 0."""
    tenors = tenor_vector(tenors, f"{where}.tenors")
    rates = finite_vector(rates, f"{where}.rates")
    same_length(tenors, rates, where, ("tenors", "rates"))
    bound = compounding.lowest_rate(tenors)
    bad = np.flatnonzero(rates <= bound)
    if bad.size:
        i = int(bad[0])
        raise DataError(
            E_DISCOUNT.format(
                where=where,
                i=i,
                value=float(rates[i]),
                t=float(tenors[i]),
                compounding=compounding.value,
                bound=float(bound[i]),
            )
        )
    return tenors, rates


def interpolate_zero(
    t: FloatArray,
    tenors: FloatArray,
    rates: FloatArray,
    compounding: Compounding,
    interpolation: Interpolation,
) -> FloatArray:
    """Zero rate at ``t`` from pillars, flat before the first and after the last tenor."""
    linear = np.interp(t, tenors, rates)
    if interpolation is Interpolation.LINEAR_ZERO or tenors.size == 1:
        return linear
    log_df = np.interp(t, tenors, np.log(compounding.discount(rates, tenors)))
    inside = (t > tenors[0]) & (t < tenors[-1])
    safe_t = np.where(inside, t, 1.0)
    from_df = compounding.from_continuous(-log_df / safe_t, safe_t)
    return np.where(inside, from_df, linear)
