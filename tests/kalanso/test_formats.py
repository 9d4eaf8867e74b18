"""Dates follow the reader's locale: day first in both languages, the English
short date with the month's name (never the ambiguous MM/DD)."""

from datetime import date, datetime

from django.utils import formats, translation

import pytest


@pytest.mark.parametrize(
    ("lang", "short_date", "short_datetime"),
    [
        ("en", "13 Nov 2026", "13 Nov 2026, 08:05"),
        ("fr", "13/11/2026", "13/11/2026 08:05"),
    ],
)
def test_short_dates_follow_the_locale(lang, short_date, short_datetime):
    with translation.override(lang):
        assert (
            formats.date_format(date(2026, 11, 13), "SHORT_DATE_FORMAT") == short_date
        )
        assert (
            formats.date_format(datetime(2026, 11, 13, 8, 5), "SHORT_DATETIME_FORMAT")
            == short_datetime
        )
