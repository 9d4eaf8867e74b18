"""QR codes as inline SVG, for the feedback link shown at the end of a session.

Drawn on the server with segno: no script, no image request, no style
attribute (the site's Content-Security-Policy allows neither); the colours are
SVG presentation attributes.
"""

import io

from django.utils.safestring import mark_safe

import segno

ERROR_LEVEL = "m"
SCALE = 10


def make(url: str) -> segno.QRCode:
    """The QR code of ``url`` (a full QR code, never a micro one: every phone
    reads those). Error correction is at least M; segno raises it when the
    code's size allows."""
    return segno.make_qr(url, error=ERROR_LEVEL)


def svg(url: str, *, title: str = "") -> str:
    """An ``<svg>`` element for the page (marked safe: segno escapes the
    title and the drawing holds no user text)."""
    code = make(url)
    buffer = io.BytesIO()
    code.save(
        buffer,
        kind="svg",
        scale=SCALE,
        dark="#000",
        light="#fff",
        title=title or None,
        svgclass="qr",
        lineclass=None,
        xmldecl=False,
        nl=False,
    )
    markup = buffer.getvalue().decode("utf-8")
    width, height = code.symbol_size(scale=SCALE)
    # Both a size and a viewBox, so that it can shrink on a small screen.
    markup = markup.replace(
        "<svg ", f'<svg role="img" viewBox="0 0 {width} {height}" ', 1
    )
    return mark_safe(markup)
