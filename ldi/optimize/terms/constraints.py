"""Constraint terms: the fund's policy limits as named rows.

Positions are scaled, z = x / S (S = the liabilities' PV); PV01 rows are in units of the
liabilities' PV01 P. Money limits are in the problem's currency; "fraction" limits are
fractions of the capital: the value of the current holdings (the budget's ``capital`` and
``contribution`` options do not change it).
"""

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from ldi.instruments import Role
from ldi.optimize.context import Ops, Scaled
from ldi.optimize.terms.base import ConstraintTerm, Nonneg, Row, Sense, Values
from ldi.optimize.terms.objectives import (
    RISKS,
    _risk,
    surplus_factors,
    trade_mask,
    traded,
    traded_amounts,
)
from ldi.units import BP

ROLES = tuple(role.value for role in Role)


def capital_of(data: Scaled) -> float:
    """The scaled capital a fraction limit refers to (never 0, so it can divide)."""
    return data.capital if data.capital > 0 else 1.0


@dataclass(frozen=True, kw_only=True)
class Budget(ConstraintTerm):
    r"""Positions cost exactly the capital: Σ_i pv_i x_i = capital + contribution.

    pv_i = 1 for physical assets, about 0 for overlays (unfunded), −1 for repo (cash
    borrowed adds to what physical assets can cost). ``capital`` defaults to the current
    holdings' value. Linear. YAML: ``budget``.
    """

    kind: ClassVar[str] = "budget"
    tunable: ClassVar[frozenset[str]] = frozenset({"contribution", "capital"})
    capital: float | None = None
    contribution: float = 0.0

    def __post_init__(self) -> None:
        super().__post_init__()
        self.check_number("capital", low=0.0)
        self.check_number("contribution")

    def values(self, data: Scaled) -> Values:
        """The value of one unit of each instrument and the capital to invest (scaled)."""
        capital = data.capital if self.capital is None else self.capital / data.scales.money
        return {"pv": data.column("pv"), "capital": capital + self.contribution / data.scales.money}

    def rows(self, ops: Ops, data: Scaled, z: Any, p: Values) -> list[Row]:
        """One equality, shown in money."""
        display = data.scales.money
        return [Row(self.name, p["pv"] @ z, Sense.EQ, p["capital"], display=display)]


@dataclass(frozen=True, kw_only=True)
class HedgeRatio(ConstraintTerm):
    r"""min ≤ assets' PV01 / liabilities' PV01 ≤ max (or IE01 for ``risk: inflation``).

    With ``bucket`` (a key tenor, or a list of them summed) the key-rate PV01s (IE01s) of
    those keys are used. Linear: min·L ≤ a·x ≤ max·L. YAML: ``hedge_ratio``.
    """

    kind: ClassVar[str] = "hedge_ratio"
    tunable: ClassVar[frozenset[str]] = frozenset({"min", "max"})
    risk: str = "rates"
    min: float | None = None
    max: float | None = None
    bucket: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        self.check("risk", f"one of {list(RISKS)}", self.risk in RISKS)
        self.check_number("min", low=0.0)
        self.check_number("max", low=0.0)
        self.check("max", "min or max (or both)", self.min is not None or self.max is not None)
        if self.min is not None and self.max is not None:
            self.check("max", f"a number >= min ({self.min:g})", self.max >= self.min)
        self.check("bucket", "at least one key tenor", self.bucket is None or len(self.bucket) > 0)

    def default_name(self) -> str:
        """``hedge_ratio[rates]`` or ``hedge_ratio[rates,30y]``."""
        keys = "".join(f",{k:g}y" for k in self.bucket or ())
        return f"{self.kind}[{self.risk}{keys}]"

    def _exposure(self, data: Scaled) -> tuple[Any, float]:
        risk = _risk(self.risk)
        if self.bucket is None:
            return data.column(risk), data.liability(risk)
        keys = data.data.key_tenors
        missing = [k for k in self.bucket if float(k) not in keys]
        self.check("bucket", f"key tenors among {keys}", not missing)
        rows = [keys.index(float(k)) for k in self.bucket]
        return (
            data.key_matrix(risk)[rows].sum(axis=0),
            float(data.liability_keys(risk)[rows].sum()),
        )

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


