"""Per-unit exposures of an instrument universe: the table the optimizer consumes.

Every instrument is valued once; instruments sharing discount and breakeven curves are
revalued together in one vectorized pass (``ldi.risk.exposures``). Values fixed today and
stated sensitivities (growth assets) are then added, so each row is the risk of one unit
of position: one unit of market value, of notional, or of cash borrowed (``Role``).
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ldi.cashflows.stacked import StackedCashflows
from ldi.curves.market import Market
from ldi.curves.spread import DEFAULT_KEYS, key_rate_weights
from ldi.errors import DataError
from ldi.instruments.base import Instrument, Role, Valuation
from ldi.instruments.universe import valued_columns
from ldi.instruments.valuations import Valuations, objects
from ldi.risk.by_curve import curve_ladders, reach_weights
from ldi.risk.matrix import CashflowMatrix
from ldi.risk.sensitivities import SUMMARY_COLUMNS, exposures, stream_columns
from ldi.typing import ArrayLike, FloatArray, IntArray, ObjectArray
from ldi.units import BP
from ldi.validation import tenor_vector

E_REPEATED = "instruments: ids {ids} appear more than once; expected each id once"
# Positions of the summary columns in a stream table (``stream_columns``).
_PV, _PV01, _DURATION, _CONVEXITY, _IE01 = (
    SUMMARY_COLUMNS.index(name) for name in ("pv", "pv01", "duration", "convexity", "ie01")
)


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
    valuations = valued_columns(instruments, market, valued)
    index = pd.Index(ids, name="id")
    table = _stream_exposures(valuations, keys, index)

    stream_pv, pv01 = table[:, _PV], table[:, _PV01]  # pv01 a view: stated durations add to it
    curvature = np.nan_to_num(table[:, _CONVEXITY]) * stream_pv  # money / BP²
    pv = stream_pv + valuations.settled
    cs01 = np.where(valuations.credit, pv01, 0.0)
    table[:, _PV] = pv
    _add_stated(table, cs01, valuations.stated, keys, pv)
    classes, kinds = _by_identity(objects(list(map(type, instruments))))
    overlay = np.array([cls.role is Role.OVERLAY for cls in kinds], dtype=bool)[classes]
    # An overlay's PV is near 0; its duration is quoted per unit of notional instead.
    basis = np.where(overlay, 1.0, pv)
    table[:, _DURATION] = _per_pv(pv01, basis) / BP
    table[:, _CONVEXITY] = _per_pv(curvature, basis)
    exposures_table = pd.DataFrame(
        np.insert(table, len(SUMMARY_COLUMNS), cs01, axis=1),
        index=index,
        columns=exposure_columns(keys),
    )
    terms = (
        pd.DataFrame(
            {
                "kind": objects([cls.kind for cls in kinds])[classes],
                "role": objects([cls.role.value for cls in kinds])[classes],
                "category": [i.category for i in instruments],
                "maturity": _maturities(valuations.streams),
                **valuations.quotes.columns(),
            },
            index=index,
        ).infer_objects()
        if ids
        else pd.DataFrame(columns=["kind", "role", "category"], index=index)
    )
    curves, discount = _curve_reach(valuations, market, index)
    return InstrumentRisk(
        exposures=exposures_table,
        terms=terms,
        curves=curves,
        discount_curves=pd.Series(discount, index=index),
    )


def _maturities(streams: StackedCashflows) -> FloatArray:
    """Years to each unit's last flow (NaN: none): a bond's or swap's maturity, a repo's term."""
    maturity = np.full(len(streams), np.nan)
    flowing = streams.sizes > 0
    if flowing.any():
        maturity[flowing] = np.maximum.reduceat(streams.times, streams.starts[:-1][flowing])
    return maturity


def _curve_reach(
    valuations: Valuations, market: Market, ids: pd.Index
) -> tuple[pd.DataFrame, list[str | None]]:
    """(ids x (risk, curve)) 1 where a move of the curve moves the unit, and its rate curve.

    A discount curve reaches a unit through its lineage (SONIA and gilts for SONIA =
    gilts + spread); stated rate and inflation durations load on the market's default bond
    and breakeven curves. The rate curve is the unit's discount curve if it is the market's,
    else the bond curve for a stated rates duration (else None).
    """
    curve_codes, curves = _by_identity(valuations.curve)
    index_codes, indices = _by_identity(valuations.breakeven)
    curve_names = [market.name_of(curve) for curve in curves]
    index_names = [market.name_of(index) for index in indices]
    rates, inflation = (valuations.stated[:, :2] != 0).T
    # Units naming the same curves share one row of weights.
    label = ((curve_codes * len(indices) + index_codes) * 2 + rates) * 2 + inflation
    codes, _ = pd.factorize(label)
    reached = []
    for k in np.unique(codes, return_index=True)[1].tolist():
        names = [curve_names[curve_codes[k]], index_names[index_codes[k]]]
        if rates[k]:
            names.append(market.nominal)
        if inflation[k]:
            names.append(market.inflation)
        reached.append(names)
    weights = reach_weights(reached, market)
    curves_table = pd.DataFrame(weights.to_numpy()[codes], index=ids, columns=weights.columns)
    discount = np.array(curve_names + [None], dtype=object)[curve_codes]
    stated_only = np.array([name is None for name in curve_names], dtype=bool)[curve_codes] & rates
    discount[stated_only] = market.nominal
    return curves_table, discount.tolist()


def _by_identity(values: ObjectArray) -> tuple[IntArray, list[object]]:
    """Each value's code, and the distinct objects (by identity) in order of first use."""
    codes, _ = pd.factorize(np.fromiter(map(id, values), np.int64, values.size))
    return codes, values[np.unique(codes, return_index=True)[1]].tolist()


