import re

from django.urls import reverse

import pytest

from courses.models import Enrolment, LessonProgress

pytestmark = pytest.mark.django_db


def test_course_outline_is_public(client, course, lessons):
    response = client.get(course.url)
    assert response.status_code == 200
    html = response.content.decode()
    for lesson in lessons:
        assert lesson.title in html
    assert reverse("accounts:login") in html


def test_public_lesson_readable_without_account(client, lessons):
    response = client.get(lessons[0].url)
    assert response.status_code == 200
    assert "Les connecteurs rapprochent les gens." in response.content.decode()


def test_private_lesson_needs_account(client, private_course):
    from courses.models import LessonPage

    lesson = LessonPage.objects.descendant_of(private_course).first()
    response = client.get(lesson.url)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    # The outline stays public.
    assert client.get(private_course.url).status_code == 200


def test_private_lesson_for_trainee(trainee_client, private_course):
    from courses.models import LessonPage

    lesson = LessonPage.objects.descendant_of(private_course).first()
    response = trainee_client.get(lesson.url)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]


def test_lesson_navigation(client, lessons):
    html = client.get(lessons[1].url).content.decode()
    assert f'href="{lessons[0].url}"' in html  # previous
    assert f'href="{lessons[2].url}"' in html  # next
    assert 'aria-current="page"' in html


def test_enrol_and_complete_flow(trainee_client, trainee, course, lessons):
    response = trainee_client.post(reverse("courses:enrol", args=[course.pk]))
    assert response.status_code == 302
    assert (
        Enrolment.objects.filter(
            user=trainee, course_key=course.translation_key
        ).count()
        == 1
    )

    html = trainee_client.get(course.url).content.decode()
    for lesson in lessons:
        assert lesson.title in html
    # 0 %, not 10 % or 100 %: the bar's value and its label, exactly.
    assert '<progress max="100" value="0" ' in html
    assert re.search(
        rf">0 % [^<(]*\([^<)]*\b0\b[^<)]*\b{len(lessons)}\b[^<)]*\)</span>", html
    )

    for lesson in lessons:
        response = trainee_client.post(
            reverse("courses:complete_lesson", args=[lesson.pk])
        )
        assert response.status_code == 302
    enrolment = Enrolment.objects.get(user=trainee)
    assert enrolment.completed_at is not None
    assert LessonProgress.objects.filter(user=trainee).count() == 3

    html = trainee_client.get(reverse("courses:my_learning")).content.decode()
    assert course.title in html
    assert "Completed" in html or "Terminé" in html


def test_course_page_lists_what_is_missing(trainee_client, course, lessons):
    trainee_client.post(reverse("courses:enrol", args=[course.pk]))
    trainee_client.post(reverse("courses:complete_lesson", args=[lessons[0].pk]))
    html = trainee_client.get(course.url).content.decode()
    missing_section = html.split('class="missing"')[1].split("</ul>")[0]
    assert lessons[0].title not in missing_section
    assert lessons[1].title in missing_section
    assert lessons[2].title in missing_section


def test_complete_is_idempotent(trainee_client, trainee, lessons):
    url = reverse("courses:complete_lesson", args=[lessons[0].pk])
    for _ in range(3):
        assert trainee_client.post(url).status_code == 302
    assert LessonProgress.objects.filter(user=trainee).count() == 1
    assert Enrolment.objects.filter(user=trainee).count() == 1


def test_complete_requires_post(trainee_client, lessons):
    url = reverse("courses:complete_lesson", args=[lessons[0].pk])
    assert trainee_client.get(url).status_code == 405


def test_continue_resumes_last_lesson(trainee_client, course, lessons):
    trainee_client.post(reverse("courses:enrol", args=[course.pk]))
    trainee_client.get(lessons[1].url)
    response = trainee_client.get(reverse("courses:continue", args=[course.pk]))
    assert response["Location"] == lessons[1].url


def test_continue_goes_to_first_unfinished(trainee_client, course, lessons):
    trainee_client.post(reverse("courses:complete_lesson", args=[lessons[0].pk]))
    response = trainee_client.get(reverse("courses:continue", args=[course.pk]))
    assert response["Location"] == lessons[1].url


def test_next_parameter_cannot_redirect_off_site(trainee_client, lessons):
    response = trainee_client.post(
        reverse("courses:complete_lesson", args=[lessons[0].pk]),
        {"next": "https://evil.example.com/"},
    )
    assert response["Location"] == lessons[0].url


def test_unpublished_lesson_is_404(trainee_client, lessons):
    lessons[0].unpublish()
    response = trainee_client.post(
        reverse("courses:complete_lesson", args=[lessons[0].pk])
    )
    assert response.status_code == 404
