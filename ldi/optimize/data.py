"""The exposure tables the optimizer sees: numbers per unit of position, labelled by id.

This is the seam between the domain (curves, instruments, liabilities) and the optimizer:
nothing here knows cvxpy, and nothing in the optimizer knows instrument classes. Money is in
the problem's currency; a unit of position is 1 of market value (physical assets), of
notional (overlays) or of cash borrowed (financing), as ``ldi.instruments.Role`` states.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from types import MappingProxyType

import numpy as np
import pandas as pd

from ldi.curves.spread import DEFAULT_KEYS
from ldi.errors import DataError
from ldi.instruments import Role
from ldi.instruments.base import CATEGORIES
from ldi.instruments.conventions import settlement_days
from ldi.instruments.pricing import money_flows, stacked_money_flows
from ldi.lazy import lazy_module
from ldi.liquidity.collateral import CollateralModel
from ldi.problem import Problem
from ldi.risk.factors import FACTORS, RiskModel
from ldi.risk.sensitivities import inflation_key_rate_column, key_rate_column
from ldi.scenarios import Scenario
from ldi.scenarios.pnl import ScenarioEngine
from ldi.typing import ArrayLike, FloatArray
from ldi.validation import tenor_vector

sparse = lazy_module("scipy.sparse")  # imported at the first matrix built

E_GROUP_NAME = (
    "groups.{name}: the name of an instrument kind or role; expected another name "
    "(kinds and roles are groups already)"
)
E_GROUP_ID = "groups.{name}: unknown instrument id {id!r}; expected one of {ids}"
RISK_COLUMNS = ("pv", "pv01", "ie01", "cs01", "curvature")


@dataclass(frozen=True, eq=False)
class Flows:
    """Projected money flows: ``amounts`` (one row per position, csr) paid at ``times``.

    Inflation-linked flows are projected on the breakeven curve (with their indexation).
    """

    times: FloatArray
    amounts: sparse.csr_array
    _sums: dict[tuple[float, ...], FloatArray] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def bucketed(self, edges: FloatArray) -> FloatArray:
        """Sum of flows in each period (edges[p], edges[p+1]], shape (periods, positions)."""
        key = tuple(np.asarray(edges, dtype=float))
        if key not in self._sums:
            self._sums[key] = self._bucketed(np.asarray(edges, dtype=float))
        return self._sums[key]

    def _bucketed(self, edges: FloatArray) -> FloatArray:
        period = np.searchsorted(edges, self.times, side="left") - 1
        inside = (period >= 0) & (period < edges.size - 1)
        assign = sparse.csr_array(
            (np.ones(int(inside.sum())), (np.flatnonzero(inside), period[inside])),
            shape=(self.times.size, edges.size - 1),
        )
        return np.asarray((self.amounts @ assign).T.todense())


@dataclass(frozen=True, eq=False)
class ModelData:
    """Per-unit asset exposures, the liabilities' exposures and the current holdings.

    ``assets`` (index id): pv, pv01, ie01, cs01 (money per bp), curvature (money convexity
    per unit: ΔPV ≈ −PV01 Δbp + ½ curvature Δy², Δy decimal), ``pv01_<k>y`` and
    ``ie01_<k>y`` key-rate columns, expected_return (money a year per unit, e.g. a bond's
    yield) and the instrument's ``role`` and ``kind``. ``liabilities``: the same numbers for
    the liabilities in total. ``loadings`` (ids x FACTORS) and ``specific`` are the factor
    model's money loadings and specific volatilities per unit; ``liability_loadings`` the
    liabilities' loadings. ``terms`` are the instruments' market terms (prices, accrued,
    haircut, maturity, ISIN, settlement days, ...); ``valuation_date`` the trade date.
    ``collateral`` values the collateral available and needed per unit under shocks, and
    ``scenarios`` are the problem's named stresses (by name), which liquidity terms can test;
    ``simulation`` gives simulated one-year value changes (scenario risk terms).
    ``liability_bases`` (index: basis, ``funding`` first): the liabilities' total exposures
    on each hedging basis (``Liabilities.basis_risk``). ``index_reach`` (ids x breakeven
    curves) is 1 where a move of that index's curve moves the instrument's index (CPI built
    on RPI: an RPI move reaches CPI-linked instruments too); ``liability_indices`` (index:
    breakeven curve) the liabilities' IE01 and key-rate IE01s that each index's move reaches.
    """

    keys: FloatArray
    assets: pd.DataFrame
    liabilities: pd.Series
    holdings: pd.Series
    loadings: pd.DataFrame
    specific: pd.Series
    liability_loadings: pd.Series
    flows: Flows
    liability_flows: Flows
    terms: pd.DataFrame
    risk_model: RiskModel = field(default_factory=RiskModel)
    groups: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    currency: str = ""
    collateral: CollateralModel | None = None
    scenarios: Mapping[str, Scenario] = field(default_factory=lambda: MappingProxyType({}))
    simulation: ScenarioEngine | None = None
    liability_bases: pd.DataFrame = field(default_factory=pd.DataFrame)
    index_reach: pd.DataFrame = field(default_factory=pd.DataFrame)
    liability_indices: pd.DataFrame = field(default_factory=pd.DataFrame)
    valuation_date: dt.date | None = None

    @property
    def ids(self) -> pd.Index:
        """Instrument ids, the order of every position vector."""
        return self.assets.index

    @property
    def key_tenors(self) -> list[float]:
        """The key tenors as Python floats, for lookups and messages (10.0, not np.float64)."""
        return [float(k) for k in self.keys]

    def role_mask(self, *roles: Role) -> FloatArray:
        """1.0 where the instrument's role is one of ``roles``, else 0.0."""
        values = [role.value for role in roles]
        return self.assets["role"].isin(values).to_numpy(dtype=float)

    def group_mask(self, name: str) -> FloatArray:
        """1.0 for the members of group ``name`` (a kind, a role or a user group)."""
        members = self.group_members(name)
        return self.ids.isin(members).astype(float)

    def group_members(self, name: str) -> tuple[str, ...]:
        """Ids in group ``name``; a KeyError when there is no such group."""
        return self.all_groups()[name]

    @cached_property
    def _automatic_groups(self) -> dict[str, tuple[str, ...]]:
        """One group per instrument kind and per role."""
        automatic = {}
        for column in ("kind", "role"):
            for value, members in self.assets.groupby(column, sort=False).groups.items():
                automatic[str(value)] = tuple(members.tolist())
        return automatic

    def all_groups(self) -> dict[str, tuple[str, ...]]:
        """User groups, then one group per instrument kind and per role."""
        return {**self._automatic_groups, **self.groups}

    def key_matrix(self, risk: str) -> FloatArray:
        """(keys, ids) key-rate PV01s (``risk="pv01"``) or IE01s (``"ie01"``) per unit."""
        return self.assets[self.key_columns(risk)].to_numpy(dtype=float).T

    def key_columns(self, risk: str) -> list[str]:
        """Column names of the key-rate ``risk`` ("pv01" or "ie01") at this data's keys."""
        column = key_rate_column if risk == "pv01" else inflation_key_rate_column
        return [column(k) for k in self.keys]

    @classmethod
    def from_arrays(
        cls,
        ids: Sequence[str],
        *,
        roles: Sequence[str] | None = None,
        kinds: Sequence[str] | None = None,
        pv: Sequence[float] | None = None,
        pv01: Sequence[float] | None = None,
        ie01: Sequence[float] | None = None,
        cs01: Sequence[float] | None = None,
        curvature: Sequence[float] | None = None,
        keys: Sequence[float] = (10.0,),
        key_pv01: np.ndarray | None = None,
        key_ie01: np.ndarray | None = None,
        expected_return: Sequence[float] | None = None,
        loadings: np.ndarray | None = None,
        specific: Sequence[float] | None = None,
        liabilities: dict[str, float] | None = None,
        liability_key_pv01: Sequence[float] | None = None,
        liability_key_ie01: Sequence[float] | None = None,
        liability_loadings: Sequence[float] | None = None,
        holdings: dict[str, float] | None = None,
        flow_times: Sequence[float] = (),
        flows: np.ndarray | None = None,
        liability_flow_times: Sequence[float] = (),
        liability_flows: Sequence[float] = (),
        risk_model: RiskModel | None = None,
        groups: dict[str, tuple[str, ...]] | None = None,
        terms: pd.DataFrame | None = None,
        currency: str = "",
        collateral: CollateralModel | None = None,
    ) -> ModelData:
        """Exposure tables given as arrays, e.g. from another risk system or a textbook.

        Per unit of position; liabilities in money. Unset exposures are 0; roles default to
        physical, kinds to bond, pv to 1. Key-rate matrices are (keys, ids); ``flows`` is
        (ids, flow_times), money per unit; ``loadings`` (ids, FACTORS) default to the
        rates, inflation and credit loadings implied by PV01, IE01 and CS01; loadings given
        on the first factors only load 0 on the others.
        """
        n, keys = len(ids), np.asarray(keys, dtype=float)
        index = pd.Index(list(ids), name="id")

        def column(values: Sequence[float] | None, default: float = 0.0) -> np.ndarray:
            return np.full(n, default) if values is None else np.asarray(values, dtype=float)

        key_pv01 = np.zeros((keys.size, n)) if key_pv01 is None else np.asarray(key_pv01, float)
        key_ie01 = np.zeros((keys.size, n)) if key_ie01 is None else np.asarray(key_ie01, float)
        assets = pd.DataFrame(
            {
                "pv": column(pv, 1.0),
                "pv01": column(pv01),
                "ie01": column(ie01),
                "cs01": column(cs01),
                "curvature": column(curvature),
            },
            index=index,
        )
        for j, k in enumerate(keys):
            assets[key_rate_column(k)] = key_pv01[j]
        for j, k in enumerate(keys):
            assets[inflation_key_rate_column(k)] = key_ie01[j]
        assets["expected_return"] = column(expected_return)
        assets["role"] = list(roles) if roles is not None else ["physical"] * n
        assets["kind"] = list(kinds) if kinds is not None else ["bond"] * n
        assets["category"] = assets["kind"].map(CATEGORIES)

        given = {
            "pv": 1.0,
            "pv01": 0.0,
            "ie01": 0.0,
            "cs01": 0.0,
            "curvature": 0.0,
            "expected_return": 0.0,
            **(liabilities or {}),
        }
        liability = pd.Series(given, dtype=float)
        lk = np.zeros(keys.size) if liability_key_pv01 is None else np.asarray(liability_key_pv01)
        le = np.zeros(keys.size) if liability_key_ie01 is None else np.asarray(liability_key_ie01)
        for j, k in enumerate(keys):
            liability[key_rate_column(k)] = lk[j]
            liability[inflation_key_rate_column(k)] = le[j]

        if loadings is None:
            loadings = np.column_stack(
                [-assets["pv01"], assets["ie01"], -assets["cs01"], np.zeros(n)]
            )
        if liability_loadings is None:
            liability_loadings = [-liability["pv01"], liability["ie01"], 0.0, 0.0]
        loadings = _padded(np.atleast_2d(np.asarray(loadings, float)), n)
        liability_loadings = _padded(np.asarray(liability_loadings, float)[None, :], 1)[0]
        flow_matrix = np.zeros((n, len(flow_times))) if flows is None else np.asarray(flows, float)
        if terms is None:
            terms = assets[["kind", "role"]].copy()
        return cls(
            keys=keys,
            assets=assets,
            liabilities=liability,
            holdings=pd.Series(holdings or {}, dtype=float).reindex(index, fill_value=0.0),
            loadings=pd.DataFrame(loadings, index=index, columns=list(FACTORS)),
            specific=pd.Series(column(specific), index=index),
            liability_loadings=pd.Series(liability_loadings, index=list(FACTORS)),
            flows=Flows(np.asarray(flow_times, float), sparse.csr_array(flow_matrix)),
            liability_flows=Flows(
                np.asarray(liability_flow_times, float),
                sparse.csr_array(np.asarray(liability_flows, float).reshape(1, -1)),
            ),
            terms=terms,
            risk_model=risk_model or RiskModel(),
            groups=groups or {},
            currency=currency,
            collateral=collateral,
        )

    def with_holdings(self, holdings: Mapping[str, float] | pd.Series) -> ModelData:
        """The same data with other current holdings (ids not given hold 0)."""
        return replace(self, holdings=_aligned(holdings, self.ids))

    def with_liability_scale(self, factor: float) -> ModelData:
        """Liabilities multiplied by ``factor`` (e.g. a new actuarial valuation)."""
        return replace(
            self,
            liabilities=self.liabilities * factor,  # every entry is a money amount
            liability_loadings=self.liability_loadings * factor,
            liability_bases=self.liability_bases * factor,
            liability_indices=self.liability_indices * factor,
            liability_flows=Flows(
                self.liability_flows.times, self.liability_flows.amounts * factor
            ),
        )


