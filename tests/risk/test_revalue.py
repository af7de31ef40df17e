"""revalue with per-stream spreads: base factors reused where a scenario leaves a rate as it is.

Reference: the same revaluation with every scenario evaluated at every flow (reuse turned
off). Reuse only skips recomputing a discount factor whose rate a scenario did not move, so
the two must agree bit for bit, for key-rate bumps (mostly unmoved), a parallel stress
(every rate moved: no reuse) and a mix, with fixed and inflation-linked flows.
"""

import importlib

import numpy as np
import pytest

from ldi import BreakevenCurve, Cashflows, ZeroCurve
from ldi.cashflows.indexation import Indexation
from ldi.risk.matrix import CashflowMatrix
from ldi.risk.shifts import Shifts

# The module (the package exports its function under the same name).
revaluing = importlib.import_module("ldi.risk.revalue")

KNOTS = np.array([1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 50.0])
CURVE = ZeroCurve([1, 5, 10, 30], [0.041, 0.043, 0.046, 0.044], compounding="annual")
RPI = BreakevenCurve([2, 10, 30], [0.036, 0.034, 0.031])


def streams(n: int = 60) -> dict[str, Cashflows]:
    """Coupon streams rolled back from random maturities; every fourth also real amounts."""
    rng = np.random.default_rng(5)
    flows = {}
    for k in range(n):
        maturity = float(rng.uniform(0.3, 55.0))
        times = maturity - 0.5 * np.arange(int(2 * maturity) + 1)[::-1]
        amounts = np.full(times.size, 2.0)
        amounts[-1] += 100.0
        linked = amounts * 0.5 if k % 4 == 0 else None
        flows[f"S{k}"] = Cashflows(times, amounts, linked, Indexation(lag=0.25))
    return flows


def key_rate_bumps() -> np.ndarray:
    """Base, parallel −/+1bp, then each knot −/+1bp (mostly unmoved rates)."""
    unit = np.eye(KNOTS.size)
    bumps = np.concatenate([np.ones((1, KNOTS.size)), unit])
    pairs = np.stack([-bumps, bumps], axis=1).reshape(-1, KNOTS.size) * 1e-4
    return np.concatenate([np.zeros((1, KNOTS.size)), pairs])


@pytest.mark.parametrize(
    "nominal",
    [
        key_rate_bumps(),
        np.full((3, KNOTS.size), 0.01) * np.array([[-1.0], [0.5], [2.0]]),  # parallel stresses
        np.concatenate([key_rate_bumps(), np.linspace(-0.02, 0.02, KNOTS.size)[None, :]]),
    ],
)
def test_reused_factors_are_every_scenario_evaluated_bit_for_bit(nominal, monkeypatch):
    matrix = CashflowMatrix.from_cashflows(streams())
    spreads = np.random.default_rng(6).uniform(-0.001, 0.02, matrix.ids.size)
    shifts = Shifts(KNOTS, nominal, np.zeros_like(nominal))
    ours = revaluing.revalue(matrix, CURVE, RPI, shifts, spreads)
    with monkeypatch.context() as patch:
        patch.setattr(revaluing, "REUSE_BELOW", 0.0)  # every scenario at every flow
        everything = revaluing.revalue(matrix, CURVE, RPI, shifts, spreads)
    assert np.array_equal(ours, everything)
