"""The stress catalogue: the standard shocks, the calibrated paths and each market's set.

References: the scenario descriptions (hand values in bp) and docs/market-facts.md §1, §5-§7,
the published figures written out again below: the BoE staff paper (29 Mar 2023: 30y gilt
yields rose more than 35bp on each of two days after the 23 Sep 2022 mini-budget; the
largest daily rise before, since 2000, was 29bp), The Times (Mon 26 Sep 2022: 30y +45bp,
10y +26bp, 5y +15bp), IPE (30y about +150bp in under five trading days), the BoE SWES 2023
scenario (day 1: 10y nominal gilts +45bp, 10y index-linked +60bp; +115bp over ten days; IG
credit +130bp); the 10y Bund yield at -0.18% (end 2021), 1.37% (30 Jun 2022, Thomson Reuters
closes in Deutsche Bahn's interim report) and 2.511% (Reuters, 30 Dec 2022); Italy's 10y
yield and spread over Bunds on 11 Jul 2011 (5.71%, 303bp, Bloomberg), 2 Aug 2011 (Bunds
2.395%, 374bp, AFP) and 14 Nov 2011 (Bunds 1.81%, 472bp, ANSA); Treasury yields on 31 Dec
2021 and 30 Dec 2022 (2y 0.730% and 4.399%, 10y 1.496% and 3.826%, 30y 1.888% and 3.934%,
Dow Jones Data Talk); US investment-grade spreads of 312bp on 25 Aug 2008, 118% above a year
before (Bespoke). Real yields move by nominal minus breakeven. Sizes are read back in bp
(value / 1e-4) and compared to 1e-9bp; a change computed from two published levels in % is
(end - start) x 100 bp.
"""

import numpy as np
import pytest

from ldi.errors import DataError
from ldi.scenarios import Move, Scenario, catalogue
from ldi.scenarios.scenario import RateUnits

BP = 1e-4
ATOL_BP = 1e-9
KEY_TENORS = (5.0, 10.0, 20.0, 30.0, 50.0)
T = np.array([0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 40.0, 50.0, 80.0])
STANDARD = [
    "parallel_up_100",
    "parallel_down_100",
    "parallel_up_250",
    "steepener",
    "flattener",
    "key_rate_5y_up_25",
    "key_rate_10y_up_25",
    "key_rate_20y_up_25",
    "key_rate_30y_up_25",
    "key_rate_50y_up_25",
    "breakeven_up_50",
    "breakeven_down_50",
    "real_yields_up_100",
    "credit_spreads_up_100",
    "growth_down_25",
]
NAMED = {
    "GBP": ["gilts_cheapen_30", "gilt_crisis_2022", "boe_swes_2023"],
    "EUR": ["euro_rates_2022", "euro_periphery_2011"],
    "USD": ["treasury_selloff_2022", "credit_crisis_2008"],
}


@pytest.fixture(scope="module")
def scenarios():
    return catalogue()


def nominal_bp(move, t):
    return np.asarray(move.nominal(np.asarray(t, dtype=float))) / BP


def breakeven_bp(move, t):
    return np.asarray(move.breakeven(np.asarray(t, dtype=float))) / BP


def real_bp(move, t):
    return nominal_bp(move, t) - breakeven_bp(move, t)


def test_catalogue_lists_every_standard_and_named_scenario(scenarios):
    """catalogue() is every market's set: the standard shocks, then GBP, EUR, USD."""
    assert list(scenarios) == [*STANDARD, *NAMED["GBP"], *NAMED["EUR"], *NAMED["USD"]]
    assert all(name == s.name and s.description for name, s in scenarios.items())


@pytest.mark.parametrize("currency", ["GBP", "EUR", "USD"])
def test_each_market_has_the_standard_shocks_and_its_own_named_scenarios(currency):
    assert list(catalogue(currency)) == [*STANDARD, *NAMED[currency]]


