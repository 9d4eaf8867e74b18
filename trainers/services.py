"""The write side of the trainers' area: every change a view or a form makes
to a cascade session, its participants, its report and the trainer's own
profile goes through a function here. Views and forms validate what people
typed, then call.

Functions are named ``<entity>_<action>`` and take keyword arguments only.
A refused change raises ``ValidationError`` (with a message for people; keyed
by field when it belongs to one) or ``PermissionDenied``.

Capacity holds under concurrent sign-ups: every change to a session's list
locks the session row first (``select_for_update`` on PostgreSQL; SQLite runs
write transactions one at a time with ``transaction_mode=IMMEDIATE``), counts
the registered participants and only then writes. A unique constraint keeps
one participation per account whatever happens.

Other rules keep their own owner, which these functions call:

- who may do what: ``trainers.permissions`` (the views ask it; the steps of a
  session's life ask it again);
- a trainer's level, status and groups: ``trainers.certification``;
- who trained whom and the refusal of cycles: ``trainers.lineage``;
- checking and cleaning a photo file: ``trainers.photos``;
- reading and checking a spreadsheet: ``trainers.importing``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kalanso.accounts import audit
from kalanso.sanitize import clean_html
from kalanso.storage import storage_error_message, storage_errors

from . import importing, lineage, permissions, photos, tasks
from .models import (
    Attendance,
    CascadeSession,
    Feedback,
    LinkInvitation,
    Observation,
    Participant,
    ReportReview,
    SessionPhoto,
    TrainerProfile,
)

logger = logging.getLogger(__name__)

Status = CascadeSession.Status
State = Participant.State

# What each status allows.
EDITABLE = [Status.DRAFT, Status.SCHEDULED]  # the details change
OPEN_FOR_SIGNUP = [Status.SCHEDULED]  # and listed publicly
# The waiting list moves up only before the session is held.
WAITING_LIST_MOVES = [Status.DRAFT, Status.SCHEDULED]
OPEN_FOR_ENTRY = [Status.DRAFT, Status.SCHEDULED, Status.HELD]  # trainers' list
HELD_OR_LATER = [Status.HELD, Status.REPORTED, Status.VALIDATED]
SESSION_RELATIONS = ("languages", "co_facilitators")
# What a trainer enters about a person (a column each in a spreadsheet).
PERSON_FIELDS = importing.FIELDS
# Claim codes are 10 characters of an unambiguous alphabet (models._short_code);
# what people type is checked against a looser shape before any query.
CLAIM_CODE = re.compile(r"[A-Z0-9]{4,12}")


def _lock(session: CascadeSession) -> CascadeSession:
    return CascadeSession.objects.select_for_update().get(pk=session.pk)


def _expect(session: CascadeSession, *statuses: str) -> None:
    if session.status not in statuses:
        raise ValidationError(
            _("This cannot be done while the session is “%(status)s”.")
            % {"status": session.get_status_display()}
        )


# Sessions: details -----------------------------------------------------------


def session_create(
    *, lead: AbstractBaseUser, details: Mapping[str, Any]
) -> CascadeSession:
    """A new session, as a draft led by the person creating it. ``details``:
    the session's fields (``SessionForm``), working languages and
    co-facilitators included."""
    fields = {k: v for k, v in details.items() if k not in SESSION_RELATIONS}
    with transaction.atomic():
        session = CascadeSession(
            **fields, lead_trainer=lead, created_by=lead, status=Status.DRAFT
        )
        session.save()
        _set_relations(session, details)
    return session


def session_update(
    *, session: CascadeSession, details: Mapping[str, Any]
) -> CascadeSession:
    """Change a draft or scheduled session. A new capacity gives the new seats
    to the waiting list and may not go below the people registered (the error
    is keyed ``capacity``); co-facilitators change only when ``details`` names
    them."""
    fields = {k: v for k, v in details.items() if k not in SESSION_RELATIONS}
    with transaction.atomic():
        locked = _lock(session)
        if locked.status not in EDITABLE:
            raise ValidationError(
                _("The session changed status meanwhile; it cannot be edited.")
            )
        capacity = fields.get("capacity", locked.capacity)
        if capacity != locked.capacity:
            try:
                session_capacity_change(session=locked, capacity=capacity)
            except ValidationError as error:
                raise ValidationError({"capacity": error.messages}) from error
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save(update_fields=[*fields, "updated_at"])
        _set_relations(locked, details)
    return locked


def _set_relations(session: CascadeSession, details: Mapping[str, Any]) -> None:
    for name in SESSION_RELATIONS:
        if name in details:
            getattr(session, name).set(details[name])


def session_capacity_change(*, session: CascadeSession, capacity: int) -> None:
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
        _promote_waiting(session)


# Sessions: their life --------------------------------------------------------
# draft → scheduled → held → reported → validated, or cancelled with a reason.
# Each step checks who may take it.


def session_schedule(
    *, session: CascadeSession, by: AbstractBaseUser
) -> CascadeSession:
    """Publish the dates: registered people with an e-mail get an invitation."""
    if session.lead_trainer_id != by.pk or not permissions.can_lead_sessions(by):
        raise PermissionDenied
    with transaction.atomic():
        session = _lock(session)
        _expect(session, Status.DRAFT)
        session.status = Status.SCHEDULED
        session.save(update_fields=["status", "updated_at"])
        for pk in session.participants.filter(
            state=State.REGISTERED, user__isnull=False
        ).values_list("pk", flat=True):
            transaction.on_commit(lambda pk=pk: tasks.send_invitation.enqueue(pk))
    return session


def session_mark_held(
    *, session: CascadeSession, by: AbstractBaseUser, today: date | None = None
) -> CascadeSession:
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


def session_cancel(
    *, session: CascadeSession, by: AbstractBaseUser, reason: str
) -> CascadeSession:
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
            for pk in (
                session.participants.filter(user__isnull=False)
                .exclude(state=State.CANCELLED)
                .values_list("pk", flat=True)
            ):
                transaction.on_commit(lambda pk=pk: tasks.send_cancellation.enqueue(pk))
    return session


# The report, its photos and its review ----------------------------------------


def report_save(
    *, session: CascadeSession, by: AbstractBaseUser, narrative: str
) -> CascadeSession:
    """Save the narrative (sanitised) while the report can still change."""
    if not permissions.can_edit_session(by, session):
        raise PermissionDenied
    with transaction.atomic():
        session = _lock(session)
        _expect(session, Status.HELD)
        session.report = clean_html(narrative or "")
        session.save(update_fields=["report", "updated_at"])
    return session


def report_submit(*, session: CascadeSession, by: AbstractBaseUser) -> CascadeSession:
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


def report_review(
    *,
    session: CascadeSession,
    by: AbstractBaseUser,
    decision: str,
    comment: str = "",
) -> ReportReview:
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


def photo_add(
    *,
    session: CascadeSession,
    by: AbstractBaseUser,
    uploaded: UploadedFile,
    alt_text: str,
) -> SessionPhoto:
    """Add a photo to a session's report (its trainers, while it is held),
    checked and cleaned by ``photos.clean``."""
    if not permissions.can_edit_session(by, session):
        raise PermissionDenied
    alt_text = (alt_text or "").strip()
    if not alt_text:
        photos.refuse(_("Describe what the photo shows."))
    cleaned = photos.clean(uploaded)
    with transaction.atomic():
        session = _lock(session)
        if session.status != Status.HELD:
            photos.refuse(
                _("Photos can be added only while the report is being written.")
            )
        if session.photos.count() >= photos.MAX_PHOTOS:
            photos.refuse(
                _("A report has at most %(count)s photos. Delete one first.")
                % {"count": photos.MAX_PHOTOS}
            )
        photo = SessionPhoto(session=session, alt_text=alt_text, uploaded_by=by)
        storage = photo.image.storage
        name = photo.image.field.generate_filename(photo, cleaned.name)
        try:
            photo.image.name = storage.save(
                name, cleaned, max_length=photo.image.field.max_length
            )
        except storage_errors() as error:
            # A full disk, an object store that does not answer: the report
            # (saved apart) is untouched; the person is told, not shown a 500.
            logger.exception("A session photo could not be stored.")
            _discard(storage, name)
            photos.refuse(storage_error_message(error))
        try:
            photo.save()
        except Exception:  # the row failed: the stored file goes too
            photo.image.delete(save=False)
            raise
    return photo


def _discard(storage, name: str) -> None:
    """Remove what a failed write left behind (a full disk leaves the part
    written so far), if anything and if possible."""
    try:
        if storage.exists(name):
            storage.delete(name)
    except storage_errors():
        logger.exception("A partly stored photo could not be removed: %s", name)


def photo_delete(*, photo: SessionPhoto, by: AbstractBaseUser) -> None:
    session = photo.session
    if not permissions.can_edit_session(by, session):
        raise PermissionDenied
    with transaction.atomic():
        session = _lock(session)
        if session.status != Status.HELD:
            photos.refuse(
                _("Photos can be deleted only while the report is being written.")
            )
        name = photo.image.name
        storage = photo.image.storage
        photo.delete()
        transaction.on_commit(lambda: storage.delete(name))


def observation_record(
    *,
    session: CascadeSession,
    trainer: AbstractBaseUser,
    observer: AbstractBaseUser,
    report: str,
    satisfactory: bool,
) -> Observation:
    """A co-facilitator observed in a held session; observing them again
    replaces the earlier observation. Recorded in the audit log."""
    if session.status not in HELD_OR_LATER:
        raise ValidationError(
            _("Co-facilitators can be observed once the session is held.")
        )
    with transaction.atomic():
        observation, created = Observation.objects.update_or_create(
            session=session,
            trainer=trainer,
            defaults={
                "observer": observer,
                "report": report,
                "satisfactory": satisfactory,
                "created_at": timezone.now(),
            },
        )
        audit.record(
            observer,
            "trainer_observed",
            observation,
            session=session.pk,
            trainer=trainer.pk,
            satisfactory=observation.satisfactory,
            updated=not created,
        )
    return observation


# Registration: seats and the waiting list --------------------------------------


def registered_count(session: CascadeSession) -> int:
    return session.participants.filter(state=State.REGISTERED).count()


def seats_left(session: CascadeSession) -> int:
    return max(session.capacity - registered_count(session), 0)


def participant_register(
    *, session: CascadeSession, user: AbstractBaseUser
) -> Participant:
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


def participant_withdraw(*, participant: Participant) -> Participant | None:
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
            return _promote_waiting(session)
    return None


def _promote_waiting(session: CascadeSession) -> Participant | None:
    """Give free seats to the waiting list, first come first served.
    Call inside a transaction holding the session lock. Only before the
    session is held: nobody takes a seat in a session that already ran."""
    if session.status not in WAITING_LIST_MOVES:
        return None
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
        if person.user_id:
            transaction.on_commit(
                lambda pk=person.pk: tasks.send_promotion_notice.enqueue(pk)
            )
    return waiting[0] if waiting else None


# Participants entered by the trainers ------------------------------------------


def open_for_entry(session: CascadeSession) -> bool:
    """People can be added, corrected or withdrawn by the session's trainers."""
    return session.status in OPEN_FOR_ENTRY