@dataclass(frozen=True, kw_only=True)
class KeyRateTolerance(ConstraintTerm):
    r"""|a_k·x − h·L_k| ≤ tolerance at every key k (PV01, or IE01 for inflation).

    The tolerance is ``max`` (money per bp) or ``fraction`` of each key's |h·L_k|; h is
    ``hedge_ratio``. Linear. YAML: ``key_rate_tolerance``.
    """

    kind: ClassVar[str] = "key_rate_tolerance"
    tunable: ClassVar[frozenset[str]] = frozenset({"fraction", "hedge_ratio", "max"})
    risk: str = "rates"
    max: float | None = None
    fraction: float | None = None
    hedge_ratio: float = 1.0

    def __post_init__(self) -> None:
        super().__post_init__()
        self.check("risk", f"one of {list(RISKS)}", self.risk in RISKS)
        self.check_number("max", low=0.0)
        self.check_number("fraction", low=0.0)
        self.check_number("hedge_ratio", low=0.0, high=5.0)
        one = (self.max is None) != (self.fraction is None)
        self.check("max", "either max (money per bp) or fraction, not both", one)

    def default_name(self) -> str:
        """``key_rate_tolerance[rates]``."""
        return f"{self.kind}[{self.risk}]"

    def values(self, data: Scaled) -> Values:
        """Key exposures per unit (keys x n), key targets h·L_k and tolerances (scaled)."""
        risk = _risk(self.risk)
        target = self.hedge_ratio * data.liability_keys(risk)
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


@dataclass(frozen=True, kw_only=True)
class DurationMatch(ConstraintTerm):
    r"""Asset duration within ``tolerance`` years of the liabilities' duration.

    Asset duration = Σ PV01 x / (Σ pv x · 1e-4) counts overlays' PV01 against the net
    asset value; linear as PV01_A − (D_L ± tol)·1e-4·PV_A ⋚ 0. YAML: ``duration_match``.
    """

    kind: ClassVar[str] = "duration_match"
    tunable: ClassVar[frozenset[str]] = frozenset({"tolerance"})
    tolerance: float = 0.0

    def __post_init__(self) -> None:
        super().__post_init__()
        self.check_number("tolerance", low=0.0)

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


@dataclass(frozen=True, kw_only=True)
class Redington(ConstraintTerm):
    r"""Redington immunization: PV_A = PV_L, PV01_A = PV01_L, convexity_A ≥ convexity_L.

    Convexities are money convexities (curvature). ``match_pv: false`` keeps only the PV01
    and convexity conditions (e.g. when the budget fixes the assets' value). Linear.
    YAML: ``redington``.
    """

    kind: ClassVar[str] = "redington"
    match_pv: bool = True

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


@dataclass(frozen=True, kw_only=True)
class Bounds(ConstraintTerm):
    r"""Limits on one instrument, each of a list, or the sum over a group.

    ``instrument`` (an id), ``instruments`` (ids, each bounded) or ``group`` (a user group,
    an instrument kind or a role; the group's total is bounded). ``min``/``max`` in money,
    ``min_fraction``/``max_fraction`` of the capital. A position counts its value (physical
    assets), its cash owed (financing) or its notional (overlays): ``Scaled.amounts``.
    Linear. YAML: ``bounds``.
    """

    kind: ClassVar[str] = "bounds"
    tunable: ClassVar[frozenset[str]] = frozenset({"min", "max_fraction", "min_fraction", "max"})
    instrument: str | None = None
    instruments: tuple[str, ...] | None = None
    group: str | None = None
    min: float | None = None
    max: float | None = None
    min_fraction: float | None = None
    max_fraction: float | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        chosen = [f for f in ("instrument", "instruments", "group") if getattr(self, f)]
        self.check(
            "instrument", "exactly one of instrument, instruments or group", len(chosen) == 1
        )
        for limit in ("min", "max", "min_fraction", "max_fraction"):
            self.check_number(limit)
        limits = (self.min, self.max, self.min_fraction, self.max_fraction)
        self.check(
            "max",
            "at least one of min, max, min_fraction, max_fraction",
            any(v is not None for v in limits),
        )
        for low, high in (("min", "max"), ("min_fraction", "max_fraction")):
            below, above = getattr(self, low), getattr(self, high)
            self.check(high, f"{high} >= {low} ({below})", None in (below, above) or below <= above)

    def default_name(self) -> str:
        """``bounds[<id or group>]``."""
        target = self.instrument or self.group or ",".join(self.instruments or ())
        return f"{self.kind}[{target}]"

    def _selection(self, data: Scaled) -> tuple[np.ndarray, tuple[str, ...] | None]:
        """The selector (n,) of one bounded total, or (ids, n) with the ids bounded each."""
        if self.group is not None:
            groups = data.data.all_groups()
            self.check(
                "group", f"a group, kind or role among {sorted(groups)}", self.group in groups
            )
            return data.data.group_mask(self.group), None
        ids = (self.instrument,) if self.instrument else tuple(self.instruments or ())
        self.check_ids("instrument" if self.instrument else "instruments", ids, data)
        selector = np.zeros((len(ids), data.n))
        selector[np.arange(len(ids)), data.ids.get_indexer(ids)] = 1.0
        return (selector, ids) if len(ids) > 1 else (selector[0], None)

    def values(self, data: Scaled) -> Values:
        """Money per unit counted (``held``), limits (scaled) and the capital fractions use."""
        money, capital = data.scales.money, capital_of(data)
        values: Values = {"held": self._selection(data)[0] * data.amounts(), "capital": capital}
        for limit in ("min", "max"):
            if getattr(self, limit) is not None:
                values[limit] = getattr(self, limit) / money
            if getattr(self, f"{limit}_fraction") is not None:
                values[f"{limit}_fraction"] = getattr(self, f"{limit}_fraction") * capital
        return values

    def rows(self, ops: Ops, data: Scaled, z: Any, p: Values) -> list[Row]:
        """Money rows and fraction rows."""
        held, labels = p["held"] @ z, self._selection(data)[1]
        money, capital = data.scales.money, p["capital"]
        rows = []
        for key, sense in (("min", Sense.GE), ("max", Sense.LE)):
            if key in p:
                rows.append(
                    Row(f"{self.name}.{key}", held, sense, p[key], 1.0, money, None, labels)
                )
            fraction = f"{key}_fraction"
            if fraction in p:
                rows.append(
                    Row(
                        f"{self.name}.{fraction}",
                        held,
                        sense,
                        p[fraction],
                        capital,
                        1.0,
                        None,
                        labels,
                    )
                )
        return rows


