"""Views for participants, anonymously: the feedback form reached by the
session's short link or QR code (``/f/<token>``), without an account. One
answer per browser (a signed cookie) and a cap per network address. The
trainers' side (the QR code and the summary) is ``participants.feedback_qr``.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from kalanso import ratelimit

from .. import services
from ..forms.participants import FeedbackForm
from ..models import CascadeSession

FEEDBACK_COOKIE_SALT = "trainers.feedback"
FEEDBACK_COOKIE_AGE = 365 * 24 * 3600
TOKEN = re.compile(r"[A-Z0-9]{4,12}")


@never_cache
def feedback_short(request, token):
    """/f/<token>: the link on the screen and in the QR code. Sends people to
    the form in their browser's language (French by default)."""
    token = (token or "").strip().upper()
    if not TOKEN.fullmatch(token):
        raise Http404
    if not CascadeSession.objects.filter(feedback_token=token).exists():
        raise Http404
    language = translation.get_language_from_request(request)
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    with translation.override(language):
        url = reverse("trainers:feedback_form", args=[token])
    return redirect(url)


def _feedback_session(token) -> CascadeSession:
    token = (token or "").strip().upper()
    if not TOKEN.fullmatch(token):
        raise Http404
    return get_object_or_404(CascadeSession, feedback_token=token)


def _cookie_name(session) -> str:
    return f"kalanso_feedback_{session.pk}"


def _answered(request, session) -> bool:
    value = request.get_signed_cookie(
        _cookie_name(session), default=None, salt=FEEDBACK_COOKIE_SALT
    )
    return value == session.feedback_token


def _closed(request, session):
    return render(
        request,
        "trainers/participants/feedback_form.html",
        {"session": session, "closed": True},
        status=403 if request.method == "POST" else 200,
    )


@never_cache
def feedback_form(request, token):
    session = _feedback_session(token)
    if _answered(request, session):
        return redirect("trainers:feedback_thanks", token=session.feedback_token)
    if not services.feedback_open(session):
        return _closed(request, session)
    form = FeedbackForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if ratelimit.FEEDBACK.reached(request, session=session):
            form.add_error(
                None,
                _("Too many answers came from your network. Try again tomorrow."),
            )
            status = 429
        else:
            ratelimit.FEEDBACK.hit(request, session=session)
            try:
                services.feedback_create(
                    session=session,
                    satisfaction=form.cleaned_data["satisfaction"],
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError:
                return _closed(request, session)
            response = redirect(
                "trainers:feedback_thanks", token=session.feedback_token
            )
            response.set_signed_cookie(
                _cookie_name(session),
                session.feedback_token,
                salt=FEEDBACK_COOKIE_SALT,
                max_age=FEEDBACK_COOKIE_AGE,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
            return response
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "trainers/participants/feedback_form.html",
        {"session": session, "form": form},
        status=status,
    )


@never_cache
def feedback_thanks(request, token):
    session = _feedback_session(token)
    return render(
        request, "trainers/participants/feedback_thanks.html", {"session": session}
    )


urlpatterns = [
    path("feedback/<str:token>/", feedback_form, name="feedback_form"),
    path("feedback/<str:token>/thanks/", feedback_thanks, name="feedback_thanks"),
]
