"""A universe valued at once: every bond priced together, the rest one by one.

Priced bonds' implied spreads are solved in one stacked Newton iteration per curve
(``ldi.instruments.pricing.price_bonds``), so a universe of thousands of quoted bonds costs
a few passes over their flows rather than a root-find each.
"""

from collections.abc import Sequence

from ldi.curves.market import Market
from ldi.instruments.base import Instrument, Valuation
from ldi.instruments.bonds import QuotedBond
from ldi.instruments.pricing import price_bonds


def value_all(instruments: Sequence[Instrument], market: Market) -> list[Valuation]:
    """Each instrument valued once on ``market``, in order (``Instrument.value`` each)."""
    bonds = {
        k: i.bond_quote(market) for k, i in enumerate(instruments) if isinstance(i, QuotedBond)
    }
    priced = dict(zip(bonds, price_bonds(list(bonds.values())), strict=True))
    return [priced[k] if k in priced else i.value(market) for k, i in enumerate(instruments)]