@dataclass(frozen=True, kw_only=True)
class LongOnly(ConstraintTerm):
    r"""No short positions: x_i ≥ 0 for every instrument with a role in ``roles``.

    By default physical assets and repo (borrowing only); overlays may pay or receive.
    ``exclude`` lists ids allowed to go short. Added by default. YAML: ``long_only``.
    """

    kind: ClassVar[str] = "long_only"
    roles: tuple[str, ...] = (Role.PHYSICAL.value, Role.FINANCING.value)
    exclude: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        super().__post_init__()
        self.check("roles", f"a list of roles from {list(ROLES)}", set(self.roles) <= set(ROLES))

    def rows(self, ops: Ops, data: Scaled, z: Any, p: Values) -> list[Row]:
        """One vector row over the covered instruments, shown in money."""
        self.check_ids("exclude", self.exclude, data)
        covered = (trade_mask(data, self.roles) > 0) & ~data.ids.isin(self.exclude)
        index = np.flatnonzero(covered)
        if index.size == 0:
            return []
        labels = tuple(data.ids.to_numpy()[index])
        return [Row(self.name, z[index], Sense.GE, 0.0, 1.0, data.scales.money, None, labels)]


@dataclass(frozen=True, kw_only=True)
class RepoCollateral(ConstraintTerm):
    r"""Repo is backed by bonds the fund holds: x_c ≥ Σ_k x_k / (1 − h_k) for each bond c.

    Repo k borrows x_k against bond c at haircut h_k, so the lender holds bonds worth
    x_k / (1 − h_k); a fund cannot pledge bonds it does not hold (nor then meet margin calls
    with them). One row per bond pledged, in money (none without repo). Linear. Added by
    default, like ``long_only``. YAML: ``repo_collateral``.
    """

    kind: ClassVar[str] = "repo_collateral"

    def values(self, data: Scaled) -> Values:
        """The pledge matrix P (bonds x n; none without repo): haircuts are data."""
        bonds, matrix = pledges(data)
        return {"pledges": matrix} if bonds else {}

    def rows(self, ops: Ops, data: Scaled, z: Any, p: Values) -> list[Row]:
        """One vector row over the bonds pledged (none without repo)."""
        bonds = pledges(data)[0]
        if not bonds:
            return []
        money = data.scales.money
        return [Row(self.name, p["pledges"] @ z, Sense.GE, 0.0, 1.0, money, None, bonds)]


