"""Mortality: one-year death rates by age, improved by calendar year, and survival.

A basis's rates are q(x, y): the chance that a life aged x (whole years, age last birthday)
at the start of calendar year y dies within the year. They come from a base table in its
base year B, q_B(x), or from a law of mortality, improved year by year:

    q(x, y) = q_B(x) Π_{s=B+1}^{y} (1 − i(x, s))

with i the improvement scale (a constant long-term rate, as the CMI model tends to, or a
table by age and year such as the SOA's MP scales). A member's path is then the rates
along the diagonal, q(x₀ + t, Y₀ + t) for t = 0, 1, …, and its survival
ₜp = Π_{k<t} (1 − q(x₀ + k, Y₀ + k)). Every function works on arrays: members x years.
"""

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ldi.errors import DataError
from ldi.lazy import lazy_module
from ldi.typing import ArrayLike, FloatArray

optimize = lazy_module("scipy.optimize")  # imported at the first root-find

E_RATES = "{where}: got {value!r} at age {age}; expected a death rate in [0, 1]"
E_AGES = "{where}: got ages {value}; expected whole ages rising by 1 ({problem})"
E_BEYOND = (
    "{where}: got age {age}; expected ages the table covers, {first} to {last} (a life "
    "older than the table's last age cannot be projected)"
)
E_LAW = "{where}: got {name}={value!r}; expected {expected}"
E_IMPROVEMENT = "{where}: got {value!r}; expected {expected}"
E_SCALE = "{where}: scale got {value!r}; expected {expected}"
E_SCALE_YEARS = "{where}.scale: got years {value}; expected {expected}"
E_SCALE_RATE = (
    "{where}.scale: got {value!r} at age {age} in {year}; expected a yearly rate between "
    "-10% and 10%"
)
E_LONGER = (
    "{where}: got {value!r} more years; expected more than 0 and at most {reach:.2f}, what "
    "rates a thousandth as high add at {age:g}"
)
HORIZON = 150  # years a life is followed: past any table's closing age
MOST_SCALE = 10.0  # the largest factor on a table's rates


@dataclass(frozen=True)
class Makeham:
    """Gompertz-Makeham force of mortality μ_x = A + B cˣ (Gompertz when A = 0).

    ₜpₓ = exp(−A t − B cˣ (cᵗ − 1) / ln c), so qₓ = 1 − ₁pₓ in closed form.
    """

    a: float
    b: float
    c: float
    name: str = "Makeham"

    def __post_init__(self) -> None:
        checks = {
            "a": (self.a, "a rate >= 0", self.a >= 0),
            "b": (self.b, "a rate > 0", self.b > 0),
            "c": (self.c, "a growth factor > 1", self.c > 1),
        }
        for key, (value, expected, ok) in checks.items():
            if not (np.isfinite(value) and ok):
                raise DataError(
                    E_LAW.format(where=self.name, name=key, value=value, expected=expected)
                )

    def survival(self, age: ArrayLike, years: ArrayLike) -> FloatArray:
        """ₜpₓ for ages x and durations t (years), broadcast together."""
        x, t = np.asarray(age, dtype=float), np.asarray(years, dtype=float)
        log_c = np.log(self.c)
        return np.exp(-self.a * t - self.b * self.c**x * np.expm1(t * log_c) / log_c)

    def rates(self, age: ArrayLike) -> FloatArray:
        """qₓ = 1 − ₁pₓ at ages x."""
        return 1.0 - self.survival(age, 1.0)

    def table(self, first: int, last: int, source: str = "") -> "Table":
        """The law's rates at whole ages ``first``..``last`` as a table."""
        ages = np.arange(first, last + 1)
        return Table(self.rates(ages), first, self.name, source or self.name)


# The Society of Actuaries' Standard Ultimate Life Table (its long-term actuarial
# mathematics exams): Makeham with A = 0.00022, B = 2.7e-6, c = 1.124.
SULT = Makeham(0.00022, 2.7e-6, 1.124, name="SULT")


