"""The term registry, and YAML-like entries validated into objective items and constraint terms.

Built terms are compared with terms constructed directly in Python; error messages and
paths are compared with the problem-file locations written out by hand.
"""

import math
from dataclasses import dataclass
from typing import ClassVar

import pytest

from ldi.errors import SpecError
from ldi.io.build import constraint_terms, objective_items
from ldi.optimize.model import ObjectiveItem
from ldi.optimize.terms.allocation import Bounds, Budget, LongOnly
from ldi.optimize.terms.base import TERMS, ConstraintTerm, ObjectiveTerm, Term
from ldi.optimize.terms.dedication import CashflowMatching
from ldi.optimize.terms.funding import Leverage
from ldi.optimize.terms.hedging import DurationMatch, HedgeRatio, KeyRateTolerance, Redington
from ldi.optimize.terms.objectives import (
    Cost,
    ExpectedSurplusReturn,
    KeyRateMismatch,
    TrackingError,
    TransactionCosts,
    Turnover,
)
from ldi.optimize.terms.registry import CONSTRAINT_TERMS, OBJECTIVE_TERMS
from ldi.optimize.terms.risk_limits import MaxTurnover


def _term_classes(cls=Term):
    """Every class of ldi below ``cls`` that sets its own YAML key ``kind``.

    Classes other tests define (and take out of the registry) are left out: the schema's
    union of entries may hold them until the registry next changes.
    """
    for sub in cls.__subclasses__():
        if "kind" in vars(sub) and sub.__module__.startswith("ldi."):
            yield sub
        yield from _term_classes(sub)


OBJECTIVE_KEYS = sorted(OBJECTIVE_TERMS)
CONSTRAINT_KEYS = sorted(CONSTRAINT_TERMS)


def test_every_term_class_registers_itself_under_its_yaml_key():
    classes = set(_term_classes())
    objectives = {c for c in classes if issubclass(c, ObjectiveTerm)}
    assert dict(OBJECTIVE_TERMS) == {c.kind: c for c in objectives}
    assert dict(CONSTRAINT_TERMS) == {c.kind: c for c in classes - objectives}
    assert OBJECTIVE_TERMS["turnover"] is Turnover
    assert CONSTRAINT_TERMS["turnover"] is MaxTurnover
    assert len(OBJECTIVE_TERMS) + len(CONSTRAINT_TERMS) == len(classes) >= 24


def test_a_new_term_class_is_found_with_no_other_edit():
    @dataclass(frozen=True, kw_only=True)
    class Anything(ConstraintTerm):
        kind: ClassVar[str] = "anything_at_all"

    try:
        assert CONSTRAINT_TERMS["anything_at_all"] is Anything
        assert "anything_at_all" not in OBJECTIVE_TERMS
    finally:
        del TERMS["constraint"]["anything_at_all"]


def test_two_classes_cannot_claim_one_key():
    with pytest.raises(TypeError, match=r"constraint term 'budget': .*Budget both claim it"):

        class Another(ConstraintTerm):
            kind: ClassVar[str] = "budget"

    assert CONSTRAINT_TERMS["budget"] is Budget


def test_objective_entries_in_string_and_mapping_form_with_weights_and_senses():
    section = {
        "minimize": [
            "cost",
            {"key_rate_mismatch": {"weight": 2, "hedge_ratio": 0.9, "risks": ["rates"]}},
            {"tracking_error": None},
            {"transaction_costs": {"cost_bp": {"bond": 2.0, "GILT": 1.0}, "impact_power": 2}},
            {"turnover": {"roles": "physical", "name": "physical turnover"}},
        ],
        "maximize": [{"expected_surplus_return": {"weight": 0.25}}],
    }
    items = objective_items(section)
    assert [path for path, _ in items] == [
        "objective.minimize[0].cost",
        "objective.minimize[1].key_rate_mismatch",
        "objective.minimize[2].tracking_error",
        "objective.minimize[3].transaction_costs",
        "objective.minimize[4].turnover",
        "objective.maximize[0].expected_surplus_return",
    ]
    assert [item for _, item in items] == [
        ObjectiveItem(Cost()),
        ObjectiveItem(KeyRateMismatch(hedge_ratio=0.9, risks=("rates",)), 2.0),
        ObjectiveItem(TrackingError()),
        ObjectiveItem(TransactionCosts(cost_bp={"bond": 2.0, "GILT": 1.0}, impact_power=2)),
        ObjectiveItem(Turnover(roles=("physical",), name="physical turnover")),
        ObjectiveItem(ExpectedSurplusReturn(), 0.25, maximize=True),
    ]
    assert items[-1][1].sign == -0.25
    assert isinstance(items[1][1].weight, float)


