"""Problem files: loading, path resolution, defaults, and the errors bad files get.

Pure schema errors (one key, checked before anything is built) are in ``test_schema.py``; the
errors here need the curves, the CSV files, the YAML text or the other instruments.
"""

import math
import os
from functools import reduce

import numpy as np
import pandas as pd
import pytest
import yaml
from pydantic import ValidationError

from ldi.cashflows.tranches import Tranches
from ldi.curves.inflation import BreakevenCurve
from ldi.curves.zero import ZeroCurve
from ldi.errors import SpecError
from ldi.instruments import Bond, InterestRateSwap, Repo
from ldi.io.load import load_problem, parse_spec
from tests.io.edits import DROP, edited


def minimal(**overrides):
    """A small valid problem: two curves, inline flows, a bond, a linker, a swap, repo, cash."""
    raw = {
        "ldi": 1,
        "name": "test scheme",
        "curves": {
            "gilts": {"tenors": [1, 10, 30], "rates": [0.04, 0.045, 0.05]},
            "rpi": {"kind": "breakeven", "tenors": [1, 30], "rates": [0.03, 0.035]},
        },
        "liabilities": {
            "discount_curve": "gilts",
            "inflation_curve": "rpi",
            "cashflows": [{"time": 1, "fixed": 10.0}, {"time": 2, "inflation_linked": 20.0}],
        },
        "instruments": [
            {"id": "G10", "kind": "bond", "coupon": 0.04, "maturity": 10},
            {"id": "IL20", "kind": "index_linked_bond", "coupon": 0.005, "maturity": 20},
            {"id": "S30", "kind": "interest_rate_swap", "tenor": 30},
            {"id": "R3M", "kind": "repo", "collateral": "G10", "term": 0.25},
            {"id": "CASH", "kind": "cash"},
        ],
        "holdings": {"S30": 50.0, "G10": 100.0, "CASH": -5.0},
    }
    raw.update(overrides)
    return raw


def write_yaml(folder, raw, name="p.yaml"):
    path = folder / name
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return path


def check(source, path, *fragments):
    """Loading ``source`` fails with a SpecError at ``path`` whose message has ``fragments``."""
    with pytest.raises(SpecError) as caught:
        load_problem(source)
    assert caught.value.path == path
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    for fragment in fragments:
        assert fragment in message
    return message


# --- Loading ---------------------------------------------------------------------------------


def test_default_problem_builds_its_curves_and_basis(default_problem_path):
    problem = load_problem(default_problem_path)
    assert isinstance(problem.curves["gilts"], ZeroCurve)
    assert isinstance(problem.curves["rpi"], BreakevenCurve)
    t = np.array([0.5, 7.3, 60.0])
    gilts = np.interp(t, problem.curves["gilts"].tenors, problem.curves["gilts"].rates)
    # The discount basis is the gilt zero rate plus the 50bp spread, on the annual basis.
    np.testing.assert_allclose(problem.liabilities.discount_curve.zero_rate(t), gilts + 0.005)
    # Years 1..76 of the committed CSV in each of its three tranches.
    assert list(problem.liabilities.tranches) == ["pre_1997", "rpi_lpi_5", "cpi_2_5"]
    assert [len(part) for part in problem.liabilities.tranches.values()] == [76, 76, 76]


def test_inline_cashflows_from_a_dict():
    liabilities = load_problem(minimal()).liabilities
    assert liabilities.cashflows.times.tolist() == [1.0, 2.0]
    assert liabilities.cashflows.amounts.tolist() == [10.0, 0.0]
    assert liabilities.cashflows.inflation_linked.tolist() == [0.0, 20.0]
    assert dict(liabilities.by_status) == {}


def test_par_swap_curves_are_bootstrapped():
    curves = {"swaps": {"kind": "par_swap", "tenors": [1, 2, 3], "rates": [0.03] * 3}}
    liabilities = {"discount_curve": "swaps", "cashflows": [{"time": 1, "fixed": 1.0}]}
    problem = load_problem(
        minimal(curves=curves, liabilities=liabilities, instruments=[], holdings={})
    )
    # A flat 3% annual par curve is a flat 3% annual zero curve.
    np.testing.assert_allclose(problem.curves["swaps"].rates, 0.03, atol=1e-14)


