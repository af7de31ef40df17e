"""A solve's outputs for automation: JSON, CSV tables and a Markdown summary, written together.

Every file is built in memory first and then written atomically, so a failure leaves the
folder as it was (each file whole, old or new) and never half a file.
"""

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ldi.io.atomic import write_text_atomic
from ldi.optimize.result import LDIResult


def solve_files(result: LDIResult, record: Mapping[str, Any]) -> dict[str, str]:
    """The outputs of ``result`` by file name: result.json, CSV tables and summary.md.

    result.json is the decision ``record`` (``ldi.reporting.record``).
    positions.csv: id, kind, role, holding, position and trade (units as in
    ``LDIResult``); exposures.csv: the exposure table (pv, pv01, ie01, cs01, key rates);
    constraints.csv: every constraint row with its slack, binding flag and shadow price.
    """
    positions = result.instruments.assign(
        holding=result.holdings, position=result.positions, trade=result.trades
    ).rename_axis("id")
    return {
        "result.json": json.dumps(record, indent=2) + "\n",
        "positions.csv": positions.to_csv(),
        "exposures.csv": result.exposures.rename_axis("measure").to_csv(),
        "constraints.csv": result.constraints.rename_axis("row").to_csv(),
        "summary.md": result.summary().as_markdown(),
    }


def write_outputs(folder: str | Path, files: Mapping[str, str]) -> list[Path]:
    """Write each of ``files`` (name to text) into ``folder`` atomically; the paths written."""
    return [write_text_atomic(Path(folder) / name, text) for name, text in files.items()]
