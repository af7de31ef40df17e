"""LPI benchmark: key-rate IE01s of 100,000 LPI cash flows in four tranches of one liability.

What it measures
----------------
One ``ldi.risk.exposures`` call on one liability stream held as ``Tranches`` of four parts,
each 25,000 expected real (inflation-linked) monthly payments to pension scheme members:

- LPI(0%, 5%) on RPI and LPI(0%, 2.5%) on RPI;
- LPI(0%, 5%) on CPI and LPI(0%, 2.5%) on CPI.

Members are drawn with a seed: pensioners (aged 60-90, paid from the first month) and
deferred members (aged 30-64, paid from 65), each paid a pension on the last day of every
month for 80 years (960 pay dates, ACT/365F from the valuation date 2025-12-31), weighted by
the chance of being alive then (Gompertz mortality, to age 110). The curves are the default
problem's: the annually compounded gilt zero curve (12 pillars) discounts; RPI breakevens
(12 pillars); CPI as RPI less a 1% a year wedge until RPI is aligned with CPIH in February
2030 (``WedgeCurve.over(rpi, (0, 4.09), (0.01, 0.0))``); both in
``IndexCurves({"rpi": ..., "cpi": ...}, "rpi")``. LPI is priced on the default problem's
normal caplet volatility surface (``CapletVolatility``, 1.4% at 1 year to 0.9% at 30 years).

The timed call is what a user's call does: ``exposures({"liability": tranches}, gilts,
curves)`` with the 12 default key tenors. It stacks the tranches into a ``CashflowMatrix``
(one row, one block of real amounts per indexation rule) and revalues it under 53 scenarios:
the base; nominal rates -/+1bp in parallel and at each of the 12 keys; breakevens +/-1bp in
parallel and at each key, rates held. Each scenario uprates every tranche by its own LPI
rule (each year's year-on-year forward collared at floor and cap on the volatility surface,
compounded to every pay date) on its index's moved curve. Out come PV, PV01, duration,
convexity, IE01, 12 key-rate PV01s and 12 key-rate IE01s. The matrix build and the
revaluation of a prebuilt matrix are timed apart as well.

Two more cases, for scaling: the same four tranches with 250,000 flows each (1,000,000 in
all, on the same 960 pay dates), and 25,000 flows each with every member paid on their own
day of the month (days 1-28), so the payments fall on about 24,000 distinct dates instead
of 960.

Timings are the best of several interleaved runs (``time.perf_counter``, garbage collection
off while timing, after one warm-up call; the timing functions of ``bench_risk.py``); medians
are in the JSON file.

Target (reported, not enforced): the full call on 100,000 flows on the monthly pay dates
under 50 ms. Agreement is enforced against a valuation written out here in numpy, flow by
flow and one scenario at a time (interpolated curves, the wedge averaged by hand, each
year's Bachelier collar, the uprating compounded from the yearly growths by logarithms):
PV to 1e-8 relative, PV01 and key-rate PV01s to 1e-8 of the stream's PV01, IE01 and key-rate
IE01s to 1e-8 of its IE01, in every case. The script exits with status 1 if any check fails.

How to run
----------
``make bench`` or ``.venv/bin/python benchmarks/bench_lpi.py`` from the repository root
(about half a minute). Results go to ``benchmarks/results/bench_lpi.json`` and
``bench_lpi.md``, each written to a temporary file and renamed into place.
"""

import datetime as dt
import os
import sys
from dataclasses import dataclass

import numpy as np
import pandas as pd
from bench_risk import finish, machine_info, max_relative, print_agreement, time_runs, verdict
from scipy.stats import norm

from ldi import DEFAULT_KEYS, BreakevenCurve, CapletVolatility, Cashflows, Indexation, ZeroCurve
from ldi.cashflows.tranches import Tranches
from ldi.curves.inflation import IndexCurves, WedgeCurve
from ldi.risk import CashflowMatrix, exposures, key_rate_column
from ldi.risk.sensitivities import inflation_key_rate_column

