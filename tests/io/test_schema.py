"""The problem-file schema: each bad key is a SpecError naming its path, value and expectation.

These cases fail in ``parse_spec`` (YAML mapping -> ProblemSpec), before any domain object is
built; errors that need the curves, files or the other instruments are in ``test_load.py``.
"""

import math

import pytest
from pydantic import ValidationError

from ldi.errors import SpecError
from ldi.io.load import parse_spec
from ldi.io.schema import INSTRUMENT_KINDS, ProblemSpec
from tests.io.edits import DROP, edited


def valid():
    """A small valid problem: two curves, inline flows, a bond, a linker, a swap, repo, cash."""
    return {
        "ldi": 1,
        "name": "test scheme",
        "curves": {
            "gilts": {"tenors": [1, 10, 30], "rates": [0.04, 0.045, 0.05]},
            "rpi": {"kind": "breakeven", "tenors": [1, 30], "rates": [0.03, 0.035]},
        },
        "liabilities": {
            "discount_curve": "gilts",
            "inflation_curve": "rpi",
            "indexation": {"floor": 0.0, "cap": 0.05},
            "cashflows": [{"time": 1, "fixed": 10.0}, {"time": 2, "inflation_linked": 20.0}],
        },
        "instruments": [
            {"id": "G10", "kind": "bond", "coupon": 0.04, "maturity": 10},
            {"id": "IL20", "kind": "index_linked_bond", "coupon": 0.005, "maturity": 20},
            {"id": "S30", "kind": "interest_rate_swap", "tenor": 30},
            {"id": "R3M", "kind": "repo", "collateral": "G10", "term": 0.25},
            {"id": "GROWTH", "kind": "return_seeking", "expected_return": 0.06, "volatility": 0.15},
            {"id": "CASH", "kind": "cash"},
        ],
        "holdings": {"G10": 100.0, "S30": 50.0, "CASH": 5.0},
    }


def spec_error(raw):
    with pytest.raises(SpecError) as caught:
        parse_spec(raw)
    return caught.value


def test_the_valid_problem_parses():
    spec = parse_spec(valid())
    assert [item.kind for item in spec.instruments] == [
        "bond",
        "index_linked_bond",
        "interest_rate_swap",
        "repo",
        "return_seeking",
        "cash",
    ]