@pytest.mark.parametrize("section", [None, {}, {"minimize": None}, {"minimize": []}])
def test_an_empty_objective_section_gives_no_items(section):
    assert objective_items(section) == []


def test_constraint_entries_become_terms_with_tuples_for_lists_and_lone_buckets():
    entries = [
        "budget",
        {"hedge_ratio": {"risk": "inflation", "min": 0.9, "bucket": 20, "soft": 50}},
        {"hedge_ratio": {"min": 0.95, "max": 1.05, "bucket": [10, 30], "name": "long end"}},
        {"key_rate_tolerance": {"fraction": 0.1, "hedge_ratio": 0.9}},
        {"bounds": {"instruments": ["A", "B"], "max": 5.0e7}},
        {"bounds": {"group": "return_seeking", "max_fraction": 0.4}},
        {"long_only": {"exclude": ["SWAP"], "roles": ["physical"]}},
        {"turnover": {"max": 0.2, "roles": "physical"}},
        {"leverage": None},
        {"redington": {"match_pv": False}},
        {"duration_match": {}},
        {"cashflow_matching": {"reinvestment_rate": 0.02}},
    ]
    built = constraint_terms(entries)
    kinds = [next(iter(e)) if isinstance(e, dict) else e for e in entries]
    assert [path for path, _ in built] == [f"constraints[{i}].{k}" for i, k in enumerate(kinds)]
    assert [term for _, term in built] == [
        Budget(),
        HedgeRatio(risk="inflation", min=0.9, bucket=(20,), soft=50),
        HedgeRatio(min=0.95, max=1.05, bucket=(10, 30), name="long end"),
        KeyRateTolerance(fraction=0.1, hedge_ratio=0.9),
        Bounds(instruments=("A", "B"), max=5.0e7),
        Bounds(group="return_seeking", max_fraction=0.4),
        LongOnly(exclude=("SWAP",), roles=("physical",)),
        MaxTurnover(max=0.2, roles=("physical",)),
        Leverage(),
        Redington(match_pv=False),
        DurationMatch(),
        CashflowMatching(reinvestment_rate=0.02),
    ]
    assert built[1][1].name == "hedge_ratio[inflation,20y]"
    assert built[4][1].name == "bounds[A,B]"


def test_no_constraint_entries_give_no_terms():
    assert constraint_terms(None) == []
    assert constraint_terms([]) == []


def option_error(call):
    with pytest.raises(SpecError) as error:
        call()
    return str(error.value), error.value.path


