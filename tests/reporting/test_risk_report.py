"""The risk report: every number it prints and writes, against the independent reference.

Each printed table is parsed back and every cell compared with the reference value
formatted as the report documents (money to whole units with thousands separators, fewer
than 1,000 at most: 2 or 4 decimals; durations 2 decimals, convexity 1, prices 3, spreads
1, ratios as percentages to 0.1). A printed string must equal the formatted reference,
except where the reference lies within its tolerance of a rounding boundary: then either
neighbour is accepted. Tolerances are those of tests/reference.py.
"""

import json
import re
from functools import partial

import numpy as np
import pandas as pd
import pytest

from ldi.io.load import load_problem
from ldi.reporting.risk_report import RiskReport, risk_report
from tests.reference import (
    DEFAULT_PROBLEM,
    MONEY_RTOL,
    PRICE_ATOL,
    PROBLEMS,
    SPREAD_ATOL_BP,
    UNIT_SCALE,
    H,
    Reference,
    book_scale,
    index_ie01,
    raw_problem,
    reference,
    reference_from_raw,
)

PROBLEM_FILES = sorted(PROBLEMS.glob("*.yaml"))
RATE_ATOL = 1e-13  # par, repo and return rates (decimals): ratios of DFs, or inputs
NEGATIVE_ZERO = re.compile(r"(?<![\w.,])-0(?:\.0+)?(?![\d.,])")


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=PROBLEM_FILES, ids=lambda p: p.name)
def case(request) -> tuple[RiskReport, Reference]:
    try:
        ref = reference(request.param)
    except NotImplementedError as error:
        pytest.skip(f"{request.param.name}: {error}")
    return risk_report(load_problem(request.param)), ref


@pytest.fixture(scope="module")
def default() -> tuple[RiskReport, Reference]:
    return risk_report(load_problem(DEFAULT_PROBLEM)), reference(DEFAULT_PROBLEM)


# --- formatting as documented, and tolerant comparison -------------------------------------------


def number(value: float, decimals: int) -> str:
    if value is None or np.isnan(value):
        return "-"
    text = f"{value:,.{decimals}f}"
    return text[1:] if re.fullmatch(r"-[0.,]+", text) else text  # no "-0"


def percent(value: float) -> str:
    if np.isnan(value):
        return "-"
    text = f"{value:.1%}"
    return text[1:] if re.fullmatch(r"-[0.]+%", text) else text


def money_decimals(values) -> int:
    """Whole units; a column whose largest amount is below 1,000 gets 2 (or 4 below 1)."""
    largest = float(np.nanmax(np.abs(np.asarray(values, dtype=float)), initial=0.0))
    if largest >= 1000 or largest == 0:
        return 0
    return 2 if largest >= 1 else 4


def assert_printed(printed: str, value: float, tolerance: float, fmt, where: str) -> None:
    """``printed`` is fmt(value), or fmt(value +/- tolerance) when value is near a boundary."""
    value = float(value)
    tolerance = float(np.nan_to_num(tolerance, nan=0.0, posinf=0.0))
    allowed = {fmt(value), fmt(value - tolerance), fmt(value + tolerance)}
    assert printed in allowed, f"{where}: printed {printed!r}, reference {value!r} -> {allowed}"


# --- tolerances (tests/reference.py: MONEY_RTOL of the book, propagated) -----------------------


def funding_tolerance(ref: Reference, key: str) -> float:
    scale = book_scale(ref)
    if key in ("assets", "liabilities", "surplus"):
        return MONEY_RTOL * scale
    risk = {"funding_ratio": "pv", "rates_hedge_ratio": "pv01", "inflation_hedge_ratio": "ie01"}
    denominator = abs(ref.liabilities.loc["total", risk[key]])
    value = abs(np.nan_to_num(ref.funding()[key]))
    return MONEY_RTOL * scale * (1 + value) / denominator if denominator else 0.0


def liability_tolerance(ref: Reference, column: str) -> np.ndarray:
    """Per component: money to MONEY_RTOL x book; duration / convexity divided by PV 1bp^k."""
    scale = book_scale(ref)
    power = {"duration": 1, "convexity": 2}.get(column, 0)
    if not power:
        return np.full(len(ref.liabilities), MONEY_RTOL * scale)
    with np.errstate(divide="ignore"):
        return MONEY_RTOL * scale / ref.liabilities["pv"].abs().to_numpy() / H**power


