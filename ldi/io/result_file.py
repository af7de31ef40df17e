"""Result files: what ``ldi solve --json`` writes, read back for ``ldi report`` and ``--positions``.

A result file is a decision record (``ldi.io.record.DecisionRecord``) as JSON. It is read as a
regular file of at most ``MAX_RESULT_BYTES`` of UTF-8 (``ldi.storage.files``), parsed with no key
twice in one object, then checked against the record's pydantic models: each key the reports
need, of the type they need. Numbers must be finite: JSON's ``NaN`` and ``Infinity``
(which Python's reader accepts) are refused, while ``null`` stands for a number the solve did
not have, as ``ldi solve`` writes it. Keys the models do not name are kept as they are, so
a record from a later version still reads.

Every error is a DataError naming the file, then the key's path (``exposures[0].measure``)
and what is wrong; it quotes nothing from the file but the names of keys.
"""

import json
import math
import os
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ldi.errors import DataError
from ldi.io.record import DecisionRecord, Number, RecordModel
from ldi.plausible import MONEY
from ldi.storage.files import UnreadableFile, read_text

MAX_RESULT_BYTES = 64 * 2**20  # 64 MiB
E_RESULT = "{file}: {problem}; expected a result written by 'ldi solve --json'"
E_NOT_JSON = "not JSON ({reason})"
E_DUPLICATE_KEY = "key {key!r} appears twice in one object"
E_NO_POSITIONS = "no positions"
E_UNKNOWN_IDS = "{key}: ids {ids} are not among the result's instruments"
E_NULL_POSITIONS = "no position for {ids} (the solve ended {status!r})"
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

Model = TypeVar("Model", bound=BaseModel)


class PositionsFile(RecordModel):
    """What ``--positions`` reads: the positions by id, and the solve's status."""

    positions: dict[str, Number]
    status: str | None = None


def read_result(file: str | os.PathLike[str]) -> DecisionRecord:
    """The decision record in ``file``, checked (see the module docstring)."""
    data = _json(file)
    if not isinstance(data, dict):
        raise DataError(E_RESULT.format(file=file, problem=f"got {_shown(data)}, not a mapping"))
    record = _validated(DecisionRecord, data, file)
    known = {row.id for row in record.instruments or ()}
    for key in ("positions", "holdings", "trades") if known else ():
        unknown = sorted(set(getattr(record, key)) - known)
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