def test_csv_path_resolves_against_the_yaml_folder(tmp_path, monkeypatch):
    folder = tmp_path / "scheme"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "flows.csv").write_text("date,fixed\n2026-12-31,100\n")
    (folder / "p.yaml").write_text(
        "ldi: 1\nname: s\nvaluation_date: 2025-12-31\n"
        "curves: {g: {tenors: [1], rates: [0.04]}}\n"
        "liabilities: {discount_curve: g, cashflows: data/flows.csv}\n"
    )
    monkeypatch.chdir(tmp_path)
    problem = load_problem(os.path.join("scheme", "p.yaml"))
    assert problem.liabilities.cashflows.times.tolist() == [365 / 365]


def test_a_dict_equals_the_same_yaml_file(tmp_path, monkeypatch):
    raw = minimal()
    raw["liabilities"]["cashflows"] = "flows.csv"
    raw["liabilities"]["indexation"] = {"floor": 0.0, "cap": 0.05}
    (tmp_path / "flows.csv").write_text("time,fixed,inflation_linked\n1,10,5\n2,0,20\n")
    from_file = load_problem(write_yaml(tmp_path, raw))
    monkeypatch.chdir(tmp_path)  # a dict's relative paths resolve against the working folder
    from_dict = load_problem(raw)
    assert (
        from_dict.liability_basis
        == from_file.liability_basis
        == "gilts; inflation rpi, LPI(0%, 5%) on lognormal 1.5% a year (the default; LPI deltas "
        "rest on it)"
    )
    assert dict(from_dict.instruments) == dict(from_file.instruments)
    pd.testing.assert_series_equal(from_dict.holdings, from_file.holdings)
    assert from_dict.liabilities.cashflows.to_frame().equals(
        from_file.liabilities.cashflows.to_frame()
    )
    assert from_dict.liabilities.cashflows.indexation == from_file.liabilities.cashflows.indexation


def test_a_loaded_problems_spec_is_frozen():
    spec = parse_spec(minimal())
    with pytest.raises(ValidationError, match="frozen"):
        spec.name = "renamed"
    with pytest.raises(ValidationError, match="frozen"):
        spec.liabilities.discount_curve = "rpi"
    with pytest.raises(ValidationError, match="frozen"):
        spec.curves["gilts"].compounding = "continuous"
    with pytest.raises(ValidationError, match="frozen"):
        spec.instruments[0].coupon = 0.05


def test_holdings_are_a_series_in_file_order():
    holdings = load_problem(minimal()).holdings
    assert holdings.index.tolist() == ["S30", "G10", "CASH"]
    assert holdings.tolist() == [50.0, 100.0, -5.0]
    assert holdings.dtype == float
    assert holdings.name == "position"
    assert holdings.index.name == "id"


def test_no_holdings_is_an_empty_series():
    holdings = load_problem(minimal(holdings={})).holdings
    assert holdings.empty
    assert holdings.dtype == float


# --- Member status ---------------------------------------------------------------------------


def flows_by_tranche(stream) -> pd.DataFrame:
    """Fixed and real amounts by (tranche, time) of a stream, in tranches or not."""
    parts = stream.parts if isinstance(stream, Tranches) else {"": stream}
    frames = [
        pd.DataFrame(
            {"tranche": name, "time": p.times, "fixed": p.amounts, "linked": p.inflation_linked}
        )
        for name, p in parts.items()
    ]
    return pd.concat(frames).groupby(["tranche", "time"]).sum()


def assert_parts_sum_to_total(liabilities):
    parts = reduce(
        lambda a, b: a.add(b, fill_value=0.0), map(flows_by_tranche, liabilities.by_status.values())
    )
    total = flows_by_tranche(liabilities.cashflows)
    pd.testing.assert_index_equal(parts.index, total.index)
    np.testing.assert_allclose(parts.to_numpy(), total.to_numpy(), rtol=1e-15)


