"""PV, PV01, duration, convexity, key-rate PV01 and IE01 by central differences of 1bp.

Conventions (DESIGN.md): PV01 = (PV(−1bp) − PV(+1bp)) / 2, positive for positive flows;
duration = PV01 / PV / 1e-4; convexity = (PV(−1bp) + PV(+1bp) − 2 PV) / (PV 1e-8);
key-rate PV01 j bumps the zero rate by 1bp x w_j(t); IE01 = (PV(b+1bp) − PV(b−1bp)) / 2 with
nominal rates held. Every number here comes from one revaluation of one shift table.
"""

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ldi.cashflows.cashflows import Cashflows
from ldi.curves.base import RateCurve
from ldi.curves.inflation import BreakevenCurve
from ldi.curves.spread import DEFAULT_KEYS, key_rate_weights
from ldi.risk.matrix import CashflowMatrix
from ldi.risk.revalue import revalue
from ldi.typing import ArrayLike, FloatArray
from ldi.units import BP
from ldi.validation import tenor_vector

SUMMARY_COLUMNS = ("pv", "pv01", "duration", "convexity", "ie01")


def key_rate_column(key: float) -> str:
    """Column name of the key-rate PV01 at ``key`` years, e.g. 'pv01_10y'."""
    return f"pv01_{key:g}y"


def exposures(
    streams: Mapping[str, Cashflows] | CashflowMatrix,
    curve: RateCurve,
    breakeven: BreakevenCurve | None = None,
    keys: ArrayLike = DEFAULT_KEYS,
) -> pd.DataFrame:
    """Risk table of many streams from one vectorized revaluation.

    Rows are stream ids; columns pv, pv01, duration, convexity, ie01 and one key-rate PV01
    per key (``key_rate_column``). Money columns are in the streams' currency (PV01 and IE01
    per bp); duration in years; convexity in years². Duration and convexity are NaN where
    PV is 0.
    """
    matrix = (
        streams if isinstance(streams, CashflowMatrix) else CashflowMatrix.from_cashflows(streams)
    )
    keys = tenor_vector(keys, "keys")
    nominal, inflation = _shift_table(keys, matrix.times)
    values = revalue(matrix, curve, breakeven, nominal, inflation)

    pv, down, up = values[:, 0], values[:, 1], values[:, 2]
    table = pd.DataFrame(index=matrix.ids)
    table["pv"] = pv
    table["pv01"] = (down - up) / 2
    table["duration"] = _ratio(table["pv01"].to_numpy(), pv) / BP
    table["convexity"] = _ratio(down + up - 2 * pv, pv) / BP**2
    table["ie01"] = (values[:, -2] - values[:, -1]) / 2
    for j, key in enumerate(keys):
        table[key_rate_column(key)] = (values[:, 3 + 2 * j] - values[:, 4 + 2 * j]) / 2
    return table


def _shift_table(keys: FloatArray, times: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Nominal and breakeven shifts (rows x times): base, parallel −/+, key j −/+, breakeven +/−."""
    flat = np.ones(times.size)
    nominal = [0 * flat, -BP * flat, BP * flat]
    for weight in key_rate_weights(keys, times):
        nominal += [-BP * weight, BP * weight]
    nominal += [0 * flat, 0 * flat]
    inflation = np.zeros((len(nominal), times.size))
    inflation[-2], inflation[-1] = BP, -BP
    return np.array(nominal), inflation


def _ratio(numerator: FloatArray, pv: FloatArray) -> FloatArray:
    return np.divide(numerator, pv, out=np.full_like(pv, np.nan), where=pv != 0)


def _one(
    cf: Cashflows, curve: RateCurve, breakeven: BreakevenCurve | None, keys: ArrayLike = (1.0,)
) -> pd.Series:
    """The exposures row of a single stream."""
    return exposures({"cf": cf}, curve, breakeven, keys).iloc[0]


def pv(cf: Cashflows, curve: RateCurve, breakeven: BreakevenCurve | None = None) -> float:
    """Present value Σ amount x DF(t) (linked amounts x index ratio), flows at t <= 0 excluded."""
    matrix = CashflowMatrix.from_cashflows({"cf": cf})
    zero = np.zeros((1, matrix.times.size))
    return float(revalue(matrix, curve, breakeven, zero, zero)[0, 0])


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
