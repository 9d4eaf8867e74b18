"""Regression: lessons under an unpublished module.

Such a lesson stays live (Wagtail unpublishes the module only) but leaves the
outline, so the trainee cannot reach it. The completion was once decided in
three places that disagreed on it: the service that records completion
required it, the pages and certificates did not, so a certificate was issued
while ``Enrolment.completed_at`` stayed empty. Now it is never required, and
the record, the pages, "My learning" and the certificate agree.
"""

from django.urls import reverse

import pytest

from certificates import issuance
from certificates.models import Credential
from courses.factories import course_with_lessons
from courses.models import Enrolment, LessonPage, ModulePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_modules(db):
    """Lessons 1 and 3 in module 1, lessons 2 and 4 in module 2."""
    course = course_with_lessons(lessons=4, modules=2)
    modules = list(ModulePage.objects.child_of(course).order_by("path"))
    by_module = [
        list(LessonPage.objects.child_of(module).order_by("path")) for module in modules
    ]
    return course, modules, by_module


def test_lessons_of_an_unpublished_module_are_not_required(
    trainee_client, trainee, two_modules, django_capture_on_commit_callbacks
):
    course, (_first, second), (reachable, unreachable) = two_modules
    second.unpublish()
    assert all(LessonPage.objects.get(pk=x.pk).live for x in unreachable)

    trainee_client.post(reverse("courses:enrol", args=[course.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in reachable:
            trainee_client.post(reverse("courses:complete_lesson", args=[lesson.pk]))

    enrolment = Enrolment.objects.get(user=trainee)
    assert enrolment.completed_at is not None
    assert Credential.objects.filter(user=trainee, kind=Credential.Kind.COURSE).exists()
    response = trainee_client.get(course.url)
    assert response.context["progress"].is_complete
    assert response.context["progress"].missing_lessons == []
    for lesson in unreachable:
        assert lesson.title not in response.content.decode()
    response = trainee_client.get(reverse("courses:my_learning"))
    assert [row.course.pk for row in response.context["completed"]] == [course.pk]
    assert response.context["in_progress"] == []


def test_lessons_of_a_published_module_are_required(
    trainee_client, trainee, two_modules, django_capture_on_commit_callbacks
):
    course, _modules, (reachable, _unreachable) = two_modules
    trainee_client.post(reverse("courses:enrol", args=[course.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in reachable:
            trainee_client.post(reverse("courses:complete_lesson", args=[lesson.pk]))

    assert Enrolment.objects.get(user=trainee).completed_at is None
    assert not Credential.objects.exists()
    progress = trainee_client.get(course.url).context["progress"]
    assert not progress.is_complete
    assert [x.title for x in progress.missing_lessons] == ["Leçon 2", "Leçon 4"]
    response = trainee_client.get(reverse("courses:my_learning"))
    assert response.context["completed"] == []


def test_no_certificate_without_the_record(trainee_client, trainee, two_modules):
    """The module is unpublished after the trainee's last lesson: the rule is
    met, nothing recorded it yet. Issuing the certificate records it first."""
    course, (_first, second), (reachable, _unreachable) = two_modules
    trainee_client.post(reverse("courses:enrol", args=[course.pk]))
    for lesson in reachable:
        trainee_client.post(reverse("courses:complete_lesson", args=[lesson.pk]))
    second.unpublish()
    assert Enrolment.objects.get(user=trainee).completed_at is None

    credential = issuance.course_credential_issue(
        user_id=trainee.pk, course_key=course.translation_key
    )
    assert credential is not None
    assert Enrolment.objects.get(user=trainee).completed_at is not None
