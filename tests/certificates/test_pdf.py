"""The printed certificate: what it says (text extracted from the PDF), its
QR code (decoded) and the logos; the batch of a session."""

import io
from datetime import date
from decimal import Decimal

from django.core.files.images import ImageFile
from django.urls import reverse
from django.utils import translation

from wagtail.images import get_image_model
from wagtail.models import Site

import pypdf
import pytest
import zxingcpp
from PIL import Image

from certificates import issuance
from certificates.models import Credential, format_short_code
from certificates.pdf import batch_pdf, certificate_pdf
from kalanso import pdf as kalanso_pdf
from kalanso.home.models import SiteSettings
from kalanso.pdf import get_fonts
from tests import pdfcheck

pytestmark = pytest.mark.django_db


def pages(data: bytes):
    return pypdf.PdfReader(io.BytesIO(data)).pages


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pages(data))


def qr_codes(page) -> list[str]:
    found = []
    for image in page.images:
        found += [barcode.text for barcode in zxingcpp.read_barcodes(image.image)]
    return found


def logo(colour, size, title):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return get_image_model().objects.create(
        title=title, file=ImageFile(buffer, name=f"{title}.png")
    )


@pytest.fixture
def holder_named(course_credential):
    Credential.objects.filter(pk=course_credential.pk).update(
        holder_name="Aminata Traoré", hours=Decimal("12.5"), issued_on=date(2025, 3, 4)
    )
    course_credential.refresh_from_db()
    return course_credential


def test_a4_landscape_with_everything_in_both_languages(holder_named, course):
    credential = holder_named
    data = certificate_pdf(credential)
    (page,) = pages(data)
    assert round(float(page.mediabox.width)) == 842
    assert round(float(page.mediabox.height)) == 595
    text = page.extract_text()
    for expected in (
        "Aminata Traoré",
        course.title,
        "CERTIFICAT DE RÉUSSITE",
        "Certificate of completion",
        "4 mars 2025",  # French date
        "March 4, 2025",  # English date
        "12,5 h",
        "12.5 hours",
        "Kalanso",  # issuer
        credential.short_code_display,
        credential.short_link_url(),
    ):
        assert expected in text, expected


def test_english_title_printed_under_the_french_one(trainee, course):
    from courses.models import LessonPage
    from courses.services import lesson_complete

    for lesson in LessonPage.objects.live().descendant_of(course):
        lesson_complete(user=trainee, lesson=lesson, course=course)
    credential = issuance.course_credential_issue(
        user_id=trainee.pk, course_key=course.translation_key
    )
    Credential.objects.filter(pk=credential.pk).update(
        achievement_fr="Sensibilité aux conflits",
        achievement_en="Conflict sensitivity",
    )
    credential.refresh_from_db()
    text = text_of(certificate_pdf(credential))
    assert "Sensibilité aux conflits" in text
    assert "Conflict sensitivity" in text


def test_qr_code_leads_to_the_verification_page(holder_named, client):
    (page,) = pages(certificate_pdf(holder_named))
    assert qr_codes(page) == [holder_named.verification_url()]
    response = client.get(holder_named.verification_path(), follow=True)
    assert response.status_code == 200
    assert "Aminata Traoré" in response.content.decode()


def test_trainer_certificate_says_valid_until(candidate, master, run_tasks):
    from trainers import certification
    from trainers.models import TrainerProfile

    with run_tasks():
        certification.certify(TrainerProfile.objects.get(user=candidate), by=master)
    credential = Credential.objects.get(kind=Credential.Kind.TRAINER)
    text = text_of(certificate_pdf(credential))
    assert "Formateur certifié" in text and "Certified trainer" in text
    assert "Valable jusqu'au" in text and "Valid until" in text
    assert str(credential.valid_until.year) in text


