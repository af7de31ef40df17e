"""Funding terms: what backs the fund's borrowing, and how much it may borrow.

Repo must be backed by bonds the fund holds; overlay notional plus repo borrowing is
limited per unit of the fund's own capital.
"""

from typing import Annotated, Any, ClassVar

import numpy as np

from ldi.instruments import Role
from ldi.optimize.context import Ops, Scaled
from ldi.optimize.terms.base import ConstraintTerm, Row, Sense, Values, term
from ldi.optimize.terms.measures import capital_of
from ldi.optimize.terms.options import Range
from ldi.plausible import LEVERAGE


@term
class RepoCollateral(ConstraintTerm):
    r"""Repo is backed by bonds the fund holds: x_c ≥ Σ_k x_k / (1 − h_k) for each bond c.

    Repo k borrows x_k against bond c at haircut h_k, so the lender holds bonds worth
    x_k / (1 − h_k); a fund cannot pledge bonds it does not hold (nor then meet margin calls
    with them). One row per bond pledged, in money (none without repo). Linear. Added by
    default, like ``long_only``. YAML: ``repo_collateral``.
    """

    kind: ClassVar[str] = "repo_collateral"
    liquidity: ClassVar[bool] = True

    def values(self, data: Scaled) -> Values:
        """The pledge matrix P (bonds x n; none without repo): haircuts are data."""
        bonds, matrix = pledges(data)
        return {"pledges": matrix} if bonds else {}

    def rows(self, ops: Ops, data: Scaled, z: Any, p: Values) -> list[Row]:
        """One vector row over the bonds pledged (none without repo)."""
        bonds = pledges(data)[0]
        if not bonds:
            return []
        money = data.scales.money
        return [Row(self.name, p["pledges"] @ z, Sense.GE, 0.0, 1.0, money, None, bonds)]


def pledges(data: Scaled) -> tuple[tuple[str, ...], np.ndarray]:
    """Bonds pledged to repo, and P with (P x)_c = x_c − Σ_k x_k / (1 − h_k).

    Read from the repo's market terms (``collateral`` and ``haircut``); repo without them
    (exposure tables given as arrays) pledges nothing here.
    """
    terms = data.data.terms
    if "collateral" not in terms or "haircut" not in terms:
        return (), np.zeros((0, data.n))
    repos = np.flatnonzero(data.mask(Role.FINANCING))
    repos = [k for k in repos if isinstance(terms["collateral"].iloc[k], str)]
    bonds = tuple(dict.fromkeys(terms["collateral"].iloc[k] for k in repos))
    matrix = np.zeros((len(bonds), data.n))
    for row, bond in enumerate(bonds):
        matrix[row, data.ids.get_loc(bond)] = 1.0
    for k in repos:
        row = bonds.index(terms["collateral"].iloc[k])
        matrix[row, k] -= 1.0 / (1.0 - float(terms["haircut"].iloc[k]))
    return bonds, matrix


@term
class Leverage(ConstraintTerm):
    r"""Gross overlay notional plus repo borrowing, per unit of net assets, ≤ ``max``.

    leverage = (Σ_overlays |x_i| + Σ_repo a_i x_i) / (Σ_physical a_i x_i − Σ_repo a_i x_i),
    with a_i the value of a physical unit and the cash owed per unit of repo (1 per unit
    when the data is built; ``Scaled.amounts``); a fund with neither has leverage 0. The
    denominator is the physical assets net of the repo that funds them (the fund's own
    capital): measured against gross physical assets, borrowing would raise its own limit.
    Linear as Σ|x_o| + c·x ≤ 0, c = (1 + max) a on repo and −max a on physical assets.
    YAML: ``leverage``.
    """

    kind: ClassVar[str] = "leverage"
    tunable: ClassVar[frozenset[str]] = frozenset({"max"})
    max: Annotated[float, Range(low=0.0, plausible=LEVERAGE)] = 1.0

    def values(self, data: Scaled) -> Values:
        """Coefficients c of the row (the limit times the amounts) and the capital."""
        borrowed, physical = _leverage_parts(data)
        return {
            "coefficients": (1.0 + self.max) * borrowed - self.max * physical,
            "capital": capital_of(data),
        }

    def rows(self, ops: Ops, data: Scaled, z: Any, p: Values) -> list[Row]:
        """One row in leverage units (relative to the capital)."""
        overlays = data.mask(Role.OVERLAY) @ ops.abs(z)
        row = overlays + p["coefficients"] @ z

        def net() -> float:
            borrowed, physical = _leverage_parts(data)
            return physical @ z - borrowed @ z

        def measure() -> float:
            gross = overlays + _leverage_parts(data)[0] @ z
            return gross / net() if net() else float("nan")

        sensitivity = ops.report(lambda: -net())
        unit = p["capital"]
        return [
            Row(
                self.name,
                row,
                Sense.LE,
                0.0,
                unit,
                1.0,
                ops.report(measure),
                None,
                self.max,
                sensitivity,
            )
        ]


def _leverage_parts(data: Scaled) -> tuple[np.ndarray, np.ndarray]:
    """Amounts per unit of repo (cash owed) and of physical assets (value), 0 elsewhere."""
    amounts = data.amounts()
    return amounts * data.mask(Role.FINANCING), amounts * data.mask(Role.PHYSICAL)
