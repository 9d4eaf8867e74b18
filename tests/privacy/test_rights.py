"""People's rights: a copy of one's data, erasure that keeps the totals, and
the retention command."""

import csv
import io
import json
from datetime import date, timedelta

from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from wagtail.models import APIToken

import pytest

from courses.models import Enrolment, LessonPage, ReflectionAnswer
from kalanso.accounts import audit, roles
from kalanso.accounts.models import AuditEntry, User
from privacy import retention
from reporting import report
from trainers import factories
from trainers.models import Participant

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def totals():
    data = report.build()
    return {
        slug: data.table_rows(table)
        for slug, table in data.tables.items()
        if slug != "courses"  # titles only; counted below
    } | {"courses": [r["values"] for r in data.table_rows(data.tables["courses"])]}


def test_own_data_export(client, programme):
    learner = programme["learners"]["L1"]
    participant = programme["participants"][0]
    Participant.objects.filter(pk=participant.pk).update(
        user=learner, phone="+22370000000"
    )
    client.force_login(learner)
    response = client.get(reverse("privacy:my_data_export", args=["json"]))
    assert response.status_code == 200
    assert (
        "private" in response["Cache-Control"]
        or "no-cache" in response["Cache-Control"]
    )
    data = json.loads(response.content)
    assert data["account"]["email"] == "l1@example.org"
    # Codes as labels in the reader's language, the code kept next to them.
    assert data["account"]["organisation"] == {
        "name": "ONG Sahel",
        "type": "ONG nationale",
        "type_code": "ngo",
    }
    assert (data["account"]["region"], data["account"]["region_code"]) == (
        learner.region.name,
        learner.region.code,
    )
    assert data["account"]["preferred_language"] == "Français"
    with translation.override("fr"):
        trainee = str(roles.GROUP_LABELS["Trainee"])
    assert data["account"]["roles"] == [{"label": trainee, "code": "Trainee"}]
    records = data["records"]
    assert len(records["assessments.attempt"]) == 3
    assert records["courses.enrolment"][0]["completed_at"].startswith("2025-03-20")
    assert records["trainers.participant"][0]["phone"] == "+22370000000"
    assert "claim_code" not in records["trainers.participant"][0]
    assert "password" not in data["account"]
    response = client.get(reverse("privacy:my_data_export", args=["csv"]))
    text = response.content.decode("utf-8-sig")
    assert "l1@example.org" in text and "trainers.participant" in text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["section", "record", "field", "value", "code"]
    # A value a spreadsheet would run as a formula is written as text.
    assert ["trainers.participant", "1", "phone", "'+22370000000", ""] in rows
    assert ["account", "1", "organisation.type", "ONG nationale", "ngo"] in rows
    # The first export, in the audit log: the action's label and its code.
    with translation.override("fr"):
        label = audit.action_label("accounts.export_own_data")
    assert label != "accounts.export_own_data"
    assert ["audit", "1", "action", label, "accounts.export_own_data"] in rows
    sex = Participant.objects.get(pk=participant.pk).get_sex_display()
    assert ["trainers.participant", "1", "sex", sex, participant.sex] in rows
    # In English, the same codes with English labels.
    response = client.get("/en" + reverse("privacy:my_data_export", args=["csv"])[3:])
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert ["account", "1", "organisation.type", "National NGO", "ngo"] in rows
    assert AuditEntry.objects.filter(action="accounts.export_own_data").count() == 3


def test_erasure_keeps_every_total(client, programme):
    learner = programme["learners"]["L1"]
    participant = programme["participants"][0]
    Participant.objects.filter(pk=participant.pk).update(user=learner, phone="+223 1")
    ReflectionAnswer.objects.create(
        user=learner,
        lesson=LessonPage.objects.descendant_of(programme["course"]).first(),
        lesson_key=programme["course"].translation_key,
        block_id="b1",
        text="<p>private note</p>",
    )
    APIToken.create_token(user=learner, name="mine")
    before = totals()
    client.force_login(learner)
    bad = client.post(
        reverse("privacy:my_data_erase"), {"password": "wrong", "confirm": "on"}
    )
    assert bad.status_code == 400
    assert User.objects.get(pk=learner.pk).email == "l1@example.org"
    response = client.post(
        reverse("privacy:my_data_erase"), {"password": PASSWORD, "confirm": "on"}
    )
    assert response.status_code == 302
    assert totals() == before
    user = User.objects.get(pk=learner.pk)
    assert "l1" not in user.email and user.full_name.startswith("erased-")
    assert not user.is_active and not user.has_usable_password()
    assert (user.gender, user.region.code, user.organisation.type) == (
        "f",
        "ML-7",
        "ngo",
    )
    assert Enrolment.objects.filter(user=user).count() == 1
    assert not ReflectionAnswer.objects.filter(user=user).exists()
    assert not APIToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    participant.refresh_from_db()
    assert participant.full_name.startswith("P-") and participant.phone == ""
    assert participant.pseudonymised_at is not None
    assert AuditEntry.objects.filter(
        action="accounts.erase", target_id=str(user.pk)
    ).exists()
    # The new audit entries do not carry the erased person's name.
    labels = AuditEntry.objects.filter(
        action__in=["accounts.erase", "trainers.participant_pseudonymise"]
    ).values_list("actor_label", flat=True)
    assert set(labels) == {"system"}
    # The session ended with the erasure.
    assert client.get(reverse("privacy:my_data")).status_code == 302


