"""Reading a problem file safely: bounded YAML, one parse, named encodings, confined files.

References: node counts and depths computed by hand for the documents built here (an alias
bomb of 9 levels stands for 9^9 + ... nodes, a chain of n brackets for n levels), PyYAML's
own C loader (``yaml.CSafeLoader``), and files planted beside and outside the problem's
folder, each holding a secret that must never appear in a message. Every refusal is a
SpecError (exit 2 at the command line) whose message starts with the file or the YAML path.
"""

import gc
import os
import signal
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
import yaml

import ldi.io.reading as reading
from ldi.errors import SpecError
from ldi.io.load import load_problem
from ldi.storage.files import DATA_ROOT
from tests.io.test_liquidity import curve_history
from tests.io.test_load import minimal, write_yaml

SECRET = "s3cr3t-line-of-the-file"
LOADERS = [
    pytest.param(yaml.CSafeLoader, id="libyaml"),
    pytest.param(yaml.SafeLoader, id="pure-python"),
]


@pytest.fixture(autouse=True)
def no_data_root(monkeypatch):
    monkeypatch.delenv(DATA_ROOT, raising=False)


@pytest.fixture(params=LOADERS)
def loader(request, monkeypatch):
    """Each case with the C loader (the default when PyYAML has it) and the pure-Python one."""
    monkeypatch.setattr(reading, "YAML_LOADER", request.param)
    return request.param


