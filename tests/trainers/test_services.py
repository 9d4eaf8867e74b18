"""The write side of the trainers' area (``trainers.services``), called
directly: the writes that used to sit in views and form ``save()`` methods
(session details, observations, attendance, scores, corrections, imports,
feedback, the trainer's own profile, the calendar address) and the steps of
a session's life. The pages calling them are tested in the other files."""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

import pytest

from kalanso.accounts.models import AuditEntry, Region
from trainers import factories, services
from trainers.models import (
    Attendance,
    CascadeSession,
    Feedback,
    Observation,
    Participant,
    SpokenLanguage,
    TrainerProfile,
)

pytestmark = pytest.mark.django_db

Status = CascadeSession.Status
State = Participant.State


@pytest.fixture
def running(course, own_trainer, cofacilitator):
    """A scheduled session that started yesterday and lasts three days."""
    return factories.session(
        course,
        own_trainer,
        start=date.today() - timedelta(days=1),
        days=3,
        co_facilitators=[cofacilitator],
        capacity=5,
    )


def details(course, **changes):
    values = {
        "title": "Formation à Ségou",
        "course": course,
        "start_date": date.today() + timedelta(days=10),
        "end_date": date.today() + timedelta(days=11),
        "region": Region.objects.get(code="ML-4"),
        "place": None,
        "venue": "Maison des jeunes",
        "mode": CascadeSession.Mode.IN_PERSON,
        "capacity": 2,
        "is_public": True,
    }
    return {**values, **changes}


# Session details ------------------------------------------------------------


def test_session_create_makes_a_draft_led_by_its_author(
    course, own_trainer, cofacilitator
):
    languages = SpokenLanguage.objects.all()[:2]
    session = services.session_create(
        lead=own_trainer,
        details=details(course, languages=languages, co_facilitators=[cofacilitator]),
    )
    session.refresh_from_db()
    assert session.status == Status.DRAFT
    assert session.lead_trainer == own_trainer == session.created_by
    assert (session.title, session.capacity) == ("Formation à Ségou", 2)
    assert list(session.co_facilitators.all()) == [cofacilitator]
    assert set(session.languages.all()) == set(languages)


def test_session_update_gives_new_seats_to_the_waiting_list(
    course, own_trainer, trainee, cofacilitator
):
    session = services.session_create(
        lead=own_trainer,
        details=details(course, capacity=1, co_facilitators=[cofacilitator]),
    )
    session.status = Status.SCHEDULED
    session.save()
    services.participant_register(session=session, user=trainee)
    waiting = factories.participants(session, 1, state=State.WAITLISTED)[0]

    services.session_update(
        session=session,
        details=details(course, capacity=2, title="Formation à Mopti"),
    )
    session.refresh_from_db()
    assert (session.title, session.capacity) == ("Formation à Mopti", 2)
    waiting.refresh_from_db()
    assert waiting.state == State.REGISTERED
    # Co-facilitators change only when the details name them.
    assert list(session.co_facilitators.all()) == [cofacilitator]
    services.session_update(session=session, details={"co_facilitators": []})
    assert not session.co_facilitators.exists()


def test_session_update_refuses_a_capacity_below_the_people_registered(
    course, own_trainer
):
    session = factories.session(course, own_trainer, capacity=3, title="Avant")
    factories.participants(session, 3, state=State.REGISTERED)
    with pytest.raises(ValidationError) as error:
        services.session_update(
            session=session, details=details(course, capacity=2, title="Autre")
        )
    assert list(error.value.error_dict) == ["capacity"]
    session.refresh_from_db()
    assert (session.title, session.capacity) == ("Avant", 3)


@pytest.mark.parametrize("status", [Status.HELD, Status.CANCELLED])
def test_session_update_refuses_a_session_past_scheduling(course, own_trainer, status):
    session = factories.session(course, own_trainer, status=status)
    with pytest.raises(ValidationError) as error:
        services.session_update(session=session, details={"title": "Autre"})
    assert not hasattr(error.value, "error_dict")
    session.refresh_from_db()
    assert session.title != "Autre"


# The session's life ------------------------------------------------------------


