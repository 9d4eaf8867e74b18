"""Participant lists from a spreadsheet: CSV or XLSX in, rows checked, nothing
written until every row is right.

Trainers keep their lists in whatever Excel or LibreOffice gives them, in
French or English: column titles are recognised in either language (case,
accents and punctuation ignored), values as codes or as labels in either
language, CSV files in UTF-8 (with or without a byte-order mark) or Windows
cp1252, separated by commas or semicolons.

Reading and checking are pure (no database): bytes in, a
:class:`Preview` out (every row with its errors), so they can be tested on their
own; :func:`existing_people` reads the session, and
``services.participants_import`` writes the checked rows. A file that cannot be read raises :class:`ImportFileError` with a
message for the trainer; it never raises anything else.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kalanso import spreadsheets
from kalanso.accounts.models import Organisation

from .models import Participant

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 1000
# A workbook is a ZIP: refuse those that would inflate beyond this (ZIP bombs).
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024
MAX_COLUMNS = 50
# Blank lines are skipped, but not without end (a sheet of a million empty rows).
MAX_LINES = MAX_ROWS * 5

FIELDS = ["full_name", "sex", "age_band", "organisation_type", "role", "phone"]
LABELS = {
    "full_name": gettext_lazy("Full name"),
    "sex": gettext_lazy("Sex"),
    "age_band": gettext_lazy("Age band"),
    "organisation_type": gettext_lazy("Organisation type"),
    "role": gettext_lazy("Role"),
    "phone": gettext_lazy("Phone"),
}
MAX_LENGTH = {
    name: Participant._meta.get_field(name).max_length
    for name in ("full_name", "role", "phone")
}
PHONE = re.compile(r"[0-9 +]*[0-9][0-9 +]*")

# Column titles people actually write, normalised (see ``normalise``). The
# template's own titles, in every language of the site, are added to these.
HEADER_ALIASES = {
    "full_name": [
        "name",
        "names",
        "full name",
        "participant",
        "participant name",
        "nom",
        "noms",
        "nom complet",
        "nom et prenom",
        "nom et prenoms",
        "nom prenom",
        "nom prenoms",
        "prenom et nom",
        "prenom nom",
        "prenoms et nom",
        "nom du participant",
        "nom de la participante",
    ],
    "sex": ["sex", "gender", "sexe", "genre"],
    "age_band": [
        "age",
        "age band",
        "age group",
        "age range",
        "tranche d age",
        "tranche age",
        "tranche d ages",
        "classe d age",
        "groupe d age",
    ],
    "organisation_type": [
        "organisation type",
        "organization type",
        "type of organisation",
        "type of organization",
        "organisation",
        "organization",
        "type d organisation",
        "type d organisme",
        "type de structure",
        "type de l organisation",
        "type organisation",
        "structure",
    ],
    "role": [
        "role",
        "function",
        "position",
        "job",
        "job title",
        "title",
        "fonction",
        "poste",
        "titre",
        "qualite",
        "role fonction",
    ],
    "phone": [
        "phone",
        "phone number",
        "telephone",
        "telephone number",
        "tel",
        "mobile",
        "cell",
        "numero",
        "numero de telephone",
        "portable",
        "contact",
    ],
}

VALUE_ALIASES = {
    "sex": {
        "f": ["f", "w", "female", "woman", "women", "femme", "feminin", "fille"],
        "m": ["m", "h", "male", "man", "men", "homme", "masculin", "garcon"],
        "x": [
            "x",
            "prefer not to say",
            "undisclosed",
            "not disclosed",
            "prefere ne pas dire",
            "je prefere ne pas le dire",
            "ne souhaite pas le dire",
            "non communique",
        ],
    },
    "age_band": {
        "u18": ["u18", "<18", "under 18", "moins de 18", "moins de 18 ans", "0 17"],
        "18-24": ["18 24"],
        "25-34": ["25 34"],
        "35-49": ["35 49"],
        "50+": [
            "50+",
            "50 +",
            ">50",
            "50 and over",
            "50 and more",
            "over 50",
            "50 et plus",
            "50 ans et plus",
            "50 ans et +",
            "plus de 50",
            "plus de 50 ans",
        ],
    },
    "organisation_type": {
        "un": [
            "un",
            "onu",
            "un mission",
            "united nations",
            "nations unies",
            "mission de l onu",
            "mission des nations unies",
            "systeme des nations unies",
            "minusma",
        ],
        "ingo": [
            "ingo",
            "international ngo",
            "ong internationale",
            "ong international",
            "ongi",
        ],
        "ngo": [
            "ngo",
            "national ngo",
            "local ngo",
            "ong",
            "ong nationale",
            "ong locale",
        ],
        "gov": [
            "gov",
            "government",
            "security forces",
            "defence forces",
            "gouvernement",
            "etat",
            "administration",
            "fds",
            "forces de defense et de securite",
            "government security and defence forces",
            "gouvernement forces de defense et de securite",
        ],
        "cso": [
            "cso",
            "civil society",
            "community",
            "civil society community",
            "societe civile",
            "communaute",
            "societe civile communaute",
            "osc",
            "association",
        ],
        "donor": [
            "donor",
            "bailleur",
            "bailleur de fonds",
            "bailleurs de fonds",
            "donateur",
            "ptf",
            "partenaire technique et financier",
        ],
        "other": ["other", "autre", "autres"],
    },
}
CHOICES = {
    "sex": Participant.Sex,
    "age_band": Participant.AgeBand,
    "organisation_type": Organisation.Type,
}


class ImportFileError(Exception):
    """The file as a whole cannot be read; ``message`` says why, for people."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


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


