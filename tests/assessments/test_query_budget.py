"""Submitting a 50-question attempt runs a bounded number of queries."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from assessments import factories
from assessments.models import Attempt

pytestmark = pytest.mark.django_db


def build_quiz(count):
    questions = []
    for n in range(count):
        if n % 3 == 0:
            questions.append(factories.single_choice(text=f"<p>Q{n}</p>"))
        elif n % 3 == 1:
            questions.append(
                factories.question(
                    "truefalse", f"<p>Q{n}</p>", correct_answer_true=True
                )
            )
        else:
            questions.append(
                factories.question(
                    "short", f"<p>Q{n}</p>", [{"text": "Gao", "fraction": Decimal(1)}]
                )
            )
    return factories.quiz_with(questions, title=f"Quiz {count}")


def submit_queries(client, quiz):
    client.post(reverse("assessments:start", args=[quiz.pk]))
    attempt = Attempt.objects.get(quiz=quiz)
    data = {"action": "submit"}
    for row in attempt.questions.all():
        kind = row.snapshot["type"]
        if kind == "single":
            # Always the right option: whether the attempt passes must not
            # depend on the shuffled order (a pass runs the course-completion check).
            data[f"q{row.position}"] = next(
                c["id"] for c in row.snapshot["choices"] if Decimal(c["fraction"]) == 1
            )
        elif kind == "truefalse":
            data[f"q{row.position}"] = "true"
        else:
            data[f"q{row.position}"] = "gao"
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(reverse("assessments:attempt", args=[attempt.pk]), data)
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.is_submitted
    return [q["sql"][:90] for q in ctx.captured_queries]


def test_submitting_50_questions_is_bounded(trainee_client):
    submit_queries(
        trainee_client, build_quiz(2)
    )  # process-wide caches, as in a running server
    small = submit_queries(trainee_client, build_quiz(5))
    large = submit_queries(trainee_client, build_quiz(50))
    assert len(large) == len(small), "\n".join(["small:", *small, "large:", *large])
    assert len(large) <= 25


def test_starting_50_questions_is_bounded(trainee_client):
    quiz = build_quiz(50)
    with CaptureQueriesContext(connection) as ctx:
        trainee_client.post(reverse("assessments:start", args=[quiz.pk]))
    assert len(ctx.captured_queries) <= 25
