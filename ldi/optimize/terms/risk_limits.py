"""Risk-limit terms: limits on turnover, surplus volatility and expected surplus return.

Each is the row form of an objective term of ``ldi.optimize.terms.objectives``.
"""

from dataclasses import dataclass
from typing import Any, ClassVar

from ldi.optimize.context import Ops, Scaled
from ldi.optimize.terms.allocation import ROLES, capital_of
from ldi.optimize.terms.base import ConstraintTerm, Nonneg, Row, Sense, Values
from ldi.optimize.terms.objectives import surplus_factors, traded, traded_amounts


@dataclass(frozen=True, kw_only=True)
class MaxTurnover(ConstraintTerm):
    r"""Amount traded, Σ a_i |x_i − x0_i| over ``roles``, ≤ ``max`` x capital.

    a_i: money per unit, as for the ``turnover`` objective. YAML: ``turnover``.
    """

    kind: ClassVar[str] = "turnover"
    tunable: ClassVar[frozenset[str]] = frozenset({"max"})
    max: float = 0.0
    roles: tuple[str, ...] = ROLES

    def default_name(self) -> str:
        """``max_turnover``, apart from the ``turnover`` objective term."""
        return "max_turnover"

    def __post_init__(self) -> None:
        super().__post_init__()
        self.check_number("max", low=0.0)
        self.check("roles", f"a list of roles from {list(ROLES)}", set(self.roles) <= set(ROLES))

    def values(self, data: Scaled) -> Values:
        """Money per unit traded, holdings, the limit (scaled) and the capital."""
        capital = capital_of(data)
        return {
            "per_unit": Nonneg(traded_amounts(data, self.roles)),
            "holdings": data.holdings,
            "max": self.max * capital,
            "capital": capital,
        }

    def rows(self, ops: Ops, data: Scaled, z: Any, p: Values) -> list[Row]:
        """One row as a fraction of capital."""
        amount = traded(ops, self.name, z, p)
        return [Row(self.name, amount, Sense.LE, p["max"], p["capital"])]


@dataclass(frozen=True, kw_only=True)
class SurplusVolatility(ConstraintTerm):
    r"""Surplus volatility (factor model, one sd a year) ≤ ``max`` x the liabilities' PV.

    √(‖Gᵀ(Bᵀx − ℓ)‖² + ‖d ∘ x‖²) ≤ max·PV_L: a second-order cone. YAML: ``surplus_volatility``.
    """

    kind: ClassVar[str] = "surplus_volatility"
    tunable: ClassVar[frozenset[str]] = frozenset({"max"})
    max: float = 0.0

    def __post_init__(self) -> None:
        super().__post_init__()
        self.check_number("max", low=0.0)

    def values(self, data: Scaled) -> Values:
        """Rotated loadings (GᵀBᵀ), specific volatilities, ℓ G and the limit (scaled)."""
        liability = data.liability("pv")
        loadings, rotated, specific = surplus_factors(data)
        return {
            "loadings": loadings.T,
            "specific": specific,
            "liability": rotated,
            "max": self.max * liability,
            "unit": liability,
        }

    def rows(self, ops: Ops, data: Scaled, z: Any, p: Values) -> list[Row]:
        """One row as a fraction of the liabilities' PV."""
        parts = ops.hstack([p["loadings"] @ z - p["liability"], ops.multiply(p["specific"], z)])
        return [Row(self.name, ops.norm2(parts), Sense.LE, p["max"], p["unit"])]


@dataclass(frozen=True, kw_only=True)
class MinSurplusReturn(ConstraintTerm):
    r"""Expected surplus return, (Σ r_i x_i − r_L) / PV_L, ≥ ``min`` (decimal a year).

    The ``expected_surplus_return`` objective as a floor, in fractions of the liabilities'
    PV: e.g. ``min: 0.01`` asks the assets to outgrow the liabilities by 1% of them a year.
    Linear. Row ``min_expected_surplus_return``. YAML: ``expected_surplus_return``.
    """

    kind: ClassVar[str] = "expected_surplus_return"
    tunable: ClassVar[frozenset[str]] = frozenset({"min"})
    min: float = 0.0

    def default_name(self) -> str:
        """``min_expected_surplus_return``, apart from the objective term of that kind."""
        return "min_expected_surplus_return"

    def __post_init__(self) -> None:
        super().__post_init__()
        self.check_number("min", low=-1.0, high=1.0)

    def values(self, data: Scaled) -> Values:
        """Expected returns per unit, the floor and the liabilities' growth and PV (scaled)."""
        liability = data.liability("pv")
        return {
            "expected_return": data.column("expected_return"),
            "min": self.min * liability,
            "growth": data.liability("expected_return"),
            "unit": liability,
        }

    def rows(self, ops: Ops, data: Scaled, z: Any, p: Values) -> list[Row]:
        """One row as a fraction of the liabilities' PV."""
        surplus = p["expected_return"] @ z - p["growth"]
        return [Row(self.name, surplus, Sense.GE, p["min"], p["unit"])]
