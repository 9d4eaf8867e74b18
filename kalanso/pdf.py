"""What every PDF of the site shares, drawn with reportlab (no browser): the
fonts, text made safe to print, and the document set-up.

The PDFs themselves belong to their apps: paper tests and answer keys in
``assessments.pdf``, certificates in ``certificates.pdf``.

Fonts
-----
DejaVu Sans (Debian package ``fonts-dejavu-core``) is registered when found
(:func:`find_dejavu`), for the Latin Extended letters used in Bambara,
Fulfulde, Songhay… (ɛ, ɔ, ŋ, ɲ) and in people's names. Without it the PDFs fall
back to Helvetica, whose standard encoding covers French (é è à ç ô œ « »);
other characters print as black squares, never an error. With DejaVu, every
font in the files is embedded: each page's initial font, list bullets
(``bulletFontName``) and plain table cells (:func:`table`) use it too, never
Helvetica, which PDF readers would have to substitute. reportlab does not
shape Arabic script nor reorder right-to-left text. The setting
``KALANSO_PDF_FONT_DIRS`` (optional) names folders to try first.

Text
----
Whatever people typed goes through :func:`clean` (no control characters, no
lone surrogates) and, inside a platypus ``Paragraph``, :func:`markup` (escaped:
what looks like markup is printed, never interpreted). :func:`html_lines`
turns rich text into lines of plain text.

Documents
---------
:func:`flowing_document` (platypus: text that flows over pages) and
:func:`drawn_document` (a canvas: fixed layouts) give every PDF the same
metadata: a title on one line (shown by readers instead of the file name),
the document's language, Kalanso as author and creator, and tagging
(:mod:`kalanso.pdftags`): a structure tree that screen readers follow.

Typography: :func:`markup` puts no-break spaces before ``: ; ! ? » %`` and
after ``«`` ("Réponse :" never leaves its colon alone on a line);
:func:`percent_text` writes "100 %" in French and "100%" in English.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils.html import strip_tags
from django.utils.translation import get_language

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

logger = logging.getLogger(__name__)

AUTHOR = "Kalanso"
TITLE_LENGTH = 250

# Fonts ----------------------------------------------------------------------------

# Where DejaVu Sans lives on common systems, after settings.KALANSO_PDF_FONT_DIRS.
FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",  # Debian, Ubuntu (fonts-dejavu-core)
    "/usr/share/fonts/dejavu-sans-fonts",  # Fedora
    "/usr/share/fonts/dejavu",  # Alpine
    "/usr/share/fonts/TTF",  # Arch
    "/usr/local/share/fonts/dejavu",
)
REGULAR_FILE = "DejaVuSans.ttf"
BOLD_FILE = "DejaVuSans-Bold.ttf"


@dataclass(frozen=True)
class Fonts:
    regular: str
    bold: str
    unicode: bool  # a TTF with Latin Extended, or Helvetica (Latin-1 only)


HELVETICA = Fonts("Helvetica", "Helvetica-Bold", unicode=False)


def _dejavu_files() -> Iterator[tuple[Path, Path | None]]:
    """(regular, bold or None) for each folder that holds DejaVu Sans."""
    for directory in [*getattr(settings, "KALANSO_PDF_FONT_DIRS", ()), *FONT_DIRS]:
        regular = Path(directory) / REGULAR_FILE
        bold = Path(directory) / BOLD_FILE
        if regular.is_file():
            yield regular, bold if bold.is_file() else None


def find_dejavu() -> tuple[Path, Path | None] | None:
    """Where DejaVu Sans is on this system (regular, and bold when it is
    there), or None: the PDFs then print in Helvetica."""
    return next(_dejavu_files(), None)


@functools.cache
def get_fonts() -> Fonts:
    """Register DejaVu Sans once if the system has it, else use Helvetica.
    Callers look it up here at drawing time (``kalanso.pdf.get_fonts()``), so
    that a test can replace it."""
    for regular, bold in _dejavu_files():
        try:
            pdfmetrics.registerFont(TTFont("KalansoSans", str(regular)))
            bold_name = "KalansoSans"
            if bold is not None:
                pdfmetrics.registerFont(TTFont("KalansoSans-Bold", str(bold)))
                bold_name = "KalansoSans-Bold"
        except (OSError, TTFError, ValueError):
            logger.warning("Cannot load %s; trying other fonts.", regular)
            continue
        pdfmetrics.registerFontFamily(
            "KalansoSans",
            normal="KalansoSans",
            bold=bold_name,
            italic="KalansoSans",
            boldItalic=bold_name,
        )
        return Fonts("KalansoSans", bold_name, unicode=True)
    logger.warning(
        "DejaVu Sans not found (install fonts-dejavu-core): PDFs use Helvetica, "
        "which cannot print letters such as ɛ or ŋ."
    )
    return HELVETICA


# Text -----------------------------------------------------------------------------

_SPACES = re.compile(r"[ \t\n\f\v]+")  # not no-break spaces: they are kept
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff\ufffe\uffff]")


def clean(text) -> str:
    """Text safe to hand to reportlab: no lone surrogates, no control chars."""
    text = "" if text is None else str(text)
    text = text.encode("utf-8", "replace").decode("utf-8")
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


NBSP = "\u00a0"
# A space before a colon, semicolon, question or exclamation mark, closing
# guillemet or per cent sign, or after an opening guillemet (French
# typography): made a no-break space so that the sign never starts a line
# alone ("Réponse :" never leaves its colon on the next line).
_BEFORE_SIGN = re.compile(r"[ \t]+(?=[:;!?»%])")
_AFTER_GUILLEMET = re.compile(r"«[ \t]+")


def keep_together(text: str) -> str:
    text = _BEFORE_SIGN.sub(NBSP, text)
    return _AFTER_GUILLEMET.sub("«" + NBSP, text)


def markup(text) -> str:
    """Plain text as Paragraph markup: escaped, line breaks kept, no line
    break before a colon (:func:`keep_together`)."""
    return escape(keep_together(clean(text))).replace("\n", "<br/>")


def percent_text(value: str, language: str | None = None) -> str:
    """A formatted number as a percentage in the language's way: "100 %"
    (no-break space) in French, "100%" in English."""
    language = language or get_language() or "fr"
    return f"{value}%" if language.startswith("en") else f"{value}{NBSP}%"


class _TextLines(HTMLParser):
    """Rich text to lines of plain text: one line per paragraph, heading or
    list item (items prefixed with a bullet or their number)."""

    BLOCKS = {
        *("p", "div", "br", "hr", "li", "ul", "ol", "dl", "dt", "dd", "tr", "table"),
        *("h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "section"),
        *("article", "header", "footer", "figure", "figcaption", "address"),
    }
    HIDDEN = {
        *("script", "style", "template", "noscript", "head", "title", "iframe"),
        *("object", "embed", "svg", "canvas", "select", "textarea"),
    }

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines, self._buffer, self._lists, self._hidden = [], [], [], 0

    def _flush(self):
        text = _SPACES.sub(" ", "".join(self._buffer)).strip(" ")
        if text:
            self.lines.append(text)
        self._buffer = []

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self._hidden += 1
            return
        if tag in self.BLOCKS:
            self._flush()
        if tag in ("ul", "ol"):
            self._lists.append([tag, 0])
        elif tag == "li" and not self._hidden:
            if self._lists and self._lists[-1][0] == "ol":
                self._lists[-1][1] += 1
                self._buffer.append(f"{self._lists[-1][1]}. ")
            else:
                self._buffer.append("• ")

    def handle_startendtag(self, tag, attrs):
        if tag in self.BLOCKS:
            self._flush()

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self._hidden = max(0, self._hidden - 1)
            return
        if tag in self.BLOCKS:
            self._flush()
        if tag in ("ul", "ol") and self._lists:
            self._lists.pop()

    def handle_data(self, data):
        if not self._hidden:
            self._buffer.append(data)

    def close(self):
        super().close()
        self._flush()


def html_lines(html) -> list[str]:
    """The visible text of rich text (HTML), one string per block."""
    html = clean(html)
    parser = _TextLines()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # noqa: BLE001 - malformed markup must never stop printing
        try:
            text = strip_tags(html)
        except Exception:  # noqa: BLE001
            text = re.sub(r"<[^>]*>", " ", html)
        lines = (_SPACES.sub(" ", line).strip(" ") for line in text.splitlines())
        return [line for line in lines if line]
    return parser.lines


# Documents ------------------------------------------------------------------------


def table(rows, **options):
    """A platypus Table whose plain-text cells (even empty ones) use the
    site's font: reportlab's default, Helvetica, would be referenced in the
    file without being embedded."""
    from reportlab.platypus import Table

    grid = Table(rows, **options)
    grid.setStyle([("FONT", (0, 0), (-1, -1), get_fonts().regular)])
    return grid


def document_title(title) -> str:
    """A title for the PDF's metadata: cleaned, on one line, not too long."""
    return " ".join(clean(title).split())[:TITLE_LENGTH]


