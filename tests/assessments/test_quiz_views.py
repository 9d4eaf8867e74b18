"""Taking a quiz in the browser's plain HTML forms: no JavaScript, answers saved
at every step, scoring on the server, keys hidden until the policy allows."""

from decimal import Decimal

from django.urls import reverse

import pytest

from assessments import factories
from assessments.models import Attempt

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(db):
    questions = [
        factories.question(
            "single",
            "<p>Le marché partagé est…</p>",
            [
                {
                    "text": "un connecteur",
                    "fraction": Decimal(1),
                    "feedback": "SECRET-FEEDBACK-1",
                },
                {
                    "text": "un diviseur",
                    "fraction": Decimal(0),
                    "feedback": "SECRET-FEEDBACK-2",
                },
            ],
            general_feedback="<p>SECRET-EXPLANATION</p>",
        ),
        factories.question(
            "multiple",
            "<p>Lesquels sont des connecteurs ?</p>",
            [
                {"text": "Les mariages entre familles", "fraction": Decimal("0.5")},
                {"text": "Le puits partagé", "fraction": Decimal("0.5")},
                {"text": "Les rumeurs", "fraction": Decimal("-1")},
            ],
        ),
        factories.question(
            "truefalse",
            "<p>Ne pas nuire est facultatif.</p>",
            correct_answer_true=False,
        ),
        factories.question(
            "numerical",
            "<p>Combien de régions compte le Mali (hors district) ?</p>",
            [{"number": Decimal(10), "tolerance": Decimal(0), "fraction": Decimal(1)}],
        ),
        factories.question(
            "matching",
            "<p>Associez.</p>",
            [
                {"text": "Mopti", "match": "Delta intérieur"},
                {"text": "Tombouctou", "match": "Manuscrits"},
            ],
        ),
        factories.question(
            "ordering",
            "<p>Ordonnez les étapes.</p>",
            [
                {"text": "Analyser le contexte"},
                {"text": "Analyser l'intervention"},
                {"text": "Agir"},
            ],
        ),
        factories.question(
            "short",
            "<p>Ville des patrouilles mixtes ?</p>",
            [{"text": "Gao", "fraction": Decimal(1)}],
        ),
    ]
    return factories.quiz_with(
        questions, title="Pré-test", kind="pre", pass_mark=Decimal(50)
    )


def start(client, quiz):
    response = client.post(reverse("assessments:start", args=[quiz.pk]))
    assert response.status_code == 302
    return Attempt.objects.get(quiz=quiz, state="in_progress")


def right_answers(attempt):
    data = {}
    for row in attempt.questions.all():
        snap, p = row.snapshot, row.position
        if snap["type"] == "single":
            data[f"q{p}"] = next(
                c["id"] for c in snap["choices"] if Decimal(c["fraction"]) == 1
            )
        elif snap["type"] == "multiple":
            data[f"q{p}"] = [
                c["id"] for c in snap["choices"] if Decimal(c["fraction"]) > 0
            ]
        elif snap["type"] == "truefalse":
            data[f"q{p}"] = "true" if snap["correct"] else "false"
        elif snap["type"] == "numerical":
            data[f"q{p}"] = "10"
        elif snap["type"] == "short":
            data[f"q{p}"] = "GAO"
        elif snap["type"] == "matching":
            for pair in snap["pairs"]:
                data[f"q{p}-{pair['id']}"] = pair["answer"]
        elif snap["type"] == "ordering":
            for place, item in enumerate(snap["items"], start=1):
                data[f"q{p}-{item['id']}"] = str(place)
    return data


def test_no_answer_key_in_the_html_of_an_open_attempt(trainee_client, quiz):
    attempt = start(trainee_client, quiz)
    html = trainee_client.get(
        reverse("assessments:attempt", args=[attempt.pk])
    ).content.decode()
    assert "Le marché partagé" in html
    for secret in (
        "SECRET-FEEDBACK",
        "SECRET-EXPLANATION",
        "fraction",
        'Delta intérieur" selected',
    ):
        assert secret not in html
    # Ordering items are not shown in the right order's numbering, matching
    # options are a shuffled list, and nothing says which is right.
    assert 'value="1.00000"' not in html


