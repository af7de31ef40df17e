"""Bonds held as physical assets: fixed-coupon, zero-coupon (strips) and index-linked.

Each is valued per unit of market value, priced on its curve plus ``spread`` or, given a
market ``price`` (clean, per 100 face), at the spread that reprices it.
"""

from abc import abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Self

import numpy as np

from ldi.cashflows.bonds import BondSchedule
from ldi.cashflows.cashflows import Cashflows
from ldi.cashflows.indexation import PLAIN, Indexation
from ldi.cashflows.stacked import StackedCashflows
from ldi.curves.market import Market
from ldi.errors import DataError
from ldi.instruments.base import Instrument, Role, Valuation
from ldi.instruments.conventions import KIND_DEFAULTS
from ldi.instruments.pricing import BondQuote, BondQuotes, priced_bond, quoted
from ldi.instruments.valuations import objects
from ldi.scheduling.schedule import fixed_leg, plain_legs, seasoned_legs
from ldi.typing import FloatArray
from ldi.validation import finite_numbers, plain

FACE = 100.0
E_INDEX_RATIO = "{where}.{field}: got {value!r}; expected a positive ratio such as 1.0"
E_INDEX_RATIO_NEEDED = (
    "{where}.index_ratio: missing, but a real clean price {price!r} is given; expected the "
    "uplift accrued so far (reference index over base index), as settlement depends on it"
)
E_SPREAD_AND_PRICE = (
    "{where}: got both spread {spread!r} and price {price!r}; expected one of them "
    "(a price implies the spread)"
)


@dataclass(frozen=True, kw_only=True)
class QuotedBond(Instrument):
    """Shared fields: the curve to discount on, and a spread or a market price."""

    role: ClassVar[Role] = Role.PHYSICAL

    @abstractmethod
    def bond_quote(self, market: Market) -> BondQuote:
        """Its flows per 100 face on its curves, with its price or spread, to be priced."""

    @classmethod
    def bond_quotes(cls, bonds: Sequence[Self], market: Market) -> BondQuotes:
        """``bond_quote`` of each of ``bonds`` (all of this class), in order."""
        return BondQuotes.of([bond.bond_quote(market) for bond in bonds])

    def value(self, market: Market) -> Valuation:
        """Value and risk of one unit of position (see ``Instrument.value``)."""
        return priced_bond(self.bond_quote(market))

    def _check_quote(self, spread: float | None, price: float | None) -> None:
        if spread is not None and price is not None:
            raise DataError(E_SPREAD_AND_PRICE.format(where=self.where, spread=spread, price=price))


@dataclass(frozen=True, kw_only=True)
class NominalBond(QuotedBond):
    """A bond paying fixed money amounts; ``credit`` marks its spread as a risk factor."""

    curve: str | None = None
    spread: float | None = None
    price: float | None = None
    credit: bool = False

    @property
    def category(self) -> str:
        """Credit for a credit bond, else government (see ``Instrument.category``)."""
        return "credit" if self.credit else "government"

    @abstractmethod
    def _flows(self) -> tuple[Cashflows, float]:
        """Flows per 100 face and the interest accrued so far."""

    def bond_quote(self, market: Market) -> BondQuote:
        """Its flows per 100 face on its curve, with its price or spread (``QuotedBond``)."""
        flows, accrued = self._flows()
        curve = market.nominal_curve(self.curve, f"{self.where}.curve")
        self._check_quote(self.spread, self.price)
        return BondQuote(
            flows,
            curve,
            None,
            spread=self.spread,
            clean_price=self.price,
            accrued=accrued,
            credit=self.credit,
            where=self.where,
        )

    @classmethod
    def _quotes(
        cls, bonds: Sequence[Self], flows: StackedCashflows, accrued: FloatArray, market: Market
    ) -> BondQuotes:
        """The quotes of ``bonds`` with ``flows`` (per 100 face) and ``accrued`` interest.

        Checked bond by bond in order, as ``bond_quote`` would: the curve, then the quote.
        """
        spreads = [bond.spread for bond in bonds]
        prices = [bond.price for bond in bonds]
        both = [s is not None and p is not None for s, p in zip(spreads, prices, strict=True)]
        first_both = both.index(True) if any(both) else len(bonds)
        names = [bond.curve for bond in bonds]
        position = {name: k for k, name in enumerate(dict.fromkeys(names))}
        codes = np.fromiter(map(position.__getitem__, names), np.intp, len(names))
        curves = []
        for first in np.unique(codes, return_index=True)[1].tolist():
            if first_both < first:
                break
            curves.append(market.nominal_curve(names[first], f"{bonds[first].where}.curve"))
        if first_both < len(bonds):
            bonds[first_both]._check_quote(spreads[first_both], prices[first_both])
        n = len(bonds)
        return BondQuotes(
            flows=flows,
            curve=objects(curves)[codes],
            breakeven=np.full(n, None, dtype=object),
            **quoted(spreads, prices),
            accrued=accrued,
            credit=np.array([bond.credit for bond in bonds], dtype=bool),
            where=objects([bond.where for bond in bonds]),
            settlement_factor=np.ones(n),
        )


