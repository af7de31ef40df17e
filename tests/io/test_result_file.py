"""Result files (``ldi solve --json``) read back for ``ldi report`` and ``--positions``.

References: the records ``decision_record`` writes for an optimal solve (with the collateral
block), a solve with simulated outcomes and an infeasible one read back unchanged; each
malformed file below breaks one key of a good record, and the error must name the file and
that key's path (``exposures[0].measure``), never a value the file holds as text.
"""

import copy
import json
import math

import pytest

import ldi
from ldi.errors import DataError
from ldi.io.result_file import (
    E_RESULT,
    MAX_RESULT_BYTES,
    read_positions,
    read_result,
)
from ldi.reporting.record import decision_record
from ldi.scenarios.pnl import OUTCOME_ROWS
from tests.io.edits import DROP, edited
from tests.reference import DEFAULT_PROBLEM, raw_problem

SECRET = "s3cr3t-text-of-the-file"


def record_of(raw):
    problem = ldi.load_problem(raw)
    return json.loads(json.dumps(decision_record(problem, problem.solve()).to_dict()))


@pytest.fixture(scope="module")
def optimal():
    return record_of(DEFAULT_PROBLEM)


@pytest.fixture(scope="module")
def outcomes():
    raw = raw_problem()
    raw["simulation"] = {"outcomes": True, "scenarios": 500, "seed": 3, "surplus_var": 0.06}
    return record_of(raw)


@pytest.fixture(scope="module")
def infeasible():
    return record_of(edited(raw_problem(), {"constraints.3.leverage.max": 0.1}))


def write(path, data):
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def refused(read, file, problem):
    """``read(file)`` raises the result-file DataError with ``problem``, and only it."""
    with pytest.raises(DataError) as caught:
        read(file)
    message = str(caught.value)
    assert message == E_RESULT.format(file=file, problem=problem)
    assert SECRET not in message
    return message


# --- good records -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["optimal", "outcomes", "infeasible"])
def test_a_record_reads_back_as_written(request, tmp_path, name):
    record = request.getfixturevalue(name)
    assert record["status"] == ("infeasible" if name == "infeasible" else "optimal")
    assert (record["outcomes"] is not None) == (name == "outcomes")
    assert read_result(write(tmp_path / "r.json", record)).to_dict() == record


def test_a_record_from_before_optional_sections_reads(tmp_path, optimal):
    record = {k: v for k, v in optimal.items() if k not in ("stress", "waterfall", "instruments")}
    assert read_result(write(tmp_path / "r.json", record)).to_dict() == record


def test_positions_read_as_numbers(tmp_path, optimal):
    assert read_positions(write(tmp_path / "r.json", optimal)) == optimal["positions"]
    file = write(tmp_path / "p.json", '{"positions": {"CASH": 1, "UKT": -2.5e6}}')
    assert read_positions(file) == {"CASH": 1.0, "UKT": -2.5e6}


# --- malformed records: ldi report --------------------------------------------------------------


@pytest.mark.parametrize("key", ["positions", "holdings", "trades"])
def test_an_id_that_is_not_an_instrument_of_the_result_is_named(tmp_path, optimal, key):
    record = copy.deepcopy(optimal)
    record[key]["NOPE"] = 1.0
    problem = f"{key}: ids ['NOPE'] are not among the result's instruments"
    refused(read_result, write(tmp_path / "r.json", record), problem)


