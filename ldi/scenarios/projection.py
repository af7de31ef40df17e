"""Funding-ratio projection: the funding ratio year by year over simulated multi-year paths.

Positions and liabilities age by one model of time (``ldi.scenarios.carry``): each year
their cash flows are paid on their dates and carried to the year-end, and what is left is
valued on the path's curves, so a portfolio that matches the benefits stays matched.
Benefits are paid from the assets, and at each year-end the policy is rebalanced:

- ``restrike`` (the default, as LDI managers run a hedge): the hedge book (bonds, swaps,
  repo: every position but growth assets and cash) is rescaled per key-rate bucket so that
  it keeps the policy's key-rate PV01 hedge ratios, and its IE01 hedge ratio, against the
  aged liabilities: the least-squares change of the positions' scales (the smallest one when
  several fit), each scale kept at 0 or more, repo scaled with the bond it is secured on;
- ``hedge``: the hedge book is scaled as one, keeping the policy's PV01 hedge ratio;
- ``constant_mix``: every position keeps its share of the assets (physical assets and repo
  by value, overlays by notional).

Under ``restrike`` and ``hedge`` the assets left over are held in the growth assets and
cash in their proportions today; a fund whose assets cannot pay for the hedge holds what
they pay for. Assets that no position holds (no growth asset or cash in the book, or what a
constant mix leaves) earn the money-market rate. A path whose assets run out holds nothing
from then on. Funding ratio = assets / liabilities, year 0 being today's.
"""

from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cached_property
from typing import Any, Protocol

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from ldi.display import report_of
from ldi.errors import DataError
from ldi.instruments import Role
from ldi.progress import progress_bar
from ldi.scenarios.carry import CarryConvention, Ledger, YearEnd
from ldi.scenarios.external import ScenarioFile
from ldi.scenarios.pnl import FUNDED, ScenarioEngine
from ldi.storage.json_safe import json_safe
from ldi.typing import FloatArray

E_NET_ASSETS = "positions: net assets of {value:,.0f}; expected positive assets to project"
E_LENGTH = "{name}: got {got} values for {want} instruments; expected one per instrument"
YEARS = (1, 50)  # the shortest and longest projection
E_PROJECTION_YEARS = "years: got {{value!r}}; expected a whole number from {} to {}".format(*YEARS)
E_REBALANCE = "rebalance: got {value!r}; expected one of {choices}"
E_REBALANCER = (
    "rebalance: {value!r} with {given}; expected a rebalancer only with resolve, which "
    "re-solves the problem's optimization (ldi.funding_projection makes it)"
)
CARRY_TEXT = {
    CarryConvention.FORWARDS: "onto today's forwards when markets do not move",
    CarryConvention.UNCHANGED: "down today's unchanged curves when markets do not move",
}
PERCENTILES = (5, 25, 50, 75, 95)
FLOORS = (1.0, 0.9)
GROWTH_KINDS = ("return_seeking", "cash")  # outside the hedge book
CHUNK = 1000  # paths projected at a time: a year's per-flow arrays stay a few MB
RESOLVE_CHUNK = 25  # with re-solves, which dominate: small blocks share out evenly
# Re-striking (Policy.key_rate_scales) trades key-rate gaps against the capital and the PV01
# moved off one scale of the hedge book; measured on the default problem's solved policy,
# these halve the bucket gaps of one scale while its hedge costs what one scale's would.
VALUE_WEIGHT = 1.0
SPREAD_WEIGHT = 0.03
NEGLIGIBLE = 1e-6  # a bucket with less than this share of the liabilities' PV01 has no ratio


class Rebalance(StrEnum):
    """How the policy is rebalanced at each year-end (see the module docstring)."""

    RESTRIKE = "restrike"
    HEDGE = "hedge"
    CONSTANT_MIX = "constant_mix"
    RESOLVE = "resolve"


