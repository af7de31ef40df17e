"""Atomic writes: the whole file, or the whole set of files, or nothing; usual permissions.

Failures are injected by replacing an OS call (``os.fsync``, ``os.rename``) with one that
fails on its n-th use, so every step of a write is made to fail once.
"""

import errno
import os
import stat
import tempfile

import pytest

from ldi.errors import DataError
from ldi.storage.atomic import write_folder_atomic, write_text_atomic


def test_writes_the_text_with_umask_permissions(tmp_path):
    target = write_text_atomic(tmp_path / "sub" / "out.json", "{}\n")
    assert target.read_text() == "{}\n"
    mask = os.umask(0o022)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask
    assert sorted(p.name for p in target.parent.iterdir()) == ["out.json"]


def test_failure_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "out.txt"
    target.write_text("old")

    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write_text_atomic(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_an_error_names_the_file_asked_for_not_its_temporary(tmp_path, monkeypatch):
    target = tmp_path / "out.json"

    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / ".out.json.x.tmp"))

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    with pytest.raises(PermissionError) as caught:
        write_text_atomic(target, "new")
    assert str(caught.value) == f"[Errno 13] Permission denied: '{target}'"


def test_an_error_under_a_file_names_the_file_asked_for(tmp_path):
    (tmp_path / "report.txt").write_text("a file")
    target = tmp_path / "report.txt" / "out.json"
    with pytest.raises(FileExistsError) as caught:  # report.txt is in the folder's place
        write_text_atomic(target, "new")
    assert caught.value.filename == str(target)


# --- Folders -------------------------------------------------------------------------------------

SET = {"a.json": b"{}\n", "b.csv": b"x,y\n1,2\n"}


def test_a_folder_is_written_with_its_files_and_nothing_beside_it(tmp_path):
    written = write_folder_atomic(tmp_path / "new" / "out", SET)
    assert written == [tmp_path / "new" / "out" / name for name in SET]
    assert {p.name: p.read_bytes() for p in (tmp_path / "new" / "out").iterdir()} == SET
    assert [p.name for p in (tmp_path / "new").iterdir()] == ["out"]
    mask = os.umask(0o022)
    os.umask(mask)
    assert stat.S_IMODE((tmp_path / "new" / "out").stat().st_mode) == 0o777 & ~mask
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask


def test_a_folder_replaces_an_earlier_set_whole(tmp_path):
    folder = tmp_path / "out"
    write_folder_atomic(folder, {"a.json": b"old"})
    write_folder_atomic(folder, SET)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == SET
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_symlinked_folder_is_replaced_where_it_points(tmp_path):
    real = tmp_path / "real"
    write_folder_atomic(real, {"a.json": b"old"})
    (tmp_path / "link").symlink_to(real)
    write_folder_atomic(tmp_path / "link", SET)
    assert (tmp_path / "link").is_symlink()
    assert {p.name: p.read_bytes() for p in real.iterdir()} == SET


def failing_on(call, count, error):
    """``call`` (an OS function), raising ``error`` instead on its ``count``-th use."""
    uses = []

    def failing(*args, **kwargs):
        uses.append(args)
        if len(uses) == count:
            raise error
        return call(*args, **kwargs)

    return failing


@pytest.mark.parametrize(
    ("name", "count", "named"),
    [("fsync", 1, "a.json"), ("fsync", 2, "b.csv"), ("rename", 1, ""), ("rename", 2, "")],
)
def test_a_failure_at_any_step_leaves_the_old_set_and_no_temporary(
    tmp_path, monkeypatch, name, count, named
):
    folder = tmp_path / "out"
    write_folder_atomic(folder, {"a.json": b"old a", "b.csv": b"old b"})
    error = OSError(errno.EIO, "Input/output error", str(tmp_path / ".out.x.tmp"))
    monkeypatch.setattr(os, name, failing_on(getattr(os, name), count, error))
    with pytest.raises(OSError, match="Input/output error") as caught:
        write_folder_atomic(folder, SET)
    assert caught.value.filename == str(folder / named if named else folder)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == {
        "a.json": b"old a",
        "b.csv": b"old b",
    }
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_folder_holding_other_files_is_refused_and_kept(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "a.json").write_text("old")
    (folder / "notes.txt").write_text("mine")
    (folder / "b.csv").mkdir()
    with pytest.raises(
        DataError, match=r"out: holds \['b.csv', 'notes.txt'\], which this write would remove"
    ):
        write_folder_atomic(folder, SET)
    assert sorted(p.name for p in folder.iterdir()) == ["a.json", "b.csv", "notes.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_file_in_the_folders_place_is_refused_and_kept(tmp_path):
    (tmp_path / "out").write_text("a file")
    with pytest.raises(DataError, match="out: not a folder"):
        write_folder_atomic(tmp_path / "out", SET)
    assert (tmp_path / "out").read_text() == "a file"


def test_the_working_folder_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DataError, match="the working folder"):
        write_folder_atomic(".", SET)
    assert list(tmp_path.iterdir()) == []
