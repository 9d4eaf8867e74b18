"""The certification path, step by step, and every level change: history
(who, when, why), audit log, and the Trainer / Master trainer groups in step."""

from datetime import date, timedelta
from io import StringIO

from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone, translation

import pytest

from assessments import factories as quiz_factories
from assessments.models import Attempt
from courses.factories import course_with_lessons
from courses.models import CoursePage, Enrolment
from kalanso.accounts.models import AuditEntry
from trainers import certification, factories
from trainers.models import (
    CascadeSession,
    CertificationSettings,
    LevelChange,
    Observation,
    Participant,
    TrainerProfile,
)

pytestmark = pytest.mark.django_db

Level = TrainerProfile.Level
Status = TrainerProfile.Status
TRAINER, MASTER = certification.TRAINER_GROUP, certification.MASTER_GROUP


def roles(user):
    """The trainer groups a user is in (fresh from the database)."""
    names = set(user.groups.values_list("name", flat=True))
    return names & {TRAINER, MASTER}


def rules(needed=2, months=24, exam=None):
    settings = CertificationSettings.load()
    settings.required_cofacilitations = needed
    settings.validity_months = months
    settings.certification_exam = exam
    settings.save()
    return settings


def trainer_track_course():
    course = course_with_lessons(lessons=1, title="Formation de formateurs")
    CoursePage.objects.filter(pk=course.pk).update(is_trainer_track=True)
    course.refresh_from_db()
    return course


def complete_course(user, course):
    return Enrolment.objects.create(
        user=user,
        course=course,
        course_key=course.translation_key,
        completed_at=timezone.now(),
    )


def exam_quiz(title="Examen de certification", kind="exam"):
    return quiz_factories.quiz_with(
        [quiz_factories.single_choice()], title=title, kind=kind
    )


def sit(user, quiz, passed):
    number = Attempt.objects.filter(user=user, quiz=quiz).count() + 1
    return Attempt.objects.create(
        quiz=quiz,
        user=user,
        number=number,
        state=Attempt.State.SUBMITTED,
        submitted_at=timezone.now(),
        passed=passed,
    )


def observed_session(course, lead, user, observer, *, status="held", ok=True):
    session = factories.session(
        course, lead, status=status, co_facilitators=[user], start=date(2025, 3, 3)
    )
    Observation.objects.create(
        session=session,
        trainer=user,
        observer=observer,
        report="Bien.",
        satisfactory=ok,
    )
    return session


def complete_path(user, lead, observer, needed=2):
    """Everything but the approval, for ``user``."""
    complete_course(user, trainer_track_course())
    sit(user, exam_quiz(), passed=True)
    course = course_with_lessons(lessons=1)
    for _ in range(needed):
        observed_session(course, lead, user, observer)


def done(profile):
    return {step.key: step.done for step in certification.checklist(profile)}


def test_checklist_step_by_step(course, master, own_trainer):
    rules(needed=2)
    candidate = factories.trainer("candidate@example.org", Level.CO_FACILITATOR)
    profile = candidate.trainer_profile
    nothing = {"course": False, "exam": False, "cofacilitation": False}
    assert done(profile) == {**nothing, "approval": False}

    # 1. A course completed counts only on the trainer track, only once completed.
    complete_course(candidate, course)
    track = trainer_track_course()
    Enrolment.objects.create(
        user=candidate, course=track, course_key=track.translation_key
    )
    assert done(profile)["course"] is False
    Enrolment.objects.filter(user=candidate, course=track).update(
        completed_at=timezone.now()
    )
    assert done(profile) == {**nothing, "course": True, "approval": False}

    # 2. The exam: a failed attempt and a passed post-test do not count.
    exam = exam_quiz()
    sit(candidate, exam, passed=False)
    sit(candidate, exam_quiz("Post-test", kind="post"), passed=True)
    assert done(profile)["exam"] is False
    sit(candidate, exam, passed=True)
    assert done(profile)["exam"] is True
    # When the programme names its exam, only that one counts.
    rules(needed=2, exam=exam_quiz("Nouvel examen"))
    assert done(profile)["exam"] is False
    rules(needed=2, exam=exam)
    assert done(profile)["exam"] is True

    # 3. Co-facilitated held sessions with a satisfactory observation.
    observed_session(course, own_trainer, candidate, master, status="scheduled")
    observed_session(course, own_trainer, candidate, master, ok=False)
    not_cofacilitating = factories.session(course, own_trainer, status="held")
    Observation.objects.create(
        session=not_cofacilitating, trainer=candidate, observer=master, report="?"
    )
    with translation.override("en"):
        step = certification.checklist(profile)[2]
        assert (step.done, step.detail) == (False, "0 of 2")
        observed_session(course, own_trainer, candidate, master, status="reported")
        assert certification.checklist(profile)[2].detail == "1 of 2"
    assert not certification.ready_for_approval(profile)
    observed_session(course, own_trainer, candidate, master, status="validated")
    assert done(profile) == {
        "course": True,
        "exam": True,
        "cofacilitation": True,
        "approval": False,
    }
    assert certification.ready_for_approval(profile)
    # N comes from the settings.
    rules(needed=3, exam=exam)
    assert not certification.ready_for_approval(profile)


