"""Modules loaded on first use: ``import ldi`` stays light.

Reference: the interpreter's own ``sys.modules`` in a fresh process. cvxpy's atoms (and
``scipy.stats``, which they import), ``scipy.optimize``'s implementation and
``scipy.special``'s functions and ``scipy.sparse``'s matrices are loaded only when a solve,
a root-find, an option price or a first matrix of flows needs them.
"""

import subprocess
import sys

import pytest

from ldi.lazy import DEFERRED, lazy_module
from tests.reference import ROOT


def loaded_after(code: str) -> dict[str, bool]:
    """Which of DEFERRED a fresh interpreter has imported after running ``code``."""
    probe = f"import sys\n{code}\nprint([name in sys.modules for name in {DEFERRED!r}])"
    run = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    )
    out = run.stdout
    return dict(zip(DEFERRED, eval(out.strip().splitlines()[-1]), strict=True))


def test_import_ldi_loads_none_of_cvxpy_or_scipy_stats_optimize_special_sparse():
    assert loaded_after("import ldi") == dict.fromkeys(DEFERRED, False)


def test_validating_a_problem_builds_its_terms_without_cvxpy_or_scipy_optimize():
    """The default problem's SONIA curve is bootstrapped with ``ldi.roots``, not ``brentq``."""
    code = (
        "from ldi.cli.main import main\n"
        "assert main(['validate', 'problems/uk_db_scheme.yaml']) == 0"
    )
    loaded = loaded_after(code)
    assert not loaded["cvxpy.atoms"]
    assert not loaded["scipy.optimize._optimize"]


def test_the_first_solve_loads_cvxpy():
    code = "import ldi\nldi.load_problem('problems/uk_db_scheme.yaml').solve()"
    assert loaded_after(code)["cvxpy.atoms"]


def test_a_lazy_module_runs_its_import_at_its_first_attribute():
    code = (
        "import sys\n"
        "from ldi.lazy import lazy_module\n"
        "colorsys = lazy_module('colorsys')\n"
        "assert type(colorsys) is not type(sys)  # not run yet\n"
        "assert colorsys.rgb_to_hsv(1.0, 0.0, 0.0) == (0.0, 1.0, 1.0)\n"
        "assert type(colorsys) is type(sys)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_an_unknown_module_is_refused_at_once():
    with pytest.raises(ModuleNotFoundError, match="No module named 'no_such_module'"):
        lazy_module("no_such_module")
