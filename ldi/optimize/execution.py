"""Integer execution: trades in whole lots, each zero or at least a minimum ticket, on HiGHS.

A trade t_i (money) of an instrument with lot L_i (nominal) is k_i whole lots: t_i = L_i p_i
k_i, p_i the money per unit of nominal (a bond's dirty price / 100, else 1), k_i integer. A
minimum ticket M_i makes it zero or at least M_i p_i either way: t_i = t⁺ − t⁻ with
binaries b⁺ + b⁻ ≤ 1 and M_i p_i b^± ≤ t^± ≤ U b^±, U a bound on any trade (BIG x the
capital and the liabilities' PV); a ticket may carry a fixed cost c_i (b⁺ + b⁻), which
the objective charges (a trade of zero costs nothing). An instrument without a minimum
ticket takes the smallest trade (``SolverOptions.min_trade_of``) as its minimum, so no dust
remains; cash moves by what the tickets leave. A line held may be sold out whatever its
lots.

The model's own rows and objective pieces stay as they are when they are piecewise linear
(cvxpy's ``is_pwl``): an LP model becomes its exact MILP, solved once by HiGHS's branch and
bound to ``mip_gap``. A convex non-linear piece or row (a norm, a quadratic) is replaced by
outer-approximation cuts, f(v) ≥ f(v_k) + ∇f(v_k)·(v − v_k), at the continuous optimum and
at every point found since (Duran and Grossmann's outer approximation): each round solves
the MILP for the lots, then the continuous problem with those trades held (``Model.pin``),
whose verified optimum is an executable answer. Odd rounds search a trust region of
REACH lots around the continuous trades (the cuts are exact only near their points; a
binding row needs several lots of room to pay for a rounding), even rounds the whole
MILP: its cuts underestimate every curved piece, so its bound, like the continuous
optimum F*, is a lower bound L on every integer answer, and the best answer F is proved
within (F − L) / |F| of the integer optimum. Rounds stop when that gap is at most
``mip_gap``, after ROUNDS rounds or at ``time_limit``; a point found before adds nothing,
and a trust region with nothing executable in it doubles. HiGHS stops at the absolute gap
``mip_gap`` x the least |F| still possible (its relative gap leaves out the objective's
constant).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from ldi.lazy import lazy_module
from ldi.optimize.model import ExecutionOptions, Model
from ldi.optimize.result import TOLERANCE, LDIResult
from ldi.optimize.solvers import QUIET, silenced
from ldi.optimize.tickets import nominal_prices
from ldi.typing import FloatArray

cp = lazy_module("cvxpy")  # imported at the first solve

ROUNDS = 12  # at most this many rounds of MILP and continuous re-solve
BIG = 10.0  # a trade is at most BIG x max(capital, S)
REACH = 8.0  # the trust region: this many lots around each trade (``_reach``)
TANGENT = 1.5  # tangents of a rounding: this many lots either side of a trade
SHARE = 0.01  # a trade without a lot: this share of it either way
AROUND = 40  # tangents a rounding either side of at most this many of the largest trades
GAP_FLOOR = 1e-9  # of S: the gap of an objective near 0 is taken against this
# HiGHS's feasibility tolerances for the MILP: its default 1e-7 let presolve cut off better
# roundings of the default scheme (lots of 1e-5 S beside trade bounds of 10 S).
PRECISE = {"mip_feasibility_tolerance": 1e-8}


@dataclass(frozen=True)
class Rounding:
    """The cost of rounding: the continuous optimum against the executed one.

    ``continuous`` and ``integer``: the objective (money-equivalent units) of the continuous
    optimum and of the executed positions; ``bound``: the best lower bound proved on any
    integer answer; ``gap``: (integer − bound) / |integer|; ``status``: ``optimal`` (gap
    within ``mip_gap``), ``time limit`` or ``round limit``; ``moved``: the hard rows whose
    value moved by more than the tolerance (index: row; before, after, bound);
    ``lots``: per instrument traded, its lot and minimum ticket (nominal), lots traded, and
    whether it sold the line out.
    """

    continuous: float
    integer: float
    bound: float
    gap: float
    mip_gap: float
    rounds: int
    time_s: float
    status: str
    moved: pd.DataFrame = field(default_factory=pd.DataFrame)
    lots: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def cost(self) -> float:
        """What rounding costs in objective: integer − continuous (≥ 0 up to tolerance)."""
        return self.integer - self.continuous

    def to_dict(self) -> dict[str, Any]:
        """Plain numbers and rows, for JSON."""
        return {
            "continuous": self.continuous,
            "integer": self.integer,
            "bound": self.bound,
            "gap": self.gap,
            "mip_gap": self.mip_gap,
            "rounds": self.rounds,
            "time_s": self.time_s,
            "status": self.status,
            "moved": self.moved.rename_axis("row").reset_index().to_dict("records"),
            "lots": self.lots.rename_axis("instrument").reset_index().to_dict("records"),
        }


Pinned = Callable[[FloatArray], LDIResult | None]
"""A verified result of the continuous problem with positions pinned (money; NaN free)."""


@dataclass(frozen=True)
class Tickets:
    """Per instrument: money per unit of nominal, lot and minimum ticket (scaled money)."""

    price: FloatArray
    step: FloatArray  # a lot in scaled money (NaN: none)
    least: FloatArray  # the minimum ticket in scaled money (NaN or 0: none)
    free: np.ndarray  # trades neither lot nor ticket: cash, and all without either
    fixed: FloatArray  # the cost of a ticket in scaled money (0: none)


def tickets_of(model: Model, min_trade: float) -> Tickets:
    """Lots and minimum tickets of the model's instruments in scaled money.

    An instrument without a minimum ticket (but cash) takes the smallest trade
    ``min_trade`` (money).
    """
    scaled = model.scaled
    terms, assets = scaled.data.terms, scaled.data.assets
    money = scaled.scales.money
    dirty = terms["dirty_price"] if "dirty_price" in terms else np.full(scaled.n, np.nan)
    price, _ = nominal_prices(assets["kind"].to_numpy(), dirty)
    lot = terms["lot"].to_numpy(float) if "lot" in terms else np.full(scaled.n, np.nan)
    least = terms["min_ticket"].to_numpy(float) if "min_ticket" in terms else lot * np.nan
    cash = (assets["kind"] == "cash").to_numpy()
    untold = np.isnan(least) & ~cash
    least = np.where(untold & (min_trade > 0), min_trade / price, least)
    fixed = terms["ticket_cost"].to_numpy(float) if "ticket_cost" in terms else lot * 0.0
    fixed = np.where(cash, 0.0, np.nan_to_num(fixed))
    free = cash | (np.isnan(lot) & ~(least > 0) & ~(fixed > 0))
    return Tickets(price, lot * price / money, least * price / money, free, fixed / money)


def executed(
    model: Model,
    continuous: LDIResult,
    options: ExecutionOptions,
    min_trade: float,
    pinned: Pinned,
) -> tuple[LDIResult, Rounding]:
    """The best executable answer found and the cost of rounding (see the module)."""
    start = time.perf_counter()
    money = model.scales.money
    tickets = tickets_of(model, min_trade)
    master = _Master(model, tickets, continuous)
    best: LDIResult | None = None
    lower = continuous.objective_value / money
    rounds, status, reach = 0, "round limit", REACH
    holdings = model.scaled.data.holdings.to_numpy(float)
    seen: list[FloatArray] = []
    while rounds < ROUNDS:
        rounds += 1
        left = options.time_limit - (time.perf_counter() - start)
        if left <= 0:
            status = "time limit"
            break
        # Odd rounds search near the continuous trades; even ones the whole MILP, whose
        # bound (its cuts underestimate every curved piece) bounds every integer answer.
        whole = master.exact or rounds % 2 == 0
        enough = options.mip_gap * _scale(lower, best, money)
        trades = master.solve(enough, left, None if whole else reach)
        if trades is None and (whole or master.timed_out):
            status = "time limit" if master.timed_out else "infeasible"
            break
        if trades is None:  # nothing executable this near the continuous trades: look wider
            reach *= 2.0
            continue
        if not any(np.array_equal(trades, old, equal_nan=True) for old in seen):
            seen.append(trades)
            master.cut_here()  # at the MILP's point
            answer = pinned(np.where(tickets.free, np.nan, holdings + trades * money))
            answer = None if answer is None else _charged(answer, tickets, money)
            if answer is None:
                reach *= 2.0
            else:
                master.cut_here()  # at the continuous re-solve's point
                if best is None or answer.objective_value < best.objective_value:
                    best = answer
        lower = _bounded(lower, master.bound, best, money)
        if best is not None and _gap(best.objective_value / money, lower) <= options.mip_gap:
            status = "optimal"
            break
        if master.exact:  # an LP model: its MILP is the whole problem
            status = "optimal" if best is not None else "infeasible"
            break
    if best is None:
        raise ExecutionError(E_NO_ROUNDING.format(status=status, rounds=rounds))
    integer = best.objective_value
    rounding = Rounding(
        continuous=continuous.objective_value,
        integer=integer,
        bound=lower * money,
        gap=_gap(integer / money, lower),
        mip_gap=options.mip_gap,
        rounds=rounds,
        time_s=time.perf_counter() - start,
        status=status,
        moved=_moved(continuous.constraints, best.constraints),
        lots=_lots(tickets, best, money),
    )
    return best, rounding


class ExecutionError(Exception):
    """No executable rounding was found: the caller diagnoses the integer problem."""


E_NO_ROUNDING = "no executable rounding found ({status} after {rounds} rounds)"


def _charged(result: LDIResult, tickets: Tickets, money: float) -> LDIResult:
    """``result`` with its tickets' fixed costs as an objective row (none without costs).

    The row ``ticket_costs`` (money, weight 1) charges each instrument's ticket cost once
    for a trade that is not zero.
    """
    if not np.any(tickets.fixed > 0):
        return result
    written = (result.trades != 0.0).to_numpy()
    cost = float(np.sum(tickets.fixed[written])) * money
    row = pd.DataFrame(
        {
            "kind": ["ticket_costs"],
            "sense": ["minimize"],
            "weight": [1.0],
            "value": [cost],
            "unit": ["money"],
            "contribution": [cost],
        },
        index=pd.Index(["ticket_costs"], name="term"),
    )
    return replace(result, objective=pd.concat([result.objective, row]))


def _bounded(lower: float, bound: float, best: LDIResult | None, money: float) -> float:
    """The lower bound with the whole MILP's ``bound`` (scaled), when it can be trusted.

    A bound is only as good as HiGHS's tolerances: one above an answer already found, by
    more than the tolerance answers are checked to, is wrong and left out; one above it by
    less is the answer's own value.
    """
    if best is None or not np.isfinite(bound):
        return max(lower, bound)
    found = best.objective_value / money
    if bound > found + TOLERANCE * max(abs(found), GAP_FLOOR):
        return lower
    return max(lower, min(bound, found))


def _scale(lower: float, best: LDIResult | None, money: float) -> float:
    """The least |F| of any answer F between ``lower`` and the best (scaled units).

    The gap (F − L) / |F| is within ``mip_gap`` once F − L ≤ mip_gap × this.
    """
    ends = [lower] if best is None else [lower, best.objective_value / money]
    if min(ends) <= 0.0 <= max(ends):
        return GAP_FLOOR
    return max(min(abs(end) for end in ends), GAP_FLOOR)


def _gap(value: float, lower: float) -> float:
    """(value − lower) / |value| (scaled units), against GAP_FLOOR near 0."""
    return max(value - lower, 0.0) / max(abs(value), GAP_FLOOR)


class _Cuts:
    """Outer-approximation cuts as rows of parameter matrices, so the MILP compiles once.

    Row i reads S_i·η ≥ a_i + Σ_v G_v,i·vec(v) (η the epigraph of the curved objective
    pieces; S_i picks the piece) or, for a curved constraint's rows, 0 ≥ a_i + Σ_v G_v,i·vec(v).
    Unused rows repeat the first, so they bind nothing new.
    """

    def __init__(self, variables: list[cp.Variable], rows: int, pieces: int) -> None:
        self.variables, self.rows = variables, rows
        self.a = cp.Parameter(rows, name="cut_constant")
        self.g = [cp.Parameter((rows, v.size), name=f"cut_{v.name()}") for v in variables]
        self.pick = cp.Parameter((rows, max(pieces, 1)), name="cut_piece") if pieces else None
        self.taken: list[tuple[FloatArray, list[FloatArray], FloatArray]] = []

    def add(self, expr: cp.Expression, pick: FloatArray) -> None:
        """Cut ``expr`` at the variables' values (none where it has no gradient there)."""
        value, gradients = expr.value, expr.grad
        if value is None or any(gradients.get(v) is None for v in self.variables if v in gradients):
            return
        value = np.atleast_1d(np.asarray(value, dtype=float)).reshape(-1, order="F")
        constant, rows = value.copy(), []
        for variable in self.variables:
            g = gradients.get(variable)
            g = np.zeros((variable.size, value.size)) if g is None else _dense(g, variable.size)
            at = np.asarray(variable.value, dtype=float).reshape(-1, order="F")
            constant -= g.T @ at
            rows.append(g.T)
        for k in range(value.size):
            if len(self.taken) < self.rows:
                self.taken.append((constant[k], [r[k] for r in rows], pick))

    def refresh(self) -> None:
        """The parameters from the cuts taken (unused rows repeat the first)."""
        taken = self.taken + [self.taken[0]] * (self.rows - len(self.taken))
        self.a.value = np.array([t[0] for t in taken])
        for j, parameter in enumerate(self.g):
            parameter.value = np.array([t[1][j] for t in taken])
        if self.pick is not None:
            self.pick.value = np.array([t[2] for t in taken])

    def constraint(self, epigraph: cp.Variable | None) -> cp.Constraint:
        """The rows as one constraint."""
        linear: Any = self.a
        for variable, parameter in zip(self.variables, self.g, strict=True):
            linear = linear + parameter @ cp.vec(variable, order="F")
        if epigraph is None or self.pick is None:
            return linear <= 0
        return self.pick @ epigraph >= linear