def flowing_document(
    buffer: IO[bytes],
    *,
    title,
    language: str,
    invariant: bool = False,
    **layout,
):
    """A platypus document (text flowing over pages) with the site's
    metadata, written as a tagged PDF (:mod:`kalanso.pdftags`: the story's
    paragraphs, lists and tables become its structure; what the page
    callbacks draw, such as footers, is an artifact). ``invariant``: the same
    content always gives the same bytes (no creation date, no random id).
    ``layout``: page size and margins."""
    from reportlab.platypus import SimpleDocTemplate

    from kalanso import pdftags

    class TaggedDocument(SimpleDocTemplate):
        def build(self, story, onFirstPage=None, onLaterPages=None, **kwargs):
            def artifact(draw):
                def drawn(canvas, doc):
                    with canvas.artifact():
                        draw(canvas, doc)

                return drawn if draw else (lambda canvas, doc: None)

            pdftags.tag_story(story, self._structure)
            super().build(
                story,
                onFirstPage=artifact(onFirstPage),
                onLaterPages=artifact(onLaterPages),
                canvasmaker=self._canvas,
                **kwargs,
            )

        def _canvas(self, *args, **kwargs):
            canvas = pdftags.TaggedCanvas(*args, **kwargs)
            canvas.structure = self._structure
            return canvas

    document = TaggedDocument(
        buffer,
        title=document_title(title),
        author=AUTHOR,
        creator=AUTHOR,
        lang=language,
        invariant=invariant,
        # Not Helvetica, which reportlab would otherwise set on every page.
        initialFontName=get_fonts().regular,
        displayDocTitle=True,
        **layout,
    )
    document._structure = pdftags.Element("Document")
    return document


def drawn_document(buffer: IO[bytes], *, title, pagesize, language: str = "fr"):
    """A canvas (fixed layout, drawn page by page) with the site's metadata,
    written as a tagged PDF: the caller draws inside ``page.tag(element)``
    (elements under ``page.structure``) or ``page.artifact()``."""
    from kalanso.pdftags import TaggedCanvas

    page = TaggedCanvas(
        buffer,
        pagesize=pagesize,
        initialFontName=get_fonts().regular,
        lang=language,
    )
    page.language = language
    page.setViewerPreference("DisplayDocTitle", "true")
    page.setTitle(document_title(title))
    page.setAuthor(AUTHOR)
    page.setCreator(AUTHOR)
    return page
