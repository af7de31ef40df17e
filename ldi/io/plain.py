"""The plain values (what YAML reads) of the Python objects a problem may be given.

A DataFrame becomes its rows as records, a blank cell (NaN or None) a key left out, so a
table of instruments of several kinds stands wherever a problem file has a list of records;
in a table of cash flows a blank amount is kept, and refused. A Series becomes a mapping
(holdings by id), a numpy array a list, a numpy number a number, an enum its value; an
instrument the mapping of its fields with its ``kind``, and an objective or constraint term
its entry ``{kind: {options}}``.
Mappings and lists are walked, so the problem file's loader sees only plain values.
"""

import math
from collections.abc import Mapping
from dataclasses import fields
from enum import Enum
from typing import Any

import numpy as np
import pandas as pd

from ldi.instruments import Instrument
from ldi.io.schema import INSTRUMENT_KINDS, INSTRUMENT_SPECS
from ldi.optimize.terms.base import Term

SPECS = dict(zip(INSTRUMENT_KINDS, INSTRUMENT_SPECS, strict=True))
SCALARS = frozenset({str, int, float, bool})
CASHFLOWS = "cashflows"  # the key of a table whose blank cells are refused, not left out


def plain(value: Any) -> Any:
    """``value`` with every object named in the module docstring made plain."""
    if value is None or type(value) in SCALARS:  # most of a file's values: already plain
        return value
    if isinstance(value, pd.DataFrame):
        return records(value)
    if isinstance(value, pd.Series):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, Instrument):
        return instrument_entry(value)
    if isinstance(value, Term):
        return {value.kind: {key: plain(getattr(value, key)) for key in value.options()}}
    if isinstance(value, Mapping):
        return {
            key: records(item, blanks=False)
            if key == CASHFLOWS and isinstance(item, pd.DataFrame)
            else plain(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Enum):
        return value.value
    return value


def records(frame: pd.DataFrame, blanks: bool = True) -> list[dict[str, Any]]:
    """The rows of ``frame`` as mappings by column name, blank cells left out.

    ``blanks=False`` (a table of cash flows) keeps a blank amount as NaN, which the file's
    check refuses as it refuses a blank in a cash-flow CSV: a payment left out would
    silently be 0.
    """
    return [
        {str(key): plain(cell) for key, cell in row.items() if not (blanks and _blank(cell))}
        for row in frame.to_dict("records")
    ]


def instrument_entry(instrument: Instrument) -> dict[str, Any]:
    """An instrument as a problem file lists it: its ``kind`` and every field it sets.

    Fields left at None are left out; so are fields a problem file does not have (an
    index-linked bond's ``uplift``) while at their default, else the file's check names them.
    """
    kind = type(instrument).kind
    known = SPECS[kind].model_fields
    entry: dict[str, Any] = {"kind": kind}
    for field in fields(instrument):
        value = getattr(instrument, field.name)
        if value is not None and (field.name in known or value != field.default):
            entry[field.name] = plain(value)
    return entry


def _blank(cell: Any) -> bool:
    return cell is None or cell is pd.NaT or (isinstance(cell, float) and math.isnan(cell))
