"""Objective terms. Positions are scaled: z = x / S (S = the liabilities' PV)."""

from collections.abc import Mapping
from dataclasses import field
from types import MappingProxyType
from typing import Annotated, Any, ClassVar, Literal

import numpy as np
import pandas as pd
from pydantic import AfterValidator, Field

from ldi.instruments import Role
from ldi.optimize.context import Ops, Scaled
from ldi.optimize.terms.base import Nonneg, ObjectiveTerm, Values, term
from ldi.optimize.terms.measures import (
    MeasureObjective,
    SurplusGrowth,
    SurplusRisk,
    TradedAmount,
    traded,
    traded_amounts,
)
from ldi.optimize.terms.options import Need, Range, Real, listed
from ldi.plausible import IMPACT, TRADE_VOLUME
from ldi.typing import FloatArray

RISKS = ("rates", "inflation")
Risk = Annotated[Literal[RISKS], Need(f"one of {list(RISKS)}")]  # type: ignore[valid-type]
Basis = Annotated[str | None, Need("the name of a hedging basis of the liabilities")]
# Half the bid/offer, in bp of the amount traded; for swaps in bp of the fixed rate (times
# the PV01 per unit of notional). Typical for large sterling trades; override per kind or id.
DEFAULT_COST_BP: Mapping[str, float] = MappingProxyType(
    {
        "bond": 3.0,
        "credit_bond": 25.0,
        "zero_coupon_bond": 5.0,
        "index_linked_bond": 8.0,
        "interest_rate_swap": 0.25,
        "inflation_swap": 1.0,
        "repo": 0.0,
        "return_seeking": 10.0,
        "cash": 0.0,
    }
)
RUNNING_COST_KINDS = {"interest_rate_swap": "pv01", "inflation_swap": "ie01"}
IMPACT_POWERS = (1.5, 2.0)


def _power(value: float) -> float:
    """A market-impact exponent: 1.5 (square-root impact) or 2."""
    if value not in IMPACT_POWERS:
        raise ValueError("expected 1.5 or 2")
    return value


@term
class Cost(ObjectiveTerm):
    r"""Total purchase cost of the positions: Σ_i pv_i x_i (money).

    pv_i is the value of one unit (1 for physical assets, about 0 for overlays at par, −1 for
    cash borrowed). Linear. YAML: ``cost``.
    """

    kind: ClassVar[str] = "cost"
    unit: ClassVar[str] = "money"
    affine: ClassVar[bool] = True

    def values(self, data: Scaled) -> Values:
        """The value of one unit of each instrument (scaled)."""
        return {"pv": data.column("pv")}

    def formula(self, ops: Ops, data: Scaled, z: Any, p: Values) -> Any:
        """Σ pv z (scaled)."""
        return p["pv"] @ z


