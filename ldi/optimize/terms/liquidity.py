"""Liquidity terms: collateral after haircuts covers the margin calls of a yield shock.

Margin calls are valued by full revaluation of every position under the shock
(``ldi.liquidity.CollateralModel``), so the rows are linear in the positions given those
valuations: the optimizer trades hedge, growth assets and leverage against collateral. A
re-solve with a new shock size or window only assigns new coefficients (parameters).
"""

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar

import numpy as np

from ldi.liquidity.buffer import BUFFER_UNITS, Rise, rise
from ldi.liquidity.collateral import CollateralModel, benefits_due
from ldi.optimize.context import Ops, Scaled
from ldi.optimize.terms.base import ConstraintTerm, Nonneg, Row, Sense, Values, term
from ldi.optimize.terms.options import Flag, Need, Range, listed
from ldi.plausible import LIMIT_BP
from ldi.scenarios.scenario import Move, RateUnits, Scenario

MoveBp = Annotated[float, Range(low=0.0, high=2000.0, plausible=LIMIT_BP)]
"""A rise or fall tested, in bp (below 1bp but not 0 is a decimal typed for bp)."""
E_NO_COLLATERAL = (
    "{kind}: the model has no collateral data; expected a model built from a problem "
    "(ldi.load_problem) or ModelData with collateral=CollateralModel(...)"
)


@term
class CollateralBuffer(ConstraintTerm):
    r"""Collateral after haircuts ≥ collateral calls under a yield rise, for every rise tested.

    The rise is ``yield_rise_bp`` + ``operational_bp`` (TPR: a market-stress buffer of at
    least 250bp on top of an operational buffer), tested as a nominal rise (real yields
    with it) and, with ``real``, a rise of index-linked real yields alone; with
    ``breakeven_fall_bp``, also a fall of breakevens (real yields held). Per rise s:
    Σ_i (a_i(s) − m_i(s)) x_i − Σ_o im_o(s) |x_o| ≥ 0, with a the collateral value after
    haircut and m the margin call per unit (``ldi.liquidity.collateral``); only positions
    eligible within ``within_days`` (default: the problem's collateral policy) count.
    ``scenarios`` names stress scenarios of the problem (e.g. ``gilt_crisis_2022``) whose
    every step must be met too, as a curve trade can pass a parallel test alone.
    ``units``: the rises are in bond-yield bp (``yield``, TPR's unit, the default) or in
    zero-rate bp (``zero``).
    The bonds pledged to repo are held (``repo_collateral``, added by default). With cash
    variation margin (the policy's default, cleared swaps) the swaps' call must also be met
    in cash: c(s)·x + min(R(s)·x, capacity) − v(s)·x ≥ 0, with c the cash and money-market
    funds, R the same-day repo value of the government bonds and v the swaps' variation
    margin per unit (``cash_rows``). Linear, plus a convex initial-margin term.
    YAML: ``collateral_buffer``.
    """

    kind: ClassVar[str] = "collateral_buffer"
    liquidity: ClassVar[bool] = True
    collateral_order: ClassVar[int | None] = 0
    tunable: ClassVar[frozenset[str]] = frozenset(
        {"yield_rise_bp", "operational_bp", "breakeven_fall_bp", "within_days"}
    )
    yield_rise_bp: MoveBp = 250.0
    operational_bp: MoveBp = 100.0
    real: Flag = True
    breakeven_fall_bp: Annotated[float | None, Range(low=0.0, high=2000.0, plausible=LIMIT_BP)] = (
        None
    )
    within_days: Annotated[float | None, Range(low=0.0)] = None
    scenarios: Annotated[tuple[str, ...], listed, Need("a list of scenario names")] = ()
    units: Annotated[RateUnits, Need("zero or yield")] = BUFFER_UNITS

    @property
    def shock_bp(self) -> float:
        """The rise tested: market stress plus operational buffer (bp)."""
        return self.yield_rise_bp + self.operational_bp

    def moves(self, scenarios: Mapping[str, Scenario] | None = None) -> dict[str, Move]:
        """The tested moves by label; named ``scenarios`` are looked up in ``scenarios``.

        A scenario's steps are labelled ``<name>:<step>`` (its name alone for one step).
        """
        moves = {Rise.NOMINAL.value: rise(Rise.NOMINAL, self.shock_bp, self.units)}
        if self.real:
            moves[Rise.REAL.value] = rise(Rise.REAL, self.shock_bp, self.units)
        if self.breakeven_fall_bp is not None:
            fall = rise(Rise.BREAKEVEN, self.breakeven_fall_bp, self.units)
            moves[Rise.BREAKEVEN.value] = fall
        known = scenarios or {}
        missing = [name for name in self.scenarios if name not in known]
        self.check("scenarios", f"scenario names among {list(known)}", not missing)
        for name in self.scenarios:
            scenario = known[name]
            for label, move in zip(scenario.labels, scenario.steps, strict=True):
                moves[f"{name}:{label}" if len(scenario) > 1 else name] = move
        return moves

    def describe(self, policy_days: float) -> str:
        """What the term tests, for reports."""
        days = policy_days if self.within_days is None else self.within_days
        unit = "bond-yield bp" if self.units is RateUnits.YIELD else "zero-rate bp"
        text = (
            f"{self.name}: {self.shock_bp:g}bp rise ({self.yield_rise_bp:g}bp + "
            f"{self.operational_bp:g}bp operational, {unit}), collateral eligible within "
            f"{days:g} days"
        )
        if self.breakeven_fall_bp is not None:
            text += f"; breakevens -{self.breakeven_fall_bp:g}bp"
        if self.scenarios:
            text += f"; and {', '.join(self.scenarios)}"
        return text

    def collateral(self, data: Scaled) -> CollateralModel:
        """The model's collateral data (a SpecError naming this term when it has none)."""
        model = data.data.collateral
        self.check("kind", E_NO_COLLATERAL.format(kind=self.kind), model is not None)
        assert model is not None
        return model

    def values(self, data: Scaled) -> Values:
        """Headroom per scaled unit of each position under each move; initial margin per unit.

        The initial margin (nonnegative) is a parameter only when some position posts it:
        a model built without any has no |x| term, and a state that brings one needs a new
        model (the parameter would appear).
        """
        collateral = self.collateral(data)
        moves = list(self.moves(data.data.scenarios).values())
        available, need = collateral.coefficients(moves, self.within_days)
        values: Values = {"headroom": available - need}
        if np.any(collateral.initial_margin):
            values["initial_margin"] = Nonneg(collateral.margins(moves))
        if collateral.cash_can_bind(self.within_days):
            with_repo, cash_only = collateral.cash_rows(moves, self.within_days)
            values["cash_headroom"] = with_repo
            if collateral.repo_capacity is not None:
                values["cash_only"] = cash_only
                values["repo_capacity"] = collateral.repo_capacity / data.scales.money
        return values

    def cash_rows(self, data: Scaled, z: Any, p: Values, floor: Any = 0.0) -> list[Row]:
        """Variation margin paid in cash, per tested move: ≥ ``floor`` left.

        ``.cash``: cash + money-market funds + same-day repo of government bonds − the
        swaps' call; ``.repo_capacity``: the same with the repo at most its capacity (the
        two together hold cash + min(repo, capacity) − call ≥ floor). None where they cannot
        bind beyond the headroom row (``CollateralModel.cash_can_bind``).
        """
        if "cash_headroom" not in p:
            return []
        labels = tuple(self.moves(data.data.scenarios))
        money = data.scales.money
        name = f"{self.name}.cash"
        rows = [Row(name, p["cash_headroom"] @ z, Sense.GE, floor, 1.0, money, None, labels)]
        if "cash_only" in p:
            capped = p["cash_only"] @ z + p["repo_capacity"]
            name = f"{self.name}.repo_capacity"
            rows.append(Row(name, capped, Sense.GE, floor, 1.0, money, None, labels))
        return rows

    def headroom(self, ops: Ops, data: Scaled, z: Any, p: Values) -> Any:
        """Available − needed collateral per move, in scaled money."""
        value = p["headroom"] @ z
        if "initial_margin" in p:
            value = value - p["initial_margin"] @ ops.abs(z)
        return value

    def rows(self, ops: Ops, data: Scaled, z: Any, p: Values) -> list[Row]:
        """One entry per tested move: the headroom in money, ≥ 0."""
        labels = tuple(self.moves(data.data.scenarios))
        value = self.headroom(ops, data, z, p)
        money = data.scales.money
        rows = [Row(self.name, value, Sense.GE, 0.0, 1.0, money, None, labels)]
        return rows + self.cash_rows(data, z, p)