@pytest.mark.parametrize(
    ("entries", "path", "message"),
    [
        (
            ["budget", "long_only", {"hedge_ratio": {"min": -1}}],
            "constraints[2].hedge_ratio.min",
            "constraints[2].hedge_ratio.min: got -1.0; expected a hedge ratio (1 for fully hedged) "
            "in [0, 3], such as 0.9 for 90%",
        ),
        (
            [{"hedge_ratio": {"min": 1.2, "max": 1.0}}],
            "constraints[0].hedge_ratio.max",
            "constraints[0].hedge_ratio.max: got 1.0; expected a number >= min (1.2)",
        ),
        (
            ["budget", {"key_rate_tolerance": {"max": 1.0e5, "fraction": 0.1}}],
            "constraints[1].key_rate_tolerance.max",
            "constraints[1].key_rate_tolerance.max: got 100000.0; expected either max (money "
            "per bp) or fraction, not both",
        ),
        (
            [{"bounds": {"max": 1.0}}],
            "constraints[0].bounds.instrument",
            "constraints[0].bounds.instrument: got None; expected exactly one of instrument, "
            "instruments or group",
        ),
        (
            [{"budget": {"soft": -5}}],
            "constraints[0].budget.soft",
            "constraints[0].budget.soft: got -5; expected a finite number >= 0",
        ),
        (
            [{"hedge_ratio": {"minimum": 0.9}}],
            "constraints[0].hedge_ratio.minimum",
            "constraints[0].hedge_ratio.minimum: unknown option; expected only "
            "['name', 'soft', 'risk', 'min', 'max', 'bucket', 'basis', 'index']",
        ),
        (
            [{"leverage": {"max": 2, "weight": 1}}],
            "constraints[0].leverage.weight",
            "constraints[0].leverage.weight: unknown option; expected only ['name', 'soft', 'max']",
        ),
        (
            ["budget", "hedge"],
            "constraints[1]",
            f"constraints[1]: unknown constraint 'hedge'; expected one of {CONSTRAINT_KEYS}",
        ),
        (
            ["tracking_error"],
            "constraints[0]",
            f"constraints[0]: unknown constraint 'tracking_error'; expected one of "
            f"{CONSTRAINT_KEYS}",
        ),
        (
            [{"budget": {}, "leverage": {}}],
            "constraints[0]",
            "constraints[0]: got {'budget': {}, 'leverage': {}}; expected a term name or a "
            "one-key mapping {name: {options}}",
        ),
        (
            [3],
            "constraints[0]",
            "constraints[0]: got 3; expected a term name or a one-key mapping {name: {options}}",
        ),
        (
            [{"leverage": 2.0}],
            "constraints[0].leverage",
            "constraints[0].leverage: got 2.0; expected a mapping of options",
        ),
    ],
)
def test_constraint_errors_name_the_path_the_value_and_the_expectation(entries, path, message):
    assert option_error(lambda: constraint_terms(entries)) == (message, path)


@pytest.mark.parametrize(
    ("section", "path", "message"),
    [
        (
            {"minimize": ["cost", "hedge_ratio"]},
            "objective.minimize[1]",
            f"objective.minimize[1]: unknown objective term 'hedge_ratio'; expected one of "
            f"{OBJECTIVE_KEYS}",
        ),
        (
            {"maximize": [{"cost": {"soft": 1.0}}]},
            "objective.maximize[0].cost.soft",
            "objective.maximize[0].cost.soft: unknown option; expected only ['name', 'weight']",
        ),
        (
            {"minimize": [{"transaction_costs": {"impact_power": 3}}]},
            "objective.minimize[0].transaction_costs.impact_power",
            "objective.minimize[0].transaction_costs.impact_power: got 3; expected 1.5 or 2",
        ),
        (
            {"minimize": [{"key_rate_mismatch": {"risks": ["rates", "credit"]}}]},
            "objective.minimize[0].key_rate_mismatch.risks",
            "objective.minimize[0].key_rate_mismatch.risks: got ['rates', 'credit']; expected "
            "a non-empty list of ['rates', 'inflation']",
        ),
    ],
)
def test_objective_errors_name_the_path_the_value_and_the_expectation(section, path, message):
    assert option_error(lambda: objective_items(section)) == (message, path)


@pytest.mark.parametrize("weight", [0, -1.0, math.inf, "heavy", True])
def test_objective_weights_must_be_positive_numbers(weight):
    section = {"minimize": ["cost", {"turnover": {"weight": weight}}]}
    message, _ = option_error(lambda: objective_items(section))
    shown = ".inf" if weight == math.inf else repr(weight)  # as YAML writes it
    assert message == (
        f"objective.minimize[1].turnover.weight: got {shown}; expected a finite number > 0"
    )


