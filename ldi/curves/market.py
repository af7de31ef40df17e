"""Named curves of one valuation: defaults for instruments, and curves built on others.

A curve declared as another curve plus a spread (SONIA = gilts + swap spread) makes that
spread a risk factor of its own.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TypeVar

from ldi.curves.base import RateCurve
from ldi.curves.inflation import BreakevenCurve
from ldi.curves.inflation_volatility import InflationVolatility
from ldi.errors import DataError
from ldi.units import Compounding

E_CURVE = "{where}: got {value!r}; expected the name of a {kind} curve, one of {names}"
C = TypeVar("C", RateCurve, BreakevenCurve)
E_NO_DEFAULT = "{where}: no {kind} curve named and the market has no default; name one of {names}"
E_BASE_LOOP = "curves.{name}.base: {chain} comes back to {base!r}; expected bases that end"


@dataclass(frozen=True, eq=False)
class Market:
    """``curves`` by name, and the defaults of instruments that name none.

    ``nominal`` discounts bonds; ``swap`` (``nominal`` when None) discounts swaps and
    repo, e.g. SONIA while bonds use gilts; ``inflation`` projects the index. ``bases`` maps
    a curve to the curve of its kind it is declared over (SONIA = gilts + swap spread, CPI =
    RPI − wedge): moving a curve moves every curve built on it, and moving a curve with a
    base moves only its spread (or wedge) over that base. ``yield_compounding`` is how the
    market's bond yields are quoted (semiannual for gilts and Treasuries, annual for euro
    government bonds).
    ``inflation_volatility`` maps a breakeven curve to the year-on-year volatility that
    prices LPI floors and caps on its index.
    """

    curves: Mapping[str, RateCurve | BreakevenCurve]
    nominal: str | None = None
    inflation: str | None = None
    swap: str | None = None
    bases: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    inflation_volatility: Mapping[str, InflationVolatility] = field(
        default_factory=lambda: MappingProxyType({})
    )
    yield_compounding: Compounding = Compounding.SEMIANNUAL

    def __post_init__(self) -> None:
        kinds = {"nominal": self.names(RateCurve), "breakeven": self.names(BreakevenCurve)}
        for name, base in self.bases.items():
            kind = next((k for k, names in kinds.items() if name in names), None)
            if kind is None:
                everything = sorted(self.curves)
                raise DataError(
                    E_CURVE.format(where="bases", value=name, kind="known", names=everything)
                )
            if base not in kinds[kind] or base == name:
                others = [n for n in kinds[kind] if n != name]
                where = f"curves.{name}.base"
                raise DataError(E_CURVE.format(where=where, value=base, kind=kind, names=others))
        for name in self.bases:
            self.lineage(name)
        object.__setattr__(self, "bases", MappingProxyType(dict(self.bases)))

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

    def volatility_of(self, index: str | None) -> InflationVolatility | None:
        """The year-on-year volatility of breakeven curve ``index``, else of its bases in turn.

        CPI declared over RPI prices its LPI on RPI's volatility unless it has its own; None
        when neither has one (LPI then rests on the default).
        """
        if index is None:
            return None
        return next(
            (
                self.inflation_volatility[n]
                for n in self.lineage(index)
                if n in self.inflation_volatility
            ),
            None,
        )

    def names(self, kind: type) -> list[str]:
        """Names of the curves of type ``kind``, sorted."""
        return sorted(name for name, curve in self.curves.items() if isinstance(curve, kind))

    def lineage(self, name: str) -> tuple[str, ...]:
        """``name``, its base, the base's base, ...: the factors that move curve ``name``."""
        return lineage(name, self.bases)

    def name_of(self, curve: object) -> str | None:
        """The name under which this very ``curve`` object is held (None if it is not)."""
        return next((name for name, held in self.curves.items() if held is curve), None)

    def bond_swap_weight(self, curve: str | None) -> float:
        """How far curve ``curve`` moves when bond yields rise 1bp against swap rates.

        Bonds (``nominal``) keep their rate and the swap curve moves by −1: −1 when the swap
        curve is in the lineage, +1 back when the bond curve is built on the swap curve and
        is in it too; 0 when bonds and swaps share a curve or ``curve`` is None.
        """
        swap = self.swap_name
        if curve is None or swap is None or self.nominal is None:
            return 0.0
        lineage = self.lineage(curve)
        back = swap in self.lineage(self.nominal) and self.nominal in lineage
        return -float(swap in lineage) + float(back)

    @property
    def swap_name(self) -> str | None:
        """The swap curve's name when it differs from the bond curve's, else None."""
        swap = self.swap or self.nominal
        return swap if swap != self.nominal else None

    def _curve(self, name: str | None, kind: type[C], label: str, where: str) -> C:
        names = self.names(kind)
        if name is None:
            raise DataError(E_NO_DEFAULT.format(where=where, kind=label, names=names))
        curve = self.curves.get(name)
        if not isinstance(curve, kind):
            raise DataError(E_CURVE.format(where=where, value=name, kind=label, names=names))
        return curve


def lineage(name: str, bases: Mapping[str, str]) -> tuple[str, ...]:
    """``name`` and its bases in turn; a loop of bases is an error naming where it closes."""
    chain = [name]
    while chain[-1] in bases:
        base = bases[chain[-1]]
        if base in chain:
            loop = " -> ".join([*chain, base])
            raise DataError(E_BASE_LOOP.format(name=chain[-1], chain=loop, base=base))
        chain.append(base)
    return tuple(chain)


def volatility_of(
    index: str | None, volatilities: Mapping[str, InflationVolatility], bases: Mapping[str, str]
) -> InflationVolatility | None:
    """The volatility of curve ``index`` in ``volatilities``, else of its bases in turn."""
    if index is None:
        return None
    return next((volatilities[n] for n in lineage(index, bases) if n in volatilities), None)
