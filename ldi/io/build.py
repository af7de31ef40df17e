"""Domain objects from a validated ProblemSpec, each refusal at the path of its key.

Curves, market, liabilities and their cash flows, instruments, holdings and the decision
(terms, solver options, factor model, groups, keys). The files a problem names are read only
from its folder (``ldi.storage.files.confined``).
"""

from collections.abc import Mapping
from functools import partial
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd
from pydantic import ValidationError

from ldi.cashflows.indexation import Indexation, Revaluation
from ldi.cashflows.lpi_calibration import calibrate_lpi
from ldi.cashflows.tranches import Stream, streams_of
from ldi.curves.inflation import BreakevenCurve, Breakevens, IndexCurves, WedgeCurve
from ldi.curves.inflation_volatility import CapletVolatility, InflationVolatility, YearlyVolatility
from ldi.curves.market import Market, lineage, volatility_of
from ldi.curves.spread import DEFAULT_KEYS, RateSpread
from ldi.curves.ufr import ConstantForwardCurve, SmithWilsonCurve
from ldi.curves.zero import ZeroCurve
from ldi.errors import DataError, SpecError
from ldi.instruments import KINDS, Instrument
from ldi.instruments.conventions import defaults, haircut
from ldi.io.benefits import RESERVED, load_benefits, read_membership, rebuilt_benefits
from ldi.io.errors import check_curve_name, spec_error
from ldi.io.errors import relocated as _relocated
from ldi.io.fixings import IndexTerms, index_history
from ldi.io.liquidity import (
    build_collateral,
    build_recapitalisation,
    build_scenarios,
    build_simulation,
)
from ldi.io.members import Membership
from ldi.io.schema import (
    BREAKEVEN_KINDS,
    NOMINAL_KINDS,
    BreakevenCurveSpec,
    ConstantForwardCurveSpec,
    CurveSpec,
    IndexationSpec,
    InflationVolatilitySpec,
    LiabilitiesSpec,
    ParSwapCurveSpec,
    ProblemSpec,
    RepoSpec,
    SmithWilsonCurveSpec,
    SpreadCurveSpec,
    WedgeCurveSpec,
)
from ldi.liabilities import FUNDING, Liabilities
from ldi.members.longevity import Longevity
from ldi.optimize.data import check_group_name
from ldi.optimize.decision import Decision
from ldi.optimize.model import ExecutionOptions, ObjectiveItem, SolverOptions, term_places
from ldi.optimize.problem import OptimizationProblem
from ldi.optimize.solvers import check_solver
from ldi.optimize.terms.allocation import NoTrade
from ldi.optimize.terms.base import ConstraintTerm
from ldi.optimize.terms.registry import entries
from ldi.risk.factors import RiskModel
from ldi.scenarios.pnl import OutcomeSettings
from ldi.units import BP, Compounding
from ldi.validation import tenor_vector

