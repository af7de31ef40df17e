"""Members and their mortality: the actuarial side of the liabilities."""

from ldi.members.mortality import (
    SULT,
    Improvement,
    Makeham,
    Mortality,
    Table,
    annuity_due,
    life_expectancy,
    longevity_scale,
    survival,
)

__all__ = [
    "SULT",
    "Improvement",
    "Makeham",
    "Mortality",
    "Table",
    "annuity_due",
    "life_expectancy",
    "longevity_scale",
    "survival",
]
