"""People racing for seats, with real threads and one database connection
each: never more than the capacity, nobody waiting while a seat is free, no
duplicate. The capacity races test the session's row lock, so they run on
PostgreSQL only (``postgresql`` marker: SQLite runs one write transaction at
a time); the duplicate sign-up runs on both."""

from collections import Counter
from itertools import zip_longest

import pytest

from courses.factories import course_with_lessons, user_with_role
from tests.races import race
from trainers import factories, services
from trainers.models import Participant

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Races per test: one rarely shows a missing lock, a few do every time.
ROUNDS = 3


@pytest.fixture
def session():
    course = course_with_lessons(lessons=1)
    lead = factories.trainer("lead-race@example.org")
    return factories.session(course, lead, capacity=20)


@pytest.mark.postgresql
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


CAPACITY, WAITING, LEAVING, JOINING = 8, 3, 6, 10


def withdrawals_and_sign_ups(session, seated, queued, newcomers):
    """Fill ``session`` with ``seated`` then ``queued`` (waiting), then race
    the withdrawal of ``LEAVING`` seated people against the sign-up of the
    ``newcomers``, interleaved. Returns the count of each state and the states
    of the people who were waiting before the race."""
    first = [
        services.participant_register(session=session, user=user)
        for user in seated + queued
    ]
    assert [p.state for p in first] == ["registered"] * CAPACITY + [
        "waitlisted"
    ] * WAITING
    withdrawals = [
        (lambda p=p: services.participant_withdraw(participant=p))
        for p in first[:LEAVING]
    ]
    sign_ups = [
        (lambda user=user: services.participant_register(session=session, user=user))
        for user in newcomers
    ]
    workers = [w for pair in zip_longest(withdrawals, sign_ups) for w in pair if w]
    _results, errors = race(workers)
    assert errors == []
    rows = Participant.objects.filter(session=session)
    return (
        Counter(rows.values_list("state", flat=True)),
        set(rows.filter(user__in=queued).values_list("state", flat=True)),
    )


@pytest.mark.postgresql
def test_withdrawals_racing_with_sign_ups_keep_capacity():
    """Seats freed by withdrawals go first to the people already waiting, and
    the session never holds more than its capacity nor leaves a seat empty
    while someone waits. Withdrawals and sign-ups are interleaved, released
    together, in several sessions (one race each)."""
    course = course_with_lessons(lessons=1)
    lead = factories.trainer("lead-mixed@example.org")
    people = [
        user_with_role(f"mixed{i}@example.org", "Trainee")
        for i in range(CAPACITY + WAITING + JOINING)
    ]
    seated, queued = people[:CAPACITY], people[CAPACITY : CAPACITY + WAITING]
    newcomers = people[CAPACITY + WAITING :]
    active = CAPACITY - LEAVING + WAITING + JOINING
    for _round in range(ROUNDS):
        session = factories.session(course, lead, capacity=CAPACITY)
        states, waited = withdrawals_and_sign_ups(session, seated, queued, newcomers)
        assert states == {
            "registered": CAPACITY,
            "waitlisted": active - CAPACITY,
            "cancelled": LEAVING,
        }
        # The people who were waiting before the race got the first seats.
        assert waited == {"registered"}
