"""Independent reference valuation of a problem file, in plain numpy, pandas and scipy.

Written from the risk conventions of docs/conventions.md and the documented instrument and
indexation formulas, reading the problem YAML (``yaml.safe_load``) and its CSV (pandas)
directly: no ``ldi`` import anywhere, so tests can check what ``ldi risk`` prints against it.

Conventions implemented here (each in a few lines below):

- zero curves: linear interpolation of the zero rate, flat extrapolation; DF from the curve's
  compounding (annual (1+z)^-t, semiannual (1+z/2)^-2t, ..., continuous e^-zt); a basis or
  z-spread is added to the zero rate; bumps add 1bp (x a triangle weight) to the zero rate;
- par swap curves: bootstrapped pillar by pillar with scipy's brentq, linear in the zero rate
  (the curve's own compounding), s_n sum(tau_i DF(t_i)) = 1 - DF(n);
- inflation: index ratio (1 + b(tau))^tau at the fixing time tau = max(t - lag, 0); LPI
  (floor, cap): forwards F_n = (1+b(n))^n / (1+b(n-1))^(n-1), each year's growth the
  expectation of the year-on-year rate clipped to [floor, cap], multiplied over whole years,
  the fractional year as g^frac. The rate is normal (integrated piece by piece below) or
  1 + rate lognormal (Black), with sd d_n from the market's inflation_volatility of the
  curve: caplet vols (total variance sigma^2 T linear between expiries, sigma flat outside)
  or one yearly sd; with none, that of the curve it is built on, else lognormal 1.5% every
  year;
- wedge curves: c(t) = b(t) - W(t), b the base curve's breakeven and W(t) the step forward
  wedge averaged over [0, t] (W(0) the first wedge); a breakeven move moves b and so c;
- liabilities in tranches: each row's real amount uprated by its tranche's rule (index,
  lag, floor, cap) on its index's curve; values and money summed over the tranches;
  instruments that name no inflation curve use ``market.inflation_curve``;
- sensitivities: 1bp central differences, PV01 = (PV(-1bp) - PV(+1bp))/2, IE01 =
  (PV(b+1bp) - PV(b-1bp))/2, key rates with ``triangle`` weights;
- instruments per unit of position (market value, notional, cash borrowed), as the
  instrument docstrings of the project describe them; holdings = position x per unit;
- moves, collateral and resilience (the last sections): values per unit on curves moved by
  callables dz(t), db(u), moves of named curves (reaching the curves built on them), a
  credit widening and growth returns; the stress catalogue; the
  collateral rules of the ``collateral`` section; rises found by brentq.
"""

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from scipy.optimize import brentq
from scipy.stats import norm

ROOT = Path(__file__).resolve().parents[1]
PROBLEMS = ROOT / "problems"
DEFAULT_PROBLEM = PROBLEMS / "uk_db_scheme.yaml"
DEFAULT_KEYS = (1.0, 2.0, 3.0, 5.0, 7.0, 10.0, 15.0, 20.0, 25.0, 30.0, 40.0, 50.0)
H = 1e-4  # one basis point

# Tolerances of ldi against this reference. Both evaluate the same formulas in float64 in a
# different order, so they differ by rounding only. A PV is a sum of up to ~100 flows
# (~1e-14 relative rounding); a 1bp central difference inherits that absolute error, so a
# money number (PV, PV01, IE01, CS01, key rates) is held to MONEY_RTOL of the gross value of
# the book it belongs to (``scale``): 100x the rounding, 1e-3 GBP on a 1bn book, far below
# the whole units printed. Derived numbers carry that error divided by what they divide by.
MONEY_RTOL = 1e-12
# Implied spreads are solved to 1e-15 (brentq) by both sides; a dirty price agreeing to 1e-12
# moves the spread by 1e-12 / duration, so 1e-6bp is generous and still 1e5x below the 0.1bp
# printed.
SPREAD_ATOL_BP = 1e-6
PRICE_ATOL = 1e-9  # per 100 nominal: MONEY_RTOL x 100 x 10 (gross legs)
# Per-unit exposures are per unit of value or notional; an inflation swap's legs pay up to
# (1 + K)^T ~ 3-5 per unit, so the gross scale of one unit is taken as 10.
UNIT_SCALE = 10.0

PERIODS = {"annual": 1, "semiannual": 2, "quarterly": 4, "monthly": 12}
# Problem-file defaults per instrument kind (and the EUR override), as the schema documents.
FREQUENCY = {"bond": 2, "index_linked_bond": 2, "interest_rate_swap": 1}
EUR_ANNUAL = ("bond", "index_linked_bond")
# Default repo haircuts when a repo states none: the EMIR RTS 2016/2251 standard schedule
# (credit quality step 1) by the collateral's residual maturity: (maturity up to, haircut).
HAIRCUTS = {
    False: ((1.0, 0.005), (5.0, 0.02), (np.inf, 0.04)),
    True: ((1.0, 0.01), (5.0, 0.04), (np.inf, 0.08)),
}
ROLES = {
    "bond": "physical",
    "zero_coupon_bond": "physical",
    "index_linked_bond": "physical",
    "interest_rate_swap": "overlay",
    "inflation_swap": "overlay",
    "repo": "financing",
    "return_seeking": "physical",
    "cash": "physical",
}


def category(item: dict) -> str:
    """The asset category of a YAML instrument: nominal bonds by their ``credit`` flag."""
    if item["kind"] in ("bond", "zero_coupon_bond"):
        return "credit" if item.get("credit", False) else "government"
    names = {"index_linked_bond": "index_linked", "return_seeking": "growth"}
    names |= {"interest_rate_swap": "rates_swap"}
    return names.get(item["kind"], item["kind"])


def triangle(t: np.ndarray, keys: list[float], j: int) -> np.ndarray:
    """Key-rate weight of keys[j]: 1 at the key, 0 at its neighbours, flat beyond the ends."""
    t = np.asarray(t, dtype=float)
    k, w = keys[j], np.zeros_like(t)
    if j == 0:
        w[t <= k] = 1.0
    else:
        lo = keys[j - 1]
        m = (t > lo) & (t <= k)
        w[m] = (t[m] - lo) / (k - lo)
    if j == len(keys) - 1:
        w[t >= k] = 1.0
    else:
        hi = keys[j + 1]
        m = (t > k) & (t < hi)
        w[m] = (hi - t[m]) / (hi - k)
    return w


def pv01_column(key: float) -> str:
    return f"pv01_{key:g}y"


def ie01_column(key: float) -> str:
    return f"ie01_{key:g}y"


# --- curves --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Nominal:
    """Zero curve: pillar ``tenors`` and ``rates`` in ``compounding``, plus a flat ``spread``."""

    tenors: tuple[float, ...]
    rates: tuple[float, ...]
    compounding: str = "annual"
    spread: float = 0.0

    def zero(self, t: np.ndarray) -> np.ndarray:
        return np.interp(t, self.tenors, self.rates) + self.spread

    def df(self, t: np.ndarray, dz: np.ndarray | float = 0.0) -> np.ndarray:
        """DF(t) with ``dz`` added to the zero rate."""
        return discount(self.zero(t) + dz, t, self.compounding)

    def third_derivative(self, t: np.ndarray, dz: float = 0.0) -> np.ndarray:
        """d^3 DF / dz^3 at t (for the key-rate vs parallel central-difference bound)."""
        z = self.zero(t) + dz
        if self.compounding == "continuous":
            return -(t**3) * np.exp(-z * t)
        m = PERIODS[self.compounding]
        n = m * t
        return -n * (n + 1) * (n + 2) / m**3 * (1 + z / m) ** (-n - 3)


def discount(z: np.ndarray, t: np.ndarray, compounding: str) -> np.ndarray:
    if compounding == "continuous":
        return np.exp(-z * t)
    if compounding == "simple":
        return 1.0 / (1.0 + z * t)
    m = PERIODS[compounding]
    return (1.0 + z / m) ** (-m * t)


@dataclass(frozen=True)
class Breakeven:
    """Zero-coupon breakeven inflation b(t): linear between pillars, flat outside."""

    tenors: tuple[float, ...]
    rates: tuple[float, ...]

    def rate(self, t: np.ndarray) -> np.ndarray:
        return np.interp(t, self.tenors, self.rates)


@dataclass(frozen=True)
class Wedge:
    """One index as another less a wedge: c(t) = b(t) - W(t), b the ``base`` curve's rate.

    The forward wedge w(s) is ``wedges[i]`` for starts[i] <= s < starts[i + 1] (the last
    for ever); W(t) = (1/t) x its integral over [0, t], W(0) = wedges[0].
    """

    base: "Breakeven | Wedge"
    starts: tuple[float, ...]
    wedges: tuple[float, ...]

    def average(self, t: np.ndarray) -> np.ndarray:
        """W(t): the area under the step forward wedge up to t, over t."""
        t = np.asarray(t, dtype=float)
        starts, wedges = np.asarray(self.starts, float), np.asarray(self.wedges, float)
        # Area under w up to each start, then the part of the step t lies in.
        at_starts = np.concatenate([[0.0], np.cumsum(wedges[:-1] * np.diff(starts))])
        step = np.maximum(np.searchsorted(starts, t, side="right") - 1, 0)
        area = at_starts[step] + wedges[step] * (t - starts[step])
        return np.where(t > 0, area / np.where(t > 0, t, 1.0), wedges[0])

    def rate(self, t: np.ndarray) -> np.ndarray:
        return self.base.rate(t) - self.average(t)


def roll_back(maturity: float, frequency: int) -> tuple[np.ndarray, float]:
    """Coupon times after 0 every 1/frequency years back from ``maturity``; previous date."""
    period = 1.0 / frequency
    k = np.arange(int(np.ceil(maturity * frequency)) + 1)
    times = maturity - period * k
    times = np.sort(times[times > 1e-9])
    return times, float(times[0] - period)


def swap_leg(tenor: float, frequency: int) -> tuple[np.ndarray, np.ndarray]:
    """Fixed-leg times and accruals of a spot-starting swap (short first period from 0)."""
    times, _ = roll_back(tenor, frequency)
    accruals = np.diff(np.concatenate([[0.0], times]))
    return times, accruals


