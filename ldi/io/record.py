"""The decision record: one solve and what its reports show beside it, typed.

``ldi.reporting.record`` builds it from a result (``LDIResult.to_dict``) and its problem: the
valuation date, each instrument's kind, the liabilities' cash flows by year, the stress
outcomes of the solved positions and the collateral waterfall of the tightest stress.
``ldi solve --json`` writes it (``DecisionRecord.to_dict``), ``ldi.io.result_file`` reads it
back, and every report of a solve renders it: the solve summary (text, Markdown, HTML) and
the HTML report (``ldi report``).

Money is in the record's currency; ``None`` (JSON ``null``) stands for a number the solve did
not have. Types are strict JSON types (no text for numbers) and numbers finite. Keys the
models do not name are kept as they are, so a record from a later version still reads.
"""

import re
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ldi.scenarios.pnl import OUTCOME_ROWS

E_ROWS = "no {missing} row; expected rows {expected} among the measures"
E_KEY_ROWS = "no {measure}_<k>y rows; expected key-rate rows such as {measure}_10y"
E_COLUMNS = "{where} has no {missing!r}; expected the columns {expected}"
EXPOSURE_ROWS = ("pv", "pv01", "ie01")

Number = float | None  # None: a number the solve did not have
Cell = str | bool | int | float | None  # a cell of a table whose columns vary


class RecordModel(BaseModel):
    """Strict JSON types (no text for numbers), finite numbers, other keys kept."""

    model_config = ConfigDict(extra="allow", strict=True, allow_inf_nan=False, defer_build=True)


class _NumericRow(RecordModel):
    """A row whose other keys are all numbers (the report converts them to floats)."""

    __pydantic_extra__: dict[str, Number] = Field(init=False)


class _TableRow(RecordModel):
    """A row of a table whose columns vary: text, true or false, or numbers."""

    __pydantic_extra__: dict[str, Cell] = Field(init=False)


class ExposureRow(_NumericRow):
    """One measure (``pv``, ``pv01``, ``pv01_10y``, ...) of assets and liabilities (money)."""

    measure: str
    assets_before: Number
    assets: Number
    liabilities: Number
    gap: Number = None
    hedge_ratio: Number


class BucketRow(_NumericRow):
    """Hedge ratios at one key tenor (years)."""

    key: float


class ObjectiveRow(RecordModel):
    """One objective term: its sense, weight, value in its unit and contribution."""

    term: str
    kind: str | None = None
    sense: str
    weight: float
    value: Number
    unit: str | None
    contribution: Number


class ConstraintRow(RecordModel):
    """One constraint row; value, bound, slack and shadow price when the solve had them.

    ``vector`` and ``entry``: the vector row an entry belongs to and its label (None for a
    scalar row).
    """

    row: str
    term: str
    kind: str
    vector: str | None = None
    entry: str | int | float | None = None
    sense: str | None = None
    value: Number = None
    bound: Number = None
    slack: Number = None
    shadow_price: Number = None
    binding: bool
    soft: bool | None = None


class LedgerRow(_NumericRow):
    """One period of a cash ledger: money in and out, surplus, borrowing, shadow price."""

    period: str


class AttemptRecord(RecordModel):
    """One solver call: the solver, its raw status, seconds taken and any error."""

    solver: str
    status: str
    time_s: float
    error: str = ""


class SolverRecord(RecordModel):
    """The solver's name, final status and time (seconds), and every attempt made."""

    name: str | None = None
    status: str | None = None
    time_s: float = 0.0
    cvxpy_version: str | None = None
    attempts: list[AttemptRecord] = []


class TicketRow(RecordModel):
    """One trade as a dealer executes it (``ldi.optimize.tickets``); blanks are None."""

    instrument: str
    isin: str | None = None
    kind: str
    side: str
    nominal: float
    clean_price: Number = None
    accrued: Number = None
    index_ratio: Number = None
    consideration: float
    settlement_date: str | None = None
    maturity: Number = None
    fixed_rate: Number = None
    pv01: Number = None
    ie01: Number = None
    haircut: Number = None
    collateral: str | None = None


class DiagnosisRow(_TableRow):
    """One row of a diagnosis: text or numbers beside its name."""

    row: str


class DiagnosisRecord(RecordModel):
    """Why a solve has no verified answer, under a title that says which case it is."""

    title: str = "Infeasible"  # records written before titles: infeasible
    message: str
    rows: list[DiagnosisRow]
    index: str = "row"  # what the rows are (row, instrument, check, solver)
    columns: list[str] = []  # the table's columns, also when it has no rows


