"""Scenarios from an external economic scenario generator (ESG): read and written as files.

A scenario file (CSV, or Parquet through pyarrow; the suffix ``.csv``, ``.parquet`` or
``.pq`` decides) holds market LEVELS in long format, one row per (scenario, year):

- ``scenario``: an identifier, an integer or a name. When every identifier is written as a
  plain integer (``7``, ``-3``; not ``007`` or ``7.5``) the ids are integers, otherwise
  they are all strings, whatever the file type stored;
- ``year``: a whole number 0..Y. Every scenario has exactly the years 0, 1, ..., Y, the same
  Y >= 1 for all (no repeats, no gaps); year 0 is the starting state. Rows may come in any
  order: scenarios are kept in the order they first appear, years are sorted;
- ``nominal_<tenor>``: nominal zero rate levels (decimals) at ``<tenor>`` years
  (``nominal_1``, ``nominal_10``, ``nominal_0.5``); at least one;
- ``breakeven_<tenor>`` (optional): breakeven inflation levels (decimals);
- ``credit_spread`` (optional): a credit spread level (decimal);
- ``bond_swap`` (optional): government bond yields less swap rates (decimal), one level for
  every tenor; its moves move the swap curve against the bond curve
  (``ldi.scenarios.Move.bond_swap``);
- ``growth`` (optional): the total return (decimal, above -1) of every growth asset over
  the year ending at ``year``, its expected return included; ignored (it may be empty) at
  year 0;
- ``return_<instrument id>`` (optional): the total return of that instrument over the year,
  which replaces ``growth`` for it; ignored (it may be empty) at year 0.

A tenor is a number of years, 0 or more; two labels of one family may not name the same
tenor (``nominal_10`` and ``nominal_10.0``). Any other column is an error.

Moves are differences within each scenario, so a file is self-contained and need not match
a problem's curves: the year-y annual move is level(y) - level(y-1). The knots of the moves
are the union of the nominal and breakeven tenors; a curve quoted at fewer tenors is
interpolated onto the union linearly, flat outside its tenors (``tent_weights``, the way
every move is read). No breakeven columns: zero breakeven moves; no ``credit_spread``: zero
widening; no ``bond_swap``: bonds and swaps move together; no ``growth``: growth returns
of 0.

A file's scenarios are fixed: ``ScenarioFile.annual_moves(count, seed, years)`` has the
signature of ``ScenarioModel.annual_moves`` and returns every scenario of the file whatever
``count`` and ``seed`` are. ``write_scenarios`` writes ldi's own annual moves in this format
(levels = year-0 levels + cumulative moves, returns per year), atomically.

Errors name the file, then the row (rows count from 1, the first below the header), or the
scenario, year and column of a cell, the value and what is expected. A read returns a fully
built ``ScenarioFile`` or raises: nothing is half read.
"""

import csv
import io
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

import numpy as np
import pandas as pd

from ldi.curves.spread import tent_weights
from ldi.errors import DataError
from ldi.plausible import PATH_RATE, PATH_SPREAD
from ldi.scenarios.scenario import MoveSet
from ldi.scenarios.simulation import E_YEARS, cumulated
from ldi.storage.atomic import write_bytes_atomic, write_text_atomic
from ldi.storage.files import MAX_DATA_BYTES, UnreadableFile, decoded, read_bytes
from ldi.typing import ArrayLike, FloatArray
from ldi.validation import MAX_YEARS, date_slip, plain

SUFFIXES = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}
ALLOWED = (
    "scenario, year, nominal_<tenor>, breakeven_<tenor>, credit_spread, bond_swap, growth, "
    "return_<instrument id>"
)
E_BOND_SWAP_SHAPE = (
    "moves[{year}].bond_swap: differs by tenor; expected one move for every tenor, as the "
    "file holds one bond_swap level a year"
)

