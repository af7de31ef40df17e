"""``ldi solve``: exit codes, the printed summary, the JSON file and the infeasibility diagnosis.

Printed and written ratios are compared with the independent reference valuation
(tests/reference.py): before from the file's holdings, after from the positions the JSON
file reports times the reference's per-unit exposures. The diagnosis of an infeasible
variant of the default scheme is checked against linear programs solved with scipy's
linprog on the same limits, written out here from the problem file.
"""

import io
import json
import os
import re
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import yaml
from scipy.optimize import linprog

import ldi
from ldi.cli import main
from ldi.optimize import solvers
from ldi.optimize.problem import OptimizationProblem
from ldi.reporting.record import decision_record
from tests.documented import assert_shows, shown
from tests.io.edits import DROP, edited
from tests.optimize.test_verify import corrupting
from tests.reference import (
    DEFAULT_PROBLEM,
    MONEY_RTOL,
    PROBLEMS,
    ROLES,
    ROOT,
    UNIT_SCALE,
    book_scale,
    raw_problem,
    reference,
)
from tests.reporting.test_risk_report import assert_printed, percent

PROBLEM_FILES = sorted(PROBLEMS.glob("*.yaml"))
HEADLINE = {"Funding ratio": "pv", "Rates hedge": "pv01", "Inflation hedge": "ie01"}
# Interior-point optima meet their rows to about 1e-8 of the liabilities' PV (the scale of
# the variables); 1e-7 leaves a margin.
SOLVER_RTOL = 1e-7


def reject(constant):
    raise ValueError(f"not JSON: {constant}")


@dataclass
class Run:
    """One ``ldi solve`` call: exit code, what it printed and the JSON it wrote."""

    code: int
    out: str
    err: str
    data: dict | None
    folder: Path


def solve_cli(problem, folder, *options):
    """Run ``ldi solve problem --json folder/result.json [options]`` and capture it."""
    folder.mkdir(parents=True, exist_ok=True)
    out_file = folder / "result.json"
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["solve", str(problem), "--json", str(out_file), *options])
    data = None
    if out_file.exists():
        data = json.loads(out_file.read_text(), parse_constant=reject)  # standard JSON only
    return Run(code, out.getvalue(), err.getvalue(), data, folder)


def write_problem(folder, raw, name="p.yaml"):
    path = folder / name
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return path


def headline(out):
    """{label: (before, after)} of the ratio table the summary starts with."""
    rows = {}
    for line in out.splitlines()[:8]:
        match = re.fullmatch(r"(Funding ratio|Rates hedge|Inflation hedge)\s+(\S+)\s+(\S+)", line)
        if match:
            rows[match[1]] = (match[2], match[3])
    return rows


def reference_ratios(ref, positions):
    """{measure: (ratio, tolerance)} of assets ``positions`` (by id) over the liabilities."""
    ids = list(ref.instruments.index)
    x = np.array([positions[i] for i in ids], dtype=float)
    liabilities = ref.liabilities.loc["total"]
    # Per-unit exposures agree with ldi to MONEY_RTOL x UNIT_SCALE per unit (tests/reference.py).
    error = MONEY_RTOL * (UNIT_SCALE * np.abs(x).sum() + book_scale(ref))
    result = {}
    for measure in ("pv", "pv01", "ie01"):
        denominator = liabilities[measure]
        if denominator == 0:
            result[measure] = (float("nan"), 0.0)
            continue
        value = float(ref.instruments[measure].to_numpy() @ x / denominator)
        result[measure] = (value, error * (1 + abs(value)) / abs(denominator))
    return result


def held(ref):
    """The reference's holdings as positions of every instrument (0 when not held)."""
    return ref.holdings["position"].reindex(ref.instruments.index, fill_value=0.0)


def holdings_of(raw, ids):
    return np.array([raw.get("holdings", {}).get(i, 0.0) for i in ids], dtype=float)


# --- Solved problems -----------------------------------------------------------------------------


