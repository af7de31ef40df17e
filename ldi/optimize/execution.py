"""Integer execution: trades in whole lots, each zero or at least a minimum ticket, on HiGHS.

A trade t_i (money) of an instrument with lot L_i (nominal) is k_i whole lots: t_i = L_i p_i
k_i, p_i the money per unit of nominal (a bond's dirty price / 100, else 1), k_i integer. A
minimum ticket M_i makes it zero or at least M_i p_i either way: t_i = t⁺ − t⁻ with
binaries b⁺ + b⁻ ≤ 1 and M_i p_i b^± ≤ t^± ≤ U b^±, U a bound on any trade (BIG x the
capital and the liabilities' PV). An instrument without a minimum ticket takes the
smallest trade (``SolverOptions.min_trade_of``) as its minimum, so no dust remains; cash
moves by what the tickets leave. A line held may be sold out whatever its lots.

The model's own rows and objective pieces stay as they are when they are piecewise linear
(cvxpy's ``is_pwl``): an LP model becomes its exact MILP, solved once by HiGHS's branch and
bound to ``mip_gap``. A convex non-linear piece or row (a norm, a quadratic) is replaced by
outer-approximation cuts, f(v) ≥ f(v_k) + ∇f(v_k)·(v − v_k), at the continuous optimum and
at every point found since (Duran and Grossmann's outer approximation): each round solves
the MILP for the lots, then the continuous problem with those trades held (``Model.pin``),
whose verified optimum is an executable answer. The continuous optimum F* is a lower bound
on every integer answer, so the best answer F is proved within (F − F*) / |F| of the
integer optimum; rounds stop when that gap is at most ``mip_gap``, after ROUNDS rounds or at
``time_limit``. Around a non-linear model's continuous trades the MILP searches a trust
region of a few lots and tickets, doubled each round, since its cuts are exact only near
the points they were taken at.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import cvxpy as cp
import numpy as np
import pandas as pd

from ldi.optimize.model import ExecutionOptions, Model
from ldi.optimize.result import TOLERANCE, LDIResult
from ldi.optimize.solvers import QUIET, silenced
from ldi.optimize.tickets import BONDS
from ldi.typing import FloatArray

ROUNDS = 12  # at most this many rounds of MILP and continuous re-solve
BIG = 10.0  # a trade is at most BIG x max(capital, S)
REACH = 1.5  # the trust region: this many lots around each trade (``_reach``)
SHARE = 0.01  # a trade without a lot: this share of it either way
GAP_FLOOR = 1e-9  # of S: the gap of an objective near 0 is taken against this


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


def tickets_of(model: Model, min_trade: float) -> Tickets:
    """Lots and minimum tickets of the model's instruments in scaled money.

    An instrument without a minimum ticket (but cash) takes the smallest trade
    ``min_trade`` (money).
    """
    scaled = model.scaled
    terms, assets = scaled.data.terms, scaled.data.assets
    money = scaled.scales.money
    dirty = terms["dirty_price"].to_numpy(float) if "dirty_price" in terms else np.nan
    bond = assets["kind"].isin(BONDS).to_numpy() & np.isfinite(dirty) & (dirty > 0)
    price = np.where(bond, np.nan_to_num(dirty) / 100.0, 1.0)
    lot = terms["lot"].to_numpy(float) if "lot" in terms else np.full(scaled.n, np.nan)
    least = terms["min_ticket"].to_numpy(float) if "min_ticket" in terms else lot * np.nan
    cash = (assets["kind"] == "cash").to_numpy()
    untold = np.isnan(least) & ~cash
    least = np.where(untold & (min_trade > 0), min_trade / price, least)
    free = cash | (np.isnan(lot) & ~(least > 0))
    return Tickets(price, lot * price / money, least * price / money, free)


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
    while rounds < ROUNDS:
        rounds += 1
        left = options.time_limit - (time.perf_counter() - start)
        if left <= 0:
            status = "time limit"
            break
        trades = master.solve(options.mip_gap, left, reach)
        if trades is None and (master.exact or master.timed_out):
            status = "time limit" if master.timed_out else "infeasible"
            break
        if trades is None:  # nothing executable this near the continuous trades: look wider
            reach *= 2.0
            continue
        lower = max(lower, master.bound)
        master.cut_here()  # at the MILP's point
        answer = pinned(np.where(tickets.free, np.nan, holdings + trades * money))
        if answer is None:
            reach *= 2.0
        else:
            master.cut_here()  # at the continuous re-solve's point
            if best is None or answer.objective_value < best.objective_value:
                best = answer
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


def _gap(value: float, lower: float) -> float:
    """(value − lower) / |value| (scaled units), against GAP_FLOOR near 0."""
    return max(value - lower, 0.0) / max(abs(value), GAP_FLOOR)


class _Master:
    """The MILP of one round: the model's linear parts, cuts for the rest, and the lots."""

    def __init__(self, model: Model, tickets: Tickets, continuous: LDIResult) -> None:
        compiled = model.compiled
        self.model, self.tickets = model, tickets
        scaled = model.scaled
        self.z, self.held = compiled.z, scaled.holdings
        self.target = continuous.trades.to_numpy(float) / scaled.scales.money
        objective: Any = 0.0
        self.smooth: list[tuple[float, cp.Expression]] = []  # (sign, piece) to cut
        for item in model.objective:
            piece = compiled.pieces[item.term.name]
            if piece.is_pwl():
                objective = objective + item.sign * piece
            else:
                self.smooth.append((item.sign, piece))
        for term, row, _ in compiled.rows:
            if term.soft is not None:
                objective = objective + term.soft * compiled.money_ratio * compiled.pieces[row.name]
        self.linear = [c for c in compiled.problem.constraints if c.expr.is_pwl()]
        self.curved = [c for c in compiled.problem.constraints if not c.expr.is_pwl()]
        self.exact = not self.smooth and not self.curved
        self.epigraph = cp.Variable(len(self.smooth), name="epigraph") if self.smooth else None
        if self.epigraph is not None:
            objective = objective + cp.sum(self.epigraph)
        self.objective = objective
        self.cuts: list[cp.Constraint] = []
        self.integers = _integer_rows(self.z, self.held, tickets, scaled)
        self.bound = -np.inf
        self.timed_out = False
        self.cut_here()  # at the continuous optimum, whose values the variables hold
        self._cut_around(REACH * _reach(tickets, self.target))

    def cut_here(self) -> None:
        """Outer-approximation cuts at the variables' current values.

        A function without a gradient there (a norm at 0) gets no cut at that point.
        """
        for j, (sign, piece) in enumerate(self.smooth):
            cut = _linearized(sign * piece)
            if cut is not None and self.epigraph is not None:
                self.cuts.append(self.epigraph[j] >= cut)
        for constraint in self.curved:
            cut = _linearized(constraint.expr)
            if cut is not None:
                self.cuts.append(cut <= 0)

    def _cut_around(self, width: FloatArray) -> None:
        """Cuts a rounding's width either side of each ticketed trade, one at a time.

        A cut is exact only where it is taken: these bend the MILP's model of a curved
        piece (a tracking error) the way rounding each trade up or down bends it.
        """
        z = np.asarray(self.z.value, dtype=float)
        for i in np.flatnonzero(~self.tickets.free & (width > 0)):
            for side in (-1.0, 1.0):
                moved = z.copy()
                moved[i] += side * width[i]
                self.z.value = moved
                self.cut_here()
        self.z.value = z

    def solve(self, gap: float, seconds: float, reach: float) -> FloatArray | None:
        """The trades (scaled money) of the round's MILP, or None without a solution."""
        region: list[cp.Constraint] = []
        ticketed = np.flatnonzero(~self.tickets.free)
        if not self.exact and ticketed.size:  # cuts hold near their points: search near
            target = self.target[ticketed]
            width = _reach(self.tickets, self.target)[ticketed] * reach
            distance = cp.abs(self.integers.trade[ticketed] - target)
            region = [distance <= width]
            out = ticketed[np.abs(self.target[ticketed] + self.held[ticketed]) < width]
            region += [self.z[out] == 0]  # a line the optimum sells out stays sold out
        problem = cp.Problem(
            cp.Minimize(self.objective),
            self.linear + self.cuts + self.integers.rows + region,
        )
        try:
            with silenced("HIGHS"):
                quiet = QUIET["HIGHS"]
                problem.solve(solver="HIGHS", mip_rel_gap=gap, time_limit=seconds, **quiet)
        except cp.SolverError:
            return None
        self.timed_out = problem.status == cp.USER_LIMIT
        solved = (cp.OPTIMAL, cp.OPTIMAL_INACCURATE, cp.USER_LIMIT)
        if self.z.value is None or problem.status not in solved:
            return None
        if self.exact:  # the whole problem: HiGHS's own bound is a bound on it
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


