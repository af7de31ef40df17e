"""The report charts (ldi.reporting.plots) drawn from the default problem's real numbers.

References: the data each chart is given (the default problem's liability cash flows with
their inflation-linked amounts uprated by each tranche's indexation on its index's curve, as
tests.reference values them; the
solved result's exposures, positions, holdings and kinds; a stress test of the solved
positions), scaled by hand to the unit each axis states (money / 1e6, PV01 and IE01 / 1e3,
ratios x 100) and, for the key-rate rows, named from tests.reference.DEFAULT_KEYS rather
than parsed. Bar heights and widths are read back from the axes' bar containers, points
from the lines' data. Tolerance 1e-12 relative (RTOL): the chart divides the same float64
numbers by the same constants, so they agree to rounding; grouped sums and derived columns
(trade = after - before, headroom = available - called) add at most a few ulps. A stacked
bar's height is held to RTOL of the tallest bar: matplotlib stores it as (b0 + h) - b0 with
b0 the first bar's bottom, exact to the rounding of the axis's scale, not of each bar.
Saved PNGs are read back with matplotlib.image.imread: larger than 100 px a side, pixel
standard deviation above 0.05 (a blank image has 0). The suite runs as root, so an
unwritable path is a directory in the target's place, or a file in its parent's.
"""

import io
import subprocess
import sys

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.image import imread

import ldi
from ldi.errors import DataError
from ldi.optimize.frontier import efficient_frontier
from ldi.projection import funding_projection
from ldi.reporting import FrontierReport, ProjectionReport, plots
from tests.reference import DEFAULT_KEYS, DEFAULT_PROBLEM, raw_problem, reference

RTOL = 1e-12
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHARTS = (
    "cashflow",
    "key_rate_rates",
    "key_rate_inflation",
    "allocation",
    "allocation_by_kind",
    "collateral",
    "stress",
)


@pytest.fixture(scope="module")
def problem():
    return ldi.load_problem(DEFAULT_PROBLEM)


@pytest.fixture(scope="module")
def result(problem):
    solved = problem.solve()
    solved.raise_for_status()
    return solved


@pytest.fixture(scope="module")
def outcomes(problem, result):
    return ldi.stress_test(problem, result.positions, portfolio="solved").outcomes


@pytest.fixture(scope="module")
def flows():
    """Payment times, fixed and inflation-linked money of the liabilities (the reference's)."""
    book = reference().liability_stream
    times = np.concatenate([part.t for part in book.parts])
    fixed = np.concatenate([part.fixed for part in book.parts])
    return times, fixed, book.uprated()


@pytest.fixture(scope="module")
def charts(flows, result, outcomes):
    currency = result.currency
    return {
        "cashflow": plots.cashflow_profile(*flows, currency),
        "key_rate_rates": plots.key_rate_profile(result.exposures, "rates", currency),
        "key_rate_inflation": plots.key_rate_profile(result.exposures, "inflation", currency),
        "allocation": plots.allocation_chart(result.positions, result.holdings, currency),
        "allocation_by_kind": plots.allocation_chart(
            result.positions, result.holdings, currency, labels=result.instruments["kind"]
        ),
        "collateral": plots.collateral_headroom(outcomes, currency),
        "stress": plots.stress_impacts(outcomes, currency),
    }


def heights(container):
    return np.array([bar.get_height() for bar in container])


def widths(container):
    return np.array([bar.get_width() for bar in container])


def tick_labels(axes):
    return [label.get_text() for label in axes.get_yticklabels()]


def legend(figure):
    return [text.get_text() for text in figure.legends[0].get_texts()]


def line(axes, label):
    (found,) = [each for each in axes.lines if each.get_label() == label]
    return found


def close(actual, expected):
    np.testing.assert_allclose(actual, np.asarray(expected, dtype=float), rtol=RTOL, atol=0)


