"""LDIResult invariants on every example problem, recomputed by hand from the positions.

Every number here is rebuilt from ``result.positions`` and the domain layer's own tables
(``problem.instrument_risk(keys)`` per unit, ``problem.liabilities.risk(keys)`` for the
liabilities, the problem's term options), in plain numpy: hedge and funding ratios (1e-9
relative: the same products summed in another order), each constraint row's value and its
bound (rows hold within 1e-6 of the row's scale: Clarabel's tolerance is 1e-8 in scaled
units), each objective term's value by its documented formula (tracking error with the dense
factor covariance D R D rather than the optimizer's root), and a cash-flow ledger rolled
forward period by period. The cvxpy value of each objective piece at the solution must equal
the numpy report (1e-9), shadow prices must match central differences of the optimal
objective over fresh builds (1e-6 relative), and the JSON and summary forms must carry the
same numbers.
"""

import copy
import json
import math

import numpy as np
import pandas as pd
import pytest
import yaml

import ldi
from ldi.instruments import Role
from ldi.optimize.data import model_data
from ldi.optimize.solvers import Status
from ldi.optimize.terms.allocation import Bounds, Budget, LongOnly
from ldi.optimize.terms.dedication import CashflowMatching
from ldi.optimize.terms.funding import Leverage, RepoCollateral
from ldi.optimize.terms.hedging import HedgeRatio, KeyRateTolerance
from ldi.optimize.terms.liquidity import CollateralBuffer
from ldi.optimize.terms.objectives import DEFAULT_COST_BP
from ldi.reporting import SolveSummary
from ldi.risk.factors import FACTORS
from ldi.risk.sensitivities import inflation_key_rate_column, key_rate_column
from tests.documented import shown
from tests.optimize.conftest import TIGHT
from tests.reference import DEFAULT_PROBLEM, PROBLEMS, raw_problem

EXAMPLES = sorted(PROBLEMS.glob("*.yaml"))
MATCHING = [p for p in EXAMPLES if "cashflow_matching" in p.read_text()]
SAME = 1e-9  # the same numbers summed in another order
HOLDS = 1e-6  # a row holds within this fraction of its scale


class Case:
    """One solved example with the hand-side tables."""

    def __init__(self, path):
        self.raw = raw_problem(path)
        self.problem = ldi.load_problem(self.raw)
        self.result = self.problem.solve()
        keys = self.problem.decision.keys
        self.keys = keys
        self.per_unit = self.problem.instrument_risk(keys).exposures
        self.terms = self.problem.instrument_risk(keys).terms
        self.liabilities = self.problem.liabilities.risk(keys).loc["total"]
        self.x = self.result.positions.reindex(self.per_unit.index).to_numpy()
        self.held = self.problem.holdings.reindex(self.per_unit.index, fill_value=0.0).to_numpy()
        self.pv = self.per_unit["pv"].to_numpy()
        self.capital = float(self.pv @ self.held)
        self.scale = float(self.liabilities["pv"])
        self.ids = self.per_unit.index
        self.role = self.terms["role"].to_numpy()

    def owed(self, basis: str | None) -> pd.Series:
        """The liabilities' exposures on ``basis`` (None: the funding basis).

        A hedging basis's figures are ldi's, checked against independent valuations in
        tests/test_balance_sheet.py and tests/test_nl_pension_fund.py.
        """
        if basis is None:
            return self.liabilities
        return self.problem.liabilities.basis_risk(self.keys).loc[basis]

    def assets(self, column: str) -> float:
        return float(self.per_unit[column].to_numpy() @ self.x)


@pytest.fixture(scope="module", params=EXAMPLES, ids=lambda p: p.stem)
def case(request) -> Case:
    solved = Case(request.param)
    assert solved.result.status is Status.OPTIMAL
    return solved


# --- ratios ----------------------------------------------------------------------------------


