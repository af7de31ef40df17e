"""docs/cli.md documents every command and every option the parser has, and no others."""

import argparse
import re

import pytest

from ldi.cli.main import _parser
from tests.reference import ROOT

DOCUMENT = (ROOT / "docs" / "cli.md").read_text()


def commands() -> dict[str, argparse.ArgumentParser]:
    (action,) = [a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


def options_of(parser: argparse.ArgumentParser) -> list[str]:
    """A command's options, and those of its actions (``ldi liabilities project``)."""
    options = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                options += options_of(sub)
        options += action.option_strings
    return options


def section(name: str) -> str:
    """The text of ``## `ldi NAME` `` up to the next section."""
    match = re.search(rf"^## `ldi {name}`\n(.*?)(?=^## |\Z)", DOCUMENT, re.DOTALL | re.MULTILINE)
    assert match, f"docs/cli.md has no section for ldi {name}"
    return match.group(1)


def test_every_command_has_a_section_and_every_section_a_command():
    documented = re.findall(r"^## `ldi (\w+)`", DOCUMENT, re.MULTILINE)
    assert sorted(documented) == sorted(commands())


@pytest.mark.parametrize("name", sorted(commands()))
def test_every_option_of_a_command_is_in_its_section(name):
    text = section(name)
    options = [o for o in options_of(commands()[name]) if o.startswith("--") and o != "--help"]
    for option in options:
        assert f"`{option}" in text, f"ldi {name} {option} is not documented"
    documented = set(re.findall(r"^\| `(--[a-z-]+)", text, re.MULTILINE))
    assert documented == set(options)


SYNOPSES = [
    line.split("#")[0].strip()
    for document in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    for block in re.findall(r"```sh\n(.*?)```", document.read_text(), re.DOTALL)
    for line in block.splitlines()
    if line.startswith("ldi ")
]


@pytest.mark.parametrize("line", SYNOPSES)
def test_every_command_line_in_the_docs_uses_real_commands_and_options(line):
    name = line.split()[1]
    assert name in commands(), f"{line!r}: no command ldi {name}"
    known = set(options_of(commands()[name]))
    for option in re.findall(r"(?<![\w-])--[a-z][a-z-]*", line):
        assert option in known, f"{line!r}: ldi {name} has no option {option}"


CHOICES = re.compile(r"^\| `(--[a-z-]+) ([a-z_]+(?:\\\|[a-z_]+)+)` \| ([^|]+) \|", re.MULTILINE)


@pytest.mark.parametrize("name", sorted(commands()))
def test_documented_choices_and_defaults_are_the_parsers(name):
    """An option documented as ``--opt a|b`` (escaped) has those choices and that default."""
    actions = {o: a for a in commands()[name]._actions for o in a.option_strings}
    for option, choices, default in CHOICES.findall(section(name)):
        action = actions[option]
        assert choices.split("\\|") == list(action.choices), f"ldi {name} {option}"
        assert default.strip() == action.default, f"ldi {name} {option}"
    for option, action in actions.items():
        if action.choices is not None and option != "--solver":  # documented in words
            documented = f"`{option} " + "\\|".join(action.choices) + "`"
            assert documented in section(name), f"ldi {name} {option}"
