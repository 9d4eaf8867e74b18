"""The waiting list of a session already held: withdrawing promotes nobody;
before the session, it still does."""

from datetime import timedelta

from django.core import mail
from django.utils import timezone

import pytest

from trainers import (
    factories,
    services,
)
from trainers.models import (
    CascadeSession,
    Participant,
)

from .pages import account_participant, url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

Status = CascadeSession.Status
State = Participant.State


class TestWithdrawAfterHeld:
    @pytest.fixture
    def full_held(self, course, own_trainer):
        session = factories.session(
            course,
            own_trainer,
            status=Status.HELD,
            start=timezone.localdate() - timedelta(days=2),
            capacity=1,
        )
        seated = factories.participants(session, 1)[0]
        waiting = account_participant(
            session, "waiting@example.org", state=State.WAITLISTED
        )
        return session, seated, waiting

    def test_withdrawing_promotes_nobody(
        self, client, own_trainer, full_held, django_capture_on_commit_callbacks
    ):
        session, seated, waiting = full_held
        client.force_login(own_trainer)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url("participant_withdraw", session.pk, seated.pk))
        assert response.status_code == 302
        seated.refresh_from_db()
        waiting.refresh_from_db()
        assert seated.state == State.CANCELLED
        assert waiting.state == State.WAITLISTED
        assert mail.outbox == []

    def test_the_service_promotes_only_before_the_session(
        self, full_held, django_capture_on_commit_callbacks
    ):
        session, seated, waiting = full_held
        with django_capture_on_commit_callbacks(execute=True):
            assert services.participant_withdraw(participant=seated) is None
        waiting.refresh_from_db()
        assert waiting.state == State.WAITLISTED
        assert mail.outbox == []

    def test_a_scheduled_session_still_promotes(
        self, full_held, django_capture_on_commit_callbacks
    ):
        session, seated, waiting = full_held
        CascadeSession.objects.filter(pk=session.pk).update(status=Status.SCHEDULED)
        with django_capture_on_commit_callbacks(execute=True):
            assert services.participant_withdraw(participant=seated) == waiting
        waiting.refresh_from_db()
        assert waiting.state == State.REGISTERED
        assert [m.to for m in mail.outbox] == [["waiting@example.org"]]