def instrument_tolerance(ref: Reference, column: str) -> np.ndarray:
    """Per instrument: per-unit money to MONEY_RTOL x UNIT_SCALE; quotes as documented there."""
    n = len(ref.instruments)
    quotes = {"clean_price": PRICE_ATOL, "dirty_price": PRICE_ATOL, "spread_bp": SPREAD_ATOL_BP}
    if column in quotes:
        return np.full(n, quotes[column])
    if column == "rate_pct":
        return np.full(n, 100 * RATE_ATOL)
    if column not in ref.instruments:
        return np.full(n, RATE_ATOL)  # rates and haircuts in the terms
    power = {"duration": 1, "convexity": 2}.get(column, 0)
    if not power:
        return np.full(n, MONEY_RTOL * UNIT_SCALE)
    # Duration and convexity are per unit of value (per unit of notional for overlays).
    overlay = (ref.terms["role"] == "overlay").to_numpy()
    basis = np.where(overlay, 1.0, ref.instruments["pv"].abs().to_numpy())
    return MONEY_RTOL * UNIT_SCALE / basis / H**power


def ladder_tolerance(ref: Reference, column: str) -> np.ndarray:
    """Per key: money to 2 MONEY_RTOL x book (a gap adds two); hedge % propagated."""
    scale = book_scale(ref)
    ladder = expected_ladder(ref)
    if not column.endswith("_pct"):
        return np.full(len(ladder), 2 * MONEY_RTOL * scale)
    risk = "pv01" if column.startswith("rates") else "ie01"
    value = np.abs(np.nan_to_num(ladder[column].to_numpy())) / 100
    with np.errstate(divide="ignore"):
        return 100 * MONEY_RTOL * scale * (1 + value) / ladder[f"liability_{risk}"].abs().to_numpy()


# --- parsing the text back -----------------------------------------------------------------------


def funding_block(text: str) -> dict[str, tuple[str, str]]:
    """{label: (value, note)} of the block under the title lines (16-character columns)."""
    lines = text.splitlines()
    start = 3
    end = lines.index("", start)
    return {ln[:16].strip(): (ln[16:32].strip(), ln[32:].strip()) for ln in lines[start:end]}


def table(text: str, title: str) -> tuple[str, dict[str, list[str]]]:
    """(header, {row label: cells}) of the table printed under the line ``title``."""
    lines = text.splitlines()
    start = lines.index(title)
    header = " ".join(lines[start + 1].split())
    end = lines.index("", start) if "" in lines[start:] else len(lines)
    rows = {}
    for line in lines[start + 3 : end]:
        label, *cells = line.split()
        rows[label] = cells
    return header, rows


def has_inflation(ref: Reference) -> bool:
    return bool(ref.liabilities.loc["total", "ie01"] or ref.holdings["ie01"].any())


def check_table(rows, expected: pd.DataFrame, columns: dict, where: str) -> None:
    """Every cell of ``rows`` against ``expected`` (columns: name -> (format, tolerance))."""
    assert list(rows) == [str(i) for i in expected.index], where
    for i, (label, cells) in enumerate(rows.items()):
        assert len(cells) == len(columns), f"{where}.{label}: {cells}"
        for cell, (column, (fmt, tolerance)) in zip(cells, columns.items(), strict=True):
            value = expected[column].iloc[i]
            if isinstance(value, str) or fmt is None:
                assert cell == ("-" if pd.isna(value) else str(value)), f"{where}.{label}.{column}"
                continue
            atol = tolerance[i] if np.ndim(tolerance) else tolerance
            assert_printed(cell, value, atol, fmt, f"{where}.{label}.{column}")


def money_format(values):
    decimals = money_decimals(values)
    return lambda v: number(v, decimals)


def fixed(decimals):
    return lambda v: number(v, decimals)


# --- the text ------------------------------------------------------------------------------------


def test_title_and_liability_basis(case):
    report, ref = case
    lines = report.as_text().splitlines()
    date = f", valued {ref.valuation_date}" if ref.valuation_date else ""
    assert lines[0] == f"{ref.name}: risk report ({ref.currency}{date})"
    assert lines[1] == f"Liability basis: {ref.basis}"


def test_default_problem_title_and_basis(default):
    lines = default[0].as_text().splitlines()
    assert lines[0] == "Representative UK DB scheme: risk report (GBP, valued 2025-12-31)"
    assert lines[1] == f"Liability basis: {BASES['as shipped'][1]}"


