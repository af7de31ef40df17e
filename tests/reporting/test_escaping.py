"""User text made safe for spreadsheets and Markdown, checked against what their readers do.

CSV: the OWASP CSV-injection rule (a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return gets a leading single quote), read back with the standard library's
``csv`` module. Markdown: what a CommonMark reader shows for escaped inline text
(backslash escapes of ASCII punctuation, then HTML entities), written out here from the
CommonMark specification, must be the text itself on one line.
"""

import csv
import html
import io
import re

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ldi.reporting.escaping import csv_safe, csv_table, csv_text, markdown_text

FORMULAS = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(A1)", "-2+3", "\tx", "\rx"]
# CommonMark: a backslash before ASCII punctuation is a literal character (spec 2.4).
BACKSLASH_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
# What would open markup in inline text: HTML, code, emphasis, links, tables, strikes, math.
MARKUP = re.compile(r"[<`*_\[\]|~$&\\]")


def commonmark_shows(markdown: str) -> str:
    """The text a CommonMark reader shows for inline ``markdown`` that holds no markup."""
    return html.unescape(BACKSLASH_ESCAPE.sub(r"\1", markdown))


def unescaped_markup(markdown: str) -> list[str]:
    """Characters of ``markdown`` that would open markup: neither escaped nor an entity."""
    plain = re.sub(r"\\[!-/:-@\[-`{-~]|&(amp|lt);", "", markdown)
    return MARKUP.findall(plain)


@pytest.mark.parametrize("text", FORMULAS)
def test_a_text_cell_that_would_start_a_formula_gets_a_quote(text):
    assert csv_text(text) == "'" + text


@pytest.mark.parametrize("value", ["UKT_2036", "a=b", " =1", "", 1.5, -2.0, None, True])
def test_other_cells_are_kept(value):
    assert csv_text(value) == value


def test_a_frame_keeps_its_numbers_and_quotes_its_formula_text():
    frame = pd.DataFrame(
        {"kind": ["=1+1", "bond"], "sense": ["==", ">="], "trade": [-2.5, 3.0]},
        index=pd.Index(["@SUM(A1)", "-2+3"], name="id"),
    )
    rows = list(csv.reader(io.StringIO(csv_safe(frame).to_csv())))
    assert rows == [
        ["id", "kind", "sense", "trade"],
        ["'@SUM(A1)", "'=1+1", "'==", "-2.5"],
        ["'-2+3", "bond", ">=", "3.0"],
    ]
    assert frame.index[0] == "@SUM(A1)"  # the frame given is not changed


def test_a_line_break_inside_a_cell_cannot_start_a_row():
    frame = pd.DataFrame(
        {"kind": ["a\r=cmd", "b\n@SUM(A1)"]}, index=pd.Index(["x", "y"], name="id")
    )
    rows = list(csv.reader(io.StringIO(csv_table(frame), newline="")))
    assert rows == [["id", "kind"], ["x", "a\r=cmd"], ["y", "b\n@SUM(A1)"]]


def test_column_names_are_quoted_too():
    frame = pd.DataFrame({"=cmd": [1.0]}, index=pd.Index(["a"], name="+id"))
    assert list(csv.reader(io.StringIO(csv_safe(frame).to_csv())))[0] == ["'+id", "'=cmd"]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>"),
        ("two\nlines\r\nand\u2028more", "two lines and more"),
        ("[click](javascript:alert(1))", "[click](javascript:alert(1))"),
        ("*bold* _it_ `code` ~~s~~ $x$ a|b", "*bold* _it_ `code` ~~s~~ $x$ a|b"),
        ("&lt; stays &amp; text", "&lt; stays &amp; text"),
        ("back\\slash \\*", "back\\slash \\*"),
    ],
)
def test_markdown_text_shows_the_text_literally_on_one_line(text, shown):
    markdown = markdown_text(text)
    assert commonmark_shows(markdown) == shown
    assert not unescaped_markup(markdown), markdown
    assert len(markdown.splitlines()) == 1


@given(st.text())
def test_any_text_reads_back_from_markdown_on_one_line(text):
    markdown = markdown_text(text)
    assert commonmark_shows(markdown) == " ".join(text.splitlines())
    assert not unescaped_markup(markdown)
    assert len(markdown.splitlines()) <= 1