SENSES = ("minimize", "maximize")
E_NO_EXECUTION = (
    "{path}: got {value!r}, but the problem has no execution section; expected execution: "
    "{{}} (or its options) to trade in lots and minimum tickets"
)
E_CASH_LOT = "{path}: got {value!r}; expected none on cash, which moves by what the tickets leave"
E_TICKET_BELOW_LOT = (
    "{path}: got {value!r}, below one lot ({lot!r}); expected 0 or at least one lot"
)
E_EXECUTION_UNTRADABLE = (
    "execution: no instrument can trade (each is cash or tradable: false); expected at least "
    "one tradable instrument for the execution section to round"
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
E_TRANCHE_NAME = (
    "got {name!r}, the name of a liability risk row; expected another name such as 'lpi_5'"
)
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
    volatilities = _inflation_volatilities(spec, curves)
    # The liabilities first: the market's default curves are theirs, so errors name them.
    liabilities = _build_liabilities(spec, curves, volatilities, bases, base_dir)
    market = _build_market(spec, curves, bases, volatilities)
    fixings = IndexTerms(spec, bases, index_history(spec, base_dir))
    _check_execution(spec)
    instruments = _build_instruments(spec, market, fixings)
    members = spec.liabilities.members is not None
    scenarios = build_scenarios(
        spec.stress, instruments, sorted(market.curves), spec.currency, members
    )
    problem = OptimizationProblem(
        name=spec.name,
        market=market,
        liabilities=liabilities,
        instruments=MappingProxyType(instruments),
        holdings=_build_holdings(spec, instruments),
        currency=spec.currency,
        valuation_date=spec.valuation_date,
        liability_basis=_liability_basis(spec.liabilities, liabilities),
        collateral=build_collateral(spec.collateral, instruments),
        recapitalisation=build_recapitalisation(
            spec.recapitalisation, instruments, scenarios, spec.collateral.within_days
        ),
        scenarios=scenarios,
        simulation=build_simulation(spec.simulation, base_dir, instruments),
        folder=base_dir,
        data_files=_data_files(spec, base_dir),
        decision=_build_decision(spec, instruments),
    )
    _price(problem, spec)
    return problem


def _price(problem: OptimizationProblem, spec: ProblemSpec) -> None:
    """Value every instrument now, so a bad quote fails validation at its place in the file.

    The problem keeps the valuations for every later use.
    """
    try:
        problem.valuations  # noqa: B018 (a cached property, computed here)
    except DataError as error:
        for i, item in enumerate(spec.instruments):
            where = f"instrument {item.id!r}"
            if str(error).startswith(where):
                raise _relocated(error, where, f"instruments[{i}]") from None
        raise _relocated(error, "instruments", "instruments") from None


def _liability_basis(section: LiabilitiesSpec, liabilities: Liabilities) -> str:
    """The liabilities' valuation basis in words: curve, spread, inflation and indexation.

    With tranches, each tranche's rule follows its name.
    """
    basis = section.discount_curve
    if section.spread:
        basis += f" {section.spread / BP:+g}bp"
    if section.inflation_curve:
        basis += f"; inflation {section.inflation_curve}"
    if liabilities.tranches:
        parts = liabilities.tranches.items()
        first = {name: _tranche_rule(part) for name, part in parts}
        rules = [
            f"{name} {first[name].describe(volatility=False)}"
            if part.has_inflation_linked
            else f"{name} fixed"
            for name, part in parts
        ]
        limited = {rule.describe_volatility() for rule in first.values() if rule.is_limited}
        priced = f"; LPI on {' / '.join(sorted(limited))}" if limited else ""
        return f"{basis}; tranches: {', '.join(rules)}{priced}"
    rule = streams_of(liabilities.cashflows)[0].indexation
    if section.inflation_curve and (rule.is_limited or rule.lag):
        basis += f", {rule.describe().removeprefix('full indexation, ')}"
    return basis


def _tranche_rule(part: Stream) -> Indexation:
    """A tranche's rule as a whole: a deferred cohort's (it shows the revaluation), if any."""
    rules = [stream.indexation for stream in streams_of(part)]
    return next((rule for rule in rules if rule.revaluation is not None), rules[0])


def _data_files(spec: ProblemSpec, base_dir: Path) -> tuple[Path, ...]:
    """The files the problem names: cash flows, a curve history, scenarios, index fixings."""
    simulation = spec.simulation
    named = [
        spec.liabilities.cashflows,
        simulation.curve_history,
        simulation.scenario_file,
        spec.market.index_history,
    ]
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
    held = [item.id for item in spec.instruments if not item.tradable]
    if held:  # ``tradable: false``: held at the current holding
        constraints.append(NoTrade(instruments=tuple(held), name="no_trade[tradable]"))
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
        execution=None
        if spec.execution is None
        else ExecutionOptions(spec.execution.mip_gap, spec.execution.time_limit),
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
    return SolverOptions(
        name,
        fallback,
        MappingProxyType(options),
        section.min_trade,
        section.min_trade_fraction,
    )


def _curve_bases(spec: ProblemSpec) -> dict[str, str]:
    """The base each curve names, checked: a curve of its kind, and no loop of bases."""
    names = _curve_names(spec)
    bases = {}
    for name, curve in spec.curves.items():
        base = getattr(curve, "base", None)
        if base is not None:
            kind = "breakeven" if curve.kind in BREAKEVEN_KINDS else "nominal"
            others = [n for n in names[kind] if n != name]
            check_curve_name(f"curves.{name}.base", base, others, kind)
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
        if isinstance(spec, WedgeCurveSpec):
            base = built[spec.base]  # a breakeven curve: checked by _curve_bases
            return WedgeCurve.over(base, spec.starts, spec.wedges, where=f"curves.{name}")
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
        "breakeven": sorted(n for n, c in spec.curves.items() if c.kind in BREAKEVEN_KINDS),
    }


