"""Infeasibility diagnosis: the conflicting limits, and how far each alone would have to move.

Conflicts are built on purpose, and the diagnosis is checked three ways:

- closed forms on ``two_bonds`` (PV01 5e-4 and 2e-3 per unit, liabilities' PV01 0.12,
  capital 100): with the budget, the most PV01 long-only bonds reach is 100 x 2e-3 = 0.2, a
  hedge ratio of 5/3; a minimum of 2 needs capital 2 x 0.12 / 2e-3 = 120, or SHORT at
  -80/3 (x_L = 380/3 with x_S + x_L = 100). A LONG minimum of 150 needs capital 150, or
  SHORT at -50.
- re-solving: every ``needed_alone`` is put in place of its row's bound (a fresh problem,
  solved by cvxpy with Clarabel, no ldi diagnosis involved): a tiny step past it (1e-6 of
  the move, plus 1e-9 of the bound's size) must be feasible, and stopping 0.1% short of it
  infeasible. So each value is the true threshold to within 0.1% of the move.
- completeness: every limit without a ``needed_alone`` (left out of the diagnosis, or listed
  with NaN), removed on its own, leaves the problem infeasible (so the diagnosis missed no
  single change that would fix it); long-only entries are checked one by one too.
"""

import copy
import re

import cvxpy as cp
import numpy as np
import pandas as pd
import pytest

import ldi
from ldi.errors import InfeasibleError
from ldi.optimize import diagnosis
from ldi.optimize.diagnosis import MAX_ALONE, message
from ldi.optimize.model import Model, ObjectiveItem
from ldi.optimize.solve import solve
from ldi.optimize.solvers import Status, run
from ldi.optimize.terms.allocation import Bounds, Budget, LongOnly
from ldi.optimize.terms.funding import Leverage
from ldi.optimize.terms.hedging import HedgeRatio
from ldi.optimize.terms.objectives import Turnover
from ldi.reporting import SolveSummary
from tests.optimize.conftest import make_data
from tests.reference import DEFAULT_PROBLEM, raw_problem

PAST = 1e-6  # fraction of the move beyond needed_alone that must be feasible
SHORT_OF = 1e-3  # fraction of the move short of needed_alone that must stay infeasible
FEASIBLE = (cp.OPTIMAL, cp.OPTIMAL_INACCURATE)
INFEASIBLE = (cp.INFEASIBLE, cp.INFEASIBLE_INACCURATE)


def cvxpy_status(model: Model) -> str:
    """The status of the model's compiled problem, solved by cvxpy and Clarabel directly."""
    problem = model.compiled.problem
    problem.solve(solver="CLARABEL")
    return problem.status


def moved(bound: float, needed: float, fraction: float) -> tuple[float, float]:
    """(just past needed, ``fraction`` of the move short of needed)."""
    step = needed - bound
    size = max(abs(bound), abs(needed), 1.0)
    past = needed + np.sign(step) * (PAST * abs(step) + 1e-9 * size)
    short = needed - fraction * step
    return past, short


def diagnosed(result) -> pd.DataFrame:
    assert result.status is Status.INFEASIBLE
    assert result.diagnosis is not None
    return result.diagnosis.table


# --- two bonds: closed forms -----------------------------------------------------------------


def two_bond_model(data, constraints) -> Model:
    return Model(data, [ObjectiveItem(Turnover())], constraints)


def test_hedge_ratio_above_what_long_only_bonds_reach(two_bonds):
    unrelated = [Leverage(max=1.0), Bounds(instrument="LONG", max=1000.0)]
    result = solve(two_bond_model(two_bonds, [Budget(), HedgeRatio(min=2.0, max=3.0), *unrelated]))
    table = diagnosed(result)

    expected = {"budget": 120.0, "hedge_ratio[rates].min": 5 / 3, "long_only[SHORT]": -80 / 3}
    assert set(table.index) == set(expected)  # not the max, leverage or LONG's bound
    for row, value in expected.items():
        assert table.loc[row, "needed_alone"] == pytest.approx(value, rel=1e-6, abs=1e-6)
    limits = {"budget": ("==", 100.0), "hedge_ratio[rates].min": (">=", 2.0)}
    limits["long_only[SHORT]"] = (">=", 0.0)
    for row, (sense, bound) in limits.items():
        assert table.loc[row, "sense"] == sense
        assert table.loc[row, "bound"] == pytest.approx(bound, abs=1e-12)


