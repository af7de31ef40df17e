"""The solve summary: status, funding and hedge ratios, allocation and trades, binding limits.

Three renderings of the same tables: text for terminals (``ldi solve``), Markdown for
automation and HTML for notebooks. Every number comes from a decision record
(``ldi.io.record.DecisionRecord``), the one the HTML report (``ldi.reporting.html_report``)
draws too: ``SolveSummary.of(result)`` builds it from a result straight after a solve, and a
record read back from ``ldi solve --json`` gives the same summary. The tables are built by
module functions over plain frames, which the HTML report calls as well.
"""

import html
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ldi.display import figure
from ldi.instruments.base import CATEGORIES
from ldi.io.record import DecisionRecord, DiagnosisRecord, RecordModel, RoundingRecord
from ldi.liquidity.buffer import SEARCH_BP
from ldi.optimize.result import CONSTRAINT_COLUMNS, OBJECTIVE_COLUMNS, TOLERANCE, LDIResult
from ldi.optimize.solvers import Status
from ldi.optimize.terms.registry import CONSTRAINT_TERMS
from ldi.reporting.escaping import markdown_text
from ldi.reporting.record import result_record
from ldi.reporting.tables import amount, number, percent, render, rise_bp

LEGEND = (
    "Money in {ccy}. Positions: market value (assets), notional (swaps; + receives fixed or\n"
    "inflation), cash borrowed (repo). Hedge ratio = assets' PV01 (IE01) / liabilities' on\n"
    "the liability basis. Objective contributions are in money-equivalent units (each term\n"
    "scaled by the liabilities' PV, times its weight; maximized terms count negative).\n"
    "Shadow price: change in the objective per unit of a limit's bound."
)
TICKET_HEADINGS = {
    "isin": "ISIN",
    "kind": "Kind",
    "side": "Side",
    "nominal": "Nominal",
    "clean_price": "Clean",
    "accrued": "Accrued",
    "index_ratio": "Index ratio",
    "consideration": "Consideration",
    "settlement_date": "Settles",
    "maturity": "Years",
    "fixed_rate": "Rate",
    "pv01": "PV01",
    "ie01": "IE01",
    "haircut": "Haircut",
    "collateral": "Collateral",
}
TICKET_MONEY = ("Nominal", "Consideration", "PV01", "IE01")
TICKET_DECIMALS = {"Clean": 4, "Accrued": 4, "Index ratio": 5, "Years": 2, "Rate": 5, "Haircut": 3}
TICKET_TEXT = ("ISIN", "Side", "Nominal", "Clean", "Consideration", "Settles", "PV01", "IE01")
MOVED_SHOWN = 3  # rows the rounding line names
TICKET_NOTE = "nominal: face, notional or cash; consideration: + paid, - received"
E_NOT_A_RECORD = (
    "SolveSummary renders a DecisionRecord, got {got}; summarise a result with "
    "SolveSummary.of(result)"
)


