"""The cvar objective and constraint against an independent scipy HiGHS solve.

The scheme of test_liquidity (a 30y gilt, a 30y swap, repo, equity, cash against 40 yearly
benefits on a flat 4% curve). The simulated one-year P&L comes from ldi's scenario engine
(the model of time, tested against independent valuations in tests/scenarios); here the
question is the optimization: the Rockafellar–Uryasev LP written again in scipy from the
same per-scenario P&L of the instruments and the liabilities must give the same optimum. The
exact tail mean is checked against a plain sort. Tolerances: positions to 1e-6 of the
capital and objectives to 1e-7 relative (HiGHS on both sides, default tolerances).
"""

import copy
import json
import re

import numpy as np
import pytest
from scipy.optimize import linprog

import ldi
from ldi.errors import SpecError
from ldi.optimize.terms.scenario_risk import CVaR, MaxCVaR
from ldi.reporting import SolveSummary
from ldi.scenarios.pnl import tail_mean
from tests.optimize.test_liquidity import CAPITAL, H_REPO, IDS, RAW

SCENARIOS, SEED, ALPHA = 2000, 3, 0.95
ATOL = 1e-6 * CAPITAL


def scheme(objective, constraints):
    """The scheme with another decision, cash earning 3.5%.

    Below the gilt's 4% yield, so an optimum that maximizes return is unique (at equal
    returns cash and gilts could swap).
    """
    raw = copy.deepcopy(RAW)
    raw["objective"] = objective
    raw["constraints"] = constraints
    raw["instruments"][4]["rate"] = 0.035
    return raw


def scenario_pnl(problem):
    """(P (S x n), ℓ (S,)) in money: the engine's one-year P&L per unit and the liabilities'."""
    return problem.scenario_engine().pnl(SCENARIOS, SEED)


def reference(problem, returns_weight=0.0, cvar_weight=1.0, cvar_max=None, hedge=None):
    """Min cvar_weight·CVaR − returns_weight·Σ r x (Rockafellar–Uryasev) by scipy HiGHS.

    Variables: x (5, long-only except the swap), η, u (S, ≥ 0). Rows: budget; u_s ≥ loss_s −
    η; the repo's gilt held; optionally η + Σu/((1−α)S) ≤ cvar_max x PV_L; optionally a
    PV01 hedge band.
    """
    data = problem.model.data
    pnl, liability = scenario_pnl(problem)
    n, s = len(IDS), SCENARIOS
    scale = 1.0 / ((1 - ALPHA) * s)
    returns = data.assets["expected_return"].to_numpy()
    cost = np.concatenate(
        [-returns_weight * returns, [cvar_weight], np.full(s, cvar_weight * scale)]
    )
    # u_s ≥ ℓ_s − P_s x − η  ⇔  −P_s x − η − u_s ≤ −ℓ_s
    tail = np.hstack([-pnl, -np.ones((s, 1)), -np.eye(s)])
    # repo_collateral (added by default): the gilt held covers the repo / (1 − haircut)
    pledge = np.concatenate([[-1.0, 0.0, 1.0 / (1 - H_REPO), 0.0, 0.0], np.zeros(s + 1)])
    a_ub, b_ub = [tail, pledge[None, :]], [-liability, [0.0]]
    if cvar_max is not None:
        row = np.concatenate([np.zeros(n), [1.0], np.full(s, scale)])
        a_ub.append(row[None, :])
        b_ub.append([cvar_max * float(data.liabilities["pv"])])
    if hedge is not None:
        pv01 = data.assets["pv01"].to_numpy()
        target = float(data.liabilities["pv01"])
        a_ub += [np.concatenate([pv01, np.zeros(s + 1)])[None, :]]
        a_ub += [np.concatenate([-pv01, np.zeros(s + 1)])[None, :]]
        b_ub += [[hedge[1] * target], [-hedge[0] * target]]
    budget = np.concatenate([data.assets["pv"].to_numpy(), np.zeros(s + 1)])
    bounds = [(0, None), (None, None), (0, None), (0, None), (0, None), (None, None)]
    bounds += [(0, None)] * s
    solved = linprog(
        cost,
        A_ub=np.vstack(a_ub),
        b_ub=np.concatenate(b_ub),
        A_eq=budget[None, :],
        b_eq=[CAPITAL],
        bounds=bounds,
        method="highs",
    )
    assert solved.status == 0, solved.message
    return solved.x[:n], solved.fun, pnl, liability


