"""Problem files: YAML (safe loader only) -> validated ProblemSpec -> Problem.

Every error is a SpecError whose message starts with the path of the offending key
(``curves.gilts.rates[3]``), then the value and what is expected.

A problem file is read with PyYAML's safe loader (libyaml's C parser when PyYAML has it),
parsed once, and checked before any Python object is built: at most ``MAX_PROBLEM_BYTES``
of UTF-8, no key twice in one mapping, no alias inside its own anchor, at most
``MAX_DEPTH`` levels of lists and mappings and ``MAX_NODES`` nodes, each alias counted as
all it stands for (a 1 KB "alias bomb" stands for billions). A value YAML 1.1 would read as a
timestamp stays text: the schema checks ``valuation_date`` (YYYY-MM-DD), and elsewhere it is
text. The files a problem names are read only from its folder (``ldi.storage.files.confined``).
"""

import gc
import io
import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from os import PathLike
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd
import yaml
from pydantic import ValidationError

from ldi.cashflows.cashflows import E_READ as E_READ_CSV
from ldi.cashflows.cashflows import Cashflows, without_past_flows
from ldi.cashflows.indexation import Indexation
from ldi.curves.inflation import BreakevenCurve
from ldi.curves.market import E_CURVE, Market
from ldi.curves.spread import DEFAULT_KEYS
from ldi.curves.zero import ZeroCurve
from ldi.errors import DataError, SpecError
from ldi.instruments import KINDS, Instrument
from ldi.instruments.conventions import defaults, haircut
from ldi.io.errors import relocated as _relocated
from ldi.io.liquidity import build_collateral, build_scenarios, build_simulation
from ldi.io.schema import (
    NOMINAL_KINDS,
    SCHEMA_VERSION,
    TAG_PREFIX,
    BreakevenCurveSpec,
    CurveSpec,
    LiabilitiesSpec,
    ParSwapCurveSpec,
    PastFlows,
    ProblemSpec,
    RepoSpec,
    UnknownKeysError,
)
from ldi.liabilities import Liabilities
from ldi.optimize.data import check_group_name
from ldi.optimize.decision import Decision
from ldi.optimize.model import SolverOptions
from ldi.optimize.problem import OptimizationProblem
from ldi.optimize.solvers import check_solver
from ldi.optimize.terms.allocation import LongOnly
from ldi.optimize.terms.funding import RepoCollateral
from ldi.optimize.terms.registry import constraint_terms, objective_items
from ldi.risk.factors import RiskModel
from ldi.scenarios.pnl import OutcomeSettings
from ldi.storage.files import MAX_DATA_BYTES, UnreadableFile, confined, read_text
from ldi.units import BP
from ldi.validation import tenor_vector

