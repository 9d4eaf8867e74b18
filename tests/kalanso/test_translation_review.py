"""In wagtail-localize's translation editor, an editor (who may not publish)
submits the translation for review; a moderator approves it and the English
page shows it. wagtail-localize alone offers "Publish" only."""

from django.urls import reverse

from wagtail.models import WorkflowState
from wagtail_localize.models import String, StringSegment, StringTranslation

import pytest

from courses.factories import user_with_role
from courses.models import LessonPage
from tests.localize import localize

pytestmark = pytest.mark.django_db

NEW_EN = "Connectors bring people together"


@pytest.fixture
def lesson_translation(lessons):
    return localize(lessons[0])


def translate_title(translation, text):
    """What the translation editor stores as the editor types."""
    segment = StringSegment.objects.get(
        source=translation.source, context__path="title"
    )
    StringTranslation.objects.update_or_create(
        translation_of=segment.string,
        locale=translation.target_locale,
        context=segment.context,
        defaults={"data": text},
    )


def test_editor_submits_and_moderator_publishes(client, lessons, lesson_translation):
    editor = user_with_role("awa@example.org", "Editor")
    moderator = user_with_role("modibo@example.org", "Moderator")
    english = lessons[0].get_translation(lesson_translation.target_locale)
    edit = reverse("wagtailadmin_pages:edit", args=[english.pk])

    client.force_login(editor)
    page = client.get(edit).content.decode()
    assert "kalanso-submit-translation" in page  # the editor's way forward
    translate_title(lesson_translation, NEW_EN)
    response = client.post(edit, {"kalanso-submit-translation": "1"})
    assert response.status_code == 302
    english.refresh_from_db()
    assert english.title != NEW_EN  # not live yet
    assert english.get_latest_revision_as_object().title == NEW_EN
    state = WorkflowState.objects.get(object_id=str(english.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert "kalanso-submit-translation" not in client.get(edit).content.decode()

    # The moderator sees "Publish" in the editor (wagtail-localize's), not ours,
    # and approves the submitted translation.
    client.force_login(moderator)
    assert "kalanso-submit-translation" not in client.get(edit).content.decode()
    approve = reverse(
        "wagtailadmin_pages:workflow_action",
        args=[english.pk, "approve", state.current_task_state.pk],
    )
    assert client.post(approve, {}).status_code in (200, 302)
    english.refresh_from_db()
    assert english.live and english.title == NEW_EN
    client.logout()
    assert NEW_EN in client.get(english.url).content.decode()


def test_submitting_needs_the_right_to_submit(client, lessons, lesson_translation):
    trainee = user_with_role("trainee@example.org", "Trainee")
    english = lessons[0].get_translation(lesson_translation.target_locale)
    client.force_login(trainee)
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[english.pk]),
        {"kalanso-submit-translation": "1"},
    )
    assert response.status_code in (302, 403)
    assert not WorkflowState.objects.filter(object_id=str(english.pk)).exists()
    assert not String.objects.filter(data=NEW_EN).exists()
    assert LessonPage.objects.get(pk=english.pk).title != NEW_EN
