"""Moves of one curve against another: named curves, curves built on others, bonds vs swaps.

References: closed forms. A zero-coupon bond paying 100 at T on a flat annual curve z is
worth 100 (1 + z + m)^-T after a zero-rate move m, so each test reads the move a curve saw
straight from the value ratio; tolerances 1e-12 relative (a few rounding steps).
"""

import numpy as np
import pytest

from ldi import Cashflows, Market, ReturnSeeking, ZeroCouponBond, ZeroCurve
from ldi.curves.spread import RateSpread
from ldi.errors import DataError
from ldi.liabilities import Liabilities
from ldi.scenarios import Move, Revaluation, liability_values
from ldi.units import BP, Compounding

Z = {"gilts": 0.045, "sonia": 0.040}
T = 20.0
RTOL = 1e-12


def market(bases: dict[str, str], **extra: str) -> Market:
    curves = {name: ZeroCurve.flat(rate) for name, rate in Z.items()}
    curves["aa"] = curves["gilts"].with_spread(RateSpread.parallel(0.01))
    return Market(curves, nominal="gilts", swap="sonia", bases={**bases, **extra})


def seen_bp(m: Market, move: Move) -> dict[str, float]:
    """The zero-rate move (bp) each curve saw, read off a 20y zero-coupon bond on it."""
    bonds = [ZeroCouponBond(id=name, maturity=T, curve=name) for name in ("gilts", "sonia", "aa")]
    before, after = Revaluation(bonds, m).values([Move(), move]).T
    rates = {"gilts": Z["gilts"], "sonia": Z["sonia"], "aa": Z["gilts"] + 0.01}
    return {
        bond.id: ((1 + rates[bond.id]) * (b / a) ** (1 / T) - 1 - rates[bond.id]) / BP
        for bond, b, a in zip(bonds, before, after, strict=True)
    }


LAYOUTS = {
    "independent": {},
    "sonia on gilts": {"sonia": "gilts"},
    "gilts on sonia": {"gilts": "sonia"},
}


@pytest.mark.parametrize("bases", LAYOUTS.values(), ids=LAYOUTS.keys())
def test_bonds_cheapening_against_swaps_moves_bonds_by_nominal_and_swaps_by_less(bases):
    seen = seen_bp(market(bases), Move.of(nominal_bp=10, bond_swap_bp=30))
    assert seen["gilts"] == pytest.approx(10, rel=RTOL)
    assert seen["sonia"] == pytest.approx(-20, rel=RTOL)
    assert seen["aa"] == pytest.approx(10, rel=RTOL)  # built on gilts: moves with them


def test_a_named_curve_moves_every_curve_built_on_it():
    seen = seen_bp(market({"sonia": "gilts"}, aa="gilts"), Move.of(curves_bp={"gilts": 20}))
    assert seen == pytest.approx({"gilts": 20, "sonia": 20, "aa": 20}, rel=RTOL)


def test_a_curve_with_a_base_moves_only_its_spread():
    seen = seen_bp(market({"sonia": "gilts"}), Move.of(nominal_bp=5, curves_bp={"sonia": -30}))
    assert seen == pytest.approx({"gilts": 5, "sonia": -25, "aa": 5}, rel=RTOL)


def test_an_independent_curve_moves_alone():
    seen = seen_bp(market({}), Move.of(curves_bp={"gilts": 20}))
    assert seen["sonia"] == pytest.approx(0, abs=1e-9)
    assert seen["aa"] == pytest.approx(0, abs=1e-9)  # a spread curve not declared as built on
    assert seen["gilts"] == pytest.approx(20, rel=RTOL)


def test_one_curve_for_bonds_and_swaps_has_no_bond_swap_move():
    curves = {"gilts": ZeroCurve.flat(Z["gilts"])}
    bond = ZeroCouponBond(id="G", maturity=T)
    values = Revaluation([bond], Market(curves, nominal="gilts")).values(
        [Move(), Move.of(bond_swap_bp=30)]
    )
    assert values[0, 1] == pytest.approx(values[0, 0], rel=RTOL)