def positions(result):
    return result.positions.reindex(IDS).to_numpy()


def test_tail_mean_is_the_mean_of_the_worst_share():
    losses = np.arange(100.0)  # worst 5%: 99, 98, 97, 96, 95
    assert tail_mean(losses, 0.95) == pytest.approx(97.0, rel=1e-15)
    # 10 losses at 75%: the tail holds 2.5 of them, the third at half weight.
    assert tail_mean(np.arange(10.0), 0.75) == pytest.approx((9 + 8 + 0.5 * 7) / 2.5)


def test_minimum_cvar_equals_the_independent_lp():
    cvar = {"cvar": {"scenarios": SCENARIOS, "seed": SEED, "confidence": ALPHA}}
    problem = ldi.load_problem(scheme({"minimize": [cvar]}, ["budget"]))
    result = problem.solve()
    assert result.solver.name == "HIGHS"
    expected, optimum, pnl, liability = reference(problem)
    np.testing.assert_allclose(positions(result), expected, atol=ATOL)
    assert result.objective_value == pytest.approx(optimum, rel=1e-7)
    losses = liability - pnl @ positions(result)
    reported = result.objective.loc["cvar", "value"]
    assert reported == pytest.approx(np.mean(np.sort(losses)[-100:]), rel=1e-9)  # 5% of 2,000


def test_return_under_a_cvar_limit_equals_the_independent_lp_and_binds():
    limit = {"cvar": {"max": 0.02, "scenarios": SCENARIOS, "seed": SEED}}
    constraints = ["budget", {"hedge_ratio": {"risk": "rates", "min": 0.5, "max": 1.0}}, limit]
    problem = ldi.load_problem(scheme({"maximize": ["expected_surplus_return"]}, constraints))
    result = problem.solve()
    expected, _, pnl, liability = reference(
        problem, returns_weight=1.0, cvar_weight=0.0, cvar_max=0.02, hedge=(0.5, 1.0)
    )
    np.testing.assert_allclose(positions(result), expected, atol=ATOL)
    row = result.constraints.loc["max_cvar"]
    losses = liability - pnl @ positions(result)
    pv = float(problem.model.data.liabilities["pv"])
    assert row["value"] == pytest.approx(tail_mean(losses, ALPHA) / pv, abs=1e-9)
    assert row["bound"] == 0.02
    assert row["binding"]


def test_more_cvar_allowed_never_lowers_the_expected_return():
    limit = {"cvar": {"max": 0.01, "scenarios": SCENARIOS, "seed": SEED}}
    constraints = ["budget", {"hedge_ratio": {"risk": "rates", "min": 0.5, "max": 1.0}}, limit]
    problem = ldi.load_problem(scheme({"maximize": ["expected_surplus_return"]}, constraints))
    problem.solve()
    returns = []
    for cap in (0.01, 0.015, 0.02, 0.03, 0.05, 0.08):
        result = problem.resolve(limits={"max_cvar": {"max": cap}})
        assert result.status.value == "optimal", cap
        returns.append(-result.objective_value)
    assert np.all(np.diff(returns) >= -1e-9 * CAPITAL)
    assert returns[-1] > returns[0]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"confidence": 0.3}, "confidence: got 0.3; expected a finite number in [0.5, 0.999]"),
        ({"scenarios": 10}, "scenarios: got 10; expected a whole number >= 100"),
        ({"scenarios": True}, "scenarios: got True; expected a whole number >= 100"),
        ({"seed": -1}, "seed: got -1; expected a whole number >= 0"),
    ],
)
def test_bad_options_name_the_field(options, message):
    for cls in (CVaR, MaxCVaR):
        with pytest.raises(SpecError, match="^cvar." + message.replace("[", r"\[")):
            cls(**options)


