"""Retention periods: how long personal data is kept.

One entry point, :func:`apply`, run daily by the ``apply_retention``
management command.

Settings (days; ``None`` = kept for ever):

* ``KALANSO_RETENTION_PARTICIPANT_DAYS`` — participants of sessions that ended
  longer ago are pseudonymised, their certificates of attendance revoked and
  renamed (see :mod:`privacy.erasure`), and the report photos of those sessions
  deleted, files included (default 1,095: three years).
* ``KALANSO_RETENTION_INACTIVE_ACCOUNT_DAYS`` — accounts not used for longer
  (last login, or sign-up if never logged in) are erased; trainers, staff and
  administrators are never erased this way (default: off).
* ``KALANSO_RETENTION_AUDIT_DAYS`` — audit entries older than this are deleted
  (default: off).

Aggregates are kept: erasure pseudonymises, it does not delete.

Each run also catches up with erasures done before credentials and audit
labels were part of them: the credentials of pseudonymised participants and
erased accounts that still carry a name or are still valid, and the audit
entries of erased accounts that still carry their name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from kalanso.accounts.models import AuditEntry, User
from trainers.models import Participant, SessionPhoto, TrainerProfile

from . import erasure

BATCH = 500

DEFAULTS = {
    "KALANSO_RETENTION_PARTICIPANT_DAYS": 3 * 365,
    "KALANSO_RETENTION_INACTIVE_ACCOUNT_DAYS": None,
    "KALANSO_RETENTION_AUDIT_DAYS": None,
}


def _period(name: str) -> int | None:
    value = getattr(settings, name, DEFAULTS[name])
    return int(value) if value not in (None, "") else None


@dataclass
class Outcome:
    participants: int = 0
    accounts: int = 0
    audit_entries: int = 0
    photos: int = 0
    credentials: int = 0


def _due_participants(today=None):
    days = _period("KALANSO_RETENTION_PARTICIPANT_DAYS")
    if days is None:
        return Participant.objects.none()
    today = today or timezone.localdate()
    return Participant.objects.filter(
        pseudonymised_at__isnull=True,
        session__end_date__lt=today - timedelta(days=days),
    )


def _due_photos(today=None):
    """Report photos of the sessions whose participants are due (or past)."""
    days = _period("KALANSO_RETENTION_PARTICIPANT_DAYS")
    if days is None:
        return SessionPhoto.objects.none()
    today = today or timezone.localdate()
    return SessionPhoto.objects.filter(
        session__end_date__lt=today - timedelta(days=days)
    )


def _delete_photos(queryset) -> int:
    """Delete the photos and their files (from the field's own storage, once
    the deletion is committed)."""
    count = 0
    while True:
        batch = list(queryset.order_by("pk")[:BATCH])
        if not batch:
            return count
        with transaction.atomic():
            files = [(p.image.storage, p.image.name) for p in batch if p.image.name]
            SessionPhoto.objects.filter(pk__in=[p.pk for p in batch]).delete()
            transaction.on_commit(lambda files=files: _delete_files(files))
        count += len(batch)


def _delete_files(files) -> None:
    for storage, name in files:
        storage.delete(name)


def _due_accounts(now=None):
    days = _period("KALANSO_RETENTION_INACTIVE_ACCOUNT_DAYS")
    if days is None:
        return User.objects.none()
    now = now or timezone.now()
    return (
        User.objects.annotate(last_seen=Coalesce("last_login", "date_joined"))
        .filter(last_seen__lt=now - timedelta(days=days))
        .exclude(email__endswith=erasure.ERASED_EMAIL)
        .exclude(Q(is_staff=True) | Q(is_superuser=True))
        .exclude(pk__in=TrainerProfile.objects.values("user_id"))
    )


def _due_audit_entries(now=None):
    days = _period("KALANSO_RETENTION_AUDIT_DAYS")
    if days is None:
        return AuditEntry.objects.none()
    now = now or timezone.now()
    return AuditEntry.objects.filter(created_at__lt=now - timedelta(days=days))


def apply(*, dry_run: bool = False, today=None, now=None) -> Outcome:
    """Pseudonymise, erase and delete what is past its retention period, and
    complete earlier erasures; with ``dry_run``, only count."""
    participants = _due_participants(today)
    photos = _due_photos(today)
    accounts = _due_accounts(now)
    entries = _due_audit_entries(now)
    if dry_run:
        return Outcome(
            participants=participants.count(),
            accounts=accounts.count(),
            audit_entries=entries.count(),
            photos=photos.count(),
            credentials=erasure.unfinished_erasures().count(),
        )
    outcome = Outcome()
    outcome.participants = erasure.participants_pseudonymise(
        participants,
        reason="retention period",
        credential_reason=erasure.RETENTION_REASON,
    )
    outcome.photos = _delete_photos(photos)
    for user in accounts.iterator():
        erasure.person_erase(
            user, reason="retention period", credential_reason=erasure.RETENTION_REASON
        )
        outcome.accounts += 1
    outcome.credentials = erasure.unfinished_erasures_complete()
    outcome.audit_entries = entries.delete()[0]
    return outcome
