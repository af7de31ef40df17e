"""Problem files read safely: YAML text -> the mapping at the top of the file.

A problem file is read with PyYAML's safe loader (libyaml's C parser when PyYAML has it),
parsed once, and checked before any Python object is built: at most ``MAX_PROBLEM_BYTES``
of UTF-8, no key twice in one mapping, no alias inside its own anchor, at most
``MAX_DEPTH`` levels of lists and mappings and ``MAX_NODES`` nodes, each alias counted as
all it stands for (a 1 KB "alias bomb" stands for billions). A value YAML 1.1 would read as a
timestamp stays text: the schema checks ``valuation_date`` (YYYY-MM-DD), and elsewhere it is
text.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from ldi.errors import SpecError
from ldi.storage.files import UnreadableFile, read_text

# libyaml's parser and composer in C when PyYAML has them: the same nodes, many times faster.
YAML_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
TIMESTAMP = "tag:yaml.org,2002:timestamp"
MAX_PROBLEM_BYTES = 4 * 2**20  # 4 MiB: bulk data belongs in the CSV files a problem names
MAX_NODES = 500_000  # scalars, lists and mappings, each alias counted as what it stands for
MAX_DEPTH = 64  # levels of lists and mappings
E_READ = "{file}: cannot read the problem file ({reason})"
E_YAML = "{file}: not valid YAML ({reason})"
E_NODES = (
    "{file}: more than {limit:,} values, keys, lists and mappings (each alias counted as all "
    "it stands for); expected at most {limit:,}"
)
E_DEPTH = (
    "{file}: lists and mappings nested more than {limit} deep; expected at most {limit} "
    "levels of lists and mappings"
)
E_RECURSIVE = (
    "{file}: the anchor on line {line} holds an alias to itself; expected no recursive aliases"
)
E_REPEATED_KEY = (
    "{file}: key {key!r} appears twice in one mapping (line {line}); expected each key once"
)
E_TOP = "{file}: got {kind}; expected a mapping of keys at the top of the file"


def read_yaml(path: Path) -> dict[str, Any]:
    """The top-level mapping of a YAML file, read safely (see the module docstring)."""
    try:
        text = read_text(path, MAX_PROBLEM_BYTES)
    except UnreadableFile as error:
        raise SpecError(E_READ.format(file=path, reason=error.reason)) from None
    raw = _parsed(text, path)
    if not isinstance(raw, dict):
        kind = "an empty file" if raw is None else f"a {type(raw).__name__}"
        raise SpecError(E_TOP.format(file=path, kind=kind))
    return raw


def _parsed(text: str, path: Path) -> Any:
    """The one document of ``text``, or a SpecError naming the file and a line."""
    try:
        with _cyclic_gc_paused():
            return _document(text, path)
    except yaml.YAMLError as error:
        if "nesting depth" in str(getattr(error, "problem", "")):  # libyaml's own depth limit
            raise SpecError(E_DEPTH.format(file=path, limit=MAX_DEPTH)) from None
        raise SpecError(E_YAML.format(file=path, reason=_yaml_reason(error, text))) from None
    except RecursionError:  # PyYAML's pure-Python composer recurses once per level
        raise SpecError(E_DEPTH.format(file=path, limit=MAX_DEPTH)) from None


def _document(text: str, path: Path) -> Any:
    """The document of ``text``: composed once, checked, then built from the same nodes."""
    loader = YAML_LOADER(text)
    # YAML 1.1 builds 2025-02-30 as a date while loading, and fails with a bare ValueError:
    # dates stay text, checked where a date is expected (schema), text everywhere else.
    loader.yaml_constructors = {**loader.yaml_constructors, TIMESTAMP: _text}
    try:
        node = loader.get_single_node()
        if node is None:  # no document: empty, or comments only
            return None
        _check_tree(node, path)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _text(loader: Any, node: yaml.ScalarNode) -> str:
    """A scalar as the text written, whatever its tag resolved to."""
    return str(node.value)


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a document is parsed.

    A parse allocates a graph of nodes that lives until it ends; the collector would walk
    it again and again as it grows (six times the parse's own time on a 2 MB file).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _yaml_reason(error: yaml.YAMLError, text: str) -> str:
    """What a YAML error says and where, without the lines of the file it would quote."""
    if isinstance(error, yaml.reader.ReaderError):  # a character YAML does not allow
        line = text.count("\n", 0, error.position) + 1
        code = error.character if isinstance(error.character, int) else ord(error.character)
        return f"character #x{code:04x} at line {line}: {error.reason}"
    if not isinstance(error, yaml.MarkedYAMLError):
        return " ".join(str(error).split())
    mark = error.problem_mark or error.context_mark
    said = ", ".join(part for part in (error.context, error.problem) if part)
    return f"{said} at line {mark.line + 1}, column {mark.column + 1}" if mark else said


def _check_tree(root: yaml.Node, path: Path) -> None:
    """Refuse a composed tree that repeats a key, holds itself or exceeds the limits.

    Aliases make the tree a graph whose lists and mappings may be shared, so each is
    measured once, depth-first without recursion: its size (1 + its children's, a scalar
    counting 1) and depth (lists and mappings on the longest path down). ``yaml.safe_load``
    keeps the last of two ``UKT_2036:`` holdings without a word; the first key repeated in
    the file is reported.
    """
    measured: dict[int, tuple[int, int]] = {}  # id(list or mapping) -> (nodes, depth)
    opened: set[int] = set()  # the lists and mappings from the root down to the one measured
    repeats: list[yaml.Node] = []
    stack: list[tuple[yaml.Node, list[yaml.Node] | None]] = [(root, None)]
    while stack:
        node, done = stack.pop()
        if done is not None:  # its children are measured: measure it
            opened.discard(id(node))
            nodes, depth = 1, 0
            for child in done:
                size, levels = measured.get(id(child), (1, 0))  # a scalar: (1, 0)
                nodes, depth = nodes + size, max(depth, levels)
            if nodes > MAX_NODES:
                raise SpecError(E_NODES.format(file=path, limit=MAX_NODES))
            if depth + 1 > MAX_DEPTH:
                raise SpecError(E_DEPTH.format(file=path, limit=MAX_DEPTH))
            measured[id(node)] = (nodes, depth + 1)
            continue
        if id(node) in measured or isinstance(node, yaml.ScalarNode):
            continue
        if id(node) in opened:
            line = node.start_mark.line + 1
            raise SpecError(E_RECURSIVE.format(file=path, line=line))
        opened.add(id(node))
        children = _children(node)
        stack.append((node, children))
        for child in children:
            if not isinstance(child, yaml.ScalarNode) and id(child) not in measured:
                stack.append((child, None))
        if isinstance(node, yaml.MappingNode):
            repeats += _repeated_keys(node)
    if repeats:
        first = min(repeats, key=lambda key: key.start_mark.index)
        line = first.start_mark.line + 1
        raise SpecError(E_REPEATED_KEY.format(file=path, key=first.value, line=line))


def _children(node: yaml.Node) -> list[yaml.Node]:
    """A mapping's keys and values, a list's items."""
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return list(node.value)


def _repeated_keys(node: yaml.MappingNode) -> list[yaml.Node]:
    """The scalar keys of one mapping that repeat an earlier key of it."""
    seen: set[tuple[str, str]] = set()
    repeats = []
    for key, _ in node.value:
        if isinstance(key, yaml.ScalarNode):
            if (key.tag, key.value) in seen:
                repeats.append(key)
            seen.add((key.tag, key.value))
    return repeats
