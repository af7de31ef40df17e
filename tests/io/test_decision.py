"""A problem file's decision: objective, constraints, solver, risk_model, groups and keys.

Valid sections are compared with the YAML they were loaded from (the input is the reference;
a covariance and a smallest eigenvalue are recomputed with numpy). Bad sections must raise a
SpecError whose message starts with the YAML path, then shows the value and what is expected.
Most are caught when the file is loaded; references to instrument ids, groups and key
tenors, and the uniqueness of terms' names, when the model is built (``ldi validate`` builds
it too).
"""

import numpy as np
import pytest
import yaml

import ldi
from ldi.errors import SpecError
from ldi.optimize.terms.allocation import Bounds, Budget
from ldi.optimize.terms.funding import Leverage
from ldi.optimize.terms.hedging import HedgeRatio
from ldi.optimize.terms.registry import CONSTRAINT_TERMS, OBJECTIVE_TERMS
from ldi.risk.factors import RiskModel
from tests.io.edits import DROP, edited
from tests.reference import DEFAULT_KEYS, PROBLEMS, raw_problem

RAW = raw_problem()  # problems/uk_db_scheme.yaml, its CSV path made absolute
IDS = [item["id"] for item in RAW["instruments"]]  # file order, as the exposure tables
KINDS = sorted({item["kind"] for item in RAW["instruments"]})
ROLE_NAMES = ["physical", "overlay", "financing"]
KEYS = [float(k) for k in DEFAULT_KEYS]
# The YAML keys of the terms, from the registry every term class joins by itself.
OBJECTIVE_KEYS = sorted(OBJECTIVE_TERMS)
CONSTRAINT_KEYS = sorted(CONSTRAINT_TERMS)
SOLVERS = ["HIGHS", "CLARABEL", "OSQP", "SCS"]
FACTORS = ["rates", "inflation", "credit", "growth", "bond_swap"]
PAIRS = [f"{a}_{b}" for i, a in enumerate(FACTORS) for b in FACTORS[i + 1 :]]
ENTRY = "expected a term name or a one-key mapping {name: {options}}"
UNIQUE = "expected a unique name"


def appended(entry):
    """Edits that add ``entry`` after the default problem's constraints."""
    return {"constraints": [*RAW["constraints"], entry]}


def compiled(problem):
    """The problem's optimization model, compiled (every term's numbers computed)."""
    return problem.model.compiled


def raised(raw):
    """(when, error): the SpecError of loading ``raw``, else of compiling its model."""
    try:
        problem = ldi.load_problem(raw)
    except SpecError as error:
        return "load", error
    with pytest.raises(SpecError) as caught:
        compiled(problem)
    return "model", caught.value


_RAISED = {}


def raised_by(edits):
    """``raised`` for the default problem with ``edits``, computed once per set of edits."""
    key = repr(edits)
    if key not in _RAISED:
        _RAISED[key] = raised(edited(RAW, edits))
    return _RAISED[key]


def first_line(error):
    return str(error).splitlines()[0]


# --- Valid sections --------------------------------------------------------------------------


def entry_parts(entry):
    """(kind, options) of a YAML term entry."""
    if isinstance(entry, str):
        return entry, {}
    ((kind, options),) = entry.items()
    return kind, dict(options or {})


def test_default_problem_decision_is_read_as_written():
    decision = ldi.load_problem(RAW).decision
    expected = [
        (sense, *entry_parts(entry))
        for sense in ("minimize", "maximize")
        for entry in RAW["objective"][sense]
    ]
    assert len(decision.objective) == len(expected)
    for item, (sense, kind, options) in zip(decision.objective, expected, strict=True):
        assert item.term.kind == kind
        assert item.maximize is (sense == "maximize")
        assert item.weight == options.pop("weight", 1.0)
        for option, value in options.items():
            assert getattr(item.term, option) == value, (kind, option)
    written = [entry_parts(entry) for entry in RAW["constraints"]]
    assert [term.kind for term in decision.constraints] == [kind for kind, _ in written]
    for term, (kind, options) in zip(decision.constraints, written, strict=True):
        for option, value in options.items():
            assert getattr(term, option) == value, (kind, option)
    assert {name: list(ids) for name, ids in decision.groups.items()} == RAW["groups"]
    assert decision.keys == DEFAULT_KEYS
    assert (decision.solver.name, decision.solver.fallback, dict(decision.solver.options)) == (
        None,
        None,
        {},
    )
    assert decision.risk_model == RiskModel()