@term
class KeyRateMismatch(ObjectiveTerm):
    r"""Weighted squared gap to a key-rate hedge target: Σ_k w_k ((A z)_k − h L_k)².

    A: key-rate PV01s (IE01s) per unit, L: the liabilities', both scaled by the liabilities'
    total PV01 (IE01); h = ``hedge_ratio`` for rates and ``inflation_hedge_ratio`` (default
    the same) for inflation. ``risks`` chooses rates, inflation or both; ``weights`` maps
    key tenors to weights (default 1); ``basis`` names the hedging basis L is measured on
    (default the funding basis). Convex. YAML: ``key_rate_mismatch``. Reported as the
    root-mean-square gap, money per bp.
    """

    kind: ClassVar[str] = "key_rate_mismatch"
    tunable: ClassVar[frozenset[str]] = frozenset({"inflation_hedge_ratio", "hedge_ratio"})
    unit: ClassVar[str] = "money/bp rms"
    hedge_ratio: Annotated[float, Range(low=0.0, high=5.0)] = 1.0
    inflation_hedge_ratio: Annotated[float | None, Range(low=0.0, high=5.0)] = None
    risks: Annotated[
        tuple[Literal[RISKS], ...],  # type: ignore[valid-type]
        Field(min_length=1),
        listed,
        Need(f"a non-empty list of {list(RISKS)}"),
    ] = RISKS
    weights: Annotated[Mapping[Real, Real], Need("a mapping of numbers to numbers")] = field(
        default_factory=dict
    )
    basis: Basis = None

    def __post_init__(self) -> None:
        super().__post_init__()
        ok = all(np.isfinite(w) and w >= 0 for w in self.weights.values())
        self.check("weights", "a mapping of key tenors to weights >= 0", ok)

    def values(self, data: Scaled) -> Values:
        """Target key-rate exposures h x L (``<risk>``) and the key matrix A (``<risk>_keys``).

        Both are times the rebasing weight c = √(S/S₀)·P₀/P (I₀/I for inflation), which
        keeps the term's money-equivalent value, S x Σ (gap/P)², that of a fresh build when
        a re-solve moves the scales (S₀, P₀, I₀: the compiled ones; S, P, I: the current
        state's).
        """
        values = {}
        basis = checked_basis(self, data)
        for risk in self.risks:
            measure = _risk(risk)
            weight = np.sqrt(data.money_ratio) * getattr(data.scales, measure)
            weight /= getattr(data.now, measure)
            values[risk] = weight * self._ratio(risk) * data.liability_keys(measure, basis)
            values[f"{risk}_keys"] = weight * data.key_matrix(measure)
        return values

    def _ratio(self, risk: str) -> float:
        if risk == "inflation" and self.inflation_hedge_ratio is not None:
            return self.inflation_hedge_ratio
        return self.hedge_ratio

    def formula(self, ops: Ops, data: Scaled, z: Any, p: Values) -> Any:
        """Σ_k w_k (c A z − c target)_k², summed over ``risks``."""
        root = np.sqrt(self._key_weights(data))
        return sum(
            ops.sum_squares(ops.multiply(root, p[f"{r}_keys"] @ z - p[r])) for r in self.risks
        )

    def natural(self, value: float, data: Scaled) -> float:
        """Root-mean-square gap per key, money per bp (on the rates scale)."""
        count = len(data.data.keys) * len(self.risks)
        squares = max(value, 0.0) / data.money_ratio  # Σ (gap/P)² on the current scales
        return float(np.sqrt(squares / count) * data.now.pv01)

    def _key_weights(self, data: Scaled) -> FloatArray:
        keys = data.data.key_tenors
        given = {float(k): float(w) for k, w in self.weights.items()}
        self.check("weights", f"key tenors among {keys}", set(given) <= set(keys))
        return np.array([given.get(k, 1.0) for k in keys])


@term
class TrackingError(SurplusRisk, MeasureObjective):
    r"""Surplus risk minimized as its square, the variance: ‖Gᵀ(Bᵀz − ℓ)‖² + ‖d ∘ z‖².

    The square keeps a quadratic objective a QP (``SurplusRisk`` has the symbols). Reported
    as the surplus volatility (one standard deviation a year, money). Convex.
    YAML: ``tracking_error``.
    """

    kind: ClassVar[str] = "tracking_error"

    def values(self, data: Scaled) -> Values:
        """The measure's numbers times c.

        c = √(S₀/S) keeps the money-equivalent value σ²/S that of a fresh build when a
        re-solve moves the money scale (S₀ compiled, S current).
        """
        weight = np.sqrt(1.0 / data.money_ratio)
        return {key: weight * value for key, value in self.measure_values(data).items()}

    def formula(self, ops: Ops, data: Scaled, z: Any, p: Values) -> Any:
        """Factor plus specific variance of the surplus (scaled by S₀ S)."""
        return ops.sum_squares(p["loadings"] @ z - p["liability"]) + ops.sum_squares(
            ops.multiply(p["specific"], z)
        )

    def natural(self, value: float, data: Scaled) -> float:
        """Surplus volatility in money."""
        return float(np.sqrt(max(value, 0.0) * data.scales.money * data.now.money))


@term
class ExpectedSurplusReturn(SurplusGrowth, MeasureObjective):
    r"""Expected surplus growth over a year, Σ_i r_i x_i − r_L (money a year; ``SurplusGrowth``).

    List it under ``objective.maximize``. YAML: ``expected_surplus_return``.
    """

    kind: ClassVar[str] = "expected_surplus_return"
    affine: ClassVar[bool] = True