@dataclass(frozen=True)
class Table:
    """One-year death rates qₓ at whole ages ``first``, ``first`` + 1, … (age last birthday).

    ``name`` and ``source`` say which table it is and where it was published. A life still
    alive past the last age dies within the year: q = 1 there (the table's closing age).
    """

    q: FloatArray
    first: int
    name: str
    source: str = ""

    def __post_init__(self) -> None:
        q = np.asarray(self.q, dtype=float)
        bad = np.flatnonzero(~np.isfinite(q) | (q < 0) | (q > 1))
        if q.ndim != 1 or q.size == 0:
            raise DataError(E_RATES.format(where=self.name, value=q.tolist(), age=self.first))
        if bad.size:
            age = self.first + int(bad[0])
            raise DataError(E_RATES.format(where=self.name, value=float(q[bad[0]]), age=age))
        object.__setattr__(self, "q", q)

    @classmethod
    def of(cls, rates: pd.Series, name: str, source: str = "") -> "Table":
        """A table from rates indexed by whole age (named errors for gaps or rates)."""
        ages = np.asarray(rates.index, dtype=float)
        problem = _age_problem(ages)
        if problem:
            raise DataError(E_AGES.format(where=name, value=ages.tolist()[:8], problem=problem))
        return cls(rates.to_numpy(dtype=float), int(ages[0]), name, source)

    @property
    def last(self) -> int:
        """The oldest age with a rate."""
        return self.first + self.q.size - 1

    def rates(self, age: ArrayLike) -> FloatArray:
        """qₓ at whole ages (1 past the last age; an error below the first)."""
        x = np.floor(np.asarray(age, dtype=float)).astype(int)
        young = x < self.first
        if np.any(young):
            self.check_covers(x[young])
        return np.where(x > self.last, 1.0, self.q[np.clip(x - self.first, 0, self.q.size - 1)])

    def outside(self, ages: ArrayLike) -> np.ndarray:
        """True where an age (last birthday) is outside first..last."""
        x = np.floor(np.asarray(ages, dtype=float))
        return (x < self.first) | (x > self.last)

    def check_covers(self, ages: ArrayLike) -> None:
        """A DataError naming the first age outside first..last (members' ages today)."""
        x = np.floor(np.asarray(ages, dtype=float)).astype(int).ravel()
        out = np.flatnonzero(self.outside(x))
        if out.size:
            age = int(x[out[0]])
            raise DataError(
                E_BEYOND.format(where=self.name, age=age, first=self.first, last=self.last)
            )


def _age_problem(ages: FloatArray) -> str:
    """What is wrong with a table's ages ('' when they are whole and rise by 1)."""
    if ages.size == 0:
        return "no ages"
    odd = np.flatnonzero(ages != np.round(ages))
    if odd.size:
        return f"{ages[odd[0]]:g} is not a whole age"
    step = np.flatnonzero(np.diff(ages) != 1)
    if step.size:
        after = ages[step[0]]
        return f"{after:g} is followed by {ages[step[0] + 1]:g}, not {after + 1:g}"
    return ""


@dataclass(frozen=True)
class Improvement:
    """Yearly improvement in mortality: i(x, s) by age x and calendar year s.

    A constant ``rate`` (a long-term rate such as the CMI model's 1.5% a year) or a
    ``scale`` (index: whole age; columns: calendar year; outside its ages the nearest
    age's rates, after its last year its last year's, as the SOA's MP scales are used).
    ``factor`` gives Π_{s=B+1}^{y} (1 − i(x, s)) from the base year B.
    """

    rate: float = 0.0
    scale: pd.DataFrame | None = field(default=None, compare=False)
    name: str = "improvement"

    def __post_init__(self) -> None:
        if not (np.isfinite(self.rate) and -0.1 < self.rate < 0.1):
            expected = "a yearly rate between -10% and 10%"
            raise DataError(
                E_IMPROVEMENT.format(where=self.name, value=self.rate, expected=expected)
            )
        if self.scale is not None:
            self._check_scale(self.scale)

    def _check_scale(self, scale: pd.DataFrame) -> None:
        """Whole ages rising by 1, years rising, every rate finite and within ±10%."""
        ages = np.asarray(scale.index, dtype=float)
        years = np.asarray(scale.columns, dtype=float)
        problem = _age_problem(ages)
        if problem:
            value = ages.tolist()[:8]
            raise DataError(E_AGES.format(where=f"{self.name}.scale", value=value, problem=problem))
        if years.size == 0 or np.any(np.diff(years) <= 0):
            expected = "calendar years rising, one column each"
            raise DataError(
                E_SCALE_YEARS.format(
                    where=self.name, value=list(scale.columns[:8]), expected=expected
                )
            )
        values = scale.to_numpy(dtype=float)
        bad = np.argwhere(~(np.isfinite(values) & (np.abs(values) < 0.1)))
        if bad.size:
            i, j = bad[0]
            raise DataError(
                E_SCALE_RATE.format(
                    where=self.name, value=float(values[i, j]), age=int(ages[i]), year=int(years[j])
                )
            )

    def factor(self, age: ArrayLike, year: ArrayLike, base_year: int) -> FloatArray:
        """Π_{s=B+1}^{y} (1 − i(x, s)) at ages x and years y (1 when y ≤ B), broadcast."""
        x = np.floor(np.asarray(age, dtype=float)).astype(int)
        y = np.asarray(year, dtype=int)
        x, y = np.broadcast_arrays(x, y)
        if self.scale is None:
            return (1.0 - self.rate) ** np.maximum(y - base_year, 0)
        ages = self.scale.index.to_numpy(dtype=int)
        years = self.scale.columns.to_numpy(dtype=int)
        span = np.arange(base_year + 1, max(int(y.max(initial=base_year)), base_year) + 1)
        column = np.clip(np.searchsorted(years, span, side="right") - 1, 0, years.size - 1)
        rates = self.scale.to_numpy(dtype=float)[:, column]  # (ages, years B+1..)
        cumulative = np.concatenate(
            [np.ones((ages.size, 1)), np.cumprod(1.0 - rates, axis=1)], axis=1
        )  # column k: through year B + k
        row = np.clip(x - ages[0], 0, ages.size - 1)
        return cumulative[row, np.clip(y - base_year, 0, span.size)]


