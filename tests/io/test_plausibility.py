"""Plausible values: a finite but absurd number is refused at its path, with the slip it suggests.

Each case failed silently before (a funding ratio of 7.2e18 %, NaN tables, 8 GiB arrays):
see ``ldi.plausible`` for the ranges and ``docs/problem-files.md`` for why each is wide
enough.
"""

import re

import pytest
import yaml

from ldi.cli import main
from ldi.errors import LDIWarning
from ldi.io.limits import LONG_ONLY_ROLES
from ldi.io.load import load_problem, parse_spec
from ldi.optimize.terms.allocation import LongOnly
from tests.documented import assert_shows, shown
from tests.io.edits import DROP, edited
from tests.io.test_load import check, minimal, write_yaml
from tests.io.test_schema import spec_error, valid

LPI = {"floor": 0.0, "cap": 0.05}
DATE_SLIP = "a date typed as a number of years?"
BP_SLIP = "bp typed as a decimal?"
PERCENT_SLIP = "a percentage typed as a decimal?"

IMPLAUSIBLE = [
    # Times: a date, a year or months typed as years, and times that overflow (1e6).
    pytest.param(
        {"liabilities.cashflows.0.time": 20301231},
        "liabilities.cashflows[0].time",
        ["got 20301231", "expected a time in years in (0, 150]", DATE_SLIP],
        id="liability-time-a-date",
    ),
    pytest.param(
        {"liabilities.cashflows.1.time": 1.0e6},
        "liabilities.cashflows[1].time",
        ["got 1000000.0", "expected a time in years in (0, 150]"],
        id="liability-time-1e6",
    ),
    pytest.param(
        {"liabilities.cashflows.1.time": 2035},
        "liabilities.cashflows[1].time",
        ["got 2035", "a calendar year typed as a number of years?"],
        id="liability-time-a-year",
    ),
    pytest.param(
        {"instruments.0.maturity": 20351231},
        "instruments[0].maturity",
        ["got 20351231", "(0, 150]", DATE_SLIP],
        id="bond-maturity-a-date",
    ),
    pytest.param(
        {"instruments.2.tenor": 360},
        "instruments[2].tenor",
        ["got 360", "(0, 150]", "months typed as years?"],
        id="swap-tenor-in-months",
    ),
    pytest.param(
        {"instruments.3.term": 1.0e7},
        "instruments[3].term",
        ["got 10000000.0", "(0, 150]"],
        id="repo-term",
    ),
    pytest.param(
        {"curves.gilts.tenors.2": 20551231},
        "curves.gilts.tenors[2]",
        ["got 20551231", "(0, 150]", DATE_SLIP],
        id="curve-tenor-a-date",
    ),
    pytest.param(
        {"keys": [5, 10, 2050]}, "keys[2]", ["got 2050", "a calendar year"], id="key-a-year"
    ),
    # Past benefits are refused unless the file opts to leave them out.
    pytest.param(
        {"liabilities.cashflows.0.time": -5},
        "liabilities.cashflows[0].time",
        ["got -5", "on or before the valuation date", "liabilities.past_flows: drop"],
        id="past-benefit",
    ),
    pytest.param(
        {"liabilities.cashflows.1.time": 0},
        "liabilities.cashflows[1].time",
        ["got 0", "on or before the valuation date"],
        id="benefit-today",
    ),
    # Spreads and rates: bp or a percentage typed as a decimal.
    pytest.param(
        {"liabilities.spread": 50},
        "liabilities.spread",
        ["got 50", "expected a spread as a decimal in [-0.05, 0.3]", BP_SLIP],
        id="liability-spread-in-bp",
    ),
    pytest.param(
        {"liabilities.spread": -2},
        "liabilities.spread",
        ["got -2", "[-0.05, 0.3]"],
        id="liability-spread-minus-2",
    ),
    pytest.param(
        {"instruments.0.spread": 85},
        "instruments[0].spread",
        ["got 85", "[-0.05, 0.3]", BP_SLIP],
        id="bond-spread-in-bp",
    ),
    pytest.param(
        {"curves.gilts.rates.1": 4.5},
        "curves.gilts.rates[1]",
        ["got 4.5", "expected a rate as a decimal in [-0.2, 0.5]", PERCENT_SLIP],
        id="curve-rate-in-percent",
    ),
    pytest.param(
        {"curves.rpi.rates.0": -0.9},
        "curves.rpi.rates[0]",
        ["got -0.9", "[-0.2, 0.5]"],
        id="breakeven-minus-90-percent",
    ),
    pytest.param(
        {"instruments.0.coupon": 4.25},
        "instruments[0].coupon",
        ["got 4.25", "expected a coupon rate as a decimal in [0, 0.5]", PERCENT_SLIP],
        id="coupon-in-percent",
    ),
    pytest.param(
        {"instruments.1.coupon": -0.01},
        "instruments[1].coupon",
        ["got -0.01", "[0, 0.5]"],
        id="negative-linker-coupon",
    ),
    pytest.param(
        {"instruments.2.fixed_rate": 3.5},
        "instruments[2].fixed_rate",
        ["got 3.5", "[-0.2, 0.5]", PERCENT_SLIP],
        id="swap-rate-in-percent",
    ),
    pytest.param(
        {"instruments.3.rate": 4},
        "instruments[3].rate",
        ["got 4", "[-0.2, 0.5]"],
        id="repo-rate-in-percent",
    ),
    pytest.param(
        {"instruments.5.rate": 5},
        "instruments[5].rate",
        ["got 5", "[-0.2, 0.5]"],
        id="cash-rate-in-percent",
    ),
    pytest.param(
        {"instruments.4.expected_return": 7},
        "instruments[4].expected_return",
        ["got 7", "expected an expected return as a decimal in [-0.2, 0.5]", PERCENT_SLIP],
        id="expected-return-in-percent",
    ),
    pytest.param(
        {"instruments.4.volatility": 16},
        "instruments[4].volatility",
        ["got 16", "expected a volatility as a decimal in [0, 1]", PERCENT_SLIP],
        id="volatility-in-percent",
    ),
    pytest.param(
        {"instruments.4.rates_duration": 25000},
        "instruments[4].rates_duration",
        ["got 25000", "expected a duration in years in [-150, 150]"],
        id="duration-typed-as-pv01",
    ),
    # Indexation: a lag in months, an LPI cap in percent, a real coupon's index ratio.
    pytest.param(
        {"liabilities.indexation.lag": 8},
        "liabilities.indexation.lag",
        ["got 8", "expected a lag in years in [0, 1]", "months typed as years?"],
        id="lag-in-months",
    ),
    pytest.param(
        {"instruments.1.indexation_lag": 3},
        "instruments[1].indexation_lag",
        ["got 3", "[0, 1]", "months typed as years?"],
        id="linker-lag-in-months",
    ),
    pytest.param(
        {"liabilities.indexation.cap": 5},
        "liabilities.indexation.cap",
        ["got 5", "[-0.2, 0.5]", PERCENT_SLIP],
        id="lpi-cap-in-percent",
    ),
    pytest.param(
        {
            "market": {
                "inflation_volatility": {"rpi": {"expiries": [1, 10], "volatilities": [0.012, 120]}}
            }
        },
        "market.inflation_volatility.rpi.volatilities[1]",
        [
            "got 120",
            "an inflation volatility as a decimal a year in [0, 0.2]",
            "bp typed as a decimal?",
        ],
        id="lpi-volatility-in-bp",
    ),
    pytest.param(
        {"market": {"inflation_volatility": {"rpi": {"yearly": 1.5}}}},
        "market.inflation_volatility.rpi.yearly",
        ["got 1.5", "[0, 0.2]", PERCENT_SLIP],
        id="lpi-volatility-in-percent",
    ),
    pytest.param(
        {"instruments.1.index_ratio": 380.2},
        "instruments[1].index_ratio",
        ["got 380.2", "(0, 10]", "an index level typed as a ratio?"],
        id="index-level-as-ratio",
    ),
    pytest.param(
        {"instruments.0.price": 9880},
        "instruments[0].price",
        ["got 9880", "expected a clean price per 100 nominal in (0, 1000]"],
        id="price-per-10000",
    ),
    # Amounts: benefits are >= 0 unless allowed, and no amount is beyond 1e15.
    pytest.param(
        {"liabilities.cashflows.0.fixed": -1.0e9},
        "liabilities.cashflows[0].fixed",
        ["got -1000000000.0", "a benefit amount in [0, 1e+15]", "liabilities.allow_negative"],
        id="negative-benefit",
    ),
    pytest.param(
        {"liabilities.cashflows.1.inflation_linked": 1.0e16},
        "liabilities.cashflows[1].inflation_linked",
        ["got 1e+16", "[0, 1e+15]"],
        id="huge-benefit",
    ),
    pytest.param(
        {"liabilities.allow_negative": True, "liabilities.cashflows.0.fixed": -2.0e15},
        "liabilities.cashflows[0].fixed",
        ["got -2000000000000000.0", "an amount of money in [-1e+15, 1e+15]"],
        id="huge-negative-benefit-even-when-allowed",
    ),
    pytest.param(
        {"holdings.G10": 1.0e300},
        "holdings.G10",
        ["got 1e+300", "an amount of money in [-1e+15, 1e+15]"],
        id="huge-holding",
    ),
    # The factor model: bp volatilities, and growth's as a decimal.
    pytest.param(
        {"risk_model": {"volatility": {"rates": 1.0e9}}},
        "risk_model.volatility.rates",
        ["got 1000000000.0", "expected a volatility in bp a year in [0, 1000]"],
        id="rates-volatility",
    ),
    pytest.param(
        {"risk_model": {"volatility": {"growth": 16}}},
        "risk_model.volatility.growth",
        ["got 16", "a volatility as a decimal in [0, 1]", PERCENT_SLIP],
        id="growth-volatility-in-percent",
    ),
    # Stress moves.
    pytest.param(
        {"stress": {"scenarios": [{"name": "x", "nominal_bp": -20000}]}},
        "stress.scenarios[0].nominal_bp",
        ["got -20000", "expected a move in bp in [-2000, 2000]"],
        id="nominal-move",
    ),
    pytest.param(
        {"stress": {"scenarios": [{"name": "x", "real_bp": {"tenors": [5, 30], "bp": [0, 1e6]}}]}},
        "stress.scenarios[0].real_bp.bp[1]",
        ["got 1000000.0", "[-2000, 2000]"],
        id="real-move-curve",
    ),
    pytest.param(
        {
            "stress": {
                "scenarios": [{"name": "x", "breakeven_bp": {"tenors": [5, 3e3], "bp": [1, 2]}}]
            }
        },
        "stress.scenarios[0].breakeven_bp.tenors[1]",
        ["got 3000.0", "(0, 150]"],
        id="move-tenor",
    ),
    pytest.param(
        {"stress": {"scenarios": [{"name": "x", "credit_spread_bp": 5000}]}},
        "stress.scenarios[0].credit_spread_bp",
        ["got 5000", "[-2000, 2000]"],
        id="credit-move",
    ),
    pytest.param(
        {"stress": {"scenarios": [{"name": "x", "steps": [{"growth": 30}]}]}},
        "stress.scenarios[0].steps[0].growth",
        ["got 30", "expected a return as a decimal in (-1, 1]", PERCENT_SLIP],
        id="growth-in-percent",
    ),
    pytest.param(
        {"stress": {"scenarios": [{"name": "x", "returns": {"GROWTH": 25}}]}},
        "stress.scenarios[0].returns.GROWTH",
        ["got 25", "(-1, 1]"],
        id="return-in-percent",
    ),
]


