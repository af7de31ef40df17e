"""Charts for investment-committee reports, in one house style, as PNG files or bytes.

Each chart takes plain numbers (pandas or numpy, as a live result holds them or as its
JSON file reads back) and returns a ``matplotlib.figure.Figure`` of its own: no pyplot, so
no global figure state is shared between calls, threads or a notebook's backend. Money is
drawn in millions of the currency, PV01 and IE01 in thousands per basis point and ratios in
percent; every axis states its unit. ``save_figure`` writes a chart atomically in the format
its file's extension names (PNG, PDF or SVG) and ``png_bytes`` renders it for embedding (a
self-contained HTML report). Names from a problem file (instruments, groups, scenarios,
pools) are drawn as written: their text is set with ``LITERAL``, so a ``$`` or a backslash
never starts mathtext or TeX.
"""

import io
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ldi.errors import DataError
from ldi.reporting.tables import MATERIAL
from ldi.storage.atomic import write_bytes_atomic
from ldi.typing import ArrayLike, FloatArray
from ldi.validation import enum_choice, finite_vector, same_length

MILLION = 1e6  # money axes are in millions of the currency
THOUSAND = 1e3  # PV01 and IE01 axes are in thousands of the currency per bp
PERCENT = 100.0
E_COLUMNS = "{chart}: table has no column(s) {missing}; expected {expected}"
E_NO_KEYS = "key_rate_profile: no {measure}_<k>y rows in the table; expected e.g. {measure}_10y"
E_UNLABELLED = "allocation_chart: labels has no entry for {ids}; expected a label for every id"
E_FORMAT = "{path}: cannot write a chart as {suffix!r}; expected .png, .pdf or .svg"
CHART_FORMATS = ("png", "pdf", "svg")  # by file extension, in any case
# Text properties for a user's text: drawn as written, without mathtext ($...$) or TeX.
LITERAL: Mapping[str, bool] = MappingProxyType({"parse_math": False, "usetex": False})
COLLATERAL_COLUMNS = ("collateral_needed", "collateral_available")
CATEGORY_COLUMNS = ("group", "before", "after")
RATIO_RANGE = (-0.5, 2.0)  # the hedge-ratio axis never spans beyond these (decimals)
RATIO_MARGIN = 0.05  # of the hedge-ratio axis's span, above and below
# Each group of categories in its own panel: its title and what its money axis measures.
PANELS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "assets": ("Physical assets", "Market value"),
        "overlays": ("Overlays (+ receives fixed or inflation)", "Notional"),
        "financing": ("Financing (a liability of the fund)", "Cash borrowed, shown negative"),
    }
)
WATERFALL_COLUMNS = ("used", "left")
STRESS_COLUMNS = (
    "asset_change",
    "liability_change",
    "surplus_change",
    "funding_ratio_before",
    "funding_ratio_after",
)


@dataclass(frozen=True)
class Style:
    """The house style of every chart: size (inches), resolution, grid and series colours.

    ``row_height`` (inches) grows a horizontal bar chart with its number of rows;
    ``category_height`` and ``panel_height`` an allocation chart with its categories (three
    bars each) and its panels.
    """

    size: tuple[float, float] = (8.0, 4.5)
    dpi: int = 120
    grid_alpha: float = 0.3
    row_height: float = 0.35
    category_height: float = 0.55
    panel_height: float = 1.0
    colours: Mapping[str, str] = field(
        default_factory=lambda: MappingProxyType(
            {
                "assets": "#1f77b4",
                "liabilities": "#d62728",
                "before": "#7f7f7f",
                "after": "#1f77b4",
                "surplus": "#2ca02c",
                "fixed": "#d62728",
                "inflation_linked": "#ff9896",
                "called": "#d62728",
                "available": "#1f77b4",
                "headroom": "#2ca02c",
                "trade": "#9467bd",
                "ratio": "#000000",
                "off_scale": "#ff7f0e",
            }
        )
    )


STYLE = Style()


class KeyRisk(StrEnum):
    """The risk a key-rate chart shows."""

    RATES = "rates"
    INFLATION = "inflation"


MEASURES = {KeyRisk.RATES: "pv01", KeyRisk.INFLATION: "ie01"}  # row prefix: pv01_10y, ...


