"""Modules imported on first use, so ``import ldi`` and the commands that never solve start fast.

``lazy_module(name)`` is the standard library's ``importlib.util.LazyLoader``: the module
is in ``sys.modules`` at once, and runs its own import the first time one of its
attributes is looked up. cvxpy (with the solvers and ``scipy.stats`` it pulls in),
``scipy.optimize``, ``scipy.special`` and ``scipy.sparse`` are loaded this way: risk and
stress never solve, a problem without root-finding or option prices never needs the next
two, and a session that never values a universe of flows never needs the last.
"""

import importlib.util
import sys
from types import ModuleType

# The implementations behind the lazy modules, which ``import ldi`` leaves unloaded.
DEFERRED = (
    "cvxpy.atoms",
    "scipy.stats",
    "scipy.optimize._optimize",
    "scipy.special._ufuncs",
    "scipy.sparse._base",
)


def lazy_module(name: str) -> ModuleType:
    """Module ``name``, imported when one of its attributes is first used."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module
