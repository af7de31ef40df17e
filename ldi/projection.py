"""The funding-ratio projection of a problem's policy: its holdings or any positions.

The model is ``ldi.scenarios.projection``'s; this module supplies a problem's simulation
engine (the decision's risk model and the file's curve factors), each instrument's carry
and the liabilities' size.
"""

from collections.abc import Mapping

import pandas as pd

from ldi.problem import Problem
from ldi.scenarios.projection import FundingProjection, Rebalance, project_funding


def funding_projection(
    problem: Problem,
    positions: Mapping[str, float] | pd.Series | None = None,
    *,
    years: int = 10,
    scenarios: int = 5_000,
    seed: int = 0,
    rebalance: Rebalance | str = Rebalance.HEDGE,
) -> FundingProjection:
    """Project the funding ratio of ``positions`` (default: the current holdings).

    ``rebalance``: ``hedge`` keeps the hedge at the liabilities' PV01, ``constant_mix``
    every position at its share of the assets (see ``ldi.scenarios.projection``).
    """
    from ldi.optimize.data import model_data  # exposures and carry per unit

    decision = problem.decision
    if decision is not None and decision.objective:
        data = problem.model.data
    else:
        data = model_data(problem, risk_model=decision.risk_model if decision else None)
    engine = data.simulation
    assert engine is not None  # model_data always builds one
    return project_funding(
        engine,
        problem.position_vector(positions),
        data.assets["expected_return"].reindex(list(problem.instruments)).to_numpy(float),
        years=years,
        count=scenarios,
        seed=seed,
        rebalance=rebalance,
        liability_size=float(data.liabilities["pv"]) / engine.liability_value,
        name=problem.name,
        currency=data.currency,
    )
