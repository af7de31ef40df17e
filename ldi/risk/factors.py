"""A five-factor model of annual surplus risk: rates, inflation, credit, growth, bond–swap.

Factors and units: ``rates`` is a parallel move of nominal zero rates in bp, ``inflation`` a
parallel move of breakeven inflation in bp, ``credit`` a move of credit spreads in bp,
``growth`` the return of a broad equity-like factor (decimal) and ``bond_swap`` a move of
government bond yields against swap rates in bp (+: bonds cheapen; the swap curve moves by
minus it, ``ldi.scenarios.Move.bond_swap``). A position's loading on a factor is the money
it gains per unit of the factor: −PV01 on rates, +IE01 on inflation, −CS01 on credit,
−PV01 x (the move of its discount rate per bp of bond_swap) on bond_swap and value x β on
growth, where a growth asset of volatility σ has
β = ρ σ / σ_growth (ρ = ``growth_correlation``) and keeps a specific volatility σ√(1 − ρ²).
Surplus variance of positions x against liability loadings ℓ is
‖Gᵀ(Bᵀx − ℓ)‖² + ‖d ∘ x‖², with G Gᵀ the factor covariance, B the loadings per unit and d
the specific volatilities per unit: the factor form the optimizer uses.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from ldi.errors import DataError
from ldi.typing import FloatArray
from ldi.validation import is_finite_number, plain

FACTORS: tuple[str, ...] = ("rates", "inflation", "credit", "growth", "bond_swap")
E_VOLATILITY = "risk_model.volatility.{factor}: got {value!r}; expected a finite number >= 0"
E_FACTOR = "risk_model.volatility.{factor}: unknown factor; expected one of {factors}"
E_CORRELATION = "risk_model.correlation.{pair}: got {value!r}; expected a number in [-1, 1]"
E_PAIR = "risk_model.correlation.{pair}: unknown pair; expected names like {examples}"
E_NOT_PSD = (
    "risk_model.correlation: the matrix has eigenvalue {value:.3g} < 0; expected a valid "
    "(positive semi-definite) correlation matrix: loosen the largest correlations"
)
E_GROWTH_CORRELATION = (
    "risk_model.growth_correlation: got {value!r}; expected a number in [0, 1] such as 0.9"
)

# Annual volatilities: gilt yields and breakevens move about 90bp and 50bp a year, IG credit
# spreads about 60bp, and a global equity factor about 16%. Correlations are typical signs:
# yields and breakevens rise together; spreads widen when equities fall. Bonds against swaps
# move about 20bp a year (an estimate: docs/market-facts.md gives the moves behind it), with
# no stable sign against the others (gilts cheapened as yields rose in 2022, and as they
# fell in 2008), so 0.
DEFAULT_VOLATILITY: Mapping[str, float] = MappingProxyType(
    {"rates": 90.0, "inflation": 50.0, "credit": 60.0, "growth": 0.16, "bond_swap": 20.0}
)
DEFAULT_CORRELATION: Mapping[str, float] = MappingProxyType(
    {
        "rates_inflation": 0.3,
        "rates_credit": -0.2,
        "rates_growth": 0.2,
        "rates_bond_swap": 0.0,
        "inflation_credit": 0.0,
        "inflation_growth": 0.1,
        "inflation_bond_swap": 0.0,
        "credit_growth": -0.6,
        "credit_bond_swap": 0.0,
        "growth_bond_swap": 0.0,
    }
)


def pair_name(a: str, b: str) -> str:
    """The correlation key of factors ``a`` and ``b`` (in FACTORS order, e.g. rates_growth)."""
    first, second = sorted((a, b), key=FACTORS.index)
    return f"{first}_{second}"


@dataclass(frozen=True)
class RiskModel:
    """Factor volatilities (bp a year for rates, inflation, credit, bond_swap; decimal growth).

    ``correlation`` overrides pairs of ``DEFAULT_CORRELATION`` by name (``rates_growth``).
    """

    volatility: Mapping[str, float] = field(default_factory=lambda: DEFAULT_VOLATILITY)
    correlation: Mapping[str, float] = field(default_factory=dict)
    growth_correlation: float = 0.9

    def __post_init__(self) -> None:
        volatility = {**DEFAULT_VOLATILITY, **self.volatility}
        for factor, value in volatility.items():
            if factor not in FACTORS:
                raise DataError(E_FACTOR.format(factor=factor, factors=list(FACTORS)))
            if not (is_finite_number(value) and value >= 0):
                raise DataError(E_VOLATILITY.format(factor=factor, value=plain(value)))
        correlation = {**DEFAULT_CORRELATION, **self.correlation}
        for pair, value in correlation.items():
            if pair not in DEFAULT_CORRELATION:
                raise DataError(E_PAIR.format(pair=pair, examples=list(DEFAULT_CORRELATION)))
            if not (is_finite_number(value) and -1 <= value <= 1):
                raise DataError(E_CORRELATION.format(pair=pair, value=plain(value)))
        g = self.growth_correlation
        if not (is_finite_number(g) and 0 <= g <= 1):
            raise DataError(E_GROWTH_CORRELATION.format(value=plain(g)))
        object.__setattr__(self, "volatility", MappingProxyType(volatility))
        object.__setattr__(self, "correlation", MappingProxyType(correlation))
        lowest = float(np.linalg.eigvalsh(self.correlation_matrix).min())
        if lowest < -1e-10:
            raise DataError(E_NOT_PSD.format(value=lowest))

    @property
    def correlation_matrix(self) -> FloatArray:
        """Factor correlations, rows and columns in FACTORS order."""
        matrix = np.eye(len(FACTORS))
        for i, a in enumerate(FACTORS):
            for j, b in enumerate(FACTORS):
                if i != j:
                    matrix[i, j] = self.correlation[pair_name(a, b)]
        return matrix

    @property
    def covariance(self) -> FloatArray:
        """Factor covariance Σ = D R D (bp² for rates, inflation, credit; decimal² for growth)."""
        vol = np.array([self.volatility[f] for f in FACTORS])
        return vol[:, None] * self.correlation_matrix * vol[None, :]

    @property
    def root(self) -> FloatArray:
        """G with G Gᵀ = Σ (eigen-decomposition, so a singular Σ is fine)."""
        values, vectors = np.linalg.eigh(self.covariance)
        return vectors * np.sqrt(np.clip(values, 0.0, None))[None, :]

    def growth_loading(self, volatility: FloatArray) -> tuple[FloatArray, FloatArray]:
        """(β, specific volatility) of growth assets with total volatilities ``volatility``."""
        sigma = np.nan_to_num(np.asarray(volatility, dtype=float))
        rho, market = self.growth_correlation, self.volatility["growth"]
        beta = rho * sigma / market if market > 0 else np.zeros_like(sigma)
        specific = sigma * np.sqrt(1.0 - rho**2) if market > 0 else sigma
        return beta, specific