def test_logos_from_the_site_settings(holder_named):
    (page,) = pages(certificate_pdf(holder_named))
    assert len(page.images) == 1  # the QR code: no logo set, no error

    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.programme_logo = logo("#9a3412", (400, 160), "programme")
    settings.partner_logo = logo("#1d4ed8", (200, 200), "partner")
    settings.save()
    (page,) = pages(certificate_pdf(holder_named))
    sizes = sorted(image.image.size for image in page.images)
    assert (400, 160) in sizes and (200, 200) in sizes
    assert len(sizes) == 3


def test_unreadable_logo_is_left_out(holder_named):
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    broken = logo("#000000", (10, 10), "broken")
    broken.file.storage.delete(broken.file.name)
    settings.programme_logo = broken
    settings.save()
    (page,) = pages(certificate_pdf(holder_named))
    assert len(page.images) == 1


def test_letters_beyond_latin_1(holder_named):
    """With DejaVu Sans (CI installs it; see tests/kalanso/test_pdf.py) the
    holder's name prints letter for letter."""
    Credential.objects.filter(pk=holder_named.pk).update(holder_name="Ɲɛlen Dɔgɔ")
    holder_named.refresh_from_db()
    assert get_fonts().unicode
    assert "Ɲɛlen Dɔgɔ" in text_of(certificate_pdf(holder_named))


def test_letters_beyond_latin_1_in_helvetica(holder_named, monkeypatch):
    """Without DejaVu: the certificate is still made, in Helvetica, with the
    name's other letters where they belong (the others cannot print)."""
    monkeypatch.setattr(kalanso_pdf, "get_fonts", lambda: kalanso_pdf.HELVETICA)
    Credential.objects.filter(pk=holder_named.pk).update(holder_name="Ɲɛlen Dɔgɔ")
    holder_named.refresh_from_db()
    data = certificate_pdf(holder_named)
    assert b"/BaseFont /Helvetica" in data
    text = text_of(data)
    assert "\n■■len D■g■\n" in text
    assert f"Code : {format_short_code(holder_named.short_code)}" in text


def test_batch_has_one_page_per_attendance_certificate(attendance_session):
    credentials = Credential.objects.filter(session=attendance_session).order_by(
        "holder_name"
    )
    data = batch_pdf(credentials, attendance_session.title)
    printed = pages(data)
    assert len(printed) == 2
    assert "Fatoumata Koné" in printed[0].extract_text()
    assert "Oumar Sangaré" in printed[1].extract_text()
    assert "ATTESTATION DE PARTICIPATION" in printed[0].extract_text()
    assert "2 jours sur 2" in printed[0].extract_text()
    assert "1 of 2 days" in printed[1].extract_text()
    for page, credential in zip(printed, credentials, strict=True):
        assert qr_codes(page) == [credential.verification_url()]


