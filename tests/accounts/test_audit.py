"""The audit log: written by one helper, readable (only) by programme managers."""

from django.urls import reverse

import pytest

from courses.factories import user_with_role
from kalanso.accounts import audit
from kalanso.accounts.models import AuditEntry, Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(db):
    actor = user_with_role("boss@example.org", "Programme manager")
    target = Organisation.objects.create(name="ONG Sahel", type="ngo")
    return audit.record(actor, "export_personal_data", target, rows=3)


def test_record_keeps_who_what_and_target(entry):
    entry.refresh_from_db()
    assert entry.actor.email == "boss@example.org"
    assert entry.actor_label == "Boss"
    assert (entry.target_type, entry.detail) == ("accounts.organisation", {"rows": 3})


def test_entry_survives_the_actor(entry):
    entry.actor.delete()
    entry.refresh_from_db()
    assert entry.actor is None
    assert entry.actor_label == "Boss"


def test_system_actions_have_no_actor(db):
    entry = audit.record(None, "trainer_expired")
    assert (entry.actor, entry.actor_label, entry.target_type) == (None, "system", "")


def test_manager_reads_but_cannot_change(client, entry):
    client.force_login(user_with_role("pm@example.org", "Programme manager"))
    index = client.get(reverse("audit_log:index"))
    assert index.status_code == 200
    assert "export_personal_data" in index.content.decode()
    assert client.get(reverse("audit_log:inspect", args=[entry.pk])).status_code == 200
    assert client.get(reverse("audit_log:add")).status_code in (302, 403)
    assert client.get(reverse("audit_log:edit", args=[entry.pk])).status_code in (
        302,
        403,
    )
    assert client.post(reverse("audit_log:delete", args=[entry.pk])).status_code in (
        302,
        403,
    )
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize("role", ["Editor", "Moderator", "Trainer", "Trainee"])
def test_other_roles_cannot_read(client, entry, role):
    client.force_login(user_with_role(f"{role.lower()}@example.org", role))
    response = client.get(reverse("audit_log:index"))
    assert response.status_code in (302, 403)
