"""A universe valued at once: every bond priced together, the rest one by one.

Priced bonds' implied spreads are solved in one stacked Newton iteration per curve
(``ldi.instruments.pricing.price_bonds``), so a universe of thousands of quoted bonds costs
a few passes over their flows rather than a root-find each.
"""

from collections.abc import Sequence

from ldi.curves.market import Market
from ldi.instruments.base import Instrument, Valuation
from ldi.instruments.bonds import QuotedBond
from ldi.instruments.pricing import BondQuote, price_bonds


def value_all(instruments: Sequence[Instrument], market: Market) -> list[Valuation]:
    """Each instrument valued once on ``market``, in order (``Instrument.value`` each).

    Bonds of a class are described together (``QuotedBond.bond_quotes``: a fixed-coupon
    bond's schedules in one pass), then priced together (``price_bonds``).
    """
    by_class: dict[type[QuotedBond], list[int]] = {}
    for k, instrument in enumerate(instruments):
        if isinstance(instrument, QuotedBond):
            by_class.setdefault(type(instrument), []).append(k)
    quotes: dict[int, BondQuote] = {}
    for cls, rows in by_class.items():
        bonds = [instruments[k] for k in rows]
        quotes.update(zip(rows, cls.bond_quotes(bonds, market), strict=True))
    priced = dict(zip(quotes, price_bonds(list(quotes.values())), strict=True))
    return [priced[k] if k in priced else i.value(market) for k, i in enumerate(instruments)]
