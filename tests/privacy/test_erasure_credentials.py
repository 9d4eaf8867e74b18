"""Erasure reaches the certificates, the audit log and the report photos.

A credential keeps a copy of the holder's name (printed, on the public
verification page, in the signed Open Badges file): erasing a person or
pseudonymising a participant revokes their live credentials and puts the
pseudonym in place of the name on every edition.
"""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

import pytest

from certificates import issuance
from certificates.models import Credential
from courses.factories import user_with_role
from courses.models import Enrolment
from kalanso.accounts import audit
from kalanso.accounts.models import AuditEntry
from privacy import erasure, retention
from trainers import factories
from trainers.models import Attendance, Participant, SessionPhoto, TrainerProfile

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"
NAME = "Aminata Traoré"
PARTICIPANT_NAME = "Fatoumata Koné"


def verification(client, credential):
    """The public verification page (English) and the signed file."""
    with translation.override("en"):
        url = reverse("certificates:verify", args=[credential.code])
    page = client.get(url)
    jwt = client.get(reverse("certificate_public_jwt", args=[credential.code]))
    return page, page.content.decode(), jwt


def validated_session(course, *, days_ago=10, people=()):
    """A validated two-day session whose attendance certificates are issued.
    ``people``: (full name, account or None)."""
    lead = factories.trainer(
        f"lead{days_ago}@example.org", TrainerProfile.Level.CERTIFIED
    )
    start = timezone.localdate() - timedelta(days=days_ago)
    session = factories.session(course, lead, status="validated", start=start)
    for name, user in people:
        person = Participant.objects.create(
            session=session,
            user=user,
            full_name=name,
            state=Participant.State.REGISTERED,
            source=Participant.Source.TRAINER,
        )
        Attendance.objects.bulk_create(
            Attendance(participant=person, day=day, present=True)
            for day in session.days
        )
    issuance.attendance_credentials_issue(session_id=session.pk)
    return session


def photo(session):
    picture = SessionPhoto(session=session, alt_text="Les participants")
    picture.image.save("groupe.jpg", ContentFile(b"not really a jpeg"), save=False)
    picture.save()
    return picture


@pytest.fixture
def person(course):
    user = user_with_role("aminata@example.org", "Trainee")
    user.full_name = NAME
    user.save()
    Enrolment.objects.create(
        user=user,
        course=course,
        course_key=course.translation_key,
        completed_at=timezone.now(),
    )
    return user


def test_a_person_who_erases_their_account_is_no_longer_named(client, course, person):
    course_credential = issuance.course_credential_issue(
        user_id=person.pk, course_key=course.translation_key
    )
    # A corrected edition: the first one stays, revoked, with the old name.
    corrected = issuance.credential_reissue(
        course_credential, by=None, holder_name=NAME.upper()
    )
    validated_session(course, people=[(NAME, person)])
    attendance = Credential.objects.get(kind=Credential.Kind.ATTENDANCE)
    credentials = [course_credential, corrected, attendance]
    _page, html, jwt = verification(client, attendance)
    assert NAME in html and jwt.status_code == 200  # before: public and named
    audit.record(person, "accounts.export_own_data", person)
    assert AuditEntry.objects.filter(actor_label__icontains="aminata").exists()

    client.force_login(person)
    response = client.post(
        reverse("privacy:my_data_erase"), {"password": PASSWORD, "confirm": "on"}
    )
    assert response.status_code == 302

    for credential in credentials:
        credential.refresh_from_db()
        assert credential.revoked_at is not None
        assert "Aminata" not in credential.holder_name.title()
        assert "Aminata" not in credential.revoked_reason.title()
        page, html, jwt = verification(client, credential)
        assert page.status_code == 200
        assert "Revoked on" in html
        assert "Aminata" not in html.title()
        assert jwt.status_code == 410
    attendance.refresh_from_db()
    assert attendance.holder_name == erasure.participant_pseudonym(
        attendance.participant_id
    )
    corrected.refresh_from_db()
    assert corrected.revoked_reason == erasure.ERASED_REASON
    # Nobody is named as the actor of the revocations: the person did it.
    assert set(
        AuditEntry.objects.filter(action="credential_revoked").values_list(
            "actor_label", flat=True
        )
    ) == {"system"}
    # What the person did before stays in the audit log, under the pseudonym.
    person.refresh_from_db()
    labels = set(
        AuditEntry.objects.filter(actor=person).values_list("actor_label", flat=True)
    )
    assert labels == {person.full_name} and person.full_name.startswith("erased-")
    assert not AuditEntry.objects.filter(actor_label__icontains="aminata").exists()


