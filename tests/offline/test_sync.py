"""The sync endpoint: events recorded offline are applied once, through the
services that own the rules, per user, with a result per event."""

import json
import uuid
from decimal import Decimal

from django.urls import reverse

import pytest

from assessments import factories
from assessments.models import Attempt
from courses.factories import user_with_role
from courses.models import Enrolment, LessonPage, LessonProgress
from offline.models import SyncEvent
from offline.services import MAX_EVENTS

pytestmark = pytest.mark.django_db

SYNC = "/fr/offline/sync/"


def send(client, events, **extra):
    return client.post(
        SYNC, json.dumps({"events": events}), content_type="application/json", **extra
    )


def event(kind, payload, **fields):
    return {
        "id": str(uuid.uuid4()),
        "kind": kind,
        "device_time": "2026-11-30T08:15:00+00:00",
        "payload": payload,
        **fields,
    }


@pytest.fixture
def check_lesson(course, lessons):
    check = factories.quiz_with(
        [factories.single_choice(text="<p>Le puits partagé est un…</p>")],
        title="Vérifions",
        kind="check",
        feedback_policy="immediate",
    )
    lesson = lessons[0]
    lesson.body.append(("knowledge_check", {"quiz": check}, str(uuid.uuid4())))
    lesson.save_revision().publish()
    return LessonPage.objects.get(pk=lesson.pk), check


def open_attempt(client, user, lesson, quiz):
    """The lesson page (downloaded for offline use) starts the attempt."""
    client.get(lesson.url, HTTP_X_KALANSO_OFFLINE="download")
    attempt = Attempt.objects.get(user=user, quiz=quiz)
    row = attempt.questions.get()
    good = next(c["id"] for c in row.snapshot["choices"] if Decimal(c["fraction"]) == 1)
    return attempt, good


def test_completion_applied_once_and_replay_changes_nothing(
    trainee_client, trainee, course, lessons
):
    complete = event("lesson_complete", {"lesson": lessons[0].pk})
    first = send(trainee_client, [complete]).json()["results"]
    assert first[0]["status"] == "applied" and "duplicate" not in first[0]
    again = send(trainee_client, [complete, complete]).json()["results"]
    assert [r["duplicate"] for r in again] == [True, True]
    assert LessonProgress.objects.filter(user=trainee).count() == 1
    assert SyncEvent.objects.count() == 1
    assert Enrolment.objects.filter(user=trainee).count() == 1


def test_completing_every_lesson_completes_the_course(
    trainee_client, trainee, course, lessons
):
    """The course's completion rule decides (courses.completion), not the sync."""
    results = send(
        trainee_client,
        [event("lesson_complete", {"lesson": lesson.pk}) for lesson in lessons],
    ).json()["results"]
    assert [r["course_completed"] for r in results] == [False, False, True]
    assert Enrolment.objects.get(user=trainee).completed_at is not None


def test_knowledge_check_scored_on_the_server(trainee_client, trainee, check_lesson):
    lesson, quiz = check_lesson
    attempt, good = open_attempt(trainee_client, trainee, lesson, quiz)
    answer = event(
        "knowledge_check",
        {"attempt": attempt.pk, "answers": {"q1": [good]}},
        attempt=attempt.pk,
    )
    result = send(trainee_client, [answer]).json()["results"][0]
    assert result["status"] == "applied"
    assert "fraction" not in json.dumps(result)  # no key or score in the answer
    attempt.refresh_from_db()
    assert attempt.is_submitted and attempt.passed and attempt.percent == 100
    assert SyncEvent.objects.get().attempt_id == attempt.pk
    # Replayed: still one submitted attempt, scored once.
    assert send(trainee_client, [answer]).json()["results"][0]["duplicate"]
    assert Attempt.objects.filter(user=trainee, quiz=quiz).count() == 1


def test_second_answer_to_a_submitted_attempt_is_rejected_and_kept(
    trainee_client, trainee, check_lesson
):
    lesson, quiz = check_lesson
    attempt, good = open_attempt(trainee_client, trainee, lesson, quiz)
    payload = {"attempt": attempt.pk, "answers": {"q1": [good]}}
    send(trainee_client, [event("knowledge_check", payload)])
    other = event("knowledge_check", payload)
    result = send(trainee_client, [other]).json()["results"][0]
    assert result["status"] == "rejected"
    assert result["code"] == "already_submitted"
    # The same copy again: the same answer, from the record.
    again = send(trainee_client, [other]).json()["results"][0]
    assert again["code"] == "already_submitted" and again["duplicate"]


def test_exercise_graded_by_the_block(trainee_client, trainee, lessons):
    lesson = lessons[0]
    block = next(b for b in lesson.body if b.block_type == "sorting_exercise")
    prefix = f"ex-{block.id}"
    answers = {f"{prefix}-0": "connector", f"{prefix}-1": "connector"}
    answers[f"{prefix}-2"] = "connector"
    result = send(
        trainee_client,
        [
            event(
                "exercise", {"lesson": lesson.pk, "block": block.id, "answers": answers}
            )
        ],
    ).json()["results"][0]
    assert result["status"] == "applied"
    assert (result["right"], result["total"]) == (2, 3)