def participants_add(
    *, session: CascadeSession, people: list[dict[str, str]], source: str
) -> list[Participant]:
    """Trainer entry or import: all rows in, or none (capacity checked).

    People entered by the trainer were there: they take seats, and the trainer
    is told when the list would go beyond capacity.
    """
    with transaction.atomic():
        session = _lock(session)
        if not open_for_entry(session):
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


def participants_import(
    *, session: CascadeSession, people: list[dict[str, str]]
) -> list[Participant]:
    """Add the rows of a checked spreadsheet (``importing.parse``), all or
    none. The duplicate check runs again under the session's lock: the list
    may have changed since the preview."""
    cleaned = [
        {name: person.get(name, "") for name in PERSON_FIELDS} for person in people
    ]
    with transaction.atomic():
        locked = _lock(session)
        keys = {
            importing.person_key(name, phone)
            for name, phone in importing.existing_people(locked)
        }
        if any(
            importing.person_key(p["full_name"], p["phone"]) in keys for p in cleaned
        ):
            raise ValidationError(
                _(
                    "Some of these people were added to the session in the "
                    "meantime. Upload the file again."
                )
            )
        return participants_add(
            session=locked, people=cleaned, source=Participant.Source.IMPORT
        )


def participant_editable(participant: Participant) -> bool:
    """The trainers may still correct this person's details."""
    return open_for_entry(participant.session) and not participant.pseudonymised_at


