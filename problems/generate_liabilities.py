"""Write the example problems' memberships, and the liability cash flows projected from them.

Each recipe below becomes a membership (``data/<name>_members.csv``, one row per member,
drawn with the recipe's seed), a mortality table (``data/gompertz_s2pa*.csv``) and a basis
file (``data/<name>_basis.yaml``); ``ldi``'s projection of them, as ``ldi liabilities project
data/<name>_members.csv --basis data/<name>_basis.yaml`` gives it, summed over deferment, is
the cash-flow table ``data/<name>_cashflows.csv`` the problem reads. The membership shares
each group's pension at each whole age among members of random sex (a Dirichlet draw, the
pensions in full precision), so its projection is the recipe's closed form (``project``),
and the tables the same to the cent. The recipe (after the shared domain facts,
"Representative UK DB cash-flow profile"); annual payments in arrears, money in the
recipe's currency:

- mortality: Gompertz q_x = 0.00934 exp(0.11563 (x − 65)) from age 65 (the S2PA male fit),
  0.15% a year before 65, both times the recipe's ``mortality_multiplier``, capped at 1;
- member groups: a total annual pension in today's money spread over integer ages with
  weights ∝ exp(−½((age − centre)/width)²); a member aged x today is paid at the end of year t
  if alive then and x + t − 1 ≥ ``paid_from_age`` (so a deferred paid from 65 who is 64 today
  receives a first payment at t = 2, at the end of the year in which the member is 65);
  actives are projected like deferreds on the pension they have accrued so far (no future
  accrual, as in the value of accrued benefits);
- indexation: a share of each payment is inflation-linked (a real amount, grown by the
  breakeven index to a nominal amount), the rest is fixed nominal; a recipe with tranches
  splits each payment into tranches by their shares instead (benefits accrued in different
  periods, each with its own indexation in the problem file), written as one row each.

Recipes (measured values: PV and effective duration ``ldi.duration`` on the curves of
``SIZING_CURVES``; the linked share is the inflation-linked part's share of the PV):

``DOMAIN_FACTS``
    Exactly the published recipe: £30m a year of pensioners aged 66–99 centred on 74, £40m a
    year of deferreds aged 30–64 centred on 54 and paid from 65 (widths 7), 75% of each payment
    inflation-linked. It reproduces the published table; no CSV is written for it. On gilts +
    50bp with RPI breakevens: PV £668.3m, duration 14.57 years, linked share of PV 82.8%.
``UK_DB_SCHEME`` → ``data/uk_db_scheme_cashflows.csv``
    A closed UK DB scheme (no new accrual), deferred-heavy: £50m a year of pensioners aged
    66–99 centred on 74, £130m a year of deferreds aged 30–64 centred on 50 and paid from 65
    (widths 7). Each payment is in three tranches: 40% ``pre_1997`` (fixed nominal), 35%
    ``rpi_lpi_5`` (1997–2005 rights, LPI(0, 5) on RPI) and 25% ``cpi_2_5`` (later rights,
    CPI capped at 2.5%), so 60% of it is inflation-linked. On gilts + 50bp with RPI
    breakevens (every linked tranche fully indexed): PV £1,497.7m, duration 17.97 years,
    linked share of PV 73.1%; payments in today's money peak in year 24.
``US_CORPORATE_PLAN`` → ``data/us_corporate_plan_cashflows.csv``
    A closed, frozen US corporate plan with no COLA (every payment fixed nominal): $80m a year
    of retirees aged 66–95 centred on 73 (width 6), $105m a year of terminated-vested
    deferreds aged 35–64 centred on 52 and paid from 65 (width 7). On the AA corporate zero
    curve (semiannual): PV $1,190.3m, duration 12.71 years; payments peak in year 19.
``INSURER_ANNUITY_BOOK`` → ``data/insurer_annuity_book_cashflows.csv``
    A UK insurer's bulk-annuity book of level annuities in payment (all fixed nominal): £92m a
    year of pensioners aged 60–95 centred on 72 (width 7), lighter insured-life mortality
    (q_x × 0.85). On gilts + 100bp: PV £802.8m, duration 7.11 years; payments peak in year 1
    and run off by year 47. A book of pensioners only is short at these yields: even a single
    level annuity bought at 60 has a duration of 9.4 years.
``NL_PENSION_FUND`` → ``data/nl_pension_fund_cashflows.csv``
    A Dutch pension fund still open to accrual, valued on accrued benefits: €300m a year of
    pensioners aged 66–100 centred on 75 (width 7), €250m a year of deferreds aged 28–67
    centred on 52 and €750m a year accrued by actives aged 25–67 centred on 46 (both width 9,
    paid from 68, the target retirement age of Dutch schemes). Every payment is fixed
    nominal: the Dutch promise is a nominal benefit and indexation is conditional on the
    funding ratio, so it is not projected. Lighter mortality (q_x × 0.85) as a rough
    allowance for longer lives; no Dutch table (AG Prognosetafel) is modelled. On the €STR
    OIS zero curve (annual): PV €10,114.5m, duration 22.07 years; payments peak in year 30
    and run to year 82, with 4.2% of the undiscounted payments after year 50.

Each CSV has columns ``time`` (years, float), ``status`` (``pensioner``, ``deferred`` or
``active``), ``fixed`` (nominal) and ``inflation_linked`` (real, today's money), both rounded
to 2 decimals: one row per year per status with a non-zero payment; a book in tranches has
a ``tranche`` column too, and a row per year, status and tranche.

The basis marries no one (``proportion_married: 0``; the members' ``spouse_proportion`` is
there for a basis that does), has no commutation and no improvements, and uses one table
for both sexes; a deferred or active member retires at ``paid_from_age`` and is paid a year
in arrears, as the projection pays a pensioner. Change the basis file to test the books on
another basis (see docs/mortality.md).

Run ``python problems/generate_liabilities.py`` to rewrite the memberships and the four
cash-flow CSVs.
"""

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