def bootstrap(tenors: list[float], quotes: list[float], frequency: int, compounding: str):
    """Par swap curve -> zero pillars, one brentq per pillar, linear in the zero rate."""
    solved: list[float] = []
    for i, (tenor, quote) in enumerate(zip(tenors, quotes, strict=True)):
        times, accruals = swap_leg(tenor, frequency)

        def mispricing(z, i=i, times=times, accruals=accruals, quote=quote):
            curve = Nominal(tuple(tenors[: i + 1]), (*solved, z), compounding)
            df = curve.df(times)
            return quote * float(accruals @ df) + float(df[-1]) - 1.0

        solved.append(brentq(mispricing, -0.05, 1.0, xtol=1e-16, rtol=1e-15))
    return Nominal(tuple(map(float, tenors)), tuple(solved), compounding)


# --- indexation ----------------------------------------------------------------------------


def black_call(forward: np.ndarray, strike: float, sd: np.ndarray) -> np.ndarray:
    """Undiscounted E[(Y - K)+] for lognormal Y with mean ``forward`` and log-sd ``sd``."""
    forward, sd = np.asarray(forward, dtype=float), np.asarray(sd, dtype=float)
    safe = np.where(sd > 0, sd, 1.0)
    d1 = (np.log(forward / strike) + 0.5 * safe**2) / safe
    black = forward * norm.cdf(d1) - strike * norm.cdf(d1 - safe)
    return np.where(sd > 0, black, np.maximum(forward - strike, 0.0))


def clipped_growth(forward: np.ndarray, floor, cap, sd: np.ndarray) -> np.ndarray:
    """E[min(max(Y, 1 + floor), 1 + cap)] = K1 + C(K1) - C(K2) (a missing bound: no term)."""
    value = forward if floor is None else 1 + floor + black_call(forward, 1 + floor, sd)
    if cap is not None:
        value = value - black_call(forward, 1 + cap, sd)
    return value


def normal_clipped(forward: np.ndarray, floor, cap, sd: np.ndarray) -> np.ndarray:
    """E[min(max(y, floor), cap)] for y ~ N(f, sd^2), f = forward - 1, integrated by piece.

    floor P(y < floor) + cap P(y > cap) + the mean of y over [floor, cap]; a missing bound
    is +-infinity.
    """
    f = np.asarray(forward, dtype=float) - 1.0
    sd = np.asarray(sd, dtype=float)
    low = -np.inf if floor is None else floor
    high = np.inf if cap is None else cap
    a, b = (low - f) / sd, (high - f) / sd
    inside = f * (norm.cdf(b) - norm.cdf(a)) - sd * (norm.pdf(b) - norm.pdf(a))
    below = 0.0 if floor is None else floor * norm.cdf(a)
    above = 0.0 if cap is None else cap * norm.sf(b)
    return 1.0 + below + inside + above


@dataclass(frozen=True)
class YoYVolatility:
    """sd of year n's inflation: caplet vols at expiries, or the same ``yearly`` sd."""

    model: str = "lognormal"
    expiries: tuple = ()
    vols: tuple = ()
    yearly: float | None = None

    def sd(self, years: np.ndarray) -> np.ndarray:
        if self.yearly is not None:
            return np.full(len(years), float(self.yearly))
        out = []
        for n in years:
            if n <= self.expiries[0]:
                variance = self.vols[0] ** 2 * n
            elif n >= self.expiries[-1]:
                variance = self.vols[-1] ** 2 * n
            else:
                j = next(i for i, e in enumerate(self.expiries) if e >= n)
                t0, t1 = self.expiries[j - 1], self.expiries[j]
                v0, v1 = self.vols[j - 1] ** 2 * t0, self.vols[j] ** 2 * t1
                variance = v0 + (v1 - v0) * (n - t0) / (t1 - t0)
            out.append(np.sqrt(variance))
        return np.array(out)

    def words(self) -> str:
        if self.yearly is not None:
            return f"{self.model} {100 * self.yearly:g}% a year"
        span = f"{100 * self.vols[0]:g}% ({self.expiries[0]:g}y)"
        if len(self.expiries) > 1:
            span += f" to {100 * self.vols[-1]:g}% ({self.expiries[-1]:g}y)"
        return f"{self.model} caplet volatilities {span}"


DEFAULT_VOLATILITY = YoYVolatility(yearly=0.015)


@dataclass(frozen=True)
class Indexation:
    lag: float = 0.0
    floor: float | None = None
    cap: float | None = None
    volatility: YoYVolatility = DEFAULT_VOLATILITY

    @property
    def limited(self) -> bool:
        return self.floor is not None or self.cap is not None

    def uprating(self, rate, t: np.ndarray) -> np.ndarray:
        """U(t) of real amounts paid at t; ``rate(u)`` gives the (bumped) breakeven at u."""
        tau = np.maximum(np.asarray(t, dtype=float) - self.lag, 0.0)
        if not self.limited:
            return (1 + rate(tau)) ** tau
        years = np.arange(1.0, np.ceil(tau.max(initial=0.0)) + 1.0)
        cumulative = (1 + rate(years)) ** years  # I(n)/I(0) for n = 1, 2, ...
        forward = cumulative / np.concatenate([[1.0], cumulative[:-1]])
        sd = self.volatility.sd(years)
        if self.volatility.model == "normal":
            growth = normal_clipped(forward, self.floor, self.cap, sd)
        else:
            growth = clipped_growth(forward, self.floor, self.cap, sd)
        whole = np.floor(tau).astype(int)
        frac = tau - whole
        # U(tau) = g_1 ... g_whole x g_(whole+1)^frac; g_(whole+1) only exists when frac > 0.
        done = np.concatenate([[1.0], np.cumprod(growth)])[whole]
        partial = np.ones_like(tau)
        part = frac > 0
        partial[part] = growth[whole[part]] ** frac[part]
        return done * partial


PLAIN = Indexation()


# --- streams and their risk ----------------------------------------------------------------


def bumped_risk(value: Callable, linked: bool, keys) -> dict[str, float]:
    """pv, pv01, curvature ((PV- + PV+ - 2PV)/h^2), ie01, key-rate pv01s and ie01s.

    ``value(dz, db)`` is the PV with zero rates moved by ``dz(t)`` and breakevens by
    ``db(u)``; ``linked``: whether any amount is inflation-linked (else every IE01 is 0).
    """
    keys = list(keys)

    def parallel(size):
        return lambda u: np.full(np.shape(u), size)

    def key(j, size):
        return lambda u: size * triangle(u, keys, j)

    pv, down, up = value(), value(parallel(-H)), value(parallel(H))
    row = {
        "pv": pv,
        "pv01": (down - up) / 2,
        "curvature": (down + up - 2 * pv) / H**2,
        "ie01": (value(db=parallel(H)) - value(db=parallel(-H))) / 2 if linked else 0.0,
    }
    for j, k in enumerate(keys):
        row[pv01_column(k)] = (value(key(j, -H)) - value(key(j, H))) / 2
        row[ie01_column(k)] = (value(db=key(j, H)) - value(db=key(j, -H))) / 2 if linked else 0.0
    return row


@dataclass(frozen=True)
class Stream:
    """Fixed nominal and real (linked) amounts at times t on ``curve`` + ``spread``."""

    t: np.ndarray
    fixed: np.ndarray
    linked: np.ndarray
    curve: Nominal
    spread: float = 0.0
    breakeven: "Breakeven | Wedge | None" = None
    indexation: Indexation = PLAIN

    def scaled(self, factor: float) -> "Stream":
        return Stream(
            self.t,
            self.fixed * factor,
            self.linked * factor,
            self.curve,
            self.spread,
            self.breakeven,
            self.indexation,
        )

    def uprated(self, db=None) -> np.ndarray:
        """Money from the real amounts: real x uprating (breakeven moved by ``db(u)``)."""
        if not np.any(self.linked):
            return np.zeros_like(self.linked, dtype=float)
        base = self.breakeven.rate
        rate = base if db is None else (lambda u: base(u) + db(u))
        return self.linked * self.indexation.uprating(rate, self.t)

    def money(self, db=None) -> np.ndarray:
        """Money paid at each time: fixed + real x uprating (breakeven moved by ``db(u)``)."""
        return self.fixed + self.uprated(db)

    def value(self, dz=None, db=None) -> float:
        """PV with zero rates moved by ``dz(t)`` and breakevens by ``db(u)``; t <= 0 excluded."""
        future = self.t > 0
        t = self.t[future]
        shift = self.spread + (0.0 if dz is None else dz(t))
        return float(np.sum(self.money(db)[future] * self.curve.df(t, shift)))

    def risk(self, keys) -> dict[str, float]:
        """pv, pv01, curvature, ie01 and key rates (``bumped_risk``)."""
        return bumped_risk(self.value, bool(np.any(self.linked)), keys)

    def key_rate_bound(self, keys) -> float:
        """Leading error of sum(key-rate PV01) - PV01: h^3/6 sum |money D3| |1 - sum_j w_j^3|.

        Both are 1bp central differences of the same PV, so they agree in the first order and
        differ by the third-order terms; each flow contributes f'''(z) h^3/6 (sum_j w_j^3 - 1).
        """
        future = self.t > 0
        t = self.t[future]
        cubes = sum(triangle(t, list(keys), j) ** 3 for j in range(len(keys)))
        d3 = self.curve.third_derivative(t, self.spread)
        return float(H**3 / 6 * np.sum(np.abs(self.money()[future] * d3) * np.abs(1 - cubes)))


