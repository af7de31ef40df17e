"""Risk limits: turnover, surplus volatility and expected surplus return, bounded.

Each is a measure of ``ldi.optimize.terms.measures`` as a limit; the objective terms of the
same measures are in ``ldi.optimize.terms.objectives``.
"""

from typing import Annotated, ClassVar

from ldi.optimize.terms.base import term
from ldi.optimize.terms.measures import MeasureLimit, SurplusGrowth, SurplusRisk, TradedAmount
from ldi.optimize.terms.options import Range
from ldi.plausible import SURPLUS_VOLATILITY, TURNOVER


@term
class MaxTurnover(TradedAmount, MeasureLimit):
    r"""Amount traded, Σ a_i |x_i − x0_i| over ``roles``, ≤ ``max`` x capital.

    a_i: money per unit, as for the ``turnover`` objective. Row ``max_turnover``.
    YAML: ``turnover``.
    """

    kind: ClassVar[str] = "turnover"
    tunable: ClassVar[frozenset[str]] = frozenset({"max"})
    max: Annotated[float, Range(low=0.0, plausible=TURNOVER)] = 0.0


@term
class SurplusVolatility(SurplusRisk, MeasureLimit):
    r"""Surplus volatility (factor model, one sd a year) ≤ ``max`` x the liabilities' PV.

    √(‖Gᵀ(Bᵀx − ℓ)‖² + ‖d ∘ x‖²) ≤ max·PV_L: a second-order cone. YAML: ``surplus_volatility``.
    """

    kind: ClassVar[str] = "surplus_volatility"
    tunable: ClassVar[frozenset[str]] = frozenset({"max"})
    max: Annotated[float, Range(low=0.0, plausible=SURPLUS_VOLATILITY)] = 0.0


@term
class MinSurplusReturn(SurplusGrowth, MeasureLimit):
    r"""Expected surplus return, (Σ r_i x_i − r_L) / PV_L, ≥ ``min`` (decimal a year).

    The ``expected_surplus_return`` objective as a floor, in fractions of the liabilities'
    PV: e.g. ``min: 0.01`` asks the assets to outgrow the liabilities by 1% of them a year.
    Linear. Row ``min_expected_surplus_return``. YAML: ``expected_surplus_return``.
    """

    kind: ClassVar[str] = "expected_surplus_return"
    tunable: ClassVar[frozenset[str]] = frozenset({"min"})
    min: Annotated[float, Range(low=-1.0, high=1.0)] = 0.0
