"""Stress tests of the default problem (problems/uk_db_scheme.yaml) by ``ldi.stress``.

Reference: an independent revaluation in plain numpy built from ``tests.reference`` (no
``ldi`` import there): the problem's YAML and CSV read directly, the SONIA par curve
bootstrapped by brentq, bond z-spreads implied from their prices, and every position priced
per unit with zero rates moved by Δn (+ Δc for credit bonds) and breakevens by Δb. Growth
assets move by their stated durations times (1 + g); liabilities are the benefits in their
tranches (fixed; LPI(0,5) on RPI; LPI(0,2.5) on CPI, RPI less the wedge) on gilts + 50bp.
Collateral follows the formulas of ``ldi.liquidity.collateral``'s docstring: EMIR haircuts
by residual maturity (government 0.5/2/4%, corporate 1/4/8%), equity 15%, default days to
eligibility (cash and gilts 0; corporate, equity and illiquid never) as the file's
``collateral`` section overrides them, repo top-ups r_c / (1 − h_k).

Only parallel scenarios are repriced (all moves in them are the same at every tenor); in
``gilts_cheapen_30`` the flows on gilts move by 30bp and those on SONIA (swaps, repo) not at
all (``SONIA_BP``).
Tolerances: per-unit values agree to ~1e-12 (rounding and the 1e-15 spread solves), so money
totals of a ~GBP 1.4bn book are held to 1e-10 relative; identities of the report's own
columns to 1e-6 relative, as briefed.
"""

import dataclasses
import json
import re

import numpy as np
import pandas as pd
import pytest

import ldi
from ldi.errors import DataError
from ldi.scenarios import Move, Scenario, catalogue
from ldi.stress import STEP_COLUMNS, StressResult, stress_test
from tests.reference import (
    DEFAULT_PROBLEM,
    PLAIN,
    Stream,
    build_curves,
    implied_spread,
    liability_book,
    positions_of,
    roll_back,
    shock,
    stress_step,
    swap_leg,
)
from tests.reference import catalogue as reference_catalogue
from tests.reference import raw_problem as read_raw
from tests.reference import reference as reference_of

MONEY_RTOL = 1e-10
PARALLEL = {  # scenario step -> (nominal, breakeven, credit) in bp, growth
    ("parallel_up_100", ""): (100, 0, 0, 0.0),
    ("parallel_down_100", ""): (-100, 0, 0, 0.0),
    ("parallel_up_250", ""): (250, 0, 0, 0.0),
    ("breakeven_up_50", ""): (0, 50, 0, 0.0),
    ("real_yields_up_100", ""): (0, -100, 0, 0.0),
    ("credit_spreads_up_100", ""): (0, 0, 100, 0.0),
    ("growth_down_25", ""): (0, 0, 0, -0.25),
    ("boe_swes_2023", "day 1"): (45, -15, 40, 0.0),
    ("boe_swes_2023", "day 10"): (115, -25, 130, 0.0),
    ("gilts_cheapen_30", ""): (30, 0, 0, 0.0),
}
SONIA_BP = {("gilts_cheapen_30", ""): 0.0}  # the move of SONIA flows where not the nominal one
GOVERNMENT = ((1.0, 0.005), (5.0, 0.02), (np.inf, 0.04))
CORPORATE = ((1.0, 0.01), (5.0, 0.04), (np.inf, 0.08))


@pytest.fixture(scope="module")
def problem():
    return ldi.load_problem(DEFAULT_PROBLEM)


@pytest.fixture(scope="module")
def result(problem):
    return stress_test(problem)


@pytest.fixture(scope="module")
def raw():
    return read_raw()


# --- independent reference -------------------------------------------------------------------


def flat(size):
    return lambda u: np.full(np.shape(u), size)


