"""Every Python example in the README and docs runs as written."""

import re
import typing

import numpy as np
import pandas as pd
import pytest
import yaml
from pydantic import BaseModel

from ldi.balance_sheet import balance_sheet
from ldi.errors import SpecError
from ldi.io.load import load_problem, parse_spec
from ldi.io.members import membership_files, projected
from ldi.io.schema import ProblemSpec
from ldi.optimize.terms.registry import CONSTRAINT_TERMS, OBJECTIVE_TERMS
from tests.documented import blocks
from tests.io.test_liquidity import curve_history
from tests.reference import ROOT, raw_problem, reference_from_raw

DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)
EXAMPLES = [
    pytest.param(code, id=f"{doc.name}#{i}")
    for doc in DOCUMENTS
    for i, code in enumerate(BLOCK.findall(doc.read_text()))
]


@pytest.mark.parametrize("code", EXAMPLES)
def test_example_runs(code, monkeypatch):
    monkeypatch.chdir(ROOT)
    exec(compile(code, "<example>", "exec"), {})


YAML_BLOCK = re.compile(r"```yaml\n(ldi: .*?)```", re.DOTALL)
PROBLEM_EXAMPLES = [
    pytest.param(text, id=f"{doc.name}#{i}")
    for doc in DOCUMENTS
    for i, text in enumerate(YAML_BLOCK.findall(doc.read_text()))
]


@pytest.mark.parametrize("text", PROBLEM_EXAMPLES)
def test_problem_file_examples_match_the_schema(text):
    spec = parse_spec(yaml.safe_load(text))
    assert spec.ldi == 1


