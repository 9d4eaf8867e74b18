"""Exports: every aggregate (CSV, XLSX; always suppressed) and the personal
data behind them (programme managers only; each export is audited by the view).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from assessments.exports import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    escape_formula,
)

from . import selectors, suppression
from .filters import resolve
from .report import Report

__all__ = ["CSV_CONTENT_TYPE", "XLSX_CONTENT_TYPE"]


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


def aggregate_sheets(report: Report) -> list[tuple[str, list, list[list]]]:
    """(title, header, rows) for each table of the report."""
    sheets = []
    for table in report.tables.values():
        header = ["", *(str(c.label) for c in table.columns)]
        rows = [[row["label"], *row["values"]] for row in report.table_rows(table)]
        sheets.append((str(table.title), header, rows))
    return sheets


def _csv_value(value):
    if value is None:
        return ""
    return escape_formula(value)


def aggregates_csv(report: Report) -> str:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    for row in _about(report):
        writer.writerow([_csv_value(v) for v in row])
    for title, header, rows in aggregate_sheets(report):
        writer.writerow([])
        writer.writerow([_csv_value(title)])
        writer.writerow([_csv_value(v) for v in header])
        for row in rows:
            writer.writerow([_csv_value(v) for v in row])
    return buffer.getvalue()


def _sheet_title(title: str, used: set) -> str:
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in title).strip()[:28]
    name, n = cleaned or "Sheet", 2
    while name in used:
        name = f"{cleaned[:26]} {n}"
        n += 1
    used.add(name)
    return name


def workbook_bytes(sheets: list[tuple[str, list, list]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    used: set = set()
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=_sheet_title(title, used))
        if header:
            cells = []
            for value in header:
                cell = WriteOnlyCell(sheet, value=escape_formula(value))
                cell.font = bold
                cells.append(cell)
            sheet.append(cells)
        for row in rows:
            cells = []
            for value in row:
                if isinstance(value, datetime):
                    value = timezone.localtime(value).replace(tzinfo=None)
                elif isinstance(value, Promise):
                    value = str(value)
                cell = WriteOnlyCell(
                    sheet,
                    value=float(value)
                    if hasattr(value, "as_tuple")
                    else escape_formula(value),
                )
                if isinstance(value, datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
                elif isinstance(value, date):
                    cell.number_format = "yyyy-mm-dd"
                cells.append(cell)
            sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def aggregates_xlsx(report: Report) -> bytes:
    return workbook_bytes([(_("About"), [], _about(report)), *aggregate_sheets(report)])


# Personal data -----------------------------------------------------------------


def participants_table(filters) -> tuple[list, int, Iterator[list]]:
    """Header, row count and rows (streamed) of the cascade participants
    counted in the figures, with their personal data."""
    f = resolve(filters)
    qs = selectors.participants(f).order_by("session__start_date", "session_id", "pk")
    header = [
        _("Session"),
        _("Session title"),
        _("First day"),
        _("Region"),
        _("Course"),
        _("Full name"),
        _("Sex"),
        _("Age band"),
        _("Organisation type"),
        _("Role"),
        _("Phone"),
        _("Pre-test score (%)"),
        _("Post-test score (%)"),
        _("Pseudonymised"),
    ]
    fields = [
        "session_id",
        "session__title",
        "session__start_date",
        "session__region__code",
        "session__course__title",
        "full_name",
        "sex",
        "age_band",
        "organisation_type",
        "role",
        "phone",
        "pre_score",
        "post_score",
        "pseudonymised_at",
    ]
    count = qs.count()

    def rows():
        for values in qs.values_list(*fields).iterator(chunk_size=2000):
            values = list(values)
            values[-1] = _("Yes") if values[-1] else ""
            yield values

    return header, count, rows()


def learners_table(filters) -> tuple[list, int, Iterator[list]]:
    """Online enrolments in the period with the learners' personal data."""
    f = resolve(filters)
    qs = selectors.enrolments(f).order_by("enrolled_at", "pk")
    header = [
        _("Full name"),
        _("E-mail address"),
        _("Organisation"),
        _("Organisation type"),
        _("Region"),
        _("Course"),
        _("Enrolled"),
        _("Completed"),
    ]
    fields = [
        "user__full_name",
        "user__email",
        "user__organisation__name",
        "user__organisation__type",
        "user__region__code",
        "course__title",
        "enrolled_at",
        "completed_at",
    ]
    count = qs.count()

    def rows():
        yield from (list(v) for v in qs.values_list(*fields).iterator(chunk_size=2000))

    return header, count, rows()


PERSONAL_TABLES = {"participants": participants_table, "learners": learners_table}


class _Echo:
    def write(self, value):
        return value


def csv_stream(header: list, rows: Iterator[list]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow([_csv_value(v) for v in header])
    for row in rows:
        out = []
        for value in row:
            if isinstance(value, datetime):
                value = timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
            out.append(_csv_value(value))
        yield writer.writerow(out)
