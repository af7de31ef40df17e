"""Longevity as a risk: the benefits again with every rate scaled, and the usual stresses.

A membership's liabilities are rebuilt with each sex's mortality rates times a factor k
(``rebuild``). The two stresses a scheme reports are lives a year longer at 65 (k per sex
from ``longevity_scale``: the cohort aged 65 in the valuation year lives a year more) and
mortality 10% lower (k = 0.9 for both).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ldi.cashflows.tranches import Stream
from ldi.members.mortality import Mortality, longevity_scale

EXTRA_YEARS, AT_AGE, LOWER = 1.0, 65.0, 0.9


@dataclass(frozen=True, eq=False)
class Longevity:
    """A membership's ``mortality`` by sex, its valuation ``year`` and how to ``rebuild``.

    ``rebuild(factors)``: the benefits with each sex's rates times ``factors[sex]``.
    """

    mortality: Mapping[str, Mortality]
    year: int
    rebuild: Callable[[Mapping[str, float]], Stream]

    def stresses(self) -> dict[str, dict[str, float]]:
        """Each stress's factor on the rates, by sex: a year longer at 65, 10% lower."""
        longer = {
            sex: longevity_scale(mortality, EXTRA_YEARS, AT_AGE, self.year)
            for sex, mortality in self.mortality.items()
        }
        return {
            "life_65_plus_1y": longer,
            "mortality_minus_10pct": dict.fromkeys(self.mortality, LOWER),
        }
