"""The ``collateral``, ``stress`` and ``simulation`` sections: policy, stresses, simulation.

Ids are checked against the instruments here, so an error names its path in the file.
"""

import io
from collections.abc import Mapping, Sequence
from dataclasses import replace
from math import ceil
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd

from ldi.curves.spread import RateSpread
from ldi.errors import DataError, SpecError
from ldi.instruments import Instrument, Role
from ldi.instruments.conventions import HAIRCUTS
from ldi.io.errors import check_curve_name
from ldi.io.errors import relocated as _relocated
from ldi.io.schema import (
    GENERATOR_KEYS,
    CollateralSpec,
    CurveMoveSpec,
    InstrumentCollateralSpec,
    MeanReversionSpec,
    MoveSpec,
    RecapitalisationSpec,
    ScenarioSpec,
    SimulationSpec,
    StressSpec,
)
from ldi.liabilities import E_NO_MEMBERS
from ldi.liquidity.collateral import (
    DEFAULT_DAYS,
    AssetClass,
    CollateralPolicy,
    InstrumentCollateral,
    StressedTerms,
)
from ldi.liquidity.recapitalisation import (
    ActionTerms,
    RecapitalisationPolicy,
    SponsorFacility,
)
from ldi.optimize.terms.objectives import DEFAULT_COST_BP as COST_KINDS
from ldi.scenarios import Move, Scenario, catalogue, spread_bp
from ldi.scenarios.external import ScenarioFile, read_scenarios
from ldi.scenarios.setup import SimulationSetup
from ldi.scenarios.simulation import DEFAULT_LOADINGS, CurveFactors, Dynamics, MeanReversion
from ldi.storage.files import MAX_DATA_BYTES, UnreadableFile, confined, read_text
from ldi.units import BP

BAND_LIMITS = tuple(limit for limit, _ in HAIRCUTS["government"])  # 1y, 5y, beyond
E_ILLIQUID_DAYS = (
    "{path}: got {value!r} for an illiquid asset; expected no days (illiquid assets never "
    "count as collateral) or another asset_class"
)
E_ROLE = (
    "{path}: got {value!r} for an instrument of role {role}; expected asset_class, haircut "
    "and days only for physical assets, initial_margin only for overlays (repo takes none)"
)
E_LABEL = (
    "{path}.label: got {value!r} beside steps; expected a label on each step instead (a "
    "scenario with steps takes none of its own)"
)
E_UNDATED = "{path}: got {value!r}; expected one haircut for {name} (it has no maturity to band by)"
UNDATED = ("cash", "money_market", "equity")
E_ID = "{path}: got {value!r}; expected an instrument id, one of {ids}"
E_SCENARIO_NAME = (
    "{path}: name {name!r} is already {first}; expected a unique name (or catalogue: false "
    "to replace the built-in scenarios)"
)
E_STEPS_AND_MOVE = "{path}: got steps and the move keys {keys}; expected either one move or steps"
E_FILE_AND_MODEL = (
    "simulation.scenario_file: got a scenario file and the scenario model's setting(s) "
    "{keys}; expected one or the other (a file's scenarios replace the model, so its "
    "settings would not apply)"
)
E_REVERSION_CURVE = (
    "simulation.mean_reversion.curve: got {got} item(s) for {factors} curve factors; "
    "expected one per curve factor, in the curve's order (level first)"
)
E_RETURN_KIND = (
    "simulation.scenario_file: {file}: column(s) {columns} name instruments that are not "
    "growth assets ({kinds}); expected return_<id> only for return_seeking instruments, "
    "one of {ids}"
)
E_HISTORY_READ = "{file}: cannot read the curve history ({reason})"
E_NOT_AN_ACTION = (
    "{path}: got {value!r}, cash; expected a position a plan sells, unwinds or repays (cash "
    "and money-market funds count as they stand)"
)
E_REPO_TERMS = (
    "{path}: got {value!r}; expected only amount for a repo (the cash a plan may repay "
    "rather than roll; it is repaid on the day it ends, without bid/offer)"
)
E_LATE = "{path}: got {value}; expected days up to the deadline, {deadline} (or a later deadline)"
E_CALIBRATION = (
    "{error} (calibrating the mean reversion of the curve factors; expected a history that "
    "calibrates, or speeds in simulation.mean_reversion.curve)"
)


