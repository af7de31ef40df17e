"""CSV tables a problem file names: read within the size limit, errors naming the file."""

import io
from pathlib import Path

import pandas as pd

from ldi.cashflows.cashflows import E_READ as E_READ_CSV
from ldi.errors import DataError
from ldi.storage.files import MAX_DATA_BYTES, UnreadableFile, read_text


def read_table(file: Path, where: str) -> pd.DataFrame:
    """The rows of a CSV file; errors give its name and a line, never the line's text."""
    try:
        text = read_text(file, MAX_DATA_BYTES)
        frame = pd.read_csv(io.StringIO(text))
        header = pd.read_csv(io.StringIO(text), header=None, nrows=1, dtype=str).iloc[0]
    except (UnreadableFile, ValueError) as error:  # ValueError: pandas' parser errors
        raise DataError(E_READ_CSV.format(where=where, reason=error)) from None
    # pandas renames a repeated column 'fixed' to 'fixed.1'; restore the names as written, so
    # the repeat is reported as such rather than as an unknown column.
    if len(header) != len(frame.columns):
        return frame
    names = [
        n if isinstance(n, str) else auto for n, auto in zip(header, frame.columns, strict=True)
    ]
    return frame.set_axis(names, axis=1)
