"""The self-contained HTML report of a decision record, for an investment committee.

One file, no external resources: styles inline and charts embedded as PNG data. Sections:
the problem and its solve, the funding position before and after, the diagnosis when
infeasible, allocation and trades, the objective's terms, hedge ratios by key tenor, the
collateral headroom and the simulated outcomes (when the solve has them), every constraint
(binding ones highlighted, with shadow prices) and the stress outcomes; each chart sits in
the section it illustrates. It is drawn from a decision record (``ldi.io.record``) with the
solve summary's tables (``SolveSummary`` of the same record), so a live solve, a result file
and the text summary give the same figures.
"""

import base64
import html
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from ldi.display import figure
from ldi.io.record import DecisionRecord, SolverRecord
from ldi.reporting.categories import GROUPS, category_label
from ldi.reporting.decision import (
    binding_lines,
    calls_collateral,
    headroom_lines,
    hedging_table,
    moving_scenarios,
    row_figure,
    trades_table,
)
from ldi.reporting.recap_report import BUCKET_HEADERS, CALLS_NOTE, CALLS_TITLE, RecapReport
from ldi.reporting.solve_report import (
    SolveSummary,
    cleaned,
    exposure_frame,
    formatted_tickets,
    has_inflation,
    instrument_categories,
    ledger_frames,
    rows_frame,
)
from ldi.reporting.tables import MATERIAL, number, percent

_money = number(0)  # whole units of the currency
WORDS = 40  # a cell longer than this reads as text (left-aligned), whatever it holds

STYLE = """
body { font-family: Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 70em;
       color: #1a1a1a; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 1.6em;
     border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: right; }
th:first-child, td:first-child, td.text { text-align: left; }
thead th { background: #f0f3f7; }
tr.binding td { background: #fff3c4; font-weight: bold; }
.status { font-weight: bold; } .infeasible { color: #b00020; }
figure { margin: 1em 0; } img { width: 56em; max-width: 100%; }
p.note { color: #555; font-size: 0.85em; }
"""


# The heading of a result's diagnosis, by its title (results written before titles: infeasible).
DIAGNOSIS_HEADINGS = {
    "Infeasible": "Why the problem is infeasible",
    "Unbounded": "Why the problem is unbounded",
    "Not verified": "Why no answer is verified",
}


