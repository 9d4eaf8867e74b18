"""Charts drawn on the server as SVG: readable without JavaScript, styled with
SVG attributes only (the Content-Security-Policy forbids style attributes).

Every chart has a title and a description for screen readers
(``role="img"`` + ``aria-labelledby``); the page puts the same figures in a
table beneath it. A hidden figure (``"<5"`` or ``"x"`` once suppressed) is
drawn as no bar, with its marker as the label.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from . import geo

FONT = 'font-family="sans-serif" font-size="12"'
TEXT = "#1a1a1a"
MUTED = "#595959"
GRID = "#d0d0d0"
# Colour-blind-safe pairs with enough contrast on white (Okabe–Ito based).
PALETTE = ["#0b5a8a", "#b35900", "#2e7d32", "#6a3d9a", "#8a1c1c"]
MAP_SCALE = ["#eef3f8", "#c6dbef", "#85b3d9", "#3f83bd", "#0b4f80"]
NO_DATA = "#f2f2f2"
_ids = itertools.count(1)


@dataclass
class Series:
    name: str
    values: list  # numbers, or None when hidden / no data
    labels: list | None = None  # what to print next to each bar


def _fmt(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return number_format(value, 1)
    if isinstance(value, int):
        return number_format(value, force_grouping=True)
    return str(value)


def _open(width, height, title, desc):
    n = next(_ids)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" role="img" aria-labelledby="chart{n}-t chart{n}-d" '
        f'class="chart">'
        f'<title id="chart{n}-t">{escape(title)}</title>'
        f'<desc id="chart{n}-d">{escape(desc)}</desc>'
    )


def _legend(series, y, x=0):
    parts = []
    for i, s in enumerate(series):
        colour = PALETTE[i % len(PALETTE)]
        parts.append(
            f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 18}" y="{y}" {FONT} fill="{TEXT}">{escape(s.name)}</text>'
        )
        x += 30 + 7 * len(s.name)
    return "".join(parts)


def bars(title, desc, categories, series, *, unit="", max_value=None):
    """Horizontal bars: one group per category, one bar per series."""
    label_width, value_width, plot = 190, 70, 320
    bar, gap = 14, 10
    group = bar * len(series) + gap
    legend = 24 if len(series) > 1 else 0
    height = legend + group * len(categories) + 10
    width = label_width + plot + value_width
    numbers = [v for s in series for v in s.values if isinstance(v, int | float)]
    top = max_value or max(numbers, default=0) or 1
    out = [_open(width, height, title, desc)]
    if legend:
        out.append(_legend(series, 14))
    for c, category in enumerate(categories):
        y0 = legend + c * group
        out.append(
            f'<text x="{label_width - 8}" y="{y0 + group / 2}" text-anchor="end" '
            f'dominant-baseline="middle" {FONT} fill="{TEXT}">'
            f"{escape(_short(category))}</text>"
        )
        for i, s in enumerate(series):
            value = s.values[c]
            y = y0 + i * bar
            label = s.labels[c] if s.labels else value
            if isinstance(value, int | float) and value > 0:
                w = max(1.0, plot * value / top)
                out.append(
                    f'<rect x="{label_width}" y="{y}" width="{w:.1f}" '
                    f'height="{bar - 2}" fill="{PALETTE[i % len(PALETTE)]}"/>'
                )
            else:
                w = 0
            out.append(
                f'<text x="{label_width + w + 4:.1f}" y="{y + bar / 2}" '
                f'dominant-baseline="middle" {FONT} fill="{MUTED}">'
                f"{escape(_fmt(label))}{escape(unit) if isinstance(label, int | float) else ''}</text>"
            )
    out.append(
        f'<line x1="{label_width}" y1="{legend}" x2="{label_width}" '
        f'y2="{height - 10}" stroke="{GRID}"/>'
    )
    out.append("</svg>")
    return mark_safe("".join(out))


# A generous width per character of the 12 px sans-serif labels (digits and
# most letters are narrower), and the space kept between two labels.
CHAR_WIDTH = 7.5
LABEL_GAP = 8


def text_width(text) -> float:
    return len(str(text)) * CHAR_WIDTH


def label_step(categories, slot) -> int:
    """Label every n-th column so that no two labels overlap: the centres of
    two labelled columns are at least the widest label plus a gap apart."""
    widest = max((text_width(c) for c in categories), default=0)
    return max(1, math.ceil((widest + LABEL_GAP) / slot))


def columns(title, desc, categories, series):
    """Stacked vertical columns (people trained over time)."""
    left, bottom, plot_h = 50, 40, 200
    # Columns are wide enough for their label when there is room for it.
    room = max(40, math.ceil(max((text_width(c) for c in categories), default=0)))
    slot = max(12, min(room + LABEL_GAP, 560 // max(len(categories), 1)))
    width = left + slot * len(categories) + 10
    height = 24 + plot_h + bottom
    totals = [
        sum(s.values[c] for s in series if isinstance(s.values[c], int | float))
        for c in range(len(categories))
    ]
    top = max(totals, default=0) or 1
    out = [_open(max(width, 320), height, title, desc), _legend(series, 14)]
    base_y = 24 + plot_h
    for tick in (0, 0.5, 1):
        y = base_y - plot_h * tick
        out.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{left - 4}" y="{y:.1f}" text-anchor="end" dominant-baseline="middle" '
            f'{FONT} fill="{MUTED}">{escape(_fmt(round(top * tick)))}</text>'
        )
    every = label_step(categories, slot)
    for c, category in enumerate(categories):
        x = left + c * slot + 2
        y = base_y
        for i, s in enumerate(series):
            value = s.values[c]
            if isinstance(value, int | float) and value > 0:
                h = plot_h * value / top
                y -= h
                out.append(
                    f'<rect x="{x}" y="{y:.1f}" width="{slot - 4}" height="{h:.1f}" '
                    f'fill="{PALETTE[i % len(PALETTE)]}"/>'
                )
        if c % every == 0:
            out.append(
                f'<text x="{x + (slot - 4) / 2:.1f}" y="{base_y + 14}" text-anchor="middle" '
                f'{FONT} fill="{MUTED}">{escape(category)}</text>'
            )
    out.append("</svg>")
    return mark_safe("".join(out))


def choropleth(title, desc, figures: dict, *, legend_title=""):
    """Mali's regions shaded by ``figures[code] = (number or None, label)``."""
    geometry = geo.geometry()
    numbers = [v for v, _l in figures.values() if isinstance(v, int | float)]
    top = max(numbers, default=0)
    legend_h = 40
    out = [_open(geometry.width, geometry.height + legend_h, title, desc)]
    for shape in geometry.shapes:
        value, label = figures.get(shape.code, (None, None))
        if isinstance(value, int | float) and top:
            step = min(len(MAP_SCALE) - 1, int(len(MAP_SCALE) * value / (top + 1e-9)))
            fill = MAP_SCALE[step] if value > 0 else "#ffffff"
        else:
            fill = NO_DATA
        out.append(
            f'<path d="{shape.d}" fill="{fill}" stroke="#4d4d4d" stroke-width="0.8">'
            f"<title>{escape(shape.name)}: {escape(_fmt(label))}</title></path>"
        )
    for shape in geometry.shapes:
        value, label = figures.get(shape.code, (None, None))
        x, y = shape.label_x, shape.label_y
        if shape.code == "ML-BKO":
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{TEXT}"/>')
            y += 14
        dark = isinstance(value, int | float) and top and value / top > 0.6
        colour = "#ffffff" if dark else TEXT
        out.append(
            f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" {FONT} '
            f'fill="{colour}">{escape(shape.name)}</text>'
            f'<text x="{x:.1f}" y="{y + 14:.1f}" text-anchor="middle" {FONT} '
            f'font-weight="bold" fill="{colour}">{escape(_fmt(label))}</text>'
        )
    y = geometry.height + 14
    x = 10
    if legend_title:
        out.append(
            f'<text x="{x}" y="{y}" {FONT} fill="{TEXT}">{escape(legend_title)}</text>'
        )
        y += 18
    for i, colour in enumerate(MAP_SCALE):
        low = round(top * i / len(MAP_SCALE))
        out.append(
            f'<rect x="{x + i * 70}" y="{y - 10}" width="16" height="12" fill="{colour}" '
            f'stroke="#4d4d4d" stroke-width="0.5"/>'
            f'<text x="{x + i * 70 + 20}" y="{y}" {FONT} fill="{MUTED}">'
            f"≥ {escape(_fmt(low))}</text>"
        )
    # Outside the f-string: xgettext does not read calls inside one, so the
    # label never reached the catalogue and stayed English on French pages.
    no_data = _("hidden or none")
    out.append(
        f'<rect x="{x + 5 * 70}" y="{y - 10}" width="16" height="12" fill="{NO_DATA}" '
        f'stroke="#4d4d4d" stroke-width="0.5"/>'
        f'<text x="{x + 5 * 70 + 20}" y="{y}" {FONT} fill="{MUTED}">'
        f"{escape(no_data)}</text>"
    )
    out.append("</svg>")
    return mark_safe("".join(out))


def _short(text, limit=28):
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
