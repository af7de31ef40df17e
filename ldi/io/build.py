"""Domain objects from a validated ProblemSpec, each refusal at the path of its key.

Curves, market, liabilities and their cash flows, instruments, holdings and the decision
(terms, solver options, factor model, groups, keys). The files a problem names are read only
from its folder (``ldi.storage.files.confined``).
"""

import io
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd
from pydantic import ValidationError

from ldi.cashflows.cashflows import E_READ as E_READ_CSV
from ldi.cashflows.cashflows import Cashflows, without_past_flows
from ldi.cashflows.indexation import Indexation
from ldi.curves.base import RateCurve
from ldi.curves.inflation import BreakevenCurve
from ldi.curves.market import Market, lineage
from ldi.curves.spread import DEFAULT_KEYS, RateSpread
from ldi.curves.ufr import ConstantForwardCurve, SmithWilsonCurve
from ldi.curves.zero import ZeroCurve
from ldi.errors import DataError, SpecError
from ldi.instruments import KINDS, Instrument
from ldi.instruments.conventions import defaults, haircut
from ldi.io.errors import check_curve_name, spec_error
from ldi.io.errors import relocated as _relocated
from ldi.io.liquidity import build_collateral, build_scenarios, build_simulation
from ldi.io.schema import (
    NOMINAL_KINDS,
    BreakevenCurveSpec,
    ConstantForwardCurveSpec,
    CurveSpec,
    LiabilitiesSpec,
    ParSwapCurveSpec,
    PastFlows,
    ProblemSpec,
    RepoSpec,
    SmithWilsonCurveSpec,
    SpreadCurveSpec,
)
from ldi.liabilities import FUNDING, Liabilities
from ldi.optimize.data import check_group_name
from ldi.optimize.decision import Decision
from ldi.optimize.model import ObjectiveItem, SolverOptions, term_places
from ldi.optimize.problem import OptimizationProblem
from ldi.optimize.solvers import check_solver
from ldi.optimize.terms.base import ConstraintTerm
from ldi.optimize.terms.registry import entries
from ldi.risk.factors import RiskModel
from ldi.scenarios.pnl import OutcomeSettings
from ldi.storage.files import MAX_DATA_BYTES, UnreadableFile, confined, read_text
from ldi.units import BP, Compounding
from ldi.validation import tenor_vector

SENSES = ("minimize", "maximize")
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
E_GROUP = "{path}: got {value!r}; expected an instrument id, one of {ids}"
E_FUNDING_NAME = (
    "'funding' is the name of the discount basis itself; expected another name such as 'sonia'"
)
YIELD_COMPOUNDING = {1: Compounding.ANNUAL, 2: Compounding.SEMIANNUAL, 4: Compounding.QUARTERLY}
BOND_KINDS = ("bond", "zero_coupon_bond", "index_linked_bond")
E_NEEDS_INFLATION = (
    "liabilities.inflation_curve: missing, but the cash flows have inflation-linked amounts; "
    "expected the name of a breakeven curve, one of {names}"
)


def build_problem(spec: ProblemSpec, base_dir: Path) -> OptimizationProblem:
    """Domain objects from a validated spec."""
    bases = _curve_bases(spec)
    curves: dict[str, ZeroCurve | BreakevenCurve] = {}
    for name in sorted(spec.curves, key=lambda name: len(lineage(name, bases))):
        curves[name] = _build_curve(name, spec.curves[name], curves)
    curves = {name: curves[name] for name in spec.curves}
    liabilities = _build_liabilities(spec, curves, base_dir)
    market = _build_market(spec, curves, bases)
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
        scenarios=build_scenarios(spec.stress, instruments, market.names(RateCurve), spec.currency),
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


def objective_items(section: Mapping[str, Any] | None) -> list[tuple[str, ObjectiveItem]]:
    """(path, item) of each term of an ``objective`` section, ``{minimize: [...], ...}``.

    The entries are validated as in a problem file; errors carry their paths in it.
    """
    items = []
    for sense in SENSES:
        given = (section or {}).get(sense) or []
        try:
            validated = entries("objective").validate_python(given)
        except ValidationError as error:
            raise spec_error(error, ("objective", sense)) from None
        items += [entry.item(maximize=sense == "maximize") for entry in validated]
    return [(path, item) for (path, _), item in zip(term_places(items, []), items, strict=True)]


def constraint_terms(section: list[Any] | None) -> list[tuple[str, ConstraintTerm]]:
    """(path, term) of each entry of a ``constraints`` list, validated as in a problem file."""
    try:
        validated = entries("constraint").validate_python(section or [])
    except ValidationError as error:
        raise spec_error(error, ("constraints",)) from None
    terms = [entry.term for entry in validated]
    return [(path, term) for (path, _), term in zip(term_places([], terms), terms, strict=True)]