def participant_update(
    *, participant: Participant, details: Mapping[str, str]
) -> Participant:
    """Correct what the trainer entered about a person (``PERSON_FIELDS``)."""
    fields = {name: details[name] for name in PERSON_FIELDS if name in details}
    with transaction.atomic():
        session = _lock(participant.session)
        locked = Participant.objects.select_for_update().get(pk=participant.pk)
        locked.session = session
        if not participant_editable(locked):
            raise ValidationError(_("This participant can no longer be changed."))
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(fields))
    return locked


# Participants' accounts: claims and links ---------------------------------------


def participant_claim(*, user: AbstractBaseUser, code: str) -> Participant:
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


def link_invitation_create(
    *, participant: Participant, email: str, by: AbstractBaseUser
) -> LinkInvitation | None:
    """The session's trainer asks to link the record to the account that uses
    this address. Nothing is linked here: if an active account uses it (and
    is not already in the session), its holder is invited — by e-mail and on
    their learning page — to accept or decline (``link_invitation_accept``).

    The trainer is told the same thing whatever happens here: the return
    value is for tests and must not reach them (it would tell them whether
    the address has an account)."""
    permissions.require(permissions.can_invite_to_link(by, participant))
    address = (email or "").strip()
    with transaction.atomic():
        locked = Participant.objects.select_for_update().get(pk=participant.pk)
        if locked.user_id or locked.pseudonymised_at:
            raise ValidationError(
                _("This participant is already linked to an account.")
            )
        user = (
            get_user_model()
            .objects.filter(email__iexact=address, is_active=True)
            .exclude(participations__session=locked.session_id)
            .first()
        )
        if user is None:
            return None
        invitation = (
            LinkInvitation.objects.select_for_update()
            .filter(participant=locked, user=user, status=LinkInvitation.Status.PENDING)
            .first()
        )
        if invitation is not None and not invitation.expired:
            return invitation  # already invited: no second e-mail
        if invitation is not None:
            invitation.status = LinkInvitation.Status.WITHDRAWN
            invitation.save(update_fields=["status"])
        invitation = LinkInvitation.objects.create(
            participant=locked, user=user, invited_by=by
        )
        audit.record(by, "link_invitation_sent", locked)
        transaction.on_commit(
            lambda pk=invitation.pk: tasks.send_link_invitation.enqueue(pk)
        )
    return invitation