@pytest.mark.parametrize(("edits", "path", "fragments"), IMPLAUSIBLE)
def test_an_implausible_value_is_refused_at_its_path(edits, path, fragments):
    raw = edited(valid(), {"liabilities.indexation": dict(LPI), **edits})
    error = spec_error(raw)
    assert error.path == path
    message = str(error)
    assert message.startswith(f"{path}: ")
    for fragment in fragments:
        assert fragment in message


def test_the_implausible_cases_are_distinct():
    assert len({case.id for case in IMPLAUSIBLE}) == len(IMPLAUSIBLE) >= 40


@pytest.mark.parametrize(
    "edits",
    [
        pytest.param({"liabilities.spread": -0.05}, id="spread-low-end"),
        pytest.param({"liabilities.spread": 0.3}, id="spread-high-end"),
        pytest.param({"curves.gilts.rates": [-0.2, 0.0, 0.5]}, id="rates-ends"),
        pytest.param({"liabilities.cashflows.1.time": 150}, id="time-150"),
        pytest.param({"instruments.0.maturity": 150}, id="maturity-150"),
        pytest.param({"instruments.4.rates_duration": -150}, id="duration-low-end"),
        pytest.param({"holdings.G10": -1.0e15}, id="money-low-end"),
        pytest.param({"risk_model": {"volatility": {"rates": 0, "growth": 1}}}, id="vol-ends"),
        pytest.param(
            {"stress": {"scenarios": [{"name": "x", "nominal_bp": 2000, "growth": 1}]}},
            id="move-ends",
        ),
        pytest.param(
            {"liabilities.allow_negative": True, "liabilities.cashflows.0.fixed": -1.0e6},
            id="negative-benefit-allowed",
        ),
        pytest.param(
            {"liabilities.past_flows": "drop", "liabilities.cashflows.0.time": -5},
            id="past-benefit-to-drop",
        ),
    ],
)
def test_the_ends_of_each_range_and_the_opt_ins_pass(edits):
    raw = edited(valid(), {"liabilities.indexation": dict(LPI), **edits})
    assert parse_spec(raw).ldi == 1