def test_status_column_splits_the_liabilities(tmp_path):
    # ' pensioner' (as written after a comma and a space) is the same status as 'pensioner'.
    (tmp_path / "flows.csv").write_text(
        "time,status,fixed,inflation_linked\n"
        "1,pensioner,10,30\n2,pensioner,9,28\n2, deferred,1,2\n3, pensioner,8,26\n3,deferred,2,4\n"
    )
    raw = edited(minimal(), {"liabilities.cashflows": "flows.csv"})
    liabilities = load_problem(write_yaml(tmp_path, raw)).liabilities
    assert list(liabilities.by_status) == ["pensioner", "deferred"]
    assert liabilities.by_status["pensioner"].amounts.tolist() == [10.0, 9.0, 8.0]
    assert liabilities.by_status["deferred"].times.tolist() == [2.0, 3.0]
    assert liabilities.cashflows.amounts.tolist() == [10.0, 10.0, 10.0]  # one flow per time
    assert_parts_sum_to_total(liabilities)


def test_status_parts_of_the_default_problem_sum_to_its_total(default_problem_path):
    liabilities = load_problem(default_problem_path).liabilities
    assert set(liabilities.by_status) == {"pensioner", "deferred"}
    assert_parts_sum_to_total(liabilities)
    # Each status's tranche keeps the indexation of the whole tranche.
    for status in liabilities.by_status.values():
        for name, part in status.parts.items():
            assert part.indexation == liabilities.tranches[name].indexation


def test_a_status_may_not_take_the_name_of_a_risk_row():
    rows = [{"time": 1, "fixed": 1.0, "status": "total"}, {"time": 2, "fixed": 1.0, "status": "x"}]
    liabilities = {"discount_curve": "gilts", "cashflows": rows}
    check(
        minimal(liabilities=liabilities, instruments=[], holdings={}),
        "liabilities.cashflows",
        "status ['total'] is the name of a liability risk row",
    )


def test_inline_rows_with_status():
    rows = [
        {"time": 1, "fixed": 10.0, "status": "pensioner"},
        {"time": 2, "inflation_linked": 20.0, "status": "deferred"},
        {"time": 2, "fixed": 5.0, "status": "pensioner"},
    ]
    liabilities = load_problem(edited(minimal(), {"liabilities.cashflows": rows})).liabilities
    assert list(liabilities.by_status) == ["pensioner", "deferred"]
    assert liabilities.by_status["pensioner"].amounts.tolist() == [10.0, 5.0]
    assert liabilities.by_status["deferred"].inflation_linked.tolist() == [20.0]
    assert liabilities.cashflows.amounts.tolist() == [10.0, 5.0]
    assert_parts_sum_to_total(liabilities)


# --- Defaults --------------------------------------------------------------------------------


def curve_of(problem, instrument_id):
    return problem.instruments[instrument_id].value(problem.market).curve


def with_sonia(**overrides):
    raw = minimal(**overrides)
    raw["curves"]["sonia"] = {"kind": "par_swap", "tenors": [1, 30], "rates": [0.035, 0.04]}
    return raw


def test_instruments_default_to_the_liabilities_curves():
    problem = load_problem(with_sonia())
    assert (problem.market.nominal, problem.market.inflation) == ("gilts", "rpi")
    # The unshifted gilt curve: the liabilities' spread is not the bonds'.
    assert curve_of(problem, "G10") is problem.curves["gilts"]
    assert curve_of(problem, "S30") is problem.curves["gilts"]
    assert curve_of(problem, "R3M") is problem.curves["gilts"]
    linker = problem.instruments["IL20"].value(problem.market)
    assert linker.breakeven is problem.curves["rpi"]


def test_market_section_sets_the_defaults():
    problem = load_problem(with_sonia(market={"nominal_curve": "sonia"}))
    assert curve_of(problem, "G10") is problem.curves["sonia"]
    assert curve_of(problem, "S30") is problem.curves["sonia"]


