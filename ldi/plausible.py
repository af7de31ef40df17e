"""Plausible ranges of input values: what a careful user can mean, and what a slip looks like.

A value outside its range is an input error even when finite: a spread of 50 (50bp typed
as a decimal) or a time of 20301231 (a date typed as a number of years) would otherwise
give answers that look like numbers. Each range is wide enough that no real scheme, market
or position falls outside it (``docs/problem-files.md`` gives the reason for each), and its
message suggests the slip the value suggests.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ldi.errors import DataError
from ldi.typing import FloatArray
from ldi.validation import MAX_YEARS, date_slip

MAX_MONEY = 1e15
"""The largest amount of money one input may name (a holding, a limit, a benefit payment):
the largest fund (about 1.2e15 won in all) holds a few times 1e14 in any asset class."""

E_RANGE = "{where}: got {value!r}; {expected}"

E_DECIMAL_BP = "a decimal typed for bp?"
PERCENT, BP_UNITS = ("a percentage", 100.0), ("bp", 1e4)


@dataclass(frozen=True)
class Plausible:
    """The values of one kind of input that a careful user can mean, and how to say so.

    ``what`` names the quantity, ``low``/``high`` bound it (``low`` itself excluded when
    ``low_open``) and ``example`` shows a good value. ``slips`` are units a decimal may have
    been typed in by mistake, as (name, factor) pairs: a value outside the range whose
    ``value / factor`` lies inside suggests that slip (the first that fits). ``hint``, when
    given, names the slip instead (e.g. a date typed as a number of years). ``least``, when
    given, is the smallest size of a value other than 0: a move of 0.01bp is 1bp typed as a
    decimal, and no limit or stress means less than 1bp.

    Examples
    --------
    >>> 4.25 in COUPON, COUPON.slip(4.25)
    (False, 'a percentage typed as a decimal?')
    """

    what: str
    low: float
    high: float
    example: str = ""
    low_open: bool = False
    slips: tuple[tuple[str, float], ...] = ()
    hint: Callable[[float], str] | None = None
    least: float = 0.0

    def __contains__(self, value: float) -> bool:
        above = value > self.low if self.low_open else value >= self.low
        return bool(above and value <= self.high and not 0 < abs(value) < self.least)

    @property
    def interval(self) -> str:
        """The range as the documentation writes it, e.g. ``[-0.2, 0.5]`` or ``(0, 150]``."""
        return f"{'(' if self.low_open else '['}{self.low:g}, {self.high:g}]"

    def expected(self, value: float) -> str:
        """What was expected instead of ``value``, and the slip it suggests if any."""
        text = f"expected {self.what} in {self.interval}"
        if self.least:
            text += f", 0 or at least {self.least:g} in size"
        if self.example:
            text += f", {self.example}"
        slip = self.slip(value)
        return f"{text}; {slip}" if slip else text

    def slip(self, value: float) -> str:
        """The typing slip ``value`` suggests (``""`` when none fits)."""
        if 0 < abs(value) < self.least:
            return E_DECIMAL_BP
        if self.hint is not None:
            return self.hint(value)
        for typed, factor in self.slips:
            if value / factor in self:
                return f"{typed} typed as a decimal?"
        return ""

    def holds(self, values: FloatArray) -> npt.NDArray[np.bool_]:
        """Elementwise ``value in self`` (NaN: False)."""
        above = values > self.low if self.low_open else values >= self.low
        tiny = (np.abs(values) > 0) & (np.abs(values) < self.least)
        return np.asarray(above & (values <= self.high) & ~tiny, dtype=bool)

    def check_each(
        self, values: FloatArray, where: str, labels: Sequence[object] | None = None
    ) -> None:
        """Raise a DataError naming ``where[i]`` for the first of ``values`` out of range.

        ``labels`` name the values (rows of a file) when their positions do not.
        """
        bad = np.flatnonzero(~self.holds(values))
        if bad.size:
            i = int(bad[0])
            value = float(values[i])
            label = i if labels is None else labels[i]
            raise DataError(
                E_RANGE.format(
                    where=f"{where}[{label}]", value=value, expected=self.expected(value)
                )
            )


YEARS = Plausible("a time in years", 0.0, MAX_YEARS, "such as 10.5", low_open=True, hint=date_slip)
RATE = Plausible(
    "a rate as a decimal", -0.2, 0.5, "such as 0.045 for 4.5%", slips=(PERCENT, BP_UNITS)
)
SPREAD = Plausible(
    "a spread as a decimal", -0.05, 0.3, "such as 0.005 for 50bp", slips=(BP_UNITS, PERCENT)
)
COUPON = Plausible(
    "a coupon rate as a decimal", 0.0, 0.5, "such as 0.0425 for 4.25%", slips=(PERCENT, BP_UNITS)
)
EXPECTED_RETURN = Plausible(
    "an expected return as a decimal", -0.2, 0.5, "such as 0.06 for 6%", slips=(PERCENT,)
)
VOLATILITY = Plausible(
    "a volatility as a decimal", 0.0, 1.0, "such as 0.15 for 15%", slips=(PERCENT,)
)
INFLATION_VOLATILITY = Plausible(
    "an inflation volatility as a decimal a year",
    0.0,
    0.2,
    "such as 0.012 for 1.2% (120bp)",
    slips=(PERCENT, BP_UNITS),
)
BP_VOLATILITY = Plausible("a volatility in bp a year", 0.0, 1000.0, "such as 90", least=1.0)
INDEXATION_LAG = Plausible(
    "a lag in years",
    0.0,
    1.0,
    "such as 0.25 for 3 months",
    hint=lambda lag: "months typed as years?" if 1.0 < lag <= 12.0 else "",
)
PRICE = Plausible("a clean price per 100 nominal", 0.0, 1000.0, "such as 98.5", low_open=True)
INDEX_RATIO = Plausible(
    "an index ratio (the index now over the bond's base index)",
    0.0,
    10.0,
    "such as 1.4",
    low_open=True,
    hint=lambda ratio: "an index level typed as a ratio?" if ratio > 10.0 else "",
)
DURATION = Plausible("a duration in years", -MAX_YEARS, MAX_YEARS, "such as 8.5")
MONEY = Plausible("an amount of money", -MAX_MONEY, MAX_MONEY, "such as 2.5e+7")
BENEFIT = Plausible(
    "a benefit amount",
    0.0,
    MAX_MONEY,
    "such as 7.2e+6",
    hint=lambda amount: (
        "a negative benefit needs liabilities.allow_negative: true" if amount < 0 else ""
    ),
)
MOVE_BP = Plausible("a move in bp", -2000.0, 2000.0, "such as 100 for a 1% rise", least=1.0)
STRESS_RETURN = Plausible(
    "a return as a decimal",
    -1.0,
    1.0,
    "such as -0.3 for a 30% fall",
    low_open=True,
    slips=(PERCENT,),
)
FRACTION = Plausible(
    "a fraction of the capital", -10.0, 10.0, "such as 0.3 for 30%", slips=(PERCENT,)
)
MAX_PERIODS = 3650
"""The most periods a cash-flow matching ledger may have: daily for ten years, monthly for 150."""
PERIOD = Plausible(
    "a period in years",
    1 / 365,
    10.0,
    "such as 1, or 0.25 for quarters",
    hint=lambda period: "months typed as years?" if 10.0 < period <= 120.0 else "",
)
REVERSION_SPEED = Plausible(
    "a reversion speed a year", 0.0, 10.0, "such as 0.2 (a half-life of about 3.5 years)"
)
LEVEL_BP = Plausible("a level in bp from today's market", -2000.0, 2000.0, "such as -50", least=1.0)
HEDGE_RATIO = Plausible(
    "a hedge ratio (1 for fully hedged)", 0.0, 3.0, "such as 0.9 for 90%", slips=(PERCENT,)
)
LEVERAGE = Plausible("a leverage (notional per unit of capital)", 0.0, 100.0, "such as 4")
TURNOVER = Plausible(
    "a turnover as a fraction of the capital", 0.0, 10.0, "such as 0.2 for 20%", slips=(PERCENT,)
)
SURPLUS_VOLATILITY = Plausible(
    "a surplus volatility as a fraction of the liabilities' PV",
    0.0,
    1.0,
    "such as 0.05 for 5%",
    slips=(PERCENT,),
)
IMPACT = Plausible(
    "a market impact as a fraction of the amount traded",
    0.0,
    0.5,
    "such as 0.002 for 20bp",
    slips=(PERCENT, BP_UNITS),
)
TRADE_VOLUME = Plausible("an amount of money traded", 1e3, MAX_MONEY, "such as 5e+8")
LIMIT_BP = Plausible("a move in bp", 0.0, 2000.0, "such as 250", least=1.0)
PATH_RATE = Plausible(
    "a rate as a decimal", -1.0, 1.0, "such as 0.045 for 4.5%", slips=(PERCENT, BP_UNITS)
)
"""A rate level in a file of paths or history (``scenario_file``, ``curve_history``): wider
than ``RATE``, as simulated paths wander for decades; a percentage is still out."""
PATH_SPREAD = Plausible(
    "a spread as a decimal", -1.0, 1.0, "such as 0.005 for 50bp", slips=(BP_UNITS, PERCENT)
)
"""A credit spread level in a ``scenario_file``: as ``PATH_RATE``."""