def cashflow_profile(
    times: ArrayLike, fixed: ArrayLike, inflation_linked: ArrayLike, currency: str
) -> Figure:
    """Liability cash flows by year: fixed and inflation-linked payments stacked.

    All three are per payment: ``times`` in years, ``fixed`` and ``inflation_linked`` in
    money (the linked real amounts already uprated, e.g. by their indexation's projected
    ratio), so each bar's top is what the scheme expects to pay that year. Without any
    inflation-linked payment only the fixed bars are drawn (and named in the legend).
    """
    t = finite_vector(times, "cashflow_profile.times")
    fixed_m = _per_time(fixed, t, "fixed") / MILLION
    linked_m = _per_time(inflation_linked, t, "inflation_linked") / MILLION
    figure, (axes,) = new_figure()
    width = 0.8 * _spacing(t)
    colours = STYLE.colours
    axes.bar(t, fixed_m, width=width, color=colours["fixed"], label="Fixed")
    if linked_m.any():
        axes.bar(
            t,
            linked_m,
            width=width,
            bottom=fixed_m,
            color=colours["inflation_linked"],
            label="Inflation-linked",
        )
    axes.set_xlabel("Year")
    axes.set_ylabel(f"Cash flow ({currency} m)")
    _legend(figure, axes)
    figure.suptitle("Liability cash flows by year")
    return figure


def key_rate_profile(table: pd.DataFrame, risk: KeyRisk | str, currency: str) -> Figure:
    """Key-rate PV01 (``risk`` "rates") or IE01 ("inflation") of liabilities and assets.

    ``table`` is a result's exposures frame: rows ``pv01_<k>y`` / ``ie01_<k>y`` (money per
    bp), columns liabilities, assets (after), assets_before and hedge_ratio (assets /
    liabilities). Bars per key tenor: liabilities and assets after, assets before as an
    outline on the assets bar; the hedge ratio as points on a second axis in percent, only
    where the liabilities' exposure is at least ``MATERIAL`` of the largest bucket's.
    That axis spans the ratios and 100% within ``RATIO_RANGE``; a ratio beyond it is drawn
    at the edge, marked and labelled with its value (``_ratio_points``).
    """
    kind = enum_choice(KeyRisk, risk, "key_rate_profile.risk")
    _require(table, ("liabilities", "assets", "assets_before", "hedge_ratio"), "key_rate_profile")
    measure = MEASURES[kind]
    rows, tenors = _key_rows(table, measure)
    x = np.arange(len(tenors))
    figure, (axes,) = new_figure()
    colours = STYLE.colours
    axes.bar(
        x - 0.2,
        rows["liabilities"] / THOUSAND,
        width=0.4,
        color=colours["liabilities"],
        label="Liabilities",
    )
    axes.bar(x + 0.2, rows["assets"] / THOUSAND, width=0.4, color=colours["assets"], label="Assets")
    axes.bar(
        x + 0.2,
        rows["assets_before"] / THOUSAND,
        width=0.4,
        fill=False,
        edgecolor=colours["before"],
        linewidth=1.5,
        label="Assets before",
    )
    axes.axhline(0.0, color="black", linewidth=0.8)
    axes.set_xticks(x, tenors)
    axes.set_xlabel("Key-rate tenor (years)")
    axes.set_ylabel(f"{measure.upper()} ({currency} k per bp)")
    ratios = shown_ratios(rows["liabilities"], rows["hedge_ratio"])
    ratio = axes.twinx()
    _ratio_points(ratio, x, ratios.to_numpy())
    hidden = [tenor for tenor, shown in zip(tenors, ratios.notna(), strict=True) if not shown]
    if hidden:
        axes.set_title(
            f"No hedge ratio at {', '.join(hidden)}y: liabilities below "
            f"{MATERIAL:.0%} of the largest bucket's {measure.upper()}",
            fontsize="small",
        )
    _legend(figure, axes, ratio)
    figure.suptitle(f"Key-rate {measure.upper()} ({kind.value}): liabilities and assets")
    return figure


