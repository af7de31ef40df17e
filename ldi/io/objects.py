"""A problem built from Python objects: a market, liabilities, instruments, holdings, terms.

The objects become the sections of a problem file and the file's loader builds the problem
(``load_problem``): the same checks, the same messages at the same paths, and relative paths
resolved against the working folder. Curves are written out by their fields; a curve the
file cannot state exactly (one its loader would rebuild otherwise) is refused.
"""

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ldi.cashflows.cashflows import Cashflows
from ldi.cashflows.indexation import PLAIN
from ldi.cashflows.tranches import Tranches
from ldi.curves.inflation import BreakevenCurve, WedgeCurve
from ldi.curves.inflation_volatility import CapletVolatility, YearlyVolatility
from ldi.curves.market import Market
from ldi.curves.ufr import ConstantForwardCurve, SmithWilsonCurve
from ldi.curves.zero import ZeroCurve
from ldi.errors import SpecError
from ldi.instruments import Instrument
from ldi.io.load import load_problem
from ldi.io.schema import (
    SCHEMA_VERSION,
    BreakevenCurveSpec,
    ConstantForwardCurveSpec,
    SmithWilsonCurveSpec,
    WedgeCurveSpec,
    ZeroCurveSpec,
)
from ldi.liabilities import Liabilities
from ldi.optimize.problem import OptimizationProblem
from ldi.validation import MAX_YEARS

CURVE_SPECS: dict[type, Any] = {
    ZeroCurve: ZeroCurveSpec,
    BreakevenCurve: BreakevenCurveSpec,
    WedgeCurve: WedgeCurveSpec,
    SmithWilsonCurve: SmithWilsonCurveSpec,
    ConstantForwardCurve: ConstantForwardCurveSpec,
}
ARGUMENTS = {  # a section make_problem writes: the argument it comes from
    "ldi": "the schema version",
    "name": "name",
    "curves": "market",
    "liabilities": "liabilities",
    "instruments": "instruments",
    "holdings": "holdings",
    "objective": "objective",
    "constraints": "constraints",
}
GRID = np.linspace(0.25, MAX_YEARS, 600)  # where a rebuilt curve must equal the given one
CURVE_ATOL = 1e-12  # decimals: the same formula on the same numbers

E_SECTION = (
    "sections.{key}: given by make_problem's {argument} argument; expected other keys of a "
    "problem file, such as currency, valuation_date, solver, collateral or stress"
)
E_CURVE_TYPE = (
    "market.curves.{name}: got a {type}; expected one of {types}, or the problem as a dict "
    "(load_problem) for other curves"
)
E_CURVE_SPREAD = (
    "market.curves.{name}: has a spread but no base in the market's bases; expected a curve "
    "built on a base, e.g. Market(..., bases={{{name!r}: 'gilts'}})"
)
E_CURVE_DIFFERS = (
    "market.curves.{name}: a problem file cannot state this {type} exactly (its zero rates "
    "differ by up to {gap:.2g}); expected a curve built from its fields alone"
)
E_VOLATILITY = (
    "market.inflation_volatility.{name}: got a {type}; expected a CapletVolatility or a "
    "YearlyVolatility"
)
E_NO_NOMINAL = (
    "liabilities.discount_curve: the market names no nominal curve; expected "
    "Market(..., nominal='gilts'), or liabilities as {{'discount_curve': ..., "
    "'cashflows': ...}}"
)
E_TRANCHES = (
    "liabilities.cashflows: got tranches; expected one stream, or liabilities as a mapping "
    "with tranches and a 'tranche' column (as a problem file has them)"
)
E_INDEXATION = (
    "liabilities.indexation.{field}: got {value!r}; expected it from the market "
    "({where}), as a problem file has it"
)
E_LIABILITY_PARTS = (
    "liabilities.{field}: got {count} of them; expected none, or liabilities as a mapping "
    "(as a problem file has them)"
)
E_BASIS = (
    "liabilities.discount_curve: {problem}; expected a curve of the market plus a parallel "
    "spread (Liabilities(..., curve='gilts'))"
)
E_HOLDINGS = (
    "holdings: got a DataFrame with columns {columns}; expected columns 'id' and 'position', "
    "or a Series of positions by id"
)