def test_cashflow_profile_stacks_fixed_and_linked_money_in_millions(charts, flows):
    figure, (times, fixed, linked) = charts["cashflow"], flows
    (axes,) = figure.axes
    assert (axes.get_xlabel(), axes.get_ylabel()) == ("Year", "Cash flow (GBP m)")
    assert figure.get_suptitle() == "Liability cash flows by year"
    assert legend(figure) == ["Fixed", "Inflation-linked"]
    fixed_bars, linked_bars = axes.containers
    close(heights(fixed_bars), fixed / 1e6)
    close([bar.get_y() for bar in linked_bars], fixed / 1e6)  # stacked on the fixed bars
    tallest = np.max((fixed + linked) / 1e6)
    np.testing.assert_allclose(heights(linked_bars), linked / 1e6, rtol=0, atol=RTOL * tallest)
    close([bar.get_x() + bar.get_width() / 2 for bar in fixed_bars], times)


@pytest.mark.parametrize(("risk", "prefix"), [("rates", "pv01"), ("inflation", "ie01")])
def test_key_rate_profile_shows_each_bucket_and_its_hedge_ratio(charts, result, risk, prefix):
    figure = charts[f"key_rate_{risk}"]
    axes, ratio = figure.axes
    assert axes.get_xlabel() == "Key-rate tenor (years)"
    assert axes.get_ylabel() == f"{prefix.upper()} (GBP k per bp)"
    assert ratio.get_ylabel() == "Hedge ratio (%)"
    assert figure.get_suptitle() == f"Key-rate {prefix.upper()} ({risk}): liabilities and assets"
    assert legend(figure) == ["Liabilities", "Assets", "Assets before", "Hedge ratio"]
    rows = result.exposures.loc[[f"{prefix}_{key:g}y" for key in DEFAULT_KEYS]]
    assert [label.get_text() for label in axes.get_xticklabels()] == [
        f"{key:g}" for key in DEFAULT_KEYS
    ]
    liabilities, assets, before = axes.containers
    close(heights(liabilities), rows["liabilities"] / 1e3)
    close(heights(assets), rows["assets"] / 1e3)
    close(heights(before), rows["assets_before"] / 1e3)
    assert not any(bar.get_fill() for bar in before)  # an outline over the assets bar
    # a ratio only where the liabilities have >= 1% of the largest bucket's exposure; the
    # default problem's ratios all lie within [-50%, 200%], so none is off the scale
    material = rows["liabilities"].abs() >= 0.01 * rows["liabilities"].abs().max()
    points = line(ratio, "Hedge ratio")
    close(points.get_xdata(), np.flatnonzero(material))
    close(points.get_ydata(), rows["hedge_ratio"][material] * 100)
    close(points.get_ydata(), (rows["assets"] / rows["liabilities"])[material] * 100)
    shown = rows["hedge_ratio"][material]
    low, high = min(shown.min(), 1.0), max(shown.max(), 1.0)
    margin = 0.05 * (high - low)
    close(ratio.get_ylim(), [(low - margin) * 100, (high + margin) * 100])


@pytest.fixture(scope="module")
def far_buckets():
    """Four buckets written by hand: liabilities 100, 0.5 (0.5% of the largest), 100, 80.

    Hedge ratios 0.9, -2.09 (the small bucket), 3.0 and -1.0: one hidden, two off the scale.
    """
    liabilities = np.array([100.0, 0.5, 100.0, 80.0])
    ratios = np.array([0.9, -2.09, 3.0, -1.0])
    return pd.DataFrame(
        {
            "liabilities": liabilities,
            "assets": liabilities * ratios,
            "assets_before": 0.0,
            "hedge_ratio": ratios,
        },
        index=["pv01_1y", "pv01_2y", "pv01_5y", "pv01_10y"],
    )


def test_key_rate_profile_hides_small_buckets_and_clips_the_hedge_ratio_axis(far_buckets):
    figure = plots.key_rate_profile(far_buckets, "rates", "GBP")
    axes, ratio = figure.axes
    assert axes.get_title() == (
        "No hedge ratio at 2y: liabilities below 1% of the largest bucket's PV01"
    )
    inside = line(ratio, "Hedge ratio")
    close(inside.get_xdata(), [0])  # 2y hidden; 5y and 10y off the scale
    close(inside.get_ydata(), [90.0])
    off = [each for each in ratio.lines if each.get_marker() in ("^", "v")]
    assert [(list(each.get_xdata()), list(each.get_ydata())) for each in off] == [
        ([2], [200.0]),
        ([3], [-50.0]),
    ]
    # the axis spans [-50%, 200%] plus 5% of that span (12.5 points) each way, not -209%
    close(ratio.get_ylim(), [-62.5, 212.5])
    assert [text.get_text() for text in ratio.texts] == ["300%", "-100%"]
    assert legend(figure) == [
        "Liabilities",
        "Assets",
        "Assets before",
        "Hedge ratio",
        "Hedge ratio off the scale (value written)",  # once for both edges
    ]