def shown_ratios(liabilities: pd.Series, hedge_ratio: pd.Series) -> pd.Series:
    """The hedge ratios worth drawing: NaN where |liabilities| < ``MATERIAL`` x max.

    Also NaN where there is no ratio (a bucket without liabilities) or no liability at all.
    """
    exposure = pd.to_numeric(liabilities, errors="coerce").abs()
    ratios = pd.to_numeric(hedge_ratio, errors="coerce").astype(float)
    largest = exposure.max()
    material = (exposure >= MATERIAL * largest) & (largest > 0)
    return ratios.where(material & np.isfinite(ratios))


def ratio_limits(ratios: ArrayLike) -> tuple[float, float]:
    """The hedge-ratio axis's limits (decimals): the finite ``ratios`` and 1, clipped, padded.

    [lo, hi] = [max(min(r, 1), RATIO_RANGE[0]), min(max(r, 1), RATIO_RANGE[1])], widened by
    ``RATIO_MARGIN`` x (hi − lo) each way (0.1 when every ratio is 1).
    """
    values = np.asarray(ratios, dtype=float)
    values = values[np.isfinite(values)]
    low = max(min(values.min(initial=1.0), 1.0), RATIO_RANGE[0])
    high = min(max(values.max(initial=1.0), 1.0), RATIO_RANGE[1])
    margin = RATIO_MARGIN * (high - low) or 0.1
    return low - margin, high + margin


def _ratio_points(axes: Axes, x: FloatArray, ratios: FloatArray) -> None:
    """Hedge ratios (decimals, NaN: not drawn) as points in percent on ``ratio_limits``.

    A ratio beyond ``RATIO_RANGE`` is drawn at the range's edge (``_off_scale``).
    """
    colours = STYLE.colours
    low, high = RATIO_RANGE
    inside = (ratios >= low) & (ratios <= high)
    axes.plot(
        x[inside],
        ratios[inside] * PERCENT,
        linestyle="none",
        marker="D",
        color=colours["ratio"],
        label="Hedge ratio",
    )
    beyond = np.isfinite(ratios) & ~inside
    _off_scale(axes, x[beyond], ratios[beyond])
    bottom, top = ratio_limits(ratios)
    axes.set_ylim(bottom * PERCENT, top * PERCENT)
    axes.axhline(PERCENT, color=colours["ratio"], linewidth=0.8, linestyle=":")
    axes.set_ylabel("Hedge ratio (%)")


def _off_scale(axes: Axes, x: FloatArray, ratios: FloatArray) -> None:
    """Ratios beyond ``RATIO_RANGE`` at its edge, a triangle pointing off, their value beside."""
    low, high = RATIO_RANGE
    edges = np.clip(ratios, low, high)
    colour = STYLE.colours["off_scale"]
    label = "Hedge ratio off the scale (value written)"
    for marker, side in (("^", edges == high), ("v", edges == low)):
        if side.any():
            axes.plot(x[side], edges[side] * PERCENT, marker, color=colour, label=label)
            label = "_nolegend_"  # one legend entry for both edges
    for position, edge, value in zip(x, edges, ratios, strict=True):
        axes.annotate(
            f"{value:.0%}",
            (position, edge * PERCENT),
            xytext=(6, -4 if edge == high else 4),
            textcoords="offset points",
            fontsize="small",
            color=colour,
        )


def allocation_chart(
    positions: pd.Series | Mapping[str, float],
    holdings: pd.Series | Mapping[str, float],
    currency: str,
    *,
    labels: pd.Series | Mapping[str, str] | None = None,
) -> Figure:
    """Positions before (``holdings``) and after (``positions``) by id, and the trades.

    Both are money by instrument id as a result reports them: market value for physical
    assets, notional for overlays, cash borrowed for repo, signed (a pay-fixed swap or a
    sale is negative); an id missing from one side counts 0 there. ``labels`` (id -> group,
    e.g. a result's instruments["kind"]) sums the ids of each group into one row.
    """
    before, after = pd.Series(holdings, dtype=float), pd.Series(positions, dtype=float)
    ids = after.index.union(before.index, sort=False)
    frame = pd.DataFrame(
        {"before": before.reindex(ids, fill_value=0.0), "after": after.reindex(ids, fill_value=0.0)}
    )
    if labels is not None:
        frame = frame.groupby(_groups(ids, labels), sort=False).sum()
    frame["trade"] = frame["after"] - frame["before"]
    figure, (held, traded) = new_figure(rows=len(frame), width_ratios=(2.0, 1.0))
    colours = STYLE.colours
    _grouped_barh(
        held,
        frame[["before", "after"]] / MILLION,
        {"before": ("Before", colours["before"]), "after": ("After", colours["after"])},
    )
    traded.barh(np.arange(len(frame)), frame["trade"] / MILLION, 0.6, color=colours["trade"])
    traded.axvline(0.0, color="black", linewidth=0.8)
    held.set_xlabel(f"Position ({currency} m)")
    held.set_ylabel("Group" if labels is not None else "Instrument")
    _legend(figure, held)
    traded.set_xlabel(f"Trade ({currency} m)")
    figure.suptitle("Allocation before and after (overlays at notional, repo as borrowing)")
    return figure


