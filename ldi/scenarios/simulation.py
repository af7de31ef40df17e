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

Moves are annual, and a multi-year projection adds each year's own move. How the years
follow one another is the ``dynamics``:

- ``random_walk`` (the default): each year's move is independent of the years before it, so
  rates and spreads follow random walks.
- ``mean_reverting``: each rate-like state X (every curve factor score, the breakeven level
  and the credit spread level; bp from today's market, X_0 = 0) takes a discretised
  Vasicek, AR(1), step a year,

      X_y = X_{y-1} + (1 - e^{-κ}) (θ - X_{y-1}) + ε_y,

  with ε_y the innovation the random walk draws for year y (same covariance, same draws
  from the same seed), κ >= 0 the speed a year (κ = 0 is the random walk; the half-life
  of a gap to θ is ln 2 / κ) and θ the long-run level in bp from today. With φ = e^{-κ},
  E[X_y] = θ (1 - φ^y) and var X_y = σ² (1 - φ^{2y}) / (1 - φ²), tending to σ² / (1 - φ²).
  The year's move is X_y - X_{y-1}. Growth returns stay independent from year to year.

The default reversion (``MeanReversion()``) is a modelling assumption of this package, not
an estimate: every long-run level is 0bp (rates, breakevens and spreads revert to today's
market, so the moves stay centred on it) and the speeds are

    =========== ============ ==========================
    state       κ (a year)   half-life ln 2 / κ (years)
    =========== ============ ==========================
    level       0.10         6.9
    slope       0.25         2.8
    curvature   0.50         1.4
    breakeven   0.20         3.5
    credit      0.35         2.0
    =========== ============ ==========================

(slow for the level of rates, faster for the curve's shape and the credit cycle). A curve
with more than three factors gives the fourth and later the curvature's speed.
``MeanReversion.from_history`` calibrates the curve factors' speeds and levels from the
history of curves that gave the factors instead.

The ``innovations`` are ``normal`` (the default) or ``student_t``: a multivariate Student-t
with ν = ``degrees_of_freedom`` (> 2). Each scenario-year then draws one W ~ χ²_ν, after
that year's normal draws, and every innovation of that scenario-year (the correlated factor
draws, the curve shape scores and the growth assets' specific terms) is multiplied by
√((ν - 2) / W). The covariance is unchanged, each margin is a scaled t_ν (excess kurtosis
6 / (ν - 4) for ν > 4) and extremes come together: several factors beyond 3σ in the same
scenario are far more frequent than under the normal, even for uncorrelated factors.
"""

import math
from collections.abc import Mapping
from dataclasses import KW_ONLY, dataclass, field
from enum import StrEnum
from types import MappingProxyType

import numpy as np
import pandas as pd

from ldi.errors import DataError
from ldi.plausible import E_RANGE, PATH_RATE, YEARS
from ldi.risk.factors import FACTORS, RiskModel
from ldi.scenarios.scenario import MoveSet, added
from ldi.scheduling.dates import E_DATE, ISO_FORM, parse_date, shown
from ldi.typing import ArrayLike, FloatArray
from ldi.units import BP
from ldi.validation import enum_choice, finite_vector, same_length, tenor_vector

DAYS_PER_YEAR = 365.25
E_HISTORY = "{where}: {problem}; expected {need}"
E_COMPONENTS = "components: got {value!r}; expected 1 to {most} (the history's tenors)"
E_COUNT = "count: got {value!r}; expected a positive whole number of scenarios"
E_YEARS = "years: got {value!r}; expected a positive whole number of years"
E_NUMBER = "{where}: got {value!r}; expected a finite number"
E_SPEED = "{where}: got {value!r}; expected a speed >= 0 a year (0: no mean reversion)"
# The factors the scenario model draws jointly; bonds against swaps (bond_swap) is drawn
# given them from a stream of its own (BASIS_STREAM), so a seed's other draws keep their values.
SIMULATED = ("rates", "inflation", "credit", "growth")
BASIS_STREAM = 1
E_REVERSION_FACTORS = (
    "MeanReversion.{name}: got {got} values for {factors} curve factors; "
    "expected one per curve factor, in the curve's order"
)
E_REVERSION_TYPE = "ScenarioModel.mean_reversion: got {value!r}; expected a MeanReversion or None"
E_DEGREES = (
    "ScenarioModel.degrees_of_freedom: got {value!r}; "
    "expected a finite number above 2 (a Student-t has a variance only for ν > 2)"
)
E_CALIBRATION_TENORS = (
    "history.columns: got tenors {got}; expected the curve factors' tenors {need}"
)
E_AUTOREGRESSION = (
    "history: the score of curve factor {factor} (0 is the level) has an autoregression "
    "coefficient of {value!r} a row; expected above 0 (a score that reverts more slowly "
    "than the history is observed)"
)

DEFAULT_TENORS = (1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 50.0)
# Level, slope and curvature shapes at DEFAULT_TENORS: level moves every tenor alike; slope
# turns the curve about 10 years; curvature lifts the 10-20 year belly against both ends.
DEFAULT_LOADINGS = (
    (1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0),
    (-1.0, -0.8, -0.4, 0.0, 0.5, 0.8, 1.0),
    (-0.6, -0.3, 0.4, 1.0, 0.6, 0.0, -0.5),
)
DEFAULT_SHAPE_VOLATILITY_BP = (35.0, 20.0)  # slope and curvature, bp a year at loading 1
# Mean-reversion speeds a year (modelling assumptions; half-lives in the module docstring).
DEFAULT_CURVE_SPEED = (0.10, 0.25, 0.50)  # level, slope, curvature
DEFAULT_BREAKEVEN_SPEED = 0.20
DEFAULT_CREDIT_SPEED = 0.35
DEFAULT_DEGREES_OF_FREEDOM = 5.0
# A score whose sample standard deviation is below this (bp) does not move: no reversion.
STILL_BP = 1e-6


class Dynamics(StrEnum):
    """How one year's moves follow the last's (see the module docstring)."""

    RANDOM_WALK = "random_walk"
    MEAN_REVERTING = "mean_reverting"


class Innovations(StrEnum):
    """The joint distribution of a year's innovations (see the module docstring)."""

    NORMAL = "normal"
    STUDENT_T = "student_t"


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
        per_year = _rows_per_year(dates)
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
        return cls.from_history(_read_history(path), components)


def _read_history(path: str) -> pd.DataFrame:
    """The curve history in a CSV file, or a DataError naming the file."""
    try:
        return pd.read_csv(path)
    except (OSError, ValueError) as error:
        raise DataError(f"{path}: cannot read the curve history ({error})") from None


def _history(history: pd.DataFrame) -> tuple[pd.DatetimeIndex, FloatArray, FloatArray]:
    """(dates, rates (dates x tenors), tenors) of a history, checked."""
    frame = history.set_index("date") if "date" in history.columns else history
    stamps = [parse_date(value) for value in frame.index]
    for i, stamp in enumerate(stamps):
        if stamp is None:  # only YYYY-MM-DD: 01/06/2020 could be either day or month first
            value = shown(frame.index[i])
            raise DataError(E_DATE.format(where="history.date", i=i, value=value, form=ISO_FORM))
    dates = pd.DatetimeIndex(stamps)
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
    YEARS.check_each(tenors, "history.columns", labels=list(frame.columns))
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
    if not np.all(PATH_RATE.holds(rates)):
        row, column = np.argwhere(~PATH_RATE.holds(rates))[0]
        value = float(rates[row, column])
        where = f"history[{frame.index[row]}][{frame.columns[column]}]"
        raise DataError(
            E_RANGE.format(where=where, value=value, expected=PATH_RATE.expected(value))
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


def _rows_per_year(dates: pd.DatetimeIndex) -> float:
    """Observations a year of a history: 365.25 / the median gap between its dates in days."""
    gaps = np.diff(dates.to_numpy()).astype("timedelta64[s]").astype(float) / 86400.0
    return DAYS_PER_YEAR / float(np.median(gaps))


def _finite(value: object) -> bool:
    """True for a finite real number (Python or numpy), not a bool."""
    real = isinstance(value, int | float | np.integer | np.floating)
    return real and not isinstance(value, bool | np.bool_) and math.isfinite(value)


def _speeds(values: FloatArray, where: str) -> None:
    """Raise a DataError naming the first negative speed."""
    bad = np.flatnonzero(values < 0)
    if bad.size:
        i = int(bad[0])
        raise DataError(E_SPEED.format(where=f"{where}[{i}]", value=float(values[i])))


@dataclass(frozen=True, eq=False)
class MeanReversion:
    r"""Speeds κ (a year) and long-run levels θ (bp from today) of mean-reverting moves.

    Under ``Dynamics.MEAN_REVERTING`` each state X (a curve factor score, the breakeven
    level, the credit spread level; bp from today's market) steps a year by

    .. math:: X_y - X_{y-1} = (1 - e^{-κ}) (θ - X_{y-1}) + ε_y

    (the module docstring gives its moments). ``curve_speed`` and ``curve_long_run_bp`` hold
    one value per curve factor, in the curve's order; ``None`` gives the defaults by
    position: DEFAULT_CURVE_SPEED (level 0.10, slope 0.25, curvature 0.50 a year, the
    curvature's for any further factor) and long-run levels of 0bp (today's curve).
    Breakeven and credit default to 0.20 and 0.35 a year, reverting to today's levels.
    Speeds are >= 0 (0: a random walk) and every value is finite.
    """

    curve_speed: FloatArray | None = None
    curve_long_run_bp: FloatArray | None = None
    breakeven_speed: float = DEFAULT_BREAKEVEN_SPEED
    breakeven_long_run_bp: float = 0.0
    credit_speed: float = DEFAULT_CREDIT_SPEED
    credit_long_run_bp: float = 0.0

    def __post_init__(self) -> None:
        if self.curve_speed is not None:
            speed = finite_vector(self.curve_speed, "MeanReversion.curve_speed")
            _speeds(speed, "MeanReversion.curve_speed")
            object.__setattr__(self, "curve_speed", speed)
        if self.curve_long_run_bp is not None:
            level = finite_vector(self.curve_long_run_bp, "MeanReversion.curve_long_run_bp")
            object.__setattr__(self, "curve_long_run_bp", level)
        if self.curve_speed is not None and self.curve_long_run_bp is not None:
            same_length(
                self.curve_speed,
                self.curve_long_run_bp,
                "MeanReversion",
                ("curve_speed", "curve_long_run_bp"),
            )
        for name in (
            "breakeven_speed",
            "breakeven_long_run_bp",
            "credit_speed",
            "credit_long_run_bp",
        ):
            value, where = getattr(self, name), f"MeanReversion.{name}"
            if not _finite(value):
                raise DataError(E_NUMBER.format(where=where, value=value))
            if name.endswith("_speed") and value < 0:
                raise DataError(E_SPEED.format(where=where, value=value))
            object.__setattr__(self, name, float(value))

    def for_factors(self, factors: int) -> tuple[FloatArray, FloatArray]:
        """(κ a year, θ in bp) of the states [curve factor 1 .. ``factors``, breakeven, credit]."""
        default = np.array(DEFAULT_CURVE_SPEED)[np.minimum(np.arange(factors), 2)]
        curve = {"curve_speed": default, "curve_long_run_bp": np.zeros(factors)}
        for name in curve:
            given = getattr(self, name)
            if given is not None:
                if given.size != factors:
                    raise DataError(
                        E_REVERSION_FACTORS.format(name=name, got=given.size, factors=factors)
                    )
                curve[name] = given
        speed = np.array([*curve["curve_speed"], self.breakeven_speed, self.credit_speed])
        level = np.array(
            [*curve["curve_long_run_bp"], self.breakeven_long_run_bp, self.credit_long_run_bp]
        )
        return speed, level

    @classmethod
    def from_history(cls, history: pd.DataFrame, curve_factors: CurveFactors) -> "MeanReversion":
        r"""Curve factor speeds and long-run levels fitted to a history of zero curves.

        ``history`` is as for ``CurveFactors.from_history`` (a ``date`` column or index,
        one column per tenor in years, zero rates as decimals), at the ``curve_factors``'
        tenors; its last row is today. The curve LEVELS in bp are projected on the
        loadings L (least squares, s_t = argmin ‖r_t − Lᵀ s‖: the projection when the
        loadings are orthogonal, as principal components are) to give each factor's score
        series s_t. Per factor, ordinary least squares with an intercept of s_t on s_{t−1}
        gives φ a row, and

        .. math:: κ = -\ln(φ) \times n, \qquad θ = \bar{s} - s_{\text{last}}

        with n the rows a year (365.25 / the median gap in days, as ``from_history``); φ >= 1
        (no reversion) and a score that does not move give κ = 0. θ is the long-run (mean)
        score relative to today's. Breakeven and credit keep the defaults (no history):
        change them with ``dataclasses.replace``.

        Speeds are hard to estimate: over T years of history κ has a standard error of about
        √(2κ / T) and an upward bias of about 4 / T, and a random walk gives κ up to about
        20 / T (the Dickey-Fuller distribution of an autoregression fitted with an
        intercept), so use decades of history or state the speeds.
        """
        dates, rates, tenors = _history(history)
        if tenors.shape != curve_factors.tenors.shape or np.any(tenors != curve_factors.tenors):
            raise DataError(
                E_CALIBRATION_TENORS.format(got=tenors.tolist(), need=curve_factors.tenors.tolist())
            )
        loadings = curve_factors.loadings
        scores = np.linalg.lstsq(loadings.T, rates.T / BP, rcond=None)[0].T  # (rows, F), bp
        before = scores[:-1] - scores[:-1].mean(axis=0)
        after = scores[1:] - scores[1:].mean(axis=0)
        spread = np.sqrt(np.mean(before**2, axis=0))
        moving = spread > STILL_BP
        variance = np.where(moving, np.sum(before**2, axis=0), 1.0)
        phi = np.where(moving, np.sum(before * after, axis=0) / variance, 1.0)
        bad = np.flatnonzero(phi <= 0)
        if bad.size:
            factor = int(bad[0])
            raise DataError(E_AUTOREGRESSION.format(factor=factor, value=float(phi[factor])))
        speed = np.where(phi < 1.0, -np.log(np.minimum(phi, 1.0)), 0.0) * _rows_per_year(dates)
        return cls(curve_speed=speed, curve_long_run_bp=scores.mean(axis=0) - scores[-1])

    @classmethod
    def from_csv(cls, path: str, curve_factors: CurveFactors) -> "MeanReversion":
        """``from_history`` of a CSV file: a ``date`` column, then one column per tenor."""
        return cls.from_history(_read_history(path), curve_factors)


@dataclass(frozen=True, eq=False)
class ScenarioModel:
    """The joint model of annual moves (see the module docstring).

    ``curve`` defaults to level, slope and curvature with the risk model's rates volatility
    as the level's; ``growth_volatility`` maps growth asset ids to their total volatility.
    Keyword options: ``dynamics`` (``random_walk`` or ``mean_reverting``), ``mean_reversion``
    (its speeds and long-run levels; ``None``: ``MeanReversion()``, the documented defaults),
    ``innovations`` (``normal`` or ``student_t``) and ``degrees_of_freedom`` ν > 2 of the
    Student-t. The defaults draw exactly the moves of a random walk with normal innovations.
    """

    risk: RiskModel = field(default_factory=RiskModel)
    curve: CurveFactors | None = None
    growth_volatility: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    _: KW_ONLY
    dynamics: Dynamics = Dynamics.RANDOM_WALK
    mean_reversion: MeanReversion | None = None
    innovations: Innovations = Innovations.NORMAL
    degrees_of_freedom: float = DEFAULT_DEGREES_OF_FREEDOM

    def __post_init__(self) -> None:
        dynamics = enum_choice(Dynamics, self.dynamics, "ScenarioModel.dynamics")
        innovations = enum_choice(Innovations, self.innovations, "ScenarioModel.innovations")
        object.__setattr__(self, "dynamics", dynamics)
        object.__setattr__(self, "innovations", innovations)
        nu = self.degrees_of_freedom
        if not (_finite(nu) and nu > 2.0):
            raise DataError(E_DEGREES.format(value=nu))
        object.__setattr__(self, "degrees_of_freedom", float(nu))
        if self.mean_reversion is not None:
            if not isinstance(self.mean_reversion, MeanReversion):
                raise DataError(E_REVERSION_TYPE.format(value=self.mean_reversion))
            # The defaults fit any curve; given values need one per curve factor.
            self.mean_reversion.for_factors(self.curve_factors.volatility_bp.size)

    @property
    def curve_factors(self) -> CurveFactors:
        """The curve factors used: given, or the defaults at the risk model's rates volatility."""
        return self.curve or CurveFactors.default(self.risk.volatility["rates"])

    @property
    def description(self) -> str:
        """The model in words, for reports: its dynamics, curve factors and innovations."""
        count = self.curve_factors.volatility_bp.size
        factors = (
            "level, slope and curvature"
            if self.curve is None
            else f"{count} curve factor{'s' if count > 1 else ''}"
        )
        dynamics = "random walks" if self.dynamics is Dynamics.RANDOM_WALK else "mean reversion"
        innovations = (
            "normal innovations"
            if self.innovations is Innovations.NORMAL
            else f"Student-t innovations (ν = {self.degrees_of_freedom:g})"
        )
        return f"{factors}, {dynamics}, {innovations}"

    @property
    def reversion(self) -> MeanReversion:
        """The mean reversion used by ``mean_reverting`` dynamics: given, or the defaults."""
        return MeanReversion() if self.mean_reversion is None else self.mean_reversion

    def simulate(self, count: int, seed: int, years: int = 1) -> list[MoveSet]:
        """``years`` sets of ``count`` cumulative moves: year y holds the moves to its end.

        The first set is the one-year horizon; each later year adds that year's own move
        (``annual_moves``), so rates and spreads follow random walks or revert to their
        long-run levels (``dynamics``) and growth compounds.
        """
        return cumulated(self.annual_moves(count, seed, years))

    def annual_moves(self, count: int, seed: int, years: int = 1) -> list[MoveSet]:
        r"""``years`` sets of ``count`` moves, each one year's own move.

        With ε_y the year's innovations (curve factor scores, breakeven, credit in bp;
        growth), a random walk moves by ε_y; mean-reverting states X (bp from today,
        X_0 = 0) move by

        .. math:: X_y - X_{y-1} = (1 - e^{-κ}) (θ - X_{y-1}) + ε_y,

        so the moves of different years are dependent. Nominal zero rates move by
        Σ_f ΔX_f L_f(t); growth returns are independent from year to year. Year y's set
        of ``simulate`` is the sum of the first y (returns compounded). Student-t
        innovations scale every innovation of a scenario-year by √((ν − 2) / W),
        W ~ χ²_ν drawn after the year's normal draws.
        """
        if not (_whole(count) and count > 0):
            raise DataError(E_COUNT.format(value=count))
        if not (_whole(years) and years > 0):
            raise DataError(E_YEARS.format(value=years))
        count, years = int(count), int(years)
        generator = np.random.default_rng(seed)
        basis = np.random.default_rng([seed, BASIS_STREAM])
        curve = self.curve_factors
        factors = curve.volatility_bp.size
        ids = list(self.growth_volatility)
        beta, specific = self.risk.growth_loading(np.array(list(self.growth_volatility.values())))
        speed, long_run = self.reversion.for_factors(factors)
        pull = -np.expm1(-speed)  # 1 − e^{−κ}: the share of the gap to θ closed in a year
        state = np.zeros((count, factors + 2))  # X_{y-1}: scores, breakeven, credit (bp)
        moves = []
        for _ in range(years):
            scores, inflation, spread, market = self._annual(generator, count, curve)
            idiosyncratic = generator.standard_normal((len(ids), count))
            bond_swap = self._bond_swap(basis, curve, scores[:, 0], inflation, spread, market)
            if self.innovations is Innovations.STUDENT_T:
                nu = self.degrees_of_freedom
                scale = np.sqrt((nu - 2.0) / generator.chisquare(nu, count))
                scores, inflation = scores * scale[:, None], inflation * scale
                spread, market = spread * scale, market * scale
                idiosyncratic = idiosyncratic * scale[None, :]
                bond_swap = bond_swap * scale
            if self.dynamics is Dynamics.MEAN_REVERTING:
                step = np.column_stack([scores, inflation, spread]) + pull * (long_run - state)
                state = state + step
                scores = np.ascontiguousarray(step[:, :factors])  # as the random walk's
                inflation, spread = step[:, factors], step[:, -1]
            returns = beta[:, None] * market[None, :] + specific[:, None] * idiosyncratic
            moves.append(
                MoveSet(
                    knots=curve.tenors,
                    nominal=scores @ curve.loadings * BP,
                    breakeven=np.repeat(inflation[:, None] * BP, curve.tenors.size, axis=1),
                    credit_spread=spread * BP,
                    growth=market,
                    returns={i: returns[k] for k, i in enumerate(ids)},
                    bond_swap=(
                        np.repeat(bond_swap[:, None] * BP, curve.tenors.size, axis=1)
                        if np.any(bond_swap)
                        else None
                    ),
                )
            )
        return moves

    def _bond_swap(
        self, basis: np.random.Generator, curve: CurveFactors, *factors: FloatArray
    ) -> FloatArray:
        """Bonds against swaps (bp, parallel): normal given the year's other factor draws.

        b = cᵀ Σ⁺ o + √(σ² − cᵀ Σ⁺ c) ε, with o the level, breakeven, credit and growth
        draws, Σ their covariance, c their covariances with b and ε from ``basis``, a stream
        of its own, so adding the factor leaves every other draw of a seed as it was.
        """
        risk = self.risk
        volatility = dict(risk.volatility)
        volatility["rates"] = float(curve.volatility_bp[0])
        names = (*SIMULATED, "bond_swap")
        vol = np.array([volatility[f] for f in names])
        rows = [FACTORS.index(f) for f in names]
        covariance = vol[:, None] * risk.correlation_matrix[np.ix_(rows, rows)] * vol[None, :]
        given, cross = covariance[:-1, :-1], covariance[:-1, -1]
        weights = np.linalg.pinv(given) @ cross
        residual = float(np.sqrt(max(covariance[-1, -1] - cross @ weights, 0.0)))
        count = factors[0].size
        noise = basis.standard_normal(count)
        return np.column_stack(factors) @ weights + residual * noise

    def _annual(
        self, generator: np.random.Generator, count: int, curve: CurveFactors
    ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        """One year's factor draws: curve scores (count, F), breakeven, credit (bp), growth."""
        risk = self.risk
        volatility = dict(risk.volatility)
        volatility["rates"] = float(curve.volatility_bp[0])
        vol = np.array([volatility[f] for f in SIMULATED])
        rows = [FACTORS.index(f) for f in SIMULATED]
        correlation = risk.correlation_matrix[np.ix_(rows, rows)]
        covariance = vol[:, None] * correlation * vol[None, :]
        values, vectors = np.linalg.eigh(covariance)
        root = vectors * np.sqrt(np.clip(values, 0.0, None))[None, :]
        joint = generator.standard_normal((count, len(SIMULATED))) @ root.T
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
                total_returns=move.total_returns,
                bond_swap=added(last.bond_swap, move.bond_swap),
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