def pending_link_invitations(user: AbstractBaseUser):
    """The invitations waiting for this person's answer (not expired)."""
    if not user.is_authenticated:
        return LinkInvitation.objects.none()
    return (
        LinkInvitation.objects.filter(
            user=user,
            status=LinkInvitation.Status.PENDING,
            expires_at__gt=timezone.now(),
        )
        .select_related("participant__session", "invited_by")
        .order_by("-created_at", "-pk")
    )


def link_invitation_accept(
    *, invitation: LinkInvitation, user: AbstractBaseUser
) -> Participant:
    """The invited person accepts: the record is linked to their account.
    Accepting twice (a double click, two tabs) links once and succeeds
    twice; the invitation and the record are locked, so two answers at the
    same time are taken one after the other."""
    with transaction.atomic():
        locked = _lock_invitation(invitation, user)
        participant = Participant.objects.select_for_update().get(
            pk=locked.participant_id
        )
        if locked.status == LinkInvitation.Status.ACCEPTED:
            if participant.user_id == user.pk:
                return participant
        if locked.status != LinkInvitation.Status.PENDING or locked.expired:
            raise ValidationError(_("This invitation is no longer valid."))
        if participant.user_id or participant.pseudonymised_at:
            locked.status = LinkInvitation.Status.WITHDRAWN
            locked.save(update_fields=["status"])
            raise ValidationError(_("This invitation is no longer valid."))
        try:
            with transaction.atomic():
                _attach(participant, user)
        except IntegrityError:
            # The same account joined the session in the meantime.
            raise ValidationError(
                _("You are already a participant of this session.")
            ) from None
        now = timezone.now()
        locked.status = LinkInvitation.Status.ACCEPTED
        locked.answered_at = now
        locked.save(update_fields=["status", "answered_at"])
        # Other invitations for the same record are no longer needed.
        LinkInvitation.objects.filter(
            participant=participant, status=LinkInvitation.Status.PENDING
        ).update(status=LinkInvitation.Status.WITHDRAWN)
        audit.record(user, "link_invitation_accepted", participant)
    return participant


