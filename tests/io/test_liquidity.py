"""The ``collateral:`` and ``stress:`` sections of a problem file, loaded from a dict.

Each case edits the default problem (problems/uk_db_scheme.yaml, its CSV path made absolute
by ``tests.reference.raw_problem``) and loads it with ``ldi.load_problem``. References: the
values written in the file, read back from the collateral policy, the per-instrument
collateral table and the scenario moves (bp x 1e-4, ``np.interp`` of the knots), and
hand-computed stress outcomes (a growth return times the growth holdings; initial margin as
a fraction of gross notional). Bad input must raise a SpecError whose message starts with
the exact YAML path, then names the value and what is expected; the texts are asserted.
"""

import copy
import re

import numpy as np
import pandas as pd
import pytest

import ldi
from ldi.errors import SpecError
from ldi.liquidity.collateral import AssetClass
from ldi.scenarios import catalogue
from ldi.scenarios.simulation import CurveFactors
from ldi.stress import stress_test
from tests.reference import raw_problem

RAW = raw_problem()
IDS = sorted(item["id"] for item in RAW["instruments"])
HOLDINGS = {name: float(x) for name, x in RAW["holdings"].items()}  # YAML 1.1: '30.0e6' is text
GROWTH = ("GLOBAL_EQUITY", "DIVERSIFIED_GROWTH", "UK_PROPERTY")
T = np.array([0.5, 2.0, 5.0, 10.0, 20.0, 30.0, 40.0])
SHORT_GILTS = [  # residual maturities in each haircut band: up to 1y, 1-5y
    {"id": "UKT_BILL", "kind": "zero_coupon_bond", "maturity": 0.5},
    {"id": "UKT_3Y", "kind": "bond", "coupon": 0.04, "maturity": 3.0},
]


@pytest.fixture(autouse=True)
def in_a_test_folder(tmp_path, monkeypatch):
    """A dict names files inside the working folder: the test's own (the data root holds RAW's)."""
    monkeypatch.chdir(tmp_path)


def load(**sections):
    raw = copy.deepcopy(RAW)
    raw.update(sections)
    return ldi.load_problem(raw)


def table(**collateral):
    return load(collateral=collateral).collateral_model().table


def scenario(**spec):
    return load(stress={"scenarios": [{"name": "mine", **spec}]}).scenarios["mine"]


def failure(**sections):
    with pytest.raises(SpecError) as caught:
        load(**sections)
    return caught.value


def check(error, path, message):
    assert error.path == path
    assert str(error) == f"{path}: {message}"


# --- collateral ------------------------------------------------------------------------------


def test_default_problem_counts_cash_and_gilts_within_five_days():
    model = load().collateral_model()
    eligible = dict(zip(model.ids, model.eligible(), strict=True))
    assert model.within_days == 5.0
    assert eligible["CASH"] == eligible["UKT_4Q_2036"] == eligible["UKTI_0Q_2068"] == 1.0
    # corporate: 7 days, equity: 7 days, property illiquid (never).
    assert eligible["CREDIT_AA_2035"] == eligible["GLOBAL_EQUITY"] == 0.0
    assert eligible["UK_PROPERTY"] == 0.0
    assert model.table.loc["UK_PROPERTY", "asset_class"] == "illiquid"


def test_a_single_haircut_applies_to_every_maturity():
    got = load(collateral={"haircuts": {"government": 0.03}})
    assert got.collateral.haircuts[AssetClass.GOVERNMENT] == (
        (1.0, 0.03),
        (5.0, 0.03),
        (np.inf, 0.03),
    )
    cuts = got.collateral_model().table["haircut"]
    for name in ("UKT_4Q_2036", "UKT_0_2045", "UKTI_0Q_2068"):
        assert cuts[name] == 0.03


def test_three_haircuts_apply_by_residual_maturity_band():
    instruments = [*RAW["instruments"], *SHORT_GILTS]
    problem = load(
        collateral={"haircuts": {"government": [0.001, 0.01, 0.025], "corporate": [0, 0, 0.1]}},
        instruments=instruments,
    )
    cuts = problem.collateral_model().table["haircut"]
    assert [cuts["UKT_BILL"], cuts["UKT_3Y"], cuts["UKT_4Q_2036"]] == [0.001, 0.01, 0.025]
    assert cuts["CREDIT_AA_2035"] == 0.1  # 9.5 years: the over-5y band
    # Classes not overridden keep the standard schedules.
    assert problem.collateral.haircuts[AssetClass.EQUITY] == ((np.inf, 0.15),)


