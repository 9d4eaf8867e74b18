"""Editors author in the Wagtail admin; moderators review and publish."""

from django.urls import reverse

from wagtail.models import Page, WorkflowState
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

import pytest

from courses.models import (
    CourseIndexPage,
    CoursePage,
    LessonPage,
    ModulePage,
    ResourceIndexPage,
    ResourcePage,
)
from kalanso.home.models import HomePage, StandardPage

pytestmark = pytest.mark.django_db


def test_page_tree_rules():
    assert CoursePage.allowed_parent_page_models() == [CourseIndexPage]
    assert ModulePage.allowed_parent_page_models() == [CoursePage]
    assert LessonPage.allowed_parent_page_models() == [ModulePage]
    assert LessonPage.allowed_subpage_models() == []
    assert set(HomePage.allowed_subpage_models()) >= {
        CourseIndexPage,
        ResourceIndexPage,
        StandardPage,
    }
    assert ResourcePage.allowed_parent_page_models() == [ResourceIndexPage]


def lesson_form(title="Nouvelle leçon", **overrides):
    data = {
        "title": title,
        "slug": "nouvelle-lecon",
        "summary": "",
        "duration_minutes": 10,
        "body": streamfield(
            [
                ("paragraph", rich_text("<p>Texte de la leçon.</p>")),
                (
                    "sorting_exercise",
                    {
                        "kind": "connectors_dividers",
                        "instructions": rich_text("<p>Classez.</p>"),
                        "statements": streamfield(
                            [
                                (
                                    "item",
                                    {
                                        "text": "Le marché",
                                        "category": "connector",
                                        "explanation": "Rassemble.",
                                    },
                                ),
                                (
                                    "item",
                                    {
                                        "text": "La rumeur",
                                        "category": "divider",
                                        "explanation": "Divise.",
                                    },
                                ),
                            ]
                        ),
                    },
                ),
            ]
        ),
    }
    data.update(overrides)
    return nested_form_data(data)


def test_editor_creates_lesson_and_submits_for_review(
    client, editor, moderator, course
):
    module = ModulePage.objects.child_of(course).first()
    client.force_login(editor)
    url = reverse("wagtailadmin_pages:add", args=["courses", "lessonpage", module.pk])
    assert client.get(url).status_code == 200
    # Editors cannot publish directly: the publish action is ignored/refused.
    data = lesson_form()
    data["action-submit"] = "Submit"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    lesson = LessonPage.objects.get(slug="nouvelle-lecon")
    assert not lesson.live
    state = WorkflowState.objects.get(object_id=str(lesson.pk))
    assert state.status == "in_progress"

    # A moderator approves: the lesson is published.
    client.force_login(moderator)
    task_state = state.current_task_state
    approve = reverse(
        "wagtailadmin_pages:workflow_action", args=[lesson.pk, "approve", task_state.pk]
    )
    response = client.post(approve, {"comment": "Très bien"})
    assert response.status_code in (200, 302)
    lesson.refresh_from_db()
    assert lesson.live


def test_editor_cannot_publish_directly(client, editor, course):
    """The publish button pressed by an editor saves a draft: the page exists
    with a revision, is not live and has never been published."""
    module = ModulePage.objects.child_of(course).first()
    client.force_login(editor)
    url = reverse("wagtailadmin_pages:add", args=["courses", "lessonpage", module.pk])
    data = lesson_form(title="Tentative")
    data["action-publish"] = "Publish"
    response = client.post(url, data)
    lesson = LessonPage.objects.get(title="Tentative")
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[lesson.pk])
    assert not lesson.live
    assert lesson.first_published_at is None and lesson.live_revision is None
    revision = lesson.latest_revision
    assert revision is not None and revision.user == editor
    assert revision.content["title"] == "Tentative"
    assert revision.approved_go_live_at is None
    assert not WorkflowState.objects.filter(object_id=str(lesson.pk)).exists()


def test_moderator_publishes_directly(client, moderator, course):
    """The counterpart: the same form posted by a moderator is published."""
    module = ModulePage.objects.child_of(course).first()
    client.force_login(moderator)
    url = reverse("wagtailadmin_pages:add", args=["courses", "lessonpage", module.pk])
    data = lesson_form(title="Publiée")
    data["action-publish"] = "Publish"
    assert client.post(url, data).status_code == 302
    lesson = LessonPage.objects.get(title="Publiée")
    assert lesson.live and lesson.live_revision == lesson.latest_revision


def test_sorting_exercise_rejects_categories_of_another_kind(client, moderator, course):
    module = ModulePage.objects.child_of(course).first()
    client.force_login(moderator)
    url = reverse("wagtailadmin_pages:add", args=["courses", "lessonpage", module.pk])
    data = lesson_form(title="Mauvais exercice")
    data["body-1-value-statements-0-value-category"] = "root_cause"
    response = client.post(url, data)
    assert response.status_code == 200
    assert not LessonPage.objects.filter(title="Mauvais exercice").exists()


def test_image_block_requires_alt_text():
    from courses.blocks import ImageBlock

    block = ImageBlock()
    assert block.child_blocks["alt_text"].required


def test_trainee_cannot_reach_page_editor(client, trainee, course):
    client.force_login(trainee)
    response = client.get(reverse("wagtailadmin_pages:edit", args=[course.pk]))
    assert response.status_code in (302, 403)
    assert Page.objects.get(pk=course.pk).title == course.title


def test_editor_previews_a_draft(client, editor, course):
    lesson = LessonPage.objects.live().descendant_of(course).first()
    lesson.title = "Brouillon en relecture"
    lesson.save_revision()
    client.force_login(editor)
    response = client.get(reverse("wagtailadmin_pages:view_draft", args=[lesson.pk]))
    assert response.status_code == 200
    assert "Brouillon en relecture" in response.content.decode()
    # The public still sees the published version.
    client.logout()
    assert "Brouillon en relecture" not in client.get(lesson.url).content.decode()


def test_editor_submits_a_course_for_translation(client, editor, course):
    from wagtail.models import Locale

    client.force_login(editor)
    url = reverse("wagtail_localize:submit_page_translation", args=[course.pk])
    assert client.get(url).status_code == 200
    english = Locale.objects.get(language_code="en")
    response = client.post(url, {"locales": [english.pk], "include_subtree": "on"})
    assert response.status_code == 302
    translated = course.get_translation(english)
    assert translated.title == course.title  # to be translated in the editor
    assert LessonPage.objects.filter(locale=english).count() == 3


def test_scheduled_publishing(client, moderator, course):
    import time
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    lesson = LessonPage.objects.live().descendant_of(course).first()
    lesson.title = "Programmé"
    lesson.go_live_at = timezone.now() + timedelta(seconds=2)
    lesson.save_revision(user=moderator).publish(user=moderator)
    lesson.refresh_from_db()
    assert lesson.title != "Programmé"
    assert "Programmé" not in client.get(lesson.url).content.decode()
    time.sleep(2.5)
    call_command("publish_scheduled")
    lesson.refresh_from_db()
    assert lesson.title == "Programmé"
    assert "Programmé" in client.get(lesson.url).content.decode()
