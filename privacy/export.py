"""The right of access: a copy of what the platform keeps about a person.

Two entry points, one per kind of person:

* :func:`person_data` — an account holder's own data (their account, every
  row of every app that points at the account, what they did in the audit
  log);
* :func:`participant_data` — a participant without an account, exported by a
  programme manager on the person's behalf (audited).

:func:`as_json` and :func:`as_csv` write either one as a file.

Coded values (sex, organisation type, region, states, audited actions…) are
given as :class:`Coded`: the label in the reader's language, for the person
who reads the file, and the machine code next to it (``<field>_code`` in
JSON, the ``code`` column in CSV) for whoever filters or joins on it.

The rows that the apps keep about an account holder are found through the
model registry (every model with a foreign key to the user), so a new model
is part of the export without anyone remembering to add it.
"""

from __future__ import annotations

import datetime
import decimal
import json
import uuid
from dataclasses import dataclass

from django.utils import timezone

from courses import localized
from kalanso import spreadsheets
from kalanso.accounts import audit, roles
from kalanso.accounts.models import AuditEntry, User
from trainers.models import Participant

# Never copied out: credentials and secret links.
SECRET_FIELDS = {
    "password",
    "key_hash",
    "calendar_token",
    "claim_code",
    "feedback_token",
    "token",
    "secret",
}
# Framework tables (page revisions, admin logs…) are not the person's data.
SKIPPED_APPS = ("wagtail", "admin", "auth", "contenttypes", "sessions", "taggit")
SKIPPED_APP_PREFIXES = ("wagtail", "django_tasks")
ACCOUNT_FIELDS = [
    "email",
    "full_name",
    "job_title",
    "preferred_language",
    "gender",
    "date_joined",
    "last_login",
    "email_confirmed_at",
    "consent_given_at",
    "is_active",
]


@dataclass(frozen=True)
class Coded:
    """A machine code and its label in the reader's language."""

    code: str
    label: str


def _choice(instance, field_name) -> Coded | str | None:
    """A field with choices as a :class:`Coded` (empty stays empty)."""
    code = getattr(instance, field_name)
    if code in (None, ""):
        return code
    return Coded(str(code), str(getattr(instance, f"get_{field_name}_display")()))


def _region(region) -> Coded | None:
    return Coded(region.code, str(region)) if region is not None else None


# Account holders ------------------------------------------------------------------


def person_data(user: User) -> dict:
    """Everything the platform keeps about an account holder, as plain data."""
    return {
        "generated_at": timezone.now().isoformat(),
        "account": _account_data(user),
        "records": _related_data(user),
        "audit": [
            {
                "when": _plain(entry.created_at),
                "action": Coded(entry.action, audit.action_label(entry.action)),
                "target": f"{entry.target_type}:{entry.target_id}",
            }
            for entry in AuditEntry.objects.filter(actor=user).order_by("created_at")
        ],
    }