@dataclass(frozen=True)
class Book:
    """Streams on one discount curve read as one, each with its own index and indexation.

    Liabilities in tranches: a part per tranche (an RPI LPI tranche, a CPI one, ...). Money
    and times are the parts' one after another, values their sum. A breakeven move ``db``
    moves every part's index curve; ``reach[i]`` names part i's index curve and the curves
    below it (its lineage), for moves of one curve alone (``ie01_on``).
    """

    parts: tuple[Stream, ...]
    reach: tuple[tuple[str, ...], ...] = ()

    @property
    def curve(self) -> Nominal:
        return self.parts[0].curve

    @property
    def t(self) -> np.ndarray:
        return np.concatenate([p.t for p in self.parts])

    @property
    def fixed(self) -> np.ndarray:
        return np.concatenate([p.fixed for p in self.parts])

    @property
    def linked(self) -> np.ndarray:
        return np.concatenate([p.linked for p in self.parts])

    def uprated(self, db=None) -> np.ndarray:
        return np.concatenate([p.uprated(db) for p in self.parts])

    def money(self, db=None) -> np.ndarray:
        return np.concatenate([p.money(db) for p in self.parts])

    def value(self, dz=None, db=None, curves: Mapping[str, Callable] | None = None) -> float:
        """Sum of the parts' values (moved by ``dz`` and ``db`` as for ``Stream``).

        ``curves``: moves u -> db of named breakeven curves; each part's index moves by
        those of the curves in its ``reach`` too.
        """
        if not curves:
            return sum(p.value(dz, db) for p in self.parts)
        total = 0.0
        for part, lineage in zip(self.parts, self.reach, strict=True):
            own = [curves[name] for name in lineage if name in curves]

            def moved(u, own=own):
                base = np.zeros(np.shape(u)) if db is None else db(u)
                return base + sum((m(u) for m in own), np.zeros(np.shape(u)))

            total += part.value(dz, moved)
        return total

    def risk(self, keys) -> dict[str, float]:
        return bumped_risk(self.value, bool(np.any(self.linked)), keys)

    def key_rate_bound(self, keys) -> float:
        return sum(p.key_rate_bound(keys) for p in self.parts)

    def on(self, curve: Nominal) -> "Book":
        """The same book discounted on ``curve``."""
        return Book(tuple(dataclasses.replace(p, curve=curve) for p in self.parts), self.reach)

    def ie01_on(self, name: str) -> float:
        """IE01 of a move of curve ``name`` alone: the parts whose index is (built on) it."""

        def value(size: float) -> float:
            return self.value(curves={name: lambda u: np.full(np.shape(u), size)})

        return (value(H) - value(-H)) / 2


def summary(row: dict[str, float], basis: float | None = None) -> dict[str, float]:
    """Duration and convexity per unit of ``basis`` (the PV unless given)."""
    basis = row["pv"] if basis is None else basis
    out = dict(row)
    curvature = out.pop("curvature")
    out["duration"] = row["pv01"] / basis / H if basis else np.nan
    out["convexity"] = curvature / basis if basis else np.nan
    return out


# --- the problem ---------------------------------------------------------------------------


LIABILITY_COLUMNS = ["pv", "pv01", "duration", "convexity", "ie01"]
HOLDING_COLUMNS = ["pv", "pv01", "ie01", "cs01"]


@dataclass
class Reference:
    """Everything ``ldi risk`` reports, recomputed; frames are indexed like ldi's."""

    name: str
    currency: str
    valuation_date: str | None
    basis: str
    keys: tuple[float, ...]
    liabilities: pd.DataFrame  # component x (pv, pv01, duration, convexity, ie01, keys...)
    instruments: pd.DataFrame  # id x per-unit exposures
    terms: pd.DataFrame  # id x kind, role, quotes
    holdings: pd.DataFrame  # id x position, pv, pv01, ie01, cs01, keys...
    key_rate_bounds: dict[str, float] = field(default_factory=dict)  # per unit, by id
    liability_key_rate_bound: float = 0.0  # of the total liabilities (see Stream)
    # For moved values (see "moves" below): each instrument's unit, the liabilities' book
    # and the raw problem mapping (its collateral and stress sections).
    units: dict[str, "Unit"] = field(default_factory=dict)
    liability_stream: Book | None = None  # every benefit, a part per tranche
    raw: dict = field(default_factory=dict, repr=False)
    # What does not depend on a move, computed once: today's unit values and the collateral
    # terms per window (a copy of the reference starts afresh).
    memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def asset_totals(self) -> pd.Series:
        return self.holdings.drop(columns="position").sum()

    def funding(self) -> dict[str, float]:
        assets, liabilities = self.asset_totals, self.liabilities.loc["total"]
        return {
            "assets": float(assets["pv"]),
            "liabilities": float(liabilities["pv"]),
            "surplus": float(assets["pv"] - liabilities["pv"]),
            "funding_ratio": ratio(assets["pv"], liabilities["pv"]),
            "rates_hedge_ratio": ratio(assets["pv01"], liabilities["pv01"]),
            "inflation_hedge_ratio": ratio(assets["ie01"], liabilities["ie01"]),
        }

    def buckets(self) -> pd.DataFrame:
        assets, liabilities = self.asset_totals, self.liabilities.loc["total"]
        out = {}
        for risk, column, hedge in (
            ("pv01", pv01_column, "rates_hedge_ratio"),
            ("ie01", ie01_column, "inflation_hedge_ratio"),
        ):
            a = np.array([assets[column(k)] for k in self.keys], dtype=float)
            li = np.array([liabilities[column(k)] for k in self.keys], dtype=float)
            out[f"liability_{risk}"] = li
            out[f"asset_{risk}"] = a
            out[f"gap_{risk}"] = a - li
            out[hedge] = np.array([ratio(x, y) for x, y in zip(a, li, strict=True)])
        return pd.DataFrame(out, index=pd.Index(self.keys, name="key"))

    def asset_key_rate_bound(self) -> float:
        """Bound on |sum of the holdings' key-rate PV01s - their PV01| (see Stream)."""
        return float(
            sum(
                abs(p) * self.key_rate_bounds.get(i, 0.0)
                for i, p in self.holdings["position"].items()
            )
        )


def raw_problem(path: Path = DEFAULT_PROBLEM) -> dict:
    """The problem mapping with its CSV path made absolute (to edit and load from a dict)."""
    raw = yaml.safe_load(Path(path).read_text())
    flows = raw["liabilities"]["cashflows"]
    if isinstance(flows, str):
        raw["liabilities"]["cashflows"] = str(Path(path).parent / flows)
    return raw


def book_scale(ref: "Reference") -> float:
    """Gross value of a problem's book: liabilities plus every position's absolute size."""
    return float(abs(ref.liabilities.loc["total", "pv"]) + ref.holdings["position"].abs().sum())


def ratio(numerator: float, denominator: float) -> float:
    return float(numerator / denominator) if denominator else float("nan")


@cache
def reference(path: Path = DEFAULT_PROBLEM, keys: tuple[float, ...] = DEFAULT_KEYS) -> Reference:
    """The reference valuation of the problem at ``path`` (cached: it is read-only)."""
    raw = yaml.safe_load(Path(path).read_text())
    return reference_from_raw(raw, Path(path).parent, keys)


def reference_from_raw(raw: dict, folder: Path, keys=DEFAULT_KEYS) -> Reference:
    """The reference valuation of a raw problem mapping (CSV paths relative to ``folder``)."""
    keys = tuple(float(k) for k in keys)
    curves = build_curves(raw["curves"])
    section = raw["liabilities"]
    market = raw.get("market") or {}
    nominal = market.get("nominal_curve") or section["discount_curve"]
    # Swaps and repo discount on the market's swap curve (the nominal curve when none).
    defaults = {"bond": nominal, "swap": market.get("swap_curve") or nominal}
    inflation = market.get("inflation_curve") or section.get("inflation_curve")
    currency = raw.get("currency", "GBP")

    liabilities, basis, liability_bound, total = liability_risk(raw, curves, folder, keys)
    rows, terms, bounds, units = {}, {}, {}, {}
    specs = {item["id"]: item for item in raw.get("instruments", [])}
    for item in raw.get("instruments", []):
        row, quote, bound, unit = instrument(
            item, curves, defaults, inflation, currency, specs, keys
        )
        rows[item["id"]] = row
        terms[item["id"]] = {
            "kind": item["kind"],
            "role": ROLES[item["kind"]],
            "category": category(item),
            **quote,
        }
        bounds[item["id"]] = bound
        units[item["id"]] = unit
    columns = [*LIABILITY_COLUMNS, "cs01", *map(pv01_column, keys), *map(ie01_column, keys)]
    exposures = pd.DataFrame.from_dict(rows, orient="index", columns=columns)
    positions = pd.Series(raw.get("holdings") or {}, dtype=float)
    held = exposures.loc[positions.index].drop(columns=["duration", "convexity"])
    held = held.mul(positions, axis=0)
    held.insert(0, "position", positions)
    date = raw.get("valuation_date")
    return Reference(
        name=raw["name"],
        currency=currency,
        valuation_date=None if date is None else str(date),
        basis=basis,
        keys=keys,
        liabilities=liabilities,
        instruments=exposures,
        terms=pd.DataFrame.from_dict(terms, orient="index"),
        holdings=held,
        key_rate_bounds=bounds,
        liability_key_rate_bound=liability_bound,
        units=units,
        liability_stream=total,
        raw=raw,
    )


@dataclass(frozen=True)
class Unmodelled:
    """A curve kind the reference does not build: valuing anything on it is an error."""

    kind: str

    def zero(self, t: np.ndarray, *args: object) -> np.ndarray:
        raise NotImplementedError(f"reference: no {self.kind} curves")

    df = third_derivative = zero


def build_curves(specs: Mapping[str, dict]) -> dict:
    """Every curve of a ``curves`` section by name (a wedge curve gets its base built first)."""
    built: dict = {}

    def make(name: str):
        if name not in built:
            spec = specs[name]
            base = make(spec["base"]) if spec.get("kind") == "wedge" else None
            built[name] = build_curve(spec, base)
        return built[name]

    for name in specs:
        make(name)
    return built


def build_curve(spec: dict, base=None):
    """One curve; a ``wedge`` curve is read over ``base`` (its base curve, built)."""
    kind = spec.get("kind", "zero")
    if kind in ("smith_wilson", "constant_forward", "spread"):
        return Unmodelled(kind)
    if kind == "wedge":
        return Wedge(base, tuple(map(float, spec["starts"])), tuple(map(float, spec["wedges"])))
    if spec.get("interpolation", "linear_zero") != "linear_zero":
        raise NotImplementedError("reference: only linear_zero interpolation")
    if kind == "breakeven":
        return Breakeven(tuple(spec["tenors"]), tuple(spec["rates"]))
    compounding = spec.get("compounding", "annual")
    if kind == "par_swap":
        return bootstrap(spec["tenors"], spec["rates"], spec.get("frequency", 1), compounding)
    return Nominal(tuple(spec["tenors"]), tuple(spec["rates"]), compounding)