def test_days_override_by_class_and_null_means_never():
    model = load(collateral={"days": {"government": None, "corporate": 1}}).collateral_model()
    days = model.table["days"]
    assert np.isnan(days["UKT_4Q_2036"])
    assert np.isnan(days["UKTI_0T_2045"])
    assert days["CREDIT_A_2040"] == 1.0
    assert np.isnan(days["GLOBAL_EQUITY"])  # the section replaced: equity never counts again
    eligible = dict(zip(model.ids, model.eligible(), strict=True))
    assert eligible["UKT_4Q_2036"] == 0.0
    assert eligible["CREDIT_A_2040"] == eligible["CASH"] == 1.0


def test_within_days_sets_the_window():
    model = load(collateral={"within_days": 2}).collateral_model()
    eligible = dict(zip(model.ids, model.eligible(), strict=True))
    assert model.within_days == 2.0
    assert eligible["CASH"] == eligible["UKT_4Q_2036"] == 1.0  # at once
    assert eligible["CREDIT_A_2040"] == 0.0  # corporate: never, unless the file says
    stated = load(collateral={"within_days": 2, "days": {"corporate": 2, "equity": 3}})
    eligible = dict(zip(model.ids, stated.collateral_model().eligible(), strict=True))
    assert eligible["CREDIT_A_2040"] == 1.0  # within the window
    assert eligible["GLOBAL_EQUITY"] == 0.0  # 3 days: beyond it


def test_per_instrument_overrides():
    got = table(
        instruments={
            "CREDIT_AA_2035": {"haircut": 0.12, "days": 1},
            "UKT_4_2063": {"asset_class": "corporate", "days": 2},
            "RPI_ZC_30Y": {"initial_margin": 0.02},
        }
    )
    assert got.loc["CREDIT_AA_2035", ["haircut", "days"]].tolist() == [0.12, 1.0]
    assert got.loc["UKT_4_2063", ["asset_class", "haircut", "days"]].tolist() == [
        "corporate",
        0.08,  # the corporate schedule beyond 5 years
        2.0,
    ]
    assert got.loc["RPI_ZC_30Y", "initial_margin"] == 0.02


def test_initial_margin_by_kind_is_posted_on_gross_notional():
    collateral = {
        "initial_margin": {"interest_rate_swap": 0.05},
        "instruments": {"RPI_ZC_30Y": {"initial_margin": 0.02}},
    }
    problem = load(collateral=collateral)
    margins = problem.collateral_model().table["initial_margin"]
    assert margins["SONIA_30Y"] == margins["SONIA_20Y"] == 0.05
    assert margins["RPI_ZC_20Y"] == 0.0
    assert margins["UKT_4Q_2036"] == 0.0  # only overlays post initial margin
    # Growth assets falling move no variation margin: the call is initial margin alone,
    # 5% of the SONIA notionals and 2% of the RPI swap's.
    row = stress_test(problem, scenarios=["growth_down_25"]).outcomes.loc["growth_down_25"]
    holdings = HOLDINGS
    expected = (
        0.05 * (holdings["SONIA_30Y"] + holdings["SONIA_50Y"]) + 0.02 * holdings["RPI_ZC_30Y"]
    )
    assert row["collateral_needed"] == pytest.approx(expected, rel=1e-12)


def test_initial_margin_from_a_shock_is_read_and_checked():
    problem = load(collateral={"initial_margin_shock_bp": 50})
    assert problem.collateral.initial_margin_shock_bp == 50
    model = problem.collateral_model()
    margins = dict(zip(model.ids, model.initial_margin, strict=True))
    assert margins["SONIA_30Y"] > 0  # its value change in a 50bp move, per unit notional
    assert margins["CASH"] == margins["UKT_4Q_2036"] == 0.0  # only overlays post it
    error = failure(collateral={"initial_margin_shock_bp": 0})
    check(error, "collateral.initial_margin_shock_bp", "got 0; expected a number > 0")