def build_recapitalisation(
    spec: RecapitalisationSpec | None,
    instruments: Mapping[str, Instrument],
    scenarios: Mapping[str, Scenario],
    window_days: float,
) -> RecapitalisationPolicy | None:
    """The ``recapitalisation`` section: a plan's stress, target, deadline, costs and terms.

    Its deadline is its ``days``, else ``window_days`` (the collateral window) rounded up;
    no action or sponsor of the section may take longer (a shorter deadline asked of
    ``ldi recap`` lists them as late instead).
    """
    if spec is None:
        return None
    deadline = spec.days if spec.days is not None else ceil(window_days)
    if spec.scenario is not None and spec.scenario not in scenarios:
        path = "recapitalisation.scenario"
        expected = f"a stress scenario of the problem, one of {sorted(scenarios)}"
        raise SpecError(f"{path}: got {spec.scenario!r}; expected {expected}", path=path)
    for key in spec.actions:
        path = f"recapitalisation.actions.{key}"
        _check_id(path, key, instruments)
        instrument, terms = type(instruments[key]), spec.actions[key]
        if instrument.kind == "cash":
            raise SpecError(E_NOT_AN_ACTION.format(path=path, value=key), path=path)
        if instrument.role is Role.FINANCING and (
            terms.days is not None or terms.cost_bp is not None
        ):
            given = terms.model_dump(exclude_none=True)
            raise SpecError(E_REPO_TERMS.format(path=path, value=given), path=path)
    _check_days(spec, deadline)
    for key in spec.cost_bp:
        if key not in instruments and key not in COST_KINDS:
            path = f"recapitalisation.cost_bp.{key}"
            expected = f"an instrument id or a kind, one of {sorted(COST_KINDS)}"
            raise SpecError(f"{path}: got {key!r}; expected {expected}", path=path)
    sponsor = spec.sponsor
    return RecapitalisationPolicy(
        scenario=spec.scenario,
        target_bp=spec.target_bp,
        days=spec.days,
        horizon_years=spec.horizon_years,
        hedge_charge_bp=spec.hedge_charge_bp,
        cost_bp=MappingProxyType(dict(spec.cost_bp)),
        sponsor=None
        if sponsor is None
        else SponsorFacility(sponsor.amount, sponsor.days, sponsor.cost),
        actions=MappingProxyType(
            {k: ActionTerms(t.days, t.cost_bp, t.amount) for k, t in spec.actions.items()}
        ),
    )


def _check_days(spec: RecapitalisationSpec, deadline: int) -> None:
    """Every ``days`` the section gives is at most its deadline, else a SpecError naming it."""
    given = {f"recapitalisation.actions.{i}.days": t.days for i, t in spec.actions.items()}
    if spec.sponsor is not None:
        given["recapitalisation.sponsor.days"] = spec.sponsor.days
    for path, days in given.items():
        if days is not None and days > deadline:
            raise SpecError(E_LATE.format(path=path, value=days, deadline=deadline), path=path)


