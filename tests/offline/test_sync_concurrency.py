"""The same offline events sent at once from several requests (a double tap on
"Synchronise now", Background Sync and the page together, two devices with an
imported file): each is applied once, and every request gets an answer."""

import json
import uuid
from decimal import Decimal

from django.test import Client

import pytest

from assessments import factories
from assessments.models import Attempt
from courses.factories import course_with_lessons, user_with_role
from courses.models import LessonPage, LessonProgress
from offline.models import SyncEvent
from tests.races import same

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_double_submit_applies_each_event_once():
    course = course_with_lessons(lessons=2)
    first, second = LessonPage.objects.live().descendant_of(course).order_by("path")
    check = factories.quiz_with(
        [factories.single_choice()], title="Vérifions", kind="check"
    )
    first.body.append(("knowledge_check", {"quiz": check}, str(uuid.uuid4())))
    first.save_revision().publish()
    user = user_with_role("double@example.org", "Trainee")
    client = Client()
    client.force_login(user)
    client.get(first.url)
    attempt = Attempt.objects.get(user=user, quiz=check)
    row = attempt.questions.get()
    good = next(c["id"] for c in row.snapshot["choices"] if Decimal(c["fraction"]) == 1)
    body = json.dumps(
        {
            "events": [
                {
                    "id": str(uuid.uuid4()),
                    "kind": "knowledge_check",
                    "payload": {"attempt": attempt.pk, "answers": {"q1": [good]}},
                },
                {
                    "id": str(uuid.uuid4()),
                    "kind": "lesson_complete",
                    "payload": {"lesson": second.pk},
                },
            ]
        }
    )
    session = client.cookies["sessionid"].value

    def post():
        racer = Client()
        racer.cookies["sessionid"] = session
        response = racer.post(
            "/fr/offline/sync/", body, content_type="application/json"
        )
        return response.status_code, [r["status"] for r in response.json()["results"]]

    results, errors = same(post, threads=4)
    assert errors == []
    assert all(status == 200 for status, _ in results)
    assert all(statuses == ["applied", "applied"] for _, statuses in results)
    assert SyncEvent.objects.count() == 2
    assert LessonProgress.objects.filter(user=user).count() == 1
    attempt.refresh_from_db()
    assert attempt.is_submitted and attempt.passed
    assert Attempt.objects.filter(user=user, quiz=check).count() == 1