def category_allocation(table: pd.DataFrame, currency: str) -> Figure:
    """Money by asset category before, after and traded, one panel per group (``PANELS``).

    ``table``: one row per category, labelled as it is to be read, in the order drawn, with
    columns group (assets, overlays or financing), before and after (money, signed as the
    fund holds them: financing negative, an overlay receiving fixed or inflation positive).
    Trade = after − before. Each group present gets its own panel and money axis, as market
    values, notionals and borrowing do not add up.
    """
    _require(table, CATEGORY_COLUMNS, "category_allocation")
    groups = [group for group in PANELS if (table["group"] == group).any()]
    sizes = [int((table["group"] == group).sum()) for group in groups]
    width, height = STYLE.size
    tall = max(height, STYLE.category_height * sum(sizes) + STYLE.panel_height * len(groups))
    figure = Figure(figsize=(width, tall), dpi=STYLE.dpi, layout="constrained")
    panels = figure.subplots(len(groups), 1, squeeze=False, height_ratios=sizes)[:, 0]
    colours = STYLE.colours
    series = {
        "before": ("Before", colours["before"]),
        "after": ("After", colours["after"]),
        "trade": ("Trade", colours["trade"]),
    }
    for axes, group in zip(panels, groups, strict=True):
        rows = table[table["group"] == group]
        money = rows[["before", "after"]].astype(float).assign(trade=lambda f: f.after - f.before)
        axes.grid(True, alpha=STYLE.grid_alpha)
        axes.set_axisbelow(True)
        _grouped_barh(axes, money / MILLION, series)
        title, measured = PANELS[group]
        axes.set_title(title, fontsize="medium", loc="left")
        axes.set_xlabel(f"{measured} ({currency} m)")
    _legend(figure, panels[0])
    figure.suptitle("Allocation by asset category: before, after and trades")
    return figure


def collateral_headroom(table: pd.DataFrame, currency: str) -> Figure:
    """Collateral called and available, and the headroom left, per scenario (money).

    ``table``: one row per scenario or rise with columns collateral_needed and
    collateral_available, as a stress test's final steps have them
    (``StressResult.outcomes``); for a ``CollateralSummary.table`` rename called_<p> and
    available_<p> to these. Headroom = available − needed; negative is a shortfall.
    """
    _require(table, COLLATERAL_COLUMNS, "collateral_headroom")
    needed, available = (table[column] / MILLION for column in COLLATERAL_COLUMNS)
    frame = pd.DataFrame({"called": needed, "available": available, "headroom": available - needed})
    figure, (axes,) = new_figure(rows=len(frame))
    colours = STYLE.colours
    series = {
        "called": ("Called", colours["called"]),
        "available": ("Available", colours["available"]),
        "headroom": ("Headroom", colours["headroom"]),
    }
    _grouped_barh(axes, frame, series)
    axes.set_xlabel(f"Collateral ({currency} m)")
    axes.set_ylabel("Scenario")
    _legend(figure, axes)
    figure.suptitle("Collateral called, available and headroom by scenario")
    return figure


