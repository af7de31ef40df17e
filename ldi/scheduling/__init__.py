"""Dates and payment schedules: year fractions from calendar dates, coupon legs in years."""

from ldi.scheduling.dates import year_fractions
from ldi.scheduling.schedule import Schedule, fixed_leg

__all__ = ["Schedule", "fixed_leg", "year_fractions"]
