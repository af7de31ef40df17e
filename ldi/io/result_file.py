"""Result files: what ``ldi solve --json`` writes, read back for ``ldi report`` and ``--positions``.

A result file is a decision record (``ldi.reporting.record``) as JSON. It is read as a
regular file of at most ``MAX_RESULT_BYTES`` of UTF-8 (``ldi.storage.files``), parsed with no key
twice in one object, then checked against pydantic models of what the report reads: each key
it needs, of the type it needs. Numbers must be finite: JSON's ``NaN`` and ``Infinity``
(which Python's reader accepts) are refused, while ``null`` stands for a number the solve did
not have, as ``ldi solve`` writes it. Keys the models do not name are kept as they are, so
a record from a later version still reads.

Every error is a DataError naming the file, then the key's path (``exposures[0].measure``)
and what is wrong; it quotes nothing from the file but the names of keys.
"""

import json
import math
import os
import re
from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from ldi.errors import DataError
from ldi.plausible import MONEY
from ldi.scenarios.pnl import OUTCOME_ROWS
from ldi.storage.files import UnreadableFile, read_text

MAX_RESULT_BYTES = 64 * 2**20  # 64 MiB
E_RESULT = "{file}: {problem}; expected a result written by 'ldi solve --json'"
E_NOT_JSON = "not JSON ({reason})"
E_DUPLICATE_KEY = "key {key!r} appears twice in one object"
E_NO_POSITIONS = "no positions"
E_UNKNOWN_IDS = "{key}: ids {ids} are not among the result's instruments"
E_NULL_POSITIONS = "no position for {ids} (the solve ended {status!r})"
E_ROWS = "no {missing} row; expected rows {expected} among the measures"
E_KEY_ROWS = "no {measure}_<k>y rows; expected key-rate rows such as {measure}_10y"
E_COLUMNS = "{where} has no {missing!r}; expected the columns {expected}"
EXPOSURE_ROWS = ("pv", "pv01", "ie01")
# What a pydantic error type means, after "got <value>, ".
NOT_A = {
    "float_type": "not a number",
    "int_type": "not a whole number",
    "int_from_float": "not a whole number",
    "string_type": "not text",
    "bool_type": "not true or false",
    "list_type": "not a list",
    "dict_type": "not a mapping",
    "model_type": "not a mapping",
    "model_attributes_type": "not a mapping",
    "finite_number": "not a finite number",
}

Number = float | None  # null: a number the solve did not have
Model = TypeVar("Model", bound=BaseModel)


class _Record(BaseModel):
    """Strict JSON types (no text for numbers), finite numbers, other keys kept."""

    model_config = ConfigDict(extra="allow", strict=True, allow_inf_nan=False)


class _NumericRow(_Record):
    """A row whose other keys are all numbers (the report converts them to floats)."""

    __pydantic_extra__: dict[str, Number] = Field(init=False)


class ExposureRow(_NumericRow):
    """One measure (``pv``, ``pv01``, ``pv01_10y``, ...) of assets and liabilities (money)."""

    measure: str
    assets_before: Number
    assets: Number
    liabilities: Number
    hedge_ratio: Number


class BucketRow(_NumericRow):
    """Hedge ratios at one key tenor (years)."""

    key: float


class ObjectiveRow(_Record):
    """One objective term: its sense, weight, value in its unit and contribution."""

    term: str
    sense: str
    weight: float
    value: Number
    unit: str | None
    contribution: Number


class ConstraintRow(_Record):
    """One constraint row; value, bound, slack and shadow price when the solve had them."""

    row: str
    term: str
    kind: str
    binding: bool
    sense: str | None = None
    value: Number = None
    bound: Number = None
    slack: Number = None
    shadow_price: Number = None


class SolverRecord(_Record):
    """The solver's name, final status and time (seconds)."""

    name: str | None = None
    status: str | None = None
    time_s: float = 0.0


class DiagnosisRow(_Record):
    """One row an elastic solve relaxed: text or numbers beside its name."""

    __pydantic_extra__: dict[str, str | bool | Number] = Field(init=False)
    row: str


class DiagnosisRecord(_Record):
    """Why a problem is infeasible."""

    message: str
    rows: list[DiagnosisRow]


class RiseRow(_NumericRow):
    """Collateral figures under one rise (``nominal``, ``real``), before and after."""

    rise: str


class CollateralRecord(_Record):
    """The collateral headroom and resilience, before and after the solve."""

    title: str
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


class OutcomesRecord(_Record):
    """Simulated one-year outcomes and the settings that drew them."""

    scenarios: int
    seed: int | None = None
    scenario_file: str | None = None
    confidence: float
    surplus_var_limit: Number
    var_breached: dict[str, bool]
    outcomes: list[OutcomeRow]

    @field_validator("outcomes")
    @classmethod
    def _every_measure(cls, rows: list[OutcomeRow]) -> list[OutcomeRow]:
        _with_rows([row.measure for row in rows], OUTCOME_ROWS)
        return rows


class InstrumentRow(_Record):
    """An instrument's id and kind."""

    id: str
    kind: str


class CashflowRow(_Record):
    """The liabilities' fixed and inflation-linked money paid in one year."""

    year: int
    fixed: Number
    inflation_linked: Number


class StressRow(_Record):
    """One stress scenario's outcome for the solved positions (money; ratios)."""

    scenario: str
    asset_change: Number
    liability_change: Number
    surplus_change: Number
    funding_ratio_before: Number
    funding_ratio_after: Number
    collateral_needed: Number
    collateral_available: Number
    headroom: Number


class PoolRow(_Record):
    """A collateral pool's use in the tightest stress (money)."""

    pool: str
    used: Number
    left: Number