SEED = 20251231
VALUATION = pd.Timestamp("2025-12-31")
YEARS = 80
BP = 1e-4
KEYS = tuple(float(k) for k in DEFAULT_KEYS)
LIABILITY_ID = "liability"

# The default problem's curves (problems/uk_db_scheme.yaml).
PILLARS = (1, 2, 3, 5, 7, 10, 15, 20, 25, 30, 40, 50)
GILT_RATES = (
    0.0385, 0.0378, 0.0382, 0.0395, 0.0415, 0.0448, 0.0495, 0.0525, 0.0530, 0.0525, 0.0505, 0.0480,
)  # fmt: skip
RPI_RATES = (
    0.0330, 0.0315, 0.0310, 0.0315, 0.0320, 0.0330, 0.0340, 0.0345, 0.0340, 0.0335, 0.0325, 0.0315,
)  # fmt: skip
WEDGE_STEP = 4.09  # RPI aligned with CPIH in February 2030, about 4.09 years on
WEDGE = 0.01  # the RPI-CPI wedge until then; 0 after
VOL_EXPIRIES = (1.0, 2.0, 5.0, 10.0, 20.0, 30.0)
VOL_NORMAL = (0.0140, 0.0130, 0.0115, 0.0105, 0.0095, 0.0090)

# Tranche name -> (index, floor, cap).
TRANCHES = {
    "rpi_lpi_0_5": ("rpi", 0.0, 0.05),
    "rpi_lpi_0_2.5": ("rpi", 0.0, 0.025),
    "cpi_lpi_0_5": ("cpi", 0.0, 0.05),
    "cpi_lpi_0_2.5": ("cpi", 0.0, 0.025),
}
FLOWS_PER_TRANCHE = 25_000
LARGE_FLOWS_PER_TRANCHE = 250_000
PENSIONER_SHARE = 0.4
PENSION_AGE = 65
MAX_AGE = 110
GOMPERTZ = (2e-5, 0.1)  # force of mortality A exp(B x) at age x
MEDIAN_PENSION = 3_000.0  # a year, per member and tranche, in today's money
PENSION_SPREAD = 0.8  # log-sd of pensions across members

REPEATS = 50
LARGE_REPEATS = 10
TARGET_MS = 50.0
AGREEMENT_TOL = 1e-8

CASES = {
    "monthly_100k": "4 x 25,000 flows, one pay date a month",
    "monthly_1m": "4 x 250,000 flows, one pay date a month",
    "own_days_100k": "4 x 25,000 flows, each member paid on their own day of the month",
}


# --- the liability -------------------------------------------------------------------------


def pay_times(day: int | None) -> np.ndarray:
    """ACT/365F times of 960 monthly pay dates: month ends (None) or day ``day`` of each month."""
    if day is None:
        dates = pd.date_range(VALUATION + pd.offsets.MonthEnd(1), periods=12 * YEARS, freq="ME")
    else:
        starts = pd.date_range(VALUATION + pd.offsets.MonthBegin(1), periods=12 * YEARS, freq="MS")
        dates = starts + pd.Timedelta(days=day - 1)
    return np.asarray((dates - VALUATION).days, dtype=float) / 365.0


def survival(age: float, ages: np.ndarray) -> np.ndarray:
    """Gompertz chance of living from ``age`` to ``ages``: exp(−(A/B)(e^(B y) − e^(B x)))."""
    a, b = GOMPERTZ
    return np.exp(-(a / b) * (np.exp(b * ages) - np.exp(b * age)))


@dataclass(frozen=True)
class Part:
    """One tranche's flows: pay times, real amounts, and the members they come from."""

    times: np.ndarray
    real: np.ndarray
    members: int


