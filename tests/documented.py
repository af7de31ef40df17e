"""The command output the docs show, and the check that the command prints it.

A ```text block in docs/ is what a command prints, line for line, but for trailing spaces
and solve times. A line ``...`` stands for lines left out; a block may end before the output
does. Every such block is checked by a test next to the command's other tests.
"""

import re

from tests.reference import ROOT

TEXT_BLOCK = re.compile(r"```text\n(.*?)```", re.DOTALL)
SOLVE_TIME = re.compile(r"(\(\w+, )\d+\.\d+s\)")
LEFT_OUT = "..."


def shown(document: str, marker: str) -> str:
    """The one ```text block of docs/``document`` that contains ``marker``."""
    text = (ROOT / "docs" / document).read_text()
    (block,) = [block for block in TEXT_BLOCK.findall(text) if marker in block]
    return block


def _lines(text: str) -> list[str]:
    return [SOLVE_TIME.sub(r"\1…s)", line.rstrip()) for line in text.strip("\n").splitlines()]


def assert_shows(block: str, printed: str) -> None:
    """``printed`` has the block's lines in order: from its start, and after each ``...``."""
    out = _lines(printed)
    parts: list[list[str]] = [[]]
    for line in _lines(block):
        if line == LEFT_OUT:
            parts.append([])
        else:
            parts[-1].append(line)
    assert out[: len(parts[0])] == parts[0]
    at = len(parts[0])
    for part in filter(None, parts[1:]):
        starts = [k for k in range(at, len(out)) if out[k : k + len(part)] == part]
        assert starts, f"the command does not print, after line {at}:\n" + "\n".join(part)
        at = starts[0] + len(part)
