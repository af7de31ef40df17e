"""value_all: a universe valued at once, priced bonds' spreads solved together.

The reference is Brent's method on each bond alone (Newton's steps turned off), which
``tests/instruments/test_bonds.py`` checks against QuantLib's zSpread; Newton's method on
the stacked flows must reach the same roots to 1e-15 (decimal spread).
"""

import numpy as np
import pytest

import ldi.instruments.pricing as pricing
from ldi import BreakevenCurve, DataError, Market, ZeroCurve
from ldi.instruments import Bond, Cash, IndexLinkedBond, ZeroCouponBond
from ldi.instruments.universe import value_all

GILTS = ZeroCurve([1, 5, 10, 30], [0.041, 0.040, 0.043, 0.046], compounding="annual")
CREDIT = ZeroCurve([1, 5, 10, 30], [0.052, 0.051, 0.054, 0.057], compounding="continuous")
RPI = BreakevenCurve([1, 5, 10, 30], [0.034, 0.033, 0.032, 0.031])
MARKET = Market(
    curves={"gilts": GILTS, "credit": CREDIT, "rpi": RPI}, nominal="gilts", inflation="rpi"
)


def universe(n=40):
    """Priced and spread-quoted bonds on two curves, linkers and cash, mixed in order."""
    rng = np.random.default_rng(7)
    instruments = [Cash(id="CASH")]
    for k in range(n):
        maturity = float(rng.uniform(2.0, 50.0))
        price = float(rng.uniform(60.0, 140.0))
        match k % 4:
            case 0:
                instruments.append(Bond(id=f"B{k}", coupon=0.04, maturity=maturity, price=price))
            case 1:
                instruments.append(
                    Bond(id=f"C{k}", coupon=0.05, maturity=maturity, price=price, curve="credit")
                )
            case 2:
                instruments.append(ZeroCouponBond(id=f"Z{k}", maturity=maturity, spread=0.003))
            case 3:
                instruments.append(
                    IndexLinkedBond(
                        id=f"L{k}",
                        coupon=0.005,
                        maturity=maturity,
                        price=price - 20,
                        index_ratio=1.3,
                    )
                )
    return instruments


def brent_alone(instruments, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(pricing, "NEWTON_STEPS", 0)
        return [instrument.value(MARKET) for instrument in instruments]


def counted_brent(patch):
    """Count Brent's method's calls (it still runs)."""
    calls, brentq = [], pricing.optimize.brentq

    def counted(*args, **kwargs):
        calls.append(args)
        return brentq(*args, **kwargs)

    patch.setattr(pricing.optimize, "brentq", counted)
    return calls


def test_the_universe_valued_at_once_is_each_bond_by_brent_alone(monkeypatch):
    instruments = universe()
    with monkeypatch.context() as patch:
        calls = counted_brent(patch)
        together = value_all(instruments, MARKET)
    assert calls == []  # Newton's method solved every bond
    alone = brent_alone(instruments, monkeypatch)
    assert [v.quote.get("priced_from") for v in together] == [
        v.quote.get("priced_from") for v in alone
    ]
    for ours, reference in zip(together, alone, strict=True):
        assert ours.spread == pytest.approx(reference.spread, abs=1e-15)
        assert ours.curve is reference.curve
        for key in ("clean_price", "dirty_price"):
            if key in reference.quote:
                assert ours.quote[key] == pytest.approx(reference.quote[key], rel=1e-13)
        assert ours.stream.amounts == pytest.approx(reference.stream.amounts, rel=1e-13)


@pytest.mark.parametrize("price", [40.0, 62.0, 100.0, 131.5, 160.0])
def test_newton_alone_reaches_brents_root_in_eight_steps(price, monkeypatch):
    """PV falls and is convex in the spread: 8 Newton steps from 0 suffice, no Brent."""

    def barred(*args, **kwargs):
        raise AssertionError("Brent's method was called")

    bond = Bond(id="B", coupon=0.045, maturity=27.3, price=price)
    with monkeypatch.context() as patch:
        patch.setattr(pricing, "NEWTON_STEPS", 8)
        patch.setattr(pricing.optimize, "brentq", barred)
        (newton,) = value_all([bond], MARKET)
    (brent,) = brent_alone([bond], monkeypatch)
    assert newton.spread == pytest.approx(brent.spread, abs=1e-15)


def test_bonds_newton_leaves_unfinished_are_finished_by_brent(monkeypatch):
    instruments = universe()
    with monkeypatch.context() as patch:
        patch.setattr(pricing, "NEWTON_STEPS", 2)  # too few for most
        calls = counted_brent(patch)
        unfinished = value_all(instruments, MARKET)
    assert len(calls) > 10
    alone = brent_alone(instruments, monkeypatch)
    for ours, reference in zip(unfinished, alone, strict=True):
        assert ours.spread == pytest.approx(reference.spread, abs=1e-15)


def test_a_price_no_spread_reaches_is_named_among_many():
    instruments = universe(8)
    instruments[5] = Bond(id="FAR", coupon=0.04, maturity=20.0, price=1.0)
    with pytest.raises(DataError, match=r"^instrument 'FAR'.price: 1.0 \(dirty .*\) implies"):
        value_all(instruments, MARKET)


def test_nothing_to_value():
    assert value_all([], MARKET) == []


def test_fixed_coupon_schedules_built_together_are_each_bonds_own():
    bonds = [b for b in universe() if isinstance(b, Bond)]
    together = Bond.bond_quotes(bonds, MARKET)
    for bond, quote in zip(bonds, together, strict=True):
        alone = bond.bond_quote(MARKET)
        assert np.array_equal(quote.flows.times, alone.flows.times)
        assert np.array_equal(quote.flows.amounts, alone.flows.amounts)
        assert np.array_equal(quote.flows.inflation_linked, alone.flows.inflation_linked)
        assert quote.accrued == alone.accrued
        assert quote.curve is alone.curve
        assert not quote.flows.times.flags.writeable


def test_a_bad_schedule_among_many_is_named():
    bonds = [b for b in universe(12) if isinstance(b, Bond)]
    bonds[3] = Bond(id="BAD", coupon=0.04, maturity=10.0, frequency=3, price=99.0)
    with pytest.raises(DataError, match=r"^instrument 'BAD'.frequency: got 3"):
        value_all(bonds, MARKET)
