"""Measures: a quantity of the positions written once, to optimize or to limit.

A measure gives its numbers (``measure_values``) and its value in scaled money
(``measure``). ``MeasureObjective`` minimizes it (or maximizes it, listed under
``objective.maximize``) with a weight; ``MeasureLimit`` bounds it, as a fraction of the
capital or of the liabilities' PV (``basis``): a ceiling ``max`` when lower is better, a floor
``min`` when higher is better (``higher_is_better``). A measure's two YAML keys are two thin
classes, e.g. ``Turnover(TradedAmount, MeasureObjective)`` and
``MaxTurnover(TradedAmount, MeasureLimit)``; ``registry.terms_of`` finds them.
"""

from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal

import numpy as np
from pydantic import Field

from ldi.instruments import Role
from ldi.optimize.context import Ops, Scaled
from ldi.optimize.terms.base import (
    TERMS,
    ConstraintTerm,
    Nonneg,
    ObjectiveTerm,
    Row,
    Sense,
    Term,
    Values,
    term,
)
from ldi.optimize.terms.options import Need, listed
from ldi.typing import FloatArray

ROLES = tuple(role.value for role in Role)


class Basis(StrEnum):
    """What a limit's fraction is of."""

    CAPITAL = "capital"  # the current holdings' value (``capital_of``)
    LIABILITIES = "liabilities"  # the liabilities' PV


def capital_of(data: Scaled) -> float:
    """The scaled capital a fraction limit refers to (never 0, so it can divide)."""
    return data.capital if data.capital > 0 else 1.0


def trade_mask(data: Scaled, roles: tuple[str, ...]) -> FloatArray:
    """1.0 for instruments whose role is in ``roles``."""
    return data.mask(*(Role(r) for r in roles))


def traded_amounts(data: Scaled, roles: tuple[str, ...]) -> FloatArray:
    """Money traded per unit of each instrument whose role is in ``roles`` (else 0), ≥ 0.

    |``Scaled.amounts``|: 1 per unit when the data is built, the value per unit once
    instruments have aged.
    """
    return trade_mask(data, roles) * np.abs(data.amounts())


def traded(ops: Ops, name: str, z: Any, p: Values) -> Any:
    """Σ_i a_i |z_i − z0_i| with a = ``p["per_unit"]`` (nonnegative) and z0 = ``p["holdings"]``.

    The trades are copied into a variable: a parameter may multiply |t| under DPP, but not
    |z − z0|, which holds the parameter z0.
    """
    return p["per_unit"] @ ops.abs(ops.copy(f"{name}.trades", z - p["holdings"]))


def surplus_factors(data: Scaled) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(B G per unit, ℓ G scaled, specific per unit): the factor form of surplus risk."""
    root = data.data.risk_model.root
    loadings = data.data.loadings.to_numpy(dtype=float) @ root
    liability = data.data.liability_loadings.to_numpy(dtype=float) @ root / data.scales.money
    return loadings, liability, data.data.specific.to_numpy(dtype=float)


@term
class Measure(Term):
    """A quantity of the positions: its numbers and its formula, in scaled money."""

    unit: ClassVar[str] = "money"
    higher_is_better: ClassVar[bool] = False
    basis: ClassVar[Basis] = Basis.LIABILITIES

    def measure_values(self, data: Scaled) -> Values:
        """The numbers the formula takes from the data (they become parameters)."""
        return {}

    def measure(self, ops: Ops, data: Scaled, z: Any, p: Values) -> Any:
        """The measure's value (scaled money)."""
        raise NotImplementedError


@term
class MeasureObjective(Measure, ObjectiveTerm):
    """A measure as an objective term: its value, weighted in the objective."""

    def values(self, data: Scaled) -> Values:
        """The measure's numbers."""
        return self.measure_values(data)

    def formula(self, ops: Ops, data: Scaled, z: Any, p: Values) -> Any:
        """The measure (scaled)."""
        return self.measure(ops, data, z, p)


