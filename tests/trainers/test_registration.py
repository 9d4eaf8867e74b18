"""Sign-up, the waiting list and capacity (trainers.services)."""

from django.core import mail
from django.core.exceptions import ValidationError

import pytest

from courses.factories import user_with_role
from trainers import factories, services
from trainers.models import CascadeSession, Participant

pytestmark = pytest.mark.django_db

State = Participant.State


@pytest.fixture
def people(db):
    return [user_with_role(f"person{i}@example.org", "Trainee") for i in range(6)]


def states(session):
    return list(
        session.participants.order_by("user__email").values_list("user__email", "state")
    )


def waiting_order(session):
    return list(
        session.participants.filter(state=State.WAITLISTED)
        .order_by("registered_at", "pk")
        .values_list("user__email", flat=True)
    )


def test_seats_then_waiting_list(course, own_trainer, people):
    session = factories.session(course, own_trainer, capacity=2)
    results = [
        services.participant_register(session=session, user=user) for user in people[:4]
    ]
    assert [r.state for r in results] == ["registered"] * 2 + ["waitlisted"] * 2
    assert services.seats_left(session) == 0
    assert results[0].full_name == people[0].full_name
    assert results[0].source == Participant.Source.SELF


def test_double_sign_up_returns_the_same_record(course, own_trainer, people):
    session = factories.session(course, own_trainer, capacity=1)
    first = services.participant_register(session=session, user=people[0])
    again = services.participant_register(session=session, user=people[0])
    assert again.pk == first.pk and again.state == State.REGISTERED
    waiting = services.participant_register(session=session, user=people[1])
    assert (
        services.participant_register(session=session, user=people[1]).pk == waiting.pk
    )
    assert session.participants.count() == 2


def test_waiting_list_promoted_in_order_on_withdrawal(
    course, own_trainer, people, django_capture_on_commit_callbacks
):
    session = factories.session(course, own_trainer, capacity=2)
    registered = [
        services.participant_register(session=session, user=user) for user in people
    ]
    assert waiting_order(session) == [f"person{i}@example.org" for i in (2, 3, 4, 5)]

    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.participant_withdraw(participant=registered[0])
    assert promoted.user == people[2]
    assert waiting_order(session) == [f"person{i}@example.org" for i in (3, 4, 5)]
    assert [m.to for m in mail.outbox] == [["person2@example.org"]]

    # Withdrawing from the waiting list frees no seat: nobody is promoted.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.participant_withdraw(participant=registered[4]) is None
    assert waiting_order(session) == ["person3@example.org", "person5@example.org"]
    assert len(mail.outbox) == 1
    # Cancelling twice changes nothing.
    assert services.participant_withdraw(participant=registered[0]) is None
    assert session.participants.filter(state=State.REGISTERED).count() == 2


def test_capacity_increase_promotes_in_order(
    course, own_trainer, people, django_capture_on_commit_callbacks
):
    session = factories.session(course, own_trainer, capacity=1)
    for user in people[:5]:
        services.participant_register(session=session, user=user)
    with django_capture_on_commit_callbacks(execute=True):
        services.session_capacity_change(session=session, capacity=3)
    assert dict(states(session)) == {
        "person0@example.org": "registered",
        "person1@example.org": "registered",
        "person2@example.org": "registered",
        "person3@example.org": "waitlisted",
        "person4@example.org": "waitlisted",
    }
    assert sorted(m.to[0] for m in mail.outbox) == [
        "person1@example.org",
        "person2@example.org",
    ]
    with pytest.raises(ValidationError):
        services.session_capacity_change(session=session, capacity=2)
    session.refresh_from_db()
    assert session.capacity == 3


def test_signing_up_again_after_withdrawing_goes_to_the_back(
    course, own_trainer, people
):
    session = factories.session(course, own_trainer, capacity=1)
    first = services.participant_register(session=session, user=people[0])
    services.participant_register(session=session, user=people[1])
    services.participant_withdraw(participant=first)  # people[1] takes the seat
    services.participant_register(session=session, user=people[2])
    again = services.participant_register(session=session, user=people[0])
    assert again.pk == first.pk
    assert again.state == State.WAITLISTED
    assert waiting_order(session) == ["person2@example.org", "person0@example.org"]


@pytest.mark.parametrize(
    ("fields"),
    [
        {"status": CascadeSession.Status.DRAFT},
        {"status": CascadeSession.Status.CANCELLED},
        {"is_public": False},
    ],
)
def test_sign_up_only_to_public_scheduled_sessions(course, own_trainer, people, fields):
    session = factories.session(course, own_trainer, **fields)
    with pytest.raises(ValidationError):
        services.participant_register(session=session, user=people[0])
    assert not session.participants.exists()
