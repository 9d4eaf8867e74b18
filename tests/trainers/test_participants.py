"""A session's participants: who may see and change them, the list, adding
and withdrawing people, attendance, paper-test scores and exports."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import translation

import pytest
from openpyxl import load_workbook

from assessments.models import Quiz
from kalanso.accounts.models import AuditEntry
from trainers import factories
from trainers.models import Attendance, CascadeSession, Participant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Pages in English, whatever an earlier test's request left active, so
    that the assertions on messages hold once the French catalogue exists."""
    with translation.override("en"):
        yield


Status = CascadeSession.Status
State = Participant.State


@pytest.fixture
def running(course, own_trainer, cofacilitator):
    """A scheduled session that started yesterday and lasts three days."""
    return factories.session(
        course,
        own_trainer,
        start=date.today() - timedelta(days=1),
        days=3,
        co_facilitators=[cofacilitator],
        capacity=5,
    )


@pytest.fixture
def person(running):
    return factories.participants(running, 1, women=1, phone="+223 70 11 22 33")[0]


@pytest.fixture
def users(trainee, own_trainer, other_trainer, cofacilitator, master, manager):
    return {
        "trainee": trainee,
        "own": own_trainer,
        "other": other_trainer,
        "cofac": cofacilitator,
        "master": master,
        "manager": manager,
    }


def _urls(session, person):
    pk = session.pk
    read = {
        "list": reverse("trainers:participant_list", args=[pk]),
        "attendance": reverse("trainers:attendance", args=[pk]),
        "scores": reverse("trainers:scores", args=[pk]),
        "export csv": reverse("trainers:participant_export", args=[pk, "csv"]),
        "export xlsx": reverse("trainers:participant_export", args=[pk, "xlsx"]),
        "feedback qr": reverse("trainers:feedback_qr", args=[pk]),
    }
    change = {
        "edit": reverse("trainers:participant_edit", args=[pk, person.pk]),
        "link": reverse("trainers:participant_link", args=[pk, person.pk]),
        "import": reverse("trainers:participant_import", args=[pk]),
    }
    return read, change


READERS = {"own", "cofac", "master", "manager"}
WRITERS = {"own", "cofac"}


