"""Issuing, revoking and reissuing credentials: the rules, in one place.

Issuance runs in the task worker (``tasks.py``), started by signals from the
apps that know what happened (``signals.py``). Every function here is
idempotent and safe under concurrency: the award key of a credential (what,
for whom) is unique per edition, so a repeated or parallel run finds the
credential already there instead of issuing it twice. A credential revoked by
a programme manager is never issued again automatically.

Rules:

- **Course completion**: the course is complete by the rule of
  ``courses.completion``, and recorded as such (``Enrolment.completed_at``):
  a completion not yet recorded is recorded first
  (``courses.services.course_completion_update``), so no certificate exists
  without the record. Hours: the course's estimated duration.
- **Trainer certification**: certified (level 30) or master trainer (level
  40), active. The credential expires with the certification
  (``certified_until``); a renewal issues a new credential for the new period,
  which supersedes the one of the period before (revoked, cause "superseded").
  Suspension revokes the trainer's live certifications, as does lowering the
  level (for the levels above the new one); reinstatement issues them again.
- **Attendance**: for a validated cascade session, every registered
  participant (with or without an account) present on at least one day.
  Waiting-list and cancelled people, and pseudonymised records, get none.
  Hours: :data:`SESSION_DAY_HOURS` per day present.
"""

import secrets
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from courses import completion
from courses.models import CoursePage, Enrolment
from courses.services import course_completion_update
from kalanso.accounts import audit

from .models import Credential
from .openbadges import STATUS_LIST_MIN_BITS

Kind = Credential.Kind
Cause = Credential.Cause

SESSION_DAY_HOURS = Decimal(6)  # one training day of a cascade session
TRAINER_LEVELS = {
    30: ("Formateur certifié", "Certified trainer"),
    40: ("Maître formateur", "Master trainer"),
}
AUTOMATIC_CAUSES = (Cause.SUSPENDED, Cause.LEVEL)


def programme_name() -> str:
    """The issuer's name: the programme name in the default site's settings."""
    from wagtail.models import Site

    from kalanso.home.models import SiteSettings

    site = Site.objects.filter(is_default_site=True).first()
    name = SiteSettings.for_site(site).programme_name if site else ""
    return (name or "Kalanso").strip()


# Creating ----------------------------------------------------------------------


