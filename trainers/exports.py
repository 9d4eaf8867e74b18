"""A session's participant list as CSV or XLSX, for the session's trainers,
master trainers and programme managers (personal data: every export is
recorded in the audit log by the view).

The files are written by ``kalanso.spreadsheets``: UTF-8 CSV with a
byte-order mark, and text cells protected against formula injection in both
formats. A session holds at most 500 people: the rows are built in memory with
three queries, whatever their number.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q
from django.utils.text import slugify
from django.utils.translation import gettext as _

from assessments.exports import ResultsTable
from kalanso import spreadsheets
from kalanso.accounts.models import Organisation

# The views answer with these (defined once, in kalanso.spreadsheets).
from kalanso.spreadsheets import CSV_CONTENT_TYPE as CSV_CONTENT_TYPE
from kalanso.spreadsheets import XLSX_CONTENT_TYPE as XLSX_CONTENT_TYPE

from .models import Attendance, CascadeSession, Participant


def exported_participants(session: CascadeSession):
    """Everyone on the list or waiting; withdrawn people are left out."""
    return (
        session.participants.exclude(state=Participant.State.CANCELLED)
        .annotate(days_present=Count("attendance", filter=Q(attendance__present=True)))
        .order_by("full_name", "pk")
    )


def participant_table(session: CascadeSession) -> ResultsTable:
    people = list(exported_participants(session))
    days = session.days
    marks = {
        (pk, day): present
        for pk, day, present in Attendance.objects.filter(
            participant__in=[p.pk for p in people]
        ).values_list("participant_id", "day", "present")
    }
    sex = dict(Participant.Sex.choices)
    bands = dict(Participant.AgeBand.choices)
    types = dict(Organisation.Type.choices)
    states = dict(Participant.State.choices)
    sources = dict(Participant.Source.choices)
    yes, no = _("Yes"), _("No")
    present, absent = _("present"), _("absent")

    header = [
        _("Full name"),
        _("Sex"),
        _("Age band"),
        _("Organisation type"),
        _("Role"),
        _("Phone"),
        _("Registration"),
        _("Origin"),
        _("Has an account"),
        *(day.isoformat() for day in days),
        _("Days present"),
        _("Pre-test (%)"),
        _("Post-test (%)"),
    ]
    rows = []
    for person in people:
        attendance = []
        for day in days:
            mark = marks.get((person.pk, day))
            attendance.append("" if mark is None else (present if mark else absent))
        rows.append(
            [
                person.full_name,
                str(sex.get(person.sex, "")),
                str(bands.get(person.age_band, "")),
                str(types.get(person.organisation_type, "")),
                person.role,
                person.phone,
                str(states.get(person.state, person.state)),
                str(sources.get(person.source, person.source)),
                yes if person.user_id else no,
                *attendance,
                person.days_present,
                _score(person.pre_score),
                _score(person.post_score),
            ]
        )
    return ResultsTable(
        header=header, row_count=len(rows), rows=iter(rows), personal=True
    )


def _score(value):
    """The exports' one format of numbers (``kalanso.spreadsheets.number``)."""
    return None if value is None else spreadsheets.number(Decimal(value))


def csv_bytes(table: ResultsTable) -> bytes:
    return spreadsheets.csv_bytes(table.header, table.rows)


def xlsx(table: ResultsTable, session: CascadeSession) -> bytes:
    return spreadsheets.xlsx_bytes(
        [spreadsheets.Sheet(_("Participants"), table.header, table.rows)]
    )


def export_filename(session: CascadeSession, extension: str) -> str:
    slug = slugify(session.title)[:50].strip("-_")
    return f"session-{session.pk}{'-' + slug if slug else ''}-participants.{extension}"
