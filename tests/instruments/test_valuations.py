"""Valuations: a universe's valuations as columns, and the tables read from them.

References: each instrument's own ``Instrument.value`` (the columns must give back the same
valuation, unit by unit), and the terms table built from those valuations row by row, as
records (the columns must give the same table, column order and types included). The
money flows of the stacked streams: those of the streams given one by one (exact).
"""

import re

import numpy as np
import pandas as pd
import pytest

from ldi import BreakevenCurve, DataError, Market, ZeroCurve
from ldi.instruments import (
    Bond,
    Cash,
    IndexLinkedBond,
    InterestRateSwap,
    Repo,
    ReturnSeeking,
    Valuations,
    ZeroCouponBond,
    instrument_risk,
    value_universe,
)
from ldi.instruments.pricing import stacked_money_flows

KEYS = [1.0, 5.0, 10.0, 30.0]
GILTS = ZeroCurve([1, 5, 10, 30], [0.041, 0.042, 0.045, 0.044], compounding="annual")
CREDIT = ZeroCurve([1, 5, 10, 30], [0.052, 0.051, 0.054, 0.057], compounding="continuous")
RPI = BreakevenCurve([2, 10, 30], [0.036, 0.034, 0.031])
MARKET = Market(
    curves={"gilts": GILTS, "credit": CREDIT, "rpi": RPI}, nominal="gilts", inflation="rpi"
)
# Kinds interleaved, so that the columns are reordered back into the universe's order.
UNIVERSE = [
    Cash(id="CASH", rate=0.04),
    Bond(id="UKT_2035", coupon=0.04, maturity=10.4, price=98.5),
    ReturnSeeking(id="GROWTH", expected_return=0.065, volatility=0.16, rates_duration=2.5),
    ZeroCouponBond(id="STRIP_2055", maturity=30.0, spread=0.002),
    Bond(id="CORP_2031", coupon=0.055, maturity=6.2, price=101.0, curve="credit", credit=True),
    InterestRateSwap(id="SWAP_30Y", tenor=30.0),
    IndexLinkedBond(id="UKTI_2045", coupon=0.00125, maturity=20.3, index_ratio=1.42, price=97.0),
    Repo(id="REPO_3M", collateral="UKT_2035", term=0.25, haircut=0.02),
    Bond(id="UKT_2028", coupon=0.0125, maturity=2.6, spread=-0.0005),
]


def assert_same_valuation(ours, reference) -> None:
    for name in ("times", "amounts", "inflation_linked"):
        assert np.array_equal(getattr(ours.stream, name), getattr(reference.stream, name))
    assert ours.stream.indexation == reference.stream.indexation
    assert ours.curve is reference.curve
    assert ours.breakeven is reference.breakeven
    for name in ("spread", "settled", "credit", "stated", "expected_return"):
        assert getattr(ours, name) == getattr(reference, name), name
    if reference.floating is None:
        assert ours.floating is None
    else:  # a leg of its own each time the instrument is valued: the same terms
        assert vars(ours.floating).keys() == vars(reference.floating).keys()
        for name, value in vars(reference.floating).items():
            assert getattr(ours.floating, name) == value, name
    assert dict(ours.quote) == dict(reference.quote)
    assert [type(v) for v in ours.quote.values()] == [type(v) for v in reference.quote.values()]


def test_each_unit_is_its_instruments_own_valuation():
    valued = value_universe(UNIVERSE, MARKET)
    assert isinstance(valued, Valuations)
    assert len(valued) == len(UNIVERSE)
    for ours, instrument in zip(valued, UNIVERSE, strict=True):
        assert_same_valuation(ours, instrument.value(MARKET))


def test_columns_of_given_valuations_read_back_unit_by_unit():
    alone = [instrument.value(MARKET) for instrument in UNIVERSE]
    columns = Valuations.of(alone)
    for ours, reference in zip(columns, alone, strict=True):
        assert_same_valuation(ours, reference)
    order = np.array([8, 0, 4, 4, 2])
    for ours, k in zip(columns.take(order), order, strict=True):
        assert_same_valuation(ours, alone[k])
    joined = Valuations.concat([columns.take(order[:2]), Valuations.of(alone[5:])])
    for ours, reference in zip(joined, [alone[8], alone[0], *alone[5:]], strict=True):
        assert_same_valuation(ours, reference)


def test_terms_table_is_the_valuations_records():
    risk = instrument_risk(UNIVERSE, MARKET, KEYS)
    records = []
    for instrument in UNIVERSE:
        valuation = instrument.value(MARKET)
        times = valuation.stream.times
        record = {
            "kind": type(instrument).kind,
            "role": type(instrument).role.value,
            "category": instrument.category,
            "maturity": float(times.max()) if times.size else float("nan"),
        }
        records.append(record | dict(valuation.quote))
    expected = pd.DataFrame(records, index=pd.Index([i.id for i in UNIVERSE], name="id"))
    pd.testing.assert_frame_equal(risk.terms, expected, check_exact=True)


def test_tables_from_given_valuations_are_the_tables_valued_here():
    ours = instrument_risk(UNIVERSE, MARKET, KEYS)
    given = instrument_risk(UNIVERSE, MARKET, KEYS, [i.value(MARKET) for i in UNIVERSE])
    for name in ("exposures", "terms", "curves"):
        pd.testing.assert_frame_equal(getattr(ours, name), getattr(given, name), check_exact=True)
    pd.testing.assert_series_equal(ours.discount_curves, given.discount_curves, check_exact=True)


def test_valuations_not_one_per_instrument_are_refused():
    valued = value_universe(UNIVERSE[:3], MARKET)
    message = "valued: got 3 valuations for 9 instruments; expected one per instrument"
    with pytest.raises(DataError, match=message):
        instrument_risk(UNIVERSE, MARKET, KEYS, valued)


def test_money_flows_of_the_stacked_streams_are_those_of_the_streams_one_by_one():
    valued = value_universe(UNIVERSE, MARKET)
    wheres = [instrument.where for instrument in UNIVERSE]
    stacked = stacked_money_flows(valued.streams, valued.breakeven, wheres)
    one_by_one = stacked_money_flows(list(valued.streams), list(valued.breakeven), wheres)
    for ours, reference in zip(stacked, one_by_one, strict=True):
        assert np.array_equal(ours, reference)
    linked = valued.take(np.array([0, 6]))  # cash, then the linker
    message = "instrument 'UKTI_2045': inflation-linked flows need a breakeven curve"
    with pytest.raises(DataError, match=f"^{re.escape(message)}$"):
        stacked_money_flows(linked.streams, [None, None], [wheres[0], wheres[6]])