def one_rule(raw: dict) -> None:
    section = raw["liabilities"]
    del section["tranches"]
    section["indexation"] = {"floor": 0.0, "cap": 0.05}
    rows = pd.read_csv(section["cashflows"]).drop(columns="tranche")
    section["cashflows"] = rows.to_dict(orient="records")


def lagged_on_the_default_volatility(raw: dict) -> None:
    raw["market"].pop("inflation_volatility")
    tranches = raw["liabilities"]["tranches"]
    tranches["rpi_lpi_5"]["lag"] = 0.25
    tranches["cpi_2_5"] = {"index": "cpi"}


CAPLETS = "normal caplet volatilities 1.4% (1y) to 0.9% (30y)"
BASES = {
    "as shipped": (
        None,
        "gilts +50bp; inflation rpi; tranches: pre_1997 fixed, rpi_lpi_5 LPI(0%, 5%), cpi_2_5 "
        f"cpi LPI(0%, 2.5%); LPI on {CAPLETS}",
    ),
    "one rule": (one_rule, f"gilts +50bp; inflation rpi, LPI(0%, 5%) on {CAPLETS}"),
    "lagged, default volatility": (
        lagged_on_the_default_volatility,
        "gilts +50bp; inflation rpi; tranches: pre_1997 fixed, rpi_lpi_5 LPI(0%, 5%), lag "
        "0.25y, cpi_2_5 cpi full indexation; LPI on lognormal 1.5% a year (the default; LPI "
        "deltas rest on it)",
    ),
}


@pytest.mark.parametrize(("edit", "basis"), BASES.values(), ids=list(BASES))
def test_the_basis_line_names_each_tranches_rule(edit, basis):
    """The basis line as written out by hand, from ldi and from the reference's own words."""
    raw = raw_problem()
    if edit is not None:
        edit(raw)
    lines = risk_report(load_problem(raw)).as_text().splitlines()
    assert lines[1] == f"Liability basis: {basis}"
    assert reference_from_raw(raw, DEFAULT_PROBLEM.parent).basis == basis


def test_funding_block_prints_the_reference(case):
    report, ref = case
    block = funding_block(report.as_text())
    f = ref.funding()
    labels = {
        "Assets": ("assets", fixed(0)),
        "Liabilities": ("liabilities", fixed(0)),
        "Surplus": ("surplus", fixed(0)),
        "Funding ratio": ("funding_ratio", percent),
        "Rates hedge": ("rates_hedge_ratio", percent),
        "Inflation hedge": ("inflation_hedge_ratio", percent),
    }
    if not has_inflation(ref):
        del labels["Inflation hedge"]
    assert list(block) == list(labels)
    for label, (key, fmt) in labels.items():
        assert_printed(block[label][0], f[key], funding_tolerance(ref, key), fmt, label)
    assert block["Rates hedge"][1] == "PV01 assets / liabilities"
    if "Inflation hedge" in block:
        assert block["Inflation hedge"][1] == "IE01 assets / liabilities"


def test_default_funding_block_layout(default):
    block = funding_block(default[0].as_text())
    money = re.compile(r"-?\d{1,3}(,\d{3})*")
    for label in ("Assets", "Liabilities", "Surplus"):
        assert money.fullmatch(block[label][0]), block[label]
    for label in ("Funding ratio", "Rates hedge", "Inflation hedge"):
        assert re.fullmatch(r"-?\d+\.\d%", block[label][0]), block[label]


SPLITS = {  # split -> (the heading of its table, the name of its rows)
    "indexation": ("Liabilities by indexation: fixed and inflation-linked benefits", "Indexation"),
    "tranche": ("Liabilities by tranche", "Tranche"),
    "status": ("Liabilities by member status", "Status"),
}
ADDITIVE = {"PV": "pv", "PV01": "pv01", "IE01": "ie01"}  # duration, convexity: PV-weighted
SPLIT_RTOL = 1e-6  # of the total: every split regroups the same benefits


def expected_splits(ref: Reference) -> dict[str, list[str]]:
    """Each split's parts, from the reference's components; a split of one part is not shown.

    By indexation only when some benefit is inflation-linked (else fixed is the total).
    """
    names = list(ref.liabilities.index)
    tranches = list(ref.raw["liabilities"].get("tranches") or {})
    linked = bool(ref.liabilities.loc["inflation_linked", "pv"])
    splits = {
        "indexation": ["fixed", "inflation_linked"] if linked else [],
        "tranche": tranches,
        "status": [n for n in names if n not in {"fixed", "inflation_linked", "total", *tranches}],
    }
    return {split: parts for split, parts in splits.items() if len(parts) > 1}


