"""The course and lesson pages run a constant number of SQL queries, whatever
the size of the course (3 or 40 lessons), cold or warm cache, logged in or not."""

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from courses.factories import course_with_lessons
from courses.models import LessonPage

pytestmark = pytest.mark.django_db


def count_queries(client, url, *, warm=False):
    cache.clear()
    if warm:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.fixture
def small_and_large(db, client):
    small = course_with_lessons(lessons=3, modules=1)
    large = course_with_lessons(lessons=40, modules=5)
    # Fill the process-wide caches (content types, locales) once, as any
    # running server has; each measurement then starts from an empty cache.
    for course in (small, large):
        client.get(course.url)
        client.get(middle_lesson(course).url)
    return small, large


def middle_lesson(course):
    lessons = list(LessonPage.objects.live().descendant_of(course).order_by("path"))
    return lessons[len(lessons) // 2]


def test_course_and_lesson_pages_constant_queries(client, trainee, small_and_large):
    """One data set (building 40 lessons is the slow part), every combination."""
    small, large = small_and_large
    pages = {
        "course": [c.url for c in (small, large)],
        "lesson": [middle_lesson(c).url for c in (small, large)],
    }
    counts = {}
    for warm in (False, True):
        for name, urls in pages.items():
            counts[("anonymous", name, warm)] = [
                count_queries(client, u, warm=warm) for u in urls
            ]
    client.force_login(trainee)
    for course in (small, large):
        client.post(reverse("courses:enrol", args=[course.pk]))
        for lesson in (
            LessonPage.objects.live().descendant_of(course).order_by("path")[:1]
        ):
            client.post(reverse("courses:complete_lesson", args=[lesson.pk]))
    for warm in (False, True):
        for name, urls in pages.items():
            counts[("trainee", name, warm)] = [
                count_queries(client, u, warm=warm) for u in urls
            ]
    unequal = {key: value for key, value in counts.items() if value[0] != value[1]}
    assert not unequal, unequal
    # Anonymous visitors of a public course get the cached page.
    assert counts[("anonymous", "lesson", True)] == [0, 0]


def test_lesson_page_warm_budget(client, trainee, course):
    """With shared fragments cached, a logged-in lesson view only asks for personal state."""
    url = middle_lesson(course).url
    client.force_login(trainee)
    client.post(reverse("courses:enrol", args=[course.pk]))
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    assert len(ctx.captured_queries) <= 16, "\n".join(
        q["sql"] for q in ctx.captured_queries
    )


def test_anonymous_public_lesson_served_from_page_cache(client, course):
    url = middle_lesson(course).url
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    assert len(ctx.captured_queries) == 0


def test_publishing_invalidates_page_cache(client, course):
    lesson = middle_lesson(course)
    client.get(lesson.url)
    lesson.title = "Titre révisé"
    lesson.save_revision().publish()
    assert "Titre révisé" in client.get(lesson.url).content.decode()


def test_my_learning_constant_queries(client, trainee, course):
    client.force_login(trainee)
    client.post(reverse("courses:enrol", args=[course.pk]))
    client.get(
        reverse("courses:my_learning")
    )  # process-wide caches, as in a running server
    one = count_queries(client, reverse("courses:my_learning"))
    other = course_with_lessons(lessons=4, modules=2)
    client.post(reverse("courses:enrol", args=[other.pk]))
    extra = course_with_lessons(lessons=5)
    client.post(reverse("courses:enrol", args=[extra.pk]))
    three = count_queries(client, reverse("courses:my_learning"))
    assert one == three


def test_logged_in_lesson_three_queries_with_its_reflection(client, trainee, course):
    """Warm, a logged-in lesson asks for the user, the enrolment, and (one
    query) the lessons done with the reader's answers to its reflections
    (issue #18); the answer shows, to its author only."""
    from courses.models import ReflectionAnswer

    lesson = middle_lesson(course)
    block_id = next(b.id for b in lesson.body if b.block_type == "reflection")
    client.force_login(trainee)
    client.post(reverse("courses:enrol", args=[course.pk]))
    client.post(reverse("courses:complete_lesson", args=[lesson.pk]))
    response = client.post(
        reverse("courses:save_reflection", args=[lesson.pk, block_id]),
        {"text": "Ma note sur les connecteurs"},
    )
    assert response.status_code == 302
    assert ReflectionAnswer.objects.filter(user=trainee).count() == 1
    client.get(lesson.url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(lesson.url)
    assert response.status_code == 200
    assert len(ctx.captured_queries) <= 3, "\n".join(
        q["sql"] for q in ctx.captured_queries
    )
    page = response.content.decode()
    assert "Ma note sur les connecteurs" in page
    assert response.context["lesson_done"] is True

    from courses.factories import user_with_role

    client.force_login(user_with_role("other@example.org", "Trainee"))
    assert "Ma note sur les connecteurs" not in client.get(lesson.url).content.decode()
