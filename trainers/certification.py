"""The trainer certification path and levels: the one place that changes a
trainer's level, writes its history and keeps the Django groups in step.

Path to certification (a checklist on the profile):
1. completed a trainer-track course (lessons and post-test, the course's rule);
2. passed the certification exam;
3. co-facilitated at least N held sessions, each with an observation report
   by a certified or master trainer;
4. approved by a master trainer or a programme manager (:func:`certify`).

Certification lasts ``CertificationSettings.validity_months``; it can be
renewed, suspended and reinstated, always with a reason.

The credentials a trainer holds follow their level and status: every change
that alters them sends :data:`credentials_changed` (see
:func:`changes_credentials`), which the certificates app receives. Trainers
never import certificates.
"""

import calendar
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Attempt, Quiz
from courses.models import Enrolment
from kalanso.accounts import audit, roles
from kalanso.context_processors import navigation_cache_key

from . import services
from .models import (
    CertificationSettings,
    LevelChange,
    Observation,
    TrainerProfile,
)

Level = TrainerProfile.Level
Status = TrainerProfile.Status
TRAINER_GROUP = roles.TRAINER
MASTER_GROUP = roles.MASTER_TRAINER
POOL_GROUP = roles.TRAINER_POOL
# A session counts towards certification once held (the rule is
# ``services.HELD_OR_LATER``, what a session's status allows).
HELD_OR_LATER = services.HELD_OR_LATER


# Sent with ``profile_id`` inside the transaction that records a change of a
# trainer's level or status which alters the credentials they should hold
# (:func:`changes_credentials`). Receivers act after the commit.
credentials_changed = Signal()


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    done: bool
    detail: str = ""


def rules() -> CertificationSettings:
    return CertificationSettings.load()


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def observed_cofacilitations(user):
    """Held sessions the user co-facilitated with a satisfactory observation
    by a certified or master trainer."""
    return (
        Observation.objects.filter(
            trainer=user,
            satisfactory=True,
            session__status__in=HELD_OR_LATER,
            session__co_facilitators=user,
        )
        .values("session")
        .distinct()
    )


def checklist(profile: TrainerProfile, settings=None) -> list[Step]:
    """The certification steps and whether each is done (a few queries)."""
    settings = settings or rules()
    user = profile.user
    course_done = Enrolment.objects.filter(
        user=user, course__is_trainer_track=True, completed_at__isnull=False
    ).exists()
    exams = Attempt.objects.filter(user=user, quiz__kind=Quiz.Kind.EXAM, passed=True)
    if settings.certification_exam_id:
        exams = exams.filter(quiz_id=settings.certification_exam_id)
    exam_passed = exams.exists()
    needed = settings.required_cofacilitations
    observed = observed_cofacilitations(user).count()
    approved = profile.level >= Level.CERTIFIED
    return [
        Step("course", _("Completed the trainer-track course"), course_done),
        Step("exam", _("Passed the certification exam"), exam_passed),
        Step(
            "cofacilitation",
            _("Co-facilitated sessions with an observation report"),
            observed >= needed,
            _("%(done)s of %(needed)s")
            % {"done": min(observed, needed), "needed": needed},
        ),
        Step(
            "approval", _("Approved by a master trainer or programme manager"), approved
        ),
    ]


def ready_for_approval(profile: TrainerProfile, settings=None) -> bool:
    return all(
        step.done for step in checklist(profile, settings) if step.key != "approval"
    )


def sync_groups(profile: TrainerProfile) -> None:
    """Keep the Trainer / Master trainer groups in step with level and status,
    and the Trainer pool group with having a profile (any level or status):
    the roles (``kalanso.accounts.roles``) are read from these groups'
    permissions."""
    groups = {
        g.name: g
        for g in Group.objects.filter(
            name__in=[TRAINER_GROUP, MASTER_GROUP, POOL_GROUP]
        )
    }
    active = profile.status == Status.ACTIVE
    wanted = {
        TRAINER_GROUP: active and profile.level >= Level.CERTIFIED,
        MASTER_GROUP: active and profile.level >= Level.MASTER,
        POOL_GROUP: True,
    }
    user = profile.user
    for name, member in wanted.items():
        if member:
            user.groups.add(groups[name])
        else:
            user.groups.remove(groups[name])
    # Django caches permissions on the user object; the navigation caches links.
    for attribute in ("_perm_cache", "_group_perm_cache", "_user_perm_cache"):
        user.__dict__.pop(attribute, None)
    cache.delete(navigation_cache_key(user.pk))