def draw_part(rng: np.random.Generator, flows: int, own_days: bool) -> Part:
    """Members' expected monthly real pensions until ``flows`` payments are drawn.

    Each member is paid from the first month (pensioners) or from age 65 (deferreds) to age
    110 or the 80-year horizon, pension/12 x survival a month; the last member's run is cut
    so the tranche has exactly ``flows`` payments.
    """
    by_day = {day: pay_times(day) for day in range(1, 29)} if own_days else None
    month_ends = pay_times(None)
    times, real, count, members = [], [], 0, 0
    while count < flows:
        members += 1
        pensioner = rng.random() < PENSIONER_SHARE
        age = rng.uniform(60.0, 90.0) if pensioner else rng.uniform(30.0, 64.0)
        first = 0 if pensioner else int(round((PENSION_AGE - age) * 12))
        grid = by_day[int(rng.integers(1, 29))] if by_day else month_ends
        t = grid[first:]
        t = t[age + t <= MAX_AGE][: flows - count]
        pension = MEDIAN_PENSION * np.exp(PENSION_SPREAD * rng.standard_normal())
        times.append(t)
        real.append(pension / 12 * survival(age, age + t))
        count += t.size
    return Part(np.concatenate(times), np.concatenate(real), members)


def build_curves() -> tuple[ZeroCurve, IndexCurves, CapletVolatility]:
    """Gilt zero curve, RPI and CPI breakevens, and the normal caplet volatility surface."""
    gilts = ZeroCurve(PILLARS, GILT_RATES, compounding="annual")
    rpi = BreakevenCurve(PILLARS, RPI_RATES)
    cpi = WedgeCurve.over(rpi, (0.0, WEDGE_STEP), (WEDGE, 0.0))
    surface = CapletVolatility(VOL_EXPIRIES, VOL_NORMAL, "normal")
    return gilts, IndexCurves({"rpi": rpi, "cpi": cpi}, "rpi"), surface


def build_tranches(parts: dict[str, Part], surface: CapletVolatility) -> Tranches:
    """The parts as one stream: real amounts only, each part under its own LPI rule."""
    return Tranches(
        {
            name: Cashflows(
                part.times,
                np.zeros_like(part.times),
                part.real,
                Indexation(floor=floor, cap=cap, volatility=surface, index=index),
            )
            for (name, (index, floor, cap)), part in zip(
                TRANCHES.items(), parts.values(), strict=True
            )
        }
    )


# --- the reference, written out ------------------------------------------------------------


def bachelier_call(forward: np.ndarray, strike: float, deviation: np.ndarray) -> np.ndarray:
    """E[(y − K)^+] for y ~ N(f, d²): (f − K) Φ(x) + d φ(x), x = (f − K) / d."""
    x = (forward - strike) / deviation
    return (forward - strike) * norm.cdf(x) + deviation * norm.pdf(x)


def caplet_deviation(years: np.ndarray) -> np.ndarray:
    """d(T) = √(σ²T), σ²T linear between the expiries, σ flat before the first, after the last."""
    expiries, vols = np.array(VOL_EXPIRIES), np.array(VOL_NORMAL)
    variance = np.interp(years, expiries, vols**2 * expiries)
    variance = np.where(years > expiries[-1], vols[-1] ** 2 * years, variance)
    variance = np.where(years < expiries[0], vols[0] ** 2 * years, variance)
    return np.sqrt(variance)


def breakeven(index: str, u: np.ndarray) -> np.ndarray:
    """RPI breakeven by interpolation; CPI less the wedge averaged by hand, 1% x min(u, 4.09)/u."""
    rpi = np.interp(u, PILLARS, RPI_RATES)
    if index == "rpi":
        return rpi
    return rpi - WEDGE * np.minimum(u, WEDGE_STEP) / u


