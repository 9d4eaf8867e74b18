from django.core.cache import cache

import pytest

from courses.factories import course_with_lessons, user_with_role

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def course(db):
    return course_with_lessons(lessons=3)


@pytest.fixture
def private_course(db):
    return course_with_lessons(lessons=2, public=False, title="Cours privé")


@pytest.fixture
def lessons(course):
    from courses.models import LessonPage

    return list(LessonPage.objects.live().descendant_of(course).order_by("path"))


@pytest.fixture
def trainee(db):
    return user_with_role("trainee@example.org", "Trainee")


@pytest.fixture
def editor(db):
    return user_with_role("editor@example.org", "Editor")


@pytest.fixture
def moderator(db):
    return user_with_role("moderator@example.org", "Moderator")


@pytest.fixture
def trainee_client(client, trainee):
    client.force_login(trainee)
    return client


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