def make_problem(
    market: Market,
    liabilities: Liabilities | Cashflows | pd.DataFrame | Mapping[str, Any],
    instruments: Sequence[Instrument | Mapping[str, Any]] | pd.DataFrame = (),
    holdings: pd.Series | pd.DataFrame | Mapping[str, float] | None = None,
    *,
    objective: Mapping[str, Sequence[Any]] | Sequence[Any] | None = None,
    constraints: Sequence[Any] = (),
    name: str = "problem",
    sections: Mapping[str, Any] | None = None,
) -> OptimizationProblem:
    """The problem of these objects, built as the same problem file would be.

    ``liabilities``: ``Liabilities``, ``Cashflows`` or a table of cash flows (discounted on
    the market's nominal curve), or the file's ``liabilities`` section. ``instruments``:
    instrument objects, mappings or a table. ``objective``: ``{minimize: [...], maximize:
    [...]}`` or a list to minimize; terms as objects or entries. ``sections``: the file's
    other keys (``currency``, ``valuation_date``, ``solver``, ...); its ``market`` adds to
    the market's defaults.
    """
    extra = dict(sections or {})
    for key in extra:
        if key in ARGUMENTS:
            raise SpecError(E_SECTION.format(key=key, argument=ARGUMENTS[key]), path=key)
    if objective is not None and not isinstance(objective, Mapping):
        objective = {"minimize": list(objective)}
    raw: dict[str, Any] = {
        "ldi": SCHEMA_VERSION,
        "name": name,
        "curves": {n: _curve_entry(n, curve, market) for n, curve in market.curves.items()},
        **extra,
        "market": {**_market_section(market), **extra.get("market", {})},
        "liabilities": _liabilities_section(liabilities, market),
        "instruments": instruments,
        "holdings": _holdings(holdings),
        "constraints": list(constraints),
    }
    if objective is not None:
        raw["objective"] = objective
    problem = load_problem(raw)
    for curve_name, curve in market.curves.items():
        _check_same_curve(curve_name, curve, problem.market.curves[curve_name])
    return problem


def _market_section(market: Market) -> dict[str, Any]:
    """The market's default curves and inflation volatilities."""
    section = {
        "nominal_curve": market.nominal,
        "swap_curve": market.swap,
        "inflation_curve": market.inflation,
        "inflation_volatility": {
            n: _volatility_entry(n, v) for n, v in market.inflation_volatility.items()
        },
    }
    return {key: value for key, value in section.items() if value}


def _curve_entry(name: str, curve: object, market: Market) -> dict[str, Any]:
    """A curve as the file's ``curves`` section states it: its kind, fields and base."""
    spec = CURVE_SPECS.get(type(curve))
    if spec is None:
        types = [kind.__name__ for kind in CURVE_SPECS]
        message = E_CURVE_TYPE.format(name=name, type=type(curve).__name__, types=types)
        raise SpecError(message, path=f"market.curves.{name}")
    base = market.bases.get(name)
    if isinstance(curve, WedgeCurve):
        base = base or market.name_of(curve.base)
    spread = curve.spread  # type: ignore[attr-defined]
    if not spread.is_zero:
        if base is None or not isinstance(curve, ZeroCurve):
            raise SpecError(E_CURVE_SPREAD.format(name=name), path=f"market.curves.{name}")
        return {"kind": "spread", "base": base, "tenors": spread.tenors, "spreads": spread.values}
    entry = {"kind": spec.model_fields["kind"].annotation.__args__[0]}
    for key in spec.model_fields:
        value = getattr(curve, key, None)
        if key not in ("kind", "base") and value is not None:
            entry[key] = value
    return entry if base is None else {**entry, "base": base}


def _volatility_entry(name: str, volatility: object) -> dict[str, Any]:
    """An inflation volatility as ``market.inflation_volatility`` states it."""
    if isinstance(volatility, CapletVolatility):
        return {
            "model": volatility.model,
            "expiries": volatility.expiries,
            "volatilities": volatility.volatilities,
        }
    if isinstance(volatility, YearlyVolatility):
        return {"model": volatility.model, "yearly": volatility.volatility}
    message = E_VOLATILITY.format(name=name, type=type(volatility).__name__)
    raise SpecError(message, path=f"market.inflation_volatility.{name}")


