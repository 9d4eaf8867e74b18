"""Bad input in the trainers' area (strange digits, NUL bytes, huge numbers,
codes and tokens of the wrong shape): a clear answer, never a 500. Run on
SQLite and on PostgreSQL (NUL bytes only break PostgreSQL)."""

from decimal import Decimal

import pytest

from trainers import (
    services,
)
from trainers.models import (
    Attendance,
    Participant,
)

from .pages import messages_of, url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


class TestBadInput:
    @pytest.mark.parametrize("value", ["²", "١٢", "1\x00", "99999999999999999999"])
    def test_observe_with_a_strange_trainer(self, client, held, master, value):
        client.force_login(master)
        response = client.get(url("session_observe", held.pk), {"trainer": value})
        assert response.status_code == 200

    @pytest.mark.parametrize("value", ["²", "١", "\x00", "99999999999999999999"])
    def test_delete_a_strange_photo(self, client, held, own_trainer, value):
        client.force_login(own_trainer)
        response = client.post(
            url("session_report", held.pk), {"action": "delete", "photo": value}
        )
        assert response.status_code == 302
        assert "This photo no longer exists." in messages_of(response)

    @pytest.mark.parametrize("value", ["²", "١", "\x00"])
    def test_attendance_with_a_strange_row(self, client, held, own_trainer, value):
        client.force_login(own_trainer)
        response = client.post(
            url("attendance", held.pk), {"row": [value], "present": [f"{value}:x"]}
        )
        assert response.status_code == 302
        assert not Attendance.objects.exists()

    @pytest.mark.parametrize("value", ["1e99", "-1e99", "1E+999999", "9" * 10])
    def test_huge_scores(self, client, held, own_trainer, value):
        first = held.participants.order_by("pk").first()
        client.force_login(own_trainer)
        response = client.post(
            url("scores", held.pk), {"unit": "percent", f"pre_{first.pk}": value}
        )
        assert response.status_code == 200
        assert "Between 0 and 100" in response.content.decode()
        first.refresh_from_db()
        assert first.pre_score is None

    def test_tiny_scores_are_rounded(self, client, held, own_trainer):
        first = held.participants.order_by("pk").first()
        client.force_login(own_trainer)
        response = client.post(
            url("scores", held.pk), {"unit": "percent", f"pre_{first.pk}": "1e-99"}
        )
        assert response.status_code == 302
        first.refresh_from_db()
        assert first.pre_score == Decimal(0)

    @pytest.mark.parametrize(
        "token", ["%00", "abc%00def", "x" * 41, "%C2%B2", "a%20b", "a.b"]
    )
    def test_calendar_token_of_the_wrong_shape(self, client, own_trainer, token):
        address = url("calendar_trainer", "TOKEN").replace("TOKEN", token)
        assert client.get(address).status_code == 404

    def test_calendar_token_still_works(self, client, own_trainer):
        token = own_trainer.trainer_profile.calendar_token
        assert client.get(url("calendar_trainer", token)).status_code == 200

    @pytest.mark.parametrize("token", ["%00", "ABCD%00EF", "%C2%B2%C2%B2%C2%B2%C2%B2"])
    def test_feedback_token_of_the_wrong_shape(self, client, token):
        for name in ("feedback_form", "feedback_thanks"):
            address = url(name, "TOKEN").replace("TOKEN", token)
            assert client.get(address).status_code == 404
        # /f/ answers 404, which the locale middleware sends to /fr/f/…/
        assert client.get(f"/f/{token}", follow=True).status_code == 404

    @pytest.mark.parametrize("code", ["²²²²²-²²²²²", "ÀBCDE-12345", "AB\x00CD", "'--"])
    def test_claim_code_of_the_wrong_shape(self, client, trainee, held, code):
        client.force_login(trainee)
        response = client.post(url("participant_claim"), {"code": code})
        assert response.status_code == 200
        assert response.context["form"].errors
        assert not Participant.objects.filter(user=trainee).exists()

    def test_claim_with_a_strange_code_is_refused_by_the_service(self, trainee):
        from django.core.exceptions import ValidationError

        for code in ("²²²²²²", "AB\x00CDEF", "A" * 13):
            with pytest.raises(ValidationError):
                services.participant_claim(user=trainee, code=code)

    @pytest.mark.parametrize(
        "name,args",
        [
            ("session_detail", []),
            ("session_public", []),
            ("participant_list", []),
            ("participant_edit", [1]),
            ("session_photo", [1]),
            ("profile_detail", []),
        ],
    )
    def test_numbers_beyond_64_bits_in_the_address(self, client, master, name, args):
        client.force_login(master)
        # The address is written by hand: ``reverse`` refuses an id out of
        # range (the ``<id:>`` converter), as the router does.
        placeholder = 1234567
        address = url(name, placeholder, *args)
        assert address.count(str(placeholder)) == 1
        address = address.replace(str(placeholder), str(10**20))
        assert client.get(address).status_code == 404

    @pytest.mark.parametrize("value", ["\x00", "²", "ML-7\x00"])
    def test_filters_with_strange_values(self, client, master, value):
        client.force_login(master)
        for name in ("session_list", "session_upcoming", "directory"):
            response = client.get(url(name), {"region": value, "language": value})
            assert response.status_code == 200, name