def test_manager_erases_a_participant_without_account(client, manager, programme):
    participant = programme["participants"][1]
    Participant.objects.filter(pk=participant.pk).update(phone="+223 2", role="Chef")
    before = totals()
    client.force_login(manager)
    found = client.get(reverse("privacy:people") + "?q=Participant 2")
    assert participant.full_name in found.content.decode()
    export = client.get(reverse("privacy:participant_export", args=[participant.pk]))
    exported = json.loads(export.content)
    assert exported["participant"]["phone"] == "+223 2"
    # Labels for people, codes next to them (m/f, ngo, ML-BKO are not read).
    for field in ("sex", "organisation_type", "state", "source"):
        label = getattr(participant, f"get_{field}_display")()
        assert exported["participant"][field] == label
        assert exported["participant"][f"{field}_code"] == getattr(participant, field)
    assert exported["participant"]["sex"] in ("Femme", "Homme")
    region = participant.session.region
    assert exported["session"]["region"] == region.name != region.code
    assert exported["session"]["region_code"] == region.code
    refused = client.post(
        reverse("privacy:participant_erase", args=[participant.pk]), {}
    )
    assert refused.status_code == 400
    client.post(
        reverse("privacy:participant_erase", args=[participant.pk]),
        {"reason": "Asked by phone on 3 March"},
    )
    participant.refresh_from_db()
    assert participant.full_name.startswith("P-")
    assert (participant.phone, participant.role) == ("", "")
    assert participant.sex and participant.pre_score is not None
    assert totals() == before
    actions = list(
        AuditEntry.objects.filter(actor=manager).values_list("action", flat=True)
    )
    for action in (
        "reporting.people_search",
        "reporting.participant_export",
        "trainers.participant_pseudonymise",
    ):
        assert action in actions
    erased = AuditEntry.objects.get(action="trainers.participant_pseudonymise")
    assert erased.detail["reason"] == "Asked by phone on 3 March"


def test_participant_with_account_is_erased_by_the_person(client, manager, programme):
    participant = programme["participants"][2]
    Participant.objects.filter(pk=participant.pk).update(
        user=programme["learners"]["L2"]
    )
    client.force_login(manager)
    client.post(
        reverse("privacy:participant_erase", args=[participant.pk]), {"reason": "x"}
    )
    participant.refresh_from_db()
    assert participant.pseudonymised_at is None


@override_settings(KALANSO_RETENTION_PARTICIPANT_DAYS="365")
def test_retention_pseudonymises_old_participants(programme, capsys):
    course = programme["course"]
    recent = factories.session(
        course,
        programme["t2"],
        status="held",
        start=timezone.localdate() - timedelta(days=30),
    )
    fresh = factories.participants(recent, 2)
    before = totals()
    call_command("apply_retention", "--dry-run")
    # S1 (6 registered + 1 waitlisted) and S2 (3) ended over a year ago.
    assert "10 participant" in capsys.readouterr().out
    assert Participant.objects.filter(pseudonymised_at__isnull=False).count() == 0
    call_command("apply_retention")
    old = Participant.objects.filter(
        session__end_date__lt=date.today() - timedelta(days=365)
    )
    assert old.count() == old.filter(pseudonymised_at__isnull=False).count() > 0
    assert all(p.full_name.startswith("P-") for p in old)
    for person in fresh:
        person.refresh_from_db()
        assert person.pseudonymised_at is None
    assert totals() == before
    # Idempotent.
    assert retention.apply().participants == 0


@override_settings(
    KALANSO_RETENTION_PARTICIPANT_DAYS="",
    KALANSO_RETENTION_INACTIVE_ACCOUNT_DAYS="400",
    KALANSO_RETENTION_AUDIT_DAYS="30",
)
def test_retention_of_accounts_and_audit_log(programme):
    old_learner = programme["learners"]["L3"]
    User.objects.filter(pk=old_learner.pk).update(
        last_login=timezone.now() - timedelta(days=500)
    )
    User.objects.filter(pk=programme["master"].pk).update(
        last_login=timezone.now() - timedelta(days=500)
    )
    old_entry = AuditEntry.objects.create(action="old", actor_label="x")
    AuditEntry.objects.filter(pk=old_entry.pk).update(
        created_at=timezone.now() - timedelta(days=60)
    )
    outcome = retention.apply()
    assert outcome.participants == 0
    old_learner.refresh_from_db()
    assert old_learner.email.endswith("@erased.invalid")
    programme["master"].refresh_from_db()
    assert programme["master"].is_active  # trainers are kept
    assert not AuditEntry.objects.filter(pk=old_entry.pk).exists()
    # Learners who signed up recently (date_joined) are kept.
    assert User.objects.get(email="l1@example.org").is_active


@pytest.mark.parametrize(
    ("lang", "accept", "goodbye"),
    [
        ("fr", "en", "Votre compte est fermé"),
        ("en", "fr", "Your account is closed"),
    ],
)
def test_erasing_ones_account_says_goodbye_in_the_language_of_the_page(
    client, programme, lang, accept, goodbye
):
    """From French pages the person lands on the French home page with the
    French message, even when the browser prefers English (and the reverse)."""
    learner = programme["learners"]["L1"]
    client.force_login(learner)
    response = client.post(
        f"/{lang}/reporting/my-data/erase/",
        {"password": PASSWORD, "confirm": "on"},
        HTTP_ACCEPT_LANGUAGE=accept,
    )
    assert response.status_code == 302
    assert response.url == f"/{lang}/"
    home = client.get(response.url, HTTP_ACCEPT_LANGUAGE=accept)
    assert f'<html lang="{lang}">' in home.content.decode()
    assert goodbye in home.content.decode()
