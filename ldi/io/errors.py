"""Errors of a problem file restated at the path of the key that caused them.

Each message starts with the path (``curves.gilts.rates[3]``), then the value and what is
expected: ``spec_error`` for the schema's errors (pydantic's), ``relocated`` for a domain
error that names its own object, ``located`` for the domain errors of a block of work at
one key.
"""

import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pydantic import ValidationError

from ldi.curves.market import E_CURVE
from ldi.errors import DataError, OptionError, SpecError
from ldi.io.schema import UnknownKeysError
from ldi.optimize.terms.options import OPTION_ERROR, UNKNOWN_OPTION, shown
from ldi.optimize.terms.registry import ENTRY_ERROR, TAG_PREFIX, TERMS, WHAT

# What pydantic error types expect, in the words of the problem file (else pydantic's own).
EXPECTED = {
    "missing": "missing; expected this required key",
    "model_type": "expected a mapping of keys",
    "model_attributes_type": "expected a mapping of keys",
    "dict_type": "expected a mapping of keys",
    "list_type": "expected a list",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "finite_number": "expected a finite number",
    "string_type": "expected a string",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "greater_than": "expected a number > {gt:g}",
    "greater_than_equal": "expected a number >= {ge:g}",
    "less_than": "expected a number < {lt:g}",
    "less_than_equal": "expected a number <= {le:g}",
    "too_long": "expected at most {max_length} item(s)",
    "too_short": "expected at least {min_length} item(s)",
    "string_too_short": "expected a non-empty string",
    "string_pattern_mismatch": "expected a 3-letter currency code such as GBP",
    "date_type": "expected a date such as 2025-12-31",
    "date_parsing": "expected a date such as 2025-12-31",
    "date_from_datetime_parsing": "expected a date such as 2025-12-31",
    "dataclass_type": "expected a mapping of options",
}
E_UNKNOWN_TERM = "unknown {what} {value!r}; expected one of {known}"
KIND_ERRORS = ("curve_kind", "instrument_kind")
SHOWN_MAX = 80  # characters of a value a message echoes; a longer one is described instead
INDEX = re.compile(r"\[\d+\]")


def relocated(error: DataError, where: str, path: str) -> SpecError:
    """A domain error that names its object ``where`` (``ZeroCurve``), renamed to ``path``.

    ``ZeroCurve.tenors[2]: ...`` becomes ``curves.gilts.tenors[2]: ...``, and the key before the
    first colon is the error's path.
    """
    message = str(error)
    if message.startswith(where):
        message = path + message.removeprefix(where)
        return SpecError(message, path=message.split(":", 1)[0])
    return SpecError(f"{path}: {message}", path=path)


@contextmanager
def located(path: str) -> Iterator[None]:
    """DataErrors raised inside become SpecErrors at ``path``.

    A message that already starts with a key under ``path`` (e.g. inline rows naming their
    own) keeps it as its path.
    """
    try:
        yield
    except DataError as error:
        message = str(error)
        if message.startswith(path):
            raise SpecError(message, path=message.split(":", 1)[0]) from None
        raise SpecError(f"{path}: {message}", path=path) from None


def spec_error(error: ValidationError, prefix: tuple[int | str, ...] = ()) -> SpecError:
    """One SpecError listing every schema violation, each prefixed by its YAML path.

    ``prefix``: the location of what was validated, when it is part of a file.
    """
    lines, paths = [], []
    for item in error.errors():
        path = _yaml_path(prefix + item["loc"])
        value = item["input"]
        cause = item.get("ctx", {}).get("error")
        if isinstance(cause, UnknownKeysError):  # one line per key, at the key's own path
            for key in cause.keys:
                key_path = f"{path}.{key}" if path else key
                lines.append(f"{key_path}: {cause.describe(key)}")
                paths.append(key_path)
            continue
        term_line = _term_line(item, path, cause)
        if term_line is not None:
            path, message = term_line
            lines.append(f"{path}: {message}")
            paths.append(path)
            continue
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] in EXPECTED:
            message = EXPECTED[item["type"]].format(**item.get("ctx", {}))
        elif message.startswith("Input should be "):
            message = "expected " + message.removeprefix("Input should be ")
        if item["type"] in KIND_ERRORS and isinstance(value, dict):
            path = f"{path}.kind"
            kind = value.get("kind")
            message = f"{'missing' if kind is None else f'got {kind!r}'}; {message}"
        elif item["type"] in KIND_ERRORS:
            message = f"got {_shown(value)}; {EXPECTED['model_type']}"
        elif item["type"] != "missing" and not isinstance(value, dict):
            message = f"got {_shown(value)}; {message}"
        elif item["type"] in EXPECTED and item["type"] != "missing":
            message = f"got a mapping; {message}"
        lines.append(f"{path or '(top level)'}: {message}")
        paths.append(path)
    return SpecError("\n".join(_once_per_row(lines)), path=paths[0])


def _once_per_row(lines: list[str]) -> list[str]:
    """Lines that differ only in a list index (a table's rows) as the first, with a count."""
    counts: dict[str, int] = {}
    first: dict[str, str] = {}
    for line in lines:
        key = INDEX.sub("[]", line)
        counts[key] = counts.get(key, 0) + 1
        first.setdefault(key, line)
    return [
        first[key] + (f" (and in {count - 1} more rows)" if count > 1 else "")
        for key, count in counts.items()
    ]


def _term_line(item: Any, path: str, cause: Any) -> tuple[str, str] | None:
    """(path, message) of a term entry's or option's error; None for any other error."""
    value = item["input"]
    if isinstance(cause, OptionError):  # a check across a term's options names its option
        return f"{path}.{cause.field}", f"got {_shown(cause.value)}; expected {cause.need}"
    if item["type"] == OPTION_ERROR:
        return path, f"got {_shown(shown(item))}; {item['msg']}"
    if item["type"] == UNKNOWN_OPTION:
        return path, item["msg"]
    if item["type"] != ENTRY_ERROR:
        return None
    what = item["ctx"]["what"]
    if isinstance(value, dict) and len(value) == 1:
        value = next(iter(value))
    elif not isinstance(value, str):
        return path, f"got {_shown(value)}; {item['msg']}"
    family = next(family for family, noun in WHAT.items() if noun == what)
    return path, E_UNKNOWN_TERM.format(what=what, value=value, known=sorted(TERMS[family]))


def _shown(value: Any) -> str:
    """A value as YAML spells it where Python's repr differs (``.nan``, ``.inf``)."""
    if isinstance(value, float) and math.isnan(value):
        return ".nan"
    if isinstance(value, float) and math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    shown = repr(value)
    if len(shown) <= SHOWN_MAX:
        return shown
    if isinstance(value, list | tuple):  # a DataFrame is a list of records by now
        return f"a list of {len(value)} items"
    if isinstance(value, dict):
        return f"a mapping of {len(value)} keys"
    return shown[: SHOWN_MAX - 3] + "..."


def _yaml_path(loc: tuple[int | str, ...]) -> str:
    """('curves', 'gilts', 'kind=zero', 'rates', 3) -> 'curves.gilts.rates[3]'."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not part.startswith(TAG_PREFIX) and part != "[key]":  # "[key]": a mapping's key
            path += f".{part}" if path else part
    return path


def check_curve_name(path: str, value: str, names: list[str], kind: str) -> None:
    """A SpecError at ``path`` unless ``value`` is one of the curve ``names`` (of ``kind``)."""
    if value not in names:
        raise SpecError(E_CURVE.format(where=path, value=value, kind=kind, names=names), path=path)
