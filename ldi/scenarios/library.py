"""The stress catalogue: standard shocks and named historical-style scenarios, by market.

Sizes are in basis points and are illustrative, not any one day's data, except where the
docstring of a scenario cites its calibration (docs/stress-testing.md lists them all, and
docs/market-facts.md the published figures). The standard shocks apply to every market; the
named ones to the markets (currencies) whose problems they are about: ``catalogue(currency)``.
"""

from collections.abc import Mapping
from types import MappingProxyType

from ldi.members.longevity import LOWER as LOWER_MORTALITY
from ldi.scenarios.scenario import Move, RateUnits, Scenario, path

KEY_SHOCK_TENORS = (5.0, 10.0, 20.0, 30.0, 50.0)
KEY_SHOCK_BP = 25.0
TWIST_TENORS = (2.0, 10.0, 30.0)  # the twist pivots at 10 years
CRISIS_TENORS = (2.0, 5.0, 10.0, 20.0, 30.0, 50.0)
TREASURY_TENORS = (2.0, 10.0, 30.0)
GBP, EUR, USD = "GBP", "EUR", "USD"
# Collateral terms in the Sep 2022 gilt crisis (docs/market-facts.md): initial margin on
# cleared gilt repo at LCH RepoClear rose from GBP 9.6bn (Q3 2022) to 11.6bn (Q4 2022),
# Risk.net from LCH's public disclosures, a stand-in for gilt repo haircuts; the initial
# margin on a cleared GBP 10y receive-fixed SONIA swap at LCH SwapClear rose 65% from 1 Aug
# to 5 Oct 2022 (Clarus Financial Technology, Oct 2022).
GILT_REPO_MARGIN_2022 = 11.6 / 9.6
GBP_SWAP_MARGIN_2022 = 1.65


def _key_shock(tenor: float) -> Move:
    """+25bp at one key tenor, tapering to 0 at its neighbours in KEY_SHOCK_TENORS."""
    tenors = [0.0, *KEY_SHOCK_TENORS, 100.0]
    bp = [KEY_SHOCK_BP if t == tenor else 0.0 for t in tenors]
    return Move.of(nominal_bp=(tenors, bp))


def _gilt_crisis_2022() -> Scenario:
    """Four trading days from 23 Sep 2022, stylised: 30y gilts about +150bp, linkers more.

    Zero-rate bp (the gilt yield moves as reported, applied to the zero curve). Calibration:
    30y daily rises above 35bp on two days (Bank of England staff paper, LDI minimum
    resilience, Mar 2023), +45bp to 4.97% on Monday 26 Sep with 10y +26bp and 5y +15bp (The
    Times, 27 Sep 2022), about +150bp in under five trading days (IPE); linker yields rose
    further than conventionals, so long breakevens fall here. Gilts against SONIA swaps: no
    published figure for these four days was found, so swaps move with gilts (no
    ``bond_swap``); over the autumn, short gilts richened against swaps (2y asset swap spread
    from 40bp at the start of 2022 to 142bp, 5y from 27bp to about 98bp at its November
    peak; Total Derivatives, Jan 2023). ``gilts_cheapen_30`` stresses the long-end basis.
    Collateral terms from the first day (the published rises are the episode's): haircuts
    x 1.21 (cleared gilt repo margin) and initial margin x 1.65 (cleared GBP swaps).
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
            Move.of(
                nominal_bp=(CRISIS_TENORS, n),
                breakeven_bp=(CRISIS_TENORS, b),
                haircut_scale=GILT_REPO_MARGIN_2022,
                margin_scale=GBP_SWAP_MARGIN_2022,
            ),
        )
        for i, (n, b) in enumerate(zip(nominal, breakeven, strict=True))
    ]
    return path(
        "gilt_crisis_2022",
        "Sep 2022 gilt crisis, stylised: long gilt yields about +150bp in four trading days, "
        "index-linked yields up further (long breakevens -40bp); haircuts x1.21, initial "
        "margin x1.65",
        days,
        (GBP,),
    )


def _gilts_cheapen_30() -> Scenario:
    """Gilt yields +30bp against SONIA swaps, swap rates unchanged: the gilt–swap basis.

    Zero-rate bp. Not a historical calibration but a hypothetical basis shock; for scale,
    30y gilts yielded about 60bp more than 30y SONIA swaps in March 2023 (30y swap spread
    -60.4bp, Total Derivatives, March 2023). A hedge of gilts and SONIA swaps whose PV01
    matches the liabilities' still moves the surplus: the gilts fall, the swaps do not, and
    liabilities discounted on gilts fall with the gilts (on SONIA, not at all).
    """
    return Scenario.single(
        "gilts_cheapen_30",
        Move.of(nominal_bp=30, bond_swap_bp=30),
        "Gilt yields +30bp against SONIA swaps (swap rates unchanged)",
        (GBP,),
    )


def _boe_swes_2023() -> Scenario:
    """The Bank of England's 2023 system-wide exploratory scenario, in two steps.

    Zero-rate bp. Calibration (Bank of England, Detail on the SWES hypothetical scenario,
    Nov 2023): day 1 10y nominal gilts +45bp and 10y index-linked +60bp; +115bp in total
    over the 10-day scenario; IG credit spreads +130bp. The credit move on day 1 and the
    linker move by day 10 are interpolations, not published numbers.
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
        (GBP,),
    )


