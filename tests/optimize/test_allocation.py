"""Allocation terms: budget, bounds, long-only and expected-return rows by hand.

Also every hard row of a solved problem (violation < 1e-7 in the row's units) and the
messages of invalid options.
"""

import numpy as np
import pytest

from ldi.errors import SpecError
from ldi.optimize.context import NumpyOps
from ldi.optimize.model import Model, ObjectiveItem
from ldi.optimize.result import evaluate
from ldi.optimize.solve import solve
from ldi.optimize.terms.allocation import Bounds, Budget, ExpectedReturn, LongOnly
from ldi.optimize.terms.base import violation
from ldi.optimize.terms.funding import Leverage
from ldi.optimize.terms.hedging import DurationMatch, HedgeRatio, KeyRateTolerance
from ldi.optimize.terms.objectives import Cost, KeyRateMismatch, TransactionCosts
from ldi.optimize.terms.risk_limits import MaxTurnover, SurplusVolatility
from tests.optimize.conftest import (
    CAPITAL,
    DATA,
    IDS,
    NO_LONG_ONLY,
    PV,
    RETURN,
    X,
    expect,
    table,
)

SHORTS = np.array([100.0, -10.0, 0.0, -100.0, 50.0, -5.0, 0.0, 0.0])


def test_budget_row_is_the_value_of_the_positions_against_the_capital():
    assert expect(table([Budget(), NO_LONG_ONLY]), "budget", "==", PV @ X, CAPITAL)
    frame = table([Budget(capital=800.0, contribution=50.0), NO_LONG_ONLY])
    assert not expect(frame, "budget", "==", PV @ X, 850.0)


@pytest.mark.parametrize(
    ("term", "rows"),
    [
        (Bounds(instrument="GILT", max=300.0), {".max": ("<=", 350.0, 300.0)}),
        (Bounds(instrument="GILT", min_fraction=0.3), {".min_fraction": (">=", 350 / 900, 0.3)}),
        (Bounds(group="bond", max_fraction=0.45), {".max_fraction": ("<=", 450 / 900, 0.45)}),
        (Bounds(group="overlay", min=250.0), {".min": (">=", 200.0, 250.0)}),
        (Bounds(group="financing", max=150.0), {".max": ("<=", 150.0, 150.0)}),
        (Bounds(group="matching", min=600.0, max=700.0), {".min": (">=", 650.0, 600.0)}),
        (
            Bounds(instruments=("GILT", "LINKER"), max=320.0),
            {".max[GILT]": ("<=", 350.0, 320.0), ".max[LINKER]": ("<=", 300.0, 320.0)},
        ),
    ],
)
def test_bounds_rows_in_money_and_fractions_of_capital(term, rows):
    frame = table([term, NO_LONG_ONLY])
    for part, (sense, value, bound) in rows.items():
        holds = value <= bound if sense == "<=" else value >= bound
        assert expect(frame, term.name + part, sense, value, bound) is holds


@pytest.mark.parametrize(
    ("term", "covered", "short"),
    [
        (LongOnly(), ["GILT", "CREDIT", "LINKER", "REPO", "EQUITY", "CASH"], {"CREDIT", "REPO"}),
        (LongOnly(exclude=("CREDIT",)), ["GILT", "LINKER", "REPO", "EQUITY", "CASH"], {"REPO"}),
        (LongOnly(roles=("overlay",)), ["SWAP", "ISWAP"], {"SWAP"}),
    ],
)
def test_long_only_covers_roles_minus_exclusions(term, covered, short):
    frame = table([term], SHORTS)
    assert list(frame.index) == [f"long_only[{i}]" for i in covered]
    for i in covered:
        value = SHORTS[IDS.index(i)]
        assert expect(frame, f"long_only[{i}]", ">=", value, 0.0) is (i not in short)
    assert table([NO_LONG_ONLY], SHORTS).empty


def test_expected_return_is_money_return_over_capital():
    value = RETURN @ X / CAPITAL  # the repo's rate counts as a cost
    assert expect(
        table([ExpectedReturn(min=0.05), NO_LONG_ONLY]), "expected_return", ">=", value, 0.05
    )
    assert not expect(
        table([ExpectedReturn(min=0.06), NO_LONG_ONLY]), "expected_return", ">=", value, 0.06
    )