def test_hedge_and_funding_ratios_recomputed_from_positions(case):
    r, liab = case.result, case.liabilities
    assert r.funding_ratio == pytest.approx(case.assets("pv") / liab["pv"], rel=SAME)
    assert r.hedge_ratios["rates"] == pytest.approx(case.assets("pv01") / liab["pv01"], rel=SAME)
    if liab["ie01"] == 0:
        assert math.isnan(r.hedge_ratios["inflation"])
    else:
        assert r.hedge_ratios["inflation"] == pytest.approx(
            case.assets("ie01") / liab["ie01"], rel=SAME
        )
    # before: the current holdings' ratios
    before = case.per_unit["pv"].to_numpy() @ case.held / liab["pv"]
    assert r.before["funding_ratio"] == pytest.approx(before, rel=SAME)


def test_bucket_hedge_ratios_and_exposure_table_recomputed_from_positions(case):
    r, liab = case.result, case.liabilities
    for key in case.keys:
        for risk, column in (
            ("rates", key_rate_column(key)),
            ("inflation", inflation_key_rate_column(key)),
        ):
            assets = case.assets(column)
            assert r.exposures.loc[column, "assets"] == pytest.approx(assets, rel=SAME, abs=1e-9)
            assert r.exposures.loc[column, "liabilities"] == pytest.approx(liab[column], rel=SAME)
            got = r.buckets.loc[key, risk]
            if liab[column] == 0:
                assert math.isnan(got)
            else:
                assert got == pytest.approx(assets / liab[column], rel=SAME, abs=1e-12)
    gap = r.exposures["assets"] - r.exposures["liabilities"]
    np.testing.assert_array_equal(r.exposures["gap"], gap)


def test_trades_are_positions_less_holdings(case):
    r = case.result
    np.testing.assert_array_equal(r.holdings.reindex(case.ids).to_numpy(), case.held)
    np.testing.assert_array_equal(r.trades.to_numpy(), (r.positions - r.holdings).to_numpy())
    assert list(r.positions.index) == list(case.ids)


# --- constraints by hand ---------------------------------------------------------------------


def rows_by_hand(case: Case) -> dict[str, tuple[float, str, float, float]]:
    """Row label -> (value, sense, bound, scale) from the positions and the term options."""
    rows: dict[str, tuple[float, str, float, float]] = {}
    x, pv, money = case.x, case.pv, case.scale
    capital = case.capital if case.capital > 0 else money
    for term in case.problem.model.constraints:
        name = term.name
        if isinstance(term, Budget):
            bound = (case.capital if term.capital is None else term.capital) + term.contribution
            rows[name] = (float(pv @ x), "==", bound, money)
        elif isinstance(term, HedgeRatio):
            risk = "pv01" if term.risk == "rates" else "ie01"
            columns = (
                [risk]
                if term.bucket is None
                else [
                    (key_rate_column if risk == "pv01" else inflation_key_rate_column)(k)
                    for k in term.bucket
                ]
            )
            ratio = float(case.per_unit[columns].sum(axis=1) @ x) / float(
                case.owed(term.basis)[columns].sum()
            )
            if term.min is not None:
                rows[f"{name}.min"] = (ratio, ">=", term.min, 1.0)
            if term.max is not None:
                rows[f"{name}.max"] = (ratio, "<=", term.max, 1.0)
        elif isinstance(term, Leverage):
            overlay, repo = case.role == Role.OVERLAY.value, case.role == Role.FINANCING.value
            physical = case.role == Role.PHYSICAL.value
            gross = np.abs(x[overlay]).sum() + x[repo].sum()
            rows[name] = (gross / (x[physical].sum() - x[repo].sum()), "<=", term.max, 1.0)
        elif isinstance(term, Bounds):
            if term.group is not None:
                groups = case.problem.decision.groups
                if term.group in groups:
                    members = list(groups[term.group])
                else:
                    kind_or_role = (case.terms["kind"] == term.group) | (
                        case.terms["role"] == term.group
                    )
                    members = list(case.ids[kind_or_role])
                selections = {"": float(case.result.positions[members].sum())}
            else:
                ids = [term.instrument] if term.instrument else list(term.instruments)
                labelled = len(ids) > 1
                selections = {
                    (f"[{i}]" if labelled else ""): float(case.result.positions[i]) for i in ids
                }
            for suffix, held in selections.items():
                for option, sense in (
                    ("min", ">="),
                    ("max", "<="),
                    ("min_fraction", ">="),
                    ("max_fraction", "<="),
                ):
                    limit = getattr(term, option)
                    if limit is None:
                        continue
                    fraction = option.endswith("fraction")
                    value = held / capital if fraction else held
                    rows[f"{name}.{option}{suffix}"] = (
                        value,
                        sense,
                        limit,
                        1.0 if fraction else money,
                    )
        elif isinstance(term, LongOnly):
            covered = np.isin(case.role, term.roles) & ~case.ids.isin(term.exclude)
            for i in case.ids[covered]:
                rows[f"{name}[{i}]"] = (float(case.result.positions[i]), ">=", 0.0, money)
        elif isinstance(term, KeyRateTolerance):
            column = key_rate_column if term.risk == "rates" else inflation_key_rate_column
            for k in case.keys:
                target = term.hedge_ratio * case.liabilities[column(k)]
                gap = case.assets(column(k)) - target
                tolerance = term.max if term.max is not None else term.fraction * abs(target)
                scale = float(case.liabilities["pv01" if term.risk == "rates" else "ie01"])
                rows[f"{name}.upper[{k:g}y]"] = (gap, "<=", tolerance, scale)
                rows[f"{name}.lower[{k:g}y]"] = (gap, ">=", -tolerance, scale)
        elif isinstance(term, CashflowMatching):
            continue  # checked by its own ledger below
        elif isinstance(term, CollateralBuffer):
            continue  # headroom: against the collateral reference in test_solve_collateral.py
        elif isinstance(term, RepoCollateral):
            held = {}
            for repo in case.ids[case.role == "financing"]:
                bond = case.terms.loc[repo, "collateral"]
                pledged = float(case.result.positions[repo]) / (1 - case.terms.loc[repo, "haircut"])
                held.setdefault(bond, float(case.result.positions[bond]))
                held[bond] -= pledged
            for bond, free in held.items():
                rows[f"{name}[{bond}]"] = (free, ">=", 0.0, money)
        else:
            pytest.fail(f"no hand check for constraint kind {term.kind!r}; add one")
    return rows


