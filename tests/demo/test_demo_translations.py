"""The demo's English pages are wagtail-localize translations of the French
ones: "Sync translated pages" is offered on them, and a change to a French
lesson reaches the English lesson through sync → translate → publish."""

from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from wagtail.models import Locale
from wagtail_localize.models import StringSegment, Translation, TranslationSource

import pytest

from courses.factories import user_with_role
from courses.models import CourseIndexPage, CoursePage, LessonPage, ModulePage
from kalanso.home.models import HomePage

pytestmark = pytest.mark.django_db

FUNDAMENTALS_SLUG = "sensibilite-aux-conflits-fondamentaux"
NEW_FR = "Un paragraphe ajouté par l'équipe de Mopti."
NEW_EN = "A paragraph added by the Mopti team."


@pytest.fixture
def course_fr(db):
    call_command("seed_demo", "--force", stdout=StringIO())
    return CoursePage.objects.get(slug=FUNDAMENTALS_SLUG, locale__language_code="fr")


@pytest.fixture
def en():
    return Locale.objects.get(language_code="en")


def translation_of(page, en):
    return Translation.objects.get(
        source__object_id=page.translation_key, target_locale=en
    )


def test_every_english_demo_page_is_a_localize_translation(course_fr, en):
    french = [
        *HomePage.objects.filter(locale__language_code="fr"),
        *CourseIndexPage.objects.filter(locale__language_code="fr"),
        course_fr,
        *ModulePage.objects.descendant_of(course_fr),
        *LessonPage.objects.descendant_of(course_fr),
    ]
    for page in french:
        translation = translation_of(page, en)
        assert translation.enabled
        assert translation.get_target_instance() == page.get_translation(en)
    # The English text is filled in, not the French copied over.
    course_en = course_fr.get_translation(en)
    assert course_en.title == "Conflict sensitivity fundamentals"
    assert course_en.slug != course_fr.slug
    lesson_fr = LessonPage.objects.descendant_of(course_fr).first()
    lesson_en = lesson_fr.get_translation(en)
    assert lesson_en.title != lesson_fr.title
    fr_text = str(lesson_fr.body)
    en_text = str(lesson_en.body)
    assert en_text != fr_text
    assert "Aucune intervention n'est neutre" not in en_text


def test_sync_is_offered_on_the_french_lesson(course_fr, client):
    lesson = LessonPage.objects.descendant_of(course_fr).first()
    editor = user_with_role("awa@example.org", "Editor")
    client.force_login(editor)
    response = client.get(
        reverse("wagtailadmin_pages:edit", args=[lesson.pk]),
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 200
    assert "Synchroniser les pages traduites" in response.content.decode()


def test_change_sync_translate_publish_reaches_the_english_lesson(
    course_fr, en, client
):
    editor = user_with_role("awa@example.org", "Editor")
    moderator = user_with_role("modibo@example.org", "Moderator")
    lesson_fr = LessonPage.objects.descendant_of(course_fr).first().specific
    lesson_en = lesson_fr.get_translation(en).specific
    translation = translation_of(lesson_fr, en)
    source = TranslationSource.objects.get_for_instance(lesson_fr)

    # A moderator changes the French lesson.
    lesson_fr.body.append(("paragraph", f"<p>{NEW_FR}</p>"))
    lesson_fr.save_revision(user=moderator).publish()

    # The editor syncs the translated pages (without publishing them).
    client.force_login(editor)
    response = client.post(
        reverse("wagtail_localize:update_translations", args=[source.pk]), {}
    )
    assert response.status_code == 302
    segment = StringSegment.objects.get(source=source, string__data=NEW_FR)

    # ...translates the new string in the translation editor...
    response = client.put(
        f"/admin/localize/translate/{translation.pk}/strings/{segment.pk}/edit/",
        data=f"value={NEW_EN.replace(' ', '+')}",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (200, 201), response.content
    # ...but may not publish it.
    edit_url = reverse("wagtailadmin_pages:edit", args=[lesson_en.pk])
    response = client.post(edit_url, {"action": "publish"})
    lesson_en.refresh_from_db()
    assert NEW_EN not in str(lesson_en.specific.body)

    # The moderator publishes from the translation editor.
    client.force_login(moderator)
    response = client.post(edit_url, {"action": "publish"})
    assert response.status_code == 302
    english = client.get(lesson_en.url)
    assert english.status_code == 200
    html = english.content.decode()
    assert NEW_EN in html
    assert NEW_FR not in html
