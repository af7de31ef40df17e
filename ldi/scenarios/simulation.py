"""Simulated market moves: a seeded multi-factor model of rates, inflation, credit and growth.

Nominal zero rates move by factor scores times loadings at key tenors: by default level,
slope and curvature shapes with documented volatilities, or the principal components of a
history of curves (``CurveFactors.from_history``). Breakevens, credit spreads and a growth
factor move in parallel. The level factor, breakevens, credit and growth are correlated as
the problem's ``RiskModel`` says (its ``rates`` volatility is the level's when the curve
factors are the defaults); slope and curvature are independent of them, as principal
components are of each other. Growth assets return β_i g + s_i ε_i, with the factor model's
β and specific volatility. Moves are zero-mean shocks: expected returns (carry) belong to
whatever projects a horizon's P&L, not to the moves. Every draw comes from one
``numpy.random.Generator`` seeded by the caller, so a seed reproduces its scenarios.
Moves are annual; a multi-year projection adds independent annual moves.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd

from ldi.errors import DataError
from ldi.risk.factors import FACTORS, RiskModel
from ldi.scenarios.scenario import MoveSet
from ldi.typing import ArrayLike, FloatArray
from ldi.units import BP
from ldi.validation import finite_vector, tenor_vector

DAYS_PER_YEAR = 365.25
E_HISTORY = "{where}: {problem}; expected {need}"
E_COMPONENTS = "components: got {value!r}; expected 1 to {most} (the history's tenors)"
E_COUNT = "count: got {value!r}; expected a positive whole number of scenarios"
E_YEARS = "years: got {value!r}; expected a positive whole number of years"

DEFAULT_TENORS = (1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 50.0)
# Level, slope and curvature shapes at DEFAULT_TENORS: level moves every tenor alike; slope
# turns the curve about 10 years; curvature lifts the 10-20 year belly against both ends.
DEFAULT_LOADINGS = (
    (1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0),
    (-1.0, -0.8, -0.4, 0.0, 0.5, 0.8, 1.0),
    (-0.6, -0.3, 0.4, 1.0, 0.6, 0.0, -0.5),
)
DEFAULT_SHAPE_VOLATILITY_BP = (35.0, 20.0)  # slope and curvature, bp a year at loading 1


@dataclass(frozen=True, eq=False)
class CurveFactors:
    """Shapes of annual zero-rate moves: ``loadings`` (F, K) at ``tenors``, volatilities in bp.

    A scenario moves zero rates by Σ_f score_f x loading_f(t) with score_f of standard
    deviation ``volatility_bp[f]`` a year; the first factor is the level.
    """

    tenors: FloatArray
    loadings: FloatArray
    volatility_bp: FloatArray

    def __post_init__(self) -> None:
        tenors = tenor_vector(self.tenors, "CurveFactors.tenors")
        loadings = np.atleast_2d(np.asarray(self.loadings, dtype=float))
        volatility = finite_vector(self.volatility_bp, "CurveFactors.volatility_bp")
        if loadings.shape != (volatility.size, tenors.size) or not np.all(np.isfinite(loadings)):
            raise DataError(
                f"CurveFactors.loadings: got shape {loadings.shape}; expected finite numbers "
                f"of shape (factors, tenors) = ({volatility.size}, {tenors.size})"
            )
        if np.any(volatility < 0):
            raise DataError("CurveFactors.volatility_bp: expected volatilities >= 0")
        object.__setattr__(self, "tenors", tenors)
        object.__setattr__(self, "loadings", loadings)
        object.__setattr__(self, "volatility_bp", volatility)

    @classmethod
    def default(cls, level_bp: float) -> "CurveFactors":
        """Level (``level_bp`` a year), slope and curvature shapes (DEFAULT_LOADINGS)."""
        return cls(
            np.array(DEFAULT_TENORS),
            np.array(DEFAULT_LOADINGS),
            np.array([level_bp, *DEFAULT_SHAPE_VOLATILITY_BP]),
        )

    @classmethod
    def from_history(cls, history: pd.DataFrame, components: int = 3) -> "CurveFactors":
        """Principal components of the annualised changes of a history of zero curves.

        ``history``: one row per date (a ``date`` column or a date index), one column per
        tenor in years (names such as ``5`` or ``10.0``), zero rates as decimals, dates
        increasing. Changes between rows are annualised by the square root of the rows per
        year (from the median gap between dates); the covariance's leading eigenvectors are
        the loadings (scaled to a largest entry of 1, the level's positive) and their
        volatilities the square roots of its eigenvalues.
        """
        dates, rates, tenors = _history(history)
        most = tenors.size
        if not (isinstance(components, int) and 1 <= components <= most):
            raise DataError(E_COMPONENTS.format(value=components, most=most))
        gaps = np.diff(dates.to_numpy()).astype("timedelta64[s]").astype(float) / 86400.0
        per_year = DAYS_PER_YEAR / float(np.median(gaps))
        changes = np.diff(rates, axis=0) / BP  # bp
        covariance = np.cov(changes, rowvar=False, ddof=1) * per_year
        values, vectors = np.linalg.eigh(np.atleast_2d(covariance))
        order = np.argsort(values)[::-1][:components]
        loadings, volatility = [], []
        for k in order:
            # Scores of the unit eigenvector have variance λ; a loading rescaled to a largest
            # entry of 1 carries that entry's size into its score's volatility.
            shape = vectors[:, k]
            first = k == order[0]
            sign = np.sign(shape.sum()) if first else np.sign(shape[np.argmax(np.abs(shape))])
            shape = shape * (sign or 1.0)
            scale = np.max(np.abs(shape))
            loadings.append(shape / scale)
            volatility.append(np.sqrt(max(values[k], 0.0)) * scale)
        return cls(tenors, np.array(loadings), np.array(volatility))

    @classmethod
    def from_csv(cls, path: str, components: int = 3) -> "CurveFactors":
        """``from_history`` of a CSV file: a ``date`` column, then one column per tenor."""
        try:
            frame = pd.read_csv(path)
        except (OSError, ValueError) as error:
            raise DataError(f"{path}: cannot read the curve history ({error})") from None
        return cls.from_history(frame, components)


def _history(history: pd.DataFrame) -> tuple[pd.DatetimeIndex, FloatArray, FloatArray]:
    """(dates, rates (dates x tenors), tenors) of a history, checked."""
    frame = history.set_index("date") if "date" in history.columns else history
    try:
        dates = pd.DatetimeIndex(pd.to_datetime(frame.index))
    except (ValueError, TypeError):
        raise DataError(
            E_HISTORY.format(where="history", problem="dates that cannot be read", need="dates")
        ) from None
    try:
        tenors = np.array([float(c) for c in frame.columns])
    except ValueError:
        raise DataError(
            E_HISTORY.format(
                where="history.columns",
                problem=f"got {list(frame.columns)}",
                need="a date column, then tenors in years such as 5 or 10",
            )
        ) from None
    tenors = tenor_vector(tenors, "history.columns")
    rates = frame.to_numpy(dtype=float)
    if not np.all(np.isfinite(rates)):
        row, column = np.argwhere(~np.isfinite(rates))[0]
        raise DataError(
            E_HISTORY.format(
                where=f"history[{frame.index[row]}][{frame.columns[column]}]",
                problem=f"got {float(rates[row, column])!r}",
                need="a finite zero rate",
            )
        )
    if rates.shape[0] < tenors.size + 2:
        raise DataError(
            E_HISTORY.format(
                where="history",
                problem=f"{rates.shape[0]} rows",
                need=f"rates on more dates than tenors ({tenors.size} + 2 at least)",
            )
        )
    if not dates.is_monotonic_increasing or dates.has_duplicates:
        raise DataError(
            E_HISTORY.format(where="history", problem="dates out of order", need="increasing dates")
        )
    return dates, rates, tenors


@dataclass(frozen=True, eq=False)
class ScenarioModel:
    """The joint model of annual moves (see the module docstring).

    ``curve`` defaults to level, slope and curvature with the risk model's rates volatility
    as the level's; ``growth_volatility`` maps growth asset ids to their total volatility.
    """

    risk: RiskModel = field(default_factory=RiskModel)
    curve: CurveFactors | None = None
    growth_volatility: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def curve_factors(self) -> CurveFactors:
        """The curve factors used: given, or the defaults at the risk model's rates volatility."""
        return self.curve or CurveFactors.default(self.risk.volatility["rates"])

    def simulate(self, count: int, seed: int, years: int = 1) -> list[MoveSet]:
        """``years`` sets of ``count`` cumulative moves: year y holds the moves to its end.

        The first set is the one-year horizon; each later year adds an independent annual
        move (``annual_moves``), so rates and spreads follow random walks and growth
        compounds.
        """
        return cumulated(self.annual_moves(count, seed, years))

    def annual_moves(self, count: int, seed: int, years: int = 1) -> list[MoveSet]:
        """``years`` sets of ``count`` moves, each one year's own (independent of the others).

        Year y's set of ``simulate`` is the sum of the first y (returns compounded).
        """
        if not (_whole(count) and count > 0):
            raise DataError(E_COUNT.format(value=count))
        if not (_whole(years) and years > 0):
            raise DataError(E_YEARS.format(value=years))
        count, years = int(count), int(years)
        generator = np.random.default_rng(seed)
        curve = self.curve_factors
        ids = list(self.growth_volatility)
        beta, specific = self.risk.growth_loading(np.array(list(self.growth_volatility.values())))
        moves = []
        for _ in range(years):
            scores, inflation, spread, market = self._annual(generator, count, curve)
            idiosyncratic = generator.standard_normal((len(ids), count))
            returns = beta[:, None] * market[None, :] + specific[:, None] * idiosyncratic
            moves.append(
                MoveSet(
                    knots=curve.tenors,
                    nominal=scores @ curve.loadings * BP,
                    breakeven=np.repeat(inflation[:, None] * BP, curve.tenors.size, axis=1),
                    credit_spread=spread * BP,
                    growth=market,
                    returns={i: returns[k] for k, i in enumerate(ids)},
                )
            )
        return moves

    def _annual(
        self, generator: np.random.Generator, count: int, curve: CurveFactors
    ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        """One year's factor draws: curve scores (count, F), breakeven, credit (bp), growth."""
        risk = self.risk
        volatility = dict(risk.volatility)
        volatility["rates"] = float(curve.volatility_bp[0])
        vol = np.array([volatility[f] for f in FACTORS])
        covariance = vol[:, None] * risk.correlation_matrix * vol[None, :]
        values, vectors = np.linalg.eigh(covariance)
        root = vectors * np.sqrt(np.clip(values, 0.0, None))[None, :]
        joint = generator.standard_normal((count, len(FACTORS))) @ root.T
        shapes = generator.standard_normal((count, curve.volatility_bp.size - 1))
        scores = np.column_stack([joint[:, 0], shapes * curve.volatility_bp[None, 1:]])
        return scores, joint[:, 1], joint[:, 2], joint[:, 3]


def cumulated(annual: list[MoveSet]) -> list[MoveSet]:
    """Each year's moves added to the years' before it (returns compounded): to year-end y."""
    sets: list[MoveSet] = []
    for move in annual:
        if sets:
            last = sets[-1]
            move = MoveSet(
                knots=move.knots,
                nominal=last.nominal + move.nominal,
                breakeven=last.breakeven + move.breakeven,
                credit_spread=last.credit_spread + move.credit_spread,
                growth=(1.0 + last.growth) * (1.0 + move.growth) - 1.0,
                returns={
                    i: (1.0 + last.returns[i]) * (1.0 + r) - 1.0 for i, r in move.returns.items()
                },
            )
        sets.append(move)
    return sets


def _whole(value: object) -> bool:
    """True for an integer (Python or numpy), not a bool."""
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def growth_volatilities(
    ids: ArrayLike, kinds: ArrayLike, volatility: ArrayLike
) -> dict[str, float]:
    """Volatility by id of the growth (return-seeking) assets among instruments."""
    return {
        str(i): float(v)
        for i, k, v in zip(ids, kinds, volatility, strict=True)
        if k == "return_seeking"
    }