def test_market_swap_curve_discounts_swaps_and_repo_only():
    problem = load_problem(with_sonia(market={"swap_curve": "sonia"}))
    assert curve_of(problem, "G10") is problem.curves["gilts"]
    assert curve_of(problem, "S30") is problem.curves["sonia"]
    assert curve_of(problem, "R3M") is problem.curves["sonia"]


def test_an_instrument_naming_a_curve_overrides_the_market():
    raw = with_sonia(market={"swap_curve": "sonia"})
    raw = edited(raw, {"instruments.0.curve": "sonia", "instruments.2.curve": "gilts"})
    problem = load_problem(raw)
    assert curve_of(problem, "G10") is problem.curves["sonia"]
    assert curve_of(problem, "S30") is problem.curves["gilts"]


@pytest.mark.parametrize(
    ("currency", "bond", "swap"),
    [pytest.param("GBP", 2, 1, id="GBP"), pytest.param("EUR", 1, 1, id="EUR")],
)
def test_convention_defaults_by_currency(currency, bond, swap):
    problem = load_problem(minimal(currency=currency))
    assert isinstance(problem.instruments["G10"], Bond)
    assert problem.instruments["G10"].frequency == bond
    assert problem.instruments["IL20"].frequency == bond
    assert isinstance(problem.instruments["S30"], InterestRateSwap)
    assert problem.instruments["S30"].frequency == swap


def test_a_stated_frequency_beats_the_convention():
    raw = edited(minimal(currency="EUR"), {"instruments.0.frequency": 4})
    assert load_problem(raw).instruments["G10"].frequency == 4


@pytest.mark.parametrize(
    ("collateral", "expected"),
    [
        pytest.param({}, 0.04, id="gilt-over-5y"),
        pytest.param({"maturity": 3}, 0.02, id="gilt-1y-to-5y"),
        pytest.param({"maturity": 0.5}, 0.005, id="gilt-under-1y"),
        pytest.param({"credit": True}, 0.08, id="credit-over-5y"),
    ],
)
def test_repo_haircut_defaults_from_the_collateral(collateral, expected):
    raw = minimal()
    raw["instruments"][0].update(collateral)
    repo = load_problem(raw).instruments["R3M"]
    assert isinstance(repo, Repo)
    assert repo.haircut == expected


def test_a_repo_longer_than_its_collateral_is_refused():
    raw = minimal()
    raw["instruments"][0]["maturity"] = 0.2  # the repo's term is 0.25
    check(
        raw,
        "instruments[3].term",
        "got 0.25; expected a term no longer than the maturity of its collateral G10 (0.2 years)",
    )


def test_a_stated_haircut_beats_the_schedule():
    raw = edited(minimal(), {"instruments.3.haircut": 0.1})
    assert load_problem(raw).instruments["R3M"].haircut == 0.1


# --- Errors that need the curves, the other instruments or the files ------------------------

