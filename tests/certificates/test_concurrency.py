"""Real commits and real threads: issuance runs after the commit (as in
development, where tasks run at once) and never issues twice."""

from django.test import Client
from django.urls import reverse

import pytest

from certificates import issuance
from certificates.models import Credential
from courses.factories import course_with_lessons, user_with_role
from courses.models import Enrolment, LessonPage
from courses.services import lesson_complete
from tests.races import same

from .conftest import complete_course

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_completing_the_last_lesson_issues_the_certificate():
    """The lesson is committed before the course's completion is recorded:
    the task applies the course's rule itself, so it issues all the same."""
    course = course_with_lessons(lessons=2)
    user = user_with_role("committed@example.org", "Trainee")
    client = Client()
    client.force_login(user)
    for lesson in LessonPage.objects.live().descendant_of(course):
        client.post(reverse("courses:complete_lesson", args=[lesson.pk]))
    credential = Credential.objects.get(user=user)
    assert credential.achievement_fr == course.title


def test_parallel_issuance_gives_one_certificate():
    course = course_with_lessons(lessons=1)
    user = user_with_role("parallel@example.org", "Trainee")
    complete_course(user, course)
    Credential.objects.all().delete()

    results, errors = same(
        lambda: (
            issuance.course_credential_issue(
                user_id=user.pk, course_key=course.translation_key
            ).pk
        ),
        threads=6,
    )
    assert errors == []
    assert Credential.objects.filter(user=user).count() == 1
    assert set(results) == {Credential.objects.get(user=user).pk}


def test_the_last_lesson_reports_the_completion_before_the_certificate_task():
    """The certificate task that follows the last progress row (at the commit)
    finds the completion already recorded, and the request still tells the
    trainee they just completed the course."""
    course = course_with_lessons(lessons=2)
    first, last = LessonPage.objects.live().descendant_of(course).order_by("path")
    user = user_with_role("last@example.org", "Trainee")
    assert lesson_complete(user=user, lesson=first, course=course) is False
    assert lesson_complete(user=user, lesson=last, course=course) is True
    assert Enrolment.objects.get(user=user).completed_at is not None
    assert Credential.objects.filter(user=user).count() == 1
