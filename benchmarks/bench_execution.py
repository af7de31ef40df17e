"""Execution benchmark: trades in whole lots and minimum tickets, a MILP on HiGHS.

What it measures
----------------
``problem.solve()`` on problems with an ``execution`` section, which makes every trade a
whole number of lots, each zero or at least a minimum ticket (``ldi.optimize.execution``):
the continuous optimum first, then rounds of a MILP on HiGHS (outer-approximation cuts for
the curved terms) and a continuous re-solve with the trades held, until the best answer is
within ``mip_gap`` of the integer optimum. Two cases:

1. ``default``: the default problem (``problems/uk_db_scheme.yaml``, 21 instruments) with
   the ``execution`` section of docs/problem-files.md: lots of 10,000 face for gilts,
   strips and linkers, 1m for swaps and repo, 100,000 for growth assets; minimum tickets of
   1m face for gilts and linkers and 5m notional for swaps; ``mip_gap`` 0.001.
2. ``gilts_200``: the same problem with its gilts, strip and linkers replaced by 200
   synthetic conventional gilts (maturities evenly from 1 to 50 years, coupons drawn with a
   seed from 0.5% to 5% in eighths, each priced on the gilt curve at spread 0), the swaps,
   repo, credit, growth assets and cash kept. The four gilts' holdings (GBP 290m) go to the
   synthetic gilt nearest each one's maturity, and each repo's collateral is the synthetic
   gilt that replaces its default collateral (26.6 and 16.9 years). The linkers' holdings (GBP 200m)
   leave with them, so the holdings are worth GBP 1.09bn. No constraint, group or collateral
   entry of the default problem names a gilt or linker; the script checks that.
   The same ``execution`` section.

Each case is timed cold (``ldi.load_problem`` from the parsed file, then ``solve()``: a new
problem each run, so the model is compiled inside the timing) and warm (``solve()`` again
on one problem, whose compiled model is cached), and the same without the ``execution``
section (the continuous solve, with its clean-up re-solve of the trades below the smallest
trade). Timings are the best of a few interleaved runs after a warm-up
(``time.perf_counter``, garbage collection off; ``time_runs`` of ``bench_risk.py``); medians
are in the JSON file. Every run's answer is kept: cold and warm solves must give the same
positions (reported, not enforced).

Recorded per case: the continuous and integer objectives (money-equivalent units), the cost
of rounding (integer − continuous, absolute, relative to the continuous objective and in bp
of the liabilities' PV), the gap proved, rounds, status, ``rounding.time_s`` (the execution
part) and ``solver.time_s`` (the continuous solve inside it).

Target
------
Reported, not enforced: the default problem cold under 1 s and the 200-gilt case cold under
10 s on this machine, each with status ``optimal`` (within the 0.1% gap).

Checks (enforced; the script exits with status 1 if any fails), on the cold answer of each
case, against the lots and minimum tickets given here rather than the library's own tables:

- every ticket's nominal is a whole number of its kind's lot (to a penny), or the line is
  sold out (position 0);
- every ticket is at least its kind's minimum ticket (nominal), or sells the line out; a
  kind without one must trade at least the smallest trade, 0.0001 of the holdings' value
  (the default ``solver.min_trade_fraction``), in money;
- every check of ``result.verification`` passed;
- ``rounding.integer >= rounding.continuous − 1e-6 x`` the liabilities' PV;
- ``rounding.gap <= mip_gap`` when the status is ``optimal``.

How to run
----------
``make bench`` or ``.venv/bin/python benchmarks/bench_execution.py`` from the repository
root (about two and a half minutes, most of it the 200-gilt case). Results go to
``benchmarks/results/bench_execution.json`` and ``bench_execution.md``, each written to a
temporary file and renamed into place.
"""

import contextlib
import copy
import datetime as dt
import importlib.metadata
import json
import sys
from pathlib import Path

import cvxpy as cp
import numpy as np
import pandas as pd
from bench_risk import finish, machine_info, time_runs, verdict

import ldi
from ldi.io.reading import read_yaml

ROOT = Path(__file__).resolve().parents[1]
PROBLEM = ROOT / "problems" / "uk_db_scheme.yaml"

