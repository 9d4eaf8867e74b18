"""Read-side queries for quizzes and knowledge gain."""

from decimal import Decimal

from .models import Attempt, Quiz


def best_submitted_attempt(*, user, quiz: Quiz) -> Attempt | None:
    return (
        Attempt.objects.filter(user=user, quiz=quiz, state=Attempt.State.SUBMITTED)
        .order_by("-percent", "-submitted_at")
        .first()
    )


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