def test_only_sterling_problems_get_the_gilt_scenarios():
    gilts = {"gilts_cheapen_30", "gilt_crisis_2022", "boe_swes_2023"}
    assert gilts <= set(catalogue("GBP"))
    for currency in ("EUR", "USD", "JPY"):
        assert not gilts & set(catalogue(currency)), currency


@pytest.mark.parametrize("currency", ["GBP", "EUR", "USD", "JPY"])
def test_liabilities_from_members_add_the_longevity_stress_last(currency):
    """Mortality 10% lower, markets held: the factor of ``ldi risk``'s stress."""
    with_members = catalogue(currency, members=True)
    assert list(with_members) == [*catalogue(currency), "mortality_down_10"]
    (move,) = with_members["mortality_down_10"].steps
    assert move.key() == Move(mortality_scale=0.9).key()
    assert "mortality_down_10" not in catalogue()


def test_another_market_has_the_standard_shocks_only():
    assert list(catalogue("JPY")) == STANDARD


def test_the_catalogue_is_the_union_of_the_markets_sets(scenarios):
    union = {}
    for currency in ("GBP", "EUR", "USD"):
        union.update(catalogue(currency))
    assert set(union) == set(scenarios)
    for name, scenario in scenarios.items():
        assert [m.key() for m in scenario.steps] == [m.key() for m in union[name].steps], name
        assert scenario.labels == union[name].labels


def test_markets_name_the_currencies_a_scenario_is_for(scenarios):
    for name in STANDARD:
        assert scenarios[name].markets == frozenset()
        assert scenarios[name].applies_to("GBP")
        assert scenarios[name].applies_to("NOK")
    for currency, names in NAMED.items():
        for name in names:
            assert scenarios[name].markets == frozenset({currency})
            assert scenarios[name].applies_to(currency)
            assert not scenarios[name].applies_to("NOK")
            assert scenarios[name].applies_to(None)


def test_scenario_markets_are_currency_codes():
    move = Move.of(nominal_bp=10)
    assert Scenario.single("x", move, markets=["USD", "EUR"]).markets == {"USD", "EUR"}
    assert Scenario("x", (move,), markets="GBP").markets == {"GBP"}  # one code, not letters
    assert Scenario.single("x", move, markets="GBP").markets == {"GBP"}
    with pytest.raises(DataError) as caught:
        Scenario.single("x", move, markets=["gbp"])
    assert str(caught.value) == (
        "scenario 'x': markets: got 'gbp'; expected ISO currency codes such as 'GBP'"
    )


def test_catalogue_is_read_only(scenarios):
    with pytest.raises(TypeError):
        scenarios["mine"] = scenarios["steepener"]  # type: ignore[index]


@pytest.mark.parametrize(
    ("name", "size"),
    [("parallel_up_100", 100), ("parallel_down_100", -100), ("parallel_up_250", 250)],
)
def test_parallel_shocks_move_nominal_and_real_yields_alike(scenarios, name, size):
    scenario = scenarios[name]
    assert len(scenario) == 1
    np.testing.assert_allclose(nominal_bp(scenario.final, T), size, atol=ATOL_BP)
    np.testing.assert_allclose(breakeven_bp(scenario.final, T), 0.0, atol=ATOL_BP)
    assert scenario.final.credit_spread == 0.0
    assert scenario.final.growth == 0.0


@pytest.mark.parametrize(("name", "sign"), [("steepener", 1), ("flattener", -1)])
def test_twists_pivot_at_ten_years(scenarios, name, sign):
    move = scenarios[name].final
    np.testing.assert_allclose(
        nominal_bp(move, [2.0, 10.0, 30.0]), [-50 * sign, 0.0, 50 * sign], atol=ATOL_BP
    )
    np.testing.assert_allclose(nominal_bp(move, [6.0, 20.0]), [-25 * sign, 25 * sign], atol=1e-9)
    np.testing.assert_allclose(breakeven_bp(move, T), 0.0, atol=ATOL_BP)