BAD = [
    # Curves.
    pytest.param(
        {"curves.gilts.tenors": [1, 30, 10]},
        "curves.gilts.tenors[2]",
        ["got 10.0 after 30.0", "expected strictly increasing"],
        id="unsorted-curve-tenors",
    ),
    pytest.param(
        {"curves.gilts.tenors": [-1, 10, 30]},
        "curves.gilts.tenors[0]",
        ["got -1.0", "expected a positive number of years"],
        id="negative-curve-tenor",
    ),
    pytest.param(
        {"curves.gilts.rates": [0.04, 0.05]},
        "curves.gilts",
        ["3 tenors but 2 rates", "expected the same length"],
        id="tenors-and-rates-of-different-lengths",
    ),
    pytest.param(
        {"curves.rpi.tenors": [1]},
        "curves.rpi",
        ["1 tenors but 2 rates", "expected the same length"],
        id="breakeven-lengths",
    ),
    pytest.param(
        {"curves.gilts": {"kind": "par_swap", "tenors": [1, 5, 3], "rates": [0.03] * 3}},
        "curves.gilts.tenors[2]",
        ["got 3.0 after 5.0", "expected strictly increasing"],
        id="unsorted-par-swap-tenors",
    ),
    pytest.param(
        # A plausible rate (-5%) that simple compounding cannot discount 30 years at.
        {"curves.gilts.compounding": "simple", "curves.gilts.rates.2": -0.05},
        "curves.gilts.rates[2]",
        ["-0.05", "non-positive discount factor", "expected a rate above -0.0333"],
        id="rate-below-the-discount-bound",
    ),
    # Curve references.
    pytest.param(
        {"liabilities.discount_curve": "gilt"},
        "liabilities.discount_curve",
        ["got 'gilt'", "expected the name of a nominal curve", "['gilts']"],
        id="liabilities-unknown-curve",
    ),
    pytest.param(
        {"liabilities.inflation_curve": "gilts"},
        "liabilities.inflation_curve",
        ["got 'gilts'", "expected the name of a breakeven curve", "['rpi']"],
        id="liabilities-nominal-curve-as-inflation",
    ),
    pytest.param(
        {"liabilities.inflation_curve": DROP},
        "liabilities.inflation_curve",
        [
            "missing",
            "inflation-linked amounts",
            "expected the name of a breakeven curve",
            "['rpi']",
        ],
        id="linked-flows-without-an-inflation-curve",
    ),
    pytest.param(
        {"instruments.0.curve": "sonia"},
        "instruments[0].curve",
        ["got 'sonia'", "expected the name of a nominal curve", "['gilts']"],
        id="instrument-unknown-curve",
    ),
    pytest.param(
        {"instruments.2.curve": "rpi"},
        "instruments[2].curve",
        ["got 'rpi'", "expected the name of a nominal curve", "['gilts']"],
        id="breakeven-curve-where-nominal-needed",
    ),
    pytest.param(
        {"instruments.1.inflation_curve": "gilts"},
        "instruments[1].inflation_curve",
        ["got 'gilts'", "expected the name of a breakeven curve", "['rpi']"],
        id="nominal-curve-where-breakeven-needed",
    ),
    pytest.param(
        {"market": {"nominal_curve": "rpi"}},
        "market.nominal_curve",
        ["got 'rpi'", "expected the name of a nominal curve", "['gilts']"],
        id="market-breakeven-as-nominal",
    ),
    pytest.param(
        {"market": {"swap_curve": "sonia"}},
        "market.swap_curve",
        ["got 'sonia'", "expected the name of a nominal curve", "['gilts']"],
        id="market-unknown-swap-curve",
    ),
    pytest.param(
        {
            "liabilities.inflation_curve": DROP,
            "liabilities.cashflows": [{"time": 1, "fixed": 1.0}],
            "instruments.1": {"id": "RPI20", "kind": "inflation_swap", "maturity": 20},
        },
        "instruments[1].inflation_curve",
        ["no breakeven curve named", "no default", "['rpi']"],
        id="inflation-swap-without-a-default-breakeven",
    ),
    # Ids.
    pytest.param(
        {"holdings.UKT_2040": 10.0},
        "holdings.UKT_2040",
        ["unknown instrument id 'UKT_2040'", "expected one of", "'G10'", "'S30'"],
        id="holding-of-an-unknown-id",
    ),
    pytest.param(
        {"instruments.4": {"id": "G10", "kind": "cash"}},
        "instruments[4].id",
        ["got 'G10'", "already the id of instruments[0]", "expected a unique id"],
        id="duplicate-instrument-id",
    ),
    pytest.param(
        {"instruments.3.collateral": "S30"},
        "instruments[3].collateral",
        ["got 'S30'", "expected the id of a bond", "['G10', 'IL20']"],
        id="repo-collateral-is-a-swap",
    ),
    pytest.param(
        {"instruments.3.collateral": "UKT_2040"},
        "instruments[3].collateral",
        ["got 'UKT_2040'", "expected the id of a bond", "['G10', 'IL20']"],
        id="repo-collateral-unknown",
    ),
    # Quotes.
    pytest.param(
        {"instruments.0.price": 1000.0},
        "instruments[0].price",
        ["1000.0", "implies a spread outside", "expected a price the curve can reach"],
        id="price-no-spread-can-reach",
    ),
    pytest.param(
        {"instruments.1.price": 95.0},
        "instruments[1].index_ratio",
        ["missing", "real clean price 95.0", "expected the uplift accrued so far"],
        id="linker-price-without-index-ratio",
    ),
    # Inline rows.
    pytest.param(
        {"liabilities.cashflows.0.status": "pensioner", "liabilities.cashflows.1.status": " "},
        "liabilities.cashflows[1].status",
        ["got ' '", "expected a member status such as 'pensioner'"],
        id="inline-blank-status",
    ),
    pytest.param(
        {"liabilities.cashflows.0.status": "pensioner"},
        "liabilities.cashflows[1].status",
        ["got no status", "expected a member status", "on every row"],
        id="inline-status-on-some-rows-only",
    ),
]


