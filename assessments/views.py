from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kalanso.display import duration_text
from kalanso.http import safe_next

from .forms import AttemptForm
from .models import Attempt, Quiz
from .review import review_rows
from .services import (
    AttemptError,
    attempt_save_answers,
    attempt_start,
    attempt_submit,
    feedback_visible,
    is_overdue,
)


def _own_attempt(request, attempt_id):
    attempt = get_object_or_404(Attempt.objects.select_related("quiz"), pk=attempt_id)
    if attempt.user_id != request.user.pk:
        raise PermissionDenied
    return attempt


def _with_next(url, next_url, **params):
    """``url`` with its query string (the page to go back to, encoded)."""
    if next_url:
        params["next"] = next_url
    return f"{url}?{urlencode(params)}" if params else url


def _safe_next(request, fallback):
    target = request.POST.get("next") or request.GET.get("next")
    return safe_next(request, target) or fallback


def may_sit(user, quiz) -> bool:
    """Whether the user may start this quiz, as the project decides
    (``KALANSO_EXAM_ELIGIBILITY``: certification exams for the trainer pool)."""
    check = getattr(settings, "KALANSO_EXAM_ELIGIBILITY", "")
    return not check or bool(import_string(check)(user, quiz))


def _detail(request, quiz):
    eligible = may_sit(request.user, quiz)
    attempts = list(
        Attempt.objects.filter(quiz=quiz, user=request.user).order_by("number")
    )
    open_attempt = next((a for a in attempts if not a.is_submitted), None)
    used = len(attempts)
    can_start = (
        eligible
        and open_attempt is None
        and quiz.is_open()
        and (not quiz.attempts_allowed or used < quiz.attempts_allowed)
    )
    return render(
        request,
        "assessments/quiz_detail.html",
        {
            "quiz": quiz,
            "attempts": attempts,
            "open_attempt": open_attempt if eligible else None,
            "can_start": can_start,
            "eligible": eligible,
            "next": _safe_next(request, ""),
        },
        status=200 if eligible else 403,
    )


@never_cache
@login_required
def quiz_detail(request, quiz_id):
    return _detail(request, get_object_or_404(Quiz, pk=quiz_id))


@require_POST
@login_required
def quiz_start(request, quiz_id):
    quiz = get_object_or_404(Quiz, pk=quiz_id)
    if not may_sit(request.user, quiz):
        return _detail(request, quiz)
    try:
        attempt = attempt_start(quiz=quiz, user=request.user)
    except AttemptError as error:
        messages.error(request, str(error))
        return redirect("assessments:quiz", quiz_id=quiz.pk)
    url = reverse("assessments:attempt", args=[attempt.pk])
    next_url = _safe_next(request, "")
    return redirect(_with_next(url, next_url))


@never_cache
@login_required
def attempt_view(request, attempt_id):
    """Answer the questions; answers are saved at every step (no JavaScript)."""
    attempt = _own_attempt(request, attempt_id)
    if attempt.is_submitted:
        return redirect("assessments:review", attempt_id=attempt.pk)
    rows = list(attempt.questions.order_by("position"))
    per_page = attempt.quiz.one_question_per_page
    try:
        page = max(
            1, min(len(rows), int(request.GET.get("page", request.POST.get("page", 1))))
        )
    except ValueError:
        page = 1
    shown = rows[page - 1 : page] if per_page else rows
    form = AttemptForm(request.POST or None, rows=shown)
    next_url = _safe_next(request, "")
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action", "save")
        try:
            if not is_overdue(attempt):
                attempt_save_answers(attempt=attempt, responses=form.responses())
        except AttemptError as error:
            messages.error(request, str(error))
        if action == "submit" or is_overdue(attempt):
            attempt_submit(attempt=attempt)
            target = reverse("assessments:review", args=[attempt.pk])
            return redirect(_with_next(target, next_url))
        if per_page and action in ("next", "previous"):
            page = page + 1 if action == "next" else page - 1
        else:
            messages.success(request, _("Your answers have been saved."))
        target = reverse("assessments:attempt", args=[attempt.pk])
        return redirect(_with_next(target, next_url, page=page))
    remaining = None
    if attempt.deadline:
        remaining = duration_text((attempt.deadline - timezone.now()).total_seconds())
    return render(
        request,
        "assessments/attempt.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "form": form,
            "rows": [(row, form.fields_for(row)) for row in shown],
            "page": page,
            "pages": len(rows),
            "per_page": per_page,
            "remaining": remaining,
            "next": next_url,
        },
    )


@never_cache
@login_required
def attempt_review(request, attempt_id):
    attempt = _own_attempt(request, attempt_id)
    if not attempt.is_submitted:
        return redirect("assessments:attempt", attempt_id=attempt.pk)
    show = feedback_visible(attempt)
    rows = review_rows(attempt, show_feedback=show)
    return render(
        request,
        "assessments/review.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "rows": rows,
            "show_feedback": show,
            "next": _safe_next(request, ""),
        },
    )


@require_POST
@login_required
def knowledge_check_submit(request, quiz_id):
    """A knowledge check inside a lesson: answer, submit and see feedback there."""
    quiz = get_object_or_404(Quiz, pk=quiz_id, kind=Quiz.Kind.KNOWLEDGE_CHECK)
    fallback = reverse("assessments:quiz", args=[quiz.pk])
    next_url = _safe_next(request, fallback)
    try:
        attempt = attempt_start(quiz=quiz, user=request.user)
    except AttemptError as error:
        messages.error(request, str(error))
        return redirect(next_url)
    form = AttemptForm(request.POST, rows=attempt.questions.order_by("position"))
    if not form.is_valid():
        raise Http404
    attempt_save_answers(attempt=attempt, responses=form.responses())
    attempt_submit(attempt=attempt)
    return redirect(next_url)