def unit_streams(raw):
    """Per instrument: (kind, unit stream or None, extra), priced today from the YAML."""
    curves = build_curves(raw["curves"])
    gilts, sonia, rpi = curves["gilts"], curves["sonia"], curves["rpi"]
    out = {}
    for item in raw["instruments"]:
        kind = item["kind"]
        if kind in ("bond", "zero_coupon_bond", "index_linked_bond"):
            if kind == "zero_coupon_bond":
                t, real, accrued = np.array([float(item["maturity"])]), np.array([100.0]), 0.0
            else:
                t, previous = roll_back(float(item["maturity"]), 2)
                real = np.full(t.size, 100.0 * item["coupon"] / 2)
                real[-1] += 100.0
                accrued = -100.0 * item["coupon"] * previous
            ratio = float(item.get("index_ratio", 1.0))
            if kind == "index_linked_bond":
                stream = Stream(t, 0 * real, ratio * real, gilts, 0.0, rpi, PLAIN)
            else:
                stream = Stream(t, real, 0 * real, gilts)
            spread = (
                implied_spread(stream, (item["price"] + accrued) * ratio)
                if "price" in item
                else float(item.get("spread", 0.0))
            )
            stream = Stream(t, stream.fixed, stream.linked, gilts, spread, rpi, PLAIN)
            out[item["id"]] = (kind, stream.scaled(1.0 / stream.value()), item)
        elif kind == "interest_rate_swap":
            t, accruals = swap_leg(float(item["tenor"]), 1)
            par = (1.0 - sonia.df(t)[-1]) / float(accruals @ sonia.df(t))
            amounts = par * accruals
            amounts[-1] += 1.0
            out[item["id"]] = (kind, Stream(t, amounts, 0 * amounts, sonia), item)
        elif kind == "inflation_swap":
            T = float(item["maturity"])
            fixed = -((1.0 + rpi.rate(np.array([T]))) ** T)  # par: K = b(T), no lag
            stream = Stream(np.array([T]), fixed, np.ones(1), sonia, 0.0, rpi, PLAIN)
            out[item["id"]] = (kind, stream, item)
        elif kind == "repo":
            term = float(item["term"])
            fair = (1.0 / float(sonia.df(np.array([term]))[0]) - 1.0) / term
            stream = Stream(np.array([term]), np.array([-(1 + fair * term)]), np.zeros(1), sonia)
            out[item["id"]] = (kind, stream, item)
        else:
            out[item["id"]] = (kind, None, item)
    return out


def unit_values(streams, dn=0.0, db=0.0, dc=0.0, growth=0.0, ds=None):
    """Values per unit after parallel moves (decimals) and a growth return.

    ``ds``: the move of flows discounted on SONIA (swaps, repo), default ``dn``.
    """
    on_sonia = ("interest_rate_swap", "inflation_swap", "repo")
    values = {}
    for name, (kind, stream, item) in streams.items():
        if kind == "return_seeking":
            stated = (
                1.0
                - item.get("rates_duration", 0.0) * dn
                + item.get("inflation_duration", 0.0) * db
                - item.get("spread_duration", 0.0) * dc
            )
            values[name] = stated * (1.0 + growth)
        elif kind == "cash":
            values[name] = 1.0
        else:
            rate = dn if ds is None or kind not in on_sonia else ds
            shift = rate + (dc if item.get("credit", False) else 0.0)
            settled = -1.0 if kind == "interest_rate_swap" else 0.0
            values[name] = settled + stream.value(flat(shift), flat(db))
    return pd.Series(values)


def liability_value(raw, dn=0.0, db=0.0):
    """The benefits, each tranche on its own index, with every curve moved in parallel."""
    return liability_book(raw).value(flat(dn), flat(db))


# Credit and equity count only when the file gives their days (docs/problem-files.md).
DEFAULT_DAYS = {"cash": 0.0, "government": 0.0, "corporate": None, "equity": None, "illiquid": None}


def asset_class(item, raw):
    """The collateral class of a physical asset: the file's override, else by kind."""
    override = raw.get("collateral", {}).get("instruments", {}).get(item["id"], {})
    if "asset_class" in override:
        return override["asset_class"]
    if item["kind"] in ("cash", "return_seeking"):
        return {"cash": "cash", "return_seeking": "equity"}[item["kind"]]
    return "corporate" if item.get("credit", False) else "government"


def eligible(item, raw):
    """1 when the asset can be collateral within the window (the file's days and window)."""
    section = raw.get("collateral", {})
    days = {**DEFAULT_DAYS, **section.get("days", {})}[asset_class(item, raw)]
    return float(days is not None and days <= section.get("within_days", 5.0))


def haircut(item, raw):
    kind = asset_class(item, raw)
    if kind == "cash":
        return 0.0
    if kind == "equity":
        return 0.15
    if kind == "illiquid":
        return 1.0
    schedule = CORPORATE if kind == "corporate" else GOVERNMENT
    return next(cut for limit, cut in schedule if item["maturity"] <= limit)


