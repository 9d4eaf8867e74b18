"""Write-side operations on learning records. Safe under double submits: the
unique constraints decide, and a lost race is treated as success.

Whether a course is complete is decided by ``courses.completion``; this module
only records it (:func:`course_completion_update`)."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from kalanso.sanitize import clean_html

from .completion import course_completion, courses_completed_by_quiz
from .models import CoursePage, Enrolment, LessonPage, LessonProgress, ReflectionAnswer

LAST_ACCESS_RESOLUTION = timedelta(minutes=10)


def _get_or_create(model, *, lookup: dict, defaults: dict):
    """get_or_create that tolerates a concurrent insert of the same row."""
    try:
        with transaction.atomic():
            return model.objects.get_or_create(**lookup, defaults=defaults)
    except IntegrityError:
        return model.objects.get(**lookup), False


def enrolment_create(*, user, course: CoursePage) -> Enrolment:
    existing = Enrolment.objects.filter(
        user=user, course_key=course.translation_key
    ).first()
    if existing is not None:
        return existing
    # With parallel test forms, every other trainee takes them in reverse order.
    reversed_forms = bool(
        course.parallel_forms
        and Enrolment.objects.filter(course_key=course.translation_key).count() % 2
    )
    enrolment, _created = _get_or_create(
        Enrolment,
        lookup={"user": user, "course_key": course.translation_key},
        defaults={
            "course": course,
            "last_accessed_at": timezone.now(),
            "reversed_forms": reversed_forms,
        },
    )
    return enrolment


def lesson_viewed(
    *, user, lesson: LessonPage, course: CoursePage, enrolment=None
) -> None:
    """Remember where the trainee is, for "continue where I stopped".

    Skips the write when nothing changed recently: reading a page should not
    cost a database write on every view."""
    now = timezone.now()
    if (
        enrolment is not None
        and enrolment.last_lesson_id == lesson.pk
        and enrolment.last_accessed_at
        and now - enrolment.last_accessed_at < LAST_ACCESS_RESOLUTION
    ):
        return
    Enrolment.objects.filter(user=user, course_key=course.translation_key).update(
        last_lesson=lesson, last_accessed_at=now
    )


def lesson_complete(*, user, lesson: LessonPage, course: CoursePage) -> bool:
    """Mark a lesson complete (idempotent). Returns True when this completed the course.

    One transaction: what runs after the commit of the new progress row (the
    certificate task) finds the completion it brings already recorded."""
    with transaction.atomic():
        enrolment = enrolment_create(user=user, course=course)
        _get_or_create(
            LessonProgress,
            lookup={"user": user, "lesson_key": lesson.translation_key},
            defaults={"lesson": lesson, "course_key": course.translation_key},
        )
        Enrolment.objects.filter(pk=enrolment.pk).update(
            last_lesson=lesson, last_accessed_at=timezone.now()
        )
        return course_completion_update(user=user, course=course)


def course_completion_update(*, user, course: CoursePage) -> bool:
    """Record the completion (``Enrolment.completed_at``) when the rule of
    ``courses.completion`` is met. True if newly recorded."""
    enrolment = Enrolment.objects.filter(
        user=user, course_key=course.translation_key
    ).first()
    if enrolment is None or enrolment.completed_at is not None:
        return False
    if not course_completion(user=user, course=course, enrolment=enrolment).rule_met:
        return False
    updated = Enrolment.objects.filter(
        pk=enrolment.pk, completed_at__isnull=True
    ).update(completed_at=timezone.now())
    return bool(updated)


def course_completions_after_attempt(*, user, quiz_id: int) -> list[CoursePage]:
    """A passed quiz may be the post-test that completes courses: record those
    completions. Returns the courses newly completed."""
    return [
        course
        for course in courses_completed_by_quiz(quiz_id=quiz_id, user_id=user.pk)
        if course_completion_update(user=user, course=course)
    ]


def reflection_save(
    *, user, lesson: LessonPage, block_id: str, text: str
) -> ReflectionAnswer | None:
    """Save (or clear) a private reflection; the text is sanitised with bleach."""
    cleaned = clean_html(text).strip()
    lookup = {"user": user, "lesson_key": lesson.translation_key, "block_id": block_id}
    if not cleaned:
        ReflectionAnswer.objects.filter(**lookup).delete()
        return None
    answer, created = _get_or_create(
        ReflectionAnswer, lookup=lookup, defaults={"lesson": lesson, "text": cleaned}
    )
    if not created and answer.text != cleaned:
        answer.text = cleaned
        answer.save(update_fields=["text", "updated_at"])
    return answer
