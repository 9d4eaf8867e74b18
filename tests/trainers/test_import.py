"""Importing a participant list: reading CSV and XLSX in French or English,
row errors, duplicates, limits, bad files, the template, and the preview →
confirm flow where everything or nothing is saved."""

import csv
import io
import zipfile
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

import pytest
from openpyxl import Workbook, load_workbook

from tests.corpora import naughty_strings
from trainers import factories, importing
from trainers.importing import ImportFileError, parse
from trainers.models import CascadeSession, Participant


@pytest.fixture(autouse=True)
def _english():
    """Pages in English, whatever an earlier test's request left active, so
    that the assertions on messages hold once the French catalogue exists."""
    with translation.override("en"):
        yield


HEADER_EN = ["Full name", "Sex", "Age band", "Organisation type", "Role", "Phone"]
HEADER_FR = [
    "Nom complet",
    "Sexe",
    "Tranche d’âge",
    "Type d'organisation",
    "Fonction",
    "Téléphone",
]
ROWS = [
    [
        "Aminata Traoré",
        "Femme",
        "25–34",
        "ONG nationale",
        "Animatrice",
        "+223 70 00 00 01",
    ],
    ["Moussa Keïta", "M", "50+", "gov", "Préfet", "76 00 00 02"],
    ["Awa Diallo", "woman", "u18", "Civil society / community", "", ""],
    ["Ibrahim Maïga", "h", "31", "Mission de l'ONU", "Officier", ""],
    ["Kadidia Cissé", "x", "Under 18", "autre", "", ""],
]


def csv_bytes(rows, header=HEADER_FR, delimiter=";", encoding="utf-8", bom=False):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(rows, header=HEADER_EN):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def people(preview):
    return [row.values for row in preview.rows]


# Parsing (no database) -----------------------------------------------------