class CleanUpRecord(RecordModel):
    """The clean-up re-solve: the trades below ``threshold`` it held, and the objective.

    ``before``/``after``: the objective before and after; ``kept``: why the continuous
    answer was kept, if it was.
    """

    threshold: float
    trades: dict[str, float]
    before: float
    after: float
    solver: str = ""
    time_s: float = 0.0
    kept: str | None = None


class RoundingRecord(RecordModel):
    """The cost of trading whole lots and minimum tickets (``ldi.optimize.execution``)."""

    continuous: float
    integer: float
    bound: float
    gap: float
    mip_gap: float
    rounds: int
    time_s: float
    status: str
    moved: list[_TableRow] = []
    lots: list[_TableRow] = []


class RiseRow(_NumericRow):
    """Collateral figures under one rise (``nominal``, ``real``), before and after."""

    rise: str


class CollateralRecord(RecordModel):
    """The collateral headroom and resilience (bp; None: beyond the search), before and after."""

    title: str
    units: Literal["zero", "yield"] = "zero"  # records written before units were stated
    headroom: list[RiseRow]
    resilience: list[RiseRow]

    @model_validator(mode="after")
    def _columns(self) -> "CollateralRecord":
        """Each row has the columns of every side (before, after) the headroom shows."""
        sides = [
            side
            for side in ("before", "after")
            if any(f"headroom_{side}" in (row.model_extra or {}) for row in self.headroom)
        ]
        for table, measures in (
            ("headroom", ("called", "available", "headroom")),
            ("resilience", ("absorbable_bp", "zero_nav_bp")),
        ):
            for i, row in enumerate(getattr(self, table)):
                for side in sides:
                    expected = [f"{measure}_{side}" for measure in measures]
                    missing = [c for c in expected if c not in (row.model_extra or {})]
                    if missing:
                        where = f"{table}[{i}]"
                        message = E_COLUMNS.format(
                            where=where, missing=missing[0], expected=expected
                        )
                        raise ValueError(message)
        return self


class OutcomeRow(_NumericRow):
    """One simulated outcome measure, before and after."""

    measure: str


class OutcomesRecord(RecordModel):
    """Simulated one-year outcomes and the settings that drew them."""

    scenarios: int
    seed: int | None = None
    scenario_file: str | None = None  # None in records written before scenario files
    confidence: float
    surplus_var_limit: Number
    var_breached: dict[str, bool]
    outcomes: list[OutcomeRow]

    @field_validator("outcomes")
    @classmethod
    def _every_measure(cls, rows: list[OutcomeRow]) -> list[OutcomeRow]:
        _with_rows([row.measure for row in rows], OUTCOME_ROWS)
        return rows

    @property
    def source(self) -> str:
        """Where the scenarios come from, for titles: '10,000 scenarios, seed 0'."""
        if self.scenario_file:
            return f"{self.scenarios:,} scenarios from {self.scenario_file}"
        return f"{self.scenarios:,} scenarios, seed {self.seed}"


class CheckRow(_TableRow):
    """One check of the answer (``ldi.optimize.verify``): its kind, residual and verdict."""

    check: str


class InstrumentRow(RecordModel):
    """An instrument's id, kind and asset category (``ldi.instruments.base.CATEGORIES``)."""

    id: str
    kind: str
    category: str | None = None  # None in records written before categories


class CashflowRow(RecordModel):
    """The liabilities' fixed and inflation-linked money paid in one year."""

    year: int
    fixed: Number
    inflation_linked: Number


class StressRow(RecordModel):
    """One stress scenario's outcome for the solved positions (money; ratios)."""

    scenario: str
    assets_before: Number = None
    assets_after: Number = None
    asset_change: Number
    liabilities_before: Number = None
    liabilities_after: Number = None
    liability_change: Number
    surplus_change: Number
    funding_ratio_before: Number
    funding_ratio_after: Number
    collateral_needed: Number
    collateral_available: Number
    headroom: Number


class PoolRow(RecordModel):
    """A collateral pool's use in the tightest stress (money; days to raise it)."""

    pool: str
    days: Number = None
    available: Number = None
    used: Number
    left: Number


class WaterfallRecord(RecordModel):
    """The collateral waterfall of the stress that leaves the least headroom."""

    scenario: str
    pools: list[PoolRow]


class RecapStepRow(RecordModel):
    """One step of a recapitalisation plan: what, when, how much, and what it raises."""

    action: str
    day: int
    kind: str
    instrument: str
    category: str
    bucket: str
    amount: float
    trading_cost: float
    raised: float  # money added to the first test's buffer (nominal, total)


