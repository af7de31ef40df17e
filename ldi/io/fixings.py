"""Instruments' index terms from published fixings: lags in months, index ratios, uplifts.

An instrument's ``lag_months`` over its breakeven curve's quote ``lag_months`` is its
``indexation_lag`` (years). A linker with a ``base_date`` pays real x I(t − L_b)/I(base):

- its index ratio, which converts its real price to money, is Ref_b(today)/Ref_b(base);
- the curve projects its index from its own reference today, Ref_c(today), so payments
  fixing after it grow from ``uplift`` = Ref_c(today)/Ref_b(base);
- payments whose fixings are already published pay the known ratio Ref_b(payment date) /
  Ref_b(base), a fixed amount. A month's index counts as published from the month after
  next (ONS publishes it in the middle of the next month), and only if the history has it.

Reference indices with a 3-month lag are interpolated daily, other lags take the fixing of
the month (``IndexHistory.reference``).
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ldi.cashflows.bonds import BondSchedule
from ldi.curves.index_history import IndexHistory
from ldi.curves.market import Market, lineage
from ldi.errors import DataError, SpecError
from ldi.io.schema import ProblemSpec
from ldi.storage.files import UnreadableFile, confined

E_LAG_SHORTER = (
    "{path}.lag_months: got {months}, shorter than the {quoted}-month lag of {index!r}'s "
    "quotes; expected a lag at least the curve's"
)
E_NEEDS_HISTORY = (
    "{path}: given, but market.index_history is missing; expected a CSV of monthly fixings "
    "to compute the index ratio from"
)
E_BASE_AFTER = (
    "{path}: got {base}, after the valuation date {today}; expected the date the bond's "
    "indexation starts from, on or before it"
)
E_NEEDS_VALUATION = (
    "{path}: given, but valuation_date is missing; expected the date the index ratio is taken"
)


def index_history(spec: ProblemSpec, base_dir: Path) -> IndexHistory | None:
    """The monthly fixings ``market.index_history`` names, read and checked (None: none)."""
    name = spec.market.index_history
    if name is None:
        return None
    path = "market.index_history"
    try:
        return IndexHistory.from_csv(confined(name, base_dir, path))
    except (DataError, UnreadableFile) as error:
        raise SpecError(f"{path}: {error}", path=path) from None


@dataclass(frozen=True)
class IndexTerms:
    """What turns an instrument's ``lag_months`` and ``base_date`` into its own terms."""

    spec: ProblemSpec
    bases: dict[str, str]
    history: IndexHistory | None

    def fill(self, item: Any, fields: dict[str, Any], market: Market, path: str) -> None:
        """Set ``indexation_lag``, and a linker's ``index_ratio``, ``uplift``, ``fixed_ratios``."""
        months = fields.pop("lag_months", None)
        base = fields.pop("base_date", None)
        if months is None:
            return
        index = str(item.inflation_curve or market.inflation)
        quoted = self._curve_lag(index)
        if quoted is not None:
            if months < quoted:
                message = E_LAG_SHORTER.format(path=path, months=months, index=index, quoted=quoted)
                raise SpecError(message, path=f"{path}.lag_months")
            fields["indexation_lag"] = (months - quoted) / 12
        if base is not None:
            where = f"{path}.base_date"
            try:
                self._linker(fields, index, base, months, quoted, where)
            except DataError as error:
                raise SpecError(f"{where}: {error}", path=where) from None

    def _linker(
        self,
        fields: dict[str, Any],
        index: str,
        base: date,
        months: int,
        quoted: int | None,
        where: str,
    ) -> None:
        """The linker's index ratio, its projected payments' uplift and its known ratios."""
        history, today = self.history, self.spec.valuation_date
        if history is None:
            raise SpecError(E_NEEDS_HISTORY.format(path=where), path=where)
        if today is None:
            raise SpecError(E_NEEDS_VALUATION.format(path=where), path=where)
        if base > today:
            message = E_BASE_AFTER.format(path=where, base=base.isoformat(), today=today)
            raise SpecError(message, path=where)
        own = months == 3
        base_index = float(history.reference(index, base, months, own))
        try:  # a valuation date past the fixings is the valuation date's fault, not the base's
            today_index = float(history.reference(index, today, months, own))
            if quoted is not None and quoted != months:
                curve_today = float(history.reference(index, today, quoted, quoted == 3))
                fields["uplift"] = curve_today / base_index
        except DataError as error:
            raise SpecError(f"valuation_date: {error}", path="valuation_date") from None
        fields["index_ratio"] = today_index / base_index
        schedule = BondSchedule(
            coupon=fields["coupon"], maturity=fields["maturity"], frequency=fields["frequency"]
        )
        dates = [_date_after(today, t) for t in schedule.cashflows().times]
        published = min(pd.Period(today, "M") - 2, history.last(index))
        known = [d for d in dates if _last_month_needed(d, months, own) <= published]
        if known:
            ratios = np.atleast_1d(history.reference(index, known, months, own)) / base_index
            fields["fixed_ratios"] = tuple(float(r) for r in ratios)

    def _curve_lag(self, index: str) -> int | None:
        """The quote lag of breakeven curve ``index``, else of the curve it is built on."""
        for name in lineage(index, self.bases):
            lag = getattr(self.spec.curves.get(name), "lag_months", None)
            if lag is not None:
                return int(lag)
        return None


def _last_month_needed(day: pd.Timestamp, months: int, interpolate: bool) -> pd.Period:
    """The latest fixing month the reference index on ``day`` reads."""
    month = pd.Period(day, "M") - months
    return month + 1 if interpolate and day.day > 1 else month


def _date_after(today: date, years: float) -> pd.Timestamp:
    """The calendar date ``years`` after ``today``: whole months when they are, else days."""
    months = 12.0 * years
    if abs(months - round(months)) < 1e-9:
        return pd.Timestamp(today) + pd.DateOffset(months=round(months))
    return pd.Timestamp(today) + pd.Timedelta(days=round(365.25 * years))
