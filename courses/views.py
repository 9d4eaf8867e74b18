from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from wagtail.models import Locale

from .forms import ReflectionForm
from .models import CourseIndexPage, CoursePage, LessonPage
from .selectors import my_learning as my_learning_rows
from .services import enrolment_create, lesson_complete, reflection_save


def _live_page(model, pk):
    page = get_object_or_404(model.objects.live().select_related("locale"), pk=pk)
    return page


def _back(request, fallback):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


@never_cache
@login_required
def my_learning(request):
    rows = my_learning_rows(user=request.user, request=request)
    catalogue = (
        CourseIndexPage.objects.live().filter(locale=Locale.get_active()).first()
    )
    return render(
        request,
        "courses/my_learning.html",
        {
            "catalogue_url": catalogue.get_url(request) if catalogue else None,
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
    from .selectors import course_outline, course_progress

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