@term
class MeasureLimit(Measure, ConstraintTerm):
    """A measure as a limit: measure ≤ ``max`` x basis, or ≥ ``min`` x basis if higher is better.

    A subclass declares its bound as a field ``max`` or ``min``, typed with its range (e.g.
    ``Annotated[float, Range(low=0.0)]``) and its default; the bound is tunable. One row in
    fractions of the basis, named ``max_<kind>`` or ``min_<kind>`` when an objective term has
    the same key.
    """

    @classmethod
    def side(cls) -> str:
        """``min`` for a measure where higher is better, else ``max``."""
        return "min" if cls.higher_is_better else "max"

    def default_name(self) -> str:
        """The key, or ``<side>_<key>`` apart from an objective term of the same key."""
        return f"{self.side()}_{self.kind}" if self.kind in TERMS["objective"] else self.kind

    def values(self, data: Scaled) -> Values:
        """The measure's numbers, the bound and the basis (scaled)."""
        base = data.liability("pv") if self.basis is Basis.LIABILITIES else capital_of(data)
        side = self.side()
        return {**self.measure_values(data), side: getattr(self, side) * base, "unit": base}

    def rows(self, ops: Ops, data: Scaled, z: Any, p: Values) -> list[Row]:
        """One row as a fraction of the basis."""
        sense = Sense.GE if self.higher_is_better else Sense.LE
        value = self.measure(ops, data, z, p)
        return [Row(self.name, value, sense, p[self.side()], p["unit"])]


@term
class TradedAmount(Measure):
    r"""Amount traded: Σ_i a_i |x_i − x0_i| over ``roles`` (money), a_i money per unit.

    a_i: ``traded_amounts`` (1 when the data is built). Convex. A limit is a fraction of the
    capital.
    """

    basis: ClassVar[Basis] = Basis.CAPITAL
    roles: Annotated[
        tuple[Literal[ROLES], ...],  # type: ignore[valid-type]
        Field(min_length=1),
        listed,
        Need(f"a list of roles from {list(ROLES)}"),
    ] = ROLES

    def measure_values(self, data: Scaled) -> Values:
        """Money per unit traded (nonnegative, 0 outside ``roles``) and current holdings."""
        return {
            "per_unit": Nonneg(traded_amounts(data, self.roles)),
            "holdings": data.holdings,
        }

    def measure(self, ops: Ops, data: Scaled, z: Any, p: Values) -> Any:
        """Σ a |z − z0| (scaled)."""
        return traded(ops, self.name, z, p)


@term
class SurplusRisk(Measure):
    r"""Surplus volatility under the factor model: √(‖Gᵀ(Bᵀz − ℓ)‖² + ‖d ∘ z‖²), one sd a year.

    B: factor loadings per unit (rates, inflation, credit, growth), ℓ: the liabilities', G:
    a root of the factor covariance, d: specific volatilities (``ldi.risk.factors``). Always
    in factor form, never a dense n x n covariance. A second-order cone.
    """

    unit: ClassVar[str] = "money a year (1 sd)"

    def measure_values(self, data: Scaled) -> Values:
        """Rotated loadings (GᵀBᵀ, factors x n), specific volatilities and ℓ G (scaled)."""
        loadings, liability, specific = surplus_factors(data)
        return {"loadings": loadings.T, "specific": specific, "liability": liability}

    def measure(self, ops: Ops, data: Scaled, z: Any, p: Values) -> Any:
        """The norm of the factor and specific surplus exposures (scaled)."""
        parts = ops.hstack([p["loadings"] @ z - p["liability"], ops.multiply(p["specific"], z)])
        return ops.norm2(parts)


@term
class SurplusGrowth(Measure):
    r"""Expected surplus growth over a year: Σ_i r_i x_i − r_L (money a year).

    r_i: a unit's expected return in money (bond yields, stated growth returns, minus the
    repo rate), r_L: the liabilities' growth at their discount rate. Linear. Higher is
    better: a limit is a floor, a fraction of the liabilities' PV.
    """

    unit: ClassVar[str] = "money a year"
    higher_is_better: ClassVar[bool] = True

    def measure_values(self, data: Scaled) -> Values:
        """Expected returns per unit and the liabilities' expected growth (scaled)."""
        return {
            "expected_return": data.column("expected_return"),
            "liability": data.liability("expected_return"),
        }

    def measure(self, ops: Ops, data: Scaled, z: Any, p: Values) -> Any:
        """R z − r_L (scaled)."""
        return p["expected_return"] @ z - p["liability"]
