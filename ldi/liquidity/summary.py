"""Collateral headroom and resilience of a solve's positions, before and after.

Built cheaply with a solve's result and computed on first use, so a re-solve that never
looks at collateral pays nothing for it.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from ldi.liquidity.buffer import BUFFER_UNITS, Rise, absorbable_rise, bp_to_zero_nav
from ldi.liquidity.collateral import CollateralModel
from ldi.scenarios.scenario import Move, RateUnits
from ldi.typing import FloatArray


@dataclass(frozen=True, eq=False)
class CollateralSummary:
    """Collateral called, available and headroom (money) under a buffer's ``moves``.

    ``before`` are the current holdings and ``after`` the solved positions (None when the
    solve has none); ``within_days`` the window that counts (None: the policy's).
    ``title`` says which constraint the moves come from; ``units`` what its rises, and the
    resilience figures, are quoted in.
    """

    model: CollateralModel
    moves: Mapping[str, Move]
    before: FloatArray
    after: FloatArray | None
    within_days: float | None
    title: str
    units: RateUnits = BUFFER_UNITS

    def _portfolios(self) -> dict[str, FloatArray]:
        portfolios = {"before": self.before}
        if self.after is not None:
            portfolios["after"] = self.after
        return portfolios

    @cached_property
    def table(self) -> pd.DataFrame:
        """Index: move label; columns called, available, headroom per portfolio (before, after)."""
        moves = list(self.moves.values())
        columns = {}
        for label, x in self._portfolios().items():
            called = self.model.needed(x, moves, self.within_days)
            headroom = self.model.headroom(x, moves, self.within_days)
            columns[f"called_{label}"] = called
            columns[f"available_{label}"] = headroom + called
            columns[f"headroom_{label}"] = headroom
        return pd.DataFrame(columns, index=pd.Index(list(self.moves), name="rise"))

    @cached_property
    def resilience(self) -> pd.DataFrame:
        """Index: rise (nominal, real); absorbable rise and bp to zero NAV per portfolio (bp)."""
        rows: dict[str, dict[str, float]] = {kind.value: {} for kind in (Rise.NOMINAL, Rise.REAL)}
        for label, x in self._portfolios().items():
            for kind in (Rise.NOMINAL, Rise.REAL):
                absorbs = absorbable_rise(self.model, x, kind, self.within_days, self.units)
                zero_nav = bp_to_zero_nav(self.model, x, kind, self.units)
                rows[kind.value][f"absorbable_bp_{label}"] = absorbs.exact
                rows[kind.value][f"zero_nav_bp_{label}"] = zero_nav.exact
        return pd.DataFrame.from_dict(rows, orient="index").rename_axis("rise")

    def to_dict(self) -> dict[str, object]:
        """Both tables as records (JSON-safe once passed through ``json_safe``)."""
        return {
            "title": self.title,
            "units": self.units.value,
            "headroom": self.table.reset_index().to_dict(orient="records"),
            "resilience": self.resilience.replace([np.inf], np.nan)
            .reset_index()
            .to_dict(orient="records"),
        }