@term
class TransactionCosts(ObjectiveTerm):
    r"""Cost of trading to the positions: Σ_i c_i |t_i| + k Σ_i |a_i t_i|^p / V^(p−1).

    t = x − x0 (trades), c_i = half the bid/offer per unit traded, as dealers quote it, by
    instrument id or else by kind (``credit_bond`` for a bond with credit):

    - ``yield_bp``: in bp of yield (or of rate, for swaps), c_i = bp x |PV01_i| per unit
      (|IE01_i| for inflation swaps), so a trade costs more the longer it is; a kind may
      give tenor buckets {up to years: bp} (by maturity; beyond the last, the last);
    - ``ticks``: bonds in price ticks of ``tick_size`` per 100 nominal, c_i = ticks x tick
      x index ratio / dirty price;
    - ``cost_bp``: bp of the money traded (swaps: of rate, times their PV01 per unit), over
      ``DEFAULT_COST_BP``.

    a_i the money per unit traded (``traded_amounts``: 1 when the data is built), k =
    ``impact`` (market impact as a fraction of the amount traded, for a trade of size V),
    V = ``impact_volume`` (money; default the liabilities' PV), p = ``impact_power`` (1.5 or
    2). Convex. YAML: ``transaction_costs``.
    """

    kind: ClassVar[str] = "transaction_costs"
    unit: ClassVar[str] = "money"
    cost_bp: Annotated[Mapping[str, Real], Need("a mapping of names to numbers")] = field(
        default_factory=dict
    )
    yield_bp: Annotated[
        Mapping[str, Real | Mapping[Real, Real]],
        Need("a mapping of names to bp, or to tenor buckets {up to years: bp}"),
    ] = field(default_factory=dict)
    ticks: Annotated[Mapping[str, Real], Need("a mapping of names to numbers")] = field(
        default_factory=dict
    )
    tick_size: Annotated[float, Range(above=0.0, high=1.0)] = 0.01
    impact: Annotated[float, Range(low=0.0, plausible=IMPACT)] = 0.0
    impact_power: Annotated[Real, AfterValidator(_power), Need("1.5 or 2")] = 1.5
    impact_volume: Annotated[float | None, Range(above=0.0, plausible=TRADE_VOLUME)] = None

    def __post_init__(self) -> None:
        super().__post_init__()
        ok = all(np.isfinite(v) and v >= 0 for v in self.cost_bp.values())
        self.check("cost_bp", "a mapping of kinds or ids to costs >= 0 (bp)", ok)
        ok = all(np.isfinite(v) and v >= 0 for v in self.ticks.values())
        self.check("ticks", "a mapping of kinds or ids to ticks >= 0", ok)
        for name, quote in self.yield_bp.items():
            buckets = quote if isinstance(quote, Mapping) else {np.inf: quote}
            ok = bool(buckets) and all(
                k > 0 and np.isfinite(v) and v >= 0 for k, v in buckets.items()
            )
            need = f"for {name!r}: bp >= 0, or tenor buckets {{up to years > 0: bp >= 0}}"
            self.check("yield_bp", need, ok)
        for first, second in (("cost_bp", "yield_bp"), ("cost_bp", "ticks"), ("yield_bp", "ticks")):
            twice = sorted(set(getattr(self, first)) & set(getattr(self, second)))
            self.check(second, f"names not already quoted in {first} ({twice})", not twice)

    def values(self, data: Scaled) -> Values:
        """Costs per unit c (nonnegative) and holdings; with impact, w a and w a x holdings.

        w = (V/S₀)^((1−p)/p) puts the trade-size scale V (default the current liabilities'
        PV) into the problem as a parameter: Σ |w a z − w a z0|^p = (V/S₀)^(1−p) Σ |a t|^p,
        with a t the money traded (a: money per unit, ``traded_amounts``; 1 today).
        """
        values: Values = {"per_unit": Nonneg(self.per_unit(data)), "holdings": data.holdings}
        if not self.impact:
            return values
        volume = (self.impact_volume or data.now.money) / data.scales.money
        weight = volume ** ((1.0 - self.impact_power) / self.impact_power)
        weight = weight * traded_amounts(data, tuple(role.value for role in Role))
        return {**values, "impact_weight": weight, "impact_holdings": weight * data.holdings}

    def per_unit(self, data: Scaled) -> FloatArray:
        """c_i: cost per unit traded (money per unit; a fraction of 1 of value today).

        Each instrument takes the quote of its id, else of its kind: in yield bp, in ticks,
        or in bp of the money traded (``cost_bp``, over ``DEFAULT_COST_BP``).
        """
        assets, terms = data.data.assets, data.data.terms
        kind = assets["kind"].to_numpy(dtype=object)
        kinds = np.where((kind == "bond") & (assets["cs01"].to_numpy() != 0), "credit_bond", kind)
        for option in ("cost_bp", "yield_bp", "ticks"):
            named = getattr(self, option)
            unknown = sorted(n for n in named if n not in DEFAULT_COST_BP and n not in assets.index)
            self.check(option, f"kinds {list(DEFAULT_COST_BP)} or instrument ids", not unknown)
        ids = assets.index.to_numpy(dtype=object)
        quotes = {**DEFAULT_COST_BP, **self.cost_bp}
        bp = np.array([quotes.get(k, np.nan) for k in kinds.tolist()], dtype=float)
        own = np.array([self.cost_bp.get(i, np.nan) for i in ids.tolist()], dtype=float)
        bp = np.where(np.isnan(own), bp, own)
        basis = np.abs(data.amounts())
        for name, risk in RUNNING_COST_KINDS.items():
            rows = kind == name
            basis[rows] = np.abs(assets[risk].to_numpy()[rows]) / 1e-4
        cost = bp * 1e-4 * basis
        if not (self.yield_bp or self.ticks):  # the common case, and a re-solve's hot path
            return cost
        risk = np.abs(np.where(assets["kind"] == "inflation_swap", assets["ie01"], assets["pv01"]))
        maturity = _column(terms, "maturity", assets.index)
        dirty = _column(terms, "dirty_price", assets.index)
        ratio = np.nan_to_num(_column(terms, "index_ratio", assets.index), nan=1.0)
        named = {*self.yield_bp, *self.ticks, *self.cost_bp}
        quoted = np.where(pd.Series(ids).isin(named).to_numpy(), ids, kinds)
        by_yield = pd.Series(quoted).isin(set(self.yield_bp)).to_numpy()
        by_ticks = pd.Series(quoted).isin(set(self.ticks)).to_numpy() & ~by_yield
        refused = (by_yield & ~(risk > 0)) | (by_ticks & ~(dirty > 0))
        if refused.any():  # the first in the universe's order, named by its quote
            j = int(np.flatnonzero(refused)[0])
            if by_yield[j]:
                need = f"instruments with a PV01 or IE01 (bonds, swaps), not {quoted[j]!r}"
                self.check("yield_bp", need, False)
            self.check("ticks", f"bonds, not {quoted[j]!r}", False)
        for name in set(quoted[by_yield]):
            rows = by_yield & (quoted == name)
            cost[rows] = _bucketed(self.yield_bp[name], maturity[rows]) * risk[rows]
        for name in set(quoted[by_ticks]):
            rows = by_ticks & (quoted == name)
            cost[rows] = self.ticks[name] * self.tick_size * ratio[rows] / dirty[rows]
        return cost

    def formula(self, ops: Ops, data: Scaled, z: Any, p: Values) -> Any:
        """Linear spread cost plus optional impact (scaled)."""
        cost = traded(ops, self.name, z, p)
        if self.impact:
            sized = ops.abs(ops.multiply(p["impact_weight"], z) - p["impact_holdings"])
            cost = cost + self.impact * ops.sum(ops.power(sized, self.impact_power))
        return cost


