"""Reading a participant list: CSV (UTF-8 with or without a byte-order
mark, or Windows cp1252; commas, semicolons or tabs) or an Excel workbook
(.xlsx), into a header and numbered rows of text cells. Sizes, rows and
columns are capped, ZIP bombs refused. A file that cannot be read raises
:class:`ImportFileError` with a message for the trainer; nothing else."""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from datetime import date, datetime, time

from django.utils.translation import gettext as _

from . import aliases

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 1000
# A workbook is a ZIP: refuse those that would inflate beyond this (ZIP bombs).
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024
MAX_COLUMNS = 50
# Blank lines are skipped, but not without end (a sheet of a million empty rows).
MAX_LINES = MAX_ROWS * 5


class ImportFileError(Exception):
    """The file as a whole cannot be read; ``message`` says why, for people."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


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
        lookup = aliases.header_lookup()
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
        return sum(
            1 for cell in cells[: MAX_COLUMNS + 1] if aliases.match_header(cell, lookup)
        )

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
