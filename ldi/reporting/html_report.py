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

from ldi.io.record import DecisionRecord, SolverRecord
from ldi.reporting.solve_report import (
    SolveSummary,
    exposure_frame,
    formatted_tickets,
    instrument_kinds,
    rows_frame,
)
from ldi.reporting.tables import figure, number, percent

_money = number(0)  # whole units of the currency

STYLE = """
body { font-family: Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 70em;
       color: #1a1a1a; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 1.6em;
     border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
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

    The sections charts go in are those of ``record_charts``: liabilities, allocation,
    hedging and stress.
    """
    charts = charts or {}
    summary = SolveSummary(record)
    currency = record.currency
    title = html.escape(record.name)
    status = record.status
    parts = [
        f"<h1>{title}</h1>",
        f'<p>Status: <span class="status {_status_class(status)}">{html.escape(status)}</span>'
        f" &middot; Solver: {html.escape(_solver_line(record.solver))}"
        f" &middot; Money in {html.escape(currency)}</p>",
        "<h2>Problem</h2>",
        _table(problem_table(record)),
        *_images(charts.get("liabilities")),
        "<h2>Funding position</h2>",
        _table(summary.headline()),
        _table(balance_table(record), _money),
    ]
    diagnosis = record.diagnosis
    if diagnosis is not None:
        title = diagnosis.title
        heading = DIAGNOSIS_HEADINGS.get(title, "Why there is no answer")
        parts += [
            f"<h2>{heading}</h2>",
            f'<p class="infeasible">{html.escape(diagnosis.message)}</p>',
        ]
        if diagnosis.rows:
            parts.append(_table(rows_frame(diagnosis.rows, "row"), _figure))
    solved = record.objective_value is not None
    if solved:
        parts += [
            "<h2>Allocation and trades</h2>",
            _table(summary.allocation(), _money),
            *_images(charts.get("allocation")),
            *_tickets(summary),
            "<h2>Objective</h2>",
            '<p class="note">Contributions are in money-equivalent units: each term scaled '
            "by the liabilities' PV, times its weight; maximized terms count negative.</p>",
            _table(objective_table(record), _figure),
        ]
    parts += ["<h2>Hedge ratios by key tenor</h2>"]
    if solved:
        parts.append(_table(bucket_table(record), percent))
    parts += _images(charts.get("hedging"))
    if solved and record.collateral is not None:
        collateral = summary.collateral()
        assert collateral is not None
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
    constraints = constraint_table(record)
    if not constraints.empty:
        binding = set(constraints.index[constraints.pop("binding").astype(bool)])
        parts += [
            "<h2>Constraints</h2>",
            '<p class="note">Binding rows are highlighted. Shadow price: the change in '
            "the objective per unit of a limit's bound.</p>",
            _table(constraints, _figure, highlight=binding),
        ]
    if record.stress:
        parts += [
            "<h2>Stress scenarios (optimized positions)</h2>",
            _table(stress_table(record), _figure),
            *_images(charts.get("stress")),
        ]
    body = "\n".join(parts)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}: LDI decision report</title>\n<style>{STYLE}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def record_charts(record: DecisionRecord) -> dict[str, dict[str, bytes]]:
    """The report's charts as PNG by caption, by section, each drawn when its data is there."""
    from ldi.reporting import plots

    currency = record.currency
    sections: dict[str, dict[str, Any]] = {}
    if record.liability_cashflows:
        flows = rows_frame(record.liability_cashflows, "year").reset_index()
        sections["liabilities"] = {
            "Liability cash flows by year": plots.cashflow_profile(
                flows["year"], flows["fixed"], flows["inflation_linked"], currency
            )
        }
    if record.objective_value is not None:
        kinds = instrument_kinds(record).to_dict()
        sections["allocation"] = {
            "Allocation before and after, and trades": plots.allocation_chart(
                pd.Series(record.positions, dtype=float),
                pd.Series(record.holdings, dtype=float),
                currency,
                labels=kinds or None,
            )
        }
    exposures = rows_frame(record.exposures, "measure")
    sections["hedging"] = {
        f"Key-rate {risk} exposure and hedge ratio per bucket": plots.key_rate_profile(
            exposures, risk, currency
        )
        for risk in ("rates", "inflation")
    }
    if record.stress:
        stress = rows_frame(record.stress, "scenario")
        sections["stress"] = {
            "Stress scenarios: changes and funding ratio": plots.stress_impacts(stress, currency),
            "Collateral called and available under each stress": plots.collateral_headroom(
                stress, currency
            ),
        }
    waterfall = record.waterfall
    if waterfall is not None:
        pools = rows_frame(waterfall.pools, "pool")
        caption = f"Collateral waterfall of the tightest stress ({waterfall.scenario})"
        sections.setdefault("stress", {})[caption] = plots.collateral_waterfall(
            pools, waterfall.scenario, currency
        )
    return {
        section: {caption: plots.png_bytes(figure) for caption, figure in figures.items()}
        for section, figures in sections.items()
    }


