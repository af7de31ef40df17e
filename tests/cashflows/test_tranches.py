"""Tranches: named streams indexed differently that read as one stream.

References: the parts' own arrays written out as literals here, concatenated part after
part in the order the parts were given. Every comparison is exact: no arithmetic is done
on the numbers, only copies.
"""

import re

import numpy as np
import pytest

from ldi import Cashflows, DataError, Indexation
from ldi.cashflows.tranches import E_NO_TRANCHES, Tranches, streams_of

FIXED = Cashflows([1.0, 5.0], [10.0, 12.0])
LPI = Cashflows([2.0, 12.0], [0.0, 1.0], [20.0, 25.0], Indexation(floor=0.0, cap=0.05))
CPI = Cashflows([3.0, 25.0, 40.0], [0.0, 0.0, 0.0], [15.0, 30.0, 8.0], Indexation(index="cpi"))


def tranches():
    return Tranches({"pre_1997": FIXED, "lpi_5": LPI, "cpi_25": CPI})


def test_tranches_read_as_one_stream_part_after_part():
    flows = tranches()
    np.testing.assert_array_equal(flows.times, [1.0, 5.0, 2.0, 12.0, 3.0, 25.0, 40.0])
    np.testing.assert_array_equal(flows.amounts, [10.0, 12.0, 0.0, 1.0, 0.0, 0.0, 0.0])
    np.testing.assert_array_equal(flows.inflation_linked, [0.0, 0.0, 20.0, 25.0, 15.0, 30.0, 8.0])
    assert len(flows) == 7
    assert flows.has_inflation_linked


def test_the_parts_keep_their_names_order_and_indexation():
    flows = tranches()
    assert list(flows.parts) == ["pre_1997", "lpi_5", "cpi_25"]
    assert flows.streams == (FIXED, LPI, CPI)
    assert [part.indexation for part in flows.streams] == [
        Indexation(),
        Indexation(floor=0.0, cap=0.05),
        Indexation(index="cpi"),
    ]
    assert streams_of(flows) == (FIXED, LPI, CPI)
    assert streams_of(FIXED) == (FIXED,)


def test_the_parts_cannot_be_changed_through_the_mapping_given():
    given = {"pre_1997": FIXED}
    flows = Tranches(given)
    given["lpi_5"] = LPI
    assert list(flows.parts) == ["pre_1997"]
    with pytest.raises(TypeError):
        flows.parts["lpi_5"] = LPI  # type: ignore[index]


def test_tranches_of_fixed_flows_only_have_no_inflation_linked_amounts():
    flows = Tranches({"pre_1997": FIXED, "later": Cashflows([7.0], [3.0])})
    assert not flows.has_inflation_linked
    np.testing.assert_array_equal(flows.inflation_linked, [0.0, 0.0, 0.0])


def test_map_changes_every_part_and_keeps_names_and_indexation():
    doubled = tranches().map(lambda part: part.scaled(2.0))
    assert isinstance(doubled, Tranches)
    assert list(doubled.parts) == ["pre_1997", "lpi_5", "cpi_25"]
    assert [part.indexation for part in doubled.streams] == [
        part.indexation for part in tranches().streams
    ]
    np.testing.assert_array_equal(doubled.times, tranches().times)
    np.testing.assert_array_equal(doubled.amounts, [20.0, 24.0, 0.0, 2.0, 0.0, 0.0, 0.0])
    np.testing.assert_array_equal(
        doubled.inflation_linked, [0.0, 0.0, 40.0, 50.0, 30.0, 60.0, 16.0]
    )


def test_no_parts_is_a_named_data_error():
    message = "Tranches: got no tranches; expected at least one named stream"
    assert message == E_NO_TRANCHES
    with pytest.raises(DataError, match=f"^{re.escape(message)}$"):
        Tranches({})
