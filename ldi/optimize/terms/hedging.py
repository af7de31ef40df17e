"""Hedging terms: the assets' rate and inflation exposure against the liabilities'.

Hedge ratios, key-rate gaps, duration matching and Redington immunization.
"""

from typing import Annotated, Any, ClassVar

import numpy as np

from ldi.optimize.context import Ops, Scaled
from ldi.optimize.terms.base import ConstraintTerm, Row, Sense, Values, term
from ldi.optimize.terms.measures import capital_of
from ldi.optimize.terms.objectives import Basis, Risk, _risk, checked_basis
from ldi.optimize.terms.options import Flag, Need, Range, Real, listed
from ldi.plausible import HEDGE_RATIO
from ldi.units import BP


@term
class HedgeRatio(ConstraintTerm):
    r"""min ≤ assets' PV01 / liabilities' PV01 ≤ max (or IE01 for ``risk: inflation``).

    With ``bucket`` (a key tenor, or a list of them summed) the key-rate PV01s (IE01s) of
    those keys are used; with ``basis`` the liabilities' are measured on that hedging basis
    (default the funding basis); with ``index`` (inflation only) both sides count the IE01
    a move of that index reaches (``index: cpi`` leaves RPI hedges out of a CPI tranche's
    hedge). Linear: min·L ≤ a·x ≤ max·L. YAML: ``hedge_ratio``.
    """

    kind: ClassVar[str] = "hedge_ratio"
    tunable: ClassVar[frozenset[str]] = frozenset({"min", "max"})
    risk: Risk = "rates"
    min: Annotated[float | None, Range(low=0.0, plausible=HEDGE_RATIO)] = None
    max: Annotated[float | None, Range(low=0.0, plausible=HEDGE_RATIO)] = None
    bucket: Annotated[tuple[Real, ...] | None, listed, Need("a list of numbers")] = None
    basis: Basis = None
    index: Annotated[str | None, Need("the name of a breakeven curve")] = None

    def __post_init__(self) -> None:
        super().__post_init__()
        self.check("max", "min or max (or both)", self.min is not None or self.max is not None)
        if self.min is not None and self.max is not None:
            self.check("max", f"a number >= min ({self.min:g})", self.max >= self.min)
        self.check("bucket", "at least one key tenor", self.bucket is None or len(self.bucket) > 0)
        if self.index is not None:
            self.check("index", "an index only with risk: inflation", self.risk == "inflation")
            self.check("basis", "no basis with an index (funding basis only)", self.basis is None)

    def default_name(self) -> str:
        """``hedge_ratio[rates]``, ``hedge_ratio[rates,30y]``, ``hedge_ratio[rates@sonia]``.

        With an index, ``hedge_ratio[inflation:cpi]``.
        """
        keys = "".join(f",{k:g}y" for k in self.bucket or ())
        basis = f"@{self.basis}" if self.basis else ""
        index = f":{self.index}" if self.index else ""
        return f"{self.kind}[{self.risk}{index}{keys}{basis}]"

    def _exposure(self, data: Scaled) -> tuple[Any, float]:
        risk = _risk(self.risk)
        basis = checked_basis(self, data)
        if self.index is not None:
            return self._index_exposure(data)
        if self.bucket is None:
            return data.column(risk), data.liability(risk, basis)
        rows = self._key_rows(data)
        return (
            data.key_matrix(risk)[rows].sum(axis=0),
            float(data.liability_keys(risk, basis)[rows].sum()),
        )

    def _index_exposure(self, data: Scaled) -> tuple[Any, float]:
        names = list(data.data.liability_indices.index)
        self.check("index", f"a breakeven curve of the market, one of {names}", self.index in names)
        assets, asset_keys = data.index_exposure(str(self.index))
        total, keys = data.liability_index(str(self.index))
        if self.bucket is None:
            return assets, total
        rows = self._key_rows(data)
        return asset_keys[rows].sum(axis=0), float(keys[rows].sum())

    def _key_rows(self, data: Scaled) -> list[int]:
        keys = data.data.key_tenors
        missing = [k for k in self.bucket or () if float(k) not in keys]
        self.check("bucket", f"key tenors among {keys}", not missing)
        return [keys.index(float(k)) for k in self.bucket or ()]

    def values(self, data: Scaled) -> Values:
        """Exposure per unit a, liability exposure L and the bounds min·L, max·L."""
        exposure, target = self._exposure(data)
        theirs = f"{self.risk} exposure is positive (theirs is {target:.6g})"
        if self.bucket is None:
            self.check("risk", f"a risk whose liabilities' {theirs}", target > 0)
        else:
            self.check("bucket", f"key tenors where the liabilities' {theirs}", target > 0)
        return {
            "exposure": exposure,
            "target": target,
            **({"low": self.min * target} if self.min is not None else {}),
            **({"high": self.max * target} if self.max is not None else {}),
        }

    def rows(self, ops: Ops, data: Scaled, z: Any, p: Values) -> list[Row]:
        """``.min`` and/or ``.max`` rows in hedge-ratio units."""
        hedged = p["exposure"] @ z
        unit = p["target"]
        rows = []
        if self.min is not None:
            rows.append(Row(f"{self.name}.min", hedged, Sense.GE, p["low"], unit=unit))
        if self.max is not None:
            rows.append(Row(f"{self.name}.max", hedged, Sense.LE, p["high"], unit=unit))
        return rows


