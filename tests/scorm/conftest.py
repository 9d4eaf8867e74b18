import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest

from tests import corpora


def upload(name_or_path) -> SimpleUploadedFile:
    path = (
        corpora.scorm_package(name_or_path)
        if isinstance(name_or_path, str)
        else name_or_path
    )
    return SimpleUploadedFile(path.name, path.read_bytes(), "application/zip")


def make_zip(entries, *, symlink=None) -> SimpleUploadedFile:
    """A zip built in memory: {name: bytes}; ``symlink``: (name, target)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink[0])
            info.create_system = 3
            info.external_attr = (0o120777) << 16
            archive.writestr(info, symlink[1])
    return SimpleUploadedFile("p.zip", buffer.getvalue(), "application/zip")


MANIFEST_12 = b"""<?xml version="1.0"?>
<manifest identifier="t" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="o"><organization identifier="o"><title>T</title>
    <item identifier="i" identifierref="r"><title>One</title></item>
  </organization></organizations>
  <resources><resource identifier="r" type="webcontent" adlcp:scormtype="sco"
    href="index.html"><file href="index.html"/></resource></resources>
</manifest>"""


@pytest.fixture
def scorm_origin(settings):
    settings.SCORM_CONTENT_ORIGIN = "http://content.testserver"
    return settings.SCORM_CONTENT_ORIGIN


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    """Each test stores packages in a directory of its own."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


def scorm_course(package, *, public=False, native_lessons=1):
    """A published course: ``native_lessons`` ordinary lessons, then one
    lesson showing ``package``. Returns (course, scorm lesson)."""
    import uuid

    from courses.factories import course_with_lessons
    from courses.models import LessonPage

    course = course_with_lessons(lessons=native_lessons + 1, public=public)
    lesson = LessonPage.objects.descendant_of(course).order_by("path").last()
    lesson.body = [{"type": "scorm", "value": package.pk, "id": str(uuid.uuid4())}]
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    return course, lesson
