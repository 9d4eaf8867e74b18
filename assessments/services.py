"""Attempts: start (drawing and freezing the questions), save answers as the
trainee goes, submit (score on the server). Every step is safe under double
clicks, retries and two open tabs."""

import random
from collections.abc import Iterable
from datetime import timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Answer, Attempt, AttemptQuestion, Question, Quiz
from .scoring import score_response
from .signals import attempt_submitted

# Answers arriving a little after the deadline (slow networks) still count.
GRACE = timedelta(seconds=30)


class AttemptError(Exception):
    """A rule of the quiz forbids the action; the message is for the trainee."""


def draw_questions(
    quiz: Quiz, rng: random.Random, *, shuffle: bool = True
) -> list[Question]:
    """Fixed questions in slot order and random draws (frozen at the start of an
    attempt, or printed on a paper variant). `shuffle` applies the quiz's
    "shuffle questions" setting."""
    chosen, taken, seen = [], set(), set()
    slots = quiz.slots.select_related("question__scenario", "random_category")
    slots = slots.prefetch_related("question__answers")
    for slot in slots.order_by("sort_order", "pk"):
        if slot.question_id:
            if slot.question_id not in taken:
                chosen.append(slot.question)
                taken.add(slot.question_id)
                seen.add(slot.question.content_key(with_name=False))
            continue
        pool = Question.objects.exclude(pk__in=taken)
        if slot.random_category_id:
            pool = pool.filter(category_id=slot.random_category_id)
        if slot.random_tag:
            pool = pool.filter(tags__name__iexact=slot.random_tag)
        ids = sorted(set(pool.values_list("pk", flat=True)))
        rng.shuffle(ids)
        # Copies of a question (same text and answers, e.g. imported twice)
        # count once: look at candidates in random order, skip a copy of one
        # already drawn. Candidates are loaded a few at a time.
        wanted, start = slot.random_count, 0
        batch = max(2 * wanted, 20)
        while wanted and start < len(ids):
            candidates = ids[start : start + batch]
            start += batch
            found = (
                Question.objects.select_related("scenario")
                .prefetch_related("answers")
                .in_bulk(candidates)
            )
            for pk in candidates:
                key = found[pk].content_key(with_name=False)
                taken.add(pk)
                if key in seen:
                    continue
                seen.add(key)
                chosen.append(found[pk])
                wanted -= 1
                if not wanted:
                    break
    if shuffle and quiz.shuffle_questions:
        rng.shuffle(chosen)
    return chosen


def _freeze(question: Question, answers, rng, shuffle: bool) -> dict:
    """Snapshot a question for an attempt, with the order it will be shown in."""
    snapshot = question.snapshot(answers)
    if shuffle and "choices" in snapshot:
        rng.shuffle(snapshot["choices"])
    if "pairs" in snapshot:
        # Always shuffled: listed in order, the options would give the key away.
        options = [pair["answer"] for pair in snapshot["pairs"]]
        rng.shuffle(options)
        snapshot["options"] = options
    if "items" in snapshot:
        shown = list(snapshot["items"])
        rng.shuffle(shown)
        snapshot["shown_items"] = shown
    return snapshot


def attempt_start(*, quiz: Quiz, user, now=None, seed=None) -> Attempt:
    """Return the open attempt of this user, or start a new one. Idempotent:
    two clicks or two tabs get the same attempt."""
    now = now or timezone.now()
    open_attempt = Attempt.objects.filter(
        quiz=quiz, user=user, state=Attempt.State.IN_PROGRESS
    ).first()
    if open_attempt is not None:
        return open_attempt
    if not quiz.is_open(now):
        raise AttemptError(_("This quiz is not open."))
    done = Attempt.objects.filter(quiz=quiz, user=user).aggregate(
        n=Count("pk"), last=Max("number")
    )
    if quiz.attempts_allowed and done["n"] >= quiz.attempts_allowed:
        raise AttemptError(_("You have used all the attempts allowed for this quiz."))
    rng = random.Random(seed)
    questions = draw_questions(quiz, rng)
    answers = {}
    for answer in Answer.objects.filter(question__in=questions).order_by(
        "sort_order", "pk"
    ):
        answers.setdefault(answer.question_id, []).append(answer)
    deadline = None
    if quiz.time_limit_minutes:
        deadline = now + timedelta(minutes=quiz.time_limit_minutes)
    if quiz.closes_at:
        deadline = min(deadline, quiz.closes_at) if deadline else quiz.closes_at
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                quiz=quiz,
                user=user,
                number=(done["last"] or 0) + 1,
                started_at=now,
                deadline=deadline,
                max_score=sum((q.default_mark for q in questions), Decimal(0)),
            )
            AttemptQuestion.objects.bulk_create(
                AttemptQuestion(
                    attempt=attempt,
                    position=position,
                    question=question,
                    snapshot=_freeze(
                        question,
                        answers.get(question.pk, []),
                        rng,
                        quiz.shuffle_answers,
                    ),
                )
                for position, question in enumerate(questions, start=1)
            )
    except IntegrityError:
        # Another request started the attempt at the same moment: use it.
        attempt = (
            Attempt.objects.filter(quiz=quiz, user=user).order_by("-number").first()
        )
        if attempt is None:
            raise
    return attempt


