"""A cascade session in a real browser, in French and in English.

A certified trainer (trained in a master trainer's earlier session) opens the
trainer area, creates a session in Gao, schedules it and marks it held,
imports the participants from the downloadable CSV template, records
attendance and test scores, writes and submits the report. A master trainer
then reviews and validates it, and the cascade below the master shows the new
participants in the trainer's generation. Every page is audited with axe-core.

A second test records attendance and paper scores with JavaScript switched
off: the site must work without it.

Only the UI is used once the people exist (the factories create the accounts,
the course and the master's earlier session); the database is read to check
what the pages did and to find participants' checkbox values.
"""

import csv
import io
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.utils import timezone, translation
from django.utils.translation import ngettext

import pytest
from playwright.sync_api import expect

from courses.factories import course_with_lessons
from kalanso.accounts.models import Organisation
from tests.browser.test_trainee_journey import (
    LOGIN_PASSWORD,
    assert_language,
    click_and_wait,
    messages,
    path_of,
    tr,
)
from trainers import factories, importing
from trainers.models import (
    Attendance,
    CascadeSession,
    Participant,
    ReportReview,
    TrainerProfile,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

Level = TrainerProfile.Level
Status = CascadeSession.Status

NARRATIVE = "Trois jours à Ansongo : cartes des connecteurs et des diviseurs du cercle."
# (name, sex, age band or age, organisation type, role, phone)
PEOPLE = [
    ("Aïssata Maïga", "f", "27", "ngo", "Animatrice", "+223 76 11 22 33"),
    ("Mariam Cissé", "f", "18-24", "cso", "Présidente d'association", "+223 66 44 55"),
    ("Hawa Touré", "f", "35-49", "ngo", "Enseignante", ""),
    ("Oumar Diallo", "m", "50+", "cso", "Chef de quartier", "+223 79 00 11 22"),
]
# Days missed (index in the session's days) per person; the rest is present.
ABSENT = {"Mariam Cissé": [1], "Oumar Diallo": [1, 2]}
# Pre- and post-test percentages as a trainer types them.
SCORES = {
    "Aïssata Maïga": ("40", "80"),
    "Mariam Cissé": ("55", "85"),
    "Hawa Touré": ("47,5", "90"),
    "Oumar Diallo": ("30", "70"),
}


def trn(lang, singular, plural, number, **values):
    with translation.override(lang):
        text = ngettext(singular, plural, number)
    return text % values


def log_in(page, lang, user):
    page.goto(f"/{lang}/accounts/login/")
    assert_language(page, lang)
    form = page.locator('main form[method="post"]')
    form.locator('input[name="username"]').fill(user.email)
    form.locator('input[name="password"]').fill(LOGIN_PASSWORD)
    click_and_wait(page, form.locator("button[type=submit]"))
    assert path_of(page) == f"/{lang}/learn/", page.url


def log_out(page):
    click_and_wait(page, page.locator('header form[action*="/logout/"] button'))
    expect(page.locator('header a[href$="/accounts/login/"]')).to_be_visible()


def open_trainer_area(page, lang):
    click_and_wait(page, page.locator(f'header a[href="/{lang}/trainers/sessions/"]'))
    assert path_of(page) == f"/{lang}/trainers/sessions/"
    assert_language(page, lang)
    expect(page.locator("main h1")).to_have_text(tr(lang, "Cascade sessions"))


def follow(page, suffix):
    """Follow the link of the page's main content whose address ends so."""
    click_and_wait(page, page.locator(f'main a[href$="{suffix}"]').first)


def expect_status(page, lang, status):
    with translation.override(lang):
        label = str(status.label)
    expect(page.locator("main p.lead")).to_contain_text(
        tr(lang, "Status: %(status)s", status=label)
    )


def open_cascade(page, lang, profile, axe_audit, label):
    """Trainer area → Trainer directory → the profile → its cascade."""
    open_trainer_area(page, lang)
    click_and_wait(page, page.locator(f'main a[href="/{lang}/trainers/"]'))
    expect(page.locator("main h1")).to_have_text(tr(lang, "Trainer directory"))
    click_and_wait(
        page, page.locator(f'main table a[href="/{lang}/trainers/{profile.pk}/"]')
    )
    expect(page.locator("main h1")).to_have_text(str(profile.user))
    click_and_wait(
        page, page.locator(f'main a[href="/{lang}/trainers/{profile.pk}/cascade/"]')
    )
    assert_language(page, lang)
    expect(page.locator("main h1")).to_have_text(tr(lang, "Cascade below this trainer"))
    axe_audit.check(page, label)


def expect_generation(page, generation, *, trainers, sessions, people, women, regions):
    row = page.locator("main table tbody tr").filter(
        has=page.locator(f'th:text-is("{generation}")')
    )
    expect(row).to_have_count(1)
    cells = row.locator("td")
    expect(cells.nth(0)).to_have_text(str(trainers))
    expect(cells.nth(1)).to_have_text(str(sessions))
    expect(cells.nth(2)).to_have_text(str(people))
    expect(cells.nth(3)).to_have_text(women)
    expect(cells.nth(4)).to_have_text(regions)


def write_participant_list(template: Path, target: Path, lang):
    """Fill in the downloaded template as a trainer would in a spreadsheet:
    keep the title row, replace the example with the real people."""
    text = template.read_bytes().decode("utf-8-sig")
    header = text.splitlines()[0]
    delimiter = ";" if ";" in header else ","
    labels = {
        "f": Participant.Sex.FEMALE.label,
        "m": Participant.Sex.MALE.label,
        "ngo": Organisation.Type.NATIONAL_NGO.label,
        "cso": Organisation.Type.CIVIL_SOCIETY.label,
    }
    titles = next(csv.reader([header], delimiter=delimiter))
    with translation.override(lang):
        assert titles == importing.template_header(), titles
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(titles)
    with translation.override(lang):
        for name, sex, age, organisation, role, phone in PEOPLE:
            writer.writerow(
                [name, str(labels[sex]), age, str(labels[organisation]), role, phone]
            )
    target.write_bytes(("\ufeff" + buffer.getvalue()).encode("utf-8"))
    return delimiter


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_session_report_review_and_cascade(
    lang, live_server, new_context, axe_audit, tmp_path
):
    today = timezone.localdate()
    start, end = today - timedelta(days=2), today
    course = course_with_lessons(
        lessons=1,
        public=False,
        locale_code=lang,
        title=f"Sensibilité aux conflits {lang}",
    )
    master = factories.trainer(
        f"master.{lang}@example.org",
        Level.MASTER,
        full_name="Fatoumata Maïga",
        preferred_language=lang,
    )
    # The master's earlier session, validated: the trainer took part in it.
    earlier = factories.session(
        course,
        master,
        status=Status.VALIDATED,
        start=today - timedelta(days=120),
        title="Session de formation des formateurs",
    )
    factories.participants(earlier, 3, women=2)
    trainer = factories.trainer(
        f"trainer.{lang}@example.org",
        Level.CERTIFIED,
        trained_in=earlier,
        full_name="Ibrahim Touré",
        preferred_language=lang,
    )
    Participant.objects.create(
        session=earlier, user=trainer, full_name="Ibrahim Touré", sex="m"
    )
    master_profile, trainer_profile = master.trainer_profile, trainer.trainer_profile
    title = f"Ansongo — cascade {lang}"

    page = new_context(accept_downloads=True).new_page()

    # --- The trainer logs in; their branch of the cascade is still empty ----
    log_in(page, lang, trainer)
    open_cascade(page, lang, trainer_profile, axe_audit, "cascade (trainer, before)")
    expect_generation(page, 2, trainers=1, sessions=0, people=0, women="—", regions="—")

    # --- Create the session, schedule it, mark it held ---------------------
    open_trainer_area(page, lang)
    axe_audit.check(page, "session list (trainer)")
    click_and_wait(page, page.locator(f'main a[href="/{lang}/trainers/sessions/new/"]'))
    expect(page.locator("main h1")).to_have_text(tr(lang, "New session"))
    axe_audit.check(page, "session form")
    form = page.locator('main form[method="post"]')
    form.locator('input[name="title"]').fill(title)
    form.locator('select[name="course"]').select_option(str(course.pk))
    form.locator('input[name="start_date"]').fill(start.isoformat())
    form.locator('input[name="end_date"]').fill(end.isoformat())
    form.locator('select[name="region"]').select_option(label="Gao")
    form.locator('select[name="place"]').select_option(label="Ansongo")
    form.locator('input[name="venue"]').fill("Centre d'animation pédagogique")
    form.locator('input[name="languages"]').first.check()
    form.locator('input[name="capacity"]').fill("25")
    click_and_wait(page, form.locator("button[type=submit]"))

    session = CascadeSession.objects.get(title=title)
    assert path_of(page) == f"/{lang}/trainers/sessions/{session.pk}/", page.url
    assert_language(page, lang)
    assert (session.lead_trainer, session.status) == (trainer, Status.DRAFT)
    assert (session.region.code, session.place.name) == ("ML-7", "Ansongo")
    assert (session.start_date, session.end_date, session.capacity) == (start, end, 25)
    expect(messages(page)).to_contain_text(
        tr(
            lang,
            "The session “%(title)s” is saved as a draft. Schedule it when the "
            "dates are confirmed.",
            title=title,
        )
    )
    expect_status(page, lang, Status.DRAFT)
    axe_audit.check(page, "session detail (draft)")

    click_and_wait(page, page.locator('form[action$="/schedule/"] button'))
    expect_status(page, lang, Status.SCHEDULED)
    click_and_wait(page, page.locator('form[action$="/held/"] button'))
    expect(messages(page)).to_contain_text(
        tr(lang, "The session is marked as held. You can now write its report.")
    )
    expect_status(page, lang, Status.HELD)
    session.refresh_from_db()
    assert session.status == Status.HELD

    # --- Import the participants from the template -------------------------
    follow(page, f"/sessions/{session.pk}/import/")
    expect(page.locator("main h1")).to_have_text(tr(lang, "Import participants"))
    axe_audit.check(page, "import form")
    with page.expect_download() as download_info:
        page.locator('main a[href$="/import-template.csv"]').click()
    template = tmp_path / "template.csv"
    download_info.value.save_as(template)
    filled = tmp_path / f"participants-{lang}.csv"
    delimiter = write_participant_list(template, filled, lang)
    assert delimiter == (";" if lang == "fr" else ",")

    upload = page.locator('main form[enctype="multipart/form-data"]')
    upload.locator('input[type="file"][name="file"]').set_input_files(filled)
    click_and_wait(page, upload.locator("button[type=submit]"))
    preview = page.locator('section[aria-labelledby="preview-title"]')
    expect(preview.locator("tbody tr")).to_have_count(len(PEOPLE))
    for name, *_rest in PEOPLE:
        expect(preview.locator("tbody")).to_contain_text(name)
    expect(preview.locator("tbody .success")).to_have_count(len(PEOPLE))
    expect(preview.locator("tr.incorrect")).to_have_count(0)
    expect(preview).to_contain_text(
        trn(
            lang,
            "%(counter)s person is ready to be added.",
            "%(counter)s people are ready to be added.",
            len(PEOPLE),
            counter=len(PEOPLE),
        )
    )
    assert not Participant.objects.filter(session=session).exists()
    axe_audit.check(page, "import preview")

    click_and_wait(page, preview.locator('form button[type="submit"]'))
    assert path_of(page) == f"/{lang}/trainers/sessions/{session.pk}/participants/"
    expect(messages(page)).to_contain_text(
        trn(
            lang,
            "%(count)s participant imported.",
            "%(count)s participants imported.",
            len(PEOPLE),
            count=len(PEOPLE),
        )
    )
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(len(PEOPLE))
    for name, *_rest in PEOPLE:
        expect(rows.locator("th bdi", has_text=name)).to_have_count(1)
    people = {
        p.full_name: p
        for p in Participant.objects.filter(session=session, source="import")
    }
    assert sorted(people) == sorted(name for name, *_rest in PEOPLE)
    assert [people[name].sex for name, *_rest in PEOPLE] == ["f", "f", "f", "m"]
    assert people["Aïssata Maïga"].age_band == "25-34"
    assert people["Oumar Diallo"].organisation_type == "cso"
    axe_audit.check(page, "participant list")

    # --- Attendance, day by day --------------------------------------------
    click_and_wait(page, page.locator("main nav.breadcrumb a").first)
    follow(page, f"/sessions/{session.pk}/attendance/")
    expect(page.locator("main h1")).to_have_text(tr(lang, "Attendance"))
    days = session.days
    assert len(days) == 3
    boxes = page.locator('main input[type="checkbox"][name="present"]')
    expect(boxes).to_have_count(len(PEOPLE) * len(days))
    for name, person in people.items():
        for index, day in enumerate(days):
            if index not in ABSENT.get(name, []):
                page.locator(f'input[value="{person.pk}:{day.isoformat()}"]').check()
    axe_audit.check(page, "attendance")
    click_and_wait(page, page.locator('main form button[type="submit"]'))
    expect(messages(page)).to_contain_text(
        tr(
            lang,
            "Attendance saved: %(count)s people present at least one day.",
            count=len(PEOPLE),
        )
    )
    expect(page.locator('main input[name="present"]:checked')).to_have_count(
        len(PEOPLE) * len(days) - 3
    )
    assert Attendance.objects.filter(participant__session=session).count() == 12
    assert not Attendance.objects.filter(
        participant=people["Oumar Diallo"], day__in=days[1:], present=True
    ).exists()

    # --- Pre- and post-test scores ------------------------------------------
    click_and_wait(page, page.locator("main nav.breadcrumb a").first)
    follow(page, f"/sessions/{session.pk}/scores/")
    expect(page.locator("main h1")).to_have_text(tr(lang, "Pre- and post-test scores"))
    expect(page.locator('input[name="unit"][value="percent"]')).to_be_checked()
    for name, (pre, post) in SCORES.items():
        pk = people[name].pk
        page.locator(f'input[name="pre_{pk}"]').fill(pre)
        page.locator(f'input[name="post_{pk}"]').fill(post)
    axe_audit.check(page, "scores")
    click_and_wait(page, page.locator('main form button[type="submit"]'))
    expect(messages(page)).to_contain_text(
        trn(
            lang,
            "Scores saved (%(count)s person changed).",
            "Scores saved (%(count)s people changed).",
            len(PEOPLE),
            count=len(PEOPLE),
        )
    )
    assert Participant.objects.get(pk=people["Hawa Touré"].pk).pre_score == Decimal(
        "47.5"
    )
    expect(page.locator(f'input[name="pre_{people["Hawa Touré"].pk}"]')).to_have_value(
        "47.5"
    )

    # --- The report ----------------------------------------------------------
    click_and_wait(page, page.locator("main nav.breadcrumb a").first)
    summary = page.locator('section[aria-labelledby="summary-title"]')
    expect(summary).to_contain_text(
        tr(
            lang,
            "%(women)s women, %(men)s men, %(other)s not given",
            women=3,
            men=1,
            other=0,
        )
    )
    follow(page, f"/sessions/{session.pk}/report/")
    expect(page.locator("main h1")).to_have_text(tr(lang, "Session report"))
    axe_audit.check(page, "report form")
    page.locator('main textarea[name="narrative"]').fill(NARRATIVE)
    click_and_wait(page, page.locator('main button[name="action"][value="submit"]'))
    assert path_of(page) == f"/{lang}/trainers/sessions/{session.pk}/"
    expect(messages(page)).to_contain_text(
        tr(lang, "The report is submitted to a master trainer for review.")
    )
    expect_status(page, lang, Status.REPORTED)
    expect(page.locator('section[aria-labelledby="report-title"]')).to_contain_text(
        NARRATIVE
    )
    # Submitted: the trainer can neither edit nor review their own report.
    expect(
        page.locator(f'main a[href$="/sessions/{session.pk}/review/"]')
    ).to_have_count(0)
    expect(
        page.locator(f'main a[href$="/sessions/{session.pk}/report/"]')
    ).to_have_count(0)
    axe_audit.check(page, "session detail (reported)")
    # Nor change the attendance any more.
    follow(page, f"/sessions/{session.pk}/attendance/")
    expect(page.locator("main p.meta")).to_have_text(
        tr(lang, "The report has been submitted: this can no longer change.")
    )
    expect(page.locator('main input[name="present"]:not([disabled])')).to_have_count(0)
    expect(page.locator('main form button[type="submit"]')).to_have_count(0)
    log_out(page)

    # --- The master trainer reviews and validates ----------------------------
    log_in(page, lang, master)
    open_trainer_area(page, lang)
    every = page.locator('section[aria-labelledby="all-title"]')
    every.locator('select[name="status"]').select_option(Status.REPORTED.value)
    click_and_wait(page, every.locator('form.filters button[type="submit"]'))
    expect(every.locator("tbody tr")).to_have_count(1)
    axe_audit.check(page, "session list (master, filtered)")
    click_and_wait(
        page, every.locator(f'a[href="/{lang}/trainers/sessions/{session.pk}/"]')
    )
    expect_status(page, lang, Status.REPORTED)
    follow(page, f"/sessions/{session.pk}/review/")
    assert path_of(page) == f"/{lang}/trainers/sessions/{session.pk}/review/"
    expect(page.locator("main h1")).to_have_text(tr(lang, "Review the session report"))
    expect(page.locator("main")).to_contain_text(NARRATIVE)
    expect(page.locator('section[aria-labelledby="summary-title"]')).to_contain_text(
        tr(
            lang,
            "%(women)s women, %(men)s men, %(other)s not given",
            women=3,
            men=1,
            other=0,
        )
    )
    axe_audit.check(page, "review")
    page.locator(
        f'main input[name="decision"][value="{ReportReview.Decision.VALIDATED}"]'
    ).check()
    click_and_wait(page, page.locator('main form button[type="submit"]'))
    assert path_of(page) == f"/{lang}/trainers/sessions/{session.pk}/"
    expect(messages(page)).to_contain_text(tr(lang, "The report is validated."))
    expect_status(page, lang, Status.VALIDATED)
    session.refresh_from_db()
    assert (session.status, session.validated_by) == (Status.VALIDATED, master)
    assert session.reviews.get().reviewer == master

    # --- The cascade below the master: the trainer's generation grew ---------
    open_cascade(page, lang, master_profile, axe_audit, "cascade (master, after)")
    expect_generation(
        page, 1, trainers=1, sessions=1, people=4, women="50 %", regions="Gao"
    )
    expect_generation(
        page, 2, trainers=1, sessions=1, people=4, women="75 %", regions="Gao"
    )
    reach = page.locator("main dl.tests dd")
    expect(reach).to_have_text(["4", "4", "8"])
    # Who trained whom: the trainer is listed under the master, one level down.
    top = page.locator("main > ul.outline > li")
    expect(top).to_have_count(1)
    expect(top.locator("> a")).to_have_text(str(master))
    nested = top.locator("> ul.outline > li")
    expect(nested).to_have_count(1)
    expect(nested.locator("> a")).to_have_text(str(trainer))
    expect(nested).to_contain_text(tr(lang, "generation %(generation)s", generation=2))

    axe_audit.assert_clean()


def test_attendance_and_scores_work_without_javascript(live_server, new_context):
    """Attendance and paper scores are plain forms: ticking boxes, typing
    points out of a total, the server's validation and saving all work with
    JavaScript switched off."""
    lang = "fr"
    today = timezone.localdate()
    course = course_with_lessons(lessons=1, public=False, title="Cours sans JS")
    trainer = factories.trainer("formateur.nojs@example.org", Level.CERTIFIED)
    session = factories.session(
        course,
        trainer,
        status=Status.HELD,
        start=today - timedelta(days=1),
        days=2,
        title="Session sans JavaScript",
    )
    first, second, third = factories.participants(session, 3, women=2)
    day1, day2 = session.days

    page = new_context(java_script_enabled=False).new_page()
    attendance_url = f"/{lang}/trainers/sessions/{session.pk}/attendance/"
    page.goto(attendance_url)
    assert path_of(page) == f"/{lang}/accounts/login/", page.url
    form = page.locator('main form[method="post"]')
    form.locator('input[name="username"]').fill(trainer.email)
    form.locator('input[name="password"]').fill(LOGIN_PASSWORD)
    click_and_wait(page, form.locator("button[type=submit]"))
    assert path_of(page) == attendance_url, page.url

    for person, day in ((first, day1), (first, day2), (second, day1), (third, day2)):
        page.locator(f'input[value="{person.pk}:{day.isoformat()}"]').check()
    click_and_wait(page, page.locator('main form button[type="submit"]'))
    assert path_of(page) == attendance_url
    expect(messages(page)).to_contain_text(
        tr(
            lang,
            "Attendance saved: %(count)s people present at least one day.",
            count=3,
        )
    )
    present = set(
        Attendance.objects.filter(present=True).values_list("participant_id", "day")
    )
    assert present == {
        (first.pk, day1),
        (first.pk, day2),
        (second.pk, day1),
        (third.pk, day2),
    }
    assert Attendance.objects.filter(present=False).count() == 2
    expect(page.locator('input[name="present"]:checked')).to_have_count(4)

    # Scores in points out of 20; one typo is refused and nothing is saved.
    page.goto(f"/{lang}/trainers/sessions/{session.pk}/scores/")
    page.locator('input[name="unit"][value="points"]').check()
    page.locator('input[name="out_of"]').fill("20")
    page.locator(f'input[name="pre_{first.pk}"]').fill("9")
    page.locator(f'input[name="post_{first.pk}"]').fill("17,5")
    page.locator(f'input[name="pre_{second.pk}"]').fill("douze")
    click_and_wait(page, page.locator('main form button[type="submit"]'))
    expect(messages(page)).to_contain_text(
        tr(lang, "Nothing was saved: correct the scores marked below.")
    )
    expect(page.locator(f'input[name="pre_{second.pk}"]')).to_have_attribute(
        "aria-invalid", "true"
    )
    expect(page.locator(f"#errors-{second.pk}")).to_contain_text(
        tr(lang, "Not a number.")
    )
    assert not Participant.objects.filter(pre_score__isnull=False).exists()

    page.locator(f'input[name="pre_{second.pk}"]').fill("12")
    click_and_wait(page, page.locator('main form button[type="submit"]'))
    expect(messages(page)).to_contain_text(
        trn(
            lang,
            "Scores saved (%(count)s person changed).",
            "Scores saved (%(count)s people changed).",
            2,
            count=2,
        )
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.pre_score, first.post_score) == (Decimal("45"), Decimal("87.5"))
    assert second.pre_score == Decimal("60")