@pytest.mark.parametrize(("edits", "path", "fragments"), BAD)
def test_bad_problem_names_its_path_value_and_expectation(edits, path, fragments):
    check(edited(minimal(), edits), path, *fragments)


CSV_BAD = [
    pytest.param(
        "fixed,inflation_linked\n100,0\n",
        "columns ['fixed', 'inflation_linked']",
        "expected 'time' (or 'date' with a valuation date)",
        id="missing-time-column",
    ),
    pytest.param(
        "time\n1\n",
        "columns ['time']",
        "at least one of 'fixed', 'amount', 'inflation_linked'",
        id="missing-amount-column",
    ),
    pytest.param(
        "time,fixed\n1,100\n2,abc\n",
        "flows.csv.fixed[1]: got 'abc'",
        "expected a finite number",
        id="non-numeric-cell",
    ),
    pytest.param(
        "time,fixed\n1,100\n2,\n",
        "flows.csv.fixed[1]: got nan",
        "expected a finite number",
        id="blank-amount-cell",
    ),
    pytest.param(
        "time,fixd\n1,100\n",
        "unknown columns ['fixd']",
        "expected only ['time', 'date', 'fixed', 'amount', 'inflation_linked']",
        id="unknown-column",
    ),
    pytest.param(
        "time,fixed,status\n1,100,pensioner\n2,100,\n",
        "flows.csv.status[1]: got a blank cell",
        "expected a member status such as 'pensioner'",
        id="blank-status-cell",
    ),
    pytest.param(
        "time,fixed,fixed\n1,100,100\n",
        "columns ['fixed'] appear more than once",
        "expected each once",
        id="duplicate-column",
    ),
    pytest.param(
        "date,fixed\n2026-12-31,100\n",
        "has a 'date' column",
        "valuation_date",
        id="dates-without-a-valuation-date",
    ),
    pytest.param("time,fixed\n", "got no rows", "expected at least one payment", id="no-rows"),
    pytest.param(None, "cannot read the file", "No such file", id="missing-file"),
]


@pytest.mark.parametrize(("text", "problem", "expected"), CSV_BAD)
def test_bad_csv_names_the_file_and_the_cell(tmp_path, text, problem, expected):
    if text is not None:
        (tmp_path / "flows.csv").write_text(text)
    raw = edited(
        minimal(), {"liabilities.cashflows": "flows.csv", "liabilities.inflation_curve": DROP}
    )
    message = check(
        write_yaml(tmp_path, raw), "liabilities.cashflows", "flows.csv", problem, expected
    )
    if text is None:  # the path is resolved against the YAML file's folder
        assert str(tmp_path / "flows.csv") in message


# --- YAML text --------------------------------------------------------------------------------

SENTINEL = "__VALUE__"


