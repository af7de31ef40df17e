"""BalanceSheet against the independent reference (tests/reference.py), plus exact cases.

Every shipped problem is valued by ldi and by the reference (plain numpy/scipy from the YAML
and CSV); tolerances are the reference module's (MONEY_RTOL of the book's gross value for
money, propagated to ratios, durations and convexities). Synthetic problems pin the ratios
exactly: no holdings (0), and holdings that replicate the liabilities flow for flow (1).
"""

import dataclasses

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats

from ldi.balance_sheet import BalanceSheet, balance_sheet
from ldi.errors import SpecError
from ldi.io.load import load_problem
from tests.reference import (
    DEFAULT_KEYS,
    DEFAULT_PROBLEM,
    MONEY_RTOL,
    PRICE_ATOL,
    PROBLEMS,
    SPREAD_ATOL_BP,
    UNIT_SCALE,
    Breakeven,
    H,
    Indexation,
    Nominal,
    Stream,
    Wedge,
    YoYVolatility,
    book_scale,
    bootstrap,
    build_curves,
    clipped_growth,
    curve_lineage,
    ie01_column,
    normal_clipped,
    pv01_column,
    raw_problem,
    reference,
    reference_from_raw,
    swap_leg,
)

PROBLEM_FILES = sorted(PROBLEMS.glob("*.yaml"))
MONEY = ["pv", "pv01", "ie01", *map(pv01_column, DEFAULT_KEYS), *map(ie01_column, DEFAULT_KEYS)]
# The fifth-order term of a 1bp central difference is h^2 (T + 4)^2 / 20 ~ 2e-6 of the third
# order one for T = 50 years; the key-rate sum bound allows 1e-4 on top of the leading term.
BOUND_SLACK = 1e-4


@pytest.fixture(scope="module", params=PROBLEM_FILES, ids=lambda p: p.name)
def case(request):
    """(ldi balance sheet, reference, gross book value) of one shipped problem."""
    try:
        ref = reference(request.param)
    except NotImplementedError as error:
        pytest.skip(f"{request.param.name}: {error}")
    return balance_sheet(load_problem(request.param)), ref, book_scale(ref)


@pytest.fixture(scope="module")
def default():
    ref = reference(DEFAULT_PROBLEM)
    return balance_sheet(load_problem(DEFAULT_PROBLEM)), ref, book_scale(ref)


def close(actual, expected, atol, what=""):
    """|actual - expected| <= atol elementwise (atol may be an array); NaN matches NaN."""
    actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    atol = np.broadcast_to(np.asarray(atol, dtype=float), np.broadcast(actual, expected).shape)
    both_nan = np.isnan(actual) & np.isnan(expected)
    bad = ~both_nan & ~(np.abs(actual - expected) <= atol)
    assert not bad.any(), f"{what}: {actual[bad]} != {expected[bad]} within {atol[bad]}"


def ratio_atol(scale: float, denominator, value) -> np.ndarray:
    """Tolerance of numerator/denominator when both carry MONEY_RTOL x scale of error."""
    value = np.nan_to_num(np.asarray(value, dtype=float))
    with np.errstate(divide="ignore"):
        return MONEY_RTOL * scale * (1 + np.abs(value)) / np.abs(np.asarray(denominator, float))


# --- reference self-checks (the oracle must be right before it judges) ------------------------


def test_reference_clipped_growth_matches_numerical_integration():
    # E[min(max(Y, 1 + f), 1 + c)] for lognormal Y with mean F and log-sd s, by quadrature.
    for forward, floor, cap, sd in [
        (1.033, 0.0, 0.05, 0.05),
        (1.06, 0.0, 0.05, 0.1),
        (1.0, None, 0.03, 0.2),
    ]:
        mu = np.log(forward) - 0.5 * sd**2
        low = -np.inf if floor is None else 1 + floor

        def clipped(y, low=low, cap=cap, mu=mu, sd=sd):
            return min(max(y, low), 1 + cap) * stats.lognorm.pdf(y, sd, scale=np.exp(mu))

        expected, _ = integrate.quad(clipped, 0, 5, points=[1 + cap], epsabs=1e-13)
        assert clipped_growth(forward, floor, cap, sd) == pytest.approx(expected, abs=1e-10)


