"""Double submits and parallel requests: one enrolment, one progress row,
one completion — on SQLite and on PostgreSQL, with real threads."""

import pytest

from courses.factories import course_with_lessons, user_with_role
from courses.models import Enrolment, LessonPage, LessonProgress
from courses.services import enrolment_create, lesson_complete
from tests.races import same

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_parallel_completion_of_the_same_lesson():
    course = course_with_lessons(lessons=1)
    lesson = LessonPage.objects.live().descendant_of(course).get()
    user = user_with_role("racer@example.org", "Trainee")
    completions, errors = same(
        lambda: lesson_complete(user=user, lesson=lesson, course=course), threads=8
    )
    assert errors == []
    assert LessonProgress.objects.filter(user=user).count() == 1
    assert Enrolment.objects.filter(user=user).count() == 1
    assert Enrolment.objects.get(user=user).completed_at is not None
    # Exactly one request reports "you just completed the course".
    assert completions.count(True) == 1


def test_parallel_enrolment():
    course = course_with_lessons(lessons=1)
    user = user_with_role("racer2@example.org", "Trainee")
    _results, errors = same(
        lambda: enrolment_create(user=user, course=course), threads=8
    )
    assert errors == []
    assert Enrolment.objects.filter(user=user).count() == 1
