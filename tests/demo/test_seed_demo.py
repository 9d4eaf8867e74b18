"""The ``seed_demo`` management command: demo content in French and English,
one account per role, idempotent, and refused outside DEBUG without --force."""

from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.urls import reverse

from wagtail.documents import get_document_model
from wagtail.models import Locale, Page, Site

import pytest

from courses.blocks import LessonBodyBlock
from courses.models import CoursePage, GlossaryTerm, LessonPage, ModulePage
from demo import site as demo_site
from kalanso.accounts.models import Organisation
from kalanso.home.models import HomePage, SiteSettings

pytestmark = pytest.mark.django_db

FUNDAMENTALS_SLUG = "sensibilite-aux-conflits-fondamentaux"


def seed():
    out = StringIO()
    call_command("seed_demo", "--force", stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded():
    return seed()


@pytest.fixture
def course_fr(seeded):
    return CoursePage.objects.get(slug=FUNDAMENTALS_SLUG, locale__language_code="fr")


def test_refuses_without_force_when_debug_is_off(db):
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", stdout=StringIO())
    assert not CoursePage.objects.exists()
    assert not get_user_model().objects.exists()


def test_pages_in_both_languages_published(course_fr):
    course_en = course_fr.get_translation(Locale.objects.get(language_code="en"))
    assert course_en.title == "Conflict sensitivity fundamentals"
    assert course_fr.is_public and course_en.is_public
    for course in (course_fr, course_en):
        assert course.live
        assert ModulePage.objects.live().descendant_of(course).count() >= 3
        assert LessonPage.objects.live().descendant_of(course).count() >= 8
        assert course.audiences.count() == 6
    trainer_track = CoursePage.objects.filter(is_trainer_track=True, is_public=False)
    assert trainer_track.count() == 2  # French and English
    pages = Page.objects.filter(depth__gt=1)
    assert pages.count() > 40
    assert not pages.filter(live=False).exists()
    assert not pages.filter(live_revision__isnull=True).exists()
    home_en = HomePage.objects.get(locale__language_code="en")
    assert home_en.tagline and home_en.intro
    site = Site.objects.get(is_default_site=True)
    privacy = SiteSettings.for_site(site).privacy_page
    assert privacy is not None and privacy.slug == "protection-des-donnees"


def test_lesson_bodies_are_valid_and_aligned(course_fr):
    kinds = set()
    block = LessonBodyBlock()
    en = Locale.objects.get(language_code="en")
    for lesson in LessonPage.objects.descendant_of(course_fr):
        translation = lesson.get_translation(en)
        block.clean(lesson.body)
        block.clean(translation.body)
        # Same block ids in both languages, so reflections and exercises line up.
        assert [b.id for b in lesson.body] == [b.id for b in translation.body]
        for child in lesson.body:
            if child.block_type == "glossary":
                assert child.value["term"].locale.language_code == "fr"
            if child.block_type == "sorting_exercise":
                kinds.add(child.value["kind"])
                assert len(child.value["statements"]) >= 6
        for child in translation.body:
            if child.block_type == "glossary":
                assert child.value["term"].locale.language_code == "en"
    assert kinds == {"connectors_dividers", "conflict_tree"}
    assert GlossaryTerm.objects.filter(locale=en).count() >= 3


def test_demo_account_per_role(seeded, client):
    users = get_user_model().objects.prefetch_related("groups")
    for spec in demo_site.ACCOUNTS:
        user = users.get(email=spec["email"])
        assert user.is_active and user.email_confirmed_at and user.consent_given_at
        profile = ("full_name", "job_title", "preferred_language", "gender")
        assert [getattr(user, name) for name in profile] == [
            spec[name] for name in profile
        ]
        assert user.organisation.name == spec["organisation"]
        assert user.region.code == spec["region"]
        if spec["group"]:
            assert [group.name for group in user.groups.all()] == [spec["group"]]
            assert not user.is_staff and not user.is_superuser
        else:
            assert user.is_superuser and user.is_staff
        # Through the login form, as a person would (and past its throttling).
        response = client.post(
            reverse("accounts:login"),
            {"username": spec["email"], "password": demo_site.DEMO_PASSWORD},
        )
        assert response.status_code == 302, spec["email"]
        assert client.session["_auth_user_id"] == str(user.pk)
        client.logout()
    roles = {spec["group"] for spec in demo_site.ACCOUNTS} - {None}
    assert roles == {
        "Trainee",
        "Trainer",
        "Master trainer",
        "Editor",
        "Moderator",
        "Programme manager",
    }
    assert set(Organisation.objects.values_list("type", flat=True)) == set(
        Organisation.Type.values
    )


def object_counts():
    models = (Page, get_user_model(), Organisation, GlossaryTerm, get_document_model())
    return {model.__name__: model.objects.count() for model in models}


def test_running_twice_creates_nothing_twice(seeded):
    before = object_counts()
    output = seed()
    assert "already exists" in output
    assert object_counts() == before


def test_lesson_renders_in_both_languages(client, course_fr):
    lesson = LessonPage.objects.descendant_of(course_fr).get(
        slug="connecteurs-et-diviseurs"
    )
    translation = lesson.get_translation(Locale.objects.get(language_code="en"))
    response = client.get(lesson.url)
    assert response.status_code == 200
    assert "Connecteurs et diviseurs" in response.content.decode()
    response = client.get(translation.url)
    assert response.status_code == 200
    assert "Connectors and dividers" in response.content.decode()