def _build_decision(spec: ProblemSpec, instruments: Mapping[str, Instrument]) -> Decision:
    """Objective and constraint terms, solver options, factor model, groups and keys."""
    section = spec.objective
    objective = [
        entry.item(maximize=sense == "maximize")
        for sense in SENSES
        for entry in getattr(section, sense, None) or []
    ]
    constraints = [entry.term for entry in spec.constraints]
    # Where the file defines each term, for errors; names are unique, which the model checks
    # at these same places.
    paths: dict[str, str] = {}
    for path, term in term_places(objective, constraints):
        paths.setdefault(term.name, path)
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
        objective=tuple(objective),
        constraints=tuple(constraints),
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


def _curve_bases(spec: ProblemSpec) -> dict[str, str]:
    """The base each nominal curve names, checked: a nominal curve, and no loop of bases."""
    nominal = _curve_names(spec)["nominal"]
    bases = {}
    for name, curve in spec.curves.items():
        base = getattr(curve, "base", None)
        if base is not None:
            others = [n for n in nominal if n != name]
            check_curve_name(f"curves.{name}.base", base, others, "nominal")
            bases[name] = base
    for name in bases:
        try:
            lineage(name, bases)
        except DataError as error:
            path = str(error).split(":", 1)[0]
            raise SpecError(str(error), path=path) from None
    return bases


def _build_curve(
    name: str, spec: CurveSpec, built: dict[str, ZeroCurve | BreakevenCurve]
) -> ZeroCurve | BreakevenCurve:
    """The curve of one spec; a spread curve's base is among ``built`` already."""
    try:
        if isinstance(spec, SpreadCurveSpec):
            return built[spec.base].with_spread(RateSpread(spec.tenors, spec.spreads))
        if isinstance(spec, SmithWilsonCurveSpec):
            return SmithWilsonCurve(
                spec.tenors,
                spec.rates,
                spec.ufr,
                spec.last_liquid_point,
                spec.alpha,
                spec.inputs,
                spec.frequency,
            )
        if isinstance(spec, ConstantForwardCurveSpec):
            return ConstantForwardCurve(
                spec.tenors, spec.rates, spec.last_liquid_point, spec.forward_start
            )
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
        if isinstance(spec, SpreadCurveSpec):
            error = DataError(str(error).replace("values", "spreads"))
        where = {
            "breakeven": "BreakevenCurve",
            "par_swap": "from_par_swaps",
            "spread": "RateSpread",
            "smith_wilson": "SmithWilsonCurve",
            "constant_forward": "ConstantForwardCurve",
        }.get(spec.kind)
        raise _relocated(error, where or "ZeroCurve", f"curves.{name}") from None


def _curve_names(spec: ProblemSpec) -> dict[str, list[str]]:
    """Curve names by the kind of curve a reference needs."""
    return {
        "nominal": sorted(n for n, c in spec.curves.items() if c.kind in NOMINAL_KINDS),
        "breakeven": sorted(n for n, c in spec.curves.items() if c.kind == "breakeven"),
    }


def _build_market(
    spec: ProblemSpec, curves: dict[str, ZeroCurve | BreakevenCurve], bases: dict[str, str]
) -> Market:
    """Default curves for instruments: the market section's, else the liabilities'."""
    names = _curve_names(spec)
    nominal = spec.market.nominal_curve or spec.liabilities.discount_curve
    inflation = spec.market.inflation_curve or spec.liabilities.inflation_curve
    swap = spec.market.swap_curve
    check_curve_name("market.nominal_curve", nominal, names["nominal"], "nominal")
    if swap is not None:
        check_curve_name("market.swap_curve", swap, names["nominal"], "nominal")
    if inflation is not None:
        check_curve_name("market.inflation_curve", inflation, names["breakeven"], "breakeven")
    return Market(
        curves=MappingProxyType(curves),
        nominal=nominal,
        inflation=inflation,
        swap=swap,
        bases=MappingProxyType(bases),
        yield_compounding=YIELD_COMPOUNDING[defaults("bond", spec.currency)["frequency"]],
    )


def _build_liabilities(
    spec: ProblemSpec, curves: dict[str, ZeroCurve | BreakevenCurve], base_dir: Path
) -> Liabilities:
    section: LiabilitiesSpec = spec.liabilities
    names = _curve_names(spec)
    check_curve_name(
        "liabilities.discount_curve", section.discount_curve, names["nominal"], "nominal"
    )
    cashflows, by_status = _load_cashflows(section, spec, base_dir)
    breakeven = None
    if section.inflation_curve is not None:
        check_curve_name(
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
        curve=section.discount_curve,
        bases=MappingProxyType(_hedging_bases(section, curves, names["nominal"])),
    )


def _hedging_bases(
    section: LiabilitiesSpec, curves: dict[str, ZeroCurve | BreakevenCurve], nominal: list[str]
) -> dict[str, ZeroCurve]:
    """The discount curve of each hedging basis: a nominal curve plus the basis's spread."""
    bases = {}
    for name, basis in section.hedging_bases.items():
        path = f"liabilities.hedging_bases.{name}"
        if name == FUNDING:
            raise SpecError(f"{path}: {E_FUNDING_NAME}", path=path)
        check_curve_name(f"{path}.curve", basis.curve, nominal, "nominal")
        bases[name] = curves[basis.curve].shifted(basis.spread / BP)
    return bases


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