@dataclass(frozen=True, eq=False)
class SolveSummary:
    """Readable tables of one decision record (``SolveSummary.of(result)`` after a solve)."""

    record: DecisionRecord

    def __post_init__(self) -> None:
        if not isinstance(self.record, DecisionRecord):
            raise TypeError(E_NOT_A_RECORD.format(got=type(self.record).__name__))

    @classmethod
    def of(cls, result: LDIResult) -> "SolveSummary":
        """The summary of ``result``: its record without the problem's keys or stresses."""
        return cls(result_record(result))

    @property
    def ok(self) -> bool:
        """True when the record's positions are a verified optimum (status optimal)."""
        return self.record.status == Status.OPTIMAL

    def headline(self) -> pd.DataFrame:
        """Funding and hedge ratios, then the assets' value and the surplus, before and after.

        Inflation hedges only when the problem has inflation exposure (``has_inflation``).
        """
        r = self.record
        after = {"funding_ratio": r.funding_ratio, **(r.hedge_ratios or {})}
        table = headline_table(r.before or {}, after, exposure_frame(r).loc["pv"], r.currency)
        if has_inflation(r):
            return table
        return table[~table.index.str.startswith("Inflation hedge")]

    def collateral(self) -> pd.DataFrame | None:
        """Collateral called, available and headroom per tested rise, and resilience (bp).

        None when the problem has no collateral buffer or liquidity coverage constraint.
        The record writes a rise beyond the search range as null, read here as inf.
        """
        summary = self.record.collateral
        if summary is None:
            return None
        table = rows_frame(summary.headroom, "rise").astype(float)
        resilience = rows_frame(summary.resilience, "rise").astype(float)
        return collateral_table(table, resilience.fillna(float("inf")))

    def outcomes(self) -> pd.DataFrame | None:
        """Simulated one-year outcomes before and after (None without a CVaR term)."""
        summary = self.record.outcomes
        if summary is None:
            return None
        table = rows_frame(summary.outcomes, "measure").astype(float)
        return outcomes_table(
            table, summary.confidence, summary.surplus_var_limit, summary.var_breached
        )

    def allocation(self) -> pd.DataFrame:
        """Kind, holding, position and trade per instrument held before or after."""
        r = self.record
        holdings = pd.Series(r.holdings, dtype=float)
        positions = pd.Series(r.positions, dtype=float)
        return allocation_table(instrument_kinds(r), holdings, positions, r.scale)

    def binding(self) -> pd.DataFrame:
        """Binding rows, except long-only ones and vector rows with many binding entries."""
        table = self._binding_rows()
        keep = (table["kind"] != "long_only") & ~table.index.isin(self._many().index)
        return table[keep][["sense", "value", "bound", "shadow_price"]].rename_axis("Constraint")

    def _binding_rows(self) -> pd.DataFrame:
        table = constraint_frame(self.record)
        return table[table["binding"]]

    def _many(self) -> pd.Series:
        """The vector row of each binding entry whose vector row has more than three binding.

        Entries are told from scalar rows by the constraint table's ``vector`` column, not by
        their names (a scalar row may be named ``bounds[CASH].min_fraction``).
        """
        table = self._binding_rows()
        vector = table["vector"][table["vector"].notna() & (table["kind"] != "long_only")]
        counts = vector.map(vector.value_counts())
        return vector[counts > 3]

    def as_text(self) -> str:
        """Plain-text summary for a terminal."""
        r = self.record
        lines = [f"{r.name}: {r.status} ({self._solver_line()})", ""]
        lines += [self.headline().to_string(), ""]
        if r.diagnosis is not None:
            table = diagnosis_table(r.diagnosis)
            lines += [f"{r.diagnosis.title}: " + r.diagnosis.message, ""]
            lines += [render(table, money=(), fixed=_fixed(table)), ""]
        if self.ok:
            lines += [
                f"Allocation ({r.currency})",
                render(self.allocation(), money=("Before", "After", "Trade"), fixed={}),
                *([money] if (money := self.new_money()) else []),
                *(textwrap.fill(line, width=88) for line in self.execution_notes()),
                *self._tickets_text(),
                "",
                "Objective",
                objective_frame(r)[["sense", "weight", "value", "unit", "contribution"]].to_string(
                    float_format=figure
                ),
                "",
                "Binding constraints",
                self._binding_text(),
            ]
            lines += self._collateral_text()
            lines += self._outcomes_text()
            for name, ledger in ledger_frames(r).items():
                money = ["asset_inflow", "liability_outgo", "surplus", "borrowing"]
                ledger = ledger.assign(**cleaned(ledger[money], r.scale))
                lines += [
                    "",
                    f"Cash-flow ledger ({name}; shadow price: cost today of 1 more paid then)",
                    render(ledger, money=tuple(money), fixed={"shadow_price": 4}),
                ]
        lines += ["", LEGEND.format(ccy=r.currency)]
        return "\n".join(lines)

    def as_markdown(self) -> str:
        """Markdown summary: pipe tables, names as plain text, money to the cent."""
        r = self.record
        md = markdown_text
        parts = [f"## {md(r.name)}: {r.status}", "", f"Solver: {md(self._solver_line())}"]
        parts += ["", _markdown(self.headline().rename_axis("Measure"))]
        if r.diagnosis is not None:
            parts += ["", f"**{r.diagnosis.title}:** {md(r.diagnosis.message)}"]
        if self.ok:
            allocation = _markdown(self.allocation(), money=("Before", "After", "Trade"))
            parts += ["", "### Allocation", "", allocation]
            parts += [part for line in self.execution_notes() for part in ("", md(line))]
            tickets = self.tickets()
            if not tickets.empty:
                parts += ["", "### Tickets", "", _markdown(tickets, money=TICKET_MONEY)]
            parts += ["", "### Binding constraints", "", _markdown(self.binding())]
            collateral = self.collateral()
            if collateral is not None:
                assert r.collateral is not None
                parts += ["", f"### Collateral ({md(r.collateral.title)})", ""]
                parts += [_markdown(collateral.rename_axis("Measure")), "", md(self.binds())]
            outcomes = self.outcomes()
            if outcomes is not None:
                title = md(self._outcomes_title())
                parts += ["", f"### Simulated one-year outcomes ({title})", ""]
                parts += [_markdown(outcomes.rename_axis("Measure"))]
        return "\n".join(parts) + "\n"

    def _repr_html_(self) -> str:
        r = self.record
        parts = [
            f"<h3>{html.escape(r.name)}: {r.status}</h3>",
            f"<p>{html.escape(self._solver_line())}</p>",
            self.headline().to_html(),
        ]
        if r.diagnosis is not None:
            title = html.escape(r.diagnosis.title)
            parts.append(f"<p><b>{title}:</b> {html.escape(r.diagnosis.message)}</p>")
        if self.ok:
            parts += [
                "<h4>Allocation</h4>",
                self.allocation().to_html(float_format=lambda v: f"{v:,.0f}"),
                *(f"<p>{html.escape(line)}</p>" for line in self.execution_notes()),
                *self._tickets_html(),
                "<h4>Binding constraints</h4>",
                self.binding().to_html(float_format=figure),
            ]
            collateral = self.collateral()
            if collateral is not None:
                assert r.collateral is not None
                parts += [
                    f"<h4>Collateral ({html.escape(r.collateral.title)})</h4>",
                    collateral.to_html(),
                    f"<p>{html.escape(self.binds())}</p>",
                ]
            outcomes = self.outcomes()
            if outcomes is not None:
                title = html.escape(self._outcomes_title())
                parts += [f"<h4>Simulated one-year outcomes ({title})</h4>", outcomes.to_html()]
        return "\n".join(parts)

    def tickets(self) -> pd.DataFrame:
        """The trade tickets for display (``ticket_frame``); empty without trades."""
        return ticket_frame(self.record)

    def _tickets_text(self) -> list[str]:
        tickets = self.tickets()
        if tickets.empty:
            return []
        shown = [c for c in TICKET_TEXT if c in tickets]
        table = render(tickets[shown], money=TICKET_MONEY, fixed=TICKET_DECIMALS)
        return ["", f"Tickets ({self.record.currency}; {TICKET_NOTE})", table]

    def _tickets_html(self) -> list[str]:
        tickets = self.tickets()
        if tickets.empty:
            return []
        return ["<h4>Tickets</h4>", formatted_tickets(tickets).to_html(na_rep="-")]

    def new_money(self) -> str | None:
        """What the trades cost beyond the assets held, or leave uninvested (None: nothing).

        The assets' value after less before, net of repo: a problem without a budget may buy
        more than the fund holds (a dedication's cheapest matching portfolio), and then its
        funding ratio after counts money the fund must still find.
        """
        pv = exposure_frame(self.record).loc["pv"]
        change = float(pv["assets"] - pv["assets_before"])
        if not abs(change) > max(1e-7 * abs(self.record.scale), 1.0):
            return None
        money = amount(abs(change), self.record.currency)
        if change > 0:
            return f"The trades cost {money} more than the assets held: new money to find first."
        return f"The trades leave {money} of the assets held uninvested."

    def execution_notes(self) -> list[str]:
        """What the clean-up re-solve held, or what rounding to lots cost; none without."""
        rounding = self.record.rounding
        if rounding is not None:
            return _rounding_lines(rounding, self.record.scale)
        clean = self.record.clean_up
        if clean is None or not (clean.trades or clean.kept):
            return []
        below = f"Trades below {self.record.currency} {clean.threshold:,.0f}"
        if clean.kept is not None:
            return [f"{below}: {clean.kept}."]
        held = ", ".join(f"{name} ({trade:+,.0f})" for name, trade in clean.trades.items())
        cost = clean.after - clean.before
        within = abs(cost) <= TOLERANCE * self.record.scale
        change = "unchanged to the solver's tolerance" if within else f"{cost:+,.0f}"
        return [
            f"{below} held at the holdings by a clean-up re-solve: {held}; the objective {change}."
        ]

    def _collateral_text(self) -> list[str]:
        table = self.collateral()
        if table is None:
            return []
        assert self.record.collateral is not None
        return [
            "",
            f"Collateral ({self.record.collateral.title})",
            table.to_string(),
            self.binds(),
        ]

    def _outcomes_text(self) -> list[str]:
        table = self.outcomes()
        if table is None:
            return []
        return ["", f"Simulated one-year outcomes ({self._outcomes_title()})", table.to_string()]

    def _outcomes_title(self) -> str:
        summary = self.record.outcomes
        assert summary is not None
        return summary.source

    def binds(self) -> str:
        """The line naming the binding collateral rows (of terms that declare ``liquidity``)."""
        kinds = self._binding_rows()["kind"]
        liquidity = [kind for kind, term in CONSTRAINT_TERMS.items() if term.liquidity]
        binding = list(kinds.index[kinds.isin(liquidity)])
        return f"Binds: {', '.join(binding)}" if binding else "The liquidity limits do not bind."

    def _solver_line(self) -> str:
        info = self.record.solver
        tried = [a.solver for a in info.attempts]
        fallback = f"; tried {', '.join(tried)}" if len(tried) > 1 else ""
        return f"{info.name}, {info.time_s:.3f}s{fallback}"

    def _binding_text(self) -> str:
        table = self._binding_rows()
        if table.empty:
            return "(none)"
        text = self.binding().to_string(float_format=figure)
        for name, count in self._many().value_counts(sort=False).items():
            text += f"\n{name}: {count} entries bind (see the constraint table)"
        at_zero = table.loc[table["kind"] == "long_only", "entry"]
        if len(at_zero):
            text += f"\nAt zero (long only): {', '.join(map(str, at_zero))}"
        return text


