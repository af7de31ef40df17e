"""Expected benefit cash flows of a membership, by year, member status and tranche.

Each member i has a status (active, deferred, pensioner, dependant), a sex, an age xᵢ, a
retirement age Rᵢ, a spouse's proportion sᵢ and a pension Pᵢₖ in each tranche k (a year,
in today's money). With t = 1..T whole years from the valuation, ₜpᵢ the member's
survival (``ldi.members.mortality``), rᵢ = max(⌈Rᵢ − xᵢ⌉, 0) the years to retirement
(0 in payment), c the share commuted at retirement for a lump sum of f per unit of
pension given up, m the proportion married and ₜqᵢ* = ₜpᵢ* the spouse's survival (the
other sex, ``age_difference`` years younger for a man, older for a woman), the expected
payment at the end of year t is

- the member's pension Pᵢₖ aᵢ (1 − c) ₜpᵢ for t ≥ ⌊Rᵢ − xᵢ⌋ + 1, the first year end after
  retiring: in arrears, as a pensioner is paid from t = 1 (a pensioner's or dependant's
  own pension in full, c = 0), aᵢ = 1 − e (Rᵢ − Aᵢ)⁺ + l (Aᵢ − Rᵢ)⁺ when the basis
  retires members at Aᵢ = max(A, xᵢ) rather than their own Rᵢ (e and l a year early or
  late; else aᵢ = 1, and rᵢ counts to Aᵢ);
- a lump sum c f Pᵢₖ aᵢ ₜpᵢ at t = max(rᵢ, 1) (actives and deferreds only);
- a spouse's pension m sᵢ Pᵢₖ aᵢ (1 − c) (1 − ₜpᵢ) ₜpᵢ* (not for dependants): the member
  has died by t and the spouse is alive; before retirement on the pension before
  commutation and early or late retirement (Pᵢₖ).

Amounts are in today's money: a row's ``deferred_until`` is min(rᵢ, t) (blank at 0), the
years its tranche's revaluation applies before its indexation in payment takes over (a
spouse's pension from a death in deferment is revalued to its payment). Rows are summed
by time, status, tranche and deferment: the benefit table ``liabilities.cashflows`` reads.
"""

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd

from ldi.errors import DataError, LDIWarning
from ldi.members.mortality import Mortality
from ldi.validation import plain

PENSION = "pension:"  # a tranche's column: pension:<tranche>
COLUMNS = ("status", "sex", "age", "retirement_age", "spouse_proportion")
E_MISSING = "{where}: has no {column!r} column; expected columns {columns} and pension:<tranche>"
E_NO_RETIREMENT = (
    "{where}: has no 'retirement_age' column; expected one, as row {row} (id {id!r}) is "
    "{status} (a file of pensioners and dependants only needs none)"
)
E_NO_PENSION = "{where}: has no pension:<tranche> column; expected one per tranche"
E_ROW = "{where} row {row} (id {id!r}): {column} got {value!r}; expected {expected}"
E_SEXES = "basis.mortality: got {value}; expected a table for each sex, male and female"
E_BASIS = "basis.{field}: got {value!r}; expected {expected}"
STILL_ALIVE = 1e-3  # a life this likely alive when the horizon ends has payments left out
W_HORIZON = (
    "{where}: the projection ends after {years} years while row {row} (id {id!r}) or a spouse "
    "is {share:.2%} likely alive a year later ({more} such rows): their later payments are left "
    "out; leave basis.years out to project until every member has died"
)
SEXES = {"m": "male", "male": "male", "f": "female", "female": "female"}
OTHER = {"male": "female", "female": "male"}


class Status(StrEnum):
    """A member's status in the scheme."""

    ACTIVE = "active"
    DEFERRED = "deferred"
    PENSIONER = "pensioner"
    DEPENDANT = "dependant"