def test_every_constraint_row_holds_and_reports_its_hand_value(case):
    table = case.result.constraints
    rows = rows_by_hand(case)
    matching = [t.name for t in case.problem.model.constraints if isinstance(t, CashflowMatching)]
    reported = [r for r in table.index if table.loc[r, "term"] not in matching]
    headroom = table["kind"].isin(["collateral_buffer", "liquidity_coverage"])
    reported = [r for r in reported if not headroom[r]]  # their own reference: see above
    assert sorted(reported) == sorted(rows)
    for label, (value, sense, bound, scale) in rows.items():
        tolerance = HOLDS * max(scale, abs(bound))
        if sense == "==":
            assert abs(value - bound) <= tolerance, label
        elif sense == "<=":
            assert value <= bound + tolerance, label
        else:
            assert value >= bound - tolerance, label
        assert table.loc[label, "sense"] == sense
        assert table.loc[label, "bound"] == pytest.approx(bound, rel=SAME, abs=SAME * scale)
        assert table.loc[label, "value"] == pytest.approx(value, rel=1e-8, abs=1e-8 * scale), label
        assert table.loc[label, "slack"] >= -tolerance, label


@pytest.mark.parametrize("case", MATCHING, ids=lambda p: p.stem, indirect=True)
def test_cashflow_ledger_rolled_forward_by_hand(case):
    terms = [t for t in case.problem.model.constraints if isinstance(t, CashflowMatching)]
    assert terms
    data = model_data(
        case.problem, case.keys, case.problem.decision.risk_model, case.problem.decision.groups
    )
    asset_money = data.flows.amounts.toarray().T @ case.x  # money at each flow time
    liability_money = data.liability_flows.amounts.toarray()[0]
    for term in terms:
        horizon = term.horizon or data.liability_flows.times.max()
        periods = int(np.ceil(horizon / term.period - 1e-9))
        inflow, outgo = np.zeros(periods + 1), np.zeros(periods + 1)
        for t, amount in zip(data.flows.times, asset_money, strict=True):
            p = 0 if t <= 0 else int(np.ceil(t / term.period - 1e-12))
            if p <= periods:
                inflow[p] += amount
        for t, amount in zip(data.liability_flows.times, liability_money, strict=True):
            p = 0 if t <= 0 else int(np.ceil(t / term.period - 1e-12))
            if p <= periods:
                outgo[p] += amount
        surplus = np.zeros(periods + 1)
        carried = 0.0
        for p in range(periods + 1):
            surplus[p] = carried + inflow[p] - outgo[p]
            carried = surplus[p] * (1 + term.reinvestment_rate) ** term.period
        ledger = case.result.ledgers[term.name]
        scale = case.scale
        np.testing.assert_allclose(ledger["asset_inflow"], inflow, rtol=1e-9, atol=1e-9 * scale)
        np.testing.assert_allclose(ledger["liability_outgo"], outgo, rtol=1e-12)
        assert surplus.min() >= -HOLDS * scale  # every period's benefits are paid
        np.testing.assert_allclose(
            ledger["surplus"], np.maximum(surplus, 0), rtol=1e-8, atol=1e-8 * scale
        )