BROKEN = [
    pytest.param({"exposures": DROP}, "exposures: missing", id="no-exposures"),
    pytest.param({"name": DROP}, "name: missing", id="no-name"),
    pytest.param({"currency": 3}, "currency: got 3, not text", id="currency-number"),
    pytest.param({"exposures": SECRET}, "exposures: got text, not a list", id="exposures-text"),
    pytest.param({"exposures.0.measure": DROP}, "exposures[0].measure: missing", id="no-measure"),
    pytest.param(
        {"exposures.2.assets": SECRET}, "exposures[2].assets: got text, not a number", id="text"
    ),
    pytest.param(
        {"exposures.0.measure": "pv_renamed"},
        "exposures: no 'pv' row; expected rows 'pv', 'pv01' and 'ie01' among the measures",
        id="no-pv-row",
    ),
    pytest.param({"scale": None}, "scale: got null, not a number", id="scale-null"),
    pytest.param({"scale": True}, "scale: got true, not a number", id="scale-bool"),
    pytest.param({"solver": []}, "solver: got a list, not a mapping", id="solver-list"),
    pytest.param({"solver.time_s": SECRET}, "solver.time_s: got text, not a number", id="time"),
    pytest.param({"buckets.1.key": SECRET}, "buckets[1].key: got text, not a number", id="key"),
    pytest.param({"positions": [1, 2]}, "positions: got a list, not a mapping", id="positions"),
    pytest.param({"holdings.CASH": {}}, "holdings.CASH: got a mapping, not a number", id="hold"),
    pytest.param({"objective.0.weight": DROP}, "objective[0].weight: missing", id="weight"),
    pytest.param({"constraints.0.row": DROP}, "constraints[0].row: missing", id="row"),
    pytest.param({"stress.0.headroom": DROP}, "stress[0].headroom: missing", id="stress"),
    pytest.param({"waterfall.pools.0.used": DROP}, "waterfall.pools[0].used: missing", id="pool"),
    pytest.param(
        {"collateral.headroom.0.rise": DROP}, "collateral.headroom[0].rise: missing", id="rise"
    ),
    pytest.param(
        {"liability_cashflows.0.year": 1.5},
        "liability_cashflows[0].year: got 1.5, not a whole number",
        id="year",
    ),
    pytest.param({"instruments.0.kind": DROP}, "instruments[0].kind: missing", id="kind"),
]


@pytest.mark.parametrize(("edits", "problem"), BROKEN)
def test_a_broken_record_names_the_key(tmp_path, optimal, edits, problem):
    file = write(tmp_path / "r.json", edited(optimal, edits))
    refused(read_result, file, problem)


@pytest.mark.parametrize(
    ("key", "literal", "shown"),
    [
        pytest.param("positions.CASH", "NaN", "NaN", id="nan-position"),
        pytest.param("positions.CASH", "Infinity", "Infinity", id="inf-position"),
        pytest.param("positions.CASH", "1e999", "Infinity", id="overflow-position"),
        pytest.param("scale", "-Infinity", "-Infinity", id="scale"),
        pytest.param("exposures.0.assets", "NaN", "NaN", id="exposure"),
    ],
)
def test_a_number_that_is_not_finite_is_refused(tmp_path, optimal, key, literal, shown):
    text = json.dumps(edited(optimal, {key: "__VALUE__"})).replace('"__VALUE__"', literal)
    file = write(tmp_path / "r.json", text)
    path = key.replace(".0.", "[0].")
    refused(read_result, file, f"{path}: got {shown}, not a finite number")


@pytest.mark.parametrize(
    ("edits", "problem"),
    [
        pytest.param(
            {"collateral.headroom.0.called_after": DROP},
            "collateral: headroom[0] has no 'called_after'; expected the columns "
            "['called_after', 'available_after', 'headroom_after']",
            id="headroom-column",
        ),
        pytest.param(
            {"collateral.resilience.1.zero_nav_bp_before": DROP},
            "collateral: resilience[1] has no 'zero_nav_bp_before'; expected the columns "
            "['absorbable_bp_before', 'zero_nav_bp_before']",
            id="resilience-column",
        ),
        pytest.param(
            {"collateral.headroom.0.title": "text"},
            "collateral.headroom[0].title: got text, not a number",
            id="text-in-a-money-row",
        ),
    ],
)
def test_the_collateral_block_has_every_column_the_report_shows(tmp_path, optimal, edits, problem):
    file = write(tmp_path / "r.json", edited(optimal, edits))
    refused(read_result, file, problem)


def test_the_key_rate_rows_the_charts_draw_are_required(tmp_path, optimal):
    record = copy.deepcopy(optimal)
    record["exposures"] = [r for r in record["exposures"] if not r["measure"].startswith("ie01_")]
    file = write(tmp_path / "r.json", record)
    refused(
        read_result, file, "exposures: no ie01_<k>y rows; expected key-rate rows such as ie01_10y"
    )


def test_a_key_written_twice_is_refused(tmp_path):
    file = write(tmp_path / "r.json", '{"positions": {"CASH": 1.0, "CASH": 2.0}}')
    refused(read_positions, file, "not JSON (key 'CASH' appears twice in one object)")


def test_an_infeasible_record_with_the_diagnosis_broken_names_it(tmp_path, infeasible):
    file = write(tmp_path / "r.json", edited(infeasible, {"diagnosis.rows.0.row": DROP}))
    refused(read_result, file, "diagnosis.rows[0].row: missing")