@dataclass(frozen=True)
class Basis:
    """The demographic assumptions of a projection.

    ``mortality``: by sex (``male``, ``female``); ``proportion_married``: the chance a
    member leaves a spouse; ``age_difference``: years a husband is older than his wife;
    ``commutation``: the share of pension exchanged at retirement, for ``commutation_factor``
    of lump sum per unit of pension given up. ``retirement_age``: the age active and deferred
    members retire at instead of their own (at once if older); their pension is then
    reduced by ``early_reduction`` a year before their own retirement age, or increased by
    ``late_increase`` a year after it.
    """

    mortality: Mapping[str, Mortality]
    proportion_married: float = 0.0
    age_difference: float = 3.0
    commutation: float = 0.0
    commutation_factor: float = 0.0
    retirement_age: float | None = None
    early_reduction: float = 0.0
    late_increase: float = 0.0

    def __post_init__(self) -> None:
        if set(self.mortality) != {"male", "female"}:
            raise DataError(E_SEXES.format(value=sorted(self.mortality)))
        checks = {
            "proportion_married": (0 <= self.proportion_married <= 1, "a share in [0, 1]"),
            "age_difference": (abs(self.age_difference) <= 30, "years between -30 and 30"),
            "commutation": (0 <= self.commutation < 1, "a share in [0, 1)"),
            "commutation_factor": (0 <= self.commutation_factor <= 50, "a factor in [0, 50]"),
            "retirement_age": (
                self.retirement_age is None or 40 <= self.retirement_age <= 80,
                "an age from 40 to 80, or none",
            ),
            "early_reduction": (0 <= self.early_reduction <= 0.2, "a yearly share in [0, 0.2]"),
            "late_increase": (0 <= self.late_increase <= 0.2, "a yearly share in [0, 0.2]"),
        }
        for name, (ok, expected) in checks.items():
            value = getattr(self, name)
            if not (ok and (value is None or np.isfinite(value))):
                raise DataError(E_BASIS.format(field=name, value=value, expected=expected))


def project(
    members: pd.DataFrame,
    basis: Basis,
    year: int,
    years: int | None = None,
    where: str = "members",
) -> pd.DataFrame:
    """The membership's expected benefit rows (see the module), ``years`` from ``year``.

    Columns: time (years), status, tranche, amount (today's money), deferred_until.
    ``years`` None: until every member and spouse has died, ``closing`` years; a horizon
    that ends while a life is still more than ``STILL_ALIVE`` likely to be alive warns
    that the payments after it are left out.
    """
    data = _Members.read(members, basis, where)
    if years is None:
        years = closing(basis, data.age, data.spouse_age)
    # A year more than projected: who would still be paid after the horizon.
    alive = _survival(basis, data.sex, data.age, year, years + 1)
    spouse = _survival(basis, data.spouse_sex, data.spouse_age, year, years + 1, young=True)
    _check_horizon(data, alive[:, -1], spouse[:, -1] * basis.proportion_married, years, where)
    alive, spouse = alive[:, :-1], spouse[:, :-1]
    t = np.arange(1, years + 1)[None, :]
    start = np.maximum(data.retire, 1)[:, None]
    retired = t >= start
    paid = t >= data.first[:, None]
    own_rate = (np.where(data.deferred, 1.0 - basis.commutation, 1.0) * data.adjust)[:, None]
    member = alive[:, 1:]
    widowed = (1.0 - member) * spouse[:, 1:] * basis.proportion_married
    widowed = widowed * data.reversion[:, None]
    lump = (t == start) * member * (basis.commutation * basis.commutation_factor)
    lump = lump * (data.deferred * data.adjust)[:, None]
    per_unit = paid * member * own_rate + lump + widowed * np.where(retired, own_rate, 1.0)
    deferral = np.minimum(data.retire[:, None], t)
    return _rows(data, per_unit, deferral, years)


