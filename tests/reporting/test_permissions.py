"""Who may open what: anonymous → login, trainee/trainer/editor → 403,
programme manager → 200. The public summary page is the exception."""

from django.urls import reverse

import pytest

from courses.factories import user_with_role
from reporting.models import PublicSummarySettings
from trainers import factories
from trainers.models import TrainerProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def participant(course):
    """Some data for the pages to show."""
    lead = factories.trainer("lead@example.org", TrainerProfile.Level.CERTIFIED)
    session = factories.session(course, lead, status="held")
    return factories.participants(session, 1)[0]


def urls():
    return [
        ("get", reverse("reporting:dashboard")),
        ("get", reverse("reporting:dashboard") + "?view=published"),
        ("get", reverse("reporting:export_aggregates", args=["csv"])),
        ("get", reverse("reporting:export_aggregates", args=["xlsx"])),
        ("get", reverse("reporting:export_personal", args=["participants", "csv"])),
        ("get", reverse("reporting:export_personal", args=["learners", "xlsx"])),
        ("get", reverse("reporting:tokens")),
        ("post", reverse("reporting:tokens")),
    ]


ROLES = {
    "trainee": lambda: user_with_role("trainee@example.org", "Trainee"),
    "editor": lambda: user_with_role("editor@example.org", "Editor"),
    "trainer": lambda: factories.trainer(
        "t@example.org", TrainerProfile.Level.CERTIFIED
    ),
    "master trainer": lambda: factories.trainer(
        "mt@example.org", TrainerProfile.Level.MASTER
    ),
}


def test_anonymous_is_sent_to_log_in(client, participant):
    for method, url in urls():
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"], url


@pytest.mark.parametrize("role", list(ROLES))
def test_other_roles_are_refused(client, participant, role):
    client.force_login(ROLES[role]())
    for method, url in urls():
        assert getattr(client, method)(url).status_code == 403, (role, url)


def test_manager_gets_in(client, participant, manager):
    client.force_login(manager)
    for method, url in urls():
        if method == "post":
            continue
        response = client.get(url)
        assert response.status_code == 200, url
        assert "private" in response.get("Cache-Control", "") or "no-cache" in (
            response.get("Cache-Control", "")
        ), url


def test_public_page_only_when_switched_on(client, participant):
    url = reverse("reporting:public_summary")
    assert client.get(url).status_code == 404
    settings = PublicSummarySettings.load()
    settings.enabled = True
    settings.save()
    response = client.get(url)
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]


def test_editor_may_switch_the_public_page(editor, client):
    assert editor.has_perm("reporting.change_publicsummarysettings")
    client.force_login(editor)
    response = client.get(
        "/admin/settings/reporting/publicsummarysettings/", follow=True
    )
    assert response.status_code == 200
    assert b"enabled" in response.content
    assert not user_with_role("x@example.org", "Trainee").has_perm(
        "reporting.change_publicsummarysettings"
    )
