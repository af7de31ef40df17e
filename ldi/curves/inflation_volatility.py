"""Year-on-year inflation volatility: what prices each year's LPI cap and floor.

Year n's year-on-year rate y_n = I(n)/I(n−1) − 1 is modelled one of two ways:

- ``normal`` (Bachelier): y_n ~ N(f_n, d_n²), the market's quoting model for year-on-year
  caps and floors since negative strikes and rates became common;
- ``lognormal`` (unit-displaced Black): 1 + y_n lognormal with mean 1 + f_n and log-sd d_n.

The standard deviation d_n of the year fixing at expiry T comes from a volatility:

- ``CapletVolatility``: implied caplet volatilities σ(T) at expiries, d = σ(T)√T, total
  variance σ²T linear between expiries and σ flat outside them (what a year-on-year cap
  surface or LPI swap calibration gives);
- ``YearlyVolatility``: d = σ for every year, the practitioners' "Black model" in which the
  index takes a random walk with σ a year, so each year's inflation is as uncertain as the
  next whatever its horizon.
"""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

import numpy as np

from ldi.errors import DataError
from ldi.lazy import lazy_module
from ldi.typing import ArrayLike, FloatArray
from ldi.validation import enum_choice, finite_vector, is_finite_number, plain, strictly_increasing

special = lazy_module("scipy.special")  # imported at the first option price

E_NEGATIVE = "{where}: got {value!r} at {position}; expected a volatility >= 0"
E_LENGTHS = "{where}: {n} expiries and {m} volatilities; expected one volatility per expiry"
E_EXPIRY = "{where}.expiries: got {value!r}; expected expiries in years > 0"


class VolatilityModel(StrEnum):
    """How a year-on-year rate is distributed around its forward."""

    NORMAL = "normal"
    LOGNORMAL = "lognormal"

    def call(self, forward: ArrayLike, strike: ArrayLike, deviation: ArrayLike) -> FloatArray:
        """Undiscounted E[(y − K)^+] for a year-on-year rate y with mean ``forward``.

        normal: (f − K) N(z) + d n(z), z = (f − K)/d; lognormal: Black on 1 + y with strike
        1 + K and log-sd d. At d = 0 both are the intrinsic value max(f − K, 0).
        """
        f, k, d = (np.atleast_1d(np.asarray(x, dtype=float)) for x in (forward, strike, deviation))
        shape = np.broadcast_shapes(*(np.shape(x) for x in (forward, strike, deviation)))
        if np.all(d > 0):  # checked on the deviations as given, before any broadcast
            return self._option(f, k, d).reshape(shape)
        f, k, d = np.broadcast_arrays(f, k, d)
        random = d > 0
        option = self._option(f, k, np.where(random, d, 1.0))
        return np.where(random, option, np.maximum(f - k, 0.0)).reshape(shape)

    def _option(self, f: FloatArray, k: FloatArray, d: FloatArray) -> FloatArray:
        """The option value of ``call`` for deviations d > 0 (arrays of one dimension or more)."""
        if self is VolatilityModel.NORMAL:
            gap = f - k
            z = gap / d
            density = -0.5 * z
            density *= z
            np.exp(density, out=density)
            density *= d
            density /= np.sqrt(2 * np.pi)
            option = special.ndtr(z)
            option *= gap
            option += density
            return option
        d1 = (np.log((1 + f) / (1 + k)) + 0.5 * d**2) / d
        return (1 + f) * special.ndtr(d1) - (1 + k) * special.ndtr(d1 - d)

    def collar(
        self, forward: ArrayLike, floor: float | None, cap: float | None, deviation: ArrayLike
    ) -> FloatArray:
        """E[min(max(y, floor), cap)] = floor + C(floor) − C(cap); an absent bound is open."""
        value = np.asarray(forward, dtype=float)
        if floor is not None:
            value = self.call(forward, floor, deviation)
            value += floor
        if cap is not None:
            capped = self.call(forward, cap, deviation)
            if floor is None:
                value = value - capped
            else:
                value -= capped  # the floor's own array
        return value


class InflationVolatility(Protocol):
    """Standard deviation of each year's year-on-year rate, and the model it belongs to."""

    model: VolatilityModel

    def deviation(self, expiry: ArrayLike) -> FloatArray:
        """d(T) of the year-on-year rate fixing at ``expiry`` years."""
        ...

    def describe(self) -> str:
        """The volatility in words, for reports."""
        ...