# The execution section of docs/problem-files.md (face for bonds, notional for swaps, cash
# for repo, money for growth assets).
EXECUTION = {
    "lots": {
        "bond": 10_000.0,
        "zero_coupon_bond": 10_000.0,
        "index_linked_bond": 10_000.0,
        "interest_rate_swap": 1e6,
        "inflation_swap": 1e6,
        "repo": 1e6,
        "return_seeking": 1e5,
    },
    "min_tickets": {
        "bond": 1e6,
        "index_linked_bond": 1e6,
        "interest_rate_swap": 5e6,
        "inflation_swap": 5e6,
    },
    "mip_gap": 0.001,
}
MIN_TRADE_FRACTION = 1e-4  # the default solver.min_trade_fraction: of the holdings' value

GILTS = 200
SEED = 20251231
GOVERNMENT = ("bond", "zero_coupon_bond", "index_linked_bond")  # but credit: true

REPEATS = {"default": 5, "gilts_200": 2}
TARGET_S = {"default": 1.0, "gilts_200": 10.0}
PENNY = 0.01  # a ticket's nominal is to the penny
OBJECTIVE_TOL = 1e-6  # of the liabilities' PV: integer >= continuous less this

CASES = {  # labels, with the instruments each case's file holds
    "default": "default problem ({count} instruments)",
    "gilts_200": "200 synthetic gilts, swaps, repo, credit, growth, cash ({count} instruments)",
}


# --- the problems ----------------------------------------------------------------------------


def with_execution(raw: dict) -> dict:
    """The problem with the execution section above."""
    return {**copy.deepcopy(raw), "execution": copy.deepcopy(EXECUTION)}


def without_execution(raw: dict) -> dict:
    """The problem without an execution section: continuous trades."""
    return {key: copy.deepcopy(value) for key, value in raw.items() if key != "execution"}


def is_government(instrument: dict) -> bool:
    return instrument["kind"] in GOVERNMENT and not instrument.get("credit", False)


def synthetic_gilts() -> list[dict]:
    """200 conventional gilts: maturities evenly 1-50 years, coupons 0.5-5% in eighths."""
    rng = np.random.default_rng(SEED)
    maturities = np.round(np.linspace(1.0, 50.0, GILTS), 2)
    coupons = np.round(rng.uniform(0.005, 0.05, GILTS) * 800.0) / 800.0
    return [
        {
            "id": f"GILT_{k + 1:03d}",
            "kind": "bond",
            "coupon": float(coupon),
            "maturity": float(maturity),
            "spread": 0.0,  # on the gilt curve
        }
        for k, (maturity, coupon) in enumerate(zip(maturities, coupons, strict=True))
    ]


def gilts_problem(raw: dict) -> tuple[dict, dict]:
    """The default problem on 200 synthetic gilts, and what was moved where.

    Each default gilt's holding goes to the synthetic gilt nearest its maturity, and the
    repo's collateral to the synthetic gilt replacing it; linkers and the strip go.
    """
    problem = copy.deepcopy(raw)
    removed = [i for i in problem["instruments"] if is_government(i)]
    ids = {i["id"] for i in removed}
    rest = {key: value for key, value in problem.items() if key not in ("instruments", "holdings")}
    text = json.dumps(rest, default=str)
    named = sorted(i for i in ids if i in text)
    if named:  # a constraint, group or collateral entry would need adapting
        raise SystemExit(f"the default problem names removed instruments outside them: {named}")
    gilts = synthetic_gilts()
    maturities = np.array([g["maturity"] for g in gilts])
    replaced = {
        i["id"]: gilts[int(np.argmin(np.abs(maturities - i["maturity"])))]["id"] for i in removed
    }
    holdings = {k: float(v) for k, v in problem["holdings"].items() if k not in ids}
    moved = {}
    for i in removed:
        held = float(problem["holdings"].get(i["id"], 0.0))
        if i["kind"] == "bond" and held:
            holdings[replaced[i["id"]]] = holdings.get(replaced[i["id"]], 0.0) + held
            moved[i["id"]] = {"to": replaced[i["id"]], "holding": held}
    kept = [i for i in problem["instruments"] if i["id"] not in ids]
    collateral = {}
    for i in kept:
        if i["kind"] == "repo" and i.get("collateral") in ids:
            collateral[i["id"]] = {"was": i["collateral"], "now": replaced[i["collateral"]]}
            i["collateral"] = replaced[i["collateral"]]
    problem["instruments"] = gilts + kept
    problem["holdings"] = holdings
    dropped = {
        i["id"]: float(raw["holdings"].get(i["id"], 0.0)) for i in removed if i["id"] not in moved
    }
    changes = {
        "removed": sorted(ids),
        "holdings_moved": moved,
        "holdings_dropped": dropped,
        "repo_collateral": collateral,
        "instruments": len(problem["instruments"]),
        "synthetic_gilts": GILTS,
    }
    return problem, changes