def test_past_flows_takes_refuse_or_drop_and_refuses_by_default():
    assert parse_spec(valid()).liabilities.past_flows == "refuse"
    error = spec_error(edited(valid(), {"liabilities.past_flows": "ignore"}))
    assert error.path == "liabilities.past_flows"
    assert "expected 'refuse' or 'drop'" in str(error)


def test_every_implausible_value_is_listed_one_line_each():
    raw = edited(valid(), {"liabilities.spread": 50, "curves.gilts.rates.0": 4, "keys": [1e4]})
    assert [line.split(": ", 1)[0] for line in str(spec_error(raw)).splitlines()] == [
        "curves.gilts.rates[0]",
        "liabilities.spread",
        "keys[0]",
    ]


# --- Whole problems: the silent answers of before are now errors ------------------------------


def test_a_date_as_a_time_with_lpi_is_refused_before_any_array_is_built():
    # It used to allocate 8 GiB of year-by-year LPI factors (or be killed for memory).
    raw = edited(
        minimal(),
        {"liabilities.indexation": dict(LPI), "liabilities.cashflows.1.time": 20301231},
    )
    check(raw, "liabilities.cashflows[1].time", "got 20301231", DATE_SLIP)


def test_a_past_benefit_in_a_csv_is_refused_with_its_file_and_row(tmp_path):
    # A date before valuation_date used to vanish from the liabilities (funding ratio 4,164%).
    (tmp_path / "flows.csv").write_text("date,fixed\n2026-12-31,100\n2020-06-30,5000\n")
    raw = edited(
        minimal(),
        {
            "valuation_date": "2025-12-31",
            "liabilities.cashflows": "flows.csv",
            "liabilities.inflation_curve": DROP,
        },
    )
    check(
        write_yaml(tmp_path, raw),
        "liabilities.cashflows",
        "flows.csv.date[1]: got 2020-06-30, on or before the valuation date 2025-12-31",
        "liabilities.past_flows: drop",
    )