def test_key_rate_profile_draws_no_ratio_without_liabilities(far_buckets):
    """Assets with exposure, liabilities with none: every bucket hidden, the axis at 100%."""
    table = far_buckets.assign(liabilities=0.0, hedge_ratio=np.nan)
    (_, ratio) = plots.key_rate_profile(table, "rates", "GBP").axes
    assert len(line(ratio, "Hedge ratio").get_xdata()) == 0
    close(ratio.get_ylim(), [90.0, 110.0])  # 100% plus the 10-point margin of no span


def test_category_allocation_draws_a_panel_per_group_in_its_own_unit():
    """Money written by hand, in millions, drawn in the panel of its group.

    Gilts 200 -> 300, growth 500 -> 400, swaps 100 -> -50, repo borrowing 0 -> 80 given as
    -80 (a liability).
    """
    table = pd.DataFrame(
        {
            "group": ["assets", "assets", "overlays", "financing"],
            "before": [200e6, 500e6, 100e6, 0.0],
            "after": [300e6, 400e6, -50e6, -80e6],
        },
        index=["Gilts", "Growth assets", "Interest rate swaps", "Repo"],
    )
    figure = plots.category_allocation(table, "GBP")
    assets, overlays, financing = figure.axes
    assert [axes.get_title(loc="left") for axes in figure.axes] == [
        "Physical assets",
        "Overlays (+ receives fixed or inflation)",
        "Financing (a liability of the fund)",
    ]
    assert [axes.get_xlabel() for axes in figure.axes] == [
        "Market value (GBP m)",
        "Notional (GBP m)",
        "Cash borrowed, shown negative (GBP m)",
    ]
    assert legend(figure) == ["Before", "After", "Trade"]
    assert tick_labels(assets) == ["Gilts", "Growth assets"]
    expected = {
        "assets": ([200, 500], [300, 400], [100, -100]),
        "overlays": ([100], [-50], [-150]),
        "financing": ([0], [-80], [-80]),
    }
    for axes, (before, after, trade) in zip(figure.axes, expected.values(), strict=True):
        drawn = [widths(container) for container in axes.containers]
        close(drawn[0], before)
        close(drawn[1], after)
        close(drawn[2], trade)
    only_assets = plots.category_allocation(table.iloc[:2], "USD")
    assert [axes.get_xlabel() for axes in only_assets.axes] == ["Market value (USD m)"]


def test_stress_comparison_pairs_the_two_portfolios_per_scenario():
    """Two scenarios written by hand; ``before`` in the other order, drawn in ``after``'s."""
    after = pd.DataFrame(
        {
            "surplus_change": [-2e6, 5e6],
            "funding_ratio_before": [0.95, 0.95],
            "funding_ratio_after": [0.94, 0.97],
        },
        index=["up", "down"],
    )
    before = pd.DataFrame(
        {
            "surplus_change": [-30e6, 20e6],
            "funding_ratio_before": [0.9, 0.9],
            "funding_ratio_after": [0.85, 0.8],
        },
        index=["down", "up"],
    )
    figure = plots.stress_comparison(before, after, "EUR")
    money, ratio = figure.axes
    assert (money.get_xlabel(), money.get_ylabel()) == ("Surplus change (EUR m)", "Scenario")
    assert ratio.get_xlabel() == "Funding ratio after (%)"
    assert legend(figure) == ["Holdings before the trades", "Solved positions"]
    assert tick_labels(money) == ["up", "down"]
    held, solved = money.containers
    close(widths(held), [20, -30])
    close(widths(solved), [-2, 5])
    close([bar.get_y() + bar.get_height() / 2 for bar in held], [-0.2, 0.8])
    points = [each for each in ratio.lines if each.get_marker() == "o"]
    close(points[0].get_xdata(), [80, 85])
    close(points[1].get_xdata(), [94, 97])
    close(points[0].get_ydata(), [-0.2, 0.8])
    today = sorted(each.get_xdata()[0] for each in ratio.lines if each.get_linestyle() == ":")
    close(today, [90, 95])