def _inflation_volatilities(
    spec: ProblemSpec, curves: dict[str, ZeroCurve | BreakevenCurve]
) -> dict[str, InflationVolatility]:
    """The year-on-year volatility of each breakeven curve ``market.inflation_volatility`` names.

    LPI swap quotes are calibrated on the curve they name (``calibrate_lpi``).
    """
    names = _curve_names(spec)["breakeven"]
    volatilities: dict[str, InflationVolatility] = {}
    for name, section in spec.market.inflation_volatility.items():
        path = f"market.inflation_volatility.{name}"
        check_curve_name(path, name, names, "breakeven")
        try:
            volatilities[name] = _inflation_volatility(section, curves[name], path)
        except DataError as error:  # each names its own field in the file
            raise SpecError(str(error), path=str(error).split(":", 1)[0]) from None
    return volatilities


def _inflation_volatility(
    section: InflationVolatilitySpec, curve: ZeroCurve | BreakevenCurve, path: str
) -> InflationVolatility:
    """One index's volatility: a yearly one, LPI swaps calibrated on ``curve``, or caplets."""
    if section.yearly is not None:
        return YearlyVolatility(section.yearly, section.model, where=path)
    if section.lpi_swaps is not None:
        quotes = section.lpi_swaps
        return calibrate_lpi(
            quotes.maturities,
            quotes.rates,
            curve,
            quotes.floor,
            quotes.cap,
            section.model,
            where=f"{path}.lpi_swaps",
        )
    return CapletVolatility(
        tuple(section.expiries or ()), tuple(section.volatilities or ()), section.model, where=path
    )


def _build_market(
    spec: ProblemSpec,
    curves: dict[str, ZeroCurve | BreakevenCurve],
    bases: dict[str, str],
    volatilities: dict[str, InflationVolatility],
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
        inflation_volatility=MappingProxyType(volatilities),
        yield_compounding=YIELD_COMPOUNDING[defaults("bond", spec.currency)["frequency"]],
    )


def _build_liabilities(
    spec: ProblemSpec,
    curves: dict[str, ZeroCurve | BreakevenCurve],
    volatilities: dict[str, InflationVolatility],
    bases: dict[str, str],
    base_dir: Path,
) -> Liabilities:
    section: LiabilitiesSpec = spec.liabilities
    names = _curve_names(spec)
    check_curve_name(
        "liabilities.discount_curve", section.discount_curve, names["nominal"], "nominal"
    )
    if section.inflation_curve is not None:
        check_curve_name(
            "liabilities.inflation_curve", section.inflation_curve, names["breakeven"], "breakeven"
        )
    rules = _indexation_rules(section, names["breakeven"], volatilities, bases)
    members = read_membership(section, spec, base_dir)
    cashflows, by_status = load_benefits(section, spec, rules, base_dir, members)
    linked = [part for part in streams_of(cashflows) if part.has_inflation_linked]
    if section.inflation_curve is None and any(p.indexation.index is None for p in linked):
        raise SpecError(
            E_NEEDS_INFLATION.format(names=names["breakeven"]), path="liabilities.inflation_curve"
        )
    breakeven: Breakevens | None = None
    if any(rule.index is not None for rule in rules.values()):
        index_curves = {name: curves[name] for name in names["breakeven"]}
        breakeven = IndexCurves(index_curves, section.inflation_curve)
    elif section.inflation_curve is not None:
        breakeven = curves[section.inflation_curve]
    discount = curves[section.discount_curve].shifted(section.spread / BP)
    return Liabilities(
        cashflows=cashflows,
        discount_curve=discount,
        inflation_curve=breakeven,
        by_status=MappingProxyType(by_status),
        credit_spread_beta=section.credit_spread_beta,
        curve=section.discount_curve,
        bases=MappingProxyType(_hedging_bases(section, curves, names["nominal"])),
        longevity=_longevity(section, spec, rules, base_dir, members),
    )


def _longevity(
    section: LiabilitiesSpec,
    spec: ProblemSpec,
    rules: dict,
    base_dir: Path,
    members: Membership | None,
) -> Longevity | None:
    """How benefits projected from ``members`` move with mortality (none for a table)."""
    if members is None:
        return None
    rebuild = partial(rebuilt_benefits, section, spec, rules, base_dir, members)
    return Longevity(members.basis.mortality, members.valuation.year, rebuild)


