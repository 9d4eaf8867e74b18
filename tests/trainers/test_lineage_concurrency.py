"""Two trainers naming each other's sessions at the same moment: the lineage
lock lets one through and refuses the other, so the cascade never loops."""

from django.core.exceptions import ValidationError

import pytest

from courses.factories import course_with_lessons
from tests.races import race
from trainers import factories, lineage
from trainers.models import CascadeSession, TrainerProfile

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_crossed_lineages_cannot_both_pass_the_cycle_check():
    course = course_with_lessons(lessons=1)
    a = factories.trainer("a-cross@example.org")
    b = factories.trainer("b-cross@example.org")
    held = CascadeSession.Status.HELD
    led_by_a = factories.session(course, a, status=held)
    led_by_b = factories.session(course, b, status=held)

    def name(user, session):
        def run():
            profile = TrainerProfile.objects.get(user=user)
            try:
                lineage.set_trained_in(profile, session)
            except ValidationError:
                return "refused"
            return "recorded"

        return run

    for _attempt in range(5):
        TrainerProfile.objects.update(trained_in=None)
        results, errors = race([name(a, led_by_b), name(b, led_by_a)])
        assert errors == []
        assert sorted(results) == ["recorded", "refused"]
        assert TrainerProfile.objects.filter(trained_in__isnull=False).count() == 1
        # Whoever won, the cascade is a tree and its page can be drawn.
        assert len(lineage.cascade().tree) == 2
