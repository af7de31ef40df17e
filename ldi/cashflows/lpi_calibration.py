"""Caplet volatilities calibrated to zero-coupon LPI swaps.

A zero-coupon LPI swap of maturity T (whole years) on LPI(floor, cap) exchanges at T the
LPI uplift Π_{n=1..T} (1 + min(max(y_n, floor), cap)) for the fixed (1 + K)^T, and its par
rate K is quoted. Both legs pay at T, so discounting cancels and, in the model of
``Indexation`` (independent years, year n a collar on the forward f_n with deviation d_n),

    (1 + K(T))^T = U(T) = g_1 ⋯ g_T,   g_n = 1 + floor + C(f_n, floor) − C(f_n, cap).

On a ``CapletVolatility`` with expiries at the quoted maturities T_1 < … < T_m, year n's
deviation d_n depends only on the volatilities up to the first expiry at or after n, so
U(T_i) depends on σ_1, …, σ_i: the quotes are bootstrapped in turn, quote i fixing σ_i
given σ_1, …, σ_(i−1), and the surface reprices every quote.
"""

from collections.abc import Callable
from functools import partial

import numpy as np

from ldi.cashflows.indexation import Indexation, lpi_label
from ldi.curves.inflation import BreakevenCurve
from ldi.curves.inflation_volatility import CapletVolatility, VolatilityModel
from ldi.errors import DataError
from ldi.lazy import lazy_module
from ldi.typing import ArrayLike, FloatArray
from ldi.validation import (
    check_max_years,
    enum_choice,
    finite_vector,
    is_finite_number,
    plain,
    same_length,
    tenor_vector,
)

optimize = lazy_module("scipy.optimize")  # imported at the first root-find

E_NO_BOUND = (
    "{where}: no floor and no cap; expected an LPI floor, cap or both (full indexation "
    "does not depend on the volatility)"
)
E_ORDER = (
    "{where}: floor {floor!r} is not below cap {cap!r}; expected floor < cap (at floor = cap "
    "the LPI rate does not depend on the volatility)"
)
E_WHOLE = "{where}[{i}]: got {value!r}; expected a whole number of years (LPI fixes once a year)"
E_NO_ROOT = (
    "{where}[{i}]: got {value!r} at {tenor:g}y; expected an {lpi} rate the model reaches{given}, "
    "between {low:.6g} ({low_at}) and {high:.6g} ({high_at})"
)

SEARCH = np.linspace(0.0, 0.2, 41)
"""Volatilities scanned for each quote (decimals a year): at most 20%, in steps of 0.5%.

A quote's rate need not be monotone in σ (when some years' forwards lie nearer the floor and
others nearer the cap, volatility raises some years' growth and lowers others'), so the first
sign change of the mispricing on this grid brackets the root ``brentq`` refines, and a quote
the model reaches at two volatilities gets the lower one. With no sign change on the grid,
the extreme of the rate nearest the quote is located exactly, in case it reaches the quote
between two grid points.
"""
EPS = float(np.finfo(float).eps)


def lpi_swap_rates(
    maturities: ArrayLike, breakeven: BreakevenCurve, indexation: Indexation
) -> FloatArray:
    """Model par rates K(T) = U(T)^(1/T) − 1 of zero-coupon LPI swaps maturing at ``maturities``.

    Examples
    --------
    >>> from ldi.curves.inflation_volatility import YearlyVolatility
    >>> still = Indexation(floor=0.0, cap=0.025, volatility=YearlyVolatility(0.0))
    >>> round(float(lpi_swap_rates([2], BreakevenCurve.flat(0.03), still)[0]), 12)
    0.025
    """
    t = np.asarray(maturities, dtype=float)
    return np.expm1(np.log(indexation.expected(breakeven, t)) / t)


def calibrate_lpi(
    maturities: ArrayLike,
    rates: ArrayLike,
    breakeven: BreakevenCurve,
    floor: float | None,
    cap: float | None,
    model: VolatilityModel | str = VolatilityModel.NORMAL,
    where: str = "lpi_swaps",
) -> CapletVolatility:
    """The caplet volatilities, one per quote, that reprice zero-coupon LPI swap ``rates``.

    ``maturities`` are whole years, increasing; ``rates`` the par rates K (annual decimals)
    of LPI(``floor``, ``cap``) swaps on ``breakeven``. The surface's expiries are the
    maturities, and σ_i solves (1 + K_i)^(T_i) = U(T_i; σ_1, …, σ_i) to machine precision
    (``brentq`` on a bracket from ``SEARCH``). A quote no volatility in [0, 0.2] reprices is
    a DataError naming it and the rates the model reaches.

    Examples
    --------
    >>> curve = BreakevenCurve.flat(0.03)
    >>> surface = calibrate_lpi([1, 5], [0.0295, 0.029], curve, 0.0, 0.05)
    >>> surface.expiries
    (1.0, 5.0)
    >>> lpi = Indexation(floor=0.0, cap=0.05, volatility=surface)
    >>> np.round(lpi_swap_rates([1, 5], curve, lpi), 12).tolist()
    [0.0295, 0.029]
    """
    tenors, quotes, lpi = _checked(maturities, rates, floor, cap, where)
    model = enum_choice(VolatilityModel, model, f"{where}.model")
    solved: list[float] = []
    for i, (tenor, quote) in enumerate(zip(tenors, quotes, strict=True)):
        mispricing = partial(
            _mispricing,
            quote=float(quote),
            tenor=float(tenor),
            expiries=tuple(tenors[: i + 1]),
            solved=tuple(solved),
            model=model,
            breakeven=breakeven,
            lpi=lpi,
        )
        root = _lowest_root(mispricing)
        if root is None:
            raise DataError(_no_root(mispricing, where, i, float(tenor), float(quote), lpi))
        solved.append(root)
    origin = f"calibrated to {len(solved)} {lpi_label(lpi.floor, lpi.cap)} swaps"
    return CapletVolatility(tuple(tenors), tuple(solved), model, where, origin)