def test_mandate_lists_the_leveraged_ids():
    got = table(mandate=["UKT_4Q_2036", "SONIA_30Y", "REPO_3M"])
    assert sorted(got.index[got["mandate"]]) == ["REPO_3M", "SONIA_30Y", "UKT_4Q_2036"]


# --- user scenarios --------------------------------------------------------------------------


def test_file_scenarios_follow_the_catalogue():
    problem = load(stress={"scenarios": [{"name": "mine", "nominal_bp": 75}]})
    assert list(problem.scenarios) == [*catalogue("GBP"), "mine"]
    assert "gilt_crisis_2022" in problem.scenarios  # the default problem is in GBP


GILT_SCENARIOS = {"gilts_cheapen_30", "gilt_crisis_2022", "boe_swes_2023"}
MARKET_SCENARIOS = {
    "EUR": ["euro_rates_2022", "euro_periphery_2011"],
    "USD": ["treasury_selloff_2022", "credit_crisis_2008"],
}


@pytest.mark.parametrize("currency", ["USD", "EUR"])
def test_a_problem_in_another_currency_gets_that_markets_catalogue(currency):
    """The default problem with ``currency`` changed: no gilt scenario, its own instead."""
    scenarios = {"scenarios": [{"name": "mine", "nominal_bp": 5}]}
    problem = load(currency=currency, stress=scenarios, recapitalisation=None)  # no gilt crisis
    names = list(problem.scenarios)
    assert not GILT_SCENARIOS & set(names)
    assert names == [*catalogue(currency), "mine"]
    assert names[-3:] == [*MARKET_SCENARIOS[currency], "mine"]
    assert "parallel_up_100" in names
    assert "credit_spreads_up_100" in names
    for other, named in MARKET_SCENARIOS.items():
        if other != currency:
            assert not set(named) & set(names)


def test_a_gilt_scenario_name_is_free_for_a_file_in_another_currency():
    """Outside GBP, gilt_crisis_2022 is not a catalogue name, so a file may use it."""
    spec = {"scenarios": [{"name": "gilt_crisis_2022", "nominal_bp": 150}]}
    problem = load(currency="USD", stress=spec)
    np.testing.assert_allclose(problem.scenarios["gilt_crisis_2022"].final.nominal(T), 0.015)


def test_catalogue_false_keeps_only_the_file_scenarios():
    spec = {"catalogue": False, "scenarios": [{"name": "parallel_up_100", "nominal_bp": 99}]}
    problem = load(stress=spec, recapitalisation=None)  # its plan starts from a gilt crisis
    assert list(problem.scenarios) == ["parallel_up_100"]
    np.testing.assert_allclose(problem.scenarios["parallel_up_100"].final.nominal(T), 0.0099)


def test_nominal_bp_as_a_number():
    got = scenario(nominal_bp=75, description="rates up")
    assert got.description == "rates up"
    assert got.labels == ("",)
    np.testing.assert_allclose(got.final.nominal(T), 0.0075, rtol=1e-15)
    np.testing.assert_array_equal(got.final.breakeven(T), 0.0)


def test_nominal_bp_as_a_term_structure():
    got = scenario(nominal_bp={"tenors": [2, 10, 30], "bp": [-20, 0, 40]}).final
    expected = np.interp(T, [2, 10, 30], [-20e-4, 0.0, 40e-4])
    np.testing.assert_allclose(got.nominal(T), expected, rtol=1e-14, atol=1e-18)


def test_real_bp_moves_breakevens_by_nominal_less_real():
    got = scenario(nominal_bp=100, real_bp=130).final
    np.testing.assert_allclose(got.breakeven(T), -0.003, rtol=1e-14)
    curve = scenario(nominal_bp=100, real_bp={"tenors": [10, 30], "bp": [50, 150]}).final
    real = np.interp(T, [10, 30], [50e-4, 150e-4])
    np.testing.assert_allclose(curve.breakeven(T), 0.01 - real, rtol=1e-13, atol=1e-17)
    np.testing.assert_allclose(curve.nominal(T) - curve.breakeven(T), real, rtol=1e-13)