def test_a_negative_benefit_in_a_csv_is_refused(tmp_path):
    (tmp_path / "flows.csv").write_text("time,fixed\n1,100\n2,-5000\n")
    raw = edited(
        minimal(), {"liabilities.cashflows": "flows.csv", "liabilities.inflation_curve": DROP}
    )
    check(
        write_yaml(tmp_path, raw),
        "liabilities.cashflows",
        "flows.csv.fixed[1]: got -5000.0",
        "liabilities.allow_negative: true",
    )


def test_a_date_typed_as_years_in_a_csv_is_refused(tmp_path):
    (tmp_path / "flows.csv").write_text("time,fixed\n1,100\n20301231,5000\n")
    raw = edited(
        minimal(), {"liabilities.cashflows": "flows.csv", "liabilities.inflation_curve": DROP}
    )
    check(write_yaml(tmp_path, raw), "liabilities.cashflows", "flows.csv.time[1]", DATE_SLIP)


def test_an_objective_needs_instruments():
    # instruments: [] used to reach the solver and fail with an AttributeError (exit 1).
    objective = {"minimize": ["key_rate_mismatch"]}
    no_universe = {"instruments": [], "holdings": {}, "objective": objective}
    check(edited(minimal(), no_universe), "instruments", "got []", "at least one instrument")
    missing = {"instruments": DROP, "holdings": DROP, "objective": objective}
    check(edited(minimal(), missing), "instruments", "missing")
    # Without an objective, a file of liabilities alone is still a valid risk report.
    assert load_problem(edited(minimal(), {"instruments": [], "holdings": {}})).instruments == {}


