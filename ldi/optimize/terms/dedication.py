"""Cash-flow matching (dedication): asset cash flows pay every period's benefits.

Per period p (``period`` years long, up to ``horizon``), with asset inflows F_p·x, liability
outgo L_p, cash carried in surplus s_p ≥ 0 at ``reinvestment_rate`` and, when allowed,
borrowing b_p ≥ 0 at ``borrowing_rate`` up to ``borrowing_limit``:

    s_p − b_p = (1+r)^Δ s_{p−1} − (1+r_b)^Δ b_{p−1} + F_p·x − L_p,   s_0 − b_0 = F_0·x

where period 0 holds what is paid at t = 0 (cash). The rows read F_p·x − (s_p − b_p) +
carried-in balance = L_p; the ledger of s and b is reported, and the shadow price of period
p's row is what one more unit of benefit paid then costs today.
"""

from typing import Annotated, Any, ClassVar

import numpy as np
import pandas as pd

from ldi.optimize.context import Ops, Scaled
from ldi.optimize.terms.base import ConstraintTerm, Row, Sense, Values, term
from ldi.optimize.terms.options import Range
from ldi.plausible import MAX_PERIODS, MONEY, PERIOD, YEARS
from ldi.typing import FloatArray

E_PERIODS = (
    "at most {most} periods (horizon / period), got {count:.0f}; a longer period or a "
    "shorter horizon"
)


@term
class CashflowMatching(ConstraintTerm):
    r"""Asset cash flows plus carried surplus cover each period's liability payments.

    Linear (see the module). YAML: ``cashflow_matching``.
    """

    kind: ClassVar[str] = "cashflow_matching"
    tunable: ClassVar[frozenset[str]] = frozenset({"borrowing_limit"})
    reinvestment_rate: Annotated[float, Range(low=-0.5, high=1.0)] = 0.0
    borrowing_rate: Annotated[float | None, Range(low=-0.5, high=1.0)] = None
    borrowing_limit: Annotated[float | None, Range(low=0.0, plausible=MONEY)] = None
    horizon: Annotated[float | None, Range(low=0.0, plausible=YEARS)] = None
    period: Annotated[float, Range(above=0.0, plausible=PERIOD)] = 1.0

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.horizon is not None:
            self.check("horizon", "a horizon of at least one period", self.horizon >= self.period)
            count = self.horizon / self.period
            need = E_PERIODS.format(most=MAX_PERIODS, count=count)
            self.check("period", need, count <= MAX_PERIODS)
        needs_rate = self.borrowing_limit is None or self.borrowing_rate is not None
        self.check("borrowing_rate", "a rate when borrowing_limit is given", needs_rate)

    def edges(self, data: Scaled) -> FloatArray:
        """Period boundaries: (−1, 0] for today, then (0, Δ], (Δ, 2Δ], ... to the horizon.

        The last period ends at the horizon (or the last liability payment), so it may be
        shorter than Δ.
        """
        times = data.data.liability_flows.times
        last = self.horizon if self.horizon is not None else (times.max() if times.size else 0)
        count = max(int(np.ceil(last / self.period - 1e-9)), 1)
        ends = np.minimum(self.period * np.arange(count + 1), max(last, self.period))
        return np.concatenate([[-1.0], ends])

    def growth(self, data: Scaled, rate: float) -> FloatArray:
        """(1 + rate)^length of each period after today: carries a balance into it."""
        return (1.0 + rate) ** np.diff(self.edges(data))[1:]

    def labels(self, data: Scaled) -> tuple[str, ...]:
        """``today`` and ``(a, b]y`` per period."""
        edges = self.edges(data)
        return ("today",) + tuple(
            f"({a:g}, {b:g}]y" for a, b in zip(edges[1:-1], edges[2:], strict=True)
        )

    def values(self, data: Scaled) -> Values:
        """Asset inflows per unit (periods x n), liability outgo per period (scaled), growth.

        ``reinvestment`` (and ``borrowing``, when allowed) carry a balance into each period
        after today; the last period's length follows the liabilities when no horizon is
        given. The borrowing limit, when set.
        """
        edges, money = self.edges(data), data.scales.money
        outgo = data.data.liability_flows.bucketed(edges)[:, 0] / money
        values = {
            "inflows": self.inflows(data),
            "outgo": outgo,
            "reinvestment": self.growth(data, self.reinvestment_rate),
        }
        if self.borrowing_rate is not None:
            values["borrowing"] = self.growth(data, self.borrowing_rate)
        if self.borrowing_limit is not None:  # present only when the limit rows are
            values["limit"] = np.full(outgo.size, self.borrowing_limit / money)
        return values

    def inflows(self, data: Scaled) -> FloatArray:
        """(periods, n) asset inflows per scaled unit of position."""
        return data.data.flows.bucketed(self.edges(data))

    def rows(self, ops: Ops, data: Scaled, z: Any, p: Values) -> list[Row]:
        """Balance rows per period (equalities, shown in money) and the borrowing limit."""
        count = len(self.labels(data))
        surplus = ops.variable(f"{self.name}.surplus", count, nonneg=True)
        net = surplus - _carried(ops, surplus, p["reinvestment"])
        borrowing = None
        if self.borrowing_rate is not None:
            borrowing = ops.variable(f"{self.name}.borrowing", count, nonneg=True)
            net = net - borrowing + _carried(ops, borrowing, p["borrowing"])
        labels, money = self.labels(data), data.scales.money
        rows = [
            Row(
                f"{self.name}.balance",
                p["inflows"] @ z - net,
                Sense.EQ,
                p["outgo"],
                1.0,
                money,
                None,
                labels,
            )
        ]
        if borrowing is not None:
            # Debt must be repaid by the end: nothing is left to pay it back afterwards.
            rows.append(Row(f"{self.name}.repaid", borrowing[count - 1], Sense.EQ, 0.0, 1.0, money))
        if borrowing is not None and self.borrowing_limit is not None:
            rows.append(
                Row(
                    f"{self.name}.borrowing",
                    borrowing,
                    Sense.LE,
                    p["limit"],
                    1.0,
                    money,
                    None,
                    labels,
                )
            )
        return rows

    def ledger(self, data: Scaled, z: FloatArray) -> pd.DataFrame:
        """The period-by-period cash ledger of positions ``z`` (money), cheapest financing.

        Computed forward from the positions, independently of the solver's variables:
        a shortfall is borrowed (if allowed) and repaid before surplus builds again.
        """
        money = data.scales.money
        inflow = self.inflows(data) @ z * money
        outgo = self.values(data)["outgo"] * money
        grow = self.growth(data, self.reinvestment_rate)
        owe = self.growth(data, self.borrowing_rate or 0.0)
        surplus, borrowing = np.zeros(inflow.size), np.zeros(inflow.size)
        for i in range(inflow.size):
            before = grow[i - 1] * surplus[i - 1] - owe[i - 1] * borrowing[i - 1] if i else 0.0
            balance = before + inflow[i] - outgo[i]
            surplus[i], borrowing[i] = max(balance, 0.0), max(-balance, 0.0)
        return pd.DataFrame(
            {
                "asset_inflow": inflow,
                "liability_outgo": outgo,
                "surplus": surplus,
                "borrowing": borrowing,
            },
            index=pd.Index(self.labels(data), name="period"),
        )


def _carried(ops: Ops, balance: Any, growth: Any) -> Any:
    """Each period's balance carried into the next: 0 into today, growth[p−1] x balance[p−1]."""
    return ops.hstack([np.zeros(1), ops.multiply(growth, balance[:-1])])