# --- timing ----------------------------------------------------------------------------------


def timed_case(raw: dict, repeats: int) -> tuple[dict, dict]:
    """Best and median seconds of cold and warm solves, with and without execution.

    Returns (timings, answers): every run's result, by kind of run.
    """
    executed, continuous = with_execution(raw), without_execution(raw)
    answers: dict[str, list] = {
        "cold": [],
        "warm": [],
        "continuous_cold": [],
        "continuous_warm": [],
    }
    warm = ldi.load_problem(executed)
    warm_continuous = ldi.load_problem(continuous)

    def cold() -> None:
        answers["cold"].append(ldi.load_problem(executed).solve())

    def again() -> None:
        answers["warm"].append(warm.solve())

    def continuous_cold() -> None:
        answers["continuous_cold"].append(ldi.load_problem(continuous).solve())

    def continuous_again() -> None:
        answers["continuous_warm"].append(warm_continuous.solve())

    def load() -> None:
        ldi.load_problem(executed)

    runs = {
        "load": load,
        "cold": cold,
        "warm": again,
        "continuous_cold": continuous_cold,
        "continuous_warm": continuous_again,
    }
    samples = time_runs(runs, repeats)
    timings = {
        name: {"best_s": float(s.min()), "median_s": float(np.median(s)), "runs": len(s)}
        for name, s in samples.items()
    }
    return timings, answers


def same_answers(results: list) -> dict:
    """Whether every run gave the same positions and objective (largest differences)."""
    first = results[0]
    positions = max(float((r.positions - first.positions).abs().max()) for r in results)  # money
    objective = max(abs(r.objective_value - first.objective_value) for r in results)
    return {
        "runs": len(results),
        "max_position_difference": positions,
        "max_objective_difference": objective,
        "same": bool(positions == 0.0 and objective == 0.0),
    }


# --- checks ----------------------------------------------------------------------------------


def ticket_checks(result) -> dict:
    """Whole lots and minimum tickets, from the tickets and the lots given above."""
    tickets, positions, trades = result.tickets, result.positions, result.trades
    capital = float(result.exposures.loc["pv", "assets_before"])
    min_trade = MIN_TRADE_FRACTION * capital
    off_lots, short, rows = 0.0, [], []
    lot_failures, ticket_failures = [], []
    for name, ticket in tickets.iterrows():
        kind = ticket["kind"]
        nominal = float(ticket["nominal"])
        sold_out = float(positions[name]) == 0.0
        lot = EXECUTION["lots"][kind]
        off = abs(nominal - lot * round(nominal / lot))
        if not sold_out:
            off_lots = max(off_lots, off)
            if off > PENNY:
                lot_failures.append(name)
        least = EXECUTION["min_tickets"].get(kind)
        if least is not None:
            above = nominal >= least - PENNY
            margin = nominal - least
        else:
            money = abs(float(trades[name]))
            above = money >= min_trade * (1.0 - 1e-9)
            margin = money - min_trade
        if not (above or sold_out):
            ticket_failures.append(name)
        if not sold_out:
            short.append(margin)
        rows.append(name)
    return {
        "tickets": len(rows),
        "sold_out": sorted(n for n in rows if float(positions[n]) == 0.0),
        "max_off_whole_lots": off_lots,
        "lot_failures": lot_failures,
        "least_margin_over_ticket": float(min(short)) if short else None,
        "smallest_trade": min_trade,
        "ticket_failures": ticket_failures,
        "lots_ok": not lot_failures,
        "tickets_ok": not ticket_failures,
    }