def _stream_exposures(valuations: Valuations, keys: FloatArray, ids: pd.Index) -> FloatArray:
    """(units x ``stream_columns``) exposures of the units' streams, NaN as 0.

    One revaluation per (curve, breakeven) pair: instruments on one curve at different
    spreads (bonds' z-spreads) share it. Units without flows have none.
    """
    streams = valuations.streams
    table = np.zeros((len(valuations), len(SUMMARY_COLUMNS) + 2 * keys.size))
    flowing = np.flatnonzero(streams.sizes > 0)
    curve_codes, _ = _by_identity(valuations.curve[flowing])
    index_codes, indices = _by_identity(valuations.breakeven[flowing])
    codes, _ = pd.factorize(curve_codes * len(indices) + index_codes)
    for code in range(codes.max(initial=-1) + 1):
        rows = flowing[codes == code]
        mine = streams if rows.size == len(streams) else streams.take(rows)
        table[rows] = exposures(
            CashflowMatrix.from_stacked(ids[rows], mine),
            valuations.curve[rows[0]],
            valuations.breakeven[rows[0]],
            keys,
            spreads=valuations.spread[rows],
        ).to_numpy()
    table[np.isnan(table)] = 0.0
    return table


def _add_stated(
    table: FloatArray, cs01: FloatArray, stated: FloatArray, keys: FloatArray, pv: FloatArray
) -> None:
    """Add stated durations as PV01/IE01/CS01 = duration x 1e-4 x PV, bucketed at the duration.

    ``table``: (units x ``stream_columns``); ``stated``: (units, 3) durations as ``StatedRisk``.
    """
    m = keys.size
    first_key = len(SUMMARY_COLUMNS)
    for risk, column, key_columns in (
        (0, _PV01, slice(first_key, first_key + m)),  # rates: pv01 and its key rates
        (1, _IE01, slice(first_key + m, first_key + 2 * m)),  # inflation: ie01 and its key rates
    ):
        duration = stated[:, risk]
        if not duration.any():
            continue
        amount = duration * BP * pv
        table[:, column] += amount
        weights = key_rate_weights(keys, np.abs(duration))  # (keys, instruments)
        table[:, key_columns] += (amount * weights).T
    cs01 += stated[:, 2] * BP * pv


def _per_pv(values: FloatArray, basis: FloatArray) -> FloatArray:
    return np.divide(values, basis, out=np.full_like(basis, np.nan), where=basis != 0)