@pytest.fixture(scope="module", params=PROBLEM_FILES, ids=lambda p: p.name)
def solved(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("solve") / "out"  # a folder the command must create
    return request.param, solve_cli(request.param, folder)


def test_solve_exits_0_and_prints_the_headline(solved):
    path, run = solved
    assert run.code == 0, run.err
    assert run.err == f"wrote {run.folder / 'result.json'}\n"
    name = yaml.safe_load(path.read_text())["name"]
    assert run.out.startswith(f"{name}: optimal (")
    ref = reference(path)
    before = reference_ratios(ref, held(ref))
    after = reference_ratios(ref, run.data["positions"])
    printed = headline(run.out)
    # a problem with no inflation exposure (the reference's IE01 ratio undefined) has no row
    shown = {k: v for k, v in HEADLINE.items() if not np.isnan(before[v][0] + after[v][0])}
    assert list(printed) == list(shown)
    for label, measure in shown.items():
        assert_printed(printed[label][0], *before[measure], percent, f"{label} before")
        assert_printed(printed[label][1], *after[measure], percent, f"{label} after")
    for title in ("Allocation", "Objective", "Binding constraints"):
        assert f"\n{title}" in run.out


def test_solve_json_has_the_results_numbers(solved):
    path, run = solved
    ref = reference(path)
    data = run.data
    assert data["status"] == "optimal"
    assert data["name"] == ref.name
    assert list(data["positions"]) == list(ref.instruments.index)
    after = reference_ratios(ref, data["positions"])
    assert data["funding_ratio"] == pytest.approx(after["pv"][0], abs=after["pv"][1])
    for risk, measure in (("rates", "pv01"), ("inflation", "ie01")):
        value, tolerance = after[measure]
        if np.isnan(value):
            assert data["hedge_ratios"][risk] is None  # NaN is written as null
        else:
            assert data["hedge_ratios"][risk] == pytest.approx(value, abs=tolerance)
    before = reference_ratios(ref, held(ref))
    assert data["before"]["rates"] == pytest.approx(before["pv01"][0], abs=before["pv01"][1])
    # Trades are positions less the file's holdings.
    raw = yaml.safe_load(path.read_text())
    ids = list(data["positions"])
    x = np.array(list(data["positions"].values()))
    trades = np.array([data["trades"][i] for i in ids])
    np.testing.assert_allclose(trades, x - holdings_of(raw, ids), rtol=0, atol=1e-6)


def test_solve_json_is_the_decision_record(solved):
    """The result's dictionary with the report's extras (tests/reporting/test_record.py)."""
    path, run = solved
    problem = ldi.load_problem(path)
    expected = json.loads(json.dumps(decision_record(problem, problem.solve()).to_dict()))
    for data in (expected, run.data):  # solve times differ between runs
        data["solver"].pop("time_s")
        for attempt in data["solver"]["attempts"]:
            attempt.pop("time_s")
        if data["clean_up"] is not None:
            data["clean_up"].pop("time_s")
    assert run.data == expected


def test_solve_json_is_written_atomically(solved):
    _, run = solved
    assert [p.name for p in run.folder.iterdir()] == ["result.json"]  # no temporary left


def test_positions_cost_the_capital_or_what_the_cost_term_reports(solved):
    path, run = solved
    ref = reference(path)
    raw = yaml.safe_load(path.read_text())
    ids = list(ref.instruments.index)
    pv = ref.instruments["pv"].to_numpy()
    value = pv @ np.array([run.data["positions"][i] for i in ids])
    if "budget" in raw["constraints"]:
        assert value == pytest.approx(pv @ holdings_of(raw, ids), rel=SOLVER_RTOL)
    else:  # the insurer buys its portfolio at the least cost
        (cost,) = [row for row in run.data["objective"] if row["term"] == "cost"]
        assert cost["value"] == pytest.approx(value, rel=1e-12)


# --- Solver choice -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "name"),
    [pytest.param("clarabel", "CLARABEL", id="lower-case"), pytest.param("HIGHS", "HIGHS")],
)
def test_solver_option_picks_the_first_solver(tmp_path, option, name):
    run = solve_cli(DEFAULT_PROBLEM, tmp_path, "--solver", option)
    assert run.code == 0, run.err
    assert run.out.startswith(f"Representative UK DB scheme: optimal ({name}, ")
    assert run.data["solver"]["name"] == name
    assert run.data["solver"]["attempts"][0]["solver"] == name
    # The optimum is unique in value (not in positions): another solver must agree.
    other = ldi.load_problem(DEFAULT_PROBLEM).solve("CLARABEL" if name == "HIGHS" else "HIGHS")
    assert run.data["objective_value"] == pytest.approx(other.objective_value, rel=1e-6)
    for risk in ("rates", "inflation"):
        assert run.data["hedge_ratios"][risk] == pytest.approx(other.hedge_ratios[risk], abs=1e-6)


