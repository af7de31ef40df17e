"""resolve: a re-solve with changed inputs that leaves the problem as it was.

Reference: the problem's own first solve. A solve after a resolve must give that answer
again (the same solver on the same parameter values: equal to 1e-9 relative), whatever the
resolve changed: holdings, the liabilities' size or a limit.
"""

import numpy as np
import pytest

import ldi
from tests.reference import DEFAULT_PROBLEM, raw_problem

RTOL = 1e-9  # the same compiled problem on the same values: the solver repeats itself


def assert_same(again, first, scale: float) -> None:
    assert again.status is first.status
    assert again.objective_value == pytest.approx(first.objective_value, rel=RTOL)
    np.testing.assert_allclose(
        again.positions.to_numpy(), first.positions.to_numpy(), rtol=RTOL, atol=RTOL * scale
    )
    np.testing.assert_array_equal(again.holdings.to_numpy(), first.holdings.to_numpy())


@pytest.fixture(scope="module")
def problem():
    return ldi.load_problem(raw_problem(DEFAULT_PROBLEM))


@pytest.mark.parametrize(
    "change",
    [
        {"holdings": {"CASH": 1.0e9, "GLOBAL_EQUITY": 0.5e9}},
        {"liability_scale": 1.2},
        {"limits": {"leverage": {"max": 0.7}}},
    ],
    ids=["holdings", "liability_scale", "limits"],
)
def test_a_solve_after_a_resolve_gives_the_first_answer(problem, change):
    first = problem.solve()
    changed = problem.resolve(**change)
    again = problem.solve()
    scale = float(first.positions.abs().sum())
    assert changed.objective_value != pytest.approx(first.objective_value, rel=1e-6)
    assert_same(again, first, scale)


def test_each_resolve_starts_from_the_problem_as_built(problem):
    holdings = {"CASH": 1.0e9, "GLOBAL_EQUITY": 0.5e9}
    problem.resolve(holdings=holdings)
    only_limits = problem.resolve(limits={"leverage": {"max": 1.4}})
    np.testing.assert_array_equal(
        only_limits.holdings.to_numpy(),
        problem.holdings.reindex(only_limits.holdings.index, fill_value=0.0).to_numpy(),
    )


def test_a_refused_resolve_leaves_the_problem_as_it_was(problem):
    first = problem.solve()
    with pytest.raises(ldi.SpecError, match="no term named 'nope'"):
        problem.resolve(limits={"nope": {"max": 1.0}})
    assert_same(problem.solve(), first, float(first.positions.abs().sum()))


def parameter_bits(compiled) -> dict[str, bytes]:
    """Every parameter of a compiled problem, by name, as the bytes of its value."""
    return {
        parameter.name(): np.asarray(parameter.value, dtype=float).tobytes()
        for parameter in compiled.problem.parameters()
    }


def test_a_resolve_puts_back_every_parameter_bit_for_bit():
    """Reference: a fresh build's parameters (exact: restoring recomputes nothing)."""
    fresh = ldi.load_problem(raw_problem(DEFAULT_PROBLEM)).model
    problem = ldi.load_problem(raw_problem(DEFAULT_PROBLEM))
    model = problem.model
    model.compiled  # noqa: B018 - compiled before the resolve, as after a first solve
    problem.resolve(
        holdings={"CASH": 1.0e9}, liability_scale=1.3, limits={"leverage": {"max": 0.8}}
    )
    assert parameter_bits(model.compiled) == parameter_bits(fresh.compiled)
    for term, again in zip(model.terms, fresh.terms, strict=True):
        assert term is not again
        assert term.name == again.name
        for key, value in model.values(term).items():
            np.testing.assert_array_equal(value, fresh.values(again)[key])


def test_an_elastic_problem_built_during_a_resolve_is_put_back_too():
    """An infeasible resolve compiles the elastic problem on the changed state.

    Afterwards its parameters are those of a fresh build's elastic problem (exact).
    """
    fresh = ldi.load_problem(raw_problem(DEFAULT_PROBLEM)).model
    problem = ldi.load_problem(raw_problem(DEFAULT_PROBLEM))
    tight = {"hedge_ratio[rates]": {"min": 2.9, "max": 3.0}, "leverage": {"max": 0.2}}
    result = problem.resolve(limits=tight)
    assert result.status.value == "infeasible"
    assert parameter_bits(problem.model.elastic) == parameter_bits(fresh.elastic)
    assert parameter_bits(problem.model.compiled) == parameter_bits(fresh.compiled)
