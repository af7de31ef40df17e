"""The command output the docs show, and the check that the command prints it.

A ```text block in the README or docs/ is what a command prints, line for line, but for
trailing spaces and solve times. A line ``...`` stands for lines left out; a block may end
before the output does. A ```json block is an excerpt of a file a command writes, its
numbers rounded. Every such block is claimed by a ``shown(...)`` call in the test next to
the command's other tests (tests/test_docs.py checks that none is left out). A test may
let printed numbers differ from the block's by a relative ``noise`` (a solver's last digits,
which move between solver builds); the text around them must still match.
"""

import re

from tests.reference import ROOT

BLOCK = r"```{kind}\n(.*?)```"
SOLVE_TIME = re.compile(r"(\(\w+, )\d+\.\d+s\)")
LEFT_OUT = "..."
NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


def blocks(document: str, kind: str) -> list[str]:
    """The ```kind blocks of ``document`` (a path from the root)."""
    return re.findall(BLOCK.format(kind=kind), (ROOT / document).read_text(), re.DOTALL)


def shown(document: str, marker: str, kind: str = "text") -> str:
    """The one ```kind block of ``document`` that contains ``marker``."""
    (block,) = [block for block in blocks(document, kind) if marker in block]
    return block


def _lines(text: str) -> list[str]:
    return [SOLVE_TIME.sub(r"\1…s)", line.rstrip()) for line in text.strip("\n").splitlines()]


def assert_shows(block: str, printed: str, noise: float = 0.0) -> None:
    """``printed`` has the block's lines in order: from its start, and after each ``...``."""
    out = _lines(printed)
    parts: list[list[str]] = [[]]
    for line in _lines(block):
        if line == LEFT_OUT:
            parts.append([])
        else:
            parts[-1].append(line)

    def prints(at: int, part: list[str]) -> bool:
        lines = out[at : at + len(part)]
        return len(lines) == len(part) and all(map(_same, part, lines, [noise] * len(part)))

    assert prints(0, parts[0]), "\n".join(out[: len(parts[0])])
    at = len(parts[0])
    for part in filter(None, parts[1:]):
        starts = [k for k in range(at, len(out)) if prints(k, part)]
        assert starts, f"the command does not print, after line {at}:\n" + "\n".join(part)
        at = starts[0] + len(part)


def _same(shown: str, printed: str, noise: float) -> bool:
    """The lines match, numbers within ``noise`` relative (``shown == printed`` at 0)."""
    if shown == printed or not noise:
        return shown == printed
    if NUMBER.split(shown) != NUMBER.split(printed):
        return False
    numbers = [
        [float(number.replace(",", "")) for number in NUMBER.findall(line)]
        for line in (shown, printed)
    ]
    return all(abs(a - b) <= noise * max(abs(a), 1.0) for a, b in zip(*numbers, strict=True))


def assert_json_shows(shown: object, written: object, where: str = "") -> None:
    """``written`` has what a documented JSON excerpt shows.

    Every key shown is written (a key ``...`` stands for the others), lists start with the
    items shown, a text ending in ``...`` is a prefix, and a number is the written one
    rounded to the decimals shown.
    """
    if isinstance(shown, dict):
        assert isinstance(written, dict), where
        for key, value in shown.items():
            if key != LEFT_OUT:
                assert key in written, f"{where}.{key} is not written"
                assert_json_shows(value, written[key], f"{where}.{key}")
    elif isinstance(shown, list):
        assert isinstance(written, list), where
        assert len(written) >= len(shown), where
        for i, (value, actual) in enumerate(zip(shown, written, strict=False)):
            assert_json_shows(value, actual, f"{where}[{i}]")
    elif isinstance(shown, str) and shown.endswith(LEFT_OUT):
        assert isinstance(written, str), where
        assert written.startswith(shown[: -len(LEFT_OUT)]), (where, written)
    elif isinstance(shown, float) and not isinstance(written, bool):
        decimals = len(repr(shown).partition(".")[2])
        assert isinstance(written, float), (where, written)
        assert round(written, decimals) == shown, (where, written)
    else:
        assert written == shown, (where, written)
