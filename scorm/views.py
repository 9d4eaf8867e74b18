"""The content origin's views: the player shell, the package's files, commits.

They run only on ``SCORM_CONTENT_ORIGIN`` (``scorm.middleware``), a host that
holds no Kalanso cookie: requests are authorised by the signed tokens in
their path (``scorm.tokens``), minted by the lesson page for a learner it let
in. Every response carries its own Content-Security-Policy: framed only by
the site, no plugins; a package's scripts run on the content origin, where
they can read nothing of Kalanso's.
"""

import functools
import json
import mimetypes
import uuid

from django.http import FileResponse, Http404, HttpResponseNotFound, JsonResponse
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import ScormPackage, ScormSession
from .services import CommitError, commit, initial_cmi
from .tokens import content_token, read_content_token, read_session_token

MAX_COMMIT_BYTES = 1_000_000


def content_origin_view(view):
    """A 404 on the content origin stays a plain 404: no site page, no
    redirection to a ``/fr/`` address (``kalanso.middleware.LocaleMiddleware``)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            response = HttpResponseNotFound(b"Not found", content_type="text/plain")
        if response.status_code == 404:
            response.no_language_redirect = True
        return response

    return wrapped


def content_policy(frame_ancestors: list[str]) -> str:
    ancestors = " ".join(["'self'", *frame_ancestors])
    return (
        "default-src 'self' 'unsafe-inline' 'unsafe-eval' data: blob:; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; "
        f"frame-ancestors {ancestors}"
    )


def _protect(response, frame_ancestors):
    response["Content-Security-Policy"] = content_policy(frame_ancestors)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def _session(token):
    data = read_session_token(token)
    if data is None:
        raise Http404
    try:
        session = ScormSession.objects.select_related(
            "attempt__package", "attempt__user"
        ).get(pk=uuid.UUID(data["s"]))
    except (ValueError, ScormSession.DoesNotExist):
        raise Http404 from None
    return session, data["o"]


@content_origin_view
@xframe_options_exempt
def player(request, token):
    """The shell framed by the lesson: the SCORM API and the SCO's frame."""
    session, origin = _session(token)
    attempt = session.attempt
    user = attempt.user
    if not user.is_active:
        raise Http404
    package = attempt.package
    sco = package.sco(attempt.sco_id)
    if sco is None:
        raise Http404
    files = content_token(user_id=user.pk, package_id=package.pk, origin=origin)
    config = {
        "version": package.version,
        "cmi": initial_cmi(session, user=user, version=package.version),
        "commitUrl": f"/scorm/s/{token}/commit",
        "scoUrl": f"/scorm/c/{files}/{sco['href']}{sco['parameters']}",
        "parentOrigin": origin,
    }
    response = render(
        request,
        "scorm/player.html",
        {
            "config": config,
            "runtime": "scorm12" if package.version == "1.2" else "scorm2004",
        },
    )
    response["Cache-Control"] = "no-store"
    return _protect(response, [origin])


@content_origin_view
@xframe_options_exempt
def content(request, token, path):
    """A file of the package, for the user the token was minted for."""
    data = read_content_token(token)
    if data is None:
        raise Http404
    package = ScormPackage.objects.filter(pk=data["p"]).first()
    if (
        package is None
        or not package.attempts.filter(user_id=data["u"], user__is_active=True).exists()
    ):
        raise Http404
    root = package.path.resolve()
    try:
        target = (root / path).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            raise Http404
    except (ValueError, OSError):
        raise Http404 from None
    content_type, encoding = mimetypes.guess_type(target.name)
    response = FileResponse(
        open(target, "rb"), content_type=content_type or "application/octet-stream"
    )
    if encoding:
        response["Content-Encoding"] = encoding
    response["Cache-Control"] = "private, max-age=86400"
    return _protect(response, [data.get("o", "")])


@content_origin_view
@csrf_exempt  # no cookie on this origin: the signed session token authorises
@require_POST
def commit_view(request, token):
    """One commit of the runtime: ``{"seq": n, "cmi": {...}, "terminated": bool}``.
    Bad input answers 400; a replay or a late commit answers 200, not applied."""
    data = read_session_token(token)
    if data is None:
        return JsonResponse({"error": "unknown session"}, status=404)
    if len(request.body) > MAX_COMMIT_BYTES:
        return JsonResponse({"error": "too large"}, status=400)
    try:
        payload = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"error": "bad JSON"}, status=400)
    if not isinstance(payload, dict):
        return JsonResponse({"error": "expected an object"}, status=400)
    try:
        _session, applied = commit(
            session_id=uuid.UUID(data["s"]),
            seq=payload.get("seq"),
            cmi=payload.get("cmi"),
            terminated=payload.get("terminated") is True,
        )
    except CommitError as error:
        return JsonResponse({"error": str(error)}, status=400)
    except (ValueError, ScormSession.DoesNotExist):
        return JsonResponse({"error": "unknown session"}, status=404)
    response = JsonResponse({"applied": applied})
    response["Cache-Control"] = "no-store"
    return response