E_SUFFIX = "{file}: unsupported file type {suffix!r}; expected .csv, .parquet or .pq"
E_READ = "{file}: cannot read the scenario file ({reason})"
E_EMPTY = "{file}: got no rows; expected one row per scenario and year"
E_REPEATED_COLUMN = "{file}: column {column!r} appears {times} times; expected each column once"
E_MISSING_COLUMN = (
    "{file}: missing column(s) {columns}; expected scenario, year and at least one "
    "nominal_<tenor> (such as nominal_10)"
)
E_UNKNOWN_COLUMN = "{file}: unknown column(s) {columns}; expected only " + ALLOWED
E_TENOR_LABEL = (
    "{file}: column {column!r}: tenor {label!r} is not a finite number; expected years "
    "such as {family}_10 or {family}_0.5"
)
E_TENOR_NEGATIVE = (
    "{file}: column {column!r}: tenor {value!r} is negative; expected 0 or more years"
)
E_TENOR_REPEATED = (
    "{file}: columns {first!r} and {second!r} are both tenor {value!r}; expected each tenor once"
)
E_TENOR_LONG = (
    "{file}: column {column!r}: tenor {value!r} is beyond {most:g} years; expected 0 to "
    "{most:g} years{slip}"
)
E_LEVEL = "{file}: row {row} (scenario {scenario!r}, year {year}), column {column}: {problem}"
E_SCENARIO_ID = "{file}: row {row}, scenario: got an empty cell; expected an integer or a name"
E_YEAR = "{file}: row {row}, year: got {value}; expected a whole number of years, 0 or more"
E_REPEATED_ROW = (
    "{file}: scenario {scenario!r}, year {year} is on rows {first} and {second}; expected one "
    "row per scenario and year"
)
E_NO_START = (
    "{file}: scenario {scenario!r} starts at year {year}; expected year 0, the starting state"
)
E_GAP = "{file}: scenario {scenario!r} has no row for year {year}; expected every year 0 to {last}"
E_NO_YEARS = (
    "{file}: scenario {scenario!r} has only year 0; expected years 0 to Y with Y at least 1"
)
E_HORIZON = (
    "{file}: scenario {scenario!r} ends at year {last}, scenario {first!r} at year {expected}; "
    "expected the same last year for every scenario"
)
E_CELL = (
    "{file}: scenario {scenario!r}, year {year}, column {column}: got {value}; "
    "expected a finite number"
)
E_RETURN = (
    "{file}: scenario {scenario!r}, year {year}, column {column}: got {value!r}; "
    "expected a return above -1 such as -0.25"
)
E_BEYOND = "{file}: years: got {value}; expected at most {last}, the years the file holds"
E_EXPECTED = (
    "expected_returns: no expected return for {name!r}; expected one for every instrument "
    "with returns, got {names}"
)
E_UNKNOWN_ID = (
    "{file}: column(s) {columns} name instruments not in the problem; expected return_<id> "
    "for ids among {ids}"
)
E_MOVES = (
    "{file}: got {ids} scenario ids ({unique} distinct) and {years} years of moves with "
    "{counts} scenarios; expected at least one year, each with one scenario per distinct id"
)
E_MOVES_DIFFER = (
    "{file}: moves[{index}] has other knots or return ids than moves[0]; expected the same "
    "knots and ids every year"
)
E_NO_MOVES = "moves: got none; expected one MoveSet a year"
E_COUNTS = "moves[{year}]: got {got} scenarios, year 1 has {want}; expected the same count"
E_LEVELS = "{name}: got shape {shape}; expected one level, {knots} (one per knot) or {shape_sk}"
E_IDS = "scenario_ids: got {got} ids ({unique} distinct) for {want} scenarios; expected one each"

_TENOR_FAMILIES = ("nominal", "breakeven")


class _Layout(NamedTuple):
    """Value columns by role: tenors and names of each curve, then the single columns."""

    nominal: list[tuple[float, str]]
    breakeven: list[tuple[float, str]]
    credit: str | None
    growth: str | None
    returns: list[tuple[str, str]]  # (instrument id, column)
    bond_swap: str | None = None

    @property
    def levels(self) -> list[str]:
        """Columns of levels: checked on every row."""
        curves = [c for _, c in self.nominal] + [c for _, c in self.breakeven]
        spreads = [c for c in (self.credit, self.bond_swap) if c]
        return curves + spreads

    @property
    def flows(self) -> list[str]:
        """Columns of returns over the year: checked from year 1."""
        return ([self.growth] if self.growth else []) + [c for _, c in self.returns]