@pytest.mark.parametrize("tenor", KEY_TENORS)
def test_key_rate_shocks_peak_at_their_tenor_and_vanish_at_the_neighbours(scenarios, tenor):
    move = scenarios[f"key_rate_{tenor:g}y_up_25"].final
    np.testing.assert_allclose(nominal_bp(move, [tenor]), [25.0], atol=ATOL_BP)
    j = KEY_TENORS.index(tenor)
    neighbours = [KEY_TENORS[i] for i in (j - 1, j + 1) if 0 <= i < len(KEY_TENORS)]
    np.testing.assert_allclose(nominal_bp(move, neighbours), 0.0, atol=ATOL_BP)
    # Every other shock tenor is untouched, and the shock never exceeds its peak.
    others = [k for k in KEY_TENORS if k != tenor]
    np.testing.assert_allclose(nominal_bp(move, others), 0.0, atol=ATOL_BP)
    grid = np.linspace(0.0, 100.0, 2001)
    assert nominal_bp(move, grid).max() == pytest.approx(25.0, abs=ATOL_BP)
    assert nominal_bp(move, grid).min() >= -ATOL_BP
    np.testing.assert_allclose(breakeven_bp(move, T), 0.0, atol=ATOL_BP)


def test_key_rate_shock_tapers_linearly_between_shock_tenors(scenarios):
    move = scenarios["key_rate_20y_up_25"].final
    # Half way from 10y to 20y and from 20y to 30y: half the 25bp.
    np.testing.assert_allclose(nominal_bp(move, [15.0, 25.0]), [12.5, 12.5], atol=ATOL_BP)


@pytest.mark.parametrize(
    ("name", "breakeven"),
    [("breakeven_up_50", 50), ("breakeven_down_50", -50), ("real_yields_up_100", -100)],
)
def test_inflation_shocks_hold_nominal_yields(scenarios, name, breakeven):
    move = scenarios[name].final
    np.testing.assert_allclose(breakeven_bp(move, T), breakeven, atol=ATOL_BP)
    np.testing.assert_allclose(nominal_bp(move, T), 0.0, atol=ATOL_BP)
    np.testing.assert_allclose(real_bp(move, T), -breakeven, atol=ATOL_BP)


def test_credit_and_growth_shocks_move_only_their_factor(scenarios):
    credit = scenarios["credit_spreads_up_100"].final
    assert credit.credit_spread == pytest.approx(0.01, abs=1e-16)
    assert credit.growth == 0.0
    np.testing.assert_allclose(nominal_bp(credit, T), 0.0, atol=ATOL_BP)
    growth = scenarios["growth_down_25"].final
    assert growth.growth == -0.25
    assert growth.credit_spread == 0.0
    assert growth.return_of("EQUITY", growth_asset=True) == -0.25
    np.testing.assert_allclose(nominal_bp(growth, T), 0.0, atol=ATOL_BP)
    np.testing.assert_allclose(breakeven_bp(growth, T), 0.0, atol=ATOL_BP)


# --- gilt crisis 2022 -------------------------------------------------------------------------


def crisis_30y(scenarios):
    return np.array([nominal_bp(m, [30.0])[0] for m in scenarios["gilt_crisis_2022"].steps])


def test_gilt_crisis_is_four_days(scenarios):
    crisis = scenarios["gilt_crisis_2022"]
    assert crisis.labels == ("day 1", "day 2", "day 3", "day 4")
    assert len(crisis) == 4


def test_gilt_crisis_30y_move_is_cumulative_and_reaches_150bp(scenarios):
    cumulative = crisis_30y(scenarios)
    assert np.all(np.diff(cumulative) >= 0)
    assert cumulative[-1] == pytest.approx(150.0, abs=ATOL_BP)


def test_gilt_crisis_beats_the_pre_2022_record_daily_rise_on_two_days(scenarios):
    daily = np.diff(np.concatenate([[0.0], crisis_30y(scenarios)]))
    assert np.count_nonzero(daily > 29.0) >= 2  # BoE: 29bp was the largest since 2000


