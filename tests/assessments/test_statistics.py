"""Quiz statistics (Moodle-like) computed in the database: a hand-computed
data set checked number by number, and a fixed number of queries whatever the
number of attempts."""

import math
import statistics as pystats
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

import pytest

from assessments import factories
from assessments.models import Attempt
from assessments.services import attempt_save_answers, attempt_start, attempt_submit
from assessments.statistics import (
    QUERIES,
    ChoiceFrequency,
    answer_frequencies,
    pearson,
    question_statistics,
    quiz_summary,
)
from courses.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(db):
    single = factories.question(
        "single",
        "<p>Le marché partagé est…</p>",
        [
            {"text": "un connecteur", "fraction": Decimal(1)},
            {"text": "un diviseur", "fraction": Decimal(0)},
            {"text": "ni l'un ni l'autre", "fraction": Decimal(0)},
        ],
    )
    multiple = factories.question(
        "multiple",
        "<p>Lesquels sont des connecteurs ?</p>",
        [
            {"text": "Les mariages", "fraction": Decimal("0.5")},
            {"text": "Le puits partagé", "fraction": Decimal("0.5")},
            {"text": "Les rumeurs", "fraction": Decimal(-1)},
        ],
    )
    truefalse = factories.question(
        "truefalse", "<p>Ne pas nuire est facultatif.</p>", correct_answer_true=False
    )
    # Answers are shuffled in every attempt: statistics must not depend on it.
    return factories.quiz_with(
        [single, multiple, truefalse], pass_mark=Decimal(60), shuffle_answers=True
    )


def take(quiz, user, single=None, multiple=None, truefalse=None, seed=None):
    """Answer by option text (None: leave the question blank) and submit."""
    attempt = attempt_start(quiz=quiz, user=user, seed=seed)
    responses = {}
    for row in attempt.questions.all():
        snap = row.snapshot
        ids = {c["text"]: c["id"] for c in snap.get("choices", [])}
        if snap["type"] == "single" and single is not None:
            responses[row.position] = {"choice": ids[single]}
        elif snap["type"] == "multiple" and multiple is not None:
            responses[row.position] = {"choices": [ids[t] for t in multiple]}
        elif snap["type"] == "truefalse" and truefalse is not None:
            responses[row.position] = {"value": truefalse}
    attempt_save_answers(attempt=attempt, responses=responses)
    return attempt_submit(attempt=attempt)


# Six trainees, answers and the marks they earn (single, multiple, true/false):
#   t1: connecteur (1), mariages+puits (1),   False (1)  -> 3   = 100 %
#   t2: connecteur (1), mariages (0.5),       False (1)  -> 2.5 = 83.33 %
#   t3: connecteur (1), mariages+rumeurs (0), True (0)   -> 1   = 33.33 %
#   t4: diviseur (0),   mariages+puits (1),   False (1)  -> 2   = 66.67 %
#   t5: ni l'un… (0),   no answer (0),        True (0)   -> 0   = 0 %
#   t6: connecteur (1), puits (0.5),          no answer  -> 1.5 = 50 %
ANSWERS = [
    ("un connecteur", ["Les mariages", "Le puits partagé"], False),
    ("un connecteur", ["Les mariages"], False),
    ("un connecteur", ["Les mariages", "Les rumeurs"], True),
    ("un diviseur", ["Les mariages", "Le puits partagé"], False),
    ("ni l'un ni l'autre", None, True),
    ("un connecteur", ["Le puits partagé"], None),
]
MARKS = [  # per trainee: (single, multiple, truefalse)
    (1, 1, 1),
    (1, 0.5, 1),
    (1, 0, 0),
    (0, 1, 1),
    (0, 0, 0),
    (1, 0.5, 0),
]
PERCENTS = [100, 83.33, 33.33, 66.67, 0, 50]


@pytest.fixture
def trainees(db):
    return [user_with_role(f"t{i}@example.org", "Trainee") for i in range(1, 7)]