def _rounding_lines(rounding: RoundingRecord, scale: float) -> list[str]:
    """The cost of rounding to whole lots and minimum tickets, and the limits it moved most."""
    cost = rounding.integer - rounding.continuous
    share = cost / max(abs(rounding.integer), TOLERANCE * scale)
    proved = "optimal" if rounding.status == "optimal" else f"stopped at the {rounding.status}"
    lines = [
        f"Whole lots and minimum tickets (HiGHS): the objective {cost:+,.0f} ({share:.2%}) "
        f"against the continuous optimum, within {rounding.gap:.2%} of the integer optimum "
        f"(gap limit {rounding.mip_gap:.2%}; {proved}, {rounding.rounds} round"
        f"{'s' if rounding.rounds != 1 else ''})."
    ]
    rows = [row.model_dump() for row in rounding.moved]
    moved = [row for row in rows if not str(row["row"]).startswith("long_only")]
    if moved:
        shown = ", ".join(
            f"{row['row']} {figure(row['before'])} -> {figure(row['after'])}"
            for row in moved[:MOVED_SHOWN]
        )
        lines.append(f"Limits moved most: {shown}.")
    return lines


def ticket_frame(record: DecisionRecord) -> pd.DataFrame:
    """The record's tickets for display (index: instrument), in ``TICKET_HEADINGS``' words.

    ISIN, side, nominal, clean price, accrued, index ratio, consideration, settlement date,
    years to maturity, rate, PV01, IE01, haircut and collateral; columns no ticket fills
    (no ISIN given, no linker traded) are left out.
    """
    rows = [row.model_dump() for row in record.tickets or []]
    if not rows:
        return pd.DataFrame()
    frame = pd.DataFrame(rows).set_index("instrument").rename(columns=TICKET_HEADINGS)
    filled = [c for c in frame if frame[c].notna().any() and (frame[c] != 0).any()]
    kept = [c for c in TICKET_HEADINGS.values() if c in filled and c != "Kind"]
    return frame[kept].rename_axis("Instrument")


