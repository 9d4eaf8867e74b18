"""Downloads for the holder (and managers), and the attendance certificates
of a session for its trainers: the printable batch for places without
connectivity."""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from courses import localized
from kalanso.accounts import audit, roles
from trainers.models import CascadeSession
from trainers.permissions import (
    can_see_participants,
    require,
    sessions_visible_to,
)

from .. import openbadges, tasks
from ..models import Credential
from ..pdf import batch_pdf, certificate_pdf
from ..permissions import can_download, is_holder

logger = logging.getLogger(__name__)


def _attachment(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _credential_for(request, pk, allowed):
    credential = get_object_or_404(
        Credential.objects.select_related("participant", "session"), pk=pk
    )
    require(allowed(request.user, credential))
    return credential


def _gone(request, credential):
    return render(
        request,
        "certificates/revoked.html",
        {"credential": credential},
        status=410,
    )


@never_cache
@require_safe
@login_required
def download_pdf(request, pk):
    credential = _credential_for(request, pk, can_download)
    if credential.is_revoked:
        return _gone(request, credential)
    return _attachment(
        certificate_pdf(credential),
        "application/pdf",
        f"certificate-{credential.short_code}.pdf",
    )


@never_cache
@require_safe
@login_required
def download_jwt(request, pk):
    credential = _credential_for(
        request,
        pk,
        lambda user, c: is_holder(user, c) or roles.is_programme_manager(user),
    )
    if credential.is_revoked:
        return _gone(request, credential)
    try:
        token = openbadges.credential_jwt(credential)
    except ImproperlyConfigured:
        logger.exception("Credentials cannot be signed.")
        return HttpResponse(status=503)
    return _attachment(
        token,
        "application/vc+ld+json+jwt",
        f"credential-{credential.short_code}.jwt",
    )


# Sessions ---------------------------------------------------------------------------


def _may_see_sessions(user) -> bool:
    return (
        roles.is_trainer(user)
        or roles.can_see_all_sessions(user)
        or sessions_visible_to(user).exists()
    )


@never_cache
@require_safe
@login_required
def sessions(request):
    """Validated sessions the user may print certificates for."""
    require(_may_see_sessions(request.user))
    validated = (
        sessions_visible_to(request.user)
        .filter(status=CascadeSession.Status.VALIDATED)
        .select_related("course", "region")
        .annotate(
            certificates=Count(
                "credentials",
                filter=Q(
                    credentials__kind=Credential.Kind.ATTENDANCE,
                    credentials__revoked_at__isnull=True,
                ),
            )
        )
        .order_by("-end_date", "-pk")
    )
    page = Paginator(validated, 50).get_page(request.GET.get("page"))
    localized.localize_related(page.object_list, "course")
    return render(
        request,
        "certificates/sessions.html",
        {
            "page": page,
            "sessions": page.object_list,
            "is_manager": roles.is_programme_manager(request.user),
        },
    )


@never_cache
@require_safe
@login_required
def session_pdf(request, session_id):
    """Every live attendance certificate of the session, one page each."""
    session = get_object_or_404(CascadeSession, pk=session_id)
    require(can_see_participants(request.user, session))
    credentials = list(
        Credential.objects.filter(
            session=session,
            kind=Credential.Kind.ATTENDANCE,
            revoked_at__isnull=True,
        ).order_by("holder_name", "pk")
    )
    if not credentials:
        messages.info(
            request,
            _("There is no certificate of attendance for “%(session)s” yet.")
            % {"session": session.title},
        )
        return redirect("certificates:sessions")
    audit.record(
        request.user, "attendance_certificates_printed", session, count=len(credentials)
    )
    return _attachment(
        batch_pdf(credentials, session.title),
        "application/pdf",
        f"attendance-{slugify(session.title)[:60] or session.pk}.pdf",
    )


@require_POST
@login_required
def session_issue(request, session_id):
    """Managers: issue the certificates still missing for a validated session
    (attendance completed after the validation, for example)."""
    session = get_object_or_404(CascadeSession, pk=session_id)
    require(roles.is_programme_manager(request.user))
    if session.status != CascadeSession.Status.VALIDATED:
        messages.error(request, _("Only a validated session has certificates."))
    else:
        tasks.issue_attendance_credentials.enqueue(session.pk)
        messages.success(
            request,
            _("The missing certificates of “%(session)s” are being issued.")
            % {"session": session.title},
        )
    return redirect("certificates:sessions")