@term
class LiquidityCoverage(CollateralBuffer):
    r"""Liquid assets ≥ benefit payments over the next ``months`` + stressed margin calls.

    Liquid assets are those eligible as collateral within ``within_days``, after haircut,
    valued after a rise of ``yield_rise_bp`` + ``operational_bp`` (tested like
    ``collateral_buffer``); the benefits are the liabilities' projected payments due in
    (0, months/12] years. Per rise s: Σ (a_i(s) − m_i(s)) x_i − Σ im_o(s) |x_o| ≥ B.
    YAML: ``liquidity_coverage``.
    """

    kind: ClassVar[str] = "liquidity_coverage"
    collateral_order: ClassVar[int | None] = 1  # a buffer's moves are shown first
    tunable: ClassVar[frozenset[str]] = CollateralBuffer.tunable | {"months"}
    operational_bp: MoveBp = 0.0
    months: Annotated[float, Range(low=0.0, high=120.0)] = 3.0

    def describe(self, policy_days: float) -> str:
        """What the term tests, for reports."""
        return f"{super().describe(policy_days)}; plus {self.months:g} months of benefits"

    def values(self, data: Scaled) -> Values:
        """Headroom coefficients and the benefits due (scaled money)."""
        flows = data.data.liability_flows
        due = benefits_due(flows.times, flows.amounts.toarray().sum(axis=0), self.months)
        return {**super().values(data), "benefits": due / data.scales.money}

    def rows(self, ops: Ops, data: Scaled, z: Any, p: Values) -> list[Row]:
        """One entry per tested move: liquid assets net of calls, ≥ the benefits due."""
        labels = tuple(self.moves(data.data.scenarios))
        value = self.headroom(ops, data, z, p)
        money = data.scales.money
        rows = [Row(self.name, value, Sense.GE, p["benefits"], 1.0, money, None, labels)]
        return rows + self.cash_rows(data, z, p, p["benefits"])