def cell_value(cell: str) -> float:
    return float(cell.replace(",", ""))


def half_unit(cells: list[str]) -> float:
    """Half the last printed digit: how far a printed money cell may be from its value."""
    decimals = len(cells[0].partition(".")[2])
    return 0.5 * 10.0**-decimals


def test_each_liability_split_is_a_table_whose_rows_add_up_to_its_total(case):
    """One table per split under a heading naming it: its parts, then a Total row.

    Read back from the text by heading, row label and column header: PV, PV01 and IE01 of
    the parts add up to the Total row within SPLIT_RTOL of the total, or the rounding of
    the printed cells (half the last digit each) where that is larger; the Total row's PV
    is the reference's (tests/reference.py, independent) within MONEY_RTOL of the book.
    """
    report, ref = case
    text = report.as_text()
    splits = expected_splits(ref)
    if splits:  # no table mixing the splits and the total
        assert "\nLiabilities\n" not in text
    for split, parts in splits.items():
        title, axis = SPLITS[split]
        header, rows = table(text, title)
        lines = text.splitlines()
        assert lines[lines.index(title) + 2].split() == [axis]
        assert list(rows) == [*parts, "Total"], split
        headers = header.split()
        for name in (n for n in ADDITIVE if n in headers):
            cells = [row[headers.index(name)] for row in rows.values()]
            *values, total = map(cell_value, cells)
            rounding = half_unit(cells) * len(cells)
            assert sum(values) == pytest.approx(total, rel=SPLIT_RTOL, abs=rounding), (split, name)
        pv = ref.liabilities.loc["total", "pv"]
        fmt = money_format(ref.liabilities.loc[[*parts, "total"], "pv"])
        assert_printed(rows["Total"][0], pv, MONEY_RTOL * book_scale(ref), fmt, f"{split}.Total")
    for title, _ in (SPLITS[s] for s in SPLITS if s not in splits):
        assert title not in text


def test_the_splits_add_up_to_the_total_before_rounding(case):
    """The report's own numbers, unrounded: each split's PV, PV01, IE01 sum to its Total."""
    report, ref = case
    splits = report.liability_splits()
    assert list(splits) == list(expected_splits(ref))
    for split, frame in splits.items():
        parts, total = frame.drop(index="Total"), frame.loc["Total"]
        for column in ADDITIVE.values():
            assert parts[column].sum() == pytest.approx(
                total[column], rel=SPLIT_RTOL, abs=SPLIT_RTOL * abs(total["pv"]) * H
            ), (split, column)


def test_liability_tables_print_the_reference(case):
    report, ref = case
    text = report.as_text()
    inflation = has_inflation(ref)
    splits = expected_splits(ref) or {"total": []}
    for split, parts in splits.items():
        title = SPLITS[split][0] if split in SPLITS else "Liabilities"
        header, rows = table(text, title)
        names = [*parts, "total"]
        expected = ref.liabilities.loc[names].rename(index={"total": "Total"})
        keep = np.isin(ref.liabilities.index, names)
        formats = {"pv": None, "pv01": None, "duration": fixed(2), "convexity": fixed(1)}
        if inflation:
            formats["ie01"] = None
        columns = {
            c: (fmt or money_format(expected[c]), liability_tolerance(ref, c)[keep])
            for c, fmt in formats.items()
        }
        assert header == "PV PV01 Duration Convexity" + (" IE01" if inflation else "")
        check_table(rows, expected, columns, title)


def test_statuses_of_a_tiny_book_add_up_to_the_total_discounted_by_hand():
    """Three fixed benefits on a flat 4% annual curve, split pensioner / deferred.

    By hand: PV = sum a (1.04)^-t, PV01 = sum t a (1.04)^(-t-1) 1e-4 (the central
    difference's error is below 1e-8 of it); printed to whole units.
    """
    raw = raw_problem(DEFAULT_PROBLEM)
    raw["curves"]["gilts"] = {"kind": "zero", "tenors": [1, 50], "rates": [0.04, 0.04]}
    raw["liabilities"] = {
        "discount_curve": "gilts",
        "cashflows": [
            {"time": 1.0, "fixed": 1e6, "status": "pensioner"},
            {"time": 2.0, "fixed": 2e6, "status": "deferred"},
            {"time": 3.0, "fixed": 3e6, "status": "deferred"},
        ],
    }
    raw["holdings"] = {"CASH": 1e6}
    text = risk_report(load_problem(raw)).as_text()
    header, rows = table(text, SPLITS["status"][0])
    assert header == "PV PV01 Duration Convexity"
    assert list(rows) == ["pensioner", "deferred", "Total"]
    flows = {"pensioner": [(1.0, 1e6)], "deferred": [(2.0, 2e6), (3.0, 3e6)]}
    flows["Total"] = flows["pensioner"] + flows["deferred"]
    for label, paid in flows.items():
        pv = sum(a * 1.04**-t for t, a in paid)
        pv01 = sum(t * a * 1.04 ** (-t - 1) for t, a in paid) * 1e-4
        assert rows[label][0] == f"{pv:,.0f}", label
        assert rows[label][1] == f"{pv01:,.0f}", label
    assert SPLITS["indexation"][0] not in text  # every benefit fixed: nothing to split


