"""QuantLib set-ups shared by the reference tests."""

import QuantLib as ql

QL_FREQUENCY = {1: ql.Annual, 2: ql.Semiannual, 4: ql.Quarterly, 12: ql.Monthly}


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
