"""Tables and text that present results to people and to other programs.

Each result type's report is registered here (``ldi.display``), so a result's ``summary``,
``plot`` and notebook display delegate to it.
"""

from ldi.display import register
from ldi.optimize.frontier import Frontier
from ldi.optimize.result import LDIResult
from ldi.recap import Recapitalisation
from ldi.reporting.frontier_report import FrontierReport
from ldi.reporting.projection_report import ProjectionReport
from ldi.reporting.recap_report import RecapReport
from ldi.reporting.solve_report import SolveSummary
from ldi.scenarios.projection import FundingProjection

register(LDIResult, SolveSummary.of)
register(Frontier, FrontierReport)
register(FundingProjection, ProjectionReport)
register(Recapitalisation, RecapReport.of)

__all__ = ["FrontierReport", "ProjectionReport", "RecapReport", "SolveSummary"]