def test_no_scientific_notation_or_nan_anywhere(case):
    """Every number goes through the formatters: no 1e+06, nan, inf or None in the text."""
    text = case[0].as_text()
    assert not re.search(r"\d[eE][+-]?\d|\bnan\b|\binf\b|\bNone\b", text, re.IGNORECASE)


def expected_holdings(ref: Reference) -> pd.DataFrame:
    held = ref.holdings[["position", "pv", "pv01", "ie01", "cs01"]].copy()
    held.insert(0, "kind", ref.terms.loc[held.index, "kind"])
    total = held.drop(columns=["kind", "position"]).sum()
    return pd.concat([held, total.to_frame("total").T])


def test_holdings_table_prints_the_reference(case):
    report, ref = case
    if ref.holdings.empty:
        assert "\nHoldings\n" not in report.as_text()
        return
    header, rows = table(report.as_text(), "Holdings")
    expected = expected_holdings(ref)
    atol = MONEY_RTOL * book_scale(ref)
    headers = {"position": "Position", "pv": "Value", "pv01": "PV01", "ie01": "IE01"}
    headers["cs01"] = "CS01"
    if not has_inflation(ref):
        del headers["ie01"]
    columns = {"kind": (None, 0.0)} | {c: (money_format(expected[c]), atol) for c in headers}
    assert header == " ".join(["Kind", *headers.values()])
    check_table(rows, expected, columns, "holdings")


def expected_instruments(ref: Reference) -> pd.DataFrame:
    terms = ref.terms.copy()
    rate = pd.Series(np.nan, index=terms.index)
    for column in ("fixed_rate", "rate", "expected_return"):
        if column in terms:
            rate = rate.fillna(terms[column].astype(float))
    terms["rate_pct"] = 100 * rate
    terms["duration"] = ref.instruments["duration"]
    return terms


def test_instrument_table_prints_the_reference(case):
    report, ref = case
    title = "Instruments (prices per 100 nominal; linkers real clean)"
    header, rows = table(report.as_text(), title)
    expected = expected_instruments(ref)
    formats = {"kind": ("Kind", None)}
    if "priced_from" in expected:
        formats |= {
            "priced_from": ("Priced from", None),
            "clean_price": ("Clean", fixed(3)),
            "dirty_price": ("Dirty", fixed(3)),
            "spread_bp": ("Spread bp", fixed(1)),
        }
    formats |= {"rate_pct": ("Rate %", fixed(3)), "duration": ("Duration", fixed(2))}
    columns = {c: (fmt, instrument_tolerance(ref, c)) for c, (_, fmt) in formats.items()}
    assert header == " ".join(name for name, _ in formats.values())
    check_table(rows, expected, columns, "instruments")


def expected_ladder(ref: Reference) -> pd.DataFrame:
    buckets = ref.buckets()
    buckets["rates_hedge_pct"] = 100 * buckets.pop("rates_hedge_ratio")
    buckets["inflation_hedge_pct"] = 100 * buckets.pop("inflation_hedge_ratio")
    order = ["liability_pv01", "asset_pv01", "gap_pv01", "rates_hedge_pct"]
    order += ["liability_ie01", "asset_ie01", "gap_ie01", "inflation_hedge_pct"]
    return buckets[order].set_axis([f"{k:g}y" for k in buckets.index])


