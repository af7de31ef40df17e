"""Atomic output: readers see the old file (or set of files) or the whole new one, never a mix.

A file is written to a temporary file beside it and renamed over it. A set of files (a
folder) is written to a temporary folder beside it and swapped in as a whole: the old folder
is renamed aside, the new one renamed into its place and the old one removed; if the second
rename fails the old folder is renamed back. Temporaries are removed on any failure, and
every error names the path asked for, never a temporary one.
"""

import logging
import os
import shutil
import stat
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from ldi.errors import DataError

E_NOT_FOLDER = "{folder}: not a folder; expected a folder to write {names} into"
E_FOREIGN = (
    "{folder}: holds {foreign}, which this write would remove; expected a new or empty "
    "folder, or one holding only {names}"
)
E_WORKING = "{folder}: the working folder or one that holds it; expected another folder"
log = logging.getLogger(__name__)


def write_text_atomic(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` (UTF-8) to a temporary file beside ``path``, then rename it over ``path``."""
    return write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to a temporary file beside ``path``, then rename it over ``path``."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
        )
    except OSError as error:
        raise _naming(error, target) from None
    try:
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual mode
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise _naming(error, target) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def write_folder_atomic(folder: str | os.PathLike[str], files: Mapping[str, bytes]) -> list[Path]:
    """Write ``files`` (name to bytes) as the folder ``folder``, replacing it as a whole.

    A reader sees the old set or the new one, never a mix (see the module docstring). An
    existing ``folder`` may hold only files named in ``files`` (an earlier set), since the
    rest would be lost; a DataError names anything else, and a file in the folder's place.
    A symbolic link to a folder keeps pointing at the new set. Returns the paths written.
    """
    asked = Path(folder)
    target = asked.resolve()
    check_replaceable(asked, files)
    mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o777 & ~_umask()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        raise _naming(error, asked) from None
    try:
        for name, data in files.items():
            _write_new(Path(staging, name), data, asked / name)
        os.chmod(staging, mode)
        _swap_in(Path(staging), target, asked)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # already gone once swapped in
    return [asked / name for name in files]


def check_replaceable(folder: str | os.PathLike[str], names: Iterable[str]) -> None:
    """Refuse (DataError) a ``folder`` that ``write_folder_atomic`` could not replace.

    That is a file, the working folder or one that holds it, or a folder holding anything
    but files of the given ``names``; checked again as it writes, and beforehand by callers
    that would otherwise compute for nothing.
    """
    asked = Path(folder)
    target = asked.resolve()
    allowed = set(names)
    listed = sorted(allowed)
    if Path.cwd().is_relative_to(target):
        raise DataError(E_WORKING.format(folder=asked))
    if not target.exists():
        return
    if not target.is_dir():
        raise DataError(E_NOT_FOLDER.format(folder=asked, names=listed))
    foreign = sorted(p.name for p in target.iterdir() if p.name not in allowed or not p.is_file())
    if foreign:
        raise DataError(E_FOREIGN.format(folder=asked, foreign=foreign, names=listed))


def _write_new(path: Path, data: bytes, asked: Path) -> None:
    """Write ``data`` to the new file ``path``, synced to disk; errors name ``asked``."""
    try:
        with open(path, "xb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
    except OSError as error:
        raise _naming(error, asked) from None


def _swap_in(new: Path, target: Path, asked: Path) -> None:
    """Rename the folder ``new`` to ``target``, moving an existing one aside and removing it.

    If ``new`` cannot take its place, the old folder is put back before the error (which
    names ``asked``) is raised.
    """
    if not target.exists():
        _rename(new, target, asked)
        return
    aside = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".old"))
    old = aside / target.name
    try:
        _rename(target, old, asked)
    except BaseException:  # an interrupt too: never leave the old set aside
        aside.rmdir()
        raise
    try:
        _rename(new, target, asked)
    except BaseException:
        os.rename(old, target)
        aside.rmdir()
        raise
    shutil.rmtree(aside, ignore_errors=True)
    if aside.exists():
        log.warning("could not remove the replaced outputs in %s", aside)


def _rename(source: Path, destination: Path, asked: Path) -> None:
    try:
        os.rename(source, destination)
    except OSError as error:
        raise _naming(error, asked) from None


def _naming(error: OSError, path: Path) -> OSError:
    """``error`` restated for ``path``, the path asked for, rather than a temporary one."""
    reason = error.strerror or str(error)
    if error.errno is None:
        return type(error)(f"{reason}: {str(path)!r}")
    return type(error)(error.errno, reason, str(path))


def _umask() -> int:
    """The process umask (reading it means setting it, so it is put straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