@pytest.mark.parametrize("literal", [".nan", ".NaN", ".inf", "-.inf", "+.Inf"])
@pytest.mark.parametrize(
    ("key", "path"),
    [
        pytest.param("curves.gilts.rates.1", "curves.gilts.rates[1]", id="rate"),
        pytest.param("holdings.G10", "holdings.G10", id="holding"),
        pytest.param("instruments.0.coupon", "instruments[0].coupon", id="coupon"),
        pytest.param("instruments.3.haircut", "instruments[3].haircut", id="haircut"),
    ],
)
def test_yaml_nan_and_inf_are_refused(tmp_path, key, path, literal):
    text = yaml.safe_dump(edited(minimal(), {key: SENTINEL}), sort_keys=False)
    (tmp_path / "p.yaml").write_text(text.replace(SENTINEL, literal))
    value = yaml.safe_load(literal)
    assert isinstance(value, float)
    shown = ".nan" if math.isnan(value) else (".inf" if value > 0 else "-.inf")
    check(tmp_path / "p.yaml", path, f"got {shown}", "expected a finite number")


def test_yaml_numbers_like_1e6_are_numbers(tmp_path):
    # PyYAML (YAML 1.1) reads 60.0e6 as a string; the schema still reads it as a number.
    text = yaml.safe_dump(edited(minimal(), {"holdings.G10": SENTINEL}), sort_keys=False)
    (tmp_path / "p.yaml").write_text(text.replace(SENTINEL, "60.0e6"))
    assert yaml.safe_load("60.0e6") == "60.0e6"
    assert load_problem(tmp_path / "p.yaml").holdings["G10"] == 60.0e6


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        pytest.param("ldi: 1\nname: [unclosed\n", ["not valid YAML"], id="unclosed-bracket"),
        pytest.param("ldi: 1\n  name: s\n", ["not valid YAML"], id="bad-indentation"),
        pytest.param("ldi: 1\nname: 'a\n", ["not valid YAML"], id="unclosed-quote"),
        pytest.param(
            "ldi: !!python/object/apply:os.getcwd []\n", ["not valid YAML"], id="python-tag"
        ),
        pytest.param("- 1\n- 2\n", ["got a list", "expected a mapping of keys"], id="list"),
        pytest.param("just words\n", ["got a str", "expected a mapping of keys"], id="scalar"),
        pytest.param("", ["got an empty file", "expected a mapping of keys"], id="empty-file"),
        pytest.param("# only a comment\n", ["got an empty file"], id="comment-only"),
        pytest.param(
            "ldi: 1\nholdings:\n  G10: 1.0\n  G10: 2.0\n",
            ["key 'G10' appears twice in one mapping (line 4); expected each key once"],
            id="repeated-holding",
        ),
        pytest.param(
            "ldi: 1\nname: a\nname: b\n",
            ["key 'name' appears twice in one mapping (line 3)"],
            id="repeated-top-level-key",
        ),
    ],
)
def test_unreadable_yaml_names_the_file(tmp_path, text, fragments):
    # safe_load only: a python tag is refused rather than run.
    path = tmp_path / "p.yaml"
    path.write_text(text)
    with pytest.raises(SpecError) as caught:
        load_problem(path)
    assert str(caught.value).startswith(f"{path}: ")
    for fragment in fragments:
        assert fragment in str(caught.value)


def test_missing_problem_file(tmp_path):
    with pytest.raises(SpecError, match=r"missing\.yaml: cannot read the problem file"):
        load_problem(tmp_path / "missing.yaml")


@pytest.mark.parametrize(
    ("first_line", "shown"),
    [
        pytest.param("ldi: 2\n", "got 2", id="wrong-version"),
        pytest.param("ldi: '1'\n", "got '1'", id="quoted-version"),
        pytest.param("ldi: 1.0\n", "got 1.0", id="float-version"),
        pytest.param("", "missing", id="missing-ldi-key"),
    ],
)
def test_schema_version_in_a_file(tmp_path, first_line, shown):
    text = yaml.safe_dump({k: v for k, v in minimal().items() if k != "ldi"}, sort_keys=False)
    (tmp_path / "p.yaml").write_text(first_line + text)
    check(tmp_path / "p.yaml", "ldi", shown, "expected the schema version 1", "'ldi: 1'")


def test_every_problem_in_the_repository_loads(default_problem_path):
    for path in sorted(default_problem_path.parent.glob("*.yaml")):
        problem = load_problem(path)
        assert set(problem.holdings.index) <= set(problem.instruments)