def index_volatility(raw: dict, index: str | None) -> YoYVolatility:
    """The volatility that prices LPI on curve ``index``.

    The market's ``inflation_volatility`` of the curve, else of the curve it is built on (and
    so on down its bases), else DEFAULT_VOLATILITY.
    """
    given = (raw.get("market") or {}).get("inflation_volatility") or {}
    for name in curve_lineage(raw, index) if index else []:
        spec = given.get(name)
        if spec is None:
            continue
        if spec.get("lpi_swaps") is not None:
            raise NotImplementedError("reference: no volatilities calibrated to LPI swaps")
        return YoYVolatility(
            spec.get("model", "normal"),
            tuple(spec.get("expiries", ())),
            tuple(spec.get("volatilities", ())),
            spec.get("yearly"),
        )
    return DEFAULT_VOLATILITY


@dataclass(frozen=True)
class Rule:
    """How real amounts are uprated: ``indexation`` on breakeven curve ``index``.

    ``named``: the tranche names its index itself (the basis line then says which).
    """

    index: str | None
    indexation: Indexation
    named: bool = False

    def words(self) -> str:
        """E.g. 'cpi LPI(0%, 2.5%)', 'full indexation, lag 0.25y' (no volatility)."""
        rule = self.indexation
        words = "full indexation"
        if rule.limited:
            words = f"LPI({percent(rule.floor)}, {percent(rule.cap)})"
        if self.named:
            words = f"{self.index} {words}"
        return f"{words}, lag {rule.lag:g}y" if rule.lag else words

    def volatility_words(self) -> str:
        """The volatility LPI is priced on, saying when it is the default."""
        volatility = self.indexation.volatility
        default = ""
        if volatility is DEFAULT_VOLATILITY:
            default = " (the default; LPI deltas rest on it)"
        return f"{volatility.words()}{default}"


def liability_rules(raw: dict) -> dict[str, Rule]:
    """Each tranche's rule by name in file order; without tranches, every flow's under "".

    A tranche's index is its ``index``, else ``liabilities.inflation_curve``; its lag, floor
    and cap as given (no lag, no bounds when left out); LPI on ``index_volatility``.
    """
    section = raw["liabilities"]
    tranches = section.get("tranches")
    given = tranches if tranches else {"": section.get("indexation")}
    rules = {}
    for name, spec in given.items():
        spec = spec or {}
        index = spec.get("index") or section.get("inflation_curve")
        indexation = Indexation(
            float(spec.get("lag", 0.0)),
            spec.get("floor"),
            spec.get("cap"),
            index_volatility(raw, index),
        )
        rules[name] = Rule(index, indexation, spec.get("index") is not None)
    return rules


def liability_frame(raw: dict, folder: Path) -> pd.DataFrame:
    """The benefit rows: time, fixed, inflation_linked, rule and status (when given).

    ``rule`` is the row's key in ``liability_rules``: its tranche, or "" without tranches.
    """
    section = raw["liabilities"]
    flows = section["cashflows"]
    frame = pd.read_csv(Path(folder) / flows) if isinstance(flows, str) else pd.DataFrame(flows)
    if "time" not in frame:
        raise NotImplementedError("reference: liability cash flows by 'time' only")
    frame = frame.rename(columns={"amount": "fixed"})
    for column in ("fixed", "inflation_linked"):
        if column not in frame:
            frame[column] = 0.0
    frame["rule"] = frame["tranche"].astype(str).str.strip() if section.get("tranches") else ""
    return frame


def discount_basis(raw: dict, curves: dict) -> Nominal:
    """The liabilities' discount curve: ``discount_curve`` plus ``spread`` on the zero rate."""
    section = raw["liabilities"]
    base = curves[section["discount_curve"]]
    spread = base.spread + float(section.get("spread", 0.0))
    return Nominal(base.tenors, base.rates, base.compounding, spread)


def book_of(rows: pd.DataFrame, raw: dict, curves: dict, fixed=True, linked=True) -> Book:
    """The ``rows`` of ``liability_frame`` on the discount basis, a part per rule used.

    ``fixed``/``linked`` False: that amount column taken as 0.
    """
    curve = discount_basis(raw, curves)
    parts, reach = [], []
    for key, rule in liability_rules(raw).items():
        part = rows[rows["rule"] == key]
        if part.empty:
            continue
        breakeven = curves[rule.index] if rule.index else None
        t = part["time"].to_numpy(dtype=float)
        f = part["fixed"].to_numpy(dtype=float) * fixed
        li = part["inflation_linked"].to_numpy(dtype=float) * linked
        parts.append(Stream(t, f, li, curve, 0.0, breakeven, rule.indexation))
        reach.append(tuple(curve_lineage(raw, rule.index)) if rule.index else ())
    return Book(tuple(parts), tuple(reach))


def liability_book(raw: dict, folder: Path | None = None) -> Book:
    """Every benefit of a raw problem (CSV paths relative to ``folder``; default: absolute)."""
    frame = liability_frame(raw, Path(folder or "/"))
    return book_of(frame, raw, build_curves(raw["curves"]))


def liability_risk(raw: dict, curves: dict, folder: Path, keys):
    """(table, basis, key-rate bound, total Book) of the liabilities.

    The table's rows: fixed, inflation_linked, each tranche, each status, total.
    """
    section = raw["liabilities"]
    frame = liability_frame(raw, folder)
    rules = liability_rules(raw)

    def book(rows: pd.DataFrame, fixed=True, linked=True) -> Book:
        return book_of(rows, raw, curves, fixed, linked)

    parts = {"fixed": book(frame, linked=False), "inflation_linked": book(frame, fixed=False)}
    if section.get("tranches"):
        for name in rules:
            parts[name] = book(frame[frame["rule"] == name])
    if "status" in frame:
        for status, rows in frame.groupby("status", sort=False):
            parts[str(status).strip()] = book(rows)
    parts["total"] = book(frame)
    table = {name: summary(s.risk(keys)) for name, s in parts.items()}
    columns = [*LIABILITY_COLUMNS, *map(pv01_column, keys), *map(ie01_column, keys)]
    liabilities = pd.DataFrame.from_dict(table, orient="index", columns=columns)
    basis = liability_basis(raw, rules, frame)
    return liabilities, basis, parts["total"].key_rate_bound(keys), parts["total"]


def liability_basis(raw: dict, rules: dict[str, Rule], frame: pd.DataFrame) -> str:
    """The basis line: curve, spread, inflation curve, then the indexation.

    Without tranches: ', LPI(floor, cap) on <volatility>' and ', lag Ny' as they apply. With
    tranches: '; tranches: <name> <rule>, ...' (a tranche without real amounts reads '<name>
    fixed'), then '; LPI on <volatility> / ...' over every tranche with a floor or cap.
    """
    section = raw["liabilities"]
    basis = section["discount_curve"]
    spread = float(section.get("spread", 0.0))
    if spread:
        basis += f" {spread / H:+g}bp"
    if section.get("inflation_curve"):
        basis += f"; inflation {section['inflation_curve']}"
    if section.get("tranches"):
        real = frame.loc[frame["inflation_linked"] != 0, "rule"]
        said = [
            f"{name} {rule.words() if name in set(real) else 'fixed'}"
            for name, rule in rules.items()
        ]
        basis += f"; tranches: {', '.join(said)}"
        priced = {rule.volatility_words() for rule in rules.values() if rule.indexation.limited}
        return basis + (f"; LPI on {' / '.join(sorted(priced))}" if priced else "")
    (rule,) = rules.values()
    indexation = rule.indexation
    if section.get("inflation_curve"):
        if indexation.limited:
            basis += (
                f", LPI({percent(indexation.floor)}, {percent(indexation.cap)})"
                f" on {rule.volatility_words()}"
            )
        if indexation.lag:
            basis += f", lag {indexation.lag:g}y"
    return basis


def index_ie01(ref: "Reference", name: str) -> tuple[float, float]:
    """(liabilities, assets) IE01 of a move of breakeven curve ``name`` alone.

    Everything whose index is ``name`` or built on it moves: the liability parts (tranches)
    of such an index, and the holdings projected on such a curve (an instrument's own
    ``inflation_curve``, else the market's; growth assets' inflation duration on the
    market's).
    """
    market = ref.raw.get("market") or {}
    default = market.get("inflation_curve") or ref.raw["liabilities"].get("inflation_curve")
    assets = 0.0
    for item in ref.raw.get("instruments", []):
        if item["id"] not in ref.holdings.index:
            continue
        index = item.get("inflation_curve") or default
        if index and name in curve_lineage(ref.raw, index):
            assets += float(ref.holdings.loc[item["id"], "ie01"])
    return ref.liability_stream.ie01_on(name), assets


def percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:g}%"


def implied_spread(stream: Stream, dirty: float) -> float:
    """z-spread s with PV(curve + s) = dirty, by brentq on this module's PV."""

    def excess(s: float) -> float:
        return (
            Stream(
                stream.t,
                stream.fixed,
                stream.linked,
                stream.curve,
                s,
                stream.breakeven,
                stream.indexation,
            ).value()
            - dirty
        )

    return brentq(excess, -0.05, 1.0, xtol=1e-15, rtol=1e-15)


