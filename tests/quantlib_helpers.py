"""QuantLib set-ups shared by the reference tests."""

import numpy as np
import QuantLib as ql

QL_FREQUENCY = {1: ql.Annual, 2: ql.Semiannual, 4: ql.Quarterly, 12: ql.Monthly}
THIRTY_360 = ql.Thirty360(ql.Thirty360.BondBasis)


def ql_pillar_curve(today: ql.Date, curve, dates: list[ql.Date]) -> ql.ZeroCurve:
    """A QuantLib zero curve through ``curve``'s annual zero rates at ``dates`` (30/360)."""
    times = np.array([THIRTY_360.yearFraction(today, d) for d in dates])
    zeros = [float(z) for z in curve.zero_rate(times)]
    return ql.ZeroCurve(
        [today, *dates],
        [zeros[0], *zeros],
        THIRTY_360,
        ql.NullCalendar(),
        ql.Linear(),
        ql.Compounded,
        ql.Annual,
    )


def backward_schedule(effective: ql.Date, maturity: ql.Date, frequency: int) -> ql.Schedule:
    """Dates rolled back from ``maturity`` every 12/``frequency`` months, unadjusted."""
    return ql.Schedule(
        effective,
        maturity,
        ql.Period(12 // frequency, ql.Months),
        ql.NullCalendar(),
        ql.Unadjusted,
        ql.Unadjusted,
        ql.DateGeneration.Backward,
        False,
    )


def ql_index(
    frequency: int, day_count: ql.DayCounter, handle: ql.YieldTermStructureHandle | None = None
) -> ql.IborIndex:
    """A dummy Ibor index paying every coupon period: no fixing lag, no calendar."""
    args = [
        "dummy",
        ql.Period(12 // frequency, ql.Months),
        0,
        ql.GBPCurrency(),
        ql.NullCalendar(),
        ql.Unadjusted,
        False,
        day_count,
    ]
    return ql.IborIndex(*args) if handle is None else ql.IborIndex(*args, handle)
