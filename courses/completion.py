"""Course completion: the one module that decides when a trainee has completed
a course. Pages, services, certificates and reporting all ask it; so will
offline sync, SCORM/H5P tracking and LTI grades.

The rule
========

A trainee has completed a course (one language version of it, a
``CoursePage``) when both hold:

1. **Every required lesson is done**, and there is at least one. A required
   lesson is a *live* lesson whose *module is live too*: a lesson under an
   unpublished module is out of the trainee's reach (the outline does not
   list it), so it is not required, wherever the question is asked.
   Lessons are matched by ``translation_key``: a lesson done in French
   counts in the English version.
2. **The post-test is passed**, when the course has one: a submitted attempt
   of the trainee at *their* post-test passed. With parallel forms A/B, a
   trainee who takes the forms in reverse order (``Enrolment.reversed_forms``)
   sits the course's pre-test last, as their post-test (:func:`trainee_test_ids`).

The record
==========

``Enrolment.completed_at`` records the first time the rule was met
(``courses.services.course_completion_update`` writes it, nothing else). It is
kept: a lesson published later does not take a completion, or the certificate
that follows it, back. A course is therefore *complete* for a trainee when the
completion is recorded or the rule is met now (:attr:`CourseCompletion.is_complete`);
reporting counts the records (:data:`COMPLETED`).

Public API
==========

- :func:`trainee_test_ids`, :func:`pre_test_id_sql`, :func:`post_test_id_sql`:
  the A/B swap, in Python and in SQL (the only place it is written).
- :func:`required_lessons`: the required lessons of one or more courses (SQL).
- :class:`CourseCompletion`, :func:`completion_of`: a trainee's standing
  against the rule, and what is still missing, from data already loaded.
- :func:`course_completion`: the same, read from the database.
- :func:`courses_completed_by_quiz`: the courses a passed quiz may complete.
- :data:`COMPLETED`, :func:`completed_enrolments`: recorded completions (SQL).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, When
from django.db.models.functions import Substr

from wagtail.models import Page

from assessments.selectors import quiz_results

from .models import CoursePage, Enrolment, LessonPage, LessonProgress

# Parallel forms A/B ---------------------------------------------------------------


def forms_swapped(course: CoursePage, enrolment: Enrolment | None) -> bool:
    """True when this trainee takes the course's two tests in reverse order."""
    return bool(
        course.parallel_forms and enrolment is not None and enrolment.reversed_forms
    )


# The same condition on an ``Enrolment`` queryset (its ``course`` is the version
# the trainee enrolled in).
FORMS_SWAPPED = Q(course__parallel_forms=True, reversed_forms=True)


def trainee_test_ids(
    course: CoursePage, enrolment: Enrolment | None
) -> tuple[int | None, int | None]:
    """(pre-test id, post-test id) for a trainee. With parallel forms, half of
    the trainees take the two forms in reverse order."""
    pre, post = course.pre_test_id, course.post_test_id
    if forms_swapped(course, enrolment):
        return post, pre
    return pre, post


def pre_test_id_sql() -> Case:
    """SQL form of :func:`trainee_test_ids`'s first value, to annotate an
    ``Enrolment`` queryset with the pre-test its trainee takes."""
    return Case(
        When(FORMS_SWAPPED, then=F("course__post_test_id")),
        default=F("course__pre_test_id"),
    )


def post_test_id_sql() -> Case:
    """SQL form of :func:`trainee_test_ids`'s second value (the post-test)."""
    return Case(
        When(FORMS_SWAPPED, then=F("course__pre_test_id")),
        default=F("course__post_test_id"),
    )


# Required lessons -------------------------------------------------------------------


def required_lessons(*courses: CoursePage) -> QuerySet[LessonPage]:
    """The lessons the rule requires, for one or more courses (one query when
    evaluated): live lessons whose module is live. Unordered."""
    if not courses:
        return LessonPage.objects.none()
    within = Q()
    for course in courses:
        # Lessons sit under modules, modules under the course.
        within |= Q(path__startswith=course.path, depth=course.depth + 2)
    module_is_live = Exists(
        Page.objects.filter(
            live=True,
            path=Substr(OuterRef("path"), 1, (OuterRef("depth") - 1) * Page.steplen),
        )
    )
    return LessonPage.objects.live().filter(within).filter(module_is_live)