class WaterfallRecord(_Record):
    """The collateral waterfall of the stress that leaves the least headroom."""

    scenario: str
    pools: list[PoolRow]


class ResultFile(_Record):
    """A decision record: the keys the report reads (see the module docstring)."""

    name: str
    currency: str
    status: str
    solver: SolverRecord
    scale: float
    positions: dict[str, Number]
    holdings: dict[str, Number]
    trades: dict[str, Number]
    exposures: list[ExposureRow]
    buckets: list[BucketRow]
    funding_ratio: Number = None
    hedge_ratios: dict[str, Number] | None = None
    before: dict[str, Number] | None = None
    objective_value: Number = None
    objective: list[ObjectiveRow] | None = None
    constraints: list[ConstraintRow] | None = None
    diagnosis: DiagnosisRecord | None = None
    collateral: CollateralRecord | None = None
    outcomes: OutcomesRecord | None = None
    valuation_date: str | None = None
    instruments: list[InstrumentRow] | None = None
    liability_cashflows: list[CashflowRow] | None = None
    stress: list[StressRow] | None = None
    waterfall: WaterfallRecord | None = None

    @field_validator("exposures")
    @classmethod
    def _measures(cls, rows: list[ExposureRow]) -> list[ExposureRow]:
        measures = [row.measure for row in rows]
        _with_rows(measures, EXPOSURE_ROWS)
        for measure in ("pv01", "ie01"):
            if not any(re.fullmatch(rf"{measure}_\d+(\.\d+)?y", m) for m in measures):
                raise ValueError(E_KEY_ROWS.format(measure=measure))
        return rows


class PositionsFile(_Record):
    """What ``--positions`` reads: the positions by id, and the solve's status."""

    positions: dict[str, Number]
    status: str | None = None


def read_result(file: str | os.PathLike[str]) -> dict[str, Any]:
    """The decision record in ``file``, checked (see the module docstring)."""
    data = _json(file)
    if not isinstance(data, dict):
        raise DataError(E_RESULT.format(file=file, problem=f"got {_shown(data)}, not a mapping"))
    record = _validated(ResultFile, data, file).model_dump(exclude_unset=True)
    known = {row["id"] for row in record.get("instruments") or ()}
    for key in ("positions", "holdings", "trades") if known else ():
        unknown = sorted(set(record.get(key) or {}) - known)
        if unknown:
            problem = E_UNKNOWN_IDS.format(key=key, ids=unknown)
            raise DataError(E_RESULT.format(file=file, problem=problem))
    return record


def read_positions(file: str | os.PathLike[str]) -> dict[str, float]:
    """The positions of the result in ``file``, by instrument id; every one a finite number."""
    data = _json(file)
    positions = data.get("positions") if isinstance(data, dict) else None
    if not isinstance(positions, dict) or not positions:
        raise DataError(E_RESULT.format(file=file, problem=E_NO_POSITIONS))
    result = _validated(PositionsFile, data, file)
    missing = sorted(k for k, v in result.positions.items() if v is None)
    if missing:
        problem = E_NULL_POSITIONS.format(ids=missing, status=result.status)
        raise DataError(E_RESULT.format(file=file, problem=problem))
    for key, value in result.positions.items():
        if value not in MONEY:
            problem = f"positions.{key}: got {value:g}; {MONEY.expected(value)}"
            raise DataError(E_RESULT.format(file=file, problem=problem))
    return {k: float(v) for k, v in result.positions.items() if v is not None}


def _json(file: str | os.PathLike[str]) -> Any:
    """The JSON value in ``file``, read safely."""
    try:
        return json.loads(read_text(file, MAX_RESULT_BYTES), object_pairs_hook=_object)
    except UnreadableFile as error:
        problem = error.reason
    except (json.JSONDecodeError, _DuplicateKey) as error:  # a line and column, or a key
        problem = E_NOT_JSON.format(reason=error)
    except RecursionError:
        problem = E_NOT_JSON.format(reason="nested too deeply")
    raise DataError(E_RESULT.format(file=file, problem=problem))


class _DuplicateKey(ValueError):
    """A JSON object that names one key twice."""


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object as a dict; a key written twice is an error, not the last one kept."""
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _DuplicateKey(E_DUPLICATE_KEY.format(key=key))
        found[key] = value
    return found


def _validated(model: type[Model], data: dict[str, Any], file: object) -> Model:
    """``data`` as ``model``, or a DataError naming the file and the first key at fault."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        item = error.errors(include_url=False)[0]
        path = _path(item["loc"])
        if item["type"] == "missing":
            problem = f"{path}: missing"
        elif item["type"] in NOT_A:
            problem = f"{path}: got {_shown(item['input'])}, {NOT_A[item['type']]}"
        else:
            problem = f"{path}: {item['msg'].removeprefix('Value error, ')}"
        raise DataError(E_RESULT.format(file=file, problem=problem)) from None


def _with_rows(names: Sequence[str], required: Sequence[str]) -> None:
    """Raise a ValueError naming the first of ``required`` not among ``names``."""
    for name in required:
        if name not in names:
            expected = ", ".join(repr(r) for r in required[:-1]) + f" and {required[-1]!r}"
            raise ValueError(E_ROWS.format(missing=repr(name), expected=expected))


def _path(loc: tuple[int | str, ...]) -> str:
    """('exposures', 0, 'measure') -> 'exposures[0].measure'."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(top level)"


def _shown(value: Any) -> str:
    """A value as JSON spells it; text, lists and objects by kind (never their content)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return "text"
    return "a list" if isinstance(value, list) else "a mapping"
