"""The problem-file schema (pydantic): plain, frozen values checked key by key.

Sections: ``curves``, ``market`` (default curves of instruments), ``liabilities``,
``instruments``, ``holdings``, the decision: ``objective``, ``constraints``,
``solver``, ``risk_model``, ``groups`` and ``keys``, then ``collateral`` (the collateral
policy) and ``stress`` (scenarios). Term entries are a union of the registered terms, whose
options are their typed fields (``ldi.optimize.terms``). The schema version key
``ldi`` lets later versions add sections without breaking old files. Field names of
instrument specs are the parameters of the instrument classes; a field left out takes the
convention default of its kind.
"""

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from difflib import get_close_matches
from enum import StrEnum
from typing import Annotated, Any, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    Tag,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import InitErrorDetails, PydanticCustomError, core_schema

from ldi.curves.nss import QuoteKind
from ldi.curves.zero import Interpolation
from ldi.instruments.isin import isin_problem
from ldi.io.limits import bounds_problems
from ldi.liquidity.recapitalisation import DEADLINE_DAYS, TARGET_BP
from ldi.optimize.terms.registry import TAG_PREFIX, TERMS, entries
from ldi.plausible import (
    BENEFIT,
    BP_VOLATILITY,
    COUPON,
    DURATION,
    EXPECTED_RETURN,
    INDEX_RATIO,
    INDEXATION_LAG,
    INFLATION_VOLATILITY,
    LEVEL_BP,
    LIMIT_BP,
    MONEY,
    MOVE_BP,
    PRICE,
    RATE,
    REVERSION_SPEED,
    SPREAD,
    STRESS_RETURN,
    VOLATILITY,
    YEARS,
    Plausible,
)
from ldi.risk.factors import FACTORS
from ldi.scenarios.carry import CarryConvention
from ldi.scenarios.scenario import MOST_MORTALITY_SCALE, MOST_SCALE, RateUnits
from ldi.scenarios.simulation import DEFAULT_DEGREES_OF_FREEDOM, Dynamics, Innovations
from ldi.scheduling.dates import iso_date
from ldi.scheduling.schedule import FREQUENCIES
from ldi.units import Compounding
from ldi.validation import MAX_YEARS

SCHEMA_VERSION = 1


