"""What a trainee reads about time and numbers: the time left in minutes and
seconds with plural forms, the time limit in the singular when it is one
minute, and numerical answers without trailing zeros, in the reader's
language."""

from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone, translation

import pytest

from assessments import factories
from assessments.models import Attempt
from kalanso.display import decimal_text, duration_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def timed_quiz(db):
    question = factories.question(
        "numerical",
        "<p>En quelle année l'accord d'Alger a-t-il été signé ?</p>",
        [{"number": Decimal(2015), "tolerance": Decimal(0), "fraction": Decimal(1)}],
    )
    quiz = factories.quiz_with([question], title="Chronométré", pass_mark=50)
    quiz.time_limit_minutes = 1
    quiz.save()
    return quiz


def url(name, *args, lang="en"):
    with translation.override(lang):
        return reverse(name, args=args)


def start(client, quiz):
    client.post(url("assessments:start", quiz.pk))
    return Attempt.objects.get(quiz=quiz, state="in_progress")


def test_time_limit_of_one_minute_is_singular(trainee_client, timed_quiz):
    html = trainee_client.get(url("assessments:quiz", timed_quiz.pk)).content
    assert "Time limit: 1 minute, counted from the start" in html.decode()
    timed_quiz.time_limit_minutes = 2
    timed_quiz.save()
    html = trainee_client.get(url("assessments:quiz", timed_quiz.pk)).content
    assert "Time limit: 2 minutes, counted from the start" in html.decode()


def test_time_left_in_minutes_and_seconds(trainee_client, timed_quiz):
    attempt = start(trainee_client, timed_quiz)
    page = url("assessments:attempt", attempt.pk)
    html = trainee_client.get(page).content.decode()
    # Right after the start of a one-minute quiz: one minute, never "0".
    assert "Time left: 1 minute." in html
    assert "0 minute" not in html
    attempt.deadline = timezone.now() + timedelta(seconds=90.5)
    attempt.save()
    html = trainee_client.get(page).content.decode()
    assert "Time left: 1 minute 31 seconds." in html
    attempt.deadline = timezone.now() + timedelta(seconds=0.5)
    attempt.save()
    html = trainee_client.get(page).content.decode()
    assert "Time left: 1 second." in html


def test_durations_use_plural_forms():
    with translation.override("en"):
        assert duration_text(0) == "0 seconds"
        assert duration_text(1) == "1 second"
        assert duration_text(59.1) == "1 minute"
        assert duration_text(61) == "1 minute 1 second"
        assert duration_text(125) == "2 minutes 5 seconds"
        assert duration_text(120) == "2 minutes"


def test_numbers_lose_trailing_zeros_and_follow_the_language():
    with translation.override("fr"):
        assert decimal_text("2015.000000") == "2015"
        assert decimal_text(Decimal("2.50")) == "2,5"
        assert decimal_text("0E-6") == "0"
        assert decimal_text("abc") == "abc"
    with translation.override("en"):
        assert decimal_text("2.500000") == "2.5"


@pytest.mark.parametrize(("lang", "expected"), [("en", "2015 ± 0"), ("fr", "2015 ± 0")])
def test_numerical_review_without_trailing_zeros(
    trainee_client, timed_quiz, lang, expected
):
    attempt = start(trainee_client, timed_quiz)
    trainee_client.post(
        url("assessments:attempt", attempt.pk, lang=lang),
        {"q1": "2015", "action": "submit"},
    )
    html = trainee_client.get(url("assessments:review", attempt.pk, lang=lang))
    html = html.content.decode()
    assert expected in html
    assert "2015.000000" not in html and "2015,000000" not in html


def test_numerical_review_decimal_mark_in_french(trainee_client):
    question = factories.question(
        "numerical",
        "<p>Taux ?</p>",
        [{"number": Decimal("2.5"), "tolerance": Decimal("0.1"), "fraction": 1}],
    )
    quiz = factories.quiz_with([question], title="Taux", pass_mark=50)
    attempt = start(trainee_client, quiz)
    trainee_client.post(
        url("assessments:attempt", attempt.pk, lang="fr"),
        {"q1": "2,5", "action": "submit"},
    )
    html = trainee_client.get(url("assessments:review", attempt.pk, lang="fr"))
    assert "2,5 ± 0,1" in html.content.decode()