def test_reference_normal_clipped_matches_numerical_integration():
    # E[min(max(y, f), c)] for normal y with mean F - 1 and sd s, by quadrature.
    for forward, floor, cap, sd in [
        (1.033, 0.0, 0.05, 0.012),
        (1.06, 0.0, 0.05, 0.03),
        (1.0, None, 0.03, 0.02),
        (1.01, -0.01, None, 0.015),
    ]:
        low = -np.inf if floor is None else floor
        high = np.inf if cap is None else cap

        def clipped(y, low=low, high=high, mean=forward - 1, sd=sd):
            return min(max(y, low), high) * stats.norm.pdf(y, mean, sd)

        edges = [b for b in (low, high) if np.isfinite(b)]
        expected, _ = integrate.quad(clipped, -1, 1, points=edges, epsabs=1e-14)
        got = normal_clipped(forward, floor, cap, sd)
        assert got == pytest.approx(1 + expected, abs=1e-12)


def test_reference_caplet_deviation_interpolates_total_variance():
    vol = YoYVolatility("normal", (1.0, 10.0), (0.02, 0.01))
    # sigma flat before the first expiry and after the last; variance linear between.
    expected = [0.02 * 0.5**0.5, 0.02, np.sqrt(0.0004 + (0.001 - 0.0004) * 4 / 9), 0.01 * 20**0.5]
    np.testing.assert_allclose(vol.sd(np.array([0.5, 1.0, 5.0, 20.0])), expected, rtol=1e-14)


def test_reference_lpi_without_volatility_clips_each_year():
    flat = Breakeven((1.0,), (0.03,))
    years = np.array([1.0, 2.0, 2.5])
    # Inside the band the uprating is the index; above the cap it is the cap compounded.
    still = YoYVolatility(yearly=0.0)
    inside = Indexation(floor=0.0, cap=0.05, volatility=still).uprating(flat.rate, years)
    np.testing.assert_allclose(inside, 1.03**years, rtol=1e-15)
    capped = Indexation(floor=0.0, cap=0.025, volatility=still).uprating(flat.rate, years)
    np.testing.assert_allclose(capped, 1.025**years, rtol=1e-15)
    lagged = Indexation(lag=0.25).uprating(flat.rate, years)
    np.testing.assert_allclose(lagged, 1.03 ** (years - 0.25), rtol=1e-15)


def test_reference_wedge_curve_averages_the_step_forward_wedge():
    """W(t) by hand: the area under the step forward wedge up to t, over t; c = b - W."""
    rpi = Breakeven((1.0,), (0.033,))
    cpi = Wedge(rpi, (0.0, 4.09), (0.010, 0.0))  # the default problem's 2030 step
    t = np.array([0.0, 2.0, 4.09, 8.18, 40.9])
    # W = 1% up to the step, then 1% x 4.09 / t: half at 8.18, a tenth at 40.9; W(0) = 1%.
    wedge = np.array([0.01, 0.01, 0.01, 0.005, 0.001])
    np.testing.assert_allclose(cpi.average(t), wedge, rtol=1e-14)
    np.testing.assert_allclose(cpi.rate(t), 0.033 - wedge, rtol=1e-14)
    steps = Wedge(rpi, (0.0, 2.0, 5.0), (0.01, 0.005, -0.002))
    # W(4) = (2 x 1% + 2 x 0.5%) / 4; W(10) = (2 x 1% + 3 x 0.5% - 5 x 0.2%) / 10.
    got = steps.average(np.array([1.0, 2.0, 4.0, 10.0]))
    np.testing.assert_allclose(got, [0.01, 0.01, 0.0075, 0.0025], rtol=1e-14)
    # Built from the file, the default problem's cpi is its rpi less that wedge.
    curves = build_curves(raw_problem()["curves"])
    np.testing.assert_allclose(curves["cpi"].rate(t), curves["rpi"].rate(t) - wedge, rtol=1e-14)