@dataclass(frozen=True)
class _Members:
    """A membership's columns as arrays, checked row by row."""

    ids: np.ndarray  # as quoted in messages: the id column, else the row's position
    status: np.ndarray
    sex: np.ndarray
    age: np.ndarray
    retire: np.ndarray  # whole years to retirement, 0 in payment
    first: np.ndarray  # the year of the first payment of the pension, in arrears
    adjust: np.ndarray  # the pension's factor for retiring early or late (1 in payment)
    spouse: np.ndarray  # the spouse's proportion
    pensions: pd.DataFrame  # by tranche (columns), a year in today's money
    difference: float  # years a husband is older than his wife

    @property
    def reversion(self) -> np.ndarray:
        """The share of a member's pension a widow(er) receives: 0 for a dependant."""
        return np.where(self.status == Status.DEPENDANT, 0.0, self.spouse)

    @property
    def deferred(self) -> np.ndarray:
        """1.0 for members not yet retired (actives, deferreds): they commute."""
        return np.isin(self.status, [Status.ACTIVE, Status.DEFERRED]).astype(float)

    @property
    def spouse_sex(self) -> np.ndarray:
        return np.vectorize(OTHER.get, otypes=[object])(self.sex)

    @property
    def spouse_age(self) -> np.ndarray:
        """A wife ``age_difference`` years younger than her husband."""
        return self.age + np.where(self.sex == "male", -1.0, 1.0) * self.difference

    @classmethod
    def read(cls, frame: pd.DataFrame, basis: Basis, where: str) -> "_Members":
        for column in COLUMNS:
            if column not in frame.columns and column != "retirement_age":
                raise DataError(E_MISSING.format(where=where, column=column, columns=COLUMNS))
        tranches = pension_columns(frame)
        if not tranches:
            raise DataError(E_NO_PENSION.format(where=where))
        ids = frame["id"].astype(str).to_numpy() if "id" in frame else np.arange(len(frame))

        def fail(i: int, column: str, value: object, expected: str) -> DataError:
            return DataError(
                E_ROW.format(
                    where=where,
                    row=i + 1,
                    id=ids[i],
                    column=column,
                    value=plain(value),
                    expected=expected,
                )
            )

        check_ids(frame, where)
        status = frame["status"].astype(str).str.strip().str.lower().to_numpy()
        unknown = np.flatnonzero(~np.isin(status, list(Status)))
        if unknown.size:
            i = int(unknown[0])
            raise fail(i, "status", frame["status"].iloc[i], f"one of {[s.value for s in Status]}")
        sex = frame["sex"].astype(str).str.strip().str.lower().map(SEXES).to_numpy()
        unknown = np.flatnonzero(pd.isna(sex))
        if unknown.size:
            i = int(unknown[0])
            raise fail(i, "sex", frame["sex"].iloc[i], "M, F, male or female")
        waiting = np.isin(status, [Status.ACTIVE, Status.DEFERRED])
        if "retirement_age" not in frame.columns:  # a file of pensioners needs none
            if waiting.any():
                i = int(np.flatnonzero(waiting)[0])
                raise DataError(
                    E_NO_RETIREMENT.format(where=where, row=i + 1, id=ids[i], status=status[i])
                )
            frame = frame.assign(retirement_age=np.nan)
        numbers = {c: pd.to_numeric(frame[c], errors="coerce").to_numpy(float) for c in COLUMNS[2:]}
        pensions = frame[tranches].apply(pd.to_numeric, errors="coerce")
        pensions.columns = [c.removeprefix(PENSION) for c in tranches]
        checks = [
            (
                "age",
                numbers["age"],
                (numbers["age"] >= 0) & (numbers["age"] < 130),
                "an age in years from 0 to under 130",
            ),
            (
                "spouse_proportion",
                numbers["spouse_proportion"],
                (numbers["spouse_proportion"] >= 0) & (numbers["spouse_proportion"] <= 1),
                "a share in [0, 1]",
            ),
            (
                "retirement_age",
                np.where(waiting, numbers["retirement_age"], 60.0),  # in payment: not used
                (numbers["retirement_age"] >= 40) & (numbers["retirement_age"] <= 80) | ~waiting,
                "an age from 40 to 80 for an active or deferred member",
            ),
        ]
        for tranche in pensions.columns:
            values = pensions[tranche].to_numpy(float)
            checks.append((PENSION + tranche, values, values >= 0, "a pension >= 0 a year"))
        for column, values, ok, expected in checks:
            bad = np.flatnonzero(~(np.isfinite(values) & ok))
            if bad.size:
                i = int(bad[0])
                raise fail(i, column, frame[column].iloc[i], expected)
        age, retirement = numbers["age"], numbers["retirement_age"]
        early = np.flatnonzero(waiting & (retirement < np.floor(age)))
        if early.size:
            i = int(early[0])
            article = "an" if status[i][0] in "aeiou" else "a"
            expected = (
                f"an age at least the member's age, {age[i]:g}, for {article} {status[i]} member"
            )
            raise fail(i, "retirement_age", frame["retirement_age"].iloc[i], expected)
        for name in ("male", "female"):
            mine = sex == name
            table = basis.mortality[name].table
            outside = np.flatnonzero(mine & table.outside(age))
            if outside.size:
                i = int(outside[0])
                expected = (
                    f"an age the {name} table {table.name!r} covers, {table.first} to {table.last}"
                )
                raise fail(i, "age", frame["age"].iloc[i], expected)
        chosen = retirement if basis.retirement_age is None else basis.retirement_age
        at = np.maximum(chosen, age)  # the age they retire at
        retire = np.where(waiting, np.ceil(at - age), 0).astype(int)
        first = np.where(waiting, np.floor(at - age) + 1, 1).astype(int)
        reduced = np.maximum(retirement - at, 0.0) * basis.early_reduction
        increased = np.maximum(at - retirement, 0.0) * basis.late_increase
        adjust = np.where(waiting, np.maximum(1.0 - reduced + increased, 0.0), 1.0)
        spouse = numbers["spouse_proportion"]
        return cls(
            ids, status, sex, age, retire, first, adjust, spouse, pensions, basis.age_difference
        )