def model_data(
    problem: Problem,
    keys: ArrayLike = DEFAULT_KEYS,
    risk_model: RiskModel | None = None,
    groups: Mapping[str, list[str]] | None = None,
) -> ModelData:
    """Exposure tables of ``problem`` at key tenors ``keys``."""
    keys = tenor_vector(keys, "keys")
    risk_model = risk_model or RiskModel()
    risk = problem.instrument_risk(keys)
    table, terms = risk.exposures, risk.terms
    ids = table.index
    overlay = (terms["role"] == Role.OVERLAY.value).to_numpy()
    basis = np.where(overlay, 1.0, table["pv"].to_numpy())
    assets = table.drop(columns=["duration", "convexity"])
    assets.insert(4, "curvature", np.nan_to_num(table["convexity"].to_numpy()) * basis)
    flows = _instrument_flows(problem, ids)
    simulation = problem.scenario_engine(risk_model)
    expected, growth = simulation.expected
    assets["expected_return"] = expected
    assets["role"] = terms["role"]
    assets["kind"] = terms["kind"]
    assets["category"] = terms["category"]

    liability_risk = problem.liabilities.risk(keys)
    liability_row = liability_risk.loc["total"]
    liability_flows = _liability_flows(problem)
    liabilities = liability_row.drop(["duration", "convexity"])
    liabilities["cs01"] = 0.0
    liabilities["curvature"] = liability_row["convexity"] * liability_row["pv"]
    liabilities["expected_return"] = growth

    terms = _with_trading_terms(problem, terms)
    beta, specific = risk_model.growth_loading(terms.get("volatility", pd.Series(0.0, ids)))
    growth = np.where(terms["kind"] == "return_seeking", beta, 0.0) * table["pv"].to_numpy()
    market = problem.market
    swap_move = np.array([market.bond_swap_weight(c) for c in risk.discount_curves])
    liability_move = market.bond_swap_weight(problem.liabilities.curve)
    loadings, liability_loadings = factor_loadings(
        table, growth, liabilities, (swap_move, liability_move)
    )
    specific_money = np.where(terms["kind"] == "return_seeking", specific, 0.0) * basis
    return ModelData(
        keys=keys,
        assets=assets,
        liabilities=liabilities,
        holdings=_aligned(problem.holdings, ids),
        loadings=loadings,
        specific=pd.Series(specific_money, index=ids, name="specific"),
        liability_loadings=liability_loadings,
        flows=flows,
        liability_flows=liability_flows,
        terms=terms,
        risk_model=risk_model,
        groups=_checked_groups(groups or {}, terms),
        currency=problem.currency,
        collateral=problem.collateral_model(),
        scenarios=problem.scenarios,
        simulation=simulation,
        liability_bases=problem.liabilities.basis_risk(keys),
        index_reach=_index_reach(risk.curves, ids),
        liability_indices=_liability_indices(problem, liability_risk, keys),
        valuation_date=problem.valuation_date,
    )