def collateral_waterfall(table: pd.DataFrame, scenario: str, currency: str) -> Figure:
    """The collateral pools that meet one scenario's calls: used and left per pool (money).

    ``table``: one row per pool in the order they are drawn (``StressResult.waterfalls``:
    columns used and left), cash first, so the bars read as the waterfall of the calls.
    With columns variation_margin and other, the use is split between the swaps' margin
    paid in cash and the other calls.
    """
    _require(table, WATERFALL_COLUMNS, "collateral_waterfall")
    used, left = (table[column] / MILLION for column in WATERFALL_COLUMNS)
    figure, (axes,) = new_figure(rows=len(table))
    colours = STYLE.colours
    rows = np.arange(len(table))[::-1]  # the first pool drawn at the top
    if {"variation_margin", "other"} <= set(table.columns):
        margin = table["variation_margin"] / MILLION
        axes.barh(rows, margin, color=colours["called"], label="Swaps' variation margin (cash)")
        label = "Other calls (repo top-ups, initial margin)"
        axes.barh(rows, table["other"] / MILLION, left=margin, color=colours["trade"], label=label)
    else:
        axes.barh(rows, used, color=colours["called"], label="Used to meet the calls")
    axes.barh(rows, left, left=used, color=colours["headroom"], label="Left")
    axes.set_yticks(rows, [str(pool) for pool in table.index], **LITERAL)
    axes.set_xlabel(f"Collateral after haircuts ({currency} m)")
    axes.set_ylabel("Pool (in the order drawn)")
    _legend(figure, axes)
    figure.suptitle(f"Collateral waterfall: {scenario}", **LITERAL)
    return figure


def stress_impacts(table: pd.DataFrame, currency: str) -> Figure:
    """Per scenario: asset, liability and surplus change (money); funding ratio beside.

    ``table``: one row per scenario with columns asset_change, liability_change,
    surplus_change, funding_ratio_before and funding_ratio_after (``StressResult.outcomes``).
    A liability increase is positive, so surplus change = asset change − liability change.
    """
    _require(table, STRESS_COLUMNS, "stress_impacts")
    figure, (money, ratio) = new_figure(rows=len(table), width_ratios=(2.0, 1.0))
    colours = STYLE.colours
    series = {
        "asset_change": ("Assets", colours["assets"]),
        "liability_change": ("Liabilities", colours["liabilities"]),
        "surplus_change": ("Surplus", colours["surplus"]),
    }
    _grouped_barh(money, table[list(series)] / MILLION, series)
    money.set_xlabel(f"Change ({currency} m)")
    money.set_ylabel("Scenario")
    rows = np.arange(len(table))
    ratio.plot(
        table["funding_ratio_before"] * PERCENT,
        rows,
        linestyle="none",
        marker="|",
        markersize=12,
        color=colours["before"],
        label="Funding ratio before",
    )
    ratio.plot(
        table["funding_ratio_after"] * PERCENT,
        rows,
        linestyle="none",
        marker="o",
        color=colours["ratio"],
        label="Funding ratio after",
    )
    ratio.axvline(PERCENT, color="black", linewidth=0.8, linestyle=":")
    ratio.set_xlabel("Funding ratio (%)")
    _legend(figure, money, ratio)
    figure.suptitle("Stress impacts on assets, liabilities and surplus")
    return figure


def stress_comparison(before: pd.DataFrame, after: pd.DataFrame, currency: str) -> Figure:
    """Per scenario, the holdings before the trades beside the solved positions.

    ``before`` and ``after``: one row per scenario (the same scenarios; drawn in ``after``'s
    order) with columns surplus_change (money) and funding_ratio_before and
    funding_ratio_after (decimals), as ``StressResult.outcomes`` has them. Left: the surplus
    change as a pair of bars; right: the funding ratio after the stress as a pair of points,
    each portfolio's unstressed funding ratio a dotted line of its colour.
    """
    columns = ("surplus_change", "funding_ratio_before", "funding_ratio_after")
    _require(before, columns, "stress_comparison")
    _require(after, columns, "stress_comparison")
    both = {"before": before.reindex(after.index), "after": after}
    figure, (money, ratio) = new_figure(rows=len(after), width_ratios=(2.0, 1.0))
    colours = STYLE.colours
    names = {"before": "Holdings before the trades", "after": "Solved positions"}
    series = {side: (names[side], colours[side]) for side in both}
    changes = pd.DataFrame({side: table["surplus_change"] for side, table in both.items()})
    _grouped_barh(money, changes / MILLION, series)
    money.set_xlabel(f"Surplus change ({currency} m)")
    money.set_ylabel("Scenario")
    rows = np.arange(len(after), dtype=float)
    for offset, (side, table) in zip((-0.2, 0.2), both.items(), strict=True):
        colour = colours[side]
        ratio.plot(table["funding_ratio_after"] * PERCENT, rows + offset, "o", color=colour)
        today = table["funding_ratio_before"].dropna()
        if not today.empty:
            ratio.axvline(today.iloc[0] * PERCENT, color=colour, linewidth=1.0, linestyle=":")
    ratio.axvline(PERCENT, color="black", linewidth=0.8)
    ratio.set_xlabel("Funding ratio after (%)")
    ratio.set_title("Dotted: funding ratio today", fontsize="small")
    _legend(figure, money)
    figure.suptitle("Stress scenarios: holdings before the trades and solved positions")
    return figure