def test_gilt_crisis_has_two_daily_30y_rises_above_35bp(scenarios):
    daily = np.round(np.diff(np.concatenate([[0.0], crisis_30y(scenarios)])), 6)  # bp / 1e-4
    assert np.count_nonzero(daily > 35.0) >= 2


def test_gilt_crisis_monday_matches_the_reported_daily_moves(scenarios):
    friday, monday = scenarios["gilt_crisis_2022"].steps[:2]
    daily = nominal_bp(monday, [5.0, 10.0, 30.0]) - nominal_bp(friday, [5.0, 10.0, 30.0])
    np.testing.assert_allclose(daily, [15.0, 26.0, 45.0], atol=ATOL_BP)  # The Times


def test_gilt_crisis_real_yields_rise_more_than_nominal_at_30y(scenarios):
    steps = scenarios["gilt_crisis_2022"].steps
    real = np.array([real_bp(m, [30.0])[0] for m in steps])
    nominal = crisis_30y(scenarios)
    assert np.all(real >= nominal - ATOL_BP)
    assert real[-1] > nominal[-1]
    assert np.all(np.diff(real) >= 0)


def test_gilt_crisis_moves_gilts_and_swaps_alike_in_zero_rate_units(scenarios):
    """No published gilt-SONIA move for the four days was found: swaps move with gilts."""
    for move in scenarios["gilt_crisis_2022"].steps:
        assert move.bond_swap.is_zero
        assert move.units is RateUnits.ZERO


# --- gilts against swaps -----------------------------------------------------------------------


def test_gilts_cheapen_30_moves_gilts_30bp_and_swaps_not_at_all(scenarios):
    cheap = scenarios["gilts_cheapen_30"]
    assert len(cheap) == 1
    move = cheap.final
    np.testing.assert_allclose(nominal_bp(move, T), 30.0, atol=ATOL_BP)  # gilts
    np.testing.assert_allclose(move.bond_swap(T) / BP, 30.0, atol=ATOL_BP)
    np.testing.assert_allclose(nominal_bp(move, T) - move.bond_swap(T) / BP, 0.0, atol=ATOL_BP)
    np.testing.assert_allclose(breakeven_bp(move, T), 0.0, atol=ATOL_BP)
    assert move.credit_spread == 0.0
    assert move.units is RateUnits.ZERO


# --- BoE SWES 2023 -----------------------------------------------------------------------------


def test_boe_swes_day_one_and_day_ten(scenarios):
    swes = scenarios["boe_swes_2023"]
    assert swes.labels == ("day 1", "day 10")
    day1, day10 = swes.steps
    assert nominal_bp(day1, [10.0])[0] == pytest.approx(45.0, abs=ATOL_BP)
    assert real_bp(day1, [10.0])[0] == pytest.approx(60.0, abs=ATOL_BP)
    assert nominal_bp(day10, [10.0])[0] == pytest.approx(115.0, abs=ATOL_BP)
    assert day10.credit_spread / BP == pytest.approx(130.0, abs=ATOL_BP)
    assert 0 < day1.credit_spread < day10.credit_spread


# --- euro rates 2022 --------------------------------------------------------------------------

BUND_END_2021, BUND_JUN_2022, BUND_DEC_2022 = -0.18, 1.37, 2.511  # 10y Bund yield, %


def test_euro_rates_2022_follows_the_10y_bund_yield_through_the_year(scenarios):
    rates = scenarios["euro_rates_2022"]
    assert rates.labels == ("30 Jun 2022", "30 Dec 2022")
    expected = [(BUND_JUN_2022 - BUND_END_2021) * 100, (BUND_DEC_2022 - BUND_END_2021) * 100]
    for move, size in zip(rates.steps, expected, strict=True):
        np.testing.assert_allclose(nominal_bp(move, T), size, atol=ATOL_BP)  # every tenor
        np.testing.assert_allclose(breakeven_bp(move, T), 0.0, atol=ATOL_BP)
        assert move.bond_swap.is_zero
        assert move.credit_spread == 0.0
        assert move.units is RateUnits.YIELD  # bond yields as quoted
    assert expected[-1] > 260.0  # Reuters: up "more than 260bp" in 2022


