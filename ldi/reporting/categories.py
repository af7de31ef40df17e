"""Asset categories as a committee names them, and which money column each is measured in.

An instrument's category (``ldi.instruments.base.CATEGORIES``) reads as a label in the
fund's market: a nominal government bond is a gilt in GBP, a treasury in USD; an
index-linked one an index-linked gilt or a TIPS. Physical assets are measured at market
value, overlays at notional and financing as cash borrowed, so each group is shown apart.
"""

from collections.abc import Mapping
from types import MappingProxyType

GOVERNMENT = MappingProxyType(
    {
        "GBP": ("Gilts", "Index-linked gilts"),
        "USD": ("Treasuries", "TIPS"),
        "EUR": ("Government bonds", "Inflation-linked government bonds"),
    }
)
"""Nominal and index-linked government bonds by currency (others: as EUR)."""

LABELS: Mapping[str, str] = MappingProxyType(
    {
        "credit": "Credit",
        "growth": "Growth assets",
        "cash": "Cash",
        "rates_swap": "Interest rate swaps",
        "inflation_swap": "Inflation swaps",
        "repo": "Repo",
    }
)
"""Labels of the categories that read the same in every market."""

GROUPS: Mapping[str, str] = MappingProxyType(
    {
        "government": "assets",
        "index_linked": "assets",
        "credit": "assets",
        "growth": "assets",
        "cash": "assets",
        "rates_swap": "overlays",
        "inflation_swap": "overlays",
        "repo": "financing",
    }
)
"""How each category is measured: assets at market value, overlays at notional, financing
as cash borrowed."""

ORDER = tuple(GROUPS)
"""Categories in the order reports list them."""


def category_label(category: str, currency: str) -> str:
    """The committee's name of ``category`` in ``currency``'s market (unknown: as given)."""
    nominal, linked = GOVERNMENT.get(currency.upper(), GOVERNMENT["EUR"])
    names = {"government": nominal, "index_linked": linked, **LABELS}
    return names.get(category, category.replace("_", " ").capitalize())
