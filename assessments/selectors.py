"""Read-side queries for quizzes and knowledge gain."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from .models import Attempt, Quiz


def best_submitted_attempt(*, user, quiz: Quiz) -> Attempt | None:
    return (
        Attempt.objects.filter(user=user, quiz=quiz, state=Attempt.State.SUBMITTED)
        .order_by("-percent", "-submitted_at")
        .first()
    )


@dataclass
class QuizResults:
    """A user's results at some quizzes: the best submitted attempt at each,
    and the quizzes they passed (a submitted attempt passed)."""

    best: dict[int, Attempt] = field(default_factory=dict)
    passed: set[int] = field(default_factory=set)


def quiz_results(*, user, quiz_ids: Iterable[int]) -> QuizResults:
    """The user's :class:`QuizResults` for these quizzes, in one query (none
    without quizzes)."""
    results = QuizResults()
    quiz_ids = [quiz_id for quiz_id in quiz_ids if quiz_id]
    if not quiz_ids:
        return results
    for attempt in Attempt.objects.filter(
        user=user, quiz_id__in=quiz_ids, state=Attempt.State.SUBMITTED
    ).order_by("-percent", "-submitted_at"):
        results.best.setdefault(attempt.quiz_id, attempt)
        if attempt.passed:
            results.passed.add(attempt.quiz_id)
    return results


def latest_attempts(*, user, quiz_ids) -> dict[int, Attempt]:
    """The latest attempt of the user for each quiz, in one query."""
    latest = {}
    for attempt in Attempt.objects.filter(
        user=user, quiz_id__in=list(quiz_ids)
    ).order_by("quiz_id", "-number"):
        latest.setdefault(attempt.quiz_id, attempt)
    return latest


def knowledge_gain(*, pre: Attempt | None, post: Attempt | None) -> Decimal | None:
    """Post-test minus pre-test, in percentage points; None unless both were taken."""
    if pre is None or post is None or pre.percent is None or post.percent is None:
        return None
    return post.percent - pre.percent
