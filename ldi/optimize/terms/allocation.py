"""Allocation terms: what the fund may hold and what it spends.

Money limits are in the problem's currency; "fraction" limits, here and in the other
constraint modules, are fractions of the capital (``capital_of``): the value of the current
holdings (the budget's ``capital`` and ``contribution`` options do not change it).
"""

from typing import Annotated, Any, ClassVar, Literal

import numpy as np

from ldi.instruments import Role
from ldi.optimize.context import Ops, Scaled
from ldi.optimize.terms.base import Box, ConstraintTerm, Row, Sense, Values, term
from ldi.optimize.terms.measures import ROLES, capital_of, trade_mask
from ldi.optimize.terms.options import Ids, Need, Range, listed
from ldi.plausible import MONEY
from ldi.typing import FloatArray, IntArray


@term
class Budget(ConstraintTerm):
    r"""Positions cost exactly the capital: Σ_i pv_i x_i = capital + contribution.

    pv_i = 1 for physical assets, about 0 for overlays (unfunded), −1 for repo (cash
    borrowed adds to what physical assets can cost). ``capital`` defaults to the current
    holdings' value. Linear. YAML: ``budget``.
    """

    kind: ClassVar[str] = "budget"
    tunable: ClassVar[frozenset[str]] = frozenset({"contribution", "capital"})
    capital: Annotated[float | None, Range(low=0.0, plausible=MONEY)] = None
    contribution: Annotated[float, Range(plausible=MONEY)] = 0.0

    def values(self, data: Scaled) -> Values:
        """The value of one unit of each instrument and the capital to invest (scaled)."""
        capital = data.capital if self.capital is None else self.capital / data.scales.money
        return {"pv": data.column("pv"), "capital": capital + self.contribution / data.scales.money}

    def rows(self, ops: Ops, data: Scaled, z: Any, p: Values) -> list[Row]:
        """One equality, shown in money."""
        display = data.scales.money
        return [Row(self.name, p["pv"] @ z, Sense.EQ, p["capital"], display=display)]


@term
class Targeted(ConstraintTerm):
    """A constraint on some instruments: exactly one of ``instrument``, ``instruments``, ``group``.

    ``instrument`` is an id, ``instruments`` a list of ids and ``group`` a user group, an
    instrument kind or a role.
    """

    instrument: Annotated[str | None, Need("an instrument id")] = None
    instruments: Annotated[Ids | None, listed, Need("a list of instrument ids")] = None
    group: Annotated[str | None, Need("a group, kind or role")] = None

    def __post_init__(self) -> None:
        super().__post_init__()
        chosen = [f for f in ("instrument", "instruments", "group") if getattr(self, f)]
        self.check(
            "instrument", "exactly one of instrument, instruments or group", len(chosen) == 1
        )

    def default_name(self) -> str:
        """``<kind>[<id, ids or group>]``."""
        target = self.instrument or self.group or ",".join(self.instruments or ())
        return f"{self.kind}[{target}]"

    def group_mask(self, data: Scaled) -> FloatArray:
        """1.0 for the members of ``group``, checked to be one of the problem's groups."""
        groups = data.data.all_groups()
        self.check("group", f"a group, kind or role among {sorted(groups)}", self.group in groups)
        return data.group_mask(str(self.group))

    def target_ids(self, data: Scaled) -> tuple[str, ...]:
        """The ids of ``instrument`` or ``instruments``, checked to be instruments."""
        ids = (self.instrument,) if self.instrument else tuple(self.instruments or ())
        self.check_ids("instrument" if self.instrument else "instruments", ids, data)
        return ids


@term
class Bounds(Targeted):
    r"""Limits on one instrument, each of a list, or the sum over a group.

    ``instrument`` (an id), ``instruments`` (ids, each bounded) or ``group`` (a user group,
    an instrument kind or a role; the group's total is bounded). ``min``/``max`` in money,
    ``min_fraction``/``max_fraction`` of the capital. A position counts its value (physical
    assets), its cash owed (financing) or its notional (overlays): ``Scaled.amounts``.
    Linear. YAML: ``bounds``.
    """

    kind: ClassVar[str] = "bounds"
    tunable: ClassVar[frozenset[str]] = frozenset({"min", "max_fraction", "min_fraction", "max"})
    min: Annotated[float | None, Range()] = None
    max: Annotated[float | None, Range()] = None
    min_fraction: Annotated[float | None, Range()] = None
    max_fraction: Annotated[float | None, Range()] = None

    def __post_init__(self) -> None:
        super().__post_init__()
        limits = (self.min, self.max, self.min_fraction, self.max_fraction)
        self.check(
            "max",
            "at least one of min, max, min_fraction, max_fraction",
            any(v is not None for v in limits),
        )
        for low, high in (("min", "max"), ("min_fraction", "max_fraction")):
            below, above = getattr(self, low), getattr(self, high)
            self.check(high, f"{high} >= {low} ({below})", None in (below, above) or below <= above)

    def _selection(self, data: Scaled) -> tuple[np.ndarray, tuple[str, ...] | None]:
        """The selector (n,) of one bounded total, or (ids, n) with the ids bounded each."""
        if self.group is not None:
            return self.group_mask(data), None
        ids = self.target_ids(data)
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

    def box(self, data: Scaled) -> Box:
        """Each instrument's limits as limits on its position (none for a group's total).

        A position counts amount_i x x_i against the limits (``Scaled.amounts``), so its own
        limits are the money limits, and the fractions of the capital, over amount_i > 0.
        """
        if self.group is not None:
            return Box.empty()
        index = data.ids.get_indexer(self.target_ids(data))
        amount = data.amounts()[index]
        counted = amount > 0
        index, amount = index[counted], amount[counted]
        capital = capital_of(data) * data.scales.money
        low = [self.min, None if self.min_fraction is None else self.min_fraction * capital]
        high = [self.max, None if self.max_fraction is None else self.max_fraction * capital]
        least = max((v for v in low if v is not None), default=-np.inf)
        most = min((v for v in high if v is not None), default=np.inf)
        return Box.of(index, least / amount, most / amount)

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