def test_reference_book_in_tranches_is_the_sum_of_its_tranches():
    """The default scheme's tranches add up to its total, and each is its rows valued alone.

    The CPI tranche is checked against a plain stream of its rows on a breakeven curve that
    tabulates c(n) = b_rpi(n) - W(n) at whole years (its flows fall on whole years with no
    lag, so LPI reads the curve there only), priced on RPI's caplet volatilities (CPI has
    none of its own). And a book whose tranches share one rule is the book without tranches
    under that rule. Tolerance MONEY_RTOL of the book (rounding only).
    """
    ref = reference(DEFAULT_PROBLEM)
    scale, table = book_scale(ref), ref.liabilities
    money = ["pv", "pv01", "ie01", *map(pv01_column, DEFAULT_KEYS), *map(ie01_column, DEFAULT_KEYS)]
    for parts in (["pre_1997", "rpi_lpi_5", "cpi_2_5"], ["fixed", "inflation_linked"]):
        got = table.loc[parts, money].sum()
        close(got, table.loc["total", money], MONEY_RTOL * scale, f"{parts}")
    assert table.loc["pre_1997", "ie01"] == 0.0  # fixed pensions

    raw = raw_problem()
    rows = pd.read_csv(raw["liabilities"]["cashflows"]).query("tranche == 'cpi_2_5'")
    assert (rows["time"] % 1 == 0).all()
    curves = build_curves(raw["curves"])
    years = np.arange(1.0, rows["time"].max() + 1.0)
    tabulated = Breakeven(
        tuple(years), tuple(curves["rpi"].rate(years) - curves["cpi"].average(years))
    )
    vols = raw["market"]["inflation_volatility"]["rpi"]
    caplets = YoYVolatility("normal", tuple(vols["expiries"]), tuple(vols["volatilities"]))
    basis = Nominal(tuple(GILTS["tenors"]), tuple(GILTS["rates"]), "annual", 0.005)
    alone = Stream(
        rows["time"].to_numpy(dtype=float),
        rows["fixed"].to_numpy(dtype=float),
        rows["inflation_linked"].to_numpy(dtype=float),
        basis,
        0.0,
        tabulated,
        Indexation(floor=0.0, cap=0.025, volatility=caplets),
    ).risk(DEFAULT_KEYS)
    for column in money:
        close(alone[column], table.loc["cpi_2_5", column], MONEY_RTOL * scale, column)

    shared = raw_problem()
    rule = {"floor": 0.0, "cap": 0.05}
    shared["liabilities"]["tranches"] = dict.fromkeys(shared["liabilities"]["tranches"], rule)
    single = raw_problem()
    section = single["liabilities"]
    del section["tranches"]
    section["indexation"] = rule
    rows = pd.read_csv(section["cashflows"]).drop(columns="tranche")  # a file without tranches
    section["cashflows"] = rows.to_dict(orient="records")
    in_tranches = reference_from_raw(shared, DEFAULT_PROBLEM.parent).liabilities.loc["total"]
    as_one = reference_from_raw(single, DEFAULT_PROBLEM.parent).liabilities.loc["total"]
    close(in_tranches[money], as_one[money], MONEY_RTOL * scale, "one rule")


def test_reference_bootstrap_reprices_every_par_swap():
    raw = raw_problem(DEFAULT_PROBLEM)["curves"]["sonia"]
    curve = bootstrap(raw["tenors"], raw["rates"], 1, "annual")
    for tenor, quote in zip(raw["tenors"], raw["rates"], strict=True):
        t, accruals = swap_leg(tenor, 1)
        df = curve.df(t)
        assert (1 - df[-1]) / (accruals @ df) == pytest.approx(quote, abs=1e-13)


# --- ldi against the reference ----------------------------------------------------------------


def test_liability_table_matches_reference(case):
    sheet, ref, scale = case
    expected = ref.liabilities.loc[sheet.liabilities.index, sheet.liabilities.columns]
    assert list(sheet.liabilities.index) == list(ref.liabilities.index)
    for column in sheet.liabilities:
        if column in ("duration", "convexity"):
            continue
        close(sheet.liabilities[column], expected[column], MONEY_RTOL * scale, column)
    pv = ref.liabilities["pv"].abs().to_numpy()
    with np.errstate(divide="ignore"):
        close(sheet.liabilities["duration"], expected["duration"], MONEY_RTOL * scale / pv / H)
        close(sheet.liabilities["convexity"], expected["convexity"], MONEY_RTOL * scale / pv / H**2)