def test_certify_refused_until_the_path_is_complete(master, own_trainer):
    rules(needed=1, months=18)
    candidate = factories.trainer("candidate@example.org", Level.CANDIDATE)
    profile = candidate.trainer_profile
    history = LevelChange.objects.count()
    audits = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        certification.certify(profile, by=master, reason="Prêt ?")
    profile.refresh_from_db()
    assert (profile.level, profile.certified_until) == (Level.CANDIDATE, None)
    assert LevelChange.objects.count() == history
    assert AuditEntry.objects.count() == audits
    assert roles(candidate) == set()

    complete_path(candidate, own_trainer, master, needed=1)
    today = date(2026, 1, 31)
    certification.certify(profile, by=master, reason="Parcours complet", today=today)
    profile.refresh_from_db()
    assert profile.level == Level.CERTIFIED
    assert profile.status == Status.ACTIVE
    assert profile.certified_at == today
    assert profile.certified_until == date(2027, 7, 31)  # + 18 months
    assert roles(candidate) == {TRAINER}
    candidate = type(candidate).objects.get(pk=candidate.pk)
    assert candidate.has_perm("trainers.lead_session")

    change = profile.history.first()
    assert (change.action, change.from_level, change.to_level) == (
        LevelChange.Action.CERTIFIED,
        Level.CANDIDATE,
        Level.CERTIFIED,
    )
    assert (change.changed_by, change.reason) == (master, "Parcours complet")
    assert timezone.now() - change.created_at < timedelta(minutes=1)
    entry = AuditEntry.objects.latest("pk")
    assert (entry.action, entry.actor, entry.target_id) == (
        "trainer_certified",
        master,
        str(profile.pk),
    )
    assert entry.target_type == "trainers.trainerprofile"
    assert entry.detail["to_level"] == Level.CERTIFIED

    with pytest.raises(ValidationError):
        certification.certify(profile, by=master)  # already certified


def test_add_months_keeps_the_end_of_month():
    assert certification.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert certification.add_months(date(2025, 11, 30), 24) == date(2027, 11, 30)
    assert certification.add_months(date(2025, 12, 15), 1) == date(2026, 1, 15)


def test_expire_certifications_and_the_command(master):
    today = timezone.localdate()
    due = factories.trainer("due@example.org")
    later = factories.trainer("later@example.org")
    suspended = factories.trainer("suspended@example.org")
    master_due = master
    TrainerProfile.objects.filter(user__in=[due, master_due]).update(
        certified_until=today - timedelta(days=1)
    )
    TrainerProfile.objects.filter(user=later).update(certified_until=today)
    TrainerProfile.objects.filter(user=suspended).update(
        certified_until=today - timedelta(days=3), status=Status.SUSPENDED
    )
    assert roles(due) == {TRAINER} and roles(master_due) == {TRAINER, MASTER}

    out = StringIO()
    call_command("expire_certifications", stdout=out)
    assert "2 " in out.getvalue()
    for user in (due, master_due):
        profile = TrainerProfile.objects.get(user=user)
        assert profile.status == Status.EXPIRED
        assert roles(user) == set()
        change = profile.history.first()
        assert change.action == LevelChange.Action.EXPIRED
        assert change.changed_by is None and change.reason
    assert TrainerProfile.objects.get(user=later).status == Status.ACTIVE
    assert roles(later) == {TRAINER}
    assert TrainerProfile.objects.get(user=suspended).status == Status.SUSPENDED
    assert (
        AuditEntry.objects.filter(
            action="trainer_expired", actor=None, actor_label="system"
        ).count()
        == 2
    )

    # Run again: nothing left to do.
    out = StringIO()
    call_command("expire_certifications", stdout=out)
    assert out.getvalue().startswith("0 ")