def test_liabilities_move_with_the_curve_their_basis_is_built_on():
    m = market({"sonia": "gilts"})
    flows = Cashflows([T], [100.0])
    on_sonia = Liabilities(flows, m.curves["sonia"].shifted(50), curve="sonia")
    move = Move.of(nominal_bp=10, bond_swap_bp=30)
    before, after = liability_values(on_sonia, [Move(), move], m)
    rate = Z["sonia"] + 0.005
    assert after / before == pytest.approx(((1 + rate) / (1 + rate - 0.002)) ** T, rel=RTOL)


def test_a_loop_of_bases_is_named():
    with pytest.raises(DataError, match=r"^curves.gilts.base: sonia -> gilts -> sonia comes back"):
        market({"sonia": "gilts", "gilts": "sonia"})


def test_a_base_that_is_not_a_nominal_curve_is_named():
    with pytest.raises(DataError, match=r"^curves.sonia.base: got 'rpi'; expected the name of"):
        market({"sonia": "rpi"})


# --- bond-yield units --------------------------------------------------------------------------


@pytest.mark.parametrize("compounding", ["annual", "continuous"])
def test_a_yield_move_is_a_move_of_the_semiannual_yield(compounding):
    """A 30y gilt-like bond: its price after a 250bp rise in its gross redemption yield.

    Reference: the closed form Σ c_i (1 + (y + Δ)/2)^(-2 t_i) with y the semiannual yield of
    the flat curve (on a flat curve every zero-coupon yield is the bond's yield), 1e-12.
    """
    z = 0.045
    curve = ZeroCurve.flat(z, compounding)
    times = np.arange(0.5, 30.01, 0.5)
    amounts = np.full(times.size, 2.0)
    amounts[-1] += 100.0
    y = Compounding.SEMIANNUAL.from_continuous(Compounding(compounding).to_continuous(z, 1.0), 1.0)

    def price(yield_: float) -> float:
        return float(amounts @ (1 + yield_ / 2) ** (-2 * times))

    liabilities = Liabilities(Cashflows(times, amounts), curve, curve="gilts")
    m = Market({"gilts": curve}, nominal="gilts", yield_compounding=Compounding.SEMIANNUAL)
    before, in_yield, in_zero = liability_values(
        liabilities, [Move(), Move.of(nominal_bp=250, units="yield"), Move.of(nominal_bp=250)], m
    )
    assert before == pytest.approx(price(y), rel=RTOL)
    assert in_yield == pytest.approx(price(y + 0.025), rel=RTOL)
    if compounding == "annual":
        # 250bp of annual zero rate is 250 / (1 + y/2) = 244.6bp of semiannual yield: the
        # zero-rate shock falls short of the yield-quoted one by about 2% of the price fall.
        short = (before - in_zero) / (before - in_yield)
        assert short == pytest.approx(0.98, abs=0.005)


def test_stated_rate_durations_move_with_the_bond_curve_and_its_own_moves():
    """A growth asset with a stated rates duration of 10: first order on the bond curve.

    Reference: 1 − 10 × the bond curve's move (gilts here), exact; the risk report puts its
    PV01 on the gilt curve (and what is built on it), so the stresses agree with it.
    """
    asset = ReturnSeeking(id="PROPERTY", expected_return=0.05, volatility=0.1, rates_duration=10)
    m = market({"sonia": "gilts"})
    moves = [
        Move.of(curves_bp={"gilts": 30}),
        Move.of(curves_bp={"sonia": 30}),
        Move.of(nominal_bp=30, bond_swap_bp=30),
        Move.of(nominal_bp=30),
    ]
    values = Revaluation([asset], m).values(moves)[0]
    np.testing.assert_allclose(values, [0.97, 1.0, 0.97, 0.97], rtol=RTOL)