def best_and_median(values: list[float]) -> dict:
    return {"best_s": float(min(values)), "median_s": float(np.median(values))}


def figures(answers: dict) -> dict:
    """The cost of rounding of the first cold answer; times over the timed cold runs.

    The first answer of each kind is the warm-up run's: the times skip it.
    """
    result, continuous_result = answers["cold"][0], answers["continuous_cold"][0]
    cold, continuous_cold = answers["cold"][1:], answers["continuous_cold"][1:]
    rounding = result.rounding
    liabilities = float(result.exposures.loc["pv", "liabilities"])
    return {
        "status": result.status.value,
        "rounding_status": rounding.status,
        "continuous": float(rounding.continuous),
        "integer": float(rounding.integer),
        "bound": float(rounding.bound),
        "cost": float(rounding.cost),
        "cost_relative": float(rounding.cost / abs(rounding.continuous)),
        "cost_bp_of_liabilities": float(rounding.cost / liabilities * 1e4),
        "gap": float(rounding.gap),
        "mip_gap": float(rounding.mip_gap),
        "rounds": int(rounding.rounds),
        "execution_time": best_and_median([r.rounding.time_s for r in cold]),
        "continuous_solver_time": best_and_median([r.solver.time_s for r in cold]),
        "continuous_solver": result.solver.name,
        "liabilities_pv": liabilities,
        "holdings_value": float(result.exposures.loc["pv", "assets_before"]),
        "trades": int((result.trades != 0.0).sum()),
        "no_execution_objective": float(continuous_result.objective_value),
        "no_execution_status": continuous_result.status.value,
        "no_execution_solver_time": best_and_median([r.solver.time_s for r in continuous_cold]),
    }


def checks(result) -> dict:
    """The enforced checks of one executed answer."""
    rounding = result.rounding
    liabilities = float(result.exposures.loc["pv", "liabilities"])
    tickets = ticket_checks(result)
    verification = result.verification
    failed = [] if verification is None else list(verification.index[~verification["passed"]])
    floor = rounding.continuous - OBJECTIVE_TOL * liabilities
    items = {
        "whole_lots": {
            "what": "every ticket a whole number of lots (to a penny) or the line sold out",
            "value": tickets["max_off_whole_lots"],
            "ok": tickets["lots_ok"],
        },
        "min_tickets": {
            "what": "every ticket at least its minimum (or the smallest trade) or sold out",
            "value": tickets["least_margin_over_ticket"],
            "ok": tickets["tickets_ok"],
        },
        "verification": {
            "what": "every check of result.verification passed",
            "value": failed,
            "ok": verification is not None and not failed and result.ok,
        },
        "integer_above_continuous": {
            "what": "integer >= continuous - 1e-6 x liabilities' PV",
            "value": float(rounding.integer - floor),
            "ok": bool(rounding.integer >= floor),
        },
        "gap_within_mip_gap": {
            "what": "gap <= mip_gap when the status is optimal",
            "value": float(rounding.gap),
            "ok": bool(rounding.status != "optimal" or rounding.gap <= rounding.mip_gap),
        },
    }
    return {"items": items, "tickets": tickets, "ok": all(i["ok"] for i in items.values())}


def run_case(name: str, raw: dict) -> dict:
    """Times, figures and checks of one case."""
    timings, answers = timed_case(raw, REPEATS[name])
    result = answers["cold"][0]
    figs = figures(answers)
    checked = [checks(r) for r in answers["cold"] + answers["warm"]]
    cold = timings["cold"]["best_s"]
    met = bool(cold < TARGET_S[name] and result.rounding.status == "optimal")
    return {
        "label": CASES[name].format(count=len(raw["instruments"])),
        "timings": timings,
        "figures": figs,
        "repeat": {
            "executed": same_answers(answers["cold"] + answers["warm"]),
            "continuous": same_answers(answers["continuous_cold"] + answers["continuous_warm"]),
        },
        "checks": {
            **checked[0],
            "answers_checked": len(checked),
            "ok": all(c["ok"] for c in checked),
        },
        "target": {
            "cold_under_s": TARGET_S[name],
            "measured_s": cold,
            "time_met": bool(cold < TARGET_S[name]),
            "gap_met": result.rounding.status == "optimal",
            "met": met,
        },
        "lots": lot_rows(result.rounding.lots),
    }


