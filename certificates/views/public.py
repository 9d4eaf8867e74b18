"""Public verification: no login, no JavaScript, nothing cached.

A lookup answers valid / expired / revoked (with the date), the holder's name,
what and when — nothing else about the person. Unknown codes get the same
404 page whatever the reason (never a hint), and lookups are rate-limited per
visitor address.
"""

import hashlib
import logging
import re

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Max, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe

from kalanso import ratelimit

from .. import keys, openbadges
from ..forms import VerifyForm
from ..issuance import programme_name
from ..models import Credential, normalise_short_code

logger = logging.getLogger(__name__)

JWT_TYPE = "application/vc+ld+json+jwt"
LONG_CODE_LENGTHS = range(24, 44)
LONG_CODE_SHAPE = re.compile(r"[A-Za-z0-9_-]+")


def lookup(code: str) -> Credential | None:
    """The credential with this code or short code. Inputs that cannot be a
    code are answered without a query: their shape is public, not a secret."""
    code = (code or "").strip()
    short = normalise_short_code(code)
    credentials = Credential.objects.all()
    if short is not None:
        return credentials.filter(short_code=short).first()
    if len(code) in LONG_CODE_LENGTHS and LONG_CODE_SHAPE.fullmatch(code):
        return credentials.filter(code=code).first()
    return None


def _too_many(request):
    response = render(request, "certificates/rate_limited.html", status=429)
    response["Retry-After"] = str(ratelimit.VERIFICATION.period)
    return response


def _result(request, code, form=None):
    if ratelimit.VERIFICATION.hit(request):
        return _too_many(request)
    credential = lookup(code)
    if credential is None:
        form = form or VerifyForm()
        return render(
            request,
            "certificates/verify.html",
            {"form": form, "not_found": True},
            status=404,
        )
    return render(
        request,
        "certificates/verify_result.html",
        {
            "credential": credential,
            "state": credential.state(),
            "State": Credential.State,
            "reissued": credential.revocation_cause == Credential.Cause.REISSUED,
        },
    )


@never_cache
@require_safe
def verify(request, code):
    return _result(request, code)


@never_cache
@require_safe
def verify_form(request):
    form = VerifyForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return _result(request, form.cleaned_data["code"], form)
    return render(request, "certificates/verify.html", {"form": form})


@never_cache
@require_safe
def short_link(request, code):
    """/v/<code>, printed and in the QR code: on to the verification page in
    the visitor's language. The code is not looked up here."""
    language = translation.get_language_from_request(request)
    with translation.override(language):
        return redirect(reverse("certificates:verify", args=[code]))


@never_cache
@require_safe
def credential_jwt(request, code):
    """The signed Open Badges credential, for whoever has the code (the same
    facts as the verification page, signed)."""
    if ratelimit.VERIFICATION.hit(request):
        return _too_many(request)
    credential = lookup(code)
    if credential is None:
        raise Http404
    if credential.revoked_at is not None:
        # Revoked (or erased at the holder's request): the verification page
        # and the status list say so; the signed document is not handed out.
        return HttpResponse(status=410)
    try:
        token = openbadges.credential_jwt(credential)
    except ImproperlyConfigured:
        logger.exception("Credentials cannot be signed.")
        return HttpResponse(status=503)
    response = HttpResponse(token, content_type=JWT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="credential-{credential.short_code}.jwt"'
    )
    return response


# Stable documents for verifiers and wallets ------------------------------------


def _json(data, content_type="application/json"):
    return JsonResponse(
        data,
        content_type=content_type,
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )


def _signing_unavailable():
    logger.exception("Credentials cannot be signed.")
    return HttpResponse(status=503)


@require_safe
@cache_control(public=True, max_age=3600)
def issuer(request):
    try:
        return _json(openbadges.issuer_profile(programme_name()), "application/ld+json")
    except ImproperlyConfigured:
        return _signing_unavailable()


@require_safe
@cache_control(public=True, max_age=3600)
def jwks(request):
    try:
        return _json(keys.jwks(), "application/jwk-set+json")
    except ImproperlyConfigured:
        return _signing_unavailable()


@require_safe
@cache_control(public=True, max_age=3600)
def key(request, thumbprint):
    try:
        if thumbprint != keys.thumbprint():
            raise Http404
        return _json(keys.public_jwk(), "application/jwk+json")
    except ImproperlyConfigured:
        return _signing_unavailable()


@require_safe
@cache_control(public=True, max_age=0, must_revalidate=True)
def status_list(request, list_id):
    """The revocation list as a signed VC-JWT. Cached by its content: one
    aggregate query tells whether anything was revoked since."""
    if list_id != openbadges.STATUS_LIST_ID:
        raise Http404
    facts = Credential.objects.aggregate(
        revoked=Count("pk", filter=Q(revoked_at__isnull=False)),
        last=Max("revoked_at"),
        top=Max("status_index"),
    )
    fingerprint = hashlib.sha256(
        f"{facts['revoked']}:{facts['last']}:{facts['top']}".encode()
    ).hexdigest()[:32]
    cache_key = f"certificates:status-list:{list_id}:{fingerprint}"
    token = cache.get(cache_key)
    if token is None:
        revoked = Credential.objects.filter(revoked_at__isnull=False).values_list(
            "status_index", flat=True
        )
        try:
            token = openbadges.status_list_jwt(list(revoked), facts["top"])
        except ImproperlyConfigured:
            return _signing_unavailable()
        cache.set(cache_key, token, 3600)
    return HttpResponse(token, content_type=JWT_TYPE)
