"""Exposures per curve: ``curve_exposures`` and ``InstrumentRisk.by_curve`` on a Market with bases.

Reference: a plain-numpy revaluation written here. Each stream is valued on its own curve's
annual zero rates z(t) (pillars interpolated linearly, flat outside; the AA curve adds its
spread to the gilts' rates): PV = Σ amount x (1 + z(t) + bump(t))^−t over flows at t > 0,
linked flows also x (1 + b(t) + bump(t))^t. PV01s are (PV(−1bp) − PV(+1bp)) / 2 of a
parallel bump and of 1bp x the key-rate triangle w_j (``tests.reference.triangle``); IE01s
are (PV(b + 1bp) − PV(b − 1bp)) / 2. A curve's ladder sums the PV01s of the streams on
every curve whose lineage, written out here as ``LINEAGES``, contains it.

Tolerance: 1e-10 relative, each row against its own scale (a stream's or curve's PV, PV01
or IE01), so that near-empty key buckets do not blow up the ratio. A 1bp central difference
carries a rounding error of about eps / (h t) of the PV01 (2e-12 at 1y).
"""

import re

import numpy as np
import pandas as pd
import pytest

from ldi import BreakevenCurve, Cashflows, DataError, Market, ZeroCurve
from ldi.curves import RateSpread
from ldi.curves.inflation import WedgeCurve
from ldi.instruments import Bond, InflationSwap, ZeroCouponBond, instrument_risk
from ldi.risk import curve_exposures
from ldi.risk.sensitivities import inflation_key_rate_column, key_label, key_rate_column
from tests.reference import triangle

H = 1e-4
TOL = 1e-10
KEYS = [2.0, 5.0, 10.0, 20.0, 30.0]
TENORS = np.array([1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 50.0])
PILLARS = {
    "gilts": np.array([0.040, 0.038, 0.039, 0.043, 0.048, 0.047, 0.044]),
    "sonia": np.array([0.039, 0.036, 0.035, 0.038, 0.041, 0.040, 0.038]),
    "usd": np.array([0.045, 0.042, 0.040, 0.041, 0.044, 0.045, 0.044]),
}
AA_KNOTS, AA_SPREADS = np.array([0.0, 10.0, 30.0]), np.array([0.006, 0.009, 0.011])
RPI_TENORS, RPI_RATES = np.array([5.0, 30.0]), np.array([0.032, 0.035])
CPI_RATE = 0.025
LINEAGES = {
    "aa": ("aa", "gilts"),
    "gilts": ("gilts",),
    "sonia": ("sonia", "gilts"),
    "usd": ("usd",),
}

GILTS = ZeroCurve(TENORS, PILLARS["gilts"], compounding="annual")
RPI = BreakevenCurve(RPI_TENORS, RPI_RATES)
MARKET = Market(
    curves={
        "gilts": GILTS,
        "sonia": ZeroCurve(TENORS, PILLARS["sonia"], compounding="annual"),
        "aa": GILTS.with_spread(RateSpread(AA_KNOTS, AA_SPREADS)),
        "usd": ZeroCurve(TENORS, PILLARS["usd"], compounding="annual"),
        "rpi": RPI,
        "cpi": BreakevenCurve.flat(CPI_RATE),
    },
    nominal="gilts",
    swap="sonia",
    inflation="rpi",
    bases={"sonia": "gilts", "aa": "gilts"},
)

HALF_YEARS = np.arange(1, 21) / 2
YEARS = np.arange(1.0, 61.0)
STREAMS = {
    "gilt_10y": Cashflows(HALF_YEARS, np.where(HALF_YEARS == 10, 102.0, 2.0)),
    "gilt_strip_35y": Cashflows([35.0], [100.0]),
    "sonia_fixed_leg": Cashflows(np.arange(1.0, 26.0), np.full(25, 3.5)),
    "sonia_seasoned": Cashflows([-0.25, 0.75, 3.0], [5.0, 5.0, 105.0]),
    "aa_bond": Cashflows(HALF_YEARS + 2, np.where(HALF_YEARS == 10, 102.5, 2.5)),
    "aa_liability": Cashflows(YEARS, 5.0 * (YEARS / 20) ** 2 * np.exp(2 - YEARS / 10)),
    "usd_note": Cashflows([0.3, 7.0, 28.0], [3.0, 3.0, 103.0]),
}
CURVE_OF = {
    "gilt_10y": "gilts",
    "gilt_strip_35y": "gilts",
    "sonia_fixed_leg": "sonia",
    "sonia_seasoned": "sonia",
    "aa_bond": "aa",
    "aa_liability": "aa",
    "usd_note": "usd",
}
LINKED = {
    "gilt_linker": (
        "gilts",
        Cashflows(np.arange(1.0, 21.0), np.zeros(20), inflation_linked=np.full(20, 1.5)),
    ),
    "sonia_mixed": ("sonia", Cashflows([4.0, 15.0, 40.0], [2.0, 0.0, 1.0], [0.0, 50.0, 60.0])),
    "usd_linker": ("usd", Cashflows([12.0], [0.0], inflation_linked=[100.0])),
}


