"""Registering people in cascade sessions: capacity, waiting list, claims.

Capacity holds under concurrent sign-ups: every change to a session's list
locks the session row first (``select_for_update`` on PostgreSQL; SQLite runs
write transactions one at a time with ``transaction_mode=IMMEDIATE``), counts
the registered participants and only then writes. A unique constraint keeps
one participation per account whatever happens.
"""

import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .models import CascadeSession, Participant

State = Participant.State
# Claim codes are 10 characters of an unambiguous alphabet (models._short_code);
# what people type is checked against a looser shape before any query.
CLAIM_CODE = re.compile(r"[A-Z0-9]{4,12}")
OPEN_FOR_SIGNUP = [CascadeSession.Status.SCHEDULED]
# The waiting list moves up only before the session is held.
WAITING_LIST_MOVES = [CascadeSession.Status.DRAFT, CascadeSession.Status.SCHEDULED]
OPEN_FOR_ENTRY = [
    CascadeSession.Status.DRAFT,
    CascadeSession.Status.SCHEDULED,
    CascadeSession.Status.HELD,
]


def _lock(session) -> CascadeSession:
    return CascadeSession.objects.select_for_update().get(pk=session.pk)


def registered_count(session) -> int:
    return session.participants.filter(state=State.REGISTERED).count()


def seats_left(session) -> int:
    return max(session.capacity - registered_count(session), 0)


def self_register(session, user) -> Participant:
    """A trainee with an account signs up: a seat if one is left, otherwise
    the waiting list. Signing up twice returns the existing registration."""
    with transaction.atomic():
        session = _lock(session)
        if session.status not in OPEN_FOR_SIGNUP or not session.is_public:
            raise ValidationError(_("This session is not open for sign-up."))
        existing = session.participants.filter(user=user).first()
        if existing and existing.state != State.CANCELLED:
            return existing
        state = State.REGISTERED if seats_left(session) > 0 else State.WAITLISTED
        fields = {
            "full_name": user.full_name or user.email,
            "sex": user.gender if user.gender in ("f", "m", "x") else "",
            "organisation_type": getattr(user.organisation, "type", "") or "",
            "role": user.job_title,
            "state": state,
            "source": Participant.Source.SELF,
        }
        if existing:
            from django.utils import timezone

            for name, value in fields.items():
                setattr(existing, name, value)
            existing.registered_at = timezone.now()
            existing.save()
            return existing
        try:
            with transaction.atomic():
                return Participant.objects.create(session=session, user=user, **fields)
        except IntegrityError:
            # Another request for the same person won (the constraint held).
            return session.participants.get(user=user)


def cancel(participant: Participant) -> Participant | None:
    """Withdraw a registration; before the session is held, the first person
    waiting takes the seat (once it is held, nobody is told “a seat is
    yours” for a session that already ran). Returns the promoted participant,
    if any."""
    with transaction.atomic():
        session = _lock(participant.session)
        participant = Participant.objects.get(pk=participant.pk)
        if participant.state == State.CANCELLED:
            return None
        was_registered = participant.state == State.REGISTERED
        participant.state = State.CANCELLED
        participant.save(update_fields=["state"])
        if was_registered:
            return promote_waiting(session)
    return None


def promote_waiting(session) -> Participant | None:
    """Give free seats to the waiting list, first come first served.
    Call inside a transaction holding the session lock. Only before the
    session is held: nobody takes a seat in a session that already ran."""
    if session.status not in WAITING_LIST_MOVES:
        return None
    promoted = None
    free = seats_left(session)
    if free <= 0:
        return None
    waiting = list(
        session.participants.filter(state=State.WAITLISTED).order_by(
            "registered_at", "pk"
        )[:free]
    )
    for person in waiting:
        person.state = State.REGISTERED
        person.save(update_fields=["state"])
        promoted = promoted or person
    if waiting:
        from .tasks import send_promotion_notice

        for person in waiting:
            if person.user_id:
                transaction.on_commit(
                    lambda pk=person.pk: send_promotion_notice.enqueue(pk)
                )
    return promoted


def add_participants(session, people: list[dict], source: str) -> list[Participant]:
    """Trainer entry or import: all rows in, or none (capacity checked).

    People entered by the trainer were there: they take seats, and the trainer
    is told when the list would go beyond capacity.
    """
    with transaction.atomic():
        session = _lock(session)
        if session.status not in OPEN_FOR_ENTRY:
            raise ValidationError(
                _("Participants can no longer be added to this session.")
            )
        if len(people) > seats_left(session):
            raise ValidationError(
                _(
                    "Only %(left)s seats are left in this session; "
                    "%(count)s people were to be added. Raise the capacity first."
                )
                % {"left": seats_left(session), "count": len(people)}
            )
        created = [
            Participant(
                session=session, source=source, state=State.REGISTERED, **person
            )
            for person in people
        ]
        Participant.objects.bulk_create(created)
        return created


def change_capacity(session, capacity: int) -> None:
    """Raising the capacity gives the new seats to the waiting list."""
    with transaction.atomic():
        session = _lock(session)
        if capacity < registered_count(session):
            raise ValidationError(
                _(
                    "The capacity cannot be below the %(count)s people already registered."
                )
                % {"count": registered_count(session)}
            )
        session.capacity = capacity
        session.save(update_fields=["capacity", "updated_at"])
        promote_waiting(session)


def claim_with_code(user, code: str) -> Participant:
    """Someone who now has an account claims the record a trainer entered for
    them, with the code the trainer gave them."""
    code = (code or "").strip().upper().replace(" ", "").replace("-", "")
    if not CLAIM_CODE.fullmatch(code):
        # Not a code we hand out (and never a NUL byte for PostgreSQL).
        raise ValidationError(_("This code is not valid, or has already been used."))
    with transaction.atomic():
        participant = (
            Participant.objects.select_for_update()
            .filter(claim_code=code, user__isnull=True, pseudonymised_at__isnull=True)
            .first()
        )
        if participant is None:
            raise ValidationError(
                _("This code is not valid, or has already been used.")
            )
        return _attach(participant, user)


def claim_by_trainer(participant: Participant, user) -> Participant:
    """The session's trainer links the record to the person's account."""
    with transaction.atomic():
        participant = Participant.objects.select_for_update().get(pk=participant.pk)
        if participant.user_id:
            raise ValidationError(
                _("This participant is already linked to an account.")
            )
        return _attach(participant, user)


def _attach(participant, user):
    if Participant.objects.filter(session=participant.session_id, user=user).exists():
        raise ValidationError(_("You are already a participant of this session."))
    participant.user = user
    participant.save(update_fields=["user"])
    return participant