def test_terms_are_named_by_kind_and_options_and_located_by_path():
    decision = ldi.load_problem(RAW).decision
    names = [item.term.name for item in decision.objective]
    names += [term.name for term in decision.constraints]
    assert names == [
        "transaction_costs",
        "tracking_error",
        "key_rate_mismatch",
        "expected_surplus_return",
        "budget",
        "hedge_ratio[rates]",
        "hedge_ratio[inflation]",
        "leverage",
        "bounds[growth]",
        "bounds[credit]",
        "bounds[CASH]",
        "collateral_buffer",
    ]
    assert dict(decision.paths) == {
        "transaction_costs": "objective.minimize[0].transaction_costs",
        "tracking_error": "objective.minimize[1].tracking_error",
        "key_rate_mismatch": "objective.minimize[2].key_rate_mismatch",
        "expected_surplus_return": "objective.maximize[0].expected_surplus_return",
        "budget": "constraints[0].budget",
        "hedge_ratio[rates]": "constraints[1].hedge_ratio",
        "hedge_ratio[inflation]": "constraints[2].hedge_ratio",
        "leverage": "constraints[3].leverage",
        "bounds[growth]": "constraints[4].bounds",
        "bounds[credit]": "constraints[5].bounds",
        "bounds[CASH]": "constraints[6].bounds",
        "collateral_buffer": "constraints[7].collateral_buffer",
    }


def test_solver_keys_and_risk_model_sections_are_read_as_written():
    volatility = {"rates": 100.0, "inflation": 60.0, "credit": 80.0, "growth": 0.2, "bond_swap": 15}
    correlation = dict(
        zip(PAIRS, [0.5, -0.1, 0.3, 0.2, 0.05, 0.0, -0.1, -0.5, 0.1, 0.0], strict=True)
    )
    raw = edited(
        RAW,
        {
            "solver": {
                "name": "clarabel",
                "fallback": ["scs", "Osqp"],
                "options": {"scs": {"eps_abs": 1e-6}},
            },
            "keys": [2, 10, 30],
            "risk_model": {
                "volatility": volatility,
                "correlation": correlation,
                "growth_correlation": 0.8,
            },
        },
    )
    decision = ldi.load_problem(raw).decision
    assert decision.solver.name == "CLARABEL"  # solver names are case-insensitive
    assert decision.solver.fallback == ("SCS", "OSQP")
    assert dict(decision.solver.options) == {"SCS": {"eps_abs": 1e-6}}
    assert decision.keys == (2.0, 10.0, 30.0)
    model = decision.risk_model
    assert model.growth_correlation == 0.8
    # Sigma = D R D, built from the file's numbers in the order of FACTORS.
    matrix = np.eye(len(FACTORS))
    for (i, a), (j, b) in ((p, q) for p in enumerate(FACTORS) for q in enumerate(FACTORS)):
        if i < j:
            matrix[i, j] = matrix[j, i] = correlation[f"{a}_{b}"]
    vol = np.array([volatility[f] for f in FACTORS])
    np.testing.assert_allclose(model.covariance, np.outer(vol, vol) * matrix, rtol=1e-15)


def test_an_entry_may_be_a_name_a_null_mapping_or_an_empty_mapping():
    forms = ["budget", {"budget": None}, {"budget": {}}]
    terms = [
        ldi.load_problem(edited(RAW, {"constraints.0": f})).decision.constraints[0] for f in forms
    ]
    assert terms == [Budget()] * 3


def test_constraint_options_build_their_terms():
    raw = edited(
        RAW,
        {
            "constraints.1": {"hedge_ratio": {"risk": "rates", "min": 0.9, "soft": 25.0}},
            "constraints.3": {"leverage": {"max": 2}},
            "constraints.6": {"bounds": {"instruments": ["CASH", "UKT_0_2045"], "max": 5.0e7}},
        },
    )
    constraints = ldi.load_problem(raw).decision.constraints
    assert constraints[1] == HedgeRatio(risk="rates", min=0.9, soft=25.0)
    assert constraints[3] == Leverage(max=2)
    assert constraints[6] == Bounds(instruments=("CASH", "UKT_0_2045"), max=5.0e7)
    assert constraints[6].name == "bounds[CASH,UKT_0_2045]"


def test_terms_of_one_kind_may_repeat_under_their_own_names():
    raw = edited(
        RAW,
        appended({"hedge_ratio": {"risk": "rates", "bucket": 30, "min": 0.8, "name": "long end"}}),
    )
    raw = edited(raw, {"constraints.1.hedge_ratio.name": "rates band"})
    decision = ldi.load_problem(raw).decision
    assert [t.name for t in decision.constraints if t.kind == "hedge_ratio"] == [
        "rates band",
        "hedge_ratio[inflation]",
        "long end",
    ]
    assert decision.paths["long end"] == "constraints[8].hedge_ratio"
    assert decision.constraints[-1].bucket == (30,)
    unnamed = edited(
        RAW, appended({"hedge_ratio": {"risk": "rates", "bucket": [20, 30], "min": 0}})
    )
    assert ldi.load_problem(unnamed).decision.constraints[-1].name == "hedge_ratio[rates,20y,30y]"