def instrument(item, curves, defaults, inflation, currency, specs, keys):
    """(per-unit exposures row, quote, per-unit key-rate bound, Unit) of one instrument spec."""
    kind = item["kind"]
    family = "swap" if kind in ("interest_rate_swap", "inflation_swap", "repo") else "bond"
    curve = curves[item.get("curve") or defaults[family]]
    index = item.get("inflation_curve") or inflation  # the market's when it names none
    breakeven = curves.get(index) if index else None
    frequency = item.get("frequency") or (
        1 if currency == "EUR" and kind in EUR_ANNUAL else FREQUENCY.get(kind)
    )
    zero = dict.fromkeys([*map(pv01_column, keys), *map(ie01_column, keys)], 0.0)

    if kind in ("bond", "zero_coupon_bond", "index_linked_bond"):
        if kind == "zero_coupon_bond":
            t, real, accrued = np.array([float(item["maturity"])]), np.array([100.0]), 0.0
        else:
            t, previous = roll_back(float(item["maturity"]), frequency)
            real = np.full(t.size, 100.0 * item["coupon"] / frequency)
            real[-1] += 100.0
            accrued = 100.0 * item["coupon"] * -previous
        factor = float(item.get("index_ratio", 1.0)) if kind == "index_linked_bond" else 1.0
        if kind == "index_linked_bond":
            lag = float(item.get("indexation_lag", 0.0))
            flows = Stream(t, 0 * real, factor * real, curve, 0.0, breakeven, Indexation(lag))
        else:
            flows = Stream(t, real, 0 * real, curve)
        if item.get("price") is not None:
            dirty = (item["price"] + accrued) * factor
            spread, source = implied_spread(flows, dirty), "market"
        else:
            spread, source = float(item.get("spread") or 0.0), "curve"
        flows = Stream(
            t, flows.fixed, flows.linked, curve, spread, flows.breakeven, flows.indexation
        )
        dirty = flows.value()
        unit = flows.scaled(1.0 / dirty)
        row = summary(unit.risk(keys))
        row["cs01"] = row["pv01"] if item.get("credit", False) else 0.0
        quote = {
            "maturity": float(t[-1]),
            "clean_price": dirty / factor - accrued,
            "dirty_price": dirty,
            "accrued": accrued,
            "index_ratio": factor,
            "spread_bp": spread / H,
            "priced_from": source,
        }
        credit = bool(item.get("credit", False))
        return row, quote, unit.key_rate_bound(keys), Unit(kind, unit, 0.0, credit)

    if kind == "interest_rate_swap":
        t, accruals = swap_leg(float(item["tenor"]), frequency)
        df = curve.df(t)
        par = (1.0 - df[-1]) / float(accruals @ df)
        rate = par if item.get("fixed_rate") is None else item["fixed_rate"]
        amounts = rate * accruals
        amounts[-1] += 1.0
        unit = Stream(t, amounts, 0 * amounts, curve)
        row = unit.risk(keys)
        stream_pv = row["pv"]
        row["pv"] = stream_pv - 1.0  # the floating leg with notional is worth par today
        row = summary(row, basis=1.0)  # overlays: per unit of notional
        row["cs01"] = 0.0
        quote = {"maturity": float(t[-1]), "fixed_rate": rate, "par_rate": par}
        return row, quote, unit.key_rate_bound(keys), Unit(kind, unit, -1.0)

    if kind == "inflation_swap":
        maturity = float(item["maturity"])
        indexation = Indexation(float(item.get("indexation_lag", 0.0)))
        t = np.array([maturity])
        uplift = float(indexation.uprating(breakeven.rate, t)[0])
        par = uplift ** (1.0 / maturity) - 1.0
        rate = par if item.get("fixed_rate") is None else item["fixed_rate"]
        unit = Stream(
            t, np.array([-((1 + rate) ** maturity)]), np.ones(1), curve, 0.0, breakeven, indexation
        )
        row = summary(unit.risk(keys), basis=1.0)
        row["cs01"] = 0.0
        # Gross bound: both legs' flows (they offset in value, not in the bound).
        gross = Stream(t, np.array([(1 + rate) ** maturity + uplift]), np.zeros(1), curve)
        quote = {"maturity": maturity, "fixed_rate": rate, "par_rate": par}
        return row, quote, gross.key_rate_bound(keys), Unit(kind, unit, 0.0)

    if kind == "repo":
        term = float(item["term"])
        fair = (1.0 / float(curve.df(np.array([term]))[0]) - 1.0) / term
        rate = fair if item.get("rate") is None else item["rate"]
        collateral = specs[item["collateral"]]
        cut = item.get("haircut")
        if cut is None:
            schedule = HAIRCUTS[bool(collateral.get("credit", False))]
            cut = next(c for limit, c in schedule if collateral["maturity"] <= limit)
        unit = Stream(np.array([term]), np.array([-(1.0 + rate * term)]), np.zeros(1), curve)
        row = summary(unit.risk(keys))
        row["cs01"] = 0.0
        quote = {
            "maturity": term,
            "rate": rate,
            "fair_rate": fair,
            "haircut": cut,
            "collateral": item["collateral"],
        }
        return row, quote, unit.key_rate_bound(keys), Unit(kind, unit, 0.0)

    if kind == "return_seeking":
        rates_d = float(item.get("rates_duration", 0.0))
        inflation_d = float(item.get("inflation_duration", 0.0))
        row = {
            "pv": 1.0,
            "pv01": rates_d * H,
            "duration": rates_d,
            "convexity": 0.0,
            "ie01": inflation_d * H,
            "cs01": float(item.get("spread_duration", 0.0)) * H,
        }
        for j, key in enumerate(keys):
            row[pv01_column(key)] = rates_d * H * triangle(np.abs([rates_d]), list(keys), j)[0]
            row[ie01_column(key)] = (
                inflation_d * H * triangle(np.abs([inflation_d]), list(keys), j)[0]
            )
        quote = {"expected_return": item["expected_return"], "volatility": item["volatility"]}
        durations = (rates_d, inflation_d, float(item.get("spread_duration", 0.0)))
        return row, quote, 0.0, Unit(kind, None, 1.0, durations=durations)

    if kind == "cash":
        row = {"pv": 1.0, "pv01": 0.0, "duration": 0.0, "convexity": 0.0, "ie01": 0.0, "cs01": 0.0}
        quote = {"expected_return": float(item.get("rate", 0.0))}
        return {**row, **zero}, quote, 0.0, Unit(kind, None, 1.0)

    raise NotImplementedError(f"reference: instrument kind {kind!r}")


# --- moves: values per unit after a market move --------------------------------------------
#
# A move (ldi.scenarios.Move) adds dz(t) to the zero rate of every nominal curve and db(u)
# to every breakeven curve (decimals; piecewise linear between knots, flat outside), widens
# the discount rate of credit bonds by ``credit`` and returns ``growth`` on growth assets
# (``returns`` by id replace it). Per unit: settled + PV of the unit stream on the moved
# curves; growth assets move to first order by their stated durations,
# value x (1 - D_r dz(|D_r|) + D_i db(|D_i|) - D_s credit), then every value is multiplied
# by 1 + its return. Liabilities: their stream on the moved curves (no credit, no growth).
# Flows discounted on the market's swap curve (when bonds have another) see dz - bond_swap:
# bonds move by the nominal move, swaps by nominal - bond_swap. A move in bond-yield units
# adds dz to the zero rate requoted at the market's bond coupon frequency (``moved_rates``).
# Moves of named curves (``curves_bp``) add to dz (db) of every flow on a curve (index) whose
# lineage holds the named curve: a move of rpi reaches CPI-linked flows, one of cpi only
# them; growth assets' stated durations load on the market's bond and breakeven curves.

MoveCurve = Callable[[np.ndarray], np.ndarray]


def no_move(t) -> np.ndarray:
    return np.zeros(np.shape(t))


@dataclass(frozen=True)
class Unit:
    """One unit of an instrument: ``settled`` + the PV of ``stream`` (None: no flows).

    ``settled`` is fixed today: -1 for an interest-rate swap's floating leg, 1 for cash and
    growth assets. ``credit``: the stream discounts at the credit spread too.
    ``durations``: the stated (rates, inflation, spread) durations of a growth asset.
    """

    kind: str
    stream: Stream | None
    settled: float
    credit: bool = False
    durations: tuple[float, float, float] = (0.0, 0.0, 0.0)


@dataclass(frozen=True)
class Shock:
    """A market move: zero-rate moves, a credit widening and growth returns.

    ``nominal``(t) and ``breakeven``(u) are callables (decimals); ``credit`` the widening of
    credit bonds' discount rate; ``growth`` the return of growth assets; ``returns`` by id;
    ``bond_swap``(t) government bond yields against swap rates (swap-curve flows see
    nominal - bond_swap); ``in_yield``: the nominal moves are bond-yield moves. ``curves``:
    further moves of named curves; a flow on curve c (a real amount on index c) moves by
    the sum of the moves of the curves in c's lineage (c and the curves under it).
    ``haircut_scale`` multiplies every collateral haircut (at most 1) and ``margin_scale``
    every initial margin in this state.
    """

    nominal: MoveCurve = no_move
    breakeven: MoveCurve = no_move
    credit: float = 0.0
    growth: float = 0.0
    returns: Mapping[str, float] = field(default_factory=dict)
    bond_swap: MoveCurve = no_move
    in_yield: bool = False
    curves: Mapping[str, MoveCurve] = field(default_factory=dict)
    haircut_scale: float = 1.0
    margin_scale: float = 1.0


def curve_move(bp) -> MoveCurve:
    """A zero-rate move from bp: a number (parallel), or (tenors, bp), linear, flat outside."""
    if isinstance(bp, tuple | list | dict):
        tenors, sizes = (bp["tenors"], bp["bp"]) if isinstance(bp, dict) else bp
        tenors, sizes = np.asarray(tenors, dtype=float), np.asarray(sizes, dtype=float) * H
        return lambda t: np.interp(np.asarray(t, dtype=float), tenors, sizes)
    size = float(bp) * H
    return lambda t: np.full(np.shape(t), size)


def shock(
    nominal_bp=0.0,
    breakeven_bp=0.0,
    credit_spread_bp=0.0,
    growth=0.0,
    returns=None,
    bond_swap_bp=0.0,
    units="zero",
    curves_bp=None,
    haircut_scale=1.0,
    margin_scale=1.0,
):
    """A ``Shock`` given in bp (numbers or (tenors, bp) term structures; by curve name)."""
    return Shock(
        curve_move(nominal_bp),
        curve_move(breakeven_bp),
        float(credit_spread_bp) * H,
        float(growth),
        dict(returns or {}),
        curve_move(bond_swap_bp),
        units == "yield",
        {name: curve_move(bp) for name, bp in (curves_bp or {}).items()},
        float(haircut_scale),
        float(margin_scale),
    )


def lineage_move(raw: dict, move: Shock, name: str | None) -> MoveCurve:
    """The named-curve moves that reach curve ``name``: summed over its lineage."""
    reaching = (
        [move.curves[c] for c in curve_lineage(raw, name) if c in move.curves] if name else []
    )

    def total(t):
        return sum((m(t) for m in reaching), np.zeros(np.shape(t)))

    return total


def curve_lineage(raw: dict, name: str) -> list[str]:
    """``name`` and the curves below it by their ``base`` keys."""
    chain = [name]
    while (raw["curves"][chain[-1]] or {}).get("base"):
        chain.append(raw["curves"][chain[-1]]["base"])
    return chain


