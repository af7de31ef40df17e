"""``ldi schema``: the problem file's JSON Schema, as editors read problem files.

Reference: the three problems in problems/, read as YAML 1.2 reads them (as the editors'
YAML language server does: ``40.0e6`` is a number, a date is text), are valid under the
exported schema, checked by the ``jsonschema`` package; wrong files are not. Every
registered term is in the schema with its options, and each option's range is the one its
type declares.
"""

import json
import re
import typing
from dataclasses import fields

import jsonschema
import pytest
import yaml

from ldi.io.schema import problem_schema
from ldi.optimize.terms.options import Range
from ldi.optimize.terms.registry import CONSTRAINT_TERMS, OBJECTIVE_TERMS
from tests.cli.test_writing import run
from tests.reference import DEFAULT_PROBLEM, PROBLEMS

FAMILIES = {"objective": OBJECTIVE_TERMS, "constraint": CONSTRAINT_TERMS}
FLOAT_12 = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")


class Yaml12Loader(yaml.SafeLoader):
    """PyYAML's safe loader with YAML 1.2's numbers and without its timestamps."""


Yaml12Loader.yaml_implicit_resolvers = {
    key: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:float", FLOAT_12, list("-+0123456789."))


def read(path):
    """A problem file as YAML 1.2 reads it."""
    loader = Yaml12Loader(path.read_text())
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


@pytest.fixture(scope="module")
def validator():
    schema = problem_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_the_command_prints_the_schema_and_writes_it_as_json(tmp_path):
    code, out, _ = run(["schema"])
    assert code == 0
    assert json.loads(out) == problem_schema()
    path = tmp_path / "ldi-problem.schema.json"
    code, out, err = run(["schema", "--out", str(path)])
    assert (code, out, err) == (0, "", f"wrote {path}\n")
    assert json.loads(path.read_text()) == problem_schema()


@pytest.mark.parametrize("path", sorted(PROBLEMS.glob("*.yaml")), ids=lambda p: p.name)
def test_the_schema_accepts_each_problem_as_an_editor_reads_it(validator, path):
    document = read(path)
    assert isinstance(document["holdings"][next(iter(document["holdings"]))], float)
    assert [error.message for error in validator.iter_errors(document)] == []


def test_the_schema_accepts_every_form_of_entry_the_loader_reads(validator):
    constraints = ["budget", {"leverage": None}, {"long_only": {"roles": "physical"}}]
    constraints += [{"hedge_ratio": {"min": 0.9, "bucket": 30, "soft": 10, "name": "long"}}]
    objective = {"minimize": [{"turnover": {"weight": 2, "roles": ["physical"]}}, "cost"]}
    document = {**read(DEFAULT_PROBLEM), "constraints": constraints, "objective": objective}
    assert [error.message for error in validator.iter_errors(document)] == []


@pytest.mark.parametrize(
    ("edits", "where"),
    [
        pytest.param({"constraints": [{"hedge_ratio": {"min": 85}}]}, ["constraints", 0], id="hr"),
        pytest.param({"constraints": ["hedge"]}, ["constraints", 0], id="unknown-term"),
        pytest.param({"constraints": [{"leverage": {"mx": 2}}]}, ["constraints", 0], id="option"),
        pytest.param({"constraints": [{"leverage": 2}]}, ["constraints", 0], id="not-a-mapping"),
        pytest.param(
            {"objective": {"minimize": [{"cost": {"weight": 0}}]}},
            ["objective", "minimize", 0],
            id="weight",
        ),
        pytest.param({"solver": {"nam": "SCS"}}, ["solver"], id="section-key"),
    ],
)
def test_the_schema_refuses_what_the_loader_refuses(validator, edits, where):
    document = {**read(DEFAULT_PROBLEM), **edits}
    errors = list(validator.iter_errors(document))
    assert errors
    # Where each error is: under anyOf (an optional section), its deepest cause's path.
    deepest = [max((list(e.absolute_path) for e in [x, *x.context]), key=len) for x in errors]
    assert [path[: len(where)] for path in deepest] == [where] * len(errors)


def _definition(schema, reference):
    return schema["$defs"][reference["$ref"].removeprefix("#/$defs/")]


def _entries(schema, family):
    """{key: options schema} of the term entries the schema lists for ``family``."""
    section = schema["$defs"]["ObjectiveSpec"]["properties"]["minimize"]
    if family == "constraint":
        section = schema["properties"]["constraints"]
    keys, union = section["items"]["anyOf"]
    entries = {}
    for reference in union["oneOf"]:
        ((key, options),) = _definition(schema, reference)["properties"].items()
        (given, none) = options["anyOf"]
        assert none == {"type": "null"}  # {budget: } is {budget: {}}
        entries[key] = _definition(schema, given)
    assert keys["enum"] == sorted(entries)  # a key alone, as in `- budget`
    return entries


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_every_term_is_in_the_schema_with_its_options_and_ranges(family):
    schema = problem_schema()
    entries = _entries(schema, family)
    assert set(entries) == set(FAMILIES[family])
    for key, term in FAMILIES[family].items():
        options = entries[key]["properties"]
        extra = {"weight"} if family == "objective" else set()
        assert set(options) == set(term.options()) | extra, key
        assert entries[key]["additionalProperties"] is False
        hints = typing.get_type_hints(term, include_extras=True)
        for field in fields(term):
            ranges = [
                m for m in getattr(hints[field.name], "__metadata__", ()) if isinstance(m, Range)
            ]
            if not ranges:
                continue
            shown = options[field.name]
            shown = next(s for s in shown.get("anyOf", [shown]) if s.get("type") == "number")
            low, high = ranges[0].bounds
            assert shown.get("maximum") == high, (key, field.name)
            if ranges[0].above is None:
                assert shown.get("minimum") == low, (key, field.name)
            else:
                assert shown["exclusiveMinimum"] == ranges[0].above, (key, field.name)
