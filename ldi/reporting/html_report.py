"""The self-contained HTML report of a decision record, for an investment committee.

One file, no external resources: styles inline and charts embedded as PNG data. Sections:
the problem and its solve, the funding position before and after, the charts, allocation
and trades, hedge ratios by key tenor, every constraint (binding ones highlighted, with
shadow prices), the diagnosis when infeasible, and the stress outcomes. It is drawn from a
record (``ldi.reporting.record``), so a live solve and a result file give the same report.
"""

import base64
import html
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

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
figure { margin: 1em 0; } img { max-width: 100%; }
p.note { color: #555; font-size: 0.85em; }
"""


def html_report(record: Mapping[str, Any], charts: Mapping[str, bytes] | None = None) -> str:
    """The report as one HTML document; ``charts`` are PNG images by caption."""
    currency = html.escape(str(record["currency"]))
    title = html.escape(str(record["name"]))
    status = str(record["status"])
    parts = [
        f"<h1>{title}</h1>",
        f'<p>Status: <span class="status {_status_class(status)}">{html.escape(status)}</span>'
        f" &middot; Solver: {html.escape(_solver_line(record['solver']))}"
        f" &middot; Money in {currency}</p>",
        "<h2>Funding position</h2>",
        _table(funding_table(record)),
        _table(balance_table(record), _money),
    ]
    if record.get("diagnosis"):
        diagnosis = record["diagnosis"]
        parts += [
            "<h2>Why the problem is infeasible</h2>",
            f'<p class="infeasible">{html.escape(diagnosis["message"])}</p>',
            _table(pd.DataFrame(diagnosis["rows"]).set_index("row"), _figure),
        ]
    for caption, png in (charts or {}).items():
        parts.append(_image(caption, png))
    if record.get("objective_value") is not None:
        parts += [
            "<h2>Allocation and trades</h2>",
            _table(allocation_table(record), _money),
            "<h2>Hedge ratios by key tenor</h2>",
            _table(bucket_table(record), _percent),
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
    if record.get("stress"):
        parts += [
            "<h2>Stress scenarios (optimized positions)</h2>",
            _table(stress_table(record), _figure),
        ]
    body = "\n".join(parts)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}: LDI decision report</title>\n<style>{STYLE}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def record_charts(record: Mapping[str, Any]) -> dict[str, bytes]:
    """The report's charts as PNG by caption, each drawn when the record has its data."""
    from ldi.reporting import plots

    currency = str(record["currency"])
    figures = {}
    if record.get("liability_cashflows"):
        flows = pd.DataFrame(record["liability_cashflows"])
        figures["Liability cash flows by year"] = plots.cashflow_profile(
            flows["year"], flows["fixed"], flows["inflation_linked"], currency
        )
    exposures = pd.DataFrame(record["exposures"]).set_index("measure")
    for risk in ("rates", "inflation"):
        figures[f"Key-rate {risk} exposure and hedge ratio per bucket"] = plots.key_rate_profile(
            exposures, risk, currency
        )
    if record.get("objective_value") is not None:
        kinds = {row["id"]: row["kind"] for row in record.get("instruments") or []}
        figures["Allocation before and after, and trades"] = plots.allocation_chart(
            pd.Series(record["positions"], dtype=float),
            pd.Series(record["holdings"], dtype=float),
            currency,
            labels=kinds or None,
        )
    if record.get("stress"):
        stress = pd.DataFrame(record["stress"]).set_index("scenario")
        figures["Stress scenarios: changes and funding ratio"] = plots.stress_impacts(
            stress, currency
        )
        figures["Collateral called and available under each stress"] = plots.collateral_headroom(
            stress, currency
        )
    if record.get("waterfall"):
        waterfall = record["waterfall"]
        pools = pd.DataFrame(waterfall["pools"]).set_index("pool")
        caption = f"Collateral waterfall of the tightest stress ({waterfall['scenario']})"
        figures[caption] = plots.collateral_waterfall(pools, waterfall["scenario"], currency)
    return {caption: plots.png_bytes(figure) for caption, figure in figures.items()}


def funding_table(record: Mapping[str, Any]) -> pd.DataFrame:
    """Funding and hedge ratios (percent) before and after."""
    before, hedges = record.get("before") or {}, record.get("hedge_ratios") or {}
    rows = {
        "Funding ratio": (before.get("funding_ratio"), record.get("funding_ratio")),
        "Rates hedge ratio": (before.get("rates"), hedges.get("rates")),
        "Inflation hedge ratio": (before.get("inflation"), hedges.get("inflation")),
    }
    frame = pd.DataFrame(rows, index=["Before", "After"]).T
    return frame.map(_percent)


def balance_table(record: Mapping[str, Any]) -> pd.DataFrame:
    """Assets, liabilities and surplus (PV), and their PV01 and IE01, before and after (money).

    After is blank when the solve has no positions (JSON nulls read as NaN).
    """
    exposures = pd.DataFrame(record["exposures"]).set_index("measure")
    exposures = exposures.drop(columns="hedge_ratio").astype(float)
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


def allocation_table(record: Mapping[str, Any]) -> pd.DataFrame:
    """Kind, holding, position and trade per instrument held before or after (money)."""
    kinds = {row["id"]: row["kind"] for row in record.get("instruments") or []}
    frame = pd.DataFrame(
        {
            "Kind": pd.Series(kinds, dtype=object),
            "Before": pd.Series(record["holdings"], dtype=float),
            "After": pd.Series(record["positions"], dtype=float),
            "Trade": pd.Series(record["trades"], dtype=float),
        }
    )
    held = (frame[["Before", "After"]].abs() >= 0.5).any(axis=1)
    return frame[held].rename_axis("Instrument")


def bucket_table(record: Mapping[str, Any]) -> pd.DataFrame:
    """Rates and inflation hedge ratios per key tenor (years)."""
    frame = pd.DataFrame(record["buckets"]).set_index("key")
    frame.index = [f"{k:g}y" for k in frame.index]
    return frame.rename(columns=str.capitalize).rename_axis("Key")


def constraint_table(record: Mapping[str, Any]) -> pd.DataFrame:
    """Every constraint row: sense, value, bound, slack, shadow price and whether it binds."""
    rows = record.get("constraints") or []
    if not rows:
        return pd.DataFrame()
    frame = pd.DataFrame(rows).set_index("row")
    columns = [
        c for c in ("sense", "value", "bound", "slack", "shadow_price", "binding") if c in frame
    ]
    return frame[columns].rename_axis("Row")


def stress_table(record: Mapping[str, Any]) -> pd.DataFrame:
    """Per scenario: asset, liability and surplus change, funding ratio and headroom."""
    frame = pd.DataFrame(record["stress"]).set_index("scenario")
    shown = frame[["asset_change", "liability_change", "surplus_change", "headroom"]]
    shown = shown.map(_money)
    shown.insert(3, "funding_ratio_after", frame["funding_ratio_after"].map(_percent))
    return shown.rename(columns=lambda c: c.replace("_", " ").capitalize()).rename_axis("Scenario")


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


def _image(caption: str, png: bytes) -> str:
    data = base64.b64encode(png).decode("ascii")
    alt = html.escape(caption)
    return (
        f'<figure><img alt="{alt}" src="data:image/png;base64,{data}">'
        f"<figcaption>{alt}</figcaption></figure>"
    )


def _status_class(status: str) -> str:
    return "infeasible" if status == "infeasible" else ""


def _solver_line(solver: Mapping[str, Any]) -> str:
    return f"{solver.get('name')}, {solver.get('status')}, {solver.get('time_s', 0.0):.3f} s"


def _percent(value: Any) -> str:
    return "" if value is None else f"{float(value):.1%}"


def _money(value: Any) -> str:
    return f"{float(value):,.0f}"


def _figure(value: Any) -> str:
    return f"{float(value):,.6g}" if not isinstance(value, bool) else str(value)
