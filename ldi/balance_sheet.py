"""Assets against liabilities: funding ratio, surplus and hedge ratios, total and by key.

Conventions (docs/conventions.md, Funding and hedge ratios): assets are the holdings' values
(physical assets at market value, overlays at their PV, repo at minus the debt); funding
ratio = assets / liabilities; surplus = assets − liabilities; rates hedge ratio = assets'
PV01 / liabilities' PV01 and inflation hedge ratio = assets' IE01 / liabilities' IE01, both
on the liability basis (every nominal curve moved together), per key-rate bucket with the
key-rate PV01s / IE01s.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from ldi.curves.spread import DEFAULT_KEYS
from ldi.instruments import InstrumentRisk
from ldi.problem import Problem
from ldi.risk.sensitivities import inflation_key_rate_column, key_rate_column
from ldi.typing import ArrayLike, FloatArray
from ldi.validation import tenor_vector


@dataclass(frozen=True, eq=False)
class BalanceSheet:
    """Liability and asset exposures of one problem, and the ratios between them.

    ``liabilities``: exposures by component (fixed, inflation_linked, statuses, total).
    ``assets``: one row per holding: kind, role, position and the position's exposures
    (position x per-unit exposures). ``instruments``: the per-unit exposures and terms.
    ``bases``: the liabilities' total exposures on each basis (``funding`` first), and
    ``liability_curves`` their PV01 (IE01) ladder per curve (``InstrumentRisk.by_curve``);
    ``curve_bases`` the base of each curve declared over another. ``longevity``: the
    liabilities under each longevity stress (``Liabilities.longevity_risk``; empty for a
    benefit table read as it is).
    """

    keys: FloatArray
    liabilities: pd.DataFrame
    assets: pd.DataFrame
    instruments: InstrumentRisk
    bases: pd.DataFrame = field(default_factory=pd.DataFrame)
    liability_curves: pd.DataFrame = field(default_factory=pd.DataFrame)
    curve_bases: Mapping[str, str] = field(default_factory=dict)
    longevity: pd.DataFrame = field(default_factory=pd.DataFrame)

    @cached_property
    def asset_totals(self) -> pd.Series:
        """Sum of every holding's exposures (money columns only)."""
        return self.assets.drop(columns=["kind", "role", "position"]).sum()

    @property
    def liability_totals(self) -> pd.Series:
        """The liabilities' total row."""
        return self.liabilities.loc["total"]

    @property
    def funding_ratio(self) -> float:
        """Assets / liabilities (NaN when the liabilities are worth 0)."""
        return _ratio(self.asset_totals["pv"], self.liability_totals["pv"])

    @property
    def surplus(self) -> float:
        """Assets − liabilities, in the problem's currency."""
        return float(self.asset_totals["pv"] - self.liability_totals["pv"])

    @property
    def hedge_ratios(self) -> dict[str, float]:
        """{"rates": assets' PV01 / liabilities' PV01, "inflation": IE01 likewise}."""
        assets, liabilities = self.asset_totals, self.liability_totals
        return {
            "rates": _ratio(assets["pv01"], liabilities["pv01"]),
            "inflation": _ratio(assets["ie01"], liabilities["ie01"]),
        }

    def basis_hedge_ratios(self) -> pd.DataFrame:
        """Per basis: the liabilities' PV, PV01 and IE01 and the assets' hedge ratios on it.

        Assets' PV01 and IE01 are the same on every basis (every curve moved together); the
        liabilities are valued, and their PV01 measured, on each basis in turn.
        """
        assets = self.asset_totals
        table = self.bases[["pv", "pv01", "ie01"]].copy()
        table["rates_hedge_ratio"] = [_ratio(assets["pv01"], v) for v in table["pv01"]]
        table["inflation_hedge_ratio"] = [_ratio(assets["ie01"], v) for v in table["ie01"]]
        return table

    def basis_buckets(self) -> pd.DataFrame:
        """Rates hedge ratio per key tenor (rows) on each basis (columns)."""
        names = [key_rate_column(k) for k in self.keys]
        asset = self.asset_totals[names].to_numpy(dtype=float)
        ratios = {
            basis: [_ratio(a, b) for a, b in zip(asset, row[names], strict=True)]
            for basis, row in self.bases.iterrows()
        }
        return pd.DataFrame(ratios, index=pd.Index(self.keys, name="key"))

    def curve_exposures(self) -> pd.DataFrame:
        """Per curve: the assets' and liabilities' PV01 (IE01 for breakevens) and the gap.

        A curve built on another (SONIA = gilts + spread) shows its spread's exposure;
        ``base`` names the curve it is built on (empty for the others).
        """
        positions = self.assets["position"]
        assets = self.instruments.by_curve(positions)
        table = pd.DataFrame(
            {
                "risk": assets["risk"],
                "base": [self.curve_bases.get(name, "") for name in assets.index],
                "liabilities": self.liability_curves["total"],
                "assets": assets["total"],
            }
        )
        table["gap"] = table["assets"] - table["liabilities"]
        return table

    def index_buckets(self) -> pd.DataFrame:
        """Per breakeven curve and key tenor: the liabilities' and assets' key-rate IE01, gap.

        Rows (curve, key label); what a move of that curve at that key reaches (a curve built
        on another: its wedge). Curves nothing is linked to are left out.
        """
        assets = self.instruments.by_curve(self.assets["position"])
        owed = self.liability_curves
        keys = [c for c in owed.columns if c not in ("risk", "total")]
        names = [
            name
            for name in owed.index[owed["risk"] == "ie01"]
            if name in assets.index
            and (owed.loc[name, keys].to_numpy().any() or assets.loc[name, keys].to_numpy().any())
        ]
        liability = owed.loc[names, keys].to_numpy(dtype=float).ravel()
        asset = assets.loc[names, keys].to_numpy(dtype=float).ravel()
        index = pd.MultiIndex.from_product([names, keys], names=["curve", "key"])
        return pd.DataFrame(
            {"liabilities": liability, "assets": asset, "gap": asset - liability}, index=index
        )

    def buckets(self) -> pd.DataFrame:
        """Per key tenor: liability, asset and gap PV01 and IE01 and the hedge ratios.

        Columns liability_pv01, asset_pv01, gap_pv01 (assets − liabilities), rates_hedge_ratio,
        liability_ie01, asset_ie01, gap_ie01, inflation_hedge_ratio; index key (years).
        """
        assets, liabilities = self.asset_totals, self.liability_totals
        rows = {}
        for risk, column, ratio in (
            ("pv01", key_rate_column, "rates_hedge_ratio"),
            ("ie01", inflation_key_rate_column, "inflation_hedge_ratio"),
        ):
            names = [column(k) for k in self.keys]
            liability = liabilities[names].to_numpy(dtype=float)
            asset = assets[names].to_numpy(dtype=float)
            rows[f"liability_{risk}"] = liability
            rows[f"asset_{risk}"] = asset
            rows[f"gap_{risk}"] = asset - liability
            rows[ratio] = np.array([_ratio(a, b) for a, b in zip(asset, liability, strict=True)])
        return pd.DataFrame(rows, index=pd.Index(self.keys, name="key"))


def balance_sheet(problem: Problem, keys: ArrayLike = DEFAULT_KEYS) -> BalanceSheet:
    """Value the problem's liabilities and current holdings on its market."""
    keys = tenor_vector(keys, "keys")
    instruments = problem.instrument_risk(keys)
    positions = problem.holdings
    per_unit = instruments.exposures.loc[positions.index]
    held = per_unit.drop(columns=["duration", "convexity"]).mul(positions, axis=0)
    held.insert(0, "position", positions)
    held.insert(0, "role", instruments.terms.loc[positions.index, "role"])
    held.insert(0, "kind", instruments.terms.loc[positions.index, "kind"])
    liabilities = problem.liabilities.risk(keys)
    market, owed = problem.market, problem.liabilities
    return BalanceSheet(
        keys=keys,
        liabilities=liabilities,
        assets=held,
        instruments=instruments,
        bases=owed.basis_risk(keys),
        liability_curves=owed.curve_ladders(market, liabilities),
        curve_bases=dict(market.bases),
        longevity=owed.longevity_risk(keys),
    )


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator / denominator) if denominator else float("nan")
