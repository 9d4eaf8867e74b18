"""People, sessions and credentials for the certificates tests.

The people of the trainer pool (one per role) come from tests/conftest.py.
Issuance runs in tasks queued with
``transaction.on_commit``: tests that need it wrap the action in
``django_capture_on_commit_callbacks(execute=True)`` (or use real
transactions), as a deployed site would commit.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

import pytest

from assessments import factories as quiz_factories
from assessments.models import Attempt
from certificates import issuance
from certificates.models import Credential
from courses.factories import user_with_role
from courses.models import CoursePage, Enrolment, LessonPage
from courses.services import lesson_complete
from trainers import factories, services
from trainers.models import (
    Attendance,
    CascadeSession,
    CertificationSettings,
    Participant,
    TrainerProfile,
)

Level = TrainerProfile.Level


@pytest.fixture
def other_trainee(db):
    return user_with_role("other-trainee@example.org", "Trainee")


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    """``with run_tasks(): …`` runs the tasks queued for after the commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def complete_course(user, course):
    """Every lesson of ``course`` marked complete by ``user`` (the service the
    lesson page calls)."""
    for lesson in LessonPage.objects.live().descendant_of(course):
        lesson_complete(user=user, lesson=lesson, course=course)


def make_test(title, kind):
    questions = [
        quiz_factories.single_choice(text=f"<p>{title} {i}</p>") for i in range(4)
    ]
    return quiz_factories.quiz_with(
        questions, title=title, kind=kind, pass_mark=Decimal(75)
    )


def submitted_attempt(user, quiz, passed=True):
    return Attempt.objects.create(
        quiz=quiz,
        user=user,
        number=Attempt.objects.filter(quiz=quiz, user=user).count() + 1,
        state=Attempt.State.SUBMITTED,
        submitted_at=timezone.now(),
        score=Decimal(4 if passed else 1),
        max_score=Decimal(4),
        percent=Decimal(100 if passed else 25),
        passed=passed,
    )


@pytest.fixture
def course_credential(trainee, course):
    """A certificate of completion for ``trainee`` (issued directly)."""
    complete_course(trainee, course)
    credential = issuance.course_credential_issue(
        user_id=trainee.pk, course_key=course.translation_key
    )
    assert credential is not None
    return credential


def certification_path_done(user):
    """Everything but the approval: trainer-track course, exam, no
    co-facilitation required."""
    rules = CertificationSettings.load()
    rules.required_cofacilitations = 0
    rules.save()
    from courses.factories import course_with_lessons

    track = course_with_lessons(lessons=1, title="Formation de formateurs")
    CoursePage.objects.filter(pk=track.pk).update(is_trainer_track=True)
    Enrolment.objects.create(
        user=user,
        course=track,
        course_key=track.translation_key,
        completed_at=timezone.now(),
    )
    submitted_attempt(user, make_test("Examen", "exam"), passed=True)


@pytest.fixture
def candidate(db):
    user = factories.trainer(
        "candidate@example.org", Level.CO_FACILITATOR, full_name="Awa Diarra"
    )
    certification_path_done(user)
    return user


def validated_session(course, lead, master, people, *, cofacilitators=()):
    """A session held over two days, reported and validated by ``master``.
    ``people``: (full name, state, days present, user or None)."""
    start = timezone.localdate() - timedelta(days=10)
    session = factories.session(
        course,
        lead,
        status=CascadeSession.Status.REPORTED,
        start=start,
        days=2,
        co_facilitators=cofacilitators,
        report="<p>Rapport.</p>",
        report_submitted_at=timezone.now(),
    )
    for name, state, present, user in people:
        person = Participant.objects.create(
            session=session,
            user=user,
            full_name=name,
            state=state,
            source=Participant.Source.TRAINER,
        )
        Attendance.objects.bulk_create(
            Attendance(participant=person, day=day, present=number < present)
            for number, day in enumerate(session.days)
        )
    services.report_review(session=session, by=master, decision="validated")
    session.refresh_from_db()
    return session


REGISTERED = Participant.State.REGISTERED
WAITLISTED = Participant.State.WAITLISTED
CANCELLED = Participant.State.CANCELLED


@pytest.fixture
def attendance_session(course, own_trainer, cofacilitator, master, run_tasks):
    """A validated session whose certificates are issued: Fatoumata (no
    account, both days) and Oumar (no account, one day) get one; Absent,
    Waiting and Cancelled do not."""
    with run_tasks():
        session = validated_session(
            course,
            own_trainer,
            master,
            [
                ("Fatoumata Koné", REGISTERED, 2, None),
                ("Oumar Sangaré", REGISTERED, 1, None),
                ("Absent Person", REGISTERED, 0, None),
                ("Waiting Person", WAITLISTED, 2, None),
                ("Cancelled Person", CANCELLED, 2, None),
            ],
            cofacilitators=[cofacilitator],
        )
    return session


@pytest.fixture
def attendance_credential(attendance_session):
    return Credential.objects.get(
        session=attendance_session, holder_name="Fatoumata Koné"
    )


def profile_of(user):
    return TrainerProfile.objects.get(user=user)