def test_allocation_chart_shows_positions_before_after_and_trades_by_instrument(charts, result):
    figure = charts["allocation"]
    held, traded = figure.axes
    assert (held.get_xlabel(), held.get_ylabel()) == ("Position (GBP m)", "Instrument")
    assert traded.get_xlabel() == "Trade (GBP m)"
    assert figure.get_suptitle().startswith("Allocation before and after")
    assert legend(figure) == ["Before", "After"]
    ids = list(result.positions.index)
    assert tick_labels(held) == ids
    before, after = held.containers
    close(widths(before), result.holdings[ids] / 1e6)
    close(widths(after), result.positions[ids] / 1e6)
    (trades,) = traded.containers
    close(widths(trades), result.trades[ids] / 1e6)
    assert (widths(after) < 0).any()  # pay-fixed overlays keep their sign


def test_allocation_chart_sums_each_label_group(charts, result):
    figure = charts["allocation_by_kind"]
    held, traded = figure.axes
    assert held.get_ylabel() == "Group"
    kinds = result.instruments["kind"]
    groups = list(dict.fromkeys(kinds[result.positions.index]))
    assert tick_labels(held) == groups

    def summed(values):
        return [sum(values[i] for i in kinds.index if kinds[i] == group) / 1e6 for group in groups]

    before, after = held.containers
    close(widths(before), summed(result.holdings))
    close(widths(after), summed(result.positions))
    close(widths(traded.containers[0]), summed(result.trades))


def test_allocation_chart_names_ids_without_a_label(result):
    with pytest.raises(DataError, match=r"labels has no entry for \['CASH'\]"):
        plots.allocation_chart(
            result.positions,
            result.holdings,
            "GBP",
            labels=result.instruments["kind"].drop("CASH"),
        )


def test_collateral_headroom_shows_called_available_and_headroom(charts, outcomes, problem):
    figure = charts["collateral"]
    (axes,) = figure.axes
    assert (axes.get_xlabel(), axes.get_ylabel()) == ("Collateral (GBP m)", "Scenario")
    assert figure.get_suptitle() == "Collateral called, available and headroom by scenario"
    assert legend(figure) == ["Called", "Available", "Headroom"]
    assert tick_labels(axes) == list(problem.scenarios)
    called, available, headroom = axes.containers
    close(widths(called), outcomes["collateral_needed"] / 1e6)
    close(widths(available), outcomes["collateral_available"] / 1e6)
    close(widths(headroom), outcomes["headroom"] / 1e6)


def test_collateral_headroom_draws_a_collateral_summary_renamed(result):
    table = result.collateral.table.rename(
        columns={"called_after": "collateral_needed", "available_after": "collateral_available"}
    )
    (axes,) = plots.collateral_headroom(table, "GBP").axes
    assert tick_labels(axes) == ["nominal", "real"]
    headroom = table["headroom_after"].to_numpy() / 1e6
    # A buffer that binds leaves a headroom of a few pounds: held to RTOL of the longest bar.
    np.testing.assert_allclose(
        widths(axes.containers[2]), headroom, rtol=RTOL, atol=RTOL * np.abs(headroom).max()
    )


def test_collateral_headroom_names_missing_columns(result):
    with pytest.raises(DataError, match="collateral_headroom: table has no column"):
        plots.collateral_headroom(result.collateral.table, "GBP")


def test_stress_impacts_shows_changes_and_funding_ratios(charts, outcomes, problem):
    figure = charts["stress"]
    money, ratio = figure.axes
    assert (money.get_xlabel(), money.get_ylabel()) == ("Change (GBP m)", "Scenario")
    assert ratio.get_xlabel() == "Funding ratio (%)"
    assert figure.get_suptitle() == "Stress impacts on assets, liabilities and surplus"
    assert legend(figure) == [
        "Assets",
        "Liabilities",
        "Surplus",
        "Funding ratio before",
        "Funding ratio after",
    ]
    assert tick_labels(money) == list(problem.scenarios)
    assets, liabilities, surplus = money.containers
    close(widths(assets), outcomes["asset_change"] / 1e6)
    close(widths(liabilities), outcomes["liability_change"] / 1e6)
    close(widths(surplus), outcomes["surplus_change"] / 1e6)
    for label, column in (("before", "funding_ratio_before"), ("after", "funding_ratio_after")):
        points = line(ratio, f"Funding ratio {label}")
        close(points.get_xdata(), outcomes[column] * 100)
        close(points.get_ydata(), np.arange(len(outcomes)))  # one row per scenario


