"""Regulatory curves: market inputs up to a last liquid point, an ultimate forward beyond it.

- :class:`SmithWilsonCurve`: EIOPA's Smith–Wilson method (Solvency II), whose forward
  converges to the Ultimate Forward Rate (UFR) at speed α.
- :class:`ConstantForwardCurve`: DNB's method for Dutch pension funds from 1 January 2023,
  market zero rates to 50 years and the constant one-year forward f_{30,50} beyond.

Only inputs at tenors up to the last liquid point (LLP) are used; the LLP must be one of the
input tenors. The regulatory PV01 moves those inputs and re-extrapolates
(:meth:`~_InputBumps.input_bumps`). The spread bumps every curve has (``shifted``,
``key_rate_bumped``) move the extrapolated zero rates themselves: the market-basis view.
"""

from dataclasses import dataclass, field, replace
from typing import Self

import numpy as np

from ldi.curves.base import RateCurve
from ldi.curves.bootstrap import ParSwapStrip
from ldi.curves.interpolation import Interpolation, checked_term_structure, interpolate_zero
from ldi.curves.nss import QuoteKind
from ldi.curves.spread import NO_SPREAD, RateSpread, key_rate_weights
from ldi.errors import DataError
from ldi.lazy import lazy_module
from ldi.scheduling.schedule import check_frequency
from ldi.typing import ArrayLike, FloatArray
from ldi.units import BP, Compounding
from ldi.validation import MAX_YEARS, enum_choice, is_finite_number

optimize = lazy_module("scipy.optimize")  # imported at the first root-find

E_LLP = (
    "{where}.last_liquid_point: got {value!r}; expected a tenor among the inputs, at most "
    "{last!r} (the last input tenor)"
)
E_UFR = "SmithWilsonCurve.ufr: got {value!r}; expected an annual rate from 0 to 1 (0.033 is 3.3%)"
E_POSITIVE = "SmithWilsonCurve.{name}: got {value!r}; expected a positive number{extra}"
E_NO_ALPHA = (
    "SmithWilsonCurve.alpha: no convergence speed from {low} to {high} brings the forward "
    "intensity at {point!r} years within {tolerance!r} of ln(1 + ufr); give alpha"
)
E_NOT_POSITIVE = (
    "SmithWilsonCurve.ufr: got {value!r}; the fitted curve's discount factor is not positive "
    "at {t:g} years; expected a UFR nearer the inputs' forward rates, such as 0.033"
)
E_FORWARD_START = (
    "ConstantForwardCurve.forward_start: got {value!r}; expected a time above 0 and below "
    "last_liquid_point ({llp!r}); forward_start is 30 unless given"
)

ALPHA_MIN = 0.05  # EIOPA's lower bound for the convergence speed
_ALPHA_GRID = np.geomspace(ALPHA_MIN, 1.0, 61)  # scanned for the first α that converges
_FIT = ", or None to fit it"


class _InputBumps:
    """Re-fitting from moved market inputs: how the PV01 of an extrapolated curve is measured."""

    tenors: FloatArray
    rates: FloatArray

    def with_inputs(self, rates: ArrayLike) -> Self:
        """The same curve re-fitted and re-extrapolated from input ``rates`` (one per tenor)."""
        return replace(self, rates=rates)  # type: ignore[type-var]

    def input_bumps(self, keys: ArrayLike, bp: float = 1.0) -> list[Self]:
        """Curves for parallel −bp, +bp, then key 0 −bp, +bp, key 1 −bp, ... of the inputs.

        Key bump j moves the input rate at each input tenor u by bp·w_j(u)
        (:func:`~ldi.curves.spread.key_rate_weights`) and re-extrapolates. Inputs beyond the
        LLP are not used, so a key beyond it gets exposure only through the inputs its
        triangle reaches at or before the LLP: none when the LLP is itself a key.
        """
        moves = np.vstack([np.ones(self.tenors.size), key_rate_weights(keys, self.tenors)])
        return [self.with_inputs(self.rates + s * bp * BP * m) for m in moves for s in (-1, 1)]


