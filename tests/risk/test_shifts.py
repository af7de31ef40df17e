"""Scenario shifts and the key-rate IE01 columns of ``ldi.exposures``.

References: ``np.interp`` of each scenario row (linear between knots, flat outside: the
key-rate weights of docs/conventions.md), and a plain-numpy revaluation written here from the
conventions: annual zero rates and breakevens linear between pillars, DF = (1 + z(t))^−t,
index ratio (1 + b(τ))^τ at the fixing τ = max(t − lag, 0), LPI growth per year from
QuantLib's ``ql.blackFormula`` on forwards F_n = (1 + b(n))^n / (1 + b(n−1))^(n−1) of the
shifted breakevens. Key-rate bumps are ``tests.reference.triangle`` x 1bp, evaluated where
the breakeven is read: at the fixing time for plain indexation, at whole years for LPI.
"""

import math
import re

import numpy as np
import pytest
import QuantLib as ql

import ldi
from ldi import BreakevenCurve, Cashflows, DataError, ZeroCurve
from ldi.cashflows.indexation import Indexation
from ldi.curves.inflation_volatility import CapletVolatility
from ldi.risk.matrix import CashflowMatrix
from ldi.risk.revalue import revalue
from ldi.risk.shifts import Shifts
from tests.reference import triangle

H = 1e-4  # 1bp
KNOTS = [1.0, 5.0, 10.0, 30.0]
# Before the first knot, on knots, between them and after the last.
TIMES = np.array([0.0, 0.5, 1.0, 3.0, 5.0, 7.5, 10.0, 29.0, 30.0, 45.0])


def black(sigma: float) -> CapletVolatility:
    """A flat lognormal caplet volatility σ: year n's gross inflation has log-sd σ√n."""
    return CapletVolatility.flat(sigma, "lognormal")


# --- evaluation -----------------------------------------------------------------------------


def test_moves_are_each_row_interpolated_linearly_and_flat_outside():
    rng = np.random.default_rng(11)
    nominal, breakeven = rng.normal(0, 1e-3, (3, 4)), rng.normal(0, 1e-3, (3, 4))
    shifts = Shifts(KNOTS, nominal, breakeven)
    assert shifts.count == 3
    for got, rows in ((shifts.nominal_at(TIMES), nominal), (shifts.breakeven_at(TIMES), breakeven)):
        assert got.shape == (3, TIMES.size)
        expected = np.array([np.interp(TIMES, KNOTS, row) for row in rows])
        # Weights times moves against interp's own formula: a few ulps of a 1e-3 move.
        np.testing.assert_allclose(got, expected, rtol=1e-13, atol=1e-18)
    # Flat outside the knots, exactly the end values.
    np.testing.assert_array_equal(shifts.nominal_at([0.0, 0.5])[:, 0], nominal[:, 0])
    np.testing.assert_array_equal(shifts.nominal_at([45.0, 100.0])[:, 1], nominal[:, -1])


def test_one_knot_is_a_parallel_move():
    shifts = Shifts([10.0], [[0.002], [-0.001]], [[0.0005], [0.0]])
    expected = np.repeat([[0.002], [-0.001]], TIMES.size, axis=1)
    np.testing.assert_array_equal(shifts.nominal_at(TIMES), expected)
    np.testing.assert_array_equal(shifts.breakeven_at(TIMES)[1], np.zeros(TIMES.size))


def test_shifts_none_moves_nothing():
    none = Shifts.none()
    assert none.count == 1
    np.testing.assert_array_equal(none.nominal_at(TIMES), np.zeros((1, TIMES.size)))
    np.testing.assert_array_equal(none.breakeven_at(TIMES), np.zeros((1, TIMES.size)))