def test_unknown_solver_is_refused_by_the_parser(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["solve", str(DEFAULT_PROBLEM), "--solver", "gurobi"])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert "argument --solver: invalid choice: 'GUROBI'" in err
    assert "'HIGHS', 'CLARABEL', 'OSQP', 'SCS'" in err


# --- Invalid input: exit 2 ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("edits", "fragments"),
    [
        pytest.param(
            {"constraints.1": {"hedge_ratio": {"risk": "rates", "minimum": 0.95}}},
            ["error: constraints[1].hedge_ratio.minimum: unknown option", "'min'"],
            id="unknown-option",
        ),
        pytest.param(
            {"constraints.3": {"leverage": {"max": -1}}},
            [
                "error: constraints[3].leverage.max: got -1.0; expected a leverage (notional "
                "per unit of capital) in [0, 100]"
            ],
            id="bad-limit",
        ),
        pytest.param(
            {"constraints.6": {"bounds": {"instrument": "CASHH", "min_fraction": 0.02}}},
            ["error: constraints[6].bounds.instrument: got 'CASHH'; expected instrument ids"],
            id="unknown-instrument-found-when-compiling",
        ),
        pytest.param(
            {"objective": DROP},
            ["error: objective: missing; expected e.g. 'objective: {minimize: ["],
            id="no-objective",
        ),
        pytest.param(
            {"solver": {"name": "cplex"}},
            ["error: solver.name: got 'cplex'; expected one of"],
            id="unknown-solver-in-the-file",
        ),
        pytest.param(
            {"solver": {"options": {"CLARABEL": {"max_itr": 500}}}},
            ["error: solver.options.CLARABEL.max_itr: got 500; CLARABEL refuses it"],
            id="unknown-solver-option",
        ),
        pytest.param(
            {"solver": {"options": {"CLARABEL": {"max_iter": "many"}}}},
            ["error: solver.options.CLARABEL.max_iter: got 'many'; CLARABEL refuses it"],
            id="solver-option-of-the-wrong-type",
        ),
        pytest.param(
            {"objective.minimize.1": {"tracking_error": {"weight": 1.0e20}}},
            [
                "error: objective.minimize[1].tracking_error.weight: got 1e+20; expected a "
                "weight between 1e-06 and 1e+06"
            ],
            id="weight-out-of-range",
        ),
    ],
)
def test_invalid_input_exits_2_naming_the_field_and_writes_nothing(tmp_path, edits, fragments):
    path = write_problem(tmp_path, edited(raw_problem(), edits))
    run = solve_cli(path, tmp_path / "out")
    assert run.code == 2
    assert run.out == ""
    for fragment in fragments:
        assert fragment in run.err
    assert run.data is None
    assert list((tmp_path / "out").iterdir()) == []
    if "objective" not in edits:  # ldi validate finds what ldi solve would refuse
        with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()) as err:
            assert main(["validate", str(path)]) == 2
        # validate also warns of flows beyond a curve's last tenor; its errors are solve's
        errors = [line for line in err.getvalue().splitlines() if not line.startswith("warning:")]
        assert errors == run.err.splitlines()