def test_simulated_outcomes_before_and_after_are_the_scenarios_by_hand():
    cvar = {"cvar": {"scenarios": SCENARIOS, "seed": SEED, "confidence": ALPHA}}
    problem = ldi.load_problem(scheme({"minimize": [cvar]}, ["budget"]))
    result = problem.solve()
    pnl, liability = scenario_pnl(problem)
    data = problem.model.data
    assets_today = data.assets["pv"].to_numpy()
    liabilities_today = float(data.liabilities["pv"])
    table = result.outcomes.table
    for column, x in (
        ("before", data.holdings.to_numpy()),
        ("after", positions(result)),
    ):
        surplus = pnl @ x - liability
        ratio = (assets_today @ x + pnl @ x) / (liabilities_today + liability)
        losses = np.sort(-surplus)
        expected = {
            "expected_surplus_change": surplus.mean(),
            "surplus_volatility": surplus.std(ddof=1),
            "value_at_risk": np.quantile(-surplus, ALPHA),
            "cvar": losses[-100:].mean(),  # the worst 5% of 2,000
            "probability_below_100": np.mean(ratio < 1.0),
            "probability_below_90": np.mean(ratio < 0.9),
            "funding_ratio_p5": np.quantile(ratio, 0.05),
            "funding_ratio_p50": np.quantile(ratio, 0.5),
            "funding_ratio_p95": np.quantile(ratio, 0.95),
        }
        for measure, value in expected.items():
            assert table.loc[measure, column] == pytest.approx(value, rel=1e-9, abs=1e-9), measure
    text = SolveSummary.of(result).as_text()
    assert f"Simulated one-year outcomes ({SCENARIOS:,} scenarios, seed {SEED})" in text
    data = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert data["outcomes"]["scenarios"] == SCENARIOS
    assert len(data["outcomes"]["outcomes"]) == len(table)


def simulation(**options):
    """A ``simulation`` section on the test scenarios."""
    return {"scenarios": SCENARIOS, "seed": SEED, "confidence": ALPHA, **options}


def test_outcomes_are_reported_without_a_cvar_term_when_asked():
    raw = scheme({"minimize": ["tracking_error"]}, ["budget"])
    assert ldi.load_problem(raw).solve().outcomes is None
    raw["simulation"] = simulation(outcomes=True)
    problem = ldi.load_problem(raw)
    result = problem.solve()
    pnl, liability = scenario_pnl(problem)
    surplus = pnl @ positions(result) - liability
    table = result.outcomes.table
    assert table.loc["value_at_risk", "after"] == pytest.approx(
        np.quantile(-surplus, ALPHA), rel=1e-9
    )
    assert table.loc["cvar", "after"] == pytest.approx(np.sort(-surplus)[-100:].mean(), rel=1e-9)
    assert result.outcomes.var_limit is None
    assert "VaR 95% limit" not in SolveSummary.of(result).as_text()


def test_the_surplus_var_limit_is_monitored_and_a_cvar_limit_enforces_it():
    """VaR is not optimized: a return-seeking solve breaches it; CVaR <= limit keeps it."""
    limit = 0.02
    objective = {"maximize": ["expected_surplus_return"]}
    raw = scheme(objective, ["budget", {"leverage": {"max": 1.0}}])
    raw["simulation"] = simulation(surplus_var=limit)
    loose = ldi.load_problem(raw).solve()
    pv = float(ldi.load_problem(raw).model.data.liabilities["pv"])
    summary = loose.outcomes
    assert summary.var_limit == pytest.approx(limit * pv, rel=1e-12)
    var = summary.table.loc["value_at_risk"]
    assert summary.var_breached == {c: bool(var[c] > limit * pv) for c in var.index}
    assert summary.var_breached["after"]
    raw["constraints"].append({"cvar": {"max": limit, "scenarios": SCENARIOS, "seed": SEED}})
    held = ldi.load_problem(raw).solve()
    assert held.ok
    assert not held.outcomes.var_breached["after"]
    assert held.outcomes.table.loc["value_at_risk", "after"] <= limit * pv
    text = SolveSummary.of(held).as_text()
    assert re.search(r"VaR 95% limit +[\d,]+ \((breached|within)\) +[\d,]+ \(within\)", text)
    data = json.loads(json.dumps(held.to_dict(), allow_nan=False))
    assert data["outcomes"]["surplus_var_limit"] == pytest.approx(limit * pv, rel=1e-12)
    assert data["outcomes"]["var_breached"]["after"] is False


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"surplus_var": -0.1}, "simulation.surplus_var"),
        ({"scenarios": 50}, "simulation.scenarios"),
        ({"confidence": 1.5}, "simulation.confidence"),
    ],
)
def test_bad_simulation_settings_name_the_field(options, field):
    raw = scheme({"minimize": ["tracking_error"]}, ["budget"])
    raw["simulation"] = options
    with pytest.raises(SpecError, match=f"^{re.escape(field)}"):
        ldi.load_problem(raw)
