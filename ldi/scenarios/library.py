"""The stress catalogue: standard shocks and named historical-style scenarios.

Sizes are in basis points and are illustrative, not any one day's data, except where the
docstring of a scenario cites its calibration (docs/stress-testing.md lists them all).
"""

from collections.abc import Mapping
from types import MappingProxyType

from ldi.scenarios.scenario import Move, Scenario, path

KEY_SHOCK_TENORS = (5.0, 10.0, 20.0, 30.0, 50.0)
KEY_SHOCK_BP = 25.0
TWIST_TENORS = (2.0, 10.0, 30.0)  # the twist pivots at 10 years
CRISIS_TENORS = (2.0, 5.0, 10.0, 20.0, 30.0, 50.0)


def _key_shock(tenor: float) -> Move:
    """+25bp at one key tenor, tapering to 0 at its neighbours in KEY_SHOCK_TENORS."""
    tenors = [0.0, *KEY_SHOCK_TENORS, 100.0]
    bp = [KEY_SHOCK_BP if t == tenor else 0.0 for t in tenors]
    return Move.of(nominal_bp=(tenors, bp))


def _gilt_crisis_2022() -> Scenario:
    """Four trading days from 23 Sep 2022, stylised: 30y gilts about +150bp, linkers more.

    Calibration: 30y daily rises above 35bp on two days (Bank of England staff paper, LDI
    minimum resilience, Mar 2023), +45bp to 4.97% on Monday 26 Sep with 10y +26bp and 5y
    +15bp (The Times, 27 Sep 2022), about +150bp in under five trading days (IPE); linker
    yields rose further than conventionals, so long breakevens fall here.
    """
    nominal = [  # cumulative bp at CRISIS_TENORS
        (30, 25, 30, 33, 35, 35),
        (45, 40, 56, 72, 80, 80),
        (60, 55, 75, 105, 120, 120),
        (70, 60, 80, 125, 150, 150),
    ]
    breakeven = [  # linkers' real yields rose by nominal minus these (so by more)
        (0, 0, 0, 0, 0, 0),
        (0, 0, -5, -8, -10, -10),
        (0, -5, -10, -18, -25, -25),
        (0, -5, -15, -30, -40, -40),
    ]
    days = [
        (
            f"day {i + 1}",
            Move.of(nominal_bp=(CRISIS_TENORS, n), breakeven_bp=(CRISIS_TENORS, b)),
        )
        for i, (n, b) in enumerate(zip(nominal, breakeven, strict=True))
    ]
    return path(
        "gilt_crisis_2022",
        "Sep 2022 gilt crisis, stylised: long gilt yields about +150bp in four trading days, "
        "index-linked yields up further (long breakevens -40bp)",
        days,
    )


def _boe_swes_2023() -> Scenario:
    """The Bank of England's 2023 system-wide exploratory scenario, in two steps.

    Calibration (Bank of England, Detail on the SWES hypothetical scenario, Nov 2023): day 1
    10y nominal gilts +45bp and 10y index-linked +60bp; +115bp in total over the 10-day
    scenario; IG credit spreads +130bp. The credit move on day 1 and the linker move by day
    10 are interpolations, not published numbers.
    """
    days = [
        ("day 1", Move.of(nominal_bp=45, breakeven_bp=-15, credit_spread_bp=40)),
        ("day 10", Move.of(nominal_bp=115, breakeven_bp=-25, credit_spread_bp=130)),
    ]
    return path(
        "boe_swes_2023",
        "Bank of England SWES 2023: gilts +115bp over 10 days (index-linked more), "
        "IG credit spreads +130bp",
        days,
    )


def catalogue() -> Mapping[str, Scenario]:
    """The built-in scenarios by name, in report order."""
    single = [
        ("parallel_up_100", "Nominal and real yields +100bp", Move.of(nominal_bp=100)),
        ("parallel_down_100", "Nominal and real yields -100bp", Move.of(nominal_bp=-100)),
        ("parallel_up_250", "Nominal and real yields +250bp", Move.of(nominal_bp=250)),
        (
            "steepener",
            "2y -50bp, 10y unchanged, 30y +50bp",
            Move.of(nominal_bp=(TWIST_TENORS, (-50, 0, 50))),
        ),
        (
            "flattener",
            "2y +50bp, 10y unchanged, 30y -50bp",
            Move.of(nominal_bp=(TWIST_TENORS, (50, 0, -50))),
        ),
        *(
            (f"key_rate_{t:g}y_up_25", f"+25bp at the {t:g}y key tenor", _key_shock(t))
            for t in KEY_SHOCK_TENORS
        ),
        ("breakeven_up_50", "Breakevens +50bp, nominal yields held", Move.of(breakeven_bp=50)),
        (
            "breakeven_down_50",
            "Breakevens -50bp, nominal yields held",
            Move.of(breakeven_bp=-50),
        ),
        (
            "real_yields_up_100",
            "Real yields +100bp, nominal yields held (breakevens -100bp)",
            Move.of(breakeven_bp=-100),
        ),
        ("credit_spreads_up_100", "Credit spreads +100bp", Move.of(credit_spread_bp=100)),
        ("growth_down_25", "Growth assets -25%", Move.of(growth=-0.25)),
    ]
    scenarios = [Scenario.single(name, move, text) for name, text, move in single]
    scenarios += [_gilt_crisis_2022(), _boe_swes_2023()]
    return MappingProxyType({s.name: s for s in scenarios})