def test_session_life_from_draft_to_validated(
    course, own_trainer, cofacilitator, master
):
    session = factories.session(
        course,
        own_trainer,
        status=Status.DRAFT,
        start=date.today(),
        co_facilitators=[cofacilitator],
    )
    with pytest.raises(PermissionDenied):  # only the lead schedules
        services.session_schedule(session=session, by=cofacilitator)
    services.session_schedule(session=session, by=own_trainer)
    with pytest.raises(ValidationError):
        services.session_mark_held(
            session=session, by=cofacilitator, today=date.today() - timedelta(days=1)
        )
    services.session_mark_held(session=session, by=cofacilitator)
    with pytest.raises(ValidationError):
        services.report_submit(session=session, by=own_trainer)  # no narrative
    services.report_save(
        session=session, by=own_trainer, narrative="<p>Bien.</p><script>x</script>"
    )
    services.report_submit(session=session, by=own_trainer)
    with pytest.raises(PermissionDenied):  # not by the people who ran it
        services.report_review(session=session, by=own_trainer, decision="validated")
    with pytest.raises(ValidationError):
        services.report_review(session=session, by=master, decision="sent_back")
    services.report_review(
        session=session, by=master, decision="sent_back", comment="Les chiffres ?"
    )
    session.refresh_from_db()
    assert session.status == Status.HELD
    services.report_submit(session=session, by=own_trainer)
    review = services.report_review(session=session, by=master, decision="validated")
    session.refresh_from_db()
    assert session.status == Status.VALIDATED and session.validated_by == master
    assert session.report == "<p>Bien.</p>x"
    assert review.reviewer == master
    assert sorted(session.reviews.values_list("decision", flat=True)) == [
        "sent_back",
        "validated",
    ]


def test_session_cancel_needs_a_reason_and_a_draft_or_scheduled_session(
    course, own_trainer, master
):
    session = factories.session(course, own_trainer)
    with pytest.raises(ValidationError):
        services.session_cancel(session=session, by=own_trainer, reason="  ")
    services.session_cancel(session=session, by=master, reason="Route coupée")
    session.refresh_from_db()
    assert (session.status, session.cancel_reason) == (
        Status.CANCELLED,
        "Route coupée",
    )
    with pytest.raises(ValidationError):
        services.session_cancel(session=session, by=master, reason="Encore")


# Observations ------------------------------------------------------------------


def test_observation_record_replaces_the_earlier_one_and_is_audited(
    course, own_trainer, cofacilitator, master
):
    session = factories.session(
        course, own_trainer, status=Status.HELD, co_facilitators=[cofacilitator]
    )
    first = services.observation_record(
        session=session,
        trainer=cofacilitator,
        observer=own_trainer,
        report="Hésitant.",
        satisfactory=False,
    )
    again = services.observation_record(
        session=session,
        trainer=cofacilitator,
        observer=master,
        report="Prêt.",
        satisfactory=True,
    )
    assert again.pk == first.pk
    stored = Observation.objects.get(session=session, trainer=cofacilitator)
    assert (stored.observer, stored.report, stored.satisfactory) == (
        master,
        "Prêt.",
        True,
    )
    entries = AuditEntry.objects.filter(action="trainer_observed").order_by("pk")
    assert [entry.detail["updated"] for entry in entries] == [False, True]
    assert entries[1].actor == master


def test_observation_waits_until_the_session_is_held(
    course, own_trainer, cofacilitator
):
    session = factories.session(course, own_trainer, co_facilitators=[cofacilitator])
    with pytest.raises(ValidationError):
        services.observation_record(
            session=session,
            trainer=cofacilitator,
            observer=own_trainer,
            report="Trop tôt.",
            satisfactory=True,
        )
    assert not Observation.objects.exists()


# Attendance and scores ---------------------------------------------------------


def test_attendance_record_writes_the_changed_cells_only(running):
    first, second, third = factories.participants(running, 3)
    day_one, day_two, _day_three = running.days
    # Someone else ticked the first person on day one meanwhile.
    Attendance.objects.create(participant=first, day=day_one, present=True)
    present_days = services.attendance_record(
        session=running,
        shown=[first.pk, second.pk],
        # Unchanged on this page (not ticked, not ticked before): kept as it is.
        present={(second.pk, day_two)},
        was_present=set(),
    )
    assert present_days == 2
    marks = set(
        Attendance.objects.filter(present=True).values_list("participant_id", "day")
    )
    assert marks == {(first.pk, day_one), (second.pk, day_two)}
    # A row not shown is left alone; an unticked cell is written as absent.
    assert not Attendance.objects.filter(participant=third).exists()
    assert Attendance.objects.filter(participant=second, present=False).count() == 2

    services.attendance_record(
        session=running,
        shown=[first.pk],
        present=set(),
        was_present={(first.pk, day_one)},  # unticked on this page: written
    )
    assert not Attendance.objects.filter(participant=first, present=True).exists()