def _liquid(tenors: FloatArray, llp: object, where: str) -> int:
    """Number of inputs used: those up to ``llp``, which must be one of the ``tenors``."""
    if not (is_finite_number(llp) and np.any(tenors == llp)):
        raise DataError(E_LLP.format(where=where, value=llp, last=float(tenors[-1])))
    return int(np.searchsorted(tenors, llp)) + 1


def _positive(value: float | None) -> bool:
    return value is not None and is_finite_number(value) and value > 0


def wilson(t: ArrayLike, u: FloatArray, alpha: ArrayLike, omega: float) -> FloatArray:
    """Wilson kernel W(t, u) = e^{−ω(t+u)} [α min(t,u) − e^{−α max(t,u)} sinh(α min(t,u))].

    Shape ``alpha.shape[:-2] + t.shape + u.shape`` for a scalar or stacked (..., 1, 1) α.
    """
    t = np.asarray(t, dtype=float)[..., None]
    low, high = np.minimum(t, u), np.maximum(t, u)
    return np.exp(-omega * (t + u)) * (alpha * low - np.exp(-alpha * high) * np.sinh(alpha * low))


@dataclass(frozen=True, eq=False)
class SmithWilsonCurve(_InputBumps, RateCurve):
    r"""EIOPA Smith–Wilson curve: P(t) = e^{−ωt} + Σ_l η_l W(t, u_l), with ω = ln(1 + ufr).

    Inputs at ``tenors`` up to ``last_liquid_point`` (default the last tenor) are annually
    compounded zero rates, or par swap ``rates`` with fixed-leg ``frequency`` when ``inputs``
    is ``"par"``. Instrument i pays c_il at dates u_l (C = I and m_i = (1 + r_i)^{−u_i} for
    zero rates; coupons r_i τ_l plus 1 at maturity and m_i = 1 for par swaps), and the
    weights η = Cᵀ (C W Cᵀ)⁻¹ (m − C μ), μ_l = e^{−ω u_l}, reprice every input exactly.

    ``ufr`` is an annual rate (0.033 is 3.3%); the forward intensity tends to ω. With
    ``alpha`` None the convergence speed is the smallest α >= 0.05 whose forward intensity
    at T = max(LLP + 40, 60) is within ``tolerance`` of ω (EIOPA): for t beyond the last
    date, f(t) − ω = α / (1 − κ e^{αt}) in closed form. Zero rates are reported in
    ``compounding``; ``spread`` is added to them (parallel and key-rate bumps).
    """

    tenors: FloatArray
    rates: FloatArray
    ufr: float
    last_liquid_point: float | None = None
    alpha: float | None = None
    inputs: QuoteKind = QuoteKind.ZERO
    frequency: int = 1
    tolerance: float = BP
    compounding: Compounding = Compounding.ANNUAL
    spread: RateSpread = field(default=NO_SPREAD)
    _omega: float = field(init=False, repr=False)  # ln(1 + ufr)
    _dates: FloatArray = field(init=False, repr=False)  # u: every input's payment dates
    _problem: tuple[FloatArray, FloatArray] = field(init=False, repr=False)  # C, m − Cμ
    _alpha: float = field(init=False, repr=False)
    _weights: FloatArray = field(init=False, repr=False)  # η

    def __post_init__(self) -> None:
        where = "SmithWilsonCurve"
        tenors, rates = checked_term_structure(self.tenors, self.rates, Compounding.ANNUAL, where)
        llp = tenors[-1] if self.last_liquid_point is None else self.last_liquid_point
        n = _liquid(tenors, llp, where)
        if not (is_finite_number(self.ufr) and 0 <= self.ufr < 1):
            raise DataError(E_UFR.format(value=self.ufr))
        if self.alpha is not None and not _positive(self.alpha):
            raise DataError(E_POSITIVE.format(name="alpha", value=self.alpha, extra=_FIT))
        if not _positive(self.tolerance):
            raise DataError(E_POSITIVE.format(name="tolerance", value=self.tolerance, extra=""))
        values = {
            "tenors": tenors,
            "rates": rates,
            "last_liquid_point": float(llp),
            "inputs": enum_choice(QuoteKind, self.inputs, f"{where}.inputs"),
            "frequency": check_frequency(self.frequency, where),
            "compounding": enum_choice(Compounding, self.compounding, f"{where}.compounding"),
            "_omega": float(np.log1p(self.ufr)),
        }
        for name, value in values.items():
            object.__setattr__(self, name, value)
        if self.inputs is QuoteKind.PAR:
            strip = ParSwapStrip(tenors[:n], self.frequency)
            flows = rates[:n, None] * strip.accruals
            flows[np.arange(n), strip.maturity_columns] += 1.0
            dates, prices = strip.times, np.ones(n)
        else:
            dates, flows = tenors[:n], np.eye(n)
            prices = Compounding.ANNUAL.discount(rates[:n], dates)
        object.__setattr__(self, "_dates", dates)
        object.__setattr__(self, "_problem", (flows, prices - flows @ np.exp(-self._omega * dates)))
        alpha = self._fitted_alpha() if self.alpha is None else float(self.alpha)
        object.__setattr__(self, "_alpha", alpha)
        object.__setattr__(self, "_weights", self._fit(alpha))
        self._check_positive()

    def _check_positive(self) -> None:
        """Refuse a fit whose discount factor reaches 0 within MAX_YEARS (a UFR far off)."""
        grid = np.arange(0.25, MAX_YEARS + 0.25, 0.25)
        price = (
            np.exp(-self._omega * grid)
            + wilson(grid, self._dates, self._alpha, self._omega) @ self._weights
        )
        bad = np.flatnonzero(~(price > 0))
        if bad.size:
            raise DataError(E_NOT_POSITIVE.format(value=self.ufr, t=float(grid[bad[0]])))

    @property
    def convergence_speed(self) -> float:
        """α in use: ``alpha`` when given, else the one fitted to the convergence criterion."""
        return self._alpha

    @property
    def convergence_point(self) -> float:
        """T = max(LLP + 40, 60) years, where the forward must be near the UFR."""
        return max(self.last_liquid_point + 40.0, 60.0)

    def _fit(self, alpha: ArrayLike) -> FloatArray:
        """η (..., dates) for a scalar α or a stack of them (shape (k, 1, 1))."""
        flows, rhs = self._problem
        system = flows @ wilson(self._dates, self._dates, alpha, self._omega) @ flows.T
        return np.linalg.solve(system, rhs[..., None])[..., 0] @ flows

    def _gap(self, alpha: ArrayLike, weights: FloatArray) -> FloatArray:
        """|f(T) − ω| = α|b| e^{−αT} / |1 + a − b e^{−αT}|, for α of shape () or (k,).

        a = α Σ_l η̃_l u_l and b = Σ_l η̃_l sinh(α u_l) with η̃_l = η_l e^{−ω u_l}: beyond the
        last date P(t) = e^{−ωt} (1 + a − b e^{−αt}), whose intensity is ω − αb e^{−αt}/(...).
        """
        alpha = np.asarray(alpha, dtype=float).reshape(-1, 1)
        scaled = weights * np.exp(-self._omega * self._dates)
        a = np.sum(scaled * alpha * self._dates, axis=-1)
        b = np.sum(scaled * np.sinh(alpha * self._dates), axis=-1)
        tail = b * np.exp(-alpha[:, 0] * self.convergence_point)
        return alpha[:, 0] * np.abs(tail) / np.abs(1.0 + a - tail)

    def _fitted_alpha(self) -> float:
        """Smallest α >= ALPHA_MIN meeting the criterion: first on a grid, then brentq."""
        stack = _ALPHA_GRID[:, None, None]
        excess = self._gap(_ALPHA_GRID, self._fit(stack)) - self.tolerance
        ok = np.flatnonzero(excess <= 0)
        if ok.size == 0:
            raise DataError(
                E_NO_ALPHA.format(
                    low=ALPHA_MIN,
                    high=_ALPHA_GRID[-1],
                    point=self.convergence_point,
                    tolerance=self.tolerance,
                )
            )
        if ok[0] == 0:
            return ALPHA_MIN

        def gap_excess(alpha: float) -> float:
            return float(self._gap(alpha, self._fit(alpha))[0]) - self.tolerance

        low, high = _ALPHA_GRID[ok[0] - 1], _ALPHA_GRID[ok[0]]
        return float(
            optimize.brentq(gap_excess, low, high, xtol=1e-14, rtol=4 * np.finfo(float).eps)
        )

    def _model_rate(self, t: FloatArray) -> FloatArray:
        """−ln P(t) / t re-quoted in ``compounding``; at t = 0 the short rate −P′(0)."""
        t = np.asarray(t, dtype=float)
        alpha, omega, dates = self._alpha, self._omega, self._dates
        price = np.exp(-omega * t) + wilson(t, dates, alpha, omega) @ self._weights
        scaled = self._weights * np.exp(-omega * dates)
        short = omega - alpha * float(scaled @ -np.expm1(-alpha * dates))
        safe = np.where(t > 0, t, 1.0)
        continuous = np.where(t > 0, -np.log(price) / safe, short)
        return self.compounding.from_continuous(continuous, t)


