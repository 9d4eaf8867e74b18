"""The offline layer's budget and its installable parts: it loads only for
signed-in users, after the page; a lesson's first view with it stays under
50 KB; the service worker plus its libraries stay under 30 KB compressed."""

import gzip
import json

from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

import pytest

from tests.courses.test_page_weight import FIRST_VIEW_BUDGET, demo_lesson, weigh

pytestmark = pytest.mark.django_db

__all__ = ["demo_lesson"]  # the fixture, shared

SW_AND_LIBS_BUDGET = 30 * 1024


def built(name):
    path = finders.find(name)
    if not path:
        pytest.fail(f"{name} is not built: run `make offline-build`.", pytrace=False)
    with open(path, "rb") as handle:
        return handle.read()


def test_service_worker_and_libraries_under_30_kb_compressed():
    worker = gzip.compress(built("offline/sw.js"), compresslevel=9)
    layer = gzip.compress(built("offline/offline.js"), compresslevel=9)
    loader = gzip.compress(built("js/offline-loader.js"), compresslevel=9)
    total = len(worker) + len(layer) + len(loader)
    assert total < SW_AND_LIBS_BUDGET, (len(worker), len(layer), len(loader))


def test_no_third_party_code_at_run_time():
    for name in ("offline/sw.js", "offline/offline.js"):
        code = built(name).decode()
        assert "http://" not in code and "https://" not in code, name
        assert "importScripts" not in code, name


def test_lesson_first_view_with_the_offline_layer(client, trainee, demo_lesson):
    html = client.get(demo_lesson.url).content.decode()
    assert "offline-loader" not in html  # visitors do not get it
    client.force_login(trainee)
    client.post(reverse("courses:enrol", args=[demo_lesson.course.pk]))
    html_bytes, asset_bytes = weigh(client, demo_lesson.url)
    # The layer itself is loaded after the page, by the loader (counted above).
    layer = len(gzip.compress(built("offline/offline.js"), compresslevel=9))
    assert html_bytes + asset_bytes + layer < FIRST_VIEW_BUDGET, (
        html_bytes,
        asset_bytes,
        layer,
    )


def test_service_worker_served_from_the_root(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    assert response.content == built("offline/sw.js")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_manifest_per_language(client, lang):
    response = client.get(f"/{lang}/offline/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/manifest+json")
    data = json.loads(response.content)
    assert data["lang"] == lang
    assert data["start_url"] == f"/{lang}/learn/"
    with translation.override(lang):
        assert data["name"] == gettext("Kalanso — training for conflict-sensitive work")
    sizes = {icon["sizes"] for icon in data["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in data["icons"]:
        assert finders.find(icon["src"].removeprefix("/static/")), icon
    page = client.get(f"/{lang}/").content.decode()
    assert f'<link rel="manifest" href="/{lang}/offline/manifest.webmanifest">' in page
