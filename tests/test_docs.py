"""Every Python example in the README and docs runs as written."""

import re

import pytest
import yaml

from ldi.io.load import parse_spec
from tests.reference import ROOT

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
