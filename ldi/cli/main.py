"""Argument parsing and exit codes; each command only loads, computes and writes."""

import argparse
import errno
import json
import logging
import os
import sys
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ldi.curves.spread import DEFAULT_KEYS
from ldi.errors import DataError, InfeasibleError, LDIError, LDIWarning, SolveError
from ldi.io.load import load_problem
from ldi.io.manifest import input_files, run_manifest, utc_now
from ldi.io.record import DecisionRecord
from ldi.io.result_file import read_positions, read_result
from ldi.io.schema import SimulationSpec, problem_schema
from ldi.liquidity.recapitalisation import DEADLINE_DAYS, TARGET_BP
from ldi.optimize.frontier import POINTS, SCENARIOS_MIN
from ldi.optimize.problem import OptimizationProblem
from ldi.optimize.solvers import SOLVERS, Status
from ldi.plausible import YEARS as TIME_IN_YEARS
from ldi.reporting.risk_report import risk_report
from ldi.reporting.stress_report import StressReport
from ldi.reporting.sweep_report import SweepReport
from ldi.scenarios.projection import YEARS, Rebalance
from ldi.storage.atomic import check_replaceable, write_text_atomic
from ldi.stress import stress_test
from ldi.sweep import MAX_VARIANTS, MAX_WORKERS, parse_vary, sweep
from ldi.validation import tenor_vector

W_DEFAULT_LPI = (
    "LPI is priced on the default inflation volatility (lognormal 1.5% a year): the "
    "liabilities' IE01 and inflation hedge ratios rest on it; give market.inflation_volatility"
)

