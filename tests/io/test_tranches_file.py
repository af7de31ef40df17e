"""Problem files with benefits in tranches: ``liabilities.tranches`` and a ``tranche`` column.

References and tolerances:

- each tranche's indexation is the one the file declares (index, floor, cap, lag) with the
  volatility of its index's ``market.inflation_volatility``, else of the curve that index
  is built on: compared field by field, exactly;
- the rows of the liability risk: the tranche rows, and the status rows, each add up to the
  total (the parts are the total's flows split up): PV to 1e-12 relative, sensitivities to
  1e-12 x PV in money (each is a difference of revalued PVs and carries a PV's rounding);
- the model of time (``Ledger``) values the liabilities today as every stress does
  (``liability_values`` with no move): 1e-12 relative, sums of a few dozen discounted flows;
- the ``ldi risk`` text prints each tranche's PV and IE01 as the risk table has them, to the
  decimals printed (half a unit of the last decimal);
- refusals: the key's path and the whole message.
"""

import warnings

import numpy as np
import pytest
import yaml

from ldi import Indexation, YearlyVolatility
from ldi.cashflows.tranches import Tranches
from ldi.cli.main import main
from ldi.curves.inflation import IndexCurves, WedgeCurve
from ldi.errors import LDIWarning, SpecError
from ldi.io.load import load_problem
from ldi.risk.sensitivities import inflation_key_rate_column, key_rate_column
from ldi.scenarios import liability_values
from ldi.scenarios.carry import Ledger
from ldi.scenarios.scenario import Move
from tests.io.edits import DROP, edited

RTOL = 1e-12
KEYS = (1.0, 2.0, 5.0, 10.0, 20.0, 30.0)
TRANCHES = ["pre_1997", "lpi_5", "cpi_25"]
RPI_VOLATILITY = YearlyVolatility(0.012, "normal")


def raw():
    """Three tranches: fixed, LPI(0, 5) on RPI, CPI capped at 2.5% with a lag; CPI = RPI − wedge."""
    return {
        "ldi": 1,
        "name": "tranches",
        "curves": {
            "gilts": {"tenors": [1, 10, 30], "rates": [0.04, 0.045, 0.05]},
            "rpi": {"kind": "breakeven", "tenors": [1, 30], "rates": [0.034, 0.031]},
            "cpi": {
                "kind": "wedge",
                "base": "rpi",
                "starts": [0, 4.09],
                "wedges": [0.0095, 0.0005],
            },
        },
        "market": {"inflation_volatility": {"rpi": {"model": "normal", "yearly": 0.012}}},
        "liabilities": {
            "discount_curve": "gilts",
            "inflation_curve": "rpi",
            "tranches": {
                "pre_1997": {},
                "lpi_5": {"floor": 0.0, "cap": 0.05},
                "cpi_25": {"index": "cpi", "floor": 0.0, "cap": 0.025, "lag": 0.25},
            },
            "cashflows": [
                {"time": 1, "fixed": 10.0, "tranche": "pre_1997"},
                {"time": 2, "inflation_linked": 20.0, "tranche": "lpi_5"},
                {"time": 3, "inflation_linked": 15.0, "tranche": "cpi_25"},
                {"time": 5, "fixed": 12.0, "tranche": "pre_1997"},
                {"time": 12, "fixed": 1.0, "inflation_linked": 25.0, "tranche": "lpi_5"},
                {"time": 12, "inflation_linked": 6.0, "tranche": "cpi_25"},
                {"time": 25, "inflation_linked": 30.0, "tranche": "cpi_25"},
            ],
        },
        "instruments": [
            {"id": "G10", "kind": "bond", "coupon": 0.04, "maturity": 10},
            {"id": "CPI20", "kind": "inflation_swap", "maturity": 20, "inflation_curve": "cpi"},
        ],
        "holdings": {"G10": 100.0, "CPI20": 50.0},
    }


