"""Mali's regions as SVG paths, from the Who's On First polygons in ``data/``.

The GeoJSON (pre-2016 boundaries: 8 regions and Bamako; see
``data/PROVENANCE.md``) is read once, projected (equirectangular, x scaled by
the cosine of the mean latitude), simplified (Douglas–Peucker) and kept in
memory as path strings.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "mali_regions_adm1.geojson"
WIDTH = 600
MARGIN = 10
TOLERANCE = 0.02  # degrees: about 2 km, far below a pixel of the map
ATTRIBUTION = "Data from Who's On First"
ATTRIBUTION_URL = "https://whosonfirst.org/docs/licenses/"


@dataclass(frozen=True)
class Shape:
    code: str
    name: str
    d: str
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Geometry:
    width: int
    height: int
    shapes: tuple

    @property
    def codes(self) -> set:
        return {shape.code for shape in self.shapes}


def _simplify(points: list, tolerance: float) -> list:
    """Douglas–Peucker, iterative (rings have thousands of points)."""
    if len(points) < 4:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy)
        worst, index = -1.0, None
        for i in range(first + 1, last):
            px, py = points[i]
            if norm:
                distance = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / norm
            else:
                distance = math.hypot(px - x1, py - y1)
            if distance > worst:
                worst, index = distance, i
        if index is not None and worst > tolerance:
            keep[index] = True
            stack.extend([(first, index), (index, last)])
    return [p for p, k in zip(points, keep, strict=True) if k]


def _rings(geometry: dict) -> list:
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    return [ring for polygon in geometry["coordinates"] for ring in polygon]


def _centroid(ring: list) -> tuple[float, float, float]:
    """(x, y, area) of a ring (shoelace formula)."""
    area = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x1 * y2 - x2 * y1
        area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    if not area:
        xs, ys = zip(*ring, strict=True)
        return sum(xs) / len(xs), sum(ys) / len(ys), 0.0
    return cx / (3 * area), cy / (3 * area), abs(area) / 2


@lru_cache(maxsize=1)
def geometry() -> Geometry:
    data = json.loads(DATA.read_text("utf-8"))
    features = data["features"]
    rings_by_code = {}
    for feature in features:
        code = feature["properties"]["iso_3166_2"]
        rings_by_code[code] = (
            feature["properties"].get("name_fr") or feature["properties"]["name"],
            [_simplify(ring, TOLERANCE) for ring in _rings(feature["geometry"])],
        )
    points = [p for _n, rings in rings_by_code.values() for r in rings for p in r]
    min_lon = min(p[0] for p in points)
    max_lon = max(p[0] for p in points)
    min_lat = min(p[1] for p in points)
    max_lat = max(p[1] for p in points)
    cos_lat = math.cos(math.radians((min_lat + max_lat) / 2))
    scale = (WIDTH - 2 * MARGIN) / ((max_lon - min_lon) * cos_lat)
    height = round((max_lat - min_lat) * scale + 2 * MARGIN)

    def project(lon, lat):
        return (
            MARGIN + (lon - min_lon) * cos_lat * scale,
            MARGIN + (max_lat - lat) * scale,
        )

    shapes = []
    for code, (name, rings) in rings_by_code.items():
        parts, best = [], (0.0, 0.0, -1.0)
        for ring in rings:
            projected = [project(lon, lat) for lon, lat in ring]
            if projected[0] == projected[-1]:
                projected = projected[:-1]
            if len(projected) < 3:
                continue
            parts.append(
                "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in projected) + " Z"
            )
            centre = _centroid(projected)
            if centre[2] > best[2]:
                best = centre
        shapes.append(
            Shape(
                code=code,
                name=name,
                d=" ".join(parts),
                label_x=best[0],
                label_y=best[1],
            )
        )
    return Geometry(width=WIDTH, height=height, shapes=tuple(shapes))