def on_swaps(raw: dict, curve: str) -> bool:
    """Whether flows discounted on ``curve`` see swap rates (nominal - bond_swap).

    They do when the market's swap curve is ``curve`` or lies under it, unless ``curve`` is
    (built on) the bond curve and the bond curve is itself built on the swap curve: bonds
    keep the nominal move. One curve for bonds and swaps has no such move.
    """
    market = raw.get("market") or {}
    swaps = market.get("swap_curve")
    bonds = market.get("nominal_curve") or raw["liabilities"]["discount_curve"]
    if swaps is None or swaps == bonds or swaps not in curve_lineage(raw, curve):
        return False
    bonds_on_swaps = swaps in curve_lineage(raw, bonds)
    return not (bonds_on_swaps and bonds in curve_lineage(raw, curve))


def unit_curve(ref: Reference, name: str) -> str:
    """The curve instrument ``name`` discounts on (its own, else its family's default)."""
    item = next(i for i in ref.raw["instruments"] if i["id"] == name)
    market = ref.raw.get("market") or {}
    bonds = market.get("nominal_curve") or ref.raw["liabilities"]["discount_curve"]
    swaps = market.get("swap_curve") or bonds
    family = "swap" if item["kind"] in ("interest_rate_swap", "inflation_swap", "repo") else "bond"
    return item.get("curve") or (swaps if family == "swap" else bonds)


def market_curves(raw: dict) -> tuple[str, str | None]:
    """The market's bond curve and default inflation curve (the liabilities' when unnamed)."""
    market, section = raw.get("market") or {}, raw["liabilities"]
    bonds = market.get("nominal_curve") or section["discount_curve"]
    return bonds, market.get("inflation_curve") or section.get("inflation_curve")


def unit_index(ref: Reference, name: str) -> str | None:
    """The breakeven curve instrument ``name`` is projected on (its own, else the market's)."""
    item = next(i for i in ref.raw["instruments"] if i["id"] == name)
    return item.get("inflation_curve") or market_curves(ref.raw)[1]


def quoted_periods(ref: Reference) -> int:
    """Coupons a year of the market's bond yields: annual for EUR, else semiannual."""
    return 1 if ref.currency == "EUR" else FREQUENCY["bond"]


def rate_of(df: np.ndarray, t: np.ndarray, compounding: str) -> np.ndarray:
    """The zero rate in ``compounding`` whose discount factor at t is ``df`` (t > 0)."""
    if compounding == "continuous":
        return -np.log(df) / t
    if compounding == "simple":
        return (1.0 / df - 1.0) / t
    m = PERIODS[compounding]
    return m * (df ** (-1.0 / (m * t)) - 1.0)


def moved_rates(ref: Reference, move: Shock, curve: Nominal, extra: MoveCurve) -> MoveCurve:
    """dz(t) on ``curve``: nominal + ``extra``, converted when the move is in yield units.

    A yield move m adds m to the curve's zero rate quoted as a bond yield (the market's
    coupon frequency): the discount factor DF(z) is requoted as y with the same DF, y + m
    discounted back, and read as a zero rate in the curve's compounding again.
    """

    def total(t):
        return move.nominal(t) + extra(t)

    if not move.in_yield:
        return total
    quote = {1: "annual", 2: "semiannual", 4: "quarterly", 12: "monthly"}[quoted_periods(ref)]

    def converted(t):
        t = np.asarray(t, dtype=float)
        out = np.asarray(total(t), dtype=float).copy()
        future = t > 0
        u = t[future]
        z = curve.zero(u)
        y = rate_of(discount(z, u, curve.compounding), u, quote)
        moved = rate_of(discount(y + out[future], u, quote), u, curve.compounding)
        out[future] = moved - z
        return out

    return converted


def unit_value(ref: Reference, name: str, move: Shock = Shock()) -> float:
    """Value per unit of instrument ``name`` after ``move`` (today's without one)."""
    unit = ref.units[name]
    value = unit.settled
    if unit.stream is not None:
        swap = on_swaps(ref.raw, unit_curve(ref, name))
        widening = move.credit if unit.credit else 0.0

        named = lineage_move(ref.raw, move, unit_curve(ref, name))

        def extra(t, swap=swap, widening=widening, named=named):
            return widening - (move.bond_swap(t) if swap else 0.0) + named(t)

        dz = moved_rates(ref, move, unit.stream.curve, extra)
        index = lineage_move(ref.raw, move, unit_index(ref, name))

        def db(u, index=index):
            return move.breakeven(u) + index(u)

        value += unit.stream.value(dz, db)
    rates_d, inflation_d, spread_d = unit.durations
    if rates_d or inflation_d or spread_d:
        # Stated durations load on the market's bond and breakeven curves.
        bonds = lineage_move(ref.raw, move, market_curves(ref.raw)[0])
        index = lineage_move(ref.raw, move, market_curves(ref.raw)[1])
        value *= (
            1.0
            - rates_d * float(move.nominal(abs(rates_d)) + bonds(abs(rates_d)))
            + inflation_d * float(move.breakeven(abs(inflation_d)) + index(abs(inflation_d)))
            - spread_d * move.credit
        )
    default = move.growth if unit.kind == "return_seeking" else 0.0
    return value * (1.0 + float(move.returns.get(name, default)))


def unit_values(ref: Reference, move: Shock | None = None) -> pd.Series:
    """Values per unit of every instrument (index: id, the problem's order) after ``move``.

    No move: today's values, computed once per reference.
    """
    if move is None:
        if "today" not in ref.memo:
            ref.memo["today"] = unit_values(ref, Shock())
        return ref.memo["today"].copy()
    return pd.Series({name: unit_value(ref, name, move) for name in ref.units}, dtype=float)


def liability_value(ref: Reference, move: Shock = Shock()) -> float:
    """The liabilities' value after ``move``.

    Their discount basis moves with nominal rates and the moves of the curves it is built
    on, and by the file's ``liabilities.credit_spread_beta`` x the credit widening (less the
    bond-swap move when it is the swap curve; yield-unit moves converted as for
    instruments); each tranche's real amounts with breakevens and the moves of its index.
    """
    section = ref.raw["liabilities"] if ref.raw else {}
    beta = float(section.get("credit_spread_beta", 0.0))
    swap = bool(ref.raw) and on_swaps(ref.raw, section["discount_curve"])
    named = lineage_move(ref.raw, move, section.get("discount_curve")) if ref.raw else no_move

    def extra(t: np.ndarray) -> np.ndarray:
        return beta * move.credit - (move.bond_swap(t) if swap else 0.0) + named(t)

    moved = moved_rates(ref, move, ref.liability_stream.curve, extra)
    return ref.liability_stream.value(moved, move.breakeven, move.curves)


def positions_of(ref: Reference, positions=None) -> pd.Series:
    """Positions of every instrument (default: the file's holdings), 0 where none."""
    given = (ref.raw.get("holdings") or {}) if positions is None else positions
    return pd.Series(dict(given), dtype=float).reindex(list(ref.units), fill_value=0.0)


# --- the stress catalogue (ldi.scenarios.library: sizes in bp as its docstrings give them) ---
#
# Each market's set is the standard shocks plus its named scenarios (GBP: gilts against
# swaps, the 2022 gilt crisis, the 2023 SWES; EUR: 2022 rates, 2011 periphery; USD: 2022
# Treasuries, 2008 credit). The sizes are the published figures of docs/market-facts.md,
# written out here again.

KEY_SHOCK_TENORS = (5.0, 10.0, 20.0, 30.0, 50.0)
CRISIS_TENORS = (2.0, 5.0, 10.0, 20.0, 30.0, 50.0)
CRISIS_NOMINAL = ((30, 25, 30, 33, 35, 35), (45, 40, 56, 72, 80, 80))
CRISIS_NOMINAL += ((60, 55, 75, 105, 120, 120), (70, 60, 80, 125, 150, 150))
CRISIS_BREAKEVEN = ((0, 0, 0, 0, 0, 0), (0, 0, -5, -8, -10, -10))
CRISIS_BREAKEVEN += ((0, -5, -10, -18, -25, -25), (0, -5, -15, -30, -40, -40))
# Collateral terms of the 2022 crisis: LCH RepoClear gilt repo initial margin GBP 9.6bn
# (Q3 2022) to 11.6bn (Q4 2022); SwapClear GBP 10y receiver initial margin +65% (1 Aug to
# 5 Oct 2022).
CRISIS_TERMS = {"haircut_scale": 11.6 / 9.6, "margin_scale": 1.65}
BUND_10Y = {"2021-12-31": -0.18, "2022-06-30": 1.37, "2022-12-30": 2.511}  # %
PERIPHERY_2011 = {  # date: (Bund 10y %, Italy 10y spread over Bunds bp)
    "11 Jul 2011": (5.71 - 3.03, 303.0),
    "2 Aug 2011": (2.395, 374.0),
    "14 Nov 2011": (1.81, 472.0),
}
TREASURIES_2022 = {2.0: (0.730, 4.399), 10.0: (1.496, 3.826), 30.0: (1.888, 3.934)}  # %
IG_SPREAD_AUG_2008 = 312.0  # bp, 118% above a year before


def key_shock(tenor: float) -> Shock:
    """+25bp at ``tenor``, linear to 0 at its neighbours among 0, KEY_SHOCK_TENORS, 100."""
    tenors = (0.0, *KEY_SHOCK_TENORS, 100.0)
    return shock((tenors, [25.0 if t == tenor else 0.0 for t in tenors]))


def standard_shocks() -> dict[str, list[tuple[str, Shock]]]:
    """The shocks every market has, one step each."""
    single = {
        "parallel_up_100": shock(100),
        "parallel_down_100": shock(-100),
        "parallel_up_250": shock(250),
        "steepener": shock(((2, 10, 30), (-50, 0, 50))),
        "flattener": shock(((2, 10, 30), (50, 0, -50))),
        **{f"key_rate_{t:g}y_up_25": key_shock(t) for t in KEY_SHOCK_TENORS},
        "breakeven_up_50": shock(breakeven_bp=50),
        "breakeven_down_50": shock(breakeven_bp=-50),
        "real_yields_up_100": shock(breakeven_bp=-100),
        "credit_spreads_up_100": shock(credit_spread_bp=100),
        "growth_down_25": shock(growth=-0.25),
    }
    return {name: [("", move)] for name, move in single.items()}


