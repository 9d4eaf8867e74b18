"""Regression tests for the defects found by the security review of the
trainers' area: the standing of a session's own trainers, what a profile
shows, the public calendar feed, column caps on imports, lost updates of
attendance and scores, bad input that used to end in a 500, e-mails rendered
with HTML escaping, and the waiting list of a session already held.

Every test here failed before its fix. Run this file on SQLite and on
PostgreSQL (NUL bytes only break PostgreSQL)."""

from datetime import timedelta
from decimal import Decimal
from html.parser import HTMLParser

from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation

import pytest
from icalendar import Calendar

from courses.factories import user_with_role
from kalanso.accounts.models import Region
from trainers import (
    calendar,
    certification,
    factories,
    importing,
    permissions,
    services,
)
from trainers.models import (
    Attendance,
    CascadeSession,
    Participant,
    TrainerProfile,
)

pytestmark = pytest.mark.django_db

Status = CascadeSession.Status
State = Participant.State
Level = TrainerProfile.Level


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def url(name, *args):
    return reverse(f"trainers:{name}", args=args)


def messages_of(response):
    return [str(m) for m in response.wsgi_request._messages]


def account_participant(session, email, state=State.REGISTERED, **fields):
    user = user_with_role(email, "Trainee")
    return Participant.objects.create(
        session=session,
        user=user,
        full_name=fields.pop("full_name", user.full_name or email),
        state=state,
        source=Participant.Source.TRAINER,
        **fields,
    )


@pytest.fixture
def held(course, own_trainer, cofacilitator):
    """A session held three days ago, with two registered people."""
    session = factories.session(
        course,
        own_trainer,
        status=Status.HELD,
        start=timezone.localdate() - timedelta(days=3),
        days=2,
        co_facilitators=[cofacilitator],
    )
    factories.participants(session, 2, women=1)
    return session


class FormInputs(HTMLParser):
    """What a browser would post from the page's form sent to ``action``:
    text and hidden inputs with their values, ticked checkboxes."""

    def __init__(self, action):
        super().__init__()
        self.action = action
        self.data, self.in_form, self.done = [], False, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("action") == self.action and not self.done:
            self.in_form = True
        if tag != "input" or not self.in_form or "disabled" in attrs:
            return
        kind = attrs.get("type", "text")
        if kind == "checkbox" and "checked" not in attrs:
            return
        if kind == "radio" and "checked" not in attrs:
            return
        if attrs.get("name"):
            self.data.append((attrs["name"], attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form" and self.in_form:
            self.in_form, self.done = False, True


def page_form(client, address) -> list[tuple[str, str]]:
    response = client.get(address)
    assert response.status_code == 200
    parser = FormInputs(address)
    parser.feed(response.content.decode())
    return parser.data


def as_post(pairs, **changes) -> dict:
    """The form's pairs as POST data (lists for repeated names), with some
    values replaced."""
    data: dict[str, list[str]] = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    for name, value in changes.items():
        data[name] = value if isinstance(value, list) else [value]
    return data


# 1. The standing of a session's own trainers -------------------------------


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


# 3. The public calendar feed -----------------------------------------------


def test_the_public_feed_leaves_the_venue_out(course, own_trainer):
    factories.session(
        course, own_trainer, title="Session publique", venue="Maison du maire"
    )
    public = Calendar.from_ical(calendar.public_feed())
    events = public.walk("VEVENT")
    assert [str(event["summary"]) for event in events] == ["Session publique"]
    assert "Maison du maire" not in public.to_ical().decode()
    assert str(events[0]["location"])  # the region is still there
    mine = calendar.trainer_feed(own_trainer.trainer_profile).decode()
    assert "Maison du maire" in mine


def test_the_public_feed_url_leaves_the_venue_out(client, course, own_trainer):
    factories.session(course, own_trainer, venue="Maison du maire")
    response = client.get(url("calendar_public"))
    assert response.status_code == 200
    assert b"Maison du maire" not in response.content


# 4. Imports with too many columns ------------------------------------------


class TestImportColumns:
    def test_a_wide_header_is_refused(self, monkeypatch):
        builds = []
        original = importing.aliases.header_lookup

        def counted():
            builds.append(1)
            return original()

        monkeypatch.setattr(importing.aliases, "header_lookup", counted)
        data = ("Nom" + "," * 20000 + "\nAwa").encode()
        with pytest.raises(importing.ImportFileError) as error:
            importing.parse(data, "liste.csv")
        assert "columns" in error.value.message
        assert str(importing.MAX_COLUMNS) in error.value.message
        assert len(builds) <= 2

    def test_the_lookup_is_built_once_per_parse(self, monkeypatch):
        builds = []
        original = importing.aliases.header_lookup

        def counted():
            builds.append(1)
            return original()

        monkeypatch.setattr(importing.aliases, "header_lookup", counted)
        preview = importing.parse(importing.template_csv(), "modele.csv")
        assert preview.is_valid
        assert len(builds) <= 2

    def test_as_many_columns_as_allowed_are_read(self):
        header = ["Nom"] + [f"Colonne {i}" for i in range(importing.MAX_COLUMNS - 1)]
        data = (";".join(header) + "\nAwa Traoré").encode()
        preview = importing.parse(data, "liste.csv")
        assert preview.is_valid
        assert len(preview.ignored) == importing.MAX_COLUMNS - 1

    def test_the_page_shows_the_error(self, client, own_trainer, cascade_session):
        from django.core.files.uploadedfile import SimpleUploadedFile

        client.force_login(own_trainer)
        upload = SimpleUploadedFile("liste.csv", ("Nom" + "," * 20000).encode())
        response = client.post(
            url("participant_import", cascade_session.pk), {"file": upload}
        )
        assert response.status_code == 200
        assert "columns" in response.content.decode()
        assert not cascade_session.participants.exists()


# 5. Lost updates -----------------------------------------------------------


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


# 6. Bad input: a clear answer, never a 500 ---------------------------------


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
        huge = 10**20
        address = url(name, huge, *args)
        assert client.get(address).status_code == 404

    @pytest.mark.parametrize("value", ["\x00", "²", "ML-7\x00"])
    def test_filters_with_strange_values(self, client, master, value):
        client.force_login(master)
        for name in ("session_list", "session_upcoming", "directory"):
            response = client.get(url(name), {"region": value, "language": value})
            assert response.status_code == 200, name


# 7. E-mails are plain text -------------------------------------------------


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


# 8. The waiting list of a session already held -----------------------------


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
