"""Cash-flow streams, coupon schedules, bond flows and date handling."""

from ldi.cashflows.bonds import BondSchedule
from ldi.cashflows.cashflows import Cashflows
from ldi.cashflows.dates import year_fractions
from ldi.cashflows.indexation import Indexation
from ldi.cashflows.schedule import Schedule, fixed_leg

__all__ = ["BondSchedule", "Cashflows", "Indexation", "Schedule", "fixed_leg", "year_fractions"]
