"""Per-unit exposures of an instrument universe: the table the optimizer consumes.

Every instrument is valued once; instruments sharing discount and breakeven curves are
revalued together in one vectorized pass (``ldi.risk.exposures``). Values fixed today and
stated sensitivities (growth assets) are then added, so each row is the risk of one unit
of position: one unit of market value, of notional, or of cash borrowed (``Role``).
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pandas as pd

from ldi.curves.market import Market
from ldi.curves.spread import DEFAULT_KEYS, key_rate_weights
from ldi.errors import DataError
from ldi.instruments.base import Instrument, Role, Valuation
from ldi.instruments.universe import value_all
from ldi.risk.by_curve import curve_ladders, reach_weights
from ldi.risk.sensitivities import (
    SUMMARY_COLUMNS,
    exposures,
    inflation_key_rate_column,
    key_rate_column,
    stream_columns,
)
from ldi.typing import ArrayLike, FloatArray
from ldi.units import BP
from ldi.validation import tenor_vector

E_REPEATED = "instruments: ids {ids} appear more than once; expected each id once"


@dataclass(frozen=True, eq=False)
class InstrumentRisk:
    """Exposures and market terms of a universe, both indexed by instrument id.

    ``exposures`` per unit of position: pv, pv01, duration and convexity (per unit of value,
    or of notional for overlays), ie01, cs01 (credit spread PV01: value gained when the
    instrument's spread falls 1bp), key-rate PV01s
    (``pv01_<key>y``) and key-rate IE01s (``ie01_<key>y``); money per bp. ``terms``: kind,
    role, maturity (years to the last flow) and the quote each instrument reports (prices,
    spreads, rates). ``curves`` (ids x
    curve names): 1 where a move of that curve moves the instrument's discount rate (its
    curve and the curves it is built on) or its index, else 0; ``discount_curves`` the name
    of the curve whose rates move each instrument (None: none of the market's).
    """

    exposures: pd.DataFrame
    terms: pd.DataFrame
    curves: pd.DataFrame = field(default_factory=pd.DataFrame)
    discount_curves: pd.Series = field(default_factory=lambda: pd.Series(dtype=object))

    def by_curve(self, positions: pd.Series | None = None) -> pd.DataFrame:
        """PV01 (IE01) ladders per curve of ``positions`` (default: one unit of each).

        ``curves`` holds, per instrument, the weight (0 or 1) with which a move of each
        curve reaches its discount rate or its index; see :func:`curve_ladders`.
        """
        held = pd.Series(1.0, index=self.exposures.index) if positions is None else positions
        held = held.reindex(self.exposures.index, fill_value=0.0)
        return curve_ladders(self.exposures, self.curves, held)


def exposure_columns(keys: FloatArray) -> list[str]:
    """Columns of ``InstrumentRisk.exposures`` for key tenors ``keys``: a stream's, and cs01."""
    columns = stream_columns(keys)
    columns.insert(len(SUMMARY_COLUMNS), "cs01")
    return columns


def instrument_risk(
    instruments: Sequence[Instrument],
    market: Market,
    keys: ArrayLike = DEFAULT_KEYS,
    valued: Sequence[Valuation] | None = None,
) -> InstrumentRisk:
    """Value every instrument on ``market`` and tabulate its per-unit exposures.

    ``valued``: the instruments already valued on ``market``, in order (else valued here).
    """
    keys = tenor_vector(keys, "keys")
    ids = [instrument.id for instrument in instruments]
    repeated = sorted(i for i, count in Counter(ids).items() if count > 1)
    if repeated:
        raise DataError(E_REPEATED.format(ids=repeated))
    if valued is None:
        valued = value_all(instruments, market)
    valuations = dict(zip(ids, valued, strict=True))
    ids = pd.Index(list(valuations), name="id")
    table = _stream_exposures(valuations, keys).reindex(ids).fillna(0.0)

    stream_pv = table["pv"].to_numpy()
    curvature = np.nan_to_num(table["convexity"].to_numpy()) * stream_pv  # money / BP²
    pv = stream_pv + np.array([v.settled for v in valuations.values()])
    credit = np.array([v.credit for v in valuations.values()])
    table["cs01"] = np.where(credit, table["pv01"], 0.0)
    table["pv"] = pv
    _add_stated(table, valuations, keys, pv)
    # An overlay's PV is near 0; its duration is quoted per unit of notional instead.
    overlay = np.array([type(i).role is Role.OVERLAY for i in instruments])
    basis = np.where(overlay, 1.0, pv)
    table["duration"] = _per_pv(table["pv01"].to_numpy(), basis) / BP
    table["convexity"] = _per_pv(curvature, basis)
    records = [
        {
            "kind": type(i).kind,
            "role": type(i).role.value,
            "category": i.category,
            "maturity": _maturity(valuations[i.id]),
            **valuations[i.id].quote,
        }
        for i in instruments
    ]
    terms = (
        pd.DataFrame(records, index=ids)
        if records
        else pd.DataFrame(columns=["kind", "role", "category"], index=ids)
    )
    curves = curve_weights(list(valuations.values()), market).set_axis(ids)
    name_of = cache(market.name_of)  # once per distinct curve
    discount = pd.Series(
        [_rate_curve(name_of(v.curve), v, market) for v in valuations.values()], index=ids
    )
    return InstrumentRisk(
        exposures=table[exposure_columns(keys)],
        terms=terms,
        curves=curves,
        discount_curves=discount,
    )


def _maturity(valuation: Valuation) -> float:
    """Years to a unit's last flow: a bond's or a swap's maturity, a repo's term (else NaN)."""
    times = valuation.stream.times
    return float(times.max()) if times.size else float("nan")


def _rate_curve(name: str | None, valuation: Valuation, market: Market) -> str | None:
    """The market curve whose rates move a valuation (None: none of the market's).

    Its discount curve (``name`` in ``market``), else the bond curve for a stated rates
    duration.
    """
    if name is None and valuation.stated.rates_duration:
        return market.nominal
    return name


def curve_weights(valuations: Sequence[Valuation], market: Market) -> pd.DataFrame:
    """(valuations x (risk, curve)) 1 where a move of the curve moves the valuation.

    A discount curve reaches a valuation through its lineage (SONIA and gilts for SONIA =
    gilts + spread); stated rate and inflation durations load on the market's default bond
    and breakeven curves.
    """
    reached = []
    name_of = cache(market.name_of)  # once per distinct curve
    for valuation in valuations:
        names = [name_of(valuation.curve), name_of(valuation.breakeven)]
        if valuation.stated.rates_duration:
            names.append(market.nominal)
        if valuation.stated.inflation_duration:
            names.append(market.inflation)
        reached.append(names)
    return reach_weights(reached, market)


def _stream_exposures(valuations: dict[str, Valuation], keys: FloatArray) -> pd.DataFrame:
    """Exposures of the instruments' streams, one revaluation per (curve, breakeven) pair.

    Instruments on one curve at different spreads (bonds' z-spreads) share a revaluation.
    """
    groups: dict[tuple[int, int], list[str]] = {}
    for name, valuation in valuations.items():
        if len(valuation.stream):
            groups.setdefault((id(valuation.curve), id(valuation.breakeven)), []).append(name)
    parts = [
        exposures(
            {name: valuations[name].stream for name in members},
            valuations[members[0]].curve,
            valuations[members[0]].breakeven,
            keys,
            spreads=[valuations[name].spread for name in members],
        )
        for members in groups.values()
    ]
    return pd.concat(parts) if parts else pd.DataFrame(columns=stream_columns(keys), dtype=float)


def _add_stated(
    table: pd.DataFrame, valuations: dict[str, Valuation], keys: FloatArray, pv: FloatArray
) -> None:
    """Add stated durations as PV01/IE01/CS01 = duration x 1e-4 x PV, bucketed at the duration."""
    stated = [v.stated for v in valuations.values()]
    for risk, column, key_column in (
        ("rates_duration", "pv01", key_rate_column),
        ("inflation_duration", "ie01", inflation_key_rate_column),
    ):
        duration = np.array([getattr(s, risk) for s in stated])
        if not duration.any():
            continue
        amount = duration * BP * pv
        table[column] += amount
        weights = key_rate_weights(keys, np.abs(duration))  # (keys, instruments)
        columns = [key_column(key) for key in keys]
        table[columns] = table[columns].to_numpy() + (amount * weights).T
    table["cs01"] += np.array([s.spread_duration for s in stated]) * BP * pv


def _per_pv(values: FloatArray, basis: FloatArray) -> FloatArray:
    return np.divide(values, basis, out=np.full_like(basis, np.nan), where=basis != 0)
