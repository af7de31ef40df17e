"""Exposures per curve: which curves move a stream, and PV01 ladders curve by curve.

A curve reaches a stream discounted on it and every stream on a curve built on it
(``Market.lineage``); a breakeven curve reaches the streams it uprates. Summing a table of
exposures with these 0/1 weights gives each curve's PV01 (IE01) ladder; on a curve with a
base that is the PV01 of its spread over the base.
"""

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ldi.cashflows.cashflows import Cashflows
from ldi.curves.base import RateCurve
from ldi.curves.inflation import BreakevenCurve
from ldi.curves.market import Market
from ldi.curves.spread import DEFAULT_KEYS
from ldi.risk.sensitivities import exposures, stream_columns
from ldi.typing import ArrayLike, IntArray
from ldi.validation import tenor_vector

Label = tuple[str | None, ...]


def curve_exposures(
    streams: Mapping[str, Cashflows],
    curves: Mapping[str, str],
    market: Market,
    keys: ArrayLike = DEFAULT_KEYS,
    breakeven: BreakevenCurve | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(exposures by stream, PV01 ladder by curve) of streams discounted on several curves.

    ``curves`` names each stream's nominal curve in ``market``; streams on one curve share a
    revaluation (``exposures``). The ladder sums one unit of every stream, per curve
    (``curve_ladders``); ``breakeven`` uprates linked flows.
    """
    keys = tenor_vector(keys, "keys")
    names = list(streams)
    index = market.name_of(breakeven)
    codes, groups = _groups([(curves[name], index) for name in names])
    columns = stream_columns(keys)
    values = np.empty((len(names), len(columns)))
    for (curve, _), rows in groups.items():
        on_curve = market.nominal_curve(curve, f"curves.{names[rows[0]]}")
        part = exposures({names[i]: streams[names[i]] for i in rows}, on_curve, breakeven, keys)
        values[rows] = part.to_numpy()
    ids = pd.Index(names, name="id")
    table = pd.DataFrame(values, index=ids, columns=columns, copy=False)
    # Every stream on a curve has that curve's weights row.
    reach = reach_weights(list(groups), market)
    weights = pd.DataFrame(reach.to_numpy()[codes], index=ids, columns=reach.columns, copy=False)
    return table, curve_ladders(table, weights, pd.Series(1.0, index=ids))


def reach_weights(reached: Sequence[Sequence[str | None]], market: Market) -> pd.DataFrame:
    """(rows x (risk, curve)) 1 for each curve a row names and every curve it is built on.

    Columns are ("pv01", nominal curve) and ("ie01", breakeven curve); names that are not
    the market's curves (None) reach nothing. CPI declared over RPI reaches both.
    """
    nominal, breakeven = market.names(RateCurve), market.names(BreakevenCurve)
    risks, curves = ["pv01"] * len(nominal) + ["ie01"] * len(breakeven), [*nominal, *breakeven]
    # The index from_tuples builds (sorted levels), without its factorizing: several times faster.
    levels = [sorted(set(risks)), sorted(set(curves))]
    columns = pd.MultiIndex(
        levels=levels,
        codes=[[levels[0].index(r) for r in risks], [levels[1].index(c) for c in curves]],
        names=["risk", "curve"],
    )
    place = {name: j for j, name in enumerate(curves)}
    # Rows naming the same curves share one row of weights, worked out once.
    codes, groups = _groups([tuple(names) for names in reached])
    distinct = np.zeros((len(groups), len(columns)))
    for row, names in enumerate(groups):
        for name in names:
            if name in place:
                distinct[row, [place[n] for n in market.lineage(name)]] = 1.0
    return pd.DataFrame(distinct[codes], columns=columns, copy=False)


def curve_ladders(exposures: pd.DataFrame, weights: pd.DataFrame, held: pd.Series) -> pd.DataFrame:
    """Per curve: Σ held x weight x PV01 (nominal curves) or IE01 (breakevens), and by key.

    Rows are curve names; columns ``risk`` (pv01 or ie01), ``total`` and one column per key
    tenor (its label, e.g. '10y'). A curve built on another shows its spread's exposure.
    """
    keys = [c.removeprefix("pv01_") for c in exposures.columns if c.startswith("pv01_")]
    risks = weights.columns.get_level_values("risk")
    reach = weights.to_numpy().T * held.to_numpy()  # (curves x rows)
    frames = []
    for risk in ("pv01", "ie01"):
        mine = np.flatnonzero(risks == risk)
        if not mine.size:
            continue
        money = exposures[[risk, *(f"{risk}_{k}" for k in keys)]].to_numpy()
        ladder = reach[mine] @ money
        curves = weights.columns.get_level_values("curve")[mine]
        frame = pd.DataFrame(ladder, index=curves, columns=["total", *keys])
        frame.insert(0, "risk", risk)
        frames.append(frame)
    return pd.concat(frames) if frames else pd.DataFrame(columns=["risk", "total", *keys])


def _groups(labels: Sequence[Label]) -> tuple[IntArray, dict[Label, IntArray]]:
    """Each row's group number, and the rows of each distinct label, in order of first use.

    Labels are tuples (hashable, never missing), so one hashing pass groups them.
    """
    items = np.fromiter(labels, dtype=object, count=len(labels))
    codes, distinct = pd.factorize(items)
    order = np.argsort(codes, kind="stable")
    ends = np.cumsum(np.bincount(codes, minlength=len(distinct)))
    # The last piece, after ends[-1] (every row), is empty.
    return codes, dict(zip(distinct, np.split(order, ends)[:-1], strict=True))
