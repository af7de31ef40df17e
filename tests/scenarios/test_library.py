"""The stress catalogue: the standard shocks and the calibrated historical-style paths.

References: the scenario descriptions (hand values in bp) and docs/market-facts.md §1:
the BoE staff paper (29 Mar 2023: 30y gilt yields rose more than 35bp on each of two days
after the 23 Sep 2022 mini-budget; the largest daily rise before, since 2000, was 29bp), The
Times (Mon 26 Sep 2022: 30y +45bp, 10y +26bp, 5y +15bp), IPE (30y about +150bp in under five
trading days) and the BoE SWES 2023 scenario (day 1: 10y nominal gilts +45bp, 10y
index-linked +60bp; +115bp over ten days; IG credit +130bp). Real yields move by nominal
minus breakeven. Sizes are read back in bp (value / 1e-4) and compared to 1e-9bp.
"""

import numpy as np
import pytest

from ldi.scenarios import catalogue

BP = 1e-4
ATOL_BP = 1e-9
KEY_TENORS = (5.0, 10.0, 20.0, 30.0, 50.0)
T = np.array([0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 40.0, 50.0, 80.0])


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
    assert list(scenarios) == [
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
        "gilt_crisis_2022",
        "boe_swes_2023",
    ]
    assert all(name == s.name and s.description for name, s in scenarios.items())


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
