"""The one writer of CSV and XLSX files: formula escaping, sheet titles,
dates, widths and text columns."""

import csv
import io
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext_lazy

import pytest
from openpyxl import load_workbook

from kalanso import spreadsheets
from kalanso.spreadsheets import (
    TO_THE_MINUTE,
    Sheet,
    csv_bytes,
    csv_lines,
    escape_formula,
    sheet_title,
    xlsx_bytes,
)


def read_csv(data: bytes, delimiter=","):
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=delimiter))


def test_escape_formula():
    for dangerous in ("=1+1", "+223", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert escape_formula(dangerous) == "'" + dangerous
    assert escape_formula("Aminata") == "Aminata"
    assert escape_formula(Decimal("-1")) == Decimal("-1")
    assert escape_formula(None) is None


def test_sheet_titles_are_what_excel_accepts():
    assert sheet_title("Résultats: [test] 1/2?") == "Résultats   test  1 2"
    assert sheet_title("x" * 40) == "x" * 31
    assert sheet_title("'Quoted'") == "Quoted"
    assert sheet_title("???") == "Sheet"
    assert sheet_title(gettext_lazy("Participants")) == "Participants"


def test_repeated_sheet_titles_are_numbered_within_31_characters():
    used = set()
    long = "Personnes formées par type d'organisation"
    names = [sheet_title(t, used) for t in (long, long, "Régions", "RÉGIONS")]
    assert names == [
        "Personnes formées par type",  # cut between words, never mid-word
        "Personnes formées par type 2",
        "Régions",
        "RÉGIONS 2",  # Excel compares titles regardless of case
    ]
    assert all(len(name) <= 31 for name in names)


def test_csv_has_a_byte_order_mark_and_escapes_text():
    rows = [
        ["=HYPERLINK(1)", Decimal("2.5"), None, datetime(2025, 3, 4, 9, 5, 7)],
        [],
        ["Title"],
    ]
    lines = list(csv_lines(["Name", "Score", "Empty", "When"], rows))
    assert lines[0] == "\ufeff"
    assert read_csv("".join(lines).encode()) == [
        ["Name", "Score", "Empty", "When"],
        ["'=HYPERLINK(1)", "2.5", "", "2025-03-04 09:05:07"],
        [],
        ["Title"],
    ]


def test_csv_options(settings):
    settings.TIME_ZONE = "Europe/Paris"  # UTC+1 in March
    aware = datetime(2025, 3, 4, 9, 5, 7, tzinfo=UTC)
    with translation.override("fr"):
        data = csv_bytes(
            [gettext_lazy("Participants")],
            [["+223 70", aware]],
            delimiter=";",
            escape=False,
            times=TO_THE_MINUTE,
        )
    assert read_csv(data, delimiter=";") == [
        ["Participants"],
        ["+223 70", "2025-03-04 10:05"],
    ]
    # Without a header, only the rows.
    assert read_csv(csv_bytes((), [["a"]])) == [["a"]]


def test_xlsx_sheets_cells_and_formats():
    data = xlsx_bytes(
        [
            Sheet(
                "Résultats",
                [gettext_lazy("Name"), "=Score"],
                [
                    ['=HYPERLINK("x")', Decimal("2.5")],
                    [datetime(2025, 3, 4, 9, 5, 7), date(2025, 3, 4)],
                ],
            ),
            Sheet("Résultats", (), iter([["second"]])),
        ]
    )
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Résultats", "Résultats 2"]
    sheet = workbook["Résultats"]
    assert [c.value for c in sheet[1]] == [str(gettext_lazy("Name")), "=Score"]
    assert all(c.font.bold for c in sheet[1])
    name, score = sheet[2]
    assert name.value == '=HYPERLINK("x")' and name.data_type == "s"
    assert score.value == 2.5 and score.data_type == "n"
    when, day = sheet[3]
    assert when.value == datetime(2025, 3, 4, 9, 5, 7)
    assert when.number_format == "yyyy-mm-dd hh:mm:ss"
    assert day.number_format == "yyyy-mm-dd"
    second = workbook["Résultats 2"]
    assert [[c.value for c in row] for row in second.iter_rows()] == [["second"]]
    assert not second["A1"].font.bold


def test_xlsx_template_layout():
    data = xlsx_bytes(
        [
            Sheet(
                "Template",
                ["Name", "Phone"],
                [["Aminata", "+223 70 00 00 00"]],
                widths=(28, 18),
                text_columns=(2,),
                min_rows=5,
            )
        ],
        escape=False,
    )
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.column_dimensions["A"].width == 28
    assert sheet.column_dimensions["B"].width == 18
    assert sheet["B2"].value == "+223 70 00 00 00"  # not escaped
    assert [sheet.cell(row=r, column=2).number_format for r in range(2, 7)] == ["@"] * 5
    assert sheet["B1"].number_format != "@"
    assert sheet.max_row == 6


FORMULA_LOOKING = [
    "=1+1",
    '=HYPERLINK("http://evil","x")',
    "+223 70 00 00 00",
    "-Responsable",
    "@SUM(A1)",
    "=cmd|' /C calc'!A0",
]


def test_xlsx_writes_text_as_text_and_never_as_a_formula():
    data = xlsx_bytes(
        [Sheet("S", ["=Header"], [[value] for value in FORMULA_LOOKING], (), (1,))]
    )
    sheet = load_workbook(io.BytesIO(data)).active
    cells = [row[0] for row in sheet.iter_rows()]
    # The values people typed, without an apostrophe…
    assert [c.value for c in cells] == ["=Header", *FORMULA_LOOKING]
    # …as string cells: nothing is run when the file is opened.
    assert {c.data_type for c in cells} == {"s"}
    # Excel's own way to keep typed text text when the cell is edited.
    assert all(c.quotePrefix for c in cells)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml
    # Ordinary text keeps an ordinary style.
    plain = load_workbook(io.BytesIO(xlsx_bytes([Sheet("S", ["Aminata"])]))).active
    assert plain["A1"].data_type == "s" and not plain["A1"].quotePrefix


def test_csv_keeps_the_apostrophe():
    rows = read_csv(csv_bytes(["=Header"], [[value] for value in FORMULA_LOOKING]))
    assert [row[0] for row in rows] == ["'=Header", *("'" + v for v in FORMULA_LOOKING)]


def test_one_number_format_in_every_export():
    values = [Decimal("55.00"), Decimal("62.50"), Decimal("100"), Decimal("0.000")]
    assert [str(spreadsheets.number(v)) for v in values] == ["55", "62.5", "100", "0"]
    assert read_csv(csv_bytes(["Score"], [[v] for v in values]))[1:] == [
        ["55"],
        ["62.5"],
        ["100"],
        ["0"],
    ]
    sheet = load_workbook(io.BytesIO(xlsx_bytes([Sheet("S", (), [values])]))).active
    assert [c.value for c in sheet[1]] == [55, 62.5, 100, 0]


def test_caption_is_the_first_row_in_bold():
    data = xlsx_bytes([Sheet("Short", ["A", "B"], [[1, 2]], caption="A long title")])
    sheet = load_workbook(io.BytesIO(data)).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["A long title", None],
        ["A", "B"],
        [1, 2],
    ]
    assert sheet["A1"].font.bold


@pytest.mark.parametrize("name", ["CSV_CONTENT_TYPE", "XLSX_CONTENT_TYPE"])
def test_content_types(name):
    assert getattr(spreadsheets, name).startswith(("text/csv", "application/"))
