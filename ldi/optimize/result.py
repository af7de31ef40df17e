"""The outcome of a solve: positions, trades, exposures, term values and constraint rows.

Every reported number is recomputed in numpy from the positions with the terms' own
formulas (``NumpyOps``), not read back from the solver, so a test can compare the two.
Money is in the problem's currency. The objective is reported in money-equivalent units:
each term's scaled value x S (S = the liabilities' PV), weighted, with sign + when
minimized; a shadow price is the change in that objective per unit of a row's bound.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from ldi.display import report_of
from ldi.errors import InfeasibleError, SolveError
from ldi.liabilities import FUNDING
from ldi.liquidity.summary import CollateralSummary
from ldi.optimize.context import NumpyOps, Scaled
from ldi.optimize.solvers import SolverInfo, Status
from ldi.optimize.terms.base import ConstraintTerm, Row, Sense
from ldi.optimize.terms.base import violation as row_violation
from ldi.optimize.tickets import COLUMNS as TICKET_COLUMNS
from ldi.scenarios.pnl import OutcomeSummary
from ldi.storage.json_safe import json_safe
from ldi.typing import FloatArray

TOLERANCE = 1e-6  # an answer's relative residuals (a hard row's: ``relative_violation``)
BINDING_TOLERANCE = 1e-6  # relative to the bound (or 1) in the row's units
# An interior-point solver leaves a binding row's slack near its own tolerance: a row within
# NEAR_TOLERANCE whose shadow price moves the objective by BINDING_TOLERANCE of the money
# scale, for a change of the bound by its own size, binds too.
NEAR_TOLERANCE = 1e-4
OBJECTIVE_COLUMNS = ["kind", "sense", "weight", "value", "unit", "contribution"]
CONSTRAINT_COLUMNS = [
    "term",
    "kind",
    "vector",
    "entry",
    "sense",
    "value",
    "bound",
    "slack",
    "shadow_price",
    "binding",
    "soft",
]


@dataclass(frozen=True)
class Diagnosis:
    """Why a solve has no verified answer, under a ``title`` that says which case it is.

    ``Infeasible``: the rows an elastic solve had to relax, and by how much; ``table``
    (index: row name): term, sense, bound, needed (the bound that, with the other relaxed
    rows, restores feasibility), relaxation (in the row's units) and needed_alone (the bound
    that restores feasibility if only this row moves; NaN when it cannot). ``feasible``: the
    elastic solve met every limit, so the solver's infeasible verdict was wrong.
    ``Unbounded``: the positions that run away (index: instrument; direction, long or
    short). ``Not verified``: the checks the closest answer failed (``ldi.optimize.verify``;
    kind, value, bound, residual).
    """

    table: pd.DataFrame
    message: str
    title: str = "Infeasible"
    feasible: bool = False


@dataclass(frozen=True)
class CleanUp:
    """The clean-up re-solve: trades smaller than ``threshold`` (money) held at the holdings.

    ``trades``: the trades the continuous answer proposed that are held (index: instrument;
    several rounds when a re-solve leaves new ones). ``before``/``after``: the objective
    (money-equivalent units) of the continuous answer and of the cleaned one. ``solver``
    and ``time_s``: the solver of the last re-solve and the re-solves' seconds (the result's
    ``solver`` is the continuous solve's). ``kept``: why the continuous answer was kept
    (the re-solve with them held was not optimal), or None.
    """

    threshold: float
    trades: pd.Series
    before: float
    after: float
    solver: str = ""
    time_s: float = 0.0
    kept: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain numbers, for JSON."""
        return {
            "threshold": self.threshold,
            "trades": self.trades.to_dict(),
            "before": self.before,
            "after": self.after,
            "solver": self.solver,
            "time_s": self.time_s,
            "kept": self.kept,
        }