def _check_same_curve(name: str, given: object, built: object) -> None:
    """The built curve's rates are the given one's on ``GRID`` (to CURVE_ATOL)."""
    gap = float(np.max(np.abs(_rates(built) - _rates(given))))
    if not gap <= CURVE_ATOL:
        message = E_CURVE_DIFFERS.format(name=name, type=type(given).__name__, gap=gap)
        raise SpecError(message, path=f"market.curves.{name}")


def _rates(curve: Any) -> np.ndarray:
    """Breakevens of a breakeven curve, else zero rates, on ``GRID``."""
    return curve.rate(GRID) if isinstance(curve, BreakevenCurve) else curve.zero_rate(GRID)


def _liabilities_section(
    liabilities: Liabilities | Cashflows | pd.DataFrame | Mapping[str, Any], market: Market
) -> Any:
    """The file's ``liabilities`` section of these liabilities."""
    if isinstance(liabilities, Liabilities):
        return _of_liabilities(liabilities, market)
    if isinstance(liabilities, Mapping):
        section = dict(liabilities)
        flows = section.get("cashflows")
        return {**section, **_flows(flows)} if isinstance(flows, Cashflows) else section
    if market.nominal is None:
        raise SpecError(E_NO_NOMINAL, path="liabilities.discount_curve")
    section = {"discount_curve": market.nominal}
    if market.inflation is not None:
        section["inflation_curve"] = market.inflation
    if isinstance(liabilities, Cashflows):
        return {**section, **_flows(liabilities)}
    return {**section, "cashflows": liabilities}


def _of_liabilities(liabilities: Liabilities, market: Market) -> dict[str, Any]:
    """A ``Liabilities`` on a market curve plus a parallel spread, as the file states it."""
    for field in ("by_status", "bases"):
        count = len(getattr(liabilities, field))
        if count:
            message = E_LIABILITY_PARTS.format(field=field, count=count)
            raise SpecError(message, path=f"liabilities.{field}")
    curve = liabilities.curve or market.name_of(liabilities.discount_curve)
    if curve not in market.curves:
        problem = f"got {curve!r}, not a curve of the market {sorted(market.curves)}"
        raise SpecError(E_BASIS.format(problem=problem), path="liabilities.discount_curve")
    gap = liabilities.discount_curve.zero_rate(GRID) - _rates(market.curves[curve])
    if np.ptp(gap) > CURVE_ATOL:
        problem = f"its spread over {curve!r} is not parallel"
        raise SpecError(E_BASIS.format(problem=problem), path="liabilities.discount_curve")
    section: dict[str, Any] = {
        "discount_curve": curve,
        "spread": float(gap[0]),
        "credit_spread_beta": liabilities.credit_spread_beta,
    }
    if liabilities.inflation_curve is not None:
        section["inflation_curve"] = market.name_of(liabilities.inflation_curve)
    return {**section, **_flows(liabilities.cashflows)}


def _flows(flows: Any) -> dict[str, Any]:
    """One stream of cash flows as rows, with its indexation's lag, floor and cap."""
    if isinstance(flows, Tranches):
        raise SpecError(E_TRANCHES, path="liabilities.cashflows")
    rule = flows.indexation
    for field, where in (
        ("volatility", "Market.inflation_volatility"),
        ("index", "the liabilities' inflation curve"),
        ("revaluation", "a tranche's revaluation in a liabilities mapping"),
    ):
        value = getattr(rule, field)
        if value is not None:
            message = E_INDEXATION.format(field=field, value=value, where=where)
            raise SpecError(message, path=f"liabilities.indexation.{field}")
    rows = pd.DataFrame(
        {"time": flows.times, "fixed": flows.amounts, "inflation_linked": flows.inflation_linked}
    )
    section: dict[str, Any] = {"cashflows": rows}
    if rule != PLAIN:
        options = {"lag": rule.lag, "floor": rule.floor, "cap": rule.cap}
        section["indexation"] = {k: v for k, v in options.items() if v is not None}
    return section


def _holdings(holdings: pd.Series | pd.DataFrame | Mapping[str, float] | None) -> Any:
    """Holdings as positions by id: a table's ``position`` column by its ``id`` column."""
    if holdings is None:
        return {}
    if isinstance(holdings, pd.DataFrame):
        if not {"id", "position"} <= set(holdings.columns):
            columns = [str(c) for c in holdings.columns][:10]
            raise SpecError(E_HOLDINGS.format(columns=columns), path="holdings")
        return holdings.set_index("id")["position"]
    return holdings
