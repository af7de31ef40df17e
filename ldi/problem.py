"""A problem's inputs: market, liabilities, universe, holdings and the fund's policies.

What to optimize (the objective and constraints) is the optimizer's: ``ldi.optimize.problem``.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ldi.cashflows.tranches import streams_of
from ldi.curves.inflation import BreakevenCurve, WedgeCurve
from ldi.curves.market import Market
from ldi.curves.spread import DEFAULT_KEYS
from ldi.curves.zero import ZeroCurve
from ldi.errors import DataError
from ldi.instruments import Instrument, InstrumentRisk, Valuations, instrument_risk, value_universe
from ldi.liabilities import Liabilities
from ldi.liquidity.collateral import CollateralModel, CollateralPolicy, collateral_table
from ldi.liquidity.recapitalisation import RecapitalisationPolicy
from ldi.risk.factors import RiskModel
from ldi.scenarios import Revaluation, Scenario, catalogue, revaluation_of
from ldi.scenarios.pnl import ScenarioEngine
from ldi.scenarios.setup import SimulationSetup
from ldi.scenarios.simulation import growth_volatilities
from ldi.typing import ArrayLike
from ldi.validation import EXTRAPOLATION_TOLERANCE, beyond_last_tenor

E_POSITIONS = "positions: unknown instrument ids {ids}; expected ids from {known}"


@dataclass(frozen=True, eq=False, repr=False)
class Problem:
    """One decision's inputs: the market, the liabilities, the universe and current holdings.

    ``holdings`` are positions by instrument id: market value for physical assets, notional
    for overlays, cash borrowed for repo (see ``ldi.instruments.Role``). ``collateral`` is
    the collateral policy (haircuts, eligibility, initial margin), ``recapitalisation`` what
    a plan restoring its buffer may use (``ldi.recap``); ``scenarios`` the stress
    scenarios by name (the catalogue's and the file's own); ``simulation`` where simulated
    moves come from (the scenario model's options, or an external scenario file) and how
    positions and liabilities age when markets do not move (``ldi.scenarios.setup``).
    ``liability_basis`` describes the liabilities' valuation basis for reports;
    ``folder`` is where the files the problem names are read from and ``data_files`` those
    files (cash flows, a curve history, scenarios), for the run's manifest.
    """

    name: str
    market: Market
    liabilities: Liabilities
    instruments: Mapping[str, Instrument]
    holdings: pd.Series
    currency: str = "GBP"
    valuation_date: dt.date | None = None
    liability_basis: str = ""
    collateral: CollateralPolicy = field(default_factory=CollateralPolicy)
    recapitalisation: RecapitalisationPolicy | None = None
    # The catalogue of the default currency, GBP (build_problem passes the file's currency).
    scenarios: Mapping[str, Scenario] = field(default_factory=lambda: catalogue("GBP"))
    simulation: SimulationSetup = field(default_factory=SimulationSetup)
    folder: Path | None = None
    data_files: tuple[Path, ...] = ()

    def __repr__(self) -> str:
        """One line: name, currency, valuation date and the universe's size (inputs are fields)."""
        date = self.valuation_date.isoformat() if self.valuation_date else "no valuation date"
        return (
            f"<{type(self).__name__} {self.name!r}: {self.currency}, {date}, "
            f"{len(self.instruments)} instruments, {len(self.scenarios)} stress scenarios>"
        )

    def __getstate__(self) -> dict[str, Any]:
        """The inputs only: what is cached (revaluations, models) is built again on use."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @property
    def curves(self) -> Mapping[str, object]:
        """Curves by name."""
        return self.market.curves

    def instrument_risk(self, keys: ArrayLike = DEFAULT_KEYS) -> InstrumentRisk:
        """Per-unit exposures and market terms of every instrument (valued once, shared)."""
        instruments = list(self.instruments.values())
        return instrument_risk(instruments, self.market, keys, self.valuations)

    @cached_property
    def valuations(self) -> Valuations:
        """Each instrument valued once on the market, in order, shared by every use.

        Risk, revaluation, carry and the optimizer's cash flows all read these, so a
        universe is priced once per problem (``ldi.instruments.value_universe``).
        """
        return value_universe(list(self.instruments.values()), self.market)

    @cached_property
    def revaluation(self) -> Revaluation:
        """Full revaluation of the instruments under moves, shared by collateral and scenarios."""
        return revaluation_of(self.instruments, self.market, self.valuations)

    def position_vector(
        self, positions: Mapping[str, float] | pd.Series | None = None
    ) -> np.ndarray:
        """Positions by id (default: the holdings) as a vector in the instruments' order.

        Instruments not named hold nothing; an id that is not an instrument is an error.
        """
        series = self.holdings if positions is None else pd.Series(positions, dtype=float)
        ids = list(self.instruments)
        unknown = sorted(set(series.index) - set(ids))
        if unknown:
            raise DataError(E_POSITIONS.format(ids=unknown, known=ids))
        return series.reindex(ids, fill_value=0.0).to_numpy(dtype=float)

    def holding(self, positions: Mapping[str, float] | pd.Series) -> "Problem":
        """The same problem with ``positions`` (ids checked) as its holdings, zeros left out."""
        vector = self.position_vector(positions)
        held = pd.Series(vector, index=pd.Index(list(self.instruments), name="id"), name="position")
        return replace(self, holdings=held[held != 0])

    def extrapolated(self, tolerance: float = EXTRAPOLATION_TOLERANCE) -> list[str]:
        """Where flows run more than ``tolerance`` years past a curve extrapolated flat.

        One note per (liabilities or instrument, curve): the liabilities on their discount
        curve and, for inflation-linked amounts, on their index's breakeven curve; each
        instrument on the curves it is valued on. Zero and breakeven curves hold their last
        rate beyond their last tenor (a wedge curve: its base's); Smith-Wilson, constant
        forward and fitted curves extrapolate by their model and are not reported.
        """
        ends: dict[tuple[str, str], tuple[float, float]] = {}  # (what, curve): (end, last)

        def reach(what: str, name: str | None, times: np.ndarray) -> None:
            flat = _flat_beyond(self.market.curves.get(name or ""))
            if flat is not None and times.size:
                curve, last = flat
                key = (what, self.market.name_of(curve) or str(name))
                ends[key] = (max(ends.get(key, (0.0, last))[0], float(times.max())), last)

        liabilities = self.liabilities
        for part in streams_of(liabilities.cashflows):
            linked = part.inflation_linked != 0
            reach("liabilities", liabilities.curve, part.times[linked | (part.amounts != 0)])
            reach("liabilities", liabilities.index_of(part, self.market), part.times[linked])
        for instrument, valuation in zip(self.instruments.values(), self.valuations, strict=True):
            for curve in (valuation.curve, valuation.breakeven):
                reach(instrument.where, self.market.name_of(curve), valuation.stream.times)
        notes = [
            beyond_last_tenor(what, end, name, last, tolerance)
            for (what, name), (end, last) in ends.items()
        ]
        return [note for note in notes if note is not None]

    def collateral_model(self) -> CollateralModel:
        """Collateral available and needed per unit of each instrument, by full revaluation."""
        instruments = list(self.instruments.values())
        revaluation = self.revaluation
        return CollateralModel(
            collateral_table(instruments, self.collateral),
            revaluation.values,
            revaluation.base,
            self.collateral.within_days,
            self.collateral.initial_margin_shock_bp,
            self.collateral.cash_variation_margin,
            self.collateral.repo_capacity,
            self.collateral.stressed,
        )

    def scenario_engine(
        self, risk_model: RiskModel | None = None, keys: ArrayLike = DEFAULT_KEYS
    ) -> ScenarioEngine:
        """Simulated P&L of the instruments and the liabilities, aged by the model of time.

        The moves are the scenario file's when ``simulation`` has one, else the scenario
        model's with every option of ``simulation``, ``risk_model`` (default: the defaults)
        and each growth asset's stated volatility. Positions age by ``simulation.carry``;
        hedges are re-struck at the key tenors ``keys``.
        """
        instruments = list(self.instruments.values())
        growth = growth_volatilities(
            [i.id for i in instruments],
            [type(i).kind for i in instruments],
            [getattr(i, "volatility", 0.0) for i in instruments],
        )
        model = self.simulation.model(RiskModel() if risk_model is None else risk_model, growth)
        carry = self.simulation.carry
        return ScenarioEngine(self.revaluation, self.liabilities, model, carry, keys)


def _flat_beyond(curve: object) -> tuple[ZeroCurve | BreakevenCurve, float] | None:
    """The curve whose rate is held flat and its last tenor (knots of a spread included).

    A wedge curve's breakevens are its base's; None for a curve that extrapolates otherwise.
    """
    if isinstance(curve, WedgeCurve):
        return _flat_beyond(curve.base)
    if isinstance(curve, ZeroCurve | BreakevenCurve):
        return curve, float(max(curve.tenors[-1], curve.spread.tenors[-1]))
    return None
