"""A course or lesson named outside its own page is shown in the reader's
language when a translation exists, else under its own title marked with its
language (``lang``): session lists and filters, the trainer's session form,
"My learning", the calendar feeds and the exports."""

import re

from django.urls import reverse
from django.utils import translation

from wagtail.models import Locale

import pytest
from icalendar import Calendar

from courses import localized
from courses.models import Enrolment, LessonPage
from trainers import factories

pytestmark = pytest.mark.django_db

ENGLISH_TITLE = "Conflict sensitivity in practice"


def translate(page, title):
    english = page.copy_for_translation(
        Locale.objects.get(language_code="en"), copy_parents=True
    )
    english.title = title
    english.save_revision().publish()
    english.refresh_from_db()
    return english


@pytest.fixture
def english_course(course):
    return translate(course, ENGLISH_TITLE)


def url(name, language, *args):
    with translation.override(language):
        return reverse(name, args=args)


def test_session_list_and_filter_in_the_readers_language(
    client, manager, course, english_course, own_trainer
):
    # The session names the English version; the French reader sees French.
    factories.session(english_course, own_trainer, title="Session de Mopti")
    client.force_login(manager)
    french = client.get(url("trainers:session_list", "fr")).content.decode()
    assert course.title in french
    assert ENGLISH_TITLE not in french
    assert "(en)" not in french and "(fr)" not in french
    english = client.get(url("trainers:session_list", "en")).content.decode()
    assert ENGLISH_TITLE in english
    assert f">{course.title}<" not in english


def test_filter_finds_the_sessions_of_every_version(
    client, manager, course, english_course, own_trainer
):
    factories.session(english_course, own_trainer, title="Session anglaise")
    factories.session(course, own_trainer, title="Session française")
    client.force_login(manager)
    page = client.get(
        url("trainers:session_list", "fr") + f"?course={course.pk}"
    ).content.decode()
    assert "Session anglaise" in page and "Session française" in page


def test_a_course_without_translation_is_marked_with_its_language(
    client, manager, course, own_trainer
):
    factories.session(course, own_trainer, title="Session de Gao")
    client.force_login(manager)
    english = client.get(url("trainers:session_list", "en")).content.decode()
    assert f'<span lang="fr">{course.title}</span>' in english
    # The filter's option too.
    option = course_options(english)[str(course.pk)]
    assert 'lang="fr"' in option and course.title in option
    french = client.get(url("trainers:session_list", "fr")).content.decode()
    assert 'lang="fr"' not in french.split("<main", 1)[1]


def course_options(page) -> dict[str, str]:
    """The course <select>'s options: value → the option's tag and label."""
    (select,) = re.findall(r'<select name="course".*?</select>', page, re.S)
    return {
        value: tag
        for tag, value in re.findall(r'(<option value="(\d+)"[^>]*>[^<]*)', select)
    }


def test_session_form_keeps_the_version_it_names(
    client, own_trainer, course, english_course
):
    session = factories.session(english_course, own_trainer, title="Session")
    client.force_login(own_trainer)
    page = client.get(url("trainers:session_edit", "fr", session.pk)).content.decode()
    # The English version stays chosen (marked English), the French one is
    # not offered beside it: one option per course.
    options = course_options(page)
    option = options[str(english_course.pk)]
    assert 'lang="en"' in option and "selected" in option
    assert str(course.pk) not in options
    new = course_options(
        client.get(url("trainers:session_create", "fr")).content.decode()
    )
    assert str(course.pk) in new and str(english_course.pk) not in new
    assert "lang=" not in new[str(course.pk)]


def test_last_lesson_opened_in_the_readers_language(
    client, trainee, course, lessons, english_course
):
    english_module = translate(lessons[0].get_parent(), "Module one")
    english_lessons = [
        translate(lesson, f"Lesson {number}")
        for number, lesson in enumerate(lessons, start=1)
    ]
    assert english_module.live
    Enrolment.objects.create(
        user=trainee,
        course=english_course,
        course_key=course.translation_key,
        last_lesson=english_lessons[1],
    )
    client.force_login(trainee)
    french = client.get(url("courses:my_learning", "fr")).content.decode()
    assert lessons[1].title in french and "Lesson 2" not in french
    assert course.title in french and ENGLISH_TITLE not in french
    english = client.get(url("courses:my_learning", "en")).content.decode()
    assert "Last lesson opened: Lesson 2" in english
    assert ENGLISH_TITLE in english


def test_last_lesson_without_translation_is_marked(client, trainee, course, lessons):
    Enrolment.objects.create(
        user=trainee,
        course=course,
        course_key=course.translation_key,
        last_lesson=lessons[1],
    )
    client.force_login(trainee)
    english = client.get(url("courses:my_learning", "en")).content.decode()
    assert f'Last lesson opened: <span lang="fr">{lessons[1].title}</span>' in english


def test_calendar_feed_names_the_course_in_its_language(
    client, course, english_course, own_trainer
):
    factories.session(english_course, own_trainer, title="Session de Mopti")
    french = Calendar.from_ical(
        client.get(url("trainers:calendar_public", "fr")).content
    )
    (event,) = french.walk("VEVENT")
    assert f"Cours : {course.title}" in str(event["DESCRIPTION"]).replace("\u00a0", " ")
    english = Calendar.from_ical(
        client.get(url("trainers:calendar_public", "en")).content
    )
    (event,) = english.walk("VEVENT")
    assert f"Course: {ENGLISH_TITLE}" in str(event["DESCRIPTION"])


def test_one_query_for_many_pages(django_assert_num_queries, course, english_course):
    lessons = list(LessonPage.objects.descendant_of(course))
    pages = [course, english_course, *lessons]
    with translation.override("en"), django_assert_num_queries(1):
        localized.localize(pages)
        shown = [localized.version(page) for page in pages]
    assert shown[0].title == shown[1].title == ENGLISH_TITLE
    assert not shown[0].is_foreign
    assert all(v.is_foreign and v.language == "fr" for v in shown[2:])