def test_hedge_ratio_conflict_thresholds_are_exact_on_re_solve(two_bonds):
    table = diagnosed(solve(two_bond_model(two_bonds, [Budget(), HedgeRatio(min=2.0)])))

    def budget(v):
        return [Budget(capital=v), HedgeRatio(min=2.0)]

    def hedge(v):
        return [Budget(), HedgeRatio(min=v)]

    def short(v):
        return [
            Budget(),
            HedgeRatio(min=2.0),
            LongOnly(exclude=("SHORT",)),
            Bounds(instrument="SHORT", min=v),
        ]

    for row, rebuild in (
        ("budget", budget),
        ("hedge_ratio[rates].min", hedge),
        ("long_only[SHORT]", short),
    ):
        bound, needed = table.loc[row, ["bound", "needed_alone"]]
        past, short_of = moved(bound, needed, SHORT_OF)
        assert cvxpy_status(two_bond_model(two_bonds, rebuild(past))) in FEASIBLE, row
        assert cvxpy_status(two_bond_model(two_bonds, rebuild(short_of))) in INFEASIBLE, row


def test_bound_above_the_capital_with_a_budget(two_bonds):
    unrelated = [HedgeRatio(max=3.0)]
    result = solve(
        two_bond_model(two_bonds, [Budget(), Bounds(instrument="LONG", min=150.0), *unrelated])
    )
    table = diagnosed(result)
    expected = {"budget": 150.0, "bounds[LONG].min": 100.0, "long_only[SHORT]": -50.0}
    assert set(table.index) == set(expected)
    for row, value in expected.items():
        assert table.loc[row, "needed_alone"] == pytest.approx(value, rel=1e-6, abs=1e-6)


def test_message_names_each_limit_its_bound_and_what_it_would_need(two_bonds):
    result = solve(two_bond_model(two_bonds, [Budget(), HedgeRatio(min=2.0)]))
    text = result.diagnosis.message
    table = result.diagnosis.table
    # Closed forms 120, 5/3 and -80/3, written in plain notation to six significant digits.
    closed = {"budget": "120", "hedge_ratio[rates].min": "1.66667", "long_only[SHORT]": "-26.6667"}
    bounds = {
        "budget": ("==", "100"),
        "hedge_ratio[rates].min": (">=", "2"),
        "long_only[SHORT]": (">=", "0"),
    }

    limits = [f"{row} {bounds[row][0]} {bounds[row][1]}" for row in table.index]
    needs = [f"{row} would need {closed[row]}" for row in table.index]
    # "A conflicts with B and C: A would need v, or B would need w, or C would need u"
    conflict, _, options = text.partition(": ")
    assert conflict.startswith(f"{limits[0]} conflicts with ")
    for limit in limits[1:]:
        assert limit in conflict.removeprefix(f"{limits[0]} conflicts with ")
    assert options == ", or ".join(needs)


def test_message_for_two_limits_in_direct_conflict(two_bonds):
    # LONG >= 150 and LONG <= 100: either alone would do, moved to the other's bound.
    floor, cap = (
        Bounds(instrument="LONG", min=150.0),
        Bounds(instrument="LONG", max=100.0, name="cap"),
    )
    result = solve(two_bond_model(two_bonds, [floor, cap]))
    table = diagnosed(result)
    assert set(table.index) == {"bounds[LONG].min", "cap.max"}
    assert table.loc["bounds[LONG].min", "needed_alone"] == pytest.approx(100.0, rel=1e-7)
    assert table.loc["cap.max", "needed_alone"] == pytest.approx(150.0, rel=1e-7)
    text = {"bounds[LONG].min": "bounds[LONG].min >= 150", "cap.max": "cap.max <= 100"}
    need = {
        "bounds[LONG].min": "bounds[LONG].min would need 100",
        "cap.max": "cap.max would need 150",
    }
    a, b = table.index
    assert result.diagnosis.message == (
        f"{text[a]} conflicts with {text[b]}: {need[a]}, or {need[b]}"
    )


def test_message_for_a_single_limit_and_for_a_joint_only_relaxation():
    one = pd.DataFrame(
        {
            "term": ["leverage"],
            "sense": ["<="],
            "bound": [0.5],
            "needed": [0.8],
            "relaxation": [0.3],
            "needed_alone": [0.8],
            "row_name": ["leverage"],
        },
        index=["leverage"],
    )
    assert message(one) == "leverage <= 0.5 cannot be met: leverage would need 0.8"
    joint = one.assign(needed_alone=[np.nan])
    assert message(joint) == (
        "leverage <= 0.5 cannot be met: leverage would need 0.8 (with the others relaxed too)"
    )
    assert (
        message(one.iloc[:0]) == "no single set of limits could be relaxed to restore feasibility"
    )