def gbp_scenarios() -> dict[str, list[tuple[str, Shock]]]:
    return {
        "gilts_cheapen_30": [("", shock(30, bond_swap_bp=30))],
        "gilt_crisis_2022": [
            (f"day {i + 1}", shock((CRISIS_TENORS, n), (CRISIS_TENORS, b), **CRISIS_TERMS))
            for i, (n, b) in enumerate(zip(CRISIS_NOMINAL, CRISIS_BREAKEVEN, strict=True))
        ],
        "boe_swes_2023": [("day 1", shock(45, -15, 40)), ("day 10", shock(115, -25, 130))],
    }


def eur_scenarios() -> dict[str, list[tuple[str, Shock]]]:
    start = BUND_10Y["2021-12-31"]
    rates = [
        (label, shock((BUND_10Y[day] - start) * 100, units="yield"))
        for label, day in (("30 Jun 2022", "2022-06-30"), ("30 Dec 2022", "2022-12-30"))
    ]
    bund0, italy0 = PERIPHERY_2011["11 Jul 2011"]
    periphery = [
        (day, shock((bund - bund0) * 100, credit_spread_bp=italy - italy0, units="yield"))
        for day, (bund, italy) in list(PERIPHERY_2011.items())[1:]
    ]
    return {"euro_rates_2022": rates, "euro_periphery_2011": periphery}


def usd_scenarios() -> dict[str, list[tuple[str, Shock]]]:
    tenors = tuple(TREASURIES_2022)
    rises = [(end - start) * 100 for start, end in TREASURIES_2022.values()]
    widening = round(IG_SPREAD_AUG_2008 - IG_SPREAD_AUG_2008 / 2.18)
    return {
        "treasury_selloff_2022": [("", shock((tenors, rises), units="yield"))],
        "credit_crisis_2008": [("", shock(credit_spread_bp=widening, units="yield"))],
    }


MARKETS = {"GBP": gbp_scenarios, "EUR": eur_scenarios, "USD": usd_scenarios}


def catalogue(currency: str | None = None) -> dict[str, list[tuple[str, Shock]]]:
    """The built-in scenarios: name -> [(step label, cumulative move)], in report order.

    The standard shocks, then the named scenarios of ``currency`` (None: of every market).
    """
    scenarios = standard_shocks()
    for market, named in MARKETS.items():
        if currency is None or currency == market:
            scenarios.update(named())
    return scenarios


def file_move(spec: dict) -> Shock:
    """A move of the YAML ``stress`` section: ``real_bp`` gives breakeven = nominal - real."""
    nominal = curve_move(spec.get("nominal_bp", 0.0))
    if spec.get("real_bp") is not None:
        real = curve_move(spec["real_bp"])

        def breakeven(t, nominal=nominal, real=real):
            return nominal(t) - real(t)

    else:
        breakeven = curve_move(spec.get("breakeven_bp") or 0.0)
    return Shock(
        nominal,
        breakeven,
        float(spec.get("credit_spread_bp", 0.0)) * H,
        float(spec.get("growth", 0.0)),
        dict(spec.get("returns") or {}),
        curves={name: curve_move(bp) for name, bp in (spec.get("curves_bp") or {}).items()},
        haircut_scale=float(spec.get("haircut_scale", 1.0)),
        margin_scale=float(spec.get("margin_scale", 1.0)),
    )


def scenarios_of(ref: Reference) -> dict[str, list[tuple[str, Shock]]]:
    """The catalogue of the problem's currency (unless switched off), then the file's own."""
    section = ref.raw.get("stress") or {}
    out = catalogue(ref.currency) if section.get("catalogue", True) else {}
    for item in section.get("scenarios", []):
        if item.get("steps") is None:
            out[item["name"]] = [("", file_move(item))]
        else:
            out[item["name"]] = [
                (step.get("label") or f"step {j + 1}", file_move(step))
                for j, step in enumerate(item["steps"])
            ]
    return out


def stress_step(ref: Reference, positions: pd.Series, move: Shock, within_days=None) -> dict:
    """The numbers ``ldi stress`` reports for one step (money; ratios as decimals)."""
    x = positions.reindex(list(ref.units), fill_value=0.0)
    assets_before = float(unit_values(ref) @ x)
    assets_after = float(unit_values(ref, move) @ x)
    liabilities_before, liabilities_after = liability_value(ref), liability_value(ref, move)
    collateral = collateral_after(ref, x, move, within_days)
    return {
        "assets_before": assets_before,
        "assets_after": assets_after,
        "asset_change": assets_after - assets_before,
        "liabilities_before": liabilities_before,
        "liabilities_after": liabilities_after,
        "liability_change": liabilities_after - liabilities_before,
        "surplus_change": (assets_after - assets_before) - (liabilities_after - liabilities_before),
        "funding_ratio_before": assets_before / liabilities_before,
        "funding_ratio_after": assets_after / liabilities_after,
        "collateral_needed": collateral["called"],
        "collateral_available": collateral["available"],
        "headroom": collateral["headroom"],
    }


# --- collateral (ldi.liquidity.collateral's module docstring) ------------------------------
#
# Classes: cash (kind cash), equity (return_seeking), corporate (credit bonds), government
# (other bonds), illiquid (only by override; never eligible). Haircuts by residual maturity
# (up to 1y, 1-5y, beyond): government 0.5/2/4%, corporate 1/4/8%, equity 15%, cash and
# money-market 0; days to become collateral: cash, money-market and government 0, corporate
# and equity only as the file gives them (else never); eligible when days <=
# within_days (default 5). The file's ``collateral`` section overrides haircuts (one number
# or three bands) and days by class, and class, haircut, days and initial margin by id.
# With ``initial_margin_shock_bp`` an overlay's initial margin adds its largest value change
# per unit under a parallel +-shock to nominal rates or to breakevens.
# Per unit after a move, with V the value per unit today (V0) and after (V1):
#   physical: available (1 - h) V1 when eligible;  overlay: need -(V1 - V0);
#   repo k on bond c: need -r_c / (1 - h_k), available -e_c (1 - h_c)(1 + r_c) / (1 - h_k),
#   with r_c = V1_c / V0_c - 1; initial margin im |x| for overlays (a need).
# In a state with haircut scale s and margin scale m (each at least the section's
# ``stressed`` floor): every haircut is min(1, s h), every initial margin m im; a repo
# whose term (years) is at most within_days x 7/5 / 365 (business to calendar days) is
# rolled at min(1, s h_k): need 1/(1 - s h_k) - (1 + r_c)/(1 - h_k), the same availability;
# no lender (s h_k >= 1): need 1 (repaid in cash), availability 0 (the bond comes back).
COLLATERAL_CLASSES = ("cash", "money_market", "government", "corporate", "equity", "illiquid")
COLLATERAL_CLASSES = ("cash", "government", "corporate", "equity", "illiquid")
BAND_LIMITS = (1.0, 5.0, np.inf)
COLLATERAL_HAIRCUTS = {
    "cash": ((np.inf, 0.0),),
    "money_market": ((np.inf, 0.0),),
    "government": HAIRCUTS[False],
    "corporate": HAIRCUTS[True],
    "equity": ((np.inf, 0.15),),
}
# Cash, money-market funds and government bonds count at once; credit and equity only in
# the days a problem gives them (None: never).
COLLATERAL_DAYS = {
    "cash": 0.0,
    "money_market": 0.0,
    "government": 0.0,
    "corporate": None,
    "equity": None,
}
WITHIN_DAYS = 5.0


def collateral_window(ref: Reference, within_days: float | None = None) -> float:
    """The days that count: ``within_days``, else the file's (default WITHIN_DAYS)."""
    section = ref.raw.get("collateral") or {}
    return float(section.get("within_days", WITHIN_DAYS) if within_days is None else within_days)


def collateral_terms(ref: Reference, within_days: float | None = None) -> pd.DataFrame:
    """Collateral terms per instrument (index id) from the YAML ``collateral`` section.

    Columns: role, asset_class, haircut, eligible, initial_margin, pledge, repo_haircut and
    mandate (defaults as above where the section says nothing). Computed once per window.
    """
    key = ("collateral_terms", within_days)
    if key not in ref.memo:
        ref.memo[key] = _collateral_terms(ref, within_days)
    return ref.memo[key].copy()


def _collateral_terms(ref: Reference, within_days: float | None) -> pd.DataFrame:
    section = ref.raw.get("collateral") or {}
    window = collateral_window(ref, within_days)
    schedules = dict(COLLATERAL_HAIRCUTS)
    for name, cut in (section.get("haircuts") or {}).items():
        bands = cut if isinstance(cut, list) else [cut] * 3
        schedules[name] = tuple(zip(BAND_LIMITS, map(float, bands), strict=True))
    days = {**COLLATERAL_DAYS, **(section.get("days") or {})}
    margins = section.get("initial_margin") or {}
    overrides = section.get("instruments") or {}
    mandate = section.get("mandate")
    rows = {}
    for item in ref.raw.get("instruments", []):
        name, kind = item["id"], item["kind"]
        role = ROLES[kind]
        override = overrides.get(name) or {}
        row = {
            "role": role,
            "asset_class": "",
            "haircut": np.nan,
            "eligible": False,
            "initial_margin": 0.0,
            "pledge": "",
            "repo_haircut": np.nan,
            "repo_term": np.nan,
        }
        if role == "physical":
            default = {"cash": "cash", "return_seeking": "equity"}.get(kind)
            default = default or ("corporate" if item.get("credit", False) else "government")
            asset_class = override.get("asset_class") or default
            cut = override.get("haircut")
            if cut is None:
                schedule = schedules.get(asset_class, ((np.inf, 1.0),))  # none: counts nothing
                maturity = float(item.get("maturity", 0.0))
                cut = next(c for limit, c in schedule if maturity <= limit)
            wait = override.get("days")
            wait = days.get(asset_class) if wait is None else wait
            eligible = asset_class != "illiquid" and wait is not None and wait <= window
            row.update(asset_class=asset_class, haircut=float(cut), eligible=bool(eligible))
        elif role == "overlay":
            margin = override.get("initial_margin")
            row["initial_margin"] = float(margins.get(kind, 0.0) if margin is None else margin)
        else:
            row["pledge"] = item["collateral"]
            row["repo_haircut"] = float(ref.terms.loc[name, "haircut"])
            row["repo_term"] = float(item["term"])
        if mandate is None:
            buffer = ("government", "cash", "money_market")
            row["mandate"] = role != "physical" or row["asset_class"] in buffer
        else:
            row["mandate"] = name in mandate
        rows[name] = row
    terms = pd.DataFrame.from_dict(rows, orient="index")
    size = section.get("initial_margin_shock_bp")
    if size:
        overlay = terms["role"] == "overlay"
        terms.loc[overlay, "initial_margin"] += shock_margin(ref, float(size))[overlay]
    return terms