def _linearized(expr: cp.Expression) -> cp.Expression | None:
    """f(v_k) + ∇f(v_k)·(v − v_k) at the variables' values (None: no gradient there)."""
    value = expr.value
    gradients = expr.grad
    if value is None or any(g is None for g in gradients.values()):
        return None
    cut: Any = np.asarray(value, dtype=float).reshape(-1, order="F")
    for variable, gradient in gradients.items():
        g = gradient.toarray() if hasattr(gradient, "toarray") else np.asarray(gradient)
        g = g.reshape(variable.size, -1)
        at = np.asarray(variable.value, dtype=float).reshape(-1, order="F")
        cut = cut + g.T @ (cp.vec(variable, order="F") - at)
    return cut


@dataclass(frozen=True, eq=False)
class _Integers:
    """The trade t = z − h and the MILP's rows making it executable, with their variables.

    ``count``: whole lots of the instruments ``lot_index``; ``close``: 1 where a line is
    sold out (position 0, whatever the lots), for the instruments ``close_index``.
    """

    trade: cp.Expression
    rows: list[cp.Constraint]
    lot_index: np.ndarray
    count: cp.Variable | None
    close_index: np.ndarray
    close: cp.Variable | None


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
    ticket_index = np.flatnonzero((least > 0) & ticketed)
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
    return _Integers(trade, rows, lot_index, count, close_index, close)


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
            "lot": lot,
            "min_ticket": tickets.least * money / tickets.price,
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
