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
