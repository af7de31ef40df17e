"""The repository carries its own specification: no file cites documents kept outside it.

Conventions are in docs/conventions.md and published figures in docs/market-facts.md; code,
tests, benchmarks, notebooks and docs cite those pages.
"""

from tests.reference import ROOT

FOLDERS = ("ldi", "tests", "benchmarks", "docs", "notebooks")
# Built from parts, so that this file does not match its own search.
OUTSIDE = ("../" + "shared", "DESIGN" + ".md", "domain" + "-facts")


def _files():
    """Every file of the folders (caches and hidden folders aside) and the README."""
    for folder in FOLDERS:
        for path in sorted((ROOT / folder).rglob("*")):
            parts = path.relative_to(ROOT).parts
            if (
                path.is_file()
                and "__pycache__" not in parts
                and not any(part.startswith(".") for part in parts)
            ):
                yield path
    yield ROOT / "README.md"


def test_the_folders_are_searched():
    names = {path.relative_to(ROOT).as_posix() for path in _files()}
    expected = {
        "README.md",
        "ldi/balance_sheet.py",
        "tests/test_repository.py",
        "benchmarks/bench_risk.py",
        "docs/market-facts.md",
        "notebooks/README.md",
    }
    assert expected <= names


def test_nothing_cites_documents_outside_the_repository():
    found = [
        f"{path.relative_to(ROOT).as_posix()}: {name}"
        for path in _files()
        for name in OUTSIDE
        if name.encode() in path.read_bytes()
    ]
    listed = "\n".join(found)
    assert not found, f"cite docs/conventions.md or docs/market-facts.md instead:\n{listed}"
