"""Linkers' index ratios from published fixings, and lags in months against the curve's.

A linker with a ``base_date`` and ``lag_months`` gets its index ratio Ref(valuation date) /
Ref(base date) from ``market.index_history``; a 3-month lag interpolates the reference index
daily (Ref on day d of month m = I(m−3) + (d−1)/D_m (I(m−2) − I(m−3))), an 8-month lag
takes I(m−8). References: the ratio worked by hand from the shipped ONS fixings (values
written here from problems/data/uk_index_history.csv), 1e-12 relative. An instrument's
``lag_months`` over its curve's quote ``lag_months`` is its indexation lag in years.
"""

import copy
import re
import shutil
from pathlib import Path

import pytest
import yaml

from ldi.errors import SpecError
from ldi.io.load import load_problem
from tests.reference import ROOT

HISTORY = ROOT / "problems" / "data" / "uk_index_history.csv"


def raw() -> dict:
    return {
        "ldi": 1,
        "name": "seasoned linkers",
        "valuation_date": "2025-12-31",
        "curves": {
            "gilts": {"tenors": [1, 10, 30], "rates": [0.04, 0.045, 0.05]},
            "rpi": {
                "kind": "breakeven",
                "tenors": [1, 30],
                "rates": [0.033, 0.034],
                "lag_months": 2,
            },
        },
        "market": {"index_history": "uk_index_history.csv"},
        "liabilities": {
            "discount_curve": "gilts",
            "inflation_curve": "rpi",
            "cashflows": [{"time": 10, "inflation_linked": 1.0e6}],
        },
        "instruments": [
            {
                "id": "IL_NEW",
                "kind": "index_linked_bond",
                "coupon": 0.00125,
                "maturity": 10.5,
                "lag_months": 3,
                "base_date": "2024-03-15",
            },
            {
                "id": "IL_OLD",
                "kind": "index_linked_bond",
                "coupon": 0.025,
                "maturity": 4.6,
                "lag_months": 8,
                "base_date": "2022-10-20",
            },
            {"id": "RPI_10Y", "kind": "inflation_swap", "maturity": 10, "lag_months": 2},
        ],
    }


def load(tmp_path: Path, source: dict, history: Path = HISTORY):
    """Load ``source`` from a file in ``tmp_path`` beside a copy of ``history``."""
    shutil.copy(history, tmp_path / "uk_index_history.csv")
    path = tmp_path / "problem.yaml"
    path.write_text(yaml.safe_dump(copy.deepcopy(source)))
    return load_problem(path)


def test_a_3_month_linker_takes_its_ratio_from_the_interpolated_fixings(tmp_path):
    problem = load(tmp_path, raw())
    # Valuation 2025-12-31: I(2025-09) + 30/31 (I(2025-10) − I(2025-09)); base 2024-03-15:
    # I(2023-12) + 14/31 (I(2024-01) − I(2023-12)).
    settlement = 406.1 + 30 / 31 * (407.4 - 406.1)
    base = 379.0 + 14 / 31 * (378.0 - 379.0)
    bond = problem.instruments["IL_NEW"]
    assert bond.index_ratio == pytest.approx(settlement / base, rel=1e-12)
    assert bond.indexation_lag == pytest.approx(1 / 12, rel=1e-15)  # 3 months over the curve's 2


def test_an_8_month_linker_takes_the_fixing_eight_months_back_uninterpolated(tmp_path):
    problem = load(tmp_path, raw())
    bond = problem.instruments["IL_OLD"]
    # December 2025 − 8 months = April 2025; October 2022 − 8 months = February 2022.
    february_2022 = float(
        next(line for line in HISTORY.read_text().splitlines() if line.startswith("2022-02")).split(
            ","
        )[1]
    )
    assert bond.index_ratio == pytest.approx(402.2 / february_2022, rel=1e-12)
    assert bond.indexation_lag == pytest.approx(6 / 12, rel=1e-15)


def test_a_swap_on_the_curves_own_lag_has_no_lag_over_it(tmp_path):
    assert load(tmp_path, raw()).instruments["RPI_10Y"].indexation_lag == 0.0


def error(tmp_path: Path, source: dict, history: Path = HISTORY) -> SpecError:
    with pytest.raises(SpecError) as caught:
        load(tmp_path, source, history)
    return caught.value


def test_a_lag_that_reaches_past_the_last_fixing_is_refused(tmp_path):
    source = raw()
    source["valuation_date"] = "2026-12-15"
    caught = error(tmp_path, source)
    assert caught.path == "valuation_date"
    assert str(caught) == (
        "valuation_date: uk_index_history.csv: rpi reference for 2026-12-15 with a "
        "3-month lag needs the 2026-10 fixing; the last is 2026-07"
    )


def test_fixings_with_a_gap_are_refused(tmp_path):
    lines = HISTORY.read_text().splitlines()
    gapped = tmp_path / "gapped.csv"
    gapped.write_text("\n".join(line for line in lines if not line.startswith("2021-05")) + "\n")
    caught = error(tmp_path, raw(), gapped)
    assert caught.path == "market.index_history"
    assert re.search(
        r"^market\.index_history: uk_index_history\.csv\.month\[\d+\]: got 2021-06 after "
        r"2021-04; expected consecutive months \(2021-05 is missing\)$",
        str(caught),
    )


@pytest.mark.parametrize(
    ("edit", "path", "message"),
    [
        (
            lambda s: s["market"].pop("index_history"),
            "instruments[0].base_date",
            "instruments[0].base_date: given, but market.index_history is missing; expected a "
            "CSV of monthly fixings to compute the index ratio from",
        ),
        (
            lambda s: s.pop("valuation_date"),
            "instruments[0].base_date",
            "instruments[0].base_date: given, but valuation_date is missing; expected the date "
            "the index ratio is taken",
        ),
        (
            lambda s: s["instruments"][2].update(lag_months=1),
            "instruments[2].lag_months",
            "instruments[2].lag_months: got 1, shorter than the 2-month lag of 'rpi''s quotes; "
            "expected a lag at least the curve's",
        ),
    ],
    ids=["no-history", "no-valuation-date", "lag-shorter-than-the-curve"],
)
def test_fixings_need_their_inputs(tmp_path, edit, path, message):
    source = raw()
    edit(source)
    caught = error(tmp_path, source)
    assert caught.path == path
    assert str(caught) == message


def test_a_ratio_and_a_base_date_together_are_refused(tmp_path):
    source = raw()
    source["instruments"][0]["index_ratio"] = 1.2
    caught = error(tmp_path, source)
    assert caught.path == "instruments[0]"
    assert "got both index_ratio 1.2 and base_date; expected one of them" in str(caught)


def test_a_base_date_after_the_valuation_date_is_refused(tmp_path):
    source = raw()
    source["instruments"][0]["base_date"] = "2026-03-15"
    caught = error(tmp_path, source)
    assert caught.path == "instruments[0].base_date"
    assert str(caught) == (
        "instruments[0].base_date: got 2026-03-15, after the valuation date 2025-12-31; "
        "expected the date the bond's indexation starts from, on or before it"
    )


def test_a_lag_in_months_and_one_in_years_together_are_refused(tmp_path):
    source = raw()
    source["instruments"][2]["indexation_lag"] = 0.25
    caught = error(tmp_path, source)
    assert caught.path == "instruments[2]"
    assert "got both lag_months 2 and indexation_lag 0.25; expected one of them" in str(caught)