def test_breakeven_credit_growth_and_returns():
    got = scenario(
        breakeven_bp=25, credit_spread_bp=80, growth=-0.3, returns={"GLOBAL_EQUITY": -0.4}
    ).final
    np.testing.assert_allclose(got.breakeven(T), 0.0025, rtol=1e-15)
    np.testing.assert_array_equal(got.nominal(T), 0.0)
    assert got.credit_spread == pytest.approx(0.008, rel=1e-15)
    assert got.return_of("DIVERSIFIED_GROWTH", growth_asset=True) == -0.3
    assert got.return_of("GLOBAL_EQUITY", growth_asset=True) == -0.4


def test_growth_and_returns_of_a_file_scenario_in_a_stress_test():
    spec = {"name": "crash", "growth": -0.3, "returns": {"GLOBAL_EQUITY": -0.4}}
    problem = load(stress={"scenarios": [spec]})
    row = stress_test(problem, scenarios=["crash"]).outcomes.loc["crash"]
    holdings = HOLDINGS
    others = holdings["DIVERSIFIED_GROWTH"] + holdings["UK_PROPERTY"]
    expected = -0.4 * holdings["GLOBAL_EQUITY"] - 0.3 * others
    assert row["asset_change"] == pytest.approx(expected, rel=1e-12)
    assert row["liability_change"] == 0.0


def test_steps_with_labels():
    got = scenario(
        description="two days",
        steps=[{"label": "Friday", "nominal_bp": 30}, {"nominal_bp": 75, "credit_spread_bp": 20}],
    )
    assert got.labels == ("Friday", "step 2")
    np.testing.assert_allclose([m.nominal(10.0) for m in got.steps], [0.003, 0.0075])
    assert [m.credit_spread for m in got.steps] == [0.0, pytest.approx(0.002)]
    assert got.description == "two days"


# --- bad input -------------------------------------------------------------------------------

CLASSES = "'cash', 'money_market', 'government', 'corporate' or 'equity'"  # illiquid: never


def test_unknown_class_key():
    error = failure(collateral={"haircuts": {"gold": 0.1}})
    check(error, "collateral.haircuts.gold", f"got 'gold'; expected {CLASSES}")
    error = failure(collateral={"days": {"gilts": 1}})
    check(error, "collateral.days.gilts", f"got 'gilts'; expected {CLASSES}")


def test_two_haircut_bands():
    error = failure(collateral={"haircuts": {"government": [0.01, 0.02]}})
    check(error, "collateral.haircuts.government", "got [0.01, 0.02]; expected at least 3 item(s)")


def test_four_haircut_bands():
    error = failure(collateral={"haircuts": {"government": [0.01, 0.02, 0.03, 0.04]}})
    assert str(error).startswith("collateral.haircuts.government: got [0.01, 0.02, 0.03, 0.04]; ")
    assert "; expected " in str(error)


def test_haircut_above_one():
    error = failure(collateral={"haircuts": {"government": 1.5}})
    check(error, "collateral.haircuts.government", "got 1.5; expected a number <= 1")
    error = failure(collateral={"haircuts": {"corporate": [0.01, 0.04, 1.2]}})
    check(error, "collateral.haircuts.corporate[2]", "got 1.2; expected a number <= 1")
    error = failure(collateral={"instruments": {"CASH": {"haircut": 2}}})
    check(error, "collateral.instruments.CASH.haircut", "got 2; expected a number <= 1")


@pytest.mark.parametrize(
    ("sections", "path", "value"),
    [
        (
            {"collateral": {"instruments": {"NOPE": {"haircut": 0.1}}}},
            "collateral.instruments.NOPE",
            "NOPE",
        ),
        ({"collateral": {"mandate": ["CASH", "UKT_2099"]}}, "collateral.mandate[1]", "UKT_2099"),
        (
            {"stress": {"scenarios": [{"name": "x", "returns": {"EQUITY": -0.2}}]}},
            "stress.scenarios[0].returns.EQUITY",
            "EQUITY",
        ),
        (
            {"stress": {"scenarios": [{"name": "x", "steps": [{}, {"returns": {"EQ": -0.2}}]}]}},
            "stress.scenarios[0].steps[1].returns.EQ",
            "EQ",
        ),
    ],
)
def test_unknown_instrument_ids(sections, path, value):
    check(failure(**sections), path, f"got {value!r}; expected an instrument id, one of {IDS}")