class UnknownKeysError(ValueError):
    """Keys a section does not have; ``keys`` lets the loader name each one's path."""

    def __init__(self, keys: list[str], known: list[str]) -> None:
        self.keys, self.known = keys, known
        super().__init__(f"unknown key(s) {keys}; expected only {known}")

    def describe(self, key: str) -> str:
        """What is wrong with ``key``, with the closest known key when one is near."""
        close = get_close_matches(key, self.known, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return f"unknown key; {hint}expected only {self.known}"


def _upper(value: Any) -> Any:
    """A currency code in any case, as ISO 4217 writes it (eur -> EUR)."""
    return value.upper() if isinstance(value, str) else value


def _not_bool(value: Any) -> Any:
    """YAML true/false would otherwise be read as 1.0/0.0 where a number is expected."""
    if isinstance(value, bool):
        raise ValueError("expected a number, not true or false")
    return value


Number = Annotated[float, BeforeValidator(_not_bool)]
"""A number: an int, a float or a numeric string (PyYAML reads 60.0e6 as a string)."""


def _within(plausible: Plausible) -> AfterValidator:
    """A check that a number lies in ``plausible``'s range (``ldi.plausible``)."""

    def check(value: float) -> float:
        if value not in plausible:
            raise ValueError(plausible.expected(value))
        return value

    return AfterValidator(check)


def _not_beyond_max_years(value: float) -> float:
    if value > MAX_YEARS:
        raise ValueError(YEARS.expected(value))
    return value


Time = Annotated[Number, AfterValidator(_not_beyond_max_years)]
"""Years, at most MAX_YEARS; > 0 is checked by the curves (tenors) or by past_flows (payments)."""
Years = Annotated[Number, Field(gt=0), _within(YEARS)]
Rate = Annotated[Number, _within(RATE)]
Spread = Annotated[Number, _within(SPREAD)]
Coupon = Annotated[Number, _within(COUPON)]
Lag = Annotated[Number, Field(ge=0), _within(INDEXATION_LAG)]
Volatility = Annotated[Number, Field(ge=0), _within(VOLATILITY)]
InflationVolatility = Annotated[Number, Field(ge=0), _within(INFLATION_VOLATILITY)]
Money = Annotated[Number, _within(MONEY)]
MoveBp = Annotated[Number, _within(MOVE_BP)]
RISE_BP = replace(MOVE_BP, what="a rise in bp", low=TARGET_BP[0], high=TARGET_BP[1])
TenorMoveBp = Annotated[Number, _within(replace(MOVE_BP, least=0.0))]
"""One tenor's move of a term structure: below 1bp at some tenors is a shape, not a slip."""

E_IMPLAUSIBLE = "implausible"  # the pydantic error type of checks that need other keys
E_PAST_ROW = (
    "on or before the valuation date (t <= 0); expected payments after it, or "
    "liabilities.past_flows: drop to leave past flows out"
)
E_ISIN_TWICE = (
    "already the ISIN of instruments[{index}] ({id}); expected each ISIN on one instrument"
)
E_NO_INSTRUMENTS = "expected at least one instrument when the file has an objective"


def _invalid(title: str, problems: Sequence[tuple[tuple[int | str, ...], Any, str]]) -> None:
    """Raise the ``(location, value, message)`` problems found by a check across keys.

    Raised inside a validator, pydantic prefixes each location with the field's own path.
    """
    if problems:
        raise ValidationError.from_exception_data(
            title,
            [
                InitErrorDetails(
                    type=PydanticCustomError(E_IMPLAUSIBLE, message), loc=loc, input=value
                )
                for loc, value, message in problems
            ],
        )


class Spec(BaseModel):
    """Base of every section: frozen, and unknown keys are errors that list the known ones.

    Types are not strict: PyYAML reads ``60.0e6`` (YAML 1.1) as a string, so numeric strings
    must still be read as numbers.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, defer_build=True)

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = [str(key) for key in data if key not in cls.model_fields]
            if unknown:
                raise UnknownKeysError(unknown, list(cls.model_fields))
        return data


class TermStructureSpec(Spec):
    """Rates at pillar tenors: ``tenors`` in years, ``rates`` decimals, one per tenor."""

    tenors: list[Time] = Field(min_length=1)
    rates: list[Rate] = Field(min_length=1)


class ZeroCurveSpec(TermStructureSpec):
    """Zero rates at pillar tenors, quoted in ``compounding``.

    ``base`` names the nominal curve this one is read as a spread over (risk only).
    """

    kind: Literal["zero"] = "zero"
    compounding: Compounding = Compounding.ANNUAL
    interpolation: Interpolation = Interpolation.LINEAR_ZERO
    base: str | None = None


class ParSwapCurveSpec(TermStructureSpec):
    """Par swap rates at tenors, bootstrapped into a zero curve quoted in ``compounding``."""

    kind: Literal["par_swap"]
    frequency: Literal[1, 2, 4] = 1
    compounding: Compounding = Compounding.ANNUAL
    interpolation: Interpolation = Interpolation.LINEAR_ZERO
    base: str | None = None


class SmithWilsonCurveSpec(TermStructureSpec):
    """EIOPA Smith–Wilson curve to the Ultimate Forward Rate ``ufr`` from market inputs.

    ``rates`` are annual zero rates (``inputs: zero``) or par swap rates (``inputs: par``,
    fixed-leg ``frequency``); only inputs up to ``last_liquid_point`` are used. ``alpha``
    (absent: fitted to EIOPA's convergence criterion) is the convergence speed.
    """

    kind: Literal["smith_wilson"]
    ufr: Annotated[Rate, Field(ge=0)]
    last_liquid_point: Time | None = None
    alpha: Annotated[Number, Field(gt=0)] | None = None
    inputs: QuoteKind = QuoteKind.ZERO
    frequency: Literal[1, 2, 4] = 1
    base: str | None = None


class ConstantForwardCurveSpec(TermStructureSpec):
    """DNB curve: annual zero ``rates`` to ``last_liquid_point``, a constant forward beyond.

    The forward is the one from ``forward_start`` to the last liquid point.
    """

    kind: Literal["constant_forward"]
    last_liquid_point: Time = 50.0
    forward_start: Time = 30.0
    base: str | None = None


class SpreadCurveSpec(Spec):
    """The nominal curve ``base`` plus ``spreads`` (decimals) at ``tenors``, linear between."""

    kind: Literal["spread"]
    base: str
    tenors: list[Time] = Field(min_length=1)
    spreads: list[Spread] = Field(min_length=1)


LagMonths = Annotated[int, Field(ge=0, le=12)]
"""An indexation lag in whole months (3 or 8 for gilts, 2 for swaps)."""


class BreakevenCurveSpec(TermStructureSpec):
    """Zero-coupon breakeven inflation rates (annual) at tenors.

    ``lag_months``: the lag of the index the quotes reference (2 for UK RPI swaps), against
    which instruments' own ``lag_months`` are measured.
    """

    kind: Literal["breakeven"]
    lag_months: LagMonths | None = None


class WedgeCurveSpec(Spec):
    """The breakeven curve ``base`` less a forward wedge: ``wedges[i]`` from ``starts[i]`` on.

    E.g. CPI as RPI less the RPI–CPI wedge, which steps when RPI is aligned with CPIH.
    """

    kind: Literal["wedge"]
    base: str
    starts: list[Time] = Field(min_length=1)
    wedges: list[Spread] = Field(min_length=1)


NOMINAL_KINDS = ("zero", "par_swap", "spread", "smith_wilson", "constant_forward")
BREAKEVEN_KINDS = ("breakeven", "wedge")


def _kind(default: str | None) -> Any:
    """Discriminator callable: the ``kind`` key (``default`` when absent) as a union tag."""

    def kind(value: Any) -> str | None:
        if isinstance(value, dict):
            return f"{TAG_PREFIX}{value.get('kind', default)}"
        if isinstance(value, BaseModel):
            return f"{TAG_PREFIX}{getattr(value, 'kind', None)}"
        return None  # not a mapping: reported as the union's error, with the value

    return kind


CurveSpec = Annotated[
    Annotated[ZeroCurveSpec, Tag(f"{TAG_PREFIX}zero")]
    | Annotated[ParSwapCurveSpec, Tag(f"{TAG_PREFIX}par_swap")]
    | Annotated[SpreadCurveSpec, Tag(f"{TAG_PREFIX}spread")]
    | Annotated[SmithWilsonCurveSpec, Tag(f"{TAG_PREFIX}smith_wilson")]
    | Annotated[ConstantForwardCurveSpec, Tag(f"{TAG_PREFIX}constant_forward")]
    | Annotated[BreakevenCurveSpec, Tag(f"{TAG_PREFIX}breakeven")]
    | Annotated[WedgeCurveSpec, Tag(f"{TAG_PREFIX}wedge")],
    Discriminator(
        _kind("zero"),
        custom_error_type="curve_kind",
        custom_error_message=(
            "unknown curve kind; expected zero, par_swap, spread, smith_wilson, "
            "constant_forward, breakeven or wedge"
        ),
    ),
]


class CashflowRowSpec(Spec):
    """One payment: year fraction, fixed nominal amount, inflation-linked real amount."""

    time: Time
    fixed: Number = 0.0
    inflation_linked: Number = 0.0
    status: str | None = None
    tranche: str | None = None
    deferred_until: Time | None = None


def _cashflows_form(value: Any) -> str | None:
    """Discriminator callable: a string is a CSV path, a list is inline rows."""
    if isinstance(value, str):
        return f"{TAG_PREFIX}file"
    return f"{TAG_PREFIX}rows" if isinstance(value, list) else None


class BandSpec(Spec):
    """An inflation ``floor`` and ``cap`` (annual decimals, none: open), the floor not above."""

    floor: Rate | None = None
    cap: Rate | None = None

    @model_validator(mode="after")
    def _floor_below_cap(self) -> "BandSpec":
        if self.floor is not None and self.cap is not None and self.floor > self.cap:
            raise ValueError(f"floor {self.floor} is above cap {self.cap}; expected floor <= cap")
        return self


class RevaluationSpec(BandSpec):
    """Revaluation in deferment: the index over the deferment within (1 + floor)^T, (1 + cap)^T."""


class IndexationSpec(BandSpec):
    """Uprating of inflation-linked amounts: lag (years) and LPI floor/cap per year.

    ``revaluation``: how rows with a ``deferred_until`` are revalued until then.
    """

    lag: Lag = 0.0
    revaluation: RevaluationSpec | None = None


class TrancheSpec(IndexationSpec):
    """One tranche's indexation: its ``index`` (a breakeven curve), lag, LPI floor and cap."""

    index: str | None = None


class PastFlows(StrEnum):
    """What to do with benefits on or before the valuation date (t <= 0)."""

    REFUSE = "refuse"  # an input error: a past benefit is no liability
    DROP = "drop"  # left out, with a warning that says how many and how much


class BasisSpec(Spec):
    """A hedging basis: the liabilities discounted on nominal curve ``curve`` + ``spread``."""

    curve: str
    spread: Spread = 0.0


class MakehamSpec(Spec):
    """A Gompertz-Makeham law of mortality: μₓ = a + b cˣ."""

    a: Annotated[Number, Field(ge=0, le=0.1)]
    b: Annotated[Number, Field(gt=0, le=0.1)]
    c: Annotated[Number, Field(gt=1, le=2)]


class ImprovementSpec(Spec):
    """Yearly improvement: a constant ``rate``, or a ``scale`` CSV (age, then one column a year)."""

    rate: Annotated[Number, Field(gt=-0.1, lt=0.1)] = 0.0
    scale: str | None = None

    @model_validator(mode="after")
    def _one_form(self) -> "ImprovementSpec":
        if self.scale is not None and self.rate != 0.0:
            raise ValueError("expected a rate or a scale, not both")
        return self


class MortalitySpec(Spec):
    """One sex's mortality: a ``table`` CSV (age, q), the ``sult`` law or a ``makeham`` law.

    ``base_year``: the year the table's rates are for; ``improvement`` from then on.
    """

    table: str | None = None
    law: Literal["sult"] | None = None
    makeham: MakehamSpec | None = None
    base_year: Annotated[int, Field(ge=1900, le=2100)]
    improvement: ImprovementSpec = ImprovementSpec()

    @model_validator(mode="after")
    def _one_source(self) -> "MortalitySpec":
        if sum(x is not None for x in (self.table, self.law, self.makeham)) != 1:
            raise ValueError("expected exactly one of table (a CSV of age, q), law or makeham")
        return self


class MortalityBySexSpec(Spec):
    """The mortality of men and of women."""

    male: MortalitySpec
    female: MortalitySpec


class MembersBasisSpec(Spec):
    """A membership's projection basis (``ldi.members.projection.Basis``).

    ``fixed``: tranches whose pensions do not increase (projected as fixed amounts; the
    others' as inflation-linked). ``years``: the projection's horizon (None: until every
    member and spouse has died).
    """

    mortality: MortalityBySexSpec
    proportion_married: Annotated[Number, Field(ge=0, le=1)] = 0.0
    age_difference: Annotated[Number, Field(ge=-30, le=30)] = 3.0
    commutation: Annotated[Number, Field(ge=0, lt=1)] = 0.0
    commutation_factor: Annotated[Number, Field(ge=0, le=50)] = 0.0
    retirement_age: Annotated[Number, Field(ge=40, le=80)] | None = None
    early_reduction: Annotated[Number, Field(ge=0, le=0.2)] = 0.0
    late_increase: Annotated[Number, Field(ge=0, le=0.2)] = 0.0
    fixed: list[str] = []
    years: Annotated[int, Field(ge=1, le=150)] | None = None


class MembersSpec(Spec):
    """A membership (``file``: a CSV, one row per member) and its projection ``basis``."""

    file: str
    basis: MembersBasisSpec


class BasisFileSpec(MembersBasisSpec):
    """A basis file for ``ldi liabilities project``: the basis and its ``valuation_date``."""

    valuation_date: Annotated[date, BeforeValidator(iso_date)]


class LiabilitiesSpec(Spec):
    """Benefit cash flows and their discount basis (a named curve plus a spread).

    ``credit_spread_beta``: the share of a stress's credit-spread move passed to the
    discount rate (1 on an AA corporate basis, 0 on gilts or swaps). ``past_flows``: what to
    do with benefits at t <= 0; ``allow_negative``: accept negative benefit amounts (e.g. a
    contribution netted into the table). ``hedging_bases``: other bases, by name, that
    hedge ratios are also measured on (the discount basis is ``funding``). ``tranches``:
    indexation rules by name, which the cash flows' ``tranche`` column refers to, instead of
    one ``indexation`` for every flow.
    """

    discount_curve: str
    spread: Spread = 0.0
    hedging_bases: dict[str, BasisSpec] = {}
    credit_spread_beta: Annotated[Number, Field(ge=0, le=2)] = 0.0
    inflation_curve: str | None = None
    indexation: IndexationSpec | None = None
    tranches: dict[str, TrancheSpec] = {}
    past_flows: PastFlows = PastFlows.REFUSE
    allow_negative: bool = False
    cashflows: (
        Annotated[
            Annotated[str, Tag(f"{TAG_PREFIX}file")]
            | Annotated[list[CashflowRowSpec], Tag(f"{TAG_PREFIX}rows"), Field(min_length=1)],
            Discriminator(
                _cashflows_form,
                custom_error_type="cashflows_form",
                custom_error_message="expected a CSV file path or a list of rows (time, fixed, "
                "inflation_linked, status, tranche, deferred_until)",
            ),
        ]
        | None
    ) = None
    members: MembersSpec | None = None

    @model_validator(mode="after")
    def _one_source(self) -> "LiabilitiesSpec":
        if (self.cashflows is None) == (self.members is None):
            raise ValueError(
                "expected exactly one of cashflows (a benefit table) and members (a "
                "membership and its basis, projected)"
            )
        return self

    @field_validator("cashflows")
    @classmethod
    def _plausible_rows(cls, cashflows: Any, info: ValidationInfo) -> Any:
        """Inline rows: no past benefit unless dropped, amounts plausible (a CSV: when read)."""
        if cashflows is None or isinstance(cashflows, str):
            return cashflows
        refuse_past = info.data.get("past_flows", PastFlows.REFUSE) is PastFlows.REFUSE
        amounts = MONEY if info.data.get("allow_negative", False) else BENEFIT
        problems = []
        for i, row in enumerate(cashflows):
            if refuse_past and row.time <= 0:
                problems.append(((i, "time"), row.time, E_PAST_ROW))
            for key in ("fixed", "inflation_linked"):
                value = getattr(row, key)
                if value not in amounts:
                    problems.append(((i, key), value, amounts.expected(value)))
        _invalid("LiabilitiesSpec", problems)
        return cashflows


class LpiSwapsSpec(Spec):
    """Zero-coupon LPI swap par ``rates`` at whole-year ``maturities`` on LPI(floor, cap)."""

    floor: Rate | None = None
    cap: Rate | None = None
    maturities: list[Years] = Field(min_length=1)
    rates: list[Rate] = Field(min_length=1)


class InflationVolatilitySpec(Spec):
    """Year-on-year volatility of one index: caplet vols, a yearly vol, or LPI swap quotes.

    ``model``: normal (Bachelier on the year-on-year rate) or lognormal (Black on 1 + rate).
    Exactly one form: ``expiries`` with ``volatilities``, ``yearly``, or ``lpi_swaps`` (a
    caplet surface calibrated to reprice every quote).
    """

    model: Literal["normal", "lognormal"] = "normal"
    expiries: list[Years] | None = Field(default=None, min_length=1)
    volatilities: list[InflationVolatility] | None = Field(default=None, min_length=1)
    yearly: InflationVolatility | None = None
    lpi_swaps: LpiSwapsSpec | None = None

    @model_validator(mode="after")
    def _one_form(self) -> "InflationVolatilitySpec":
        surface = self.expiries is not None or self.volatilities is not None
        forms = [surface, self.yearly is not None, self.lpi_swaps is not None]
        if sum(forms) != 1:
            raise ValueError(
                "expected exactly one of expiries and volatilities (caplet volatilities), "
                "yearly (one volatility for every year) or lpi_swaps (quotes to calibrate to)"
            )
        if surface and (self.expiries is None or self.volatilities is None):
            raise ValueError("expected both expiries and volatilities, one volatility per expiry")
        return self


class MarketSpec(Spec):
    """Curves instruments use when they name none (default: the liabilities' curves).

    ``swap_curve`` discounts swaps and repo (default ``nominal_curve``).
    ``inflation_volatility``: by breakeven curve, the year-on-year volatility that prices
    LPI floors and caps on that index. ``index_history``: a CSV of monthly index fixings
    (``month`` and one column per breakeven curve), from which linkers with a ``base_date``
    get their index ratio.
    """

    nominal_curve: str | None = None
    swap_curve: str | None = None
    inflation_curve: str | None = None
    inflation_volatility: dict[str, InflationVolatilitySpec] = {}
    index_history: str | None = None


Frequency = Literal[FREQUENCIES]  # type: ignore[valid-type]


def _valid_isin(value: str) -> str:
    problem = isin_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


class InstrumentSpec(Spec):
    """Fields every instrument has: its ``id`` (unique) and ``kind``.

    ``tradable: false`` holds the position at the current holding (a ``no_trade`` term).
    ``isin`` (unique; its check digit checked) and ``settlement_days`` (business days
    from trade to settlement; default by kind and currency) go on its trade tickets.
    ``lot`` (the nominal step of a trade) and ``min_ticket`` (the smallest nominal traded)
    make its trades whole lots, zero or at least the minimum, and ``ticket_cost`` (money)
    charges each ticket, when the problem has an ``execution`` section.
    """

    id: str = Field(min_length=1)
    tradable: bool = True
    isin: Annotated[str, AfterValidator(_valid_isin)] | None = None
    settlement_days: Annotated[int, Field(ge=0, le=30)] | None = None
    lot: Annotated[Money, Field(gt=0)] | None = None
    min_ticket: Annotated[Money, Field(ge=0)] | None = None
    ticket_cost: Annotated[Money, Field(ge=0)] | None = None


class QuotedBondSpec(InstrumentSpec):
    """A bond's pricing: a curve plus ``spread``, or a market ``price`` (clean, per 100)."""

    curve: str | None = None
    spread: Spread | None = None
    price: Annotated[Number, Field(gt=0), _within(PRICE)] | None = None

    @model_validator(mode="after")
    def _spread_or_price(self) -> "QuotedBondSpec":
        if self.spread is not None and self.price is not None:
            raise ValueError(
                f"got both spread {self.spread!r} and price {self.price!r}; expected one of "
                "them (a price implies the spread)"
            )
        return self


class BondSpec(QuotedBondSpec):
    """Fixed-coupon bond (government, or ``credit: true``)."""

    kind: Literal["bond"]
    coupon: Coupon
    maturity: Years
    frequency: Frequency | None = None
    credit: bool = False


class ZeroCouponBondSpec(QuotedBondSpec):
    """Zero-coupon bond or strip paying 100 at ``maturity``."""

    kind: Literal["zero_coupon_bond"]
    maturity: Years
    credit: bool = False


class IndexLinkedBondSpec(QuotedBondSpec):
    """Index-linked bond: real coupon, uplift accrued so far, indexation lag."""

    kind: Literal["index_linked_bond"]
    coupon: Coupon
    maturity: Years
    frequency: Frequency | None = None
    indexation_lag: Lag | None = None
    # Required with a price, else 1; or computed from market.index_history and base_date.
    index_ratio: Annotated[Number, Field(gt=0), _within(INDEX_RATIO)] | None = None
    inflation_curve: str | None = None
    lag_months: LagMonths | None = None
    base_date: Annotated[date, BeforeValidator(iso_date)] | None = None

    @model_validator(mode="after")
    def _ratio_or_base(self) -> "IndexLinkedBondSpec":
        if self.index_ratio is not None and self.base_date is not None:
            raise ValueError(
                f"got both index_ratio {self.index_ratio!r} and base_date; expected one of "
                "them (the base date gives the ratio from market.index_history)"
            )
        if self.base_date is not None and self.lag_months is None:
            raise ValueError("got base_date without lag_months; expected both (e.g. 3 or 8)")
        _one_lag(self.lag_months, self.indexation_lag)
        return self


class InterestRateSwapSpec(InstrumentSpec):
    """Receive-fixed swap (per unit notional); par when ``fixed_rate`` is left out."""

    kind: Literal["interest_rate_swap"]
    tenor: Years
    frequency: Frequency | None = None
    fixed_rate: Rate | None = None
    curve: str | None = None


class InflationSwapSpec(InstrumentSpec):
    """Receive-inflation zero-coupon swap; par when ``fixed_rate`` is left out."""

    kind: Literal["inflation_swap"]
    maturity: Years
    fixed_rate: Rate | None = None
    indexation_lag: Lag | None = None
    curve: str | None = None
    inflation_curve: str | None = None
    lag_months: LagMonths | None = None

    @model_validator(mode="after")
    def _one_lag(self) -> "InflationSwapSpec":
        _one_lag(self.lag_months, self.indexation_lag)
        return self


def _one_lag(months: int | None, years: float | None) -> None:
    """Refuse a lag given twice: in months (against the curve's) and in years."""
    if months is not None and years is not None:
        raise ValueError(
            f"got both lag_months {months!r} and indexation_lag {years!r}; expected one of "
            "them (lag_months over the curve's lag_months is the indexation lag)"
        )


class RepoSpec(InstrumentSpec):
    """Cash borrowed against the bond ``collateral`` (an instrument id)."""

    kind: Literal["repo"]
    collateral: str
    term: Years
    haircut: Number | None = Field(default=None, ge=0, lt=1)
    rate: Rate | None = None
    curve: str | None = None


class ReturnSeekingSpec(InstrumentSpec):
    """Growth asset: expected return, volatility and optional stated durations."""

    kind: Literal["return_seeking"]
    expected_return: Annotated[Number, _within(EXPECTED_RETURN)]
    volatility: Volatility
    rates_duration: Annotated[Number, _within(DURATION)] = 0.0  # < 0: gains when rates rise
    inflation_duration: Annotated[Number, _within(DURATION)] = 0.0
    spread_duration: Annotated[Number, _within(DURATION)] = 0.0


class CashSpec(InstrumentSpec):
    """Cash; ``rate`` is its expected return."""

    kind: Literal["cash"]
    rate: Rate = 0.0


INSTRUMENT_SPECS = (
    BondSpec,
    ZeroCouponBondSpec,
    IndexLinkedBondSpec,
    InterestRateSwapSpec,
    InflationSwapSpec,
    RepoSpec,
    ReturnSeekingSpec,
    CashSpec,
)
INSTRUMENT_KINDS = [spec.model_fields["kind"].annotation.__args__[0] for spec in INSTRUMENT_SPECS]
InstrumentKind = Literal[tuple(k for k in INSTRUMENT_KINDS if k != "cash")]  # type: ignore[valid-type]
"""An instrument kind that trades in tickets (cash is what the tickets leave)."""

AnyInstrumentSpec = Annotated[
    Union[  # noqa: UP007 (a union built from a tuple needs the subscript form)
        tuple(
            Annotated[spec, Tag(f"{TAG_PREFIX}{kind}")]
            for spec, kind in zip(INSTRUMENT_SPECS, INSTRUMENT_KINDS, strict=True)
        )
    ],
    Discriminator(
        _kind(None),
        custom_error_type="instrument_kind",
        custom_error_message="unknown instrument kind; expected one of "
        + ", ".join(INSTRUMENT_KINDS),
    ),
]


class Entries:
    """A list of terms of ``family`` ("objective" or "constraint"), for the terms registered.

    Each entry is a term's key alone or a one-key mapping to its options, validated by the
    term's own typed options (``ldi.optimize.terms.registry.entries``), so a term added to
    the registry needs no edit here. In the JSON Schema, each item is a key or one of the
    terms' entries.
    """

    def __init__(self, family: str) -> None:
        self.family = family

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            lambda value: entries(self.family).validate_python(value)
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        listed = handler(entries(self.family).core_schema)
        keys = {"type": "string", "enum": sorted(TERMS[self.family])}
        return {**listed, "items": {"anyOf": [keys, listed["items"]]}}


class ObjectiveSpec(Spec):
    """Terms to minimize and to maximize (weighted sums; ``weight`` in a term's options)."""

    minimize: Annotated[list[Any], Entries("objective")] = []
    maximize: Annotated[list[Any], Entries("objective")] = []


class SolverSpec(Spec):
    """Solver first tried (default: HiGHS for LPs, Clarabel otherwise), fall-backs, options.

    ``options`` maps a solver name to keyword options passed to it. ``min_trade`` (money)
    or ``min_trade_fraction`` (of the capital; default 1e-4): the smallest trade a solve
    proposes; smaller ones are held by a clean-up re-solve (0: off).
    """

    name: str | None = None
    fallback: list[str] | None = None
    options: dict[str, dict[str, Any]] = {}
    min_trade: Annotated[Money, Field(ge=0)] | None = None
    min_trade_fraction: Annotated[Number, Field(ge=0, le=1)] | None = None

    @model_validator(mode="after")
    def _one_threshold(self) -> "SolverSpec":
        if self.min_trade is not None and self.min_trade_fraction is not None:
            raise ValueError(
                "expected at most one of min_trade and min_trade_fraction (the smallest "
                "trade in money, or as a fraction of the capital)"
            )
        return self


class ExecutionSpec(Spec):
    """Trades in whole lots, each zero or at least a minimum ticket: a MILP on HiGHS.

    ``lots`` and ``min_tickets``: nominal amounts by instrument kind, the defaults of
    instruments that give none; ``ticket_costs``: a fixed cost (money) of each ticket, by
    kind. ``mip_gap``: the relative gap at which the integer
    optimum is proved; ``time_limit``: seconds the search may take.
    """

    lots: dict[InstrumentKind, Annotated[Money, Field(gt=0)]] = {}
    min_tickets: dict[InstrumentKind, Annotated[Money, Field(ge=0)]] = {}
    ticket_costs: dict[InstrumentKind, Annotated[Money, Field(ge=0)]] = {}
    mip_gap: Annotated[float, Field(gt=0, le=0.1)] = 0.001
    time_limit: Annotated[float, Field(gt=0, le=3600)] = 60.0


class RiskModelSpec(Spec):
    """Factor volatilities (bp a year; growth as a decimal) and correlations by pair name."""

    volatility: dict[str, Number] = {}
    correlation: dict[str, Number] = {}
    growth_correlation: Number = 0.9

    @field_validator("volatility")
    @classmethod
    def _plausible_volatilities(cls, volatility: dict[str, float]) -> dict[str, float]:
        """Growth's as a decimal, the others in bp a year (unknown factors: ``RiskModel``)."""
        ranges = {"growth": VOLATILITY} | {f: BP_VOLATILITY for f in FACTORS if f != "growth"}
        _invalid(
            "RiskModelSpec",
            [
                ((factor,), value, ranges[factor].expected(value))
                for factor, value in volatility.items()
                if factor in ranges and value not in ranges[factor]
            ],
        )
        return volatility


ELIGIBLE_CLASSES = ("cash", "money_market", "government", "corporate", "equity")
COLLATERAL_CLASSES = (*ELIGIBLE_CLASSES, "illiquid")
CollateralClass = Literal[COLLATERAL_CLASSES]  # type: ignore[valid-type]
EligibleClass = Literal[ELIGIBLE_CLASSES]  # type: ignore[valid-type]  # illiquid: never counts
Fraction = Annotated[Number, Field(ge=0, le=1)]


def _haircut_form(value: Any) -> str | None:
    """Discriminator callable: one haircut for every maturity, or one per maturity band."""
    if isinstance(value, list):
        return f"{TAG_PREFIX}bands"
    return None if isinstance(value, dict) else f"{TAG_PREFIX}flat"


HaircutSpec = Annotated[
    Annotated[Fraction, Tag(f"{TAG_PREFIX}flat")]
    | Annotated[list[Fraction], Tag(f"{TAG_PREFIX}bands"), Field(min_length=3, max_length=3)],
    Discriminator(
        _haircut_form,
        custom_error_type="haircut_form",
        custom_error_message="expected a haircut such as 0.04, or three for residual "
        "maturities up to 1y, 1-5y and over 5y such as [0.005, 0.02, 0.04]",
    ),
]


class InstrumentCollateralSpec(Spec):
    """One instrument's collateral class, haircut, days to eligibility and initial margin."""

    asset_class: CollateralClass | None = None
    haircut: Fraction | None = None
    days: Annotated[Number, Field(ge=0)] | None = None
    initial_margin: Fraction | None = None


StressScale = Annotated[Number, Field(ge=1, le=MOST_SCALE)]


class StressedTermsSpec(Spec):
    """The least haircut and initial-margin scales of every state the collateral is tested in."""

    haircut_scale: StressScale = 1.0
    margin_scale: StressScale = 1.0


class CollateralSpec(Spec):
    """Collateral policy: what counts, at which haircut, within how many days.

    ``haircuts`` and ``days`` override the defaults by class (a day count of null: never
    eligible; the illiquid class never counts, so it takes neither); ``initial_margin`` is
    a fraction of gross notional by overlay kind, and ``initial_margin_shock_bp`` adds each
    overlay's value change in a move of that size; ``mandate`` lists the ids of the
    leveraged LDI mandate. ``variation_margin``: ``cash`` (cleared swaps: paid from cash,
    money-market funds and same-day repo of government bonds, at most ``repo_capacity`` of
    new repo) or ``any`` eligible collateral. ``stressed``: the least haircut and
    initial-margin scales of every state tested (buffers' rises, resilience, scenario steps).
    """

    within_days: Annotated[Number, Field(ge=0)] = 5.0
    haircuts: dict[EligibleClass, HaircutSpec] = {}
    days: dict[EligibleClass, Annotated[Number, Field(ge=0)] | None] = {}
    initial_margin: dict[Literal["interest_rate_swap", "inflation_swap"], Fraction] = {}
    initial_margin_shock_bp: Annotated[Number, Field(gt=0), _within(LIMIT_BP)] | None = None
    instruments: dict[str, InstrumentCollateralSpec] = {}
    mandate: Annotated[list[str], Field(min_length=1)] | None = None  # absent: the default
    variation_margin: Literal["cash", "any"] = "cash"
    repo_capacity: Annotated[Number, Field(ge=0)] | None = None
    stressed: StressedTermsSpec = StressedTermsSpec()


def _move_form(value: Any) -> str | None:
    """Discriminator callable: a number is a parallel move, a mapping a term structure."""
    if isinstance(value, dict):
        return f"{TAG_PREFIX}curve"
    return None if isinstance(value, list) else f"{TAG_PREFIX}parallel"


class CurveMoveSpec(Spec):
    """A move in bp at tenors (years), linear in between and flat outside."""

    tenors: list[Time] = Field(min_length=1)
    bp: list[TenorMoveBp] = Field(min_length=1)

    @field_validator("bp")
    @classmethod
    def _not_all_decimals(cls, bp: list[float]) -> list[float]:
        """A move whose every tenor is below 1bp (but not 0) is decimals typed for bp."""
        sizes = [abs(move) for move in bp]
        if 0 < max(sizes) < MOVE_BP.least:
            first = next(i for i, size in enumerate(sizes) if size > 0)
            _invalid("CurveMoveSpec", [((first,), bp[first], MOVE_BP.expected(bp[first]))])
        return bp

    @model_validator(mode="after")
    def _same_length(self) -> "CurveMoveSpec":
        if len(self.tenors) != len(self.bp):
            raise ValueError(
                f"{len(self.tenors)} tenors but {len(self.bp)} bp values; expected one per tenor"
            )
        return self


RateMoveSpec = Annotated[
    Annotated[MoveBp, Tag(f"{TAG_PREFIX}parallel")]
    | Annotated[CurveMoveSpec, Tag(f"{TAG_PREFIX}curve")],
    Discriminator(
        _move_form,
        custom_error_type="move_form",
        custom_error_message="expected a parallel move in bp such as 100, or "
        "{tenors: [...], bp: [...]}",
    ),
]
GrowthReturn = Annotated[Number, Field(gt=-1), _within(STRESS_RETURN)]


class MoveSpec(Spec):
    """One state of the markets: rate moves, credit widening, growth returns, haircuts.

    ``haircut_scale`` multiplies every collateral haircut in that state (capped at 100%),
    ``margin_scale`` every initial margin; ``mortality_scale`` every member's mortality rate
    (liabilities from ``liabilities.members`` only).

    ``real_bp`` moves real yields (breakevens then move by nominal − real); give it or
    ``breakeven_bp``, not both.
    """

    label: str | None = None
    nominal_bp: RateMoveSpec = 0.0
    real_bp: RateMoveSpec | None = None
    breakeven_bp: RateMoveSpec | None = None
    credit_spread_bp: MoveBp = 0.0
    growth: GrowthReturn = 0.0
    returns: dict[str, GrowthReturn] = {}
    curves_bp: dict[str, RateMoveSpec] = {}
    bond_swap_bp: RateMoveSpec = 0.0
    units: RateUnits = RateUnits.ZERO
    haircut_scale: StressScale = 1.0
    margin_scale: StressScale = 1.0
    mortality_scale: Annotated[Number, Field(gt=0, le=MOST_MORTALITY_SCALE)] = 1.0

    @model_validator(mode="after")
    def _real_or_breakeven(self) -> "MoveSpec":
        if self.real_bp is not None and self.breakeven_bp is not None:
            raise ValueError(
                "got both real_bp and breakeven_bp; expected one of them (real = nominal - "
                "breakeven)"
            )
        return self


class ScenarioSpec(MoveSpec):
    """A named scenario: one move, or ``steps`` of cumulative moves (a path, e.g. days)."""

    name: str = Field(min_length=1)
    description: str = ""
    steps: list[MoveSpec] | None = Field(default=None, min_length=1)


class SponsorSpec(Spec):
    """The sponsor's facility: up to ``amount`` paid in ``days`` after the call, at ``cost``."""

    amount: Annotated[Money, Field(ge=0)]
    days: Annotated[int, Field(ge=0, le=DEADLINE_DAYS[1])] = 1
    cost: Annotated[Number, Field(ge=0, le=1)] = 0.0


class ActionTermsSpec(Spec):
    """One position's terms in a recapitalisation plan (``ldi.liquidity.ActionTerms``)."""

    days: Annotated[int, Field(ge=0, le=DEADLINE_DAYS[1])] | None = None
    cost_bp: Annotated[Number, Field(ge=0, le=1000)] | None = None
    amount: Annotated[Money, Field(ge=0)] | None = None


class RecapitalisationSpec(Spec):
    """What a recapitalisation plan may use (``ldi.liquidity.RecapitalisationPolicy``).

    ``scenario``: the stress the plan starts from; ``target_bp``: the rise the restored
    buffer absorbs; ``days``: the deadline;
    ``horizon_years``: how long a sale's expected return is given up; ``hedge_charge_bp``:
    the cost of a unit of PV01 given up, as a move in bp; ``cost_bp``: bid/offer by kind or
    id; ``sponsor``: the sponsor's facility; ``actions``: terms by instrument id.
    """

    scenario: str | None = None
    target_bp: Annotated[Number, _within(RISE_BP)] | None = None
    days: Annotated[int, Field(ge=DEADLINE_DAYS[0], le=DEADLINE_DAYS[1])] | None = None
    horizon_years: Annotated[Number, Field(gt=0, le=10)] = 1.0
    hedge_charge_bp: Annotated[MoveBp, Field(ge=0)] | None = None
    cost_bp: dict[str, Annotated[Number, Field(ge=0, le=1000)]] = {}
    sponsor: SponsorSpec | None = None
    actions: dict[str, ActionTermsSpec] = {}


class StressSpec(Spec):
    """Stress scenarios: the built-in catalogue (unless ``catalogue: false``) and the file's."""

    catalogue: bool = True
    scenarios: list[ScenarioSpec] = []


class ReversionSpec(Spec):
    """One mean-reverting state: ``speed`` κ a year and ``long_run_bp`` θ.

    ``speed`` >= 0 (0: a random walk; none: the state's default, ``MeanReversion``'s);
    ``long_run_bp`` is the level it reverts to, in bp from today's market (default 0).
    """

    speed: Annotated[Number, Field(ge=0), _within(REVERSION_SPEED)] | None = None
    long_run_bp: Annotated[Number, _within(LEVEL_BP)] = 0.0


class MeanReversionSpec(Spec):
    """Speeds and long-run levels of ``dynamics: mean_reverting`` (``MeanReversion``).

    ``curve``: one entry per curve factor, in the curve's order (level first); left out, the
    defaults by position, or the speeds and levels calibrated from ``curve_history`` when
    the section has one. ``breakeven`` and ``credit``: the breakeven and credit spread
    levels (defaults: 0.20 and 0.35 a year, reverting to today's levels).
    """

    curve: list[ReversionSpec] | None = Field(default=None, min_length=1)
    breakeven: ReversionSpec | None = None
    credit: ReversionSpec | None = None


GENERATOR_KEYS = (
    "curve_history",
    "components",
    "dynamics",
    "mean_reversion",
    "innovations",
    "degrees_of_freedom",
)
"""The built-in scenario model's settings: none of them applies to a ``scenario_file``."""


class SimulationSpec(Spec):
    """The scenario model (or an external generator's file), the carry convention, outcomes.

    The built-in model (``ldi.scenarios.simulation``): ``curve_history``, a CSV of zero
    curves (a ``date`` column, then one column per tenor in years, decimals), whose first
    ``components`` principal components become the nominal curve's factors; ``dynamics``,
    ``random_walk`` or ``mean_reverting`` (with the speeds and long-run levels of
    ``mean_reversion``, the curve factors' calibrated from ``curve_history`` when it is given
    and ``mean_reversion.curve`` is not); ``innovations``, ``normal`` or ``student_t`` with
    ``degrees_of_freedom`` ν > 2. ``scenario_file``: instead of that model, the scenarios of
    an external generator (CSV or Parquet, ``ldi.scenarios.external``), which takes none of
    the model's settings (``GENERATOR_KEYS``). ``carry``: what a year of unmoved markets does
    (``forwards`` or ``unchanged``, ``ldi.scenarios.carry``). Paths are relative to the
    problem file.

    ``outcomes: true`` (or a ``surplus_var`` limit) reports every solve's one-year outcomes
    on ``scenarios`` moves of ``seed`` (a file: all its scenarios) at ``confidence``;
    ``surplus_var`` is a monitored limit on the VaR of a year's surplus loss, as a fraction
    of the liabilities' PV.
    """

    carry: CarryConvention = CarryConvention.FORWARDS
    curve_history: str | None = None
    components: Annotated[int, Field(ge=1, le=10)] = 3
    dynamics: Dynamics = Dynamics.RANDOM_WALK
    mean_reversion: MeanReversionSpec | None = None
    innovations: Innovations = Innovations.NORMAL
    degrees_of_freedom: Annotated[Number, Field(gt=2)] = DEFAULT_DEGREES_OF_FREEDOM
    scenario_file: str | None = Field(default=None, min_length=1)
    outcomes: bool = False
    scenarios: Annotated[int, Field(ge=100, le=1_000_000)] = 10_000
    seed: Annotated[int, Field(ge=0)] = 0
    confidence: Annotated[float, Field(ge=0.5, le=0.999)] = 0.95
    surplus_var: Annotated[float, Field(gt=0.0, le=1.0)] | None = None


class ProblemSpec(Spec):
    """A whole problem file."""

    ldi: Literal[1]
    name: str
    currency: Annotated[str, BeforeValidator(_upper), Field(pattern=r"^[A-Z]{3}$")] = "GBP"
    valuation_date: Annotated[date, BeforeValidator(iso_date)] | None = None
    curves: dict[str, CurveSpec] = Field(min_length=1)
    market: MarketSpec = MarketSpec()
    liabilities: LiabilitiesSpec
    instruments: list[AnyInstrumentSpec] = []
    holdings: dict[str, Money] = {}
    keys: list[Time] | None = Field(default=None, min_length=1)
    groups: dict[str, list[str]] = {}
    risk_model: RiskModelSpec = RiskModelSpec()
    objective: ObjectiveSpec | None = None
    constraints: Annotated[list[Any], Entries("constraint")] = []
    solver: SolverSpec = SolverSpec()
    execution: ExecutionSpec | None = None
    collateral: CollateralSpec = CollateralSpec()
    recapitalisation: RecapitalisationSpec | None = None
    stress: StressSpec = StressSpec()
    simulation: SimulationSpec = SimulationSpec()

    @field_validator("constraints")
    @classmethod
    def _plausible_bounds(cls, constraints: list[Any], info: ValidationInfo) -> list[Any]:
        """The limits of ``bounds`` terms: size, min <= max, sign (under long_only)."""
        if "instruments" in info.data:  # else the instruments' own errors are reported
            groups = info.data.get("groups", {})
            _invalid("ProblemSpec", bounds_problems(constraints, info.data["instruments"], groups))
        return constraints

    @model_validator(mode="after")
    def _isin_once(self) -> "ProblemSpec":
        """Each ISIN names one instrument: tickets are booked by it."""
        first: dict[str, int] = {}
        problems = []
        for i, item in enumerate(self.instruments):
            if item.isin is None:
                continue
            if item.isin in first:
                other = self.instruments[first[item.isin]].id
                message = E_ISIN_TWICE.format(index=first[item.isin], id=other)
                problems.append((("instruments", i, "isin"), item.isin, message))
            first.setdefault(item.isin, i)
        _invalid("ProblemSpec", problems)
        return self

    @model_validator(mode="after")
    def _instruments_to_optimize(self) -> "ProblemSpec":
        """An objective chooses positions, so it needs an instrument to choose."""
        objective = self.objective
        if (
            objective is not None
            and (objective.minimize or objective.maximize)
            and not self.instruments
        ):
            given = "instruments" in self.model_fields_set
            kind = PydanticCustomError(E_IMPLAUSIBLE, E_NO_INSTRUMENTS) if given else "missing"
            raise ValidationError.from_exception_data(
                "ProblemSpec",
                [InitErrorDetails(type=kind, loc=("instruments",), input=self.instruments)],
            )
        return self


JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def problem_schema() -> dict[str, Any]:
    """The JSON Schema of a problem file (draft 2020-12), with the terms registered now.

    For editors' completion and validation (``ldi schema``). It describes the file as YAML
    1.2 reads it: ``40.0e6`` is a number there, and a date is text.
    """
    schema = ProblemSpec.model_json_schema()
    return {"$schema": JSON_SCHEMA_DIALECT, **schema, "title": "ldi problem file"}
