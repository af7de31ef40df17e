"""What every nominal discount curve offers, built on one primitive: the zero rate z(t)."""

from abc import ABC, abstractmethod
from typing import Protocol, runtime_checkable

import numpy as np

from ldi.curves.spread import Bumpable, RateSpread
from ldi.errors import DataError
from ldi.typing import ArrayLike, FloatArray
from ldi.units import Compounding
from ldi.validation import enum_choice

E_FORWARD_ORDER = "forward: need 0 <= t1 < t2, got t1={t1!r}, t2={t2!r}"


class RateCurve(Bumpable, ABC):
    """A discount curve: zero rates in ``compounding`` plus an additive ``spread``.

    Subclasses are frozen dataclasses with ``compounding`` and ``spread`` fields and implement
    :meth:`_model_rate`. Everything else (discount factors, conversions, forwards, bumps)
    follows from the zero rate, so bumps and reprices stay consistent across curve types.
    """

    compounding: Compounding
    spread: RateSpread

    @abstractmethod
    def _model_rate(self, t: FloatArray) -> FloatArray:
        """Zero rate at ``t`` in the curve's compounding, before the spread."""

    def zero_rate(self, t: ArrayLike, compounding: Compounding | str | None = None) -> FloatArray:
        """Zero rate at year fraction(s) ``t``, in the curve's compounding unless one is given."""
        t = np.asarray(t, dtype=float)
        z = self._model_rate(t) + self.spread(t)
        if compounding is None:
            return z
        quote = enum_choice(Compounding, compounding, "zero_rate.compounding")
        if quote is self.compounding:
            return z
        return quote.from_continuous(self.compounding.to_continuous(z, t), t)

    def discount(self, t: ArrayLike) -> FloatArray:
        """Discount factor DF(t); DF(0) = 1."""
        t = np.asarray(t, dtype=float)
        return self.compounding.discount(self.zero_rate(t), t)

    def forward(
        self, t1: ArrayLike, t2: ArrayLike, compounding: Compounding | str | None = None
    ) -> FloatArray:
        """Forward rate over [t1, t2]: DF(t1) / DF(t2) = growth at that rate over t2 - t1."""
        t1, t2 = np.asarray(t1, dtype=float), np.asarray(t2, dtype=float)
        quote = enum_choice(Compounding, compounding or self.compounding, "forward.compounding")
        if np.any(t1 < 0) or np.any(t2 <= t1):
            raise DataError(E_FORWARD_ORDER.format(t1=t1.tolist(), t2=t2.tolist()))
        tau = t2 - t1
        continuous = np.log(self.discount(t1) / self.discount(t2)) / tau
        return quote.from_continuous(continuous, tau)


@runtime_checkable
class Refitted(Protocol):
    """A curve fitted to market inputs whose risk is measured by moving those inputs.

    ``input_bumps(keys, bp)`` gives the curves refitted after moving the inputs by −bp and
    +bp in parallel, then by −bp and +bp times each key-rate weight w_j (in that order).
    """

    def input_bumps(self, keys: ArrayLike, bp: float = 1.0) -> list[RateCurve]:
        """Refitted curves: parallel −/+, then key j −/+ for each key."""
