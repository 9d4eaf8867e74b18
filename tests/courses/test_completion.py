"""courses.completion: the rule, what is missing, the A/B swap in Python and
SQL, the courses a quiz completes, and the recorded completions."""

import uuid
from decimal import Decimal

from django.utils import timezone

import pytest

from assessments import factories as quiz_factories
from assessments.models import Attempt
from courses import completion
from courses.factories import course_with_lessons, user_with_role
from courses.models import CoursePage, Enrolment, LessonPage, ModulePage
from courses.selectors import course_outline
from courses.services import enrolment_create, lesson_complete

pytestmark = pytest.mark.django_db


def make_test(title, kind):
    questions = [quiz_factories.single_choice(text=f"<p>{title}</p>")]
    return quiz_factories.quiz_with(
        questions, title=title, kind=kind, pass_mark=Decimal(50)
    )


def passed_attempt(user, quiz, *, passed=True, state=Attempt.State.SUBMITTED):
    return Attempt.objects.create(
        quiz=quiz,
        user=user,
        number=Attempt.objects.filter(quiz=quiz, user=user).count() + 1,
        state=state,
        submitted_at=timezone.now(),
        score=Decimal(1 if passed else 0),
        max_score=Decimal(1),
        percent=Decimal(100 if passed else 0),
        passed=passed,
    )


@pytest.fixture
def ab_course(course):
    """``course`` with a pre-test and a post-test used as parallel forms."""
    course.pre_test = make_test("Forme A", "pre")
    course.post_test = make_test("Forme B", "post")
    course.parallel_forms = True
    course.save_revision().publish()
    return CoursePage.objects.get(pk=course.pk)


def keys(lessons):
    return [lesson.translation_key for lesson in lessons]


# Required lessons ---------------------------------------------------------------


def test_required_lessons_are_live_lessons_of_live_modules():
    course = course_with_lessons(lessons=6, modules=3)
    other = course_with_lessons(lessons=2)
    modules = list(ModulePage.objects.child_of(course).order_by("path"))
    modules[1].unpublish()  # its lessons stay live, out of reach
    lessons = list(LessonPage.objects.descendant_of(course).order_by("path"))
    lessons[0].unpublish()

    required = list(completion.required_lessons(course).order_by("path"))
    expected = [
        lesson for lesson in lessons[1:] if not lesson.path.startswith(modules[1].path)
    ]
    assert required == expected and len(expected) == 3
    both = completion.required_lessons(course, other)
    assert set(both) == set(expected) | set(LessonPage.objects.descendant_of(other))
    assert list(completion.required_lessons()) == []


def test_the_outline_lists_the_required_lessons():
    course = course_with_lessons(lessons=4, modules=2)
    ModulePage.objects.child_of(course).order_by("path").last().unpublish()
    outline = course_outline(course=course)
    required = completion.required_lessons(course).order_by("path")
    assert outline.lesson_keys == keys(required)


# The rule ----------------------------------------------------------------------------


def test_what_is_missing_in_course_order():
    a, b, c = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    state = completion.completion_of(
        required_keys=[a, b, c],
        done_keys=[b, uuid.uuid4()],  # a lesson of another course does not count
        post_test_id=7,
        passed_quiz_ids=[],
    )
    assert state.missing_keys == [a, c]
    assert (state.done, state.total, state.percent) == (1, 3, 33)
    assert state.post_test_passed is False
    assert not state.rule_met and not state.is_complete


@pytest.mark.parametrize(
    ("done", "post_test_id", "passed", "met"),
    [
        ("all", None, [], True),
        ("all", 7, [7], True),
        ("all", 7, [8], False),  # another quiz passed
        ("some", None, [], False),
        ("some", 7, [7], False),
    ],
)
def test_the_rule(done, post_test_id, passed, met):
    required = [uuid.uuid4(), uuid.uuid4()]
    state = completion.completion_of(
        required_keys=required,
        done_keys=required if done == "all" else required[:1],
        post_test_id=post_test_id,
        passed_quiz_ids=passed,
    )
    assert state.rule_met is met
    assert state.is_complete is met


def test_a_course_without_lessons_is_never_complete_by_the_rule():
    state = completion.completion_of(
        required_keys=[], done_keys=[], post_test_id=None, passed_quiz_ids=[]
    )
    assert state.percent == 0
    assert not state.rule_met


def test_a_recorded_completion_stays_complete():
    """A lesson published after the completion shows as still to do, but does
    not take the completion back."""
    new_lesson = uuid.uuid4()
    state = completion.completion_of(
        required_keys=[new_lesson],
        done_keys=[],
        post_test_id=None,
        passed_quiz_ids=[],
        completed_at=timezone.now(),
    )
    assert state.missing_keys == [new_lesson]
    assert not state.rule_met
    assert state.is_complete