@dataclass(frozen=True, eq=False)
class LDIResult:
    """A solve's outcome (see the module docstring for units and signs).

    ``instruments``: kind, role and category by id. ``positions``: market value (physical),
    notional (overlays) or cash borrowed (repo) by instrument id; ``trades`` = positions −
    ``holdings``. ``exposures`` (index: pv, pv01, ie01, cs01 and key-rate rows):
    assets_before, assets, liabilities, gap (assets − liabilities) and hedge_ratio.
    ``buckets``: rates and inflation hedge ratios per key; ``hedge_ratios`` also holds
    ``rates@<basis>`` for each hedging basis of the liabilities. ``before``: funding and
    hedge ratios of the current holdings. ``collateral``: headroom under the first collateral
    buffer (or liquidity coverage) constraint, before and after, when the model has one.
    ``outcomes``: simulated one-year outcomes on the first CVaR term's scenarios, if any.
    ``verification``: the checks of the answer (``ldi.optimize.verify``; index: check), of
    the closest one when none passed; None when no solver gave positions. ``clean_up``: the
    re-solve that held the trades below the smallest trade (None: none was asked for).
    ``tickets``: the trades as a dealer executes them (``ldi.optimize.tickets``; index:
    instrument), empty without an optimum. ``rounding``: with an ``execution`` section, the
    cost of trading whole lots and minimum tickets (``ldi.optimize.execution.Rounding``).
    """

    name: str
    currency: str
    status: Status
    instruments: pd.DataFrame
    positions: pd.Series
    holdings: pd.Series
    trades: pd.Series
    objective: pd.DataFrame
    constraints: pd.DataFrame
    exposures: pd.DataFrame
    hedge_ratios: Mapping[str, float]
    buckets: pd.DataFrame
    funding_ratio: float
    solver: SolverInfo
    scale: float
    ledgers: Mapping[str, pd.DataFrame] = field(default_factory=lambda: MappingProxyType({}))
    diagnosis: Diagnosis | None = None
    before: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    collateral: CollateralSummary | None = None
    outcomes: OutcomeSummary | None = None
    verification: pd.DataFrame | None = None
    clean_up: CleanUp | None = None
    rounding: Any = None
    tickets: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=TICKET_COLUMNS))

    @property
    def ok(self) -> bool:
        """True when the positions are a verified optimum (status optimal)."""
        return self.status is Status.OPTIMAL

    @property
    def objective_value(self) -> float:
        """Sum of the terms' contributions (money-equivalent units)."""
        return float(self.objective["contribution"].sum())

    @property
    def binding(self) -> pd.DataFrame:
        """Rows of the constraint table that bind."""
        return self.constraints[self.constraints["binding"]]

    def raise_for_status(self) -> None:
        """Raise InfeasibleError (with the diagnosis) or SolveError (with it, if any) unless ok."""
        if self.ok:
            return
        if self.status is Status.INFEASIBLE:
            detail = self.diagnosis.message if self.diagnosis else "no diagnosis"
            raise InfeasibleError(f"{self.name}: infeasible; {detail}")
        detail = f"; {self.diagnosis.message}" if self.diagnosis else ""
        raise SolveError(f"{self.name}: {self.status.value} ({self.solver.status}){detail}")

    def report(self) -> Any:
        """The solve summary (``ldi.reporting.SolveSummary``): text, Markdown and HTML."""
        return report_of(self)

    def _repr_html_(self) -> str:
        return self.report()._repr_html_()

    def __repr__(self) -> str:
        """One line: name, status, funding and hedge ratios (the tables are attributes)."""
        ratios = ", ".join(
            f"{key} {value:.1%}" for key, value in self.hedge_ratios.items() if value == value
        )
        funding = f"funding {self.funding_ratio:.1%}" if self.ok else "no positions"
        return f"<LDIResult {self.name!r}: {self.status.value}; {funding}; hedges {ratios}>"

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary of everything above (NaN becomes null)."""
        return json_safe(
            {
                "name": self.name,
                "currency": self.currency,
                "status": self.status.value,
                "funding_ratio": self.funding_ratio,
                "hedge_ratios": dict(self.hedge_ratios),
                "before": dict(self.before),
                "objective_value": self.objective_value if self.ok else None,
                "positions": self.positions.to_dict(),
                "holdings": self.holdings.to_dict(),
                "trades": self.trades.to_dict(),
                "objective": _records(self.objective, "term"),
                "constraints": _records(self.constraints, "row"),
                "exposures": _records(self.exposures, "measure"),
                "buckets": _records(self.buckets, "key"),
                "ledgers": {k: _records(v, "period") for k, v in self.ledgers.items()},
                "solver": self.solver.to_dict(),
                "scale": self.scale,
                "collateral": None if self.collateral is None else self.collateral.to_dict(),
                "outcomes": None if self.outcomes is None else self.outcomes.to_dict(),
                "diagnosis": None
                if self.diagnosis is None
                else {
                    "title": self.diagnosis.title,
                    "message": self.diagnosis.message,
                    "rows": _records(self.diagnosis.table, "row"),
                    "index": self.diagnosis.table.index.name or "row",
                    "columns": [str(c) for c in self.diagnosis.table.columns],
                },
                "verification": None
                if self.verification is None
                else _records(self.verification, "check"),
                "clean_up": None if self.clean_up is None else self.clean_up.to_dict(),
                "rounding": None if self.rounding is None else self.rounding.to_dict(),
                "tickets": _records(_dated(self.tickets), "instrument"),
            }
        )


def _dated(tickets: pd.DataFrame) -> pd.DataFrame:
    """Tickets with ISO settlement dates (None when unknown), for JSON."""
    dates = pd.to_datetime(tickets["settlement_date"])
    text = dates.dt.strftime("%Y-%m-%d").astype(object)
    return tickets.assign(settlement_date=text.where(dates.notna(), None))


def _records(frame: pd.DataFrame, index: str) -> list[dict[str, Any]]:
    return frame.rename_axis(index).reset_index().to_dict(orient="records")


def row_table(
    rows: list[tuple[ConstraintTerm, Row, list[Any]]],
    scale: float,
    prices: pd.Series | None = None,
) -> pd.DataFrame:
    """The constraint table from (term, numeric row, its cvxpy constraints) triples.

    Each entry of a vector row names that row in ``vector`` and its label in ``entry``; a
    scalar row has None in both, whatever its name holds (``bounds[CASH].min_fraction``).
    Shadow prices are the constraints' duals, or ``prices`` by row when given (those of the
    problem as posed, for an answer re-solved with positions pinned). The columns are
    gathered row by row and the table built once.
    """
    if not rows:
        return pd.DataFrame(columns=CONSTRAINT_COLUMNS, index=pd.Index([], name="row"))
    if prices is None:
        prices = shadow_prices(rows, scale)
    text: dict[str, list[Any]] = {name: [] for name in ("term", "kind", "vector", "entry")}
    text["sense"], labels, hard, equal = [], [], [], []
    numbers: dict[str, list[FloatArray]] = {
        name: [] for name in ("value", "bound", "slack", "size", "display")
    }
    for term, row, _ in rows:
        names = row_labels(row)
        count = len(names)
        value, bound, slack = row_numbers(row)
        # A limit met within the tolerance answers are checked to is met: no slack < 0.
        slack = np.where(relative_violation(row) <= TOLERANCE, np.maximum(slack, 0.0), slack)
        # Compared in scaled units, so a money row binds within a fraction of S.
        size = np.maximum(1.0, np.abs(bound) / row.display)
        display = np.full(count, row.display)
        for name, array in zip(numbers, (value, bound, slack, size, display), strict=True):
            numbers[name].append(array)
        labels += names
        text["term"] += [term.name] * count
        text["kind"] += [term.kind] * count
        text["vector"] += [None if row.labels is None else row.name] * count
        text["entry"] += [None] * count if row.labels is None else list(row.labels)
        text["sense"] += [row.sense.value] * count
        hard += [term.soft is None] * count
        equal += [row.sense is Sense.EQ] * count
    columns = {name: np.concatenate(arrays) for name, arrays in numbers.items()}
    size, display = columns.pop("size"), columns.pop("display")
    columns["shadow_price"] = prices.reindex(labels).to_numpy(dtype=float)
    priced = np.abs(columns["shadow_price"]) * size * display >= BINDING_TOLERANCE * scale
    gap = np.abs(columns["slack"]) / display
    tight = (gap <= BINDING_TOLERANCE * size) | ((gap <= NEAR_TOLERANCE * size) & priced)
    hard_rows = np.array(hard)
    columns["binding"] = hard_rows & (np.array(equal) | tight)
    columns["soft"] = ~hard_rows
    index = pd.Index(labels, name="row")
    for name in ("vector", "entry"):  # None where a row is scalar
        text[name] = pd.Series(text[name], index=index, dtype=object)
    return pd.DataFrame(text | columns, index=index)[CONSTRAINT_COLUMNS]


def shadow_prices(rows: list[tuple[ConstraintTerm, Row, list[Any]]], scale: float) -> pd.Series:
    """Every row entry's shadow price from its constraints' duals, by row label (``_shadow``)."""
    labels, prices = [], []
    for _, row, built in rows:
        names = row_labels(row)
        labels += names
        prices.append(_shadow(row, built, scale, len(names)))
    index = pd.Index(labels, name="row")
    return pd.Series(np.concatenate(prices) if prices else [], index=index, dtype=float)


def row_labels(row: Row) -> list[str]:
    """Report names of a row's entries: the row's name, or name[label] per entry."""
    if row.labels is None:
        return [row.name]
    return [f"{row.name}[{label}]" for label in row.labels]


def row_numbers(row: Row) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(value, bound, slack) of a numeric row in its reported units; slack < 0 violates."""
    lhs, rhs = np.atleast_1d(row.lhs), np.atleast_1d(row.rhs)
    unit = np.atleast_1d(row.unit)
    if row.measure is not None:
        value = np.atleast_1d(row.measure) + 0.0 * lhs
        bound = np.atleast_1d(row.limit) + 0.0 * lhs
        gap = value - bound
    else:
        value = lhs / unit * row.display + 0.0 * rhs
        bound = rhs / unit * row.display + 0.0 * lhs
        gap = (lhs - rhs) / unit * row.display
    slack = {Sense.EQ: -np.abs(gap), Sense.LE: -gap, Sense.GE: gap}[row.sense]
    return value, bound, slack