def test_a_turnover_objective_and_a_turnover_limit_have_their_own_names():
    raw = edited(
        RAW, {"objective.minimize.0": "turnover", "constraints.0": {"turnover": {"max": 0.5}}}
    )
    decision = ldi.load_problem(raw).decision
    assert decision.objective[0].term.name == "turnover"
    assert decision.constraints[0].name == "max_turnover"
    assert decision.paths["max_turnover"] == "constraints[0].turnover"


@pytest.mark.parametrize(
    "objective",
    [
        pytest.param(DROP, id="no-objective-section"),
        pytest.param({}, id="empty-section"),
        pytest.param({"minimize": [], "maximize": []}, id="empty-lists"),
    ],
)
def test_a_problem_without_objective_terms_loads_but_has_no_model(objective):
    problem = ldi.load_problem(edited(RAW, {"objective": objective}))
    assert problem.decision.objective == ()
    assert len(problem.decision.constraints) == len(RAW["constraints"])
    with pytest.raises(SpecError) as caught:
        compiled(problem)
    assert caught.value.path == "objective"
    assert str(caught.value) == (
        "objective: missing; expected e.g. 'objective: {minimize: [key_rate_mismatch]}' to solve"
    )


def test_solver_section_reaches_the_solver():
    raw = raw_problem(PROBLEMS / "insurer_annuity_book.yaml")  # an LP: HiGHS by default
    first = ldi.load_problem(edited(raw, {"solver": {"name": "clarabel"}})).solve()
    assert first.solver.name == "CLARABEL"
    assert [a.solver for a in first.solver.attempts] == ["CLARABEL"]
    # One interior-point iteration cannot converge: the option reached Clarabel, which
    # stopped at its limit, and the next solver of the default order answered.
    options = {"name": "CLARABEL", "options": {"clarabel": {"max_iter": 1}}}
    limited = ldi.load_problem(edited(raw, {"solver": options})).solve()
    assert [a.solver for a in limited.solver.attempts] == ["CLARABEL", "HIGHS"]
    assert limited.solver.attempts[0].status not in ("optimal", "optimal_inaccurate")
    assert (limited.status, limited.solver.name) == ("optimal", "HIGHS")


def test_non_positive_semidefinite_correlations_name_the_smallest_eigenvalue():
    pairs = {"rates_inflation": 0.95, "rates_credit": 0.95, "inflation_credit": -0.95}
    matrix = np.eye(len(FACTORS))
    documented = [0.3, -0.2, 0.2, 0.0, 0.0, 0.1, 0.0, -0.6, 0.0, 0.0]
    defaults = dict(zip(PAIRS, documented, strict=True))
    for (i, a), (j, b) in ((p, q) for p in enumerate(FACTORS) for q in enumerate(FACTORS)):
        if i < j:
            matrix[i, j] = matrix[j, i] = {**defaults, **pairs}[f"{a}_{b}"]
    lowest = np.linalg.eigvalsh(matrix).min()
    assert lowest < 0
    when, error = raised(edited(RAW, {"risk_model": {"correlation": pairs}}))
    assert (when, error.path) == ("load", "risk_model.correlation")
    assert str(error) == (
        f"risk_model.correlation: the matrix has eigenvalue {lowest:.3g} < 0; expected a valid "
        "(positive semi-definite) correlation matrix: loosen the largest correlations"
    )


def test_inflation_hedge_ratio_needs_inflation_linked_liabilities():
    raw = raw_problem(PROBLEMS / "us_corporate_plan.yaml")  # fixed pensions only
    entry = {"hedge_ratio": {"risk": "inflation", "min": 0.5}}
    when, error = raised(edited(raw, {"constraints.1": entry}))
    assert (when, error.path) == ("model", "constraints[1].hedge_ratio.risk")
    assert str(error) == (
        "constraints[1].hedge_ratio.risk: got 'inflation'; expected a risk whose liabilities' "
        "inflation exposure is positive (theirs is 0)"
    )


