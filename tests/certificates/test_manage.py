"""Programme managers: search, revoke with a reason, reissue after a name
correction — each audit-logged."""

from datetime import date

from django.urls import reverse
from django.utils import translation

import pytest

from certificates.models import Credential
from kalanso.accounts.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def test_revoke_with_a_reason(course_credential, manager, manager_client, client):
    url = reverse("certificates:manage_revoke", args=[course_credential.pk])
    response = manager_client.post(url, {"reason": "  "})
    assert response.status_code == 400
    course_credential.refresh_from_db()
    assert not course_credential.is_revoked

    response = manager_client.post(url, {"reason": "Examen passé par un tiers"})
    assert response.status_code == 302
    course_credential.refresh_from_db()
    assert course_credential.is_revoked
    assert course_credential.revoked_by == manager
    assert course_credential.revoked_reason == "Examen passé par un tiers"
    entry = AuditEntry.objects.get(action="credential_revoked")
    assert entry.actor == manager
    assert entry.target_id == str(course_credential.pk)
    assert entry.detail["reason"] == "Examen passé par un tiers"

    # Twice: a clear message, nothing changes.
    response = manager_client.post(url, {"reason": "Encore"}, follow=True)
    # The first revocation's success, then this refusal.
    assert [m.level_tag for m in response.context["messages"]] == ["success", "error"]
    assert AuditEntry.objects.filter(action="credential_revoked").count() == 1


def test_reissue_after_a_name_correction(
    course_credential, manager, manager_client, trainee
):
    old = course_credential
    response = manager_client.post(
        reverse("certificates:manage_reissue", args=[old.pk]),
        {"holder_name": "  Aminata   Traoré ", "reason": "Accent oublié"},
    )
    assert response.status_code == 302
    new = Credential.objects.get(replaces=old)
    assert response["Location"] == reverse("certificates:manage_detail", args=[new.pk])
    assert new.holder_name == "Aminata Traoré"
    assert new.edition == 2 and new.award_key == old.award_key
    assert new.code != old.code and new.short_code != old.short_code
    assert new.status_index != old.status_index
    assert (new.achievement_fr, new.issued_on, new.user) == (
        old.achievement_fr,
        old.issued_on,
        old.user,
    )
    old.refresh_from_db()
    assert old.revocation_cause == Credential.Cause.REISSUED
    entry = AuditEntry.objects.get(action="credential_reissued")
    assert entry.actor == manager and entry.detail["replaces"] == old.pk
    assert "Aminata" not in str(entry.detail)  # no names in the audit log

    # The old code says it was replaced; My learning lists the new one only.
    with translation.override("en"):
        old_page = reverse("certificates:verify", args=[old.code])
    html = manager_client.get(old_page).content.decode()
    assert "A corrected certificate was issued" in html
    manager_client.force_login(trainee)
    html = manager_client.get(reverse("courses:my_learning")).content.decode()
    assert new.short_code_display in html
    assert old.short_code_display not in html


def test_reissue_refuses_the_same_name_and_revoked_ones(
    course_credential, manager, manager_client
):
    url = reverse("certificates:manage_reissue", args=[course_credential.pk])
    response = manager_client.post(url, {"holder_name": course_credential.holder_name})
    assert response.status_code == 400
    assert not Credential.objects.filter(replaces=course_credential).exists()
    manager_client.post(
        reverse("certificates:manage_revoke", args=[course_credential.pk]),
        {"reason": "Erreur"},
    )
    response = manager_client.post(url, {"holder_name": "Autre Nom"})
    assert response.status_code == 400
    assert Credential.objects.count() == 1


def test_search(course_credential, attendance_session, manager_client):
    url = reverse("certificates:manage_list")

    def found(**params):
        response = manager_client.get(url, params)
        assert response.status_code == 200
        return {c.pk for c in response.context["credentials"]}

    fatoumata = Credential.objects.get(holder_name="Fatoumata Koné")
    everyone = set(Credential.objects.values_list("pk", flat=True))
    assert found() == everyone
    assert found(q="fatoumata") == {fatoumata.pk}
    assert found(q=fatoumata.short_code_display.lower()) == {fatoumata.pk}
    assert found(q=fatoumata.code) == {fatoumata.pk}
    assert found(kind="course") == {course_credential.pk}
    assert found(kind="attendance") == everyone - {course_credential.pk}
    assert found(issued_to=attendance_session.end_date.isoformat()) == everyone - {
        course_credential.pk
    }
    assert found(issued_from=date.today().isoformat()) == {course_credential.pk}
    assert found(state="revoked") == set()
    assert found(state="valid") == everyone
    # Bad input: a form error, no crash, nothing listed.
    response = manager_client.get(url, {"issued_from": "not a date"})
    assert response.status_code == 200
    assert not response.context["credentials"]


def test_detail_page(course_credential, manager_client):
    response = manager_client.get(
        reverse("certificates:manage_detail", args=[course_credential.pk])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert course_credential.holder_name in html
    assert reverse("certificates:manage_revoke", args=[course_credential.pk]) in html
    assert "private" in response["Cache-Control"]