def bonds_funding_a_negative_budget(count: int) -> Model:
    """``count`` long-only bonds whose value must be -50: budget and every bond conflict.

    Any one bond alone at -50 (or a budget of 0) restores feasibility.
    """
    ids = [f"B{i}" for i in range(count)]
    data = make_data(ids, pv01=np.full(count, 1e-3), holdings={"B0": 100.0})
    return two_bond_model(data, [Budget(contribution=-150.0)])


@pytest.mark.parametrize(("count", "solves"), [(MAX_ALONE, 2 + MAX_ALONE), (MAX_ALONE + 5, 3)])
def test_a_vector_row_with_many_conflicting_entries_is_relaxed_as_a_whole(
    count, solves, monkeypatch
):
    calls = []

    def counted(problem, order, options):
        calls.append(problem)
        return run(problem, order, options)

    monkeypatch.setattr(diagnosis, "run", counted)
    result = solve(bonds_funding_a_negative_budget(count))
    table = diagnosed(result)
    entries = [f"long_only[B{i}]" for i in range(count)]
    assert set(table.index) == {"budget", *entries}
    assert table.loc["budget", "needed_alone"] == pytest.approx(0.0, abs=1e-6)
    # The joint relaxation, the budget alone, then each entry or the whole row once.
    assert len(calls) == solves
    moved_alone = table.loc[entries, "needed_alone"].dropna()
    assert len(moved_alone) >= 1
    if count <= MAX_ALONE:  # each entry alone: a short of 50 restores feasibility
        np.testing.assert_allclose(table.loc[entries, "needed_alone"], -50.0, rtol=1e-6)
    else:  # the row as a whole: its entries together are short 50
        assert moved_alone.sum() == pytest.approx(-50.0, rel=1e-6)


def test_message_counts_the_entries_of_a_row_relaxed_as_a_whole():
    rows = ["budget", *(f"long_only[B{i}]" for i in range(3))]
    table = pd.DataFrame(
        {
            "term": ["budget", *["long_only"] * 3],
            "sense": ["==", ">=", ">=", ">="],
            "bound": [-50.0, 0.0, 0.0, 0.0],
            "needed": [np.nan] * 4,
            "relaxation": [np.nan] * 4,
            "needed_alone": [0.0, -20.0, -30.0, np.nan],
            "row_name": ["budget", *["long_only"] * 3],
        },
        index=rows,
    )
    assert message(table, together={"long_only"}) == (
        "budget == -50 conflicts with long_only (3 entries): budget would need 0, or "
        "long_only would need 2 entries moved together (see the table)"
    )


def test_message_spells_out_one_entry_of_a_vector_row_with_many():
    rows = ["leverage", "long_only[A]", "long_only[B]", "long_only[C]", "long_only[D]"]
    table = pd.DataFrame(
        {
            "term": ["leverage", *["long_only"] * 4],
            "sense": ["<=", ">=", ">=", ">=", ">="],
            "bound": [0.5, 0.0, 0.0, 0.0, 0.0],
            "needed": [0.8, np.nan, np.nan, np.nan, np.nan],
            "relaxation": [0.3, np.nan, np.nan, np.nan, np.nan],
            "needed_alone": [0.8, -40.0, -7.5, np.nan, -90.0],
            "row_name": ["leverage", *["long_only"] * 4],
        },
        index=rows,
    )
    assert message(table) == (
        "leverage <= 0.5 conflicts with long_only (4 entries): leverage would need 0.8, or "
        "long_only[B] would need -7.5 (or another of 3 entries; see the table)"
    )


def test_infeasible_result_has_no_positions_and_raises_with_the_diagnosis(two_bonds):
    result = solve(two_bond_model(two_bonds, [Budget(), HedgeRatio(min=2.0)]), name="two bonds")
    assert not result.ok
    assert result.positions.isna().all()
    assert np.isnan(result.funding_ratio)
    with pytest.raises(
        InfeasibleError, match=re.escape(f"two bonds: infeasible; {result.diagnosis.message}")
    ):
        result.raise_for_status()
    text = SolveSummary.of(result).as_text()
    assert "infeasible" in text
    assert result.diagnosis.message in text


# --- the default problem ---------------------------------------------------------------------