def _dense(gradient: Any, size: int) -> FloatArray:
    """A cvxpy gradient as a dense (variable size, expression size) array."""
    g = gradient.toarray() if hasattr(gradient, "toarray") else np.asarray(gradient)
    return np.asarray(g, dtype=float).reshape(size, -1)


class _Master:
    """The MILP of the rounds: the model's linear parts, cuts for the rest, and the lots.

    Built and compiled once: each round changes only parameters (the cuts, the width of
    the trust region).
    """

    def __init__(self, model: Model, tickets: Tickets, continuous: LDIResult) -> None:
        compiled = model.compiled
        self.tickets = tickets
        scaled = model.scaled
        self.z, self.held = compiled.z, scaled.holdings
        self.target = continuous.trades.to_numpy(float) / scaled.scales.money
        objective: Any = 0.0
        self.smooth: list[cp.Expression] = []  # sign x piece, each cut
        for item in model.objective:
            piece = compiled.pieces[item.term.name]
            if piece.is_pwl():
                objective = objective + item.sign * piece
            else:
                self.smooth.append(item.sign * piece)
        for term, row, _ in compiled.rows:
            if term.soft is not None:
                objective = objective + term.soft * compiled.money_ratio * compiled.pieces[row.name]
        linear = [c for c in compiled.problem.constraints if c.expr.is_pwl()]
        self.curved = [c.expr for c in compiled.problem.constraints if not c.expr.is_pwl()]
        self.exact = not self.smooth and not self.curved
        self.integers = _integer_rows(self.z, self.held, tickets, scaled)
        # wider than any trade the integer rows allow: the whole MILP has no trust region
        self.wide = 2.0 * (BIG * max(abs(scaled.capital), 1.0) + np.abs(self.held))
        self.wide = self.wide + np.abs(self.target)
        self.bound = -np.inf
        self.timed_out = False
        rows = linear + self.integers.rows
        objective = objective + self.integers.charged
        self.width = None
        if not self.exact:
            rows += self._cut_rows()
            objective = objective + (0 if self.epigraph is None else cp.sum(self.epigraph))
        self.problem = cp.Problem(cp.Minimize(objective), rows)

    def _cut_rows(self) -> list[cp.Constraint]:
        """The cuts' rows and the trust region around the continuous trades.

        Cuts are taken at the continuous optimum and a rounding either side of each trade.
        """
        ticketed = np.flatnonzero(~self.tickets.free)
        reach = _reach(self.tickets, self.target)
        # The largest trades of the continuous optimum (a tangent costs a gradient): the
        # others are priced by the tangents at the optimum and at the points found.
        candidates = np.flatnonzero(~self.tickets.free & (reach > 0) & (self.target != 0.0))
        largest = np.argsort(-np.abs(self.target[candidates]), kind="stable")[:AROUND]
        moves = np.sort(candidates[largest])
        points = 1 + 2 * moves.size + 2 * ROUNDS
        pieces = len(self.smooth)
        self.epigraph = cp.Variable(pieces, name="epigraph") if pieces else None
        self.banks = []
        if pieces:
            variables = _variables(self.smooth)
            self.objective_cuts = _Cuts(variables, points * pieces, pieces)
            self.banks.append((self.objective_cuts, self.epigraph))
        if self.curved:
            variables = _variables(self.curved)
            size = sum(int(e.size) for e in self.curved)
            self.constraint_cuts = _Cuts(variables, points * size, 0)
            self.banks.append((self.constraint_cuts, None))
        self.cut_here()  # at the continuous optimum, whose values the variables hold
        z = np.asarray(self.z.value, dtype=float)
        for i in moves:  # these bend the model of a curved piece the way rounding does
            for side in (-1.0, 1.0):
                moved = z.copy()
                moved[i] += side * TANGENT * reach[i]
                self.z.value = moved
                self.cut_here()
        self.z.value = z
        self.width = cp.Parameter(ticketed.size, nonneg=True, name="reach")
        self.near = cp.Parameter(nonneg=True, name="near")
        target = self.target[ticketed]
        out = ticketed[np.abs(target + self.held[ticketed]) < TANGENT * reach[ticketed]]
        return [
            *(bank.constraint(epigraph) for bank, epigraph in self.banks),
            cp.abs(self.integers.trade[ticketed] - target) <= self.width,
            self.near * self.z[out] == 0,  # near the optimum, a line it sells out stays out
        ]

    def cut_here(self) -> None:
        """Outer-approximation cuts at the variables' current values.

        A function without a gradient there (a norm at 0) gets no cut at that point.
        """
        if self.exact:
            return
        for j, piece in enumerate(self.smooth):
            self.objective_cuts.add(piece, np.eye(len(self.smooth))[j])
        for expr in self.curved:
            self.constraint_cuts.add(expr, np.zeros(1))

    def solve(self, enough: float, seconds: float, reach: float | None) -> FloatArray | None:
        """The trades (scaled money) of the round's MILP, or None without a solution.

        ``enough``: the absolute gap (scaled) at which HiGHS stops. Its relative gap would
        leave out cvxpy's constant, so it is not used. ``reach``: the trust region in widths
        of ``_reach`` around the continuous trades; None: the whole MILP, whose bound
        (HiGHS's dual bound, proved even when it stops at the time limit) is then ``bound``.
        """
        if not self.exact:
            for bank, _ in self.banks:
                bank.refresh()
            ticketed = ~self.tickets.free
            width = _reach(self.tickets, self.target)[ticketed]
            self.width.value = self.wide[ticketed] if reach is None else reach * width
            self.near.value = 0.0 if reach is None else 1.0
        problem = self.problem
        try:
            with silenced("HIGHS"):
                settings = {**QUIET["HIGHS"], **PRECISE}
                problem.solve(
                    solver="HIGHS",
                    mip_rel_gap=0.0,
                    mip_abs_gap=enough,
                    time_limit=seconds,
                    **settings,
                )
        except cp.SolverError:
            return None
        self.timed_out = problem.status == cp.USER_LIMIT
        solved = (cp.OPTIMAL, cp.OPTIMAL_INACCURATE, cp.USER_LIMIT)
        if self.z.value is None or problem.status not in solved:
            return None
        if reach is None:  # a relaxation of the integer problem: a bound
            stats = problem.solver_stats.extra_stats
            offset = problem.value - stats.objective_function_value  # cvxpy's constant
            self.bound = float(stats.mip_dual_bound) + offset
        return self._whole_lots()

    def _whole_lots(self) -> FloatArray:
        """The trades as whole lots exactly (the MILP's integers, not its floats).

        A line sold out trades −h; an instrument without a ticket is NaN (free).
        """
        t, integers = self.tickets, self.integers
        trades = np.asarray(integers.trade.value, dtype=float)
        if integers.count is not None:
            index = integers.lot_index
            trades[index] = np.round(np.asarray(integers.count.value, dtype=float)) * t.step[index]
        if integers.close is not None:
            closed = integers.close_index[np.asarray(integers.close.value) > 0.5]
            trades[closed] = -self.held[closed]
        trades[t.free] = np.nan
        return trades