# A trainee's standing ------------------------------------------------------------------


@dataclass(frozen=True)
class CourseCompletion:
    """One trainee's standing against the rule, for one course.

    ``post_test_passed`` is None when the tests were not looked up (a lesson
    page shows lesson progress only): asking whether the rule is met then is
    a programming error."""

    required_keys: tuple[UUID, ...]  # the required lessons, in course order
    done_keys: frozenset[UUID]  # lessons the trainee completed
    post_test_id: int | None = None  # the trainee's post-test (forms swapped)
    post_test_passed: bool | None = True
    completed_at: datetime | None = None  # the record, if any

    @property
    def total(self) -> int:
        return len(self.required_keys)

    @property
    def done(self) -> int:
        return sum(1 for key in self.required_keys if key in self.done_keys)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def missing_keys(self) -> list[UUID]:
        """The required lessons still to do, in course order."""
        return [key for key in self.required_keys if key not in self.done_keys]

    @property
    def rule_met(self) -> bool:
        if self.post_test_passed is None:
            raise ValueError("The post-test result was not looked up.")
        return self.total > 0 and not self.missing_keys and self.post_test_passed

    @property
    def is_complete(self) -> bool:
        """Recorded as complete, or the rule met now."""
        return self.completed_at is not None or self.rule_met


def completion_of(
    *,
    required_keys: Iterable[UUID],
    done_keys: Iterable[UUID],
    post_test_id: int | None,
    passed_quiz_ids: Iterable[int] | None,
    completed_at: datetime | None = None,
) -> CourseCompletion:
    """A :class:`CourseCompletion` from data the caller has already loaded
    (no query). ``passed_quiz_ids``: the quizzes the trainee passed, or None
    if the tests were not looked up (then only the lessons are known)."""
    if passed_quiz_ids is None:
        passed = None
    elif post_test_id is None:
        passed = True
    else:
        passed = post_test_id in set(passed_quiz_ids)
    return CourseCompletion(
        required_keys=tuple(required_keys),
        done_keys=frozenset(done_keys),
        post_test_id=post_test_id,
        post_test_passed=passed,
        completed_at=completed_at,
    )


def course_completion(
    *, user, course: CoursePage, enrolment: Enrolment | None
) -> CourseCompletion:
    """The trainee's standing, read from the database (at most three
    queries). ``enrolment``: the trainee's enrolment in the
    course, if any (it says which form is their post-test)."""
    required = list(
        required_lessons(course).order_by("path").values_list("translation_key")
    )
    required_keys = [key for (key,) in required]
    done = LessonProgress.objects.filter(
        user=user, lesson_key__in=required_keys
    ).values_list("lesson_key", flat=True)
    _pre, post_id = trainee_test_ids(course, enrolment)
    passed = quiz_results(user=user, quiz_ids=[post_id]).passed if post_id else ()
    return completion_of(
        required_keys=required_keys,
        done_keys=done,
        post_test_id=post_id,
        passed_quiz_ids=passed,
        completed_at=enrolment.completed_at if enrolment else None,
    )


def courses_completed_by_quiz(*, quiz_id: int, user_id: int) -> list[CoursePage]:
    """The live courses (every language version) in which this quiz is the
    user's post-test, among those they are enrolled in: passing the quiz may
    complete them. Two queries."""
    courses = list(
        CoursePage.objects.live().filter(
            Q(pre_test_id=quiz_id) | Q(post_test_id=quiz_id)
        )
    )
    enrolments = {
        enrolment.course_key: enrolment
        for enrolment in Enrolment.objects.filter(
            user_id=user_id, course_key__in={c.translation_key for c in courses}
        )
    }
    return [
        course
        for course in courses
        if course.translation_key in enrolments
        and trainee_test_ids(course, enrolments[course.translation_key])[1] == quiz_id
    ]


# Recorded completions (reporting) ---------------------------------------------------

# On an ``Enrolment`` queryset: the completion is recorded.
COMPLETED = Q(completed_at__isnull=False)


def completed_enrolments(
    enrolments: QuerySet[Enrolment] | None = None,
) -> QuerySet[Enrolment]:
    """The enrolments whose completion is recorded (of ``enrolments``, or all)."""
    if enrolments is None:
        enrolments = Enrolment.objects.all()
    return enrolments.filter(COMPLETED)
