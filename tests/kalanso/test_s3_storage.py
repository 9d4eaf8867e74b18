"""Media in an S3-compatible object store (issue #12, "The production stack"):
the settings switch to django-storages when KALANSO_S3_BUCKET is set; an image
uploaded through Wagtail lands in the public bucket and is served from it;
session photos land in the private bucket, are not reachable without the
site's keys, and are served by the permission-checked view.

Against a real S3 server on loopback: moto's ThreadedMotoServer."""

import io
import socket
import urllib.error
import urllib.request

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wagtail.images import get_image_model

import pytest
from PIL import Image

from kalanso.settings.base import s3_media_origin, s3_storages
from tests.images import picture
from trainers.models import SessionPhoto

pytestmark = pytest.mark.django_db

moto_server = pytest.importorskip("moto.server")
boto3 = pytest.importorskip("boto3")

PUBLIC, PRIVATE = "kalanso-media", "kalanso-private"
KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    port = free_port()
    server = moto_server.ThreadedMotoServer(
        ip_address="127.0.0.1", port=port, verbose=False
    )
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **KEYS)
    for bucket in (PUBLIC, PRIVATE):
        client.create_bucket(Bucket=bucket)
    yield endpoint
    server.stop()


@pytest.fixture
def s3(s3_endpoint, settings, monkeypatch):
    """The settings of a site whose media are in the object store."""
    environ = {
        "KALANSO_S3_BUCKET": PUBLIC,
        "KALANSO_S3_PRIVATE_BUCKET": PRIVATE,
        "AWS_S3_ENDPOINT_URL": s3_endpoint,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_S3_ADDRESSING_STYLE": "path",
    }
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", KEYS["aws_access_key_id"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", KEYS["aws_secret_access_key"])
    settings.STORAGES = {**settings.STORAGES, **s3_storages(environ)}
    client = boto3.client(
        "s3", endpoint_url=s3_endpoint, region_name="us-east-1", **KEYS
    )
    client.environ = environ
    return client


def keys(client, bucket):
    return [
        item["Key"]
        for item in client.list_objects_v2(Bucket=bucket).get("Contents", [])
    ]


def fetch(url):
    """GET without credentials, as a visitor's browser would."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def test_no_bucket_keeps_local_files():
    assert s3_storages({}) == {}
    assert s3_media_origin({}) == ""


def test_pages_may_load_media_from_the_object_store():
    assert (
        s3_media_origin(
            {
                "KALANSO_S3_BUCKET": "b",
                "AWS_S3_ENDPOINT_URL": "https://s3.example.org:9000/",
            }
        )
        == "https://s3.example.org:9000"
    )
    assert (
        s3_media_origin(
            {"KALANSO_S3_BUCKET": "b", "KALANSO_S3_CUSTOM_DOMAIN": "media.example.org"}
        )
        == "https://media.example.org"
    )
    assert (
        s3_media_origin({"KALANSO_S3_BUCKET": "b", "AWS_S3_REGION_NAME": "eu-west-3"})
        == "https://b.s3.eu-west-3.amazonaws.com"
    )


def test_image_uploaded_through_wagtail_is_stored_and_served_from_the_bucket(
    s3, client, editor
):
    client.force_login(editor)
    response = client.post(
        reverse("wagtailimages:add"),
        {
            "title": "Atelier à Mopti",
            "file": SimpleUploadedFile(
                "atelier.jpg", picture(), content_type="image/jpeg"
            ),
            "collection": 1,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    image = get_image_model().objects.get(title="Atelier à Mopti")
    assert image.file.name in keys(s3, PUBLIC)
    url = image.file.url
    assert url.startswith(f"{s3.environ['AWS_S3_ENDPOINT_URL']}/{PUBLIC}/"), url
    assert "Signature" not in url  # a plain, cacheable address
    status, body = fetch(url)
    assert status == 200
    assert Image.open(io.BytesIO(body)).size == (300, 200)
    # Renditions too: what pages show.
    rendition = image.get_rendition("width-100")
    assert rendition.file.name in keys(s3, PUBLIC)
    status, body = fetch(rendition.url)
    assert status == 200 and Image.open(io.BytesIO(body)).width == 100


def test_session_photo_goes_to_the_private_bucket_and_is_not_public(
    s3, client, own_trainer, held_session
):
    client.force_login(own_trainer)
    report = reverse("trainers:session_report", args=[held_session.pk])
    response = client.post(
        report,
        {
            "action": "upload",
            "alt_text": "Groupe de travail",
            "image": SimpleUploadedFile(
                "groupe.jpg", picture(), content_type="image/jpeg"
            ),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    photo = SessionPhoto.objects.get(session=held_session)
    stored = keys(s3, PRIVATE)
    assert stored == [photo.image.name]  # in the private bucket, nowhere else
    assert not any(key.startswith("sessions/") for key in keys(s3, PUBLIC))
    # Not reachable without the site's keys.
    endpoint = s3.environ["AWS_S3_ENDPOINT_URL"]
    assert fetch(f"{endpoint}/{PRIVATE}/{photo.image.name}")[0] == 403
    # The permission-checked view serves it to the session's trainer only.
    view = reverse("trainers:session_photo", args=[held_session.pk, photo.pk])
    response = client.get(view)
    assert response.status_code == 200
    assert Image.open(io.BytesIO(b"".join(response.streaming_content))).format
    client.logout()
    assert client.get(view).status_code in (302, 403, 404)


def test_private_prefix_when_there_is_one_bucket(s3_endpoint):
    storages_ = s3_storages(
        {"KALANSO_S3_BUCKET": PUBLIC, "AWS_S3_ENDPOINT_URL": s3_endpoint}
    )
    private = storages_["private"]["OPTIONS"]
    assert (private["bucket_name"], private["location"]) == (PUBLIC, "private")
    assert private["default_acl"] == "private" and private["querystring_auth"]