@pytest.fixture
def results(quiz, trainees):
    for seed, (user, (single, multiple, truefalse)) in enumerate(
        zip(trainees, ANSWERS, strict=True)
    ):
        take(quiz, user, single, multiple, truefalse, seed=seed)
    # Not counted: an attempt still in progress, and another quiz's attempt.
    attempt_start(quiz=quiz, user=user_with_role("late@example.org", "Trainee"))
    other = factories.quiz_with([factories.single_choice()], title="Autre")
    take(other, trainees[0], "un connecteur")
    return quiz


def test_hand_computed_data_set_matches_the_attempts(results):
    percents = list(
        Attempt.objects.filter(quiz=results, state="submitted")
        .order_by("user__email")
        .values_list("percent", flat=True)
    )
    assert [float(p) for p in percents] == PERCENTS


def test_quiz_summary(results):
    summary = quiz_summary(quiz=results)
    assert summary["attempts"] == 6
    assert summary["people"] == 6
    assert summary["mean"] == pytest.approx(55.56)  # 333.33 / 6 = 55.555
    assert summary["median"] == pytest.approx(58.34)  # (50 + 66.67) / 2
    assert summary["standard_deviation"] == pytest.approx(
        round(pystats.stdev(PERCENTS), 2)
    )
    assert summary["standard_deviation"] == pytest.approx(36.0, abs=0.01)
    assert summary["lowest"] == 0 and summary["highest"] == 100
    assert summary["passed"] == 3  # 100, 83.33 and 66.67 reach 60 %
    assert summary["pass_rate"] == 50
    counts = [band["count"] for band in summary["distribution"]]
    # 0 → 0–10, 33.33 → 30–40, 50 → 50–60, 66.67 → 60–70, 83.33 → 80–90,
    # 100 → 90–100 (the last band includes 100).
    assert counts == [1, 0, 0, 1, 0, 1, 1, 0, 1, 1]
    assert [(b["low"], b["high"]) for b in summary["distribution"]][-1] == (90, 100)
    assert summary["distribution"][0]["share"] == pytest.approx(16.67)


def test_median_of_an_odd_number_and_of_nothing(quiz, trainees):
    assert quiz_summary(quiz=quiz)["attempts"] == 0
    assert quiz_summary(quiz=quiz)["median"] is None
    assert quiz_summary(quiz=quiz)["mean"] is None
    for user, answers in zip(trainees[:3], ANSWERS[:3], strict=True):
        take(quiz, user, *answers)
    summary = quiz_summary(quiz=quiz)
    assert summary["median"] == pytest.approx(83.33)  # 33.33, 83.33, 100


def rest_of_test(question_index):
    return [sum(marks) - marks[question_index] for marks in MARKS]


def test_question_statistics(results):
    rows = question_statistics(quiz=results)
    assert [row["position"] for row in rows] == [1, 2, 3]
    assert [row["type"] for row in rows] == ["single", "multiple", "truefalse"]
    assert rows[0]["text"] == "Le marché partagé est…"
    assert all(row["attempts"] == 6 for row in rows)
    # Facility: 4 of 6 right; (1 + .5 + 0 + 1 + 0 + .5) / 6; 3 of 6 right.
    assert [row["facility"] for row in rows] == [
        pytest.approx(66.67),
        pytest.approx(50),
        pytest.approx(50),
    ]
    # Discrimination: correlation of the question's fraction with the rest of
    # the test. For the first question, by hand: x = 1 1 1 0 0 1,
    # rest = 2 1.5 0 2 0 0.5; n=6, Σx=4, Σy=6, Σxy=4, Σx²=4, Σy²=10.5;
    # r = (24 − 24) / … = 0: the single-choice question does not discriminate.
    assert rows[0]["discrimination"] == pytest.approx(0)
    for index, row in enumerate(rows):
        x = [marks[index] for marks in MARKS]
        expected = 100 * pystats.correlation(x, rest_of_test(index))
        assert row["discrimination"] == pytest.approx(round(expected, 2))
        expected_sd = 100 * pystats.stdev(x)
        assert row["standard_deviation"] == pytest.approx(round(expected_sd, 2))
    # By hand for the true/false question: x = 1 1 0 1 0 0,
    # rest = 2 1.5 1 1 0 1.5; Σx=3 Σy=7 Σxy=4.5 Σx²=3 Σy²=10.5;
    # r = (27 − 21) / √((18 − 9)(63 − 49)) = 6 / √126 = 0.5345.
    assert rows[2]["discrimination"] == pytest.approx(53.45, abs=0.01)


