"""E-mails about cascade sessions, sent by the task worker."""

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from django_tasks import task

from kalanso.http import absolute_url

from .models import CascadeSession, LinkInvitation, Participant


def _send(participant_pk: int, kind: str) -> bool:
    participant = (
        Participant.objects.select_related(
            "user", "session", "session__region", "session__place"
        )
        .filter(pk=participant_pk, user__isnull=False, user__is_active=True)
        .first()
    )
    if participant is None or not participant.user.email:
        return False
    user, session = participant.user, participant.session
    with translation.override(user.preferred_language):
        context = {
            "participant": participant,
            "session": session,
            "kind": kind,
            "url": absolute_url(reverse("trainers:session_public", args=[session.pk])),
            "site_name": settings.WAGTAIL_SITE_NAME,
        }
        # One line: a title holding a line break would make send_mail raise
        # BadHeaderError (str.split also splits on U+2028 and friends).
        subject = " ".join(
            render_to_string("trainers/email/session_subject.txt", context).split()
        )
        body = render_to_string("trainers/email/session_body.txt", context)
    send_mail(subject, body, None, [user.email])
    return True


@task()
def send_invitation(participant_pk: int) -> bool:
    return _send(participant_pk, "invitation")


@task()
def send_reminder(participant_pk: int) -> bool:
    return _send(participant_pk, "reminder")


@task()
def send_promotion_notice(participant_pk: int) -> bool:
    return _send(participant_pk, "promoted")


@task()
def send_cancellation(participant_pk: int) -> bool:
    return _send(participant_pk, "cancelled")


@task()
def send_link_invitation(invitation_pk: int) -> bool:
    """E-mail the account holder that a session's trainer asks to link a
    participant's record to their account, with the page to answer."""
    invitation = (
        LinkInvitation.objects.select_related(
            "user", "invited_by", "participant__session"
        )
        .filter(
            pk=invitation_pk,
            status=LinkInvitation.Status.PENDING,
            user__is_active=True,
        )
        .first()
    )
    if invitation is None or not invitation.user.email:
        return False
    user = invitation.user
    with translation.override(user.preferred_language):
        context = {
            "invitation": invitation,
            "session": invitation.participant.session,
            "participant": invitation.participant,
            "trainer": invitation.invited_by,
            "url": absolute_url(
                reverse("trainers:link_invitation", args=[invitation.token])
            ),
            "site_name": settings.WAGTAIL_SITE_NAME,
        }
        subject = " ".join(
            render_to_string("trainers/email/link_subject.txt", context).split()
        )
        body = render_to_string("trainers/email/link_body.txt", context)
    send_mail(subject, body, None, [user.email])
    return True


def queue_reminders(now=None) -> int:
    """Remind registered people of sessions starting tomorrow (run daily).
    Each session is reminded once, whatever the number of runs."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    count = 0
    for session in CascadeSession.objects.filter(
        status=CascadeSession.Status.SCHEDULED,
        start_date=tomorrow,
        reminder_sent_at__isnull=True,
    ):
        updated = CascadeSession.objects.filter(
            pk=session.pk, reminder_sent_at__isnull=True
        ).update(reminder_sent_at=now)
        if not updated:
            continue
        for pk in session.participants.filter(
            state=Participant.State.REGISTERED, user__isnull=False
        ).values_list("pk", flat=True):
            send_reminder.enqueue(pk)
            count += 1
    return count