BOUNDS = [
    pytest.param(
        {"instrument": "G10", "min_fraction": 0.5, "max_fraction": 0.3},
        "constraints[0].bounds.max_fraction",
        ["got 0.3", "expected max_fraction >= min_fraction (0.5)"],
        id="min-fraction-above-max",
    ),
    pytest.param(
        {"group": "bond", "min": 2.0e6, "max": 1.0e6},
        "constraints[0].bounds.max",
        ["got 1000000.0", "expected max >= min (2000000.0)"],
        id="min-above-max",
    ),
    pytest.param(
        {"group": "bond", "min": "2.0e6", "max": "1.0e6"},  # YAML 1.1 reads 2.0e6 as text
        "constraints[0].bounds.max",
        ["got 1000000.0", "expected max >= min (2000000.0)"],
        id="min-above-max-written-as-text",
    ),
    pytest.param(
        {"instrument": "G10", "min_fraction": -0.5},
        "constraints[0].bounds.min_fraction",
        ["got -0.5", "expected a limit >= 0", "cannot be negative under long_only"],
        id="negative-fraction-long-only",
    ),
    pytest.param(
        {"group": "physical", "max": -1.0e6},
        "constraints[0].bounds.max",
        ["got -1000000.0", "expected a limit >= 0"],
        id="negative-money-on-a-long-only-group",
    ),
    pytest.param(
        {"instrument": "G10", "max_fraction": 45},
        "constraints[0].bounds.max_fraction",
        ["got 45", "expected a fraction of the capital in [-10, 10]", PERCENT_SLIP],
        id="fraction-in-percent",
    ),
    pytest.param(
        {"instrument": "S30", "max": 1.0e20},
        "constraints[0].bounds.max",
        ["got 1e+20", "an amount of money in [-1e+15, 1e+15]"],
        id="huge-money-limit",
    ),
]


@pytest.mark.parametrize(("bounds", "path", "fragments"), BOUNDS)
def test_bounds_limits_are_checked_at_validation(bounds, path, fragments):
    raw = edited(minimal(), {"constraints": [{"bounds": bounds}]})
    check(raw, path, *fragments)


@pytest.mark.parametrize(
    "constraints",
    [
        pytest.param([{"bounds": {"instrument": "S30", "min_fraction": -2}}], id="overlay"),
        pytest.param(
            [{"bounds": {"group": "interest_rate_swap", "min": -5.0e8}}], id="overlay-group"
        ),
        pytest.param(
            [
                {"bounds": {"instrument": "G10", "min_fraction": -0.2}},
                {"long_only": {"exclude": ["G10"]}},
            ],
            id="excluded-from-long-only",
        ),
        pytest.param(
            [{"long_only": {"roles": ["financing"]}}, {"bounds": {"group": "bond", "min": -1}}],
            id="long-only-of-other-roles",
        ),
    ],
)
def test_negative_limits_pass_where_a_position_can_be_negative(constraints):
    assert load_problem(edited(minimal(), {"constraints": constraints})).decision is not None


# --- The command line: exit 2 and the path, where it used to answer (exit 0) or crash (1) ----