def _with_trading_terms(problem: Problem, terms: pd.DataFrame) -> pd.DataFrame:
    """``terms`` with each instrument's ISIN, settlement days, lot, minimum ticket and cost.

    Settlement days are its own or its kind's; a lot or minimum ticket not given is NaN, a
    ticket cost 0.
    """
    instruments = [problem.instruments[i] for i in terms.index]
    days = [
        settlement_days(i.kind, problem.currency, getattr(i, "credit", False))
        if i.settlement_days is None
        else i.settlement_days
        for i in instruments
    ]
    return terms.assign(
        isin=[i.isin for i in instruments],
        settlement_days=days,
        lot=[np.nan if i.lot is None else i.lot for i in instruments],
        min_ticket=[np.nan if i.min_ticket is None else i.min_ticket for i in instruments],
        ticket_cost=[0.0 if i.ticket_cost is None else i.ticket_cost for i in instruments],
    )


def _index_reach(curves: pd.DataFrame, ids: pd.Index) -> pd.DataFrame:
    """(ids x breakeven curves) 1 where the curve's move reaches the instrument's index."""
    if "ie01" not in curves.columns.get_level_values("risk"):
        return pd.DataFrame(index=ids)
    return curves["ie01"].set_axis(ids)


def _liability_indices(problem: Problem, risk: pd.DataFrame, keys: FloatArray) -> pd.DataFrame:
    """(breakeven curves x ie01 columns) the liabilities' IE01 each index's move reaches.

    ``risk`` is the liabilities' ``risk()`` table, already valued.
    """
    ladders = problem.liabilities.curve_ladders(problem.market, risk)
    inflation = ladders[ladders["risk"] == "ie01"].drop(columns="risk")
    columns = ["ie01", *(inflation_key_rate_column(k) for k in keys)]
    return inflation.set_axis(columns, axis=1)


