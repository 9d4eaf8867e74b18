"""Exports of a quiz's results: one row per submitted attempt, as CSV or XLSX.

Personal columns (full name, e-mail, organisation) are included only for people
allowed to see who took a quiz (``kalanso.accounts.roles.can_see_quiz_takers``,
here as ``can_see_personal_data``); everybody else gets a
pseudonymous participant code, stable for a person across exports and quizzes
but meaningless without the site's ``SECRET_KEY``.

Rows are read with two ``values_list(...).iterator()`` queries (attempts, and
their marks), both in attempt order and merged as they stream: no model
instances, no query per row, memory independent of the number of attempts.
The files are written by ``kalanso.spreadsheets`` (text cells protected
against formula injection, in CSV and XLSX).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Min
from django.db.models.fields.json import KT
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from kalanso import spreadsheets
from kalanso.accounts import roles

from .models import AttemptQuestion, Quiz
from .statistics import question_key, submitted_attempts, submitted_rows

can_see_personal_data = roles.can_see_quiz_takers


def participant_code(user_id: int) -> str:
    """A short, stable pseudonym for a person (keyed HMAC of the user id)."""
    digest = salted_hmac(
        "kalanso.assessments.exports.participant", str(user_id)
    ).hexdigest()
    return f"P-{digest[:10].upper()}"


@dataclass
class ResultsTable:
    """What an export contains: column titles, the number of rows (for the
    audit log) and the rows themselves, produced lazily."""

    header: list[str]
    row_count: int
    rows: Iterator[list[Any]]
    personal: bool


def _question_columns(quiz: Quiz) -> list[tuple[int, int, Decimal | None]]:
    """(question id, column number, mark) of the questions in the submitted
    attempts, in position order (the question id frozen in the snapshot)."""
    groups = (
        submitted_rows(quiz=quiz, first_only=False)
        .values(key=question_key())
        .annotate(position=Min("position"), sample=Min("pk"))
        .order_by("position", "key")
    )
    columns = [(g["key"], g["position"], g["sample"]) for g in groups]
    marks = dict(
        AttemptQuestion.objects.filter(pk__in=[c[2] for c in columns])
        .order_by()
        .values_list("pk", KT("snapshot__mark"))
    )
    return [
        (key, index, _number(Decimal(str(marks.get(sample) or "1"))))
        for index, (key, _position, sample) in enumerate(columns, start=1)
    ]


def _number(value) -> Decimal | None:
    """2.500 → 2.5, 1.000 → 1 (the exports' one format of numbers)."""
    return None if value is None else spreadsheets.number(Decimal(value))


def results_table(*, quiz: Quiz, user) -> ResultsTable:
    """The results of a quiz as seen by ``user`` (personal data or not)."""
    personal = can_see_personal_data(user)
    questions = _question_columns(quiz)
    attempts = submitted_attempts(quiz=quiz).order_by("pk")
    row_count = attempts.count()

    header = (
        [_("Full name"), _("E-mail address"), _("Organisation")]
        if personal
        else [_("Participant")]
    )
    header += [_("Attempt"), _("Submitted"), _("Score"), _("Percent"), _("Passed")]
    header += [
        _("Q%(number)s /%(mark)s") % {"number": index, "mark": mark}
        for _key, index, mark in questions
    ]
    fields = ["pk", "user_id", "number", "submitted_at", "score", "percent", "passed"]
    if personal:
        fields += ["user__full_name", "user__email", "user__organisation__name"]

    # Translated now: a streaming response runs the generator after the view,
    # when the admin user's language is no longer active.
    yes, no = _("Yes"), _("No")

    def rows() -> Iterator[list[Any]]:
        marks = (
            submitted_rows(quiz=quiz, first_only=False)
            .order_by("attempt_id")
            .values_list("attempt_id", question_key(), "mark")
            .iterator(chunk_size=2000)
        )
        pending = next(marks, None)
        for values in attempts.values_list(*fields).iterator(chunk_size=2000):
            record = dict(zip(fields, values, strict=True))
            pk = record["pk"]
            by_question = {}
            while pending is not None and pending[0] <= pk:
                if pending[0] == pk:
                    by_question[pending[1]] = pending[2]
                pending = next(marks, None)
            if personal:
                who = [
                    record["user__full_name"],
                    record["user__email"],
                    record["user__organisation__name"] or "",
                ]
            else:
                who = [participant_code(record["user_id"])]
            yield [
                *who,
                record["number"],
                timezone.localtime(record["submitted_at"]).replace(
                    tzinfo=None, microsecond=0
                )
                if record["submitted_at"]
                else None,
                _number(record["score"]),
                record["percent"],
                yes if record["passed"] else no,
                *(_number(by_question.get(key)) for key, _i, _m in questions),
            ]

    return ResultsTable(
        header=header, row_count=row_count, rows=rows(), personal=personal
    )


def results_csv(table: ResultsTable) -> Iterator[str]:
    """The lines of the CSV file, for a streaming response."""
    return spreadsheets.csv_lines(table.header, table.rows)


def results_xlsx(table: ResultsTable, *, title: str = "") -> bytes:
    """A workbook of one sheet, named after the quiz."""
    return spreadsheets.xlsx_bytes(
        [spreadsheets.Sheet(title or _("Results"), table.header, table.rows)]
    )


def export_filename(quiz: Quiz, extension: str) -> str:
    return f"quiz-{quiz.pk}-results.{extension}"
