"""StackedCashflows: many streams end to end, against the streams one by one."""

import numpy as np

from ldi import Cashflows
from ldi.cashflows.indexation import Indexation
from ldi.cashflows.stacked import StackedCashflows

STREAMS = [
    Cashflows([0.5, 1.0, 1.5], [2.0, 2.0, 102.0]),
    Cashflows([], []),
    Cashflows([3.0], [0.0], [10.0], Indexation(lag=0.25)),
    Cashflows([-0.5, 2.0], [1.0, 101.0]),
]


def assert_same(stream: Cashflows, reference: Cashflows) -> None:
    for name in ("times", "amounts", "inflation_linked"):
        assert np.array_equal(getattr(stream, name), getattr(reference, name))
    assert stream.indexation is reference.indexation


def test_each_stream_reads_back_as_it_was_given():
    stacked = StackedCashflows.of(STREAMS)
    assert len(stacked) == len(STREAMS)
    assert stacked.sizes.tolist() == [3, 0, 1, 2]
    assert stacked.owner.tolist() == [0, 0, 0, 2, 3, 3]
    for stream, reference in zip(stacked, STREAMS, strict=True):
        assert_same(stream, reference)
        assert not stream.amounts.flags.writeable


def test_take_and_concat_are_the_streams_reordered_and_joined():
    stacked = StackedCashflows.of(STREAMS)
    order = np.array([3, 1, 0, 2, 0])
    for stream, k in zip(stacked.take(order), order, strict=True):
        assert_same(stream, STREAMS[k])
    joined = StackedCashflows.concat([stacked, StackedCashflows.of(STREAMS[:2])])
    for stream, reference in zip(joined, [*STREAMS, *STREAMS[:2]], strict=True):
        assert_same(stream, reference)


def test_scaled_is_each_stream_scaled():
    factors = np.array([0.5, 3.0, -2.0, 1.0 / 3.0])
    scaled = StackedCashflows.of(STREAMS).scaled(factors)
    for stream, reference, factor in zip(scaled, STREAMS, factors, strict=True):
        expected = reference.scaled(float(factor))
        assert np.array_equal(stream.amounts, expected.amounts)
        assert np.array_equal(stream.inflation_linked, expected.inflation_linked)
