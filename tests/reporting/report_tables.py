"""Read a report's tables as a reader does: by their heading, column headers and row labels.

``report_tables(page)`` parses the HTML (the standard library's parser) into one frame per
table, indexed by its first column and labelled by its header row, under the nearest
heading (h2 or h3) before it. ``table(page, heading)`` is the first table under a heading
that starts with ``heading``; a swapped pair of columns or rows then fails a test that
reads a cell by its row label and column header.
"""

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

import pandas as pd


@dataclass
class Table:
    """A table of the page and the heading it sits under."""

    heading: str
    frame: pd.DataFrame


class _Reader(HTMLParser):
    """Collects headings and tables (header cells, then body rows of cells)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[Table] = []
        self.heading = ""
        self._text: list[str] | None = None
        self._header: list[str] = []
        self._rows: list[list[str]] = []
        self._row: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("h2", "h3", "th", "td"):
            self._text = []
        if tag == "table":
            self._header, self._rows = [], []
        if tag == "tr":
            self._row = []

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        text = "".join(self._text or []).strip()
        if tag in ("h2", "h3"):
            self.heading, self._text = text, None
        elif tag == "th":
            self._header.append(text)
            self._text = None
        elif tag == "td" and self._row is not None:
            self._row.append(text)
            self._text = None
        elif tag == "tr" and self._row:
            self._rows.append(self._row)
            self._row = None
        elif tag == "table":
            columns = self._header[1:]
            frame = pd.DataFrame([row[1:] for row in self._rows], columns=columns)
            frame.index = pd.Index([row[0] for row in self._rows], name=self._header[0])
            self.tables.append(Table(self.heading, frame))


def report_tables(page: str) -> list[Table]:
    """Every table of ``page`` under its heading, cells as the reader sees them (text)."""
    reader = _Reader()
    reader.feed(page)
    return reader.tables


def table(page: str, heading: str) -> pd.DataFrame:
    """The first table under a heading that starts with ``heading`` (AssertionError: none)."""
    for found in report_tables(page):
        if found.heading.startswith(heading):
            return found.frame
    headings = [found.heading for found in report_tables(page)]
    raise AssertionError(f"no table under {heading!r}; the tables are under {headings}")


def headings(page: str, level: str = "h2") -> list[str]:
    """The text of every heading of ``level``, in page order."""
    return [re.sub(r"<[^>]+>", "", text) for text in re.findall(rf"<{level}>(.*?)</{level}>", page)]


def items(page: str, heading: str) -> list[str]:
    """The items of the first list under the h3 ``heading``."""
    section = page.split(f"<h3>{heading}</h3>", 1)[1]
    listed = re.search(r"<ul>(.*?)</ul>", section, re.DOTALL).group(1)
    return [html.unescape(item).strip() for item in re.findall(r"<li>(.*?)</li>", listed)]