import ldi
from ldi.io.members import membership_files, projected

DATA = Path(__file__).parent / "data"
COLUMNS = ["time", "status", "fixed", "inflation_linked"]
TRANCHE_COLUMNS = ["time", "status", "tranche", "fixed", "inflation_linked"]

LEVEL = "level"  # the one tranche of a book without tranches: level pensions
TABLE_AGES = (16, 120)  # the ages the mortality table file gives
SHARE_CONCENTRATION = 4.0  # Dirichlet weight of each member's share: pensions vary, none tiny

GOMPERTZ_Q65 = 0.00934
"""q_65 of the Gompertz fit to S2PA male (domain facts), one-year death probability."""
GOMPERTZ_SLOPE = 0.11563
"""Gompertz slope of that fit, per year of age."""
GOMPERTZ_FROM_AGE = 65.0
"""Age (years) from which the Gompertz law applies."""
Q_BEFORE_GOMPERTZ = 0.0015
"""One-year death probability before ``GOMPERTZ_FROM_AGE``."""


class Status(StrEnum):
    """Member status of a group, as written in the CSV ``status`` column."""

    PENSIONER = "pensioner"
    DEFERRED = "deferred"
    ACTIVE = "active"


@dataclass(frozen=True)
class MemberGroup:
    """Members of one status whose pensions are spread over ages by a Gaussian weight."""

    status: Status
    """Pensioners are in payment today; deferreds and actives (their accrued pension) are
    paid from ``paid_from_age``."""
    total_pension: float
    """Sum of the group's annual pensions today, in the recipe's currency per year (real terms
    for the inflation-linked share)."""
    min_age: int
    """Youngest member's age today, in whole years."""
    max_age: int
    """Oldest member's age today, in whole years (inclusive)."""
    centre_age: float
    """Age (years) at which the weight exp(−½((age − centre)/width)²) peaks."""
    width: float = 7.0
    """Standard deviation (years) of the Gaussian age weight."""
    paid_from_age: float = 0.0
    """Age (years) at the start of a year from which that year's payment is made; 0 for
    pensioners (already in payment). A member retires at it, and is paid a year in arrears."""
    members: int = 1_000
    """About how many members the group's pension is shared among in the membership file."""

    def __post_init__(self) -> None:
        if not 0 <= self.min_age <= self.max_age:
            raise ValueError(f"{self.status}: need 0 <= min_age <= max_age, got {self}")
        if self.total_pension <= 0 or self.width <= 0:
            raise ValueError(f"{self.status}: total_pension and width must be > 0, got {self}")

    @property
    def ages(self) -> np.ndarray:
        """Integer ages today (years), youngest first."""
        return np.arange(self.min_age, self.max_age + 1, dtype=float)

    @property
    def weights(self) -> np.ndarray:
        """The Gaussian weight exp(−½((age − centre)/width)²) of each age, unnormalised."""
        return np.exp(-0.5 * ((self.ages - self.centre_age) / self.width) ** 2)