class TestParse:
    def _check_good(self, preview):
        assert preview.is_valid, preview.errors
        values = people(preview)
        assert [v["full_name"] for v in values] == [r[0] for r in ROWS]
        assert [v["sex"] for v in values] == ["f", "m", "f", "m", "x"]
        assert [v["age_band"] for v in values] == [
            "25-34",
            "50+",
            "u18",
            "25-34",
            "u18",
        ]
        assert [v["organisation_type"] for v in values] == [
            "ngo",
            "gov",
            "cso",
            "un",
            "other",
        ]
        assert values[0]["phone"] == "+223 70 00 00 01"
        assert values[1]["role"] == "Préfet"

    def test_semicolon_utf8(self):
        self._check_good(parse(csv_bytes(ROWS), "list.csv"))

    def test_comma_with_bom_and_english_titles(self):
        data = csv_bytes(ROWS, header=HEADER_EN, delimiter=",", bom=True)
        preview = parse(data, "list.csv")
        self._check_good(preview)
        assert preview.columns == importing.FIELDS

    def test_cp1252(self):
        rows = [[c.replace("–", "-") for c in row] for row in ROWS]
        data = csv_bytes(rows, encoding="cp1252")
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
        preview = parse(data, "liste.csv")
        assert preview.is_valid, preview.errors
        assert people(preview)[0]["full_name"] == "Aminata Traoré"
        assert people(preview)[3]["full_name"] == "Ibrahim Maïga"

    def test_utf16_from_excel_unicode_text(self):
        data = csv_bytes(ROWS, header=HEADER_EN, delimiter="\t").decode("utf-8")
        preview = parse(data.encode("utf-16"), "list.txt")
        self._check_good(preview)

    def test_xlsx(self):
        self._check_good(parse(xlsx_bytes(ROWS), "list.xlsx"))

    def test_xlsx_numbers_and_blank_rows(self):
        rows = [
            ["Awa", "F", 27, "ngo", None, 22370000000],
            [None] * 6,
            ["Binta", "f", 18.0, "", "", ""],
        ]
        preview = parse(xlsx_bytes(rows), "list.xlsx")
        assert preview.is_valid, preview.errors
        assert [r.number for r in preview.rows] == [2, 4]
        assert people(preview)[0]["phone"] == "22370000000"
        assert people(preview)[0]["age_band"] == "25-34"
        assert people(preview)[1]["age_band"] == "18-24"

    def test_titles_in_any_case_and_order_with_extra_columns(self):
        header = ["TÉLÉPHONE (facultatif)", "Remarques", "NOM ET PRÉNOM", "genre"]
        rows = [["70 00 00 00", "vient de Mopti", "Oumar Touré", "Homme"]]
        preview = parse(csv_bytes(rows, header=header), "x.csv")
        assert preview.is_valid, preview.errors
        assert preview.ignored == ["Remarques"]
        assert people(preview) == [
            {
                "full_name": "Oumar Touré",
                "sex": "m",
                "age_band": "",
                "organisation_type": "",
                "role": "",
                "phone": "70 00 00 00",
            }
        ]

    def test_bad_rows_are_all_reported(self):
        rows = [
            ["", "F", "", "", "", ""],
            ["Awa", "Z", "", "", "", ""],
            ["Binta", "F", "12-15", "", "", ""],
            ["Coumba", "F", "", "ONU-Habitat privé", "", ""],
            ["D" * 151, "", "", "", "", ""],
            ["Fanta", "", "", "", "r" * 151, ""],
            ["Gaoussou", "", "", "", "", "70-00-00-00"],
            ["Hawa", "", "", "", "", "1" * 31],
            ["Issa\x07", "", "", "", "", ""],
        ]
        preview = parse(csv_bytes(rows), "x.csv")
        assert not preview.is_valid
        by_row = {}
        for error in preview.errors:
            by_row.setdefault(error.row, []).append(error)
        assert sorted(by_row) == list(range(2, 11))
        assert by_row[2][0].column == "Full name"
        assert "required" in by_row[2][0].message
        assert by_row[3][0].column == "Sex"
        assert "“Z”" in by_row[3][0].message
        assert by_row[4][0].column == "Age band"
        assert by_row[5][0].column == "Organisation type"
        assert "151" in by_row[6][0].message
        assert by_row[7][0].column == "Role"
        assert by_row[8][0].column == "Phone"
        assert by_row[9][0].column == "Phone"
        assert "control" in by_row[10][0].message

    def test_duplicates_in_the_file(self):
        rows = [
            ["Aminata Traoré", "", "", "", "", "70 00 00 01"],
            ["AMINATA  TRAORE", "", "", "", "", "+70000001"],  # same phone digits
            ["Aminata Traoré", "", "", "", "", "70 99 99 99"],  # another person
            ["Moussa Keïta", "", "", "", "", ""],
            ["moussa keita", "", "", "", "", ""],
        ]
        preview = parse(csv_bytes(rows), "x.csv")
        errors = [(e.row, e.message) for e in preview.errors]
        assert errors == [
            (3, "Same person as row 2."),
            (6, "Same person as row 5."),
        ]

    def test_duplicates_of_people_in_the_session(self):
        rows = [["Awa Diallo", "", "", "", "", ""], ["Binta Sow", "", "", "", "", "70"]]
        preview = parse(
            csv_bytes(rows), "x.csv", existing=[("AWA DIALLO", ""), ("Binta Sow", "71")]
        )
        assert [e.row for e in preview.errors] == [2]
        assert "already a participant" in preview.errors[0].message

    def test_non_latin_names_are_not_all_duplicates(self):
        rows = [
            ["محمد", "", "", "", "", ""],
            ["أحمد", "", "", "", "", ""],
            ["😀", "", "", "", "", ""],
            ["😎", "", "", "", "", ""],
        ]
        assert parse(csv_bytes(rows), "x.csv").is_valid

    @pytest.mark.parametrize(
        "data,filename,message",
        [
            (b"", "x.csv", "empty"),
            (b"\x00\x01\x02\x03" * 100, "x.csv", "neither a CSV"),
            (bytes(range(256)) * 20, "x.csv", "neither"),
            (b"Nom;Sexe\n", "x.csv", "no participant rows"),
            (b"Colour;Size\nred;big\n", "x.csv", "No “Full name” column"),
            (b"Nom;Nom complet\nA;B\n", "x.csv", "Two columns"),
            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "x.xls", ".xls"),
            (b"not a workbook", "x.xlsx", "neither"),
            (b"PK\x03\x04garbage", "x.xlsx", "not an Excel workbook"),
        ],
    )
    def test_unreadable_files(self, data, filename, message):
        with pytest.raises(ImportFileError) as caught:
            parse(data, filename)
        assert message in caught.value.message

    def test_zip_that_is_not_a_workbook(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("hello.txt", "Nom\nAwa\n")
        with pytest.raises(ImportFileError) as caught:
            parse(buffer.getvalue(), "list.xlsx")
        assert "not an Excel workbook" in caught.value.message

    def test_broken_workbook(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types")
            archive.writestr("xl/worksheets/sheet1.xml", "<<<")
        with pytest.raises(ImportFileError) as caught:
            parse(buffer.getvalue(), "list.xlsx")
        assert "could not be read" in caught.value.message

    def test_zip_bomb_is_refused(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("xl/worksheets/sheet1.xml", "0" * (60 * 1024 * 1024))
        assert len(buffer.getvalue()) < importing.MAX_BYTES
        with pytest.raises(ImportFileError) as caught:
            parse(buffer.getvalue(), "list.xlsx")
        assert "too large" in caught.value.message

    def test_limits(self):
        too_big = b"Nom\n" + b"A" * importing.MAX_BYTES
        with pytest.raises(ImportFileError) as caught:
            parse(too_big, "x.csv")
        assert "2 MB" in caught.value.message
        rows = [[f"Personne {i}"] for i in range(importing.MAX_ROWS + 1)]
        with pytest.raises(ImportFileError) as caught:
            parse(csv_bytes(rows, header=["Nom"]), "x.csv")
        assert "1000" in caught.value.message
        rows = [[f"Personne {i}"] for i in range(importing.MAX_ROWS)]
        assert len(parse(csv_bytes(rows, header=["Nom"]), "x.csv").rows) == 1000
        with pytest.raises(ImportFileError):
            parse(
                xlsx_bytes([[f"P {i}"] for i in range(1001)], header=["Name"]), "x.xlsx"
            )

    def test_unterminated_quote_is_not_a_crash(self):
        data = b'Nom;Sexe\n"Awa;F\nBinta;F\n'
        try:
            preview = parse(data, "x.csv")
        except ImportFileError:
            return
        assert len(preview.rows) >= 1


# The template --------------------------------------------------------------


@pytest.mark.django_db
class TestTemplate:
    @pytest.mark.parametrize("language", ["fr", "en"])
    @pytest.mark.parametrize("file_format", ["csv", "xlsx"])
    def test_filled_template_imports(self, client, own_trainer, language, file_format):
        client.force_login(own_trainer)
        with translation.override(language):
            url = reverse("trainers:participant_import_template", args=[file_format])
        assert url.startswith(f"/{language}/")
        response = client.get(url)
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
        with translation.override(language):
            expected_header = importing.template_header()
        if file_format == "csv":
            text = response.content.decode("utf-8-sig")
            delimiter = ";" if language == "fr" else ","
            rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
            assert rows[0] == expected_header
            rows.append(["Oumar Touré", rows[1][1], "35-49", "other", "", ""])
            buffer = io.StringIO()
            csv.writer(buffer, delimiter=delimiter).writerows(rows)
            filled = buffer.getvalue().encode("utf-8-sig")
        else:
            workbook = load_workbook(io.BytesIO(response.content))
            sheet = workbook.worksheets[0]
            assert [c.value for c in sheet[1]] == expected_header
            assert len(workbook.worksheets) == 2
            explained = " ".join(
                str(c.value) for row in workbook.worksheets[1].iter_rows() for c in row
            )
            assert "u18" in explained and "ngo" in explained
            sheet.append(["Oumar Touré", "Homme", "35–49", "Autre", "", "+223 1"])
            buffer = io.BytesIO()
            workbook.save(buffer)
            filled = buffer.getvalue()
        # Uploaded with the other language active: titles are recognised anyway.
        with translation.override("en" if language == "fr" else "fr"):
            preview = parse(filled, f"filled.{file_format}")
        assert preview.is_valid, preview.errors
        assert [v["full_name"] for v in people(preview)] == [
            "Aminata Traoré",
            "Oumar Touré",
        ]
        assert people(preview)[0]["sex"] == "f"
        assert people(preview)[0]["age_band"] == "25-34"
        assert people(preview)[0]["organisation_type"] == "ngo"

    def test_template_is_for_trainers_and_staff(self, client, trainee, manager):
        url = reverse("trainers:participant_import_template", args=["csv"])
        client.force_login(trainee)
        assert client.get(url).status_code == 403
        client.force_login(manager)
        assert client.get(url).status_code == 200


# The preview → confirm flow --------------------------------------------------


@pytest.fixture
def session(course, own_trainer, cofacilitator):
    return factories.session(
        course,
        own_trainer,
        capacity=10,
        co_facilitators=[cofacilitator],
        start=date.today() + timedelta(days=3),
    )


def upload(client, session, data, name="list.csv"):
    return client.post(
        reverse("trainers:participant_import", args=[session.pk]),
        {"file": SimpleUploadedFile(name, data)},
    )


def confirm(client, session, token):
    return client.post(
        reverse("trainers:participant_import", args=[session.pk]), {"token": token}
    )


def token_of(response):
    html = response.content.decode()
    marker = 'name="token" value="'
    assert marker in html, "no confirmation form"
    return html.split(marker, 1)[1].split('"', 1)[0]


@pytest.mark.django_db
class TestImportFlow:
    def test_preview_then_confirm(self, client, session, cofacilitator):
        client.force_login(cofacilitator)
        response = upload(client, session, csv_bytes(ROWS))
        assert response.status_code == 200
        assert not session.participants.exists()
        html = response.content.decode()
        for row in ROWS:
            assert row[0] in html
        response = confirm(client, session, token_of(response))
        assert response.status_code == 302
        assert session.participants.count() == len(ROWS)
        assert set(session.participants.values_list("source", flat=True)) == {"import"}
        assert set(session.participants.values_list("state", flat=True)) == {
            "registered"
        }
        # The token is used up: a second confirmation adds nobody.
        response = confirm(client, session, "again")
        assert response.status_code == 302
        assert session.participants.count() == len(ROWS)

    def test_xlsx_upload(self, client, session, own_trainer):
        client.force_login(own_trainer)
        response = upload(client, session, xlsx_bytes(ROWS), "liste.xlsx")
        confirm(client, session, token_of(response))
        assert session.participants.count() == len(ROWS)

    @pytest.mark.parametrize(
        "bad_row",
        [
            ["", "F", "", "", "", ""],
            ["Awa", "inconnu", "", "", "", ""],
            ["Awa", "F", "vieux", "", "", ""],
            ["A" * 151, "", "", "", "", ""],
            ["Awa", "", "", "", "r" * 151, ""],
            ["Awa", "", "", "", "", "+223 (70)"],
            ROWS[0],  # twice in the file
        ],
    )
    def test_one_bad_row_saves_nothing(self, client, session, own_trainer, bad_row):
        client.force_login(own_trainer)
        response = upload(client, session, csv_bytes([*ROWS, bad_row]))
        assert response.status_code == 200
        html = response.content.decode()
        assert 'name="token"' not in html
        assert "Nothing has been imported" in html
        assert f'<th scope="row">{len(ROWS) + 2}</th>' in html
        # Forcing a confirmation without a token from this upload does nothing.
        confirm(client, session, "")
        assert not session.participants.exists()

    def test_duplicate_of_a_participant_saves_nothing(
        self, client, session, own_trainer
    ):
        Participant.objects.create(
            session=session,
            full_name="Moussa Keita",
            phone="76000002",
            source="trainer",
        )
        client.force_login(own_trainer)
        response = upload(client, session, csv_bytes(ROWS))
        html = response.content.decode()
        assert "already a participant" in html
        assert 'name="token"' not in html
        assert session.participants.count() == 1

    def test_duplicate_added_between_preview_and_confirm(
        self, client, session, own_trainer
    ):
        client.force_login(own_trainer)
        response = upload(client, session, csv_bytes(ROWS))
        Participant.objects.create(
            session=session, full_name="Awa Diallo", source="trainer"
        )
        response = confirm(client, session, token_of(response))
        assert response.status_code == 302
        assert session.participants.count() == 1

    def test_capacity_exceeded_saves_nothing(self, client, session, own_trainer):
        factories.participants(session, session.capacity - 2)
        client.force_login(own_trainer)
        response = upload(client, session, csv_bytes(ROWS))
        html = response.content.decode()
        assert "Only 2 seats are left" in html
        assert 'name="token"' not in html
        assert session.participants.count() == session.capacity - 2

    def test_capacity_filled_between_preview_and_confirm(
        self, client, session, own_trainer
    ):
        client.force_login(own_trainer)
        response = upload(client, session, csv_bytes(ROWS))
        token = token_of(response)
        factories.participants(session, session.capacity - 2)
        response = confirm(client, session, token)
        assert response.status_code == 302
        assert session.participants.count() == session.capacity - 2

    def test_stale_wrong_or_foreign_token_is_refused(
        self, client, session, course, own_trainer
    ):
        client.force_login(own_trainer)
        token = token_of(upload(client, session, csv_bytes(ROWS)))
        assert confirm(client, session, token + "x").status_code == 302
        assert not session.participants.exists()
        # The failed attempt used the preview up.
        assert confirm(client, session, token).status_code == 302
        assert not session.participants.exists()
        # A preview made for one session does not import into another.
        other = factories.session(course, own_trainer)
        token = token_of(upload(client, session, csv_bytes(ROWS)))
        confirm(client, other, token)
        assert not other.participants.exists()
        # An old preview has expired.
        token = token_of(upload(client, session, csv_bytes(ROWS)))
        stored = client.session
        data = stored["trainers_participant_import"]
        data["at"] -= 2 * 3600
        stored["trainers_participant_import"] = data
        stored.save()
        confirm(client, session, token)
        assert not session.participants.exists()

    def test_token_belongs_to_the_browser_session(
        self, client, session, own_trainer, cofacilitator
    ):
        from django.test import Client

        client.force_login(own_trainer)
        token = token_of(upload(client, session, csv_bytes(ROWS)))
        thief = Client()
        thief.force_login(cofacilitator)
        confirm(thief, session, token)
        assert not session.participants.exists()

    @pytest.mark.parametrize(
        "data,name",
        [
            (b"", "empty.csv"),
            (bytes(range(256)) * 50, "garbage.csv"),
            (b"PK\x03\x04" + bytes(range(256)) * 10, "broken.xlsx"),
            (b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "photo.csv"),
        ],
    )
    def test_bad_files_get_a_clear_error(
        self, client, session, own_trainer, data, name
    ):
        client.force_login(own_trainer)
        response = upload(client, session, data, name)
        assert response.status_code == 200
        assert 'id="id_file_error"' in response.content.decode()
        assert not session.participants.exists()

    def test_zip_upload(self, client, session, own_trainer):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("participants.csv", csv_bytes(ROWS))
        client.force_login(own_trainer)
        response = upload(client, session, buffer.getvalue(), "participants.zip")
        assert "not an Excel workbook" in response.content.decode()

    def test_file_over_2_mb(self, client, session, own_trainer):
        client.force_login(own_trainer)
        response = upload(client, session, b"Nom\n" + b"A" * (2 * 1024 * 1024))
        assert "2 MB" in response.content.decode()

    def test_closed_session_refuses_imports(self, client, session, own_trainer):
        session.status = CascadeSession.Status.REPORTED
        session.save()
        client.force_login(own_trainer)
        response = upload(client, session, csv_bytes(ROWS))
        assert response.status_code == 302
        assert not session.participants.exists()

    def test_naughty_names(self, client, course, own_trainer):
        """The Big List of Naughty Strings as names: never a 500; each name is
        either refused with a row error or imported and shown escaped."""
        strings = naughty_strings()
        client.force_login(own_trainer)
        for start in range(0, len(strings), 300):
            chunk = strings[start : start + 300]
            session = factories.session(course, own_trainer, capacity=500)
            rows = [[value, "", "", "", "", ""] for value in chunk]
            response = upload(
                client, session, csv_bytes(rows, header=HEADER_EN, delimiter=",")
            )
            assert response.status_code == 200
            html = response.content.decode()
            assert "<script>alert(" not in html
            # Import the rows that passed, in a second file.
            preview = parse(csv_bytes(rows, header=HEADER_EN, delimiter=","), "x.csv")
            good = [
                [r.raw["full_name"], "", "", "", "", ""]
                for r in preview.rows
                if not r.errors
            ]
            assert len(good) > len(chunk) / 2
            response = upload(
                client, session, csv_bytes(good, header=HEADER_EN, delimiter=",")
            )
            assert response.status_code == 200
            response = confirm(client, session, token_of(response))
            assert response.status_code == 302
            stored = set(session.participants.values_list("full_name", flat=True))
            assert len(stored) == len(good)
            html = client.get(
                reverse("trainers:participant_list", args=[session.pk])
            ).content.decode()
            assert "<script>alert(" not in html
            assert "<img src=x onerror" not in html.lower()
