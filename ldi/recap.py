"""The recapitalisation plan of a book: what to sell or unwind, by which day, at what cost.

After a stress (a scenario of the problem, or none: the book as it stands) the plan must

- meet the calls the stress has made from collateral in hand (days 0) by day 1, as
  derivative margin calls are due within one or two days, and
- restore the buffer by the deadline D: collateral left (as the problem's collateral policy
  counts it, within its window) after a further rise of ``target_bp``, nominal, and real
  when the book has inflation risk.

Each test is a headroom row h_k (``ldi.liquidity.collateral``): the total, and with cash
variation margin also the cash c + R − v and, under a repo capacity K, c + K − v (so
min(R, K) needs no more than two linear rows). Using u_a of action a raises h_k by r_ka u_a,
so the plan is ``ldi.optimize.recap``'s LP with need −h_k. Per unit of each action, with
S the stress, M = S then the rise, s_i = V_i(S)/V_i(0) and k_i(M) the position's
coefficient in the row:

- sell a physical asset (money at stressed prices; not cash or money-market funds, nor
  bonds pledged to repo): r = (1 − c_i) − k_i(M)/s_i, its proceeds landing as cash;
- unwind an overlay (notional, towards zero): its calls after the stress stop,
  r = sgn(x_i)(m_i(M) − m_i(S)), plus the initial margin it frees in the total rows;
- repay a repo that ends within the window (cash borrowed) instead of rolling it at the
  stressed haircut h' (``ldi.liquidity.collateral``): r = −1 − k_i(M, rolled), as a repo
  repaid has −1 in every row (1 in cash, its bond back). In the total rows that is
  h'/(1 − h') − h_c (1 + r_c)/(1 − h): the top-up and the bond pledged against 1 in cash;
  in the cash rows the cash paid against the bond back. It is paid on the day the repo
  ends and costs nothing but the collateral it uses;
- call on the sponsor: r = 1.

An action costs its bid/offer c_i, for a sale the expected return it gives up over the
policy's horizon (a growth asset's expected return over the cash rate; a bond's spread),
and for risk given up ``hedge_charge_bp`` × (|PV01_i| + |IE01_i|): the loss a move of that
size (default the target) would bring on the hedge the action gives up.
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from ldi.curves.spread import RateSpread
from ldi.display import report_of
from ldi.errors import DataError
from ldi.instruments import Role
from ldi.instruments.conventions import settlement_days
from ldi.liquidity.buffer import BUFFER_UNITS
from ldi.liquidity.collateral import (
    CALENDAR_DAYS_PER_BUSINESS_DAY,
    CASH_POOLS,
    AssetClass,
    CollateralModel,
)
from ldi.liquidity.recapitalisation import (
    DEADLINE_DAYS,
    TARGET_BP,
    ActionTerms,
    RecapitalisationPolicy,
)
from ldi.optimize.recap import Action, Plan, recapitalisation_plan
from ldi.optimize.terms.liquidity import CollateralBuffer
from ldi.optimize.terms.objectives import DEFAULT_COST_BP, TransactionCosts
from ldi.problem import Problem
from ldi.scenarios import Move
from ldi.units import BP, DAYS_PER_YEAR

TPR_MINIMUM_BP = 250.0  # TPR: a market-stress buffer of at least 250bp
CALLS_DUE_DAY = 1  # margin calls are met within one or two days (AFM/DNB 2024)
SPONSOR = "SPONSOR"
E_ID = "recapitalisation.actions.{key}: got {key!r}; expected an instrument id, one of {ids}"
E_SCENARIO = "scenario: got {value!r}; expected one of {names}"
E_TARGET = "target_bp: got {value!r}; expected a rise of 0 to 2000 bp"
E_DEADLINE = "days: got {value!r}; expected a whole number of days from 1 to 250"


@dataclass(frozen=True, eq=False)
class Recapitalisation:
    """A book's recapitalisation plan (``recapitalise``) with what it costs in hedge and return.

    ``candidates`` (index: action): instrument, kind (sell, unwind, repay, sponsor), category,
    bucket (the key tenor of its largest rate or inflation risk), day, amount (the most it
    can use), cost per unit (what the plan minimizes), trading cost (bid/offer) and cash
    per unit, expected return given up per unit (a year), and PV01, IE01 and key-rate PV01
    given up per unit.
    ``headroom`` (index: test): headroom before the plan, money. ``late``: positions (and
    the sponsor) whose cash would arrive after the deadline, with their days.
    ``calls_met``: how collateral in hand meets the stress's own calls before the plan
    (``CollateralModel.waterfall`` with no days to wait): the swaps' variation margin from
    cash, money-market funds and same-day repo of government bonds (the repo to raise),
    the other calls from what is left.
    ``hedge_before`` and ``liability_risk``: PV01 and IE01 on today's market.
    """

    name: str
    currency: str
    scenario: str | None
    target_bp: float
    deadline: int
    hedge_charge_bp: float
    plan: Plan
    candidates: pd.DataFrame
    headroom: pd.Series
    late: pd.Series
    hedge_before: pd.Series
    liability_risk: pd.Series
    calls_met: pd.DataFrame

    @property
    def ok(self) -> bool:
        """True when a plan meets every test."""
        return self.plan.status.value == "optimal"

    @cached_property
    def steps(self) -> pd.DataFrame:
        """The plan in the order to act: day, what, instrument, amount, bid/offer paid.

        ``raised``: the money each step adds to the first test's buffer (nominal, total).
        """
        plan = self.plan.actions
        table = self.candidates.loc[plan.index, ["kind", "instrument", "category", "bucket"]]
        table.insert(0, "day", plan["day"].astype(int))
        table["amount"] = plan["used"]
        table["trading_cost"] = (
            plan["used"] * self.candidates.loc[plan.index, "trading_cost_per_unit"]
        )
        table["raised"] = plan["raised"]
        return table.rename_axis("action")

    @cached_property
    def used(self) -> pd.Series:
        """Amount used of every candidate (0 when unused)."""
        return self.plan.actions["used"].reindex(self.candidates.index, fill_value=0.0)

    @cached_property
    def by_day(self) -> pd.DataFrame:
        """Per day 0..D: cash the plan brings in and the headroom of each test after it.

        A test's headroom is the smaller of its rows (total, and the cash rows).
        """
        if not self.ok:
            return pd.DataFrame()
        day = self.candidates["day"].to_numpy(dtype=int)
        cash = self.used.to_numpy() * self.candidates["cash_per_unit"].to_numpy()
        table = pd.DataFrame(index=pd.RangeIndex(self.deadline + 1, name="day"))
        table["cash_in"] = np.bincount(day, weights=cash, minlength=self.deadline + 1)
        for test in _test_names(self.plan.tests):
            rows = [t for t in self.plan.tests if t.split("/")[0] == test]
            left = [
                self.headroom[t] + self.plan.by_day(t)["raised_so_far"].to_numpy() for t in rows
            ]
            table[test] = np.min(left, axis=0)
        return table.round(2)  # whole cents: the solver's residue below them is noise

    @cached_property
    def hedge(self) -> pd.DataFrame:
        """Hedge ratios (rates, inflation) before the plan, after it, and the change."""
        lost = {risk: float(self.used @ self.candidates[risk]) for risk in ("pv01", "ie01")}
        rows = {}
        for risk, label in (("pv01", "rates"), ("ie01", "inflation")):
            liability = float(self.liability_risk[risk])
            if liability == 0:
                continue
            before = float(self.hedge_before[risk]) / liability
            after = (float(self.hedge_before[risk]) - lost[risk]) / liability
            rows[label] = {"before": before, "after": after, "change": after - before}
        return pd.DataFrame.from_dict(rows, orient="index").rename_axis("risk")

    @cached_property
    def hedge_by_bucket(self) -> pd.DataFrame:
        """Each key tenor's PV01 given up, hedge ratio change and liability PV01 (index: '30y')."""
        keys = [c for c in self.candidates.columns if c.startswith("pv01_")]
        lost = self.used.to_numpy() @ self.candidates[keys].to_numpy()
        liability = self.liability_risk[keys].to_numpy(dtype=float)
        change = np.divide(-lost, liability, out=np.zeros_like(lost), where=liability != 0)
        table = pd.DataFrame(
            {"pv01_given_up": lost, "hedge_ratio_change": change, "liability_pv01": liability},
            index=pd.Index([k.removeprefix("pv01_") for k in keys], name="bucket"),
        )
        return table

    @property
    def trading_cost(self) -> float:
        """Bid/offer the plan pays, and the sponsor's fee (money)."""
        return float(self.used @ self.candidates["trading_cost_per_unit"])

    @property
    def expected_return_given_up(self) -> float:
        """Expected return (money a year) the plan's sales give up."""
        return float(self.used @ self.candidates["return_per_unit"])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary: the plan, its days, cost in hedge and return, the diagnosis."""
        return {
            "name": self.name,
            "currency": self.currency,
            "scenario": self.scenario,
            "target_bp": self.target_bp,
            "deadline_days": self.deadline,
            "hedge_charge_bp": self.hedge_charge_bp,
            "status": self.plan.status.value,
            "diagnosis": self.plan.diagnosis,
            "trading_cost": self.trading_cost if self.ok else None,
            "headroom_before": self.headroom.to_dict(),
            "expected_return_given_up": self.expected_return_given_up if self.ok else None,
            "steps": self.steps.reset_index().to_dict(orient="records"),
            "days": self.by_day.reset_index().to_dict(orient="records"),
            "hedge": self.hedge.reset_index().to_dict(orient="records") if self.ok else [],
            "buckets": self.hedge_by_bucket.reset_index().to_dict(orient="records"),
            "late": self.late.astype(float).to_dict(),
            "calls_met": self.calls_met.reset_index().to_dict(orient="records"),
        }

    def report(self) -> Any:
        """The plan's report (``ldi.reporting.recap_report.RecapReport``): text and a chart."""
        return report_of(self)