def test_bad_events_get_their_own_errors(trainee_client, trainee, lessons):
    good = event("lesson_complete", {"lesson": lessons[1].pk})
    bad = [
        "not an object",
        {"id": "not-a-uuid", "kind": "lesson_complete", "payload": {}},
        event("delete_everything", {}),
        event("lesson_complete", {"lesson": "abc"}),
        event("lesson_complete", {"lesson": 10**20}),
        event("lesson_complete", {"lesson": True}),
        event("lesson_complete", {"lesson": 999999}),
        event("lesson_complete", "not a dict"),
        event("knowledge_check", {"attempt": 999999, "answers": {}}),
        event("exercise", {"lesson": lessons[0].pk, "block": "nope", "answers": {}}),
        event("exercise", {"lesson": lessons[0].pk, "block": 3, "answers": [1]}),
        event("lesson_complete", {"lesson": lessons[0].pk}, user=987654),
        event("lesson_complete", {"lesson": lessons[0].pk, "x": "y" * 20_000}),
    ]
    response = send(trainee_client, [*bad, good])
    assert response.status_code == 200
    results = response.json()["results"]
    # Not an event (not recorded): "error"; an event that cannot be applied is
    # recorded as "rejected", so that a resent copy gets the same answer.
    assert [r["status"] for r in results[:-1]] == [
        *["error"] * 3,
        *["rejected"] * 4,
        "error",
        *["rejected"] * 3,
        *["error"] * 2,
    ]
    assert all(r["message"] for r in results[:-1])
    assert results[-1]["status"] == "applied"
    assert LessonProgress.objects.filter(user=trainee).count() == 1


@pytest.mark.parametrize(
    "body",
    [b"", b"{", b"[]", b'{"events": 3}', "\udcff".encode("utf-8", "surrogatepass")],
)
def test_unreadable_body_is_a_400(trainee_client, body):
    response = trainee_client.post(SYNC, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]


def test_too_many_events_or_bytes(trainee_client, lessons):
    many = [event("lesson_complete", {"lesson": 1})] * (MAX_EVENTS + 1)
    assert send(trainee_client, many).status_code == 413
    huge = json.dumps({"events": [], "pad": "x" * 600_000})
    response = trainee_client.post(SYNC, huge, content_type="application/json")
    assert response.status_code == 413
    assert SyncEvent.objects.count() == 0


def test_anonymous_gets_401_and_get_is_refused(client, lessons):
    response = send(client, [event("lesson_complete", {"lesson": lessons[0].pk})])
    assert response.status_code == 401
    assert client.get(SYNC).status_code == 405
    assert SyncEvent.objects.count() == 0


def test_csrf_is_required(trainee, lessons):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(trainee)
    response = send(client, [event("lesson_complete", {"lesson": lessons[0].pk})])
    assert response.status_code == 403
    assert LessonProgress.objects.count() == 0


def test_another_users_attempt_is_refused(client, trainee, check_lesson):
    lesson, quiz = check_lesson
    client.force_login(trainee)
    attempt, good = open_attempt(client, trainee, lesson, quiz)
    intruder = user_with_role("intrus@example.org", "Trainee")
    client.force_login(intruder)
    answer = event(
        "knowledge_check", {"attempt": attempt.pk, "answers": {"q1": [good]}}
    )
    result = send(client, [answer]).json()["results"][0]
    assert result["code"] == "forbidden"
    attempt.refresh_from_db()
    assert not attempt.is_submitted
    # Its UUID is now taken by the intruder's rejected event: the owner's copy
    # is refused, never answered with the intruder's record.
    client.force_login(trainee)
    assert send(client, [answer]).json()["results"][0]["code"] == "conflict"


def test_timed_quiz_is_not_available_offline(trainee_client, trainee, check_lesson):
    lesson, quiz = check_lesson
    attempt, good = open_attempt(trainee_client, trainee, lesson, quiz)
    quiz.time_limit_minutes = 20
    quiz.save()
    answer = event(
        "knowledge_check", {"attempt": attempt.pk, "answers": {"q1": [good]}}
    )
    assert send(trainee_client, [answer]).json()["results"][0]["code"] == "not_offline"


def test_downloading_a_lesson_does_not_move_the_bookmark(
    trainee_client, trainee, course, lessons
):
    trainee_client.post(reverse("courses:enrol", args=[course.pk]))
    trainee_client.get(lessons[0].url)
    trainee_client.get(lessons[2].url, HTTP_X_KALANSO_OFFLINE="download")
    assert Enrolment.objects.get(user=trainee).last_lesson_id == lessons[0].pk
