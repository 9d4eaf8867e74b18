"""Checking a participant list row by row: each value against what a
participant record takes (choices as codes or labels, an age turned into its
band, lengths, phone numbers, no control characters), and duplicates within
the file and against the people already in the session. Checking is pure: a
:class:`Preview` lists every row with its errors, and nothing is written
(``services.participants_import`` does that)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ..models import Participant
from . import aliases
from .aliases import CHOICES, FIELDS, LABELS, normalise
from .table import ImportFileError, read_table

MAX_LENGTH = {
    name: Participant._meta.get_field(name).max_length
    for name in ("full_name", "role", "phone")
}
PHONE = re.compile(r"[0-9 +]*[0-9][0-9 +]*")


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportRow:
    number: int
    raw: dict[str, str]
    values: dict[str, str] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)

    def error(self, name, message):
        column = str(LABELS[name]) if name in LABELS else name
        self.errors.append(RowError(self.number, column, message))


@dataclass
class Preview:
    columns: list[str]
    ignored: list[str]
    rows: list[ImportRow]

    @property
    def errors(self) -> list[RowError]:
        return [error for row in self.rows for error in row.errors]

    @property
    def is_valid(self) -> bool:
        return bool(self.rows) and not self.errors

    def people(self) -> list[dict[str, str]]:
        """What to hand to ``services.participants_import``."""
        return [dict(row.values) for row in self.rows]


def has_control_characters(text: str) -> bool:
    return any(unicodedata.category(c) == "Cc" for c in text)


def name_key(name: str) -> str:
    return normalise(name) or " ".join(str(name).casefold().split())


def phone_key(phone: str) -> str:
    return "".join(c for c in str(phone or "") if c.isdigit())


def person_key(name: str, phone: str) -> tuple[str, str]:
    """Two rows are the same person when their names match (case, accents and
    punctuation aside) and their phones too, or neither has a phone."""
    return name_key(name), phone_key(phone)


def _clean_choice(row: ImportRow, name: str, text: str, lookups) -> None:
    if not text:
        row.values[name] = ""
        return
    key = normalise(text)
    if name == "age_band":
        key = re.sub(r"\s*(ans|an|years|yrs|y)$", "", key)
        if re.fullmatch(r"[0-9]{1,3}", key):
            row.values[name] = _band(int(key))
            return
    value = lookups[name].get(key)
    if value is None:
        accepted = ", ".join(str(label) for _v, label in CHOICES[name].choices)
        row.error(
            name,
            _("“%(value)s” is not an accepted value (%(accepted)s).")
            % {"value": text[:60], "accepted": accepted},
        )
    else:
        row.values[name] = value


def _band(age: int) -> str:
    if age < 18:
        return Participant.AgeBand.UNDER_18
    if age <= 24:
        return Participant.AgeBand.AGE_18_24
    if age <= 34:
        return Participant.AgeBand.AGE_25_34
    if age <= 49:
        return Participant.AgeBand.AGE_35_49
    return Participant.AgeBand.AGE_50


def check_row(row: ImportRow, lookups) -> None:
    """Fill ``row.values`` from ``row.raw``, or add errors."""
    for name in FIELDS:
        text = row.raw.get(name, "").strip()
        if has_control_characters(text):
            row.error(name, _("This value contains invisible control characters."))
            continue
        if name in CHOICES:
            _clean_choice(row, name, text, lookups)
            continue
        if name == "full_name":
            text = " ".join(text.split())
            if not text:
                row.error(name, _("A name is required."))
                continue
        if len(text) > MAX_LENGTH[name]:
            row.error(
                name,
                _("At most %(max)s characters (this one has %(length)s).")
                % {"max": MAX_LENGTH[name], "length": len(text)},
            )
            continue
        if name == "phone" and text and not PHONE.fullmatch(text):
            row.error(name, phone_message())
            continue
        row.values[name] = text


def phone_message():
    return _("A phone number may hold only digits, spaces and “+”.")


def parse(
    data: bytes, filename: str = "", existing: Iterable[tuple[str, str]] = ()
) -> Preview:
    """Read and check a participant list. ``existing`` holds the (name, phone)
    of the people already in the session, to catch duplicates."""
    lookup = aliases.header_lookup()  # once per file, not once per cell
    header, records = read_table(data, filename, lookup)
    columns: dict[int, str] = {}
    ignored = []
    for index, title in enumerate(header):
        name = aliases.match_header(title, lookup)
        if name is None:
            if str(title).strip():
                ignored.append(str(title).strip()[:60])
            continue
        if name in columns.values():
            raise ImportFileError(
                _("Two columns are titled “%(title)s”. Keep only one.")
                % {"title": str(LABELS[name])}
            )
        columns[index] = name
    if "full_name" not in columns.values():
        raise ImportFileError(
            _(
                "No “%(name)s” column was found. The first line must hold the "
                "column titles: start from the template."
            )
            % {"name": LABELS["full_name"]}
        )
    if not records:
        raise ImportFileError(_("The file has no participant rows."))

    lookups = {name: aliases.value_lookup(name) for name in CHOICES}
    rows = []
    for number, record in records:
        raw = dict.fromkeys(FIELDS, "")
        for index, name in columns.items():
            if index < len(record):
                raw[name] = record[index]
        row = ImportRow(number=number, raw=raw)
        check_row(row, lookups)
        rows.append(row)
    _mark_duplicates(rows, existing)
    return Preview(
        columns=[columns[i] for i in sorted(columns)], ignored=ignored, rows=rows
    )


def _mark_duplicates(rows: list[ImportRow], existing) -> None:
    already = {person_key(name, phone) for name, phone in existing}
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        if "full_name" not in row.values:
            continue
        key = person_key(row.values["full_name"], row.values.get("phone", ""))
        if key in already:
            row.error(
                "full_name", _("This person is already a participant of the session.")
            )
        elif key in seen:
            row.error(
                "full_name",
                _("Same person as row %(row)s.") % {"row": seen[key]},
            )
        else:
            seen[key] = row.number


def existing_people(session) -> list[tuple[str, str]]:
    """(name, phone) of the people in the session (withdrawn ones aside)."""
    return list(
        session.participants.exclude(state=Participant.State.CANCELLED).values_list(
            "full_name", "phone"
        )
    )