@pytest.mark.parametrize("weight", [1e15, 1e20, 1.0000001e6, 9.9e-7])
def test_objective_weights_must_lie_within_the_documented_range(weight):
    section = {"minimize": ["cost", {"turnover": {"weight": weight}}]}
    message, path = option_error(lambda: objective_items(section))
    assert path == "objective.minimize[1].turnover.weight"
    assert message == (
        f"objective.minimize[1].turnover.weight: got {weight!r}; expected a weight between "
        "1e-06 and 1e+06 (a ratio of money-equivalent units; rescale the other weights instead)"
    )


@pytest.mark.parametrize("weight", [1e-6, 1e6])
def test_the_ends_of_the_weight_range_are_accepted(weight):
    ((_, item),) = objective_items({"minimize": [{"cost": {"weight": weight}}]})
    assert item.weight == weight


def test_a_weight_error_path_is_the_key_its_message_names():
    _, path = option_error(lambda: objective_items({"minimize": [{"cost": {"weight": 0}}]}))
    assert path == "objective.minimize[0].cost.weight"


@pytest.mark.parametrize(
    ("entry", "key", "value", "need"),
    [
        ({"key_rate_mismatch": {"weights": {10: "abc"}}}, "weights", {10: "abc"}, "numbers"),
        ({"key_rate_mismatch": {"weights": [1, 2]}}, "weights", [1, 2], "numbers"),
        ({"transaction_costs": {"cost_bp": {"bond": "x"}}}, "cost_bp", {"bond": "x"}, "names"),
        ({"transaction_costs": {"cost_bp": {3: 1.0}}}, "cost_bp", {3: 1.0}, "names"),
    ],
)
def test_mapping_options_of_the_wrong_form_name_the_option(entry, key, value, need):
    kind = next(iter(entry))
    path = f"objective.minimize[0].{kind}.{key}"
    expected = {"numbers": "numbers to numbers", "names": "names to numbers"}[need]
    assert option_error(lambda: objective_items({"minimize": [entry]})) == (
        f"{path}: got {value!r}; expected a mapping of {expected}",
        path,
    )


@pytest.mark.parametrize(
    ("entry", "key", "value", "need"),
    [
        ({"hedge_ratio": {"min": 0.9, "bucket": ["ten"]}}, "bucket", ["ten"], "a list of numbers"),
        ({"redington": {"match_pv": "x"}}, "match_pv", "x", "true or false"),
        ({"redington": {"match_pv": 1}}, "match_pv", 1, "true or false"),
    ],
)
def test_list_and_flag_options_of_the_wrong_form_name_the_option(entry, key, value, need):
    path = f"constraints[0].{next(iter(entry))}.{key}"
    assert option_error(lambda: constraint_terms([entry])) == (
        f"{path}: got {value!r}; expected {need}",
        path,
    )


def test_numeric_text_inside_mappings_and_lists_is_read_as_numbers():
    ((_, item),) = objective_items(
        {"minimize": [{"key_rate_mismatch": {"weights": {"1.0e1": "2"}}}]}
    )
    assert item.term.weights == {10.0: 2.0}
    ((_, term),) = constraint_terms([{"hedge_ratio": {"min": 0.9, "bucket": ["1.0e1", 30]}}])
    assert term.bucket == (10.0, 30)


def test_a_term_cannot_make_tunable_what_is_not_an_option():
    with pytest.raises(TypeError, match=r"^mistyped: tunable \['mx'\] are not options of the term"):

        class Mistyped(ConstraintTerm):
            kind: ClassVar[str] = "mistyped"
            tunable: ClassVar[frozenset[str]] = frozenset({"mx"})
            max: float = 0.0

    assert "mistyped" not in CONSTRAINT_TERMS