def _euro_rates_2022() -> Scenario:
    """The euro rate rise of 2022: 10y Bund yield +155bp by June, +269bp by the year end.

    Bond-yield bp (``units="yield"``), parallel at every tenor. Calibration: the 10y Bund
    yield closed 2021 at -0.18% and 30 Jun 2022 at 1.37% (Thomson Reuters closes, Deutsche
    Bahn interim report 2022), and stood at 2.511% on 30 Dec 2022, up "more than 260bp" in
    the year, the largest sell-off in data back to the 1950s (Reuters, 30 Dec 2022).
    Stylised: the published figures are 10-year yields; swap rates and other tenors move by
    as much (no source for the 30y swap rate or the curve's shape was found).
    """
    days = [
        ("30 Jun 2022", Move.of(nominal_bp=155, units=RateUnits.YIELD)),
        ("30 Dec 2022", Move.of(nominal_bp=269.1, units=RateUnits.YIELD)),
    ]
    return path(
        "euro_rates_2022",
        "Euro rates 2022: 10y Bund yield +155bp by June and +269bp over the year "
        "(-0.18% to 2.51%), every tenor alike",
        days,
        (EUR,),
    )


def _euro_periphery_2011() -> Scenario:
    """The 2011 periphery spread stress: Italy's spread over Bunds +169bp, Bunds -87bp.

    Bond-yield bp (``units="yield"``), cumulative from 11 Jul 2011: Italian 10y 5.71%,
    303bp over Bunds, so Bunds at 2.68% (Bloomberg, 11 Jul 2011). 2 Aug 2011: Bunds
    2.395%, Italy 374bp over (AFP); 14 Nov 2011: Bunds 1.81%, Italy 472bp (ANSA). The
    widening of Italy's spread is the credit widening of the fund's credit instruments (its
    Italian and Spanish bonds marked ``credit``, and corporate bonds alike); the fall of
    Bund yields, the flight to quality, moves every nominal curve, swaps with Bunds (no
    source for the swap spread was found). Spain's spread, 339bp to 412.5bp, widened less.
    """
    days = [
        (
            "2 Aug 2011",
            Move.of(nominal_bp=-28.5, credit_spread_bp=71, units=RateUnits.YIELD),
        ),
        (
            "14 Nov 2011",
            Move.of(nominal_bp=-87, credit_spread_bp=169, units=RateUnits.YIELD),
        ),
    ]
    return path(
        "euro_periphery_2011",
        "Euro periphery 2011: Italy's 10y spread over Bunds +169bp (303bp to 472bp) as "
        "credit spreads, Bund yields -87bp (2.68% to 1.81%)",
        days,
        (EUR,),
    )


