"""Every way a page goes live or changes shows at once in OTHER processes:
a gunicorn with two workers, each with its own local-memory cache (the
embedded set-up), serves the test database while this process (or a
``manage.py publish_scheduled`` process) publishes, unpublishes, moves,
deletes, reverts or syncs a translation (issue #11, item 1).

Each test first reads the lesson and its course page (whose outline lists
the lessons) through the server, anonymously and logged in, so that both
workers have them cached, then changes the content and reads them again."""

import time
import uuid
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

import pytest

from courses.factories import course_with_lessons
from courses.models import LessonPage, ModulePage
from tests.servers import SiteServer, redis_env, run_command, session_cookie
from tests.services import REDIS_URL, require_redis

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    site = SiteServer(workers=2).start()
    yield site
    site.stop()


@pytest.fixture
def cookie(trainee):
    return session_cookie(trainee)


def lessons_of(course):
    return list(LessonPage.objects.live().descendant_of(course).order_by("path"))


def path_of(page):
    return page.specific.get_url()


def warm(server, cookie, *paths):
    """Read the pages through every worker, anonymous and logged in; returns
    the bodies of the last reads."""
    bodies = {}
    for path in paths:
        for who in (None, cookie):
            responses = server.get_all(path, who)
            assert {status for status, _ in responses} == {200}, path
            bodies[(path, who)] = responses[-1][1]
    return bodies


def shown_everywhere(server, cookie, path, text):
    """Every worker, for both readers, shows ``text`` at ``path``."""
    return all(
        status == 200 and text in body
        for who in (None, cookie)
        for status, body in server.get_all(path, who)
    )


def shown_nowhere(server, cookie, path, text):
    return all(
        text not in body
        for who in (None, cookie)
        for _status, body in server.get_all(path, who)
    )


@pytest.fixture
def course(db):
    return course_with_lessons(lessons=3, modules=2, title="Cours inter-processus")


def test_publish_shows_in_other_processes(server, cookie, course):
    lesson = lessons_of(course)[1]
    lesson_path, course_path = path_of(lesson), path_of(course)
    warm(server, cookie, lesson_path, course_path)

    lesson.title = "Titre publié ailleurs"
    lesson.save_revision().publish()

    assert shown_everywhere(server, cookie, lesson_path, "Titre publié ailleurs")
    assert shown_everywhere(server, cookie, course_path, "Titre publié ailleurs")


def test_scheduled_publish_by_another_process(server, cookie, course, moderator):
    lesson = lessons_of(course)[0]
    lesson_path, course_path = path_of(lesson), path_of(course)
    warm(server, cookie, lesson_path, course_path)

    lesson.title = "Publication programmée"
    go_live_at = timezone.now() + timedelta(seconds=3)
    lesson.go_live_at = go_live_at
    lesson.save_revision(user=moderator).publish(user=moderator)
    assert shown_nowhere(server, cookie, lesson_path, "Publication programmée")

    time.sleep(max(0.0, (go_live_at - timezone.now()).total_seconds()) + 0.5)
    run_command("publish_scheduled")  # a third process, as cron runs it

    assert shown_everywhere(server, cookie, lesson_path, "Publication programmée")
    assert shown_everywhere(server, cookie, course_path, "Publication programmée")


def test_unpublish_shows_in_other_processes(server, cookie, course):
    lesson = lessons_of(course)[2]
    lesson_path, course_path = path_of(lesson), path_of(course)
    assert lesson.title in warm(server, cookie, course_path)[(course_path, None)]
    warm(server, cookie, lesson_path)

    lesson.unpublish()

    for who in (None, cookie):
        assert {s for s, _ in server.get_all(lesson_path, who)} == {404}
    assert shown_nowhere(server, cookie, course_path, lesson_path)


def test_move_shows_in_other_processes(server, cookie, course):
    lesson = lessons_of(course)[0]
    old_path, course_path = path_of(lesson), path_of(course)
    warm(server, cookie, old_path, course_path)
    other = ModulePage.objects.child_of(course).order_by("path").last()
    lesson.refresh_from_db()
    lesson.slug = "lecon-deplacee"
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    warm(server, cookie, path_of(lesson), course_path)

    lesson.move(other, pos="last-child")
    lesson.refresh_from_db()
    new_path = path_of(lesson)

    assert new_path != old_path
    assert shown_everywhere(server, cookie, course_path, new_path)
    assert shown_everywhere(server, cookie, new_path, lesson.title)


def test_delete_shows_in_other_processes(server, cookie, course):
    lesson = lessons_of(course)[1]
    lesson_path, course_path = path_of(lesson), path_of(course)
    warm(server, cookie, lesson_path, course_path)

    lesson.delete()

    for who in (None, cookie):
        assert {s for s, _ in server.get_all(lesson_path, who)} == {404}
    assert shown_nowhere(server, cookie, course_path, lesson_path)