# --- objective by hand -----------------------------------------------------------------------


def swap_discounted(problem) -> np.ndarray:
    """Per instrument: discounted on a swap curve of its own (swaps and repo by default)."""
    market = problem.market
    swap = market.swap if market.swap not in (None, market.nominal) else None
    kinds = ("interest_rate_swap", "inflation_swap", "repo")
    named = [getattr(i, "curve", None) for i in problem.instruments.values()]
    return np.array(
        [
            swap is not None and (n == swap or (n is None and type(i).kind in kinds))
            for n, i in zip(named, problem.instruments.values(), strict=True)
        ]
    )


def covariance(risk_model) -> np.ndarray:
    """D R D from the factor volatilities and pairwise correlations."""
    vol = np.array([risk_model.volatility[f] for f in FACTORS])
    corr = np.eye(len(FACTORS))
    for i, a in enumerate(FACTORS):
        for j, b in enumerate(FACTORS):
            if i < j:
                corr[i, j] = corr[j, i] = risk_model.correlation[f"{a}_{b}"]
    return np.diag(vol) @ corr @ np.diag(vol)


def objective_by_hand(case: Case, item) -> tuple[float, float]:
    """(value in the term's reported unit, scaled value) of one objective term."""
    term, x, S = item.term, case.x, case.scale
    liab, unit = case.liabilities, case.per_unit
    if term.kind == "cost":
        value = float(case.pv @ x)
        return value, value / S
    if term.kind == "transaction_costs":
        assert term.impact == 0
        kinds = np.where(
            (case.terms["kind"] == "bond") & (unit["cs01"] != 0), "credit_bond", case.terms["kind"]
        )
        bp = np.array(
            [
                term.cost_bp.get(i, term.cost_bp.get(k, DEFAULT_COST_BP[k]))
                for i, k in zip(case.ids, kinds, strict=True)
            ]
        )
        basis = np.where(
            case.terms["kind"] == "interest_rate_swap", np.abs(unit["pv01"]) / 1e-4, 1.0
        )
        basis = np.where(case.terms["kind"] == "inflation_swap", np.abs(unit["ie01"]) / 1e-4, basis)
        value = float(bp * 1e-4 * basis @ np.abs(x - case.held))
        return value, value / S
    if term.kind == "tracking_error":
        model = case.problem.decision.risk_model
        rho, market = model.growth_correlation, model.volatility["growth"]
        sigma = np.nan_to_num(
            case.terms.get("volatility", pd.Series(0.0, case.ids)).to_numpy(float)
        )
        growth = (case.terms["kind"] == "return_seeking").to_numpy()
        on_swap = swap_discounted(case.problem)
        loadings = np.column_stack(
            [
                -unit["pv01"],
                unit["ie01"],
                -unit["cs01"],
                np.where(growth, rho * sigma / market, 0.0) * case.pv,
                np.where(on_swap, unit["pv01"], 0.0),  # bonds against swaps: the swap curve
            ]
        )
        specific = np.where(growth, sigma * np.sqrt(1 - rho**2), 0.0) * case.pv
        # Liabilities on the swap curve (when bonds have another) load on bond_swap as swaps do.
        market = case.problem.market
        swap = market.swap not in (None, market.nominal)
        on_swaps = swap and case.problem.liabilities.curve == market.swap
        owed = np.array([-liab["pv01"], liab["ie01"], 0.0, 0.0, liab["pv01"] if on_swaps else 0.0])
        exposure = loadings.T @ x - owed
        variance = float(exposure @ covariance(model) @ exposure + np.sum((specific * x) ** 2))
        return math.sqrt(variance), variance / S**2
    if term.kind == "key_rate_mismatch":
        keyed = case.owed(term.basis)  # L_k on the term's basis; totals on the funding basis
        weights = np.array([dict(term.weights).get(k, 1.0) for k in case.keys])
        scaled = 0.0
        for risk in term.risks:
            column, total = (
                (key_rate_column, "pv01")
                if risk == "rates"
                else (inflation_key_rate_column, "ie01")
            )
            h = (
                term.hedge_ratio
                if risk == "rates" or term.inflation_hedge_ratio is None
                else term.inflation_hedge_ratio
            )
            gap = np.array([case.assets(column(k)) - h * keyed[column(k)] for k in case.keys])
            scaled += float(np.sum(weights * (gap / liab[total]) ** 2)) * S
        value = math.sqrt(scaled / S / (len(case.keys) * len(term.risks))) * liab["pv01"]
        return value, scaled / S
    if term.kind == "expected_surplus_return":
        data = case.problem.model.data
        value = float(
            data.assets["expected_return"].to_numpy() @ x - data.liabilities["expected_return"]
        )
        return value, value / S
    pytest.fail(f"no hand formula for objective kind {term.kind!r}; add one")