@contextmanager
def within(seconds):
    """Fail, rather than hang, when the block takes longer than ``seconds``."""

    def expire(signum, frame):
        raise TimeoutError(f"took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def refused(path):
    """The message of the SpecError loading ``path`` raises; it names the file first."""
    with pytest.raises(SpecError) as caught:
        load_problem(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert SECRET not in message
    return message


def alias_bomb(levels):
    """A YAML document of ~1 KB whose aliases stand for 9^levels scalars."""
    lines = ["ldi: 1", "a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


# --- size, depth and aliases ------------------------------------------------------------------


@pytest.mark.parametrize("levels", [8, 9])
def test_an_alias_bomb_is_refused_at_once(tmp_path, loader, levels):
    path = tmp_path / "bomb.yaml"
    path.write_text(alias_bomb(levels))
    assert path.stat().st_size < 1100
    with within(5):
        message = refused(path)
    assert message == reading.E_NODES.format(file=path, limit=reading.MAX_NODES)


def test_the_node_count_counts_what_aliases_stand_for(tmp_path, monkeypatch):
    # The top mapping, 2 keys, 1 and a list of 9 scalars: 14 nodes. `b: *a` adds 1 + 10.
    path = tmp_path / "p.yaml"
    path.write_text("ldi: 1\na: &a [x, x, x, x, x, x, x, x, x]\n")
    monkeypatch.setattr(reading, "MAX_NODES", 13)
    assert refused(path) == reading.E_NODES.format(file=path, limit=13)
    monkeypatch.setattr(reading, "MAX_NODES", 14)
    assert reading.read_yaml(path) == {"ldi": 1, "a": ["x"] * 9}
    path.write_text("ldi: 1\na: &a [x, x, x, x, x, x, x, x, x]\nb: *a\n")
    monkeypatch.setattr(reading, "MAX_NODES", 24)
    assert refused(path) == reading.E_NODES.format(file=path, limit=24)
    monkeypatch.setattr(reading, "MAX_NODES", 25)
    assert reading.read_yaml(path)["b"] == ["x"] * 9


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("ldi: 1\nname: &a [*a]\n", id="list-in-itself"),
        pytest.param("ldi: 1\nname: &a {key: *a}\n", id="mapping-in-itself"),
        pytest.param("ldi: 1\nname: &a [[1, [*a]]]\n", id="deeper-loop"),
    ],
)
def test_a_recursive_alias_is_refused(tmp_path, loader, text):
    path = tmp_path / "p.yaml"
    path.write_text(text)
    assert refused(path) == reading.E_RECURSIVE.format(file=path, line=2)


def test_an_alias_used_twice_is_not_recursive(tmp_path, loader):
    path = tmp_path / "p.yaml"
    path.write_text("ldi: 1\nx: &a [1, 2]\ny: [*a, *a, [*a]]\n")
    assert reading.read_yaml(path)["y"] == [[1, 2], [1, 2], [[1, 2]]]


@pytest.mark.parametrize("depth", [reading.MAX_DEPTH, 1000])
def test_deep_nesting_is_refused(tmp_path, loader, depth):
    # The top mapping is one level: `name` holds depth - 1 more, the limit + 1 in all.
    path = tmp_path / "p.yaml"
    path.write_text("ldi: 1\nname: " + "[" * depth + "]" * depth + "\n")
    # Beyond the limit: found by the walk; far beyond: libyaml's own limit or PyYAML's recursion.
    assert refused(path) == reading.E_DEPTH.format(file=path, limit=reading.MAX_DEPTH)


def test_nesting_at_the_limit_is_read(tmp_path, loader):
    path = tmp_path / "p.yaml"
    depth = reading.MAX_DEPTH - 1
    path.write_text("ldi: 1\nname: " + "[" * depth + "]" * depth + "\n")
    nested = reading.read_yaml(path)["name"]
    for _ in range(depth - 1):
        (nested,) = nested
    assert nested == []


def test_a_file_larger_than_the_limit_is_refused_unparsed(tmp_path, monkeypatch):
    path = write_yaml(tmp_path, minimal())
    size = path.stat().st_size
    monkeypatch.setattr(reading, "MAX_PROBLEM_BYTES", size - 1)
    monkeypatch.setattr(reading, "YAML_LOADER", None)  # parsing would fail: it must not start
    assert refused(path) == reading.E_READ.format(
        file=path, reason=f"{size:,} bytes; expected at most {size - 1:,}"
    )


# --- one parse, the C loader ------------------------------------------------------------------


def test_the_c_loader_is_used_when_pyyaml_has_it():
    assert yaml.__with_libyaml__
    assert reading.YAML_LOADER is yaml.CSafeLoader


def test_a_file_is_read_and_parsed_once(tmp_path, monkeypatch):
    path = write_yaml(tmp_path, minimal())
    calls = {"compose": 0, "construct": 0}

    class Counting(yaml.CSafeLoader):
        def get_single_node(self):
            calls["compose"] += 1
            return super().get_single_node()

        def construct_document(self, node):
            calls["construct"] += 1
            return super().construct_document(node)

    monkeypatch.setattr(reading, "YAML_LOADER", Counting)
    monkeypatch.setattr(yaml, "compose", None)  # neither helper parses the text again
    monkeypatch.setattr(yaml, "safe_load", None)
    assert load_problem(path).name == "test scheme"
    assert calls == {"compose": 1, "construct": 1}


@pytest.mark.parametrize(
    "text", ["ldi: 1\nname: s\n", "ldi: 1\nname: [unclosed\n", "ldi: 1\nname: &a [*a]\n"]
)
def test_the_garbage_collector_is_paused_for_a_parse_only(tmp_path, monkeypatch, text):
    # The collector would walk the growing graph of nodes again and again: paused while the
    # nodes are built, running again afterwards whatever the outcome.
    seen = []

    class Watching(yaml.CSafeLoader):
        def get_single_node(self):
            seen.append(gc.isenabled())
            return super().get_single_node()

    monkeypatch.setattr(reading, "YAML_LOADER", Watching)
    path = tmp_path / "p.yaml"
    path.write_text(text)
    assert gc.isenabled()
    with suppress(SpecError):
        reading.read_yaml(path)
    assert seen == [False]
    assert gc.isenabled()


def test_both_loaders_read_the_same_problems(default_problem_path, monkeypatch):
    for path in sorted(default_problem_path.parent.glob("*.yaml")):
        monkeypatch.setattr(reading, "YAML_LOADER", yaml.CSafeLoader)
        fast = reading.read_yaml(path)
        monkeypatch.setattr(reading, "YAML_LOADER", yaml.SafeLoader)
        expected = yaml.safe_load(path.read_text())
        if "valuation_date" in expected:  # dates are read as text (see test_dates.py)
            expected["valuation_date"] = expected["valuation_date"].isoformat()
        assert reading.read_yaml(path) == fast == expected


def test_a_repeated_key_is_reported_by_either_loader(tmp_path, loader):
    path = tmp_path / "p.yaml"
    path.write_text("ldi: 1\nholdings:\n  G10: 1.0\n  S30: [1, {a: 1, a: 2}]\n  G10: 2.0\n")
    assert refused(path) == reading.E_REPEATED_KEY.format(file=path, key="a", line=4)


def test_a_python_tag_is_refused_not_run(tmp_path, loader):
    path = tmp_path / "p.yaml"
    path.write_text("ldi: !!python/object/apply:os.getcwd []\n")
    assert "not valid YAML" in refused(path)


# --- no file content in messages --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line"),
    [
        pytest.param(f"ldi: 1\nname: [{SECRET}\n", 3, id="unclosed-bracket"),
        pytest.param(f"ldi: 1\n  name: {SECRET}\n", 2, id="bad-indentation"),
        pytest.param(f"ldi: 1\nname: '{SECRET}\n", 3, id="unclosed-quote"),
        pytest.param(f"ldi: 1\n{SECRET}: *nowhere\n", 2, id="unknown-alias"),
        pytest.param(f"ldi: 1\nname: {SECRET}\n---\nname: b\n", 3, id="two-documents"),
        pytest.param(f"ldi: 1\nname: {SECRET}\x00\n", 2, id="control-character"),
    ],
)
def test_a_yaml_error_gives_its_line_and_not_the_text(tmp_path, loader, text, line):
    path = tmp_path / "p.yaml"
    path.write_text(text)
    message = refused(path)
    assert message.startswith(f"{path}: not valid YAML (")
    assert f"line {line}" in message
    assert "\n" not in message


