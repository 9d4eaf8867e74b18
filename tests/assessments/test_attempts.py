"""Attempts: frozen questions, limits enforced on the server, idempotent
start and submit, and answer keys that never reach an open attempt's page."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

import pytest

from assessments import factories
from assessments.models import Attempt, AttemptQuestion, Question
from assessments.services import (
    AttemptError,
    attempt_save_answers,
    attempt_start,
    attempt_submit,
    close_overdue_attempts,
    feedback_visible,
)
from courses.factories import user_with_role
from tests.races import same

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(db):
    questions = [
        factories.single_choice(),
        factories.question(
            "truefalse",
            "<p>Ne pas nuire est facultatif.</p>",
            correct_answer_true=False,
        ),
        factories.question(
            "short",
            "<p>Quelle ville est au bord du fleuve Niger, au nord ?</p>",
            [
                {"text": "Tombouctou", "fraction": Decimal(1)},
                {"text": "Gao", "fraction": Decimal(1)},
            ],
        ),
    ]
    return factories.quiz_with(questions, pass_mark=Decimal(60))


def answer_key(attempt):
    responses = {}
    for row in attempt.questions.all():
        snap = row.snapshot
        if snap["type"] == "single":
            right = next(c for c in snap["choices"] if Decimal(c["fraction"]) == 1)
            responses[row.position] = {"choice": right["id"]}
        elif snap["type"] == "truefalse":
            responses[row.position] = {"value": snap["correct"]}
        elif snap["type"] == "short":
            responses[row.position] = {"text": "gao"}
    return responses


def test_start_is_idempotent_and_freezes_questions(quiz, trainee):
    first = attempt_start(quiz=quiz, user=trainee)
    again = attempt_start(quiz=quiz, user=trainee)
    assert first.pk == again.pk
    assert first.questions.count() == 3
    assert first.max_score == 3
    # Editing the bank does not change the attempt.
    question = Question.objects.get(type="single")
    answer = question.answers.get(fraction=1)
    answer.text = "changé"
    answer.save()
    question.save()
    snapshot = first.questions.get(question=question).snapshot
    assert "changé" not in [c["text"] for c in snapshot["choices"]]
    assert question.version == 2


def test_full_marks_and_pass(quiz, trainee):
    attempt = attempt_start(quiz=quiz, user=trainee)
    attempt_save_answers(attempt=attempt, responses=answer_key(attempt))
    result = attempt_submit(attempt=attempt)
    assert result.score == 3 and result.percent == 100 and result.passed


def test_submit_twice_returns_same_result(quiz, trainee):
    attempt = attempt_start(quiz=quiz, user=trainee)
    responses = answer_key(attempt)
    first_position = min(responses)
    attempt_save_answers(
        attempt=attempt, responses={first_position: responses[first_position]}
    )
    first = attempt_submit(attempt=attempt)
    second = attempt_submit(attempt=attempt)
    assert first.score == second.score == 1
    assert not first.passed
    with pytest.raises(AttemptError):
        attempt_save_answers(attempt=attempt, responses=responses)
    assert Attempt.objects.get(pk=attempt.pk).score == 1


def test_attempt_limit(quiz, trainee):
    quiz.attempts_allowed = 2
    quiz.save()
    for _ in range(2):
        attempt_submit(attempt=attempt_start(quiz=quiz, user=trainee))
    with pytest.raises(AttemptError):
        attempt_start(quiz=quiz, user=trainee)
    assert Attempt.objects.filter(user=trainee).count() == 2


def test_time_limit_enforced_on_the_server(quiz, trainee):
    quiz.time_limit_minutes = 10
    quiz.save()
    start = timezone.now()
    attempt = attempt_start(quiz=quiz, user=trainee, now=start)
    responses = answer_key(attempt)
    positions = sorted(responses)
    attempt_save_answers(
        attempt=attempt,
        responses={positions[0]: responses[positions[0]]},
        now=start + timedelta(minutes=9),
    )
    with pytest.raises(AttemptError):
        attempt_save_answers(
            attempt=attempt, responses=responses, now=start + timedelta(minutes=12)
        )
    result = attempt_submit(attempt=attempt, now=start + timedelta(minutes=30))
    assert result.score == 1  # only what was saved in time
    assert result.submitted_at <= attempt.deadline + timedelta(seconds=30)


def test_overdue_attempts_are_closed(quiz, trainee):
    quiz.time_limit_minutes = 5
    quiz.save()
    start = timezone.now() - timedelta(minutes=20)
    attempt_start(quiz=quiz, user=trainee, now=start)
    assert close_overdue_attempts() == 1
    assert Attempt.objects.get(user=trainee).is_submitted


def test_closed_quiz_cannot_start(quiz, trainee):
    quiz.closes_at = timezone.now() - timedelta(days=1)
    quiz.save()
    with pytest.raises(AttemptError):
        attempt_start(quiz=quiz, user=trainee)


def test_random_draw_from_category(trainee):
    cat = factories.category("Banque tirée au sort")
    for i in range(6):
        factories.single_choice(text=f"<p>Question {i}</p>", cat=cat)
    quiz = factories.quiz_with([], title="Aléatoire")
    quiz.slots.create(random_category=cat, random_count=4, sort_order=0)
    attempt = attempt_start(quiz=quiz, user=trainee, seed=1)
    drawn = list(attempt.questions.values_list("question_id", flat=True))
    assert len(drawn) == 4 == len(set(drawn))
    assert set(drawn) <= set(cat.questions.values_list("pk", flat=True))


def test_feedback_policy(quiz, trainee):
    attempt = attempt_start(quiz=quiz, user=trainee)
    assert not feedback_visible(attempt)
    attempt = attempt_submit(attempt=attempt)
    assert feedback_visible(attempt)
    quiz.feedback_policy = "never"
    quiz.save()
    attempt.quiz.refresh_from_db()
    assert not feedback_visible(attempt)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_double_clicks_and_two_tabs_make_one_attempt_and_one_result():
    quiz = factories.quiz_with([factories.single_choice()])
    user = user_with_role("tabs@example.org", "Trainee")
    started, errors = same(lambda: attempt_start(quiz=quiz, user=user), threads=6)
    assert errors == []
    assert len({attempt.pk for attempt in started}) == 1
    attempt = started[0]
    row = attempt.questions.get()
    right = next(c for c in row.snapshot["choices"] if Decimal(c["fraction"]) == 1)
    attempt_save_answers(attempt=attempt, responses={1: {"choice": right["id"]}})
    submitted, errors = same(lambda: attempt_submit(attempt=attempt), threads=6)
    assert errors == []
    assert {(a.pk, a.score, a.submitted_at) for a in submitted} == {
        (attempt.pk, Decimal("1.000"), submitted[0].submitted_at)
    }
    assert Attempt.objects.filter(user=user).count() == 1
    assert AttemptQuestion.objects.filter(attempt__user=user).count() == 1