def _status_list_size() -> int:
    """Indexes are drawn in a list at least twice as long as the number of
    credentials, so a draw rarely collides and the list stays sparse."""
    total = Credential.objects.count()
    return STATUS_LIST_MIN_BITS * (1 + (2 * total) // STATUS_LIST_MIN_BITS)


def _create(award_key: str, edition: int, fields: dict) -> tuple[Credential, bool]:
    """Create edition ``edition`` of an award, or return it if a concurrent
    run did. A clash on a random value (code, short code, status index) is
    retried with new draws."""
    for _attempt in range(10):
        try:
            with transaction.atomic():
                credential = Credential.objects.create(
                    award_key=award_key,
                    edition=edition,
                    status_index=secrets.randbelow(_status_list_size()),
                    **fields,
                )
            return credential, True
        except IntegrityError:
            existing = Credential.objects.filter(
                award_key=award_key, edition=edition
            ).first()
            if existing is not None:
                return existing, False
    raise RuntimeError("Could not draw unique codes for a credential.")


def _ensure(award_key: str, fields: dict, *, again_after_automatic=False):
    """The live credential for an award, issued if there is none yet.
    ``again_after_automatic``: a credential revoked by the system (trainer
    suspended, level lowered) is issued again as a new edition; one revoked
    by a person never is."""
    latest = Credential.objects.filter(award_key=award_key).order_by("-edition").first()
    if latest is None:
        return _create(award_key, 1, fields)
    if latest.revoked_at is None:
        return latest, False
    if again_after_automatic and latest.revocation_cause in AUTOMATIC_CAUSES:
        return _create(award_key, latest.edition + 1, {**fields, "replaces": latest})
    return latest, False


def _course_titles(course_key, fallback_title: str) -> tuple[str, str]:
    titles = {}
    for page in CoursePage.objects.filter(translation_key=course_key).select_related(
        "locale"
    ):
        if page.live or page.locale.language_code not in titles:
            titles[page.locale.language_code] = page.title
    french = titles.get("fr") or fallback_title
    english = titles.get("en") or french
    return french, english


def _person_name(user) -> str:
    return (user.full_name or user.email.split("@")[0]).strip()[:150]


# Course completion --------------------------------------------------------------


def course_is_complete(enrolment: Enrolment) -> bool:
    """Complete and recorded: a completion the rule allows but nobody recorded
    yet (e.g. the missing lessons' module was unpublished since) is recorded
    now."""
    if enrolment.completed_at is None:
        course_completion_update(user=enrolment.user, course=enrolment.course)
        enrolment.refresh_from_db(fields=["completed_at"])
    return enrolment.completed_at is not None


def course_credential_issue(*, user_id: int, course_key) -> Credential | None:
    """The user's certificate of completion of a course, if the course's rule
    is met (issued once)."""
    award_key = f"course:{course_key}:user:{user_id}"
    existing = (
        Credential.objects.filter(award_key=award_key).order_by("-edition").first()
    )
    if existing is not None:
        return existing
    enrolment = (
        Enrolment.objects.select_related("user", "course")
        .filter(user_id=user_id, course_key=course_key, user__is_active=True)
        .first()
    )
    if enrolment is None or not course_is_complete(enrolment):
        return None
    course = enrolment.course
    french, english = _course_titles(course_key, course.title)
    completed = enrolment.completed_at or timezone.now()
    credential, _created = _ensure(
        award_key,
        {
            "kind": Kind.COURSE,
            "achievement_ref": f"course:{course_key}",
            "user": enrolment.user,
            "holder_name": _person_name(enrolment.user),
            "achievement_fr": french[:255],
            "achievement_en": english[:255],
            "hours": course.duration_hours,
            "issued_on": timezone.localdate(completed),
            "issuer_name": programme_name(),
        },
    )
    return credential


def course_credentials_after_attempt(*, user_id: int, quiz_id: int) -> list:
    """A passed post-test may complete the courses that use it."""
    keys = dict.fromkeys(
        course.translation_key
        for course in completion.courses_completed_by_quiz(
            quiz_id=quiz_id, user_id=user_id
        )
    )
    issued = []
    for course_key in keys:
        credential = course_credential_issue(user_id=user_id, course_key=course_key)
        if credential is not None:
            issued.append(credential)
    return issued


# Trainer certification -------------------------------------------------------------


def _level_date(profile, level):
    """When the level was awarded: the certification date, or the date of the
    promotion to master, or of the last renewal."""
    from trainers.models import LevelChange

    Action = LevelChange.Action
    change = (
        profile.history.filter(
            to_level=level,
            action__in=[Action.CERTIFIED, Action.PROMOTED, Action.RENEWED],
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    if change is None or (change.action == Action.CERTIFIED and profile.certified_at):
        return profile.certified_at or timezone.localdate()
    return timezone.localdate(change.created_at)


def trainer_credentials_sync(*, profile_id: int) -> Credential | None:
    """Bring the trainer's certification credentials in step with their
    profile; returns the live credential of their current level, if any."""
    from trainers.models import TrainerProfile

    profile = (
        TrainerProfile.objects.select_related("user").filter(pk=profile_id).first()
    )
    if profile is None:
        return None
    user = profile.user
    live = list(
        Credential.objects.filter(kind=Kind.TRAINER, user=user, revoked_at__isnull=True)
    )
    level = int(profile.level)
    if profile.status == TrainerProfile.Status.SUSPENDED or level not in (
        TRAINER_LEVELS
    ):
        cause = (
            Cause.SUSPENDED
            if profile.status == TrainerProfile.Status.SUSPENDED
            else Cause.LEVEL
        )
        for credential in live:
            credential_revoke(credential, by=None, reason="", cause=cause)
        return None
    for credential in live:
        if credential.extra.get("level", 0) > level:
            credential_revoke(credential, by=None, reason="", cause=Cause.LEVEL)
    if profile.status == TrainerProfile.Status.EXPIRED:
        return None  # nothing new; the existing ones expire by their date
    until = profile.certified_until
    french, english = TRAINER_LEVELS[level]
    credential, _created = _ensure(
        f"trainer:{user.pk}:{level}:{until.isoformat() if until else 'open'}",
        {
            "kind": Kind.TRAINER,
            "achievement_ref": f"trainer:{level}",
            "user": user,
            "holder_name": _person_name(user),
            "achievement_fr": french,
            "achievement_en": english,
            "hours": None,
            "issued_on": _level_date(profile, level),
            "valid_until": until,
            "issuer_name": programme_name(),
            "extra": {"level": level},
        },
        again_after_automatic=True,
    )
    if credential.revoked_at is None:
        # A renewal issues the credential of the new period: it supersedes
        # the one of the period before, at the same level.
        for older in live:
            if older.pk != credential.pk and older.extra.get("level") == level:
                credential_revoke(older, by=None, reason="", cause=Cause.SUPERSEDED)
    return credential


# Attendance -------------------------------------------------------------------------


def attendance_credentials_issue(*, session_id: int) -> list[Credential]:
    """Certificates of attendance for a validated session (idempotent)."""
    from trainers.models import CascadeSession, Participant

    session = (
        CascadeSession.objects.select_related("course").filter(pk=session_id).first()
    )
    if session is None or session.status != CascadeSession.Status.VALIDATED:
        return []
    days_total = len(session.days)
    present = Q(
        attendance__present=True,
        attendance__day__gte=session.start_date,
        attendance__day__lte=session.end_date,
    )
    people = list(
        Participant.objects.filter(
            session=session,
            state=Participant.State.REGISTERED,
            pseudonymised_at__isnull=True,
        )
        .annotate(days_present=Count("attendance", filter=present))
        .filter(days_present__gt=0)
        .select_related("user")
        .order_by("pk")
    )
    if not people:
        return []
    course = session.course
    french, english = _course_titles(course.translation_key, course.title)
    issuer = programme_name()
    done = set(
        Credential.objects.filter(
            award_key__in=[f"attendance:participant:{p.pk}" for p in people]
        ).values_list("award_key", flat=True)
    )
    issued = []
    for person in people:
        award_key = f"attendance:participant:{person.pk}"
        if award_key in done:
            continue
        credential, created = _ensure(
            award_key,
            {
                "kind": Kind.ATTENDANCE,
                "achievement_ref": f"attendance:{course.translation_key}",
                "user": person.user,
                "participant": person,
                "session": session,
                "holder_name": person.full_name.strip()[:150],
                "achievement_fr": french[:255],
                "achievement_en": english[:255],
                "hours": SESSION_DAY_HOURS * person.days_present,
                "issued_on": session.end_date,
                "issuer_name": issuer,
                "extra": {
                    "days_present": person.days_present,
                    "days_total": days_total,
                    "start": session.start_date.isoformat(),
                    "end": session.end_date.isoformat(),
                },
            },
        )
        if created:
            issued.append(credential)
    return issued


# Revoking and reissuing -------------------------------------------------------------


def credential_revoke(
    credential: Credential, *, by, reason: str, cause: str = Cause.MANUAL
) -> Credential:
    """Revoke a credential (its bit in the status list is set). A programme
    manager must give a reason; it goes to the audit log."""
    reason = (reason or "").strip()
    if cause == Cause.MANUAL and not reason:
        raise ValidationError(_("Give a reason: it is kept in the audit log."))
    with transaction.atomic():
        locked = Credential.objects.select_for_update().get(pk=credential.pk)
        if locked.revoked_at is not None:
            raise ValidationError(_("This certificate is already revoked."))
        locked.revoked_at = timezone.now()
        locked.revocation_cause = cause
        locked.revoked_reason = reason[:500]
        locked.revoked_by = by if getattr(by, "pk", None) else None
        locked.save(
            update_fields=[
                "revoked_at",
                "revocation_cause",
                "revoked_reason",
                "revoked_by",
            ]
        )
        audit.record(
            by, "credential_revoked", locked, cause=str(cause), reason=reason[:500]
        )
    return locked


def credential_reissue(
    credential: Credential, *, by, holder_name: str, reason: str = ""
) -> Credential:
    """A corrected name: a new edition of the same award replaces the old
    credential, which is revoked ("replaced by a corrected certificate")."""
    holder_name = " ".join((holder_name or "").split())[:150]
    if not holder_name:
        raise ValidationError(_("Enter the name as it should be printed."))
    reason = (reason or "").strip()[:500]
    with transaction.atomic():
        old = Credential.objects.select_for_update().get(pk=credential.pk)
        if old.revoked_at is not None:
            raise ValidationError(_("A revoked certificate cannot be reissued."))
        if holder_name == old.holder_name:
            raise ValidationError(_("The name is the same as on the certificate."))
        edition = (
            Credential.objects.filter(award_key=old.award_key).aggregate(
                top=Max("edition")
            )["top"]
            or old.edition
        ) + 1
        fields = {
            name: getattr(old, name)
            for name in (
                "kind",
                "achievement_ref",
                "user",
                "participant",
                "session",
                "achievement_fr",
                "achievement_en",
                "hours",
                "issued_on",
                "valid_until",
                "issuer_name",
                "extra",
            )
        }
        new, created = _create(
            old.award_key,
            edition,
            {**fields, "holder_name": holder_name, "replaces": old},
        )
        if not created:
            raise ValidationError(_("This certificate was reissued meanwhile."))
        old.revoked_at = timezone.now()
        old.revocation_cause = Cause.REISSUED
        old.revoked_reason = reason
        old.revoked_by = by if getattr(by, "pk", None) else None
        old.save(
            update_fields=[
                "revoked_at",
                "revocation_cause",
                "revoked_reason",
                "revoked_by",
            ]
        )
        # No names in the audit log: the entries point at the credentials.
        audit.record(by, "credential_reissued", new, replaces=old.pk, reason=reason)
    return new
