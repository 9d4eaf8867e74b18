"""Applying the events a device recorded offline.

Each event goes through the module that owns its rule, exactly as the online
views call it: lesson completion through ``courses.services.lesson_complete``
(which asks ``courses.completion``), knowledge checks through
``assessments.services`` (attempt, answers, server-side scoring, the attempt's
state), exercises through the block's own grading form. Nothing here decides
progress, scores or permissions itself.

Idempotency: the event row is inserted *before* the event is applied, in the
same transaction, and ``client_uuid`` is unique. A second copy of an event
(resent after a lost answer, a killed tab, a double submit, another device)
fails on the constraint and gets the first copy's result; it changes nothing.
A bad event gets its own error result; the others are still applied."""

import uuid
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from assessments.forms import AttemptForm
from assessments.models import Attempt, Quiz
from assessments.services import AttemptError, attempt_save_answers, attempt_submit
from courses.blocks import SortingAnswerForm
from courses.models import LessonPage
from courses.services import lesson_complete

from .models import SyncEvent

MAX_EVENTS = 100  # per request
MAX_PAYLOAD_CHARS = 16_000  # per event, as JSON
MAX_BODY_BYTES = 512 * 1024  # per request


class EventError(Exception):
    """The event cannot be applied; the message is for the trainee."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Parsed:
    client_uuid: uuid.UUID
    kind: str
    device_time: object
    payload: dict


def _int(value, code="bad_event"):
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise EventError(code, _("This item is damaged and cannot be sent."))
    try:
        number = int(value)
    except ValueError:
        raise EventError(code, _("This item is damaged and cannot be sent.")) from None
    if not 0 < number < 2**31:
        raise EventError(code, _("This item is damaged and cannot be sent."))
    return number


def _query_dict(answers) -> QueryDict:
    """Form data recorded on the device ({name: [values]}) as a QueryDict."""
    if not isinstance(answers, dict):
        raise EventError("bad_event", _("This item is damaged and cannot be sent."))
    data = QueryDict(mutable=True)
    for name, values in answers.items():
        if isinstance(values, str):
            values = [values]
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise EventError("bad_event", _("This item is damaged and cannot be sent."))
        data.setlist(str(name), values)
    return data


def parse_event(raw, *, user) -> Parsed:
    if not isinstance(raw, dict):
        raise EventError("bad_event", _("This item is damaged and cannot be sent."))
    try:
        client_uuid = uuid.UUID(str(raw.get("id")))
    except ValueError:
        raise EventError(
            "bad_event", _("This item is damaged and cannot be sent.")
        ) from None
    kind = raw.get("kind")
    if kind not in SyncEvent.Kind.values:
        raise EventError("bad_kind", _("This kind of item cannot be sent."))
    owner = raw.get("user")
    if owner is not None and str(owner) != str(user.pk):
        raise EventError(
            "other_user",
            _("This item was recorded by another account: sign in as that person."),
        )
    device_time = None
    if raw.get("device_time"):
        try:
            device_time = parse_datetime(str(raw["device_time"]))
        except ValueError:
            device_time = None
    payload = raw.get("payload")
    if not isinstance(payload, dict) or len(str(payload)) > MAX_PAYLOAD_CHARS:
        raise EventError("bad_event", _("This item is damaged and cannot be sent."))
    return Parsed(client_uuid, kind, device_time, payload)


def _live_lesson(payload) -> LessonPage:
    lesson = (
        LessonPage.objects.live()
        .filter(pk=_int(payload.get("lesson")))
        .select_related("locale")
        .first()
    )
    if lesson is None or lesson.course is None:
        raise EventError(
            "gone", _("This lesson is no longer available: the item was not recorded.")
        )
    return lesson


def _apply_lesson_complete(*, user, payload, event):
    lesson = _live_lesson(payload)
    finished = lesson_complete(user=user, lesson=lesson, course=lesson.course)
    return {"lesson": lesson.pk, "course_completed": finished}


def _apply_knowledge_check(*, user, payload, event):
    attempt = (
        Attempt.objects.select_related("quiz")
        .filter(pk=_int(payload.get("attempt")))
        .first()
    )
    if attempt is None or attempt.user_id != user.pk:
        raise EventError("forbidden", _("This answer does not belong to you."))
    quiz = attempt.quiz
    if quiz.kind != Quiz.Kind.KNOWLEDGE_CHECK or quiz.time_limit_minutes:
        raise EventError(
            "not_offline", _("Timed exams and tests cannot be taken offline.")
        )
    event.attempt = attempt
    if attempt.is_submitted:
        raise EventError(
            "already_submitted",
            _(
                "This knowledge check was already answered: this answer was not counted."
            ),
        )
    form = AttemptForm(
        _query_dict(payload.get("answers")),
        rows=attempt.questions.order_by("position"),
    )
    if not form.is_valid():
        raise EventError("bad_answer", _("This answer could not be read."))
    try:
        attempt_save_answers(attempt=attempt, responses=form.responses())
    except AttemptError as error:
        raise EventError("attempt_closed", str(error)) from None
    attempt_submit(attempt=attempt)
    # No score or key here: the lesson page shows them, as the quiz's feedback
    # policy allows.
    return {"attempt": attempt.pk, "quiz": quiz.pk}


def _apply_exercise(*, user, payload, event):
    lesson = _live_lesson(payload)
    block_id = str(payload.get("block") or "")
    block = next(
        (
            b
            for b in lesson.body
            if b.id == block_id and b.block_type == "sorting_exercise"
        ),
        None,
    )
    if block is None:
        raise EventError(
            "gone",
            _("This exercise is no longer in the lesson: the item was not recorded."),
        )
    form = SortingAnswerForm(
        _query_dict(payload.get("answers")),
        block_value=block.value,
        prefix=f"ex-{block.id}",
    )
    if not form.is_valid():
        raise EventError("bad_answer", _("This answer could not be read."))
    right, total = form.score
    return {"lesson": lesson.pk, "block": block.id, "right": right, "total": total}


HANDLERS = {
    SyncEvent.Kind.LESSON_COMPLETE: _apply_lesson_complete,
    SyncEvent.Kind.KNOWLEDGE_CHECK: _apply_knowledge_check,
    SyncEvent.Kind.EXERCISE: _apply_exercise,
}


def _answer(event: SyncEvent, *, duplicate: bool) -> dict:
    answer = {"id": str(event.client_uuid), "status": event.status, **event.result}
    if duplicate:
        answer["duplicate"] = True
    return answer


def _existing(client_uuid, user):
    event = SyncEvent.objects.filter(client_uuid=client_uuid).first()
    if event is not None and event.user_id != user.pk:
        raise EventError("conflict", _("This item cannot be sent."))
    return event


def event_apply(raw, *, user) -> dict:
    """Apply one event (at most once, whatever the number of copies sent)."""
    client_id = raw.get("id") if isinstance(raw, dict) else None
    try:
        parsed = parse_event(raw, user=user)
        known = _existing(parsed.client_uuid, user)
        if known is not None:
            return _answer(known, duplicate=True)
        try:
            with transaction.atomic():
                event = SyncEvent.objects.create(
                    client_uuid=parsed.client_uuid,
                    user=user,
                    kind=parsed.kind,
                    device_time=parsed.device_time,
                    payload=parsed.payload,
                    status=SyncEvent.Status.APPLIED,
                )
                try:
                    with transaction.atomic():
                        result = HANDLERS[parsed.kind](
                            user=user, payload=parsed.payload, event=event
                        )
                except EventError as error:
                    # Recorded too: a resent copy gets the same answer.
                    event.status = SyncEvent.Status.REJECTED
                    result = {"code": error.code, "message": error.message}
                event.result = result
                event.save(update_fields=["status", "result", "attempt"])
        except IntegrityError:
            # A concurrent copy of this event was recorded first.
            known = _existing(parsed.client_uuid, user)
            if known is None:
                raise
            return _answer(known, duplicate=True)
        return _answer(event, duplicate=False)
    except EventError as error:
        return {
            "id": str(client_id) if client_id is not None else None,
            "status": "error",
            "code": error.code,
            "message": error.message,
        }


def events_apply(events: list, *, user) -> list[dict]:
    return [event_apply(raw, user=user) for raw in events]