def test_instrument_exposures_per_unit_match_reference(case):
    sheet, ref, _ = case
    exposures = sheet.instruments.exposures
    expected = ref.instruments.loc[exposures.index, exposures.columns]
    assert list(exposures.index) == list(ref.instruments.index)
    for column in exposures:
        if column not in ("duration", "convexity"):
            close(exposures[column], expected[column], MONEY_RTOL * UNIT_SCALE, column)
    overlay = (ref.terms["role"] == "overlay").to_numpy()
    basis = np.where(overlay, 1.0, np.abs(ref.instruments["pv"].to_numpy()))
    close(exposures["duration"], expected["duration"], MONEY_RTOL * UNIT_SCALE / basis / H)
    close(exposures["convexity"], expected["convexity"], MONEY_RTOL * UNIT_SCALE / basis / H**2)


def test_instrument_terms_match_reference(case):
    sheet, ref, _ = case
    terms = sheet.instruments.terms
    expected = ref.terms.reindex(index=terms.index, columns=terms.columns)
    text = ["kind", "role", "category", "priced_from", "collateral"]
    for column in text:
        if column in terms:
            assert terms[column].fillna("-").tolist() == expected[column].fillna("-").tolist()
    atol = {"clean_price": PRICE_ATOL, "dirty_price": PRICE_ATOL, "spread_bp": SPREAD_ATOL_BP}
    for column in terms.columns.difference(text):
        # Rates (par swap and repo rates) are ratios of DFs: 1e-14 of rounding each.
        close(
            terms[column].astype(float),
            expected[column].astype(float),
            atol.get(column, 1e-13),
            column,
        )


def test_holdings_are_positions_times_per_unit_exposures(case):
    sheet, ref, scale = case
    assets = sheet.assets
    assert list(assets.index) == list(ref.holdings.index)
    assert assets["kind"].tolist() == ref.terms.loc[assets.index, "kind"].tolist()
    assert assets["role"].tolist() == ref.terms.loc[assets.index, "role"].tolist()
    close(assets["position"], ref.holdings["position"], 0.0)
    for column in ["cs01", *MONEY]:
        close(assets[column], ref.holdings[column], MONEY_RTOL * scale, column)


def test_funding_ratio_surplus_and_hedge_ratios_match_reference(case):
    sheet, ref, scale = case
    f = ref.funding()
    close(sheet.asset_totals["pv"], f["assets"], MONEY_RTOL * scale)
    close(sheet.liability_totals["pv"], f["liabilities"], MONEY_RTOL * scale)
    close(sheet.surplus, f["surplus"], MONEY_RTOL * scale)
    close(
        sheet.funding_ratio,
        f["funding_ratio"],
        ratio_atol(scale, f["liabilities"], f["funding_ratio"]),
    )
    liabilities = ref.liabilities.loc["total"]
    for risk, name in (("pv01", "rates"), ("ie01", "inflation")):
        expected = f[f"{name}_hedge_ratio"]
        close(
            sheet.hedge_ratios[name], expected, ratio_atol(scale, liabilities[risk], expected), name
        )


def test_bucket_table_matches_reference(case):
    sheet, ref, scale = case
    buckets, expected = sheet.buckets(), ref.buckets()
    assert list(buckets.columns) == list(expected.columns)
    close(buckets.index, expected.index, 0.0)
    for risk, hedge in (("pv01", "rates_hedge_ratio"), ("ie01", "inflation_hedge_ratio")):
        for column in (f"liability_{risk}", f"asset_{risk}", f"gap_{risk}"):
            close(buckets[column], expected[column], 2 * MONEY_RTOL * scale, column)
        atol = ratio_atol(scale, expected[f"liability_{risk}"], expected[hedge])
        close(buckets[hedge], expected[hedge], atol, hedge)


def test_default_problem_is_the_scheme_its_file_describes(default):
    # The file describes a scheme hedging about 65% of its rate and 70% of its inflation
    # risk; pinned loosely so that a change to the problem or the model is noticed and
    # reviewed (the reference above, not these literals, is the oracle).
    sheet, _, _ = default
    assert sheet.funding_ratio == pytest.approx(0.965, abs=0.005)
    assert sheet.hedge_ratios["rates"] == pytest.approx(0.653, abs=0.005)
    assert sheet.hedge_ratios["inflation"] == pytest.approx(0.704, abs=0.005)