def _variables(exprs: list[cp.Expression]) -> list[cp.Variable]:
    """The variables of ``exprs``, each once, in a fixed order."""
    seen: dict[int, cp.Variable] = {}
    for expr in exprs:
        for variable in expr.variables():
            seen.setdefault(variable.id, variable)
    return [seen[key] for key in sorted(seen)]


def _reach(tickets: Tickets, target: FloatArray) -> FloatArray:
    """How far from each continuous trade a round first looks (scaled money).

    A lot either way; and a trade below its minimum ticket may become zero or the minimum,
    a whole line sold out or kept: so as far as the ticket, or the holding, reaches.
    """
    step = np.nan_to_num(tickets.step)
    least = np.nan_to_num(tickets.least)
    small = np.abs(target) < least
    width = np.where(step > 0, step, SHARE * np.abs(target))
    return np.where(small, np.maximum(width, least - np.abs(target) + step), width)


@dataclass(frozen=True, eq=False)
class _Integers:
    """The trade t = z − h and the MILP's rows making it executable, with their variables.

    ``count``: whole lots of the instruments ``lot_index``; ``close``: 1 where a line is
    sold out (position 0, whatever the lots), for the instruments ``close_index``;
    ``charged``: the fixed cost of the tickets written (scaled money).
    """

    trade: cp.Expression
    rows: list[cp.Constraint]
    lot_index: np.ndarray
    count: cp.Variable | None
    close_index: np.ndarray
    close: cp.Variable | None
    charged: Any = 0.0  # what the tickets cost (scaled money)


