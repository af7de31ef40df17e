"""Nelson–Siegel–Svensson curves and their least-squares fit to zero or par quotes."""

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import pandas as pd

from ldi.curves.base import RateCurve
from ldi.curves.bootstrap import ParSwapStrip
from ldi.curves.interpolation import checked_term_structure
from ldi.curves.spread import NO_SPREAD, RateSpread
from ldi.errors import DataError
from ldi.lazy import lazy_module
from ldi.scheduling.schedule import check_frequency
from ldi.typing import ArrayLike, FloatArray
from ldi.units import BP, Compounding
from ldi.validation import enum_choice

optimize = lazy_module("scipy.optimize")  # imported at the first root-find

E_TAU = "NelsonSiegelSvensson.{name}: got {value!r}; expected a positive decay time in years"
E_TOO_FEW = "fit_nss: got {n} quotes; expected at least 6 to fit 6 parameters"

# Starting decay times (years) for the multi-start fit; the best local fit wins.
_TAU_STARTS = ((0.5, 5.0), (1.0, 10.0), (2.0, 15.0), (3.0, 30.0), (5.0, 1.5))
_TAU_BOUNDS = (0.05, 50.0)


class QuoteKind(StrEnum):
    """What the quotes given to :func:`fit_nss` are."""

    ZERO = "zero"
    PAR = "par"


def _loadings(t: FloatArray, tau: float) -> tuple[FloatArray, FloatArray]:
    """Slope (1 − e^{−x})/x and hump (1 − e^{−x})/x − e^{−x} loadings at x = t/τ (1, 0 at t=0)."""
    x = np.asarray(t, dtype=float) / tau
    safe = np.where(x > 0, x, 1.0)
    slope = np.where(x > 0, -np.expm1(-safe) / safe, 1.0)
    return slope, slope - np.exp(-x)


@dataclass(frozen=True, eq=False)
class NelsonSiegelSvensson(RateCurve):
    r"""Zero rate z(t) = β0 + β1 S(t/τ1) + β2 H(t/τ1) + β3 H(t/τ2), in ``compounding``.

    S(x) = (1 − e^{−x})/x and H(x) = S(x) − e^{−x}. β are decimals, τ years. z(0) = β0 + β1
    and z(∞) = β0. Continuous compounding is the usual quotation (central banks publish so).
    """

    beta0: float
    beta1: float
    beta2: float
    beta3: float
    tau1: float
    tau2: float
    compounding: Compounding = Compounding.CONTINUOUS
    spread: RateSpread = field(default=NO_SPREAD)

    def __post_init__(self) -> None:
        for name in ("tau1", "tau2"):
            value = getattr(self, name)
            if not (np.isfinite(value) and value > 0):
                raise DataError(E_TAU.format(name=name, value=value))
        compounding = enum_choice(Compounding, self.compounding, "NelsonSiegelSvensson.compounding")
        object.__setattr__(self, "compounding", compounding)

    @property
    def params(self) -> tuple[float, ...]:
        """(β0, β1, β2, β3, τ1, τ2)."""
        return (self.beta0, self.beta1, self.beta2, self.beta3, self.tau1, self.tau2)

    def _model_rate(self, t: FloatArray) -> FloatArray:
        slope1, hump1 = _loadings(t, self.tau1)
        _, hump2 = _loadings(t, self.tau2)
        return self.beta0 + self.beta1 * slope1 + self.beta2 * hump1 + self.beta3 * hump2


@dataclass(frozen=True, eq=False)
class NSSFit:
    """A fitted curve, its residuals (model − quote, bp, indexed by tenor) and their RMS."""

    curve: NelsonSiegelSvensson
    residuals_bp: pd.Series
    rmse_bp: float


def fit_nss(
    tenors: ArrayLike,
    rates: ArrayLike,
    kind: QuoteKind | str = QuoteKind.ZERO,
    frequency: int = 1,
    compounding: Compounding | str = Compounding.CONTINUOUS,
) -> NSSFit:
    """Least-squares NSS fit to zero rates (in ``compounding``) or par swap rates.

    Par quotes are repriced on the candidate curve with fixed-leg ``frequency``. Several
    starting decay times are tried and the lowest sum of squares kept, because the NSS
    objective has local minima in (τ1, τ2).
    """
    kind = enum_choice(QuoteKind, kind, "fit_nss.kind")
    frequency = check_frequency(frequency, "fit_nss")
    compounding = enum_choice(Compounding, compounding, "fit_nss.compounding")
    tenors, quotes = checked_term_structure(tenors, rates, compounding, "fit_nss")
    if tenors.size < 6:
        raise DataError(E_TOO_FEW.format(n=tenors.size))

    swaps = ParSwapStrip(tenors, frequency) if kind is QuoteKind.PAR else None

    def model(params: FloatArray) -> FloatArray:
        curve = NelsonSiegelSvensson(*params, compounding=compounding)
        return swaps.rates(curve) if swaps else curve.zero_rate(tenors)

    def residuals(params: FloatArray) -> FloatArray:
        return (model(params) - quotes) / BP

    lower = [-np.inf] * 4 + [_TAU_BOUNDS[0]] * 2
    upper = [np.inf] * 4 + [_TAU_BOUNDS[1]] * 2
    fits = [
        optimize.least_squares(
            residuals, _start(tenors, quotes, tau1, tau2), bounds=(lower, upper), x_scale="jac"
        )
        for tau1, tau2 in _TAU_STARTS
    ]
    best = min(fits, key=lambda fit: fit.cost)
    curve = NelsonSiegelSvensson(*best.x, compounding=compounding)
    errors = residuals(best.x)
    return NSSFit(
        curve=curve,
        residuals_bp=pd.Series(errors, index=pd.Index(tenors, name="tenor"), name="residual_bp"),
        rmse_bp=float(np.sqrt(np.mean(errors**2))),
    )


def _start(tenors: FloatArray, quotes: FloatArray, tau1: float, tau2: float) -> FloatArray:
    """Betas by linear least squares on the quotes for fixed decay times: a good first guess."""
    slope1, hump1 = _loadings(tenors, tau1)
    _, hump2 = _loadings(tenors, tau2)
    design = np.column_stack([np.ones_like(tenors), slope1, hump1, hump2])
    betas = np.linalg.lstsq(design, quotes, rcond=None)[0]
    return np.concatenate([betas, [tau1, tau2]])