def check_ids(frame: pd.DataFrame, where: str) -> None:
    """A DataError naming the first row whose ``id`` an earlier row has (a member twice)."""
    if "id" not in frame:
        return
    ids = frame["id"].astype(str).to_numpy()
    again = np.flatnonzero(pd.Series(ids).duplicated().to_numpy())
    if again.size:
        i = int(again[0])
        first = int(np.flatnonzero(ids == ids[i])[0])
        expected = f"an id of one row only (row {first + 1} has it)"
        raise DataError(
            E_ROW.format(
                where=where, row=i + 1, id=ids[i], column="id", value=ids[i], expected=expected
            )
        )


def closing(basis: Basis, *ages: np.ndarray) -> int:
    """Years until lives of ``ages`` have all died: the tables' closing age less the youngest.

    Past its last age a table's rate is 1 (``Table.rates``).
    """
    last = max(mortality.table.last for mortality in basis.mortality.values())
    youngest = min(float(np.min(a, initial=np.inf)) for a in ages)
    return max(last + 1 - int(np.floor(youngest)), 1) if np.isfinite(youngest) else 1


def _check_horizon(
    data: "_Members", member: np.ndarray, spouse: np.ndarray, years: int, where: str
) -> None:
    """Warn when a member or spouse would likely be paid the year after the horizon.

    ``member`` and ``spouse``: their survival to that year's end (the spouse's times the
    proportion married).
    """
    living = np.maximum(member, spouse * data.reversion)
    late = np.flatnonzero(living > STILL_ALIVE)
    if late.size:
        i = int(late[0])
        warnings.warn(
            W_HORIZON.format(
                where=where,
                years=years,
                row=i + 1,
                id=plain(data.ids[i]),
                share=living[i],
                more=late.size,
            ),
            LDIWarning,
            stacklevel=3,
        )


def pension_columns(frame: pd.DataFrame) -> list[str]:
    """The ``pension:<tranche>`` columns of a members table, in order."""
    return [str(c) for c in frame.columns if str(c).startswith(PENSION)]


def _survival(
    basis: Basis, sex: np.ndarray, age: np.ndarray, year: int, years: int, young: bool = False
) -> np.ndarray:
    """ₜp for t = 0..years of each life (lives, years + 1), by its sex's mortality.

    ``young``: a life younger than its table (a spouse) takes the table's first age's rate
    until it reaches it.
    """
    alive = np.empty((age.size, years + 1))
    for name, mortality in basis.mortality.items():
        mine = sex == name
        if mine.any():
            alive[mine] = mortality.survivals(age[mine], year, years, young)
    return alive


def _rows(data: _Members, per_unit: np.ndarray, deferral: np.ndarray, years: int) -> pd.DataFrame:
    """Per-unit payments (members x years) times each tranche's pensions, summed by key.

    Key: status, deferment (0..years) and time (1..years), counted with ``np.bincount``.
    """
    statuses = list(Status)
    code = pd.Categorical(data.status, categories=statuses).codes[:, None].astype(np.int64)
    t = np.arange(years)[None, :]
    key = ((code * (years + 1) + deferral) * years + t).ravel()
    size = len(statuses) * (years + 1) * years
    frames = []
    for tranche in data.pensions.columns:
        amounts = (per_unit * data.pensions[tranche].to_numpy(float)[:, None]).ravel()
        totals = np.bincount(key, weights=amounts, minlength=size)
        cells = np.flatnonzero(totals)
        status, rest = np.divmod(cells, (years + 1) * years)
        until, time = np.divmod(rest, years)
        frames.append(
            pd.DataFrame(
                {
                    "time": (time + 1).astype(float),
                    "status": [statuses[s].value for s in status],
                    "tranche": tranche,
                    "amount": totals[cells],
                    "deferred_until": np.where(until > 0, until.astype(float), np.nan),
                }
            )
        )
    table = pd.concat(frames, ignore_index=True)
    order = ["tranche", "status", "deferred_until", "time"]
    return table.sort_values(order, na_position="first").reset_index(drop=True)