def factor_loadings(
    assets: pd.DataFrame,
    growth: FloatArray,
    liabilities: pd.Series,
    bond_swap: tuple[FloatArray, float] = (0.0, 0.0),
) -> tuple[pd.DataFrame, pd.Series]:
    """Money loadings on FACTORS per unit, and the liabilities'.

    Rates −PV01, inflation IE01, credit −CS01, growth ``growth`` and bond_swap −PV01 x m,
    m the move of the discount rate per bp of bonds against swaps (``bond_swap``: the
    assets' and the liabilities', ``Market.bond_swap_weight``); the liabilities load on
    rates, inflation and bond_swap only.
    """
    moves, liability_move = bond_swap
    loadings = pd.DataFrame(
        {
            "rates": -assets["pv01"],
            "inflation": assets["ie01"],
            "credit": -assets["cs01"],
            "growth": growth,
            "bond_swap": -assets["pv01"] * moves,
        },
        index=assets.index,
    )[list(FACTORS)]
    liability = pd.Series(
        {
            "rates": -liabilities["pv01"],
            "inflation": liabilities["ie01"],
            "credit": 0.0,
            "growth": 0.0,
            "bond_swap": -liabilities["pv01"] * liability_move,
        }
    )[list(FACTORS)]
    return loadings, liability