class Rebalancer(Protocol):
    """A rule given from above: ``resolve`` re-solves the problem's optimization.

    ``rebalance`` returns the units (paths x instruments) held from the year-end ``end`` on,
    worth at most the assets ``held`` (>= 0) of each path; ``fallbacks`` counts the path-years
    where it kept the ``hedge`` rule's units instead (its solve was not optimal).
    """

    fallbacks: int

    def rebalance(self, end: YearEnd, units: FloatArray, held: FloatArray) -> FloatArray:
        """Units after the rebalance at ``end``."""
        ...


RULES = {
    Rebalance.RESTRIKE: "the hedge book is re-struck to the policy's key-rate PV01 and IE01 "
    "hedge ratios against the aged liabilities and the rest of the assets held in growth and "
    "cash",
    Rebalance.HEDGE: "the hedge book is kept at the policy's PV01 hedge ratio and the rest of "
    "the assets held in growth and cash",
    Rebalance.CONSTANT_MIX: "every position is held as a constant share of the assets",
    Rebalance.RESOLVE: "the problem's own optimization is solved again on each path's "
    "markets, positions and liabilities",
}


@dataclass(frozen=True, eq=False)
class FundingProjection:
    """Simulated paths (scenarios x years 0..Y) of assets, liabilities and funding ratio.

    ``benefits`` (scenarios x years 1..Y) are the benefits paid in each year, in money.
    ``scenario_file`` names the external scenarios used, if any (then ``seed`` is moot),
    and ``scenario_model`` describes the built-in model's otherwise;
    ``fallbacks`` counts the path-years a ``resolve`` kept the ``hedge`` rule's positions.
    """

    name: str
    currency: str
    assets: FloatArray
    liabilities: FloatArray
    benefits: FloatArray
    seed: int
    rebalance: Rebalance = Rebalance.RESTRIKE
    carry: CarryConvention = CarryConvention.FORWARDS
    fallbacks: int = 0
    scenario_file: str | None = None
    scenario_model: str = ""

    @property
    def source(self) -> str:
        """Where the paths come from, for reports: ``5,000 paths, seed 0`` or a file."""
        if self.scenario_file is not None:
            return f"{self.count:,} paths from {self.scenario_file}"
        return f"{self.count:,} paths, seed {self.seed}"

    @classmethod
    def joined(cls, parts: "list[FundingProjection]") -> "FundingProjection":
        """The projections of consecutive sets of paths of one draw, as one."""
        first = parts[0]
        return replace(
            first,
            assets=np.vstack([part.assets for part in parts]),
            liabilities=np.vstack([part.liabilities for part in parts]),
            benefits=np.vstack([part.benefits for part in parts]),
            fallbacks=sum(part.fallbacks for part in parts),
        )

    @property
    def years(self) -> int:
        """Years projected Y."""
        return self.assets.shape[1] - 1

    @property
    def count(self) -> int:
        """Paths simulated."""
        return self.assets.shape[0]

    @cached_property
    def funding_ratio(self) -> FloatArray:
        """Assets / liabilities per path and year (NaN once no benefit is left to pay)."""
        due = self.liabilities > 0
        return np.divide(
            self.assets, self.liabilities, out=np.full_like(self.assets, np.nan), where=due
        )

    @cached_property
    def table(self) -> pd.DataFrame:
        """Per year (index 0..Y): funding-ratio mean and percentiles, P(FR < 100% / 90%).

        Over the paths that still owe benefits that year (NaN when none does); a ratio
        within ``FUNDED`` below a floor counts as at the floor (rounding, not a shortfall).
        Also the median assets, liabilities and benefits paid (money).
        """
        columns: dict[str, Any] = {}
        ratios = [year[np.isfinite(year)] for year in self.funding_ratio.T]
        columns["mean"] = [year.mean() if year.size else np.nan for year in ratios]
        for q in PERCENTILES:
            columns[f"p{q}"] = [np.percentile(year, q) if year.size else np.nan for year in ratios]
        for floor in FLOORS:
            columns[f"below_{floor:.0%}".rstrip("%")] = [
                np.mean(year < floor - FUNDED) if year.size else np.nan for year in ratios
            ]
        columns["assets_p50"] = np.median(self.assets, axis=0)
        columns["liabilities_p50"] = np.median(self.liabilities, axis=0)
        columns["benefits_p50"] = np.concatenate([[0.0], np.median(self.benefits, axis=0)])
        return pd.DataFrame(columns, index=pd.RangeIndex(self.years + 1, name="year"))

    def report(self) -> Any:
        """The projection's report (``ldi.reporting.ProjectionReport``): a table, a fan chart."""
        return report_of(self)

    def to_dict(self) -> dict[str, Any]:
        """The table as records with the projection's settings (JSON-safe)."""
        return json_safe(
            {
                "name": self.name,
                "currency": self.currency,
                "scenarios": self.count,
                "seed": None if self.scenario_file else self.seed,
                "scenario_file": self.scenario_file,
                "scenario_model": self.scenario_model or None,
                "rebalance": self.rebalance.value,
                "carry": self.carry.value,
                "fallbacks": self.fallbacks,
                "years": self.table.reset_index().to_dict(orient="records"),
            }
        )


