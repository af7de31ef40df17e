"""ldi: liability-driven investment risk and portfolio optimization.

The public interface (see the README): curves, cash flows, instruments, risk measures,
balance sheets, problem files, solve summaries, stress tests (scenario moves and their
outcomes) and funding-ratio projections over simulated years.
"""

from ldi.balance_sheet import BalanceSheet, balance_sheet
from ldi.cashflows import BondSchedule, Cashflows, Indexation
from ldi.curves import (
    DEFAULT_KEYS,
    BreakevenCurve,
    CapletVolatility,
    Interpolation,
    NelsonSiegelSvensson,
    YearlyVolatility,
    ZeroCurve,
    fit_nss,
    par_rate,
)
from ldi.curves.market import Market
from ldi.errors import DataError, LDIError, SpecError
from ldi.instruments import (
    Bond,
    Cash,
    IndexLinkedBond,
    InflationSwap,
    InterestRateSwap,
    Repo,
    ReturnSeeking,
    ZeroCouponBond,
    instrument_risk,
)
from ldi.io.load import load_problem
from ldi.io.objects import make_problem
from ldi.projection import funding_projection
from ldi.reporting import SolveSummary
from ldi.risk import convexity, duration, exposures, ie01, key_rate_pv01, pv, pv01
from ldi.scenarios import Move, Scenario, catalogue
from ldi.scenarios.projection import FundingProjection
from ldi.scheduling import year_fractions
from ldi.stress import StressResult, stress_test
from ldi.units import BP, Compounding
from ldi.validation import ExtrapolationWarning

__all__ = [
    "BP",
    "DEFAULT_KEYS",
    "BalanceSheet",
    "Bond",
    "BondSchedule",
    "BreakevenCurve",
    "CapletVolatility",
    "Cash",
    "Cashflows",
    "Compounding",
    "DataError",
    "ExtrapolationWarning",
    "FundingProjection",
    "IndexLinkedBond",
    "Indexation",
    "InflationSwap",
    "InterestRateSwap",
    "Interpolation",
    "LDIError",
    "Market",
    "Move",
    "NelsonSiegelSvensson",
    "Repo",
    "ReturnSeeking",
    "Scenario",
    "SolveSummary",
    "SpecError",
    "StressResult",
    "ZeroCouponBond",
    "YearlyVolatility",
    "ZeroCurve",
    "balance_sheet",
    "catalogue",
    "convexity",
    "duration",
    "exposures",
    "fit_nss",
    "funding_projection",
    "ie01",
    "instrument_risk",
    "key_rate_pv01",
    "load_problem",
    "make_problem",
    "par_rate",
    "pv",
    "pv01",
    "stress_test",
    "year_fractions",
]
