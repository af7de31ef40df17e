"""Problem files: YAML (safe loader only) -> validated ProblemSpec -> Problem.

Here are the entry points: a file is read safely (``ldi.io.reading``), validated against the
schema (``ldi.io.schema``, errors at the key's path by ``ldi.io.errors``), then built
(``ldi.io.build``).
"""

from collections.abc import Mapping
from os import PathLike
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ldi.errors import SpecError
from ldi.io.build import build_problem
from ldi.io.errors import spec_error
from ldi.io.plain import plain
from ldi.io.reading import read_yaml
from ldi.io.schema import SCHEMA_VERSION, ProblemSpec
from ldi.optimize.problem import OptimizationProblem

E_VERSION = (
    "ldi: {got}; expected the schema version {version} (start the file with 'ldi: {version}')"
)


def load_problem(source: str | PathLike[str] | Mapping[str, Any]) -> OptimizationProblem:
    """Load a problem from a YAML file or from a dict of the same shape.

    In a dict, a DataFrame may stand for a list of records, a Series for a mapping, and
    instrument and term objects for their entries (``ldi.io.plain``). Relative CSV paths
    resolve against the YAML file's folder (the working folder for a dict), and every file
    the problem names must lie inside that folder, or inside the data root named by the
    environment variable ``LDI_DATA_ROOT`` (``ldi.storage.files``).
    """
    if isinstance(source, Mapping):
        return build_problem(parse_spec(source), Path.cwd())
    path = Path(source)
    return build_problem(parse_spec(read_yaml(path)), path.parent)


def parse_spec(raw: Mapping[str, Any]) -> ProblemSpec:
    """Validate a raw mapping (its Python objects made plain): the version, then every key."""
    raw = plain(raw)
    version = raw.get("ldi")
    if type(version) is not int or version != SCHEMA_VERSION:  # not true, 1.0 or "1"
        got = f"got {version!r}" if "ldi" in raw else "missing"
        raise SpecError(E_VERSION.format(got=got, version=SCHEMA_VERSION), path="ldi")
    try:
        return ProblemSpec.model_validate(dict(raw))
    except ValidationError as error:
        raise spec_error(error) from None
