"""Views for a session's trainers: importing a participant list from a
spreadsheet (upload, preview with every row's errors, confirmation), and the
template to fill in. Reading and checking the file is ``trainers.importing``;
writing the rows, ``services.participants_import``."""

import secrets
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, re_path
from django.utils import translation
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from kalanso.accounts import roles

from .. import exports, importing, services
from ..forms.participants import ImportForm
from ..permissions import require
from .common import editable_session, error_text, participants_context

IMPORT_SESSION_KEY = "trainers_participant_import"
IMPORT_TTL_SECONDS = 3600


@never_cache
@login_required
def participant_import(request, pk):
    session = editable_session(request, pk)
    if not services.open_for_entry(session):
        messages.error(
            request, _("Participants can no longer be added to this session.")
        )
        return redirect("trainers:participant_list", pk=session.pk)
    if request.method == "POST" and "token" in request.POST:
        return _import_confirm(request, session)
    form = ImportForm(request.POST or None, request.FILES or None)
    context = participants_context(
        request, session, form=form, seats=services.seats_left(session)
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(importing.MAX_BYTES + 1)
        try:
            preview = importing.parse(
                data, upload.name or "", existing=importing.existing_people(session)
            )
        except importing.ImportFileError as error:
            form.add_error("file", error.message)
        else:
            context["preview"] = preview
            if len(preview.rows) > context["seats"]:
                context["capacity_error"] = _(
                    "Only %(left)s seats are left in this session; the file "
                    "holds %(count)s people. Raise the capacity first."
                ) % {"left": context["seats"], "count": len(preview.rows)}
            elif preview.is_valid:
                token = secrets.token_urlsafe(24)
                request.session[IMPORT_SESSION_KEY] = {
                    "token": token,
                    "session": session.pk,
                    "people": preview.people(),
                    "at": time.time(),
                }
                context["token"] = token
    return render(request, "trainers/participants/import.html", context)


def _import_confirm(request, session):
    stored = request.session.pop(IMPORT_SESSION_KEY, None)
    token = request.POST.get("token", "")
    if (
        not stored
        or stored.get("session") != session.pk
        or not constant_time_compare(stored.get("token", ""), token)
        or time.time() - stored.get("at", 0) > IMPORT_TTL_SECONDS
    ):
        messages.error(
            request,
            _("This preview has expired or was already used. Upload the file again."),
        )
        return redirect("trainers:participant_import", pk=session.pk)
    try:
        created = services.participants_import(session=session, people=stored["people"])
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("trainers:participant_import", pk=session.pk)
    messages.success(
        request,
        ngettext(
            "%(count)s participant imported.",
            "%(count)s participants imported.",
            len(created),
        )
        % {"count": len(created)},
    )
    return redirect("trainers:participant_list", pk=session.pk)


@require_safe
@login_required
def participant_import_template(request, file_format):
    """The list to fill in, titled in the current language (no personal data,
    but only for people in the trainer pool and programme staff)."""
    user = request.user
    require(roles.is_in_trainer_pool(user) or roles.can_see_all_sessions(user))
    language = translation.get_language() or settings.LANGUAGE_CODE
    if file_format == "xlsx":
        content = importing.template_xlsx()
        content_type = exports.XLSX_CONTENT_TYPE
    else:
        content = importing.template_csv()
        content_type = exports.CSV_CONTENT_TYPE
    response = HttpResponse(content, content_type=content_type)
    filename = f"participants-template-{language}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


urlpatterns = [
    path("sessions/<id:pk>/import/", participant_import, name="participant_import"),
    re_path(
        r"^sessions/import-template\.(?P<file_format>csv|xlsx)$",
        participant_import_template,
        name="participant_import_template",
    ),
]