def test_an_empty_mandate_is_refused():
    """An empty mandate would report 0bp to zero NAV: a figure that means nothing."""
    error = failure(collateral={"mandate": []})
    assert error.path == "collateral.mandate"
    assert "at least 1 item" in str(error)


def test_scenario_name_clashing_with_the_catalogue():
    error = failure(stress={"scenarios": [{"name": "steepener", "nominal_bp": 10}]})
    check(
        error,
        "stress.scenarios[0].name",
        "name 'steepener' is already a catalogue scenario; expected a unique name (or "
        "catalogue: false to replace the built-in scenarios)",
    )


def test_scenario_name_repeated_in_the_file():
    error = failure(stress={"scenarios": [{"name": "x"}, {"name": "y"}, {"name": "x"}]})
    check(
        error,
        "stress.scenarios[2].name",
        "name 'x' is already the name of stress.scenarios[0]; expected a unique name (or "
        "catalogue: false to replace the built-in scenarios)",
    )


def test_steps_together_with_move_keys():
    spec = {"name": "x", "nominal_bp": 50, "credit_spread_bp": 10, "steps": [{"nominal_bp": 5}]}
    error = failure(stress={"scenarios": [spec]})
    check(
        error,
        "stress.scenarios[0]",
        "got steps and the move keys ['credit_spread_bp', 'nominal_bp']; expected either one "
        "move or steps",
    )


@pytest.mark.parametrize(
    ("spec", "path"),
    [
        ({"name": "x", "real_bp": 50, "breakeven_bp": -10}, "stress.scenarios[0]"),
        (
            {"name": "x", "steps": [{"nominal_bp": 5}, {"real_bp": 5, "breakeven_bp": 1}]},
            "stress.scenarios[0].steps[1]",
        ),
    ],
)
def test_real_bp_together_with_breakeven_bp(spec, path):
    check(
        failure(stress={"scenarios": [spec]}),
        path,
        "got both real_bp and breakeven_bp; expected one of them (real = nominal - breakeven)",
    )


@pytest.mark.parametrize(
    ("spec", "path", "value"),
    [
        ({"growth": -1}, "stress.scenarios[0].growth", "-1"),
        ({"growth": -1.5}, "stress.scenarios[0].growth", "-1.5"),
        ({"steps": [{"growth": -2}]}, "stress.scenarios[0].steps[0].growth", "-2"),
        ({"returns": {"CASH": -1.0}}, "stress.scenarios[0].returns.CASH", "-1.0"),
    ],
)
def test_returns_of_minus_one_or_less(spec, path, value):
    error = failure(stress={"scenarios": [{"name": "x", **spec}]})
    check(error, path, f"got {value}; expected a number > -1")


def test_tenors_and_bp_of_different_lengths():
    spec = {"name": "x", "real_bp": {"tenors": [10, 20, 30], "bp": [5, 10]}}
    error = failure(stress={"scenarios": [spec]})
    check(error, "stress.scenarios[0].real_bp", "3 tenors but 2 bp values; expected one per tenor")


def test_unknown_keys_in_a_scenario():
    error = failure(stress={"scenarios": [{"name": "x", "shock_bp": 100}]})
    known = [
        "label",
        "nominal_bp",
        "real_bp",
        "breakeven_bp",
        "credit_spread_bp",
        "growth",
        "returns",
        "curves_bp",
        "bond_swap_bp",
        "units",
        "haircut_scale",
        "margin_scale",
        "mortality_scale",
        "name",
        "description",
        "steps",
    ]
    check(error, "stress.scenarios[0].shock_bp", f"unknown key; expected only {known}")
    error = failure(stress={"scenarios": [{"name": "x", "steps": [{"nominal": 100}]}]})
    check(
        error,
        "stress.scenarios[0].steps[0].nominal",
        f"unknown key; did you mean 'nominal_bp'? expected only {known[:13]}",
    )


@pytest.mark.parametrize("key", ["nominal_bp", "real_bp"])
def test_unsorted_tenors_name_their_yaml_path(key):
    error = failure(stress={"scenarios": [{"name": "x", key: {"tenors": [20, 10], "bp": [1, 2]}}]})
    path = f"stress.scenarios[0].{key}.tenors[1]"
    assert error.path == path
    assert re.match(rf"^{re.escape(path)}: got 10(\.0)? after 20(\.0)?; expected ", str(error))


