"""PV, PV01, duration, convexity, key-rate PV01 and IE01 by central differences of 1bp.

Conventions (docs/conventions.md, Sensitivities and Inflation): PV01 = (PV(−1bp) −
PV(+1bp)) / 2, positive for positive flows; duration = PV01 / PV / 1e-4; convexity =
(PV(−1bp) + PV(+1bp) − 2 PV) / (PV 1e-8); key-rate PV01 j bumps the zero rate by
1bp x w_j(t); IE01 = (PV(b+1bp) − PV(b−1bp)) / 2 with nominal rates held, and key-rate IE01 j
bumps the breakeven by 1bp x w_j(t). Every number here comes from one revaluation of one set
of shifts.
"""

from collections.abc import Mapping
from functools import cache

import numpy as np
import pandas as pd

from ldi.cashflows.cashflows import Cashflows
from ldi.curves.base import RateCurve, Refitted
from ldi.curves.inflation import BreakevenCurve
from ldi.curves.spread import DEFAULT_KEYS
from ldi.risk.matrix import CashflowMatrix
from ldi.risk.revalue import revalue
from ldi.risk.shifts import Shifts
from ldi.typing import ArrayLike, FloatArray
from ldi.units import BP
from ldi.validation import tenor_vector

SUMMARY_COLUMNS = ("pv", "pv01", "duration", "convexity", "ie01")


@cache
def key_label(key: float) -> str:
    """Key tenor as text, e.g. '10y', '0.5y'.

    The shortest decimal that round-trips, so distinct keys never share a label.
    """
    return f"{np.format_float_positional(float(key), trim='-')}y"


def key_rate_column(key: float) -> str:
    """Column name of the key-rate PV01 at ``key`` years, e.g. 'pv01_10y', 'pv01_0.5y'."""
    return f"pv01_{key_label(key)}"


def inflation_key_rate_column(key: float) -> str:
    """Column name of the key-rate IE01 at ``key`` years, e.g. 'ie01_10y'."""
    return f"ie01_{key_label(key)}"


def exposures(
    streams: Mapping[str, Cashflows] | CashflowMatrix,
    curve: RateCurve,
    breakeven: BreakevenCurve | None = None,
    keys: ArrayLike = DEFAULT_KEYS,
    spreads: ArrayLike | None = None,
) -> pd.DataFrame:
    """Risk table of many streams from one vectorized revaluation.

    ``spreads`` optionally gives each stream its own spread over ``curve`` (decimals, in the
    curve's compounding), e.g. the z-spreads of bonds; every bump moves them all alike.

    Rows are stream ids; columns pv, pv01, duration, convexity, ie01, one key-rate PV01 per
    key (``key_rate_column``) and one key-rate IE01 per key (``inflation_key_rate_column``).
    Money columns are in the streams' currency (PV01 and IE01 per bp); duration in years;
    convexity in years². Duration and convexity are NaN where PV is 0.
    """
    matrix = (
        streams if isinstance(streams, CashflowMatrix) else CashflowMatrix.from_cashflows(streams)
    )
    keys = tenor_vector(keys, "keys")
    # Breakeven scenarios only matter for linked flows; without any, IE01s are 0.
    shifts = _shifts(keys, with_breakeven=matrix.has_linked)
    values = revalue(matrix, curve, breakeven, shifts, spreads)

    pv, down, up = values[:, 0], values[:, 1], values[:, 2]
    m = keys.size
    table = np.zeros((values.shape[0], len(SUMMARY_COLUMNS) + 2 * m))
    pv01 = (down - up) / 2
    table[:, 0] = pv
    table[:, 1] = pv01
    table[:, 2] = _ratio(pv01, pv) / BP
    table[:, 3] = _ratio(down + up - 2 * pv, pv) / BP**2
    # Scenario 3 + 2j is key j bumped down, 4 + 2j bumped up; then the breakeven bumps,
    # parallel up/down and key j up/down, when there are linked flows.
    table[:, 5 : 5 + m] = _central(values[:, 3 : 3 + 2 * m])
    if matrix.has_linked:
        table[:, 4] = _central(values[:, 3 + 2 * m : 5 + 2 * m])[:, 0]
        table[:, 5 + m :] = _central(values[:, 5 + 2 * m :])
    return pd.DataFrame(table, index=matrix.ids, columns=stream_columns(keys), copy=False)


def stream_columns(keys: FloatArray) -> list[str]:
    """Columns of an ``exposures`` table for key tenors ``keys``."""
    return [
        *SUMMARY_COLUMNS,
        *(key_rate_column(key) for key in keys),
        *(inflation_key_rate_column(key) for key in keys),
    ]


