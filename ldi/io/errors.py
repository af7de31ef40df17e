"""Domain errors restated at the problem-file path of the key that caused them."""

from ldi.errors import DataError, SpecError


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