def _column(terms: Any, name: str, ids: Any) -> FloatArray:
    """A number column of the instruments' terms, NaN where it is missing."""
    if name not in terms:
        return np.full(len(ids), np.nan)
    return terms[name].reindex(ids).to_numpy(dtype=float)


def _bucketed(quote: Any, maturities: FloatArray) -> FloatArray:
    """The bp of a quote at each of ``maturities``: a number, or a tenor bucket's.

    Buckets are {up to years: bp}: the first reaching the maturity; beyond the last (or
    without a maturity), the last.
    """
    if not isinstance(quote, Mapping):
        return np.full(maturities.shape, float(quote))
    tenors = sorted(quote)
    bps = np.array([quote[t] for t in tenors], dtype=float)
    reached = np.searchsorted(np.array(tenors, dtype=float), maturities, side="left")
    return bps[np.minimum(reached, len(tenors) - 1)]


@term
class Turnover(TradedAmount, MeasureObjective):
    r"""Total amount traded, Σ_i a_i |x_i − x0_i| over ``roles`` (money; ``TradedAmount``).

    YAML: ``turnover``.
    """

    kind: ClassVar[str] = "turnover"


def _risk(name: str) -> str:
    return "pv01" if name == "rates" else "ie01"


def checked_basis(term: Any, data: Scaled) -> str | None:
    """The term's ``basis``, checked to be one of the liabilities' hedging bases."""
    names = list(data.data.liability_bases.index)
    term.check(
        "basis", f"a hedging basis of the liabilities, one of {names}", term.basis in [None, *names]
    )
    return term.basis