def html_report(
    record: DecisionRecord, charts: Mapping[str, Mapping[str, bytes]] | None = None
) -> str:
    """The report as one HTML document; ``charts``: PNG images by caption, by section.

    The sections charts go in are those of ``ldi.reporting.charts.record_charts``:
    liabilities, allocation, hedging and stress.
    """
    charts = charts or {}
    summary = SolveSummary(record)
    currency = record.currency
    title = html.escape(record.name)
    status = record.status
    inflation = has_inflation(record)
    solved = record.objective_value is not None
    parts = [
        f"<h1>{title}</h1>",
        f'<p>Status: <span class="status {_status_class(status)}">{html.escape(status)}</span>'
        f" &middot; Solver: {html.escape(_solver_line(record.solver))}"
        f" &middot; Money in {html.escape(currency)}</p>",
        *_decision(summary),
        "<h2>Problem</h2>",
        _table(problem_table(record)),
        *_images(charts.get("liabilities")),
        "<h2>Funding position</h2>",
        _table(balance_table(record), _money),
    ]
    if solved:
        parts += [
            "<h2>Allocation and trades</h2>",
            *_allocation(summary),
            *_images(charts.get("allocation")),
            *_tickets(summary),
            "<h2>Objective</h2>",
            '<p class="note">Contributions are in money-equivalent units: each term scaled '
            "by the liabilities' PV, times its weight; maximized terms count negative.</p>",
            _table(objective_table(record), _figure),
            "<h2>Hedge ratios by key tenor</h2>",
            f'<p class="note">Assets\' {"PV01 (IE01)" if inflation else "PV01"} at each key '
            "tenor over the liabilities'; – where the liabilities have less than 1% of their "
            "largest key-tenor exposure.</p>",
            _table(bucket_table(record), percent, missing="–"),
            *_images(charts.get("hedging")),
        ]
    if solved and record.collateral is not None:
        collateral = summary.collateral()
        assert collateral is not None
        if not inflation:
            collateral = collateral[~collateral.index.str.endswith("[real]")]
        parts += [
            f"<h2>Collateral ({html.escape(record.collateral.title)})</h2>",
            _table(collateral),
            f"<p>{html.escape(summary.binds())}</p>",
        ]
    if solved and record.outcomes is not None:
        outcomes = summary.outcomes()
        assert outcomes is not None
        parts += [
            f"<h2>Simulated one-year outcomes ({html.escape(record.outcomes.source)})</h2>",
            _table(outcomes),
        ]
    for name, ledger in ledger_frames(record).items():
        parts += [
            f"<h2>Cash-flow ledger ({html.escape(name)})</h2>",
            '<p class="note">Money in and out each period; shadow price: the cost today of '
            "one more unit of money paid then.</p>",
            _table(ledger_table(ledger, record.scale)),
        ]
    constraints = constraint_table(record)
    if not constraints.empty:
        binding = set(constraints.index[constraints.pop("binding").astype(bool)])
        parts += [
            "<h2>Constraints</h2>",
            '<p class="note">Binding rows are highlighted, at their bound. Shadow price: the '
            "change in the objective per unit of a limit's bound.</p>",
            _table(constraints, _figure, highlight=binding),
            *_long_only(record),
        ]
    if record.stress:
        parts += [
            "<h2>Stress scenarios: holdings and optimized positions</h2>",
            _table(stress_table(record)),
            *_waterfall(record),
            *_images(charts.get("stress")),
        ]
    if record.recapitalisation is not None:
        parts += [*_recapitalisation(record), *_images(charts.get("recapitalisation"))]
    body = "\n".join(parts)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}: LDI decision report</title>\n<style>{STYLE}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def problem_table(record: DecisionRecord) -> pd.DataFrame:
    """What was solved: valuation date, the liabilities' size, the instruments and the terms.

    Flows beyond a curve's last tenor (extrapolated flat) are named last.
    """
    liabilities = exposure_frame(record)["liabilities"]
    objective = record.objective or []
    terms = {row.term for row in record.constraints or []}
    pv01 = _money(liabilities["pv01"])
    sensitivity = (
        ("Liabilities, PV01 / IE01 (per bp)", f"{pv01} / {_money(liabilities['ie01'])}")
        if has_inflation(record)
        else ("Liabilities, PV01 (per bp)", pv01)
    )
    rows = {
        "Valued": record.valuation_date or "not stated",
        "Liabilities, value": _money(liabilities["pv"]),
        sensitivity[0]: sensitivity[1],
        "Instruments": f"{len(record.instruments or record.positions)}",
        "Objective": "; ".join(
            f"{row.sense} {row.term} (weight {row.weight:g})" for row in objective
        )
        or "none",
        "Constraints": ", ".join(sorted(terms)) or "none",
    }
    if record.extrapolated:
        rows["Beyond the curves"] = "; ".join(record.extrapolated)
    return pd.DataFrame({"": rows}).rename_axis("")


def balance_table(record: DecisionRecord) -> pd.DataFrame:
    """Assets, liabilities and surplus (PV), and their PV01 and IE01, before and after (money).

    IE01 only when the problem has inflation exposure. After is blank when the solve has no
    positions (JSON nulls read as NaN).
    """
    exposures = exposure_frame(record)
    measures = [("pv", "value"), ("pv01", "PV01 (per bp)"), ("ie01", "IE01 (per bp)")]
    rows = {}
    for measure, label in measures[: 3 if has_inflation(record) else 2]:
        row = exposures.loc[measure]
        rows[f"Assets, {label}"] = (row["assets_before"], row["assets"])
        rows[f"Liabilities, {label}"] = (row["liabilities"], row["liabilities"])
        rows[f"Surplus, {label}"] = (
            row["assets_before"] - row["liabilities"],
            row["assets"] - row["liabilities"],
        )
    return pd.DataFrame(rows, index=["Before", "After"]).T


def objective_table(record: DecisionRecord) -> pd.DataFrame:
    """Each objective term: sense, weight, value in its unit and contribution."""
    if not record.objective:
        return pd.DataFrame()
    columns = ["sense", "weight", "value", "unit", "contribution"]
    return rows_frame(record.objective, "term")[columns].rename_axis("Term")


def bucket_table(record: DecisionRecord) -> pd.DataFrame:
    """Hedge ratios per key tenor (years): rates, inflation (when held) and rates on each basis.

    A tenor where the liabilities have less than ``MATERIAL`` of their largest key-tenor
    exposure to a risk has no meaningful ratio for it: NaN, shown as '–'.
    """
    frame = rows_frame(record.buckets, "key").astype(float)
    exposures = exposure_frame(record)["liabilities"]
    for column in frame:
        risk = "ie01" if column.startswith("inflation") else "pv01"
        keyed = exposures[[f"{risk}_{k:g}y" for k in frame.index]].abs().to_numpy()
        frame.loc[keyed < MATERIAL * keyed.max(initial=0.0), column] = float("nan")
    if not has_inflation(record):
        frame = frame.drop(columns=[c for c in frame if c.startswith("inflation")])
    frame.index = [f"{k:g}y" for k in frame.index]
    return frame.rename(columns=_bucket_label).rename_axis("Key")