def _models(annotation):
    """The pydantic models inside a field's type (through unions, lists and Annotated)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for argument in typing.get_args(annotation):
        yield from _models(argument)


def _schema_keys(model, seen=None):
    """(model, key) of every key of the problem-file schema below ``model``."""
    seen = set() if seen is None else seen
    if model in seen:
        return
    seen.add(model)
    for name, field in model.model_fields.items():
        yield model.__name__, field.alias or name
        for inner in _models(field.annotation):
            yield from _schema_keys(inner, seen)


def test_the_problem_file_reference_names_every_key_of_the_schema():
    reference = (ROOT / "docs" / "problem-files.md").read_text()
    keys = list(_schema_keys(ProblemSpec))
    assert len(keys) > 100  # the walk reaches every section
    missing = sorted({f"{model}.{key}" for model, key in keys if f"`{key}`" not in reference})
    assert not missing, f"docs/problem-files.md does not document {missing}"


@pytest.mark.parametrize(
    "term", [*OBJECTIVE_TERMS.values(), *CONSTRAINT_TERMS.values()], ids=lambda t: t.__name__
)
def test_the_optimization_reference_names_every_option_of_every_term(term):
    reference = (ROOT / "docs" / "optimization.md").read_text()
    kinds = [c.kind for c in term.__mro__ if "kind" in vars(c)]  # a term, then what it extends
    texts = [
        text
        for kind in kinds
        for text in re.findall(
            rf"^### `{kind}`[^\n]*\n(.*?)(?=^##)", reference, re.DOTALL | re.MULTILINE
        )
    ]
    assert texts, f"docs/optimization.md has no section for {term.kind}"
    for option in set(term.options()) - {"name", "soft"}:  # common to all, documented once
        documented = any(f"`{option}`" in text for text in texts)
        assert documented, f"{term.kind}.{option} is not documented"


SENSES = ("minimize", "maximize")
FRAGMENT_BLOCK = re.compile(r"```yaml\n(?!ldi: )(.*?)```", re.DOTALL)


def _parts(text):
    """A list fragment is a menu of terms, each an example of its own; a mapping, sections."""
    fragment = yaml.safe_load(text)
    return [[term] for term in fragment] if isinstance(fragment, list) else [fragment]


FRAGMENTS = [
    pytest.param(part, id=f"{doc.name}#{i}.{j}")
    for doc in DOCUMENTS
    for i, text in enumerate(FRAGMENT_BLOCK.findall(doc.read_text()))
    for j, part in enumerate(_parts(text))
]


def _placements(fragment):
    """The default problem with the fragment where it can go: its sections, or its terms."""
    if isinstance(fragment, dict):
        raw = raw_problem()
        (raw["liabilities"] if set(fragment) == {"cashflows"} else raw).update(fragment)
        yield raw
        yield {**raw, "liabilities": MEMBER_LIABILITIES}  # a longevity stress needs members
        return
    yield {**raw_problem(), "constraints": fragment}
    for sense in SENSES:
        yield {**raw_problem(), "objective": {sense: fragment}}


@pytest.mark.parametrize("fragment", FRAGMENTS)
def test_problem_file_fragments_load_into_the_default_problem(fragment, tmp_path, monkeypatch):
    """A fragment of a problem file is valid where it goes: in the default scheme, it loads.

    Relative paths are the docs' examples of files a scheme keeps: a curve history is made.
    """
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    curve_history(tmp_path / "data" / "gilt_curve_history.csv")
    member_files(tmp_path / "data")
    if isinstance(fragment, dict) and "mortality" in fragment:  # a basis file: it projects
        (tmp_path / "basis.yaml").write_text(yaml.safe_dump(fragment))
        scheme = membership_files(tmp_path / "data" / "members.csv", tmp_path / "basis.yaml")
        assert len(projected(scheme, "basis.yaml"))
        return
    errors = []
    for raw in _placements(fragment):
        try:
            load_problem(raw)
            return
        except SpecError as error:
            errors.append(str(error))
    pytest.fail("\n".join(errors))


MEMBER_LIABILITIES = {  # the default scheme's liabilities from member_files' membership
    **{key: value for key, value in raw_problem()["liabilities"].items() if key != "cashflows"},
    "tranches": {"pre_1997": {}, "rpi_lpi_5": {"floor": 0.0, "cap": 0.05}},
    "members": {
        "file": "data/members.csv",
        "basis": {
            "mortality": {
                "male": {"law": "sult", "base_year": 2012},
                "female": {"table": "data/female_q.csv", "base_year": 2012},
            },
            "fixed": ["pre_1997"],
        },
    },
}


def member_files(folder):
    """The membership and female table the docs' ``members`` example names."""
    members = {
        "status": ["pensioner", "deferred"],
        "sex": ["M", "F"],
        "age": [70, 50],
        "retirement_age": [None, 65],
        "spouse_proportion": [0.5, 0.5],
        "pension:pre_1997": [4_000.0, 1_000.0],
        "pension:rpi_lpi_5": [8_000.0, 3_000.0],
    }
    pd.DataFrame(members).to_csv(folder / "members.csv", index=False)
    ages = np.arange(18, 121)
    rates = np.minimum(0.0002 * 1.1 ** (ages - 20), 1.0)
    pd.DataFrame({"age": ages, "q": rates}).to_csv(folder / "female_q.csv", index=False)


FENCE = re.compile(r"^```(\w*)$", re.MULTILINE)
# Each kind is run or compared above or in tests/ (py: the worked example of a new term in
# docs/architecture.md, which tests/test_architecture.py defines, registers and takes out).
KINDS = {"python", "py", "yaml", "sh", "text", "json"}
SHOWN = re.compile(r'shown\(\s*"([^"]+)",\s*(\'[^\']+\'|"[^"]+")(?:,\s*kind="(\w+)")?\)')


@pytest.mark.parametrize("doc", DOCUMENTS, ids=lambda doc: doc.name)
def test_every_block_says_what_it_is(doc):
    opening = FENCE.findall(doc.read_text())[::2]
    assert set(opening) <= KINDS, f"{doc.name}: blocks of {set(opening) - KINDS}"


@pytest.mark.parametrize("kind", ["text", "json"])
def test_every_output_block_is_compared_with_the_command(kind):
    """Each ```text and ```json block is claimed by a ``shown(...)`` call in a test."""
    claims = [
        (document, marker[1:-1], claimed or "text")
        for path in (ROOT / "tests").rglob("*.py")
        for document, marker, claimed in SHOWN.findall(path.read_text())
    ]
    for doc in DOCUMENTS:
        document = doc.relative_to(ROOT).as_posix()
        for block in blocks(document, kind):
            checked = [m for d, m, k in claims if (d, k) == (document, kind) and m in block]
            assert checked, f"no test compares this block of {document}:\n{block[:200]}"


