"""Result exports and the statistics page in the Wagtail admin: who may see
what, CSV and XLSX content, personal data only for programme managers (and
logged), formula injection neutralised."""

import csv
import io
import logging
import re
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wagtail.users.models import UserProfile

import pytest
from openpyxl import load_workbook

from assessments import factories
from assessments.exports import (
    can_see_personal_data,
    participant_code,
    results_table,
)
from assessments.services import attempt_save_answers, attempt_start, attempt_submit
from courses.factories import user_with_role
from kalanso.accounts.models import AuditEntry, Organisation, User
from kalanso.spreadsheets import escape_formula

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = "/admin/login/"


@pytest.fixture
def quiz(db):
    questions = [
        factories.single_choice(),
        factories.question(
            "truefalse",
            "<p>Ne pas nuire est facultatif.</p>",
            correct_answer_true=False,
        ),
    ]
    return factories.quiz_with(questions, title="Post-test", pass_mark=Decimal(60))


def take(quiz, user, right=(True, True)):
    attempt = attempt_start(quiz=quiz, user=user)
    responses = {}
    for row in attempt.questions.all():
        snap = row.snapshot
        if snap["type"] == "single":
            wanted = Decimal(1) if right[0] else Decimal(0)
            choice = next(
                c for c in snap["choices"] if Decimal(c["fraction"]) == wanted
            )
            responses[row.position] = {"choice": choice["id"]}
        else:
            responses[row.position] = {"value": snap["correct"] is right[1]}
    attempt_save_answers(attempt=attempt, responses=responses)
    return attempt_submit(attempt=attempt)


@pytest.fixture
def people(db):
    ong = Organisation.objects.create(name="ONG Sahel", type="ngo")
    aminata = user_with_role("aminata@example.org", "Trainee")
    aminata.full_name = "Aminata Traoré"
    aminata.organisation = ong
    aminata.save()
    # A name that a spreadsheet would run as a formula.
    mallory = user_with_role("mallory@example.org", "Trainee")
    mallory.full_name = '=HYPERLINK("http://evil.example","clic")'
    mallory.save()
    return aminata, mallory


@pytest.fixture
def results(quiz, people):
    aminata, mallory = people
    take(quiz, aminata, (True, True))  # 100 %
    take(quiz, mallory, (True, False))  # 50 %
    take(quiz, aminata, (False, False))  # second attempt, 0 %
    attempt_start(quiz=quiz, user=user_with_role("open@example.org", "Trainee"))
    return quiz


@pytest.fixture
def manager(db):
    return in_english(user_with_role("manager@example.org", "Programme manager"))


def in_english(user):
    """The Wagtail admin speaks each user's language; these tests read English."""
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(in_english(editor))
    return client


def urls(quiz):
    return {
        "statistics": reverse("assessments_admin:quiz_statistics", args=[quiz.pk]),
        "csv": reverse("assessments_admin:quiz_export_csv", args=[quiz.pk]),
        "xlsx": reverse("assessments_admin:quiz_export_xlsx", args=[quiz.pk]),
    }


def test_urls(quiz):
    assert urls(quiz) == {
        "statistics": f"/admin/assessments/quiz/{quiz.pk}/statistics/",
        "csv": f"/admin/assessments/quiz/{quiz.pk}/export.csv",
        "xlsx": f"/admin/assessments/quiz/{quiz.pk}/export.xlsx",
    }


def read_csv(response):
    content = b"".join(response.streaming_content)
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


# --- Permission matrix ------------------------------------------------------


@pytest.mark.parametrize("view", ["statistics", "csv", "xlsx"])
def test_anonymous_is_sent_to_log_in(client, results, view):
    response = client.get(urls(results)[view])
    assert response.status_code == 302
    assert response["Location"].startswith(ADMIN_LOGIN)


@pytest.mark.parametrize("view", ["statistics", "csv", "xlsx"])
def test_trainee_is_refused(client, trainee, results, view):
    client.force_login(trainee)
    response = client.get(urls(results)[view])
    assert response.status_code == 302
    assert response["Location"].startswith(ADMIN_LOGIN)


@pytest.mark.parametrize("view", ["statistics", "csv", "xlsx"])
def test_admin_user_without_quiz_permission_is_refused(client, results, view):
    user = user_with_role("nobody@example.org")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    response = client.get(urls(results)[view])
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")


@pytest.mark.parametrize("role", ["Editor", "Moderator", "Programme manager"])
@pytest.mark.parametrize("view", ["statistics", "csv", "xlsx"])
def test_roles_with_quiz_permission_get_in(client, results, role, view):
    client.force_login(in_english(user_with_role(f"{role[:3]}@example.org", role)))
    response = client.get(urls(results)[view])
    assert response.status_code == 200


def test_unknown_quiz_is_404(editor_client):
    url = reverse("assessments_admin:quiz_statistics", args=[999999])
    # (Django's LocaleMiddleware first tries the URL with a language prefix.)
    assert editor_client.get(url, follow=True).status_code == 404