def _bucket_label(column: str) -> str:
    """``rates`` as "Rates", ``rates@sonia`` as "Rates (sonia)"."""
    risk, _, basis = column.partition("@")
    return f"{risk.capitalize()} ({basis})" if basis else risk.capitalize()


def constraint_table(record: DecisionRecord) -> pd.DataFrame:
    """Every constraint row but long-only ones: sense, value, bound, slack, shadow price, binds.

    A binding row is at its bound: its value is shown as the bound and its slack as 0 (what
    remains is the solver's residue, within the tolerance the answer is checked to). Value,
    bound and slack read in the row's unit (``row_figure``: ratios in %, money whole).
    Long-only rows are summed up in one line (``long_only_line``).
    """
    if not record.constraints:
        return pd.DataFrame()
    rows = rows_frame(record.constraints, "row")
    rows = rows[rows["kind"] != "long_only"]
    columns = [
        c for c in ("sense", "value", "bound", "slack", "shadow_price", "binding") if c in rows
    ]
    frame = rows[columns].copy()
    met = frame["binding"].astype(bool) & frame["bound"].notna()
    frame.loc[met, "value"] = frame.loc[met, "bound"]
    frame.loc[met, "slack"] = 0.0
    measured = [c for c in ("value", "bound", "slack") if c in frame]
    kinds = rows["kind"]
    frame[measured] = frame[measured].astype(object)
    for row in frame.index:
        shown = row_figure(str(row), str(kinds[row]))
        frame.loc[row, measured] = [_cell(v, shown, "") for v in frame.loc[row, measured]]
    return frame.rename_axis("Row")


def long_only_line(record: DecisionRecord) -> str | None:
    """Long-only rows in one line: how many positions, and which are held at zero."""
    rows = [row for row in record.constraints or [] if row.kind == "long_only"]
    if not rows:
        return None
    zero = [str(row.entry) for row in rows if row.binding]
    line = f"Long only: {len(rows)} positions at zero or above"
    return line + (f"; at zero: {', '.join(zero)}." if zero else "; none at zero.")


def stress_table(record: DecisionRecord) -> pd.DataFrame:
    """Per scenario: the liabilities' change, then holdings beside optimized positions.

    For each: asset and surplus change and headroom in money, the funding ratio after the
    stress in %. Scenarios that move nothing on either side (a breakeven shock with no
    inflation exposure) are left out.
    """
    after = rows_frame(record.stress or [], "scenario").astype(float, errors="ignore")
    before = rows_frame(record.stress_before or [], "scenario").reindex(after.index)
    sides = {"holdings": before, "optimized": after} if record.stress_before else {"": after}
    columns = {"Liability change": after["liability_change"].astype(float).map(_money)}
    for measure, label, shown in (
        ("asset_change", "Asset change", _money),
        ("surplus_change", "Surplus change", _money),
        ("funding_ratio_after", "Funding ratio after", percent),
        ("headroom", "Headroom", _money),
    ):
        for side, frame in sides.items():
            values = frame[measure].astype(float)
            columns[f"{label}, {side}" if side else label] = values.map(shown)
    table = pd.DataFrame(columns).loc[moving_scenarios(sides.get("holdings", after), after)]
    if not any(calls_collateral(frame) for frame in sides.values()):
        # nothing to post collateral for: the headroom is all the assets
        table = table.drop(columns=[c for c in table if c.startswith("Headroom")])
    return table.rename_axis("Scenario")


def ledger_table(ledger: pd.DataFrame, scale: float) -> pd.DataFrame:
    """A cash ledger as text: money in whole units (residues as 0), shadow prices to 4 dp."""
    money = [c for c in ("asset_inflow", "liability_outgo", "surplus", "borrowing") if c in ledger]
    shown = ledger.copy()
    shown[money] = cleaned(ledger[money], scale)
    headings = {c: c.replace("_", " ").capitalize() for c in shown}
    formats = {c: _money for c in money} | {"shadow_price": number(4)}
    shown = shown.apply(lambda c: c.map(formats.get(c.name, _figure)))
    return shown.rename(columns=headings).rename_axis("Period")