def pledges(data: Scaled) -> tuple[tuple[str, ...], np.ndarray]:
    """Bonds pledged to repo, and P with (P x)_c = x_c − Σ_k x_k / (1 − h_k).

    Read from the repo's market terms (``collateral`` and ``haircut``); repo without them
    (exposure tables given as arrays) pledges nothing here.
    """
    terms = data.data.terms
    if "collateral" not in terms or "haircut" not in terms:
        return (), np.zeros((0, data.n))
    repos = np.flatnonzero(data.mask(Role.FINANCING))
    repos = [k for k in repos if isinstance(terms["collateral"].iloc[k], str)]
    bonds = tuple(dict.fromkeys(terms["collateral"].iloc[k] for k in repos))
    matrix = np.zeros((len(bonds), data.n))
    for row, bond in enumerate(bonds):
        matrix[row, data.ids.get_loc(bond)] = 1.0
    for k in repos:
        row = bonds.index(terms["collateral"].iloc[k])
        matrix[row, k] -= 1.0 / (1.0 - float(terms["haircut"].iloc[k]))
    return bonds, matrix


@dataclass(frozen=True, kw_only=True)
class Leverage(ConstraintTerm):
    r"""Gross overlay notional plus repo borrowing, per unit of net assets, ≤ ``max``.

    leverage = (Σ_overlays |x_i| + Σ_repo a_i x_i) / (Σ_physical a_i x_i − Σ_repo a_i x_i),
    with a_i the value of a physical unit and the cash owed per unit of repo (1 per unit
    when the data is built; ``Scaled.amounts``); a fund with neither has leverage 0. The
    denominator is the physical assets net of the repo that funds them (the fund's own
    capital): measured against gross physical assets, borrowing would raise its own limit.
    Linear as Σ|x_o| + c·x ≤ 0, c = (1 + max) a on repo and −max a on physical assets.
    YAML: ``leverage``.
    """

    kind: ClassVar[str] = "leverage"
    tunable: ClassVar[frozenset[str]] = frozenset({"max"})
    max: float = 1.0

    def __post_init__(self) -> None:
        super().__post_init__()
        self.check_number("max", low=0.0)

    def values(self, data: Scaled) -> Values:
        """Coefficients c of the row (the limit times the amounts) and the capital."""
        borrowed, physical = _leverage_parts(data)
        return {
            "coefficients": (1.0 + self.max) * borrowed - self.max * physical,
            "capital": capital_of(data),
        }

    def rows(self, ops: Ops, data: Scaled, z: Any, p: Values) -> list[Row]:
        """One row in leverage units (relative to the capital)."""
        overlays = data.mask(Role.OVERLAY) @ ops.abs(z)
        row = overlays + p["coefficients"] @ z

        def net() -> float:
            borrowed, physical = _leverage_parts(data)
            return physical @ z - borrowed @ z

        def measure() -> float:
            gross = overlays + _leverage_parts(data)[0] @ z
            return gross / net() if net() else float("nan")

        sensitivity = ops.report(lambda: -net())
        unit = p["capital"]
        return [
            Row(
                self.name,
                row,
                Sense.LE,
                0.0,
                unit,
                1.0,
                ops.report(measure),
                None,
                self.max,
                sensitivity,
            )
        ]


def _leverage_parts(data: Scaled) -> tuple[np.ndarray, np.ndarray]:
    """Amounts per unit of repo (cash owed) and of physical assets (value), 0 elsewhere."""
    amounts = data.amounts()
    return amounts * data.mask(Role.FINANCING), amounts * data.mask(Role.PHYSICAL)


@dataclass(frozen=True, kw_only=True)
class MaxTurnover(ConstraintTerm):
    r"""Amount traded, Σ a_i |x_i − x0_i| over ``roles``, ≤ ``max`` x capital.

    a_i: money per unit, as for the ``turnover`` objective. YAML: ``turnover``.
    """

    kind: ClassVar[str] = "turnover"
    tunable: ClassVar[frozenset[str]] = frozenset({"max"})
    max: float = 0.0
    roles: tuple[str, ...] = ROLES

    def default_name(self) -> str:
        """``max_turnover``, apart from the ``turnover`` objective term."""
        return "max_turnover"

    def __post_init__(self) -> None:
        super().__post_init__()
        self.check_number("max", low=0.0)
        self.check("roles", f"a list of roles from {list(ROLES)}", set(self.roles) <= set(ROLES))

    def values(self, data: Scaled) -> Values:
        """Money per unit traded, holdings, the limit (scaled) and the capital."""
        capital = capital_of(data)
        return {
            "per_unit": Nonneg(traded_amounts(data, self.roles)),
            "holdings": data.holdings,
            "max": self.max * capital,
            "capital": capital,
        }

    def rows(self, ops: Ops, data: Scaled, z: Any, p: Values) -> list[Row]:
        """One row as a fraction of capital."""
        amount = traded(ops, self.name, z, p)
        return [Row(self.name, amount, Sense.LE, p["max"], p["capital"])]


