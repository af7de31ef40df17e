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
