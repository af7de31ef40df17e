"""Simulated one-year P&L of every instrument and of the liabilities.

Each one-year move of the scenario source (the built-in model,
``ldi.scenarios.simulation``, or an external generator's file, ``ldi.scenarios.external``)
is applied to today's positions and liabilities by the model of time
(``ldi.scenarios.carry``): a year of their cash flows and carry, and what is left valued on
the moved curves. P&L is per
unit of position (instruments) and in money (liabilities); with no move it is each one's
expected return, the number the solve's expected-return terms use. Sets of P&L are cached
by (count, seed), so compiling, re-solving and reporting a scenario term revalue once.
"""

from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

import numpy as np
import pandas as pd

from ldi.curves.spread import DEFAULT_KEYS
from ldi.liabilities import Liabilities
from ldi.scenarios.apply import CHUNK, Revaluation
from ldi.scenarios.carry import CarryConvention, Ledger
from ldi.scenarios.scenario import MoveSet
from ldi.typing import FloatArray


class MoveSource(Protocol):
    """Where an engine's annual moves come from: ``ScenarioModel`` or ``ScenarioFile``.

    ``annual_moves(count, seed, years)`` returns ``years`` sets of each year's own moves; a
    model draws ``count`` of them from ``seed``, a file returns all of its own whatever
    ``count`` and ``seed`` are (so a set's ``count`` is the number of scenarios used).
    """

    def annual_moves(self, count: int, seed: int, years: int = 1) -> list[MoveSet]:
        """``years`` sets of moves, each one year's own move (not cumulative)."""
        ...


def tail_mean(losses: FloatArray, confidence: float) -> float:
    """Exact CVaR: the mean of the worst (1 − confidence) share of ``losses``.

    With S losses the tail holds (1 − α) S of them, the last one fractionally, which is the
    value the Rockafellar–Uryasev minimum takes.
    """
    ordered = np.sort(np.asarray(losses, dtype=float))[::-1]
    size = (1.0 - confidence) * ordered.size
    whole = int(np.floor(size))
    partial = ordered[whole] if whole < ordered.size else 0.0
    return float((ordered[:whole].sum() + (size - whole) * partial) / size)


CACHED_SETS = 2
FUNDED = 1e-9  # a funding ratio this close below a floor is at it: rounding, not a shortfall


@dataclass(frozen=True, eq=False)
class ScenarioEngine:
    """One-year P&L under ``model``'s moves of ``revaluation``'s instruments and liabilities.

    Positions age by the model of time with ``carry`` (``ldi.scenarios.carry``); ``keys``
    are the key tenors its re-striking hedges keep.
    """

    revaluation: Revaluation
    liabilities: Liabilities
    model: MoveSource
    carry: CarryConvention = CarryConvention.FORWARDS
    keys: tuple[float, ...] = DEFAULT_KEYS
    _cache: dict[tuple[int, int], tuple[FloatArray, FloatArray]] = field(
        default_factory=dict, init=False, repr=False
    )

    @cached_property
    def ledger(self) -> Ledger:
        """Every position's and the liabilities' flows, aged year by year."""
        revaluation = self.revaluation
        return Ledger(
            revaluation.instruments,
            revaluation.market,
            self.liabilities,
            self.carry,
            np.asarray(self.keys, dtype=float),
            revaluation.columns,
        )

    @cached_property
    def liability_value(self) -> float:
        """The liabilities' value today (money; computed once, read by every re-solve)."""
        return float(self.ledger.today[-1])

    @cached_property
    def expected(self) -> tuple[FloatArray, float]:
        """(expected return per unit (instruments,), the liabilities' expected growth).

        A year of each with no market move: money at year 1 less today's value.
        """
        knots = self.model.annual_moves(1, 0)[0].knots
        still = MoveSet(
            knots, np.zeros((1, knots.size)), np.zeros((1, knots.size)), np.zeros(1), np.zeros(1)
        )
        change = self.ledger.first_year(still)[0] - self.ledger.today
        return change[:-1], float(change[-1])

    def pnl(self, count: int, seed: int) -> tuple[FloatArray, FloatArray]:
        """(per-unit P&L (count x instruments), the liabilities' P&L (count,)) over a year."""
        key = (int(count), int(seed))
        if key not in self._cache:
            (moves,) = self.model.annual_moves(count, seed)
            today = self.ledger.today
            money = np.vstack(
                [
                    self.ledger.first_year(moves.chunk(start, start + CHUNK))
                    for start in range(0, moves.count, CHUNK)
                ]
            )
            change = money - today[None, :]
            # Two sets at most (10,000 x 200 changes are 16 MB): a CVaR term's and the
            # reported outcomes', when a problem sets both, without revaluing each solve.
            while len(self._cache) >= CACHED_SETS:
                del self._cache[next(iter(self._cache))]  # the oldest
            self._cache[key] = (np.ascontiguousarray(change[:, :-1]), change[:, -1].copy())
        return self._cache[key]