@dataclass(frozen=True)
class Tranche:
    """Benefits accrued in one period: a ``share`` of each payment, fixed or linked."""

    name: str
    """As written in the CSV ``tranche`` column and declared in ``liabilities.tranches``."""
    share: float
    """Share (decimal, 0–1) of each payment in this tranche."""
    linked: bool
    """True when the tranche's payments are inflation-linked (real), else fixed nominal."""


@dataclass(frozen=True)
class Recipe:
    """Parameters of one synthetic liability book; see the module docstring for each one."""

    name: str
    """Book name; its CSV is ``data/<name>_cashflows.csv``."""
    currency: str
    """ISO code of every amount."""
    groups: tuple[MemberGroup, ...]
    """Member groups; several groups of one status are summed into that status's rows."""
    inflation_linked_share: float
    """Share (decimal, 0–1) of each payment that is inflation-linked; the rest is fixed
    nominal."""
    sizing: str
    """Key of ``SIZING_CURVES``: the curves the book is sized against and ``measure`` uses."""
    mortality_multiplier: float = 1.0
    """Factor on every q_x (decimal; below 1 for lighter, e.g. insured-life, mortality)."""
    horizon_years: int = 100
    """Years projected (payments at t = 1..horizon); must reach the run-off."""
    tranches: tuple[Tranche, ...] = ()
    """Tranches each payment is split into; their linked shares sum to
    ``inflation_linked_share`` and all their shares to 1. None: no tranche column."""
    valuation_date: str = "2025-12-31"
    """The problem's valuation date (YYYY-MM-DD), which the basis file carries."""
    spouse_proportion: float = 0.5
    """Each member's spouse's proportion in the membership file (the recipe marries no one)."""
    seed: int = 0
    """Seed of the membership's draws (member counts, sexes and shares of pension)."""

    def __post_init__(self) -> None:
        if not 0.0 <= self.inflation_linked_share <= 1.0:
            raise ValueError(f"{self.name}: inflation_linked_share must be in [0, 1]")
        if self.tranches:
            linked = sum(t.share for t in self.tranches if t.linked)
            total = sum(t.share for t in self.tranches)
            if not (np.isclose(total, 1.0) and np.isclose(linked, self.inflation_linked_share)):
                raise ValueError(f"{self.name}: tranche shares must sum to 1 and link the share")
        if self.mortality_multiplier <= 0 or self.horizon_years < 1 or not self.groups:
            raise ValueError(f"{self.name}: need mortality_multiplier > 0, horizon >= 1, groups")

    @property
    def csv_path(self) -> Path:
        """Where ``main`` writes this book's cash flows."""
        return DATA / f"{self.name}_cashflows.csv"

    @property
    def members_path(self) -> Path:
        """Where ``main`` writes this book's membership."""
        return DATA / f"{self.name}_members.csv"

    @property
    def basis_path(self) -> Path:
        """Where ``main`` writes this book's basis file."""
        return DATA / f"{self.name}_basis.yaml"

    @property
    def table_path(self) -> Path:
        """The mortality table of this book's basis (``mortality`` at its multiplier)."""
        multiplier = self.mortality_multiplier
        suffix = "" if multiplier == 1 else f"_{round(multiplier * 100)}"
        return DATA / f"gompertz_s2pa{suffix}.csv"

    @property
    def tranche_names(self) -> tuple[str, ...]:
        """The membership's pension columns' tranches (``LEVEL`` for a book without them)."""
        return tuple(t.name for t in self.tranches) or (LEVEL,)


def mortality(age: np.ndarray, multiplier: float = 1.0) -> np.ndarray:
    """One-year death probability q_x at ``age`` (years), scaled by ``multiplier``, capped at 1."""
    gompertz = GOMPERTZ_Q65 * np.exp(GOMPERTZ_SLOPE * (age - GOMPERTZ_FROM_AGE))
    q = np.where(age >= GOMPERTZ_FROM_AGE, gompertz, Q_BEFORE_GOMPERTZ)
    return np.minimum(multiplier * q, 1.0)


def expected_payments(group: MemberGroup, recipe: Recipe) -> np.ndarray:
    """Expected payments at t = 1..horizon of one group of ``recipe``, today's money per year."""
    ages, weights = group.ages, group.weights
    pensions = group.total_pension * weights / weights.sum()
    age_at_start = ages[:, None] + np.arange(recipe.horizon_years)[None, :]  # in year t
    q = mortality(age_at_start, recipe.mortality_multiplier)
    survival = np.cumprod(1.0 - q, axis=1)  # alive at the end of year t
    return pensions @ (survival * (age_at_start >= group.paid_from_age))