def test_stress_impacts_names_missing_columns(outcomes):
    with pytest.raises(DataError, match=r"no column\(s\) \['surplus_change'\]"):
        plots.stress_impacts(outcomes.drop(columns="surplus_change"), "GBP")


def test_key_rate_profile_rejects_an_unknown_risk(result):
    with pytest.raises(DataError, match="key_rate_profile.risk: got 'credit'"):
        plots.key_rate_profile(result.exposures, "credit", "GBP")


def test_cashflow_profile_needs_one_amount_per_time():
    with pytest.raises(DataError, match="cashflow_profile: 2 times but 1 fixed"):
        plots.cashflow_profile([1.0, 2.0], [1.0], [0.0, 0.0], "GBP")


@pytest.mark.parametrize("name", CHARTS)
def test_save_png_writes_a_non_blank_image_and_no_temporary(charts, tmp_path, name):
    target = tmp_path / f"{name}.png"
    assert plots.save_png(charts[name], target) == target
    image = imread(target)
    assert min(image.shape[:2]) > 100
    assert image.std() > 0.05
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


@pytest.mark.parametrize("name", CHARTS)
def test_png_bytes_are_a_png(charts, name):
    data = plots.png_bytes(charts[name])
    assert data.startswith(PNG_SIGNATURE)
    assert min(imread(io.BytesIO(data)).shape[:2]) > 100


def test_save_png_replaces_an_existing_file(charts, tmp_path):
    target = tmp_path / "chart.png"
    target.write_bytes(b"old")
    plots.save_png(charts["cashflow"], target)
    assert target.read_bytes().startswith(PNG_SIGNATURE)
    assert [p.name for p in tmp_path.iterdir()] == ["chart.png"]


def test_save_png_over_a_directory_raises_and_removes_its_temporary(charts, tmp_path):
    target = tmp_path / "chart.png"
    target.mkdir()
    with pytest.raises(OSError, match="chart.png"):
        plots.save_png(charts["cashflow"], target)
    assert [p.name for p in tmp_path.iterdir()] == ["chart.png"]
    assert target.is_dir()
    assert not any(target.iterdir())


def test_save_png_under_a_file_raises_and_writes_nothing(charts, tmp_path):
    parent = tmp_path / "report.txt"
    parent.write_text("not a folder")
    with pytest.raises(OSError, match="report.txt"):
        plots.save_png(charts["cashflow"], parent / "chart.png")
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]
    assert parent.read_text() == "not a folder"


def test_collateral_waterfall_shows_each_pool_used_and_left(problem, result):
    stress = ldi.stress_test(problem, result.positions, ["gilt_crisis_2022"])
    pools = stress.waterfalls["gilt_crisis_2022"]
    figure = plots.collateral_waterfall(pools, "gilt_crisis_2022", "GBP")
    (axes,) = figure.axes
    assert axes.get_xlabel() == "Collateral after haircuts (GBP m)"
    assert axes.get_ylabel() == "Pool (in the order drawn)"
    assert figure.get_suptitle() == "Collateral waterfall: gilt_crisis_2022"
    assert legend(figure) == [
        "Swaps' variation margin (cash)",
        "Other calls (repo top-ups, initial margin)",
        "Left",
    ]
    assert tick_labels(axes) == list(pools.index)
    margin, other, left = axes.containers
    heights_down = [bar.get_y() for bar in margin]
    assert heights_down == sorted(heights_down, reverse=True)  # the first pool drawn on top
    close(widths(margin), pools["variation_margin"] / 1e6)
    close(widths(other), pools["other"] / 1e6)
    close([bar.get_x() for bar in other], pools["variation_margin"] / 1e6)  # stacked
    close(widths(left), pools["left"] / 1e6)
    close([bar.get_x() for bar in left], pools["used"] / 1e6)  # left starts where used ends
    # Without the split (a record written before it), one bar of what each pool gave.
    plain = plots.collateral_waterfall(pools[["used", "left"]], "gilt_crisis_2022", "GBP")
    assert legend(plain) == ["Used to meet the calls", "Left"]
    close(widths(plain.axes[0].containers[0]), pools["used"] / 1e6)
    png = plots.png_bytes(figure)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


