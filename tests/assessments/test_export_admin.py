"""Exporting questions from the admin: a form when nothing is chosen, a
category with or without its subcategories, questions Aiken cannot carry named
in words in the reader's language, type labels in the import preview."""

from django.urls import reverse

import pytest

from assessments import factories
from assessments.importing import parse

pytestmark = pytest.mark.django_db

URL = reverse("assessments_export_questions")


@pytest.fixture
def tree(db):
    course = factories.category("Cours A")
    module = factories.category("Module 1", parent=course)
    top_question = factories.single_choice(
        text="<p>Question du cours</p>", name="Du cours", cat=course
    )
    module_question = factories.question(
        "truefalse",
        "<p>Gao est au Mali.</p>",
        name="Gao au Mali",
        cat=module,
    )
    return course, module, top_question, module_question


def test_export_without_parameters_is_a_form(editor_client, tree):
    response = editor_client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "data-export-form" in html
    assert 'name="category"' in html and 'name="quiz"' in html
    assert 'name="subcategories"' in html
    assert "Cours A / Module 1" in html  # categories by their path


def test_export_a_category_with_or_without_subcategories(editor_client, tree):
    course, _module, _top, _sub = tree
    alone = editor_client.get(URL, {"category": course.pk, "format": "gift"})
    assert alone.status_code == 200
    assert [q.name for q in parse(alone.content.decode(), "gift")] == ["Du cours"]

    whole = editor_client.get(
        URL, {"category": course.pk, "subcategories": "on", "format": "gift"}
    )
    assert whole.status_code == 200
    questions = parse(whole.content.decode(), "gift")
    assert [(q.name, q.category) for q in questions] == [
        ("Du cours", "$course$/top/Cours A"),
        ("Gao au Mali", "$course$/top/Cours A/Module 1"),
    ]


def test_aiken_names_the_questions_it_cannot_carry_in_words(editor_client, tree):
    course = tree[0]
    response = editor_client.get(
        URL,
        {"category": course.pk, "subcategories": "on", "format": "aiken"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "data-export-errors" in html
    assert "Gao au Mali" in html  # the question, by its name
    assert "Vrai / faux" in html  # its type, in French
    assert "Aiken ne connaît que les questions à choix unique" in html
    assert "truefalse" not in html
    assert "Du cours" not in html.split("data-export-errors")[1]  # it fits Aiken


def test_choosing_both_or_neither_is_a_form_error(editor_client, tree):
    response = editor_client.get(URL, {"category": "", "quiz": ""})
    assert response.status_code == 400
    assert "data-export-form" in response.content.decode()


def test_import_preview_shows_type_labels(editor_client):
    category = factories.category("Importées")
    response = editor_client.post(
        reverse("assessments_import_questions"),
        {
            "text": "::A:: Gao est au Mali {T}\n\n::B:: Capitale ? {=Bamako ~Mopti}",
            "format": "gift",
            "category": category.pk,
            "language": "fr",
        },
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 200
    preview = response.content.decode().split("data-import-preview")[1]
    assert "Vrai / faux" in preview and "Choix unique" in preview
    assert "truefalse" not in preview and ">single<" not in preview
