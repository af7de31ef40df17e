"""What every term builds from: scaled exposure arrays, and one formula for cvxpy and numpy.

Money is scaled internally so that a 1.5bn problem is as well-conditioned as a 1-unit one:
positions are z = x / S with S the liabilities' PV (within a factor 100 of the capital), and
rate, inflation and convexity exposures are divided by the liabilities' own (no less than
1e-4 S), so every row is O(1). The scales are fixed when a problem is compiled;
``Scaled.now`` gives the ones a fresh build on the current state would use, so terms whose
meaning depends on them (the squared objective terms, soft penalties) can carry the ratio as
a parameter and re-solve like a fresh build.
A term writes its formula once against ``Ops``: ``CvxOps`` turns it into cvxpy expressions,
``NumpyOps`` evaluates it on a solution for reports (the numbers a test compares).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from ldi.instruments import Role
from ldi.lazy import lazy_module
from ldi.optimize.data import ModelData
from ldi.typing import FloatArray

cp = lazy_module("cvxpy")  # imported at the first solve

MONEY_REACH = 100.0  # S stays within this factor of the capital
EXPOSURE_FLOOR = 1e-4  # P and I are at least this fraction of S (a duration of a year)


@dataclass(frozen=True)
class Scales:
    """Divisors fixed when a problem is compiled: money S, PV01 P, IE01 I, curvature C."""

    money: float
    pv01: float
    ie01: float
    curvature: float

    @classmethod
    def of(cls, data: ModelData) -> Scales:
        """Scales from the liabilities, kept within reach of the capital.

        S: the liabilities' PV (|capital| when it is 0, else 1), moved into
        [|capital| / MONEY_REACH, |capital| x MONEY_REACH], so that the positions and the
        liabilities are both within a factor 100 of 1 in scaled units. P and I: the
        liabilities' PV01 and IE01 (S x 1e-3 and P when 0), at least EXPOSURE_FLOOR x S, so
        a risk the liabilities barely carry does not give its rows coefficients of 1e4 and
        more. A usual scheme (funding ratio between 1% and 10,000%, durations above a year)
        keeps its liabilities' own numbers.
        """
        liabilities = data.liabilities
        capital = abs(float(data.assets["pv"].to_numpy() @ data.holdings.to_numpy()))
        money = _positive(liabilities["pv"], capital, 1.0)
        if np.isfinite(capital) and capital > 0:
            money = float(np.clip(money, capital / MONEY_REACH, capital * MONEY_REACH))
        floor = EXPOSURE_FLOOR * money
        pv01 = max(_positive(liabilities["pv01"], money * 1e-3), floor)
        return cls(
            money=money,
            pv01=pv01,
            ie01=max(_positive(liabilities["ie01"], pv01), floor),
            curvature=_positive(liabilities["curvature"], money * 100.0),
        )


def _positive(*candidates: float) -> float:
    return next(float(abs(c)) for c in candidates if np.isfinite(c) and abs(c) > 0)


@dataclass(frozen=True, eq=False)
class Scaled:
    """Exposure arrays of one state of the data, in the scaled units of a compiled problem.

    Every number here (per-unit exposures, liabilities, holdings, capital) may change
    between solves of one compiled problem, so terms read them only in ``Term.values``,
    whose numbers become parameters; formulas read structure only (roles, groups, keys).
    Arrays are computed once per state (read-only), as a re-solve on a new state reads
    the same columns for many terms.
    """

    data: ModelData
    scales: Scales
    _arrays: dict[tuple[object, ...], FloatArray] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def moved(self, data: ModelData) -> Scaled:
        """``data`` on the same scales; the per-unit arrays carry over if its assets are these.

        New holdings or liabilities leave the assets table as it is (``ModelData.with_holdings``),
        so its columns, key matrices and masks need not be read again.
        """
        scaled = Scaled(data, self.scales)
        if data.assets is self.data.assets:
            scaled._arrays.update(self._arrays)
        return scaled

    @property
    def ids(self) -> pd.Index:
        """Instrument ids, the order of the position vector."""
        return self.data.ids

    @property
    def n(self) -> int:
        """Number of instruments."""
        return len(self.data.ids)

    def column(self, name: str) -> FloatArray:
        """Per-unit asset exposure ``name`` scaled like its liability counterpart."""
        return self._array(
            ("column", name), lambda: self.data.assets[name].to_numpy(float) * self._factor(name)
        )

    def key_matrix(self, risk: str) -> FloatArray:
        """(keys, n) key-rate PV01s or IE01s per scaled unit."""
        return self._array(("keys", risk), lambda: self.data.key_matrix(risk) * self._factor(risk))

    def liability(self, name: str, basis: str | None = None) -> float:
        """The liabilities' exposure ``name`` on ``basis`` (None: funding), scaled (state)."""
        value = float(self._liabilities(basis)[name])
        return value * self._factor(name) / self.scales.money

    def liability_keys(self, risk: str, basis: str | None = None) -> FloatArray:
        """The liabilities' key-rate PV01s or IE01s on ``basis`` (None: funding), scaled."""
        row = self._liabilities(basis)[self.data.key_columns(risk)]
        return row.to_numpy(dtype=float) * self._factor(risk) / self.scales.money

    def index_exposure(self, index: str) -> tuple[FloatArray, FloatArray]:
        """(IE01, key-rate IE01s (keys, n)) per scaled unit that a move of ``index`` reaches."""
        reach = self.data.index_reach[index].to_numpy(dtype=float)
        return self.column("ie01") * reach, self.key_matrix("ie01") * reach

    def liability_index(self, index: str) -> tuple[float, FloatArray]:
        """The liabilities' IE01 and key-rate IE01s that a move of ``index`` reaches, scaled."""
        row = self.data.liability_indices.loc[index]
        factor = self._factor("ie01") / self.scales.money
        keys = row[self.data.key_columns("ie01")].to_numpy(dtype=float)
        return float(row["ie01"]) * factor, keys * factor

    def _liabilities(self, basis: str | None) -> pd.Series:
        """The liabilities' exposures on the funding basis, or on hedging basis ``basis``."""
        return self.data.liabilities if basis is None else self.data.liability_bases.loc[basis]

    @cached_property
    def holdings(self) -> FloatArray:
        """Current positions / S (state)."""
        return self.data.holdings.to_numpy(dtype=float) / self.scales.money

    @cached_property
    def capital(self) -> float:
        """Value of the current holdings / S (state): the fund's net assets."""
        return float(self.column("pv") @ self.holdings)

    @cached_property
    def now(self) -> Scales:
        """The scales of the current state (state): those a fresh build would fix."""
        return Scales.of(self.data)

    @property
    def money_ratio(self) -> float:
        """S now / S compiled: a fresh build's objective is the compiled one over this."""
        return self.now.money / self.scales.money

    def amounts(self) -> FloatArray:
        """Money per unit that position limits count (scaled money per scaled unit).

        The value of a physical asset, the cash owed on financing (−pv) and the notional
        (1) of an overlay: 1 per unit of each when the data is built, as a unit is then 1 of
        value, of cash borrowed or of notional; a state where instruments have aged moves
        the first two.
        """

        def amounts() -> FloatArray:
            pv = self.column("pv")
            financing = self.mask(Role.FINANCING) > 0
            return np.where(self.mask(Role.OVERLAY) > 0, 1.0, np.where(financing, -pv, pv))

        return self._array(("amounts",), amounts)

    def mask(self, *roles: Role) -> FloatArray:
        """1.0 for instruments with one of ``roles``."""
        return self._array(("mask", *roles), lambda: self.data.role_mask(*roles))

    def group_mask(self, name: str) -> FloatArray:
        """1.0 for the members of group ``name`` (``ModelData.group_mask``)."""
        return self._array(("group", name), lambda: self.data.group_mask(name))

    def _array(self, key: tuple[object, ...], compute: Callable[[], FloatArray]) -> FloatArray:
        """``compute()`` once for this state, read-only (callers build new arrays from it)."""
        if key not in self._arrays:
            array = np.asarray(compute(), dtype=float)
            array.setflags(write=False)
            self._arrays[key] = array
        return self._arrays[key]

    def _factor(self, name: str) -> float:
        """Multiplier from money per unit to scaled units per scaled position."""
        s = self.scales
        if name.startswith(("pv01", "cs01")):
            return s.money / s.pv01
        if name.startswith("ie01"):
            return s.money / s.ie01
        if name == "curvature":
            return s.money / s.curvature
        return 1.0


