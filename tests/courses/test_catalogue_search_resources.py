import re

from django.core.management import call_command

import pytest

from courses.models import (
    Audience,
    CourseIndexPage,
    CoursePage,
    ResourceIndexPage,
    ResourcePage,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("seed_demo", "--force", verbosity=0)


def listed(client, url, **params):
    """The titles the catalogue lists, from the page and from its context
    (which must agree)."""
    response = client.get(url, params)
    assert response.status_code == 200
    titles = {course.title for course in response.context["courses"]}
    html = response.content.decode()
    assert all(title in html for title in titles)
    return titles, html


def test_catalogue_filters(client, demo):
    from courses.factories import course_with_lessons

    index = CourseIndexPage.objects.get(locale__language_code="fr")
    trainer_track = CoursePage.objects.get(
        locale__language_code="fr", is_trainer_track=True
    )
    public = CoursePage.objects.get(locale__language_code="fr", is_trainer_track=False)
    youth = Audience.objects.get(code="youth")
    assert youth in public.audiences.all()
    # A course that no filter below lets through: another level, no audience,
    # none of the words searched for.
    other = course_with_lessons(lessons=1, title="Atelier de médiation")
    other.level = next(
        level for level in CoursePage.Level.values if level != public.level
    )
    other.save_revision().publish()
    everything = {public.title, trainer_track.title, other.title}

    titles, _html = listed(client, index.url)
    assert titles == everything

    titles, _html = listed(client, index.url, level=public.level)
    expected = {
        c.title
        for c in CoursePage.objects.live().filter(
            locale__language_code="fr", level=public.level
        )
    }
    assert public.title in titles and other.title not in titles
    assert titles == expected

    titles, _html = listed(client, index.url, audience="youth")
    expected = {
        c.title
        for c in CoursePage.objects.live().filter(
            locale__language_code="fr", audiences=youth
        )
    }
    assert public.title in titles and other.title not in titles
    assert titles == expected

    titles, html = listed(client, index.url, level=public.level, audience="youth")
    assert public.title in titles and other.title not in titles

    word = trainer_track.title.split()[0]
    assert word.lower() not in (public.title + public.summary).lower()
    titles, html = listed(client, index.url, q=word)
    assert titles == {trainer_track.title}
    assert public.title not in html and other.title not in html

    titles, html = listed(client, index.url, language="en")
    assert titles == set()
    assert re.search(r"(?<!\d)0 cours", html)
    assert not any(title in html for title in everything)


def test_catalogue_in_english_lists_english_versions(client, demo):
    index = CourseIndexPage.objects.get(locale__language_code="en")
    html = client.get(index.url).content.decode()
    assert "Conflict sensitivity fundamentals" in html
    assert "les fondamentaux" not in html


def test_catalogue_shows_untranslated_courses(client, demo):
    from courses.factories import course_with_lessons

    only_french = course_with_lessons(lessons=1, title="Cours seulement en français")
    index = CourseIndexPage.objects.get(locale__language_code="en")
    html = client.get(index.url).content.decode()
    assert only_french.title in html
    assert "in French" in html or "en français" in html


def search(client, language, q):
    response = client.get(f"/{language}/search/", {"q": q})
    assert response.status_code == 200
    results = list(response.context["results"])
    assert response.context["results"].paginator.count == len(results)
    assert all(page.locale.language_code == language for page in results)
    return [page.title for page in results], response.content.decode()


def test_search_finds_lessons_in_active_language(client, demo):
    titles, html = search(client, "fr", "connecteurs")
    # The lesson named after the word comes first; other pages mention it.
    assert titles[0] == "Connecteurs et diviseurs"
    assert "Connectors and dividers" not in titles
    assert all(title in html for title in titles)
    titles, _html = search(client, "en", "connectors")
    assert titles[0] == "Connectors and dividers"
    assert "Connecteurs et diviseurs" not in titles
    assert search(client, "fr", "zzzqqq")[0] == []


def test_search_with_apostrophes_and_operators(client, demo):
    # Quotes and apostrophes are words, not syntax: they still find pages.
    titles, _html = search(client, "fr", '"Gao')
    assert "Gao : dynamiques locales et facteurs de résilience" in titles
    assert search(client, "fr", "l'analyse")[0] != []
    # Operators and punctuation alone find nothing, without an error, and the
    # query comes back escaped in the search box.
    for query in ["OR AND NOT", "*", "a:b", "--", '"><b>x']:
        titles, html = search(client, "fr", query)
        assert titles == [], query
        assert "<b>x" not in html


def test_resource_library_filters(client, demo):
    index = ResourceIndexPage.objects.get(locale__language_code="fr")
    resources = ResourcePage.objects.live().filter(locale__language_code="fr")
    mopti = resources.get(region__code="ML-5")
    gao = resources.get(region__code="ML-7")
    html = client.get(index.url, {"region": "ML-5"}).content.decode()
    assert mopti.title in html and gao.title not in html
    theme = mopti.themes.first()
    html = client.get(index.url, {"theme": theme.code}).content.decode()
    assert mopti.title in html
    response = client.get(mopti.url)
    assert response.status_code == 200
    assert mopti.document.url in response.content.decode()


def test_language_switcher_links_translations(client, demo):
    course = CoursePage.objects.get(locale__language_code="fr", is_trainer_track=False)
    english = course.get_translations().get(locale__language_code="en")
    html = client.get(course.url).content.decode()
    assert f'href="{english.url}" hreflang="en"' in html
    html = client.get(english.url).content.decode()
    assert f'href="{course.url}" hreflang="fr"' in html
    assert '<html lang="en">' in html


def test_root_redirects_to_french(client, demo):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/fr/"