def relative_violation(row: Row) -> FloatArray:
    """A numeric row's violation over max(1, |lhs|, |rhs|), all in its own units (lhs / unit)."""
    unit = np.atleast_1d(row.unit)
    lhs, rhs = np.atleast_1d(row.lhs) / unit, np.atleast_1d(row.rhs) / unit
    scale = np.maximum(1.0, np.maximum(np.abs(lhs), np.abs(rhs)))
    return np.atleast_1d(row_violation(NumpyOps({}), row)) / scale


def _shadow(row: Row, built: list[Any], scale: float, count: int) -> np.ndarray:
    """∂objective/∂bound, objective in money-equivalent units, bound in reported units."""
    if not built or built[0].dual_value is None:
        return np.full(count, np.nan)
    dual = np.atleast_1d(built[0].dual_value).astype(float)
    if row.sensitivity is not None:
        sensitivity = np.atleast_1d(row.sensitivity)
    else:
        sensitivity = -np.atleast_1d(row.unit) / row.display
    sign = -1.0 if row.sense is Sense.GE else 1.0
    return sign * dual * sensitivity * scale + 0.0 * np.zeros(count)


def evaluate(
    model: "Any", z: np.ndarray, variables: Mapping[str, np.ndarray]
) -> tuple[pd.DataFrame, list[tuple[ConstraintTerm, Row]]]:
    """Objective table and numeric rows of positions ``z`` (scaled) on the model's data."""
    scaled: Scaled = model.scaled
    ops = NumpyOps(variables)
    records = []
    money = scaled.scales.money
    for item in model.objective:
        term = item.term
        value = term.formula(ops, scaled, z, model.values(term))
        records.append(
            {
                "term": term.name,
                "kind": term.kind,
                "sense": "maximize" if item.maximize else "minimize",
                "weight": item.weight,
                "value": term.natural(value, scaled),
                "unit": term.unit,
                "contribution": item.sign * value * money,
            }
        )
    rows = numeric_rows(model, z, ops)
    for term, row in rows:
        if term.soft is not None:
            penalty = float(np.sum(row_violation(ops, row)))
            records.append(
                {
                    "term": row.name,
                    "kind": f"soft {term.kind}",
                    "sense": "penalty",
                    "weight": term.soft,
                    "value": penalty,
                    "unit": "violation",
                    "contribution": term.soft * penalty * scaled.now.money,
                }
            )
    table = pd.DataFrame(records, columns=["term", *OBJECTIVE_COLUMNS]).set_index("term")
    return table, rows