# Text --------------------------------------------------------------------


def normalise(text) -> str:
    """Lower case, no accents, punctuation as spaces: "Tranche d’âge" →
    "tranche d age". Letters of every script are kept."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace("–", "-").replace("—", "-")
    text = re.sub(r"[^\w+<>]+|_", " ", text)
    return " ".join(text.split())


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


def _site_languages():
    return [code for code, _name in settings.LANGUAGES]


def _header_lookup() -> dict[str, str]:
    lookup = {}
    for name, aliases in HEADER_ALIASES.items():
        for alias in aliases:
            lookup[normalise(alias)] = name
    for code in _site_languages():
        with translation.override(code):
            for name, label in LABELS.items():
                lookup[normalise(label)] = name
                verbose = Participant._meta.get_field(name).verbose_name
                lookup[normalise(verbose)] = name
    return lookup


def _value_lookup(name: str) -> dict[str, str]:
    lookup = {}
    for code, aliases in VALUE_ALIASES[name].items():
        for alias in aliases:
            lookup[normalise(alias)] = code
    for code in _site_languages():
        with translation.override(code):
            for value, label in CHOICES[name].choices:
                lookup[normalise(label)] = value
                lookup[normalise(value)] = value
    return lookup


def match_header(title, lookup: dict[str, str] | None = None) -> str | None:
    """The field a column title stands for, or None. Pass ``lookup`` (from
    ``_header_lookup``) when matching many titles: building it renders every
    label in every language of the site."""
    if lookup is None:
        lookup = _header_lookup()
    text = str(title or "")
    for candidate in (text, re.sub(r"\(.*?\)|\[.*?\]", " ", text)):
        key = normalise(candidate)
        if key in lookup:
            return lookup[key]
    return None


# Reading the file ----------------------------------------------------------


def _cell(value) -> str:
    """A spreadsheet value as the text a person would read in the cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise ImportFileError(_not_a_table()) from error
    if b"\x00" in data:
        raise ImportFileError(_not_a_table())
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as error:
            raise ImportFileError(
                _(
                    "The file's characters could not be read. Save it as "
                    "“CSV UTF-8” or as an Excel workbook (.xlsx)."
                )
            ) from error
    controls = sum(1 for c in text if unicodedata.category(c) == "Cc") - sum(
        text.count(c) for c in "\t\r\n"
    )
    if controls > max(3, len(text) // 100):
        raise ImportFileError(_not_a_table())
    return text


def _not_a_table():
    return _(
        "This file is neither a CSV file nor an Excel workbook (.xlsx). "
        "Start from the template and save it as CSV or .xlsx."
    )


def _too_many_columns():
    return _(
        "The first line has more than %(max)s columns. Keep only the columns "
        "of the template."
    ) % {"max": MAX_COLUMNS}


def _csv_rows(
    text: str, lookup: dict[str, str] | None = None
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    if lookup is None:
        lookup = _header_lookup()
    first = next((line for line in text.splitlines() if line.strip()), "")
    candidates = []
    try:
        sniffed = csv.Sniffer().sniff(first, delimiters=",;\t").delimiter
        candidates.append(sniffed)
    except csv.Error:
        pass
    candidates += [d for d in (";", ",", "\t") if d not in candidates]

    def recognised(delimiter):
        cells = next(csv.reader([first], delimiter=delimiter), [])
        # Beyond the cap the file is refused anyway: don't match every cell.
        return sum(1 for cell in cells[: MAX_COLUMNS + 1] if match_header(cell, lookup))

    delimiter = max(candidates, key=recognised)  # the sniffed one wins ties
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header, rows = None, []
    try:
        for record in reader:
            if reader.line_num > MAX_LINES + 1:
                raise ImportFileError(_too_many_rows())
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                if len(record) > MAX_COLUMNS:
                    raise ImportFileError(_too_many_columns())
                header = record
                continue
            rows.append((reader.line_num, record))
            if len(rows) > MAX_ROWS:
                raise ImportFileError(_too_many_rows())
    except csv.Error as error:
        raise ImportFileError(
            _("The CSV file could not be read (line %(line)s).")
            % {"line": reader.line_num}
        ) from error
    return header or [], rows


def _too_many_rows():
    return _(
        "The file has more than %(max)s participant rows. Split it into smaller files."
    ) % {"max": MAX_ROWS}


def _xlsx_rows(data: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    not_a_workbook = _(
        "This ZIP file is not an Excel workbook (.xlsx). Save the list from "
        "Excel or LibreOffice as .xlsx or CSV."
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise ImportFileError(not_a_workbook) from error
    if "[Content_Types].xml" not in names or not any(
        n.startswith("xl/worksheets/") for n in names
    ):
        raise ImportFileError(not_a_workbook)
    if unzipped > MAX_UNZIPPED_BYTES:
        raise ImportFileError(_("This workbook is too large once unpacked."))

    from openpyxl import load_workbook

    header, rows = None, []
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            for number, values in enumerate(
                sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS), start=1
            ):
                if number > MAX_LINES + 1:
                    raise ImportFileError(_too_many_rows())
                record = [_cell(v) for v in values]
                if not any(cell.strip() for cell in record):
                    continue
                if header is None:
                    header = record
                    continue
                rows.append((number, record))
                if len(rows) > MAX_ROWS:
                    raise ImportFileError(_too_many_rows())
        finally:
            workbook.close()
    except ImportFileError:
        raise
    except Exception as error:
        raise ImportFileError(
            _("This Excel workbook could not be read. Open it and save it again.")
        ) from error
    return header or [], rows


def read_table(data: bytes, filename: str = "", lookup: dict[str, str] | None = None):
    """(header, [(row number, cells)]) from CSV or XLSX bytes. ``lookup``:
    the column titles (see ``match_header``), to pick a CSV separator."""
    if not data:
        raise ImportFileError(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            _("The file is larger than %(size)s MB.")
            % {"size": MAX_BYTES // (1024 * 1024)}
        )
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _xlsx_rows(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _("Old Excel files (.xls) cannot be read: save the list as .xlsx or CSV.")
        )
    if filename.lower().endswith(".xlsx"):
        raise ImportFileError(_not_a_table())
    return _csv_rows(_decode(data), lookup)


# Checking the rows -------------------------------------------------------


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
    lookup = _header_lookup()  # once per file, not once per cell
    header, records = read_table(data, filename, lookup)
    columns: dict[int, str] = {}
    ignored = []
    for index, title in enumerate(header):
        name = match_header(title, lookup)
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

    lookups = {name: _value_lookup(name) for name in CHOICES}
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


# The session -----------------------------------------------------------------


def existing_people(session) -> list[tuple[str, str]]:
    """(name, phone) of the people in the session (withdrawn ones aside)."""
    return list(
        session.participants.exclude(state=Participant.State.CANCELLED).values_list(
            "full_name", "phone"
        )
    )


# The template --------------------------------------------------------------


def template_header() -> list[str]:
    return [str(LABELS[name]) for name in FIELDS]


def template_example() -> list[str]:
    return [
        "Aminata Traoré",
        str(Participant.Sex.FEMALE.label),
        Participant.AgeBand.AGE_25_34.label,
        str(Organisation.Type.NATIONAL_NGO.label),
        _("Community facilitator"),
        "+223 70 00 00 00",
    ]


def template_csv() -> bytes:
    """UTF-8 with a byte-order mark (Excel reads the accents), separated by
    semicolons in French (what French Excel expects), commas otherwise."""
    delimiter = ";" if (translation.get_language() or "fr").startswith("fr") else ","
    return spreadsheets.csv_bytes(
        template_header(), [template_example()], delimiter=delimiter, escape=False
    )


def accepted_values() -> list[list[str]]:
    """The second sheet of the XLSX template: what each column takes."""
    rows = [
        [
            str(LABELS["full_name"]),
            "",
            _("Required. At most %(max)s characters.")
            % {"max": MAX_LENGTH["full_name"]},
        ]
    ]
    for name in ("sex", "age_band", "organisation_type"):
        for value, label in CHOICES[name].choices:
            rows.append([str(LABELS[name]), str(label), value])
    rows.append(
        [
            str(LABELS["age_band"]),
            "27",
            _("or the age in years"),
        ]
    )
    rows.append(
        [
            str(LABELS["role"]),
            "",
            _("Optional. At most %(max)s characters.") % {"max": MAX_LENGTH["role"]},
        ]
    )
    rows.append(
        [
            str(LABELS["phone"]),
            "",
            _("Optional. Digits, spaces and “+”, at most %(max)s characters.")
            % {"max": MAX_LENGTH["phone"]},
        ]
    )
    return rows


def template_xlsx() -> bytes:
    note = _(
        "Labels are accepted in French or English, as are the codes. "
        "Replace the example row with your participants; blank rows are "
        "skipped. Only the first sheet is read."
    )
    return spreadsheets.xlsx_bytes(
        [
            spreadsheets.Sheet(
                _("Participants"),
                template_header(),
                [template_example()],
                widths=(28, 14, 14, 30, 24, 18),
                # Phone numbers stay text (Excel would drop a leading + or 0).
                text_columns=(6,),
                min_rows=MAX_ROWS,
            ),
            spreadsheets.Sheet(
                _("Accepted values"),
                [_("Column"), _("Value to type"), _("Meaning or code")],
                [*accepted_values(), [], [note]],
                widths=(24, 44, 44),
            ),
        ],
        escape=False,
    )
