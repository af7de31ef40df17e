"""Problem.extrapolated: flows that run past the last tenor of a curve extrapolated flat.

References are hand-stated: the curves' last pillars and the flows' last payment dates are
chosen by the test, so each expected message is written out in full. A zero or breakeven
curve holds its last rate beyond its last tenor (docs/conventions.md); a Smith-Wilson curve
extrapolates to its UFR by design and is not reported.
"""

import warnings

import pytest

import ldi
from ldi.cli import main
from ldi.validation import EXTRAPOLATION_TOLERANCE, ExtrapolationWarning
from tests.io.test_load import minimal, write_yaml
from tests.reference import PROBLEMS

GILTS = {"tenors": [1, 10, 30], "rates": [0.04, 0.045, 0.05]}


def problem(last: float, **overrides):
    """The minimal problem with its inflation-linked benefit paid at ``last`` years."""
    raw = minimal(**overrides)
    raw["liabilities"]["cashflows"] = [
        {"time": 1, "fixed": 10.0},
        {"time": last, "inflation_linked": 20.0},
    ]
    return ldi.load_problem(raw)


def test_liabilities_beyond_the_last_tenor_are_named_with_each_curve():
    assert problem(40.0).extrapolated() == [
        "liabilities: flows run to 40.0y, beyond the last tenor of curve 'gilts' (30.0y); "
        "rates beyond are extrapolated flat",
        "liabilities: flows run to 40.0y, beyond the last tenor of curve 'rpi' (30.0y); "
        "rates beyond are extrapolated flat",
    ]


def test_flows_within_the_tolerance_of_the_last_tenor_pass():
    assert EXTRAPOLATION_TOLERANCE == 1.0
    assert problem(30.0 + EXTRAPOLATION_TOLERANCE).extrapolated() == []
    assert problem(30.0 + EXTRAPOLATION_TOLERANCE + 0.1).extrapolated() != []


def test_an_instrument_beyond_its_curve_is_named_by_id():
    raw = minimal()
    raw["instruments"].append({"id": "S45", "kind": "interest_rate_swap", "tenor": 45})
    assert ldi.load_problem(raw).extrapolated() == [
        "instrument 'S45': flows run to 45.0y, beyond the last tenor of curve 'gilts' (30.0y); "
        "rates beyond are extrapolated flat"
    ]


def test_a_curve_extrapolated_to_its_ufr_is_not_reported():
    curves = {
        "gilts": {"kind": "smith_wilson", **GILTS, "ufr": 0.036},
        "rpi": {"kind": "breakeven", "tenors": [1, 50], "rates": [0.03, 0.035]},
    }
    assert problem(45.0, curves=curves).extrapolated() == []


def test_check_warns_each_extrapolation():
    with pytest.warns(ExtrapolationWarning) as caught:
        problem(40.0).check()
    assert [str(w.message) for w in caught] == problem(40.0).extrapolated()


def test_check_is_silent_without_extrapolation():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        problem(20.0).check()


def test_ldi_validate_prints_the_warning(tmp_path, capsys):
    raw = minimal()
    raw["liabilities"]["cashflows"].append({"time": 40.0, "fixed": 5.0})
    path = write_yaml(tmp_path, raw)
    assert main(["validate", str(path)]) == 0
    captured = capsys.readouterr()
    assert captured.out == f"{path}: valid (test scheme)\n"
    assert captured.err == (
        "warning: liabilities: flows run to 40.0y, beyond the last tenor of curve 'gilts' (30.0y); "
        "rates beyond are extrapolated flat\n"
    )


def test_a_problem_reads_in_one_line_in_a_notebook():
    """Its inputs are fields to look at; the repr names them without dumping them."""
    loaded = ldi.load_problem(PROBLEMS / "uk_db_scheme.yaml")
    assert repr(loaded) == (
        "<OptimizationProblem 'Representative UK DB scheme': GBP, 2025-12-31, "
        f"{len(loaded.instruments)} instruments, {len(loaded.scenarios)} stress scenarios>"
    )
    assert len(loaded.instruments) == 21  # the file's universe, counted by hand