def recapitalise(
    problem: Problem,
    positions: Mapping[str, float] | pd.Series | None = None,
    *,
    scenario: str | None = None,
    target_bp: float | None = None,
    days: int | None = None,
) -> Recapitalisation:
    """The cheapest plan restoring ``positions``' buffer (default: the holdings) by day ``days``.

    ``scenario``: a stress scenario of the problem applied first (its last step; default:
    the policy's, else none: the book as it stands). ``target_bp``: the rise the buffer
    must absorb (default: the policy's, else the problem's ``collateral_buffer`` rise plus
    operational buffer, else TPR's 250bp). ``days``: the deadline (default: the policy's,
    else the collateral window).
    """
    policy = problem.recapitalisation or RecapitalisationPolicy()
    scenario = scenario if scenario is not None else policy.scenario
    target = _target(problem, policy, target_bp)
    deadline = _deadline(problem, policy, days)
    stress = _stress(problem, scenario)
    model = problem.collateral_model()
    x = problem.position_vector(positions)
    unknown = sorted(set(policy.actions) - set(model.ids))
    if unknown:
        raise DataError(E_ID.format(key=unknown[0], ids=sorted(model.ids)))
    risk = problem.instrument_risk()
    book = _Book(problem, policy, model, x, risk.exposures.reindex(model.ids))
    liabilities = problem.liabilities.risk().loc["total"]
    inflation = bool(liabilities["ie01"] != 0 or book.exposures["ie01"].to_numpy() @ x != 0)
    tests = _tests(model, stress, target, inflation)
    headroom = {name: test.headroom(model, x) for name, test in tests.items()}
    charge = policy.hedge_charge_bp if policy.hedge_charge_bp is not None else target
    terms = risk.terms.reindex(model.ids)
    candidates, late = _candidates(book, terms, stress, tests, charge, deadline)
    raises = candidates[[f"raises:{k}" for k in tests]].to_numpy()
    actions = [
        Action(name, amount, day, cost=cost, raises=dict(zip(tests, row, strict=True)))
        for name, amount, day, cost, row in zip(
            candidates.index,
            candidates["amount"].to_numpy(dtype=float).tolist(),
            candidates["day"].to_numpy(dtype=int).tolist(),
            candidates["cost_per_unit"].to_numpy(dtype=float).tolist(),
            raises.tolist(),
            strict=True,
        )
    ]
    needed = {name: test.need(headroom[name], deadline) for name, test in tests.items()}
    return Recapitalisation(
        name=problem.name,
        currency=problem.currency,
        scenario=scenario,
        target_bp=target,
        deadline=deadline,
        hedge_charge_bp=charge,
        plan=recapitalisation_plan(actions, needed, deadline),
        candidates=candidates.drop(columns=[f"raises:{k}" for k in tests]),
        headroom=pd.Series(headroom, name="headroom").rename_axis("test"),
        late=late,
        hedge_before=book.exposures[["pv01", "ie01"]].T @ x,
        liability_risk=liabilities,
        calls_met=model.waterfall(x, stress, tests["calls"].window),
    )