def _treasury_selloff_2022() -> Scenario:
    """The 2022 Treasury sell-off: 2y +366.9bp, 10y +233.0bp, 30y +204.6bp over the year.

    Bond-yield bp (``units="yield"``), linear between 2, 10 and 30 years and flat outside.
    Calibration: 2y 0.730% to 4.399%, 10y 1.496% to 3.826%, 30y 1.888% to 3.934% from 31
    Dec 2021 to 30 Dec 2022, each the largest one-year rise on record (Tradeweb ICE closing
    prices, Dow Jones Data Talk, 30 Dec 2022).
    """
    move = Move.of(nominal_bp=(TREASURY_TENORS, (366.9, 233.0, 204.6)), units=RateUnits.YIELD)
    return Scenario.single(
        "treasury_selloff_2022",
        move,
        "Treasury sell-off 2022: 2y +367bp, 10y +233bp, 30y +205bp over the year",
        (USD,),
    )


def _credit_crisis_2008() -> Scenario:
    """The 2008 widening of US investment-grade spreads to August 2008: +169bp.

    Bond-yield bp (``units="yield"``). Calibration: investment-grade corporate bonds yielded
    312bp more than Treasuries on 25 Aug 2008, 118% more than a year before (Merrill Lynch
    data, Bespoke Investment Group, 26 Aug 2008), so 143bp then and a widening of 169bp.
    Spreads widened much further after Lehman's failure (the ICE BofA AA US Corporate OAS
    reached its record, 5.15%, in November 2008), but no start-to-peak figure for the broad
    index was found, so the scenario stops at August 2008; Treasury yields are held.
    """
    return Scenario.single(
        "credit_crisis_2008",
        Move.of(credit_spread_bp=169, units=RateUnits.YIELD),
        "US IG credit 2008: spreads over Treasuries +169bp in the year to August 2008 "
        "(143bp to 312bp), Treasury yields held",
        (USD,),
    )


def _standard() -> list[Scenario]:
    """The standard shocks, for every market."""
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
    return [Scenario.single(name, move, text) for name, text, move in single]


def _mortality_down_10() -> Scenario:
    """Every member's mortality rate 10% lower, markets held: the liabilities rise.

    The factor of ``ldi risk``'s ``mortality_minus_10pct``; for liabilities projected from
    member data only (``catalogue(members=True)``).
    """
    return Scenario.single(
        "mortality_down_10",
        Move(mortality_scale=LOWER_MORTALITY),
        "Mortality rates -10% (members live longer), markets held",
    )


def catalogue(currency: str | None = None, members: bool = False) -> Mapping[str, Scenario]:
    """The built-in scenarios for a problem in ``currency`` by name, in report order.

    The standard shocks, then the named scenarios of the market (GBP: ``gilts_cheapen_30``,
    ``gilt_crisis_2022``, ``boe_swes_2023``; EUR: ``euro_rates_2022``,
    ``euro_periphery_2011``; USD: ``treasury_selloff_2022``, ``credit_crisis_2008``); another
    currency has the standard shocks only. None: every scenario of every market. ``members``
    (liabilities projected from member data): then the longevity stress
    ``mortality_down_10`` too.
    """
    named = [
        _gilts_cheapen_30(),
        _gilt_crisis_2022(),
        _boe_swes_2023(),
        _euro_rates_2022(),
        _euro_periphery_2011(),
        _treasury_selloff_2022(),
        _credit_crisis_2008(),
    ]
    scenarios = [s for s in [*_standard(), *named] if s.applies_to(currency)]
    if members:
        scenarios.append(_mortality_down_10())
    return MappingProxyType({s.name: s for s in scenarios})
