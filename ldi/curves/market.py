"""Named curves of one valuation, and which of them instruments use when they name none."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

from ldi.curves.base import RateCurve
from ldi.curves.inflation import BreakevenCurve
from ldi.errors import DataError

E_CURVE = "{where}: got {value!r}; expected the name of a {kind} curve, one of {names}"
C = TypeVar("C", RateCurve, BreakevenCurve)
E_NO_DEFAULT = "{where}: no {kind} curve named and the market has no default; name one of {names}"


@dataclass(frozen=True, eq=False)
class Market:
    """``curves`` by name, and the defaults of instruments that name none.

    ``nominal`` discounts bonds; ``swap`` (``nominal`` when None) discounts swaps and
    repo, e.g. SONIA while bonds use gilts; ``inflation`` projects the index.
    """

    curves: Mapping[str, RateCurve | BreakevenCurve]
    nominal: str | None = None
    inflation: str | None = None
    swap: str | None = None

    def nominal_curve(self, name: str | None = None, where: str = "curve") -> RateCurve:
        """The nominal curve ``name`` (the default when None)."""
        return self._curve(name or self.nominal, RateCurve, "nominal", where)

    def swap_curve(self, name: str | None = None, where: str = "curve") -> RateCurve:
        """The nominal curve ``name``, else the swap default, else the nominal default."""
        return self._curve(name or self.swap or self.nominal, RateCurve, "nominal", where)

    def breakeven_curve(
        self, name: str | None = None, where: str = "inflation_curve"
    ) -> BreakevenCurve:
        """The breakeven curve ``name`` (the default when None)."""
        return self._curve(name or self.inflation, BreakevenCurve, "breakeven", where)

    def names(self, kind: type) -> list[str]:
        """Names of the curves of type ``kind``, sorted."""
        return sorted(name for name, curve in self.curves.items() if isinstance(curve, kind))

    def _curve(self, name: str | None, kind: type[C], label: str, where: str) -> C:
        names = self.names(kind)
        if name is None:
            raise DataError(E_NO_DEFAULT.format(where=where, kind=label, names=names))
        curve = self.curves.get(name)
        if not isinstance(curve, kind):
            raise DataError(E_CURVE.format(where=where, value=name, kind=label, names=names))
        return curve