def test_revert_shows_in_other_processes(server, cookie, course, moderator):
    lesson = lessons_of(course)[1]
    original = lesson.latest_revision
    lesson.title = "Version à annuler"
    lesson.save_revision(user=moderator).publish(user=moderator)
    lesson_path, course_path = path_of(lesson), path_of(course)
    assert shown_everywhere(server, cookie, lesson_path, "Version à annuler")
    warm(server, cookie, course_path)

    # What the admin's "revert to this revision" and publish does.
    lesson.refresh_from_db()
    reverted = original.as_object()
    reverted.save_revision(user=moderator, previous_revision=original).publish(
        user=moderator
    )

    assert shown_nowhere(server, cookie, lesson_path, "Version à annuler")
    assert shown_nowhere(server, cookie, course_path, "Version à annuler")
    assert shown_everywhere(server, cookie, lesson_path, original.as_object().title)


def _translate_everything(translation, prefix):
    from wagtail_localize.models import StringSegment, StringTranslation

    for segment in StringSegment.objects.filter(source=translation.source):
        StringTranslation.objects.update_or_create(
            translation_of=segment.string,
            locale=translation.target_locale,
            context=segment.context,
            defaults={"data": f"{prefix} {segment.string.data}"},
        )


def test_translation_sync_shows_in_other_processes(
    server, cookie, client, editor, course
):
    from wagtail.models import Locale
    from wagtail_localize.models import Translation, TranslationSource

    english = Locale.objects.get(language_code="en")
    client.force_login(editor)
    url = reverse("wagtail_localize:submit_page_translation", args=[course.pk])
    response = client.post(url, {"locales": [english.pk], "include_subtree": "on"})
    assert response.status_code == 302
    lesson = lessons_of(course)[1]
    source = TranslationSource.objects.get_for_instance(lesson)
    translation = Translation.objects.get(source=source, target_locale=english)
    _translate_everything(translation, "EN")
    translation.save_target(user=editor, publish=True)
    english_lesson = lesson.get_translation(english)
    english_path = path_of(english_lesson)
    assert shown_everywhere(server, cookie, english_path, f"EN {lesson.title}")

    # The French changes, is synchronised and translated, and published.
    lesson.title = "Leçon modifiée"
    lesson.save_revision().publish()
    source.update_from_db()
    _translate_everything(translation, "EN2")
    translation.save_target(user=editor, publish=True)

    english_path = path_of(lesson.get_translation(english))  # its slug too
    assert shown_everywhere(server, cookie, english_path, "EN2 Leçon modifiée")


# Redis' set-up (production): the generation in Redis, fragments also kept in
# each worker's memory in front of it; every value goes through pickling.


@pytest.fixture(scope="module")
def redis_server(django_db_setup, django_db_blocker):
    client = require_redis(REDIS_URL)
    prefix = f"kalanso-test-{uuid.uuid4().hex[:8]}"
    site = SiteServer(workers=2, env=redis_env(REDIS_URL, prefix)).start()
    site.prefix = prefix
    yield site
    site.stop()
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture
def on_redis(redis_server, settings):
    """This process on the server's Redis too."""
    from kalanso.generation import clear_local_fragments

    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": redis_server.prefix,
        },
    }
    settings.KALANSO_GENERATION_FILE = ""
    settings.KALANSO_LOCAL_FRAGMENT_CACHE = True
    clear_local_fragments()
    yield redis_server
    clear_local_fragments()


def test_publish_and_scheduled_publish_on_redis(on_redis, trainee, course, moderator):
    server = on_redis
    cookie = session_cookie(trainee)
    lessons = lessons_of(course)
    lesson_path, course_path = path_of(lessons[1]), path_of(course)
    warm(server, cookie, lesson_path, course_path)

    lesson = lessons[1]
    lesson.title = "Publié avec Redis"
    lesson.save_revision().publish()
    assert shown_everywhere(server, cookie, lesson_path, "Publié avec Redis")
    assert shown_everywhere(server, cookie, course_path, "Publié avec Redis")

    lesson = lessons[0]
    scheduled_path = path_of(lesson)
    warm(server, cookie, scheduled_path)
    lesson.title = "Programmé avec Redis"
    go_live_at = timezone.now() + timedelta(seconds=3)
    lesson.go_live_at = go_live_at
    lesson.save_revision(user=moderator).publish(user=moderator)
    assert shown_nowhere(server, cookie, scheduled_path, "Programmé avec Redis")
    time.sleep(max(0.0, (go_live_at - timezone.now()).total_seconds()) + 0.5)
    run_command("publish_scheduled", env=redis_env(REDIS_URL, server.prefix))
    assert shown_everywhere(server, cookie, scheduled_path, "Programmé avec Redis")
    assert shown_everywhere(server, cookie, course_path, "Programmé avec Redis")