def project_funding(
    engine: ScenarioEngine,
    positions: FloatArray,
    *,
    years: int = 10,
    count: int = 5_000,
    seed: int = 0,
    rebalance: Rebalance | str = Rebalance.RESTRIKE,
    liability_size: float = 1.0,
    name: str = "",
    currency: str = "GBP",
    rebalancer: Rebalancer | None = None,
    paths: tuple[int, int] | None = None,
) -> FundingProjection:
    """Project the funding ratio of ``positions`` (units per instrument, engine order).

    ``liability_size`` scales the engine's liabilities (a rescaled problem's). ``resolve``
    needs its ``rebalancer`` (``ldi.funding_projection`` makes it); ``paths`` = (first,
    stop) projects those paths of the draw only (a share of the work for one worker;
    ``first`` a multiple of ``chunk_size``, so every block of paths is computed as in a
    whole run, to the last bit). See the module docstring for the model.
    """
    whole = isinstance(years, int) and not isinstance(years, bool)
    if not (whole and YEARS[0] <= years <= YEARS[1]):
        raise DataError(E_PROJECTION_YEARS.format(value=years))
    try:
        rule = Rebalance(rebalance)
    except ValueError:
        choices = [r.value for r in Rebalance]
        raise DataError(E_REBALANCE.format(value=rebalance, choices=choices)) from None
    if (rule is Rebalance.RESOLVE) != (rebalancer is not None):
        given = "a rebalancer" if rebalancer is not None else "no rebalancer"
        raise DataError(E_REBALANCER.format(value=rule.value, given=given))
    ledger = engine.ledger
    size = len(ledger.instruments)
    x = _per_instrument(positions, "positions", size)
    start = float(ledger.today[:size] @ x)
    if not start > 0:
        raise DataError(E_NET_ASSETS.format(value=start))
    policy = Policy.of(ledger, x, rule, liability_size, rebalancer)
    annual = engine.model.annual_moves(count, seed, years)
    if paths is not None:
        annual = [move.chunk(*paths) for move in annual]
    count = annual[0].count  # a scenario file's paths are its own, whatever was asked
    projected = [np.empty((count, years + 1)) for _ in range(2)]
    benefits = np.empty((count, years))
    block = chunk_size(rule)
    # Re-solves run their linear algebra on one thread, as every worker they are shared out
    # to does: a BLAS product can round its last bit differently on another thread count.
    threads = 1 if rule is Rebalance.RESOLVE else None
    with (
        threadpool_limits(threads, user_api="blas"),
        progress_bar(count * years, "projected path-years") as bar,
    ):
        for first in range(0, count, block):
            last = min(first + block, count)
            chunk = [move.chunk(first, last) for move in annual]
            parts = policy.run(chunk, bar)
            for whole_part, part in zip([*projected, benefits], parts, strict=True):
                whole_part[first:last] = part
    assets, liabilities = projected
    fallbacks = 0 if rebalancer is None else rebalancer.fallbacks
    model = engine.model
    source = model.path.name if isinstance(model, ScenarioFile) else None
    description = getattr(model, "description", "") if source is None else ""
    return FundingProjection(
        name,
        currency,
        assets,
        liabilities,
        benefits,
        seed,
        rule,
        ledger.convention,
        fallbacks,
        source,
        description,
    )


