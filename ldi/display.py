"""Reports of results, registered by the layer that draws them, and numbers as people read them.

A result (``LDIResult``, ``Frontier``, ``FundingProjection``) holds numbers; how it reads as
text, HTML or a chart is ``ldi.reporting``'s, a higher layer that a result must not import.
So ``ldi.reporting`` registers, for each result type, the report that renders it
(``register``), and a result's thin methods (``summary``, ``plot``, ``_repr_html_``) ask for
it (``report_of``). Importing any part of ``ldi`` imports ``ldi.reporting`` with it (the
package's ``__init__``), so the reports are always registered.
"""

from collections.abc import Callable
from typing import Any

import numpy as np

E_NO_REPORT = "{kind}: no report is registered for it; expected ldi.reporting to be imported"

REPORTS: dict[type, Callable[[Any], Any]] = {}


def register(kind: type, report: Callable[[Any], Any]) -> None:
    """Render results of type ``kind`` (and its subclasses) with ``report(result)``."""
    REPORTS[kind] = report


def report_of(result: Any) -> Any:
    """The registered report of ``result``: the one of its closest registered type."""
    for kind in type(result).__mro__:
        if kind in REPORTS:
            return REPORTS[kind](result)
    raise LookupError(E_NO_REPORT.format(kind=type(result).__name__))


RESIDUE = 1e-6  # below the tolerance answers are checked to: a solver's residue, shown as 0


def figure(value: float) -> str:
    """A number as a reader reads it, never in scientific notation; NaN as '-'.

    Whole units with thousands separators from 1,000 on; below, six significant digits in
    plain notation (0.0224793); a residue below RESIDUE as 0.
    """
    value = float(value)
    if not np.isfinite(value):
        return "-"
    if abs(value) >= 1000:
        return f"{round(value) + 0:,.0f}"
    if abs(value) < RESIDUE:
        return "0"
    return np.format_float_positional(value, precision=6, unique=False, fractional=False, trim="-")