def _checked(
    maturities: ArrayLike, rates: ArrayLike, floor: float | None, cap: float | None, where: str
) -> tuple[FloatArray, FloatArray, Indexation]:
    """Validated maturities, rates and the LPI rule (its volatility left to each trial)."""
    tenors = tenor_vector(maturities, f"{where}.maturities")
    check_max_years(tenors, f"{where}.maturities")
    partial_years = np.flatnonzero(tenors != np.round(tenors))
    if partial_years.size:
        i = int(partial_years[0])
        raise DataError(E_WHOLE.format(where=f"{where}.maturities", i=i, value=float(tenors[i])))
    quotes = finite_vector(rates, f"{where}.rates")
    same_length(tenors, quotes, where, ("maturities", "rates"))
    if floor is None and cap is None:
        raise DataError(E_NO_BOUND.format(where=where))
    # Bounds in order when both are rates above -1; Indexation names any other bound.
    valid = [b for b in (floor, cap) if b is not None and is_finite_number(b) and b > -1]
    if len(valid) == 2 and valid[0] >= valid[1]:
        raise DataError(E_ORDER.format(where=where, floor=plain(floor), cap=plain(cap)))
    return tenors, quotes, Indexation(floor=floor, cap=cap, where=where)


def _mispricing(
    volatility: float,
    *,
    quote: float,
    tenor: float,
    expiries: tuple[float, ...],
    solved: tuple[float, ...],
    model: VolatilityModel,
    breakeven: BreakevenCurve,
    lpi: Indexation,
) -> float:
    """Model par rate minus ``quote`` at ``tenor`` when the newest expiry's σ is ``volatility``."""
    surface = CapletVolatility(expiries, (*solved, volatility), model)
    priced = Indexation(floor=lpi.floor, cap=lpi.cap, volatility=surface)
    return float(lpi_swap_rates([tenor], breakeven, priced)[0]) - quote


def _lowest_root(mispricing: Callable[[float], float]) -> float | None:
    """The lowest σ in [0, 0.2] at which ``mispricing`` is 0, or None when there is none."""
    gaps = np.array([mispricing(s) for s in SEARCH])
    crossings = np.flatnonzero(gaps[:-1] * gaps[1:] <= 0)
    if crossings.size:
        low, high = SEARCH[crossings[0]], SEARCH[crossings[0] + 1]
    else:
        # One sign all along the grid: look between grid points at the extreme nearest zero.
        side = float(np.sign(gaps[0]))
        high, nearest = _lowest(lambda s: side * mispricing(s), side * gaps)
        if nearest > 0:
            return None
        low = SEARCH[np.searchsorted(SEARCH, high) - 1]
    return float(optimize.brentq(mispricing, low, high, xtol=1e-16, rtol=4 * EPS))


def _lowest(f: Callable[[float], float], values: FloatArray) -> tuple[float, float]:
    """(σ, f(σ)) at the lowest f in [0, 0.2], from ``values`` = f on ``SEARCH``.

    A lowest value inside the grid is refined between its neighbours (bounded Brent).
    """
    j = int(np.argmin(values))
    if 0 < j < SEARCH.size - 1:
        best = optimize.minimize_scalar(
            f, bounds=(SEARCH[j - 1], SEARCH[j + 1]), method="bounded", options={"xatol": 1e-12}
        )
        if best.fun < values[j]:
            return float(best.x), float(best.fun)
    return float(SEARCH[j]), float(values[j])


def _no_root(
    mispricing: Callable[[float], float],
    where: str,
    i: int,
    tenor: float,
    quote: float,
    lpi: Indexation,
) -> str:
    """The no-root message: the lowest and highest rates the model reaches, and at which σ."""
    rates = np.array([mispricing(s) for s in SEARCH]) + quote
    low_at, low = _lowest(lambda s: mispricing(s) + quote, rates)
    high_at, high = _lowest(lambda s: -mispricing(s) - quote, -rates)
    return E_NO_ROOT.format(
        where=f"{where}.rates",
        i=i,
        value=quote,
        tenor=tenor,
        lpi=lpi_label(lpi.floor, lpi.cap),
        given=" given the shorter maturities' volatilities" if i else "",
        low=low,
        low_at=_at(low_at),
        high=-high,
        high_at=_at(high_at),
    )


def _at(volatility: float) -> str:
    """'no volatility' or e.g. 'volatility 0.2': the σ at which a rate is reached."""
    return "no volatility" if volatility == 0 else f"volatility {volatility:.3g}"