def test_who_may_see_personal_data(editor, moderator, manager, trainee):
    superuser = User.objects.create_superuser(email="root@example.org", password="x")
    assert can_see_personal_data(manager)
    assert can_see_personal_data(superuser)
    assert not can_see_personal_data(editor)
    assert not can_see_personal_data(moderator)
    assert not can_see_personal_data(trainee)
    manager.is_active = False
    assert not can_see_personal_data(manager)


def test_editor_and_moderator_manage_the_bank_manager_reads_quizzes(
    editor, moderator, manager
):
    for model in ("question", "quiz", "questioncategory", "scenario"):
        for action in ("add", "change", "view"):
            assert editor.has_perm(f"assessments.{action}_{model}")
            assert moderator.has_perm(f"assessments.{action}_{model}")
        assert not editor.has_perm(f"assessments.delete_{model}")
        assert moderator.has_perm(f"assessments.delete_{model}")
    assert manager.has_perm("assessments.view_quiz")
    assert not manager.has_perm("assessments.change_quiz")


# --- CSV --------------------------------------------------------------------


def test_editor_csv_is_pseudonymous(editor_client, results, people):
    aminata, mallory = people
    response = editor_client.get(urls(results)["csv"])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert f"quiz-{results.pk}-results.csv" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    rows = read_csv(response)
    assert rows[0] == [
        "Participant",
        "Attempt",
        "Submitted",
        "Score",
        "Percent",
        "Passed",
        "Q1 /1",
        "Q2 /1",
    ]
    body = rows[1:]
    assert len(body) == 3  # submitted attempts only, not the open one
    code_a, code_m = participant_code(aminata.pk), participant_code(mallory.pk)
    assert [row[0] for row in body] == [code_a, code_m, code_a]
    assert [row[1] for row in body] == ["1", "1", "2"]
    assert [row[3:] for row in body] == [
        ["2", "100", "Yes", "1", "1"],  # the exports' one number format
        ["1", "50", "No", "1", "0"],
        ["0", "0", "No", "0", "0"],
    ]
    text = "\n".join(",".join(row) for row in rows)
    for secret in ("Aminata", "aminata@example.org", "ONG Sahel", "HYPERLINK"):
        assert secret not in text


def test_participant_codes_are_stable_and_distinct(people):
    aminata, mallory = people
    assert participant_code(aminata.pk) == participant_code(aminata.pk)
    assert participant_code(aminata.pk) != participant_code(mallory.pk)
    assert re.fullmatch(r"P-[0-9A-F]{10}", participant_code(aminata.pk))


def test_manager_csv_has_personal_columns_and_is_logged(
    client, manager, results, caplog
):
    client.force_login(manager)
    with caplog.at_level(logging.INFO, logger="kalanso.audit"):
        response = client.get(urls(results)["csv"])
    rows = read_csv(response)
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action) == (manager, "export_personal_data")
    assert (entry.target_type, entry.target_id) == ("assessments.quiz", str(results.pk))
    assert entry.detail == {"rows": 3, "file_format": "csv"}
    assert rows[0][:4] == ["Full name", "E-mail address", "Organisation", "Attempt"]
    assert rows[1][:3] == ["Aminata Traoré", "aminata@example.org", "ONG Sahel"]
    # Formula injection: the name is kept as text.
    assert rows[2][0] == '\'=HYPERLINK("http://evil.example","clic")'
    assert rows[2][1:3] == ["mallory@example.org", ""]
    audit = [r for r in caplog.records if r.name == "kalanso.audit"]
    assert len(audit) == 1
    assert audit[0].user_id == manager.pk
    assert f"user={manager.pk}" in audit[0].getMessage()
    assert "'rows': 3" in audit[0].getMessage()


def test_pseudonymous_exports_are_not_logged_as_personal(
    editor_client, results, caplog
):
    with caplog.at_level(logging.INFO, logger="kalanso.audit"):
        editor_client.get(urls(results)["csv"])
    assert not [r for r in caplog.records if r.name == "kalanso.audit"]
    assert not AuditEntry.objects.exists()


def test_escape_formula():
    for dangerous in ("=1+1", "+33 6", "-2", "@SUM(A1)", "\t=1", "\r=1"):
        assert escape_formula(dangerous) == "'" + dangerous
    assert escape_formula("Aminata") == "Aminata"
    assert escape_formula(Decimal("-1")) == Decimal("-1")
    assert escape_formula(None) is None


