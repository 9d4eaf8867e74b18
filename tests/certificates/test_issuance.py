"""Issuance rules: who gets which credential, when, and only once."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from wagtail.models import Locale

import pytest

from certificates import issuance
from certificates.models import Credential
from courses.models import Enrolment
from trainers import certification
from trainers.models import TrainerProfile

from .conftest import (
    CANCELLED,
    REGISTERED,
    WAITLISTED,
    complete_course,
    make_test,
    profile_of,
    submitted_attempt,
    validated_session,
)

pytestmark = pytest.mark.django_db
Kind = Credential.Kind
Level = TrainerProfile.Level


# Course completion ----------------------------------------------------------------


def test_completing_every_lesson_issues_one_certificate(
    trainee_client, trainee, course, lessons, run_tasks
):
    trainee_client.post(reverse("courses:enrol", args=[course.pk]))
    for lesson in lessons[:-1]:
        with run_tasks():
            trainee_client.post(reverse("courses:complete_lesson", args=[lesson.pk]))
    assert not Credential.objects.exists()  # not before the last lesson

    with run_tasks():
        trainee_client.post(reverse("courses:complete_lesson", args=[lessons[-1].pk]))
    credential = Credential.objects.get()
    assert credential.kind == Kind.COURSE
    assert credential.user == trainee
    assert credential.holder_name == trainee.full_name
    assert credential.achievement_fr == course.title
    assert credential.achievement_en == course.title  # no English version yet
    assert credential.hours == course.duration_hours
    assert credential.issued_on == timezone.localdate()
    assert credential.valid_until is None
    assert credential.issuer_name == "Kalanso"
    assert credential.state() == Credential.State.VALID


def test_post_test_must_be_passed(trainee, course, run_tasks):
    course.post_test = make_test("Post-test", "post")
    course.save_revision().publish()
    course.refresh_from_db()
    with run_tasks():
        complete_course(trainee, course)
    assert not Credential.objects.exists()

    failed = submitted_attempt(trainee, course.post_test, passed=False)
    from assessments.signals import attempt_submitted

    with run_tasks():
        attempt_submitted.send(sender=type(failed), attempt=failed)
    assert not Credential.objects.exists()

    passed = submitted_attempt(trainee, course.post_test, passed=True)
    with run_tasks():
        attempt_submitted.send(sender=type(passed), attempt=passed)
    credential = Credential.objects.get()
    assert credential.kind == Kind.COURSE
    assert Enrolment.objects.get(user=trainee).completed_at is not None


def test_issuance_is_idempotent(trainee, course, run_tasks):
    with run_tasks():
        complete_course(trainee, course)
    first = Credential.objects.get()
    enrolment = Enrolment.objects.get(user=trainee)
    with run_tasks():
        enrolment.save()  # a re-save with completed_at set
    again = issuance.course_credential_issue(
        user_id=trainee.pk, course_key=course.translation_key
    )
    assert again.pk == first.pk
    assert Credential.objects.count() == 1


def test_revoked_course_certificate_is_not_issued_again(manager, trainee, course):
    complete_course(trainee, course)
    credential = issuance.course_credential_issue(
        user_id=trainee.pk, course_key=course.translation_key
    )
    issuance.credential_revoke(credential, by=manager, reason="Fraude à l'examen")
    issuance.course_credential_issue(
        user_id=trainee.pk, course_key=course.translation_key
    )
    assert Credential.objects.count() == 1


def test_titles_in_both_languages(trainee, course):
    english = course.copy_for_translation(
        Locale.objects.get(language_code="en"), copy_parents=True
    )
    english.title = "Conflict sensitivity"
    english.save_revision().publish()
    complete_course(trainee, course)
    credential = issuance.course_credential_issue(
        user_id=trainee.pk, course_key=course.translation_key
    )
    assert credential.achievement_fr == course.title
    assert credential.achievement_en == "Conflict sensitivity"


def test_unpublished_lesson_does_not_block(trainee, course, lessons):
    lessons[-1].unpublish()
    complete_course(trainee, course)  # the published lessons only
    assert issuance.course_credential_issue(
        user_id=trainee.pk, course_key=course.translation_key
    )


# Trainer certification ---------------------------------------------------------------


def test_certification_issues_a_credential_that_expires(candidate, master, run_tasks):
    profile = profile_of(candidate)
    with run_tasks():
        certification.certify(profile, by=master, reason="Parcours complet")
    profile.refresh_from_db()
    credential = Credential.objects.get(kind=Kind.TRAINER)
    assert credential.user == candidate
    assert credential.holder_name == "Awa Diarra"
    assert credential.achievement_fr == "Formateur certifié"
    assert credential.achievement_en == "Certified trainer"
    assert credential.valid_until == profile.certified_until
    assert credential.issued_on == profile.certified_at
    assert credential.hours is None
    assert credential.state() == Credential.State.VALID
    assert credential.state(today=profile.certified_until + timedelta(days=1)) == (
        Credential.State.EXPIRED
    )


def test_promotion_to_master_issues_a_master_credential(
    own_trainer, manager, run_tasks
):
    profile = profile_of(own_trainer)
    with run_tasks():
        certification.change_level(profile, Level.MASTER, manager, "Observations")
    credential = Credential.objects.get(kind=Kind.TRAINER, extra__level=40)
    assert credential.achievement_en == "Master trainer"
    assert credential.valid_until == profile_of(own_trainer).certified_until


def test_suspension_revokes_and_reinstatement_reissues(candidate, master, run_tasks):
    profile = profile_of(candidate)
    with run_tasks():
        certification.certify(profile, by=master)
    first = Credential.objects.get(kind=Kind.TRAINER)
    with run_tasks():
        certification.suspend(profile_of(candidate), master, "Plainte en cours")
    first.refresh_from_db()
    assert first.state() == Credential.State.REVOKED
    assert first.revocation_cause == Credential.Cause.SUSPENDED
    with run_tasks():
        certification.reinstate(profile_of(candidate), master, "Plainte classée")
    second = Credential.objects.get(kind=Kind.TRAINER, revoked_at__isnull=True)
    assert second.pk != first.pk
    assert second.edition == 2 and second.replaces == first
    assert second.code != first.code and second.status_index != first.status_index


def test_demotion_revokes_the_master_credential_only(own_trainer, manager, run_tasks):
    profile = profile_of(own_trainer)
    with run_tasks():
        certification.change_level(profile, Level.MASTER, manager, "Promotion")
    master_credential = Credential.objects.get(kind=Kind.TRAINER)
    with run_tasks():
        certification.change_level(
            profile_of(own_trainer), Level.CERTIFIED, manager, "Retour"
        )
    master_credential.refresh_from_db()
    assert master_credential.revocation_cause == Credential.Cause.LEVEL
    certified = Credential.objects.get(kind=Kind.TRAINER, revoked_at__isnull=True)
    assert certified.extra["level"] == 30


def test_renewal_issues_a_credential_for_the_new_period(candidate, master, run_tasks):
    profile = profile_of(candidate)
    with run_tasks():
        certification.certify(profile, by=master)
    with run_tasks():
        certification.renew(profile_of(candidate), master, "Recyclage suivi")
    renewed = profile_of(candidate)
    latest = Credential.objects.filter(kind=Kind.TRAINER).order_by("-valid_until")
    assert latest.count() == 2
    assert latest[0].valid_until == renewed.certified_until


def test_candidates_and_cofacilitators_get_no_trainer_credential(
    cofacilitator, run_tasks
):
    with run_tasks():
        issuance.trainer_credentials_sync(profile_id=profile_of(cofacilitator).pk)
    assert not Credential.objects.filter(kind=Kind.TRAINER).exists()


# Attendance ------------------------------------------------------------------------


def test_validated_session_certifies_who_attended(attendance_session):
    credentials = Credential.objects.filter(session=attendance_session)
    assert sorted(credentials.values_list("holder_name", flat=True)) == [
        "Fatoumata Koné",
        "Oumar Sangaré",
    ]
    fatoumata = credentials.get(holder_name="Fatoumata Koné")
    assert fatoumata.kind == Kind.ATTENDANCE
    assert fatoumata.user is None and fatoumata.participant is not None
    assert fatoumata.issued_on == attendance_session.end_date
    assert fatoumata.extra["days_present"] == 2 and fatoumata.extra["days_total"] == 2
    assert fatoumata.hours == 2 * issuance.SESSION_DAY_HOURS
    oumar = credentials.get(holder_name="Oumar Sangaré")
    assert oumar.hours == issuance.SESSION_DAY_HOURS


def test_participant_with_an_account_sees_it_in_my_learning(
    course, own_trainer, master, trainee, trainee_client, run_tasks
):
    with run_tasks():
        session = validated_session(
            course, own_trainer, master, [(trainee.full_name, REGISTERED, 2, trainee)]
        )
    credential = Credential.objects.get(session=session)
    assert credential.user == trainee
    html = trainee_client.get(reverse("courses:my_learning")).content.decode()
    assert reverse("certificates:pdf", args=[credential.pk]) in html
    assert credential.short_code_display in html


def test_no_certificates_before_validation(course, own_trainer, run_tasks):
    from trainers import factories

    with run_tasks():
        session = factories.session(course, own_trainer, status="held")
        factories.participants(session, 3)
        session.save()
    assert not Credential.objects.exists()


def test_resaving_a_validated_session_issues_nothing_twice(
    attendance_session, run_tasks
):
    before = set(Credential.objects.values_list("pk", flat=True))
    with run_tasks():
        attendance_session.save()
    assert set(Credential.objects.values_list("pk", flat=True)) == before


def test_waitlisted_and_cancelled_people_get_none(attendance_session):
    names = set(Credential.objects.values_list("holder_name", flat=True))
    assert not names & {"Waiting Person", "Cancelled Person", "Absent Person"}
    assert WAITLISTED and CANCELLED  # the states the fixture used


def test_attendance_recorded_after_validation_can_be_issued(
    attendance_session, manager, client, run_tasks
):
    from trainers.models import Attendance, Participant

    late = Participant.objects.get(full_name="Absent Person")
    Attendance.objects.filter(participant=late).update(present=True)
    client.force_login(manager)
    with run_tasks():
        response = client.post(
            reverse("certificates:session_issue", args=[attendance_session.pk])
        )
    assert response.status_code == 302
    assert Credential.objects.filter(holder_name="Absent Person").exists()


def test_backfill_command_issues_what_is_missing_once(
    trainee, course, attendance_session, own_trainer
):
    from io import StringIO

    from django.core.management import call_command

    complete_course(trainee, course)  # tasks not run: nothing issued yet
    Credential.objects.filter(session=attendance_session).delete()
    assert not Credential.objects.exists()
    out = StringIO()
    call_command("issue_credentials", stdout=out)
    kinds = sorted(Credential.objects.values_list("kind", flat=True))
    # The course, two attendances, and the certified trainers of the fixtures.
    assert kinds.count(Kind.COURSE) == 1
    assert kinds.count(Kind.ATTENDANCE) == 2
    assert Credential.objects.filter(kind=Kind.TRAINER, user=own_trainer).exists()
    count = Credential.objects.count()
    call_command("issue_credentials", stdout=StringIO())
    assert Credential.objects.count() == count
    assert f"{count} credential(s) issued." in out.getvalue()


def test_renewed_certification_supersedes_the_old_one(
    candidate, master, run_tasks, client
):
    """After a renewal the trainer has one valid certification, not two."""
    with run_tasks():
        certification.certify(profile_of(candidate), by=master)
    old = Credential.objects.get(kind=Kind.TRAINER)
    with run_tasks():
        certification.renew(profile_of(candidate), master, "Recyclage suivi")
    new = Credential.objects.exclude(pk=old.pk).get(kind=Kind.TRAINER)
    old.refresh_from_db()
    assert old.state() == Credential.State.REVOKED
    assert old.revocation_cause == Credential.Cause.SUPERSEDED
    assert new.state() == Credential.State.VALID
    client.force_login(candidate)
    html = client.get(reverse("courses:my_learning")).content.decode()
    assert reverse("certificates:pdf", args=[new.pk]) in html
    assert reverse("certificates:pdf", args=[old.pk]) not in html
    # Renewing again (or the task running twice) keeps a single valid one.
    with run_tasks():
        issuance.trainer_credentials_sync(profile_id=profile_of(candidate).pk)
    assert (
        Credential.objects.filter(kind=Kind.TRAINER, revoked_at__isnull=True).count()
        == 1
    )
