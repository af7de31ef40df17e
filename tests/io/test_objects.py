"""make_problem: a problem built from Python objects, tables and terms.

References: the same problem loaded from its YAML file (an invariant: both must solve to the
same positions and objective, 1e-9 relative, since both reach the one loader), and messages
written out by hand for refusals. A table's error names the field and never prints the table.
"""

import copy

import numpy as np
import pandas as pd
import pytest

import ldi
from ldi.errors import SpecError
from ldi.io.plain import plain
from ldi.liabilities import Liabilities
from ldi.optimize.terms.hedging import HedgeRatio
from tests.io.test_load import minimal
from tests.reference import DEFAULT_PROBLEM, PROBLEMS, raw_problem

RTOL = 1e-9  # the same loader on the same numbers: the solver repeats itself
OWN_KEYS = ("ldi", "name", "curves", "market", "liabilities", "instruments", "holdings")
DECISION = ("objective", "constraints")


def assert_same_solve(got, expected) -> None:
    assert got.status is expected.status
    assert got.objective_value == pytest.approx(expected.objective_value, rel=RTOL)
    scale = float(expected.positions.abs().sum())
    pd.testing.assert_index_equal(got.positions.index, expected.positions.index)
    np.testing.assert_allclose(
        got.positions.to_numpy(), expected.positions.to_numpy(), rtol=RTOL, atol=RTOL * scale
    )


@pytest.fixture(scope="module")
def scheme():
    """The default scheme loaded from its file, with its raw mapping."""
    return ldi.load_problem(DEFAULT_PROBLEM), raw_problem(DEFAULT_PROBLEM)


def test_the_default_scheme_from_its_objects_solves_as_its_file(scheme):
    loaded, raw = scheme
    liabilities = dict(raw["liabilities"])
    liabilities["cashflows"] = pd.read_csv(PROBLEMS / "data" / "uk_db_scheme_cashflows.csv")
    built = ldi.make_problem(
        loaded.market,
        liabilities,
        list(loaded.instruments.values()),
        loaded.holdings,
        objective=raw["objective"],
        constraints=raw["constraints"],
        name=raw["name"],
        sections={k: v for k, v in raw.items() if k not in (*OWN_KEYS, *DECISION)},
    )
    assert built.liability_basis == loaded.liability_basis
    assert_same_solve(built.solve(), loaded.solve())


def small(**overrides):
    """The minimal problem of tests.io.test_load with a decision to solve."""
    raw = minimal(
        objective={"minimize": ["key_rate_mismatch", {"transaction_costs": {"weight": 5}}]},
        constraints=["budget", {"hedge_ratio": {"risk": "rates", "min": 0.8, "max": 1.0}}],
    )
    raw["liabilities"]["cashflows"] = [
        {"time": float(t), "fixed": 10.0, "inflation_linked": 5.0} for t in range(1, 26)
    ]
    raw["holdings"] = {"G10": 300.0, "CASH": 100.0}
    raw.update(overrides)
    return raw


def objects(raw):
    """The market, cash flows, instruments and holdings of ``raw`` as Python objects."""
    curves = raw["curves"]
    market = ldi.Market(
        {
            "gilts": ldi.ZeroCurve(curves["gilts"]["tenors"], curves["gilts"]["rates"]),
            "rpi": ldi.BreakevenCurve(curves["rpi"]["tenors"], curves["rpi"]["rates"]),
        },
        nominal="gilts",
        inflation="rpi",
    )
    flows = pd.DataFrame(raw["liabilities"]["cashflows"])
    universe = [
        ldi.Bond(id="G10", coupon=0.04, maturity=10),
        ldi.IndexLinkedBond(id="IL20", coupon=0.005, maturity=20),
        ldi.InterestRateSwap(id="S30", tenor=30),
        ldi.Repo(id="R3M", collateral="G10", term=0.25, haircut=0.04),
        ldi.Cash(id="CASH"),
    ]
    return market, flows, universe, pd.Series(raw["holdings"])


def test_objects_a_dataframe_and_term_objects_solve_as_the_dict():
    raw = small()
    raw["instruments"][3]["haircut"] = 0.04
    market, flows, universe, holdings = objects(raw)
    built = ldi.make_problem(
        market,
        flows,
        universe,
        holdings,
        objective=[
            "key_rate_mismatch",
            {"transaction_costs": {"weight": 5}},
        ],
        constraints=["budget", HedgeRatio(risk="rates", min=0.8, max=1.0)],
        name="test scheme",
    )
    assert_same_solve(built.solve(), ldi.load_problem(raw).solve())


