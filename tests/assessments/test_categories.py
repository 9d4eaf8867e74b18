"""Question categories form a tree, as in Moodle: GIFT's `$CATEGORY:` paths
keep every level, Moodle's context prefixes are understood, export writes the
full path and import → export → import gives the same tree."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

import pytest

from assessments import factories
from assessments.gift import category_names, category_path
from assessments.importing import import_questions, parse
from assessments.models import Question, QuestionCategory

pytestmark = pytest.mark.django_db

SOURCE = """\
$CATEGORY: Vérification/Import GIFT

::Gao:: Gao est au Mali {T}

$CATEGORY: $course$/top/Cours A/Module 1

::A1:: Le marché rassemble {T}

$CATEGORY: $system$/Cours B/Module 1

::B1:: La rumeur divise {T}

$CATEGORY: $module$/Cours B/Module 1/Leçon 2

::B12:: Une question de la leçon 2 {F}

$CATEGORY: $course$/top/Outils // méthodes

::Slash:: Un nom avec une barre {T}
"""


@pytest.mark.parametrize(
    ("path", "names"),
    [
        ("Vérification/Import GIFT", ["Vérification", "Import GIFT"]),
        ("$course$/top/Module 1", ["Module 1"]),
        ("$system$/Règles", ["Règles"]),
        ("$module$/top/A / B", ["A", "B"]),
        ("$cat$/A", ["A"]),
        ("Outils // méthodes/Sous", ["Outils / méthodes", "Sous"]),
        ("/A//B/", ["A/B"]),
        ("$course$/top", []),
        ("", []),
    ],
)
def test_category_names(path, names):
    assert category_names(path) == names


def test_category_path_reads_back():
    names = ["Cours A", "Outils / méthodes", "Leçon 2"]
    assert category_path(names) == "$course$/top/Cours A/Outils // méthodes/Leçon 2"
    assert category_names(category_path(names)) == names


def tree():
    """{question name: category path} of the whole bank."""
    return {q.name: q.category.path_names() for q in Question.objects.all()}


def test_import_keeps_the_tree(db):
    default = factories.category("Importées")
    import_questions(parse(SOURCE, "gift"), default_category=default, language="fr")
    assert tree() == {
        "Gao": ["Vérification", "Import GIFT"],
        "A1": ["Cours A", "Module 1"],
        "B1": ["Cours B", "Module 1"],
        "B12": ["Cours B", "Module 1", "Leçon 2"],
        "Slash": ["Outils / méthodes"],
    }
    # Two courses' "Module 1" stay two categories.
    assert QuestionCategory.objects.filter(name="Module 1").count() == 2
    assert str(Question.objects.get(name="B12").category) == (
        "Cours B / Module 1 / Leçon 2"
    )
    # Importing again reuses the same categories.
    before = QuestionCategory.objects.count()
    import_questions(parse(SOURCE, "gift"), default_category=default, language="fr")
    assert QuestionCategory.objects.count() == before


def test_export_writes_the_full_path_and_round_trips(client, editor):
    default = factories.category("Importées")
    import_questions(parse(SOURCE, "gift"), default_category=default, language="fr")
    original = tree()
    client.force_login(editor)
    exported = ""
    for category in QuestionCategory.objects.filter(questions__isnull=False):
        response = client.get(
            reverse("assessments_export_questions"),
            {"category": category.pk, "format": "gift"},
        )
        assert response.status_code == 200
        exported += response.content.decode() + "\n\n"
    assert "$CATEGORY: $course$/top/Cours B/Module 1/Leçon 2" in exported
    assert "$CATEGORY: $course$/top/Outils \\/\\/ méthodes" not in exported
    assert "$CATEGORY: $course$/top/Outils // méthodes" in exported

    Question.objects.all().delete()
    QuestionCategory.objects.exclude(pk=default.pk).filter(children=None).delete()
    while QuestionCategory.objects.exclude(pk=default.pk).exists():
        QuestionCategory.objects.exclude(pk=default.pk).filter(children=None).delete()
    import_questions(parse(exported, "gift"), default_category=default, language="fr")
    assert tree() == original


def test_names_are_unique_within_a_parent_only(db):
    a = factories.category("Cours A")
    b = factories.category("Cours B")
    factories.category("Module 1", parent=a)
    factories.category("Module 1", parent=b)
    with pytest.raises(IntegrityError), transaction.atomic():
        QuestionCategory.objects.create(name="Module 1", parent=a)
    with pytest.raises(IntegrityError), transaction.atomic():
        QuestionCategory.objects.create(name="Cours A")


def test_a_category_cannot_be_moved_inside_itself(db):
    top = factories.category("Cours A")
    child = factories.category("Module 1", parent=top)
    top.parent = child
    with pytest.raises(ValidationError):
        top.full_clean()


def test_admin_lists_categories_with_their_path(admin_client):
    top = factories.category("Cours B")
    factories.category("Module 1", parent=top)
    response = admin_client.get("/admin/snippets/assessments/questioncategory/")
    assert response.status_code == 200
    assert "Cours B / Module 1" in response.content.decode()
