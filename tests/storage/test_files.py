"""Reading the files ldi is given: regular files only, of bounded size, UTF-8, in known folders.

References: the operating system's own answers (``os.mkfifo``, ``/dev/zero``, a folder and a
symbolic link made here) and the byte counts of the files written here. A message names the
file and why it cannot be read, and never holds the file's content: each file written here
holds a secret that is looked for in the message.
"""

import os
from pathlib import Path

import pytest

from ldi.errors import DataError, SpecError
from ldi.storage.files import (
    DATA_ROOT,
    UnreadableFile,
    confined,
    read_bytes,
    read_text,
)

SECRET = "s3cr3t-line-of-the-file"
ZERO_DEVICE = Path("/dev/zero")


@pytest.fixture(autouse=True)
def no_data_root(monkeypatch):
    monkeypatch.delenv(DATA_ROOT, raising=False)


def unreadable(file, limit=1000, text=True):
    """The UnreadableFile that reading ``file`` raises."""
    with pytest.raises(UnreadableFile) as caught:
        (read_text if text else read_bytes)(file, limit)
    error = caught.value
    assert isinstance(error, DataError)  # exit 2 at the command line
    assert str(error) == f"{file}: {error.reason}"
    assert SECRET not in str(error)
    return error


# --- what is read ------------------------------------------------------------------------------


def test_a_regular_file_is_read_whole(tmp_path):
    file = tmp_path / "a.csv"
    file.write_bytes(b"time,fixed\n1,100\n")
    assert read_bytes(file, 100) == b"time,fixed\n1,100\n"
    assert read_text(file, 100) == "time,fixed\n1,100\n"


def test_a_byte_order_mark_is_dropped(tmp_path):
    file = tmp_path / "a.csv"
    file.write_bytes("\ufefftime,fixed\n".encode())
    assert read_text(file, 100) == "time,fixed\n"


def test_a_file_at_the_limit_is_read_and_one_byte_more_is_refused(tmp_path):
    file = tmp_path / "a.csv"
    file.write_bytes(b"x" * 10)
    assert read_bytes(file, 10) == b"x" * 10
    file.write_bytes(SECRET.encode() + b"x" * 10)
    size = len(SECRET) + 10
    assert unreadable(file, size - 1).reason == f"{size:,} bytes; expected at most {size - 1:,}"


def test_a_missing_file_says_so(tmp_path):
    assert unreadable(tmp_path / "none.csv").reason == "No such file or directory"


def test_a_folder_is_refused(tmp_path):
    assert unreadable(tmp_path).reason == "a folder; expected a regular file"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path):
    pipe = tmp_path / "pipe.csv"
    os.mkfifo(pipe)
    assert unreadable(pipe).reason == "a named pipe (FIFO); expected a regular file"


@pytest.mark.skipif(not ZERO_DEVICE.exists(), reason="no zero device here")
def test_the_zero_device_is_refused_rather_than_read_forever():
    assert unreadable(ZERO_DEVICE).reason == "a character device; expected a regular file"


@pytest.mark.parametrize(
    ("data", "line"),
    [
        pytest.param(f"name: {SECRET}\nname: Caf\xe9\n".encode("latin-1"), 2, id="latin-1"),
        pytest.param("time\n1\n".encode("utf-16"), 1, id="utf-16"),
        pytest.param(b"a\nb\nc\n\xff" + SECRET.encode(), 4, id="stray-byte"),
    ],
)
def test_text_that_is_not_utf8_is_refused_by_line(tmp_path, data, line):
    file = tmp_path / "a.csv"
    file.write_bytes(data)
    assert unreadable(file).reason == f"not UTF-8 text (line {line}); expected UTF-8"
    assert read_bytes(file, 1000) == data  # binary files (Parquet) are not decoded


# --- where it may be ---------------------------------------------------------------------------


def outside(value, folder, where="liabilities.cashflows"):
    """The SpecError ``confined`` raises for ``value`` named in a problem in ``folder``."""
    with pytest.raises(SpecError) as caught:
        confined(value, folder, where)
    error = caught.value
    assert error.path == where
    message = str(error)
    assert message.startswith(f"{where}: got {value!r}, outside the problem's folder {folder}")
    assert SECRET not in message
    return message


