"""A loaded problem: its validated spec echoed, plus the domain objects built from it."""

from dataclasses import dataclass
from types import MappingProxyType

from ldi.curves.base import RateCurve
from ldi.curves.inflation import BreakevenCurve
from ldi.io.schema import ProblemSpec
from ldi.liabilities import Liabilities


@dataclass(frozen=True, eq=False)
class Problem:
    """One decision's inputs: named curves and the liabilities valued on them."""

    spec: ProblemSpec
    curves: MappingProxyType[str, RateCurve | BreakevenCurve]
    liabilities: Liabilities

    @property
    def name(self) -> str:
        """The problem's display name."""
        return self.spec.name
