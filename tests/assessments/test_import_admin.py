"""Importing GIFT/Aiken through the Wagtail admin: preview, all-or-nothing,
line-numbered errors; exporting back."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from assessments import factories
from assessments.importing import parse
from assessments.models import Question
from tests import corpora

pytestmark = pytest.mark.django_db


@pytest.fixture
def category(db):
    return factories.category("Importées")


def post(client, **data):
    return client.post(reverse("assessments_import_questions"), data)


def test_preview_then_import_the_moodle_examples(client, editor, category):
    client.force_login(editor)
    upload = SimpleUploadedFile(
        "examples.gift.txt", corpora.gift_examples().encode("utf-8")
    )
    response = post(
        client, file=upload, format="gift", category=category.pk, language="en"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "data-import-preview" in html
    assert Question.objects.count() == 0  # a preview writes nothing
    response = post(
        client,
        text=corpora.gift_examples(),
        format="gift",
        category=category.pk,
        language="en",
        confirm="1",
    )
    assert response.status_code == 302
    assert Question.objects.count() == 43
    types = {
        t: Question.objects.filter(type=t).count()
        for t in ("single", "multiple", "truefalse", "short", "numerical", "matching")
    }
    assert types == {
        "single": 16,
        "multiple": 2,
        "truefalse": 5,
        "short": 9,
        "numerical": 8,
        "matching": 3,
    }


def test_import_export_reimport_gives_the_same_questions(client, editor, category):
    client.force_login(editor)
    post(
        client,
        text=corpora.gift_examples(),
        format="gift",
        category=category.pk,
        language="en",
        confirm="1",
    )
    categories = set(Question.objects.values_list("category_id", flat=True))
    exported = ""
    for category_id in sorted(categories):
        response = client.get(
            reverse("assessments_export_questions"),
            {"category": category_id, "format": "gift"},
        )
        assert response.status_code == 200
        exported += response.content.decode() + "\n\n"
    again = parse(exported, "gift")
    assert len(again) == 43
    original = {(q.name, q.type) for q in Question.objects.all()}
    assert {(q.name, q.type) for q in again} == original


def test_bad_file_imports_nothing_and_names_the_line(client, editor, category):
    client.force_login(editor)
    text = "::ok:: Gao est au Mali {T}\n\n::bad:: Question sans fin {=a ~b\n"
    response = post(
        client,
        text=text,
        format="gift",
        category=category.pk,
        language="fr",
        confirm="1",
    )
    assert response.status_code == 400
    assert "data-import-errors" in response.content.decode()
    assert "<td>3</td>" in response.content.decode()
    assert Question.objects.count() == 0


def test_binary_and_non_utf8_files_are_refused(client, editor, category):
    client.force_login(editor)
    upload = SimpleUploadedFile("x.gift", b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe garbage")
    response = post(
        client,
        file=upload,
        format="gift",
        category=category.pk,
        language="fr",
        confirm="1",
    )
    assert response.status_code in (200, 400)
    assert Question.objects.count() == 0


def test_aiken_import(client, editor, category):
    client.force_login(editor)
    text = (
        "Quelle ville accueille les patrouilles mixtes ?\nA. Gao\nB. Kayes\nANSWER: A\n"
    )
    response = post(
        client,
        text=text,
        format="aiken",
        category=category.pk,
        language="fr",
        confirm="1",
    )
    assert response.status_code == 302
    question = Question.objects.get()
    assert question.type == "single"
    assert question.answers.get(fraction=1).text == "Gao"


def test_trainee_cannot_import(client, trainee, category):
    client.force_login(trainee)
    response = post(
        client,
        text="Q {T}",
        format="gift",
        category=category.pk,
        language="fr",
        confirm="1",
    )
    assert response.status_code in (302, 403)
    assert Question.objects.count() == 0