def test_session_batch_download(attendance_session, own_trainer, client, manager):
    Credential.objects.filter(holder_name="Oumar Sangaré").update(
        revoked_at="2025-01-01T00:00:00Z"
    )
    client.force_login(own_trainer)
    response = client.get(
        reverse("certificates:session_pdf", args=[attendance_session.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    printed = pages(response.content)
    assert len(printed) == 1  # the revoked certificate is not printed
    assert "Fatoumata Koné" in printed[0].extract_text()
    from kalanso.accounts.models import AuditEntry

    assert AuditEntry.objects.filter(
        action="attendance_certificates_printed", actor=own_trainer
    ).exists()


def test_holder_downloads_the_pdf(course_credential, trainee, client):
    client.force_login(trainee)
    response = client.get(reverse("certificates:pdf", args=[course_credential.pk]))
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "attachment" in response["Content-Disposition"]
    assert trainee.full_name in text_of(response.content)


def test_qr_code_and_short_link_use_the_address_the_reader_reached(
    course_credential, trainee, client
):
    """Served under another port than BASE_URL's (make run PORT=8101), the
    downloaded certificate's QR code and printed link lead to that server."""
    client.force_login(trainee)
    response = client.get(
        reverse("certificates:pdf", args=[course_credential.pk]),
        HTTP_HOST="127.0.0.1:8101",
    )
    (page,) = pages(response.content)
    path = course_credential.verification_path()
    assert qr_codes(page) == [f"http://127.0.0.1:8101{path}"]
    short = reverse("certificate_short", args=[course_credential.short_code_display])
    assert f"http://127.0.0.1:8101{short}" in page.extract_text()


def test_without_a_request_the_wagtail_sites_root_url(course_credential):
    """Printed outside a request (task worker, command): the default Wagtail
    Site's root URL, not BASE_URL."""
    Site.objects.filter(is_default_site=True).update(
        hostname="kalanso.example.org", port=443
    )
    (page,) = pages(certificate_pdf(course_credential))
    path = course_credential.verification_path()
    assert qr_codes(page) == [f"https://kalanso.example.org{path}"]


def test_document_title_and_language_follow_the_reader(holder_named):
    for language, title in (
        ("fr", "Certificat de réussite — Aminata Traoré"),
        ("en", "Certificate of completion — Aminata Traoré"),
    ):
        with translation.override(language):
            info = pdfcheck.structure(certificate_pdf(holder_named))
        assert info["title"] == title
        assert info["lang"] == language
        assert info["creator"] == "Kalanso" and info["display_title"]


def test_every_font_is_embedded(holder_named, attendance_session):
    batch = batch_pdf(
        Credential.objects.filter(session=attendance_session), "Session à Mopti"
    )
    for data in (certificate_pdf(holder_named), batch):
        found = pdfcheck.fonts(data)
        assert found and all(found.values()), found


def test_certificates_are_tagged(holder_named, attendance_session):
    """A screen reader follows a structure tree: the certificate's title as
    the heading (its English line marked English in a French document), the
    holder and achievement as paragraphs, the details as a list, the logos
    and the QR code as figures described in the document's language."""
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.programme_logo = logo("#9a3412", (400, 160), "Programme Kalanso")
    settings.save()
    with translation.override("fr"):
        data = certificate_pdf(holder_named)
    info = pdfcheck.structure(data)
    assert info["marked"] and info["parent_tree"]
    assert info["lang"] == "fr" and info["display_title"]
    kinds = [kind for kind, _depth, _mcids in info["elements"]]
    assert kinds[:2] == ["Document", "Sect"]
    assert {"H1", "Span", "P", "L", "LI", "LBody", "Figure"} <= set(kinds), kinds
    heading = pdfcheck.tagged_text(data, "H1")
    assert heading == ["CERTIFICAT DE RÉUSSITE Certificate of completion"]
    assert pdfcheck.entries(data, "Span") == [{}, {"Lang": "en"}]
    paragraphs = pdfcheck.tagged_text(data, "P")
    assert "Aminata Traoré" in paragraphs
    path = holder_named.verification_path()
    figures = pdfcheck.entries(data, "Figure")
    assert figures[0] == {"Alt": "Logo : Programme Kalanso"}
    assert figures[-1]["Alt"].startswith("Code QR du lien de vérification : http")
    assert figures[-1]["Alt"].endswith(path)
    details = " ".join(pdfcheck.tagged_text(data, "LBody"))
    for text in ("Durée / Duration", "12,5 h", "12.5 hours", "Date / Date"):
        assert text in details, details

    with translation.override("en"):
        english = certificate_pdf(holder_named)
    assert pdfcheck.structure(english)["lang"] == "en"
    assert pdfcheck.entries(english, "Span") == [{"Lang": "fr"}, {}]
    alt = pdfcheck.entries(english, "Figure")[-1]["Alt"]
    assert alt.startswith("QR code of the verification link: http")

    # A batch: one section per certificate, in order.
    batch = batch_pdf(
        Credential.objects.filter(session=attendance_session), "Session à Mopti"
    )
    sections = [k for k, _d, _m in pdfcheck.structure(batch)["elements"]]
    assert sections.count("Sect") == len(pdfcheck.PdfReader(io.BytesIO(batch)).pages)