# --- euro periphery 2011 ----------------------------------------------------------------------

ITALY_11_JUL_2011 = (5.71, 303.0)  # Italian 10y yield %, spread over Bunds bp (Bloomberg)
PERIPHERY = {"2 Aug 2011": (2.395, 374.0), "14 Nov 2011": (1.81, 472.0)}  # Bunds %, Italy bp


def test_euro_periphery_2011_widens_credit_as_italy_and_bunds_rally(scenarios):
    """From 11 Jul 2011: Bunds 5.71% - 3.03% = 2.68%, Italy 303bp over them."""
    periphery = scenarios["euro_periphery_2011"]
    assert periphery.labels == tuple(PERIPHERY)
    italy_yield, italy_spread = ITALY_11_JUL_2011
    bund_start = italy_yield - italy_spread / 100
    for move, (bund, spread) in zip(periphery.steps, PERIPHERY.values(), strict=True):
        np.testing.assert_allclose(nominal_bp(move, T), (bund - bund_start) * 100, atol=ATOL_BP)
        assert move.credit_spread / BP == pytest.approx(spread - italy_spread, abs=ATOL_BP)
        np.testing.assert_allclose(breakeven_bp(move, T), 0.0, atol=ATOL_BP)
        assert move.units is RateUnits.YIELD
    final = periphery.final
    assert final.credit_spread / BP == pytest.approx(169.0, abs=ATOL_BP)
    assert nominal_bp(final, [10.0])[0] == pytest.approx(-87.0, abs=ATOL_BP)


# --- Treasury sell-off 2022 -------------------------------------------------------------------

TREASURIES = {2.0: (0.730, 4.399), 10.0: (1.496, 3.826), 30.0: (1.888, 3.934)}  # % (DJ)


def test_treasury_selloff_2022_is_the_years_rise_at_2_10_and_30_years(scenarios):
    selloff = scenarios["treasury_selloff_2022"]
    assert len(selloff) == 1
    move = selloff.final
    tenors = np.array(list(TREASURIES))
    rises = np.array([(end - start) * 100 for start, end in TREASURIES.values()])
    np.testing.assert_allclose(nominal_bp(move, tenors), rises, atol=ATOL_BP)
    np.testing.assert_allclose(rises, [366.9, 233.0, 204.6], atol=1e-9)
    # Linear between the published tenors, flat outside them.
    np.testing.assert_allclose(nominal_bp(move, [6.0]), (rises[0] + rises[1]) / 2, atol=1e-9)
    np.testing.assert_allclose(nominal_bp(move, [0.5, 1.0]), rises[0], atol=ATOL_BP)
    np.testing.assert_allclose(nominal_bp(move, [40.0, 50.0]), rises[2], atol=ATOL_BP)
    np.testing.assert_allclose(breakeven_bp(move, T), 0.0, atol=ATOL_BP)
    assert move.credit_spread == 0.0
    assert move.units is RateUnits.YIELD


# --- credit 2008 ------------------------------------------------------------------------------


def test_credit_crisis_2008_widens_investment_grade_spreads_to_august_2008(scenarios):
    """312bp on 25 Aug 2008 was 118% above the year before: 312 / 2.18 = 143.1bp then."""
    move = scenarios["credit_crisis_2008"].final
    widening = 312.0 - 312.0 / 2.18
    assert widening == pytest.approx(168.9, abs=0.05)
    assert move.credit_spread / BP == pytest.approx(round(widening), abs=ATOL_BP)  # whole bp
    np.testing.assert_allclose(nominal_bp(move, T), 0.0, atol=ATOL_BP)  # Treasuries held
    np.testing.assert_allclose(breakeven_bp(move, T), 0.0, atol=ATOL_BP)
    assert move.units is RateUnits.YIELD
