"""Retention periods: how long personal data is kept, applied by the
``apply_retention`` management command (run it daily).

Settings (days; ``None`` = kept for ever):

* ``KALANSO_RETENTION_PARTICIPANT_DAYS`` — participants of sessions that ended
  longer ago are pseudonymised, their certificates of attendance revoked and
  renamed (see ``reporting.rights``), and the report photos of those sessions
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
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from certificates.models import Credential
from kalanso.accounts.models import AuditEntry, User
from trainers.models import Participant, SessionPhoto, TrainerProfile

from . import rights

ERASED_EMAIL = "@erased.invalid"
BATCH = 500

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
    photos: int = 0
    credentials: int = 0


def due_participants(today=None):
    days = period("KALANSO_RETENTION_PARTICIPANT_DAYS")
    if days is None:
        return Participant.objects.none()
    today = today or timezone.localdate()
    return Participant.objects.filter(
        pseudonymised_at__isnull=True,
        session__end_date__lt=today - timedelta(days=days),
    )


def due_photos(today=None):
    """Report photos of the sessions whose participants are due (or past)."""
    days = period("KALANSO_RETENTION_PARTICIPANT_DAYS")
    if days is None:
        return SessionPhoto.objects.none()
    today = today or timezone.localdate()
    return SessionPhoto.objects.filter(
        session__end_date__lt=today - timedelta(days=days)
    )


def delete_photos(queryset) -> int:
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


def stale_credentials():
    """Credentials of pseudonymised participants or erased accounts that are
    still valid or still carry something other than a pseudonym."""
    erased = Q(participant__pseudonymised_at__isnull=False) | Q(
        user__email__endswith=ERASED_EMAIL
    )
    named = ~Q(holder_name__startswith="P-") & ~Q(holder_name__startswith="erased-")
    return Credential.objects.filter(erased).filter(Q(revoked_at__isnull=True) | named)


def catch_up() -> int:
    """Erasures done before credentials and audit labels were part of them."""
    ids = list(stale_credentials().values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        rights.erase_credentials(
            Credential.objects.filter(pk__in=ids[start : start + BATCH]),
            reason=rights.CATCH_UP_REASON,
        )
    pseudonym = User.objects.filter(pk=OuterRef("actor_id")).values("full_name")[:1]
    AuditEntry.objects.filter(actor__email__endswith=ERASED_EMAIL).exclude(
        actor_label__startswith="erased-"
    ).update(actor_label=Subquery(pseudonym))
    return len(ids)


def due_accounts(now=None):
    days = period("KALANSO_RETENTION_INACTIVE_ACCOUNT_DAYS")
    if days is None:
        return User.objects.none()
    now = now or timezone.now()
    return (
        User.objects.annotate(last_seen=Coalesce("last_login", "date_joined"))
        .filter(last_seen__lt=now - timedelta(days=days))
        .exclude(email__endswith=ERASED_EMAIL)
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
    participants = due_participants(today)
    photos = due_photos(today)
    accounts = due_accounts(now)
    entries = due_audit_entries(now)
    if dry_run:
        return Outcome(
            participants=participants.count(),
            accounts=accounts.count(),
            audit_entries=entries.count(),
            photos=photos.count(),
            credentials=stale_credentials().count(),
        )
    outcome = Outcome()
    outcome.participants = rights.pseudonymise_participants(
        participants,
        reason="retention period",
        credential_reason=rights.RETENTION_REASON,
    )
    outcome.photos = delete_photos(photos)
    for user in accounts.iterator():
        rights.erase_person(
            user, reason="retention period", credential_reason=rights.RETENTION_REASON
        )
        outcome.accounts += 1
    outcome.credentials = catch_up()
    outcome.audit_entries = entries.delete()[0]
    return outcome
