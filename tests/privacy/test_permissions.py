"""Who may exercise people's rights: every account holder on their own data;
programme managers (only) on participants without an account — anonymous →
login, trainee/trainer/editor → 403."""

from django.urls import reverse

import pytest

from courses.factories import user_with_role
from trainers import factories
from trainers.models import TrainerProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def participant(course):
    lead = factories.trainer("lead@example.org", TrainerProfile.Level.CERTIFIED)
    session = factories.session(course, lead, status="held")
    return factories.participants(session, 1)[0]


def urls(participant):
    return [
        ("get", reverse("privacy:people") + "?q=Participant"),
        ("get", reverse("privacy:participant", args=[participant.pk])),
        ("get", reverse("privacy:participant_export", args=[participant.pk])),
        ("post", reverse("privacy:participant_erase", args=[participant.pk])),
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
    for method, url in urls(participant):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"], url


@pytest.mark.parametrize("role", list(ROLES))
def test_other_roles_are_refused(client, participant, role):
    client.force_login(ROLES[role]())
    for method, url in urls(participant):
        assert getattr(client, method)(url).status_code == 403, (role, url)


def test_manager_gets_in(client, participant, manager):
    client.force_login(manager)
    for method, url in urls(participant):
        if method == "post":
            continue
        response = client.get(url)
        assert response.status_code == 200, url
        assert "private" in response.get("Cache-Control", "") or "no-cache" in (
            response.get("Cache-Control", "")
        ), url


def test_my_data_is_for_any_account_holder(client, trainee):
    assert client.get(reverse("privacy:my_data")).status_code == 302
    client.force_login(trainee)
    assert client.get(reverse("privacy:my_data")).status_code == 200
    assert (
        client.get(reverse("privacy:my_data_export", args=["json"])).status_code == 200
    )


def test_paths_are_those_first_published(participant):
    """The pages moved from the reporting app to their own; their addresses
    (bookmarks, links in e-mails and notices) did not change."""
    pk = participant.pk
    assert [
        reverse("privacy:my_data"),
        reverse("privacy:my_data_export", args=["csv"]),
        reverse("privacy:my_data_erase"),
        reverse("privacy:people"),
        reverse("privacy:participant", args=[pk]),
        reverse("privacy:participant_export", args=[pk]),
        reverse("privacy:participant_erase", args=[pk]),
    ] == [
        "/fr/reporting/my-data/",
        "/fr/reporting/my-data/export.csv",
        "/fr/reporting/my-data/erase/",
        "/fr/reporting/people/",
        f"/fr/reporting/people/{pk}/",
        f"/fr/reporting/people/{pk}/export.json",
        f"/fr/reporting/people/{pk}/erase/",
    ]
