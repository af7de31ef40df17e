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

from ldi.curves.base import RateCurve
from ldi.curves.inflation import BreakevenCurve
from ldi.curves.market import Market
from ldi.errors import DataError
from ldi.instruments import Instrument, Valuation, Valuations
from ldi.instruments.universe import valued_columns
from ldi.liabilities import Liabilities
from ldi.risk.matrix import CashflowMatrix
from ldi.risk.revalue import revalue
from ldi.scenarios.scenario import Move, MoveSet
from ldi.typing import FloatArray, IntArray, ObjectArray

GROWTH_KIND = "return_seeking"
CHUNK = 1000  # moves revalued at a time: a bond book's per-flow discount factors stay small
E_RETURN_ID = "Move.returns: unknown instrument id {name!r}; expected one of {ids}"

_Group = tuple[IntArray, CashflowMatrix, RateCurve, BreakevenCurve | None, bool]


@dataclass(frozen=True, eq=False)
class Revaluation:
    """Values per unit of position of ``instruments`` on ``market`` under any moves.

    A unit is one of market value, notional or cash borrowed (``ldi.instruments.Role``), so
    today's value per unit is about 1 for physical assets, 0 for a par swap and −1 for repo.
    ``valued``: the instruments already valued on ``market``, in order, as columns or units
    (else valued here).
    """

    instruments: Sequence[Instrument]
    market: Market
    valued: Sequence[Valuation] | None = None

    @cached_property
    def ids(self) -> pd.Index:
        """Instrument ids, the row order of every result."""
        return pd.Index([i.id for i in self.instruments], name="id")

    @cached_property
    def columns(self) -> Valuations:
        """The instruments' valuations as columns: those given, else valued here."""
        return valued_columns(self.instruments, self.market, self.valued)

    @property
    def valuations(self) -> list[Valuation]:
        """Each instrument valued once on the market, in order, as units."""
        return list(self.columns)

    @cached_property
    def _groups(self) -> list[_Group]:
        """(rows, stacked streams, curve, breakeven, credit) per set of shared curves.

        Units with flows are grouped by (curve, breakeven) identity and credit, in order of
        first use.
        """
        valuations = self.columns
        streams = valuations.streams
        flowing = np.flatnonzero(streams.sizes > 0)
        curves = _identities(valuations.curve[flowing])
        indices = _identities(valuations.breakeven[flowing])
        credit = valuations.credit[flowing]
        label = (curves * (indices.max(initial=0) + 1) + indices) * 2 + credit
        codes, _ = pd.factorize(label)
        groups = []
        for code in range(codes.max(initial=-1) + 1):
            rows = flowing[codes == code]
            mine = streams if rows.size == len(streams) else streams.take(rows)
            first = rows[0]
            groups.append(
                (
                    rows,
                    CashflowMatrix.from_stacked(self.ids[rows], mine),
                    valuations.curve[first],
                    valuations.breakeven[first],
                    bool(valuations.credit[first]),
                )
            )
        return groups

    @cached_property
    def _spreads(self) -> FloatArray:
        return self.columns.spread

    @cached_property
    def _settled(self) -> FloatArray:
        return self.columns.settled

    @cached_property
    def _growth(self) -> FloatArray:
        return np.array([type(i).kind == GROWTH_KIND for i in self.instruments])

    @cached_property
    def base(self) -> FloatArray:
        """Values per unit today."""
        return self.values([Move()])[:, 0]

    def values(self, moves: Sequence[Move] | MoveSet) -> FloatArray:
        """Values per unit (instruments x moves) after each move.

        Moves are revalued CHUNK at a time, so many thousands fit in memory.
        """
        moves = moves if isinstance(moves, MoveSet) else MoveSet.of(moves)
        unknown = sorted(set(moves.returns) - set(self.ids))
        if unknown:
            raise DataError(E_RETURN_ID.format(name=unknown[0], ids=list(self.ids)))
        parts = [
            self._values(moves.chunk(start, start + CHUNK))
            for start in range(0, moves.count, CHUNK)
        ]
        return np.hstack(parts) if parts else np.zeros((len(self.ids), 0))

    def _values(self, moves: MoveSet) -> FloatArray:
        result = np.tile(self._settled[:, None], (1, moves.count))
        market = self.market
        for rows, matrix, discount, breakeven, credit in self._groups:
            curve = moves.curve_moves(market, market.name_of(discount))
            index = moves.index_moves(market, market.name_of(breakeven))
            moved = moves.shifts(1.0 if credit else 0.0, curve, {None: index})
            result[rows] += revalue(
                matrix,
                discount,
                breakeven,
                moved,
                self._spreads[rows],
                market.yield_compounding,
            )
        result *= 1.0 + self._stated(moves)
        return result * (1.0 + self._returns(moves))

    def _returns(self, moves: MoveSet) -> FloatArray:
        """Each move's return of each instrument (instruments x moves): growth, or by id."""
        returns = np.where(self._growth[:, None], moves.growth[None, :], 0.0)
        for name, given in moves.returns.items():
            row = self.ids.get_loc(name)
            returns[row] = np.where(np.isnan(given), returns[row], given)
        return returns

    @cached_property
    def _durations(self) -> tuple[FloatArray, FloatArray, FloatArray]:
        """(rates, inflation, spread) stated durations per unit."""
        rates, inflation, spread = self.columns.stated.T
        return rates, inflation, spread

    def _stated(self, moves: MoveSet) -> FloatArray:
        """Relative value changes (instruments x moves) from stated durations, first order.

        Stated rate durations move with the market's bond curve, its own moves included;
        stated inflation durations with its breakeven curve, its own moves included.
        """
        rates, inflation, spread = self._durations
        if not (np.any(rates) or np.any(inflation) or np.any(spread)):
            return np.zeros((len(self.ids), moves.count))
        shifts = moves.market_shifts(self.market)
        return (
            -rates[:, None] * shifts.nominal_at(np.abs(rates)).T
            + inflation[:, None] * shifts.breakeven_at(np.abs(inflation)).T
            - spread[:, None] * moves.credit_spread[None, :]
        )