def ticket_formatters() -> dict[str, Callable[[float], str]]:
    """Number formats of the ticket columns: money whole, prices and rates in decimals."""
    money = dict.fromkeys(TICKET_MONEY, number(0))
    return money | {column: number(d) for column, d in TICKET_DECIMALS.items()}


def formatted_tickets(tickets: pd.DataFrame) -> pd.DataFrame:
    """``ticket_frame``'s table as text, each column in its format (blanks as '-')."""
    formats = ticket_formatters()
    return tickets.apply(lambda c: c.map(formats.get(c.name, str)) if c.name in formats else c)


def rows_frame(rows: Sequence[RecordModel], index: str) -> pd.DataFrame:
    """A record's rows as a table indexed by their ``index`` key (the keys each row was given)."""
    if not rows:
        return pd.DataFrame(index=pd.Index([], name=index))
    return pd.DataFrame([row.model_dump(exclude_unset=True) for row in rows]).set_index(index)


def exposure_frame(record: DecisionRecord) -> pd.DataFrame:
    """The exposures (index: pv, pv01, ie01, ...) in money; nulls as NaN."""
    frame = rows_frame(record.exposures, "measure")
    return frame.drop(columns="hedge_ratio").astype(float)


def has_inflation(record: DecisionRecord) -> bool:
    """True when the liabilities or the assets (before or after) have inflation exposure."""
    ie01 = exposure_frame(record).loc["ie01"]
    return bool(np.nan_to_num(ie01[["assets_before", "assets", "liabilities"]]).any())