def shock_margin(ref: Reference, size: float) -> pd.Series:
    """The largest value change per unit of a +-``size`` bp nominal or breakeven move."""
    today = unit_values(ref)
    moves = [shock(size), shock(-size), shock(0, size), shock(0, -size)]
    changes = pd.concat([(unit_values(ref, m) - today).abs() for m in moves], axis=1)
    return changes.max(axis=1)


def collateral_coefficients(
    ref: Reference, move: Shock, within_days: float | None = None, repaid=()
) -> tuple[pd.Series, pd.Series]:
    """(available, need) per unit of each position after ``move`` (money per unit).

    ``repaid``: repo ids repaid in cash at their end within the window, not rolled.
    """
    terms = collateral_terms(ref, within_days)
    in_cash = repaid_in_cash(ref, move, within_days, repaid)
    today, moved = unit_values(ref), unit_values(ref, move)
    s = stressed_scales(ref, move)[0]
    window = collateral_window(ref, within_days)
    available = pd.Series(0.0, index=terms.index)
    need = pd.Series(0.0, index=terms.index)
    for name, row in terms.iterrows():
        if row["role"] == "physical":
            cut = min(1.0, s * row["haircut"])
            available[name] = (1.0 - cut) * moved[name] if row["eligible"] else 0.0
        elif row["role"] == "overlay":
            need[name] = -(moved[name] - today[name])
        else:
            bond = terms.loc[row["pledge"]]
            r = moved[row["pledge"]] / today[row["pledge"]] - 1.0
            per_unit = 1.0 / (1.0 - row["repo_haircut"])
            need[name] = -r * per_unit
            if bond["eligible"]:
                cut = min(1.0, s * bond["haircut"])
                available[name] = -(1.0 - cut) * (1.0 + r) * per_unit
            if in_cash[name]:  # repaid: 1 in cash, and the bond comes back
                need[name], available[name] = 1.0, 0.0
            elif row["repo_term"] <= window * 7.0 / 5.0 / 365.0:  # rolled in the window
                rolled = s * row["repo_haircut"]
                need[name] = 1.0 / (1.0 - rolled) - (1.0 + r) * per_unit
    return available, need


def repaid_in_cash(ref: Reference, move: Shock, within_days=None, repaid=()) -> pd.Series:
    """True for each repo ending in the window and repaid in cash: no lender, or chosen.

    No lender: the stressed haircut s·h reaches 100%.
    """
    terms = collateral_terms(ref, within_days)
    ends = terms["repo_term"] <= collateral_window(ref, within_days) * 7.0 / 5.0 / 365.0
    no_lender = stressed_scales(ref, move)[0] * terms["repo_haircut"] >= 1.0
    chosen = terms.index.isin(list(repaid))
    return (terms["role"] == "financing") & ends & (no_lender | chosen)


def stressed_scales(ref: Reference, move: Shock) -> tuple[float, float]:
    """(haircut, margin) scales of ``move``: its own, at least the section's ``stressed``."""
    floor = (ref.raw.get("collateral") or {}).get("stressed") or {}
    haircut = max(move.haircut_scale, float(floor.get("haircut_scale", 1.0)))
    return haircut, max(move.margin_scale, float(floor.get("margin_scale", 1.0)))


def collateral_after(ref: Reference, positions, move: Shock, within_days=None) -> dict:
    """Collateral ``called``, ``available`` and ``headroom`` (money) after ``move``.

    Called: margin calls plus initial margin; available: eligible after haircuts, net of
    bonds pledged to repo; headroom = available - called, at most the cash left once the
    swaps' variation margin is paid in cash (``cash_left``).
    """
    x = positions_of(ref, positions)
    available, need = collateral_coefficients(ref, move, within_days)
    terms = collateral_terms(ref, within_days)
    margin = stressed_scales(ref, move)[1]
    called = float(need @ x + margin * terms["initial_margin"] @ x.abs())
    held = float(available @ x)
    in_cash = repaid_in_cash(ref, move, within_days)
    return {
        "called": called,
        "available": held,
        "headroom": min(held - called, cash_left(ref, terms, available, need, x, in_cash)),
    }


def variation_margin(ref: Reference, positions, move: Shock, within_days=None) -> float:
    """The swaps' variation margin (money) after ``move``: -(their value change)."""
    x = positions_of(ref, positions)
    need = collateral_coefficients(ref, move, within_days)[1]
    overlay = collateral_terms(ref, within_days)["role"] == "overlay"
    return float(need[overlay] @ x[overlay])


def cash_left(ref: Reference, terms, available, need, x, in_cash=None) -> float:
    """Cash left once the swaps' variation margin is paid in cash (inf: paid in anything).

    Cash and money-market funds, plus the same-day repo value of the government bonds (net
    of those pledged, plus those a repo counterparty returns), at most the repo capacity,
    less the swaps' calls and the cash that repays a repo (``in_cash``: those repaid).
    """
    section = ref.raw.get("collateral") or {}
    if section.get("variation_margin", "cash") != "cash":
        return np.inf
    financing = terms["role"] == "financing"
    pool = terms["asset_class"].where(
        ~financing, terms["pledge"].map(terms["asset_class"]).fillna("")
    )
    cash = available[pool.isin(["cash", "money_market"])] @ x[pool.isin(["cash", "money_market"])]
    gilts = pool == "government"
    returned = np.where(financing & gilts & (need < 0), -need, 0.0)
    repo = available[gilts] @ x[gilts] + returned @ x
    paid = (terms["role"] == "overlay") | (False if in_cash is None else in_cash)
    vm = need[paid] @ x[paid]
    capacity = section.get("repo_capacity")
    return float(cash + min(repo, np.inf if capacity is None else capacity) - vm)


POOL_ORDER = COLLATERAL_CLASSES


def waterfall(ref: Reference, positions, move: Shock, within_days=None) -> pd.DataFrame:
    """Pools (cash, government, corporate, equity) used in order to meet the calls.

    A repo's (negative) availability sits in its collateral's pool; pools hold only eligible
    assets (and the repo pledging them). Index pool; columns days, available, used, left; a
    ``shortfall`` row (used = what is left uncalled) when the pools fall short.
    """
    x = positions_of(ref, positions)
    terms = collateral_terms(ref, within_days)
    available = collateral_coefficients(ref, move, within_days)[0] * x
    section = ref.raw.get("collateral") or {}
    class_days = {**COLLATERAL_DAYS, **(section.get("days") or {})}
    overrides = section.get("instruments") or {}
    pools: dict[str, list[float]] = {}
    waits: dict[str, list[float]] = {}
    for name, row in terms.iterrows():
        source = terms.loc[row["pledge"]] if row["role"] == "financing" else row
        if row["role"] == "overlay" or not source["eligible"]:
            continue
        pool = source["asset_class"]
        pools.setdefault(pool, []).append(available[name])
        if row["role"] == "physical":
            wait = (overrides.get(name) or {}).get("days")
            waits.setdefault(pool, []).append(class_days[pool] if wait is None else wait)
    remaining = collateral_after(ref, x, move, within_days)["called"]
    rows = {}
    for pool in (p for p in POOL_ORDER if p in pools):
        amount = float(np.sum(pools[pool]))
        used = min(max(amount, 0.0), max(remaining, 0.0))
        remaining -= used
        rows[pool] = {"days": min(waits[pool]), "available": amount, "used": used}
    table = pd.DataFrame.from_dict(rows, orient="index", columns=["days", "available", "used"])
    table["left"] = table["available"] - table["used"]
    if remaining > 0:
        table.loc["shortfall"] = [np.nan, 0.0, remaining, -remaining]
    return table


# --- resilience: the absorbable rise and bp to zero NAV (ldi.liquidity.buffer) --------------

SEARCH_BP = 2000.0
ROOT_STEP_BP = 10.0  # the bracket search's grid (ldi's is 25bp)


def rise_shock(kind: str, bp: float, units: str = "yield") -> Shock:
    """A parallel rise of ``bp`` of kind nominal, real or breakeven (a fall of breakevens).

    nominal: nominal (and real) yields +bp; real: real yields +bp alone (breakevens -bp);
    breakeven: breakevens -bp with real yields held (nominal -bp too). Nominal moves are in
    ``units``: bond-yield bp by default (TPR quotes buffers so), or zero-rate bp.
    """
    if kind == "nominal":
        return shock(nominal_bp=bp, units=units)
    if kind == "real":
        return shock(breakeven_bp=-bp)
    return shock(nominal_bp=-bp, breakeven_bp=-bp, units=units)


def first_root(amount: Callable[[float], float]) -> tuple[float, float]:
    """(smallest s in [0, SEARCH_BP] with amount(s) = 0, today / fall per bp).

    0 when amount(0) <= 0; inf when it stays positive to SEARCH_BP. The root: brentq on the
    first grid interval where the amount stops being positive; the first-order estimate:
    amount(0) over its 1bp central-difference fall (inf when it does not fall).
    """
    today = amount(0.0)
    if today <= 0:
        return 0.0, 0.0
    fall = (amount(-1.0) - amount(1.0)) / 2.0
    first = today / fall if fall > 0 else np.inf
    lower = 0.0
    for upper in np.arange(ROOT_STEP_BP, SEARCH_BP + ROOT_STEP_BP / 2, ROOT_STEP_BP):
        if amount(upper) <= 0:
            return float(brentq(amount, lower, upper, xtol=1e-12, rtol=1e-15)), first
        lower = upper
    return np.inf, first


def absorbable_rise(ref: Reference, positions, kind: str = "nominal", within_days=None):
    """(exact, first order) rise in bp before collateral headroom reaches 0."""
    x = positions_of(ref, positions)
    return first_root(
        lambda bp: collateral_after(ref, x, rise_shock(kind, bp), within_days)["headroom"]
    )


def bp_to_zero_nav(ref: Reference, positions, kind: str = "nominal"):
    """(exact, first order) rise in bp that takes the LDI mandate's NAV to 0."""
    x = positions_of(ref, positions)
    x = x.where(collateral_terms(ref)["mandate"].astype(bool), 0.0)
    return first_root(lambda bp: float(unit_values(ref, rise_shock(kind, bp)) @ x))
