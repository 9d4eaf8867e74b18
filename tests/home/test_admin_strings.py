"""wagtail-localize strings in French: "Publish in " followed by the language
(which read "Publier dansAnglais") and the literal "More actions" of its
translation editor, both provided by our locale."""

from django.urls import reverse

from wagtail.users.models import UserProfile

import pytest

from courses.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def french_editor(client):
    editor = user_with_role("editor-strings@example.org", "Editor")
    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = "fr"
    profile.save()
    client.force_login(editor)
    return editor


def test_publish_in_keeps_its_space_in_french(client, french_editor):
    catalogue = client.get(
        reverse("wagtail_localize:javascript_catalog")
    ).content.decode()
    assert '"Publish in ": "Publier : "' in catalogue
    assert '"Publier dans"' not in catalogue


def test_more_actions_is_translated_in_the_admin(client, french_editor):
    page = client.get("/admin/").content.decode()
    assert "js/admin-strings.js" in page
    assert "Plus d&#x27;actions" in page or "Plus d'actions" in page