def test_attendance_skips_people_no_longer_registered(running):
    person, other = factories.participants(running, 2)
    Participant.objects.filter(pk=other.pk).update(state=State.CANCELLED)
    day = running.days[0]
    count = services.attendance_record(
        session=running,
        shown=[person.pk, other.pk],
        present={(person.pk, day), (other.pk, day)},
        was_present=set(),
    )
    assert count == 1
    assert not Attendance.objects.filter(participant=other).exists()


@pytest.mark.parametrize(
    ("status", "days_ahead"),
    [(Status.REPORTED, -1), (Status.SCHEDULED, 3), (Status.CANCELLED, -1)],
)
def test_attendance_and_scores_are_closed_outside_the_session(
    course, own_trainer, status, days_ahead
):
    session = factories.session(
        course, own_trainer, status=status, start=date.today() + timedelta(days_ahead)
    )
    person = factories.participants(session, 1)[0]
    with pytest.raises(ValidationError) as error:
        services.attendance_record(
            session=session,
            shown=[person.pk],
            present={(person.pk, session.days[0])},
            was_present=set(),
        )
    assert error.value.messages == [services.attendance_closed_reason(session)]
    with pytest.raises(ValidationError):
        services.scores_record(session=session, scores={(person.pk, "pre"): 50})
    assert not Attendance.objects.exists()
    person.refresh_from_db()
    assert person.pre_score is None


def test_scores_record_writes_the_cells_given(running, course, own_trainer):
    first, second = factories.participants(running, 2, pre_score=Decimal(40))
    elsewhere = factories.participants(factories.session(course, own_trainer), 1)[0]
    changed = services.scores_record(
        session=running,
        scores={
            (first.pk, "post"): Decimal("72.50"),
            (second.pk, "pre"): Decimal(40),  # the same value: not a change
            (elsewhere.pk, "pre"): Decimal(99),  # another session's person
        },
    )
    assert changed == 1
    first.refresh_from_db()
    second.refresh_from_db()
    elsewhere.refresh_from_db()
    assert (first.pre_score, first.post_score) == (Decimal(40), Decimal("72.50"))
    assert (second.pre_score, second.post_score) == (Decimal(40), None)
    assert elsewhere.pre_score is None
    services.scores_record(session=running, scores={(first.pk, "pre"): None})
    first.refresh_from_db()
    assert first.pre_score is None and first.post_score == Decimal("72.50")


# People entered by the trainers -------------------------------------------------


def test_participant_update_corrects_the_person(running):
    person = factories.participants(running, 1, phone="+223 70 00 00 00")[0]
    services.participant_update(
        participant=person,
        details={"full_name": "Awa Traoré", "sex": "f", "phone": ""},
    )
    person.refresh_from_db()
    assert (person.full_name, person.sex, person.phone) == ("Awa Traoré", "f", "")


@pytest.mark.parametrize("change", ["pseudonymised", "reported"])
def test_participant_update_is_refused_once_closed(running, change):
    person = factories.participants(running, 1)[0]
    if change == "pseudonymised":
        Participant.objects.filter(pk=person.pk).update(pseudonymised_at=timezone.now())
    else:
        CascadeSession.objects.filter(pk=running.pk).update(status=Status.REPORTED)
    with pytest.raises(ValidationError):
        services.participant_update(participant=person, details={"full_name": "X"})
    assert Participant.objects.get(pk=person.pk).full_name == "Participant 1"


def test_participants_add_all_or_none_within_capacity(running):
    people = [{"full_name": f"Personne {i}"} for i in range(6)]
    with pytest.raises(ValidationError):
        services.participants_add(
            session=running, people=people, source=Participant.Source.TRAINER
        )
    assert not running.participants.exists()
    added = services.participants_add(
        session=running, people=people[:5], source=Participant.Source.TRAINER
    )
    assert (
        len(added) == 5 == running.participants.filter(state=State.REGISTERED).count()
    )