def assert_flows(cf, times, fixed, linked):
    np.testing.assert_array_equal(cf.times, times)
    np.testing.assert_array_equal(cf.amounts, fixed)
    np.testing.assert_array_equal(cf.inflation_linked, linked)


def assert_rows_add_up(table, rows):
    """``rows`` of a liability risk table add up to its total (see the module docstring)."""
    columns = [
        "pv",
        "pv01",
        "ie01",
        *(key_rate_column(k) for k in KEYS),
        *(inflation_key_rate_column(k) for k in KEYS),
    ]
    total = table.loc["total", columns].to_numpy(dtype=float)
    summed = table.loc[rows, columns].to_numpy(dtype=float).sum(axis=0)
    np.testing.assert_allclose(summed, total, rtol=0, atol=RTOL * total[0])


# --- the built liabilities -----------------------------------------------------------------


def test_each_tranche_keeps_the_indexation_the_file_declares():
    liabilities = load_problem(raw()).liabilities
    flows = liabilities.cashflows
    assert isinstance(flows, Tranches)
    assert list(flows.parts) == TRANCHES
    assert dict(liabilities.tranches) == dict(flows.parts)
    rules = {name: part.indexation for name, part in flows.parts.items()}
    assert rules == {
        "pre_1997": Indexation(),
        "lpi_5": Indexation(floor=0.0, cap=0.05, volatility=RPI_VOLATILITY),
        # CPI has no volatility of its own: its LPI is priced on RPI's, the curve it is on.
        "cpi_25": Indexation(
            lag=0.25, floor=0.0, cap=0.025, volatility=RPI_VOLATILITY, index="cpi"
        ),
    }
    assert rules["cpi_25"].volatility == RPI_VOLATILITY
    assert_flows(flows.parts["pre_1997"], [1.0, 5.0], [10.0, 12.0], [0.0, 0.0])
    assert_flows(flows.parts["lpi_5"], [2.0, 12.0], [0.0, 1.0], [20.0, 25.0])
    assert_flows(flows.parts["cpi_25"], [3.0, 12.0, 25.0], [0.0, 0.0, 0.0], [15.0, 6.0, 30.0])


def test_the_liabilities_value_each_index_on_its_own_curve():
    problem = load_problem(raw())
    curves = problem.liabilities.inflation_curve
    assert isinstance(curves, IndexCurves)
    assert curves.default == "rpi"
    assert curves.for_index(None) is problem.market.curves["rpi"]
    cpi = curves.for_index("cpi")
    assert isinstance(cpi, WedgeCurve)
    assert cpi is problem.market.curves["cpi"]
    assert cpi.base is problem.market.curves["rpi"]
    np.testing.assert_array_equal(cpi.starts, [0.0, 4.09])
    np.testing.assert_array_equal(cpi.wedges, [0.0095, 0.0005])


def test_a_wedge_curve_with_its_own_volatility_prices_its_tranche_on_it():
    own = {"rpi": {"model": "normal", "yearly": 0.012}, "cpi": {"yearly": 0.008}}
    liabilities = load_problem(edited(raw(), {"market.inflation_volatility": own})).liabilities
    rules = {name: part.indexation for name, part in liabilities.tranches.items()}
    assert rules["cpi_25"].volatility == YearlyVolatility(0.008, "normal")
    assert rules["lpi_5"].volatility == RPI_VOLATILITY


def test_without_any_volatility_lpi_tranches_rest_on_the_default():
    liabilities = load_problem(edited(raw(), {"market.inflation_volatility": {}})).liabilities
    rules = {name: part.indexation for name, part in liabilities.tranches.items()}
    assert rules["lpi_5"].volatility is None
    assert rules["cpi_25"].volatility is None
    assert rules["lpi_5"].rests_on_default
    assert rules["cpi_25"].rests_on_default


# --- liability risk ------------------------------------------------------------------------


