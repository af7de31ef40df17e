"""Plausible sizes of term options, reversion settings and bp moves, refused at their paths.

Each case passed validation before and reached the solver or the simulation: a matching
ledger of a million periods (a MemoryError), a median funding ratio of 1.3e22 %, a hedge
ratio typed in percent diagnosed as infeasible (exit 3), a leverage of 1e20 solved
inaccurately, or a bp move typed as a decimal read as a hundredth of a bp.
"""

import math
import typing
from dataclasses import fields

import pytest
from pydantic import TypeAdapter, ValidationError

from ldi.cli import main
from ldi.io.load import load_problem
from ldi.optimize.terms.options import Range
from ldi.optimize.terms.registry import CONSTRAINT_TERMS, OBJECTIVE_TERMS
from ldi.plausible import (
    HEDGE_RATIO,
    IMPACT,
    LEVERAGE,
    LIMIT_BP,
    MAX_PERIODS,
    MONEY,
    PERIOD,
    SURPLUS_VOLATILITY,
    TRADE_VOLUME,
    TURNOVER,
    YEARS,
)
from tests.io.edits import edited
from tests.io.test_load import check, minimal, write_yaml

PERCENT_SLIP = "a percentage typed as a decimal?"
DECIMAL_BP = "a decimal typed for bp?"
REVERTING = {"dynamics": "mean_reverting"}


def constraint(term, **options):
    return {"constraints": [{term: options}]}


def scenario(**move):
    return {"stress": {"scenarios": [{"name": "x", **move}]}}


