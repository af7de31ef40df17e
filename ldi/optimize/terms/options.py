"""Typed term options: each option's type says what it accepts and how a refusal reads.

A term's options are the fields of a pydantic dataclass (``ldi.optimize.terms.base.term``),
so one declaration checks them wherever they come from (a problem file, a term built in
Python, a re-solve's new limits) and gives the problem file's JSON Schema. A refused option
reads ``got VALUE; expected WHAT`` at the option's path:

- ``Range``: a finite number within bounds, and within a plausible range (``ldi.plausible``)
  where one is given; numeric text (PyYAML reads ``40.0e6`` as text) is a number;
- ``Need``: any other type (a list, a mapping, a choice, a flag) with one expectation for
  any refusal of its value; ``listed`` reads a lone value as a list of one.

``problems`` turns a pydantic ValidationError of a term into (path, value, text) lines.
"""

import contextlib
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import (
    BeforeValidator,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    Strict,
    ValidationError,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from ldi.errors import OptionError
from ldi.plausible import Plausible
from ldi.validation import is_finite_number

OPTION_ERROR = "term_option"  # the pydantic error type of a refused option: "got" its value
UNKNOWN_OPTION = "unknown_option"  # a key the term does not have: the message says it all
E_UNKNOWN_OPTION = "unknown option; expected only {known}"
SHOWN = "shown"  # in a refusal's context: the value as read, when the message is about it


@dataclass(frozen=True)
class Range:
    """A finite number in [``low``, ``high``] (either end optional), above ``above`` if given.

    ``plausible`` is checked first, so a slip (a hedge ratio in percent) is named as one.
    On ``float | None`` (``Annotated[float | None, Range(...)]``) None is accepted too.
    """

    low: float | None = None
    high: float | None = None
    above: float | None = None
    plausible: Plausible | None = None

    @property
    def need(self) -> str:
        """What a refused value was expected to be."""
        low, high = self.low, self.high
        if self.above is not None and high is not None:
            return f"expected a finite number in ({self.above:g}, {high:g}]"
        if self.above is not None:
            return f"expected a finite number > {self.above:g}"
        if low is not None and high is not None:
            return f"expected a finite number in [{low:g}, {high:g}]"
        if low is not None:
            return f"expected a finite number >= {low:g}"
        if high is not None:
            return f"expected a finite number <= {high:g}"
        return "expected a finite number"

    def check(self, value: Any) -> float:
        """``value`` as a float, or a refusal saying what was expected."""
        number = value
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                number = float(value)
        if not is_finite_number(number):
            raise PydanticCustomError(OPTION_ERROR, self.need)
        number = float(number)
        if self.plausible is not None and number not in self.plausible:
            raise PydanticCustomError(
                OPTION_ERROR, self.plausible.expected(number), {SHOWN: number}
            )
        ok = (self.low is None or number >= self.low) and (self.high is None or number <= self.high)
        if not ok or (self.above is not None and number <= self.above):
            shown = number if isinstance(value, str) else value  # numeric text as read
            raise PydanticCustomError(OPTION_ERROR, self.need, {SHOWN: shown})
        return number

    @property
    def bounds(self) -> tuple[float | None, float | None]:
        """The lowest and highest value accepted (None: no bound; ``above`` is excluded)."""
        low, high = self.low, self.high
        if self.plausible is not None:
            low = self.plausible.low if low is None else max(low, self.plausible.low)
            high = self.plausible.high if high is None else min(high, self.plausible.high)
        return low, high

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        if type(None) not in typing.get_args(source):
            return core_schema.no_info_plain_validator_function(self.check)

        def check(value: Any) -> float | None:
            return None if value is None else self.check(value)

        return core_schema.no_info_plain_validator_function(check, metadata={"optional": True})

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        low, high = self.bounds
        shown: dict[str, Any] = {"type": "number"}
        if self.above is not None:
            shown["exclusiveMinimum"] = self.above
        if low is not None and (self.above is None or low > self.above):
            shown["minimum"] = low
        if high is not None:
            shown["maximum"] = high
        if schema.get("metadata", {}).get("optional"):
            return {"anyOf": [shown, {"type": "null"}]}
        return shown


@dataclass(frozen=True)
class Need:
    """Any refusal of the type it annotates reads ``expected <text>`` at the option's path."""

    text: str

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        inner = handler(source)
        message = f"expected {self.text}"

        def check(value: Any, validate: Callable[[Any], Any]) -> Any:
            try:
                return validate(value)
            except ValidationError:
                raise PydanticCustomError(OPTION_ERROR, message) from None

        return core_schema.no_info_wrap_validator_function(check, inner)


class Listed:
    """A lone value as a list of one (``roles: physical``, ``bucket: 30``), in the schema too."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_before_validator_function(self.listed, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return self.lone_or_list(handler(schema))

    @staticmethod
    def listed(value: Any) -> Any:
        """``value`` as a list when it is a lone name or number."""
        return [value] if isinstance(value, str | int | float) else value

    @classmethod
    def lone_or_list(cls, shown: JsonSchemaValue) -> JsonSchemaValue:
        """A list's JSON Schema that also takes one of its items alone."""
        if "anyOf" in shown:
            return {**shown, "anyOf": [cls.lone_or_list(member) for member in shown["anyOf"]]}
        if shown.get("type") == "array" and "items" in shown:
            return {"anyOf": [shown["items"], shown]}
        return shown


def _not_bool(value: Any) -> Any:
    """True and false are not numbers here (pydantic would read them as 1 and 0)."""
    if isinstance(value, bool):
        raise ValueError("a number, not true or false")
    return value


listed = Listed()
Real = Annotated[float | int, BeforeValidator(_not_bool)]
"""A number inside a list or a mapping: numeric text is read as a float, an int stays one."""
Flag = Annotated[bool, Strict(), Need("true or false")]
Ids = tuple[str, ...]
"""Instrument ids (checked against the data when the model is built)."""


def problems(error: ValidationError, known: list[str]) -> list[tuple[str, Any, str]]:
    """(path, value, text) of each refusal of a term's options; ``known``: its option names.

    ``text`` is the whole message after the path: ``got VALUE; expected WHAT``, or what is
    wrong with an unknown key.
    """
    lines = []
    for item in error.errors():
        path = ".".join(str(part) for part in item["loc"])
        cause = item.get("ctx", {}).get("error")
        if isinstance(cause, OptionError):
            path = f"{path}.{cause.field}" if path else cause.field
            lines.append((path, cause.value, f"got {cause.value!r}; expected {cause.need}"))
        elif item["type"] in (UNKNOWN_OPTION, "unexpected_keyword_argument", "extra_forbidden"):
            lines.append((path, item["input"], E_UNKNOWN_OPTION.format(known=known)))
        else:
            value = shown(item)
            message = item["msg"].removeprefix("Value error, ")
            lines.append((path, value, f"got {value!r}; {message}"))
    return lines


def shown(item: Any) -> Any:
    """The value a refusal (a pydantic error) is about: as read, or as given."""
    return item.get("ctx", {}).get(SHOWN, item["input"])