def test_days_for_illiquid_assets_are_refused():
    error = failure(collateral={"days": {"illiquid": 2}})
    check(error, "collateral.days.illiquid", f"got 'illiquid'; expected {CLASSES}")
    error = failure(
        collateral={"instruments": {"UK_PROPERTY": {"asset_class": "illiquid", "days": 2}}}
    )
    check(
        error,
        "collateral.instruments.UK_PROPERTY.days",
        "got 2.0 for an illiquid asset; expected no days (illiquid assets never count as "
        "collateral) or another asset_class",
    )


@pytest.mark.parametrize(
    ("override", "key", "value", "role"),
    [
        ({"SONIA_30Y": {"haircut": 0.1}}, "SONIA_30Y.haircut", "0.1", "overlay"),
        ({"SONIA_30Y": {"asset_class": "cash"}}, "SONIA_30Y.asset_class", "'cash'", "overlay"),
        ({"REPO_3M": {"initial_margin": 0.1}}, "REPO_3M.initial_margin", "0.1", "financing"),
        ({"CASH": {"initial_margin": 0.1}}, "CASH.initial_margin", "0.1", "physical"),
    ],
)
def test_overrides_that_do_not_fit_the_role_are_refused(override, key, value, role):
    error = failure(collateral={"instruments": override})
    check(
        error,
        f"collateral.instruments.{key}",
        f"got {value} for an instrument of role {role}; expected asset_class, haircut and days "
        "only for physical assets, initial_margin only for overlays (repo takes none)",
    )


@pytest.mark.parametrize("name", ["equity", "cash"])
def test_undated_classes_take_one_haircut(name):
    error = failure(collateral={"haircuts": {name: [0.1, 0.2, 0.3]}})
    check(
        error,
        f"collateral.haircuts.{name}",
        f"got [0.1, 0.2, 0.3]; expected one haircut for {name} (it has no maturity to band by)",
    )


def test_a_scenario_with_steps_takes_labels_on_its_steps_only():
    scenario = {"name": "path", "label": "x", "steps": [{"nominal_bp": 10}]}
    error = failure(stress={"scenarios": [scenario]})
    check(
        error,
        "stress.scenarios[0].label",
        "got 'x' beside steps; expected a label on each step instead (a scenario with steps "
        "takes none of its own)",
    )


def test_a_one_move_scenario_keeps_its_label():
    problem = load(stress={"scenarios": [{"name": "shock", "label": "day 1", "nominal_bp": 50}]})
    assert problem.scenarios["shock"].labels == ("day 1",)


def curve_history(path, rows=60):
    """Month-end zero curves at 5, 10 and 30 years moved by a level and a slope factor."""
    rng = np.random.default_rng(7)
    level = np.cumsum(rng.normal(0, 20e-4 / np.sqrt(12), rows))
    slope = np.cumsum(rng.normal(0, 10e-4 / np.sqrt(12), rows))
    frame = pd.DataFrame(
        {
            "date": pd.date_range("2015-01-31", periods=rows, freq="ME"),
            "5": 0.03 + level - slope,
            "10": 0.035 + level,
            "30": 0.04 + level + slope,
        }
    )
    frame.to_csv(path, index=False)
    return frame


def test_simulation_reads_the_curve_factors_of_a_history(tmp_path):
    path = tmp_path / "history.csv"
    curve_history(path)
    problem = load(simulation={"curve_history": str(path), "components": 2})
    expected = CurveFactors.from_csv(str(path), components=2)
    factors = problem.simulation.curve_factors
    np.testing.assert_array_equal(factors.loadings, expected.loadings)
    np.testing.assert_array_equal(factors.volatility_bp, expected.volatility_bp)
    assert problem.scenario_engine().model.curve is factors
    assert load().simulation.curve_factors is None  # without the section: the default shapes


def test_a_bad_curve_history_names_the_key(tmp_path):
    error = failure(simulation={"curve_history": str(tmp_path / "missing.csv")})
    assert error.path == "simulation.curve_history"
    assert str(error).startswith("simulation.curve_history: ")
    assert "cannot read the curve history" in str(error)
    error = failure(simulation={"components": 0})
    check(error, "simulation.components", "got 0; expected a number >= 1")


