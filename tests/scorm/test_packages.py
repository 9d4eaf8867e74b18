"""Importing SCORM packages: the golf samples are accepted, every invalid or
dangerous archive is refused with a reason, and nothing is stored then."""

from django.utils import translation

import pytest

from scorm.models import ScormPackage
from scorm.packages import PackageError
from scorm.services import package_create
from tests import corpora

from .conftest import MANIFEST_12, make_zip, upload

pytestmark = pytest.mark.django_db


def stored(settings):
    root = settings.PRIVATE_MEDIA_ROOT / "scorm"
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


@pytest.mark.parametrize(
    "name, version, scos",
    [
        ("RuntimeBasicCalls_SCORM20043rdEdition.zip", "2004", 1),
        ("RuntimeMinimumCalls_SCORM12.zip", "1.2", 18),
        ("singlescobasic.zip", "1.2", 1),
    ],
)
def test_golf_samples_import(settings, name, version, scos):
    package = package_create(upload=upload(name))
    assert package.version == version
    assert len(package.scos) == scos
    assert (package.path / "imsmanifest.xml").is_file()
    first = package.scos[0]
    assert (package.path / first["href"]).is_file()
    assert stored(settings) == [str(package.folder)]


def test_twelve_sco_parameters_and_tree():
    package = package_create(upload=upload("RuntimeMinimumCalls_SCORM12.zip"))
    quiz = package.sco("playing_quiz_item")
    assert quiz["href"] == "shared/assessmenttemplate.html"
    assert quiz["parameters"] == "?questions=Playing"
    assert [i["title"] for i in package.structure["items"]][:2] == [
        "Playing the Game",
        "Etiquette",
    ]


def test_sequencing_control_mode_read():
    package = package_create(upload=upload("RuntimeBasicCalls_SCORM20043rdEdition.zip"))
    assert package.structure["flow"] is True
    assert package.structure["choice"] is True


@pytest.mark.parametrize("path", corpora.scorm_invalid(), ids=lambda p: p.name)
def test_invalid_corpus_refused_in_french_nothing_stored(settings, path):
    with translation.override("fr"), pytest.raises(PackageError) as refused:
        package_create(upload=upload(path))
    reason = str(refused.value)
    assert any(word in reason for word in ("paquet", "manifeste")), reason
    assert ScormPackage.objects.count() == 0
    assert stored(settings) == []


@pytest.mark.parametrize(
    "entries, symlink, expected",
    [
        ({"imsmanifest.xml": MANIFEST_12, "../evil.html": b"x"}, None, "leaves"),
        ({"imsmanifest.xml": MANIFEST_12, "/etc/evil.html": b"x"}, None, "absolute"),
        ({"imsmanifest.xml": MANIFEST_12, "C:/evil.html": b"x"}, None, "absolute"),
        (
            {"imsmanifest.xml": MANIFEST_12, "index.html": b"x", "run.exe": b"x"},
            None,
            "type",
        ),
        (
            {"imsmanifest.xml": MANIFEST_12, "index.html": b"x", "a.php": b"x"},
            None,
            "type",
        ),
        (
            {"imsmanifest.xml": MANIFEST_12, "index.html": b"x"},
            ("link.html", "/etc/passwd"),
            "symbolic",
        ),
        (
            {"imsmanifest.xml": MANIFEST_12, "index.html": b"x", "INDEX.html": b"y"},
            None,
            "same name",
        ),
        ({"imsmanifest.xml": MANIFEST_12}, None, "not in the package"),
        (
            {
                "imsmanifest.xml": b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x "y">]>'
                + MANIFEST_12.split(b"?>", 1)[1],
                "index.html": b"x",
            },
            None,
            "DTD",
        ),
        ({"imsmanifest.xml": b"<manifest", "index.html": b"x"}, None, "well-formed"),
    ],
)
def test_dangerous_archives_refused(settings, entries, symlink, expected):
    with translation.override("en"), pytest.raises(PackageError) as refused:
        package_create(upload=make_zip(entries, symlink=symlink))
    assert expected in str(refused.value)
    assert ScormPackage.objects.count() == 0
    assert stored(settings) == []


def test_file_count_and_size_limits(settings):
    settings.SCORM_MAX_FILES = 3
    entries = {"imsmanifest.xml": MANIFEST_12, "index.html": b"x"}
    entries.update({f"f{i}.js": b"x" for i in range(3)})
    with translation.override("en"), pytest.raises(PackageError, match="more than 3"):
        package_create(upload=make_zip(entries))
    settings.SCORM_MAX_FILES = 100
    settings.SCORM_MAX_UNPACKED_BYTES = 1000
    entries = {"imsmanifest.xml": MANIFEST_12, "index.html": b"x" * 2000}
    with translation.override("en"), pytest.raises(PackageError, match="too large"):
        package_create(upload=make_zip(entries))
    assert stored(settings) == []


def test_not_a_zip(settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with translation.override("en"), pytest.raises(PackageError, match="not a zip"):
        package_create(upload=SimpleUploadedFile("x.zip", b"hello"))