@dataclass(frozen=True)
class _Book:
    """The problem, its recapitalisation policy, collateral model, positions and exposures."""

    problem: Problem
    policy: RecapitalisationPolicy
    model: CollateralModel
    x: np.ndarray
    exposures: pd.DataFrame  # per unit, in the model's order


@dataclass(frozen=True)
class _Test:
    """One headroom row: the move, the window and the row's measure (total, cash, capped)."""

    move: Move
    window: float
    measure: str
    due: int | None  # the first day the row must hold (None: the deadline); before, no worse

    def rows(self, model: CollateralModel) -> tuple[np.ndarray, np.ndarray, float]:
        """(coefficient per unit, initial margin per unit of gross notional, constant)."""
        if self.measure == "total":
            available, need = model.coefficients([self.move], self.window)
            return available[0] - need[0], model.margins([self.move])[0], 0.0
        with_repo, cash_only = (row[0] for row in model.cash_rows([self.move], self.window))
        zero = np.zeros_like(with_repo)
        if self.measure == "cash":
            return with_repo, zero, 0.0
        return cash_only, zero, float(model.repo_capacity or 0.0)

    def headroom(self, model: CollateralModel, x: np.ndarray) -> float:
        """The row's headroom before the plan (money)."""
        coefficient, margin, constant = self.rows(model)
        return float(coefficient @ x - margin @ np.abs(x) + constant)

    def need(self, headroom: float, deadline: int) -> np.ndarray:
        """What the plan must raise by each day: −headroom from ``due``; before, no worse."""
        need = np.full(deadline + 1, min(-headroom, 0.0))
        need[deadline if self.due is None else min(self.due, deadline) :] = -headroom
        return need