def new_figure(
    rows: int | None = None, width_ratios: tuple[float, ...] | None = None
) -> tuple[Figure, list[Axes]]:
    """A figure in the house style with one panel (or one per ``width_ratios``), y shared.

    ``rows``: categories down a horizontal bar chart, which grow its height.
    """
    width, height = STYLE.size
    if rows is not None:
        height = max(height, STYLE.row_height * rows + 1.5)
    figure = Figure(figsize=(width, height), dpi=STYLE.dpi, layout="constrained")
    panels = 1 if width_ratios is None else len(width_ratios)
    grid = figure.subplots(1, panels, sharey=True, squeeze=False, width_ratios=width_ratios)
    axes = list(grid[0])
    for panel in axes:
        panel.grid(True, alpha=STYLE.grid_alpha)
        panel.set_axisbelow(True)
    return figure, axes


def png_bytes(figure: Figure) -> bytes:
    """``figure`` rendered as PNG at the house resolution."""
    return figure_bytes(figure, "png")


def figure_bytes(figure: Figure, kind: str) -> bytes:
    """``figure`` rendered as ``kind`` (one of ``CHART_FORMATS``) at the house resolution."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format=kind, dpi=STYLE.dpi)
    return buffer.getvalue()


def chart_format(path: str | os.PathLike[str]) -> str:
    """The chart format ``path``'s extension names (png, pdf or svg), or a DataError."""
    suffix = Path(path).suffix
    kind = suffix.lower().removeprefix(".")
    if kind not in CHART_FORMATS:
        raise DataError(E_FORMAT.format(path=os.fspath(path), suffix=suffix))
    return kind


def save_figure(figure: Figure, path: str | os.PathLike[str]) -> Path:
    """Write ``figure`` at ``path`` in the format its extension names, atomically.

    The extension is checked and the chart rendered first, so a wrong extension or a
    drawing error leaves no file at all; then written beside ``path`` and renamed over it
    (``write_bytes_atomic``).
    """
    return write_bytes_atomic(path, figure_bytes(figure, chart_format(path)))


def save_png(figure: Figure, path: str | os.PathLike[str]) -> Path:
    """Write ``figure`` as a PNG at ``path`` atomically: readers see no partial file.

    Rendered first, so a drawing error leaves no file at all; then written beside ``path``
    and renamed over it (``write_bytes_atomic``).
    """
    return write_bytes_atomic(path, png_bytes(figure))


def _per_time(values: ArrayLike, times: FloatArray, name: str) -> FloatArray:
    """``values`` as finite floats, one per time, or a DataError naming ``name``."""
    vector = finite_vector(values, f"cashflow_profile.{name}")
    same_length(times, vector, "cashflow_profile", ("times", name))
    return vector


def _spacing(times: FloatArray) -> float:
    """The least gap between distinct ``times`` (1 year when there is one), for bar widths."""
    distinct = np.unique(times)
    return float(np.diff(distinct).min()) if distinct.size > 1 else 1.0


def _legend(figure: Figure, *panels: Axes) -> None:
    """One legend below the chart for the series of ``panels``, so it never covers data."""
    handles, labels = [], []
    for panel in panels:
        more, more_labels = panel.get_legend_handles_labels()
        handles += more
        labels += more_labels
    figure.legend(handles, labels, loc="outside lower center", ncols=len(labels), fontsize="small")