@pytest.mark.parametrize(
    ("bucket", "need"),
    [
        ([], "expected at least one key tenor"),
        ([2], "expected key tenors where the liabilities' rates exposure is positive (theirs is"),
    ],
)
def test_a_hedge_ratio_bucket_without_liability_exposure_is_named(bucket, need):
    raw = raw_problem(PROBLEMS / "us_corporate_plan.yaml")
    raw["keys"] = [2, 5, 10, 20, 30]
    raw["liabilities"]["cashflows"] = [{"time": 25, "fixed": 1.0e8}]  # nothing near 2 years
    entry = {"hedge_ratio": {"risk": "rates", "min": 0.5, "bucket": bucket}}
    _, error = raised(edited(raw, {"constraints.1": entry}))
    assert error.path == "constraints[1].hedge_ratio.bucket"
    assert need in str(error)


@pytest.mark.parametrize(
    ("key", "text", "read"),
    [
        pytest.param(
            "constraints.6.bounds.min", "30.0e6", lambda d: d.constraints[6].min, id="money"
        ),
        pytest.param(
            "constraints.3.leverage.max", "1.5e0", lambda d: d.constraints[3].max, id="limit"
        ),
        pytest.param(
            "objective.minimize.0.transaction_costs.weight",
            "5.0e0",
            lambda d: d.objective[0].weight,
            id="weight",
        ),
    ],
)
def test_yaml_exponent_numbers_are_numbers_in_the_decision(tmp_path, key, text, read):
    sentinel = "__NUMBER__"
    raw = edited(RAW, {key: sentinel})
    assert yaml.safe_load(f"x: {text}") == {"x": text}  # YAML 1.1 reads it as text
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False).replace(sentinel, text))
    assert read(ldi.load_problem(path).decision) == float(text)


# --- Bad sections ----------------------------------------------------------------------------


