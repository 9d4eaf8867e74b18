"""Double submits and parallel requests: one enrolment, one progress row,
one completion — on SQLite and on PostgreSQL, with real threads."""

import threading

from django.db import connection

import pytest

from courses.factories import course_with_lessons, user_with_role
from courses.models import Enrolment, LessonPage, LessonProgress
from courses.services import enrolment_create, lesson_complete

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def race(worker, threads=8):
    barrier = threading.Barrier(threads)
    errors = []

    def run():
        try:
            barrier.wait(timeout=10)
            worker()
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    pool = [threading.Thread(target=run) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=60)
    return errors


def test_parallel_completion_of_the_same_lesson():
    course = course_with_lessons(lessons=1)
    lesson = LessonPage.objects.live().descendant_of(course).get()
    user = user_with_role("racer@example.org", "Trainee")
    completions = []

    def worker():
        completions.append(lesson_complete(user=user, lesson=lesson, course=course))

    errors = race(worker)
    assert errors == []
    assert LessonProgress.objects.filter(user=user).count() == 1
    assert Enrolment.objects.filter(user=user).count() == 1
    assert Enrolment.objects.get(user=user).completed_at is not None
    # Exactly one request reports "you just completed the course".
    assert completions.count(True) == 1


def test_parallel_enrolment():
    course = course_with_lessons(lessons=1)
    user = user_with_role("racer2@example.org", "Trainee")
    errors = race(lambda: enrolment_create(user=user, course=course))
    assert errors == []
    assert Enrolment.objects.filter(user=user).count() == 1