def numeric_rows(model: "Any", z: np.ndarray, ops: NumpyOps) -> list[tuple[ConstraintTerm, Row]]:
    """Every constraint term's rows at positions ``z`` (scaled), evaluated by ``ops``."""
    scaled: Scaled = model.scaled
    return [
        (term, row)
        for term in model.constraints
        for row in term.rows(ops, scaled, z, model.values(term))
    ]


def exposure_table(scaled: Scaled, positions: pd.Series) -> pd.DataFrame:
    """Assets (before and after), liabilities, gap and hedge ratio per exposure (money)."""
    data = scaled.data
    columns = ["pv", "pv01", "ie01", "cs01", *data.key_columns("pv01"), *data.key_columns("ie01")]
    per_unit = data.assets[columns].T  # (measures, instruments)
    assets = per_unit @ positions.reindex(data.ids).to_numpy(dtype=float)
    before = per_unit @ data.holdings.to_numpy(dtype=float)
    liabilities = data.liabilities.reindex(columns)
    table = pd.DataFrame({"assets_before": before, "assets": assets, "liabilities": liabilities})
    table["gap"] = table["assets"] - table["liabilities"]
    table["hedge_ratio"] = _ratios(table["assets"], table["liabilities"])
    return table.rename_axis("measure")


def _ratios(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    values = np.divide(
        numerator.to_numpy(dtype=float),
        denominator.to_numpy(dtype=float),
        out=np.full(len(numerator), np.nan),
        where=denominator.to_numpy(dtype=float) != 0,
    )
    return pd.Series(values, index=numerator.index)


def headline(
    table: pd.DataFrame, column: str, bases: pd.DataFrame | None = None
) -> dict[str, float]:
    """Funding ratio and the rates and inflation hedge ratios of one column of exposures.

    With ``bases`` (the liabilities' exposures by hedging basis), ``rates@<basis>`` and
    ``inflation@<basis>`` are the hedge ratios on each basis other than the funding one.
    """

    def ratio(measure: str, owed: float) -> float:
        return float(table.loc[measure, column] / owed) if owed else float("nan")

    liabilities = table["liabilities"]
    ratios = {
        "funding_ratio": ratio("pv", liabilities["pv"]),
        "rates": ratio("pv01", liabilities["pv01"]),
        "inflation": ratio("ie01", liabilities["ie01"]),
    }
    for basis, row in (bases if bases is not None else pd.DataFrame()).iterrows():
        if basis != FUNDING:
            ratios[f"rates@{basis}"] = ratio("pv01", row["pv01"])
            ratios[f"inflation@{basis}"] = ratio("ie01", row["ie01"])
    return ratios


def index_ratios(data: "Any", positions: pd.Series) -> dict[str, float]:
    """``inflation:<index>``: assets' over liabilities' IE01 reached by each index's move.

    Only when the liabilities follow more than one index (else it is the inflation hedge).
    """
    owed = data.liability_indices.get("ie01", pd.Series(dtype=float))
    if int((owed != 0).sum()) < 2:
        return {}
    held = positions.reindex(data.ids).to_numpy(dtype=float) * data.assets["ie01"].to_numpy()
    return {
        f"inflation:{index}": float(data.index_reach[index].to_numpy() @ held / liability)
        for index, liability in owed.items()
        if liability
    }


def bucket_table(scaled: Scaled, table: pd.DataFrame) -> pd.DataFrame:
    """Rates and inflation hedge ratios per key tenor; ``rates@<basis>`` on each hedging basis.

    On a basis the liabilities' key-rate PV01s are those of ``ModelData.liability_bases``
    (NaN where they are 0), the assets' the same on every basis.
    """
    data = scaled.data
    ratio = table["hedge_ratio"].to_numpy()
    keys = data.key_columns("pv01")
    rows = table.index.get_indexer(keys)
    columns = {
        "rates": ratio[rows],
        "inflation": ratio[table.index.get_indexer(data.key_columns("ie01"))],
    }
    assets = table["assets"].iloc[rows]
    bases = data.liability_bases
    owed_keys = bases[keys].to_numpy(dtype=float) if len(bases) else None
    for k, basis in enumerate(bases.index):
        if basis != FUNDING:
            owed = pd.Series(owed_keys[k], index=assets.index)
            columns[f"rates@{basis}"] = _ratios(assets, owed).to_numpy()
    return pd.DataFrame(columns, index=pd.Index(data.keys, name="key"))


def ledgers(model: "Any", z: np.ndarray, shadow: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The cash ledger of each term that keeps one, with each period's shadow price."""
    result = {}
    for term in model.constraints:
        ledger = term.ledger(model.scaled, z)
        if ledger is not None:
            prices = shadow[shadow["term"] == term.name]
            balance = prices[prices.index.str.startswith(f"{term.name}.balance")]
            ledger["shadow_price"] = balance["shadow_price"].to_numpy()
            result[term.name] = ledger
    return result