def _integer_rows(z: cp.Variable, held: FloatArray, tickets: Tickets, scaled: Any) -> _Integers:
    """Whole lots, tickets zero or at least the minimum, and whole lines sold out.

    A line held (h ≠ 0) may be closed: z = 0, the trade −h whatever the lots, and no
    minimum ticket for it (|z| ≤ U (1 − c), the remainder r in t = lots + r within |h| c).
    """
    trade = z - held
    rows: list[cp.Constraint] = []
    bound = BIG * max(abs(scaled.capital), 1.0) + np.abs(held)
    step, least = tickets.step, np.nan_to_num(tickets.least)
    ticketed = ~tickets.free
    close_index = np.flatnonzero(ticketed & (held != 0.0))
    close = cp.Variable(close_index.size, boolean=True, name="close") if close_index.size else None
    rest = np.zeros(z.size)
    closing: Any = np.zeros(z.size)
    if close is not None:
        remainder = cp.Variable(close_index.size, name="remainder")
        within = np.abs(held[close_index])
        rows += [
            cp.abs(remainder) <= cp.multiply(within, close),
            cp.abs(z[close_index]) <= cp.multiply(bound[close_index], 1 - close),
        ]
        pick = np.zeros((z.size, close_index.size))
        pick[close_index, np.arange(close_index.size)] = 1.0
        rest, closing = pick @ remainder, pick @ close
    lot_index = np.flatnonzero(np.isfinite(step))
    count = None
    if lot_index.size:
        count = cp.Variable(lot_index.size, integer=True, name="lots")
        lotted = cp.multiply(step[lot_index], count)
        rows.append(trade[lot_index] == lotted + (rest[lot_index] if close is not None else 0))
    ticket_index = np.flatnonzero(((least > 0) | (tickets.fixed > 0)) & ticketed)
    charged: Any = 0.0
    if ticket_index.size:
        up = cp.Variable(ticket_index.size, boolean=True, name="buy")
        down = cp.Variable(ticket_index.size, boolean=True, name="sell")
        bought = cp.Variable(ticket_index.size, nonneg=True, name="bought")
        sold = cp.Variable(ticket_index.size, nonneg=True, name="sold")
        big, small = bound[ticket_index], least[ticket_index]
        exempt = closing[ticket_index] if close is not None else 0.0
        rows += [
            trade[ticket_index] == bought - sold,
            up + down <= 1,
            bought <= cp.multiply(big, up),
            sold <= cp.multiply(big, down),
            bought >= cp.multiply(small, up - exempt),
            sold >= cp.multiply(small, down - exempt),
        ]
        charged = tickets.fixed[ticket_index] @ (up + down)
    return _Integers(trade, rows, lot_index, count, close_index, close, charged)