def test_the_rule_needs_the_test_results():
    state = completion.completion_of(
        required_keys=[uuid.uuid4()],
        done_keys=[],
        post_test_id=None,
        passed_quiz_ids=None,  # not looked up
    )
    assert state.done == 0  # lesson progress is known
    with pytest.raises(ValueError):
        _ = state.rule_met


def test_course_completion_reads_the_database(trainee, ab_course, lessons):
    enrolment = enrolment_create(user=trainee, course=ab_course)
    for lesson in lessons:
        lesson_complete(user=trainee, lesson=lesson, course=ab_course)
    state = completion.course_completion(
        user=trainee, course=ab_course, enrolment=enrolment
    )
    assert state.required_keys == tuple(keys(lessons))
    assert state.missing_keys == []
    assert state.post_test_id == ab_course.post_test_id
    assert not state.rule_met  # the post-test is not passed yet

    passed_attempt(trainee, ab_course.post_test, passed=False)
    passed_attempt(trainee, ab_course.post_test, state=Attempt.State.IN_PROGRESS)
    state = completion.course_completion(
        user=trainee, course=ab_course, enrolment=enrolment
    )
    assert not state.rule_met  # failed, or not submitted

    passed_attempt(trainee, ab_course.post_test)
    state = completion.course_completion(
        user=trainee, course=ab_course, enrolment=enrolment
    )
    assert state.rule_met


# Parallel forms A/B ---------------------------------------------------------------------


@pytest.mark.parametrize("parallel", [False, True])
@pytest.mark.parametrize("reverse", [False, True])
def test_the_swap_in_python_and_in_sql_agree(trainee, ab_course, parallel, reverse):
    CoursePage.objects.filter(pk=ab_course.pk).update(parallel_forms=parallel)
    course = CoursePage.objects.get(pk=ab_course.pk)
    enrolment = enrolment_create(user=trainee, course=course)
    Enrolment.objects.filter(pk=enrolment.pk).update(reversed_forms=reverse)
    enrolment.refresh_from_db()

    python = completion.trainee_test_ids(course, enrolment)
    sql = (
        Enrolment.objects.filter(pk=enrolment.pk)
        .annotate(pre=completion.pre_test_id_sql(), post=completion.post_test_id_sql())
        .values_list("pre", "post")
        .get()
    )
    forms = (course.pre_test_id, course.post_test_id)
    expected = forms[::-1] if parallel and reverse else forms
    assert python == sql == expected
    assert completion.forms_swapped(course, enrolment) is (parallel and reverse)


def test_no_enrolment_no_swap(ab_course):
    assert completion.trainee_test_ids(ab_course, None) == (
        ab_course.pre_test_id,
        ab_course.post_test_id,
    )


def test_a_trainee_in_reverse_order_completes_with_the_pre_test(
    trainee, ab_course, lessons
):
    enrolment = enrolment_create(user=trainee, course=ab_course)
    Enrolment.objects.filter(pk=enrolment.pk).update(reversed_forms=True)
    for lesson in lessons:
        lesson_complete(user=trainee, lesson=lesson, course=ab_course)
    passed_attempt(trainee, ab_course.post_test)  # their pre-test
    enrolment.refresh_from_db()
    assert not completion.course_completion(
        user=trainee, course=ab_course, enrolment=enrolment
    ).rule_met
    passed_attempt(trainee, ab_course.pre_test)  # their post-test
    assert completion.course_completion(
        user=trainee, course=ab_course, enrolment=enrolment
    ).rule_met


# The courses a quiz completes ---------------------------------------------------------


def test_courses_completed_by_quiz(trainee, ab_course):
    other = user_with_role("other@example.org", "Trainee")
    reversed_trainee = user_with_role("reversed@example.org", "Trainee")
    enrolment_create(user=trainee, course=ab_course)
    Enrolment.objects.filter(
        pk=enrolment_create(user=reversed_trainee, course=ab_course).pk
    ).update(reversed_forms=True)
    pre, post = ab_course.pre_test_id, ab_course.post_test_id

    def completed_by(user, quiz_id):
        return completion.courses_completed_by_quiz(quiz_id=quiz_id, user_id=user.pk)

    assert completed_by(trainee, post) == [ab_course]
    assert completed_by(trainee, pre) == []
    assert completed_by(reversed_trainee, pre) == [ab_course]
    assert completed_by(reversed_trainee, post) == []
    assert completed_by(other, post) == []  # not enrolled

    ab_course.unpublish()
    assert completed_by(trainee, post) == []


# Recorded completions ------------------------------------------------------------


def test_completed_enrolments(trainee, course, lessons):
    other = user_with_role("other@example.org", "Trainee")
    enrolment_create(user=other, course=course)
    for lesson in lessons:
        lesson_complete(user=trainee, lesson=lesson, course=course)
    done = Enrolment.objects.get(user=trainee)
    assert list(completion.completed_enrolments()) == [done]
    assert list(Enrolment.objects.filter(completion.COMPLETED)) == [done]
    assert (
        list(completion.completed_enrolments(Enrolment.objects.filter(user=other)))
        == []
    )
