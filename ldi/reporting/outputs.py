"""A solve's outputs for automation: JSON, CSV tables and a Markdown summary, written together.

Every file is built in memory first; the set is then written into a temporary folder beside
the target and swapped in as a whole (``ldi.storage.atomic.write_folder_atomic``), so a reader
sees the old set or the new one, and the manifest always agrees with the files beside it. A
failure leaves the folder as it was and no temporary behind.

Ids and names are the user's text: CSV cells that a spreadsheet would read as a formula
are written with a leading quote (lines end in CRLF, RFC 4180, so a line break in an id is
quoted), and the Markdown shows names as plain text (``ldi.reporting.escaping``).
"""

import json
from collections.abc import Mapping
from pathlib import Path

from ldi.io.record import DecisionRecord
from ldi.optimize.result import LDIResult
from ldi.reporting.escaping import csv_table
from ldi.reporting.solve_report import SolveSummary
from ldi.storage.atomic import write_folder_atomic

FILE_NAMES = (  # what `ldi solve --out` writes: solve_files' names, then the manifest
    "result.json",
    "positions.csv",
    "tickets.csv",
    "exposures.csv",
    "constraints.csv",
    "summary.md",
    "manifest.json",
)


def solve_files(result: LDIResult, record: DecisionRecord) -> dict[str, str]:
    """The outputs of ``result`` by file name: result.json, CSV tables and summary.md.

    result.json is the decision ``record`` (``ldi.reporting.record``); summary.md its summary.
    positions.csv: id, kind, role, holding, position and trade (units as in ``LDIResult``);
    tickets.csv: the trade tickets (``ldi.optimize.tickets``); exposures.csv: the exposure
    table (pv, pv01, ie01, cs01, key rates); constraints.csv: every constraint row with its
    slack, binding flag and shadow price.
    """
    positions = result.instruments.assign(
        holding=result.holdings, position=result.positions, trade=result.trades
    ).rename_axis("id")
    return {
        "result.json": json.dumps(record.to_dict(), indent=2) + "\n",
        "positions.csv": csv_table(positions),
        "tickets.csv": csv_table(result.tickets),
        "exposures.csv": csv_table(result.exposures.rename_axis("measure")),
        "constraints.csv": csv_table(result.constraints.rename_axis("row")),
        "summary.md": SolveSummary(record).as_markdown(),
    }


def write_outputs(folder: str | Path, files: Mapping[str, str]) -> list[Path]:
    """Write ``files`` (name to text, UTF-8) as the folder ``folder``; the paths written.

    An existing ``folder`` is replaced as a whole and may hold only files of the same names
    (an earlier set); anything else is refused (``write_folder_atomic``).
    """
    data = {name: text.encode("utf-8") for name, text in files.items()}
    return write_folder_atomic(folder, data)
