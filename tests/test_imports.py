"""The package's imports form no loop: module by module, and package by package.

``lint-imports`` (``make test``) checks that every import points down the layers of
pyproject's ``[tool.importlinter]``; this test finds any loop, wherever it is, and names it.
"""

import re
import tomllib

import grimp

from tests.reference import ROOT


def _loops(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected parts of more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            part = []
            while True:
                member = stack.pop()
                part.append(member)
                if member == node:
                    break
            if len(part) > 1:
                found.append(sorted(part))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def _package(module: str) -> str:
    """``ldi.optimize.terms.base`` -> ``ldi.optimize``; top-level modules stand alone."""
    return ".".join(module.split(".")[:2])


GRAPH = grimp.build_graph("ldi")
MODULES = {m: set(GRAPH.find_modules_directly_imported_by(m)) for m in GRAPH.modules}


def test_the_loop_finder_finds_a_loop():
    assert _loops({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _loops({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_itself_back():
    assert _loops(MODULES) == []


def test_no_package_imports_itself_back():
    packages: dict[str, set[str]] = {}
    for module, targets in MODULES.items():
        mine = _package(module)
        packages.setdefault(mine, set()).update(
            theirs for theirs in map(_package, targets) if theirs != mine and module != "ldi"
        )
    assert _loops(packages) == []


def test_every_module_is_in_the_graph():
    assert {"ldi.problem", "ldi.optimize.problem", "ldi.scheduling.dates"} <= set(MODULES)


def test_the_architecture_page_shows_the_contracts_layers():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    (contract,) = pyproject["tool"]["importlinter"]["contracts"]
    enforced = [{name.strip() for name in layer.split("|")} for layer in contract["layers"]]
    page = (ROOT / "docs" / "architecture.md").read_text()
    rows = re.findall(r"^\| \d+ \| (.+?) \|", page, flags=re.MULTILINE)
    assert [set(re.findall(r"`(\w+)`", row)) for row in rows] == enforced
