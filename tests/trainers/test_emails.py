"""The trainers' e-mails are plain text: subjects and bodies are not HTML
escaped, a title with a newline still sends, control characters are refused
by the session form."""

from datetime import timedelta

from django.core import mail
from django.utils import timezone

import pytest

from kalanso.accounts.models import Region
from trainers import (
    services,
)
from trainers.models import (
    CascadeSession,
)

from .pages import account_participant, url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


class TestEmails:
    def test_subject_and_body_are_not_html_escaped(
        self, own_trainer, cascade_session, django_capture_on_commit_callbacks
    ):
        CascadeSession.objects.filter(pk=cascade_session.pk).update(
            title="Analyse d'un conflit & médiation", venue="Salle <A>"
        )
        account_participant(cascade_session, "awa@example.org", full_name="Awa O'Neil")
        with django_capture_on_commit_callbacks(execute=True):
            services.session_cancel(
                session=cascade_session, by=own_trainer, reason="Route coupée & orage"
            )
        (message,) = mail.outbox
        assert "Analyse d'un conflit & médiation" in message.subject
        for text in (message.subject, message.body):
            assert "&amp;" not in text
            assert "&#x27;" not in text
            assert "&lt;" not in text
        assert "Route coupée & orage" in message.body
        assert "Awa O'Neil" in message.body
        assert "Salle <A>" in message.body

    def test_a_title_with_a_newline_still_sends(self, cascade_session):
        from trainers.tasks import send_invitation

        CascadeSession.objects.filter(pk=cascade_session.pk).update(
            title="Ligne un\r\nLigne deux\u2028trois"
        )
        person = account_participant(cascade_session, "awa@example.org")
        send_invitation.enqueue(person.pk)
        (message,) = mail.outbox
        assert "\n" not in message.subject and "\r" not in message.subject
        assert "Ligne un Ligne deux trois" in message.subject

    @pytest.mark.parametrize(
        "title", ["Ligne un\nLigne deux", "Tab\there", "Sep\u2028arateur", "Nul\x07"]
    )
    def test_the_session_form_refuses_control_characters(
        self, client, course, own_trainer, title
    ):
        client.force_login(own_trainer)
        start = timezone.localdate() + timedelta(days=10)
        response = client.post(
            url("session_create"),
            {
                "title": title,
                "course": course.pk,
                "start_date": start.isoformat(),
                "end_date": start.isoformat(),
                "region": Region.objects.get(code="ML-7").pk,
                "mode": CascadeSession.Mode.IN_PERSON,
                "capacity": 10,
            },
        )
        assert response.status_code == 200
        assert "title" in response.context["form"].errors
        assert not CascadeSession.objects.exists()
