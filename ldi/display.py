"""Reports of results, registered by the layer that draws them.

A result (``LDIResult``, ``Frontier``, ``FundingProjection``) holds numbers; how it reads as
text, HTML or a chart is ``ldi.reporting``'s, a higher layer that a result must not import.
So ``ldi.reporting`` registers, for each result type, the report that renders it
(``register``), and a result's thin methods (``summary``, ``plot``, ``_repr_html_``) ask for
it (``report_of``). Importing any part of ``ldi`` imports ``ldi.reporting`` with it (the
package's ``__init__``), so the reports are always registered.
"""

from collections.abc import Callable
from typing import Any

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