class _CvxFunction:
    """The cvxpy function of the attribute's name, looked up at use: cvxpy loads then."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: object, owner: type) -> Callable[..., Any]:
        return getattr(cp, self.name)


class CvxOps:
    """Ops that build cvxpy expressions; auxiliary variables are created and remembered.

    ``constraints`` collects the rows that define auxiliary variables (see ``excess``);
    the model adds them to the problem.
    """

    numeric = False

    def __init__(self) -> None:
        self.variables: dict[str, cp.Variable] = {}
        self.constraints: list[cp.Constraint] = []

    def variable(self, key: str, size: int, *, nonneg: bool = False) -> cp.Variable:
        """A new auxiliary variable named ``key``."""
        variable = cp.Variable(size, nonneg=nonneg, name=key)
        self.variables[key] = variable
        return variable

    def excess(self, key: str, values: Any) -> cp.Variable:
        """max(values, 0) as a variable u >= values with bounds u >= 0, named ``key``.

        The same as ``pos`` at the optimum of a problem that minimizes u, but its bounds go
        to solvers that take them (HiGHS) as bounds rather than as rows: a tail of 10,000
        scenarios is 10,000 rows fewer.
        """
        variable = cp.Variable(values.shape, bounds=[0.0, None], name=key)
        self.variables[key] = variable
        self.constraints.append(variable >= values)
        return variable

    def copy(self, key: str, values: Any) -> cp.Variable:
        """``values`` as a variable of its own named ``key``, with a row holding it equal.

        Under DPP a parameter may multiply a convex function of a variable (a cost per unit
        times |t|) but not of an expression that holds parameters (|z − z0|, z0 the
        holdings): the copy t = z − z0 is parameter-free.
        """
        variable = cp.Variable(values.shape, name=key)
        self.variables[key] = variable
        self.constraints.append(variable == values)
        return variable

    @staticmethod
    def value(parameter: Any) -> Any:
        """The number behind a parameter (fixed when the problem is compiled)."""
        return parameter.value if isinstance(parameter, cp.Parameter) else parameter

    @staticmethod
    def report(compute: Callable[[], float]) -> float | None:
        """Report-only quantities are not built into the problem."""
        return None

    sum = _CvxFunction()
    sum_squares = _CvxFunction()
    abs = _CvxFunction()
    pos = _CvxFunction()
    norm2 = _CvxFunction()
    power = _CvxFunction()
    hstack = _CvxFunction()
    multiply = _CvxFunction()


class NumpyOps:
    """Ops that evaluate the same formulas on numbers; auxiliary variables are looked up."""

    numeric = True

    def __init__(self, variables: Mapping[str, FloatArray] | None = None) -> None:
        self.variables = dict(variables or {})

    def variable(self, key: str, size: int, *, nonneg: bool = False) -> FloatArray:
        """The solved value of auxiliary variable ``key``."""
        return self.variables[key]

    @staticmethod
    def copy(key: str, values: FloatArray) -> FloatArray:
        """The values themselves: ``CvxOps.copy`` holds its variable equal to them."""
        return values

    @staticmethod
    def value(parameter: Any) -> Any:
        """Numbers are their own values."""
        return parameter

    @staticmethod
    def report(compute: Callable[[], float]) -> float | None:
        """Compute a report-only quantity."""
        return compute()

    @staticmethod
    def sum(values: FloatArray) -> float:
        """Sum of the entries."""
        return float(np.sum(values))

    @staticmethod
    def sum_squares(values: FloatArray) -> float:
        """Sum of squared entries."""
        return float(np.sum(np.square(values)))

    @staticmethod
    def pos(values: FloatArray) -> FloatArray:
        """max(values, 0)."""
        return np.maximum(values, 0.0)

    @staticmethod
    def excess(key: str, values: FloatArray) -> FloatArray:
        """max(values, 0): the value of ``CvxOps.excess`` at an optimum."""
        return np.maximum(values, 0.0)

    @staticmethod
    def norm2(values: FloatArray) -> float:
        """Euclidean norm."""
        return float(np.linalg.norm(values))

    abs = staticmethod(np.abs)
    power = staticmethod(np.power)
    hstack = staticmethod(np.hstack)
    multiply = staticmethod(np.multiply)


class TrialOps(NumpyOps):
    """``NumpyOps`` before any solve: every auxiliary variable is 0.

    Evaluating the terms' formulas with these builds them as compiling would, so every
    check they make on the data runs, without cvxpy.
    """

    def variable(self, key: str, size: int, *, nonneg: bool = False) -> FloatArray:
        """Zeros in place of auxiliary variable ``key``."""
        return self.variables.setdefault(key, np.zeros(size))


Ops = CvxOps | NumpyOps