def _decision(summary: SolveSummary) -> list[str]:
    """The first section: the trades, funding and hedging, binding limits and headroom.

    Without an answer, why there is none (the diagnosis) instead.
    """
    record = summary.record
    diagnosis = record.diagnosis
    if diagnosis is not None:
        heading = DIAGNOSIS_HEADINGS.get(diagnosis.title, "Why there is no answer")
        parts = [
            f"<h2>{heading}</h2>",
            f'<p class="infeasible">{html.escape(diagnosis.message)}</p>',
        ]
        if diagnosis.rows:
            parts.append(_table(rows_frame(diagnosis.rows, "row"), _figure))
        return parts
    if record.objective_value is None:
        return []
    trades = trades_table(record)
    parts = ["<h2>Decision</h2>", "<h3>Trades</h3>"]
    parts.append(_table(trades) if len(trades) else "<p>No trades: hold the current positions.</p>")
    money = summary.new_money()
    if money:
        parts.append(f'<p class="infeasible">{html.escape(money)}</p>')
    parts += ["<h3>Funding and hedging</h3>", _table(hedging_table(record))]
    limits = binding_lines(record)
    parts += ["<h3>Limits that bind</h3>", _items(limits or ["No limit binds."])]
    parts.append(
        '<p class="note">Gains are in the objective\'s money-equivalent units (its shadow '
        "price times the step).</p>"
    )
    headroom = headroom_lines(record)
    if headroom:
        parts += ["<h3>Collateral</h3>", _items(headroom)]
    return parts


def _allocation(summary: SolveSummary) -> list[str]:
    """Positions by category, then by instrument in three tables by how they are measured.

    Assets at market value, overlays at notional (+ receives fixed or inflation), financing
    at cash borrowed; a table only for what the problem holds.
    """
    record = summary.record
    table = summary.allocation()
    categories = instrument_categories(record).reindex(table.index).fillna(table["Kind"])
    groups = categories.map(lambda c: GROUPS.get(c, "assets"))
    labels = categories.map(lambda c: category_label(c, record.currency))
    table = table.drop(columns="Kind")
    parts = []
    assets = table[groups == "assets"]
    if len(assets):
        by_category = assets.groupby(labels[groups == "assets"], sort=False).sum()
        by_category.loc["Total assets"] = by_category.sum()
        financing = table[groups == "financing"]
        if len(financing):
            by_category.loc["Less repo borrowing"] = -financing.sum()
            by_category.loc["Net of repo"] = by_category.iloc[-2] + by_category.iloc[-1]
        parts += [
            f"<h3>Assets by category (market value, {html.escape(record.currency)})</h3>",
            _table(by_category.rename_axis("Category"), _money),
        ]
    for group, heading in GROUP_HEADINGS.items():
        rows = table[groups == group]
        if len(rows):
            shown = rows.assign(Category=labels[groups == group])[["Category", *table.columns]]
            parts += [f"<h3>{heading}</h3>", _table(shown, _money)]
    return parts


GROUP_HEADINGS = {
    "assets": "Assets (market value)",
    "overlays": "Overlays (notional; + receives fixed or inflation)",
    "financing": "Financing (cash borrowed)",
}


WATERFALL_COLUMNS = {
    "days": "Days",
    "available": "Available",
    "variation_margin": "Swaps' margin (cash)",
    "other": "Other calls",
    "used": "Used",
    "left": "Left",
}


def _waterfall(record: DecisionRecord) -> list[str]:
    """Which pools meet which calls in the tightest stress, when it calls any collateral."""
    waterfall = record.waterfall
    if waterfall is None:
        return []
    pools = rows_frame(waterfall.pools, "pool")
    if not (pools["used"].astype(float) > 0).any():
        return []
    shown = pools[[c for c in WATERFALL_COLUMNS if c in pools]].astype(float)
    days = shown.pop("days").map(lambda d: "-" if d != d else f"{d:g}")
    shown = shown.map(_money).rename(columns=WATERFALL_COLUMNS)
    shown.insert(0, "Days", days)
    return [
        f"<h3>Collateral waterfall of the tightest stress ({html.escape(waterfall.scenario)})</h3>",
        '<p class="note">Pools in the order they are drawn: the swaps\' variation margin in '
        "cash (cash, money-market funds, same-day repo of government bonds) first, then the "
        "other calls (repo top-ups, initial margin) from what is left.</p>",
        _table(shown.rename_axis("Pool")),
    ]


