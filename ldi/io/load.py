"""Problem files: YAML (safe_load only) -> validated ProblemSpec -> Problem.

Every error is a SpecError whose message starts with the path of the offending key
(``curves.gilts.rates[3]``), then the value and what is expected.
"""

from collections.abc import Mapping
from os import PathLike
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml
from pydantic import ValidationError

from ldi.cashflows.cashflows import Cashflows
from ldi.curves.inflation import BreakevenCurve
from ldi.curves.zero import ZeroCurve
from ldi.errors import DataError, SpecError
from ldi.io.schema import (
    NOMINAL_KINDS,
    SCHEMA_VERSION,
    TAG_PREFIX,
    BreakevenCurveSpec,
    CurveSpec,
    LiabilitiesSpec,
    ParSwapCurveSpec,
    ProblemSpec,
)
from ldi.liabilities import Liabilities
from ldi.problem import Problem
from ldi.units import BP

E_READ = "{file}: cannot read the problem file ({reason})"
E_YAML = "{file}: not valid YAML ({reason})"
E_TOP = "{file}: expected a mapping of keys at the top of the file, got {kind}"
E_VERSION = (
    "ldi: got {value!r}; expected the schema version {version} "
    "(start the file with 'ldi: {version}')"
)
E_CURVE_NAME = "{path}: got {value!r}; expected the name of a {kind} curve, one of {names}"
E_NEEDS_INFLATION = (
    "liabilities.inflation_curve: missing, but the cash flows have inflation-linked amounts; "
    "expected the name of a breakeven curve, one of {names}"
)


def load_problem(source: str | PathLike[str] | Mapping[str, Any]) -> Problem:
    """Load a problem from a YAML file or from a dict of the same shape.

    Relative CSV paths resolve against the YAML file's folder (the working folder for a dict).
    """
    if isinstance(source, Mapping):
        return build_problem(parse_spec(source), Path.cwd())
    path = Path(source)
    return build_problem(parse_spec(read_yaml(path)), path.parent)


def read_yaml(path: Path) -> dict[str, Any]:
    """The top-level mapping of a YAML file, read with ``yaml.safe_load``."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SpecError(E_READ.format(file=path, reason=error.strerror or error)) from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        reason = str(error).replace("\n", " ")
        raise SpecError(E_YAML.format(file=path, reason=reason)) from None
    if not isinstance(raw, dict):
        raise SpecError(E_TOP.format(file=path, kind=type(raw).__name__))
    return raw


def parse_spec(raw: Mapping[str, Any]) -> ProblemSpec:
    """Validate a raw mapping: the schema version first, then every key."""
    if raw.get("ldi") != SCHEMA_VERSION:
        version = raw.get("ldi")
        raise SpecError(E_VERSION.format(value=version, version=SCHEMA_VERSION), path="ldi")
    try:
        return ProblemSpec.model_validate(dict(raw))
    except ValidationError as error:
        raise _spec_error(error) from None


def build_problem(spec: ProblemSpec, base_dir: Path) -> Problem:
    """Domain objects from a validated spec."""
    curves = {name: _build_curve(name, curve) for name, curve in spec.curves.items()}
    liabilities = _build_liabilities(spec, curves, base_dir)
    return Problem(spec=spec, curves=MappingProxyType(curves), liabilities=liabilities)


def _build_curve(name: str, spec: CurveSpec) -> ZeroCurve | BreakevenCurve:
    try:
        if isinstance(spec, BreakevenCurveSpec):
            return BreakevenCurve(spec.tenors, spec.rates)
        if isinstance(spec, ParSwapCurveSpec):
            return ZeroCurve.from_par_swaps(
                spec.tenors, spec.rates, spec.frequency, spec.compounding, spec.interpolation
            )
        return ZeroCurve(spec.tenors, spec.rates, spec.compounding, spec.interpolation)
    except DataError as error:
        raise SpecError(f"curves.{name}: {error}", path=f"curves.{name}") from None


def _build_liabilities(
    spec: ProblemSpec, curves: dict[str, ZeroCurve | BreakevenCurve], base_dir: Path
) -> Liabilities:
    section: LiabilitiesSpec = spec.liabilities
    nominal = sorted(n for n, c in spec.curves.items() if c.kind in NOMINAL_KINDS)
    inflation = sorted(n for n, c in spec.curves.items() if c.kind == "breakeven")
    _check_curve_name("liabilities.discount_curve", section.discount_curve, nominal, "nominal")
    cashflows = _load_cashflows(section, spec, base_dir)
    breakeven = None
    if section.inflation_curve is not None:
        _check_curve_name(
            "liabilities.inflation_curve", section.inflation_curve, inflation, "breakeven"
        )
        breakeven = curves[section.inflation_curve]
    elif cashflows.has_inflation_linked:
        raise SpecError(
            E_NEEDS_INFLATION.format(names=inflation), path="liabilities.inflation_curve"
        )
    discount = curves[section.discount_curve].shifted(section.spread / BP)
    return Liabilities(cashflows=cashflows, discount_curve=discount, inflation_curve=breakeven)


def _check_curve_name(path: str, value: str, names: list[str], kind: str) -> None:
    if value not in names:
        raise SpecError(
            E_CURVE_NAME.format(path=path, value=value, kind=kind, names=names), path=path
        )


def _load_cashflows(section: LiabilitiesSpec, spec: ProblemSpec, base_dir: Path) -> Cashflows:
    path = "liabilities.cashflows"
    try:
        if isinstance(section.cashflows, str):
            return Cashflows.from_csv(base_dir / section.cashflows, spec.valuation_date)
        rows = section.cashflows
        return Cashflows(
            [row.time for row in rows],
            [row.fixed for row in rows],
            [row.inflation_linked for row in rows],
        )
    except DataError as error:
        raise SpecError(f"{path}: {error}", path=path) from None


def _spec_error(error: ValidationError) -> SpecError:
    """One SpecError listing every schema violation, each prefixed by its YAML path."""
    lines, paths = [], []
    for item in error.errors():
        path = _yaml_path(item["loc"])
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "curve_kind":
            message = f"got kind {item['input'].get('kind')!r}; {message}"
        elif item["type"] != "missing" and not isinstance(item["input"], dict):
            message = f"got {item['input']!r}; {message}"
        lines.append(f"{path or '(top level)'}: {message}")
        paths.append(path)
    return SpecError("\n".join(lines), path=paths[0])


def _yaml_path(loc: tuple[int | str, ...]) -> str:
    """('curves', 'gilts', 'kind=zero', 'rates', 3) -> 'curves.gilts.rates[3]'."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not part.startswith(TAG_PREFIX):
            path += f".{part}" if path else part
    return path
