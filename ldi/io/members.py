"""A membership and its basis from files: the benefit table the liabilities read.

``liabilities.members`` (and ``ldi liabilities project``) names a CSV of members and a
basis: each sex's mortality (a CSV table of age and q, the SOA's SULT law, or a Makeham
law) in its base year with its improvement (a rate, or a CSV scale of age by year), and
the spouses and commutation. The projection (``ldi.members.projection``) gives expected
payments by time, status and tranche in today's money: a ``fixed`` tranche's go to the
table's ``fixed`` column, the others' to ``inflation_linked``, for the tranche's
indexation to uprate.
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import ValidationError

from ldi.errors import DataError
from ldi.io.errors import located, spec_error
from ldi.io.plain import plain
from ldi.io.reading import read_yaml
from ldi.io.schema import BasisFileSpec, MembersBasisSpec, MortalitySpec
from ldi.io.tables import read_table
from ldi.members import SULT, Improvement, Makeham, Mortality, Table
from ldi.members.projection import PENSION, Basis, pension_columns, project
from ldi.scheduling.dates import parse_date
from ldi.storage.files import confined
from ldi.validation import plain as plain_value

BENEFIT_COLUMNS = ["time", "status", "tranche", "fixed", "inflation_linked", "deferred_until"]
LAW_AGES = (0, 130)  # the ages a law is tabulated at
E_TABLE = "{where}: got columns {value}; expected columns age and q"
E_SCALE = "{where}: got columns {value}; expected an age column, then one column a year"
E_CELL = "{where} row {row}: {column} got {got}; expected a number"
E_BORN = (
    "{where} row {row}: date_of_birth got {value!r}; expected a date (YYYY-MM-DD) before the "
    "valuation date {date}"
)
DAYS_PER_AGE_YEAR = 365.25  # an age in years from days lived
E_FIXED = "{where}.fixed: got {value!r}; expected a tranche of the members' pension columns {names}"


@dataclass(frozen=True)
class Membership:
    """A members table (ages filled in from dates of birth), its basis and valuation date.

    ``name``: the members file's name in messages; ``spec``: the basis section as written.
    """

    members: pd.DataFrame
    name: str
    basis: Basis
    spec: MembersBasisSpec
    valuation: date

    def scaled(self, factors: Mapping[str, float]) -> "Membership":
        """The membership with each sex's mortality rates times ``factors[sex]``."""
        mortality = {sex: m.scaled(factors[sex]) for sex, m in self.basis.mortality.items()}
        return replace(self, basis=replace(self.basis, mortality=mortality))

    def table(self, rows: pd.DataFrame, where: str) -> pd.DataFrame:
        """``project``'s rows as a benefit table: fixed tranches in ``fixed``, others linked."""
        names = sorted(c.removeprefix(PENSION) for c in pension_columns(self.members))
        for tranche in self.spec.fixed:
            if tranche not in names:
                raise DataError(E_FIXED.format(where=where, value=tranche, names=names))
        fixed = rows["tranche"].isin(self.spec.fixed).to_numpy()
        amount = rows["amount"].to_numpy()
        table = rows.assign(
            fixed=np.where(fixed, amount, 0.0), inflation_linked=np.where(fixed, 0.0, amount)
        )
        return table[BENEFIT_COLUMNS].reset_index(drop=True)


def membership(
    members: pd.DataFrame,
    name: str,
    spec: MembersBasisSpec,
    valuation: date,
    base_dir: Path,
    where: str,
) -> Membership:
    """``members`` (read from file ``name``) with the basis ``spec`` built.

    The basis's tables are read from ``base_dir``; ``where`` is its key in messages. A
    ``date_of_birth`` column (YYYY-MM-DD) may stand for ``age``: years to the valuation
    date, ACT/365.25.
    """
    basis = basis_of(spec, base_dir, where)
    return Membership(_with_ages(members, valuation, name), name, basis, spec, valuation)


def projected(scheme: Membership, where: str) -> pd.DataFrame:
    """The benefit table of a membership projected in this process (``Membership.table``)."""
    valuation = scheme.valuation
    rows = project(scheme.members, scheme.basis, valuation.year, scheme.spec.years, scheme.name)
    return scheme.table(rows, where)