def term_name(kind: str, options: dict) -> str:
    """The report name a problem-file constraint entry gets."""
    if options.get("name"):
        return options["name"]
    if kind == "hedge_ratio":
        return f"hedge_ratio[{options.get('risk', 'rates')}]"
    if kind == "bounds":
        return f"bounds[{options.get('instrument') or options.get('group')}]"
    return kind


def entries(raw: dict) -> list[tuple[str, str, dict]]:
    """(name, kind, options) of every constraint entry."""
    found = []
    for entry in raw["constraints"]:
        kind, options = (entry, {}) if isinstance(entry, str) else next(iter(entry.items()))
        options = options or {}
        found.append((term_name(kind, options), kind, options))
    return found


def with_bound(raw: dict, row: str, value: float | None) -> dict:
    """``raw`` with one row's bound set to ``value``, or the row removed when None."""
    raw = copy.deepcopy(raw)
    if row.startswith("long_only["):
        instrument = row[len("long_only[") : -1]
        raw["constraints"].append({"long_only": {"exclude": [instrument]}})
        if value is None:
            return raw
        raw["constraints"].append(
            {"bounds": {"instrument": instrument, "min": value, "name": "floor"}}
        )
        return raw
    name, _, option = row.partition(".")
    for i, (term, kind, options) in enumerate(entries(raw)):
        if term != name:
            continue
        option = option or {"budget": "capital", "leverage": "max"}[kind]
        options = dict(options)
        if value is None:
            options.pop(option, None)
        else:
            options[option] = value
        limits = {"min", "max", "min_fraction", "max_fraction", "capital"}
        if value is None and not limits & set(options):
            del raw["constraints"][i]
        else:
            raw["constraints"][i] = {kind: options}
        return raw
    raise AssertionError(f"no constraint entry for row {row}")


def explicit_rows(raw: dict) -> list[str]:
    """Rows of the problem file's own constraints (long-only rows aside)."""
    rows = []
    for name, kind, options in entries(raw):
        if kind in ("budget", "leverage"):
            rows.append(name)
        else:
            rows += [
                f"{name}.{o}"
                for o in ("min", "max", "min_fraction", "max_fraction")
                if o in options
            ]
    return rows


def status_of_raw(raw: dict) -> str:
    return cvxpy_status(ldi.load_problem(raw).model)


def check_thresholds(raw: dict, table: pd.DataFrame) -> None:
    """Each finite needed_alone is a threshold: just past it feasible, short of it not."""
    finite = table[np.isfinite(table["needed_alone"])]
    assert len(finite) >= 2
    for row, (bound, needed) in finite[["bound", "needed_alone"]].iterrows():
        past, short = moved(bound, needed, SHORT_OF)
        assert status_of_raw(with_bound(raw, row, past)) in FEASIBLE, (row, past)
        assert status_of_raw(with_bound(raw, row, short)) in INFEASIBLE, (row, short)


def check_complete(raw: dict, table: pd.DataFrame, rows: list[str]) -> None:
    """Each of ``rows`` without a needed_alone (left out, or listed with NaN) cannot fix it.

    Such a row is removed on its own (a long-only entry is excluded, with no floor) and the
    problem must stay infeasible: otherwise the diagnosis missed a single change that works.
    """
    alone = set(table.index[np.isfinite(table["needed_alone"])])
    for row in rows:
        if row not in alone:
            assert status_of_raw(with_bound(raw, row, None)) in INFEASIBLE, row


def long_only_rows(raw: dict) -> list[str]:
    """Every long-only entry of the problem (physical assets and repo)."""
    terms = ldi.load_problem(raw).instrument_risk().terms
    return [f"long_only[{i}]" for i in terms.index[terms["role"] != "overlay"]]


@pytest.fixture(scope="module")
def tiny_leverage():
    raw = raw_problem(DEFAULT_PROBLEM)
    raw = with_bound(raw, "leverage", 0.01)
    return raw, ldi.load_problem(raw).solve()


