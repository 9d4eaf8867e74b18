"""The site under faults (issue #12, "Load and faults"): the database
unreachable answers 503 "try again" (not a traceback), Redis stopped leaves the
site serving (rate limits closed on login, open on reading), a full disk
refuses a photo with a clear message and keeps the report."""

import errno
import uuid
from datetime import timedelta
from unittest import mock

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import InterfaceError, OperationalError, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

import pytest

from kalanso.settings.base import redis_caches
from kalanso.storage import storage_error_message
from tests.images import picture
from trainers.models import SessionPhoto

pytestmark = pytest.mark.django_db

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def tr(lang, text):
    """``text`` as the server says it in ``lang`` (with or without a compiled
    catalogue), escaped as in a page."""
    with translation.override(lang):
        return escape(gettext(text))


# --- The database unreachable -------------------------------------------------------


def database_down(error=OperationalError):
    """Every query fails as it does while PostgreSQL restarts."""
    return mock.patch.object(
        connections["default"],
        "ensure_connection",
        side_effect=error("server closed the connection unexpectedly"),
    )


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_database_down_answers_503_try_again(trainee, error):
    client = Client(raise_request_exception=False)
    client.force_login(trainee)
    with database_down(error):
        response = client.get("/fr/learn/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert tr("fr", "Try again in a moment") in html
    assert "Traceback" not in html and "server closed" not in html


def test_database_down_page_is_in_the_visitors_language(course):
    client = Client(raise_request_exception=False)
    url = course.url.replace("/fr/", "/en/", 1)
    with database_down():
        response = client.get(url)
    assert response.status_code == 503
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert tr("en", "Try again in a moment") in html


def test_database_down_while_posting_a_form(trainee, lessons):
    client = Client(raise_request_exception=False)
    client.force_login(trainee)
    with database_down():
        response = client.post(reverse("courses:complete_lesson", args=[lessons[0].pk]))
    assert response.status_code == 503


def test_other_errors_still_answer_500(trainee):
    client = Client(raise_request_exception=False)
    client.force_login(trainee)
    with mock.patch("courses.views.render", side_effect=ValueError("a bug")):
        response = client.get("/fr/learn/")
    assert response.status_code == 500
    assert "Retry-After" not in response


# --- Redis stopped --------------------------------------------------------------------


@pytest.fixture
def redis_down(settings):
    """The caches of production (settings.base.redis_caches) with no Redis
    behind them."""
    settings.CACHES = redis_caches(DEAD_REDIS, f"kalanso-tests-{uuid.uuid4().hex}")
    settings.RATELIMIT_USE_CACHE = "ratelimit"


def test_redis_down_pages_are_served_from_the_database(redis_down, course, trainee):
    anonymous = Client(raise_request_exception=False)
    assert anonymous.get(course.url).status_code == 200  # page cache: a miss
    client = Client(raise_request_exception=False)
    client.force_login(trainee)  # the session is written to the database
    response = client.get("/fr/learn/")
    assert response.status_code == 200
    assert response.wsgi_request.user == trainee  # read back without the cache


def test_redis_down_login_fails_closed(redis_down, trainee):
    client = Client(raise_request_exception=False)
    response = client.post(
        reverse("accounts:login"),
        {"username": trainee.email, "password": "correct-horse-battery"},
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert (
        tr(
            "fr",
            "Too many attempts to log in from this connection. Please try again in a minute.",
        )
        in response.content.decode()
    )


def test_redis_down_reading_fails_open(redis_down):
    client = Client(raise_request_exception=False)
    response = client.get(reverse("certificates:verify", args=["UNKNOWN-CODE"]))
    assert response.status_code in (200, 404)  # looked up, not refused (429)


# --- Disk full for media -----------------------------------------------------------


@pytest.mark.parametrize("error", [errno.ENOSPC, errno.EIO])
def test_photo_on_a_full_disk_is_refused_and_the_report_is_kept(
    own_trainer, held_session, monkeypatch, error
):
    client = Client(raise_request_exception=False)
    client.force_login(own_trainer)
    url = reverse("trainers:session_report", args=[held_session.pk])
    narrative = "Vingt participants, deux jours à Mopti."
    assert (
        client.post(url, {"action": "save", "narrative": narrative}).status_code == 302
    )

    storage = SessionPhoto._meta.get_field("image").storage

    written = storage._save

    def full(name, content):
        # What a full disk does: part of the file is written, then it fails.
        written(name, ContentFile(b"\xff\xd8 partial"))
        raise OSError(error, "No space left on device")

    monkeypatch.setattr(storage, "_save", full)
    response = client.post(
        url,
        {
            "action": "upload",
            "alt_text": "Groupe de travail",
            "image": SimpleUploadedFile("a.jpg", picture(), content_type="image/jpeg"),
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    with translation.override("fr"):
        message = escape(storage_error_message(OSError(error, "")))
    assert message in html
    assert "Vingt participants" in html  # the report, shown again
    held_session.refresh_from_db()
    assert "Vingt participants" in held_session.report
    assert not SessionPhoto.objects.filter(session=held_session).exists()
    try:  # nothing left behind
        assert storage.listdir(f"sessions/{held_session.uid}")[1] == []
    except FileNotFoundError:
        pass


# --- A task worker killed mid-task ---------------------------------------------------


def test_tasks_left_running_by_a_killed_worker_are_requeued(settings):
    from django.core.management import call_command

    from django_tasks_db.models import DBTaskResult

    from certificates import tasks

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    killed = DBTaskResult.objects.get(
        pk=tasks.issue_course_credential.enqueue(1, "course-key").id
    )
    killed.claim("a-worker-killed-since")  # RUNNING, and no one to end it
    running = DBTaskResult.objects.get(
        pk=tasks.issue_course_credential.enqueue(2, "course-key").id
    )
    running.claim("a-live-worker")
    DBTaskResult.objects.filter(pk=killed.pk).update(
        started_at=timezone.now() - timedelta(hours=1)
    )
    call_command("requeue_stale_tasks", verbosity=0)  # older than ten minutes
    killed.refresh_from_db()
    running.refresh_from_db()
    assert killed.status == "READY" and killed.started_at is None
    assert running.status == "RUNNING"
    assert DBTaskResult.objects.ready().filter(pk=killed.pk).exists()
