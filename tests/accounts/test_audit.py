"""The audit log: written by one helper, readable (only) by programme managers."""

import html as html_module
import re
from pathlib import Path

from django.urls import reverse
from django.utils import translation

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


def visible_text(html: str) -> str:
    """The page's text, without tags or attributes (codes may stay in the
    filter's option values)."""
    return html_module.unescape(re.sub(r"<[^>]+>", " ", html))


def test_log_shows_actions_in_the_readers_language(client, entry):
    renewed = audit.record(entry.actor, "trainer_renewed", entry.actor)
    audit.record(entry.actor, "reporting.export_personal_data", None, rows=2)
    client.force_login(entry.actor)
    with translation.override("en"):
        expected = {
            code: str(audit.action_label(code))
            for code in ("trainer_renewed", "reporting.export_personal_data")
        }
    pages = [
        client.get(reverse("audit_log:index"), HTTP_ACCEPT_LANGUAGE="en"),
        client.get(
            reverse("audit_log:inspect", args=[renewed.pk]), HTTP_ACCEPT_LANGUAGE="en"
        ),
    ]
    for response in pages:
        assert response.status_code == 200
    index, inspect = (visible_text(r.content.decode()) for r in pages)
    for code in expected:
        assert code not in index
    assert "trainer_renewed" not in inspect
    with translation.override(pages[0].wsgi_request.LANGUAGE_CODE):
        for code in expected:
            assert str(audit.action_label(code)) in index
        assert str(audit.action_label("trainer_renewed")) in inspect
        # The filter names the actions too, and still filters on the code.
        option = re.search(
            r'<option value="trainer_renewed"[^>]*>([^<]*)<', pages[0].content.decode()
        )
        assert option and option.group(1).strip() == html_module.escape(
            str(audit.action_label("trainer_renewed"))
        )
    filtered = client.get(reverse("audit_log:index"), {"action": "trainer_renewed"})
    assert filtered.status_code == 200
    assert list(filtered.context["object_list"]) == [renewed]


def test_every_recorded_action_has_a_label():
    """Each code the source passes to ``audit.record`` (and the trainers'
    level changes) is named for people."""
    from trainers.models import LevelChange

    root = Path(__file__).resolve().parents[2]
    codes = set()
    for path in root.glob("*/**/*.py"):
        if path.parts[len(root.parts)] in ("tests", ".venv", "node_modules"):
            continue
        source = path.read_text(encoding="utf-8")
        codes |= set(re.findall(r"audit\.record\(\s*[^,]+,\s*\"([a-z_.]+)\"", source))
    codes |= {f"trainer_{action}" for action in LevelChange.Action.values}
    assert len(codes) > 15
    assert codes <= set(audit.ACTION_LABELS), codes - set(audit.ACTION_LABELS)