# --- internal consistency ---------------------------------------------------------------------


def test_asset_key_rate_pv01s_sum_to_the_pv01_within_the_central_difference_bound(case):
    sheet, ref, scale = case
    totals = sheet.asset_totals
    gap = sum(totals[pv01_column(k)] for k in DEFAULT_KEYS) - totals["pv01"]
    bound = ref.asset_key_rate_bound() * (1 + BOUND_SLACK) + MONEY_RTOL * scale
    assert abs(gap) <= bound
    # The buckets carry the same sums.
    assert sheet.buckets()["asset_pv01"].sum() == pytest.approx(totals["pv01"], abs=bound)


def test_liability_key_rate_pv01s_sum_to_the_pv01_within_the_central_difference_bound(case):
    sheet, ref, scale = case
    total = sheet.liability_totals
    gap = sum(total[pv01_column(k)] for k in DEFAULT_KEYS) - total["pv01"]
    bound = ref.liability_key_rate_bound * (1 + BOUND_SLACK) + MONEY_RTOL * scale
    assert bound < 1e-5 * total["pv01"]  # a few pounds on millions per bp
    assert abs(gap) <= bound
    assert sheet.buckets()["liability_pv01"].sum() == pytest.approx(total["pv01"], abs=bound)


def test_gaps_are_assets_minus_liabilities_and_ratios_their_quotient(default):
    sheet, _, _ = default
    buckets = sheet.buckets()
    for risk, hedge in (("pv01", "rates_hedge_ratio"), ("ie01", "inflation_hedge_ratio")):
        asset, liability = buckets[f"asset_{risk}"], buckets[f"liability_{risk}"]
        np.testing.assert_array_equal(buckets[f"gap_{risk}"], asset - liability)
        np.testing.assert_allclose(buckets[hedge], asset / liability, rtol=1e-15)
    assert sheet.surplus == sheet.asset_totals["pv"] - sheet.liability_totals["pv"]


# --- synthetic problems with exact answers ----------------------------------------------------


def without_holdings(keep_instruments: bool) -> dict:
    raw = raw_problem(DEFAULT_PROBLEM)
    raw["holdings"] = {}
    if not keep_instruments:
        # Without a universe there is nothing to decide: the decision sections go too.
        raw["instruments"] = []
        for section in ("groups", "objective", "constraints", "collateral"):
            raw.pop(section, None)
    return raw


@pytest.mark.parametrize("keep_instruments", [True, False], ids=["universe", "no-universe"])
def test_no_holdings_means_zero_funding_and_zero_hedge_ratios(keep_instruments):
    sheet = balance_sheet(load_problem(without_holdings(keep_instruments)))
    reference_liabilities = reference(DEFAULT_PROBLEM).liabilities.loc["total", "pv"]
    assert isinstance(sheet, BalanceSheet)
    assert len(sheet.assets) == 0
    assert sheet.funding_ratio == 0.0
    assert sheet.hedge_ratios == {"rates": 0.0, "inflation": 0.0}
    assert sheet.surplus == pytest.approx(-reference_liabilities, rel=1e-14)
    buckets = sheet.buckets()
    assert (buckets[["asset_pv01", "asset_ie01"]] == 0).all().all()
    # Every default key has liability PV01 and IE01, so every bucket ratio is 0, not NaN.
    assert (buckets[["rates_hedge_ratio", "inflation_hedge_ratio"]] == 0).all().all()


def assert_replicated(sheet: BalanceSheet, risks: tuple[str, ...]) -> None:
    """Funding ratio 1, hedge ratio 1 and zero gaps in every bucket, to rounding.

    The book's gross value is at most 3x the liabilities (strips, plus swap legs that pay up
    to (1 + K)^T ~ 3 per unit), so every money number is held to MONEY_RTOL of that.
    """
    liabilities = sheet.liability_totals
    scale = 3 * liabilities["pv"]
    close(sheet.funding_ratio, 1.0, ratio_atol(scale, liabilities["pv"], 1.0), "funding ratio")
    buckets = sheet.buckets()
    for risk in risks:
        name = {"pv01": "rates", "ie01": "inflation"}[risk]
        close(sheet.hedge_ratios[name], 1.0, ratio_atol(scale, liabilities[risk], 1.0), name)
        atol = ratio_atol(scale, buckets[f"liability_{risk}"], 1.0)
        close(buckets[f"{name}_hedge_ratio"], 1.0, atol, f"{name} buckets")
        close(buckets[f"gap_{risk}"], 0.0, MONEY_RTOL * scale, f"{risk} gaps")


