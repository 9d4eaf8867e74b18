"""The map of Mali: nine outlines from the Who's On First data, drawn as SVG
without style attributes; Ménaka and Taoudénit are said to be missing."""

import re

import pytest

from reporting import charts, geo, presenters, report

pytestmark = pytest.mark.django_db


def test_geometry_has_the_pre_2016_regions():
    geometry = geo.geometry()
    assert geometry.codes == {f"ML-{n}" for n in range(1, 9)} | {"ML-BKO"}
    for shape in geometry.shapes:
        assert shape.d.startswith("M") and shape.d.endswith("Z")
        assert 0 <= shape.label_x <= geometry.width
        assert 0 <= shape.label_y <= geometry.height
    # Simplified: a few hundred points, not the source's 12,000.
    points = sum(shape.d.count(" L") + 1 for shape in geometry.shapes)
    assert points < 3000


def test_map_svg_is_accessible_and_has_no_style_attribute(programme):
    data = report.build()
    svg = str(presenters.region_map(data))
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "<title" in svg and "<desc" in svg
    assert "style=" not in svg and "<script" not in svg
    assert "Gao: 7" in svg  # 1 online + 6 in cascade sessions
    assert presenters.missing_polygons(data) == ["Ménaka", "Taoudénit"]


def test_hidden_figures_are_not_drawn():
    svg = str(
        charts.bars(
            "t", "d", ["a", "b"], [charts.Series("s", [None, 12], labels=["<5", 12])]
        )
    )
    assert "&lt;5" in svg
    assert len(re.findall(r"<rect ", svg)) == 1


def _axis_labels(svg):
    """(x, text) of the column chart's axis labels (the texts under the plot)."""
    found = re.findall(
        r'<text x="([\d.]+)" y="238" text-anchor="middle"[^>]*>([^<]*)</text>', svg
    )
    return [(float(x), text) for x, text in found]


@pytest.mark.parametrize("months", [3, 12, 13, 24, 40])
def test_timeline_month_labels_never_overlap(months):
    """Each label is drawn where its neighbours leave room for it: centres
    at least the label's width (12 px sans-serif, generous) plus a gap apart;
    the first month is always labelled, and short timelines label them all."""
    categories = [f"{2024 + m // 12}-{m % 12 + 1:02d}" for m in range(months)]
    svg = charts.columns(
        "t", "d", categories, [charts.Series("s", list(range(1, months + 1)))]
    )
    labels = _axis_labels(svg)
    assert labels and labels[0][1] == categories[0]
    widest = max(charts.text_width(text) for _x, text in labels)
    gaps = [b[0] - a[0] for a, b in zip(labels, labels[1:], strict=False)]
    assert all(gap >= widest + charts.LABEL_GAP for gap in gaps), gaps
    if months <= 6:
        assert [text for _x, text in labels] == categories
    # Enough labels to read the axis: no more than two slots' worth apart.
    slot = (labels[1][0] - labels[0][0]) if len(labels) > 1 else None
    if slot is not None:
        assert slot <= 2 * (widest + charts.LABEL_GAP) + 40
