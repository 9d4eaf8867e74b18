"""Fifty people racing for twenty seats, with real threads and one database
connection each: exactly twenty seats taken, thirty waiting, no duplicate —
on SQLite and on PostgreSQL."""

import pytest

from courses.factories import course_with_lessons, user_with_role
from tests.races import race
from trainers import factories, services
from trainers.models import Participant

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def session():
    course = course_with_lessons(lessons=1)
    lead = factories.trainer("lead-race@example.org")
    return factories.session(course, lead, capacity=20)


def test_fifty_people_for_twenty_seats(session):
    people = [user_with_role(f"racer{i}@example.org", "Trainee") for i in range(50)]
    workers = [
        (
            lambda user=user: (
                services.participant_register(session=session, user=user).state
            )
        )
        for user in people
    ]
    results, errors = race(workers)
    assert errors == []
    assert sorted(results).count("registered") == 20
    assert sorted(results).count("waitlisted") == 30
    rows = Participant.objects.filter(session=session)
    assert rows.count() == 50
    assert rows.values("user").distinct().count() == 50
    assert rows.filter(state="registered").count() == 20
    assert rows.filter(state="waitlisted").count() == 30


def test_the_same_person_signing_up_ten_times_at_once(session):
    user = user_with_role("impatient@example.org", "Trainee")
    workers = [
        lambda: services.participant_register(session=session, user=user).pk
    ] * 10
    results, errors = race(workers)
    assert errors == []
    assert len(set(results)) == 1
    assert Participant.objects.filter(session=session, user=user).count() == 1


def test_withdrawals_racing_with_sign_ups_keep_capacity(session):
    people = [user_with_role(f"mixed{i}@example.org", "Trainee") for i in range(30)]
    first = [
        services.participant_register(session=session, user=user)
        for user in people[:20]
    ]
    workers = [
        (lambda participant=p: services.participant_withdraw(participant=participant))
        for p in first[:10]
    ] + [
        (lambda user=user: services.participant_register(session=session, user=user))
        for user in people[20:]
    ]
    _results, errors = race(workers)
    assert errors == []
    rows = Participant.objects.filter(session=session)
    assert rows.filter(state="registered").count() == 20
    assert rows.filter(state="cancelled").count() == 10
    assert rows.filter(state="waitlisted").count() == 0