def build_collateral(
    spec: CollateralSpec, instruments: Mapping[str, Instrument]
) -> CollateralPolicy:
    """The collateral policy of the ``collateral`` section."""
    defaults = CollateralPolicy()
    haircuts = dict(defaults.haircuts)
    for name, cut in spec.haircuts.items():
        if isinstance(cut, list) and name in UNDATED:
            where = f"collateral.haircuts.{name}"
            raise SpecError(E_UNDATED.format(path=where, value=cut, name=name), path=where)
        bands = cut if isinstance(cut, list) else [cut] * len(BAND_LIMITS)
        haircuts[AssetClass(name)] = tuple(zip(BAND_LIMITS, bands, strict=True))
    days = {**DEFAULT_DAYS, **{AssetClass(k): v for k, v in spec.days.items()}}
    overrides = {}
    for key, item in spec.instruments.items():
        path = f"collateral.instruments.{key}"
        _check_id(path, key, instruments)
        _check_override(item, type(instruments[key]).role, path)
        asset_class = None if item.asset_class is None else AssetClass(item.asset_class)
        overrides[key] = InstrumentCollateral(
            asset_class, item.haircut, item.days, item.initial_margin
        )
    mandate = None
    if spec.mandate is not None:
        for i, member in enumerate(spec.mandate):
            _check_id(f"collateral.mandate[{i}]", member, instruments)
        mandate = tuple(spec.mandate)
    return CollateralPolicy(
        haircuts=MappingProxyType(haircuts),
        days=MappingProxyType(days),
        initial_margin=MappingProxyType(dict(spec.initial_margin)),
        instruments=MappingProxyType(overrides),
        within_days=spec.within_days,
        mandate=mandate,
        initial_margin_shock_bp=spec.initial_margin_shock_bp,
        cash_variation_margin=spec.variation_margin == "cash",
        repo_capacity=spec.repo_capacity,
        stressed=StressedTerms(spec.stressed.haircut_scale, spec.stressed.margin_scale),
    )


def _check_override(item: InstrumentCollateralSpec, role: Role, path: str) -> None:
    """Refuse overrides that mean nothing for the instrument's role."""
    if role is Role.OVERLAY:
        wrong = [k for k in ("asset_class", "haircut", "days") if getattr(item, k) is not None]
    elif role is Role.FINANCING:
        wrong = [k for k in InstrumentCollateralSpec.model_fields if getattr(item, k) is not None]
    else:
        wrong = ["initial_margin"] if item.initial_margin is not None else []
    if wrong:
        where = f"{path}.{wrong[0]}"
        value = getattr(item, wrong[0])
        raise SpecError(E_ROLE.format(path=where, value=value, role=role.value), path=where)
    if item.asset_class == AssetClass.ILLIQUID.value and item.days is not None:
        where = f"{path}.days"
        raise SpecError(E_ILLIQUID_DAYS.format(path=where, value=item.days), path=where)


def build_scenarios(
    spec: StressSpec,
    instruments: Mapping[str, Instrument],
    curves: Sequence[str] = (),
    currency: str | None = None,
    members: bool = False,
) -> Mapping[str, Scenario]:
    """The catalogue's scenarios for ``currency`` (unless switched off), then the file's own.

    ``curves`` are the curves a move may name in ``curves_bp`` (nominal ones move their
    zero rates, breakeven ones their breakevens: CPI's, its wedge); ``currency`` is the
    problem's (None: the whole catalogue, every market's scenarios). ``members``: the
    liabilities are projected from member data, so moves may scale mortality (and the
    catalogue's longevity stress is included).
    """
    scenarios = dict(catalogue(currency, members)) if spec.catalogue else {}
    first = dict.fromkeys(scenarios, "a catalogue scenario")
    for i, item in enumerate(spec.scenarios):
        path = f"stress.scenarios[{i}]"
        if item.name in first:
            message = E_SCENARIO_NAME.format(
                path=f"{path}.name", name=item.name, first=first[item.name]
            )
            raise SpecError(message, path=f"{path}.name")
        first[item.name] = f"the name of {path}"
        scenarios[item.name] = _scenario(item, path, instruments, curves, members)
    return MappingProxyType(scenarios)