def test_objective_terms_recomputed_by_hand(case):
    table = case.result.objective
    assert list(table.index) == [item.term.name for item in case.problem.model.objective]
    for item in case.problem.model.objective:
        value, scaled = objective_by_hand(case, item)
        row = table.loc[item.term.name]
        sign = -1.0 if item.maximize else 1.0
        assert row["value"] == pytest.approx(value, rel=1e-8), item.term.name
        assert row["contribution"] == pytest.approx(
            sign * item.weight * scaled * case.scale, rel=1e-8
        )
        assert row["weight"] == item.weight
        assert row["sense"] == ("maximize" if item.maximize else "minimize")
    assert case.result.objective_value == pytest.approx(table["contribution"].sum(), rel=1e-15)


def test_objective_numpy_values_equal_cvxpy_values(case):
    model = case.problem.model
    compiled = model.compiled
    money = model.scales.money
    # At the reported positions: a verified answer is snapped onto the limits it crosses
    # within tolerance, so the solver's own positions may differ from them by that much.
    solver_value = compiled.problem.value
    compiled.z.value = case.result.positions.to_numpy() / money
    for item in model.objective:
        cvxpy_value = float(compiled.pieces[item.term.name].value)
        reported = case.result.objective.loc[item.term.name, "contribution"]
        assert reported == pytest.approx(
            item.sign * cvxpy_value * money, rel=SAME, abs=1e-12 * money
        )
    # and the whole: the solver's optimal value is the reported objective
    assert case.result.objective_value == pytest.approx(solver_value * money, rel=1e-7)


# --- shadow prices ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "option", "row"),
    [
        (1, "max", "hedge_ratio[rates].max"),
        (2, "min", "hedge_ratio[inflation].min"),
        (6, "min_fraction", "bounds[CASH].min_fraction"),
    ],
)
def test_shadow_prices_match_central_differences_of_fresh_solves(index, option, row):
    raw = raw_problem(DEFAULT_PROBLEM)
    raw["solver"] = {"name": "CLARABEL", "options": {"CLARABEL": TIGHT}}
    result = ldi.load_problem(raw).solve()
    assert result.constraints.loc[row, "binding"]
    bound = result.constraints.loc[row, "bound"]

    def optimum(value):
        edited = copy.deepcopy(raw)
        kind, options = next(iter(edited["constraints"][index].items()))
        edited["constraints"][index] = {kind: {**options, option: value}}
        return ldi.load_problem(edited).solve().objective_value

    h = 1e-4 * bound
    difference = (optimum(bound + h) - optimum(bound - h)) / (2 * h)
    assert result.constraints.loc[row, "shadow_price"] == pytest.approx(difference, rel=1e-6)