def test_tiny_leverage_against_the_rates_hedge_names_both(tiny_leverage):
    raw, result = tiny_leverage
    table = diagnosed(result)
    assert {"leverage", "hedge_ratio[rates].min"} <= set(table.index)
    # The rates hedge is pushed down and growth assets crowd out bonds: the caps on the hedge,
    # on growth and on credit, and the inflation floor, play no part.
    for unrelated in (
        "hedge_ratio[rates].max",
        "hedge_ratio[inflation].min",
        "bounds[growth].max_fraction",
        "bounds[credit].max_fraction",
    ):
        assert unrelated not in table.index
    assert table.loc["leverage", "bound"] == pytest.approx(0.01)
    assert table.loc["hedge_ratio[rates].min", "bound"] == pytest.approx(0.95)
    # Leverage has to rise and the hedge floor fall.
    assert table.loc["leverage", "needed_alone"] > 0.01
    assert table.loc["hedge_ratio[rates].min", "needed_alone"] < 0.95
    assert result.diagnosis.message.startswith("leverage <= 0.01 conflicts with ")
    assert "hedge_ratio[rates].min >= 0.95" in result.diagnosis.message


def test_tiny_leverage_thresholds_are_exact_on_re_solve(tiny_leverage):
    raw, result = tiny_leverage
    check_thresholds(raw, diagnosed(result))


def test_tiny_leverage_diagnosis_leaves_out_no_limit_that_alone_fixes_it(tiny_leverage):
    raw, result = tiny_leverage
    check_complete(raw, diagnosed(result), explicit_rows(raw))


def test_tiny_leverage_diagnosis_leaves_out_no_long_only_entry_that_alone_fixes_it(
    tiny_leverage,
):
    raw, result = tiny_leverage
    check_complete(raw, diagnosed(result), long_only_rows(raw))


@pytest.fixture(scope="module")
def cash_above_capital():
    raw = raw_problem(DEFAULT_PROBLEM)
    raw["constraints"].append(
        {"bounds": {"instrument": "CASH", "min": 2.0e9, "name": "cash_floor"}}
    )
    return raw, ldi.load_problem(raw).solve()


def test_money_bound_above_the_capital_names_it_and_the_budget(cash_above_capital):
    raw, result = cash_above_capital
    table = diagnosed(result)
    capital = sum(
        float(v) * float(p)
        for v, p in zip(
            raw["holdings"].values(),
            ldi.load_problem(raw).instrument_risk().exposures.loc[list(raw["holdings"]), "pv"],
            strict=True,
        )
    )
    assert {"budget", "cash_floor.min"} <= set(table.index)
    assert table.loc["budget", "bound"] == pytest.approx(capital, rel=1e-12)
    assert table.loc["cash_floor.min", "bound"] == pytest.approx(2.0e9, rel=1e-12)
    assert table.loc["cash_floor.min", "needed_alone"] < 2.0e9
    for unrelated in (
        "hedge_ratio[rates].max",
        "bounds[credit].max_fraction",
        "bounds[growth].max_fraction",
    ):
        assert unrelated not in table.index
    check_thresholds(raw, table)


def test_money_bound_above_the_capital_leaves_out_no_limit_that_alone_fixes_it(
    cash_above_capital,
):
    raw, result = cash_above_capital
    check_complete(raw, diagnosed(result), explicit_rows(raw))


# --- unbounded: the positions that run away -----------------------------------------------------


def test_an_unbounded_problem_names_the_positions_that_run_away():
    # Maximize the expected return with nothing but the default long-only rows: every
    # long-only instrument with a positive expected return grows without end (long), every
    # overlay with one in its direction; nothing else moves the objective. (The par swaps'
    # expected returns are 0 but for rounding, 1e-15: they stay.)
    raw = raw_problem(DEFAULT_PROBLEM)
    raw["objective"] = {"maximize": ["expected_surplus_return"]}
    raw["constraints"] = []
    problem = ldi.load_problem(raw)
    result = problem.solve()
    assert result.status is Status.UNBOUNDED
    assert not result.ok
    assert result.positions.isna().all()
    data = problem.model.data.assets
    expected_return = data["expected_return"]
    overlay = data["role"] == "overlay"
    long = expected_return[~overlay & (expected_return > 0)].index
    either = expected_return[overlay & (expected_return.abs() > 1e-9)]
    runaway = result.diagnosis.table
    assert result.diagnosis.title == "Unbounded"
    assert set(runaway.index) == {*long, *either.index}
    assert (runaway.loc[list(long), "direction"] == "long").all()
    directions = np.where(either > 0, "long", "short")
    assert list(runaway.loc[either.index, "direction"]) == list(directions)
    message = result.diagnosis.message
    assert message.startswith(", ".join(f"{i} ({d})" for i, d in runaway["direction"][:5].items()))
    assert f" and {len(runaway) - 5} more grow without limit" in message
    text = SolveSummary.of(result).as_text()
    assert "Unbounded: " in text
    assert result.to_dict()["diagnosis"]["title"] == "Unbounded"