@dataclass(frozen=True, eq=False)
class ScenarioFile:
    """The annual moves of an external scenario file (see the module docstring).

    ``path``: the file read; ``scenario_ids``: one id per scenario (int or str), in the
    order the moves hold them; ``moves``: one ``MoveSet`` a year, year y's own move (not
    cumulative), each with every scenario, the same ``knots`` and the same return ids. The
    arrays are the object's own copies, read-only; ``annual_moves`` hands out copies.
    """

    path: Path
    scenario_ids: tuple[int | str, ...]
    moves: tuple[MoveSet, ...]

    def __post_init__(self) -> None:
        ids = tuple(self.scenario_ids)
        counts = sorted({m.count for m in self.moves})
        if counts != [len(ids)] or len(set(ids)) != len(ids):
            raise DataError(
                E_MOVES.format(
                    file=self.path,
                    ids=len(ids),
                    unique=len(set(ids)),
                    years=len(self.moves),
                    counts=counts,
                )
            )
        for index, move in enumerate(self.moves):
            first = self.moves[0]
            same = np.array_equal(move.knots, first.knots) and set(move.returns) == set(
                first.returns
            )
            if not same:
                raise DataError(E_MOVES_DIFFER.format(file=self.path, index=index))
        moves = tuple(_frozen(_copy(m)) for m in self.moves)  # the caller's arrays stay theirs
        object.__setattr__(self, "path", Path(self.path))
        object.__setattr__(self, "scenario_ids", ids)
        object.__setattr__(self, "moves", moves)

    @classmethod
    def read(cls, path: str | os.PathLike[str]) -> "ScenarioFile":
        """Read and check a scenario file (``read_scenarios``)."""
        return read_scenarios(path)

    @property
    def count(self) -> int:
        """Number of scenarios S."""
        return len(self.scenario_ids)

    @property
    def years(self) -> int:
        """Number of annual moves Y (the file's last year)."""
        return len(self.moves)

    @property
    def knots(self) -> FloatArray:
        """Tenors (years, increasing) of the moves: the union of the file's tenors."""
        return self.moves[0].knots

    @property
    def return_ids(self) -> tuple[str, ...]:
        """Instrument ids with a ``return_<id>`` column, sorted."""
        return tuple(sorted(self.moves[0].returns))

    def annual_moves(self, count: int = 0, seed: int = 0, years: int = 1) -> list[MoveSet]:
        """Every scenario's own move in each of years 1..``years`` (copies).

        The signature is ``ScenarioModel.annual_moves``'s, but a file's scenarios are
        fixed: ``count`` and ``seed`` are ignored and every one of the ``self.count``
        scenarios is returned, in ``scenario_ids`` order.
        """
        whole = isinstance(years, int | np.integer) and not isinstance(years, bool)
        if not (whole and years > 0):
            raise DataError(E_YEARS.format(value=years))
        if years > self.years:
            raise DataError(E_BEYOND.format(file=self.path, value=years, last=self.years))
        return [_copy(move) for move in self.moves[: int(years)]]

    def simulate(self, count: int = 0, seed: int = 0, years: int = 1) -> list[MoveSet]:
        """The moves to each year-end 1..``years`` (``cumulated`` annual moves; growth compounds).

        As ``ScenarioModel.simulate``; ``count`` and ``seed`` are ignored, as in
        ``annual_moves``.
        """
        return cumulated(self.annual_moves(count, seed, years))

    def check_ids(self, ids: Iterable[str]) -> None:
        """Raise a DataError when a ``return_<id>`` column names an id not in ``ids``."""
        known = {str(i) for i in ids}
        unknown = [f"return_{i}" for i in self.return_ids if i not in known]
        if unknown:
            raise DataError(E_UNKNOWN_ID.format(file=self.path, columns=unknown, ids=sorted(known)))


def read_scenarios(path: str | os.PathLike[str]) -> ScenarioFile:
    """Read and check a scenario file; its format is chosen by suffix (module docstring)."""
    file = Path(path)
    kind = SUFFIXES.get(file.suffix.lower())
    if kind is None:
        raise DataError(E_SUFFIX.format(file=path, suffix=file.suffix))
    frame = _read_csv(file, path) if kind == "csv" else _read_parquet(file, path)
    return _parse(frame, path)