def test_key_rate_ladder_prints_the_reference(case):
    report, ref = case
    header, rows = table(report.as_text(), "Key-rate hedging (per 1bp)")
    expected = expected_ladder(ref)
    headers = {
        "liability_pv01": "Liab PV01",
        "asset_pv01": "Asset PV01",
        "gap_pv01": "Gap PV01",
        "rates_hedge_pct": "Rates %",
        "liability_ie01": "Liab IE01",
        "asset_ie01": "Asset IE01",
        "gap_ie01": "Gap IE01",
        "inflation_hedge_pct": "Infl %",
    }
    if not has_inflation(ref):
        headers = dict(list(headers.items())[:4])
    columns = {
        c: (fixed(1) if c.endswith("_pct") else money_format(expected[c]), ladder_tolerance(ref, c))
        for c in headers
    }
    assert header == " ".join(headers.values())
    check_table(rows, expected[list(headers)], columns, "ladder")


def test_legend_names_the_currency_and_conventions(case):
    report, ref = case
    text = report.as_text()
    assert f"Money in {ref.currency}; PV01, IE01, CS01 per 1bp" in text
    assert "PV01 = (PV(-1bp) - PV(+1bp))/2" in text
    assert "IE01 = (PV(b+1bp) - PV(b-1bp))/2" in text


def test_no_negative_zero_anywhere(case):
    text = case[0].as_text()
    assert not NEGATIVE_ZERO.findall(text)


# --- NaN and "-0" on purpose-built problems -----------------------------------------------------


def short_fixed_liabilities_with_a_linker() -> dict:
    """Fixed liabilities paid within 8 years, a linker and cash held: IE01 of 0 / non-zero."""
    raw = raw_problem(DEFAULT_PROBLEM)
    raw["liabilities"] = {
        "discount_curve": "gilts",
        "inflation_curve": "rpi",
        "cashflows": [{"time": float(t), "fixed": 1e7} for t in range(1, 9)],
    }
    raw["holdings"] = {"UKTI_0Q_2036": 2e7, "CASH": 1e7}
    return raw


def test_nan_is_printed_as_a_dash():
    raw = short_fixed_liabilities_with_a_linker()
    report = risk_report(load_problem(raw))
    ref = reference_from_raw(raw, DEFAULT_PROBLEM.parent)
    text = report.as_text()
    assert "nan" not in text.lower()
    # Inflation hedge: assets' IE01 over liabilities' IE01 of 0.
    assert np.isnan(ref.funding()["inflation_hedge_ratio"])
    assert funding_block(text)["Inflation hedge"][0] == "-"
    # Ladder: no liability PV01 from 15y on, so no rates hedge ratio there; no IE01 anywhere.
    _, rows = table(text, "Key-rate hedging (per 1bp)")
    ladder = expected_ladder(ref)
    for key, cells in rows.items():
        assert (cells[3] == "-") == bool(np.isnan(ladder.loc[key, "rates_hedge_pct"])), key
        assert cells[7] == "-", key
    assert rows["50y"][3] == "-"
    # Instruments: swaps have no price, bonds no rate.
    _, instruments = table(text, "Instruments (prices per 100 nominal; linkers real clean)")
    assert instruments["SONIA_30Y"][2:5] == ["-", "-", "-"]
    assert instruments["UKT_4Q_2036"][5] == "-"
    # The funding block's JSON has null where the text has '-'.
    assert report.to_dict()["funding"]["inflation_hedge_ratio"] is None


def test_replicated_book_prints_zero_gaps_without_a_minus_sign():
    # Strips that replicate fixed liabilities: gaps are +/- rounding noise around 0.
    from tests.test_balance_sheet import replicating_strips

    text = risk_report(load_problem(replicating_strips(0.005))).as_text()
    _, rows = table(text, "Key-rate hedging (per 1bp)")
    for key, cells in rows.items():
        assert float(cells[2].replace(",", "")) == 0.0, key
        assert cells[3] == "100.0", key
    assert not NEGATIVE_ZERO.findall(text)


def test_tiny_negative_hedge_ratio_is_not_printed_as_minus_zero():
    # Cash borrowed on repo and held as cash: a rates hedge ratio of about -1e-5.
    raw = raw_problem(DEFAULT_PROBLEM)
    raw["holdings"] = {"REPO_3M": 1e6, "CASH": 1e6}
    report = risk_report(load_problem(raw))
    assert -1e-3 < report.funding()["rates_hedge_ratio"] < 0
    assert funding_block(report.as_text())["Rates hedge"][0] == "0.0%"


# --- the dictionary (``ldi risk --json``) ---------------------------------------------------------


def assert_values(actual, expected, atol, where: str) -> None:
    """A JSON number (or null) against a reference value (NaN: null) within ``atol``."""
    if isinstance(expected, str):
        assert actual == expected, where
    elif expected is None or pd.isna(expected):
        assert actual is None or (isinstance(actual, float) and np.isnan(actual)), where
    else:
        assert isinstance(actual, float | int), where
        assert abs(actual - float(expected)) <= atol, f"{where}: {actual} vs {expected} ({atol})"


