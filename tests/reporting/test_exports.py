"""Exports: aggregates are suppressed (CSV, XLSX, public page); personal-data
exports are for managers and each one is in the audit log."""

import csv
import io

from django.urls import reverse
from django.utils import translation

import pytest
from openpyxl import load_workbook

from kalanso.accounts.models import AuditEntry
from reporting import exports, report
from reporting.models import PublicSummarySettings
from reporting.suppression import HIDDEN, SMALL, recoverable

pytestmark = pytest.mark.django_db


def csv_rows(response):
    content = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_published_report_hides_small_counts(programme):
    data = report.build(published=True)
    regions = {r["key"]: r["values"] for r in data.table_rows(data.tables["regions"])}
    # Mopti: 0 online, 3 in cascade → "<5"; Gao: 1 online → "<5".
    assert regions["ML-5"][1] == SMALL
    assert regions["ML-7"][0] == SMALL
    assert regions["ML-1"] == [0, 0, 0]
    # Nothing hidden can be recomputed from what is published, across tables.
    published = {key: (data.shown(report.Cell(key=key))) for key in data.values}
    assert recoverable(published, data.relations) == set()
    # No published count anywhere is between 1 and 4.
    for table in data.tables.values():
        for row in data.table_rows(table):
            for column, value in zip(table.columns, row["values"], strict=True):
                if isinstance(value, int) and column.key not in ("share",):
                    assert not 1 <= value <= 4, (table.slug, row["key"], value)


def test_derived_figures_follow_their_counts(programme):
    data = report.build(published=True)
    gens = {r["key"]: r["values"] for r in data.table_rows(data.tables["generations"])}
    columns = [c.key for c in data.tables["generations"].columns]
    gen2 = dict(zip(columns, gens["2"], strict=True))
    # 3 participants, 1 woman, 2 with scores: all hidden, and so the means.
    assert gen2["participants"] in (SMALL, HIDDEN)
    assert gen2["mean_gain"] == HIDDEN and gen2["women_share"] == HIDDEN