# --- the reference --------------------------------------------------------------------------


def zero_rate(curve: str, t: np.ndarray) -> np.ndarray:
    """Annual zero rate of ``curve`` at ``t``: interpolated pillars, AA = gilts + spread."""
    if curve == "aa":
        return np.interp(t, TENORS, PILLARS["gilts"]) + np.interp(t, AA_KNOTS, AA_SPREADS)
    return np.interp(t, TENORS, PILLARS[curve])


def present_value(cf: Cashflows, z: np.ndarray, b: np.ndarray) -> float:
    """Σ (amount + real x (1 + b)^t) x (1 + z)^−t over the flows after 0."""
    t = cf.times[cf.times > 0]
    fixed, real = cf.amounts[cf.times > 0], cf.inflation_linked[cf.times > 0]
    return float(np.sum((fixed + real * (1 + b) ** t) * (1 + z) ** -t))


def reference_row(cf: Cashflows, z_of: np.ndarray, b_of=None) -> dict[str, float]:
    """PV, PV01, key-rate PV01s, IE01 and key-rate IE01s by central differences of 1bp.

    ``z_of`` and ``b_of`` give the zero rate and breakeven at the stream's flow times.
    """
    t = cf.times[cf.times > 0]
    z = z_of(t)
    b = np.zeros_like(t) if b_of is None else b_of(t)
    bumps = {"": np.ones_like(t)} | {
        f"_{key_label(k)}": triangle(t, KEYS, j) for j, k in enumerate(KEYS)
    }
    row = {"pv": present_value(cf, z, b)}
    for suffix, w in bumps.items():
        row[f"pv01{suffix}"] = (
            present_value(cf, z - H * w, b) - present_value(cf, z + H * w, b)
        ) / 2
        row[f"ie01{suffix}"] = (
            present_value(cf, z, b + H * w) - present_value(cf, z, b - H * w)
        ) / 2
    return row


def reference_table(streams, curve_of, b_of=None) -> pd.DataFrame:
    rows = {
        name: reference_row(cf, lambda t, c=curve_of[name]: zero_rate(c, t), b_of)
        for name, cf in streams.items()
    }
    return pd.DataFrame.from_dict(rows, orient="index")


def reference_ladder(table: pd.DataFrame, curve_of, curve: str, risk: str = "pv01") -> np.ndarray:
    """Σ of [total, key 1, ...] over the streams on curves whose lineage contains ``curve``."""
    reached = [name for name in table.index if curve in LINEAGES[curve_of[name]]]
    columns = [risk, *(f"{risk}_{key_label(k)}" for k in KEYS)]
    return table.loc[reached, columns].to_numpy().sum(axis=0)


def assert_rows_close(got: np.ndarray, want: np.ndarray, scale: np.ndarray, what: str) -> None:
    """|got − want| <= TOL x scale, row by row."""
    got, want = np.atleast_2d(got), np.atleast_2d(want)
    error = np.abs(got - want) / np.abs(np.atleast_1d(scale))[:, None]
    assert error.max() <= TOL, f"{what}: {error.max():.2e}"


def ladder_rows(ladder: pd.DataFrame, risk: str, curves) -> np.ndarray:
    columns = ["total", *(key_label(k) for k in KEYS)]
    return ladder[ladder["risk"] == risk].loc[list(curves), columns].to_numpy(dtype=float)


# --- curve_exposures ------------------------------------------------------------------------


def test_the_lineages_written_here_are_the_markets():
    assert {name: MARKET.lineage(name) for name in LINEAGES} == LINEAGES


def test_each_stream_is_valued_on_its_own_curve():
    table, _ = curve_exposures(STREAMS, CURVE_OF, MARKET, KEYS)
    want = reference_table(STREAMS, CURVE_OF)
    assert list(table.index) == list(STREAMS)
    assert table.index.name == "id"
    assert_rows_close(table["pv"].to_numpy()[:, None], want[["pv"]].to_numpy(), want["pv"], "pv")
    pv01s = ["pv01", *(key_rate_column(k) for k in KEYS)]
    assert_rows_close(table[pv01s].to_numpy(), want[pv01s].to_numpy(), want["pv01"], "pv01s")
    # Nominal flows only: no inflation risk.
    assert not table.filter(like="ie01").to_numpy().any()


