"""People's rights across the apps: a copy of one's data, and erasure.

Reporting is the one app that may import all the others, so it puts the
pieces together: ``kalanso.accounts.rights`` (the account and every row that
points at it) and ``trainers.erasure`` (participants, trainer profiles).
"""

from __future__ import annotations

import csv
import io
import json

from django.db import transaction

from courses.models import ReflectionAnswer
from kalanso.accounts import audit
from kalanso.accounts import rights as account_rights
from trainers import erasure
from trainers.models import Participant


def personal_data(user) -> dict:
    return account_rights.personal_data(user)


def as_json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def as_csv(data: dict) -> str:
    """One line per value: section, record number, field, value."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(["section", "record", "field", "value"])

    def cell(value):
        text = "" if value is None else str(value)
        return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text

    for section, content in data.items():
        if isinstance(content, dict):
            records = [content]
        elif isinstance(content, list):
            records = content
        else:
            writer.writerow([section, "", "", cell(content)])
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
                            writer.writerow([label, n, field, cell(value)])
                continue
            for field, value in record.items() if isinstance(record, dict) else []:
                writer.writerow([section, number, field, cell(value)])
    return buffer.getvalue()


@transaction.atomic
def erase_person(user, *, by=None, reason: str = ""):
    """Erase an account holder: their participations are pseudonymised, their
    private reflections deleted, their API tokens revoked, their trainer
    profile stripped of personal text, their account pseudonymised."""
    from wagtail.models import APIToken

    # A person erasing their own account is not named as the actor of the
    # new audit entries (the entry would keep their name as text).
    actor = None if by is None or by.pk == user.pk else by
    erasure.pseudonymise_participants(
        Participant.objects.filter(user=user), by=actor, reason="account erased"
    )
    ReflectionAnswer.objects.filter(user=user).delete()
    for token in APIToken.objects.filter(user=user, revoked_at__isnull=True):
        token.revoke()
    erasure.erase_trainer_profile(user)
    return account_rights.erase_account(user, by=by, reason=reason)


def participant_export(participant: Participant, *, by) -> dict:
    data = erasure.participant_data(participant)
    audit.record(by, "reporting.participant_export", participant)
    return data


def erase_participant(participant: Participant, *, by, reason: str = ""):
    return erasure.pseudonymise_participant(participant, by=by, reason=reason)