def project(recipe: Recipe) -> pd.DataFrame:
    """Cash flows of ``recipe``: columns ``COLUMNS``, rows by time then status (then tranche).

    Amounts are rounded to 2 decimals; ``fixed`` is nominal and ``inflation_linked`` real, in
    today's money (the index ratio grows it to nominal). Rows whose rounded payments are both
    zero are dropped.
    """
    years = np.arange(1, recipe.horizon_years + 1, dtype=float)
    real: dict[Status, np.ndarray] = {}
    for group in recipe.groups:
        flows = expected_payments(group, recipe)
        real[group.status] = real.get(group.status, 0.0) + flows
    share = recipe.inflation_linked_share
    parts = [(None, 1.0 - share, share)]
    if recipe.tranches:
        parts = [
            (t.name, 0.0 if t.linked else t.share, t.share * t.linked) for t in recipe.tranches
        ]
    frames = [
        pd.DataFrame(
            {
                "time": years,
                "status": status.value,
                **({"tranche": tranche} if tranche else {}),
                "fixed": np.round(fixed * amounts, 2),
                "inflation_linked": np.round(linked * amounts, 2),
            }
        )
        for status, amounts in real.items()
        for tranche, fixed, linked in parts
    ]
    flows = pd.concat(frames, ignore_index=True)
    flows = flows[(flows["fixed"] != 0) | (flows["inflation_linked"] != 0)]
    return flows.sort_values("time", kind="stable").reset_index(drop=True)


def membership(recipe: Recipe) -> pd.DataFrame:
    """A seeded membership whose pensions add up to each group's, age by age and tranche.

    Each group's pension at an age (``expected_payments``'s weights) is shared among about
    ``members`` x the age's weight members of random sex by a Dirichlet draw; each tranche's
    part of it is dealt out by those shares. The pensions keep every digit, so the members'
    pensions at an age add up to the group's there, to rounding (1e-16 relative).
    Members are of whole ages, so the projection's rates and payments are the recipe's.
    """
    if not recipe.tranches and recipe.inflation_linked_share:
        raise ValueError(f"{recipe.name}: a linked share needs tranches to carry it")
    rng = np.random.default_rng(recipe.seed)
    shares = {t.name: t.share for t in recipe.tranches} or {LEVEL: 1.0}
    parts = []
    for group in recipe.groups:
        weights = group.weights
        weights = weights / weights.sum()
        counts = np.maximum(np.round(group.members * weights).astype(int), 1)
        pensions = np.zeros((counts.sum(), len(shares)))
        first = 0
        for weight, count in zip(weights, counts, strict=True):
            dealt = rng.dirichlet(np.full(count, SHARE_CONCENTRATION))
            for k, share in enumerate(shares.values()):
                pensions[first : first + count, k] = group.total_pension * weight * share * dealt
            first += count
        waiting = group.status is not Status.PENSIONER
        parts.append(
            pd.DataFrame(
                {
                    "status": group.status.value,
                    "sex": rng.choice(["M", "F"], size=counts.sum()),
                    "age": np.repeat(group.ages.astype(int), counts),
                    "retirement_age": group.paid_from_age if waiting else np.nan,
                    "spouse_proportion": recipe.spouse_proportion,
                    **{f"pension:{name}": pensions[:, k] for k, name in enumerate(shares)},
                }
            )
        )
    members = pd.concat(parts, ignore_index=True)
    ids = [f"{recipe.name[:2].upper()}{i + 1:06d}" for i in range(len(members))]
    return members.assign(id=ids)[["id", *members.columns]]


def table(recipe: Recipe) -> pd.DataFrame:
    """The recipe's mortality at whole ages ``TABLE_AGES``: columns age, q."""
    ages = np.arange(TABLE_AGES[0], TABLE_AGES[1] + 1)
    return pd.DataFrame(
        {"age": ages, "q": mortality(ages.astype(float), recipe.mortality_multiplier)}
    )


def basis(recipe: Recipe) -> dict[str, object]:
    """The recipe's basis file: one table for both sexes, no improvements, nobody married."""
    year = int(recipe.valuation_date[:4])
    table = {"table": recipe.table_path.name, "base_year": year}
    fixed = [t.name for t in recipe.tranches if not t.linked] or [LEVEL]
    return {
        "valuation_date": recipe.valuation_date,
        "mortality": {"male": dict(table), "female": dict(table)},
        "proportion_married": 0.0,
        "fixed": fixed,
        "years": recipe.horizon_years,
    }