def scenario_frame(
    moves: Sequence[MoveSet],
    nominal_levels0: float | ArrayLike,
    breakeven_levels0: float | ArrayLike | None = None,
    credit0: float | ArrayLike = 0.0,
    *,
    scenario_ids: Sequence[int | str] | None = None,
    expected_returns: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """The file format's frame of annual ``moves`` (e.g. ``ScenarioModel.annual_moves``).

    ``moves[y - 1]`` is year y's own move. Knots are the union of every year's knots (each
    year's move is read onto them by ``tent_weights``). Levels at year y are the year-0
    levels plus the moves of years 1..y: ``nominal_levels0`` and ``breakeven_levels0``
    (decimals; one level, one per knot, or (scenarios, knots)), ``credit0`` (one, or one
    per scenario). Without ``breakeven_levels0`` the breakeven levels start at 0, so those
    columns carry the cumulative moves. ``growth`` and ``return_<id>`` hold each year's
    return, empty at year 0; a NaN return in ``moves`` (meaning "the default") cannot be
    written and is reported when the frame is checked. ``scenario_ids`` default to 1..S.
    A file's returns are totals: the built-in model's are shocks around each asset's
    expected return, so ``expected_returns`` (decimal a year, by instrument id) are added to
    the ``return_<id>`` columns of shock moves (they must name every one of them).
    """
    if not moves:
        raise DataError(E_NO_MOVES)
    count = moves[0].count
    for y, move in enumerate(moves):
        if move.count != count:
            raise DataError(E_COUNTS.format(year=y + 1, got=move.count, want=count))
    knots = np.union1d(np.concatenate([m.knots for m in moves]), [])
    nominal = np.stack([m.nominal @ tent_weights(m.knots, knots) for m in moves], axis=1)
    breakeven = np.stack([m.breakeven @ tent_weights(m.knots, knots) for m in moves], axis=1)
    shape = (count, knots.size)
    nominal = _levels(_start(nominal_levels0, shape, "nominal_levels0"), nominal)
    start = 0.0 if breakeven_levels0 is None else breakeven_levels0
    breakeven = _levels(_start(start, shape, "breakeven_levels0"), breakeven)
    credit = np.stack([m.credit_spread for m in moves], axis=1)[:, :, None]
    credit_start = np.asarray(credit0, dtype=float)
    credit_start = credit_start[:, None] if credit_start.ndim == 1 else credit_start
    credit = _levels(_start(credit_start, (count, 1), "credit0"), credit)[:, :, 0]
    ids = list(range(1, count + 1)) if scenario_ids is None else list(scenario_ids)
    if len(ids) != count or len(set(ids)) != count:
        raise DataError(E_IDS.format(got=len(ids), unique=len(set(ids)), want=count))
    integers = all(isinstance(i, int | np.integer) and not isinstance(i, bool) for i in ids)
    years = len(moves)
    columns: dict[str, object] = {
        "scenario": np.repeat(
            np.array(ids, dtype=np.int64) if integers else np.array([str(i) for i in ids]),
            years + 1,
        ),
        "year": np.tile(np.arange(years + 1), count),
    }
    for family, levels in (("nominal", nominal), ("breakeven", breakeven)):
        for k, tenor in enumerate(knots):
            columns[f"{family}_{_label(tenor)}"] = levels[:, :, k].reshape(-1)
    columns["credit_spread"] = credit.reshape(-1)
    if any(m.bond_swap is not None for m in moves):
        columns["bond_swap"] = _bond_swap_levels(moves).reshape(-1)
    columns["growth"] = _flows(np.stack([m.growth for m in moves], axis=1))
    for name in sorted({n for m in moves for n in m.returns}):
        nan = np.full(count, np.nan)
        flows = np.stack([np.asarray(m.returns.get(name, nan), float) for m in moves], axis=1)
        if expected_returns is not None and not moves[0].total_returns:
            if name not in expected_returns:
                raise DataError(E_EXPECTED.format(name=name, names=sorted(expected_returns)))
            flows = flows + float(expected_returns[name])
        columns[f"return_{name}"] = _flows(flows)
    return pd.DataFrame(columns)


def write_scenarios(
    path: str | os.PathLike[str],
    moves: Sequence[MoveSet],
    nominal_levels0: float | ArrayLike,
    breakeven_levels0: float | ArrayLike | None = None,
    credit0: float | ArrayLike = 0.0,
    *,
    scenario_ids: Sequence[int | str] | None = None,
    expected_returns: Mapping[str, float] | None = None,
) -> Path:
    """Write ``scenario_frame(...)`` to ``path`` (CSV or Parquet by suffix), atomically.

    The frame is checked as a read would check it before anything is written, so a
    written file reads back; the file appears whole or not at all.
    """
    file = Path(path)
    kind = SUFFIXES.get(file.suffix.lower())
    if kind is None:
        raise DataError(E_SUFFIX.format(file=path, suffix=file.suffix))
    frame = scenario_frame(
        moves,
        nominal_levels0,
        breakeven_levels0,
        credit0,
        scenario_ids=scenario_ids,
        expected_returns=expected_returns,
    )
    _parse(frame, path)
    if kind == "csv":
        return write_text_atomic(file, frame.to_csv(index=False, lineterminator="\n"))
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False, engine="pyarrow")
    return write_bytes_atomic(file, buffer.getvalue())


