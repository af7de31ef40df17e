"""Reading the files ldi is given: regular files of bounded size, UTF-8 text, in known folders.

A file is opened only when it is a regular file (never a folder, a named pipe or a device
such as the zero device, which would never end) of at most the reader's limit in bytes.
Text must be UTF-8; a byte-order mark is allowed and dropped. A file that cannot be read
raises ``UnreadableFile``, which names the file and says why without quoting any of it.

A problem file names other files (``liabilities.cashflows``, ``simulation.curve_history``,
``simulation.scenario_file``). ``confined`` keeps each inside the problem's folder once
symbolic links are resolved, so a problem cannot make ldi read files elsewhere (``../``, an
absolute path or a link pointing out). The opt-in for a folder of shared data elsewhere is
the environment variable ``LDI_DATA_ROOT``: files inside that folder may be named too.
"""

import os
import stat
from pathlib import Path

from ldi.errors import DataError, SpecError

DATA_ROOT = "LDI_DATA_ROOT"
MAX_DATA_BYTES = 2**30  # 1 GiB: a CSV or Parquet file a problem names
SPECIAL = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)
R_SPECIAL = "{kind}; expected a regular file"
R_TOO_LARGE = "{size:,} bytes; expected at most {limit:,}"
R_NOT_UTF8 = "not UTF-8 text (line {line}); expected UTF-8"
E_OUTSIDE = "{where}: got {value!r}, outside the problem's folder {folder}; expected {expected}"
EXPECTED_NO_ROOT = f"a file inside it, or a data root in {DATA_ROOT} that holds the file"
EXPECTED_ROOT = "a file inside it or inside the data root {root}"
E_DATA_ROOT = (
    "{where}: the data root " + DATA_ROOT + "={value!r} is not a folder; "
    "expected the path of an existing folder"
)
E_NULL = "{where}: got {value!r}; expected a file path without null bytes"


class UnreadableFile(DataError):
    """A file that cannot be read; ``reason`` says why, and never quotes the file."""

    def __init__(self, file: str | os.PathLike[str], reason: str) -> None:
        super().__init__(f"{file}: {reason}")
        self.file = file
        self.reason = reason


def read_bytes(file: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (else ``UnreadableFile``).

    The file's kind is checked before it is opened, and again on the open file, which is
    opened without waiting (a named pipe with no writer would block).
    """
    try:
        _check_kind(file, os.stat(file).st_mode)
        handle = os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise UnreadableFile(file, error.strerror or str(error)) from None
    with os.fdopen(handle, "rb") as stream:
        status = os.fstat(stream.fileno())
        _check_kind(file, status.st_mode)
        if status.st_size > limit:
            raise UnreadableFile(file, R_TOO_LARGE.format(size=status.st_size, limit=limit))
        data = stream.read(limit + 1)  # a file that grows while read is caught here
    if len(data) > limit:
        raise UnreadableFile(file, R_TOO_LARGE.format(size=len(data), limit=limit))
    return data


def read_text(file: str | os.PathLike[str], limit: int) -> str:
    """``read_bytes`` decoded as UTF-8 (a byte-order mark dropped)."""
    return decoded(read_bytes(file, limit), file)


def decoded(data: bytes, file: str | os.PathLike[str]) -> str:
    """``data`` as UTF-8 text; ``UnreadableFile`` names the first line that is not."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise UnreadableFile(file, R_NOT_UTF8.format(line=line)) from None


def confined(value: str, folder: Path, where: str) -> Path:
    """``folder / value``, when it lies inside ``folder`` or the data root (links resolved).

    ``where`` is the key that names the file (``liabilities.cashflows``); a file outside
    both raises a SpecError at that key. A missing file passes: its reader names it.
    """
    if "\0" in value:
        raise SpecError(E_NULL.format(where=where, value=value), path=where)
    path = folder / value
    target = path.resolve()
    root = data_root(where)
    inside = [folder.resolve(), *([] if root is None else [root])]
    if any(target.is_relative_to(allowed) for allowed in inside):
        return path
    expected = EXPECTED_NO_ROOT if root is None else EXPECTED_ROOT.format(root=root)
    shown = os.path.abspath(folder)
    message = E_OUTSIDE.format(where=where, value=value, folder=shown, expected=expected)
    raise SpecError(message, path=where)


def data_root(where: str) -> Path | None:
    """The folder ``LDI_DATA_ROOT`` names, resolved (None when it is unset or empty)."""
    value = os.environ.get(DATA_ROOT, "")
    if not value:
        return None
    root = Path(value).expanduser()
    if not root.is_dir():
        raise SpecError(E_DATA_ROOT.format(where=where, value=value), path=where)
    return root.resolve()


def _check_kind(file: str | os.PathLike[str], mode: int) -> None:
    for test, kind in SPECIAL:
        if test(mode):
            raise UnreadableFile(file, R_SPECIAL.format(kind=kind))
