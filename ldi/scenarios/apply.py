"""Full revaluation of instruments and liabilities under moves: no PV01 x shock shortcuts.

Instruments on the same curves are revalued together in one vectorized pass
(``ldi.risk.revalue``), with every move of a batch as one scenario. Credit instruments see
the nominal move plus the credit-spread widening. Values fixed today (a swap's −1, cash)
do not move; growth assets, described by stated durations, move by those durations
(first order: they are all that is known of them) and by the move's growth return.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from ldi.curves.market import Market
from ldi.errors import DataError
from ldi.instruments import Instrument, Valuation
from ldi.liabilities import Liabilities
from ldi.risk.matrix import CashflowMatrix
from ldi.risk.revalue import revalue
from ldi.risk.shifts import Shifts
from ldi.scenarios.scenario import Move
from ldi.typing import FloatArray

GROWTH_KIND = "return_seeking"
E_RETURN_ID = "Move.returns: unknown instrument id {name!r}; expected one of {ids}"


def shifts(moves: Sequence[Move], credit: float = 0.0) -> Shifts:
    """The moves as one ``Shifts`` on the union of their knots, ``credit`` x widening added."""
    knots = np.union1d(np.concatenate([m.knots for m in moves]), [])
    nominal = np.stack([m.nominal(knots) + credit * m.credit_spread for m in moves])
    breakeven = np.stack([m.breakeven(knots) for m in moves])
    return Shifts(knots, nominal, breakeven)


@dataclass(frozen=True, eq=False)
class Revaluation:
    """Values per unit of position of ``instruments`` on ``market`` under any moves.

    A unit is one of market value, notional or cash borrowed (``ldi.instruments.Role``), so
    today's value per unit is about 1 for physical assets, 0 for a par swap and −1 for repo.
    """

    instruments: Sequence[Instrument]
    market: Market

    @cached_property
    def ids(self) -> pd.Index:
        """Instrument ids, the row order of every result."""
        return pd.Index([i.id for i in self.instruments], name="id")

    @cached_property
    def _valuations(self) -> dict[str, Valuation]:
        return {i.id: i.value(self.market) for i in self.instruments}

    @cached_property
    def _groups(self) -> list[tuple[FloatArray, CashflowMatrix, Valuation, bool]]:
        """(rows, stacked streams, a member's valuation, credit) per set of shared curves."""
        members: dict[tuple[int, int, bool], list[int]] = {}
        for row, valuation in enumerate(self._valuations.values()):
            if len(valuation.stream):
                key = (id(valuation.curve), id(valuation.breakeven), valuation.credit)
                members.setdefault(key, []).append(row)
        groups = []
        names = list(self._valuations)
        for rows in members.values():
            streams = {names[r]: self._valuations[names[r]].stream for r in rows}
            first = self._valuations[names[rows[0]]]
            groups.append(
                (np.array(rows), CashflowMatrix.from_cashflows(streams), first, first.credit)
            )
        return groups

    @cached_property
    def _spreads(self) -> FloatArray:
        return np.array([v.spread for v in self._valuations.values()])

    @cached_property
    def _settled(self) -> FloatArray:
        return np.array([v.settled for v in self._valuations.values()])

    @cached_property
    def _growth(self) -> FloatArray:
        return np.array([type(i).kind == GROWTH_KIND for i in self.instruments])

    @cached_property
    def base(self) -> FloatArray:
        """Values per unit today."""
        return self.values([Move()])[:, 0]

    def values(self, moves: Sequence[Move]) -> FloatArray:
        """Values per unit (instruments x moves) after each move."""
        result = np.tile(self._settled[:, None], (1, len(moves)))
        for rows, matrix, valuation, credit in self._groups:
            moved = shifts(moves, 1.0 if credit else 0.0)
            result[rows] += revalue(
                matrix, valuation.curve, valuation.breakeven, moved, self._spreads[rows]
            )
        result += self._stated(moves, result)
        return result * (1.0 + self._returns(moves))

    def _returns(self, moves: Sequence[Move]) -> FloatArray:
        """Each move's return of each instrument (instruments x moves): growth, or by id."""
        growth = np.array([m.growth for m in moves])
        returns = np.where(self._growth[:, None], growth[None, :], 0.0)
        for j, move in enumerate(moves):
            for name, value in move.returns.items():
                if name not in self.ids:
                    raise DataError(E_RETURN_ID.format(name=name, ids=list(self.ids)))
                returns[self.ids.get_loc(name), j] = value
        return returns

    def _stated(self, moves: Sequence[Move], values: FloatArray) -> FloatArray:
        """First-order value changes from stated durations (growth assets)."""
        change = np.zeros_like(values)
        for row, valuation in enumerate(self._valuations.values()):
            stated = valuation.stated
            if not (stated.rates_duration or stated.inflation_duration or stated.spread_duration):
                continue
            at_rates = abs(stated.rates_duration)
            at_inflation = abs(stated.inflation_duration)
            for s, move in enumerate(moves):
                relative = (
                    -stated.rates_duration * float(move.nominal(at_rates))
                    + stated.inflation_duration * float(move.breakeven(at_inflation))
                    - stated.spread_duration * move.credit_spread
                )
                change[row, s] = relative * values[row, s]
        return change


def liability_values(liabilities: Liabilities, moves: Sequence[Move]) -> FloatArray:
    """The liabilities' value after each move.

    Their discount basis moves with nominal rates, and by ``credit_spread_beta`` x the
    move's credit widening (an AA corporate basis moves with credit spreads).
    """
    matrix = CashflowMatrix.from_cashflows({"total": liabilities.cashflows})
    moved = shifts(moves, liabilities.credit_spread_beta)
    return revalue(matrix, liabilities.discount_curve, liabilities.inflation_curve, moved)[0]


def revaluation_of(instruments: Mapping[str, Instrument], market: Market) -> Revaluation:
    """A ``Revaluation`` of a problem's instruments, in their order."""
    return Revaluation(list(instruments.values()), market)