def test_renew(master):
    rules(months=12)
    user = factories.trainer("renew@example.org")
    profile = user.trainer_profile
    today = date(2026, 5, 10)
    with pytest.raises(ValidationError):
        certification.renew(profile, by=master, reason="  ")  # a reason is required

    # While active, renewal extends from the current end date.
    TrainerProfile.objects.filter(pk=profile.pk).update(
        certified_until=date(2026, 6, 1)
    )
    certification.renew(profile, by=master, reason="Recyclage suivi", today=today)
    profile.refresh_from_db()
    assert profile.certified_until == date(2027, 6, 1)

    # Once expired, renewal starts today and brings the group back.
    TrainerProfile.objects.filter(pk=profile.pk).update(
        certified_until=today - timedelta(days=1)
    )
    assert certification.expire_certifications(today=today) == 1
    assert roles(user) == set()
    certification.renew(profile, by=master, reason="Recyclage", today=today)
    profile.refresh_from_db()
    assert (profile.status, profile.certified_until) == (
        Status.ACTIVE,
        date(2027, 5, 10),
    )
    assert roles(user) == {TRAINER}
    change = profile.history.first()
    assert (change.action, change.changed_by, change.reason) == (
        LevelChange.Action.RENEWED,
        master,
        "Recyclage",
    )
    assert (
        AuditEntry.objects.filter(action="trainer_renewed", actor=master).count() == 2
    )

    candidate = factories.trainer("cand@example.org", Level.CANDIDATE)
    with pytest.raises(ValidationError):
        certification.renew(candidate.trainer_profile, by=master, reason="Non")


def test_suspend_and_reinstate(master, manager):
    user = factories.trainer("suspend@example.org", Level.MASTER)
    profile = user.trainer_profile
    assert roles(user) == {TRAINER, MASTER}
    with pytest.raises(ValidationError):
        certification.suspend(profile, by=manager, reason="")
    certification.suspend(profile, by=manager, reason="Plainte en cours d'examen")
    profile.refresh_from_db()
    assert (profile.status, profile.status_reason) == (
        Status.SUSPENDED,
        "Plainte en cours d'examen",
    )
    assert profile.level == Level.MASTER  # the level is kept
    assert roles(user) == set()
    with pytest.raises(ValidationError):
        certification.suspend(profile, by=manager, reason="Encore")
    with pytest.raises(ValidationError):
        certification.renew(profile, by=manager, reason="Pas pendant une suspension")

    certification.reinstate(profile, by=manager, reason="Plainte classée")
    profile.refresh_from_db()
    assert (profile.status, profile.status_reason) == (Status.ACTIVE, "")
    assert roles(user) == {TRAINER, MASTER}
    with pytest.raises(ValidationError):
        certification.reinstate(profile, by=manager, reason="Déjà actif")

    # Reinstated after the end date: expired, not back in the groups.
    certification.suspend(profile, by=manager, reason="Nouvelle plainte")
    TrainerProfile.objects.filter(pk=profile.pk).update(
        certified_until=timezone.localdate() - timedelta(days=1)
    )
    certification.reinstate(profile, by=manager, reason="Classée")
    profile.refresh_from_db()
    assert profile.status == Status.EXPIRED
    assert roles(user) == set()

    actions = list(profile.history.values_list("action", "changed_by", "reason"))
    assert actions[:4] == [
        ("reinstated", manager.pk, "Classée"),
        ("suspended", manager.pk, "Nouvelle plainte"),
        ("reinstated", manager.pk, "Plainte classée"),
        ("suspended", manager.pk, "Plainte en cours d'examen"),
    ]
    assert list(
        AuditEntry.objects.filter(target_id=str(profile.pk), actor=manager)
        .order_by("pk")
        .values_list("action", flat=True)
    ) == [
        "trainer_suspended",
        "trainer_reinstated",
        "trainer_suspended",
        "trainer_reinstated",
    ]