IMPLAUSIBLE = [
    pytest.param(
        constraint("cashflow_matching", horizon=1.0e6),
        "constraints[0].cashflow_matching.horizon",
        ["got 1000000.0", "expected a time in years in (0, 150]"],
        id="matching-horizon",
    ),
    pytest.param(
        constraint("cashflow_matching", period=1.0e-6),
        "constraints[0].cashflow_matching.period",
        ["got 1e-06", "expected a period in years in [0.00273973, 10]"],
        id="matching-period-tiny",
    ),
    pytest.param(
        constraint("cashflow_matching", period=12),
        "constraints[0].cashflow_matching.period",
        ["got 12", "months typed as years?"],
        id="matching-period-in-months",
    ),
    pytest.param(
        constraint("cashflow_matching", horizon=150, period=0.01),
        "constraints[0].cashflow_matching.period",
        ["got 0.01", f"expected at most {MAX_PERIODS} periods", "got 15000"],
        id="matching-too-many-periods",
    ),
    pytest.param(
        {"simulation": {**REVERTING, "mean_reversion": {"curve": [{"speed": 1e9}]}}},
        "simulation.mean_reversion.curve[0].speed",
        ["got 1000000000.0", "expected a reversion speed a year in [0, 10]"],
        id="reversion-speed",
    ),
    pytest.param(
        {"simulation": {**REVERTING, "mean_reversion": {"credit": {"long_run_bp": 1e9}}}},
        "simulation.mean_reversion.credit.long_run_bp",
        ["got 1000000000.0", "[-2000, 2000]"],
        id="reversion-level",
    ),
    pytest.param(
        {"simulation": {**REVERTING, "mean_reversion": {"breakeven": {"long_run_bp": 0.005}}}},
        "simulation.mean_reversion.breakeven.long_run_bp",
        ["got 0.005", DECIMAL_BP],
        id="reversion-level-decimal",
    ),
    pytest.param(
        constraint("hedge_ratio", min=85, max=95),
        "constraints[0].hedge_ratio.min",
        ["got 85", "expected a hedge ratio (1 for fully hedged) in [0, 3]", PERCENT_SLIP],
        id="hedge-ratio-in-percent",
    ),
    pytest.param(
        constraint("leverage", max=1e20),
        "constraints[0].leverage.max",
        ["got 1e+20", "expected a leverage (notional per unit of capital) in [0, 100]"],
        id="leverage",
    ),
    pytest.param(
        constraint("turnover", max=20),
        "constraints[0].turnover.max",
        ["got 20", "[0, 10]", PERCENT_SLIP],
        id="turnover-in-percent",
    ),
    pytest.param(
        constraint("budget", contribution=1e16),
        "constraints[0].budget.contribution",
        ["got 1e+16", "an amount of money in [-1e+15, 1e+15]"],
        id="budget-contribution",
    ),
    pytest.param(
        constraint("surplus_volatility", max=5),
        "constraints[0].surplus_volatility.max",
        ["got 5", "[0, 1]", PERCENT_SLIP],
        id="surplus-volatility-in-percent",
    ),
    pytest.param(
        {"objective": {"minimize": [{"transaction_costs": {"impact": 1e12}}]}},
        "objective.minimize[0].transaction_costs.impact",
        ["got 1000000000000.0", "a market impact as a fraction of the amount traded"],
        id="impact",
    ),
    pytest.param(
        {
            "objective": {
                "minimize": [{"transaction_costs": {"impact": 0.001, "impact_volume": 1e-12}}]
            }
        },
        "objective.minimize[0].transaction_costs.impact_volume",
        ["got 1e-12", "an amount of money traded in [1000, 1e+15]"],
        id="impact-volume",
    ),
    # bp typed as decimals: a positive bp value below 1 is a decimal typed for bp.
    pytest.param(
        {"risk_model": {"volatility": {"rates": 0.008}}},
        "risk_model.volatility.rates",
        ["got 0.008", "0 or at least 1 in size", DECIMAL_BP],
        id="rates-volatility-decimal",
    ),
    pytest.param(
        constraint("collateral_buffer", yield_rise_bp=0.025),
        "constraints[0].collateral_buffer.yield_rise_bp",
        ["got 0.025", DECIMAL_BP],
        id="yield-rise-decimal",
    ),
    pytest.param(
        scenario(nominal_bp=0.01),
        "stress.scenarios[0].nominal_bp",
        ["got 0.01", DECIMAL_BP],
        id="stress-move-decimal",
    ),
    pytest.param(
        scenario(real_bp={"tenors": [5, 30], "bp": [0, -0.01]}),
        "stress.scenarios[0].real_bp.bp[1]",
        ["got -0.01", DECIMAL_BP],
        id="stress-term-structure-decimals",
    ),
    pytest.param(
        {"collateral": {"initial_margin_shock_bp": 0.025}},
        "collateral.initial_margin_shock_bp",
        ["got 0.025", DECIMAL_BP],
        id="margin-shock-decimal",
    ),
]


@pytest.mark.parametrize(("edits", "path", "fragments"), IMPLAUSIBLE)
def test_an_implausible_option_is_refused_at_its_path(edits, path, fragments):
    check(edited(minimal(), edits), path, *fragments)


@pytest.mark.parametrize(
    "edits",
    [
        pytest.param(constraint("cashflow_matching", horizon=150, period=1 / 12), id="monthly"),
        pytest.param(constraint("hedge_ratio", min=0, max=3), id="hedge-ratio-ends"),
        pytest.param(constraint("leverage", max=100), id="leverage-end"),
        pytest.param(constraint("collateral_buffer", yield_rise_bp=0), id="zero-bp"),
        pytest.param(scenario(nominal_bp=0, credit_spread_bp=1), id="zero-and-one-bp"),
        pytest.param(
            scenario(nominal_bp={"tenors": [2, 10, 30], "bp": [0.5, 10, 25]}),
            id="sub-bp-tenor-in-a-shape",
        ),
        pytest.param({"risk_model": {"volatility": {"rates": 0}}}, id="zero-volatility"),
        pytest.param(
            {
                "simulation": {
                    **REVERTING,
                    "mean_reversion": {"curve": [{"speed": 10, "long_run_bp": -2000}] * 3},
                }
            },
            id="reversion-ends",
        ),
    ],
)
def test_the_ends_of_each_option_range_pass(edits):
    assert load_problem(edited(minimal(), edits)) is not None