def _locked(profile: TrainerProfile) -> TrainerProfile:
    return (
        TrainerProfile.objects.select_for_update()
        .select_related("user")
        .get(pk=profile.pk)
    )


def changes_credentials(action: str, to_level: int) -> bool:
    """Whether a recorded change alters the trainer's credentials: being
    certified, demoted, renewed, suspended or reinstated, and a promotion to
    master trainer (a promotion to co-facilitator earns none; certification
    itself is the "certified" action). Joining the pool earns nothing, and an
    expiry changes nothing a credential does not already say (its end date)."""
    Action = LevelChange.Action
    if action == Action.PROMOTED:
        return to_level >= Level.MASTER
    return action in (
        Action.CERTIFIED,
        Action.DEMOTED,
        Action.RENEWED,
        Action.SUSPENDED,
        Action.REINSTATED,
    )


def _record(profile, action, from_level, by, reason):
    LevelChange.objects.create(
        profile=profile,
        action=action,
        from_level=from_level,
        to_level=profile.level,
        changed_by=by if getattr(by, "pk", None) else None,
        reason=reason,
    )
    audit.record(
        by,
        f"trainer_{action}",
        profile,
        from_level=None if from_level is None else int(from_level),
        to_level=int(profile.level),
        reason=reason,
    )
    if changes_credentials(action, profile.level):
        credentials_changed.send(sender=TrainerProfile, profile_id=profile.pk)


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a reason: it is kept in the trainer's history."))
    return reason


def profile_create(user, by=None, level=Level.CANDIDATE, reason="") -> TrainerProfile:
    """Put someone in the trainer pool (idempotent)."""
    with transaction.atomic():
        profile, created = TrainerProfile.objects.get_or_create(
            user=user, defaults={"level": level}
        )
        if created:
            _record(profile, LevelChange.Action.CREATED, None, by, reason)
            sync_groups(profile)
    return profile


def change_level(
    profile: TrainerProfile, to_level: int, by, reason: str
) -> TrainerProfile:
    """Promote or lower a trainer. Certification itself goes through
    :func:`certify`, which checks the path."""
    reason = _require_reason(reason)
    to_level = Level(int(to_level))
    with transaction.atomic():
        profile = _locked(profile)
        if to_level == profile.level:
            raise ValidationError(_("The trainer is already at this level."))
        from_level = profile.level
        if (
            to_level > from_level
            and to_level >= Level.CERTIFIED
            and from_level < Level.CERTIFIED
        ):
            raise ValidationError(
                _("Use “Certify” once the certification path is complete.")
            )
        if to_level == Level.MASTER and profile.status != Status.ACTIVE:
            raise ValidationError(
                _("Reinstate or renew the trainer before promoting them.")
            )
        profile.level = to_level
        if to_level < Level.CERTIFIED:
            profile.certified_at = profile.certified_until = None
            profile.status = Status.ACTIVE
        profile.save()
        action = (
            LevelChange.Action.PROMOTED
            if to_level > from_level
            else LevelChange.Action.DEMOTED
        )
        _record(profile, action, from_level, by, reason)
        sync_groups(profile)
    return profile