# --- encodings and special files --------------------------------------------------------------


def test_a_file_that_is_not_utf8_is_refused_by_name(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_bytes(f"ldi: 1\nname: {SECRET} Caf\xe9\n".encode("latin-1"))
    assert refused(path) == reading.E_READ.format(
        file=path, reason="not UTF-8 text (line 2); expected UTF-8"
    )


def test_a_utf8_file_with_a_byte_order_mark_loads(tmp_path):
    path = write_yaml(tmp_path, minimal(name="Café scheme"))
    path.write_bytes("\ufeff".encode() + path.read_bytes())
    assert load_problem(path).name == "Café scheme"


@pytest.mark.parametrize("kind", ["folder", "pipe", "zero-device"])
def test_a_special_file_is_refused_without_being_read(tmp_path, kind):
    if kind == "folder":
        path, reason = tmp_path, "a folder; expected a regular file"
    elif kind == "pipe":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no named pipes here")
        path, reason = tmp_path / "p.yaml", "a named pipe (FIFO); expected a regular file"
        os.mkfifo(path)
    else:
        path, reason = Path("/dev/zero"), "a character device; expected a regular file"
        if not path.exists():
            pytest.skip("no zero device here")
    with within(5):
        assert refused(path) == reading.E_READ.format(file=path, reason=reason)


# --- files a problem names --------------------------------------------------------------------

NAMED = {
    "liabilities.cashflows": "time,fixed\n1,100\n2,100\n",
    "simulation.curve_history": None,  # written by tests.io.test_liquidity.curve_history
    "simulation.scenario_file": "scenario,year,nominal_10\n1,0,0.04\n1,1,0.045\n",
}


def named(key, value):
    """The minimal problem naming ``value`` at ``key``."""
    raw = minimal()
    section, name = key.split(".")
    raw.setdefault(section, {})[name] = value
    return raw


def plant(file, key):
    """A valid file for ``key`` at ``file``, with a secret in a column name."""
    file.parent.mkdir(parents=True, exist_ok=True)
    if NAMED[key] is None:
        curve_history(file)
    else:
        file.write_text(NAMED[key])
    return file


@pytest.fixture
def folders(tmp_path):
    """(the problem's folder, a folder beside it)."""
    problem, other = tmp_path / "scheme", tmp_path / "other"
    problem.mkdir()
    other.mkdir()
    (other / "secret.csv").write_text(f"{SECRET}\n1\n")
    return problem, other


@pytest.mark.parametrize("key", list(NAMED))
def test_a_named_file_inside_the_folder_loads(folders, key):
    problem, _ = folders
    plant(problem / "data" / "file.csv", key)
    load_problem(write_yaml(problem, named(key, "data/file.csv")))


@pytest.mark.parametrize("key", list(NAMED))
@pytest.mark.parametrize("how", ["climbs-out", "absolute", "symlink", "symlinked-folder"])
def test_a_named_file_outside_the_folder_is_refused(folders, key, how):
    problem, other = folders
    value = {
        "climbs-out": "../other/secret.csv",
        "absolute": str(other / "secret.csv"),
        "symlink": "link.csv",
        "symlinked-folder": "linked/secret.csv",
    }[how]
    (problem / "link.csv").symlink_to(other / "secret.csv")
    (problem / "linked").symlink_to(other, target_is_directory=True)
    path = write_yaml(problem, named(key, value))
    with pytest.raises(SpecError) as caught:
        load_problem(path)
    assert caught.value.path == key
    message = str(caught.value)
    assert message.startswith(f"{key}: got {value!r}, outside the problem's folder {problem}")
    assert SECRET not in message


@pytest.mark.parametrize("key", list(NAMED))
def test_the_data_root_opts_in_to_files_elsewhere(folders, monkeypatch, key):
    problem, other = folders
    plant(other / "file.csv", key)
    path = write_yaml(problem, named(key, "../other/file.csv"))
    with pytest.raises(SpecError):
        load_problem(path)
    monkeypatch.setenv(DATA_ROOT, str(other))
    load_problem(path)


def test_a_mapping_names_files_inside_the_working_folder(folders, monkeypatch):
    problem, other = folders
    plant(problem / "flows.csv", "liabilities.cashflows")
    monkeypatch.chdir(problem)
    load_problem(named("liabilities.cashflows", "flows.csv"))
    with pytest.raises(SpecError, match="outside the problem's folder"):
        load_problem(named("liabilities.cashflows", str(other / "secret.csv")))


@pytest.mark.parametrize("key", list(NAMED))
def test_a_named_file_that_is_not_utf8_is_refused_by_name(folders, key):
    problem, _ = folders
    file = plant(problem / "file.csv", key)
    file.write_bytes(file.read_bytes() + f"{SECRET} \xe9\n".encode("latin-1"))
    with pytest.raises(SpecError) as caught:
        load_problem(write_yaml(problem, named(key, "file.csv")))
    message = str(caught.value)
    assert message.startswith(f"{key}: ")
    assert str(problem / "file.csv") in message
    assert "not UTF-8 text (line " in message
    assert SECRET not in message


@pytest.mark.parametrize("key", list(NAMED))
def test_a_named_special_file_is_refused_by_name(folders, key):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    problem, _ = folders
    os.mkfifo(problem / "pipe.csv")
    with within(5), pytest.raises(SpecError) as caught:
        load_problem(write_yaml(problem, named(key, "pipe.csv")))
    message = str(caught.value)
    assert message.startswith(f"{key}: ")
    assert "pipe.csv" in message
    assert "a named pipe (FIFO); expected a regular file" in message
