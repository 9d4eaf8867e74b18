"""Dates in the reader's language: attendance headers use the locale's month
abbreviations (issue #16: "ven 13 Nov" on a French page)."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import translation
from django.utils.dateformat import format as date_format

import pytest

from trainers import factories

pytestmark = pytest.mark.django_db


def test_attendance_headers_use_the_locales_month_abbreviations(
    client, course, own_trainer
):
    start = date.today() - timedelta(days=1)
    session = factories.session(course, own_trainer, start=start, days=2)
    factories.participants(session, 1)  # the table shows when someone is registered
    client.force_login(own_trainer)
    for language in ("fr", "en"):
        with translation.override(language):
            url = reverse("trainers:attendance", args=[session.pk])
            expected = date_format(start, "D j N")  # "ven 13 nov.", "Fri 13 Nov."
            english_style = date_format(start, "D j M")  # "ven 13 Nov"
        html = client.get(url).content.decode()
        assert f">{expected}</th>" in html, language
        if language == "fr":
            assert english_style != expected
            assert f">{english_style}</th>" not in html