def lot_rows(lots: pd.DataFrame) -> list[dict]:
    """The rounding's lots table as plain numbers (NaN lots: a line sold out)."""
    return [
        {
            "instrument": name,
            "lot": float(row["lot"]),
            "min_ticket": float(row["min_ticket"]),
            "lots": None if np.isnan(row["lots"]) else int(row["lots"]),
            "sold_out": bool(row["sold_out"]),
        }
        for name, row in lots.iterrows()
    ]


# --- report ----------------------------------------------------------------------------------


def seconds(value: float) -> str:
    return f"{value * 1e3:.0f} ms" if value < 1.0 else f"{value:.2f} s"


def markdown(report: dict) -> str:
    """The results as a short Markdown page."""
    m, cases = report["machine"], report["cases"]
    lines = [
        "# Execution benchmark: whole lots and minimum tickets (MILP on HiGHS)",
        "",
        f"Run {report['date']} by `benchmarks/bench_execution.py` (`make bench`) on {m['cpu']} "
        f"({m['cpu_count']} cores; 1-minute load average {m['load_average_1m']}), Python "
        f"{m['python']}, cvxpy {report['versions']['cvxpy']}, highspy "
        f"{report['versions']['highspy']}.",
        "",
        "`problem.solve()` with the `execution` section of docs/problem-files.md (lots: 10,000 "
        "face for gilts and linkers, 1m for swaps and repo, 100,000 for growth assets; minimum "
        "tickets 1m face for gilts and linkers, 5m notional for swaps; `mip_gap` 0.001). "
        "Cold: `ldi.load_problem` from the parsed file, then `solve()`; warm: `solve()` again "
        "on one problem (its compiled model cached). Best of "
        + " and ".join(f"{REPEATS[n]} ({n})" for n in cases)
        + " interleaved runs after a warm-up; medians in the JSON file.",
        "",
        "| case | cold (load + solve) | warm (solve) | of which execution | continuous solve "
        "inside | without execution: cold | warm | continuous solver |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for case in cases.values():
        t, f = case["timings"], case["figures"]
        lines.append(
            f"| {case['label']} | {seconds(t['cold']['best_s'])} | {seconds(t['warm']['best_s'])} "
            f"| {seconds(f['execution_time']['best_s'])} "
            f"| {seconds(f['continuous_solver_time']['best_s'])} "
            f"| {seconds(t['continuous_cold']['best_s'])} "
            f"| {seconds(t['continuous_warm']['best_s'])} "
            f"| {seconds(f['no_execution_solver_time']['best_s'])} |"
        )
    lines += [
        "",
        "Of which execution: `rounding.time_s` (the MILP rounds and continuous re-solves); "
        "continuous solve inside: `solver.time_s` of the same solve; continuous solver: "
        "`solver.time_s` of the problem without the `execution` section (its clean-up "
        "re-solve not included); each the best over the timed cold runs. Loading alone "
        "takes "
        + " and ".join(f"{seconds(c['timings']['load']['best_s'])} ({n})" for n, c in cases.items())
        + ".",
        "",
        "| case | continuous objective | integer objective | cost of rounding | relative "
        "| bp of liabilities' PV | gap | rounds | status |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for case in cases.values():
        f = case["figures"]
        lines.append(
            f"| {case['label']} | {f['continuous']:,.0f} | {f['integer']:,.0f} "
            f"| {f['cost']:+,.0f} | {100 * f['cost_relative']:.3f}% "
            f"| {f['cost_bp_of_liabilities']:.2f} | {100 * f['gap']:.3f}% "
            f"(limit {100 * f['mip_gap']:.1f}%) | {f['rounds']} | {f['rounding_status']} |"
        )
    lines += [
        "",
        "Objectives are in money-equivalent units (GBP); the cost of rounding is integer − "
        "continuous. Liabilities' PV and holdings' value: "
        + "; ".join(
            f"{name} GBP {c['figures']['liabilities_pv'] / 1e9:.3f}bn and "
            f"{c['figures']['holdings_value'] / 1e9:.3f}bn"
            for name, c in cases.items()
        )
        + ".",
        "",
        "| target | measured | met |",
        "|---|---:|:---:|",
    ]
    for case in cases.values():
        tg, f = case["target"], case["figures"]
        lines.append(
            f"| {case['label']}: cold under {tg['cold_under_s']:g} s, status optimal "
            f"(gap <= {100 * f['mip_gap']:.1f}%) | {seconds(tg['measured_s'])}, "
            f"{f['rounding_status']} ({100 * f['gap']:.3f}%) | {verdict(tg['met'])} |"
        )
    lines += ["", "| check | case | value | ok |", "|---|---|---:|:---:|"]
    for name, case in cases.items():
        for item in case["checks"]["items"].values():
            value = item["value"]
            shown = (
                ", ".join(value) or "none failed"
                if isinstance(value, list)
                else ("-" if value is None else f"{value:.4g}")
            )
            lines.append(f"| {item['what']} | {name} | {shown} | {verdict(item['ok'])} |")
    lines += [""]
    for name, case in cases.items():
        r = case["repeat"]
        lines.append(
            f"- {name}: {case['checks']['tickets']['tickets']} tickets, sold out: "
            f"{', '.join(case['checks']['tickets']['sold_out']) or 'none'}; cold and warm runs "
            f"give the same answer: {verdict(r['executed']['same'])} "
            f"({r['executed']['runs']} runs, positions within "
            f"{r['executed']['max_position_difference']:.2g}); without execution: "
            f"{verdict(r['continuous']['same'])}."
        )
    g = report["gilts_200_problem"]
    moved = ", ".join(
        f"{k} {v['holding'] / 1e6:g}m to {v['to']}" for k, v in g["holdings_moved"].items()
    )
    repo = ", ".join(f"{k} on {v['now']} (was {v['was']})" for k, v in g["repo_collateral"].items())
    dropped = sum(g["holdings_dropped"].values())
    lines += [
        "",
        f"200-gilt problem: the default's gilts, strip and linkers removed; holdings moved: "
        f"{moved}; repo: {repo}; holdings of GBP {dropped / 1e6:g}m dropped with the linkers.",
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    raw = read_yaml(PROBLEM)
    gilts, changes = gilts_problem(raw)
    cases = {}
    # Relative CSV paths of a problem given as a dict resolve against the working folder.
    with contextlib.chdir(PROBLEM.parent):
        for name, problem in (("default", raw), ("gilts_200", gilts)):
            cases[name] = run_case(name, problem)
            case = cases[name]
            t, f = case["timings"], case["figures"]
            print(
                f"{name}: cold {t['cold']['best_s']:.3f} s, warm {t['warm']['best_s']:.3f} s, "
                f"execution {f['execution_time']['best_s']:.3f} s, without execution cold "
                f"{t['continuous_cold']['best_s']:.3f} s; cost {f['cost']:+,.0f} "
                f"({100 * f['cost_relative']:.3f}%), gap {100 * f['gap']:.3f}%, "
                f"{f['rounds']} rounds, {f['rounding_status']}"
            )
            for item in case["checks"]["items"].values():
                print(f"  {item['what']:<75}{'ok' if item['ok'] else 'FAILED'}")
            target = case["target"]
            print(
                f"  target: cold under {target['cold_under_s']:g} s and optimal: "
                f"{'met' if target['met'] else 'MISSED'}"
            )
    report = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine_info(),
        "versions": {"cvxpy": cp.__version__, "highspy": importlib.metadata.version("highspy")},
        "execution": EXECUTION,
        "repeats": REPEATS,
        "gilts_200_problem": changes,
        "cases": cases,
        "targets_met": {name: case["target"]["met"] for name, case in cases.items()},
        "checks_ok": all(case["checks"]["ok"] for case in cases.values()),
    }
    return finish("bench_execution", report, markdown(report), report["checks_ok"])


if __name__ == "__main__":
    sys.exit(main())
