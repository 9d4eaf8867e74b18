"""Every pool view × anonymous / trainee / other trainer / the trainer
themself / master trainer / programme manager."""

from django.urls import reverse

import pytest

from trainers import factories
from trainers.models import CascadeSession, TrainerProfile

pytestmark = pytest.mark.django_db

Level = TrainerProfile.Level
ROLES = ["anonymous", "trainee", "other", "self", "master", "manager"]


@pytest.fixture
def people(course, trainee, master, other_trainer, manager):
    """``self`` was trained in a session led by the master: the master is
    above them in the cascade; the other trainer is not."""
    trained_in = factories.session(course, master, status=CascadeSession.Status.HELD)
    subject = factories.trainer("subject@example.org", trained_in=trained_in)
    return {
        "anonymous": None,
        "trainee": trainee,
        "other": other_trainer,
        "self": subject,
        "master": master,
        "manager": manager,
    }


def urls(subject):
    profile = TrainerProfile.objects.get(user=subject)
    return {
        "directory": ("get", reverse("trainers:directory")),
        "profile_detail": (
            "get",
            reverse("trainers:profile_detail", args=[profile.pk]),
        ),
        "profile_edit": ("get", reverse("trainers:profile_edit")),
        "profile_level": ("get", reverse("trainers:profile_level", args=[profile.pk])),
        "profile_level_post": (
            "post",
            reverse("trainers:profile_level", args=[profile.pk]),
        ),
        "profile_add": ("get", reverse("trainers:profile_add")),
        "cascade_trainer": (
            "get",
            reverse("trainers:cascade_trainer", args=[profile.pk]),
        ),
        "cascade_all": ("get", reverse("trainers:cascade_all")),
        "calendar_public": ("get", reverse("trainers:calendar_public")),
        "calendar_trainer": (
            "get",
            reverse("trainers:calendar_trainer", args=[profile.calendar_token]),
        ),
        # Last: it changes the calendar address of whoever is logged in.
        "calendar_reset": ("post", reverse("trainers:calendar_reset")),
    }


# ok: 200 (or a redirect after a POST); login: sent to log in; denied: 403;
# absent: 404 (not in the pool, for the pages about one's own profile).
EXPECTED = {
    #                    anonymous trainee   other     self      master    manager
    "directory": ("login", "denied", "ok", "ok", "ok", "ok"),
    "profile_detail": ("login", "denied", "ok", "ok", "ok", "ok"),
    "profile_edit": ("login", "absent", "ok", "ok", "ok", "absent"),
    "calendar_reset": ("login", "absent", "ok", "ok", "ok", "absent"),
    "profile_level": ("login", "denied", "denied", "denied", "ok", "ok"),
    "profile_level_post": ("login", "denied", "denied", "denied", "ok", "ok"),
    "profile_add": ("login", "denied", "denied", "denied", "ok", "ok"),
    "cascade_trainer": ("login", "denied", "denied", "ok", "ok", "ok"),
    "cascade_all": ("login", "denied", "denied", "denied", "denied", "ok"),
    "calendar_public": ("ok", "ok", "ok", "ok", "ok", "ok"),
    "calendar_trainer": ("ok", "ok", "ok", "ok", "ok", "ok"),
}


def outcome(response):
    code = response.status_code
    if code == 403:
        return "denied"
    if code == 404:
        return "absent"
    if code == 302:
        return "login" if "/accounts/login/" in response["Location"] else "ok"
    return "ok" if code == 200 else f"HTTP {code}"


def test_permission_matrix(client, people):
    found, expected = {}, {}
    subject = people["self"]
    for role in ROLES:
        client.logout()
        if people[role]:
            client.force_login(people[role])
        for name, (method, url) in urls(subject).items():
            if method == "post":  # no reason given: nothing may change
                response = client.post(url, {"action": "suspend", "suspend-reason": ""})
            else:
                response = client.get(url)
            found[(name, role)] = outcome(response)
            expected[(name, role)] = EXPECTED[name][ROLES.index(role)]
            if found[(name, role)] == "login":
                assert response["Location"].startswith("/fr/accounts/login/?next=")
    assert found == expected
    # Nothing changed on the way (the POSTs had no reason).
    assert subject.trainer_profile.history.count() == 2


def test_anonymous_pages_are_not_cached_publicly(client, people):
    subject = people["self"]
    client.force_login(subject)
    for name in ("directory", "profile_detail", "profile_edit", "cascade_trainer"):
        method, url = urls(subject)[name]
        response = client.get(url)
        assert "private" in response["Cache-Control"], name


def test_programme_only_visibility(client, people):
    subject = people["self"]
    TrainerProfile.objects.filter(user=subject).update(visibility="programme")
    detail = reverse("trainers:profile_detail", args=[subject.trainer_profile.pk])
    for role, status, listed in (
        ("other", 403, False),
        ("self", 200, True),
        ("master", 200, True),
        ("manager", 200, True),
    ):
        client.force_login(people[role])
        assert client.get(detail).status_code == status, role
        page = client.get(reverse("trainers:directory")).content.decode()
        assert (detail in page) is listed, role


def test_checklist_and_history_only_for_the_person_and_the_programme(client, people):
    subject = people["self"]
    detail = reverse("trainers:profile_detail", args=[subject.trainer_profile.pk])
    for role, shown in (
        ("other", False),
        ("self", True),
        ("master", True),
        ("manager", True),
    ):
        client.force_login(people[role])
        response = client.get(detail)
        assert response.status_code == 200
        assert (response.context["checklist"] is not None) is shown, role
        assert (response.context["history"] is not None) is shown, role
        html = response.content.decode()
        assert ('id="history"' in html) is shown, role
        assert ('id="checklist"' in html) is shown, role


def test_links_follow_the_permissions(client, people):
    subject = people["self"]
    profile = subject.trainer_profile
    level = reverse("trainers:profile_level", args=[profile.pk])
    cascade = reverse("trainers:cascade_trainer", args=[profile.pk])
    for role, sees_level, sees_cascade in (
        ("other", False, False),
        ("self", False, True),
        ("master", True, True),
        ("manager", True, True),
    ):
        client.force_login(people[role])
        html = client.get(
            reverse("trainers:profile_detail", args=[profile.pk])
        ).content.decode()
        assert (level in html) is sees_level, role
        assert (cascade in html) is sees_cascade, role


def test_not_in_the_pool_is_a_friendly_404(trainee_client):
    response = trainee_client.get(reverse("trainers:profile_edit"))
    assert response.status_code == 404
    assert "trainers/pool/not_in_pool.html" in [t.name for t in response.templates]