def assert_records(actual: dict, expected: pd.DataFrame, tolerance, where: str) -> None:
    """{row: {column: value}} equals ``expected`` cell by cell; tolerance(column) per row."""
    assert list(actual) == [str(i) for i in expected.index], where
    for column in expected.columns:
        atol = np.broadcast_to(tolerance(column), len(expected))
        for i, row in enumerate(expected.index):
            assert list(actual[str(row)]) == list(expected.columns), f"{where}.{row}"
            value = actual[str(row)][column]
            assert_values(value, expected[column].iloc[i], atol[i], f"{where}.{row}.{column}")


def test_to_dict_round_trips_through_json(case):
    report, _ = case
    data = report.to_dict()
    again = json.loads(json.dumps(data))
    assert set(again) == {
        "name", "currency", "valuation_date", "liability_basis",
        "funding", "liabilities", "holdings", "instruments", "key_rates",
        "bases", "basis_key_rates", "curves", "index_key_rates", "longevity",
    }  # fmt: skip
    assert set(again["instruments"]) == {"exposures", "terms"}


def test_to_dict_is_standard_json_with_null_for_nan(default):
    report, _ = default
    text = json.dumps(report.to_dict(), allow_nan=False)
    assert json.loads(text)["holdings"]["total"]["position"] is None
    # A ladder bucket without liability PV01 has no hedge ratio: null, as in the funding block.
    short = risk_report(load_problem(short_fixed_liabilities_with_a_linker())).to_dict()
    assert short["key_rates"]["50.0"]["rates_hedge_pct"] is None


def test_to_dict_numbers_match_the_reference(case):
    report, ref = case
    data = json.loads(json.dumps(report.to_dict()))
    assert data["name"] == ref.name
    assert data["currency"] == ref.currency
    assert data["valuation_date"] == ref.valuation_date
    assert data["liability_basis"] == ref.basis

    funding = ref.funding()
    assert list(data["funding"]) == list(funding)
    for key, value in funding.items():
        assert_values(data["funding"][key], value, funding_tolerance(ref, key), f"funding.{key}")

    assert_records(
        data["liabilities"], ref.liabilities, partial(liability_tolerance, ref), "liabilities"
    )
    money = MONEY_RTOL * book_scale(ref)
    held = expected_holdings(ref).drop(columns="kind")
    assert_records(data["holdings"], held, lambda _: money, "holdings")
    exposures = data["instruments"]["exposures"]
    assert_records(exposures, ref.instruments, partial(instrument_tolerance, ref), "exposures")

    terms = data["instruments"]["terms"]
    expected_terms = ref.terms.reindex(columns=list(next(iter(terms.values()), {})))
    assert set(expected_terms.columns) == set(ref.terms.columns)
    assert_records(terms, expected_terms, partial(instrument_tolerance, ref), "terms")

    ladder = expected_ladder(ref).set_axis([f"{k:.1f}" for k in ref.keys])
    assert_records(data["key_rates"], ladder, partial(ladder_tolerance, ref), "key_rates")


# --- bases and curves ---------------------------------------------------------------------------

SWAP_KINDS = ("interest_rate_swap", "inflation_swap", "repo")


