"""Two trainers editing attendance and paper scores at the same time do not
undo each other's changes; a value cleared on purpose is cleared."""

from decimal import Decimal

import pytest

from trainers import (
    factories,
)
from trainers.models import (
    Attendance,
    Participant,
)

from .pages import as_post, page_form, url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


class TestLostUpdates:
    def test_scores_of_others_are_kept(self, client, held, own_trainer, cofacilitator):
        first, second = held.participants.order_by("pk")
        address = url("scores", held.pk)
        client.force_login(cofacilitator)
        old_page = page_form(client, address)  # loaded before the lead saves

        client.force_login(own_trainer)
        lead_page = page_form(client, address)
        response = client.post(
            address,
            as_post(lead_page, **{f"pre_{first.pk}": "40", f"post_{first.pk}": "85"}),
        )
        assert response.status_code == 302

        client.force_login(cofacilitator)
        response = client.post(
            address,
            as_post(old_page, **{f"pre_{second.pk}": "55", f"post_{second.pk}": "70"}),
        )
        assert response.status_code == 302
        first.refresh_from_db()
        second.refresh_from_db()
        assert (first.pre_score, first.post_score) == (Decimal(40), Decimal(85))
        assert (second.pre_score, second.post_score) == (Decimal(55), Decimal(70))

    def test_a_score_cleared_on_purpose_is_cleared(self, client, held, own_trainer):
        first = held.participants.order_by("pk").first()
        Participant.objects.filter(pk=first.pk).update(pre_score=30)
        address = url("scores", held.pk)
        client.force_login(own_trainer)
        response = client.post(
            address, as_post(page_form(client, address), **{f"pre_{first.pk}": ""})
        )
        assert response.status_code == 302
        first.refresh_from_db()
        assert first.pre_score is None

    def test_someone_added_meanwhile_keeps_their_scores(
        self, client, held, own_trainer
    ):
        address = url("scores", held.pk)
        client.force_login(own_trainer)
        old_page = page_form(client, address)
        newcomer = factories.participants(held, 1, pre_score=Decimal(60))[0]
        response = client.post(address, as_post(old_page))
        assert response.status_code == 302
        newcomer.refresh_from_db()
        assert newcomer.pre_score == Decimal(60)

    def test_attendance_of_others_is_kept(
        self, client, held, own_trainer, cofacilitator
    ):
        first, second = held.participants.order_by("pk")
        day1, day2 = held.days
        address = url("attendance", held.pk)
        client.force_login(cofacilitator)
        old_page = page_form(client, address)

        client.force_login(own_trainer)
        lead_page = page_form(client, address)
        response = client.post(
            address,
            as_post(lead_page, present=[f"{first.pk}:{day1}", f"{first.pk}:{day2}"]),
        )
        assert response.status_code == 302

        client.force_login(cofacilitator)
        response = client.post(
            address, as_post(old_page, present=[f"{second.pk}:{day1}"])
        )
        assert response.status_code == 302
        marks = {
            (a.participant_id, a.day): a.present
            for a in Attendance.objects.filter(present=True)
        }
        assert set(marks) == {
            (first.pk, day1),
            (first.pk, day2),
            (second.pk, day1),
        }

    def test_attendance_unticked_on_purpose(self, client, held, own_trainer):
        first = held.participants.order_by("pk").first()
        day1, day2 = held.days
        for day in held.days:
            Attendance.objects.create(participant=first, day=day, present=True)
        address = url("attendance", held.pk)
        client.force_login(own_trainer)
        page = page_form(client, address)
        assert ("present", f"{first.pk}:{day2}") in page
        response = client.post(address, as_post(page, present=[f"{first.pk}:{day1}"]))
        assert response.status_code == 302
        assert not Attendance.objects.get(participant=first, day=day2).present
        assert Attendance.objects.get(participant=first, day=day1).present
        # Everyone shown has a record for every day (absent by default).
        assert Attendance.objects.count() == 2 * len(held.days)