# --- reading ---------------------------------------------------------------------------------


def _read_csv(file: Path, path: object) -> pd.DataFrame:
    """The CSV's rows, with its column names as written (pandas renames repeats).

    The file is read once (``ldi.storage.files``: a regular file, UTF-8); parse errors give a
    line, never its text.
    """
    try:
        text = decoded(read_bytes(file, MAX_DATA_BYTES), file)
        header = next(csv.reader(io.StringIO(text, newline="")), None)
    except UnreadableFile as error:
        raise DataError(E_READ.format(file=path, reason=error.reason)) from None
    except csv.Error as error:  # a malformed header
        raise DataError(E_READ.format(file=path, reason=error)) from None
    if not header:
        raise DataError(E_EMPTY.format(file=path))
    _check_repeats(header, path)
    try:
        # Only an empty cell is missing: a written "nan" or "NA" is reported as written.
        frame = pd.read_csv(
            io.StringIO(text),
            dtype={"scenario": str} if "scenario" in header else None,
            keep_default_na=False,
            na_values=[""],
        )
    except ValueError as error:  # pandas ParserError
        raise DataError(E_READ.format(file=path, reason=error)) from None
    # pandas renames a repeated or blank name; the header as written names the columns.
    return frame.set_axis(header, axis=1) if len(header) == frame.shape[1] else frame