def test_the_curve_table_splits_pv01_into_gilts_and_the_sonia_spread(default):
    """SONIA is declared over gilts: gilts carry every nominal PV01, SONIA its spread's.

    Likewise CPI over RPI: RPI carries the IE01 of everything linked to RPI or CPI, the
    ``cpi - rpi`` wedge the IE01 of the CPI tranche alone. Reference: the reference
    holdings' PV01s (numpy), summed over every holding for gilts and over the swaps and repo
    (discounted on SONIA) for the spread; the liabilities on gilts + 50bp carry no spread
    risk; IE01 per breakeven curve by ``index_ie01`` (the liabilities revalued with that
    curve alone moved 1bp, the holdings projected on it). MONEY_RTOL of the book.
    """
    report, ref = default
    table = report.curves()
    kinds = ref.terms.loc[ref.holdings.index, "kind"]
    on_sonia = ref.holdings.loc[kinds.isin(SWAP_KINDS).to_numpy(), "pv01"].sum()
    assert list(table.index) == ["gilts", "sonia - gilts", "cpi - rpi", "rpi"]
    assert list(table["risk"]) == ["PV01", "PV01", "IE01", "IE01"]
    scale = book_scale(ref)
    close = dict(rel=0, abs=MONEY_RTOL * scale)
    assert table.loc["gilts", "assets"] == pytest.approx(ref.asset_totals["pv01"], **close)
    assert table.loc["sonia - gilts", "assets"] == pytest.approx(on_sonia, **close)
    assert table.loc["gilts", "liabilities"] == pytest.approx(
        ref.liabilities.loc["total", "pv01"], **close
    )
    assert table.loc["sonia - gilts", "liabilities"] == 0.0
    assert table.loc["rpi", "assets"] == pytest.approx(ref.asset_totals["ie01"], **close)
    for curve, row in (("cpi", "cpi - rpi"), ("rpi", "rpi")):
        owed, held = index_ie01(ref, curve)
        assert table.loc[row, "liabilities"] == pytest.approx(owed, **close), row
        assert table.loc[row, "assets"] == pytest.approx(held, **close), row
        assert table.loc[row, "gap"] == pytest.approx(held - owed, **close), row
    # The wedge moves the CPI tranche alone; RPI moves every linked benefit.
    liabilities = ref.liabilities["ie01"]
    assert index_ie01(ref, "cpi")[0] == pytest.approx(liabilities["cpi_2_5"], **close)
    assert index_ie01(ref, "rpi")[0] == pytest.approx(liabilities["total"], **close)


def test_a_cpi_swap_counts_on_the_wedge_and_on_rpi():
    """A zero-coupon swap naming ``inflation_curve: cpi`` is priced on RPI less the wedge.

    Its IE01 counts on ``cpi - rpi`` and on ``rpi``; the RPI swaps, which name no curve, on
    the market's ``rpi`` only. Reference: the reference's per-unit exposures and
    ``index_ie01`` (numpy, the wedge curve written from its definition); MONEY_RTOL of the
    book, UNIT_SCALE per unit.
    """
    raw = raw_problem()
    swap = {"id": "CPI_ZC_20Y", "kind": "inflation_swap", "maturity": 20, "inflation_curve": "cpi"}
    raw["instruments"].append(swap)
    raw["holdings"]["CPI_ZC_20Y"] = 50.0e6
    report = risk_report(load_problem(raw))
    ref = reference_from_raw(raw, DEFAULT_PROBLEM.parent)
    exposures = report.sheet.instruments.exposures
    for column in ("pv", "pv01", "ie01"):
        got, want = exposures.loc["CPI_ZC_20Y", column], ref.instruments.loc["CPI_ZC_20Y", column]
        assert got == pytest.approx(want, rel=0, abs=MONEY_RTOL * UNIT_SCALE), column
    # Struck at par on CPI: (1 + K)^20 = (1 + c(20))^20, c = rpi less the 2030 wedge.
    rpi = raw["curves"]["rpi"]
    cpi20 = np.interp(20.0, rpi["tenors"], rpi["rates"]) - 0.010 * 4.09 / 20
    assert ref.terms.loc["CPI_ZC_20Y", "par_rate"] == pytest.approx(cpi20, abs=1e-15)
    table, close = report.curves(), dict(rel=0, abs=MONEY_RTOL * book_scale(ref))
    for curve, row in (("cpi", "cpi - rpi"), ("rpi", "rpi")):
        owed, held = index_ie01(ref, curve)
        assert table.loc[row, "liabilities"] == pytest.approx(owed, **close), row
        assert table.loc[row, "assets"] == pytest.approx(held, **close), row
    on_cpi = ref.holdings.loc["CPI_ZC_20Y", "ie01"]
    assert on_cpi > 0
    assert index_ie01(ref, "cpi")[1] == pytest.approx(on_cpi, **close)
    assert index_ie01(ref, "rpi")[1] == pytest.approx(ref.asset_totals["ie01"], **close)


def test_the_basis_tables_are_the_balance_sheets(default):
    report, _ = default
    bases = report.bases()
    ratios = report.sheet.basis_hedge_ratios()
    assert list(bases.index) == ["funding", "sonia"]
    np.testing.assert_allclose(bases["rates_hedge_pct"], 100 * ratios["rates_hedge_ratio"])
    np.testing.assert_allclose(report.basis_ladder(), 100 * report.sheet.basis_buckets())
    text = report.as_text()
    assert "Hedge ratios by basis" in text
    assert "Rates hedge by key and basis (%)" in text
    assert "Exposure by curve (per 1bp)" in text
