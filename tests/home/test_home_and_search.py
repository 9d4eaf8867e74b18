"""The home page and the site search show the courses without importing them
(a template tag of courses, and the page types that opt into the search)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wagtail.models import Site

import pytest

from courses.factories import catalogue, course_with_lessons, publish
from courses.models import (
    CoursePage,
    LessonPage,
    ModulePage,
    ResourceIndexPage,
    ResourcePage,
)
from kalanso.home.models import StandardPage
from kalanso.pages import searchable_page_models

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(db):
    return Site.objects.get(is_default_site=True).root_page.specific


def test_home_page_features_the_courses(client, home):
    course = course_with_lessons(lessons=1, title="Sensibilité aux conflits")
    library = publish(
        home, ResourceIndexPage(title="Bibliothèque", slug="bibliotheque")
    )
    response = client.get(home.url)
    html = response.content.decode()
    assert f'href="{catalogue().url}"' in html
    assert f'href="{library.url}"' in html
    assert 'id="featured-title"' in html
    assert f'href="{course.url}"' in html and course.title in html


def test_home_page_without_courses(client, home):
    html = client.get(home.url).content.decode()
    assert 'id="featured-title"' not in html
    assert reverse("accounts:signup") in html


def test_home_page_queries_do_not_grow_with_courses(client, home):
    def count():
        # A query string: past the whole-page cache, after warming the rest.
        client.get(home.url, {"from": "test"})
        with CaptureQueriesContext(connection) as ctx:
            client.get(home.url, {"from": "test"})
        return len(ctx.captured_queries)

    course_with_lessons(lessons=1)
    one = count()
    for _ in range(3):
        course_with_lessons(lessons=1)
    assert count() == one


def test_search_lists_courses_lessons_and_resources_only(client, home):
    assert set(searchable_page_models()) == {CoursePage, LessonPage, ResourcePage}
    course = course_with_lessons(lessons=2, title="Médiation communautaire")
    module = ModulePage.objects.child_of(course).get()
    module.title = "Médiation module"
    module.save_revision().publish()
    publish(home, StandardPage(title="Médiation à propos", slug="a-propos", body="x"))
    response = client.get(reverse("search"), {"q": "Médiation"})
    titles = [page.title for page in response.context["results"]]
    assert titles == ["Médiation communautaire"]