def membership_files(members: str | Path, basis: str | Path) -> Membership:
    """``ldi liabilities project``'s inputs: a members CSV and a basis YAML file.

    The basis file holds a ``basis`` section and the ``valuation_date``; the files it names
    are relative to its folder, the members file to the working folder.
    """
    path = Path(basis)
    try:
        spec = BasisFileSpec.model_validate(dict(plain(read_yaml(path))))
    except ValidationError as error:
        raise spec_error(error) from None
    frame = read_table(Path(members), Path(members).name)
    return membership(frame, Path(members).name, spec, spec.valuation_date, path.parent, path.name)


def _with_ages(members: pd.DataFrame, valuation: date, name: str) -> pd.DataFrame:
    """``members`` with ``age`` from ``date_of_birth`` when only the dates are given."""
    if "age" in members.columns or "date_of_birth" not in members.columns:
        return members
    born = [parse_date(value) for value in members["date_of_birth"]]
    for i, day in enumerate(born):
        if day is None or day >= pd.Timestamp(valuation):
            value = plain_value(members["date_of_birth"].iloc[i])
            raise DataError(E_BORN.format(where=name, row=i + 1, value=value, date=valuation))
    days = (pd.Timestamp(valuation) - pd.DatetimeIndex(born)).days.to_numpy()
    return members.assign(age=days / DAYS_PER_AGE_YEAR)


def basis_of(spec: MembersBasisSpec, base_dir: Path, where: str) -> Basis:
    """The projection basis of a ``basis`` section (tables read from ``base_dir``)."""
    mortality = {
        sex: _mortality(getattr(spec.mortality, sex), base_dir, f"{where}.mortality.{sex}")
        for sex in ("male", "female")
    }
    return Basis(
        mortality,
        proportion_married=spec.proportion_married,
        age_difference=spec.age_difference,
        commutation=spec.commutation,
        commutation_factor=spec.commutation_factor,
        retirement_age=spec.retirement_age,
        early_reduction=spec.early_reduction,
        late_increase=spec.late_increase,
    )


def _mortality(spec: MortalitySpec, base_dir: Path, where: str) -> Mortality:
    if spec.table is not None:
        table = _table(spec.table, base_dir, f"{where}.table")
    else:
        law = SULT if spec.law == "sult" else Makeham(**spec.makeham.model_dump(), name=where)
        table = law.table(*LAW_AGES)
    scale = spec.improvement.scale
    improvement = Improvement(
        spec.improvement.rate,
        None if scale is None else _scale(scale, base_dir, f"{where}.improvement.scale"),
        name=f"{where}.improvement",
    )
    return Mortality(table, spec.base_year, improvement)


def _table(file: str, base_dir: Path, path: str) -> Table:
    """A mortality table from a CSV of ``age`` and ``q`` (errors name ``path``)."""
    with located(path):
        name = Path(file).name
        frame = read_table(confined(file, base_dir, path), name)
        if list(frame.columns) != ["age", "q"]:
            raise DataError(E_TABLE.format(where=name, value=list(frame.columns)))
        return Table.of(_numbers(frame, name).set_index("age")["q"], name, source=file)


def _scale(file: str, base_dir: Path, path: str) -> pd.DataFrame:
    """An improvement scale from a CSV: ``age``, then one column per calendar year."""
    with located(path):
        name = Path(file).name
        frame = read_table(confined(file, base_dir, path), name)
        years = list(frame.columns[1:])
        if (
            not len(frame.columns) > 1
            or frame.columns[0] != "age"
            or not all(str(y).isdigit() for y in years)
        ):
            raise DataError(E_SCALE.format(where=name, value=list(frame.columns)))
        scale = _numbers(frame, name).set_index("age")
        scale.columns = [int(y) for y in years]
        return scale


def _numbers(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Every cell of a table file as a number; the first that is not one is named."""
    numbers = frame.apply(pd.to_numeric, errors="coerce")
    bad = np.argwhere(numbers.isna().to_numpy())
    if bad.size:
        i, j = bad[0]
        value = frame.iat[i, j]
        got = "a blank cell" if pd.isna(value) else repr(plain_value(value))
        column = frame.columns[j]
        raise DataError(E_CELL.format(where=name, row=i + 1, column=column, got=got))
    return numbers