def _tests(
    model: CollateralModel, stress: Move, target: float, inflation: bool
) -> dict[str, _Test]:
    """The rows: the buffer after a further rise (nominal first), the calls after the stress.

    The buffer counts collateral within the policy's window and is due by the deadline;
    the stress's own calls are met from collateral in hand by day 1.
    """
    measures = ["total"]
    if model.cash_variation_margin:
        measures.append("cash")
        if model.repo_capacity is not None:
            measures.append("capped")
    moves = {"nominal": (_then(stress, target), None, None)}
    if inflation:
        moves["real"] = (replace(stress, breakeven=stress.breakeven + _bp(-target)), None, None)
    moves["calls"] = (stress, 0.0, CALLS_DUE_DAY)
    tests = {}
    for label, (move, window, due) in moves.items():
        for measure in measures:
            name = label if measure == "total" else f"{label}/{measure}"
            tests[name] = _Test(
                move,
                model.within_days if window is None else window,
                measure,
                due,
            )
    return tests


def _test_names(rows: list[str]) -> list[str]:
    """The tests (calls, nominal, real) of a plan's rows, in order."""
    return list(dict.fromkeys(row.split("/")[0] for row in rows))


def _then(move: Move, bp: float) -> Move:
    """``move`` followed by a parallel nominal rise of ``bp``.

    In bond-yield bp (the buffer's unit) unless the move's own rates are in zero-rate bp.
    """
    moved = move.nominal.values.any() or move.curves
    units = move.units if moved else BUFFER_UNITS
    return replace(move, nominal=move.nominal + _bp(bp), units=units)


def _bp(bp: float) -> RateSpread:
    return RateSpread.parallel(bp * BP)