def bond_swap_moves(data: ModelData) -> tuple[FloatArray, float]:
    """Each position's and the liabilities' discount-rate move per bp of bonds against swaps.

    Read back from the bond_swap loadings (−PV01 x m), so aged exposures keep today's
    curves: m = −loading / PV01 (0 without PV01).
    """

    def moves(loading: FloatArray, pv01: FloatArray) -> FloatArray:
        return np.divide(-loading, pv01, out=np.zeros_like(loading), where=pv01 != 0)

    assets = moves(
        data.loadings["bond_swap"].to_numpy(dtype=float), data.assets["pv01"].to_numpy(dtype=float)
    )
    owed = moves(
        np.array([data.liability_loadings["bond_swap"]]), np.array([data.liabilities["pv01"]])
    )
    return assets, float(owed[0])


def _padded(loadings: FloatArray, rows: int) -> FloatArray:
    """Loadings on the first FACTORS given; the factors after them load 0."""
    loadings = loadings.reshape(rows, -1)
    return np.pad(loadings, ((0, 0), (0, len(FACTORS) - loadings.shape[1])))


def _aligned(holdings: Mapping[str, float] | pd.Series, ids: pd.Index) -> pd.Series:
    series = pd.Series(holdings, dtype=float)
    # get_indexer, not isin: isin over an Arrow-backed index of thousands of ids is slow
    unknown = sorted(set(series.index[ids.get_indexer(series.index) < 0].tolist()))
    if unknown:
        raise DataError(
            f"holdings: unknown instrument ids {unknown}; expected ids from {list(ids)}"
        )
    return series.reindex(ids, fill_value=0.0).rename("holding")


