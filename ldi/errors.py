"""Exceptions raised by ldi: one root, one class per kind of failure."""


class LDIError(Exception):
    """Root of every error ldi raises on purpose."""


class DataError(LDIError, ValueError):
    """Numbers that cannot be used: NaN, unsorted tenors, mismatched lengths, missing columns."""


class SpecError(LDIError, ValueError):
    """A problem file or option that breaks the schema; ``path`` locates the offending key."""

    def __init__(self, message: str, *, path: str = "") -> None:
        super().__init__(message)
        self.path = path


class OptionError(SpecError):
    """A term's option refused: ``field`` (its path), the ``value`` given and what is ``need``-ed.

    Raised by a term's own checks; as a SpecError its message is
    ``<kind>.<field>: got <value>; expected <need>`` and its path the option's.
    """

    def __init__(self, kind: str, field: str, value: object, need: str) -> None:
        super().__init__(f"{kind}.{field}: got {value!r}; expected {need}", path=field)
        self.field, self.value, self.need = field, value, need


class ModelError(LDIError, ValueError):
    """Terms that cannot form a convex problem, or a re-solve that would change its shape."""


class SolveError(LDIError):
    """A solve that ended without a usable answer; ``InfeasibleError`` says why it has none."""


class InfeasibleError(SolveError):
    """The constraints conflict; the message names them and how far each must move."""


class LDIWarning(UserWarning):
    """A result to use with care, e.g. an optimum the solver reports as inaccurate."""
