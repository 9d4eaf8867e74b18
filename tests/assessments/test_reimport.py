"""Re-importing a file does not fill the bank with copies, and a random draw
never shows the same question twice, even when the bank holds copies."""

import random

from django.urls import reverse

import pytest

from assessments import factories
from assessments.importing import NEW_VERSION, import_questions, parse
from assessments.models import Question, Quiz, QuizSlot
from assessments.services import attempt_start, draw_questions

pytestmark = pytest.mark.django_db

SOURCE = """\
$CATEGORY: Cours A/Module 1

::Gao:: Gao est au Mali {T}

::Capitale:: La capitale du Mali ? {=Bamako ~Mopti ~Kayes}
"""


def post(client, **data):
    return client.post(reverse("assessments_import_questions"), data)


def form(category, **extra):
    return {
        "text": SOURCE,
        "format": "gift",
        "category": category.pk,
        "language": "fr",
        **extra,
    }


def test_reimporting_the_same_file_skips_by_default_and_the_preview_says_so(
    editor_client,
):
    default = factories.category("Importées")
    assert post(editor_client, **form(default, confirm="1")).status_code == 302
    assert Question.objects.count() == 2

    preview = post(editor_client, **form(default), HTTP_ACCEPT_LANGUAGE="fr")
    assert preview.status_code == 200
    html = preview.content.decode()
    assert html.count("data-duplicate") == 2
    assert "data-import-duplicates" in html
    # Skip is the choice already made.
    assert 'value="skip" checked' in html
    assert 'value="new_version" checked' not in html

    response = post(editor_client, **form(default, confirm="1"))
    assert response.status_code == 302
    assert Question.objects.count() == 2


def test_a_changed_question_is_not_a_duplicate(editor_client):
    default = factories.category("Importées")
    post(editor_client, **form(default, confirm="1"))
    changed = SOURCE.replace("~Kayes", "~Ségou")
    preview = post(editor_client, **{**form(default), "text": changed})
    assert preview.content.decode().count("data-duplicate") == 1
    post(editor_client, **{**form(default, confirm="1"), "text": changed})
    assert Question.objects.filter(name="Capitale").count() == 2
    assert Question.objects.filter(name="Gao").count() == 1


def test_same_question_in_another_category_is_not_a_duplicate(db):
    default = factories.category("Importées")
    import_questions(parse(SOURCE, "gift"), default_category=default, language="fr")
    elsewhere = SOURCE.replace("Cours A/Module 1", "Cours B/Module 1")
    result = import_questions(
        parse(elsewhere, "gift"), default_category=default, language="fr"
    )
    assert len(result.created) == 2 and result.skipped == []


def test_new_version_keeps_one_question_and_bumps_its_version(editor_client, editor):
    default = factories.category("Importées")
    post(editor_client, **form(default, confirm="1"))
    gao = Question.objects.get(name="Gao")
    assert gao.version == 1
    response = post(editor_client, **form(default, confirm="1", duplicates=NEW_VERSION))
    assert response.status_code == 302
    assert Question.objects.count() == 2
    gao.refresh_from_db()
    assert gao.version == 2
    assert gao.latest_revision is not None
    assert gao.latest_revision.user == editor


def copies(category, count):
    """`count` copies of the same question (as imported again and again
    before duplicates were detected), with different names."""
    return [
        factories.single_choice(
            text="<p>Le marché partagé est…</p>", name=f"copie {n}", cat=category
        )
        for n in range(count)
    ]


def test_random_draw_never_shows_the_same_question_twice(trainee):
    category = factories.category("Banque avec copies")
    copies(category, 4)
    others = [
        factories.single_choice(text=f"<p>Autre question {n}</p>", cat=category)
        for n in range(3)
    ]
    quiz = Quiz.objects.create(title="Tirage")
    QuizSlot.objects.create(
        quiz=quiz, random_category=category, random_count=4, sort_order=0
    )
    for seed in range(25):
        drawn = draw_questions(quiz, random.Random(seed))
        texts = [q.text for q in drawn]
        assert len(texts) == len(set(texts)) == 4, seed
        assert set(others) <= set(drawn) or len(drawn) == 4
    attempt = attempt_start(quiz=quiz, user=trainee, seed=3)
    shown = [row.snapshot["text"] for row in attempt.questions.all()]
    assert len(shown) == len(set(shown)) == 4


def test_a_random_draw_does_not_repeat_a_fixed_question(db):
    category = factories.category("Banque avec copies")
    fixed, *_ = copies(category, 3)
    quiz = Quiz.objects.create(title="Tirage")
    QuizSlot.objects.create(quiz=quiz, question=fixed, sort_order=0)
    QuizSlot.objects.create(
        quiz=quiz, random_category=category, random_count=2, sort_order=1
    )
    for seed in range(10):
        assert draw_questions(quiz, random.Random(seed)) == [fixed]
