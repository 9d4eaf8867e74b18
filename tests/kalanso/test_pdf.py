"""What every PDF shares: the DejaVu lookup, the fallback to Helvetica, text
made safe for reportlab and the documents' metadata."""

import io

import pytest
from pypdf import PdfReader
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph

from kalanso import pdf


@pytest.fixture
def no_system_fonts(monkeypatch):
    monkeypatch.setattr(pdf, "FONT_DIRS", ())


def test_find_dejavu_tries_the_configured_folders_first(
    tmp_path, settings, monkeypatch
):
    configured, system = tmp_path / "configured", tmp_path / "system"
    configured.mkdir()
    system.mkdir()
    monkeypatch.setattr(pdf, "FONT_DIRS", (str(system),))
    settings.KALANSO_PDF_FONT_DIRS = [str(configured)]
    assert pdf.find_dejavu() is None
    (system / "DejaVuSans.ttf").write_bytes(b"")
    assert pdf.find_dejavu() == (system / "DejaVuSans.ttf", None)
    (configured / "DejaVuSans.ttf").write_bytes(b"")
    (configured / "DejaVuSans-Bold.ttf").write_bytes(b"")
    assert pdf.find_dejavu() == (
        configured / "DejaVuSans.ttf",
        configured / "DejaVuSans-Bold.ttf",
    )


def test_unreadable_font_falls_back_to_helvetica(tmp_path, settings, no_system_fonts):
    (tmp_path / "DejaVuSans.ttf").write_bytes(b"not a font")
    settings.KALANSO_PDF_FONT_DIRS = [str(tmp_path)]
    assert pdf.get_fonts.__wrapped__() == pdf.HELVETICA


def test_system_dejavu_is_registered_when_found():
    found = pdf.find_dejavu()
    # CI installs fonts-dejavu-core: a missing font fails, it is not skipped.
    assert found, "DejaVu Sans not found: install fonts-dejavu-core"
    fonts = pdf.get_fonts()
    assert fonts.unicode and fonts.regular == "KalansoSans"
    assert fonts.bold == ("KalansoSans-Bold" if found[1] else "KalansoSans")


def test_clean_and_markup():
    assert pdf.clean(None) == ""
    assert pdf.clean("a\x00b\x1f\ufeffc\r\nd\re") == "abc\nd\ne"
    assert pdf.clean("lone \ud800 surrogate") == "lone ? surrogate"
    assert pdf.markup("<b>A & B</b>\nnext") == "&lt;b&gt;A &amp; B&lt;/b&gt;<br/>next"


def _metadata(data: bytes):
    reader = PdfReader(io.BytesIO(data))
    return reader.metadata, reader.trailer["/Root"].get("/Lang")


def test_flowing_document_metadata():
    buffer = io.BytesIO()
    doc = pdf.flowing_document(
        buffer, title="  Test\n papier\x00 " + "x" * 300, language="fr", invariant=True
    )
    doc.build([Paragraph("Bonjour", getSampleStyleSheet()["Normal"])])
    info, lang = _metadata(buffer.getvalue())
    assert info.title == ("Test papier " + "x" * 300)[: pdf.TITLE_LENGTH]
    assert info.author == "Kalanso" and info.creator == "Kalanso"
    assert lang == "fr"
    # Invariant: the same content gives the same bytes.
    again = io.BytesIO()
    pdf.flowing_document(
        again, title="  Test\n papier\x00 " + "x" * 300, language="fr", invariant=True
    ).build([Paragraph("Bonjour", getSampleStyleSheet()["Normal"])])
    assert again.getvalue() == buffer.getvalue()


def test_drawn_document_metadata():
    buffer = io.BytesIO()
    page = pdf.drawn_document(
        buffer, title="Certificat\n— Aminata", pagesize=(200, 100)
    )
    page.drawString(10, 10, "x")
    page.showPage()
    page.save()
    info, _lang = _metadata(buffer.getvalue())
    assert info.title == "Certificat — Aminata"
    assert info.author == "Kalanso" and info.creator == "Kalanso"
