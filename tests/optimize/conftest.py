"""Synthetic exposure tables for optimizer tests: every number chosen by the test."""

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from ldi.optimize.data import Flows, ModelData
from ldi.risk.factors import FACTORS, RiskModel
from ldi.risk.sensitivities import inflation_key_rate_column, key_rate_column


def make_data(
    ids: Sequence[str],
    *,
    roles: Sequence[str] | None = None,
    kinds: Sequence[str] | None = None,
    pv: Sequence[float] | None = None,
    pv01: Sequence[float] | None = None,
    ie01: Sequence[float] | None = None,
    cs01: Sequence[float] | None = None,
    curvature: Sequence[float] | None = None,
    keys: Sequence[float] = (10.0,),
    key_pv01: np.ndarray | None = None,
    key_ie01: np.ndarray | None = None,
    expected_return: Sequence[float] | None = None,
    loadings: np.ndarray | None = None,
    specific: Sequence[float] | None = None,
    liabilities: dict[str, float] | None = None,
    liability_key_pv01: Sequence[float] | None = None,
    liability_key_ie01: Sequence[float] | None = None,
    liability_loadings: Sequence[float] | None = None,
    holdings: dict[str, float] | None = None,
    flow_times: Sequence[float] = (),
    flows: np.ndarray | None = None,
    liability_flow_times: Sequence[float] = (),
    liability_flows: Sequence[float] = (),
    risk_model: RiskModel | None = None,
    groups: dict[str, tuple[str, ...]] | None = None,
    terms: pd.DataFrame | None = None,
) -> ModelData:
    """ModelData from explicit arrays (per unit of position; liabilities in money).

    Unset exposures are 0; roles default to physical, kinds to bond, pv to 1. Key-rate
    matrices are (keys, ids). ``flows`` is (ids, flow_times) money per unit.
    """
    n, keys = len(ids), np.asarray(keys, dtype=float)
    index = pd.Index(list(ids), name="id")

    def column(values: Sequence[float] | None, default: float = 0.0) -> np.ndarray:
        return np.full(n, default) if values is None else np.asarray(values, dtype=float)

    key_pv01 = np.zeros((keys.size, n)) if key_pv01 is None else np.asarray(key_pv01, float)
    key_ie01 = np.zeros((keys.size, n)) if key_ie01 is None else np.asarray(key_ie01, float)
    assets = pd.DataFrame(
        {
            "pv": column(pv, 1.0),
            "pv01": column(pv01),
            "ie01": column(ie01),
            "cs01": column(cs01),
            "curvature": column(curvature),
        },
        index=index,
    )
    for j, k in enumerate(keys):
        assets[key_rate_column(k)] = key_pv01[j]
    for j, k in enumerate(keys):
        assets[inflation_key_rate_column(k)] = key_ie01[j]
    assets["expected_return"] = column(expected_return)
    assets["role"] = list(roles) if roles is not None else ["physical"] * n
    assets["kind"] = list(kinds) if kinds is not None else ["bond"] * n

    given = {
        "pv": 1.0,
        "pv01": 0.0,
        "ie01": 0.0,
        "cs01": 0.0,
        "curvature": 0.0,
        "expected_return": 0.0,
        **(liabilities or {}),
    }
    liability = pd.Series(given, dtype=float)
    lk = np.zeros(keys.size) if liability_key_pv01 is None else np.asarray(liability_key_pv01)
    le = np.zeros(keys.size) if liability_key_ie01 is None else np.asarray(liability_key_ie01)
    for j, k in enumerate(keys):
        liability[key_rate_column(k)] = lk[j]
        liability[inflation_key_rate_column(k)] = le[j]

    if loadings is None:
        loadings = np.column_stack([-assets["pv01"], assets["ie01"], -assets["cs01"], np.zeros(n)])
    if liability_loadings is None:
        liability_loadings = [-liability["pv01"], liability["ie01"], 0.0, 0.0]
    flow_matrix = np.zeros((n, len(flow_times))) if flows is None else np.asarray(flows, float)
    if terms is None:
        terms = assets[["kind", "role"]].copy()
    return ModelData(
        keys=keys,
        assets=assets,
        liabilities=liability,
        holdings=pd.Series(holdings or {}, dtype=float).reindex(index, fill_value=0.0),
        loadings=pd.DataFrame(np.asarray(loadings, float), index=index, columns=list(FACTORS)),
        specific=pd.Series(column(specific), index=index),
        liability_loadings=pd.Series(np.asarray(liability_loadings, float), index=list(FACTORS)),
        flows=Flows(np.asarray(flow_times, float), sparse.csr_array(flow_matrix)),
        liability_flows=Flows(
            np.asarray(liability_flow_times, float),
            sparse.csr_array(np.asarray(liability_flows, float).reshape(1, -1)),
        ),
        terms=terms,
        risk_model=risk_model or RiskModel(),
        groups=groups or {},
        currency="GBP",
    )


@pytest.fixture
def two_bonds() -> ModelData:
    """Two physical bonds (PV01 5e-4 and 2e-3 per unit) against liabilities of PV 100."""
    return make_data(
        ["SHORT", "LONG"],
        pv01=[5e-4, 2e-3],
        curvature=[30.0, 450.0],
        liabilities={"pv": 100.0, "pv01": 0.12, "curvature": 2.0e4},
        holdings={"SHORT": 60.0, "LONG": 40.0},
    )