@dataclass(frozen=True, kw_only=True)
class SurplusVolatility(ConstraintTerm):
    r"""Surplus volatility (factor model, one sd a year) ≤ ``max`` x the liabilities' PV.

    √(‖Gᵀ(Bᵀx − ℓ)‖² + ‖d ∘ x‖²) ≤ max·PV_L: a second-order cone. YAML: ``surplus_volatility``.
    """

    kind: ClassVar[str] = "surplus_volatility"
    tunable: ClassVar[frozenset[str]] = frozenset({"max"})
    max: float = 0.0

    def __post_init__(self) -> None:
        super().__post_init__()
        self.check_number("max", low=0.0)

    def values(self, data: Scaled) -> Values:
        """Rotated loadings (GᵀBᵀ), specific volatilities, ℓ G and the limit (scaled)."""
        liability = data.liability("pv")
        loadings, rotated, specific = surplus_factors(data)
        return {
            "loadings": loadings.T,
            "specific": specific,
            "liability": rotated,
            "max": self.max * liability,
            "unit": liability,
        }

    def rows(self, ops: Ops, data: Scaled, z: Any, p: Values) -> list[Row]:
        """One row as a fraction of the liabilities' PV."""
        parts = ops.hstack([p["loadings"] @ z - p["liability"], ops.multiply(p["specific"], z)])
        return [Row(self.name, ops.norm2(parts), Sense.LE, p["max"], p["unit"])]


@dataclass(frozen=True, kw_only=True)
class ExpectedReturn(ConstraintTerm):
    r"""Expected return of the positions, Σ r_i x_i / capital, ≥ ``min`` (decimal a year).

    r_i as in ``expected_surplus_return`` (repo counts its rate as a cost). Linear.
    YAML: ``expected_return``.
    """

    kind: ClassVar[str] = "expected_return"
    tunable: ClassVar[frozenset[str]] = frozenset({"min"})
    min: float = 0.0

    def __post_init__(self) -> None:
        super().__post_init__()
        self.check_number("min", low=-1.0, high=1.0)

    def values(self, data: Scaled) -> Values:
        """Expected returns per unit, the floor in money (scaled) and the capital."""
        capital = capital_of(data)
        return {
            "expected_return": data.column("expected_return"),
            "min": self.min * capital,
            "capital": capital,
        }

    def rows(self, ops: Ops, data: Scaled, z: Any, p: Values) -> list[Row]:
        """One row as a return on capital."""
        expected = p["expected_return"] @ z
        return [Row(self.name, expected, Sense.GE, p["min"], p["capital"])]


@dataclass(frozen=True, kw_only=True)
class MinSurplusReturn(ConstraintTerm):
    r"""Expected surplus return, (Σ r_i x_i − r_L) / PV_L, ≥ ``min`` (decimal a year).

    The ``expected_surplus_return`` objective as a floor, in fractions of the liabilities'
    PV: e.g. ``min: 0.01`` asks the assets to outgrow the liabilities by 1% of them a year.
    Linear. Row ``min_expected_surplus_return``. YAML: ``expected_surplus_return``.
    """

    kind: ClassVar[str] = "expected_surplus_return"
    tunable: ClassVar[frozenset[str]] = frozenset({"min"})
    min: float = 0.0

    def default_name(self) -> str:
        """``min_expected_surplus_return``, apart from the objective term of that kind."""
        return "min_expected_surplus_return"

    def __post_init__(self) -> None:
        super().__post_init__()
        self.check_number("min", low=-1.0, high=1.0)

    def values(self, data: Scaled) -> Values:
        """Expected returns per unit, the floor and the liabilities' growth and PV (scaled)."""
        liability = data.liability("pv")
        return {
            "expected_return": data.column("expected_return"),
            "min": self.min * liability,
            "growth": data.liability("expected_return"),
            "unit": liability,
        }

    def rows(self, ops: Ops, data: Scaled, z: Any, p: Values) -> list[Row]:
        """One row as a fraction of the liabilities' PV."""
        surplus = p["expected_return"] @ z - p["growth"]
        return [Row(self.name, surplus, Sense.GE, p["min"], p["unit"])]