def _ranged_options():
    """(key, option, annotation, Range) of every option typed with a range, of every term."""
    for table in (OBJECTIVE_TERMS, CONSTRAINT_TERMS):
        for kind, term in table.items():
            hints = typing.get_type_hints(term, include_extras=True)
            for field in fields(term):
                for meta in getattr(hints[field.name], "__metadata__", ()):
                    if isinstance(meta, Range):
                        yield kind, field.name, hints[field.name], meta


RANGED = list(_ranged_options())
COLLATERAL_MOVES = {"yield_rise_bp": LIMIT_BP, "operational_bp": LIMIT_BP}
PLAUSIBLE = {
    ("cashflow_matching", "horizon"): YEARS,
    ("cashflow_matching", "period"): PERIOD,
    ("cashflow_matching", "borrowing_limit"): MONEY,
    ("hedge_ratio", "min"): HEDGE_RATIO,
    ("hedge_ratio", "max"): HEDGE_RATIO,
    ("leverage", "max"): LEVERAGE,
    ("turnover", "max"): TURNOVER,
    ("budget", "capital"): MONEY,
    ("budget", "contribution"): MONEY,
    ("transaction_costs", "impact"): IMPACT,
    ("transaction_costs", "impact_volume"): TRADE_VOLUME,
    ("surplus_volatility", "max"): SURPLUS_VOLATILITY,
    ("collateral_buffer", "breakeven_fall_bp"): LIMIT_BP,
    ("liquidity_coverage", "breakeven_fall_bp"): LIMIT_BP,
    **{("collateral_buffer", key): size for key, size in COLLATERAL_MOVES.items()},
    **{("liquidity_coverage", key): size for key, size in COLLATERAL_MOVES.items()},
}
"""The plausible size of each option that has one, as the problem-file reference gives it."""


def test_every_plausible_size_is_typed_on_its_option():
    typed = {(kind, option): r.plausible for kind, option, _, r in RANGED if r.plausible}
    assert typed == PLAUSIBLE


def _accepts(annotation, value):
    try:
        TypeAdapter(annotation).validate_python(value)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize(
    ("annotation", "limits"),
    [pytest.param(a, r, id=f"{kind}.{option}") for kind, option, a, r in RANGED],
)
def test_each_end_of_each_typed_range_is_accepted_and_beyond_it_refused(annotation, limits):
    low, high = limits.bounds
    if limits.above is not None:
        assert not _accepts(annotation, limits.above)
    if low is not None:
        opened = limits.plausible is not None and limits.plausible.low_open
        excluded = (opened and low == limits.plausible.low) or low == limits.above
        assert _accepts(annotation, low) is not excluded
        assert not _accepts(annotation, math.nextafter(low, -math.inf))
    least = limits.plausible.least if limits.plausible else 0.0
    if least:  # 0 or at least ``least`` in size: just below it is a slip
        assert _accepts(annotation, least)
        assert not _accepts(annotation, math.nextafter(least, 0.0))
    elif low is not None:
        assert _accepts(annotation, math.nextafter(low, math.inf))
    if high is not None:
        assert _accepts(annotation, high)
        assert not _accepts(annotation, math.nextafter(high, math.inf))
    for wrong in (math.inf, math.nan, True, "many"):
        assert not _accepts(annotation, wrong)


def test_the_cli_exits_2_naming_the_hedge_ratio_typed_in_percent(tmp_path, capsys):
    path = write_yaml(tmp_path, edited(minimal(), constraint("hedge_ratio", min=85, max=95)))
    assert main(["solve", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: constraints[0].hedge_ratio.min: got 85")
    assert "constraints[0].hedge_ratio.max: got 95" in err