def test_a_problem_without_objective_still_validates(tmp_path, capsys):
    path = write_problem(tmp_path, edited(raw_problem(), {"objective": DROP}))
    assert main(["validate", str(path)]) == 0  # the risk commands need no objective
    assert "valid" in capsys.readouterr().out


def test_missing_problem_file_exits_2(tmp_path):
    run = solve_cli(tmp_path / "nope.yaml", tmp_path / "out")
    assert run.code == 2
    assert "nope.yaml: cannot read the problem file" in run.err


# --- Other failures: exit 1 ----------------------------------------------------------------------


def test_an_unexpected_failure_exits_1(tmp_path, monkeypatch):
    def crash(self, solver=None):
        raise RuntimeError("solver crashed")

    monkeypatch.setattr(OptimizationProblem, "solve", crash)
    run = solve_cli(DEFAULT_PROBLEM, tmp_path / "out")
    assert run.code == 1
    assert run.err == "error: RuntimeError: solver crashed\n"
    assert run.data is None


def test_no_usable_solver_exits_1_and_reports_every_attempt(tmp_path, monkeypatch):
    monkeypatch.setattr(solvers, "installed_solvers", frozenset)  # none installed
    run = solve_cli(DEFAULT_PROBLEM, tmp_path / "out")
    assert run.code == 1
    assert run.out.startswith("Representative UK DB scheme: error (")
    data = run.data
    assert data["status"] == "error"
    assert data["objective_value"] is None
    assert all(value is None for value in data["positions"].values())
    attempts = data["solver"]["attempts"]
    assert [a["solver"] for a in attempts] == ["CLARABEL", "OSQP", "SCS"]  # a QP's order
    assert {a["status"] for a in attempts} == {"not installed"}


def test_an_answer_the_solver_calls_inaccurate_but_that_passes_the_checks_exits_0(
    tmp_path, monkeypatch
):
    exact = solvers.status_of

    def inaccurate(raw):
        status = exact(raw)
        return solvers.Status.INACCURATE if status is solvers.Status.OPTIMAL else status

    monkeypatch.setattr(solvers, "status_of", inaccurate)
    raw = edited(complete_example(), {"solver": {"name": "CLARABEL", "fallback": []}})
    path = write_problem(tmp_path, raw)
    run = solve_cli(path, tmp_path / "out")
    assert run.code == 0
    assert run.out.startswith("Example DB scheme, quarterly rebalance: optimal (CLARABEL, ")
    assert run.data["status"] == "optimal"
    assert all(value is not None for value in run.data["positions"].values())


def test_an_answer_that_fails_its_checks_exits_1_naming_the_rows(tmp_path, monkeypatch):
    corrupting("CLARABEL", monkeypatch)  # every position 1% off: the budget fails
    raw = edited(complete_example(), {"solver": {"name": "CLARABEL", "fallback": []}})
    path = write_problem(tmp_path, raw)
    run = solve_cli(path, tmp_path / "out")
    assert run.code == 1
    (warning,) = [line for line in run.err.splitlines() if line.startswith("warning: ")]
    assert "no solver's answer passed its checks" in warning
    assert ".py:" not in run.err  # one line, no source file or line
    assert run.out.startswith("Example DB scheme, quarterly rebalance: inaccurate (CLARABEL, ")
    assert "Not verified: " in run.out
    assert "budget" in run.out
    assert run.data["status"] == "inaccurate"
    assert run.data["objective_value"] is None
    assert all(value is None for value in run.data["positions"].values())


def test_a_warning_is_one_line_without_the_source(tmp_path):
    raw = edited(complete_example(), {"liabilities.past_flows": "drop"})
    raw["liabilities"]["cashflows"].insert(0, {"time": -5, "fixed": 1.5e6})
    path = write_problem(tmp_path, raw)
    err = io.StringIO()
    with redirect_stdout(io.StringIO()), redirect_stderr(err):
        assert main(["validate", str(path)]) == 0
    (line,) = err.getvalue().splitlines()
    assert line.startswith("warning: liabilities.cashflows: left out 1 past flow")