def _plain(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if hasattr(value, "name") and hasattr(value, "storage"):  # a file field
        return value.name or ""
    return value


def _account_data(user: User) -> dict:
    data = {name: _plain(getattr(user, name)) for name in ACCOUNT_FIELDS}
    for name in ("preferred_language", "gender"):
        data[name] = _choice(user, name)
    data["organisation"] = (
        {"name": user.organisation.name, "type": _choice(user.organisation, "type")}
        if user.organisation_id
        else None
    )
    data["region"] = _region(user.region)
    data["roles"] = [
        Coded(name, str(roles.GROUP_LABELS.get(name, name)))
        for name in sorted(user.groups.values_list("name", flat=True))
    ]
    return data


def _skipped(model) -> bool:
    label = model._meta.app_label
    return label in SKIPPED_APPS or label.startswith(SKIPPED_APP_PREFIXES)


def _related_data(user: User) -> dict[str, list[dict]]:
    """``{"app.model": [row, …]}`` for every model with a foreign key to the
    user: one query per such model, whatever the amount of data."""
    result: dict[str, list[dict]] = {}
    for rel in User._meta.related_objects:
        model = rel.related_model
        if rel.many_to_many or _skipped(model) or model is AuditEntry:
            continue
        fields = [
            f
            for f in model._meta.concrete_fields
            if f.name not in SECRET_FIELDS and not f.name.endswith("_token")
        ]
        rows = model._default_manager.filter(**{rel.field.name: user}).order_by("pk")
        entries = [
            {
                f.attname: _choice(obj, f.name)
                if f.choices
                else _plain(getattr(obj, f.attname))
                for f in fields
            }
            for obj in rows
        ]
        if entries:
            result.setdefault(model._meta.label_lower, []).extend(entries)
    return result


# Participants without an account ----------------------------------------------------


def participant_data(participant: Participant, *, by) -> dict:
    """What the platform keeps about one participant, as plain data; the
    export is recorded in the audit log under ``by``."""
    session = participant.session
    data = {
        "participant": {
            "full_name": participant.full_name,
            "sex": _choice(participant, "sex"),
            "age_band": _choice(participant, "age_band"),
            "organisation_type": _choice(participant, "organisation_type"),
            "role": participant.role,
            "phone": participant.phone,
            "state": _choice(participant, "state"),
            "source": _choice(participant, "source"),
            "pre_score": str(participant.pre_score)
            if participant.pre_score is not None
            else None,
            "post_score": str(participant.post_score)
            if participant.post_score is not None
            else None,
            "registered_at": participant.registered_at.isoformat(),
            "pseudonymised_at": participant.pseudonymised_at.isoformat()
            if participant.pseudonymised_at
            else None,
            "has_account": participant.user_id is not None,
        },
        "session": {
            "title": session.title,
            "course": localized.title_text(session.course),
            "start_date": session.start_date.isoformat(),
            "end_date": session.end_date.isoformat(),
            "region": _region(session.region),
        },
        "attendance": [
            {"day": a.day.isoformat(), "present": a.present}
            for a in participant.attendance.all()
        ],
    }
    # The action keeps the name it had when the reporting app held the
    # rights: the audit log is read by that name.
    audit.record(by, "reporting.participant_export", participant)
    return data


# Files --------------------------------------------------------------------------------


def _with_codes(value):
    """``{"sex": Coded("f", "Femme")}`` → ``{"sex": "Femme", "sex_code": "f"}``."""
    if isinstance(value, dict):
        plain = {}
        for key, item in value.items():
            if isinstance(item, Coded):
                plain[key] = item.label
                plain[f"{key}_code"] = item.code
            else:
                plain[key] = _with_codes(item)
        return plain
    if isinstance(value, list):
        return [_with_codes(item) for item in value]
    if isinstance(value, Coded):  # in a list (the roles)
        return {"label": value.label, "code": value.code}
    return value


def as_json(data: dict) -> str:
    return json.dumps(_with_codes(data), ensure_ascii=False, indent=2, default=str)


def as_csv(data: dict) -> str:
    """One line per value: section, record number, field, value and, for a
    coded value, its code (written by :mod:`kalanso.spreadsheets`, which
    escapes formulas)."""
    return "".join(
        spreadsheets.csv_lines(
            ["section", "record", "field", "value", "code"], _csv_rows(data)
        )
    )


def _csv_rows(data: dict):
    for section, content in data.items():
        if isinstance(content, dict):
            records = [content]
        elif isinstance(content, list):
            records = content
        else:
            yield [section, "", "", *_text(content)]
            continue
        for number, record in enumerate(records, start=1):
            if (
                isinstance(record, dict)
                and all(isinstance(v, list) for v in record.values())
                and section == "records"
            ):
                for label, rows in record.items():
                    for n, row in enumerate(rows, start=1):
                        for field, value in row.items():
                            for name, columns in _fields(field, value):
                                yield [label, n, name, *columns]
                continue
            for field, value in record.items() if isinstance(record, dict) else []:
                for name, columns in _fields(field, value):
                    yield [section, number, name, *columns]


def _fields(field, value):
    """(field, [value, code]) for a value; a dict (the organisation) gives
    one line per part ("organisation.type")."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _fields(f"{field}.{key}", item)
    elif isinstance(value, list):
        for item in value:
            yield field, _text(item)
    else:
        yield field, _text(value)


def _text(value) -> list[str]:
    """The value and code columns."""
    if isinstance(value, Coded):
        return [value.label, value.code]
    return ["" if value is None else str(value), ""]