@dataclass(frozen=True, kw_only=True)
class Bond(NominalBond):
    """Fixed-coupon bullet bond: ``coupon`` a year (decimal) paid ``frequency`` times a year.

    ``credit`` marks a credit bond: its spread is a risk factor (CS01 = PV01).
    """

    kind: ClassVar[str] = "bond"
    coupon: float
    maturity: float
    frequency: int = KIND_DEFAULTS["bond"]["frequency"]

    def _flows(self) -> tuple[Cashflows, float]:
        schedule = BondSchedule(
            coupon=self.coupon, maturity=self.maturity, frequency=self.frequency, where=self.where
        )
        return schedule.cashflows(), schedule.accrued_interest

    @classmethod
    def bond_quotes(cls, bonds: Sequence[Self], market: Market) -> BondQuotes:
        """``bond_quote`` of each, every schedule built in one pass (``seasoned_legs``).

        The same numbers as ``BondSchedule``: coupons 100 c x accrual, 100 more at maturity,
        accrued 100 c x max(0, −accrual start). Terms ``BondSchedule`` would refuse are
        left to it, bond by bond, so that the error names the bond.
        """
        coupons = [bond.coupon for bond in bonds]
        maturities = np.array([bond.maturity for bond in bonds], dtype=float)
        given = [bond.frequency for bond in bonds]
        frequencies = np.array(given)
        plain = finite_numbers(coupons) and set(map(type, given)) <= {int}
        if not (plain and plain_legs(maturities, frequencies)):
            return super().bond_quotes(bonds, market)
        legs = seasoned_legs(maturities, frequencies)
        face_coupon = FACE * np.array(coupons, dtype=float)
        amounts = np.repeat(face_coupon, np.diff(legs.starts)) * legs.accruals
        amounts[legs.starts[1:] - 1] += FACE
        accrued = face_coupon * np.maximum(0.0, -legs.accrual_start)
        real = np.zeros(legs.times.size)  # no inflation-linked amounts
        plain_rules = np.full(len(bonds), PLAIN, dtype=object)
        flows = StackedCashflows(legs.times, amounts, real, legs.starts, plain_rules)
        return cls._quotes(bonds, flows, accrued, market)


@dataclass(frozen=True, kw_only=True)
class ZeroCouponBond(NominalBond):
    """Pays 100 at ``maturity`` and nothing before (a strip, or a zero-coupon credit bond)."""

    kind: ClassVar[str] = "zero_coupon_bond"
    maturity: float

    def _flows(self) -> tuple[Cashflows, float]:
        maturity = fixed_leg(self.maturity, 1, where=self.where).times[-1]
        return Cashflows([maturity], [FACE]), 0.0


@dataclass(frozen=True, kw_only=True)
class IndexLinkedBond(QuotedBond):
    """Real ``coupon`` and principal uprated by the index.

    ``index_ratio`` is the uplift already accrued (reference index today over the bond's base
    index); it must be given with a ``price``, the real clean price per 100 as linkers are
    quoted, since settlement is (real clean + real accrued) x ``index_ratio``. Without a
    price it defaults to 1 (a new issue). ``indexation_lag`` is the bond's fixing lag
    relative to the breakeven curve's quotes (see ``ldi.cashflows.indexation``): 0 when the
    curve is quoted on the same lagged index.

    A payment at t pays real x I(t − lag_bond)/I(base). The curve projects its index from
    its own reference today, so the uplift of projected payments is ``uplift`` = that
    reference over the base (default ``index_ratio``: the curve on the bond's lag); the
    first payments whose fixings are already published pay real x ``fixed_ratios`` (in
    payment order), a known nominal amount.
    """

    kind: ClassVar[str] = "index_linked_bond"
    coupon: float
    maturity: float
    frequency: int = KIND_DEFAULTS["index_linked_bond"]["frequency"]
    indexation_lag: float = KIND_DEFAULTS["index_linked_bond"]["indexation_lag"]
    index_ratio: float | None = None
    uplift: float | None = None
    fixed_ratios: tuple[float, ...] = ()
    curve: str | None = None
    inflation_curve: str | None = None
    spread: float | None = None
    price: float | None = None

    def bond_quote(self, market: Market) -> BondQuote:
        """Its real flows per 100 face uprated on its curves, with its quote (``QuotedBond``)."""
        self._check_quote(self.spread, self.price)
        if self.index_ratio is None and self.price is not None:
            raise DataError(E_INDEX_RATIO_NEEDED.format(where=self.where, price=self.price))
        index_ratio = 1.0 if self.index_ratio is None else self.index_ratio
        uplift = index_ratio if self.uplift is None else self.uplift
        for name, value in (("index_ratio", index_ratio), ("uplift", uplift)):
            if not (np.isfinite(value) and value > 0):
                message = E_INDEX_RATIO.format(where=self.where, field=name, value=plain(value))
                raise DataError(message)
        schedule = BondSchedule(
            coupon=self.coupon, maturity=self.maturity, frequency=self.frequency, where=self.where
        )
        real = schedule.cashflows()
        known = np.zeros(real.times.size)
        known[: len(self.fixed_ratios)] = self.fixed_ratios[: real.times.size]
        indexation = Indexation(lag=self.indexation_lag, where=f"{self.where}.indexation")
        fixed = real.amounts * known
        linked = np.where(known > 0, 0.0, uplift * real.amounts)
        flows = Cashflows(real.times, fixed, linked, indexation)
        return BondQuote(
            flows,
            market.nominal_curve(self.curve, f"{self.where}.curve"),
            market.breakeven_curve(self.inflation_curve, f"{self.where}.inflation_curve"),
            spread=self.spread,
            clean_price=self.price,
            accrued=schedule.accrued_interest,
            credit=False,
            where=self.where,
            settlement_factor=index_ratio,
        )