def rebuild(recipe: Recipe) -> pd.DataFrame:
    """The cash flows of ``recipe``'s membership and basis files, as ``project`` lays them out.

    The files are projected as ``ldi liabilities project`` projects them; the rows are summed
    over deferment (the tables index deferred pensions from today) and rounded to cents.
    """
    scheme = membership_files(recipe.members_path, recipe.basis_path)
    rows = projected(scheme, recipe.basis_path.name)
    keys = ["time", "status", *(["tranche"] if recipe.tranches else [])]
    flows = rows.groupby(keys, as_index=False)[["fixed", "inflation_linked"]].sum()
    statuses = [g.status.value for g in recipe.groups]
    order = {"status": pd.Categorical(flows["status"], categories=dict.fromkeys(statuses))}
    if recipe.tranches:
        order["tranche"] = pd.Categorical(flows["tranche"], categories=recipe.tranche_names)
    flows = flows.assign(**{f"_{k}": v for k, v in order.items()})
    flows = flows.sort_values(["time", *(f"_{k}" for k in order)]).drop(
        columns=[f"_{k}" for k in order]
    )
    flows[["fixed", "inflation_linked"]] = flows[["fixed", "inflation_linked"]].round(2)
    flows = flows[(flows["fixed"] != 0) | (flows["inflation_linked"] != 0)]
    return flows[TRANCHE_COLUMNS if recipe.tranches else COLUMNS].reset_index(drop=True)


# Rates in percent: zero rates of the curves (annual for gilts and €STR), RPI breakevens.
GILT_TENORS = [1, 2, 3, 5, 7, 10, 15, 20, 25, 30, 40, 50]
GILT_PCT = [3.85, 3.78, 3.82, 3.95, 4.15, 4.48, 4.95, 5.25, 5.30, 5.25, 5.05, 4.80]
RPI_PCT = [3.30, 3.15, 3.10, 3.15, 3.20, 3.30, 3.40, 3.45, 3.40, 3.35, 3.25, 3.15]
US_AA_TENORS = [0.5, 1, 2, 3, 5, 7, 10, 15, 20, 30, 50]
US_AA_PCT = [4.40, 4.45, 4.52, 4.62, 4.85, 5.05, 5.30, 5.52, 5.62, 5.60, 5.45]
GILTS = ldi.ZeroCurve(GILT_TENORS, np.array(GILT_PCT) / 100, compounding="annual")
RPI = ldi.BreakevenCurve(GILT_TENORS, np.array(RPI_PCT) / 100)
US_AA = ldi.ZeroCurve(US_AA_TENORS, np.array(US_AA_PCT) / 100, compounding="semiannual")
ESTR_TENORS = [1, 2, 3, 5, 7, 10, 12, 15, 20, 25, 30, 40, 50]
ESTR_PCT = [1.95, 2.02, 2.08, 2.24, 2.40, 2.60, 2.70, 2.80, 2.88, 2.87, 2.82, 2.68, 2.52]
ESTR = ldi.ZeroCurve(ESTR_TENORS, np.array(ESTR_PCT) / 100, compounding="annual")
SIZING_CURVES: dict[str, tuple[ldi.ZeroCurve, ldi.BreakevenCurve | None]] = {
    "gilts+50bp": (GILTS.shifted(50), RPI),
    "us_aa": (US_AA, None),
    "gilts+100bp": (GILTS.shifted(100), RPI),
    "estr": (ESTR, None),
}
"""Illustrative curves each book is sized against: (discount curve, breakeven curve)."""


def measure(recipe: Recipe, flows: pd.DataFrame | None = None) -> dict[str, float]:
    """PV (currency), effective duration (years) and linked share of PV (decimal).

    Values ``flows`` (default: ``project(recipe)``) on ``SIZING_CURVES[recipe.sizing]``.
    """
    flows = project(recipe) if flows is None else flows
    curve, breakeven = SIZING_CURVES[recipe.sizing]
    t, linked = flows["time"].to_numpy(), flows["inflation_linked"].to_numpy()
    cf = ldi.Cashflows(t, flows["fixed"].to_numpy(), linked)
    pv = ldi.pv(cf, curve, breakeven)
    linked_pv = ldi.pv(ldi.Cashflows(t, np.zeros_like(linked), linked), curve, breakeven)
    duration = ldi.duration(cf, curve, breakeven)
    return {"pv": pv, "duration": duration, "linked_share": linked_pv / pv}