BAD = [
    # Objective.
    pytest.param(
        {"objective.minimize.0": "transaction_cost"},
        "load",
        "objective.minimize[0]",
        "objective.minimize[0]: unknown objective term 'transaction_cost'; "
        f"expected one of {OBJECTIVE_KEYS}",
        id="unknown-objective-term",
    ),
    pytest.param(
        {"objective.maximize.0": "expected_return"},
        "load",
        "objective.maximize[0]",
        "objective.maximize[0]: unknown objective term 'expected_return'; "
        f"expected one of {OBJECTIVE_KEYS}",
        id="constraint-kind-as-objective-term",
    ),
    pytest.param(
        {"objective.minimize.2": {"key_rate_mismatch": {"hedge": 0.9}}},
        "load",
        "objective.minimize[2].key_rate_mismatch.hedge",
        ("unknown option; expected only [", "'hedge_ratio'", "'inflation_hedge_ratio'"),
        id="unknown-objective-option",
    ),
    pytest.param(
        {"objective.minimize.0": {"transaction_costs": {"soft": 1.0}}},
        "load",
        "objective.minimize[0].transaction_costs.soft",
        ("unknown option; expected only [", "'cost_bp'", "'impact_power'"),
        id="soft-on-an-objective-term",
    ),
    pytest.param(
        {"objective.minimize.0": {"transaction_costs": {"weight": 0}}},
        "load",
        "objective.minimize[0].transaction_costs.weight",
        "objective.minimize[0].transaction_costs.weight: got 0; expected a finite number > 0",
        id="weight-zero",
    ),
    pytest.param(
        {"objective.minimize.0": {"transaction_costs": {"weight": True}}},
        "load",
        "objective.minimize[0].transaction_costs.weight",
        "objective.minimize[0].transaction_costs.weight: got True; expected a finite number > 0",
        id="weight-true",
    ),
    pytest.param(
        {"objective.maximize.0": {"expected_surplus_return": {"weight": -2.5}}},
        "load",
        "objective.maximize[0].expected_surplus_return.weight",
        "objective.maximize[0].expected_surplus_return.weight: got -2.5; "
        "expected a finite number > 0",
        id="weight-negative",
    ),
    pytest.param(
        {"objective.minimize.1": {"tracking_error": {"weight": "heavy"}}},
        "load",
        "objective.minimize[1].tracking_error.weight",
        "objective.minimize[1].tracking_error.weight: got 'heavy'; expected a finite number > 0",
        id="weight-text",
    ),
    pytest.param(
        {"objective.minimize.2": {"key_rate_mismatch": {"hedge_ratio": 6}}},
        "load",
        "objective.minimize[2].key_rate_mismatch.hedge_ratio",
        "objective.minimize[2].key_rate_mismatch.hedge_ratio: got 6; "
        "expected a finite number in [0, 5]",
        id="key-rate-hedge-ratio-above-5",
    ),
    pytest.param(
        {"objective.minimize.2": {"key_rate_mismatch": {"risks": ["credit"]}}},
        "load",
        "objective.minimize[2].key_rate_mismatch.risks",
        ("'credit'", "expected a non-empty list of ['rates', 'inflation']"),
        id="key-rate-unknown-risk",
    ),
    pytest.param(
        {"objective.minimize.0": {"transaction_costs": {"impact_power": 3}}},
        "load",
        "objective.minimize[0].transaction_costs.impact_power",
        "objective.minimize[0].transaction_costs.impact_power: got 3; expected 1.5 or 2",
        id="impact-power",
    ),
    pytest.param(
        {"objective.minimize.0": {"transaction_costs": {"cost_bp": {"bond": -1}}}},
        "load",
        "objective.minimize[0].transaction_costs.cost_bp",
        "objective.minimize[0].transaction_costs.cost_bp: got {'bond': -1}; "
        "expected a mapping of kinds or ids to costs >= 0 (bp)",
        id="negative-cost",
    ),
    pytest.param(
        {"objective": ["cost"]},
        "load",
        "objective",
        "objective: got ['cost']; expected a mapping of keys",
        id="objective-a-list",
    ),
    pytest.param(
        {"objective": {"minimise": ["cost"]}},
        "load",
        "objective.minimise",
        "objective.minimise: unknown key; did you mean 'minimize'? "
        "expected only ['minimize', 'maximize']",
        id="objective-misspelt-key",
    ),
    pytest.param(
        {"objective.minimize": "cost"},
        "load",
        "objective.minimize",
        "objective.minimize: got 'cost'; expected a list",
        id="minimize-a-string",
    ),
    pytest.param(
        {"objective": {"minimize": ["cost"], "maximize": ["cost"]}},
        "model",
        "objective.maximize[0].cost",
        f"objective.maximize[0].cost: name 'cost' is already used by objective.minimize[0].cost; "
        f"{UNIQUE}",
        id="objective-term-twice",
    ),
    # Constraints.
    pytest.param(
        {"constraints.0": "budgett"},
        "load",
        "constraints[0]",
        f"constraints[0]: unknown constraint 'budgett'; expected one of {CONSTRAINT_KEYS}",
        id="unknown-constraint",
    ),
    pytest.param(
        {"constraints.0": "tracking_error"},
        "load",
        "constraints[0]",
        f"constraints[0]: unknown constraint 'tracking_error'; expected one of {CONSTRAINT_KEYS}",
        id="objective-term-as-constraint",
    ),
    pytest.param(
        {"constraints.1": {"hedge_ratio": {"risk": "rates", "minimum": 0.9}}},
        "load",
        "constraints[1].hedge_ratio.minimum",
        ("unknown option; expected only [", "'min'", "'max'", "'bucket'"),
        id="unknown-constraint-option",
    ),
    pytest.param(
        {"constraints.3": {"leverage": {"max": 1.5, "weight": 2}}},
        "load",
        "constraints[3].leverage.weight",
        ("unknown option; expected only [", "'soft'", "'max'"),
        id="weight-on-a-constraint",
    ),
    pytest.param(
        {"constraints.1": {"hedge_ratio": {"risk": "rates", "min": -0.1}}},
        "load",
        "constraints[1].hedge_ratio.min",
        "constraints[1].hedge_ratio.min: got -0.1; expected a hedge ratio (1 for fully hedged) "
        "in [0, 3], such as 0.9 for 90%",
        id="hedge-ratio-min-negative",
    ),
    pytest.param(
        {"constraints.1": {"hedge_ratio": {"risk": "rates", "min": 0.9, "max": 0.8}}},
        "load",
        "constraints[1].hedge_ratio.max",
        "constraints[1].hedge_ratio.max: got 0.8; expected a number >= min (0.9)",
        id="hedge-ratio-max-below-min",
    ),
    pytest.param(
        {"constraints.1": {"hedge_ratio": {"risk": "rates"}}},
        "load",
        "constraints[1].hedge_ratio.max",
        ("expected min or max (or both)",),
        id="hedge-ratio-without-limits",
    ),
    pytest.param(
        {"constraints.1": {"hedge_ratio": {"risk": "credit", "min": 0.9}}},
        "load",
        "constraints[1].hedge_ratio.risk",
        "constraints[1].hedge_ratio.risk: got 'credit'; expected one of ['rates', 'inflation']",
        id="hedge-ratio-unknown-risk",
    ),
    pytest.param(
        {"constraints.3": {"leverage": {"max": -1}}},
        "load",
        "constraints[3].leverage.max",
        "constraints[3].leverage.max: got -1.0; expected a leverage (notional per unit of "
        "capital) in [0, 100], such as 4",
        id="leverage-max-negative",
    ),
    pytest.param(
        {"constraints.3": {"leverage": {"max": "a lot"}}},
        "load",
        "constraints[3].leverage.max",
        "constraints[3].leverage.max: got 'a lot'; expected a finite number >= 0",
        id="leverage-max-text",
    ),
    pytest.param(
        {"constraints.3": {"leverage": {"max": True}}},
        "load",
        "constraints[3].leverage.max",
        "constraints[3].leverage.max: got True; expected a finite number >= 0",
        id="leverage-max-true",
    ),
    pytest.param(
        {"constraints.3": {"leverage": {"max": 1.5, "soft": -1}}},
        "load",
        "constraints[3].leverage.soft",
        "constraints[3].leverage.soft: got -1; expected a finite number >= 0",
        id="soft-negative",
    ),
    pytest.param(
        {"constraints.6": {"bounds": {"instrument": "CASH", "group": "growth", "min": 1.0}}},
        "load",
        "constraints[6].bounds.instrument",
        "constraints[6].bounds.instrument: got 'CASH'; "
        "expected exactly one of instrument, instruments or group",
        id="bounds-two-targets",
    ),
    pytest.param(
        {"constraints.6": {"bounds": {"instrument": "CASH"}}},
        "load",
        "constraints[6].bounds.max",
        ("expected at least one of min, max, min_fraction, max_fraction",),
        id="bounds-without-limits",
    ),
    pytest.param(
        {"constraints.0": {"expected_return": {"min": 2}}},
        "load",
        "constraints[0].expected_return.min",
        "constraints[0].expected_return.min: got 2; expected a finite number in [-1, 1]",
        id="expected-return-above-100-percent",
    ),
    pytest.param(
        {"constraints.0": {"cashflow_matching": {"horizon": 0.5}}},
        "load",
        "constraints[0].cashflow_matching.horizon",
        "constraints[0].cashflow_matching.horizon: got 0.5; "
        "expected a horizon of at least one period",
        id="dedication-horizon-below-a-period",
    ),
    pytest.param(
        {"constraints.3": {"leverage": {"max": 1.5}, "budget": None}},
        "load",
        "constraints[3]",
        f"constraints[3]: got {{'leverage': {{'max': 1.5}}, 'budget': None}}; {ENTRY}",
        id="entry-a-two-key-mapping",
    ),
    pytest.param(
        {"constraints.3": {}},
        "load",
        "constraints[3]",
        f"constraints[3]: got {{}}; {ENTRY}",
        id="entry-an-empty-mapping",
    ),
    pytest.param(
        {"constraints.3": ["leverage"]},
        "load",
        "constraints[3]",
        f"constraints[3]: got ['leverage']; {ENTRY}",
        id="entry-a-list",
    ),
    pytest.param(
        {"constraints.3": 5},
        "load",
        "constraints[3]",
        f"constraints[3]: got 5; {ENTRY}",
        id="entry-a-number",
    ),
    pytest.param(
        {"constraints.3": {"leverage": 1.5}},
        "load",
        "constraints[3].leverage",
        "constraints[3].leverage: got 1.5; expected a mapping of options",
        id="options-not-a-mapping",
    ),
    pytest.param(
        {"constraints": {"budget": None}},
        "load",
        "constraints",
        "constraints: got a mapping; expected a list",
        id="constraints-a-mapping",
    ),
    pytest.param(
        {"constraints.2": {"hedge_ratio": {"risk": "rates", "min": 0.9}}},
        "model",
        "constraints[2].hedge_ratio",
        "constraints[2].hedge_ratio: name 'hedge_ratio[rates]' is already used by "
        f"constraints[1].hedge_ratio; {UNIQUE}",
        id="two-hedge-ratios-of-one-risk-without-names",
    ),
    pytest.param(
        {
            "objective.minimize.0": "turnover",
            "constraints.0": {"turnover": {"max": 0.5, "name": "turnover"}},
        },
        "model",
        "constraints[0].turnover",
        "constraints[0].turnover: name 'turnover' is already used by "
        f"objective.minimize[0].turnover; {UNIQUE}",
        id="limit-named-like-an-objective-term",
    ),
    pytest.param(
        {
            "constraints.5": {
                "bounds": {"group": "credit", "max_fraction": 0.15, "name": "leverage"}
            }
        },
        "model",
        "constraints[5].bounds",
        f"constraints[5].bounds: name 'leverage' is already used by constraints[3].leverage; "
        f"{UNIQUE}",
        id="name-taken-by-another-term",
    ),
    # Solver.
    pytest.param(
        {"solver": {"name": "gurobi"}},
        "load",
        "solver.name",
        f"solver.name: got 'gurobi'; expected one of {SOLVERS}",
        id="solver-unknown",
    ),
    pytest.param(
        {"solver": {"fallback": ["SCS", "mosek"]}},
        "load",
        "solver.fallback[1]",
        f"solver.fallback[1]: got 'mosek'; expected one of {SOLVERS}",
        id="fallback-unknown",
    ),
    pytest.param(
        {"solver": {"options": {"cplex": {"threads": 1}}}},
        "load",
        "solver.options.cplex",
        f"solver.options.cplex: got 'cplex'; expected one of {SOLVERS}",
        id="options-of-an-unknown-solver",
    ),
    pytest.param(
        {"solver": {"nam": "SCS"}},
        "load",
        "solver.nam",
        "solver.nam: unknown key; did you mean 'name'? expected only "
        "['name', 'fallback', 'options', 'min_trade', 'min_trade_fraction']",
        id="solver-misspelt-key",
    ),
    pytest.param(
        {"solver": {"fallback": "SCS"}},
        "load",
        "solver.fallback",
        "solver.fallback: got 'SCS'; expected a list",
        id="fallback-a-string",
    ),
    pytest.param(
        {"solver": {"options": {"SCS": 5}}},
        "load",
        "solver.options.SCS",
        "solver.options.SCS: got 5; expected a mapping of keys",
        id="solver-options-not-a-mapping",
    ),
    # Risk model.
    pytest.param(
        {"risk_model": {"volatility": {"equity": 0.2}}},
        "load",
        "risk_model.volatility.equity",
        ("unknown factor", f"expected one of {FACTORS}"),
        id="unknown-volatility-factor",
    ),
    pytest.param(
        {"risk_model": {"correlation": {"rates_equity": 0.2}}},
        "load",
        "risk_model.correlation.rates_equity",
        f"risk_model.correlation.rates_equity: unknown pair; expected names like {PAIRS}",
        id="unknown-correlation-pair",
    ),
    pytest.param(
        {"risk_model": {"correlation": {"rates_inflation": 1.5}}},
        "load",
        "risk_model.correlation.rates_inflation",
        "risk_model.correlation.rates_inflation: got 1.5; expected a number in [-1, 1]",
        id="correlation-above-one",
    ),
    pytest.param(
        {"risk_model": {"correlation": {"rates_inflation": "high"}}},
        "load",
        "risk_model.correlation.rates_inflation",
        "risk_model.correlation.rates_inflation: got 'high'; expected a number",
        id="correlation-text",
    ),
    pytest.param(
        {"risk_model": {"volatility": {"rates": -1}}},
        "load",
        "risk_model.volatility.rates",
        "risk_model.volatility.rates: got -1.0; expected a volatility in bp a year in [0, 1000], "
        "0 or at least 1 in size, such as 90",
        id="volatility-negative",
    ),
    pytest.param(
        {"risk_model": {"volatility": {"growth": float("inf")}}},
        "load",
        "risk_model.volatility.growth",
        "risk_model.volatility.growth: got .inf; expected a finite number",
        id="volatility-infinite",
    ),
    pytest.param(
        {"risk_model": {"growth_correlation": 1.5}},
        "load",
        "risk_model.growth_correlation",
        "risk_model.growth_correlation: got 1.5; expected a number in [0, 1] such as 0.9",
        id="growth-correlation-above-one",
    ),
    pytest.param(
        {"risk_model": {"vol": {"rates": 90}}},
        "load",
        "risk_model.vol",
        "risk_model.vol: unknown key; expected only "
        "['volatility', 'correlation', 'growth_correlation']",
        id="risk-model-misspelt-key",
    ),
    # Groups.
    pytest.param(
        {"groups.growth": ["GLOBAL_EQUITY", "EM_EQUITY"]},
        "load",
        "groups.growth[1]",
        f"groups.growth[1]: got 'EM_EQUITY'; expected an instrument id, one of {sorted(IDS)}",
        id="group-member-unknown",
    ),
    pytest.param(
        {"groups.growth": "GLOBAL_EQUITY"},
        "load",
        "groups.growth",
        "groups.growth: got 'GLOBAL_EQUITY'; expected a list",
        id="group-not-a-list",
    ),
    pytest.param(
        {"groups.bond": ["UKT_4Q_2036"]},
        ("load", "model"),
        "groups.bond",
        ("instrument kind or role", "expected another name"),
        id="group-named-like-a-kind",
    ),
    pytest.param(
        {"groups.overlay": ["SONIA_30Y"]},
        ("load", "model"),
        "groups.overlay",
        ("instrument kind or role", "expected another name"),
        id="group-named-like-a-role",
    ),
    # Keys.
    pytest.param(
        {"keys": [1, 5, 3]},
        "load",
        "keys[2]",
        "keys[2]: got 3.0 after 5.0; expected strictly increasing",
        id="keys-not-increasing",
    ),
    pytest.param(
        {"keys": [5, 5, 10]},
        "load",
        "keys[1]",
        "keys[1]: got 5.0 after 5.0; expected strictly increasing",
        id="keys-repeated",
    ),
    pytest.param(
        {"keys": [-1, 5]},
        "load",
        "keys[0]",
        "keys[0]: got -1.0; expected a positive number of years",
        id="key-negative",
    ),
    pytest.param(
        {"keys": []},
        "load",
        "keys",
        "keys: got []; expected at least 1 item(s)",
        id="keys-empty",
    ),
    pytest.param(
        {"keys": "10"},
        "load",
        "keys",
        "keys: got '10'; expected a list",
        id="keys-a-string",
    ),
    # References checked against the exposure tables, when the model is compiled.
    pytest.param(
        {"constraints.6": {"bounds": {"instrument": "CASHH", "min_fraction": 0.02}}},
        "model",
        "constraints[6].bounds.instrument",
        f"constraints[6].bounds.instrument: got 'CASHH'; expected instrument ids among {IDS}",
        id="bounds-unknown-instrument",
    ),
    pytest.param(
        {"constraints.6": {"bounds": {"instruments": ["CASH", "GILT"], "max": 1.0e6}}},
        "model",
        "constraints[6].bounds.instruments",
        ("'GILT'", f"expected instrument ids among {IDS}"),
        id="bounds-unknown-instrument-in-a-list",
    ),
    pytest.param(
        {"constraints.5": {"bounds": {"group": "credits", "max_fraction": 0.15}}},
        "model",
        "constraints[5].bounds.group",
        "constraints[5].bounds.group: got 'credits'; expected a group, kind or role among "
        f"{sorted(['growth', 'credit', *KINDS, *ROLE_NAMES])}",
        id="bounds-unknown-group",
    ),
    pytest.param(
        {"constraints.1": {"hedge_ratio": {"risk": "rates", "min": 0.9, "bucket": 12}}},
        "model",
        "constraints[1].hedge_ratio.bucket",
        ("12", f"expected key tenors among {KEYS}"),
        id="hedge-ratio-bucket-not-a-key",
    ),
    pytest.param(
        {
            "keys": [5, 10, 30],
            "constraints.1": {"hedge_ratio": {"risk": "rates", "min": 0.9, "bucket": [10, 20]}},
        },
        "model",
        "constraints[1].hedge_ratio.bucket",
        ("20", "expected key tenors among [5.0, 10.0, 30.0]"),
        id="hedge-ratio-bucket-outside-the-files-keys",
    ),
    pytest.param(
        {"objective.minimize.2": {"key_rate_mismatch": {"weights": {12: 2.0}}}},
        "model",
        "objective.minimize[2].key_rate_mismatch.weights",
        "objective.minimize[2].key_rate_mismatch.weights: got {12: 2.0}; "
        f"expected key tenors among {KEYS}",
        id="key-rate-weight-not-a-key",
    ),
    pytest.param(
        {"objective.minimize.0": {"transaction_costs": {"cost_bp": {"gilt": 2}}}},
        "model",
        "objective.minimize[0].transaction_costs.cost_bp",
        ("got {'gilt': 2}", "'index_linked_bond'", "or instrument ids"),
        id="cost-of-an-unknown-kind",
    ),
    pytest.param(
        appended({"long_only": {"exclude": ["SWAP"]}}),
        "model",
        "constraints[8].long_only.exclude",
        ("'SWAP'", f"expected instrument ids among {IDS}"),
        id="long-only-excludes-an-unknown-id",
    ),
]


@pytest.mark.parametrize(("edits", "when", "path", "expected"), BAD)
def test_bad_decision_names_its_path_value_and_expectation(edits, when, path, expected):
    found, error = raised_by(edits)
    message = first_line(error)
    assert message.startswith(f"{path}: "), message
    if isinstance(expected, str):
        assert message == expected
    else:
        for fragment in expected:
            assert fragment in message, (fragment, message)
    assert found in (when if isinstance(when, tuple) else (when,))


# SpecError.path is the key the message starts with, for programs that point at the key.
@pytest.mark.parametrize(("edits", "when", "path", "expected"), BAD)
def test_error_path_is_the_key_its_message_names(edits, when, path, expected):
    _, error = raised_by(edits)
    assert first_line(error).startswith(f"{error.path}: ")
    assert error.path == path
