"""Fixed-coupon bond cash flows, accrued interest and the clean/dirty price split."""

from dataclasses import dataclass
from functools import cached_property

from ldi.cashflows.cashflows import Cashflows
from ldi.errors import DataError
from ldi.scheduling.schedule import Schedule, fixed_leg
from ldi.validation import is_finite_number

E_ISSUE = "{where}.issue: got {value!r}; expected a time at or before the valuation date (<= 0)"
E_FACE = "{where}.face: got {value!r}; expected a positive amount"
E_COUPON = "{where}.coupon: got {value!r}; expected a finite decimal rate such as 0.04"


@dataclass(frozen=True)
class BondSchedule:
    """A bullet bond paying ``coupon`` (decimal, per year) on ``face`` every 1/``frequency`` years.

    Coupon dates roll back from ``maturity`` (years). A bond already issued (``issue`` None)
    pays full coupons; a bond issued at ``issue`` (<= 0) inside the current period pays a
    short first coupon for the time since issue. Accrual is proportional to time.

    Examples
    --------
    >>> bond = BondSchedule(coupon=0.04, maturity=1.25, frequency=2)
    >>> bond.cashflows().times.tolist(), round(bond.accrued_interest, 10)
    ([0.25, 0.75, 1.25], 1.0)
    """

    coupon: float
    maturity: float
    frequency: int = 2
    face: float = 100.0
    issue: float | None = None
    where: str = "bond"

    def __post_init__(self) -> None:
        if self.issue is not None and not self.issue <= 0:
            raise DataError(E_ISSUE.format(where=self.where, value=self.issue))
        if not (is_finite_number(self.face) and self.face > 0):
            raise DataError(E_FACE.format(where=self.where, value=self.face))
        if not is_finite_number(self.coupon):
            raise DataError(E_COUPON.format(where=self.where, value=self.coupon))
        _ = self.schedule  # checks frequency and maturity now rather than at first use

    @cached_property
    def schedule(self) -> Schedule:
        """Coupon times and accrual fractions, built once per bond."""
        return fixed_leg(self.maturity, self.frequency, start=self.issue, where=self.where)

    def cashflows(self) -> Cashflows:
        """Coupons face x coupon x accrual at each date, plus the face at maturity."""
        schedule = self.schedule
        amounts = self.face * self.coupon * schedule.accruals
        amounts[-1] += self.face
        return Cashflows(schedule.times, amounts)

    @property
    def accrued_interest(self) -> float:
        """Coupon earned since the current period began, paid by a buyer on top of clean."""
        return self.face * self.coupon * max(0.0, -self.schedule.accrual_start)

    def clean_price(self, dirty_price: float) -> float:
        """Quoted (clean) price: the dirty price, i.e. the PV of the flows, less accrued."""
        return dirty_price - self.accrued_interest

    def dirty_price(self, clean_price: float) -> float:
        """Settlement (dirty) price for a quoted clean price."""
        return clean_price + self.accrued_interest