@term
class KeyRateTolerance(ConstraintTerm):
    r"""|a_k·x − h·L_k| ≤ tolerance at every key k (PV01, or IE01 for inflation).

    The tolerance is ``max`` (money per bp) or ``fraction`` of each key's |h·L_k|; h is
    ``hedge_ratio``; L is measured on hedging basis ``basis`` (default the funding basis).
    Linear. YAML: ``key_rate_tolerance``.
    """

    kind: ClassVar[str] = "key_rate_tolerance"
    tunable: ClassVar[frozenset[str]] = frozenset({"fraction", "hedge_ratio", "max"})
    risk: Risk = "rates"
    max: Annotated[float | None, Range(low=0.0)] = None
    fraction: Annotated[float | None, Range(low=0.0)] = None
    hedge_ratio: Annotated[float, Range(low=0.0, high=5.0)] = 1.0
    basis: Basis = None

    def __post_init__(self) -> None:
        super().__post_init__()
        one = (self.max is None) != (self.fraction is None)
        self.check("max", "either max (money per bp) or fraction, not both", one)

    def default_name(self) -> str:
        """``key_rate_tolerance[rates]`` or ``key_rate_tolerance[rates@sonia]``."""
        basis = f"@{self.basis}" if self.basis else ""
        return f"{self.kind}[{self.risk}{basis}]"

    def values(self, data: Scaled) -> Values:
        """Key exposures per unit (keys x n), key targets h·L_k and tolerances (scaled)."""
        risk = _risk(self.risk)
        target = self.hedge_ratio * data.liability_keys(risk, checked_basis(self, data))
        scale = data.scales.pv01 if risk == "pv01" else data.scales.ie01
        tolerance = (
            np.full(target.size, self.max / scale)
            if self.max is not None
            else self.fraction * np.abs(target)
        )
        return {
            "keys": data.key_matrix(risk),
            "target": target,
            "upper": tolerance,
            "lower": -tolerance,
        }

    def rows(self, ops: Ops, data: Scaled, z: Any, p: Values) -> list[Row]:
        """Gap rows per key, shown in money per bp."""
        risk = _risk(self.risk)
        gap = p["keys"] @ z - p["target"]
        display = data.scales.pv01 if risk == "pv01" else data.scales.ie01
        labels = tuple(f"{k:g}y" for k in data.data.keys)
        return [
            Row(f"{self.name}.upper", gap, Sense.LE, p["upper"], display=display, labels=labels),
            Row(f"{self.name}.lower", gap, Sense.GE, p["lower"], display=display, labels=labels),
        ]


