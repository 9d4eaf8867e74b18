"""Low bandwidth: a lesson page's first view (HTML + CSS + JS + fonts it
references, compressed as served) stays under 50 KB; a repeat view, with the
assets cached, under 15 KB. Real lesson content, real middleware."""

import gzip
import re

from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

import pytest

from courses.models import LessonPage

pytestmark = pytest.mark.django_db

FIRST_VIEW_BUDGET = 50 * 1024
REPEAT_VIEW_BUDGET = 15 * 1024
ASSET_RE = re.compile(
    r'<(?:link[^>]+href|script[^>]+src)="(/static/[^"]+)"', re.IGNORECASE
)
CSS_URL_RE = re.compile(r"url\(['\"]?(/static/[^'\")]+|[^'\")/:][^'\")]*)['\"]?\)")


def compressed_size(path):
    with open(path, "rb") as handle:
        return len(gzip.compress(handle.read(), compresslevel=9))


def static_path(url):
    name = url.split("/static/", 1)[1].split("?")[0]
    path = finders.find(name)
    assert path, f"referenced static file not found: {url}"
    return path


def weigh(client, url):
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip, br")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    html_bytes = len(response.content)
    html = gzip.decompress(response.content).decode()
    assets = set(ASSET_RE.findall(html))
    asset_bytes = 0
    for asset in sorted(assets):
        path = static_path(asset)
        asset_bytes += compressed_size(path)
        if path.endswith(".css"):  # fonts and images a stylesheet pulls in
            css = open(path, encoding="utf-8").read()
            for ref in CSS_URL_RE.findall(css):
                if not ref.startswith("data:"):
                    asset_bytes += compressed_size(
                        static_path(
                            ref if ref.startswith("/static/") else "/static/css/" + ref
                        )
                    )
    assert not re.search(r'<(?:script|link)[^>]+(?:src|href)="https?://', html), (
        "third-party asset"
    )
    return html_bytes, asset_bytes


@pytest.fixture
def demo_lesson(db, django_capture_on_commit_callbacks):
    call_command("seed_demo", "--force", verbosity=0)
    # The heaviest French lesson of the demo course (most blocks).
    lessons = LessonPage.objects.live().filter(locale__language_code="fr")
    return max(lessons, key=lambda lesson: len(lesson.body.raw_data))


def test_lesson_first_and_repeat_view_anonymous(client, demo_lesson):
    html_bytes, asset_bytes = weigh(client, demo_lesson.url)
    assert html_bytes + asset_bytes < FIRST_VIEW_BUDGET, (html_bytes, asset_bytes)
    assert html_bytes < REPEAT_VIEW_BUDGET, html_bytes


def test_lesson_first_and_repeat_view_logged_in(client, trainee, demo_lesson):
    client.force_login(trainee)
    course = demo_lesson.course
    client.post(reverse("courses:enrol", args=[course.pk]))
    html_bytes, asset_bytes = weigh(client, demo_lesson.url)
    assert html_bytes + asset_bytes < FIRST_VIEW_BUDGET, (html_bytes, asset_bytes)
    assert html_bytes < REPEAT_VIEW_BUDGET, html_bytes


def test_collectstatic_hashes_and_compresses(tmp_path):
    storages = {
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
        "staticfiles": {
            "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        },
    }
    # Only the project's own static files (the apps' are third-party, already tested).
    finders_setting = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    with override_settings(
        STATIC_ROOT=tmp_path, STORAGES=storages, STATICFILES_FINDERS=finders_setting
    ):
        call_command("collectstatic", "--noinput", verbosity=0)
    css = [p.name for p in (tmp_path / "css").iterdir()]
    hashed = [n for n in css if re.fullmatch(r"kalanso\.[0-9a-f]{12}\.css", n)]
    assert hashed, css
    assert f"{hashed[0]}.gz" in css and f"{hashed[0]}.br" in css