@pytest.fixture
def folders(tmp_path):
    """(the problem's folder, a folder beside it holding a secret file)."""
    problem, other = tmp_path / "problem", tmp_path / "other"
    problem.mkdir()
    other.mkdir()
    (other / "secret.csv").write_text(f"{SECRET}\n")
    (problem / "flows.csv").write_text("time,fixed\n1,100\n")
    (problem / "data").mkdir()
    (problem / "data" / "history.csv").write_text("date,5\n")
    return problem, other


def test_a_file_in_the_folder_or_below_it_is_allowed(folders):
    problem, _ = folders
    assert confined("flows.csv", problem, "x") == problem / "flows.csv"
    assert confined("data/history.csv", problem, "x") == problem / "data" / "history.csv"
    assert confined("data/../flows.csv", problem, "x") == problem / "data" / ".." / "flows.csv"
    assert confined(str(problem / "flows.csv"), problem, "x") == problem / "flows.csv"
    assert confined("missing.csv", problem, "x") == problem / "missing.csv"  # read, then named


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("../other/secret.csv", id="climbs-out"),
        pytest.param("data/../../other/secret.csv", id="climbs-out-from-below"),
        pytest.param("ABSOLUTE", id="absolute"),
    ],
)
def test_a_file_outside_the_folder_is_refused(folders, value):
    problem, other = folders
    value = str(other / "secret.csv") if value == "ABSOLUTE" else value
    message = outside(value, problem)
    assert message.endswith(
        f"expected a file inside it, or a data root in {DATA_ROOT} that holds the file"
    )


def test_a_symbolic_link_is_followed_before_the_check(folders):
    problem, other = folders
    (problem / "link.csv").symlink_to(other / "secret.csv")
    outside("link.csv", problem)
    (problem / "linked").symlink_to(other, target_is_directory=True)
    outside("linked/secret.csv", problem)
    (problem / "inside.csv").symlink_to(problem / "flows.csv")  # a link that stays is fine
    assert confined("inside.csv", problem, "x") == problem / "inside.csv"


def test_the_zero_device_is_outside_any_problem_folder(folders):
    problem, _ = folders
    outside(str(ZERO_DEVICE), problem)
    (problem / "zero.csv").symlink_to(ZERO_DEVICE)
    outside("zero.csv", problem)


def test_the_data_root_allows_files_below_it(folders, monkeypatch):
    problem, other = folders
    monkeypatch.setenv(DATA_ROOT, str(other))
    assert confined("../other/secret.csv", problem, "x") == problem / ".." / "other" / "secret.csv"
    assert confined(str(other / "secret.csv"), problem, "x") == other / "secret.csv"
    message = outside("../outside.csv", problem)
    assert message.endswith(f"expected a file inside it or inside the data root {other}")


@pytest.mark.parametrize("root", ["MISSING", "FILE"])
def test_a_data_root_that_is_not_a_folder_is_refused(folders, monkeypatch, root):
    problem, other = folders
    value = str(other / "none") if root == "MISSING" else str(other / "secret.csv")
    monkeypatch.setenv(DATA_ROOT, value)
    with pytest.raises(SpecError) as caught:
        confined("flows.csv", problem, "liabilities.cashflows")
    assert str(caught.value) == (
        f"liabilities.cashflows: the data root {DATA_ROOT}={value!r} is not a folder; "
        "expected the path of an existing folder"
    )


def test_an_empty_data_root_is_none(folders, monkeypatch):
    problem, other = folders
    monkeypatch.setenv(DATA_ROOT, "")
    outside(str(other / "secret.csv"), problem)


def test_a_path_with_a_null_byte_is_refused(folders):
    problem, _ = folders
    with pytest.raises(SpecError) as caught:
        confined("flows\0.csv", problem, "liabilities.cashflows")
    assert str(caught.value) == (
        "liabilities.cashflows: got 'flows\\x00.csv'; expected a file path without null bytes"
    )
