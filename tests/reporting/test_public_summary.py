"""The public summary page: shared caches keep only the anonymous page, and
only the titles of published courses without view restrictions leave the
platform."""

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from wagtail.models import APIToken, PageViewRestriction

import pytest

from courses.factories import course_with_lessons, user_with_role
from courses.models import CoursePage, Enrolment
from reporting import published
from reporting.models import PublicSummarySettings

pytestmark = pytest.mark.django_db


@pytest.fixture
def url(db):
    cache.clear()
    settings = PublicSummarySettings.load()
    settings.enabled = True
    settings.save()
    return reverse("reporting:public_summary")


def test_only_the_anonymous_page_may_be_cached_by_others(client, url):
    anonymous = client.get(url)
    assert anonymous.status_code == 200
    assert "public" in anonymous["Cache-Control"]
    assert "max-age=900" in anonymous["Cache-Control"]

    client.force_login(user_with_role("aminata@example.org", "Trainee"))
    personal = client.get(url)
    assert personal.status_code == 200
    html = personal.content.decode()
    assert "csrfmiddlewaretoken" in html and reverse("accounts:profile") in html
    control = personal["Cache-Control"]
    assert "public" not in control
    assert "private" in control and "no-store" in control
    assert "Cookie" in personal["Vary"]
    # Nor did the site's own page cache keep it.
    client.logout()
    again = client.get(url).content.decode()
    assert "csrfmiddlewaretoken" not in again
    assert reverse("accounts:profile") not in again


def enrol(course, n, *, completed=0):
    for i in range(n):
        user = user_with_role(f"{course.slug}-{i}@example.org", "Trainee")
        Enrolment.objects.create(
            user=user,
            course=course,
            course_key=course.translation_key,
            completed_at=timezone.now() if i < completed else None,
        )


def test_course_table_names_only_published_unrestricted_courses(client, url):
    shown = course_with_lessons(lessons=1, title="Cours public")
    draft = course_with_lessons(lessons=1, title="Cours secret en préparation")
    CoursePage.objects.get(pk=draft.pk).unpublish()
    restricted = course_with_lessons(lessons=1, title="Cours réservé au personnel")
    restriction = PageViewRestriction.objects.create(
        page=restricted, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.get(name="Programme manager"))
    enrol(shown, 6, completed=5)
    enrol(draft, 5, completed=0)
    enrol(restricted, 7, completed=6)

    html = client.get(url).content.decode()
    assert "Cours public" in html
    assert "Cours secret" not in html and "Cours réservé" not in html
    assert "Other courses (not published)" in html or "Autres cours" in html

    with translation.override("en"):
        data = published.published_report()
    rows = {
        row["label"]: row["values"] for row in data.table_rows(data.tables["courses"])
    }
    assert set(rows) == {"Cours public", "Other courses (not published)", "Total"}
    assert rows["Other courses (not published)"][:2] == [12, 6]
    assert rows["Total"][:2] == [18, 11]
    # The API (the same published system) names no hidden course either.
    manager = user_with_role("manager@example.org", "Programme manager")
    token = APIToken.create_token(user=manager, name="donor")[1]
    body = client.get(
        reverse("reporting_api:table", args=["courses"]),
        HTTP_AUTHORIZATION=f"Bearer {token}",
    ).content.decode()
    assert "Cours secret" not in body and "Cours réservé" not in body
    # The programme's own dashboard keeps the exact, named figures.
    client.force_login(manager)
    dashboard = client.get(reverse("reporting:dashboard")).content.decode()
    assert "Cours secret en préparation" in dashboard
    assert "Cours réservé au personnel" in dashboard


def test_dashboard_links_to_the_summary_only_when_it_is_on(client, manager, admin_user):
    """Off: no link to a 404, but how to switch it on (a link to the setting
    for those who may change it); on: the link, which answers."""
    with translation.override("en"):
        summary = reverse("reporting:public_summary")
    settings_url = reverse(
        "wagtailsettings:edit", args=["reporting", "publicsummarysettings"]
    )
    client.force_login(manager)
    with translation.override("en"):
        dashboard = reverse("reporting:dashboard")
    html = client.get(dashboard).content.decode()
    assert f'href="{summary}"' not in html
    assert "switched off" in html
    assert (
        f'href="{settings_url}"' in html
        if manager.has_perm("reporting.change_publicsummarysettings")
        else "Settings → Public summary page" in html
    )
    assert client.get(summary).status_code == 404
    client.force_login(admin_user)
    html = client.get(dashboard).content.decode()
    assert f'href="{settings_url}"' in html
    assert client.get(settings_url, follow=True).status_code == 200
    settings = PublicSummarySettings.load()
    settings.enabled = True
    settings.save()
    client.force_login(manager)
    html = client.get(dashboard).content.decode()
    assert f'href="{summary}"' in html and "switched off" not in html
    assert client.get(summary).status_code == 200


def test_a_course_title_in_another_language_is_marked(client, url):
    """A French course without an English version, on the English pages:
    its French title carries lang="fr" (issue #16); on French pages it is
    not marked."""
    course = course_with_lessons(lessons=1, title="Écoute et dialogue")
    enrol(course, 6, completed=5)
    manager = user_with_role("manager@example.org", "Programme manager")
    client.force_login(manager)
    for language, marked in (("en", True), ("fr", False)):
        cache.clear()
        with translation.override(language):
            dashboard = reverse("reporting:dashboard")
        html = client.get(dashboard, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert "Écoute et dialogue" in html, language
        assert ('<th scope="row" lang="fr">Écoute et dialogue</th>' in html) is marked