def test_a_limit_whose_relaxing_improves_the_optimum_is_reported_binding():
    """The complete example's turnover limit binds at Clarabel's default tolerance.

    Its slack is left near 1e-6, above the tight tolerance; the independent check is that
    relaxing the limit by 1% improves the optimum (a limit that did not bind would not).
    """
    raw = yaml.safe_load(shown("docs/problem-files.md", "name: Example DB scheme", "yaml"))
    result = ldi.load_problem(raw).solve()
    row = result.constraints.loc["max_turnover"]
    assert row["binding"]
    binding = SolveSummary.of(result).as_text().split("Binding constraints")[1].split("\n\n")[0]
    assert "max_turnover" in binding
    raw["constraints"][7]["turnover"]["max"] *= 1.01
    relaxed = ldi.load_problem(raw).solve()
    gain = result.objective_value - relaxed.objective_value
    assert gain > 1e-3 * abs(result.objective_value) * 0.01
    assert gain == pytest.approx(-row["shadow_price"] * 0.0025, rel=0.05)  # first order


# --- serialised and printed forms ------------------------------------------------------------


def test_to_dict_is_strict_json_and_round_trips_the_key_numbers(case):
    r = case.result
    text = json.dumps(r.to_dict(), allow_nan=False)
    back = json.loads(text)
    assert back["status"] == r.status.value == "optimal"
    assert back["funding_ratio"] == r.funding_ratio
    assert back["objective_value"] == r.objective_value
    for risk, value in r.hedge_ratios.items():
        assert back["hedge_ratios"][risk] == (None if math.isnan(value) else value)
    assert back["positions"] == r.positions.to_dict()
    assert back["trades"] == r.trades.to_dict()
    contributions = {row["term"]: row["contribution"] for row in back["objective"]}
    assert contributions == r.objective["contribution"].to_dict()
    rows = {row["row"]: row for row in back["constraints"]}
    assert set(rows) == set(r.constraints.index)
    for label, row in rows.items():
        assert row["value"] == r.constraints.loc[label, "value"]
        assert row["binding"] == bool(r.constraints.loc[label, "binding"])
    assert back["solver"]["name"] == r.solver.name
    assert [a["solver"] for a in back["solver"]["attempts"]] == [
        a.solver for a in r.solver.attempts
    ]
    assert back["diagnosis"] is None


def test_infeasible_result_to_dict_is_strict_json():
    raw = raw_problem(DEFAULT_PROBLEM)
    raw["constraints"][3] = {"leverage": {"max": 0.01}}
    result = ldi.load_problem(raw).solve()
    back = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert back["status"] == "infeasible"
    assert back["funding_ratio"] is None
    assert back["objective_value"] is None
    assert set(back["positions"].values()) == {None}
    assert back["diagnosis"]["message"] == result.diagnosis.message
    assert {row["row"] for row in back["diagnosis"]["rows"]} == set(result.diagnosis.table.index)


def test_summary_forms_show_the_status_and_the_funding_ratio(case):
    r = case.result
    funding = f"{100 * r.funding_ratio:.1f}%"
    summary = SolveSummary.of(r)
    for text in (summary.as_text(), summary.as_markdown(), summary._repr_html_()):
        assert r.status.value in text
        assert funding in text
        assert r.name.split(" ")[0] in text


def test_a_result_s_repr_is_one_short_line(case):
    text = repr(case.result)
    assert "\n" not in text
    assert len(text) < 400
    assert case.result.status.value in text
    assert f"funding {case.result.funding_ratio:.1%}" in text