def _candidates(
    book: _Book,
    terms: pd.DataFrame,
    stress: Move,
    tests: Mapping[str, _Test],
    charge_bp: float,
    deadline: int,
) -> tuple[pd.DataFrame, pd.Series]:
    """The actions the book offers (index: action name), and the positions too late."""
    problem, policy, model, x, risk = book.problem, book.policy, book.model, book.x, book.exposures
    ids = model.ids
    role, pools = model.table["role"].to_numpy(), model.table["asset_class"].to_numpy()
    base = np.asarray(model.base, dtype=float)
    scale = np.divide(model.values([stress])[:, 0], base, out=np.ones_like(base), where=base != 0)
    physical = (role == Role.PHYSICAL.value) & ~np.isin(pools, CASH_POOLS)
    overlay = role == Role.OVERLAY.value
    repay = model.ending_within() & (x > 0)  # repo borrowed that ends within the window
    amount = np.where(physical, x * scale - _pledged(model, x, scale), 0.0)
    amount = np.clip(np.where(overlay | repay, np.abs(x), amount), 0.0, None)
    limit = [_terms(policy, i).amount for i in ids]
    amount = np.minimum(amount, [np.inf if a is None else a for a in limit])
    kinds = _cost_kinds(terms)
    day = np.where(repay, _ends(model), _days(book, kinds))
    usable = (physical | overlay | repay) & (amount > 0) & np.isfinite(day)
    # Units of today's position per unit of action: money at stressed value, or notional.
    unit = np.where(physical, 1.0 / np.where(scale > 0, scale, 1.0), np.sign(x))
    keys = [c for c in risk.columns if c.startswith("pv01_")]
    hedge = np.abs(risk["pv01"].to_numpy()) + np.abs(risk["ie01"].to_numpy())
    bid_offer = _bid_offer(book, kinds) * np.where(physical, 1.0, hedge / BP)
    bid_offer = np.where(repay, 0.0, bid_offer)  # a repo ends: nothing is dealt
    given_up = _return_given_up(terms) * unit * policy.horizon_years
    frame = pd.DataFrame(
        {
            "instrument": ids,
            "kind": np.where(physical, "sell", np.where(repay, "repay", "unwind")),
            "category": [problem.instruments[i].category for i in ids],
            "bucket": _buckets(risk, keys),
            "day": day,
            "amount": amount,
            "cost_per_unit": bid_offer + given_up + charge_bp * hedge * np.abs(unit),
            "trading_cost_per_unit": bid_offer,
            "cash_per_unit": np.where(physical, 1.0 - bid_offer, np.where(repay, -1.0, 0.0)),
            "return_per_unit": given_up / policy.horizon_years,
            **{k: risk[k].to_numpy() * unit for k in ["pv01", "ie01", *keys]},
        },
        index=ids,
    )
    for name, test in tests.items():
        raised = _raises(model, test, stress, unit, physical) + np.where(
            physical, frame["cash_per_unit"], 0.0
        )
        frame[f"raises:{name}"] = np.where(repay, _repaid(model, test), raised)
    too_late = usable & (day > deadline)
    late = pd.Series(day[too_late], ids[too_late], name="days", dtype=float)
    frame = frame[usable & (day <= deadline)]
    frame.index = frame["kind"] + " " + frame["instrument"]
    sponsor = policy.sponsor
    if sponsor is not None and sponsor.days > deadline:
        return frame, pd.concat([late, pd.Series({SPONSOR: float(sponsor.days)}, name="days")])
    return _with_sponsor(frame, policy, list(tests)), late


def _raises(
    model: CollateralModel, test: _Test, stress: Move, unit: np.ndarray, physical: np.ndarray
) -> np.ndarray:
    """What a unit of each action raises in ``test``'s row, before a sale's proceeds.

    A sale removes the position's coefficient k_i(M) per unit; an unwind stops the calls
    after the stress, sgn(k_i(S) − k_i(M)), and frees its initial margin.
    """
    after, margin, _ = test.rows(model)
    at_stress, _, _ = replace(test, move=stress).rows(model)
    return np.where(physical, -after * unit, (at_stress - after) * unit + margin)