def link_invitation_decline(
    *, invitation: LinkInvitation, user: AbstractBaseUser
) -> LinkInvitation:
    """The invited person declines: nothing is linked. Declining twice is
    harmless; an invitation already accepted stays accepted."""
    with transaction.atomic():
        locked = _lock_invitation(invitation, user)
        if locked.status == LinkInvitation.Status.DECLINED:
            return locked
        if locked.status != LinkInvitation.Status.PENDING:
            raise ValidationError(_("This invitation is no longer valid."))
        locked.status = LinkInvitation.Status.DECLINED
        locked.answered_at = timezone.now()
        locked.save(update_fields=["status", "answered_at"])
    return locked


def _lock_invitation(invitation: LinkInvitation, user) -> LinkInvitation:
    locked = LinkInvitation.objects.select_for_update().get(pk=invitation.pk)
    permissions.require(permissions.can_answer_link_invitation(user, locked))
    return locked


def _attach(participant: Participant, user: AbstractBaseUser) -> Participant:
    if Participant.objects.filter(session=participant.session_id, user=user).exists():
        raise ValidationError(_("You are already a participant of this session."))
    participant.user = user
    participant.save(update_fields=["user"])
    return participant


# Attendance and paper-test scores --------------------------------------------


def attendance_open(session: CascadeSession, today: date | None = None) -> bool:
    """Attendance and scores are recorded from the first day until the report
    is submitted (a report sent back reopens them)."""
    today = today or timezone.localdate()
    if session.status == Status.HELD:
        return True
    return session.status == Status.SCHEDULED and session.start_date <= today


def attendance_closed_reason(session: CascadeSession) -> str:
    if session.status in (Status.REPORTED, Status.VALIDATED):
        return _("The report has been submitted: this can no longer change.")
    if session.status == Status.CANCELLED:
        return _("This session was cancelled.")
    return _("This can be recorded from the first day of the session.")


def _lock_open_for_recording(session: CascadeSession) -> CascadeSession:
    locked = _lock(session)
    if not attendance_open(locked):
        raise ValidationError(attendance_closed_reason(locked))
    return locked


