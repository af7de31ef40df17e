"""Values ready for ``json.dumps``: numpy scalars as Python numbers, NaN and infinities as null."""

import math
from typing import Any

import numpy as np


def json_safe(value: Any) -> Any:
    """``value`` with dict keys as text, tuples as lists, numpy scalars unwrapped, NaN as None."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