KITCHEN_SINK = [
    Budget(),
    HedgeRatio(min=0.9, max=1.0),
    HedgeRatio(risk="inflation", min=0.6),
    KeyRateTolerance(fraction=0.3),
    Bounds(group="return_seeking", max_fraction=0.3),
    Bounds(instrument="CASH", min=20.0),
    Leverage(max=1.5),
    MaxTurnover(max=2.0),
    SurplusVolatility(max=0.1),
    ExpectedReturn(min=0.03),
    DurationMatch(tolerance=5.0),
]


def test_every_hard_row_of_a_solved_problem_holds_to_1e_7_in_its_units():
    objective = [ObjectiveItem(KeyRateMismatch()), ObjectiveItem(TransactionCosts())]
    model = Model(DATA, objective, KITCHEN_SINK)
    result = solve(model)
    assert result.ok
    z = result.positions.to_numpy() / model.scales.money
    _, rows = evaluate(model, z, {})
    assert {term.kind for term, _ in rows} >= {t.kind for t in KITCHEN_SINK} | {"long_only"}
    for _, row in rows:
        assert np.max(violation(NumpyOps(), row)) < 1e-7, row.name
    for _, row, built in model.compiled.rows:
        for constraint in built:
            assert np.max(constraint.violation()) < 1e-7, row.name
    assert (result.constraints["slack"] / result.constraints["bound"].abs().clip(1)).min() > -1e-7


@pytest.mark.parametrize(
    ("cls", "options", "message"),
    [
        (HedgeRatio, {"min": 1.2, "max": 1.0}, "max: got 1.0; expected a number >= min (1.2)"),
        (HedgeRatio, {}, "max: got None; expected min or max (or both)"),
        (HedgeRatio, {"min": -0.1}, "min: got -0.1; expected a hedge ratio (1 for fully hedged)"),
        (HedgeRatio, {"min": 1, "risk": "fx"}, "risk: got 'fx'; expected one of ['rates', 'in"),
        (KeyRateTolerance, {"max": 1.0, "fraction": 0.1}, "max: got 1.0; expected either max"),
        (KeyRateTolerance, {}, "max: got None; expected either max (money per bp) or fraction"),
        (Bounds, {"min": 1.0}, "instrument: got None; expected exactly one of instrument, in"),
        (Bounds, {"instrument": "A", "group": "bond", "max": 1}, "instrument: got 'A'; expected"),
        (Bounds, {"instrument": "A"}, "max: got None; expected at least one of min, max, min_"),
        (Budget, {"soft": -1.0}, "soft: got -1.0; expected a finite number >= 0"),
        (Leverage, {"max": float("nan")}, "max: got nan; expected a finite number >= 0"),
        (ExpectedReturn, {"min": 2.0}, "min: got 2.0; expected a finite number in [-1, 1]"),
        (LongOnly, {"roles": ("growth",)}, "roles: got ('growth',); expected a list of roles"),
    ],
)
def test_constraint_options_are_validated_with_field_value_and_expectation(cls, options, message):
    with pytest.raises(SpecError) as error:
        cls(**options)
    assert str(error.value).startswith(f"{cls.kind}.{message}")
    assert error.value.path == message.split(":")[0]


@pytest.mark.parametrize(
    ("term", "message"),
    [
        (HedgeRatio(min=1.0, bucket=(7.0,)), "bucket: got (7.0,); expected key tenors among [5.0,"),
        (Bounds(instrument="NOPE", max=1.0), "instrument: got 'NOPE'; expected instrument ids"),
        (Bounds(group="nope", max=1.0), "group: got 'nope'; expected a group, kind or role among"),
        (LongOnly(exclude=("NOPE",)), "exclude: got ('NOPE',); expected instrument ids among"),
    ],
)
def test_options_checked_against_the_data_name_the_term_path(term, message):
    model = Model(DATA, [ObjectiveItem(Cost())], [term], paths={term.name: "constraints[3]"})
    with pytest.raises(SpecError) as error:
        _ = model.compiled
    assert str(error.value).startswith(f"constraints[3].{message}")
    assert error.value.path == "constraints[3]." + message.split(":")[0]