def build_simulation(
    spec: SimulationSpec, base_dir: Path, instruments: Mapping[str, Instrument]
) -> SimulationSetup:
    """The simulation setup of the ``simulation`` section.

    Settings are checked together before any file is read; files are read relative to
    ``base_dir``, and only from inside it or the data root (``ldi.storage.files.confined``). With
    ``dynamics: mean_reverting``, a ``curve_history`` and no ``mean_reversion.curve``, the
    curve factors' reversion is calibrated from the history (read once for both).
    """
    if spec.scenario_file is not None:
        # Values, not keys written: a spec dumped with its defaults loads again.
        fields = SimulationSpec.model_fields
        given = [key for key in GENERATOR_KEYS if getattr(spec, key) != fields[key].default]
        if given:
            where = "simulation.scenario_file"
            raise SpecError(E_FILE_AND_MODEL.format(keys=given), path=where)
        where = "simulation.scenario_file"
        file = _scenario_file(confined(spec.scenario_file, base_dir, where), instruments)
        return SimulationSetup(scenario_file=file, carry=spec.carry)
    section = spec.mean_reversion
    if section is not None and section.curve is not None:
        factors = len(DEFAULT_LOADINGS) if spec.curve_history is None else spec.components
        if len(section.curve) != factors:
            where = "simulation.mean_reversion.curve"
            message = E_REVERSION_CURVE.format(got=len(section.curve), factors=factors)
            raise SpecError(message, path=where)
    history = _curve_history(spec, base_dir)
    curve = _curve_factors(spec, history)
    return SimulationSetup(
        curve_factors=curve,
        dynamics=spec.dynamics,
        mean_reversion=_mean_reversion(spec, history, curve),
        innovations=spec.innovations,
        degrees_of_freedom=spec.degrees_of_freedom,
        carry=spec.carry,
    )


def _curve_history(spec: SimulationSpec, base_dir: Path) -> pd.DataFrame | None:
    """The rows of the ``curve_history`` CSV file (None when there is none)."""
    if spec.curve_history is None:
        return None
    where = "simulation.curve_history"
    file = confined(spec.curve_history, base_dir, where)
    try:
        return pd.read_csv(io.StringIO(read_text(file, MAX_DATA_BYTES)))
    except UnreadableFile as error:
        reason = error.reason
    except ValueError as error:  # pandas' parser errors give a line, never its text
        reason = str(error)
    raise SpecError(f"{where}: " + E_HISTORY_READ.format(file=file, reason=reason), path=where)


def _curve_factors(spec: SimulationSpec, history: pd.DataFrame | None) -> CurveFactors | None:
    """The curve factors of a history (None: the default shapes)."""
    if history is None:
        return None
    try:
        return CurveFactors.from_history(history, spec.components)
    except DataError as error:
        where = "simulation.curve_history"
        raise SpecError(f"{where}: {error}", path=where) from None


def _mean_reversion(
    spec: SimulationSpec, history: pd.DataFrame | None, curve: CurveFactors | None
) -> MeanReversion | None:
    """The section's mean reversion: given, calibrated from the history, or None (defaults)."""
    section = spec.mean_reversion or MeanReversionSpec()
    reversion = None
    if section.curve is not None:
        size = len(section.curve)
        default = MeanReversion().for_factors(size)[0][:size]  # the speeds by position
        speeds = [
            d if e.speed is None else e.speed for e, d in zip(section.curve, default, strict=True)
        ]
        levels = [e.long_run_bp for e in section.curve]
        reversion = MeanReversion(curve_speed=np.array(speeds), curve_long_run_bp=np.array(levels))
    elif history is not None and curve is not None and spec.dynamics is Dynamics.MEAN_REVERTING:
        where = "simulation.curve_history"
        try:
            reversion = MeanReversion.from_history(history, curve)
        except DataError as error:
            message = f"{where}: " + E_CALIBRATION.format(error=error)
            raise SpecError(message, path=where) from None
    changes: dict[str, float] = {}
    for state in ("breakeven", "credit"):
        given = getattr(section, state)
        if given is not None:
            if given.speed is not None:
                changes[f"{state}_speed"] = given.speed
            changes[f"{state}_long_run_bp"] = given.long_run_bp
    if changes:
        reversion = replace(reversion or MeanReversion(), **changes)
    return reversion


