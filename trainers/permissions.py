"""Who may do what with trainers, sessions and participants.

One module so that every view asks the same questions. The role part ("is a
master trainer", "may lead sessions"…) comes from the one vocabulary of roles,
:mod:`kalanso.accounts.roles` (permissions granted through the groups that
``certification.sync_groups`` keeps in step with each trainer's level); this
module adds the per-session rights, which come from the session itself (lead
trainer, co-facilitators). The names below are the ones the trainers,
certificates and reporting code has always asked.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from kalanso.accounts import roles

from .models import CascadeSession, TrainerProfile

is_manager = roles.is_programme_manager
can_see_directory = roles.can_see_trainer_directory
can_change_levels = roles.can_change_trainer_levels
can_lead_sessions = roles.is_trainer
can_validate = roles.is_master_trainer
can_see_all_sessions = roles.can_see_all_sessions


def is_session_trainer(user, session: CascadeSession) -> bool:
    """The lead trainer or a co-facilitator of this session, whatever their
    standing (who ran it: a trainer may not review their own report). For
    rights, ask ``can_edit_session`` or ``can_see_participants``."""
    if not user.is_authenticated:
        return False
    if session.lead_trainer_id == user.pk:
        return True
    return session.co_facilitators.filter(pk=user.pk).exists()


def _active_cofacilitator(user) -> bool:
    """An active member of the pool at co-facilitator level or above."""
    return TrainerProfile.objects.filter(
        user=user,
        status=TrainerProfile.Status.ACTIVE,
        level__gte=TrainerProfile.Level.CO_FACILITATOR,
    ).exists()


def is_session_lead(user, session: CascadeSession) -> bool:
    """The session's lead trainer, while still allowed to lead sessions (a
    suspended or demoted lead no longer acts for the programme)."""
    return (
        user.is_authenticated
        and session.lead_trainer_id == user.pk
        and can_lead_sessions(user)
    )


def can_edit_session(user, session: CascadeSession) -> bool:
    """Trainers edit only the sessions they lead or co-facilitate, and only
    while their own standing allows it: the lead must still be allowed to lead
    sessions; a co-facilitator must still be an active member of the pool at
    co-facilitator level or above. The same standing governs reading the
    participants (``can_see_participants``)."""
    if not user.is_authenticated:
        return False
    if session.lead_trainer_id == user.pk:
        return can_lead_sessions(user)
    return session.co_facilitators.filter(
        pk=user.pk
    ).exists() and _active_cofacilitator(user)


def can_see_participants(user, session: CascadeSession) -> bool:
    """Participants' personal data: master trainers and programme managers
    (every session), and the session's own trainers while their standing lets
    them work on it (``can_edit_session``) — a suspended or demoted trainer
    loses access to the people of the sessions they ran."""
    return can_see_all_sessions(user) or can_edit_session(user, session)


def sessions_visible_to(user):
    """The sessions a user may open in the trainers' area (the same rule as
    ``can_see_participants``)."""
    sessions = CascadeSession.objects.all()
    if can_see_all_sessions(user):
        return sessions
    if not user.is_authenticated:
        return sessions.none()
    mine = Q(pk__in=[])
    if can_lead_sessions(user):
        mine |= Q(lead_trainer=user)
    if _active_cofacilitator(user):
        # A subquery, not a join: no duplicate rows under annotations.
        mine |= Q(pk__in=user.sessions_cofacilitated.values("pk")) & ~Q(
            lead_trainer=user
        )
    return sessions.filter(mine)


def reports_awaiting_review(user):
    """The submitted reports this user may review: every session waiting for
    a review, for master trainers, except those they trained themselves (the
    rule of ``can_review``); nothing for anyone else."""
    if not can_validate(user):
        return CascadeSession.objects.none()
    return (
        CascadeSession.objects.filter(status=CascadeSession.Status.REPORTED)
        .exclude(lead_trainer=user)
        .exclude(pk__in=user.sessions_cofacilitated.values("pk"))
    )


def can_see_profile(user, profile: TrainerProfile) -> bool:
    if not user.is_authenticated:
        return False
    if profile.user_id == user.pk or can_change_levels(user) or is_manager(user):
        return True
    return (
        can_see_directory(user)
        and profile.visibility == TrainerProfile.Visibility.STAFF
    )


# Who may take a step on a session: the session pages offer a step, and the
# views refuse it, by asking these.


def can_observe(user, session) -> bool:
    return can_validate(user) or (
        session.lead_trainer_id == user.pk and can_lead_sessions(user)
    )


def can_cancel(user, session) -> bool:
    # A suspended or demoted lead no longer cancels (nor e-mails everyone).
    return is_session_lead(user, session) or can_validate(user)


def can_review(user, session) -> bool:
    return can_validate(user) and not is_session_trainer(user, session)


# Linking a participant's record to an account: the session's trainers ask,
# only the account holder answers.


def can_invite_to_link(user, participant) -> bool:
    return can_edit_session(user, participant.session)


def can_answer_link_invitation(user, invitation) -> bool:
    return user.is_authenticated and invitation.user_id == user.pk


def require(allowed: bool):
    if not allowed:
        raise PermissionDenied