EXIT_OK, EXIT_ERROR, EXIT_INVALID, EXIT_INFEASIBLE = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # 128 + SIGINT, the shells' code for a command ended by Ctrl-C
E_INTERRUPTED = "interrupted: stopped before the end; no file was left half-written"
E_WHOLE = "got {value!r}; expected a whole number {expected}"
E_NUMBER = "got {value!r}; expected a number from {low:,g} to {high:,g}"
SCENARIOS = (  # up to the problem file's own cap on simulation.scenarios
    1,
    next(
        rule.le for rule in SimulationSpec.model_fields["scenarios"].metadata if hasattr(rule, "le")
    ),
)
E_EMPTY_PATH = "got an empty path; expected a name to write to"
E_EMPTY_INPUT = "got an empty path; expected a file to read"
E_IS_INPUT = "{option} {path}: is {input}, an input of this run; expected another file"
E_HOLDS_INPUT = (
    "{option} {path}: holds {input}, an input of this run, which writing the folder would "
    "replace; expected a folder apart from the inputs"
)
E_CANNOT_WRITE = (
    "{option} {path}: cannot write ({reason}); expected a file name in a folder that can be "
    "written to"
)
WRITE_REFUSALS = {  # errors of the path asked for (exit 2); any other is the system's (exit 1)
    errno.EEXIST: "a part of the path is a file, not a folder",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EISDIR: "it is a folder",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "a read-only file system",
    errno.ENOENT: "no such folder",
    errno.ENAMETOOLONG: "a name too long",
}
CHARTS = "PNG, PDF or SVG by the extension: .png, .pdf or .svg"
log = logging.getLogger("ldi")


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("default", LDIWarning)  # shown once each, never raised
            warnings.showwarning = _show_warning
            return args.command(args)
    except SolveError as error:  # a solve with no usable answer: 3 infeasible, else 1
        print(f"error: {error}", file=sys.stderr)
        return EXIT_INFEASIBLE if isinstance(error, InfeasibleError) else EXIT_ERROR
    except LDIError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_INVALID
    except BrokenPipeError:
        # The reader went away (e.g. `ldi solve x.yaml | head`): not a failure to report.
        # Python's own recipe: point stdout at devnull so the exit flush cannot fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_ERROR
    except KeyboardInterrupt:  # Ctrl-C: workers are ended, files only ever written whole
        print(E_INTERRUPTED, file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:  # the CLI is the one place that turns any failure into a code
        log.debug("unexpected failure", exc_info=True)
        print(f"error: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_ERROR


def _show_warning(message: Warning | str, *_: Any, **__: Any) -> None:
    """A warning as one line on standard error, without the source file and line."""
    print(f"warning: {message}", file=sys.stderr)


def _loaded(path: str) -> OptimizationProblem:
    """The problem at ``path``; a warning when its LPI rests on the default volatility."""
    problem = load_problem(path)
    if problem.liabilities.rests_on_default_volatility:
        warnings.warn(W_DEFAULT_LPI, LDIWarning, stacklevel=2)
    return problem


def _validate(args: argparse.Namespace) -> int:
    problem = load_problem(args.problem)
    problem.check()
    print(f"{args.problem}: valid ({problem.name})")
    return EXIT_OK


def _risk(args: argparse.Namespace) -> int:
    problem = load_problem(args.problem)
    _check_outputs(args, _inputs(args, problem))
    portfolio = None
    if args.positions:
        problem = problem.holding(read_positions(args.positions))
        portfolio = f"optimized positions ({args.positions})"
    return _emit(risk_report(problem, args.keys, portfolio), args)


def _solve(args: argparse.Namespace) -> int:
    from ldi.reporting.outputs import FILE_NAMES
    from ldi.reporting.record import decision_record
    from ldi.reporting.solve_report import SolveSummary

    started = utc_now()
    problem = _loaded(args.problem)
    _check_outputs(args, _inputs(args, problem), FILE_NAMES)
    result = problem.solve(args.solver)
    print(SolveSummary.of(result).as_text())  # before any write: a failed write keeps it
    if args.json or args.out or args.report:  # the record runs the stresses: only on request
        record = decision_record(problem, result)
        page = _report_page(record) if args.report else None  # drawn before any write
        if args.json:
            _write_json(args.json, record.to_dict())
        if args.out:
            _write_outputs(args, problem, result, record, started)
        if page is not None:
            _write_text(args.report, page, "--report")
    if result.status is Status.INFEASIBLE:
        return EXIT_INFEASIBLE
    return EXIT_OK if result.ok else EXIT_ERROR


def _stress(args: argparse.Namespace) -> int:
    problem = _loaded(args.problem)
    _check_outputs(args, _inputs(args, problem))
    current = stress_test(problem, None, args.scenario)
    report = StressReport(current)
    if args.positions:
        portfolio = f"optimized positions ({args.positions})"
        solved = read_positions(args.positions)
        report = StressReport(
            stress_test(problem, solved, args.scenario, portfolio=portfolio), current
        )
    return _emit(report, args)


def _recap(args: argparse.Namespace) -> int:
    from ldi.recap import recapitalise
    from ldi.reporting.recap_report import RecapReport

    problem = _loaded(args.problem)
    _check_outputs(args, _inputs(args, problem))
    positions = read_positions(args.positions) if args.positions else None
    recap = recapitalise(
        problem, positions, scenario=args.scenario, target_bp=args.target_bp, days=args.days
    )
    code = _emit(RecapReport.of(recap), args)
    return code if recap.ok else EXIT_INFEASIBLE


def _frontier(args: argparse.Namespace) -> int:
    from ldi.optimize.frontier import efficient_frontier  # the optimizer loads cvxpy
    from ldi.reporting.frontier_report import FrontierReport, portfolio_marks

    problem = _loaded(args.problem)
    _check_outputs(args, _inputs(args, problem))
    frontier = efficient_frontier(problem, args.risk, args.points, args.scenarios, args.seed)
    marks = None
    if args.plot:  # the chart marks the current holdings and the problem's own solve
        portfolios = {"Current holdings": problem.holdings}
        result = problem.solve()
        if result.ok:
            portfolios["Chosen portfolio (solved)"] = result.positions
        draws = {"scenarios": args.scenarios, "seed": args.seed}
        marks = portfolio_marks(problem, frontier, portfolios, **draws)
    return _emit(FrontierReport(frontier, marks), args)


def _emit(report: "Any", args: argparse.Namespace) -> int:
    """Print ``report``'s text, then write it as JSON (``--json``) and a chart (``--plot``).

    The text comes first, so a write that fails loses nothing printed.
    """
    print(report.as_text())
    if args.json:
        _write_json(args.json, report.to_dict())
    if getattr(args, "plot", None):
        with _naming_failures("--plot", args.plot):
            report.plot(args.plot)
        print(f"wrote {args.plot}", file=sys.stderr)
    return EXIT_OK


def _project(args: argparse.Namespace) -> int:
    from ldi.projection import funding_projection
    from ldi.reporting.projection_report import ProjectionReport

    problem = _loaded(args.problem)
    _check_outputs(args, _inputs(args, problem))
    positions, portfolio = None, "current holdings"
    if args.solve:
        result = problem.solve()
        if not result.ok:  # only a verified optimum is a policy; exit as ldi solve would
            detail = f": {result.diagnosis.message}" if result.diagnosis else ""
            ended = f"{args.problem}: the solve ended {result.status.value}{detail}; no policy"
            print(f"error: {ended}", file=sys.stderr)
            return EXIT_INFEASIBLE if result.status is Status.INFEASIBLE else EXIT_ERROR
        positions, portfolio = result.positions, "optimized positions"
    elif args.positions:
        positions, portfolio = read_positions(args.positions), f"positions ({args.positions})"
    projection = funding_projection(
        problem,
        positions,
        years=args.years,
        scenarios=args.scenarios,
        seed=args.seed,
        rebalance=args.rebalance,
        scheduler=args.scheduler,
        workers=args.workers,
    )
    return _emit(ProjectionReport(projection, portfolio), args)


def _sweep(args: argparse.Namespace) -> int:
    """Solve the variants; print the table and the failures, then write the JSON."""
    _check_outputs(args, [Path(args.problem)])
    result = sweep(args.problem, parse_vary(args.vary), args.scheduler, args.workers)
    print(SweepReport(result).as_text())
    for index, error in sorted(result.failures.items()):
        print(f"variant {index} failed: {error}", file=sys.stderr)
    if args.json:  # after the table: a write that fails loses nothing printed
        _write_json(args.json, result.to_dict())
    return EXIT_ERROR if result.failures else EXIT_OK


def _project_members(args: argparse.Namespace) -> int:
    from ldi.io.members import membership_files
    from ldi.membership import project_members

    scheme = membership_files(args.members, args.basis)
    rows = project_members(
        scheme.members,
        scheme.basis,
        scheme.valuation.year,
        scheme.spec.years,
        where=scheme.name,
        scheduler=args.scheduler,
        workers=args.workers,
    )
    text = scheme.table(rows, Path(args.basis).name).to_csv(index=False)
    if args.out:
        _write_text(args.out, text, "--out")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    text = json.dumps(problem_schema(), indent=2) + "\n"
    if args.out:
        _write_text(args.out, text, "--out")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _report(args: argparse.Namespace) -> int:
    _check_outputs(args, [Path(args.result)])
    _write_report(args.out, read_result(args.result))
    return EXIT_OK


def _write_report(path: str, record: DecisionRecord) -> None:
    """The HTML report of ``record``, written atomically (``--out``); its path on standard error."""
    _write_text(path, _report_page(record), "--out")


def _report_page(record: DecisionRecord) -> str:
    """The self-contained HTML report of ``record``, its charts drawn."""
    from ldi.reporting.charts import record_charts
    from ldi.reporting.html_report import html_report

    return html_report(record, record_charts(record))


def _write_outputs(
    args: argparse.Namespace, problem: "Any", result: "Any", record: DecisionRecord, started: str
) -> None:
    """The solve's JSON, CSV and Markdown outputs and their manifest, into ``--out``."""
    from ldi.reporting.outputs import solve_files, write_outputs

    files = solve_files(result, record)
    manifest = run_manifest(
        ["ldi", *args.argv],
        input_files(Path(args.problem), problem),
        result.solver.to_dict(),
        started,
        {name: text.encode() for name, text in files.items()},
    )
    files["manifest.json"] = json.dumps(manifest, indent=2) + "\n"
    with _naming_failures("--out", args.out):
        written = write_outputs(args.out, files)
    print(f"wrote {len(written)} files to {args.out}", file=sys.stderr)


def _write_json(path: str, data: dict[str, Any], option: str = "--json") -> None:
    """Write ``data`` as JSON atomically and say where on standard error."""
    _write_text(path, json.dumps(data, indent=2) + "\n", option)


def _write_text(path: str, text: str, option: str) -> None:
    """Write ``text`` atomically and say where on standard error (errors name ``option``)."""
    with _naming_failures(option, path):
        written = write_text_atomic(path, text)
    print(f"wrote {written}", file=sys.stderr)


def _inputs(args: argparse.Namespace, problem: "Any") -> list[Path]:
    """The files this run reads: the problem's (``input_files``) and a ``--positions`` file."""
    positions = [Path(args.positions)] if getattr(args, "positions", None) else []
    return [*input_files(Path(args.problem), problem), *positions]


def _check_outputs(
    args: argparse.Namespace, inputs: Iterable[Path], folder_names: Iterable[str] = ()
) -> None:
    """Refuse, before computing, outputs that would replace an input (DataError, exit 2).

    ``--json``, ``--report`` and ``--plot`` may not be an input file, nor may a file ``--out``
    writes; given ``folder_names``, ``--out`` is a folder of those files that may hold no
    input and must be replaceable (``check_replaceable``).
    """
    read = [Path(p) for p in inputs]
    is_folder = bool(folder_names)
    for option in ("json", "report", "plot", *(() if is_folder else ("out",))):
        path = getattr(args, option, None)
        same = [p for p in read if path and _same_file(Path(path), p)]
        if same:
            raise DataError(E_IS_INPUT.format(option=f"--{option}", path=path, input=same[0]))
    if is_folder and args.out:
        folder = Path(args.out).resolve()
        held = [p for p in read if p.resolve().is_relative_to(folder)]
        if held:
            raise DataError(E_HOLDS_INPUT.format(option="--out", path=args.out, input=held[0]))
        try:
            check_replaceable(args.out, folder_names)
        except DataError as error:
            raise DataError(f"--out {error}") from None


def _same_file(path: Path, other: Path) -> bool:
    """Whether ``path`` and ``other`` are one file (by name, link or hard link)."""
    try:
        return os.path.samefile(path, other)
    except OSError:  # the output does not exist yet: it cannot be an input
        return False


@contextmanager
def _naming_failures(option: str, path: str) -> Iterator[None]:
    """A write to ``path`` whose OSError names ``option`` and ``path``.

    An error of the path asked for (a file where a folder is needed, a folder, no permission:
    WRITE_REFUSALS) is invalid input, a DataError (exit 2); any other (a full disk, an I/O
    error) stays an OSError (exit 1).
    """
    try:
        yield
    except OSError as error:
        reason = WRITE_REFUSALS.get(error.errno) if error.errno is not None else None
        if reason is not None:
            raise DataError(
                E_CANNOT_WRITE.format(option=option, path=path, reason=reason)
            ) from None
        raise OSError(f"{option}: {error.strerror or error}: {path!r}") from None


def _path(refusal: str) -> Callable[[str], str]:
    """An argparse type: a path, a blank one refused with ``refusal`` (exit 2)."""

    def path(text: str) -> str:
        if not text.strip():
            raise argparse.ArgumentTypeError(refusal)
        return text

    return path


_output_path, _input_path = _path(E_EMPTY_PATH), _path(E_EMPTY_INPUT)


def _chart_path(text: str) -> str:
    """A ``--plot`` value whose extension names a chart format: checked before computing."""
    from ldi.reporting.plots import chart_format  # matplotlib: only when a chart is asked for

    try:
        chart_format(_output_path(text))
    except DataError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ldi", description="Liability-driven investment tools.")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check a problem file without computing")
    validate.add_argument("problem", help="problem YAML file")
    validate.set_defaults(command=_validate)

    risk = commands.add_parser(
        "risk", help="funding ratio, hedge ratios, liability and asset exposures"
    )
    risk.add_argument("problem", help="problem YAML file")
    risk.add_argument(
        "--keys",
        type=float,
        nargs="+",
        action=_Tenors,
        default=list(DEFAULT_KEYS),
        metavar="YEARS",
        help="key-rate tenors in years, positive and increasing (default: %(default)s)",
    )
    risk.add_argument(
        "--positions",
        type=_input_path,
        metavar="RESULT.json",
        help="report on the optimized positions of an 'ldi solve --json' result instead of "
        "the current holdings",
    )
    risk.add_argument(
        "--json", type=_output_path, metavar="OUT.json", help="also write the report as JSON"
    )
    risk.set_defaults(command=_risk)

    solve = commands.add_parser(
        "solve", help="optimize positions and overlays; print allocation, trades and limits"
    )
    solve.add_argument("problem", help="problem YAML file")
    solve.add_argument(
        "--json",
        type=_output_path,
        metavar="OUT.json",
        help="also write the decision record (result, stresses) as JSON",
    )
    solve.add_argument(
        "--report",
        type=_output_path,
        metavar="OUT.html",
        help="also write the self-contained HTML report",
    )
    solve.add_argument(
        "--out",
        type=_output_path,
        metavar="DIR",
        help="also write result.json, positions.csv, tickets.csv, exposures.csv, "
        "constraints.csv, summary.md and manifest.json (inputs' hashes, versions, solver, "
        "times) to DIR",
    )
    solve.add_argument(
        "--solver",
        type=str.upper,
        choices=SOLVERS,
        help="solver to try first (default: by problem type)",
    )
    solve.set_defaults(command=_solve)

    stress = commands.add_parser(
        "stress", help="stress scenarios: funding, surplus and collateral headroom, step by step"
    )
    stress.add_argument("problem", help="problem YAML file")
    stress.add_argument(
        "--positions",
        type=_input_path,
        metavar="RESULT.json",
        help="stress the optimized positions of an 'ldi solve --json' result, compared with "
        "the current holdings (default: the current holdings alone)",
    )
    stress.add_argument(
        "--scenario", nargs="+", metavar="NAME", help="scenarios to run (default: all)"
    )
    stress.add_argument(
        "--json", type=_output_path, metavar="OUT.json", help="also write the results as JSON"
    )
    stress.set_defaults(command=_stress)

    recap = commands.add_parser(
        "recap",
        help="recapitalisation plan: what to sell or unwind, by which day, to restore "
        "the collateral buffer",
    )
    recap.add_argument("problem", help="problem YAML file")
    recap.add_argument(
        "--scenario",
        metavar="NAME",
        help="a stress scenario applied first (default: the problem's recapitalisation "
        "scenario, else none)",
    )
    recap.add_argument(
        "--target-bp",
        type=_number(*TARGET_BP),
        metavar="N",
        help="the rise the restored buffer absorbs, bond-yield bp (default: the problem's "
        "recapitalisation target, else its collateral_buffer rise, else 250)",
    )
    recap.add_argument(
        "--days",
        type=_whole(*DEADLINE_DAYS),
        metavar="D",
        help="the deadline in business days (default: the problem's, else its collateral window)",
    )
    recap.add_argument(
        "--positions",
        type=_input_path,
        metavar="RESULT.json",
        help="plan for the optimized positions of an 'ldi solve --json' result (default: the "
        "current holdings)",
    )
    recap.add_argument(
        "--json", type=_output_path, metavar="OUT.json", help="also write the plan as JSON"
    )
    recap.add_argument(
        "--plot", type=_chart_path, metavar="OUT.png", help="also draw the buffer's waterfall"
    )
    recap.set_defaults(command=_recap)

    frontier = commands.add_parser(
        "frontier", help="efficient frontier: expected surplus return against surplus risk"
    )
    frontier.add_argument("problem", help="problem YAML file")
    frontier.add_argument(
        "--risk",
        choices=["volatility", "cvar"],
        default="volatility",
        help="surplus volatility (factor model) or CVaR 95%% of simulated losses",
    )
    frontier.add_argument(
        "--points",
        type=_whole(*POINTS),
        default=11,
        help=f"points, {POINTS[0]} to {POINTS[1]} (default: 11)",
    )
    _draw_options(frontier, 10_000, "simulated scenarios for cvar", "scenario seed", SCENARIOS_MIN)
    frontier.add_argument(
        "--json", type=_output_path, metavar="OUT.json", help="also write the points as JSON"
    )
    frontier.add_argument(
        "--plot", type=_chart_path, metavar="OUT.png", help=f"also plot the frontier ({CHARTS})"
    )
    frontier.set_defaults(command=_frontier)

    report = commands.add_parser(
        "report", help="the HTML report of a result written by 'ldi solve --json'"
    )
    report.add_argument("result", help="a result JSON file of 'ldi solve --json'")
    report.add_argument(
        "--out", type=_output_path, metavar="OUT.html", required=True, help="the report to write"
    )
    report.set_defaults(command=_report)

    project = commands.add_parser(
        "project", help="funding-ratio projection over simulated years (a fan chart)"
    )
    project.add_argument("problem", help="problem YAML file")
    policy = project.add_mutually_exclusive_group()
    policy.add_argument(
        "--positions",
        type=_input_path,
        metavar="RESULT.json",
        help="positions of 'ldi solve --json' (default: the current holdings)",
    )
    policy.add_argument("--solve", action="store_true", help="solve first; project the result")
    project.add_argument(
        "--years",
        type=_whole(*YEARS),
        default=10,
        help=f"years, {YEARS[0]} to {YEARS[1]} (default: 10)",
    )
    _draw_options(project, 5_000, "simulated paths", "paths' seed")
    project.add_argument(
        "--rebalance",
        choices=[rule.value for rule in Rebalance],
        default=Rebalance.RESTRIKE.value,
        help="each year-end: re-strike the hedge to the policy's key-rate hedge ratios "
        "(restrike, the default) or keep its PV01 hedge ratio (hedge), the rest in growth and "
        "cash; hold every position at its share of the assets (constant_mix); or solve the "
        "problem's optimization again on each path (resolve)",
    )
    _scheduler_options(project, "share a resolve projection's paths out: ")
    project.add_argument(
        "--json", type=_output_path, metavar="OUT.json", help="also write the table as JSON"
    )
    project.add_argument(
        "--plot", type=_chart_path, metavar="OUT.png", help=f"also plot the fan chart ({CHARTS})"
    )
    project.set_defaults(command=_project)

    sweeping = commands.add_parser(
        "sweep", help="solve many variants of a problem: serially, on processes or on Dask"
    )
    sweeping.add_argument("problem", help="problem YAML file")
    sweeping.add_argument(
        "--vary",
        nargs="+",
        action="extend",  # several --vary add up; the last does not replace the others
        required=True,
        metavar="PATH=VALUES",
        help="a term's option by the term's name (e.g. hedge_ratio[rates].min=0.9:1.0:11), "
        "or another key of the file (e.g. liabilities.spread=0.004,0.005), and its values, "
        "START:STOP:COUNT or V1,V2,...; several --vary give every combination, at most "
        f"{MAX_VARIANTS:,} variants",
    )
    _scheduler_options(sweeping)
    sweeping.add_argument(
        "--json", type=_output_path, metavar="OUT.json", help="also write the results as JSON"
    )
    sweeping.set_defaults(command=_sweep)

    liabilities = commands.add_parser(
        "liabilities", help="liabilities from member data: project a membership's cash flows"
    )
    actions = liabilities.add_subparsers(required=True, metavar="ACTION")
    members = actions.add_parser(
        "project",
        help="a membership's expected benefit payments by year, status and tranche, as the "
        "benefit table liabilities.cashflows reads",
    )
    members.add_argument("members", metavar="MEMBERS.csv", help="one row per member")
    members.add_argument(
        "--basis",
        required=True,
        metavar="BASIS.yaml",
        help="the projection's basis (mortality, spouses, commutation) and valuation_date",
    )
    members.add_argument(
        "--out",
        type=_output_path,
        metavar="flows.csv",
        help="write the table here (atomically) instead of printing it",
    )
    _scheduler_options(members, "share the membership out: ")
    members.set_defaults(command=_project_members)

    schema = commands.add_parser(
        "schema", help="the JSON Schema of a problem file, for editors' completion and checks"
    )
    schema.add_argument(
        "--out", type=_output_path, metavar="OUT.json", help="write it here instead of printing it"
    )
    schema.set_defaults(command=_schema)
    return parser


def _draw_options(
    command: argparse.ArgumentParser, count: int, what: str, seed: str, least: int = SCENARIOS[0]
) -> None:
    """``--scenarios`` (``least`` to the schema's cap) and ``--seed``: the simulated draws."""
    command.add_argument(
        "--scenarios",
        type=_whole(least, SCENARIOS[1]),
        default=count,
        help=f"{what}, {least:,} to {SCENARIOS[1]:,} (default: {count:,})",
    )
    command.add_argument("--seed", type=_whole(0), default=0, help=f"{seed} (default: 0)")


def _scheduler_options(command: argparse.ArgumentParser, purpose: str = "") -> None:
    """``--scheduler`` and ``--workers``: where work runs (ldi.sweep's machinery)."""
    command.add_argument(
        "--scheduler",
        default="serial",
        help=f"{purpose}serial, processes, local (a Dask LocalCluster) or a Dask scheduler "
        "address such as tcp://host:8786 (default: serial)",
    )
    command.add_argument(
        "--workers",
        type=_whole(1, MAX_WORKERS),
        default=2,
        help=f"local workers, 1 to {MAX_WORKERS} (default: 2)",
    )


def _whole(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` (to ``high``), else exit 2 naming it."""

    def whole(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < low or (high is not None and value > high):
            expected = f"from {low:,} to {high:,}" if high is not None else f"of {low:,} or more"
            raise argparse.ArgumentTypeError(E_WHOLE.format(value=text, expected=expected))
        return value

    return whole


def _number(low: float, high: float) -> Callable[[str], float]:
    """An argparse type: a finite number from ``low`` to ``high``, else exit 2 naming it."""

    def number(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = float("nan")
        if not low <= value <= high:  # NaN fails too
            raise argparse.ArgumentTypeError(E_NUMBER.format(value=text, low=low, high=high))
        return value

    return number


class _Tenors(argparse.Action):
    """Key-rate tenors: finite, positive and strictly increasing, else exit 2 naming them."""

    def __call__(
        self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any, *_: Any
    ) -> None:
        try:
            tenors = tenor_vector(values, "keys")
            TIME_IN_YEARS.check_each(tenors, "keys")  # the file's cap on keys
        except DataError as error:
            raise argparse.ArgumentError(self, str(error)) from None
        setattr(namespace, self.dest, tenors.tolist())
