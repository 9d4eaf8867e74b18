"""Two trainers naming each other's sessions at the same moment: the lineage
lock lets one through and refuses the other, so the cascade never loops.

PostgreSQL only (the ``postgresql`` marker): SQLite runs one write
transaction at a time, so the advisory lock is never exercised there."""

from django.core.exceptions import ValidationError

import pytest

from courses.factories import course_with_lessons
from tests.races import race
from trainers import factories, lineage
from trainers.models import CascadeSession, TrainerProfile

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.postgresql,
]

# Pairs of trainers crossing in each race, and races: without the lock, at
# least one pair gets through in nearly every race.
PAIRS = 4
ROUNDS = 3


def test_crossed_lineages_cannot_both_pass_the_cycle_check():
    course = course_with_lessons(lessons=1)
    held = CascadeSession.Status.HELD
    pairs = []
    for i in range(PAIRS):
        a = factories.trainer(f"a{i}-cross@example.org")
        b = factories.trainer(f"b{i}-cross@example.org")
        pairs.append(
            (a, b, factories.session(course, a, status=held),
             factories.session(course, b, status=held))
        )  # fmt: skip

    def name(user, session):
        def run():
            profile = TrainerProfile.objects.get(user=user)
            try:
                lineage.set_trained_in(profile, session)
            except ValidationError:
                return (user.pk, "refused")
            return (user.pk, "recorded")

        return run

    for _round in range(ROUNDS):
        TrainerProfile.objects.update(trained_in=None)
        workers = []
        for a, b, led_by_a, led_by_b in pairs:
            workers += [name(a, led_by_b), name(b, led_by_a)]
        results, errors = race(workers)
        assert errors == []
        outcome = dict(results)
        for a, b, _led_by_a, _led_by_b in pairs:
            assert sorted([outcome[a.pk], outcome[b.pk]]) == ["recorded", "refused"]
        assert TrainerProfile.objects.filter(trained_in__isnull=False).count() == PAIRS
        # Whoever won, the cascade is a tree and its page can be drawn.
        assert len(lineage.cascade().tree) == 2 * PAIRS