TEX_NAMES = ["$\\foo$", "$x$", "x", "a_b ^ {c} % 50$"]


@pytest.fixture
def tex_pools():
    return pd.DataFrame({"used": [1e6, 2e6, 3e6, 4e6], "left": 1e6}, index=TEX_NAMES)


def label_widths(axes):
    """The drawn width (pixels) of each y tick label, by its text."""
    return {t.get_text(): t.get_window_extent().width for t in axes.get_yticklabels()}


def test_names_with_dollars_and_tex_are_drawn_as_written(tex_pools, outcomes):
    figure = plots.collateral_waterfall(tex_pools, "$\\foo$", "GBP")
    assert plots.png_bytes(figure).startswith(PNG_SIGNATURE)  # mathtext would fail on \foo
    (axes,) = figure.axes
    assert tick_labels(axes) == TEX_NAMES
    assert figure.get_suptitle() == "Collateral waterfall: $\\foo$"
    widths = label_widths(axes)
    assert widths["$x$"] > 2 * widths["x"]  # three glyphs, not an italic x
    renamed = outcomes.iloc[: len(TEX_NAMES)].set_axis(TEX_NAMES)
    for chart in (plots.stress_impacts, plots.collateral_headroom):
        figure = chart(renamed, "GBP")
        assert plots.png_bytes(figure).startswith(PNG_SIGNATURE)
        assert tick_labels(figure.axes[0]) == TEX_NAMES


def test_names_are_not_sent_to_tex_when_the_style_asks_for_it(tex_pools):
    with matplotlib.rc_context({"text.usetex": True}):
        figure = plots.collateral_waterfall(tex_pools, "$\\foo$", "GBP")
    (axes,) = figure.axes
    assert not any(label.get_usetex() for label in axes.get_yticklabels())
    assert not any(text.get_usetex() for text in figure.texts)  # the title among them


SIGNATURES = {"png": PNG_SIGNATURE, "pdf": b"%PDF-", "svg": b"<?xml"}


@pytest.fixture(scope="module")
def tex_named():
    """The reports of the default problem's frontier and funding projection, named in TeX."""
    raw = raw_problem()
    raw["name"] = "$\\foo$ plan"
    problem = ldi.load_problem(raw)
    return {
        "frontier": FrontierReport(efficient_frontier(problem, "volatility", points=2)),
        "projection": ProjectionReport(funding_projection(problem, years=2, scenarios=200)),
    }


@pytest.mark.parametrize("name", ["frontier", "projection"])
def test_a_reports_chart_draws_its_name_as_written_in_the_format_asked(tex_named, name, tmp_path):
    report = tex_named[name]
    assert report.figure().get_suptitle().startswith("$\\foo$ plan: ")
    report.plot(tmp_path / "chart.pdf")
    assert (tmp_path / "chart.pdf").read_bytes().startswith(SIGNATURES["pdf"])
    with pytest.raises(DataError, match=r"chart.txt: cannot write a chart as '.txt'"):
        report.plot(tmp_path / "chart.txt")
    assert [p.name for p in tmp_path.iterdir()] == ["chart.pdf"]


@pytest.mark.parametrize("suffix", ["png", "pdf", "svg", "PDF"])
def test_save_figure_writes_the_format_its_extension_names(charts, tmp_path, suffix):
    target = tmp_path / f"chart.{suffix}"
    assert plots.save_figure(charts["cashflow"], target) == target
    data = target.read_bytes()
    assert data.startswith(SIGNATURES[suffix.lower()])
    if suffix == "svg":
        assert b"<svg" in data
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


@pytest.mark.parametrize("name", ["chart.xyz", "chart", "chart.png.txt"])
def test_save_figure_refuses_an_extension_it_cannot_write(charts, tmp_path, name):
    with pytest.raises(DataError, match=rf"{name}: .*expected .png, .pdf or .svg"):
        plots.save_figure(charts["cashflow"], tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_importing_ldi_does_not_load_matplotlib():
    """Commands that draw nothing (``ldi validate``, ``ldi risk``) do not pay for matplotlib."""
    code = "import sys, ldi, ldi.cli.main; sys.exit('matplotlib' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
