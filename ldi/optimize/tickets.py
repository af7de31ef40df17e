"""Trade tickets: each trade as a dealer executes it, in nominal, with prices and settlement.

A trade t (money: the market value of a physical asset, the notional of an overlay, the
cash borrowed on repo) becomes one ticket:

- a bond: nominal (face) N = |t| x 100 / P to the penny, P its dirty price per 100 face (a
  linker's includes its index ratio), and consideration ± N x P / 100 to the penny, |t| to
  within a penny x max(1, P / 100); with its clean price, accrued interest (per 100, real
  for a linker) and index ratio as quoted;
- a swap: notional |t|, its maturity (the tenor), fixed rate and the trade's PV01 (an
  inflation swap's IE01);
- repo: cash |t| borrowed or repaid, its term and haircut and the collateral bond;
- a growth asset: the amount |t|.

``side`` is buy or sell; receive or pay (a swap's fixed rate, an inflation swap's
inflation); borrow or repay (repo). ``consideration`` is the money the fund pays at
settlement (+ pays, − receives), to the penny: a bond's as above, else pv x t, pv the value
of one unit (1 for an asset bought at its value, −1 for cash borrowed, a swap's upfront
value, 0 at par). Cash is not traded: its
trade is what the tickets pay, −Σ consideration (the budget keeps Σ pv x t = 0).
``fixed_rate``: a swap's fixed rate or a repo's rate (decimal). ``maturity``: years to
the last payment (a swap's tenor, a repo's term). ``pv01`` and ``ie01``: the trade's PV01
(money per bp; + gains when rates fall) and IE01 (+ gains when breakevens rise).
Settlement is the trade date (the valuation date) plus the instrument's settlement days in
business days: weekends, 1 January and 25 December are never business days.
"""

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from ldi.instruments import Role

COLUMNS = [
    "isin",
    "kind",
    "side",
    "nominal",
    "clean_price",
    "accrued",
    "index_ratio",
    "consideration",
    "settlement_date",
    "maturity",
    "fixed_rate",
    "pv01",
    "ie01",
    "haircut",
    "collateral",
]
BONDS = ("bond", "zero_coupon_bond", "index_linked_bond")
SIDES = {  # (when t > 0, when t < 0) by role; swaps by kind
    Role.PHYSICAL.value: ("buy", "sell"),
    Role.FINANCING.value: ("borrow", "repay"),
    "interest_rate_swap": ("receive fixed", "pay fixed"),
    "inflation_swap": ("receive inflation", "pay inflation"),
}
PRICE_DECIMALS = 8
CLOSED = ("01-01", "12-25")  # month-day of the days no market settles


def ticket_table(
    trades: pd.Series,
    assets: pd.DataFrame,
    terms: pd.DataFrame,
    trade_date: dt.date | None,
) -> pd.DataFrame:
    """One ticket per non-zero trade but cash's (index: instrument; see the module docstring).

    ``assets`` gives pv and pv01 per unit, ``terms`` the market terms (kind, role, prices,
    accrued, index ratio, maturity, fixed rate, haircut, collateral, ISIN, settlement days;
    those missing are blank).
    """
    traded = trades[(trades != 0.0) & trades.notna() & (assets["kind"] != "cash")]
    ids = traded.index
    t = traded.to_numpy(dtype=float)
    terms = terms.reindex(ids)
    rows = assets.index.get_indexer(ids)

    def asset(name: str) -> np.ndarray:
        return assets[name].to_numpy()[rows]

    kind, role = asset("kind"), asset("role")

    def column(name: str) -> np.ndarray:
        return terms[name].to_numpy() if name in terms else np.full(ids.size, np.nan)

    bond, repo = np.isin(kind, BONDS), role == Role.FINANCING.value
    linker = kind == "index_linked_bond"
    price, priced = nominal_prices(kind, column("dirty_price"))
    nominal = np.round(np.abs(t) / price, 2)
    pv = asset("pv").astype(float)
    paid = _money(np.where(priced, np.sign(t) * nominal * price, pv * t))
    sides = [SIDES.get(k, SIDES.get(r, ("buy", "sell"))) for k, r in zip(kind, role, strict=True)]
    table = pd.DataFrame(
        {
            "isin": column("isin"),
            "kind": kind,
            "side": [pair[0] if x > 0 else pair[1] for pair, x in zip(sides, t, strict=True)],
            "nominal": nominal,
            "clean_price": np.where(bond, _price(column("clean_price")), np.nan),
            "accrued": np.where(bond, _price(column("accrued")), np.nan),
            "index_ratio": np.where(linker, _price(column("index_ratio")), np.nan),
            "consideration": paid,
            "settlement_date": _settlement(trade_date, column("settlement_days")),
            "maturity": column("maturity"),
            "fixed_rate": _price(np.where(repo, column("rate"), column("fixed_rate"))),
            "pv01": _money(asset("pv01").astype(float) * t),
            "ie01": _money(asset("ie01").astype(float) * t),
            "haircut": column("haircut"),
            "collateral": column("collateral"),
        },
        index=pd.Index(ids, name="instrument"),
    )
    return table[COLUMNS]


def nominal_prices(kinds: np.ndarray, dirty: Any) -> tuple[np.ndarray, np.ndarray]:
    """(money per unit of nominal, priced) of each position.

    A bond with a dirty price: that price / 100 (a linker's includes its index ratio);
    every other position 1, its nominal being its amount.
    """
    dirty = np.asarray(dirty, dtype=float)
    priced = np.isin(kinds, BONDS) & np.isfinite(dirty) & (dirty > 0)
    return np.where(priced, dirty / 100.0, 1.0), priced


def _money(values: np.ndarray) -> np.ndarray:
    """Money to the penny (no −0)."""
    return np.round(values, 2) + 0.0


def _price(values: np.ndarray) -> np.ndarray:
    """Prices and ratios to PRICE_DECIMALS, free of float residue (1.3600000000000012)."""
    return np.round(np.asarray(values, dtype=float), PRICE_DECIMALS)


def _settlement(trade_date: dt.date | None, days: np.ndarray) -> np.ndarray:
    """The settlement date of each ticket: ``days`` business days after ``trade_date``."""
    if trade_date is None:
        return np.full(days.size, np.datetime64("NaT"), dtype="datetime64[ns]")
    years = range(trade_date.year, trade_date.year + 2)
    closed = [f"{year}-{day}" for year in years for day in CLOSED]
    offset = np.nan_to_num(np.asarray(days, dtype=float)).astype(int)
    dates = np.busday_offset(np.datetime64(trade_date, "D"), offset, "forward", holidays=closed)
    return dates.astype("datetime64[ns]")
