"""Collateral: what each position can pledge after haircuts, and what it must post.

Every position is classified into a collateral class (cash, money-market funds, government
bonds, corporate bonds, equity, illiquid) with a haircut from the class's schedule by
residual maturity (``ldi.instruments.conventions.HAIRCUTS``) and the days it takes to turn
it into eligible collateral. Only positions that can be eligible within the window
(``within_days``) count: by default cash, money-market funds and government bonds; credit
and growth assets only when the problem gives their days.

Under a move, per unit of position (money):

- available = (1 − h_i) x V_i(move) for an eligible physical asset (V the value per unit),
  h_i = min(1, s h_i⁰) with s the move's ``haircut_scale`` (haircuts widen in a stress);
- a swap posts variation margin −(V_i(move) − V_i(today)) (negative: it receives);
- repo k against bond c, borrowing at haircut h_k, must top up the collateral's fall:
  −r_c / (1 − h_k) per unit borrowed (r_c the bond's return), and the bonds already
  pledged, (1 + r_c) / (1 − h_k) of value, are not available: −(1 − h_c)(1 + r_c)/(1 − h_k);
  a repo whose term ends within the window is rolled at the stressed haircut
  h_k' = min(1, s h_k): it must pledge 1/(1 − h_k') − (1 + r_c)/(1 − h_k) more (the
  repo maturity ladder), or, when no lender takes the bond (h_k' = 1), repay 1 in cash
  (a cash call, like the swaps' variation margin) and take its bond back;
- initial margin, when set, is a fraction of each overlay's gross notional, plus (with
  ``initial_margin_shock_bp``) its value change in a move of that size, times the move's
  ``margin_scale`` (initial margin rises with volatility).

The policy's ``stressed`` terms are a floor for every state tested: each move's haircut
and margin scales are at least the policy's.

So the headroom Σ (available − need) x − m Σ im |x| is linear in the positions given the
moves' full revaluations, less a convex initial-margin term: an optimizer can hold it ≥ 0.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from ldi.instruments import Instrument, Role
from ldi.instruments.conventions import HAIRCUTS
from ldi.scenarios.scenario import Move, check_scale
from ldi.typing import BoolArray, FloatArray, IntArray, ObjectArray
from ldi.units import DAYS_PER_YEAR

CASH_POOLS = ("cash", "money_market")  # what pays variation margin without a trade
MARGIN_POOLS = (*CASH_POOLS, "government")  # and what same-day repo turns into cash
CACHED_BATCHES = 16  # coefficient batches kept per model (a solve needs one per term)
RECAPITALISATION_DAYS = 5.0  # TPR: buffers count what can be collateral within 5 days
CALENDAR_DAYS_PER_BUSINESS_DAY = 7.0 / 5.0  # a window in business days, in calendar days


class AssetClass(StrEnum):
    """Collateral classes, in the order a collateral waterfall uses them."""

    CASH = "cash"
    MONEY_MARKET = "money_market"  # a money-market fund: redeemed into cash the same day
    GOVERNMENT = "government"
    CORPORATE = "corporate"
    EQUITY = "equity"
    ILLIQUID = "illiquid"


DEFAULT_DAYS: Mapping[AssetClass, float | None] = MappingProxyType(
    {
        AssetClass.CASH: 0.0,
        AssetClass.MONEY_MARKET: 0.0,  # same-day redemption
        AssetClass.GOVERNMENT: 0.0,  # gilts are eligible as they are
        # Credit and growth assets count only when a problem says in how many days (e.g.
        # credit repo or a sale and its settlement, about 2 days; equities sold T+2 and the
        # cash passed on, about 3): they sit with other managers, under other mandates.
        AssetClass.CORPORATE: None,
        AssetClass.EQUITY: None,
        AssetClass.ILLIQUID: None,  # never: property, private markets (gated in 2022)
    }
)
"""Days to turn each class into eligible collateral (None: never, unless a problem says)."""

Schedule = tuple[tuple[float, float], ...]
NEVER: Schedule = ((np.inf, 1.0),)  # a class without a schedule (illiquid) counts nothing


@dataclass(frozen=True)
class InstrumentCollateral:
    """Overrides for one instrument: its class, haircut, days and initial margin."""

    asset_class: AssetClass | None = None
    haircut: float | None = None
    days: float | None = None
    initial_margin: float | None = None


@dataclass(frozen=True)
class StressedTerms:
    """The least haircut and initial-margin scales of every state the collateral is tested in.

    Haircuts are min(1, s h⁰) and initial margins m·im in a state whose own scales are
    below these (``Move.haircut_scale``, ``Move.margin_scale``); 1 keeps today's terms.
    """

    haircut_scale: float = 1.0
    margin_scale: float = 1.0

    def __post_init__(self) -> None:
        check_scale("haircut_scale", self.haircut_scale)
        check_scale("margin_scale", self.margin_scale)

    def scales(self, moves: Sequence[Move]) -> tuple[FloatArray, FloatArray]:
        """(haircut, margin) scales of each move, each at least this floor: two (moves,)."""
        haircut = np.array([max(m.haircut_scale, self.haircut_scale) for m in moves])
        margin = np.array([max(m.margin_scale, self.margin_scale) for m in moves])
        return haircut, margin


@dataclass(frozen=True)
class CollateralPolicy:
    """Haircut schedules and days by class, initial margin by overlay kind, overrides by id.

    ``within_days`` is the window that counts (default 5 business days, the recapitalisation
    time TPR guidance names); ``mandate`` lists the ids of the leveraged LDI mandate whose
    NAV "basis points to zero NAV" follows (default: government bonds, overlays, repo and
    cash). ``initial_margin`` is a fraction of gross notional by overlay kind; with
    ``initial_margin_shock_bp`` each overlay also posts the larger value change per unit
    notional of a parallel nominal or breakeven move of that size up or down (a stand-in
    for a clearing house's margin model). With ``cash_variation_margin`` (cleared swaps, the
    default) swaps' variation margin is paid in cash: from cash, money-market funds and
    same-day repo of government bonds, at most ``repo_capacity`` of new repo (money; None:
    no limit). ``stressed``: the least haircut and initial-margin scales of every state tested
    (the plain rises of buffers and resilience, and each scenario step).
    """

    haircuts: Mapping[AssetClass, Schedule] = field(
        default_factory=lambda: MappingProxyType(
            {c: HAIRCUTS[c.value] for c in AssetClass if c.value in HAIRCUTS}
        )
    )
    days: Mapping[AssetClass, float | None] = field(default_factory=lambda: DEFAULT_DAYS)
    initial_margin: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    instruments: Mapping[str, InstrumentCollateral] = field(
        default_factory=lambda: MappingProxyType({})
    )
    within_days: float = RECAPITALISATION_DAYS
    mandate: tuple[str, ...] | None = None
    initial_margin_shock_bp: float | None = None
    cash_variation_margin: bool = True
    repo_capacity: float | None = None
    stressed: StressedTerms = StressedTerms()


MANDATE_CLASSES = (
    AssetClass.GOVERNMENT.value,
    AssetClass.CASH.value,
    AssetClass.MONEY_MARKET.value,
)
"""Physical assets of these classes are in the mandate unless the policy lists its ids."""


def collateral_table(
    instruments: Sequence[Instrument], policy: CollateralPolicy, age: float = 0.0
) -> pd.DataFrame:
    """Collateral terms per instrument (index id), from the policy and its overrides.

    Columns: role, asset_class ("" for overlays and repo), haircut, days (NaN: never
    eligible), initial_margin (fraction of gross notional), pledge (a repo's collateral id),
    repo_haircut, repo_term (years to the repo's end) and mandate (in the leveraged LDI
    mandate). ``age``: years from today, so haircuts by residual maturity and repo terms
    are those of the instruments then (a projection's).
    """
    ids = [i.id for i in instruments]
    types = [type(i) for i in instruments]
    role_of = {t: t.role.value for t in set(types)}
    role = np.array([role_of[t] for t in types], dtype=object)
    kind = np.array([t.kind for t in types], dtype=object)
    physical = role == Role.PHYSICAL.value
    overridden = _overridden(ids, policy.instruments)
    asset_class = _asset_classes(instruments, kind, physical, overridden)
    haircut, days = _eligibility(instruments, asset_class, physical, policy, overridden, age)
    pledge, repo_haircut, repo_term = _repo_terms(instruments, role == Role.FINANCING.value, age)
    if policy.mandate is None:
        mandate = ~physical | np.isin(asset_class, MANDATE_CLASSES)
    else:
        mandate = np.isin(np.array(ids, dtype=object), policy.mandate)
    columns = {
        "role": role,
        "asset_class": asset_class,
        "haircut": haircut,
        "days": days,
        "initial_margin": _initial_margins(kind, role == Role.OVERLAY.value, policy, overridden),
        "pledge": pledge,
        "repo_haircut": repo_haircut,
        "repo_term": repo_term,
        "mandate": np.asarray(mandate, dtype=bool),
    }
    return pd.DataFrame(columns, index=pd.Index(ids, name="id"))


Overridden = list[tuple[int, InstrumentCollateral]]
"""(row, override) of each instrument the policy overrides."""


def _overridden(ids: Sequence[str], overrides: Mapping[str, InstrumentCollateral]) -> Overridden:
    """The rows of ``ids`` that ``overrides`` names, each with its override."""
    return [(row, overrides[id_]) for row, id_ in enumerate(ids) if id_ in overrides]


def _given(overridden: Overridden, term: str, among: BoolArray) -> tuple[IntArray, list[Any]]:
    """The rows in ``among`` whose override gives ``term`` (not None), and the values given."""
    pairs = [(r, getattr(o, term)) for r, o in overridden if among[r]]
    pairs = [(r, value) for r, value in pairs if value is not None]
    return np.array([r for r, _ in pairs], dtype=np.intp), [value for _, value in pairs]


def _asset_classes(
    instruments: Sequence[Instrument],
    kind: ObjectArray,
    physical: BoolArray,
    overridden: Overridden,
) -> ObjectArray:
    """Each instrument's class: its override's, else a physical asset's by kind ("": none).

    Cash; growth assets (``return_seeking``): equity; bonds: corporate if credit, else
    government.
    """
    credit = np.array([getattr(i, "credit", False) for i in instruments], dtype=bool)
    classes = np.full(len(instruments), AssetClass.GOVERNMENT.value, dtype=object)
    classes[credit] = AssetClass.CORPORATE.value
    classes[kind == "cash"] = AssetClass.CASH.value
    classes[kind == "return_seeking"] = AssetClass.EQUITY.value
    classes[~physical] = ""
    rows, given = _given(overridden, "asset_class", np.ones(len(instruments), dtype=bool))
    classes[rows] = [c.value for c in given]
    return classes


def _eligibility(
    instruments: Sequence[Instrument],
    asset_class: ObjectArray,
    physical: BoolArray,
    policy: CollateralPolicy,
    overridden: Overridden,
    age: float,
) -> tuple[FloatArray, FloatArray]:
    """(haircut, days) of each physical asset ``age`` years on; NaN for the others.

    Haircut: the override's, else the class's schedule at max(maturity − age, 0) (0 for
    assets without a maturity). Days: the override's, else the class's; NaN when neither
    gives any, and for illiquid assets.
    """
    maturity = np.array([float(getattr(i, "maturity", 0.0)) for i in instruments])
    left = np.maximum(maturity - age, 0.0)
    haircut, days = np.full(len(instruments), np.nan), np.full(len(instruments), np.nan)
    for name in set(asset_class[physical]):
        rows = physical & (asset_class == name)
        haircut[rows] = _scheduled(policy.haircuts.get(AssetClass(name), NEVER), left[rows])
        class_days = policy.days.get(AssetClass(name))
        days[rows] = np.nan if class_days is None else class_days
    for column, term in ((haircut, "haircut"), (days, "days")):
        rows, given = _given(overridden, term, physical)
        column[rows] = given
    days[asset_class == AssetClass.ILLIQUID.value] = np.nan
    return haircut, days


def _scheduled(schedule: Schedule, maturity: FloatArray) -> FloatArray:
    """The haircut of ``schedule`` at each ``maturity``: the first band whose limit is ≥ it.

    ``scheduled`` of ``ldi.instruments.conventions`` at each; the limits ascend.
    """
    limits, cuts = (np.array(column, dtype=float) for column in zip(*schedule, strict=True))
    return cuts[np.searchsorted(limits, maturity, side="left")]


def _initial_margins(
    kind: ObjectArray, overlay: BoolArray, policy: CollateralPolicy, overridden: Overridden
) -> FloatArray:
    """Initial margin per unit of gross notional: an overlay's override, else its kind's; else 0."""
    margin = np.zeros(len(kind))
    margin[overlay] = [policy.initial_margin.get(k, 0.0) for k in kind[overlay]]
    rows, given = _given(overridden, "initial_margin", overlay)
    margin[rows] = given
    return margin


def _repo_terms(
    instruments: Sequence[Instrument], financing: BoolArray, age: float
) -> tuple[ObjectArray, FloatArray, FloatArray]:
    """(pledge, repo_haircut, repo_term) of each repo ``age`` years on; "", NaN for the rest.

    A repo is rolled at its end, then every year (``Repo``): with t = term − age, the
    years to its next end are t if t > 0, else 1 − (−t mod 1).
    """
    repos = [instruments[k] for k in np.flatnonzero(financing)]
    pledge = np.full(len(instruments), "", dtype=object)
    pledge[financing] = [getattr(r, "collateral", "") for r in repos]
    repo_haircut = np.full(len(instruments), np.nan)
    repo_haircut[financing] = [getattr(r, "haircut", np.nan) for r in repos]
    left = np.array([float(r.term) for r in repos]) - age
    repo_term = np.full(len(instruments), np.nan)
    repo_term[financing] = np.where(left > 0, left, 1.0 - np.mod(-left, 1.0))
    return pledge, repo_haircut, repo_term


Values = Callable[[Sequence[Move]], FloatArray]
"""Values per unit of every instrument (instruments x moves) after each move."""


@dataclass(frozen=True, eq=False)
class CollateralModel:
    """Collateral available and needed per unit of position under moves (see module doc).

    ``values`` revalues every instrument under moves (``ldi.scenarios.Revaluation.values``);
    ``base`` holds today's values per unit. Coefficients of the latest batches of moves are
    cached, so compiling, re-solving and reporting a term revalue once.
    """

    table: pd.DataFrame
    values: Values
    base: FloatArray
    within_days: float = RECAPITALISATION_DAYS
    initial_margin_shock_bp: float | None = None
    cash_variation_margin: bool = True
    repo_capacity: float | None = None
    stressed: StressedTerms = StressedTerms()
    _cache: dict[tuple[object, ...], tuple[FloatArray, FloatArray]] = field(
        default_factory=dict, init=False, repr=False
    )

    @property
    def ids(self) -> pd.Index:
        """Instrument ids, the order of every coefficient vector."""
        return self.table.index

    @cached_property
    def initial_margin(self) -> FloatArray:
        """Initial margin per unit of gross notional (0 but for overlays).

        The table's fraction, plus, with ``initial_margin_shock_bp``, the largest value
        change of a ±shock to nominal rates or breakevens.
        """
        margin = self.table["initial_margin"].to_numpy(dtype=float)
        if not self.initial_margin_shock_bp:
            return margin
        size = self.initial_margin_shock_bp
        moves = [
            Move.of(nominal_bp=size),
            Move.of(nominal_bp=-size),
            Move.of(breakeven_bp=size),
            Move.of(breakeven_bp=-size),
        ]
        change = np.abs(self.values(moves) - np.asarray(self.base)[:, None]).max(axis=1)
        overlay = (self.table["role"] == Role.OVERLAY.value).to_numpy()
        return margin + np.where(overlay, change, 0.0)

    def margins(self, moves: Sequence[Move]) -> FloatArray:
        """Initial margin per unit of gross notional in each move's state (moves x n)."""
        scale = self.stressed.scales(moves)[1]
        return scale[:, None] * self.initial_margin[None, :]

    def eligible(self, within_days: float | None = None) -> FloatArray:
        """1.0 for positions that are eligible collateral within ``within_days``."""
        window = self.within_days if within_days is None else within_days
        days = self.table["days"].to_numpy(dtype=float)
        return np.where(np.isfinite(days) & (days <= window), 1.0, 0.0)

    def coefficients(
        self, moves: Sequence[Move], within_days: float | None = None
    ) -> tuple[FloatArray, FloatArray]:
        """(available, need) per unit of position: two (moves x instruments) arrays, money."""
        window = self.within_days if within_days is None else within_days
        key = (window, *(m.key() for m in moves))
        if key not in self._cache:
            if len(self._cache) >= CACHED_BATCHES:  # root-finds ask for many one-off batches
                del self._cache[next(iter(self._cache))]
            self._cache[key] = self._coefficients(moves, window)
        return self._cache[key]

    def _coefficients(
        self, moves: Sequence[Move], within_days: float
    ) -> tuple[FloatArray, FloatArray]:
        table = self.table
        moved = self.values(moves).T  # (moves, n)
        base = np.asarray(self.base, dtype=float)
        eligible = self.eligible(within_days)
        scale = self.stressed.scales(moves)[0][:, None]  # haircuts widen in a stress
        today = np.nan_to_num(table["haircut"].to_numpy(dtype=float), nan=1.0)
        haircut = np.minimum(today * scale, 1.0)  # (moves, n)
        role = table["role"].to_numpy()
        physical = role == Role.PHYSICAL.value
        available = np.where(physical, eligible * (1.0 - haircut), 0.0) * moved
        need = np.where(role == Role.OVERLAY.value, -(moved - base), 0.0)
        returns = np.divide(moved, base, out=np.ones_like(moved), where=base != 0) - 1.0
        repaid, ending = self.repaid_in_cash(moves, within_days), self.ending_within(within_days)
        for k in np.flatnonzero(role == Role.FINANCING.value):
            c = table.index.get_loc(table["pledge"].iloc[k])
            agreed = float(table["repo_haircut"].iloc[k])
            pledged = (1.0 + returns[:, c]) / (1.0 - agreed)  # the bond held, per unit borrowed
            need[:, k] = -returns[:, c] / (1.0 - agreed)
            available[:, k] = -eligible[c] * (1.0 - haircut[:, c]) * pledged
            if ending[k]:  # rolled at the stressed haircut
                rolled = np.minimum(agreed * scale[:, 0], 1.0)
                top_up = 1.0 / (1.0 - np.where(repaid[:, k], 0.0, rolled)) - pledged
                need[:, k] = np.where(repaid[:, k], 1.0, top_up)  # repaid in cash,
                available[:, k] = np.where(repaid[:, k], 0.0, available[:, k])  # bond back
        return available, need

    def ending_within(self, within_days: float | None = None) -> np.ndarray:
        """True for repos whose term (to the next roll) ends within the window."""
        window = self.within_days if within_days is None else within_days
        ends = window * CALENDAR_DAYS_PER_BUSINESS_DAY / DAYS_PER_YEAR  # years
        financing = (self.table["role"] == Role.FINANCING.value).to_numpy()
        return financing & (self.table["repo_term"].to_numpy(dtype=float) <= ends)

    def repaid_in_cash(self, moves: Sequence[Move], within_days: float | None = None) -> np.ndarray:
        """(moves, n) True for repos that end within the window with no lender to roll them.

        No lender: the stressed haircut min(1, s h_k) is 1.
        """
        agreed = self.table["repo_haircut"].to_numpy(dtype=float)
        scale = self.stressed.scales(moves)[0][:, None]
        no_lender = np.nan_to_num(agreed[None, :] * scale, nan=0.0) >= 1.0
        return self.ending_within(within_days)[None, :] & no_lender

    @cached_property
    def pools(self) -> np.ndarray:
        """Each coefficient's collateral pool: its class; a repo's is its bond's.

        Bonds pledged to repo count, negatively, where the bond does.
        """
        return self.table["asset_class"].to_numpy()[self._source_rows]

    def cash_coefficients(
        self, moves: Sequence[Move], within_days: float | None = None
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """(cash, repo, variation margin) per unit of position under each move (money).

        Cash: what cash and money-market funds make available; repo: what eligible
        government bonds would raise in same-day repo (after haircut, net of bonds already
        pledged, plus bonds a repo counterparty returns); variation margin: the swaps' calls
        (negative: received), and the cash that repays a repo (``repaid_in_cash``).
        """
        available, need = self.coefficients(moves, within_days)
        pools = self.pools
        role = self.table["role"].to_numpy()
        cash = np.where(np.isin(pools, CASH_POOLS), available, 0.0)
        repo = np.where(pools == AssetClass.GOVERNMENT.value, available, 0.0)
        # Collateral a repo counterparty returns (its bond rose) comes back to be repo'd.
        returned = (role == Role.FINANCING.value) & (pools == AssetClass.GOVERNMENT.value)
        repo = repo + np.where(returned & (need < 0), -need, 0.0)
        paid = (role == Role.OVERLAY.value) | self.repaid_in_cash(moves, within_days)
        return cash, repo, np.where(paid, need, 0.0)

    def cash_rows(
        self, moves: Sequence[Move], within_days: float | None = None
    ) -> tuple[FloatArray, FloatArray]:
        """The cash headroom as linear rows per unit of position, under each move (money).

        (cash + repo − variation margin, cash − variation margin): with the repo capacity K
        added to the second, their smaller is cash + min(repo, K) − variation margin.
        """
        cash, repo, margin = self.cash_coefficients(moves, within_days)
        return cash + repo - margin, cash - margin

    def cash_can_bind(self, within_days: float | None = None) -> bool:
        """True when paying variation margin in cash can bind beyond the total headroom.

        It cannot when margin may be paid in anything, or when repo is unlimited and only
        cash, money-market funds and government bonds count: then the total implies it.
        """
        if not self.cash_variation_margin:
            return False
        if self.repo_capacity is not None:
            return True
        paying = np.isin(self.pools, MARGIN_POOLS)
        physical = (self.table["role"] == Role.PHYSICAL.value).to_numpy()
        return bool(np.any((self.eligible(within_days) > 0) & physical & ~paying))

    def cash_headroom(
        self, positions: FloatArray, moves: Sequence[Move], within_days: float | None = None
    ) -> FloatArray:
        """Cash for variation margin less the swaps' call after each move (money).

        cash + min(repo capacity, government bonds' repo value) − variation margin; +inf
        when variation margin may be paid in any eligible collateral.
        """
        if not self.cash_variation_margin:
            return np.full(len(moves), np.inf)
        cash, repo, margin = (
            c @ np.asarray(positions, float) for c in self.cash_coefficients(moves, within_days)
        )
        return cash + np.minimum(repo, self._repo_limit) - margin

    def headroom(
        self, positions: FloatArray, moves: Sequence[Move], within_days: float | None = None
    ) -> FloatArray:
        """Collateral left after each move's calls (money), for ``positions``.

        Available − needed over every pool, and no more than the cash left once variation
        margin is paid in cash (``cash_headroom``).
        """
        available, need = self.coefficients(moves, within_days)
        x = np.asarray(positions, dtype=float)
        total = (available - need) @ x - self.margins(moves) @ np.abs(x)
        return np.minimum(total, self.cash_headroom(x, moves, within_days))

    def available(
        self, positions: FloatArray, moves: Sequence[Move], within_days: float | None = None
    ) -> FloatArray:
        """Collateral eligible after each move (money): after haircuts, net of bonds pledged."""
        return self.coefficients(moves, within_days)[0] @ np.asarray(positions, dtype=float)

    def needed(
        self, positions: FloatArray, moves: Sequence[Move], within_days: float | None = None
    ) -> FloatArray:
        """Collateral to post (money) after each move: margin calls plus initial margin."""
        need = self.coefficients(moves, within_days)[1]
        x = np.asarray(positions, dtype=float)
        return need @ x + self.margins(moves) @ np.abs(x)

    def waterfall(
        self, positions: FloatArray, move: Move, within_days: float | None = None
    ) -> pd.DataFrame:
        """Pools used in order (cash, money-market, gilts, corporate, equity) to meet a move.

        With cash variation margin, the swaps' calls come first, from cash, money-market
        funds and same-day repo of government bonds (at most the repo capacity); the other
        calls (repo top-ups, initial margin) from what is left, pool by pool. Index: pool
        (class); columns days, available (after haircut, net of collateral already pledged
        to repo), variation_margin and other (used for each call), used, left (money). A
        ``shortfall`` row appears when the pools cannot meet the calls.
        """
        x = np.asarray(positions, float)
        available = self.coefficients([move], within_days)[0][0] * x
        counted = self.eligible(within_days)[self._source_rows] > 0
        pools = self.pools[counted]
        frame = pd.DataFrame({"pool": pools, "available": available[counted]})
        days = pd.Series(self.table["days"].to_numpy()[self._source_rows][counted])
        order = [c.value for c in AssetClass if c.value in set(pools)]
        sums = frame.groupby("pool")["available"].sum().reindex(order)
        calls = float(self.needed(x, [move], within_days)[0])
        margin = float(self.cash_coefficients([move], within_days)[2][0] @ x)
        margin = max(margin, 0.0) if self.cash_variation_margin else 0.0
        others = calls - margin  # the rest, met from any pool (received margin helps)
        least_days = days.groupby(pools).min()
        rows = {}
        for pool, amount in sums.items():
            room = max(amount, 0.0)
            reach = min(room, self._repo_limit) if pool == AssetClass.GOVERNMENT.value else room
            for_margin = min(reach, margin) if pool in MARGIN_POOLS else 0.0
            other = min(room - for_margin, max(others, 0.0))
            margin, others = margin - for_margin, others - other
            rows[pool] = [least_days.get(pool), amount, for_margin, other]
        result = pd.DataFrame.from_dict(
            rows, orient="index", columns=["days", "available", "variation_margin", "other"]
        ).astype(float)
        result["used"] = result["variation_margin"] + result["other"]
        result["left"] = result["available"] - result["used"]
        others = max(others, 0.0)
        if margin + others > 0:
            short = margin + others
            result.loc["shortfall"] = [np.nan, 0.0, margin, others, short, -short]
        result.index.name = "pool"
        return result

    @property
    def _repo_limit(self) -> float:
        """The most new repo a day raises (inf: no limit)."""
        return np.inf if self.repo_capacity is None else self.repo_capacity

    @cached_property
    def _source_rows(self) -> np.ndarray:
        """Each coefficient's row of its pool's instrument (a repo's: its bond's)."""
        table = self.table
        financing = (table["role"] == Role.FINANCING.value).to_numpy()
        sources = np.where(financing, table["pledge"].to_numpy(), table.index.to_numpy())
        return table.index.get_indexer(sources)


def benefits_due(times: FloatArray, amounts: FloatArray, months: float) -> float:
    """Benefit payments (money) due within the next ``months``: flows at 0 < t ≤ months/12."""
    due = (times > 0) & (times <= months / 12.0)
    return float(np.sum(np.asarray(amounts)[due]))
