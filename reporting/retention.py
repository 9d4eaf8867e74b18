"""Retention periods: how long personal data is kept, applied by the
``apply_retention`` management command (run it daily).

Settings (days; ``None`` = kept for ever):

* ``KALANSO_RETENTION_PARTICIPANT_DAYS`` — participants of sessions that ended
  longer ago are pseudonymised (default 1,095: three years).
* ``KALANSO_RETENTION_INACTIVE_ACCOUNT_DAYS`` — accounts not used for longer
  (last login, or sign-up if never logged in) are erased; trainers, staff and
  administrators are never erased this way (default: off).
* ``KALANSO_RETENTION_AUDIT_DAYS`` — audit entries older than this are deleted
  (default: off).

Aggregates are kept: erasure pseudonymises, it does not delete.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from kalanso.accounts.models import AuditEntry, User
from trainers import erasure
from trainers.models import Participant, TrainerProfile

DEFAULTS = {
    "KALANSO_RETENTION_PARTICIPANT_DAYS": 3 * 365,
    "KALANSO_RETENTION_INACTIVE_ACCOUNT_DAYS": None,
    "KALANSO_RETENTION_AUDIT_DAYS": None,
}


def period(name: str) -> int | None:
    value = getattr(settings, name, DEFAULTS[name])
    return int(value) if value not in (None, "") else None


@dataclass
class Outcome:
    participants: int = 0
    accounts: int = 0
    audit_entries: int = 0


def due_participants(today=None):
    days = period("KALANSO_RETENTION_PARTICIPANT_DAYS")
    if days is None:
        return Participant.objects.none()
    today = today or timezone.localdate()
    return Participant.objects.filter(
        pseudonymised_at__isnull=True,
        session__end_date__lt=today - timedelta(days=days),
    )


def due_accounts(now=None):
    days = period("KALANSO_RETENTION_INACTIVE_ACCOUNT_DAYS")
    if days is None:
        return User.objects.none()
    now = now or timezone.now()
    return (
        User.objects.annotate(last_seen=Coalesce("last_login", "date_joined"))
        .filter(last_seen__lt=now - timedelta(days=days))
        .exclude(email__endswith="@erased.invalid")
        .exclude(Q(is_staff=True) | Q(is_superuser=True))
        .exclude(pk__in=TrainerProfile.objects.values("user_id"))
    )


def due_audit_entries(now=None):
    days = period("KALANSO_RETENTION_AUDIT_DAYS")
    if days is None:
        return AuditEntry.objects.none()
    now = now or timezone.now()
    return AuditEntry.objects.filter(created_at__lt=now - timedelta(days=days))


def apply(*, dry_run: bool = False, today=None, now=None) -> Outcome:
    from .rights import erase_person

    outcome = Outcome()
    participants = due_participants(today)
    accounts = due_accounts(now)
    entries = due_audit_entries(now)
    if dry_run:
        return Outcome(participants.count(), accounts.count(), entries.count())
    outcome.participants = erasure.pseudonymise_participants(
        participants, reason="retention period"
    )
    for user in accounts.iterator():
        erase_person(user, reason="retention period")
        outcome.accounts += 1
    outcome.audit_entries = entries.delete()[0]
    return outcome