def test_cashflows_and_a_liabilities_object_give_the_file_liabilities():
    raw = small()
    market, flows, _, _ = objects(raw)
    cashflows = ldi.Cashflows(flows["time"], flows["fixed"], flows["inflation_linked"])
    owed = Liabilities(
        cashflows, market.curves["gilts"].shifted(50), market.curves["rpi"], curve="gilts"
    )
    on_spread = {**raw, "liabilities": {**raw["liabilities"], "spread": 0.005}}
    for given, file in ((cashflows, raw), (owed, on_spread)):
        problem = ldi.make_problem(market, given, raw["instruments"], raw["holdings"])
        expected = ldi.load_problem(file).liabilities.risk()
        pd.testing.assert_frame_equal(problem.liabilities.risk(), expected, rtol=1e-12)


def test_a_dataframe_of_instruments_of_several_kinds_leaves_blank_cells_out():
    raw = small()
    table = pd.DataFrame(raw["instruments"])
    assert table["coupon"].isna().any()  # a swap has no coupon: a blank cell
    assert plain(table) == raw["instruments"]
    assert_same_solve(
        ldi.load_problem({**raw, "instruments": table}).solve(), ldi.load_problem(raw).solve()
    )


def test_a_dataframe_of_cash_flows_loads_in_a_dict_problem():
    raw = small()
    frame = pd.DataFrame(raw["liabilities"]["cashflows"])
    edited = copy.deepcopy(raw)
    edited["liabilities"]["cashflows"] = frame
    pd.testing.assert_frame_equal(
        ldi.load_problem(edited).liabilities.risk(), ldi.load_problem(raw).liabilities.risk()
    )


def test_a_bad_dataframe_is_named_by_field_without_its_rows():
    raw = small()
    frame = pd.DataFrame({"time": np.arange(1.0, 121.0), "amt": 1.0e6})
    raw["liabilities"]["cashflows"] = frame
    with pytest.raises(SpecError) as caught:
        ldi.load_problem(raw)
    message = str(caught.value)
    assert message.splitlines() == [
        "liabilities.cashflows[0].amt: unknown key; expected only ['time', 'fixed', "
        "'inflation_linked', 'status', 'tranche', 'deferred_until'] (and in 119 more rows)"
    ]


def test_a_blank_amount_in_a_dataframe_of_cash_flows_is_refused_as_in_a_csv():
    """A payment left blank (a failed merge) is not silently 0: the row and field are named."""
    raw = small()
    frame = pd.DataFrame(raw["liabilities"]["cashflows"]).astype({"fixed": float})
    frame.loc[1, "fixed"] = np.nan
    raw["liabilities"]["cashflows"] = frame
    with pytest.raises(SpecError) as caught:
        ldi.load_problem(raw)
    assert str(caught.value) == "liabilities.cashflows[1].fixed: got .nan; expected a finite number"


def test_a_dataframe_where_a_mapping_belongs_is_counted_not_printed():
    raw = small(curves=pd.DataFrame({"tenor": np.arange(1.0, 121.0), "rate": 0.04}))
    with pytest.raises(SpecError) as caught:
        ldi.load_problem(raw)
    assert str(caught.value) == "curves: got a list of 120 items; expected a mapping of keys"


def test_a_relative_path_in_a_dict_reads_from_the_working_folder(monkeypatch):
    raw = raw_problem(DEFAULT_PROBLEM)
    raw["liabilities"]["cashflows"] = "uk_db_scheme_cashflows.csv"
    monkeypatch.chdir(PROBLEMS / "data")
    assert ldi.load_problem(raw).folder == PROBLEMS / "data"
    monkeypatch.chdir(PROBLEMS)
    with pytest.raises(SpecError, match=r"^liabilities\.cashflows: "):
        ldi.load_problem(raw)


def test_sections_the_arguments_give_are_refused():
    market, flows, universe, holdings = objects(small())
    with pytest.raises(SpecError) as caught:
        ldi.make_problem(market, flows, universe, sections={"holdings": {}})
    assert str(caught.value) == (
        "sections.holdings: given by make_problem's holdings argument; expected other keys of "
        "a problem file, such as currency, valuation_date, solver, collateral or stress"
    )


def test_a_curve_the_file_cannot_state_is_refused():
    market, flows, universe, _ = objects(small())
    nss = ldi.NelsonSiegelSvensson(0.04, -0.01, 0.01, 0.0, 2.0, 10.0)
    odd = ldi.Market({**market.curves, "fitted": nss}, nominal="gilts", inflation="rpi")
    with pytest.raises(SpecError, match=r"^market\.curves\.fitted: got a NelsonSiegelSvensson"):
        ldi.make_problem(odd, flows, universe)