KINDS_FRAGMENTS = ("'gilt'", *INSTRUMENT_KINDS)
BAD = [
    # YAML true/false is not a number, and a currency is an ISO code.
    pytest.param(
        {"instruments.0.coupon": True},
        "instruments[0].coupon",
        ["got True", "expected a number, not true or false"],
        id="bool-coupon",
    ),
    pytest.param(
        {"currency": "eu"},
        "currency",
        ["got 'EU'", "expected a 3-letter currency code such as GBP"],
        id="two-letter-currency",
    ),
    # Missing required keys: the path is the key itself.
    pytest.param({"name": DROP}, "name", ["missing", "required key"], id="missing-name"),
    pytest.param(
        {"liabilities": DROP}, "liabilities", ["missing", "required"], id="missing-liabilities"
    ),
    pytest.param(
        {"liabilities.discount_curve": DROP},
        "liabilities.discount_curve",
        ["missing", "required"],
        id="missing-liabilities-discount-curve",
    ),
    pytest.param(
        {"liabilities.cashflows": DROP},
        "liabilities",
        ["expected exactly one of cashflows (a benefit table) and members"],
        id="missing-liabilities-cashflows",
    ),
    pytest.param(
        {"instruments.0.maturity": DROP},
        "instruments[0].maturity",
        ["missing", "required"],
        id="missing-instrument-maturity",
    ),
    pytest.param(
        {"instruments.3.collateral": DROP},
        "instruments[3].collateral",
        ["missing", "required"],
        id="missing-repo-collateral",
    ),
    pytest.param(
        {"instruments.0.kind": DROP},
        "instruments[0].kind",
        ["missing", "expected one of", *INSTRUMENT_KINDS],
        id="missing-instrument-kind",
    ),
    # Wrong types.
    pytest.param(
        {"curves.gilts.rates.1": "4.5%"},
        "curves.gilts.rates[1]",
        ["got '4.5%'", "expected a number"],
        id="string-for-a-rate",
    ),
    pytest.param(
        {"instruments.0.maturity": "ten years"},
        "instruments[0].maturity",
        ["got 'ten years'", "expected a number"],
        id="string-for-a-maturity",
    ),
    pytest.param(
        {"liabilities": ["gilts", "rpi"]},
        "liabilities",
        ["got ['gilts', 'rpi']", "expected a mapping of keys"],
        id="list-for-liabilities-mapping",
    ),
    pytest.param(
        {"liabilities.indexation": [0.0, 0.05]},
        "liabilities.indexation",
        ["got [0.0, 0.05]", "expected a mapping of keys"],
        id="list-for-indexation-mapping",
    ),
    pytest.param(
        {"holdings": ["G10", "S30"]},
        "holdings",
        ["got ['G10', 'S30']", "expected a mapping of keys"],
        id="list-for-holdings-mapping",
    ),
    pytest.param(
        {"instruments": {"G10": {"kind": "cash"}}},
        "instruments",
        ["got a mapping", "expected a list"],
        id="mapping-for-instruments-list",
    ),
    pytest.param(
        {"instruments.0": "G10"},
        "instruments[0]",
        ["got 'G10'", "expected a mapping of keys"],
        id="instrument-not-a-mapping",
    ),
    pytest.param(
        {"curves.gilts": [0.04, 0.05]},
        "curves.gilts",
        ["got [0.04, 0.05]", "expected a mapping of keys"],
        id="curve-not-a-mapping",
    ),
    pytest.param(
        {"liabilities.cashflows": 5},
        "liabilities.cashflows",
        ["got 5", "expected a CSV file path or a list of rows"],
        id="cashflows-neither-file-nor-rows",
    ),
    pytest.param(
        {"instruments.0.id": 7}, "instruments[0].id", ["got 7", "expected a string"], id="int-id"
    ),
    pytest.param(
        {"instruments.0.credit": "maybe"},
        "instruments[0].credit",
        ["got 'maybe'", "expected true or false"],
        id="string-for-a-flag",
    ),
    pytest.param(
        {"valuation_date": "31/12/2025"},
        "valuation_date",
        ["got '31/12/2025'", "expected a date such as 2025-12-31"],
        id="date-in-the-wrong-format",
    ),
    # Bounds on numbers.
    pytest.param(
        {"instruments.0.maturity": -1},
        "instruments[0].maturity",
        ["got -1", "expected a number > 0"],
        id="negative-bond-maturity",
    ),
    pytest.param(
        {"instruments.2.tenor": 0},
        "instruments[2].tenor",
        ["got 0", "expected a number > 0"],
        id="zero-swap-tenor",
    ),
    pytest.param(
        {"instruments.3.term": -0.25},
        "instruments[3].term",
        ["got -0.25", "expected a number > 0"],
        id="negative-repo-term",
    ),
    pytest.param(
        {"instruments.3.haircut": 1},
        "instruments[3].haircut",
        ["got 1", "expected a number < 1"],
        id="haircut-of-one",
    ),
    pytest.param(
        {"instruments.0.price": -5},
        "instruments[0].price",
        ["got -5", "expected a number > 0"],
        id="negative-price",
    ),
    pytest.param(
        {"instruments.4.volatility": -0.1},
        "instruments[4].volatility",
        ["got -0.1", "expected a number >= 0"],
        id="negative-volatility",
    ),
    pytest.param(
        {"liabilities.indexation.lag": -0.25},
        "liabilities.indexation.lag",
        ["got -0.25", "expected a number >= 0"],
        id="negative-indexation-lag",
    ),
    pytest.param(
        {"instruments.0.frequency": 3},
        "instruments[0].frequency",
        ["got 3", "expected 1, 2, 4 or 12"],
        id="bond-frequency-3",
    ),
    pytest.param(
        {"curves.gilts": {"kind": "par_swap", "tenors": [1], "rates": [0.03], "frequency": 3}},
        "curves.gilts.frequency",
        ["got 3", "expected 1, 2 or 4"],
        id="par-swap-frequency-3",
    ),
    pytest.param(
        {"curves.gilts.rates": []},
        "curves.gilts.rates",
        ["got []", "expected at least 1 item"],
        id="no-rates",
    ),
    pytest.param(
        {"liabilities.cashflows": []},
        "liabilities.cashflows",
        ["got []", "expected at least 1 item"],
        id="no-cashflow-rows",
    ),
    pytest.param(
        {"instruments.0.id": ""},
        "instruments[0].id",
        ["got ''", "expected a non-empty string"],
        id="empty-id",
    ),
    pytest.param(
        {"curves.gilts.compounding": "annually"},
        "curves.gilts.compounding",
        ["got 'annually'", "'annual'", "'semiannual'"],
        id="unknown-compounding",
    ),
    # Unknown kinds: the message shows the bad kind and the choices.
    pytest.param(
        {"instruments.0.kind": "gilt"},
        "instruments[0].kind",
        ["got 'gilt'", "unknown instrument kind", "expected one of", *INSTRUMENT_KINDS],
        id="unknown-instrument-kind",
    ),
    pytest.param(
        {"curves.gilts.kind": "spline"},
        "curves.gilts.kind",
        ["got 'spline'", "unknown curve kind", "zero, par_swap, spread, smith_wilson"],
        id="unknown-curve-kind",
    ),
    # Unknown keys: the path is the key's own, and the message lists the known keys.
    pytest.param(
        {"holding": {"G10": 1.0}},
        "holding",
        ["unknown key", "did you mean 'holdings'", "'curves'", "'liabilities'", "'instruments'"],
        id="typo-at-top-level",
    ),
    pytest.param(
        {"curves.gilts.compunding": "annual"},
        "curves.gilts.compunding",
        ["unknown key", "did you mean 'compounding'", "'tenors'", "'rates'", "'interpolation'"],
        id="typo-in-a-curve",
    ),
    pytest.param(
        {"liabilities.discount": "gilts"},
        "liabilities.discount",
        ["unknown key", "did you mean 'discount_curve'", "'spread'", "'cashflows'"],
        id="typo-in-liabilities",
    ),
    pytest.param(
        {"instruments.0.cupon": 0.04},
        "instruments[0].cupon",
        ["unknown key", "did you mean 'coupon'", "'maturity'", "'frequency'", "'price'"],
        id="typo-in-an-instrument",
    ),
    pytest.param(
        {"liabilities.indexation.flor": 0.0},
        "liabilities.indexation.flor",
        ["unknown key", "did you mean 'floor'", "'cap'", "'lag'"],
        id="typo-in-indexation",
    ),
    pytest.param(
        {"liabilities.cashflows.1.inflation": 20.0},
        "liabilities.cashflows[1].inflation",
        ["unknown key", "did you mean 'inflation_linked'", "'time'", "'status'"],
        id="typo-in-a-cashflow-row",
    ),
    pytest.param(
        {"market": {"swap_cruve": "gilts"}},
        "market.swap_cruve",
        ["unknown key", "did you mean 'swap_curve'", "'nominal_curve'"],
        id="typo-in-market",
    ),
    pytest.param(
        {"instruments.2.coupon": 0.04},
        "instruments[2].coupon",
        ["unknown key", "'fixed_rate'", "'tenor'"],
        id="bond-key-on-a-swap",
    ),
    # NaN and infinity are never numbers, shown as YAML spells them.
    pytest.param(
        {"curves.gilts.rates.1": math.nan},
        "curves.gilts.rates[1]",
        ["got .nan", "expected a finite number"],
        id="nan-rate",
    ),
    pytest.param(
        {"curves.rpi.rates.0": math.inf},
        "curves.rpi.rates[0]",
        ["got .inf", "expected a finite number"],
        id="inf-breakeven-rate",
    ),
    pytest.param(
        {"holdings.G10": math.nan},
        "holdings.G10",
        ["got .nan", "expected a finite number"],
        id="nan-holding",
    ),
    pytest.param(
        {"holdings.S30": -math.inf},
        "holdings.S30",
        ["got -.inf", "expected a finite number"],
        id="minus-inf-holding",
    ),
    pytest.param(
        {"instruments.0.coupon": math.nan},
        "instruments[0].coupon",
        ["got .nan", "expected a finite number"],
        id="nan-coupon",
    ),
    pytest.param(
        {"instruments.0.maturity": math.inf},
        "instruments[0].maturity",
        ["got .inf", "expected a finite number"],
        id="inf-maturity",
    ),
    pytest.param(
        {"liabilities.spread": math.nan},
        "liabilities.spread",
        ["got .nan", "expected a finite number"],
        id="nan-liability-spread",
    ),
    pytest.param(
        {"liabilities.cashflows.0.fixed": math.inf},
        "liabilities.cashflows[0].fixed",
        ["got .inf", "expected a finite number"],
        id="inf-cashflow-amount",
    ),
    # Checks across keys of one section.
    pytest.param(
        {"instruments.0.spread": 0.01, "instruments.0.price": 99.0},
        "instruments[0]",
        ["got both spread 0.01 and price 99.0", "expected one of them"],
        id="both-spread-and-price",
    ),
    pytest.param(
        {"liabilities.indexation": {"floor": 0.05, "cap": 0.03}},
        "liabilities.indexation",
        ["floor 0.05 is above cap 0.03", "expected floor <= cap"],
        id="lpi-floor-above-cap",
    ),
]