def test_participants_import_checks_duplicates_again(running):
    factories.participants(running, 1, phone="70 11 22 33")  # "Participant 1"
    rows = [
        {"full_name": "Awa Traoré", "sex": "f"},
        {"full_name": "participant 1", "phone": "+70112233"},
    ]
    with pytest.raises(ValidationError):
        services.participants_import(session=running, people=rows)
    assert running.participants.count() == 1
    created = services.participants_import(session=running, people=rows[:1])
    stored = Participant.objects.get(pk=created[0].pk)
    assert stored.source == Participant.Source.IMPORT
    assert (stored.full_name, stored.sex, stored.phone) == ("Awa Traoré", "f", "")


def test_participant_link_and_claim(running, trainee, other_trainer, own_trainer):
    entered, other = factories.participants(running, 2)
    invitation = services.link_invitation_create(
        participant=entered, email=trainee.email, by=own_trainer
    )
    assert Participant.objects.get(pk=entered.pk).user is None  # not yet
    services.link_invitation_accept(invitation=invitation, user=trainee)
    with pytest.raises(ValidationError):  # already linked
        services.link_invitation_create(
            participant=entered, email=other_trainer.email, by=own_trainer
        )
    with pytest.raises(ValidationError):  # already in this session
        services.participant_claim(user=trainee, code=other.claim_code)
    claimed = services.participant_claim(
        user=other_trainer, code=f" {other.claim_code[:5]}-{other.claim_code[5:]} "
    )
    assert claimed.pk == other.pk
    assert Participant.objects.get(pk=entered.pk).user == trainee
    assert Participant.objects.get(pk=other.pk).user == other_trainer


# Feedback ----------------------------------------------------------------------


def test_feedback_create_only_while_the_session_takes_it(running, course, own_trainer):
    services.feedback_create(session=running, satisfaction=4, comment="Utile")
    assert Feedback.objects.get().satisfaction == 4
    later = factories.session(course, own_trainer)  # starts next week
    validated = factories.session(
        course, own_trainer, status=Status.VALIDATED, start=date(2025, 1, 6)
    )
    for session in (later, validated):
        with pytest.raises(ValidationError):
            services.feedback_create(session=session, satisfaction=5)
    assert Feedback.objects.count() == 1


# The trainer's own profile --------------------------------------------------------


def test_trainer_profile_update_and_the_session_trained_in(course, master, own_trainer):
    profile = own_trainer.trainer_profile
    trained_in = factories.session(course, master, status=Status.VALIDATED)
    Participant.objects.create(
        session=trained_in, user=own_trainer, full_name="Lead", state=State.REGISTERED
    )
    languages = SpokenLanguage.objects.all()[:1]
    services.trainer_profile_update(
        profile=profile,
        details={
            "bio": "Formatrice à Mopti.",
            "languages": languages,
            "regions": [],
            "visibility": TrainerProfile.Visibility.STAFF,
            "show_email": True,
            "trained_in": trained_in,
        },
    )
    profile = TrainerProfile.objects.get(pk=profile.pk)
    assert (profile.bio, profile.show_email, profile.trained_in) == (
        "Formatrice à Mopti.",
        True,
        trained_in,
    )
    assert list(profile.languages.all()) == list(languages)


def test_a_cycle_refuses_the_whole_profile_change(course, own_trainer, master):
    """The master was trained in own_trainer's session: own_trainer cannot
    have been trained in the master's. Nothing of the change is kept."""
    own_session = factories.session(course, own_trainer, status=Status.VALIDATED)
    TrainerProfile.objects.filter(user=master).update(trained_in=own_session)
    masters_session = factories.session(course, master, status=Status.VALIDATED)
    profile = own_trainer.trainer_profile
    with pytest.raises(ValidationError) as error:
        services.trainer_profile_update(
            profile=profile,
            details={"bio": "Changée", "trained_in": masters_session},
        )
    assert list(error.value.error_dict) == ["trained_in"]
    profile = TrainerProfile.objects.get(pk=profile.pk)
    assert profile.bio == "" and profile.trained_in is None


def test_calendar_token_reset(own_trainer):
    profile = own_trainer.trainer_profile
    old = profile.calendar_token
    services.calendar_token_reset(profile=profile)
    assert TrainerProfile.objects.get(pk=profile.pk).calendar_token not in ("", old)