@dataclass(frozen=True, eq=False)
class ConstantForwardCurve(_InputBumps, RateCurve):
    r"""DNB curve: market zero rates to the LLP L, then a constant one-year forward f_{s,L}.

    ``rates`` are annually compounded zero rates at ``tenors``, linear in the zero rate
    between them (flat before the first) up to L = ``last_liquid_point``. Beyond,
    DF(L + h) = DF(L) (1 + f)^{−h} with (1 + f)^{L−s} = (1 + z_L)^L / (1 + z_s)^s and
    s = ``forward_start``. DNB's defaults are L = 50 and s = 30 (De Nederlandsche Bank,
    "Vaststelling rentetermijnstructuur pensioenfondsen vanaf 1 januari 2023", 2022).
    Zero rates are reported in ``compounding``; ``spread`` is added to them.
    """

    tenors: FloatArray
    rates: FloatArray
    last_liquid_point: float = 50.0
    forward_start: float = 30.0
    compounding: Compounding = Compounding.ANNUAL
    spread: RateSpread = field(default=NO_SPREAD)
    _market_inputs: tuple[FloatArray, FloatArray] = field(init=False, repr=False)  # up to L
    _log_growth: float = field(init=False, repr=False)  # L ln(1 + z_L)
    _log_forward: float = field(init=False, repr=False)  # ln(1 + f)

    def __post_init__(self) -> None:
        where = "ConstantForwardCurve"
        tenors, rates = checked_term_structure(self.tenors, self.rates, Compounding.ANNUAL, where)
        n = _liquid(tenors, self.last_liquid_point, where)
        llp, start = float(self.last_liquid_point), self.forward_start
        if not (is_finite_number(start) and 0 < start < llp):
            raise DataError(E_FORWARD_START.format(value=start, llp=llp))
        compounding = enum_choice(Compounding, self.compounding, f"{where}.compounding")
        log_growth = np.log1p(self._market(np.array([start, llp]), tenors[:n], rates[:n]))
        log_growth *= np.array([start, llp])
        values = {
            "tenors": tenors,
            "rates": rates,
            "last_liquid_point": llp,
            "forward_start": float(start),
            "compounding": compounding,
            "_market_inputs": (tenors[:n], rates[:n]),
            "_log_growth": float(log_growth[1]),
            "_log_forward": float((log_growth[1] - log_growth[0]) / (llp - start)),
        }
        for name, value in values.items():
            object.__setattr__(self, name, value)

    @staticmethod
    def _market(t: FloatArray, tenors: FloatArray, rates: FloatArray) -> FloatArray:
        return interpolate_zero(t, tenors, rates, Compounding.ANNUAL, Interpolation.LINEAR_ZERO)

    @property
    def ultimate_forward(self) -> float:
        """f_{s,L}, the annual one-year forward beyond the LLP (DNB's UFR)."""
        return float(np.expm1(self._log_forward))

    def _model_rate(self, t: FloatArray) -> FloatArray:
        t = np.asarray(t, dtype=float)
        llp = self.last_liquid_point
        market = np.log1p(self._market(np.minimum(t, llp), *self._market_inputs))
        beyond = t > llp
        safe = np.where(beyond, t, 1.0)
        extrapolated = (self._log_growth + (t - llp) * self._log_forward) / safe
        return self.compounding.from_continuous(np.where(beyond, extrapolated, market), t)
