"""Builders for course trees and accounts, shared by the tests, the
benchmarks and the demo content."""

import uuid

from django.contrib.auth.models import Group
from django.utils import timezone

from wagtail.models import Locale, Site

from kalanso.accounts.models import User

from .models import CourseIndexPage, CoursePage, LessonPage, ModulePage


def publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def catalogue(locale_code="fr"):
    locale = Locale.objects.get(language_code=locale_code)
    home = Site.objects.get(is_default_site=True).root_page.specific
    if locale_code != home.locale.language_code:
        home = home.get_translation_or_none(locale) or home.copy_for_translation(locale)
        if not home.live:
            home.save_revision().publish()
    index = CourseIndexPage.objects.child_of(home).first()
    if index is None:
        index = publish(
            home, CourseIndexPage(title="Catalogue", slug="catalogue", locale=locale)
        )
    return index


def sample_body(with_exercise=True):
    body = [
        {
            "type": "heading",
            "value": {"text": "Introduction", "level": "h2"},
            "id": str(uuid.uuid4()),
        },
        {
            "type": "paragraph",
            "value": "<p>Les connecteurs rapprochent les gens.</p>",
            "id": str(uuid.uuid4()),
        },
        {
            "type": "key_takeaway",
            "value": {"text": "<p>Ne pas nuire.</p>"},
            "id": str(uuid.uuid4()),
        },
        {
            "type": "reflection",
            "value": {"prompt": "Quels connecteurs voyez-vous ?"},
            "id": str(uuid.uuid4()),
        },
    ]
    if with_exercise:
        body.append(
            {
                "type": "sorting_exercise",
                "id": str(uuid.uuid4()),
                "value": {
                    "kind": "connectors_dividers",
                    "instructions": "<p>Classez chaque affirmation.</p>",
                    "statements": [
                        {
                            "text": "Le marché hebdomadaire partagé",
                            "category": "connector",
                            "explanation": "Le marché rassemble.",
                        },
                        {
                            "text": "Les rumeurs sur la distribution d'aide",
                            "category": "divider",
                            "explanation": "Les rumeurs divisent.",
                        },
                        {
                            "text": "Les mariages entre communautés",
                            "category": "connector",
                            "explanation": "Les liens familiaux relient.",
                        },
                    ],
                },
            }
        )
    return body


def course_with_lessons(
    *, lessons=3, modules=1, public=True, locale_code="fr", title=None
):
    """A published course with `modules` modules sharing `lessons` lessons."""
    index = catalogue(locale_code)
    suffix = uuid.uuid4().hex[:8]
    course = publish(
        index,
        CoursePage(
            title=title or f"Cours {suffix}",
            slug=f"cours-{suffix}",
            summary="Un cours de démonstration.",
            is_public=public,
            locale=index.locale,
        ),
    )
    module_pages = [
        publish(
            course,
            ModulePage(
                title=f"Module {m + 1}", slug=f"module-{m + 1}", locale=index.locale
            ),
        )
        for m in range(modules)
    ]
    for number in range(lessons):
        module = module_pages[number % modules]
        publish(
            module,
            LessonPage(
                title=f"Leçon {number + 1}",
                slug=f"lecon-{number + 1}",
                body=sample_body(with_exercise=number == 0),
                locale=index.locale,
            ),
        )
    return course


def user_with_role(email, role=None, password="correct-horse-battery", **fields):  # noqa: S107
    """An active account with a confirmed address and consent given, in the
    group ``role``; ``fields`` set or override the account's other fields."""
    now = timezone.now()
    defaults = {
        "full_name": email.split("@")[0].title(),
        "email_confirmed_at": now,
        "consent_given_at": now,
    }
    user = User.objects.create_user(
        email=email, password=password, **(defaults | fields)
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user