def knowledge_checks_start(*, user, quizzes: Iterable[Quiz]) -> dict[int, Attempt]:
    """Open an attempt at each knowledge check about to be shown as a form (the
    lesson page asks for those never taken, unfinished, or to try again).
    Idempotent, as :func:`attempt_start`. A check that cannot be started (closed,
    no attempt left) or a quiz of another kind is skipped. By quiz id."""
    started = {}
    for quiz in quizzes:
        if quiz.kind != Quiz.Kind.KNOWLEDGE_CHECK:
            continue
        try:
            started[quiz.pk] = attempt_start(quiz=quiz, user=user)
        except AttemptError:
            pass
    return started


def is_overdue(attempt: Attempt, now=None) -> bool:
    now = now or timezone.now()
    return attempt.deadline is not None and now > attempt.deadline + GRACE


def attempt_save_answers(
    *, attempt: Attempt, responses: dict[int, dict], now=None
) -> int:
    """Store answers ({position: response}) of an open attempt. Answers sent
    after the deadline are refused. Returns how many were saved."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.is_submitted:
            raise AttemptError(_("This attempt has already been submitted."))
        if is_overdue(locked, now):
            raise AttemptError(_("The time allowed for this attempt is over."))
        rows = {
            row.position: row
            for row in locked.questions.filter(position__in=list(responses))
        }
        changed = []
        for position, response in responses.items():
            row = rows.get(position)
            if row is None or response is None:
                continue
            row.response = response
            row.answered_at = now
            changed.append(row)
        AttemptQuestion.objects.bulk_update(changed, ["response", "answered_at"])
    return len(changed)


def attempt_submit(*, attempt: Attempt, now=None) -> Attempt:
    """Score and close the attempt; submitting twice returns the same result."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.is_submitted:
            return locked
        rows = list(locked.questions.all())
        total = Decimal(0)
        for row in rows:
            fraction = score_response(row.snapshot, row.response)
            mark = (Decimal(row.snapshot.get("mark", "1")) * fraction).quantize(
                Decimal("0.001")
            )
            row.fraction, row.mark = fraction, mark
            total += mark
        AttemptQuestion.objects.bulk_update(rows, ["fraction", "mark"])
        locked.state = Attempt.State.SUBMITTED
        # A late submission is recorded at the deadline, with the answers saved in time.
        locked.submitted_at = (
            min(now, locked.deadline + GRACE) if locked.deadline else now
        )
        locked.score = total
        locked.percent = (
            (total * 100 / locked.max_score).quantize(Decimal("0.01"))
            if locked.max_score
            else Decimal(0)
        )
        locked.passed = locked.percent >= locked.quiz.pass_mark
        locked.save(
            update_fields=["state", "submitted_at", "score", "percent", "passed"]
        )
        # In the same transaction: a course completed by this attempt is recorded with it.
        attempt_submitted.send(sender=Attempt, attempt=locked)
    return locked


def close_overdue_attempts(now=None) -> int:
    """Submit every open attempt whose time is over (run by the task worker)."""
    now = now or timezone.now()
    overdue = Attempt.objects.filter(
        Q(state=Attempt.State.IN_PROGRESS), Q(deadline__lt=now - GRACE)
    )
    count = 0
    for attempt in overdue.iterator():
        attempt_submit(attempt=attempt, now=now)
        count += 1
    return count


def feedback_visible(attempt: Attempt, now=None) -> bool:
    """Whether right answers and feedback may be shown for this attempt."""
    policy = attempt.quiz.feedback_policy
    if policy == Quiz.FeedbackPolicy.NEVER:
        return False
    if policy == Quiz.FeedbackPolicy.IMMEDIATE:
        return True
    if not attempt.is_submitted:
        return False
    if policy == Quiz.FeedbackPolicy.AFTER_CLOSE:
        closes_at = attempt.quiz.closes_at
        return closes_at is not None and (now or timezone.now()) >= closes_at
    return True