def problem_table(record: DecisionRecord) -> pd.DataFrame:
    """What was solved: valuation date, the liabilities' size, the instruments and the terms."""
    liabilities = exposure_frame(record)["liabilities"]
    objective = record.objective or []
    terms = {row.term for row in record.constraints or []}
    rows = {
        "Valued": record.valuation_date or "not stated",
        "Liabilities, value": _money(liabilities["pv"]),
        "Liabilities, PV01 / IE01 (per bp)": (
            f"{_money(liabilities['pv01'])} / {_money(liabilities['ie01'])}"
        ),
        "Instruments": f"{len(record.instruments or record.positions)}",
        "Objective": "; ".join(
            f"{row.sense} {row.term} (weight {row.weight:g})" for row in objective
        )
        or "none",
        "Constraints": ", ".join(sorted(terms)) or "none",
    }
    return pd.DataFrame({"": rows}).rename_axis("")


def balance_table(record: DecisionRecord) -> pd.DataFrame:
    """Assets, liabilities and surplus (PV), and their PV01 and IE01, before and after (money).

    After is blank when the solve has no positions (JSON nulls read as NaN).
    """
    exposures = exposure_frame(record)
    rows = {}
    for measure, label in (("pv", "value"), ("pv01", "PV01 (per bp)"), ("ie01", "IE01 (per bp)")):
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
    """Rates and inflation hedge ratios per key tenor (years), and rates on each basis."""
    frame = rows_frame(record.buckets, "key")
    frame.index = [f"{k:g}y" for k in frame.index]
    return frame.rename(columns=_bucket_label).rename_axis("Key")


def _bucket_label(column: str) -> str:
    """``rates`` as "Rates", ``rates@sonia`` as "Rates (sonia)"."""
    risk, _, basis = column.partition("@")
    return f"{risk.capitalize()} ({basis})" if basis else risk.capitalize()


def constraint_table(record: DecisionRecord) -> pd.DataFrame:
    """Every constraint row: sense, value, bound, slack, shadow price and whether it binds."""
    if not record.constraints:
        return pd.DataFrame()
    frame = rows_frame(record.constraints, "row")
    columns = [
        c for c in ("sense", "value", "bound", "slack", "shadow_price", "binding") if c in frame
    ]
    return frame[columns].rename_axis("Row")


def stress_table(record: DecisionRecord) -> pd.DataFrame:
    """Per scenario: asset, liability and surplus change, funding ratio and headroom."""
    frame = rows_frame(record.stress or [], "scenario")
    shown = frame[["asset_change", "liability_change", "surplus_change", "headroom"]]
    shown = shown.map(_money)
    shown.insert(3, "funding_ratio_after", frame["funding_ratio_after"].map(percent))
    return shown.rename(columns=lambda c: c.replace("_", " ").capitalize()).rename_axis("Scenario")


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
        "at settlement; PV01 and IE01 of the trade per bp.</p>",
        _table(formatted_tickets(tickets)),
    ]


def _table(
    frame: pd.DataFrame,
    shown: Callable[[Any], str] = str,
    highlight: set[str] | None = None,
) -> str:
    """An HTML table of ``frame``: numbers through ``shown``, ``highlight`` rows marked."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in [frame.index.name or "", *frame])
    rows = []
    for name, row in frame.iterrows():
        marked = ' class="binding"' if highlight and name in highlight else ""
        cells = "".join(f"<td>{html.escape(_cell(v, shown))}</td>" for v in row)
        rows.append(f"<tr{marked}><td>{html.escape(str(name))}</td>{cells}</tr>")
    return (
        f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n"
        + "\n".join(rows)
        + ("\n</tbody>\n</table>")
    )


def _cell(value: Any, shown: Callable[[Any], str]) -> str:
    if isinstance(value, str):
        return value
    if value is None or (isinstance(value, float) and value != value):
        return ""
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
