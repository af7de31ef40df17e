"""Start-up benchmark: how long a fresh process takes to import ldi and to run a short command.

What it measures
----------------
Whole processes, as a user starts them, each run from the repository root:

- the floor: ``python -c "import pandas, pydantic, yaml"``, the libraries every command
  needs to read a problem file;
- the floor with ``scipy.sparse`` and ``scipy.special``, which ``ldi validate``'s checks load
  (the exposures' sparse flow matrices, the LPI collar's normal distribution): reported,
  to show how much of ``ldi validate`` is ldi's own;
- ``python -c "import ldi"``;
- ``ldi validate problems/uk_db_scheme.yaml`` (the default problem: read, build, and its
  model compiled once to check every term);
- ``ldi risk problems/uk_db_scheme.yaml`` (no solve).

Timed: the median of REPEATS rounds, the commands interleaved round by round so they share
the machine's conditions, after one untimed round. Every process runs with Python's
bytecode cache on (``PYTHONDONTWRITEBYTECODE`` removed from its environment), as after an
install: pip compiles the floor's libraries when it installs them, and the untimed round
writes ldi's own cache, which an editable install otherwise compiles in every process.
Target for ``ldi validate``: within 0.6 s, or within 1.3x the floor, whichever is larger.

Check (enforced; the script exits with status 1 if it fails): ``import ldi`` loads none of
cvxpy's atoms, ``scipy.stats``, and ``scipy.optimize``'s, ``scipy.special``'s and
``scipy.sparse``'s implementations (read from ``sys.modules`` in a fresh process); every
command exits with status 0.

How to run
----------
``make bench`` or ``.venv/bin/python benchmarks/bench_startup.py`` from the repository root.
Results go to ``benchmarks/results/bench_startup.json`` and ``.md``.
"""

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from bench_risk import finish, machine_info, verdict

from ldi.lazy import DEFERRED

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
LDI = str(Path(PYTHON).with_name("ldi"))
PROBLEM = "problems/uk_db_scheme.yaml"
REPEATS = 7
LIMIT_S, FLOOR_RATIO = 0.6, 1.3
CACHED = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
CHECKS_NEED = "import pandas, pydantic, yaml, scipy.sparse, scipy.special"
COMMANDS = {
    "import pandas, pydantic, yaml (floor)": [PYTHON, "-c", "import pandas, pydantic, yaml"],
    f"{CHECKS_NEED} (what validate's checks load)": [PYTHON, "-c", CHECKS_NEED],
    "import ldi": [PYTHON, "-c", "import ldi"],
    f"ldi validate {PROBLEM}": [LDI, "validate", PROBLEM],
    f"ldi risk {PROBLEM}": [LDI, "risk", PROBLEM],
}


def seconds(command: list[str]) -> float:
    """Wall time of one process run to its end; a failed command stops the benchmark."""
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=CACHED, capture_output=True, check=True)
    return time.perf_counter() - start


def heavy_after_import() -> dict[str, bool]:
    """Which of DEFERRED a fresh ``import ldi`` loads."""
    probe = f"import sys, ldi; print(*[n in sys.modules for n in {DEFERRED!r}])"
    out = subprocess.run(
        [PYTHON, "-c", probe], cwd=ROOT, env=CACHED, capture_output=True, text=True
    )
    return dict(zip(DEFERRED, [word == "True" for word in out.stdout.split()], strict=True))


def main() -> int:
    machine = machine_info()
    samples = {name: [] for name in COMMANDS}
    for command in COMMANDS.values():
        seconds(command)  # writes the bytecode cache
    for _ in range(REPEATS):
        for name, command in COMMANDS.items():
            samples[name].append(seconds(command))
    median = {name: float(np.median(times)) for name, times in samples.items()}
    floor = median["import pandas, pydantic, yaml (floor)"]
    validate = median[f"ldi validate {PROBLEM}"]
    target = max(LIMIT_S, FLOOR_RATIO * floor)
    heavy = heavy_after_import()
    light = not any(heavy.values())
    report = {
        "run": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine,
        "repeats": REPEATS,
        "median_s": median,
        "samples_s": samples,
        "validate_target_s": target,
        "validate_within_target": validate <= target,
        "loaded_by_import_ldi": heavy,
        "import_ldi_light": light,
    }
    rows = [
        f"| `{name}` | {value * 1e3:,.0f} ms | {value / floor:.2f}x |"
        for name, value in median.items()
    ]
    text = "\n".join(
        [
            "# Start-up benchmark",
            "",
            f"Run {report['run']} on {machine['cpu']} ({machine['cpu_count']} cores), "
            f"Python {machine['python']}; median of {REPEATS} runs of each whole process, "
            "bytecode cache on.",
            "",
            "| process | median | over the floor |",
            "|---|---|---|",
            *rows,
            "",
            f"`ldi validate` within {target * 1e3:,.0f} ms (0.6 s, or 1.3x the floor): "
            f"{verdict(validate <= target)}. `import ldi` loads none of "
            f"{', '.join(DEFERRED)}: {verdict(light)}.",
            "",
        ]
    )
    print(text)
    return finish("bench_startup", report, text, light)


if __name__ == "__main__":
    sys.exit(main())