def test_outcomes_broken_name_the_key(tmp_path, outcomes):
    file = write(tmp_path / "r.json", edited(outcomes, {"outcomes.confidence": SECRET}))
    refused(read_result, file, "outcomes.confidence: got text, not a number")
    record = copy.deepcopy(outcomes)
    record["outcomes"]["outcomes"] = [
        row for row in record["outcomes"]["outcomes"] if row["measure"] != "cvar"
    ]
    problem = "outcomes.outcomes: no 'cvar' row; expected rows " + ", ".join(
        repr(m) for m in OUTCOME_ROWS[:-1]
    )
    refused(
        read_result,
        write(tmp_path / "r.json", record),
        problem + f" and {OUTCOME_ROWS[-1]!r} among the measures",
    )


# --- what is not a result file at all -----------------------------------------------------------


@pytest.mark.parametrize("read", [read_result, read_positions], ids=["report", "positions"])
@pytest.mark.parametrize(
    ("content", "problem"),
    [
        pytest.param(f'{{"name": "{SECRET}", ', "not JSON (Expecting", id="truncated"),
        pytest.param("[" * 100_000 + "]" * 100_000, "not JSON (nested too deeply)", id="deep"),
        pytest.param(b'{"name": "\xe9"}', "not UTF-8 text (line 1); expected UTF-8", id="latin1"),
        pytest.param("", "not JSON (Expecting value", id="empty"),
    ],
)
def test_a_file_that_is_not_json_is_named(tmp_path, read, content, problem):
    file = tmp_path / "r.json"
    if isinstance(content, bytes):
        file.write_bytes(content)
    else:
        file.write_text(content)
    with pytest.raises(DataError) as caught:
        read(file)
    message = str(caught.value)
    assert message.startswith(f"{file}: {problem}")
    assert message.endswith("; expected a result written by 'ldi solve --json'")
    assert SECRET not in message


def test_a_folder_or_a_huge_file_is_refused(tmp_path, monkeypatch):
    refused(read_result, tmp_path, "a folder; expected a regular file")
    file = write(tmp_path / "r.json", "{}")
    monkeypatch.setattr("ldi.io.result_file.MAX_RESULT_BYTES", 1)
    refused(read_positions, file, "2 bytes; expected at most 1")
    assert MAX_RESULT_BYTES >= 64 * 2**20


def test_a_top_level_that_is_not_a_mapping_is_named(tmp_path):
    refused(read_result, write(tmp_path / "r.json", "[1, 2]"), "got a list, not a mapping")


# --- malformed records: --positions -------------------------------------------------------------


@pytest.mark.parametrize(
    ("literal", "shown"),
    [("NaN", "NaN"), ("Infinity", "Infinity"), ("-Infinity", "-Infinity"), ("1e400", "Infinity")],
)
def test_a_position_that_is_not_finite_is_named_by_its_id(tmp_path, literal, shown):
    file = write(tmp_path / "r.json", f'{{"positions": {{"CASH": 1.0, "UKT_2036": {literal}}}}}')
    refused(read_positions, file, f"positions.UKT_2036: got {shown}, not a finite number")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"positions": {"CASH": "1e6"}}', "positions.CASH: got text, not a number"),
        ('{"positions": {"CASH": true}}', "positions.CASH: got true, not a number"),
        ('{"positions": {"CASH": [1]}}', "positions.CASH: got a list, not a number"),
        ('{"positions": {"CASH": 1}, "status": 3}', "status: got 3, not text"),
        ("[1, 2]", "no positions"),
        ('{"positions": {}}', "no positions"),
        (
            '{"status": "infeasible", "positions": {"CASH": null, "G": 1.0}}',
            "no position for ['CASH'] (the solve ended 'infeasible')",
        ),
        (
            '{"positions": {"CASH": 1e300}}',
            "positions.CASH: got 1e+300; expected an amount of money in [-1e+15, 1e+15], "
            "such as 2.5e+7",
        ),
    ],
)
def test_bad_positions_are_named(tmp_path, text, problem):
    refused(read_positions, write(tmp_path / "r.json", text), problem)


def test_nan_read_from_a_record_is_never_a_position(tmp_path, optimal):
    record = copy.deepcopy(optimal)
    text = json.dumps(record).replace(
        f'"CASH": {json.dumps(record["positions"]["CASH"])}', '"CASH": NaN', 1
    )
    file = write(tmp_path / "r.json", text)
    assert math.isnan(json.loads(file.read_text())["positions"]["CASH"])
    refused(read_positions, file, "positions.CASH: got NaN, not a finite number")
