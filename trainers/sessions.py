"""The life of a cascade session: draft → scheduled → held → reported →
validated, or cancelled with a reason. Each step checks who may take it."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kalanso.sanitize import clean_html

from . import permissions
from .models import CascadeSession, Participant, ReportReview

Status = CascadeSession.Status


def _lock(session) -> CascadeSession:
    return CascadeSession.objects.select_for_update().get(pk=session.pk)


def _expect(session, *statuses):
    if session.status not in statuses:
        raise ValidationError(
            _("This cannot be done while the session is “%(status)s”.")
            % {"status": session.get_status_display()}
        )


def schedule(session, by) -> CascadeSession:
    """Publish the dates: registered people with an e-mail get an invitation."""
    if session.lead_trainer_id != by.pk or not permissions.can_lead_sessions(by):
        raise PermissionDenied
    with transaction.atomic():
        session = _lock(session)
        _expect(session, Status.DRAFT)
        session.status = Status.SCHEDULED
        session.save(update_fields=["status", "updated_at"])
        from .tasks import send_invitation

        for pk in session.participants.filter(
            state=Participant.State.REGISTERED, user__isnull=False
        ).values_list("pk", flat=True):
            transaction.on_commit(lambda pk=pk: send_invitation.enqueue(pk))
    return session


def mark_held(session, by, today=None) -> CascadeSession:
    if not permissions.can_edit_session(by, session):
        raise PermissionDenied
    today = today or timezone.localdate()
    with transaction.atomic():
        session = _lock(session)
        _expect(session, Status.SCHEDULED)
        if session.start_date > today:
            raise ValidationError(
                _("A session cannot be marked as held before its first day.")
            )
        session.status = Status.HELD
        session.save(update_fields=["status", "updated_at"])
    return session


def cancel(session, by, reason: str) -> CascadeSession:
    """The lead trainer (while still allowed to lead sessions) or a master
    trainer cancels; the people registered are told why."""
    if not (permissions.is_session_lead(by, session) or permissions.can_validate(by)):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a reason for cancelling."))
    with transaction.atomic():
        session = _lock(session)
        _expect(session, Status.DRAFT, Status.SCHEDULED)
        was_scheduled = session.status == Status.SCHEDULED
        session.status = Status.CANCELLED
        session.cancel_reason = reason
        session.save(update_fields=["status", "cancel_reason", "updated_at"])
        if was_scheduled:
            from .tasks import send_cancellation

            for pk in (
                session.participants.filter(user__isnull=False)
                .exclude(state=Participant.State.CANCELLED)
                .values_list("pk", flat=True)
            ):
                transaction.on_commit(lambda pk=pk: send_cancellation.enqueue(pk))
    return session


def save_report(session, by, narrative: str) -> CascadeSession:
    """Save the narrative (sanitised) while the report can still change."""
    if not permissions.can_edit_session(by, session):
        raise PermissionDenied
    with transaction.atomic():
        session = _lock(session)
        _expect(session, Status.HELD)
        session.report = clean_html(narrative or "")
        session.save(update_fields=["report", "updated_at"])
    return session


def submit_report(session, by) -> CascadeSession:
    if not permissions.can_edit_session(by, session):
        raise PermissionDenied
    with transaction.atomic():
        session = _lock(session)
        _expect(session, Status.HELD)
        if not session.report.strip():
            raise ValidationError(_("Write the narrative report before submitting it."))
        session.status = Status.REPORTED
        session.report_submitted_at = timezone.now()
        session.save(update_fields=["status", "report_submitted_at", "updated_at"])
    return session


def review(session, by, decision: str, comment: str = "") -> ReportReview:
    """A master trainer who did not run the session validates the report or
    sends it back with comments."""
    if not permissions.can_validate(by) or permissions.is_session_trainer(by, session):
        raise PermissionDenied
    comment = (comment or "").strip()
    with transaction.atomic():
        session = _lock(session)
        _expect(session, Status.REPORTED)
        if decision == ReportReview.Decision.VALIDATED:
            session.status = Status.VALIDATED
            session.validated_at = timezone.now()
            session.validated_by = by
        elif decision == ReportReview.Decision.SENT_BACK:
            if not comment:
                raise ValidationError(_("Say what should change in the report."))
            session.status = Status.HELD
        else:
            raise ValidationError(_("Unknown decision."))
        session.save()
        return ReportReview.objects.create(
            session=session, reviewer=by, decision=decision, comment=comment
        )
