"""Cash-flow streams, bond flows and inflation indexation."""

from ldi.cashflows.bonds import BondSchedule
from ldi.cashflows.cashflows import Cashflows
from ldi.cashflows.indexation import Indexation

__all__ = ["BondSchedule", "Cashflows", "Indexation"]
