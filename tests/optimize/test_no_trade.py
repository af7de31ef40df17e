"""Positions that do not trade: ``no_trade`` and an instrument's ``tradable: false``.

References: the same solve with the positions pinned by ``bounds`` (min = max = holding,
one entry per instrument), an independent way to write the policy: the optimum agrees to
the solver's tolerance (1e-6 of the liabilities' PV). A held position is reported at the
holding exactly; a one-way policy keeps trades on its side to the solver's tolerance.
"""

import copy

import numpy as np
import pytest

from ldi.errors import SpecError
from ldi.io.load import load_problem
from tests.reference import raw_problem

RAW = raw_problem()
CREDIT = ["CREDIT_AA_2035", "CREDIT_A_2040"]
TOL = 1e-6


def solved(*constraints: dict, instruments: dict | None = None):
    raw = copy.deepcopy(RAW)
    raw["constraints"] = [*raw["constraints"], *constraints]
    for item in raw["instruments"]:
        item.update((instruments or {}).get(item["id"], {}))
    return load_problem(raw).solve()


def test_held_positions_are_the_holdings_exactly_and_the_optimum_is_the_pinned_ones():
    held = solved({"no_trade": {"group": "credit"}})
    assert held.ok
    assert (held.positions[CREDIT] == held.holdings[CREDIT]).all()
    assert (held.trades[CREDIT] == 0.0).all()
    pinned = solved(
        *({"bounds": {"instrument": i, "min": RAW["holdings"][i], "max": RAW["holdings"][i]}}
          for i in CREDIT)
    )  # fmt: skip
    scale = float(pinned.exposures.loc["pv", "liabilities"])
    assert held.objective_value == pytest.approx(pinned.objective_value, abs=TOL * scale)
    np.testing.assert_allclose(held.positions, pinned.positions, rtol=0, atol=TOL * scale)


def test_tradable_false_holds_the_instrument_as_it_is():
    result = solved(instruments={"UKT_4Q_2036": {"tradable": False}})
    assert result.positions["UKT_4Q_2036"] == result.holdings["UKT_4Q_2036"]
    assert "no_trade[tradable]" in set(result.constraints["term"])


@pytest.mark.parametrize(("allow", "side"), [("buy", 1.0), ("sell", -1.0)])
def test_a_one_way_policy_keeps_every_trade_on_its_side(allow, side):
    result = solved({"no_trade": {"group": "index_linked_bond", "allow": allow}})
    assert result.ok
    linkers = [i for i, k in result.instruments["kind"].items() if k == "index_linked_bond"]
    scale = float(result.exposures.loc["pv", "liabilities"])
    assert (side * result.trades[linkers] >= -TOL * scale).all()
    # Without the policy some linker trades the other way: the policy is what stops it.
    assert (side * solved().trades[linkers] < -TOL * scale).any()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"group": "credit", "instrument": "CASH"},
            "expected exactly one of instrument, instruments or group",
        ),
        ({"group": "bonds"}, "group: got 'bonds'; expected a group, kind or role among"),
        ({"instruments": ["UKT_2099"]}, "instruments: got ('UKT_2099',); expected instrument"),
        ({"group": "credit", "allow": "hold"}, "allow: got 'hold'; expected"),
    ],
)
def test_a_bad_policy_is_refused_naming_the_option(options, message):
    with pytest.raises(SpecError, match=message.replace("(", r"\(").replace(")", r"\)")):
        solved({"no_trade": options})