class TestPermissions:
    def test_anonymous_is_sent_to_log_in(self, client, running, person):
        read, change = _urls(running, person)
        for name, url in {**read, **change}.items():
            response = client.get(url)
            assert response.status_code == 302, name
            assert "/accounts/login/?next=" in response["Location"], name
        response = client.get(reverse("trainers:participant_claim"))
        assert "/accounts/login/?next=" in response["Location"]
        response = client.get(
            reverse("trainers:participant_import_template", args=["csv"])
        )
        assert "/accounts/login/?next=" in response["Location"]

    def test_pages_by_role(self, client, running, person, users):
        read, change = _urls(running, person)
        for role, user in users.items():
            client.force_login(user)
            for name, url in read.items():
                expected = 200 if role in READERS else 403
                assert client.get(url).status_code == expected, (role, name)
            for name, url in change.items():
                expected = 200 if role in WRITERS else 403
                assert client.get(url).status_code == expected, (role, name)

    def test_personal_pages_are_private(self, client, running, person, own_trainer):
        read, change = _urls(running, person)
        client.force_login(own_trainer)
        for name, url in {**read, **change}.items():
            cache_control = client.get(url)["Cache-Control"]
            assert "private" in cache_control, name
            assert "no-store" in cache_control, name

    def test_changes_by_role(self, client, running, person, users):
        """Master trainers and managers read the list; only the session's
        trainers change it."""
        pk = running.pk
        posts = [
            (
                reverse("trainers:participant_list", args=[pk]),
                {"full_name": "Nouvelle"},
            ),
            (
                reverse("trainers:participant_withdraw", args=[pk, person.pk]),
                {},
            ),
            (
                reverse("trainers:attendance", args=[pk]),
                {"row": [person.pk], "present": [f"{person.pk}:{running.start_date}"]},
            ),
            (
                reverse("trainers:scores", args=[pk]),
                {"unit": "percent", f"pre_{person.pk}": "50"},
            ),
            (
                reverse("trainers:participant_edit", args=[pk, person.pk]),
                {"full_name": "Changé"},
            ),
        ]
        for role in ("trainee", "other", "master", "manager"):
            client.force_login(users[role])
            for url, data in posts:
                assert client.post(url, data).status_code == 403, (role, url)
        person.refresh_from_db()
        assert person.full_name == "Participant 1"
        assert person.state == State.REGISTERED
        assert person.pre_score is None
        assert not Attendance.objects.exists()
        assert running.participants.count() == 1

    def test_lead_without_the_right_to_lead_sees_nothing(self, client, course, trainee):
        """A lead whose certification lapsed (no longer in the Trainer group)
        neither changes the list nor reads it any more: the people's personal
        data follow the same standing as the right to work on the session."""
        session = factories.session(course, trainee)
        client.force_login(trainee)
        url = reverse("trainers:participant_list", args=[session.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, {"full_name": "X"}).status_code == 403

    def test_session_links_show_only_usable_links(self, rf, running, master):
        from django.template.loader import render_to_string

        def links(**context):
            return render_to_string(
                "trainers/participants/session_links.html",
                {"session": running, **context},
            )

        editable = links(can_edit=True)
        assert reverse("trainers:participant_import", args=[running.pk]) in editable
        assert reverse("trainers:attendance", args=[running.pk]) in editable
        read_only = links(can_edit=False)
        assert (
            reverse("trainers:participant_import", args=[running.pk]) not in read_only
        )
        assert reverse("trainers:participant_list", args=[running.pk]) in read_only
        running.status = Status.DRAFT
        draft = links(can_edit=True)
        assert reverse("trainers:attendance", args=[running.pk]) not in draft
        assert reverse("trainers:feedback_qr", args=[running.pk]) not in draft


class TestList:
    def test_list_shows_the_columns(self, client, running, own_trainer, trainee):
        people = factories.participants(running, 2, women=1)
        people[0].user = trainee
        people[0].pre_score = Decimal("45.5")
        people[0].save()
        Attendance.objects.create(
            participant=people[0], day=running.start_date, present=True
        )
        Attendance.objects.create(
            participant=people[0], day=running.end_date, present=False
        )
        client.force_login(own_trainer)
        html = client.get(
            reverse("trainers:participant_list", args=[running.pk])
        ).content.decode()
        code = people[1].claim_code
        assert f"{code[:5]}-{code[5:]}" in html
        assert people[0].claim_code[:5] + "-" not in html  # has an account
        assert "45,5" in html or "45.5" in html
        assert "Woman" in html and "Man" in html

    def test_list_query_count_does_not_grow(
        self, client, running, own_trainer, django_assert_max_num_queries
    ):
        running.capacity = 100
        running.save()
        factories.participants(running, 3)
        client.force_login(own_trainer)
        url = reverse("trainers:participant_list", args=[running.pk])
        client.get(url)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as few:
            client.get(url)
        factories.participants(running, 40)
        with CaptureQueriesContext(connection) as many:
            client.get(url)
        assert len(many) == len(few)

    def test_add_one_person(self, client, running, cofacilitator):
        client.force_login(cofacilitator)
        url = reverse("trainers:participant_list", args=[running.pk])
        response = client.post(
            url,
            {
                "full_name": "  Fatoumata   Diarra ",
                "sex": "f",
                "age_band": "25-34",
                "organisation_type": "cso",
                "role": "Animatrice",
                "phone": "+223 66 00 00 00",
            },
        )
        assert response.status_code == 302
        added = running.participants.get()
        assert added.full_name == "Fatoumata Diarra"
        assert added.source == Participant.Source.TRAINER
        assert added.state == State.REGISTERED
        assert added.phone == "+223 66 00 00 00"

    @pytest.mark.parametrize(
        "data",
        [
            {"full_name": ""},
            {"full_name": "   "},
            {"full_name": "A", "phone": "70-00-00-00"},
            {"full_name": "A", "phone": "abc"},
            {"full_name": "A", "phone": "1" * 31},
            {"full_name": "A", "sex": "z"},
            {"full_name": "A", "age_band": "12"},
            {"full_name": "x" * 151},
            {"full_name": "A\x00B"},
            {"full_name": "A\x07B"},
        ],
    )
    def test_bad_person_is_refused(self, client, running, own_trainer, data):
        client.force_login(own_trainer)
        url = reverse("trainers:participant_list", args=[running.pk])
        response = client.post(url, data)
        assert response.status_code == 200
        assert 'aria-invalid="true"' in response.content.decode()
        assert not running.participants.exists()

    def test_full_session_refuses_one_more(self, client, running, own_trainer):
        factories.participants(running, running.capacity)
        client.force_login(own_trainer)
        url = reverse("trainers:participant_list", args=[running.pk])
        response = client.post(url, {"full_name": "Un de trop"})
        assert response.status_code == 200
        assert "Raise the capacity" in response.content.decode()
        assert running.participants.count() == running.capacity

    def test_no_adding_after_the_report(self, client, running, own_trainer):
        running.status = Status.REPORTED
        running.save()
        client.force_login(own_trainer)
        url = reverse("trainers:participant_list", args=[running.pk])
        assert 'name="full_name"' not in client.get(url).content.decode()
        response = client.post(url, {"full_name": "Tard"})
        assert response.status_code == 302
        assert not running.participants.exists()

    def test_withdraw_promotes_the_waiting_list(self, client, running, own_trainer):
        seated = factories.participants(running, running.capacity)
        waiting = Participant.objects.create(
            session=running,
            full_name="En attente",
            state=State.WAITLISTED,
            source=Participant.Source.SELF,
        )
        client.force_login(own_trainer)
        response = client.post(
            reverse("trainers:participant_withdraw", args=[running.pk, seated[0].pk])
        )
        assert response.status_code == 302
        seated[0].refresh_from_db()
        waiting.refresh_from_db()
        assert seated[0].state == State.CANCELLED
        assert waiting.state == State.REGISTERED

    def test_withdraw_needs_post(self, client, running, person, own_trainer):
        client.force_login(own_trainer)
        url = reverse("trainers:participant_withdraw", args=[running.pk, person.pk])
        assert client.get(url).status_code == 405

    def test_person_of_another_session_is_not_found(
        self, client, running, course, own_trainer
    ):
        elsewhere = factories.session(course, own_trainer)
        stranger = factories.participants(elsewhere, 1)[0]
        client.force_login(own_trainer)
        url = reverse("trainers:participant_edit", args=[running.pk, stranger.pk])
        assert client.get(url).status_code == 404

    def test_edit(self, client, running, person, own_trainer):
        client.force_login(own_trainer)
        url = reverse("trainers:participant_edit", args=[running.pk, person.pk])
        response = client.post(
            url, {"full_name": "Awa Koné", "sex": "f", "phone": "abc"}
        )
        assert response.status_code == 200
        person.refresh_from_db()
        assert person.full_name == "Participant 1"
        response = client.post(url, {"full_name": "Awa Koné", "sex": "f"})
        assert response.status_code == 302
        person.refresh_from_db()
        assert person.full_name == "Awa Koné"
        assert person.phone == ""

    def test_names_are_escaped(self, client, running, own_trainer):
        factories.participants(running, 1)
        running.participants.update(full_name="<script>alert(1)</script>")
        client.force_login(own_trainer)
        html = client.get(
            reverse("trainers:participant_list", args=[running.pk])
        ).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


class TestAttendance:
    def test_save_the_grid(self, client, running, own_trainer):
        people = factories.participants(running, 2)
        first, second = people
        day1, day2, day3 = running.days
        # Someone already marked present on day 3 gets unticked (the page
        # showed the box ticked: "was").
        Attendance.objects.create(participant=second, day=day3, present=True)
        client.force_login(own_trainer)
        url = reverse("trainers:attendance", args=[running.pk])
        response = client.post(
            url,
            {
                "row": [first.pk, second.pk],
                "was": [f"{second.pk}:{day3}"],
                "present": [
                    f"{first.pk}:{day1}",
                    f"{first.pk}:{day2}",
                    f"{second.pk}:{day1}",
                ],
            },
        )
        assert response.status_code == 302
        marks = {(a.participant_id, a.day): a.present for a in Attendance.objects.all()}
        assert marks == {
            (first.pk, day1): True,
            (first.pk, day2): True,
            (first.pk, day3): False,
            (second.pk, day1): True,
            (second.pk, day2): False,
            (second.pk, day3): False,
        }
        html = client.get(url).content.decode()
        assert html.count(" checked") == 3
        list_html = client.get(
            reverse("trainers:participant_list", args=[running.pk])
        ).content.decode()
        assert "<td>2</td>" in list_html

    def test_foreign_and_malformed_values_are_ignored(
        self, client, running, course, own_trainer
    ):
        mine = factories.participants(running, 1)[0]
        other = factories.participants(factories.session(course, own_trainer), 1)[0]
        client.force_login(own_trainer)
        response = client.post(
            reverse("trainers:attendance", args=[running.pk]),
            {
                "row": [mine.pk, other.pk, "x", "-1"],
                "present": [
                    f"{other.pk}:{running.start_date}",
                    "garbage",
                    f"{mine.pk}:1999-01-01",
                    f"{mine.pk}:{running.start_date}",
                ],
            },
        )
        assert response.status_code == 302
        assert not Attendance.objects.filter(participant=other).exists()
        assert set(
            Attendance.objects.filter(present=True).values_list("participant", "day")
        ) == {(mine.pk, running.start_date)}
        assert Attendance.objects.count() == 3

    def test_not_before_the_first_day(self, client, cascade_session, own_trainer):
        person = factories.participants(cascade_session, 1)[0]
        client.force_login(own_trainer)
        url = reverse("trainers:attendance", args=[cascade_session.pk])
        html = client.get(url).content.decode()
        assert "disabled" in html
        response = client.post(
            url,
            {
                "row": [person.pk],
                "present": [f"{person.pk}:{cascade_session.start_date}"],
            },
        )
        assert response.status_code == 302
        assert not Attendance.objects.exists()

    @pytest.mark.parametrize(
        "status", [Status.REPORTED, Status.VALIDATED, Status.DRAFT]
    )
    def test_not_after_the_report(self, client, running, own_trainer, status):
        person = factories.participants(running, 1)[0]
        running.status = status
        running.save()
        client.force_login(own_trainer)
        client.post(
            reverse("trainers:attendance", args=[running.pk]),
            {"row": [person.pk], "present": [f"{person.pk}:{running.start_date}"]},
        )
        assert not Attendance.objects.exists()

    def test_held_session_is_open(self, client, running, own_trainer):
        person = factories.participants(running, 1)[0]
        running.status = Status.HELD
        running.save()
        client.force_login(own_trainer)
        client.post(
            reverse("trainers:attendance", args=[running.pk]),
            {"row": [person.pk], "present": [f"{person.pk}:{running.start_date}"]},
        )
        assert Attendance.objects.filter(present=True).count() == 1

    def test_waiting_list_is_not_in_the_grid(self, client, running, own_trainer):
        Participant.objects.create(
            session=running,
            full_name="Attend encore",
            state=State.WAITLISTED,
            source=Participant.Source.SELF,
        )
        client.force_login(own_trainer)
        html = client.get(
            reverse("trainers:attendance", args=[running.pk])
        ).content.decode()
        assert "Attend encore" not in html


class TestScores:
    def _post(self, client, session, data):
        return client.post(reverse("trainers:scores", args=[session.pk]), data)

    def test_percentages_with_a_decimal_comma(self, client, running, own_trainer):
        first, second = factories.participants(running, 2)
        client.force_login(own_trainer)
        response = self._post(
            client,
            running,
            {
                "unit": "percent",
                f"pre_{first.pk}": "45,5",
                f"post_{first.pk}": "80 %",
                f"pre_{second.pk}": "",
                f"post_{second.pk}": "100",
            },
        )
        assert response.status_code == 302
        first.refresh_from_db()
        second.refresh_from_db()
        assert first.pre_score == Decimal("45.50")
        assert first.post_score == Decimal("80.00")
        assert second.pre_score is None
        assert second.post_score == Decimal("100.00")

    def test_points_out_of_a_total(self, client, running, own_trainer):
        first, second = factories.participants(running, 2)
        client.force_login(own_trainer)
        response = self._post(
            client,
            running,
            {
                "unit": "points",
                "out_of": "30",
                f"pre_{first.pk}": "10",
                f"post_{first.pk}": "22,5",
                f"pre_{second.pk}": "30",
            },
        )
        assert response.status_code == 302
        first.refresh_from_db()
        second.refresh_from_db()
        assert first.pre_score == Decimal("33.33")
        assert first.post_score == Decimal("75.00")
        assert second.pre_score == Decimal("100.00")
        assert second.post_score is None

    @pytest.mark.parametrize(
        "unit,out_of,value",
        [
            ("percent", "", "101"),
            ("percent", "", "-1"),
            ("percent", "", "abc"),
            ("percent", "", "NaN"),
            ("percent", "", "1e5"),
            ("points", "20", "21"),
            ("points", "20", "-1"),
            ("points", "0", "5"),
            ("points", "", "5"),
            ("points", "abc", "5"),
            ("", "", "5"),
        ],
    )
    def test_bad_values_save_nothing(
        self, client, running, own_trainer, unit, out_of, value
    ):
        first, second = factories.participants(running, 2)
        client.force_login(own_trainer)
        response = self._post(
            client,
            running,
            {
                "unit": unit,
                "out_of": out_of,
                f"pre_{first.pk}": "50",
                f"pre_{second.pk}": value,
            },
        )
        assert response.status_code == 200
        first.refresh_from_db()
        assert first.pre_score is None
        html = response.content.decode()
        assert "Nothing was saved" in html

    def test_row_level_error_names_the_person(self, client, running, own_trainer):
        first, second = factories.participants(running, 2)
        client.force_login(own_trainer)
        response = self._post(
            client, running, {"unit": "percent", f"post_{second.pk}": "150"}
        )
        html = response.content.decode()
        row = html.split(f'id="errors-{second.pk}"', 1)[1].split("</tr>", 1)[0]
        assert "Between 0 and 100" in row
        other_row = html.split(f'id="errors-{first.pk}"', 1)[1].split("</tr>", 1)[0]
        assert "Between" not in other_row

    def test_links_to_the_paper_tests(
        self, client, running, own_trainer, cofacilitator
    ):
        pre = Quiz.objects.create(title="Pré-test", kind="pre")
        running.course.pre_test = pre
        running.course.save_revision().publish()
        client.force_login(own_trainer)
        html = client.get(
            reverse("trainers:scores", args=[running.pk])
        ).content.decode()
        assert reverse("assessments:assessments_quiz_paper", args=[pre.pk]) in html
        # A co-facilitator (not yet in the Trainer group) cannot print papers.
        client.force_login(cofacilitator)
        html = client.get(
            reverse("trainers:scores", args=[running.pk])
        ).content.decode()
        assert reverse("assessments:assessments_quiz_paper", args=[pre.pk]) not in html

    def test_closed_after_the_report(self, client, running, own_trainer):
        person = factories.participants(running, 1)[0]
        running.status = Status.VALIDATED
        running.save()
        client.force_login(own_trainer)
        response = self._post(
            client, running, {"unit": "percent", f"pre_{person.pk}": "50"}
        )
        assert response.status_code == 302
        person.refresh_from_db()
        assert person.pre_score is None


class TestExport:
    def test_csv_is_audited_and_escaped(self, client, running, own_trainer):
        people = factories.participants(running, 2, women=1)
        Participant.objects.filter(pk=people[0].pk).update(
            full_name='=HYPERLINK("http://evil")', role="@SUM(A1)", pre_score=50
        )
        Attendance.objects.create(
            participant=people[0], day=running.start_date, present=True
        )
        client.force_login(own_trainer)
        response = client.get(
            reverse("trainers:participant_export", args=[running.pk, "csv"])
        )
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]
        assert "attachment" in response["Content-Disposition"]
        text = response.content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        assert len(rows) == 3
        names = [row[0] for row in rows[1:]]
        assert '\'=HYPERLINK("http://evil")' in names
        escaped = next(r for r in rows if r[0].startswith("'="))
        assert "'@SUM(A1)" in escaped
        assert running.start_date.isoformat() in rows[0]
        entry = AuditEntry.objects.get(action="export_personal_data")
        assert entry.actor == own_trainer
        assert entry.target_type == "trainers.cascadesession"
        assert entry.target_id == str(running.pk)
        assert entry.detail == {"rows": 2, "file_format": "csv"}

    def test_xlsx_is_audited_and_escaped(self, client, running, manager):
        factories.participants(running, 1)
        running.participants.update(full_name="+cmd|' /C calc'!A0")
        client.force_login(manager)
        response = client.get(
            reverse("trainers:participant_export", args=[running.pk, "xlsx"])
        )
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        values = [[c.value for c in row] for row in sheet.iter_rows()]
        # The value as typed, as a string cell: never run as a formula.
        assert values[1][0] == "+cmd|' /C calc'!A0"
        assert sheet.cell(row=2, column=1).data_type == "s"
        entry = AuditEntry.objects.get(action="export_personal_data")
        assert entry.actor == manager
        assert entry.detail == {"rows": 1, "file_format": "xlsx"}

    def test_refused_export_is_not_audited(self, client, running, other_trainer):
        client.force_login(other_trainer)
        response = client.get(
            reverse("trainers:participant_export", args=[running.pk, "csv"])
        )
        assert response.status_code == 403
        assert not AuditEntry.objects.filter(action="export_personal_data").exists()

    def test_withdrawn_people_are_left_out(self, client, running, own_trainer):
        people = factories.participants(running, 2)
        Participant.objects.filter(pk=people[1].pk).update(state=State.CANCELLED)
        client.force_login(own_trainer)
        response = client.get(
            reverse("trainers:participant_export", args=[running.pk, "csv"])
        )
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert [r[0] for r in rows[1:]] == ["Participant 1"]

    def test_unknown_format_is_not_found(self, client, running, own_trainer):
        client.force_login(own_trainer)
        url = reverse("trainers:participant_export", args=[running.pk, "csv"])
        assert client.get(url.replace(".csv", ".pdf")).status_code == 404