def chunk_size(rule: Rebalance | str) -> int:
    """Paths projected together under ``rule`` (a run's blocks, wherever they run)."""
    return RESOLVE_CHUNK if Rebalance(rule) is Rebalance.RESOLVE else CHUNK


@dataclass(frozen=True, eq=False)
class Policy:
    """A rebalancing rule applied to positions ``x`` (units), with what it keeps constant.

    ``hedge`` marks the hedge book; ``shares`` the rest's value shares today; ``ratios``
    the policy's key-rate PV01 hedge ratios (the total ratio in buckets the liabilities do
    not reach), ``pv01_ratio`` and ``ie01_ratio`` its total ratios; ``tie`` maps each row
    to the row whose scale it follows (repo to its collateral, others to themselves).
    """

    ledger: Ledger
    x: FloatArray
    rule: Rebalance
    size: float
    hedge: FloatArray
    shares: FloatArray
    by_value: FloatArray
    ratios: FloatArray
    pv01_ratio: float
    ie01_ratio: float
    tie: FloatArray
    rebalancer: Rebalancer | None = None

    @classmethod
    def of(
        cls,
        ledger: Ledger,
        x: FloatArray,
        rule: Rebalance,
        size: float,
        rebalancer: Rebalancer | None = None,
    ) -> "Policy":
        """The policy of positions ``x`` today (see the class docstring)."""
        instruments = ledger.instruments
        n = len(instruments)
        today = ledger.today[:n]
        key_pv01, ie01 = ledger.today_risk
        hedge = np.array([type(i).kind not in GROWTH_KINDS for i in instruments])
        rest = np.where(hedge, 0.0, x * today)
        shares = rest / rest.sum() if rest.sum() > 0 else np.zeros(n)
        by_value = np.array([type(i).role is not Role.OVERLAY for i in instruments])
        assets_keys = np.where(hedge, x, 0.0) @ key_pv01[:n]
        liability_keys = key_pv01[n]
        total = float(liability_keys.sum())
        pv01_ratio = float(assets_keys.sum()) / total if total > 0 else 0.0
        reached = np.abs(liability_keys) > NEGLIGIBLE * np.abs(liability_keys).sum()
        ratios = np.where(reached, assets_keys / np.where(reached, liability_keys, 1.0), pv01_ratio)
        inflation = float(ie01[n])
        ie01_ratio = float(np.where(hedge, x, 0.0) @ ie01[:n]) / inflation if inflation else 0.0
        ids = [i.id for i in instruments]
        tie = np.arange(n)
        for row, instrument in enumerate(instruments):
            collateral = getattr(instrument, "collateral", None)
            if type(instrument).role is Role.FINANCING and collateral in ids:
                tie[row] = ids.index(collateral)
        fixed = rule in (Rebalance.RESTRIKE, Rebalance.HEDGE)
        if fixed and not (pv01_ratio > 0 and hedge.any()):
            rule = Rebalance.CONSTANT_MIX  # no hedge to keep: hold the mix
        return cls(
            ledger,
            x,
            rule,
            size,
            hedge,
            shares,
            by_value,
            ratios,
            pv01_ratio,
            ie01_ratio,
            tie,
            rebalancer,
        )

    def run(self, annual: list, bar: Any) -> tuple[FloatArray, ...]:
        """(assets, liabilities (paths x years 0..Y), benefits (paths x years 1..Y))."""
        ledger, x, n = self.ledger, self.x, self.x.size
        count, years = annual[0].count, len(annual)
        assets = np.empty((count, years + 1))
        liabilities = np.empty((count, years + 1))
        benefits = np.empty((count, years))
        assets[:, 0] = ledger.today[:n] @ x
        liabilities[:, 0] = ledger.today[n] * self.size
        units = np.tile(x, (count, 1))
        spare = np.zeros(count)  # assets held outside the positions, at the money-market rate
        # Every rule but the constant mix reads the year-end's key-rate PV01s (``resolve`` for
        # its fallback, the ``hedge`` rule), and re-striking its IE01 too.
        risk = self.rule is not Rebalance.CONSTANT_MIX
        inflation = self.rule is Rebalance.RESTRIKE
        for end in ledger.walk(annual, risk=risk, ie01=inflation):
            y = end.year
            paid = (end.money[:, n] - end.value[:, n]) * self.size
            solvent = assets[:, y - 1] > 0
            grown = np.einsum("si,si->s", units, end.money[:, :n]) + spare * end.short
            assets[:, y] = np.where(solvent, grown, assets[:, y - 1]) - paid
            liabilities[:, y] = end.value[:, n] * self.size
            benefits[:, y - 1] = paid
            held = np.clip(assets[:, y], 0.0, None)
            if self.rebalancer is None:
                units, spare = self.rebalance(end, units, held)
            else:
                units = self.rebalancer.rebalance(end, units, held)
                spare = held - np.einsum("si,si->s", units, end.value[:, :n])
            bar.update(count)
        return assets, liabilities, benefits

    def rebalance(
        self, end: YearEnd, units: FloatArray, held: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        """Units and spare assets after the year-end rebalance of assets ``held`` (>= 0)."""
        n = self.x.size
        value = end.value[:, :n]
        if self.rule is Rebalance.CONSTANT_MIX:
            kept = self._constant_mix(value, held)
        else:
            scale = (
                self.key_rate_scales(end)
                if self.rule is Rebalance.RESTRIKE
                else self.one_scale(end)
            )
            kept = np.where(self.hedge, self.x * scale, 0.0)
            worth = np.einsum("si,si->s", kept, value)
            over = (worth > held) & (worth > 0)
            kept = np.where(
                over[:, None], kept * (held / np.where(over, worth, 1.0))[:, None], kept
            )
        rest = held - np.einsum("si,si->s", kept, value)
        alive = value > 0
        weights = np.where(alive, self.shares, 0.0)
        total = weights.sum(axis=1)
        spread = np.where(
            total[:, None] > 0, weights / np.where(total > 0, total, 1.0)[:, None], 0.0
        )
        rest_units = rest[:, None] * spread / np.where(alive, value, 1.0)
        spare = np.where(total > 0, 0.0, rest)
        units = np.where(held[:, None] > 0, kept + rest_units, 0.0)
        return units, np.where(held > 0, spare, 0.0)

    def _constant_mix(self, value: FloatArray, held: FloatArray) -> FloatArray:
        """Each position at its share of the assets: by value, or by notional (overlays)."""
        today = self.ledger.today[: self.x.size]
        growth = held / float(today @ self.x)
        same = value * today > 0
        by_value = self.x * today / np.where(same, value, 1.0)
        scaled = np.where(self.by_value, np.where(same, by_value, 0.0), self.x)
        return scaled * growth[:, None]

    def one_scale(self, end: YearEnd) -> FloatArray:
        """The hedge book's one scale per path: its PV01 at the policy's ratio (paths, 1).

        k = h PV01_L / Σ_hedge x_j PV01_j, the positions ``x`` of today aged to the year-end.
        """
        n = self.x.size
        per_unit = end.key_pv01[:, :n].sum(axis=2)
        assets = per_unit @ np.where(self.hedge, self.x, 0.0)
        target = self.pv01_ratio * end.key_pv01[:, n].sum(axis=1) * self.size
        scale = np.where(assets > 0, target / np.where(assets > 0, assets, 1.0), 1.0)
        return scale[:, None]

    def key_rate_scales(self, end: YearEnd) -> FloatArray:
        """Per path and position, the scales s of ``x`` that re-strike the hedge (paths, n).

        s = k + δ, k the one scale of the ``hedge`` rule, and δ minimises
        Σ_r (g_r − (G δ)_r)² + VALUE_WEIGHT (v·δ)² + SPREAD_WEIGHT Σ_j (p_j δ_j)², with G's
        columns each position's key-rate PV01s over the liabilities' PV01 (and IE01 over the
        liabilities' IE01), g the gaps of k x to the policy's ratios, v each position's
        value over the liabilities' (the capital δ moves) and p_j the risk it moves, the
        sum of its column's absolute entries (key-rate PV01s and IE01 as shares): the
        hedge is kept per bucket with the capital of one scale, overlays and repo doing what
        bonds would need money for, moving as little risk away from one scale as the gaps
        allow (offsetting overlays cannot grow without bound). A repo's column joins its
        collateral's; scales stay >= 0. A matched book has no gaps and keeps its positions.
        """
        n = self.x.size
        key_pv01, ie01 = self.ledger.today_risk
        pv01_unit = abs(float(key_pv01[n].sum())) * self.size
        held = np.where(self.hedge, self.x, 0.0)
        columns = held[None, None, :] * np.transpose(end.key_pv01[:, :n], (0, 2, 1)) / pv01_unit
        target = self.ratios[None, :] * end.key_pv01[:, n] * self.size / pv01_unit
        ie01_unit = abs(float(ie01[n])) * self.size
        if ie01_unit > 0:
            inflation = held[None, :] * end.ie01[:, :n] / ie01_unit
            columns = np.concatenate([columns, inflation[:, None, :]], axis=1)
            aim = self.ie01_ratio * end.ie01[:, n] * self.size / ie01_unit
            target = np.concatenate([target, aim[:, None]], axis=1)
        one = self.one_scale(end)
        gap = target - one * columns.sum(axis=2)
        heads = np.flatnonzero(self.hedge & (self.tie == np.arange(n)))
        tied = (self.tie[:, None] == heads[None, :]).astype(float)  # (n, heads)
        grouped = columns @ tied  # (paths, rows, heads): a repo's column joins its bond's
        spread = np.abs(grouped).sum(axis=1)  # PV01 and IE01 a unit of scale moves
        value_unit = abs(float(self.ledger.today[n])) * self.size
        capital = (held[None, :] * end.value[:, :n] / value_unit) @ tied  # (paths, heads)
        normal = np.matmul(np.transpose(grouped, (0, 2, 1)), grouped)
        normal += VALUE_WEIGHT * capital[:, :, None] * capital[:, None, :]
        normal += np.eye(heads.size)[None] * (
            SPREAD_WEIGHT * spread[:, :, None] ** 2 + np.finfo(float).tiny
        )
        right = np.matmul(gap[:, None, :], grouped)[:, 0, :]
        change = nonnegative_solve(normal, right, -one[:, 0])
        return np.clip(one + change @ tied.T, 0.0, None)


def nonnegative_solve(normal: FloatArray, right: FloatArray, low: FloatArray) -> FloatArray:
    """δ solving normal δ = right per path, with δ_j >= low (paths,) by an active set.

    Variables that would go below ``low`` are held there and the rest solved again, until
    none does (at most one round per variable): selling what is not held is not re-striking.
    """
    count, size = right.shape
    fixed = np.zeros((count, size), dtype=bool)
    change = np.linalg.solve(normal, right[..., None])[..., 0]
    again = np.flatnonzero((change < low[:, None] - 1e-12).any(axis=1))
    for _ in range(size):
        if not again.size:
            break
        fixed[again] |= change[again] < low[again, None] - 1e-12
        held = np.where(fixed[again], low[again, None], 0.0)
        free = ~fixed[again]
        system = np.where(free[:, :, None] & free[:, None, :], normal[again], 0.0)
        system += np.where(fixed[again], 1.0, 0.0)[:, :, None] * np.eye(size)[None]
        pushed = np.matmul(normal[again], held[..., None])[..., 0]
        rhs = np.where(free, right[again] - pushed, held)
        change[again] = np.linalg.solve(system, rhs[..., None])[..., 0]
        again = again[(change[again] < low[again, None] - 1e-12).any(axis=1)]
    return change


def _per_instrument(values: FloatArray, name: str, size: int) -> FloatArray:
    """``values`` as a float vector of one value per instrument."""
    vector = np.asarray(values, dtype=float).ravel()
    if vector.size != size:
        raise DataError(E_LENGTH.format(name=name, got=vector.size, want=size))
    return vector
