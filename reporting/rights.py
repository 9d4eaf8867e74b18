"""People's rights across the apps: a copy of one's data, and erasure.

Reporting is the one app that may import all the others, so it puts the
pieces together: ``kalanso.accounts.rights`` (the account and every row that
points at it), ``trainers.erasure`` (participants, trainer profiles) and the
certificates: a credential keeps a copy of the holder's name (printed, shown
on the public verification page, signed), so erasing a person or
pseudonymising a participant also revokes their live credentials and puts
the pseudonym in place of the name on every edition.
"""

from __future__ import annotations

import csv
import io
import json

from django.db import transaction
from django.db.models import Q

from certificates import issuance
from certificates.models import Credential
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


# Recorded with the revocation (audit log, certificate management page): never
# a name.
ERASED_REASON = "erased at the holder's request"
RETENTION_REASON = "personal data erased (retention period)"
CATCH_UP_REASON = "holder's personal data erased"
BATCH = 1000


def _holder_pseudonym(credential: Credential) -> str:
    if credential.participant_id is not None:
        return erasure.pseudonym(credential.participant_id)
    return account_rights.pseudonym(credential.user_id)


def erase_credentials(credentials, *, by=None, reason: str = ERASED_REASON) -> int:
    """Every credential of ``credentials`` (all editions, live or not) gets
    the holder's pseudonym instead of their name; the live ones are revoked
    (the certificates app's own service: status list, audit log). Returns how
    many were revoked."""
    revoked = 0
    ids = list(credentials.values_list("pk", flat=True))
    with transaction.atomic():
        rows = list(
            Credential.objects.select_for_update().filter(pk__in=ids).order_by("pk")
        )
        for credential in rows:
            name = _holder_pseudonym(credential)
            if credential.holder_name != name:
                Credential.objects.filter(pk=credential.pk).update(holder_name=name)
        for credential in rows:
            if credential.revoked_at is None:
                issuance.credential_revoke(
                    credential,
                    by=by,
                    reason=reason,
                    cause=Credential.Cause.MANUAL,
                )
                revoked += 1
    return revoked


def pseudonymise_participants(
    queryset, *, by=None, reason: str = "", credential_reason: str = ERASED_REASON
) -> int:
    """``trainers.erasure.pseudonymise_participants`` and the participants'
    credentials (see :func:`erase_credentials`)."""
    ids = list(
        queryset.filter(pseudonymised_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    count = erasure.pseudonymise_participants(
        Participant.objects.filter(pk__in=ids), by=by, reason=reason
    )
    for start in range(0, len(ids), BATCH):
        erase_credentials(
            Credential.objects.filter(participant_id__in=ids[start : start + BATCH]),
            by=by,
            reason=credential_reason,
        )
    return count


@transaction.atomic
def erase_person(
    user, *, by=None, reason: str = "", credential_reason: str = ERASED_REASON
):
    """Erase an account holder: their participations are pseudonymised, their
    credentials revoked and renamed, their private reflections deleted, their
    API tokens revoked, their trainer profile stripped of personal text, their
    account pseudonymised (and their name in the audit log with it)."""
    from wagtail.models import APIToken

    # A person erasing their own account is not named as the actor of the
    # new audit entries (the entry would keep their name as text).
    actor = None if by is None or by.pk == user.pk else by
    erasure.pseudonymise_participants(
        Participant.objects.filter(user=user), by=actor, reason="account erased"
    )
    erase_credentials(
        Credential.objects.filter(Q(user=user) | Q(participant__user=user)),
        by=actor,
        reason=credential_reason,
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


@transaction.atomic
def erase_participant(participant: Participant, *, by, reason: str = ""):
    participant = erasure.pseudonymise_participant(participant, by=by, reason=reason)
    erase_credentials(Credential.objects.filter(participant=participant), by=by)
    return participant