def test_export_queries_do_not_grow_with_attempts(quiz, manager):
    def count():
        with CaptureQueriesContext(connection) as captured:
            table = results_table(quiz=quiz, user=manager)
            rows = list(table.rows)
        return len(captured.captured_queries), len(rows)

    count()  # warm-up: Django caches the manager's permissions on the object
    for i in range(3):
        take(quiz, user_with_role(f"few{i}@example.org", "Trainee"))
    few, rows_few = count()
    for i in range(20):
        take(quiz, user_with_role(f"many{i}@example.org", "Trainee"), (i % 2, 1))
    many, rows_many = count()
    assert (rows_few, rows_many) == (3, 23)
    assert few == many


def test_empty_export(editor_client, quiz):
    rows = read_csv(editor_client.get(urls(quiz)["csv"]))
    assert rows == [
        ["Participant", "Attempt", "Submitted", "Score", "Percent", "Passed"]
    ]


# --- XLSX -------------------------------------------------------------------


def test_manager_xlsx(client, manager, results, caplog):
    client.force_login(manager)
    with caplog.at_level(logging.INFO, logger="kalanso.audit"):
        response = client.get(urls(results)["xlsx"])
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert f"quiz-{results.pk}-results.xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    assert sheet.title == "Post-test"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "Full name",
        "E-mail address",
        "Organisation",
        "Attempt",
        "Submitted",
        "Score",
        "Percent",
        "Passed",
        "Q1 /1",
        "Q2 /1",
    )
    assert len(rows) == 4
    assert rows[1][:4] == ("Aminata Traoré", "aminata@example.org", "ONG Sahel", 1)
    assert rows[1][5:] == (2, 100, "Yes", 1, 1)
    assert rows[1][4].year >= 2024  # a real date
    # Text as typed (no apostrophe in XLSX), in a string cell: not a formula.
    assert rows[2][0] == '=HYPERLINK("http://evil.example","clic")'
    assert sheet.cell(row=3, column=1).data_type == "s"
    assert rows[3][3] == 2 and rows[3][6] == 0
    assert len([r for r in caplog.records if r.name == "kalanso.audit"]) == 1
    assert AuditEntry.objects.get().detail == {"rows": 3, "file_format": "xlsx"}


def test_editor_xlsx_is_pseudonymous(editor_client, results, people):
    response = editor_client.get(urls(results)["xlsx"])
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Participant"
    assert rows[1][0] == participant_code(people[0].pk)
    assert len(rows) == 4
    values = {str(v) for row in rows for v in row}
    assert not {"Aminata Traoré", "aminata@example.org", "ONG Sahel"} & values


# --- Statistics page ----------------------------------------------------------


def test_statistics_page(editor_client, results):
    response = editor_client.get(urls(results)["statistics"])
    html = response.content.decode()
    assert "<svg" in html and 'role="img"' in html and "data-distribution-chart" in html
    assert html.count("<rect") == 10  # one bar per band
    assert "data-distribution-table" in html
    assert "data-question-statistics" in html
    assert "Le marché partagé est…" in html
    assert "un connecteur" in html
    assert urls(results)["csv"] in html and urls(results)["xlsx"] in html
    summary = response.context["summary"]
    assert summary["attempts"] == 3 and summary["people"] == 2
    assert [b["count"] for b in summary["distribution"]] == [1, 0, 0, 0, 0, 1] + [
        0,
        0,
        0,
        1,
    ]


def test_svg_coordinates_are_not_localised(client, editor, results):
    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = "fr"
    profile.save()
    client.force_login(editor)
    html = client.get(urls(results)["statistics"]).content.decode()
    assert "Statistiques" in html or 'lang="fr"' in html
    chart = html.split("data-distribution-chart", 1)[1].split("</svg>", 1)[0]
    coordinates = re.findall(r' (?:x|y|x1|x2|y1|y2|width|height)="([^"]*)"', chart)
    assert len(coordinates) > 40
    for value in coordinates:
        float(value)  # "12,5" would not parse


def test_statistics_page_first_attempts(editor_client, results):
    response = editor_client.get(urls(results)["statistics"] + "?attempts=first")
    assert response.context["summary"]["attempts"] == 2
    assert response.context["first_only"]


def test_statistics_page_without_attempts(editor_client, quiz):
    response = editor_client.get(urls(quiz)["statistics"])
    assert response.status_code == 200
    assert "No submitted attempts yet." in response.content.decode()


def test_statistics_page_query_count_is_constant(editor_client, quiz):
    def count():
        with CaptureQueriesContext(connection) as captured:
            assert editor_client.get(urls(quiz)["statistics"]).status_code == 200
        return len(captured.captured_queries)

    take(quiz, user_with_role("a@example.org", "Trainee"))
    count()  # warm-up: per-user navigation links are cached after the first page
    few = count()
    for i in range(15):
        take(quiz, user_with_role(f"b{i}@example.org", "Trainee"), (i % 2, 1))
    assert count() == few


def test_quiz_listing_links_to_statistics(editor_client, results, trainee):
    response = editor_client.get(reverse("wagtailsnippets_assessments_quiz:list"))
    assert response.status_code == 200
    assert urls(results)["statistics"] in response.content.decode()
