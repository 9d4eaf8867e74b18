"""Every CSV and XLSX file the site hands out is written here.

- CSV: UTF-8 starting with a byte-order mark (so that Excel reads the accents),
  produced line by line so that a view can stream it.
- XLSX: openpyxl's write-only mode (memory does not grow with the rows), the
  header in bold, decimals as numbers, dates and times as real dates.
- Numbers (scores, percentages…) have one format in every export
  (:func:`number`): no trailing zeros, ``55`` and ``62.5``, never ``55.00``.
- Text that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``…):
  in CSV, which has no types, it gets a leading ``'`` (:func:`escape_formula`);
  in XLSX every text cell is written as a string cell (never a formula), so the
  value stays what people typed (``+223 70 00 00 00``), with Excel's "quote
  prefix" flag on the formula-looking ones so that editing the cell keeps it
  text. Only content the site wrote itself (the participant-list template) is
  written with ``escape=False``, never people's data.
- Sheet titles are made acceptable to Excel (:func:`sheet_title`): short names
  chosen by the apps, the full title in the first row (``Sheet.caption``).

What goes in the files (which columns, which rows, who may see them) belongs
to the apps: ``assessments.exports``, ``trainers.exports``,
``reporting.exports`` and the import template in ``trainers.importing``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import chain
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Excel refuses these characters in a sheet title, and titles over 31 characters.
TITLE_FORBIDDEN = "[]:*?/\\"
TITLE_LENGTH = 31
TEXT_FORMAT = "@"
DATE_FORMAT = "yyyy-mm-dd"
FORMATS = ("csv", "xlsx")


class FormatConverter:
    """``<spreadsheet:name>`` in a URL pattern: ``csv`` or ``xlsx``
    (registered with ``<id:…>``, by ``kalanso.ids.register_converters``)."""

    regex = "|".join(FORMATS)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


@dataclass(frozen=True)
class TimeFormat:
    """How date-times are written: ``text`` (strftime) in CSV, ``excel`` (a
    number format) in XLSX."""

    text: str
    excel: str


TO_THE_SECOND = TimeFormat("%Y-%m-%d %H:%M:%S", "yyyy-mm-dd hh:mm:ss")
TO_THE_MINUTE = TimeFormat("%Y-%m-%d %H:%M", "yyyy-mm-dd hh:mm")


@dataclass
class Sheet:
    """One sheet of a workbook. ``rows`` may be an iterator (read once, as
    the workbook is written). ``widths`` are column widths in characters, from
    column A; ``text_columns`` (numbered from 1) hold text that must not turn
    into numbers (phone numbers); ``min_rows`` lays out at least that many data
    rows with the columns' formats, for people to fill in."""

    title: str
    header: Sequence[Any] = ()
    rows: Iterable[Sequence[Any]] = ()
    widths: Sequence[float] = ()
    text_columns: Sequence[int] = ()
    min_rows: int = 0
    caption: str = ""  # the full title, written in bold in the first row


def number(value: Any) -> Any:
    """The one format of numbers in exports: ``Decimal("55.00")`` → ``55``,
    ``Decimal("62.50")`` → ``62.5``; anything else unchanged."""
    if not isinstance(value, Decimal) or not value.is_finite():
        return value
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def looks_like_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def escape_formula(value: Any) -> Any:
    """For CSV: text that a spreadsheet would run as a formula is prefixed
    with ``'``."""
    return "'" + value if looks_like_formula(value) else value


def sheet_title(title: Any, used: set[str] | None = None) -> str:
    """A title Excel accepts: no ``[]:*?/\\``, no apostrophe at either end, at
    most 31 characters (cut between words). With ``used`` (the titles already in the workbook,
    compared regardless of case, as Excel does), a repeated title gets a
    number: "Regions", "Regions 2"…"""
    cleaned = "".join(" " if c in TITLE_FORBIDDEN else c for c in str(title))
    cleaned = cleaned.strip().strip("'").strip() or "Sheet"
    name = _cut(cleaned, TITLE_LENGTH)
    if used is not None:
        count = 2
        while name.casefold() in used:
            suffix = f" {count}"
            name = _cut(cleaned, TITLE_LENGTH - len(suffix)) + suffix
            count += 1
        used.add(name.casefold())
    return name