def reference_pv(parts: dict[str, Part], nominal: np.ndarray, inflation: np.ndarray) -> float:
    """PV of every flow with zero rates moved by ``nominal`` and breakevens by ``inflation``.

    The moves are given at the key tenors (linear between, flat outside). A real amount a
    paid at t is worth a x U(t) x (1 + z(t))^−t; U(t) = exp(Σ_{n≤⌊t⌋} log g_n + (t − ⌊t⌋)
    log g_{⌊t⌋+1}) with g_n = 1 + floor + C(f_n, floor) − C(f_n, cap), f_n the year-on-year
    forward (1 + b(n))^n / (1 + b(n − 1))^(n − 1) − 1 of the moved breakeven b.
    """
    total = 0.0
    for (index, floor, cap), part in zip(TRANCHES.values(), parts.values(), strict=True):
        t = part.times
        z = np.interp(t, PILLARS, GILT_RATES) + np.interp(t, KEYS, nominal)
        years = np.arange(1.0, np.floor(t.max()) + 2.0)
        b = breakeven(index, years) + np.interp(years, KEYS, inflation)
        log_level = years * np.log1p(b)
        forward = np.exp(np.diff(log_level, prepend=0.0)) - 1.0
        deviation = caplet_deviation(years)
        growth = (
            1.0
            + floor
            + bachelier_call(forward, floor, deviation)
            - bachelier_call(forward, cap, deviation)
        )
        log_growth = np.log(growth)
        whole = np.floor(t).astype(int)
        to_year = np.concatenate([[0.0], np.cumsum(log_growth)])[whole]
        uprating = np.exp(to_year + (t - whole) * log_growth[whole])
        total += float(np.sum(part.real * uprating * (1.0 + z) ** -t))
    return total


def reference_row(parts: dict[str, Part]) -> dict[str, float]:
    """PV, PV01, key-rate PV01s, IE01 and key-rate IE01s by 1bp central differences."""
    m = len(KEYS)
    zero = np.zeros(m)
    moves = {"parallel": np.ones(m), **{k: np.eye(m)[j] for j, k in enumerate(KEYS)}}
    row = {"pv": reference_pv(parts, zero, zero)}
    for name, unit in moves.items():
        down = reference_pv(parts, -BP * unit, zero)
        up = reference_pv(parts, BP * unit, zero)
        row["pv01" if name == "parallel" else key_rate_column(name)] = (down - up) / 2
        up = reference_pv(parts, zero, BP * unit)
        down = reference_pv(parts, zero, -BP * unit)
        row["ie01" if name == "parallel" else inflation_key_rate_column(name)] = (up - down) / 2
    return row


def agreement_checks(rows: dict[str, pd.Series], references: dict[str, dict]) -> dict:
    """The rows of ``ldi`` against the written-out reference: the largest gap over the cases."""
    pv01s = ["pv01", *(key_rate_column(k) for k in KEYS)]
    ie01s = ["ie01", *(inflation_key_rate_column(k) for k in KEYS)]
    gaps = {"pv": [], "pv01": [], "ie01": []}
    for case, row in rows.items():
        want = references[case]
        for key, columns in (("pv", ["pv"]), ("pv01", pv01s), ("ie01", ie01s)):
            got = row[columns].to_numpy(dtype=float)
            expected = np.array([want[c] for c in columns])
            gaps[key].append(max_relative(got, expected, abs(expected[0])))
    cases = f"{len(rows)} cases"
    agreement = {
        "pv_vs_numpy": {
            "what": f"PV, ldi vs numpy written out (relative; {cases})",
            "max": max(gaps["pv"]),
        },
        "pv01_vs_numpy": {
            "what": f"PV01 and key-rate PV01s, ldi vs numpy (relative to the PV01; {cases})",
            "max": max(gaps["pv01"]),
        },
        "ie01_vs_numpy": {
            "what": f"IE01 and key-rate IE01s, ldi vs numpy (relative to the IE01; {cases})",
            "max": max(gaps["ie01"]),
        },
    }
    for item in agreement.values():
        item["tol"] = AGREEMENT_TOL
        item["ok"] = bool(item["max"] <= AGREEMENT_TOL)
    return agreement


# --- report ----------------------------------------------------------------------------------