GILTS = raw_problem(DEFAULT_PROBLEM)["curves"]["gilts"]
RPI = raw_problem(DEFAULT_PROBLEM)["curves"]["rpi"]
TIMES = [0.5, *range(1, 51), 12.5, 55.0]  # off-key times and beyond the last key too


def replicating_strips(spread: float) -> dict:
    """Fixed liabilities, each flow held as a strip on the same basis (market value a DF)."""
    amounts = {t: 1e6 * (1 + 0.1 * np.sin(t)) for t in TIMES}
    curve = Nominal(tuple(GILTS["tenors"]), tuple(GILTS["rates"]), "annual", spread)
    ids = {t: f"STRIP_{t:g}" for t in TIMES}
    return {
        "ldi": 1,
        "name": "replicated",
        "curves": {"gilts": GILTS},
        "liabilities": {
            "discount_curve": "gilts",
            "spread": spread,
            "cashflows": [{"time": float(t), "fixed": a} for t, a in amounts.items()],
        },
        "instruments": [
            {"id": ids[t], "kind": "zero_coupon_bond", "maturity": float(t), "spread": spread}
            for t in TIMES
        ],
        "holdings": {
            ids[t]: float(a * curve.df(np.array([float(t)]))[0]) for t, a in amounts.items()
        },
    }


@pytest.mark.parametrize("spread", [0.0, 0.005])
def test_strips_replicating_the_liabilities_hedge_exactly(spread):
    raw = replicating_strips(spread)
    sheet = balance_sheet(load_problem(raw))
    assert_replicated(sheet, ("pv01",))
    assert np.isnan(sheet.hedge_ratios["inflation"])  # no inflation risk either side
    # The reference agrees on the book it is given.
    ref = reference_from_raw(raw, DEFAULT_PROBLEM.parent)
    assert ref.funding()["rates_hedge_ratio"] == pytest.approx(1.0, abs=1e-12)


def test_strips_plus_inflation_swaps_replicate_linked_liabilities():
    # A real amount a at T pays a I(T)/I(0). A strip paying a (1 + K)^T plus a zero-coupon
    # inflation swap of notional a (receive I(T)/I(0), pay (1 + K)^T) pays exactly that.
    times = list(range(1, 51))
    real = {t: 2e6 * (1 + 0.2 * np.cos(t)) for t in times}
    gilts = Nominal(tuple(GILTS["tenors"]), tuple(GILTS["rates"]))
    b = Breakeven(tuple(RPI["tenors"]), tuple(RPI["rates"]))
    raw = {
        "ldi": 1,
        "name": "replicated linked",
        "curves": {"gilts": GILTS, "rpi": RPI},
        "liabilities": {
            "discount_curve": "gilts",
            "inflation_curve": "rpi",
            "cashflows": [{"time": float(t), "inflation_linked": a} for t, a in real.items()],
        },
        "instruments": [
            *(
                {"id": f"STRIP_{t}", "kind": "zero_coupon_bond", "maturity": float(t)}
                for t in times
            ),
            *(
                {"id": f"RPI_{t}", "kind": "inflation_swap", "maturity": float(t), "curve": "gilts"}
                for t in times
            ),
        ],
        "holdings": {
            **{
                f"STRIP_{t}": float(a * (1 + b.rate(t)) ** t * gilts.df(np.array([float(t)]))[0])
                for t, a in real.items()
            },
            **{f"RPI_{t}": a for t, a in real.items()},
        },
    }
    assert_replicated(balance_sheet(load_problem(raw)), ("pv01", "ie01"))


# --- hedge ratios on every basis ----------------------------------------------------------------

UFR_CURVE = {"kind": "smith_wilson", "ufr": 0.036, "last_liquid_point": 30, "alpha": 0.1}


