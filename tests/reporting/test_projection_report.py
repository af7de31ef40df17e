"""The projection report (ProjectionReport): the table ``ldi project`` prints and its fan chart.

The projection is the seeded one of tests/scenarios/test_projection.py; the text is checked
for its settings and against the projection's own table, the chart read back as a PNG file
(larger than 100 px, pixel standard deviation above 0.05: a blank image has 0).
"""

import numpy as np
from matplotlib import image

from ldi.reporting import ProjectionReport
from tests.scenarios.test_projection import engine, project


def test_text_and_fan_chart(tmp_path):
    projection = project(engine(90.0), years=3, rebalance="restrike")
    report = ProjectionReport(projection)
    text = report.as_text()
    assert "funding ratio over 3 years (400 paths, seed 7)" in text
    words = " ".join(text.split())
    assert "the hedge book is re-struck to the policy's key-rate PV01 and IE01" in words
    assert "onto today's forwards when markets do not move" in words
    assert "Scenarios: 1 curve factor, random walks, normal innovations." in words
    (row,) = [line.split() for line in text.splitlines() if line.startswith("3 ")]
    assert row[1] == f"{projection.table.loc[3, 'p50']:.1%}"
    path = tmp_path / "fan.png"
    report.plot(str(path))
    pixels = image.imread(str(path))
    assert pixels.shape[0] > 100
    assert pixels.std() > 0.05  # drawn, not blank


def test_the_fan_chart_names_its_policy_and_draws_the_percentiles():
    """Title: the positions named and the rule's yearly rebalance; bands and median in %.

    The median line and band edges are the projection's own percentiles of assets /
    liabilities per year (recomputed here with numpy from its paths), times 100.
    """
    projection = project(engine(90.0), years=3, rebalance="constant_mix")
    figure = ProjectionReport(projection, "optimized positions").figure()
    (axes,) = figure.axes
    assert axes.get_title() == (
        "Policy: optimized positions, constant mix, rebalanced yearly (400 paths, seed 7)"
    )
    assert ProjectionReport(projection).policy == "constant mix, rebalanced yearly"
    ratios = projection.assets / projection.liabilities
    (median,) = [line for line in axes.lines if line.get_label() == "median"]
    np.testing.assert_allclose(median.get_xdata(), np.arange(4))
    np.testing.assert_allclose(
        median.get_ydata(), np.percentile(ratios, 50, axis=0) * 100, rtol=1e-12
    )
    outer = axes.collections[0].get_paths()[0].vertices[:, 1]
    np.testing.assert_allclose(outer.max(), np.percentile(ratios, 95, axis=0).max() * 100)
    np.testing.assert_allclose(outer.min(), np.percentile(ratios, 5, axis=0).min() * 100)