def basis_exposures(
    cf: Cashflows,
    curve: RateCurve,
    breakeven: BreakevenCurve | None = None,
    keys: ArrayLike = DEFAULT_KEYS,
) -> pd.Series:
    """The exposures row of ``cf`` on ``curve``, a regulatory curve bumped through its inputs.

    For a ``Refitted`` curve (e.g. Smith–Wilson to an Ultimate Forward Rate) PV01 =
    (PV(inputs −1bp) − PV(inputs +1bp)) / 2 with the curve refitted each time, and likewise
    each key-rate PV01 with the inputs moved by 1bp x w_j(u); duration and convexity follow.
    Breakeven risk is the same as on any curve.
    """
    keys = tenor_vector(keys, "keys")
    row = exposures({"total": cf}, curve, breakeven, keys).iloc[0].copy()
    if not isinstance(curve, Refitted):
        return row
    matrix = CashflowMatrix.from_cashflows({"total": cf})
    values = np.array(
        [
            revalue(matrix, bumped, breakeven, Shifts.none())[0, 0]
            for bumped in curve.input_bumps(keys)
        ]
    )
    pv, down, up = row["pv"], values[0], values[1]
    row["pv01"] = (down - up) / 2
    row["duration"] = row["pv01"] / pv / BP if pv else np.nan
    row["convexity"] = (down + up - 2 * pv) / pv / BP**2 if pv else np.nan
    row[[key_rate_column(k) for k in keys]] = (values[2::2] - values[3::2]) / 2
    return row


def _central(pairs: FloatArray) -> FloatArray:
    """(first − second) / 2 of consecutive column pairs."""
    return (pairs[:, 0::2] - pairs[:, 1::2]) / 2


def _shifts(keys: FloatArray, with_breakeven: bool = True) -> Shifts:
    """Scenarios: base, parallel −/+, key j −/+ for each key, then breakeven bumps.

    With ``with_breakeven``, breakeven parallel +/− and key j +/− follow, nominal rates held.
    """
    m = keys.size
    unit = np.eye(m)
    bumps = np.concatenate([np.ones((1, m)), unit])  # parallel, then each key
    pairs = np.stack([-bumps, bumps], axis=1).reshape(-1, m) * BP  # −/+ interleaved
    nominal = np.concatenate([np.zeros((1, m)), pairs])
    inflation = np.zeros_like(nominal)
    if with_breakeven:
        nominal = np.concatenate([nominal, np.zeros_like(pairs)])
        inflation = np.concatenate([inflation, -pairs])  # +/− interleaved
    return Shifts(keys, nominal, inflation)


def _ratio(numerator: FloatArray, pv: FloatArray) -> FloatArray:
    return np.divide(numerator, pv, out=np.full_like(pv, np.nan), where=pv != 0)


def _one(
    cf: Cashflows, curve: RateCurve, breakeven: BreakevenCurve | None, keys: ArrayLike = (1.0,)
) -> pd.Series:
    """The exposures row of a single stream."""
    return exposures({"cashflows": cf}, curve, breakeven, keys).iloc[0]


def pv(cf: Cashflows, curve: RateCurve, breakeven: BreakevenCurve | None = None) -> float:
    """Present value Σ amount x DF(t) (linked amounts x index ratio), flows at t <= 0 excluded."""
    matrix = CashflowMatrix.from_cashflows({"cashflows": cf})
    return float(revalue(matrix, curve, breakeven, Shifts.none())[0, 0])


def pv01(cf: Cashflows, curve: RateCurve, breakeven: BreakevenCurve | None = None) -> float:
    """(PV(−1bp) − PV(+1bp)) / 2 for a parallel bump of the nominal curve, breakevens held."""
    return float(_one(cf, curve, breakeven)["pv01"])


def duration(cf: Cashflows, curve: RateCurve, breakeven: BreakevenCurve | None = None) -> float:
    """Effective duration PV01 / PV / 1e-4, in years."""
    return float(_one(cf, curve, breakeven)["duration"])


def convexity(cf: Cashflows, curve: RateCurve, breakeven: BreakevenCurve | None = None) -> float:
    """Effective convexity (PV(−1bp) + PV(+1bp) − 2 PV) / (PV 1e-8), in years²."""
    return float(_one(cf, curve, breakeven)["convexity"])


def ie01(cf: Cashflows, curve: RateCurve, breakeven: BreakevenCurve | None = None) -> float:
    """(PV(b + 1bp) − PV(b − 1bp)) / 2 with nominal rates held; 0 for nominal-only flows."""
    return float(_one(cf, curve, breakeven)["ie01"])


def key_rate_pv01(
    cf: Cashflows,
    curve: RateCurve,
    keys: ArrayLike = DEFAULT_KEYS,
    breakeven: BreakevenCurve | None = None,
) -> pd.Series:
    """Key-rate PV01s indexed by key tenor (years); they sum to the parallel PV01."""
    keys = tenor_vector(keys, "keys")
    row = _one(cf, curve, breakeven, keys)
    values = [row[key_rate_column(k)] for k in keys]
    return pd.Series(values, index=pd.Index(keys, name="key"), name="key_rate_pv01")
