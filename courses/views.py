"""Courses' views: the pages Wagtail serves (their context, registered with
``kalanso.pages.page_view``) and the learning actions (enrol, complete a
lesson, save a note). Views read through the selectors and write through the
services; the models import none of them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from assessments.forms import AttemptForm
from assessments.review import review_rows
from assessments.selectors import latest_attempts
from assessments.services import knowledge_checks_start
from kalanso.http import safe_next
from kalanso.pages import page_view

from .blocks import SortingAnswerForm
from .forms import CatalogueFilterForm, ReflectionForm, ResourceFilterForm
from .models import (
    CourseIndexPage,
    CoursePage,
    LessonPage,
    ResourceIndexPage,
)
from .selectors import (
    attempt_questions,
    catalogue_courses,
    catalogue_url,
    course_outline,
    course_progress,
    knowledge_check_blocks,
    lesson_navigation,
    library_resources,
)
from .selectors import my_learning as my_learning_rows
from .services import (
    enrolment_create,
    lesson_complete,
    lesson_viewed,
    reflection_save,
)

# Pages ----------------------------------------------------------------------------


@page_view(CourseIndexPage)
def catalogue_page(page: CourseIndexPage, request) -> dict:
    form = CatalogueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    return {
        "filter_form": form,
        "courses": catalogue_courses(locale=page.locale, **filters),
    }


@page_view(ResourceIndexPage)
def resource_library_page(page: ResourceIndexPage, request) -> dict:
    form = ResourceFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    return {
        "filter_form": form,
        "resources": library_resources(index_page=page, **filters),
    }


@page_view(CoursePage)
def course_page(page: CoursePage, request) -> dict:
    outline = course_outline(course=page)
    context = {"outline": outline}
    if request.user.is_authenticated:
        context["progress"] = course_progress(
            user=request.user, course=page, outline=outline
        )
    return context


@page_view(LessonPage)
def lesson_page(page: LessonPage, request) -> dict:
    """Everything the lesson template needs, in a fixed number of queries.
    Opening a lesson writes: where the trainee is (``lesson_viewed``), and an
    attempt for each knowledge check shown as a form."""
    course = page.course
    context = lesson_navigation(lesson=page, course=course, request=request)
    user = request.user
    reflections = {}
    if user.is_authenticated:
        progress = course_progress(
            user=user,
            course=course,
            outline=context["outline"],
            with_tests=False,
            reflections_of=page,
        )
        context["progress"] = progress
        context["lesson_done"] = page.translation_key in progress.completed_keys
        # A course being downloaded for offline use is not the trainee reading it.
        downloading = request.headers.get("X-Kalanso-Offline") == "download"
        if progress.enrolled and not downloading:
            lesson_viewed(
                user=user, lesson=page, course=course, enrolment=progress.enrolment
            )
        reflections = progress.reflections

    # Shared blocks come from the cache; personal blocks are rendered per reader.
    shared = page.rendered_shared_blocks()
    checks = _knowledge_checks(lesson=page, shared=shared, request=request)
    parts = []
    for index, html in enumerate(shared):
        if html is not None:
            parts.append({"html": html})
            continue
        block = page.body[index]
        part = {"block": block, "type": block.block_type}
        if block.block_type == "sorting_exercise":
            prefix = f"ex-{block.id}"
            submitted = request.GET.get("exercise") == block.id
            form = SortingAnswerForm(
                request.GET if submitted else None,
                block_value=block.value,
                prefix=prefix,
            )
            part.update(form=form, submitted=submitted)
        elif block.block_type == "knowledge_check":
            part.update(checks.get(block.id, {}))
        elif block.block_type == "reflection":
            answer = reflections.get(block.id)
            part.update(
                answer=answer,
                form=ReflectionForm(
                    initial={"text": answer.plain_text if answer else ""}
                ),
            )
        parts.append(part)
    context["body_parts"] = parts
    # A SCORM package completes its lesson itself: no "mark as complete".
    context["tracked_by_package"] = any(p.get("type") == "scorm" for p in parts)
    return context


def _knowledge_checks(*, lesson: LessonPage, shared, request) -> dict:
    """For each knowledge-check block: the open attempt's form, or the last
    result with its feedback. Two queries whatever the number of checks, plus
    the attempts started."""
    blocks = knowledge_check_blocks(lesson=lesson, shared=shared)
    if not blocks:
        return {}
    user = request.user
    if not user.is_authenticated:
        return {b.id: {"quiz": b.value["quiz"]} for b in blocks}
    quizzes = {b.value["quiz"].pk: b.value["quiz"] for b in blocks}
    latest = latest_attempts(user=user, quiz_ids=quizzes)
    retry = request.GET.get("retry")
    to_start = {}
    for block in blocks:
        quiz = quizzes[block.value["quiz"].pk]
        attempt = latest.get(quiz.pk)
        if attempt is None or not attempt.is_submitted or retry == block.id:
            to_start[quiz.pk] = quiz
    latest.update(knowledge_checks_start(user=user, quizzes=to_start.values()))
    rows = attempt_questions(latest.values())
    result = {}
    for block in blocks:
        quiz = quizzes[block.value["quiz"].pk]
        attempt = latest.get(quiz.pk)
        info = {"quiz": quiz, "attempt": attempt}
        attempt_rows = rows.get(attempt.pk, []) if attempt else []
        if attempt and attempt.is_submitted:
            info["review"] = review_rows(attempt, show_feedback=True, rows=attempt_rows)
        elif attempt:
            form = AttemptForm(rows=attempt_rows)
            info["questions"] = [(row, form.fields_for(row)) for row in attempt_rows]
        result[block.id] = info
    return result


# Learning actions --------------------------------------------------------------------


def _live_page(model, pk):
    page = get_object_or_404(model.objects.live().select_related("locale"), pk=pk)
    return page


def _back(request, fallback):
    return redirect(safe_next(request, request.POST.get("next")) or fallback)


@never_cache
@login_required
def my_learning(request):
    rows = my_learning_rows(user=request.user, request=request)
    return render(
        request,
        "courses/my_learning.html",
        {
            "catalogue_url": catalogue_url(request) or None,
            "in_progress": [r for r in rows if not r.is_complete],
            "completed": [r for r in rows if r.is_complete],
        },
    )


@require_POST
@login_required
def enrol(request, course_id):
    course = _live_page(CoursePage, course_id)
    enrolment_create(user=request.user, course=course)
    messages.success(
        request, _("You are enrolled in “%(course)s”.") % {"course": course.title}
    )
    return redirect(course.url)


@login_required
def continue_course(request, course_id):
    course = _live_page(CoursePage, course_id)
    outline = course_outline(course=course, request=request)
    progress = course_progress(user=request.user, course=course, outline=outline)
    lesson = progress.resume_lesson
    if lesson is None:
        return redirect(course.url)
    return redirect(lesson.url)


@require_POST
@login_required
def complete_lesson(request, lesson_id):
    lesson = _live_page(LessonPage, lesson_id)
    course = lesson.course
    if course is None:
        raise Http404
    if any(block.block_type == "scorm" for block in lesson.body):
        # Completed by its package's tracking, not by hand.
        messages.error(
            request,
            _("This lesson is complete when you have completed its activity."),
        )
        return _back(request, lesson.url)
    finished_course = lesson_complete(user=request.user, lesson=lesson, course=course)
    if finished_course:
        messages.success(
            request,
            _("Congratulations! You have completed “%(course)s”.")
            % {"course": course.title},
        )
    else:
        messages.success(request, _("Lesson marked as complete."))
    return _back(request, lesson.url)


@require_POST
@login_required
def save_reflection(request, lesson_id, block_id):
    lesson = _live_page(LessonPage, lesson_id)
    if not any(b.id == block_id and b.block_type == "reflection" for b in lesson.body):
        raise Http404
    form = ReflectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Your note could not be saved: it is too long."))
        return redirect(f"{lesson.url}#block-{block_id}")
    answer = reflection_save(
        user=request.user,
        lesson=lesson,
        block_id=block_id,
        text=form.cleaned_data["text"],
    )
    messages.success(
        request,
        _("Your note has been saved.") if answer else _("Your note has been deleted."),
    )
    return redirect(f"{lesson.url}#block-{block_id}")
