"""Imports with too many columns: a wide header is refused with a message,
the header lookup is built once per parse, every allowed column is read."""

import pytest

from trainers import (
    importing,
)

from .pages import url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


class TestImportColumns:
    def test_a_wide_header_is_refused(self, monkeypatch):
        builds = []
        original = importing.aliases.header_lookup

        def counted():
            builds.append(1)
            return original()

        monkeypatch.setattr(importing.aliases, "header_lookup", counted)
        data = ("Nom" + "," * 20000 + "\nAwa").encode()
        with pytest.raises(importing.ImportFileError) as error:
            importing.parse(data, "liste.csv")
        assert "columns" in error.value.message
        assert str(importing.MAX_COLUMNS) in error.value.message
        assert len(builds) == 1

    def test_the_lookup_is_built_once_per_parse(self, monkeypatch):
        builds = []
        original = importing.aliases.header_lookup

        def counted():
            builds.append(1)
            return original()

        monkeypatch.setattr(importing.aliases, "header_lookup", counted)
        preview = importing.parse(importing.template_csv(), "modele.csv")
        assert preview.is_valid
        assert len(builds) == 1

    def test_as_many_columns_as_allowed_are_read(self):
        header = ["Nom"] + [f"Colonne {i}" for i in range(importing.MAX_COLUMNS - 1)]
        data = (";".join(header) + "\nAwa Traoré").encode()
        preview = importing.parse(data, "liste.csv")
        assert preview.is_valid
        assert len(preview.ignored) == importing.MAX_COLUMNS - 1

    def test_the_page_shows_the_error(self, client, own_trainer, cascade_session):
        from django.core.files.uploadedfile import SimpleUploadedFile

        client.force_login(own_trainer)
        upload = SimpleUploadedFile("liste.csv", ("Nom" + "," * 20000).encode())
        response = client.post(
            url("participant_import", cascade_session.pk), {"file": upload}
        )
        assert response.status_code == 200
        assert "columns" in response.content.decode()
        assert not cascade_session.participants.exists()
