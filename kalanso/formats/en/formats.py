"""English: short dates with the month's abbreviation, never MM/DD.

Django's ``en`` writes short dates as ``11/13/2026``, which readers used to
day-first dates (everyone in Mali, most of the programme's partners) read as
the 11th of the 13th month. "13 Nov 2026" cannot be misread; French keeps
Django's ``13/11/2026``. The long formats stay Django's."""

SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