@term
class LongOnly(ConstraintTerm):
    r"""No short positions: x_i ≥ 0 for every instrument with a role in ``roles``.

    By default physical assets and repo (borrowing only); overlays may pay or receive.
    ``exclude`` lists ids allowed to go short. Added by default. YAML: ``long_only``.
    """

    kind: ClassVar[str] = "long_only"
    roles: Annotated[
        tuple[Literal[ROLES], ...],  # type: ignore[valid-type]
        listed,
        Need(f"a list of roles from {list(ROLES)}"),
    ] = (Role.PHYSICAL.value, Role.FINANCING.value)
    exclude: Annotated[Ids, listed, Need("a list of instrument ids")] = ()

    def rows(self, ops: Ops, data: Scaled, z: Any, p: Values) -> list[Row]:
        """One vector row over the covered instruments, shown in money."""
        index = self._covered(data)
        if index.size == 0:
            return []
        labels = tuple(data.ids.to_numpy()[index])
        return [Row(self.name, z[index], Sense.GE, 0.0, 1.0, data.scales.money, None, labels)]

    def box(self, data: Scaled) -> Box:
        """Zero as the lower limit of every covered position."""
        return Box.of(self._covered(data), low=0.0)

    def _covered(self, data: Scaled) -> IntArray:
        """Positions of the instruments kept long (their roles, less ``exclude``)."""
        self.check_ids("exclude", self.exclude, data)
        covered = (trade_mask(data, self.roles) > 0) & ~data.ids.isin(self.exclude)
        return np.flatnonzero(covered)


@term
class ExpectedReturn(ConstraintTerm):
    r"""Expected return of the positions, Σ r_i x_i / capital, ≥ ``min`` (decimal a year).

    r_i as in ``expected_surplus_return`` (repo counts its rate as a cost). Linear.
    YAML: ``expected_return``.
    """

    kind: ClassVar[str] = "expected_return"
    tunable: ClassVar[frozenset[str]] = frozenset({"min"})
    min: Annotated[float, Range(low=-1.0, high=1.0)] = 0.0

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


@term
class NoTrade(Targeted):
    r"""Positions held as they are, or traded one way only: x_i = h_i, x_i ≥ h_i or x_i ≤ h_i.

    For ``instrument`` (an id), ``instruments`` (ids) or every member of ``group`` (a user
    group, a kind or a role), with h_i the current holding. ``allow``: ``none`` (hold), ``buy``
    (buy but never sell: "do not sell the buy-and-maintain credit") or ``sell`` (sell but
    never buy). Linear. YAML: ``no_trade``.
    """

    kind: ClassVar[str] = "no_trade"
    allow: Literal["none", "buy", "sell"] = "none"

    def values(self, data: Scaled) -> Values:
        """The current holdings (scaled)."""
        return {"holdings": data.holdings}

    def box(self, data: Scaled) -> Box:
        """The holdings as a lower (``buy``), upper (``sell``) or both limits (``none``)."""
        index = self._index(data)
        holdings = data.data.holdings.to_numpy(dtype=float)[index]
        low = -np.inf if self.allow == "sell" else holdings
        return Box.of(index, low, np.inf if self.allow == "buy" else holdings)

    def _index(self, data: Scaled) -> IntArray:
        """Positions of the instruments the term covers: the ids, or each group member."""
        if self.group is not None:
            return np.flatnonzero(self.group_mask(data))
        return data.ids.get_indexer(self.target_ids(data))

    def rows(self, ops: Ops, data: Scaled, z: Any, p: Values) -> list[Row]:
        """One vector row over the instruments held, in money: the trade against 0."""
        index = self._index(data)
        sense = {"none": Sense.EQ, "buy": Sense.GE, "sell": Sense.LE}[self.allow]
        labels = tuple(data.ids.to_numpy()[index])
        trade = z[index] - p["holdings"][index]
        return [Row(self.name, trade, sense, 0.0, 1.0, data.scales.money, None, labels)]