def instrument_kinds(record: DecisionRecord) -> pd.Series:
    """Each instrument's kind by id (none in a record without its instruments)."""
    return pd.Series({row.id: row.kind for row in record.instruments or []}, dtype=str)


def instrument_categories(record: DecisionRecord) -> pd.Series:
    """Each instrument's category by id; a record without one: its kind's (``CATEGORIES``)."""
    return pd.Series(
        {
            row.id: row.category or CATEGORIES.get(row.kind, row.kind)
            for row in record.instruments or []
        },
        dtype=str,
    )


def objective_frame(record: DecisionRecord) -> pd.DataFrame:
    """The objective table as the result holds it (index: term); nulls as NaN."""
    rows = [row.model_dump() for row in record.objective or []]
    frame = pd.DataFrame(rows, columns=["term", *OBJECTIVE_COLUMNS]).set_index("term")
    numbers = ["weight", "value", "contribution"]
    return frame.astype(dict.fromkeys(numbers, float)) if rows else frame


def constraint_frame(record: DecisionRecord) -> pd.DataFrame:
    """The constraint table as the result holds it (index: row); nulls as NaN."""
    rows = [row.model_dump() for row in record.constraints or []]
    frame = pd.DataFrame(rows, columns=["row", *CONSTRAINT_COLUMNS]).set_index("row")
    numbers = dict.fromkeys(["value", "bound", "slack", "shadow_price"], float)
    return frame.astype({**numbers, "binding": bool})