@dataclass(frozen=True)
class CapletVolatility:
    """Caplet volatilities σ(T) at ``expiries`` (years): d(T) = σ(T)√T.

    Total variance σ²T is linear between expiries; σ is flat before the first and after the
    last. Volatilities are decimals (normal: 0.01 is 100bp a year). ``origin`` says where
    they come from, for reports (e.g. 'calibrated to 6 LPI(0%, 5%) swaps').

    Examples
    --------
    >>> surface = CapletVolatility((1.0, 10.0), (0.01, 0.01))
    >>> round(float(surface.deviation(4.0)), 12)
    0.02
    """

    expiries: tuple[float, ...]
    volatilities: tuple[float, ...]
    model: VolatilityModel = VolatilityModel.NORMAL
    where: str = field(default="inflation_volatility", compare=False, repr=False)
    origin: str = field(default="", compare=False, repr=False)

    def __post_init__(self) -> None:
        expiries = finite_vector(self.expiries, f"{self.where}.expiries")
        vols = finite_vector(self.volatilities, f"{self.where}.volatilities")
        if expiries.size != vols.size or expiries.size == 0:
            raise DataError(E_LENGTHS.format(where=self.where, n=expiries.size, m=vols.size))
        if expiries[0] <= 0:
            raise DataError(E_EXPIRY.format(where=self.where, value=plain(expiries[0])))
        strictly_increasing(expiries, f"{self.where}.expiries")
        negative = np.flatnonzero(vols < 0)
        if negative.size:
            i = int(negative[0])
            raise DataError(
                E_NEGATIVE.format(
                    where=f"{self.where}.volatilities[{i}]",
                    value=plain(vols[i]),
                    position=f"expiry {plain(expiries[i])}",
                )
            )
        object.__setattr__(self, "expiries", tuple(float(x) for x in expiries))
        object.__setattr__(self, "volatilities", tuple(float(x) for x in vols))
        object.__setattr__(
            self, "model", enum_choice(VolatilityModel, self.model, f"{self.where}.model")
        )

    @classmethod
    def flat(
        cls, volatility: float, model: VolatilityModel | str = VolatilityModel.NORMAL
    ) -> "CapletVolatility":
        """The same caplet volatility at every expiry: d(T) = σ√T."""
        return cls((1.0,), (volatility,), enum_choice(VolatilityModel, model, "model"))

    def describe(self) -> str:
        """In words, e.g. 'normal caplet volatilities 1.4% (1y) to 0.9% (30y)', and ``origin``."""
        first, last = self.volatilities[0], self.volatilities[-1]
        span = f"{100 * first:.3g}% ({self.expiries[0]:g}y)"
        if len(self.expiries) > 1:
            span += f" to {100 * last:.3g}% ({self.expiries[-1]:g}y)"
        origin = f", {self.origin}" if self.origin else ""
        return f"{self.model} caplet volatilities {span}{origin}"

    def deviation(self, expiry: ArrayLike) -> FloatArray:
        """d(T) = √(total variance at T), variance σ²T linear between expiries."""
        t = np.maximum(np.asarray(expiry, dtype=float), 0.0)
        knots = np.asarray(self.expiries)
        vols = np.asarray(self.volatilities)
        variance = np.interp(t, knots, vols**2 * knots)
        # Flat volatility outside the expiries: σ_first²T before, σ_last²T after.
        variance = np.where(t < knots[0], vols[0] ** 2 * t, variance)
        variance = np.where(t > knots[-1], vols[-1] ** 2 * t, variance)
        return np.sqrt(variance)


@dataclass(frozen=True)
class YearlyVolatility:
    """Each year's inflation varies by ``volatility`` whatever its horizon: d(T) = σ.

    The index takes a random walk of σ a year, so year n's rate, seen from today, is as
    uncertain as year 1's.
    """

    volatility: float
    model: VolatilityModel = VolatilityModel.LOGNORMAL
    where: str = field(default="inflation_volatility", compare=False, repr=False)

    def __post_init__(self) -> None:
        if not is_finite_number(self.volatility) or self.volatility < 0:
            raise DataError(
                E_NEGATIVE.format(
                    where=f"{self.where}.volatility",
                    value=plain(self.volatility),
                    position="every year",
                )
            )
        object.__setattr__(self, "volatility", float(self.volatility))
        object.__setattr__(
            self, "model", enum_choice(VolatilityModel, self.model, f"{self.where}.model")
        )

    def describe(self) -> str:
        """In words, e.g. 'lognormal 1.5% a year'."""
        return f"{self.model} {100 * self.volatility:g}% a year"

    def deviation(self, expiry: ArrayLike) -> FloatArray:
        """d(T) = σ for every expiry."""
        return np.full(np.shape(expiry), self.volatility)


DEFAULT_LPI_VOLATILITY = YearlyVolatility(0.015, VolatilityModel.LOGNORMAL)
"""With no market data: RPI a random walk of 1.5% a year, "a common assumption" for the Black
model of LPI (L&G, *Which LPI model is right for my scheme?*, 2023)."""