def markdown(report: dict) -> str:
    """The results as a short Markdown page."""
    t, md, p, m = (report[k] for k in ("timings_ms", "median_timings_ms", "problem", "machine"))
    main = report["target"]
    lines = [
        "# LPI benchmark: key-rate IE01s of LPI cash flows in four tranches",
        "",
        f"Run {report['date']} by `benchmarks/bench_lpi.py` (`make bench`).",
        "",
        "One liability stream held as `Tranches` of four parts: "
        + ", ".join(
            f"`{name}` (LPI({100 * tr['floor']:g}%, {100 * tr['cap']:g}%) on {tr['index'].upper()})"
            for name, tr in p["tranches"].items()
        )
        + f"; expected real monthly pensions of members over {YEARS} years, discounted on the "
        "gilt curve, RPI and CPI (RPI less a 1% wedge to 4.09 years) in `IndexCurves`, LPI "
        "priced on a normal `CapletVolatility` surface. The timed call is "
        f"`ldi.risk.exposures` with the {p['keys']} default keys: the matrix build from the "
        f"`Tranches`, then {p['scenarios']} revaluations (base; rates -/+1bp parallel and at "
        "each key; breakevens +/-1bp parallel and at each key), each uprating every tranche "
        "by its LPI rule on its index's moved curve.",
        "",
        "| case | flows | members | distinct pay dates | full call, best [ms] | median [ms] "
        "| matrix build [ms] | revaluation of the prebuilt matrix [ms] |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for case, label in CASES.items():
        c = p["cases"][case]
        lines.append(
            f"| {label} | {c['flows']:,} | {c['members']:,} | {c['pay_dates']:,} "
            f"| {t[f'exposures_{case}']:.1f} | {md[f'exposures_{case}']:.1f} "
            f"| {t[f'matrix_{case}']:.1f} | {t[f'prebuilt_{case}']:.1f} |"
        )
    lines += [
        "",
        f"Best of {report['repeats']['monthly_100k']} interleaved runs "
        f"({report['repeats']['scaling']} for the other two cases), garbage collection off "
        "while timing. Absolute times move with machine load (1-minute load average "
        f"{m['load_average_1m']} at the start, {m['load_average_1m_end']} at the end, on "
        f"{m['cpu_count']} cores). The matrix build works on every flow; the revaluation on "
        "each block's distinct pay dates, 53 scenarios at a time.",
        "",
        "| target | measured | met |",
        "|---|---:|:---:|",
        f"| key-rate IE01s (full `exposures` call) for 100,000 LPI flows in four tranches "
        f"under {TARGET_MS:g} ms | {main['measured_ms']:.1f} ms | {verdict(main['met'])} |",
        "",
        "| agreement | max difference | tolerance | ok |",
        "|---|---:|---:|:---:|",
    ]
    for item in report["agreement"].values():
        lines.append(
            f"| {item['what']} | {item['max']:.2e} | {item['tol']:.0e} | {verdict(item['ok'])} |"
        )
    lines += [
        "",
        "Machine: " + ", ".join(f"{k} {v}" for k, v in m.items()) + ".",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    machine = machine_info()  # before the run loads the machine
    rng = np.random.default_rng(SEED)
    gilts, curves, surface = build_curves()

    print("drawing members ...", flush=True)
    sizes = {
        "monthly_100k": (FLOWS_PER_TRANCHE, False),
        "monthly_1m": (LARGE_FLOWS_PER_TRANCHE, False),
        "own_days_100k": (FLOWS_PER_TRANCHE, True),
    }
    parts = {
        case: {name: draw_part(rng, flows, own) for name in TRANCHES}
        for case, (flows, own) in sizes.items()
    }
    streams = {case: build_tranches(p, surface) for case, p in parts.items()}
    matrices = {
        case: CashflowMatrix.from_cashflows({LIABILITY_ID: s}) for case, s in streams.items()
    }

    def runs(case: str) -> dict:
        stream, matrix = {LIABILITY_ID: streams[case]}, matrices[case]
        return {
            f"exposures_{case}": lambda: exposures(stream, gilts, curves),
            f"matrix_{case}": lambda: CashflowMatrix.from_cashflows(stream),
            f"prebuilt_{case}": lambda: exposures(matrix, gilts, curves),
        }

    print("timing 100,000 flows ...", flush=True)
    fast = time_runs(runs("monthly_100k"), REPEATS)
    print("timing 1,000,000 flows ...", flush=True)
    large = time_runs(runs("monthly_1m"), LARGE_REPEATS)
    print("timing 100,000 flows on their own days ...", flush=True)
    own_days = time_runs(runs("own_days_100k"), LARGE_REPEATS)
    machine["load_average_1m_end"] = round(os.getloadavg()[0], 2)
    samples = {**fast, **large, **own_days}
    timings = {name: float(np.min(times)) * 1e3 for name, times in samples.items()}
    medians = {name: float(np.median(times)) * 1e3 for name, times in samples.items()}

    print("checking against the written-out reference ...", flush=True)
    rows = {
        case: exposures({LIABILITY_ID: stream}, gilts, curves).loc[LIABILITY_ID]
        for case, stream in streams.items()
    }
    references = {case: reference_row(p) for case, p in parts.items()}
    agreement = agreement_checks(rows, references)
    agreement_ok = all(item["ok"] for item in agreement.values())

    measured = timings["exposures_monthly_100k"]
    row = rows["monthly_100k"]
    report = {
        "benchmark": "bench_lpi",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine,
        "problem": {
            "seed": SEED,
            "valuation_date": VALUATION.date().isoformat(),
            "years": YEARS,
            "tranches": {
                name: {"index": index, "floor": floor, "cap": cap}
                for name, (index, floor, cap) in TRANCHES.items()
            },
            "cases": {
                case: {
                    "label": CASES[case],
                    "flows": int(sum(p.times.size for p in parts[case].values())),
                    "flows_by_tranche": {n: int(p.times.size) for n, p in parts[case].items()},
                    "members": int(sum(p.members for p in parts[case].values())),
                    "pay_dates": int(
                        np.unique(np.concatenate([p.times for p in parts[case].values()])).size
                    ),
                    "grid_times_by_block": [
                        int(b.times.size) for b in matrices[case].linked.values()
                    ],
                }
                for case in CASES
            },
            "keys": len(KEYS),
            "key_tenors": list(KEYS),
            "scenarios": 1 + 2 * (1 + len(KEYS)) * 2,
            "curves": {
                "gilts": {"tenors": list(PILLARS), "rates_annual": list(GILT_RATES)},
                "rpi": {"tenors": list(PILLARS), "rates": list(RPI_RATES)},
                "cpi": {"base": "rpi", "starts": [0.0, WEDGE_STEP], "wedges": [WEDGE, 0.0]},
            },
            "volatility": {
                "model": "normal",
                "expiries": list(VOL_EXPIRIES),
                "volatilities": list(VOL_NORMAL),
            },
        },
        "repeats": {"monthly_100k": REPEATS, "scaling": LARGE_REPEATS},
        "timings_ms": timings,
        "median_timings_ms": medians,
        "target": {
            "case": "monthly_100k",
            "target_ms": TARGET_MS,
            "measured_ms": measured,
            "met": bool(measured < TARGET_MS),
        },
        "result_monthly_100k": {name: float(value) for name, value in row.items()},
        "agreement": agreement,
        "agreement_ok": agreement_ok,
    }

    print()
    print(f"{'case':<68}{'full [ms]':>11}{'matrix [ms]':>13}{'prebuilt [ms]':>15}")
    for case, label in CASES.items():
        print(
            f"{label:<68}{timings[f'exposures_{case}']:>11.1f}{timings[f'matrix_{case}']:>13.1f}"
            f"{timings[f'prebuilt_{case}']:>15.1f}"
        )
    print()
    print(
        f"100,000 flows: {measured:.1f} ms (target < {TARGET_MS:g} ms: "
        f"{'met' if measured < TARGET_MS else 'MISSED'})"
    )
    print(
        f"PV {row['pv']:,.0f}, PV01 {row['pv01']:,.0f}, IE01 {row['ie01']:,.0f} a bp "
        f"(RPI and CPI together)"
    )
    print_agreement(agreement, 78)

    return finish("bench_lpi", report, markdown(report), agreement_ok)


if __name__ == "__main__":
    sys.exit(main())