@term
class DurationMatch(ConstraintTerm):
    r"""Asset duration within ``tolerance`` years of the liabilities' duration.

    Asset duration = Σ PV01 x / (Σ pv x · 1e-4) counts overlays' PV01 against the net
    asset value; linear as PV01_A − (D_L ± tol)·1e-4·PV_A ⋚ 0. YAML: ``duration_match``.
    """

    kind: ClassVar[str] = "duration_match"
    tunable: ClassVar[frozenset[str]] = frozenset({"tolerance"})
    tolerance: Annotated[float, Range(low=0.0)] = 0.0

    def values(self, data: Scaled) -> Values:
        """Per-unit gaps PV01 − (D_L ∓ tol)·F·pv (scaled; F = BP S/P) and the row's unit."""
        factor = _duration_factor(data)
        duration = _liability_duration(data)
        pv01, pv = data.column("pv01"), data.column("pv")
        return {
            "low": pv01 - (duration - self.tolerance) * factor * pv,
            "high": pv01 - (duration + self.tolerance) * factor * pv,
            "unit": factor * capital_of(data),
        }

    def rows(self, ops: Ops, data: Scaled, z: Any, p: Values) -> list[Row]:
        """``.min`` and ``.max`` rows in years."""
        s, unit = data.scales, p["unit"]

        def measure() -> float:
            pv01, value = data.column("pv01") @ z, data.column("pv") @ z
            return pv01 * s.pv01 / (value * s.money * BP)

        # ∂(lhs − rhs)/∂limit at the solution, the limit being D_L ∓ tol (years).
        sensitivity = ops.report(lambda: -_duration_factor(data) * (data.column("pv") @ z))
        duration = ops.report(lambda: _liability_duration(data))
        rows = []
        for key, sense, sign in (("min", Sense.GE, -1.0), ("max", Sense.LE, 1.0)):
            limit = None if duration is None else duration + sign * self.tolerance
            gap = p["low" if key == "min" else "high"] @ z
            rows.append(
                Row(
                    f"{self.name}.{key}",
                    gap,
                    sense,
                    0.0,
                    unit,
                    1.0,
                    ops.report(measure),
                    None,
                    limit,
                    sensitivity,
                )
            )
        return rows


def _duration_factor(data: Scaled) -> float:
    """F = BP x S / P: years of duration into scaled PV01 per scaled value (compiled scales)."""
    return BP * data.scales.money / data.scales.pv01


def _liability_duration(data: Scaled) -> float:
    """The liabilities' duration, PV01 / (PV x BP), in years (state)."""
    liabilities = data.data.liabilities
    return float(liabilities["pv01"]) / (float(liabilities["pv"]) * BP)


@term
class Redington(ConstraintTerm):
    r"""Redington immunization: PV_A = PV_L, PV01_A = PV01_L, convexity_A ≥ convexity_L.

    Convexities are money convexities (curvature). ``match_pv: false`` keeps only the PV01
    and convexity conditions (e.g. when the budget fixes the assets' value). Linear.
    YAML: ``redington``.
    """

    kind: ClassVar[str] = "redington"
    match_pv: Flag = True

    def values(self, data: Scaled) -> Values:
        """PV, PV01 and curvature per unit and the liabilities' (``liability_<name>``), scaled."""
        values = {}
        for name in ("pv", "pv01", "curvature"):
            values[name] = data.column(name)
            values[f"liability_{name}"] = data.liability(name)
        return values

    def rows(self, ops: Ops, data: Scaled, z: Any, p: Values) -> list[Row]:
        """``.pv``, ``.pv01`` and ``.convexity`` rows, shown in money."""
        s = data.scales
        rows = [
            Row(f"{self.name}.pv01", p["pv01"] @ z, Sense.EQ, p["liability_pv01"], 1.0, s.pv01),
            Row(
                f"{self.name}.convexity",
                p["curvature"] @ z,
                Sense.GE,
                p["liability_curvature"],
                1.0,
                s.curvature,
            ),
        ]
        if self.match_pv:
            pv = Row(f"{self.name}.pv", p["pv"] @ z, Sense.EQ, p["liability_pv"], 1.0, s.money)
            rows.insert(0, pv)
        return rows
