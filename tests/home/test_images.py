"""Uploaded photos lose their metadata (GPS!) and render as responsive images
with width, height and alternative text."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wagtail.images import get_image_model

import pytest
from PIL import Image

from courses.models import LessonPage

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825


def jpeg_with_gps(size=(1600, 1200), orientation=None):
    image = Image.new("RGB", size, (200, 80, 20))
    exif = Image.Exif()
    exif[0x010F] = "Appareil de test"  # Make
    exif[0x0131] = "Logiciel secret"  # Software
    if orientation:
        exif[0x0112] = orientation
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (16.0, 16.0, 30.0)  # latitude near Gao
    gps[3] = "W"
    gps[4] = (0.0, 2.0, 45.0)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def test_fixture_really_has_gps():
    image = Image.open(io.BytesIO(jpeg_with_gps()))
    assert image.getexif().get_ifd(GPS_IFD)


def upload(client, data, name="atelier-gao.jpg"):
    return client.post(
        reverse("wagtailimages:add"),
        {
            "title": "Atelier à Gao",
            "file": SimpleUploadedFile(name, data, content_type="image/jpeg"),
            "collection": 1,
        },
    )


def test_upload_strips_exif_and_gps(client, editor):
    client.force_login(editor)
    response = upload(client, jpeg_with_gps())
    assert response.status_code == 302, response.content.decode()[:3000]
    stored = get_image_model().objects.get(title="Atelier à Gao")
    with stored.open_file() as handle:
        data = handle.read()
    image = Image.open(io.BytesIO(data))
    assert image.size == (1600, 1200)
    assert dict(image.getexif()) == {}
    assert not image.getexif().get_ifd(GPS_IFD)
    assert b"Logiciel secret" not in data and b"Appareil de test" not in data
    assert stored.file_size == len(data)


def test_orientation_is_applied_before_stripping(client, editor):
    client.force_login(editor)
    # EXIF orientation 6 = rotate 90° clockwise to display.
    assert (
        upload(client, jpeg_with_gps(size=(300, 200), orientation=6)).status_code == 302
    )
    stored = get_image_model().objects.get(title="Atelier à Gao")
    assert (stored.width, stored.height) == (200, 300)


def test_not_an_image_is_refused(client, editor):
    client.force_login(editor)
    response = upload(client, b"GIF89a not really", name="faux.jpg")
    assert response.status_code == 200
    assert not get_image_model().objects.exists()


def test_image_block_renders_responsive_with_alt(client, editor, course):
    client.force_login(editor)
    upload(client, jpeg_with_gps())
    image = get_image_model().objects.get()
    lesson = LessonPage.objects.live().descendant_of(course).first()
    lesson.body.append(
        (
            "image",
            {"image": image, "alt_text": "Des participantes en atelier", "caption": ""},
        )
    )
    lesson.save_revision().publish()
    client.logout()
    html = client.get(lesson.url).content.decode()
    img = html.split("<img", 1)[1].split(">", 1)[0]
    assert 'alt="Des participantes en atelier"' in img
    assert "width=" in img and "height=" in img
    assert "srcset=" in html and ".webp" in html