def complete_example():
    """The complete example of the problem-file reference (its cash flows inline)."""
    return yaml.safe_load(shown("docs/problem-files.md", "name: Example DB scheme", "yaml"))


def test_the_complete_example_does_what_its_prose_says(tmp_path):
    """The hedge raised from 47% to 85%, the repo row binding, the rise it absorbs."""
    prose = (ROOT / "docs" / "problem-files.md").read_text()
    prose = " ".join(prose[prose.index("## A complete example") :].split()[:90])
    before, after = re.search(r"from (\d+)% to (\d+)%", prose).groups()
    (absorbed,) = re.search(r"absorbs a ([\d,]+)bp rise", prose).groups()
    run = solve_cli(write_problem(tmp_path, complete_example()), tmp_path / "out")
    assert run.code == 0
    hedge = re.search(r"Rates hedge +([\d.]+)% +([\d.]+)%", run.out).groups()
    assert [round(float(v)) for v in hedge] == [int(before), int(after)]
    assert re.search(rf"Rise absorbed \[nominal\] +\S.*? {absorbed}bp", run.out)
    assert "Binds: repo_collateral[UKT_2052]" in run.out


def test_a_trillion_pound_benefit_beside_a_95m_budget_exits_3(tmp_path):
    raw = complete_example()
    raw["liabilities"]["cashflows"][0]["fixed"] = 1.0e12
    run = solve_cli(write_problem(tmp_path, raw), tmp_path / "out")
    assert run.code == 3
    assert ": infeasible (" in run.out.splitlines()[0]


# --- Infeasible: exit 3 --------------------------------------------------------------------------

LEVERAGE = 0.01  # with a rates hedge of at least 95%: the scheme would need leverage


@pytest.fixture(scope="module")
def infeasible(tmp_path_factory):
    folder = tmp_path_factory.mktemp("infeasible")
    raw = raw_problem()
    assert raw["constraints"][3] == {"leverage": {"max": 1.5}}
    assert raw["constraints"][1] == {"hedge_ratio": {"risk": "rates", "min": 0.95, "max": 1.0}}
    path = write_problem(folder, edited(raw, {"constraints.3.leverage.max": LEVERAGE}))
    return solve_cli(path, folder / "out")


def test_infeasible_exits_3_and_prints_the_conflict(infeasible):
    run = infeasible
    assert run.code == 3
    assert run.out.startswith("Representative UK DB scheme: infeasible (")
    assert run.err == f"wrote {run.folder / 'result.json'}\n"
    (line,) = [ln for ln in run.out.splitlines() if ln.startswith("Infeasible: ")]
    assert " conflicts with " in line
    assert f"leverage <= {LEVERAGE:.4g}" in line
    assert "hedge_ratio[rates].min >= 0.95" in line
    assert "leverage would need " in line
    assert "hedge_ratio[rates].min would need " in line
    assert line == f"Infeasible: {infeasible.data['diagnosis']['message']}"
    assert "\nAllocation" not in run.out  # no positions to show
    ref = reference(DEFAULT_PROBLEM)
    before = reference_ratios(ref, held(ref))
    for label, (printed_before, printed_after) in headline(run.out).items():
        assert_printed(printed_before, *before[HEADLINE[label]], percent, label)
        assert printed_after == "-"


def test_infeasible_json_has_the_diagnosis_and_no_positions(infeasible):
    data = infeasible.data
    assert data["status"] == "infeasible"
    assert data["objective_value"] is None
    assert all(value is None for value in data["positions"].values())
    assert data["hedge_ratios"] == {
        "rates": None,
        "inflation": None,
        "rates@sonia": None,
        "inflation@sonia": None,
        "inflation:cpi": None,
        "inflation:rpi": None,
    }
    rows = {row["row"]: row for row in data["diagnosis"]["rows"]}
    assert {"leverage", "hedge_ratio[rates].min"} <= set(rows)
    assert rows["leverage"]["bound"] == LEVERAGE
    assert rows["leverage"]["relaxation"] > 0
    assert rows["hedge_ratio[rates].min"]["bound"] == 0.95
    assert [p.name for p in infeasible.folder.iterdir()] == ["result.json"]