def _indexation_rules(
    section: LiabilitiesSpec,
    breakevens: list[str],
    volatilities: dict[str, InflationVolatility],
    bases: dict[str, str],
) -> dict[str, Indexation]:
    """Each tranche's indexation, or every flow's under the one key ``""`` without tranches.

    LPI is priced on the volatility of the rule's index (else of the curve it is built on).
    """
    default = volatility_of(section.inflation_curve, volatilities, bases)
    if not section.tranches:
        rule = section.indexation or IndexationSpec()
        where = "liabilities.indexation"
        return {"": _indexation(rule, None, default, where)}
    rules = {}
    for name, tranche in section.tranches.items():
        path = f"liabilities.tranches.{name}"
        if name in RESERVED or not name.strip():
            raise SpecError(f"{path}: {E_TRANCHE_NAME.format(name=name)}", path=path)
        if tranche.index is not None:
            check_curve_name(f"{path}.index", tranche.index, breakevens, "breakeven")
        index = tranche.index or section.inflation_curve
        volatility = volatility_of(index, volatilities, bases)
        rules[name] = _indexation(tranche, tranche.index, volatility, path)
    return rules


def _indexation(
    rule: IndexationSpec, index: str | None, volatility: InflationVolatility | None, where: str
) -> Indexation:
    """The rule of a spec; a revaluation in deferment is a template, its end set per row."""
    revaluation = rule.revaluation
    return Indexation(
        rule.lag,
        rule.floor,
        rule.cap,
        volatility,
        index,
        None if revaluation is None else Revaluation(0.0, revaluation.floor, revaluation.cap),
        where=where,
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


def _build_instruments(
    spec: ProblemSpec, market: Market, index_terms: IndexTerms
) -> dict[str, Instrument]:
    """Instruments by id, with convention defaults filled in (priced by ``_price``)."""
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
        fields = item.model_dump(exclude={"kind", "tradable"}, exclude_none=True)
        fields = {**defaults(item.kind, spec.currency), **fields}
        fields |= _tickets(spec, item, path)
        index_terms.fill(item, fields, market, path)
        if isinstance(item, RepoSpec):
            fields["haircut"] = _repo_haircut(item, bonds, path)
            _check_repo_term(fields["term"], bonds[item.collateral], item.collateral, path)
        try:
            instrument = KINDS[item.kind](**fields)
        except DataError as error:
            # Instruments name themselves by id (Instrument.where); the file names them by index.
            raise _relocated(error, f"instrument {item.id!r}", path) from None
        instruments[item.id] = instrument
    return instruments


def _tickets(spec: ProblemSpec, item: Any, path: str) -> dict[str, float]:
    """The instrument's lot, minimum ticket and ticket cost: its own, else its kind's.

    Refused: a lot or minimum ticket without an ``execution`` section (it would do
    nothing), on cash (what the tickets leave), or a minimum ticket below one lot.
    """
    own = {key: getattr(item, key) for key in ("lot", "min_ticket", "ticket_cost")}
    given = [key for key, value in own.items() if value is not None]
    if spec.execution is None:
        if given:
            message = E_NO_EXECUTION.format(path=f"{path}.{given[0]}", value=own[given[0]])
            raise SpecError(message, path=f"{path}.{given[0]}")
        return {}
    if item.kind == "cash":
        if given:
            message = E_CASH_LOT.format(path=f"{path}.{given[0]}", value=own[given[0]])
            raise SpecError(message, path=f"{path}.{given[0]}")
        return {}
    section = spec.execution
    lot = own["lot"] if own["lot"] is not None else section.lots.get(item.kind)
    least = own["min_ticket"]
    where = f"{path}.min_ticket"
    if least is None:
        least, where = section.min_tickets.get(item.kind), f"execution.min_tickets.{item.kind}"
    if lot is not None and least is not None and 0 < least < lot:
        raise SpecError(E_TICKET_BELOW_LOT.format(path=where, value=least, lot=lot), path=where)
    cost = own["ticket_cost"]
    cost = section.ticket_costs.get(item.kind) if cost is None else cost
    found = (("lot", lot), ("min_ticket", least), ("ticket_cost", cost))
    return {key: value for key, value in found if value is not None}


def _check_execution(spec: ProblemSpec) -> None:
    """An ``execution`` section needs an instrument it can trade: tradable, not cash."""
    if spec.execution is None:
        return
    if not any(item.tradable and item.kind != "cash" for item in spec.instruments):
        raise SpecError(E_EXECUTION_UNTRADABLE, path="execution")


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