@pytest.mark.parametrize(
    ("knots", "nominal", "breakeven", "message"),
    [
        (
            KNOTS,
            np.zeros(4),
            np.zeros((1, 4)),
            "Shifts.nominal: got shape (4,); expected (scenarios, knots) = (S, 4)",
        ),
        (
            KNOTS,
            np.zeros((2, 3)),
            np.zeros((2, 4)),
            "Shifts.nominal: got shape (2, 3); expected (scenarios, knots) = (S, 4)",
        ),
        (
            KNOTS,
            np.zeros((2, 4)),
            np.zeros((2, 4, 1)),
            "Shifts.breakeven: got shape (2, 4, 1); expected (scenarios, knots) = (S, 4)",
        ),
        (
            KNOTS,
            np.zeros((2, 4)),
            np.zeros((3, 4)),
            # Rows must match nominal's 2; the rest of this message could say so.
            "Shifts.breakeven: got 3 scenarios; expected 2, one per row of Shifts.nominal",
        ),
        (
            [1.0, 5.0, 3.0],
            np.zeros((1, 3)),
            np.zeros((1, 3)),
            "Shifts.knots[2]: got 3.0 after 5.0; expected strictly increasing",
        ),
        (
            [-1.0, 5.0],
            np.zeros((1, 2)),
            np.zeros((1, 2)),
            "Shifts.knots[0]: got -1.0; expected a time of 0 or more years",
        ),
    ],
)
def test_bad_shapes_are_data_errors_naming_the_field(knots, nominal, breakeven, message):
    with pytest.raises(DataError, match=f"^{re.escape(message)}"):
        Shifts(knots, nominal, breakeven)


# --- revaluation against plain numpy --------------------------------------------------------

NOMINAL = {"tenors": [1.0, 5.0, 10.0, 30.0], "rates": [0.041, 0.043, 0.046, 0.044]}
INFLATION = {"tenors": [2.0, 20.0], "rates": [0.034, 0.031]}
LPI = Indexation(lag=0.25, floor=0.0, cap=0.05, volatility=black(0.01))
LAG = Indexation(lag=8 / 12)


def streams():
    return {
        "gilt": Cashflows(np.arange(1, 13) / 2 - 0.2, np.r_[np.full(11, 2.0), 102.0]),
        "rpi": Cashflows(
            [-0.5, 0.5, 3, 8, 15, 25, 45], [9, 10, 10, 9, 8, 6, 3], [5, 6, 6, 6, 5, 4, 2]
        ),
        "lagged": Cashflows([0.5, 4.5, 12.0, 33.0], [0, 0, 0, 0], [1.0, 2.0, 100.0, 50.0], LAG),
        "lpi": Cashflows([0.2, 1.0, 7.5, 18.25, 40.0], [0, 1, 0, 0, 0], [3, 3, 3, 3, 60], LPI),
    }


def growth(fwd: float, n: int, indexation: Indexation) -> float:
    """E[min(max(Y, 1 + floor), 1 + cap)], Y lognormal: mean ``fwd``, log-sd σ√n."""
    deviation = float(indexation.volatility.deviation(n))
    low, high = 1 + indexation.floor, 1 + indexation.cap
    return (
        low
        + ql.blackFormula(ql.Option.Call, low, fwd, deviation)
        - ql.blackFormula(ql.Option.Call, high, fwd, deviation)
    )


def uprating(indexation: Indexation, t: float, breakeven) -> float:
    """U(t) for breakeven function ``breakeven`` (scalar b(s)), written out year by year."""
    fixing = max(t - indexation.lag, 0.0)
    if indexation.floor is None and indexation.cap is None:
        return (1 + breakeven(fixing)) ** fixing
    k = math.floor(fixing)
    cumulative = [(1 + breakeven(n)) ** n if n else 1.0 for n in range(k + 2)]
    gs = [growth(cumulative[n] / cumulative[n - 1], n, indexation) for n in range(1, k + 2)]
    return math.prod(gs[:k]) * gs[k] ** (fixing - k)


def reference_value(cf: Cashflows, dz=lambda t: 0.0, db=lambda t: 0.0) -> float:
    """PV with zero rates moved by dz(t) and breakevens by db(t) (functions of time)."""

    def breakeven(s: float) -> float:
        return float(np.interp(s, INFLATION["tenors"], INFLATION["rates"])) + db(s)

    total = 0.0
    for t, fixed, linked in zip(cf.times, cf.amounts, cf.inflation_linked, strict=True):
        if t <= 0:
            continue
        df = (1 + float(np.interp(t, NOMINAL["tenors"], NOMINAL["rates"])) + dz(t)) ** -t
        total += fixed * df + (linked * uprating(cf.indexation, t, breakeven) * df if linked else 0)
    return total


def test_revalue_matches_numpy_under_scenario_moves():
    knots = [2.0, 10.0, 30.0]
    nominal = np.array([[0.0, 0.0, 0.0], [0.005, 0.005, 0.005], [-0.002, 0.0, 0.003]])
    breakeven = np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.004, -0.001, 0.002]])
    shifts = Shifts(knots, nominal, breakeven)
    flows = streams()
    matrix = CashflowMatrix.from_cashflows(flows)
    got = revalue(matrix, ZeroCurve(**NOMINAL), BreakevenCurve(**INFLATION), shifts)
    assert got.shape == (len(flows), 3)
    for i, cf in enumerate(flows.values()):
        for s in range(3):
            expected = reference_value(
                cf,
                dz=lambda t, row=nominal[s]: float(np.interp(t, knots, row)),
                db=lambda t, row=breakeven[s]: float(np.interp(t, knots, row)),
            )
            # Sums of at most a dozen powers and Black prices: a few ulps each.
            assert got[i, s] == pytest.approx(expected, rel=1e-12)