@pytest.fixture(scope="module")
def reference(raw):
    streams = unit_streams(raw)
    base = unit_values(streams)
    moved = {
        step: unit_values(streams, n * 1e-4, b * 1e-4, c * 1e-4, g, sonia(step))
        for step, (n, b, c, g) in PARALLEL.items()
    }
    liabilities = {
        step: liability_value(raw, n * 1e-4, b * 1e-4) for step, (n, b, _, _) in PARALLEL.items()
    }
    return streams, base, moved, liability_value(raw), liabilities


def sonia(step):
    """The parallel move (decimal) of SONIA flows in ``step``; None: the nominal move."""
    return None if step not in SONIA_BP else SONIA_BP[step] * 1e-4


def positions(raw, index):
    return pd.Series(raw["holdings"], dtype=float).reindex(index, fill_value=0.0)


# --- against the reference -------------------------------------------------------------------


def test_assets_and_liabilities_today(result, raw, reference):
    _, base, _, liabilities_today, _ = reference
    assets = float(positions(raw, base.index) @ base)
    steps = result.steps
    np.testing.assert_allclose(steps["assets_before"], assets, rtol=MONEY_RTOL)
    np.testing.assert_allclose(steps["liabilities_before"], liabilities_today, rtol=MONEY_RTOL)


@pytest.mark.parametrize("step", list(PARALLEL))
def test_assets_after_parallel_moves_are_repriced_positions(result, raw, reference, step):
    _, _, moved, _, liabilities = reference
    row = result.steps.loc[step]
    x = positions(raw, moved[step].index)
    assert row["assets_after"] == pytest.approx(float(x @ moved[step]), rel=MONEY_RTOL)
    assert row["liabilities_after"] == pytest.approx(liabilities[step], rel=MONEY_RTOL)


def initial_margins(streams, base, raw):
    """Per overlay: its largest value change under the file's shock, nominal or breakeven, +-."""
    size = raw["collateral"]["initial_margin_shock_bp"] * 1e-4
    moves = [(size, 0.0), (-size, 0.0), (0.0, size), (0.0, -size)]
    changes = [(unit_values(streams, dn, db) - base).abs() for dn, db in moves]
    return pd.concat(changes, axis=1).max(axis=1)


@pytest.mark.parametrize("step", list(PARALLEL))
def test_collateral_after_parallel_moves(result, raw, reference, step):
    """The file's terms of 2022 in every test: haircuts x s, initial margin x m.

    Its 4-day repo (``REPO_1W``) ends within the 5 business (7 calendar) days: it is rolled
    at the stressed haircut s h_k and pledges 1/(1 - s h_k) - (1 + r_c)/(1 - h_k) more.
    """
    streams, base, moved, _, _ = reference
    values, x = moved[step], positions(raw, base.index)
    stressed = raw["collateral"]["stressed"]
    s, m = stressed["haircut_scale"], stressed["margin_scale"]
    margin = initial_margins(streams, base, raw)
    available = needed = 0.0
    for name, (kind, _, item) in streams.items():
        if kind in ("interest_rate_swap", "inflation_swap"):
            needed -= x[name] * (values[name] - base[name])  # variation margin
            needed += m * margin[name] * abs(x[name])
        elif kind == "repo":
            pledge = streams[item["collateral"]][2]
            h_k = haircut(pledge, raw)  # the repo states none: its collateral's standard
            h_c = s * h_k
            r_c = values[item["collateral"]] / base[item["collateral"]] - 1.0
            needed -= x[name] * r_c / (1.0 - h_k)
            if item["term"] <= 7 / 365:  # rolled at the stressed haircut
                needed += x[name] * (1 / (1 - s * h_k) - 1 / (1 - h_k))
            available -= eligible(pledge, raw) * x[name] * (1.0 - h_c) * (1.0 + r_c) / (1.0 - h_k)
        else:
            cut = min(1.0, s * haircut(item, raw))
            available += eligible(item, raw) * x[name] * (1.0 - cut) * values[name]
    assert margin.max() > 0  # the file's terms are in play
    assert min(s, m) > 1
    row = result.steps.loc[step]
    assert row["collateral_needed"] == pytest.approx(needed, rel=1e-9, abs=1e-3)
    assert row["collateral_available"] == pytest.approx(available, rel=MONEY_RTOL)