@dataclass(frozen=True)
class OutcomeSettings:
    """Which simulated one-year outcomes a solve reports, and a monitored VaR limit.

    ``surplus_var``: the most a year's surplus loss may reach at ``confidence`` (its VaR),
    as a fraction of the liabilities' PV. It is monitored, not optimized (VaR is not
    convex): reports compare it with the VaR before and after. A ``cvar`` limit at the same
    level enforces it, since CVaR >= VaR.
    """

    scenarios: int = 10_000
    seed: int = 0
    confidence: float = 0.95
    surplus_var: float | None = None


OUTCOME_ROWS = (
    "expected_surplus_change",
    "surplus_volatility",
    "value_at_risk",
    "cvar",
    "probability_below_100",
    "probability_below_90",
    "funding_ratio_p5",
    "funding_ratio_p50",
    "funding_ratio_p95",
)


@dataclass(frozen=True, eq=False)
class OutcomeSummary:
    """Simulated one-year outcomes of positions before and after a solve.

    Per scenario, surplus change = P x − ℓ (a year's P&L per unit less the liabilities',
    ``ScenarioEngine.pnl``) and funding ratio = (A + P x) / (L + ℓ), A and L today's
    values. ``after`` is None when the solve has no positions.
    ``var_limit`` (money) is a monitored limit on ``value_at_risk`` (see ``OutcomeSettings``).
    ``count`` is the number of scenarios the engine's moves hold: ``seed``'s simulated
    draws, or every scenario of the external file named ``scenario_file`` (the seed then
    plays no part).
    """

    engine: ScenarioEngine
    liability_size: float
    count: int
    seed: int
    confidence: float
    before: FloatArray
    after: FloatArray | None
    var_limit: float | None = None
    scenario_file: str | None = None

    def _outcomes(self, x: FloatArray) -> dict[str, float]:
        pnl, liability_pnl = self.engine.pnl(self.count, self.seed)
        gains = pnl @ x
        liability = liability_pnl * self.liability_size
        surplus = gains - liability
        assets = float(self.engine.ledger.today[:-1] @ x)
        liabilities = self.engine.liability_value * self.liability_size
        ratio = (assets + gains) / (liabilities + liability)
        losses = -surplus
        return {
            "expected_surplus_change": float(surplus.mean()),
            "surplus_volatility": float(surplus.std(ddof=1)),
            "value_at_risk": float(np.quantile(losses, self.confidence)),
            "cvar": tail_mean(losses, self.confidence),
            "probability_below_100": float(np.mean(ratio < 1.0 - FUNDED)),
            "probability_below_90": float(np.mean(ratio < 0.9 - FUNDED)),
            "funding_ratio_p5": float(np.quantile(ratio, 0.05)),
            "funding_ratio_p50": float(np.quantile(ratio, 0.50)),
            "funding_ratio_p95": float(np.quantile(ratio, 0.95)),
        }

    @cached_property
    def table(self) -> pd.DataFrame:
        """Index: OUTCOME_ROWS (money, probabilities, ratios); columns before, after."""
        columns = {"before": self._outcomes(self.before)}
        if self.after is not None:
            columns["after"] = self._outcomes(self.after)
        return pd.DataFrame(columns).reindex(list(OUTCOME_ROWS)).rename_axis("measure")

    @property
    def var_breached(self) -> dict[str, bool]:
        """Per column (before, after): whether the VaR exceeds ``var_limit`` (none: empty)."""
        if self.var_limit is None:
            return {}
        var = self.table.loc["value_at_risk"]
        return {column: bool(var[column] > self.var_limit) for column in var.index}

    @property
    def source(self) -> str:
        """Where the scenarios come from, for titles: '10,000 scenarios, seed 0'."""
        if self.scenario_file is not None:
            return f"{self.count:,} scenarios from {self.scenario_file}"
        return f"{self.count:,} scenarios, seed {self.seed}"

    def to_dict(self) -> dict[str, object]:
        """The table as records with the simulation's settings and the VaR limit's state.

        ``seed`` is None when the scenarios come from ``scenario_file``.
        """
        return {
            "scenarios": self.count,
            "seed": None if self.scenario_file is not None else self.seed,
            "scenario_file": self.scenario_file,
            "confidence": self.confidence,
            "surplus_var_limit": self.var_limit,
            "var_breached": self.var_breached,
            "outcomes": self.table.reset_index().to_dict(orient="records"),
        }