def liability_values(
    liabilities: Liabilities, moves: Sequence[Move] | MoveSet, market: Market
) -> FloatArray:
    """The liabilities' value after each move.

    Their discount basis moves with nominal rates, with the moves of the curve it is built
    on (``liabilities.curve`` in ``market``), and by ``credit_spread_beta`` x the move's
    credit widening (an AA corporate basis moves with credit spreads); each tranche's real
    amounts with the moves of its index (a move of ``cpi`` moves only CPI-linked ones). A
    move's ``mortality_scale`` rebuilds benefits projected from member data with every
    mortality rate scaled (``Liabilities.with_mortality``), once per scale.
    """
    if isinstance(moves, MoveSet):
        return _liability_values(liabilities, moves, market)
    scales = np.array([move.mortality_scale for move in moves])
    values = np.empty(len(moves))
    for scale in np.unique(scales):
        chosen = np.flatnonzero(scales == scale)
        owed = liabilities if scale == 1.0 else liabilities.with_mortality(float(scale))
        values[chosen] = _liability_values(owed, [moves[i] for i in chosen], market)
    return values


def _liability_values(
    liabilities: Liabilities, moves: Sequence[Move] | MoveSet, market: Market
) -> FloatArray:
    matrix = CashflowMatrix.from_cashflows({"total": liabilities.cashflows})
    return liability_streams(liabilities, matrix, moves, market)[0]


def liability_streams(
    liabilities: Liabilities,
    matrix: CashflowMatrix,
    moves: Sequence[Move] | MoveSet,
    market: Market,
) -> FloatArray:
    """Values (streams x moves) of ``matrix``'s streams on the liabilities' discount basis.

    The streams are parts of the liabilities' cash flows (or zero-coupon units); they move
    as ``liability_values`` says, CHUNK moves at a time.
    """
    moves = moves if isinstance(moves, MoveSet) else MoveSet.of(moves)
    parts = []
    default = liabilities.default_index(market)
    for start in range(0, moves.count, CHUNK):
        chunk = moves.chunk(start, start + CHUNK)
        curve = chunk.curve_moves(market, liabilities.curve)
        indices = {
            None: chunk.index_moves(market, default),
            **{name: chunk.index_moves(market, name) for name in market.names(BreakevenCurve)},
        }
        shifts = chunk.shifts(liabilities.credit_spread_beta, curve, indices)
        discount, index = liabilities.discount_curve, liabilities.inflation_curve
        parts.append(revalue(matrix, discount, index, shifts, None, market.yield_compounding))
    return np.hstack(parts) if parts else np.zeros((matrix.ids.size, 0))


def revaluation_of(
    instruments: Mapping[str, Instrument],
    market: Market,
    valued: Sequence[Valuation] | None = None,
) -> Revaluation:
    """A ``Revaluation`` of a problem's instruments, in their order (``valued``: see there)."""
    return Revaluation(list(instruments.values()), market, valued)


def _identities(values: ObjectArray) -> IntArray:
    """Each of ``values``' code: distinct objects (by identity) numbered in order of first use."""
    codes, _ = pd.factorize(np.fromiter(map(id, values), np.int64, values.size))
    return codes