def test_take_quiz_save_then_submit_and_review(trainee_client, trainee, quiz):
    attempt = start(trainee_client, quiz)
    url = reverse("assessments:attempt", args=[attempt.pk])
    data = right_answers(attempt)
    response = trainee_client.post(url, {**data, "action": "save"})
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.questions.filter(response__isnull=False).count() == 7
    # Reloading shows the saved answers (a lost connection loses nothing).
    html = trainee_client.get(url).content.decode()
    assert 'value="GAO"' in html
    response = trainee_client.post(url, {**data, "action": "submit"})
    assert response["Location"].startswith(
        reverse("assessments:review", args=[attempt.pk])
    )
    attempt.refresh_from_db()
    assert attempt.percent == 100 and attempt.passed
    html = trainee_client.get(response["Location"]).content.decode()
    assert "SECRET-FEEDBACK-1" in html and "SECRET-EXPLANATION" in html
    # Submitting again changes nothing.
    trainee_client.post(url, {**data, "action": "submit"})
    assert Attempt.objects.filter(user=trainee).count() == 1


def test_one_question_per_page_without_javascript(trainee_client, quiz):
    quiz.one_question_per_page = True
    quiz.save()
    attempt = start(trainee_client, quiz)
    url = reverse("assessments:attempt", args=[attempt.pk])
    data = right_answers(attempt)
    for page in range(1, 8):
        html = trainee_client.get(f"{url}?page={page}").content.decode()
        assert f"question-{page}" in html and f"question-{page + 1}" not in html
        fields = {
            k: v
            for k, v in data.items()
            if k == f"q{page}" or k.startswith(f"q{page}-")
        }
        action = "submit" if page == 7 else "next"
        response = trainee_client.post(url, {**fields, "page": page, "action": action})
        assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.is_submitted and attempt.percent == 100


def test_wrong_and_partial_answers(trainee_client, quiz):
    attempt = start(trainee_client, quiz)
    data = right_answers(attempt)
    multiple = next(
        r for r in attempt.questions.all() if r.snapshot["type"] == "multiple"
    )
    half = next(
        c["id"]
        for c in multiple.snapshot["choices"]
        if Decimal(c["fraction"]) == Decimal("0.5")
    )
    data[f"q{multiple.position}"] = [half]
    short = next(r for r in attempt.questions.all() if r.snapshot["type"] == "short")
    data[f"q{short.position}"] = "Mopti"
    trainee_client.post(
        reverse("assessments:attempt", args=[attempt.pk]), {**data, "action": "submit"}
    )
    attempt.refresh_from_db()
    assert attempt.score == Decimal("5.5")


def test_other_people_cannot_see_an_attempt(client, trainee_client, quiz, editor):
    attempt = start(trainee_client, quiz)
    client.force_login(editor)
    assert (
        client.get(reverse("assessments:attempt", args=[attempt.pk])).status_code == 403
    )
    assert (
        client.get(reverse("assessments:review", args=[attempt.pk])).status_code == 403
    )


def test_anonymous_is_sent_to_login(client, quiz):
    response = client.get(reverse("assessments:quiz", args=[quiz.pk]))
    assert response.status_code == 302 and "login" in response["Location"]
    assert client.post(reverse("assessments:start", args=[quiz.pk])).status_code == 302
    assert not Attempt.objects.exists()


def test_garbage_answers_never_500(trainee_client, quiz):
    from tests.corpora import naughty_strings

    attempt = start(trainee_client, quiz)
    url = reverse("assessments:attempt", args=[attempt.pk])
    keys = list(right_answers(attempt))
    for value in naughty_strings()[::4]:
        response = trainee_client.post(
            url, {**dict.fromkeys(keys, value), "action": "save", "page": value}
        )
        assert response.status_code in (200, 302), value
