"""Downloads of printable paper tests and of their answer keys.

Served on the site (``/<lang>/quiz/<id>/paper.pdf``), not in the Wagtail
admin: the trainers who print them are not admin users.

Who may download what is decided by the roles (``kalanso.accounts.roles``):

- the paper (``can_print_paper``): users with ``assessments.view_quiz`` or
  ``assessments.change_quiz``, and trainers;
- the answer key (``can_print_answer_key``): users with
  ``assessments.change_quiz``, and trainers (they mark the papers). Never
  trainees, nor programme managers (who only read quizzes).

``?seed=<0..999999>`` chooses the variant (see assessments.paper); without it,
variant 0 is printed.
"""

import re

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from kalanso.accounts.roles import can_print_answer_key, can_print_paper

from .models import Quiz
from .paper import DEFAULT_SEED, MAX_SEED
from .pdf import quiz_answer_key_pdf, quiz_paper_pdf

_SEED = re.compile(r"[0-9]{1,6}")


def _seed(request) -> int | None:
    """The variant asked for, or None when the value is not an int 0..999999."""
    raw = request.GET.get("seed")
    if raw is None:
        return DEFAULT_SEED
    if not _SEED.fullmatch(raw):
        return None
    seed = int(raw)
    return seed if 0 <= seed <= MAX_SEED else None


def _filename(quiz: Quiz, what: str, seed: int) -> str:
    slug = slugify(quiz.title)[:60].strip("-_") or f"quiz-{quiz.pk}"
    return f"{slug}-{what}-v{seed}.pdf"


def _pdf_response(request, quiz_id, *, allowed, render, what):
    if not allowed(request.user):
        raise PermissionDenied
    seed = _seed(request)
    if seed is None:
        return HttpResponseBadRequest(
            "seed must be a whole number from 0 to 999999.", content_type="text/plain"
        )
    quiz = get_object_or_404(Quiz, pk=quiz_id)
    response = HttpResponse(
        render(quiz=quiz, variant_seed=seed), content_type="application/pdf"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{_filename(quiz, what, seed)}"'
    )
    return response


@require_safe
@never_cache
@login_required
def quiz_paper(request, quiz_id):
    return _pdf_response(
        request, quiz_id, allowed=can_print_paper, render=quiz_paper_pdf, what="paper"
    )


@require_safe
@never_cache
@login_required
def quiz_answer_key(request, quiz_id):
    return _pdf_response(
        request,
        quiz_id,
        allowed=can_print_answer_key,
        render=quiz_answer_key_pdf,
        what="answer-key",
    )


urlpatterns = [
    path("<id:quiz_id>/paper.pdf", quiz_paper, name="assessments_quiz_paper"),
    path(
        "<id:quiz_id>/answer-key.pdf",
        quiz_answer_key,
        name="assessments_quiz_answer_key",
    ),
]
