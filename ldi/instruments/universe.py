"""A universe valued at once: every bond priced together, the rest one by one.

Priced bonds' implied spreads are solved in one stacked Newton iteration per curve
(``ldi.instruments.pricing.price_bonds``), so a universe of thousands of quoted bonds costs
a few passes over their flows rather than a root-find each; their valuations stay columns
(``Valuations``) until a unit's own is asked for.
"""

from collections.abc import Sequence

import numpy as np

from ldi.curves.market import Market
from ldi.errors import DataError
from ldi.instruments.base import Instrument, Valuation
from ldi.instruments.bonds import QuotedBond
from ldi.instruments.pricing import BondQuotes, price_bonds
from ldi.instruments.valuations import Valuations
from ldi.typing import IntArray

E_VALUED = "valued: got {n} valuations for {m} instruments; expected one per instrument, in order"


def value_universe(instruments: Sequence[Instrument], market: Market) -> Valuations:
    """Each instrument valued once on ``market``, in order, as columns.

    Bonds of a class are described together (``QuotedBond.bond_quotes``: a fixed-coupon
    bond's schedules in one pass), then priced together (``price_bonds``); any other
    instrument by its own ``Instrument.value``.
    """
    classes = list(map(type, instruments))
    code = {cls: k for k, cls in enumerate(dict.fromkeys(classes))}
    codes = np.fromiter(map(code.__getitem__, classes), np.intp, len(classes))
    bond_classes = [cls for cls in code if issubclass(cls, QuotedBond)]
    rows = [np.flatnonzero(codes == code[cls]) for cls in bond_classes]
    others = np.flatnonzero(~np.isin(codes, [code[cls] for cls in bond_classes]))
    quotes = [
        cls.bond_quotes(_taken(instruments, mine), market)
        for cls, mine in zip(bond_classes, rows, strict=True)
    ]
    parts = []
    if quotes:
        parts.append(price_bonds(quotes[0] if len(quotes) == 1 else BondQuotes.concat(quotes)))
    if others.size:
        parts.append(Valuations.of([instruments[k].value(market) for k in others.tolist()]))
    if not parts:
        return Valuations.of([])
    valued = parts[0] if len(parts) == 1 else Valuations.concat(parts)
    order = np.concatenate([*rows, others])
    if np.array_equal(order, np.arange(order.size)):
        return valued
    place = np.empty_like(order)
    place[order] = np.arange(order.size)
    return valued.take(place)


def valued_columns(
    instruments: Sequence[Instrument],
    market: Market,
    valued: Sequence[Valuation] | Valuations | None = None,
) -> Valuations:
    """The instruments' valuations as columns: ``valued``, else valued here.

    ``valued``: the instruments already valued on ``market``, in order, as ``Valuations`` or
    units; None values each here (``value_universe``). A DataError when it does not hold
    one valuation per instrument.
    """
    if valued is None:
        return value_universe(instruments, market)
    if len(valued) != len(instruments):
        raise DataError(E_VALUED.format(n=len(valued), m=len(instruments)))
    return valued if isinstance(valued, Valuations) else Valuations.of(valued)


def _taken(instruments: Sequence[Instrument], rows: IntArray) -> list[Instrument]:
    """``instruments`` at ``rows``."""
    if rows.size == len(instruments):
        return list(instruments)
    return [instruments[k] for k in rows.tolist()]


def value_all(instruments: Sequence[Instrument], market: Market) -> list[Valuation]:
    """Each instrument valued once on ``market``, in order (see ``value_universe``)."""
    return list(value_universe(instruments, market))