DOMAIN_FACTS = Recipe(
    name="domain_facts",
    currency="GBP",
    groups=(
        MemberGroup(Status.PENSIONER, 30e6, 66, 99, centre_age=74.0),
        MemberGroup(Status.DEFERRED, 40e6, 30, 64, centre_age=54.0, paid_from_age=65.0),
    ),
    inflation_linked_share=0.75,
    sizing="gilts+50bp",
)
"""The published recipe ("Representative UK DB cash-flow profile"); no CSV."""

UK_DB_SCHEME = Recipe(
    name="uk_db_scheme",
    currency="GBP",
    groups=(
        MemberGroup(Status.PENSIONER, 50e6, 66, 99, centre_age=74.0, members=2_000),
        MemberGroup(
            Status.DEFERRED, 130e6, 30, 64, centre_age=50.0, paid_from_age=65.0, members=4_000
        ),
    ),
    inflation_linked_share=0.60,
    seed=1,
    sizing="gilts+50bp",
    tranches=(
        Tranche("pre_1997", 0.40, linked=False),
        Tranche("rpi_lpi_5", 0.35, linked=True),
        Tranche("cpi_2_5", 0.25, linked=True),
    ),
)
"""Closed UK DB scheme, pensioners and deferreds, in three tranches, mostly inflation-linked."""

US_CORPORATE_PLAN = Recipe(
    name="us_corporate_plan",
    currency="USD",
    groups=(
        MemberGroup(Status.PENSIONER, 80e6, 66, 95, centre_age=73.0, width=6.0, members=3_000),
        MemberGroup(
            Status.DEFERRED, 105e6, 35, 64, centre_age=52.0, paid_from_age=65.0, members=4_000
        ),
    ),
    inflation_linked_share=0.0,
    sizing="us_aa",
    valuation_date="2024-12-31",
    seed=2,
)
"""Closed, frozen US corporate plan without COLA: every payment fixed nominal."""

INSURER_ANNUITY_BOOK = Recipe(
    name="insurer_annuity_book",
    currency="GBP",
    groups=(MemberGroup(Status.PENSIONER, 92e6, 60, 95, centre_age=72.0, members=5_000),),
    inflation_linked_share=0.0,
    mortality_multiplier=0.85,
    sizing="gilts+100bp",
    seed=3,
)
"""UK insurer's bulk-annuity book of level annuities in payment, insured-life mortality."""

NL_PENSION_FUND = Recipe(
    name="nl_pension_fund",
    currency="EUR",
    groups=(
        MemberGroup(Status.PENSIONER, 300e6, 66, 100, centre_age=75.0, members=3_000),
        MemberGroup(
            Status.DEFERRED,
            250e6,
            28,
            67,
            centre_age=52.0,
            width=9.0,
            paid_from_age=68.0,
            members=4_000,
        ),
        MemberGroup(
            Status.ACTIVE,
            750e6,
            25,
            67,
            centre_age=46.0,
            width=9.0,
            paid_from_age=68.0,
            members=5_000,
        ),
    ),
    inflation_linked_share=0.0,
    mortality_multiplier=0.85,
    sizing="estr",
    spouse_proportion=0.7,
    seed=4,
)
"""Dutch fund open to accrual (accrued benefits only), nominal promise: every payment fixed."""

RECIPES = (UK_DB_SCHEME, US_CORPORATE_PLAN, INSURER_ANNUITY_BOOK, NL_PENSION_FUND)
"""The books ``main`` writes, one CSV each."""


def main() -> None:
    """Write every recipe's membership, table and basis, then the cash flows projected from them.

    Prints what each book measures on its sizing curves.
    """
    for recipe in RECIPES:
        membership(recipe).to_csv(recipe.members_path, index=False)
        table(recipe).to_csv(recipe.table_path, index=False)
        text = f"# {recipe.name}: the recipe's basis (problems/generate_liabilities.py)\n"
        recipe.basis_path.write_text(text + yaml.safe_dump(basis(recipe), sort_keys=False))
        flows = rebuild(recipe)
        flows.to_csv(recipe.csv_path, index=False)
        m = measure(recipe, flows)
        print(
            f"wrote {recipe.csv_path.name}: PV {m['pv'] / 1e6:,.1f}m {recipe.currency}, "
            f"duration {m['duration']:.2f}y, linked share {m['linked_share']:.1%}"
        )


if __name__ == "__main__":
    main()