def _recapitalisation(record: DecisionRecord) -> list[str]:
    """The plan that restores the solved positions' buffer: its cost, steps and days."""
    assert record.recapitalisation is not None
    report = RecapReport(record.recapitalisation)
    parts = [
        "<h2>Recapitalisation plan</h2>",
        f"<p>{html.escape(report.heading())}.</p>",
        _items(report.summary_lines()),
        "<h3>Headroom before the plan</h3>",
        _table(report.headroom().map(_money)),
    ]
    calls = report.calls_met()
    if not calls.empty:
        title = CALLS_TITLE.format(scenario=record.recapitalisation.scenario)
        parts += [
            f"<h3>{html.escape(title)}</h3>",
            _table(calls.map(_money)),
            f'<p class="note">{html.escape(CALLS_NOTE)}</p>',
        ]
    if report.ok and record.recapitalisation.steps:
        steps = report.steps()
        money = ["Amount", "Cost"]
        steps[money] = steps[money].map(_money)
        parts += [
            "<h3>Steps, in the order to act</h3>",
            _table(steps),
            "<h3>By day</h3>",
            _table(report.days().map(_money)),
        ]
        buckets = report.buckets()
        if not buckets.empty:
            given, change = BUCKET_HEADERS.values()
            shown = {given: buckets[given].map(_money), change: buckets[change].map(percent)}
            parts += [
                "<h3>Rates hedge given up, by key tenor</h3>",
                _table(buckets.assign(**shown)),
            ]
    late = report.late()
    if late:
        parts.append(f"<p>{html.escape(late)}.</p>")
    parts.append(f'<p class="note">{html.escape(report.legend())}</p>')
    return parts


def _long_only(record: DecisionRecord) -> list[str]:
    line = long_only_line(record)
    return [f"<p>{html.escape(line)}</p>"] if line else []


def _items(lines: list[str]) -> str:
    """An HTML list of ``lines``."""
    return "<ul>\n" + "\n".join(f"<li>{html.escape(line)}</li>" for line in lines) + "\n</ul>"


def _tickets(summary: SolveSummary) -> list[str]:
    """What execution did (the clean-up or the rounding to lots), then the trade tickets."""
    tickets = summary.tickets()
    if tickets.empty:
        return [f"<p>{html.escape(line)}</p>" for line in summary.execution_notes()]
    return [
        *(f"<p>{html.escape(line)}</p>" for line in summary.execution_notes()),
        "<h2>Trade tickets</h2>",
        f'<p class="note">Nominal: face (bonds), notional (swaps) or cash (repo); '
        f"consideration: {html.escape(summary.record.currency)} paid (+) or received (−) "
        f"at settlement; {' and '.join(c for c in ('PV01', 'IE01') if c in tickets)} of the "
        "trade per bp.</p>",
        _table(formatted_tickets(tickets)),
    ]


def _table(
    frame: pd.DataFrame,
    shown: Callable[[Any], str] = str,
    highlight: set[str] | None = None,
    missing: str = "",
) -> str:
    """An HTML table of ``frame``: numbers through ``shown``, ``highlight`` rows marked.

    A missing number (None, NaN) is written ``missing``.
    """
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in [frame.index.name or "", *frame])
    rows = []
    for name, row in frame.iterrows():
        marked = ' class="binding"' if highlight and name in highlight else ""
        cells = "".join(_td(_cell(v, shown, missing)) for v in row)
        rows.append(f"<tr{marked}><td>{html.escape(str(name))}</td>{cells}</tr>")
    return (
        f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n"
        + "\n".join(rows)
        + ("\n</tbody>\n</table>")
    )


def _td(text: str) -> str:
    """A table cell: words (no digit, or a long text) left-aligned, figures right-aligned."""
    words = len(text) > WORDS or not any(c.isdigit() for c in text)
    opening = '<td class="text">' if words else "<td>"
    return f"{opening}{html.escape(text)}</td>"


def _cell(value: Any, shown: Callable[[Any], str], missing: str) -> str:
    if isinstance(value, str):
        return value
    if value is None or (isinstance(value, float) and value != value):
        return missing
    return shown(value)


def _images(charts: Mapping[str, bytes] | None) -> list[str]:
    """Each chart as a figure with its caption, the PNG inline."""
    figures = []
    for caption, png in (charts or {}).items():
        data = base64.b64encode(png).decode("ascii")
        alt = html.escape(caption)
        figures.append(
            f'<figure><img alt="{alt}" src="data:image/png;base64,{data}">'
            f"<figcaption>{alt}</figcaption></figure>"
        )
    return figures


def _status_class(status: str) -> str:
    return "infeasible" if status == "infeasible" else ""


def _solver_line(solver: SolverRecord) -> str:
    return f"{solver.name}, {solver.status}, {solver.time_s:.3f} s"


def _figure(value: Any) -> str:
    return str(value) if isinstance(value, bool) else figure(value)
