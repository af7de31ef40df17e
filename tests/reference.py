"""Independent reference valuation of the default problem's liabilities, in plain numpy.

Written straight from DESIGN.md's conventions (linear zero interpolation with flat
extrapolation, annual compounding, basis spread on the zero rate, index ratio (1+b)^t,
triangle key-rate weights, 1bp central differences) without using ldi, so tests can check
what ldi prints against it.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
PROBLEMS = ROOT / "problems"
DEFAULT_PROBLEM = PROBLEMS / "uk_db_scheme.yaml"
H = 1e-4


def triangle(t: np.ndarray, keys: list[float], j: int) -> np.ndarray:
    """Key-rate weight of keys[j]: 1 at the key, 0 at its neighbours, flat beyond the ends."""
    k, w = keys[j], np.zeros_like(t)
    if j == 0:
        w[t <= k] = 1.0
    else:
        lo = keys[j - 1]
        m = (t > lo) & (t <= k)
        w[m] = (t[m] - lo) / (k - lo)
    if j == len(keys) - 1:
        w[t >= k] = 1.0
    else:
        hi = keys[j + 1]
        m = (t > k) & (t < hi)
        w[m] = (hi - t[m]) / (hi - k)
    return w


def reference_liability_risk(keys: list[float]) -> dict[str, dict[str, float]]:
    """{component: {pv, pv01, duration, convexity, ie01, kr_<key>}} for the default problem."""
    raw = yaml.safe_load(DEFAULT_PROBLEM.read_text())
    gilts, rpi = raw["curves"]["gilts"], raw["curves"]["rpi"]
    flows = pd.read_csv(DEFAULT_PROBLEM.parent / raw["liabilities"]["cashflows"])
    t = flows["time"].to_numpy()
    zero = np.interp(t, gilts["tenors"], gilts["rates"]) + raw["liabilities"]["spread"]
    breakeven = np.interp(t, rpi["tenors"], rpi["rates"])

    def value(fixed, linked, dz=0.0, db=0.0):
        df = (1 + zero + dz) ** -t
        return float(np.sum(fixed * df + linked * (1 + breakeven + db) ** t * df))

    fixed, linked = flows["fixed"].to_numpy(), flows["inflation_linked"].to_numpy()
    parts = {
        "fixed": (fixed, 0 * linked),
        "inflation_linked": (0 * fixed, linked),
        "total": (fixed, linked),
    }
    out = {}
    for name, (f, li) in parts.items():
        pv, down, up = value(f, li), value(f, li, -H), value(f, li, H)
        row = {
            "pv": pv,
            "pv01": (down - up) / 2,
            "duration": (down - up) / 2 / pv / H,
            "convexity": (down + up - 2 * pv) / pv / H**2,
            "ie01": (value(f, li, db=H) - value(f, li, db=-H)) / 2,
        }
        for j, key in enumerate(keys):
            w = triangle(t, keys, j)
            row[f"kr_{key:g}"] = (value(f, li, -H * w) - value(f, li, H * w)) / 2
        out[name] = row
    return out
