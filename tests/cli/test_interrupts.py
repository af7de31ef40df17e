"""Long runs that fail well: Ctrl-C, and a sweep's worker that dies.

Ctrl-C stops a command with exit 130 and one line on standard error, cancels the work still
to do (a process pool's workers end at once, not after the pending variants) and leaves no
file behind: outputs are written at the end, atomically. A sweep variant whose worker dies
is reported as failed, and the table and JSON keep every other variant (exit 1).
"""

import contextlib
import importlib
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time

import pytest

from ldi.cli import main
from ldi.cli.main import E_INTERRUPTED, EXIT_INTERRUPTED
from tests.reference import DEFAULT_PROBLEM

LEVERAGE = "leverage.max"  # the term's option, at constraints.3.leverage.max in the file
FORKS = pytest.mark.skipif(
    multiprocessing.get_start_method() != "fork", reason="the patch reaches workers by fork"
)


def test_ctrl_c_exits_130_with_one_line_and_no_traceback(monkeypatch, capsys):
    def interrupted(path):
        raise KeyboardInterrupt

    monkeypatch.setattr(importlib.import_module("ldi.cli.main"), "load_problem", interrupted)
    assert main(["validate", str(DEFAULT_PROBLEM)]) == EXIT_INTERRUPTED == 130
    captured = capsys.readouterr()
    assert captured.err == f"{E_INTERRUPTED}\n"
    assert captured.out == ""


@pytest.mark.parametrize(
    ("scheduler", "children"),
    [("processes", 2), pytest.param("local", 3, marks=pytest.mark.slow)],  # Dask: + a tracker
)
def test_ctrl_c_stops_a_sweep_at_once_and_writes_nothing(tmp_path, scheduler, children):
    """The terminal's Ctrl-C (SIGINT to the whole process group) during 2,000 variants."""
    psutil = pytest.importorskip("psutil")
    out = tmp_path / "sweep.json"
    command = [
        *(sys.executable, "-c", "import sys; from ldi.cli import main; sys.exit(main())"),
        *("sweep", str(DEFAULT_PROBLEM), "--vary", f"{LEVERAGE}=1.0:1.5:2000"),
        *("--scheduler", scheduler, "--json", str(out)),
    ]
    run = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        parent = psutil.Process(run.pid)
        deadline = time.monotonic() + 30
        while len(parent.children()) < children and run.poll() is None:
            assert time.monotonic() < deadline, "the workers never started"
            time.sleep(0.05)
        workers = parent.children()
        time.sleep(0.5 if scheduler == "processes" else 5)  # the variants are being solved
        os.killpg(run.pid, signal.SIGINT)
        _, err = run.communicate(timeout=10)  # the whole sweep would take minutes
    finally:  # whatever failed, nothing of the command's process group outlives the test
        with contextlib.suppress(ProcessLookupError):
            os.killpg(run.pid, signal.SIGKILL)
        run.wait()
    assert run.returncode == EXIT_INTERRUPTED
    lines = err.decode().splitlines()
    if scheduler == "processes":
        assert lines == [E_INTERRUPTED]
    else:  # Dask's workers may log their closing (its own log lines), never a traceback
        assert lines[-1] == E_INTERRUPTED
        assert "Traceback" not in err.decode()
    assert list(tmp_path.iterdir()) == []  # no JSON, no temporary file
    assert _all_end(workers, psutil)


def _all_end(processes, psutil, seconds=5.0):
    """Whether every one of ``processes`` ends (an unreaped zombie has) within ``seconds``."""

    def running(process):
        try:
            return process.status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False

    deadline = time.monotonic() + seconds
    while any(running(p) for p in processes) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not any(running(p) for p in processes)


@FORKS
def test_a_sweep_worker_that_dies_keeps_the_other_variants(monkeypatch, tmp_path, capsys):
    """Variant 1 ends its worker process: it is reported failed, the others are solved."""
    import ldi.sweep

    parent, apply_edits = os.getpid(), ldi.sweep.apply_edits

    def dies_on_variant_1(raw, edits):
        if os.getpid() != parent and edits.get("constraints.3.leverage.max") == 1.6:
            os._exit(9)
        return apply_edits(raw, edits)

    monkeypatch.setattr(ldi.sweep, "apply_edits", dies_on_variant_1)
    out = tmp_path / "sweep.json"
    vary = f"{LEVERAGE}=1.5,1.6,1.4"
    code = main(
        ["sweep", str(DEFAULT_PROBLEM), "--vary", vary, "--scheduler", "processes"]
        + [
            "--json",
            str(out),
        ]
    )
    captured = capsys.readouterr()
    assert code == 1
    assert "variant 1 failed: worker died:" in captured.err
    table = captured.out.splitlines()
    rows = table[2 : table.index("")]  # the legend follows a blank line
    assert [line.split()[2] for line in rows] == ["optimal", "failed", "optimal"]
    variants = json.loads(out.read_text())["variants"]
    assert [v["result"] and v["result"]["status"] for v in variants] == ["optimal", None, "optimal"]
    assert variants[1]["error"].startswith("worker died:")