# libyaml's parser and composer in C when PyYAML has them: the same nodes, many times faster.
YAML_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
TIMESTAMP = "tag:yaml.org,2002:timestamp"
MAX_PROBLEM_BYTES = 4 * 2**20  # 4 MiB: bulk data belongs in the CSV files a problem names
MAX_NODES = 500_000  # scalars, lists and mappings, each alias counted as what it stands for
MAX_DEPTH = 64  # levels of lists and mappings
E_READ = "{file}: cannot read the problem file ({reason})"
E_YAML = "{file}: not valid YAML ({reason})"
E_NODES = (
    "{file}: more than {limit:,} values, keys, lists and mappings (each alias counted as all "
    "it stands for); expected at most {limit:,}"
)
E_DEPTH = (
    "{file}: lists and mappings nested more than {limit} deep; expected at most {limit} "
    "levels of lists and mappings"
)
E_RECURSIVE = (
    "{file}: the anchor on line {line} holds an alias to itself; expected no recursive aliases"
)
E_REPEATED_KEY = (
    "{file}: key {key!r} appears twice in one mapping (line {line}); expected each key once"
)
E_TOP = "{file}: got {kind}; expected a mapping of keys at the top of the file"
E_VERSION = (
    "ldi: {got}; expected the schema version {version} (start the file with 'ldi: {version}')"
)
E_DUPLICATE_ID = "{path}.id: got {value!r}, already the id of {first}; expected a unique id"
E_COLLATERAL = (
    "{path}.collateral: got {value!r}; expected the id of a bond in instruments, one of {ids}"
)
E_REPO_TERM = (
    "{path}.term: got {term:g}; expected a term no longer than the maturity of its collateral "
    "{bond} ({maturity:g} years)"
)
E_HOLDING = "holdings.{id}: unknown instrument id {id!r}; expected one of {ids}"
E_STATUS = "{where}: got {value}; expected a member status such as 'pensioner' on every row"
RESERVED_STATUS = ("fixed", "inflation_linked", "total")  # the other rows of liability risk
E_STATUS_RESERVED = (
    "{where}: status {names} is the name of a liability risk row; expected a member status "
    "such as 'pensioner' or 'deferred'"
)
E_NO_ROWS = "{where}: got no rows; expected at least one payment"
E_TERM_NAME = "{path}: name {name!r} is already used by {first}; expected a unique name"
DEFAULT_TERM = "the {name} constraint added by default (list {name} to set it)"
E_GROUP = "{path}: got {value!r}; expected an instrument id, one of {ids}"
# What pydantic error types expect, in the words of the problem file (else pydantic's own).
EXPECTED = {
    "missing": "missing; expected this required key",
    "model_type": "expected a mapping of keys",
    "model_attributes_type": "expected a mapping of keys",
    "dict_type": "expected a mapping of keys",
    "list_type": "expected a list",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "finite_number": "expected a finite number",
    "string_type": "expected a string",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "greater_than": "expected a number > {gt:g}",
    "greater_than_equal": "expected a number >= {ge:g}",
    "less_than": "expected a number < {lt:g}",
    "less_than_equal": "expected a number <= {le:g}",
    "too_long": "expected at most {max_length} item(s)",
    "too_short": "expected at least {min_length} item(s)",
    "string_too_short": "expected a non-empty string",
    "string_pattern_mismatch": "expected a 3-letter currency code such as GBP",
    "date_type": "expected a date such as 2025-12-31",
    "date_parsing": "expected a date such as 2025-12-31",
    "date_from_datetime_parsing": "expected a date such as 2025-12-31",
}
KIND_ERRORS = ("curve_kind", "instrument_kind")
BOND_KINDS = ("bond", "zero_coupon_bond", "index_linked_bond")
E_NEEDS_INFLATION = (
    "liabilities.inflation_curve: missing, but the cash flows have inflation-linked amounts; "
    "expected the name of a breakeven curve, one of {names}"
)


def load_problem(source: str | PathLike[str] | Mapping[str, Any]) -> OptimizationProblem:
    """Load a problem from a YAML file or from a dict of the same shape.

    Relative CSV paths resolve against the YAML file's folder (the working folder for a dict),
    and every file the problem names must lie inside that folder, or inside the data root
    named by the environment variable ``LDI_DATA_ROOT`` (``ldi.storage.files``).
    """
    if isinstance(source, Mapping):
        return build_problem(parse_spec(source), Path.cwd())
    path = Path(source)
    return build_problem(parse_spec(read_yaml(path)), path.parent)


def read_yaml(path: Path) -> dict[str, Any]:
    """The top-level mapping of a YAML file, read safely (see the module docstring)."""
    try:
        text = read_text(path, MAX_PROBLEM_BYTES)
    except UnreadableFile as error:
        raise SpecError(E_READ.format(file=path, reason=error.reason)) from None
    raw = _parsed(text, path)
    if not isinstance(raw, dict):
        kind = "an empty file" if raw is None else f"a {type(raw).__name__}"
        raise SpecError(E_TOP.format(file=path, kind=kind))
    return raw


def _parsed(text: str, path: Path) -> Any:
    """The one document of ``text``, or a SpecError naming the file and a line."""
    try:
        with _cyclic_gc_paused():
            return _document(text, path)
    except yaml.YAMLError as error:
        if "nesting depth" in str(getattr(error, "problem", "")):  # libyaml's own depth limit
            raise SpecError(E_DEPTH.format(file=path, limit=MAX_DEPTH)) from None
        raise SpecError(E_YAML.format(file=path, reason=_yaml_reason(error, text))) from None
    except RecursionError:  # PyYAML's pure-Python composer recurses once per level
        raise SpecError(E_DEPTH.format(file=path, limit=MAX_DEPTH)) from None