class DefaultLimits:
    """The default scheme's limits as a linear program over x (positions) and u (|overlays|).

    Rows from problems/uk_db_scheme.yaml: budget (Σ pv x = capital), rates and inflation hedge
    bands on the reference's PV01 and IE01, growth 35-45% and credit ≤ 15% of the capital,
    cash ≥ 2%, long-only physical assets and repo, and leverage ≤ ``leverage`` (Σ u + repo ≤
    leverage x (physical − repo)) unless None.
    """

    def __init__(self):
        ref, raw = reference(DEFAULT_PROBLEM), raw_problem()
        self.ids = list(ref.instruments.index)
        self.role = ref.terms["kind"].map(ROLES).to_numpy()
        self.pv, self.pv01, self.ie01 = (
            ref.instruments[c].to_numpy() for c in ("pv", "pv01", "ie01")
        )
        self.liabilities = ref.liabilities.loc["total"]
        self.capital = float(self.pv @ holdings_of(raw, self.ids))
        self.groups = raw["groups"]
        self.overlays = np.flatnonzero(self.role == "overlay")

    def member(self, ids):
        return np.isin(self.ids, ids).astype(float)

    def padded(self, row):
        return np.concatenate([row, np.zeros(self.overlays.size)])

    def solve(self, objective, *, leverage, rates_min=True):
        """The optimal value of ``objective`` (over x and u) under the limits."""
        n, m = len(self.ids), self.overlays.size
        rows, values = [], []

        def at_most(row, value):  # row over x, or over x and u
            rows.append(row if row.size == n + m else self.padded(row))
            values.append(value)

        pv01, ie01 = self.liabilities["pv01"], self.liabilities["ie01"]
        if rates_min:
            at_most(-self.pv01, -0.95 * pv01)
        at_most(self.pv01, 1.0 * pv01)
        at_most(-self.ie01, -0.80 * ie01)
        at_most(self.ie01, 0.90 * ie01)
        growth, credit = self.member(self.groups["growth"]), self.member(self.groups["credit"])
        at_most(-growth, -0.35 * self.capital)
        at_most(growth, 0.45 * self.capital)
        at_most(credit, 0.15 * self.capital)
        at_most(-self.member(["CASH"]), -0.02 * self.capital)
        for j, i in enumerate(self.overlays):  # u_j >= |x_i|
            for sign in (1.0, -1.0):
                row = np.zeros(n + m)
                row[i], row[n + j] = sign, -1.0
                at_most(row, 0.0)
        if leverage is not None:
            physical, repo = (self.role == "physical") * 1.0, (self.role == "financing") * 1.0
            at_most(np.concatenate([repo - leverage * (physical - repo), np.ones(m)]), 0.0)
        long_only = np.isin(self.role, ["physical", "financing"])
        bounds = [(0, None) if covered else (None, None) for covered in long_only]
        solution = linprog(
            objective,
            A_ub=np.vstack(rows),
            b_ub=values,
            A_eq=self.padded(self.pv)[None, :],
            b_eq=[self.capital],
            bounds=bounds + [(0, None)] * m,
            method="highs",
        )
        assert solution.status == 0, solution.message
        return solution.fun


