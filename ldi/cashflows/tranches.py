"""Benefits in tranches: one stream of payments whose parts are indexed differently.

A pension scheme's benefits accrued in different periods are uprated by different rules:
pre-1997 pensions fixed, 1997–2005 ones by LPI(0, 5) on RPI, later ones by CPI capped at
2.5%. ``Tranches`` keeps each part as its own ``Cashflows`` (with its own ``Indexation``)
and reads as one stream: times, fixed and real amounts concatenated part after part.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from ldi.cashflows.cashflows import Cashflows
from ldi.errors import DataError
from ldi.typing import FloatArray

E_NO_TRANCHES = "Tranches: got no tranches; expected at least one named stream"


@dataclass(frozen=True, eq=False)
class Tranches:
    """Named ``parts`` of one stream, each a ``Cashflows`` with its own indexation.

    A part may itself be in tranches (a tranche's deferred members by the end of their
    deferment, each with its own revaluation); ``streams`` flattens them.

    Examples
    --------
    >>> from ldi.cashflows.indexation import Indexation
    >>> parts = {
    ...     "fixed": Cashflows([1.0, 2.0], [5.0, 5.0]),
    ...     "lpi": Cashflows([2.0], [0.0], [10.0], Indexation(floor=0.0, cap=0.05)),
    ... }
    >>> Tranches(parts).times.tolist(), float(Tranches(parts).inflation_linked.sum())
    ([1.0, 2.0, 2.0], 10.0)
    """

    parts: Mapping[str, "Cashflows | Tranches"]

    def __post_init__(self) -> None:
        if not self.parts:
            raise DataError(E_NO_TRANCHES)
        object.__setattr__(self, "parts", MappingProxyType(dict(self.parts)))

    def __len__(self) -> int:
        return int(self.times.size)

    @property
    def streams(self) -> tuple[Cashflows, ...]:
        """Every ``Cashflows`` of the parts, in order, parts in tranches flattened."""
        return tuple(stream for part in self.parts.values() for stream in streams_of(part))

    @property
    def times(self) -> FloatArray:
        """Every part's payment times, part after part."""
        return np.concatenate([part.times for part in self.streams])

    @property
    def amounts(self) -> FloatArray:
        """Every part's fixed amounts, in the order of ``times``."""
        return np.concatenate([part.amounts for part in self.streams])

    @property
    def inflation_linked(self) -> FloatArray:
        """Every part's real amounts, in the order of ``times``."""
        return np.concatenate([part.inflation_linked for part in self.streams])

    @property
    def has_inflation_linked(self) -> bool:
        """True when any part has a non-zero real amount."""
        return any(part.has_inflation_linked for part in self.streams)

    def map(self, change: Callable[[Cashflows], Cashflows]) -> "Tranches":
        """The same tranches with ``change`` applied to each ``Cashflows``."""
        return Tranches(
            {
                name: part.map(change) if isinstance(part, Tranches) else change(part)
                for name, part in self.parts.items()
            }
        )


Stream = Cashflows | Tranches
"""One stream of payments: a single ``Cashflows``, or several indexed differently."""


def streams_of(flows: Stream) -> tuple[Cashflows, ...]:
    """The parts of a stream: its tranches, or the stream itself."""
    return flows.streams if isinstance(flows, Tranches) else (flows,)