def test_each_curves_ladder_sums_the_streams_it_reaches():
    table, ladder = curve_exposures(STREAMS, CURVE_OF, MARKET, KEYS)
    want = reference_table(STREAMS, CURVE_OF)
    expected = np.array([reference_ladder(want, CURVE_OF, name) for name in LINEAGES])
    assert_rows_close(ladder_rows(ladder, "pv01", LINEAGES), expected, expected[:, 0], "ladder")
    assert list(ladder.index[ladder["risk"] == "pv01"]) == sorted(LINEAGES)
    assert ladder.index.name == "curve"
    # Gilts reach every stream but the USD one: the sum of the streams' own PV01s.
    on_gilts = [name for name in STREAMS if CURVE_OF[name] != "usd"]
    assert ladder.loc["gilts", "total"] == pytest.approx(
        table.loc[on_gilts, "pv01"].sum(), rel=1e-14
    )


@pytest.mark.parametrize("curve", ["sonia", "aa"])
def test_a_curve_with_a_base_shows_its_spread_over_the_base(curve):
    """Bumping the spread s = z_curve − z_gilts, with the gilts held, of its streams only."""
    _, ladder = curve_exposures(STREAMS, CURVE_OF, MARKET, KEYS)
    on_curve = {name: cf for name, cf in STREAMS.items() if CURVE_OF[name] == curve}

    def spread_over_gilts(t):
        return zero_rate(curve, t) - zero_rate("gilts", t)

    want = pd.DataFrame.from_dict(
        {
            name: reference_row(cf, lambda t: zero_rate("gilts", t) + spread_over_gilts(t))
            for name, cf in on_curve.items()
        },
        orient="index",
    )
    columns = ["pv01", *(f"pv01_{key_label(k)}" for k in KEYS)]
    expected = want[columns].to_numpy().sum(axis=0)
    assert_rows_close(ladder_rows(ladder, "pv01", [curve]), expected, expected[:1], curve)


def test_breakeven_curves_get_ie01_rows():
    streams = {**STREAMS, **{name: cf for name, (_, cf) in LINKED.items()}}
    curve_of = {**CURVE_OF, **{name: curve for name, (curve, _) in LINKED.items()}}
    table, ladder = curve_exposures(streams, curve_of, MARKET, KEYS, breakeven=RPI)
    want = reference_table(streams, curve_of, lambda t: np.interp(t, RPI_TENORS, RPI_RATES))
    ie01s = ["ie01", *(inflation_key_rate_column(k) for k in KEYS)]
    linked = list(LINKED)
    assert_rows_close(
        table.loc[linked, ie01s].to_numpy(),
        want.loc[linked, ie01s].to_numpy(),
        want.loc[linked, "ie01"],
        "ie01s",
    )
    assert not table.loc[list(STREAMS), ie01s].to_numpy().any()
    # Linked flows move with the nominal curves too, breakevens held.
    expected = np.array([reference_ladder(want, curve_of, name) for name in LINEAGES])
    assert_rows_close(ladder_rows(ladder, "pv01", LINEAGES), expected, expected[:, 0], "pv01")
    # One IE01 row per breakeven curve: RPI reaches every stream it uprates; CPI none.
    assert list(ladder.index[ladder["risk"] == "ie01"]) == ["cpi", "rpi"]
    rpi = want[ie01s].to_numpy().sum(axis=0)
    assert_rows_close(ladder_rows(ladder, "ie01", ["rpi"]), rpi, rpi[:1], "rpi ladder")
    assert not ladder_rows(ladder, "ie01", ["cpi"]).any()


@pytest.mark.parametrize("name", ["libor", "rpi"])
def test_a_stream_on_a_curve_not_in_the_market_is_named(name):
    curve_of = {**CURVE_OF, "usd_note": name}
    message = (
        f"curves.usd_note: got '{name}'; expected the name of a nominal curve, "
        "one of ['aa', 'gilts', 'sonia', 'usd']"
    )
    with pytest.raises(DataError, match=f"^{re.escape(message)}$"):
        curve_exposures(STREAMS, curve_of, MARKET, KEYS)


# --- InstrumentRisk.by_curve ----------------------------------------------------------------