def test_csv_and_xlsx_of_every_table(client, manager, programme):
    client.force_login(manager)
    response = client.get(reverse("reporting:export_aggregates", args=["csv"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = csv_rows(response)
    titles = {line[0] for line in lines if len(line) == 1}
    for table in report.build().tables.values():
        assert str(table.title) in titles
    mopti = next(line for line in lines if line and line[0] == "Mopti")
    assert mopti[1:] == ["0", SMALL, SMALL]
    assert not any(
        cell.isdigit() and 1 <= int(cell) <= 4
        for line in lines[8:]
        for cell in line[1:]
    )
    response = client.get(reverse("reporting:export_aggregates", args=["xlsx"]))
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.sheetnames) == 1 + len(report.TABLE_ORDER)
    sheet = workbook[workbook.sheetnames[2]]  # by region
    values = list(sheet.iter_rows(values_only=True))
    mopti = next(row for row in values if row[0] == "Mopti")
    assert list(mopti[1:]) == [0, SMALL, SMALL]
    assert AuditEntry.objects.filter(action="reporting.export_aggregates").count() == 2


def test_personal_export_is_audited(client, manager, programme):
    client.force_login(manager)
    response = client.get(
        reverse("reporting:export_personal", args=["participants", "csv"])
        + "?region=ML-7"
    )
    lines = csv_rows(response)
    assert len(lines) == 1 + 6
    assert {line[6] for line in lines[1:]} == {f"Participant {i}" for i in range(1, 7)}
    entry = AuditEntry.objects.get(action="reporting.export_personal_data")
    assert entry.actor == manager
    assert entry.detail["rows"] == 6 and entry.detail["kind"] == "participants"
    assert entry.detail["region"] == "ML-7"
    response = client.get(
        reverse("reporting:export_personal", args=["learners", "xlsx"])
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    emails = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert emails == {f"l{i}@example.org" for i in range(1, 5)}
    assert (
        AuditEntry.objects.filter(action="reporting.export_personal_data").count() == 2
    )


def test_invalid_filters_export_nothing(client, manager, programme):
    client.force_login(manager)
    response = client.get(
        reverse("reporting:export_personal", args=["participants", "csv"])
        + "?start=2025-05-01&end=2025-01-01"
    )
    assert response.status_code == 302
    assert not AuditEntry.objects.filter(
        action="reporting.export_personal_data"
    ).exists()


def test_dashboard_exact_and_preview(client, manager, programme):
    client.force_login(manager)
    page = client.get(reverse("reporting:dashboard")).content.decode()
    assert "<svg" in page and "Ménaka" in page and "Taoudénit" in page
    assert "Who&#x27;s On First" in page or "Who's On First" in page
    assert "style=" not in page.split("<main", 1)[1]
    preview = client.get(reverse("reporting:dashboard") + "?view=published")
    assert "&lt;5" in preview.content.decode()
    bad = client.get(reverse("reporting:dashboard") + "?start=nonsense&region=ZZ")
    assert bad.status_code == 200


def test_public_page_shows_only_suppressed_figures(client, programme):
    settings = PublicSummarySettings.load()
    settings.enabled = True
    settings.intro = "Nos résultats"
    settings.save()
    page = client.get(reverse("reporting:public_summary")).content.decode()
    assert "Nos résultats" in page and "&lt;5" in page
    # Mopti's 3 cascade participants are not printed anywhere in the table.
    row = page.split(">Mopti</th>", 1)[1].split("</tr>", 1)[0]
    assert ">3<" not in row and "&lt;5" in row
    settings.enabled = False
    settings.save()
    assert client.get(reverse("reporting:public_summary")).status_code == 404


def test_aggregate_sheets_have_short_names_and_the_full_title_first(
    client, manager, programme
):
    client.force_login(manager)
    for language in ("fr", "en"):
        with translation.override(language):
            url = reverse("reporting:export_aggregates", args=["xlsx"])
        workbook = load_workbook(io.BytesIO(client.get(url).content))
        with translation.override(language):
            data = report.build()
            names = [str(exports.SHEET_NAMES[slug]) for slug in report.TABLE_ORDER]
            titles = [str(data.tables[slug].title) for slug in report.TABLE_ORDER]
        # The names chosen, never a title cut at 31 characters.
        assert workbook.sheetnames[1:] == names
        assert all(len(name) <= 31 for name in workbook.sheetnames)
        for name, title in zip(names, titles, strict=True):
            assert workbook[name]["A1"].value == title
            assert workbook[name]["A1"].font.bold


def test_personal_export_scores_have_the_sessions_number_format(
    client, manager, programme
):
    client.force_login(manager)
    response = client.get(
        reverse("reporting:export_personal", args=["participants", "csv"])
        + "?region=ML-7"
    )
    lines = csv_rows(response)
    pre, post = (
        lines[0].index(str(name))
        for name in ("Score au pré-test (%)", "Score au post-test (%)")
    )
    scores = {(line[pre], line[post]) for line in lines[1:]}
    assert ("40", "60") in scores  # not "40.00", "60.00"
    assert not any("." in score for pair in scores for score in pair)


def test_personal_exports_show_labels_and_keep_the_codes(client, manager, programme):
    """Sex, age band, organisation type and region in the reader's language,
    each followed by a column that keeps the machine code."""
    client.force_login(manager)
    with translation.override("en"):
        url = reverse("reporting:export_personal", args=["participants", "csv"])
    lines = csv_rows(client.get(url + "?region=ML-7"))
    header = lines[0]
    for column in ("Region", "Sex", "Age band", "Organisation type"):
        assert header[header.index(column) + 1] == f"{column} (code)"
    rows = [dict(zip(header, line, strict=True)) for line in lines[1:]]
    assert {(r["Sex"], r["Sex (code)"]) for r in rows} == {("Woman", "f"), ("Man", "m")}
    assert {(r["Organisation type"], r["Organisation type (code)"]) for r in rows} == {
        ("National NGO", "ngo")
    }
    assert {(r["Region"], r["Region (code)"]) for r in rows} == {("Gao", "ML-7")}
    with translation.override("en"):
        url = reverse("reporting:export_personal", args=["learners", "xlsx"])
    sheet = load_workbook(io.BytesIO(client.get(url).content)).active
    values = list(sheet.iter_rows(values_only=True))
    header = list(values[0])
    rows = [dict(zip(header, row, strict=True)) for row in values[1:]]
    l2 = next(r for r in rows if r["E-mail address"] == "l2@example.org")
    assert (l2["Region"], l2["Region (code)"]) == ("Bamako District", "ML-BKO")
    assert (l2["Organisation type"], l2["Organisation type (code)"]) == (
        "UN mission",
        "un",
    )
    # The course column: the title in the reader's language.
    assert {r["Course"] for r in rows} == {programme["course"].title}
