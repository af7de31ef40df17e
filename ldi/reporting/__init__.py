"""Tables and text that present results to people and to other programs."""

from ldi.reporting.frontier_report import FrontierReport
from ldi.reporting.projection_report import ProjectionReport
from ldi.reporting.solve_report import SolveSummary

__all__ = ["FrontierReport", "ProjectionReport", "SolveSummary"]