@pytest.mark.parametrize(("edits", "path", "fragments"), BAD)
def test_bad_key_names_its_path_value_and_expectation(edits, path, fragments):
    error = spec_error(edited(valid(), edits))
    assert error.path == path
    message = str(error)
    assert message.startswith(f"{path}: ")
    for fragment in fragments:
        assert fragment in message


def test_the_bad_cases_are_distinct():
    paths_and_edits = [(case.values[1], repr(case.values[0])) for case in BAD]
    assert len(set(paths_and_edits)) == len(BAD) >= 25


def test_every_violation_is_listed_one_line_each():
    raw = edited(valid(), {"name": DROP, "instruments.0.maturity": -1, "holdings.G10": "x"})
    error = spec_error(raw)
    lines = str(error).splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == [
        "name",
        "instruments[0].maturity",
        "holdings.G10",
    ]
    assert error.path == "name"


def test_two_unknown_keys_get_a_line_each():
    error = spec_error(edited(valid(), {"instruments.0.cupon": 0.04, "instruments.0.matur": 10}))
    assert str(error).splitlines()[0].startswith("instruments[0].cupon: unknown key")
    assert str(error).splitlines()[1].startswith("instruments[0].matur: unknown key")


@pytest.mark.parametrize(
    ("version", "shown"),
    [
        pytest.param(2, "got 2", id="newer"),
        pytest.param(0, "got 0", id="older"),
        pytest.param("1", "got '1'", id="string"),
        pytest.param(True, "got True", id="boolean"),
        pytest.param(1.0, "got 1.0", id="float"),
        pytest.param(None, "got None", id="null"),
        pytest.param(DROP, "missing", id="missing-ldi-key"),
    ],
)
def test_schema_version_is_checked_first(version, shown):
    # name is missing as well: the version is reported alone, before any other key.
    error = spec_error(edited(valid(), {"ldi": version, "name": DROP}))
    assert error.path == "ldi"
    assert (
        str(error) == f"ldi: {shown}; expected the schema version 1 (start the file with 'ldi: 1')"
    )


