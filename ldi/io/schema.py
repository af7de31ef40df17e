"""The problem-file schema (pydantic): plain, frozen values checked key by key.

This covers the sections needed to value liabilities (``curves``, ``liabilities``); the
schema version key ``ldi`` lets later versions add sections without breaking old files.
"""

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

from ldi.curves.zero import Interpolation
from ldi.units import Compounding

SCHEMA_VERSION = 1
TAG_PREFIX = "kind="  # marks union tags in pydantic error locations; not part of the YAML path


class Spec(BaseModel):
    """Base of every section: frozen, and unknown keys are errors that list the known ones."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(str(key) for key in set(data) - set(cls.model_fields))
            if unknown:
                raise ValueError(
                    f"unknown key(s) {unknown}; expected only {list(cls.model_fields)}"
                )
        return data


class TermStructureSpec(Spec):
    """Rates at pillar tenors: ``tenors`` in years, ``rates`` decimals, one per tenor."""

    tenors: list[float] = Field(min_length=1)
    rates: list[float] = Field(min_length=1)


class ZeroCurveSpec(TermStructureSpec):
    """Zero rates at pillar tenors, quoted in ``compounding``."""

    kind: Literal["zero"] = "zero"
    compounding: Compounding = Compounding.ANNUAL
    interpolation: Interpolation = Interpolation.LINEAR_ZERO


class ParSwapCurveSpec(TermStructureSpec):
    """Par swap rates at tenors, bootstrapped into a zero curve quoted in ``compounding``."""

    kind: Literal["par_swap"]
    frequency: Literal[1, 2, 4] = 1
    compounding: Compounding = Compounding.ANNUAL
    interpolation: Interpolation = Interpolation.LINEAR_ZERO


class BreakevenCurveSpec(TermStructureSpec):
    """Zero-coupon breakeven inflation rates (annual) at tenors."""

    kind: Literal["breakeven"]


NOMINAL_KINDS = ("zero", "par_swap")


def _curve_kind(value: Any) -> str:
    kind = value.get("kind", "zero") if isinstance(value, dict) else getattr(value, "kind", None)
    return f"{TAG_PREFIX}{kind}"


CurveSpec = Annotated[
    Annotated[ZeroCurveSpec, Tag(f"{TAG_PREFIX}zero")]
    | Annotated[ParSwapCurveSpec, Tag(f"{TAG_PREFIX}par_swap")]
    | Annotated[BreakevenCurveSpec, Tag(f"{TAG_PREFIX}breakeven")],
    Discriminator(
        _curve_kind,
        custom_error_type="curve_kind",
        custom_error_message="unknown curve kind; expected kind: zero, par_swap or breakeven",
    ),
]


class CashflowRowSpec(Spec):
    """One payment: year fraction, fixed nominal amount, inflation-linked real amount."""

    time: float
    fixed: float = 0.0
    inflation_linked: float = 0.0


class LiabilitiesSpec(Spec):
    """Benefit cash flows and their discount basis (a named curve plus a spread)."""

    discount_curve: str
    spread: float = 0.0
    inflation_curve: str | None = None
    cashflows: str | list[CashflowRowSpec]


class ProblemSpec(Spec):
    """A whole problem file."""

    ldi: Literal[1]
    name: str
    currency: str = "GBP"
    valuation_date: date | None = None
    curves: dict[str, CurveSpec] = Field(min_length=1)
    liabilities: LiabilitiesSpec