def test_risk_has_a_row_per_tranche_and_the_tranches_add_up_to_the_total():
    table = load_problem(raw()).liabilities.risk(KEYS)
    assert list(table.index) == ["fixed", "inflation_linked", *TRANCHES, "total"]
    assert_rows_add_up(table, TRANCHES)
    assert_rows_add_up(table, ["fixed", "inflation_linked"])
    assert table.loc["pre_1997", "ie01"] == 0.0
    assert table.loc["lpi_5", "ie01"] > 0
    assert table.loc["cpi_25", "ie01"] > 0


CSV = """time,status,tranche,fixed,inflation_linked
1,pensioner,pre_1997,10,0
2,pensioner,lpi_5,0,20
3,deferred,cpi_25,0,15
5,pensioner,pre_1997,12,0
12,pensioner,lpi_5,1,25
12,deferred,lpi_5,0,5
25,pensioner,cpi_25,0,30
30,deferred,cpi_25,0,10
"""


def from_csv(tmp_path, monkeypatch, text=CSV):
    """The problem with its benefits in a CSV file (a dict's files are read from the cwd)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "benefits.csv").write_text(text)
    return edited(raw(), {"liabilities.cashflows": "benefits.csv"})


def test_a_csv_with_status_and_tranche_splits_each_status_by_tranche(tmp_path, monkeypatch):
    liabilities = load_problem(from_csv(tmp_path, monkeypatch)).liabilities
    total = liabilities.cashflows
    assert list(total.parts) == TRANCHES
    assert_flows(total.parts["lpi_5"], [2.0, 12.0], [0.0, 1.0], [20.0, 30.0])
    assert list(liabilities.by_status) == ["pensioner", "deferred"]
    pensioner, deferred = liabilities.by_status["pensioner"], liabilities.by_status["deferred"]
    assert isinstance(pensioner, Tranches)
    assert isinstance(deferred, Tranches)
    assert list(pensioner.parts) == TRANCHES
    assert list(deferred.parts) == ["lpi_5", "cpi_25"]  # no deferred benefit is pre-1997
    assert_flows(pensioner.parts["pre_1997"], [1.0, 5.0], [10.0, 12.0], [0.0, 0.0])
    assert_flows(pensioner.parts["lpi_5"], [2.0, 12.0], [0.0, 1.0], [20.0, 25.0])
    assert_flows(pensioner.parts["cpi_25"], [25.0], [0.0], [30.0])
    assert_flows(deferred.parts["lpi_5"], [12.0], [0.0], [5.0])
    assert_flows(deferred.parts["cpi_25"], [3.0, 30.0], [0.0, 0.0], [15.0, 10.0])
    for status in (pensioner, deferred):
        for name, part in status.parts.items():
            assert part.indexation == total.parts[name].indexation


def test_status_rows_and_tranche_rows_each_add_up_to_the_total(tmp_path, monkeypatch):
    table = load_problem(from_csv(tmp_path, monkeypatch)).liabilities.risk(KEYS)
    assert list(table.index) == [
        "fixed",
        "inflation_linked",
        *TRANCHES,
        "pensioner",
        "deferred",
        "total",
    ]
    assert_rows_add_up(table, TRANCHES)
    assert_rows_add_up(table, ["pensioner", "deferred"])


# --- the model of time and the report --------------------------------------------------------


def test_the_ledger_values_liabilities_in_tranches_as_every_stress_does():
    problem = load_problem(raw())
    ledger = Ledger(list(problem.instruments.values()), problem.market, problem.liabilities)
    expected = liability_values(problem.liabilities, [Move()], problem.market)[0]
    assert ledger.today[-1] == pytest.approx(expected, rel=RTOL)
    assert expected == pytest.approx(problem.liabilities.risk(KEYS).loc["total", "pv"], rel=RTOL)


def test_the_ledger_takes_a_fixed_tranche_when_no_default_inflation_curve_is_named():
    """Only linked tranches need an index; the file loads and its risk is valued."""
    changes = {
        "liabilities.inflation_curve": DROP,
        "liabilities.tranches": {"pre_1997": {}, "cpi_25": {"index": "cpi", "cap": 0.025}},
        "liabilities.cashflows": [
            row for row in raw()["liabilities"]["cashflows"] if row["tranche"] != "lpi_5"
        ],
    }
    problem = load_problem(edited(raw(), changes))
    assert problem.liabilities.inflation_curve.default is None
    expected = liability_values(problem.liabilities, [Move()], problem.market)[0]
    assert expected == pytest.approx(problem.liabilities.risk(KEYS).loc["total", "pv"], rel=RTOL)
    ledger = Ledger(list(problem.instruments.values()), problem.market, problem.liabilities)
    assert ledger.today[-1] == pytest.approx(expected, rel=RTOL)


def test_ldi_risk_prints_a_row_per_tranche(tmp_path, capsys):
    path = tmp_path / "tranches.yaml"
    path.write_text(yaml.safe_dump(raw(), sort_keys=False))
    assert main(["risk", str(path)]) == 0
    out = capsys.readouterr().out
    table = load_problem(raw()).liabilities.risk()
    lines = out.split("\nLiabilities by tranche\n", 1)[1].split("\n\n", 1)[0].splitlines()
    rows = {line.split()[0]: line.split()[1:] for line in lines[2:]}
    assert list(rows) == [*TRANCHES, "Total"]
    for name in TRANCHES:
        pv, _, _, _, ie01 = (float(cell.replace(",", "")) for cell in rows[name])
        assert pv == pytest.approx(table.loc[name, "pv"], abs=0.005)
        assert ie01 == pytest.approx(table.loc[name, "ie01"], abs=0.00005)
    basis = next(line for line in out.splitlines() if line.startswith("Liability basis: "))
    assert all(name in basis for name in TRANCHES)


# --- refusals ------------------------------------------------------------------------------

ROW_1 = "liabilities.cashflows.1"
TRANCHE_NAMES = "['pre_1997', 'lpi_5', 'cpi_25']"
REFUSED = [
    pytest.param(
        {"liabilities.tranches.cpi_25.index": "cpih"},
        "liabilities.tranches.cpi_25.index",
        "liabilities.tranches.cpi_25.index: got 'cpih'; expected the name of a breakeven "
        "curve, one of ['cpi', 'rpi']",
        id="unknown-index",
    ),
    pytest.param(
        {f"{ROW_1}.tranche": "lpi_3"},
        "liabilities.cashflows[1].tranche",
        "liabilities.cashflows[1].tranche: got 'lpi_3'; expected a tranche of "
        f"liabilities.tranches, one of {TRANCHE_NAMES}",
        id="undeclared-tranche",
    ),
    pytest.param(
        {"liabilities.tranches.lpi_3": {"cap": 0.03}},
        "liabilities.tranches.lpi_3",
        "liabilities.tranches.lpi_3: no row of liabilities.cashflows names it; expected some rows",
        id="unused-tranche",
    ),
    pytest.param(
        {"liabilities.tranches": DROP},
        "liabilities.cashflows",
        "liabilities.cashflows: has a 'tranche' column but liabilities.tranches is empty; "
        "expected liabilities.tranches to declare each tranche's indexation",
        id="tranche-column-without-tranches",
    ),
    pytest.param(
        {
            "liabilities.cashflows": [
                {"time": 1, "fixed": 10.0},
                {"time": 2, "inflation_linked": 20.0},
            ]
        },
        "liabilities.cashflows",
        "liabilities.cashflows: has no 'tranche' column; expected one naming one of "
        f"liabilities.tranches {TRANCHE_NAMES} on every row",
        id="tranches-without-tranche-column",
    ),
    pytest.param(
        {"liabilities.indexation": {"floor": 0.0, "cap": 0.05}},
        "liabilities.indexation",
        "liabilities.indexation: given with liabilities.tranches; expected the indexation of "
        "each tranche in liabilities.tranches instead",
        id="indexation-and-tranches",
    ),
    pytest.param(
        {"liabilities.tranches.total": {}},
        "liabilities.tranches.total",
        "liabilities.tranches.total: got 'total', the name of a liability risk row; expected "
        "another name such as 'lpi_5'",
        id="tranche-named-total",
    ),
    pytest.param(
        {f"{ROW_1}.tranche": DROP},
        "liabilities.cashflows[1].tranche",
        "liabilities.cashflows[1].tranche: got no tranche; expected a tranche name on every row",
        id="inline-row-without-tranche",
    ),
    pytest.param(
        {f"{ROW_1}.tranche": "  "},
        "liabilities.cashflows[1].tranche",
        "liabilities.cashflows[1].tranche: got '  '; expected a tranche name on every row",
        id="inline-row-blank-tranche",
    ),
]


@pytest.mark.parametrize(("edits", "path", "message"), REFUSED)
def test_a_bad_tranche_is_refused_at_its_path(edits, path, message):
    with pytest.raises(SpecError) as caught:
        load_problem(edited(raw(), edits))
    assert caught.value.path == path
    assert str(caught.value) == message


def test_a_tranche_and_a_status_sharing_a_name_are_refused():
    statuses = ["pensioner", "lpi_5", "pensioner", "deferred", "pensioner", "deferred", "lpi_5"]
    rows = [
        {**row, "status": status}
        for row, status in zip(raw()["liabilities"]["cashflows"], statuses, strict=True)
    ]
    with pytest.raises(SpecError) as caught:
        load_problem(edited(raw(), {"liabilities.cashflows": rows}))
    assert caught.value.path == "liabilities.tranches"
    assert str(caught.value) == (
        "liabilities.tranches: ['lpi_5'] also name a member status; expected tranche and "
        "status names apart (each is a row of the liability risk)"
    )


def test_a_blank_tranche_cell_of_a_csv_is_refused(tmp_path, monkeypatch):
    text = CSV.replace("3,deferred,cpi_25,", "3,deferred,,")
    with pytest.raises(SpecError) as caught:
        load_problem(from_csv(tmp_path, monkeypatch, text))
    assert caught.value.path == "liabilities.cashflows"
    assert str(caught.value) == (
        "liabilities.cashflows: benefits.csv.tranche[2]: got a blank cell; expected a tranche "
        "name on every row"
    )


def test_an_undeclared_tranche_in_a_csv_is_refused_naming_its_row(tmp_path, monkeypatch):
    text = CSV.replace("12,deferred,lpi_5,", "12,deferred,lpi_3,")
    with pytest.raises(SpecError) as caught:
        load_problem(from_csv(tmp_path, monkeypatch, text))
    assert caught.value.path == "liabilities.cashflows"
    assert str(caught.value) == (
        "liabilities.cashflows: benefits.csv.tranche[5]: got 'lpi_3'; expected a tranche of "
        f"liabilities.tranches, one of {TRANCHE_NAMES}"
    )


def test_a_tranche_error_names_the_row_as_written_when_past_flows_are_dropped():
    changes = {
        "liabilities.past_flows": "drop",
        "liabilities.cashflows.0.time": -1,
        "liabilities.cashflows.2.tranche": "lpi_3",
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LDIWarning)  # the dropped row is reported by a warning
        with pytest.raises(SpecError) as caught:
            load_problem(edited(raw(), changes))
    assert str(caught.value).startswith("liabilities.cashflows[2].tranche: got 'lpi_3'")


def test_a_cell_error_names_the_row_as_written_when_past_flows_are_dropped():
    """The convention the tranche errors above follow (``Cashflows.from_frame``)."""
    changes = {
        "liabilities.past_flows": "drop",
        "liabilities.cashflows.0.time": -1,
        "liabilities.cashflows.2.fixed": -5.0,
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LDIWarning)
        with pytest.raises(SpecError) as caught:
            load_problem(edited(raw(), changes))
    assert caught.value.path == "liabilities.cashflows[2].fixed"