def _document(text: str, path: Path) -> Any:
    """The document of ``text``: composed once, checked, then built from the same nodes."""
    loader = YAML_LOADER(text)
    # YAML 1.1 builds 2025-02-30 as a date while loading, and fails with a bare ValueError:
    # dates stay text, checked where a date is expected (schema), text everywhere else.
    loader.yaml_constructors = {**loader.yaml_constructors, TIMESTAMP: _text}
    try:
        node = loader.get_single_node()
        if node is None:  # no document: empty, or comments only
            return None
        _check_tree(node, path)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _text(loader: Any, node: yaml.ScalarNode) -> str:
    """A scalar as the text written, whatever its tag resolved to."""
    return str(node.value)


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a document is parsed.

    A parse allocates a graph of nodes that lives until it ends; the collector would walk
    it again and again as it grows (six times the parse's own time on a 2 MB file).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _yaml_reason(error: yaml.YAMLError, text: str) -> str:
    """What a YAML error says and where, without the lines of the file it would quote."""
    if isinstance(error, yaml.reader.ReaderError):  # a character YAML does not allow
        line = text.count("\n", 0, error.position) + 1
        code = error.character if isinstance(error.character, int) else ord(error.character)
        return f"character #x{code:04x} at line {line}: {error.reason}"
    if not isinstance(error, yaml.MarkedYAMLError):
        return " ".join(str(error).split())
    mark = error.problem_mark or error.context_mark
    said = ", ".join(part for part in (error.context, error.problem) if part)
    return f"{said} at line {mark.line + 1}, column {mark.column + 1}" if mark else said


def _check_tree(root: yaml.Node, path: Path) -> None:
    """Refuse a composed tree that repeats a key, holds itself or exceeds the limits.

    Aliases make the tree a graph whose lists and mappings may be shared, so each is
    measured once, depth-first without recursion: its size (1 + its children's, a scalar
    counting 1) and depth (lists and mappings on the longest path down). ``yaml.safe_load``
    keeps the last of two ``UKT_2036:`` holdings without a word; the first key repeated in
    the file is reported.
    """
    measured: dict[int, tuple[int, int]] = {}  # id(list or mapping) -> (nodes, depth)
    opened: set[int] = set()  # the lists and mappings from the root down to the one measured
    repeats: list[yaml.Node] = []
    stack: list[tuple[yaml.Node, list[yaml.Node] | None]] = [(root, None)]
    while stack:
        node, done = stack.pop()
        if done is not None:  # its children are measured: measure it
            opened.discard(id(node))
            nodes, depth = 1, 0
            for child in done:
                size, levels = measured.get(id(child), (1, 0))  # a scalar: (1, 0)
                nodes, depth = nodes + size, max(depth, levels)
            if nodes > MAX_NODES:
                raise SpecError(E_NODES.format(file=path, limit=MAX_NODES))
            if depth + 1 > MAX_DEPTH:
                raise SpecError(E_DEPTH.format(file=path, limit=MAX_DEPTH))
            measured[id(node)] = (nodes, depth + 1)
            continue
        if id(node) in measured or isinstance(node, yaml.ScalarNode):
            continue
        if id(node) in opened:
            line = node.start_mark.line + 1
            raise SpecError(E_RECURSIVE.format(file=path, line=line))
        opened.add(id(node))
        children = _children(node)
        stack.append((node, children))
        for child in children:
            if not isinstance(child, yaml.ScalarNode) and id(child) not in measured:
                stack.append((child, None))
        if isinstance(node, yaml.MappingNode):
            repeats += _repeated_keys(node)
    if repeats:
        first = min(repeats, key=lambda key: key.start_mark.index)
        line = first.start_mark.line + 1
        raise SpecError(E_REPEATED_KEY.format(file=path, key=first.value, line=line))


def _children(node: yaml.Node) -> list[yaml.Node]:
    """A mapping's keys and values, a list's items."""
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return list(node.value)


def _repeated_keys(node: yaml.MappingNode) -> list[yaml.Node]:
    """The scalar keys of one mapping that repeat an earlier key of it."""
    seen: set[tuple[str, str]] = set()
    repeats = []
    for key, _ in node.value:
        if isinstance(key, yaml.ScalarNode):
            if (key.tag, key.value) in seen:
                repeats.append(key)
            seen.add((key.tag, key.value))
    return repeats


def parse_spec(raw: Mapping[str, Any]) -> ProblemSpec:
    """Validate a raw mapping: the schema version first, then every key."""
    version = raw.get("ldi")
    if type(version) is not int or version != SCHEMA_VERSION:  # not true, 1.0 or "1"
        got = f"got {version!r}" if "ldi" in raw else "missing"
        raise SpecError(E_VERSION.format(got=got, version=SCHEMA_VERSION), path="ldi")
    try:
        return ProblemSpec.model_validate(dict(raw))
    except ValidationError as error:
        raise _spec_error(error) from None


def build_problem(spec: ProblemSpec, base_dir: Path) -> OptimizationProblem:
    """Domain objects from a validated spec."""
    curves = {name: _build_curve(name, curve) for name, curve in spec.curves.items()}
    liabilities = _build_liabilities(spec, curves, base_dir)
    market = _build_market(spec, curves)
    instruments = _build_instruments(spec, market)
    return OptimizationProblem(
        name=spec.name,
        market=market,
        liabilities=liabilities,
        instruments=MappingProxyType(instruments),
        holdings=_build_holdings(spec, instruments),
        currency=spec.currency,
        valuation_date=spec.valuation_date,
        liability_basis=_liability_basis(spec.liabilities),
        collateral=build_collateral(spec.collateral, instruments),
        scenarios=build_scenarios(spec.stress, instruments),
        simulation=build_simulation(spec.simulation, base_dir, instruments),
        folder=base_dir,
        data_files=_data_files(spec, base_dir),
        decision=_build_decision(spec, instruments),
    )


def _liability_basis(section: LiabilitiesSpec) -> str:
    """The liabilities' valuation basis in words: curve, spread, inflation and indexation."""
    basis = section.discount_curve
    if section.spread:
        basis += f" {section.spread / BP:+g}bp"
    if section.inflation_curve:
        basis += f"; inflation {section.inflation_curve}"
        index = section.indexation
        if index.floor is not None or index.cap is not None:
            basis += (
                f", LPI({_bound(index.floor)}, {_bound(index.cap)}) vol {_bound(index.volatility)}"
            )
        if index.lag:
            basis += f", lag {index.lag:g}y"
    return basis


def _bound(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:g}%"


def _data_files(spec: ProblemSpec, base_dir: Path) -> tuple[Path, ...]:
    """The files the problem names: cash flows, a curve history, scenarios."""
    simulation = spec.simulation
    named = [spec.liabilities.cashflows, simulation.curve_history, simulation.scenario_file]
    return tuple(base_dir / name for name in named if isinstance(name, str))


def _build_decision(spec: ProblemSpec, instruments: Mapping[str, Instrument]) -> Decision:
    """Objective and constraint terms, solver options, factor model, groups and keys."""
    objective = objective_items(spec.objective.model_dump() if spec.objective else None)
    constraints = constraint_terms(spec.constraints)
    # Names label terms in reports and in re-solves, so each is unique across both lists; the
    # long_only term the model adds when the file has none takes its name too.
    terms = [(path, item.term) for path, item in objective] + constraints
    added = {
        default().name: DEFAULT_TERM.format(name=default().name)
        for default in (LongOnly, RepoCollateral)
        if not any(isinstance(term, default) for _, term in constraints)
    }
    paths: dict[str, str] = {}
    for path, term in terms:
        first = paths.get(term.name, added.get(term.name))
        if first is not None:
            raise SpecError(E_TERM_NAME.format(path=path, name=term.name, first=first), path=path)
        paths[term.name] = path
    try:
        risk_model = RiskModel(**spec.risk_model.model_dump())
    except DataError as error:
        raise _relocated(error, "risk_model", "risk_model") from None
    kinds = {type(instrument).kind for instrument in instruments.values()}
    for name, members in spec.groups.items():
        try:
            check_group_name(name, kinds)
        except DataError as error:
            raise _relocated(error, "groups", "groups") from None
        for i, member in enumerate(members):
            if member not in instruments:
                raise SpecError(
                    E_GROUP.format(
                        path=f"groups.{name}[{i}]", value=member, ids=sorted(instruments)
                    ),
                    path=f"groups.{name}[{i}]",
                )
    keys = DEFAULT_KEYS
    if spec.keys is not None:
        try:
            keys = tuple(float(k) for k in tenor_vector(spec.keys, "keys"))
        except DataError as error:
            raise _relocated(error, "keys", "keys") from None
    return Decision(
        objective=tuple(item for _, item in objective),
        constraints=tuple(term for _, term in constraints),
        solver=_solver_options(spec),
        risk_model=risk_model,
        groups=MappingProxyType({k: tuple(v) for k, v in spec.groups.items()}),
        keys=keys,
        paths=MappingProxyType(paths),
        outcomes=_outcome_settings(spec),
    )


def _outcome_settings(spec: ProblemSpec) -> OutcomeSettings | None:
    """The ``simulation`` section's outcome settings, when it asks for outcomes."""
    section = spec.simulation
    if not (section.outcomes or section.surplus_var is not None):
        return None
    return OutcomeSettings(section.scenarios, section.seed, section.confidence, section.surplus_var)


def _solver_options(spec: ProblemSpec) -> SolverOptions:
    section = spec.solver
    name = None if section.name is None else check_solver(section.name, "solver.name")
    fallback = None
    if section.fallback is not None:
        fallback = tuple(
            check_solver(s, f"solver.fallback[{i}]") for i, s in enumerate(section.fallback)
        )
    options = {check_solver(k, f"solver.options.{k}"): v for k, v in section.options.items()}
    return SolverOptions(name, fallback, MappingProxyType(options))


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
        # How the curve classes name themselves in messages, and the file's name for them.
        if isinstance(spec, ParSwapCurveSpec):
            error = DataError(str(error).replace("par_rates", "rates"))
        where = {"breakeven": "BreakevenCurve", "par_swap": "from_par_swaps"}.get(spec.kind)
        raise _relocated(error, where or "ZeroCurve", f"curves.{name}") from None


def _curve_names(spec: ProblemSpec) -> dict[str, list[str]]:
    """Curve names by the kind of curve a reference needs."""
    return {
        "nominal": sorted(n for n, c in spec.curves.items() if c.kind in NOMINAL_KINDS),
        "breakeven": sorted(n for n, c in spec.curves.items() if c.kind == "breakeven"),
    }


def _build_market(spec: ProblemSpec, curves: dict[str, ZeroCurve | BreakevenCurve]) -> Market:
    """Default curves for instruments: the market section's, else the liabilities'."""
    names = _curve_names(spec)
    nominal = spec.market.nominal_curve or spec.liabilities.discount_curve
    inflation = spec.market.inflation_curve or spec.liabilities.inflation_curve
    swap = spec.market.swap_curve
    _check_curve_name("market.nominal_curve", nominal, names["nominal"], "nominal")
    if swap is not None:
        _check_curve_name("market.swap_curve", swap, names["nominal"], "nominal")
    if inflation is not None:
        _check_curve_name("market.inflation_curve", inflation, names["breakeven"], "breakeven")
    return Market(curves=MappingProxyType(curves), nominal=nominal, inflation=inflation, swap=swap)


def _build_liabilities(
    spec: ProblemSpec, curves: dict[str, ZeroCurve | BreakevenCurve], base_dir: Path
) -> Liabilities:
    section: LiabilitiesSpec = spec.liabilities
    names = _curve_names(spec)
    _check_curve_name(
        "liabilities.discount_curve", section.discount_curve, names["nominal"], "nominal"
    )
    cashflows, by_status = _load_cashflows(section, spec, base_dir)
    breakeven = None
    if section.inflation_curve is not None:
        _check_curve_name(
            "liabilities.inflation_curve", section.inflation_curve, names["breakeven"], "breakeven"
        )
        breakeven = curves[section.inflation_curve]
    elif cashflows.has_inflation_linked:
        raise SpecError(
            E_NEEDS_INFLATION.format(names=names["breakeven"]), path="liabilities.inflation_curve"
        )
    discount = curves[section.discount_curve].shifted(section.spread / BP)
    return Liabilities(
        cashflows=cashflows,
        discount_curve=discount,
        inflation_curve=breakeven,
        by_status=MappingProxyType(by_status),
        credit_spread_beta=section.credit_spread_beta,
    )


def _build_instruments(spec: ProblemSpec, market: Market) -> dict[str, Instrument]:
    """Instruments by id, with convention defaults filled in and each priced once.

    Pricing also checks the curves each instrument names (``Market`` names the key).
    """
    paths = {
        item.id: f"instruments[{i}]" for i, item in reversed(list(enumerate(spec.instruments)))
    }
    bonds = {item.id: item for item in spec.instruments if item.kind in BOND_KINDS}
    instruments: dict[str, Instrument] = {}
    for i, item in enumerate(spec.instruments):
        path = f"instruments[{i}]"
        if item.id in instruments:
            raise SpecError(
                E_DUPLICATE_ID.format(path=path, value=item.id, first=paths[item.id]),
                path=f"{path}.id",
            )
        fields = item.model_dump(exclude={"kind"}, exclude_none=True)
        fields = {**defaults(item.kind, spec.currency), **fields}
        if isinstance(item, RepoSpec):
            fields["haircut"] = _repo_haircut(item, bonds, path)
            _check_repo_term(fields["term"], bonds[item.collateral], item.collateral, path)
        try:
            instrument = KINDS[item.kind](**fields)
            instrument.value(market)  # price now, so a bad quote fails validation
        except DataError as error:
            # Instruments name themselves by id (Instrument.where); the file names them by index.
            raise _relocated(error, f"instrument {item.id!r}", path) from None
        instruments[item.id] = instrument
    return instruments


def _check_repo_term(term: float, collateral: Any, bond: str, path: str) -> None:
    """A repo cannot outlive the bond it is secured on."""
    if term > collateral.maturity:
        message = E_REPO_TERM.format(path=path, term=term, bond=bond, maturity=collateral.maturity)
        raise SpecError(message, path=f"{path}.term")


def _repo_haircut(item: RepoSpec, bonds: Mapping[str, Any], path: str) -> float:
    """The repo's haircut, or the standard one for its collateral."""
    collateral = bonds.get(item.collateral)
    if collateral is None:
        raise SpecError(
            E_COLLATERAL.format(path=path, value=item.collateral, ids=sorted(bonds)),
            path=f"{path}.collateral",
        )
    if item.haircut is not None:
        return item.haircut
    return haircut(getattr(collateral, "credit", False), collateral.maturity)


def _build_holdings(spec: ProblemSpec, instruments: Mapping[str, Instrument]) -> pd.Series:
    """Positions by instrument id, in file order."""
    for key in spec.holdings:
        if key not in instruments:
            raise SpecError(
                E_HOLDING.format(id=key, ids=sorted(instruments)), path=f"holdings.{key}"
            )
    return pd.Series(spec.holdings, dtype=float, name="position").rename_axis("id")


def _check_curve_name(path: str, value: str, names: list[str], kind: str) -> None:
    if value not in names:
        raise SpecError(E_CURVE.format(where=path, value=value, kind=kind, names=names), path=path)


def _load_cashflows(
    section: LiabilitiesSpec, spec: ProblemSpec, base_dir: Path
) -> tuple[Cashflows, dict[str, Cashflows]]:
    """The liability cash flows, and the same flows by member status when given."""
    path = "liabilities.cashflows"
    try:
        if isinstance(section.cashflows, str):
            where = Path(section.cashflows).name
            frame = _read_csv(confined(section.cashflows, base_dir, path), where)
            status_where, blank = f"{where}.status[{{i}}]", "a blank cell"
        else:
            where = path
            rows = [row.model_dump(exclude_none=True) for row in section.cashflows]
            frame = pd.DataFrame(rows).reindex(columns=_row_columns(rows))
            status_where, blank = f"{path}[{{i}}].status", "no status"
        if section.past_flows is PastFlows.DROP:
            frame = without_past_flows(frame, spec.valuation_date, where)
        if frame.empty:
            raise DataError(E_NO_ROWS.format(where=where))
        indexation = Indexation(**section.indexation.model_dump(), where="liabilities.indexation")
        status = frame.pop("status") if "status" in frame.columns else None

        def flows(part: pd.DataFrame) -> Cashflows:
            cf = Cashflows.from_frame(
                part, spec.valuation_date, where=where, allow_negative=section.allow_negative
            )
            return replace(cf, indexation=indexation)

        total = flows(frame)
        if status is None:
            return total, {}
        for i, value in enumerate(status):
            if not isinstance(value, str) or not value.strip():
                shown = repr(value) if not pd.isna(value) else blank
                raise DataError(E_STATUS.format(where=status_where.format(i=i), value=shown))
        # Grouped on the stripped names, so ' deferred' and 'deferred' are one status.
        groups = frame.groupby(status.str.strip(), sort=False)
        reserved = sorted(set(groups.groups) & set(RESERVED_STATUS))
        if reserved:
            raise DataError(E_STATUS_RESERVED.format(where=where, names=reserved))
        return total.aggregate(), {str(key): flows(part) for key, part in groups}
    except DataError as error:
        message = str(error)
        if message.startswith(path):  # inline rows name their own path
            raise SpecError(message, path=message.split(":", 1)[0]) from None
        raise SpecError(f"{path}: {message}", path=path) from None


def _row_columns(rows: list[dict[str, Any]]) -> list[str]:
    """Columns of inline rows, in schema order, status only when some row has one."""
    columns = ["time", "fixed", "inflation_linked"]
    return columns + (["status"] if any("status" in row for row in rows) else [])


def _read_csv(file: Path, where: str) -> pd.DataFrame:
    """The rows of a CSV file; errors give its name and a line, never the line's text."""
    try:
        text = read_text(file, MAX_DATA_BYTES)
        frame = pd.read_csv(io.StringIO(text))
        header = pd.read_csv(io.StringIO(text), header=None, nrows=1, dtype=str).iloc[0]
    except (UnreadableFile, ValueError) as error:  # ValueError: pandas' parser errors
        raise DataError(E_READ_CSV.format(where=where, reason=error)) from None
    # pandas renames a repeated column 'fixed' to 'fixed.1'; restore the names as written, so
    # the repeat is reported as such rather than as an unknown column.
    if len(header) != len(frame.columns):
        return frame
    names = [
        n if isinstance(n, str) else auto for n, auto in zip(header, frame.columns, strict=True)
    ]
    return frame.set_axis(names, axis=1)


def _spec_error(error: ValidationError) -> SpecError:
    """One SpecError listing every schema violation, each prefixed by its YAML path."""
    lines, paths = [], []
    for item in error.errors():
        path = _yaml_path(item["loc"])
        value = item["input"]
        cause = item.get("ctx", {}).get("error")
        if isinstance(cause, UnknownKeysError):  # one line per key, at the key's own path
            for key in cause.keys:
                key_path = f"{path}.{key}" if path else key
                lines.append(f"{key_path}: {cause.describe(key)}")
                paths.append(key_path)
            continue
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] in EXPECTED:
            message = EXPECTED[item["type"]].format(**item.get("ctx", {}))
        elif message.startswith("Input should be "):
            message = "expected " + message.removeprefix("Input should be ")
        if item["type"] in KIND_ERRORS and isinstance(value, dict):
            path = f"{path}.kind"
            kind = value.get("kind")
            message = f"{'missing' if kind is None else f'got {kind!r}'}; {message}"
        elif item["type"] in KIND_ERRORS:
            message = f"got {_shown(value)}; {EXPECTED['model_type']}"
        elif item["type"] != "missing" and not isinstance(value, dict):
            message = f"got {_shown(value)}; {message}"
        elif item["type"] in EXPECTED and item["type"] != "missing":
            message = f"got a mapping; {message}"
        lines.append(f"{path or '(top level)'}: {message}")
        paths.append(path)
    return SpecError("\n".join(lines), path=paths[0])


def _shown(value: Any) -> str:
    """A value as YAML spells it where Python's repr differs (``.nan``, ``.inf``)."""
    if isinstance(value, float) and math.isnan(value):
        return ".nan"
    if isinstance(value, float) and math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    return repr(value)


def _yaml_path(loc: tuple[int | str, ...]) -> str:
    """('curves', 'gilts', 'kind=zero', 'rates', 3) -> 'curves.gilts.rates[3]'."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not part.startswith(TAG_PREFIX) and part != "[key]":  # "[key]": a mapping's key
            path += f".{part}" if path else part
    return path