# Bonds priced on their curves (plus a spread), valued per unit of market value.
BONDS = {
    "strip_35y": (ZeroCouponBond(id="strip_35y", maturity=35.0, curve="gilts", spread=0.0), 0.0),
    "sonia_zero_20y": (ZeroCouponBond(id="sonia_zero_20y", maturity=20.0, curve="sonia"), 0.0),
    "aa_12y": (
        Bond(id="aa_12y", coupon=0.05, maturity=12.0, frequency=2, curve="aa", spread=0.004),
        0.004,
    ),
    "usd_8y": (ZeroCouponBond(id="usd_8y", maturity=8.0, curve="usd"), 0.0),
}
BOND_FLOWS = {
    "strip_35y": Cashflows([35.0], [100.0]),
    "sonia_zero_20y": Cashflows([20.0], [100.0]),
    "aa_12y": Cashflows(np.arange(1, 25) / 2, np.where(np.arange(1, 25) == 24, 102.5, 2.5)),
    "usd_8y": Cashflows([8.0], [100.0]),
}
BOND_CURVE = {"strip_35y": "gilts", "sonia_zero_20y": "sonia", "aa_12y": "aa", "usd_8y": "usd"}


@pytest.mark.parametrize(
    "positions",
    [None, pd.Series({"strip_35y": 2e6, "aa_12y": -5e5, "usd_8y": 1e6})],
    ids=["one unit each", "positions"],
)
def test_instrument_ladders_by_curve(positions):
    """Per unit of market value: each bond's PV01s over its PV, at its curve + its spread."""
    risk = instrument_risk([bond for bond, _ in BONDS.values()], MARKET, KEYS)
    rows = {
        name: reference_row(
            BOND_FLOWS[name], lambda t, c=BOND_CURVE[name], s=spread: zero_rate(c, t) + s
        )
        for name, (_, spread) in BONDS.items()
    }
    per_unit = pd.DataFrame.from_dict(rows, orient="index")
    per_unit = per_unit.div(per_unit["pv"], axis=0)
    held = pd.Series(1.0, index=list(BONDS)) if positions is None else positions
    money = per_unit.mul(held.reindex(per_unit.index, fill_value=0.0), axis=0)
    expected = np.array([reference_ladder(money, BOND_CURVE, name) for name in LINEAGES])
    got = ladder_rows(risk.by_curve(positions), "pv01", LINEAGES)
    # A curve no held bond reaches has an all-zero ladder: scale by the largest instead.
    scale = np.where(expected[:, 0] != 0, expected[:, 0], np.abs(expected[:, 0]).max())
    assert_rows_close(got, expected, scale, "by_curve")
    if positions is not None:
        assert not got[list(LINEAGES).index("sonia")].any()


def test_a_cpi_swap_reaches_cpi_and_rpi_and_an_rpi_swap_only_rpi():
    """CPI declared as RPI less a wedge: moving RPI moves both swaps, the wedge only CPI's.

    Reference: each swap's own IE01 (``instrument_risk``), summed by hand over the swaps
    each curve reaches; exact (the ladder adds the same numbers).
    """
    cpi = WedgeCurve.over(RPI, starts=(0.0, 4.09), wedges=(0.01, 0.0))
    market = Market(
        curves={"gilts": GILTS, "rpi": RPI, "cpi": cpi},
        nominal="gilts",
        inflation="rpi",
        bases={"cpi": "rpi"},
    )
    swaps = [
        InflationSwap(id="RPI_20Y", maturity=20.0),
        InflationSwap(id="CPI_20Y", maturity=20.0, inflation_curve="cpi"),
    ]
    risk = instrument_risk(swaps, market, KEYS)
    ladder = risk.by_curve(pd.Series({"RPI_20Y": 2.0, "CPI_20Y": 3.0}))
    ie01 = risk.exposures["ie01"]
    assert ie01["CPI_20Y"] > 0
    assert ie01["RPI_20Y"] > 0
    assert ladder.loc["rpi", "total"] == 2.0 * ie01["RPI_20Y"] + 3.0 * ie01["CPI_20Y"]
    assert ladder.loc["cpi", "total"] == 3.0 * ie01["CPI_20Y"]


def test_a_breakeven_curve_built_on_a_nominal_curve_is_refused():
    cpi = WedgeCurve.over(RPI, starts=(0.0,), wedges=(0.01,))
    message = "curves.cpi.base: got 'gilts'; expected the name of a breakeven curve, one of ['rpi']"
    with pytest.raises(DataError, match=f"^{re.escape(message)}$"):
        Market(curves={"gilts": GILTS, "rpi": RPI, "cpi": cpi}, bases={"cpi": "gilts"})