@pytest.mark.parametrize(
    ("command", "edits", "shown"),
    [
        pytest.param("risk", {"liabilities.spread": 50}, "liabilities.spread", id="spread"),
        pytest.param(
            "risk",
            {"liabilities.cashflows.0.time": -5},
            "liabilities.cashflows[0].time",
            id="past-benefit",
        ),
        pytest.param(
            "validate",
            {"constraints": [{"bounds": {"instrument": "G10", "min_fraction": -0.5}}]},
            "constraints[0].bounds.min_fraction",
            id="bounds",
        ),
        pytest.param(
            "solve",
            {"instruments": [], "holdings": {}, "objective": {"minimize": ["key_rate_mismatch"]}},
            "instruments",
            id="no-instruments",
        ),
    ],
)
def test_the_cli_exits_2_naming_the_key(tmp_path, capsys, command, edits, shown):
    path = write_yaml(tmp_path, edited(minimal(), edits))
    assert main([command, str(path)]) == 2
    assert capsys.readouterr().err.startswith(f"error: {shown}: ")


def test_the_documented_messages_are_what_validate_prints(tmp_path, capsys):
    raw = yaml.safe_load(shown("docs/problem-files.md", "name: Example DB scheme", "yaml"))
    raw = edited(raw, {"liabilities.spread": 50, "liabilities.cashflows.0.time": 20301231})
    assert main(["validate", str(write_yaml(tmp_path, raw))]) == 2
    assert_shows(shown("docs/problem-files.md", "bp typed as a decimal?"), capsys.readouterr().err)


def test_the_roles_long_only_covers_by_default_are_the_terms_own():
    assert LongOnly().roles == LONG_ONLY_ROLES


def test_past_flows_drop_leaves_them_out_and_says_how_many_and_how_much():
    raw = edited(minimal(), {"liabilities.past_flows": "drop"})
    raw["liabilities"]["cashflows"].insert(0, {"time": -5, "fixed": 1.5e6})
    message = "liabilities.cashflows: left out 1 past flow (on or before the valuation date"
    with pytest.warns(LDIWarning, match=re.escape(message)) as caught:
        dropped = load_problem(raw)
    assert "1,500,000 fixed and 0 inflation-linked (real)" in str(caught[0].message)
    kept = load_problem(minimal())
    assert dropped.liabilities.cashflows.times.tolist() == kept.liabilities.cashflows.times.tolist()


def test_past_csv_rows_are_dropped_before_the_split_by_status(tmp_path):
    (tmp_path / "flows.csv").write_text(
        "date,status,fixed\n2020-06-30,pensioner,5000\n2026-12-31,pensioner,100\n"
        "2025-12-31,deferred,7\n2030-12-31,deferred,200\n"
    )
    raw = edited(
        minimal(),
        {
            "valuation_date": "2025-12-31",
            "liabilities.cashflows": "flows.csv",
            "liabilities.past_flows": "drop",
        },
    )
    with pytest.warns(LDIWarning, match=re.escape("flows.csv: left out 2 past flows")) as caught:
        problem = load_problem(write_yaml(tmp_path, raw))
    assert len(caught) == 1  # one warning for the table, none per status
    assert "5,007 fixed" in str(caught[0].message)
    assert problem.liabilities.cashflows.amounts.tolist() == [100.0, 200.0]
    assert {k: v.amounts.tolist() for k, v in problem.liabilities.by_status.items()} == {
        "pensioner": [100.0],
        "deferred": [200.0],
    }


def test_allow_negative_admits_negative_benefits_inline_and_in_a_csv(tmp_path):
    inline = edited(
        minimal(), {"liabilities.allow_negative": True, "liabilities.cashflows.0.fixed": -4.0}
    )
    assert load_problem(inline).liabilities.cashflows.amounts.tolist() == [-4.0, 0.0]
    (tmp_path / "flows.csv").write_text("time,fixed\n1,100\n2,-5000\n")
    raw = edited(
        minimal(),
        {
            "liabilities.cashflows": "flows.csv",
            "liabilities.allow_negative": True,
        },
    )
    assert load_problem(write_yaml(tmp_path, raw)).liabilities.cashflows.amounts[1] == -5000.0