# --- identities of every scenario and step ---------------------------------------------------


def test_every_scenario_and_step_is_reported(result, problem):
    expected = [(name, label) for name, s in problem.scenarios.items() for label in s.labels]
    assert list(result.steps.index) == expected
    assert list(result.steps.columns) == STEP_COLUMNS
    assert list(result.outcomes.index) == list(problem.scenarios)
    finals = [(name, s.labels[-1]) for name, s in problem.scenarios.items()]
    np.testing.assert_array_equal(result.outcomes.to_numpy(), result.steps.loc[finals].to_numpy())


def test_asset_change_less_liability_change_is_surplus_change(result):
    s = result.steps
    np.testing.assert_allclose(s["asset_change"], s["assets_after"] - s["assets_before"], 1e-12)
    np.testing.assert_allclose(
        s["liability_change"], s["liabilities_after"] - s["liabilities_before"], 1e-12
    )
    surplus = (s["assets_after"] - s["liabilities_after"]) - (
        s["assets_before"] - s["liabilities_before"]
    )
    scale = s["liabilities_before"].abs()
    np.testing.assert_allclose(s["asset_change"] - s["liability_change"], s["surplus_change"])
    assert np.all(np.abs(s["surplus_change"] - surplus) <= 1e-6 * scale)


def test_funding_ratios_are_assets_over_liabilities(result):
    s = result.steps
    np.testing.assert_allclose(
        s["funding_ratio_before"], s["assets_before"] / s["liabilities_before"]
    )
    np.testing.assert_allclose(s["funding_ratio_after"], s["assets_after"] / s["liabilities_after"])


def test_headroom_is_available_less_needed(result):
    s = result.steps
    scale = s["collateral_available"].abs().max()
    gap = s["collateral_available"] - s["collateral_needed"] - s["headroom"]
    assert np.all(np.abs(gap) <= 1e-6 * scale)


def test_waterfall_meets_the_final_calls_in_order(result):
    for name, table in result.waterfalls.items():
        needed = result.outcomes.loc[name, "collateral_needed"]
        assert table["used"].sum() == pytest.approx(max(needed, 0.0), rel=1e-9, abs=1e-3)
        pools = [p for p in table.index if p != "shortfall"]
        assert pools == [p for p in ("cash", "government", "corporate", "equity") if p in pools]


def test_resilience_has_a_nominal_and_a_real_row(result):
    assert list(result.resilience.index) == ["nominal", "real"]
    assert list(result.resilience.columns) == [
        "absorbable_bp",
        "absorbable_first_order_bp",
        "zero_nav_bp",
        "zero_nav_first_order_bp",
    ]


# --- choosing scenarios and positions --------------------------------------------------------


def test_scenarios_chosen_by_name_keep_the_order_given(problem, result):
    chosen = stress_test(problem, scenarios=["gilt_crisis_2022", "parallel_up_100"])
    assert list(chosen.scenarios) == ["gilt_crisis_2022", "parallel_up_100"]
    assert list(chosen.steps.index) == [
        *(("gilt_crisis_2022", f"day {i}") for i in range(1, 5)),
        ("parallel_up_100", ""),
    ]
    np.testing.assert_allclose(
        chosen.steps.to_numpy(), result.steps.loc[chosen.steps.index].to_numpy(), rtol=1e-12
    )


def test_unknown_scenario_names_are_listed(problem):
    message = f"scenario: got 'gilt_crisis_1994'; expected one of {list(problem.scenarios)}"
    with pytest.raises(DataError, match=f"^{re.escape(message)}$"):
        stress_test(problem, scenarios=["parallel_up_100", "gilt_crisis_1994"])


def test_positions_override_the_holdings(problem, raw):
    got = stress_test(problem, {"UKT_0_2045": 1e6, "CASH": 2e6}, ["parallel_up_100"])
    assert got.positions["UKT_0_2045"] == 1e6
    assert got.positions.drop(["UKT_0_2045", "CASH"]).abs().sum() == 0.0
    # The principal strip has no price or spread: it is priced on the gilt curve itself.
    gilts = raw["curves"]["gilts"]
    z = float(np.interp(19.5, gilts["tenors"], gilts["rates"]))
    row = got.steps.loc[("parallel_up_100", "")]
    assert row["assets_before"] == pytest.approx(3e6, rel=1e-12)
    expected = 1e6 * ((1 + z) / (1 + z + 0.01)) ** 19.5 + 2e6
    assert row["assets_after"] == pytest.approx(expected, rel=1e-12)


