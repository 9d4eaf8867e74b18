"""Who may do what with trainers, sessions and participants.

One module so that every view asks the same questions. Roles come from the
Django groups, which ``certification.sync_groups`` keeps in step with each
trainer's level; per-session rights come from the session itself (lead
trainer, co-facilitators).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from .models import CascadeSession, TrainerProfile


def is_manager(user) -> bool:
    """Programme managers (and administrators) see everything."""
    return user.is_authenticated and (
        user.is_superuser or user.has_perm("trainers.view_whole_cascade")
    )


def can_see_directory(user) -> bool:
    return user.is_authenticated and user.has_perm("trainers.view_trainer_directory")


def can_change_levels(user) -> bool:
    return user.is_authenticated and user.has_perm("trainers.change_trainer_level")


def can_lead_sessions(user) -> bool:
    return user.is_authenticated and user.has_perm("trainers.lead_session")


def can_validate(user) -> bool:
    """Master trainers validate reports and observe co-facilitators."""
    return user.is_authenticated and user.has_perm("trainers.validate_session")


def can_see_all_sessions(user) -> bool:
    return user.is_authenticated and user.has_perm("trainers.view_all_sessions")


def is_session_trainer(user, session: CascadeSession) -> bool:
    """The lead trainer or a co-facilitator of this session."""
    if not user.is_authenticated:
        return False
    if session.lead_trainer_id == user.pk:
        return True
    return session.co_facilitators.filter(pk=user.pk).exists()


def can_edit_session(user, session: CascadeSession) -> bool:
    """Trainers edit only the sessions they lead or co-facilitate, and only
    while their own standing allows it: the lead must still be allowed to lead
    sessions; a co-facilitator must still be an active member of the pool at
    co-facilitator level or above (a suspended or demoted co-facilitator keeps
    read access through ``can_see_participants`` only while listed)."""
    if not user.is_authenticated:
        return False
    if session.lead_trainer_id == user.pk:
        return can_lead_sessions(user)
    return (
        session.co_facilitators.filter(pk=user.pk).exists()
        and TrainerProfile.objects.filter(
            user=user,
            status=TrainerProfile.Status.ACTIVE,
            level__gte=TrainerProfile.Level.CO_FACILITATOR,
        ).exists()
    )


def can_see_participants(user, session: CascadeSession) -> bool:
    """Participants' personal data: the session's trainers, master trainers
    and programme managers — nobody else."""
    return is_session_trainer(user, session) or can_see_all_sessions(user)


def sessions_visible_to(user):
    """The sessions a user may open in the trainers' area."""
    sessions = CascadeSession.objects.all()
    if can_see_all_sessions(user):
        return sessions
    if not user.is_authenticated:
        return sessions.none()
    return sessions.filter(Q(lead_trainer=user) | Q(co_facilitators=user)).distinct()


def can_see_profile(user, profile: TrainerProfile) -> bool:
    if not user.is_authenticated:
        return False
    if profile.user_id == user.pk or can_change_levels(user) or is_manager(user):
        return True
    return (
        can_see_directory(user)
        and profile.visibility == TrainerProfile.Visibility.STAFF
    )


def require(allowed: bool):
    if not allowed:
        raise PermissionDenied