class RecapDayRow(_NumericRow):
    """One day of a plan: ``day``, ``cash_in`` and each test's headroom (money)."""

    day: int


class RecapHedgeRow(RecordModel):
    """A hedge ratio (rates or inflation) before and after a plan."""

    risk: str
    before: float
    after: float
    change: float


class RecapBucketRow(RecordModel):
    """The rates hedge a plan gives up at one key tenor, and the liabilities' PV01 there."""

    bucket: str
    pv01_given_up: float
    hedge_ratio_change: float
    liability_pv01: float


class RecapPoolRow(RecordModel):
    """A pool's part in meeting a stress's calls from collateral in hand (money)."""

    pool: str
    days: Number = None
    available: float
    variation_margin: float
    other: float
    used: float
    left: float


class RecapRecord(RecordModel):
    """A recapitalisation plan (``ldi.recap.Recapitalisation.to_dict``), typed.

    ``headroom_before`` by test (``nominal``, ``nominal/cash``, ...); ``late``: positions
    whose cash comes after the deadline, with their days; ``calls_met``: the pools that
    meet the stress's own calls from collateral in hand. An infeasible plan has no steps,
    no days, a ``diagnosis`` and no ``trading_cost``.
    """

    name: str
    currency: str
    scenario: str | None
    target_bp: float
    deadline_days: int
    hedge_charge_bp: float
    status: str
    diagnosis: str
    trading_cost: Number
    expected_return_given_up: Number
    headroom_before: dict[str, float]
    steps: list[RecapStepRow]
    days: list[RecapDayRow]
    hedge: list[RecapHedgeRow]
    buckets: list[RecapBucketRow]
    late: dict[str, float]
    calls_met: list[RecapPoolRow] = []


class DecisionRecord(RecordModel):
    """A solve's decision record (see the module docstring).

    The result's keys (``LDIResult.to_dict``), in its order, then what the report shows
    beside them: ``valuation_date`` (ISO), ``extrapolated`` (flows beyond a curve's last
    tenor, ``Problem.extrapolated``), ``instruments``, ``liability_cashflows`` (by
    year), ``stress`` (per scenario, the solved positions), ``stress_before`` (the same
    scenarios on the holdings), ``waterfall`` (the tightest stress) and ``recapitalisation``
    (the plan for the solved positions, when the problem has a ``recapitalisation``
    section); each None when the record was built without them (a result alone, or a
    solve without positions).
    """

    name: str
    currency: str
    status: str
    funding_ratio: Number = None
    hedge_ratios: dict[str, Number] | None = None
    before: dict[str, Number] | None = None
    objective_value: Number = None
    positions: dict[str, Number]
    holdings: dict[str, Number]
    trades: dict[str, Number]
    objective: list[ObjectiveRow] | None = None
    constraints: list[ConstraintRow] | None = None
    exposures: list[ExposureRow]
    buckets: list[BucketRow]
    ledgers: dict[str, list[LedgerRow]] | None = None
    solver: SolverRecord
    scale: float
    collateral: CollateralRecord | None = None
    outcomes: OutcomesRecord | None = None
    diagnosis: DiagnosisRecord | None = None
    verification: list[CheckRow] | None = None
    clean_up: CleanUpRecord | None = None
    rounding: RoundingRecord | None = None
    tickets: list[TicketRow] | None = None
    valuation_date: str | None = None
    extrapolated: list[str] | None = None
    instruments: list[InstrumentRow] | None = None
    liability_cashflows: list[CashflowRow] | None = None
    stress: list[StressRow] | None = None
    stress_before: list[StressRow] | None = None
    waterfall: WaterfallRecord | None = None
    recapitalisation: RecapRecord | None = None

    @field_validator("exposures")
    @classmethod
    def _measures(cls, rows: list[ExposureRow]) -> list[ExposureRow]:
        measures = [row.measure for row in rows]
        _with_rows(measures, EXPOSURE_ROWS)
        for measure in ("pv01", "ie01"):
            if not any(re.fullmatch(rf"{measure}_\d+(\.\d+)?y", m) for m in measures):
                raise ValueError(E_KEY_ROWS.format(measure=measure))
        return rows

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON values: the keys it was given, in their order."""
        return self.model_dump(mode="json", exclude_unset=True)


def _with_rows(names: Sequence[str], required: Sequence[str]) -> None:
    """Raise a ValueError naming the first of ``required`` not among ``names``."""
    for name in required:
        if name not in names:
            expected = ", ".join(repr(r) for r in required[:-1]) + f" and {required[-1]!r}"
            raise ValueError(E_ROWS.format(missing=repr(name), expected=expected))