def test_unknown_position_ids_raise(problem):
    with pytest.raises(DataError) as caught:
        stress_test(problem, {"CASH": 1.0, "NOPE": 2.0})
    message = str(caught.value)
    assert message.startswith("positions: unknown instrument ids ['NOPE']; expected ids from [")
    assert "'UKT_4Q_2036'" in message


# --- to_dict ---------------------------------------------------------------------------------


def test_to_dict_is_json_with_every_scenario_its_steps_and_waterfall(result, problem):
    out = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert out["name"] == problem.name
    assert out["currency"] == "GBP"
    assert out["within_days"] == 5.0
    assert list(out["scenarios"]) == list(problem.scenarios)
    for name, scenario in problem.scenarios.items():
        entry = out["scenarios"][name]
        assert entry["description"] == scenario.description
        assert [step["step"] for step in entry["steps"]] == list(scenario.labels)
        assert set(entry["steps"][0]) == {"step", *STEP_COLUMNS}
        assert [row["pool"] for row in entry["waterfall"]] == list(result.waterfalls[name].index)
    assert [row["rise"] for row in out["resilience"]] == ["nominal", "real"]
    assert out["positions"]["SONIA_30Y"] == 200.0e6


def test_the_stress_api_is_public():
    assert ldi.stress_test is stress_test
    assert ldi.StressResult is StressResult
    assert (ldi.Move, ldi.Scenario, ldi.catalogue) == (Move, Scenario, catalogue)


# --- gilts cheapening against swaps ----------------------------------------------------------


def test_gilts_cheapening_against_swaps_moves_a_gilt_and_swap_hedge_as_revalued(problem, raw):
    """Gilts cheapen 30bp against SONIA under a 90% hedge that is 77.5 + 12.5 points.

    The hedge: 77.5 points of gilt PV01 and 12.5 points of SONIA PV01, on the default
    scheme's liabilities scaled to GBP 500m (gilts + 50bp); gilt yields rise 30bp and SONIA
    stays put.

    Reference: the plain-numpy revaluation above (reference streams; the hedge sized from
    their PV01s): the gilt repriced at its implied spread + 30bp, the swap unchanged on an
    unmoved SONIA curve, the liabilities on gilts + 50bp + 30bp; 1e-10 relative. The
    surplus rises about GBP 5.5m (first order 0.225 x 30 x PV01 = 5.8m), where a move of
    every curve together (all the single-curve view could show) gives 2.4m.
    """
    streams = unit_streams(raw)
    gilt, swap = streams["UKT_3T_2052"][1], streams["SONIA_30Y"][1]
    scale = 500e6 / liability_value(raw)
    owed01 = scale * (liability_value(raw, -1e-4) - liability_value(raw, 1e-4)) / 2

    def pv01(stream):
        return (stream.value(flat(-1e-4)) - stream.value(flat(1e-4))) / 2

    hedge = {"UKT_3T_2052": 0.775 * owed01 / pv01(gilt), "SONIA_30Y": 0.125 * owed01 / pv01(swap)}
    gilt_change = hedge["UKT_3T_2052"] * (gilt.value(flat(30e-4)) - gilt.value())
    owed_change = scale * (liability_value(raw, 30e-4) - liability_value(raw))
    expected = gilt_change - owed_change  # the swap's value does not move

    cheapening = Scenario.single("cheap", Move.of(nominal_bp=30, bond_swap_bp=30))
    by_name = Scenario.single("named", Move.of(curves_bp={"gilts": 30, "sonia": -30}))
    together = Scenario.single("together", Move.of(nominal_bp=30))
    liabilities = problem.liabilities
    flows = liabilities.cashflows.map(lambda part: part.scaled(scale))  # each tranche scaled
    scaled = dataclasses.replace(liabilities, cashflows=flows)
    case = dataclasses.replace(
        problem,
        liabilities=scaled,
        holdings=pd.Series(hedge),
        scenarios={s.name: s for s in (cheapening, by_name, together)},
    )
    outcomes = stress_test(case).outcomes["surplus_change"]
    assert outcomes["cheap"] == pytest.approx(expected, rel=MONEY_RTOL)
    assert outcomes["named"] == pytest.approx(expected, rel=MONEY_RTOL)  # sonia = gilts + spread
    assert expected == pytest.approx(5.48e6, rel=0.005)
    assert 0.225 * 30 * owed01 == pytest.approx(5.78e6, rel=0.005)
    assert outcomes["together"] == pytest.approx(2.38e6, rel=0.005)