def ledger_frames(record: DecisionRecord) -> dict[str, pd.DataFrame]:
    """Each cash ledger by its term's name (index: period; money and shadow prices)."""
    return {
        name: rows_frame(rows, "period").astype(float)
        for name, rows in (record.ledgers or {}).items()
    }


def diagnosis_table(diagnosis: DiagnosisRecord) -> pd.DataFrame:
    """A diagnosis' table as the solve made it: its index named, its columns when empty.

    A column with no number (all null) is a column of NaN.
    """
    if not diagnosis.rows:
        return pd.DataFrame(columns=diagnosis.columns)
    frame = rows_frame(diagnosis.rows, "row").rename_axis(diagnosis.index)
    empty = [column for column in frame if frame[column].isna().all()]
    return frame.astype(dict.fromkeys(empty, float))


def headline_table(
    before: Mapping[str, float | None],
    after: Mapping[str, float | None],
    value: Mapping[str, float | None],
    currency: str,
) -> pd.DataFrame:
    """Funding and hedge ratios, then the assets' value and the surplus, before and after.

    ``before`` and ``after`` hold ``funding_ratio``, ``rates`` and ``inflation`` (and
    ``rates@<basis>`` and ``inflation@<basis>`` for each hedging basis, each shown after
    its funding-basis ratio); ``value``
    the PV row of the exposures (``assets_before``, ``assets``, ``liabilities``). The assets'
    value is what the positions cost (net of repo), so a cost-minimizing solve without a
    budget shows there what the matching portfolio needs.
    """
    ratios = {
        "Funding ratio": "funding_ratio",
        "Rates hedge": "rates",
        **{
            f"Rates hedge ({key.removeprefix('rates@')})": key
            for key in after
            if key.startswith("rates@")
        },
        "Inflation hedge": "inflation",
        **{
            f"Inflation hedge ({key.removeprefix('inflation@')})": key
            for key in after
            if key.startswith("inflation@")
        },
        **{
            f"Inflation hedge, {key.removeprefix('inflation:')}": key
            for key in after
            if key.startswith("inflation:")
        },
    }
    rows = {
        label: [percent(_number(side.get(key))) for side in (before, after)]
        for label, key in ratios.items()
    }
    assets = [_number(value["assets_before"]), _number(value["assets"])]
    rows[f"Assets ({currency})"] = [number(0)(a) for a in assets]
    liabilities = _number(value["liabilities"])
    rows[f"Surplus ({currency})"] = [number(0)(a - liabilities) for a in assets]
    return pd.DataFrame(rows, index=["Before", "After"]).T


def allocation_table(
    kinds: pd.Series, holdings: pd.Series, positions: pd.Series, scale: float
) -> pd.DataFrame:
    """Kind, holding, position and trade per instrument held before or after (money).

    Solver residues (below 1e-7 of ``scale``, the solve's money unit) show as 0.
    """
    frame = pd.DataFrame({"Kind": kinds, "Before": holdings, "After": positions})
    frame[["Before", "After"]] = cleaned(frame[["Before", "After"]].astype(float), scale)
    frame["Trade"] = frame["After"] - frame["Before"]
    kept = (frame["Before"] != 0) | (frame["After"] != 0)
    return frame[kept].rename_axis("Instrument")


