"""Checking an answer before it is called optimal: its rows in numpy, and its KKT residuals.

Neither check takes the solver's word. Each gives a relative residual, held to TOLERANCE:

- **rows**: every hard row evaluated with numpy at the positions, by the terms' own formulas
  (``NumpyOps``). A row's violation v (lhs − rhs in the row's own units, 0 when it holds)
  is relative to its scale max(1, |lhs|, |rhs|), both sides in the row's own units (a hedge
  ratio, a leverage multiple, a fraction of the money scale S).
- **optimality**: the KKT conditions of the conic problem cvxpy gave the solver,

      minimize ½xᵀPx + cᵀx  subject to  Ax + s = b, s ∈ K

  (K: zero, nonnegative and second-order cones; a QP solver's Ax = b, Fx <= g and variable
  bounds written the same way), recomputed in numpy from the solver's own primal x and
  dual y: stationarity ‖Px + c + Aᵀy‖∞ / (1 + max(‖Px‖∞, ‖c‖∞, ‖Aᵀy‖∞)); primal cones
  (s = b − Ax ∈ K) and dual cones (y ∈ K*), their largest violation over
  1 + max(‖b‖∞, ‖Ax‖∞) and 1 + ‖y‖∞; complementary slackness |sᵀy| and the duality gap
  |f − d|, f = ½xᵀPx + cᵀx and d = −½xᵀPx − bᵀy, over 1 + max(|f|, |d|); and
  ``objective``: the objective evaluated with numpy at the positions against f (plus the
  objective's constant), which ties the certified x to the positions the rows were
  checked at.

Rows alone (``verified`` without an answer) are cheap: the re-solves of a projection's paths
use them; a full check solves nothing and costs a few sparse products.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from ldi.lazy import lazy_module
from ldi.optimize.context import NumpyOps
from ldi.optimize.result import (
    TOLERANCE,
    evaluate,
    numeric_rows,
    relative_violation,
    row_labels,
    row_numbers,
)
from ldi.optimize.solvers import Answer
from ldi.optimize.terms.base import ConstraintTerm, Row
from ldi.typing import FloatArray

sparse = lazy_module("scipy.sparse")  # imported at the first matrix built

OPTIMALITY = (
    "objective",
    "stationarity",
    "complementarity",
    "duality_gap",
    "primal_cones",
    "dual_cones",
)
COLUMNS = ["kind", "value", "bound", "residual", "tolerance", "passed"]
SHOWN = 3  # failures spelled out in a verdict's message
E_NO_ANSWER = "the solver returned no {what}"
E_CONES = "cones of kinds {kinds} cannot be checked"


@dataclass(frozen=True)
class Conic:
    """A solver's problem and answer in one form: min ½xᵀPx + cᵀx, Ax + s = b, s ∈ K.

    K is ``zero`` equalities, then ``nonneg`` inequalities, then second-order cones of sizes
    ``soc`` (each (t, u) with ‖u‖ <= t). ``offset`` is the objective's constant.
    """

    P: Any
    c: FloatArray
    A: Any
    b: FloatArray
    zero: int
    nonneg: int
    soc: tuple[int, ...]
    x: FloatArray
    y: FloatArray
    offset: float = 0.0

    def with_duals(self, y: FloatArray) -> Conic:
        """The same problem and primal with other duals."""
        return replace(self, y=np.asarray(y, dtype=float))


@dataclass(frozen=True)
class Verdict:
    """The checks of one answer (index: check; columns ``COLUMNS``).

    A row entry that fails has its own line (``kind`` row, its value and bound in the
    constraint table's units); ``rows`` is the largest relative violation of all of them;
    the optimality lines follow. ``residual`` is relative (see the module docstring).
    """

    table: pd.DataFrame

    @property
    def passed(self) -> bool:
        """True when every check is within its tolerance."""
        return bool(self.table["passed"].all())

    @property
    def worst(self) -> float:
        """The largest residual as a multiple of its tolerance (inf when one is unknown)."""
        ratio = self.table["residual"] / self.table["tolerance"]
        return float(np.nan_to_num(ratio, nan=np.inf).max(initial=0.0))

    @property
    def failures(self) -> pd.DataFrame:
        """The lines that failed, the row entries first."""
        return self.table[~self.table["passed"]]

    @property
    def message(self) -> str:
        """One sentence: the checks that failed, the worst first, or that all passed."""
        failed = self.failures
        failed = failed[failed.index != "rows"]
        if failed.empty:
            return "every check passed"
        order = (failed["residual"] / failed["tolerance"]).fillna(np.inf)
        worst = failed.loc[order.sort_values(ascending=False).index]
        parts = [_described(name, line) for name, line in worst.head(SHOWN).iterrows()]
        more = len(worst) - SHOWN
        return "; ".join(parts) + (f"; and {more} more (see the table)" if more > 0 else "")


def _described(name: str, line: pd.Series) -> str:
    residual = "unknown" if np.isnan(line["residual"]) else f"{line['residual']:.3g}"
    if line["kind"] == "row":
        return (
            f"{name} is {line['value']:.6g} against its bound {line['bound']:.6g} "
            f"(violation {residual} of its scale > {line['tolerance']:g})"
        )
    return f"{name} residual {residual} > {line['tolerance']:g}"


def verified(model: Any, answer: Answer | None = None) -> Verdict:
    """The checks of the model's current solution (its variables' values).

    The rows always; with ``answer`` (the solver call that produced the values) its KKT
    residuals and the objective too.
    """
    compiled = model.compiled
    if compiled.z.value is None:
        return unsolved(E_NO_ANSWER.format(what="positions"))
    z = np.asarray(compiled.z.value, dtype=float)
    variables = {key: var.value for key, var in compiled.ops.variables.items()}
    ops = NumpyOps(variables)
    if answer is None:  # the rows alone: a projection path's cheap check
        return Verdict(_table(dict(_row_lines(numeric_rows(model, z, ops)))))
    objective, rows = evaluate(model, z, variables)
    lines = dict(_row_lines(rows))
    # The objective table is in money; the solver's is in units of the compiled scale S.
    found = optimality(answer, float(objective["contribution"].sum()) / model.scaled.scales.money)
    lines |= {name: _line("optimality", found[name]) for name in OPTIMALITY}
    return Verdict(_table(lines))


def unsolved(reason: str) -> Verdict:
    """A verdict that fails for ``reason`` without checking anything."""
    return Verdict(_table({reason: _line("answer", np.nan)}))


def _row_lines(rows: list[tuple[ConstraintTerm, Row]]) -> Iterator[tuple[str, dict[str, Any]]]:
    """A line per failing hard-row entry, then ``rows``: the largest relative violation."""
    worst = 0.0
    for term, row in rows:
        if term.soft is not None:
            continue
        relative = relative_violation(row)
        worst = max(worst, float(np.max(relative, initial=0.0)))
        failing = ~(relative <= TOLERANCE)
        if failing.any():
            value, bound, _ = row_numbers(row)
            labels = row_labels(row)
            for i in np.flatnonzero(failing):
                yield labels[i], _line("row", relative[i], value[i], bound[i])
    yield "rows", _line("row", worst)


def optimality(answer: Answer, objective: float | None = None) -> dict[str, float]:
    """Relative KKT residuals of ``answer`` (see the module docstring), by name.

    ``objective`` (the objective evaluated elsewhere, with its constant) gives the
    ``objective`` line; without it that line is left out. A residual that cannot be
    computed (no duals, cones of another kind) is NaN.
    """
    try:
        found = residuals(conic_form(answer))
    except _Unchecked:
        found = {name: np.nan for name in OPTIMALITY if name != "objective"}
        found["_primal"] = np.nan
    primal = found.pop("_primal")
    if objective is not None:
        found["objective"] = abs(objective - primal) / (1.0 + max(abs(objective), abs(primal)))
    return found


def residuals(conic: Conic) -> dict[str, float]:
    """Stationarity, cone, complementarity and gap residuals of ``conic``, relative.

    Also ``_primal``: the primal objective with its constant (for the ``objective`` line).
    """
    x, y, A, b, c = conic.x, conic.y, conic.A, conic.b, conic.c
    Px = conic.P @ x
    Ax = A @ x
    ATy = A.T @ y
    s = b - Ax
    quadratic = float(x @ Px)
    f = 0.5 * quadratic + float(c @ x)
    d = -0.5 * quadratic - float(b @ y)
    size = 1.0 + max(abs(f), abs(d))
    return {
        "stationarity": _norm(Px + c + ATy) / (1.0 + max(_norm(Px), _norm(c), _norm(ATy))),
        "complementarity": abs(float(s @ y)) / size,
        "duality_gap": abs(f - d) / size,
        "primal_cones": _outside(conic, s, primal=True) / (1.0 + max(_norm(b), _norm(Ax))),
        "dual_cones": _outside(conic, y, primal=False) / (1.0 + _norm(y)),
        "_primal": f + conic.offset,
    }


def _outside(conic: Conic, v: FloatArray, *, primal: bool) -> float:
    """How far ``v`` is outside K (primal) or K* (dual; K is self-dual but for zero)."""
    zero, nonneg = conic.zero, conic.nonneg
    worst = float(np.max(np.abs(v[:zero]), initial=0.0)) if primal else 0.0
    worst = max(worst, float(np.max(-v[zero : zero + nonneg], initial=0.0)))
    start = zero + nonneg
    for size in conic.soc:
        t, u = v[start], v[start + 1 : start + size]
        worst = max(worst, float(np.linalg.norm(u)) - float(t))
        start += size
    return max(worst, 0.0)


def _norm(v: FloatArray) -> float:
    return float(np.max(np.abs(v), initial=0.0))


class _Unchecked(Exception):
    """The answer cannot be put in conic form (no duals, or cones of another kind)."""


def conic_form(answer: Answer) -> Conic:
    """The answer's problem data and vectors as a ``Conic`` (see its docstring).

    Conic solvers (Clarabel, SCS; HiGHS on LPs) are given it so; QP solvers (OSQP; HiGHS on
    QPs) get Ax = b and Fx <= g, stacked here as zero and nonnegative rows. HiGHS also takes
    variable bounds, whose multipliers become rows x <= u and −x <= −l.
    """
    data = answer.data
    x, y, reduced = _vectors(answer)
    if "q" in data:
        A = sparse.vstack([data["A"], data["F"]], format="csr")
        b = np.concatenate([data["b"], data["G"]])
        c, zero, nonneg, soc = data["q"], data["A"].shape[0], data["F"].shape[0], ()
    else:
        dims = data["dims"]
        other = [k for k in ("exp", "psd", "p3d", "pnd") if getattr(dims, k, None)]
        if other:
            raise _Unchecked(E_CONES.format(kinds=other))
        A, b, c = sparse.csr_array(data["A"]), data["b"], data["c"]
        zero, nonneg, soc = dims.zero, dims.nonneg, tuple(dims.soc)
    n = len(x)
    P = data.get("P")
    P = sparse.csr_array((n, n)) if P is None else sparse.csr_array(P)
    A, b, y = sparse.csr_array(A), np.asarray(b, dtype=float), np.asarray(y, dtype=float)
    if reduced is not None:
        A, b, y, added = _with_bounds(data, A, b, y, zero + nonneg, reduced)
        nonneg += added
    return Conic(P, np.asarray(c, dtype=float), A, b, zero, nonneg, soc, x, y, answer.offset)


def _vectors(answer: Answer) -> tuple[FloatArray, FloatArray, FloatArray | None]:
    """(x, y, reduced costs or None) in the Conic convention (Px + c + Aᵀy = 0)."""
    raw = answer.raw
    if answer.solver == "CLARABEL":
        x, y, reduced = raw.x, raw.z, None
    elif answer.solver == "SCS":
        x, y, reduced = raw.get("x"), raw.get("y"), None
    elif answer.solver == "OSQP":
        x, y, reduced = raw.x, raw.y, None
    elif answer.solver == "HIGHS":
        solution = raw["solution"]
        if not solution.dual_valid:
            raise _Unchecked(E_NO_ANSWER.format(what="dual values"))
        # HiGHS: c + Px − Aᵀλ − μ = 0 (λ row duals, μ reduced costs): y = −λ.
        x, y = solution.col_value, -np.asarray(solution.row_dual)
        reduced = np.asarray(solution.col_dual, dtype=float)
    else:
        raise _Unchecked(E_NO_ANSWER.format(what=f"vectors ldi can read from {answer.solver}"))
    if x is None or y is None:
        raise _Unchecked(E_NO_ANSWER.format(what="primal and dual vectors"))
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float), reduced


def _with_bounds(
    data: Any, A: Any, b: FloatArray, y: FloatArray, at: int, reduced: FloatArray
) -> tuple[Any, FloatArray, FloatArray, int]:
    """Rows x_i <= u_i and −x_i <= −l_i inserted at ``at`` (the end of the nonnegative rows).

    Their multipliers come from the reduced costs μ: Px + c + Aᵀy − μ = 0, so the upper
    bound's is max(−μ, 0) and the lower bound's max(μ, 0). Returns A, b, y and the number
    of rows added.
    """
    n = A.shape[1]
    lower, upper = data.get("lower_bounds"), data.get("upper_bounds")
    lower = np.full(n, -np.inf) if lower is None else np.asarray(lower, dtype=float)
    upper = np.full(n, np.inf) if upper is None else np.asarray(upper, dtype=float)
    up, low = np.flatnonzero(np.isfinite(upper)), np.flatnonzero(np.isfinite(lower))
    eye = sparse.identity(n, format="csr")
    rows = sparse.vstack([eye[up], -eye[low]], format="csr")
    extra_b = np.concatenate([upper[up], -lower[low]])
    extra_y = np.concatenate([np.maximum(-reduced[up], 0.0), np.maximum(reduced[low], 0.0)])
    A = sparse.vstack([A[:at], rows, A[at:]], format="csr")
    b = np.concatenate([b[:at], extra_b, b[at:]])
    y = np.concatenate([y[:at], extra_y, y[at:]])
    return A, b, y, len(extra_b)


def _line(kind: str, residual: float, value: float = np.nan, bound: float = np.nan) -> dict:
    residual = float(residual)
    return {
        "kind": kind,
        "value": float(value),
        "bound": float(bound),
        "residual": residual,
        "tolerance": TOLERANCE,
        "passed": bool(residual <= TOLERANCE),
    }


def _table(lines: dict[str, dict[str, Any]]) -> pd.DataFrame:
    table = pd.DataFrame.from_dict(lines, orient="index", columns=COLUMNS)
    return table.rename_axis("check")