@dataclass(frozen=True)
class Mortality:
    """A base table (or law) in its ``base_year``, improved by ``improvement``.

    ``scale`` multiplies every rate (a longevity stress: 0.9 is mortality 10% lower).
    """

    table: Table
    base_year: int
    improvement: Improvement = Improvement()
    scale: float = 1.0

    def __post_init__(self) -> None:
        if not (np.isfinite(self.scale) and 0 < self.scale <= MOST_SCALE):
            expected = f"a factor on the rates above 0 and at most {MOST_SCALE:g}"
            raise DataError(
                E_SCALE.format(where=self.table.name, value=self.scale, expected=expected)
            )

    def rates(self, age: ArrayLike, year: ArrayLike) -> FloatArray:
        """q(x, y) = k q_B(x) Π (1 − i(x, s)), at most 1 (k the ``scale``)."""
        base = self.table.rates(age) * self.improvement.factor(age, year, self.base_year)
        return np.minimum(self.scale * base, 1.0)

    def scaled(self, factor: float) -> "Mortality":
        """The same mortality with every rate ``factor`` times as high."""
        return replace(self, scale=self.scale * factor)

    def expectation(self, age: float, year: int) -> float:
        """Complete life expectancy e̊ at ``age`` in ``year`` (cohort: rates improve on)."""
        return float(life_expectancy(self.paths([age], year, HORIZON))[0])

    def paths(self, age: ArrayLike, year: int, years: int) -> FloatArray:
        """Each life's rates for its next ``years`` years: (lives, years), q(x₀ + t, Y₀ + t)."""
        x0 = np.asarray(age, dtype=float).reshape(-1, 1)
        t = np.arange(years)[None, :]
        return self.rates(x0 + t, year + t)

    def survivals(self, age: ArrayLike, year: int, years: int, young: bool = False) -> FloatArray:
        """ₜp for t = 0..``years`` of each life (lives, years + 1), age last birthday.

        Lives of one whole age share a path, so each age's is computed once. ``young``: a
        life younger than the table takes its first age's rate until it reaches it.
        """
        whole = np.floor(np.asarray(age, dtype=float)).astype(int)
        ages, inverse = np.unique(whole, return_inverse=True)
        t = np.arange(years)
        at = ages[:, None] + t
        if young:
            at = np.maximum(at, self.table.first)
        return survival(self.rates(at, year + t))[inverse.ravel()]


def longevity_scale(mortality: Mortality, extra_years: float, age: float, year: int) -> float:
    """The factor k on every rate that adds ``extra_years`` to e̊ at ``age`` in ``year``.

    e̊ falls as k rises, so k < 1 lengthens lives; found by Brent's method on (0, 1].
    """
    target = mortality.expectation(age, year) + extra_years

    def gap(k: float) -> float:
        return mortality.scaled(k).expectation(age, year) - target

    low = 1e-3
    if not (extra_years > 0 and gap(low) > 0):
        reach = mortality.scaled(low).expectation(age, year) - target + extra_years
        raise DataError(
            E_LONGER.format(where=mortality.table.name, value=extra_years, reach=reach, age=age)
        )
    return float(optimize.brentq(gap, low, 1.0, xtol=1e-12))


def survival(q: FloatArray) -> FloatArray:
    """ₜp for t = 0..T from rates (lives, T): column t is Π_{k<t} (1 − q_k); (lives, T + 1)."""
    q = np.atleast_2d(np.asarray(q, dtype=float))
    alive = np.cumprod(1.0 - q, axis=1)
    return np.concatenate([np.ones((q.shape[0], 1)), alive], axis=1)


def annuity_due(q: FloatArray, rate: float) -> FloatArray:
    """ä = Σ_t vᵗ ₜp over the rates' years (a year's payment in advance), per life."""
    alive = survival(q)[:, :-1]
    discount = (1.0 + rate) ** -np.arange(alive.shape[1])
    return alive @ discount


def life_expectancy(q: FloatArray) -> FloatArray:
    """Complete expectation of life e̊ = Σ_t (ₜp + ₜ₊₁p) / 2 (deaths mid-year), per life."""
    alive = survival(q)
    return 0.5 * (alive[:, :-1] + alive[:, 1:]).sum(axis=1)