def test_answer_frequencies(results):
    rows = question_statistics(quiz=results)
    single, multiple, truefalse = (row["question_id"] for row in rows)
    with translation.override("en"):
        frequencies = answer_frequencies(quiz=results)
    assert frequencies[single] == [
        ChoiceFrequency("un connecteur", 4, True),
        ChoiceFrequency("un diviseur", 1, False),
        ChoiceFrequency("ni l'un ni l'autre", 1, False),
    ]
    assert frequencies[multiple] == [
        ChoiceFrequency("Les mariages", 4, True),
        ChoiceFrequency("Le puits partagé", 3, True),
        ChoiceFrequency("Les rumeurs", 1, False),
        ChoiceFrequency("No answer", 1, False),
    ]
    assert frequencies[truefalse] == [
        ChoiceFrequency("True", 2, False),
        ChoiceFrequency("False", 3, True),
        ChoiceFrequency("No answer", 1, False),
    ]


def test_options_never_chosen_are_listed_with_zero(quiz, trainees):
    take(quiz, trainees[0], "un connecteur", ["Les mariages"], False)
    frequencies = answer_frequencies(quiz=quiz)
    single = question_statistics(quiz=quiz)[0]["question_id"]
    assert [(f.text, f.count) for f in frequencies[single]] == [
        ("un connecteur", 1),
        ("un diviseur", 0),
        ("ni l'un ni l'autre", 0),
    ]


def test_first_attempts_only(results, trainees):
    take(results, trainees[0], "un diviseur", None, True)  # t1 again: 0 %
    everything = quiz_summary(quiz=results)
    assert everything["attempts"] == 7 and everything["people"] == 6
    first = quiz_summary(quiz=results, first_only=True)
    assert first["attempts"] == 6 and first["mean"] == pytest.approx(55.56)
    assert question_statistics(quiz=results, first_only=True)[0]["facility"] == (
        pytest.approx(66.67)
    )
    assert question_statistics(quiz=results)[0]["facility"] == pytest.approx(57.14)


def test_deleted_question_keeps_its_statistics(results):
    row = question_statistics(quiz=results)[0]
    results.slots.all().delete()
    from assessments.models import Question

    Question.objects.filter(pk=row["question_id"]).delete()
    again = question_statistics(quiz=results)[0]
    assert again["question_id"] == row["question_id"]
    assert again["facility"] == row["facility"]
    frequencies = answer_frequencies(quiz=results)[row["question_id"]]
    # Without the bank's order, options are listed by text.
    assert frequencies == [
        ChoiceFrequency("ni l'un ni l'autre", 1, False),
        ChoiceFrequency("un connecteur", 4, True),
        ChoiceFrequency("un diviseur", 1, False),
    ]


def test_pearson_without_variance_is_undefined():
    assert pearson(3, 3, 3, 3, 3, 5) is None  # x always 1
    assert pearson(1, 1, 1, 1, 1, 1) is None
    assert math.isclose(pearson(2, 1, 1, 1, 1, 1), 1.0)


def make_attempts(quiz, count, prefix):
    for i in range(count):
        user = user_with_role(f"{prefix}{i}@example.org", "Trainee")
        answers = ANSWERS[i % len(ANSWERS)]
        take(quiz, user, *answers, seed=i)


def queries_for(function, quiz):
    with CaptureQueriesContext(connection) as captured:
        function(quiz=quiz)
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "function", [quiz_summary, question_statistics, answer_frequencies]
)
def test_query_count_does_not_grow_with_attempts(quiz, function):
    make_attempts(quiz, 5, "few")
    few = queries_for(function, quiz)
    make_attempts(quiz, 55, "many")  # 60 attempts in all
    assert Attempt.objects.filter(quiz=quiz, state="submitted").count() == 60
    many = queries_for(function, quiz)
    assert few == many == QUERIES[function.__name__]