def test_variation_margin_and_repo_capacity_are_read_and_checked():
    model = load(collateral={"repo_capacity": 50_000_000}).collateral_model()
    assert model.cash_variation_margin
    assert model.repo_capacity == 50_000_000
    assert not load(collateral={"variation_margin": "any"}).collateral_model().cash_variation_margin
    error = failure(collateral={"repo_capacity": -1})
    check(error, "collateral.repo_capacity", "got -1; expected a number >= 0")
    error = failure(collateral={"variation_margin": "gilts"})
    assert error.path == "collateral.variation_margin"
    assert "'cash' or 'any'" in str(error)


def test_a_scenarios_haircut_scale_reaches_the_collateral_its_stress_counts():
    """Twice the haircuts at +100bp: the collateral falls by Σ h_i x_i V_i over the assets.

    Less, for the repo's pledged bond, the stressed haircut it no longer holds back:
    (s − 1) h_c (1 + r_c) / (1 − h_k) per unit borrowed.
    """
    scenarios = [
        {"name": "wide", "nominal_bp": 100, "haircut_scale": 2},
        {"name": "plain", "nominal_bp": 100},
    ]
    collateral = {k: v for k, v in RAW["collateral"].items() if k != "stressed"}  # today's
    problem = load(stress={"scenarios": scenarios}, collateral=collateral)
    outcomes = stress_test(problem, scenarios=["wide", "plain"]).outcomes
    model = problem.collateral_model()
    table, x = model.table, problem.position_vector()
    move = problem.scenarios["plain"].final
    value = model.values([move])[:, 0]
    base = np.asarray(model.base, dtype=float)
    haircut = np.nan_to_num(table["haircut"].to_numpy(dtype=float))
    physical = (table["role"] == "physical").to_numpy() & (model.eligible() > 0)
    fall = float(np.sum(np.where(physical, haircut * x * value, 0.0)))
    for k in np.flatnonzero((table["role"] == "financing").to_numpy()):
        c = table.index.get_loc(table["pledge"].iloc[k])
        held = value[c] / base[c] / (1 - table["repo_haircut"].iloc[k])
        fall -= haircut[c] * held * x[k] * model.eligible()[c]
    change = (
        outcomes.loc["wide", "collateral_available"] - outcomes.loc["plain", "collateral_available"]
    )
    assert fall > 0
    assert change == pytest.approx(-fall, rel=1e-10)


def test_a_haircut_scale_below_one_is_named():
    scenarios = [{"name": "loose", "nominal_bp": 100, "haircut_scale": 0.5}]
    with pytest.raises(SpecError, match=r"^stress\.scenarios\[0\]\.haircut_scale: got 0\.5"):
        load(stress={"scenarios": scenarios})


def test_the_stressed_terms_and_a_steps_margin_scale_are_read():
    """``collateral.stressed`` reaches the policy and its model; ``margin_scale`` the move."""
    problem = load(collateral={"stressed": {"haircut_scale": 1.21, "margin_scale": 1.65}})
    assert problem.collateral.stressed.haircut_scale == 1.21
    assert problem.collateral.stressed.margin_scale == 1.65
    assert problem.collateral_model().stressed == problem.collateral.stressed
    unset = load(collateral={}).collateral
    assert (unset.stressed.haircut_scale, unset.stressed.margin_scale) == (1.0, 1.0)
    move = scenario(nominal_bp=100, margin_scale=2.5).final
    assert (move.margin_scale, move.haircut_scale) == (2.5, 1.0)


@pytest.mark.parametrize("key", ["haircut_scale", "margin_scale"])
def test_a_stressed_scale_outside_one_to_twenty_is_named(key):
    error = failure(collateral={"stressed": {key: 0.5}})
    check(error, f"collateral.stressed.{key}", "got 0.5; expected a number >= 1")
    error = failure(collateral={"stressed": {key: 25}})
    check(error, f"collateral.stressed.{key}", "got 25; expected a number <= 20")
    error = failure(stress={"scenarios": [{"name": "x", "nominal_bp": 1, key: 21}]})
    check(error, f"stress.scenarios[0].{key}", "got 21; expected a number <= 20")
