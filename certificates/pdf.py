"""Printable certificates: A4 landscape, French and English on the same page,
drawn with reportlab (no browser).

One page says who (the holder's name as printed), what (the course or the
trainer level, in both languages), when, how long, who issued it, and how to
check it: a QR code with the verification link, the short link and the short
code to type. The programme's and the partner's logos come from the site
settings; a missing or unreadable logo is left out, never an error.

The wording of the page is fixed in both languages (:data:`WORDING`): a
certificate says the same thing whatever language its reader browses in.
Fonts, text cleaning and the document's metadata come from ``kalanso.pdf``:
DejaVu Sans when installed, for names written with Latin Extended letters;
Helvetica otherwise.
"""

import io
import logging
from decimal import Decimal

from django.utils import formats, translation

import segno
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth

from kalanso import pdf as shared
from kalanso.pdf import clean

from .models import Credential

logger = logging.getLogger(__name__)

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
MARGIN = 12 * mm
INK = colors.HexColor("#1f2937")
GREY = colors.HexColor("#4b5563")
ACCENT = colors.HexColor("#9a3412")
QR_SIZE = 32 * mm
LOGO_BOX = (50 * mm, 20 * mm)

Kind = Credential.Kind

# (French, English) for everything the page says.
WORDING = {
    "title": {
        Kind.COURSE: ("Certificat de réussite", "Certificate of completion"),
        Kind.TRAINER: ("Certificat de formateur", "Trainer certificate"),
        Kind.ATTENDANCE: ("Attestation de participation", "Certificate of attendance"),
    },
    "awarded_to": ("Décerné à", "Awarded to"),
    "for": {
        Kind.COURSE: (
            "pour avoir suivi avec succès le cours",
            "for successfully completing the course",
        ),
        Kind.TRAINER: ("certifié au niveau", "certified at the level of"),
        Kind.ATTENDANCE: (
            "pour sa participation à la formation en cascade",
            "for attending the cascade training",
        ),
    },
    "date": ("Date", "Date"),
    "hours": ("Durée", "Duration"),
    "issuer": ("Délivré par", "Issued by"),
    "valid_until": ("Valable jusqu'au", "Valid until"),
    "days": ("Présence", "Attendance"),
    "verify": ("Vérifier ce certificat", "Verify this certificate"),
    "edition": ("Édition corrigée", "Corrected edition"),
    "qr": (
        "Code QR du lien de vérification : {url}",
        "QR code of the verification link: {url}",
    ),
    "logo": ("Logo : {name}", "Logo: {name}"),
}


def _date(day, language) -> str:
    with translation.override(language):
        return formats.date_format(day, "DATE_FORMAT")


def _hours(value: Decimal, language) -> str:
    text = f"{value.normalize():f}"
    if language == "fr":
        return f"{text.replace('.', ',')} h"
    return f"{text} hour" + ("" if value == 1 else "s")


def _days(present: int, total: int, language) -> str:
    if language == "fr":
        return f"{present} jour{'s' if present > 1 else ''} sur {total}"
    return f"{present} of {total} day{'s' if total > 1 else ''}"


# Images ---------------------------------------------------------------------------


_LOGOS: dict = {}  # (image id, file hash) → PNG bytes, read once per process


def _logo_bytes(image_pk: int, file_hash: str) -> bytes | None:
    key = (image_pk, file_hash)
    if key in _LOGOS:
        return _LOGOS[key]
    from wagtail.images import get_image_model

    image = get_image_model().objects.filter(pk=image_pk).first()
    if image is None:
        return None
    try:
        rendition = image.get_rendition("max-600x240|format-png")
        with rendition.file.open("rb") as handle:
            data = handle.read()
    except Exception:  # noqa: BLE001 - a broken logo must not stop printing
        logger.warning("Cannot read logo image %s for certificates.", image_pk)
        return None  # not remembered: the next certificate tries again
    if len(_LOGOS) >= 16:
        _LOGOS.clear()
    _LOGOS[key] = data
    return data


def _logo(image) -> ImageReader | None:
    if image is None:
        return None
    data = _logo_bytes(image.pk, image.file_hash or str(image.file))
    if not data:
        return None
    try:
        return ImageReader(io.BytesIO(data))
    except Exception:  # noqa: BLE001
        logger.warning("Logo image %s is not readable.", image.pk)
        return None


