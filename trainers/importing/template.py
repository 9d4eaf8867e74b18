"""The participant list to fill in, as CSV or as an Excel workbook with a
second sheet of accepted values, titled in the current language (written by
``kalanso.spreadsheets``)."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from kalanso import spreadsheets
from kalanso.accounts.models import Organisation

from ..models import Participant
from .aliases import CHOICES, FIELDS, LABELS
from .rows import MAX_LENGTH
from .table import MAX_ROWS


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
