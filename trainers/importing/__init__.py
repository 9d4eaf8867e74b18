"""Participant lists from a spreadsheet: CSV or XLSX in, rows checked, nothing
written until every row is right.

Trainers keep their lists in whatever Excel or LibreOffice gives them, in
French or English: column titles are recognised in either language (case,
accents and punctuation ignored), values as codes or as labels in either
language, CSV files in UTF-8 (with or without a byte-order mark) or Windows
cp1252, separated by commas or semicolons.

One module per step:

- ``aliases``: the column titles and values people write, and how they are
  matched (:func:`~trainers.importing.aliases.match_header`);
- ``table``: reading the bytes into rows of text (:func:`read_table`); a file
  that cannot be read raises :class:`ImportFileError` with a message for the
  trainer, never anything else;
- ``rows``: checking every row and catching duplicates (:func:`parse`, pure:
  bytes in, a :class:`Preview` out), and :func:`existing_people`;
- ``template``: the list to fill in (:func:`template_csv`,
  :func:`template_xlsx`).

Writing the checked rows into the session is ``services.participants_import``.
"""

from .aliases import FIELDS, LABELS, match_header, normalise
from .rows import (
    PHONE,
    ImportRow,
    Preview,
    RowError,
    check_row,
    existing_people,
    has_control_characters,
    parse,
    person_key,
    phone_message,
)
from .table import MAX_BYTES, MAX_COLUMNS, MAX_ROWS, ImportFileError, read_table
from .template import template_csv, template_header, template_xlsx

__all__ = [
    "FIELDS",
    "LABELS",
    "MAX_BYTES",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "PHONE",
    "ImportFileError",
    "ImportRow",
    "Preview",
    "RowError",
    "check_row",
    "existing_people",
    "has_control_characters",
    "match_header",
    "normalise",
    "parse",
    "person_key",
    "phone_message",
    "read_table",
    "template_csv",
    "template_header",
    "template_xlsx",
]