def qr_png(url: str) -> bytes:
    """The QR code printed on the certificate, as a PNG (black on white)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=6, border=4)
    return buffer.getvalue()


class Assets:
    """What every page of a document shares: fonts and logos (read once)."""

    def __init__(self):
        from wagtail.models import Site

        from kalanso.home.models import SiteSettings

        self.fonts = shared.get_fonts()
        site = Site.objects.filter(is_default_site=True).first()
        settings = SiteSettings.for_site(site) if site else None
        self.programme_logo = _logo(settings.programme_logo) if settings else None
        self.partner_logo = _logo(settings.partner_logo) if settings else None
        # What a screen reader says for each logo: the image's title.
        self.programme_logo_name = _image_name(settings, "programme_logo")
        self.partner_logo_name = _image_name(settings, "partner_logo")


def _image_name(settings, field) -> str:
    image = getattr(settings, field, None) if settings else None
    return clean(getattr(image, "title", "") or "")


# Drawing ---------------------------------------------------------------------------


def _fit(text, font, size, width, minimum=10):
    while size > minimum and stringWidth(text, font, size) > width:
        size -= 1
    return size


def _draw_logo(page, image, x, y, align):
    if image is None:
        return
    width, height = image.getSize()
    box_w, box_h = LOGO_BOX
    scale = min(box_w / width, box_h / height)
    w, h = width * scale, height * scale
    left = x if align == "left" else x - w
    page.drawImage(image, left, y - h, w, h, mask="auto")


def _centred_lines(page, text, font, size, y, width, leading, colour=INK):
    page.setFont(font, size)
    page.setFillColor(colour)
    for line in simpleSplit(text, font, size, width)[:3]:
        page.drawCentredString(PAGE_WIDTH / 2, y, line)
        y -= leading
    return y


def draw_certificate(page, credential: Credential, assets: Assets) -> None:
    """Draw one certificate on the current page of ``page`` (a
    :class:`kalanso.pdftags.TaggedCanvas`): a section of the document's
    structure, read in order — logos (figures described by their title),
    issuer, the title as a heading (French, then English), holder,
    achievement, the details as a list, how to verify (the QR code a figure
    described by its link); the frame is decoration."""
    regular, bold = assets.fonts.regular, assets.fonts.bold
    kind = Kind(credential.kind)
    inner = PAGE_WIDTH - 2 * MARGIN - 24 * mm
    top = PAGE_HEIGHT - MARGIN
    language = page.language
    section = page.structure.child("Sect")

    def element(kind_, parent=section, lang=None, **entries):
        # A passage in the other language than the document's says so.
        if lang == language:
            lang = None
        return parent.child(kind_, Lang=lang, **entries)

    def say(pair, **values) -> str:
        text = pair[0] if language == "fr" else pair[1]
        return text.format(**values)

    # Frame
    with page.artifact():
        page.setStrokeColor(ACCENT)
        page.setLineWidth(2)
        page.rect(MARGIN, MARGIN, PAGE_WIDTH - 2 * MARGIN, PAGE_HEIGHT - 2 * MARGIN)
        page.setLineWidth(0.5)
        page.rect(
            MARGIN + 2 * mm,
            MARGIN + 2 * mm,
            PAGE_WIDTH - 2 * MARGIN - 4 * mm,
            PAGE_HEIGHT - 2 * MARGIN - 4 * mm,
        )

    # Logos, and the issuer between them
    issuer = clean(credential.issuer_name)
    for image, name, x, align in (
        (
            assets.programme_logo,
            assets.programme_logo_name,
            MARGIN + 6 * mm,
            "left",
        ),
        (
            assets.partner_logo,
            assets.partner_logo_name,
            PAGE_WIDTH - MARGIN - 6 * mm,
            "right",
        ),
    ):
        if image is not None:
            alt = say(WORDING["logo"], name=name or issuer)
            with page.tag(element("Figure", Alt=alt)):
                _draw_logo(page, image, x, top - 6 * mm, align)
    between_logos = PAGE_WIDTH - 2 * (MARGIN + 8 * mm + LOGO_BOX[0])
    with page.tag(element("P")):
        page.setFont(bold, _fit(issuer, bold, 13, between_logos, minimum=8))
        page.setFillColor(GREY)
        page.drawCentredString(PAGE_WIDTH / 2, top - 14 * mm, issuer)

    # Title, French then English
    title_fr, title_en = WORDING["title"][kind]
    heading = element("H1")
    with page.tag(element("Span", heading, lang="fr")):
        title_fr = title_fr.upper()
        page.setFillColor(ACCENT)
        page.setFont(bold, _fit(title_fr, bold, 28, inner, minimum=16))
        page.drawCentredString(PAGE_WIDTH / 2, top - 38 * mm, title_fr)
    with page.tag(element("Span", heading, lang="en")):
        page.setFont(regular, 15)
        page.setFillColor(GREY)
        page.drawCentredString(PAGE_WIDTH / 2, top - 46 * mm, title_en)

    # Holder
    y = top - 58 * mm
    with page.tag(element("P")):
        page.setFont(regular, 11)
        page.drawCentredString(PAGE_WIDTH / 2, y, " · ".join(WORDING["awarded_to"]))
    name = clean(credential.holder_name)
    with page.tag(element("P")):
        size = _fit(name, bold, 30, inner, minimum=14)
        page.setFont(bold, size)
        page.setFillColor(INK)
        page.drawCentredString(PAGE_WIDTH / 2, y - 13 * mm, name)

    # Achievement, French then English
    y -= 26 * mm
    for_fr, for_en = WORDING["for"][kind]
    with page.tag(element("P")):
        page.setFont(regular, 11)
        page.setFillColor(GREY)
        page.drawCentredString(PAGE_WIDTH / 2, y, f"{for_fr} · {for_en}")
    y -= 9 * mm
    with page.tag(element("P", lang="fr")):
        y = _centred_lines(
            page, clean(credential.achievement_fr), bold, 18, y, inner, 21
        )
    if credential.achievement_en != credential.achievement_fr:
        with page.tag(element("P", lang="en")):
            _centred_lines(
                page, clean(credential.achievement_en), regular, 15, y, inner, 18, GREY
            )

    # Details: label (FR / EN) over value (FR / EN)
    details = [
        (
            WORDING["date"],
            _date(credential.issued_on, "fr"),
            _date(credential.issued_on, "en"),
        )
    ]
    if credential.hours:
        details.append(
            (
                WORDING["hours"],
                _hours(credential.hours, "fr"),
                _hours(credential.hours, "en"),
            )
        )
    present, total = (
        credential.extra.get("days_present"),
        credential.extra.get("days_total"),
    )
    if present and total:
        details.append(
            (
                WORDING["days"],
                _days(present, total, "fr"),
                _days(present, total, "en"),
            )
        )
    if credential.valid_until:
        details.append(
            (
                WORDING["valid_until"],
                _date(credential.valid_until, "fr"),
                _date(credential.valid_until, "en"),
            )
        )
    details.append((WORDING["issuer"], issuer, ""))
    column = (PAGE_WIDTH - 2 * MARGIN - QR_SIZE - 24 * mm) / len(details)
    y_details = MARGIN + 32 * mm
    items = element("L")
    for number, ((label_fr, label_en), value_fr, value_en) in enumerate(details):
        with page.tag(items.child("LI").child("LBody")):
            x = MARGIN + 8 * mm + column * number + column / 2
            page.setFont(regular, 9)
            page.setFillColor(GREY)
            page.drawCentredString(x, y_details + 11 * mm, f"{label_fr} / {label_en}")
            page.setFillColor(INK)
            page.setFont(bold, _fit(value_fr, bold, 12, column - 4 * mm, minimum=7))
            page.drawCentredString(x, y_details + 5 * mm, value_fr)
            if value_en and value_en != value_fr:
                page.setFont(regular, _fit(value_en, regular, 10, column - 4 * mm, 7))
                page.drawCentredString(x, y_details, value_en)

    # Verification: the QR code (the full link), the short link and code to type
    qr_x = PAGE_WIDTH - MARGIN - 7 * mm - QR_SIZE
    qr_y = MARGIN + 7 * mm
    left = MARGIN + 8 * mm
    with page.tag(element("P")):
        page.setFillColor(GREY)
        page.setFont(regular, 9)
        verify = " · ".join(WORDING["verify"])
        page.drawString(
            left, MARGIN + 14 * mm, f"{verify} : {credential.short_link_url()}"
        )
    with page.tag(element("P")):
        page.setFont(bold, 12)
        page.setFillColor(INK)
        page.drawString(
            left, MARGIN + 8 * mm, f"Code : {credential.short_code_display}"
        )
    url = credential.verification_url()
    with page.tag(element("Figure", Alt=say(WORDING["qr"], url=url))):
        page.drawImage(
            ImageReader(io.BytesIO(qr_png(url))), qr_x, qr_y, QR_SIZE, QR_SIZE
        )
    if credential.edition > 1:
        with page.tag(element("P")):
            page.setFont(regular, 8)
            page.setFillColor(GREY)
            page.drawRightString(
                qr_x - 6 * mm, MARGIN + 8 * mm, " · ".join(WORDING["edition"])
            )


def _language(language=None) -> str:
    """The reader's language (the page is in both), for the document's title
    and language."""
    language = language or translation.get_language() or "fr"
    return "en" if language.startswith("en") else "fr"


def _document(title: str, language: str):
    buffer = io.BytesIO()
    page = shared.drawn_document(
        buffer, title=title, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), language=language
    )
    return buffer, page


def certificate_pdf(credential: Credential, language: str | None = None) -> bytes:
    """The certificate; its document title in the reader's language."""
    assets = Assets()
    language = _language(language)
    title_fr, title_en = WORDING["title"][Kind(credential.kind)]
    title = title_fr if language == "fr" else title_en
    buffer, page = _document(f"{title} — {clean(credential.holder_name)}", language)
    draw_certificate(page, credential, assets)
    page.showPage()
    page.save()
    return buffer.getvalue()


def batch_pdf(credentials, title: str) -> bytes:
    """One page per credential, for printing a whole session's certificates."""
    assets = Assets()
    buffer, page = _document(clean(title), _language())
    for credential in credentials:
        draw_certificate(page, credential, assets)
        page.showPage()
    page.save()
    return buffer.getvalue()
