from django.core.management import call_command
from django.urls import reverse

import pytest

from courses.models import CourseIndexPage, CoursePage, ResourceIndexPage, ResourcePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("seed_demo", "--force", verbosity=0)


def test_catalogue_filters(client, demo):
    index = CourseIndexPage.objects.get(locale__language_code="fr")
    html = client.get(index.url).content.decode()
    for course in CoursePage.objects.live().filter(locale__language_code="fr"):
        assert course.title in html
    trainer_track = CoursePage.objects.get(
        locale__language_code="fr", is_trainer_track=True
    )
    public = CoursePage.objects.get(locale__language_code="fr", is_trainer_track=False)
    response = client.get(index.url, {"level": public.level, "audience": "youth"})
    assert public.title in response.content.decode()
    response = client.get(index.url, {"q": trainer_track.title.split()[0]})
    assert trainer_track.title in response.content.decode()
    response = client.get(index.url, {"language": "en"})
    assert (
        "0 cours" in response.content.decode()
        or "0 course" in response.content.decode()
    )


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


def test_search_finds_lessons_in_active_language(client, demo):
    response = client.get("/fr/search/", {"q": "connecteurs"})
    assert response.status_code == 200
    assert response.context["results"].paginator.count >= 1
    for page in response.context["results"]:
        assert page.locale.language_code == "fr"
    response = client.get("/en/search/", {"q": "connectors"})
    assert response.context["results"].paginator.count >= 1
    assert all(p.locale.language_code == "en" for p in response.context["results"])


def test_search_with_apostrophes_and_operators(client, demo):
    for query in ["l'analyse", '"Gao', "OR AND NOT", "*", "a:b", "--"]:
        assert client.get(reverse("search"), {"q": query}).status_code == 200


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