def basis_problem():
    """The default scheme with hedging bases: gilts flat, SONIA, and a UFR curve on gilts."""
    raw = raw_problem()
    gilts = raw["curves"]["gilts"]
    raw["curves"]["uk_ufr"] = {**UFR_CURVE, "tenors": gilts["tenors"], "rates": gilts["rates"]}
    raw["liabilities"]["hedging_bases"] = {
        "gilts_flat": {"curve": "gilts"},
        "sonia": {"curve": "sonia", "spread": 0.001},
        "ufr": {"curve": "uk_ufr"},
    }
    return raw


def sw_key_pv01s(stream, tenors, rates, keys):
    """PV01 and key-rate PV01s on the UFR basis: inputs bumped, the package's curve refitted."""
    from tests.curves.test_ufr import sw_discount

    future = stream.t > 0
    t, money = stream.t[future], stream.money()[future]
    liquid = np.asarray(tenors) <= UFR_CURVE["last_liquid_point"]
    u, r = np.asarray(tenors)[liquid], np.asarray(rates)[liquid]

    def value(move):
        return float(money @ sw_discount(u, r + move, UFR_CURVE["ufr"], UFR_CURVE["alpha"], t))

    moves = [np.ones(u.size), *(np.interp(u, keys, np.eye(len(keys))[j]) for j in range(len(keys)))]
    return [(value(-H * m) - value(H * m)) / 2 for m in moves]


@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")
def test_hedge_ratios_on_every_basis_match_independent_valuations(default):
    """Each basis's liability PV01 (total and per key) and IE01 revalued independently.

    References: the reference module's stream of the liabilities' money flows discounted on
    gilts flat and on the bootstrapped SONIA curve + 10bp (numpy, 1bp central differences),
    and for the Smith–Wilson basis the ``smithwilson`` package refitted to the gilt inputs
    moved by 1bp (parallel, then by each key-rate triangle) up to the last liquid point,
    with alpha held. Assets' PV01s are the reference holdings'. Tolerance 1e-9 relative
    (the package is numpy matrix algebra; the rest is the reference's MONEY_RTOL).
    """
    raw = basis_problem()
    sheet = balance_sheet(load_problem(raw))
    _, ref, _ = default
    assets = ref.asset_totals
    stream = ref.liability_stream
    gilts, sonia = raw["curves"]["gilts"], raw["curves"]["sonia"]
    flat = Nominal(tuple(gilts["tenors"]), tuple(gilts["rates"]), gilts["compounding"])
    on_sonia = dataclasses.replace(
        bootstrap(sonia["tenors"], sonia["rates"], 1, "annual"), spread=0.001
    )
    expected = {"funding": stream.risk(DEFAULT_KEYS)}
    for name, curve in (("gilts_flat", flat), ("sonia", on_sonia)):
        expected[name] = stream.on(curve).risk(DEFAULT_KEYS)
    parallel, *keys = sw_key_pv01s(stream, gilts["tenors"], gilts["rates"], DEFAULT_KEYS)
    expected["ufr"] = {
        "pv01": parallel,
        **dict(zip(map(pv01_column, DEFAULT_KEYS), keys, strict=True)),
    }

    ratios, buckets = sheet.basis_hedge_ratios(), sheet.basis_buckets()
    assert list(ratios.index) == ["funding", "gilts_flat", "sonia", "ufr"]
    for name in ("funding", "gilts_flat", "sonia"):  # the inflation hedge on each basis
        want = assets["ie01"] / expected[name]["ie01"]
        assert ratios.loc[name, "inflation_hedge_ratio"] == pytest.approx(want, rel=1e-9), name
    for name, row in expected.items():
        want = assets["pv01"] / row["pv01"]
        assert ratios.loc[name, "rates_hedge_ratio"] == pytest.approx(want, rel=1e-9), name
        owed = np.array([row[pv01_column(k)] for k in DEFAULT_KEYS])
        held = np.array([assets[pv01_column(k)] for k in DEFAULT_KEYS])
        hedged = owed != 0  # no ratio where the liabilities carry no risk (NaN in ldi)
        assert np.isnan(buckets[name].to_numpy()[~hedged]).all(), name
        got = buckets[name].to_numpy()[hedged]
        np.testing.assert_allclose(got, held[hedged] / owed[hedged], rtol=1e-8, err_msg=name)
    # The UFR basis carries no risk beyond its last liquid point (30y is a key).
    assert expected["ufr"][pv01_column(40)] == pytest.approx(0.0, abs=1e-6)
    assert ratios.loc["ufr", "pv01"] < ratios.loc["gilts_flat", "pv01"]


