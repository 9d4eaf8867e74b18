"""Cache round trips per request, counted like the SQL queries (issue #18).

Production keeps the cache in Redis, where each call is a round trip that
costs the worker CPU. These tests run Redis' set-up: the page-cache
generation in the shared cache (no generation file) and the fragments also
kept in the process, in front of it; the shared cache is the local-memory
one, and a real Redis (``tests/services.py``; the test fails without one;
keys under a prefix of the test, deleted after):
there every value really goes through pickling, as in production."""

import uuid

from django.urls import reverse

import pytest

from courses.models import LessonPage
from kalanso.cachecalls import count_cache_calls
from kalanso.generation import GENERATION_KEY, clear_local_fragments
from tests.courses.test_query_counts import middle_lesson
from tests.services import REDIS_URL, require_redis

pytestmark = pytest.mark.django_db


def _real_redis(settings):
    prefix = f"kalanso-test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        },
    }
    return require_redis(REDIS_URL), prefix


@pytest.fixture(params=["local-memory", "redis"])
def redis_setup(request, settings):
    settings.KALANSO_GENERATION_FILE = ""
    settings.KALANSO_LOCAL_FRAGMENT_CACHE = True
    clear_local_fragments()
    if request.param == "local-memory":
        yield
        return
    client, prefix = _real_redis(settings)
    try:
        yield
    finally:
        clear_local_fragments()
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)


def calls_of(client, url, warm=2):
    for _ in range(warm):
        assert client.get(url).status_code == 200
    with count_cache_calls() as calls:
        response = client.get(url)
    assert response.status_code == 200, url
    return calls


def generation_reads(calls):
    return sum(
        1
        for _operation, key in calls
        if key == GENERATION_KEY or (isinstance(key, list) and GENERATION_KEY in key)
    )


@pytest.fixture
def enrolled(client, trainee, course):
    client.force_login(trainee)
    client.post(reverse("courses:enrol", args=[course.pk]))
    return client


def test_logged_in_lesson_two_round_trips(redis_setup, enrolled, course):
    """The session, then the generation with the reader's navigation links:
    every fragment (route, outline, body, breadcrumbs, footer…) comes from
    the process once warm."""
    calls = calls_of(enrolled, middle_lesson(course).url)
    assert len(calls) <= 2, calls
    assert generation_reads(calls) == 1, calls


def test_logged_in_pages_read_the_generation_once(redis_setup, enrolled, course):
    from assessments.factories import quiz_with, single_choice

    quiz = quiz_with([single_choice()])
    for url in (
        course.url,
        reverse("courses:my_learning"),
        reverse("assessments:quiz", args=[quiz.pk]),
    ):
        calls = calls_of(enrolled, url)
        assert generation_reads(calls) <= 1, (url, calls)
        assert len(calls) <= 3, (url, calls)


def test_anonymous_lesson_from_the_page_cache(redis_setup, client, course):
    """The generation, then the page cache's header and page entries."""
    calls = calls_of(client, middle_lesson(course).url)
    assert generation_reads(calls) == 1, calls
    assert len(calls) <= 3, calls


def test_a_publication_reaches_the_local_fragments(redis_setup, enrolled, course):
    """Fragments kept in the process follow the generation in the shared cache."""
    lesson = middle_lesson(course)
    calls_of(enrolled, course.url)
    lesson.title = "Titre après publication"
    lesson.save_revision().publish()
    assert "Titre après publication" in enrolled.get(course.url).content.decode()
    lesson = LessonPage.objects.get(pk=lesson.pk)
    assert "Titre après publication" in enrolled.get(lesson.url).content.decode()
