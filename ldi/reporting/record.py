"""The decision record of a solve (``ldi.io.record.DecisionRecord``), built from its result.

The result (``LDIResult.to_dict``), each instrument's kind, role and category, and with the
problem: the valuation date, the flows beyond a curve's last tenor, the liabilities' cash
flows by year in money (the inflation-linked ones projected on the breakeven curve), the
stress outcomes of the solved positions and of the holdings, the collateral waterfall
of the scenario that leaves the least headroom, and, when the problem has a
``recapitalisation`` section, the plan that would restore the solved positions' buffer.
``ldi solve --json`` writes it, so ``ldi report RESULT.json`` can draw the whole report
from the file alone; the solve summary renders the same record.
"""

from typing import Any

import numpy as np
import pandas as pd

from ldi.instruments.pricing import money_flows
from ldi.io.record import DecisionRecord
from ldi.optimize.result import LDIResult
from ldi.problem import Problem
from ldi.recap import recapitalise
from ldi.storage.json_safe import json_safe
from ldi.stress import stress_test


def decision_record(problem: Problem, result: LDIResult) -> DecisionRecord:
    """The record of ``result``, a solve of ``problem``; the stresses run when it is optimal."""
    record = _result_keys(result)
    date = problem.valuation_date
    record["valuation_date"] = date.isoformat() if date else None
    record["extrapolated"] = problem.extrapolated()
    record["liability_cashflows"] = liability_cashflows(problem)
    if result.ok:
        stress = stress_test(problem, result.positions, portfolio="optimized positions")
        outcomes = stress.outcomes
        record["stress"] = _rows(outcomes)
        record["stress_before"] = _rows(stress_test(problem, result.holdings).outcomes)
        worst = str(outcomes["headroom"].idxmin())
        pools = stress.waterfalls[worst].rename_axis("pool").reset_index()
        record["waterfall"] = {"scenario": worst, "pools": pools.to_dict("records")}
        if problem.recapitalisation is not None:
            record["recapitalisation"] = recapitalise(problem, result.positions).to_dict()
    return DecisionRecord.model_validate(json_safe(record))


def result_record(result: LDIResult) -> DecisionRecord:
    """The record of ``result`` alone: no valuation date, cash flows or stresses (None)."""
    return DecisionRecord.model_validate(json_safe(_result_keys(result)))


def _result_keys(result: LDIResult) -> dict[str, Any]:
    """The result's dictionary and its instruments; the problem's keys None, in their place."""
    record = result.to_dict()
    record["valuation_date"] = None
    record["extrapolated"] = None
    record["instruments"] = result.instruments.rename_axis("id").reset_index().to_dict("records")
    record["liability_cashflows"] = record["stress"] = record["waterfall"] = None
    record["stress_before"] = record["recapitalisation"] = None
    return record


def _rows(outcomes: pd.DataFrame) -> list[dict[str, Any]]:
    """A stress test's outcomes as record rows (one per scenario)."""
    return outcomes.rename_axis("scenario").reset_index().to_dict("records")


def liability_cashflows(problem: Problem) -> list[dict[str, float]]:
    """Per year of payment (1 for flows in (0, 1], ...): fixed and inflation-linked money."""
    liabilities = problem.liabilities
    flows = liabilities.cashflows
    breakeven = liabilities.inflation_curve
    times, total = money_flows(flows, breakeven, "liabilities")
    fixed = flows.amounts[flows.times > 0]
    years = np.ceil(times - 1e-9).astype(int)
    rows = []
    for year in np.unique(years):
        mine = years == year
        rows.append(
            {
                "year": int(year),
                "fixed": float(fixed[mine].sum()),
                "inflation_linked": float((total[mine] - fixed[mine]).sum()),
            }
        )
    return rows