def certify(
    profile: TrainerProfile, by, reason: str = "", today=None
) -> TrainerProfile:
    """Approve a trainer whose path is complete: level certified, valid for
    the configured period."""
    settings = rules()
    today = today or timezone.localdate()
    with transaction.atomic():
        profile = _locked(profile)
        if profile.level >= Level.CERTIFIED:
            raise ValidationError(_("This trainer is already certified."))
        missing = [
            str(step.label)
            for step in checklist(profile, settings)
            if not step.done and step.key != "approval"
        ]
        if missing:
            raise ValidationError(
                _("The certification path is not complete: %(missing)s.")
                % {"missing": "; ".join(missing)}
            )
        from_level = profile.level
        profile.level = Level.CERTIFIED
        profile.status = Status.ACTIVE
        profile.status_reason = ""
        profile.certified_at = today
        profile.certified_until = add_months(today, settings.validity_months)
        profile.save()
        _record(profile, LevelChange.Action.CERTIFIED, from_level, by, reason.strip())
        sync_groups(profile)
    return profile


def renew(profile: TrainerProfile, by, reason: str, today=None) -> TrainerProfile:
    reason = _require_reason(reason)
    today = today or timezone.localdate()
    with transaction.atomic():
        profile = _locked(profile)
        if profile.level < Level.CERTIFIED:
            raise ValidationError(
                _("Only a certified trainer's certification can be renewed.")
            )
        if profile.status == Status.SUSPENDED:
            raise ValidationError(_("Reinstate the trainer before renewing."))
        start = max(today, profile.certified_until or today)
        if profile.status == Status.EXPIRED:
            start = today
        profile.certified_until = add_months(start, rules().validity_months)
        profile.status = Status.ACTIVE
        profile.status_reason = ""
        profile.save()
        _record(profile, LevelChange.Action.RENEWED, profile.level, by, reason)
        sync_groups(profile)
    return profile


def suspend(profile: TrainerProfile, by, reason: str) -> TrainerProfile:
    reason = _require_reason(reason)
    with transaction.atomic():
        profile = _locked(profile)
        if profile.status == Status.SUSPENDED:
            raise ValidationError(_("This trainer is already suspended."))
        profile.status = Status.SUSPENDED
        profile.status_reason = reason
        profile.save()
        _record(profile, LevelChange.Action.SUSPENDED, profile.level, by, reason)
        sync_groups(profile)
    return profile


def reinstate(profile: TrainerProfile, by, reason: str, today=None) -> TrainerProfile:
    reason = _require_reason(reason)
    today = today or timezone.localdate()
    with transaction.atomic():
        profile = _locked(profile)
        if profile.status != Status.SUSPENDED:
            raise ValidationError(_("This trainer is not suspended."))
        expired = (
            profile.certified_until is not None and profile.certified_until < today
        )
        profile.status = Status.EXPIRED if expired else Status.ACTIVE
        profile.status_reason = ""
        profile.save()
        _record(profile, LevelChange.Action.REINSTATED, profile.level, by, reason)
        sync_groups(profile)
    return profile


def expire_certifications(today=None) -> int:
    """Mark certifications past their date as expired (run daily). Returns how many."""
    today = today or timezone.localdate()
    count = 0
    due = TrainerProfile.objects.filter(
        level__gte=Level.CERTIFIED,
        status=Status.ACTIVE,
        certified_until__lt=today,
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            profile = (
                TrainerProfile.objects.select_for_update()
                .select_related("user")
                .get(pk=pk)
            )
            if profile.status != Status.ACTIVE or not (
                profile.certified_until and profile.certified_until < today
            ):
                continue
            profile.status = Status.EXPIRED
            profile.status_reason = _("Certification expired on %(date)s.") % {
                "date": profile.certified_until.isoformat()
            }
            profile.save()
            _record(
                profile,
                LevelChange.Action.EXPIRED,
                profile.level,
                None,
                profile.status_reason,
            )
            sync_groups(profile)
            count += 1
    return count


def expiring_soon(days: int = 60, today=None):
    today = today or timezone.localdate()
    from datetime import timedelta

    return TrainerProfile.objects.filter(
        level__gte=Level.CERTIFIED,
        status=Status.ACTIVE,
        certified_until__gte=today,
        certified_until__lte=today + timedelta(days=days),
    )


def may_sit_exam(user, quiz) -> bool:
    """Certification exams are for people in the trainer pool (any level)."""
    if quiz.kind != Quiz.Kind.EXAM:
        return True
    return roles.is_in_trainer_pool(user)