def check_group_name(name: str, kinds: Iterable[str]) -> None:
    """Raise a DataError if group ``name`` is an instrument kind of ``kinds`` or a role.

    Kinds and roles are groups already (``ModelData.all_groups``), so a user group of the
    same name would hide one of them.
    """
    if name in set(kinds) | {role.value for role in Role}:
        raise DataError(E_GROUP_NAME.format(name=name))


def _checked_groups(
    groups: Mapping[str, list[str]], terms: pd.DataFrame
) -> Mapping[str, tuple[str, ...]]:
    checked = {}
    for name, members in groups.items():
        check_group_name(name, terms["kind"])
        for member in members:
            if member not in terms.index:
                raise DataError(E_GROUP_ID.format(name=name, id=member, ids=list(terms.index)))
        checked[name] = tuple(members)
    return MappingProxyType(checked)


def _instrument_flows(problem: Problem, ids: pd.Index) -> Flows:
    """Projected money flows per unit of each physical instrument (cash: 1 at t = 0).

    Overlays and financing have no flows here: a swap's flows net against its funding leg
    and a repo's are the fund's debt, so neither counts towards dedicated cash flows.
    """
    instruments = [problem.instruments[i] for i in ids.tolist()]
    physical = np.array([type(i).role is Role.PHYSICAL for i in instruments], dtype=bool)
    cash = np.array([type(i).kind == "cash" for i in instruments], dtype=bool)
    valuations = problem.valuations
    units = pd.Index(list(problem.instruments)).get_indexer(ids)  # each row's valuation
    sizes = valuations.streams.sizes[units]
    paying = np.flatnonzero(physical & (sizes > 0))
    t, money, owner = stacked_money_flows(
        valuations.streams.take(units[paying]),
        valuations.breakeven[units[paying]],
        [instruments[row].where for row in paying.tolist()],
    )
    cash_rows = np.flatnonzero(physical & cash & (sizes == 0))
    return _flows(
        [paying[owner], cash_rows],
        [t, np.zeros(cash_rows.size)],
        [money, np.ones(cash_rows.size)],
        len(ids),
    )


def _liability_flows(problem: Problem) -> Flows:
    liabilities = problem.liabilities
    t, money = money_flows(liabilities.cashflows, liabilities.inflation_curve, "liabilities")
    return _flows([np.zeros(t.size, dtype=int)], [t], [money], 1)


def _flows(rows: list, times: list, amounts: list, n: int) -> Flows:
    if not rows:
        return Flows(np.zeros(0), sparse.csr_array((n, 0)))
    t = np.concatenate(times)
    grid, column = np.unique(t, return_inverse=True)
    matrix = sparse.csr_array(
        (np.concatenate(amounts), (np.concatenate(rows), column)), shape=(n, grid.size)
    )
    matrix.sum_duplicates()
    return Flows(grid, matrix)
