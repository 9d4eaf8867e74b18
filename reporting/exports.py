"""Exports: every aggregate (CSV, XLSX; always suppressed) and the personal
data behind them (programme managers only; each export is audited by the view).
The files are written by ``kalanso.spreadsheets``; times to the minute.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kalanso.accounts.models import Organisation, Region
from kalanso.spreadsheets import TO_THE_MINUTE, Sheet, csv_lines, xlsx_bytes
from trainers.models import Participant

from . import selectors, suppression
from .filters import course_choices, resolve
from .report import Report


def _about(report: Report) -> list[list]:
    filters = report.filters.as_dict()
    rows = [
        [_("Kalanso programme report")],
        [
            _("Generated"),
            timezone.localtime(report.generated_at).strftime("%Y-%m-%d %H:%M"),
        ],
    ]
    labels = {
        "from": _("From"),
        "to": _("To"),
        "region": _("Region"),
        "course": _("Course"),
        "organisation_type": _("Organisation type"),
    }
    for key, value in filters.items():
        rows.append([labels[key], value or _("all")])
    rows += [
        [
            suppression.SMALL,
            _("from 1 to 4 people: hidden so that nobody can be singled out"),
        ],
        [
            suppression.HIDDEN,
            _("hidden so that a small figure cannot be worked out from the totals"),
        ],
    ]
    return rows


# Sheet names fit Excel's 31 characters in both languages; the table's full
# title is the sheet's first row.
SHEET_NAMES = {
    "summary": gettext_lazy("Headline figures"),
    "regions": gettext_lazy("Regions"),
    "organisation_types": gettext_lazy("Organisation types"),
    "sex": gettext_lazy("Sex"),
    "generations": gettext_lazy("Generations"),
    "timeline": gettext_lazy("Over time"),
    "knowledge_gain": gettext_lazy("Knowledge gain"),
    "certification": gettext_lazy("Certification"),
    "sessions": gettext_lazy("Sessions"),
    "courses": gettext_lazy("Courses"),
}
PERSONAL_SHEET_NAMES = {
    "participants": gettext_lazy("Participants"),
    "learners": gettext_lazy("Online learners"),
}


def aggregate_sheets(report: Report) -> list[Sheet]:
    """One sheet for each table of the report."""
    sheets = []
    for table in report.tables.values():
        header = ["", *(str(c.label) for c in table.columns)]
        rows = [[row["label"], *row["values"]] for row in report.table_rows(table)]
        name = SHEET_NAMES.get(table.slug, table.title)
        sheets.append(Sheet(str(name), header, rows, caption=str(table.title)))
    return sheets


def aggregates_csv(report: Report) -> str:
    """What the report says, then each table under its title, in one file."""
    lines = list(_about(report))
    for sheet in aggregate_sheets(report):
        lines += [[], [sheet.caption], sheet.header, *sheet.rows]
    return "".join(csv_lines((), lines, times=TO_THE_MINUTE))


def aggregates_xlsx(report: Report) -> bytes:
    return xlsx_bytes(
        [Sheet(_("About"), (), _about(report)), *aggregate_sheets(report)],
        times=TO_THE_MINUTE,
    )


# Personal data -----------------------------------------------------------------


def _region_names() -> dict[str, str]:
    return {region.code: str(region) for region in Region.objects.all()}


def _course_title():
    """Course (by translation key) → its title in the reader's language
    where it has a version (one query)."""
    titles = dict(course_choices())
    return lambda key: titles.get(str(key), "") if key else ""


def _coded_table(columns, qs):
    """Header and streamed rows for ``columns``: ``(header, field, labels)``.
    ``labels`` maps a code to its label in the reader's language, and the
    column is followed by one that keeps the code (for people who filter or
    join on it); a callable ``labels`` only rewrites the value."""
    header, fields = [], []
    for title, field, labels in columns:
        header.append(title)
        fields.append(field)
        if isinstance(labels, dict):
            header.append(_("%(column)s (code)") % {"column": title})

    def rows():
        for values in qs.values_list(*fields).iterator(chunk_size=2000):
            row = []
            for (_title, _field, labels), value in zip(columns, values, strict=True):
                if isinstance(labels, dict):
                    row += [labels.get(value, value or ""), value or ""]
                elif callable(labels):
                    row.append(labels(value))
                else:
                    row.append(value)
            yield row

    return header, rows()


def participants_table(filters) -> tuple[list, int, Iterator[list]]:
    """Header, row count and rows (streamed) of the cascade participants
    counted in the figures, with their personal data."""
    f = resolve(filters)
    qs = selectors.participants(f).order_by("session__start_date", "session_id", "pk")
    columns = [
        (_("Session"), "session_id", None),
        (_("Session title"), "session__title", None),
        (_("First day"), "session__start_date", None),
        (_("Region"), "session__region__code", _region_names()),
        (_("Course"), "session__course__translation_key", _course_title()),
        (_("Full name"), "full_name", None),
        (_("Sex"), "sex", dict(Participant.Sex.choices)),
        (_("Age band"), "age_band", dict(Participant.AgeBand.choices)),
        (_("Organisation type"), "organisation_type", dict(Organisation.Type.choices)),
        (_("Role"), "role", None),
        (_("Phone"), "phone", None),
        (_("Pre-test score (%)"), "pre_score", None),
        (_("Post-test score (%)"), "post_score", None),
        (_("Pseudonymised"), "pseudonymised_at", lambda when: _("Yes") if when else ""),
    ]
    header, rows = _coded_table(columns, qs)
    return header, qs.count(), rows


def learners_table(filters) -> tuple[list, int, Iterator[list]]:
    """Online enrolments in the period with the learners' personal data."""
    f = resolve(filters)
    qs = selectors.enrolments(f).order_by("enrolled_at", "pk")
    columns = [
        (_("Full name"), "user__full_name", None),
        (_("E-mail address"), "user__email", None),
        (_("Organisation"), "user__organisation__name", None),
        (
            _("Organisation type"),
            "user__organisation__type",
            dict(Organisation.Type.choices),
        ),
        (_("Region"), "user__region__code", _region_names()),
        (_("Course"), "course_key", _course_title()),
        (_("Enrolled"), "enrolled_at", None),
        (_("Completed"), "completed_at", None),
    ]
    header, rows = _coded_table(columns, qs)
    return header, qs.count(), rows


PERSONAL_TABLES = {"participants": participants_table, "learners": learners_table}


def personal_csv(header: list, rows: Iterator[list]) -> Iterator[str]:
    """The lines of a personal-data export, for a streaming response."""
    return csv_lines(header, rows, times=TO_THE_MINUTE)


def personal_xlsx(kind: str, header: list, rows: Iterator[list]) -> bytes:
    name = str(PERSONAL_SHEET_NAMES.get(kind, kind))
    return xlsx_bytes([Sheet(name, header, rows)], times=TO_THE_MINUTE)