def _cut(text: str, length: int) -> str:
    """At most ``length`` characters, cut at a space when there is one."""
    if len(text) <= length:
        return text
    head = text[: length + 1]
    space = head.rfind(" ")
    return (head[:space] if space > 0 else text[:length]).rstrip().rstrip("'")


def _plain(value: Any) -> Any:
    """Lazy translations as text, aware date-times in the site's time zone."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


# CSV ------------------------------------------------------------------------------


class _Echo:
    """A file whose ``write`` returns the line: ``csv.writer(_Echo())``'s
    ``writerow`` then gives the text of one line."""

    def write(self, value: str) -> str:
        return value


def _csv_cell(value: Any, times: TimeFormat, escape: bool) -> Any:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime(times.text)
    if isinstance(value, Decimal):
        return number(value)
    return escape_formula(value) if escape else value


def csv_lines(
    header: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    times: TimeFormat = TO_THE_SECOND,
    delimiter: str = ",",
    escape: bool = True,
) -> Iterator[str]:
    """The text of a CSV file, line by line (for a streaming response): the
    byte-order mark, the header (when there is one), then the rows. A row may
    be empty (a blank line) or hold a single title."""
    writer = csv.writer(_Echo(), delimiter=delimiter)
    yield BOM
    for row in chain([header] if header else [], rows):
        yield writer.writerow([_csv_cell(value, times, escape) for value in row])


def csv_bytes(
    header: Sequence[Any], rows: Iterable[Sequence[Any]], **options: Any
) -> bytes:
    """The whole CSV file, encoded (see :func:`csv_lines` for the options)."""
    return "".join(csv_lines(header, rows, **options)).encode("utf-8")


# XLSX -----------------------------------------------------------------------------


def _text_cell(sheet, value: Any, *, escape: bool):
    """A cell for ``value``; text is a string cell, never a formula (openpyxl
    would otherwise take any text starting with ``=`` for one)."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    if escape and isinstance(value, str):
        cell.data_type = "s"
        if looks_like_formula(value):
            cell.quotePrefix = True
    return cell


def _xlsx_cell(sheet, value: Any, *, text: bool, times: TimeFormat, escape: bool):
    value = _plain(value)
    if isinstance(value, Decimal):
        value = float(number(value))
    cell = _text_cell(sheet, value, escape=escape)
    if text:
        cell.number_format = TEXT_FORMAT
    elif isinstance(value, datetime):
        cell.number_format = times.excel
    elif isinstance(value, date):
        cell.number_format = DATE_FORMAT
    return cell


def xlsx_bytes(
    sheets: Iterable[Sheet],
    *,
    times: TimeFormat = TO_THE_SECOND,
    escape: bool = True,
) -> bytes:
    """A workbook with one sheet per :class:`Sheet`, in their order."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    used: set[str] = set()
    for spec in sheets:
        sheet = workbook.create_sheet(title=sheet_title(spec.title, used))
        for column, width in enumerate(spec.widths, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = width
        if spec.caption:
            caption = _text_cell(sheet, _plain(spec.caption), escape=escape)
            caption.font = bold
            sheet.append([caption])
        if spec.header:
            header = []
            for value in spec.header:
                title = _text_cell(sheet, _plain(value), escape=escape)
                title.font = bold
                header.append(title)
            sheet.append(header)
        text_columns = frozenset(spec.text_columns)
        count = 0
        for row in spec.rows:
            sheet.append(
                [
                    _xlsx_cell(
                        sheet,
                        value,
                        text=column in text_columns,
                        times=times,
                        escape=escape,
                    )
                    for column, value in enumerate(row, start=1)
                ]
            )
            count += 1
        # Empty rows to fill in, keeping the text columns' format.
        last = max(text_columns, default=0)
        for _blank in range(count, spec.min_rows):
            blank = [None] * last
            for column in text_columns:
                blank[column - 1] = _xlsx_cell(
                    sheet, None, text=True, times=times, escape=escape
                )
            sheet.append(blank)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