def test_the_default_scheme_shows_its_hedge_on_the_funding_basis_and_on_sonia(default):
    sheet, _, _ = default
    ratios = sheet.basis_hedge_ratios()
    assert list(ratios.index) == ["funding", "sonia"]
    assert ratios.loc["funding", "rates_hedge_ratio"] == pytest.approx(sheet.hedge_ratios["rates"])
    # SONIA sits below gilts + 50bp: the liabilities are worth more and hedged less there.
    assert ratios.loc["sonia", "pv"] > ratios.loc["funding", "pv"]
    assert ratios.loc["sonia", "rates_hedge_ratio"] < ratios.loc["funding", "rates_hedge_ratio"]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda raw: raw["liabilities"].update(hedging_bases={"sonia": {"curve": "soina"}}),
            r"^liabilities.hedging_bases.sonia.curve: got 'soina'; expected the name of a "
            r"nominal curve, one of \['gilts', 'sonia'\]",
        ),
        (
            lambda raw: raw["liabilities"].update(hedging_bases={"infl": {"curve": "rpi"}}),
            r"^liabilities.hedging_bases.infl.curve: got 'rpi'; expected the name of a nominal",
        ),
        (
            lambda raw: raw["liabilities"].update(hedging_bases={"funding": {"curve": "gilts"}}),
            r"^liabilities.hedging_bases.funding: 'funding' is the name of the discount basis",
        ),
        (
            lambda raw: raw["curves"].update(
                aa={"kind": "spread", "base": "gilt", "tenors": [1], "spreads": [0.01]}
            ),
            r"^curves.aa.base: got 'gilt'; expected the name of a nominal curve",
        ),
        (
            lambda raw: raw["curves"].update(
                ufr={
                    **UFR_CURVE,
                    "tenors": [1, 20],
                    "rates": [0.03, 0.035],
                    "last_liquid_point": 60,
                }
            ),
            r"^curves.ufr.last_liquid_point: got 60.0; expected a tenor among the inputs, at most "
            r"20.0 \(the last input tenor\)",
        ),
    ],
    ids=["missing curve", "breakeven as basis", "funding", "spread base", "llp beyond data"],
)
def test_bad_bases_and_curves_are_named(edit, message):
    raw = raw_problem()
    edit(raw)
    with pytest.raises(SpecError, match=message):
        load_problem(raw)


# --- key-rate IE01 by index --------------------------------------------------------------------


def test_key_rate_ie01_by_index_is_what_each_index_reaches(default):
    """``cpi - rpi`` carries the CPI tranche alone; ``rpi`` both tranches and the RPI hedges.

    Reference: the reference's key-rate IE01s of each tranche and each holding, summed over
    what a move of the curve reaches (an instrument's index, else the market's, built on
    it); MONEY_RTOL of the book.
    """
    sheet, ref, scale = default
    table = sheet.index_buckets()
    market = ref.raw["market"]
    for curve, tranches in (("cpi", ["cpi_2_5"]), ("rpi", ["rpi_lpi_5", "cpi_2_5"])):
        held = [
            item["id"]
            for item in ref.raw["instruments"]
            if item["id"] in ref.holdings.index
            and curve
            in curve_lineage(ref.raw, item.get("inflation_curve") or market["inflation_curve"])
        ]
        for key in DEFAULT_KEYS:
            column = ie01_column(key)
            owed = sum(ref.liabilities.loc[t, column] for t in tranches)
            assets = ref.holdings.loc[held, column].sum()
            row = table.loc[(curve, f"{key:g}y")]
            close(row["liabilities"], owed, MONEY_RTOL * scale, f"{curve} {key}y liabilities")
            close(row["assets"], assets, MONEY_RTOL * scale, f"{curve} {key}y assets")
    assert set(table.index.get_level_values("curve")) == {"cpi", "rpi"}