def attendance_record(
    *,
    session: CascadeSession,
    shown: Iterable[int],
    present: set[tuple[int, date]],
    was_present: set[tuple[int, date]],
) -> int:
    """Write the attendance grid of the people ``shown`` (participant ids)
    for every day of the session, in one transaction with those participants
    locked. ``present`` holds the (participant, day) cells ticked now,
    ``was_present`` those ticked when the page was loaded: a cell changed on
    the page is written; an unchanged one is only recorded if nobody recorded
    it meanwhile, so two trainers marking the grid at the same time do not
    undo each other's ticks. People no longer registered are left alone.
    Returns the number of people present at least once."""
    with transaction.atomic():
        days = _lock_open_for_recording(session).days
        locked = list(
            Participant.objects.select_for_update()
            .filter(pk__in=set(shown), session=session, state=State.REGISTERED)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        changed, unchanged = [], []
        for pk in locked:
            for day in days:
                is_present = (pk, day) in present
                record = Attendance(participant_id=pk, day=day, present=is_present)
                if is_present != ((pk, day) in was_present):
                    changed.append(record)
                else:
                    unchanged.append(record)
        Attendance.objects.bulk_create(
            changed,
            update_conflicts=True,
            unique_fields=["participant", "day"],
            update_fields=["present"],
        )
        Attendance.objects.bulk_create(unchanged, ignore_conflicts=True)
        return (
            Attendance.objects.filter(
                participant__in=locked, day__in=days, present=True
            )
            .values("participant")
            .distinct()
            .count()
        )


def scores_record(
    *, session: CascadeSession, scores: Mapping[tuple[int, str], Decimal | None]
) -> int:
    """Write paper-test scores (percentages; None when not known), keyed by
    (participant id, "pre" or "post"): only the cells the trainer changed, over
    the current values, in one transaction with the participants locked, so two
    trainers typing at the same time do not wipe each other's. Returns the
    number of people changed."""
    wanted = {pk for pk, _which in scores}
    changed = []
    with transaction.atomic():
        _lock_open_for_recording(session)
        for person in (
            Participant.objects.select_for_update()
            .filter(pk__in=wanted, session=session)
            .order_by("pk")
        ):
            before = (person.pre_score, person.post_score)
            for which in ("pre", "post"):
                if (person.pk, which) in scores:
                    setattr(person, f"{which}_score", scores[(person.pk, which)])
            if (person.pre_score, person.post_score) != before:
                changed.append(person)
        Participant.objects.bulk_update(changed, ["pre_score", "post_score"])
    return len(changed)


# Feedback ------------------------------------------------------------------------


def feedback_open(session: CascadeSession, today: date | None = None) -> bool:
    """Anonymous feedback is given from the first day until the report is
    validated."""
    today = today or timezone.localdate()
    if session.status in (Status.HELD, Status.REPORTED):
        return True
    return session.status == Status.SCHEDULED and session.start_date <= today


def feedback_create(
    *, session: CascadeSession, satisfaction: int, comment: str = ""
) -> Feedback:
    """One anonymous answer (no account, no name)."""
    if not feedback_open(session):
        raise ValidationError(_("This feedback form is not open."))
    return Feedback.objects.create(
        session=session, satisfaction=satisfaction, comment=comment
    )


# The trainer's own profile -------------------------------------------------------


def trainer_profile_update(
    *, profile: TrainerProfile, details: Mapping[str, Any]
) -> TrainerProfile:
    """What a trainer says about themself (``ProfileEditForm``): languages,
    regions, bio, visibility, e-mail shown, and the session in which they were
    trained (``trained_in``; cycles are refused by ``lineage.set_trained_in``,
    the error keyed ``trained_in``)."""
    relations = ("languages", "regions")
    fields = {k: v for k, v in details.items() if k not in (*relations, "trained_in")}
    with transaction.atomic():
        for name, value in fields.items():
            setattr(profile, name, value)
        profile.save(update_fields=list(fields))
        for name in relations:
            if name in details:
                getattr(profile, name).set(details[name])
        if "trained_in" in details:
            trained_in = details["trained_in"]
            if (trained_in and trained_in.pk) != profile.trained_in_id:
                try:
                    lineage.set_trained_in(profile, trained_in)
                except ValidationError as error:
                    raise ValidationError({"trained_in": error.messages}) from error
    return profile


def calendar_token_reset(*, profile: TrainerProfile) -> TrainerProfile:
    """A new secret address for the trainer's calendar feed: the old one stops
    working at once."""
    profile.calendar_token = TrainerProfile._meta.get_field(
        "calendar_token"
    ).get_default()
    profile.save(update_fields=["calendar_token"])
    return profile
