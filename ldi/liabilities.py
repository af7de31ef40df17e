"""Liabilities: benefit cash flows valued on their own discount basis."""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

import pandas as pd

from ldi.cashflows.cashflows import Cashflows
from ldi.cashflows.tranches import Stream, Tranches, streams_of
from ldi.curves.base import RateCurve
from ldi.curves.inflation import Breakevens, IndexCurves
from ldi.curves.market import Market
from ldi.curves.spread import DEFAULT_KEYS
from ldi.errors import DataError
from ldi.members.longevity import Longevity
from ldi.risk.by_curve import curve_ladders, reach_weights
from ldi.risk.sensitivities import basis_exposures, exposures
from ldi.typing import ArrayLike

FUNDING = "funding"
E_NO_MEMBERS = (
    "mortality_scale: got {value!r} for liabilities read as a benefit table; expected 1 "
    "(mortality moves liabilities projected from member data, liabilities.members)"
)


@dataclass(frozen=True, eq=False)
class Liabilities:
    """Benefit ``cashflows`` discounted on ``discount_curve`` (its spread is the basis spread).

    Inflation-linked benefits are uprated by the cash flows' indexation (e.g. LPI) projected
    on ``inflation_curve``; benefits in ``Tranches`` follow each tranche's indexation, on the
    curve of its index (``IndexCurves``). ``by_status`` optionally splits the same flows by
    member status (e.g. pensioner, deferred); the parts add up to ``cashflows``.
    ``credit_spread_beta`` is the share of a credit-spread move that moves the discount rate
    in a stress (1 for an AA corporate basis such as ASC 715 or IAS 19, 0 for gilts or
    swaps). ``curve`` names the market curve the discount basis is built on (so moves of that
    curve reach it); ``bases`` are the discount curves of other hedging bases by name
    (``FUNDING`` is the discount basis itself). ``longevity``: how benefits projected from
    member data move with mortality (none for a benefit table read as it is).
    """

    cashflows: Stream
    discount_curve: RateCurve
    inflation_curve: Breakevens | None = None
    by_status: Mapping[str, Stream] = field(default_factory=lambda: MappingProxyType({}))
    credit_spread_beta: float = 0.0
    curve: str | None = None
    bases: Mapping[str, RateCurve] = field(default_factory=lambda: MappingProxyType({}))
    longevity: Longevity | None = None

    @property
    def tranches(self) -> Mapping[str, Cashflows]:
        """The benefits by tranche (none when one indexation covers them all)."""
        flows = self.cashflows
        return flows.parts if isinstance(flows, Tranches) else MappingProxyType({})

    def components(self) -> dict[str, Stream]:
        """The fixed part, the inflation-linked part, each tranche, each status and the total."""
        cf = self.cashflows
        return {
            "fixed": Cashflows(cf.times, cf.amounts),
            "inflation_linked": _linked_only(cf),
            **self.tranches,
            **self.by_status,
            "total": cf,
        }

    @property
    def rests_on_default_volatility(self) -> bool:
        """True when some LPI benefit is priced on the default volatility (none was given)."""
        parts = streams_of(self.cashflows)
        return any(p.indexation.rests_on_default for p in parts if p.has_inflation_linked)

    def index_of(self, part: Cashflows, market: Market) -> str | None:
        """The market's name for the index of ``part``'s real amounts."""
        return part.indexation.index or self.default_index(market)

    def default_index(self, market: Market) -> str | None:
        """The market's name for the index of real amounts that name none."""
        curve = self.inflation_curve
        return curve.default if isinstance(curve, IndexCurves) else market.name_of(curve)

    def curve_ladders(self, market: Market, risk: pd.DataFrame) -> pd.DataFrame:
        """PV01 (IE01) ladders of the benefits per curve of ``market`` (``curve_ladders``).

        ``risk`` is this ``risk()`` table: its tranche rows (else its total) are summed over
        the curves each reaches, the discount curve and the curves its index is built on, so
        a CPI tranche counts on the CPI wedge and on RPI, an RPI tranche on RPI only.
        """
        parts = dict(self.tranches) or {"total": self.cashflows}
        table = risk.loc[list(parts)]
        reached = [[self.curve, self.index_of(streams_of(p)[0], market)] for p in parts.values()]
        weights = reach_weights(reached, market)
        return curve_ladders(table, weights, pd.Series(1.0, index=table.index))

    def risk(self, keys: ArrayLike = DEFAULT_KEYS) -> pd.DataFrame:
        """Exposures table (see ``ldi.risk.exposures``), one row per component."""
        return exposures(self.components(), self.discount_curve, self.inflation_curve, keys)

    def longevity_risk(self, keys: ArrayLike = DEFAULT_KEYS) -> pd.DataFrame:
        """PV, PV01 and IE01 under each longevity stress, and the change (empty: none).

        Index: stress (``Longevity.stresses``); columns pv, pv01, ie01, pv_change,
        pv_change_pct, pv01_change, ie01_change, and the factor on each sex's rates.
        """
        if self.longevity is None:
            return pd.DataFrame()
        base = self.risk(keys).loc["total"]
        rows = {}
        for name, factors in self.longevity.stresses().items():
            total = self.with_mortality(factors).risk(keys).loc["total"]
            rows[name] = {
                "pv": total["pv"],
                "pv01": total["pv01"],
                "ie01": total["ie01"],
                "pv_change": total["pv"] - base["pv"],
                "pv_change_pct": (total["pv"] - base["pv"]) / base["pv"],
                "pv01_change": total["pv01"] - base["pv01"],
                "ie01_change": total["ie01"] - base["ie01"],
                **{f"factor_{sex}": k for sex, k in factors.items()},
            }
        return pd.DataFrame.from_dict(rows, orient="index").rename_axis("stress")

    def with_mortality(self, factors: float | Mapping[str, float]) -> "Liabilities":
        """The liabilities again with each sex's mortality rates times ``factors[sex]``.

        A number scales every sex's rates. Only benefits projected from member data
        (``longevity``) can be rebuilt; the split by status is not kept.
        """
        if self.longevity is None:
            raise DataError(E_NO_MEMBERS.format(value=factors))
        if not isinstance(factors, Mapping):
            factors = dict.fromkeys(self.longevity.mortality, float(factors))
        return replace(self, cashflows=self.longevity.rebuild(factors), by_status={})

    def basis_risk(self, keys: ArrayLike = DEFAULT_KEYS) -> pd.DataFrame:
        """Exposures of the total on each basis: ``FUNDING`` first, then ``bases``.

        A regulatory curve (one that re-extrapolates from market inputs) is bumped through
        its inputs, so its PV01s are those the regulator's curve would show.
        """
        curves = {FUNDING: self.discount_curve, **self.bases}
        rows = [
            basis_exposures(self.cashflows, curve, self.inflation_curve, keys)
            for curve in curves.values()
        ]
        return pd.DataFrame(rows, index=pd.Index(list(curves), name="basis"))


def _linked_only(flows: Stream) -> Stream:
    """The real amounts of ``flows`` alone, each part keeping its indexation."""

    def linked(part: Cashflows) -> Cashflows:
        zeros = 0.0 * part.amounts
        return Cashflows(part.times, zeros, part.inflation_linked, part.indexation)

    return flows.map(linked) if isinstance(flows, Tranches) else linked(flows)