def test_diagnosis_needs_are_the_limits_linear_programs_reach(infeasible):
    rows = {row["row"]: row for row in infeasible.data["diagnosis"]["rows"]}
    limits = DefaultLimits()
    # Overlays cost nothing at par, so the fund's net assets are the capital and leverage is
    # linear: (Σ|overlay notionals| + repo) / capital. Least leverage with every other limit:
    assert np.abs(limits.pv[limits.overlays]).max() < 1e-12
    repo = (limits.role == "financing") * 1.0
    objective = np.concatenate([repo, np.ones(limits.overlays.size)]) / limits.capital
    least_leverage = limits.solve(objective, leverage=None)
    assert least_leverage > LEVERAGE
    assert rows["leverage"]["needed_alone"] == pytest.approx(least_leverage, rel=1e-6)
    # Highest rates hedge ratio with leverage <= 0.01 and every other limit:
    objective = limits.padded(-limits.pv01) / limits.liabilities["pv01"]
    highest = -limits.solve(objective, leverage=LEVERAGE, rates_min=False)
    assert highest < 0.95
    assert rows["hedge_ratio[rates].min"]["needed_alone"] == pytest.approx(highest, abs=1e-6)
    line = next(ln for ln in infeasible.out.splitlines() if ln.startswith("Infeasible: "))
    assert f"leverage would need {least_leverage:.4g}" in line
    assert f"hedge_ratio[rates].min would need {highest:.4g}" in line


def test_a_reader_that_goes_away_is_not_reported_as_an_error():
    # `ldi solve x.yaml | head -1`: the summary's writes meet a closed pipe.
    read, write = os.pipe()
    os.close(read)
    code = (
        f"import sys; from ldi.cli import main; sys.exit(main(['solve', {str(DEFAULT_PROBLEM)!r}]))"
    )
    try:
        finished = subprocess.run(
            [sys.executable, "-c", code], stdout=write, stderr=subprocess.PIPE, check=False
        )
    finally:
        os.close(write)
    assert finished.stderr == b""
    assert finished.returncode == 1


def test_the_documented_solve_blocks_are_what_it_prints(tmp_path):
    """docs/optimization.md shows the default scheme's collateral block, clean-up and tickets."""
    run = solve_cli(DEFAULT_PROBLEM, tmp_path)
    assert run.code == 0, run.err
    for block in (
        shown("docs/optimization.md", "Collateral (collateral_buffer"),
        shown("docs/optimization.md", "held at the holdings by a clean-up"),
        shown("docs/optimization.md", "Tickets (GBP"),
    ):
        assert_shows(block, run.out)


def test_the_documented_diagnosis_is_what_it_prints(tmp_path):
    """docs/optimization.md shows the default scheme with its leverage limit cut to 0.1."""
    raw = edited(raw_problem(), {"constraints.3.leverage.max": 0.1})
    run = solve_cli(write_problem(tmp_path, raw), tmp_path / "out")
    assert run.code == 3, run.err
    # The diagnosis prints an infeasible point to 4 decimals of a billion: its last digits are
    # the solver's build (1e-9 relative is a hundredth of a pound on a billion).
    block = shown("docs/optimization.md", "infeasible (CLARABEL")
    assert_shows(block, run.out, noise=1e-9)


def test_the_readme_solve_excerpt_is_what_it_prints(tmp_path):
    """The README's Quickstart shows an excerpt of ``ldi solve`` on the default problem."""
    run = solve_cli(DEFAULT_PROBLEM, tmp_path)
    assert run.code == 0, run.err
    assert_shows(shown("README.md", "Binding constraints"), run.out)


def test_a_solve_warns_when_lpi_rests_on_the_default_volatility(tmp_path):
    """No market.inflation_volatility: one warning line; with the example's own: none."""
    raw = complete_example()
    raw["market"].pop("inflation_volatility")
    path = write_problem(tmp_path, raw)
    err = io.StringIO()
    with redirect_stdout(io.StringIO()), redirect_stderr(err):
        assert main(["stress", str(path)]) == 0
    (line,) = err.getvalue().splitlines()
    assert line == (
        "warning: LPI is priced on the default inflation volatility (lognormal 1.5% a year): "
        "the liabilities' IE01 and inflation hedge ratios rest on it; give "
        "market.inflation_volatility"
    )
    err = io.StringIO()
    with redirect_stdout(io.StringIO()), redirect_stderr(err):
        assert main(["stress", str(write_problem(tmp_path, complete_example()))]) == 0
    assert err.getvalue() == ""