# --- another market's scenarios, in bond-yield units ---------------------------------------


@pytest.mark.parametrize("name", ["treasury_selloff_2022", "euro_periphery_2011"])
def test_another_markets_scenario_on_the_default_problem_is_the_reference(problem, name):
    """A scenario in bond-yield bp, given to the sterling problem, revalues as the reference.

    Reference: ``tests.reference`` (its own catalogue, written from the sources, and its
    revaluation: each zero rate requoted at the market's semiannual gilt convention, moved,
    and read back on the annually compounded curves). Tolerance: 1e-12 of the gross book
    (liabilities plus 10 x the positions), the rounding of two float64 revaluations.
    """
    ref = reference_of(DEFAULT_PROBLEM)
    case = dataclasses.replace(problem, scenarios={name: catalogue()[name]})
    steps = stress_test(case).steps
    x = positions_of(ref)
    tolerance = 1e-12 * (abs(ref.liabilities.loc["total", "pv"]) + 10.0 * x.abs().sum())
    path = reference_catalogue()[name]
    assert [label for label, _ in path] == [label for _, label in steps.index]
    for label, move in path:
        expected = stress_step(ref, x, move)
        row = steps.loc[(name, label)]
        for column in ("asset_change", "liability_change", "collateral_needed", "headroom"):
            assert row[column] == pytest.approx(expected[column], rel=0, abs=tolerance), column
    # A semiannual yield move m moves an annual zero rate by about (1 + y/2) m: more.
    zero_units = stress_step(ref, x, dataclasses.replace(path[-1][1], in_yield=False))
    assert abs(zero_units["liability_change"]) < abs(expected["liability_change"])


# --- moves of one index: the RPI-CPI wedge ------------------------------------------------------


@pytest.mark.parametrize(
    ("curves_bp", "moved"),
    [
        ({"cpi": -30}, ("cpi_2_5",)),
        ({"rpi": 20}, ("rpi_lpi_5", "cpi_2_5")),
    ],
    ids=["cpi", "rpi"],
)
def test_a_move_of_one_index_moves_the_tranches_on_it(problem, curves_bp, moved):
    """A move of ``cpi`` (its wedge) reaches the CPI tranche alone; one of ``rpi``, more.

    A move of ``rpi`` reaches both linked tranches (CPI is RPI less the wedge) and what is
    linked to RPI among the holdings (growth assets by their stated inflation duration).
    Reference: ``tests.reference`` (the book's tranches revalued with the named curves'
    moves on the curves their index is built on), and, written out here, the moved
    tranches each revalued with its breakeven moved by the same bp, the others unmoved.
    Tolerance 1e-12 of the gross book (the rounding of two float64 revaluations).
    """
    ref = reference_of(DEFAULT_PROBLEM)
    x = positions_of(ref)
    tolerance = 1e-12 * (abs(ref.liabilities.loc["total", "pv"]) + 10.0 * x.abs().sum())
    (size,) = curves_bp.values()
    book = ref.liability_stream
    names = list(ref.raw["liabilities"]["tranches"])
    by_hand = sum(
        part.value(db=flat(size * 1e-4)) - part.value()
        for name, part in zip(names, book.parts, strict=True)
        if name in moved
    )
    expected = stress_step(ref, x, shock(curves_bp=curves_bp))
    assert expected["liability_change"] == pytest.approx(by_hand, rel=0, abs=tolerance)

    scenario = Scenario.single("index", Move.of(curves_bp=curves_bp))
    case = dataclasses.replace(problem, scenarios={"index": scenario})
    row = stress_test(case).steps.loc[("index", "")]
    for column in ("asset_change", "liability_change", "collateral_needed", "headroom"):
        assert row[column] == pytest.approx(expected[column], rel=0, abs=tolerance), column
