"""Read-side queries for quizzes, knowledge gain and the question bank."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from .models import Attempt, Question, QuestionCategory, Quiz


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


def category_subtree(category: QuestionCategory) -> list[QuestionCategory]:
    """The category and all the categories under it, parents before children
    (one query per level of the tree)."""
    found, by_pk, level = [category], {category.pk: category}, [category.pk]
    while level:
        children = [
            child
            for child in QuestionCategory.objects.filter(parent_id__in=level)
            if child.pk not in by_pk
        ]
        for child in sorted(children, key=lambda c: c.name):
            child.parent = by_pk[child.parent_id]  # paths without more queries
            by_pk[child.pk] = child
            found.append(child)
        level = [c.pk for c in children]
    return found


def questions_of_quiz(quiz: Quiz) -> list[Question]:
    """The fixed questions of a quiz, in the quiz's order."""
    ids = list(quiz.slots.exclude(question=None).values_list("question_id", flat=True))
    by_id = {
        q.pk: q
        for q in Question.objects.filter(pk__in=ids)
        .prefetch_related("answers")
        .select_related("category")
    }
    return [by_id[pk] for pk in ids if pk in by_id]


def questions_of_category(
    category: QuestionCategory, *, subcategories: bool = False
) -> list[Question]:
    """A category's questions, with those of its subcategories if asked,
    grouped by category (the order of the category tree)."""
    categories = category_subtree(category) if subcategories else [category]
    order = {c.pk: position for position, c in enumerate(categories)}
    by_pk = {c.pk: c for c in categories}
    questions = list(
        Question.objects.filter(category__in=categories).prefetch_related("answers")
    )
    for question in questions:
        question.category = by_pk[question.category_id]
    return sorted(questions, key=lambda q: (order[q.category_id], q.pk))