def test_the_optimization_page_quotes_what_the_default_schemes_limits_cost():
    """The figures of the shadow-price and soft-limit passages, from solves of the scheme."""
    import copy

    page = " ".join((ROOT / "docs" / "optimization.md").read_text().split())
    problem = load_problem(raw_problem())
    result = problem.solve()
    floor = result.constraints.loc["hedge_ratio[inflation].min", "shadow_price"]
    budget = result.constraints.loc["budget", "shadow_price"]
    again = problem.resolve(limits={"hedge_ratio[inflation]": {"min": 0.81}})
    assert f"shadow price of about {floor / 1e6:.1f}m" in page
    assert f"about £{floor / 1e5:.0f}k-equivalent" in page
    assert (
        f"re-solve at 0.81 costs £{(again.objective_value - result.objective_value) / 1e3:.0f}k"
        in page
    )
    assert f"the budget's −{-budget:.3f}" in page
    problem = load_problem(raw_problem())  # the README's example starts afresh
    tighter = problem.resolve(limits={"leverage": {"max": 0.7}})
    assert tighter.ok
    readme = (ROOT / "README.md").read_text()
    cost = (tighter.objective_value - result.objective_value) / 1e6
    assert f"what the tighter limit costs: £{cost:.2f}m" in readme

    raw = raw_problem()
    raw["constraints"][2] = {"hedge_ratio": {"risk": "inflation", "min": 0.90, "soft": 0.02}}
    soft = load_problem(raw).solve()
    penalty = soft.objective.loc["hedge_ratio[inflation].min", "contribution"]
    assert f"inflation hedge of {soft.hedge_ratios['inflation']:.1%}" in page
    assert f"pay £{penalty / 1e6:.1f}m-equivalent of penalty" in page
    raw = copy.deepcopy(raw)
    raw["constraints"][2]["hedge_ratio"]["soft"] = 0.03
    assert load_problem(raw).solve().hedge_ratios["inflation"] == pytest.approx(0.90, abs=1e-5)


LPI_VOLATILITIES = {
    "full indexation (no floors or caps)": "full",
    "none (forwards clipped: CPI above 2.5% after 2030)": {"model": "lognormal", "yearly": 0.0},
    "lognormal 1.2% a year": {"model": "lognormal", "yearly": 0.012},
    "lognormal 1.5% a year (the default)": None,
    "normal caplet volatilities 1.4% (1y) to 0.9% (30y) (the default problem's)": "as given",
    "lognormal caplet volatility 1% at every expiry": {
        "model": "lognormal",
        "expiries": [1],
        "volatilities": [0.01],
    },
    "lognormal caplet volatility 2% at every expiry": {
        "model": "lognormal",
        "expiries": [1],
        "volatilities": [0.02],
    },
}


@pytest.mark.parametrize(("label", "volatility"), LPI_VOLATILITIES.items())
def test_the_lpi_volatility_table_is_what_the_default_scheme_gives(label, volatility):
    """Each row of the conventions page's table, from ldi and from the independent valuation.

    Reference: ``tests.reference`` (its own LPI collar formulas and volatility term structure)
    to 1e-9 relative; the page shows ldi's figures rounded as printed.
    """
    raw = raw_problem()
    if volatility == "full":
        for tranche in raw["liabilities"]["tranches"].values():
            tranche.pop("floor", None)
            tranche.pop("cap", None)
    elif volatility != "as given":
        raw["market"].pop("inflation_volatility")
        if volatility is not None:
            raw["market"]["inflation_volatility"] = {"rpi": volatility}
    sheet = balance_sheet(load_problem(raw))
    ie01, hedge = sheet.liability_totals["ie01"], sheet.hedge_ratios["inflation"]
    reference = reference_from_raw(raw, ROOT / "problems")
    assert ie01 == pytest.approx(reference.liabilities.loc["total", "ie01"], rel=1e-9)
    assert hedge == pytest.approx(reference.funding()["inflation_hedge_ratio"], rel=1e-9)
    page = (ROOT / "docs" / "conventions.md").read_text()
    assert f"| {label} | {ie01:,.0f} | {hedge:.1%} |" in page