def _repaid(model: CollateralModel, test: _Test) -> np.ndarray:
    """What repaying a unit of each repo raises in ``test``'s row, rather than rolling it.

    Repaid, a repo's coefficient is −1 in every row (1 in cash, its bond back), so the
    raise is −1 − k(M, rolled) for a repo ending within the test's window, else 0.
    """
    rolled = test.rows(model)[0]
    return np.where(model.ending_within(test.window), -1.0 - rolled, 0.0)


def _ends(model: CollateralModel) -> np.ndarray:
    """The business day each repo ends on (its term to the next roll, rounded up)."""
    term = model.table["repo_term"].to_numpy(dtype=float)
    return np.ceil(term * DAYS_PER_YEAR / CALENDAR_DAYS_PER_BUSINESS_DAY)


def _pledged(model: CollateralModel, x: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Value of each bond pledged to repo after the stress: Σ_k x_k (1 + r_c)/(1 − h_k)."""
    table = model.table
    repo = np.flatnonzero((table["role"] == Role.FINANCING.value).to_numpy())
    bond = table.index.get_indexer(table["pledge"].iloc[repo])
    haircut = table["repo_haircut"].to_numpy(dtype=float)[repo]
    pledged = np.zeros(len(table))
    np.add.at(pledged, bond, x[repo] * scale[bond] / (1.0 - haircut))
    return pledged


def _days(book: _Book, kinds: pd.Series) -> np.ndarray:
    """Days until each action's cash arrives (inf: never).

    The policy's, else the later of the collateral days the problem gives and the
    settlement (the instrument's days or its kind's convention): a gilt eligible as it is
    still pays cash at T+1. Overlays unwind the same day; illiquid assets never, unless
    the policy says.
    """
    table, ids, problem = book.model.table, book.model.ids, book.problem
    own = pd.Series([problem.instruments[i].settlement_days for i in ids], ids, dtype=float)
    convention = {k: settlement_days(k, problem.currency) for k in set(kinds)}
    settle = own.fillna(kinds.map(convention)).to_numpy(dtype=float)
    days = table["days"].to_numpy(dtype=float)
    liquid = (table["asset_class"] != AssetClass.ILLIQUID.value).to_numpy()
    days = np.where(liquid, np.fmax(days, settle), days)  # NaN (never) only if illiquid
    days = np.where((table["role"] == Role.OVERLAY.value).to_numpy(), 0.0, days)
    given = pd.Series({i: t.days for i, t in book.policy.actions.items() if t.days is not None})
    days = given.reindex(ids).fillna(pd.Series(days, ids)).to_numpy(dtype=float)
    return np.where(np.isnan(days), np.inf, np.ceil(days))


def _bid_offer(book: _Book, kinds: pd.Series) -> np.ndarray:
    """Half the bid/offer as a decimal: of money sold, or of rate for swaps.

    By id, else by kind: the action's own ``cost_bp``, the policy's quote, then the
    problem's ``transaction_costs`` ``cost_bp``, then ``DEFAULT_COST_BP``.
    """
    policy = book.policy
    own = {i: t.cost_bp for i, t in policy.actions.items() if t.cost_bp is not None}
    quotes = {**_problem_costs(book.problem), **policy.cost_bp, **own}
    by_id = pd.Series(kinds.index, kinds.index).map(quotes)
    bp = by_id.fillna(kinds.map(quotes)).fillna(kinds.map(DEFAULT_COST_BP)).fillna(0.0)
    return bp.to_numpy(dtype=float) * BP


def _cost_kinds(terms: pd.DataFrame) -> pd.Series:
    """Each instrument's kind, a credit bond's ``credit_bond`` (the kinds costs are quoted by)."""
    credit = (terms["kind"] == "bond") & (terms["category"] == "credit")
    return terms["kind"].where(~credit, "credit_bond").astype(str)


def _problem_costs(problem: Problem) -> dict[str, float]:
    """The ``cost_bp`` quotes of the problem's ``transaction_costs`` objective, if any."""
    decision = getattr(problem, "decision", None)
    items = decision.objective if decision is not None else ()
    terms = [item.term for item in items if isinstance(item.term, TransactionCosts)]
    return dict(terms[0].cost_bp) if terms else {}


def _return_given_up(terms: pd.DataFrame) -> np.ndarray:
    """Expected return a year per unit of today's value that a sale gives up.

    A growth asset's expected return over the cash rate; a bond's spread over its curve.
    ``terms``: the instruments' terms (``instrument_risk``) in the model's order.
    """
    kind = terms["kind"].to_numpy()
    expected = terms["expected_return"].to_numpy(dtype=float)
    cash = expected[kind == "cash"]
    rate = float(np.nanmax(cash)) if cash.size and np.isfinite(cash).any() else 0.0
    growth = np.where(kind == "return_seeking", np.nan_to_num(expected) - rate, 0.0)
    spread = np.nan_to_num(terms["spread_bp"].to_numpy(dtype=float)) * BP
    return np.clip(np.where(kind == "return_seeking", growth, spread), 0.0, None)


def _buckets(risk: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """Each instrument's key tenor of largest rate or inflation risk ('' for none)."""
    rates = np.abs(risk[keys].to_numpy())
    inflation = np.abs(risk[[k.replace("pv01_", "ie01_") for k in keys]].to_numpy())
    exposure = rates + inflation
    labels = np.array([k.removeprefix("pv01_") for k in keys])
    return np.where(exposure.max(axis=1) > 0, labels[exposure.argmax(axis=1)], "")


def _with_sponsor(
    frame: pd.DataFrame, policy: RecapitalisationPolicy, tests: list[str]
) -> pd.DataFrame:
    """``frame`` with the sponsor's facility as one more action (cash: raises 1 everywhere)."""
    sponsor = policy.sponsor
    if sponsor is None:
        return frame
    row = {
        **{column: 0.0 for column in frame.columns},
        "instrument": "",
        "kind": "sponsor",
        "category": "Sponsor",
        "bucket": "",
        "day": sponsor.days,
        "amount": sponsor.amount,
        "cost_per_unit": sponsor.cost,
        "trading_cost_per_unit": sponsor.cost,
        "cash_per_unit": 1.0,
        **{f"raises:{t}": 1.0 for t in tests},
    }
    return pd.concat([frame, pd.DataFrame([row], index=[SPONSOR])])


def _terms(policy: RecapitalisationPolicy, instrument: str) -> ActionTerms:
    return policy.actions.get(instrument, ActionTerms())


def _target(problem: Problem, policy: RecapitalisationPolicy, target_bp: float | None) -> float:
    """The rise to absorb: given, the policy's, the buffer constraint's, else TPR's 250bp."""
    if target_bp is None:
        target_bp = policy.target_bp
    if target_bp is None:
        decision = getattr(problem, "decision", None)
        buffers = [
            c for c in (decision.constraints if decision else ()) if isinstance(c, CollateralBuffer)
        ]
        target_bp = buffers[0].shock_bp if buffers else TPR_MINIMUM_BP
    if isinstance(target_bp, bool) or not isinstance(target_bp, int | float):
        raise DataError(E_TARGET.format(value=target_bp))
    if not TARGET_BP[0] <= target_bp <= TARGET_BP[1]:
        raise DataError(E_TARGET.format(value=target_bp))
    return float(target_bp)


def _deadline(problem: Problem, policy: RecapitalisationPolicy, days: int | None) -> int:
    """The deadline in days: given, the policy's, else the collateral window (rounded up)."""
    if days is None:
        days = (
            policy.days if policy.days is not None else int(np.ceil(problem.collateral.within_days))
        )
    if isinstance(days, bool) or not isinstance(days, int | np.integer):
        raise DataError(E_DEADLINE.format(value=days))
    if not DEADLINE_DAYS[0] <= days <= DEADLINE_DAYS[1]:
        raise DataError(E_DEADLINE.format(value=days))
    return int(days)


def _stress(problem: Problem, scenario: str | None) -> Move:
    """The scenario's last step (no scenario: no move)."""
    if scenario is None:
        return Move()
    if scenario not in problem.scenarios:
        raise DataError(E_SCENARIO.format(value=scenario, names=list(problem.scenarios)))
    return problem.scenarios[scenario].final
