"""The projection report (ProjectionReport): the table ``ldi project`` prints and its fan chart.

The projection is the seeded one of tests/scenarios/test_projection.py; the text is checked
for its settings and against the projection's own table, the chart read back as a PNG file
(larger than 100 px, pixel standard deviation above 0.05: a blank image has 0).
"""

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
