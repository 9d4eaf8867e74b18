"""Report photos: only real JPEG/PNG/WebP pictures of a sane size, stored
without metadata (GPS!), downscaled, and served only to the people who may
see the session."""

import io
import os
import struct
import zlib

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

import pytest
from PIL import Image

from tests.images import picture
from trainers import factories, photos
from trainers.models import SessionPhoto

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Pages in English, so that messages are checked in their source language."""
    with translation.override("en"):
        yield


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
    gps[2] = (16.0, 16.0, 30.0)  # latitude of Gao
    gps[3] = "W"
    gps[4] = (0.0, 2.0, 45.0)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def noisy_jpeg(size=(800, 600)):
    image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=95)
    return buffer.getvalue()


def png_declaring(width, height):
    """A tiny PNG whose header announces a huge picture (a decompression bomb)."""

    def chunk(kind, data):
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + chunk(b"IEND", b"")
    )


def report_url(session):
    return reverse("trainers:session_report", args=[session.pk])


def upload(client, session, data, name="atelier-gao.jpg", alt="Groupe de travail"):
    return client.post(
        report_url(session),
        {
            "action": "upload",
            "alt_text": alt,
            "image": SimpleUploadedFile(name, data, content_type="image/jpeg"),
        },
    )


def stored_files(session):
    folder = f"sessions/{session.uid}"
    try:
        return SessionPhoto._meta.get_field("image").storage.listdir(folder)[1]
    except FileNotFoundError:
        return []


def read_back(photo):
    with photo.image.open("rb") as handle:
        return handle.read()


def test_fixture_really_has_gps():
    image = Image.open(io.BytesIO(jpeg_with_gps()))
    assert image.getexif().get_ifd(GPS_IFD)
    assert b"Logiciel secret" in jpeg_with_gps()


def test_gps_and_all_exif_are_removed_and_photo_downscaled(
    client, own_trainer, held_session
):
    client.force_login(own_trainer)
    response = upload(client, held_session, jpeg_with_gps(size=(3000, 2000)))
    assert response.status_code == 302
    photo = SessionPhoto.objects.get(session=held_session)
    assert photo.alt_text == "Groupe de travail"
    assert photo.uploaded_by == own_trainer
    # A random name: the uploaded name (a place) is not kept.
    assert "gao" not in photo.image.name
    assert photo.image.name.endswith(".jpg")
    data = read_back(photo)
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert max(image.size) == photos.MAX_SIDE
    assert image.size == (2000, 1333)
    assert dict(image.getexif()) == {}
    assert not image.getexif().get_ifd(GPS_IFD)
    assert "exif" not in image.info
    assert b"Logiciel secret" not in data and b"Appareil de test" not in data


def test_orientation_applied_before_stripping(client, own_trainer, held_session):
    client.force_login(own_trainer)
    upload(client, held_session, jpeg_with_gps(size=(300, 200), orientation=6))
    image = Image.open(io.BytesIO(read_back(SessionPhoto.objects.get())))
    assert image.size == (200, 300)


def test_real_format_decides_not_the_name(client, own_trainer, held_session):
    client.force_login(own_trainer)
    # A PNG named .jpg and a WebP named .png keep their real format.
    assert upload(client, held_session, picture("PNG"), name="a.jpg").status_code == 302
    assert (
        upload(client, held_session, picture("WEBP"), name="b.png").status_code == 302
    )
    first, second = SessionPhoto.objects.order_by("pk")
    assert first.image.name.endswith(".png")
    assert Image.open(io.BytesIO(read_back(first))).format == "PNG"
    assert second.image.name.endswith(".webp")
    assert Image.open(io.BytesIO(read_back(second))).format == "WEBP"


@pytest.mark.parametrize(
    ("case", "data", "message"),
    [
        ("oversize", b"\xff\xd8\xff" + b"0" * (8 * 1024 * 1024), "too large"),
        ("bomb", png_declaring(20_000, 20_000), "million pixels"),
        ("above our limit", png_declaring(7_000, 7_000), "million pixels"),
        ("text named .jpg", b"Ceci n'est pas une photo.\n" * 20, "not a JPEG"),
        ("truncated", noisy_jpeg()[:20_000], "not a JPEG"),
        ("gif", picture("GIF"), "not a JPEG"),
        ("empty", b"", ""),
    ],
)
def test_bad_files_are_refused_and_nothing_stored(
    client, own_trainer, held_session, case, data, message
):
    client.force_login(own_trainer)
    response = upload(client, held_session, data)
    assert response.status_code == 200, case
    html = response.content.decode()
    assert "invalid-feedback" in html or "is-invalid" in html, case
    assert message in html, case
    assert not SessionPhoto.objects.exists()
    assert stored_files(held_session) == []


def test_truncated_fixture_is_really_truncated():
    with pytest.raises(OSError):
        Image.open(io.BytesIO(noisy_jpeg()[:20_000])).load()


def test_alt_text_is_required(client, own_trainer, held_session):
    client.force_login(own_trainer)
    response = upload(client, held_session, picture("JPEG"), alt="  ")
    assert response.status_code == 200
    assert "Describe what the photo shows" in response.content.decode()
    assert not SessionPhoto.objects.exists()
    assert stored_files(held_session) == []


def test_at_most_twelve_photos(client, own_trainer, held_session):
    client.force_login(own_trainer)
    for number in range(photos.MAX_PHOTOS):
        assert upload(client, held_session, picture("PNG")).status_code == 302, number
    response = upload(client, held_session, picture("PNG"))
    assert response.status_code == 200
    assert "at most 12 photos" in response.content.decode()
    assert held_session.photos.count() == photos.MAX_PHOTOS
    assert len(stored_files(held_session)) == photos.MAX_PHOTOS


def test_photos_only_while_held(client, own_trainer, cascade_session):
    client.force_login(own_trainer)
    response = upload(client, cascade_session, picture("PNG"))
    assert response.status_code == 302
    assert not SessionPhoto.objects.exists()


def stored_photo(session, by):
    photo = SessionPhoto(session=session, alt_text="Photo", uploaded_by=by)
    photo.image.save("photo.png", ContentFile(picture("PNG")), save=True)
    return photo


def photo_url(photo):
    return reverse("trainers:session_photo", args=[photo.session_id, photo.pk])


def test_photo_served_to_trainers_masters_and_managers(
    client, own_trainer, cofacilitator, master, manager, held_session
):
    photo = stored_photo(held_session, own_trainer)
    for user in (own_trainer, cofacilitator, master, manager):
        client.force_login(user)
        response = client.get(photo_url(photo))
        assert response.status_code == 200, user
        assert response["Content-Type"] == "image/png"
        assert "private" in response["Cache-Control"]
        assert "no-store" in response["Cache-Control"]
        assert b"".join(response.streaming_content) == read_back(photo)


def test_photo_refused_to_others(client, trainee, other_trainer, held_session):
    photo = stored_photo(held_session, held_session.lead_trainer)
    url = photo_url(photo)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith("/en/accounts/login/")
    for user in (trainee, other_trainer):
        client.force_login(user)
        assert client.get(url).status_code == 403, user


def test_photo_of_another_session_is_not_found(
    client, course, own_trainer, held_session
):
    photo = stored_photo(held_session, own_trainer)
    other = factories.session(course, own_trainer)
    client.force_login(own_trainer)
    url = reverse("trainers:session_photo", args=[other.pk, photo.pk])
    assert client.get(url).status_code == 404


def test_pages_never_link_the_media_url(client, own_trainer, held_session):
    photo = stored_photo(held_session, own_trainer)
    client.force_login(own_trainer)
    for url in (
        report_url(held_session),
        reverse("trainers:session_detail", args=[held_session.pk]),
    ):
        html = client.get(url).content.decode()
        assert photo_url(photo) in html
        assert photo.image.name not in html
        assert "/media/" not in html


def test_delete_photo(
    client, own_trainer, other_trainer, held_session, django_capture_on_commit_callbacks
):
    photo = stored_photo(held_session, own_trainer)
    name = photo.image.name
    client.force_login(other_trainer)
    data = {"action": "delete", "photo": photo.pk}
    assert client.post(report_url(held_session), data).status_code == 403
    assert SessionPhoto.objects.filter(pk=photo.pk).exists()
    client.force_login(own_trainer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(report_url(held_session), data)
    assert response.status_code == 302
    assert not SessionPhoto.objects.filter(pk=photo.pk).exists()
    assert not SessionPhoto._meta.get_field("image").storage.exists(name)
    # A bad or stale photo number is a message, not an error page.
    for value in ("abc", str(photo.pk), ""):
        response = client.post(
            report_url(held_session), {"action": "delete", "photo": value}
        )
        assert response.status_code == 302


def test_check_function_directly():
    good = SimpleUploadedFile("x.webp", picture("WEBP"))
    assert photos.check(good) == "WEBP"
    cleaned = photos.clean(SimpleUploadedFile("x.jpg", jpeg_with_gps()))
    assert cleaned.name == "photo.jpg"
    assert cleaned.content_type == "image/jpeg"
    assert dict(Image.open(cleaned).getexif()) == {}


def test_photos_are_kept_out_of_the_public_media_storage(own_trainer, held_session):
    from django.core.files.storage import default_storage

    photo = stored_photo(held_session, own_trainer)
    assert SessionPhoto._meta.get_field("image").storage.exists(photo.image.name)
    assert not default_storage.exists(photo.image.name)


def _dev_urlconf():
    """kalanso/urls.py as it is built with DEBUG on (``static()`` adds the
    media route only then), in a fresh module: the real file, not a copy."""
    import importlib.util

    from django.conf import settings as django_settings
    from django.test import override_settings

    import kalanso.urls

    with override_settings(DEBUG=True):
        spec = importlib.util.spec_from_file_location(
            "kalanso_urls_debug", kalanso.urls.__file__
        )
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    assert django_settings.DEBUG is False
    return module


def test_uploaded_photo_is_on_disk_and_never_behind_the_media_url(
    client, settings, own_trainer, other_trainer, held_session
):
    from pathlib import Path

    from django.urls import resolve
    from django.views.static import serve

    client.force_login(own_trainer)
    assert upload(client, held_session, picture("PNG")).status_code == 302
    photo = SessionPhoto.objects.get(session=held_session)

    # On disk, under the private root, and nowhere under MEDIA_ROOT.
    private_root = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    on_disk = [path for path in private_root.rglob("*") if path.is_file()]
    path = Path(photo.image.path).resolve()
    assert path in on_disk
    assert path.relative_to(private_root).as_posix() == photo.image.name
    media_root = Path(settings.MEDIA_ROOT).resolve()
    assert not path.is_relative_to(media_root)
    assert not private_root.is_relative_to(media_root)
    assert not (media_root / photo.image.name).exists()

    # Not through the media URL: neither on this site…
    media_url = settings.MEDIA_URL + photo.image.name
    response = client.get(media_url, follow=True)
    assert response.status_code == 404
    assert path.read_bytes() not in response.content
    # …nor with the media route that DEBUG adds in development.
    dev_urls = _dev_urlconf()
    match = resolve(media_url, urlconf=dev_urls)
    assert match.func is serve
    assert match.kwargs["document_root"] == settings.MEDIA_ROOT
    settings.DEBUG = True
    settings.ROOT_URLCONF = dev_urls
    assert client.get(media_url).status_code == 404
    settings.ROOT_URLCONF = "kalanso.urls"
    settings.DEBUG = False

    # Through the permission-checked view: the lead trainer gets the file on
    # disk, another trainer is refused.
    response = client.get(photo_url(photo))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == path.read_bytes()
    client.force_login(other_trainer)
    assert client.get(photo_url(photo)).status_code == 403