def test_numbers_may_be_written_1e6_which_pyyaml_reads_as_strings():
    # YAML 1.1 (PyYAML) reads 60.0e6 as the string '60.0e6', so numeric strings are numbers.
    spec = parse_spec(edited(valid(), {"holdings.G10": "60.0e6"}))
    assert spec.holdings["G10"] == 60.0e6


def test_growth_assets_may_have_negative_stated_durations():
    spec = parse_spec(edited(valid(), {"instruments.4.rates_duration": -2.0}))
    assert spec.instruments[4].rates_duration == -2.0


def test_a_linker_without_index_ratio_leaves_it_unset():
    # Left unset rather than defaulted to 1, so the loader can demand it with a price.
    assert parse_spec(valid()).instruments[1].index_ratio is None


def test_spec_is_frozen():
    spec = parse_spec(valid())
    with pytest.raises(ValidationError, match="frozen"):
        spec.name = "other"
    with pytest.raises(ValidationError, match="frozen"):
        spec.liabilities.spread = 0.01
    with pytest.raises(ValidationError, match="frozen"):
        spec.instruments[0].maturity = 5.0


def test_spec_round_trips_through_a_plain_dict():
    spec = parse_spec(valid())
    assert ProblemSpec.model_validate(spec.model_dump()) == spec