def _moved(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Hard rows whose value moved by more than the tolerance, the largest moves first."""
    hard = before.index[~before["soft"].astype(bool)]
    old = before.loc[hard, "value"].astype(float)
    new = after.loc[hard, "value"].astype(float)
    size = np.maximum(1.0, np.maximum(old.abs(), new.abs()))
    change = (new - old).abs() / size
    keep = change > TOLERANCE
    table = pd.DataFrame(
        {"before": old[keep], "after": new[keep], "bound": before.loc[hard[keep], "bound"]}
    )
    return table.loc[change[keep].sort_values(ascending=False).index].rename_axis("row")


def _lots(tickets: Tickets, result: LDIResult, money: float) -> pd.DataFrame:
    """Per instrument traded in tickets: lot and minimum ticket (nominal), lots traded.

    A line sold out (position 0) shows ``sold_out`` and no lots: it trades the holding.
    """
    trades = result.trades
    lot = tickets.step * money / tickets.price
    sold_out = (result.positions == 0.0).to_numpy()
    table = pd.DataFrame(
        {
            "lot": np.round(lot, 2),  # nominal, to the penny (no float residue)
            "min_ticket": np.round(tickets.least * money / tickets.price, 2),
            "lots": np.where(
                sold_out, np.nan, np.round(trades.to_numpy(float) / (lot * tickets.price))
            ),
            "sold_out": sold_out,
        },
        index=trades.index,
    )
    return table[(trades != 0.0).to_numpy() & ~tickets.free].rename_axis("instrument")


def unexecutable(model: Model, continuous: LDIResult, min_trade: float) -> pd.DataFrame:
    """Each ticketed trade of the continuous optimum with the executable trades around it.

    Index: instrument; trade (money), lot and min_ticket (nominal), below and above: the
    nearest trades in whole lots, each zero or at least the minimum ticket (money).
    """
    money = model.scales.money
    tickets = tickets_of(model, min_trade)
    trades = continuous.trades.to_numpy(float)
    step = np.nan_to_num(tickets.step) * money
    least = np.nan_to_num(tickets.least) * money
    lots = np.where(step > 0, trades / np.where(step > 0, step, 1.0), trades)
    below = np.where(step > 0, np.floor(lots) * step, trades)
    above = np.where(step > 0, np.ceil(lots) * step, trades)
    small = np.abs(trades) < least
    below = np.where(small, np.where(trades > 0, 0.0, -least), below)
    above = np.where(small, np.where(trades > 0, least, 0.0), above)
    table = pd.DataFrame(
        {
            "trade": trades,
            "lot": step / tickets.price,
            "min_ticket": least / tickets.price,
            "below": below,
            "above": above,
        },
        index=continuous.trades.index,
    )
    keep = ~tickets.free & (trades != 0.0)
    return table[keep].rename_axis("instrument")
