"""axe-core over the pages the cascade journey does not visit: the programme
dashboard and its people pages, the certificate pages (verification, my
learning, manager list), the public session calendar and the feedback form
participants open on a basic phone — in French and English."""

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

import pytest

from certificates.models import Credential
from courses.factories import course_with_lessons, user_with_role
from tests.browser.test_cascade_journey import log_in, log_out
from trainers import factories
from trainers.models import Attendance, CascadeSession, Participant

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def programme():
    """A validated session (certificates issued), a public scheduled one and a
    manager."""
    course = course_with_lessons(lessons=1)
    lead = factories.trainer("lead-a11y@example.org")
    validated = factories.session(
        course,
        lead,
        status=CascadeSession.Status.REPORTED,
        start=timezone.localdate() - timedelta(days=10),
        report="<p>Bien passé.</p>",
    )
    people = factories.participants(validated, 6, women=3)
    Attendance.objects.bulk_create(
        [
            Attendance(participant=p, day=validated.start_date, present=True)
            for p in people
        ]
    )
    trainee = user_with_role("trainee-a11y@example.org", "Trainee")
    Participant.objects.filter(pk=people[0].pk).update(user=trainee)
    validated.status = CascadeSession.Status.VALIDATED
    validated.validated_at = timezone.now()
    validated.save()
    call_command("issue_credentials", verbosity=0)
    upcoming = factories.session(course, lead, is_public=True)
    held = factories.session(
        course,
        lead,
        status=CascadeSession.Status.HELD,
        start=timezone.localdate() - timedelta(days=1),
    )
    return {
        "manager": user_with_role("manager-a11y@example.org", "Programme manager"),
        "trainee": trainee,
        "credential": Credential.objects.filter(participant=people[0]).first(),
        "upcoming": upcoming,
        "held": held,
    }


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_programme_pages_are_accessible(lang, programme, new_context, axe_audit):
    for person in (programme["trainee"], programme["manager"]):
        person.preferred_language = lang
        person.save(update_fields=["preferred_language"])
    page = new_context().new_page()
    anonymous = [
        (f"/{lang}/trainers/upcoming/", "upcoming sessions"),
        (f"/{lang}/trainers/upcoming/{programme['upcoming'].pk}/", "public session"),
        (f"/{lang}/certificates/", "verification form"),
        (
            f"/{lang}/trainers/feedback/{programme['held'].feedback_token}/",
            "feedback form",
        ),
    ]
    assert programme["credential"] is not None
    anonymous.append(
        (
            f"/{lang}/certificates/v/{programme['credential'].code}/",
            "verification result",
        )
    )
    for url, label in anonymous:
        response = page.goto(url)
        assert response.status == 200, (url, response.status)
        axe_audit.check(page, label)

    log_in(page, lang, programme["trainee"])  # lands on "My learning"
    assert (
        page.locator(
            f'a[href$="/certificates/{programme["credential"].pk}/certificate.pdf"]'
        ).count()
        == 1
    )
    axe_audit.check(page, "my learning with a certificate")
    log_out(page)

    log_in(page, lang, programme["manager"])
    for url, label in [
        (f"/{lang}/reporting/", "dashboard"),
        (f"/{lang}/certificates/manage/", "certificate management"),
        (f"/{lang}/trainers/cascade/", "whole cascade"),
    ]:
        response = page.goto(url)
        assert response.status == 200, (url, response.status)
        axe_audit.check(page, label)
    axe_audit.assert_clean()
