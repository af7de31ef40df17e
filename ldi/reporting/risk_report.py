"""The risk report: funding, hedge ratios, liabilities, holdings, instruments, key-rate ladder.

``as_text`` lays out aligned tables for a terminal and ``to_dict`` the same numbers for
automation (``ldi risk --json``). Every number comes from ``ldi.balance_sheet``.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ldi.balance_sheet import BalanceSheet, balance_sheet
from ldi.curves.spread import DEFAULT_KEYS
from ldi.problem import Problem
from ldi.reporting.tables import number, percent, render
from ldi.risk.sensitivities import SUMMARY_COLUMNS, key_label
from ldi.typing import ArrayLike

LIABILITY_HEADERS = {
    "pv": "PV",
    "pv01": "PV01",
    "duration": "Duration",
    "convexity": "Convexity",
    "ie01": "IE01",
}
SPLITS = {  # split -> (the heading of its table, the name of its rows)
    "indexation": ("Liabilities by indexation: fixed and inflation-linked benefits", "Indexation"),
    "tranche": ("Liabilities by tranche", "Tranche"),
    "status": ("Liabilities by member status", "Status"),
}
TOTAL = "Total"
HOLDING_HEADERS = {
    "kind": "Kind",
    "position": "Position",
    "pv": "Value",
    "pv01": "PV01",
    "ie01": "IE01",
    "cs01": "CS01",
}
INSTRUMENT_HEADERS = {
    "kind": "Kind",
    "priced_from": "Priced from",
    "clean_price": "Clean",
    "dirty_price": "Dirty",
    "spread_bp": "Spread bp",
    "rate_pct": "Rate %",
    "duration": "Duration",
}
LADDER_HEADERS = {
    "liability_pv01": "Liab PV01",
    "asset_pv01": "Asset PV01",
    "gap_pv01": "Gap PV01",
    "rates_hedge_pct": "Rates %",
    "liability_ie01": "Liab IE01",
    "asset_ie01": "Asset IE01",
    "gap_ie01": "Gap IE01",
    "inflation_hedge_pct": "Infl %",
}
BASIS_HEADERS = {
    "pv": "Liab PV",
    "pv01": "Liab PV01",
    "rates_hedge_pct": "Rates %",
    "ie01": "Liab IE01",
    "inflation_hedge_pct": "Infl %",
}
LONGEVITY_HEADERS = {
    "pv": "PV",
    "pv_change": "PV change",
    "pv_change_pct": "PV change %",
    "pv01_change": "PV01 change",
    "ie01_change": "IE01 change",
    "factors": "Factor on rates",
}
LONGEVITY_ROWS = {
    "life_65_plus_1y": "a year longer at 65",
    "mortality_minus_10pct": "mortality 10% lower",
}
CURVE_HEADERS = {"risk": "Risk", "liabilities": "Liabilities", "assets": "Assets", "gap": "Gap"}
LEGEND = (
    "Money in {ccy}; PV01, IE01, CS01 per 1bp; duration in years (per unit of value, or of\n"
    "notional for swaps); convexity in years^2. Positions: market value (assets), notional\n"
    "(swaps), cash borrowed (repo). PV01 = (PV(-1bp) - PV(+1bp))/2, every nominal curve moved\n"
    "together, breakevens held; IE01 = (PV(b+1bp) - PV(b-1bp))/2. Hedge ratio = assets /\n"
    "liabilities on the liability basis (funding) or on a hedging basis; Gap = assets -\n"
    "liabilities. By curve: a curve built on another shows its spread over it. Each\n"
    "liabilities table splits the same benefits: its PV, PV01 and IE01 add up to its Total;\n"
    "duration and convexity are PV-weighted averages."
)


@dataclass(frozen=True, eq=False)
class RiskReport:
    """One problem's balance sheet arranged for reading.

    ``splits``: the liability components each split regroups the benefits into (a
    component is a row of ``sheet.liabilities``), by split name (a key of SPLITS).
    """

    name: str
    currency: str
    valuation_date: str | None
    liability_basis: str
    sheet: BalanceSheet
    splits: Mapping[str, tuple[str, ...]]
    portfolio: str | None = None

    @property
    def has_inflation(self) -> bool:
        """True when liabilities or holdings carry inflation risk (else IE01s are left out)."""
        sheet = self.sheet
        return bool(sheet.liability_totals["ie01"] or sheet.assets["ie01"].any())

    def funding(self) -> dict[str, float]:
        """Assets, liabilities, surplus, funding ratio and the two hedge ratios."""
        sheet = self.sheet
        return {
            "assets": float(sheet.asset_totals["pv"]),
            "liabilities": float(sheet.liability_totals["pv"]),
            "surplus": sheet.surplus,
            "funding_ratio": sheet.funding_ratio,
            "rates_hedge_ratio": sheet.hedge_ratios["rates"],
            "inflation_hedge_ratio": sheet.hedge_ratios["inflation"],
        }

    def liability_splits(self) -> dict[str, pd.DataFrame]:
        """Per split of two parts or more: each part's exposures, then the Total row.

        The parts regroup the same benefits, so PV, PV01 and IE01 sum to the Total. By
        indexation only when some benefit is inflation-linked (else fixed is the total).
        """
        table = self._liabilities()
        linked = bool(table.loc["inflation_linked", "pv"])
        return {
            split: table.loc[[*parts, TOTAL]]
            for split, parts in self.splits.items()
            if len(parts) > 1 and (split != "indexation" or linked)
        }

    def _liabilities(self) -> pd.DataFrame:
        """The liabilities' exposures by component, the total row labelled TOTAL."""
        return self.sheet.liabilities[list(SUMMARY_COLUMNS)].rename(index={"total": TOTAL})

    def holdings(self) -> pd.DataFrame:
        """Holdings with their exposures, and a total row."""
        held = self.sheet.assets[["kind", "position", "pv", "pv01", "ie01", "cs01"]]
        total = held.drop(columns=["kind", "position"]).sum()
        return pd.concat([held, total.to_frame("total").T]).rename_axis("id")

    def instruments(self) -> pd.DataFrame:
        """Market terms of every instrument: price, spread, rate and duration."""
        terms = self.sheet.instruments.terms.copy()
        rate = pd.Series(np.nan, index=terms.index)
        for column in ("fixed_rate", "rate", "expected_return"):
            if column in terms:
                rate = rate.fillna(terms[column].astype(float))
        terms["rate_pct"] = 100 * rate
        terms["duration"] = self.sheet.instruments.exposures["duration"]
        columns = [c for c in INSTRUMENT_HEADERS if c in terms]
        return terms[columns]

    def bases(self) -> pd.DataFrame:
        """Per basis: the liabilities' PV, PV01 and IE01 and the hedge ratios (%) on it."""
        table = self.sheet.basis_hedge_ratios()
        table["rates_hedge_pct"] = 100 * table.pop("rates_hedge_ratio")
        table["inflation_hedge_pct"] = 100 * table.pop("inflation_hedge_ratio")
        return table[list(BASIS_HEADERS)]

    def basis_ladder(self) -> pd.DataFrame:
        """Rates hedge ratio (%) per key tenor on each basis."""
        return 100 * self.sheet.basis_buckets()

    def curves(self) -> pd.DataFrame:
        """PV01 (IE01 for breakevens) by curve of the liabilities and assets, and the gap.

        A curve built on another is labelled as its spread, e.g. ``sonia - gilts``; curves
        that no position or liability is valued on are left out.
        """
        table = self.sheet.curve_exposures()
        carried = (table["liabilities"] != 0) | (table["assets"] != 0)
        table = table[
            carried
        ].copy()  # a curve nothing is valued on (a hedging basis's) is left out
        labels = [self._label(name) for name in table.index]
        table["risk"] = table["risk"].str.upper()
        return table.drop(columns="base").set_axis(labels)

    def index_ladder(self) -> pd.DataFrame:
        """Key-rate IE01 by index: key tenors down, each index's liabilities, assets, gap across.

        Empty when the liabilities and holdings follow one index (the key-rate table has it).
        """
        table = self.sheet.index_buckets()
        curves = list(dict.fromkeys(table.index.get_level_values("curve")))
        if len(curves) < 2:
            return pd.DataFrame()
        sides = {"liabilities": "Liab", "assets": "Assets", "gap": "Gap"}
        wide = table.unstack("curve")
        wide = wide.reindex(columns=[(side, curve) for curve in curves for side in sides])
        wide.columns = [f"{self._label(curve)} {sides[side]}" for side, curve in wide.columns]
        return wide.reindex(list(dict.fromkeys(table.index.get_level_values("key"))))

    def _label(self, curve: str) -> str:
        """A curve's name, or for one built on another its spread over it: 'sonia - gilts'."""
        base = self.sheet.curve_bases.get(curve)
        return f"{curve} - {base}" if base else curve

    def ladder(self) -> pd.DataFrame:
        """Key-rate PV01s and IE01s of liabilities and assets, gaps and hedge ratios (%)."""
        buckets = self.sheet.buckets()
        buckets["rates_hedge_pct"] = 100 * buckets.pop("rates_hedge_ratio")
        buckets["inflation_hedge_pct"] = 100 * buckets.pop("inflation_hedge_ratio")
        return buckets[list(LADDER_HEADERS)]

    def as_text(self) -> str:
        """Plain-text tables for a terminal."""
        date = f", valued {self.valuation_date}" if self.valuation_date else ""
        f = self.funding()
        money = number(0)
        funding = [
            ("Assets", money(f["assets"]), ""),
            ("Liabilities", money(f["liabilities"]), ""),
            ("Surplus", money(f["surplus"]), ""),
            ("Funding ratio", percent(f["funding_ratio"]), ""),
            ("Rates hedge", percent(f["rates_hedge_ratio"]), "PV01 assets / liabilities"),
            ("Inflation hedge", percent(f["inflation_hedge_ratio"]), "IE01 assets / liabilities"),
        ]
        holdings, ladder = self.holdings(), self.ladder()
        if not self.has_inflation:
            funding.pop()
            holdings = holdings.drop(columns="ie01")
            ladder = ladder.drop(columns=[c for c in ladder if "ie01" in c or "inflation" in c])
        lines = [
            f"{self.name}: risk report ({self.currency}{date})",
            *([f"Positions: {self.portfolio}"] if self.portfolio else []),
            f"Liability basis: {self.liability_basis}",
            "",
            *(f"{label:<16}{value:>16}   {note}".rstrip() for label, value, note in funding),
            *self._liability_tables(),
        ]
        if len(self.sheet.assets):
            lines += [
                "",
                "Holdings",
                render(
                    holdings.rename(columns=HOLDING_HEADERS).rename_axis("Holding"),
                    money=("Position", "Value", "PV01", "IE01", "CS01"),
                    fixed={},
                ),
            ]
        if len(self.sheet.instruments.terms):
            lines += [
                "",
                "Instruments (prices per 100 nominal; linkers real clean)",
                render(
                    self.instruments().rename(columns=INSTRUMENT_HEADERS).rename_axis("Instrument"),
                    money=(),
                    fixed={"Clean": 3, "Dirty": 3, "Spread bp": 1, "Rate %": 3, "Duration": 2},
                ),
            ]
        if len(self.sheet.bases) > 1:
            lines += [
                "",
                "Hedge ratios by basis",
                render(
                    self.bases().rename(columns=BASIS_HEADERS).rename_axis("Basis"),
                    money=("Liab PV", "Liab PV01", "Liab IE01"),
                    fixed={"Rates %": 1, "Infl %": 1},
                ),
                "",
                "Rates hedge by key and basis (%)",
                render(
                    self.basis_ladder().rename(index=key_label).rename_axis("Key"),
                    money=(),
                    fixed=dict.fromkeys(self.sheet.bases.index, 1),
                ),
            ]
        lines += [
            "",
            "Exposure by curve (per 1bp)",
            render(
                self.curves().rename(columns=CURVE_HEADERS).rename_axis("Curve"),
                money=("Liabilities", "Assets", "Gap"),
                fixed={},
            ),
        ]
        by_index = self.index_ladder()
        if not by_index.empty:
            lines += [
                "",
                "Key-rate IE01 by index (per 1bp)",
                render(by_index.rename_axis("Key"), money=tuple(by_index.columns), fixed={}),
            ]
        lines += [
            "",
            "Key-rate hedging (per 1bp)",
            render(
                ladder.rename(index=key_label, columns=LADDER_HEADERS).rename_axis("Key"),
                money=tuple(h for h in LADDER_HEADERS.values() if not h.endswith("%")),
                fixed={"Rates %": 1, "Infl %": 1},
            ),
            "",
            LEGEND.format(ccy=self.currency),
        ]
        return "\n".join(lines)

    def _liability_tables(self) -> list[str]:
        """Each split's table under its heading; the Total alone when nothing is split."""
        tables = {SPLITS[split]: frame for split, frame in self.liability_splits().items()}
        if not tables:
            tables = {("Liabilities", "Component"): self._liabilities().loc[[TOTAL]]}
        lines = []
        for (title, axis), frame in tables.items():
            shown = frame if self.has_inflation else frame.drop(columns="ie01")
            lines += [
                "",
                title,
                render(
                    shown.rename(columns=LIABILITY_HEADERS).rename_axis(axis),
                    money=("PV", "PV01", "IE01"),
                    fixed={"Duration": 2, "Convexity": 1},
                ),
            ]
        longevity = self.longevity()
        if not longevity.empty:
            factors = [c for c in self.sheet.longevity.columns if c.startswith("factor_")]
            sexes = " / ".join(c.removeprefix("factor_") for c in factors)
            lines += [
                "",
                f"Longevity: the liabilities again with mortality rates scaled ({sexes})",
                render(
                    longevity, money=("PV", "PV change", "PV01 change", "IE01 change"), fixed={}
                ),
            ]
        return lines

    def longevity(self) -> pd.DataFrame:
        """The liabilities under each longevity stress, with report headers (empty: none)."""
        table = self.sheet.longevity
        if table.empty:
            return table
        columns = ["pv", "pv_change", "pv_change_pct", "pv01_change", "ie01_change"]
        if not table["ie01_change"].any():  # no inflation exposure: no IE01, as elsewhere
            columns.remove("ie01_change")
        shown = table[columns].copy()
        shown["pv_change_pct"] = shown["pv_change_pct"].map(percent)
        factors = table[[c for c in table.columns if c.startswith("factor_")]]
        shown["factors"] = [" / ".join(f"{k:.3f}" for k in row) for row in factors.to_numpy()]
        return shown.rename(index=LONGEVITY_ROWS, columns=LONGEVITY_HEADERS).rename_axis("Stress")

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe report (what ``ldi risk --json`` writes)."""
        ladder = self.ladder()
        return {
            "name": self.name,
            "currency": self.currency,
            "valuation_date": self.valuation_date,
            "liability_basis": self.liability_basis,
            "funding": _clean(self.funding()),
            "liabilities": _records(self.sheet.liabilities),
            "holdings": _records(self.holdings().drop(columns=["kind"])),
            "instruments": {
                "exposures": _records(self.sheet.instruments.exposures),
                "terms": _records(self.sheet.instruments.terms, numeric=False),
            },
            "key_rates": _records(ladder.set_axis(ladder.index.astype(str))),
            "bases": _records(self.bases()),
            "basis_key_rates": _records(self.basis_ladder().set_axis(ladder.index.astype(str))),
            "curves": _records(self.sheet.curve_exposures(), numeric=False),
            "index_key_rates": _records(self.sheet.index_buckets().reset_index(), numeric=False),
            "longevity": _records(self.sheet.longevity),
        }


def risk_report(
    problem: Problem, keys: ArrayLike = DEFAULT_KEYS, portfolio: str | None = None
) -> RiskReport:
    """Value the problem's liabilities and holdings and arrange the result for reading.

    ``portfolio`` says what the holdings are when they are not the file's own.
    """
    date = problem.valuation_date
    owed = problem.liabilities
    splits = {
        "indexation": ("fixed", "inflation_linked"),
        "tranche": tuple(owed.tranches),
        "status": tuple(owed.by_status),
    }
    return RiskReport(
        name=problem.name,
        currency=problem.currency,
        valuation_date=date.isoformat() if date else None,
        liability_basis=problem.liability_basis,
        sheet=balance_sheet(problem, keys),
        splits=splits,
        portfolio=portfolio,
    )


def _clean(values: dict[str, float]) -> dict[str, float | None]:
    return {key: None if np.isnan(value) else value for key, value in values.items()}


def _records(frame: pd.DataFrame, numeric: bool = True) -> dict[str, dict[str, Any]]:
    """{row: {column: value}} with NaN as null."""
    clean = (frame.astype(float) if numeric else frame).astype(object)
    clean = clean.where(clean.notna(), None)  # object columns keep None; float ones NaN
    return {str(row): dict(values) for row, values in clean.to_dict(orient="index").items()}
