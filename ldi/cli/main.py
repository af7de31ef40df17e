"""Argument parsing and exit codes; each command only loads, computes and writes."""

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ldi.curves.spread import DEFAULT_KEYS
from ldi.errors import DataError, LDIError
from ldi.io.atomic import write_text_atomic
from ldi.io.load import load_problem
from ldi.io.manifest import input_files, run_manifest, utc_now
from ldi.optimize.solvers import SOLVERS, Status
from ldi.reporting.risk_report import risk_report
from ldi.reporting.stress_report import StressReport
from ldi.scenarios.projection import Rebalance
from ldi.stress import stress_test

EXIT_OK, EXIT_ERROR, EXIT_INVALID, EXIT_INFEASIBLE = 0, 1, 2, 3
E_RESULT = "{file}: {problem}; expected a result written by 'ldi solve --json'"
REPORT_KEYS = (
    "name",
    "currency",
    "status",
    "solver",
    "scale",
    "positions",
    "holdings",
    "trades",
    "exposures",
    "buckets",
)
log = logging.getLogger("ldi")


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    try:
        return args.command(args)
    except LDIError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_INVALID
    except BrokenPipeError:
        # The reader went away (e.g. `ldi solve x.yaml | head`): not a failure to report.
        # Python's own recipe: point stdout at devnull so the exit flush cannot fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_ERROR
    except Exception as error:  # the CLI is the one place that turns any failure into a code
        log.debug("unexpected failure", exc_info=True)
        print(f"error: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_ERROR


def _validate(args: argparse.Namespace) -> int:
    problem = load_problem(args.problem)
    problem.check()
    print(f"{args.problem}: valid ({problem.name})")
    return EXIT_OK


def _risk(args: argparse.Namespace) -> int:
    return _emit(risk_report(load_problem(args.problem), args.keys), args)


def _solve(args: argparse.Namespace) -> int:
    from ldi.reporting.record import decision_record

    started = utc_now()
    problem = load_problem(args.problem)
    result = problem.solve(args.solver)
    if args.json or args.out or args.report:  # the record runs the stresses: only on request
        record = decision_record(problem, result)
        if args.json:
            _write_json(args.json, record)
        if args.out:
            _write_outputs(args, problem, result, record, started)
        if args.report:
            _write_report(args.report, record)
    print(result.summary().as_text())
    if result.status is Status.INFEASIBLE:
        return EXIT_INFEASIBLE
    return EXIT_OK if result.ok else EXIT_ERROR


def _stress(args: argparse.Namespace) -> int:
    problem = load_problem(args.problem)
    current = stress_test(problem, None, args.scenario)
    report = StressReport(current)
    if args.positions:
        portfolio = f"optimized positions ({args.positions})"
        solved = _solved_positions(args.positions)
        report = StressReport(
            stress_test(problem, solved, args.scenario, portfolio=portfolio), current
        )
    return _emit(report, args)


def _frontier(args: argparse.Namespace) -> int:
    from ldi.optimize.frontier import efficient_frontier  # the optimizer loads cvxpy

    problem = load_problem(args.problem)
    frontier = efficient_frontier(problem, args.risk, args.points, args.scenarios, args.seed)
    return _emit(frontier, args)


def _emit(report: "Any", args: argparse.Namespace) -> int:
    """Write ``report`` as JSON (``--json``) and a chart (``--plot``), then print its text."""
    if args.json:
        _write_json(args.json, report.to_dict())
    if getattr(args, "plot", None):
        report.plot(args.plot)
        print(f"wrote {args.plot}", file=sys.stderr)
    print(report.as_text())
    return EXIT_OK


def _project(args: argparse.Namespace) -> int:
    from ldi.projection import funding_projection

    problem = load_problem(args.problem)
    positions = None
    if args.solve:
        result = problem.solve()
        if not result.ok:
            raise DataError(f"{args.problem}: the solve ended {result.status.value}; no policy")
        positions = result.positions
    elif args.positions:
        positions = _solved_positions(args.positions)
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
    return _emit(projection, args)


def _sweep(args: argparse.Namespace) -> int:
    from ldi.sweep import parse_vary, sweep  # the optimizer loads cvxpy

    variants = parse_vary(args.vary)
    result = sweep(args.problem, variants, args.scheduler, args.workers)
    if args.json:
        _write_json(args.json, result.to_dict())
    table = result.table()
    print(table.to_string(float_format=lambda v: f"{v:,.6g}"))
    for index, error in result.failures.items():
        print(f"variant {index} failed: {error}", file=sys.stderr)
    return EXIT_ERROR if result.failures else EXIT_OK


def _report(args: argparse.Namespace) -> int:
    record = _read_result(args.result)
    missing = [k for k in REPORT_KEYS if not isinstance(record, dict) or k not in record]
    if missing:
        raise DataError(E_RESULT.format(file=args.result, problem=f"no {missing[0]!r}"))
    _write_report(args.out, record)
    return EXIT_OK


def _write_report(path: str, record: dict[str, Any]) -> None:
    """The HTML report of ``record``, written atomically; its path on standard error."""
    from ldi.reporting.html_report import html_report, record_charts

    page = html_report(record, record_charts(record))
    print(f"wrote {write_text_atomic(path, page)}", file=sys.stderr)


def _write_outputs(
    args: argparse.Namespace, problem: "Any", result: "Any", record: dict[str, Any], started: str
) -> None:
    """The solve's JSON, CSV and Markdown outputs and their manifest, into ``--out``."""
    from ldi.reporting.outputs import solve_files, write_outputs

    files = solve_files(result, record)
    manifest = run_manifest(
        ["ldi", *args.argv],
        input_files(Path(args.problem), problem.spec),
        result.solver.to_dict(),
        started,
        {name: text.encode() for name, text in files.items()},
    )
    files["manifest.json"] = json.dumps(manifest, indent=2) + "\n"
    written = write_outputs(args.out, files)
    print(f"wrote {len(written)} files to {args.out}", file=sys.stderr)


def _write_json(path: str, data: dict[str, Any]) -> None:
    """Write ``data`` as JSON atomically and say where on standard error."""
    text = json.dumps(data, indent=2) + "\n"
    print(f"wrote {write_text_atomic(path, text)}", file=sys.stderr)


def _read_result(file: str) -> Any:
    """A result file's JSON; a DataError when it cannot be read or is not JSON."""
    try:
        with open(file, encoding="utf-8") as handle:
            result = json.load(handle)
    except OSError as error:
        raise DataError(E_RESULT.format(file=file, problem=error.strerror or error)) from None
    except json.JSONDecodeError as error:
        raise DataError(E_RESULT.format(file=file, problem=f"not JSON ({error})")) from None
    return result


def _solved_positions(file: str) -> dict[str, float]:
    """The positions of a solve result's JSON; a DataError when it has none."""
    result = _read_result(file)
    positions = result.get("positions") if isinstance(result, dict) else None
    if not isinstance(positions, dict) or not positions:
        raise DataError(E_RESULT.format(file=file, problem="no positions"))
    missing = sorted(k for k, v in positions.items() if not isinstance(v, int | float))
    if missing:
        status = result.get("status")
        problem = f"no position for {missing} (the solve ended {status!r})"
        raise DataError(E_RESULT.format(file=file, problem=problem))
    return {str(k): float(v) for k, v in positions.items()}


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
        default=list(DEFAULT_KEYS),
        metavar="YEARS",
        help="key-rate tenors in years (default: %(default)s)",
    )
    risk.add_argument("--json", metavar="OUT.json", help="also write the report as JSON")
    risk.set_defaults(command=_risk)

    solve = commands.add_parser(
        "solve", help="optimize positions and overlays; print allocation, trades and limits"
    )
    solve.add_argument("problem", help="problem YAML file")
    solve.add_argument(
        "--json",
        metavar="OUT.json",
        help="also write the decision record (result, stresses) as JSON",
    )
    solve.add_argument(
        "--report", metavar="OUT.html", help="also write the self-contained HTML report"
    )
    solve.add_argument(
        "--out",
        metavar="DIR",
        help="also write result.json, positions.csv, exposures.csv, constraints.csv, "
        "summary.md and manifest.json (inputs' hashes, versions, solver, times) to DIR",
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
        metavar="RESULT.json",
        help="stress the optimized positions of an 'ldi solve --json' result, compared with "
        "the current holdings (default: the current holdings alone)",
    )
    stress.add_argument(
        "--scenario", nargs="+", metavar="NAME", help="scenarios to run (default: all)"
    )
    stress.add_argument("--json", metavar="OUT.json", help="also write the results as JSON")
    stress.set_defaults(command=_stress)

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
    frontier.add_argument("--points", type=int, default=11, help="points (default: 11)")
    frontier.add_argument(
        "--scenarios", type=int, default=10_000, help="simulated scenarios for cvar (10,000)"
    )
    frontier.add_argument("--seed", type=int, default=0, help="scenario seed (default: 0)")
    frontier.add_argument("--json", metavar="OUT.json", help="also write the points as JSON")
    frontier.add_argument("--plot", metavar="OUT.png", help="also plot the frontier")
    frontier.set_defaults(command=_frontier)

    report = commands.add_parser(
        "report", help="the HTML report of a result written by 'ldi solve --json'"
    )
    report.add_argument("result", help="a result JSON file of 'ldi solve --json'")
    report.add_argument("--out", metavar="OUT.html", required=True, help="the report to write")
    report.set_defaults(command=_report)

    project = commands.add_parser(
        "project", help="funding-ratio projection over simulated years (a fan chart)"
    )
    project.add_argument("problem", help="problem YAML file")
    policy = project.add_mutually_exclusive_group()
    policy.add_argument(
        "--positions",
        metavar="RESULT.json",
        help="positions of 'ldi solve --json' (default: the current holdings)",
    )
    policy.add_argument("--solve", action="store_true", help="solve first; project the result")
    project.add_argument("--years", type=int, default=10, help="years (default: 10)")
    project.add_argument(
        "--scenarios", type=int, default=5_000, help="simulated paths (default: 5,000)"
    )
    project.add_argument("--seed", type=int, default=0, help="scenario seed (default: 0)")
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
    project.add_argument("--json", metavar="OUT.json", help="also write the table as JSON")
    project.add_argument("--plot", metavar="OUT.png", help="also plot the fan chart")
    project.set_defaults(command=_project)

    sweeping = commands.add_parser(
        "sweep", help="solve many variants of a problem: serially, on processes or on Dask"
    )
    sweeping.add_argument("problem", help="problem YAML file")
    sweeping.add_argument(
        "--vary",
        nargs="+",
        required=True,
        metavar="PATH=VALUES",
        help="a key of the file and its values, START:STOP:COUNT or V1,V2,...; several "
        "--vary give every combination (e.g. constraints.1.hedge_ratio.min=0.9:1.0:11)",
    )
    _scheduler_options(sweeping)
    sweeping.add_argument("--json", metavar="OUT.json", help="also write the results as JSON")
    sweeping.set_defaults(command=_sweep)
    return parser


def _scheduler_options(command: argparse.ArgumentParser, purpose: str = "") -> None:
    """``--scheduler`` and ``--workers``: where work runs (ldi.sweep's machinery)."""
    command.add_argument(
        "--scheduler",
        default="serial",
        help=f"{purpose}serial, processes, local (a Dask LocalCluster) or a Dask scheduler "
        "address such as tcp://host:8786 (default: serial)",
    )
    command.add_argument("--workers", type=int, default=2, help="local workers (default: 2)")
