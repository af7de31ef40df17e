"""docs/python-api.md runs as written, in order, and shows what the code prints.

The page's ```py blocks are the cells of one notebook, run in one namespace from the root.
References: the funding ratio before the solve is the holdings' value over the benefits'
PV computed by ``ldi.pv`` on the same curves (1e-12 relative); a solve after the re-solves
gives the first solve's answer (1e-9 relative, the same compiled problem); a tighter
inflation hedge floor never lowers the objective; the ```text blocks are the printed error
and ``ldi validate``'s output.
"""

import contextlib
import io
import re

import numpy as np
import pytest

import ldi
from ldi.cli import main
from tests.documented import assert_shows, shown
from tests.reference import ROOT

DOC = "docs/python-api.md"
SESSION = re.compile(r"```py\n(.*?)```", re.DOTALL)
RTOL = 1e-9


@pytest.fixture(scope="module")
def session():
    """The page's namespace after its blocks ran, and what they printed."""
    namespace: dict = {}
    printed = io.StringIO()
    with contextlib.chdir(ROOT), contextlib.redirect_stdout(printed):
        for code in SESSION.findall((ROOT / DOC).read_text()):
            exec(compile(code, DOC, "exec"), namespace)
    return namespace, printed.getvalue()


def test_the_funding_ratio_is_the_holdings_over_the_benefits_pv(session):
    ns, _ = session
    flows = ns["benefits"]
    owed = ldi.pv(
        ldi.Cashflows(flows["time"], flows["fixed"], flows["inflation_linked"]),
        ns["gilts"],
        ns["rpi"],
    )
    value = float(ns["holdings"].sum())
    assert ns["result"].before["funding_ratio"] == pytest.approx(value / owed, rel=1e-12)


def test_a_solve_after_the_resolves_gives_the_first_answer(session):
    ns, _ = session
    result, again, tighter = ns["result"], ns["again"], ns["tighter"]
    assert all(r.ok for r in (result, again, tighter))
    assert again.objective_value == pytest.approx(result.objective_value, rel=RTOL)
    scale = float(result.positions.abs().sum())
    np.testing.assert_allclose(again.positions, result.positions, rtol=RTOL, atol=RTOL * scale)
    assert tighter.hedge_ratios["inflation"] == pytest.approx(0.85, rel=1e-6)  # solver tol
    assert tighter.objective_value >= result.objective_value


def test_the_table_of_instruments_builds_the_same_instruments(session):
    ns, _ = session
    built = ns["same_universe"].instruments
    given = {i.id: i for i in ns["universe"]}
    assert list(built) == ["UKT_2063", "SWAP_30Y", "CASH"]
    assert all(built[i] == given[i] for i in built)


def test_the_refused_table_prints_as_shown(session):
    _, printed = session
    assert_shows(shown("docs/python-api.md", "amount_gbp"), printed)


def test_the_notebook_view_shows_status_ratios_and_trades(session):
    ns, _ = session
    result = ns["result"]
    page = result._repr_html_()
    for text in ("Small scheme: optimal", "Funding ratio", "Rates hedge", "Inflation hedge"):
        assert text in page
    for i in result.trades.index[result.trades.abs() > 0]:
        assert i in page


def test_check_warns_as_listed(session):
    ns, _ = session
    assert [str(w.message) for w in ns["caught"]] == ns["scheme"].extrapolated()
    assert all(w.category is ldi.ExtrapolationWarning for w in ns["caught"])
    assert len(ns["caught"]) == 2


def test_ldi_validate_prints_as_shown(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(["validate", "problems/uk_db_scheme.yaml"]) == 0
    captured = capsys.readouterr()
    assert_shows(
        shown("docs/python-api.md", "valid (Representative UK DB scheme)"),
        captured.out + captured.err,
    )