def _scenario_file(file: Path, instruments: Mapping[str, Instrument]) -> ScenarioFile:
    """The external scenario file, its ``return_<id>`` columns naming growth assets only."""
    where = "simulation.scenario_file"
    growth = sorted(i for i, x in instruments.items() if type(x).kind == "return_seeking")
    try:
        scenarios = read_scenarios(file)
    except DataError as error:
        raise SpecError(f"{where}: {error}", path=where) from None
    kinds = {i: type(instruments[i]).kind for i in scenarios.return_ids if i in instruments}
    wrong = {i: kind for i, kind in kinds.items() if kind != "return_seeking"}
    if wrong:
        message = E_RETURN_KIND.format(
            file=file,
            columns=[f"return_{i}" for i in wrong],
            kinds=", ".join(f"{i}: {kind}" for i, kind in wrong.items()),
            ids=growth,
        )
        raise SpecError(message, path=where)
    try:
        scenarios.check_ids(growth)  # an id no instrument has: the growth assets are named
    except DataError as error:
        raise SpecError(f"{where}: {error}", path=where) from None
    return scenarios


def _scenario(
    item: ScenarioSpec,
    path: str,
    instruments: Mapping[str, Instrument],
    curves: Sequence[str],
    members: bool,
) -> Scenario:
    if item.steps is None:
        move = _move(item, path, instruments, curves, members)
        return Scenario(item.name, (move,), item.description, (item.label or "",))
    if item.label is not None:
        raise SpecError(E_LABEL.format(path=path, value=item.label), path=f"{path}.label")
    given = sorted(item.model_fields_set & set(MoveSpec.model_fields))
    if given:
        raise SpecError(E_STEPS_AND_MOVE.format(path=path, keys=given), path=path)
    moves = [
        _move(step, f"{path}.steps[{j}]", instruments, curves, members)
        for j, step in enumerate(item.steps)
    ]
    labels = tuple(step.label or f"step {j + 1}" for j, step in enumerate(item.steps))
    return Scenario(item.name, tuple(moves), item.description, labels)


def _move(
    item: MoveSpec,
    path: str,
    instruments: Mapping[str, Instrument],
    curves: Sequence[str],
    members: bool,
) -> Move:
    if item.mortality_scale != 1.0 and not members:
        message = E_NO_MEMBERS.format(value=item.mortality_scale)
        raise SpecError(f"{path}.{message}", path=f"{path}.mortality_scale")
    for key in item.returns:
        _check_id(f"{path}.returns.{key}", key, instruments)
    for name in item.curves_bp:
        check_curve_name(f"{path}.curves_bp.{name}", name, list(curves), "known")
    nominal = _spread(item.nominal_bp, f"{path}.nominal_bp")
    if item.real_bp is not None:
        real = _spread(item.real_bp, f"{path}.real_bp")
        breakeven = nominal + RateSpread(real.tenors, -real.values)
    else:
        breakeven = _spread(item.breakeven_bp or 0.0, f"{path}.breakeven_bp")
    return Move(
        nominal=nominal,
        breakeven=breakeven,
        credit_spread=item.credit_spread_bp * BP,
        growth=item.growth,
        returns=dict(item.returns),
        curves={n: _spread(bp, f"{path}.curves_bp.{n}") for n, bp in item.curves_bp.items()},
        bond_swap=_spread(item.bond_swap_bp, f"{path}.bond_swap_bp"),
        units=item.units,
        haircut_scale=item.haircut_scale,
        margin_scale=item.margin_scale,
        mortality_scale=item.mortality_scale,
    )


def _spread(value: float | CurveMoveSpec, path: str) -> RateSpread:
    """The move in bp at ``path`` as a spread; bad tenors are reported at their path."""
    if not isinstance(value, CurveMoveSpec):
        return spread_bp(value)
    try:
        return spread_bp((np.asarray(value.tenors), np.asarray(value.bp)))
    except DataError as error:
        raise _relocated(error, "RateSpread", path) from None


def _check_id(path: str, value: str, instruments: Mapping[str, Instrument]) -> None:
    if value not in instruments:
        raise SpecError(E_ID.format(path=path, value=value, ids=sorted(instruments)), path=path)
