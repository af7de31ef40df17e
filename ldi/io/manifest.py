"""Run manifests: what a run read, what it ran on and what it wrote, to audit a decision.

A manifest names every input file with its SHA-256 (the problem file and the CSV files it
points to), the versions of ldi and of the numerical packages, the solver's report, the
start and end times (UTC) and the SHA-256 of every output written beside it. Re-running
with the same inputs and versions reproduces the outputs.
"""

import datetime as dt
import hashlib
import platform
import sys
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from ldi.problem import Problem

PACKAGES = (
    "ldi",
    "cvxpy",
    "highspy",
    "clarabel",
    "osqp",
    "scs",
    "numpy",
    "scipy",
    "pandas",
    "pydantic",
    "pyyaml",
)


def utc_now() -> str:
    """The time now, UTC, to the second (ISO 8601)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def digest(data: bytes) -> str:
    """SHA-256 of ``data`` in hex."""
    return hashlib.sha256(data).hexdigest()


def input_files(problem_file: Path, problem: Problem) -> list[Path]:
    """The problem file and the files it names (``Problem.data_files``)."""
    return [problem_file, *problem.data_files]


def versions() -> dict[str, str | None]:
    """Installed versions of ldi and the packages its numbers depend on (None: absent)."""
    found: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def run_manifest(
    command: list[str],
    inputs: list[Path],
    solver: Mapping[str, Any],
    started: str,
    outputs: Mapping[str, bytes],
) -> dict[str, Any]:
    """The manifest of one run (see the module docstring); ``outputs`` by file name."""
    return {
        "command": command,
        "started": started,
        "finished": utc_now(),
        "inputs": {str(path): digest(path.read_bytes()) for path in inputs},
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "packages": versions(),
        "solver": dict(solver),
        "outputs": {name: digest(data) for name, data in outputs.items()},
    }