def test_change_level(master, manager):
    user = factories.trainer("level@example.org", Level.MASTER)
    profile = user.trainer_profile
    with pytest.raises(ValidationError):
        certification.change_level(profile, Level.CERTIFIED, by=manager, reason="")
    with pytest.raises(ValidationError):
        certification.change_level(profile, Level.MASTER, by=manager, reason="Idem")

    certification.change_level(
        profile, Level.CERTIFIED, by=manager, reason="Moins actif"
    )
    profile.refresh_from_db()
    assert profile.level == Level.CERTIFIED and profile.certified_until
    assert roles(user) == {TRAINER}

    certification.change_level(profile, Level.MASTER, by=manager, reason="Expérimenté")
    assert roles(user) == {TRAINER, MASTER}

    certification.change_level(profile, Level.CANDIDATE, by=manager, reason="Reprise")
    profile.refresh_from_db()
    assert profile.level == Level.CANDIDATE
    assert (profile.certified_at, profile.certified_until) == (None, None)
    assert roles(user) == set()

    # Back up to certified only through "certify", which checks the path.
    with pytest.raises(ValidationError):
        certification.change_level(profile, Level.CERTIFIED, by=manager, reason="Vite")
    certification.change_level(
        profile, Level.CO_FACILITATOR, by=manager, reason="Stage"
    )
    assert roles(user) == set()

    history = list(profile.history.values_list("action", "from_level", "to_level"))
    assert history[:4] == [
        ("promoted", Level.CANDIDATE, Level.CO_FACILITATOR),
        ("demoted", Level.MASTER, Level.CANDIDATE),
        ("promoted", Level.CERTIFIED, Level.MASTER),
        ("demoted", Level.MASTER, Level.CERTIFIED),
    ]
    assert (
        AuditEntry.objects.filter(
            target_id=str(profile.pk),
            action__in=["trainer_promoted", "trainer_demoted"],
        ).count()
        == 4
    )


def test_profile_create_is_idempotent(master, trainee):
    profile = certification.profile_create(trainee, by=master, reason="Sélectionné")
    again = certification.profile_create(trainee, by=master, reason="Encore")
    assert profile.pk == again.pk and profile.level == Level.CANDIDATE
    assert list(profile.history.values_list("action", "reason")) == [
        ("created", "Sélectionné")
    ]
    assert (
        AuditEntry.objects.filter(action="trainer_created", actor=master).count() == 1
    )
    assert roles(trainee) == set()


def test_send_session_reminders_command(course, own_trainer, trainee):
    tomorrow = timezone.localdate() + timedelta(days=1)
    session = factories.session(course, own_trainer, start=tomorrow)
    Participant.objects.create(
        session=session,
        user=trainee,
        full_name="Trainee",
        source=Participant.Source.SELF,
    )
    factories.participants(session, 2)  # no account: no e-mail
    later = factories.session(course, own_trainer, start=tomorrow + timedelta(days=1))
    Participant.objects.create(
        session=later, user=own_trainer, full_name="x", source=Participant.Source.SELF
    )
    out = StringIO()
    call_command("send_session_reminders", stdout=out)
    assert out.getvalue().startswith("1 ")
    assert [m.to for m in mail.outbox] == [[trainee.email]]
    assert CascadeSession.objects.get(pk=session.pk).reminder_sent_at is not None
    out = StringIO()
    call_command("send_session_reminders", stdout=out)
    assert out.getvalue().startswith("0 ")
    assert len(mail.outbox) == 1


@pytest.fixture
def announced():
    """The profiles ``certification.credentials_changed`` was sent for."""
    heard = []

    def receiver(sender, profile_id, **kwargs):
        heard.append(profile_id)

    certification.credentials_changed.connect(receiver, dispatch_uid="test_heard")
    yield heard
    certification.credentials_changed.disconnect(dispatch_uid="test_heard")


def test_changes_that_alter_credentials_are_announced(master, manager, announced):
    """Certified, promoted to master, demoted, renewed, suspended, reinstated:
    the certificates app hears each one. Joining the pool, a promotion to
    co-facilitator and an expiry are not announced."""
    user = factories.trainer("announced@example.org", Level.CANDIDATE)
    profile = user.trainer_profile
    assert announced == []  # joining the pool
    certification.change_level(profile, Level.CO_FACILITATOR, manager, "Stage")
    assert announced == []
    complete_path(user, master, master, needed=rules().required_cofacilitations)
    certification.certify(profile, by=master)
    assert announced == [profile.pk]
    certification.change_level(profile, Level.MASTER, manager, "Expérimentée")
    certification.change_level(profile, Level.CERTIFIED, manager, "Moins active")
    certification.renew(profile, master, "Recyclage")
    certification.suspend(profile, master, "Plainte")
    certification.reinstate(profile, master, "Classée")
    assert announced == [profile.pk] * 6
    TrainerProfile.objects.filter(pk=profile.pk).update(
        certified_until=timezone.localdate() - timedelta(days=1)
    )
    assert certification.expire_certifications() == 1
    assert len(announced) == 6
