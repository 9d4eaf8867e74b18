"""The question bank in the Wagtail admin: search (text, name, category,
topic) and listing filters (type, category, language, topic). The same tests
run on PostgreSQL with DATABASE_URL."""

from django.urls import reverse

import pytest

from assessments import factories
from assessments.models import Question

URL = "/admin/snippets/assessments/question/"


@pytest.fixture
def bank(db):
    ethics = factories.category("Éthique")
    context = factories.category("Analyse du contexte")
    sensitive = factories.single_choice(
        text="<p>Une information sensible circule au marché…</p>",
        name="Rumeur",
        cat=context,
    )
    named = factories.question(
        "truefalse",
        "<p>Le conflit a une seule cause.</p>",
        name="Causes multiples",
        cat=context,
        language="en",
    )
    in_ethics = factories.single_choice(
        text="<p>Qui décide ?</p>", name="Décision", cat=ethics
    )
    in_ethics.tags.add("ne pas nuire", "neutralité")
    in_ethics.save()
    return {
        "sensitive": sensitive,
        "named": named,
        "ethics": in_ethics,
        "cats": (ethics, context),
    }


def listed(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return list(response.context["object_list"])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sensible", "sensitive"),  # text
        ("Causes multiples", "named"),  # name
        ("Éthique", "ethics"),  # category
        ("nuire", "ethics"),  # topic (tag)
    ],
)
def test_search_by_text_name_category_and_topic(admin_client, bank, query, expected):
    assert listed(admin_client, q=query) == [bank[expected]]


def test_a_question_with_two_matching_topics_is_listed_once(admin_client, bank):
    assert listed(admin_client, q="n").count(bank["ethics"]) == 1


def test_editor_can_search_the_bank(editor_client, bank):
    assert listed(editor_client, q="sensible") == [bank["sensitive"]]


def test_filters_type_category_language_and_topic(admin_client, bank):
    ethics, context = bank["cats"]
    assert set(listed(admin_client, type="truefalse")) == {bank["named"]}
    assert set(listed(admin_client, category=context.pk)) == {
        bank["sensitive"],
        bank["named"],
    }
    assert set(listed(admin_client, language="en")) == {bank["named"]}
    tag = bank["ethics"].tags.get(name="neutralité")
    assert listed(admin_client, tag=tag.pk) == [bank["ethics"]]
    # Filters and search together.
    assert listed(admin_client, q="Rumeur", category=ethics.pk) == []


def test_listing_shows_the_topic_filter(admin_client, bank):
    html = admin_client.get(URL).content.decode()
    assert 'name="tag"' in html
    assert "neutralité" in html
    assert Question.objects.count() == 3
    assert reverse("wagtailsnippets_assessments_question:list") == URL
