r"""Names and ids from a problem file made safe for the files that show them.

Ids and names are the user's text: a report shows them as written and never runs them.

- CSV (the OWASP CSV-injection rule): a text cell that starts with ``=``, ``+``, ``-``, ``@``,
  a tab or a carriage return would start a formula in a spreadsheet, so it gets a leading
  single quote (``'=HYPERLINK(...)``). Numbers are never changed: a negative amount stays a
  number; only text is quoted. Lines end in CRLF (RFC 4180), so a line break inside a cell
  is always quoted and cannot start a row.
- Markdown: line breaks become spaces (a name stays on its heading's line or in its table
  cell); ``&`` and ``<`` become HTML entities (no tag, however lenient the viewer); and the
  characters that open inline markup (``\ ` * _ [ ] | ~ $``) get a backslash, so a
  CommonMark reader shows the text itself.

Charts draw user text without mathtext or TeX (``ldi.reporting.plots.LITERAL``).
"""

import re

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MARKDOWN_MARKUP = re.compile(r"([\\`*_\[\]|~$])")


def csv_text(value: object) -> object:
    """``value``, with a single quote before a text that a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` to write as CSV: every text cell, label and name through ``csv_text``.

    Numeric (and boolean) columns are kept as they are, so numbers are written as numbers.
    """
    safe = frame.copy()
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]):
            safe[column] = safe[column].map(csv_text)
    safe.index = safe.index.map(csv_text).rename(csv_text(safe.index.name))
    safe.columns = safe.columns.map(csv_text)
    return safe


def markdown_text(value: object) -> str:
    """``value`` as Markdown text on one line that a CommonMark reader shows as written."""
    text = " ".join(str(value).splitlines())
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    return MARKDOWN_MARKUP.sub(r"\\\1", text)


def csv_table(frame: pd.DataFrame) -> str:
    """``frame`` as CSV text: cells through ``csv_safe``, lines ended as RFC 4180 says (CRLF).

    With CRLF line ends, a cell holding a carriage return or a line feed is quoted, so no
    character of an id can end its row and start another (whose first cell could be a
    formula).
    """
    return csv_safe(frame).to_csv(lineterminator="\r\n")