def test_shifts_none_revalues_to_the_present_value():
    flows = streams()
    curve, breakeven = ZeroCurve(**NOMINAL), BreakevenCurve(**INFLATION)
    got = revalue(CashflowMatrix.from_cashflows(flows), curve, breakeven, Shifts.none())
    assert got.shape == (len(flows), 1)
    for i, (name, cf) in enumerate(flows.items()):
        assert got[i, 0] == pytest.approx(reference_value(cf), rel=1e-12), name
        assert got[i, 0] == pytest.approx(ldi.pv(cf, curve, breakeven), rel=1e-14), name


# --- key-rate IE01 --------------------------------------------------------------------------

KEYS = [2.0, 5.0, 10.0, 20.0, 30.0]


def reference_ie01(cf: Cashflows, weight=lambda t: 1.0) -> float:
    """(PV(b + 1bp x w) − PV(b − 1bp x w)) / 2, nominal rates held."""
    up = reference_value(cf, db=lambda t: H * weight(t))
    down = reference_value(cf, db=lambda t: -H * weight(t))
    return (up - down) / 2


def key_weight(j: int):
    return lambda t: float(triangle(np.array([t], dtype=float), KEYS, j)[0])


@pytest.fixture(scope="module")
def table():
    flows = streams()
    return ldi.exposures(flows, ZeroCurve(**NOMINAL), BreakevenCurve(**INFLATION), keys=KEYS)


@pytest.mark.parametrize("name", ["gilt", "rpi", "lagged", "lpi"])
def test_key_rate_ie01_matches_numpy_triangle_bumps(table, name):
    cf = streams()[name]
    row = table.loc[name]
    # Same central differences on both sides: rounding eps / (h t) relative, so 1e-9 of
    # the stream's IE01 scale (PV x 1bp x its longest fixing).
    scale = abs(reference_value(cf)) * H * max(cf.times.max(), 1.0)
    assert row["ie01"] == pytest.approx(reference_ie01(cf), rel=1e-9, abs=1e-9 * scale)
    for j, key in enumerate(KEYS):
        expected = reference_ie01(cf, key_weight(j))
        got = row[f"ie01_{key:g}y"]
        assert got == pytest.approx(expected, rel=1e-9, abs=1e-9 * scale), f"{name} {key}y"
    if name == "gilt":
        assert (row[[f"ie01_{key:g}y" for key in KEYS]] == 0).all()
    else:
        assert row["ie01"] > 0


@pytest.mark.parametrize("name", ["rpi", "lagged"])
def test_key_rate_ie01s_sum_to_the_parallel_ie01(table, name):
    cf = streams()[name]
    row = table.loc[name]
    total = sum(row[f"ie01_{key:g}y"] for key in KEYS)
    # The weights sum to 1, so first-order terms agree exactly. Per flow, a central
    # difference is f'(0) h + f'''(ξ) h³ / 6 with f(x) = a DF (1 + b + x)^τ, so the gap is
    # at most h³ / 3 x max|f'''| over |x| <= h, with
    # f''' = a DF τ (τ − 1) (τ − 2) (1 + b + x)^(τ − 3). Plus rounding (1e-10 of IE01).
    fixing = np.maximum(cf.times - cf.indexation.lag, 0.0)
    live = cf.times > 0
    tau, a = fixing[live], cf.inflation_linked[live]
    b = np.interp(tau, INFLATION["tenors"], INFLATION["rates"])
    df = (1 + np.interp(cf.times[live], NOMINAL["tenors"], NOMINAL["rates"])) ** -cf.times[live]
    peak = np.maximum((1 + b + H) ** (tau - 3), (1 + b - H) ** (tau - 3))
    bound = np.sum(a * df * np.abs(tau * (tau - 1) * (tau - 2)) * peak) * H**3 / 3
    assert abs(row["ie01"] - total) <= bound + 1e-10 * row["ie01"]
    assert bound < 1e-5 * row["ie01"]  # the bound is tight: third order in 1bp
