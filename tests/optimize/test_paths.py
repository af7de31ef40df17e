"""A path's exposure tables (``path_data``) against the same book built as a problem there.

Reference: on flat curves (nominal R, breakeven B, annual compounding) with level-only
moves, a path at year-end y is a market whose curves are flat at R + Δ_y and B + e_y (flat
curves roll onto themselves), with index-linked amounts uprated by the index realised on
the path, Π_n (1 + B + e_n). So the aged book is an ordinary problem file written here: the
bond with y years less to run, the linker with its index ratio the realised uplift, the
swap with y years less at its original fixed rate, cash at its margin over the moved money
market (R + Δ_y), the liabilities' remaining benefits at t − y with their real amounts
times the realised uplift. Its ``model_data`` (exposures by
bumps and revaluation, the usual way) must equal the path's, per unit of position: the
path's data is per unit of today's position, the aged problem's per unit of today's value
there, so physical rows differ by the path's value per unit (exactly; overlays per unit of
notional need no factor); haircuts are those of the residual maturities at y
(``collateral_table`` aged by y). Tolerances: values and expected returns 1e-10 relative; PV01s
1e-6 (slopes against central differences of ±1bp, which differ by about τ² bp² / 6
relative: 4e-7 at 15 years), key-rate IE01s 1e-9 (central differences both; the path's
total IE01 is their sum, the problem's a parallel bump: 1e-6, the cross terms), curvature
1e-5 (analytic against a second difference of ±1bp); collateral coefficients 1e-10.
"""

import numpy as np
import pytest

import ldi
from ldi.liquidity.collateral import collateral_table
from ldi.optimize.data import model_data
from ldi.optimize.paths import path_data
from ldi.risk.factors import FACTORS, RiskModel
from ldi.scenarios.carry import Ledger
from ldi.scenarios.scenario import Move
from ldi.scenarios.simulation import CurveFactors, ScenarioModel

R, B = 0.04, 0.03
BENEFITS = [(t, 20.0e6 - t * 5.0e5, 10.0e6 + t * 2.0e5) for t in range(1, 26)]


def book(shift=0.0, breakeven=0.0, year=0, uplift=1.0, fixed_rate=None):
    """The problem file of the book on flat curves, aged ``year`` years on a path."""
    benefits = [
        {"time": float(t - year), "fixed": f, "inflation_linked": i * uplift}
        for t, f, i in BENEFITS
        if t > year
    ]
    swap = {"id": "SWAP", "kind": "interest_rate_swap", "tenor": 15 - year}
    if fixed_rate is not None:
        swap["fixed_rate"] = fixed_rate
    return {
        "ldi": 1,
        "name": "aged book",
        "curves": {
            "gilts": {"tenors": [1, 50], "rates": [R + shift, R + shift]},
            "rpi": {"kind": "breakeven", "tenors": [1, 50], "rates": [B + breakeven] * 2},
        },
        "liabilities": {
            "discount_curve": "gilts",
            "inflation_curve": "rpi",
            "cashflows": benefits,
        },
        "instruments": [
            {"id": "GILT", "kind": "bond", "coupon": 0.05, "maturity": 12 - year, "frequency": 1},
            {
                "id": "LINKER",
                "kind": "index_linked_bond",
                "coupon": 0.01,
                "maturity": 10 - year,
                "frequency": 1,
                "index_ratio": uplift,
            },
            swap,
            {"id": "CASH", "kind": "cash", "rate": R + shift},
            {"id": "EQ", "kind": "return_seeking", "expected_return": 0.06, "volatility": 0.15},
        ],
        "holdings": {"GILT": 1.0e8, "LINKER": 1.0e8, "SWAP": 5.0e7, "CASH": 1.0e7, "EQ": 1e8},
        "collateral": {"within_days": 5},
    }


def level_model() -> ScenarioModel:
    volatility = dict.fromkeys(FACTORS, 0.0) | {"rates": 90.0, "inflation": 50.0}
    curve = CurveFactors(np.array([1.0, 50.0]), np.array([[1.0, 1.0]]), np.array([90.0]))
    return ScenarioModel(risk=RiskModel(volatility=volatility), curve=curve)


@pytest.mark.parametrize("year", [1, 3, 6])
def test_a_paths_data_is_the_aged_book_built_as_a_problem(year):
    problem = ldi.load_problem(book())
    base = model_data(problem)
    ledger = Ledger(list(problem.instruments.values()), problem.market, problem.liabilities)
    annual = level_model().annual_moves(4, 9, year)
    ends = list(ledger.walk(annual))
    end = ends[-1]
    standing = ledger.standing(end)
    level = np.sum([m.nominal[:, 0] for m in annual], axis=0)
    inflation = np.cumsum([m.breakeven[:, 0] for m in annual], axis=0)
    units = np.array([1.0e8, 1.0e8, 5.0e7, 1.0e7, 1.0e8])
    for path in range(4):
        uplift = float(np.prod(1.0 + B + inflation[:, path]))
        aged_problem = ldi.load_problem(
            book(level[path], inflation[-1, path], year, uplift, fixed_rate=R)
        )
        aged = model_data(aged_problem)
        table = collateral_table(list(problem.instruments.values()), problem.collateral, year)
        data = path_data(base, ledger, end, standing, path, units, table=table)
        per_unit = np.where(aged.assets["role"] == "overlay", 1.0, data.assets["pv"])
        for column, rtol in (
            ("pv", 1e-10),
            ("expected_return", 1e-10),
            ("pv01", 1e-6),
            ("cs01", 1e-6),
            ("ie01", 1e-6),
            ("curvature", 1e-5),
        ):
            expected = aged.assets[column].to_numpy() * per_unit
            np.testing.assert_allclose(
                data.assets[column], expected, rtol=rtol, atol=1e-12, err_msg=column
            )
        np.testing.assert_allclose(
            data.key_matrix("pv01"), aged.key_matrix("pv01") * per_unit, rtol=1e-6, atol=1e-9
        )
        np.testing.assert_allclose(
            data.key_matrix("ie01"), aged.key_matrix("ie01") * per_unit, rtol=1e-9, atol=1e-9
        )
        for column, rtol in (
            ("pv", 1e-10),
            ("expected_return", 1e-10),
            ("pv01", 1e-6),
            ("ie01", 1e-6),
        ):
            assert data.liabilities[column] == pytest.approx(aged.liabilities[column], rel=rtol), (
                column
            )
        np.testing.assert_allclose(
            data.loadings.to_numpy(),
            aged.loadings.to_numpy() * per_unit[:, None],
            rtol=1e-6,
            atol=1e-9,
        )
        moves = [Move.of(nominal_bp=350.0), Move.of(breakeven_bp=-100.0)]
        available, need = data.collateral.coefficients(moves)
        aged_available, aged_need = aged.collateral.coefficients(moves)
        np.testing.assert_allclose(available, aged_available * per_unit, rtol=1e-10, atol=1e-9)
        np.testing.assert_allclose(need, aged_need * per_unit, rtol=1e-10, atol=1e-9)
        assert data.holdings.to_list() == units.tolist()
        flows = data.liability_flows
        np.testing.assert_allclose(flows.times, aged.liability_flows.times, atol=1e-12)
        np.testing.assert_allclose(
            flows.amounts.toarray(), aged.liability_flows.amounts.toarray(), rtol=1e-10
        )