def _require(table: pd.DataFrame, columns: tuple[str, ...], chart: str) -> None:
    """Raise a DataError naming the ``columns`` that ``table`` lacks."""
    missing = [column for column in columns if column not in table.columns]
    if missing:
        raise DataError(E_COLUMNS.format(chart=chart, missing=missing, expected=list(columns)))


def _key_rows(table: pd.DataFrame, measure: str) -> tuple[pd.DataFrame, list[str]]:
    """The ``<measure>_<k>y`` rows of ``table`` in tenor order, and their tenors as labels."""
    pattern = re.compile(rf"{measure}_(\d+(?:\.\d+)?)y")
    keys = {
        row: found.group(1)
        for row in table.index
        if (found := pattern.fullmatch(str(row))) is not None
    }
    if not keys:
        raise DataError(E_NO_KEYS.format(measure=measure))
    ordered = sorted(keys, key=lambda row: float(keys[row]))
    return table.loc[ordered], [keys[row] for row in ordered]


def _groups(ids: pd.Index, labels: pd.Series | Mapping[str, str]) -> pd.Index:
    """The label of each id, or a DataError naming the ids without one."""
    mapping = dict(labels)
    missing = [i for i in ids if i not in mapping]
    if missing:
        raise DataError(E_UNLABELLED.format(ids=missing))
    return pd.Index([mapping[i] for i in ids], name="group")


def _grouped_barh(axes: Axes, values: pd.DataFrame, series: Mapping[str, tuple[str, str]]) -> None:
    """One horizontal bar per ``series`` column (label, colour) in each row, first row on top."""
    rows = np.arange(len(values), dtype=float)
    height = 0.8 / len(series)
    for i, (column, (label, colour)) in enumerate(series.items()):
        offset = (i - (len(series) - 1) / 2) * height
        axes.barh(rows + offset, values[column], height=height, color=colour, label=label)
    axes.set_yticks(rows, [str(name) for name in values.index], **LITERAL)
    axes.set_ylim(len(values) - 0.5, -0.5)  # first row on top, no empty margin
    axes.axvline(0.0, color="black", linewidth=0.8)


def recapitalisation_waterfall(
    before: float, raised: pd.Series, currency: str, title: str
) -> Figure:
    """The buffer's headroom before a plan, what each step raises, and the headroom after.

    ``raised``: money each step adds to the headroom, by step label in the order to act.
    Floating bars from the running total; a shortfall reads below zero.
    """
    labels = ["Before", *[str(label) for label in raised.index], "After"]
    steps = raised.to_numpy(dtype=float) / MILLION
    start = before / MILLION
    ends = start + np.cumsum(steps)
    bottoms = np.concatenate([[0.0], ends - steps, [0.0]])
    heights = np.concatenate([[start], steps, [ends[-1] if steps.size else start]])
    figure, (axes,) = new_figure(rows=len(labels))
    colours = STYLE.colours
    rows = np.arange(len(labels))[::-1]
    totals = np.r_[True, np.zeros(steps.size, dtype=bool), True]
    ends_colour = [colours["headroom"] if h >= 0 else colours["called"] for h in heights[totals]]
    ends_bars = axes.barh(rows[totals], heights[totals], left=bottoms[totals], color=ends_colour)
    step_bars = axes.barh(
        rows[~totals], heights[~totals], left=bottoms[~totals], color=colours["trade"]
    )
    axes.bar_label(ends_bars, labels=[f"{h:,.1f}" for h in heights[totals]], padding=3)
    axes.bar_label(step_bars, labels=[f"{h:+,.1f}" for h in heights[~totals]], padding=3)
    edges = np.concatenate([[0.0], bottoms, bottoms + heights])
    span = max(float(np.ptp(edges)), 1.0)
    axes.set_xlim(edges.min() - 0.15 * span, edges.max() + 0.15 * span)  # room for labels
    axes.axvline(0.0, color="black", linewidth=0.8)
    axes.set_yticks(rows, labels, **LITERAL)
    axes.set_xlabel(f"Buffer headroom ({currency} m)")
    axes.set_ylabel("Step (in the order to act)")
    figure.suptitle(title, **LITERAL)
    return figure
