"""The standing of a session's own trainers: suspended or demoted trainers
lose what their session gave them (cancelling, the participants' personal
data), masters and managers keep it; the reason of a suspension is shown
only to those who may read it."""

from django.core import mail
from django.core.exceptions import PermissionDenied

import pytest

from trainers import (
    certification,
    factories,
    permissions,
    services,
)
from trainers.models import (
    CascadeSession,
    TrainerProfile,
)

from .pages import account_participant, url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

Status = CascadeSession.Status
Level = TrainerProfile.Level


def suspend(user, by):
    certification.suspend(user.trainer_profile, by=by, reason="Enquête en cours")


class TestStanding:
    def test_a_suspended_lead_cannot_cancel(
        self, client, own_trainer, master, cascade_session
    ):
        account_participant(cascade_session, "registered@example.org")
        suspend(own_trainer, master)
        own_trainer.refresh_from_db()
        client.force_login(own_trainer)
        cancel = url("session_cancel", cascade_session.pk)
        assert client.get(cancel).status_code == 403
        assert client.post(cancel, {"reason": "Rumeur"}).status_code == 403
        with pytest.raises(PermissionDenied):
            services.session_cancel(
                session=cascade_session, by=own_trainer, reason="Rumeur"
            )
        cascade_session.refresh_from_db()
        assert cascade_session.status == Status.SCHEDULED
        assert cascade_session.cancel_reason == ""
        assert mail.outbox == []

    def test_a_demoted_lead_cannot_cancel(
        self, client, own_trainer, master, cascade_session
    ):
        certification.change_level(
            own_trainer.trainer_profile, Level.CO_FACILITATOR, by=master, reason="R"
        )
        client.force_login(own_trainer)
        response = client.post(
            url("session_cancel", cascade_session.pk), {"reason": "Rumeur"}
        )
        assert response.status_code == 403
        cascade_session.refresh_from_db()
        assert cascade_session.status == Status.SCHEDULED

    def test_a_master_still_cancels(self, client, own_trainer, master, cascade_session):
        suspend(own_trainer, master)
        client.force_login(master)
        response = client.post(
            url("session_cancel", cascade_session.pk), {"reason": "Décision"}
        )
        assert response.status_code == 302
        cascade_session.refresh_from_db()
        assert cascade_session.status == Status.CANCELLED

    @pytest.mark.parametrize("who", ["own_trainer", "cofacilitator"])
    def test_suspended_trainers_lose_the_personal_data(
        self, client, request, held, master, who
    ):
        trainer = request.getfixturevalue(who)
        pages = [
            url("session_detail", held.pk),
            url("participant_list", held.pk),
            url("attendance", held.pk),
            url("scores", held.pk),
            url("participant_export", held.pk, "csv"),
            url("participant_export", held.pk, "xlsx"),
            url("feedback_qr", held.pk),
        ]
        client.force_login(trainer)
        assert all(client.get(page).status_code == 200 for page in pages)
        suspend(trainer, master)
        for page in pages:
            assert client.get(page).status_code == 403, page
        assert not permissions.can_see_participants(trainer, held)
        assert held not in permissions.sessions_visible_to(trainer)
        # Reinstated, they read again.
        certification.reinstate(trainer.trainer_profile, by=master, reason="Clos")
        assert client.get(pages[1]).status_code == 200
        trainer = type(trainer).objects.get(pk=trainer.pk)  # no cached perms
        assert held in permissions.sessions_visible_to(trainer)

    def test_a_lead_without_the_right_to_lead_reads_nothing(
        self, client, course, trainee
    ):
        session = factories.session(course, trainee)
        factories.participants(session, 1)
        client.force_login(trainee)
        assert client.get(url("participant_list", session.pk)).status_code == 403
        assert not permissions.sessions_visible_to(trainee).exists()

    def test_masters_and_managers_keep_reading(
        self, held, own_trainer, master, manager
    ):
        suspend(own_trainer, master)
        for user in (master, manager):
            assert permissions.can_see_participants(user, held)
            assert held in permissions.sessions_visible_to(user)


# 2. The reason of a suspension ---------------------------------------------


def test_only_privileged_viewers_see_the_status_reason(
    client, own_trainer, other_trainer, master, manager
):
    profile = own_trainer.trainer_profile
    TrainerProfile.objects.filter(pk=profile.pk).update(
        visibility=TrainerProfile.Visibility.STAFF
    )
    certification.suspend(profile, by=master, reason="Plainte pour harcèlement")
    page = url("profile_detail", profile.pk)
    client.force_login(other_trainer)
    response = client.get(page)
    assert response.status_code == 200
    assert "Plainte pour harcèlement" not in response.content.decode()
    assert "Suspended" in response.content.decode()
    for viewer in (own_trainer, master, manager):
        client.force_login(viewer)
        assert "Plainte pour harcèlement" in client.get(page).content.decode()