def test_a_participant_erased_by_a_manager_is_no_longer_named(client, course):
    validated_session(
        course, people=[(PARTICIPANT_NAME, None), ("Oumar Sangaré", None)]
    )
    erased, kept = Credential.objects.order_by("pk")
    manager = user_with_role("manager@example.org", "Programme manager")
    client.force_login(manager)
    client.post(
        reverse("privacy:participant_erase", args=[erased.participant_id]),
        {"reason": "Asked by phone"},
    )
    client.logout()
    erased.refresh_from_db()
    assert erased.holder_name == erasure.participant_pseudonym(erased.participant_id)
    assert erased.revoked_at is not None and erased.revoked_by == manager
    assert erased.revoked_reason == erasure.ERASED_REASON
    page, html, jwt = verification(client, erased)
    assert "Revoked on" in html and "Fatoumata" not in html
    assert jwt.status_code == 410
    # The other participant's certificate is untouched.
    kept.refresh_from_db()
    assert kept.revoked_at is None and kept.holder_name == "Oumar Sangaré"
    assert verification(client, kept)[2].status_code == 200


@override_settings(KALANSO_RETENTION_PARTICIPANT_DAYS="365")
def test_retention_revokes_certificates_and_deletes_photos(
    client, course, django_capture_on_commit_callbacks
):
    old = validated_session(course, days_ago=400, people=[(PARTICIPANT_NAME, None)])
    recent = validated_session(course, days_ago=30, people=[("Oumar Sangaré", None)])
    old_photos = [photo(old), photo(old)]
    recent_photo = photo(recent)
    storage = recent_photo.image.storage
    old_files = [p.image.name for p in old_photos]
    assert all(storage.exists(name) for name in old_files)

    assert retention.apply(dry_run=True).photos == 2
    with django_capture_on_commit_callbacks(execute=True):
        call_command("apply_retention")

    credential = Credential.objects.get(session=old)
    assert credential.revoked_at is not None
    assert credential.revoked_reason == erasure.RETENTION_REASON
    assert credential.holder_name == erasure.participant_pseudonym(
        credential.participant_id
    )
    assert "Fatoumata" not in verification(client, credential)[1]
    assert Credential.objects.get(session=recent).revoked_at is None
    assert not SessionPhoto.objects.filter(session=old).exists()
    assert not any(storage.exists(name) for name in old_files)
    assert SessionPhoto.objects.filter(pk=recent_photo.pk).exists()
    assert storage.exists(recent_photo.image.name)
    # Idempotent.
    outcome = retention.apply()
    assert (outcome.participants, outcome.photos, outcome.credentials) == (0, 0, 0)


@override_settings(KALANSO_RETENTION_PARTICIPANT_DAYS="")
def test_retention_completes_erasures_made_before_credentials_were_handled(
    client, course, person
):
    """Participants pseudonymised and accounts erased by the old code (the
    trainers and accounts functions alone, today the private helpers of
    ``privacy.erasure``) still had named, valid credentials."""
    validated_session(course, people=[(PARTICIPANT_NAME, None)])
    participant_credential = Credential.objects.get()
    erasure._participant_pseudonymise(participant_credential.participant)
    course_credential = issuance.course_credential_issue(
        user_id=person.pk, course_key=course.translation_key
    )
    audit.record(person, "accounts.export_own_data", person)
    erasure._account_erase(person)
    AuditEntry.objects.filter(actor=person).update(actor_label=NAME)  # old code

    assert retention.apply(dry_run=True).credentials == 2
    assert retention.apply().credentials == 2
    for credential in (participant_credential, course_credential):
        credential.refresh_from_db()
        assert credential.revoked_at is not None
        assert credential.revoked_reason == erasure.CATCH_UP_REASON
        html = verification(client, credential)[1]
        assert "Fatoumata" not in html and "Aminata" not in html
    assert not AuditEntry.objects.filter(actor_label=NAME).exists()
    assert retention.apply().credentials == 0