def collateral_table(table: pd.DataFrame, resilience: pd.DataFrame) -> pd.DataFrame:
    """A collateral summary's tables as text: money per rise, then resilience in bp.

    ``table`` and ``resilience`` are ``CollateralSummary.table`` and ``.resilience``.
    """
    labels = [c for c in ("before", "after") if f"headroom_{c}" in table]
    money = number(0)
    rows: dict[str, list[str]] = {}
    for rise in table.index:
        for measure, name in (("called", "Called"), ("available", "Available")):
            rows[f"{name} [{rise}]"] = [money(table.loc[rise, f"{measure}_{c}"]) for c in labels]
        rows[f"Headroom [{rise}]"] = [money(table.loc[rise, f"headroom_{c}"]) for c in labels]
    for rise in resilience.index:
        for measure, name in (("absorbable", "Rise absorbed"), ("zero_nav", "To zero NAV")):
            rows[f"{name} [{rise}]"] = [
                rise_bp(resilience.loc[rise, f"{measure}_bp_{c}"], SEARCH_BP) for c in labels
            ]
    return pd.DataFrame(rows, index=[c.capitalize() for c in labels]).T


def outcomes_table(
    table: pd.DataFrame,
    confidence: float,
    var_limit: float | None,
    var_breached: Mapping[str, bool],
) -> pd.DataFrame:
    """Simulated one-year outcomes as text (``OutcomeSummary.table`` and its VaR limit)."""
    labels = {
        "expected_surplus_change": ("Expected surplus change", "money"),
        "surplus_volatility": ("Surplus volatility (1 sd)", "money"),
        "value_at_risk": (f"VaR {confidence:.0%} (surplus loss)", "money"),
        "cvar": (f"CVaR {confidence:.0%} (surplus loss)", "money"),
        "probability_below_100": ("P(funding ratio < 100%)", "percent"),
        "probability_below_90": ("P(funding ratio < 90%)", "percent"),
        "funding_ratio_p5": ("Funding ratio, 5th percentile", "percent"),
        "funding_ratio_p50": ("Funding ratio, median", "percent"),
        "funding_ratio_p95": ("Funding ratio, 95th percentile", "percent"),
    }
    rows = {}
    for measure, (label, kind) in labels.items():
        shown = number(0) if kind == "money" else percent
        rows[label] = [shown(float(v)) for v in table.loc[measure]]
        if measure == "value_at_risk" and var_limit is not None:
            rows[f"VaR {confidence:.0%} limit"] = [
                f"{number(0)(var_limit)} ({'breached' if broken else 'within'})"
                for broken in var_breached.values()
            ]
    return pd.DataFrame(rows, index=[c.capitalize() for c in table.columns]).T


def cleaned(frame: pd.DataFrame, scale: float) -> pd.DataFrame:
    """Money amounts with solver residues (below 1e-7 of the scale) shown as 0."""
    return frame.where(frame.abs() > 1e-7 * max(abs(scale), 1.0), 0.0)


def _fixed(frame: pd.DataFrame) -> dict[str, int]:
    return {c: 4 for c in frame.columns if pd.api.types.is_float_dtype(frame[c])}


def _markdown(frame: pd.DataFrame, money: tuple[str, ...] = ()) -> str:
    """A pipe table without optional dependencies (cells as ``_cell`` writes them).

    ``money`` columns are written to the cent with thousands separators; other numbers as
    ``figure`` writes them (whole units from 1,000, six significant digits below).
    """
    if frame.empty:
        return "(none)"
    header = _line([frame.index.name or "", *frame.columns])
    rule = "|" + "---|" * (len(frame.columns) + 1)
    cents = [column in money for column in frame.columns]
    rows = [
        _line([label, *row], [False, *cents])
        for label, row in zip(frame.index, frame.itertuples(index=False), strict=True)
    ]
    return "\n".join([header, rule, *rows])


def _line(values: list[object], money: list[bool] | None = None) -> str:
    kinds = money or [False] * len(values)
    return "| " + " | ".join(_cell(v, m) for v, m in zip(values, kinds, strict=True)) + " |"


def _cell(value: object, money: bool = False) -> str:
    """Money to the cent, another number as a ``figure``, or text escaped (``markdown_text``).

    A missing number (NaN) is '-'.
    """
    if isinstance(value, float) and value != value:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}" if money else figure(value)
    return markdown_text(value)


def _number(value: float | None) -> float:
    return float("nan") if value is None else float(value)