def _read_parquet(file: Path, path: object) -> pd.DataFrame:
    """The Parquet file's rows (pyarrow is imported only when one is read)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        data = read_bytes(file, MAX_DATA_BYTES)  # a regular file, of bounded size
        with pq.ParquetFile(pa.BufferReader(data)) as parquet:
            names = parquet.schema_arrow.names
            table = parquet.read()
    except UnreadableFile as error:
        raise DataError(E_READ.format(file=path, reason=error.reason)) from None
    except OSError as error:
        raise DataError(E_READ.format(file=path, reason=error.strerror or error)) from None
    except pa.ArrowException as error:
        raise DataError(E_READ.format(file=path, reason=error)) from None
    _check_repeats(names, path)
    return table.to_pandas()


def _check_repeats(names: Sequence[str], path: object) -> None:
    seen = pd.Series(names).value_counts(sort=False)
    repeated = seen[seen > 1]
    if repeated.size:
        column = repeated.index[0]
        raise DataError(
            E_REPEATED_COLUMN.format(file=path, column=column, times=int(repeated.iloc[0]))
        )


def _parse(frame: pd.DataFrame, path: object) -> ScenarioFile:
    """A checked ScenarioFile from a frame in the file format."""
    if frame.shape[0] == 0:
        raise DataError(E_EMPTY.format(file=path))
    names = [str(c) for c in frame.columns]
    frame = frame.set_axis(names, axis=1)
    layout = _layout(names, path)
    ids, codes = _scenarios(frame["scenario"], path)
    years = _years(frame["year"], path)
    order, last = _structure(codes, years, ids, path)
    values = _values(frame, layout, ids, codes, years, path)
    count = len(ids)

    def block(columns: list[str]) -> FloatArray:  # (S, Y + 1, columns), years in order
        return values[columns].to_numpy(dtype=float)[order].reshape(count, last + 1, -1)

    knots = np.union1d([t for t, _ in layout.nominal], [t for t, _ in layout.breakeven])
    nominal = _curve_moves(block([c for _, c in layout.nominal]), layout.nominal, knots)
    breakeven = (
        _curve_moves(block([c for _, c in layout.breakeven]), layout.breakeven, knots)
        if layout.breakeven
        else np.zeros((count, last, knots.size))
    )
    zeros = np.zeros((count, last))
    credit = np.diff(block([layout.credit])[:, :, 0], axis=1) if layout.credit else zeros
    basis = np.diff(block([layout.bond_swap])[:, :, 0], axis=1) if layout.bond_swap else None
    growth = block([layout.growth])[:, 1:, 0] if layout.growth else zeros
    returns = {i: block([c])[:, 1:, 0] for i, c in layout.returns}
    moves = tuple(
        MoveSet(
            knots=knots.copy(),
            nominal=np.ascontiguousarray(nominal[:, y]),
            breakeven=np.ascontiguousarray(breakeven[:, y]),
            credit_spread=np.ascontiguousarray(credit[:, y]),
            growth=np.ascontiguousarray(growth[:, y]),
            returns={i: np.ascontiguousarray(r[:, y]) for i, r in returns.items()},
            total_returns=True,
            bond_swap=None if basis is None else np.repeat(basis[:, y, None], knots.size, 1),
        )
        for y in range(last)
    )
    return ScenarioFile(Path(path), ids, moves)


def _layout(names: list[str], path: object) -> _Layout:
    """Classify the columns; every one must match a pattern of ``ALLOWED``."""
    missing = [c for c in ("scenario", "year") if c not in names]
    if not any(n.startswith("nominal_") for n in names):
        missing.append("nominal_<tenor>")
    if missing:
        raise DataError(E_MISSING_COLUMN.format(file=path, columns=missing))
    curves: dict[str, list[tuple[float, str]]] = {family: [] for family in _TENOR_FAMILIES}
    returns, unknown = [], []
    for name in names:
        family, _, rest = name.partition("_")
        if name in ("scenario", "year", "credit_spread", "bond_swap", "growth"):
            continue
        if family in curves and rest:
            curves[family].append((_tenor(family, rest, name, curves[family], path), name))
        elif family == "return" and rest:
            returns.append((rest, name))
        else:
            unknown.append(name)
    if unknown:
        raise DataError(E_UNKNOWN_COLUMN.format(file=path, columns=unknown))
    return _Layout(
        nominal=sorted(curves["nominal"]),
        breakeven=sorted(curves["breakeven"]),
        credit="credit_spread" if "credit_spread" in names else None,
        growth="growth" if "growth" in names else None,
        returns=sorted(returns),
        bond_swap="bond_swap" if "bond_swap" in names else None,
    )


def _tenor(
    family: str, label: str, column: str, seen: list[tuple[float, str]], path: object
) -> float:
    """The tenor in years that ``column``'s label names, checked against the family's."""
    try:
        tenor = float(label)
    except ValueError:
        tenor = np.nan
    if not np.isfinite(tenor) or not re.fullmatch(r"[0-9eE.+-]+", label):
        raise DataError(E_TENOR_LABEL.format(file=path, column=column, label=label, family=family))
    if tenor < 0:
        raise DataError(E_TENOR_NEGATIVE.format(file=path, column=column, value=tenor))
    if tenor > MAX_YEARS:
        slip = date_slip(tenor)
        raise DataError(
            E_TENOR_LONG.format(
                file=path, column=column, value=tenor, most=MAX_YEARS, slip=slip and f"; {slip}"
            )
        )
    for other, first in seen:
        if other == tenor:
            raise DataError(
                E_TENOR_REPEATED.format(file=path, first=first, second=column, value=tenor)
            )
    return tenor


def _scenarios(raw: pd.Series, path: object) -> tuple[tuple[int | str, ...], np.ndarray]:
    """(scenario ids in order of appearance, each row's index into them)."""
    missing = raw.isna().to_numpy()
    if pd.api.types.is_float_dtype(raw) and not missing.any():
        numbers = raw.to_numpy(dtype=float)
        raw = raw.astype(np.int64) if np.all(numbers == np.floor(numbers)) else raw
    text = raw.astype(str).to_numpy(dtype=object)
    empty = np.flatnonzero(missing | (text == ""))
    if empty.size:
        raise DataError(E_SCENARIO_ID.format(file=path, row=int(empty[0]) + 1))
    codes, uniques = pd.factorize(text)
    integers = all(re.fullmatch(r"-?(0|[1-9][0-9]*)", u) for u in uniques)
    ids = tuple(int(u) for u in uniques) if integers else tuple(str(u) for u in uniques)
    return ids, codes


def _years(raw: pd.Series, path: object) -> np.ndarray:
    """Each row's year, a whole number 0 or more."""
    numbers = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        good = np.isfinite(numbers) & (numbers >= 0) & (numbers == np.floor(numbers))
    bad = np.flatnonzero(~good)
    if bad.size:
        i = int(bad[0])
        raise DataError(E_YEAR.format(file=path, row=i + 1, value=_shown(raw.iloc[i])))
    return numbers.astype(np.int64)


def _structure(
    codes: np.ndarray, years: np.ndarray, ids: tuple[int | str, ...], path: object
) -> tuple[np.ndarray, int]:
    """(row order by scenario then year, the last year Y): years 0..Y once per scenario."""
    order = np.lexsort((years, codes))
    c, y = codes[order], years[order]
    repeat = np.flatnonzero((np.diff(c) == 0) & (np.diff(y) == 0))
    if repeat.size:
        j = int(repeat[0])
        first, second = sorted((int(order[j]) + 1, int(order[j + 1]) + 1))
        raise DataError(
            E_REPEATED_ROW.format(
                file=path, scenario=ids[c[j]], year=int(y[j]), first=first, second=second
            )
        )
    starts = np.flatnonzero(np.r_[True, np.diff(c) != 0])
    counts = np.diff(np.r_[starts, c.size])
    first_year, last_year = y[starts], y[starts + counts - 1]
    for s in np.flatnonzero(first_year != 0)[:1]:
        raise DataError(E_NO_START.format(file=path, scenario=ids[s], year=int(first_year[s])))
    for s in np.flatnonzero(counts != last_year + 1)[:1]:
        held = y[starts[s] : starts[s] + counts[s]]
        gap = int(np.setdiff1d(np.arange(last_year[s] + 1), held)[0])
        raise DataError(E_GAP.format(file=path, scenario=ids[s], year=gap, last=int(last_year[s])))
    for s in np.flatnonzero(last_year == 0)[:1]:
        raise DataError(E_NO_YEARS.format(file=path, scenario=ids[s]))
    for s in np.flatnonzero(last_year != last_year[0])[:1]:
        raise DataError(
            E_HORIZON.format(
                file=path,
                scenario=ids[s],
                last=int(last_year[s]),
                first=ids[0],
                expected=int(last_year[0]),
            )
        )
    return order, int(last_year[0])


def _values(
    frame: pd.DataFrame,
    layout: _Layout,
    ids: tuple[int | str, ...],
    codes: np.ndarray,
    years: np.ndarray,
    path: object,
) -> pd.DataFrame:
    """The value columns as floats; levels finite everywhere, returns above -1 from year 1."""
    columns = layout.levels + layout.flows
    values = pd.DataFrame({c: pd.to_numeric(frame[c], errors="coerce") for c in columns})
    numbers = values.to_numpy(dtype=float)
    checked = np.ones_like(numbers, dtype=bool)
    checked[years == 0, len(layout.levels) :] = False  # returns over no year: ignored
    bad = np.argwhere(checked & ~np.isfinite(numbers))
    if bad.size:
        i, k = (int(v) for v in bad[0])
        raise DataError(
            E_CELL.format(
                file=path,
                scenario=ids[codes[i]],
                year=int(years[i]),
                column=columns[k],
                value=_shown(frame[columns[k]].iloc[i]),
            )
        )
    _check_levels(numbers[:, : len(layout.levels)], layout, ids, codes, years, path)
    flows = numbers[:, len(layout.levels) :]
    bad = np.argwhere(checked[:, len(layout.levels) :] & (flows <= -1.0))
    if bad.size:
        i, k = (int(v) for v in bad[0])
        raise DataError(
            E_RETURN.format(
                file=path,
                scenario=ids[codes[i]],
                year=int(years[i]),
                column=layout.flows[k],
                value=float(flows[i, k]),
            )
        )
    return values


def _check_levels(
    levels: FloatArray,
    layout: _Layout,
    ids: tuple[int | str, ...],
    codes: np.ndarray,
    years: np.ndarray,
    path: object,
) -> None:
    """Rate levels (nominal, breakeven) in ``PATH_RATE``, the spreads in ``PATH_SPREAD``."""
    spreads = (layout.credit, layout.bond_swap)
    ranges = [PATH_SPREAD if column in spreads else PATH_RATE for column in layout.levels]
    bad = np.argwhere(~np.column_stack([r.holds(levels[:, k]) for k, r in enumerate(ranges)]))
    if bad.size:
        i, k = (int(v) for v in bad[0])
        value = float(levels[i, k])
        raise DataError(
            E_LEVEL.format(
                file=path,
                row=i + 1,
                scenario=ids[codes[i]],
                year=int(years[i]),
                column=layout.levels[k],
                problem=f"got {value!r}; {ranges[k].expected(value)}",
            )
        )


def _curve_moves(
    levels: FloatArray, tenors: list[tuple[float, str]], knots: FloatArray
) -> FloatArray:
    """(S, Y, K) annual moves at ``knots`` of (S, Y + 1, tenors) levels at sorted tenors."""
    on_knots = levels @ tent_weights(np.array([t for t, _ in tenors]), knots)
    return np.diff(on_knots, axis=1)


def _shown(value: object) -> str:
    """A cell for a message: a missing one (empty in a CSV, null or NaN) by name, else repr."""
    value = plain(value)
    missing = value is None or (isinstance(value, float) and np.isnan(value))
    return "an empty cell" if missing else repr(value)


# --- writing and copying ---------------------------------------------------------------------


def _label(tenor: float) -> str:
    """The shortest label that reads back as exactly ``tenor`` (10.0 -> "10")."""
    text = repr(float(tenor))
    return text[:-2] if text.endswith(".0") else text


def _start(value: float | ArrayLike, shape: tuple[int, int], name: str) -> FloatArray:
    """Year-0 levels broadcast to (scenarios, knots)."""
    array = np.asarray(value, dtype=float)
    try:
        return np.broadcast_to(array, shape)
    except ValueError:
        raise DataError(
            E_LEVELS.format(name=name, shape=array.shape, knots=shape[1], shape_sk=shape)
        ) from None


def _levels(start: FloatArray, moves: FloatArray) -> FloatArray:
    """(S, Y + 1, K) levels: ``start`` (S, K) then plus the cumulative (S, Y, K) moves."""
    return np.concatenate([start[:, None, :], start[:, None, :] + np.cumsum(moves, axis=1)], 1)


def _bond_swap_levels(moves: Sequence[MoveSet]) -> FloatArray:
    """(S, Y + 1) bond_swap levels from 0: one move a year, the same at every tenor."""
    annual = []
    for y, move in enumerate(moves):
        basis = np.zeros((move.count, 1)) if move.bond_swap is None else move.bond_swap
        if np.any(basis != basis[:, :1]):
            raise DataError(E_BOND_SWAP_SHAPE.format(year=y))
        annual.append(basis[:, :1])
    return _levels(np.zeros((moves[0].count, 1)), np.stack(annual, axis=1))[:, :, 0]


def _flows(annual: FloatArray) -> FloatArray:
    """(S, Y) returns as a column of (S x (Y + 1)) rows, NaN (empty) at year 0."""
    count = annual.shape[0]
    return np.concatenate([np.full((count, 1), np.nan), annual], axis=1).reshape(-1)


def _frozen(move: MoveSet) -> MoveSet:
    """``move`` with read-only arrays (its own copies: see ``_copy``)."""
    arrays = [move.knots, move.nominal, move.breakeven, move.credit_spread, move.growth]
    if move.bond_swap is not None:
        arrays.append(move.bond_swap)
    for array in [*arrays, *move.returns.values()]:
        array.setflags(write=False)
    object.__setattr__(move, "returns", MappingProxyType(dict(move.returns)))
    return move


def _copy(move: MoveSet) -> MoveSet:
    """``move`` with float copies of every array."""
    return MoveSet(
        knots=np.array(move.knots, dtype=float),
        nominal=np.array(move.nominal, dtype=float),
        breakeven=np.array(move.breakeven, dtype=float),
        credit_spread=np.array(move.credit_spread, dtype=float),
        growth=np.array(move.growth, dtype=float),
        returns={i: np.array(r, dtype=float) for i, r in move.returns.items()},
        total_returns=move.total_returns,
        bond_swap=None if move.bond_swap is None else np.array(move.bond_swap, dtype=float),
    )
