import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

from django.core.cache import cache
from django.utils import timezone

import pytest

from courses.factories import course_with_lessons, user_with_role
from trainers import factories as trainer_factories
from trainers.models import CascadeSession, TrainerProfile

PASSWORD = "correct-horse-battery"

ON_SQLITE = (
    "PostgreSQL only: SQLite runs one write transaction at a time "
    "(transaction_mode=IMMEDIATE), so the row and advisory locks this tests "
    "are never exercised there. CI runs it on PostgreSQL (DATABASE_URL)."
)


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgresql`` are skipped, saying why, on any other
    database."""
    from django.conf import settings

    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    skip = pytest.mark.skip(reason=ON_SQLITE)
    for item in items:
        if item.get_closest_marker("postgresql"):
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def _private_media_root():
    """Session photos are written to a temporary directory of this test
    process (kalanso.settings.test), removed when the session ends."""
    from django.conf import settings

    root = Path(settings.PRIVATE_MEDIA_ROOT)
    assert root.is_relative_to(tempfile.gettempdir()), root
    yield root
    if settings.PRIVATE_MEDIA_ROOT_OWNED:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the site's default language: a test (or a
    request served in English) must not leave English active for the next
    test on the same worker."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _clear_cache():
    from kalanso.generation import clear_local_fragments

    cache.clear()
    clear_local_fragments()
    yield
    cache.clear()
    clear_local_fragments()


class RateLimitClock:
    """django-ratelimit's clock, stopped: a rate-limit window cannot end in
    the middle of a test (which would reset a count it is checking)."""

    def __init__(self, now: float):
        self.now = now

    def time(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(autouse=True)
def rate_limit_clock(monkeypatch):
    import time

    from django_ratelimit import core

    clock = RateLimitClock(time.time())
    monkeypatch.setattr(core, "time", clock)
    return clock


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


# One person per role of the trainer pool, and a session led by ``own_trainer``
# (trainers, certificates and reporting tests).


@pytest.fixture
def master(db):
    return trainer_factories.trainer("master@example.org", TrainerProfile.Level.MASTER)


@pytest.fixture
def own_trainer(db):
    """The lead trainer of ``cascade_session``."""
    return trainer_factories.trainer("lead@example.org", TrainerProfile.Level.CERTIFIED)


@pytest.fixture
def other_trainer(db):
    return trainer_factories.trainer(
        "other@example.org", TrainerProfile.Level.CERTIFIED
    )


@pytest.fixture
def cofacilitator(db):
    return trainer_factories.trainer(
        "cofac@example.org", TrainerProfile.Level.CO_FACILITATOR
    )


@pytest.fixture
def manager(db):
    return user_with_role("manager@example.org", "Programme manager")


@pytest.fixture
def cascade_session(course, own_trainer, cofacilitator):
    return trainer_factories.session(
        course, own_trainer, co_facilitators=[cofacilitator]
    )


@pytest.fixture
def held_session(course, own_trainer, cofacilitator):
    """A session of ``own_trainer`` and ``cofacilitator`` held three days ago."""
    return trainer_factories.session(
        course,
        own_trainer,
        status=CascadeSession.Status.HELD,
        start=timezone.localdate() - timedelta(days=3),
        co_facilitators=[cofacilitator],
    )
